//! The before/after test: segmented regression of the daily values around a
//! change date, so that a trend already under way, the mix of weekdays in
//! each window and the day-to-day autocorrelation cannot pass for a change.
//! Layer 3: a pure function of (day, value) points.
//!
//! The model, fitted by least squares on every day with a value from up to
//! [`HISTORY_WINDOWS`] windows before the change to one window after it:
//!
//! y = a + b·t + c·[t > 0] + Σ d_w·[weekday = w] + e
//!
//! with t in weeks from the change day. `c`, the step at the change, is the
//! effect; `b` carries a drift through both sides, so a slow drift is not a
//! step; the weekday terms (one per weekday present, bar the commonest) keep
//! a window short of Mondays from looking better or worse. The errors are
//! taken as AR(1) in calendar days, e_t ~ ρ^|t−s|, ρ estimated from the
//! residuals of consecutive days. The variance of `c` is the sandwich
//! (X'X)⁻¹ X'RX (X'X)⁻¹ σ², with σ² estimated without bias for that R, and
//! the test is Student's t on the effective degrees of freedom
//! n·(1 − ρ)/(1 + ρ) − p.

use nalgebra::{DMatrix, DVector};

use super::stats::{self, TTest};

/// The fit reaches back this many windows before the change (the before
/// window itself included) to learn the trend, where the data go back so far.
pub const HISTORY_WINDOWS: i64 = 5;

/// The step at a change date and what the model behind it found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// The change in level at the change date, net of the trend and the
    /// weekday mix.
    pub effect: f64,
    /// The test of `effect` (its `delta`); `None` when the model fits
    /// exactly, with no noise to test against.
    pub test: Option<TTest>,
    /// The underlying trend, per day.
    pub slope: f64,
    /// The lag-1 autocorrelation of the residuals, bias-corrected, 0..0.95.
    pub rho: f64,
    /// Whether weekday terms were in the model.
    pub weekdays: bool,
    /// Days the model was fitted on.
    pub n: usize,
}

/// Monday = 0: day 0 (1970-01-01) was a Thursday.
fn weekday(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// Fits the model to `days` (day number, value), in day order, the change
/// day itself left out, and tests the step at `change` at `confidence`.
/// `None` when the points cannot support the model (too few, or no spread).
pub fn step(days: &[(i64, f64)], change: i64, confidence: f64) -> Option<Step> {
    with_weekdays(days, change, confidence, true)
        .or_else(|| with_weekdays(days, change, confidence, false))
}

fn with_weekdays(
    days: &[(i64, f64)],
    change: i64,
    confidence: f64,
    weekdays: bool,
) -> Option<Step> {
    let mut counts = [0usize; 7];
    for (d, _) in days {
        counts[weekday(*d)] += 1;
    }
    // The commonest weekday is the reference; a weekday with no value has
    // no term. Data recorded weekly thus gets none.
    let reference = (0..7).max_by_key(|w| (counts[*w], 7 - w))?;
    let dummies: Vec<usize> = (0..7)
        .filter(|w| weekdays && *w != reference && counts[*w] > 0)
        .collect();
    let p = 3 + dummies.len();
    let n = days.len();
    // A few residual degrees of freedom at least, to estimate the noise.
    if n < p + 3 {
        return None;
    }
    // The design, row by row: plain slices, since these loops run for every
    // comparison and its placebo dates.
    let x: Vec<f64> = days
        .iter()
        .flat_map(|(d, _)| {
            let fixed = [
                1.0,
                (d - change) as f64 / 7.0,
                f64::from(u8::from(*d > change)),
            ];
            let w = weekday(*d);
            fixed
                .into_iter()
                .chain(dummies.iter().map(move |k| f64::from(u8::from(w == *k))))
        })
        .collect();
    let rows = || x.chunks_exact(p);
    let mut xtx = DMatrix::<f64>::zeros(p, p);
    let mut xty = DVector::<f64>::zeros(p);
    for (row, (_, v)) in rows().zip(days) {
        for a in 0..p {
            xty[a] += row[a] * v;
            for b in 0..p {
                xtx[(a, b)] += row[a] * row[b];
            }
        }
    }
    let inverse = xtx.clone().cholesky()?.inverse();
    // A near-singular design (a weekday only on one side with the step,
    // say) gives a numerically meaningless inverse: check it is one.
    if (&inverse * &xtx - DMatrix::identity(p, p)).amax() > 1e-6 {
        return None;
    }
    let beta: DVector<f64> = &inverse * xty;
    let residuals: Vec<f64> = rows()
        .zip(days)
        .map(|(row, (_, v))| v - row.iter().zip(beta.iter()).map(|(a, b)| a * b).sum::<f64>())
        .collect();
    let sse = residuals.iter().map(|e| e * e).sum::<f64>();
    let scale = days.iter().map(|(_, v)| v.abs()).fold(0.0, f64::max);
    let effect = beta[2];
    // No noise at all: the step is what it is, and there is nothing to test.
    if sse <= (1e-9 * scale).powi(2) * n as f64 {
        return Some(Step {
            effect: if effect.abs() <= 1e-9 * scale {
                0.0
            } else {
                effect
            },
            test: None,
            slope: beta[1] / 7.0,
            rho: 0.0,
            weekdays: !dummies.is_empty(),
            n,
        });
    }
    let rho = lag1(days, &residuals, p);
    let meat = correlated_gram(days, &x, p, rho);
    // E[e'e] = σ²·tr((I − H)R), and tr(HR) = tr((X'X)⁻¹X'RX).
    let dof = n as f64 - (&inverse * &meat).trace();
    if dof <= 0.0 {
        return None;
    }
    let covariance = &inverse * meat * &inverse * (sse / dof);
    let se = covariance[(2, 2)].max(0.0).sqrt();
    let effective = n as f64 * (1.0 - rho) / (1.0 + rho);
    let df = (effective - p as f64).max(2.0);
    Some(Step {
        effect,
        test: stats::t_test(effect, se, df, confidence),
        slope: beta[1] / 7.0,
        rho,
        weekdays: !dummies.is_empty(),
        n,
    })
}

/// The lag-1 autocorrelation of the residuals over pairs of consecutive
/// days, 0..0.95. Residuals of a fit with `p` terms understate it, by about
/// (1 + 3ρ + p)/n (the mean's bias of Marriott and Pope, 1954, plus one 1/n
/// per term fitted), which is added back.
fn lag1(days: &[(i64, f64)], e: &[f64], p: usize) -> f64 {
    let (mut num, mut pairs) = (0.0, 0usize);
    for i in 1..days.len() {
        if days[i].0 - days[i - 1].0 == 1 {
            num += e[i] * e[i - 1];
            pairs += 1;
        }
    }
    let den = e.iter().map(|v| v * v).sum::<f64>() / e.len() as f64;
    if pairs < 3 || den <= 0.0 {
        return 0.0;
    }
    let r = num / pairs as f64 / den;
    let n = e.len() as f64;
    let corrected = r + (1.0 + 3.0 * r.max(0.0) + p as f64) / n;
    // Negative autocorrelation would narrow the interval: not trusted.
    corrected.clamp(0.0, 0.95)
}

/// X'RX with R_ij = ρ^|t_i − t_j|, in one pass: with u_i = Σ_{j≤i}
/// ρ^(t_i−t_j) x_j, kept by u_i = x_i + ρ^(t_i−t_{i−1}) u_{i−1}, the sum is
/// Σ x_i u_iᵀ + Σ (u_i − x_i) x_iᵀ.
fn correlated_gram(days: &[(i64, f64)], x: &[f64], p: usize, rho: f64) -> DMatrix<f64> {
    let mut out = DMatrix::zeros(p, p);
    let mut u = vec![0.0; p];
    for (i, row) in x.chunks_exact(p).enumerate() {
        let decay = match i {
            0 => 0.0,
            _ => rho.powi((days[i].0 - days[i - 1].0).min(10_000) as i32),
        };
        for (u, x) in u.iter_mut().zip(row) {
            *u = x + *u * decay;
        }
        for a in 0..p {
            for b in 0..p {
                out[(a, b)] += row[a] * u[b] + (u[a] - row[a]) * row[b];
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "segmented_tests.rs"]
mod tests;
