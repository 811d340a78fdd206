//! The browser of `cxreport pdf`: finding a local Chromium (or Chrome, or
//! Edge), and printing the pack in it headless, driven by
//! `headless_chrome`, with every request answered from the rendered files.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use headless_chrome::browser::tab::RequestPausedDecision;
use headless_chrome::protocol::cdp::{Fetch, Network};
use headless_chrome::types::PrintToPdfOptions;
use headless_chrome::{Browser, LaunchOptions};

use super::{CALL_TIMEOUT, CHROMIUM_ENV, Location, READY_TIMEOUT_MS, Sheet};
use crate::render::ECHARTS_CDN;
use std::collections::BTreeMap;

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
pub(super) fn print_in_chromium(
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
                        value: crate::site::content_type(file).to_owned(),
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
