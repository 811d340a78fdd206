//! `scripts/demo-repo`: the example plan with a scripted git history. Its
//! /changes/ page and `cxreport diff main raise-whatsapp-sla` say in plain words
//! what the history did, and the script makes the same commits every run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

use crate::support::{Run, run_in};

/// Runs `scripts/demo-repo <tmp>/demo` (with bash, so that the file's mode
/// does not matter) and returns the repository and what the script printed.
fn demo_repo(tmp: &Path) -> (PathBuf, String) {
    let dir = tmp.join("demo");
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/demo-repo"))
        .arg(&dir)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "scripts/demo-repo failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Reads from a repository (the date only matters to what git writes).
fn git(dir: &Path, args: &[&str]) -> String {
    crate::support::git(dir, args, "2026-12-01T00:00:00Z")
}

/// A page's text: tags removed, entities decoded, spaces collapsed.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let words: Vec<&str> = text.split_whitespace().collect();
    words.join(" ")
}

#[test]
fn the_demo_repository_tells_its_history_and_is_the_same_every_run() {
    // Two runs of the script, and the build and the diff of the first, run
    // side by side to keep the test short.
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (dir, again, said, build, diff): (PathBuf, PathBuf, String, Run, Run) =
        thread::scope(|s| {
            let second = s.spawn(|| demo_repo(b.path()));
            let (dir, said) = demo_repo(a.path());
            let head = dir.clone();
            let diff = s.spawn(move || run_in(&head, &["diff", "main", "raise-whatsapp-sla"]));
            let build = run_in(&dir, &["build"]);
            let diff = diff.join().unwrap();
            (dir, second.join().unwrap().0, said, build, diff)
        });
    assert!(
        said.contains("cxreport diff main raise-whatsapp-sla"),
        "{said}"
    );

    // The same script makes the same commits.
    for rev in ["main", "raise-whatsapp-sla"] {
        assert_eq!(
            git(&dir, &["rev-parse", rev]),
            git(&again, &["rev-parse", rev])
        );
    }
    assert_eq!(git(&dir, &["symbolic-ref", "--short", "HEAD"]), "main");
    let commits: usize = git(&dir, &["rev-list", "--count", "main"]).parse().unwrap();
    assert!((40..=70).contains(&commits), "{commits} commits");

    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(!build.stderr.contains("warning"), "{}", build.stderr);
    let changes = text_of(&std::fs::read_to_string(dir.join("site/changes/index.html")).unwrap());
    for said in [
        // A target raised in a merged pull request, one lowered in a squash.
        "Merge pull request #6 from tiendanorte/raise-whatsapp-sla",
        "key result sla-whatsapp: target 85 → 90",
        "Lower the agent satisfaction target to 88 % and start weekly coaching (#9)",
        "key result agent-sat: target 90 → 88",
        "key result macros-coverage: current 14 → 22",
        // An audit finding corrected after the audit was committed.
        "finding Automation: Share of FAQ contacts automated: current 25 → 27",
        // Initiatives moving.
        "initiative returns-self-service: status in-progress → done",
        "initiative kb-refresh: due 2026-10-31 → 2026-11-30",
        "initiative proactive-notifications added",
        // Flow versions added after their date.
        "Returns journey 2.0: label and pickup in the chat",
        "version 2.0 added",
        "sprint 2026-10 added",
        // KPI rows week by week; main stops a week before the data does.
        "Add KPI rows for week 43",
        "28 rows added, now up to 25 Oct 2026",
    ] {
        assert!(
            changes.contains(said),
            "/changes/ does not say {said:?}:\n{changes}"
        );
    }
    assert!(!changes.contains("now up to 31 Oct 2026"), "{changes}");

    // A flow file without [[version]] entries gets its versions from git.
    if Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/flows/voice-ivr.toml")
        .is_file()
    {
        let flow =
            text_of(&std::fs::read_to_string(dir.join("site/flows/voice-ivr/index.html")).unwrap());
        for subject in [
            "Offer a callback after two minutes in the voice queue",
            "Phone menu: order number by keypad, no sub-menu",
        ] {
            assert!(flow.contains(subject), "{subject:?}:\n{flow}");
        }
    }

    // The open branch: a raised target and the last week of rows.
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    for said in [
        "<!-- cxreport-diff -->",
        "Comparing `main` with `raise-whatsapp-sla`.",
        "`data/okrs/2026-h2.toml` changed",
        "key result sla-whatsapp: target 90 → 95",
        "`data/kpis/daily.csv` changed",
        "24 rows added",
        "### Key result targets\n\n- 2026-h2/sla-whatsapp (WhatsApp service level from 55 % to 95 %): 90 → **95**\n",
    ] {
        assert!(
            diff.stdout.contains(said),
            "diff does not say {said:?}:\n{}",
            diff.stdout
        );
    }
    // A retitled key result whose status stays is not a status change (the
    // week of rows moves others: time passes while their level holds).
    let changes = diff
        .stdout
        .split("### Key results whose status changes")
        .nth(1)
        .and_then(|rest| rest.split("###").next())
        .unwrap_or_default();
    assert!(!changes.contains("sla-whatsapp"), "{}", diff.stdout);
}
