//! One contact log being read (see [`super::read`]): where its columns
//! are, and each row counted into the tally of its day and combination of
//! dimension values, or left out with the problem of its cell noted.

use std::collections::HashMap;

use jiff::civil::Date;

use super::{Minute, Output, Tally, listed, seconds_of};
use crate::data::FastHash;
use crate::data::definitions::Leave;
use crate::data::dialect::Resolved;
use crate::data::export::{self, Cell, Row};
use crate::data::imported::{
    Dims, Dropped, Problems, cell_date, describe, format_number, writable,
};
use crate::data::recipe::{ContactField, Contacts, Figure, Outcome, contact_field, fold};

/// What a column of the log is read as.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    Field(ContactField),
    Dimension(String),
    Skip,
}

/// Where a log's columns are, and which of its times the figures need.
pub(super) struct Layout {
    /// The date column, and whether it holds date-times.
    date: (usize, bool),
    outcome: usize,
    wait: Option<usize>,
    handle: Option<usize>,
    /// Service level or ASA is asked for: an answered contact needs a wait.
    needs_wait: bool,
    /// AHT is asked for: an answered contact needs a handle time.
    needs_handle: bool,
    /// The dimension columns, with the dimension each one is.
    dimensions: Vec<(usize, String)>,
}

impl Layout {
    /// The layout of a log whose `header` maps to `targets`; the names of
    /// the columns left out go to `left_out`. `None` without a date or an
    /// outcome column.
    pub(super) fn new(
        header: &[String],
        targets: &[Option<&str>],
        outputs: &[Output],
        left_out: &mut Vec<String>,
    ) -> Option<Layout> {
        let columns: Vec<Column> = header
            .iter()
            .zip(targets)
            .map(|(name, target)| match target {
                Some(t) => contact_field(t)
                    .map_or_else(|| Column::Dimension((*t).to_owned()), Column::Field),
                None => {
                    if !name.is_empty() {
                        left_out.push(name.clone());
                    }
                    Column::Skip
                }
            })
            .collect();
        let find = |f: ContactField| columns.iter().position(|c| *c == Column::Field(f.clone()));
        let date = find(ContactField::Date)
            .map(|c| (c, false))
            .or(find(ContactField::DateTime).map(|c| (c, true)))?;
        Some(Layout {
            date,
            outcome: find(ContactField::Outcome)?,
            wait: find(ContactField::Wait),
            handle: find(ContactField::Handle),
            needs_wait: outputs
                .iter()
                .any(|o| matches!(o.figure, Figure::ServiceLevel | Figure::Asa)),
            needs_handle: outputs.iter().any(|o| o.figure == Figure::Aht),
            dimensions: columns
                .into_iter()
                .enumerate()
                .filter_map(|(i, c)| match c {
                    Column::Dimension(name) => Some((i, name)),
                    _ => None,
                })
                .collect(),
        })
    }
}

/// A log being read: one tally per day and combination of dimension
/// values, and the problems of its cells so far.
pub(super) struct Log<'a> {
    layout: &'a Layout,
    settings: &'a Contacts,
    dialect: Resolved,
    pub(super) problems: Problems,
    /// Outcome values as written, found by their bytes: folding each row's
    /// value would cost more than all the rest of the row.
    outcomes: HashMap<String, Option<Outcome>, FastHash>,
    /// The last date read, as written and as a date.
    last_date: Option<(String, Date)>,
    minutes: Minute,
    /// Each combination of dimension values, by its cells' bytes (see
    /// [`Log::combo`]), as an index into `combo_dims`.
    combos: HashMap<Vec<u8>, u32, FastHash>,
    pub(super) combo_dims: Vec<Dims>,
    pub(super) tallies: HashMap<(Date, u32), Tally, FastHash>,
    key: Vec<u8>,
}

impl<'a> Log<'a> {
    pub(super) fn new(layout: &'a Layout, settings: &'a Contacts, dialect: Resolved) -> Log<'a> {
        Log {
            layout,
            settings,
            dialect,
            problems: Problems::default(),
            outcomes: HashMap::default(),
            last_date: None,
            minutes: Minute::default(),
            combos: HashMap::default(),
            combo_dims: Vec::new(),
            tallies: HashMap::default(),
            key: Vec::new(),
        }
    }

    /// Counts one contact into its day's tally. The reason it is left out
    /// when the recipe says to; a row with a problem is left out too, and
    /// the problem noted.
    pub(super) fn add(&mut self, row: &Row<'_>) -> Option<Dropped> {
        let layout = self.layout;
        let date = self.day(row);
        let outcome = self.outcome(row)?;
        let answered = outcome == Outcome::Answered;
        let wait = self.seconds(row, layout.wait, answered && layout.needs_wait, "wait");
        let handle = self.seconds(
            row,
            layout.handle,
            answered && layout.needs_handle,
            "handle",
        );
        let (Some(date), Ok(wait), Ok(handle)) = (date, wait, handle) else {
            return None;
        };
        let short = self.settings.abandon_short_seconds;
        if let Some(leave) = Leave::ALL
            .into_iter()
            .find(|l| l.applies(outcome, wait, short))
        {
            return Some(match leave {
                Leave::Ignored => Dropped::IgnoredOutcome,
                Leave::ShortAbandon => Dropped::ShortAbandon,
            });
        }
        let combo = self.combo(row);
        let sl = self.settings.service_level_seconds;
        self.tallies
            .entry((date, combo))
            .or_default()
            .add(outcome, wait, handle, sl);
        None
    }

    /// The row's day; `None`, with a problem noted, when it has none.
    fn day(&mut self, row: &Row<'_>) -> Option<Date> {
        let (col, is_datetime) = self.layout.date;
        let dialect = &self.dialect;
        let date = match row.cell(col) {
            Cell::Text(t) if self.last_date.as_ref().is_some_and(|(raw, _)| raw == t) => {
                self.last_date.as_ref().map(|(_, d)| *d)
            }
            Cell::Text(t) if !is_datetime => match dialect.date(t) {
                Ok(d) => {
                    self.last_date = Some((t.to_owned(), d));
                    Some(d)
                }
                Err(m) => {
                    let message = || export::message(m, t, dialect);
                    self.problems
                        .add(col, format!("{m:?}"), row.pos(col), message);
                    None
                }
            },
            Cell::Text(t) => match self.minutes.day(t) {
                Some(d) => Some(d),
                None => {
                    let zone = self.settings.timezone.as_ref();
                    match export::datetime_day(t, dialect, zone) {
                        Ok(d) => {
                            if dialect.date_format.is_none() {
                                self.minutes.keep(t, d, zone);
                            }
                            Some(d)
                        }
                        Err(m) => {
                            self.problems.add(col, "date", row.pos(col), || m);
                            None
                        }
                    }
                }
            },
            cell => match cell_date(cell, dialect) {
                Ok(d) => Some(d),
                Err((kind, m)) => {
                    self.problems.add(col, kind, row.pos(col), || m);
                    None
                }
            },
        };
        match writable(date?) {
            Ok(d) => Some(d),
            Err((kind, message)) => {
                self.problems.add(col, kind, row.pos(col), || message);
                None
            }
        }
    }

    /// The row's outcome; `None`, with a problem noted, when the recipe
    /// does not list it.
    fn outcome(&mut self, row: &Row<'_>) -> Option<Outcome> {
        let col = self.layout.outcome;
        let cell = row.cell(col);
        let outcome = match cell {
            Cell::Text(t) => match self.outcomes.get(t) {
                Some(o) => *o,
                None => {
                    let folded = fold(t);
                    let o = self
                        .settings
                        .outcomes
                        .iter()
                        .find(|(v, _)| fold(v) == folded)
                        .map(|(_, o)| *o);
                    // Bounded: a log of distinct unknown values must not
                    // make memory grow with its length.
                    if self.outcomes.len() < 1024 {
                        self.outcomes.insert(t.to_owned(), o);
                    }
                    o
                }
            },
            _ => None,
        };
        if outcome.is_none() {
            let kind = match cell {
                Cell::Text(t) => std::borrow::Cow::Owned(format!("outcome {}", fold(t))),
                _ => "empty-outcome".into(),
            };
            let settings = self.settings;
            self.problems.add(col, kind, row.pos(col), || {
                format!(
                    "outcome {} is not in the recipe's `outcomes` ({}): add it to one of them",
                    describe(cell),
                    listed(settings)
                )
            });
        }
        outcome
    }

    /// The seconds in column `col` (`what`: wait or handle), `None` when
    /// the log has no such column or the cell is empty; `Err`, with a
    /// problem noted, when the cell is not a time or is empty where it is
    /// `needed`.
    fn seconds(
        &mut self,
        row: &Row<'_>,
        col: Option<usize>,
        needed: bool,
        what: &'static str,
    ) -> Result<Option<f64>, ()> {
        let Some(col) = col else {
            return Ok(None);
        };
        match row.cell(col) {
            Cell::Empty if needed => {
                self.problems.add(col, what, row.pos(col), || {
                    format!("the {what} time of an answered contact is empty")
                });
                Err(())
            }
            Cell::Empty => Ok(None),
            cell => match seconds_of(cell, &self.dialect) {
                Ok(s) => Ok(Some(s)),
                Err(m) => {
                    self.problems.add(col, "seconds", row.pos(col), || m);
                    Err(())
                }
            },
        }
    }

    /// The row's combination of dimension values, as an index into
    /// `combo_dims`: found again by the cells' bytes, and made into
    /// (dimension, value) pairs only the first time.
    fn combo(&mut self, row: &Row<'_>) -> u32 {
        self.key.clear();
        for (i, _) in &self.layout.dimensions {
            let owned;
            let text = match row.cell(*i) {
                Cell::Text(t) => t,
                Cell::Empty => "",
                Cell::Number(n) => {
                    owned = format_number(n);
                    owned.as_str()
                }
                other => {
                    owned = describe(other);
                    owned.as_str()
                }
            };
            // The length first: no cell text can make two keys alike.
            self.key.extend_from_slice(&text.len().to_le_bytes());
            self.key.extend_from_slice(text.as_bytes());
        }
        if let Some(&c) = self.combos.get(self.key.as_slice()) {
            return c;
        }
        let mut dims: Dims = Vec::new();
        let mut at = 0;
        for (_, name) in &self.layout.dimensions {
            let len = usize::from_le_bytes(self.key[at..at + 8].try_into().unwrap_or_default());
            let value = String::from_utf8_lossy(&self.key[at + 8..at + 8 + len]).into_owned();
            at += 8 + len;
            if !value.is_empty() {
                dims.push((name.clone(), value));
            }
        }
        dims.sort();
        dims.dedup_by(|a, b| a.0 == b.0);
        let c = self.combo_dims.len() as u32;
        self.combo_dims.push(dims);
        self.combos.insert(self.key.clone(), c);
        c
    }
}
