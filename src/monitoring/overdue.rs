//! Indicators whose data is overdue: adopted by a goal of a municipality's strategy, and without
//! a value (for any of its areas) for the last period of its frequency that has ended. The staff
//! start page lists them for the coordinators of that municipality.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr, Statement};
use uuid::Uuid;

use crate::{
    db::placeholders,
    monitoring::model::{Frequency, Period},
};

/// An adopted indicator without a value for the period expected by now.
#[derive(Clone, Debug)]
pub struct OverdueIndicator {
    pub municipality_id: Uuid,
    pub indicator_id: Uuid,
    pub name: String,
    pub expected: Period,
    /// The latest period it has a value for, if any.
    pub latest: Option<Period>,
}

/// The overdue indicators of the municipalities in `scope` (`None`: all), by municipality and
/// name. Two grouped queries: the adopted indicators, and the latest period of each.
pub async fn overdue_indicators(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
    today: NaiveDate,
) -> Result<Vec<OverdueIndicator>, DbErr> {
    let backend = db.get_database_backend();
    let (scope_sql, values) = match scope {
        None => (String::new(), Vec::new()),
        Some([]) => return Ok(Vec::new()),
        Some(ids) => {
            let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
            let values: Vec<sea_orm::Value> = ids.iter().map(|id| (*id).into()).collect();
            (format!(" AND {{}} IN ({})", marks.join(", ")), values)
        }
    };
    let adopted = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                &format!(
                    "SELECT DISTINCT s.municipality_id AS municipality_id, i.id AS indicator_id, \
                       i.name AS name, i.frequency AS frequency \
                     FROM goal_indicators gi \
                     JOIN goals g ON g.id = gi.goal_id \
                     JOIN fields_of_action f ON f.id = g.field_of_action_id \
                     JOIN strategies s ON s.id = f.strategy_id \
                     JOIN indicators i ON i.id = gi.indicator_id \
                     WHERE g.archived_at IS NULL{}",
                    scope_sql.replace("{}", "s.municipality_id")
                ),
            ),
            values.clone(),
        ))
        .await?;
    let latest_rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                &format!(
                    "SELECT v.indicator_id AS indicator_id, a.municipality_id AS municipality_id, \
                       MAX(v.period) AS period \
                     FROM indicator_values v JOIN areas a ON a.id = v.area_id \
                     WHERE 1 = 1{} \
                     GROUP BY v.indicator_id, a.municipality_id",
                    scope_sql.replace("{}", "a.municipality_id")
                ),
            ),
            values,
        ))
        .await?;
    // Periods of one indicator all have its frequency's form, so the greatest text is the latest.
    let mut latest: HashMap<(Uuid, Uuid), Period> = HashMap::new();
    for row in latest_rows {
        let indicator: Uuid = row.try_get("", "indicator_id")?;
        let municipality: Uuid = row.try_get("", "municipality_id")?;
        let period: String = row.try_get("", "period")?;
        if let Some(period) = Period::parse(&period) {
            latest.insert((municipality, indicator), period);
        }
    }
    let mut overdue = Vec::new();
    for row in adopted {
        let municipality_id: Uuid = row.try_get("", "municipality_id")?;
        let indicator_id: Uuid = row.try_get("", "indicator_id")?;
        let frequency: String = row.try_get("", "frequency")?;
        let frequency = Frequency::parse(&frequency).unwrap_or(Frequency::Year);
        let expected = Period::last_completed(frequency, today);
        let latest = latest.get(&(municipality_id, indicator_id)).copied();
        if latest.is_none_or(|p| p.starts_on() < expected.starts_on()) {
            overdue.push(OverdueIndicator {
                municipality_id,
                indicator_id,
                name: row.try_get("", "name")?,
                expected,
                latest,
            });
        }
    }
    overdue.sort_by(|a, b| (a.municipality_id, &a.name).cmp(&(b.municipality_id, &b.name)));
    Ok(overdue)
}
