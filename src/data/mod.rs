//! The plan's data: every file under `data/` read into checked, typed records.
//!
//! Each submodule reads one kind of file and knows its rules. They share a
//! [`Loader`], which holds what later files are checked against (the metric
//! catalogue, the dimensions found in the KPI data, the ids seen so far) and
//! collects every problem in one [`Diagnostics`]. Files are read in an order
//! that makes cross-checks possible in one pass: metrics, KPIs, then
//! everything that refers to them.

pub mod audits;
pub mod cases;
pub mod contacts;
pub mod dates;
pub mod de;
pub mod definitions;
pub mod dialect;
pub mod export;
pub mod flows;
pub mod imported;
pub mod initiatives;
pub mod kind;
pub mod kpis;
pub mod metrics;
pub mod okrs;
pub mod recipe;
pub mod records;
pub mod redact;
pub mod sheet;
pub mod sprints;
pub mod surveys;
pub mod table;
pub mod themes;

pub use kind::RecordKind;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use jiff::civil::Date;
use toml::Spanned;

use crate::diag::{Diagnostics, Pos, Source, hint};
pub use metrics::{Aggregate, AlertSeverity, Direction, Metric};

/// The hasher of the maps the CSV readers look a value up in on every row
/// (dimension values, segment values, profiles): several times faster than
/// the standard one on short keys. Nothing iterates these maps, so their
/// order, which differs from run to run, never reaches the output.
pub(crate) type FastHash = foldhash::fast::RandomState;

/// Dimension = value pairs that KPI rows must all match.
pub type Filter = BTreeMap<String, String>;

/// Everything under `data/`, checked.
#[derive(Debug, Default, Clone)]
pub struct Data {
    pub metrics: Vec<Metric>,
    /// Shared: the largest part of a plan, which `serve` keeps from one build
    /// for the next without copying it.
    pub kpis: std::sync::Arc<kpis::Kpis>,
    pub surveys: surveys::Surveys,
    pub themes: Vec<themes::Theme>,
    /// Oldest first.
    pub audits: Vec<audits::Audit>,
    pub okrs: Vec<okrs::OkrPeriod>,
    pub flows: Vec<flows::Flow>,
    /// Oldest first.
    pub sprints: Vec<sprints::Sprint>,
    pub initiatives: Vec<initiatives::Initiative>,
    /// Follow-up cases, in path and line order.
    pub cases: Vec<cases::Case>,
    /// The plan has case files (`data/cases/*.csv`), even if empty: only
    /// then does the site show the loop, and are survey ids kept.
    pub follows_up: bool,
}

impl Data {
    /// The catalogue entry of a metric id.
    pub fn metric(&self, id: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.id == id)
    }

    /// The latest date of any KPI row or survey response.
    pub fn latest_observation(&self) -> Option<Date> {
        self.kpis.last_date().max(self.surveys.latest())
    }
}

/// Reads every data file below `root`. I/O failures are errors; problems with
/// the data are in `diags`, and what could be read is returned all the same.
pub fn load(
    root: &Path,
    files: Option<Files>,
    config: &crate::config::Config,
    told: &flows::Told,
    diags: &mut Diagnostics,
) -> anyhow::Result<Data> {
    let tables = tables(root, files.clone(), config)?;
    load_with(root, files, config, told, tables, diags)
}

/// The metric catalogue and the KPI and survey files, read and checked:
/// most of a plan's bytes and of the time it takes to load. [`load`] reads
/// them first; `serve` keeps them from one build to the next while none of
/// their files, nor `cxreport.toml`, changes (see [`crate::cache`]).
#[derive(Debug, Clone)]
pub struct Tables {
    pub kpis: std::sync::Arc<kpis::Kpis>,
    pub surveys: surveys::Surveys,
    pub checks: Checks,
}

/// What the other files are checked against once the tables are in, and
/// the problems reading the tables found.
#[derive(Debug, Clone)]
pub struct Checks {
    pub metrics: Vec<Metric>,
    no_catalogue: bool,
    kpi_dims: HashMap<String, BTreeMap<String, BTreeSet<String>>>,
    seen: HashMap<(RecordKind, String), String>,
    problems: Diagnostics,
}

/// Reads and checks the catalogue and the tables (see [`Tables`]).
pub fn tables(
    root: &Path,
    files: Option<Files>,
    config: &crate::config::Config,
) -> anyhow::Result<Tables> {
    let mut problems = Diagnostics::default();
    let mut loader = Loader::new(root, files, &mut problems);
    let (mut kpis, mut surveys) = (kpis::Kpis::default(), surveys::Surveys::default());
    let mut spread = dates::Spread::default();
    if let Some(src) = loader.read("data/metrics.toml")? {
        let before = loader.diags.error_count();
        loader.metrics = metrics::parse(&src, &mut loader);
        // A catalogue that cannot be read at all (a TOML syntax error) would
        // make every metric named elsewhere "unknown" and every KPI file
        // unreadable, burying the one error that matters.
        loader.no_catalogue = loader.metrics.is_empty() && loader.diags.error_count() > before;
    }
    read_tables(&mut loader, (&mut kpis, &mut surveys), config, &mut spread)?;
    // Once all files are in: which columns are segments is decided over
    // the whole plan, never per file.
    surveys.finish(config, loader.diags);
    surveys.responses.sort_by_key(|r| r.date);
    spread.check(loader.diags);
    if let (Some((first, last)), Some((as_of, at))) =
        (spread.range(), config.as_of.zip(config.as_of_pos))
    {
        check_as_of(as_of, at, first, last, loader.diags);
    }
    for declared in config.segments.iter().flatten() {
        if !surveys.segments.contains(&declared.name) {
            let message = format!(
                "no survey file has a column `{}`, so this segment is empty",
                declared.name
            );
            loader.diags.warning(&declared.file, declared.pos, message);
        }
    }
    let Loader {
        metrics,
        no_catalogue,
        kpi_dims,
        seen,
        ..
    } = loader;
    Ok(Tables {
        kpis: std::sync::Arc::new(kpis),
        surveys,
        checks: Checks {
            metrics,
            no_catalogue,
            kpi_dims,
            seen,
            problems,
        },
    })
}

/// Reads every other data file, checked against `tables`, into the plan's
/// data; the tables' own problems join `diags`.
pub fn load_with(
    root: &Path,
    files: Option<Files>,
    config: &crate::config::Config,
    told: &flows::Told,
    tables: Tables,
    diags: &mut Diagnostics,
) -> anyhow::Result<Data> {
    let Tables {
        kpis,
        surveys,
        checks,
    } = tables;
    diags.append(checks.problems);
    let mut loader = Loader::new(root, files, diags);
    loader.metrics = checks.metrics;
    loader.no_catalogue = checks.no_catalogue;
    loader.kpi_dims = checks.kpi_dims;
    loader.seen = checks.seen;
    let mut data = Data {
        metrics: loader.metrics.clone(),
        kpis,
        surveys,
        ..Data::default()
    };
    if let Some(src) = loader.read("data/themes.toml")? {
        data.themes = themes::parse(&src, &mut loader);
    }
    for src in loader.read_dir("data/audits", "toml")? {
        data.audits.extend(audits::parse(&src, &mut loader));
    }
    data.audits
        .sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    for src in loader.read_dir("data/okrs", "toml")? {
        data.okrs.extend(okrs::parse(&src, &mut loader));
    }
    data.okrs
        .sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    for src in loader.read_dir("data/flows", "toml")? {
        data.flows.extend(flows::parse(&src, &mut loader, told));
    }
    data.flows.sort_by(|a, b| a.id.cmp(&b.id));
    for src in loader.read_dir("data/sprints", "toml")? {
        data.sprints.extend(sprints::parse(&src, &mut loader));
    }
    data.sprints
        .sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    if let Some(src) = loader.read("data/initiatives.toml")? {
        data.initiatives = initiatives::parse(&src, &mut loader);
    }
    (data.cases, data.follows_up) = read_cases(&mut loader, config, &data.surveys)?;
    Ok(data)
}

/// Reads `data/cases/*.csv` and checks the cases against each other and
/// against the survey answers' ids; and whether there are case files.
fn read_cases(
    loader: &mut Loader,
    config: &crate::config::Config,
    surveys: &surveys::Surveys,
) -> anyhow::Result<(Vec<cases::Case>, bool)> {
    let mut placed = Vec::new();
    let paths = loader.store.paths("data/cases", "csv", loader.diags)?;
    let follows_up = !paths.is_empty();
    for rel in paths {
        if let Some(input) = loader.store.open(&rel, loader.diags)? {
            placed.extend(cases::parse(&rel, input, config, loader.diags));
        }
    }
    if placed.is_empty() {
        return Ok((Vec::new(), follows_up));
    }
    // Only a plan with cases pays for the set of answer ids.
    let ids: std::collections::HashSet<&str, FastHash> =
        surveys.answers().map(|(_, _, id)| id).collect();
    let cases = cases::check(placed, |id| ids.contains(id), loader.diags);
    Ok((cases, follows_up))
}

/// Which reader a CSV file is for.
#[derive(Clone, Copy, PartialEq)]
enum Table {
    Kpis,
    Surveys,
}

/// A CSV file as read on its own: a part of the data, the dates it has and
/// its problems.
enum Part {
    Kpis(kpis::Kpis),
    Surveys(surveys::Surveys),
    /// Not a file that can be read (reported).
    None,
}

/// Reads the KPI and survey files: they are most of a plan's bytes, so they
/// are read side by side, each streamed into a part of the data with its
/// own problems, in one pass over both folders (no core waits at the end of
/// the KPI files for the last of them). The parts are merged in path order,
/// the KPI files first, and the KPI data is complete (sorted, and the
/// filters read before it checked) before the first survey file is merged,
/// as if the folders were read one after the other.
fn read_tables(
    loader: &mut Loader,
    (kpis, surveys): (&mut kpis::Kpis, &mut surveys::Surveys),
    config: &crate::config::Config,
    spread: &mut dates::Spread,
) -> anyhow::Result<()> {
    let mut files = Vec::new();
    if !loader.no_catalogue {
        for rel in loader.store.paths("data/kpis", "csv", loader.diags)? {
            files.push((Table::Kpis, rel));
        }
    }
    for rel in loader.store.paths("data/surveys", "csv", loader.diags)? {
        files.push((Table::Surveys, rel));
    }
    // A `[csv."path"]` with a typo in its path would do nothing, silently.
    if !loader.no_catalogue {
        for (part, _) in &config.csv.parts {
            if !files
                .iter()
                .any(|(_, rel)| crate::config::covers(&part.name, rel))
            {
                loader.diags.warning(
                    &part.file,
                    part.pos,
                    format!(
                        "[csv.\"{}\"] names no CSV file of the plan, so its settings are not used",
                        part.name
                    ),
                );
            }
        }
    }
    // The readers' own handle on the files, so that merging can borrow the
    // loader.
    let store = loader.store.clone();
    let metrics = loader.metrics.clone();
    let keep_ids = !loader
        .store
        .paths("data/cases", "csv", &mut Diagnostics::default())?
        .is_empty();
    let declared: Vec<String> = loader.dimensions.iter().map(|(n, _)| n.clone()).collect();
    let mut kpis_done = false;
    let mut failed = None;
    crate::parallel::ordered(
        &files,
        |(table, rel)| {
            let mut found = Diagnostics::default();
            let mut seen = dates::Seen::default();
            let part = match (store.open(rel, &mut found)?, table) {
                (Some(input), Table::Kpis) => Part::Kpis(kpis::parse(
                    rel,
                    input,
                    &config.dialect_of(rel),
                    (&metrics, &declared),
                    &mut seen,
                    &mut found,
                )),
                (Some(input), Table::Surveys) => Part::Surveys(surveys::parse(
                    rel, input, config, keep_ids, &mut seen, &mut found,
                )),
                (None, _) => Part::None,
            };
            anyhow::Ok((*table, rel.clone(), part, seen, found))
        },
        |result| match result {
            Ok((table, rel, part, seen, found)) => {
                if table == Table::Surveys && !kpis_done {
                    kpis_read(loader, kpis, config);
                    kpis_done = true;
                }
                loader.diags.append(found);
                spread.add(&rel, seen);
                match part {
                    Part::Kpis(part) => kpis.append(part),
                    Part::Surveys(part) => surveys.append(part),
                    Part::None => {}
                }
            }
            Err(e) => {
                failed.get_or_insert(e);
            }
        },
    );
    if let Some(e) = failed {
        return Err(e);
    }
    if !kpis_done {
        kpis_read(loader, kpis, config);
    }
    Ok(())
}

/// Once every KPI file is in: the series sorted, repeated rows reported,
/// and the filters read before the KPI data (metric alerts) and the
/// declared dimensions checked against it.
fn kpis_read(loader: &mut Loader, kpis: &mut kpis::Kpis, config: &crate::config::Config) {
    // Once, not after each file: stable, so rows of one date keep their
    // file order either way.
    let overlaps = kpis.sort();
    if !overlaps.found.is_empty() {
        let declared: Vec<String> = loader.dimensions.iter().map(|(n, _)| n.clone()).collect();
        let read = |rel: &str| {
            // Read as the first time; a file that cannot be read again is
            // placed at its start.
            let mut ignored = Diagnostics::default();
            match loader.store.open(rel, &mut ignored) {
                Ok(Some(input)) => {
                    let dialect = config.dialect_of(rel);
                    kpis::lines_of(rel, input, &dialect, (&loader.metrics, &declared))
                }
                _ => Vec::new(),
            }
        };
        let problems = kpis::overlap_problems(&overlaps, &loader.metrics, read);
        loader.diags.append(problems);
    }
    loader.kpi_dims = kpis.dimension_values();
    for (path, pos, metric, filter) in std::mem::take(&mut loader.later) {
        loader.check_filter(&path, pos, &metric, &filter);
    }
    for (name, pos) in &loader.dimensions {
        if !loader.kpi_dims.values().any(|dims| dims.contains_key(name)) {
            let message =
                format!("no KPI file has a column `{name}`, so this declaration does nothing");
            loader.diags.warning("data/metrics.toml", *pos, message);
        }
    }
}

/// `as_of` more than ten years from every row (`9999-12-31`) is a typo, and
/// would make every "since the last data" figure and period list run on for
/// millennia: an error in `cxreport.toml`.
fn check_as_of(as_of: Date, at: Pos, first: Date, last: Date, diags: &mut Diagnostics) {
    let side = if dates::days_between(last, as_of) > dates::FAR_DAYS {
        format!("after the latest date in the data, {last}")
    } else if dates::days_between(as_of, first) > dates::FAR_DAYS {
        format!("before the earliest date in the data, {first}")
    } else {
        return;
    };
    diags.error(
        "cxreport.toml",
        at,
        format!("`as_of = {as_of}` is more than ten years {side}: a typo?"),
    );
}

/// The largest magnitude a number of a plan may have, in any file.
///
/// Past 2^53 (about 9 × 10^15) an f64 no longer holds every whole number, so
/// sums of such values lose units; and below this bound no sum, weighted sum
/// or sum of squares over any number of rows a plan can hold comes near the
/// largest f64 (10^15 × 10^15 × 10^15 is 10^45), so no figure derived from
/// the data can overflow to infinity (issue 14: two KPI values of 1e308
/// showed `inf` and `NaN%` on the pages).
pub const LARGEST: f64 = 1e15;

/// The one check every reader makes of a number it has read (`written` as
/// the file has it): within ±[`LARGEST`], which also leaves out infinity
/// and NaN. The message names the value and the bound.
pub fn plan_number(value: f64, written: &str) -> Result<f64, String> {
    if value.is_nan() {
        return Err(format!("{written} is not a number"));
    }
    if value.abs() > LARGEST {
        return Err(format!(
            "{written} is out of range (a plan's numbers lie between -1e15 and 1e15)"
        ));
    }
    Ok(value)
}

/// A plan's files by path relative to its root, as read from a revision.
pub type Files = std::sync::Arc<BTreeMap<String, Vec<u8>>>;

/// Where a plan's files are read from: its folder, or a revision's files.
/// It can be shared by threads that read files side by side.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    /// Where `root` really is, resolved once for every file's check that
    /// it stays inside (see [`outside`]); `None` when it cannot be.
    real_root: Option<PathBuf>,
    /// The plan's files at a revision (`build --rev`), read instead of the disk.
    files: Option<Files>,
}

/// A file being read.
pub type Input<'s> = Box<dyn std::io::Read + Send + 's>;

impl Store {
    pub fn new(root: &Path, files: Option<Files>) -> Self {
        let real_root = match files {
            Some(_) => None,
            None => std::fs::canonicalize(root).ok(),
        };
        Store {
            root: root.to_owned(),
            real_root,
            files,
        }
    }

    /// The files with the given extension below a folder of the plan, in
    /// path order so that builds are reproducible. Anything there that is
    /// not a folder is listed, so that [`Store::open`] can say why a pipe or
    /// a device is not read; a name that is not UTF-8 cannot be named in the
    /// plan's terms at all, so it is reported here instead of being skipped.
    pub fn paths(
        &self,
        rel: &str,
        ext: &str,
        diags: &mut Diagnostics,
    ) -> anyhow::Result<Vec<String>> {
        let suffix = format!(".{ext}");
        self.list(rel, |p| p.ends_with(&suffix), diags)
    }

    /// Every file below a folder of the plan, whatever its kind, in path
    /// order, as [`Store::paths`] lists them: what the site copies as it is.
    pub fn all_paths(&self, rel: &str, diags: &mut Diagnostics) -> anyhow::Result<Vec<String>> {
        self.list(rel, |_| true, diags)
    }

    fn list(
        &self,
        rel: &str,
        keep: impl Fn(&str) -> bool,
        diags: &mut Diagnostics,
    ) -> anyhow::Result<Vec<String>> {
        if let Some(files) = &self.files {
            let prefix = format!("{rel}/");
            let mut paths: Vec<String> = files
                .keys()
                .filter(|p| p.starts_with(&prefix) && keep(p))
                .cloned()
                .collect();
            // The order walkdir gives on disk: by path component, so that a
            // revision loads its files in the order a checkout would.
            paths.sort_by(|a, b| Path::new(a).cmp(Path::new(b)));
            return Ok(paths);
        }
        let dir = self.root.join(rel);
        if !dir.is_dir() {
            return Ok(Vec::new());
        }
        let mut paths = Vec::new();
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
            let path = entry.path();
            // A link is listed unless it leads to a folder; `open` checks
            // where it leads and what it is.
            let folder = entry.file_type().is_dir() || entry.path_is_symlink() && path.is_dir();
            if folder || !keep(&path.to_string_lossy()) {
                continue;
            }
            match utf8_relative(&self.root, path) {
                Ok(rel) => paths.push(rel),
                Err(shown) => unreadable_name(&shown, diags),
            }
        }
        Ok(paths)
    }

    /// Opens a file of the plan, if it exists. A link out of the plan, or
    /// something that is not a regular file (a folder, a named pipe, a
    /// device) is a data problem (reported); a file that exists but cannot
    /// be opened is an I/O error.
    pub fn open(&self, rel: &str, diags: &mut Diagnostics) -> anyhow::Result<Option<Input<'_>>> {
        if let Some(files) = &self.files {
            return Ok(files
                .get(rel)
                .map(|bytes| Box::new(bytes.as_slice()) as Input<'_>));
        }
        let path = self.root.join(rel);
        // Looked at before opening: opening a named pipe waits for a writer,
        // and a build must not hang on one.
        let link = match std::fs::symlink_metadata(&path) {
            Ok(link) => link,
            Err(e) if absent(&e) => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        if let Some(target) = self.real_root.as_deref().and_then(|r| beyond(r, &path)) {
            diags.error(
                rel,
                Pos::START,
                format!(
                    "this is a symbolic link to {}, outside the plan, and is not followed: copy the file into the plan",
                    target.display()
                ),
            );
            return Ok(None);
        }
        let meta = match std::fs::metadata(&path) {
            Ok(meta) => meta,
            Err(e) if absent(&e) && link.is_symlink() => {
                let target = std::fs::read_link(&path).unwrap_or_default();
                diags.error(
                    rel,
                    Pos::START,
                    format!(
                        "this is a symbolic link to {}, which does not exist",
                        target.display()
                    ),
                );
                return Ok(None);
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        if !meta.is_file() {
            diags.error(
                rel,
                Pos::START,
                format!(
                    "this is {}, not a file: cxreport reads only regular files",
                    file_kind(&meta.file_type())
                ),
            );
            return Ok(None);
        }
        let file = std::fs::File::open(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(Some(Box::new(file)))
    }

    /// Reads a whole file of the plan as text, if it exists. Text that is
    /// not UTF-8 is a data problem (reported).
    pub fn read(&self, rel: &str, diags: &mut Diagnostics) -> anyhow::Result<Option<Source>> {
        let Some(mut input) = self.open(rel, diags)? else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        input
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", self.root.join(rel).display()))?;
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    // Spreadsheet exports often begin with a byte-order mark.
                    text.drain(..3);
                }
                Ok(Some(Source::new(rel, text)))
            }
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(&e.into_bytes()[..offset]).into_owned();
                let pos = Source::new(rel, text).pos(offset);
                diags.error(rel, pos, "the file is not UTF-8 text (save it as UTF-8)");
                Ok(None)
            }
        }
    }
}

/// What the file readers share: where files are, what has been read so far,
/// and where problems go.
pub struct Loader<'d> {
    pub store: Store,
    pub diags: &'d mut Diagnostics,
    metrics: Vec<Metric>,
    /// `data/metrics.toml` failed to parse: metric ids cannot be checked.
    no_catalogue: bool,
    /// Per metric id: the dimensions of its KPI rows and the values seen in each.
    kpi_dims: HashMap<String, BTreeMap<String, BTreeSet<String>>>,
    seen: HashMap<(RecordKind, String), String>,
    /// Filters read before the KPI data (metric alerts), checked once it is in.
    later: Vec<(String, Pos, String, Filter)>,
    /// The dimensions `data/metrics.toml` declares, with their places.
    dimensions: Vec<(String, Pos)>,
}

impl<'d> Loader<'d> {
    pub fn new(root: &Path, files: Option<Files>, diags: &'d mut Diagnostics) -> Self {
        Loader {
            store: Store::new(root, files),
            diags,
            metrics: Vec::new(),
            no_catalogue: false,
            kpi_dims: HashMap::new(),
            seen: HashMap::new(),
            later: Vec::new(),
            dimensions: Vec::new(),
        }
    }

    /// Reads a file of the plan, if it exists (see [`Store::read`]).
    pub fn read(&mut self, rel: &str) -> anyhow::Result<Option<Source>> {
        self.store.read(rel, self.diags)
    }

    /// Reads every file with the given extension below a folder of the plan,
    /// in path order so that builds are reproducible.
    pub fn read_dir(&mut self, rel: &str, ext: &str) -> anyhow::Result<Vec<Source>> {
        let mut sources = Vec::new();
        for path in self.store.paths(rel, ext, self.diags)? {
            sources.extend(self.read(&path)?);
        }
        Ok(sources)
    }

    /// Checks an id's form and that no other record of its kind has it.
    pub fn check_id(&mut self, src: &Source, kind: RecordKind, id: &Spanned<String>) -> bool {
        let pos = src.pos(id.span().start);
        self.check_id_at(src, kind, id.get_ref(), pos)
    }

    pub fn check_id_at(&mut self, src: &Source, kind: RecordKind, id: &str, pos: Pos) -> bool {
        if is_device_name(id) {
            let message = format!(
                "{} id `{id}` is a name Windows keeps for a device, and the site could not be copied there: choose another",
                kind.noun()
            );
            self.diags.error(&src.path, pos, message);
            return false;
        }
        if !is_id(id) {
            self.diags.error(
                &src.path,
                pos,
                format!(
                    "{} id `{id}` must start with a lower-case letter or digit and hold only a-z, 0-9, `-` and `_`",
                    kind.noun()
                ),
            );
            return false;
        }
        let here = format!("{}:{}:{}", src.path, pos.line, pos.col);
        if let Some(first) = self.seen.get(&(kind, id.to_owned())) {
            let message = format!(
                "duplicate {} id `{id}` (first defined at {first})",
                kind.noun()
            );
            self.diags.error(&src.path, pos, message);
            return false;
        }
        self.seen.insert((kind, id.to_owned()), here);
        true
    }

    /// The catalogue entry of a metric id, checking that it exists and that a
    /// filter names only dimensions (and values) found in its KPI data.
    pub fn metric_ref(
        &mut self,
        src: &Source,
        metric: &Spanned<String>,
        filter: Option<&Spanned<Filter>>,
    ) -> Option<Metric> {
        let id = metric.get_ref();
        let Some(found) = self.metrics.iter().find(|m| &m.id == id).cloned() else {
            if self.no_catalogue {
                return None;
            }
            let hint = hint(id, self.metrics.iter().map(|m| m.id.as_str()));
            let pos = src.pos(metric.span().start);
            self.diags
                .error(&src.path, pos, format!("unknown metric `{id}`{hint}"));
            return None;
        };
        if let Some(filter) = filter {
            let pos = src.pos(filter.span().start);
            self.check_filter(&src.path, pos, id, filter.get_ref());
        }
        Some(found)
    }

    /// For filters read before the KPI data.
    pub fn check_filter_later(&mut self, src: &Source, metric: &str, filter: &Spanned<Filter>) {
        let pos = src.pos(filter.span().start);
        self.later.push((
            src.path.clone(),
            pos,
            metric.to_owned(),
            filter.get_ref().clone(),
        ));
    }

    fn check_filter(&mut self, path: &str, pos: Pos, metric: &str, filter: &Filter) {
        let empty = BTreeMap::new();
        let dims = self.kpi_dims.get(metric).unwrap_or(&empty);
        for (dim, value) in filter {
            let Some(values) = dims.get(dim) else {
                let known = if dims.is_empty() {
                    " (its KPI rows have no dimensions)".to_owned()
                } else {
                    hint(dim, dims.keys().map(String::as_str))
                };
                let message = format!(
                    "filter dimension `{dim}` does not occur in the KPI data of `{metric}`{known}"
                );
                self.diags.error(path, pos, message);
                continue;
            };
            if !values.contains(value) {
                let hint = hint(value, values.iter().map(String::as_str));
                let message = format!("no KPI row of `{metric}` has {dim} = \"{value}\"{hint}");
                self.diags.warning(path, pos, message);
            }
        }
    }

    /// The file stem as a record's id when the file does not set one.
    pub fn id_or_stem(
        &mut self,
        src: &Source,
        kind: RecordKind,
        id: Option<Spanned<String>>,
    ) -> Option<String> {
        match id {
            Some(id) => self.check_id(src, kind, &id).then(|| id.into_inner()),
            None => {
                let stem = Path::new(&src.path)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default();
                if !is_id(stem) {
                    let message = format!(
                        "the file name `{stem}` is not a valid {} id: rename the file or set `id`",
                        kind.noun()
                    );
                    self.diags.error(&src.path, Pos::START, message);
                    return None;
                }
                self.check_id_at(src, kind, stem, Pos::START)
                    .then(|| stem.to_owned())
            }
        }
    }

    /// Reports `start > end`.
    pub fn check_range(
        &mut self,
        src: &Source,
        start: &Spanned<de::TomlDate>,
        end: &Spanned<de::TomlDate>,
    ) -> bool {
        if start.get_ref() > end.get_ref() {
            let pos = src.pos(end.span().start);
            let (s, e) = (start.get_ref().0, end.get_ref().0);
            self.diags.error(
                &src.path,
                pos,
                format!("`end` ({e}) is before `start` ({s})"),
            );
            return false;
        }
        true
    }
}

/// Where `path` really is, when a symbolic link takes it out of `root`:
/// a plan is read from its own folder only, so a link to `/etc/passwd` or to
/// another team's data cannot publish it.
pub fn outside(root: &Path, path: &Path) -> Option<PathBuf> {
    beyond(&std::fs::canonicalize(root).ok()?, path)
}

/// [`outside`], for a root already resolved (`real_root`).
fn beyond(real_root: &Path, path: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(path).ok()?;
    (!real.starts_with(real_root)).then_some(real)
}

/// `[a-z0-9][a-z0-9_-]*`, and not a name Windows keeps for a device: ids
/// become folder names of the site, and a folder `con/` cannot be copied
/// to, served from or checked out on Windows.
pub fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !is_device_name(s)
}

/// `con`, `prn`, `aux`, `nul`, `com1`–`com9`, `lpt1`–`lpt9`.
pub fn is_device_name(s: &str) -> bool {
    match s.as_bytes() {
        b"con" | b"prn" | b"aux" | b"nul" => true,
        [b'c', b'o', b'm', d] | [b'l', b'p', b't', d] => (b'1'..=b'9').contains(d),
        _ => false,
    }
}

/// A path below `root`, with `/` separators, as shown in messages.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Like [`relative`], or, when the path is not UTF-8, `Err` with the path
/// as it can be shown: each byte that is not UTF-8 written `\xE9`.
pub fn utf8_relative(root: &Path, path: &Path) -> Result<String, String> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    match rel.to_str() {
        Some(_) => Ok(relative(root, path)),
        None => Err(rel
            .components()
            .map(|c| escape_bytes(c.as_os_str()))
            .collect::<Vec<_>>()
            .join("/")),
    }
}

/// A name's bytes, UTF-8 kept as it is and any other byte as `\xE9`.
#[cfg(unix)]
fn escape_bytes(name: &std::ffi::OsStr) -> String {
    use std::fmt::Write as _;
    use std::os::unix::ffi::OsStrExt as _;
    let mut out = String::new();
    for chunk in name.as_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// Elsewhere a name that is not Unicode is rare (an unpaired UTF-16
/// surrogate on Windows); the replacement character marks it.
#[cfg(not(unix))]
fn escape_bytes(name: &std::ffi::OsStr) -> String {
    name.to_string_lossy().into_owned()
}

/// Reports a file of the plan whose name is not UTF-8: every name a plan
/// uses (ids from file names, paths in messages and in the site) is text,
/// so such a file cannot be read, and skipping it in silence would leave
/// its data out of a plan said to be valid. `shown` is from [`utf8_relative`].
pub fn unreadable_name(shown: &str, diags: &mut Diagnostics) {
    diags.error(
        shown,
        Pos::START,
        "this file's name is not UTF-8 text, so the file is not read: rename it",
    );
}

/// Nothing is there: the file, or a folder on the way to it, is missing.
fn absent(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}

/// "a folder", "a named pipe (FIFO)", …: what a path that is not a regular
/// file is, for a message.
fn file_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_bounded() {
        assert_eq!(plan_number(1e15, "1e15"), Ok(1e15));
        assert_eq!(plan_number(-1e15, "-1e15"), Ok(-1e15));
        assert_eq!(
            plan_number(1e308, "1e308"),
            Err("1e308 is out of range (a plan's numbers lie between -1e15 and 1e15)".into())
        );
        assert!(plan_number(-1.000_000_1e15, "x").is_err());
        assert!(plan_number(f64::INFINITY, "1e999").is_err());
        assert!(plan_number(f64::NAN, "nan").is_err());
        // The bound keeps the sums analytics make finite, however many rows.
        let worst = LARGEST * LARGEST * LARGEST * 1e9;
        assert!(worst.is_finite());
    }

    #[test]
    fn ids() {
        assert!(is_id("2026-h2"));
        assert!(is_id("whatsapp_faq-bot"));
        assert!(!is_id(""));
        assert!(!is_id("-x"));
        assert!(!is_id("Sla"));
        assert!(!is_id("../etc"));
        assert!(!is_id("con") && !is_id("lpt1") && !is_id("com9"));
        assert!(is_id("console") && is_id("com0") && is_id("lpt10"));
    }

    fn errors(diags: Diagnostics) -> Vec<String> {
        diags
            .sorted()
            .into_iter()
            .map(|d| format!("{}: {}", d.file, d.message))
            .collect()
    }

    /// Issue 14: such a file was never listed, so its data was left out of
    /// a plan said to be valid.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_name_that_is_not_utf8_is_reported() {
        use std::os::unix::ffi::OsStrExt as _;
        let tmp = tempfile::tempdir().expect("temporary directory");
        let dir = tmp.path().join("data/kpis");
        std::fs::create_dir_all(&dir).expect("mkdir");
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.csv");
        std::fs::write(dir.join(name), "date,metric,value\n").expect("write");
        std::fs::write(dir.join("ok.csv"), "date,metric,value\n").expect("write");
        let mut diags = Diagnostics::default();
        let store = Store::new(tmp.path(), None);
        let paths = store.paths("data/kpis", "csv", &mut diags).expect("listed");
        assert_eq!(paths, ["data/kpis/ok.csv"]);
        assert_eq!(
            errors(diags),
            [
                "data/kpis/caf\\xE9.csv: this file's name is not UTF-8 text, so the file is not read: rename it"
            ]
        );
    }

    /// Issue 14: a folder or a pipe in a file's place was taken for no file
    /// at all, and a plan's settings silently fell back to the defaults.
    #[cfg(target_os = "linux")]
    #[test]
    fn only_regular_files_are_read() {
        let tmp = tempfile::tempdir().expect("temporary directory");
        std::fs::create_dir(tmp.path().join("cxreport.toml")).expect("mkdir");
        std::fs::create_dir_all(tmp.path().join("data/kpis")).expect("mkdir");
        let fifo = std::process::Command::new("mkfifo")
            .arg(tmp.path().join("data/kpis/pipe.csv"))
            .status()
            .expect("mkfifo runs");
        assert!(fifo.success());
        std::os::unix::fs::symlink("gone.csv", tmp.path().join("data/kpis/link.csv"))
            .expect("symlink");
        let mut diags = Diagnostics::default();
        let store = Store::new(tmp.path(), None);
        assert!(
            store
                .read("cxreport.toml", &mut diags)
                .expect("no I/O error")
                .is_none()
        );
        assert!(
            store
                .read("data/metrics.toml", &mut diags)
                .expect("absent")
                .is_none()
        );
        let paths = store.paths("data/kpis", "csv", &mut diags).expect("listed");
        assert_eq!(paths, ["data/kpis/link.csv", "data/kpis/pipe.csv"]);
        for path in &paths {
            // Returns at once: the pipe is never opened.
            assert!(
                store
                    .read(path, &mut diags)
                    .expect("no I/O error")
                    .is_none()
            );
        }
        assert_eq!(
            errors(diags),
            [
                "cxreport.toml: this is a folder, not a file: cxreport reads only regular files",
                "data/kpis/link.csv: this is a symbolic link to gone.csv, which does not exist",
                "data/kpis/pipe.csv: this is a named pipe (FIFO), not a file: cxreport reads only regular files",
            ]
        );
    }
}
