//! The statistics behind every verdict: descriptive summaries, Welch's test
//! with a correction for autocorrelated daily series, Pearson correlation and
//! least-squares trends. Pure functions over slices, checked against scipy
//! (tests/reference/).
//!
//! Student's t and the normal distribution come from `statrs`: its
//! regularized incomplete beta function gives two-sided p-values directly,
//! without the cancellation of `1 − cdf` in the tails.

use statrs::distribution::{ContinuousCDF, StudentsT};
use statrs::function::{beta::beta_reg, erf::erfc};

/// n, mean and standard deviation (n − 1) of a sample.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    /// `None` with fewer than two values.
    pub sd: Option<f64>,
}

/// Summarises a sample; `None` when it is empty.
pub fn summary(xs: &[f64]) -> Option<Summary> {
    let (mean, var) = mean_var(xs)?;
    Some(Summary {
        n: xs.len(),
        mean,
        sd: var.map(f64::sqrt),
    })
}

/// Mean and sample variance (n − 1), two passes so that large offsets do not
/// eat the variance's digits.
fn mean_var(xs: &[f64]) -> Option<(f64, Option<f64>)> {
    if xs.is_empty() {
        return None;
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var =
        (xs.len() > 1).then(|| xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0));
    Some((mean, var))
}

/// Welch's two-sample t test of `after` against `before`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TTest {
    /// mean(after) − mean(before).
    pub delta: f64,
    pub t: f64,
    pub df: f64,
    pub p_value: f64,
    /// Bounds of the confidence interval of `delta`.
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Plain Welch test, as scipy.stats.ttest_ind(after, before, equal_var=False);
/// `None` with fewer than two values on a side or a zero standard error.
pub fn welch(before: &[f64], after: &[f64], confidence: f64) -> Option<TTest> {
    let (mb, vb) = mean_var(before)?;
    let (ma, va) = mean_var(after)?;
    test(
        ma - mb,
        (vb?, before.len() as f64),
        (va?, after.len() as f64),
        confidence,
    )
}

/// Welch's test on effective sample sizes, for daily series: what
/// before/after comparisons used before [`super::segmented`], kept for the
/// simulations that show what it misses (a drift already under way).
///
/// A day's value resembles the day before's, so 28 days carry less than 28
/// days of information and a plain Welch test calls noise a change about a
/// quarter of the time. Each side's n becomes n·(1 − ρ)/(1 + ρ), with ρ the
/// lag-1 autocorrelation pooled over both windows, each centred on its own
/// mean (so that a real step between them does not pass for
/// autocorrelation). A lag-1 estimate from a few dozen points is biased low,
/// by about (1 + 4ρ)/m for windows of m points (Marriott and Pope, 1954), so
/// the estimate r is corrected to (m·r + 1)/(m − 4) before use. `None` like
/// [`welch`].
#[cfg(test)]
pub fn welch_autocorrelated(before: &[f64], after: &[f64], confidence: f64) -> Option<TTest> {
    let (mb, vb) = mean_var(before)?;
    let (ma, va) = mean_var(after)?;
    let rho = lag1(&[(before, mb), (after, ma)]).unwrap_or(0.0);
    let shrink = if rho > 0.0 {
        (1.0 - rho) / (1.0 + rho)
    } else {
        1.0
    };
    // Two effective observations is the least a variance can rest on.
    let eff = |n: usize| (n as f64 * shrink).max(2.0);
    test(
        ma - mb,
        (vb?, eff(before.len())),
        (va?, eff(after.len())),
        confidence,
    )
}

/// The bias-corrected lag-1 autocorrelation pooled over windows, each with
/// its mean; `None` when the windows do not vary.
fn lag1(windows: &[(&[f64], f64)]) -> Option<f64> {
    let (mut num, mut den, mut points) = (0.0, 0.0, 0usize);
    for (xs, mean) in windows {
        num += xs
            .windows(2)
            .map(|w| (w[0] - mean) * (w[1] - mean))
            .sum::<f64>();
        den += xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>();
        points += xs.len();
    }
    if den == 0.0 {
        return None;
    }
    let r = num / den;
    let m = points as f64 / windows.len() as f64;
    if m <= 5.0 {
        return Some(r);
    }
    // Beyond 0.95 the effective sample size collapses to nothing useful.
    Some(((m * r + 1.0) / (m - 4.0)).min(0.95))
}

/// The t test of `delta` with each side's (variance, n), Welch–Satterthwaite
/// degrees of freedom.
fn test(delta: f64, (vb, nb): (f64, f64), (va, na): (f64, f64), confidence: f64) -> Option<TTest> {
    let (qb, qa) = (vb / nb, va / na);
    let se2 = qb + qa;
    if se2 <= 0.0 || !se2.is_finite() {
        return None;
    }
    let df = se2 * se2 / (qb * qb / (nb - 1.0) + qa * qa / (na - 1.0));
    t_test(delta, se2.sqrt(), df, confidence)
}

/// The t test of an estimate `delta` with standard error `se` on `df`
/// degrees of freedom: t, two-sided p and the interval at `confidence`,
/// all from the same three numbers so that they always agree. `None` for a
/// zero or non-finite error.
pub fn t_test(delta: f64, se: f64, df: f64, confidence: f64) -> Option<TTest> {
    if se <= 0.0 || !se.is_finite() || !delta.is_finite() {
        return None;
    }
    let t = delta / se;
    let quantile = StudentsT::new(0.0, 1.0, df)
        .ok()?
        .inverse_cdf(0.5 + confidence / 2.0);
    Some(TTest {
        delta,
        t,
        df,
        p_value: t_p(t, df),
        ci_low: delta - quantile * se,
        ci_high: delta + quantile * se,
    })
}

/// Two-sided p-value of Student's t with `df` degrees of freedom:
/// I_{df/(df+t²)}(df/2, 1/2), exact in the tails.
fn t_p(t: f64, df: f64) -> f64 {
    if t.is_infinite() {
        return 0.0;
    }
    beta_reg(df / 2.0, 0.5, df / (df + t * t))
}

/// Pearson's r and its two-sided p-value, as scipy.stats.pearsonr; `None`
/// with fewer than three pairs, unequal lengths or a constant side.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<(f64, f64)> {
    if x.len() != y.len() {
        return None;
    }
    pearson_of(|| x.iter().copied().zip(y.iter().copied()))
}

/// [`pearson`] of the pairs `pairs` gives, each time it is called: the same
/// passes in the same order, so the same bits, without holding the pairs
/// (a million survey answers need not be copied to be correlated).
pub fn pearson_of<I: Iterator<Item = (f64, f64)>>(pairs: impl Fn() -> I) -> Option<(f64, f64)> {
    let mut passes = Pearson::default();
    pairs().for_each(|(a, b)| passes.sums(a, b));
    if passes.centre() {
        pairs().for_each(|(a, b)| passes.spreads(a, b));
    }
    if passes.scale() {
        pairs().for_each(|(a, b)| passes.products(a, b));
    }
    passes.finish()
}

/// [`pearson`] worked out in three passes that the caller makes over its
/// data, so that several series can be correlated in the same passes (the
/// key drivers read a million answers three times, not eight times per
/// attribute). Every sum is one running sum in the order of the pairs,
/// from `-0.0` as `Iterator::sum` starts: the same bits as [`pearson`].
#[derive(Debug, Clone, Copy)]
pub struct Pearson {
    /// Pairs seen in the first pass.
    pub n: usize,
    sum_x: f64,
    sum_y: f64,
    mean_x: f64,
    mean_y: f64,
    sq_x: f64,
    sq_y: f64,
    norm_x: f64,
    norm_y: f64,
    products: f64,
}

impl Default for Pearson {
    fn default() -> Self {
        Pearson {
            n: 0,
            sum_x: -0.0,
            sum_y: -0.0,
            mean_x: 0.0,
            mean_y: 0.0,
            sq_x: -0.0,
            sq_y: -0.0,
            norm_x: 0.0,
            norm_y: 0.0,
            products: -0.0,
        }
    }
}

impl Pearson {
    /// The first pass: each pair, counted and summed.
    pub fn sums(&mut self, a: f64, b: f64) {
        self.n += 1;
        self.sum_x += a;
        self.sum_y += b;
    }

    /// After the first pass: whether there are pairs enough for the
    /// second.
    pub fn centre(&mut self) -> bool {
        if self.n < 3 {
            return false;
        }
        let n = self.n as f64;
        (self.mean_x, self.mean_y) = (self.sum_x / n, self.sum_y / n);
        true
    }

    /// The second pass: each pair's squared distances from the means.
    pub fn spreads(&mut self, a: f64, b: f64) {
        self.sq_x += (a - self.mean_x).powi(2);
        self.sq_y += (b - self.mean_y).powi(2);
    }

    /// After the second pass: whether neither side is constant, so that the
    /// third pass is worth making.
    pub fn scale(&mut self) -> bool {
        if self.n < 3 {
            return false;
        }
        (self.norm_x, self.norm_y) = (self.sq_x.sqrt(), self.sq_y.sqrt());
        self.norm_x != 0.0 && self.norm_y != 0.0
    }

    /// The third pass: each pair's product of unit-length centred values.
    pub fn products(&mut self, a: f64, b: f64) {
        self.products += (a - self.mean_x) / self.norm_x * ((b - self.mean_y) / self.norm_y);
    }

    /// Pearson's r and its p-value; `None` with fewer than three pairs or a
    /// constant side.
    pub fn finish(&self) -> Option<(f64, f64)> {
        if self.n < 3 || self.norm_x == 0.0 || self.norm_y == 0.0 {
            return None;
        }
        // As scipy does it: the dot product of the unit-length centred vectors,
        // which gives exactly ±1 for exactly linear data more often than
        // Sxy / √(Sxx·Syy) does, and p is very sensitive to r near ±1.
        let r = self.products.clamp(-1.0, 1.0);
        // scipy's form: the beta distribution of r under independence, which
        // equals Student's t with n − 2 degrees of freedom.
        let df = self.n as f64 - 2.0;
        let p = if r.abs() == 1.0 {
            0.0
        } else {
            beta_reg(df / 2.0, 0.5, 1.0 - r * r)
        };
        Some((r, p))
    }
}

/// A least-squares line y = intercept + slope · x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub slope: f64,
    pub intercept: f64,
    /// Standard error of the slope; `None` with fewer than three points.
    pub slope_se: Option<f64>,
}

/// Least squares over (x, y) points, as scipy.stats.linregress; `None` with
/// fewer than two distinct x.
pub fn least_squares(points: &[(f64, f64)]) -> Option<Fit> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in points {
        let (dx, dy) = (x - mx, y - my);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    if sxx == 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let slope_se = (points.len() > 2).then(|| {
        // The residual sum of squares, kept at zero for a perfect line.
        let sse = (syy - slope * sxy).max(0.0);
        (sse / (n - 2.0) / sxx).sqrt()
    });
    Some(Fit {
        slope,
        intercept: my - slope * mx,
        slope_se,
    })
}

/// Whether the slope of `fit` through `points` stands clear of its
/// uncertainty: more than two standard errors from zero, the standard error
/// widened for the lag-1 autocorrelation of the residuals (by
/// √((1 + ρ)/(1 − ρ)), ρ bias-corrected as for before/after), since a KPI's
/// periods wander together and a plain error makes noise look like a trend.
/// Never with fewer than six points.
pub fn slope_is_clear(points: &[(f64, f64)], fit: &Fit) -> bool {
    let Some(se) = fit.slope_se.filter(|_| points.len() >= 6) else {
        return false;
    };
    let residuals: Vec<f64> = points
        .iter()
        .map(|(x, y)| y - (fit.intercept + fit.slope * x))
        .collect();
    let mean = residuals.iter().sum::<f64>() / residuals.len() as f64;
    let rho = lag1(&[(&residuals, mean)]).unwrap_or(0.0).max(0.0);
    let widened = se * ((1.0 + rho) / (1.0 - rho)).sqrt();
    fit.slope.abs() > 2.0 * widened
}

/// Holm's step-down adjustment of `p` for testing them all at once, as
/// statsmodels' `multipletests(p, method="holm")`: the smallest p is
/// multiplied by m, the next by m − 1, and so on, each kept at least as
/// large as the one before and at most 1. An adjusted p below alpha keeps
/// the chance of any false alarm among the m tests under alpha.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|a, b| p[*a].total_cmp(&p[*b]));
    let mut out = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        out[i] = running;
    }
    out
}

/// Two-sided p-value of a standard normal z: erfc(|z|/√2), exact in the tails.
pub fn normal_p(z: f64) -> f64 {
    erfc(z.abs() / std::f64::consts::SQRT_2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries() {
        assert_eq!(summary(&[]), None);
        assert_eq!(
            summary(&[4.0]),
            Some(Summary {
                n: 1,
                mean: 4.0,
                sd: None
            })
        );
        let s = summary(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(s.mean, 5.0);
        assert!((s.sd.unwrap() - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        // A large offset does not eat the spread.
        let s = summary(&[1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0]).unwrap();
        assert!((s.sd.unwrap() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn constant_or_tiny_windows_have_no_test() {
        assert_eq!(welch(&[1.0, 1.0, 1.0], &[2.0, 2.0, 2.0], 0.95), None);
        assert_eq!(welch(&[1.0], &[2.0, 3.0], 0.95), None);
        assert_eq!(welch(&[], &[2.0, 3.0], 0.95), None);
        assert_eq!(welch_autocorrelated(&[5.0; 10], &[5.0; 10], 0.95), None);
        // One constant side is fine: the other has spread.
        let t = welch(&[1.0, 1.0, 1.0], &[2.0, 3.0, 4.0], 0.95).unwrap();
        assert!(t.p_value > 0.0 && t.p_value < 1.0);
    }

    #[test]
    fn no_autocorrelation_means_the_plain_test() {
        // Alternating values: negative lag-1 correlation, so n stays n.
        let b = [1.0, 3.0, 1.0, 3.0, 1.0, 3.0, 1.0, 3.0];
        let a = [2.0, 4.0, 2.0, 4.0, 2.0, 4.0, 2.0, 4.0];
        assert_eq!(welch(&b, &a, 0.95), welch_autocorrelated(&b, &a, 0.95));
    }

    #[test]
    fn autocorrelation_widens_the_interval() {
        let b: Vec<f64> = (0..20).map(|i| f64::from(i / 5)).collect();
        let a: Vec<f64> = (0..20).map(|i| f64::from(i / 5) + 1.0).collect();
        let plain = welch(&b, &a, 0.95).unwrap();
        let corrected = welch_autocorrelated(&b, &a, 0.95).unwrap();
        assert_eq!(plain.delta, corrected.delta);
        assert!(corrected.p_value > plain.p_value);
        assert!(corrected.ci_high - corrected.ci_low > plain.ci_high - plain.ci_low);
    }

    #[test]
    fn pearson_edges() {
        assert_eq!(pearson(&[1.0, 2.0], &[1.0, 2.0]), None);
        assert_eq!(pearson(&[1.0, 2.0, 3.0], &[5.0, 5.0, 5.0]), None);
        assert_eq!(pearson(&[1.0, 2.0, 3.0], &[1.0, 2.0]), None);
        // scipy gives r = 0.9999999999999998, p = 1.3415758552508146e-08:
        // rounding, to which p is very sensitive this close to 1.
        let (r, p) = pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap();
        assert_eq!(r, 0.9999999999999998);
        assert!((p - 1.3415758552508146e-08).abs() < 1e-15);
        assert_eq!(
            pearson(&[0.0, 1.0, 0.0, 1.0], &[1.0, 0.0, 1.0, 0.0]),
            Some((-1.0, 0.0))
        );
    }

    #[test]
    fn lines() {
        assert_eq!(least_squares(&[(1.0, 2.0)]), None);
        assert_eq!(least_squares(&[(1.0, 2.0), (1.0, 3.0)]), None);
        let f = least_squares(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]).unwrap();
        assert_eq!((f.slope, f.intercept, f.slope_se), (2.0, 1.0, Some(0.0)));
        let f = least_squares(&[(0.0, 1.0), (2.0, 0.0)]).unwrap();
        assert_eq!((f.slope, f.slope_se), (-0.5, None));
    }

    #[test]
    fn holm_steps_down() {
        // statsmodels: multipletests([0.01, 0.04, 0.03, 0.005], method="holm")
        // gives [0.03, 0.06, 0.06, 0.02].
        let adjusted = holm(&[0.01, 0.04, 0.03, 0.005]);
        for (a, b) in adjusted.iter().zip([0.03, 0.06, 0.06, 0.02]) {
            assert!((a - b).abs() < 1e-12, "{adjusted:?}");
        }
        assert_eq!(holm(&[]), Vec::<f64>::new());
        assert_eq!(holm(&[0.9, 0.8]), vec![1.0, 1.0]);
    }

    #[test]
    fn normal_tails() {
        assert!((normal_p(1.959_963_984_540_054) - 0.05).abs() < 1e-10);
        assert_eq!(normal_p(0.0), 1.0);
        assert!(normal_p(-8.0) > 0.0 && normal_p(8.0) < 1e-14);
    }

    /// splitmix64 and Box–Muller: a small seeded source of normal noise.
    struct Rng(u64);

    impl Rng {
        fn unit(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }

        fn normal(&mut self) -> f64 {
            let (u, v) = (1.0 - self.unit(), self.unit());
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        }

        /// 57 days of AR(1) noise (28 before, the change day, 28 after),
        /// stationary from the first day, plus `step` after the change.
        fn pair(&mut self, phi: f64, step: f64) -> (Vec<f64>, Vec<f64>) {
            let mut x = self.normal();
            let mut days = vec![x];
            for _ in 1..57 {
                x = phi * x + (1.0 - phi * phi).sqrt() * self.normal();
                days.push(x);
            }
            let after = days[29..].iter().map(|v| v + step).collect();
            days.truncate(28);
            (days, after)
        }
    }

    /// The share of pairs a test calls a change at alpha = 0.05.
    fn rate(seed: u64, phi: f64, step: f64, test: fn(&[f64], &[f64], f64) -> Option<TTest>) -> f64 {
        const PAIRS: usize = 2_000;
        let mut rng = Rng(seed);
        let calls = (0..PAIRS)
            .filter(|_| {
                let (b, a) = rng.pair(phi, step);
                test(&b, &a, 0.95).is_some_and(|t| t.p_value < 0.05)
            })
            .count();
        calls as f64 / PAIRS as f64
    }

    #[test]
    fn a_a_pairs_are_rarely_called_a_change() {
        let independent = rate(1, 0.0, 0.0, welch_autocorrelated);
        let ar1 = rate(2, 0.5, 0.0, welch_autocorrelated);
        assert!(independent <= 0.07, "independent noise: {independent}");
        assert!(ar1 <= 0.07, "AR(1) noise: {ar1}");
        // The problem the correction solves is real.
        let plain = rate(2, 0.5, 0.0, welch);
        assert!(plain > 0.15, "plain Welch on AR(1) noise: {plain}");
    }

    #[test]
    fn a_real_step_is_still_found() {
        // One standard deviation up, in AR(1) noise.
        // With ρ = 0.5, 28 days carry the information of about 9 independent
        // ones, so about half of such steps can be told from noise (0.48 with
        // this seed).
        let power = rate(3, 0.5, 1.0, welch_autocorrelated);
        assert!(power > 0.4, "power {power}");
        let big = rate(4, 0.5, 2.0, welch_autocorrelated);
        assert!(big > 0.9, "power for two standard deviations {big}");
    }
}
