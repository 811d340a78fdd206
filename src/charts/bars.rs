//! Bar charts: NPS as promoters, passives and detractors with the NPS line,
//! and horizontal bars per item (audit findings against their target, key
//! results against expected progress, findings by status per audit).

use charming::component::Axis;
use charming::datatype::{CompositeValue, DataPoint, DataPointItem};
use charming::element::{
    AxisType, ItemStyle, Label, MarkLine, MarkLineData, MarkLineVariant, Symbol, Trigger,
};
use charming::series::{Bar, Line, Scatter};

use super::frame::{BAD, GOOD, INK, MUTED, PALETTE, Tr, base, category, dashed, legend, opt};
use super::{ChartView, Column, Row, Table};

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
