//! Accounts: who someone is, which roles they hold, and the e-mailed one-time tokens that verify
//! addresses, sign people in without a password, reset passwords and confirm new addresses.
//! Every function takes a connection so callers can run it inside their transaction.

use chrono::{DateTime, Duration, Utc};
use entity::{audit_log, login_tokens, municipalities, role_assignments, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    accounts::passwords,
    audit::service::{self as audit, Entry},
    error::AppError,
    notifications::service::{self as notifications, Email},
    secrets,
    state::AppState,
    web::i18n::Lang,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Coordinator,
    Moderator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Moderator => "moderator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "coordinator" => Some(Role::Coordinator),
            "moderator" => Some(Role::Moderator),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleGrant {
    pub role: Role,
    /// `None` for the instance-wide admin role.
    pub municipality_id: Option<Uuid>,
}

/// The signed-in person as request handlers see them.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: Option<String>,
    pub language: Lang,
    pub session_version: i32,
    pub roles: Vec<RoleGrant>,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|r| r.role == Role::Admin)
    }

    /// Admins and anyone who coordinates or moderates somewhere.
    pub fn is_staff(&self) -> bool {
        !self.roles.is_empty()
    }

    pub fn is_coordinator_somewhere(&self) -> bool {
        self.roles.iter().any(|r| r.role == Role::Coordinator)
    }

    /// Whether this person may change what belongs to `municipality_id`: its coordinators and
    /// instance admins.
    pub fn coordinates(&self, municipality_id: Uuid) -> bool {
        self.is_admin()
            || self
                .roles
                .iter()
                .any(|r| r.role == Role::Coordinator && r.municipality_id == Some(municipality_id))
    }

    /// The municipalities whose staff area this person sees: `None` means all (admins).
    pub fn coordinated_municipalities(&self) -> Option<Vec<Uuid>> {
        self.municipalities_with(Role::Coordinator)
    }

    pub fn is_moderator_somewhere(&self) -> bool {
        self.roles.iter().any(|r| r.role == Role::Moderator)
    }

    /// Whether this person may curate contributions in `municipality_id`: its moderators and
    /// instance admins.
    pub fn moderates(&self, municipality_id: Uuid) -> bool {
        self.is_admin()
            || self
                .roles
                .iter()
                .any(|r| r.role == Role::Moderator && r.municipality_id == Some(municipality_id))
    }

    /// The municipalities whose contributions this person curates: `None` means all (admins).
    pub fn moderated_municipalities(&self) -> Option<Vec<Uuid>> {
        self.municipalities_with(Role::Moderator)
    }

    fn municipalities_with(&self, role: Role) -> Option<Vec<Uuid>> {
        if self.is_admin() {
            return None;
        }
        Some(
            self.roles
                .iter()
                .filter(|r| r.role == role)
                .filter_map(|r| r.municipality_id)
                .collect(),
        )
    }
}

/// What one-time tokens are for, and how long each kind lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    Verify,
    Magic,
    /// Setting a new password: after "forgot password" and for invited staff.
    Password,
    EmailChange,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::Verify => "verify",
            TokenPurpose::Magic => "magic",
            TokenPurpose::Password => "password",
            TokenPurpose::EmailChange => "email_change",
        }
    }
}

pub const VERIFY_TTL: Duration = Duration::hours(48);
pub const MAGIC_TTL: Duration = Duration::minutes(30);
pub const RESET_TTL: Duration = Duration::hours(1);
pub const INVITE_TTL: Duration = Duration::days(7);
pub const EMAIL_CHANGE_TTL: Duration = Duration::hours(24);

/// How staff appear to each other in histories: the display name, else the address.
pub async fn names_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| {
            (
                u.id,
                u.display_name.filter(|n| !n.is_empty()).unwrap_or(u.email),
            )
        })
        .collect())
}

/// Addresses are compared and stored trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub async fn session_user(
    db: &impl ConnectionTrait,
    id: Uuid,
    session_version: i32,
) -> Result<Option<CurrentUser>, DbErr> {
    let Some(user) = users::Entity::find_by_id(id)
        .filter(users::Column::SessionVersion.eq(session_version))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let roles = role_assignments::Entity::find()
        .filter(role_assignments::Column::UserId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            Role::parse(&r.role).map(|role| RoleGrant {
                role,
                municipality_id: r.municipality_id,
            })
        })
        .collect();
    Ok(Some(current_user(user, roles)))
}

fn current_user(user: users::Model, roles: Vec<RoleGrant>) -> CurrentUser {
    CurrentUser {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        language: Lang::parse(&user.language).unwrap_or_default(),
        session_version: user.session_version,
        roles,
    }
}

pub async fn set_language(db: &impl ConnectionTrait, id: Uuid, lang: Lang) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::Language, lang.code().into())
        .filter(users::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Email.eq(normalize_email(email)))
        .one(db)
        .await
}

pub async fn email_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<String>, DbErr> {
    Ok(users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|u| u.email))
}

fn user_lang(user: &users::Model) -> Lang {
    Lang::parse(&user.language).unwrap_or_default()
}

/// Creates a token for `user_id` and returns it; only its hash is stored. A new password or
/// e-mail-change link voids the earlier ones, so an old link found in a mailbox cannot take over
/// the account; verification and sign-in links stay valid until they expire, so whichever mail
/// someone opens first works.
pub async fn issue_token(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    purpose: TokenPurpose,
    ttl: Duration,
    new_email: Option<String>,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    if matches!(purpose, TokenPurpose::Password | TokenPurpose::EmailChange) {
        login_tokens::Entity::update_many()
            .col_expr(login_tokens::Column::UsedAt, Some(now).into())
            .filter(login_tokens::Column::UserId.eq(user_id))
            .filter(login_tokens::Column::Purpose.eq(purpose.as_str()))
            .filter(login_tokens::Column::UsedAt.is_null())
            .exec(db)
            .await?;
    }
    let token = secrets::random_token(32);
    login_tokens::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().into()),
        token_hash: Set(secrets::token_hash(&token)),
        new_email: Set(new_email),
        expires_at: Set(now + ttl),
        used_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The unused, unexpired token, without using it up (for the page that asks to confirm).
pub async fn peek_token(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<login_tokens::Model>, DbErr> {
    login_tokens::Entity::find()
        .filter(valid_token(token, purpose, now))
        .one(db)
        .await
}

/// Uses the token up. A single conditional UPDATE decides, so two concurrent requests with the
/// same token cannot both succeed.
pub async fn consume_token(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<login_tokens::Model>, DbErr> {
    let Some(found) = peek_token(db, token, purpose, now).await? else {
        return Ok(None);
    };
    let updated = login_tokens::Entity::update_many()
        .col_expr(login_tokens::Column::UsedAt, Some(now).into())
        .filter(login_tokens::Column::Id.eq(found.id))
        .filter(login_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok((updated.rows_affected == 1).then_some(found))
}

fn valid_token(token: &str, purpose: TokenPurpose, now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(login_tokens::Column::TokenHash.eq(secrets::token_hash(token)))
        .add(login_tokens::Column::Purpose.eq(purpose.as_str()))
        .add(login_tokens::Column::UsedAt.is_null())
        .add(login_tokens::Column::ExpiresAt.gt(now))
}

pub struct Registration<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub display_name: Option<&'a str>,
    pub lang: Lang,
}

/// Registers an account and queues the verification mail. An address that already has an account
/// gets a mail saying so instead; the caller answers both cases alike, so the form does not reveal
/// who has an account.
pub async fn register(
    db: &impl ConnectionTrait,
    state: &AppState,
    form: Registration<'_>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let email = normalize_email(form.email);
    if let Some(existing) = find_by_email(db, &email).await? {
        notifications::enqueue(
            db,
            state,
            Email {
                to: &existing.email,
                lang: user_lang(&existing),
                kind: "account_exists",
                data: json!({
                    "login_url": state.settings.absolute_url("/account/login"),
                    "reset_url": state.settings.absolute_url("/account/reset"),
                }),
            },
        )
        .await?;
        return Ok(());
    }
    let user = users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.clone()),
        email_verified_at: Set(None),
        password_hash: Set(Some(passwords::hash_off_thread(form.password).await?)),
        display_name: Set(form.display_name.map(str::to_string)),
        language: Set(form.lang.code().into()),
        session_version: Set(1),
        created_at: Set(now),
        last_login_at: Set(None),
    }
    .insert(db)
    .await?;
    send_verification(db, state, &user).await
}

/// Queues a fresh verification link for `user`.
pub async fn send_verification(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &users::Model,
) -> Result<(), AppError> {
    let token = issue_token(
        db,
        user.id,
        TokenPurpose::Verify,
        VERIFY_TTL,
        None,
        state.clock.now(),
    )
    .await?;
    notifications::enqueue(
        db,
        state,
        Email {
            to: &user.email,
            lang: user_lang(user),
            kind: "verify",
            data: json!({ "url": state.settings.absolute_url(&format!("/account/verify/{token}")) }),
        },
    )
    .await
}

pub enum LoginOutcome {
    SignedIn(users::Model),
    WrongCredentials,
    /// Right password, but the address was never confirmed.
    Unverified(users::Model),
}

pub async fn check_login(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
) -> Result<LoginOutcome, DbErr> {
    let user = find_by_email(db, email).await?;
    let ok = passwords::verify_off_thread(
        password,
        user.as_ref().and_then(|u| u.password_hash.as_deref()),
    )
    .await;
    Ok(match user {
        Some(user) if ok && user.email_verified_at.is_none() => LoginOutcome::Unverified(user),
        Some(user) if ok => LoginOutcome::SignedIn(user),
        _ => LoginOutcome::WrongCredentials,
    })
}

pub async fn record_login(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::LastLoginAt, Some(now).into())
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Confirms the address the token was sent to.
pub async fn verify_email(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(found) = consume_token(db, token, TokenPurpose::Verify, now).await? else {
        return Ok(false);
    };
    mark_verified(db, found.user_id, now).await?;
    Ok(true)
}

pub async fn mark_verified(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::EmailVerifiedAt, Some(now).into())
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::EmailVerifiedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Which link an e-mail form asks for.
#[derive(Clone, Copy)]
pub enum MailLink {
    Magic,
    Reset,
}

/// Queues a sign-in link or a password-reset link when the address has an account; nothing
/// happens otherwise (the caller answers alike).
pub async fn send_mail_link(
    db: &impl ConnectionTrait,
    state: &AppState,
    email: &str,
    link: MailLink,
) -> Result<(), AppError> {
    let Some(user) = find_by_email(db, email).await? else {
        return Ok(());
    };
    let now = state.clock.now();
    let (purpose, ttl, kind, path) = match link {
        MailLink::Magic => (TokenPurpose::Magic, MAGIC_TTL, "magic", "/account/magic"),
        MailLink::Reset => (TokenPurpose::Password, RESET_TTL, "reset", "/account/reset"),
    };
    let token = issue_token(db, user.id, purpose, ttl, None, now).await?;
    notifications::enqueue(
        db,
        state,
        Email {
            to: &user.email,
            lang: user_lang(&user),
            kind,
            data: json!({
                "url": state.settings.absolute_url(&format!("{path}/{token}")),
                "minutes": ttl.num_minutes(),
            }),
        },
    )
    .await
}

/// Signs in with a magic link: the person proved they read the mailbox, which also verifies it.
pub async fn use_magic_link(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<users::Model>, DbErr> {
    let Some(found) = consume_token(db, token, TokenPurpose::Magic, now).await? else {
        return Ok(None);
    };
    let Some(user) = users::Entity::find_by_id(found.user_id).one(db).await? else {
        return Ok(None);
    };
    if user.email_verified_at.is_none() {
        // Whoever registered this unconfirmed account may not own the mailbox: the password they
        // chose must not outlive the owner's first sign-in.
        users::Entity::update_many()
            .col_expr(users::Column::PasswordHash, Option::<String>::None.into())
            .col_expr(
                users::Column::SessionVersion,
                (user.session_version + 1).into(),
            )
            .filter(users::Column::Id.eq(user.id))
            .exec(db)
            .await?;
    }
    mark_verified(db, user.id, now).await?;
    users::Entity::find_by_id(user.id).one(db).await
}

/// Sets a new password through a reset or invitation link. Other sessions end.
pub async fn reset_password(
    db: &impl ConnectionTrait,
    token: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Option<users::Model>, AppError> {
    let Some(found) = consume_token(db, token, TokenPurpose::Password, now).await? else {
        return Ok(None);
    };
    mark_verified(db, found.user_id, now).await?;
    Ok(Some(store_password(db, found.user_id, password).await?))
}

/// Stores a new password hash and bumps the session version, so every other session ends.
pub async fn store_password(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    password: &str,
) -> Result<users::Model, AppError> {
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let version = user.session_version + 1;
    let mut active = user.into_active_model();
    active.password_hash = Set(Some(passwords::hash_off_thread(password).await?));
    active.session_version = Set(version);
    let updated = active.update(db).await?;
    crate::accounts::sessions::end_others(db, user_id, None).await?;
    Ok(updated)
}

pub async fn verify_password(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    password: &str,
) -> Result<bool, DbErr> {
    let user = users::Entity::find_by_id(user_id).one(db).await?;
    Ok(passwords::verify_off_thread(
        password,
        user.as_ref().and_then(|u| u.password_hash.as_deref()),
    )
    .await)
}

pub async fn update_profile(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    display_name: Option<String>,
    lang: Lang,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::DisplayName, display_name.into())
        .col_expr(users::Column::Language, lang.code().into())
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sends a confirmation link to the new address; the account keeps its old address until the link
/// is used. The old address is told, so a hijacked session cannot move an account quietly.
pub async fn request_email_change(
    db: &impl ConnectionTrait,
    state: &AppState,
    user: &CurrentUser,
    new_email: &str,
) -> Result<(), AppError> {
    let new_email = normalize_email(new_email);
    let token = issue_token(
        db,
        user.id,
        TokenPurpose::EmailChange,
        EMAIL_CHANGE_TTL,
        Some(new_email.clone()),
        state.clock.now(),
    )
    .await?;
    notifications::enqueue(
        db,
        state,
        Email {
            to: &new_email,
            lang: user.language,
            kind: "email_change",
            data: json!({ "url": state.settings.absolute_url(&format!("/account/email/{token}")) }),
        },
    )
    .await?;
    notifications::enqueue(
        db,
        state,
        Email {
            to: &user.email,
            lang: user.language,
            kind: "email_change_notice",
            data: json!({ "new_email": new_email }),
        },
    )
    .await
}

pub enum EmailChange {
    Changed,
    InvalidToken,
    /// Someone registered the address after the link was sent.
    Taken,
}

pub async fn confirm_email_change(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<EmailChange, DbErr> {
    let Some(found) = consume_token(db, token, TokenPurpose::EmailChange, now).await? else {
        return Ok(EmailChange::InvalidToken);
    };
    let Some(new_email) = found.new_email else {
        return Ok(EmailChange::InvalidToken);
    };
    if find_by_email(db, &new_email).await?.is_some() {
        return Ok(EmailChange::Taken);
    }
    users::Entity::update_many()
        .col_expr(users::Column::Email, new_email.into())
        .col_expr(users::Column::EmailVerifiedAt, Some(now).into())
        .filter(users::Column::Id.eq(found.user_id))
        .exec(db)
        .await?;
    Ok(EmailChange::Changed)
}

/// Deletes the account and every personal datum tied to it or to its address (DESIGN.md: each
/// has a purpose, an export in [`export_data`] and this deletion path):
/// - the account row, its server-side sessions with their device labels, and with it (by the
///   database) its roles and tokens (a session cookie names an account that no longer exists);
/// - mail to the address, or to a new address it was changing to, not yet sent or kept;
/// - subscriptions to new rounds, sign-ups to workshops and ideas posted without an account,
///   made with the address;
/// - supports, shown names on ideas and comments, flags' reporter keys and survey participation
///   marks of the account.
///
/// Contributions stay, anonymised; audit entries it made stay, without the link to the person.
/// Rate-limit buckets are keyed hashes that expire within the hour and are left to expire.
pub async fn delete_account(
    db: &impl ConnectionTrait,
    keys: &secrets::Keys,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if let Some(email) = email_of(db, user_id).await? {
        let pending: Vec<String> = login_tokens::Entity::find()
            .filter(login_tokens::Column::UserId.eq(user_id))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|t| t.new_email)
            .collect();
        let addresses: Vec<&str> = pending
            .iter()
            .map(String::as_str)
            .chain([email.as_str()])
            .collect();
        crate::notifications::service::forget_recipients(db, keys, &addresses).await?;
        crate::rounds::service::forget_subscriber(db, &email).await?;
        crate::workshops::personal_data::forget_address(db, &email, now).await?;
        crate::ideas::personal_data::forget_visitor_address(db, &email).await?;
    }
    // Supports, shown names: see there. Contributions stay, anonymised.
    crate::ideas::personal_data::forget_user(db, user_id).await?;
    crate::moderation::service::forget_reporter(db, keys, user_id).await?;
    crate::surveys::service::forget_participant(db, keys, user_id).await?;
    crate::accounts::sessions::end_others(db, user_id, None).await?;
    users::Entity::delete_by_id(user_id).exec(db).await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: None,
            municipality_id: None,
            action: "account.deleted",
            target_type: "user",
            target_id: Some(user_id.to_string()),
            summary: json!({}),
        },
    )
    .await
}

/// Everything the platform stores about the account, as the person may ask for (Art. 15 GDPR).
pub async fn export_data(
    db: &impl ConnectionTrait,
    keys: &secrets::Keys,
    user_id: Uuid,
) -> Result<Value, DbErr> {
    let user = users::Entity::find_by_id(user_id).one(db).await?;
    let Some(user) = user else {
        return Ok(Value::Null);
    };
    let roles = role_assignments::Entity::find()
        .filter(role_assignments::Column::UserId.eq(user_id))
        .find_also_related(municipalities::Entity)
        .all(db)
        .await?;
    let actions = audit_log::Entity::find()
        .filter(audit_log::Column::ActorId.eq(user_id))
        .order_by_asc(audit_log::Column::CreatedAt)
        .all(db)
        .await?;
    let ideas = crate::ideas::personal_data::export_of(db, user_id).await?;
    let tokens = login_tokens::Entity::find()
        .filter(login_tokens::Column::UserId.eq(user_id))
        .order_by_asc(login_tokens::Column::CreatedAt)
        .all(db)
        .await?;
    let mail = crate::notifications::service::mails_to(db, keys, &[user.email.as_str()]).await?;
    Ok(json!({
        "ideas": ideas,
        "ideas_without_account": crate::ideas::personal_data::visitor_ideas_of(db, &user.email).await?,
        "flags": crate::moderation::service::flags_of(db, keys, user_id).await?,
        "surveys_taken_part": crate::surveys::service::participations_of(db, keys, user_id).await?,
        "round_subscriptions": crate::rounds::service::subscriptions_of(db, &user.email).await?,
        "workshop_signups": crate::workshops::personal_data::signups_of(db, &user.email).await?,
        "sessions": crate::accounts::sessions::export_of(db, user_id).await?,
        // The outbox keeps the address only encrypted and only until the mail is sent; the
        // domain and a keyed hash (how this list was found) stay.
        "mail": mail.iter().map(|m| json!({
            "to_domain": m.recipient_domain,
            "kind": m.kind,
            "subject": m.subject,
            "status": m.status,
            "attempts": m.attempts,
            "last_error": m.last_error,
            "created_at": m.created_at,
            "sent_at": m.sent_at,
        })).collect::<Vec<_>>(),
        "links_sent": tokens.iter().map(|t| json!({
            "purpose": t.purpose,
            "new_email": t.new_email,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "used_at": t.used_at,
        })).collect::<Vec<_>>(),
        "account": {
            "email": user.email,
            "email_verified_at": user.email_verified_at,
            "display_name": user.display_name,
            "language": user.language,
            "created_at": user.created_at,
            "last_login_at": user.last_login_at,
        },
        "roles": roles.iter().map(|(r, m)| json!({
            "role": r.role,
            "municipality": m.as_ref().map(|m| m.name.clone()),
            "since": r.created_at,
        })).collect::<Vec<_>>(),
        "staff_actions": actions.iter().map(|a| json!({
            "at": a.created_at,
            "action": a.action,
            "target_type": a.target_type,
            "target_id": a.target_id,
        })).collect::<Vec<_>>(),
    }))
}

/// Whether the instance has an administrator yet (a fresh one has none).
pub async fn has_admin(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(role_assignments::Entity::find()
        .filter(role_assignments::Column::Role.eq(Role::Admin.as_str()))
        .count(db)
        .await?
        > 0)
}

/// Creates an admin account (or makes an existing account admin) and returns a one-time link to
/// set the password.
pub async fn create_admin(
    db: &impl ConnectionTrait,
    state: &AppState,
    email: &str,
) -> Result<String, AppError> {
    let now = state.clock.now();
    let user = ensure_user(db, email, Lang::De, now).await?;
    let is_admin = role_assignments::Entity::find()
        .filter(role_assignments::Column::UserId.eq(user.id))
        .filter(role_assignments::Column::Role.eq(Role::Admin.as_str()))
        .count(db)
        .await?
        > 0;
    if !is_admin {
        grant_role(db, user.id, Role::Admin, None, None, now).await?;
    }
    let token = issue_token(db, user.id, TokenPurpose::Password, INVITE_TTL, None, now).await?;
    Ok(state
        .settings
        .absolute_url(&format!("/account/reset/{token}")))
}

/// The account for `email`, created without a password when there is none.
pub async fn ensure_user(
    db: &impl ConnectionTrait,
    email: &str,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<users::Model, DbErr> {
    if let Some(user) = find_by_email(db, email).await? {
        return Ok(user);
    }
    users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(normalize_email(email)),
        email_verified_at: Set(None),
        password_hash: Set(None),
        display_name: Set(None),
        language: Set(lang.code().into()),
        session_version: Set(1),
        created_at: Set(now),
        last_login_at: Set(None),
    }
    .insert(db)
    .await
}

pub async fn grant_role(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    role: Role,
    municipality_id: Option<Uuid>,
    granted_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<role_assignments::Model, DbErr> {
    role_assignments::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        role: Set(role.as_str().into()),
        municipality_id: Set(municipality_id),
        granted_by: Set(granted_by),
        created_at: Set(now),
    }
    .insert(db)
    .await
}

pub enum Invitation {
    Invited,
    AlreadyHolds,
}

/// An admin makes `email` coordinator or moderator of a municipality. A new person gets a link to
/// set a password; an existing account is told about the new role.
pub async fn invite(
    db: &impl ConnectionTrait,
    state: &AppState,
    admin: &CurrentUser,
    email: &str,
    role: Role,
    municipality: &municipalities::Model,
) -> Result<Invitation, AppError> {
    let now = state.clock.now();
    let user = ensure_user(db, email, admin.language, now).await?;
    let holds = role_assignments::Entity::find()
        .filter(role_assignments::Column::UserId.eq(user.id))
        .filter(role_assignments::Column::Role.eq(role.as_str()))
        .filter(role_assignments::Column::MunicipalityId.eq(municipality.id))
        .count(db)
        .await?
        > 0;
    if holds {
        return Ok(Invitation::AlreadyHolds);
    }
    let grant = grant_role(
        db,
        user.id,
        role,
        Some(municipality.id),
        Some(admin.id),
        now,
    )
    .await?;
    let role_name = crate::web::i18n::t(user_lang(&user), &format!("role-{}", role.as_str()));
    // An unconfirmed account's password may have been set by someone else: the invitee sets
    // their own.
    let data = if user.password_hash.is_none() || user.email_verified_at.is_none() {
        let token = issue_token(db, user.id, TokenPurpose::Password, INVITE_TTL, None, now).await?;
        json!({
            "role": role_name,
            "municipality": municipality.name,
            "url": state.settings.absolute_url(&format!("/account/reset/{token}")),
            "days": INVITE_TTL.num_days(),
        })
    } else {
        json!({
            "role": role_name,
            "municipality": municipality.name,
            "url": state.settings.absolute_url("/manage"),
            "days": null,
        })
    };
    notifications::enqueue(
        db,
        state,
        Email {
            to: &user.email,
            lang: user_lang(&user),
            kind: "invite",
            data,
        },
    )
    .await?;
    audit::record(
        db,
        now,
        Entry {
            actor_id: Some(admin.id),
            municipality_id: Some(municipality.id),
            action: "role.granted",
            target_type: "role_assignment",
            target_id: Some(grant.id.to_string()),
            summary: json!({ "user": user.id, "role": role.as_str() }),
        },
    )
    .await?;
    Ok(Invitation::Invited)
}

/// Removes a coordinator or moderator role. The admin role is managed on the command line only,
/// so an admin cannot lock everyone out by a click.
pub async fn revoke(
    db: &impl ConnectionTrait,
    state: &AppState,
    admin: &CurrentUser,
    assignment_id: Uuid,
) -> Result<bool, AppError> {
    let Some(grant) = role_assignments::Entity::find_by_id(assignment_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    if grant.role == Role::Admin.as_str() {
        return Ok(false);
    }
    role_assignments::Entity::delete_by_id(grant.id)
        .exec(db)
        .await?;
    audit::record(
        db,
        state.clock.now(),
        Entry {
            actor_id: Some(admin.id),
            municipality_id: grant.municipality_id,
            action: "role.revoked",
            target_type: "role_assignment",
            target_id: Some(grant.id.to_string()),
            summary: json!({ "user": grant.user_id, "role": grant.role }),
        },
    )
    .await?;
    Ok(true)
}

/// A row of the admin's user list.
#[derive(Serialize)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub display_name: Option<String>,
    pub verified: bool,
    pub roles: Vec<RoleRow>,
}

#[derive(Serialize)]
pub struct RoleRow {
    pub id: Uuid,
    pub role: String,
    pub municipality: Option<String>,
    pub revocable: bool,
}

/// Staff accounts (anyone holding a role), filtered by an address fragment, one page at a time.
/// Two queries per page: the users, then all their roles with municipality names.
pub async fn staff_page(
    db: &impl ConnectionTrait,
    search: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<UserRow>, u64), DbErr> {
    let mut query = users::Entity::find().filter(
        users::Column::Id.in_subquery(
            sea_orm::sea_query::Query::select()
                .column(role_assignments::Column::UserId)
                .from(role_assignments::Entity)
                .to_owned(),
        ),
    );
    if let Some(search) = search.map(str::trim).filter(|s| !s.is_empty()) {
        query = query.filter(users::Column::Email.contains(search.to_lowercase()));
    }
    let paginator = query
        .order_by_asc(users::Column::Email)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    let list = paginator.fetch_page(page).await?;
    let ids: Vec<Uuid> = list.iter().map(|u| u.id).collect();
    let grants = role_assignments::Entity::find()
        .filter(role_assignments::Column::UserId.is_in(ids))
        .find_also_related(municipalities::Entity)
        .order_by_asc(role_assignments::Column::CreatedAt)
        .all(db)
        .await?;
    let rows = list
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            roles: grants
                .iter()
                .filter(|(g, _)| g.user_id == u.id)
                .map(|(g, m)| RoleRow {
                    id: g.id,
                    role: g.role.clone(),
                    municipality: m.as_ref().map(|m| m.name.clone()),
                    revocable: g.role != Role::Admin.as_str(),
                })
                .collect(),
            email: u.email,
            display_name: u.display_name,
            verified: u.email_verified_at.is_some(),
        })
        .collect();
    Ok((rows, pages))
}

/// Housekeeping: used or expired tokens, and accounts never confirmed within 30 days that hold no
/// role (an unconfirmed address may belong to someone who never asked for the account).
pub async fn purge_stale(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), DbErr> {
    login_tokens::Entity::delete_many()
        .filter(
            Condition::any()
                .add(login_tokens::Column::ExpiresAt.lt(now))
                .add(login_tokens::Column::UsedAt.lt(now - Duration::days(1))),
        )
        .exec(db)
        .await?;
    users::Entity::delete_many()
        .filter(users::Column::EmailVerifiedAt.is_null())
        .filter(users::Column::CreatedAt.lt(now - Duration::days(30)))
        .filter(
            users::Column::Id.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(role_assignments::Column::UserId)
                    .from(role_assignments::Entity)
                    .to_owned(),
            ),
        )
        .exec(db)
        .await?;
    Ok(())
}
