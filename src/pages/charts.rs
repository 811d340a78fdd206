//! The charts of the pages: each function gathers the figures of one chart
//! from the plan and the report and hands them to [`crate::charts`]. The
//! pages and the Markdown components share them, so a chart placed in a
//! content page is the same as the one on its own page.

use crate::Plan;
use crate::analytics::compare::Comparison;
use crate::analytics::kpi::Breakdown;
use crate::analytics::periods::{self, Period};
use crate::analytics::series::Point;
use crate::analytics::voc::Figures;
use crate::analytics::{FindingResult, KrResult, Report};
use crate::charts::options::{self, Bars, Dot, Event, NpsBar, Quadrants, Windows};
use crate::charts::{ChartView, Column, id_of};
use crate::data::audits::Audit;
use crate::data::initiatives::Level;
use crate::data::okrs::OkrPeriod;
use crate::data::{Filter, Metric};
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
    points: &[Point],
) -> Option<ChartView> {
    let points = recent(points);
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
            let (subject, _) = super::compare::subject(plan, c);
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
    let series = vec![(name, points.iter().map(|p| p.value).collect())];
    Some(options::trend(
        (id_of(&["trend", &metric.id, &filter_text]), label),
        &metric.unit,
        &periods,
        &series,
        metric.target,
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
    Some(options::trend(
        (id_of(&["trend", &metric.id, "by", &b.dimension]), label),
        &metric.unit,
        &labels,
        &series,
        metric.target,
        &[],
        &tr(plan),
    ))
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
    };
    let (subject, _) = super::compare::subject(plan, c);
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
    Some(options::before_after(
        (id, label),
        &metric.unit,
        &windows,
        &tr(plan),
    ))
}

fn nps_bar(label: String, f: &Figures) -> NpsBar {
    NpsBar {
        label,
        promoters: f.promoters,
        passives: f.passives,
        detractors: f.detractors,
        nps: f.nps,
    }
}

/// Promoters, passives and detractors per period, with the NPS line.
pub fn nps_periods(plan: &Plan, report: &Report) -> Option<ChartView> {
    let periods = &report.voc.periods;
    let periods = &periods[periods.len().saturating_sub(TREND_PERIODS)..];
    if periods.iter().all(|p| p.figures.nps_n == 0) {
        return None;
    }
    let bars: Vec<NpsBar> = periods
        .iter()
        .map(|p| nps_bar(p.period.label(), &p.figures))
        .collect();
    let label = plan.catalog.t("NPS over time", &[]);
    Some(options::nps(
        (id_of(&["nps"]), label),
        Column::fixed("Period", ""),
        &bars,
        &tr(plan),
    ))
}

/// The same per value of a segment (channel, country, …).
pub fn nps_segment(plan: &Plan, report: &Report, dimension: &str) -> Option<ChartView> {
    let (_, values) = report.voc.segments.iter().find(|(d, _)| d == dimension)?;
    let bars: Vec<NpsBar> = values
        .iter()
        .filter(|s| s.overall.nps_n > 0)
        .map(|s| nps_bar(s.value.clone(), &s.overall))
        .collect();
    if bars.is_empty() {
        return None;
    }
    let label = plan
        .catalog
        .t("NPS by {segment}", &[("segment", dimension)]);
    Some(options::nps(
        (id_of(&["nps", dimension]), label),
        Column::data(dimension, ""),
        &bars,
        &tr(plan),
    ))
}

/// How much of its target a value reaches, read in the better direction:
/// 100 means on target.
/// A ratio only reads as a share when both are positive; past twice the
/// target the bar stops (the table has the values). `None` for a target or
/// value at or below zero other than an exact hit: the chart leaves it out
/// and the table beside it shows the finding.
fn share_of_target(value: f64, target: f64, sign: f64) -> Option<f64> {
    if value == target {
        return Some(100.0);
    }
    if sign < 0.0 && value == 0.0 && target > 0.0 {
        // Lower is better and nothing is left: as far past the target as it gets.
        return Some(MAX_SHARE);
    }
    if value <= 0.0 || target <= 0.0 {
        return None;
    }
    let share = if sign > 0.0 {
        value / target
    } else {
        target / value
    };
    Some((share * 100.0).min(MAX_SHARE))
}

/// Where a share-of-target bar stops.
const MAX_SHARE: f64 = 200.0;

/// Each finding of an audit as a share of its target, beside the previous audit's.
pub fn audit_gaps(plan: &Plan, audit: &Audit, results: &[FindingResult]) -> Option<ChartView> {
    if audit.findings.is_empty() {
        return None;
    }
    let rows = audit
        .findings
        .iter()
        .map(|f| {
            let filter = super::filter_text(&f.filter);
            if filter.is_empty() {
                format!("{} · {}", f.area, f.indicator)
            } else {
                format!("{} · {} ({filter})", f.area, f.indicator)
            }
        })
        .collect();
    let now = audit
        .findings
        .iter()
        .map(|f| share_of_target(f.current, f.target, f.direction.sign()))
        .collect();
    let mut series = Vec::new();
    if results.iter().any(|r| r.previous.is_some()) {
        let before = audit
            .findings
            .iter()
            .zip(results)
            .map(|(f, r)| {
                let (_, p) = r.previous.as_ref()?;
                share_of_target(*p, f.target, f.direction.sign())
            })
            .collect();
        series.push((plan.catalog.t("Previous audit", &[]), before));
    }
    series.push((plan.catalog.t("This audit", &[]), now));
    let colors = (series.len() == 2).then_some(options::THEN_NOW);
    let bars = Bars {
        unit: "%".to_owned(),
        rows,
        series,
        markers: None,
        reference: Some((plan.catalog.t("Target", &[]), 100.0)),
        stacked: false,
        colors,
        bar_colors: None,
    };
    let label = plan.catalog.t(
        "{audit}: each finding as a share of its target",
        &[("audit", &audit.title)],
    );
    Some(options::bars(
        (id_of(&["audit", &audit.id]), label),
        "audit",
        &bars,
    ))
}

/// Findings met, close and off per audit, oldest first: progress from one audit to the next.
pub fn audits_progress(plan: &Plan, report: &Report) -> Option<ChartView> {
    use crate::analytics::scoring::GapStatus;
    let audits = &plan.data.audits;
    if audits.is_empty() {
        return None;
    }
    let count = |results: &[FindingResult], s: GapStatus| {
        Some(results.iter().filter(|r| r.status == s).count() as f64)
    };
    let series = [
        (GapStatus::Met, "Met"),
        (GapStatus::Close, "Close"),
        (GapStatus::Off, "Off"),
    ]
    .iter()
    .map(|(status, name)| {
        let values = report.audits.iter().map(|r| count(r, *status)).collect();
        (plan.catalog.t(name, &[]), values)
    })
    .collect();
    let bars = Bars {
        unit: "count".to_owned(),
        rows: audits.iter().map(|a| a.title.clone()).collect(),
        series,
        markers: None,
        reference: None,
        stacked: true,
        colors: Some(options::MET_CLOSE_OFF),
        bar_colors: None,
    };
    let label = plan.catalog.t("Findings by status, audit by audit", &[]);
    Some(options::bars((id_of(&["audits"]), label), "audits", &bars))
}

/// Each key result's progress against the progress expected by now.
pub fn okr_progress(
    plan: &Plan,
    period: &OkrPeriod,
    results: &[Vec<KrResult>],
) -> Option<ChartView> {
    let krs: Vec<_> = period
        .objectives
        .iter()
        .zip(results)
        .flat_map(|(o, r)| o.key_results.iter().zip(r))
        .collect();
    if krs.is_empty() {
        return None;
    }
    let pct = |v: Option<f64>| v.map(|v| v * 100.0);
    let bars = Bars {
        unit: "%".to_owned(),
        rows: krs.iter().map(|(k, _)| k.title.clone()).collect(),
        series: vec![(
            plan.catalog.t("Progress", &[]),
            krs.iter().map(|(_, r)| pct(r.progress)).collect(),
        )],
        markers: Some((
            plan.catalog.t("Expected by now", &[]),
            krs.iter().map(|(_, r)| pct(Some(r.expected))).collect(),
        )),
        reference: Some((plan.catalog.t("Target", &[]), 100.0)),
        stacked: false,
        colors: None,
        bar_colors: Some(
            krs.iter()
                .map(|(_, r)| options::status_color(r.status.as_str()))
                .collect(),
        ),
    };
    let label = plan.catalog.t(
        "OKR {period}: progress against expected progress",
        &[("period", &period.id)],
    );
    Some(options::bars(
        (id_of(&["okr", &period.id]), label),
        "okr",
        &bars,
    ))
}

fn level(l: Level) -> f64 {
    match l {
        Level::Low => 1.0,
        Level::Medium => 2.0,
        Level::High => 3.0,
    }
}

/// Initiatives on the impact × effort matrix. Initiatives in the same cell
/// are spread on a small circle around it so that none hides another.
pub fn initiatives(plan: &Plan) -> Option<ChartView> {
    let list = &plan.data.initiatives;
    if list.is_empty() {
        return None;
    }
    let mut dots = Vec::with_capacity(list.len());
    for (i, init) in list.iter().enumerate() {
        let cell = |j: &&crate::data::initiatives::Initiative| (j.effort, j.impact);
        let same: Vec<usize> = (0..list.len())
            .filter(|&j| cell(&&list[j]) == cell(&init))
            .collect();
        let k = same.iter().position(|&j| j == i).unwrap_or(0) as f64;
        let (dx, dy) = if same.len() > 1 {
            // From the top, clockwise, so that two dots stack vertically.
            let angle = std::f64::consts::FRAC_PI_2 - std::f64::consts::TAU * k / same.len() as f64;
            (0.22 * angle.cos(), 0.22 * angle.sin())
        } else {
            (0.0, 0.0)
        };
        dots.push(Dot {
            name: init.title.clone(),
            x: level(init.effort) + dx,
            y: level(init.impact) + dy,
        });
    }
    let q = Quadrants {
        x_name: plan.catalog.t("Effort (low to high)", &[]),
        y_name: plan.catalog.t("Impact (low to high)", &[]),
        x_range: (0.5, 3.5),
        y_range: (0.5, 3.5),
        split: (1.5, 1.5),
        names: [
            plan.catalog.t("Quick wins", &[]),
            plan.catalog.t("Major projects", &[]),
            plan.catalog.t("Fill-ins", &[]),
            plan.catalog.t("Thankless tasks", &[]),
        ],
        dots: &dots,
        columns: (
            Column::fixed("Effort (1 low, 3 high)", ""),
            Column::fixed("Impact (1 low, 3 high)", ""),
        ),
        labels: false,
        ticks: false,
    };
    let label = plan.catalog.t("Initiatives by impact and effort", &[]);
    Some(options::quadrants(
        (id_of(&["initiatives"]), label),
        "matrix",
        &q,
    ))
}

/// Key drivers: how much each attribute moves the score (importance, the
/// correlation r) against how well it performs.
pub fn drivers(plan: &Plan, report: &Report) -> Option<ChartView> {
    let dots: Vec<Dot> = report
        .drivers
        .iter()
        .filter_map(|d| {
            Some(Dot {
                name: d.attribute.clone(),
                x: d.performance?,
                y: d.r?,
            })
        })
        .collect();
    if dots.len() < 2 {
        return None;
    }
    // The same medians that put each attribute in its quadrant.
    let (r, performance) = crate::analytics::drivers::medians(&report.drivers)?;
    let split = (performance, r);
    let (lo, hi) = dots
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), d| {
            (lo.min(d.y), hi.max(d.y))
        });
    let q = Quadrants {
        x_name: plan.catalog.t("Performance (0–100)", &[]),
        y_name: plan.catalog.t("Importance (r)", &[]),
        x_range: (0.0, 100.0),
        y_range: (
            ((lo - 0.1) * 10.0).floor() / 10.0,
            ((hi + 0.1) * 10.0).ceil() / 10.0,
        ),
        split,
        names: [
            plan.catalog.t("Fix first", &[]),
            plan.catalog.t("Strength", &[]),
            plan.catalog.t("Monitor", &[]),
            plan.catalog.t("Maintain", &[]),
        ],
        dots: &dots,
        columns: (
            Column::fixed("Performance", "score"),
            Column::fixed("Importance (r)", "score"),
        ),
        labels: true,
        ticks: true,
    };
    let label = plan
        .catalog
        .t("Key drivers: importance against performance", &[]);
    Some(options::quadrants(
        (id_of(&["drivers"]), label),
        "matrix",
        &q,
    ))
}

/// Weekly mentions of each theme in the comments.
pub fn themes(plan: &Plan, report: &Report) -> Option<ChartView> {
    let mut weeks: Vec<Period> = report
        .themes
        .iter()
        .flat_map(|r| r.weekly.iter().map(|(p, _)| *p))
        .collect();
    weeks.sort();
    weeks.dedup();
    let weeks = &weeks[weeks.len().saturating_sub(TREND_PERIODS)..];
    if weeks.is_empty() {
        return None;
    }
    let series = plan
        .data
        .themes
        .iter()
        .zip(&report.themes)
        .map(|(theme, r)| {
            let values = weeks
                .iter()
                .map(|w| {
                    Some(f64::from(
                        r.weekly.iter().find(|(p, _)| p == w).map_or(0, |(_, n)| *n),
                    ))
                })
                .collect();
            (theme.name.clone(), values)
        })
        .collect::<Vec<_>>();
    let labels: Vec<String> = weeks.iter().map(|w| w.label()).collect();
    let label = plan.catalog.t("Weekly mentions of each theme", &[]);
    Some(options::trend(
        (id_of(&["themes"]), label),
        "count",
        &labels,
        &series,
        None,
        &[],
        &tr(plan),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_of_target_read_in_the_better_direction() {
        assert_eq!(share_of_target(45.0, 90.0, 1.0), Some(50.0));
        assert_eq!(share_of_target(6.0, 3.0, -1.0), Some(50.0));
        // On target is 100 %, also at zero.
        assert_eq!(share_of_target(0.0, 0.0, -1.0), Some(100.0));
        assert_eq!(share_of_target(-10.0, -10.0, 1.0), Some(100.0));
        // Nothing left of a lower-is-better figure: as far past the target as shown.
        assert_eq!(share_of_target(0.0, 5.0, -1.0), Some(MAX_SHARE));
        assert_eq!(share_of_target(900.0, 90.0, 1.0), Some(MAX_SHARE));
        // A ratio of a negative value is no share: left to the table.
        assert_eq!(share_of_target(-5.0, 20.0, 1.0), None);
        assert_eq!(share_of_target(5.0, -10.0, 1.0), None);
    }

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
