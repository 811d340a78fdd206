//! `data/kpis/*.csv`: KPI observations, in long (`date,metric,value`) or wide
//! (`date,<metric>,<metric>,…`) shape, told apart by the header.
//!
//! Rows are kept compact: a date, a value, a weight and the index of the row's
//! dimension values (interned, since a file repeats a few combinations of
//! channel, queue and agent over and over).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;

use super::Metric;
use super::dialect::{Dialect, Mistake, Mistakes, Resolved, TimeUnit};
use super::table::{Row, Table};
use crate::diag::{Diagnostics, Pos, did_you_mean, hint};

mod repeats;

pub(crate) use repeats::overlap_problems;

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
#[derive(Debug, Default, Clone)]
pub struct Kpis {
    /// Per metric id, its observations in date order.
    pub series: BTreeMap<String, Vec<Obs>>,
    /// The distinct combinations of dimension values, as sorted
    /// (dimension, value) pairs.
    pub dims: Vec<Vec<(String, String)>>,
    dims_index: HashMap<Vec<(String, String)>, u32, super::FastHash>,
    /// While the files are read, what the check for repeated rows needs
    /// (see [`Kpis::sort`]); empty once it has run.
    origin: repeats::Origin,
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

    /// Adds the observations of another part of the data (a file read on
    /// its own), after those already here.
    pub fn append(&mut self, part: Kpis) {
        let remap: Vec<u32> = part.dims.iter().map(|pairs| self.intern(pairs)).collect();
        let repeats::Origin {
            files,
            mut runs,
            mut times,
        } = part.origin;
        let first_file = self.origin.files.len() as u32;
        self.origin.files.extend(files);
        for (metric, mut obs) in part.series {
            for o in &mut obs {
                o.dims = remap[o.dims as usize];
            }
            let start = self.series.get(&metric).map_or(0, Vec::len);
            let end = start + obs.len();
            self.origin
                .note(&metric, (start, end), first_file, &mut runs, &mut times);
            match self.series.get_mut(&metric) {
                Some(series) => series.extend_from_slice(&obs),
                None => {
                    self.series.insert(metric, obs);
                }
            }
        }
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
}

/// What each column of a file holds.
enum Column {
    Date,
    Weight,
    /// Long shape.
    MetricName,
    /// Long shape.
    Value,
    /// Wide shape: the values of this metric (an index into the catalogue).
    MetricValues(usize),
    Dimension(String),
}

/// Reads one KPI file, written in `dialect`, as a part of the data to
/// [`Kpis::append`]. `declared` are the dimensions `data/metrics.toml` declares: the columns
/// of a wide file that may hold numbers without being metrics.
pub fn parse(
    path: &str,
    input: impl std::io::Read,
    dialect: &Dialect,
    (metrics, declared): (&[Metric], &[String]),
    seen: &mut super::dates::Seen,
    diags: &mut Diagnostics,
) -> Kpis {
    read(path, input, dialect, (metrics, declared), seen, diags, None)
}

/// The line of each observation [`parse`] reads from a file, per metric
/// (by catalogue index) in the order read: how a repeated row, found only
/// once every file is in, is placed (see [`Kpis::sort`]). The file is read
/// again for it, as it was the first time, so that a valid plan never pays
/// for keeping every row's line.
pub(crate) fn lines_of(
    path: &str,
    input: impl std::io::Read,
    dialect: &Dialect,
    (metrics, declared): (&[Metric], &[String]),
) -> Vec<Vec<u32>> {
    let mut lines = vec![Vec::new(); metrics.len()];
    let mut seen = super::dates::Seen::default();
    let mut diags = Diagnostics::default();
    read(
        path,
        input,
        dialect,
        (metrics, declared),
        &mut seen,
        &mut diags,
        Some(&mut lines),
    );
    lines
}

/// [`parse`], noting each observation's line into `lines` when asked.
fn read(
    path: &str,
    input: impl std::io::Read,
    dialect: &Dialect,
    (metrics, declared): (&[Metric], &[String]),
    seen: &mut super::dates::Seen,
    diags: &mut Diagnostics,
    mut lines: Option<&mut Vec<Vec<u32>>>,
) -> Kpis {
    let mut kpis = Kpis::default();
    let Some(table) = Table::open(path, input, dialect, diags) else {
        return kpis;
    };
    let dialect = table.dialect.clone();
    // Which metrics a duration (`0:05:32`) is read in.
    let units: Vec<Option<TimeUnit>> = metrics.iter().map(|m| TimeUnit::of(&m.unit)).collect();
    let mut mistakes = Mistakes::default();
    let Some(columns) = columns(&table, metrics, diags) else {
        return kpis;
    };
    let dimensions: Vec<(usize, &str)> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            Column::Dimension(name) => Some((i, name.as_str())),
            _ => None,
        })
        .collect();
    let wide = columns.iter().any(|c| matches!(c, Column::MetricValues(_)));
    // A column of a wide file that is neither a metric nor declared: if it
    // holds only numbers it is more likely a metric than a dimension.
    let mut undeclared: Vec<Numbers> = dimensions
        .iter()
        .filter(|(_, name)| wide && !declared.iter().any(|d| d == name))
        .map(|&(column, _)| Numbers {
            column,
            only: true,
            example: None,
        })
        .collect();
    let date_column = columns.iter().position(|c| matches!(c, Column::Date));
    let header = table.header.clone();
    let mut series: Vec<Vec<Obs>> = vec![Vec::new(); metrics.len()];
    // Filled only once a row has a time of day: a file of dates alone
    // keeps none.
    let mut times: Vec<Vec<u32>> = Vec::new();
    // A file repeats a few combinations of dimension values: each is
    // interned once, and later rows find it by their cells' text.
    let mut known: HashMap<Vec<u8>, u32, super::FastHash> = HashMap::default();
    let mut key = Vec::new();
    let mut values = Vec::new();
    table.rows(diags, |row, diags| {
        values.clear();
        let cells = Cells {
            path,
            dialect: &dialect,
            header: &header,
            columns: &columns,
            metrics,
            units: &units,
        };
        let Some((date, weight)) = cells.read_row(row, &mut values, &mut mistakes, diags) else {
            return;
        };
        seen.note(date, row.pos(date_column.unwrap_or(0)));
        key.clear();
        for &(i, _) in &dimensions {
            // The length first: no cell text can make two keys alike.
            let cell = row.cell(i);
            key.extend_from_slice(&cell.len().to_le_bytes());
            key.extend_from_slice(cell.as_bytes());
        }
        let dims = match known.get(key.as_slice()) {
            Some(&dims) => dims,
            None => {
                // Every value of a column is in some combination: looking
                // at new ones only sees them all.
                for n in &mut undeclared {
                    n.see(row.cell(n.column), row.line, &dialect);
                }
                let mut pairs: Vec<(String, String)> = dimensions
                    .iter()
                    .filter(|(i, _)| !row.cell(*i).is_empty())
                    .map(|&(i, name)| (name.to_owned(), row.cell(i).to_owned()))
                    .collect();
                pairs.sort();
                let dims = kpis.intern(&pairs);
                known.insert(key.clone(), dims);
                dims
            }
        };
        let time = date_column.map_or(0, |c| repeats::time_of_day(row.cell(c)));
        if time != 0 && times.is_empty() {
            times = series.iter().map(|s| vec![0; s.len()]).collect();
        }
        for &(metric, value) in &values {
            series[metric].push(Obs {
                date,
                value,
                weight,
                dims,
            });
            if let Some(t) = times.get_mut(metric) {
                t.push(time);
            }
            if let Some(lines) = lines.as_deref_mut() {
                lines[metric].push(u32::try_from(row.line).unwrap_or(u32::MAX));
            }
        }
    });
    mistakes.report(path, &dialect, diags);
    for n in undeclared {
        n.report(&header, metrics, path, diags);
    }
    kpis.origin.files.push(path.to_owned());
    let mut times = times.into_iter();
    for (metric, obs) in metrics.iter().zip(series) {
        let times = times.next();
        if !obs.is_empty() {
            kpis.origin.runs.insert(metric.id.clone(), vec![(0, 0)]);
            if let Some(times) = times {
                kpis.origin.times.insert(metric.id.clone(), times);
            }
            kpis.series.insert(metric.id.clone(), obs);
        }
    }
    kpis
}

/// Whether a column of a wide file that no metric or declared dimension
/// names holds only numbers, as a metric does (issue 17: a `store` column
/// of numbers, or a metric the catalogue lacks, silently became a
/// dimension with values such as `3.0` and `3.1`).
struct Numbers {
    column: usize,
    /// Every value seen is a number.
    only: bool,
    /// The first value, and its line.
    example: Option<(String, usize)>,
}

impl Numbers {
    fn see(&mut self, cell: &str, line: usize, dialect: &Resolved) {
        if cell.is_empty() || !self.only {
            return;
        }
        if matches!(dialect.number(cell), Ok(Some(_))) {
            self.example.get_or_insert_with(|| (cell.to_owned(), line));
        } else {
            self.only = false;
        }
    }

    /// A column of numbers is an error; a column of text, a dimension,
    /// whose name is close to a metric's gets a warning.
    fn report(self, header: &[String], metrics: &[Metric], path: &str, diags: &mut Diagnostics) {
        let name = &header[self.column];
        let at = Pos::new(1, self.column + 1);
        let close = did_you_mean(name, metrics.iter().map(|m| m.id.as_str()));
        match (self.only, self.example) {
            (true, Some((example, line))) => {
                // `{name:?}` quotes the name as a TOML string would.
                let what = match close {
                    Some(id) => format!(
                        "; did you mean `{id}`? If it is a dimension, declare it there with `dimensions = [{name:?}]`"
                    ),
                    None => format!(
                        ": add the metric, or declare the column as a dimension there with `dimensions = [{name:?}]`"
                    ),
                };
                let message = format!(
                    "column '{name}' holds numbers (such as {example} on line {line}) but is no metric of data/metrics.toml{what}"
                );
                diags.error(path, at, message);
            }
            _ => {
                if let Some(id) = close {
                    let message = format!(
                        "column '{name}' is read as a dimension, not a metric; did you mean the metric `{id}`?"
                    );
                    diags.warning(path, at, message);
                }
            }
        }
    }
}

/// What reading a row needs of its file.
struct Cells<'a> {
    path: &'a str,
    dialect: &'a Resolved,
    header: &'a [String],
    columns: &'a [Column],
    metrics: &'a [Metric],
    /// Per metric, the unit of time it is measured in, if it is.
    units: &'a [Option<TimeUnit>],
}

impl Cells<'_> {
    /// Reads one row: its date, its weight and, into `values`, each
    /// metric's value (by catalogue index). Every bad cell is reported (a
    /// bad number or date in `mistakes`, grouped by kind once the file is
    /// read), and a row with any is skipped.
    fn read_row(
        &self,
        row: &Row,
        values: &mut Vec<(usize, f64)>,
        mistakes: &mut Mistakes,
        diags: &mut Diagnostics,
    ) -> Option<(Date, f64)> {
        let (path, columns, metrics) = (self.path, self.columns, self.metrics);
        let mut ok = true;
        let mut date = None;
        let mut weight = None;
        let mut long_metric = None;
        let mut long_value = None;
        let mut fail = |col: usize, name: &str, message: String, diags: &mut Diagnostics| {
            diags.error(path, row.pos(col), format!("column '{name}': {message}"));
            ok = false;
        };
        let mut wrong = |col: usize, mistake: Mistake, cell: &str| {
            let name = self.header.get(col).map_or("", String::as_str);
            mistakes.note(mistake, cell, row.pos(col), name);
        };
        let mut bad_cells = false;
        for (i, col) in columns.iter().enumerate() {
            let cell = row.cell(i);
            match col {
                Column::Date => match self.dialect.date(cell) {
                    Ok(d) => date = Some(d),
                    Err(m) => {
                        wrong(i, m, cell);
                        bad_cells = true;
                    }
                },
                Column::Weight => match self.dialect.number(cell) {
                    Ok(Some(w)) if w >= 0.0 => weight = Some(w),
                    Ok(Some(_)) => fail(
                        i,
                        "weight",
                        format!("{cell} is negative; a weight is a volume, 0 or more"),
                        diags,
                    ),
                    Ok(None) => weight = Some(f64::NAN),
                    Err(m) => {
                        wrong(i, m, cell);
                        bad_cells = true;
                    }
                },
                Column::MetricName => {
                    if let Some(m) = metrics.iter().position(|m| m.id == cell) {
                        long_metric = Some(m);
                    } else if cell.is_empty() {
                        fail(i, "metric", "the metric is empty".into(), diags);
                    } else {
                        let hint = hint(cell, metrics.iter().map(|m| m.id.as_str()));
                        fail(i, "metric", format!("unknown metric `{cell}`{hint}"), diags);
                    }
                }
                // Read once the row's metric, and so its unit, is known.
                Column::Value => long_value = Some(i),
                Column::MetricValues(m) => {
                    let unit = self.units.get(*m).copied().flatten();
                    match self.dialect.value(cell, unit) {
                        Ok(Some(v)) => values.push((*m, v)),
                        Ok(None) => {}
                        Err(mistake) => {
                            wrong(i, mistake, cell);
                            bad_cells = true;
                        }
                    }
                }
                Column::Dimension(_) => {}
            }
        }
        if let Some(i) = long_value {
            let cell = row.cell(i);
            let unit = long_metric.and_then(|m| self.units.get(m).copied().flatten());
            match self.dialect.value(cell, unit) {
                Ok(Some(v)) => {
                    if let Some(m) = long_metric {
                        values.push((m, v));
                    }
                }
                Ok(None) => {}
                // A duration in a row whose metric is unknown is that
                // metric's problem, reported above.
                Err(Mistake::Duration) if long_metric.is_none() => {}
                Err(mistake) => {
                    wrong(i, mistake, cell);
                    bad_cells = true;
                }
            }
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
                    "the weight is empty on a row with values (write 0 to leave the row out)"
                        .into(),
                    diags,
                );
                0.0
            }
            Some(w) => w,
            None => 1.0,
        };
        let date = date?;
        (ok && !bad_cells).then_some((date, weight))
    }
}

/// Works out the shape from the header. Problems with it are reported.
fn columns<R: std::io::Read>(
    table: &Table<R>,
    metrics: &[Metric],
    diags: &mut Diagnostics,
) -> Option<Vec<Column>> {
    let path = &table.path;
    let long = table.column("metric").is_some() && table.column("value").is_some();
    if table.column("date").is_none() {
        diags.error(path, Pos::START, table.no_date());
        return None;
    }
    let mut columns: Vec<Column> = Vec::new();
    let mut twice = false;
    for (i, name) in table.header.iter().enumerate() {
        // Ids are lower case; a header may be written as a report shows
        // it (`SLA`).
        let metric = metrics.iter().position(|m| m.id.eq_ignore_ascii_case(name));
        let col = match (name.as_str(), metric) {
            ("date", _) => Column::Date,
            ("weight", _) => Column::Weight,
            ("metric", _) if long => Column::MetricName,
            ("value", _) if long => Column::Value,
            (_, Some(m)) if !long => {
                let before = columns
                    .iter()
                    .position(|c| matches!(c, Column::MetricValues(k) if *k == m));
                if let Some(j) = before {
                    let message = format!(
                        "column '{name}' is the metric `{}` again, as column {} is: keep one of them",
                        metrics[m].id,
                        j + 1
                    );
                    diags.error(path, Pos::new(1, i + 1), message);
                    twice = true;
                }
                Column::MetricValues(m)
            }
            _ => Column::Dimension(name.clone()),
        };
        columns.push(col);
    }
    if twice {
        return None;
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

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn metric(id: &str) -> Metric {
        Metric {
            id: id.to_owned(),
            name: id.to_owned(),
            unit: String::new(),
            direction: super::super::Direction::Higher,
            aggregate: super::super::Aggregate::Mean,
            target: None,
            business_area: None,
            description: None,
            alerts: Vec::new(),
        }
    }

    /// Issue 17: a column of numbers that was no metric became a dimension
    /// with values such as `3.0`.
    #[test]
    fn a_column_of_numbers_must_be_a_metric_or_declared() {
        let metrics = [metric("sla")];
        let text = "date,store,SLA,Region\n2026-03-01,3.0,61,north\n2026-03-01,3.1,62,south\n";
        let read = |declared: &[String]| {
            let mut diags = Diagnostics::default();
            let mut seen = super::super::dates::Seen::default();
            let kpis = parse(
                "k.csv",
                text.as_bytes(),
                &Dialect::default(),
                (&metrics, declared),
                &mut seen,
                &mut diags,
            );
            let found: Vec<String> = diags.sorted().into_iter().map(|d| d.message).collect();
            (kpis, found)
        };
        let (kpis, found) = read(&[]);
        assert_eq!(
            found,
            [
                "column 'store' holds numbers (such as 3.0 on line 2) but is no metric of data/metrics.toml: add the metric, or declare the column as a dimension there with `dimensions = [\"store\"]`"
            ]
        );
        assert_eq!(kpis.of("sla").len(), 2);
        let (kpis, found) = read(&["store".to_owned()]);
        assert!(found.is_empty(), "{found:?}");
        assert!(
            kpis.dims
                .iter()
                .any(|d| d.contains(&("store".into(), "3.1".into())))
        );
    }
}
