//! Quadrant charts: points on two axes split into four named quadrants,
//! such as initiatives by impact and effort, or key drivers by importance
//! and performance.

use charming::component::Axis;
use charming::datatype::{CompositeValue, DataPoint, DataPointItem};
use charming::element::{
    AxisType, ItemStyle, Label, LabelPosition, MarkLine, MarkLineData, MarkLineVariant, Symbol,
    Trigger,
};
use charming::series::Scatter;

use super::frame::{MUTED, dashed, framed, grid};
use super::{ChartView, Column, Row, Table};

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
