//! The before/after test on simulated series: calibrated on noise of every
//! kind a contact centre's days have, and still able to see a real step.

use super::*;
use crate::rng::Rng;

/// Days after the change, as the default `window_days`.
const WINDOW: i64 = 28;
/// Pairs per simulation.
const PAIRS: usize = 2_000;

/// A day-to-day noise model: AR(1) with marginal sd 1, plus what else the
/// days carry.
#[derive(Clone, Copy)]
struct Noise {
    phi: f64,
    /// In marginal sd per 28 days.
    drift: f64,
    weekday: bool,
    /// The share of days without a value.
    missing: f64,
    /// Days of data before the change.
    history: i64,
}

const IID: Noise = Noise {
    phi: 0.0,
    drift: 0.0,
    weekday: false,
    missing: 0.0,
    history: HISTORY_WINDOWS * WINDOW,
};

/// A weekday profile of a contact centre: busy Mondays, quiet weekends.
const PATTERN: [f64; 7] = [0.9, 0.5, 0.3, 0.2, 0.0, -0.8, -1.1];

/// One series around a change on day 0 (a random weekday), `step` added
/// after it.
fn series(rng: &mut Rng, noise: Noise, step: f64) -> (Vec<(i64, f64)>, i64) {
    let change = 20_000 + rng.below(7) as i64;
    let scale = (1.0 - noise.phi * noise.phi).sqrt();
    let mut x = rng.normal();
    let mut days = Vec::new();
    for t in -noise.history..=WINDOW {
        if t > -noise.history {
            x = noise.phi * x + scale * rng.normal();
        }
        let mut v = x + noise.drift * t as f64 / 28.0;
        if noise.weekday {
            v += PATTERN[weekday(change + t)];
        }
        if t > 0 {
            v += step;
        }
        if t != 0 && !rng.chance(noise.missing) {
            days.push((change + t, v));
        }
    }
    (days, change)
}

/// The share of pairs called a change (`p` < 0.05), and the share called a
/// change upwards.
fn rates(seed: u64, noise: Noise, step_size: f64) -> (f64, f64) {
    let mut rng = Rng::new(seed);
    let (mut called, mut up) = (0, 0);
    for _ in 0..PAIRS {
        let (days, change) = series(&mut rng, noise, step_size);
        if let Some(t) = step(&days, change, 0.95).and_then(|s| s.test)
            && t.p_value < 0.05
        {
            called += 1;
            up += usize::from(t.delta > 0.0);
        }
    }
    (called as f64 / PAIRS as f64, up as f64 / PAIRS as f64)
}

#[test]
fn noise_of_every_kind_is_rarely_called_a_change() {
    let ar1 = Noise { phi: 0.5, ..IID };
    let drift = Noise { drift: 0.5, ..ar1 };
    let weekday = Noise {
        weekday: true,
        missing: 0.15,
        ..ar1
    };
    let both = Noise {
        weekday: true,
        missing: 0.15,
        ..drift
    };
    let cases = [
        ("independent", IID),
        ("AR(1) 0.5", ar1),
        ("AR(1) + drift", drift),
        ("AR(1) + weekdays, 15 % missing", weekday),
        ("drift + weekdays, 15 % missing", both),
        // No history beyond the before window: the trend is learnt from it.
        (
            "drift + weekdays, no history",
            Noise {
                history: WINDOW,
                ..both
            },
        ),
    ];
    for (seed, (name, noise)) in cases.into_iter().enumerate() {
        let (called, _) = rates(100 + seed as u64, noise, 0.0);
        eprintln!("{name}: {called}");
        assert!(called <= 0.07, "{name}: {called}");
    }
}

#[test]
fn the_old_window_test_was_fooled_by_a_drift() {
    // The problem this model solves is real: the means of the two windows,
    // even corrected for autocorrelation, call the drift a change.
    let noise = Noise {
        phi: 0.5,
        drift: 0.5,
        ..IID
    };
    let mut rng = Rng::new(7);
    let called = (0..PAIRS)
        .filter(|_| {
            let (days, change) = series(&mut rng, noise, 0.0);
            let before: Vec<f64> = days
                .iter()
                .filter(|(d, _)| (change - WINDOW..change).contains(d))
                .map(|(_, v)| *v)
                .collect();
            let after: Vec<f64> = days
                .iter()
                .filter(|(d, _)| *d > change)
                .map(|(_, v)| *v)
                .collect();
            stats::welch_autocorrelated(&before, &after, 0.95).is_some_and(|t| t.p_value < 0.05)
        })
        .count();
    assert!(called as f64 / PAIRS as f64 > 0.10, "{called}");
}

#[test]
fn a_real_step_is_found() {
    // Two marginal sd up after 140 flat days of AR(1) noise.
    let noise = Noise { phi: 0.5, ..IID };
    let (called, up) = rates(200, noise, 2.0);
    assert!(up >= 0.80, "power {up} (called {called})");
    // And with weekdays and missing days on top.
    let noise = Noise {
        weekday: true,
        missing: 0.15,
        ..noise
    };
    let (_, up) = rates(201, noise, 2.0);
    eprintln!("power {up}");
    assert!(up >= 0.80, "power with weekdays {up}");
}

#[test]
fn an_exact_model_is_recovered() {
    // A line, a step of 3 and a weekday pattern, with tiny alternating noise.
    let change = 20_003;
    let days: Vec<(i64, f64)> = (change - 70..=change + 28)
        .filter(|d| *d != change)
        .map(|d| {
            let t = (d - change) as f64;
            let jitter = if d % 2 == 0 { 0.01 } else { -0.01 };
            let v = 10.0 + 0.05 * t + 3.0 * f64::from(u8::from(d > change));
            (d, v + PATTERN[weekday(d)] + jitter)
        })
        .collect();
    let s = step(&days, change, 0.95).unwrap();
    let t = s.test.unwrap();
    assert!((s.effect - 3.0).abs() < 0.02, "{:?}", s);
    assert_eq!(t.delta, s.effect);
    assert!((s.slope - 0.05).abs() < 1e-3);
    assert!(s.weekdays);
    assert!(t.ci_low < t.delta && t.delta < t.ci_high);
    assert!(t.p_value < 1e-9);
}

#[test]
fn weekly_data_and_tiny_samples() {
    // One value a week: no weekday terms, still a test.
    let change = 20_003;
    let days: Vec<(i64, f64)> = (-10..=4)
        .filter(|k| *k != 0)
        .map(|k| {
            (
                change + 7 * k,
                f64::from(u8::from(k > 0)) * 2.0 + (k % 3) as f64,
            )
        })
        .collect();
    let s = step(&days, change, 0.95).unwrap();
    assert!(!s.weekdays);
    // Too few points for the model.
    assert_eq!(step(&days[..4], change, 0.95), None);
    // No noise: no test, and the step is exact, zero or not.
    let flat: Vec<(i64, f64)> = (1..40).map(|d| (change - 20 + d, 5.0)).collect();
    let s = step(&flat, change, 0.95).unwrap();
    assert_eq!((s.effect, s.test), (0.0, None));
    let stair: Vec<(i64, f64)> = flat
        .iter()
        .map(|(d, v)| (*d, if *d > change { v + 2.0 } else { *v }))
        .collect();
    let s = step(&stair, change, 0.95).unwrap();
    assert!((s.effect - 2.0).abs() < 1e-9 && s.test.is_none());
}

#[test]
fn the_correlated_gram_matches_the_double_sum() {
    let days: Vec<(i64, f64)> = [1, 2, 3, 5, 6, 9, 10, 11]
        .iter()
        .map(|d| (*d, 0.0))
        .collect();
    let x: Vec<f64> = (0..days.len())
        .flat_map(|i| [1.0, (i * i) as f64])
        .collect();
    let rho = 0.6;
    let fast = correlated_gram(&days, &x, 2, rho);
    let mut slow = DMatrix::zeros(2, 2);
    for i in 0..days.len() {
        for j in 0..days.len() {
            let w = rho.powi((days[i].0 - days[j].0).abs() as i32);
            for a in 0..2 {
                for b in 0..2 {
                    slow[(a, b)] += x[2 * i + a] * x[2 * j + b] * w;
                }
            }
        }
    }
    assert!((fast - slow).amax() < 1e-9);
}
