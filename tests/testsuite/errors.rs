//! Failure fixtures: every `tests/fixtures/invalid-*` plan must report exactly
//! the problems in its `expected.stderr`, exit 1, and leave an existing site alone.

use std::fs;

use crate::support::{Plan, assert_matches_file, fixtures, tree};

fn invalid_fixtures() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(fixtures())
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("invalid-"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    names
}

#[test]
fn check_reports_every_problem_with_its_place() {
    for name in invalid_fixtures() {
        let plan = Plan::fixture(&name);
        let run = plan.run(&["check"]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{name}: human output goes to stderr");
        assert_matches_file(&run.stderr, &fixtures().join(&name).join("expected.stderr"));
    }
}

#[test]
fn a_failed_build_leaves_the_previous_site_as_it_was() {
    let plan = Plan::fixture("minimal");
    plan.build();
    let before = tree(&plan.path("site"));
    // Break one file: the build must fail and not touch site/.
    plan.write("data/metrics.toml", "[[metric]]\nid = \"sla\"\n");
    let run = plan.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("data/metrics.toml:1:1: error: missing required key `name` in [[metric]]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with("the site was not written\n"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&plan.path("site")), before);
    let leftovers: Vec<_> = fs::read_dir(&plan.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".site.lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_invalid_plan_fails_build_too() {
    let plan = Plan::fixture("invalid-plan");
    let run = plan.run(&["build"]);
    assert_eq!(run.code, 1);
    assert!(!plan.path("site").exists());
}

#[test]
fn github_annotations_and_json() {
    let plan = Plan::fixture("invalid-plan");
    let run = plan.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains(
            "::error file=data/kpis/daily.csv,line=3,col=3::column 'sla': \"n/a\" is not a number\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("::warning file=data/okrs/2026-h1.toml,line=13,col=12::"),
        "{}",
        run.stdout
    );

    let run = plan.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let human = plan.run(&["check"]).stderr;
    let errors = human.matches(": error: ").count();
    assert_eq!(doc["errors"], errors as u64);
    assert_eq!(doc["diagnostics"][0]["file"], "cxreport.toml");
    assert_eq!(doc["diagnostics"][0]["line"], 4);
}
