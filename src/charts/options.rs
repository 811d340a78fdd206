//! The ECharts options of every chart, built with charming. Each builder
//! takes plain figures and returns the chart together with its data table.
//!
//! Options are static JSON (no JavaScript callbacks), with animation off so
//! that a chart is drawn at once and the same data always draws the same.
//! Fixed texts (series names, axis names) go through `tr`, the page's
//! translation of an English text.

use charming::Chart;
use charming::component::{Axis, Grid, Legend};
use charming::datatype::{CompositeValue, DataPoint, DataPointItem};
use charming::element::{
    AxisType, ItemStyle, Label, LabelPosition, LineStyle, LineStyleType, MarkLine, MarkLineData,
    MarkLineVariant, Symbol, Tooltip, Trigger,
};
use charming::series::{Bar, Line, Scatter};

use super::{ChartView, Column, Row, Table};

/// Translates a fixed English text into the page's language.
pub type Tr<'a> = &'a dyn Fn(&str) -> String;

/// Series colours, chosen to stay apart for colour-blind readers and to
/// match the stylesheet's accent, good and bad colours.
const PALETTE: [&str; 8] = [
    "#1f5fbf", "#c2410c", "#1c7c47", "#7c3aed", "#0e7490", "#9a6700", "#be185d", "#5b6677",
];
const GOOD: &str = "#1c7c47";
const BAD: &str = "#b3261e";
const MUTED: &str = "#8a94a6";
const INK: &str = "#1d2430";

/// The frame every chart shares: no animation, a tooltip, room for labels.
fn base(trigger: Trigger) -> Chart {
    framed(trigger, grid())
}

fn framed(trigger: Trigger, grid: Grid) -> Chart {
    Chart::new()
        .animation(false)
        .color(PALETTE.to_vec())
        .tooltip(Tooltip::new().trigger(trigger))
        .grid(grid)
}

fn grid() -> Grid {
    Grid::new()
        .left(8)
        .right(24)
        .top(36)
        .bottom(8)
        .contain_label(true)
}

fn legend(names: Vec<String>) -> Legend {
    Legend::new().data(names).top(0)
}

fn category(labels: &[String]) -> Axis {
    Axis::new().type_(AxisType::Category).data(labels.to_vec())
}

fn value_axis(name: &str) -> Axis {
    Axis::new().type_(AxisType::Value).scale(true).name(name)
}

fn dashed(color: &str) -> LineStyle {
    LineStyle::new().type_(LineStyleType::Dashed).color(color)
}

/// A value or `null`, so that a missing period is a gap, not a zero.
fn opt(v: Option<f64>) -> DataPoint {
    DataPoint::Value(CompositeValue::from(v.filter(|v| v.is_finite())))
}

/// A dated change drawn on a trend: a pin at the period it falls in.
#[derive(Debug, Clone)]
pub struct Event {
    /// Index into the trend's periods.
    pub at: usize,
    /// What changed, said in words; shown when the pin is hovered.
    pub what: String,
}

/// A metric per period: a line per series, the target as a reference line,
/// and the changes as pins a reader can hover.
pub fn trend(
    (id, label): (String, String),
    unit: &str,
    periods: &[String],
    series: &[(String, Vec<Option<f64>>)],
    target: Option<f64>,
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
                    .label(
                        Label::new()
                            .formatter("{b}: {c}")
                            .position(LabelPosition::Top),
                    )
                    .data(vec![MarkLineVariant::StartToEnd(
                        MarkLineData::new()
                            .name(tr("Mean"))
                            .coord(vec![at(first), mean.into()]),
                        MarkLineData::new().coord(vec![at(last), mean.into()]),
                    )]),
            )
    };
    let (before_name, after_name) = (tr("Before"), tr("After"));
    let chart = base(Trigger::Axis)
        .legend(legend(vec![before_name.clone(), after_name.clone()]))
        .x_axis(category(&w.days))
        .y_axis(value_axis(unit))
        .series(window(&w.before, &before_name, MUTED, w.spans.0, w.means.0))
        .series(window(
            &w.after,
            &after_name,
            PALETTE[0],
            w.spans.1,
            w.means.1,
        ));
    let table = Table {
        columns: vec![
            Column::fixed("Window", ""),
            Column::fixed("Days with data", "count"),
            Column::fixed("Mean", unit),
        ],
        rows: vec![
            Row {
                label: before_name,
                cells: vec![Some(w.before.len() as f64), Some(w.means.0)],
            },
            Row {
                label: after_name,
                cells: vec![Some(w.after.len() as f64), Some(w.means.1)],
            },
        ],
    };
    ChartView::new(id, "before-after", label, &chart, table)
}

/// Answers per category (a period or a segment value): promoters, passives
/// and detractors as stacked shares, with the NPS as a line on its own axis.
#[derive(Debug, Clone)]
pub struct NpsBar {
    pub label: String,
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
    pub nps: Option<f64>,
}

/// `heading` heads the table's first column: the period, or the segment.
pub fn nps((id, label): (String, String), heading: Column, bars: &[NpsBar], tr: Tr) -> ChartView {
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    let share = |n: u32, b: &NpsBar| {
        let total = b.promoters + b.passives + b.detractors;
        (total > 0).then(|| f64::from(n) / f64::from(total) * 100.0)
    };
    let names = [tr("Promoters"), tr("Passives"), tr("Detractors")];
    let colors = [GOOD, MUTED, BAD];
    let mut chart = base(Trigger::Axis)
        .legend(legend(names.iter().cloned().chain([tr("NPS")]).collect()))
        .x_axis(category(&labels))
        .y_axis(Axis::new().type_(AxisType::Value).min(0).max(100).name("%"))
        .y_axis(
            Axis::new()
                .type_(AxisType::Value)
                .min(-100)
                .max(100)
                .name(tr("NPS")),
        );
    let counts: [fn(&NpsBar) -> u32; 3] = [|b| b.promoters, |b| b.passives, |b| b.detractors];
    for ((name, color), count) in names.iter().zip(colors).zip(counts) {
        chart = chart.series(
            Bar::new()
                .name(name.as_str())
                .stack("answers")
                .item_style(ItemStyle::new().color(color))
                .data(bars.iter().map(|b| opt(share(count(b), b))).collect()),
        );
    }
    chart = chart.series(
        Line::new()
            .name(tr("NPS"))
            .y_axis_index(1)
            .symbol_size(6)
            .item_style(ItemStyle::new().color(INK))
            .data(bars.iter().map(|b| opt(b.nps)).collect()),
    );
    let table = Table {
        columns: vec![
            heading,
            Column::fixed("Promoters", "count"),
            Column::fixed("Passives", "count"),
            Column::fixed("Detractors", "count"),
            Column::fixed("NPS", "score"),
        ],
        rows: bars
            .iter()
            .map(|b| Row {
                label: b.label.clone(),
                cells: vec![
                    Some(f64::from(b.promoters)),
                    Some(f64::from(b.passives)),
                    Some(f64::from(b.detractors)),
                    b.nps,
                ],
            })
            .collect(),
    };
    ChartView::new(id, "nps", label, &chart, table)
}

/// Horizontal bars, one row per item, one bar per series, with an optional
/// reference line (the target, 100 % of it) and markers (expected progress).
#[derive(Debug, Clone)]
pub struct Bars {
    pub unit: String,
    /// Row labels, top to bottom.
    pub rows: Vec<String>,
    /// (name, values) per series, parallel to `rows`.
    pub series: Vec<(String, Vec<Option<f64>>)>,
    /// (name, values) drawn as markers over the bars.
    pub markers: Option<(String, Vec<Option<f64>>)>,
    /// (name, x) of a vertical reference line.
    pub reference: Option<(String, f64)>,
    pub stacked: bool,
    /// A colour per series, when their meaning has one (met is green).
    pub colors: Option<&'static [&'static str]>,
    /// A colour per bar of the first series, parallel to `rows`: a key
    /// result's status.
    pub bar_colors: Option<Vec<&'static str>>,
}

/// The colour of a status: good, warning or bad.
pub fn status_color(status: &str) -> &'static str {
    match status {
        "done" | "on-track" | "met" => GOOD,
        "at-risk" | "close" => PALETTE[5],
        "off-track" | "overdue" | "off" => BAD,
        _ => MUTED,
    }
}

/// Series colours for a before and a now.
pub const THEN_NOW: &[&str] = &[MUTED, PALETTE[0]];
/// Series colours for met, close and off.
pub const MET_CLOSE_OFF: &[&str] = &[GOOD, PALETTE[5], BAD];

pub fn bars((id, label): (String, String), kind: &'static str, b: &Bars) -> ChartView {
    // ECharts draws the first category at the bottom; reverse so the chart
    // reads top to bottom like the table.
    let rows: Vec<String> = b.rows.iter().rev().cloned().collect();
    let rev = |v: &[Option<f64>]| v.iter().rev().map(|x| opt(*x)).collect::<Vec<_>>();
    let mut names: Vec<String> = b.series.iter().map(|(n, _)| n.clone()).collect();
    names.extend(b.markers.iter().map(|(n, _)| n.clone()));
    // The axis must reach the reference line, which ECharts does not see to.
    let top = b
        .series
        .iter()
        .chain(b.markers.iter())
        .flat_map(|(_, v)| v.iter().flatten())
        .chain(b.reference.iter().map(|(_, x)| x))
        .fold(0.0_f64, |m, v| m.max(*v));
    let mut x_axis = Axis::new().type_(AxisType::Value).min(0);
    if !b.stacked && top > 0.0 {
        x_axis = x_axis.max((top / 10.0).ceil() * 10.0);
    }
    let mut chart = base(Trigger::Axis)
        .legend(legend(names))
        .x_axis(x_axis)
        .y_axis(category(&rows));
    for (i, (name, values)) in b.series.iter().enumerate() {
        let mut bar = match (i, &b.bar_colors) {
            (0, Some(colors)) => Bar::new().name(name.as_str()).data(
                values
                    .iter()
                    .zip(colors)
                    .rev()
                    .map(|(v, c)| {
                        let value = CompositeValue::from(v.filter(|v| v.is_finite()));
                        DataPoint::Item(
                            DataPointItem::new(value).item_style(ItemStyle::new().color(*c)),
                        )
                    })
                    .collect(),
            ),
            _ => Bar::new().name(name.as_str()).data(rev(values)),
        };
        if let Some(color) = b.colors.and_then(|c| c.get(i)) {
            bar = bar.item_style(ItemStyle::new().color(*color));
        }
        if b.stacked {
            bar = bar.stack("total");
        }
        if i == 0
            && let Some((rname, x)) = &b.reference
        {
            bar = bar.mark_line(
                MarkLine::new()
                    .silent(true)
                    .symbol(vec![Symbol::None, Symbol::None])
                    .line_style(dashed(INK))
                    .label(Label::new().formatter("{b}"))
                    .data(vec![MarkLineVariant::Simple(
                        MarkLineData::new().name(rname.as_str()).x_axis(*x),
                    )]),
            );
        }
        chart = chart.series(bar);
    }
    if let Some((name, values)) = &b.markers {
        let points = rows
            .iter()
            .zip(values.iter().rev())
            .filter_map(|(r, v)| {
                v.map(|v| {
                    DataPoint::Value(CompositeValue::from(vec![
                        CompositeValue::from(v),
                        CompositeValue::from(r.as_str()),
                    ]))
                })
            })
            .collect();
        chart = chart.series(
            Scatter::new()
                .name(name.as_str())
                .symbol(Symbol::Diamond)
                .symbol_size(14)
                .item_style(ItemStyle::new().color(INK))
                .data(points),
        );
    }
    let mut columns = vec![Column::fixed("Item", "")];
    columns.extend(b.series.iter().map(|(n, _)| Column::data(n, &b.unit)));
    columns.extend(b.markers.iter().map(|(n, _)| Column::data(n, &b.unit)));
    let table_rows = b
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| Row {
            label: r.clone(),
            cells: b
                .series
                .iter()
                .chain(b.markers.iter())
                .map(|(_, v)| v.get(i).copied().flatten())
                .collect(),
        })
        .collect();
    ChartView::new(
        id,
        kind,
        label,
        &chart,
        Table {
            columns,
            rows: table_rows,
        },
    )
}

/// A labelled point of a quadrant chart.
#[derive(Debug, Clone)]
pub struct Dot {
    pub name: String,
    pub x: f64,
    pub y: f64,
}

/// Points on two axes split into four quadrants at (`split_x`, `split_y`),
/// each quadrant named in its corner: impact × effort, importance × performance.
pub struct Quadrants<'a> {
    pub x_name: String,
    pub y_name: String,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub split: (f64, f64),
    /// Top left, top right, bottom left, bottom right.
    pub names: [String; 4],
    pub dots: &'a [Dot],
    /// The table's columns for x and y, with their units.
    pub columns: (Column, Column),
    /// Whether each dot's name is written beside it (else it shows on hover).
    pub labels: bool,
    /// Whether the axes show numbers (not for levels such as low–high).
    pub ticks: bool,
}

pub fn quadrants((id, label): (String, String), kind: &'static str, q: &Quadrants) -> ChartView {
    let (x0, x1) = q.x_range;
    let (y0, y1) = q.y_range;
    let (sx, sy) = q.split;
    let lines = MarkLine::new()
        .silent(true)
        .symbol(vec![Symbol::None, Symbol::None])
        .line_style(dashed(MUTED))
        .label(Label::new().show(false))
        .data(vec![
            MarkLineVariant::Simple(MarkLineData::new().x_axis(sx)),
            MarkLineVariant::Simple(MarkLineData::new().y_axis(sy)),
        ]);
    let dots = q
        .dots
        .iter()
        .map(|d| {
            DataPoint::Item(
                DataPointItem::new(vec![CompositeValue::from(d.x), CompositeValue::from(d.y)])
                    .name(d.name.as_str()),
            )
        })
        .collect();
    // The quadrant names sit in the far corners as label-only points: the
    // left ones labelled to their right, the right ones to their left.
    let pad_x = (x1 - x0) * 0.02;
    let pad_y = (y1 - y0) * 0.05;
    let corner = |x: f64, y: f64, name: &str| {
        DataPoint::Item(
            DataPointItem::new(vec![CompositeValue::from(x), CompositeValue::from(y)]).name(name),
        )
    };
    let left = vec![
        corner(x0 + pad_x, y1 - pad_y, &q.names[0]),
        corner(x0 + pad_x, y0 + pad_y, &q.names[2]),
    ];
    let right = vec![
        corner(x1 - pad_x, y1 - pad_y, &q.names[1]),
        corner(x1 - pad_x, y0 + pad_y, &q.names[3]),
    ];
    let names = |data: Vec<DataPoint>, position: LabelPosition| {
        Scatter::new()
            .name(label.as_str())
            // Transparent points: a `none` symbol or a zero opacity would
            // hide the label too.
            .symbol_size(1)
            .item_style(ItemStyle::new().color("rgba(0,0,0,0)"))
            .label(
                Label::new()
                    .show(true)
                    .formatter("{b}")
                    .position(position)
                    .color(MUTED)
                    .font_weight(charming::element::font_settings::FontWeight::Bold),
            )
            .data(data)
    };
    // Both axis names sit in the middle of their axis, outside the labels.
    let middle = charming::element::NameLocation::Middle;
    let chart = framed(Trigger::Item, grid().left(32).top(16).bottom(40))
        .x_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name(q.x_name.as_str())
                .name_location(middle)
                .name_gap(26)
                .axis_label(charming::element::AxisLabel::new().show(q.ticks))
                .min(x0)
                .max(x1),
        )
        .y_axis(
            Axis::new()
                .type_(AxisType::Value)
                .name(q.y_name.as_str())
                .name_location(middle)
                .name_gap(if q.ticks { 34 } else { 12 })
                .axis_label(charming::element::AxisLabel::new().show(q.ticks))
                .min(y0)
                .max(y1),
        )
        .series(
            Scatter::new()
                .name(label.clone())
                .symbol_size(14)
                .label(
                    Label::new()
                        .show(q.labels)
                        .formatter("{b}")
                        .position(LabelPosition::Right),
                )
                .mark_line(lines)
                .data(dots),
        )
        .series(names(left, LabelPosition::Right))
        .series(names(right, LabelPosition::Left));
    let table = Table {
        columns: vec![
            Column::fixed("Item", ""),
            q.columns.0.clone(),
            q.columns.1.clone(),
        ],
        rows: q
            .dots
            .iter()
            .map(|d| Row {
                label: d.name.clone(),
                cells: vec![Some(d.x), Some(d.y)],
            })
            .collect(),
    };
    ChartView::new(id, kind, label, &chart, table)
}
