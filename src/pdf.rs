//! `cxreport pdf` (layer 6): a board pack, some pages of the site printed
//! as one PDF. The steps: find a local Chromium (before any work, so a
//! missing browser fails at once), load, check and render the site in
//! memory as `build` would (the plan's output folder is never touched),
//! join the chosen pages' `<main>` into one print page, then have a
//! headless Chromium, driven by `headless_chrome`, load that page with
//! every request answered from the rendered files, wait for each chart to
//! be drawn and print it with the plan's title, `as_of` and page numbers
//! on every sheet.
//!
//! One print page rather than a PDF per page joined afterwards: Chromium
//! numbers the pages of one document itself ("3 / 12"), where joined PDFs
//! would each start at 1 and need a PDF library to renumber; a chart or
//! table also never starts a sheet of its own only because a page ended.
//! Nothing written into the pack reads the clock: its header says `as_of`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;

mod chromium;

use chromium::print_in_chromium;
pub use chromium::{INSTALL_HELP, find_chromium};

use crate::diag::{Checked, has_errors};
use crate::progress::{Phase, Progress};
use crate::render::{OutFile, escape_html};

/// The pages of a board pack when `--pages` names none, in this order: the
/// overview, the KPIs, the OKRs and the alerts.
pub const DEFAULT_PAGES: [&str; 4] = ["/", "/kpis/", "/okrs/", "/alerts/"];

/// The environment variable that names the Chromium (or Chrome, or Edge)
/// to print with, ahead of any found on `PATH`.
pub const CHROMIUM_ENV: &str = "CXREPORT_CHROMIUM";

/// Where the pack's pages are said to be when `base_url` is a path. The
/// `.invalid` top-level domain never resolves (RFC 2606), so a request
/// that somehow escaped interception could reach no one.
const PLACEHOLDER_ORIGIN: &str = "https://cxreport.invalid";

/// How long the page and its charts may take to be ready, and how long
/// one call to Chromium may take (printing a long pack is the slowest).
const READY_TIMEOUT_MS: u64 = 30_000;
const CALL_TIMEOUT: Duration = Duration::from_secs(120);

/// What `pdf` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    /// Where to write the PDF; by default [`default_name`] in the current folder.
    pub out: Option<PathBuf>,
    /// Site paths (`/`, `/kpis/sla/`), in print order; empty for [`DEFAULT_PAGES`].
    pub pages: Vec<String>,
    /// `CXREPORT_CHROMIUM`, when set.
    pub chromium: Option<PathBuf>,
}

/// A pack, printed and written.
#[derive(Debug)]
pub struct Printed {
    pub out: PathBuf,
    /// The site paths printed, in order.
    pub pages: Vec<String>,
    /// The PDF's size in bytes.
    pub bytes: usize,
    /// What the reader of the pack should know: charts left undrawn,
    /// files the pages asked for that were not printed.
    pub warnings: Vec<String>,
}

/// Prints the board pack. Plan problems come back as diagnostics (and no
/// PDF); no Chromium, an unknown page or a browser failure is `Err`.
pub fn print(
    options: &Options,
    progress: &dyn Progress,
) -> anyhow::Result<Checked<Option<Printed>>> {
    let chromium = find_chromium(options.chromium.as_deref())?;
    progress.start(Phase::Load, None);
    let (plan, mut diags) = crate::load(&options.root)?;
    progress.finish(Phase::Load);
    if has_errors(&diags) {
        return Ok((None, diags));
    }
    let (site, problems) = crate::render(plan, progress)?;
    diags.extend(problems);
    let Some(site) = site else {
        return Ok((None, diags));
    };
    let requested: Vec<String> = if options.pages.is_empty() {
        DEFAULT_PAGES.iter().map(|p| (*p).to_owned()).collect()
    } else {
        options.pages.clone()
    };
    let nav = crate::pages::nav(&site.plan);
    let pages = chosen(&requested, &site.files, &nav)?;
    let Some(first_page) = pages.first().cloned() else {
        anyhow::bail!("no page to print");
    };
    let html = pack(&site.files, &pages)?;
    let plan = &site.plan;
    let catalog = &plan.catalog;
    let as_of = crate::i18n::date(catalog.language(), site.report.as_of);
    let sheet = Sheet {
        header: header_template(&plan.config.title, &catalog.t("Data as of", &[]), &as_of),
        footer: FOOTER_TEMPLATE.to_owned(),
    };
    let location = Location::of(&plan.config.base_url);
    let mut files: BTreeMap<String, Vec<u8>> =
        site.files.into_iter().map(|f| (f.path, f.bytes)).collect();
    // The pack is shown at the first page's address, so that whatever its
    // shell links to relatively resolves as it does on that page.
    files.insert(crate::url::file_of(&first_page), html.into_bytes());
    let pack_url = format!("{}{first_page}", location.prefix());
    let (pdf, warnings) = print_in_chromium(&chromium, files, &location, &pack_url, &sheet)?;
    let out = match &options.out {
        Some(out) => out.clone(),
        None => PathBuf::from(default_name(&plan.config.title, site.report.as_of)),
    };
    std::fs::write(&out, &pdf).with_context(|| format!("cannot write {}", out.display()))?;
    Ok((
        Some(Printed {
            out,
            pages: pages.iter().map(|p| format!("/{p}")).collect(),
            bytes: pdf.len(),
            warnings,
        }),
        diags,
    ))
}

/// `<title slug>-<as_of>.pdf`, such as `northwind-cx-2026-10-31.pdf`:
/// two packs of different weeks do not overwrite each other, and the name
/// says what is inside. `board-pack-…` for a title with no letters or digits.
pub fn default_name(title: &str, as_of: jiff::civil::Date) -> String {
    let slug = crate::content::slug(title);
    let slug = if slug.is_empty() { "board-pack" } else { &slug };
    format!("{slug}-{as_of}.pdf")
}

/// The site paths of the pages to print (relative, as [`crate::url`]
/// writes them: `kpis/sla/`), checked against the rendered site. An
/// unknown one is an error that lists the site's sections.
fn chosen(
    requested: &[String],
    files: &[OutFile],
    nav: &[crate::pages::NavItem],
) -> anyhow::Result<Vec<String>> {
    let mut pages = Vec::with_capacity(requested.len());
    for asked in requested {
        let path = site_path(asked);
        let file = crate::url::file_of(&path);
        let is_page = file.ends_with(".html") && files.iter().any(|f| f.path == file);
        if !is_page {
            let sections: Vec<String> = nav
                .iter()
                .map(|item| format!("/{} ({})", item.url, item.title))
                .collect();
            anyhow::bail!(
                "the site has no page {asked}; its sections are {} (a record's page is below its section, such as /kpis/sla/)",
                sections.join(", ")
            );
        }
        pages.push(path);
    }
    Ok(pages)
}

/// `kpis/sla/` of `/kpis/sla`, `kpis/sla/` or `/kpis/sla/`; `` of `/`.
fn site_path(asked: &str) -> String {
    let path = asked.trim().trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') || path.ends_with(".html") {
        path.to_owned()
    } else {
        format!("{path}/")
    }
}

/// The print page: the first page's HTML (its head, styles and scripts)
/// with, in place of its `<main>`, every chosen page's `<main>` content one
/// after another, each a `.pack-page` section that starts a new sheet
/// (the print styles at the end of `style.css`). Chart ids are unique on
/// one page only, so from the second page on each chart's id gets the
/// page's number: two pages may show a chart of the same name.
fn pack(files: &[OutFile], pages: &[String]) -> anyhow::Result<String> {
    let html_of = |page: &str| -> anyhow::Result<&str> {
        let file = crate::url::file_of(page);
        let found = files
            .iter()
            .find(|f| f.path == file)
            .with_context(|| format!("no file {file} in the site"))?;
        std::str::from_utf8(&found.bytes).with_context(|| format!("{file} is not UTF-8"))
    };
    let first = pages.first().map_or("", String::as_str);
    let shell = html_of(first)?;
    let (before, _, after) =
        main_parts(shell).with_context(|| format!("/{first} has no <main> element"))?;
    let mut out = String::with_capacity(shell.len() * pages.len());
    out.push_str(before);
    out.push_str("<main class=\"pack\">\n");
    for (n, page) in pages.iter().enumerate() {
        let html = html_of(page)?;
        let (_, main, _) =
            main_parts(html).with_context(|| format!("/{page} has no <main> element"))?;
        let main = if n == 0 {
            main.to_owned()
        } else {
            renumber_charts(main, n)
        };
        out.push_str(&format!(
            "<section class=\"pack-page\" data-page=\"/{}\">\n",
            escape_html(page)
        ));
        out.push_str(&main);
        out.push_str("</section>\n");
    }
    out.push_str("</main>");
    out.push_str(after);
    Ok(out)
}

/// A page split around its `<main>` element: what comes before it, its
/// content, and what follows it. The templates write one `<main>`; every
/// value from the data is escaped, so a `</main>` in the text cannot end it
/// early, and the last one is taken in case a plan's raw HTML has its own.
fn main_parts(html: &str) -> Option<(&str, &str, &str)> {
    let open = html.find("<main")?;
    let content = open + html[open..].find('>')? + 1;
    let close = html.rfind("</main>")?;
    (close >= content).then(|| {
        (
            &html[..open],
            &html[content..close],
            &html[close + "</main>".len()..],
        )
    })
}

/// `main` with each chart's id (`data-option="x"` and the `id="x"` of the
/// script holding its option) made `x-pN`.
fn renumber_charts(main: &str, n: usize) -> String {
    const OPTION: &str = "data-option=\"";
    let mut ids = Vec::new();
    let mut rest = main;
    while let Some(at) = rest.find(OPTION) {
        let start = at + OPTION.len();
        let Some(len) = rest[start..].find('"') else {
            break;
        };
        ids.push(rest[start..start + len].to_owned());
        rest = &rest[start + len..];
    }
    let mut out = main.to_owned();
    for id in ids {
        let new = format!("{id}-p{n}");
        out = out
            .replace(&format!("{OPTION}{id}\""), &format!("{OPTION}{new}\""))
            .replace(
                &format!("type=\"application/json\" id=\"{id}\""),
                &format!("type=\"application/json\" id=\"{new}\""),
            );
    }
    out
}

/// Chromium's header and footer of every sheet. They are drawn outside
/// the page, with no styles of its own: hence the inline sizes. Chromium
/// fills `pageNumber` and `totalPages`.
struct Sheet {
    header: String,
    footer: String,
}

const FOOTER_TEMPLATE: &str = "<div style=\"font-size:8px;width:100%;box-sizing:border-box;padding:0 0.6in;text-align:right;color:#5b6472\"><span class=\"pageNumber\"></span> / <span class=\"totalPages\"></span></div>";

/// The plan's title on the left, `Data as of 31 Oct 2026` on the right,
/// escaped: a title is the plan's text.
fn header_template(title: &str, data_as_of: &str, as_of: &str) -> String {
    format!(
        "<div style=\"font-size:8px;width:100%;box-sizing:border-box;padding:0 0.6in;display:flex;justify-content:space-between;color:#5b6472\"><span>{}</span><span>{} {}</span></div>",
        escape_html(title),
        escape_html(data_as_of),
        escape_html(as_of)
    )
}

/// Where the browser is told the site is: `base_url`'s own origin when it
/// is a full address (the pages link to it, and their
/// Content-Security-Policy names it), else a placeholder; and the path
/// under which the site's files are.
#[derive(Debug, Clone, PartialEq)]
struct Location {
    origin: String,
    path: String,
}

impl Location {
    fn of(base_url: &str) -> Location {
        let (origin, path) = match base_url.find("://") {
            Some(scheme) => {
                let host = scheme + 3;
                let end = base_url[host..]
                    .find('/')
                    .map_or(base_url.len(), |i| host + i);
                (base_url[..end].to_owned(), base_url[end..].to_owned())
            }
            None => (PLACEHOLDER_ORIGIN.to_owned(), base_url.to_owned()),
        };
        let mut path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        if !path.ends_with('/') {
            path.push('/');
        }
        Location { origin, path }
    }

    /// The address of the site's root.
    fn prefix(&self) -> String {
        format!("{}{}", self.origin, self.path)
    }

    /// The site file a request asks for (`static/style.css`,
    /// `kpis/index.html`), if it is one of the site's addresses.
    fn file(&self, url: &str) -> Option<String> {
        let url = url.split(['#', '?']).next().unwrap_or(url);
        let rest = url.strip_prefix(&self.prefix())?;
        Some(crate::url::file_of(rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_are_written_as_the_url_module_writes_them() {
        assert_eq!(site_path("/"), "");
        assert_eq!(site_path("/kpis/"), "kpis/");
        assert_eq!(site_path("/kpis/sla"), "kpis/sla/");
        assert_eq!(site_path("okrs/2026-h2/"), "okrs/2026-h2/");
    }

    #[test]
    fn requests_map_to_site_files_under_the_base_url() {
        let root = Location::of("/");
        assert_eq!(root.prefix(), "https://cxreport.invalid/");
        assert_eq!(
            root.file("https://cxreport.invalid/static/style.css?v=1")
                .as_deref(),
            Some("static/style.css")
        );
        assert_eq!(
            root.file("https://cxreport.invalid/kpis/#x").as_deref(),
            Some("kpis/index.html")
        );
        assert_eq!(root.file("https://example.com/x.png"), None);
        let sub = Location::of("https://cx.example.com/board");
        assert_eq!(sub.prefix(), "https://cx.example.com/board/");
        assert_eq!(
            sub.file("https://cx.example.com/board/").as_deref(),
            Some("index.html")
        );
        assert_eq!(sub.file("https://cx.example.com/other/"), None);
    }

    #[test]
    fn the_pack_joins_each_pages_main_and_renumbers_charts_after_the_first() {
        let page = |main: &str| {
            format!(
                "<html><head></head><body><nav>n</nav><main>{main}</main><footer>f</footer></body></html>"
            )
        };
        let chart = r#"<div class="chart-canvas" data-option="chart-sla"></div><script type="application/json" id="chart-sla">{}</script>"#;
        let files = vec![
            OutFile {
                path: "index.html".into(),
                bytes: page(&format!("<h1>Home</h1>{chart}")).into_bytes(),
            },
            OutFile {
                path: "kpis/index.html".into(),
                bytes: page(&format!("<h1>KPIs</h1>{chart}")).into_bytes(),
            },
        ];
        let html = pack(&files, &["".into(), "kpis/".into()]).expect("a pack");
        assert_eq!(html.matches("<main").count(), 1, "{html}");
        assert!(
            html.contains("<section class=\"pack-page\" data-page=\"/\">\n<h1>Home</h1>"),
            "{html}"
        );
        assert!(html.contains("data-option=\"chart-sla\""), "{html}");
        assert!(html.contains("data-option=\"chart-sla-p1\""), "{html}");
        assert!(html.contains("id=\"chart-sla-p1\">"), "{html}");
        assert!(
            html.ends_with("</main><footer>f</footer></body></html>"),
            "{html}"
        );
    }

    #[test]
    fn an_unknown_page_names_the_sections() {
        let files = vec![OutFile {
            path: "index.html".into(),
            bytes: Vec::new(),
        }];
        let nav = vec![crate::pages::NavItem {
            title: "Overview".into(),
            url: String::new(),
        }];
        let e = chosen(&["/nope/".into()], &files, &nav).expect_err("unknown");
        assert_eq!(
            e.to_string(),
            "the site has no page /nope/; its sections are / (Overview) (a record's page is below its section, such as /kpis/sla/)"
        );
        assert_eq!(chosen(&["/".into()], &files, &nav).expect("known"), [""]);
    }

    #[test]
    fn the_header_escapes_the_title_and_the_name_has_no_clock() {
        let h = header_template("A <b>&", "Data as of", "31 Oct 2026");
        assert!(
            h.contains("<span>A &lt;b&gt;&amp;</span><span>Data as of 31 Oct 2026</span>"),
            "{h}"
        );
        let d = jiff::civil::date(2026, 10, 31);
        assert_eq!(
            default_name("Northwind CX", d),
            "northwind-cx-2026-10-31.pdf"
        );
        assert_eq!(default_name("¿?", d), "board-pack-2026-10-31.pdf");
    }
}
