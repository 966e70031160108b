//! Builder: adds the "district" demographic question in one step. Its options are the
//! municipality's districts (monitoring's one list), so answers can be read per district with
//! the same names the ideas, workshops and indicators use.

use actix_web::{HttpResponse, web};
use uuid::Uuid;

use crate::{
    error::AppResult,
    monitoring::areas::list_for_municipality,
    surveys::{
        lookup::managed, model::Kind, question_form::QuestionInput, questions::add_question,
    },
    web::context::{Ctx, FlashKind, see_other},
};

/// `POST /manage/surveys/{id}/questions/district`: appends a single-choice demographic question
/// whose options are the districts. Refused (with a message) without at least two districts or
/// once the survey has answers.
pub async fn add_district_question(ctx: Ctx, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (user, survey, round) = managed(&ctx, *id).await?;
    let back = format!("/manage/surveys/{}#questions", survey.id);
    let names: Vec<String> = list_for_municipality(&ctx.state.db, round.municipality_id)
        .await?
        .into_iter()
        .map(|a| a.name)
        .collect();
    if names.len() < 2 {
        ctx.flash(FlashKind::Error, "survey-district-question-no-areas")?;
        return Ok(see_other(&back));
    }
    let input = QuestionInput {
        kind: Kind::Single,
        prompt: ctx.t("survey-district-question-prompt"),
        help: String::new(),
        required: false,
        demographic: true,
        options: names,
        allow_other: false,
        min_choices: None,
        max_choices: None,
        scale_min: None,
        scale_max: None,
        scale_min_label: String::new(),
        scale_max_label: String::new(),
        number_min: None,
        number_max: None,
        condition: None,
        goal_ids: Vec::new(),
    };
    let txn = crate::db::begin_write(&ctx.state.db).await?;
    let now = ctx.state.clock.now();
    match add_question(&txn, &user, round.municipality_id, &survey, &input, now).await? {
        Ok(_) => {
            ctx.commit_and_redirect(txn, "survey-district-question-added", &back)
                .await
        }
        Err(refusal) => {
            txn.rollback().await?;
            ctx.flash(FlashKind::Error, refusal.message_key())?;
            Ok(see_other(&back))
        }
    }
}
