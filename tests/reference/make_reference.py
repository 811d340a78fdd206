"""Reference values for cxreport's statistics, computed with scipy and
statsmodels.

Run from the repository root:  python tests/reference/make_reference.py
It writes tests/reference/stats.json, which tests/testsuite/reference.rs
checks cxreport against to 1e-9. CI does not run Python; rerun this only
when a case is added, and commit the JSON with it.
"""
import json
import pathlib

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import stats

rng = np.random.default_rng(20261122)


def floats(a):
    return [float(x) for x in a]


def welch_case(name, before, after):
    # cxreport tests after against before.
    res = stats.ttest_ind(after, before, equal_var=False)
    ci = res.confidence_interval(0.95)
    # Welch-Satterthwaite degrees of freedom, as scipy computes them.
    vb, va = np.var(before, ddof=1) / len(before), np.var(after, ddof=1) / len(after)
    df = (vb + va) ** 2 / (vb**2 / (len(before) - 1) + va**2 / (len(after) - 1))
    return {
        "name": name,
        "before": floats(before),
        "after": floats(after),
        "t": float(res.statistic),
        "df": float(df),
        "p_value": float(res.pvalue),
        "ci_low": float(ci.low),
        "ci_high": float(ci.high),
    }


def pearson_case(name, x, y):
    res = stats.pearsonr(x, y)
    return {"name": name, "x": floats(x), "y": floats(y), "r": float(res.statistic), "p_value": float(res.pvalue)}


def line_case(name, x, y):
    res = stats.linregress(x, y)
    return {
        "name": name,
        "x": floats(x),
        "y": floats(y),
        "slope": float(res.slope),
        "intercept": float(res.intercept),
        "slope_se": float(res.stderr),
    }


ar = np.zeros(57)
ar[0] = rng.normal()
for i in range(1, 57):
    ar[i] = 0.5 * ar[i - 1] + np.sqrt(0.75) * rng.normal()

welch = [
    welch_case("equal n, small shift", rng.normal(60, 3, 28), rng.normal(61, 3, 28)),
    welch_case("unequal n and variances", rng.normal(6.0, 0.2, 12), rng.normal(5.5, 0.6, 30)),
    welch_case("negative delta, tiny p", rng.normal(12, 1, 28), rng.normal(8, 1, 28)),
    welch_case("two values a side", [1.0, 2.0], [3.0, 5.0]),
    welch_case("one constant side", [4.0, 4.0, 4.0, 4.0], [4.5, 5.0, 3.5, 6.0, 4.0]),
    welch_case("AR(1) series around a change day", ar[:28], ar[29:]),
    welch_case("large values", 1e6 + rng.normal(0, 5, 20), 1e6 + rng.normal(2, 5, 25)),
    welch_case("huge t", rng.normal(0, 0.01, 28), rng.normal(5, 0.01, 28)),
]

ratings = rng.integers(1, 6, 3000).astype(float)
nps = np.clip(np.round(5 + 1.2 * (ratings - 3) + rng.normal(0, 2, 3000)), 0, 10)
pearson = [
    pearson_case("survey-sized integer ratings", ratings, nps),
    pearson_case("three pairs", [1.0, 2.0, 4.0], [2.0, 1.0, 7.0]),
    pearson_case("near +1", np.arange(30.0), np.arange(30.0) + rng.normal(0, 0.01, 30)),
    pearson_case("near -1", np.arange(30.0), -np.arange(30.0) + rng.normal(0, 0.05, 30)),
    pearson_case("no relation", rng.normal(size=50), rng.normal(size=50)),
    pearson_case("exactly linear", [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]),
]

lines = [
    line_case("weekly SLA", np.arange(30.0), 62 + 0.55 * np.arange(30.0) + rng.normal(0, 1.5, 30)),
    line_case("three points", [0.0, 1.0, 2.0], [5.0, 4.1, 3.3]),
    line_case("perfect line", [0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 5.0, 7.0]),
    line_case("gaps in x", [0.0, 1.0, 4.0, 5.0, 9.0], [6.2, 6.0, 5.1, 5.3, 4.0]),
    line_case("negative slope, noise", np.arange(52.0), 6 - 0.02 * np.arange(52.0) + rng.normal(0, 0.2, 52)),
]

normal = [{"z": z, "p_value": float(2 * stats.norm.sf(abs(z)))} for z in [0.0, 0.5, -1.0, 1.959963984540054, 2.5, -3.3, 5.0, 8.0]]


def weekday(day):
    # Day 0, 1970-01-01, was a Thursday; Monday is 0.
    return (day + 3) % 7


def step_case(name, days, values, change, confidence=0.95):
    """The before/after model of src/analytics/segmented.rs, written out
    with dense matrices: statsmodels' OLS for the coefficients, the AR(1)
    correlation matrix R built entry by entry for the sandwich."""
    days, y = np.asarray(days), np.asarray(values, dtype=float)
    counts = np.bincount([weekday(d) for d in days], minlength=7)
    reference = int(np.argmax(counts))  # the first of the commonest
    dummies = [w for w in range(7) if w != reference and counts[w] > 0]
    cols = [np.ones(len(days)), (days - change) / 7.0, (days > change).astype(float)]
    cols += [np.array([float(weekday(d) == w) for d in days]) for w in dummies]
    x = np.column_stack(cols)
    n, p = x.shape
    fit = sm.OLS(y, x).fit()
    e = fit.resid
    pairs = [(i - 1, i) for i in range(1, n) if days[i] - days[i - 1] == 1]
    if len(pairs) < 3:
        rho = 0.0  # too few consecutive days to estimate it
    else:
        r = np.mean([e[a] * e[b] for a, b in pairs]) / np.mean(e**2)
        rho = min(max(r + (1 + 3 * max(r, 0.0) + p) / n, 0.0), 0.95)
    big_r = rho ** np.abs(np.subtract.outer(days, days)).astype(float)
    inv = np.linalg.inv(x.T @ x)
    meat = x.T @ big_r @ x
    dof = n - np.trace(inv @ meat)
    cov = inv @ meat @ inv * (e @ e / dof)
    se = np.sqrt(cov[2, 2])
    df = max(n * (1 - rho) / (1 + rho) - p, 2.0)
    effect = fit.params[2]
    t = effect / se
    q = stats.t.ppf(0.5 + confidence / 2, df)
    return {
        "name": name,
        "days": [int(d) for d in days],
        "values": floats(y),
        "change": int(change),
        "effect": float(effect),
        "slope_per_day": float(fit.params[1] / 7.0),
        "rho": float(rho),
        "t": float(t),
        "df": float(df),
        "p_value": float(2 * stats.t.sf(abs(t), df)),
        "ci_low": float(effect - q * se),
        "ci_high": float(effect + q * se),
    }


def ar1(n, phi):
    x = np.zeros(n)
    x[0] = rng.normal()
    for i in range(1, n):
        x[i] = phi * x[i - 1] + np.sqrt(1 - phi**2) * rng.normal()
    return x


pattern = np.array([0.9, 0.5, 0.3, 0.2, 0.0, -0.8, -1.1])
change = 20_400
span = np.arange(change - 140, change + 29)
span = span[span != change]
drifting = 60 + ar1(len(span), 0.5) * 2 + 0.02 * (span - change) + pattern[[weekday(d) for d in span]]
kept = rng.random(len(span)) > 0.15
stepped = 5 + ar1(len(span), 0.3) * 0.4 + 0.8 * (span > change)
short = np.arange(change - 28, change + 29)
short = short[short != change]
weekly = np.arange(change - 7 * 20, change + 7 * 5, 7)
steps = [
    step_case("AR(1), drift and weekdays, 15 % of days missing", span[kept], drifting[kept], change),
    step_case("a real step, every day", span, stepped, change),
    step_case("no history, independent noise", short, 4 + rng.normal(0, 1, len(short)), change),
    step_case("one value a week", weekly, 30 + rng.normal(0, 2, len(weekly)) + 3 * (weekly > change), change),
    step_case("90 % interval", span, stepped, change, confidence=0.90),
]

out = {
    "generated_by": f"scipy {scipy.__version__}, statsmodels {statsmodels.__version__}, numpy {np.__version__}",
    "step": steps,
    "welch": welch,
    "pearson": pearson,
    "least_squares": lines,
    "normal": normal,
}
path = pathlib.Path(__file__).with_name("stats.json")
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}")
