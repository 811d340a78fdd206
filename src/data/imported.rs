//! The rows an import or a pull writes: daily KPI values per date and
//! dimension values, read from a KPI export (`kind = "kpis"`), aggregated
//! from a contact log (`data::contacts`), taken from a source's result
//! (`pull`) or read back from the canonical file; the canonical file's one
//! text form, and the one place that writes it (atomically), so that
//! `import` and `pull` cannot write the same rows two ways.
//!
//! Layer 1 (records). The canonical file is a long KPI file
//! (`date,<dimensions>,metric,value[,weight]`) that `data::kpis` reads like
//! any other: sorted by date, dimension values and metric, every number in
//! one format, so that the same rows always give the same bytes.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write as _;

use anyhow::Context as _;
use jiff::civil::Date;

use super::Metric;
use super::dialect::{Mistake, Resolved, TimeUnit};
use super::export::{self, Cell, Export, Row};
use super::recipe::{Recipe, fold};
use crate::diag::{Diagnostics, Pos, did_you_mean};

/// Dimension = value pairs, sorted by dimension; empty values left out.
pub type Dims = Vec<(String, String)>;

/// One day's values for one combination of dimension values: per metric
/// id, its value and weight.
pub type Values = BTreeMap<String, (f64, f64)>;

/// Rows by date and dimension values: what overlapping imports replace.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Rows {
    pub groups: BTreeMap<(Date, Dims), Values>,
}

impl Rows {
    /// How many lines the canonical file has, without its header.
    pub fn len(&self) -> usize {
        self.groups.values().map(BTreeMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The distinct dates.
    pub fn dates(&self) -> BTreeSet<Date> {
        self.groups.keys().map(|(d, _)| *d).collect()
    }

    /// Puts `newer` over these rows: each date and set of dimension values
    /// it has replaces the same here. A date where `newer` breaks its rows
    /// down by other dimensions than these rows do is replaced whole, since
    /// the two breakdowns would add up to the same contacts twice. Returns
    /// the dates of which some rows were replaced.
    pub fn replace_with(&mut self, newer: Rows) -> BTreeSet<Date> {
        let mut names_by_date: BTreeMap<Date, BTreeSet<Vec<&str>>> = BTreeMap::new();
        for (date, dims) in newer.groups.keys() {
            names_by_date
                .entry(*date)
                .or_default()
                .insert(dims.iter().map(|(k, _)| k.as_str()).collect());
        }
        let mut replaced = BTreeSet::new();
        self.groups.retain(|(date, dims), _| {
            let Some(names) = names_by_date.get(date) else {
                return true;
            };
            let mine: Vec<&str> = dims.iter().map(|(k, _)| k.as_str()).collect();
            let overlaps =
                !names.contains(&mine) || newer.groups.contains_key(&(*date, dims.clone()));
            if overlaps {
                replaced.insert(*date);
            }
            !overlaps
        });
        self.groups.extend(newer.groups);
        replaced
    }

    /// The canonical file's text.
    pub fn to_csv(&self) -> String {
        let dims: BTreeSet<&str> = self
            .groups
            .keys()
            .flat_map(|(_, d)| d.iter().map(|(k, _)| k.as_str()))
            .collect();
        let weighted = self
            .groups
            .values()
            .flat_map(BTreeMap::values)
            .any(|&(_, w)| w != 1.0);
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let mut header = vec!["date"];
        header.extend(dims.iter().copied());
        header.extend(["metric", "value"]);
        if weighted {
            header.push("weight");
        }
        // Writing into memory cannot fail.
        let _ = out.write_record(&header);
        let mut record: Vec<String> = Vec::with_capacity(header.len());
        for ((date, pairs), values) in &self.groups {
            for (metric, &(value, weight)) in values {
                record.clear();
                record.push(date.to_string());
                for name in &dims {
                    let v = pairs
                        .iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.as_str());
                    record.push(v.unwrap_or_default().to_owned());
                }
                record.push(metric.clone());
                record.push(format_number(value));
                if weighted {
                    record.push(format_number(weight));
                }
                let _ = out.write_record(&record);
            }
        }
        String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// The rows of a KPI file as `data::kpis` reads it (the canonical file
    /// written before, or one a person keeps by hand).
    pub fn from_kpis(kpis: &super::kpis::Kpis) -> Rows {
        let mut rows = Rows::default();
        for (metric, obs) in &kpis.series {
            for o in obs {
                let dims = kpis.dims.get(o.dims as usize).cloned().unwrap_or_default();
                rows.groups
                    .entry((o.date, dims))
                    .or_default()
                    .insert(metric.clone(), (o.value, o.weight));
            }
        }
        rows
    }
}

/// The rows already in `into`, and its bytes; none when it does not
/// exist yet. A problem reading it stops the import or pull: writing over
/// a file that could not be read whole would lose rows.
pub fn existing(
    root: &std::path::Path,
    into: &str,
    metrics: &[Metric],
    diags: &mut Diagnostics,
) -> anyhow::Result<(Rows, Option<Vec<u8>>)> {
    let store = super::Store::new(root, None);
    let Some(mut input) = store.open(into, diags)? else {
        return Ok((Rows::default(), None));
    };
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut input, &mut bytes)
        .with_context(|| format!("cannot read {}", root.join(into).display()))?;
    let mut seen = super::dates::Seen::default();
    // A canonical file is long, where no column of numbers needs declaring.
    let kpis = super::kpis::parse(
        into,
        bytes.as_slice(),
        &super::dialect::Dialect::CANONICAL,
        (metrics, &[]),
        &mut seen,
        diags,
    );
    Ok((Rows::from_kpis(&kpis), Some(bytes)))
}

/// Writes a file whole or not at all: into a temporary file beside it,
/// then renamed over it, so that a build reading it, a full disk or a
/// killed import or pull never sees half a file.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.part-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

/// The one number format of canonical files: at most six decimals, no
/// trailing zeros, no exponent, `-0` as `0`. Six decimals keep any figure
/// a plan shows (one or two decimals) exact, and the weighted roll-ups of
/// aggregated rows within a millionth.
pub fn format_number(v: f64) -> String {
    if v.abs() >= 1e9 {
        return format!("{}", v.round());
    }
    let rounded = (v * 1e6).round() / 1e6;
    if rounded == 0.0 {
        return "0".to_owned();
    }
    format!("{rounded}")
}

/// Why a row of an export was left out of the canonical file, where that
/// is no mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dropped {
    /// A KPI row with a date but no value for any metric.
    NoValues,
    /// A contact whose outcome the recipe lists as `ignored`.
    IgnoredOutcome,
    /// An abandon within `abandon_short_seconds`.
    ShortAbandon,
}

impl Dropped {
    /// As the import report says it.
    pub fn reason(self) -> &'static str {
        match self {
            Dropped::NoValues => "no metric value",
            Dropped::IgnoredOutcome => "ignored outcome",
            Dropped::ShortAbandon => "short abandon",
        }
    }
}

/// What reading one export gave.
#[derive(Debug, Default)]
pub struct Read {
    pub rows: Rows,
    /// Rows that are not blank.
    pub rows_read: usize,
    pub dropped: BTreeMap<Dropped, usize>,
    /// Headers neither mapped nor a metric, left out.
    pub left_out: Vec<String>,
}

/// Problems with cells, one per column and kind of mistake: an export with
/// a decimal comma has it in every row, and 540 lines saying so would bury
/// the hint that fixes them all.
#[derive(Default)]
pub struct Problems {
    groups: BTreeMap<(usize, Cow<'static, str>), Group>,
    /// Problems of kinds beyond [`Problems::MOST`], only counted: an export
    /// with a million distinct unknown values must not hold them all.
    more: usize,
}

struct Group {
    pos: Pos,
    message: String,
    count: usize,
    lines: Vec<usize>,
}

impl Problems {
    const MOST: usize = 50;

    /// A problem with a cell: `kind` says which problems are alike.
    pub fn add(
        &mut self,
        col: usize,
        kind: impl Into<Cow<'static, str>>,
        pos: Pos,
        message: impl FnOnce() -> String,
    ) {
        let key = (col, kind.into());
        if self.groups.len() >= Self::MOST && !self.groups.contains_key(&key) {
            self.more += 1;
            return;
        }
        let group = self.groups.entry(key).or_insert_with(|| Group {
            pos,
            message: message(),
            count: 0,
            lines: Vec::new(),
        });
        group.count += 1;
        if group.lines.len() < 4 {
            group.lines.push(pos.line);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// One error per group, at its first place; the others counted.
    pub fn report(self, path: &str, diags: &mut Diagnostics) {
        if self.more > 0 {
            diags.error(
                path,
                Pos::START,
                format!(
                    "and {} more rows with other problems, not listed",
                    self.more
                ),
            );
        }
        for group in self.groups.into_values() {
            let message = if group.count > 1 {
                let lines: Vec<String> = group.lines.iter().map(usize::to_string).collect();
                let more = if group.count > group.lines.len() {
                    ", …"
                } else {
                    ""
                };
                format!(
                    "{} ({} rows like this: lines {}{more})",
                    group.message,
                    group.count,
                    lines.join(", ")
                )
            } else {
                group.message
            };
            diags.error(path, group.pos, message);
        }
    }
}

/// What a column of a KPI export becomes.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    Date,
    Weight,
    /// An index into the catalogue.
    Metric(usize),
    Dimension(String),
    Skip,
}

/// The columns a recipe maps, matched to an export's header; `None`
/// (reported) when a mapped header is missing. `own` says which targets
/// are the reader's own fields rather than dimensions or metrics.
pub fn match_columns<'r>(
    export: &Export,
    recipe: &'r Recipe,
    config_path: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<Option<&'r str>>> {
    let folded: Vec<String> = export.header.iter().map(|h| fold(h)).collect();
    let mut targets: Vec<Option<&str>> = vec![None; export.header.len()];
    let mut ok = true;
    for m in &recipe.columns {
        let key = fold(&m.header);
        match folded.iter().position(|h| *h == key) {
            Some(i) => targets[i] = Some(m.target.as_str()),
            None => {
                let hint = did_you_mean(&m.header, export.header.iter().map(String::as_str))
                    .map(|h| format!("; did you mean {h:?}?"))
                    .unwrap_or_default();
                diags.error(
                    config_path,
                    m.pos,
                    format!(
                        "[import.{}]: {} has no column {:?}{hint}",
                        recipe.name, export.path, m.header
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(targets)
}

/// Names the canonical file uses for its own columns, which no dimension
/// can have.
const RESERVED: [&str; 4] = ["date", "metric", "value", "weight"];

/// Reads a KPI export: each row's date, dimension values and the value of
/// each metric column, in the metric's unit.
pub fn read_kpis(
    export: Export,
    recipe: &Recipe,
    metrics: &[Metric],
    config_path: &str,
    diags: &mut Diagnostics,
) -> Read {
    let mut read = Read::default();
    let Some(targets) = match_columns(&export, recipe, config_path, diags) else {
        return read;
    };
    let mut columns = Vec::with_capacity(targets.len());
    for (i, (name, target)) in export.header.iter().zip(&targets).enumerate() {
        let metric_of = |t: &str| {
            let key = fold(t);
            metrics.iter().position(|m| m.id == t || fold(&m.id) == key)
        };
        let col = match target {
            Some("date") => Column::Date,
            Some("weight") => Column::Weight,
            Some(t) => match metric_of(t) {
                Some(m) => Column::Metric(m),
                None if RESERVED.contains(&t.to_lowercase().as_str()) => {
                    diags.error(config_path, recipe.columns.iter().find(|c| c.target == *t).map_or(recipe.pos, |c| c.pos), format!("`{t}` cannot name a dimension: the canonical file has a column of its own by that name"));
                    Column::Skip
                }
                None => {
                    if let Some(id) = did_you_mean(t, metrics.iter().map(|m| m.id.as_str())) {
                        let pos = recipe
                            .columns
                            .iter()
                            .find(|c| c.target == *t)
                            .map_or(recipe.pos, |c| c.pos);
                        diags.warning(
                            config_path,
                            pos,
                            format!("{name:?} is mapped to `{t}`, which is no metric, so it is read as a dimension; did you mean the metric `{id}`?"),
                        );
                    }
                    Column::Dimension((*t).to_owned())
                }
            },
            None => match fold(name).as_str() {
                "" => Column::Skip,
                "date" => Column::Date,
                "weight" => Column::Weight,
                key => match metrics.iter().position(|m| fold(&m.id) == key) {
                    Some(m) => Column::Metric(m),
                    None => {
                        read.left_out.push(name.clone());
                        Column::Skip
                    }
                },
            },
        };
        if col == Column::Date && columns.contains(&Column::Date) {
            diags.error(
                &export.path,
                export.header_pos(i),
                format!("column {name:?} is a second date column"),
            );
            return read;
        }
        columns.push(col);
    }
    if !columns.contains(&Column::Date) {
        diags.error(
            &export.path,
            Pos::START,
            format!("no column is the date: map it in `columns` of [import.{}], such as {{ \"Fecha\" = \"date\" }}", recipe.name),
        );
        return read;
    }
    if !columns.iter().any(|c| matches!(c, Column::Metric(_))) {
        diags.error(
            &export.path,
            Pos::START,
            format!("no column is a metric of data/metrics.toml: map them in `columns` of [import.{}], such as {{ \"TMO\" = \"aht\" }}", recipe.name),
        );
        return read;
    }
    let path = export.path.clone();
    let dialect = export.dialect.clone();
    let mut problems = Problems::default();
    let mut first_line: HashMap<(Date, Dims), usize> = HashMap::new();
    // Per column: spreadsheet numbers seen, and whether all were fractions.
    let mut fractions = vec![(0usize, true); columns.len()];
    let header: Vec<Pos> = (0..columns.len()).map(|i| export.header_pos(i)).collect();
    let header_names = export.header.clone();
    export.rows(diags, |row, _| {
        read.rows_read += 1;
        for (i, col) in columns.iter().enumerate() {
            if let (Column::Metric(_), Cell::Number(n)) = (col, row.cell(i)) {
                fractions[i].0 += 1;
                fractions[i].1 &= (0.0..=1.0).contains(&n);
            }
        }
        let Some((date, dims, values)) = kpi_row(row, &columns, metrics, &dialect, &mut problems) else {
            return;
        };
        if values.is_empty() {
            *read.dropped.entry(Dropped::NoValues).or_default() += 1;
            return;
        }
        if let Some(&first) = first_line.get(&(date, dims.clone())) {
            problems.add(usize::MAX, "repeat", row.pos(0), || {
                format!("this row repeats line {first}: the same date and dimension values twice would count twice; map the column that tells them apart in `columns`")
            });
            return;
        }
        first_line.insert((date, dims.clone()), row.line);
        read.rows.groups.insert((date, dims), values);
    });
    problems.report(&path, diags);
    // .xls and .ods files do not say which cells show a percentage: 85.3 %
    // comes as 0.853, and a column of them would be 100 times too small.
    for (i, &(n, all)) in fractions.iter().enumerate() {
        if let (Column::Metric(m), true) = (&columns[i], n > 0 && all)
            && metrics[*m].unit.trim() == "%"
        {
            diags.warning(
                &path,
                header[i],
                format!(
                    "every value of column {:?} is between 0 and 1, but the metric `{}` is in %: if the sheet shows them as percentages (0.853 as 85.3 %), they were read as written; format the column as plain numbers (85.3) or save the export as .xlsx or CSV",
                    header_names[i], metrics[*m].id
                ),
            );
        }
    }
    read
}

/// One row of a KPI export: its date, dimension values and values; `None`
/// when a cell has a problem (added to `problems`).
fn kpi_row(
    row: &Row<'_>,
    columns: &[Column],
    metrics: &[Metric],
    dialect: &Resolved,
    problems: &mut Problems,
) -> Option<(Date, Dims, Values)> {
    let mut ok = true;
    let mut date = None;
    let mut weight = 1.0;
    let mut dims = Dims::new();
    let mut values = Values::new();
    for (i, col) in columns.iter().enumerate() {
        let cell = row.cell(i);
        let pos = row.pos(i);
        match col {
            Column::Skip => {}
            Column::Date => match cell_date(cell, dialect) {
                Ok(d) => date = Some(d),
                Err((kind, message)) => {
                    problems.add(i, kind, pos, || message);
                    ok = false;
                }
            },
            Column::Weight => match cell_number(cell, dialect, None) {
                Ok(Some(w)) if w >= 0.0 => weight = w,
                Ok(Some(_)) => {
                    problems.add(i, "negative", pos, || {
                        "a weight is a volume, 0 or more".into()
                    });
                    ok = false;
                }
                Ok(None) => {}
                Err((kind, message)) => {
                    problems.add(i, kind, pos, || message);
                    ok = false;
                }
            },
            Column::Metric(m) => match cell_number(cell, dialect, Some(&metrics[*m])) {
                Ok(Some(v)) => {
                    values.insert(metrics[*m].id.clone(), (v, 1.0));
                }
                Ok(None) => {}
                Err((kind, message)) => {
                    problems.add(i, kind, pos, || message);
                    ok = false;
                }
            },
            Column::Dimension(name) => match cell_text(cell) {
                Some(text) if !text.is_empty() => dims.push((name.clone(), text)),
                Some(_) => {}
                None => {
                    problems.add(i, "not-text", pos, || "this cell is not UTF-8 text".into());
                    ok = false;
                }
            },
        }
    }
    for v in values.values_mut() {
        v.1 = weight;
    }
    dims.sort();
    dims.dedup_by(|a, b| a.0 == b.0);
    (ok && date.is_some()).then(|| (date.unwrap_or_default(), dims, values))
}

/// A problem's kind (for [`Problems`]) and message.
type CellError = (Cow<'static, str>, String);

/// A mistake in a text cell, as [`Problems`] groups it.
fn mistake(m: Mistake, cell: &str, dialect: &Resolved) -> CellError {
    (format!("{m:?}").into(), export::message(m, cell, dialect))
}

/// A date cell: typed by a spreadsheet, or text in the recipe's dialect.
pub fn cell_date(cell: Cell<'_>, dialect: &Resolved) -> Result<Date, CellError> {
    match cell {
        Cell::DateTime(dt) => writable(dt.date()),
        Cell::Text(t) => dialect
            .date(t)
            .map_err(|m| mistake(m, t, dialect))
            .and_then(writable),
        Cell::Empty => Err(("empty-date".into(), "the date is empty".into())),
        Cell::Number(n) => Err((
            "date".into(),
            format!("{n} is a number, not a date: format the column as a date in the spreadsheet"),
        )),
        other => Err(("date".into(), format!("{} is not a date", describe(other)))),
    }
}

/// A date the canonical file can hold: a year of four digits. A pattern
/// such as `%d/%m/%Y` reads `01/03/-1` as a date of the year -1, which no
/// KPI file can be written with (found by the fuzzer).
pub fn writable(date: Date) -> Result<Date, CellError> {
    if (1..=9999).contains(&date.year()) {
        Ok(date)
    } else {
        Err((
            "year".into(),
            format!("{date} is not a date of the years 1 to 9999"),
        ))
    }
}

/// A number cell, in `metric`'s unit when it is a duration; `None` when
/// empty.
pub fn cell_number(
    cell: Cell<'_>,
    dialect: &Resolved,
    metric: Option<&Metric>,
) -> Result<Option<f64>, CellError> {
    let unit = metric.and_then(|m| TimeUnit::of(&m.unit));
    let duration = |metric: Option<&Metric>| -> CellError {
        let message = match metric {
            Some(m) => format!(
                "this cell is a duration, but the metric `{}` has unit {:?}: give it a unit of time (\"s\", \"min\" or \"h\") in data/metrics.toml",
                m.id, m.unit
            ),
            None => "a duration is not a number here".into(),
        };
        ("duration".into(), message)
    };
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(n) => super::plan_number(n, &n.to_string())
            .map(Some)
            .map_err(|m| ("number".into(), m)),
        Cell::Text(t) => match dialect.value(t, unit) {
            Err(Mistake::Duration) => Err(duration(metric)),
            other => other.map_err(|m| mistake(m, t, dialect)),
        },
        Cell::Duration(s) => match unit {
            Some(unit) => Ok(Some(s / unit.seconds())),
            None => Err(duration(metric)),
        },
        other => Err((
            "number".into(),
            format!("{} is not a number", describe(other)),
        )),
    }
}

/// A dimension value: text, or a spreadsheet's number or date as text.
fn cell_text(cell: Cell<'_>) -> Option<String> {
    Some(match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.to_owned(),
        Cell::Number(n) => format_number(n),
        Cell::DateTime(d) => d.to_string(),
        Cell::Duration(s) => format_number(s),
        Cell::Bool(b) => b.to_string(),
        Cell::Error(e) => e.to_owned(),
        Cell::NotUtf8 => return None,
    })
}

/// A cell as messages quote it.
pub fn describe(cell: Cell<'_>) -> String {
    match cell {
        Cell::Empty => "an empty cell".into(),
        Cell::Text(t) => format!("{t:?}"),
        Cell::Number(n) => n.to_string(),
        Cell::DateTime(d) => format!("the date {d}"),
        Cell::Duration(s) => format!("the duration of {s} s"),
        Cell::Bool(b) => b.to_string().to_uppercase(),
        Cell::Error(e) => format!("the spreadsheet error {e}"),
        Cell::NotUtf8 => "text that is not UTF-8".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: i8) -> Date {
        jiff::civil::date(2026, 10, d)
    }

    fn dims(q: &str) -> Dims {
        vec![("queue".to_owned(), q.to_owned())]
    }

    fn one(v: f64) -> Values {
        BTreeMap::from([("sla".to_owned(), (v, 1.0))])
    }

    #[test]
    fn numbers_have_one_format() {
        assert_eq!(format_number(85.3), "85.3");
        assert_eq!(format_number(193.0), "193");
        assert_eq!(format_number(1.0 / 3.0), "0.333333");
        assert_eq!(format_number(-0.0000001), "0");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(5e14), "500000000000000");
    }

    #[test]
    fn newer_rows_replace_their_days_and_dimension_values() {
        let mut old = Rows::default();
        old.groups.insert((day(1), dims("a")), one(1.0));
        old.groups.insert((day(2), dims("a")), one(2.0));
        old.groups.insert((day(2), dims("b")), one(3.0));
        let mut new = Rows::default();
        new.groups.insert((day(2), dims("a")), one(20.0));
        new.groups.insert((day(3), dims("a")), one(30.0));
        let replaced = old.replace_with(new);
        assert_eq!(replaced, BTreeSet::from([day(2)]));
        assert_eq!(old.groups[&(day(2), dims("a"))], one(20.0));
        assert_eq!(
            old.groups[&(day(2), dims("b"))],
            one(3.0),
            "another queue stays"
        );
        assert_eq!(old.len(), 4);
    }

    #[test]
    fn a_day_broken_down_otherwise_is_replaced_whole() {
        let mut old = Rows::default();
        old.groups.insert((day(2), dims("a")), one(2.0));
        old.groups.insert((day(2), dims("b")), one(3.0));
        let mut new = Rows::default();
        new.groups.insert((day(2), Dims::new()), one(9.0));
        old.replace_with(new);
        assert_eq!(old.len(), 1);
    }

    #[test]
    fn the_canonical_text_is_sorted_and_long() {
        let mut rows = Rows::default();
        rows.groups.insert(
            (day(2), dims("b")),
            BTreeMap::from([
                ("sla".to_owned(), (80.0, 10.0)),
                ("asa".to_owned(), (12.5, 8.0)),
            ]),
        );
        rows.groups.insert((day(1), Dims::new()), one(70.0));
        assert_eq!(
            rows.to_csv(),
            "date,queue,metric,value,weight\n2026-10-01,,sla,70,1\n2026-10-02,b,asa,12.5,8\n2026-10-02,b,sla,80,10\n"
        );
    }
}
