//! Who is asking, in which language, with which CSRF token: resolved once per request by
//! `load_context` and read by handlers through the `Ctx` extractor.

use std::future::{Ready, ready};

use actix_session::{Session, SessionExt};
use actix_web::{
    Error, FromRequest, HttpMessage, HttpRequest, HttpResponse,
    body::MessageBody,
    cookie::{Cookie, SameSite, time::Duration as CookieDuration},
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::{StatusCode, header},
    middleware::Next,
    web,
};
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    error::{AppError, AppResult},
    identity::{
        self, CurrentUser,
        sessions::{self, Check},
    },
    secrets,
    state::AppState,
    web::{
        access::is_staff_path,
        i18n::{self, Lang},
        render, static_files,
    },
};

const SESSION_USER: &str = "uid";
const SESSION_VERSION: &str = "sv";
/// The random token of the server-side session (`identity::sessions`).
const SESSION_TOKEN: &str = "sid";
const SESSION_CSRF: &str = "csrf";
const SESSION_FLASH: &str = "flash";
pub const LANG_COOKIE: &str = "lang";

/// What `load_context` found out about the request.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    /// The server-side session of the signed-in user.
    pub session_id: Option<uuid::Uuid>,
    pub csrf_token: String,
}

/// Resolves user, language and CSRF token and keeps them in the request's extensions.
pub async fn load_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?;
    let session = req.get_session();

    // A stylesheet or icon is the same for everyone: no user, no session, no database.
    let (user, session_id, ended) = if static_files::is_static_path(req.path()) {
        (None, None, None)
    } else {
        resolve_user(&state, &session).await?
    };
    if let Some(notice) = ended {
        // The session ran out or was ended elsewhere: signed out, with a word on the login page.
        session.remove(SESSION_USER);
        session.remove(SESSION_VERSION);
        session.remove(SESSION_TOKEN);
        let mut messages: Vec<Flash> = session.get(SESSION_FLASH)?.unwrap_or_default();
        messages.push(Flash {
            kind: FlashKind::Info,
            key: notice.to_string(),
        });
        session.insert(SESSION_FLASH, messages)?;
        // Going to the login page already, the visitor sees it with the notice.
        let target = if req.path() == "/account/login" {
            None
        } else if req.method() == actix_web::http::Method::GET
            || req.method() == actix_web::http::Method::HEAD
        {
            let here = match req.query_string() {
                "" => req.path().to_string(),
                q => format!("{}?{}", req.path(), q),
            };
            let next = serde_urlencoded::to_string([("next", here)]).unwrap_or_default();
            Some(format!("/account/login?{next}"))
        } else {
            Some("/account/login".to_string())
        };
        if let Some(target) = target {
            return Ok(req.into_response(see_other(&target)).map_into_right_body());
        }
    }

    // The language switch is a plain link, so it only chooses the language of this browser (a
    // cookie): a GET changes nothing stored. The account's language, which its mails use, changes
    // with the profile form, and signing in or saving the profile sets this browser's cookie to it.
    let query_lang = web::Query::<LangQuery>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.lang.as_deref().and_then(Lang::parse));
    let lang = query_lang
        .or_else(|| req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())))
        .or(user.as_ref().map(|u| u.language))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();

    // A new visitor's token is kept in the session only when a page carries it in a form
    // (`render_page`): until then there is nothing to keep, and no cookie is set.
    let csrf_token = session_csrf_token(&session).unwrap_or_else(|| secrets::random_token(32));

    req.extensions_mut().insert(RequestContext {
        lang,
        user,
        session_id,
        csrf_token,
    });
    let mut res = next.call(req).await?;
    let chosen = res
        .response()
        .extensions()
        .get::<ChosenLanguage>()
        .map(|c| c.0);
    if let Some(lang) = chosen.or(query_lang) {
        let secure = state.settings.secure_cookies();
        let cookie = Cookie::build(LANG_COOKIE, lang.code())
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .max_age(CookieDuration::days(365))
            .finish();
        res.response_mut()
            .add_cookie(&cookie)
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    Ok(res.map_into_left_body())
}

/// The signed-in user and their server-side session, or the notice to show when the cookie names
/// a session that has ended (expired, signed out elsewhere, password changed, account gone).
async fn resolve_user(
    state: &AppState,
    session: &Session,
) -> AppResult<(
    Option<CurrentUser>,
    Option<uuid::Uuid>,
    Option<&'static str>,
)> {
    let (Some(id), Some(version)) = (
        session.get::<uuid::Uuid>(SESSION_USER).ok().flatten(),
        session.get::<i32>(SESSION_VERSION).ok().flatten(),
    ) else {
        return Ok((None, None, None));
    };
    let token = session.get::<String>(SESSION_TOKEN).ok().flatten();
    let user = identity::session_user(&state.db, id, version).await?;
    let (Some(user), Some(token)) = (user, token) else {
        return Ok((None, None, Some("session-ended")));
    };
    let now = state.clock.now();
    match sessions::check(
        &state.db,
        &state.settings,
        &token,
        user.id,
        user.is_staff(),
        now,
    )
    .await?
    {
        Check::Active(session_id) => Ok((Some(user), Some(session_id), None)),
        Check::Ended => Ok((None, None, Some("session-ended"))),
        Check::Expired => Ok((None, None, Some("session-expired"))),
    }
}

/// Set on a response whose handler chose this browser's language (signing in, saving the
/// profile): the language cookie follows it.
#[derive(Clone, Copy)]
pub struct ChosenLanguage(pub Lang);

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

/// The CSRF token the session holds (used by the CSRF check).
pub fn session_csrf_token(session: &Session) -> Option<String> {
    session.get::<String>(SESSION_CSRF).ok().flatten()
}

pub fn request_context(req: &HttpRequest) -> Option<RequestContext> {
    req.extensions().get::<RequestContext>().cloned()
}

/// A message shown once on the next rendered page.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    /// A translation key.
    pub key: String,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlashKind {
    Success,
    Info,
    Error,
}

/// Handler-side view of the request: language, user, session and rendering.
pub struct Ctx {
    pub state: web::Data<AppState>,
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    /// The server-side session of the signed-in user (marked "this device" in the profile).
    pub session_id: Option<uuid::Uuid>,
    pub csrf_token: String,
    pub session: Session,
    req: HttpRequest,
}

impl FromRequest for Ctx {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let ctx = (|| {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?;
            let rc = request_context(req)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("request context missing")))?;
            Ok::<_, AppError>(Ctx {
                state,
                lang: rc.lang,
                user: rc.user,
                session_id: rc.session_id,
                csrf_token: rc.csrf_token,
                session: req.get_session(),
                req: req.clone(),
            })
        })();
        ready(ctx.map_err(Error::from))
    }
}

impl Ctx {
    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
    }

    /// The signed-in user, or `AppError::Forbidden` (routes that need a login send anonymous
    /// visitors to the login page before this is reached).
    pub fn require_user(&self) -> AppResult<&CurrentUser> {
        self.user.as_ref().ok_or(AppError::Forbidden)
    }

    pub fn request(&self) -> &HttpRequest {
        &self.req
    }

    pub fn client_ip(&self) -> String {
        crate::web::client::ip(&self.req, &self.state.settings)
    }

    pub fn flash(&self, kind: FlashKind, key: &str) -> AppResult<()> {
        let mut messages: Vec<Flash> = self.session.get(SESSION_FLASH)?.unwrap_or_default();
        messages.push(Flash {
            kind,
            key: key.to_string(),
        });
        self.session.insert(SESSION_FLASH, messages)?;
        Ok(())
    }

    /// Starts a signed-in session, kept on the server (`identity::sessions`) and named by a random
    /// token in the cookie. The cookie session is renewed so a token planted before login is void;
    /// a session this browser held before ends.
    pub async fn sign_in(&mut self, user_id: uuid::Uuid, session_version: i32) -> AppResult<()> {
        if let (Some(user), Some(previous)) = (&self.user, self.session_id) {
            sessions::end(&self.state.db, user.id, previous).await?;
        }
        let user_agent = self
            .req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok());
        let started =
            sessions::start(&self.state.db, user_id, user_agent, self.state.clock.now()).await?;
        self.session.renew();
        self.session.insert(SESSION_USER, user_id)?;
        self.session.insert(SESSION_VERSION, session_version)?;
        self.session.insert(SESSION_TOKEN, &started.token)?;
        self.session_id = Some(started.id);
        // A fresh CSRF token too: one learned before login is worth nothing after it.
        self.csrf_token = secrets::random_token(32);
        self.session.insert(SESSION_CSRF, &self.csrf_token)?;
        Ok(())
    }

    /// Ends this browser's session, on the server too: a copy of the cookie stops working.
    pub async fn sign_out(&self) -> AppResult<()> {
        if let (Some(user), Some(id)) = (&self.user, self.session_id) {
            sessions::end(&self.state.db, user.id, id).await?;
        }
        self.session.purge();
        Ok(())
    }

    /// Renders `template` with status 200. `page` is the page's view: a typed view model
    /// (`#[derive(Serialize)]`) or, where a slice has not got one yet, a JSON value.
    pub fn render(
        &self,
        template: &str,
        title_key: &str,
        page: impl Serialize,
    ) -> AppResult<HttpResponse> {
        self.render_status(StatusCode::OK, template, title_key, page)
    }

    pub fn render_status(
        &self,
        status: StatusCode,
        template: &str,
        title_key: &str,
        page: impl Serialize,
    ) -> AppResult<HttpResponse> {
        self.render_page_titled(status, template, &self.t(title_key), page)
    }

    /// The form round-trip's "no": the same page again with status 422, the errors summarised
    /// at the top and every field as the person typed it (the page's view carries both).
    pub fn render_invalid(
        &self,
        template: &str,
        title_key: &str,
        page: impl Serialize,
    ) -> AppResult<HttpResponse> {
        self.render_status(StatusCode::UNPROCESSABLE_ENTITY, template, title_key, page)
    }

    /// The form round-trip's "yes": commits the write, then (only once it is stored) leaves a
    /// success message for the next page and answers 303 to `location`.
    pub async fn commit_and_redirect(
        &self,
        txn: DatabaseTransaction,
        flash_key: &str,
        location: &str,
    ) -> AppResult<HttpResponse> {
        txn.commit().await?;
        self.flash(FlashKind::Success, flash_key)?;
        Ok(see_other(location))
    }

    /// Renders `template` with status 200 under a title that is content (a round's title), not a
    /// translation key.
    pub fn render_title(
        &self,
        template: &str,
        title: &str,
        page: impl Serialize,
    ) -> AppResult<HttpResponse> {
        self.render_page_titled(StatusCode::OK, template, title, page)
    }

    fn render_page_titled(
        &self,
        status: StatusCode,
        template: &str,
        title: &str,
        page: impl Serialize,
    ) -> AppResult<HttpResponse> {
        let page = serde_json::to_value(page).map_err(|e| AppError::Internal(e.into()))?;
        let flash: Vec<Flash> = self.session.get(SESSION_FLASH)?.unwrap_or_default();
        if !flash.is_empty() {
            self.session.remove(SESSION_FLASH);
        }
        // A page that refused a form says so first in its title, which is what a screen reader
        // announces when the page loads and what a tab shows.
        let refused = status == StatusCode::UNPROCESSABLE_ENTITY || has_error_summary(&page);
        let title = if refused {
            format!("{}: {title}", self.t("title-error"))
        } else {
            title.to_string()
        };
        let body = render_page(
            &self.state,
            &self.req,
            &RequestContext {
                lang: self.lang,
                user: self.user.clone(),
                session_id: self.session_id,
                csrf_token: self.csrf_token.clone(),
            },
            template,
            &title,
            page,
            &flash,
        )?;
        Ok(render::html(status, body))
    }

    /// Renders `template` under a title naming the page's object first, then what kind of page it
    /// is ("Mehr Bänke im Park – Idee"), so that every idea, goal or workshop has its own title.
    pub fn render_about(
        &self,
        status: StatusCode,
        template: &str,
        title_key: &str,
        subject: &str,
        page: impl Serialize,
    ) -> AppResult<HttpResponse> {
        let title = format!("{subject} – {}", self.t(title_key));
        self.render_page_titled(status, template, &title, page)
    }
}

/// Whether the page data carries form errors to summarise (`page.errors.summary`).
fn has_error_summary(page: &Value) -> bool {
    page.pointer("/errors/summary")
        .and_then(Value::as_array)
        .is_some_and(|items| !items.is_empty())
}

/// A 303 redirect, the answer to a successful form post.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Only same-site paths are followed after login, so a link cannot send people elsewhere.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                // Browsers drop tabs and newlines, which would turn "/\t/host" into "//host".
                && !path.chars().any(char::is_control) =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

/// A link of the language switch.
#[derive(Serialize)]
struct LangLink {
    code: &'static str,
    name: String,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct FlashView {
    kind: FlashKind,
    text: String,
}

/// The signed-in person as the header shows them.
#[derive(Serialize)]
struct UserView {
    name: String,
    is_staff: bool,
    is_admin: bool,
}

/// What the base layout (`templates/layouts/`) reads around every page's own view.
#[derive(Serialize)]
struct LayoutView<'a> {
    lang: &'static str,
    legal_query: String,
    title: &'a str,
    template: &'a str,
    csrf_token: &'a str,
    user: Option<UserView>,
    flash: Vec<FlashView>,
    lang_links: Vec<LangLink>,
    path: &'a str,
    /// Staff pages load a second stylesheet, so residents' phones never download their rules.
    staff_area: bool,
    page: Value,
}

/// Renders a page inside the base layout. Also used for error pages, which have no `Ctx`.
pub fn render_page(
    state: &AppState,
    req: &HttpRequest,
    rc: &RequestContext,
    template: &str,
    title: &str,
    page: Value,
    flash: &[Flash],
) -> AppResult<String> {
    let lang = rc.lang;
    let lang_links = Lang::ALL
        .iter()
        .map(|l| LangLink {
            code: l.code(),
            name: i18n::t(*l, &format!("language-name-{}", l.code())),
            href: with_lang(req, *l),
            current: *l == lang,
        })
        .collect();
    let flash = flash
        .iter()
        .map(|f| FlashView {
            kind: f.kind,
            text: i18n::t(lang, &f.key),
        })
        .collect();
    let user = rc.user.as_ref().map(|u| UserView {
        name: u.display_name.clone().unwrap_or_else(|| u.email.clone()),
        is_staff: u.is_staff(),
        is_admin: u.is_admin(),
    });
    // A page of one municipality (its strategy, its rounds) names it, so the footer links that
    // municipality's own Impressum and privacy policy where it has them.
    let legal_query = page
        .get("legal_municipality")
        .and_then(Value::as_str)
        .map(|slug| {
            format!(
                "?{}",
                serde_urlencoded::to_string([("municipality", slug)]).unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let path = req.path();
    let layout = LayoutView {
        lang: lang.code(),
        legal_query,
        title,
        template,
        csrf_token: &rc.csrf_token,
        user,
        flash,
        lang_links,
        path,
        staff_area: is_staff_path(path),
        page,
    };
    let html = state.templates.render(template, &layout)?;
    if html.contains(rc.csrf_token.as_str()) {
        let session = req.get_session();
        if session_csrf_token(&session).as_deref() != Some(rc.csrf_token.as_str()) {
            session.insert(SESSION_CSRF, &rc.csrf_token)?;
        }
    }
    Ok(html)
}

/// The current URL with `lang` set, for the language switch (a plain link, no script).
fn with_lang(req: &HttpRequest, lang: Lang) -> String {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    pairs.retain(|(k, _)| k != "lang");
    pairs.push(("lang".into(), lang.code().into()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{}?{}", req.path(), query)
}
