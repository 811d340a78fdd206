//! What a commit changed in the plan, in plain words: two versions of a data
//! file compared record by record, by id, not line by line.
//! "key result web-sla: target 85 → 90", "version 2.1 added",
//! "finding AHT (voice): current 6 → 5.2", "30 rows added, now up to 2026-10-31".
//!
//! TOML files are compared as documents: a table array's entries are matched
//! by their `id` (a flow's versions by `version`, an audit's findings by
//! area, indicator and filter, as audits are matched with each other), so
//! reordering records changes nothing and a renamed key is said as such.
//! CSV files are counted, not compared cell by cell. A version that does not
//! parse (invalid data in an old commit) is said to be unreadable; history
//! never fails a build.

use std::collections::BTreeMap;

use serde::Serialize;
use toml::{Table, Value};

use crate::data::RecordKind;

/// A record as a kind and a name: (key result, "web-sla").
pub type Record = (RecordKind, String);

/// One change, in a form a template can word in any language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Item {
    Field {
        record: Record,
        field: String,
        old: String,
        new: String,
        /// Both sides are TOML numbers, so the field can be charted.
        numeric: bool,
    },
    Added {
        record: Record,
    },
    Removed {
        record: Record,
    },
    /// A CSV file's data rows before and after, and its latest date after.
    Rows {
        before: usize,
        after: usize,
        latest: Option<String>,
    },
    /// One of the two versions could not be read.
    Unreadable,
}

/// The changes from `old` to `new` of the data file at `path` (relative to
/// the plan root). `None` on one side is a file added or deleted.
pub fn of(path: &str, old: Option<&str>, new: Option<&str>) -> Vec<Item> {
    if path.ends_with(".csv") {
        let (old, new) = (old.map(Rows::of), new.map(Rows::of));
        return vec![rows_item(old.as_ref(), new.as_ref())];
    }
    let (old, new) = (old.map(parse), new.map(parse));
    of_toml(
        path,
        old.as_ref().map(Option::as_ref),
        new.as_ref().map(Option::as_ref),
    )
}

/// A TOML data file's version, parsed; `None` when it does not parse.
pub type Doc = Option<Table>;

pub fn parse(text: &str) -> Doc {
    text.parse::<Table>().ok()
}

/// [`of`] for a TOML file whose two versions are parsed already (the
/// history parses each version once): `None` is no file, `Some(None)` a
/// file that does not parse.
pub fn of_toml(path: &str, old: Option<Option<&Table>>, new: Option<Option<&Table>>) -> Vec<Item> {
    if matches!(old, Some(None)) || matches!(new, Some(None)) {
        return vec![Item::Unreadable];
    }
    let (old, new) = (old.flatten(), new.flatten());
    let record = file_record(path);
    let mut out = Vec::new();
    let empty = Table::new();
    match (record, old, new) {
        // A file that is one record (an audit, a flow) comes or goes whole.
        (Some(record), None, Some(_)) => out.push(Item::Added { record }),
        (Some(record), Some(_), None) => out.push(Item::Removed { record }),
        (record, old, new) => tables(
            &record.unwrap_or_else(|| (RecordKind::File, path.to_owned())),
            old.unwrap_or(&empty),
            new.unwrap_or(&empty),
            &mut out,
        ),
    }
    out
}

/// The record a whole file is: an OKR period, an audit, a flow, a sprint
/// (named by the file); `None` for the files that only hold lists.
fn file_record(path: &str) -> Option<Record> {
    let (dir, file) = path.strip_prefix("data/")?.rsplit_once('/')?;
    let id = file.strip_suffix(".toml")?;
    Some((RecordKind::of_folder(dir)?, id.to_owned()))
}

/// Compares two tables that are the same record.
fn tables(record: &Record, old: &Table, new: &Table, out: &mut Vec<Item>) {
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for key in keys {
        // Entries of an array of tables the data format names are records
        // of their own; anything else is compared as a field.
        let kind = RecordKind::of_table(key);
        match (kind, old.get(key), new.get(key)) {
            (Some(kind), Some(Value::Array(a)), Some(Value::Array(b)))
                if is_records(a) || is_records(b) =>
            {
                records(kind, a, b, out);
            }
            (Some(kind), None, Some(Value::Array(b))) if is_records(b) => {
                records(kind, &[], b, out);
            }
            (Some(kind), Some(Value::Array(a)), None) if is_records(a) => {
                records(kind, a, &[], out);
            }
            (_, a, b) if a != b => out.push(Item::Field {
                record: record.clone(),
                field: key.replace('_', " "),
                old: a.map_or_else(|| "—".to_owned(), text),
                new: b.map_or_else(|| "—".to_owned(), text),
                numeric: [a, b]
                    .iter()
                    .all(|v| matches!(v, Some(Value::Integer(_) | Value::Float(_)))),
            }),
            _ => {}
        }
    }
}

fn is_records(values: &[Value]) -> bool {
    !values.is_empty() && values.iter().all(Value::is_table)
}

/// Compares two arrays of tables (`[[key_result]]`), matching entries by their key.
fn records(kind: RecordKind, old: &[Value], new: &[Value], out: &mut Vec<Item>) {
    let index = |list: &[Value]| -> BTreeMap<String, Table> {
        list.iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_table().map(|t| (name(t, i), t.clone())))
            .collect()
    };
    let (old, new) = (index(old), index(new));
    for (id, t) in &new {
        let record = (kind, id.clone());
        match old.get(id) {
            None => out.push(Item::Added { record }),
            Some(before) => tables(&record, before, t, out),
        }
    }
    for id in old.keys().filter(|id| !new.contains_key(*id)) {
        out.push(Item::Removed {
            record: (kind, id.clone()),
        });
    }
}

/// What a record is called: its `id`, a flow version's `version`, a
/// finding's indicator (or metric) with its filter, an action's title, or
/// its place in the list.
fn name(t: &Table, i: usize) -> String {
    let s = |k: &str| t.get(k).and_then(Value::as_str);
    if let Some(id) = s("id").or(s("version")) {
        return id.to_owned();
    }
    if let Some(what) = s("indicator").or(s("metric")) {
        let area = s("area").map(|a| format!("{a}: ")).unwrap_or_default();
        return match t.get("filter").and_then(Value::as_table) {
            Some(f) if !f.is_empty() => {
                let values: Vec<String> = f.values().map(text).collect();
                format!("{area}{what} ({})", values.join(", "))
            }
            _ => format!("{area}{what}"),
        };
    }
    s("title").map_or_else(|| format!("#{}", i + 1), str::to_owned)
}

/// A value as people read it: strings without quotes, lists joined.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(", "),
        Value::Table(t) => t
            .iter()
            .map(|(k, v)| format!("{k} = {}", text(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// A CSV file's data rows, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows {
    pub count: usize,
    /// The latest `date` (ISO dates sort as text).
    pub latest: Option<String>,
}

impl Rows {
    /// Counts the data rows of a CSV text, one record buffer reused: a KPI
    /// file is counted at every commit that changed it.
    pub fn of(text: &str) -> Rows {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let column = reader
            .byte_headers()
            .ok()
            .and_then(|h| h.iter().position(|c| c.trim_ascii() == b"date"));
        let mut out = Rows::default();
        let mut latest: &[u8] = b"";
        let mut record = csv::ByteRecord::new();
        let mut kept = Vec::new();
        while let Ok(true) = reader.read_byte_record(&mut record) {
            out.count += 1;
            if let Some(d) = column.and_then(|c| record.get(c)) {
                let day = d.get(..10).unwrap_or(d);
                if day > latest {
                    kept.clear();
                    kept.extend_from_slice(day);
                    latest = &kept;
                }
            }
        }
        out.latest = (!latest.is_empty()).then(|| String::from_utf8_lossy(latest).into_owned());
        out
    }
}

/// The change of a CSV file from `old` to `new` rows (`None`: no file).
pub fn rows_item(old: Option<&Rows>, new: Option<&Rows>) -> Item {
    Item::Rows {
        before: old.map_or(0, |r| r.count),
        after: new.map_or(0, |r| r.count),
        latest: new.and_then(|r| r.latest.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(kind: RecordKind, id: &str) -> Record {
        (kind, id.to_owned())
    }

    #[test]
    fn key_results_are_matched_by_id() {
        let old = "[[objective]]\nid = \"fast\"\n[[objective.key_result]]\nid = \"web-sla\"\ntarget = 85\n\
                   [[objective.key_result]]\nid = \"gone\"\ntarget = 1\n";
        let new = "[[objective]]\nid = \"fast\"\n[[objective.key_result]]\nid = \"new\"\ntarget = 2\n\
                   [[objective.key_result]]\nid = \"web-sla\"\ntarget = 90\n";
        assert_eq!(
            of("data/okrs/2026-h2.toml", Some(old), Some(new)),
            [
                Item::Added {
                    record: rec(RecordKind::KeyResult, "new")
                },
                Item::Field {
                    record: rec(RecordKind::KeyResult, "web-sla"),
                    field: "target".into(),
                    old: "85".into(),
                    new: "90".into(),
                    numeric: true
                },
                Item::Removed {
                    record: rec(RecordKind::KeyResult, "gone")
                },
            ]
        );
    }

    #[test]
    fn findings_versions_and_whole_files() {
        let old = "title = \"Q3\"\n[[finding]]\narea = \"Efficiency\"\nindicator = \"AHT\"\nfilter = { channel = \"voice\" }\ncurrent = 6\n";
        let new = "title = \"Q3 audit\"\n[[finding]]\narea = \"Efficiency\"\nindicator = \"AHT\"\nfilter = { channel = \"voice\" }\ncurrent = 5.2\n";
        let items = of("data/audits/2026-q3.toml", Some(old), Some(new));
        assert_eq!(
            items[0],
            Item::Field {
                record: rec(RecordKind::Finding, "Efficiency: AHT (voice)"),
                field: "current".into(),
                old: "6".into(),
                new: "5.2".into(),
                numeric: true
            }
        );
        assert_eq!(
            items[1],
            Item::Field {
                record: rec(RecordKind::Audit, "2026-q3"),
                field: "title".into(),
                old: "Q3".into(),
                new: "Q3 audit".into(),
                numeric: false
            }
        );
        let flow = "[[version]]\nversion = \"2.1\"\ndate = 2026-08-25\n";
        assert_eq!(
            of("data/flows/bot.toml", Some(""), Some(flow)),
            [Item::Added {
                record: rec(RecordKind::Version, "2.1")
            }]
        );
        assert_eq!(
            of("data/flows/bot.toml", None, Some(flow)),
            [Item::Added {
                record: rec(RecordKind::Flow, "bot")
            }]
        );
    }

    #[test]
    fn csv_rows_are_counted_and_bad_toml_is_said() {
        let old = "date,channel,sla\n2026-10-01,voice,80\n";
        let new =
            "date,channel,sla\n2026-10-01,voice,80\n2026-10-02,voice,81\n2026-10-31,chat,70\n";
        assert_eq!(
            of("data/kpis/daily.csv", Some(old), Some(new)),
            [Item::Rows {
                before: 1,
                after: 3,
                latest: Some("2026-10-31".into())
            }]
        );
        assert_eq!(
            of("data/metrics.toml", Some("[[metric"), Some("")),
            [Item::Unreadable]
        );
    }
}
