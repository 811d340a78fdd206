//! The plan's history, from real git repositories made here with the `git`
//! command: commits, a merged pull request, a deleted file, a commit that
//! touches no data, a shallow clone and a folder that is no repository.

use std::path::Path;

use cxreport::git::{Availability, ChangeKind, read};

use crate::support::{Plan, git};

/// Replaces `from` with `to` in one file of the plan, and commits that.
fn commit_edit(plan: &Plan, path: &str, (from, to): (&str, &str), subject: &str, date: &str) {
    let text = plan.read(path);
    assert!(text.contains(from), "{path} has no {from:?}");
    plan.write(path, &text.replace(from, to));
    git(&plan.root, &["commit", "-q", "-am", subject], date);
}

/// The minimal plan with a scripted history of five commits.
fn repository() -> Plan {
    let plan = Plan::fixture("minimal");
    let dir = &plan.root;
    git(
        dir,
        &["init", "-q", "-b", "main"],
        "2026-01-01T09:00:00+01:00",
    );
    git(dir, &["add", "."], "2026-01-01T09:00:00+01:00");
    git(
        dir,
        &["commit", "-q", "-m", "The plan"],
        "2026-01-01T09:00:00+01:00",
    );

    commit_edit(
        &plan,
        "data/okrs/2026-h1.toml",
        ("target = 90", "target = 92"),
        "Raise the SLA target (#12)",
        "2026-02-01T10:00:00+01:00",
    );

    plan.write(
        "content/plan/diagnosis.md",
        "A new text, no data changed.\n",
    );
    git(
        dir,
        &["commit", "-q", "-am", "Reword the diagnosis"],
        "2026-02-02T10:00:00+01:00",
    );

    git(
        dir,
        &["checkout", "-q", "-b", "drop-sprint"],
        "2026-02-03T10:00:00+01:00",
    );
    git(
        dir,
        &["rm", "-q", "data/sprints/2026-02.toml"],
        "2026-02-03T10:00:00+01:00",
    );
    git(
        dir,
        &["commit", "-q", "-m", "Drop the February sprint"],
        "2026-02-03T10:00:00+01:00",
    );
    git(
        dir,
        &["checkout", "-q", "main"],
        "2026-02-04T10:00:00+01:00",
    );
    git(
        dir,
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge pull request #13 from ana/drop-sprint",
            "drop-sprint",
        ],
        "2026-02-04T10:00:00+01:00",
    );
    plan
}

/// The commits of [`repository`] that changed the data, newest first.
const CHANGED_DATA: [&str; 3] = [
    "Drop the February sprint",
    "Raise the SLA target (#12)",
    "The plan",
];

/// The subjects of a history's commits, in its order.
fn subjects(history: &cxreport::git::History) -> Vec<&str> {
    history.commits.iter().map(|c| c.subject.as_str()).collect()
}

#[test]
fn commits_that_changed_data_newest_first() {
    let plan = repository();
    let history = read(&plan.root);
    assert_eq!(history.availability, Availability::Full);
    // The merge only brings the branch's change, so it does not count again;
    // the commit that changed only content/ is not a change to the data.
    assert_eq!(subjects(&history), CHANGED_DATA);
    let raise = &history.commits[1];
    assert_eq!(raise.pull_request, Some(12));
    assert_eq!(raise.date.to_string(), "2026-02-01");
    assert_eq!(raise.author, "Ana Ruiz");
    assert_eq!(raise.short.len(), 8);
    let files: Vec<(&str, ChangeKind)> = raise
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.kind))
        .collect();
    assert_eq!(files, [("data/okrs/2026-h1.toml", ChangeKind::Modified)]);
    let dropped = &history.commits[0];
    assert_eq!(dropped.files[0].path, "data/sprints/2026-02.toml");
    assert_eq!(dropped.files[0].kind, ChangeKind::Deleted);
    let first = &history.commits[2];
    assert!(first.files.iter().all(|f| f.kind == ChangeKind::Added));
    assert!(first.files.iter().any(|f| f.path == "data/metrics.toml"));
}

#[test]
fn a_commit_that_changes_only_a_file_mode_is_no_change_to_the_data() {
    let plan = repository();
    let date = "2026-02-05T10:00:00+01:00";
    git(
        &plan.root,
        &["update-index", "--chmod=+x", "data/metrics.toml"],
        date,
    );
    git(
        &plan.root,
        &["commit", "-q", "-m", "Mark it executable"],
        date,
    );
    // The data folder's tree differs from its parent's, but not one file's
    // bytes: the history lists what changed the data, and this did not.
    assert_eq!(subjects(&read(&plan.root)), CHANGED_DATA);
}

#[test]
fn the_changes_page_lists_them() {
    let plan = repository();
    plan.build();
    let main = plan.main_of("changes/");
    assert!(
        main.contains("<strong>Raise the SLA target (#12)</strong>"),
        "{main}"
    );
    assert!(main.contains("pull request #12"), "{main}");
    assert!(
        main.contains("<code>data&#x2f;sprints&#x2f;2026-02.toml</code>"),
        "{main}"
    );
    assert!(!main.contains("Reword the diagnosis"), "{main}");
    // Field by field, by id: what the pull request did, in plain words.
    assert!(
        main.contains("key result sla-up: target <del>90</del> → <ins>92</ins>"),
        "{main}"
    );
    assert!(main.contains("sprint 2026-02 removed"), "{main}");
    assert!(main.contains("rows added, now up to"), "{main}");
    // Each data page says when its data last changed, and links the commit.
    let okr = plan.main_of("okrs/2026-h1/");
    let raise = &read(&plan.root).commits[1];
    assert!(
        okr.contains(&format!(
            "This page&#x27;s data last changed on 1 Feb 2026, in commit <a href=\"../../changes/index.html#commit-{0}\"><code>{0}</code></a>: Raise the SLA target (#12)",
            raise.short
        )),
        "{okr}"
    );
    assert!(main.contains(&format!("<li id=\"commit-{}\">", raise.short)));
    // The page's own history: the commits that changed its file, in words.
    assert!(
        okr.contains("<summary>History of this page&#x27;s data</summary>"),
        "{okr}"
    );
    assert!(
        okr.contains("key result sla-up: target <del>90</del> → <ins>92</ins>"),
        "{okr}"
    );
    assert!(
        !okr.contains("Drop the February sprint"),
        "another file's commit: {okr}"
    );
    // The same repository builds the same page.
    let again = plan.run(&["build"]);
    assert_eq!(again.code, 0);
    assert_eq!(plan.main_of("changes/"), main);
}

#[test]
fn a_shallow_clone_says_what_is_missing() {
    let plan = repository();
    let clone = plan.root.with_file_name("shallow");
    let url = format!("file://{}", plan.root.display());
    let parent = plan.root.parent().expect("a parent");
    git(
        parent,
        &["clone", "-q", "--depth", "1", &url, "shallow"],
        "2026-03-01T10:00:00+01:00",
    );
    let history = read(&clone);
    assert_eq!(history.availability, Availability::Shallow);
    assert_eq!(history.commits.len(), 1);
    assert!(history.commits[0].boundary);
    let run = crate::support::run_in(&clone, &["check"]);
    assert_eq!(
        run.code, 0,
        "a warning does not fail the check: {}",
        run.stderr
    );
    assert_eq!(
        run.stderr
            .matches("warning: the plan's repository is a shallow clone")
            .count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
    let github = crate::support::run_in(&clone, &["check", "--format", "github"]);
    assert!(
        github
            .stdout
            .starts_with("::warning::the plan's repository is a shallow clone"),
        "{}",
        github.stdout
    );
    let run = crate::support::run_in(&clone, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(clone.join("site/changes/index.html")).expect("page");
    assert!(page.contains("This is a shallow clone"), "{page}");
}

#[test]
fn a_folder_that_is_no_repository_builds_and_says_so() {
    let plan = Plan::fixture("minimal");
    assert_eq!(read(&plan.root).availability, Availability::NoRepository);
    plan.build();
    assert!(
        plan.main_of("changes/")
            .contains("The plan is not in a git repository"),
        "{}",
        plan.main_of("changes/")
    );
}

#[test]
fn invalid_data_in_an_old_commit_is_said_not_fatal() {
    let plan = repository();
    let dir = &plan.root;
    let good = plan.read("data/metrics.toml");
    plan.write("data/metrics.toml", "[[metric]\nid = \"broken");
    git(
        dir,
        &["commit", "-q", "-am", "A broken catalogue"],
        "2026-03-01T10:00:00+01:00",
    );
    plan.write("data/metrics.toml", &good);
    git(
        dir,
        &["commit", "-q", "-am", "Mend the catalogue"],
        "2026-03-02T10:00:00+01:00",
    );
    let history = read(&plan.root);
    let broken = &history.commits[1];
    assert_eq!(broken.subject, "A broken catalogue");
    assert_eq!(broken.files[0].items, [cxreport::changes::Item::Unreadable]);
    plan.build();
    assert!(
        plan.main_of("changes/")
            .contains("one of the two versions could not be read")
    );
}

#[test]
fn build_rev_reproduces_a_checkout_byte_for_byte() {
    let plan = repository();
    let parent = plan.root.parent().expect("a parent");
    for rev in ["HEAD", "HEAD~1", "HEAD~2", "main~3"] {
        // Built from the object database, into a folder outside the work tree…
        let from_rev = parent.join(format!("rev-{}", rev.replace('~', "-")));
        let run = plan.run(&["build", "--rev", rev, "--out", from_rev.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{rev}: {}", run.stderr);
        // …and from a checkout of the same commit.
        let checkout = parent.join(format!("checkout-{}", rev.replace('~', "-")));
        let url = format!("file://{}", plan.root.display());
        git(
            parent,
            &["clone", "-q", &url, checkout.to_str().unwrap()],
            "2026-03-01T10:00:00+01:00",
        );
        git(
            &checkout,
            &["checkout", "-q", "--detach", rev],
            "2026-03-01T10:00:00+01:00",
        );
        let run = crate::support::run_in(&checkout, &["build"]);
        assert_eq!(run.code, 0, "{rev}: {}", run.stderr);
        assert_eq!(
            crate::support::tree(&from_rev),
            crate::support::tree(&checkout.join("site")),
            "{rev}: the two builds differ"
        );
    }
    // The work tree was not touched.
    let status = git(
        &plan.root,
        &["status", "--porcelain", "--untracked-files=no"],
        "2026-03-01T10:00:00+01:00",
    );
    assert!(status.is_empty(), "{status}");
}

/// Issue 19: `build --rev HEAD~5000` printed gix's internals
/// (`delegate.traverse(NthAncestor(5000)) failed`). Every command that
/// takes a revision says plainly why there is none, as a usage error.
#[test]
fn an_unknown_revision_is_said_plainly_by_every_command() {
    let plan = repository();
    let out = plan.root.parent().unwrap().join("old");
    let out = out.to_str().unwrap();
    // HEAD is the merge; by first parents, three commits come before it.
    let too_far = "error: no revision HEAD~5000 in the repository: the history has only 3 commits before HEAD: HEAD~1 to HEAD~3\n";
    for args in [
        &["build", "--rev", "HEAD~5000", "--out", out][..],
        &["diff", "HEAD~5000"],
        &["diff", "main", "HEAD~5000"],
        &["digest", "--since", "HEAD~5000"],
    ] {
        let run = plan.run(args);
        assert_eq!((run.code, run.stderr.as_str()), (2, too_far), "{args:?}");
    }
    let run = plan.run(&["build", "--rev", "no-such-branch", "--out", out]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: no revision no-such-branch in the repository: no branch, tag or commit is named no-such-branch (`git branch -a` and `git tag` list them)\n"
    );
    let run = plan.run(&["diff", "0123abcd", "HEAD"]);
    assert_eq!(
        run.stderr,
        "error: no revision 0123abcd in the repository: no commit id starts with 0123abcd\n"
    );
    assert!(!Path::new(out).exists());

    // A shallow clone has older commits, only not here: it says how to fetch them.
    let parent = plan.root.parent().unwrap();
    let clone = parent.join("shallow");
    let url = format!("file://{}", plan.root.display());
    git(
        parent,
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
        "2026-03-01T10:00:00+01:00",
    );
    let run = crate::support::run_in(&clone, &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: no revision HEAD~1 in the repository: HEAD is the first commit; this is a shallow clone: fetch the rest with `git fetch --unshallow`\n"
    );

    // A repository with no commit yet.
    let fresh = Plan::fixture("minimal");
    git(&fresh.root, &["init", "-q"], "2026-03-01T10:00:00+01:00");
    let run = fresh.run(&["diff"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            2,
            "error: the repository has no commit yet: commit the plan first\n"
        )
    );
    let run = fresh.run(&["build", "--rev", "HEAD", "--out", out]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            2,
            "error: no revision HEAD in the repository: it has no commit yet; commit the plan first\n"
        )
    );
}

#[test]
fn diff_tells_a_reviewer_what_a_branch_does() {
    let plan = repository();
    let dir = &plan.root;
    git(
        dir,
        &["checkout", "-q", "-b", "raise"],
        "2026-03-01T10:00:00+01:00",
    );
    let okr = plan
        .read("data/okrs/2026-h1.toml")
        .replace("target = 92", "target = 95");
    plan.write("data/okrs/2026-h1.toml", &okr);
    let mut kpis = plan.read("data/kpis/daily.csv");
    kpis.push_str("2026-03-20,voice,100,88,4.0,100\n2026-03-21,voice,100,89,4.1,100\n");
    plan.write("data/kpis/daily.csv", &kpis);
    git(
        dir,
        &["commit", "-q", "-am", "Raise the SLA target again"],
        "2026-03-01T10:00:00+01:00",
    );

    // BASE is where the branch left main; HEAD the work tree.
    let run = plan.run(&["diff"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = &run.stdout;
    assert!(md.starts_with("<!-- cxreport-diff -->\n"), "{md}");
    let base = git(
        dir,
        &["rev-parse", "--short=8", "main"],
        "2026-03-01T10:00:00+01:00",
    );
    assert!(
        md.contains(&format!("\nComparing `{base}` with the work tree.\n")),
        "{md}"
    );
    assert!(
        md.contains("- `data/okrs/2026-h1.toml` changed\n  - key result sla-up: target 92 → 95\n"),
        "{md}"
    );
    assert!(
        md.contains("- `data/kpis/daily.csv` changed\n  - 2 rows added, now up to 2026-03-21\n"),
        "{md}"
    );
    assert!(
        md.contains("### Key result targets\n\n- 2026-h1/sla-up (SLA to 90%): 92 → **95**\n"),
        "{md}"
    );
    assert!(md.contains("### Headline KPIs that move"), "{md}");

    // The same as JSON, and a lowered target can fail the check.
    let json = plan.run(&["diff", "main", "HEAD", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(doc["targets"][0]["lowered"], false);
    // Issue 19: names as they are, with no Markdown code marks in JSON.
    assert_eq!(
        (&doc["base"], &doc["head"]),
        (&"main".into(), &"HEAD".into())
    );
    let json = plan.run(&["diff", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(
        (&doc["base"], &doc["head"]),
        (&base.as_str().into(), &"the work tree".into())
    );
    assert_eq!(doc["report_changes"], true);
    assert_eq!(plan.run(&["diff", "--fail-on", "target-lowered"]).code, 0);
    let okr = plan
        .read("data/okrs/2026-h1.toml")
        .replace("target = 95", "target = 80");
    plan.write("data/okrs/2026-h1.toml", &okr);
    let lowered = plan.run(&["diff", "--fail-on", "target-lowered"]);
    assert_eq!(lowered.code, 3, "{}", lowered.stdout);
    assert!(
        lowered.stdout.contains("92 → **80** (lowered)"),
        "{}",
        lowered.stdout
    );
}

#[test]
fn a_flow_without_versions_takes_them_from_its_commits() {
    let plan = repository();
    let dir = &plan.root;
    let ivr = |steps: &str| {
        format!("name = \"IVR\"\nchannel = \"voice\"\nmetrics = [\"sla\"]\nsteps = [{steps}]\n")
    };
    plan.write(
        "data/flows/ivr.toml",
        &ivr("\"welcome\", \"menu\", \"agent\""),
    );
    git(dir, &["add", "."], "2026-02-10T09:00:00+01:00");
    git(
        dir,
        &["commit", "-q", "-m", "Put the IVR in the plan"],
        "2026-02-10T09:00:00+01:00",
    );
    plan.write(
        "data/flows/ivr.toml",
        &ivr("\"welcome\", \"callback offer\", \"agent\""),
    );
    git(
        dir,
        &[
            "commit",
            "-q",
            "-am",
            "Offer a callback instead of the menu (#14)",
        ],
        "2026-02-20T09:00:00+01:00",
    );

    plan.build();
    let page = plan.main_of("flows/ivr/");
    let history = read(&plan.root);
    let (new, old) = (&history.commits[0].short, &history.commits[1].short);
    // One version a commit, newest first, named and linked by the commit,
    // summarised by its subject, the steps compared with the one before.
    let first = page.find(new.as_str()).expect("the newer commit");
    let second = page.find(old.as_str()).expect("the older commit");
    assert!(first < second, "{page}");
    assert!(
        page.contains(&format!(
            "<a href=\"../../changes/index.html#commit-{new}\"><code>{new}</code></a> <time datetime=\"2026-02-20\">"
        )),
        "{page}"
    );
    assert!(
        page.contains("<p>Offer a callback instead of the menu (#14)</p>"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"step step-added\">+ callback offer</span>"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"step step-removed\">− menu</span>"),
        "{page}"
    );
    assert!(page.contains("the commits that changed it"), "{page}");

    // Out of git, the same file has no versions, and the page says why.
    let copy = crate::support::Plan::fixture("minimal");
    copy.write("data/flows/ivr.toml", &ivr("\"welcome\", \"agent\""));
    copy.build();
    let page = copy.main_of("flows/ivr/");
    assert!(
        page.contains("no commit of it can be read from git"),
        "{page}"
    );
    assert!(page.contains("<li>welcome</li>"), "{page}");
}

#[test]
fn a_page_charts_the_numbers_its_commits_moved() {
    let plan = repository();
    commit_edit(
        &plan,
        "data/okrs/2026-h1.toml",
        ("target = 92", "target = 91.5"),
        "Lower the SLA target a little",
        "2026-02-15T10:00:00+01:00",
    );
    plan.build();
    let page = plan.main_of("okrs/2026-h1/");
    let history = read(&plan.root);
    let short = |subject: &str| {
        history
            .commits
            .iter()
            .find(|c| c.subject == subject)
            .map(|c| c.short.clone())
            .expect("the commit")
    };
    // From the value the file was added with, through each change.
    let point = |value: &str, commit: &str, date: &str, day: &str| {
        format!(
            "<li><strong>{value}</strong> <a href=\"../../changes/index.html#commit-{}\"><time datetime=\"{date}\">{day}</time></a></li>",
            short(commit)
        )
    };
    let row = format!(
        "<td><ol class=\"drift-points\">{}{}{}</ol></td>",
        point("90", "The plan", "2026-01-01", "1 Jan 2026"),
        point(
            "92",
            "Raise the SLA target (#12)",
            "2026-02-01",
            "1 Feb 2026"
        ),
        point(
            "91.5",
            "Lower the SLA target a little",
            "2026-02-15",
            "15 Feb 2026"
        ),
    );
    assert!(page.contains(&row), "{page}");
    assert!(
        page.contains("<td>key result sla-up</td>\n    <td>target</td>"),
        "{page}"
    );
    assert!(page.contains("<svg"), "a sparkline: {page}");
}

#[test]
fn an_initiative_page_has_its_own_history_not_its_files() {
    let plan = repository();
    let file = plan
        .read("data/initiatives.toml")
        .replace("expected_value = 30000", "expected_value = 45000")
        .replace("status = \"in-progress\"", "status = \"done\"");
    plan.write("data/initiatives.toml", &file);
    git(
        &plan.root,
        &["commit", "-q", "-am", "The FAQ bot is live (#15)"],
        "2026-02-20T10:00:00+01:00",
    );
    plan.build();
    let bot = plan.main_of("initiatives/faq-bot/");
    assert!(
        bot.contains("initiative faq-bot: status <del>in-progress</del> → <ins>done</ins>"),
        "{bot}"
    );
    assert!(
        bot.contains("<td>initiative faq-bot</td>\n    <td>expected value</td>"),
        "{bot}"
    );
    assert!(bot.contains("<strong>45,000</strong>"), "{bot}");
    assert!(
        bot.contains(": The FAQ bot is live (#15)</p>"),
        "last changed: {bot}"
    );
    // The other initiative in the same file was not changed by that commit.
    let crm = plan.main_of("initiatives/crm/");
    assert!(!crm.contains("The FAQ bot is live"), "{crm}");
    assert!(crm.contains("initiative crm added"), "{crm}");
    // The list links each initiative to its page.
    let list = plan.main_of("initiatives/");
    assert!(
        list.contains("<a href=\"../initiatives/faq-bot/index.html\">"),
        "{list}"
    );
}

#[test]
fn a_merge_after_main_moved_on_does_not_repeat_its_branch() {
    let plan = repository();
    let dir = &plan.root;
    git(
        dir,
        &["checkout", "-q", "-b", "raise"],
        "2026-03-01T10:00:00+01:00",
    );
    commit_edit(
        &plan,
        "data/okrs/2026-h1.toml",
        ("target = 92", "target = 94"),
        "Raise it again",
        "2026-03-01T10:00:00+01:00",
    );
    git(
        dir,
        &["checkout", "-q", "main"],
        "2026-03-02T10:00:00+01:00",
    );
    let mut kpis = plan.read("data/kpis/daily.csv");
    kpis.push_str("2026-03-20,voice,100,88,4.0,100\n");
    plan.write("data/kpis/daily.csv", &kpis);
    git(
        dir,
        &["commit", "-q", "-am", "A day of KPI rows"],
        "2026-03-02T10:00:00+01:00",
    );
    git(
        dir,
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge pull request #20 from ana/raise",
            "raise",
        ],
        "2026-03-03T10:00:00+01:00",
    );
    let history = read(&plan.root);
    let merge = &history.commits[0];
    assert_eq!(merge.subject, "Merge pull request #20 from ana/raise");
    assert!(merge.merge);
    assert!(merge.files.is_empty(), "{:?}", merge.files);
    plan.build();
    let changes = plan.main_of("changes/");
    assert!(
        changes.contains("A merge: what it brings in is listed"),
        "{changes}"
    );
    assert_eq!(
        changes
            .matches("target <del>92</del> → <ins>94</ins>")
            .count(),
        1,
        "{changes}"
    );
    // One point for the one change, not a second from the merge.
    let okr = plan.main_of("okrs/2026-h1/");
    assert_eq!(okr.matches("<strong>94</strong>").count(), 1, "{okr}");
}

/// Issue 19: `diff` said "The report's figures do not change" after a
/// metric's target changed. A metric target that moves is listed, with
/// what it moves: whether the KPI reliably meets its target, overall and
/// per channel, and when its trend reaches it.
#[test]
fn a_metric_target_moved_is_reported_with_what_it_moves() {
    let plan = Plan::copy_of(Path::new(env!("CARGO_MANIFEST_DIR")));
    // Its own repository, never the one the source is in.
    assert!(!plan.path(".git").exists());
    let date = "2026-11-01T10:00:00+01:00";
    git(&plan.root, &["init", "-q", "-b", "main"], date);
    git(&plan.root, &["add", "."], date);
    git(&plan.root, &["commit", "-q", "-m", "The plan"], date);
    let metrics = plan.read("data/metrics.toml");
    let sla = metrics.find("id = \"sla\"").unwrap();
    let at = sla + metrics[sla..].find("target = 90").unwrap();
    let edited = format!("{}target = 70{}", &metrics[..at], &metrics[at + 11..]);
    plan.write("data/metrics.toml", &edited);

    let run = plan.run(&["diff", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let effect = run.stdout.split("\n## Effect on the report\n").nth(1);
    assert_eq!(
        effect,
        Some(
            "\n### Metric targets\n\n\
             - sla (Response SLA (< 5 min)): 90 → **70** (lowered)\n\
             \n### KPIs whose assurance against the target changes\n\n\
             - Response SLA (< 5 min): fails → **hit-and-miss**\n\
             - Response SLA (< 5 min) (channel: email): fails → **hit-and-miss**\n\
             - Response SLA (< 5 min) (channel: voice): fails → **hit-and-miss**\n\
             - Response SLA (< 5 min) (channel: webchat): fails → **hit-and-miss**\n\
             - Response SLA (< 5 min) (channel: whatsapp): fails → **meets**\n\
             \n### When the trend reaches the target\n\n\
             - Response SLA (< 5 min): 2027-04-11 → **—**\n"
        ),
        "{}",
        run.stdout
    );
    let json = plan.run(&["diff", "HEAD", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        doc["metric_targets"],
        serde_json::json!([{"metric": "sla (Response SLA (< 5 min))", "old": 90.0, "new": 70.0, "lowered": true}])
    );
}

/// Issue 19: "The report's figures do not change" is said only when the
/// two reports are the same. A change that moves figures but no status,
/// target, alert, verdict or headline says so instead.
#[test]
fn no_change_is_said_only_when_nothing_changes() {
    let plan = repository();
    let said = |plan: &Plan| {
        let run = plan.run(&["diff", "HEAD"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let last = run.stdout.lines().last().unwrap_or("").to_owned();
        (last, run.stdout)
    };
    // A content page is no figure.
    plan.write("content/plan/diagnosis.md", "Reworded again.\n");
    let (last, md) = said(&plan);
    assert_eq!(last, "The report's figures do not change.", "{md}");
    // An old day's value moves the figures of its period only.
    let kpis = plan.read("data/kpis/daily.csv");
    plan.write(
        "data/kpis/daily.csv",
        &kpis.replacen("2026-01-15,voice,100,60,", "2026-01-15,voice,100,61,", 1),
    );
    let (last, md) = said(&plan);
    assert_eq!(
        last,
        "No status, target, alert, verdict or headline KPI changes, but other figures of the report do: see the pages of the data that changed.",
        "{md}"
    );
    let json = plan.run(&["diff", "HEAD", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["report_changes"], true);
}
