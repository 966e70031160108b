//! What of monitoring the public may see, in one place: the small-area rule (a value over fewer
//! cases than the municipality's minimum group size, or for an area with fewer inhabitants than
//! its minimum population, is never published), the published time series every public surface
//! draws from (goal page, strategy overview, indicator page, CSV download), which indicators a
//! municipality publishes at all (those a goal of one of its strategies adopted: strategies are
//! public, drafts marked), and numbers written with their unit.
//!
//! A public surface never reads `indicator_values` itself: it asks [`published_series`] (or
//! [`published_whole_series`]), whose points carry either a number that may be shown or
//! [`Point::value`] `None` — "zu wenige Fälle".

use std::collections::HashMap;

use entity::{areas, goal_indicators, indicator_values, indicators, municipalities};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    monitoring::model::{GoodDirection, Period, Unit, areas_of, format_number},
    strategy::model as strategy,
    web::i18n::{self, Lang},
};

/// Why a value must not be published, if it must not: the message key staff see beside it.
pub fn withheld(
    value: &indicator_values::Model,
    area: &areas::Model,
    municipality: &municipalities::Model,
) -> Option<&'static str> {
    if value
        .numerator
        .is_some_and(|n| n < f64::from(municipality.min_group_size))
    {
        Some("monitoring-withheld-few-cases")
    } else if area
        .population
        .is_some_and(|p| p < i64::from(municipality.min_area_population))
    {
        Some("monitoring-withheld-few-inhabitants")
    } else {
        None
    }
}

/// One period of a published series: the value, or `None` where it is withheld.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub period: Period,
    pub value: Option<f64>,
}

/// An area's published values of one indicator, oldest period first.
#[derive(Clone, Debug)]
pub struct AreaSeries {
    pub area_id: Uuid,
    pub name: String,
    /// The municipality as a whole rather than one of its districts.
    pub whole: bool,
    pub points: Vec<Point>,
}

impl AreaSeries {
    /// The newest value that may be shown, with its period.
    pub fn latest(&self) -> Option<(Period, f64)> {
        self.points
            .iter()
            .rev()
            .find_map(|p| p.value.map(|v| (p.period, v)))
    }

    /// How many of its periods are withheld.
    pub fn withheld_count(&self) -> usize {
        self.points.iter().filter(|p| p.value.is_none()).count()
    }
}

/// An indicator's published series in one municipality: the whole municipality's (if it has
/// values) and each district's that has values, by name.
#[derive(Clone, Debug, Default)]
pub struct Published {
    pub whole: Option<AreaSeries>,
    pub districts: Vec<AreaSeries>,
}

impl Published {
    /// Every period any area has a value for, oldest first.
    pub fn periods(&self) -> Vec<Period> {
        let mut all: Vec<Period> = self
            .whole
            .iter()
            .chain(&self.districts)
            .flat_map(|s| s.points.iter().map(|p| p.period))
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

/// The published series of `indicator_ids` in `municipality`, every value passed through
/// [`withheld`]. Indicators without values are missing from the map.
pub async fn published_series(
    db: &impl ConnectionTrait,
    municipality: &municipalities::Model,
    indicator_ids: &[Uuid],
) -> Result<HashMap<Uuid, Published>, DbErr> {
    let areas = areas_of(db, municipality.id).await?;
    series_in(db, municipality, &areas, indicator_ids).await
}

/// The published series of the whole municipality alone (no districts), as an overview needs
/// them: a tenth of the values [`published_series`] reads with ten districts.
pub async fn published_whole_series(
    db: &impl ConnectionTrait,
    municipality: &municipalities::Model,
    indicator_ids: &[Uuid],
) -> Result<HashMap<Uuid, Published>, DbErr> {
    let mut areas = areas_of(db, municipality.id).await?;
    areas.retain(|a| a.whole_municipality);
    series_in(db, municipality, &areas, indicator_ids).await
}

/// The series of `indicator_ids` in `areas` (in name order) of `municipality`.
async fn series_in(
    db: &impl ConnectionTrait,
    municipality: &municipalities::Model,
    areas: &[areas::Model],
    indicator_ids: &[Uuid],
) -> Result<HashMap<Uuid, Published>, DbErr> {
    if indicator_ids.is_empty() || areas.is_empty() {
        return Ok(HashMap::new());
    }
    let by_id: HashMap<Uuid, &areas::Model> = areas.iter().map(|a| (a.id, a)).collect();
    let values = indicator_values::Entity::find()
        .filter(indicator_values::Column::IndicatorId.is_in(indicator_ids.iter().copied()))
        .filter(indicator_values::Column::AreaId.is_in(areas.iter().map(|a| a.id)))
        .all(db)
        .await?;
    let mut grouped: HashMap<(Uuid, Uuid), Vec<Point>> = HashMap::new();
    for v in &values {
        let (Some(area), Some(period)) = (by_id.get(&v.area_id), Period::parse(&v.period)) else {
            continue;
        };
        let value = withheld(v, area, municipality).is_none().then_some(v.value);
        grouped
            .entry((v.indicator_id, v.area_id))
            .or_default()
            .push(Point { period, value });
    }
    let mut out: HashMap<Uuid, Published> = HashMap::new();
    // `areas` is in name order, so each indicator's districts are too.
    for area in areas {
        for id in indicator_ids {
            let Some(mut points) = grouped.remove(&(*id, area.id)) else {
                continue;
            };
            points.sort_by_key(|p| p.period);
            let series = AreaSeries {
                area_id: area.id,
                name: if area.whole_municipality {
                    municipality.name.clone()
                } else {
                    area.name.clone()
                },
                whole: area.whole_municipality,
                points,
            };
            let published = out.entry(*id).or_default();
            if series.whole {
                published.whole = Some(series);
            } else {
                published.districts.push(series);
            }
        }
    }
    Ok(out)
}

/// Which goals of the municipality adopted which indicators: every goal of every strategy of
/// the municipality, as the strategy and goal pages show them all (drafts marked as such).
pub async fn public_adoptions(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
) -> Result<Vec<goal_indicators::Model>, DbErr> {
    let mut goal_ids = Vec::new();
    for s in strategy::strategies_of(db, municipality_id).await? {
        goal_ids.extend(strategy::tree(db, s).await?.goal_ids());
    }
    adoptions_of(db, &goal_ids).await
}

/// The adoptions of these goals.
pub async fn adoptions_of(
    db: &impl ConnectionTrait,
    goal_ids: &[Uuid],
) -> Result<Vec<goal_indicators::Model>, DbErr> {
    if goal_ids.is_empty() {
        return Ok(Vec::new());
    }
    goal_indicators::Entity::find()
        .filter(goal_indicators::Column::GoalId.is_in(goal_ids.iter().copied()))
        .all(db)
        .await
}

/// The indicators with these ids, by id.
pub async fn indicators_by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, indicators::Model>, DbErr> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(indicators::Entity::find()
        .filter(indicators::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect())
}

/// An indicator's unit, good direction read from its stored strings (a stored string this
/// version does not know reads as a count that should fall).
pub fn unit_of(indicator: &indicators::Model) -> Unit {
    Unit::parse(&indicator.unit).unwrap_or(Unit::Count)
}

pub fn direction_of(indicator: &indicators::Model) -> GoodDirection {
    GoodDirection::parse(&indicator.good_direction).unwrap_or(GoodDirection::Down)
}

/// A number with its unit as the locale writes it: `11,8 %`, `11.8%`, `3,2 je 1.000`, `120 €`.
pub fn with_unit(lang: Lang, unit: Unit, value: f64) -> String {
    let number = format_number(lang, value);
    i18n::t_args(
        lang,
        &format!("monitoring-public-value-{}", unit.as_str()),
        &[("value", number.into())],
    )
}

/// "zu wenige Fälle" in `lang`.
pub fn withheld_text(lang: Lang) -> String {
    i18n::t(lang, "monitoring-public-withheld")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn municipality() -> municipalities::Model {
        municipalities::Model {
            id: Uuid::nil(),
            slug: "a".into(),
            name: "A".into(),
            min_group_size: 5,
            min_area_population: 300,
            created_at: Utc::now(),
        }
    }

    fn area(population: Option<i64>) -> areas::Model {
        let now = Utc::now();
        areas::Model {
            id: Uuid::nil(),
            municipality_id: Uuid::nil(),
            parent_id: None,
            whole_municipality: false,
            name: "Nord".into(),
            population,
            population_on: None,
            created_at: now,
            updated_at: now,
        }
    }

    fn value(numerator: Option<f64>) -> indicator_values::Model {
        let now = Utc::now();
        indicator_values::Model {
            id: Uuid::nil(),
            indicator_id: Uuid::nil(),
            area_id: Uuid::nil(),
            period: "2024".into(),
            value: 1.0,
            numerator,
            denominator: None,
            note: String::new(),
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn few_cases_or_few_inhabitants_are_withheld_and_nothing_else() {
        let m = municipality();
        assert_eq!(
            withheld(&value(Some(4.0)), &area(Some(5000)), &m),
            Some("monitoring-withheld-few-cases")
        );
        assert_eq!(
            withheld(&value(Some(5.0)), &area(Some(299)), &m),
            Some("monitoring-withheld-few-inhabitants")
        );
        assert_eq!(withheld(&value(Some(5.0)), &area(Some(300)), &m), None);
        assert_eq!(withheld(&value(None), &area(None), &m), None);
    }
}
