//! Coordinators set up boards: the list with the form for a new board, and a board's settings
//! (categories from the round's goals plus extra ones, the municipality's districts it offers,
//! pre-moderation, closing early).

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{idea_boards, idea_categories, rounds};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::web::forms::CheckForm;
use crate::{
    audit::service::{self as audit, Entry},
    error::{AppError, AppResult},
    identity::CurrentUser,
    web::{
        context::Ctx,
        forms::{FormErrors, HtmlForm, multiline},
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

use super::districts::{
    AreaChoice, all_offered, area_choices, board_areas, set_board_areas, unmatched_lines,
};
use super::model::{categories, chars, find_board};
use super::views::SelectOption;
use crate::admin::service::find_municipality;
use crate::monitoring::areas::list_for_municipality;
use crate::rounds::model::Status as RoundStatus;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct BoardForm {
    #[serde(default)]
    pub round_id: String,
    #[serde(default, deserialize_with = "crate::web::forms::trimmed")]
    pub title: String,
    #[serde(default)]
    pub question: String,
    #[serde(default)]
    pub premoderated: Option<String>,
    #[serde(default)]
    pub closed: Option<String>,
    #[serde(default)]
    pub extra_categories: String,
    /// The districts (areas of the municipality) residents may choose from.
    #[serde(default)]
    pub area_ids: Vec<String>,
}

fn lines(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|o| o == line) {
            out.push(line.to_string());
        }
    }
    out
}

/// Checked against the rounds the coordinator may put a board in.
impl CheckForm for BoardForm {
    type Input = BoardInput;
    type Rules = [Uuid];

    fn check(&self, rounds: &[Uuid]) -> Result<BoardInput, FormErrors> {
        let mut errors = FormErrors::new();
        let round = Uuid::parse_str(&self.round_id)
            .ok()
            .filter(|r| rounds.contains(r));
        if round.is_none() {
            errors.add("round_id", "board-error-round");
        }
        if self.title.is_empty() {
            errors.add("title", "board-error-title-missing");
        } else if chars(&self.title) > 200 {
            errors.add("title", "board-error-title-long");
        }
        if self.question.trim().is_empty() {
            errors.add("question", "board-error-question-missing");
        } else if chars(&self.question) > 500 {
            errors.add("question", "board-error-question-long");
        }
        let extra = lines(&self.extra_categories);
        if extra.iter().any(|l| chars(l) > 120) || extra.len() > 30 {
            errors.add("extra_categories", "board-error-lines");
        }
        let area_ids: Vec<Uuid> = self
            .area_ids
            .iter()
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect();
        if area_ids.len() != self.area_ids.len() {
            errors.add("area_ids", "board-error-area");
        }
        let Some(round) = round.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        Ok(BoardInput {
            round_id: round,
            title: self.title.clone(),
            question: multiline(&self.question),
            premoderated: self.premoderated.is_some(),
            closed: self.closed.is_some(),
            extra_categories: extra,
            area_ids,
        })
    }
}

/// A chosen district is not one of the municipality's (deleted meanwhile, or forged).
fn area_refused() -> FormErrors {
    let mut errors = FormErrors::new();
    errors.add("area_ids", "board-error-area");
    errors
}

pub struct BoardInput {
    pub round_id: Uuid,
    pub title: String,
    pub question: String,
    pub premoderated: bool,
    pub closed: bool,
    pub extra_categories: Vec<String>,
    pub area_ids: Vec<Uuid>,
}

async fn managed_board(ctx: &Ctx, id: Uuid) -> AppResult<(CurrentUser, idea_boards::Model)> {
    let user = ctx.require_user()?.clone();
    let board = find_board(&ctx.state.db, id)
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
        .filter(|r| r.status != RoundStatus::Evaluated.as_str())
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
    let (list, pages) = managed_boards(&ctx.state.db, scope.as_deref(), index, PER_PAGE).await?;
    let rounds = round_choices(ctx, &user).await?;
    let mut area_groups = Vec::new();
    for id in scope.as_deref().unwrap_or_default() {
        let all = list_for_municipality(&ctx.state.db, *id).await?;
        let Some(place) = find_municipality(&ctx.state.db, *id).await? else {
            continue;
        };
        if !all.is_empty() {
            area_groups.push(AreaGroup {
                municipality: place.name,
                areas: area_choices(&all, &form.area_ids),
            });
        }
    }
    ctx.render_status(
        status,
        "ideas/manage_boards",
        "boards-title",
        BoardsView {
            boards: list
                .iter()
                .map(|b| BoardRow {
                    title: b.title.clone(),
                    href: format!("/manage/boards/{}", b.id),
                    public_href: format!("/ideas/{}", b.id),
                    premoderated: b.premoderated,
                    closed: b.closed_at.is_some(),
                })
                .collect(),
            rounds: rounds
                .iter()
                .map(|(id, title)| SelectOption::of(*id, title, &form.round_id))
                .collect(),
            several_places: area_groups.len() > 1,
            area_groups,
            values: form,
            premoderated: form.premoderated.is_some(),
            errors: errors.view(ctx.lang),
            pagination: PageView::new(index, pages, "/manage/boards"),
        },
    )
}

#[derive(Serialize)]
struct BoardsView<'a> {
    boards: Vec<BoardRow>,
    rounds: Vec<SelectOption>,
    area_groups: Vec<AreaGroup>,
    several_places: bool,
    values: &'a BoardForm,
    premoderated: bool,
    errors: Value,
    pagination: PageView,
}

/// The districts of one municipality, as checkboxes.
#[derive(Serialize)]
struct AreaGroup {
    municipality: String,
    areas: Vec<AreaChoice>,
}

#[derive(Serialize)]
struct BoardRow {
    title: String,
    href: String,
    public_href: String,
    premoderated: bool,
    closed: bool,
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

pub async fn create_board(ctx: Ctx, form: HtmlForm<BoardForm>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let form = form.0;
    let rounds: Vec<Uuid> = round_choices(&ctx, &user)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let input = match form.check(&rounds) {
        Ok(input) => input,
        Err(errors) => {
            return boards_page(&ctx, 0, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let round = crate::rounds::model::find(&ctx.state.db, input.round_id)
        .await?
        .filter(|r| user.coordinates(r.municipality_id))
        .ok_or(AppError::NotFound)?;
    let offered = list_for_municipality(&ctx.state.db, round.municipality_id).await?;
    if !all_offered(&input.area_ids, &offered) {
        let errors = area_refused();
        return boards_page(&ctx, 0, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let board = insert_board(&txn, &user, &round, &input, ctx.state.clock.now()).await?;
    ctx.commit_and_redirect(
        txn,
        "board-created",
        &format!("/manage/boards/{}", board.id),
    )
    .await
}

async fn board_form_page(
    ctx: &Ctx,
    board: &idea_boards::Model,
    form: &BoardForm,
    errors: &FormErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let categories = categories(&ctx.state.db, board.id).await?;
    let all = list_for_municipality(&ctx.state.db, board.municipality_id).await?;
    ctx.render_about(
        status,
        "ideas/manage_board",
        "board-edit-title",
        &board.title,
        BoardSettingsView {
            action: format!("/manage/boards/{}", board.id),
            public_href: format!("/ideas/{}", board.id),
            categories: categories
                .iter()
                .map(|c| CategoryRow {
                    name: c.name.clone(),
                    goal: c.goal_id.is_some(),
                })
                .collect(),
            typed_districts: unmatched_lines(board, &all).join(", "),
            several_places: false,
            area_groups: if all.is_empty() {
                Vec::new()
            } else {
                vec![AreaGroup {
                    municipality: String::new(),
                    areas: area_choices(&all, &form.area_ids),
                }]
            },
            areas_href: format!("/manage/municipalities/{}/areas", board.municipality_id),
            values: form,
            premoderated: form.premoderated.is_some(),
            closed: form.closed.is_some(),
            errors: errors.view(ctx.lang),
        },
    )
}

#[derive(Serialize)]
struct BoardSettingsView<'a> {
    action: String,
    public_href: String,
    categories: Vec<CategoryRow>,
    area_groups: Vec<AreaGroup>,
    several_places: bool,
    /// Districts typed before districts were areas, matching none of them.
    typed_districts: String,
    areas_href: String,
    values: &'a BoardForm,
    premoderated: bool,
    closed: bool,
    errors: Value,
}

#[derive(Serialize)]
struct CategoryRow {
    name: String,
    goal: bool,
}

pub async fn edit_board(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (_, board) = managed_board(&ctx, *id).await?;
    let area_ids = board_areas(&ctx.state.db, &board)
        .await?
        .iter()
        .map(|a| a.id.to_string())
        .collect();
    let form = BoardForm {
        round_id: board.round_id.to_string(),
        title: board.title.clone(),
        question: board.question.clone(),
        premoderated: board.premoderated.then(|| "1".into()),
        closed: board.closed_at.map(|_| "1".into()),
        extra_categories: String::new(),
        area_ids,
    };
    board_form_page(&ctx, &board, &form, &FormErrors::new(), StatusCode::OK).await
}

pub async fn update_board(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<BoardForm>,
) -> AppResult<HttpResponse> {
    let (user, board) = managed_board(&ctx, *id).await?;
    let mut form = form.0;
    form.round_id = board.round_id.to_string();
    let offered = list_for_municipality(&ctx.state.db, board.municipality_id).await?;
    let checked = form.check(&[board.round_id]).and_then(|input| {
        if all_offered(&input.area_ids, &offered) {
            Ok(input)
        } else {
            Err(area_refused())
        }
    });
    let input = match checked {
        Ok(input) => input,
        Err(errors) => {
            return board_form_page(
                &ctx,
                &board,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    save_board(&txn, &user, &board, &input, ctx.state.clock.now()).await?;
    ctx.commit_and_redirect(txn, "board-saved", &format!("/manage/boards/{}", board.id))
        .await
}

/// The boards staff manage (`None`: all, for admins), newest first.
pub async fn managed_boards(
    db: &impl ConnectionTrait,
    scope: Option<&[Uuid]>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<idea_boards::Model>, u64), DbErr> {
    let mut query = idea_boards::Entity::find();
    if let Some(ids) = scope {
        query = query.filter(idea_boards::Column::MunicipalityId.is_in(ids.iter().copied()));
    }
    let paginator = query
        .order_by_desc(idea_boards::Column::CreatedAt)
        .order_by_desc(idea_boards::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

/// Creates a board whose categories are the round's goals plus the extra ones.
pub async fn insert_board(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    round: &rounds::Model,
    input: &BoardInput,
    now: DateTime<Utc>,
) -> Result<idea_boards::Model, DbErr> {
    let board = idea_boards::ActiveModel {
        id: Set(Uuid::now_v7()),
        round_id: Set(round.id),
        municipality_id: Set(round.municipality_id),
        title: Set(input.title.clone()),
        question: Set(input.question.clone()),
        premoderated: Set(input.premoderated),
        districts: Set(String::new()),
        closed_at: Set(input.closed.then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    set_board_areas(db, board.id, &input.area_ids).await?;
    let goal_ids = crate::rounds::model::goal_ids(db, round.id).await?;
    let goals = crate::strategy::picker::goals_by_ids(db, &goal_ids).await?;
    let mut position = 0;
    for goal in &goals {
        add_category(db, board.id, Some(goal.id), &goal.title, position).await?;
        position += 1;
    }
    for name in &input.extra_categories {
        add_category(db, board.id, None, name, position).await?;
        position += 1;
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(board.municipality_id),
            action: "board.create",
            target_type: "idea_board",
            target_id: Some(board.id.to_string()),
            summary: json!({ "title": board.title, "round": round.id, "premoderated": board.premoderated }),
        },
    )
    .await?;
    Ok(board)
}

async fn add_category(
    db: &impl ConnectionTrait,
    board_id: Uuid,
    goal_id: Option<Uuid>,
    name: &str,
    position: i32,
) -> Result<(), DbErr> {
    idea_categories::ActiveModel {
        id: Set(Uuid::now_v7()),
        board_id: Set(board_id),
        goal_id: Set(goal_id),
        name: Set(name.to_string()),
        position: Set(position),
        published_ideas: NotSet,
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Changes a board; extra categories not there yet are added (categories with ideas stay).
pub async fn save_board(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    board: &idea_boards::Model,
    input: &BoardInput,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let closed_at = match (input.closed, board.closed_at) {
        (true, Some(at)) => Some(at),
        (true, None) => Some(now),
        (false, _) => None,
    };
    idea_boards::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(board.id),
        title: Set(input.title.clone()),
        question: Set(input.question.clone()),
        premoderated: Set(input.premoderated),
        closed_at: Set(closed_at),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    set_board_areas(db, board.id, &input.area_ids).await?;
    let existing = categories(db, board.id).await?;
    let mut position = existing.len() as i32;
    for name in &input.extra_categories {
        if !existing.iter().any(|c| c.name.eq_ignore_ascii_case(name)) {
            add_category(db, board.id, None, name, position).await?;
            position += 1;
        }
    }
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(user.id),
            municipality_id: Some(board.municipality_id),
            action: "board.update",
            target_type: "idea_board",
            target_id: Some(board.id.to_string()),
            summary: json!({
                "before": { "title": board.title, "premoderated": board.premoderated, "closed": board.closed_at.is_some() },
                "after": { "title": input.title, "premoderated": input.premoderated, "closed": input.closed },
            }),
        },
    )
    .await?;
    Ok(())
}
