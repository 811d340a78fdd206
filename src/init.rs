//! `cxreport init`: a new plan that builds at once. A small data set of every
//! kind, each field explained in a comment, two content pages, a `.gitignore`
//! for the built site and the GitHub Actions workflow for plan repositories
//! (docs/ci.md). The files are compiled into the binary, so `init` works
//! offline and always matches the version that reads them.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// The starter plan, by path relative to the new plan's root.
const FILES: &[(&str, &str)] = &[
    ("cxreport.toml", include_str!("init/plan/cxreport.toml")),
    (
        "data/metrics.toml",
        include_str!("init/plan/data/metrics.toml"),
    ),
    (
        "data/kpis/daily.csv",
        include_str!("init/plan/data/kpis/daily.csv"),
    ),
    (
        "data/surveys/responses.csv",
        include_str!("init/plan/data/surveys/responses.csv"),
    ),
    (
        "data/themes.toml",
        include_str!("init/plan/data/themes.toml"),
    ),
    (
        "data/audits/2026-q1.toml",
        include_str!("init/plan/data/audits/2026-q1.toml"),
    ),
    (
        "data/okrs/2026-h1.toml",
        include_str!("init/plan/data/okrs/2026-h1.toml"),
    ),
    (
        "data/initiatives.toml",
        include_str!("init/plan/data/initiatives.toml"),
    ),
    (
        "data/flows/chat-bot.toml",
        include_str!("init/plan/data/flows/chat-bot.toml"),
    ),
    (
        "data/sprints/2026-02.toml",
        include_str!("init/plan/data/sprints/2026-02.toml"),
    ),
    (
        "content/index.md",
        include_str!("init/plan/content/index.md"),
    ),
    (
        "content/plan/diagnosis.md",
        include_str!("init/plan/content/plan/diagnosis.md"),
    ),
    (
        ".gitignore",
        concat!(
            "# The site cxreport builds: made again on every build.\n",
            "/site/\n",
            "# While a build writes it: its lock, and the new and old sites beside\n",
            "# it (left behind only by a build that was killed; the next one removes them).\n",
            "/.site.lock\n",
            "/.site.new-*\n",
            "/.site.old-*\n",
        ),
    ),
    (
        ".github/workflows/cxreport.yml",
        include_str!("../.github/workflows/cxreport.yml"),
    ),
];

/// Writes the starter plan into `dir` (made if missing) and returns the
/// paths written. A folder with anything in it is refused, unless `force`,
/// which overwrites the starter's files and leaves every other file alone.
pub fn init(dir: &Path, force: bool) -> anyhow::Result<Vec<PathBuf>> {
    if dir.exists() {
        if !dir.is_dir() {
            bail!("{} exists and is not a folder", dir.display());
        }
        let mut entries =
            fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if !force && entries.next().is_some() {
            let clash: Vec<&str> = FILES
                .iter()
                .map(|(p, _)| *p)
                .filter(|p| dir.join(p).exists())
                .collect();
            let what = if clash.is_empty() {
                String::new()
            } else {
                format!(" ({} would be overwritten)", clash.join(", "))
            };
            bail!(
                "{} is not empty{what}: choose a new folder, or give --force to write the starter plan over it",
                dir.display()
            );
        }
    }
    let mut written = Vec::with_capacity(FILES.len());
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
