//! The one helper every test uses: copy a fixture plan into a temporary
//! directory and run the real `cxreport` binary on it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `tests/fixtures/` in the source tree.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fixture plan copied into a temporary directory, so that tests can build
/// it, edit it and look at what was written without touching the source tree.
pub struct Plan {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
}

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Plan {
    /// Copies `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Plan {
        Plan::copy_of(&fixtures().join(name))
    }

    /// Copies any plan directory (the example plan is the repository itself).
    pub fn copy_of(source: &Path) -> Plan {
        let tmp = tempfile::tempdir().expect("temporary directory");
        let root = tmp.path().join("plan");
        for dir in [
            "",
            "data",
            "content",
            "templates",
            "static",
            "exports",
            "sources",
        ] {
            let from = source.join(dir);
            if !from.is_dir() {
                continue;
            }
            for entry in
                walkdir::WalkDir::new(&from).max_depth(if dir.is_empty() { 1 } else { usize::MAX })
            {
                let entry = entry.expect("readable fixture");
                // The repository's own `.git` (a file in a linked work
                // tree, naming its git folder): a copy that kept it would
                // make a test's `git commit` commit to the source's branch.
                if entry.file_name() == ".git" {
                    continue;
                }
                let rel = entry
                    .path()
                    .strip_prefix(source)
                    .expect("inside the fixture");
                let to = root.join(rel);
                // The top level's own files only: its folders are either
                // the plan's (copied above by name) or not the plan (a
                // built site/, target/), which a test must not find there.
                if dir.is_empty() && entry.depth() == 1 && entry.file_type().is_dir() {
                    continue;
                }
                if entry.file_type().is_dir() {
                    fs::create_dir_all(&to).expect("mkdir");
                } else if entry.file_type().is_file() {
                    fs::copy(entry.path(), &to).expect("copy");
                }
            }
        }
        Plan { _tmp: tmp, root }
    }

    /// Runs `cxreport <args>` with the plan root as the working directory.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(&self.root, args)
    }

    /// Runs `cxreport <args>` in the plan root with these environment
    /// variables set (on top of the test's own).
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        run_in_env(&self.root, args, env)
    }

    /// Builds the plan into `site/`, failing the test on any error.
    pub fn build(&self) -> &Self {
        let run = self.run(&["build"]);
        assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
        self
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }

    /// The `<main>` element of a built page: the part a page's template owns.
    pub fn main_of(&self, page: &str) -> String {
        main_of(&self.read(&format!("site/{page}index.html")))
    }
}

/// Runs the binary in a directory.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_in_env(dir, args, &[])
}

/// Runs the binary in a directory with these environment variables set.
pub fn run_in_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_cxreport"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The `<main>…</main>` part of a page, with each chart's option JSON
/// shortened to `{…}` (`chart_option` gives one whole), so that snapshots
/// show the page's text and structure. The tag's own attributes (the
/// search index's `data-pagefind-body`) are base.html's, not the page's:
/// it is shown as `<main>`.
pub fn main_of(html: &str) -> String {
    let start = html.find("<main").expect("a <main> element");
    let start = start + html[start..].find('>').expect("the tag's end") + 1;
    let end = html.find("</main>").expect("a </main> tag") + "</main>".len();
    let mut main = String::from("<main>");
    let mut rest = &html[start..end];
    let open = r#"<script type="application/json""#;
    while let Some(at) = rest.find(open) {
        let body = at + rest[at..].find('>').expect("tag end") + 1;
        let close = body + rest[body..].find("</script>").expect("closed");
        main.push_str(&rest[..body]);
        main.push_str("{…}");
        rest = &rest[close..];
    }
    main.push_str(rest);
    main
}

/// The ECharts option of the chart `id` on a page, as pretty JSON.
pub fn chart_option(html: &str, id: &str) -> String {
    let open = format!(r#"<script type="application/json" id="{id}">"#);
    let start = html.find(&open).unwrap_or_else(|| panic!("no chart {id}")) + open.len();
    let end = start + html[start..].find("</script>").expect("closed");
    let value: serde_json::Value = serde_json::from_str(&html[start..end]).expect("JSON");
    serde_json::to_string_pretty(&value).expect("JSON")
}

/// Every file below `dir` with its bytes, in path order.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("readable"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// Compares `actual` with the file `expected`, or rewrites the file when
/// `UPDATE_EXPECT=1` is set (then review the diff before committing).
pub fn assert_matches_file(actual: &str, expected: &Path) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(expected, actual).expect("update the expected file");
        return;
    }
    let wanted = fs::read_to_string(expected).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run with UPDATE_EXPECT=1 to create it",
            expected.display()
        )
    });
    assert!(
        actual == wanted,
        "output differs from {}\n--- expected\n{wanted}\n--- actual\n{actual}",
        expected.display()
    );
}

/// Runs git in `dir` with a fixed identity and clock (`date`, for what it
/// writes), so that the history is the same on every run; returns what it
/// printed, trimmed.
pub fn git(dir: &Path, args: &[&str], date: &str) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ana Ruiz")
        .env("GIT_AUTHOR_EMAIL", "ana@example.com")
        .env("GIT_COMMITTER_NAME", "Ana Ruiz")
        .env("GIT_COMMITTER_EMAIL", "ana@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A metric's `periods` in an `api/report.json`, as (period, value) pairs.
pub fn periods(metric: &serde_json::Value) -> Vec<(String, f64)> {
    metric["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .map(|p| {
            (
                p["period"].as_str().expect("a period").to_owned(),
                p["value"].as_f64().expect("a value"),
            )
        })
        .collect()
}
