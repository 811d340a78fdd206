//! A flow's versions told by git: a flow file with no `[[version]]`
//! entries gets one version for each day a commit changed it. Layer 2: it
//! reads the history and gives the loader plain records.

use super::{ChangeKind, History};
use crate::data::flows::Version;

/// The versions of a flow file that has no `[[version]]` entries, read
/// from the commits that changed it: one for each day one did, dated by the
/// commit, summarised by its subject, with the file's `steps` as of that
/// commit. Several commits on one day make one version, the day's last
/// state, because before/after comparisons are made by day.
///
/// A commit whose file does not parse is skipped: its steps cannot be told,
/// and it failed `check` when it was made. After the file was deleted and
/// added again, only its new life counts.
pub fn versions_from(history: &History, path: &str) -> Vec<Version> {
    let mut out: Vec<Version> = Vec::new();
    // Oldest first.
    for commit in history.commits.iter().rev() {
        let Some(file) = commit.files.iter().find(|f| f.path == path) else {
            continue;
        };
        if file.kind != ChangeKind::Modified {
            out.clear();
        }
        let Some(table) = file.toml.as_deref() else {
            continue;
        };
        let steps = table
            .get("steps")
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let version = Version {
            version: commit.short.clone(),
            date: commit.date,
            summary: commit.subject.clone(),
            changes: Vec::new(),
            steps,
        };
        match out.last_mut() {
            // Author dates can go back (a rebased commit): it joins the day before.
            Some(last) if last.date >= commit.date => {
                last.summary = format!("{}; {}", last.summary, version.summary);
                last.version = version.version;
                last.steps = version.steps;
            }
            _ => out.push(version),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::{Availability, Commit, FileChange};

    fn commit(short: &str, date: &str, kind: ChangeKind, text: Option<&str>) -> Commit {
        let file = FileChange {
            path: "data/flows/ivr.toml".to_owned(),
            kind,
            items: Vec::new(),
            toml: text.and_then(|t| t.parse().ok()).map(std::sync::Arc::new),
        };
        Commit::touching(short, date, file)
    }

    #[test]
    fn versions_from_commits_one_a_day_new_life_after_delete() {
        use ChangeKind::*;
        let steps = |s: &str| format!("name = \"IVR\"\nsteps = [{s}]\n");
        // Newest first, as the history lists them.
        let commits = vec![
            commit("f", "2026-05-01", Modified, Some(&steps("\"a\", \"c\""))),
            commit("e", "2026-04-20", Modified, Some("steps = [")),
            commit(
                "d",
                "2026-04-10",
                Modified,
                Some(&steps("\"a\", \"b\", \"c\"")),
            ),
            commit("c", "2026-04-10", Modified, Some(&steps("\"a\", \"b\""))),
            commit("b", "2026-04-01", Added, Some(&steps("\"a\""))),
            commit("a", "2026-03-01", Deleted, None),
            commit("0", "2026-02-01", Added, Some(&steps("\"old\""))),
        ];
        let history = History {
            availability: Availability::Full,
            commits,
            tip: None,
        };
        let versions = versions_from(&history, "data/flows/ivr.toml");
        let got: Vec<(&str, String, &str, usize)> = versions
            .iter()
            .map(|v| {
                (
                    v.version.as_str(),
                    v.date.to_string(),
                    v.summary.as_str(),
                    v.steps.len(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("b", "2026-04-01".to_owned(), "Commit b", 1),
                ("d", "2026-04-10".to_owned(), "Commit c; Commit d", 3),
                ("f", "2026-05-01".to_owned(), "Commit f", 2),
            ]
        );
        assert!(versions_from(&history, "data/flows/other.toml").is_empty());
    }
}
