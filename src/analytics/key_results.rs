//! A key result scored at `as_of`: its latest value, its recent level and
//! the status that level gives against the path from baseline to target,
//! and where a clear trend would take it. Layer 3: a pure function of the
//! key result and its metric's period values.

use jiff::civil::Date;

use super::kpi::{self, Trend};
use super::level::{self, Level};
use super::periods::Period;
use super::scoring::{self, KrStatus};
use super::series::Point;
use crate::data::okrs::KeyResult;
use crate::data::{Aggregate, Direction};

/// A key result at `as_of`.
#[derive(Debug, Clone, PartialEq)]
pub struct KrResult {
    /// The latest period's value (or the one given by hand): what people
    /// expect to read.
    pub current: Option<f64>,
    /// The trend period the current value comes from, when it comes from the data.
    pub period: Option<Period>,
    /// The recent level the status is read from; `None` when the value is
    /// given by hand or there is no complete period yet.
    pub level: Option<Level>,
    /// Progress of the level (of `current` when there is no level) from
    /// baseline to target, 0..1.
    pub progress: Option<f64>,
    pub expected: f64,
    pub status: KrStatus,
    /// Where the metric's trend puts the key result on its deadline, when
    /// the trend is clear.
    pub projected: Option<f64>,
    /// When the trend reaches the target, if it is clearly heading there.
    pub reaches_target: Option<Date>,
    /// Whether the metric's trend is clear enough to project; `None`
    /// without a trend to fit.
    pub trend_clear: Option<bool>,
}

/// Scores `kr` of an OKR period that starts on `start`, from `points`, the
/// trend periods of its metric (empty without one).
pub fn score(
    kr: &KeyResult,
    start: Date,
    points: &[Point],
    aggregate: Aggregate,
    as_of: Date,
) -> KrResult {
    let direction = if kr.target >= kr.baseline {
        Direction::Higher
    } else {
        Direction::Lower
    };
    let latest = kpi::current(points);
    // Complete periods only: a week still running is read when it ends, so
    // an `as_of` in mid-week scores as the end of the week before.
    let complete: Vec<(Period, f64)> = points
        .iter()
        .filter(|p| p.period.end() <= as_of)
        .filter_map(|p| Some((p.period, p.value?)))
        .collect();
    let by_hand = kr.current.is_some();
    let level = (!by_hand).then(|| level::of(&complete)).flatten();
    let current = kr.current.or(latest.map(|(_, v)| v));
    let read = level.map(|l| l.value).or(current);
    let progress = read.map(|v| scoring::progress(kr.baseline, kr.target, v));
    let done = if by_hand {
        progress.is_some_and(|p| p >= 1.0)
    } else {
        complete.first().is_some_and(|(p, _)| {
            let since = Period::of(p.length, start);
            level::met_since(&complete, since, kr.target, direction)
        })
    };
    let expected = scoring::expected(start, kr.deadline, as_of);
    // A line through noise points somewhere: projected only when clear.
    let fitted = Trend::fit(points, aggregate, as_of);
    let line = fitted.filter(|t| t.clear);
    KrResult {
        current,
        period: if by_hand {
            None
        } else {
            latest.map(|(p, _)| p)
        },
        level,
        progress,
        expected,
        status: scoring::kr_status(progress, done, expected, kr.deadline, as_of),
        projected: line
            .filter(|_| kr.deadline > as_of)
            .map(|t| t.value_at(kr.deadline)),
        reaches_target: line.and_then(|t| t.reaches(kr.target, direction, as_of)),
        trend_clear: fitted.map(|t| t.clear),
    }
}

#[cfg(test)]
#[path = "key_results_tests.rs"]
mod tests;
