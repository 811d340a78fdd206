//! What every chart shares: the frame (no animation, a tooltip, room for
//! labels), the palette, axes and the conversion of a missing value to a
//! gap. The charts themselves are in [`super::lines`], [`super::bars`] and
//! [`super::quadrants`]; each builder takes plain figures and returns the
//! chart with its data table.
//!
//! Options are static JSON (no JavaScript callbacks), with animation off so
//! that a chart is drawn at once and the same data always draws the same.
//! Fixed texts (series names, axis names) go through a [`Tr`], the page's
//! translation of an English text.

use charming::Chart;
use charming::component::{Axis, Grid, Legend};
use charming::datatype::{CompositeValue, DataPoint};
use charming::element::{AxisType, LineStyle, LineStyleType, Tooltip, Trigger};

/// Translates a fixed English text into the page's language.
pub type Tr<'a> = &'a dyn Fn(&str) -> String;

/// Series colours, chosen to stay apart for colour-blind readers and to
/// match the stylesheet's accent, good and bad colours.
pub(super) const PALETTE: [&str; 8] = [
    "#1f5fbf", "#c2410c", "#1c7c47", "#7c3aed", "#0e7490", "#9a6700", "#be185d", "#5b6677",
];
pub(super) const GOOD: &str = "#1c7c47";
pub(super) const BAD: &str = "#b3261e";
pub(super) const MUTED: &str = "#8a94a6";
pub(super) const INK: &str = "#1d2430";

/// The frame every chart shares: no animation, a tooltip, room for labels.
pub(super) fn base(trigger: Trigger) -> Chart {
    framed(trigger, grid())
}

pub(super) fn framed(trigger: Trigger, grid: Grid) -> Chart {
    Chart::new()
        .animation(false)
        .color(PALETTE.to_vec())
        .tooltip(Tooltip::new().trigger(trigger))
        .grid(grid)
}

pub(super) fn grid() -> Grid {
    Grid::new()
        .left(8)
        .right(24)
        .top(36)
        .bottom(8)
        .contain_label(true)
}

pub(super) fn legend(names: Vec<String>) -> Legend {
    Legend::new().data(names).top(0)
}

pub(super) fn category(labels: &[String]) -> Axis {
    Axis::new().type_(AxisType::Category).data(labels.to_vec())
}

/// A value axis named after the metric's unit (`%`, `min`); counts and
/// scores need no name.
pub(super) fn value_axis(unit: &str) -> Axis {
    let axis = Axis::new().type_(AxisType::Value).scale(true);
    match unit {
        "" | "count" | "score" => axis,
        u => axis.name(u),
    }
}

pub(super) fn dashed(color: &str) -> LineStyle {
    LineStyle::new().type_(LineStyleType::Dashed).color(color)
}

/// A value or `null`, so that a missing period is a gap, not a zero.
pub(super) fn opt(v: Option<f64>) -> DataPoint {
    DataPoint::Value(CompositeValue::from(v.filter(|v| v.is_finite())))
}
