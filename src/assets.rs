//! Files the plan ships as they are (layer 1, records): an image or a
//! document beside a content page, and the plan's own `static/` folder. Each
//! keeps its path, without `content/`: `content/plan/diagram.png` is
//! published at `plan/diagram.png` (where the page `plan/diagnosis/` finds
//! it as `../diagram.png`, and its Markdown as `diagram.png`), and
//! `static/logo.svg` at `static/logo.svg`, beside the built-in files. They
//! are read with their bytes, from disk or from a revision, so that
//! `build --rev` ships the files of that revision. A file whose name starts
//! with `.` (`.DS_Store`, an editor's swap file) is not the plan's and is
//! left out; Markdown files are pages ([`crate::content`]), not copies.

use std::io::Read;

use anyhow::Context;

use crate::data::Loader;

/// The folder of the plan copied whole into the site, under the same name.
pub const STATIC: &str = "static";

/// A file copied into the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// The file, relative to the plan root.
    pub source: String,
    /// Where the site has it, relative to its root.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Every file below `content/` that is not a page, then every file below
/// `static/`, in path order. A link out of the plan or anything but a
/// regular file is a problem the loader reports, and is not copied.
pub fn load(loader: &mut Loader) -> anyhow::Result<Vec<Asset>> {
    let mut assets = Vec::new();
    for folder in ["content", STATIC] {
        for source in loader.store.all_paths(folder, loader.diags)? {
            let hidden = source.split('/').any(|part| part.starts_with('.'));
            if hidden || (folder == "content" && source.ends_with(".md")) {
                continue;
            }
            let Some(mut input) = loader.store.open(&source, loader.diags)? else {
                continue;
            };
            let mut bytes = Vec::new();
            input
                .read_to_end(&mut bytes)
                .with_context(|| format!("cannot read {source}"))?;
            let path = source
                .strip_prefix("content/")
                .unwrap_or(&source)
                .to_owned();
            assets.push(Asset {
                source,
                path,
                bytes,
            });
        }
    }
    Ok(assets)
}
