//! What the mails about a sign-up say and carry: the date and place as text, the calendar file,
//! and sending a sign-up's mail.

use chrono::{DateTime, Utc};
use entity::{workshop_signups, workshops};
use sea_orm::ConnectionTrait;
use serde_json::json;

use super::model::{SignupStatus, Status};
use crate::{
    error::AppError,
    notifications::service::{self as notifications, Attachment, Email},
    state::AppState,
    web::i18n::{self, Lang},
};

/// "Do., 03.12.2026, 18:00 bis 20:00 Uhr" in `lang`, in the configured time zone.
pub fn when(lang: Lang, tz: chrono_tz::Tz, workshop: &workshops::Model) -> String {
    use chrono::Datelike;
    let start = workshop.starts_at.with_timezone(&tz);
    let end = workshop.ends_at.with_timezone(&tz);
    let weekday = i18n::t(
        lang,
        &format!("workshop-weekday-{}", start.weekday().number_from_monday()),
    );
    i18n::t_args(
        lang,
        "workshop-when",
        &[
            ("weekday", weekday.into()),
            (
                "date",
                start
                    .format(&i18n::t(lang, "format-date"))
                    .to_string()
                    .into(),
            ),
            ("from", start.format("%H:%M").to_string().into()),
            ("to", end.format("%H:%M").to_string().into()),
        ],
    )
}

/// Where, in one line: address and room.
pub fn place(workshop: &workshops::Model) -> String {
    let address = workshop
        .address
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(", ");
    if workshop.room.is_empty() {
        address
    } else {
        format!("{address}, {}", workshop.room)
    }
}

/// The workshop as an iCalendar file, times in UTC (every calendar shows them in local time).
pub fn calendar_file(state: &AppState, workshop: &workshops::Model, now: DateTime<Utc>) -> String {
    use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
    let host = state.settings.base_url.host_str().unwrap_or("localhost");
    let url = state
        .settings
        .absolute_url(&format!("/workshops/{}", workshop.id));
    let mut event = Event::new();
    event
        .uid(&format!("workshop-{}@{host}", workshop.id))
        .timestamp(now)
        .summary(&workshop.title)
        .description(&format!("{}\n\n{url}", workshop.description))
        .location(&place(workshop))
        .starts(workshop.starts_at)
        .ends(workshop.ends_at)
        .url(&url);
    if Status::Cancelled.is(&workshop.status) {
        event.status(EventStatus::Cancelled);
    }
    let mut calendar = Calendar::new();
    calendar.push(event.done());
    calendar.done().to_string()
}

/// Queues a mail about `workshop` to a sign-up's address, in their language. The confirmation
/// carries the private link and the calendar file.
pub(super) async fn notify(
    db: &impl ConnectionTrait,
    state: &AppState,
    workshop: &workshops::Model,
    signup: &workshop_signups::Model,
    kind: &str,
    link: Option<&str>,
) -> Result<(), AppError> {
    let Some(to) = signup.email.as_deref() else {
        return Ok(());
    };
    let lang = Lang::parse(&signup.lang).unwrap_or(Lang::De);
    let tz = state.settings.time_zone;
    let data = json!({
        "name": signup.name,
        "title": workshop.title,
        "when": when(lang, tz, workshop),
        "place": place(workshop),
        "code": signup.code,
        "people": signup.people,
        "waitlisted": SignupStatus::Waitlisted.is(&signup.status),
        "url": link.map(str::to_string).unwrap_or_else(|| state.settings.absolute_url(&format!("/workshops/{}", workshop.id))),
        "workshop_url": state.settings.absolute_url(&format!("/workshops/{}", workshop.id)),
    });
    let attachment = (kind == "workshop_signup").then(|| Attachment {
        name: "workshop.ics".into(),
        content_type: "text/calendar; charset=utf-8".into(),
        body: calendar_file(state, workshop, state.clock.now()),
    });
    notifications::enqueue_with_attachment(
        db,
        state,
        Email {
            to,
            lang,
            kind,
            data,
        },
        attachment,
    )
    .await
}
