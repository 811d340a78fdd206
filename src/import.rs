//! `cxreport import NAME FILE...`: follows the recipe `[import.NAME]` of
//! `cxreport.toml` to turn platform exports into the canonical KPI file it
//! names (`into`), which the build reads like any other. The raw exports
//! need not enter git; only this aggregate does.
//!
//! Layer 6 (commands), a short list of steps: the recipe and the metric
//! catalogue, each export read (`data::export`, `data::sheet`) into daily
//! rows (`data::imported` for KPI exports, `data::contacts` for contact
//! logs), the rows put over those already in `into` (a day and set of
//! dimension values present in an export replaces the same already there,
//! so overlapping exports never count twice), and the file written whole:
//! atomically, and only when its bytes change.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::config::Config;
use crate::data::imported::{Dropped, Rows};
use crate::data::recipe::{Kind, Recipe};
use crate::data::{self, Loader, export::Export, metrics};
use crate::diag::{Checked, Diagnostics, Pos};

/// What `cxreport import` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The plan's root folder.
    pub root: PathBuf,
    /// The recipe's name, `NAME` in `[import.NAME]`.
    pub recipe: String,
    /// The exports, in the order given: a later one's days replace an
    /// earlier one's.
    pub files: Vec<PathBuf>,
}

/// What one export gave.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// As given on the command line.
    pub path: String,
    pub rows_read: usize,
    pub dropped: BTreeMap<Dropped, usize>,
    /// Its header's columns that are neither mapped nor a metric.
    pub left_out: Vec<String>,
    /// The dates it has rows for.
    pub days: usize,
}

/// What an import read and wrote.
#[derive(Debug, Clone)]
pub struct Report {
    pub files: Vec<FileReport>,
    /// The canonical file, relative to the plan root.
    pub into: String,
    /// Its rows (without the header) and dates, after the import.
    pub rows: usize,
    pub days: usize,
    /// Dates of which some rows already there, or from an earlier export
    /// of the same run, were replaced.
    pub replaced: BTreeSet<Date>,
    /// False when the file already held exactly these bytes, and was left
    /// untouched.
    pub written: bool,
}

/// Runs the import. `Err` is an I/O failure or an unknown recipe (exit 2);
/// problems with the recipe or the exports come back as diagnostics, with
/// `None` when nothing was written because of them.
pub fn import(options: &Options) -> anyhow::Result<Checked<Option<Report>>> {
    let root = &options.root;
    let (settings, mut diags) =
        crate::plan::settings(root, "the recipes of `cxreport import` are written there")?;
    let Some((config, metrics)) = settings else {
        return Ok((None, diags.sorted()));
    };
    let recipe = find(&config, &options.recipe)?;
    let mut files = Vec::new();
    let mut rows = Rows::default();
    let mut replaced = BTreeSet::new();
    for path in &options.files {
        let (file, read) = read_export(path, recipe, &metrics, &mut diags)?;
        replaced.extend(rows.replace_with(read));
        files.push(file);
    }
    let target = root.join(&recipe.into);
    let before = data::imported::existing(root, &recipe.into, &metrics, &mut diags)?;
    if diags.has_errors() {
        return Ok((None, diags.sorted()));
    }
    if rows.is_empty() {
        let first = files.first().map_or(String::new(), |f| f.path.clone());
        diags.error(
            &first,
            Pos::START,
            format!(
                "no row of the exports has a date and a value: nothing to write into {}",
                recipe.into
            ),
        );
        return Ok((None, diags.sorted()));
    }
    let (mut all, old_bytes) = before;
    replaced.extend(all.replace_with(rows));
    let text = all.to_csv();
    let written = old_bytes.as_deref() != Some(text.as_bytes());
    if written {
        data::imported::write_atomically(&target, text.as_bytes())?;
    }
    let report = Report {
        files,
        into: recipe.into.clone(),
        rows: all.len(),
        days: all.dates().len(),
        replaced,
        written,
    };
    Ok((Some(report), diags.sorted()))
}

/// The recipe named on the command line.
pub fn find<'c>(config: &'c Config, name: &str) -> anyhow::Result<&'c Recipe> {
    if let Some(recipe) = config.imports.iter().find(|r| r.name == name) {
        return Ok(recipe);
    }
    let names: Vec<&str> = config.imports.iter().map(|r| r.name.as_str()).collect();
    let hint = crate::diag::hint(name, names.iter().copied());
    if names.is_empty() {
        anyhow::bail!(
            "cxreport.toml has no recipe [import.{name}] (it has none yet; see docs/import.md)"
        )
    }
    anyhow::bail!(
        "cxreport.toml has no recipe [import.{name}]{hint} (its recipes: {})",
        names.join(", ")
    )
}

/// Reads one export into daily rows.
fn read_export(
    path: &Path,
    recipe: &Recipe,
    metrics: &[data::Metric],
    diags: &mut Diagnostics,
) -> anyhow::Result<(FileReport, Rows)> {
    let shown = path.display().to_string();
    if !path.is_file() {
        anyhow::bail!("{shown} is not a file");
    }
    let read = match Export::open(path, &shown, recipe, diags)? {
        None => data::imported::Read::default(),
        Some(export) => read_with(export, recipe, metrics, diags),
    };
    let report = FileReport {
        path: shown,
        rows_read: read.rows_read,
        dropped: read.dropped,
        left_out: read.left_out,
        days: read.rows.dates().len(),
    };
    Ok((report, read.rows))
}

/// An export's rows, read as its recipe's kind says.
fn read_with(
    export: Export,
    recipe: &Recipe,
    metrics: &[data::Metric],
    diags: &mut Diagnostics,
) -> data::imported::Read {
    match (recipe.kind, &recipe.contacts) {
        (Kind::Contacts, Some(settings)) => {
            data::contacts::read(export, recipe, settings, metrics, "cxreport.toml", diags)
        }
        _ => data::imported::read_kpis(export, recipe, metrics, "cxreport.toml", diags),
    }
}

/// What [`import`] makes of one export held in memory, before it writes:
/// the canonical text (`None` when there are errors or no rows), read by
/// the recipe `recipe` of `config` (a `cxreport.toml`'s text) against the
/// catalogue `metrics` (a `data/metrics.toml`'s text), with every problem.
/// No file is read or written: this is the fuzzer's way in.
pub fn in_memory(
    config: &str,
    metrics: &str,
    recipe: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Checked<Option<String>> {
    let mut diags = Diagnostics::default();
    let root = Path::new(".");
    let no_files = std::sync::Arc::new(BTreeMap::new());
    let config = Config::parse(
        &crate::diag::Source::new("cxreport.toml", config.to_owned()),
        root,
        &mut diags,
    );
    let mut loader = Loader::new(root, Some(no_files), &mut diags);
    let metrics = metrics::parse(
        &crate::diag::Source::new("data/metrics.toml", metrics.to_owned()),
        &mut loader,
    );
    let Some(recipe) = config.imports.iter().find(|r| r.name == recipe) else {
        return (None, diags.sorted());
    };
    let read = match Export::from_bytes(name, bytes, recipe, &mut diags) {
        None => data::imported::Read::default(),
        Some(export) => read_with(export, recipe, &metrics, &mut diags),
    };
    let text = (!diags.has_errors() && !read.rows.is_empty()).then(|| read.rows.to_csv());
    (text, diags.sorted())
}

/// `2026-10-08`, `2026-10-08 and 2026-10-09`, or the first and last of
/// many dates with their count.
pub fn dates_text(dates: &BTreeSet<Date>) -> String {
    let list: Vec<String> = dates.iter().map(Date::to_string).collect();
    match list.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [first, .., last] => format!("{first} to {last}"),
    }
}
