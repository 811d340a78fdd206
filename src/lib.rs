//! cxreport turns a customer-experience improvement plan kept as TOML, CSV and
//! Markdown files into a static website.
//!
//! A build is a list of steps: [`load`] reads and checks every file of the plan
//! into typed records (reporting every problem with its file, line and column),
//! [`analytics::compute`] derives the figures, [`pages`] turns them into view
//! structs, [`render`] fills the templates, [`search`] indexes the pages,
//! and [`site`] writes the result, replacing the previous site only once the
//! new one is complete.

pub mod analytics;
pub mod api;
pub mod assets;
pub mod cache;
pub mod changes;
pub mod charts;
pub mod cli;
pub mod components;
pub mod config;
pub mod content;
pub mod data;
pub mod diag;
pub mod diff;
pub mod digest;
pub mod downloads;
pub mod git;
pub mod i18n;
pub mod import;
pub mod init;
pub mod mail;
pub mod new;
pub mod notify;
pub mod pages;
pub mod parallel;
pub mod pdf;
pub mod plan;
pub mod progress;
pub mod published;
pub mod pull;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod sql;
pub mod terminal;
pub mod timeline;
pub mod url;

// The tests' seeded generator, shared with the benchmarks and the fuzzer.
#[cfg(test)]
#[path = "../examples/support/rng.rs"]
mod rng;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;

use diag::{Checked, has_errors};
pub use plan::{Plan, load, load_at, load_files};
pub use progress::{Phase, Progress, Silent};

/// What a build did.
#[derive(Debug)]
pub struct Summary {
    pub out_dir: PathBuf,
    pub pages: usize,
    pub files: usize,
    /// Files whose bytes were the same as in the previous site, left as
    /// they were.
    pub unchanged: usize,
    /// From the start of the build to the site in place.
    pub elapsed: std::time::Duration,
}

/// A site rendered in memory: every file, and the report it shows.
pub struct Rendered {
    pub plan: Arc<Plan>,
    pub report: Arc<analytics::Report>,
    pub pages: usize,
    pub files: Vec<render::OutFile>,
    /// The files of the pages that show only the figures
    /// ([`pages::of_figures`]): what `serve` may take over while only
    /// content pages change.
    pub of_figures: std::collections::BTreeSet<String>,
}

/// Computes the report and renders every file of the site, writing nothing.
/// `Err` is an I/O failure; problems found while rendering (a template
/// error, an unknown id in a page's component) come back as diagnostics.
pub fn render(plan: Plan, progress: &dyn Progress) -> anyhow::Result<Checked<Option<Rendered>>> {
    progress.start(Phase::Compute, None);
    // Shared, because the Markdown components read them while rendering.
    let report = Arc::new(analytics::compute(&plan));
    present(plan, report, cache::Taken::default(), progress)
}

/// Renders every file of the site showing `report`, the plan's figures,
/// writing nothing: the views end the compute phase, which has begun.
/// `taken` is what a previous build of the same figures made and this one
/// need not make again.
fn present(
    plan: Plan,
    report: Arc<analytics::Report>,
    taken: cache::Taken,
    progress: &dyn Progress,
) -> anyhow::Result<Checked<Option<Rendered>>> {
    let mut plan = plan;
    // Summed up in the report now, and no page reads them one by one: a
    // million responses need not stay in memory while the pages render.
    plan.data.surveys.release_responses();
    let plan = Arc::new(plan);
    let (mut views, taken_pages) = match taken.figure_pages {
        Some(files) => (Vec::new(), files),
        None => (pages::of_figures(&plan, &report), Vec::new()),
    };
    let of_figures: std::collections::BTreeSet<String> = views
        .iter()
        .map(|v| url::file_of(&v.url))
        .chain(taken_pages.iter().map(|f| f.path.clone()))
        .collect();
    views.extend(pages::of_content(&plan, &report));
    let api = taken.api;
    progress.finish(Phase::Compute);
    progress.start(Phase::Render, Some(views.len()));
    let renderer = render::Renderer::new(
        &plan.root.join("templates"),
        plan.files.clone(),
        &plan.catalog,
    )?;
    // What a content page may link to besides the pages rendered now.
    let others = || {
        let echarts = matches!(plan.config.echarts, config::EchartsSource::File(_))
            .then(|| render::ECHARTS_LOCAL.to_owned());
        taken_pages
            .iter()
            .map(|f| url::page_of(&f.path).to_owned())
            .chain([url::API_REPORT.to_owned()])
            .chain(echarts)
            .chain(plan.assets.iter().map(|a| a.path.clone()))
    };
    // The JSON API is written out meanwhile: on a large plan it is tens of
    // megabytes, and the pages are done first.
    let (rendered, api) = std::thread::scope(|scope| match api {
        Some(api) => (
            renderer.render_all(&plan, &report, &views, others(), progress),
            Ok(api),
        ),
        None => {
            let writing = scope.spawn(|| api::file(&plan, &report));
            let rendered = renderer.render_all(&plan, &report, &views, others(), progress);
            let api = parallel::joined(writing);
            (rendered, api)
        }
    });
    progress.finish(Phase::Render);
    let mut files = match rendered {
        Ok(files) => files,
        Err(problems) => return Ok((None, problems)),
    };
    // A figures page's tables are figures too: `serve` takes them over with it.
    let mut of_figures = of_figures;
    of_figures.extend(
        files
            .iter()
            .filter(|f| f.path.ends_with(".csv") && of_figures.contains(&page_file_of(&f.path)))
            .map(|f| f.path.clone())
            .collect::<Vec<_>>(),
    );
    files.push(api?);
    let pages = views.len() + taken_pages.len();
    files.extend(taken_pages);
    if let config::EchartsSource::File(path) = &plan.config.echarts {
        let from_revision = plan
            .files
            .as_ref()
            .and_then(|f| f.get(&path.to_string_lossy().replace('\\', "/")));
        let path = plan.root.join(path);
        let bytes = match from_revision {
            Some(bytes) => bytes.clone(),
            None => {
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?
            }
        };
        files.push(render::OutFile {
            path: render::ECHARTS_LOCAL.to_owned(),
            bytes,
        });
    }
    let collisions = copy_assets(&plan, &mut files);
    if !collisions.is_empty() {
        return Ok((None, collisions));
    }
    let site = Rendered {
        plan,
        report,
        pages,
        files,
        of_figures,
    };
    Ok((Some(site), Vec::new()))
}

/// The page file a file beside it belongs to: `kpis/sla/index.html` for
/// `kpis/sla/table-1.csv`.
fn page_file_of(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/index.html"),
        None => "index.html".to_owned(),
    }
}

/// Adds the plan's own files ([`assets`]) to the site's `files`. One that
/// would take the place of a file the site has (a page, cxreport's own
/// stylesheet, another copied file) is a problem naming both, and is not
/// copied: neither may silently win.
fn copy_assets(plan: &Plan, files: &mut Vec<render::OutFile>) -> Vec<diag::Diagnostic> {
    let mut taken: std::collections::BTreeMap<String, String> = files
        .iter()
        .map(|f| {
            let page = url::page_of(&f.path);
            let what = if page == f.path {
                format!("cxreport's own {}", f.path)
            } else {
                format!("the page /{page}")
            };
            (f.path.clone(), what)
        })
        .collect();
    let mut problems = Vec::new();
    for asset in &plan.assets {
        if let Some(other) = taken.get(&asset.path) {
            problems.push(diag::Diagnostic {
                file: asset.source.clone(),
                line: 1,
                column: 1,
                severity: diag::Severity::Error,
                message: format!(
                    "this file would be copied to {} in the site, where {other} is: rename or move it",
                    asset.path
                ),
            });
            continue;
        }
        taken.insert(asset.path.clone(), asset.source.clone());
        files.push(render::OutFile {
            path: asset.path.clone(),
            bytes: asset.bytes.clone(),
        });
    }
    problems
}

/// What `cxreport check` does: load and check every file, then render the
/// site in memory, so that a mistake only rendering finds (a component
/// naming an unknown metric) fails the check as it would fail the build.
/// The report is there when the plan is valid.
pub fn check(
    root: &Path,
    progress: &dyn Progress,
) -> anyhow::Result<Checked<Option<Arc<analytics::Report>>>> {
    progress.start(Phase::Load, None);
    let (plan, mut diags) = load(root)?;
    progress.finish(Phase::Load);
    if has_errors(&diags) {
        return Ok((None, diags));
    }
    let (site, problems) = render(plan, progress)?;
    diags.extend(problems);
    Ok((site.map(|s| s.report), diags))
}

/// A site built and written.
pub struct Built {
    /// What the build did, for its one-line summary.
    pub summary: Summary,
    /// Every file of the site, as written.
    pub files: Vec<render::OutFile>,
}

/// The whole build: load, check, compute, render, write. Returns the problems
/// found; the site is written only when there are no errors.
pub fn build(
    root: &Path,
    out: Option<&Path>,
    rev: Option<&str>,
    progress: &dyn Progress,
) -> anyhow::Result<Checked<Option<Built>>> {
    // Only the summary line reads the clock; nothing it measures reaches the site.
    let started = std::time::Instant::now();
    progress.start(Phase::Load, None);
    let (plan, mut diags) = load_at(root, rev)?;
    progress.finish(Phase::Load);
    if has_errors(&diags) {
        return Ok((None, diags));
    }
    let (site, problems) = render(plan, progress)?;
    diags.extend(problems);
    let Some(site) = site else {
        return Ok((None, diags));
    };
    let built = write(site, out, started, progress)?;
    Ok((Some(built), diags))
}

/// [`build`], taking over from `cache` whatever the last good build read
/// and computed from files that have not changed since (see [`cache`]).
/// The site is the same, byte for byte.
pub fn build_again(
    cache: &mut cache::Cache,
    root: &Path,
    out: Option<&Path>,
    progress: &dyn Progress,
) -> anyhow::Result<Checked<Option<Built>>> {
    let started = std::time::Instant::now();
    let (site, diags) = render_again(cache, root, progress)?;
    let Some(site) = site else {
        return Ok((None, diags));
    };
    let built = write(site, out, started, progress)?;
    Ok((Some(built), diags))
}

/// What `serve` does on each change: loads, checks and renders the plan in
/// memory as [`render`] does, taking over from `cache` whatever the last
/// good build read and computed from files that have not changed since.
/// The site is then shown, and written with [`write`].
pub fn render_again(
    cache: &mut cache::Cache,
    root: &Path,
    progress: &dyn Progress,
) -> anyhow::Result<Checked<Option<Rendered>>> {
    progress.start(Phase::Load, None);
    let (loaded, mut diags) = cache.load(root)?;
    progress.finish(Phase::Load);
    if has_errors(&diags) {
        return Ok((None, diags));
    }
    progress.start(Phase::Compute, None);
    let report = match loaded.report {
        Some(report) => report,
        None => Arc::new(analytics::compute_reusing(&loaded.plan, loaded.rollups)),
    };
    let (site, problems) = present(loaded.plan, report, loaded.taken, progress)?;
    diags.extend(problems);
    if let Some(site) = &site {
        cache.keep(site);
    }
    Ok((site, diags))
}

/// Writes a rendered site into `out`, by default the plan's output folder;
/// `started` is when its build began, for the summary.
pub fn write(
    site: Rendered,
    out: Option<&Path>,
    started: std::time::Instant,
    progress: &dyn Progress,
) -> anyhow::Result<Built> {
    let Rendered {
        plan,
        report,
        pages,
        mut files,
        of_figures,
    } = site;
    let out_dir = out.map_or_else(|| plan.root.join(&plan.config.output_dir), Path::to_owned);
    let root = plan.root.clone();
    // The plan's data and the report are not needed from here on: dropped
    // (when this build holds the last reference, as `cxreport build` does),
    // their memory is reused by the search index instead of added to it.
    drop((plan, report));
    let written = site::write(
        &out_dir,
        &root,
        &files,
        || search::index(&files, &of_figures, Some(&out_dir)),
        progress,
    );
    let written = written.with_context(|| format!("writing {}", out_dir.display()))?;
    files.extend(written.more);
    let unchanged = written.unchanged;
    let summary = Summary {
        out_dir,
        pages,
        files: files.len(),
        unchanged,
        elapsed: started.elapsed(),
    };
    Ok(Built { summary, files })
}

/// What `cxreport diff` compares: the plan at `base` (by default where the
/// branch left the default branch) and at `head` (by default the work tree).
/// Problems in the head's data are returned to be fixed first; the base is
/// taken as it was.
pub fn diff(
    root: &Path,
    base: Option<&str>,
    head: Option<&str>,
) -> anyhow::Result<Checked<Option<diff::Diff>>> {
    let base = match base {
        Some(b) => b.to_owned(),
        None => git::default_base(root)?,
    };
    let (head_plan, diags) = load_at(root, head)?;
    if has_errors(&diags) {
        return Ok((None, diags));
    }
    let head_report = analytics::compute(&head_plan);
    let head_name = head.map_or_else(|| diff::WORK_TREE.to_owned(), revision_name);
    let (d, _) = diff_since(root, &base, (&head_name, &head_plan, &head_report))?;
    Ok((Some(d), diags))
}

/// What changed from the plan at revision `base` to `head`, a plan already
/// loaded and computed (`digest` has them at hand), and what that does to
/// the report; with the report at `base`. The plan at `base` is read from
/// git; its own problems do not stop the comparison, as it only has to say
/// what it was.
pub fn diff_since(
    root: &Path,
    base: &str,
    (head_name, head_plan, head_report): (&str, &plan::Plan, &analytics::Report),
) -> anyhow::Result<(diff::Diff, analytics::Report)> {
    let (base_plan, _) = load_at(root, Some(base))?;
    let head_files = match &head_plan.files {
        Some(files) => files.as_ref().clone(),
        None => disk_files(root, "data")?,
    };
    let base_files = base_plan.files.as_deref().cloned().unwrap_or_default();
    let base_report = analytics::compute(&base_plan);
    let d = diff::compare(
        (&revision_name(base), &base_plan, &base_report, &base_files),
        (head_name, head_plan, head_report, &head_files),
    );
    Ok((d, base_report))
}

/// A revision as a diff names it: `1a2b3c4d` for a commit id, `main` for
/// a name. Plain: the Markdown adds its code marks, JSON needs none.
fn revision_name(r: &str) -> String {
    if r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()) {
        r[..8].to_owned()
    } else {
        r.to_owned()
    }
}

/// The files below `root/dir` on disk, by path relative to `root`.
fn disk_files(
    root: &Path,
    dir: &str,
) -> anyhow::Result<std::collections::BTreeMap<String, Vec<u8>>> {
    let mut out = std::collections::BTreeMap::new();
    let start = root.join(dir);
    if !start.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(&start).sort_by_file_name() {
        let entry = entry?;
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(root)?
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(entry.path())?);
        }
    }
    Ok(out)
}
