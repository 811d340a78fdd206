//! Key results on simulated series: statuses that do not flip on noise,
//! `done` that stays done, and real moves still seen.

use jiff::ToSpan;
use jiff::civil::{Date, date};

use super::*;
use crate::analytics::periods::Length;
use crate::data::Filter;
use crate::rng::Rng;

/// Key results per simulation.
const KRS: usize = 400;
/// A Monday: the OKR period starts here and runs 26 weeks.
const START: Date = date(2026, 7, 6);
/// Weekly means of daily AR(1) noise (φ = 0.5, sd 1) have an sd of about
/// 0.59: √(Σᵢⱼ 0.5^|i−j|) / 7.
const WEEKLY_SD: f64 = 0.59;

fn key_result(baseline: f64, target: f64) -> KeyResult {
    KeyResult {
        id: "kr".into(),
        title: "KR".into(),
        owner: "ops".into(),
        deadline: START + 181.days(),
        baseline,
        target,
        metric: Some("m".into()),
        filter: Filter::default(),
        current: None,
    }
}

/// Daily AR(1) noise around `level`, from 12 weeks before the start for
/// `weeks` weeks in all, `shift` added to the last `shifted` weeks; rolled
/// up into weekly points.
fn weeks(rng: &mut Rng, level: f64, weeks: i64, shift: f64, shifted: i64) -> Vec<Point> {
    let first = START - 84.days();
    let mut x = rng.normal();
    (0..weeks)
        .map(|w| {
            let mut sum = 0.0;
            for _ in 0..7 {
                x = 0.5 * x + 0.75f64.sqrt() * rng.normal();
                sum += x;
            }
            let moved = if w >= weeks - shifted { shift } else { 0.0 };
            Point {
                period: Period::of(Length::Week, first + (7 * w).days()),
                value: Some(level + sum / 7.0 + moved),
                n: 7,
            }
        })
        .collect()
}

/// Statuses of `KRS` flat key results at 8 consecutive weekly `as_of`
/// dates, `offset` days after a Sunday; with `old`, as they were read
/// from the latest period alone.
fn statuses(seed: u64, offset: i64, old: bool) -> Vec<[KrStatus; 8]> {
    let mut rng = Rng::new(seed);
    (0..KRS)
        .map(|_| {
            let gap = 1.0 + 5.0 * rng.unit();
            let kr = key_result(50.0, 50.0 + gap);
            let level = 50.0 + 1.3 * gap * rng.unit();
            // Up to the 18th week of the period: enough for every as_of.
            let all = weeks(&mut rng, level, 12 + 18, 0.0, 0);
            std::array::from_fn(|i| {
                // Sundays 10 to 17 weeks in, plus the offset.
                let as_of = START + (7 * (10 + i as i64) - 1 + offset).days();
                let points: Vec<Point> = all
                    .iter()
                    .copied()
                    .filter(|p| p.period.start() <= as_of)
                    .collect();
                if old {
                    let current = kpi::current(&points).map(|(_, v)| v);
                    let progress = current.map(|c| scoring::progress(50.0, kr.target, c));
                    let done = progress.is_some_and(|p| p >= 1.0);
                    let expected = scoring::expected(START, kr.deadline, as_of);
                    scoring::kr_status(progress, done, expected, kr.deadline, as_of)
                } else {
                    score(&kr, START, &points, Aggregate::Mean, as_of).status
                }
            })
        })
        .collect()
}

/// The most key results in any week that go back to the status they had
/// the week before last (A → B → A), and how many leave `done`.
fn flips(all: &[[KrStatus; 8]]) -> (usize, usize) {
    let reversals = (2..8)
        .map(|w| {
            all.iter()
                .filter(|s| s[w] == s[w - 2] && s[w] != s[w - 1])
                .count()
        })
        .max()
        .unwrap_or(0);
    let undone = all
        .iter()
        .map(|s| {
            s.windows(2)
                .filter(|w| w[0] == KrStatus::Done && w[1] != KrStatus::Done)
                .count()
        })
        .sum();
    (reversals, undone)
}

#[test]
fn flat_key_results_keep_their_status() {
    for (seed, offset) in [(30, 0), (31, 3)] {
        let all = statuses(seed, offset, false);
        let (reversals, undone) = flips(&all);
        eprintln!("as_of + {offset} days: {reversals} reversals at most a week, {undone} undone");
        assert!(reversals * 20 <= KRS, "{reversals} reversals in a week");
        assert_eq!(undone, 0, "key results no longer done");
        // The simulation covers every status, not only one.
        let done = all.iter().filter(|s| s[7] == KrStatus::Done).count();
        let behind = all.iter().filter(|s| s[7] == KrStatus::OffTrack).count();
        assert!(done > 20 && behind > 20, "{done} done, {behind} off track");
    }
    // The problem the level solves is real.
    let (reversals, undone) = flips(&statuses(30, 0, true));
    eprintln!("latest period alone: {reversals} reversals, {undone} undone");
    assert!(reversals * 20 > KRS && undone > 0);
}

#[test]
fn a_sustained_shift_is_seen_in_its_direction() {
    let mut rng = Rng::new(32);
    let kr = key_result(50.0, 55.0);
    let as_of = START + (7 * 18 - 1).days();
    let mut found = 0;
    for i in 0..1_000 {
        let up = i % 2 == 0;
        let shift = if up { 3.0 } else { -3.0 } * WEEKLY_SD;
        let points = weeks(&mut rng, 50.0, 12 + 18, shift, 6);
        let r = score(&kr, START, &points, Aggregate::Mean, as_of);
        let level = r.level.unwrap();
        let seen = if up {
            level.low.unwrap() > 50.0
        } else {
            level.high.unwrap() < 50.0
        };
        found += usize::from(seen);
    }
    eprintln!("shifts seen: {found} of 1000");
    assert!(found >= 850, "{found}");
}

#[test]
fn by_hand_and_without_data() {
    let mut kr = key_result(50.0, 55.0);
    kr.current = Some(55.0);
    let as_of = START + 30.days();
    let r = score(&kr, START, &[], Aggregate::Mean, as_of);
    assert_eq!(
        (r.status, r.level, r.current),
        (KrStatus::Done, None, Some(55.0))
    );
    kr.current = None;
    let r = score(&kr, START, &[], Aggregate::Mean, as_of);
    assert_eq!((r.status, r.progress), (KrStatus::NoData, None));
}
