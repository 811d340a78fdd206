//! The charts of the pages: each function gathers the figures of one chart
//! from the plan and the report and hands them to [`crate::charts`]. The
//! pages and the Markdown components share them, so a chart placed in a
//! content page is the same as the one on its own page. This file holds the
//! KPI charts that many pages share; [`voc`] and [`plan`] the others.

mod plan;
mod voc;

pub use plan::{audit_gaps, audits_progress, initiatives, okr_progress};
pub use voc::{drivers, nps_periods, nps_segment, themes};

use crate::analytics::Report;
use crate::analytics::compare::Comparison;
use crate::analytics::kpi::{Breakdown, Series};
use crate::analytics::periods::{self, Period};
use crate::analytics::series::Point;
use crate::charts::lines::{self, Event, Windows};
use crate::charts::{ChartView, id_of};
use crate::data::{Filter, Metric};
use crate::i18n::Text;
use crate::plan::Plan;
use jiff::civil::Date;

/// The longest a trend chart gets: older periods stay in the tables.
const TREND_PERIODS: usize = 52;
/// A dimension with more values than this gets no chart of its own.
pub const LINES: usize = 8;

fn tr(plan: &Plan) -> impl Fn(&str) -> String + '_ {
    |key| plan.catalog.lookup(key).to_owned()
}

fn recent(points: &[Point]) -> &[Point] {
    &points[points.len().saturating_sub(TREND_PERIODS)..]
}

/// Whether two filters can hold the same rows: no dimension set to two values.
fn compatible(a: &Filter, b: &Filter) -> bool {
    a.iter().all(|(k, v)| b.get(k).is_none_or(|w| w == v))
}

/// A metric's values per period (for one filter), its target and, as pins,
/// the changes measured on it.
pub fn trend(
    plan: &Plan,
    report: &Report,
    metric: &Metric,
    filter: &Filter,
    series: &Series,
) -> Option<ChartView> {
    let points = recent(&series.points);
    if points.iter().all(|p| p.value.is_none()) {
        return None;
    }
    let periods: Vec<String> = points.iter().map(|p| p.period.label()).collect();
    // Every change measured on this metric for rows this chart includes: an
    // all-channel change on a WhatsApp chart, a WhatsApp change on the
    // overall one (said as such), but not a voice change on a WhatsApp chart.
    let events: Vec<Event> = report
        .comparisons
        .iter()
        .filter(|c| c.metric == metric.id && compatible(&c.filter, filter))
        .filter_map(|c| {
            let period = Period::of(report.trend, c.change_date);
            let at = points.iter().position(|p| p.period == period)?;
            let (subject, _) = super::subject::of(plan, c);
            let date = crate::i18n::date(plan.catalog.language(), c.change_date);
            let what = if c.filter == *filter {
                format!("{subject} ({date})")
            } else {
                format!("{subject} ({date}; {})", super::filter_text(&c.filter))
            };
            Some(Event { at, what })
        })
        .collect();
    let filter_text = super::filter_text(filter);
    let name = if filter_text.is_empty() {
        metric.name.clone()
    } else {
        format!("{} ({filter_text})", metric.name)
    };
    let label = plan.catalog.t("{metric} over time", &[("metric", &name)]);
    let limits = series
        .judgement
        .zip(series.phase_start)
        .map(|(j, start)| lines::Limits {
            centre: j.limits.centre,
            lower: j.limits.lower,
            upper: j.limits.upper,
            from: points.iter().position(|p| p.period >= start).unwrap_or(0),
        });
    let values = vec![(name, points.iter().map(|p| p.value).collect())];
    Some(lines::trend(
        (id_of(&["trend", &metric.id, &filter_text]), label),
        &metric.unit,
        &periods,
        &values,
        metric.target,
        limits,
        &events,
        &tr(plan),
    ))
}

/// A line per value of a dimension (channel, queue, …), over the overall
/// series' periods.
pub fn breakdown(
    plan: &Plan,
    metric: &Metric,
    overall: &[Point],
    b: &Breakdown,
) -> Option<ChartView> {
    if b.values.is_empty() || b.values.len() > LINES {
        return None;
    }
    let overall = recent(overall);
    let periods: Vec<Period> = overall.iter().map(|p| p.period).collect();
    let series = b
        .values
        .iter()
        .map(|(value, s)| {
            let values = periods.iter().map(|period| s.value_in(*period)).collect();
            (value.clone(), values)
        })
        .collect::<Vec<_>>();
    let label = plan.catalog.t(
        "{metric} by {dimension} over time",
        &[("metric", &metric.name), ("dimension", &b.dimension)],
    );
    let labels: Vec<String> = periods.iter().map(|p| p.label()).collect();
    Some(lines::trend(
        (id_of(&["trend", &metric.id, "by", &b.dimension]), label),
        &metric.unit,
        &labels,
        &series,
        metric.target,
        None,
        &[],
        &tr(plan),
    ))
}

/// "Before, mean 81.3 %", in the plan's language.
fn window_name(plan: &Plan, window: &str, mean: f64, unit: &str) -> String {
    let decimals = match mean.abs() {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        _ => 2,
    };
    let unit = if matches!(unit, "count" | "score") {
        ""
    } else {
        unit
    };
    plan.catalog.text(
        &Text::new("{window}, mean {mean}")
            .text("window", plan.catalog.lookup(window))
            .number("mean", mean, decimals, unit),
    )
}

/// The daily values either side of a change, each window with its mean.
pub fn before_after(plan: &Plan, c: &Comparison) -> Option<ChartView> {
    let metric = plan.data.metric(&c.metric)?;
    let (before, after) = c.before.as_ref().zip(c.after.as_ref())?;
    let first = periods::days(c.before_window.0);
    let index = |d: Date| usize::try_from(periods::days(d) - first).unwrap_or(0);
    let last = index(c.after_window.1);
    let days = (0..=last)
        .map(|i| periods::from_days(first + i as i64).to_string())
        .collect();
    let values = |xs: &[(Date, f64)]| xs.iter().map(|(d, v)| (index(*d), *v)).collect();
    let windows = Windows {
        days,
        before: values(&c.days.0),
        after: values(&c.days.1),
        spans: (
            (0, index(c.before_window.1)),
            (index(c.after_window.0), last),
        ),
        means: (before.mean, after.mean),
        names: (
            window_name(plan, "Before", before.mean, &metric.unit),
            window_name(plan, "After", after.mean, &metric.unit),
        ),
    };
    let (subject, _) = super::subject::of(plan, c);
    let label = plan.catalog.t(
        "{metric} before and after {subject}",
        &[("metric", &metric.name), ("subject", &subject)],
    );
    let id = id_of(&[
        "before-after",
        c.subject_kind.as_str(),
        &c.subject_id,
        c.version.as_deref().unwrap_or(""),
        &c.metric,
        &super::filter_text(&c.filter),
    ]);
    Some(lines::before_after(
        (id, label),
        &metric.unit,
        &windows,
        &tr(plan),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_compatible_unless_a_dimension_differs() {
        let f = |pairs: &[(&str, &str)]| -> Filter {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let whatsapp = f(&[("channel", "whatsapp")]);
        assert!(compatible(&whatsapp, &f(&[])));
        assert!(compatible(&f(&[]), &whatsapp));
        assert!(compatible(
            &whatsapp,
            &f(&[("channel", "whatsapp"), ("queue", "a")])
        ));
        assert!(!compatible(&whatsapp, &f(&[("channel", "voice")])));
    }
}
