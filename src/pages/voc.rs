//! `/voc/`: NPS, CSAT and CES per period and per segment.

use serde::Serialize;

use super::PageView;
use crate::Plan;
use crate::analytics::Report;
use crate::analytics::voc::{Figures, SMALL_SAMPLE};

#[derive(Serialize)]
struct View {
    overall: Figures,
    /// Newest first.
    periods: Vec<(String, Figures)>,
    segments: Vec<(String, Vec<(String, Figures)>)>,
    small_sample: u32,
}

pub fn page(_plan: &Plan, report: &Report) -> PageView {
    let voc = &report.voc;
    let view = View {
        overall: voc.overall,
        periods: voc
            .periods
            .iter()
            .rev()
            .map(|(p, f)| (p.label(), *f))
            .collect(),
        segments: voc.segments.clone(),
        small_sample: SMALL_SAMPLE,
    };
    PageView::new("voc/", "voc.html", "Customer voice", &view)
}
