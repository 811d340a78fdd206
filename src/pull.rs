//! `cxreport pull [NAME…]`: runs the sources of `cxreport.toml`
//! (`[source.NAME]`, see `config::source`) and writes each result into its
//! canonical KPI file, so that refreshing a plan's numbers from the
//! database or warehouse that holds them is one reviewable step.
//!
//! Layer 6 (commands), a short list of steps per source: run it (the
//! built-in PostgreSQL client, or a program that prints CSV), read its
//! CSV as any plan KPI file is read (`data::kpis`, against the metric
//! catalogue), and write it through the one canonical writer that
//! `import` uses (`data::imported`): atomically, and only when its bytes
//! change. The result replaces the file whole: the source is the truth
//! for the file it writes. A source that fails leaves its file as it was,
//! and the others still run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::config::Config;
use crate::config::source::{Runner, Source};
use crate::data;
use crate::data::imported::Rows;
use crate::diag::{Checked, Diagnostics, Pos};

/// What `cxreport pull` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The plan's root folder.
    pub root: PathBuf,
    /// The sources to run, `NAME` in `[source.NAME]`; empty: all of them.
    pub names: Vec<String>,
    /// Write nothing; say what would change.
    pub check: bool,
}

/// What one source gave.
#[derive(Debug, Clone)]
pub struct SourceReport {
    pub name: String,
    /// The canonical file, relative to the plan root.
    pub into: String,
    /// `None` when the source failed (its problems are in the
    /// diagnostics, and its file was left as it was).
    pub outcome: Option<Outcome>,
    /// Its problems (errors fail it; warnings do not), printed with its
    /// line so that each source's story reads in one place.
    pub problems: Vec<crate::diag::Diagnostic>,
    /// A failed command's standard error, to show under its problem.
    pub stderr: String,
}

/// What a source that ran did to its file.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Lines of the canonical file, without its header.
    pub rows: usize,
    pub days: usize,
    /// Whether the file's bytes change (and, without `--check`, were
    /// written).
    pub changed: bool,
    /// Dates the file did not have.
    pub added: BTreeSet<Date>,
    /// Dates it had, with other rows.
    pub changed_days: BTreeSet<Date>,
    /// Dates it had that the result lacks.
    pub removed: BTreeSet<Date>,
}

/// What a pull did, source by source, in the order of `cxreport.toml`.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub sources: Vec<SourceReport>,
}

impl Report {
    /// Whether any source failed.
    pub fn failed(&self) -> bool {
        self.sources.iter().any(|s| s.outcome.is_none())
    }

    /// Whether any file changed (or, with `--check`, would).
    pub fn changed(&self) -> bool {
        self.sources
            .iter()
            .any(|s| s.outcome.as_ref().is_some_and(|o| o.changed))
    }
}

/// Runs the pull. `Err` is an I/O failure or an unknown source (exit 2);
/// problems with `cxreport.toml` come back as diagnostics with `None`,
/// and a source's problems in its own report.
pub fn pull(options: &Options) -> anyhow::Result<Checked<Option<Report>>> {
    let root = &options.root;
    let (settings, diags) =
        crate::plan::settings(root, "the sources of `cxreport pull` are written there")?;
    let Some((config, metrics)) = settings else {
        return Ok((None, diags.sorted()));
    };
    let chosen = choose(&config, &options.names)?;
    command::stop_on_interrupt();
    let mut report = Report::default();
    for source in chosen {
        let mut own = Diagnostics::default();
        let (outcome, stderr) = match run(root, source, &metrics, options.check, &mut own) {
            Ok(outcome) => (outcome, String::new()),
            Err(failure) => {
                if !failure.message.is_empty() {
                    let message = format!("source {}: {}", source.name, failure.message);
                    own.error("", Pos::START, message);
                }
                (None, failure.stderr)
            }
        };
        // A source with any error writes nothing.
        let outcome = outcome.filter(|_| !own.has_errors());
        report.sources.push(SourceReport {
            name: source.name.clone(),
            into: source.into.clone(),
            outcome,
            problems: own.sorted(),
            stderr,
        });
    }
    Ok((Some(report), diags.sorted()))
}

/// The sources named on the command line, or all of them.
fn choose<'c>(config: &'c Config, names: &[String]) -> anyhow::Result<Vec<&'c Source>> {
    let all: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    if all.is_empty() && !names.is_empty() {
        anyhow::bail!("cxreport.toml has no source yet: add a [source.NAME] (see docs/sources.md)");
    }
    // No source, none asked for: nothing to do, which is no failure (the
    // shipped workflow's daily job runs on plans without sources too).
    if names.is_empty() {
        return Ok(config.sources.iter().collect());
    }
    let mut chosen = Vec::new();
    for name in names {
        match config.sources.iter().find(|s| &s.name == name) {
            Some(s) if !chosen.iter().any(|c: &&Source| c.name == s.name) => chosen.push(s),
            Some(_) => {}
            None => anyhow::bail!(
                "cxreport.toml has no source [source.{name}]{} (its sources: {})",
                crate::diag::hint(name, all.iter().copied()),
                all.join(", ")
            ),
        }
    }
    Ok(chosen)
}

/// Why a source failed, when it is not a problem with its rows.
struct Failure {
    message: String,
    stderr: String,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure {
            message,
            stderr: String::new(),
        }
    }
}

/// One source: run, read, compare, write. Problems with the result's rows
/// go to `diags`; `Ok(None)` when there were any.
fn run(
    root: &Path,
    source: &Source,
    metrics: &[data::Metric],
    check: bool,
    diags: &mut Diagnostics,
) -> Result<Option<Outcome>, Failure> {
    let csv = match &source.runner {
        Runner::Postgres { url_env, query } => {
            postgres::query(root, source, url_env, query, diags)?
        }
        Runner::Command { argv } => command::run(root, argv, source.timeout)?,
    };
    let Some(rows) = read_result(source, &csv, metrics, diags) else {
        return Ok(None);
    };
    let (before, old_bytes) = data::imported::existing(root, &source.into, metrics, diags)
        .map_err(|e| format!("{e:#}"))?;
    if diags.has_errors() {
        return Ok(None);
    }
    let text = rows.to_csv();
    let changed = old_bytes.as_deref() != Some(text.as_bytes());
    if changed && !check {
        data::imported::write_atomically(&root.join(&source.into), text.as_bytes())
            .map_err(|e| format!("{e:#}"))?;
    }
    let (added, changed_days, removed) = compare(&before, &rows);
    Ok(Some(Outcome {
        rows: rows.len(),
        days: rows.dates().len(),
        changed,
        added,
        changed_days,
        removed,
    }))
}

/// The result read as a plan KPI file is: its header (long or wide), dates,
/// numbers and metrics checked against the catalogue. Each problem names
/// the source and the row of the result (the first after the header is
/// row 1), as `source dw: row 3: …`.
fn read_result(
    source: &Source,
    csv: &[u8],
    metrics: &[data::Metric],
    diags: &mut Diagnostics,
) -> Option<Rows> {
    let label = format!("source {}", source.name);
    let mut own = Diagnostics::default();
    let mut seen = data::dates::Seen::default();
    let kpis = data::kpis::parse(
        &label,
        csv,
        &data::dialect::Dialect::CANONICAL,
        (metrics, &[]),
        &mut seen,
        &mut own,
    );
    let read: usize = kpis.series.values().map(Vec::len).sum();
    let mut failed = false;
    for d in own.sorted() {
        let place = if d.line > 1 {
            format!("row {}: ", d.line - 1)
        } else if d.line == 1 && d.column > 1 {
            "its header: ".to_owned()
        } else {
            String::new()
        };
        let message = format!("{label}: {place}{}", for_source(&d.message, &label));
        failed |= d.severity == crate::diag::Severity::Error;
        diags.push(d.severity, "", Pos::START, message);
    }
    if failed {
        return None;
    }
    let rows = Rows::from_kpis(&kpis);
    if rows.is_empty() {
        diags.error(
            "",
            Pos::START,
            format!("{label}: the result has no row with a date and a metric value: nothing to write into {}", source.into),
        );
        return None;
    }
    if rows.len() < read {
        diags.error(
            "",
            Pos::START,
            format!(
                "{label}: {} rows of the result repeat a date, dimension values and metric given before: the query must return one row for each (GROUP BY them)",
                read - rows.len()
            ),
        );
        return None;
    }
    Some(rows)
}

/// A KPI file's message said of a source's result: its lines are the
/// result's rows (the header is not one), and the advice to set `[csv]`
/// for the file becomes advice for the query, since a result is always
/// read in the canonical dialect.
fn for_source(message: &str, label: &str) -> String {
    let mut text = message.replace(label, "the result");
    if let Some(csv) = text.find("[csv") {
        let cut = text[..csv].rfind("; ").unwrap_or(csv);
        text.truncate(cut);
        text.push_str(
            "; the query must return dates as YYYY-MM-DD and numbers with a decimal point",
        );
    }
    // `lines 2, 3, 4 and 537 more`: the last number of a list followed by
    // ` more` is a count, not a line.
    let (Ok(lines), Ok(number)) = (
        regex::Regex::new(r"\blines? (\d+(?:(?:, | and )\d+)*)"),
        regex::Regex::new(r"\d+"),
    ) else {
        return text;
    };
    lines
        .replace_all(&text, |caps: &regex::Captures<'_>| {
            let Some(list) = caps.get(1) else {
                return caps[0].to_owned();
            };
            let counted = text[list.end()..].starts_with(" more");
            let last = number.find_iter(list.as_str()).last().map(|m| m.start());
            let rows = number.replace_all(list.as_str(), |c: &regex::Captures<'_>| {
                let is_count = counted && c.get(0).map(|m| m.start()) == last;
                match c[0].parse::<usize>() {
                    Ok(line) if !is_count => line.saturating_sub(1).to_string(),
                    _ => c[0].to_owned(),
                }
            });
            let word = if caps[0].starts_with("lines") {
                "rows"
            } else {
                "row"
            };
            format!("{word} {rows}")
        })
        .into_owned()
}

/// The dates the result adds, changes (some row of the date differs) and
/// removes, against the file before.
fn compare(before: &Rows, after: &Rows) -> (BTreeSet<Date>, BTreeSet<Date>, BTreeSet<Date>) {
    let old = before.dates();
    let new = after.dates();
    let by_date = |rows: &Rows, date: Date| -> Vec<String> {
        rows.groups
            .range((date, Vec::new())..)
            .take_while(|((d, _), _)| *d == date)
            .map(|(k, v)| format!("{k:?}{v:?}"))
            .collect()
    };
    let added = new.difference(&old).copied().collect();
    let removed = old.difference(&new).copied().collect();
    let changed = new
        .intersection(&old)
        .copied()
        .filter(|&d| by_date(before, d) != by_date(after, d))
        .collect();
    (added, changed, removed)
}

/// The built-in PostgreSQL client.
mod postgres;

/// A program that prints CSV: no shell, the plan's folder as its working
/// directory, the environment inherited (so it finds its credentials where
/// its documentation says), and killed past its time limit.
mod command;

#[cfg(test)]
mod tests {
    use super::for_source;

    #[test]
    fn a_results_lines_are_told_as_rows_and_csv_advice_as_query_advice() {
        assert_eq!(
            for_source(
                "6 cells are not numbers, such as \"n/a\" (column 'sla', lines 2, 3, 9 and 3 more); leave a cell empty",
                "source dw"
            ),
            "6 cells are not numbers, such as \"n/a\" (column 'sla', rows 1, 2, 8 and 3 more); leave a cell empty"
        );
        assert_eq!(
            for_source(
                "numbers such as 85,3 have a decimal comma (column 'sla', line 4); if the file uses decimal commas, set `decimal = \",\"` in a `[csv.\"source dw\"]` table of cxreport.toml",
                "source dw"
            ),
            "numbers such as 85,3 have a decimal comma (column 'sla', row 3); the query must return dates as YYYY-MM-DD and numbers with a decimal point"
        );
    }
}
