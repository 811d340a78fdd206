//! Each version of a data file that the history compares, read once: CSV
//! files counted, TOML files parsed. Reading them (inflating the blob, then
//! counting or parsing it) is most of the history's cost, and the versions
//! are independent of each other, so they are read on every core.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use gix::ObjectId;

use super::Result;
use crate::changes::Rows;

/// A TOML version, parsed; `None` when it does not parse.
pub(super) type Doc = Option<Arc<toml::Table>>;

/// How a version is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Kind {
    Rows,
    Doc,
}

#[derive(Default)]
pub(super) struct Versions {
    rows: HashMap<ObjectId, Rows>,
    docs: HashMap<ObjectId, Doc>,
}

impl Versions {
    /// Reads every wanted version, spread over the cores. Each thread opens
    /// the repository itself: a gix repository handle is not shared between
    /// threads without gix's `parallel` feature, and opening one costs far
    /// less than the reads.
    pub(super) fn read(
        repo: &gix::Repository,
        mut wanted: Vec<(ObjectId, Kind)>,
    ) -> Result<Versions> {
        wanted.sort_unstable();
        wanted.dedup();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let mut out = Versions::default();
        if threads == 1 || wanted.len() < 64 {
            out.read_into(repo, &wanted)?;
            return Ok(out);
        }
        let git_dir = repo.path().to_owned();
        let chunk = wanted.len().div_ceil(threads);
        let parts: Vec<Result<Versions>> = std::thread::scope(|s| {
            let handles: Vec<_> = wanted
                .chunks(chunk)
                .map(|part| {
                    let git_dir: &Path = &git_dir;
                    s.spawn(move || -> Result<Versions> {
                        let repo = gix::open(git_dir)?;
                        let mut v = Versions::default();
                        v.read_into(&repo, part)?;
                        Ok(v)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("a history reader stopped".into()))
                })
                .collect()
        });
        for part in parts {
            let part = part?;
            out.rows.extend(part.rows);
            out.docs.extend(part.docs);
        }
        Ok(out)
    }

    fn read_into(&mut self, repo: &gix::Repository, wanted: &[(ObjectId, Kind)]) -> Result<()> {
        for &(id, kind) in wanted {
            let blob = repo.find_blob(id)?;
            let text = String::from_utf8_lossy(&blob.data);
            match kind {
                Kind::Rows => {
                    self.rows.insert(id, Rows::of(&text));
                }
                Kind::Doc => {
                    self.docs
                        .insert(id, crate::changes::parse(&text).map(Arc::new));
                }
            }
        }
        Ok(())
    }

    /// A CSV version's rows; `None` for no file.
    pub(super) fn rows(&self, id: Option<&ObjectId>) -> Option<&Rows> {
        id.and_then(|id| self.rows.get(id))
    }

    /// A TOML version; `None` for no file.
    pub(super) fn doc(&self, id: Option<&ObjectId>) -> Option<&Doc> {
        id.and_then(|id| self.docs.get(id))
    }
}

/// A TOML version as [`crate::changes::of_toml`] takes it.
pub(super) fn view(d: Option<&Doc>) -> Option<Option<&toml::Table>> {
    d.map(|d| d.as_deref())
}

/// How the version of the file at `path` is read.
pub(super) fn kind_of(path: &Path) -> Kind {
    if path.extension().is_some_and(|e| e == "csv") {
        Kind::Rows
    } else {
        Kind::Doc
    }
}
