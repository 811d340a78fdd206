//! Closing the loop (issue 18): how many detractors were followed up with a
//! case, how fast the cases closed, and which are overdue, all-time up to
//! `as_of`, per trend period and per owner. A layer-3 module: pure
//! functions from the answers and cases to figures, no clock (`as_of`
//! stands in for today) and no text for the reader.
//!
//! A case opened after `as_of` is not counted, and one closed after it is
//! still open on `as_of`: the report says what was known that day.

use std::collections::{BTreeMap, HashSet};

use jiff::civil::{Date, DateTime};

use super::periods::{Length, Period};
use crate::config::FollowUp;
use crate::data::cases::Case;

/// The figures of a set of cases, and of the detractors they follow up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    /// Answers with an NPS score ≤ `detractor_max` and an id. `None` where
    /// detractors do not belong (an owner has cases, not answers).
    pub detractors: Option<usize>,
    pub cases: usize,
    /// % of the detractors with at least one case.
    pub coverage: Option<f64>,
    pub closed: usize,
    /// % of the closed cases closed within `close_within_days` days.
    pub closed_within_target: Option<f64>,
    pub median_days_to_close: Option<f64>,
    pub p90_days_to_close: Option<f64>,
    /// Open cases opened more than `close_within_days` days before `as_of`.
    pub overdue: usize,
    /// Cases by root cause, most first, then by name; cases without one
    /// are not counted here.
    pub root_causes: Vec<(String, usize)>,
}

/// An open case past its target on `as_of`.
#[derive(Debug, Clone, PartialEq)]
pub struct Overdue {
    pub id: String,
    pub owner: String,
    pub opened: Date,
    /// Whole days from its opening day to `as_of`.
    pub days_open: i64,
}

/// Every figure of the loop.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loop {
    pub all: Figures,
    /// Every trend period from the first case or detractor to the last, by
    /// label, oldest first.
    pub periods: Vec<(String, Figures)>,
    /// By owner, in name order.
    pub owners: Vec<(String, Figures)>,
    /// Longest open first, then by id.
    pub overdue: Vec<Overdue>,
    /// The plan has cases at all: without, the site says nothing of the loop.
    pub has_cases: bool,
}

/// A detractor: an answer's date and id.
pub type Detractor<'a> = (Date, &'a str);

/// The detractors among `answers` (date, NPS score, id) up to `as_of`.
pub fn detractors<'a>(
    answers: impl Iterator<Item = (Date, Option<u8>, &'a str)>,
    settings: FollowUp,
    as_of: Date,
) -> Vec<Detractor<'a>> {
    answers
        .filter(|&(date, nps, _)| date <= as_of && nps.is_some_and(|s| s <= settings.detractor_max))
        .map(|(date, _, id)| (date, id))
        .collect()
}

/// The loop's figures on `as_of`.
pub fn compute(
    detractors: &[Detractor<'_>],
    cases: &[Case],
    settings: FollowUp,
    length: Length,
    as_of: Date,
) -> Loop {
    let cases: Vec<&Case> = cases.iter().filter(|c| c.opened.date() <= as_of).collect();
    // A detractor of one period may be followed up in the next: a period's
    // coverage is of its detractors, by cases of any period.
    let followed: HashSet<&str> = cases
        .iter()
        .filter_map(|c| c.response_id.as_deref())
        .collect();
    let figures =
        |ds: Option<&[Detractor<'_>]>, cs: &[&Case]| figures(ds, cs, &followed, settings, as_of);
    let all = figures(Some(detractors), &cases);
    let mut by_period: BTreeMap<Period, (Vec<Detractor>, Vec<&Case>)> = BTreeMap::new();
    for &d in detractors {
        by_period
            .entry(Period::of(length, d.0))
            .or_default()
            .0
            .push(d);
    }
    for &c in &cases {
        let period = Period::of(length, c.opened.date());
        by_period.entry(period).or_default().1.push(c);
    }
    let mut periods = Vec::new();
    if let (Some(first), Some(last)) = (
        by_period.keys().next().copied(),
        by_period.keys().next_back().copied(),
    ) {
        // A case or answer dated decades back (a typo) would make the list
        // run over every day since: it starts ten years before `as_of` at
        // most, and the figures above still count them.
        let far =
            super::periods::from_days(super::periods::days(as_of) - crate::data::dates::FAR_DAYS);
        let mut p = first.max(Period::of(length, far));
        while p <= last {
            let (ds, cs) = by_period.remove(&p).unwrap_or_default();
            periods.push((p.label(), figures(Some(&ds), &cs)));
            p = p.next();
        }
    }
    let mut by_owner: BTreeMap<&str, Vec<&Case>> = BTreeMap::new();
    for &c in &cases {
        by_owner.entry(&c.owner).or_default().push(c);
    }
    let owners = by_owner
        .into_iter()
        .map(|(owner, cs)| (owner.to_owned(), figures(None, &cs)))
        .collect();
    let mut overdue: Vec<Overdue> = cases
        .iter()
        .filter(|c| is_overdue(c, settings, as_of))
        .map(|c| Overdue {
            id: c.id.clone(),
            owner: c.owner.clone(),
            opened: c.opened.date(),
            days_open: days_between(c.opened.date(), as_of),
        })
        .collect();
    overdue.sort_by(|a, b| (b.days_open, &a.id).cmp(&(a.days_open, &b.id)));
    Loop {
        all,
        periods,
        owners,
        overdue,
        has_cases: !cases.is_empty(),
    }
}

/// The figures of `cases` (all opened by `as_of`), with the detractors
/// they are measured against when there are any to measure.
fn figures(
    detractors: Option<&[Detractor<'_>]>,
    cases: &[&Case],
    followed: &HashSet<&str>,
    settings: FollowUp,
    as_of: Date,
) -> Figures {
    let coverage = detractors.and_then(|ds| {
        let covered = ds.iter().filter(|(_, id)| followed.contains(id)).count();
        percent(covered, ds.len())
    });
    let mut days: Vec<f64> = cases
        .iter()
        .filter_map(|c| closed_by(c, as_of).map(|closed| days_to_close(c.opened, closed)))
        .collect();
    days.sort_by(f64::total_cmp);
    let target = f64::from(settings.close_within_days);
    let within = days.iter().filter(|&&d| d <= target).count();
    let mut causes: BTreeMap<&str, usize> = BTreeMap::new();
    for c in cases {
        if let Some(cause) = &c.root_cause {
            *causes.entry(cause).or_default() += 1;
        }
    }
    let mut root_causes: Vec<(String, usize)> =
        causes.into_iter().map(|(c, n)| (c.to_owned(), n)).collect();
    root_causes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Figures {
        detractors: detractors.map(<[_]>::len),
        cases: cases.len(),
        coverage,
        closed: days.len(),
        closed_within_target: percent(within, days.len()),
        median_days_to_close: quantile(&days, 0.5),
        p90_days_to_close: quantile(&days, 0.9),
        overdue: cases
            .iter()
            .filter(|c| is_overdue(c, settings, as_of))
            .count(),
        root_causes,
    }
}

/// When a case closed, if it had by the end of `as_of`.
fn closed_by(case: &Case, as_of: Date) -> Option<DateTime> {
    case.closed.filter(|closed| closed.date() <= as_of)
}

/// Whether a case is open on `as_of` more than `close_within_days` days
/// after the day it opened.
pub fn is_overdue(case: &Case, settings: FollowUp, as_of: Date) -> bool {
    closed_by(case, as_of).is_none()
        && case.opened.date() <= as_of
        && days_between(case.opened.date(), as_of) > i64::from(settings.close_within_days)
}

/// (closed − opened) in days, as a fraction.
pub fn days_to_close(opened: DateTime, closed: DateTime) -> f64 {
    let seconds = opened.duration_until(closed).as_secs_f64();
    seconds / 86_400.0
}

fn days_between(a: Date, b: Date) -> i64 {
    super::periods::days(b) - super::periods::days(a)
}

/// `part` as a percentage of `whole`; none of nothing.
fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64 * 100.0)
}

/// The `q` quantile of sorted values by linear interpolation between the
/// two nearest ranks, as numpy's default (`method="linear"`).
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(last);
    let (a, b) = (sorted[lo.min(last)], sorted[hi]);
    Some(a + (h - lo as f64) * (b - a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn case(id: &str, opened: DateTime, closed: Option<DateTime>, owner: &str) -> Case {
        Case {
            id: id.to_owned(),
            opened,
            closed,
            owner: owner.to_owned(),
            response_id: None,
            root_cause: None,
        }
    }

    #[test]
    fn quantiles_interpolate_as_numpy_does() {
        // numpy.quantile([1, 2, 3, 4], [0.5, 0.9]) == [2.5, 3.7]
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), Some(2.5));
        assert!((quantile(&v, 0.9).unwrap_or(0.0) - 3.7).abs() < 1e-12);
        assert_eq!(quantile(&[5.0], 0.9), Some(5.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn no_cases_gives_the_detractors_and_no_coverage_of_them() {
        let ds = [(date(2026, 3, 2), "a1")];
        let l = compute(
            &ds,
            &[],
            FollowUp::default(),
            Length::Week,
            date(2026, 3, 9),
        );
        assert!(!l.has_cases);
        assert_eq!(l.all.detractors, Some(1));
        assert_eq!(l.all.coverage, Some(0.0));
        assert_eq!(l.all.closed_within_target, None);
        assert_eq!(l.all.median_days_to_close, None);
        assert_eq!(l.periods.len(), 1);
    }

    #[test]
    fn all_open_cases_are_overdue_past_the_target_only() {
        let as_of = date(2026, 3, 10);
        let cases = [
            case("c1", date(2026, 3, 7).at(23, 0, 0, 0), None, "ana"),
            case("c2", date(2026, 3, 8).at(0, 0, 0, 0), None, "luis"),
            // Closed after `as_of`: still open that day.
            case(
                "c3",
                date(2026, 3, 1).at(9, 0, 0, 0),
                Some(date(2026, 3, 11).at(9, 0, 0, 0)),
                "ana",
            ),
            // Opened after `as_of`: not counted.
            case("c4", date(2026, 3, 11).at(9, 0, 0, 0), None, "ana"),
        ];
        let l = compute(&[], &cases, FollowUp::default(), Length::Week, as_of);
        assert_eq!(l.all.cases, 3);
        assert_eq!(l.all.closed, 0);
        assert_eq!(l.all.overdue, 2, "3 and 9 days open; 2 days is on target");
        assert_eq!(l.all.coverage, None);
        let ids: Vec<&str> = l.overdue.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["c3", "c1"]);
        assert_eq!(l.owners[0].0, "ana");
        assert_eq!(l.owners[0].1.overdue, 2);
        assert_eq!(l.owners[0].1.detractors, None);
    }

    #[test]
    fn a_case_decades_back_lists_ten_years_of_periods_at_most() {
        let cases = [case("c1", date(1900, 1, 1).at(0, 0, 0, 0), None, "ana")];
        let l = compute(
            &[],
            &cases,
            FollowUp::default(),
            Length::Day,
            date(2026, 3, 9),
        );
        assert!(l.periods.len() <= 3700, "{}", l.periods.len());
        assert_eq!(l.all.overdue, 1);
    }

    #[test]
    fn days_to_close_are_fractions_of_days() {
        let opened = date(2026, 3, 2).at(0, 0, 0, 0);
        let closed = date(2026, 3, 4).at(12, 0, 0, 0);
        assert_eq!(days_to_close(opened, closed), 2.5);
        let mut c = case("c1", opened, Some(closed), "ana");
        c.response_id = Some("a1".into());
        c.root_cause = Some("billing".into());
        let ds = [(date(2026, 3, 1), "a1"), (date(2026, 3, 1), "a2")];
        let l = compute(
            &ds,
            &[c],
            FollowUp::default(),
            Length::Week,
            date(2026, 3, 9),
        );
        assert_eq!(l.all.coverage, Some(50.0));
        assert_eq!(l.all.closed_within_target, Some(0.0), "2.5 days > 2");
        assert_eq!(l.all.root_causes, [("billing".to_owned(), 1)]);
        let labels: Vec<&str> = l.periods.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(labels, ["2026-W09", "2026-W10"]);
    }
}
