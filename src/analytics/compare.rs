//! Before/after comparisons: did a flow version, an experiment or an
//! initiative move its metric, or is the difference within the day-to-day
//! noise? The `window_days` days either side of the change date (the change
//! day itself left out, since it is half one and half the other) are compared
//! as daily values with [`stats::welch_autocorrelated`].

use jiff::civil::Date;
use serde::Serialize;

use super::periods::{self, Length};
use super::series::by_period;
use super::stats::{self, Summary, TTest};
use crate::Plan;
use crate::data::{Direction, Filter, Metric};

/// Fewer days with a value than this on either side and there is no verdict.
pub const MIN_DAYS: usize = 5;

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
    /// The test the verdict rests on (corrected for autocorrelation).
    pub test: Option<TTest>,
    /// The plain Welch test on the same days, for reference.
    pub welch: Option<TTest>,
    pub verdict: Outcome,
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
            t: self.test.map(|t| t.t),
            df: self.test.map(|t| t.df),
            p_value: self.test.map(|t| t.p_value),
            p_value_welch: self.welch.map(|t| t.p_value),
            ci_low: self.test.map(|t| t.ci_low),
            ci_high: self.test.map(|t| t.ci_high),
        }
    }
}

/// Every comparison the plan asks for: each flow version against the one
/// before it, each experiment with a metric, each initiative with a launch
/// date and a metric.
pub fn all(plan: &Plan, as_of: Date) -> Vec<Comparison> {
    let data = &plan.data;
    let (window, alpha) = (plan.config.window_days, plan.config.alpha);
    let one = |kind, id: &str, version: Option<&str>, metric: &str, filter: &Filter, date| {
        let metric = data.metric(metric)?;
        let mut c = compare(plan, metric, filter, date, window, alpha, as_of);
        c.subject_kind = kind;
        c.subject_id = id.to_owned();
        c.version = version.map(str::to_owned);
        Some(c)
    };
    let mut out = Vec::new();
    for flow in &data.flows {
        for v in flow.versions.iter().skip(1) {
            for metric in &flow.metrics {
                out.extend(one(
                    SubjectKind::Flow,
                    &flow.id,
                    Some(&v.version),
                    metric,
                    &flow.filter,
                    v.date,
                ));
            }
        }
    }
    for sprint in &data.sprints {
        for e in &sprint.experiments {
            if let Some(metric) = &e.metric {
                out.extend(one(
                    SubjectKind::Experiment,
                    &e.id,
                    None,
                    metric,
                    &e.filter,
                    e.start,
                ));
            }
        }
    }
    for i in &data.initiatives {
        if let (Some(metric), Some(launch)) = (&i.metric, i.launch) {
            out.extend(one(
                SubjectKind::Initiative,
                &i.id,
                None,
                metric,
                &i.filter,
                launch,
            ));
        }
    }
    out
}

/// Compares the daily values of `metric` (rows matching `filter`) in the
/// `window` days before `date` with the `window` days after it. Days after
/// `as_of` do not count.
pub fn compare(
    plan: &Plan,
    metric: &Metric,
    filter: &Filter,
    date: Date,
    window: u32,
    alpha: f64,
    as_of: Date,
) -> Comparison {
    let day = periods::days(date);
    let w = i64::from(window);
    let before_window = (periods::from_days(day - w), periods::from_days(day - 1));
    let after_window = (periods::from_days(day + 1), periods::from_days(day + w));
    let days = (
        daily(plan, metric, filter, before_window, as_of),
        daily(plan, metric, filter, after_window, as_of),
    );
    let values = |days: &[(Date, f64)]| -> Vec<f64> { days.iter().map(|(_, v)| *v).collect() };
    let (before, after) = (values(&days.0), values(&days.1));
    let (sb, sa) = (stats::summary(&before), stats::summary(&after));
    let delta = sb.zip(sa).map(|(b, a)| a.mean - b.mean);
    let pct_change = sb
        .zip(delta)
        .filter(|(b, _)| b.mean != 0.0)
        .map(|(b, d)| d / b.mean.abs() * 100.0);
    let enough = before.len() >= MIN_DAYS && after.len() >= MIN_DAYS;
    let (test, welch) = if enough {
        (
            stats::welch_autocorrelated(&before, &after, 0.95),
            stats::welch(&before, &after, 0.95),
        )
    } else {
        (None, None)
    };
    let verdict = verdict(enough, delta, test.as_ref(), alpha, metric.direction);
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
        test,
        welch,
        verdict,
    }
}

/// The daily values of a metric within `window` (inclusive), days without a
/// value left out.
fn daily(
    plan: &Plan,
    metric: &Metric,
    filter: &Filter,
    (first, last): (Date, Date),
    as_of: Date,
) -> Vec<(Date, f64)> {
    let kpis = &plan.data.kpis;
    let obs = kpis.of(&metric.id);
    // Observations are in date order, so the window is a slice.
    let lo = obs.partition_point(|o| o.date < first);
    let hi = obs.partition_point(|o| o.date <= last).max(lo);
    by_period(
        kpis,
        &obs[lo..hi],
        filter,
        metric.aggregate,
        Length::Day,
        as_of.min(last),
    )
    .into_iter()
    .filter_map(|p| Some((p.period.start(), p.value?)))
    .collect()
}

fn verdict(
    enough: bool,
    delta: Option<f64>,
    test: Option<&TTest>,
    alpha: f64,
    direction: Direction,
) -> Outcome {
    let Some(delta) = delta.filter(|_| enough) else {
        return Outcome::InsufficientData;
    };
    let significant = match test {
        Some(t) => t.p_value < alpha,
        // No spread at all on either side: any difference is real.
        None => delta != 0.0,
    };
    if !significant || delta == 0.0 {
        Outcome::NoClearChange
    } else if delta * direction.sign() > 0.0 {
        Outcome::Improved
    } else {
        Outcome::Worsened
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(p: f64) -> TTest {
        TTest {
            delta: 1.0,
            t: 2.0,
            df: 20.0,
            p_value: p,
            ci_low: 0.1,
            ci_high: 1.9,
        }
    }

    #[test]
    fn verdicts_read_the_direction_and_alpha() {
        let v =
            |delta, p: Option<f64>, dir| verdict(true, Some(delta), p.map(t).as_ref(), 0.05, dir);
        assert_eq!(v(1.0, Some(0.01), Direction::Higher), Outcome::Improved);
        assert_eq!(v(1.0, Some(0.01), Direction::Lower), Outcome::Worsened);
        assert_eq!(v(-1.0, Some(0.01), Direction::Lower), Outcome::Improved);
        assert_eq!(
            v(1.0, Some(0.05), Direction::Higher),
            Outcome::NoClearChange
        );
        // Constant windows: no test, but a step is a step.
        assert_eq!(v(2.0, None, Direction::Higher), Outcome::Improved);
        assert_eq!(v(0.0, None, Direction::Higher), Outcome::NoClearChange);
        assert_eq!(
            verdict(false, Some(5.0), None, 0.05, Direction::Higher),
            Outcome::InsufficientData
        );
        assert_eq!(
            verdict(true, None, None, 0.05, Direction::Higher),
            Outcome::InsufficientData
        );
    }
}
