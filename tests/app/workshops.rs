use chrono::Duration;
use entity::{goals, workshop_signups};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::{
    fixtures::{day, new_workshop, overridden, signed_in_coordinator, workshop_round},
    helpers::{
        Page, TestApp, TestResult, csrf_token, link_path, new_client, spawn_app, spawn_app_with,
    },
    surveys::download,
};

async fn sign_up(app: &TestApp, id: Uuid, extra: &[(&str, &str)]) -> Page {
    let base = [("name", "Aylin"), ("people", "1")];
    let path = format!("/workshops/{id}");
    app.submit(&path, &path, &overridden(extra, &base)).await
}

/// Signs up and returns the private link's path.
async fn signed_up(app: &TestApp, id: Uuid, extra: &[(&str, &str)]) -> String {
    let res = sign_up(app, id, extra).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let location = res.location.unwrap_or_default();
    location.split('?').next().unwrap_or_default().to_string()
}

async fn signups(app: &TestApp, id: Uuid) -> Vec<workshop_signups::Model> {
    workshop_signups::Entity::find()
        .filter(workshop_signups::Column::WorkshopId.eq(id))
        .order_by_asc(workshop_signups::Column::Seq)
        .all(&app.state.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The session's CSRF token, from a page that always has a form (for pages that show none).
async fn any_token(app: &TestApp) -> String {
    csrf_token(&app.get("/subscribe").await.body).unwrap_or_default()
}

/// The sign-up code shown on a private-link page.
fn code_on(page: &str) -> String {
    let at = page
        .find("class=\"signup-code\">")
        .unwrap_or_else(|| panic!("no code on:\n{page}"))
        + "class=\"signup-code\">".len();
    page[at..at + 6].to_string()
}

#[tokio::test]
async fn a_resident_signs_up_with_a_first_name_only_and_manages_it_by_the_private_link()
-> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[]).await;

    let public = app.get(&format!("/workshops/{id}")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(
        public.body.contains("Noch 10 Plätze frei"),
        "{}",
        public.body
    );
    assert!(public.body.contains("Ohne Stufen erreichbar"));
    assert!(public.body.contains("Kinderbetreuung vor Ort"));
    assert!(public.body.contains("Dolmetschen in: Arabisch, Türkisch"));
    assert!(public.body.contains("Bus 12 bis Rathaus"));
    assert!(public.body.contains("18:00 bis 20:00 Uhr"));

    // Neither e-mail nor phone: it works all the same.
    let res = sign_up(&app, id, &[("name", "Aylin"), ("people", "2")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let location = res.location.unwrap_or_default();
    assert!(location.starts_with("/signups/"));
    let own = app.get(&location).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Sie sind angemeldet"));
    let code = code_on(&own.body);
    assert!(
        code.chars().all(|c| "ACDEFHJKMNPRTUVWXY3479".contains(c)),
        "{code}"
    );
    let link = location.split('?').next().unwrap_or_default().to_string();
    assert!(own.body.contains(&app.state.settings.absolute_url(&link)));
    assert!(
        app.get(&format!("/workshops/{id}"))
            .await
            .body
            .contains("Noch 8 Plätze frei")
    );
    // Only the hash of the token is stored.
    let stored = signups(&app, id).await;
    let token = link.trim_start_matches("/signups/");
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].token_hash.as_deref(), Some(token));
    assert_eq!(stored[0].email, None);

    // Anyone with the link (another browser) can change and cancel.
    app.client = new_client();
    let res = app
        .submit(
            &link,
            &link,
            &[("name", "Aylin K."), ("people", "3"), ("step_free", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let stored = signups(&app, id).await;
    assert_eq!(stored[0].people, 3);
    assert!(stored[0].step_free);
    assert_eq!(stored[0].name.as_deref(), Some("Aylin K."));

    let res = app.submit(&link, &format!("{link}/cancel"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let own = app.get(&link).await;
    assert!(own.body.contains("Ihre Anmeldung ist abgesagt"));
    assert!(
        !own.body.contains("Anmeldung absagen"),
        "nothing left to cancel"
    );
    // A used link refuses a second cancellation with a message.
    let token = any_token(&app).await;
    let res = app
        .post_raw(&format!("{link}/cancel"), &[("csrf_token", &token)])
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("schon abgesagt"));

    let unknown = app.get("/signups/gibt-es-nicht").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("Diesen Link kennen wir nicht"));
    Ok(())
}

#[tokio::test]
async fn capacity_holds_when_thirty_people_sign_up_at_the_same_moment() -> TestResult {
    let mut app = spawn_app_with(&[("TEILHABE_TRUST_PROXY_HEADERS", "true")]).await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[("capacity", "10")]).await;
    let path = format!("/workshops/{id}");
    let url = app.url(&path);
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let url = url.clone();
            tokio::spawn(async move {
                let client = new_client();
                let ip = format!("10.0.0.{i}");
                let form = client
                    .get(&url)
                    .header("X-Forwarded-For", &ip)
                    .send()
                    .await?
                    .text()
                    .await?;
                let token = csrf_token(&form).unwrap_or_default();
                let name = format!("Person {i}");
                client
                    .post(&url)
                    .header("X-Forwarded-For", &ip)
                    .form(&[
                        ("csrf_token", token.as_str()),
                        ("name", name.as_str()),
                        ("people", "1"),
                    ])
                    .send()
                    .await
                    .map(|r| r.status())
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await??, StatusCode::SEE_OTHER);
    }
    let all = signups(&app, id).await;
    assert_eq!(all.len(), 30);
    let confirmed: Vec<_> = all.iter().filter(|s| s.status == "confirmed").collect();
    let waiting: Vec<_> = all.iter().filter(|s| s.status == "waitlisted").collect();
    assert_eq!(confirmed.iter().map(|s| s.people).sum::<i32>(), 10);
    assert_eq!(waiting.len(), 20);
    // Arrival order decides: every confirmed sign-up came before every waitlisted one.
    let last_confirmed = confirmed.iter().map(|s| s.seq).max().unwrap_or_default();
    let first_waiting = waiting.iter().map(|s| s.seq).min().unwrap_or_default();
    assert!(last_confirmed < first_waiting);
    let mut seqs: Vec<i32> = all.iter().map(|s| s.seq).collect();
    seqs.dedup();
    assert_eq!(seqs, (1..=30).collect::<Vec<_>>());
    assert!(
        app.get(&path)
            .await
            .body
            .contains("Ausgebucht – Sie kommen auf die Warteliste")
    );
    Ok(())
}

#[tokio::test]
async fn a_cancellation_moves_up_the_first_on_the_waitlist_who_fits_and_tells_them() -> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[("capacity", "2")]).await;
    let first = signed_up(&app, id, &[("name", "Anna"), ("people", "2")]).await;
    let res = sign_up(
        &app,
        id,
        &[
            ("name", "Berta"),
            ("people", "2"),
            ("email", "berta@example.org"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let own = app.get(res.location.as_deref().unwrap_or_default()).await;
    assert!(own.body.contains("Auf der Warteliste"), "{}", own.body);
    let mail = app.wait_for_mail("berta@example.org", "/signups/").await;
    assert!(mail.contains("Warteliste"));
    signed_up(&app, id, &[("name", "Cem"), ("people", "1")]).await;

    // Anna cancels: Berta (first in line, 2 people) moves up; Cem (1) waits, nothing is free.
    let res = app.submit(&first, &format!("{first}/cancel"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let all = signups(&app, id).await;
    let status: Vec<(&str, &str)> = all
        .iter()
        .map(|s| (s.name.as_deref().unwrap_or_default(), s.status.as_str()))
        .collect();
    assert_eq!(
        status,
        [
            ("Anna", "cancelled"),
            ("Berta", "confirmed"),
            ("Cem", "waitlisted")
        ]
    );
    let promoted = app
        .wait_for_mail("berta@example.org", "Sie sind jetzt fest angemeldet")
        .await;
    assert!(promoted.contains("Werkstatt Familie"));
    Ok(())
}

#[tokio::test]
async fn the_confirmation_mail_carries_the_link_and_a_calendar_file_in_local_winter_time()
-> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "astadt").await;
    // 18:00 in Berlin in winter is 17:00 UTC.
    let id = new_workshop(
        &mut app,
        &setup,
        &[("date", "2099-01-15"), ("deadline_on", "2099-01-14")],
    )
    .await;
    let res = sign_up(
        &app,
        id,
        &[
            ("name", "Dana"),
            ("email", "Dana@Example.org"),
            ("phone", "0721 133-5000"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let link = res
        .location
        .unwrap_or_default()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let mail = app.wait_for_mail("dana@example.org", "/signups/").await;
    assert_eq!(link_path(&mail, "/signups/"), link);
    assert!(mail.contains("Content-Type: text/calendar"), "{mail}");
    assert!(mail.contains("workshop.ics"));
    assert!(mail.contains("BEGIN:VCALENDAR"), "{mail}");
    assert!(mail.contains("DTSTART:20990115T170000Z"), "{mail}");

    let ics = app
        .client
        .get(app.url(&format!("/workshops/{id}/calendar.ics")))
        .send()
        .await?;
    assert_eq!(
        ics.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/calendar; charset=utf-8")
    );
    let text = ics.text().await?;
    let calendar: icalendar::Calendar = text.parse().map_err(|e: String| e)?;
    let event = calendar
        .components
        .iter()
        .find_map(|c| c.as_event())
        .ok_or("no event")?;
    use icalendar::{Component, EventLike};
    let start = event.get_start().ok_or("no start")?;
    let expected: chrono::DateTime<chrono::Utc> = "2099-01-15T17:00:00Z".parse()?;
    assert_eq!(
        start,
        icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(expected))
    );
    assert_eq!(event.get_summary(), Some("Werkstatt Familie"));
    assert!(event.get_location().unwrap_or_default().contains("Saal 2"));
    Ok(())
}

#[tokio::test]
async fn bad_sign_ups_come_back_with_clear_messages_and_nothing_typed_is_lost() -> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[]).await;

    let res = sign_up(
        &app,
        id,
        &[
            ("name", "Emil"),
            ("email", "emil@"),
            ("phone", "ruf an"),
            ("people", "5"),
            ("note", "Ich komme mit dem Rollstuhl"),
        ],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("error-summary"));
    assert!(res.body.contains("href=\"#email\""));
    assert!(
        res.body
            .contains("So viele Personen gehen mit einer Anmeldung nicht")
    );
    assert!(res.body.contains("value=\"emil@\""));
    assert!(res.body.contains("value=\"ruf an\""));
    assert!(res.body.contains("Ich komme mit dem Rollstuhl"));
    let res = sign_up(
        &app,
        id,
        &[("name", "Emil"), ("interpreter_language", "Klingonisch")],
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Diese Sprache bieten wir hier leider nicht an")
    );
    assert!(signups(&app, id).await.is_empty());

    // After the deadline: refused with a message, the typed name still there.
    let deadline = entity::workshops::Entity::find_by_id(id)
        .one(&app.state.db)
        .await?
        .ok_or("no workshop")?
        .signup_deadline;
    app.advance_clock_to(deadline + Duration::minutes(1));
    let path = format!("/workshops/{id}");
    let page = app.get(&path).await;
    assert!(page.body.contains("Die Anmeldefrist ist vorbei"));
    assert!(!page.body.contains("Jetzt anmelden"));
    let token = any_token(&app).await;
    let res = app
        .post_raw(
            &path,
            &[("csrf_token", &token), ("name", "Fritz"), ("people", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Die Anmeldefrist ist vorbei"));
    assert!(signups(&app, id).await.is_empty());
    Ok(())
}

#[tokio::test]
async fn cancelling_a_workshop_tells_everyone_signed_up_with_an_address() -> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[("capacity", "1")]).await;
    signed_up(&app, id, &[("name", "Gül"), ("email", "guel@example.org")]).await;
    signed_up(&app, id, &[("name", "Hans"), ("email", "hans@example.org")]).await;
    let link = signed_up(&app, id, &[("name", "Ida")]).await;

    let visitor = std::mem::replace(&mut app.client, setup.staff.clone());
    let manage = format!("/manage/workshops/{id}");
    let res = app.submit(&manage, &format!("{manage}/cancel"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Twice is refused with a message.
    let res = app.submit(&manage, &format!("{manage}/cancel"), &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    app.client = visitor;

    for to in ["guel@example.org", "hans@example.org"] {
        app.wait_for_mail(to, "leider müssen wir diese Werkstatt absagen")
            .await;
    }
    let public = app.get(&format!("/workshops/{id}")).await;
    assert!(public.body.contains("Diese Werkstatt ist abgesagt"));
    assert!(!public.body.contains("Jetzt anmelden"));
    assert!(
        app.get(&link)
            .await
            .body
            .contains("Diese Werkstatt ist abgesagt")
    );
    let token = any_token(&app).await;
    let res = app
        .post_raw(
            &format!("/workshops/{id}"),
            &[("csrf_token", &token), ("name", "Jan"), ("people", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Eine Anmeldung ist nicht mehr möglich"));
    Ok(())
}

#[tokio::test]
async fn the_reminder_goes_out_once_the_day_before() -> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[]).await;
    signed_up(&app, id, &[("name", "Kim"), ("email", "kim@example.org")]).await;
    signed_up(&app, id, &[("name", "Lou")]).await;
    app.wait_for_mail("kim@example.org", "/signups/").await;

    // Moved relative to the workshop's own start, so the test means the same at any hour.
    let starts_at = entity::workshops::Entity::find_by_id(id)
        .one(&app.state.db)
        .await?
        .ok_or("no workshop")?
        .starts_at;
    app.advance_clock_to(starts_at - Duration::hours(25));
    assert_eq!(
        teilhabe::workshops::reminders::send_reminders(&app.state).await?,
        0,
        "25 hours before is not yet the day before"
    );
    app.state.clock.advance(Duration::hours(5));
    app.wait_for_mail("kim@example.org", "wir erinnern Sie an die Werkstatt")
        .await;
    // Another instance's worker running now finds nothing left to send.
    assert_eq!(
        teilhabe::workshops::reminders::send_reminders(&app.state).await?,
        0
    );
    let reminders: Vec<_> = teilhabe::notifications::service::mails_to(
        &app.state.db,
        &app.state.keys,
        &["kim@example.org"],
    )
    .await?
    .into_iter()
    .filter(|m| m.kind == "workshop_reminder")
    .collect();
    assert_eq!(reminders.len(), 1, "one reminder, queued once");
    Ok(())
}

#[tokio::test]
async fn the_sign_up_export_opens_in_german_spreadsheets_and_runs_no_formula() -> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "estadt").await;
    let id = new_workshop(
        &mut app,
        &setup,
        &[("title", "Familien & Süd: Treffen"), ("capacity", "30")],
    )
    .await;
    app.client = setup.staff.clone();
    let list = format!("/manage/workshops/{id}/signups");
    let hostile = [
        "=1+1",
        ";=1+1",
        "+49 170 1234567",
        "@SUM(A1:A2)",
        "-1",
        "=HYPERLINK(\"http://example.org\")",
    ];
    for name in hostile {
        let res = app
            .submit(
                &list,
                &list,
                &[("name", name), ("people", "2"), ("note", "\t=1+1")],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{name}: {}", res.body);
    }
    let csv = download(&app, &format!("/manage/workshops/{id}/export.csv")).await;
    let header = &csv.rows[0];
    let column = |title: &str| {
        header
            .iter()
            .position(|h| h == title)
            .unwrap_or_else(|| panic!("{title} in {header:?}"))
    };
    let (name, people, note) = (column("Name"), column("Personen"), column("Hinweis"));
    assert_eq!(csv.rows.len(), hostile.len() + 1);
    for (row, value) in csv.rows[1..].iter().zip(hostile) {
        let expected = if value.starts_with(['=', '+', '-', '@']) {
            format!("'{value}")
        } else {
            value.to_string()
        };
        assert_eq!(row[name], expected, "{:?}", csv.rows);
        assert_eq!(row[people], "2", "numbers stay numbers");
        assert_eq!(row[note], "'\t=1+1");
    }
    let day = day(&app, 0);
    assert_eq!(
        csv.disposition,
        format!(
            "attachment; filename=\"familien-sued-treffen-anmeldungen-{day}.csv\"; \
             filename*=UTF-8''Familien%20&%20S%C3%BCd%20Treffen%20Anmeldungen%20{day}.csv"
        )
    );
    Ok(())
}

#[tokio::test]
async fn staff_check_in_by_code_and_from_the_list_add_sign_ups_by_hand_and_export() -> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[("capacity", "3")]).await;
    let link = signed_up(
        &app,
        id,
        &[
            ("name", "Mia"),
            ("childcare", "1"),
            ("children", "2"),
            ("children_ages", "3, 6"),
            ("interpreter_language", "Arabisch"),
        ],
    )
    .await;
    let code = code_on(&app.get(&link).await.body);

    app.client = setup.staff.clone();
    let list = format!("/manage/workshops/{id}/signups");
    // A call: entered by hand, past the deadline rules, no contact at all.
    let res = app
        .submit(
            &list,
            &list,
            &[("name", "=Nils"), ("people", "2"), ("step_free", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get(&list).await;
    assert!(
        page.body.contains("3 von 3 Plätzen belegt, 0 frei"),
        "{}",
        page.body
    );
    assert!(page.body.contains("1 Anmeldungen mit zusammen 2 Kindern"));
    assert!(page.body.contains("Arabisch: 1"));
    assert!(page.body.contains("von Mitarbeitenden eingetragen"));

    // Check-in by the code, typed carelessly.
    let typed = format!(" {}-{} ", &code[..3].to_lowercase(), &code[3..]);
    let res = app
        .submit(
            &list,
            &format!("/manage/workshops/{id}/checkin"),
            &[("code", &typed)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .submit(
            &list,
            &format!("/manage/workshops/{id}/checkin"),
            &[("code", &code)],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("schon als anwesend eingetragen"));
    assert!(
        res.body.contains(&format!("value=\"{code}\"")),
        "the code typed is kept"
    );
    let res = app
        .submit(
            &list,
            &format!("/manage/workshops/{id}/checkin"),
            &[("code", "XXXXXX")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body
            .contains("Diese Anmeldenummer gibt es bei dieser Werkstatt nicht")
    );
    // From the list.
    let nils = signups(&app, id)
        .await
        .into_iter()
        .find(|s| s.source == "staff")
        .ok_or("no sign-up by hand")?;
    let res = app
        .submit(
            &list,
            &format!("/manage/workshops/{id}/checkin"),
            &[("signup_id", &nils.id.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(&list)
            .await
            .body
            .contains("<dt>Personen anwesend</dt><dd>3</dd>")
    );

    let csv = download(&app, &format!("/manage/workshops/{id}/export.csv")).await;
    let rows = &csv.rows[1..];
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().any(|r| r.iter().any(|c| c == "Mia")));
    assert!(
        rows.iter().any(|r| r.iter().any(|c| c == "'=Nils")),
        "no formula injection: {:?}",
        csv.rows
    );
    let print = app.get(&format!("/manage/workshops/{id}/attendance")).await;
    assert_eq!(print.status, StatusCode::OK);
    assert!(print.body.contains("Anwesenheitsliste"));
    let (entries, _) = teilhabe::audit::service::page(&app.state.db, 0, 100).await?;
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "signup.add",
        "signup.checkin",
        "workshop.export",
        "workshop.publish",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(
        entries.iter().all(|e| !e.summary.contains("Mia")),
        "no personal data in the audit log"
    );
    Ok(())
}

#[tokio::test]
async fn staff_move_someone_up_from_the_waitlist_by_hand_only_when_there_is_room() -> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[("capacity", "2")]).await;
    signed_up(&app, id, &[("name", "Olga"), ("people", "2")]).await;
    signed_up(&app, id, &[("name", "Paul")]).await;
    let paul = signups(&app, id).await[1].clone();
    assert_eq!(paul.status, "waitlisted");

    app.client = setup.staff.clone();
    let list = format!("/manage/workshops/{id}/signups");
    let promote = format!("/manage/workshops/{id}/promote");
    let res = app
        .submit(&list, &promote, &[("signup_id", &paul.id.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("nicht genug Plätze frei"));

    // More places: the coordinator raises the capacity and picks whom to move up.
    let manage = format!("/manage/workshops/{id}");
    let mut form = teilhabe::workshops::workshop_form::WorkshopForm::of(
        &teilhabe::workshops::model::find(&app.state.db, id)
            .await?
            .ok_or("workshop")?,
        app.state.settings.time_zone,
    );
    form.capacity = "3".into();
    let body = serde_urlencoded::to_string(&form)?;
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(&body)?;
    pairs.retain(|(_, v)| !v.is_empty());
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = app.submit(&manage, &manage, &borrowed).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Lowering it below the people confirmed is refused.
    let mut lower = pairs.clone();
    for (k, v) in lower.iter_mut() {
        if k == "capacity" {
            *v = "1".into();
        }
    }
    let borrowed: Vec<(&str, &str)> = lower
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = app.submit(&manage, &manage, &borrowed).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Es sind schon mehr Personen angemeldet"));

    let res = app
        .submit(&list, &promote, &[("signup_id", &paul.id.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(signups(&app, id).await[1].status, "confirmed");
    Ok(())
}

#[tokio::test]
async fn a_held_workshop_publishes_its_documentation_and_attendance_only_as_a_safe_count()
-> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[]).await;
    signed_up(&app, id, &[("name", "Quirin"), ("people", "3")]).await;
    signed_up(&app, id, &[("name", "Rosa"), ("people", "1")]).await;

    app.client = setup.staff.clone();
    let manage = format!("/manage/workshops/{id}");
    let list = format!("{manage}/signups");
    for s in signups(&app, id).await {
        app.submit(
            &list,
            &format!("{manage}/checkin"),
            &[("signup_id", &s.id.to_string())],
        )
        .await;
    }
    // Not before it started.
    let res = app.submit(&manage, &format!("{manage}/held"), &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("noch nicht begonnen"));
    app.state.clock.advance(Duration::days(6));
    let res = app.submit(&manage, &format!("{manage}/held"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let goal = setup.goal.to_string();
    // A second goal of the strategy that no round serves: the workshop alone informed it.
    let informed_only = second_goal(&app, setup.goal, "Kita-Plätze schaffen").await?;
    let res = app
        .submit(
            &manage,
            &format!("{manage}/documentation"),
            &[
                ("documentation", "Wir brauchen **mehr Kita-Plätze**."),
                ("goal_ids", &goal),
                ("goal_ids", &informed_only.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    app.client = new_client();
    let public = app.get(&format!("/workshops/{id}")).await;
    assert!(public.body.contains("<strong>mehr Kita-Plätze</strong>"));
    // 4 people came; the minimum group size is 5.
    assert!(public.body.contains("Weniger als 5 Menschen waren dabei"));
    assert!(!public.body.contains("4 Menschen"));
    let round_slug = "runde-in-astadt";
    let round = app.get(&format!("/rounds/{round_slug}")).await;
    assert!(
        round.body.contains("Ergebnisse aus Werkstätten"),
        "{}",
        round.body
    );
    assert!(round.body.contains("mehr Kita-Plätze"));
    assert!(round.body.contains(&format!("href=\"/workshops/{id}\"")));
    let goal_page = app.get(&format!("/goals/{}", setup.goal)).await;
    assert!(goal_page.body.contains("mehr Kita-Plätze"));
    assert!(
        goal_page
            .body
            .contains("Weniger als 5 Menschen waren dabei")
    );
    let strategy = app.get("/strategies/astadt").await;
    assert!(
        strategy
            .body
            .contains("1 Beteiligungsrunde zu diesem Ziel · 1 Werkstatt"),
        "the round and the workshop count: {}",
        strategy.body
    );
    // No separator before the first part that is there.
    assert!(
        strategy.body.contains("<p class=\"muted\">1 Werkstatt"),
        "the workshop count alone: {}",
        strategy.body
    );
    let _ = setup.place;
    Ok(())
}

/// Adds a goal to the field of action of `beside`, after it.
async fn second_goal(app: &TestApp, beside: Uuid, title: &str) -> Result<Uuid, DbErr> {
    let first = goals::Entity::find_by_id(beside)
        .one(&app.state.db)
        .await?
        .ok_or(DbErr::RecordNotFound("goal".into()))?;
    let now = app.state.clock.now();
    let goal = goals::ActiveModel {
        id: Set(Uuid::now_v7()),
        field_of_action_id: Set(first.field_of_action_id),
        title: Set(title.into()),
        description: Set(String::new()),
        target_text: Set(None),
        position: Set(first.position + 1),
        archived_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&app.state.db)
    .await?;
    Ok(goal.id)
}

#[tokio::test]
async fn personal_data_is_deleted_after_the_retention_period_and_the_counts_remain() -> TestResult {
    let mut app = spawn_app_with(&[("TEILHABE_SIGNUP_RETENTION_DAYS", "10")]).await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[("capacity", "5")]).await;
    let link = signed_up(
        &app,
        id,
        &[
            ("name", "Sven"),
            ("email", "sven@example.org"),
            ("people", "4"),
            ("note", "vegetarisch"),
        ],
    )
    .await;
    signed_up(&app, id, &[("name", "Tara"), ("phone", "0721 55555")]).await;
    app.client = setup.staff.clone();
    let manage = format!("/manage/workshops/{id}");
    for s in signups(&app, id).await {
        let res = app
            .submit(
                &format!("{manage}/signups"),
                &format!("{manage}/checkin"),
                &[("signup_id", &s.id.to_string())],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
    }
    app.state.clock.advance(Duration::days(6));
    app.submit(&manage, &format!("{manage}/held"), &[]).await;

    // The workshop ended on day 5 at 20:00; on day 14 that is less than ten days ago.
    app.state.clock.advance(Duration::days(8));
    teilhabe::jobs::housekeeping(&app.state).await?;
    assert!(signups(&app, id).await.iter().all(|s| s.name.is_some()));

    app.state.clock.advance(Duration::days(2));
    teilhabe::jobs::housekeeping(&app.state).await?;
    let all = signups(&app, id).await;
    assert_eq!(all.len(), 2);
    for s in &all {
        assert_eq!(
            (
                s.name.as_ref(),
                s.email.as_ref(),
                s.phone.as_ref(),
                s.note.as_ref()
            ),
            (None, None, None, None)
        );
        assert!(s.token_hash.is_none());
        assert!(s.personal_data_deleted_at.is_some());
    }
    assert_eq!(all.iter().map(|s| s.people).sum::<i32>(), 5);
    assert_eq!(all.iter().filter(|s| s.checked_in_at.is_some()).count(), 2);

    let page = app.get(&format!("{manage}/signups")).await;
    assert!(page.body.contains("Daten gelöscht"));
    assert!(!page.body.contains("Sven"));
    assert!(page.body.contains("<dt>Personen anwesend</dt><dd>5</dd>"));
    app.client = new_client();
    assert!(
        app.get(&format!("/workshops/{id}"))
            .await
            .body
            .contains("5 Menschen waren dabei")
    );
    assert_eq!(app.get(&link).await.status, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn coordinators_of_another_municipality_and_visitors_see_nothing_of_a_workshop() -> TestResult
{
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[]).await;
    signed_up(&app, id, &[("name", "Uwe")]).await;

    // A draft is not public.
    app.client = setup.staff.clone();
    let form = format!("{}/workshops/new", setup.round);
    let date = day(&app, 7);
    let res = app
        .submit(
            &form,
            &form,
            &[
                ("title", "Entwurf"),
                ("date", &date),
                ("starts_time", "10:00"),
                ("ends_time", "12:00"),
                ("deadline_on", &date),
                ("address", "Rathaus"),
                ("capacity", "5"),
                ("max_per_signup", "2"),
            ],
        )
        .await;
    let draft = res.location.unwrap_or_default().replace("/manage", "");
    app.client = new_client();
    assert_eq!(app.get(&draft).await.status, StatusCode::NOT_FOUND);

    let _ = signed_in_coordinator(&app, "koordi@bstadt.example", "bstadt").await;
    let round_id = setup.round.trim_start_matches("/manage/rounds/");
    for path in [
        format!("/manage/workshops/{id}"),
        format!("/manage/workshops/{id}/signups"),
        format!("/manage/workshops/{id}/export.csv"),
        format!("/manage/workshops/{id}/attendance"),
        format!("/manage/rounds/{round_id}/workshops"),
        format!("/manage/rounds/{round_id}/workshops/new"),
    ] {
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let token = csrf_token(&app.get("/manage").await.body).ok_or("no token")?;
    let res = app
        .post_raw(
            &format!("/manage/workshops/{id}/cancel"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        teilhabe::workshops::model::find(&app.state.db, id)
            .await?
            .map(|w| w.status),
        Some("published".to_string())
    );
    Ok(())
}

/// Creates, publishes and signs up for a workshop of the round at `round` (a management path) as
/// the signed-in coordinator or admin on `app`'s client; returns each workshop page with its
/// template (for the i18n test).
pub async fn workshop_pages(app: &TestApp, round: &str) -> Vec<(&'static str, String)> {
    let form = format!("{round}/workshops/new");
    let date = day(app, 5);
    let res = app
        .submit(
            &form,
            &form,
            &[
                ("title", "Werkstatt"),
                ("date", &date),
                ("starts_time", "18:00"),
                ("ends_time", "20:00"),
                ("deadline_on", &date),
                ("address", "Rathaus"),
                ("capacity", "5"),
                ("max_per_signup", "4"),
                ("childcare", "1"),
                ("interpreter_languages", "Arabisch"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let manage = res.location.unwrap_or_default();
    app.submit(&manage, &format!("{manage}/publish"), &[]).await;
    let public = manage.replace("/manage/workshops/", "/workshops/");
    let res = app
        .submit(&public, &public, &[("name", "Vera"), ("people", "1")])
        .await;
    let own = res.location.unwrap_or_default();
    let cancel = format!("{}/cancel", own.split('?').next().unwrap_or_default());
    let id = Uuid::parse_str(manage.trim_start_matches("/manage/workshops/"))
        .unwrap_or_else(|e| panic!("{manage}: {e}"));
    let vera = signups(app, id).await[0].id;
    vec![
        ("workshops/manage_list", format!("{round}/workshops")),
        (
            "workshops/manage_cancel",
            format!("{manage}/cancel-signup?signup_id={vera}"),
        ),
        ("workshops/manage_form", manage.clone()),
        ("workshops/manage_signups", format!("{manage}/signups")),
        ("workshops/attendance", format!("{manage}/attendance")),
        ("workshops/show", public),
        ("workshops/signup", own),
        ("workshops/signup_cancel", cancel),
    ]
}

#[tokio::test]
async fn the_demo_adds_an_upcoming_a_full_and_a_held_workshop_once() -> TestResult {
    let app = spawn_app().await;
    let place =
        signed_in_coordinator(&app, "koordination@musterstadt.example", "musterstadt").await;
    let db = &app.state.db;
    let now = app.state.clock.now();
    teilhabe::strategy::demo::seed(db, place, now).await?;
    let user = teilhabe::accounts::model::find_by_email(db, "koordination@musterstadt.example")
        .await?
        .ok_or("coordinator")?;
    let coordinator = teilhabe::identity::session_user(db, user.id, user.session_version)
        .await?
        .ok_or("coordinator")?;
    teilhabe::rounds::demo::seed(db, &app.state, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    let seed = || teilhabe::workshops::demo::seed(db, &app.state, &coordinator, place, now);
    assert_eq!(seed().await.map_err(|e| e.to_string())?, 3);
    assert_eq!(
        seed().await.map_err(|e| e.to_string())?,
        0,
        "seeding twice adds nothing"
    );

    let all = entity::workshops::Entity::find().all(db).await?;
    let by_title = |t: &str| {
        all.iter()
            .find(|w| w.title.contains(t))
            .map(|w| format!("/workshops/{}", w.id))
            .unwrap_or_default()
    };
    let upcoming = app.get(&by_title("Ankommen im Job")).await;
    assert!(
        upcoming.body.contains("Noch 16 Plätze frei"),
        "{}",
        upcoming.body
    );
    let full = app.get(&by_title("Miete")).await;
    assert!(full.body.contains("Ausgebucht"));
    let held = app.get(&by_title("Kinderbetreuung")).await;
    assert!(
        held.body.contains("10 Menschen waren dabei"),
        "{}",
        held.body
    );
    assert!(held.body.contains("Randzeiten"));
    Ok(())
}

#[tokio::test]
async fn sign_ups_from_one_address_are_limited() -> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[("capacity", "100")]).await;
    for i in 0..20 {
        let name = format!("Person {i}");
        let res = sign_up(&app, id, &[("name", &name)]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{i}");
    }
    let res = sign_up(&app, id, &[("name", "Eine zu viel")]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(signups(&app, id).await.len(), 20);
    Ok(())
}

#[tokio::test]
async fn staff_cancel_a_sign_up_for_someone_who_phones_and_the_waitlist_moves_up() -> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "astadt").await;
    let id = new_workshop(&mut app, &setup, &[("capacity", "2")]).await;
    for (name, people, email) in [
        ("Anna", "2", "anna@example.org"),
        ("Berta", "2", "berta@example.org"),
        ("Cem", "1", ""),
    ] {
        signed_up(
            &app,
            id,
            &[("name", name), ("people", people), ("email", email)],
        )
        .await;
    }
    let before = signups(&app, id).await;
    let (anna, cem) = (before[0].clone(), before[2].clone());

    app.client = setup.staff.clone();
    let list = format!("/manage/workshops/{id}/signups");
    let action = format!("/manage/workshops/{id}/cancel-signup");
    let confirm = format!("{action}?signup_id={}", anna.id);
    // As the page writes it: Handlebars escapes `=` in attributes.
    let link = confirm.replace('=', "&#x3D;");
    assert!(app.get(&list).await.body.contains(&link));
    // The link only asks.
    let page = app.get(&confirm).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Anna") && page.body.contains(&anna.code));
    assert!(page.body.contains("Ja, Anmeldung absagen"));
    assert!(page.body.contains("bekommt eine E-Mail"));
    assert_eq!(signups(&app, id).await[0].status, "confirmed");
    let page = app
        .get(&format!("{action}?signup_id={}", cem.id))
        .await
        .body;
    assert!(page.contains("keine E-Mail-Adresse"), "{page}");

    let res = app
        .submit(&confirm, &action, &[("signup_id", &anna.id.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location.as_deref(), Some(list.as_str()));
    let status: Vec<(String, String)> = signups(&app, id)
        .await
        .into_iter()
        .map(|s| (s.name.unwrap_or_default(), s.status))
        .collect();
    assert_eq!(
        status,
        [
            ("Anna".to_string(), "cancelled".to_string()),
            ("Berta".to_string(), "confirmed".to_string()),
            ("Cem".to_string(), "waitlisted".to_string()),
        ],
        "the waitlist moves up as after a self-cancellation"
    );
    let told = app.wait_for_mail("anna@example.org", "abgesagt").await;
    assert!(told.contains("Werkstatt Familie") && told.contains(&anna.code));
    app.wait_for_mail("berta@example.org", "Sie sind jetzt fest angemeldet")
        .await;
    let logged = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("signup.cancel"))
        .all(&app.state.db)
        .await?;
    assert_eq!(logged.len(), 1);
    assert!(logged[0].actor_id.is_some() && logged[0].summary.contains(&anna.id.to_string()));
    assert!(
        !logged[0].summary.contains("Anna"),
        "the log names no person"
    );

    // Cancelled is cancelled; a sign-up of no workshop of ours is not found.
    let res = app
        .submit(&list, &action, &[("signup_id", &anna.id.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(!app.get(&list).await.body.contains(&link));
    let res = app
        .submit(
            &list,
            &action,
            &[("signup_id", &Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn cancelling_by_the_private_link_asks_first_and_a_cancelled_sign_up_offers_nothing_to_change()
-> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "cstadt").await;
    let id = new_workshop(&mut app, &setup, &[]).await;
    let link = signed_up(&app, id, &[("name", "Aylin"), ("people", "2")]).await;
    let cancel = format!("{link}/cancel");

    // The sign-up page links to the question; it holds no one-tap cancel button.
    let own = app.get(&link).await;
    assert!(
        own.body.contains(&format!("href=\"{cancel}\"")),
        "{}",
        own.body
    );
    assert!(!own.body.contains(&format!("action=\"{cancel}\"")));

    // The question shows what would be cancelled and changes nothing yet.
    let ask = app.get(&cancel).await;
    assert_eq!(ask.status, StatusCode::OK);
    for text in [
        "Anmeldung wirklich absagen?",
        "Werkstatt Familie",
        "Aylin",
        &code_on(&own.body),
        &format!("action=\"{cancel}\""),
        &format!("href=\"{link}\""),
    ] {
        assert!(ask.body.contains(text), "{text}:\n{}", ask.body);
    }
    assert!(csrf_token(&ask.body).is_some());
    assert_eq!(signups(&app, id).await[0].status, "confirmed");

    // Without the form's token nothing happens.
    let res = app.post_raw(&cancel, &[]).await;
    assert_ne!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(signups(&app, id).await[0].status, "confirmed");

    let res = app.submit(&cancel, &cancel, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(signups(&app, id).await[0].status, "cancelled");
    let own = app.get(&link).await;
    assert!(own.body.contains("Diese Anmeldung ist abgesagt"));
    assert!(!own.body.contains("calendar.ics"), "no calendar file");
    assert!(
        !own.body.contains("ändern"),
        "nothing to change:\n{}",
        own.body
    );
    assert!(!own.body.contains(&format!("href=\"{cancel}\"")));
    // Asking again leads back to the page that says it is cancelled.
    let again = app.get(&cancel).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.location.as_deref(), Some(link.as_str()));
    Ok(())
}

#[tokio::test]
async fn someone_waiting_without_an_address_is_told_how_to_find_out_whether_she_moved_up()
-> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "wstadt").await;
    let id = new_workshop(&mut app, &setup, &[("capacity", "1")]).await;
    signed_up(&app, id, &[("name", "Anna")]).await;

    let waiting = signed_up(&app, id, &[("name", "Berta")]).await;
    let own = app.get(&waiting).await;
    assert!(own.body.contains("Auf der Warteliste"));
    assert!(
        own.body
            .contains("Wir können Ihnen nicht Bescheid sagen, wenn Sie nachrücken"),
        "{}",
        own.body
    );
    assert!(own.body.contains("unter Ihrem persönlichen Link nach"));
    let code = code_on(&own.body);
    assert!(
        own.body.contains(&format!(
            "Oder rufen Sie an unter 0721 133-5000 und nennen Sie Ihre Anmeldenummer {code}."
        )),
        "the organiser's phone and her code:\n{}",
        own.body
    );
    assert!(!own.body.contains("schreiben wir Ihnen eine E-Mail"));

    let with_mail = signed_up(&app, id, &[("name", "Cem"), ("email", "cem@example.org")]).await;
    let own = app.get(&with_mail).await;
    assert!(
        own.body
            .contains("Rücken Sie nach, schreiben wir Ihnen eine E-Mail.")
    );
    assert!(!own.body.contains("Wir können Ihnen nicht Bescheid sagen"));
    Ok(())
}

#[tokio::test]
async fn the_attendance_list_shows_needs_with_labels_totals_and_rows_for_walk_ins() -> TestResult {
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "lstadt").await;
    let id = new_workshop(&mut app, &setup, &[("capacity", "5")]).await;
    signed_up(
        &app,
        id,
        &[
            ("name", "Aylin"),
            ("people", "3"),
            ("childcare", "1"),
            ("children", "2"),
            ("children_ages", "3 und 5"),
            ("interpreter_language", "Arabisch"),
            ("step_free", "1"),
        ],
    )
    .await;
    signed_up(&app, id, &[("name", "Bernd"), ("people", "2")]).await;
    signed_up(&app, id, &[("name", "Chiara"), ("people", "4")]).await;

    app.client = setup.staff.clone();
    let list = app.get(&format!("/manage/workshops/{id}/attendance")).await;
    assert_eq!(list.status, StatusCode::OK);
    for text in [
        "5 Personen angemeldet (2 Anmeldungen)",
        "4 Personen auf der Warteliste",
        "<th scope=\"col\" class=\"num\">Personen</th>",
        "2 Kinder (3 und 5)",
        "Dolmetschen: Arabisch",
        "ohne Stufen",
        "Zusammen",
        "2 Anmeldungen",
        "Ohne Anmeldung gekommen",
    ] {
        assert!(list.body.contains(text), "{text}:\n{}", list.body);
    }
    let walk_ins = &list.body[list.body.find("Ohne Anmeldung gekommen").unwrap_or(0)..];
    assert_eq!(
        walk_ins.matches("<td></td><td></td><td></td>").count(),
        8,
        "blank rows for people who come without a sign-up"
    );
    Ok(())
}

#[tokio::test]
async fn the_round_page_lists_a_workshop_once_named_under_in_person_not_under_online() -> TestResult
{
    let mut app = spawn_app().await;
    let setup = workshop_round(&mut app, "ostadt").await;
    let id = new_workshop(
        &mut app,
        &setup,
        &[("title", "Werkstatt: Familie und Arbeit")],
    )
    .await;
    let round_id = Uuid::parse_str(setup.round.trim_start_matches("/manage/rounds/"))?;
    let round = entity::rounds::Entity::find_by_id(round_id)
        .one(&app.state.db)
        .await?
        .ok_or("no round")?;

    let page = app.get(&format!("/rounds/{}", round.slug)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!(
            "<a href=\"/workshops/{id}\">Werkstatt: Familie und Arbeit</a>"
        )),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Werkstatt: Werkstatt:"));
    let online = page.body.find("Im Internet").ok_or("no online heading")?;
    let in_person = page
        .body
        .find("Werkstätten vor Ort")
        .ok_or("no in-person heading")?;
    let link = page
        .body
        .find(&format!("/workshops/{id}"))
        .ok_or("no link")?;
    assert!(online < in_person && in_person < link, "{}", page.body);
    assert!(page.body[link..].contains("Rathaus"), "with its place");
    Ok(())
}
