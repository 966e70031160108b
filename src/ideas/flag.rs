//! Flagging an idea or a comment for the moderators.

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::ideas;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::web::forms::CheckForm;
use crate::web::forms::multiline;
use crate::{
    error::{AppError, AppResult},
    moderation::{
        flags::{self, Flagged},
        model::{self as moderation, Target},
    },
    notifications::service::{self as notifications},
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::FormErrors,
        rate_limit,
    },
};

use super::views::{excerpt, idea_href, public_board, visible_idea};

#[derive(serde::Deserialize)]
pub struct FlagQuery {
    #[serde(default)]
    target: String,
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct FlagForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
}

/// A checked flag: one of the moderation reasons, and the note as stored.
pub struct FlagInput {
    pub reason: String,
    pub note: String,
}

impl CheckForm for FlagForm {
    type Input = FlagInput;
    type Rules = ();

    fn check(&self, _: &()) -> Result<FlagInput, FormErrors> {
        let mut errors = FormErrors::new();
        if !moderation::REASONS.contains(&self.reason.as_str()) {
            errors.add("reason", "flag-error-reason");
        }
        if self.reason == "other" && self.note.trim().is_empty() {
            errors.add("note", "flag-error-note");
        }
        if self.note.chars().count() > 1000 {
            errors.add("note", "flag-error-note-long");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(FlagInput {
            reason: self.reason.clone(),
            note: multiline(&self.note),
        })
    }
}

/// How much of the flagged text the flag form quotes.
const FLAG_EXCERPT_CHARS: usize = 280;

/// The idea or one of its shown comments.
async fn flag_target(ctx: &Ctx, idea: &ideas::Model, target: &str) -> AppResult<Target> {
    let id = Uuid::parse_str(target).map_err(|_| AppError::NotFound)?;
    if id == idea.id && idea.listed {
        return Ok(Target::Idea(idea.clone()));
    }
    match moderation::find_target(&ctx.state.db, id).await? {
        Some(Target::Comment(c))
            if c.idea_id == idea.id && !moderation::Status::Pending.is(&c.status) =>
        {
            Ok(Target::Comment(c))
        }
        _ => Err(AppError::NotFound),
    }
}

/// The flag form for one idea or comment, with what was typed.
struct FlagPage<'a> {
    idea: &'a ideas::Model,
    target: &'a Target,
    form: &'a FlagForm,
}

#[derive(Serialize)]
struct FlagView<'a> {
    idea: FlaggedIdea<'a>,
    excerpt: String,
    author: String,
    is_comment: bool,
    action: String,
    reasons: Vec<ReasonChoice>,
    values: &'a FlagForm,
    errors: Value,
}

#[derive(Serialize)]
struct FlaggedIdea<'a> {
    title: &'a str,
    href: String,
}

#[derive(Serialize)]
struct ReasonChoice {
    value: &'static str,
    label: String,
    checked: bool,
}

impl FlagPage<'_> {
    /// Renders the form with `status` (422 when `errors` refused the flag).
    fn render(
        &self,
        ctx: &Ctx,
        errors: &FormErrors,
        status: StatusCode,
    ) -> AppResult<HttpResponse> {
        let (idea, target, form) = (self.idea, self.target, self.form);
        // What is being flagged, as the person read it: the idea's title and the start of its
        // text, or the comment with its author.
        let (body, author) = match target {
            Target::Idea(i) => (&i.body, &i.author_name),
            Target::Comment(c) => (&c.body, &c.author_name),
        };
        ctx.render_about(
            status,
            "ideas/flag",
            "flag-title",
            &idea.title,
            FlagView {
                idea: FlaggedIdea {
                    title: &idea.title,
                    href: idea_href(idea),
                },
                excerpt: excerpt(body, FLAG_EXCERPT_CHARS),
                author: author.clone().unwrap_or_else(|| ctx.t("idea-anonymous")),
                is_comment: matches!(target, Target::Comment(_)),
                action: format!("{}/flag?target={}", idea_href(idea), target.id()),
                reasons: moderation::REASONS
                    .iter()
                    .map(|r| ReasonChoice {
                        value: r,
                        label: ctx.t(&format!("moderation-reason-{r}")),
                        checked: form.reason == *r,
                    })
                    .collect(),
                values: form,
                errors: errors.view(ctx.lang),
            },
        )
    }
}

pub async fn flag_form(
    ctx: Ctx,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<FlagQuery>,
) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, _) = public_board(&ctx, board_id).await?;
    let idea = visible_idea(&ctx, &board, idea_id).await?;
    let target = flag_target(&ctx, &idea, &query.target).await?;
    FlagPage {
        idea: &idea,
        target: &target,
        form: &FlagForm::default(),
    }
    .render(&ctx, &FormErrors::new(), StatusCode::OK)
}

pub async fn flag(
    ctx: Ctx,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<FlagQuery>,
    form: web::Form<FlagForm>,
) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, _) = public_board(&ctx, board_id).await?;
    let idea = visible_idea(&ctx, &board, idea_id).await?;
    let target = flag_target(&ctx, &idea, &query.target).await?;
    let form = form.into_inner();
    let input = match form.check(&()) {
        Ok(input) => input,
        Err(errors) => {
            return FlagPage {
                idea: &idea,
                target: &target,
                form: &form,
            }
            .render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let person = match &ctx.user {
        Some(u) => format!("user:{}", u.id),
        None => format!("ip:{}", ctx.client_ip()),
    };
    let reporter = flags::reporter_key(&ctx.state.keys, &person);
    // The limits' hits and the flag: one short write, committed together with others arriving
    // at the same time (group commit). Over a limit, only the hits are stored.
    let (state, client_ip, note) = (ctx.state.clone(), ctx.client_ip(), input.note);
    let (flagged, reason) = (target.clone(), input.reason);
    let user_id = ctx.user.as_ref().map(|u| u.id);
    let outcome = ctx
        .state
        .writes
        .run(move |txn| {
            Box::pin(async move {
                let now = state.clock.now();
                let (keys, at) = (&state.keys, now.timestamp());
                for (limit, subject) in [
                    (rate_limit::FLAG_PER_IP, client_ip.as_str()),
                    (rate_limit::FLAG_PER_PERSON, person.as_str()),
                ] {
                    if !rate_limit::hit(txn, keys, limit, subject, at).await? {
                        return Ok(Err(limit));
                    }
                }
                let kind = flags::reporter_kind(txn, user_id, now).await?;
                let outcome =
                    flags::record(txn, &state, &flagged, &reason, &note, &reporter, kind, now)
                        .await?;
                Ok::<_, AppError>(Ok(outcome))
            })
        })
        .await?
        .map_err(rate_limit::too_many)?;
    notifications::wake(&ctx.state);
    tracing::info!(target = %target.id(), "flagged");
    ctx.flash(
        FlashKind::Success,
        if outcome == Flagged::Already {
            "flag-already"
        } else {
            "flag-thanks"
        },
    )?;
    Ok(see_other(&idea_href(&idea)))
}
