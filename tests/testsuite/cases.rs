//! Follow-up cases (issue 18): the `cases/` fixture's `loop` figures in
//! `api/report.json` against `tests/reference/loop.json`, made apart from
//! cxreport by `tests/reference/loop_reference.py` (Python's standard
//! library only), and the edge cases: no cases, all open, dates and
//! date-times mixed.

use serde_json::Value;

use crate::support::Plan;

fn reference() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/loop.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn report(plan: &Plan) -> Value {
    plan.build();
    serde_json::from_str(&plan.read("site/api/report.json")).unwrap()
}

/// The same figures: counts equal, fractions within 1e-9, `null` alike.
#[track_caller]
fn same_figures(what: &str, actual: &Value, expected: &Value) {
    for key in [
        "detractors",
        "cases",
        "coverage",
        "closed",
        "closed_within_target",
        "median_days_to_close",
        "p90_days_to_close",
        "overdue",
        "root_causes",
    ] {
        let (a, e) = (&actual[key], &expected[key]);
        match (a.as_f64(), e.as_f64()) {
            (Some(a), Some(e)) => assert!((a - e).abs() <= 1e-9, "{what} {key}: {a} against {e}"),
            _ => assert_eq!(a, e, "{what} {key}"),
        }
    }
}

#[test]
fn the_loop_figures_match_the_reference() {
    let plan = Plan::fixture("cases");
    let api = report(&plan);
    let (actual, expected) = (&api["loop"], reference());
    assert_eq!(actual["close_within_days"], 3);
    same_figures("all", actual, &expected);
    for list in ["periods", "owners"] {
        let (a, e) = (
            actual[list].as_array().unwrap(),
            expected[list].as_array().unwrap(),
        );
        assert_eq!(a.len(), e.len(), "{list}");
        for (a, e) in a.iter().zip(e) {
            let name = if list == "periods" { "period" } else { "owner" };
            assert_eq!(a[name], e[name]);
            same_figures(&format!("{list} {}", e[name]), a, e);
        }
    }
    let overdue: Vec<(Value, Value, Value)> = actual["overdue_cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].clone(), c["owner"].clone(), c["days_open"].clone()))
        .collect();
    let expected_overdue: Vec<(Value, Value, Value)> = expected["overdue_cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].clone(), c["owner"].clone(), c["days_open"].clone()))
        .collect();
    assert_eq!(overdue, expected_overdue);
    let alerts = api["alerts"].as_array().unwrap();
    let case_alerts = alerts
        .iter()
        .filter(|a| a["kind"] == "case-overdue")
        .count();
    assert_eq!(case_alerts, expected_overdue.len());
}

#[test]
fn a_plan_without_case_files_has_no_loop() {
    let plan = Plan::fixture("minimal");
    assert_eq!(report(&plan)["loop"], Value::Null);
}

#[test]
fn a_case_file_with_no_cases_counts_the_detractors() {
    let plan = Plan::fixture("cases");
    plan.write("data/cases/a.csv", "id,opened,closed,owner\n");
    plan.write("data/cases/b.csv", "id,opened,closed,owner\n");
    let l = report(&plan)["loop"].clone();
    assert_eq!(l["detractors"], reference()["detractors"]);
    assert_eq!(l["cases"], 0);
    assert_eq!(l["coverage"], 0.0);
    assert_eq!(l["closed_within_target"], Value::Null);
    assert_eq!(l["median_days_to_close"], Value::Null);
}

#[test]
fn all_open_cases_have_no_time_to_close() {
    let plan = Plan::fixture("cases");
    plan.write(
        "data/cases/a.csv",
        "id,opened,closed,owner,response_id\nk1,2026-03-30T23:59,,ana,d01\nk2,2026-03-20 08:00,,luis,r3\n",
    );
    plan.write("data/cases/b.csv", "id,opened,closed,owner\n");
    let l = report(&plan)["loop"].clone();
    assert_eq!(l["cases"], 2);
    assert_eq!(l["closed"], 0);
    assert_eq!(l["overdue"], 1);
    assert_eq!(l["p90_days_to_close"], Value::Null);
    assert_eq!(l["overdue_cases"][0]["id"], "k2");
    assert_eq!(l["overdue_cases"][0]["days_open"], 11);
}
