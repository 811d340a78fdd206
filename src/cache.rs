//! What `serve` keeps from one build for the next, so that an edit redoes
//! only what depends on it, and the site comes out the same, byte for byte,
//! as a full build's.
//!
//! Every file the figures depend on is known by a fingerprint of its
//! content: `cxreport.toml`, every file under `data/`, and the commit `HEAD`
//! names (the history, and the flow versions read from it); so are the
//! plan's own templates. Content pages and templates are read again on
//! every build: they are small, and the figures do not depend on them.
//! Then, from the cheapest case:
//!
//! - **Nothing the figures depend on changed** (a content page or a
//!   template was edited): the data, the history, the report and the JSON
//!   API are taken over as they are, and so are the pages that show only
//!   figures ([`pages::of_figures`]) while the plan's templates and the
//!   navigation are the same too. The rest is rendered again.
//! - **Only records changed** (a sprint's TOML, say), with the settings, the
//!   metric catalogue, the KPI and survey files and `HEAD` as they were: the
//!   tables read last time are taken over, and so are the KPI series and the
//!   survey figures ([`analytics::Rollups`]), the themes staying the same.
//!   The records are read, and the rest of the report computed, again.
//! - **Anything else**: a full load.

use std::collections::BTreeMap;
use std::hash::BuildHasher as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;

use crate::analytics::{Report, Rollups};
use crate::diag::{Checked, Diagnostics};
use crate::plan::{self, Plan};
use crate::render::OutFile;
use crate::{Rendered, data, git, pages};

/// What the last good build left; empty before the first one.
#[derive(Default)]
pub struct Cache {
    kept: Option<Kept>,
    /// What the last load took over.
    reused: Option<Reused>,
    /// What the load in progress read, kept once its build succeeds.
    pending: Option<Pending>,
}

/// How much of the last build a load could take over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reused {
    /// The data, the history and the report: only content pages or
    /// templates changed.
    Figures,
    /// The KPI and survey tables, the KPI series and the survey figures.
    Tables,
    /// Nothing: the plan was loaded in full.
    Nothing,
}

/// A plan loaded through the cache, with what it took over.
pub struct Loaded {
    pub plan: Plan,
    pub reused: Reused,
    /// The report itself, when nothing it depends on changed.
    pub report: Option<Arc<Report>>,
    /// Figures the report may take over ([`analytics::compute_reusing`]).
    pub rollups: Option<Rollups>,
    /// Files the site may take over.
    pub taken: Taken,
}

/// Files of the last build that the next one takes over, because nothing
/// they show has changed.
#[derive(Default)]
pub struct Taken {
    /// The JSON API, with the report: it shows nothing else.
    pub api: Option<OutFile>,
    /// The pages that show only the figures ([`pages::of_figures`]), while
    /// the templates and the navigation are the same too.
    pub figure_pages: Option<Vec<OutFile>>,
}

struct Kept {
    inputs: Inputs,
    /// The plan's data as the pages read it (the survey responses
    /// released), and the problems found reading it.
    data: data::Data,
    found: Diagnostics,
    checks: data::Checks,
    history: git::History,
    report: Arc<Report>,
    api: Option<OutFile>,
    figure_pages: Vec<OutFile>,
    nav: Vec<pages::NavItem>,
}

struct Pending {
    inputs: Inputs,
    found: Diagnostics,
    checks: data::Checks,
}

impl Cache {
    /// Loads the plan at `root` from its files on disk, taking over what
    /// the last good build read and computed from files that have not
    /// changed since.
    pub fn load(&mut self, root: &Path) -> anyhow::Result<Checked<Loaded>> {
        let last = self.kept.as_ref().map(|k| &k.inputs);
        let inputs = Inputs::read(root, last)?;
        let front = plan::front(root, None)?;
        let kept = self.kept.as_ref();
        let reused = match kept {
            Some(k) if k.inputs.same_figures(&inputs) => Reused::Figures,
            Some(k) if k.inputs.same_tables(&inputs) => Reused::Tables,
            _ => Reused::Nothing,
        };
        let history = match kept {
            Some(k) if k.inputs.head == inputs.head => k.history.clone(),
            _ => git::read(root),
        };
        let (data, found, checks, report, rollups) = match (kept, reused) {
            (Some(k), Reused::Figures) => (
                k.data.clone(),
                k.found.clone(),
                k.checks.clone(),
                Some(k.report.clone()),
                None,
            ),
            (Some(k), Reused::Tables) => {
                let tables = data::Tables {
                    kpis: k.data.kpis.clone(),
                    surveys: k.data.surveys.clone(),
                    checks: k.checks.clone(),
                };
                // Taken over only at the same `as_of` (compute_reusing
                // checks). With the tables unchanged, `as_of` moves only
                // when the plan has no KPI row nor survey answer at all
                // (it is then the latest date of the records), and the
                // figures worked out again from the kept tables, which
                // hold no answers to release, are the same as a full
                // build's.
                let rollups = Some(k.report.rollups());
                let (data, found) = records(root, &front.config, &history, tables)?;
                (data, found, k.checks.clone(), None, rollups)
            }
            _ => {
                let tables = data::tables(root, None, &front.config)?;
                let checks = tables.checks.clone();
                let (data, found) = records(root, &front.config, &history, tables)?;
                (data, found, checks, None, None)
            }
        };
        self.reused = Some(reused);
        let inputs_templates = inputs.templates.clone();
        self.pending = Some(Pending {
            inputs,
            found: found.clone(),
            checks,
        });
        let (plan, diags) = plan::assemble(front, data, found, history, None)?;
        let taken = match kept {
            Some(k) if reused == Reused::Figures => Taken {
                api: k.api.clone(),
                figure_pages: (k.inputs.templates == inputs_templates
                    && k.nav == pages::nav(&plan))
                .then(|| k.figure_pages.clone()),
            },
            _ => Taken::default(),
        };
        let loaded = Loaded {
            plan,
            reused,
            report,
            rollups,
            taken,
        };
        Ok((loaded, diags))
    }

    /// What the last [`Cache::load`] took over; `None` before the first.
    pub fn reused(&self) -> Option<Reused> {
        self.reused
    }

    /// Keeps what the build that followed the last [`Cache::load`] read,
    /// computed and rendered, for the next one: call it once that build has
    /// succeeded.
    pub fn keep(&mut self, site: &Rendered) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        let file = |f: &&OutFile| f.path == crate::url::API_REPORT;
        self.kept = Some(Kept {
            inputs: pending.inputs,
            data: site.plan.data.clone(),
            found: pending.found,
            checks: pending.checks,
            history: site.plan.history.clone(),
            report: site.report.clone(),
            api: site.files.iter().find(file).cloned(),
            figure_pages: site
                .files
                .iter()
                .filter(|f| site.of_figures.contains(&f.path))
                .cloned()
                .collect(),
            nav: pages::nav(&site.plan),
        });
    }
}

/// The records of the plan, read against `tables`, and every problem the
/// data has.
fn records(
    root: &Path,
    config: &crate::config::Config,
    history: &git::History,
    tables: data::Tables,
) -> anyhow::Result<(data::Data, Diagnostics)> {
    let told = |path: &str| git::flows::versions_from(history, path);
    let mut found = Diagnostics::default();
    let data = data::load_with(root, None, config, &told, tables, &mut found)?;
    Ok((data, found))
}

/// How long after its last modification a file's time is trusted to tell
/// an edit (FAT keeps times to 2 s).
const RACY: Duration = Duration::from_secs(3);

/// Fingerprints of the files the figures depend on.
#[derive(Debug, Clone)]
struct Inputs {
    /// `cxreport.toml` and every file below `data/`, by path relative to
    /// the plan.
    files: BTreeMap<String, Print>,
    head: Option<gix::ObjectId>,
    /// The plan's own templates: what the pages but not the figures depend
    /// on.
    templates: BTreeMap<String, Print>,
    /// When the fingerprints were taken (see [`Inputs::read`]).
    taken: SystemTime,
}

/// A file's content, known by its hash. The size and modification time
/// only spare reading it again: a file saved with the same bytes is the
/// same file.
#[derive(Debug, Clone, Copy, Default)]
struct Print {
    len: u64,
    modified: Option<SystemTime>,
    hash: u64,
}

impl PartialEq for Print {
    fn eq(&self, other: &Print) -> bool {
        let readable = self.len != u64::MAX;
        readable && self.len == other.len && self.hash == other.hash
    }
}

/// The files the tables and the figures drawn from them depend on.
fn is_table(path: &str) -> bool {
    path == "cxreport.toml"
        || path == "data/themes.toml"
        || path == "data/metrics.toml"
        || path.starts_with("data/kpis/")
        || path.starts_with("data/surveys/")
        // Whether there are cases decides whether the survey ids are kept.
        || path.starts_with("data/cases/")
}

impl Inputs {
    /// The plan's fingerprints now. A file whose size and modification
    /// time are those `last` has is not read again, unless it was modified
    /// within [`RACY`] of when `last` was taken: a file system that keeps
    /// times coarsely could show an edit made just after with the same time,
    /// as git's index knows (its "racily clean" entries). The clock read
    /// here decides only what is read again, never what the site shows.
    fn read(root: &Path, last: Option<&Inputs>) -> anyhow::Result<Inputs> {
        let taken = SystemTime::now();
        let mut files = BTreeMap::new();
        let (files_before, templates_before) = match last {
            Some(l) => (Some((&l.files, l.taken)), Some((&l.templates, l.taken))),
            None => (None, None),
        };
        if root.join("cxreport.toml").is_file() {
            files.insert("cxreport.toml".to_owned(), Print::default());
        }
        fingerprint(root, "data", files_before, &mut files)?;
        let mut templates = BTreeMap::new();
        fingerprint(root, "templates", templates_before, &mut templates)?;
        Ok(Inputs {
            files,
            head: git::head(root),
            templates,
            taken,
        })
    }

    /// Nothing the figures depend on differs.
    fn same_figures(&self, other: &Inputs) -> bool {
        self.files == other.files && self.head == other.head
    }

    /// The tables' files are the same (the settings, the metric catalogue,
    /// and the KPI and survey files), and so are the themes: the kept
    /// tables hold no survey responses, so every figure drawn from them must
    /// be taken over.
    fn same_tables(&self, other: &Inputs) -> bool {
        let tables = |i: &Inputs| -> Vec<(String, Print)> {
            i.files
                .iter()
                .filter(|(p, _)| is_table(p))
                .map(|(p, f)| (p.clone(), *f))
                .collect()
        };
        tables(self) == tables(other)
    }
}

/// Fingerprints every file below `dir` of the plan into `prints`, and any
/// already there (named, not yet read); `before` are the fingerprints of the
/// last look and when it was taken.
fn fingerprint(
    root: &Path,
    dir: &str,
    before: Option<(&BTreeMap<String, Print>, SystemTime)>,
    prints: &mut BTreeMap<String, Print>,
) -> anyhow::Result<()> {
    let start = root.join(dir);
    if start.is_dir() {
        for entry in walkdir::WalkDir::new(&start).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot list {}", start.display()))?;
            if entry.file_type().is_dir() {
                continue;
            }
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            prints.insert(rel.to_string_lossy().replace('\\', "/"), Print::default());
        }
    }
    for (rel, print) in prints.iter_mut() {
        let path = root.join(rel);
        // A file that cannot be read is the loader's to report; here it
        // only differs from any fingerprint it had.
        let Ok(meta) = std::fs::metadata(&path) else {
            *print = Print::unreadable();
            continue;
        };
        let (len, modified) = (meta.len(), meta.modified().ok());
        let known = before.and_then(|(prints, taken)| {
            let print = prints.get(rel)?;
            let settled = modified?.checked_add(RACY)? < taken;
            (settled && print.len == len && print.modified == modified).then_some(print)
        });
        *print = match known {
            Some(p) => *p,
            None => match std::fs::read(&path) {
                Ok(bytes) => Print {
                    len,
                    modified,
                    hash: content_hash(&bytes),
                },
                Err(_) => Print::unreadable(),
            },
        };
    }
    Ok(())
}

impl Print {
    /// Unlike any other fingerprint, itself included.
    fn unreadable() -> Print {
        Print {
            len: u64::MAX,
            modified: None,
            hash: 0,
        }
    }
}

/// A hash of a file's bytes, the same in every run: 64 bits, so two
/// versions of one file that collide are not worth guarding against.
fn content_hash(bytes: &[u8]) -> u64 {
    foldhash::quality::FixedState::with_seed(0x6378_7265_706f_7274).hash_one(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An edit that keeps a file's size, on a file system that shows it
    /// with the same modification time.
    fn same_size_edit(dir: &Path, modified: SystemTime) {
        let path = dir.join("data/sprints/s.toml");
        std::fs::write(&path, "title = \"B\"\n").expect("write");
        let file = std::fs::File::options()
            .write(true)
            .open(&path)
            .expect("open");
        file.set_modified(modified).expect("set the time");
    }

    #[test]
    fn a_file_is_read_again_unless_its_time_settled_before_the_last_look() {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::create_dir_all(dir.path().join("data/sprints")).expect("mkdir");
        let path = dir.path().join("data/sprints/s.toml");
        std::fs::write(&path, "title = \"A\"\n").expect("write");
        let modified = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("a time");
        let first = Inputs::read(dir.path(), None).expect("read");

        // Looked at just after the edit: the time cannot be trusted, so the
        // edit is seen even though the size and time are the same.
        same_size_edit(dir.path(), modified);
        let racy = Inputs::read(dir.path(), Some(&first)).expect("read");
        assert!(!racy.same_figures(&first));

        // Looked at long after: size and time are trusted, and the file is
        // not read again (so the edit, which hid itself, is not seen).
        let settled = Inputs {
            taken: modified + Duration::from_secs(60),
            ..first.clone()
        };
        same_size_edit(dir.path(), modified);
        let trusted = Inputs::read(dir.path(), Some(&settled)).expect("read");
        assert!(trusted.same_figures(&first));
    }
}
