//! Builds that run at the same time into one output folder (issue 14, item 2):
//! whatever the timing, the folder published is one whole site, every build
//! succeeds, and the next build still accepts the folder. Before the output
//! lock, one build's cleaning removed the staging folder the other was still
//! filling, and that one then published what was left of it.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Plan, run_in};

/// Content pages added to the large plan, so that its build spends a while
/// writing.
const EXTRA_PAGES: usize = 200;

const PAIRS: usize = 20;

/// How many files are below `dir`.
fn count_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter(|e| e.as_ref().expect("readable").file_type().is_file())
        .count()
}

/// What is wrong with the published site, if anything: it must be one of
/// the sites whose file counts are `whole`.
fn fault(out: &Path, whole: &[usize]) -> Option<String> {
    if !out.join(".cxreport-site").is_file() {
        return Some("no marker".to_owned());
    }
    if !out.join("index.html").is_file() {
        return Some("no index.html".to_owned());
    }
    let found = count_files(out);
    (!whole.contains(&found)).then(|| format!("{found} files, not one of {whole:?}"))
}

fn spawn_build(plan: &Plan, out: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cxreport"))
        .args(["--quiet", "build", "--out", out])
        .current_dir(&plan.root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

/// Returns once `build` is writing (its staging folder is there) or done.
fn wait_until_writing(build: &mut Child, parent: &Path) {
    let staging = parent.join(format!(".out.new-{}", build.id()));
    let until = Instant::now() + Duration::from_secs(20);
    while !staging.exists() && Instant::now() < until {
        if build.try_wait().expect("a status").is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn two_builds_into_one_folder_publish_one_whole_site() {
    let large = Plan::fixture("minimal");
    for i in 0..EXTRA_PAGES {
        large.write(
            &format!("content/extra/page-{i}.md"),
            &format!("+++\ntitle = \"Page {i}\"\n+++\nText of page {i}.\n"),
        );
    }
    let small = Plan::fixture("minimal");
    let parent = large.root.parent().expect("a parent");
    let out = parent.join("out");
    let out_arg = out.to_str().expect("a UTF-8 path");
    let mut whole = Vec::new();
    for plan in [&large, &small] {
        let lone = plan.run(&["build", "--out", out_arg]);
        assert_eq!(lone.code, 0, "{}", lone.stderr);
        whole.push(count_files(&out));
    }

    // Even pairs: the small plan twice, started together. Odd pairs, as in
    // the issue: the large plan, and the small one started once the large
    // one is writing, so that the small one is done first and the large one
    // publishes last (the small site published before makes the large one
    // write all its files). Each pair's builds are the next builds after the
    // pair before. Pairs are counted apart: a broken site is removed and
    // built again, so that one bad pair does not spoil those after it.
    let mut bad = Vec::new();
    for pair in 0..PAIRS {
        let (first, second) = if pair % 2 == 0 {
            (spawn_build(&small, out_arg), spawn_build(&small, out_arg))
        } else {
            let mut first = spawn_build(&large, out_arg);
            wait_until_writing(&mut first, parent);
            (first, spawn_build(&small, out_arg))
        };
        let mut faults = Vec::new();
        for build in [first, second] {
            let done = build.wait_with_output().expect("the build ends");
            if !done.status.success() {
                faults.push(format!(
                    "{}: {}",
                    done.status,
                    String::from_utf8_lossy(&done.stderr).trim()
                ));
            }
        }
        faults.extend(fault(&out, &whole).map(|f| format!("published {f}")));
        if !faults.is_empty() {
            bad.push(format!("pair {pair}: {}", faults.join("; ")));
            if out.exists() {
                fs::remove_dir_all(&out).expect("rm");
            }
            assert_eq!(small.run(&["build", "--out", out_arg]).code, 0);
        }
    }
    let next = run_in(&large.root, &["build", "--out", out_arg]);
    assert_eq!(next.code, 0, "the build after the pairs: {}", next.stderr);
    let leftovers: Vec<_> = fs::read_dir(parent)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".out.new-") || name.starts_with(".out.old-"))
        .collect();
    assert!(
        bad.is_empty() && leftovers.is_empty(),
        "{} of {PAIRS} pairs went wrong:\n{}\nleft behind: {leftovers:?}",
        bad.len(),
        bad.join("\n")
    );
}
