use actix_web::{HttpResponse, http::StatusCode, web};
use entity::municipalities;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    admin::service as admin,
    error::{AppError, AppResult},
    legal::service::{self, Kind, MAX_CHARS, Saved},
    web::{
        context::Ctx,
        forms::{CheckForm, FormErrors},
        i18n,
    },
};

#[derive(Debug, Default, Deserialize)]
pub struct LegalQuery {
    /// A municipality's slug: its own version, where it has one.
    pub municipality: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LegalForm {
    #[serde(default)]
    pub municipality: String,
    #[serde(default)]
    pub body: String,
}

impl CheckForm for LegalForm {
    /// The text as typed (an empty one removes a municipality's own version).
    type Input = String;
    /// Whether the text is a municipality's own version, which may be empty.
    type Rules = bool;

    fn check(&self, for_municipality: &bool) -> Result<String, FormErrors> {
        let mut errors = FormErrors::new();
        if !for_municipality && self.body.trim().is_empty() {
            errors.add("body", "error-legal-text-missing");
        } else if self.body.chars().count() > MAX_CHARS {
            errors.add("body", "error-legal-text-too-long");
        }
        if errors.is_empty() {
            Ok(self.body.clone())
        } else {
            Err(errors)
        }
    }
}

/// The municipality a `?municipality=` names; an unknown slug is a page that does not exist.
async fn municipality_of(
    ctx: &Ctx,
    slug: Option<&str>,
) -> AppResult<Option<municipalities::Model>> {
    match slug.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(slug) => Ok(Some(
            admin::municipality_by_slug(&ctx.state.db, slug)
                .await?
                .ok_or(AppError::NotFound)?,
        )),
    }
}

fn title_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Imprint => "legal-imprint-title",
        Kind::Privacy => "legal-privacy-title",
    }
}

fn with_place(ctx: &Ctx, key: &str, place: Option<&municipalities::Model>) -> String {
    match place {
        Some(p) => i18n::t_args(
            ctx.lang,
            "legal-title-of-municipality",
            &[
                ("title", ctx.t(key).into()),
                ("municipality", p.name.clone().into()),
            ],
        ),
        None => ctx.t(key),
    }
}

pub async fn imprint(ctx: Ctx, query: web::Query<LegalQuery>) -> AppResult<HttpResponse> {
    show(ctx, Kind::Imprint, query.into_inner()).await
}

pub async fn privacy(ctx: Ctx, query: web::Query<LegalQuery>) -> AppResult<HttpResponse> {
    show(ctx, Kind::Privacy, query.into_inner()).await
}

async fn show(ctx: Ctx, kind: Kind, query: LegalQuery) -> AppResult<HttpResponse> {
    let place = municipality_of(&ctx, query.municipality.as_deref()).await?;
    let text = service::text_for(&ctx.state.db, kind, place.as_ref().map(|p| p.id)).await?;
    let is_admin = ctx.user.as_ref().is_some_and(|u| u.is_admin());
    let edit_href = match &place {
        Some(p) => format!("{}?municipality={}", kind.manage_path(), p.slug),
        None => kind.manage_path().to_string(),
    };
    let title = with_place(&ctx, title_key(kind), place.as_ref());
    let view = ShowView {
        heading: title.clone(),
        body: text.as_ref().map(|t| t.body.clone()),
        updated_at: text.as_ref().map(|t| t.updated_at.to_rfc3339()),
        missing_key: format!("legal-{}-missing", kind.as_str()),
        is_admin,
        edit_href,
        legal_municipality: place.as_ref().map(|p| p.slug.clone()),
    };
    ctx.render_title("legal/show", &title, view)
}

#[derive(Serialize)]
struct ShowView {
    heading: String,
    body: Option<String>,
    updated_at: Option<String>,
    missing_key: String,
    is_admin: bool,
    edit_href: String,
    /// The footer links this municipality's own texts.
    legal_municipality: Option<String>,
}

// ---- administration ----

#[derive(Serialize)]
struct OverviewView {
    instance: Vec<InstanceText>,
    municipalities: Vec<PlaceTexts>,
    missing: bool,
}

#[derive(Serialize)]
struct InstanceText {
    label: String,
    exists: bool,
    edit_href: &'static str,
    public_href: &'static str,
}

#[derive(Serialize)]
struct PlaceTexts {
    name: String,
    texts: Vec<PlaceText>,
}

#[derive(Serialize)]
struct PlaceText {
    label: String,
    own: bool,
    edit_href: String,
    public_href: String,
}

/// `/manage/legal`: which texts exist, for the instance and each municipality.
pub async fn overview(ctx: Ctx) -> AppResult<HttpResponse> {
    let db = &ctx.state.db;
    let missing = service::missing_instance_texts(db).await?;
    let own = service::municipal_versions(db).await?;
    let instance = Kind::ALL
        .iter()
        .map(|k| InstanceText {
            label: ctx.t(title_key(*k)),
            exists: !missing.contains(k),
            edit_href: k.manage_path(),
            public_href: k.path(),
        })
        .collect();
    let places = admin::all_municipalities(db)
        .await?
        .into_iter()
        .map(|m| {
            let texts = Kind::ALL
                .iter()
                .map(|k| PlaceText {
                    label: ctx.t(title_key(*k)),
                    own: own.iter().any(|(kind, id, _)| kind == k && *id == m.id),
                    edit_href: format!("{}?municipality={}", k.manage_path(), m.slug),
                    public_href: format!("{}?municipality={}", k.path(), m.slug),
                })
                .collect();
            PlaceTexts {
                name: m.name,
                texts,
            }
        })
        .collect();
    let view = OverviewView {
        instance,
        municipalities: places,
        missing: !missing.is_empty(),
    };
    ctx.render("legal/manage", "legal-manage-title", view)
}

pub async fn edit_imprint(ctx: Ctx, query: web::Query<LegalQuery>) -> AppResult<HttpResponse> {
    edit(ctx, Kind::Imprint, query.into_inner()).await
}

pub async fn edit_privacy(ctx: Ctx, query: web::Query<LegalQuery>) -> AppResult<HttpResponse> {
    edit(ctx, Kind::Privacy, query.into_inner()).await
}

async fn edit(ctx: Ctx, kind: Kind, query: LegalQuery) -> AppResult<HttpResponse> {
    let place = municipality_of(&ctx, query.municipality.as_deref()).await?;
    let own = service::own_text(&ctx.state.db, kind, place.as_ref().map(|p| p.id)).await?;
    let body = own.map(|t| t.body).unwrap_or_default();
    let page = EditPage {
        kind,
        place: place.as_ref(),
        body: &body,
    };
    page.render(&ctx, StatusCode::OK, &FormErrors::new()).await
}

/// The editor of one legal text (the instance's or a municipality's), with the text as typed.
struct EditPage<'a> {
    kind: Kind,
    place: Option<&'a municipalities::Model>,
    body: &'a str,
}

#[derive(Serialize)]
struct EditView<'a> {
    heading: String,
    action: &'static str,
    municipality: String,
    for_municipality: bool,
    instance_text: Option<String>,
    public_href: String,
    values: EditValues<'a>,
    errors: Value,
}

#[derive(Serialize)]
struct EditValues<'a> {
    body: &'a str,
}

impl EditPage<'_> {
    async fn render(
        &self,
        ctx: &Ctx,
        status: StatusCode,
        errors: &FormErrors,
    ) -> AppResult<HttpResponse> {
        let (kind, place) = (self.kind, self.place);
        let heading = with_place(
            ctx,
            match kind {
                Kind::Imprint => "legal-imprint-edit-title",
                Kind::Privacy => "legal-privacy-edit-title",
            },
            place,
        );
        let instance_text = match place {
            Some(_) => service::own_text(&ctx.state.db, kind, None)
                .await?
                .map(|t| t.body),
            None => None,
        };
        // A refused form gets "Fehler: " in front of its title from the render path.
        let title = heading.clone();
        let view = EditView {
            heading,
            action: kind.manage_path(),
            municipality: place.map(|p| p.slug.clone()).unwrap_or_default(),
            for_municipality: place.is_some(),
            instance_text,
            public_href: match place {
                Some(p) => format!("{}?municipality={}", kind.path(), p.slug),
                None => kind.path().to_string(),
            },
            values: EditValues { body: self.body },
            errors: errors.view(ctx.lang),
        };
        let mut res = ctx.render_title("legal/edit", &title, view)?;
        *res.status_mut() = status;
        Ok(res)
    }
}

pub async fn save_imprint(ctx: Ctx, form: web::Form<LegalForm>) -> AppResult<HttpResponse> {
    save(ctx, Kind::Imprint, form.into_inner()).await
}

pub async fn save_privacy(ctx: Ctx, form: web::Form<LegalForm>) -> AppResult<HttpResponse> {
    save(ctx, Kind::Privacy, form.into_inner()).await
}

async fn save(ctx: Ctx, kind: Kind, form: LegalForm) -> AppResult<HttpResponse> {
    let admin_user = ctx.require_user()?;
    let place = municipality_of(&ctx, Some(&form.municipality)).await?;
    let body = match form.check(&place.is_some()) {
        Ok(body) => body,
        Err(errors) => {
            let page = EditPage {
                kind,
                place: place.as_ref(),
                body: &form.body,
            };
            return page
                .render(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &errors)
                .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let saved = service::save(
        &txn,
        admin_user.id,
        kind,
        place.as_ref().map(|p| p.id),
        &body,
        ctx.state.clock.now(),
    )
    .await?;
    let flash = match saved {
        Saved::Removed => "legal-removed",
        Saved::Unchanged => "legal-unchanged",
        Saved::Created | Saved::Updated => "legal-saved",
    };
    ctx.commit_and_redirect(txn, flash, "/manage/legal").await
}
