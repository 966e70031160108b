//! Subscribing to new rounds with double opt-in: the form, the confirmation mail, and the signed
//! links in mails that confirm a subscription or end it.

use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use entity::{municipalities, round_subscriptions};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{Set, Unchanged},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};
use serde::Serialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::{
    admin::service as admin,
    error::{AppError, AppResult},
    notifications::service::{self as notifications, Email},
    rounds::forms::{NewRoundQuery, SubscribeForm},
    secrets::Keys,
    state::AppState,
    web::{
        context::{Ctx, see_other},
        forms::{CheckForm, FormErrors},
        i18n::Lang,
        rate_limit,
    },
};

/// The two things a subscription link can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkPurpose {
    Confirm,
    Unsubscribe,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Confirm => "confirm",
            LinkPurpose::Unsubscribe => "unsubscribe",
        }
    }

    pub fn parse(s: &str) -> Option<LinkPurpose> {
        [LinkPurpose::Confirm, LinkPurpose::Unsubscribe]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// Unconfirmed subscriptions are deleted after this, and their confirmation link dies with them.
pub const UNCONFIRMED_TTL: chrono::Duration = chrono::Duration::days(7);

/// Links in subscription mails carry a keyed hash of the subscription's id and purpose, so
/// nothing secret is stored and a link cannot be guessed or turned into another purpose.
fn subscription_signature(keys: &Keys, purpose: LinkPurpose, id: Uuid) -> String {
    keys.keyed_hash(&["round-subscription", purpose.as_str(), &id.to_string()])
}

fn signature_matches(keys: &Keys, purpose: LinkPurpose, id: Uuid, given: &str) -> bool {
    let expected = subscription_signature(keys, purpose, id);
    expected.as_bytes().ct_eq(given.as_bytes()).into()
}

pub(super) fn link_url(state: &AppState, purpose: LinkPurpose, id: Uuid) -> String {
    state.settings.absolute_url(&format!(
        "/subscriptions/{id}/{}/{}",
        purpose.as_str(),
        subscription_signature(&state.keys, purpose, id)
    ))
}

/// What the outbox knows a subscription's mails by while they wait.
pub(super) fn subscription_topic(id: Uuid) -> String {
    format!("subscription:{id}")
}

/// Records a wish to hear of new rounds and sends the confirmation mail (double opt-in). An
/// address that is already confirmed gets a note saying so, with the way out; the page answers
/// the same either way, so nobody learns who subscribed.
async fn subscribe(
    db: &impl ConnectionTrait,
    state: &AppState,
    municipality: &municipalities::Model,
    email: &str,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let email = crate::accounts::model::normalize_email(email);
    // Insert-or-keep in one statement, so two requests at once cannot trip the unique index.
    round_subscriptions::Entity::insert(round_subscriptions::ActiveModel {
        id: Set(Uuid::new_v4()),
        municipality_id: Set(municipality.id),
        email: Set(email.clone()),
        language: Set(lang.code().into()),
        confirmed_at: Set(None),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            round_subscriptions::Column::MunicipalityId,
            round_subscriptions::Column::Email,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let subscription = round_subscriptions::Entity::find()
        .filter(round_subscriptions::Column::MunicipalityId.eq(municipality.id))
        .filter(round_subscriptions::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("round subscription".into()))?;
    let (id, confirmed) = (subscription.id, subscription.confirmed_at.is_some());
    if !confirmed {
        // A new confirmation mail gets the full time to be used, in the language asked for now.
        // A confirmed subscription is left as it is: only its owner changes it.
        round_subscriptions::ActiveModel {
            id: Unchanged(id),
            language: Set(lang.code().into()),
            created_at: Set(now),
            ..Default::default()
        }
        .update(db)
        .await?;
    }
    let kind = if confirmed {
        "subscription_exists"
    } else {
        "subscription_confirm"
    };
    notifications::enqueue_about(
        db,
        state,
        Email {
            to: &email,
            lang,
            kind,
            data: json!({
                "municipality": municipality.name,
                "confirm_url": link_url(state, LinkPurpose::Confirm, id),
                "unsubscribe_url": link_url(state, LinkPurpose::Unsubscribe, id),
                "days": UNCONFIRMED_TTL.num_days(),
            }),
        },
        &subscription_topic(id),
    )
    .await
}

async fn find_subscription(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<round_subscriptions::Model>, DbErr> {
    round_subscriptions::Entity::find_by_id(id).one(db).await
}

async fn confirm_subscription(
    db: &impl ConnectionTrait,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = round_subscriptions::Entity::update_many()
        .col_expr(round_subscriptions::Column::ConfirmedAt, Expr::value(now))
        .filter(round_subscriptions::Column::Id.eq(id))
        .filter(round_subscriptions::Column::ConfirmedAt.is_null())
        .filter(round_subscriptions::Column::CreatedAt.gt(now - UNCONFIRMED_TTL))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes the subscription, and with it the address and any "new round" mail to it that is
/// still waiting in the outbox (each carries this subscription's own unsubscribe link).
async fn unsubscribe(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    round_subscriptions::Entity::delete_by_id(id)
        .exec(db)
        .await?;
    notifications::withdraw_queued(db, &subscription_topic(id)).await
}

// ---- pages ----

#[derive(Serialize)]
struct PlaceOption {
    slug: String,
    name: String,
    selected: bool,
}

#[derive(Serialize)]
struct SubscribePage<'a> {
    values: &'a SubscribeForm,
    municipalities: Vec<PlaceOption>,
    errors: Value,
}

fn subscribe_page<'a>(
    ctx: &Ctx,
    places: &[municipalities::Model],
    form: &'a SubscribeForm,
    errors: &FormErrors,
) -> SubscribePage<'a> {
    SubscribePage {
        values: form,
        municipalities: places
            .iter()
            .map(|m| PlaceOption {
                slug: m.slug.clone(),
                name: m.name.clone(),
                selected: m.slug == form.municipality,
            })
            .collect(),
        errors: errors.view(ctx.lang),
    }
}

pub async fn subscribe_form(ctx: Ctx, query: web::Query<NewRoundQuery>) -> AppResult<HttpResponse> {
    let form = SubscribeForm {
        municipality: query.municipality.clone(),
        email: String::new(),
    };
    let places = admin::all_municipalities(&ctx.state.db).await?;
    let page = subscribe_page(&ctx, &places, &form, &FormErrors::new());
    ctx.render("rounds/subscribe", "subscribe-title", page)
}

pub async fn subscribe_post(ctx: Ctx, form: web::Form<SubscribeForm>) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let places = admin::all_municipalities(&ctx.state.db).await?;
    let input = match form.check(&places) {
        Ok(input) => input,
        Err(errors) => {
            let page = subscribe_page(&ctx, &places, &form, &errors);
            return ctx.render_invalid("rounds/subscribe", "subscribe-title", page);
        }
    };
    let now = ctx.state.clock.now();
    let db = &ctx.state.db;
    let keys = &ctx.state.keys;
    let stamp = now.timestamp();
    if !rate_limit::hit(
        db,
        keys,
        rate_limit::SUBSCRIBE_PER_IP,
        &ctx.client_ip(),
        stamp,
    )
    .await?
    {
        return Err(rate_limit::too_many(rate_limit::SUBSCRIBE_PER_IP));
    }
    let recipient = crate::accounts::model::normalize_email(&input.email);
    // Past the per-recipient limit the page answers as always but sends nothing, so nobody can
    // flood an inbox through this form or learn from the answer that the limit was reached.
    if rate_limit::hit(
        db,
        keys,
        rate_limit::SUBSCRIBE_PER_RECIPIENT,
        &recipient,
        stamp,
    )
    .await?
    {
        let txn = crate::db::begin_write(db).await?;
        subscribe(&txn, &ctx.state, &input.place, &recipient, ctx.lang, now).await?;
        txn.commit().await?;
        notifications::wake(&ctx.state);
    }
    Ok(see_other("/subscribe/sent"))
}

pub async fn subscribe_sent(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.render("rounds/subscribe_sent", "subscribe-sent-title", json!({}))
}

/// The link's purpose; anything else is not a page.
fn link_purpose(purpose: &str) -> AppResult<LinkPurpose> {
    LinkPurpose::parse(purpose).ok_or(AppError::NotFound)
}

/// The signed link from a mail, checked. Unknown, expired and forged links look the same.
fn signed_subscription(ctx: &Ctx, id: &str, purpose: LinkPurpose, signature: &str) -> Option<Uuid> {
    let id = Uuid::parse_str(id).ok()?;
    signature_matches(&ctx.state.keys, purpose, id, signature).then_some(id)
}

#[derive(Serialize)]
struct ActionPage {
    heading: &'static str,
    text: &'static str,
    button: &'static str,
    municipality: String,
    action: String,
}

/// GET of a link from a mail: a page with a button, so mail scanners that follow links change
/// nothing.
pub async fn subscription_link_page(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
) -> AppResult<HttpResponse> {
    let (id, purpose, signature) = path.into_inner();
    let purpose = link_purpose(&purpose)?;
    let Some(id) = signed_subscription(&ctx, &id, purpose, &signature) else {
        return link_invalid(&ctx);
    };
    let subscription = find_subscription(&ctx.state.db, id).await?;
    let place = match &subscription {
        Some(s) => admin::find_municipality(&ctx.state.db, s.municipality_id).await?,
        None => None,
    };
    let action = format!("/subscriptions/{id}/{}/{signature}", purpose.as_str());
    match (purpose, subscription, place) {
        (LinkPurpose::Confirm, Some(s), Some(place)) if s.confirmed_at.is_none() => ctx.render(
            "rounds/subscription_action",
            "subscription-confirm-title",
            ActionPage {
                heading: "subscription-confirm-title",
                text: "subscription-confirm-text",
                button: "subscription-confirm-button",
                municipality: place.name,
                action,
            },
        ),
        (LinkPurpose::Confirm, Some(_), Some(_)) => done(&ctx, "subscription-confirmed"),
        (LinkPurpose::Unsubscribe, Some(_), Some(place)) => ctx.render(
            "rounds/subscription_action",
            "unsubscribe-title",
            ActionPage {
                heading: "unsubscribe-title",
                text: "unsubscribe-text",
                button: "unsubscribe-button",
                municipality: place.name,
                action,
            },
        ),
        (LinkPurpose::Unsubscribe, _, _) => done(&ctx, "unsubscribed"),
        _ => link_invalid(&ctx),
    }
}

pub async fn subscription_link(
    ctx: Ctx,
    path: web::Path<(String, String, String)>,
) -> AppResult<HttpResponse> {
    let (id, purpose, signature) = path.into_inner();
    let purpose = link_purpose(&purpose)?;
    let Some(id) = signed_subscription(&ctx, &id, purpose, &signature) else {
        return link_invalid(&ctx);
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    if purpose == LinkPurpose::Unsubscribe {
        unsubscribe(&txn, id).await?;
        txn.commit().await?;
        return done(&ctx, "unsubscribed");
    }
    let confirmed = confirm_subscription(&txn, id, ctx.state.clock.now()).await?;
    txn.commit().await?;
    if confirmed {
        return done(&ctx, "subscription-confirmed");
    }
    match find_subscription(&ctx.state.db, id).await? {
        Some(s) if s.confirmed_at.is_some() => done(&ctx, "subscription-confirmed"),
        _ => link_invalid(&ctx),
    }
}

#[derive(Serialize)]
struct DonePage {
    heading: String,
    text: String,
}

fn done(ctx: &Ctx, key: &str) -> AppResult<HttpResponse> {
    ctx.render(
        "rounds/subscription_done",
        &format!("{key}-title"),
        DonePage {
            heading: format!("{key}-title"),
            text: format!("{key}-text"),
        },
    )
}

fn link_invalid(ctx: &Ctx) -> AppResult<HttpResponse> {
    ctx.render_status(
        StatusCode::NOT_FOUND,
        "rounds/subscription_done",
        "subscription-link-invalid-title",
        DonePage {
            heading: "subscription-link-invalid-title".into(),
            text: "subscription-link-invalid-text".into(),
        },
    )
}
