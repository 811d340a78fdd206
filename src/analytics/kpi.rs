//! KPI summaries: each metric's values per trend period, overall and for
//! every value of every dimension, and the latest period against the one before.

use jiff::civil::Date;

use super::periods::{Length, Period};
use super::series::{PeriodOf, Periods, Point, by_period, latest};
use super::signals::{self, Judgement};
use super::stats::{self, Fit};
use crate::data::kpis::Kpis;
use crate::data::{Aggregate, Direction, Filter, Metric};

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
    /// The period is still running on `as_of`.
    pub partial: bool,
    pub previous: Option<f64>,
    pub delta: Option<f64>,
    /// In percent: 12.5 means +12.5 %.
    pub pct_change: Option<f64>,
    pub verdict: Option<Verdict>,
}

impl Latest {
    /// The latest period with a value, complete when there is one: a
    /// period still running is compared like for like with none (a `sum`
    /// over it is only part of a total, and a mean over a few days swings
    /// more than one over a whole period), so it is used only when no
    /// period has ended yet.
    pub fn of(points: &[Point], metric: &Metric, as_of: Date) -> Option<Latest> {
        let partial = |p: &Point| p.period.end() > as_of;
        let points = match points.split_last() {
            Some((last, rest)) if partial(last) && rest.iter().any(|p| p.value.is_some()) => rest,
            _ => points,
        };
        let (last, prev) = latest(points)?;
        let value = last.value?;
        let previous = prev.and_then(|p| p.value);
        let delta = previous.map(|p| value - p);
        Some(Latest {
            period: last.period,
            value,
            n: last.n,
            partial: partial(&last),
            previous,
            delta,
            pct_change: previous
                .filter(|p| *p != 0.0)
                .map(|p| (value - p) / p.abs() * 100.0),
            verdict: previous.map(|p| Verdict::of(value - p, p, metric.direction)),
        })
    }
}

/// The least-squares trend of a series, per period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    pub slope: f64,
    pub slope_se: Option<f64>,
    /// The slope stands clear of its uncertainty, autocorrelation counted
    /// ([`stats::slope_is_clear`]): only then is the line projected.
    pub clear: bool,
    /// The periods the line was fitted on.
    pub n: usize,
    fit: Fit,
    first: Period,
}

/// Projections further out than this are not shown: a line fitted on a few
/// months says nothing about a decade.
const HORIZON_YEARS: i16 = 5;

impl Trend {
    /// Fits a line to the values of `points` on their period index. A `sum`
    /// over a period still running on `as_of` would drag the line down, so it
    /// is left out.
    pub fn fit(points: &[Point], aggregate: Aggregate, as_of: Date) -> Option<Trend> {
        let first = points.first()?.period;
        let xy: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| !(aggregate == Aggregate::Sum && p.period.end() > as_of))
            .filter_map(|p| p.value.map(|v| ((p.period.index - first.index) as f64, v)))
            .collect();
        let fit = stats::least_squares(&xy)?;
        Some(Trend {
            slope: fit.slope,
            slope_se: fit.slope_se,
            clear: stats::slope_is_clear(&xy, &fit),
            n: xy.len(),
            fit,
            first,
        })
    }

    /// The line's value in the period that contains `date`.
    pub fn value_at(&self, date: Date) -> f64 {
        let x = (Period::of(self.first.length, date).index - self.first.index) as f64;
        self.fit.intercept + self.fit.slope * x
    }

    /// The last day of the first period after `as_of` in which the line
    /// reaches `target`; `None` when it moves away from the target, has
    /// already passed it, or would take more than five years.
    pub fn reaches(&self, target: f64, direction: Direction, as_of: Date) -> Option<Date> {
        let now = Period::of(self.first.length, as_of);
        let gap = (target - self.value_at(as_of)) * direction.sign();
        if gap <= 0.0 || self.fit.slope * direction.sign() <= 0.0 {
            return None;
        }
        let x = (target - self.fit.intercept) / self.fit.slope;
        let index = self.first.index + x.ceil() as i64;
        let period = Period {
            index: index.max(now.index + 1),
            ..now
        };
        let date = period.end();
        let limit = as_of
            .checked_add(jiff::Span::new().years(HORIZON_YEARS))
            .ok()?;
        (date <= limit).then_some(date)
    }
}

/// A series of values per period with its latest value and its trend.
#[derive(Debug, Clone)]
pub struct Series {
    pub points: Vec<Point>,
    pub latest: Option<Latest>,
    pub trend: Option<Trend>,
    /// When the metric has a target: the date the trend reaches it.
    pub reaches_target: Option<Date>,
    /// The process behaviour chart of the complete periods: whether the
    /// latest is a signal, and whether the process meets the target.
    /// `None` with too few complete periods.
    pub judgement: Option<Judgement>,
    /// The complete period the judgement's phase starts with.
    pub phase_start: Option<Period>,
}

impl Series {
    /// The value of one period, if the series has it (points are in period order).
    pub fn value_in(&self, period: Period) -> Option<f64> {
        let i = self
            .points
            .binary_search_by_key(&period, |p| p.period)
            .ok()?;
        self.points[i].value
    }

    pub fn new(points: Vec<Point>, metric: &Metric, as_of: Date) -> Series {
        let latest = Latest::of(&points, metric, as_of);
        let trend = Trend::fit(&points, metric.aggregate, as_of);
        // A line through noise points somewhere: it is projected only when
        // the trend is clear.
        let reaches_target = trend
            .filter(|t| t.clear)
            .zip(metric.target)
            .and_then(|(t, target)| t.reaches(target, metric.direction, as_of));
        // Complete periods only: a period still running is judged when it ends.
        let (periods, values): (Vec<Period>, Vec<f64>) = points
            .iter()
            .filter(|p| p.period.end() <= as_of)
            .filter_map(|p| Some((p.period, p.value?)))
            .unzip();
        let judgement = signals::judge(&values, metric.direction, metric.target);
        let phase_start = judgement.map(|j| periods[j.limits.phase_start]);
        Series {
            points,
            latest,
            trend,
            reaches_target,
            judgement,
            phase_start,
        }
    }
}

/// One metric, summarised.
#[derive(Debug, Clone)]
pub struct KpiSummary {
    pub metric: String,
    pub overall: Series,
    pub dimensions: Vec<Breakdown>,
}

impl KpiSummary {
    /// The points of a filter that names at most one dimension, which the
    /// summary holds already; `None` for other filters.
    pub fn points_of(&self, filter: &Filter) -> Option<&[Point]> {
        let mut pairs = filter.iter();
        let Some((dimension, value)) = pairs.next() else {
            return Some(&self.overall.points);
        };
        if pairs.next().is_some() {
            return None;
        }
        let breakdown = self.dimensions.iter().find(|b| &b.dimension == dimension)?;
        let i = breakdown
            .values
            .binary_search_by(|(v, _)| v.as_str().cmp(value))
            .ok()?;
        Some(&breakdown.values[i].1.points)
    }
}

/// A metric split by the values of one dimension.
#[derive(Debug, Clone)]
pub struct Breakdown {
    pub dimension: String,
    /// (value, its series) in value order.
    pub values: Vec<(String, Series)>,
}

/// A metric's series overall and split by each value of each dimension,
/// from one pass over its observations: a plan with 60 agents has 84 such
/// series per metric, and a pass each would read the rows 84 times.
pub fn summarise(kpis: &Kpis, metric: &Metric, length: Length, as_of: Date) -> KpiSummary {
    let dims = kpis.dimensions_of(&metric.id);
    // Every (dimension, value), in order, and the ones each interned
    // combination of dimensions belongs to.
    let groups: Vec<(&str, &str)> = dims
        .iter()
        .flat_map(|(d, values)| values.iter().map(move |v| (d.as_str(), v.as_str())))
        .collect();
    let members: Vec<Vec<usize>> = kpis
        .dims
        .iter()
        .map(|pairs| {
            pairs
                .iter()
                .filter_map(|(k, v)| groups.binary_search(&(k.as_str(), v.as_str())).ok())
                .collect()
        })
        .collect();
    let mut overall = Periods::new(metric.aggregate);
    let mut each = vec![Periods::new(metric.aggregate); groups.len()];
    let mut period_of = PeriodOf::new(length);
    for o in kpis.of(&metric.id).iter().take_while(|o| o.date <= as_of) {
        let period = period_of.date(o.date);
        overall.add(period, o);
        for &g in members.get(o.dims as usize).into_iter().flatten() {
            each[g].add(period, o);
        }
    }
    let series = |points: Periods| Series::new(points.finish(), metric, as_of);
    let mut each = each.into_iter();
    let dimensions = dims
        .iter()
        .map(|(dimension, values)| Breakdown {
            dimension: dimension.clone(),
            values: values
                .iter()
                .zip(each.by_ref())
                .map(|(v, points)| (v.clone(), series(points)))
                .collect(),
        })
        .collect();
    KpiSummary {
        metric: metric.id.clone(),
        overall: series(overall),
        dimensions,
    }
}

/// A metric's values per period for a filter, up to `as_of`: the summary's
/// (made with the same `length` and `as_of`) when the filter names at most
/// one dimension, as most key results and alerts do, else read from the
/// observations.
pub fn points_for<'s>(
    summaries: &'s [KpiSummary],
    kpis: &Kpis,
    metric: &Metric,
    filter: &Filter,
    length: Length,
    as_of: Date,
) -> std::borrow::Cow<'s, [Point]> {
    match summaries
        .iter()
        .find(|s| s.metric == metric.id)
        .and_then(|s| s.points_of(filter))
    {
        Some(points) => std::borrow::Cow::Borrowed(points),
        None => std::borrow::Cow::Owned(points(kpis, metric, filter, length, as_of)),
    }
}

/// A metric's values per period for a filter, up to `as_of`.
pub fn points(
    kpis: &Kpis,
    metric: &Metric,
    filter: &Filter,
    length: Length,
    as_of: Date,
) -> Vec<Point> {
    by_period(
        kpis,
        kpis.of(&metric.id),
        filter,
        metric.aggregate,
        length,
        as_of,
    )
}

/// The value in the latest period with data at or before `as_of`: what a key
/// result reads.
pub fn current(points: &[Point]) -> Option<(Period, f64)> {
    latest(points).and_then(|(p, _)| p.value.map(|v| (p.period, v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Just above the noise's level (50, weekly sd about 0.6).
    const TARGET: f64 = 51.0;

    /// 200 KPIs of pure noise (26 weekly means of daily AR(1) values,
    /// φ = 0.5) with a target just above them: at most 5 % may be given a
    /// date at which they reach it (issue 15).
    #[test]
    fn noise_is_rarely_projected_to_its_target() {
        let metric = Metric {
            id: "m".into(),
            name: "M".into(),
            unit: "%".into(),
            direction: Direction::Higher,
            aggregate: Aggregate::Mean,
            target: Some(TARGET),
            business_area: None,
            description: None,
            alerts: Vec::new(),
        };
        let as_of = Period {
            length: Length::Week,
            index: 2_950,
        }
        .end();
        let mut rng = crate::rng::Rng::new(17);
        let mut projected = 0;
        for _ in 0..200 {
            let mut x = 0.0;
            let points: Vec<Point> = (0..26)
                .map(|w| {
                    let week: f64 = (0..7)
                        .map(|_| {
                            x = 0.5 * x + rng.normal();
                            x
                        })
                        .sum::<f64>()
                        / 7.0;
                    Point {
                        period: Period {
                            length: Length::Week,
                            index: 2_925 + w,
                        },
                        value: Some(50.0 + week),
                        n: 7,
                    }
                })
                .collect();
            let series = Series::new(points, &metric, as_of);
            projected += usize::from(series.reaches_target.is_some());
        }
        assert!(projected <= 10, "{projected} of 200 noise series projected");
    }

    #[test]
    fn verdicts_follow_the_direction() {
        assert_eq!(Verdict::of(5.0, 60.0, Direction::Higher), Verdict::Better);
        assert_eq!(Verdict::of(5.0, 60.0, Direction::Lower), Verdict::Worse);
        assert_eq!(Verdict::of(-0.2, 60.0, Direction::Lower), Verdict::Flat);
        assert_eq!(Verdict::of(0.0, 0.0, Direction::Lower), Verdict::Flat);
    }
}
