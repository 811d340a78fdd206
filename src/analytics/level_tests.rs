//! The recent level on small series.

use super::*;

fn week(index: i64) -> Period {
    Period {
        length: Length::Week,
        index,
    }
}

#[test]
fn the_level_is_the_recent_mean_with_its_noise() {
    assert_eq!(of(&[]), None);
    let one = of(&[(week(0), 4.0)]).unwrap();
    assert_eq!((one.value, one.low, one.periods), (4.0, None, 1));
    // Ten weeks alternating 1 and 3: mean of the last six 2, moving range 2
    // (σ 2/1.128 = 1.77), sd 1.05: the interval is 2 ± 2·1.77/√6.
    let values: Vec<(Period, f64)> = (0..10)
        .map(|i| (week(i), f64::from(1 + 2 * (i % 2) as u8)))
        .collect();
    let l = of(&values).unwrap();
    let half = 2.0 * (2.0 / D2) / 6f64.sqrt();
    assert_eq!(l.value, 2.0);
    assert!((l.high.unwrap() - (2.0 + half)).abs() < 1e-12);
    assert!(l.reliably_meets(2.0 - half, Direction::Higher));
    assert!(!l.reliably_meets(2.0, Direction::Higher));
    assert!(l.reliably_meets(2.0 + half, Direction::Lower));
}

#[test]
fn sparse_values_are_read_over_the_span_of_time() {
    // A monthly pulse in weekly periods: the last six weeks hold two.
    let values: Vec<(Period, f64)> = (0..8).map(|i| (week(4 * i), f64::from(i as u8))).collect();
    let l = of(&values).unwrap();
    assert_eq!((l.value, l.periods), (6.5, 2));
}

#[test]
fn met_once_reliably_stays_met() {
    // Six weeks well above the target, then back below it.
    let values = [50.0, 50.2, 49.9, 56.0, 56.1, 55.9, 56.0, 56.2, 55.8, 50.0];
    let complete: Vec<(Period, f64)> = (0..).map(week).zip(values).collect();
    assert!(met_since(&complete, week(0), 53.0, Direction::Higher));
    // Not when the period started after those weeks: the fall in the last
    // one pulls the level's interval below the target.
    assert!(!met_since(&complete, week(9), 53.0, Direction::Higher));
    // Nor before six such weeks have built the level up.
    assert!(!met_since(&complete[..5], week(0), 53.0, Direction::Higher));
}
