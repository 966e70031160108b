//! Multi-line text survives being shown again: every form with a textarea is filled in the way a
//! browser does it (the form read from the page, line breaks sent as CRLF), sent once with an
//! error elsewhere, corrected, saved, and saved a second time unchanged from its edit page; the
//! stored text must equal what was typed, byte for byte.
//!
//! What is stored (`teilhabe::web::forms::multiline`): line breaks as LF (browsers send CRLF),
//! without blank lines before the text and whitespace after it; every other byte as typed, the
//! indentation of the first line included.

use entity::{fields_of_action, goals, ideas, measures, rounds, strategies, workshops};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};

use crate::{
    fixtures::{DemoCoordinator, demo_coordinator},
    helpers::{Page, TestApp, TestResult, spawn_app},
};

/// What a person types into a textarea, as the browser sends it (CRLF line breaks), and what must
/// be stored. `marker` makes the stored row findable.
fn typed(marker: &str) -> (String, String) {
    let text = format!(
        "  {marker}: eingerückt beginnt der Text.\n\nEine Liste:\n\n- erster Punkt\n- zweiter \
         Punkt\n  mit Fortsetzung\n\n    Code, vier Leerzeichen tief\nÄrger & <b>\"zitiert\"</b> \
         'x' `y` =z"
    );
    let sent = format!("\n \n{text}\n\n").replace('\n', "\r\n");
    (sent, text)
}

/// A form as a browser has it: where it is sent, and the name/value pairs it would send.
struct BrowserForm {
    action: String,
    fields: Vec<(String, String)>,
    textareas: Vec<String>,
    selects: Vec<(String, Vec<String>)>,
}

impl BrowserForm {
    /// The form on `html` that holds the textarea `field`.
    fn with_textarea(html: &str, field: &str) -> Self {
        let needle = format!("<textarea id=\"{field}\" name=\"{field}\"");
        let at = html
            .find(&needle)
            .unwrap_or_else(|| panic!("no textarea {field} on the page:\n{html}"));
        let start = html[..at]
            .rfind("<form")
            .unwrap_or_else(|| panic!("textarea {field} is in no form"));
        let end = at + html[at..].find("</form>").unwrap_or(html.len() - at);
        Self::parse(&html[start..end])
    }

    fn parse(form: &str) -> Self {
        let open = &form[..form.find('>').unwrap_or(form.len())];
        let action = attr(open, "action").unwrap_or_default();
        let mut fields = Vec::new();
        let mut textareas = Vec::new();
        let mut selects = Vec::new();
        let mut rest = &form[open.len()..];
        while let Some(lt) = rest.find('<') {
            rest = &rest[lt + 1..];
            let tag_end = rest.find('>').unwrap_or(rest.len());
            let tag = &rest[..tag_end];
            let name = attr(tag, "name");
            if tag.starts_with("input ") {
                let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
                let checked = has_flag(tag, "checked");
                match (name, kind.as_str()) {
                    (Some(_), "submit" | "button" | "reset" | "image" | "file") | (None, _) => {}
                    (Some(_), "checkbox" | "radio") if !checked => {}
                    (Some(n), "checkbox" | "radio") => {
                        fields.push((n, attr(tag, "value").unwrap_or_else(|| "on".into())));
                    }
                    (Some(n), _) => fields.push((n, attr(tag, "value").unwrap_or_default())),
                }
            } else if tag.starts_with("textarea ") {
                let body = &rest[tag_end + 1..];
                let content = &body[..body.find("</textarea>").unwrap_or(0)];
                if let Some(n) = name {
                    fields.push((n.clone(), textarea_value(content)));
                    textareas.push(n);
                }
            } else if tag.starts_with("select ") {
                let body = &rest[tag_end + 1..];
                let body = &body[..body.find("</select>").unwrap_or(0)];
                let options: Vec<(String, bool)> = body
                    .split("<option")
                    .skip(1)
                    .map(|o| {
                        let o = &o[..o.find('>').unwrap_or(o.len())];
                        (
                            attr(o, "value").unwrap_or_default(),
                            has_flag(o, "selected"),
                        )
                    })
                    .collect();
                if let Some(n) = name {
                    let chosen: Vec<String> = options
                        .iter()
                        .filter(|(_, s)| *s)
                        .map(|(v, _)| v.clone())
                        .collect();
                    match chosen.as_slice() {
                        [] => {
                            if let Some((first, _)) = options.first() {
                                fields.push((n.clone(), first.clone()));
                            }
                        }
                        many => fields.extend(many.iter().map(|v| (n.clone(), v.clone()))),
                    }
                    selects.push((n, options.into_iter().map(|(v, _)| v).collect()));
                }
            }
        }
        Self {
            action: decode(&action),
            fields,
            textareas,
            selects,
        }
    }

    fn get(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn set(&mut self, name: &str, value: &str) {
        self.fields.retain(|(n, _)| n != name);
        self.fields.push((name.to_string(), value.to_string()));
    }

    /// A select left at its empty first option gets its first real choice.
    fn choose_where_empty(&mut self) {
        for (name, options) in self.selects.clone() {
            if self.get(&name).is_empty()
                && let Some(first) = options.iter().find(|o| !o.is_empty())
            {
                self.set(&name, first);
            }
        }
    }

    /// Sends the form as a browser does: a textarea's line breaks as CRLF.
    async fn send(&self, app: &TestApp) -> Page {
        let fields: Vec<(String, String)> = self
            .fields
            .iter()
            .map(|(n, v)| {
                if self.textareas.contains(n) {
                    (n.clone(), v.replace("\r\n", "\n").replace('\n', "\r\n"))
                } else {
                    (n.clone(), v.clone())
                }
            })
            .collect();
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        app.post_raw(&self.action, &pairs).await
    }
}

/// A textarea's value as the browser's HTML parser makes it: line breaks as LF, one line break
/// right after the start tag dropped, character references decoded.
fn textarea_value(raw: &str) -> String {
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.strip_prefix('\n').unwrap_or(&text);
    decode(text)
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let at = tag.find(&needle)? + needle.len();
    let end = tag[at..].find('"')?;
    Some(decode(&tag[at..at + end]))
}

fn has_flag(tag: &str, name: &str) -> bool {
    tag.split_whitespace()
        .any(|word| word == name || word == format!("{name}/"))
}

/// Decodes the character references handlebars writes (`&amp;`, `&#x27;`, …).
fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|e| *e < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The stored values of `table.column` that contain `marker`.
async fn stored(app: &TestApp, table: &str, column: &str, marker: &str) -> Vec<String> {
    let db = &app.state.db;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT {column} AS v FROM {table}"),
        ))
        .await
        .unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
    rows.iter()
        .filter_map(|r| r.try_get::<Option<String>>("", "v").ok().flatten())
        .filter(|v| v.contains(marker))
        .collect()
}

/// One form with a multi-line field.
struct Case {
    /// The page the form is on.
    page: String,
    field: String,
    /// Another field set to a value the form refuses, so the form comes back with an error, and
    /// the value it is corrected to ("" for what the form had).
    bad: (String, String, String),
    table: &'static str,
    column: &'static str,
    /// Whether the saved form can be sent again from `page` (an edit form).
    again: bool,
}

/// Fills `case.field`, sends with an error, corrects it, saves, and (for edit forms) saves again
/// unchanged; after each save the stored text must be exactly what was typed.
async fn round_trip(app: &TestApp, case: &Case, marker: &str) {
    let what = format!("{} on {}", case.field, case.page);
    let (sent, expected) = typed(marker);
    let page = app.get(&case.page).await;
    assert_eq!(page.status, StatusCode::OK, "{what}: {}", page.body);
    let mut form = BrowserForm::with_textarea(&page.body, &case.field);
    form.choose_where_empty();
    let (bad_field, bad, fix) = &case.bad;
    let good = if fix.is_empty() {
        form.get(bad_field)
    } else {
        fix.clone()
    };
    form.set(&case.field, &sent);
    form.set(bad_field, bad);
    let refused = form.send(app).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{what}: the error comes back: {}",
        refused.body
    );
    // The person corrects the other field and sends what the page now shows.
    let mut form = BrowserForm::with_textarea(&refused.body, &case.field);
    assert_eq!(
        form.get(&case.field),
        sent.replace("\r\n", "\n"),
        "{what}: the text is shown again as typed"
    );
    form.set(bad_field, &good);
    form.choose_where_empty();
    let saved = form.send(app).await;
    assert_eq!(
        saved.status,
        StatusCode::SEE_OTHER,
        "{what}: saved after the correction: {}",
        saved.body
    );
    assert_eq!(
        stored(app, case.table, case.column, marker).await,
        vec![expected.clone()],
        "{what}: stored after the first save"
    );
    if !case.again {
        return;
    }
    let page = app.get(&case.page).await;
    let form = BrowserForm::with_textarea(&page.body, &case.field);
    assert_eq!(form.get(&case.field), expected, "{what}: shown as stored");
    let saved = form.send(app).await;
    assert_eq!(
        saved.status,
        StatusCode::SEE_OTHER,
        "{what}: saved again: {}",
        saved.body
    );
    assert_eq!(
        stored(app, case.table, case.column, marker).await,
        vec![expected],
        "{what}: unchanged by the second save"
    );
}

#[tokio::test]
async fn multi_line_text_is_stored_as_typed_through_an_error_and_two_saves() -> TestResult {
    let app = spawn_app().await;
    let DemoCoordinator {
        place,
        user,
        coordinator,
    } = demo_coordinator(&app).await?;
    let db = &app.state.db;
    let now = app.state.clock.now();
    teilhabe::accounts::model::grant_role(
        db,
        user.id,
        teilhabe::identity::Role::Moderator,
        Some(place),
        None,
        now,
    )
    .await?;
    teilhabe::rounds::demo::seed(db, &app.state, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    teilhabe::workshops::demo::seed(db, &app.state, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    teilhabe::surveys::demo::seed(db, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;
    teilhabe::ideas::demo::seed(db, &coordinator, place, now)
        .await
        .map_err(|e| e.to_string())?;

    let draft = rounds::Entity::find()
        .filter(rounds::Column::Status.eq("draft"))
        .one(db)
        .await?
        .ok_or("no draft round")?
        .id;
    let all_workshops = workshops::Entity::find().all(db).await?;
    let workshop = |status: &str| {
        all_workshops
            .iter()
            .find(|w| w.status == status)
            .map(|w| w.id)
            .unwrap_or_default()
    };
    let survey = entity::surveys::Entity::find()
        .one(db)
        .await?
        .ok_or("no survey")?;
    let questions = teilhabe::surveys::queries::questions(db, survey.id).await?;
    let long_text = questions
        .iter()
        .find(|q| q.kind == teilhabe::surveys::model::Kind::LongText)
        .ok_or("no long-text question")?
        .model
        .id;
    let choice = questions
        .iter()
        .find(|q| q.kind == teilhabe::surveys::model::Kind::Single)
        .ok_or("no single-choice question")?
        .model
        .id;
    let strategy = strategies::Entity::find()
        .one(db)
        .await?
        .ok_or("no strategy")?
        .id;
    let field = fields_of_action::Entity::find()
        .one(db)
        .await?
        .ok_or("no field")?
        .id;
    let goal = goals::Entity::find().one(db).await?.ok_or("no goal")?.id;
    let measure = measures::Entity::find()
        .one(db)
        .await?
        .ok_or("no measure")?
        .id;
    let board = entity::idea_boards::Entity::find()
        .one(db)
        .await?
        .ok_or("no board")?
        .id;
    let idea = ideas::Entity::find()
        .filter(ideas::Column::BoardId.eq(board))
        .filter(ideas::Column::Status.eq("published"))
        .one(db)
        .await?
        .ok_or("no published idea")?;
    let hideable = ideas::Entity::find()
        .filter(ideas::Column::Status.eq("published"))
        .filter(ideas::Column::Id.ne(idea.id))
        .one(db)
        .await?
        .ok_or("a second published idea")?
        .id;
    let show = format!("/ideas/{board}/{}", idea.id);

    let cases = [
        Case {
            page: format!("/manage/rounds/{draft}"),
            field: "summary".into(),
            bad: ("title".into(), "".into(), String::new()),
            table: "rounds",
            column: "summary",
            again: true,
        },
        Case {
            page: format!("/manage/rounds/{draft}"),
            field: "description".into(),
            bad: ("title".into(), "".into(), String::new()),
            table: "rounds",
            column: "description",
            again: true,
        },
        Case {
            page: format!("/manage/rounds/{draft}"),
            field: "contact_address".into(),
            bad: ("title".into(), "".into(), String::new()),
            table: "rounds",
            column: "contact_address",
            again: true,
        },
        Case {
            page: format!("/manage/workshops/{}", workshop("published")),
            field: "description".into(),
            bad: ("title".into(), "".into(), String::new()),
            table: "workshops",
            column: "description",
            again: true,
        },
        Case {
            page: format!("/manage/workshops/{}", workshop("published")),
            field: "address".into(),
            bad: ("title".into(), "".into(), String::new()),
            table: "workshops",
            column: "address",
            again: true,
        },
        Case {
            page: format!("/manage/workshops/{}", workshop("published")),
            field: "transit".into(),
            bad: ("title".into(), "".into(), String::new()),
            table: "workshops",
            column: "transit",
            again: true,
        },
        Case {
            page: format!("/manage/workshops/{}", workshop("held")),
            field: "documentation".into(),
            bad: ("goal_ids".into(), "keine-uuid".into(), String::new()),
            table: "workshops",
            column: "documentation",
            again: true,
        },
        Case {
            page: format!("/manage/surveys/{}", survey.id),
            field: "intro".into(),
            bad: ("title".into(), "".into(), String::new()),
            table: "surveys",
            column: "intro",
            again: true,
        },
        Case {
            page: format!("/manage/questions/{choice}"),
            field: "prompt".into(),
            bad: ("min_choices".into(), "viele".into(), String::new()),
            table: "survey_questions",
            column: "prompt",
            again: true,
        },
        Case {
            page: format!("/manage/questions/{choice}"),
            field: "help".into(),
            bad: ("min_choices".into(), "viele".into(), String::new()),
            table: "survey_questions",
            column: "help",
            again: true,
        },
        Case {
            page: format!("/manage/strategies/{strategy}"),
            field: "summary".into(),
            bad: ("title".into(), "".into(), String::new()),
            table: "strategies",
            column: "summary",
            again: true,
        },
        Case {
            page: format!("/manage/fields/{field}"),
            field: "field_description".into(),
            bad: ("field_title".into(), "".into(), String::new()),
            table: "fields_of_action",
            column: "description",
            again: true,
        },
        Case {
            page: format!("/manage/goals/{goal}"),
            field: "goal_description".into(),
            bad: ("goal_title".into(), "".into(), String::new()),
            table: "goals",
            column: "description",
            again: true,
        },
        Case {
            page: format!("/manage/measures/{measure}"),
            field: "measure_description".into(),
            bad: ("measure_title".into(), "".into(), String::new()),
            table: "measures",
            column: "description",
            again: true,
        },
        Case {
            page: format!("/manage/measures/{measure}"),
            field: "measure_progress_note".into(),
            bad: ("measure_title".into(), "".into(), String::new()),
            table: "measures",
            column: "progress_note",
            again: true,
        },
        Case {
            page: format!("/manage/boards/{board}"),
            field: "question".into(),
            bad: ("title".into(), "".into(), String::new()),
            table: "idea_boards",
            column: "question",
            again: true,
        },
        Case {
            page: format!("/manage/ideas/{}/answer", idea.id),
            field: "answer".into(),
            bad: ("official_status".into(), "unbekannt".into(), String::new()),
            table: "ideas",
            column: "official_answer",
            again: true,
        },
        Case {
            page: format!("/ideas/{board}/new"),
            field: "body".into(),
            bad: ("title".into(), "".into(), "Bänke im Park".into()),
            table: "ideas",
            column: "body",
            again: false,
        },
        Case {
            page: show.clone(),
            field: "body".into(),
            bad: ("parent_id".into(), "keine-uuid".into(), String::new()),
            table: "idea_comments",
            column: "body",
            again: false,
        },
        Case {
            page: format!("{show}/flag?target={}", idea.id),
            field: "note".into(),
            bad: ("reason".into(), "unbekannt".into(), "other".into()),
            table: "moderation_flags",
            column: "note",
            again: false,
        },
        Case {
            page: format!("/manage/moderation/{hideable}"),
            field: "note".into(),
            bad: ("reason".into(), "unbekannt".into(), "insult".into()),
            table: "ideas",
            column: "hidden_note",
            again: false,
        },
        Case {
            page: format!("/workshops/{}", workshop("published")),
            field: "note".into(),
            bad: ("name".into(), "".into(), "Mia Beispiel".into()),
            table: "workshop_signups",
            column: "note",
            again: false,
        },
        Case {
            page: format!("/manage/surveys/{}/paper", survey.id),
            field: format!("q-{long_text}"),
            bad: (format!("q-{choice}"), "keine-option".into(), String::new()),
            table: "survey_answers",
            column: "text_value",
            again: false,
        },
    ];
    for (i, case) in cases.iter().enumerate() {
        round_trip(&app, case, &format!("Marke-{i}")).await;
    }

    // The idea just posted, edited by its author: shown as stored, saved twice unchanged.
    let posted = ideas::Entity::find()
        .filter(ideas::Column::Body.contains("Marke-17"))
        .one(db)
        .await?
        .ok_or("the posted idea")?;
    round_trip(
        &app,
        &Case {
            page: format!("/ideas/{board}/{}/edit", posted.id),
            field: "body".into(),
            bad: ("title".into(), "".into(), String::new()),
            table: "ideas",
            column: "body",
            again: true,
        },
        "Marke-edit",
    )
    .await;
    Ok(())
}
