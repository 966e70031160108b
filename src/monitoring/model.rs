//! Monitoring's shared domain: the stored enums of an indicator (unit, good direction,
//! frequency), the period a value belongs to, numbers as people type and read them, loading what
//! a coordinator may edit, and the audit entry every editing use case writes.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{areas, municipalities};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    admin::service::find_municipality,
    error::{AppError, AppResult},
    identity::CurrentUser,
    web::i18n::{self, Lang},
};

/// Declares a stored string enum: `ALL`, `as_str` (the stored string) and `parse`.
macro_rules! stored_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// Every stored string, in form order.
            pub fn values() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.as_str()).collect()
            }
        }
    };
}

stored_enum! {
    /// What an indicator's values count in.
    Unit { Percent => "percent", Count => "count", PerThousand => "per_thousand", Euro => "euro" }
}

stored_enum! {
    /// Which way an indicator should move for things to get better.
    GoodDirection { Down => "down", Up => "up" }
}

stored_enum! {
    /// How often an indicator gets a new value: the kind of period its values are for.
    Frequency { Year => "year", HalfYear => "half_year", Quarter => "quarter", Month => "month" }
}

/// The earliest and latest year a period may name.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2100;

/// The time a value is for: a year (`2024`), a half-year (`2024-H1`), a quarter (`2024-Q3`) or a
/// month (`2024-05`). Stored as that text; ordered by when it begins, then by length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Year(i32),
    HalfYear(i32, u32),
    Quarter(i32, u32),
    Month(i32, u32),
}

impl Period {
    /// Reads a period as stored or typed (`2024-q3` too); `None` for anything else.
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let (year, rest) = match text.split_once('-') {
            Some((year, rest)) => (year, Some(rest)),
            None => (text, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return None;
        }
        let number = |digits: &str, max: u32| -> Option<u32> {
            let n: u32 = digits
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| digits.parse().ok())??;
            (1..=max).contains(&n).then_some(n)
        };
        let Some(rest) = rest else {
            return Some(Period::Year(year));
        };
        let upper = rest.to_ascii_uppercase();
        if let Some(half) = upper.strip_prefix('H') {
            (half.len() == 1).then(|| number(half, 2).map(|h| Period::HalfYear(year, h)))?
        } else if let Some(quarter) = upper.strip_prefix('Q') {
            (quarter.len() == 1).then(|| number(quarter, 4).map(|q| Period::Quarter(year, q)))?
        } else {
            (rest.len() == 2).then(|| number(rest, 12).map(|m| Period::Month(year, m)))?
        }
    }

    pub fn frequency(self) -> Frequency {
        match self {
            Period::Year(_) => Frequency::Year,
            Period::HalfYear(..) => Frequency::HalfYear,
            Period::Quarter(..) => Frequency::Quarter,
            Period::Month(..) => Frequency::Month,
        }
    }

    /// The first day of the period.
    pub fn starts_on(self) -> NaiveDate {
        let (year, month) = match self {
            Period::Year(y) => (y, 1),
            Period::HalfYear(y, h) => (y, 6 * (h - 1) + 1),
            Period::Quarter(y, q) => (y, 3 * (q - 1) + 1),
            Period::Month(y, m) => (y, m),
        };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Whether the period has not begun yet on `today`: no value can be known for it.
    pub fn is_after(self, today: NaiveDate) -> bool {
        self.starts_on() > today
    }

    /// The latest period of `frequency` that has ended before `today`: the one a value is
    /// expected for by now.
    pub fn last_completed(frequency: Frequency, today: NaiveDate) -> Period {
        use chrono::Datelike;
        let (year, month) = (today.year(), today.month());
        match frequency {
            Frequency::Year => Period::Year(year - 1),
            Frequency::HalfYear if month <= 6 => Period::HalfYear(year - 1, 2),
            Frequency::HalfYear => Period::HalfYear(year, 1),
            Frequency::Quarter if month <= 3 => Period::Quarter(year - 1, 4),
            Frequency::Quarter => Period::Quarter(year, (month - 1) / 3),
            Frequency::Month if month == 1 => Period::Month(year - 1, 12),
            Frequency::Month => Period::Month(year, month - 1),
        }
    }

    /// An example of a period of `frequency` in `year`, for the messages that ask for one.
    pub fn example(frequency: Frequency, year: i32) -> Period {
        match frequency {
            Frequency::Year => Period::Year(year),
            Frequency::HalfYear => Period::HalfYear(year, 1),
            Frequency::Quarter => Period::Quarter(year, 3),
            Frequency::Month => Period::Month(year, 5),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::HalfYear(y, h) => write!(f, "{y}-H{h}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

/// A number as people type it: `11,8` or `11.8`, `-3`, no thousands separators. `None` for
/// anything else (words, `1.234,5`, `inf`).
/// Whether a write failed because another person stored the same thing a moment before (two
/// values for one area and period, two areas of one name): the form says so instead of failing.
pub fn stored_meanwhile(error: &DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    let digits = text.strip_prefix('-').unwrap_or(&text);
    let plain = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && digits.bytes().any(|b| b.is_ascii_digit());
    if !plain {
        return None;
    }
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A number as the locale writes it for reading: at most two decimal places and the thousands
/// grouped (`12.345,6` in German, `12,345.6` in English).
pub fn format_number(lang: Lang, value: f64) -> String {
    let plain = plain_number(value);
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let group = i18n::t(lang, "monitoring-thousands-separator");
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push_str(&group);
        }
        grouped.push(digit);
    }
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        let decimal = i18n::t(lang, "monitoring-decimal-separator");
        format!("{sign}{grouped}{decimal}{fraction}")
    }
}

/// A number as it goes back into a form field: the locale's decimal separator, no grouping (what
/// the form takes).
pub fn form_number(lang: Lang, value: Option<f64>) -> String {
    value
        .map(|v| plain_number(v).replace('.', &i18n::t(lang, "monitoring-decimal-separator")))
        .unwrap_or_default()
}

/// At most two decimal places, trailing zeros dropped, `.` as the decimal point.
fn plain_number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    if text == "-0" { "0".to_string() } else { text }
}

/// Today in the instance's time zone, from the injectable clock.
pub fn today(now: DateTime<Utc>, tz: chrono_tz::Tz) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

// ---- access ----

/// The municipality `id`, if `user` coordinates it; 404 otherwise, so ids cannot be probed.
pub async fn managed_municipality(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<municipalities::Model> {
    let municipality = find_municipality(db, id).await?.ok_or(AppError::NotFound)?;
    if user.coordinates(municipality.id) {
        Ok(municipality)
    } else {
        Err(AppError::NotFound)
    }
}

/// The area `id` and its municipality, if `user` coordinates that municipality.
pub async fn managed_area(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<(areas::Model, municipalities::Model)> {
    let area = areas::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let municipality = managed_municipality(db, user, area.municipality_id).await?;
    Ok((area, municipality))
}

/// Every area of a municipality, by name.
pub async fn areas_of(
    db: &impl ConnectionTrait,
    municipality_id: Uuid,
) -> Result<Vec<areas::Model>, DbErr> {
    use sea_orm::QueryOrder;
    areas::Entity::find()
        .filter(areas::Column::MunicipalityId.eq(municipality_id))
        .order_by_asc(areas::Column::Name)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_and_write_the_four_forms() {
        for (text, period) in [
            ("2024", Period::Year(2024)),
            ("2024-H1", Period::HalfYear(2024, 1)),
            ("2024-Q3", Period::Quarter(2024, 3)),
            ("2024-05", Period::Month(2024, 5)),
        ] {
            assert_eq!(Period::parse(text), Some(period), "{text}");
            assert_eq!(period.to_string(), text);
        }
        assert_eq!(Period::parse(" 2024-q4 "), Some(Period::Quarter(2024, 4)));
        assert_eq!(Period::parse("2024-h2"), Some(Period::HalfYear(2024, 2)));
    }

    #[test]
    fn periods_refuse_what_is_not_one() {
        for text in [
            "", "24", "20240", "2024-", "2024-H3", "2024-H0", "2024-Q5", "2024-Q0", "2024-13",
            "2024-00", "2024-5", "2024-005", "1899", "2101", "2024-Q+1", "+202", "2024-H12",
            "abcd", "2024/05",
        ] {
            assert_eq!(Period::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn the_period_expected_by_now_is_the_last_one_that_ended() {
        let day =
            |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d}"));
        let at = |f, y, m, d| Period::last_completed(f, day(y, m, d));
        assert_eq!(at(Frequency::Year, 2026, 1, 1), Period::Year(2025));
        assert_eq!(at(Frequency::Year, 2026, 12, 31), Period::Year(2025));
        assert_eq!(
            at(Frequency::HalfYear, 2026, 6, 30),
            Period::HalfYear(2025, 2)
        );
        assert_eq!(
            at(Frequency::HalfYear, 2026, 7, 1),
            Period::HalfYear(2026, 1)
        );
        assert_eq!(
            at(Frequency::Quarter, 2026, 3, 31),
            Period::Quarter(2025, 4)
        );
        assert_eq!(at(Frequency::Quarter, 2026, 4, 1), Period::Quarter(2026, 1));
        assert_eq!(
            at(Frequency::Quarter, 2026, 12, 31),
            Period::Quarter(2026, 3)
        );
        assert_eq!(at(Frequency::Month, 2026, 1, 15), Period::Month(2025, 12));
        assert_eq!(at(Frequency::Month, 2026, 11, 30), Period::Month(2026, 10));
    }

    #[test]
    fn periods_know_when_they_begin() {
        let day =
            |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d}"));
        assert_eq!(Period::HalfYear(2024, 2).starts_on(), day(2024, 7, 1));
        assert_eq!(Period::Quarter(2024, 3).starts_on(), day(2024, 7, 1));
        assert_eq!(Period::Month(2024, 12).starts_on(), day(2024, 12, 1));
        let today = day(2026, 11, 30);
        assert!(!Period::Year(2026).is_after(today));
        assert!(!Period::Month(2026, 11).is_after(today));
        assert!(Period::Month(2026, 12).is_after(today));
        assert!(Period::Year(2027).is_after(today));
        assert!(Period::Year(2024) < Period::Month(2024, 5));
    }

    #[test]
    fn numbers_take_a_comma_or_a_point() {
        assert_eq!(parse_number("11,8"), Some(11.8));
        assert_eq!(parse_number("11.8"), Some(11.8));
        assert_eq!(parse_number("-3"), Some(-3.0));
        for text in ["", "-", ",", "1.234,5", "inf", "NaN", "1e5", "zwölf"] {
            assert_eq!(parse_number(text), None, "{text:?}");
        }
        assert_eq!(format_number(Lang::De, 11.8), "11,8");
        assert_eq!(format_number(Lang::En, 11.8), "11.8");
        assert_eq!(format_number(Lang::De, 300.0), "300");
        assert_eq!(format_number(Lang::De, 0.126), "0,13");
        assert_eq!(format_number(Lang::De, 12345.6), "12.345,6");
        assert_eq!(format_number(Lang::En, -1234567.0), "-1,234,567");
        assert_eq!(format_number(Lang::De, 999.0), "999");
        assert_eq!(form_number(Lang::De, Some(12345.6)), "12345,6");
    }
}
