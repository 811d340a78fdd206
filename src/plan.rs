//! A plan, loaded: its settings, data, content pages and git history, read
//! from the files on disk or from a revision, and checked. Loading is the
//! first step of every command; every problem it finds comes back with the
//! plan as diagnostics, and the plan holds whatever could be read.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::diag::{self, Checked, Diagnostic, Diagnostics};
use crate::{assets, content, data, git, i18n};

/// A loaded plan: settings, data and content pages.
#[derive(Debug)]
pub struct Plan {
    pub root: PathBuf,
    pub config: Config,
    /// The fixed texts in the plan's language, with its own `[strings]`.
    pub catalog: i18n::Catalog,
    pub data: data::Data,
    pub pages: Vec<content::Page>,
    /// The files the site copies as they are ([`assets`]).
    pub assets: Vec<assets::Asset>,
    /// The commits that changed `data/`, from the repository holding the plan.
    pub history: git::History,
    /// The plan's files at a revision, when it was read from one.
    pub files: Option<data::Files>,
}

/// The file whose folder is a plan's root. It may be empty, but it must be
/// there: a command run in the wrong folder would otherwise find no data,
/// call the plan valid and write an empty site (issue 17).
pub const SETTINGS: &str = "cxreport.toml";

/// The root of the plan `dir` belongs to: `dir` itself when it holds a
/// [`SETTINGS`] file, else the nearest folder above it that does, as cargo
/// finds `Cargo.toml`, so that a command run in `data/kpis/` works on its
/// plan. `dir` is returned as given when it is the root, so that paths
/// printed from it read as the user wrote them. `Err` (a usage error) when
/// `dir` is no folder or no folder up to the file system's root holds the
/// file.
pub fn find_root(dir: &Path) -> anyhow::Result<PathBuf> {
    if !dir.is_dir() {
        anyhow::bail!("{} is not a directory", dir.display());
    }
    // Anything by that name counts, even a folder: reading it then says
    // what is wrong with it, which is better than searching past it.
    let holds = |d: &Path| d.join(SETTINGS).symlink_metadata().is_ok();
    if holds(dir) {
        return Ok(dir.to_owned());
    }
    let from = std::fs::canonicalize(dir)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", dir.display()))?;
    match from.ancestors().skip(1).find(|d| holds(d)) {
        Some(root) => Ok(root.to_owned()),
        None => anyhow::bail!(
            "could not find {SETTINGS} in {} or any parent folder; run `cxreport init` to start a plan there",
            from.display()
        ),
    }
}

/// A plan's `cxreport.toml` and its metric catalogue.
pub type Settings = (Config, Vec<data::Metric>);

/// `cxreport.toml` and the metric catalogue of the plan in `root`: what
/// the commands that write data files (`import`, `pull`, `sql`) read of a
/// plan. `None` when either has an error (the diagnostics say which);
/// `for_what` ends the error when there is no `cxreport.toml` (`the recipes
/// of \`cxreport import\` are written there`).
pub fn settings(root: &Path, for_what: &str) -> anyhow::Result<(Option<Settings>, Diagnostics)> {
    if !root.is_dir() {
        anyhow::bail!("{} is not a directory", root.display());
    }
    let mut diags = Diagnostics::default();
    let mut loader = data::Loader::new(root, None, &mut diags);
    let config = match loader.read("cxreport.toml")? {
        Some(src) => Config::parse(&src, root, loader.diags),
        None => anyhow::bail!(
            "there is no cxreport.toml in {}: {for_what}",
            root.display()
        ),
    };
    let metrics = match loader.read("data/metrics.toml")? {
        Some(src) => data::metrics::parse(&src, &mut loader),
        None => Vec::new(),
    };
    if diags.has_errors() {
        return Ok((None, diags));
    }
    Ok((Some((config, metrics)), diags))
}

/// Reads and checks a whole plan. `Err` is an I/O failure; data problems are
/// in the returned diagnostics, and the plan holds whatever could be read.
pub fn load(root: &Path) -> anyhow::Result<Checked<Plan>> {
    load_at(root, None)
}

/// Reads and checks the plan as it was at `rev` (any revision git names),
/// from the repository's object database: nothing is checked out and the
/// work tree is not touched. `None` reads the files on disk.
pub fn load_at(root: &Path, rev: Option<&str>) -> anyhow::Result<Checked<Plan>> {
    if !root.is_dir() {
        anyhow::bail!("{} is not a directory", root.display());
    }
    let snapshot = rev.map(|r| git::snapshot(root, r)).transpose()?;
    let commit = snapshot.as_ref().and_then(|s| s.commit);
    let files = snapshot.map(|s| Arc::new(s.files));
    let history = git::read_at(root, commit);
    read(root, files, history)
}

/// Reads and checks a plan held in memory, `files` by path, outside any
/// repository: what the fuzzer feeds, loaded as [`load_at`] loads a
/// revision.
pub fn load_files(root: &Path, files: data::Files) -> anyhow::Result<Checked<Plan>> {
    let history = git::History {
        availability: git::Availability::NoRepository,
        commits: Vec::new(),
        tip: None,
    };
    read(root, Some(files), history)
}

/// Settings, content pages, then data, from `files` or from disk; flows
/// without `[[version]]` take theirs from `history`.
fn read(
    root: &Path,
    files: Option<data::Files>,
    history: git::History,
) -> anyhow::Result<Checked<Plan>> {
    let front = front(root, files.clone())?;
    let told = |path: &str| git::flows::versions_from(&history, path);
    let mut found = Diagnostics::default();
    let data = data::load(root, files.clone(), &front.config, &told, &mut found)?;
    assemble(front, data, found, history, files)
}

/// The settings and content pages of a plan, with the problems reading
/// them found.
pub(crate) struct Front {
    pub root: PathBuf,
    pub config: Config,
    pub pages: Vec<content::Page>,
    pub assets: Vec<assets::Asset>,
    pub diags: Diagnostics,
}

/// Reads `cxreport.toml`, `content/` and `static/`.
pub(crate) fn front(root: &Path, files: Option<data::Files>) -> anyhow::Result<Front> {
    let mut diags = Diagnostics::default();
    let mut loader = data::Loader::new(root, files, &mut diags);
    let config = match loader.read("cxreport.toml")? {
        Some(src) => Config::parse(&src, root, loader.diags),
        None => Config::default(),
    };
    let pages = content::load(&mut loader)?;
    let assets = assets::load(&mut loader)?;
    drop(loader);
    Ok(Front {
        root: root.to_owned(),
        config,
        pages,
        assets,
        diags,
    })
}

/// The plan from its parts; `found` are the data's problems.
pub(crate) fn assemble(
    front: Front,
    data: data::Data,
    found: Diagnostics,
    history: git::History,
    files: Option<data::Files>,
) -> anyhow::Result<Checked<Plan>> {
    let Front {
        root,
        config,
        pages,
        assets,
        mut diags,
    } = front;
    diags.append(found);
    let catalog = i18n::Catalog::new(config.language, &config.strings)?;
    let shallow = history.availability == git::Availability::Shallow;
    let plan = Plan {
        root,
        catalog,
        config,
        data,
        pages,
        assets,
        history,
        files,
    };
    let mut diags = diags.sorted();
    if shallow {
        diags.insert(
            0,
            Diagnostic {
                file: String::new(),
                line: 0,
                column: 0,
                severity: diag::Severity::Warning,
                message: "the plan's repository is a shallow clone, so its history pages show only the latest commits; fetch the whole history (git fetch --unshallow, or fetch-depth: 0 in CI)".to_owned(),
            },
        );
    }
    Ok((plan, diags))
}
