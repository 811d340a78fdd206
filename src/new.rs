//! `cxreport new`: the next record of a plan, from a template, so that a team
//! never starts from an empty file: a sprint, an audit, an OKR period (each a
//! new file, named by its period), an initiative or a flow version (appended
//! to their file). The date is given on the command line or taken from the
//! plan's `as_of`: cxreport never reads the clock. Nothing is overwritten.

use std::fmt::Write as _;
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

/// Writes the record into the plan at `root`, dated `date` (else the plan's
/// `as_of`), and returns the file written.
pub fn new(root: &Path, record: &Record, date: Option<Date>) -> anyhow::Result<PathBuf> {
    let date = match date {
        Some(d) => d,
        None => as_of(root)?,
    };
    match record {
        Record::Sprint => {
            let first = date.first_of_month();
            let id = format!("{:04}-{:02}", date.year(), date.month());
            let text = format!(
                "# The sprint of {id}: what was tried, what was agreed, what was learnt.\n\
                 title = \"{month} sprint\"\n\
                 start = {first}\n\
                 end = {last}\n\
                 # goal = \"\"          # optional: what the sprint is for\n\
                 learnings = []       # what the team learnt, one text each\n\n\
                 # [[experiment]]\n\
                 # id = \"\"             # unique across all sprints\n\
                 # title = \"\"\n\
                 # hypothesis = \"\"\n\
                 # metric = \"\"         # optional: the metric that should move\n\
                 # start = {first}   # the change date: the metric is compared before and after it\n\
                 # status = \"running\"  # running, worked, failed or inconclusive\n\n\
                 # [[action]]\n\
                 # title = \"\"\n\
                 # owner = \"\"\n\
                 # due = {last}\n\
                 # status = \"todo\"     # todo, in-progress, done or blocked\n",
                month = first.strftime("%B %Y"),
                last = first.last_of_month(),
            );
            create(root, &format!("data/sprints/{id}.toml"), &text)
        }
        Record::Audit => {
            let quarter = (date.month() - 1) / 3 + 1;
            let id = format!("{:04}-q{quarter}", date.year());
            let text = format!(
                "# The {year} Q{quarter} audit: for each indicator, the target and where the\n\
                 # operation stood on the audit date.\n\
                 title = \"Q{quarter} {year} CX audit\"\n\
                 date = {date}\n\
                 # summary = \"\"        # optional: the audit's conclusions (Markdown)\n\n\
                 # One [[finding]] for each indicator audited:\n\
                 # [[finding]]\n\
                 # area = \"Service levels\"\n\
                 # metric = \"sla\"                   # or indicator = \"…\" and direction = \"higher\"\n\
                 # filter = {{ channel = \"voice\" }}  # optional: the part of the operation measured\n\
                 # target = 90\n\
                 # current = 0\n",
                year = date.year(),
            );
            create(root, &format!("data/audits/{id}.toml"), &text)
        }
        Record::Okr => {
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
            let text = format!(
                "# The OKRs of {id}: objectives, and the key results that say whether they are met.\n\
                 period = \"{id}\"\n\
                 start = {start}\n\
                 end = {end}\n\n\
                 # [[objective]]\n\
                 # id = \"\"\n\
                 # title = \"\"\n\
                 # owner = \"\"                 # optional\n\n\
                 # [[objective.key_result]]\n\
                 # id = \"\"                    # unique within the period\n\
                 # title = \"\"\n\
                 # owner = \"\"\n\
                 # deadline = {end}\n\
                 # baseline = 0\n\
                 # target = 0\n\
                 # metric = \"\"                # optional: the current value then comes from the KPI data\n"
            );
            create(root, &format!("data/okrs/{id}.toml"), &text)
        }
        Record::Initiative { title } => {
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
            let mut text = String::new();
            let _ = write!(
                text,
                "\n[[initiative]]\n\
                 id = \"{id}\"\n\
                 title = {title}\n\
                 owner = \"Who answers for it\"\n\
                 due = {due}\n\
                 status = \"todo\"      # todo, in-progress, done, blocked or dropped\n\
                 impact = \"medium\"    # low, medium or high\n\
                 effort = \"medium\"    # low, medium or high\n\
                 # metric = \"\"        # optional: the metric it should move, compared around launch\n\
                 # launch = {date}\n",
                title = toml::Value::from(title.as_str()),
                due = date.checked_add(3.months())?,
            );
            append(&path, &old, &text)?;
            Ok(path)
        }
        Record::FlowVersion { flow, summary } => {
            let rel = format!("data/flows/{flow}.toml");
            let path = root.join(&rel);
            if !path.is_file() {
                bail!("there is no {rel}: name a flow in data/flows/");
            }
            let old = read_or_empty(&path)?;
            let doc: toml::Table = old
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
            let next = next_version(name);
            let steps = last
                .get("steps")
                .map_or_else(|| "[]".to_owned(), ToString::to_string);
            let mut text = String::new();
            let _ = write!(
                text,
                "\n[[version]]\n\
                 version = \"{next}\"\n\
                 date = {date}\n\
                 summary = {summary}\n\
                 changes = []\n\
                 steps = {steps}\n",
                summary = toml::Value::from(summary.as_str()),
            );
            append(&path, &old, &text)?;
            Ok(path)
        }
    }
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

fn append(path: &Path, old: &str, text: &str) -> anyhow::Result<()> {
    let sep = if old.is_empty() || old.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    let body = if old.is_empty() {
        text.trim_start()
    } else {
        text
    };
    fs::write(path, format!("{old}{sep}{body}"))
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
}
