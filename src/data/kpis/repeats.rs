//! Rows of the plan's KPI files that repeat one another: the same date
//! (and time of day), metric and dimension values in two rows, as a second,
//! overlapping export makes them (issue 17). Such rows would count their
//! volumes twice in every sum and weighted mean, so each is an error that
//! names both places. Layer 1 (records), a part of [`super`]: the check
//! runs as the series are put in date order once every file is in.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::{Kpis, Metric, Obs};
use crate::diag::{Diagnostics, Pos};

/// Where the observations of each series came from, kept only while the
/// files are read: the check for repeated rows needs each observation's
/// file and time of day, which the rest of the build does not.
#[derive(Debug, Default, Clone)]
pub(super) struct Origin {
    /// The files read, in path order.
    pub(super) files: Vec<String>,
    /// Per metric: where each file's observations start in its series, with
    /// the file's index, in order.
    pub(super) runs: BTreeMap<String, Vec<(usize, u32)>>,
    /// Per metric with rows dated with a time of day (interval exports):
    /// each observation's [`time_of_day`]. A metric with dates alone has
    /// none, and costs nothing.
    pub(super) times: BTreeMap<String, Vec<u32>>,
}

/// Two observations of one metric on the same date (and time of day) with
/// the same dimension values, from two rows: overlapping exports, whose
/// volumes would be counted twice. Each row is an index into
/// [`Overlaps::files`] and the ordinal of the observation among those of
/// its metric in that file, which a second reading turns into its line
/// ([`lines_of`](super::lines_of)).
///
/// Compact, since a whole export read twice repeats every observation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Overlap {
    /// An index into [`Overlaps::metrics`].
    pub metric: u32,
    /// The row read first (in path, then line order).
    pub first: (u32, u32),
    /// The row that repeats it.
    pub again: (u32, u32),
    /// One of the two rows is for the whole day and the other for a time of it.
    pub day_and_time: bool,
}

/// The repeated rows [`Kpis::sort`] found.
#[derive(Debug, Default)]
pub(crate) struct Overlaps {
    pub files: Vec<String>,
    /// The metric ids [`Overlap::metric`] indexes.
    pub metrics: Vec<String>,
    pub found: Vec<Overlap>,
}

impl Kpis {
    /// Puts every series in date order, once all files are read, and finds
    /// the rows that repeat another's date (and time of day), metric and
    /// dimension values (issue 17: a second, overlapping export doubled the
    /// weekly volumes in silence).
    ///
    /// The check costs one pass over each sorted series, with no set of
    /// all rows: within the observations of one date, each combination of
    /// dimension values is stamped with the date's run and the last time
    /// of day seen. Rows of a combination whose times only increase (an
    /// interval export: one agent's rows hour by hour) repeat nothing; only
    /// a date where a combination comes again at a time not later than its
    /// last, or for the whole day, is sorted by dimensions and time to find
    /// the repeats, if any.
    pub(crate) fn sort(&mut self) -> Overlaps {
        let origin = std::mem::take(&mut self.origin);
        let mut found = Vec::new();
        let mut stamps = vec![(usize::MAX, 0u32); self.dims.len()];
        let mut scratch = Vec::new();
        let mut day = 0;
        let metrics: Vec<String> = self.series.keys().cloned().collect();
        for (m, (metric, obs)) in self.series.iter_mut().enumerate() {
            // Stable: rows of one date keep their file order. Most series
            // come in date order already (files by period, read in path
            // order), and need no new order at all.
            let order: Option<Vec<u32>> = (!obs.is_sorted_by_key(|o| o.date)).then(|| {
                let mut order: Vec<u32> = (0..obs.len() as u32).collect();
                order.sort_by_key(|&i| obs[i as usize].date);
                order
            });
            let mut times = origin
                .times
                .get(metric)
                .map(|t| Cow::Borrowed(t.as_slice()));
            if let Some(order) = &order {
                *obs = order.iter().map(|&i| obs[i as usize]).collect();
                times = times.map(|t| Cow::Owned(order.iter().map(|&i| t[i as usize]).collect()));
            }
            // Where an observation was before the sort, in file order.
            let before = |p: usize| order.as_ref().map_or(p, |o| o[p] as usize);
            let runs = origin.runs.get(metric).map_or(&[][..], Vec::as_slice);
            // The file of an observation (by its index before the sort)
            // and its ordinal among the file's observations of the metric.
            let place_of = |i: usize| {
                let r = runs
                    .partition_point(|&(start, _)| start <= i)
                    .saturating_sub(1);
                let (start, file) = runs.get(r).copied().unwrap_or((0, 0));
                (file, (i - start) as u32)
            };
            let time = |p: usize| times.as_deref().map_or(0, |t| t[p]);
            let mut start = 0;
            for run in obs.chunk_by(|a, b| a.date == b.date) {
                day += 1;
                let mut stamp = |o: &Obs, time: u32| {
                    let (stamp, last) = &mut stamps[o.dims as usize];
                    let again = *stamp == day && (*last == 0 || time <= *last);
                    (*stamp, *last) = (day, time);
                    again
                };
                // Stops at the first sign of a repeat: the run is then
                // looked at whole, and the stamps of the next are new.
                let repeat = match times.as_deref() {
                    None => run.iter().any(|o| stamp(o, 0)),
                    Some(t) => run.iter().zip(&t[start..]).any(|(o, &t)| stamp(o, t)),
                };
                if repeat {
                    scratch.clear();
                    scratch.extend(
                        (start..start + run.len()).map(|p| (obs[p].dims, time(p), before(p))),
                    );
                    repeats(&mut scratch, |first, again, day_and_time| {
                        found.push(Overlap {
                            metric: m as u32,
                            first: place_of(first),
                            again: place_of(again),
                            day_and_time,
                        });
                    });
                }
                start += run.len();
            }
            // Grown by doubling while the files were read.
            obs.shrink_to_fit();
        }
        Overlaps {
            files: origin.files,
            metrics,
            found,
        }
    }
}

impl Origin {
    /// Takes in where a file's observations of `metric`, now at
    /// `start..end` of its series, came from: `runs` and `times` of the
    /// file as read on its own, whose files are numbered from `first_file`.
    pub(super) fn note(
        &mut self,
        metric: &str,
        (start, end): (usize, usize),
        first_file: u32,
        runs: &mut BTreeMap<String, Vec<(usize, u32)>>,
        times: &mut BTreeMap<String, Vec<u32>>,
    ) {
        let into = self.runs.entry(metric.to_owned()).or_default();
        for (at, file) in runs.remove(metric).unwrap_or_default() {
            into.push((start + at, first_file + file));
        }
        match (self.times.get_mut(metric), times.remove(metric)) {
            (Some(all), Some(part)) => all.extend(part),
            (Some(all), None) => all.resize(end, 0),
            (None, Some(part)) => {
                let mut all = vec![0; start];
                all.extend(part);
                self.times.insert(metric.to_owned(), all);
            }
            (None, None) => {}
        }
    }
}

/// The repeats among the observations of one date: `rows` holds each one's
/// dimensions, [`time_of_day`] and index (in file order). Two rows repeat
/// each other when their dimensions are the same and so are their times,
/// or one of them is for the whole day (time 0). `found` is told each row
/// that repeats an earlier one, with the earliest such row.
fn repeats(rows: &mut [(u32, u32, usize)], mut found: impl FnMut(usize, usize, bool)) {
    rows.sort_unstable();
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        if group.len() < 2 {
            continue;
        }
        // The earliest row of the whole day, and the earliest of all
        // with its time.
        let whole_day = group.iter().filter(|r| r.1 == 0).map(|r| r.2).min();
        let (earliest, earliest_time) = group
            .iter()
            .map(|r| (r.2, r.1))
            .min()
            .unwrap_or((usize::MAX, 0));
        for same in group.chunk_by(|a, b| a.1 == b.1) {
            // Sorted by index within one time: the first is the earliest.
            let first_at_time = same[0].2;
            for &(_, time, i) in same {
                let (partner, day_and_time) = if time == 0 {
                    (earliest, earliest_time != 0)
                } else {
                    let of_time = (first_at_time < i).then_some(first_at_time);
                    match (of_time, whole_day) {
                        (Some(t), Some(d)) if d < t => (d, true),
                        (Some(t), _) => (t, false),
                        (None, Some(d)) => (d, true),
                        (None, None) => continue,
                    }
                };
                if partner < i {
                    found(partner, i, day_and_time);
                }
            }
        }
    }
}

/// How many repeated rows of one file are reported one by one for each
/// file they repeat; the rest are counted in one more problem, so that a
/// whole export read twice is a few lines, not a million.
const REPEATS_SHOWN: usize = 3;

/// The problems of the repeated rows [`Kpis::sort`] found: each at the
/// row that repeats another, naming both places. `lines` reads a file of
/// the plan again for the lines of its observations ([`lines_of`](super::lines_of)).
pub(crate) fn overlap_problems(
    overlaps: &Overlaps,
    metrics: &[Metric],
    mut lines: impl FnMut(&str) -> Vec<Vec<u32>>,
) -> Diagnostics {
    let mut files: BTreeMap<u32, Vec<Vec<u32>>> = BTreeMap::new();
    for o in &overlaps.found {
        for file in [o.first.0, o.again.0] {
            files.entry(file).or_insert_with(|| {
                lines(overlaps.files.get(file as usize).map_or("", String::as_str))
            });
        }
    }
    // By catalogue index, as `lines` has them.
    let in_catalogue: Vec<usize> = overlaps
        .metrics
        .iter()
        .map(|id| metrics.iter().position(|m| m.id == *id).unwrap_or(0))
        .collect();
    let line_of = |(file, nth): (u32, u32), metric: usize| {
        files
            .get(&file)
            .and_then(|l| l.get(metric))
            .and_then(|l| l.get(nth as usize))
            .copied()
            .unwrap_or(1)
    };
    // Sorted, these are grouped by pair of files, then by pair of rows,
    // whose metrics come in catalogue order.
    let mut rows: Vec<(u32, u32, u32, u32, usize, bool)> = overlaps
        .found
        .iter()
        .map(|o| {
            let metric = in_catalogue.get(o.metric as usize).copied().unwrap_or(0);
            let (line, first_line) = (line_of(o.again, metric), line_of(o.first, metric));
            (
                o.again.0,
                o.first.0,
                line,
                first_line,
                metric,
                o.day_and_time,
            )
        })
        .collect();
    rows.sort_unstable();
    let path = |file: u32| overlaps.files.get(file as usize).map_or("", String::as_str);
    let mut diags = Diagnostics::default();
    for pair in rows.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let (here, there) = (path(pair[0].0), path(pair[0].1));
        let total = pair.chunk_by(|a, b| (a.2, a.3) == (b.2, b.3)).count();
        for (k, row) in pair.chunk_by(|a, b| (a.2, a.3) == (b.2, b.3)).enumerate() {
            let (line, first_line) = (row[0].2 as usize, row[0].3);
            if k == REPEATS_SHOWN {
                let message = format!(
                    "and {} more rows of this file, from this one on, repeat rows of {there} (the same date, dimension values and metric): overlapping exports would be counted twice",
                    total - REPEATS_SHOWN
                );
                diags.error(here, Pos::new(line, 1), message);
                break;
            }
            let mut shared: Vec<usize> = row.iter().map(|r| r.4).collect();
            shared.dedup();
            let ids: Vec<String> = shared
                .iter()
                .map(|&m| format!("`{}`", metrics.get(m).map_or("", |m| m.id.as_str())))
                .collect();
            let named = match ids.as_slice() {
                [one] => format!("metric {one}"),
                [a, b] => format!("metrics {a} and {b}"),
                [a, b, c] => format!("metrics {a}, {b} and {c}"),
                [a, b, c, rest @ ..] => format!("metrics {a}, {b}, {c} and {} more", rest.len()),
                [] => "metric".to_owned(),
            };
            let day = if row.iter().any(|r| r.5) {
                "; a row for the whole day overlaps those for times of it"
            } else {
                ""
            };
            let message = format!(
                "this row repeats {there}:{first_line} (the same date, dimension values and {named}{day}): overlapping exports would be counted twice; remove one of the two"
            );
            diags.error(here, Pos::new(line, 1), message);
        }
    }
    diags
}

/// The time of day of a valid date cell, to the second, as 1 + seconds
/// since midnight, or 0 for a date alone: rows of an interval export
/// (`2026-09-30T08:00`, `2026-09-30T09:00`) share their date and are no
/// repeats of each other. The time is found at the cell's first `:`, so
/// that a file's own `date_format` (`30/09/2026 8:00`) keeps it too.
pub(super) fn time_of_day(cell: &str) -> u32 {
    let t = cell.as_bytes();
    let Some(colon) = memchr::memchr(b':', t) else {
        return 0;
    };
    let digit = |i: usize| {
        t.get(i)
            .filter(|d| d.is_ascii_digit())
            .map(|d| u32::from(d - b'0'))
    };
    let two = |i: usize| Some(digit(i)? * 10 + digit(i + 1)?);
    let hours = match (
        colon.checked_sub(2).and_then(digit),
        colon.checked_sub(1).and_then(digit),
    ) {
        (Some(tens), Some(units)) => tens * 10 + units,
        (None, Some(units)) => units,
        _ => return 0,
    };
    let Some(minutes) = two(colon + 1) else {
        return 0;
    };
    let seconds = match t.get(colon + 3) {
        Some(b':') => two(colon + 4).unwrap_or(0),
        _ => 0,
    };
    1 + hours * 3600 + minutes * 60 + seconds
}

#[cfg(test)]
mod tests {
    use super::super::tests::metric;
    use super::super::{lines_of, parse};
    use super::*;
    use crate::data::dialect::Dialect;

    /// The plan's KPI data from `files`, read in order, with the problems
    /// found, as `path:line: message`.
    fn load(files: &[(&str, &str)]) -> (Kpis, Vec<String>) {
        let metrics = [metric("sla"), metric("contacts")];
        let mut kpis = Kpis::default();
        let mut diags = Diagnostics::default();
        for (path, text) in files {
            let mut seen = crate::data::dates::Seen::default();
            let part = parse(
                path,
                text.as_bytes(),
                &Dialect::default(),
                (&metrics, &[]),
                &mut seen,
                &mut diags,
            );
            kpis.append(part);
        }
        let overlaps = kpis.sort();
        let text = |path: &str| {
            let (_, text) = files.iter().find(|(p, _)| *p == path).expect("a file");
            lines_of(path, text.as_bytes(), &Dialect::default(), (&metrics, &[]))
        };
        diags.append(overlap_problems(&overlaps, &metrics, text));
        let found = diags
            .sorted()
            .into_iter()
            .map(|d| format!("{}:{}: {}", d.file, d.line, d.message))
            .collect();
        (kpis, found)
    }

    #[test]
    fn times_of_day() {
        assert_eq!(time_of_day("2026-03-01"), 0);
        // A file's own date_format keeps its times too.
        assert_eq!(time_of_day("01/03/2026 8:05"), 1 + 8 * 3600 + 5 * 60);
        assert_eq!(
            time_of_day("01.03.2026 18:05:09"),
            1 + 18 * 3600 + 5 * 60 + 9
        );
        assert_eq!(time_of_day("2026-03-01T00:00"), 1);
        assert_eq!(time_of_day("2026-03-01 08:30"), 1 + 8 * 3600 + 30 * 60);
        assert_eq!(
            time_of_day("2026-03-01T08:30:15.250+02:00"),
            1 + 8 * 3600 + 30 * 60 + 15
        );
    }

    #[test]
    fn repeats_within_a_date() {
        let mut found = Vec::new();
        // (dims, time, index)
        let mut rows = [
            (1, 0, 0),
            (2, 0, 1),
            (1, 0, 4),
            (3, 10, 2),
            (3, 20, 3),
            (3, 10, 6),
            (3, 0, 7),
            (4, 30, 8),
            (4, 0, 9),
        ];
        repeats(&mut rows, |a, b, day| found.push((a, b, day)));
        found.sort_unstable();
        assert_eq!(
            found,
            [(0, 4, false), (2, 6, false), (2, 7, true), (8, 9, true)]
        );
    }

    /// Issue 17: an export of the same days read twice doubled the volumes.
    #[test]
    fn rows_that_repeat_others_are_placed_at_both_lines() {
        let (kpis, found) = load(&[
            (
                "b.csv",
                "date,channel,sla,contacts\n2026-03-02,voice,60,10\n2026-03-01,voice,61,11\n2026-03-01,chat,70,\n",
            ),
            (
                "c.csv",
                "date,channel,contacts\n2026-03-03,voice,5\n2026-03-04,chat,1\n2026-03-01,voice,11\n2026-03-01,chat,9\n",
            ),
        ]);
        assert_eq!(
            found,
            [
                "c.csv:4: this row repeats b.csv:3 (the same date, dimension values and metric `contacts`): overlapping exports would be counted twice; remove one of the two"
            ]
        );
        // Still in date order, file order kept within a date.
        let dates: Vec<String> = kpis
            .of("contacts")
            .iter()
            .map(|o| o.date.to_string())
            .collect();
        assert_eq!(
            dates,
            [
                "2026-03-01",
                "2026-03-01",
                "2026-03-01",
                "2026-03-02",
                "2026-03-03",
                "2026-03-04"
            ]
        );
        assert_eq!(kpis.of("contacts")[1].value, 11.0);
        assert!(kpis.origin.files.is_empty() && kpis.origin.runs.is_empty());
    }

    #[test]
    fn intervals_of_a_day_are_no_repeats() {
        let (_, found) = load(&[(
            "i.csv",
            "date,queue,contacts\n2026-03-01T08:00,a,1\n2026-03-01T09:00,a,2\n2026-03-01T08:00,b,3\n",
        )]);
        assert!(found.is_empty(), "{found:?}");
        let (_, found) = load(&[
            ("a.csv", "date,queue,contacts\n2026-03-01,a,3\n"),
            (
                "i.csv",
                "date,queue,contacts\n2026-03-01T08:00,a,1\n2026-03-01T09:00,a,2\n",
            ),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("i.csv:2: this row repeats a.csv:2 (the same date, dimension values and metric `contacts`; a row for the whole day overlaps those for times of it)"), "{found:?}");
    }

    #[test]
    fn many_repeats_are_counted_past_the_first_few() {
        let rows: String = (1..=9).map(|d| format!("2026-03-0{d},{d}\n")).collect();
        let text = format!("date,sla\n{rows}");
        let (_, found) = load(&[("a.csv", &text), ("b.csv", &text)]);
        assert_eq!(found.len(), REPEATS_SHOWN + 1, "{found:?}");
        assert_eq!(
            found[REPEATS_SHOWN],
            "b.csv:5: and 6 more rows of this file, from this one on, repeat rows of a.csv (the same date, dimension values and metric): overlapping exports would be counted twice"
        );
    }
}
