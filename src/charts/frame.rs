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

#[cfg(test)]
mod tests {
    use super::*;

    /// Each colour above, and its counterpart on a dark page: `charts.js`
    /// swaps them when the reader's system asks for a dark scheme. Both
    /// columns keep 3:1 contrast against their page (tested here).
    const DARK: [(&str, &str); 11] = [
        ("#1f5fbf", "#7cacf8"),
        ("#c2410c", "#fb923c"),
        ("#1c7c47", "#56c288"),
        ("#7c3aed", "#b197fc"),
        ("#0e7490", "#3fc1d9"),
        ("#9a6700", "#e0b04a"),
        ("#be185d", "#f472b6"),
        ("#5b6677", "#a4aebd"),
        ("#b3261e", "#ff8a80"),
        ("#8a94a6", "#8b96a8"),
        ("#1d2430", "#e4e8ee"),
    ];

    /// The backgrounds charts are drawn on: the stylesheet's `--paper`, light
    /// and dark.
    const PAPER: (&str, &str) = ("#ffffff", "#161b22");

    /// WCAG's relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn every_colour_has_a_dark_counterpart_and_both_keep_three_to_one() {
        let used = PALETTE.iter().chain(&[GOOD, BAD, MUTED, INK]);
        for colour in used {
            assert!(
                DARK.iter().any(|(light, _)| light == colour),
                "{colour} has no dark counterpart"
            );
        }
        for (light, dark) in DARK {
            let (on_light, on_dark) = (contrast(light, PAPER.0), contrast(dark, PAPER.1));
            assert!(on_light >= 3.0, "{light} on {}: {on_light:.2}", PAPER.0);
            assert!(on_dark >= 3.0, "{dark} on {}: {on_dark:.2}", PAPER.1);
        }
    }

    #[test]
    fn the_script_swaps_the_same_colours_and_the_stylesheet_has_the_same_papers() {
        let script = include_str!("../../templates/charts.js");
        for (light, dark) in DARK {
            assert!(
                script.contains(&format!("\"{light}\": \"{dark}\"")),
                "charts.js lacks {light} → {dark}"
            );
        }
        let css = include_str!("../../templates/style.css");
        for paper in [PAPER.0, PAPER.1] {
            assert!(css.contains(&format!("--paper: {paper};")), "{paper}");
        }
    }
}
