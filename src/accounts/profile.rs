//! The profile page: display name and language, with the list of signed-in devices.

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::users;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    accounts::forms::ProfileForm,
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

fn profile_values(ctx: &Ctx, display_name: &str, language: &str) -> Value {
    let languages: Vec<Value> = Lang::ALL
        .iter()
        .map(|l| json!({ "code": l.code(), "name": ctx.t(&format!("language-name-{}", l.code())), "selected": l.code() == language }))
        .collect();
    json!({ "display_name": display_name, "languages": languages })
}

pub async fn profile_form(ctx: Ctx) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let values = profile_values(
        &ctx,
        user.display_name.as_deref().unwrap_or(""),
        user.language.code(),
    );
    let sessions = crate::accounts::devices::session_rows(&ctx).await?;
    ctx.render(
        "accounts/profile",
        "profile-title",
        json!({ "email": user.email, "values": values, "sessions": sessions, "errors": FormErrors::new().view(ctx.lang) }),
    )
}

pub async fn profile(ctx: Ctx, form: web::Form<ProfileForm>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let form = form.into_inner();
    let (display_name, lang) = match form.check(&()) {
        Ok(checked) => checked,
        Err(errors) => {
            let values = profile_values(&ctx, &form.display_name, &form.language);
            let sessions = crate::accounts::devices::session_rows(&ctx).await?;
            return ctx.render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "accounts/profile",
                "profile-title",
                json!({ "email": user.email, "values": values, "sessions": sessions, "errors": errors.view(ctx.lang) }),
            );
        }
    };
    update_profile(&ctx.state.db, user.id, display_name, lang).await?;
    ctx.flash(FlashKind::Success, "profile-saved")?;
    let mut res = see_other("/account/profile");
    res.extensions_mut().insert(ChosenLanguage(lang));
    Ok(res)
}
