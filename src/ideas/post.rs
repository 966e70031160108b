//! Posting an idea: the idea form (shared with editing), its check, and storing the idea with its
//! receipt code and the mail that confirms the address or acknowledges the idea.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{areas, idea_boards, ideas, rounds};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::web::forms::CheckForm;
use crate::{
    error::{AppError, AppResult},
    identity::CurrentUser,
    moderation::model as moderation,
    notifications::service::{self as notifications, Email},
    state::AppState,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{FormErrors, HtmlForm, multiline},
        i18n::Lang,
        rate_limit,
    },
};
use sea_orm::DbErr;

use super::districts::board_areas;
use super::links::{CONFIRM, EDIT, WITHDRAW, link_path};
use super::model::{
    BODY_MAX, NAME_MAX, OfficialStatus, Status, TITLE_MAX, categories, chars, is_open, name_of,
};
use super::views::{
    BoardHead, SelectOption, board_head, closed, idea_href, public_board, within_limits,
};

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct IdeaForm {
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub category: String,
    /// The district: the id of one of the board's areas, or empty.
    #[serde(default)]
    pub area_id: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub author_name: String,
    /// Only asked of visitors without an account.
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub email: String,
    /// How a visitor without an account follows the idea: `email` (the default) or `code` (only
    /// the receipt code: no address is asked for or kept).
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub notify: Option<String>,
}

/// The visitor's choice to follow the idea by its receipt code only.
pub const CONTACT_CODE: &str = "code";

impl IdeaForm {
    /// Whether a visitor chose to post with the receipt code only.
    pub fn code_only(&self) -> bool {
        self.contact == CONTACT_CODE
    }
}

/// What an idea is checked against: the board's categories and districts, and whether it is
/// posted without an account (then an address is needed unless the visitor chose the code only).
pub struct IdeaRules {
    pub categories: Vec<Uuid>,
    pub areas: Vec<areas::Model>,
    pub visitor: bool,
}

impl IdeaRules {
    /// The rules of `board`; `visitor`: posted without an account.
    pub async fn of(
        db: &impl ConnectionTrait,
        board: &idea_boards::Model,
        visitor: bool,
    ) -> Result<Self, DbErr> {
        Ok(Self {
            categories: categories(db, board.id)
                .await?
                .iter()
                .map(|c| c.id)
                .collect(),
            areas: board_areas(db, board).await?,
            visitor,
        })
    }
}

impl CheckForm for IdeaForm {
    type Input = IdeaInput;
    type Rules = IdeaRules;

    fn check(&self, rules: &IdeaRules) -> Result<IdeaInput, FormErrors> {
        let (categories, visitor) = (&rules.categories, rules.visitor);
        let mut errors = FormErrors::new();
        let needs_email = visitor && !self.code_only();
        if self.title.is_empty() {
            errors.add("title", "idea-error-title-missing");
        } else if chars(&self.title) > TITLE_MAX {
            errors.add("title", "idea-error-title-long");
        }
        if self.body.trim().is_empty() {
            errors.add("body", "idea-error-body-missing");
        } else if chars(&self.body) > BODY_MAX {
            errors.add("body", "idea-error-body-long");
        }
        let category = Uuid::parse_str(&self.category)
            .ok()
            .filter(|c| categories.contains(c));
        if category.is_none() {
            errors.add("category", "idea-error-category");
        }
        let area = match self.area_id.trim() {
            "" => None,
            id => {
                let found = rules.areas.iter().find(|a| a.id.to_string() == id);
                if found.is_none() {
                    errors.add("area_id", "idea-error-district");
                }
                found.map(|a| (a.id, a.name.clone()))
            }
        };
        if chars(&self.author_name) > NAME_MAX {
            errors.add("author_name", "idea-error-name-long");
        }
        if needs_email {
            if self.email.is_empty() && self.contact.is_empty() {
                // Neither way chosen: the message names both.
                errors.add("email", "idea-error-contact-missing");
            } else if self.email.is_empty() {
                errors.add("email", "error-email-missing");
            } else if !validator::ValidateEmail::validate_email(&self.email)
                || self.email.len() > 254
            {
                errors.add("email", "error-email-invalid");
            }
        }
        let Some(category) = category.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        Ok(IdeaInput {
            title: self.title.clone(),
            body: multiline(&self.body),
            category_id: category,
            area,
            author_name: name_of(&self.author_name),
            // Without an address there is nobody to write to.
            notify: self.notify.is_some() && !(visitor && self.code_only()),
        })
    }
}

/// The idea form in one state: the board, the idea being edited (none for a new one), where the
/// form posts and what was typed.
pub(super) struct IdeaFormPage<'a> {
    pub board: &'a idea_boards::Model,
    pub round: &'a rounds::Model,
    pub editing: Option<&'a ideas::Model>,
    /// The board, the idea's edit page, or a signed edit link.
    pub action: String,
    pub form: &'a IdeaForm,
}

#[derive(Serialize)]
struct IdeaFormView<'a> {
    board: BoardHead,
    heading: &'static str,
    action: &'a str,
    editing: bool,
    values: &'a IdeaForm,
    notify: bool,
    signed_in: bool,
    needs_email: bool,
    code_only: bool,
    contact_email: bool,
    login_href: String,
    categories: Vec<SelectOption>,
    areas: Vec<SelectOption>,
    errors: Value,
}

impl<'a> IdeaFormPage<'a> {
    /// The form posting to the board (a new idea) or to the edit page of `editing`.
    pub fn new(
        board: &'a idea_boards::Model,
        round: &'a rounds::Model,
        editing: Option<&'a ideas::Model>,
        form: &'a IdeaForm,
    ) -> Self {
        let action = match editing {
            Some(idea) => format!("{}/edit", idea_href(idea)),
            None => format!("/ideas/{}/new", board.id),
        };
        Self {
            board,
            round,
            editing,
            action,
            form,
        }
    }

    /// Renders the form with `status` (422 when `errors` refused what was typed).
    pub async fn render(
        &self,
        ctx: &Ctx,
        errors: &FormErrors,
        status: StatusCode,
    ) -> AppResult<HttpResponse> {
        let (board, editing, form) = (self.board, self.editing, self.form);
        let categories = categories(&ctx.state.db, board.id).await?;
        let areas = board_areas(&ctx.state.db, board).await?;
        let heading = if editing.is_some() {
            "idea-edit-title"
        } else {
            "idea-new-title"
        };
        let view = IdeaFormView {
            board: board_head(board, self.round),
            heading,
            action: &self.action,
            editing: editing.is_some(),
            values: form,
            notify: form.notify.is_some(),
            signed_in: ctx.user.is_some(),
            needs_email: ctx.user.is_none() && editing.is_none(),
            code_only: form.code_only(),
            contact_email: form.contact == "email",
            login_href: format!("/account/login?next=%2Fideas%2F{}%2Fnew", board.id),
            categories: categories
                .iter()
                .map(|c| SelectOption::of(c.id, &c.name, &form.category))
                .collect(),
            areas: areas
                .iter()
                .map(|a| SelectOption::of(a.id, &a.name, &form.area_id))
                .collect(),
            errors: errors.view(ctx.lang),
        };
        ctx.render_about(
            status,
            "ideas/new",
            heading,
            editing.map_or(&board.title, |idea| &idea.title),
            view,
        )
    }
}

pub async fn new_form(ctx: Ctx, path: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (board, round) = public_board(&ctx, *path).await?;
    if !is_open(&board, &round) {
        return closed(&ctx, &board).await;
    }
    // Anonymous and no mail unless the person chooses otherwise.
    let form = IdeaForm::default();
    IdeaFormPage::new(&board, &round, None, &form)
        .render(&ctx, &FormErrors::new(), StatusCode::OK)
        .await
}

pub async fn post_idea(
    ctx: Ctx,
    path: web::Path<Uuid>,
    form: HtmlForm<IdeaForm>,
) -> AppResult<HttpResponse> {
    let (board, round) = public_board(&ctx, *path).await?;
    let form = form.0;
    if !is_open(&board, &round) {
        return closed(&ctx, &board).await;
    }
    let db = &ctx.state.db;
    let rules = IdeaRules::of(db, &board, ctx.user.is_none()).await?;
    let input = match form.check(&rules) {
        Ok(input) => input,
        Err(errors) => {
            return IdeaFormPage::new(&board, &round, None, &form)
                .render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let code_only = ctx.user.is_none() && form.code_only();
    let email = crate::accounts::model::normalize_email(&form.email);
    // Without an account or an address there is no person to count: the address is the person.
    let (per_person, person) = match &ctx.user {
        Some(u) => (rate_limit::IDEA_PER_PERSON, u.id.to_string()),
        None if code_only => (rate_limit::IDEA_CODE_ONLY_PER_IP, ctx.client_ip()),
        None => (rate_limit::IDEA_PER_PERSON, email.clone()),
    };
    within_limits(&ctx, rate_limit::IDEA_PER_IP, per_person, &person).await?;
    let author = match &ctx.user {
        Some(u) => Author::User(u),
        None if code_only => Author::CodeOnly { lang: ctx.lang },
        None => Author::Visitor {
            email: &email,
            lang: ctx.lang,
        },
    };
    let now = ctx.state.clock.now();
    let txn = crate::db::begin_write(db).await?;
    let idea = store_idea(&txn, &ctx.state, &board, author, &input, now).await?;
    txn.commit().await?;
    notifications::wake(&ctx.state);
    tracing::info!(idea = %idea.id, board = %board.id, "idea posted");
    let key = match idea.status.as_str() {
        _ if idea.code_only => "idea-posted-code",
        s if Status::Unconfirmed.is(s) => "idea-posted-confirm",
        s if moderation::Status::Pending.is(s) => "idea-posted-pending",
        _ => "idea-posted-published",
    };
    ctx.flash(FlashKind::Success, key)?;
    Ok(see_other(&format!("/receipt?code={}", idea.receipt_code)))
}

pub struct IdeaInput {
    pub title: String,
    pub body: String,
    pub category_id: Uuid,
    /// The chosen district: its area and its name (kept as text with the idea).
    pub area: Option<(Uuid, String)>,
    pub author_name: Option<String>,
    pub notify: bool,
}

/// Who posts: a signed-in person, or a visitor who confirms an address.
pub enum Author<'a> {
    User(&'a CurrentUser),
    Visitor {
        email: &'a str,
        lang: Lang,
    },
    /// A visitor who follows the idea by its receipt code only: nothing about them is stored,
    /// and the idea always waits for a moderator, whatever the board's mode.
    CodeOnly {
        lang: Lang,
    },
}

/// Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L).
pub fn new_receipt_code() -> String {
    const ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .unwrap_or_else(|e| panic!("the operating system has no randomness: {e}"));
    bytes
        .iter()
        .map(|b| ALPHABET[(*b % 31) as usize] as char)
        .collect()
}

/// Stores a new idea and sends its mail: the receipt to a signed-in author, or the confirmation
/// link to a visitor. Call inside a write transaction.
pub async fn store_idea(
    db: &impl ConnectionTrait,
    state: &AppState,
    board: &idea_boards::Model,
    author: Author<'_>,
    input: &IdeaInput,
    now: DateTime<Utc>,
) -> Result<ideas::Model, AppError> {
    // `None`: a visitor's idea, unconfirmed until the address is confirmed.
    let moderated = match &author {
        Author::Visitor { .. } => None,
        Author::CodeOnly { .. } => Some(moderation::Status::Pending),
        Author::User(_) if board.premoderated => Some(moderation::Status::Pending),
        Author::User(_) => Some(moderation::Status::Published),
    };
    let published = moderated == Some(moderation::Status::Published);
    let (author_id, author_email, lang) = match &author {
        Author::User(u) => (Some(u.id), None, u.language),
        Author::Visitor { email, lang } => (None, Some(email.to_string()), *lang),
        Author::CodeOnly { lang } => (None, None, *lang),
    };
    let mut code = new_receipt_code();
    while ideas::Entity::find()
        .filter(ideas::Column::ReceiptCode.eq(code.as_str()))
        .count(db)
        .await?
        > 0
    {
        code = new_receipt_code();
    }
    let idea = ideas::ActiveModel {
        id: Set(Uuid::now_v7()),
        board_id: Set(board.id),
        municipality_id: Set(board.municipality_id),
        category_id: Set(input.category_id),
        district: Set(input.area.as_ref().map(|(_, name)| name.clone())),
        area_id: Set(input.area.as_ref().map(|(id, _)| *id)),
        title: Set(input.title.clone()),
        body: Set(input.body.clone()),
        author_id: Set(author_id),
        author_email: Set(author_email.clone()),
        author_name: Set(input.author_name.clone()),
        language: Set(lang.code().to_string()),
        notify: Set(input.notify),
        status: Set(moderated
            .map_or(Status::Unconfirmed.as_str(), moderation::Status::as_str)
            .to_string()),
        listed: Set(published),
        hidden_reason: Set(None),
        hidden_note: Set(None),
        open_flags: Set(0),
        precheck: Set(crate::moderation::precheck::precheck(&format!(
            "{}\n{}",
            input.title, input.body
        ))),
        support_count: Set(0),
        comment_count: Set(0),
        official_status: Set(OfficialStatus::New.as_str().into()),
        official_answer: Set(None),
        official_goal_id: Set(None),
        official_measure_id: Set(None),
        answered_at: Set(None),
        receipt_code: Set(code.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set(published.then_some(now)),
        version: Set(0),
        reviewed_at: Set(None),
        code_only: Set(matches!(author, Author::CodeOnly { .. })),
    }
    .insert(db)
    .await?;
    let idea_url = state
        .settings
        .absolute_url(&format!("/ideas/{}/{}", board.id, idea.id));
    let receipt_url = state
        .settings
        .absolute_url(&format!("/receipt?code={code}"));
    let (to, kind, data) = match &author {
        // Nobody to write to: the code on the confirmation page is all the author has.
        Author::CodeOnly { .. } => return Ok(idea),
        Author::User(u) => (
            u.email.clone(),
            "idea_received",
            json!({ "title": idea.title, "code": code, "url": idea_url, "receipt_url": receipt_url,
                    "premoderated": moderated == Some(moderation::Status::Pending),
                    "edit_url": state.settings.absolute_url(&link_path(&state.keys, EDIT, idea.id, now)) }),
        ),
        Author::Visitor { email, .. } => (
            email.to_string(),
            "idea_confirm",
            json!({
                "title": idea.title, "code": code, "receipt_url": receipt_url,
                "confirm_url": state.settings.absolute_url(&link_path(&state.keys, CONFIRM, idea.id, now)),
                "withdraw_url": state.settings.absolute_url(&link_path(&state.keys, WITHDRAW, idea.id, now)),
                "edit_url": state.settings.absolute_url(&link_path(&state.keys, EDIT, idea.id, now)),
            }),
        ),
    };
    notifications::enqueue(
        db,
        state,
        Email {
            to: &to,
            lang,
            kind,
            data,
        },
    )
    .await?;
    Ok(idea)
}
