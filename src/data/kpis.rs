//! `data/kpis/*.csv`: KPI observations, in long (`date,metric,value`) or wide
//! (`date,<metric>,<metric>,…`) shape, told apart by the header.
//!
//! Rows are kept compact: a date, a value, a weight and the index of the row's
//! dimension values (interned, since a file repeats a few combinations of
//! channel, queue and agent over and over).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;

use super::table::{Row, Table, parse_date, parse_number};
use super::{Loader, Metric};
use crate::diag::{Diagnostics, Pos, Source, did_you_mean, hint};

/// One value of one metric on one date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Obs {
    pub date: Date,
    pub value: f64,
    /// 1 when the file has no `weight` column.
    pub weight: f64,
    /// Index into [`Kpis::dims`].
    pub dims: u32,
}

/// All KPI observations of the plan.
#[derive(Debug, Default)]
pub struct Kpis {
    /// Per metric id, its observations in date order.
    pub series: BTreeMap<String, Vec<Obs>>,
    /// The distinct combinations of dimension values, as sorted
    /// (dimension, value) pairs.
    pub dims: Vec<Vec<(String, String)>>,
    dims_index: HashMap<Vec<(String, String)>, u32>,
}

impl Kpis {
    /// The observations of a metric (date order), empty when it has none.
    pub fn of(&self, metric: &str) -> &[Obs] {
        self.series.get(metric).map_or(&[], Vec::as_slice)
    }

    /// The latest date of any observation.
    pub fn last_date(&self) -> Option<Date> {
        self.series
            .values()
            .filter_map(|s| s.last())
            .map(|o| o.date)
            .max()
    }

    /// For each interned combination of dimensions, whether `filter` keeps
    /// it: a filter is tested once per combination (a plan has tens), not
    /// once per observation (it may have millions).
    pub fn matching(&self, filter: &super::Filter) -> Vec<bool> {
        self.dims
            .iter()
            .map(|dims| {
                filter
                    .iter()
                    .all(|(k, v)| dims.iter().any(|(dk, dv)| dk == k && dv == v))
            })
            .collect()
    }

    /// Per metric: its dimensions and every value seen in each.
    pub fn dimension_values(&self) -> HashMap<String, BTreeMap<String, BTreeSet<String>>> {
        self.series
            .keys()
            .map(|metric| (metric.clone(), self.dimensions_of(metric)))
            .collect()
    }

    /// One metric's dimensions and every value seen in each.
    pub fn dimensions_of(&self, metric: &str) -> BTreeMap<String, BTreeSet<String>> {
        let mut used = vec![false; self.dims.len()];
        for o in self.of(metric) {
            used[o.dims as usize] = true;
        }
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (i, _) in used.iter().enumerate().filter(|(_, u)| **u) {
            for (k, v) in &self.dims[i] {
                out.entry(k.clone()).or_default().insert(v.clone());
            }
        }
        out
    }

    fn intern(&mut self, pairs: &[(String, String)]) -> u32 {
        if let Some(&i) = self.dims_index.get(pairs) {
            return i;
        }
        let i = self.dims.len() as u32;
        self.dims.push(pairs.to_vec());
        self.dims_index.insert(pairs.to_vec(), i);
        i
    }

    /// Puts every series in date order, once all files are read.
    pub(crate) fn sort(&mut self) {
        for obs in self.series.values_mut() {
            // Stable: rows of one date keep their file order.
            obs.sort_by_key(|o| o.date);
        }
    }
}

/// What each column of a file holds.
enum Column {
    Date,
    Weight,
    /// Long shape.
    MetricName,
    /// Long shape.
    Value,
    /// Wide shape: the values of this metric.
    MetricValues(String),
    Dimension(String),
}

pub fn parse(src: &Source, loader: &mut Loader, metrics: &[Metric], kpis: &mut Kpis) {
    let Some(table) = Table::open(src, loader.diags) else {
        return;
    };
    let Some(columns) = columns(&table, metrics, loader.diags) else {
        return;
    };
    let mut pairs = Vec::new();
    table.rows(loader.diags, |row, diags| {
        let Some(parsed) = read_row(src, row, &columns, metrics, diags) else {
            return;
        };
        pairs.clear();
        for (i, col) in columns.iter().enumerate() {
            if let Column::Dimension(name) = col
                && !row.cells[i].is_empty()
            {
                pairs.push((name.clone(), row.cells[i].to_owned()));
            }
        }
        pairs.sort();
        let dims = kpis.intern(&pairs);
        for (metric, value) in parsed.values {
            let obs = Obs {
                date: parsed.date,
                value,
                weight: parsed.weight,
                dims,
            };
            kpis.series.entry(metric.to_owned()).or_default().push(obs);
        }
    });
}

struct Parsed<'m> {
    date: Date,
    weight: f64,
    values: Vec<(&'m str, f64)>,
}

/// Reads one row; every bad cell is reported, and a row with any is skipped.
fn read_row<'m>(
    src: &Source,
    row: &Row,
    columns: &'m [Column],
    metrics: &'m [Metric],
    diags: &mut Diagnostics,
) -> Option<Parsed<'m>> {
    let mut ok = true;
    let mut date = None;
    let mut weight = None;
    let mut values = Vec::new();
    let mut long_metric = None;
    let mut long_value = None;
    let mut fail = |col: usize, name: &str, message: String, diags: &mut Diagnostics| {
        diags.error(
            &src.path,
            row.pos(col),
            format!("column '{name}': {message}"),
        );
        ok = false;
    };
    for (i, col) in columns.iter().enumerate() {
        let cell = row.cells[i];
        match col {
            Column::Date => match parse_date(cell) {
                Ok(d) => date = Some(d),
                Err(_) if cell.is_empty() => fail(i, "date", "the date is empty".into(), diags),
                Err(e) => fail(i, "date", e, diags),
            },
            Column::Weight => match parse_number(cell) {
                Ok(Some(w)) if w >= 0.0 => weight = Some(w),
                Ok(Some(_)) => fail(
                    i,
                    "weight",
                    format!("{cell} is negative; a weight is a volume, 0 or more"),
                    diags,
                ),
                Ok(None) => weight = Some(f64::NAN),
                Err(e) => fail(i, "weight", e, diags),
            },
            Column::MetricName => {
                if let Some(m) = metrics.iter().find(|m| m.id == cell) {
                    long_metric = Some(m.id.as_str());
                } else if cell.is_empty() {
                    fail(i, "metric", "the metric is empty".into(), diags);
                } else {
                    let hint = hint(cell, metrics.iter().map(|m| m.id.as_str()));
                    fail(i, "metric", format!("unknown metric `{cell}`{hint}"), diags);
                }
            }
            Column::Value => match parse_number(cell) {
                Ok(v) => long_value = v,
                Err(e) => fail(i, "value", e, diags),
            },
            Column::MetricValues(id) => match parse_number(cell) {
                Ok(Some(v)) => values.push((id.as_str(), v)),
                Ok(None) => {}
                Err(e) => fail(i, id, e, diags),
            },
            Column::Dimension(_) => {}
        }
    }
    if let (Some(m), Some(v)) = (long_metric, long_value) {
        values.push((m, v));
    }
    let weight = match weight {
        Some(w) if w.is_nan() && !values.is_empty() => {
            let col = columns
                .iter()
                .position(|c| matches!(c, Column::Weight))
                .unwrap_or(0);
            fail(
                col,
                "weight",
                "the weight is empty on a row with values (write 0 to leave the row out)".into(),
                diags,
            );
            0.0
        }
        Some(w) => w,
        None => 1.0,
    };
    let date = date?;
    ok.then_some(Parsed {
        date,
        weight,
        values,
    })
}

/// Works out the shape from the header. Problems with it are reported.
fn columns(table: &Table, metrics: &[Metric], diags: &mut Diagnostics) -> Option<Vec<Column>> {
    let path = &table.src.path;
    let long = table.column("metric").is_some() && table.column("value").is_some();
    if table.column("date").is_none() {
        let hint = hint("date", table.header.iter().map(String::as_str));
        diags.error(
            path,
            Pos::START,
            format!("the header has no `date` column{hint}"),
        );
        return None;
    }
    let ids = || metrics.iter().map(|m| m.id.as_str());
    let mut columns = Vec::new();
    for (i, name) in table.header.iter().enumerate() {
        let col = match name.as_str() {
            "date" => Column::Date,
            "weight" => Column::Weight,
            "metric" if long => Column::MetricName,
            "value" if long => Column::Value,
            _ if !long && ids().any(|id| id == name) => Column::MetricValues(name.clone()),
            _ => {
                if !long && let Some(id) = did_you_mean(name, ids()) {
                    let message = format!(
                        "column '{name}' is read as a dimension, not a metric; did you mean the metric `{id}`?"
                    );
                    diags.warning(path, Pos::new(1, i + 1), message);
                }
                Column::Dimension(name.clone())
            }
        };
        columns.push(col);
    }
    if !long && !columns.iter().any(|c| matches!(c, Column::MetricValues(_))) {
        diags.error(
            path,
            Pos::START,
            "no column is a metric of data/metrics.toml: write `date,metric,value` (long) or name columns by metric id (wide)",
        );
        return None;
    }
    Some(columns)
}
