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
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use base64::Engine as _;
use headless_chrome::browser::tab::RequestPausedDecision;
use headless_chrome::protocol::cdp::{Fetch, Network};
use headless_chrome::types::PrintToPdfOptions;
use headless_chrome::{Browser, LaunchOptions};

use crate::diag::{Checked, has_errors};
use crate::progress::{Phase, Progress};
use crate::render::{ECHARTS_CDN, OutFile, escape_html};

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

/// What the browser found while printing, for [`Printed::warnings`].
#[derive(Default)]
struct Requests {
    /// Addresses outside the site that were refused.
    refused: Vec<String>,
    /// Addresses of the site with no file.
    missing: Vec<String>,
}

/// Loads the pack in a headless Chromium with every request answered from
/// `files` (only the pinned ECharts build may go to the network, when the
/// plan loads it from its CDN), waits for its charts and prints it.
fn print_in_chromium(
    chromium: &Path,
    files: BTreeMap<String, Vec<u8>>,
    location: &Location,
    pack_url: &str,
    sheet: &Sheet,
) -> anyhow::Result<(Vec<u8>, Vec<String>)> {
    let launch = LaunchOptions {
        path: Some(chromium.to_owned()),
        headless: true,
        // The pack is our own pages: their data is escaped, their
        // Content-Security-Policy runs no inline script, and no request
        // leaves this process but the pinned ECharts build. Chromium
        // refuses to start sandboxed as root, as in most CI containers.
        sandbox: false,
        // About the width of A4 at 96 px to the inch: charts drawn for the
        // screen are then near the width they are printed at.
        window_size: Some((900, 1200)),
        idle_browser_timeout: CALL_TIMEOUT,
        args: [
            "--disable-gpu",
            "--disable-quic",
            "--disable-component-update",
            "--hide-scrollbars",
            "--mute-audio",
        ]
        .iter()
        .map(OsStr::new)
        .collect(),
        ..LaunchOptions::default()
    };
    let browser = Browser::new(launch)
        .map_err(|e| anyhow::anyhow!("cannot start {} to print with: {e:#}", chromium.display()))?;
    let tab = browser.new_tab().map_err(browser_error)?;
    tab.set_default_timeout(CALL_TIMEOUT);
    let requests = Arc::new(Mutex::new(Requests::default()));
    let seen = Arc::clone(&requests);
    let files = Arc::new(files);
    let location_in = location.clone();
    tab.enable_fetch(None, None).map_err(browser_error)?;
    tab.enable_request_interception(Arc::new(
        move |_transport, _session, event: Fetch::events::RequestPausedEvent| {
            let id = event.params.request_id;
            let url = event.params.request.url;
            if url == ECHARTS_CDN {
                return RequestPausedDecision::Continue(None);
            }
            let file = location_in.file(&url);
            match file.as_ref().and_then(|f| files.get(f).map(|b| (f, b))) {
                Some((file, bytes)) => RequestPausedDecision::Fulfill(Fetch::FulfillRequest {
                    request_id: id,
                    response_code: 200,
                    response_headers: Some(vec![Fetch::HeaderEntry {
                        name: "Content-Type".to_owned(),
                        value: content_type(file).to_owned(),
                    }]),
                    binary_response_headers: None,
                    body: Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
                    response_phrase: None,
                }),
                None => {
                    if let Ok(mut r) = seen.lock() {
                        match file {
                            Some(_) => r.missing.push(url),
                            None => r.refused.push(url),
                        }
                    }
                    RequestPausedDecision::Fail(Fetch::FailRequest {
                        request_id: id,
                        error_reason: Network::ErrorReason::BlockedByClient,
                    })
                }
            }
        },
    ))
    .map_err(browser_error)?;
    tab.navigate_to(pack_url)
        .and_then(|t| t.wait_until_navigated())
        .map_err(browser_error)?;
    let ready = tab
        .evaluate(&ready_script(), true)
        .map_err(browser_error)?
        .value
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut warnings = Vec::new();
    match ready.split_once(' ') {
        Some(("no-echarts", _)) => warnings.push(format!(
            "ECharts could not be loaded from {ECHARTS_CDN}, so the charts are not drawn and the pack shows their data tables instead. For a pack that needs no network, set [charts] echarts = \"path/to/echarts.min.js\" in cxreport.toml (docs/pdf.md)."
        )),
        Some(("timeout", counts)) => warnings.push(format!(
            "only {counts} charts were drawn within {} s; the others print as they were",
            READY_TIMEOUT_MS / 1000
        )),
        _ => {}
    }
    let pdf = tab
        .print_to_pdf(Some(PrintToPdfOptions {
            display_header_footer: Some(true),
            header_template: Some(sheet.header.clone()),
            footer_template: Some(sheet.footer.clone()),
            print_background: Some(true),
            // A4; the margins leave room for the header and footer.
            paper_width: Some(8.27),
            paper_height: Some(11.69),
            margin_top: Some(0.75),
            margin_bottom: Some(0.75),
            margin_left: Some(0.6),
            margin_right: Some(0.6),
            generate_document_outline: Some(true),
            generate_tagged_pdf: Some(true),
            ..PrintToPdfOptions::default()
        }))
        .map_err(browser_error)?;
    if let Ok(r) = requests.lock() {
        if !r.missing.is_empty() {
            warnings.push(format!(
                "the pages link to files the site does not have, left out of the pack: {}",
                r.missing.join(", ")
            ));
        }
        if !r.refused.is_empty() {
            warnings.push(format!(
                "the pages ask for files outside the site, left out of the pack (it fetches nothing from the network but the pinned ECharts): {}",
                r.refused.join(", ")
            ));
        }
    }
    Ok((pdf, warnings))
}

/// headless_chrome's errors say what failed inside the protocol, not that
/// it was while printing.
fn browser_error(e: anyhow::Error) -> anyhow::Error {
    e.context("Chromium failed while printing the pack")
}

/// A script that resolves once the page is ready to print: every chart
/// drawn (`charts.js` marks each with `data-drawn` on ECharts' `finished`
/// event, as the browser suite waits for), or ECharts failed to load, or
/// the time is up. Then it tells `charts.js` that printing begins, which
/// opens the data tables and redraws each chart at the paper's width, and
/// waits for those redraws. Resolves to `ready`, `no-echarts N/M` or
/// `timeout N/M` (charts drawn of all).
fn ready_script() -> String {
    format!(
        r#"new Promise(function (resolve) {{
  var deadline = Date.now() + {READY_TIMEOUT_MS};
  function counts() {{
    return document.querySelectorAll(".chart-canvas[data-drawn]").length + "/" +
      document.querySelectorAll(".chart-canvas[data-option]").length;
  }}
  function drawn() {{
    return document.querySelectorAll(".chart-canvas[data-option]:not([data-drawn])").length === 0;
  }}
  function printing() {{
    document.querySelectorAll(".chart-canvas[data-drawn]").forEach(function (el) {{ el.removeAttribute("data-drawn"); }});
    window.dispatchEvent(new Event("beforeprint"));
    var until = Date.now() + 3000;
    (function again() {{
      if (drawn() || Date.now() > until) return requestAnimationFrame(function () {{ resolve("ready " + counts()); }});
      setTimeout(again, 50);
    }})();
  }}
  (function poll() {{
    var loaded = document.readyState === "complete";
    if (drawn() && loaded) return printing();
    if (loaded && !window.echarts && document.querySelector(".chart-canvas")) return resolve("no-echarts " + counts());
    if (Date.now() > deadline) return resolve("timeout " + counts());
    setTimeout(poll, 50);
  }})();
}})"#
    )
}

/// The `Content-Type` of a site file, by its extension.
fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("csv") => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The Chromium to print with: `CXREPORT_CHROMIUM` when set, else the
/// first of the usual names on `PATH`, else the usual install folders of
/// macOS and Windows. None found is an error that says how to install one.
pub fn find_chromium(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(path) = explicit {
        if path.is_file() {
            return Ok(path.to_owned());
        }
        anyhow::bail!(
            "cannot print a PDF: {CHROMIUM_ENV} is {}, which is not a file; point it at a Chromium, Google Chrome or Microsoft Edge executable, or unset it to look in the usual places",
            path.display()
        );
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
        "chrome",
    ];
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            for name in names {
                for candidate in [dir.join(name), dir.join(format!("{name}.exe"))] {
                    if candidate.is_file() {
                        return Ok(candidate);
                    }
                }
            }
        }
    }
    for candidate in installed() {
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    anyhow::bail!(
        "cannot print a PDF: no Chromium or Google Chrome was found (looked for {} on PATH and in the usual install folders); {}",
        names.join(", "),
        INSTALL_HELP
    )
}

/// How to get a browser to print with, after "not found". One line, as
/// every message cxreport prints (see `diag::printable`).
pub const INSTALL_HELP: &str = "install one (Debian, Ubuntu: sudo apt install chromium; macOS: brew install --cask chromium, or Google Chrome; Windows: Google Chrome or Microsoft Edge), or set CXREPORT_CHROMIUM=/path/to/chrome to use one installed elsewhere";

/// Where browsers install themselves outside `PATH`.
fn installed() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = [
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    if let Some(home) = std::env::var_os("HOME") {
        paths.push(
            Path::new(&home).join("Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
        );
    }
    for var in ["ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"] {
        if let Some(dir) = std::env::var_os(var) {
            let dir = Path::new(&dir);
            paths.push(dir.join(r"Google\Chrome\Application\chrome.exe"));
            paths.push(dir.join(r"Chromium\Application\chrome.exe"));
            paths.push(dir.join(r"Microsoft\Edge\Application\msedge.exe"));
        }
    }
    paths
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
