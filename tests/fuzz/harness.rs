//! What the fuzzer (`examples/fuzz.rs`) and the corpus replay test
//! (`tests/testsuite/fuzz_corpus.rs`) share: the fuzz targets, the seed plan
//! (`tests/fixtures/minimal`, read into memory once) and one run of an input,
//! which loads the plan from an in-memory file map with
//! `cxreport::load_files`, as `cxreport::load_at` does for a git revision,
//! and renders every page in memory when it is valid.
//! Nothing is read from or written to disk per input.
//!
//! Both include this file with `#[path = ...] mod harness;`, so it uses only
//! the public API of the `cxreport` library.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cxreport::diag::Severity;

/// One kind of plan file: where the fuzzed file goes in the seed plan.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    /// Where the input is placed, relative to the plan root.
    pub path: &'static str,
    /// Seed files the input stands in for, removed from the plan.
    pub replaces: &'static [&'static str],
    /// Added at the end of the seed plan's `cxreport.toml`.
    pub settings: &'static str,
}

pub const TARGETS: &[Target] = &[
    Target {
        name: "metrics",
        path: "data/metrics.toml",
        replaces: &[],
        settings: "",
    },
    Target {
        name: "kpis-long",
        path: "data/kpis/x.csv",
        replaces: &["data/kpis/pulse.csv"],
        settings: "",
    },
    Target {
        name: "kpis-wide",
        path: "data/kpis/x.csv",
        replaces: &["data/kpis/daily.csv"],
        settings: "",
    },
    // A wide file in any dialect (`[csv]`): its delimiter and decimal found
    // from its header, and dates day/month/year as well as ISO.
    Target {
        name: "kpis-dialect",
        path: "data/kpis/x.csv",
        replaces: &["data/kpis/daily.csv"],
        settings: "\n[csv.\"data/kpis/x.csv\"]\ndate_format = \"%d/%m/%Y\"\n",
    },
    Target {
        name: "surveys",
        path: "data/surveys/responses.csv",
        replaces: &[],
        settings: "",
    },
    Target {
        name: "themes",
        path: "data/themes.toml",
        replaces: &[],
        settings: "",
    },
    Target {
        name: "audits",
        path: "data/audits/2026-q2.toml",
        replaces: &[],
        settings: "",
    },
    Target {
        name: "okrs",
        path: "data/okrs/2026-h1.toml",
        replaces: &[],
        settings: "",
    },
    Target {
        name: "flows",
        path: "data/flows/chat-bot.toml",
        replaces: &[],
        settings: "",
    },
    Target {
        name: "sprints",
        path: "data/sprints/2026-02.toml",
        replaces: &[],
        settings: "",
    },
    Target {
        name: "initiatives",
        path: "data/initiatives.toml",
        replaces: &[],
        settings: "",
    },
    Target {
        name: "config",
        path: "cxreport.toml",
        replaces: &[],
        settings: "",
    },
    Target {
        name: "content",
        path: "content/page.md",
        replaces: &[],
        settings: "",
    },
    // Exports read by `cxreport import` (see `run_import`), not plan files.
    Target {
        name: "import-kpis",
        path: "imports/kpis.csv",
        replaces: &[],
        settings: "",
    },
    Target {
        name: "import-contacts",
        path: "imports/contacts.csv",
        replaces: &[],
        settings: "",
    },
    Target {
        name: "import-xlsx",
        path: "imports/kpis.xlsx",
        replaces: &[],
        settings: "",
    },
];

/// The repository root (this crate's manifest directory).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The plan root given to the library. Nothing is there: with a file map
/// every plan file comes from memory. (Only an absolute `[charts] echarts`
/// path in a fuzzed `cxreport.toml` can still reach the disk.)
pub fn root() -> PathBuf {
    PathBuf::from("/nonexistent/cxreport-fuzz-plan")
}

/// A plan's files by path relative to its root.
pub type FileMap = BTreeMap<String, Vec<u8>>;

/// Every file of a plan folder on disk, by `/`-separated relative path.
pub fn read_plan(dir: &Path) -> io::Result<FileMap> {
    let mut files = FileMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .map_err(io::Error::other)?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                files.insert(rel, std::fs::read(&path)?);
            }
        }
    }
    Ok(files)
}

/// The seed plan: `tests/fixtures/minimal`.
pub fn seed_plan() -> io::Result<FileMap> {
    read_plan(&repo().join("tests/fixtures/minimal"))
}

/// The committed corpus of a target (`tests/fuzz/corpus/<target>/`), by file
/// name, in name order.
pub fn corpus(target: &Target) -> io::Result<Vec<(String, Vec<u8>)>> {
    let dir = repo().join("tests/fuzz/corpus").join(target.name);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.is_file() {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((name, std::fs::read(&path)?));
        }
    }
    out.sort();
    Ok(out)
}

/// The seed plan with `input` in the target's place.
pub fn plan_with(seed: &FileMap, target: &Target, input: &[u8]) -> FileMap {
    let mut files = seed.clone();
    for gone in target.replaces {
        files.remove(*gone);
    }
    files.insert(target.path.to_owned(), input.to_vec());
    if !target.settings.is_empty() {
        files
            .entry("cxreport.toml".to_owned())
            .or_default()
            .extend_from_slice(target.settings.as_bytes());
    }
    files
}

/// How far one input got.
#[derive(Debug, Default)]
pub struct Outcome {
    pub errors: usize,
    pub warnings: usize,
    /// The plan was valid and every page rendered.
    pub rendered: bool,
    /// The files of the rendered site, and their bytes.
    pub site_files: usize,
    pub site_bytes: usize,
    /// The plan was valid but rendering reported problems.
    pub render_problems: usize,
    /// Every diagnostic message, in order.
    pub messages: Vec<String>,
    /// The library returned `Err`: with every file in memory there is no I/O
    /// to fail, so this is worth a look (but is not a crash).
    pub failure: Option<String>,
}

/// Loads the plan from `files`, in memory, with `cxreport::load_files`, then
/// renders it in memory when it has no errors.
impl Outcome {
    /// Counts the problems a run found, and keeps their messages.
    fn note(&mut self, diags: Vec<cxreport::diag::Diagnostic>) {
        self.errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        self.warnings = diags.len() - self.errors;
        self.messages = diags.into_iter().map(|d| d.message).collect();
    }
}

pub fn run(files: FileMap) -> Outcome {
    let mut outcome = Outcome::default();
    if let Err(e) = run_into(files, &mut outcome) {
        outcome.failure = Some(format!("{e:#}"));
    }
    outcome
}

fn run_into(files: FileMap, outcome: &mut Outcome) -> anyhow::Result<()> {
    if let Some((path, bytes)) = files.iter().find(|(p, _)| p.starts_with("imports/")) {
        run_import(&files, path, bytes.clone(), outcome);
        return Ok(());
    }
    let (plan, diags) = cxreport::load_files(&root(), Arc::new(files))?;
    outcome.note(diags);
    if outcome.errors > 0 {
        return Ok(());
    }
    match cxreport::render(plan, &cxreport::Silent)? {
        (Some(rendered), _) => {
            outcome.rendered = !rendered.files.is_empty();
            outcome.site_files = rendered.files.len();
            outcome.site_bytes = rendered.files.iter().map(|f| f.bytes.len()).sum();
        }
        (None, problems) => {
            outcome.render_problems = problems.len();
            outcome
                .messages
                .extend(problems.into_iter().map(|d| d.message));
        }
    }
    Ok(())
}

/// The recipes the import targets' exports are read by, against the seed
/// plan's catalogue.
const IMPORTS: &str = r#"
[import.kpis]
kind = "kpis"
into = "data/kpis/kpis.csv"
date_format = "%d/%m/%Y"
columns = { "Fecha" = "date", "Cola" = "queue", "Nivel de servicio" = "sla", "TMO" = "aht", "Contactos" = "contacts" }

[import.sheet]
kind = "kpis"
into = "data/kpis/sheet.csv"
columns = { "Fecha" = "date", "Cola" = "queue", "Nivel de servicio" = "sla", "TMO" = "aht", "Contactos" = "contacts" }

[import.contacts]
kind = "contacts"
into = "data/kpis/contacts.csv"
timezone = "Europe/Madrid"
abandon_short_seconds = 3
columns = { "started_at" = "datetime", "queue" = "queue", "wait_s" = "wait", "handle" = "handle", "result" = "outcome" }
outcomes = { answered = ["answered"], abandoned = ["abandoned", "hung up"], ignored = ["test call"] }
metrics = { offered = "contacts", service_level = "sla", aht = "aht" }
"#;

/// One export through `cxreport import`'s readers, in memory. What they
/// write must be a KPI file the build reads without a problem, and read
/// back it must give the same bytes: a failure otherwise.
fn run_import(files: &FileMap, path: &str, bytes: Vec<u8>, outcome: &mut Outcome) {
    let recipe = match path {
        p if p.contains("contacts") => "contacts",
        p if p.ends_with(".xlsx") => "sheet",
        _ => "kpis",
    };
    let catalogue = files
        .get("data/metrics.toml")
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let (text, diags) = cxreport::import::in_memory(IMPORTS, &catalogue, recipe, path, bytes);
    outcome.note(diags);
    let Some(text) = text else {
        return;
    };
    outcome.rendered = true;
    outcome.site_files = 1;
    outcome.site_bytes = text.len();
    let mut found = cxreport::diag::Diagnostics::default();
    let mut loader =
        cxreport::data::Loader::new(&root(), Some(Arc::new(BTreeMap::new())), &mut found);
    let metrics = cxreport::data::metrics::parse(
        &cxreport::diag::Source::new("data/metrics.toml", catalogue),
        &mut loader,
    );
    let mut seen = cxreport::data::dates::Seen::default();
    let kpis = cxreport::data::kpis::parse(
        "data/kpis/x.csv",
        text.as_bytes(),
        &cxreport::data::dialect::Dialect::default(),
        // The canonical file is long: no column of numbers needs declaring.
        (&metrics, &[]),
        &mut seen,
        &mut found,
    );
    if let Some(problem) = found
        .sorted()
        .into_iter()
        .find(|d| d.severity == Severity::Error)
    {
        outcome.failure = Some(format!(
            "the canonical file does not load: {}:{}: {}",
            problem.line, problem.column, problem.message
        ));
    } else if cxreport::data::imported::Rows::from_kpis(&kpis).to_csv() != text {
        outcome.failure = Some("the canonical file read back gives other bytes".to_owned());
    }
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}
