//! The charts of the plan's own pages: audit findings against their
//! targets and from one audit to the next, key results against expected
//! progress, and initiatives by impact and effort.

use crate::analytics::Report;
use crate::charts::bars::{self, Bars};
use crate::charts::quadrants::{self, Dot, Quadrants};
use crate::charts::{ChartView, Column, id_of};
use crate::data::audits::Audit;
use crate::data::initiatives::Level;
use crate::data::okrs::OkrPeriod;
use crate::plan::Plan;

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
pub fn audit_gaps(plan: &Plan, report: &Report, audit: &Audit) -> Option<ChartView> {
    if audit.findings.is_empty() {
        return None;
    }
    let rows = audit
        .findings
        .iter()
        .map(|f| {
            let filter = crate::pages::filter_text(&f.filter);
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
    if report.findings(audit).any(|(_, r)| r.previous.is_some()) {
        let before = audit
            .findings
            .iter()
            .map(|f| {
                let (_, p) = report.finding(audit, f)?.previous.as_ref()?;
                share_of_target(*p, f.target, f.direction.sign())
            })
            .collect();
        series.push((plan.catalog.t("Previous audit", &[]), before));
    }
    series.push((plan.catalog.t("This audit", &[]), now));
    let colors = (series.len() == 2).then_some(bars::THEN_NOW);
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
    Some(bars::bars(
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
    let count = |audit: &Audit, s: GapStatus| {
        Some(
            report
                .findings(audit)
                .filter(|(_, r)| r.status == s)
                .count() as f64,
        )
    };
    let series = [
        (GapStatus::Met, "Met"),
        (GapStatus::Close, "Close"),
        (GapStatus::Off, "Off"),
    ]
    .iter()
    .map(|(status, name)| {
        let values = audits.iter().map(|a| count(a, *status)).collect();
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
        colors: Some(bars::MET_CLOSE_OFF),
        bar_colors: None,
    };
    let label = plan.catalog.t("Findings by status, audit by audit", &[]);
    Some(bars::bars((id_of(&["audits"]), label), "audits", &bars))
}

/// Each key result's progress against the progress expected by now.
pub fn okr_progress(plan: &Plan, report: &Report, period: &OkrPeriod) -> Option<ChartView> {
    let krs: Vec<_> = report
        .key_results(period)
        .map(|(_, kr, r)| (kr, r))
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
                .map(|(_, r)| bars::status_color(r.status.as_str()))
                .collect(),
        ),
    };
    let label = plan.catalog.t(
        "OKR {period}: progress against expected progress",
        &[("period", &period.id)],
    );
    Some(bars::bars(
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
    Some(quadrants::quadrants(
        (id_of(&["initiatives"]), label),
        "matrix",
        &q,
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
}
