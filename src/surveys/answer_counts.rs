//! The counts a survey's results show, kept beside the answers (`survey_option_counts`,
//! `survey_number_counts`, `survey_question_counts`): raised in the transaction that stores the
//! answers, read by the results instead of counting every answer again whenever a new response
//! has come in. Answers are never deleted one by one and the counts go with their question, so
//! they always equal what counting the stored answers would give.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use entity::{survey_number_counts, survey_option_counts, survey_question_counts};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    sea_query::{Alias, Expr, ExprTrait, OnConflict},
};
use uuid::Uuid;

use crate::surveys::{answering::Answer, model::Cell};

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
}

impl Tally {
    /// Adds one response's answers, one count per answer row they are stored as
    /// ([`Answer::cells`]); a question counts the response as a respondent when it got a row.
    pub fn add_response(&mut self, answers: &[(Uuid, Answer)]) {
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
        for question in answered {
            self.questions.entry(question).or_default().0 += 1;
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
        raise::<question::Entity>(db, questions, &[question::Column::QuestionId], &counts).await
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_counts_what_the_answer_rows_hold_and_each_response_once_per_question() {
        let (choice, number, text) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let mut tally = Tally::default();
        // Two options and an "other" text on one question: one respondent, three rows.
        tally.add_response(&[
            (
                choice,
                Answer::Choices(vec![a, b], Some("mehr Bänke".into())),
            ),
            (number, Answer::Number(3)),
        ]);
        tally.add_response(&[
            (choice, Answer::Choices(vec![a], None)),
            (number, Answer::Number(3)),
            (text, Answer::Text("Licht im Park".into())),
        ]);
        // Nothing chosen: no row is stored, so no respondent either.
        tally.add_response(&[(choice, Answer::Choices(vec![], None))]);
        assert_eq!(
            tally.options,
            BTreeMap::from([((choice, a), 2), ((choice, b), 1)])
        );
        assert_eq!(tally.numbers, BTreeMap::from([((number, 3), 2)]));
        assert_eq!(
            tally.questions,
            BTreeMap::from([(choice, (2, 1)), (number, (2, 0)), (text, (1, 1))])
        );
    }
}
