//! Monitoring as residents read it on the goal page and the strategy overview: each adopted
//! indicator with baseline → latest → target, its trend as an arrow and a plain-language
//! sentence, its course, a chart with the data table beside it, and small multiples per
//! district. Everything is built from [`published_series`], so withheld values never reach a
//! page. The goal page limits the districts it draws per indicator so that ten indicators with
//! twenty districts still fit the page budget; the indicator page shows them all.

use std::collections::HashMap;

use entity::{goal_indicators, indicators, municipalities};
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    monitoring::{
        chart::{LineChart, SparkAxes, line_chart},
        course::{Change, Course, Trend, course, trend},
        model::{GoodDirection, Period, Unit},
        publication::{
            AreaSeries, Published, adoptions_of, direction_of, indicators_by_id, published_series,
            published_whole_series, unit_of, with_unit, withheld_text,
        },
    },
    web::i18n::{self, Lang},
};

/// About this many district sparklines fit on a goal page beside everything else.
const SPARKLINES_PER_PAGE: usize = 24;
/// At least this many districts per indicator, however many indicators the goal has.
const MIN_SPARKLINES: usize = 2;

/// A course as text and as the class that colours it (never the colour alone).
#[derive(Serialize)]
pub struct CourseView {
    pub key: &'static str,
    pub label: String,
}

impl CourseView {
    pub fn of(lang: Lang, course: Course) -> Self {
        CourseView {
            key: course.as_str(),
            label: i18n::t(
                lang,
                &format!("monitoring-public-course-{}", course.as_str()),
            ),
        }
    }
}

/// One period of a data table.
#[derive(Serialize)]
pub struct TableRow {
    pub period: String,
    /// `None` where withheld: the template says "zu wenige Fälle".
    pub value: Option<String>,
}

/// One district of the small multiples.
#[derive(Serialize)]
pub struct DistrictView {
    pub name: String,
    /// The newest published value with its period, or "zu wenige Fälle".
    pub latest: String,
    pub spark: String,
    pub has_gaps: bool,
}

/// One adopted indicator on the goal page.
#[derive(Serialize)]
pub struct GoalIndicatorView {
    pub id: Uuid,
    pub name: String,
    pub href: String,
    pub baseline: String,
    pub latest: Option<String>,
    pub target: String,
    pub arrow: Option<&'static str>,
    pub verdict: Option<&'static str>,
    pub sentence: String,
    pub course: CourseView,
    /// The chart of the municipality as a whole (escaped SVG), if it has values.
    pub chart: Option<String>,
    pub table_caption: String,
    pub table: Vec<TableRow>,
    pub districts: Vec<DistrictView>,
    /// Said when the page shows only some of the districts.
    pub districts_note: Option<String>,
}

/// A goal's indicators, and whether any district drawn has gaps (said once, below them).
#[derive(Serialize)]
pub struct GoalMonitoring {
    pub indicators: Vec<GoalIndicatorView>,
    pub any_gaps: bool,
}

/// What the goal page needs to know of its place.
pub struct Place<'a> {
    pub municipality: &'a municipalities::Model,
    pub lang: Lang,
}

impl Place<'_> {
    fn value(&self, unit: Unit, v: f64) -> String {
        with_unit(self.lang, unit, v)
    }

    fn at(&self, unit: Unit, (period, v): (Period, f64)) -> String {
        i18n::t_args(
            self.lang,
            "monitoring-public-value-at",
            &[
                ("value", self.value(unit, v).into()),
                ("period", period.to_string().into()),
            ],
        )
    }

    fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
    }

    /// The public page of an indicator in this municipality.
    pub fn indicator_href(&self, id: Uuid) -> String {
        format!("/indicators/{id}?municipality={}", self.municipality.slug)
    }
}

/// The baseline and target of an adoption, read from what staff stored.
fn ends(a: &goal_indicators::Model) -> Option<((Period, f64), (Period, f64))> {
    Some((
        (Period::parse(&a.baseline_period)?, a.baseline_value),
        (Period::parse(&a.target_period)?, a.target_value),
    ))
}

/// "Die Quote ist seit 2019 von 14,2 % auf 11,8 % gesunken (eine Verbesserung); Ziel 2027: 10 %."
pub fn trend_sentence(
    lang: Lang,
    unit: Unit,
    baseline: (Period, f64),
    latest: Option<(Period, f64)>,
    target: (Period, f64),
    good: GoodDirection,
) -> (Option<Trend>, String) {
    let value = |v: f64| with_unit(lang, unit, v);
    let goal = i18n::t_args(
        lang,
        "monitoring-public-target-sentence",
        &[
            ("period", target.0.to_string().into()),
            ("value", value(target.1).into()),
        ],
    );
    let Some(latest) = latest.filter(|l| l.0 > baseline.0) else {
        let text = i18n::t_args(
            lang,
            "monitoring-public-trend-none",
            &[
                ("since", baseline.0.to_string().into()),
                ("from", value(baseline.1).into()),
            ],
        );
        return (None, format!("{text}; {goal}"));
    };
    let t = trend(baseline.1, latest.1, good);
    let change = match t.change {
        Change::Rose => "rose",
        Change::Fell => "fell",
        Change::Unchanged => "unchanged",
    };
    let text = i18n::t_args(
        lang,
        &format!("monitoring-public-trend-{change}"),
        &[
            ("unit", unit.as_str().into()),
            ("since", baseline.0.to_string().into()),
            ("from", value(baseline.1).into()),
            ("to", value(latest.1).into()),
            ("verdict", verdict_key(t).into()),
        ],
    );
    (Some(t), format!("{text}; {goal}"))
}

fn verdict_key(t: Trend) -> &'static str {
    match t.verdict {
        crate::monitoring::course::Verdict::Better => "better",
        crate::monitoring::course::Verdict::Worse => "worse",
        crate::monitoring::course::Verdict::Same => "same",
    }
}

/// The data table of a series.
pub fn table(place: &Place, unit: Unit, series: &AreaSeries) -> Vec<TableRow> {
    series
        .points
        .iter()
        .map(|p| TableRow {
            period: p.period.to_string(),
            value: p.value.map(|v| place.value(unit, v)),
        })
        .collect()
}

/// The chart of a series with its target.
pub fn chart(
    place: &Place,
    indicator: &indicators::Model,
    series: &AreaSeries,
    target: Option<(Period, f64)>,
) -> String {
    let unit = unit_of(indicator);
    let label = |v: f64| place.value(unit, v);
    let first = series.points.first().map(|p| p.period.to_string());
    let last = series.points.last().map(|p| p.period.to_string());
    let mut desc = i18n::t_args(
        place.lang,
        "monitoring-public-chart-desc",
        &[
            ("area", series.name.clone().into()),
            ("from", first.unwrap_or_default().into()),
            ("to", last.unwrap_or_default().into()),
            (
                "latest",
                series
                    .latest()
                    .map(|l| place.at(unit, l))
                    .unwrap_or_else(|| withheld_text(place.lang))
                    .into(),
            ),
        ],
    );
    if let Some(t) = target {
        desc.push(' ');
        desc.push_str(&i18n::t_args(
            place.lang,
            "monitoring-public-target-sentence",
            &[
                ("period", t.0.to_string().into()),
                ("value", place.value(unit, t.1).into()),
            ],
        ));
    }
    let gaps = series.withheld_count();
    if gaps > 0 {
        desc.push(' ');
        desc.push_str(&i18n::t_args(
            place.lang,
            "monitoring-public-chart-gaps",
            &[("count", gaps.into())],
        ));
    }
    let title = i18n::t_args(
        place.lang,
        "monitoring-public-chart-title",
        &[
            ("indicator", indicator.name.clone().into()),
            ("area", series.name.clone().into()),
        ],
    );
    line_chart(&LineChart {
        title: &title,
        desc: &desc,
        points: &series.points,
        target,
        target_label: &place.t("monitoring-public-target"),
        label: &label,
    })
}

/// The small multiples of these districts, on shared axes.
pub fn districts(
    place: &Place,
    unit: Unit,
    axes_of: &[AreaSeries],
    shown: &[&AreaSeries],
) -> Vec<DistrictView> {
    let Some(axes) = SparkAxes::of(axes_of.iter().map(|s| s.points.as_slice())) else {
        return Vec::new();
    };
    shown
        .iter()
        .map(|s| DistrictView {
            name: s.name.clone(),
            latest: s
                .latest()
                .map(|l| place.at(unit, l))
                .unwrap_or_else(|| withheld_text(place.lang)),
            spark: axes.sparkline(&s.points),
            // A district with nothing published says so; "with gaps" is for the others.
            has_gaps: s.withheld_count() > 0 && s.latest().is_some(),
        })
        .collect()
}

/// The districts worst off first (by their newest published value), those without one last.
fn worst_first(all: &[AreaSeries], good: GoodDirection) -> Vec<&AreaSeries> {
    let mut sorted: Vec<&AreaSeries> = all.iter().collect();
    let key = |s: &AreaSeries| {
        s.latest().map(|(_, v)| match good {
            GoodDirection::Down => -v,
            GoodDirection::Up => v,
        })
    };
    sorted.sort_by(|a, b| match (key(a), key(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    sorted
}

fn goal_indicator(
    place: &Place,
    indicator: &indicators::Model,
    adoption: &goal_indicators::Model,
    published: &Published,
    per_indicator: usize,
) -> Option<GoalIndicatorView> {
    let (baseline, target) = ends(adoption)?;
    let unit = unit_of(indicator);
    let good = direction_of(indicator);
    let latest = published.whole.as_ref().and_then(AreaSeries::latest);
    let (trend, sentence) = trend_sentence(place.lang, unit, baseline, latest, target, good);
    let shown: Vec<&AreaSeries> = if published.districts.len() > per_indicator {
        worst_first(&published.districts, good)
            .into_iter()
            .take(per_indicator)
            .collect()
    } else {
        published.districts.iter().collect()
    };
    let districts_note = (shown.len() < published.districts.len()).then(|| {
        i18n::t_args(
            place.lang,
            "monitoring-public-districts-limited",
            &[
                ("shown", shown.len().into()),
                ("total", published.districts.len().into()),
            ],
        )
    });
    let districts = districts(place, unit, &published.districts, &shown);
    Some(GoalIndicatorView {
        id: indicator.id,
        name: indicator.name.clone(),
        href: place.indicator_href(indicator.id),
        baseline: place.at(unit, baseline),
        latest: latest.map(|l| place.at(unit, l)),
        target: place.at(unit, target),
        arrow: trend.map(Trend::arrow),
        verdict: trend.map(verdict_key),
        sentence,
        course: CourseView::of(place.lang, course(baseline, latest, target, good)),
        chart: published
            .whole
            .as_ref()
            .map(|w| chart(place, indicator, w, Some(target))),
        table_caption: i18n::t_args(
            place.lang,
            "monitoring-public-table-caption",
            &[("area", place.municipality.name.clone().into())],
        ),
        table: published
            .whole
            .as_ref()
            .map(|w| table(place, unit, w))
            .unwrap_or_default(),
        districts,
        districts_note,
    })
}

/// The indicators `goal_id` adopted, by name, as the goal page shows them.
pub async fn goal_indicators(
    db: &impl ConnectionTrait,
    place: &Place<'_>,
    goal_id: Uuid,
) -> Result<GoalMonitoring, DbErr> {
    let adoptions = adoptions_of(db, &[goal_id]).await?;
    let indicators = indicators_by_id(db, adoptions.iter().map(|a| a.indicator_id)).await?;
    let ids: Vec<Uuid> = indicators.keys().copied().collect();
    let series = published_series(db, place.municipality, &ids).await?;
    let per_indicator = (SPARKLINES_PER_PAGE / adoptions.len().max(1)).max(MIN_SPARKLINES);
    let empty = Published::default();
    let mut views: Vec<GoalIndicatorView> = adoptions
        .iter()
        .filter_map(|a| {
            let indicator = indicators.get(&a.indicator_id)?;
            let published = series.get(&indicator.id).unwrap_or(&empty);
            goal_indicator(place, indicator, a, published, per_indicator)
        })
        .collect();
    views.sort_by(|a, b| a.name.cmp(&b.name));
    let any_gaps = views.iter().any(|v| v.districts.iter().any(|d| d.has_gaps));
    Ok(GoalMonitoring {
        indicators: views,
        any_gaps,
    })
}

/// One indicator of a goal in the strategy's monitoring overview.
#[derive(Serialize)]
pub struct CourseLine {
    pub name: String,
    pub href: String,
    pub course: CourseView,
    pub summary: String,
}

/// For each of these goals that adopted indicators: each indicator's course, by name.
pub async fn courses_of_goals(
    db: &impl ConnectionTrait,
    place: &Place<'_>,
    goal_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<CourseLine>>, DbErr> {
    let adoptions = adoptions_of(db, goal_ids).await?;
    let indicators = indicators_by_id(db, adoptions.iter().map(|a| a.indicator_id)).await?;
    let ids: Vec<Uuid> = indicators.keys().copied().collect();
    let series = published_whole_series(db, place.municipality, &ids).await?;
    let mut out: HashMap<Uuid, Vec<CourseLine>> = HashMap::new();
    for a in &adoptions {
        let (Some(indicator), Some((baseline, target))) =
            (indicators.get(&a.indicator_id), ends(a))
        else {
            continue;
        };
        let unit = unit_of(indicator);
        let latest = series
            .get(&indicator.id)
            .and_then(|p| p.whole.as_ref())
            .and_then(AreaSeries::latest);
        let summary = i18n::t_args(
            place.lang,
            "monitoring-public-course-summary",
            &[
                (
                    "latest",
                    latest
                        .map(|l| place.at(unit, l))
                        .unwrap_or_else(|| place.t("monitoring-public-no-value"))
                        .into(),
                ),
                ("target", place.at(unit, target).into()),
            ],
        );
        out.entry(a.goal_id).or_default().push(CourseLine {
            name: indicator.name.clone(),
            href: place.indicator_href(indicator.id),
            course: CourseView::of(
                place.lang,
                course(baseline, latest, target, direction_of(indicator)),
            ),
            summary,
        });
    }
    for lines in out.values_mut() {
        lines.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(out)
}
