//! Demo content: Musterstadt's six districts (two of them too small to publish) and the yearly
//! series 2015–2025 of the indicators its strategy is steered by, adopted by its goals with a
//! baseline and a target. Five indicators come from the instance-wide catalogue (found by name if
//! an admin defined them already, so a network measures alike); one is Musterstadt's own.
//!
//! The numbers are made up but plausible and consistent: each district's numerator and
//! denominator are whole people, and the municipality's are their sums. Nothing is random.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{areas, fields_of_action, goal_indicators, goals, indicator_values, indicators};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use crate::{monitoring::model::areas_of, strategy::model::strategies_of};

/// A district: its name, inhabitants at the end of 2024, and how much more (or less) than the
/// town's average its people are affected, in percent of the average.
struct District {
    name: &'static str,
    population: i64,
    burden: f64,
}

const DISTRICTS: &[District] = &[
    District {
        name: "Innenstadt",
        population: 14_260,
        burden: 1.05,
    },
    District {
        name: "Nordstadt",
        population: 18_940,
        burden: 1.55,
    },
    District {
        name: "Südstadt",
        population: 16_420,
        burden: 0.95,
    },
    District {
        name: "Weststadt",
        population: 8_130,
        burden: 0.45,
    },
    District {
        name: "Am Hafen",
        population: 240,
        burden: 1.30,
    },
    District {
        name: "Lindenhof",
        population: 180,
        burden: 0.60,
    },
];

pub const FIRST_YEAR: i32 = 2015;
pub const LAST_YEAR: i32 = 2025;
/// The year the population figures are for (31 December).
const CENSUS_YEAR: i32 = 2024;

/// How an indicator is counted: a share of a group (numerator and denominator, `scale` 100 for
/// percent, 1,000 for "per 1,000"), or a plain count.
#[derive(Clone, Copy)]
enum Kind {
    Rate {
        /// The group's share of the inhabitants (the denominator).
        group: f64,
        scale: f64,
    },
    /// Cases per inhabitant.
    Count,
}

struct Series {
    name: &'static str,
    definition: &'static str,
    unit: &'static str,
    good_direction: &'static str,
    source: &'static str,
    /// Defined by Musterstadt itself rather than for the whole instance.
    own: bool,
    kind: Kind,
    /// The town's rate (in `scale` units) or the cases per inhabitant, 2015–2025.
    path: [f64; 11],
    /// How strongly the districts differ: 1 follows `District::burden` fully, 0 not at all.
    spread: f64,
    /// Which goals adopted it, with the baseline year and the target (value, year).
    goals: &'static [(&'static str, i32, f64, i32)],
}

const BA: &str = "Statistik der Bundesagentur für Arbeit";

const SERIES: &[Series] = &[
    Series {
        name: "SGB-II-Quote",
        definition: "Anteil der Personen in Bedarfsgemeinschaften nach dem SGB II (Bürgergeld) an den Einwohnerinnen und Einwohnern unter 65 Jahren, am 31. Dezember.",
        unit: "percent",
        good_direction: "down",
        source: BA,
        own: false,
        kind: Kind::Rate {
            group: 0.80,
            scale: 100.0,
        },
        path: [
            12.9, 12.6, 12.4, 11.9, 11.4, 11.7, 11.5, 12.1, 12.0, 11.6, 11.3,
        ],
        spread: 1.0,
        goals: &[("Weniger Menschen sind langzeitarbeitslos", 2023, 10.5, 2027)],
    },
    Series {
        name: "Kinderarmut (SGB-II-Quote unter 15 Jahren)",
        definition: "Anteil der Kinder unter 15 Jahren in Bedarfsgemeinschaften nach dem SGB II an allen Kindern unter 15 Jahren, am 31. Dezember.",
        unit: "percent",
        good_direction: "down",
        source: BA,
        own: false,
        kind: Kind::Rate {
            group: 0.14,
            scale: 100.0,
        },
        path: [
            19.8, 19.9, 20.3, 19.6, 18.8, 19.0, 18.6, 19.4, 19.2, 18.5, 17.9,
        ],
        spread: 1.2,
        goals: &[(
            "Mehr Kinder aus Familien mit wenig Geld besuchen eine Kita",
            2023,
            16.0,
            2028,
        )],
    },
    Series {
        name: "Langzeitarbeitslose",
        definition: "Arbeitslose, die ein Jahr und länger ununterbrochen arbeitslos gemeldet sind, Jahresdurchschnitt.",
        unit: "count",
        good_direction: "down",
        source: BA,
        own: false,
        kind: Kind::Count,
        path: [
            0.0210, 0.0203, 0.0194, 0.0181, 0.0170, 0.0186, 0.0195, 0.0183, 0.0178, 0.0172, 0.0166,
        ],
        spread: 1.1,
        goals: &[(
            "Weniger Menschen sind langzeitarbeitslos",
            2023,
            930.0,
            2027,
        )],
    },
    Series {
        name: "Grundsicherung im Alter",
        definition: "Empfängerinnen und Empfänger von Grundsicherung im Alter (SGB XII, 4. Kapitel) je 1.000 Einwohnerinnen und Einwohner ab 65 Jahren, am 31. Dezember. Musterstadt wertet einen Anstieg als Erfolg: Viele ältere Menschen mit Anspruch stellen keinen Antrag.",
        unit: "per_thousand",
        good_direction: "up",
        source: "Sozialamt Musterstadt",
        own: true,
        kind: Kind::Rate {
            group: 0.22,
            scale: 1000.0,
        },
        path: [
            28.4, 29.0, 29.8, 30.5, 31.2, 32.6, 33.1, 34.0, 35.2, 36.1, 37.4,
        ],
        spread: 0.9,
        goals: &[(
            "Mehr Menschen nutzen die Leistungen, die ihnen zustehen",
            2023,
            40.0,
            2026,
        )],
    },
    Series {
        name: "Schulabgängerinnen und Schulabgänger ohne Abschluss",
        definition: "Anteil der Schulabgängerinnen und Schulabgänger ohne Ersten Schulabschluss an allen Abgängerinnen und Abgängern allgemeinbildender Schulen, nach Wohnort, Schuljahr bis zum Sommer.",
        unit: "percent",
        good_direction: "down",
        source: "Statistisches Landesamt, Schulstatistik",
        own: false,
        kind: Kind::Rate {
            group: 0.011,
            scale: 100.0,
        },
        path: [7.1, 6.8, 7.4, 7.0, 6.6, 6.9, 7.5, 7.2, 6.8, 6.3, 6.0],
        spread: 1.0,
        goals: &[(
            "Weniger Jugendliche verlassen die Schule ohne Abschluss",
            2023,
            5.0,
            2028,
        )],
    },
    Series {
        name: "Alleinerziehende im SGB II",
        definition: "Anteil der Bedarfsgemeinschaften von Alleinerziehenden an allen Haushalten Alleinerziehender mit Kindern unter 18 Jahren, am 31. Dezember.",
        unit: "percent",
        good_direction: "down",
        source: BA,
        own: false,
        kind: Kind::Rate {
            group: 0.026,
            scale: 100.0,
        },
        path: [
            38.6, 38.1, 37.9, 36.8, 35.5, 35.9, 35.2, 36.0, 35.4, 34.1, 33.2,
        ],
        spread: 0.7,
        goals: &[("Weniger Menschen sind langzeitarbeitslos", 2023, 30.0, 2027)],
    },
];

/// The inhabitants of a district in `year`: the town grew by about half a percent a year.
fn population_in(district: &District, year: i32) -> f64 {
    district.population as f64 * (1.0 + 0.005 * f64::from(year - CENSUS_YEAR))
}

/// How affected a district is, for a series: its burden, moved towards 1 when the districts
/// differ less for this indicator, scaled so that the town as a whole follows `Series::path`.
fn factor(district: &District, series: &Series) -> f64 {
    let raw = |d: &District| 1.0 + (d.burden - 1.0) * series.spread;
    let people: i64 = DISTRICTS.iter().map(|d| d.population).sum();
    let weighted: f64 = DISTRICTS.iter().map(|d| raw(d) * d.population as f64).sum();
    raw(district) * people as f64 / weighted
}

/// A district's numerator and denominator (or count) for `series` in `year`, in whole people.
fn district_figures(series: &Series, district: &District, year: i32) -> (f64, Option<f64>) {
    let index = usize::try_from(year - FIRST_YEAR).unwrap_or(0);
    let level = series.path[index] * factor(district, series);
    let people = population_in(district, year);
    match series.kind {
        Kind::Rate { group, scale } => {
            let denominator = (people * group).round().max(1.0);
            let numerator = (denominator * level / scale).round();
            (numerator, Some(denominator))
        }
        Kind::Count => ((people * level).round(), None),
    }
}

/// The value shown for a numerator and denominator, to one decimal place.
fn rate_value(numerator: f64, denominator: f64, scale: f64) -> f64 {
    (numerator / denominator * scale * 10.0).round() / 10.0
}

/// The town's value for `series` in `year`: the districts' sums.
pub fn whole_value(series_index: usize, year: i32) -> f64 {
    let series = &SERIES[series_index];
    let (mut num, mut den) = (0.0, 0.0);
    for district in DISTRICTS {
        let (n, d) = district_figures(series, district, year);
        num += n;
        den += d.unwrap_or(0.0);
    }
    match series.kind {
        Kind::Rate { scale, .. } => rate_value(num, den, scale),
        Kind::Count => num,
    }
}

fn value_row(
    indicator: Uuid,
    area: Uuid,
    year: i32,
    figures: (f64, Option<f64>),
    series: &Series,
    now: DateTime<Utc>,
) -> indicator_values::ActiveModel {
    let (numerator, denominator) = figures;
    let (value, numerator) = match (series.kind, denominator) {
        (Kind::Rate { scale, .. }, Some(d)) => (rate_value(numerator, d, scale), Some(numerator)),
        _ => (numerator, None),
    };
    indicator_values::ActiveModel {
        id: Set(Uuid::now_v7()),
        indicator_id: Set(indicator),
        area_id: Set(area),
        period: Set(year.to_string()),
        value: Set(value),
        numerator: Set(numerator),
        denominator: Set(denominator),
        note: Set(format!("{}, Stand {}", series.source, year + 1)),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

fn new_area(
    municipality_id: Uuid,
    name: &str,
    population: i64,
    whole: bool,
    now: DateTime<Utc>,
) -> areas::ActiveModel {
    areas::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(municipality_id),
        parent_id: Set(None),
        whole_municipality: Set(whole),
        name: Set(name.to_string()),
        population: Set(Some(population)),
        population_on: Set(NaiveDate::from_ymd_opt(CENSUS_YEAR, 12, 31)),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// The catalogue's indicator of this name (instance-wide, or the municipality's own), created
/// if no one defined it yet.
async fn indicator_for(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
    series: &Series,
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let owner = series.own.then_some(municipality_id);
    let scope = match owner {
        Some(m) => indicators::Column::MunicipalityId.eq(m),
        None => indicators::Column::MunicipalityId.is_null(),
    };
    let found = indicators::Entity::find()
        .filter(scope)
        .filter(indicators::Column::Name.eq(series.name))
        .one(db)
        .await?;
    if let Some(found) = found {
        return Ok(found.id);
    }
    let created = indicators::ActiveModel {
        id: Set(Uuid::now_v7()),
        municipality_id: Set(owner),
        name: Set(series.name.to_string()),
        definition: Set(series.definition.to_string()),
        unit: Set(series.unit.to_string()),
        good_direction: Set(series.good_direction.to_string()),
        source: Set(series.source.to_string()),
        frequency: Set("year".to_string()),
        is_rate: Set(matches!(series.kind, Kind::Rate { .. })),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(created.id)
}

/// The goals of the municipality's strategies, by title.
async fn goals_by_title(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
) -> Result<HashMap<String, Uuid>, DbErr> {
    let strategy_ids: Vec<Uuid> = strategies_of(db, municipality_id)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let field_ids: Vec<Uuid> = fields_of_action::Entity::find()
        .filter(fields_of_action::Column::StrategyId.is_in(strategy_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.id)
        .collect();
    Ok(goals::Entity::find()
        .filter(goals::Column::FieldOfActionId.is_in(field_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.title, g.id))
        .collect())
}

/// Creates the districts, the whole town as an area, the indicators' series and their adoption
/// by the demo strategy's goals, unless the municipality has areas already (so running the demo
/// again changes nothing). Returns how many values it added.
pub async fn seed(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
    municipality_name: &str,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    if !areas_of(db, municipality_id).await?.is_empty() {
        return Ok(0);
    }
    let total: i64 = DISTRICTS.iter().map(|d| d.population).sum();
    let whole = new_area(municipality_id, municipality_name, total, true, now)
        .insert(db)
        .await?
        .id;
    let mut district_ids = Vec::with_capacity(DISTRICTS.len());
    for district in DISTRICTS {
        let area = new_area(
            municipality_id,
            district.name,
            district.population,
            false,
            now,
        );
        let area = area.insert(db).await?;
        district_ids.push(area.id);
    }
    let goals = goals_by_title(db, municipality_id).await?;
    let mut added = 0;
    for (index, series) in SERIES.iter().enumerate() {
        let indicator = indicator_for(db, municipality_id, series, now).await?;
        let mut rows = Vec::new();
        for year in FIRST_YEAR..=LAST_YEAR {
            let (mut num, mut den) = (0.0, None::<f64>);
            for (district, area) in DISTRICTS.iter().zip(&district_ids) {
                let figures = district_figures(series, district, year);
                num += figures.0;
                den = figures.1.map(|d| d + den.unwrap_or(0.0));
                rows.push(value_row(indicator, *area, year, figures, series, now));
            }
            rows.push(value_row(indicator, whole, year, (num, den), series, now));
        }
        added += rows.len();
        indicator_values::Entity::insert_many(rows).exec(db).await?;
        for (title, baseline_year, target, target_year) in series.goals {
            let Some(goal) = goals.get(*title) else {
                continue;
            };
            goal_indicators::ActiveModel {
                goal_id: Set(*goal),
                indicator_id: Set(indicator),
                baseline_value: Set(whole_value(index, *baseline_year)),
                baseline_period: Set(baseline_year.to_string()),
                target_value: Set(*target),
                target_period: Set(target_year.to_string()),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_districts_are_below_the_default_minimum_population() {
        let small: Vec<&str> = DISTRICTS
            .iter()
            .filter(|d| d.population < 300)
            .map(|d| d.name)
            .collect();
        assert_eq!(small, ["Am Hafen", "Lindenhof"]);
    }

    #[test]
    fn rates_stay_plausible_in_every_district_and_year() {
        for series in SERIES {
            for district in DISTRICTS {
                for year in FIRST_YEAR..=LAST_YEAR {
                    let (n, d) = district_figures(series, district, year);
                    assert!(n >= 0.0, "{} {}", series.name, district.name);
                    if let (Kind::Rate { scale, .. }, Some(d)) = (series.kind, d) {
                        let value = rate_value(n, d, scale);
                        assert!(
                            value < scale * 0.6,
                            "{} {} {year}",
                            series.name,
                            district.name
                        );
                    }
                }
            }
        }
    }
}
