//! cxreport turns a customer-experience improvement plan kept as TOML, CSV and
//! Markdown files into a static website.
//!
//! A build is a list of steps: [`load`] reads and checks every file of the plan
//! into typed records (reporting every problem with its file, line and column),
//! [`analytics::compute`] derives the figures, [`pages`] turns them into view
//! structs, [`render`] fills the templates, and [`site`] writes the result,
//! replacing the previous site only once the new one is complete.

pub mod analytics;
pub mod api;
pub mod cli;
pub mod config;
pub mod content;
pub mod data;
pub mod diag;
pub mod pages;
pub mod render;
pub mod site;

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use config::Config;
use diag::{Diagnostic, Diagnostics};

/// A loaded plan: settings, data and content pages.
#[derive(Debug)]
pub struct Plan {
    pub root: PathBuf,
    pub config: Config,
    pub data: data::Data,
    pub pages: Vec<content::Page>,
}

/// Reads and checks a whole plan. `Err` is an I/O failure; data problems are
/// in the returned diagnostics, and the plan holds whatever could be read.
pub fn load(root: &Path) -> anyhow::Result<(Plan, Vec<Diagnostic>)> {
    if !root.is_dir() {
        anyhow::bail!("{} is not a directory", root.display());
    }
    let mut diags = Diagnostics::default();
    let mut loader = data::Loader::new(root, &mut diags);
    let config = match loader.read("cxreport.toml")? {
        Some(src) => Config::parse(&src, loader.diags),
        None => Config::default(),
    };
    let pages = content::load(&mut loader)?;
    drop(loader);
    let data = data::load(root, &config, &mut diags)?;
    let plan = Plan {
        root: root.to_owned(),
        config,
        data,
        pages,
    };
    Ok((plan, diags.sorted()))
}

/// What a build did.
#[derive(Debug)]
pub struct Summary {
    pub out_dir: PathBuf,
    pub pages: usize,
    pub files: usize,
}

/// The whole build: load, check, compute, render, write. Returns the problems
/// found; the site is written only when there are no errors.
pub fn build(
    root: &Path,
    out: Option<&Path>,
) -> anyhow::Result<(Option<Summary>, Vec<Diagnostic>)> {
    let (plan, mut diags) = load(root)?;
    if diags.iter().any(|d| d.severity == diag::Severity::Error) {
        return Ok((None, diags));
    }
    let report = analytics::compute(&plan);
    let views = pages::all(&plan, &report);
    let renderer = render::Renderer::new(&plan.root.join("templates"))?;
    let mut files = match renderer.render_all(&plan, &report, &views) {
        Ok(files) => files,
        Err(problem) => {
            diags.push(problem);
            return Ok((None, diags));
        }
    };
    files.push(api::file(&plan, &report)?);
    let out_dir = out.map_or_else(|| plan.root.join(&plan.config.output_dir), Path::to_owned);
    site::write(&out_dir, &plan.root, &files)
        .with_context(|| format!("writing {}", out_dir.display()))?;
    let summary = Summary {
        out_dir,
        pages: views.len(),
        files: files.len(),
    };
    Ok((Some(summary), diags))
}
