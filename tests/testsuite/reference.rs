//! cxreport's statistics against scipy and statsmodels
//! (tests/reference/stats.json, made by tests/reference/make_reference.py).

use cxreport::analytics::{segmented, stats};
use serde_json::Value;

fn reference() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/stats.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Within 1e-9, absolutely, or relatively for values beyond ±1.
#[track_caller]
fn close(case: &Value, what: &str, actual: f64) {
    let expected = case[what].as_f64().unwrap();
    let tolerance = 1e-9 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance,
        "{} {what}: {actual} against scipy's {expected}",
        case["name"]
    );
}

#[test]
fn welch_matches_scipy() {
    let cases = reference()["welch"].as_array().unwrap().clone();
    assert!(cases.len() >= 8);
    for case in &cases {
        let t = stats::welch(&numbers(&case["before"]), &numbers(&case["after"]), 0.95).unwrap();
        close(case, "t", t.t);
        close(case, "df", t.df);
        close(case, "p_value", t.p_value);
        close(case, "ci_low", t.ci_low);
        close(case, "ci_high", t.ci_high);
    }
}

#[test]
fn pearson_matches_scipy() {
    for case in reference()["pearson"].as_array().unwrap() {
        let (r, p) = stats::pearson(&numbers(&case["x"]), &numbers(&case["y"])).unwrap();
        close(case, "r", r);
        close(case, "p_value", p);
    }
}

#[test]
fn least_squares_matches_scipy() {
    for case in reference()["least_squares"].as_array().unwrap() {
        let points: Vec<(f64, f64)> = numbers(&case["x"])
            .into_iter()
            .zip(numbers(&case["y"]))
            .collect();
        let fit = stats::least_squares(&points).unwrap();
        close(case, "slope", fit.slope);
        close(case, "intercept", fit.intercept);
        close(case, "slope_se", fit.slope_se.unwrap());
    }
}

#[test]
fn normal_p_matches_scipy() {
    for case in reference()["normal"].as_array().unwrap() {
        let z = case["z"].as_f64().unwrap();
        close(case, "p_value", stats::normal_p(z));
    }
}

#[test]
fn the_before_after_step_matches_statsmodels() {
    let cases = reference()["step"].as_array().unwrap().clone();
    assert!(cases.len() >= 5);
    for case in &cases {
        let days: Vec<(i64, f64)> = case["days"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_i64().unwrap())
            .zip(numbers(&case["values"]))
            .collect();
        let change = case["change"].as_i64().unwrap();
        let confidence = if case["name"] == "90 % interval" {
            0.90
        } else {
            0.95
        };
        let step = segmented::step(&days, change, confidence).unwrap();
        let t = step.test.unwrap();
        close(case, "effect", step.effect);
        close(case, "slope_per_day", step.slope);
        close(case, "rho", step.rho);
        close(case, "t", t.t);
        close(case, "df", t.df);
        close(case, "p_value", t.p_value);
        close(case, "ci_low", t.ci_low);
        close(case, "ci_high", t.ci_high);
    }
}
