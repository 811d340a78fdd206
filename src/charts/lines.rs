//! Line charts: a metric per period with its target and the changes
//! measured on it, and the daily values either side of one change.

use charming::datatype::{CompositeValue, DataPoint};
use charming::element::{
    ItemStyle, Label, LineStyle, MarkLine, MarkLineData, MarkLineVariant, Symbol, Trigger,
};
use charming::series::{Line, Scatter};

use super::frame::{INK, MUTED, PALETTE, Tr, base, category, dashed, legend, opt, value_axis};
use super::{ChartView, Column, Row, Table};

/// A dated change drawn on a trend: a pin at the period it falls in.
#[derive(Debug, Clone)]
pub struct Event {
    /// Index into the trend's periods.
    pub at: usize,
    /// What changed, said in words; shown when the pin is hovered.
    pub what: String,
}

/// A process behaviour chart's lines, drawn from period `from` on (the
/// start of the phase they come from, or the first period shown).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub centre: f64,
    pub lower: f64,
    pub upper: f64,
    pub from: usize,
}

/// A metric per period: a line per series, the target as a reference line,
/// the process behaviour chart's centre line and limits, and the changes as
/// pins a reader can hover.
#[allow(clippy::too_many_arguments)]
pub fn trend(
    (id, label): (String, String),
    unit: &str,
    periods: &[String],
    series: &[(String, Vec<Option<f64>>)],
    target: Option<f64>,
    limits: Option<Limits>,
    events: &[Event],
    tr: Tr,
) -> ChartView {
    let mut chart = base(Trigger::Axis)
        .x_axis(category(periods).boundary_gap(false))
        .y_axis(value_axis(unit));
    let mut names: Vec<String> = series.iter().map(|(n, _)| n.clone()).collect();
    for (name, values) in series {
        chart = chart.series(
            Line::new()
                .name(name.as_str())
                .symbol_size(5)
                .connect_nulls(false)
                .data(values.iter().map(|v| opt(*v)).collect()),
        );
    }
    // The target is a series of its own, not a mark line, so that the axis
    // always reaches it and the tooltip names it.
    if let Some(t) = target {
        let name = tr("Target");
        chart = chart.series(
            Line::new()
                .name(name.as_str())
                .symbol(Symbol::None)
                .line_style(dashed(INK))
                .item_style(ItemStyle::new().color(INK))
                .data(periods.iter().map(|_| opt(Some(t))).collect()),
        );
        names.push(name);
    }
    // The limits are drawn only over their own phase: before it, the
    // process had other limits.
    let limit_lines = limits.map(|l| {
        let along = |v: f64| -> Vec<Option<f64>> {
            (0..periods.len())
                .map(|i| (i >= l.from).then_some(v))
                .collect()
        };
        [
            (tr("Centre line"), along(l.centre)),
            (tr("Lower limit"), along(l.lower)),
            (tr("Upper limit"), along(l.upper)),
        ]
    });
    for (name, values) in limit_lines.iter().flatten() {
        chart = chart.series(
            Line::new()
                .name(name.as_str())
                .symbol(Symbol::None)
                .line_style(dashed(MUTED))
                .item_style(ItemStyle::new().color(MUTED))
                .data(values.iter().map(|v| opt(*v)).collect()),
        );
        names.push(name.clone());
    }
    chart = chart.legend(legend(names));
    // One series per change, named after it, so that the axis tooltip says
    // what changed in that period.
    let first = series.first().map(|(_, v)| v.as_slice()).unwrap_or(&[]);
    for e in events {
        let Some(label) = periods.get(e.at) else {
            continue;
        };
        let y = first.get(e.at).copied().flatten();
        chart = chart.series(
            Scatter::new()
                .name(e.what.as_str())
                .symbol(Symbol::Pin)
                .symbol_size(22)
                .item_style(ItemStyle::new().color(PALETTE[5]))
                .data(vec![DataPoint::Value(CompositeValue::from(vec![
                    CompositeValue::from(label.as_str()),
                    CompositeValue::from(y),
                ]))]),
        );
    }
    let mut columns = vec![Column::fixed("Period", "")];
    columns.extend(series.iter().map(|(n, _)| Column::data(n, unit)));
    if target.is_some() {
        columns.push(Column::fixed("Target", unit));
    }
    for name in ["Centre line", "Lower limit", "Upper limit"] {
        if limits.is_some() {
            columns.push(Column::fixed(name, unit));
        }
    }
    let rows = periods
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut cells: Vec<Option<f64>> = series
                .iter()
                .map(|(_, v)| v.get(i).copied().flatten())
                .collect();
            if target.is_some() {
                cells.push(target);
            }
            for (_, values) in limit_lines.iter().flatten() {
                cells.push(values[i]);
            }
            Row {
                label: p.clone(),
                cells,
            }
        })
        .collect();
    ChartView::new(id, "trend", label, &chart, Table { columns, rows })
}

/// The days of a before/after comparison: one per calendar day from the
/// first day before the change to the last day after it, so that days
/// without data show as gaps and both windows keep the same time scale.
#[derive(Debug, Clone)]
pub struct Windows {
    pub days: Vec<String>,
    /// (index into `days`, value) of each day with data.
    pub before: Vec<(usize, f64)>,
    pub after: Vec<(usize, f64)>,
    /// The first and last index of each window, where its mean line runs.
    pub spans: ((usize, usize), (usize, usize)),
    /// The windows' means, as the comparison computed them.
    pub means: (f64, f64),
    /// The series' names, which say the means: "Before, mean 81.3 %".
    pub names: (String, String),
}

/// The daily values of a before/after comparison, each window with its mean.
pub fn before_after((id, label): (String, String), unit: &str, w: &Windows, tr: Tr) -> ChartView {
    let window = |xs: &[(usize, f64)], name: &str, color: &str, (first, last), mean: f64| {
        let mut values = vec![None; w.days.len()];
        for (i, v) in xs {
            if let Some(slot) = values.get_mut(*i) {
                *slot = Some(*v);
            }
        }
        let at = |i: usize| CompositeValue::from(w.days.get(i).map_or("", String::as_str));
        Line::new()
            .name(name)
            .symbol_size(4)
            .item_style(ItemStyle::new().color(color))
            .data(values.into_iter().map(opt).collect())
            .mark_line(
                MarkLine::new()
                    .silent(true)
                    .symbol(vec![Symbol::None, Symbol::None])
                    .line_style(LineStyle::new().width(3).color(color))
                    // The legend says the means; a label here would cover the data.
                    .label(Label::new().show(false))
                    .data(vec![MarkLineVariant::StartToEnd(
                        MarkLineData::new().coord(vec![at(first), mean.into()]),
                        MarkLineData::new().coord(vec![at(last), mean.into()]),
                    )]),
            )
    };
    let (before_name, after_name) = &w.names;
    let chart = base(Trigger::Axis)
        .legend(legend(vec![before_name.clone(), after_name.clone()]))
        .x_axis(category(&w.days))
        .y_axis(value_axis(unit))
        .series(window(&w.before, before_name, MUTED, w.spans.0, w.means.0))
        .series(window(
            &w.after, after_name, PALETTE[0], w.spans.1, w.means.1,
        ));
    let table = Table {
        columns: vec![
            Column::fixed("Window", ""),
            Column::fixed("Days with data", "count"),
            Column::fixed("Mean", unit),
        ],
        rows: vec![
            Row {
                label: tr("Before"),
                cells: vec![Some(w.before.len() as f64), Some(w.means.0)],
            },
            Row {
                label: tr("After"),
                cells: vec![Some(w.after.len() as f64), Some(w.means.1)],
            },
        ],
    };
    ChartView::new(id, "before-after", label, &chart, table)
}
