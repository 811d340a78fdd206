//! Before/after comparisons: did a flow version, an experiment or an
//! initiative move its metric, or is the difference within the day-to-day
//! noise? The `window_days` days either side of the change date (the change
//! day itself left out, since it is half one and half the other) are shown
//! side by side; the verdict rests on [`segmented::step`], fitted on those
//! days and on the history before them, so that a trend already under way
//! or the weekday mix cannot pass for a change. Each comparison also runs
//! the same test at up to [`PLACEBOS`] earlier dates where nothing changed:
//! the page shows how often it cries wolf on this very series.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::periods::{self, Length};
use super::segmented::{self, HISTORY_WINDOWS};
use super::series::by_period_each;
use super::stats::{self, Summary, TTest};
use crate::data::{Direction, Filter, Metric};
use crate::plan::Plan;

/// Fewer days with a value than this on either side and there is no verdict.
pub const MIN_DAYS: usize = 5;
/// Earlier dates each comparison is also tested at, at most.
pub const PLACEBOS: usize = 20;
/// Placebo dates are this many days apart, so that each falls on the
/// change's weekday.
const PLACEBO_STEP: i64 = 7;

/// What changed on the change date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    Flow,
    Experiment,
    Initiative,
}

/// The outcome of a comparison, read with the metric's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Improved,
    Worsened,
    NoClearChange,
    InsufficientData,
}

impl Outcome {
    /// The verdict as the site and the JSON API name it: `no-clear-change`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Improved => "improved",
            Outcome::Worsened => "worsened",
            Outcome::NoClearChange => "no-clear-change",
            Outcome::InsufficientData => "insufficient-data",
        }
    }
}

/// A day's value of a metric.
pub type Day = (Date, f64);

/// One metric before and after one change.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub subject_kind: SubjectKind,
    pub subject_id: String,
    /// The flow version, for flows.
    pub version: Option<String>,
    pub metric: String,
    pub filter: Filter,
    pub change_date: Date,
    /// First and last day of each window.
    pub before_window: (Date, Date),
    pub after_window: (Date, Date),
    pub before: Option<Summary>,
    pub after: Option<Summary>,
    /// The daily values before and after, days without data left out: what
    /// the test ran on, kept for the chart that shows it.
    pub days: (Vec<Day>, Vec<Day>),
    /// mean(after) − mean(before).
    pub delta: Option<f64>,
    /// In percent of the before mean: 12.5 means +12.5 %.
    pub pct_change: Option<f64>,
    /// The step at the change date net of the trend and the weekday mix,
    /// what the verdict is about.
    pub effect: Option<f64>,
    /// The test of `effect` the verdict rests on.
    pub test: Option<TTest>,
    /// The model behind it.
    pub model: Option<Model>,
    /// The plain Welch test on the two windows, for reference.
    pub welch: Option<TTest>,
    /// The same test at earlier, ordinary dates.
    pub placebo: Option<Placebo>,
    pub verdict: Outcome,
}

/// What the before/after model was fitted on and found.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Model {
    /// The first day of the fit: up to [`HISTORY_WINDOWS`] windows before
    /// the change.
    pub from: Date,
    /// Days with a value in the fit.
    pub days: usize,
    /// The trend per day under the step.
    pub slope_per_day: f64,
    /// The lag-1 autocorrelation of the residuals.
    pub autocorrelation: f64,
    /// Whether weekday terms were in the model.
    pub weekdays: bool,
    /// The confidence of the interval, 1 − alpha.
    pub confidence: f64,
}

/// The test run at earlier dates where nothing is recorded as changing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Placebo {
    /// Dates tested.
    pub dates: usize,
    /// Of those, the dates the test called a change.
    pub flagged: usize,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Flow => "flow",
            SubjectKind::Experiment => "experiment",
            SubjectKind::Initiative => "initiative",
        }
    }
}

/// The test figures of a comparison, flat, for views and the JSON API.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TestFigures {
    pub effect: Option<f64>,
    pub t: Option<f64>,
    pub df: Option<f64>,
    pub p_value: Option<f64>,
    pub p_value_welch: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

impl Comparison {
    pub fn figures(&self) -> TestFigures {
        TestFigures {
            effect: self.effect,
            t: self.test.map(|t| t.t),
            df: self.test.map(|t| t.df),
            p_value: self.test.map(|t| t.p_value),
            p_value_welch: self.welch.map(|t| t.p_value),
            ci_low: self.test.map(|t| t.ci_low),
            ci_high: self.test.map(|t| t.ci_high),
        }
    }
}

/// One thing the plan says changed on a date, and the metric to watch.
struct Subject<'p> {
    kind: SubjectKind,
    id: &'p str,
    version: Option<&'p str>,
    metric: &'p str,
    filter: &'p Filter,
    date: Date,
}

/// Every comparison the plan asks for: each flow version against the one
/// before it, each experiment with a metric, each initiative with a launch
/// date and a metric.
pub fn all(plan: &Plan, as_of: Date) -> Vec<Comparison> {
    let data = &plan.data;
    let mut subjects = Vec::new();
    for flow in &data.flows {
        for v in flow.versions.iter().skip(1) {
            for metric in &flow.metrics {
                subjects.push(Subject {
                    kind: SubjectKind::Flow,
                    id: &flow.id,
                    version: Some(&v.version),
                    metric,
                    filter: &flow.filter,
                    date: v.date,
                });
            }
        }
    }
    for sprint in &data.sprints {
        for e in &sprint.experiments {
            if let Some(metric) = &e.metric {
                subjects.push(Subject {
                    kind: SubjectKind::Experiment,
                    id: &e.id,
                    version: None,
                    metric,
                    filter: &e.filter,
                    date: e.start,
                });
            }
        }
    }
    for i in &data.initiatives {
        if let (Some(metric), Some(launch)) = (&i.metric, i.launch) {
            subjects.push(Subject {
                kind: SubjectKind::Initiative,
                id: &i.id,
                version: None,
                metric,
                filter: &i.filter,
                date: launch,
            });
        }
    }
    // Every recorded change of each metric, wherever it applies: a placebo
    // date near one of them is not an ordinary date.
    let mut changes: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for s in &subjects {
        changes
            .entry(s.metric)
            .or_default()
            .push(periods::days(s.date));
    }
    for days in changes.values_mut() {
        days.sort_unstable();
    }
    // Each metric and filter's daily series, read once: many changes share
    // one, and each reaches far back for its history and placebo dates. One
    // metric's at a time: on a large plan all of them together are tens of
    // megabytes.
    let mut filters: BTreeMap<&str, Vec<&Filter>> = BTreeMap::new();
    for s in &subjects {
        filters.entry(s.metric).or_default().push(s.filter);
    }
    let mut done: Vec<(usize, Comparison)> = Vec::with_capacity(subjects.len());
    for (id, mut filters) in filters {
        let (Some(metric), Some(changes)) = (data.metric(id), changes.get(id)) else {
            continue;
        };
        filters.sort();
        filters.dedup();
        let series: BTreeMap<&Filter, Vec<(i64, f64)>> = filters
            .iter()
            .copied()
            .zip(daily(plan, metric, &filters, as_of))
            .collect();
        for (at, s) in subjects.iter().enumerate().filter(|(_, s)| s.metric == id) {
            let Some(days) = series.get(s.filter) else {
                continue;
            };
            let mut c = compare(plan, metric, s.filter, s.date, days, changes);
            c.subject_kind = s.kind;
            c.subject_id = s.id.to_owned();
            c.version = s.version.map(str::to_owned);
            done.push((at, c));
        }
    }
    // Back in the order the plan names them.
    done.sort_by_key(|(at, _)| *at);
    done.into_iter().map(|(_, c)| c).collect()
}

/// Compares the daily values of `metric` (`series`, the rows matching
/// `filter` by day number, up to `as_of`) in the `window_days` days before
/// `date` with those after it, and tests the step at `date`; then tests
/// earlier dates at least a window away from every day in `changes` (day
/// numbers, in order).
pub fn compare(
    plan: &Plan,
    metric: &Metric,
    filter: &Filter,
    date: Date,
    series: &[(i64, f64)],
    changes: &[i64],
) -> Comparison {
    let (window, alpha) = (i64::from(plan.config.window_days), plan.config.alpha);
    let day = periods::days(date);
    let before_window = (
        periods::from_days(day - window),
        periods::from_days(day - 1),
    );
    let after_window = (
        periods::from_days(day + 1),
        periods::from_days(day + window),
    );
    let span = |from: i64, to: i64| -> &[(i64, f64)] {
        let lo = series.partition_point(|(d, _)| *d < from);
        let hi = series.partition_point(|(d, _)| *d <= to).max(lo);
        &series[lo..hi]
    };
    let dated = |xs: &[(i64, f64)]| -> Vec<Day> {
        xs.iter()
            .map(|(d, v)| (periods::from_days(*d), *v))
            .collect()
    };
    let days = (
        dated(span(day - window, day - 1)),
        dated(span(day + 1, day + window)),
    );
    let values = |days: &[Day]| -> Vec<f64> { days.iter().map(|(_, v)| *v).collect() };
    let (before, after) = (values(&days.0), values(&days.1));
    let (sb, sa) = (stats::summary(&before), stats::summary(&after));
    let delta = sb.zip(sa).map(|(b, a)| a.mean - b.mean);
    let pct_change = sb
        .zip(delta)
        .filter(|(b, _)| b.mean != 0.0)
        .map(|(b, d)| d / b.mean.abs() * 100.0);
    let confidence = 1.0 - alpha;
    let test_at = |day: i64| {
        let enough = span(day - window, day - 1).len() >= MIN_DAYS
            && span(day + 1, day + window).len() >= MIN_DAYS;
        // The history stops at the last recorded change before the before
        // window: a step there is not a trend to carry forward.
        let before = changes.partition_point(|c| *c < day - window);
        let from = changes[..before]
            .last()
            .map_or(i64::MIN, |c| c + 1)
            .max(day - HISTORY_WINDOWS * window);
        let fit: Vec<(i64, f64)> = span(from, day + window)
            .iter()
            .copied()
            .filter(|(d, _)| *d != day)
            .collect();
        let step = enough
            .then(|| segmented::step(&fit, day, confidence))
            .flatten();
        (step, fit.first().map(|(d, _)| *d))
    };
    let (step, from) = test_at(day);
    let outcome = verdict(step.as_ref(), alpha, metric.direction);
    let placebo = (outcome != Outcome::InsufficientData).then(|| {
        // No recorded change within a window either side.
        let ordinary = |d: i64| {
            let near = changes.partition_point(|c| *c < d - window);
            changes.get(near).is_none_or(|c| *c > d + window)
        };
        let first = series.first().map_or(day, |(d, _)| *d);
        let mut placebo = Placebo {
            dates: 0,
            flagged: 0,
        };
        let mut at = day - window - PLACEBO_STEP;
        while placebo.dates < PLACEBOS && at - window >= first {
            if ordinary(at) {
                let (step, _) = test_at(at);
                let outcome = verdict(step.as_ref(), alpha, metric.direction);
                if outcome != Outcome::InsufficientData {
                    placebo.dates += 1;
                    placebo.flagged += usize::from(outcome != Outcome::NoClearChange);
                }
            }
            at -= PLACEBO_STEP;
        }
        placebo
    });
    let model = step.zip(from).map(|(s, from)| Model {
        from: periods::from_days(from),
        days: s.n,
        slope_per_day: s.slope,
        autocorrelation: s.rho,
        weekdays: s.weekdays,
        confidence,
    });
    let welch = (before.len() >= MIN_DAYS && after.len() >= MIN_DAYS)
        .then(|| stats::welch(&before, &after, confidence))
        .flatten();
    Comparison {
        subject_kind: SubjectKind::Flow,
        subject_id: String::new(),
        version: None,
        metric: metric.id.clone(),
        filter: filter.clone(),
        change_date: date,
        before_window,
        after_window,
        before: sb,
        after: sa,
        days,
        delta,
        pct_change,
        effect: step.map(|s| s.effect),
        test: step.and_then(|s| s.test),
        model,
        welch,
        placebo,
        verdict: outcome,
    }
}

/// The daily values of a metric up to `as_of` as (day number, value),
/// days without a value left out.
/// The daily values of `metric` under each of `filters`, as (day number,
/// value), in one pass over its rows.
fn daily(plan: &Plan, metric: &Metric, filters: &[&Filter], as_of: Date) -> Vec<Vec<(i64, f64)>> {
    let kpis = &plan.data.kpis;
    let obs = kpis.of(&metric.id);
    by_period_each(kpis, obs, filters, metric.aggregate, Length::Day, as_of)
        .into_iter()
        .map(|points| {
            // Not collected in place: the points are twice the size.
            let mut days = Vec::with_capacity(points.iter().filter(|p| p.value.is_some()).count());
            days.extend(
                points
                    .iter()
                    .filter_map(|p| Some((p.period.index, p.value?))),
            );
            days
        })
        .collect()
}

/// The verdict of a step test: a change when the step clears alpha (or,
/// with no noise at all, when there is a step), in the metric's direction.
fn verdict(step: Option<&segmented::Step>, alpha: f64, direction: Direction) -> Outcome {
    let Some(step) = step else {
        return Outcome::InsufficientData;
    };
    let significant = match step.test {
        Some(t) => t.p_value < alpha,
        None => step.effect != 0.0,
    };
    if !significant || step.effect == 0.0 {
        Outcome::NoClearChange
    } else if step.effect * direction.sign() > 0.0 {
        Outcome::Improved
    } else {
        Outcome::Worsened
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(effect: f64, p: Option<f64>) -> segmented::Step {
        segmented::Step {
            effect,
            test: p.map(|p| TTest {
                delta: effect,
                t: 2.0,
                df: 20.0,
                p_value: p,
                ci_low: 0.1,
                ci_high: 1.9,
            }),
            slope: 0.0,
            rho: 0.0,
            weekdays: false,
            n: 40,
        }
    }

    #[test]
    fn verdicts_read_the_direction_and_alpha() {
        let v = |effect, p: Option<f64>, dir| verdict(Some(&step(effect, p)), 0.05, dir);
        assert_eq!(v(1.0, Some(0.01), Direction::Higher), Outcome::Improved);
        assert_eq!(v(1.0, Some(0.01), Direction::Lower), Outcome::Worsened);
        assert_eq!(v(-1.0, Some(0.01), Direction::Lower), Outcome::Improved);
        assert_eq!(
            v(1.0, Some(0.05), Direction::Higher),
            Outcome::NoClearChange
        );
        // An exact fit: no test, but a step is a step.
        assert_eq!(v(2.0, None, Direction::Higher), Outcome::Improved);
        assert_eq!(v(0.0, None, Direction::Higher), Outcome::NoClearChange);
        assert_eq!(
            verdict(None, 0.05, Direction::Higher),
            Outcome::InsufficientData
        );
    }
}
