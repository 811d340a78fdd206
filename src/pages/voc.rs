//! `/voc/`: NPS, CSAT and CES per period and per segment, themes in the
//! comments and the key drivers of the score.

use serde::Serialize;

use super::{PageView, charts};
use crate::analytics::Report;
use crate::analytics::voc::{Figures, NpsChange, SMALL_SAMPLE};
use crate::charts::ChartView;
use crate::plan::Plan;
use crate::url;

#[derive(Serialize)]
struct Row {
    label: String,
    f: Figures,
    change: Option<NpsChange>,
    /// The change is larger than chance at the plan's alpha, once corrected
    /// for the number of periods tested.
    significant: bool,
}

#[derive(Serialize)]
struct View {
    overall: Figures,
    /// Newest first.
    periods: Vec<Row>,
    segments: Vec<SegmentView>,
    small_sample: u32,
    alpha: f64,
    themes: Vec<ThemeView>,
    /// Whether comments were read with contacts masked.
    masked: bool,
    drivers: Vec<crate::analytics::drivers::Driver>,
    charts: Charts,
}

#[derive(Serialize)]
struct SegmentView {
    name: String,
    rows: Vec<Row>,
    chart: Option<ChartView>,
}

#[derive(Serialize)]
struct Charts {
    nps: Option<ChartView>,
    themes: Option<ChartView>,
    drivers: Option<ChartView>,
}

#[derive(Serialize)]
struct ThemeView {
    id: String,
    name: String,
    mentions: u32,
    /// The last weeks, oldest first: (label, mentions).
    recent: Vec<(String, u32)>,
    latest_week: Option<(String, u32)>,
    limit: Option<u32>,
    alert: bool,
    detractor_share: Option<f64>,
    nps: Figures,
    /// The latest comments that mention it, newest first: (date, text).
    quotes: Vec<(String, String)>,
}

/// How many weeks of mentions the theme table shows.
const RECENT_WEEKS: usize = 8;

pub fn page(plan: &Plan, report: &Report) -> PageView {
    let voc = &report.voc;
    let alpha = plan.config.alpha;
    let row = |label: String, f: Figures, change: Option<NpsChange>| Row {
        label,
        f,
        change,
        significant: change.is_some_and(|c| c.p_value_holm < alpha),
    };
    let view = View {
        overall: voc.overall,
        periods: voc
            .periods
            .iter()
            .rev()
            .map(|p| row(p.period.label(), p.figures, p.change))
            .collect(),
        segments: voc
            .segments
            .iter()
            .map(|(name, values)| {
                let rows = values
                    .iter()
                    .map(|s| row(s.value.clone(), s.overall, None))
                    .collect();
                SegmentView {
                    name: name.clone(),
                    rows,
                    chart: charts::nps_segment(plan, report, name),
                }
            })
            .collect(),
        small_sample: SMALL_SAMPLE,
        alpha,
        themes: plan
            .data
            .themes
            .iter()
            .filter_map(|t| Some((t, report.theme(&t.id)?)))
            .map(|(t, r)| ThemeView {
                id: t.id.clone(),
                name: t.name.clone(),
                mentions: r.mentions,
                recent: r.weekly[r.weekly.len().saturating_sub(RECENT_WEEKS)..]
                    .iter()
                    .map(|(p, n)| (p.label(), *n))
                    .collect(),
                latest_week: r.latest_week.map(|(p, n)| (p.label(), n)),
                limit: t.alert_weekly_mentions,
                alert: r.alert,
                detractor_share: r.detractor_share(),
                nps: r.nps,
                quotes: r
                    .quotes
                    .iter()
                    .map(|q| (q.date.to_string(), q.text.clone()))
                    .collect(),
            })
            .collect(),
        masked: plan.config.mask_contacts,
        drivers: report.drivers.clone(),
        charts: Charts {
            nps: charts::nps_periods(plan, report),
            themes: charts::themes(plan, report),
            drivers: charts::drivers(plan, report),
        },
    };
    PageView::new(
        url::VOC,
        "voc.html",
        plan.catalog.t("Customer voice", &[]),
        &view,
    )
    .showing(["data/surveys/", "data/themes.toml"])
}
