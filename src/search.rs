//! The site's search index, made from the rendered pages when the site is
//! written (layer 5: it turns pages into more files and knows nothing of the
//! plan). [pagefind](https://pagefind.app) reads each page's `<main
//! data-pagefind-body>` in the language of its `<html lang>`, stems words for
//! English and Spanish, and writes a chunked index that its `pagefind.js`
//! fetches as the reader types: the site stays static, and a search
//! downloads only the chunks its words need. The index is two bundles, one
//! for the home and content pages under `pagefind/` and one for the pages of
//! figures under `pagefind/figures/` that the search box merges into it, so
//! that both are made at once and an edit remakes only its own.
//!
//! Browsers do not let a page opened from `file://` fetch files or import
//! modules, so the full-text index cannot work there. Beside it goes
//! `static/search-titles.js`, every page's title and path as a plain script
//! that a `<script>` tag loads from disk: the search box
//! (`templates/search.js`) falls back to finding pages by title there, and
//! says so (docs/search.md).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context as _;

use crate::render::OutFile;

mod bundle;

use bundle::{Bundle, Title};

/// Where pagefind's bundle goes in the site: the index of the home and
/// content pages, and pagefind's scripts, which the search box loads.
pub const BUNDLE: &str = "pagefind/";

/// Where the index of the pages that show only figures goes, merged into
/// [`BUNDLE`]'s by the search box (pagefind's `mergeIndex`).
pub const FIGURES: &str = "pagefind/figures/";

/// Where the second half of the content pages goes, on a plan with at
/// least [`SPLIT_CONTENT`] of them: merged like [`FIGURES`].
pub const MORE_CONTENT: &str = "pagefind/content-2/";

/// From this many content pages on, they are indexed in two halves, so
/// that a site of content pages keeps both cores busy too. A constant, not
/// the machine's number of cores: the same pages give the same files on
/// every machine.
const SPLIT_CONTENT: usize = 200;

/// The bundles merged into [`BUNDLE`]'s, as a JSON list of their folders
/// within it (`["figures/"]`): what the search box merges.
pub const MERGED: &str = "pagefind/cxreport-merged.json";

/// The titles index for pages opened from disk.
pub const TITLES: &str = "static/search-titles.js";

/// The attribute that marks what a page gives the index. Pages without it
/// (none today; a plan's own template might drop it) are left out.
const BODY: &[u8] = b"data-pagefind-body";

/// The files of the search index of the site made of `files`: pagefind
/// bundles, [`BUNDLE`] for the home and content pages ([`MORE_CONTENT`]
/// for the second half of many) and [`FIGURES`] for the pages in
/// `of_figures` (the files of the pages that show only figures), the list
/// of them ([`MERGED`]), and [`TITLES`]. The same pages always give the
/// same bytes.
///
/// The bundles are made at once, each on a thread: pagefind takes about a
/// millisecond a page on one core and cannot share its work. And each is
/// taken over from `previous`, the site this one replaces, when it was made
/// from exactly the pages it would be given now: an edit of a content page
/// makes only its own bundle again, an edit of the data only the figures'.
pub fn index(
    files: &[OutFile],
    of_figures: &BTreeSet<String>,
    previous: Option<&Path>,
) -> anyhow::Result<Vec<OutFile>> {
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
    let mut content = Vec::new();
    let mut figures = Vec::new();
    for (page, document) in pages.iter().zip(documents) {
        let document =
            document.with_context(|| format!("cannot read {} for the index", page.path))?;
        let group = if of_figures.contains(&page.path) {
            &mut figures
        } else {
            &mut content
        };
        group.push((page.path.as_str(), document));
    }
    let more_content = if content.len() >= SPLIT_CONTENT {
        content.split_off(content.len() / 2)
    } else {
        Vec::new()
    };
    let merged: Vec<(Bundle, Vec<_>)> = [(FIGURES, figures), (MORE_CONTENT, more_content)]
        .into_iter()
        .filter(|(_, documents)| !documents.is_empty())
        .map(|(dir, documents)| (Bundle { dir, merged: true }, documents))
        .collect();
    let list: Vec<&str> = merged
        .iter()
        .map(|(bundle, _)| bundle.dir.trim_start_matches(BUNDLE))
        .collect();
    let list = serde_json::to_vec(&list)?;
    let primary = Bundle {
        dir: BUNDLE,
        merged: false,
    };
    let (made, more) = std::thread::scope(|scope| {
        let threads: Vec<_> = merged
            .into_iter()
            .map(|(bundle, documents)| {
                let name = bundle.dir.trim_start_matches(BUNDLE).trim_end_matches('/');
                std::thread::Builder::new()
                    .name(format!("search-{name}"))
                    .spawn_scoped(scope, move || bundle.made(documents, previous, &[]))
            })
            .collect();
        let made = primary.made(content, previous, &[FIGURES, MORE_CONTENT, MERGED]);
        let more: Vec<_> = threads
            .into_iter()
            .map(|thread| match thread {
                Ok(thread) => crate::parallel::joined(thread),
                Err(e) => Err(e).context("cannot start the search indexer"),
            })
            .collect();
        (made, more)
    });
    let (mut out, mut titles) = made?;
    for made in more {
        let (files, more_titles) = made?;
        out.extend(files);
        titles.extend(more_titles);
    }
    out.push(OutFile {
        path: MERGED.to_owned(),
        bytes: list,
    });
    out.sort_by(|a, b| a.path.cmp(&b.path));
    titles.sort_by(|a, b| a.p.cmp(&b.p));
    out.push(OutFile {
        path: TITLES.to_owned(),
        bytes: titles_script(&titles)?.into_bytes(),
    });
    Ok(out)
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

    use super::bundle::PAGEFIND;
    use super::*;

    /// A site of `files` in a new temporary folder, as a previous build.
    fn written(files: &[OutFile]) -> anyhow::Result<tempfile::TempDir> {
        let dir = tempfile::tempdir()?;
        for f in files {
            let path = dir.path().join(&f.path);
            std::fs::create_dir_all(path.parent().unwrap_or(dir.path()))?;
            std::fs::write(path, &f.bytes)?;
        }
        Ok(dir)
    }

    /// The file at `path` among `files`, as text; empty when there is none.
    fn text(files: &[OutFile], path: &str) -> String {
        files
            .iter()
            .find(|f| f.path == path)
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .unwrap_or_default()
    }

    /// No page of figures: one bundle.
    fn none() -> BTreeSet<String> {
        BTreeSet::new()
    }

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
        let out = index(&files, &none(), None)?;
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
        let titles = text(&out, TITLES);
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
        assert_eq!(index(&files, &none(), None)?, index(&files, &none(), None)?);
        let reversed: Vec<OutFile> = files.iter().rev().cloned().collect();
        assert_eq!(
            index(&files, &none(), None)?,
            index(&reversed, &none(), None)?,
            "whatever the order"
        );
        Ok(())
    }

    #[test]
    fn the_fingerprint_names_the_pagefind_that_made_the_index() -> anyhow::Result<()> {
        let out = index(
            &site(&[("index.html", &page("en", "A", "words"))]),
            &none(),
            None,
        )?;
        let entry = text(&out, "pagefind/pagefind-entry.json");
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
        let first = index(&files, &none(), None)?;
        let dir = written(&first)?;
        assert_eq!(index(&files, &none(), Some(dir.path()))?, first);
        // Taken over, not made again: a mark put into the old index stays.
        let entry = dir.path().join("pagefind/pagefind-entry.json");
        std::fs::write(&entry, "taken over")?;
        let again = index(&files, &none(), Some(dir.path()))?;
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
        assert_eq!(
            index(&changed, &none(), Some(dir.path()))?,
            index(&changed, &none(), None)?
        );
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
            index(&chrome, &none(), Some(dir.path()))?
                .iter()
                .any(|f| f.bytes == b"taken over")
        );
        std::fs::remove_file(dir.path().join("pagefind/cxreport-titles.json"))?;
        assert_eq!(index(&files, &none(), Some(dir.path()))?, first);
        Ok(())
    }

    #[test]
    fn pages_of_figures_get_a_bundle_of_their_own_made_again_only_when_they_change()
    -> anyhow::Result<()> {
        let with = |home: &str, kpi: &str| {
            site(&[
                ("index.html", &page("en", "Overview", home)),
                ("kpis/sla/index.html", &page("en", "Service level", kpi)),
            ])
        };
        let figures = BTreeSet::from(["kpis/sla/index.html".to_owned()]);
        let files = with("Rising", "Answered in 20 s");
        let first = index(&files, &figures, None)?;
        let paths = paths(&first);
        for expected in [
            "pagefind/pagefind.js",
            "pagefind/pagefind-entry.json",
            "pagefind/figures/pagefind-entry.json",
            "pagefind/figures/cxreport-pages.sha1",
        ] {
            assert!(paths.contains_key(expected), "{expected} in {paths:?}");
        }
        assert!(
            paths
                .keys()
                .any(|p| p.starts_with("pagefind/figures/fragment/"))
        );
        let merged = text(&first, MERGED);
        assert_eq!(merged, r#"["figures/"]"#);
        // Merged into the first, it needs none of pagefind's own files.
        assert!(!paths.keys().any(|p| p.starts_with("pagefind/figures/")
            && (p.ends_with(".js") || p.ends_with(".pagefind"))));
        let titles = text(&first, TITLES);
        assert_eq!(
            titles,
            titles_script(&[
                Title {
                    t: "Overview".to_owned(),
                    p: "index.html".to_owned()
                },
                Title {
                    t: "Service level".to_owned(),
                    p: "kpis/sla/index.html".to_owned()
                },
            ])?
        );
        let dir = written(&first)?;
        // Marks in both old bundles: what is taken over keeps its mark.
        for bundle in [BUNDLE, FIGURES] {
            std::fs::write(dir.path().join(bundle).join("pagefind-entry.json"), bundle)?;
        }
        let kept = |out: &[OutFile], bundle: &str| out.iter().any(|f| f.bytes == bundle.as_bytes());
        let content_edited = index(
            &with("Falling", "Answered in 20 s"),
            &figures,
            Some(dir.path()),
        )?;
        assert!(!kept(&content_edited, BUNDLE) && kept(&content_edited, FIGURES));
        let data_edited = index(
            &with("Rising", "Answered in 30 s"),
            &figures,
            Some(dir.path()),
        )?;
        assert!(kept(&data_edited, BUNDLE) && !kept(&data_edited, FIGURES));
        // Made again, each is what a build from nothing makes.
        let fresh = index(&with("Falling", "Answered in 30 s"), &figures, None)?;
        assert_eq!(
            index(
                &with("Falling", "Answered in 30 s"),
                &figures,
                Some(dir.path())
            )?,
            fresh
        );
        Ok(())
    }

    #[test]
    fn many_content_pages_are_indexed_in_two_halves() -> anyhow::Result<()> {
        let pages: Vec<(String, String)> = (0..SPLIT_CONTENT)
            .map(|i| {
                let title = format!("Guide {i:03}");
                (
                    format!("guides/{i:03}/index.html"),
                    page("en", &title, "Words"),
                )
            })
            .collect();
        let borrowed: Vec<(&str, &str)> = pages
            .iter()
            .map(|(p, h)| (p.as_str(), h.as_str()))
            .collect();
        let out = index(&site(&borrowed), &none(), None)?;
        let merged = text(&out, MERGED);
        assert_eq!(merged, r#"["content-2/"]"#);
        let fragments = |bundle: &str| {
            out.iter()
                .filter(|f| f.path.starts_with(&format!("{bundle}fragment/")))
                .count()
        };
        assert_eq!((fragments(BUNDLE), fragments(MORE_CONTENT)), (100, 100));
        let titles = text(&out, TITLES);
        assert_eq!(titles.matches(r#""p":"guides/"#).count(), SPLIT_CONTENT);
        // One page fewer: one bundle, and nothing to merge.
        let out = index(&site(&borrowed[1..]), &none(), None)?;
        assert!(!out.iter().any(|f| f.path.starts_with(MORE_CONTENT)));
        let merged = text(&out, MERGED);
        assert_eq!(merged, "[]");
        Ok(())
    }

    #[test]
    fn spanish_pages_get_the_spanish_stemmer() -> anyhow::Result<()> {
        let files = site(&[(
            "index.html",
            &page("es", "Resumen", "Las llamadas atendidas mejoran"),
        )]);
        let out = index(&files, &none(), None)?;
        let paths = paths(&out);
        assert!(paths.contains_key("pagefind/wasm.es.pagefind"), "{paths:?}");
        let entry = text(&out, "pagefind/pagefind-entry.json");
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
