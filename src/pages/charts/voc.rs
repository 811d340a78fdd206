//! The charts of the customer-voice page: NPS per period and per segment,
//! the key drivers and the weekly mentions of each theme.

use super::{TREND_PERIODS, tr};
use crate::analytics::Report;
use crate::analytics::periods::Period;
use crate::analytics::voc::Figures;
use crate::charts::bars::{self, NpsBar};
use crate::charts::lines;
use crate::charts::quadrants::{self, Dot, Quadrants};
use crate::charts::{ChartView, Column, id_of};
use crate::plan::Plan;

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
    Some(bars::nps(
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
    Some(bars::nps(
        (id_of(&["nps", dimension]), label),
        Column::data(dimension, ""),
        &bars,
        &tr(plan),
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
    Some(quadrants::quadrants(
        (id_of(&["drivers"]), label),
        "matrix",
        &q,
    ))
}

/// Weekly mentions of each theme in the comments.
pub fn themes(plan: &Plan, report: &Report) -> Option<ChartView> {
    let results: Vec<_> = plan
        .data
        .themes
        .iter()
        .filter_map(|t| Some((t, report.theme(&t.id)?)))
        .collect();
    let mut weeks: Vec<Period> = results
        .iter()
        .flat_map(|(_, r)| r.weekly.iter().map(|(p, _)| *p))
        .collect();
    weeks.sort();
    weeks.dedup();
    let weeks = &weeks[weeks.len().saturating_sub(TREND_PERIODS)..];
    if weeks.is_empty() {
        return None;
    }
    let series = results
        .iter()
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
    Some(lines::trend(
        (id_of(&["themes"]), label),
        "count",
        &labels,
        &series,
        None,
        None,
        &[],
        &tr(plan),
    ))
}
