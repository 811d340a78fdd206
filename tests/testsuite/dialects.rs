//! `[csv]` dialects (issue 17): files saved by spreadsheets in other
//! locales give the same figures as the canonical files, and a file with
//! the same mistake on every row gets one problem for it.

use crate::support::{self, Plan};

/// `metrics[].periods` of `api/report.json`: per metric, its (period, value)s.
fn periods(plan: &Plan) -> Vec<(String, Vec<(String, f64)>)> {
    let api: serde_json::Value = serde_json::from_str(&plan.read("site/api/report.json")).unwrap();
    api["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["id"].as_str().unwrap().to_owned(), support::periods(m)))
        .collect()
}

#[test]
fn a_spanish_excel_file_gives_the_figures_of_the_canonical_one() {
    let plan = Plan::fixture("dialects");
    plan.build();
    let found = periods(&plan);
    let days = ["2026-10-30", "2026-10-31", "2026-11-01"];
    let expect = |id: &str, values: [f64; 3]| {
        let (_, periods) = found.iter().find(|(m, _)| m == id).unwrap();
        let want: Vec<(String, f64)> = days
            .iter()
            .zip(values)
            .map(|(d, v)| (d.to_string(), v))
            .collect();
        assert_eq!(periods, &want, "{id}");
    };
    // `85,3 %` is 85.3; `0:05:32` is 332 in a metric in seconds and
    // `0:04:30` is 4.5 in one in minutes.
    expect("sla", [85.3, 84.1, 90.0]);
    expect("aht", [332.0, 193.0, 300.0]);
    expect("wrap", [3.5, 4.5, 4.0]);
    expect("fcr", [70.5, 71.25, 69.0]);
    expect("contacts", [120.0, 98.0, 143.0]);

    // The same figures written canonically give the same report.
    let canonical = Plan::fixture("dialects");
    canonical.write(
        "cxreport.toml",
        "title = \"Dialects\"\ncurrency = \"EUR\"\nas_of = 2026-11-01\n\
         [periods]\ntrend = \"day\"\n[surveys]\nsegments = [\"canal\"]\n",
    );
    canonical.write(
        "data/kpis/banco.csv",
        "date,equipo,sla,aht,wrap\n2026-10-30,ventas,85.3,332,3.5\n\
         2026-10-31,ventas,84.1,193,4.5\n2026-11-01,ventas,90,300,4\n",
    );
    canonical.write(
        "data/kpis/tabs.csv",
        "date,queue,fcr\n2026-10-30,support,70.5\n2026-10-31,support,71.25\n2026-11-01,support,69\n",
    );
    canonical.write(
        "data/kpis/pipes.csv",
        "date,queue,contacts\n2026-10-30,billing,120\n2026-10-31,billing,98\n2026-11-01,billing,143\n",
    );
    canonical.write(
        "data/surveys/encuesta.csv",
        "date,canal,nps,csat,attr_rapidez\n2026-10-30,web,9,5,4.5\n\
         2026-10-31,web,6,3,2.5\n2026-11-01,tienda,10,5,5\n",
    );
    canonical.build();
    assert_eq!(
        plan.read("site/api/report.json"),
        canonical.read("site/api/report.json")
    );
}

/// The `dialects` fixture with only one KPI file, `data/kpis/fcr.csv`, and
/// no `[csv]`.
fn one_file(text: &str) -> Plan {
    let plan = Plan::fixture("dialects");
    for file in [
        "data/kpis/banco.csv",
        "data/kpis/pipes.csv",
        "data/kpis/tabs.csv",
        "data/surveys/encuesta.csv",
    ] {
        std::fs::remove_file(plan.path(file)).unwrap();
    }
    plan.write("cxreport.toml", "as_of = 2026-03-31\n");
    plan.write(
        "data/metrics.toml",
        "[[metric]]\nid = \"fcr\"\nname = \"FCR\"\nunit = \"%\"\ndirection = \"higher\"\n",
    );
    plan.write("data/kpis/fcr.csv", text);
    plan
}

#[test]
fn a_mistake_on_every_row_of_a_large_file_is_one_problem() {
    let mut text = String::from("date,queue,fcr\n");
    for i in 0..5000 {
        // A queue per 28 days: no row repeats another.
        text.push_str(&format!(
            "{:02}/03/2026,q{},{}\n",
            i % 28 + 1,
            i / 28,
            i % 100
        ));
    }
    let plan = one_file(&text);
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "data/kpis/fcr.csv:2:1: error: dates such as 01/03/2026 are not ISO dates, YYYY-MM-DD (column 'date', lines 2, 3, 4 and 4997 more); if the file uses day/month/year, set `[csv] date_format = \"%d/%m/%Y\"` in cxreport.toml\n\
         1 error, 0 warnings\n"
    );
    plan.write(
        "cxreport.toml",
        "as_of = 2026-03-31\n[csv]\ndate_format = \"%d/%m/%Y\"\n",
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Issue 17: "In a CRLF file, a problem on line 6 is reported at line 5".
#[test]
fn a_problem_in_a_crlf_file_is_reported_at_its_own_line() {
    let plan = one_file(
        "date,channel,fcr\r\n2026-03-01,voice,80\r\n\r\n2026-03-02,voice,81\r\n\
         2026-03-03,voice,82\r\n2026-03-04,voice,oops\r\n",
    );
    let run = plan.run(&["check"]);
    assert_eq!(
        run.stderr,
        "data/kpis/fcr.csv:6:3: error: column 'fcr': \"oops\" is not a number\n1 error, 0 warnings\n"
    );
}

#[test]
fn a_setting_for_a_file_the_plan_does_not_have_is_a_warning() {
    let plan = one_file("date,channel,fcr\n2026-03-01,voice,80\n");
    plan.write(
        "cxreport.toml",
        "as_of = 2026-03-31\n[csv.\"data/kpis/fcr.csv\"]\ndecimal = \".\"\n\
         [csv.\"data/kpis/frc.csv\"]\ndecimal = \".\"\n",
    );
    let run = plan.run(&["check"]);
    assert_eq!(
        run.stderr,
        "cxreport.toml:4:6: warning: [csv.\"data/kpis/frc.csv\"] names no CSV file of the plan, so its settings are not used\n0 errors, 1 warning\n"
    );
}
