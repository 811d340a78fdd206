//! The command line itself: help, exit statuses, paths.

use crate::support::{Plan, git, run_in, tree};

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["build", "--help"],
        &["check", "--help"],
        &["init", "--help"],
        &["new", "--help"],
        &["new", "flow-version", "--help"],
        &["diff", "--help"],
        &["serve", "--help"],
        &["import", "--help"],
        &["pull", "--help"],
    ] {
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

/// Issue 17: `check` in the wrong folder said "The plan is valid." and
/// `build` wrote an empty site there.
#[test]
fn a_folder_with_no_plan_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let shown = std::fs::canonicalize(&empty).unwrap();
    let said = format!(
        "error: could not find cxreport.toml in {} or any parent folder; run `cxreport init` to start a plan there\n",
        shown.display()
    );
    for args in [
        &["check"][..],
        &["build"],
        &["serve", "--port", "0"],
        &["diff", "HEAD"],
        &["new", "sprint", "--date", "2026-01-01"],
    ] {
        let run = run_in(&empty, args);
        assert_eq!(
            (run.code, run.stderr.as_str()),
            (2, said.as_str()),
            "{args:?}"
        );
    }
    let run = run_in(dir.path(), &["check", "--root", "empty"]);
    assert_eq!((run.code, run.stderr.as_str()), (2, said.as_str()));
    // Nothing was written: no site, no sprint.
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0);
}

/// Run from inside a plan, as cargo is run from inside a crate, a command
/// works on the plan whose `cxreport.toml` is nearest above.
#[test]
fn a_plan_is_found_from_any_folder_inside_it() {
    let plan = Plan::fixture("minimal");
    let inside = plan.path("data/kpis");
    let run = run_in(&inside, &["check"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, "The plan is valid.\n"));
    let run = run_in(&inside, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(plan.path("site/index.html").is_file());
    assert!(!inside.join("site").exists());
    let run = run_in(&plan.root, &["check", "--root", "content"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // An empty cxreport.toml is a plan with every default.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cxreport.toml"), "").unwrap();
    let run = run_in(dir.path(), &["check"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, "The plan is valid.\n"));
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

#[test]
fn a_rebuild_leaves_unchanged_files_as_they_were() {
    let plan = Plan::fixture("minimal");
    let first = plan.run(&["build"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains(", 0 unchanged) into "),
        "{}",
        first.stderr
    );
    let mtime = |rel: &str| {
        std::fs::metadata(plan.path(rel))
            .and_then(|m| m.modified())
            .expect("mtime")
    };
    let (style, audit) = (
        mtime("site/static/style.css"),
        mtime("site/audits/2026-q1/index.html"),
    );
    std::thread::sleep(std::time::Duration::from_millis(20));

    let audit_file =
        plan.read("data/audits/2026-q1.toml")
            .replacen("title = \"", "title = \"Revised: ", 1);
    plan.write("data/audits/2026-q1.toml", &audit_file);
    let second = plan.run(&["build"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    // The audit's own page was written again; the stylesheet was left alone.
    assert_ne!(mtime("site/audits/2026-q1/index.html"), audit);
    assert_eq!(mtime("site/static/style.css"), style);
    let files = |s: &str| -> Option<(usize, usize)> {
        let inner = s.split_once(" pages (")?.1.split_once(") into")?.0;
        let (all, unchanged) = inner.split_once(" files, ")?;
        Some((
            all.parse().ok()?,
            unchanged.strip_suffix(" unchanged")?.parse().ok()?,
        ))
    };
    let (all, unchanged) = files(&second.stderr).expect("the summary line");
    assert!(unchanged > 0 && unchanged < all, "{}", second.stderr);
}

#[test]
fn init_makes_a_plan_that_builds_and_refuses_a_full_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let run = run_in(tmp.path(), &["init", "demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let demo = tmp.path().join("demo");
    assert!(run.stdout.contains("cxreport.toml"), "{}", run.stdout);
    assert!(demo.join(".github/workflows/cxreport.yml").is_file());
    assert!(
        std::fs::read_to_string(demo.join(".gitignore"))
            .unwrap()
            .starts_with("# The site cxreport builds: made again on every build.\n/site/\n")
    );
    // It checks clean and builds at once, every page of every kind.
    let check = run_in(&demo, &["check"]);
    assert_eq!(
        (check.code, check.stderr.as_str()),
        (0, "The plan is valid.\n")
    );
    let build = run_in(&demo, &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(!build.stderr.contains("warning"), "{}", build.stderr);
    for page in [
        "index.html",
        "kpis/sla/index.html",
        "audits/2026-q1/index.html",
        "okrs/2026-h1/index.html",
        "flows/chat-bot/index.html",
        "sprints/2026-02/index.html",
        "voc/index.html",
        "plan/diagnosis/index.html",
    ] {
        assert!(demo.join("site").join(page).is_file(), "{page}");
    }

    // A folder with something in it is refused, and left as it was…
    let again = run_in(tmp.path(), &["init", "demo"]);
    assert_eq!(again.code, 2);
    assert!(
        again
            .stderr
            .contains("is not empty (cxreport.toml, data/metrics.toml"),
        "{}",
        again.stderr
    );
    std::fs::write(demo.join("cxreport.toml"), "title = \"Mine\"\n").unwrap();
    assert_eq!(run_in(tmp.path(), &["init", "demo"]).code, 2);
    assert_eq!(
        std::fs::read_to_string(demo.join("cxreport.toml")).unwrap(),
        "title = \"Mine\"\n"
    );
    // …unless --force, which leaves the other files alone.
    std::fs::write(demo.join("notes.txt"), "keep").unwrap();
    assert_eq!(run_in(tmp.path(), &["init", "demo", "--force"]).code, 0);
    assert_ne!(
        std::fs::read_to_string(demo.join("cxreport.toml")).unwrap(),
        "title = \"Mine\"\n"
    );
    assert_eq!(
        std::fs::read_to_string(demo.join("notes.txt")).unwrap(),
        "keep"
    );
}

/// Issue 14, item 7c: a build killed with `kill -9` leaves its staging
/// folder (megabytes of pages) where `git add .` picked it up.
#[test]
fn init_gitignore_covers_what_a_build_leaves_behind() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(run_in(tmp.path(), &["init", "p"]).code, 0);
    let plan = tmp.path().join("p");
    assert_eq!(run_in(&plan, &["build"]).code, 0);
    for leftover in [".site.new-123", ".site.old-45"] {
        std::fs::create_dir(plan.join(leftover)).unwrap();
        std::fs::write(plan.join(leftover).join("index.html"), "x").unwrap();
    }
    let date = "2026-01-01T09:00:00+01:00";
    git(&plan, &["init", "-q"], date);
    let untracked = git(&plan, &["ls-files", "--others", "--exclude-standard"], date);
    assert!(untracked.contains("cxreport.toml"), "{untracked}");
    let built: Vec<_> = untracked
        .lines()
        .filter(|path| path.starts_with(".site") || path.starts_with("site/"))
        .collect();
    assert!(built.is_empty(), "not ignored: {built:?}");
}

#[test]
fn new_adds_records_that_check_and_never_clobbers() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(run_in(tmp.path(), &["init", "p"]).code, 0);
    let plan = tmp.path().join("p");
    let new = |args: &[&str]| {
        let mut all = vec!["new"];
        all.extend_from_slice(args);
        run_in(&plan, &all)
    };
    // The date comes from as_of (2026-03-31) unless given.
    let sprint = new(&["sprint"]);
    assert_eq!(
        sprint.stdout, "data/sprints/2026-03.toml\n",
        "{}",
        sprint.stderr
    );
    let sprint = std::fs::read_to_string(plan.join("data/sprints/2026-03.toml")).unwrap();
    assert!(
        sprint.contains("start = 2026-03-01\nend = 2026-03-31\n"),
        "{sprint}"
    );
    assert_eq!(
        new(&["audit", "--date", "2026-04-15"]).stdout,
        "data/audits/2026-q2.toml\n"
    );
    assert_eq!(
        new(&["okr", "--date", "2026-07-02"]).stdout,
        "data/okrs/2026-h2.toml\n"
    );
    assert_eq!(
        new(&["initiative", "Atención: callbacks 24/7"]).stdout,
        "data/initiatives.toml\n"
    );
    let initiatives = std::fs::read_to_string(plan.join("data/initiatives.toml")).unwrap();
    assert!(
        initiatives
            .contains("id = \"atencion-callbacks-24-7\"\ntitle = \"Atención: callbacks 24/7\"\n"),
        "{initiatives}"
    );
    assert!(initiatives.contains("due = 2026-06-30\n"), "{initiatives}");
    let version = new(&[
        "flow-version",
        "chat-bot",
        "Shorter greeting",
        "--date",
        "2026-03-20",
    ]);
    assert_eq!(version.code, 0, "{}", version.stderr);
    let flow = std::fs::read_to_string(plan.join("data/flows/chat-bot.toml")).unwrap();
    assert!(
        flow.contains(
            "[[version]]\nversion = \"2.1\"\ndate = 2026-03-20\nsummary = \"Shorter greeting\"\n"
        ),
        "{flow}"
    );
    // Everything it wrote is a valid plan.
    let check = run_in(&plan, &["check"]);
    assert_eq!(
        (check.code, check.stderr.as_str()),
        (0, "The plan is valid.\n")
    );

    // It never overwrites, and says what to do instead.
    for (args, said) in [
        (
            &["sprint"][..],
            "error: data/sprints/2026-03.toml already exists: edit it, or give another --date\n",
        ),
        (
            &["initiative", "Atención: callbacks 24/7"],
            "error: data/initiatives.toml already has an initiative `atencion-callbacks-24-7`: choose another title\n",
        ),
        (
            &["flow-version", "nope", "x"],
            "error: there is no data/flows/nope.toml: name a flow in data/flows/\n",
        ),
    ] {
        let run = new(args);
        assert_eq!((run.code, run.stderr.as_str()), (2, said), "{args:?}");
    }
    assert_eq!(
        std::fs::read_to_string(plan.join("data/sprints/2026-03.toml")).unwrap(),
        sprint
    );
    // Without as_of, a date must be given: the clock is never read.
    std::fs::write(plan.join("cxreport.toml"), "title = \"P\"\n").unwrap();
    let run = new(&["audit"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("give the date with --date YYYY-MM-DD"),
        "{}",
        run.stderr
    );
}

/// Runs the binary, failing the test if it has not finished within 60 s.
#[cfg(target_os = "linux")]
fn run_promptly(dir: &std::path::Path, args: &[&str]) -> crate::support::Run {
    use std::time::{Duration, Instant};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cxreport"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let started = Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("cxreport {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    crate::support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Issue 14: a folder or a named pipe called cxreport.toml was taken for no
/// settings at all, and the plan built with the defaults. A pipe is never
/// opened, so nothing waits for a writer.
#[cfg(target_os = "linux")]
#[test]
fn a_settings_file_that_is_not_a_file_is_an_error() {
    let plan = Plan::fixture("minimal");
    let settings = plan.path("cxreport.toml");
    std::fs::remove_file(&settings).unwrap();
    std::fs::create_dir(&settings).unwrap();
    let run = run_promptly(&plan.root, &["check"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            1,
            "cxreport.toml:1:1: error: this is a folder, not a file: cxreport reads only regular files\n1 error, 0 warnings\n"
        )
    );

    std::fs::remove_dir(&settings).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&settings)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    // A pipe among the data files too.
    let made = std::process::Command::new("mkfifo")
        .arg(plan.path("data/kpis/pipe.csv"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for command in ["check", "build"] {
        let run = run_promptly(&plan.root, &[command]);
        assert_eq!(run.code, 1, "{command}: {}", run.stderr);
        assert!(
            run.stderr.starts_with(
                "cxreport.toml:1:1: error: this is a named pipe (FIFO), not a file: cxreport reads only regular files\n\
                 data/kpis/pipe.csv:1:1: error: this is a named pipe (FIFO), not a file: cxreport reads only regular files\n\
                 2 errors, 0 warnings"
            ),
            "{command}: {}",
            run.stderr
        );
    }
}

/// Issue 19: `--version` names the commit cxreport was built from; the
/// site names the version only, so that the same plan builds to the same
/// bytes whichever commit of cxreport built it.
#[test]
fn version_names_the_commit_and_the_site_does_not() {
    let plan = Plan::fixture("minimal");
    let run = plan.run(&["--version"]);
    assert_eq!(run.code, 0);
    let version = concat!("cxreport ", env!("CARGO_PKG_VERSION"));
    let commit = run
        .stdout
        .strip_prefix(&format!("{version} ("))
        .and_then(|r| r.strip_suffix(")\n"))
        .unwrap_or_else(|| panic!("{:?}", run.stdout));
    let short = commit.split(' ').next().unwrap();
    let dated = |d: &str| d.len() == 10 && d.parse::<jiff::civil::Date>().is_ok();
    let hex = short.len() == 8 && short.chars().all(|c| c.is_ascii_hexdigit());
    assert!(
        commit == "unknown commit"
            || (hex
                && commit.split(' ').nth(1).is_none_or(dated)
                && commit.split(' ').count() <= 2),
        "{commit:?}"
    );
    plan.build();
    let page = plan.read("site/index.html");
    assert!(
        page.contains(&format!("<meta name=\"generator\" content=\"{version}\">")),
        "the site names the version"
    );
    if hex {
        for (path, bytes) in tree(&plan.path("site")) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(short), "{path} names the commit {short}");
        }
    }
}

/// Issue 19: `build --rev` without `--out` silently replaced `./site` with
/// an old version of the site. It is refused before anything is read.
#[test]
fn build_rev_needs_out() {
    let plan = Plan::fixture("minimal");
    let run = plan.run(&["build", "--rev", "HEAD~3"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: build --rev needs --out DIR: without it, the site as it was at HEAD~3 would replace the current one in the plan's output folder\n"
    );
    assert!(!plan.path("site").exists());
}

/// Issue 19: `new --date 31/10/2026` showed the date parser's own words.
#[test]
fn new_says_which_date_format_it_takes() {
    let plan = Plan::fixture("minimal");
    let run = plan.run(&["new", "sprint", "--date", "31/10/2026"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: invalid value '31/10/2026' for '--date <YYYY-MM-DD>': expected a date as YYYY-MM-DD, such as 2026-10-31\n\nFor more information, try '--help'.\n"
    );
    let run = plan.run(&["new", "audit", "--date", "2026-02-30"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: invalid value '2026-02-30' for '--date <YYYY-MM-DD>': there is no such day in the calendar\n\nFor more information, try '--help'.\n"
    );
}

/// `cxreport … | head`: a reader that stops reading ends the command
/// quietly, with the status a shell gives a program the closed pipe stopped
/// (141), never with a panic, and never with 0 for a check that failed.
#[test]
fn a_closed_standard_output_ends_the_command_quietly_with_141() {
    let dir = tempfile::tempdir().unwrap();
    let closed = |args: &[&str]| {
        // The reading end is gone before the command starts: its first
        // write finds the pipe closed.
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cxreport"))
            .args(args)
            .current_dir(dir.path())
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        (out.status.code(), stderr)
    };
    let (code, stderr) = closed(&["init", "plan"]);
    assert_eq!(code, Some(141), "{stderr}");
    assert!(dir.path().join("plan/cxreport.toml").is_file());
    let invalid = crate::support::fixtures().join("invalid-sources");
    let root = invalid.to_str().expect("a UTF-8 path");
    for format in ["json", "github"] {
        let (code, stderr) = closed(&["check", "--root", root, "--format", format]);
        assert_eq!(code, Some(141), "{format}: {stderr}");
    }
}
