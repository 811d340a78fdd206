//! One record's own history, for the page that shows it: the commits that
//! changed it, with what they changed, and each of its numeric fields as a
//! series across those commits (a key result's target drifting, an audit
//! finding's `current` corrected, an initiative's expected value revised).
//!
//! Everything is read from the [`History`]'s record-by-record changes, so a
//! series is exact: a point for each commit that changed the field, starting
//! from the value it had when the record (or its file) was added.

use jiff::civil::Date;
use serde::Serialize;

use crate::changes::Item;
pub use crate::changes::Record;
use crate::git::{ChangeKind, Commit, History};

/// What a page's history is about: files it shows, and perhaps one record
/// in them (an initiative, in the file that holds them all).
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Plan-relative paths; a folder (ending in `/`) has no history of its own.
    pub files: &'a [String],
    pub record: Option<&'a Record>,
}

impl Subject<'_> {
    fn owns(&self, path: &str) -> bool {
        self.files.iter().any(|f| f == path && !f.ends_with('/'))
    }

    /// The items of a file's change that are about the subject.
    fn items<'h>(&self, items: &'h [Item]) -> impl Iterator<Item = &'h Item> {
        let record = self.record;
        items.iter().filter(move |i| match (record, i) {
            (None, _) => true,
            (
                Some(r),
                Item::Field { record, .. } | Item::Added { record } | Item::Removed { record },
            ) => record == r,
            (Some(_), _) => false,
        })
    }
}

/// A commit that changed the subject, with what it changed there.
#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    pub short: &'a str,
    pub date: Date,
    pub subject: &'a str,
    pub items: Vec<&'a Item>,
}

/// The commits that changed the subject, newest first.
pub fn entries<'h>(history: &'h History, subject: Subject<'_>) -> Vec<Entry<'h>> {
    history
        .commits
        .iter()
        .filter_map(|c| {
            let mut touched = false;
            let items: Vec<&Item> = c
                .files
                .iter()
                .filter(|f| subject.owns(&f.path))
                .flat_map(|f| {
                    touched = true;
                    subject.items(&f.items)
                })
                .collect();
            // A record's page lists only the commits that changed it.
            let counts = if subject.record.is_some() {
                !items.is_empty()
            } else {
                touched
            };
            counts.then(|| Entry {
                short: &c.short,
                date: c.date,
                subject: &c.subject,
                items,
            })
        })
        .collect()
}

/// The newest commit that changed the subject's data: its record, or any
/// file of the folders it reads (the KPI rows an initiative is measured on).
pub fn last_change<'h>(history: &'h History, subject: Subject<'_>) -> Option<&'h Commit> {
    if subject.record.is_none() {
        return history.last_change(subject.files);
    }
    let in_folder = |path: &str| {
        subject
            .files
            .iter()
            .any(|s| s.ends_with('/') && path.starts_with(s.as_str()))
    };
    history.commits.iter().find(|c| {
        c.files.iter().any(|f| {
            in_folder(&f.path)
                || (subject.owns(&f.path) && subject.items(&f.items).next().is_some())
        })
    })
}

/// A numeric field of a record across the commits that changed it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub record: Record,
    pub field: String,
    /// Oldest first: the value it started from, then one point a change.
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub date: Date,
    pub commit: String,
    pub value: f64,
    /// The decimals it was written with, to show it as written: `92`, `5.20`.
    pub digits: usize,
}

/// Every numeric field of the subject's records that some commit changed,
/// in the order of the first change, each with its points oldest first.
pub fn series(history: &History, subject: Subject<'_>) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    // Where each record, and each file, last came into being.
    let mut born: std::collections::HashMap<(&str, &Record), (Date, &str)> = Default::default();
    let mut file_born: std::collections::HashMap<&str, (Date, &str)> = Default::default();
    for commit in history.commits.iter().rev() {
        let here = (commit.date, commit.short.as_str());
        for file in commit.files.iter().filter(|f| subject.owns(&f.path)) {
            let path = file.path.as_str();
            if file.kind == ChangeKind::Added {
                file_born.insert(path, here);
                born.retain(|(p, _), _| *p != path);
            }
            for item in subject.items(&file.items) {
                match item {
                    Item::Added { record } => {
                        born.insert((path, record), here);
                    }
                    Item::Field {
                        record,
                        field,
                        old,
                        new,
                        numeric: true,
                    } => {
                        let (Some(old), Some(new)) = (number(old), number(new)) else {
                            continue;
                        };
                        let point = |(date, commit): (Date, &str), (value, digits)| Point {
                            date,
                            commit: commit.to_owned(),
                            value,
                            digits,
                        };
                        let at = out
                            .iter()
                            .position(|s| &s.record == record && &s.field == field);
                        let series = match at {
                            Some(i) => &mut out[i],
                            None => {
                                let start = born
                                    .get(&(path, record))
                                    .or_else(|| file_born.get(path))
                                    .copied();
                                out.push(Series {
                                    record: record.clone(),
                                    field: field.clone(),
                                    points: start.map(|s| point(s, old)).into_iter().collect(),
                                });
                                out.last_mut().expect("just pushed")
                            }
                        };
                        series.points.push(point(here, new));
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// A TOML number as written (`92`, `5.25`, `1_000`, `1e3`), with its decimals.
fn number(text: &str) -> Option<(f64, usize)> {
    let value = text.replace('_', "").parse::<f64>().ok()?;
    let digits = match text.split_once('.') {
        Some((_, decimals)) if !text.contains(['e', 'E']) => decimals.len(),
        _ => 0,
    };
    value.is_finite().then_some((value, digits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::RecordKind;
    use crate::git::{Availability, FileChange};

    fn rec(kind: RecordKind, id: &str) -> Record {
        (kind, id.to_owned())
    }

    fn field(record: Record, field: &str, old: &str, new: &str) -> Item {
        Item::Field {
            record,
            field: field.to_owned(),
            old: old.to_owned(),
            new: new.to_owned(),
            numeric: true,
        }
    }

    fn commit(short: &str, date: &str, kind: ChangeKind, items: Vec<Item>) -> Commit {
        let file = FileChange {
            path: "data/initiatives.toml".to_owned(),
            kind,
            items,
            toml: None,
        };
        Commit::touching(short, date, file)
    }

    fn history() -> History {
        let a = || rec(RecordKind::Initiative, "a");
        let b = || rec(RecordKind::Initiative, "b");
        History {
            availability: Availability::Full,
            // Newest first.
            commits: vec![
                commit(
                    "4",
                    "2026-04-01",
                    ChangeKind::Modified,
                    vec![field(b(), "investment", "10", "12")],
                ),
                commit(
                    "3",
                    "2026-03-01",
                    ChangeKind::Modified,
                    vec![
                        field(a(), "investment", "100", "90"),
                        Item::Added { record: b() },
                    ],
                ),
                commit(
                    "2",
                    "2026-02-01",
                    ChangeKind::Modified,
                    vec![
                        field(a(), "investment", "80", "100"),
                        Item::Field {
                            record: a(),
                            field: "status".to_owned(),
                            old: "todo".to_owned(),
                            new: "done".to_owned(),
                            numeric: false,
                        },
                    ],
                ),
                commit(
                    "1",
                    "2026-01-01",
                    ChangeKind::Added,
                    vec![Item::Added { record: a() }],
                ),
            ],
            tip: None,
        }
    }

    #[test]
    fn a_series_starts_where_its_record_was_added() {
        let files = ["data/initiatives.toml".to_owned()];
        let history = history();
        let all = series(
            &history,
            Subject {
                files: &files,
                record: None,
            },
        );
        type Points<'a> = Vec<(String, &'a str, f64)>;
        let got: Vec<(&str, Points)> = all
            .iter()
            .map(|s| {
                let points = s
                    .points
                    .iter()
                    .map(|p| (p.date.to_string(), p.commit.as_str(), p.value))
                    .collect();
                (s.record.1.as_str(), points)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "a",
                    vec![
                        ("2026-01-01".to_owned(), "1", 80.0),
                        ("2026-02-01".to_owned(), "2", 100.0),
                        ("2026-03-01".to_owned(), "3", 90.0),
                    ]
                ),
                (
                    "b",
                    vec![
                        ("2026-03-01".to_owned(), "3", 10.0),
                        ("2026-04-01".to_owned(), "4", 12.0),
                    ]
                ),
            ]
        );
    }

    #[test]
    fn a_record_has_only_its_own_commits() {
        let files = ["data/initiatives.toml".to_owned()];
        let b = rec(RecordKind::Initiative, "b");
        let history = history();
        let subject = Subject {
            files: &files,
            record: Some(&b),
        };
        let shorts: Vec<&str> = entries(&history, subject).iter().map(|e| e.short).collect();
        assert_eq!(shorts, ["4", "3"]);
        assert_eq!(entries(&history, subject)[1].items.len(), 1);
        assert_eq!(
            last_change(&history, subject).map(|c| c.short.as_str()),
            Some("4")
        );
        assert_eq!(series(&history, subject).len(), 1);
        let whole = Subject {
            files: &files,
            record: None,
        };
        assert_eq!(entries(&history, whole).len(), 4);
        let folder = ["data/".to_owned()];
        let folder = Subject {
            files: &folder,
            record: None,
        };
        assert!(entries(&history, folder).is_empty());
    }
}
