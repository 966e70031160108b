//! What an import would do, line by line, and doing it: each line of a read sheet is matched to
//! one of the municipality's indicators and areas and checked as manual entry checks a value
//! (a period of the indicator's kind and not in the future, a number, counts that are not
//! negative, a denominator that is not zero, no second line for the same value); then it would add
//! a value, change one (old → new), leave one as it is, or is refused with its reason. Applying
//! writes the accepted lines in the caller's transaction, in batches.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{areas, indicator_values, indicators, municipalities};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::monitoring::{
    import_read::{Line, Sheet},
    indicators::catalogue_of,
    model::{Frequency, Period, areas_of},
    values::area_for,
};

/// Why a line is refused: a message key and its arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Refusal {
    fn new(key: &'static str) -> Self {
        Self { key, args: vec![] }
    }

    fn with(key: &'static str, name: &'static str, value: impl ToString) -> Self {
        Self {
            key,
            args: vec![(name, value.to_string())],
        }
    }
}

/// Where a value goes: a stored area, or the municipality as a whole before it has its area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Area(Uuid),
    Whole,
}

/// The checked value of a line.
#[derive(Clone, Debug, PartialEq)]
pub struct Accepted {
    pub indicator: usize,
    pub target: Target,
    pub period: Period,
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
}

/// What importing a line would do.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Add(Accepted),
    Change(Accepted, indicator_values::Model),
    Unchanged,
    Refuse(Refusal),
}

/// A line and what importing it would do.
pub struct Planned {
    pub line: Line,
    pub outcome: Outcome,
}

/// What importing a sheet would do.
pub struct Plan {
    /// The indicators the lines name, by their index in `Accepted`.
    pub indicators: Vec<indicators::Model>,
    pub lines: Vec<Planned>,
}

/// How many lines would add, change, stay as they are, be refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub refused: usize,
}

impl Plan {
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for planned in &self.lines {
            match planned.outcome {
                Outcome::Add(_) => counts.added += 1,
                Outcome::Change(..) => counts.changed += 1,
                Outcome::Unchanged => counts.unchanged += 1,
                Outcome::Refuse(_) => counts.refused += 1,
            }
        }
        counts
    }

    /// A fingerprint of the writes the plan would make: the preview's, sent back with the
    /// confirmation, must match the one planned again then, or the data changed in between.
    pub fn digest(&self) -> String {
        let mut hash = Sha256::new();
        for planned in &self.lines {
            let (kind, accepted) = match &planned.outcome {
                Outcome::Add(a) => ("add", a),
                Outcome::Change(a, before) => {
                    hash.update(before.id.as_bytes());
                    hash.update(before.value.to_bits().to_le_bytes());
                    ("change", a)
                }
                _ => continue,
            };
            let indicator = self.indicators[accepted.indicator].id;
            let text = format!(
                "{kind}|{}|{indicator}|{:?}|{}|{}|{:?}|{:?}\n",
                planned.line.line,
                accepted.target,
                accepted.period,
                accepted.value,
                accepted.numerator,
                accepted.denominator
            );
            hash.update(text.as_bytes());
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn key_of(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// What the lines are checked against.
struct Lookup {
    indicators: HashMap<String, usize>,
    areas: HashMap<String, Target>,
    chosen: Option<usize>,
    today: NaiveDate,
    decimal: Option<char>,
}

impl Lookup {
    fn check(&self, all: &[indicators::Model], line: &Line) -> Result<Accepted, Refusal> {
        let indicator = match &line.indicator {
            Some(name) if name.is_empty() => {
                return Err(Refusal::new("monitoring-import-refused-indicator-missing"));
            }
            Some(name) => *self.indicators.get(&key_of(name)).ok_or_else(|| {
                Refusal::with("monitoring-import-refused-indicator-unknown", "name", name)
            })?,
            None => self
                .chosen
                .ok_or_else(|| Refusal::new("monitoring-import-refused-indicator-missing"))?,
        };
        if line.area.is_empty() {
            return Err(Refusal::new("monitoring-import-refused-area-missing"));
        }
        let target = *self.areas.get(&key_of(&line.area)).ok_or_else(|| {
            Refusal::with("monitoring-import-refused-area-unknown", "name", &line.area)
        })?;
        let period = Period::parse(&line.period).ok_or_else(|| {
            Refusal::with("monitoring-import-refused-period", "period", &line.period)
        })?;
        let frequency = Frequency::parse(&all[indicator].frequency).unwrap_or(Frequency::Year);
        if period.frequency() != frequency {
            let example = Period::example(frequency, period.starts_on().year());
            return Err(Refusal::with(
                "monitoring-import-refused-period-frequency",
                "example",
                example,
            ));
        }
        if period.is_after(self.today) {
            return Err(Refusal::with(
                "monitoring-import-refused-period-future",
                "period",
                period,
            ));
        }
        let [value, numerator, denominator] = line.numbers(self.decimal);
        let value = value
            .ok_or_else(|| Refusal::new("monitoring-import-refused-value-missing"))?
            .ok_or_else(|| {
                Refusal::with(
                    "monitoring-import-refused-value-invalid",
                    "text",
                    &line.value,
                )
            })?;
        let count = |n: Option<Option<f64>>, text: &str| -> Result<Option<f64>, Refusal> {
            match n {
                None => Ok(None),
                Some(n) => n
                    .filter(|n| *n >= 0.0)
                    .map(Some)
                    .ok_or_else(|| Refusal::with("monitoring-import-refused-count", "text", text)),
            }
        };
        let numerator = count(numerator, &line.numerator)?;
        let denominator = count(denominator, &line.denominator)?;
        if denominator == Some(0.0) {
            return Err(Refusal::new("monitoring-import-refused-denominator-zero"));
        }
        Ok(Accepted {
            indicator,
            target,
            period,
            value,
            numerator,
            denominator,
        })
    }
}

/// Plans importing `sheet` into `municipality`: `chosen` is the indicator picked on the form,
/// for lines that name none.
pub async fn plan(
    db: &impl ConnectionTrait,
    municipality: &municipalities::Model,
    sheet: Sheet,
    chosen: Option<Uuid>,
    today: NaiveDate,
) -> Result<Plan, DbErr> {
    let all = catalogue_of(db, municipality.id).await?;
    let mut by_name = HashMap::new();
    // The municipality's own indicator wins over an instance-wide one of the same name.
    for (i, indicator) in all.iter().enumerate() {
        let own = indicator.municipality_id.is_some();
        let key = key_of(&indicator.name);
        if own || !by_name.contains_key(&key) {
            by_name.insert(key, i);
        }
    }
    let area_list = areas_of(db, municipality.id).await?;
    let mut by_area: HashMap<String, Target> = HashMap::new();
    by_area.insert(key_of(&municipality.name), Target::Whole);
    for area in &area_list {
        if area.whole_municipality {
            by_area.insert(key_of(&municipality.name), Target::Area(area.id));
        }
        by_area
            .entry(key_of(&area.name))
            .or_insert(Target::Area(area.id));
    }
    let lookup = Lookup {
        indicators: by_name,
        areas: by_area,
        chosen: chosen.and_then(|id| all.iter().position(|i| i.id == id)),
        today,
        decimal: sheet.decimal,
    };
    let mut lines: Vec<Planned> = sheet
        .lines
        .into_iter()
        .map(|line| {
            let outcome = match lookup.check(&all, &line) {
                Ok(accepted) => Outcome::Add(accepted),
                Err(refusal) => Outcome::Refuse(refusal),
            };
            Planned { line, outcome }
        })
        .collect();
    refuse_duplicates(&mut lines);
    let stored = stored_values(db, &lines, &all, &area_list).await?;
    for planned in &mut lines {
        let Outcome::Add(accepted) = &planned.outcome else {
            continue;
        };
        let Target::Area(area) = accepted.target else {
            continue;
        };
        let key = (
            all[accepted.indicator].id,
            area,
            accepted.period.to_string(),
        );
        if let Some(before) = stored.get(&key) {
            planned.outcome = if before.value == accepted.value
                && before.numerator == accepted.numerator
                && before.denominator == accepted.denominator
            {
                Outcome::Unchanged
            } else {
                Outcome::Change(accepted.clone(), before.clone())
            };
        }
    }
    Ok(Plan {
        indicators: all,
        lines,
    })
}

/// Lines that name the same indicator, area and period are all refused: which one is right is
/// for the coordinator to say. Each names the line it repeats or is repeated by.
fn refuse_duplicates(lines: &mut [Planned]) {
    let mut first: HashMap<(usize, Target, Period), usize> = HashMap::new();
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    for (i, planned) in lines.iter().enumerate() {
        if let Outcome::Add(a) = &planned.outcome {
            match first.get(&(a.indicator, a.target, a.period)) {
                Some(&at) => repeats.push((i, at)),
                None => {
                    first.insert((a.indicator, a.target, a.period), i);
                }
            }
        }
    }
    for (i, at) in repeats {
        let (this, that) = (lines[i].line.line, lines[at].line.line);
        lines[i].outcome = Outcome::Refuse(Refusal::with(
            "monitoring-import-refused-duplicate",
            "line",
            that,
        ));
        if matches!(lines[at].outcome, Outcome::Add(_)) {
            lines[at].outcome = Outcome::Refuse(Refusal::with(
                "monitoring-import-refused-duplicate",
                "line",
                this,
            ));
        }
    }
}

type StoredKey = (Uuid, Uuid, String);

/// The stored values of the indicators the accepted lines name, in the municipality's areas.
async fn stored_values(
    db: &impl ConnectionTrait,
    lines: &[Planned],
    all: &[indicators::Model],
    area_list: &[areas::Model],
) -> Result<HashMap<StoredKey, indicator_values::Model>, DbErr> {
    let mut wanted: Vec<usize> = lines
        .iter()
        .filter_map(|p| match &p.outcome {
            Outcome::Add(a) => Some(a.indicator),
            _ => None,
        })
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let area_ids: Vec<Uuid> = area_list.iter().map(|a| a.id).collect();
    let mut stored = HashMap::new();
    for i in wanted {
        for chunk in area_ids.chunks(500) {
            let values = indicator_values::Entity::find()
                .filter(indicator_values::Column::IndicatorId.eq(all[i].id))
                .filter(indicator_values::Column::AreaId.is_in(chunk.iter().copied()))
                .all(db)
                .await?;
            for v in values {
                stored.insert((v.indicator_id, v.area_id, v.period.clone()), v);
            }
        }
    }
    Ok(stored)
}

/// Writes the plan's additions and changes in `txn` (the caller's transaction), creating the
/// municipality's own area first if a line is for it. Changes keep a value's id, its creation
/// time and its note.
pub async fn apply(
    txn: &impl ConnectionTrait,
    municipality: &municipalities::Model,
    plan: &Plan,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let needs_whole = plan.lines.iter().any(|p| match &p.outcome {
        Outcome::Add(a) | Outcome::Change(a, _) => a.target == Target::Whole,
        _ => false,
    });
    let whole = if needs_whole {
        area_for(txn, municipality, None, now).await?.map(|a| a.id)
    } else {
        None
    };
    let mut changed_ids = Vec::new();
    let mut rows = Vec::new();
    for planned in &plan.lines {
        let (accepted, before) = match &planned.outcome {
            Outcome::Add(a) => (a, None),
            Outcome::Change(a, before) => (a, Some(before)),
            _ => continue,
        };
        let area_id = match accepted.target {
            Target::Area(id) => id,
            Target::Whole => whole.ok_or_else(|| DbErr::Custom("no whole area".into()))?,
        };
        if let Some(before) = before {
            changed_ids.push(before.id);
        }
        rows.push(indicator_values::ActiveModel {
            id: Set(before.map_or_else(Uuid::now_v7, |b| b.id)),
            indicator_id: Set(plan.indicators[accepted.indicator].id),
            area_id: Set(area_id),
            period: Set(accepted.period.to_string()),
            value: Set(accepted.value),
            numerator: Set(accepted.numerator),
            denominator: Set(accepted.denominator),
            note: Set(before.map(|b| b.note.clone()).unwrap_or_default()),
            created_at: Set(before.map_or(now, |b| b.created_at)),
            updated_at: Set(now),
        });
    }
    for chunk in changed_ids.chunks(500) {
        indicator_values::Entity::delete_many()
            .filter(indicator_values::Column::Id.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(500).collect();
        indicator_values::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}
