//! The site's search index, made from the rendered pages when the site is
//! written (layer 5: it turns pages into more files and knows nothing of the
//! plan). [pagefind](https://pagefind.app) reads each page's `<main
//! data-pagefind-body>` in the language of its `<html lang>`, stems words for
//! English and Spanish, and writes a chunked index under `pagefind/` that its
//! `pagefind.js` fetches as the reader types: the site stays static, and a
//! search downloads only the chunks its words need.
//!
//! Browsers do not let a page opened from `file://` fetch files or import
//! modules, so the full-text index cannot work there. Beside it goes
//! `static/search-titles.js`, every page's title and path as a plain script
//! that a `<script>` tag loads from disk: the search box
//! (`templates/search.js`) falls back to finding pages by title there, and
//! says so (docs/search.md).

use std::path::Path;

use anyhow::Context as _;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::render::OutFile;

/// Where pagefind's bundle goes in the site.
pub const BUNDLE: &str = "pagefind/";

/// The titles index for pages opened from disk.
pub const TITLES: &str = "static/search-titles.js";

/// The attribute that marks what a page gives the index. Pages without it
/// (none today; a plan's own template might drop it) are left out.
const BODY: &[u8] = b"data-pagefind-body";

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

/// The file of the bundle that says which pages it was made from: a SHA-1
/// of what pagefind was given (see [`fingerprint`]).
pub const MADE_FROM: &str = "pagefind/cxreport-pages.sha1";

/// The pagefind this index is made by, in the fingerprint: another version
/// may write other files from the same pages. A test checks it against the
/// version pagefind writes into its bundle.
const PAGEFIND: &str = "1.6.0";

/// The files of the search index of the site made of `files`: pagefind's
/// bundle under [`BUNDLE`], [`MADE_FROM`] and [`TITLES`]. The same pages
/// always give the same bytes.
///
/// `previous` is the site this one replaces, if any. When its index was
/// made from exactly the pages pagefind would be given now, its files are
/// taken over instead of made again: pagefind takes about a millisecond a
/// page on one core, most of a rebuild of a site of content pages that
/// changed nothing, and the files it would write are the same bytes.
pub fn index(files: &[OutFile], previous: Option<&Path>) -> anyhow::Result<Vec<OutFile>> {
    let mut pages: Vec<&OutFile> = files
        .iter()
        .filter(|f| f.path.ends_with(".html") && contains(&f.bytes, BODY))
        .collect();
    // pagefind numbers pages in the order they come: by path, the index is
    // the same whatever order the pages were rendered in (`serve` puts the
    // pages it took over from the last build after the others).
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    let mut documents = Vec::with_capacity(pages.len());
    crate::parallel::ordered(
        &pages,
        |page| searchable(&String::from_utf8_lossy(&page.bytes)),
        |document| documents.push(document),
    );
    let documents = pages
        .iter()
        .zip(documents)
        .map(|(page, document)| {
            let document =
                document.with_context(|| format!("cannot read {} for the index", page.path))?;
            Ok((page.path.as_str(), document))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let made_from = fingerprint(&documents);
    if let Some(kept) = previous.and_then(|site| made_before(site, &made_from)) {
        return Ok(kept);
    }
    // pagefind is async on tokio, but a build has nothing else to await: a
    // runtime on this thread, for this call only, is all it needs (its
    // blocking pool parses each page).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .context("cannot start the search indexer")?;
    let (bundle, titles) = runtime.block_on(bundle(documents))?;
    let mut out: Vec<OutFile> = bundle
        .into_iter()
        .filter(|f| !UNUSED.contains(&f.path.as_str()))
        .map(|f| OutFile {
            path: format!("{BUNDLE}{}", f.path),
            bytes: f.bytes,
        })
        .collect();
    out.push(OutFile {
        path: MADE_FROM.to_owned(),
        bytes: format!("{made_from}\n").into_bytes(),
    });
    // pagefind gives its files in the order its tasks finish: sorted, the
    // site's file list is the same on every build.
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.push(OutFile {
        path: TITLES.to_owned(),
        bytes: titles_script(&titles)?.into_bytes(),
    });
    Ok(out)
}

/// The SHA-1, in hex, of what pagefind is given: its version, and each
/// page's path and trimmed document, in order.
fn fingerprint(documents: &[(&str, String)]) -> String {
    use sha1::Digest as _;
    let mut hash = sha1::Sha1::new();
    hash.update(format!("pagefind {PAGEFIND}\0").as_bytes());
    for (path, document) in documents {
        for part in [path.as_bytes(), document.as_bytes()] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The index files of the site in `site` when they were made from the
/// pages `made_from` names: every regular file under [`BUNDLE`] (links are
/// never followed), and [`TITLES`]. `None` when they were not, or cannot
/// all be read: the index is then made again.
fn made_before(site: &Path, made_from: &str) -> Option<Vec<OutFile>> {
    let read = |rel: &str| -> Option<Vec<u8>> {
        let path = site.join(rel);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() {
            return None;
        }
        std::fs::read(path).ok()
    };
    if read(MADE_FROM)? != format!("{made_from}\n").as_bytes() {
        return None;
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(site.join(BUNDLE)).sort_by_file_name() {
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
    out.push(OutFile {
        path: TITLES.to_owned(),
        bytes: read(TITLES)?,
    });
    Some(out)
}

/// One page as the title search sees it.
#[derive(serde::Serialize)]
struct Title {
    /// The page's title: its first heading, as pagefind reads it.
    t: String,
    /// Its file in the site (`kpis/sla/index.html`): a link to it works
    /// from disk, where a folder would show a listing.
    p: String,
}

/// pagefind's files (paths within its bundle), and the title of each page,
/// from each page's path and [`searchable`] document.
async fn bundle(documents: Vec<(&str, String)>) -> anyhow::Result<(Vec<OutFile>, Vec<Title>)> {
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

/// What pagefind is given of a page: its `<html …>` tag (for the language)
/// and its `<main data-pagefind-body>`, without `<script>` elements and
/// without what is marked `data-pagefind-ignore` (a chart's data table, a
/// metric's table of periods). pagefind would leave all of that out of the
/// index, but only after parsing it: a metric's page carries its charts'
/// options as JSON and their figures as tables, most of its bytes, and on a
/// large plan that parsing was most of the index's time. pagefind parses
/// one page at a time; this runs on every core first. A page whose indexed
/// part is not a `<main>` (a plan's own template) keeps the rest of its
/// document.
fn searchable(html: &str) -> anyhow::Result<String> {
    let start_tag = |name: &str| {
        let at = html.find(name)?;
        let end = at + html[at..].find('>')? + 1;
        Some(at..end)
    };
    let part = match (
        start_tag("<html"),
        start_tag("<main"),
        html.rfind("</main>"),
    ) {
        (Some(root), Some(main), Some(close))
            if main.end <= close && contains(html[main.clone()].as_bytes(), BODY) =>
        {
            Some((root, main.start..close + "</main>".len()))
        }
        _ => None,
    };
    let settings = lol_html::RewriteStrSettings::new().append_element_content_handler(
        lol_html::element!("script, [data-pagefind-ignore]", |el| {
            el.remove();
            Ok(())
        }),
    );
    Ok(match part {
        Some((root, main)) => {
            let kept = lol_html::rewrite_str(&html[main], settings)?;
            format!("{}<body>{kept}</body></html>", &html[root])
        }
        None => lol_html::rewrite_str(html, settings)?,
    })
}

/// `static/search-titles.js`: the titles as a JSON array assigned to
/// `window.cxreportTitles`. JSON is a literal here, never code, and
/// serde_json escapes every quote and control character of a title.
fn titles_script(titles: &[Title]) -> anyhow::Result<String> {
    let json = serde_json::to_string(titles)?;
    Ok(format!(
        "// Every page's title and file, for the search box of a site opened\n\
         // from disk (written by cxreport; see docs/search.md).\n\
         window.cxreportTitles = {json};\n"
    ))
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// The pages of a site by path, for the tests.
#[cfg(test)]
fn site(pages: &[(&str, &str)]) -> Vec<OutFile> {
    pages
        .iter()
        .map(|(path, html)| OutFile {
            path: (*path).to_owned(),
            bytes: html.as_bytes().to_vec(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn page(lang: &str, title: &str, text: &str) -> String {
        format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><title>{title}</title></head><body>\
             <nav><a href=\"/\">Navigation words</a></nav>\
             <main data-pagefind-body><h1>{title}</h1><p>{text}</p></main></body></html>"
        )
    }

    fn paths(files: &[OutFile]) -> BTreeMap<&str, usize> {
        files
            .iter()
            .map(|f| (f.path.as_str(), f.bytes.len()))
            .collect()
    }

    #[test]
    fn writes_the_bundle_and_the_titles() -> anyhow::Result<()> {
        let files = site(&[
            (
                "index.html",
                &page("en", "Overview", "Service level is rising"),
            ),
            (
                "service/index.html",
                &page("en", "Service level", "Answered in 20 s"),
            ),
            ("static/style.css", "body {}"),
        ]);
        let out = index(&files, None)?;
        let paths = paths(&out);
        for expected in [
            "pagefind/pagefind.js",
            "pagefind/pagefind-worker.js",
            "pagefind/pagefind-entry.json",
            "pagefind/wasm.en.pagefind",
            TITLES,
        ] {
            assert!(paths.contains_key(expected), "{expected} in {paths:?}");
        }
        assert!(!paths.contains_key("pagefind/pagefind-ui.js"));
        assert!(paths.keys().any(|p| p.starts_with("pagefind/index/")));
        assert!(paths.keys().any(|p| p.starts_with("pagefind/fragment/")));
        let titles = out
            .iter()
            .find(|f| f.path == TITLES)
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .unwrap_or_default();
        assert!(
            titles.contains(r#"{"t":"Service level","p":"service/index.html"}"#),
            "{titles}"
        );
        Ok(())
    }

    #[test]
    fn the_same_pages_give_the_same_bytes() -> anyhow::Result<()> {
        let files = site(&[
            (
                "index.html",
                &page("en", "Overview", "Service level is rising"),
            ),
            (
                "a/index.html",
                &page("en", "Alpha", "Average handling time"),
            ),
            (
                "b/index.html",
                &page("en", "Beta", "First contact resolution"),
            ),
        ]);
        assert_eq!(index(&files, None)?, index(&files, None)?);
        let reversed: Vec<OutFile> = files.iter().rev().cloned().collect();
        assert_eq!(
            index(&files, None)?,
            index(&reversed, None)?,
            "whatever the order"
        );
        Ok(())
    }

    #[test]
    fn the_fingerprint_names_the_pagefind_that_made_the_index() -> anyhow::Result<()> {
        let out = index(&site(&[("index.html", &page("en", "A", "words"))]), None)?;
        let entry = out
            .iter()
            .find(|f| f.path == "pagefind/pagefind-entry.json")
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .unwrap_or_default();
        assert!(
            entry.contains(&format!(r#""version":"{PAGEFIND}""#)),
            "{entry}"
        );
        Ok(())
    }

    #[test]
    fn a_rebuild_of_the_same_pages_takes_the_index_over() -> anyhow::Result<()> {
        let files = site(&[
            (
                "index.html",
                &page("en", "Overview", "Service level is rising"),
            ),
            (
                "a/index.html",
                &page("en", "Alpha", "Average handling time"),
            ),
        ]);
        let first = index(&files, None)?;
        let dir = tempfile::tempdir()?;
        let write_site = |out: &[OutFile]| -> anyhow::Result<()> {
            for f in out {
                let path = dir.path().join(&f.path);
                std::fs::create_dir_all(path.parent().unwrap_or(dir.path()))?;
                std::fs::write(path, &f.bytes)?;
            }
            Ok(())
        };
        write_site(&first)?;
        assert_eq!(index(&files, Some(dir.path()))?, first);
        // Taken over, not made again: a mark put into the old index stays.
        let entry = dir.path().join("pagefind/pagefind-entry.json");
        std::fs::write(&entry, "taken over")?;
        let again = index(&files, Some(dir.path()))?;
        assert!(again.iter().any(|f| f.bytes == b"taken over"));
        // Another page, a page changed only outside what is indexed, or a
        // missing file of the old index.
        let changed = site(&[
            (
                "index.html",
                &page("en", "Overview", "Service level is falling"),
            ),
            (
                "a/index.html",
                &page("en", "Alpha", "Average handling time"),
            ),
        ]);
        assert_eq!(index(&changed, Some(dir.path()))?, index(&changed, None)?);
        let chrome = site(&[
            (
                "index.html",
                &page("en", "Overview", "Service level is rising")
                    .replace("Navigation words", "Menu"),
            ),
            (
                "a/index.html",
                &page("en", "Alpha", "Average handling time"),
            ),
        ]);
        assert!(
            index(&chrome, Some(dir.path()))?
                .iter()
                .any(|f| f.bytes == b"taken over")
        );
        std::fs::remove_file(dir.path().join(TITLES))?;
        assert_eq!(index(&files, Some(dir.path()))?, first);
        Ok(())
    }

    #[test]
    fn spanish_pages_get_the_spanish_stemmer() -> anyhow::Result<()> {
        let files = site(&[(
            "index.html",
            &page("es", "Resumen", "Las llamadas atendidas mejoran"),
        )]);
        let out = index(&files, None)?;
        let paths = paths(&out);
        assert!(paths.contains_key("pagefind/wasm.es.pagefind"), "{paths:?}");
        let entry = out
            .iter()
            .find(|f| f.path == "pagefind/pagefind-entry.json")
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .unwrap_or_default();
        assert!(entry.contains(r#""es":{"#), "{entry}");
        Ok(())
    }

    #[test]
    fn scripts_and_ignored_parts_are_left_out_of_what_is_indexed() -> anyhow::Result<()> {
        let page = "<!DOCTYPE html><html lang=\"es\"><head><title>T</title><script src=\"s.js\"></script></head>\
            <body><nav>Menu</nav><main data-pagefind-body><h1>T</h1><p>a</p>\
            <script type=\"application/json\" id=\"c\">{\"x\":\"</p>\"}</script>\
            <details data-pagefind-ignore><table><tr><td>12.5</td></tr></table></details><p>b</p></main>\
            <footer>Foot</footer></body></html>";
        assert_eq!(
            searchable(page)?,
            "<html lang=\"es\"><body><main data-pagefind-body><h1>T</h1><p>a</p><p>b</p></main></body></html>"
        );
        // Without a `<main data-pagefind-body>`, the whole document, trimmed the same way.
        assert_eq!(
            searchable(
                "<html><body><div data-pagefind-body>a<script>x</script></div></body></html>"
            )?,
            "<html><body><div data-pagefind-body>a</div></body></html>"
        );
        assert_eq!(searchable("<p>a</p><script>unclosed")?, "<p>a</p>");
        Ok(())
    }

    #[test]
    fn a_title_cannot_break_out_of_the_script() -> anyhow::Result<()> {
        let script = titles_script(&[Title {
            t: "</script><script>alert(1)</script>\"\n".to_owned(),
            p: "x/index.html".to_owned(),
        }])?;
        let json = script
            .lines()
            .find_map(|l| l.strip_prefix("window.cxreportTitles = "))
            .and_then(|l| l.strip_suffix(';'))
            .unwrap_or_default();
        let back: serde_json::Value = serde_json::from_str(json)?;
        assert_eq!(back[0]["t"], "</script><script>alert(1)</script>\"\n");
        Ok(())
    }
}
