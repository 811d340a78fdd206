//! One pagefind bundle: the index of a group of pages, made by pagefind or
//! taken over from the previous site when it was made from the same pages.
//! The site has two or three (see [`super::index`]), made side by side on
//! threads of their own: pagefind parses one page at a time, so one bundle
//! would keep one core busy while the other waits.

use std::path::Path;

use anyhow::Context as _;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::render::OutFile;

/// A bundle's place in the site, and whether it is the one the search box
/// loads pagefind from.
#[derive(Clone, Copy, Debug)]
pub struct Bundle {
    /// Its folder in the site, with a trailing `/`.
    pub dir: &'static str,
    /// The bundle merged into the primary one (pagefind's `mergeIndex`)
    /// needs only its index: pagefind's scripts and WebAssembly come from
    /// the primary bundle.
    pub merged: bool,
}

/// One page as the title search sees it.
#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct Title {
    /// The page's title: its first heading, as pagefind reads it.
    pub t: String,
    /// Its file in the site (`kpis/sla/index.html`): a link to it works
    /// from disk, where a folder would show a listing.
    pub p: String,
}

/// The file of a bundle that says which pages it was made from: a SHA-1
/// of what pagefind was given (see [`fingerprint`]).
const MADE_FROM: &str = "cxreport-pages.sha1";

/// The titles of a bundle's pages, as JSON, so that a bundle taken over
/// brings its titles with it.
const TITLES: &str = "cxreport-titles.json";

/// The pagefind this index is made by, in the fingerprint: another version
/// may write other files from the same pages. A test checks it against the
/// version pagefind writes into its bundle.
pub const PAGEFIND: &str = "1.6.0";

/// The bundle files the search box does not use: pagefind's own ready-made
/// interfaces, which `templates/search.js` replaces, and its highlighter.
/// Leaving them out keeps 450 kB of scripts off the site.
const UNUSED: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

impl Bundle {
    /// The files of this bundle for `documents` (each page's path and what
    /// pagefind is given of it, in order), and its pages' titles. Taken
    /// over from the site in `previous` when that site's bundle was made
    /// from the same documents; `skip` are the files and folders inside this
    /// one that are not part of it (other bundles, the list of them).
    pub fn made(
        self,
        documents: Vec<(&str, String)>,
        previous: Option<&Path>,
        skip: &[&str],
    ) -> anyhow::Result<(Vec<OutFile>, Vec<Title>)> {
        let made_from = fingerprint(self.dir, &documents);
        if let Some(kept) = previous.and_then(|site| self.made_before(site, &made_from, skip)) {
            return Ok(kept);
        }
        // pagefind is async on tokio, but a build has nothing else to await: a
        // runtime on this thread, for this call only, is all it needs (its
        // blocking pool parses each page).
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .context("cannot start the search indexer")?;
        let (files, titles) = runtime.block_on(pagefind(documents))?;
        let mut out: Vec<OutFile> = files
            .into_iter()
            .filter(|f| self.keeps(&f.path))
            .map(|f| OutFile {
                path: format!("{}{}", self.dir, f.path),
                bytes: f.bytes,
            })
            .collect();
        out.push(OutFile {
            path: format!("{}{MADE_FROM}", self.dir),
            bytes: format!("{made_from}\n").into_bytes(),
        });
        out.push(OutFile {
            path: format!("{}{TITLES}", self.dir),
            bytes: serde_json::to_vec(&titles)?,
        });
        // pagefind gives its files in the order its tasks finish: sorted, the
        // site's file list is the same on every build.
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((out, titles))
    }

    /// Whether a file pagefind wrote (a path within the bundle) goes into
    /// the site.
    fn keeps(self, path: &str) -> bool {
        if UNUSED.contains(&path) {
            return false;
        }
        !self.merged
            || path == "pagefind-entry.json"
            || path.ends_with(".pf_meta")
            || ["index/", "fragment/", "filter/"]
                .iter()
                .any(|dir| path.starts_with(dir))
    }

    /// This bundle's files and titles in the site in `site` when they were
    /// made from the pages `made_from` names: every regular file under
    /// [`Bundle::dir`] but those under `skip` (links are never followed).
    /// `None` when they were not, or cannot all be read: the bundle is then
    /// made again.
    fn made_before(
        self,
        site: &Path,
        made_from: &str,
        skip: &[&str],
    ) -> Option<(Vec<OutFile>, Vec<Title>)> {
        let read = |rel: &str| -> Option<Vec<u8>> {
            let path = site.join(rel);
            let meta = std::fs::symlink_metadata(&path).ok()?;
            if !meta.is_file() {
                return None;
            }
            std::fs::read(path).ok()
        };
        if read(&format!("{}{MADE_FROM}", self.dir))? != format!("{made_from}\n").as_bytes() {
            return None;
        }
        let titles = serde_json::from_slice(&read(&format!("{}{TITLES}", self.dir))?).ok()?;
        let skip: Vec<_> = skip.iter().map(|dir| site.join(dir)).collect();
        let mut out = Vec::new();
        let walk = walkdir::WalkDir::new(site.join(self.dir))
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !skip.iter().any(|dir| dir == e.path()));
        for entry in walk {
            let entry = entry.ok()?;
            if entry.file_type().is_dir() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(site)
                .ok()?
                .to_str()?
                .replace('\\', "/");
            let bytes = read(&rel)?;
            out.push(OutFile { path: rel, bytes });
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Some((out, titles))
    }
}

/// The SHA-1, in hex, of what a bundle is made from: pagefind's version,
/// the bundle's folder, and each page's path and trimmed document, in
/// order.
fn fingerprint(dir: &str, documents: &[(&str, String)]) -> String {
    use sha1::Digest as _;
    let mut hash = sha1::Sha1::new();
    hash.update(format!("pagefind {PAGEFIND}\0{dir}\0").as_bytes());
    for (path, document) in documents {
        for part in [path.as_bytes(), document.as_bytes()] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// pagefind's files (paths within its bundle), and the title of each page,
/// from each page's path and trimmed document.
async fn pagefind(documents: Vec<(&str, String)>) -> anyhow::Result<(Vec<OutFile>, Vec<Title>)> {
    let config = PagefindServiceConfig::builder()
        // Results link to `…/index.html`, which works from any host and
        // sub-path, and from disk.
        .keep_index_url(true)
        .build();
    let mut index = PagefindIndex::new(Some(config)).context("cannot start pagefind")?;
    let mut titles = Vec::with_capacity(documents.len());
    for (path, document) in documents {
        let added = index
            .add_html_file(Some(path.to_owned()), None, document)
            .await
            .with_context(|| format!("cannot index {path}"))?;
        if added.page_word_count == 0 {
            continue;
        }
        let title = added
            .page_meta
            .get("title")
            .cloned()
            .unwrap_or_else(|| path.to_owned());
        titles.push(Title {
            t: title,
            p: path.to_owned(),
        });
    }
    let files = index
        .get_files()
        .await
        .context("cannot build the search index")?;
    let files = files
        .into_iter()
        .map(|f| OutFile {
            path: f.filename.to_string_lossy().replace('\\', "/"),
            bytes: f.contents,
        })
        .collect();
    Ok((files, titles))
}
