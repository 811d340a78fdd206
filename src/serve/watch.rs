//! Watching the plan's files: `cxreport.toml` and everything below
//! `content/`, `data/`, `templates/` and `static/`, debounced so that a burst of
//! changes (an editor saving several files, a `git checkout`) is one batch.
//!
//! The root itself is watched without recursion, so the output directory,
//! `.git/` and `target/` cost nothing; a watched folder made after the start
//! (a first template) is picked up when it appears. In a git repository,
//! the log of `HEAD` is watched too, so a commit rebuilds the history pages.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

use anyhow::Context as _;
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::DEBOUNCE;

/// The folders whose every file is part of the plan.
const FOLDERS: [&str; 4] = ["content", "data", "templates", "static"];
const CONFIG: &str = "cxreport.toml";

/// A running watch over one plan.
pub(super) struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    events: Receiver<DebounceEventResult>,
    /// The folders watched so far.
    watched: Vec<&'static str>,
    /// The repository's `.git`, when the plan is in one.
    git_dir: Option<PathBuf>,
    /// Whether `.git/logs` is watched: it appears with the first commit.
    logs_watched: bool,
}

/// How a batch names a move of `HEAD`.
pub(super) const HEAD_MOVED: &str = "a commit or checkout";

impl Watcher {
    /// Starts watching the plan at `root`.
    pub(super) fn start(root: &Path) -> anyhow::Result<Self> {
        let root = std::fs::canonicalize(root)
            .with_context(|| format!("cannot resolve {}", root.display()))?;
        let (tx, events) = channel();
        let mut debouncer = new_debouncer(DEBOUNCE, None, tx).context("cannot watch the plan")?;
        debouncer
            .watch(&root, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", root.display()))?;
        // Without recursion: `logs/` is watched on its own once it exists,
        // and `objects/` never is.
        let git_dir = crate::git::git_dir(&root)
            .filter(|dir| debouncer.watch(dir, RecursiveMode::NonRecursive).is_ok());
        let mut watcher = Watcher {
            root,
            debouncer,
            events,
            watched: Vec::new(),
            git_dir,
            logs_watched: false,
        };
        watcher.watch_folders()?;
        Ok(watcher)
    }

    /// Waits for files of the plan to change and returns their paths,
    /// relative to the root, once the burst is over. `None` when watching
    /// has ended.
    pub(super) fn next_batch(&mut self) -> Option<Vec<PathBuf>> {
        loop {
            let first = self.events.recv().ok()?;
            let mut paths = BTreeSet::new();
            self.take(first, &mut paths);
            while let Ok(more) = self.events.try_recv() {
                self.take(more, &mut paths);
            }
            // A folder removed and made again (a `git checkout`, a copy over
            // it) is a new folder, which the old watch does not see.
            for folder in FOLDERS {
                if paths.contains(Path::new(folder)) && self.watched.contains(&folder) {
                    let _ = self.debouncer.unwatch(self.root.join(folder));
                    self.watched.retain(|f| *f != folder);
                }
            }
            if let Err(e) = self.watch_folders() {
                eprintln!("warning: {}", crate::diag::printable(&format!("{e:#}")));
            }
            if !paths.is_empty() {
                return Some(paths.into_iter().collect());
            }
        }
    }

    fn take(&self, result: DebounceEventResult, paths: &mut BTreeSet<PathBuf>) {
        match result {
            Ok(events) => {
                for event in events.into_iter().filter(|e| !e.kind.is_access()) {
                    paths.extend(event.paths.iter().filter_map(|p| self.of_plan(p)));
                }
            }
            Err(errors) => {
                for e in errors {
                    let e = e.to_string();
                    eprintln!("warning: watching the plan: {}", crate::diag::printable(&e));
                }
            }
        }
    }

    /// `path` relative to the root, when it is a file of the plan (or
    /// [`HEAD_MOVED`] for git's log of `HEAD`).
    fn of_plan(&self, path: &Path) -> Option<PathBuf> {
        if let Some(git) = &self.git_dir
            && let Ok(in_git) = path.strip_prefix(git)
        {
            let head = in_git == Path::new("logs") || in_git == Path::new("logs/HEAD");
            return head.then(|| PathBuf::from(HEAD_MOVED));
        }
        let rel = path.strip_prefix(&self.root).ok()?;
        let mut parts = rel.components();
        let Some(Component::Normal(first)) = parts.next() else {
            return None;
        };
        let name = rel.file_name().and_then(|n| n.to_str())?;
        if is_scratch(name) {
            return None;
        }
        // Only what the build reads; a name with no extension may be a folder.
        let ext = rel.extension().and_then(|e| e.to_str());
        let read = match first.to_str() {
            Some(CONFIG) => parts.next().is_none(),
            Some("data") => matches!(ext, None | Some("toml" | "csv")),
            // Pages, and the files beside them that the site copies.
            Some("content" | "static" | "templates") => true,
            _ => false,
        };
        read.then(|| rel.to_owned())
    }

    /// Adds a recursive watch on each plan folder that exists and has none,
    /// and one on `.git/logs` once it exists.
    fn watch_folders(&mut self) -> anyhow::Result<()> {
        if let Some(logs) = self.git_dir.as_ref().map(|g| g.join("logs"))
            && !self.logs_watched
            && logs.is_dir()
        {
            self.logs_watched = self
                .debouncer
                .watch(&logs, RecursiveMode::NonRecursive)
                .is_ok();
        }
        for folder in FOLDERS {
            let path = self.root.join(folder);
            if self.watched.contains(&folder) || !path.is_dir() {
                continue;
            }
            self.debouncer
                .watch(&path, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", path.display()))?;
            self.watched.push(folder);
        }
        Ok(())
    }
}

/// An editor's swap, backup, auto-save or lock file, which no build reads.
fn is_scratch(name: &str) -> bool {
    name.starts_with(".#")
        || name.starts_with('#') && name.ends_with('#')
        || name.ends_with('~')
        || [".swp", ".swo", ".swn", ".swx", ".tmp", ".kate-swp"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || name.contains("___jb_")
        || name.starts_with(".goutputstream-")
        // vim writes a file of this name to test that it may write the folder.
        || name == "4913"
}

/// "data/kpis.csv", or "data/kpis.csv and 2 more files".
pub(super) fn describe(paths: &[PathBuf]) -> String {
    match paths {
        [] => "nothing".to_owned(),
        [one] => one.display().to_string(),
        [first, rest @ ..] => format!(
            "{} and {} more file{}",
            first.display(),
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_files() {
        for name in [
            ".#okrs.toml",
            "#okrs.toml#",
            "okrs.toml~",
            ".okrs.toml.swp",
            ".okrs.toml.swo",
            "okrs.toml___jb_tmp___",
            ".goutputstream-X1Y2Z3",
            "4913",
        ] {
            assert!(is_scratch(name), "{name}");
        }
        assert!(!is_scratch("okrs.toml"));
    }

    #[test]
    fn descriptions() {
        let paths: Vec<PathBuf> = ["data/a.csv", "data/b.toml", "cxreport.toml"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(describe(&paths[..1]), "data/a.csv");
        assert_eq!(describe(&paths[..2]), "data/a.csv and 1 more file");
        assert_eq!(describe(&paths), "data/a.csv and 2 more files");
    }
}
