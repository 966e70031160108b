//! The demo survey for `teilhabe demo`: every question type (three demographic questions and a
//! conditional one) in the first open demo round, ~300 generated responses inserted in batches,
//! results published, some free texts released and some waiting for a moderator.

use chrono::{DateTime, Duration, Utc};
use entity::{rounds, survey_answers, survey_responses, surveys};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    error::AppError,
    identity::CurrentUser,
    surveys::{
        answer_counts::{self, Tally},
        answering::Answer,
        builder::{SurveyInput, create_survey},
        lifecycle::{set_results_published, set_status},
        model::{Access, Channel, Kind, Question, Status, TextStatus},
        queries,
        question_form::QuestionInput,
        questions::add_question,
        store,
    },
};

pub const TITLE: &str = "Arbeit finden: Ihre Erfahrungen";
pub const RESPONSES: usize = 300;

/// A small deterministic generator, so the demo looks the same every time.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// An index drawn with these weights.
    fn pick(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut roll = self.next() % total.max(1);
        for (i, w) in weights.iter().enumerate() {
            if roll < *w {
                return i;
            }
            roll -= w;
        }
        0
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn question(kind: Kind, prompt: &str, options: &[&str]) -> QuestionInput {
    QuestionInput {
        kind,
        prompt: prompt.into(),
        help: String::new(),
        required: false,
        demographic: false,
        options: options.iter().map(|o| o.to_string()).collect(),
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
    }
}

const TEXTS: &[&str] = &[
    "Eine Kita, die auch früh am Morgen offen hat.",
    "Busse, die auch abends in die Gewerbegebiete fahren.",
    "Beratung ohne lange Wartezeit.",
    "Dass man im Jobcenter eine feste Ansprechperson hat.",
    "Kurse in einfacher Sprache.",
    "Hilfe beim Ausfüllen der Anträge.",
    "Bitte rufen Sie mich an: 0721 555 1234",
    "Schreiben Sie mir an anna.beispiel@example.org",
];

const WORDS: &[&str] = &[
    "Kinderbetreuung",
    "Zeit",
    "Geld",
    "Busse",
    "Beratung",
    "Sprache",
];

/// Adds the demo survey if it is missing; returns the number of responses added.
pub async fn seed(
    db: &impl ConnectionTrait,
    coordinator: &CurrentUser,
    municipality_id: Uuid,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let Some(round) = rounds::Entity::find()
        .filter(rounds::Column::MunicipalityId.eq(municipality_id))
        .filter(rounds::Column::Status.eq(crate::rounds::model::Status::Open.as_str()))
        .order_by_asc(rounds::Column::StartsAt)
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    if surveys::Entity::find()
        .filter(surveys::Column::RoundId.eq(round.id))
        .filter(surveys::Column::Title.eq(TITLE))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(0);
    }
    let goals = crate::rounds::model::goal_ids(db, round.id).await?;
    let input = SurveyInput {
        title: TITLE.into(),
        intro: "Sie suchen Arbeit oder haben gerade eine gefunden? Erzählen Sie uns in 5 Minuten, was Ihnen hilft und was fehlt.\n\nIhre Antworten sind **anonym**.".into(),
        minutes: 5,
        access: Access::Anyone,
        min_group_size: 5,
    };
    let survey = create_survey(db, coordinator, &round, &input, now).await?;
    let mut status = question(
        Kind::Single,
        "Wie sind Sie gerade beschäftigt?",
        &[
            "Ich habe Arbeit",
            "Ich suche Arbeit",
            "In Ausbildung oder Schule",
            "In Rente",
        ],
    );
    status.required = true;
    status.allow_other = true;
    status.goal_ids = goals.clone();
    let mut helps = question(
        Kind::Multiple,
        "Was würde Ihnen bei der Suche am meisten helfen?",
        &[
            "Kinderbetreuung",
            "Günstiges Ticket für Bus und Bahn",
            "Beratung in meiner Sprache",
            "Weiterbildung",
            "Hilfe bei Bewerbungen",
        ],
    );
    helps.min_choices = Some(1);
    helps.max_choices = Some(3);
    helps.goal_ids = goals.clone();
    let mut scale = question(Kind::Scale, "Wie gut fühlen Sie sich beraten?", &[]);
    scale.scale_min = Some(1);
    scale.scale_max = Some(5);
    scale.scale_min_label = "gar nicht gut".into();
    scale.scale_max_label = "sehr gut".into();
    scale.required = true;
    scale.goal_ids = goals.clone();
    let mut known = question(
        Kind::YesNo,
        "Kennen Sie die Beratungsstellen in Ihrem Stadtteil?",
        &[],
    );
    known.goal_ids = goals.clone();
    let mut minutes = question(
        Kind::Number,
        "Wie viele Minuten brauchen Sie zur nächsten Beratungsstelle?",
        &[],
    );
    minutes.number_min = Some(0);
    minutes.number_max = Some(300);
    let word = question(Kind::ShortText, "In einem Wort: Was fehlt am meisten?", &[]);
    let mut wish = question(
        Kind::LongText,
        "Was sollte die Stadt als Erstes ändern?",
        &[],
    );
    wish.goal_ids = goals.clone();
    let mut age = question(
        Kind::Single,
        "Wie alt sind Sie?",
        &["unter 25", "25 bis 44", "45 bis 64", "65 und älter"],
    );
    age.demographic = true;
    let mut household = question(
        Kind::Single,
        "Wie leben Sie?",
        &[
            "Allein",
            "Alleinerziehend",
            "Paar mit Kindern",
            "Paar ohne Kinder",
        ],
    );
    household.demographic = true;
    let mut district = question(
        Kind::Single,
        "In welchem Stadtteil wohnen Sie?",
        &["Nordstadt", "Südstadt", "Weststadt", "Innenstadt"],
    );
    district.demographic = true;

    let mid = round.municipality_id;
    add_question(db, coordinator, mid, &survey, &status, now)
        .await?
        .ok();
    let first = queries::questions(db, survey.id).await?;
    // The conditional question: only for people looking for work (on its own page).
    helps.condition = first.first().and_then(|q| q.options.get(1)).map(|o| o.id);
    for q in [
        &helps, &scale, &known, &minutes, &word, &wish, &age, &household, &district,
    ] {
        add_question(db, coordinator, mid, &survey, q, now)
            .await?
            .ok();
    }
    let qs = queries::questions(db, survey.id).await?;
    set_status(db, coordinator, mid, &survey, Status::Open, now)
        .await?
        .ok();

    let added = add_responses(db, survey.id, &qs, RESPONSES, 0x5eed_1234_abcd_ef01, now).await?;
    release_some(db, &qs).await?;
    set_results_published(db, coordinator, mid, &survey, true, now).await?;
    Ok(added)
}

/// `count` plausible responses to the demo survey's questions (`qs` as the demo builds them),
/// inserted in batches of multi-row INSERTs. Also used by the bench to seed 100,000.
pub async fn add_responses(
    db: &impl ConnectionTrait,
    survey_id: Uuid,
    qs: &[Question],
    count: usize,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut dice = Dice(seed | 1);
    let opt = |q: usize, i: usize| qs.get(q).and_then(|q| q.options.get(i)).map(|o| o.id);
    let id = |q: usize| qs.get(q).map(|q| q.model.id).unwrap_or_default();
    let mut done = 0;
    while done < count {
        let batch = (count - done).min(2_000);
        let mut response_rows = Vec::with_capacity(batch);
        let mut answer_rows: Vec<survey_answers::ActiveModel> = Vec::with_capacity(batch * 8);
        let mut tally = Tally::default();
        let mut response_ids = Vec::with_capacity(batch);
        for n in done..done + batch {
            let response_id = Uuid::new_v4();
            response_ids.push(response_id);
            let day = now.date_naive() - Duration::days((n % 12) as i64);
            response_rows.push(survey_responses::ActiveModel {
                id: Set(response_id),
                survey_id: Set(survey_id),
                channel: Set(if n % 7 == 0 {
                    Channel::Paper
                } else {
                    Channel::Online
                }
                .as_str()
                .into()),
                submitted_on: Set(day),
            });
            let mut answers: Vec<(Uuid, Answer)> = Vec::new();
            let status = dice.pick(&[40, 35, 12, 8, 5]);
            answers.push((
                id(0),
                match status {
                    4 => Answer::Choices(Vec::new(), Some("Elternzeit".into())),
                    s => Answer::Choices(opt(0, s).into_iter().collect(), None),
                },
            ));
            if status == 1 {
                let mut chosen = Vec::new();
                for (i, p) in [55, 45, 20, 35, 30].iter().enumerate() {
                    if dice.chance(*p) && chosen.len() < 3 {
                        chosen.extend(opt(1, i));
                    }
                }
                if chosen.is_empty() {
                    chosen.extend(opt(1, 0));
                }
                answers.push((id(1), Answer::Choices(chosen, None)));
            }
            answers.push((
                id(2),
                Answer::Number(1 + dice.pick(&[10, 20, 35, 25, 10]) as i32),
            ));
            if dice.chance(90) {
                answers.push((id(3), Answer::Number([1, 0, 2][dice.pick(&[45, 40, 15])])));
            }
            if dice.chance(70) {
                answers.push((id(4), Answer::Number(5 + (dice.next() % 55) as i32)));
            }
            if dice.chance(15) {
                answers.push((
                    id(5),
                    Answer::Text(WORDS[dice.pick(&[3, 2, 2, 2, 2, 1])].into()),
                ));
            }
            if dice.chance(12) {
                let text = TEXTS[(dice.next() % TEXTS.len() as u64) as usize];
                answers.push((id(6), Answer::Text(text.into())));
            }
            for (q, weights) in [
                (7, [20u64, 40, 30, 10]),
                (8, [30, 25, 30, 15]),
                (9, [30, 25, 25, 20]),
            ] {
                if dice.chance(92) {
                    let i = dice.pick(&weights);
                    answers.push((
                        id(q),
                        Answer::Choices(opt(q, i).into_iter().collect(), None),
                    ));
                }
            }
            answer_rows.extend(store::answer_rows(response_id, &answers));
            tally.add_response(survey_id, &answers);
        }
        for chunk in response_rows.chunks(500) {
            survey_responses::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        for chunk in answer_rows.chunks(500) {
            survey_answers::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        tally.store(db).await?;
        answer_counts::raise_breakdowns(db, &response_ids).await?;
        queries::count_responses(db, survey_id, batch as i64).await?;
        done += batch;
    }
    Ok(count)
}

/// Moderators released the short words and the harmless long texts; texts with contact details
/// still wait in the queue.
async fn release_some(db: &impl ConnectionTrait, qs: &[Question]) -> Result<(), AppError> {
    let id = |q: usize| qs.get(q).map(|q| q.model.id).unwrap_or_default();
    survey_answers::Entity::update_many()
        .filter(survey_answers::Column::QuestionId.eq(id(5)))
        .col_expr(
            survey_answers::Column::TextStatus,
            Expr::value(TextStatus::Released.as_str()),
        )
        .exec(db)
        .await?;
    survey_answers::Entity::update_many()
        .filter(survey_answers::Column::QuestionId.eq(id(6)))
        .filter(survey_answers::Column::TextValue.is_in(TEXTS[..4].iter().copied()))
        .col_expr(
            survey_answers::Column::TextStatus,
            Expr::value(TextStatus::Released.as_str()),
        )
        .exec(db)
        .await?;
    Ok(())
}
