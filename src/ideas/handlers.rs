//! Pages of the ideas slice: boards, ideas, supports, comments, flags, receipts, the links from
//! mails, and the coordinators' board setup and official answers.

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::{idea_boards, idea_categories, idea_comments, ideas, rounds};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    error::{AppError, AppResult},
    ideas::{
        forms::{
            AnswerForm, BoardForm, BoardQuery, CommentForm, FlagForm, IdeaForm, ReceiptQuery,
            SupportForm,
        },
        service::{self, Author, ListFilter, OFFICIAL, Sort, SupportOutcome},
    },
    identity::CurrentUser,
    moderation::{
        flags::{self, Flagged},
        model::{self as moderation, Target},
    },
    notifications::service as notifications,
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{FormErrors, HtmlForm},
        pagination::{PER_PAGE, PageQuery, PageView},
        rate_limit,
        signed_link::Check,
    },
};

// ---- helpers ----

async fn public_board(ctx: &Ctx, id: Uuid) -> AppResult<(idea_boards::Model, rounds::Model)> {
    service::find_public_board(&ctx.state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// An idea residents may open: listed ones, and the author's own in any state but withdrawn.
async fn visible_idea(ctx: &Ctx, board: &idea_boards::Model, id: Uuid) -> AppResult<ideas::Model> {
    let idea = service::find_idea(&ctx.state.db, board.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let own = is_author(ctx.user.as_ref(), &idea);
    let staff = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.moderates(idea.municipality_id) || u.coordinates(idea.municipality_id));
    if idea.listed || ((own || staff) && idea.status != service::WITHDRAWN) {
        Ok(idea)
    } else {
        Err(AppError::NotFound)
    }
}

fn is_author(user: Option<&CurrentUser>, idea: &ideas::Model) -> bool {
    user.is_some_and(|u| idea.author_id == Some(u.id))
}

fn hidden_text(ctx: &Ctx, reason: Option<&str>) -> String {
    let reason = reason.unwrap_or(moderation::AUTO_HIDDEN);
    // Hidden by the flags alone: for now, until a moderator decides.
    if reason == moderation::AUTO_HIDDEN {
        return ctx.t("moderation-hidden-auto-placeholder");
    }
    let reason = ctx.t(&format!("moderation-reason-{reason}"));
    crate::web::i18n::lookup(
        ctx.lang,
        "moderation-hidden-placeholder",
        &[("reason", reason.into())],
    )
    .unwrap_or_default()
}

fn idea_href(idea: &ideas::Model) -> String {
    format!("/ideas/{}/{}", idea.board_id, idea.id)
}

fn status_view(ctx: &Ctx, idea: &ideas::Model) -> Value {
    json!({
        "official": idea.official_status,
        "official_label": ctx.t(&format!("idea-official-{}", idea.official_status)),
        "moderation_label": ctx.t(&format!("idea-state-{}", idea.status)),
    })
}

fn card(ctx: &Ctx, idea: &ideas::Model, categories: &[idea_categories::Model]) -> Value {
    let hidden = idea.status == moderation::HIDDEN;
    json!({
        "href": idea_href(idea),
        "hidden": hidden,
        "placeholder": if hidden { hidden_text(ctx, idea.hidden_reason.as_deref()) } else { String::new() },
        "title": idea.title,
        "excerpt": excerpt(&idea.body, 180),
        "category": categories.iter().find(|c| c.id == idea.category_id).map(|c| c.name.clone()).unwrap_or_default(),
        "author": idea.author_name.clone().unwrap_or_else(|| ctx.t("idea-anonymous")),
        "created_at": idea.created_at.to_rfc3339(),
        "supports": idea.support_count,
        "comments": idea.comment_count,
        "status": status_view(ctx, idea),
    })
}

fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

fn board_head(board: &idea_boards::Model, round: &rounds::Model) -> Value {
    json!({
        "id": board.id,
        "href": format!("/ideas/{}", board.id),
        "title": board.title,
        "question": board.question,
        "premoderated": board.premoderated,
        "is_open": service::is_open(board, round),
        "round": { "title": round.title, "href": format!("/rounds/{}", round.slug) },
    })
}

// ---- the board ----

/// `/ideas/{board_id}`: the list, sorted and filtered, with a link to post.
pub async fn board(
    ctx: Ctx,
    path: web::Path<Uuid>,
    query: web::Query<BoardQuery>,
) -> AppResult<HttpResponse> {
    let (board, round) = public_board(&ctx, *path).await?;
    let db = &ctx.state.db;
    let categories = service::categories(db, board.id).await?;
    let sort = Sort::parse(&query.sort);
    let category = Uuid::parse_str(&query.category)
        .ok()
        .filter(|c| categories.iter().any(|x| x.id == *c));
    let status = Some(query.status.clone()).filter(|s| OFFICIAL.contains(&s.as_str()));
    let filter = ListFilter {
        sort,
        category_id: category,
        official_status: status.clone(),
    };
    let index = PageQuery { page: query.page }.index();
    let (list, pages) = service::board_page(db, board.id, &filter, index, PER_PAGE).await?;
    let mut params = vec![("sort", sort.as_str().to_string())];
    if let Some(c) = category {
        params.push(("category", c.to_string()));
    }
    if let Some(s) = &status {
        params.push(("status", s.clone()));
    }
    let base = format!(
        "/ideas/{}?{}",
        board.id,
        serde_urlencoded::to_string(&params).unwrap_or_default()
    );
    ctx.render_title(
        "ideas/board",
        &board.title,
        json!({
            "board": board_head(&board, &round),
            "ideas": list.iter().map(|i| card(&ctx, i, &categories)).collect::<Vec<_>>(),
            "sorts": Sort::ALL.iter().map(|s| json!({
                "value": s.as_str(), "label": ctx.t(&format!("idea-sort-{}", s.as_str())), "selected": *s == sort,
            })).collect::<Vec<_>>(),
            "categories": categories.iter().map(|c| json!({
                "value": c.id, "label": c.name, "selected": Some(c.id) == category,
            })).collect::<Vec<_>>(),
            "statuses": OFFICIAL.iter().map(|s| json!({
                "value": s, "label": ctx.t(&format!("idea-official-{s}")), "selected": status.as_deref() == Some(*s),
            })).collect::<Vec<_>>(),
            "filtered": category.is_some() || status.is_some(),
            "pagination": PageView::new(index, pages, &base),
        }),
    )
}

// ---- posting ----

async fn idea_form_page(
    ctx: &Ctx,
    board: &idea_boards::Model,
    round: &rounds::Model,
    editing: Option<&ideas::Model>,
    form: &IdeaForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let action = match editing {
        Some(idea) => format!("{}/edit", idea_href(idea)),
        None => format!("/ideas/{}/new", board.id),
    };
    idea_form_at(ctx, board, round, editing, &action, form, errors, status).await
}

/// The idea form posting to `action` (the board, the idea's edit page, or a signed edit link).
#[allow(clippy::too_many_arguments)]
async fn idea_form_at(
    ctx: &Ctx,
    board: &idea_boards::Model,
    round: &rounds::Model,
    editing: Option<&ideas::Model>,
    action: &str,
    form: &IdeaForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let categories = service::categories(db, board.id).await?;
    let districts = service::districts(board);
    ctx.render_about(
        status,
        "ideas/new",
        if editing.is_some() {
            "idea-edit-title"
        } else {
            "idea-new-title"
        },
        editing.map_or(&board.title, |idea| &idea.title),
        json!({
            "board": board_head(board, round),
            "heading": if editing.is_some() { "idea-edit-title" } else { "idea-new-title" },
            "action": action,
            "editing": editing.is_some(),
            "values": form,
            "notify": form.notify.is_some(),
            "signed_in": ctx.user.is_some(),
            "needs_email": ctx.user.is_none() && editing.is_none(),
            "code_only": form.code_only(),
            "contact_email": form.contact == "email",
            "login_href": format!("/account/login?next=%2Fideas%2F{}%2Fnew", board.id),
            "categories": categories.iter().map(|c| json!({
                "value": c.id, "text": c.name, "selected": form.category == c.id.to_string(),
            })).collect::<Vec<_>>(),
            "districts": districts.iter().map(|d| json!({
                "value": d, "text": d, "selected": form.district == *d,
            })).collect::<Vec<_>>(),
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn new_form(ctx: Ctx, path: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (board, round) = public_board(&ctx, *path).await?;
    if !service::is_open(&board, &round) {
        return closed(&ctx, &board, &round).await;
    }
    // Anonymous and no mail unless the person chooses otherwise.
    let form = IdeaForm::default();
    idea_form_page(
        &ctx,
        &board,
        &round,
        None,
        &form,
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn closed(
    ctx: &Ctx,
    board: &idea_boards::Model,
    round: &rounds::Model,
) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::CONFLICT,
        "ideas/link_done",
        "idea-board-closed-title",
        json!({
            "heading": "idea-board-closed-title",
            "text": "idea-board-closed-text",
            "back_href": board_head(board, round)["href"],
        }),
    )
}

/// Checks the per-person and per-address limits of one kind of contribution.
async fn within_limits(
    ctx: &Ctx,
    per_ip: rate_limit::Limit,
    per_person: rate_limit::Limit,
    person: &str,
) -> AppResult<()> {
    let db = &ctx.state.db;
    let now = ctx.state.clock.now().timestamp();
    if !rate_limit::hit(db, &ctx.state.keys, per_ip, &ctx.client_ip(), now).await? {
        return Err(rate_limit::too_many(per_ip));
    }
    if !rate_limit::hit(db, &ctx.state.keys, per_person, person, now).await? {
        return Err(rate_limit::too_many(per_person));
    }
    Ok(())
}

pub async fn post_idea(
    ctx: Ctx,
    path: web::Path<Uuid>,
    form: HtmlForm<IdeaForm>,
) -> AppResult<HttpResponse> {
    let (board, round) = public_board(&ctx, *path).await?;
    let form = form.0;
    if !service::is_open(&board, &round) {
        return closed(&ctx, &board, &round).await;
    }
    let db = &ctx.state.db;
    let categories: Vec<Uuid> = service::categories(db, board.id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    let mut errors = FormErrors::new();
    let input = form.check(
        &categories,
        &service::districts(&board),
        ctx.user.is_none(),
        &mut errors,
    );
    let Some(input) = input else {
        return idea_form_page(
            &ctx,
            &board,
            &round,
            None,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
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
    let idea = service::post_idea(&txn, &ctx.state, &board, author, &input, now).await?;
    txn.commit().await?;
    notifications::wake(&ctx.state);
    tracing::info!(idea = %idea.id, board = %board.id, "idea posted");
    let key = match idea.status.as_str() {
        _ if idea.code_only => "idea-posted-code",
        service::UNCONFIRMED => "idea-posted-confirm",
        moderation::PENDING => "idea-posted-pending",
        _ => "idea-posted-published",
    };
    ctx.flash(FlashKind::Success, key)?;
    Ok(see_other(&format!("/receipt?code={}", idea.receipt_code)))
}

// ---- one idea ----

#[allow(clippy::too_many_arguments)]
async fn idea_page(
    ctx: &Ctx,
    board: &idea_boards::Model,
    round: &rounds::Model,
    idea: &ideas::Model,
    comments_page: u64,
    comment_form: &CommentForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let categories = service::categories(db, board.id).await?;
    let viewer = ctx.user.as_ref().map(|u| u.id);
    let (top, replies, comment_pages) =
        service::comment_threads(db, idea.id, viewer, comments_page, PER_PAGE).await?;
    let own = is_author(ctx.user.as_ref(), idea);
    let supported = match viewer {
        Some(v) => service::supports(db, idea.id, v).await?,
        None => false,
    };
    let open = service::is_open(board, round);
    let view = |c: &idea_comments::Model| {
        let hidden = c.status == moderation::HIDDEN;
        json!({
            "id": c.id,
            "hidden": hidden,
            "pending": c.status == moderation::PENDING,
            "placeholder": if hidden { hidden_text(ctx, c.hidden_reason.as_deref()) } else { String::new() },
            "body": if hidden { String::new() } else { c.body.clone() },
            "author": c.author_name.clone().unwrap_or_else(|| ctx.t("idea-anonymous")),
            "created_at": c.created_at.to_rfc3339(),
            "flag_href": format!("{}/flag?target={}", idea_href(idea), c.id),
        })
    };
    let threads: Vec<Value> = top
        .iter()
        .map(|c| {
            let mut item = view(c);
            item["replies"] = json!(
                replies
                    .iter()
                    .filter(|r| r.parent_id == Some(c.id))
                    .map(view)
                    .collect::<Vec<_>>()
            );
            item
        })
        .collect();
    let goal = match idea.official_goal_id {
        Some(g) => crate::strategy::picker::goals_by_ids(db, &[g])
            .await?
            .into_iter()
            .next(),
        None => None,
    };
    let hidden = idea.status == moderation::HIDDEN;
    let mut card = card(ctx, idea, &categories);
    card["body"] = json!(if hidden {
        String::new()
    } else {
        idea.body.clone()
    });
    card["district"] = json!(idea.district.clone().unwrap_or_default());
    let answer = idea.answered_at.map(|at| json!({
        "text": idea.official_answer.clone().unwrap_or_default(),
        "at": at.to_rfc3339(),
        "goal": goal.as_ref().map(|g| json!({ "title": g.title, "href": format!("/goals/{}", g.id) })),
    }));
    let coordinates = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.coordinates(idea.municipality_id));
    ctx.render_about(
        status,
        "ideas/show",
        "idea-page-title",
        card["title"].as_str().unwrap_or_default(),
        json!({
            "board": board_head(board, round),
            "idea": card,
            "answer": answer,
            "listed": idea.listed,
            "own": own,
            "can_edit": own && open && service::editable(db, idea).await?,
            "can_withdraw": own && idea.status != service::WITHDRAWN,
            "can_support": open && idea.status == moderation::PUBLISHED && !own,
            "signed_in": ctx.user.is_some(),
            "supported": supported,
            "can_comment": open && idea.status == moderation::PUBLISHED,
            "comments": threads,
            "comments_pagination": PageView::new(comments_page, comment_pages, &idea_href(idea)),
            "values": comment_form,
            "profile_name": profile_name(ctx),
            "flag_href": format!("{}/flag?target={}", idea_href(idea), idea.id),
            "answer_href": coordinates.then(|| format!("/manage/ideas/{}/answer", idea.id)),
            "login_href": format!("/account/login?next={}", idea_href(idea).replace('/', "%2F")),
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn show(
    ctx: Ctx,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, round) = public_board(&ctx, board_id).await?;
    let idea = visible_idea(&ctx, &board, idea_id).await?;
    // The name from the profile is offered; emptying the field still posts anonymously.
    let form = CommentForm {
        author_name: profile_name(&ctx),
        ..CommentForm::default()
    };
    idea_page(
        &ctx,
        &board,
        &round,
        &idea,
        query.index(),
        &form,
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// The display name of the signed-in person's profile, or nothing.
fn profile_name(ctx: &Ctx) -> String {
    ctx.user
        .as_ref()
        .and_then(|u| u.display_name.clone())
        .unwrap_or_default()
}

fn refused(ctx: &Ctx, back: &str, key: &str) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::CONFLICT,
        "ideas/link_done",
        "idea-refused-title",
        json!({ "heading": "idea-refused-title", "text": key, "back_href": back }),
    )
}

pub async fn support(
    ctx: Ctx,
    path: web::Path<(Uuid, Uuid)>,
    form: web::Form<SupportForm>,
) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, round) = public_board(&ctx, board_id).await?;
    let idea = visible_idea(&ctx, &board, idea_id).await?;
    let Some(user) = ctx.user.clone() else {
        return Ok(see_other(&format!(
            "/account/login?next={}",
            idea_href(&idea).replace('/', "%2F")
        )));
    };
    let back = idea_href(&idea);
    if idea.author_id == Some(user.id) {
        return refused(&ctx, &back, "idea-error-support-own");
    }
    if !service::is_open(&board, &round) || idea.status != moderation::PUBLISHED {
        return refused(&ctx, &back, "idea-error-support-closed");
    }
    let on = form.action != "remove";
    let (notify, now) = (form.notify.is_some(), ctx.state.clock.now());
    let target = idea.clone();
    // Committed together with other short writes arriving at the same time (group commit).
    let outcome = ctx
        .state
        .writes
        .run(move |txn| {
            Box::pin(
                async move { service::set_support(txn, &target, user.id, on, notify, now).await },
            )
        })
        .await?;
    let key = match outcome {
        SupportOutcome::Added => "idea-supported",
        SupportOutcome::Removed => "idea-unsupported",
        SupportOutcome::Unchanged => {
            if on {
                "idea-supported"
            } else {
                "idea-unsupported"
            }
        }
    };
    ctx.flash(FlashKind::Success, key)?;
    Ok(see_other(&back))
}

pub async fn comment(
    ctx: Ctx,
    path: web::Path<(Uuid, Uuid)>,
    form: web::Form<CommentForm>,
) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, round) = public_board(&ctx, board_id).await?;
    let idea = visible_idea(&ctx, &board, idea_id).await?;
    let form = form.into_inner();
    let Some(user) = ctx.user.clone() else {
        return Ok(see_other(&format!(
            "/account/login?next={}",
            idea_href(&idea).replace('/', "%2F")
        )));
    };
    if !service::is_open(&board, &round) || idea.status != moderation::PUBLISHED {
        return refused(&ctx, &idea_href(&idea), "idea-error-comment-closed");
    }
    let mut errors = FormErrors::new();
    let mut input = form.check(&mut errors);
    if let Some(parent) = input.as_ref().and_then(|i| i.parent_id)
        && service::find_top_comment(&ctx.state.db, idea.id, parent)
            .await?
            .is_none()
    {
        errors.add("body", "idea-error-parent");
        input = None;
    }
    let Some(input) = input else {
        return idea_page(
            &ctx,
            &board,
            &round,
            &idea,
            0,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    within_limits(
        &ctx,
        rate_limit::COMMENT_PER_IP,
        rate_limit::COMMENT_PER_PERSON,
        &user.id.to_string(),
    )
    .await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let comment =
        service::add_comment(&txn, &board, &idea, &user, &input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(
        FlashKind::Success,
        if comment.status == moderation::PENDING {
            "idea-comment-pending"
        } else {
            "idea-comment-added"
        },
    )?;
    Ok(see_other(&format!(
        "{}#comment-{}",
        idea_href(&idea),
        comment.id
    )))
}

// ---- the author's own idea ----

async fn own_idea(
    ctx: &Ctx,
    board_id: Uuid,
    idea_id: Uuid,
) -> AppResult<(idea_boards::Model, rounds::Model, ideas::Model)> {
    let (board, round) = public_board(ctx, board_id).await?;
    let idea = service::find_idea(&ctx.state.db, board.id, idea_id)
        .await?
        .filter(|i| is_author(ctx.user.as_ref(), i) && i.status != service::WITHDRAWN)
        .ok_or(AppError::NotFound)?;
    Ok((board, round, idea))
}

pub async fn edit_form(ctx: Ctx, path: web::Path<(Uuid, Uuid)>) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, round, idea) = own_idea(&ctx, board_id, idea_id).await?;
    if !service::editable(&ctx.state.db, &idea).await? || !service::is_open(&board, &round) {
        return refused(&ctx, &idea_href(&idea), "idea-error-edit-locked");
    }
    let form = IdeaForm {
        title: idea.title.clone(),
        body: idea.body.clone(),
        category: idea.category_id.to_string(),
        district: idea.district.clone().unwrap_or_default(),
        author_name: idea.author_name.clone().unwrap_or_default(),
        email: String::new(),
        contact: String::new(),
        notify: idea.notify.then(|| "1".into()),
    };
    idea_form_page(
        &ctx,
        &board,
        &round,
        Some(&idea),
        &form,
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn edit(
    ctx: Ctx,
    path: web::Path<(Uuid, Uuid)>,
    form: HtmlForm<IdeaForm>,
) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, round, idea) = own_idea(&ctx, board_id, idea_id).await?;
    let form = form.0;
    if !service::is_open(&board, &round) {
        return refused(&ctx, &idea_href(&idea), "idea-error-edit-locked");
    }
    let categories: Vec<Uuid> = service::categories(&ctx.state.db, board.id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    let mut errors = FormErrors::new();
    let Some(input) = form.check(&categories, &service::districts(&board), false, &mut errors)
    else {
        return idea_form_page(
            &ctx,
            &board,
            &round,
            Some(&idea),
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let done = service::edit_idea(&txn, &board, &idea, &input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    if !done {
        return refused(&ctx, &idea_href(&idea), "idea-error-edit-locked");
    }
    ctx.flash(FlashKind::Success, "idea-saved")?;
    Ok(see_other(&idea_href(&idea)))
}

pub async fn withdraw(ctx: Ctx, path: web::Path<(Uuid, Uuid)>) -> AppResult<HttpResponse> {
    let (board_id, idea_id) = path.into_inner();
    let (board, _, idea) = own_idea(&ctx, board_id, idea_id).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    service::withdraw(&txn, &idea, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "idea-withdrawn")?;
    Ok(see_other(&format!("/ideas/{}", board.id)))
}

// ---- flags ----

#[derive(serde::Deserialize)]
pub struct FlagQuery {
    #[serde(default)]
    target: String,
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
        Some(Target::Comment(c)) if c.idea_id == idea.id && c.status != moderation::PENDING => {
            Ok(Target::Comment(c))
        }
        _ => Err(AppError::NotFound),
    }
}

async fn flag_page(
    ctx: &Ctx,
    idea: &ideas::Model,
    target: &Target,
    form: &FlagForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    // What is being flagged, as the person read it: the idea's title and the start of its text,
    // or the comment with its author.
    let (body, author) = match target {
        Target::Idea(i) => (&i.body, &i.author_name),
        Target::Comment(c) => (&c.body, &c.author_name),
    };
    ctx.render_about(
        status,
        "ideas/flag",
        "flag-title",
        &idea.title,
        json!({
            "idea": { "title": idea.title, "href": idea_href(idea) },
            "excerpt": excerpt(body, FLAG_EXCERPT_CHARS),
            "author": author.clone().unwrap_or_else(|| ctx.t("idea-anonymous")),
            "is_comment": matches!(target, Target::Comment(_)),
            "action": format!("{}/flag?target={}", idea_href(idea), target.id()),
            "reasons": moderation::REASONS.iter().map(|r| json!({
                "value": r, "label": ctx.t(&format!("moderation-reason-{r}")), "checked": form.reason == *r,
            })).collect::<Vec<_>>(),
            "values": form,
            "errors": errors.view(ctx.lang),
        }),
    )
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
    flag_page(
        &ctx,
        &idea,
        &target,
        &FlagForm::default(),
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
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
    let mut errors = FormErrors::new();
    if !moderation::REASONS.contains(&form.reason.as_str()) {
        errors.add("reason", "flag-error-reason");
    }
    if form.reason == "other" && form.note.trim().is_empty() {
        errors.add("note", "flag-error-note");
    }
    if form.note.chars().count() > 1000 {
        errors.add("note", "flag-error-note-long");
    }
    if !errors.is_empty() {
        return flag_page(
            &ctx,
            &idea,
            &target,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let person = match &ctx.user {
        Some(u) => format!("user:{}", u.id),
        None => format!("ip:{}", ctx.client_ip()),
    };
    let reporter = flags::reporter_key(&ctx.state.keys, &person);
    // The limits' hits and the flag: one short write, committed together with others arriving
    // at the same time (group commit). Over a limit, only the hits are stored.
    let (state, client_ip, note) = (
        ctx.state.clone(),
        ctx.client_ip(),
        crate::web::forms::multiline(&form.note),
    );
    let (flagged, reason) = (target.clone(), form.reason.clone());
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

// ---- links from mails ----

fn link_purpose(purpose: &str) -> AppResult<&'static str> {
    match purpose {
        service::CONFIRM => Ok(service::CONFIRM),
        service::WITHDRAW => Ok(service::WITHDRAW),
        service::EDIT => Ok(service::EDIT),
        _ => Err(AppError::NotFound),
    }
}

/// What a mailed link leads to.
enum Linked {
    Idea(Box<ideas::Model>),
    /// Signed by this instance but too old: its owner may ask for a new one.
    Expired,
    Invalid,
}

async fn linked_idea(ctx: &Ctx, id: &str, purpose: &str, signature: &str) -> AppResult<Linked> {
    let Ok(id) = Uuid::parse_str(id) else {
        return Ok(Linked::Invalid);
    };
    let now = ctx.state.clock.now();
    Ok(
        match service::link_check(&ctx.state.keys, purpose, id, signature, now) {
            Check::Invalid => Linked::Invalid,
            Check::Expired => Linked::Expired,
            Check::Valid => match service::find_idea_by_id(&ctx.state.db, id).await? {
                Some(idea) => Linked::Idea(Box::new(idea)),
                None => Linked::Invalid,
            },
        },
    )
}

/// The page of an expired link, whose form asks for a new one.
fn link_expired(ctx: &Ctx, path: &str) -> AppResult<HttpResponse> {
    crate::web::signed_link::expired_page(
        ctx,
        &format!("{path}/renew"),
        &crate::web::signed_link::RenewForm::default(),
        &FormErrors::new(),
        StatusCode::GONE,
    )
}

fn done(ctx: &Ctx, key: &str, back: &str) -> AppResult<HttpResponse> {
    ctx.render(
        "ideas/link_done",
        &format!("{key}-title"),
        json!({ "heading": format!("{key}-title"), "text": format!("{key}-text"), "back_href": back }),
    )
}

fn link_invalid(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::NOT_FOUND,
        "ideas/link_done",
        "idea-link-invalid-title",
        json!({ "heading": "idea-link-invalid-title", "text": "idea-link-invalid-text", "back_href": "/" }),
    )
}

/// GET of a link from a mail: a page with a button, so mail scanners change nothing.
pub async fn link_page(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
) -> AppResult<HttpResponse> {
    let (id, purpose, signature) = path.into_inner();
    let purpose = link_purpose(&purpose)?;
    let here = format!("/idea-links/{id}/{purpose}/{signature}");
    let idea = match linked_idea(&ctx, &id, purpose, &signature).await? {
        Linked::Idea(idea) => idea,
        Linked::Expired => return link_expired(&ctx, &here),
        Linked::Invalid => return link_invalid(&ctx),
    };
    if idea.status == service::WITHDRAWN {
        return done(&ctx, "idea-withdrawn-link", "/");
    }
    if purpose == service::EDIT {
        let (board, round) = public_board(&ctx, idea.board_id).await?;
        if !service::editable(&ctx.state.db, &idea).await? || !service::is_open(&board, &round) {
            return refused(&ctx, "/", "idea-error-edit-locked");
        }
        let form = IdeaForm {
            title: idea.title.clone(),
            body: idea.body.clone(),
            category: idea.category_id.to_string(),
            district: idea.district.clone().unwrap_or_default(),
            author_name: idea.author_name.clone().unwrap_or_default(),
            email: String::new(),
            contact: String::new(),
            notify: idea.notify.then(|| "1".into()),
        };
        return idea_form_at(
            &ctx,
            &board,
            &round,
            Some(&idea),
            &here,
            &form,
            &FormErrors::new(),
            StatusCode::OK,
        )
        .await;
    }
    if purpose == service::CONFIRM && idea.status != service::UNCONFIRMED {
        return done(
            &ctx,
            "idea-confirmed",
            &format!("/receipt?code={}", idea.receipt_code),
        );
    }
    ctx.render(
        "ideas/link_action",
        &format!("idea-{purpose}-title"),
        json!({
            "heading": format!("idea-{purpose}-title"),
            "text": format!("idea-{purpose}-text"),
            "button": format!("idea-{purpose}-button"),
            "title": idea.title,
            "action": here,
        }),
    )
}

pub async fn link(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
    form: HtmlForm<IdeaForm>,
) -> AppResult<HttpResponse> {
    let (id, purpose, signature) = path.into_inner();
    let purpose = link_purpose(&purpose)?;
    let here = format!("/idea-links/{id}/{purpose}/{signature}");
    let idea = match linked_idea(&ctx, &id, purpose, &signature).await? {
        Linked::Idea(idea) => idea,
        Linked::Expired => return link_expired(&ctx, &here),
        Linked::Invalid => return link_invalid(&ctx),
    };
    if purpose == service::EDIT {
        return edit_by_link(&ctx, &idea, &form.0, &here).await;
    }
    let now = ctx.state.clock.now();
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    if purpose == service::WITHDRAW {
        service::withdraw(&txn, &idea, now).await?;
        txn.commit().await?;
        return done(&ctx, "idea-withdrawn-link", "/");
    }
    let board = service::find_board(&txn, idea.board_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // A board that closed while the mail waited takes no more ideas.
    if idea.status == service::UNCONFIRMED {
        let round = crate::rounds::model::find(&txn, board.round_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !service::is_open(&board, &round) {
            txn.rollback().await?;
            return closed(&ctx, &board, &round).await;
        }
    }
    service::confirm_idea(&txn, &idea, &board, now).await?;
    txn.commit().await?;
    done(
        &ctx,
        "idea-confirmed",
        &format!("/receipt?code={}", idea.receipt_code),
    )
}

/// A visitor (or anyone holding the mailed link) changes the idea, under the same lock as
/// signed-in authors: until the first support or comment, while the board is open.
async fn edit_by_link(
    ctx: &Ctx,
    idea: &ideas::Model,
    form: &IdeaForm,
    action: &str,
) -> AppResult<HttpResponse> {
    if idea.status == service::WITHDRAWN {
        return done(ctx, "idea-withdrawn-link", "/");
    }
    let (board, round) = public_board(ctx, idea.board_id).await?;
    if !service::is_open(&board, &round) {
        return refused(ctx, "/", "idea-error-edit-locked");
    }
    let categories: Vec<Uuid> = service::categories(&ctx.state.db, board.id)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    let mut errors = FormErrors::new();
    let Some(input) = form.check(&categories, &service::districts(&board), false, &mut errors)
    else {
        return idea_form_at(
            ctx,
            &board,
            &round,
            Some(idea),
            action,
            form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let changed = service::edit_idea(&txn, &board, idea, &input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    if !changed {
        return refused(ctx, "/", "idea-error-edit-locked");
    }
    done(
        ctx,
        "idea-edited-link",
        &format!("/receipt?code={}", idea.receipt_code),
    )
}

// ---- receipts ----

/// Counts one use of a receipt code against the address's limit (lookups and withdrawals alike),
/// so codes cannot be guessed.
async fn receipt_hit(ctx: &Ctx) -> AppResult<()> {
    let now = ctx.state.clock.now().timestamp();
    if !rate_limit::hit(
        &ctx.state.db,
        &ctx.state.keys,
        rate_limit::RECEIPT_PER_IP,
        &ctx.client_ip(),
        now,
    )
    .await?
    {
        return Err(rate_limit::too_many(rate_limit::RECEIPT_PER_IP));
    }
    Ok(())
}

/// `/receipt`: the form, and with `?code=` what became of that idea. No login needed.
pub async fn receipt(ctx: Ctx, query: web::Query<ReceiptQuery>) -> AppResult<HttpResponse> {
    let code = service::normalize_code(&query.code);
    let mut found = Value::Null;
    let mut errors = FormErrors::new();
    let mut status = StatusCode::OK;
    if !query.code.trim().is_empty() {
        let db = &ctx.state.db;
        receipt_hit(&ctx).await?;
        match service::find_by_receipt(db, &code).await? {
            Some(idea) => {
                let hidden = idea.status == moderation::HIDDEN;
                let withdrawn = idea.status == service::WITHDRAWN;
                found = json!({
                    "code_only": idea.code_only && !withdrawn,
                    "withdraw_href": (idea.code_only && !withdrawn)
                        .then(|| format!("/receipt/withdraw?code={}", idea.receipt_code)),
                    "title": if withdrawn { ctx.t("receipt-withdrawn") } else { idea.title.clone() },
                    "href": idea.listed.then(|| idea_href(&idea)),
                    "status": status_view(&ctx, &idea),
                    "hidden": hidden,
                    "placeholder": if hidden { hidden_text(&ctx, idea.hidden_reason.as_deref()) } else { String::new() },
                    "answer": idea.official_answer.clone().unwrap_or_default(),
                    "created_at": idea.created_at.to_rfc3339(),
                });
            }
            None => {
                errors.add("code", "receipt-error-unknown");
                status = StatusCode::NOT_FOUND;
            }
        }
    }
    let page = json!({ "code": code, "found": found, "values": { "code": query.code }, "errors": errors.view(ctx.lang) });
    // A found idea names the page, so each receipt has a title of its own.
    match found.get("title").and_then(Value::as_str) {
        Some(subject) => ctx.render_about(status, "ideas/receipt", "receipt-title", subject, page),
        None => ctx.render_status(status, "ideas/receipt", "receipt-title", page),
    }
}

/// An idea posted with the code only, found by its code; other ideas are withdrawn through their
/// author's account or the mailed link, never by the code alone.
async fn code_only_idea(ctx: &Ctx, raw: &str) -> AppResult<ideas::Model> {
    receipt_hit(ctx).await?;
    service::find_by_receipt(&ctx.state.db, &service::normalize_code(raw))
        .await?
        .filter(|i| i.code_only && i.status != service::WITHDRAWN)
        .ok_or(AppError::NotFound)
}

/// `GET /receipt/withdraw?code=`: asks before an idea posted with the code only is withdrawn.
pub async fn receipt_withdraw_form(
    ctx: Ctx,
    query: web::Query<ReceiptQuery>,
) -> AppResult<HttpResponse> {
    let idea = code_only_idea(&ctx, &query.code).await?;
    ctx.render(
        "ideas/link_action",
        "idea-withdraw-title",
        json!({
            "heading": "idea-withdraw-title",
            "text": "idea-withdraw-code-text",
            "button": "idea-withdraw-button",
            "title": idea.title,
            "action": "/receipt/withdraw",
            "code": idea.receipt_code,
            "back_href": format!("/receipt?code={}", idea.receipt_code),
        }),
    )
}

/// `POST /receipt/withdraw`: the code withdraws the idea it belongs to, if it was posted with the
/// code only.
pub async fn receipt_withdraw(ctx: Ctx, form: web::Form<ReceiptQuery>) -> AppResult<HttpResponse> {
    let idea = code_only_idea(&ctx, &form.code).await?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    service::withdraw(&txn, &idea, ctx.state.clock.now()).await?;
    txn.commit().await?;
    tracing::info!(idea = %idea.id, "idea withdrawn by its receipt code");
    ctx.flash(FlashKind::Success, "idea-withdrawn")?;
    Ok(see_other(&format!("/receipt?code={}", idea.receipt_code)))
}

// ---- staff: boards ----

async fn managed_board(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, idea_boards::Model)> {
    let user = ctx.require_user()?.clone();
    let board = service::find_board(&ctx.state.db, id)
        .await?
        .filter(|b| user.coordinates(b.municipality_id))
        .ok_or(AppError::NotFound)?;
    Ok((user, board))
}

/// The rounds a coordinator may put a board in (not evaluated ones).
async fn round_choices(ctx: &Ctx, user: &CurrentUser) -> AppResult<Vec<(Uuid, String)>> {
    let scope = user.coordinated_municipalities();
    let (list, _) =
        crate::rounds::manage_list::managed_page(&ctx.state.db, scope.as_deref(), None, 0, 200)
            .await?;
    Ok(list
        .into_iter()
        .filter(|r| r.status != "evaluated")
        .map(|r| (r.id, r.title))
        .collect())
}

async fn boards_page(
    ctx: &Ctx,
    index: u64,
    form: &BoardForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let scope = user.coordinated_municipalities();
    let (list, pages) =
        service::managed_boards(&ctx.state.db, scope.as_deref(), index, PER_PAGE).await?;
    let rounds = round_choices(ctx, &user).await?;
    ctx.render_status(
        status,
        "ideas/manage_boards",
        "boards-title",
        json!({
            "boards": list.iter().map(|b| json!({
                "title": b.title,
                "href": format!("/manage/boards/{}", b.id),
                "public_href": format!("/ideas/{}", b.id),
                "premoderated": b.premoderated,
                "closed": b.closed_at.is_some(),
            })).collect::<Vec<_>>(),
            "rounds": rounds.iter().map(|(id, title)| json!({
                "value": id, "text": title, "selected": form.round_id == id.to_string(),
            })).collect::<Vec<_>>(),
            "values": form,
            "premoderated": form.premoderated.is_some(),
            "errors": errors.view(ctx.lang),
            "pagination": PageView::new(index, pages, "/manage/boards"),
        }),
    )
}

pub async fn manage_boards(ctx: Ctx, query: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    let form = BoardForm {
        question: ctx.t("board-default-question"),
        ..Default::default()
    };
    boards_page(
        &ctx,
        query.index(),
        &form,
        &FormErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn create_board(ctx: Ctx, form: web::Form<BoardForm>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let form = form.into_inner();
    let rounds: Vec<Uuid> = round_choices(&ctx, &user)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut errors = FormErrors::new();
    let Some(input) = form.check(&rounds, &mut errors) else {
        return boards_page(&ctx, 0, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let round = crate::rounds::model::find(&ctx.state.db, input.round_id)
        .await?
        .filter(|r| user.coordinates(r.municipality_id))
        .ok_or(AppError::NotFound)?;
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let board = service::create_board(&txn, &user, &round, &input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "board-created")?;
    Ok(see_other(&format!("/manage/boards/{}", board.id)))
}

async fn board_form_page(
    ctx: &Ctx,
    board: &idea_boards::Model,
    form: &BoardForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let categories = service::categories(&ctx.state.db, board.id).await?;
    ctx.render_about(
        status,
        "ideas/manage_board",
        "board-edit-title",
        &board.title,
        json!({
            "action": format!("/manage/boards/{}", board.id),
            "public_href": format!("/ideas/{}", board.id),
            "categories": categories.iter().map(|c| json!({ "name": c.name, "goal": c.goal_id.is_some() })).collect::<Vec<_>>(),
            "values": form,
            "premoderated": form.premoderated.is_some(),
            "closed": form.closed.is_some(),
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn edit_board(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, board) = managed_board(&ctx, *id).await?;
    let form = BoardForm {
        round_id: board.round_id.to_string(),
        title: board.title.clone(),
        question: board.question.clone(),
        premoderated: board.premoderated.then(|| "1".into()),
        closed: board.closed_at.map(|_| "1".into()),
        extra_categories: String::new(),
        districts: board.districts.clone(),
    };
    board_form_page(&ctx, &board, &form, &FormErrors::new(), StatusCode::OK).await
}

pub async fn update_board(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<BoardForm>,
) -> AppResult<HttpResponse> {
    let (user, board) = managed_board(&ctx, *id).await?;
    let mut form = form.into_inner();
    form.round_id = board.round_id.to_string();
    let mut errors = FormErrors::new();
    let Some(input) = form.check(&[board.round_id], &mut errors) else {
        return board_form_page(
            &ctx,
            &board,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    service::update_board(&txn, &user, &board, &input, ctx.state.clock.now()).await?;
    txn.commit().await?;
    ctx.flash(FlashKind::Success, "board-saved")?;
    Ok(see_other(&format!("/manage/boards/{}", board.id)))
}

// ---- staff: official answers ----

async fn answered_idea(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, ideas::Model)> {
    let user = ctx.require_user()?.clone();
    let idea = service::find_idea_by_id(&ctx.state.db, id)
        .await?
        .filter(|i| {
            user.coordinates(i.municipality_id)
                && i.status != service::WITHDRAWN
                && i.status != service::UNCONFIRMED
        })
        .ok_or(AppError::NotFound)?;
    Ok((user, idea))
}

async fn answer_choices(
    ctx: &Ctx,
    idea: &ideas::Model,
) -> AppResult<(
    Vec<crate::strategy::picker::GoalRef>,
    Vec<entity::measures::Model>,
)> {
    let db = &ctx.state.db;
    let goals = crate::strategy::picker::goal_picker(db, idea.municipality_id, &[]).await?;
    let ids: Vec<Uuid> = goals.iter().map(|g| g.id).collect();
    let measures = crate::strategy::model::measures_of(db, &ids).await?;
    Ok((goals, measures))
}

async fn answer_page(
    ctx: &Ctx,
    idea: &ideas::Model,
    form: &AnswerForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (goals, measures) = answer_choices(ctx, idea).await?;
    let mut goal_options = vec![
        json!({ "value": "", "text": ctx.t("answer-no-goal"), "selected": form.goal_id.is_empty() }),
    ];
    goal_options.extend(goals.iter().map(
        |g| json!({ "value": g.id, "text": g.title, "selected": form.goal_id == g.id.to_string() }),
    ));
    let mut measure_options = vec![
        json!({ "value": "", "text": ctx.t("answer-no-measure"), "selected": form.measure_id.is_empty() }),
    ];
    measure_options.extend(measures.iter().map(|m| json!({ "value": m.id, "text": m.title, "selected": form.measure_id == m.id.to_string() })));
    ctx.render_about(
        status,
        "ideas/answer",
        "answer-title",
        &idea.title,
        json!({
            "idea": { "title": idea.title, "body": idea.body, "href": idea_href(idea), "supports": idea.support_count },
            "action": format!("/manage/ideas/{}/answer", idea.id),
            "statuses": OFFICIAL.iter().map(|s| json!({
                "value": s, "label": ctx.t(&format!("idea-official-{s}")), "checked": form.official_status == *s,
            })).collect::<Vec<_>>(),
            "goals": goal_options,
            "measures": measure_options,
            "values": form,
            "errors": errors.view(ctx.lang),
        }),
    )
}

pub async fn answer_form(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, idea) = answered_idea(&ctx, *id).await?;
    let form = AnswerForm {
        official_status: idea.official_status.clone(),
        answer: idea.official_answer.clone().unwrap_or_default(),
        goal_id: idea
            .official_goal_id
            .map(|g| g.to_string())
            .unwrap_or_default(),
        measure_id: idea
            .official_measure_id
            .map(|m| m.to_string())
            .unwrap_or_default(),
    };
    answer_page(&ctx, &idea, &form, &FormErrors::new(), StatusCode::OK).await
}

pub async fn answer(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: web::Form<AnswerForm>,
) -> AppResult<HttpResponse> {
    let (user, idea) = answered_idea(&ctx, *id).await?;
    let form = form.into_inner();
    let (goals, measures) = answer_choices(&ctx, &idea).await?;
    let goal_ids: Vec<Uuid> = goals.iter().map(|g| g.id).collect();
    let measure_ids: Vec<(Uuid, Uuid)> = measures.iter().map(|m| (m.id, m.goal_id)).collect();
    let mut errors = FormErrors::new();
    let Some(input) = form.check(&goal_ids, &measure_ids, &mut errors) else {
        return answer_page(
            &ctx,
            &idea,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    service::answer(
        &txn,
        &ctx.state,
        &user,
        idea.id,
        &input,
        ctx.state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    notifications::wake(&ctx.state);
    ctx.flash(FlashKind::Success, "answer-saved")?;
    Ok(see_other(&idea_href(&idea)))
}
