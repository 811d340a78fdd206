//! The statistics behind every verdict: descriptive summaries, Welch's test
//! with a correction for autocorrelated daily series, Pearson correlation and
//! least-squares trends. Pure functions over slices, checked against scipy
//! (tests/reference/).

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
    let _ = xs;
    todo!("stats helper")
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
    let _ = (before, after, confidence);
    todo!("stats helper")
}

/// Welch's test on effective sample sizes corrected for lag-1
/// autocorrelation, for daily series; `None` like [`welch`].
pub fn welch_autocorrelated(before: &[f64], after: &[f64], confidence: f64) -> Option<TTest> {
    let _ = (before, after, confidence);
    todo!("stats helper")
}

/// Pearson's r and its two-sided p-value, as scipy.stats.pearsonr; `None`
/// with fewer than three pairs or a constant side.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<(f64, f64)> {
    let _ = (x, y);
    todo!("stats helper")
}

/// A least-squares line y = intercept + slope · x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub slope: f64,
    pub intercept: f64,
    /// Standard error of the slope; `None` with fewer than three points.
    pub slope_se: Option<f64>,
}

/// Least squares over (x, y) points; `None` with fewer than two distinct x.
pub fn least_squares(points: &[(f64, f64)]) -> Option<Fit> {
    let _ = points;
    todo!("stats helper")
}

/// Two-sided p-value of a standard normal z.
pub fn normal_p(z: f64) -> f64 {
    let _ = z;
    todo!("stats helper")
}
