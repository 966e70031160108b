//! The coordinators' downloads: the sign-up list as CSV and the printable attendance list, each
//! recorded in the audit log.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{workshop_signups, workshops};
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::model::{SignupStatus, active_signups};
use super::signups::needs;
use super::views::{LanguageCountView, WorkshopView, details, managed};
use crate::{
    audit::service::{self as audit, Entry},
    error::AppResult,
    identity::CurrentUser,
    web::{
        context::Ctx,
        csv::{self, Cell, Sheet},
    },
};

pub async fn export_csv(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let db = &ctx.state.db;
    let list = active_signups(db, workshop.id).await?;
    let tz = ctx.state.settings.time_zone;
    let head: Vec<String> = [
        "csv-seq",
        "csv-code",
        "csv-status",
        "csv-name",
        "csv-email",
        "csv-phone",
        "csv-people",
        "csv-children",
        "csv-children-ages",
        "csv-interpreter",
        "csv-step-free",
        "csv-note",
        "csv-source",
        "csv-checked-in",
        "csv-created",
    ]
    .iter()
    .map(|k| ctx.t(k))
    .collect();
    let mut sheet = Sheet::new(&head)?;
    let yes = || Cell::text(ctx.t("csv-yes"));
    for s in &list {
        let opt = |v: &Option<String>| v.as_deref().map_or(Cell::Empty, Cell::text);
        sheet.row([
            Cell::Integer(i64::from(s.seq)),
            Cell::text(s.code.clone()),
            Cell::text(ctx.t(&format!("signup-status-{}", s.status))),
            opt(&s.name),
            opt(&s.email),
            opt(&s.phone),
            Cell::Integer(i64::from(s.people)),
            Cell::Integer(i64::from(s.children)),
            opt(&s.children_ages),
            opt(&s.interpreter_language),
            if s.step_free { yes() } else { Cell::Empty },
            opt(&s.note),
            Cell::text(ctx.t(&format!("signup-source-{}", s.source))),
            if s.checked_in_at.is_some() {
                yes()
            } else {
                Cell::Empty
            },
            Cell::text(crate::web::i18n::format_datetime(
                ctx.lang,
                tz,
                s.created_at,
                "format-datetime",
            )),
        ])?;
    }
    let body = sheet.finish()?;
    let txn = crate::db::begin_write(db).await?;
    record_export(
        &txn,
        &user,
        &workshop,
        "csv",
        list.len(),
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    let today = ctx.state.clock.now().with_timezone(&tz).date_naive();
    Ok(csv::download(
        &workshop.title,
        &ctx.t("csv-file-signups"),
        today,
        body,
    ))
}

/// A printable attendance list: the confirmed sign-ups with a box to tick, then the waitlist.
/// Rows for people who come without a sign-up, written in by hand on the printed list.
const WALK_IN_ROWS: usize = 8;

pub async fn attendance(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let db = &ctx.state.db;
    let list = active_signups(db, workshop.id).await?;
    // The same needs, with the same labels, as the sign-up list on screen.
    let confirmed: Vec<AttendanceRow> = list
        .iter()
        .filter(|s| SignupStatus::Confirmed.is(&s.status))
        .map(AttendanceRow::of)
        .collect();
    let waiting: Vec<&workshop_signups::Model> = list
        .iter()
        .filter(|s| SignupStatus::Waitlisted.is(&s.status))
        .collect();
    let (needs, languages) = needs(db, workshop.id).await?;
    let waiting_people: i64 = waiting.iter().map(|s| i64::from(s.people)).sum();
    let txn = crate::db::begin_write(db).await?;
    record_export(
        &txn,
        &user,
        &workshop,
        "attendance",
        list.len(),
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    ctx.render_about(
        StatusCode::OK,
        "workshops/attendance",
        "attendance-title",
        &workshop.title,
        AttendanceView {
            workshop: details(&ctx, &workshop),
            back_href: format!("/manage/workshops/{}/signups", workshop.id),
            confirmed,
            totals: Totals {
                signups: needs.signups,
                people: needs.people,
                children: needs.children,
                step_free: needs.step_free,
                languages: LanguageCountView::list(&languages),
                any_need: needs.children > 0 || needs.step_free > 0 || !languages.is_empty(),
            },
            waiting: waiting.iter().map(|s| AttendanceRow::of(s)).collect(),
            waiting_people,
            walk_ins: (0..WALK_IN_ROWS).map(|_| WalkIn {}).collect(),
        },
    )
}

#[derive(Serialize)]
struct AttendanceView<'a> {
    workshop: WorkshopView,
    back_href: String,
    confirmed: Vec<AttendanceRow<'a>>,
    totals: Totals,
    waiting: Vec<AttendanceRow<'a>>,
    waiting_people: i64,
    walk_ins: Vec<WalkIn>,
}

/// What the confirmed sign-ups need, in the list's head.
#[derive(Serialize)]
struct Totals {
    signups: i64,
    people: i64,
    children: i64,
    step_free: i64,
    languages: Vec<LanguageCountView>,
    any_need: bool,
}

/// A sign-up on the printed list, with the same needs and labels as the list on screen.
#[derive(Serialize)]
struct AttendanceRow<'a> {
    seq: i32,
    code: &'a str,
    name: &'a Option<String>,
    phone: &'a Option<String>,
    people: i32,
    children: i32,
    children_ages: &'a Option<String>,
    interpreter: &'a Option<String>,
    step_free: bool,
    note: &'a Option<String>,
    checked_in: bool,
}

impl<'a> AttendanceRow<'a> {
    fn of(s: &'a workshop_signups::Model) -> Self {
        Self {
            seq: s.seq,
            code: &s.code,
            name: &s.name,
            phone: &s.phone,
            people: s.people,
            children: s.children,
            children_ages: &s.children_ages,
            interpreter: &s.interpreter_language,
            step_free: s.step_free,
            note: &s.note,
            checked_in: s.checked_in_at.is_some(),
        }
    }
}

/// An empty row to write a walk-in into (an empty object: the template only counts the rows).
#[derive(Serialize)]
struct WalkIn {}

/// Records that a coordinator exported a workshop's sign-up list (it holds personal data).
pub async fn record_export(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    workshop: &workshops::Model,
    what: &str,
    rows: usize,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(workshop.municipality_id),
            action: "workshop.export",
            target_type: "workshop",
            target_id: Some(workshop.id.to_string()),
            summary: json!({ "format": what, "rows": rows }),
        },
    )
    .await
}
