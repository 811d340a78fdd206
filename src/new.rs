//! `cxreport new`: the next record of a plan, from a template, so that a team
//! never starts from an empty file: a sprint, an audit, an OKR period (each a
//! new file, named by its period), an initiative or a flow version (appended
//! to their file). The date is given on the command line or taken from the
//! plan's `as_of`: cxreport never reads the clock. Nothing is overwritten.

use std::fmt::{Display, Write as _};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use jiff::ToSpan as _;
use jiff::civil::Date;

/// What to add.
#[derive(Debug, Clone)]
pub enum Record {
    Sprint,
    Audit,
    Okr,
    Initiative { title: String },
    FlowVersion { flow: String, summary: String },
}

// The templates, one per record kind, compiled in as `init`'s files are.
// Each `{name}` in them is filled in by `fill`.
const SPRINT: &str = include_str!("new/sprint.toml");
const AUDIT: &str = include_str!("new/audit.toml");
const OKR: &str = include_str!("new/okr.toml");
const INITIATIVE: &str = include_str!("new/initiative.toml");
const FLOW_VERSION: &str = include_str!("new/flow-version.toml");

/// Writes the record into the plan at `root`, dated `date` (else the plan's
/// `as_of`), and returns the file written.
pub fn new(root: &Path, record: &Record, date: Option<Date>) -> anyhow::Result<PathBuf> {
    let date = match date {
        Some(d) => d,
        None => as_of(root)?,
    };
    match record {
        Record::Sprint => sprint(root, date),
        Record::Audit => audit(root, date),
        Record::Okr => okr(root, date),
        Record::Initiative { title } => initiative(root, title, date),
        Record::FlowVersion { flow, summary } => flow_version(root, flow, summary, date),
    }
}

/// data/sprints/YYYY-MM.toml, for the month of `date`.
fn sprint(root: &Path, date: Date) -> anyhow::Result<PathBuf> {
    let first = date.first_of_month();
    let id = format!("{:04}-{:02}", date.year(), date.month());
    let text = fill(
        SPRINT,
        &[
            ("id", &id),
            ("month", &first.strftime("%B %Y")),
            ("first", &first),
            ("last", &first.last_of_month()),
        ],
    );
    create(root, &format!("data/sprints/{id}.toml"), &text)
}

/// data/audits/YYYY-qN.toml, for the quarter of `date` and dated by it.
fn audit(root: &Path, date: Date) -> anyhow::Result<PathBuf> {
    let quarter = (date.month() - 1) / 3 + 1;
    let id = format!("{:04}-q{quarter}", date.year());
    let text = fill(
        AUDIT,
        &[
            ("year", &date.year()),
            ("quarter", &quarter),
            ("date", &date),
        ],
    );
    create(root, &format!("data/audits/{id}.toml"), &text)
}

/// data/okrs/YYYY-hN.toml, for the half-year of `date`.
fn okr(root: &Path, date: Date) -> anyhow::Result<PathBuf> {
    let (half, start, end) = if date.month() <= 6 {
        (
            1,
            Date::new(date.year(), 1, 1)?,
            Date::new(date.year(), 6, 30)?,
        )
    } else {
        (
            2,
            Date::new(date.year(), 7, 1)?,
            Date::new(date.year(), 12, 31)?,
        )
    };
    let id = format!("{:04}-h{half}", date.year());
    let text = fill(OKR, &[("id", &id), ("start", &start), ("end", &end)]);
    create(root, &format!("data/okrs/{id}.toml"), &text)
}

/// An `[[initiative]]` at the end of data/initiatives.toml, its id made from
/// the title, due three months after `date`.
fn initiative(root: &Path, title: &str, date: Date) -> anyhow::Result<PathBuf> {
    let id = crate::content::slug(&fold(title));
    if id.is_empty() {
        bail!("the title {title:?} gives no id: use letters or digits");
    }
    let rel = "data/initiatives.toml";
    let path = root.join(rel);
    let old = read_or_empty(&path)?;
    if declares(&old, "id", &id) {
        bail!("{rel} already has an initiative `{id}`: choose another title");
    }
    let text = fill(
        INITIATIVE,
        &[
            ("id", &id),
            ("title", &toml::Value::from(title)),
            ("due", &date.checked_add(3.months())?),
            ("date", &date),
        ],
    );
    append(&path, &old, &text)?;
    Ok(path)
}

/// A `[[version]]` at the end of data/flows/FLOW.toml, live on `date`, with
/// the last version's steps.
fn flow_version(root: &Path, flow: &str, summary: &str, date: Date) -> anyhow::Result<PathBuf> {
    let rel = format!("data/flows/{flow}.toml");
    let path = root.join(&rel);
    if !path.is_file() {
        bail!("there is no {rel}: name a flow in data/flows/");
    }
    let old = read_or_empty(&path)?;
    let (name, steps) = last_version(&rel, &old)?;
    let text = fill(
        FLOW_VERSION,
        &[
            ("next", &next_version(&name)),
            ("date", &date),
            ("summary", &toml::Value::from(summary)),
            ("steps", &steps),
        ],
    );
    append(&path, &old, &text)?;
    Ok(path)
}

/// The name and the steps (as TOML) of the last `[[version]]` in the flow
/// file `rel`, whose text is `text`.
fn last_version(rel: &str, text: &str) -> anyhow::Result<(String, String)> {
    let doc: toml::Table = text
        .parse()
        .with_context(|| format!("{rel} does not parse: run cxreport check"))?;
    let versions = doc.get("version").and_then(toml::Value::as_array);
    let Some(last) = versions
        .and_then(|v| v.last())
        .and_then(toml::Value::as_table)
    else {
        bail!(
            "{rel} has no [[version]] entries: its versions come from its git history, so commit the change instead"
        );
    };
    let name = last
        .get("version")
        .and_then(toml::Value::as_str)
        .unwrap_or("");
    let steps = last
        .get("steps")
        .map_or_else(|| "[]".to_owned(), ToString::to_string);
    Ok((name.to_owned(), steps))
}

/// `template` with each `{name}` of `values` replaced. One pass, so that a
/// value (a title someone typed) is never taken for a placeholder; any other
/// brace, such as a TOML inline table in a comment, is kept as it is.
fn fill(template: &str, values: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let named = rest[1..]
            .split_once('}')
            .and_then(|(name, _)| values.iter().find(|(n, _)| *n == name));
        match named {
            Some((name, value)) => {
                let _ = write!(out, "{value}");
                rest = &rest[name.len() + 2..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The plan's `as_of`, for a date nobody gave.
fn as_of(root: &Path) -> anyhow::Result<Date> {
    let text = read_or_empty(&root.join("cxreport.toml"))?;
    let doc: toml::Table = text.parse().context("cxreport.toml does not parse")?;
    match doc.get("as_of") {
        Some(toml::Value::Datetime(d)) => d
            .to_string()
            .parse()
            .context("as_of in cxreport.toml is not a date"),
        _ => bail!(
            "give the date with --date YYYY-MM-DD (cxreport does not read the clock, and cxreport.toml has no as_of)"
        ),
    }
}

/// "2.1" → "2.2", "3" → "4", anything else → its name with ".1".
fn next_version(name: &str) -> String {
    let (head, last) = name.rsplit_once('.').unwrap_or(("", name));
    match last.parse::<u64>() {
        Ok(n) if head.is_empty() => (n + 1).to_string(),
        Ok(n) => format!("{head}.{}", n + 1),
        Err(_) if name.is_empty() => "1.0".to_owned(),
        Err(_) => format!("{name}.1"),
    }
}

/// Letters without their accents, so that ids stay a-z: "Atención" → "Atencion".
fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect()
}

/// Whether a TOML text sets `key = "value"` somewhere.
fn declares(text: &str, key: &str, value: &str) -> bool {
    text.lines().any(|l| {
        l.split_once('=')
            .is_some_and(|(k, v)| k.trim() == key && v.trim().trim_matches('"') == value)
    })
}

fn read_or_empty(path: &Path) -> anyhow::Result<String> {
    match fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Writes a new file, refusing one that exists.
fn create(root: &Path, rel: &str, text: &str) -> anyhow::Result<PathBuf> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                anyhow::anyhow!("{rel} already exists: edit it, or give another --date")
            }
            _ => anyhow::Error::new(e).context(format!("cannot create {}", path.display())),
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// Adds `record` to the end of the file at `path`, whose text is `old`,
/// after a blank line unless the file is empty.
fn append(path: &Path, old: &str, record: &str) -> anyhow::Result<()> {
    let sep = match old {
        "" => "",
        _ if old.ends_with('\n') => "\n",
        _ => "\n\n",
    };
    fs::write(path, format!("{old}{sep}{record}"))
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_ids() {
        assert_eq!(next_version("2.1"), "2.2");
        assert_eq!(next_version("3"), "4");
        assert_eq!(next_version("2.0-beta"), "2.0-beta.1");
        assert_eq!(next_version(""), "1.0");
        assert_eq!(
            crate::content::slug(&fold("Atención al cliente 24/7")),
            "atencion-al-cliente-24-7"
        );
        assert!(declares("id = \"a\"\n", "id", "a"));
        assert!(!declares("id = \"ab\"\n", "id", "a"));
    }

    #[test]
    fn templates_are_filled_in_one_pass() {
        let filled = fill(
            "a = {a}\nb = {b}\nc = { x = 1 } {c} {",
            &[("a", &"{b}"), ("b", &2)],
        );
        assert_eq!(filled, "a = {b}\nb = 2\nc = { x = 1 } {c} {");
    }
}
