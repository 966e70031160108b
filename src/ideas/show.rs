//! One idea's page: the idea, its official answer, and its comment threads page by page.

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::{idea_boards, idea_comments, ideas, rounds};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{
    db::read_snapshot,
    error::AppResult,
    moderation::model as moderation,
    web::{
        context::Ctx,
        forms::FormErrors,
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

use super::comments::CommentForm;
use super::model::{Status, categories, editable, is_open};
use super::support::supports;
use super::views::{
    BoardHead, Card, Link, board_head, card, hidden_text, idea_href, is_author, profile_name,
    public_board, visible_idea,
};

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
    idea_page(IdeaPage {
        ctx: &ctx,
        board: &board,
        round: &round,
        idea: &idea,
        comments_page: query.index(),
        comment_form: &form,
        errors: &FormErrors::new(),
        status: StatusCode::OK,
    })
    .await
}

/// What an idea's page shows besides the idea: which page of comments, and the comment form
/// as typed with its errors (and the status to answer with).
pub(super) struct IdeaPage<'a> {
    pub ctx: &'a Ctx,
    pub board: &'a idea_boards::Model,
    pub round: &'a rounds::Model,
    pub idea: &'a ideas::Model,
    pub comments_page: u64,
    pub comment_form: &'a CommentForm,
    pub errors: &'a FormErrors,
    pub status: StatusCode,
}

#[derive(Serialize)]
struct CommentView {
    id: Uuid,
    hidden: bool,
    pending: bool,
    placeholder: String,
    body: String,
    author: String,
    created_at: String,
    flag_href: String,
}

#[derive(Serialize)]
struct ThreadView {
    #[serde(flatten)]
    comment: CommentView,
    replies: Vec<CommentView>,
}

/// The idea's card with its whole text.
#[derive(Serialize)]
struct IdeaView {
    #[serde(flatten)]
    card: Card,
    body: String,
    district: String,
}

#[derive(Serialize)]
struct AnswerView {
    text: String,
    at: String,
    goal: Option<Link>,
}

#[derive(Serialize)]
struct ShowView<'a> {
    board: BoardHead,
    idea: IdeaView,
    answer: Option<AnswerView>,
    listed: bool,
    own: bool,
    can_edit: bool,
    can_withdraw: bool,
    can_support: bool,
    signed_in: bool,
    supported: bool,
    can_comment: bool,
    comments: Vec<ThreadView>,
    comments_pagination: PageView,
    values: &'a CommentForm,
    profile_name: String,
    flag_href: String,
    answer_href: Option<String>,
    login_href: String,
    errors: Value,
}

fn comment_view(ctx: &Ctx, idea: &ideas::Model, c: &idea_comments::Model) -> CommentView {
    let hidden = moderation::Status::Hidden.is(&c.status);
    CommentView {
        id: c.id,
        hidden,
        pending: moderation::Status::Pending.is(&c.status),
        placeholder: if hidden {
            hidden_text(ctx, c.hidden_reason.as_deref())
        } else {
            String::new()
        },
        body: if hidden {
            String::new()
        } else {
            c.body.clone()
        },
        author: c
            .author_name
            .clone()
            .unwrap_or_else(|| ctx.t("idea-anonymous")),
        created_at: c.created_at.to_rfc3339(),
        flag_href: format!("{}/flag?target={}", idea_href(idea), c.id),
    }
}

/// The idea's page, everything besides the board and the idea read in one snapshot.
pub(super) async fn idea_page(page: IdeaPage<'_>) -> AppResult<HttpResponse> {
    let IdeaPage {
        ctx,
        board,
        round,
        idea,
        comments_page,
        comment_form,
        errors,
        status,
    } = page;
    let snap = read_snapshot(&ctx.state.db).await?;
    let db = &snap;
    let categories = categories(db, board.id).await?;
    let viewer = ctx.user.as_ref().map(|u| u.id);
    let (top, replies, comment_pages) =
        comment_threads(db, idea.id, viewer, comments_page, PER_PAGE).await?;
    let own = is_author(ctx.user.as_ref(), idea);
    let supported = match viewer {
        Some(v) => supports(db, idea.id, v).await?,
        None => false,
    };
    let open = is_open(board, round);
    let threads = top
        .iter()
        .map(|c| ThreadView {
            comment: comment_view(ctx, idea, c),
            replies: replies
                .iter()
                .filter(|r| r.parent_id == Some(c.id))
                .map(|r| comment_view(ctx, idea, r))
                .collect(),
        })
        .collect();
    let goal = match idea.official_goal_id {
        Some(g) => crate::strategy::picker::goals_by_ids(db, &[g])
            .await?
            .into_iter()
            .next(),
        None => None,
    };
    let hidden = moderation::Status::Hidden.is(&idea.status);
    let answer = idea.answered_at.map(|at| AnswerView {
        text: idea.official_answer.clone().unwrap_or_default(),
        at: at.to_rfc3339(),
        goal: goal.as_ref().map(|g| Link {
            title: g.title.clone(),
            href: format!("/goals/{}", g.id),
        }),
    });
    let coordinates = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.coordinates(idea.municipality_id));
    let view = ShowView {
        board: board_head(board, round),
        idea: IdeaView {
            card: card(ctx, idea, &categories),
            body: if hidden {
                String::new()
            } else {
                idea.body.clone()
            },
            district: idea.district.clone().unwrap_or_default(),
        },
        answer,
        listed: idea.listed,
        own,
        can_edit: own && open && editable(db, idea).await?,
        can_withdraw: own && !Status::Withdrawn.is(&idea.status),
        can_support: open && moderation::Status::Published.is(&idea.status) && !own,
        signed_in: ctx.user.is_some(),
        supported,
        can_comment: open && moderation::Status::Published.is(&idea.status),
        comments: threads,
        comments_pagination: PageView::new(comments_page, comment_pages, &idea_href(idea)),
        values: comment_form,
        profile_name: profile_name(ctx),
        flag_href: format!("{}/flag?target={}", idea_href(idea), idea.id),
        answer_href: coordinates.then(|| format!("/manage/ideas/{}/answer", idea.id)),
        login_href: format!(
            "/account/login?next={}",
            idea_href(idea).replace('/', "%2F")
        ),
        errors: errors.view(ctx.lang),
    };
    snap.commit().await?;
    ctx.render_about(status, "ideas/show", "idea-page-title", &idea.title, view)
}

/// One page of the comment threads under an idea: top-level comments (published, hidden ones as
/// placeholders, and the viewer's own pending ones), oldest first, and in one more query the
/// replies to exactly those. Returns the top-level comments, their replies and the page count.
pub async fn comment_threads(
    db: &impl ConnectionTrait,
    idea_id: Uuid,
    viewer: Option<Uuid>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<idea_comments::Model>, Vec<idea_comments::Model>, u64), DbErr> {
    let visible = || {
        let mut visible = Condition::any().add(idea_comments::Column::Status.is_in([
            moderation::Status::Published.as_str(),
            moderation::Status::Hidden.as_str(),
        ]));
        if let Some(viewer) = viewer {
            visible = visible.add(idea_comments::Column::AuthorId.eq(viewer));
        }
        visible
    };
    let paginator = idea_comments::Entity::find()
        .filter(idea_comments::Column::IdeaId.eq(idea_id))
        .filter(idea_comments::Column::ParentId.is_null())
        .filter(visible())
        .order_by_asc(idea_comments::Column::CreatedAt)
        .order_by_asc(idea_comments::Column::Id)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    let top = paginator.fetch_page(page).await?;
    let replies = if top.is_empty() {
        Vec::new()
    } else {
        idea_comments::Entity::find()
            .filter(idea_comments::Column::ParentId.is_in(top.iter().map(|c| c.id)))
            .filter(visible())
            .order_by_asc(idea_comments::Column::CreatedAt)
            .order_by_asc(idea_comments::Column::Id)
            .all(db)
            .await?
    };
    Ok((top, replies, pages))
}
