//! `serve`'s incremental builds against full ones: over a script of twenty
//! edits of every kind of file, in a real git repository, each build that
//! takes over what it can from the last one gives the same problems and the
//! same bytes as a build from scratch, and takes over as much as the edit
//! allows.

use std::collections::BTreeMap;
use std::path::Path;

use cxreport::cache::{Cache, Reused};

use crate::support::{Plan, git};

/// An edit of the plan, and how much of the last build the next one can
/// take over after it (`None`: the build fails, so nothing is said).
struct Edit {
    what: &'static str,
    apply: Box<dyn Fn(&Plan)>,
    reuses: Option<Reused>,
}

fn edit(what: &'static str, reuses: Option<Reused>, apply: impl Fn(&Plan) + 'static) -> Edit {
    Edit {
        what,
        apply: Box::new(apply),
        reuses,
    }
}

/// Replaces `from` with `to` in one file.
fn replace(plan: &Plan, path: &str, from: &str, to: &str) {
    let text = plan.read(path);
    assert!(text.contains(from), "{path} has no {from:?}");
    plan.write(path, &text.replace(from, to));
}

fn append(plan: &Plan, path: &str, line: &str) {
    let text = plan.read(path);
    plan.write(path, &format!("{text}{line}\n"));
}

/// The files a build wrote, or its problems when it failed.
fn outcome(built: anyhow::Result<cxreport::diag::Checked<Option<cxreport::Built>>>) -> String {
    let (built, diags) = built.expect("no I/O failure");
    let problems: Vec<String> = diags.iter().map(|d| format!("{d:?}")).collect();
    match built {
        None => format!("failed:\n{}", problems.join("\n")),
        Some(built) => {
            let files: BTreeMap<&str, &[u8]> = built
                .files
                .iter()
                .map(|f| (f.path.as_str(), f.bytes.as_slice()))
                .collect();
            let digest: Vec<String> = files
                .iter()
                .map(|(path, bytes)| format!("{path} {}", String::from_utf8_lossy(bytes)))
                .collect();
            format!("built:\n{}\n{}", problems.join("\n"), digest.join("\n"))
        }
    }
}

fn full(root: &Path, out: &Path) -> String {
    outcome(cxreport::build(root, Some(out), None, &cxreport::Silent))
}

#[test]
fn incremental_builds_give_the_bytes_of_full_builds_over_twenty_two_edits() {
    let plan = Plan::fixture("minimal");
    let date = "2026-03-01T09:00:00+01:00";
    git(&plan.root, &["init", "-q", "-b", "main"], date);
    git(&plan.root, &["add", "."], date);
    git(&plan.root, &["commit", "-q", "-m", "The plan"], date);
    let (inc_out, full_out) = (plan.path("site-inc"), plan.path("site-full"));
    let base = include_str!("../../templates/base.html");

    use Reused::{Figures, Nothing, Tables};
    let edits = [
        edit("a content page's text", Some(Figures), |p| {
            replace(p, "content/index.md", "**minimal**", "**small**")
        }),
        edit("a content page's title", Some(Figures), |p| {
            replace(
                p,
                "content/plan/diagnosis.md",
                "\"Diagnosis\"",
                "\"Where we are\"",
            )
        }),
        // A top-level page is in the navigation of every page.
        edit("a new top-level content page", Some(Figures), |p| {
            p.write(
                "content/team.md",
                "+++\ntitle = \"Team\"\n+++\nWho we are.\n",
            )
        }),
        edit("a content page removed", Some(Figures), |p| {
            std::fs::remove_file(p.path("content/team.md")).expect("removed")
        }),
        // The template every page extends.
        edit("a template of the plan's own", Some(Figures), move |p| {
            p.write(
                "templates/base.html",
                &base.replace("</footer>", "<p>The plan's own footer.</p></footer>"),
            )
        }),
        edit("a sprint's title", Some(Tables), |p| {
            replace(
                p,
                "data/sprints/2026-02.toml",
                "February sprint",
                "Sprint of February",
            )
        }),
        edit("an initiative's owner", Some(Tables), |p| {
            replace(
                p,
                "data/initiatives.toml",
                "owner = \"Bot team\"",
                "owner = \"Chat team\"",
            )
        }),
        edit("a key result's target", Some(Tables), |p| {
            replace(p, "data/okrs/2026-h1.toml", "target = 90", "target = 88")
        }),
        edit("an audit's title", Some(Tables), |p| {
            replace(
                p,
                "data/audits/2026-q1.toml",
                "Q1 diagnosis",
                "First diagnosis",
            )
        }),
        edit("a flow version's date", Some(Tables), |p| {
            replace(
                p,
                "data/flows/chat-bot.toml",
                "date = 2026-02-10",
                "date = 2026-02-12",
            )
        }),
        edit("a theme's keywords", Some(Nothing), |p| {
            replace(p, "data/themes.toml", "\"wait*\"", "\"wait*\", \"slow\"")
        }),
        edit("a metric's target", Some(Nothing), |p| {
            replace(p, "data/metrics.toml", "target = 90", "target = 92")
        }),
        edit("a KPI row", Some(Nothing), |p| {
            append(p, "data/kpis/daily.csv", "2026-03-03,chat,200,91,3.9,210")
        }),
        edit("a survey response", Some(Nothing), |p| {
            append(
                p,
                "data/surveys/responses.csv",
                "r5,2026-03-05,chat,9,5,2,4,Quick answer",
            )
        }),
        edit("the plan's title", Some(Nothing), |p| {
            replace(p, "cxreport.toml", "Minimal plan", "Small plan")
        }),
        edit("a broken key result", None, |p| {
            replace(p, "data/okrs/2026-h1.toml", "target = 88", "target = = 88")
        }),
        edit("the key result mended", Some(Figures), |p| {
            replace(p, "data/okrs/2026-h1.toml", "target = = 88", "target = 88")
        }),
        edit("a sprint saved with the same bytes", Some(Figures), |p| {
            let text = p.read("data/sprints/2026-02.toml");
            p.write("data/sprints/2026-02.toml", &text);
        }),
        edit("a commit: HEAD moves", Some(Tables), move |p| {
            git(&p.root, &["add", "."], "2026-03-02T09:00:00+01:00");
            git(
                &p.root,
                &["commit", "-q", "-m", "Edits"],
                "2026-03-02T09:00:00+01:00",
            );
        }),
        edit("a KPI file removed", Some(Nothing), |p| {
            std::fs::remove_file(p.path("data/kpis/pulse.csv")).expect("removed")
        }),
        // The first case file: survey answers keep their ids from now on.
        edit("a follow-up case opened", Some(Nothing), |p| {
            p.write(
                "data/cases/2026.csv",
                "id,opened,closed,owner,response_id\nc1,2026-03-02,,Ana,r1\n",
            )
        }),
        edit("the case closed", Some(Nothing), |p| {
            replace(
                p,
                "data/cases/2026.csv",
                "c1,2026-03-02,,Ana",
                "c1,2026-03-02,2026-03-05,Ana",
            )
        }),
    ];
    assert_eq!(edits.len(), 22);

    let mut cache = Cache::default();
    let first = outcome(cxreport::build_again(
        &mut cache,
        &plan.root,
        Some(&inc_out),
        &cxreport::Silent,
    ));
    assert_eq!(first, full(&plan.root, &full_out));
    assert_eq!(cache.reused(), Some(Nothing));
    for e in edits {
        (e.apply)(&plan);
        let incremental = outcome(cxreport::build_again(
            &mut cache,
            &plan.root,
            Some(&inc_out),
            &cxreport::Silent,
        ));
        assert!(
            incremental == full(&plan.root, &full_out),
            "after {}, the incremental build differs from a full one",
            e.what
        );
        if let Some(reuses) = e.reuses {
            assert!(
                incremental.starts_with("built"),
                "after {}: {incremental}",
                e.what
            );
            assert_eq!(cache.reused(), Some(reuses), "after {}", e.what);
        } else {
            assert!(incremental.starts_with("failed"), "after {}", e.what);
        }
    }
}
