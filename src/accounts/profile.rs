//! The profile page: display name and language, with the list of signed-in devices.

use actix_web::{HttpResponse, web};
use entity::users;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{
    accounts::{
        devices::{SessionsView, session_rows},
        forms::ProfileForm,
    },
    error::AppResult,
    web::{
        context::{ChosenLanguage, Ctx, FlashKind, see_other},
        forms::{CheckForm, FormErrors},
        i18n::Lang,
    },
};

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

/// What the profile form shows: the display name as typed and the languages to choose from.
#[derive(Serialize)]
struct ProfileValues<'a> {
    display_name: &'a str,
    languages: Vec<LanguageOption>,
}

#[derive(Serialize)]
struct LanguageOption {
    code: &'static str,
    name: String,
    selected: bool,
}

#[derive(Serialize)]
struct ProfileView<'a> {
    email: &'a str,
    values: ProfileValues<'a>,
    sessions: SessionsView,
    errors: Value,
}

fn profile_values<'a>(ctx: &Ctx, display_name: &'a str, language: &str) -> ProfileValues<'a> {
    let languages = Lang::ALL
        .iter()
        .map(|l| LanguageOption {
            code: l.code(),
            name: ctx.t(&format!("language-name-{}", l.code())),
            selected: l.code() == language,
        })
        .collect();
    ProfileValues {
        display_name,
        languages,
    }
}

pub async fn profile_form(ctx: Ctx) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let view = ProfileView {
        email: &user.email,
        values: profile_values(
            &ctx,
            user.display_name.as_deref().unwrap_or(""),
            user.language.code(),
        ),
        sessions: session_rows(&ctx).await?,
        errors: FormErrors::new().view(ctx.lang),
    };
    ctx.render("accounts/profile", "profile-title", view)
}

pub async fn profile(ctx: Ctx, form: web::Form<ProfileForm>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let form = form.into_inner();
    let (display_name, lang) = match form.check(&()) {
        Ok(checked) => checked,
        Err(errors) => {
            let view = ProfileView {
                email: &user.email,
                values: profile_values(&ctx, &form.display_name, &form.language),
                sessions: session_rows(&ctx).await?,
                errors: errors.view(ctx.lang),
            };
            return ctx.render_invalid("accounts/profile", "profile-title", view);
        }
    };
    update_profile(&ctx.state.db, user.id, display_name, lang).await?;
    ctx.flash(FlashKind::Success, "profile-saved")?;
    let mut res = see_other("/account/profile");
    res.extensions_mut().insert(ChosenLanguage(lang));
    Ok(res)
}
