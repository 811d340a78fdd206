//! Contact logs (`kind = "contacts"`): one row per call or chat, with its
//! day, wait, handle time and outcome, aggregated into daily KPI rows per
//! date and mapped dimension values.
//!
//! Layer 1 (records). The log is streamed: what is kept is one tally per
//! day and combination of dimension values, never the contacts, so memory
//! grows with days × dimension values and not with the log's length. Only
//! the mapped columns are read, so names, phone numbers and the like in
//! the log never reach the output.
//!
//! Each figure is written with the weight that makes the build's roll-up of
//! a week or a month (a `weight`-weighted mean, see `analytics::series`)
//! equal the figure computed over all of the period's contacts at once:
//! service level and abandon rate are weighted by the contacts offered,
//! ASA and AHT by the contacts answered; `offered` is a count, summed.

use jiff::civil::Date;

use super::Metric;
use super::definitions::Count;
use super::dialect::{Resolved, TimeUnit};
use super::export::{Cell, Export};
use super::imported::{Read, describe, match_columns};
use super::recipe::{Contacts, Figure, Outcome, Recipe, outcome_name};
use crate::diag::Diagnostics;

mod log;

use log::{Layout, Log};

/// The counts of one day and combination of dimension values, as
/// `definitions::Count` names them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally([f64; Count::ALL.len()]);

impl Tally {
    pub fn get(&self, count: Count) -> f64 {
        self.0[count as usize]
    }

    /// Adds a counted contact to every count it is in.
    pub fn add(&mut self, outcome: Outcome, wait: Option<f64>, handle: Option<f64>, sl: f64) {
        for count in Count::ALL {
            if count.over().holds(outcome, wait, sl) {
                self.0[count as usize] += count.adds().of(wait, handle);
            }
        }
    }

    /// A figure's value (times in seconds) and weight, or `None` when it
    /// has no contacts to be computed over.
    pub fn figure(&self, figure: Figure) -> Option<(f64, f64)> {
        let d = figure.definition();
        let sum = |counts: &[Count]| counts.iter().map(|c| self.get(*c)).sum::<f64>();
        let numerator = sum(d.numerator);
        if d.denominator.is_empty() {
            return Some((d.scale * numerator, 1.0));
        }
        let denominator = sum(d.denominator);
        (denominator > 0.0).then(|| (d.scale * numerator / denominator, denominator))
    }
}

/// A figure the recipe writes: into which metric, and the seconds in that
/// metric's unit (1 for figures that are no time).
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub figure: Figure,
    pub metric: String,
    pub per: f64,
}

/// The recipe's figures with their metrics from the catalogue; `None`
/// (each problem reported at its place in `config_path`) when a metric is
/// unknown, or a time's metric has no unit of time.
pub fn outputs(
    recipe: &Recipe,
    settings: &Contacts,
    metrics: &[Metric],
    config_path: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<Output>> {
    let mut outputs = Vec::new();
    for (figure, id, pos) in &settings.metrics {
        let Some(metric) = metrics.iter().find(|m| &m.id == id) else {
            let hint = crate::diag::hint(id, metrics.iter().map(|m| m.id.as_str()));
            diags.error(
                config_path,
                *pos,
                format!(
                    "unknown metric `{id}` in `metrics` of [import.{}]{hint}",
                    recipe.name
                ),
            );
            continue;
        };
        let per = if figure.definition().time {
            match TimeUnit::of(&metric.unit) {
                Some(unit) => unit.seconds(),
                None => {
                    diags.error(
                        config_path,
                        *pos,
                        format!(
                            "`{}` is a time, but the metric `{id}` has unit {:?}: give it a unit of time (\"s\", \"min\" or \"h\") in data/metrics.toml",
                            figure.key(),
                            metric.unit
                        ),
                    );
                    continue;
                }
            }
        } else {
            1.0
        };
        outputs.push(Output {
            figure: *figure,
            metric: id.clone(),
            per,
        });
    }
    (outputs.len() == settings.metrics.len()).then_some(outputs)
}

/// Reads a contact log into daily rows of the recipe's metrics.
pub fn read(
    export: Export,
    recipe: &Recipe,
    settings: &Contacts,
    metrics: &[Metric],
    config_path: &str,
    diags: &mut Diagnostics,
) -> Read {
    let mut read = Read::default();
    let outputs = outputs(recipe, settings, metrics, config_path, diags);
    let Some(targets) = match_columns(&export, recipe, config_path, diags) else {
        return read;
    };
    let Some(outputs) = outputs else {
        return read;
    };
    let Some(layout) = Layout::new(&export.header, &targets, &outputs, &mut read.left_out) else {
        // The recipe's own check makes sure of a date and an outcome.
        return read;
    };
    let path = export.path.clone();
    let mut log = Log::new(&layout, settings, export.dialect.clone());
    export.rows(diags, |row, _| {
        read.rows_read += 1;
        if let Some(why) = log.add(row) {
            *read.dropped.entry(why).or_default() += 1;
        }
    });
    log.problems.report(&path, diags);
    for ((date, combo), tally) in log.tallies {
        let dims = log
            .combo_dims
            .get(combo as usize)
            .cloned()
            .unwrap_or_default();
        for o in &outputs {
            if let Some((value, weight)) = tally.figure(o.figure) {
                read.rows
                    .groups
                    .entry((date, dims.clone()))
                    .or_default()
                    .insert(o.metric.clone(), (value / o.per, weight));
            }
        }
    }
    read
}

/// The day of the last ISO date-time read, by its text without the
/// seconds: a log in time order has many contacts a minute, and reading
/// each one's instant and zone took more than the rest of its row.
#[derive(Default)]
struct Minute {
    /// `2026-10-01T08:00` and what follows the seconds (`Z`, `+02:00`).
    text: Option<(String, String)>,
    day: Date,
}

impl Minute {
    /// The day of `cell` when it is in the same minute, written the same
    /// way, as the one kept.
    fn day(&self, cell: &str) -> Option<Date> {
        let (minute, rest) = self.text.as_ref()?;
        let (m, r) = split_seconds(cell)?;
        (m == minute && r == rest).then_some(self.day)
    }

    /// Keeps the day of `cell`, when every instant of its minute falls on
    /// that day: always without a zone (the day is as written), and in a
    /// zone whose offset then is whole minutes (all of today's).
    fn keep(&mut self, cell: &str, day: Date, zone: Option<&jiff::tz::TimeZone>) {
        let whole_minutes = match zone {
            None => true,
            Some(zone) => cell
                .parse::<jiff::Timestamp>()
                .is_ok_and(|ts| zone.to_offset(ts).seconds() % 60 == 0),
        };
        self.text = split_seconds(cell)
            .filter(|_| whole_minutes)
            .map(|(m, r)| (m.to_owned(), r.to_owned()));
        self.day = day;
    }
}

/// `2026-10-01T08:00:05Z` as `2026-10-01T08:00` and `Z`: the text before
/// the seconds and after them.
fn split_seconds(cell: &str) -> Option<(&str, &str)> {
    let b = cell.as_bytes();
    let seconds = b.get(17..19)?;
    (b.get(13) == Some(&b':') && b.get(16) == Some(&b':') && seconds.iter().all(u8::is_ascii_digit))
        .then(|| (&cell[..16], &cell[19..]))
}

/// A wait or handle time in seconds: a number of seconds, `h:mm:ss`, or a
/// spreadsheet's duration.
fn seconds_of(cell: Cell<'_>, dialect: &Resolved) -> Result<f64, String> {
    let not_time =
        |t: &str| format!("{t:?} is neither a number of seconds nor a duration such as 0:01:05");
    let s = match cell {
        Cell::Number(n) => n,
        Cell::Duration(s) => s,
        Cell::Text(t) => match hms(t) {
            Some(s) => s,
            None => match dialect.value(t, Some(TimeUnit::Seconds)) {
                Ok(Some(s)) => s,
                _ => return Err(not_time(t)),
            },
        },
        other => return Err(format!("{} is not a time", describe(other))),
    };
    if (0.0..=super::LARGEST).contains(&s) {
        Ok(s)
    } else {
        Err(format!("{s} is not a time: a time is 0 seconds or more"))
    }
}

/// `h:mm:ss` with no fraction (`0:05:32`), the form contact logs write
/// handle times in, read without allocating: on millions of rows
/// `dialect::duration_seconds`, which reads every form, took a tenth of the
/// import's time. Anything else is left to it (`None`).
fn hms(cell: &str) -> Option<f64> {
    let b = cell.as_bytes();
    let n = b.len();
    if !(7..=9).contains(&n) || b[n - 3] != b':' || b[n - 6] != b':' {
        return None;
    }
    let digit = |i: usize| b[i].is_ascii_digit().then(|| u32::from(b[i] - b'0'));
    let hours = b[..n - 6].iter().try_fold(0u32, |h, &c| {
        c.is_ascii_digit().then(|| h * 10 + u32::from(c - b'0'))
    })?;
    let minutes = digit(n - 5)? * 10 + digit(n - 4)?;
    let seconds = digit(n - 2)? * 10 + digit(n - 1)?;
    (minutes < 60 && seconds < 60).then(|| f64::from(hours * 3600 + minutes * 60 + seconds))
}

/// The recipe's outcomes as a message lists them.
fn listed(settings: &Contacts) -> String {
    let mut parts = Vec::new();
    for o in [Outcome::Answered, Outcome::Abandoned, Outcome::Ignored] {
        let values: Vec<String> = settings
            .outcomes
            .iter()
            .filter(|(_, x)| *x == o)
            .map(|(v, _)| format!("{v:?}"))
            .collect();
        if !values.is_empty() {
            parts.push(format!("{}: {}", outcome_name(o), values.join(", ")));
        }
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h_mm_ss_reads_as_the_dialect_reads_it() {
        for cell in ["0:05:32", "12:00:00", "999:59:59", "1:02:03", "00:00:00"] {
            assert_eq!(
                hms(cell),
                crate::data::dialect::duration_seconds(cell),
                "{cell}"
            );
            assert!(hms(cell).is_some(), "{cell}");
        }
        for cell in [
            "5:32",
            "0:60:00",
            "0:05:61",
            "a:05:32",
            "0:5:32",
            "1:02:03.5",
            "",
            "-1:00:00",
        ] {
            assert_eq!(hms(cell), None, "{cell}");
        }
    }

    #[test]
    fn figures_weigh_by_what_they_are_over() {
        let mut t = Tally::default();
        for (outcome, wait) in [
            (Outcome::Answered, 5.0),
            (Outcome::Answered, 10.0),
            (Outcome::Answered, 15.0),
            (Outcome::Abandoned, 40.0),
        ] {
            t.add(outcome, Some(wait), Some(200.0), 12.0);
        }
        assert_eq!(t.figure(Figure::Offered), Some((4.0, 1.0)));
        assert_eq!(t.figure(Figure::ServiceLevel), Some((50.0, 4.0)));
        assert_eq!(t.figure(Figure::AbandonRate), Some((25.0, 4.0)));
        assert_eq!(t.figure(Figure::Asa), Some((10.0, 3.0)));
        assert_eq!(t.get(Count::Handle), 600.0);
        assert_eq!(t.figure(Figure::Aht), Some((200.0, 3.0)));
        assert_eq!(Tally::default().figure(Figure::Asa), None);
        assert_eq!(Tally::default().figure(Figure::Offered), Some((0.0, 1.0)));
    }
}
