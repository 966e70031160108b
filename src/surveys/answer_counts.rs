//! The counts a survey's results show, kept beside the answers (`survey_option_counts`,
//! `survey_number_counts`, `survey_question_counts`), the counts of its breakdowns by demographic
//! questions (`survey_breakdown_option_counts`, `survey_breakdown_number_counts`) and the sets of
//! questions responses answered (`survey_answered_sets`, for the responses per goal): raised in
//! the transaction that stores the answers, read instead of counting every answer again whenever
//! a new response has come in. Answers are never deleted one by one and the counts go with their
//! question or group option (the sets with their survey), so they always equal what counting the
//! stored answers would give.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use entity::{
    survey_answered_sets, survey_breakdown_number_counts, survey_breakdown_option_counts,
    survey_number_counts, survey_option_counts, survey_question_counts,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    sea_query::{Alias, Expr, ExprTrait, OnConflict},
};
use uuid::Uuid;

use crate::surveys::{
    answering::Answer,
    model::Cell,
    queries::{id_list, stmt},
};

/// Counter rows per statement: far below SQLite's and PostgreSQL's limits on bound values.
const ROWS_PER_STATEMENT: usize = 500;

/// What a number of responses add to the counts. Ordered maps: every transaction raises the
/// rows in the same order, so two on PostgreSQL never wait for each other in a cycle.
#[derive(Debug, Default, PartialEq)]
pub struct Tally {
    options: BTreeMap<(Uuid, Uuid), i64>,
    numbers: BTreeMap<(Uuid, i32), i64>,
    /// Per question: respondents and texts.
    questions: BTreeMap<Uuid, (i64, i64)>,
    /// Per survey and set of answered questions ([`set_key`]): responses.
    sets: BTreeMap<(Uuid, String), i64>,
}

/// The key a set of answered questions is kept under: their ids, sorted, separated by spaces
/// (as migration 000030 wrote them).
fn set_key(questions: &BTreeSet<Uuid>) -> String {
    questions
        .iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Tally {
    /// Adds one response to `survey_id`: one count per answer row its answers are stored as
    /// ([`Answer::cells`]); a question counts the response as a respondent when it got a row, and
    /// the questions that got one are the response's answered set.
    pub fn add_response(&mut self, survey_id: Uuid, answers: &[(Uuid, Answer)]) {
        let mut answered = BTreeSet::new();
        for (question, answer) in answers {
            for (cell, _) in answer.cells() {
                match cell {
                    Cell::Option(o) => *self.options.entry((*question, o)).or_default() += 1,
                    Cell::Value(n) => *self.numbers.entry((*question, n)).or_default() += 1,
                    Cell::Other => self.questions.entry(*question).or_default().1 += 1,
                }
                answered.insert(*question);
            }
        }
        for question in &answered {
            self.questions.entry(*question).or_default().0 += 1;
        }
        if !answered.is_empty() {
            *self
                .sets
                .entry((survey_id, set_key(&answered)))
                .or_default() += 1;
        }
    }

    /// Raises the kept counts by this tally, in the caller's transaction.
    pub async fn store(&self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        use survey_question_counts as question;
        use {survey_number_counts as number, survey_option_counts as option};
        let options = self
            .options
            .iter()
            .map(|(&(question_id, option_id), &answers)| {
                option::Model {
                    question_id,
                    option_id,
                    answers,
                }
                .into_active_model()
            });
        let key = [option::Column::QuestionId, option::Column::OptionId];
        raise::<option::Entity>(db, options, &key, &[option::Column::Answers]).await?;
        let numbers = self
            .numbers
            .iter()
            .map(|(&(question_id, number_value), &answers)| {
                number::Model {
                    question_id,
                    number_value,
                    answers,
                }
                .into_active_model()
            });
        let key = [number::Column::QuestionId, number::Column::NumberValue];
        raise::<number::Entity>(db, numbers, &key, &[number::Column::Answers]).await?;
        let questions = self
            .questions
            .iter()
            .map(
                |(&question_id, &(respondents, texts))| question::ActiveModel {
                    question_id: Set(question_id),
                    respondents: Set(respondents),
                    texts: Set(texts),
                },
            );
        let counts = [question::Column::Respondents, question::Column::Texts];
        raise::<question::Entity>(db, questions, &[question::Column::QuestionId], &counts).await?;
        let sets = self
            .sets
            .iter()
            .map(|((survey_id, questions), &responses)| {
                survey_answered_sets::Model {
                    survey_id: *survey_id,
                    questions: questions.clone(),
                    responses,
                }
                .into_active_model()
            });
        let key = [
            survey_answered_sets::Column::SurveyId,
            survey_answered_sets::Column::Questions,
        ];
        let counts = [survey_answered_sets::Column::Responses];
        raise::<survey_answered_sets::Entity>(db, sets, &key, &counts).await
    }
}

/// The answers of counted questions that are not demographic among `responses`, each beside the
/// demographic choices of its response: what the kept breakdown counts count.
const BREAKDOWN_PAIRS: &str = "FROM survey_answers d \
     JOIN survey_questions g ON g.id = d.question_id AND g.demographic \
     JOIN survey_answers a ON a.response_id = d.response_id \
     JOIN survey_questions q ON q.id = a.question_id AND NOT q.demographic \
     WHERE d.option_id IS NOT NULL AND d.response_id IN";

/// Raises the kept breakdown counts (`survey_breakdown_option_counts`,
/// `survey_breakdown_number_counts`, migration 000031) by the answers of `responses`, stored in
/// the caller's transaction just before. Counted in SQL from the stored rows, so they hold
/// whatever questions are demographic in this transaction. In key order, as [`Tally::store`].
pub async fn raise_breakdowns(db: &impl ConnectionTrait, responses: &[Uuid]) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    for chunk in responses.chunks(ROWS_PER_STATEMENT) {
        let (list, ids) = id_list(2, chunk);
        let mut values = vec![sea_orm::Value::from(Uuid::nil())];
        values.extend(ids);
        db.execute_raw(stmt(
            backend,
            &format!(
                "INSERT INTO survey_breakdown_option_counts \
                 (group_option_id, question_id, option_id, answers) \
                 SELECT d.option_id, a.question_id, COALESCE(a.option_id, $1), COUNT(*) \
                 {BREAKDOWN_PAIRS} {list} AND q.kind IN ('single', 'multiple') \
                 GROUP BY d.option_id, a.question_id, COALESCE(a.option_id, $1) \
                 ORDER BY 1, 2, 3 \
                 ON CONFLICT (group_option_id, question_id, option_id) \
                 DO UPDATE SET answers = survey_breakdown_option_counts.answers + excluded.answers"
            ),
            values,
        ))
        .await?;
        let (list, values) = id_list(1, chunk);
        db.execute_raw(stmt(
            backend,
            &format!(
                "INSERT INTO survey_breakdown_number_counts \
                 (group_option_id, question_id, number_value, answers) \
                 SELECT d.option_id, a.question_id, a.number_value, COUNT(*) \
                 {BREAKDOWN_PAIRS} {list} AND q.kind IN ('scale', 'yesno') \
                 AND a.number_value IS NOT NULL \
                 GROUP BY d.option_id, a.question_id, a.number_value \
                 ORDER BY 1, 2, 3 \
                 ON CONFLICT (group_option_id, question_id, number_value) \
                 DO UPDATE SET answers = survey_breakdown_number_counts.answers + excluded.answers"
            ),
            values,
        ))
        .await?;
    }
    Ok(())
}

/// The kept breakdown counts of the groups `groups` (the options of a demographic question):
/// (group, question, cell) → answers.
pub async fn kept_breakdown(
    db: &impl ConnectionTrait,
    groups: &[Uuid],
) -> Result<HashMap<(Uuid, Uuid, Cell), i64>, DbErr> {
    use {survey_breakdown_number_counts as numbers, survey_breakdown_option_counts as options};
    let mut out = HashMap::new();
    if groups.is_empty() {
        return Ok(out);
    }
    for row in options::Entity::find()
        .filter(options::Column::GroupOptionId.is_in(groups.iter().copied()))
        .all(db)
        .await?
    {
        let cell = if row.option_id.is_nil() {
            Cell::Other
        } else {
            Cell::Option(row.option_id)
        };
        out.insert((row.group_option_id, row.question_id, cell), row.answers);
    }
    for row in numbers::Entity::find()
        .filter(numbers::Column::GroupOptionId.is_in(groups.iter().copied()))
        .all(db)
        .await?
    {
        let cell = Cell::Value(row.number_value);
        out.insert((row.group_option_id, row.question_id, cell), row.answers);
    }
    Ok(out)
}

/// Inserts `rows`, or where a row with the same `key` is kept, raises its `counts` by theirs
/// (`counts = counts + excluded.counts`).
async fn raise<E: EntityTrait>(
    db: &impl ConnectionTrait,
    rows: impl Iterator<Item = E::ActiveModel>,
    key: &[E::Column],
    counts: &[E::Column],
) -> Result<(), DbErr>
where
    E::ActiveModel: Clone + Send,
{
    let rows: Vec<E::ActiveModel> = rows.collect();
    let raised = counts.iter().map(|column| {
        let sum =
            Expr::col((E::default(), *column)).add(Expr::col((Alias::new("excluded"), *column)));
        (*column, sum)
    });
    let on_conflict = OnConflict::columns(key.iter().copied())
        .values(raised)
        .to_owned();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        E::insert_many(chunk.to_vec())
            .on_conflict(on_conflict.clone())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The kept counts of some questions: respondents and the average of its numbers per question,
/// and the answers per cell of the questions in `counted`.
#[derive(Debug, Default)]
pub struct Kept {
    pub respondents: HashMap<Uuid, (i64, Option<f64>)>,
    pub counts: HashMap<(Uuid, Cell), i64>,
}

/// Reads the kept counts of `questions`; cells only for those in `counted`.
pub async fn kept(
    db: &impl ConnectionTrait,
    questions: &[Uuid],
    counted: &[Uuid],
) -> Result<Kept, DbErr> {
    let mut out = Kept::default();
    if questions.is_empty() {
        return Ok(out);
    }
    let is_counted = |q: &Uuid| counted.contains(q);
    let numbers = survey_number_counts::Entity::find()
        .filter(survey_number_counts::Column::QuestionId.is_in(questions.iter().copied()))
        .all(db)
        .await?;
    // Per question: the sum of its numbers and how many there are, for the average.
    let mut sums: HashMap<Uuid, (i128, i64)> = HashMap::new();
    for row in &numbers {
        let sum = sums.entry(row.question_id).or_default();
        sum.0 += i128::from(row.number_value) * i128::from(row.answers);
        sum.1 += row.answers;
        if is_counted(&row.question_id) {
            out.counts.insert(
                (row.question_id, Cell::Value(row.number_value)),
                row.answers,
            );
        }
    }
    for row in survey_question_counts::Entity::find()
        .filter(survey_question_counts::Column::QuestionId.is_in(questions.iter().copied()))
        .all(db)
        .await?
    {
        let average = sums
            .get(&row.question_id)
            .filter(|(_, n)| *n > 0)
            .map(|(sum, n)| *sum as f64 / *n as f64);
        out.respondents
            .insert(row.question_id, (row.respondents, average));
        if row.texts > 0 && is_counted(&row.question_id) {
            out.counts.insert((row.question_id, Cell::Other), row.texts);
        }
    }
    if !counted.is_empty() {
        for row in survey_option_counts::Entity::find()
            .filter(survey_option_counts::Column::QuestionId.is_in(counted.iter().copied()))
            .all(db)
            .await?
        {
            out.counts
                .insert((row.question_id, Cell::Option(row.option_id)), row.answers);
        }
    }
    Ok(out)
}

/// For each goal in `links` (question → goal), how many responses to `survey_id` answered at
/// least one of its questions: the sum over the kept answered sets that hold one.
pub async fn responses_per_goal(
    db: &impl ConnectionTrait,
    survey_id: Uuid,
    links: &[(Uuid, Uuid)],
) -> Result<HashMap<Uuid, i64>, DbErr> {
    let mut out: HashMap<Uuid, i64> = HashMap::new();
    if links.is_empty() {
        return Ok(out);
    }
    for set in survey_answered_sets::Entity::find()
        .filter(survey_answered_sets::Column::SurveyId.eq(survey_id))
        .all(db)
        .await?
    {
        let answered: BTreeSet<Uuid> = set
            .questions
            .split(' ')
            .map(Uuid::parse_str)
            .collect::<Result<_, _>>()
            .map_err(|e| DbErr::Custom(format!("survey_answered_sets: {e}")))?;
        let goals: BTreeSet<Uuid> = links
            .iter()
            .filter(|(question, _)| answered.contains(question))
            .map(|(_, goal)| *goal)
            .collect();
        for goal in goals {
            *out.entry(goal).or_default() += set.responses;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_counts_what_the_answer_rows_hold_and_each_response_once_per_question() {
        let (choice, number, text) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let survey = Uuid::new_v4();
        let mut tally = Tally::default();
        // Two options and an "other" text on one question: one respondent, three rows.
        tally.add_response(
            survey,
            &[
                (
                    choice,
                    Answer::Choices(vec![a, b], Some("mehr Bänke".into())),
                ),
                (number, Answer::Number(3)),
            ],
        );
        tally.add_response(
            survey,
            &[
                (choice, Answer::Choices(vec![a], None)),
                (number, Answer::Number(3)),
                (text, Answer::Text("Licht im Park".into())),
            ],
        );
        // Nothing chosen: no row is stored, so no respondent either.
        tally.add_response(survey, &[(choice, Answer::Choices(vec![], None))]);
        assert_eq!(
            tally.options,
            BTreeMap::from([((choice, a), 2), ((choice, b), 1)])
        );
        assert_eq!(tally.numbers, BTreeMap::from([((number, 3), 2)]));
        assert_eq!(
            tally.questions,
            BTreeMap::from([(choice, (2, 1)), (number, (2, 0)), (text, (1, 1))])
        );
        // The sets: {choice, number} and {choice, number, text}; the empty response has none.
        let set = |qs: &[Uuid]| (survey, set_key(&qs.iter().copied().collect()));
        assert_eq!(
            tally.sets,
            BTreeMap::from([
                (set(&[choice, number]), 1),
                (set(&[choice, number, text]), 1)
            ])
        );
    }
}
