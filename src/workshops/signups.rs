//! The coordinators' list of a workshop's sign-ups, with the needs to prepare for, and signing
//! someone up by hand (on the phone, at the door).

use actix_web::{HttpResponse, http::StatusCode, web};
use entity::{workshop_signups, workshops};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::mail::when;
use super::model::{Refusal, SignupStatus, Source, Status, occupancy};
use super::sign_up::{Signer, SignupForm, SignupRules, store_signup};
use super::views::{LanguageCountView, SignupFormView, managed, signup_form_view, status_key};
use crate::web::forms::CheckForm;
use crate::{
    error::AppResult,
    notifications::service::{self as notifications},
    web::{
        context::{Ctx, FlashKind, see_other},
        forms::{FormErrors, HtmlForm},
        pagination::{PER_PAGE, PageQuery, PageView},
    },
};

pub async fn signups(
    ctx: Ctx,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let (_, workshop) = managed(&ctx, *id).await?;
    SignupsPage::new(&workshop, &SignupForm::blank())
        .at(query.index())
        .render(&ctx, &FormErrors::new(), StatusCode::OK)
        .await
}

/// The coordinators' sign-up list in one state: which page of the list, what was typed into the
/// form for signing someone up and the check-in code typed.
pub(super) struct SignupsPage<'a> {
    pub workshop: &'a workshops::Model,
    pub index: u64,
    pub values: &'a SignupForm,
    pub code: &'a str,
}

#[derive(Serialize)]
struct SignupsView<'a> {
    workshop: WorkshopHead<'a>,
    capacity: i32,
    confirmed: i64,
    free: i64,
    waitlisted: i64,
    attended: i64,
    needs: NeedsView,
    signups: Vec<SignupRow<'a>>,
    add_action: String,
    checkin_action: String,
    promote_action: String,
    export_href: String,
    attendance_href: String,
    code: &'a str,
    form: SignupFormView<'a>,
    pagination: PageView,
    errors: Value,
}

#[derive(Serialize)]
struct WorkshopHead<'a> {
    title: &'a str,
    when: String,
    href: String,
    status_key: String,
    is_published: bool,
}

#[derive(Serialize)]
struct NeedsView {
    signups: i64,
    people: i64,
    childcare_signups: i64,
    children: i64,
    step_free: i64,
    with_email: i64,
    without_contact: i64,
    languages: Vec<LanguageCountView>,
}

#[derive(Serialize)]
struct SignupRow<'a> {
    id: Uuid,
    seq: i32,
    code: &'a str,
    name: &'a Option<String>,
    deleted: bool,
    email: &'a Option<String>,
    phone: &'a Option<String>,
    people: i32,
    children: i32,
    children_ages: &'a Option<String>,
    interpreter: &'a Option<String>,
    step_free: bool,
    note: &'a Option<String>,
    by_staff: bool,
    status_key: String,
    checked_in: bool,
    can_check_in: bool,
    can_promote: bool,
    cancel_href: Option<String>,
    created_at: String,
}

impl<'a> SignupsPage<'a> {
    /// The first page of the list, with `values` in the sign-up form and no check-in code.
    pub fn new(workshop: &'a workshops::Model, values: &'a SignupForm) -> Self {
        Self {
            workshop,
            index: 0,
            values,
            code: "",
        }
    }

    /// The page `index` of the list.
    pub fn at(self, index: u64) -> Self {
        Self { index, ..self }
    }

    /// With the check-in code as typed.
    pub fn with_code(self, code: &'a str) -> Self {
        Self { code, ..self }
    }

    /// Renders the list with `status` (422 or 409 when `errors` say why the form was refused).
    pub async fn render(
        &self,
        ctx: &Ctx,
        errors: &FormErrors,
        status: StatusCode,
    ) -> AppResult<HttpResponse> {
        let (workshop, index) = (self.workshop, self.index);
        let db = &ctx.state.db;
        let (list, pages) = signup_list(db, workshop.id, index, PER_PAGE).await?;
        let occupied = occupancy(db, &[workshop.id])
            .await?
            .remove(&workshop.id)
            .unwrap_or_default();
        let (needs, languages) = needs(db, workshop.id).await?;
        let free = occupied.free(workshop.capacity);
        let tz = ctx.state.settings.time_zone;
        let path = |what: &str| format!("/manage/workshops/{}/{what}", workshop.id);
        let published = Status::Published.is(&workshop.status);
        let checking_in = Status::any(&[Status::Published, Status::Held], &workshop.status);
        let rows = list
            .iter()
            .map(|s| SignupRow {
                id: s.id,
                seq: s.seq,
                code: &s.code,
                name: &s.name,
                deleted: s.personal_data_deleted_at.is_some(),
                email: &s.email,
                phone: &s.phone,
                people: s.people,
                children: s.children,
                children_ages: &s.children_ages,
                interpreter: &s.interpreter_language,
                step_free: s.step_free,
                note: &s.note,
                by_staff: Source::Staff.is(&s.source),
                status_key: format!("signup-status-{}", s.status),
                checked_in: s.checked_in_at.is_some(),
                can_check_in: SignupStatus::Confirmed.is(&s.status)
                    && s.checked_in_at.is_none()
                    && checking_in,
                can_promote: SignupStatus::Waitlisted.is(&s.status)
                    && published
                    && i64::from(s.people) <= free,
                cancel_href: (SignupStatus::is_active(&s.status) && published)
                    .then(|| format!("{}?signup_id={}", path("cancel-signup"), s.id)),
                created_at: s.created_at.to_rfc3339(),
            })
            .collect();
        let view = SignupsView {
            workshop: WorkshopHead {
                title: &workshop.title,
                when: when(ctx.lang, tz, workshop),
                href: format!("/manage/workshops/{}", workshop.id),
                status_key: status_key(&workshop.status),
                is_published: published,
            },
            capacity: workshop.capacity,
            confirmed: occupied.confirmed,
            free,
            waitlisted: occupied.waitlisted,
            attended: occupied.attended,
            needs: NeedsView {
                signups: needs.signups,
                people: needs.people,
                childcare_signups: needs.childcare_signups,
                children: needs.children,
                step_free: needs.step_free,
                with_email: needs.with_email,
                without_contact: needs.without_contact,
                languages: LanguageCountView::list(&languages),
            },
            signups: rows,
            add_action: path("signups"),
            checkin_action: path("checkin"),
            promote_action: path("promote"),
            export_href: path("export.csv"),
            attendance_href: path("attendance"),
            code: self.code,
            form: signup_form_view(workshop, self.values, "signup-add-button"),
            pagination: PageView::new(index, pages, &path("signups")),
            errors: errors.view(ctx.lang),
        };
        ctx.render_about(
            status,
            "workshops/manage_signups",
            "manage-signups-title",
            &workshop.title,
            view,
        )
    }
}

pub async fn add_signup(
    ctx: Ctx,
    id: web::Path<Uuid>,
    form: HtmlForm<SignupForm>,
) -> AppResult<HttpResponse> {
    let (user, workshop) = managed(&ctx, *id).await?;
    let form = form.0;
    let input = match form.check(&SignupRules::of(&workshop)) {
        Ok(input) => input,
        Err(errors) => {
            return SignupsPage::new(&workshop, &form)
                .render(&ctx, &errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    match store_signup(
        &txn,
        &ctx.state,
        workshop.id,
        &input,
        ctx.lang,
        Signer::Staff(&user),
        ctx.state.clock.now(),
    )
    .await?
    {
        Ok(created) => {
            txn.commit().await?;
            notifications::wake(&ctx.state);
            ctx.flash(
                FlashKind::Success,
                if SignupStatus::Confirmed.is(&created.signup.status) {
                    "signup-added"
                } else {
                    "signup-added-waitlist"
                },
            )?;
            Ok(see_other(&format!(
                "/manage/workshops/{}/signups",
                workshop.id
            )))
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("signup", refusal.message_key());
            SignupsPage::new(&workshop, &form)
                .render(&ctx, &errors, StatusCode::CONFLICT)
                .await
        }
    }
}

/// Ends a staff action on a sign-up of the list: commit, say so and go back to the list; or roll
/// back and show the list with the refusal (409).
pub(super) async fn finish_staff_signup_action(
    ctx: &Ctx,
    txn: sea_orm::DatabaseTransaction,
    workshop: &workshops::Model,
    outcome: Result<(), Refusal>,
    done_key: &str,
) -> AppResult<HttpResponse> {
    match outcome {
        Ok(()) => {
            txn.commit().await?;
            notifications::wake(&ctx.state);
            ctx.flash(FlashKind::Success, done_key)?;
            Ok(see_other(&format!(
                "/manage/workshops/{}/signups",
                workshop.id
            )))
        }
        Err(refusal) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new();
            errors.add("signup", refusal.message_key());
            SignupsPage::new(workshop, &SignupForm::blank())
                .render(ctx, &errors, StatusCode::CONFLICT)
                .await
        }
    }
}

/// One page of a workshop's sign-ups (cancelled ones too), in order of arrival.
pub async fn signup_list(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
    page: u64,
    per_page: u64,
) -> Result<(Vec<workshop_signups::Model>, u64), DbErr> {
    let paginator = workshop_signups::Entity::find()
        .filter(workshop_signups::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(workshop_signups::Column::Seq)
        .paginate(db, per_page);
    let pages = paginator.num_pages().await?;
    Ok((paginator.fetch_page(page).await?, pages))
}

/// What the confirmed sign-ups need, counted in SQL.
#[derive(Clone, Debug, Default, FromQueryResult)]
pub struct Needs {
    pub signups: i64,
    pub people: i64,
    pub childcare_signups: i64,
    pub children: i64,
    pub step_free: i64,
    pub with_email: i64,
    pub without_contact: i64,
}

#[derive(Clone, Debug, FromQueryResult)]
pub struct LanguageCount {
    pub language: String,
    pub signups: i64,
}

pub async fn needs(
    db: &impl ConnectionTrait,
    workshop_id: Uuid,
) -> Result<(Needs, Vec<LanguageCount>), DbErr> {
    let needs = workshop_signups::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "signups")
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(people), 0) AS BIGINT)"),
            "people",
        )
        .column_as(
            Expr::cust(
                "CAST(COALESCE(SUM(CASE WHEN children > 0 THEN 1 ELSE 0 END), 0) AS BIGINT)",
            ),
            "childcare_signups",
        )
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(children), 0) AS BIGINT)"),
            "children",
        )
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(CASE WHEN step_free THEN 1 ELSE 0 END), 0) AS BIGINT)"),
            "step_free",
        )
        .column_as(
            Expr::cust(
                "CAST(COALESCE(SUM(CASE WHEN email IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT)",
            ),
            "with_email",
        )
        .column_as(
            Expr::cust(
                "CAST(COALESCE(SUM(CASE WHEN email IS NULL AND phone IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT)",
            ),
            "without_contact",
        )
        .filter(workshop_signups::Column::WorkshopId.eq(workshop_id))
        .filter(workshop_signups::Column::Status.eq(SignupStatus::Confirmed.as_str()))
        .into_model::<Needs>()
        .one(db)
        .await?
        .unwrap_or_default();
    let languages = workshop_signups::Entity::find()
        .select_only()
        .column_as(workshop_signups::Column::InterpreterLanguage, "language")
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "signups")
        .filter(workshop_signups::Column::WorkshopId.eq(workshop_id))
        .filter(workshop_signups::Column::Status.eq(SignupStatus::Confirmed.as_str()))
        .filter(workshop_signups::Column::InterpreterLanguage.is_not_null())
        .group_by(workshop_signups::Column::InterpreterLanguage)
        .order_by_asc(workshop_signups::Column::InterpreterLanguage)
        .into_model::<LanguageCount>()
        .all(db)
        .await?;
    Ok((needs, languages))
}
