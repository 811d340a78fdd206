//! A key result's recent level: where its metric stands, read from the last
//! few complete periods rather than from one, with the uncertainty the
//! series' own noise gives it. The level drives a key result's status and
//! its `done`, so that one lucky or unlucky week does not flip them. Layer
//! 3: pure functions of a series of complete period values.

use serde::Serialize;

use super::periods::{Length, Period};
use crate::data::Direction;

/// Periods the noise is estimated from, at most: as for a process
/// behaviour chart's baseline.
const NOISE_PERIODS: usize = 20;
/// Wheeler's d₂ for moving ranges of two points.
const D2: f64 = 1.128;

/// The recent level of a series and its uncertainty.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Level {
    /// The mean of the recent periods.
    pub value: f64,
    /// value ± 2 standard errors; `None` with a single period.
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// The values the mean is over.
    pub periods: usize,
}

/// How many of the latest periods make the level: about six weeks of data,
/// long enough to average out a week's noise, short enough to follow a
/// real move within a quarter.
pub fn span(length: Length) -> i64 {
    match length {
        Length::Day => 42,
        Length::Week => 6,
        Length::Month => 2,
        Length::Quarter => 1,
    }
}

/// The level at the end of `complete` (complete periods with a value,
/// oldest first): the mean of the values in the last [`span`] periods up
/// to the latest one (fewer values where periods have none, as for a
/// monthly pulse in weekly periods), its standard error from the larger of
/// two estimates of the period-to-period noise over the last
/// [`NOISE_PERIODS`] values (the mean moving range / d₂, which a slow shift
/// does not inflate, and the standard deviation, which autocorrelation does
/// not shrink). `None` without values.
pub fn of(complete: &[(Period, f64)]) -> Option<Level> {
    let (last, _) = complete.last()?;
    let first = last.index - span(last.length) + 1;
    let recent = &complete[complete.partition_point(|(p, _)| p.index < first)..];
    let k = recent.len();
    let value = recent.iter().map(|(_, v)| v).sum::<f64>() / k as f64;
    let noise: Vec<f64> = complete[complete.len().saturating_sub(NOISE_PERIODS)..]
        .iter()
        .map(|(_, v)| *v)
        .collect();
    let sigma = (noise.len() >= 2).then(|| {
        let m = noise.len() as f64;
        let mr = noise.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (m - 1.0);
        let mean = noise.iter().sum::<f64>() / m;
        let sd = (noise.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (m - 1.0)).sqrt();
        (mr / D2).max(sd)
    });
    let half = sigma.map(|s| 2.0 * s / (k as f64).sqrt());
    Some(Level {
        value,
        low: half.map(|h| value - h),
        high: half.map(|h| value + h),
        periods: k,
    })
}

impl Level {
    /// Whether even the worse end of the interval meets `target`.
    pub fn reliably_meets(&self, target: f64, direction: Direction) -> bool {
        let worse = match direction {
            Direction::Higher => self.low,
            Direction::Lower => self.high,
        };
        worse.is_some_and(|w| (w - target) * direction.sign() >= 0.0)
    }
}

/// Whether the level has reliably met `target` at the end of any complete
/// period from `since` on: once it has, the key result is done, and stays
/// done as later weeks come in (a later fall is the metric's own signal to
/// show, on its page).
pub fn met_since(
    complete: &[(Period, f64)],
    since: Period,
    target: f64,
    direction: Direction,
) -> bool {
    (0..complete.len())
        .filter(|i| complete[*i].0 >= since)
        .any(|i| of(&complete[..=i]).is_some_and(|l| l.reliably_meets(target, direction)))
}

#[cfg(test)]
#[path = "level_tests.rs"]
mod tests;
