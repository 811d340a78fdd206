//! `content/**/*.md`: the plan's own pages, Markdown with optional TOML front
//! matter between `+++` lines, and the Markdown renderer every page shares.
//!
//! Markdown comes from people, so raw HTML in it is shown as text and
//! `javascript:` links lose their target: what an author writes can format a
//! page but never run in a reader's browser.

use std::collections::HashSet;
use std::path::Path;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::data::Loader;
use crate::data::de::TomlFile;
use crate::diag::{Pos, Source};

/// One content page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The source file, relative to the plan root.
    pub source: String,
    /// Where it is published, relative to the site root: `plan/diagnosis/`,
    /// or empty for `content/index.md` (the home page's introduction).
    pub url: String,
    pub title: String,
    pub description: Option<String>,
    /// Navigation order: lower first, then by title.
    pub weight: i64,
    pub draft: bool,
    /// The Markdown after the front matter.
    pub body: String,
    /// The line of the file the body starts on, so that problems found in
    /// the body are reported at their line of the file.
    pub body_line: usize,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    weight: i64,
    #[serde(default)]
    draft: bool,
}

/// Section names the generated pages use; a content page may not take them.
pub const RESERVED: &[&str] = &[
    "alerts",
    "api",
    "audits",
    "changes",
    "flows",
    "initiatives",
    "kpis",
    "okrs",
    "reviews",
    "sprints",
    "static",
    "voc",
];

/// Reads every page below `content/`, in path order.
pub fn load(loader: &mut Loader) -> anyhow::Result<Vec<Page>> {
    let mut pages: Vec<Page> = Vec::new();
    for src in loader.read_dir("content", "md")? {
        if let Some(page) = parse(&src, loader) {
            if let Some(other) = pages.iter().find(|p| p.url == page.url) {
                let message = format!(
                    "this page and {} are both published at /{}",
                    other.source, page.url
                );
                loader.diags.error(&src.path, Pos::START, message);
                continue;
            }
            pages.push(page);
        }
    }
    Ok(pages)
}

fn parse(src: &Source, loader: &mut Loader) -> Option<Page> {
    let Some(url) = url_of(&src.path) else {
        let message = "the file's path cannot be a web address: use letters, digits and `-` in file and folder names";
        loader.diags.error(&src.path, Pos::START, message);
        return None;
    };
    if let Some(first) = url.split('/').next()
        && RESERVED.contains(&first)
    {
        let message = format!(
            "content/{first}/ is where cxreport publishes its own /{first}/ pages: rename this"
        );
        loader.diags.error(&src.path, Pos::START, message);
        return None;
    }
    let (front, body) = split_front_matter(&src.text);
    let front = match front {
        Some(range) => {
            // The front matter is parsed as its own document, at its place
            // in the file: the `+++` line before it is blanked but keeps its
            // line end, so that positions are the file's (issue 17: without
            // it, every key was reported a line too early).
            let padded = src.text[..range.start]
                .chars()
                .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
                .chain(src.text[range].chars());
            let fm_src = Source::new(src.path.clone(), lone_cr_as_lf(padded));
            let mut file = TomlFile::new(&fm_src, loader.diags);
            let root = file.parse()?;
            file.record::<FrontMatter>(root, "the front matter")?
        }
        None => FrontMatter::default(),
    };
    let title = front.title.unwrap_or_else(|| title_from(&src.path));
    Some(Page {
        source: src.path.clone(),
        url,
        title,
        description: front.description,
        weight: front.weight,
        draft: front.draft,
        body: src.text[body..].to_owned(),
        body_line: src.pos(body).line,
    })
}

/// The byte range of the front matter (between the `+++` lines) and the
/// offset of the body. Lines may end in LF, CR LF or a lone CR, as in the
/// Markdown after them.
fn split_front_matter(text: &str) -> (Option<std::ops::Range<usize>>, usize) {
    let mut lines = lines_with_ends(text);
    // `+++` and its line end.
    let start = match lines.next() {
        Some(first) if first.len() > 3 && first.trim_end_matches(['\r', '\n']) == "+++" => {
            first.len()
        }
        _ => return (None, 0),
    };
    let mut offset = start;
    for line in lines {
        if line.trim_end() == "+++" {
            return (Some(start..offset), offset + line.len());
        }
        offset += line.len();
    }
    (None, 0)
}

/// The lines of `text`, each with its line end: LF, CR LF or a lone CR.
fn lines_with_ends(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let bytes = rest.as_bytes();
        let end = match memchr::memchr2(b'\n', b'\r', bytes) {
            Some(i) if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') => i + 2,
            Some(i) => i + 1,
            None => rest.len(),
        };
        let (line, tail) = rest.split_at(end);
        rest = tail;
        Some(line)
    })
}

/// The text with each lone CR made an LF, byte for byte: TOML knows only
/// LF and CR LF line ends, and offsets into the text stay what they were.
fn lone_cr_as_lf(text: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    let mut text = text.peekable();
    while let Some(c) = text.next() {
        out.push(if c == '\r' && text.peek() != Some(&'\n') {
            '\n'
        } else {
            c
        });
    }
    out
}

/// `content/plan/diagnosis.md` → `plan/diagnosis/`; `content/plan/index.md` → `plan/`.
fn url_of(source: &str) -> Option<String> {
    let rel = source.strip_prefix("content/")?.strip_suffix(".md")?;
    let rel = rel
        .strip_suffix("index")
        .map_or(rel, |r| r.trim_end_matches('/'));
    if rel.is_empty() {
        return Some(String::new());
    }
    let mut url = String::new();
    for part in rel.split('/') {
        if !crate::data::is_id(part) {
            return None;
        }
        url.push_str(part);
        url.push('/');
    }
    Some(url)
}

/// `content/plan/automation-priorities.md` → "Automation priorities".
pub fn title_from(source: &str) -> String {
    let path = Path::new(source);
    // `plan/index.md` is the page of `plan/`.
    let named = match path.file_stem().and_then(|s| s.to_str()) {
        Some("index") => path.parent().and_then(|p| p.file_name()),
        _ => path.file_stem(),
    };
    let stem = named.and_then(|s| s.to_str()).unwrap_or("page");
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Markdown to HTML: tables, footnotes, strikethrough, task lists and heading
/// anchors. Raw HTML is escaped and `javascript:` links are neutralised.
pub fn markdown(text: &str) -> String {
    markdown_with(text, false, |_| None, |_, _| None)
}

/// Markdown to HTML, where a paragraph whose whole text `block` recognises
/// is replaced by the HTML it returns: how the data components are placed.
/// The swap happens on parsed events, so a component's HTML is never
/// scanned again, and text elsewhere (an attribute, a code block) that
/// looks like a placeholder stays text. With `raw_html`, HTML written in the
/// Markdown is let through (a trusted plan's choice); otherwise it is text.
/// `link` sees each link's and image's address with its offset in `text`,
/// and may give the address to write instead (a site path made relative).
pub fn markdown_with<'b>(
    text: &str,
    raw_html: bool,
    block: impl Fn(&str) -> Option<&'b str>,
    mut link: impl FnMut(&str, usize) -> Option<String>,
) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut events: Vec<Event> = Vec::new();
    let mut ids = Anchors::default();
    // A heading's start tag waits (as a placeholder) until its text is known.
    let mut heading: Option<(Tag, usize)> = None;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let event = match event {
            Event::Html(html) | Event::InlineHtml(html) if !raw_html => Event::Text(html),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if is_script_url(&dest_url) => Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::Borrowed("#"),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if is_script_url(&dest_url) => Event::Start(Tag::Image {
                link_type,
                dest_url: CowStr::Borrowed(""),
                title,
                id,
            }),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: link(&dest_url, range.start).map_or(dest_url, CowStr::from),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: link(&dest_url, range.start).map_or(dest_url, CowStr::from),
                title,
                id,
            }),
            other => other,
        };
        match event {
            Event::Start(tag @ Tag::Heading { .. }) => {
                heading = Some((tag, events.len()));
                events.push(Event::Text(CowStr::Borrowed("")));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((
                    Tag::Heading {
                        level,
                        id,
                        classes,
                        attrs: _,
                    },
                    at,
                )) = heading.take()
                {
                    let text: String = events[at..]
                        .iter()
                        .filter_map(|e| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    let id = id
                        .map(|i| i.to_string())
                        .unwrap_or_else(|| unique_slug(&text, &mut ids));
                    ids.ids.insert(id.clone());
                    // Only the anchor and classes survive `{…}`: any other
                    // attribute (`onfocus=…`, `autofocus`) could carry script.
                    events[at] = Event::Start(Tag::Heading {
                        level,
                        id: Some(id.into()),
                        classes,
                        attrs: Vec::new(),
                    });
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, place_blocks(events, block).into_iter());
    html
}

/// Swaps each paragraph that is one text `block` recognises for the HTML it
/// returns. One pass, with no lookahead: a placeholder paragraph is known when
/// its end arrives, as the last three events so far, so a page of 20,000
/// paragraphs costs 20,000 steps (cloning the events still to come at each
/// paragraph, as a lookahead did, took 9 s: the fuzz input
/// `tests/fuzz/corpus/content/crash-many-paragraphs.md`).
fn place_blocks<'a, 'b>(
    events: Vec<Event<'a>>,
    block: impl Fn(&str) -> Option<&'b str>,
) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        out.push(event);
        if let [
            ..,
            Event::Start(Tag::Paragraph),
            Event::Text(t),
            Event::End(TagEnd::Paragraph),
        ] = &out[..]
            && let Some(html) = block(t)
        {
            let html = Event::Html(CowStr::from(html.to_owned()));
            out.truncate(out.len() - 3);
            out.push(html);
        }
    }
    out
}

fn is_script_url(url: &str) -> bool {
    let lower: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_lowercase();
    lower.starts_with("javascript:")
        || lower.starts_with("vbscript:")
        || lower.starts_with("data:text/html")
}

/// A heading's anchor: lower case words joined by `-`, made unique on the page.
fn unique_slug(text: &str, taken: &mut Anchors) -> String {
    let base = slug(text);
    let base = if base.is_empty() {
        "section".to_owned()
    } else {
        base
    };
    // Each base remembers the next number to try, so a page of 10,000 equal
    // headings takes 10,000 steps, not 50 million.
    let mut n = taken.next.get(&base).copied().unwrap_or(0);
    let mut candidate = if n == 0 {
        base.clone()
    } else {
        format!("{base}-{n}")
    };
    while taken.ids.contains(&candidate) {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    taken.next.insert(base, n + 1);
    candidate
}

/// The anchors of a page so far.
#[derive(Default)]
struct Anchors {
    ids: HashSet<String>,
    /// Per slug, the next suffix to try.
    next: std::collections::HashMap<String, usize>,
}

/// Lower-case letters and digits (accents kept) joined by `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(url_of("content/index.md").as_deref(), Some(""));
        assert_eq!(url_of("content/plan/index.md").as_deref(), Some("plan/"));
        assert_eq!(
            url_of("content/plan/diagnosis.md").as_deref(),
            Some("plan/diagnosis/")
        );
        assert_eq!(url_of("content/My Page.md"), None);
    }

    #[test]
    fn front_matter() {
        let text = "+++\ntitle = \"A\"\n+++\n# Body\n";
        let (fm, body) = split_front_matter(text);
        assert_eq!(&text[fm.expect("front matter")], "title = \"A\"\n");
        assert_eq!(&text[body..], "# Body\n");
        assert_eq!(split_front_matter("# No front matter\n"), (None, 0));
        assert_eq!(split_front_matter("+++"), (None, 0));
        for text in [
            "+++\r\ntitle = \"A\"\r\n+++\r\n# Body\r\n",
            "+++\rtitle = \"A\"\r+++\r# Body\r",
        ] {
            let (fm, body) = split_front_matter(text);
            assert!(text[fm.expect("front matter")].starts_with("title = \"A\""));
            assert!(text[body..].starts_with("# Body"), "{text:?}");
        }
    }

    /// Issue 17: a front-matter key was reported one line above its own,
    /// in every line-end style.
    #[test]
    fn front_matter_problems_name_their_own_line() {
        for end in ["\n", "\r\n", "\r"] {
            let text = ["+++", "title = \"A\"", "", "wieght = 3", "+++", "", "Body"].join(end);
            let files =
                std::collections::BTreeMap::from([("content/p.md".to_owned(), text.into_bytes())]);
            let mut diags = crate::diag::Diagnostics::default();
            let mut loader =
                Loader::new(Path::new("."), Some(std::sync::Arc::new(files)), &mut diags);
            let pages = load(&mut loader).expect("no I/O");
            drop(loader);
            let found: Vec<String> = diags
                .sorted()
                .iter()
                .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
                .collect();
            assert_eq!(
                found,
                ["4:1: unknown key `wieght` in the front matter; did you mean `weight`?"],
                "{end:?}"
            );
            assert_eq!(pages[0].body_line, 6, "{end:?}");
            assert_eq!(pages[0].title, "A");
        }
    }

    #[test]
    fn headings_get_unique_anchors() {
        let html = markdown("# Plan de acción\n\n## Plan de acción\n\n## Custom {#mine}\n");
        assert!(html.contains(r#"<h1 id="plan-de-acción">"#), "{html}");
        assert!(html.contains(r#"<h2 id="plan-de-acción-1">"#), "{html}");
        assert!(html.contains(r#"<h2 id="mine">"#), "{html}");
    }

    #[test]
    fn many_equal_headings_get_numbered_anchors() {
        let html = markdown(&"# Same\n".repeat(20_000));
        assert!(html.contains(r#"<h1 id="same-19999">"#));
        assert_eq!(html.matches("<h1 id=").count(), 20_000);
    }

    /// Only a paragraph that is the placeholder alone is swapped; the same
    /// text beside other words, in a list item or in code stays text.
    #[test]
    fn blocks_replace_whole_paragraphs_only() {
        let html = markdown_with(
            "X\n\nX and more\n\n- X\n\n`X`\n\nX\n\nX\n\n> X\n",
            false,
            |t| (t == "X").then_some("<b>x</b>"),
            |_, _| None,
        );
        assert_eq!(
            html,
            "<b>x</b>\n<p>X and more</p>\n<ul>\n<li>X</li>\n</ul>\n<p><code>X</code></p>\n\
             <b>x</b><b>x</b>\n<blockquote>\n<b>x</b></blockquote>\n"
        );
    }

    #[test]
    fn many_blocks_are_all_placed() {
        let html = markdown_with(
            &"X\n\nY\n\n".repeat(20_000),
            false,
            |t| (t == "X").then_some("<b>x</b>"),
            |_, _| None,
        );
        assert_eq!(html.matches("<b>x</b>").count(), 20_000);
        assert_eq!(html.matches("<p>Y</p>").count(), 20_000);
        assert!(!html.contains("<p>X</p>"));
    }

    #[test]
    fn raw_html_and_script_links_are_harmless() {
        let html = markdown(
            "<script>alert(1)</script>\n\nx <img src=x onerror=alert(1)> [a](javascript:alert(1))\n",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn heading_attributes_keep_only_the_anchor_and_classes() {
        let html = markdown(
            "## Note {#n .wide autofocus tabindex=0 onfocus=alert(document.domain)}\n\n\
             # T {onmouseover=\"alert(1)\" style=x}\n",
        );
        assert!(
            html.contains(r#"<h2 id="n" class="wide">Note</h2>"#),
            "{html}"
        );
        assert!(html.contains(r#"<h1 id="t">T</h1>"#), "{html}");
        for word in ["autofocus", "tabindex", "onfocus", "onmouseover", "style"] {
            assert!(!html.contains(word), "{word} in {html}");
        }
    }

    #[test]
    fn tables_and_footnotes() {
        let html = markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1]\n\n[^1]: Note.\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("footnote"), "{html}");
    }
}
