//! KPI summaries: each metric's values per trend period, overall and for
//! every value of every dimension, and the latest period against the one before.

use jiff::civil::Date;

use super::periods::{Length, Period};
use super::series::{Point, by_period, latest};
use crate::data::kpis::Kpis;
use crate::data::{Direction, Filter, Metric};

/// Which way a change went, read with the metric's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Better,
    Worse,
    Flat,
}

impl Verdict {
    /// Changes within half a percent of the previous value count as flat.
    pub fn of(delta: f64, previous: f64, direction: Direction) -> Verdict {
        if delta.abs() <= 0.005 * previous.abs() || delta == 0.0 {
            Verdict::Flat
        } else if delta * direction.sign() > 0.0 {
            Verdict::Better
        } else {
            Verdict::Worse
        }
    }
}

/// The latest period with a value, against the period right before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Latest {
    pub period: Period,
    pub value: f64,
    pub n: u32,
    pub previous: Option<f64>,
    pub delta: Option<f64>,
    /// In percent: 12.5 means +12.5 %.
    pub pct_change: Option<f64>,
    pub verdict: Option<Verdict>,
}

impl Latest {
    pub fn of(points: &[Point], direction: Direction) -> Option<Latest> {
        let (last, prev) = latest(points)?;
        let value = last.value?;
        let previous = prev.and_then(|p| p.value);
        let delta = previous.map(|p| value - p);
        Some(Latest {
            period: last.period,
            value,
            n: last.n,
            previous,
            delta,
            pct_change: previous
                .filter(|p| *p != 0.0)
                .map(|p| (value - p) / p.abs() * 100.0),
            verdict: previous.map(|p| Verdict::of(value - p, p, direction)),
        })
    }
}

/// One metric, summarised.
#[derive(Debug, Clone)]
pub struct KpiSummary {
    pub metric: String,
    pub points: Vec<Point>,
    pub latest: Option<Latest>,
    pub dimensions: Vec<Breakdown>,
}

/// A metric split by the values of one dimension.
#[derive(Debug, Clone)]
pub struct Breakdown {
    pub dimension: String,
    /// (value, its points, its latest) in value order.
    pub values: Vec<(String, Vec<Point>, Option<Latest>)>,
}

pub fn summarise(kpis: &Kpis, metric: &Metric, length: Length, as_of: Date) -> KpiSummary {
    let obs = kpis.of(&metric.id);
    let series = |filter: &Filter| by_period(kpis, obs, filter, metric.aggregate, length, as_of);
    let points = series(&Filter::new());
    let latest = Latest::of(&points, metric.direction);
    let dims = kpis.dimension_values();
    let mut dimensions = Vec::new();
    for (dimension, values) in dims.get(&metric.id).into_iter().flatten() {
        let values = values
            .iter()
            .map(|v| {
                let filter = Filter::from([(dimension.clone(), v.clone())]);
                let points = series(&filter);
                let latest = Latest::of(&points, metric.direction);
                (v.clone(), points, latest)
            })
            .collect();
        dimensions.push(Breakdown {
            dimension: dimension.clone(),
            values,
        });
    }
    KpiSummary {
        metric: metric.id.clone(),
        points,
        latest,
        dimensions,
    }
}

/// The value of a metric for a filter in the latest period with data at or
/// before `as_of`: what a key result or an alert reads.
pub fn current(
    kpis: &Kpis,
    metric: &Metric,
    filter: &Filter,
    length: Length,
    as_of: Date,
) -> Option<(Period, f64)> {
    let points = by_period(
        kpis,
        kpis.of(&metric.id),
        filter,
        metric.aggregate,
        length,
        as_of,
    );
    latest(&points).and_then(|(p, _)| p.value.map(|v| (p.period, v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_the_direction() {
        assert_eq!(Verdict::of(5.0, 60.0, Direction::Higher), Verdict::Better);
        assert_eq!(Verdict::of(5.0, 60.0, Direction::Lower), Verdict::Worse);
        assert_eq!(Verdict::of(-0.2, 60.0, Direction::Lower), Verdict::Flat);
        assert_eq!(Verdict::of(0.0, 0.0, Direction::Lower), Verdict::Flat);
    }
}
