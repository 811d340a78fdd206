//! Charts: figures in, chart views out. Each chart is an ECharts option built
//! with charming ([`lines`], [`bars`], [`quadrants`]) plus the same figures as a table, so a page
//! reads without scripts and on paper; KPI cards also get small SVG
//! sparklines and bullets drawn here in Rust ([`svg`]).
//!
//! Nothing here reads the plan: the pages module gathers plain numbers and
//! labels, and these pure functions shape them, which keeps them easy to test.

pub mod bars;
mod frame;
pub mod lines;
pub mod quadrants;
pub mod svg;

pub use frame::Tr;

use serde::Serialize;

/// One chart as a template places it: a canvas for ECharts, its option as
/// script-safe JSON, and its data as a table.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    /// Unique on its page; the id of the `<script>` that holds the option.
    pub id: String,
    /// A class name: `trend`, `before-after`, `nps`, ….
    pub kind: &'static str,
    /// The accessible name, also the figure's caption.
    pub label: String,
    /// The ECharts option as JSON in which `<`, `>` and `&` are escaped, so
    /// that no data value can close the `<script>` element that holds it.
    pub option: String,
    pub table: Table,
}

/// A chart's figures: a row per category, a column per series.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// A column heading. Fixed texts are English keys the template translates;
/// data (a channel's or a theme's name) is shown as it is.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub text: String,
    pub translate: bool,
    /// How the template formats the column's numbers: a metric unit
    /// (`%`, `min`, …), `count` or empty for plain numbers.
    pub unit: String,
}

impl Column {
    pub fn fixed(text: &str, unit: &str) -> Column {
        Column {
            text: text.to_owned(),
            translate: true,
            unit: unit.to_owned(),
        }
    }

    pub fn data(text: &str, unit: &str) -> Column {
        Column {
            text: text.to_owned(),
            translate: false,
            unit: unit.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    pub cells: Vec<Option<f64>>,
}

impl ChartView {
    /// Serialises `chart` and escapes it for a `<script type="application/json">`.
    pub fn new(
        id: impl Into<String>,
        kind: &'static str,
        label: impl Into<String>,
        chart: &charming::Chart,
        table: Table,
    ) -> ChartView {
        ChartView {
            id: id.into(),
            kind,
            label: label.into(),
            option: script_json(chart),
            table,
        }
    }
}

/// JSON that is safe inside a `<script>` element: `<`, `>` and `&` become
/// `\u003c`, `\u003e`, `\u0026` (still the same JSON), so `</script>` or
/// `<!--` in a data value cannot end the element. U+2028 and U+2029 are
/// escaped as well, for parsers that treat the text as JavaScript.
pub fn script_json(value: &impl Serialize) -> String {
    // A chart option holds only strings and numbers (non-finite ones become
    // `null`), so serialising cannot fail; an empty object draws nothing.
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// An id fit for HTML from free text: `trend-sla-channel-whatsapp`.
pub fn id_of(parts: &[&str]) -> String {
    crate::url::anchor("chart", parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let json = script_json(&serde_json::json!({
            "name": "</script><script>alert(1)</script> & <!-- \u{2028}"
        }));
        assert!(!json.contains('<') && !json.contains('>'), "{json}");
        assert!(!json.contains('&') && !json.contains('\u{2028}'), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).expect("still JSON");
        assert_eq!(
            back["name"],
            "</script><script>alert(1)</script> & <!-- \u{2028}"
        );
    }

    #[test]
    fn ids_are_slugs() {
        assert_eq!(
            id_of(&["trend", "SLA", "channel: <WhatsApp>"]),
            "chart-trend-sla-channel-whatsapp"
        );
    }
}
