//! The command line itself: help, exit statuses, paths.

use crate::support::{Plan, run_in, tree};

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["--help"][..], &["build", "--help"], &["check", "--help"]] {
        let run = run_in(dir.path(), args);
        assert_eq!(run.code, 0, "{args:?}");
        assert!(
            run.stdout.contains("Usage: cxreport"),
            "{args:?}: {}",
            run.stdout
        );
    }
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_in(dir.path(), &["build", "--frobnicate"]).code, 2);
    let run = run_in(dir.path(), &["check", "--root", "no-such-dir"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: no-such-dir is not a directory\n");
}

#[test]
fn an_empty_directory_is_a_valid_plan() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["check"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, "The plan is valid.\n"));
    let run = run_in(dir.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("site/index.html").is_file());
}

#[test]
fn out_is_relative_to_the_working_directory_and_output_dir_to_the_root() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "cxreport.toml",
        "title = \"T\"\n[build]\noutput_dir = \"public\"\n",
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let root = plan.root.to_str().unwrap();
    let run = run_in(elsewhere.path(), &["build", "--root", root]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(plan.path("public/index.html").is_file());
    let run = run_in(
        elsewhere.path(),
        &["build", "--root", root, "--out", "here"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(elsewhere.path().join("here/index.html").is_file());
}

#[test]
fn never_replaces_a_directory_it_did_not_write() {
    let plan = Plan::fixture("minimal");
    plan.write("docs/notes.md", "mine");
    let run = plan.run(&["build", "--out", "docs"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("it was not written by cxreport"),
        "{}",
        run.stderr
    );
    assert_eq!(plan.read("docs/notes.md"), "mine");
    let run = plan.run(&["build", "--out", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("it contains the plan itself"),
        "{}",
        run.stderr
    );
}

#[test]
fn builds_are_reproducible() {
    let plan = Plan::fixture("minimal");
    assert_eq!(plan.run(&["build", "--out", "a"]).code, 0);
    assert_eq!(plan.run(&["build", "--out", "b"]).code, 0);
    let (a, b) = (tree(&plan.path("a")), tree(&plan.path("b")));
    assert!(a.len() > 10);
    assert!(a == b, "two builds of the same plan differ");
}
