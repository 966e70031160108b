//! How an indicator moves, judged the way residents read it: which way it went since the
//! baseline and whether that is better or worse (the trend), and whether it is on course to reach
//! its target by the target period, stagnating, or moving away from it (the course).

use chrono::NaiveDate;
use serde::Serialize;

use crate::monitoring::model::{GoodDirection, Period};

/// Which way a value went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Rose,
    Fell,
    Unchanged,
}

/// Whether that change is good news, per the indicator's good direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Better,
    Worse,
    Same,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Trend {
    pub change: Change,
    pub verdict: Verdict,
}

impl Trend {
    /// The arrow that shows the change.
    pub fn arrow(self) -> &'static str {
        match self.change {
            Change::Rose => "↑",
            Change::Fell => "↓",
            Change::Unchanged => "→",
        }
    }
}

/// Differences smaller than this are no change: values are shown with two decimal places.
const UNCHANGED: f64 = 0.005;

/// The trend from `from` to `to` for an indicator whose good direction is `good`.
pub fn trend(from: f64, to: f64, good: GoodDirection) -> Trend {
    let change = if (to - from).abs() < UNCHANGED {
        Change::Unchanged
    } else if to > from {
        Change::Rose
    } else {
        Change::Fell
    };
    let verdict = match (change, good) {
        (Change::Unchanged, _) => Verdict::Same,
        (Change::Rose, GoodDirection::Up) | (Change::Fell, GoodDirection::Down) => Verdict::Better,
        _ => Verdict::Worse,
    };
    Trend { change, verdict }
}

/// Where an indicator stands on the way from its baseline to its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Course {
    /// The target is reached, or the value moved towards it at least at the pace needed to
    /// reach it by the target period.
    OnCourse,
    /// Not worse than the baseline, but slower than needed (or not moving at all).
    Stagnating,
    /// Worse than the baseline.
    MovingAway,
    /// No published value after the baseline period yet.
    NoData,
}

impl Course {
    pub fn as_str(self) -> &'static str {
        match self {
            Course::OnCourse => "on_course",
            Course::Stagnating => "stagnating",
            Course::MovingAway => "moving_away",
            Course::NoData => "no_data",
        }
    }
}

/// A value at a period.
pub type At = (Period, f64);

fn days(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64
}

/// The course of an indicator from `baseline` to `target`, given its newest published value.
///
/// The pace needed is linear: by the latest period, the share of the way from baseline to target
/// that the share of the time from baseline period to target period has passed. A small
/// tolerance (5 % of the way) keeps rounding from turning "on course" into "stagnating" and
/// "unchanged" into "moving away".
pub fn course(baseline: At, latest: Option<At>, target: At, good: GoodDirection) -> Course {
    let Some((latest_period, latest_value)) = latest else {
        return Course::NoData;
    };
    let start = baseline.0.starts_on();
    if latest_period.starts_on() <= start {
        return Course::NoData;
    }
    let sign = match good {
        GoodDirection::Up => 1.0,
        GoodDirection::Down => -1.0,
    };
    // Improvements are positive whichever way is good.
    let improved = (latest_value - baseline.1) * sign;
    let needed = (target.1 - baseline.1) * sign;
    let tolerance = (needed.abs() * 0.05).max(UNCHANGED);
    if (latest_value - target.1) * sign >= -UNCHANGED {
        return Course::OnCourse;
    }
    if improved < -tolerance {
        return Course::MovingAway;
    }
    let span = days(start, target.0.starts_on());
    let share = if span <= 0.0 {
        1.0
    } else {
        (days(start, latest_period.starts_on()) / span).min(1.0)
    };
    if improved >= needed * share - tolerance && improved > UNCHANGED {
        Course::OnCourse
    } else {
        Course::Stagnating
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOWN: GoodDirection = GoodDirection::Down;
    const UP: GoodDirection = GoodDirection::Up;

    fn y(year: i32, value: f64) -> At {
        (Period::Year(year), value)
    }

    #[test]
    fn a_falling_rate_that_should_fall_is_better_and_a_rising_one_worse() {
        let t = trend(14.2, 11.8, DOWN);
        assert_eq!((t.change, t.verdict), (Change::Fell, Verdict::Better));
        assert_eq!(t.arrow(), "↓");
        let t = trend(11.8, 14.2, DOWN);
        assert_eq!((t.change, t.verdict), (Change::Rose, Verdict::Worse));
        let t = trend(50.0, 61.0, UP);
        assert_eq!((t.change, t.verdict), (Change::Rose, Verdict::Better));
        assert_eq!(t.arrow(), "↑");
        let t = trend(61.0, 50.0, UP);
        assert_eq!((t.change, t.verdict), (Change::Fell, Verdict::Worse));
        let t = trend(12.0, 12.001, UP);
        assert_eq!((t.change, t.verdict), (Change::Unchanged, Verdict::Same));
        assert_eq!(t.arrow(), "→");
    }

    #[test]
    fn on_course_means_at_least_the_pace_needed() {
        // 14 → 10 from 2019 to 2027: by 2023, half the time, it must be at 12 or below.
        let (base, target) = (y(2019, 14.0), y(2027, 10.0));
        assert_eq!(
            course(base, Some(y(2023, 12.0)), target, DOWN),
            Course::OnCourse
        );
        assert_eq!(
            course(base, Some(y(2023, 11.0)), target, DOWN),
            Course::OnCourse
        );
        assert_eq!(
            course(base, Some(y(2023, 13.5)), target, DOWN),
            Course::Stagnating
        );
        assert_eq!(
            course(base, Some(y(2023, 14.0)), target, DOWN),
            Course::Stagnating
        );
        assert_eq!(
            course(base, Some(y(2023, 15.0)), target, DOWN),
            Course::MovingAway
        );
        // Reached early: on course; past the target period and not reached: judged on the
        // whole way.
        assert_eq!(
            course(base, Some(y(2021, 9.5)), target, DOWN),
            Course::OnCourse
        );
        assert_eq!(
            course(base, Some(y(2028, 11.0)), target, DOWN),
            Course::Stagnating
        );
    }

    #[test]
    fn the_course_of_an_indicator_that_should_rise() {
        let (base, target) = (y(2020, 50.0), y(2030, 70.0));
        assert_eq!(
            course(base, Some(y(2025, 61.0)), target, UP),
            Course::OnCourse
        );
        assert_eq!(
            course(base, Some(y(2025, 52.0)), target, UP),
            Course::Stagnating
        );
        assert_eq!(
            course(base, Some(y(2025, 45.0)), target, UP),
            Course::MovingAway
        );
    }

    #[test]
    fn without_a_value_after_the_baseline_there_is_no_course_yet() {
        let (base, target) = (y(2020, 50.0), y(2030, 70.0));
        assert_eq!(course(base, None, target, UP), Course::NoData);
        assert_eq!(
            course(base, Some(y(2020, 80.0)), target, UP),
            Course::NoData
        );
        assert_eq!(
            course(base, Some((Period::Quarter(2020, 2), 55.0)), target, UP),
            Course::OnCourse
        );
    }
}
