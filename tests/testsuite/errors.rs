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

/// Issue 14: a file whose name is not UTF-8 was never read, and the plan
/// was said to be valid without its data.
#[cfg(target_os = "linux")]
#[test]
fn a_file_name_that_is_not_utf8_is_a_problem() {
    use std::os::unix::ffi::OsStrExt as _;
    let plan = Plan::fixture("minimal");
    let name = |bytes: &[u8]| std::ffi::OsStr::from_bytes(bytes).to_owned();
    fs::write(
        plan.root.join("data/kpis").join(name(b"caf\xe9.csv")),
        "date,metric,value\n2026-03-01,aht,4\n",
    )
    .unwrap();
    fs::write(
        plan.root.join("content").join(name(b"ni\xf1o.md")),
        "# Page\n",
    )
    .unwrap();
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "content/ni\\xF1o.md:1:1: error: this file's name is not UTF-8 text, so the file is not read: rename it\n\
         data/kpis/caf\\xE9.csv:1:1: error: this file's name is not UTF-8 text, so the file is not read: rename it\n\
         2 errors, 0 warnings\n"
    );
}

/// Issue 14: an ESC byte in a value or a file name went to the terminal
/// raw, so a crafted value could rewrite the error line above it.
#[test]
fn control_characters_from_the_plan_never_reach_the_terminal() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "data/kpis/\x1b[1Apulse.csv",
        "date,metric,value,team\n2026-03-01,aht,4\x1b[2K,\x1b[1Ax\n2026-03-02,\x1b]0;pwned\x07,4,x\n",
    );
    plan.write(
        "cxreport.toml",
        "as_of = 2026-03-31\n[compare]\nwindow_days = \"\\u001b[2KThe plan is valid.\"\n",
    );
    let human = plan.run(&["check"]);
    assert_eq!(human.code, 1, "{}", human.stderr);
    assert!(!human.stderr.contains('\x1b'), "{:?}", human.stderr);
    assert!(!human.stderr.contains('\x07'), "{:?}", human.stderr);
    assert!(
        human.stderr.contains(
            "data/kpis/\\u{1b}[1Apulse.csv:2:3: error: column 'value': \"4\\u{1b}[2K\" is not a number\n"
        ),
        "{}",
        human.stderr
    );
    let github = plan.run(&["check", "--format", "github"]);
    assert!(!github.stdout.contains('\x1b'), "{:?}", github.stdout);
    assert!(
        github
            .stdout
            .contains("::error file=data/kpis/\\u{1b}[1Apulse.csv,line=2,col=3::"),
        "{}",
        github.stdout
    );
    // serde writes them as \u001b, which is JSON.
    let json = plan.run(&["check", "--format", "json"]);
    assert!(!json.stdout.contains('\x1b'), "{:?}", json.stdout);

    // A build's summary line names the output folder the plan chose.
    let plan = Plan::fixture("minimal");
    plan.write(
        "cxreport.toml",
        "as_of = 2026-03-31\n[build]\noutput_dir = \"out\\u001b[2K\"\n",
    );
    let run = plan.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("/out\\u{1b}[2K in "),
        "{:?}",
        run.stderr
    );
}
