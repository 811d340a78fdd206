//! `data/kpis/*.csv`: KPI observations, in long (`date,metric,value`) or wide
//! (`date,<metric>,<metric>,…`) shape, told apart by the header.
//!
//! Rows are kept compact: a date, a value, a weight and the index of the row's
//! dimension values (interned, since a file repeats a few combinations of
//! channel, queue and agent over and over).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;

use super::Metric;
use super::dialect::{Dialect, Mistake, Mistakes, Resolved, TimeUnit};
use super::table::{Row, Table};
use crate::diag::{Diagnostics, Pos, did_you_mean, hint};

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
    origin: Origin,
}

/// Where the observations of each series came from, kept only while the
/// files are read: the check for repeated rows needs each observation's
/// file and time of day, which the rest of the build does not.
#[derive(Debug, Default, Clone)]
struct Origin {
    /// The files read, in path order.
    files: Vec<String>,
    /// Per metric: where each file's observations start in its series, with
    /// the file's index, in order.
    runs: BTreeMap<String, Vec<(usize, u32)>>,
    /// Per metric with rows dated with a time of day (interval exports):
    /// each observation's [`time_of_day`]. A metric with dates alone has
    /// none, and costs nothing.
    times: BTreeMap<String, Vec<u32>>,
}

/// Two observations of one metric on the same date (and time of day) with
/// the same dimension values, from two rows: overlapping exports, whose
/// volumes would be counted twice. Each row is an index into
/// [`Overlaps::files`] and the ordinal of the observation among those of
/// its metric in that file, which a second reading turns into its line
/// ([`lines_of`]).
///
/// Compact, since a whole export read twice repeats every observation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Overlap {
    /// An index into [`Overlaps::metrics`].
    pub metric: u32,
    /// The row read first (in path, then line order).
    pub first: (u32, u32),
    /// The row that repeats it.
    pub again: (u32, u32),
    /// One of the two rows is for the whole day and the other for a time of it.
    pub day_and_time: bool,
}

/// The repeated rows [`Kpis::sort`] found.
#[derive(Debug, Default)]
pub(crate) struct Overlaps {
    pub files: Vec<String>,
    /// The metric ids [`Overlap::metric`] indexes.
    pub metrics: Vec<String>,
    pub found: Vec<Overlap>,
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
        let Origin {
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

    /// Puts every series in date order, once all files are read, and finds
    /// the rows that repeat another's date (and time of day), metric and
    /// dimension values (issue 17: a second, overlapping export doubled the
    /// weekly volumes in silence).
    ///
    /// The check costs one pass over each sorted series, with no set of
    /// all rows: within the observations of one date, each combination of
    /// dimension values is stamped with the date's run and the last time
    /// of day seen. Rows of a combination whose times only increase (an
    /// interval export: one agent's rows hour by hour) repeat nothing; only
    /// a date where a combination comes again at a time not later than its
    /// last, or for the whole day, is sorted by dimensions and time to find
    /// the repeats, if any.
    pub(crate) fn sort(&mut self) -> Overlaps {
        let origin = std::mem::take(&mut self.origin);
        let mut found = Vec::new();
        let mut stamps = vec![(usize::MAX, 0u32); self.dims.len()];
        let mut scratch = Vec::new();
        let mut day = 0;
        let metrics: Vec<String> = self.series.keys().cloned().collect();
        for (m, (metric, obs)) in self.series.iter_mut().enumerate() {
            // Stable: rows of one date keep their file order. Most series
            // come in date order already (files by period, read in path
            // order), and need no new order at all.
            let order: Option<Vec<u32>> = (!obs.is_sorted_by_key(|o| o.date)).then(|| {
                let mut order: Vec<u32> = (0..obs.len() as u32).collect();
                order.sort_by_key(|&i| obs[i as usize].date);
                order
            });
            let mut times = origin
                .times
                .get(metric)
                .map(|t| Cow::Borrowed(t.as_slice()));
            if let Some(order) = &order {
                *obs = order.iter().map(|&i| obs[i as usize]).collect();
                times = times.map(|t| Cow::Owned(order.iter().map(|&i| t[i as usize]).collect()));
            }
            // Where an observation was before the sort, in file order.
            let before = |p: usize| order.as_ref().map_or(p, |o| o[p] as usize);
            let runs = origin.runs.get(metric).map_or(&[][..], Vec::as_slice);
            // The file of an observation (by its index before the sort)
            // and its ordinal among the file's observations of the metric.
            let place_of = |i: usize| {
                let r = runs
                    .partition_point(|&(start, _)| start <= i)
                    .saturating_sub(1);
                let (start, file) = runs.get(r).copied().unwrap_or((0, 0));
                (file, (i - start) as u32)
            };
            let time = |p: usize| times.as_deref().map_or(0, |t| t[p]);
            let mut start = 0;
            for run in obs.chunk_by(|a, b| a.date == b.date) {
                day += 1;
                let mut stamp = |o: &Obs, time: u32| {
                    let (stamp, last) = &mut stamps[o.dims as usize];
                    let again = *stamp == day && (*last == 0 || time <= *last);
                    (*stamp, *last) = (day, time);
                    again
                };
                // Stops at the first sign of a repeat: the run is then
                // looked at whole, and the stamps of the next are new.
                let repeat = match times.as_deref() {
                    None => run.iter().any(|o| stamp(o, 0)),
                    Some(t) => run.iter().zip(&t[start..]).any(|(o, &t)| stamp(o, t)),
                };
                if repeat {
                    scratch.clear();
                    scratch.extend(
                        (start..start + run.len()).map(|p| (obs[p].dims, time(p), before(p))),
                    );
                    repeats(&mut scratch, |first, again, day_and_time| {
                        found.push(Overlap {
                            metric: m as u32,
                            first: place_of(first),
                            again: place_of(again),
                            day_and_time,
                        });
                    });
                }
                start += run.len();
            }
            // Grown by doubling while the files were read.
            obs.shrink_to_fit();
        }
        Overlaps {
            files: origin.files,
            metrics,
            found,
        }
    }
}

impl Origin {
    /// Takes in where a file's observations of `metric`, now at
    /// `start..end` of its series, came from: `runs` and `times` of the
    /// file as read on its own, whose files are numbered from `first_file`.
    fn note(
        &mut self,
        metric: &str,
        (start, end): (usize, usize),
        first_file: u32,
        runs: &mut BTreeMap<String, Vec<(usize, u32)>>,
        times: &mut BTreeMap<String, Vec<u32>>,
    ) {
        let into = self.runs.entry(metric.to_owned()).or_default();
        for (at, file) in runs.remove(metric).unwrap_or_default() {
            into.push((start + at, first_file + file));
        }
        match (self.times.get_mut(metric), times.remove(metric)) {
            (Some(all), Some(part)) => all.extend(part),
            (Some(all), None) => all.resize(end, 0),
            (None, Some(part)) => {
                let mut all = vec![0; start];
                all.extend(part);
                self.times.insert(metric.to_owned(), all);
            }
            (None, None) => {}
        }
    }
}

/// The repeats among the observations of one date: `rows` holds each one's
/// dimensions, [`time_of_day`] and index (in file order). Two rows repeat
/// each other when their dimensions are the same and so are their times,
/// or one of them is for the whole day (time 0). `found` is told each row
/// that repeats an earlier one, with the earliest such row.
fn repeats(rows: &mut [(u32, u32, usize)], mut found: impl FnMut(usize, usize, bool)) {
    rows.sort_unstable();
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        if group.len() < 2 {
            continue;
        }
        // The earliest row of the whole day, and the earliest of all
        // with its time.
        let whole_day = group.iter().filter(|r| r.1 == 0).map(|r| r.2).min();
        let (earliest, earliest_time) = group
            .iter()
            .map(|r| (r.2, r.1))
            .min()
            .unwrap_or((usize::MAX, 0));
        for same in group.chunk_by(|a, b| a.1 == b.1) {
            // Sorted by index within one time: the first is the earliest.
            let first_at_time = same[0].2;
            for &(_, time, i) in same {
                let (partner, day_and_time) = if time == 0 {
                    (earliest, earliest_time != 0)
                } else {
                    let of_time = (first_at_time < i).then_some(first_at_time);
                    match (of_time, whole_day) {
                        (Some(t), Some(d)) if d < t => (d, true),
                        (Some(t), _) => (t, false),
                        (None, Some(d)) => (d, true),
                        (None, None) => continue,
                    }
                };
                if partner < i {
                    found(partner, i, day_and_time);
                }
            }
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
        let time = date_column.map_or(0, |c| time_of_day(row.cell(c)));
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

/// How many repeated rows of one file are reported one by one for each
/// file they repeat; the rest are counted in one more problem, so that a
/// whole export read twice is a few lines, not a million.
const REPEATS_SHOWN: usize = 3;

/// The problems of the repeated rows [`Kpis::sort`] found: each at the
/// row that repeats another, naming both places. `lines` reads a file of
/// the plan again for the lines of its observations ([`lines_of`]).
pub(crate) fn overlap_problems(
    overlaps: &Overlaps,
    metrics: &[Metric],
    mut lines: impl FnMut(&str) -> Vec<Vec<u32>>,
) -> Diagnostics {
    let mut files: BTreeMap<u32, Vec<Vec<u32>>> = BTreeMap::new();
    for o in &overlaps.found {
        for file in [o.first.0, o.again.0] {
            files.entry(file).or_insert_with(|| {
                lines(overlaps.files.get(file as usize).map_or("", String::as_str))
            });
        }
    }
    // By catalogue index, as `lines` has them.
    let in_catalogue: Vec<usize> = overlaps
        .metrics
        .iter()
        .map(|id| metrics.iter().position(|m| m.id == *id).unwrap_or(0))
        .collect();
    let line_of = |(file, nth): (u32, u32), metric: usize| {
        files
            .get(&file)
            .and_then(|l| l.get(metric))
            .and_then(|l| l.get(nth as usize))
            .copied()
            .unwrap_or(1)
    };
    // Sorted, these are grouped by pair of files, then by pair of rows,
    // whose metrics come in catalogue order.
    let mut rows: Vec<(u32, u32, u32, u32, usize, bool)> = overlaps
        .found
        .iter()
        .map(|o| {
            let metric = in_catalogue.get(o.metric as usize).copied().unwrap_or(0);
            let (line, first_line) = (line_of(o.again, metric), line_of(o.first, metric));
            (
                o.again.0,
                o.first.0,
                line,
                first_line,
                metric,
                o.day_and_time,
            )
        })
        .collect();
    rows.sort_unstable();
    let path = |file: u32| overlaps.files.get(file as usize).map_or("", String::as_str);
    let mut diags = Diagnostics::default();
    for pair in rows.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let (here, there) = (path(pair[0].0), path(pair[0].1));
        let total = pair.chunk_by(|a, b| (a.2, a.3) == (b.2, b.3)).count();
        for (k, row) in pair.chunk_by(|a, b| (a.2, a.3) == (b.2, b.3)).enumerate() {
            let (line, first_line) = (row[0].2 as usize, row[0].3);
            if k == REPEATS_SHOWN {
                let message = format!(
                    "and {} more rows of this file, from this one on, repeat rows of {there} (the same date, dimension values and metric): overlapping exports would be counted twice",
                    total - REPEATS_SHOWN
                );
                diags.error(here, Pos::new(line, 1), message);
                break;
            }
            let mut shared: Vec<usize> = row.iter().map(|r| r.4).collect();
            shared.dedup();
            let ids: Vec<String> = shared
                .iter()
                .map(|&m| format!("`{}`", metrics.get(m).map_or("", |m| m.id.as_str())))
                .collect();
            let named = match ids.as_slice() {
                [one] => format!("metric {one}"),
                [a, b] => format!("metrics {a} and {b}"),
                [a, b, c] => format!("metrics {a}, {b} and {c}"),
                [a, b, c, rest @ ..] => format!("metrics {a}, {b}, {c} and {} more", rest.len()),
                [] => "metric".to_owned(),
            };
            let day = if row.iter().any(|r| r.5) {
                "; a row for the whole day overlaps those for times of it"
            } else {
                ""
            };
            let message = format!(
                "this row repeats {there}:{first_line} (the same date, dimension values and {named}{day}): overlapping exports would be counted twice; remove one of the two"
            );
            diags.error(here, Pos::new(line, 1), message);
        }
    }
    diags
}

/// The time of day of a valid date cell, to the second, as 1 + seconds
/// since midnight, or 0 for a date alone: rows of an interval export
/// (`2026-09-30T08:00`, `2026-09-30T09:00`) share their date and are no
/// repeats of each other. The time is found at the cell's first `:`, so
/// that a file's own `date_format` (`30/09/2026 8:00`) keeps it too.
fn time_of_day(cell: &str) -> u32 {
    let t = cell.as_bytes();
    let Some(colon) = memchr::memchr(b':', t) else {
        return 0;
    };
    let digit = |i: usize| {
        t.get(i)
            .filter(|d| d.is_ascii_digit())
            .map(|d| u32::from(d - b'0'))
    };
    let two = |i: usize| Some(digit(i)? * 10 + digit(i + 1)?);
    let hours = match (
        colon.checked_sub(2).and_then(digit),
        colon.checked_sub(1).and_then(digit),
    ) {
        (Some(tens), Some(units)) => tens * 10 + units,
        (None, Some(units)) => units,
        _ => return 0,
    };
    let Some(minutes) = two(colon + 1) else {
        return 0;
    };
    let seconds = match t.get(colon + 3) {
        Some(b':') => two(colon + 4).unwrap_or(0),
        _ => 0,
    };
    1 + hours * 3600 + minutes * 60 + seconds
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

    fn metric(id: &str) -> Metric {
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

    /// The plan's KPI data from `files`, read in order, with the problems
    /// found, as `path:line: message`.
    fn load(files: &[(&str, &str)]) -> (Kpis, Vec<String>) {
        let metrics = [metric("sla"), metric("contacts")];
        let mut kpis = Kpis::default();
        let mut diags = Diagnostics::default();
        for (path, text) in files {
            let mut seen = super::super::dates::Seen::default();
            let part = parse(
                path,
                text.as_bytes(),
                &Dialect::default(),
                (&metrics, &[]),
                &mut seen,
                &mut diags,
            );
            kpis.append(part);
        }
        let overlaps = kpis.sort();
        let text = |path: &str| {
            let (_, text) = files.iter().find(|(p, _)| *p == path).expect("a file");
            lines_of(path, text.as_bytes(), &Dialect::default(), (&metrics, &[]))
        };
        diags.append(overlap_problems(&overlaps, &metrics, text));
        let found = diags
            .sorted()
            .into_iter()
            .map(|d| format!("{}:{}: {}", d.file, d.line, d.message))
            .collect();
        (kpis, found)
    }

    #[test]
    fn times_of_day() {
        assert_eq!(time_of_day("2026-03-01"), 0);
        // A file's own date_format keeps its times too.
        assert_eq!(time_of_day("01/03/2026 8:05"), 1 + 8 * 3600 + 5 * 60);
        assert_eq!(
            time_of_day("01.03.2026 18:05:09"),
            1 + 18 * 3600 + 5 * 60 + 9
        );
        assert_eq!(time_of_day("2026-03-01T00:00"), 1);
        assert_eq!(time_of_day("2026-03-01 08:30"), 1 + 8 * 3600 + 30 * 60);
        assert_eq!(
            time_of_day("2026-03-01T08:30:15.250+02:00"),
            1 + 8 * 3600 + 30 * 60 + 15
        );
    }

    #[test]
    fn repeats_within_a_date() {
        let mut found = Vec::new();
        // (dims, time, index)
        let mut rows = [
            (1, 0, 0),
            (2, 0, 1),
            (1, 0, 4),
            (3, 10, 2),
            (3, 20, 3),
            (3, 10, 6),
            (3, 0, 7),
            (4, 30, 8),
            (4, 0, 9),
        ];
        repeats(&mut rows, |a, b, day| found.push((a, b, day)));
        found.sort_unstable();
        assert_eq!(
            found,
            [(0, 4, false), (2, 6, false), (2, 7, true), (8, 9, true)]
        );
    }

    /// Issue 17: an export of the same days read twice doubled the volumes.
    #[test]
    fn rows_that_repeat_others_are_placed_at_both_lines() {
        let (kpis, found) = load(&[
            (
                "b.csv",
                "date,channel,sla,contacts\n2026-03-02,voice,60,10\n2026-03-01,voice,61,11\n2026-03-01,chat,70,\n",
            ),
            (
                "c.csv",
                "date,channel,contacts\n2026-03-03,voice,5\n2026-03-04,chat,1\n2026-03-01,voice,11\n2026-03-01,chat,9\n",
            ),
        ]);
        assert_eq!(
            found,
            [
                "c.csv:4: this row repeats b.csv:3 (the same date, dimension values and metric `contacts`): overlapping exports would be counted twice; remove one of the two"
            ]
        );
        // Still in date order, file order kept within a date.
        let dates: Vec<String> = kpis
            .of("contacts")
            .iter()
            .map(|o| o.date.to_string())
            .collect();
        assert_eq!(
            dates,
            [
                "2026-03-01",
                "2026-03-01",
                "2026-03-01",
                "2026-03-02",
                "2026-03-03",
                "2026-03-04"
            ]
        );
        assert_eq!(kpis.of("contacts")[1].value, 11.0);
        assert!(kpis.origin.files.is_empty() && kpis.origin.runs.is_empty());
    }

    #[test]
    fn intervals_of_a_day_are_no_repeats() {
        let (_, found) = load(&[(
            "i.csv",
            "date,queue,contacts\n2026-03-01T08:00,a,1\n2026-03-01T09:00,a,2\n2026-03-01T08:00,b,3\n",
        )]);
        assert!(found.is_empty(), "{found:?}");
        let (_, found) = load(&[
            ("a.csv", "date,queue,contacts\n2026-03-01,a,3\n"),
            (
                "i.csv",
                "date,queue,contacts\n2026-03-01T08:00,a,1\n2026-03-01T09:00,a,2\n",
            ),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("i.csv:2: this row repeats a.csv:2 (the same date, dimension values and metric `contacts`; a row for the whole day overlaps those for times of it)"), "{found:?}");
    }

    #[test]
    fn many_repeats_are_counted_past_the_first_few() {
        let rows: String = (1..=9).map(|d| format!("2026-03-0{d},{d}\n")).collect();
        let text = format!("date,sla\n{rows}");
        let (_, found) = load(&[("a.csv", &text), ("b.csv", &text)]);
        assert_eq!(found.len(), REPEATS_SHOWN + 1, "{found:?}");
        assert_eq!(
            found[REPEATS_SHOWN],
            "b.csv:5: and 6 more rows of this file, from this one on, repeat rows of a.csv (the same date, dimension values and metric): overlapping exports would be counted twice"
        );
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
