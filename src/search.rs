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

/// The files of the search index of the site made of `files`: pagefind's
/// bundle under [`BUNDLE`], and [`TITLES`]. The same pages always give the
/// same bytes.
pub fn index(files: &[OutFile]) -> anyhow::Result<Vec<OutFile>> {
    let mut pages: Vec<&OutFile> = files
        .iter()
        .filter(|f| f.path.ends_with(".html") && contains(&f.bytes, BODY))
        .collect();
    // pagefind numbers pages in the order they come: by path, the index is
    // the same whatever order the pages were rendered in (`serve` puts the
    // pages it took over from the last build after the others).
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    // pagefind is async on tokio, but a build has nothing else to await: a
    // runtime on this thread, for this call only, is all it needs (its
    // blocking pool parses each page).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .context("cannot start the search indexer")?;
    let (bundle, titles) = runtime.block_on(bundle(&pages))?;
    let mut out: Vec<OutFile> = bundle
        .into_iter()
        .filter(|f| !UNUSED.contains(&f.path.as_str()))
        .map(|f| OutFile {
            path: format!("{BUNDLE}{}", f.path),
            bytes: f.bytes,
        })
        .collect();
    // pagefind gives its files in the order its tasks finish: sorted, the
    // site's file list is the same on every build.
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.push(OutFile {
        path: TITLES.to_owned(),
        bytes: titles_script(&titles)?.into_bytes(),
    });
    Ok(out)
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

/// pagefind's files (paths within its bundle), and the title of each page.
async fn bundle(pages: &[&OutFile]) -> anyhow::Result<(Vec<OutFile>, Vec<Title>)> {
    let config = PagefindServiceConfig::builder()
        // Results link to `…/index.html`, which works from any host and
        // sub-path, and from disk.
        .keep_index_url(true)
        .build();
    let mut index = PagefindIndex::new(Some(config)).context("cannot start pagefind")?;
    let mut titles = Vec::with_capacity(pages.len());
    let mut documents = Vec::with_capacity(pages.len());
    crate::parallel::ordered(
        pages,
        |page| searchable(&String::from_utf8_lossy(&page.bytes)),
        |document| documents.push(document),
    );
    for (page, document) in pages.iter().zip(documents) {
        let document =
            document.with_context(|| format!("cannot read {} for the index", page.path))?;
        let added = index
            .add_html_file(Some(page.path.clone()), None, document)
            .await
            .with_context(|| format!("cannot index {}", page.path))?;
        if added.page_word_count == 0 {
            continue;
        }
        let title = added
            .page_meta
            .get("title")
            .cloned()
            .unwrap_or_else(|| page.path.clone());
        titles.push(Title {
            t: title,
            p: page.path.clone(),
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
        let out = index(&files)?;
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
        assert_eq!(index(&files)?, index(&files)?);
        let reversed: Vec<OutFile> = files.iter().rev().cloned().collect();
        assert_eq!(index(&files)?, index(&reversed)?, "whatever the order");
        Ok(())
    }

    #[test]
    fn spanish_pages_get_the_spanish_stemmer() -> anyhow::Result<()> {
        let files = site(&[(
            "index.html",
            &page("es", "Resumen", "Las llamadas atendidas mejoran"),
        )]);
        let out = index(&files)?;
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
