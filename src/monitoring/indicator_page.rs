//! `/indicators/{id}?municipality={slug}`: one indicator as a municipality publishes it — what
//! it measures, its source, unit and frequency, the goals that adopted it with baseline and
//! target, the municipality's chart, every district over time (a table and small multiples),
//! and `/indicators/{id}.csv?municipality={slug}`, the same values as a CSV download. Only
//! indicators a goal of the municipality's strategies adopted are public; the rest answer 404.
//! Every number comes from [`published_series`]: withheld values read "zu wenige Fälle".

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::{indicators, municipalities};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    admin::service as admin,
    error::{AppError, AppResult},
    monitoring::{
        model::{Frequency, Period, today},
        public_views::{DistrictView, Place, TableRow, chart, districts, table},
        publication::{
            Published, public_adoptions, published_series, unit_of, with_unit, withheld_text,
        },
    },
    strategy::model::find_goal,
    web::{
        context::Ctx,
        csv::{Cell, Sheet, download},
    },
};

#[derive(Debug, Deserialize)]
pub struct IndicatorQuery {
    pub municipality: Option<String>,
}

#[derive(Serialize)]
struct GoalLink {
    href: String,
    title: String,
    baseline: String,
    target: String,
}

#[derive(Serialize)]
struct AreaRow {
    name: String,
    cells: Vec<Option<String>>,
}

#[derive(Serialize)]
struct Page {
    name: String,
    municipality: String,
    strategy_href: String,
    definition: String,
    source: String,
    unit: String,
    frequency: String,
    direction: String,
    csv_href: String,
    goals: Vec<GoalLink>,
    chart: Option<String>,
    table_caption: String,
    table: Vec<TableRow>,
    periods: Vec<String>,
    areas: Vec<AreaRow>,
    districts: Vec<DistrictView>,
    any_gaps: bool,
    withheld_rule: String,
}

/// The indicator and municipality a public request names, if the municipality publishes it:
/// 404 otherwise, as for anything that does not exist.
async fn published_indicator(
    ctx: &Ctx,
    raw_id: &str,
    query: &IndicatorQuery,
) -> AppResult<(
    indicators::Model,
    municipalities::Model,
    Vec<entity::goal_indicators::Model>,
)> {
    let db = &ctx.state.db;
    let id = Uuid::parse_str(raw_id).map_err(|_| AppError::NotFound)?;
    let indicator = indicators::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let municipality = match (query.municipality.as_deref(), indicator.municipality_id) {
        (Some(slug), _) if !slug.is_empty() => admin::municipality_by_slug(db, slug).await?,
        (_, Some(own)) => admin::find_municipality(db, own).await?,
        _ => None,
    }
    .ok_or(AppError::NotFound)?;
    if indicator
        .municipality_id
        .is_some_and(|own| own != municipality.id)
    {
        return Err(AppError::NotFound);
    }
    let adoptions: Vec<_> = public_adoptions(db, municipality.id)
        .await?
        .into_iter()
        .filter(|a| a.indicator_id == indicator.id)
        .collect();
    if adoptions.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((indicator, municipality, adoptions))
}

/// `/indicators/{id}` and `/indicators/{id}.csv`.
pub async fn public_indicator(
    ctx: Ctx,
    id: web::Path<String>,
    query: web::Query<IndicatorQuery>,
) -> AppResult<HttpResponse> {
    let raw = id.into_inner();
    let (raw_id, csv) = match raw.strip_suffix(".csv") {
        Some(id) => (id.to_string(), true),
        None => (raw, false),
    };
    let (indicator, municipality, adoptions) = published_indicator(&ctx, &raw_id, &query).await?;
    let published = published_series(&ctx.state.db, &municipality, &[indicator.id])
        .await?
        .remove(&indicator.id)
        .unwrap_or_default();
    if csv {
        return csv_download(&ctx, &indicator, &municipality, &published);
    }
    let place = Place {
        municipality: &municipality,
        lang: ctx.lang,
    };
    let unit = unit_of(&indicator);
    let mut goals = Vec::new();
    for a in &adoptions {
        let Some(at) = find_goal(&ctx.state.db, a.goal_id).await? else {
            continue;
        };
        goals.push(GoalLink {
            href: format!("/goals/{}", at.goal.id),
            title: at.goal.title,
            baseline: value_at(&ctx, unit, &a.baseline_period, a.baseline_value),
            target: value_at(&ctx, unit, &a.target_period, a.target_value),
        });
    }
    goals.sort_by(|a, b| a.title.cmp(&b.title));
    let target = (adoptions.len() == 1)
        .then(|| Period::parse(&adoptions[0].target_period).map(|p| (p, adoptions[0].target_value)))
        .flatten();
    let periods = published.periods();
    let areas = published
        .whole
        .iter()
        .chain(&published.districts)
        .map(|s| AreaRow {
            name: s.name.clone(),
            cells: periods
                .iter()
                .map(|p| match s.points.iter().find(|x| x.period == *p) {
                    None => Some("–".to_string()),
                    Some(x) => x.value.map(|v| with_unit(ctx.lang, unit, v)),
                })
                .collect(),
        })
        .collect();
    let shown: Vec<_> = published.districts.iter().collect();
    let districts = districts(&place, unit, &published.districts, &shown);
    let frequency = Frequency::parse(&indicator.frequency).unwrap_or(Frequency::Year);
    let page = Page {
        name: indicator.name.clone(),
        municipality: municipality.name.clone(),
        strategy_href: format!("/strategies/{}", municipality.slug),
        definition: indicator.definition.clone(),
        source: indicator.source.clone(),
        unit: ctx.t(&format!("monitoring-unit-{}", unit.as_str())),
        frequency: ctx.t(&format!("monitoring-frequency-{}", frequency.as_str())),
        direction: ctx.t(&format!(
            "monitoring-public-good-{}",
            crate::monitoring::publication::direction_of(&indicator).as_str()
        )),
        csv_href: format!(
            "/indicators/{}.csv?municipality={}",
            indicator.id, municipality.slug
        ),
        goals,
        chart: published
            .whole
            .as_ref()
            .map(|w| chart(&place, &indicator, w, target)),
        table_caption: ctx.t("monitoring-public-table-caption-all"),
        table: published
            .whole
            .as_ref()
            .map(|w| table(&place, unit, w))
            .unwrap_or_default(),
        periods: periods.iter().map(Period::to_string).collect(),
        areas,
        any_gaps: districts.iter().any(|d| d.has_gaps),
        districts,
        withheld_rule: crate::web::i18n::t_args(
            ctx.lang,
            "monitoring-public-withheld-rule",
            &[
                ("cases", municipality.min_group_size.into()),
                ("inhabitants", municipality.min_area_population.into()),
            ],
        ),
    };
    let subject = format!("{} – {}", indicator.name, municipality.name);
    ctx.render_about(
        StatusCode::OK,
        "monitoring/public_indicator",
        "monitoring-public-indicator-title",
        &subject,
        page,
    )
}

/// "14,2 % (2019)".
fn value_at(ctx: &Ctx, unit: crate::monitoring::model::Unit, period: &str, v: f64) -> String {
    crate::web::i18n::t_args(
        ctx.lang,
        "monitoring-public-value-at",
        &[
            ("value", with_unit(ctx.lang, unit, v).into()),
            ("period", period.to_string().into()),
        ],
    )
}

/// The published values as a CSV file: area, period, value, and "zu wenige Fälle" where a value
/// is withheld (its cell stays empty).
fn csv_download(
    ctx: &Ctx,
    indicator: &indicators::Model,
    municipality: &municipalities::Model,
    published: &Published,
) -> AppResult<HttpResponse> {
    let mut sheet = Sheet::new([
        ctx.t("monitoring-public-csv-area"),
        ctx.t("monitoring-public-csv-period"),
        ctx.t("monitoring-public-csv-value"),
        ctx.t("monitoring-public-csv-note"),
    ])?;
    for series in published.whole.iter().chain(&published.districts) {
        for p in &series.points {
            let (value, note) = match p.value {
                Some(v) => (Cell::Decimal(v), Cell::Empty),
                None => (Cell::Empty, Cell::text(withheld_text(ctx.lang))),
            };
            sheet.row([
                Cell::text(series.name.clone()),
                Cell::text(p.period.to_string()),
                value,
                note,
            ])?;
        }
    }
    let day = today(ctx.state.clock.now(), ctx.state.settings.time_zone);
    Ok(download(
        &indicator.name,
        &municipality.name,
        day,
        sheet.finish()?,
    ))
}
