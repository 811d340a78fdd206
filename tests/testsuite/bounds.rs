//! Bounded work: no input makes a build run for minutes or write a site of
//! hundreds of megabytes. Template loops in a content page have a budget, a
//! date far from the rest of the data is a problem at its line, and period
//! lists end where the data ends, whatever `as_of` says.

use std::time::{Duration, Instant};

use crate::support::Plan;

/// The exit code and stderr of `check`, which must come back in seconds.
fn check_promptly(plan: &Plan) -> (i32, String) {
    let started = Instant::now();
    let run = plan.run(&["check"]);
    // Not a timing test: an unbounded run takes minutes, so anything under
    // a minute says the work was bounded.
    assert!(started.elapsed() < Duration::from_secs(60), "check hung");
    (run.code, run.stderr)
}

#[test]
fn nested_template_loops_in_a_page_are_an_error_not_a_hang() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "content/loops.md",
        "+++\ntitle = \"Loops\"\n+++\nText\n\n\
         {% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}\n",
    );
    let (code, stderr) = check_promptly(&plan);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "content/loops.md:6:55: error: the page's template code does too much work (more than 1000000 steps): look for a loop inside a loop, or a very long one"
        ),
        "{stderr}"
    );
    // A page that loops over a few thousand items is well within it.
    plan.write(
        "content/loops.md",
        "+++\ntitle = \"Loops\"\n+++\n{% for a in range(3000) %}- {{ a }}\n{% endfor %}\n",
    );
    let (code, stderr) = check_promptly(&plan);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_date_far_from_the_rest_is_a_problem_at_its_line() {
    let plan = Plan::fixture("minimal");
    let kpis = plan.read("data/kpis/daily.csv");
    plan.write(
        "data/kpis/daily.csv",
        &kpis.replacen("2026-01-15,chat", "0001-01-02,chat", 1),
    );
    let mut surveys = plan.read("data/surveys/responses.csv");
    surveys.push_str("r98,0026-01-02,voice,3,,,,\nr99,9026-01-02,voice,3,,,,\n");
    plan.write("data/surveys/responses.csv", &surveys);
    let (code, stderr) = check_promptly(&plan);
    assert_eq!(code, 1, "{stderr}");
    for expected in [
        "data/kpis/daily.csv:3:1: error: the date 0001-01-02 is more than ten years before the earliest other date, 2026-01-15: a typo? Dates this far from the rest would stretch every chart across the gap",
        "data/surveys/responses.csv:",
        "the date 0026-01-02 is more than ten years before the earliest other date, 2026-01-15",
        "the date 9026-01-02 is more than ten years after the latest other date, 2026-03-04",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
}

#[test]
fn as_of_far_from_the_data_is_a_problem_in_the_settings() {
    let plan = Plan::fixture("minimal");
    let config = plan.read("cxreport.toml");
    plan.write(
        "cxreport.toml",
        &config.replace("as_of = 2026-03-31", "as_of = 9999-12-31"),
    );
    let (code, stderr) = check_promptly(&plan);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "cxreport.toml:3:9: error: `as_of = 9999-12-31` is more than ten years after the latest date in the data, 2026-03-04: a typo?"
        ),
        "{stderr}"
    );
}

#[test]
fn period_lists_end_where_the_data_ends() {
    let plan = Plan::fixture("minimal");
    plan.build();
    let near = plan.read("site/api/report.json").len();
    // Nine years on: allowed, but nothing new to list.
    let config = plan.read("cxreport.toml");
    plan.write(
        "cxreport.toml",
        &config.replace("as_of = 2026-03-31", "as_of = 2035-03-31"),
    );
    plan.build();
    let report = plan.read("site/api/report.json");
    let json: serde_json::Value = serde_json::from_str(&report).expect("JSON");
    for theme in json["themes"].as_array().expect("themes") {
        let weeks = theme["weekly"].as_array().expect("weekly");
        let last = weeks.last().expect("a week")["week"]
            .as_str()
            .expect("text");
        assert!(last.starts_with("2026-"), "{last}");
        // No response came in the week of `as_of`: no count, not zero.
        assert!(theme["latest_week"].is_null(), "{theme}");
    }
    // The stale-data alerts grow a little; the lists do not run to 2035.
    assert!(
        report.len() < near * 2,
        "{} bytes, from {near}",
        report.len()
    );
}

#[test]
fn a_keyword_that_is_no_word_is_refused_before_matching() {
    let plan = Plan::fixture("minimal");
    // A fuzz finding: preparing the matcher for a 70 KB "keyword" took 20 s.
    let long = "[a](".repeat(17_000);
    let themes = plan.read("data/themes.toml");
    let at = themes.find("keywords = [").expect("keywords") + "keywords = [".len();
    let mut changed = themes.clone();
    changed.insert_str(at, &format!("\"{long}\", "));
    plan.write("data/themes.toml", &changed);
    let (code, stderr) = check_promptly(&plan);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "error: the keyword \"[a]([a]([a]([a]([a](…\" is longer than 100 characters: a keyword is a word or a short phrase"
        ),
        "{stderr}"
    );
}

#[test]
fn a_page_places_a_bounded_number_of_components() {
    let plan = Plan::fixture("minimal");
    // Each failing call renders the page again: mistakes among thousands
    // of calls took 42 s (a fuzz finding).
    let mut page = String::from("+++\ntitle = \"Many\"\n+++\n");
    for i in 0..3_000 {
        let id = if i % 100 == 99 { "slaa" } else { "sla" };
        page.push_str(&format!("{{{{ kpi_card(\"{id}\") }}}}\n\n"));
    }
    plan.write("content/many.md", &page);
    let (code, stderr) = check_promptly(&plan);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("content/many.md:202:4: error: kpi_card: no metric `slaa` in data/metrics.toml; did you mean `sla`?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: this page places more than 2000 components, counting the renders that find each problem: fix the problems reported above it, or place fewer"),
        "{stderr}"
    );
    // A page of tens of components, the real kind, is well within it.
    plan.write(
        "content/many.md",
        &page.replace("slaa", "sla")[..page.len() / 100],
    );
    let (code, stderr) = check_promptly(&plan);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_long_page_of_mistakes_is_not_parsed_again_without_end() {
    let plan = Plan::fixture("minimal");
    // Each failing call parses the page again: 50 times 3 MB took 4.5 s
    // (a fuzz finding). Past 4 MB read again, the problems so far are it.
    plan.write(
        "content/many.md",
        &format!(
            "+++\ntitle = \"Many\"\n+++\n{}",
            "{{ kpi_card(\"slaa\") }}\n\n".repeat(30_000)
        ),
    );
    let (code, stderr) = check_promptly(&plan);
    assert_eq!(code, 1, "{stderr}");
    let errors = stderr
        .matches(": error: kpi_card: no metric `slaa`")
        .count();
    assert!((2..50).contains(&errors), "{errors} errors:\n{stderr}");
}

/// Issue 17: a whole export read twice, and a file of one row over and
/// over, are a few problems each, not one per row.
#[test]
fn repeated_rows_are_a_few_problems_however_many_there_are() {
    let plan = Plan::fixture("minimal");
    let mut rows = String::from("date,channel,weight,sla,aht,contacts\n");
    for day in 0..100_000 {
        let date = jiff::civil::date(2020, 1, 1)
            .checked_add(jiff::Span::new().days(day % 2_000))
            .expect("a date");
        rows.push_str(&format!("{date},queue-{},10,80,5,10\n", day / 2_000));
    }
    plan.write("data/kpis/export.csv", &rows);
    plan.write("data/kpis/export-again.csv", &rows);
    let same = "2026-02-01,bounds,10,80,5,10\n".repeat(50_000);
    plan.write(
        "data/kpis/same.csv",
        &format!("date,channel,weight,sla,aht,contacts\n{same}"),
    );
    let (code, stderr) = check_promptly(&plan);
    assert_eq!(code, 1, "{stderr}");
    let repeats: Vec<&str> = stderr.lines().filter(|l| l.contains("repeat")).collect();
    assert_eq!(repeats.len(), 2 * (3 + 1), "{stderr}");
    assert!(
        stderr.contains(
            // Read second: `-` comes before `.` in path order.
            "data/kpis/export.csv:5:1: error: and 99997 more rows of this file, from this one on, repeat rows of data/kpis/export-again.csv"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "data/kpis/same.csv:3:1: error: this row repeats data/kpis/same.csv:2 (the same date, dimension values and metrics `sla`, `aht` and `contacts`)"
        ),
        "{stderr}"
    );
}

/// A file whose lines end in CR alone (as old Mac programs save them) is
/// read in one pass: the search for a line feed used to run to the end of
/// what was read (up to a quarter of a megabyte) once per record, which
/// made such a file five times slower to check than the same file with
/// LFs, and a hang for the fuzzer's debug build (issue 17).
#[test]
fn a_file_of_lines_ended_by_cr_alone_is_read_in_one_pass() {
    let plan = Plan::fixture("minimal");
    let mut text = String::from("date,channel,weight,sla,aht,contacts\r");
    for i in 0..150_000 {
        text.push_str(&format!(
            "2026-{:02}-{:02},voice,100,{},5.0,100\r",
            i % 3 + 1,
            i % 28 + 1,
            i % 100
        ));
    }
    plan.write("data/kpis/daily.csv", &text);
    check_promptly(&plan);
}
