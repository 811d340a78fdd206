//! Dates far from the rest of the data: a typo such as `0001-01-02` or
//! `9026-01-02` in one row of a daily KPI file would otherwise stretch every
//! series, chart and period list across thousands of years (a 900 MB site
//! from one cell), with no word said.
//!
//! While the CSV files stream, each one notes where it first saw each
//! distinct date and how many rows carry it: a few thousand entries for
//! years of daily data, whatever the row count. Once every file is read,
//! the distinct dates are sorted; wherever two neighbours are more than
//! [`FAR_DAYS`] apart, the data falls in two, and every date on the side
//! with fewer rows is a problem at the first row that has it. No real plan
//! has a ten-year hole in its data, so this never fires on one.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::diag::{Diagnostics, Pos};

/// Ten years, in days: a gap in the data wider than this splits it.
pub const FAR_DAYS: i64 = 3653;

/// Where one file first has each of its dates, and how many rows do.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    dates: BTreeMap<Date, (Pos, u64)>,
    /// The last date noted, with its count not yet added: files are mostly
    /// in date order, so most rows only bump this.
    run: Option<(Date, Pos, u64)>,
}

impl Seen {
    /// Notes a row of `date` at `pos`.
    pub fn note(&mut self, date: Date, pos: Pos) {
        match &mut self.run {
            Some((d, _, n)) if *d == date => *n += 1,
            run => {
                if let Some((d, p, n)) = run.replace((date, pos, 1)) {
                    add(&mut self.dates, d, p, n);
                }
            }
        }
    }

    fn finish(mut self) -> BTreeMap<Date, (Pos, u64)> {
        if let Some((d, p, n)) = self.run.take() {
            add(&mut self.dates, d, p, n);
        }
        self.dates
    }
}

fn add(dates: &mut BTreeMap<Date, (Pos, u64)>, date: Date, pos: Pos, rows: u64) {
    let entry = dates.entry(date).or_insert((pos, 0));
    entry.1 += rows;
}

/// The dates of every CSV file of the plan, by file.
#[derive(Debug, Default)]
pub struct Spread {
    /// Per date: the first file (in reading order) and row that has it, and
    /// the rows of all files that do.
    dates: BTreeMap<Date, (usize, Pos, u64)>,
    files: Vec<String>,
}

impl Spread {
    /// Adds one file's dates; files are added in the order they are read.
    pub fn add(&mut self, file: &str, seen: Seen) {
        let f = self.files.len();
        self.files.push(file.to_owned());
        for (date, (pos, rows)) in seen.finish() {
            let entry = self.dates.entry(date).or_insert((f, pos, 0));
            entry.2 += rows;
        }
    }

    /// The earliest and latest dates of the rows, far ones included.
    pub fn range(&self) -> Option<(Date, Date)> {
        Some((
            *self.dates.first_key_value()?.0,
            *self.dates.last_key_value()?.0,
        ))
    }

    /// Reports every date far from the rest (see the module's doc) as an
    /// error at the first row that has it; says whether there was one.
    pub fn check(&self, diags: &mut Diagnostics) -> bool {
        let dates: Vec<(&Date, &(usize, Pos, u64))> = self.dates.iter().collect();
        // The data falls into groups at each wide gap; the group with the
        // most rows is the data, the others are far from it.
        let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
        let mut start = 0;
        for i in 1..=dates.len() {
            if i == dates.len() || days_between(*dates[i - 1].0, *dates[i].0) > FAR_DAYS {
                groups.push(start..i);
                start = i;
            }
        }
        let rows = |g: &std::ops::Range<usize>| dates[g.clone()].iter().map(|d| d.1.2).sum::<u64>();
        // The earliest of the largest, so that a tie is decided the same way every time.
        let Some(main) = groups
            .iter()
            .enumerate()
            .max_by_key(|(i, g)| (rows(g), std::cmp::Reverse(*i)))
            .map(|(_, g)| g.clone())
        else {
            return false;
        };
        let (first, last) = (*dates[main.start].0, *dates[main.end - 1].0);
        let mut found = false;
        for &(date, &(file, pos, n)) in dates[..main.start].iter().chain(&dates[main.end..]) {
            found = true;
            let side = if *date < first {
                format!("before the earliest other date, {first}")
            } else {
                format!("after the latest other date, {last}")
            };
            let more = match n {
                1 => String::new(),
                n => format!(" ({n} rows have it)"),
            };
            diags.error(
                &self.files[file],
                pos,
                format!(
                    "the date {date} is more than ten years {side}: a typo?{more} \
                     Dates this far from the rest would stretch every chart across the gap"
                ),
            );
        }
        found
    }
}

/// Whole days from `a` to `b`.
pub fn days_between(a: Date, b: Date) -> i64 {
    // In days, jiff's whole calendar range fits: the fallback is never taken.
    a.until(b)
        .map_or(i64::MAX, |span| i64::from(span.get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        text.parse().expect("a date")
    }

    fn spread(files: &[(&str, &[&str])]) -> Spread {
        let mut s = Spread::default();
        for (name, dates) in files {
            let mut seen = Seen::default();
            for (i, date) in dates.iter().enumerate() {
                seen.note(d(date), Pos::new(i + 2, 1));
            }
            s.add(name, seen);
        }
        s
    }

    fn problems(s: &Spread) -> Vec<String> {
        let mut diags = Diagnostics::default();
        s.check(&mut diags);
        diags
            .sorted()
            .into_iter()
            .map(|d| format!("{}:{}: {}", d.file, d.line, d.message))
            .collect()
    }

    #[test]
    fn a_typo_year_is_found_at_its_first_row() {
        let s = spread(&[
            (
                "a.csv",
                &["2026-01-01", "2026-01-02", "0001-01-02", "2026-01-03"],
            ),
            ("b.csv", &["2026-01-01", "0001-01-02", "9026-01-01"]),
        ]);
        let p = problems(&s);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(
            p[0].starts_with("a.csv:4: the date 0001-01-02 is more than ten years before the earliest other date, 2026-01-01: a typo? (2 rows have it)"),
            "{p:?}"
        );
        assert!(p[1].starts_with("b.csv:4: the date 9026-01-01 is more than ten years after the latest other date, 2026-01-03"), "{p:?}");
    }

    #[test]
    fn long_histories_and_one_date_are_fine() {
        let years: Vec<String> = (1990..=2026).map(|y| format!("{y}-06-01")).collect();
        let years: Vec<&str> = years.iter().map(String::as_str).collect();
        assert!(problems(&spread(&[("a.csv", &years)])).is_empty());
        assert!(problems(&spread(&[("a.csv", &["0001-01-01"])])).is_empty());
        assert!(problems(&spread(&[])).is_empty());
    }
}
