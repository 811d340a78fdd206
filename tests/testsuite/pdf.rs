//! `cxreport pdf`: the board pack printed by a real headless Chromium, with
//! npm's `echarts.min.js` as the plan's local ECharts so that nothing is
//! fetched from the network, read back with poppler's `pdfinfo` and
//! `pdftotext`. Chromium and poppler are what `.ci/run` installs (and
//! echarts comes from `tests/browser`'s `npm ci`); a test that lacks one
//! fails saying so, rather than passing without having printed anything.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Plan, Run};

/// npm's ECharts, which `tests/browser/run` also gives its offline site.
fn echarts() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/echarts/dist/echarts.min.js");
    assert!(
        path.is_file(),
        "{} is missing: run `npm ci --prefix tests/browser --ignore-scripts` (as .ci/run does)",
        path.display()
    );
    path
}

/// Fails the test, naming what to install, when there is no Chromium.
fn require_chromium() {
    let found = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .any(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    assert!(
        found,
        "cxreport pdf needs a Chromium on PATH: `apt-get install chromium` (as .ci/run does)"
    );
}

/// `plan` with a copy of npm's ECharts as its `[charts] echarts`, so
/// that the pages ask for no address outside the site (a file inside the
/// plan, as one outside it is warned about).
fn offline(plan: &Plan) {
    let vendor = plan.path("vendor");
    std::fs::create_dir_all(&vendor).expect("mkdir");
    std::fs::copy(echarts(), vendor.join("echarts.min.js")).expect("copy echarts");
    let local = "echarts = \"vendor/echarts.min.js\"";
    let toml = plan.read("cxreport.toml");
    let toml = if toml.contains("[charts]") {
        let kept: Vec<&str> = toml
            .lines()
            .filter(|l| !l.trim_start().starts_with("echarts"))
            .collect();
        kept.join("\n")
            .replacen("[charts]", &format!("[charts]\n{local}"), 1)
    } else {
        format!("{toml}\n[charts]\n{local}\n")
    };
    plan.write("cxreport.toml", &toml);
}

/// Runs a poppler tool on the PDF.
fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {tool} ({e}): `apt-get install poppler-utils` (as .ci/run does)")
    });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The number of sheets of a PDF.
fn sheets(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[&pdf.display().to_string()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in:\n{info}"))
}

/// The text of a PDF, sheets separated by form feeds.
fn text(pdf: &Path) -> String {
    poppler("pdftotext", &["-layout", &pdf.display().to_string(), "-"])
}

/// The sheets of a PDF's text, each checked to end with its number,
/// `3 / 12` (pdftotext may drop the spaces).
fn assert_numbered(text: &str, n: usize) -> Vec<&str> {
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert_eq!(pages.len(), n, "{text}");
    for (i, page) in pages.iter().enumerate() {
        let last = page
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        assert_eq!(
            last.replace(' ', ""),
            format!("{}/{n}", i + 1),
            "sheet {}:\n{page}",
            i + 1
        );
    }
    pages
}

fn assert_printed(run: &Run) {
    assert_eq!(run.code, 0, "pdf failed:\n{}{}", run.stdout, run.stderr);
    assert!(
        !run.stderr.contains("warning"),
        "the pack printed with warnings:\n{}",
        run.stderr
    );
}

#[test]
fn the_example_plans_board_pack_has_its_pages_title_as_of_and_page_numbers() {
    require_chromium();
    let plan = Plan::copy_of(Path::new(env!("CARGO_MANIFEST_DIR")));
    offline(&plan);
    let run = plan.run(&["pdf", "--out", "pack.pdf"]);
    assert_printed(&run);
    assert!(
        run.stderr.contains("Printed pack.pdf (")
            && run.stderr.contains("): / /kpis/ /okrs/ /alerts/\n"),
        "{}",
        run.stderr
    );
    // The plan's output folder is not touched: the site is built in memory.
    assert!(!plan.path("site").exists(), "pdf wrote site/");
    let pdf = plan.path("pack.pdf");
    let n = sheets(&pdf);
    // Four pages, each starting a sheet, and the KPIs alone take several.
    assert!(n >= 5, "{n} sheets");
    let text = text(&pdf);
    for (i, page) in assert_numbered(&text, n).iter().enumerate() {
        // Every sheet has the title and as_of in its header.
        assert!(
            page.contains("Tienda Norte — CX improvement plan"),
            "sheet {}:\n{page}",
            i + 1
        );
        assert!(
            page.contains("Data as of 31 Oct 2026"),
            "sheet {}:\n{page}",
            i + 1
        );
    }
    // A KPI's name, each page's heading, in order.
    for heading in ["Service level", "KPIs", "OKRs", "Alerts"] {
        assert!(text.contains(heading), "no {heading:?} in:\n{text}");
    }
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("no {s:?}"));
    assert!(at("Headline KPIs") < at("Key results"), "{text}");
}

#[test]
fn a_spanish_plans_pack_is_in_spanish_and_prints_the_pages_asked_for() {
    require_chromium();
    let plan = Plan::fixture("spanish");
    offline(&plan);
    // A metric's page has ECharts charts: the pack waits for them (a chart
    // not drawn in time would be a warning).
    let run = plan.run(&["pdf", "--pages", "/kpis/sla/", "/", "-o", "plan.pdf"]);
    assert_printed(&run);
    let pdf = plan.path("plan.pdf");
    let text = text(&pdf);
    assert!(text.contains("Plan mínimo"), "{text}");
    assert!(text.contains("Datos a 31 mar 2026"), "{text}");
    assert_numbered(&text, sheets(&pdf));
    // The metric's page first, as asked.
    let sla = text
        .find("Evolución de Response SLA")
        .expect("the metric's chart");
    let home = text.find("Indicadores principales").expect("the overview");
    assert!(sla < home, "{text}");
}

#[test]
fn the_default_name_is_the_titles_slug_and_as_of() {
    require_chromium();
    let plan = Plan::fixture("spanish");
    offline(&plan);
    let run = plan.run(&["pdf", "--pages", "/alerts/"]);
    assert_printed(&run);
    assert!(
        plan.path("plan-mínimo-2026-03-31.pdf").is_file(),
        "{}",
        run.stdout
    );
}

#[test]
fn no_chromium_is_an_error_that_says_how_to_install_one() {
    let plan = Plan::fixture("minimal");
    let run = plan.run_env(&["pdf"], &[("CXREPORT_CHROMIUM", "/no/such/chrome")]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: cannot print a PDF: CXREPORT_CHROMIUM is /no/such/chrome, which is not a file; point it at a Chromium, Google Chrome or Microsoft Edge executable, or unset it to look in the usual places\n"
    );
    // Nothing on PATH, and no install folder of macOS or Windows here.
    let run = plan.run_env(&["pdf"], &[("PATH", ""), ("CXREPORT_CHROMIUM", "")]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: cannot print a PDF: no Chromium or Google Chrome was found (looked for chromium, chromium-browser, google-chrome, google-chrome-stable, chrome on PATH and in the usual install folders); install one (Debian, Ubuntu: sudo apt install chromium; macOS: brew install --cask chromium, or Google Chrome; Windows: Google Chrome or Microsoft Edge), or set CXREPORT_CHROMIUM=/path/to/chrome to use one installed elsewhere\n"
    );
    assert!(!plan.path("site").exists());
}

#[test]
fn an_unknown_page_is_an_error_that_lists_the_sections() {
    let plan = Plan::fixture("minimal");
    // Any file will do: the pages are checked before Chromium starts.
    let run = plan.run_env(
        &["pdf", "--pages", "/", "/nope/"],
        &[("CXREPORT_CHROMIUM", env!("CARGO_BIN_EXE_cxreport"))],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.starts_with(
            "error: the site has no page /nope/; its sections are / (Overview), /kpis/ (KPIs), "
        ),
        "{}",
        run.stderr
    );
}
