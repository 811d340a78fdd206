//! `cxreport.toml`: the plan's settings. Every key has a default, so a plan
//! without the file builds too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::data::de::{TomlDate, TomlFile};
use crate::data::dialect::{self, DateFormat, Decimal, Dialect};
use crate::data::{recipe, redact};
use crate::diag::{Diagnostics, Pos, Source};

pub mod notify;
pub mod source;

/// The language of the fixed texts and of number and date formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Es,
}

/// The length of the periods that KPI trends and survey results are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrendPeriod {
    Day,
    /// ISO 8601 weeks, Monday to Sunday, labelled `2026-W09`.
    #[default]
    Week,
    Month,
}

/// Where pages load the ECharts script from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum EchartsSource {
    /// A pinned version from a CDN, checked by its subresource-integrity hash.
    #[default]
    Cdn,
    /// A local `echarts.min.js` (absolute, or relative to the plan root),
    /// copied into the site so that it works with no network at all.
    File(PathBuf),
}

/// A name a setting lists, with where it is written, for a warning about it
/// once the data is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub name: String,
    pub file: String,
    pub pos: Pos,
}

/// `[csv]`: the dialect of the plan's CSV files, and of some of its
/// folders or files (`[csv."data/kpis/banco.csv"]`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Csv {
    /// `[csv]` itself.
    pub plan: Dialect,
    /// A folder's or a file's own settings, by its path from the plan root,
    /// with where it is written.
    pub parts: Vec<(Declared, Dialect)>,
}

impl Csv {
    /// The dialect of the file at `path` (from the plan root): its own
    /// settings, over its folders', over `[csv]`'s, key by key.
    pub fn for_file(&self, path: &str) -> Dialect {
        let mut parts: Vec<&(Declared, Dialect)> = self
            .parts
            .iter()
            .filter(|(d, _)| covers(&d.name, path))
            .collect();
        // The longest path is the most particular.
        parts.sort_by_key(|(d, _)| std::cmp::Reverse(d.name.len()));
        parts
            .iter()
            .fold(Dialect::default(), |dialect, (_, part)| dialect.or(part))
            .or(&self.plan)
    }
}

impl Config {
    /// The dialect the plan's CSV file at `path` is read in: `[csv]`'s
    /// (see [`Csv::for_file`]), except for a file an import recipe writes,
    /// which is canonical whatever `[csv]` says, as `import` wrote it.
    pub fn dialect_of(&self, path: &str) -> Dialect {
        if self.imports.iter().any(|r| r.into == path)
            || self.sources.iter().any(|s| s.into == path)
        {
            return Dialect::CANONICAL;
        }
        self.csv.for_file(path)
    }
}

/// Whether the part `name` (a folder or a file) holds `path`.
pub fn covers(name: &str, path: &str) -> bool {
    let name = name.trim_end_matches('/');
    path == name
        || path
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The checked settings of a plan.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub language: Language,
    pub currency: String,
    /// The date the report is "as of"; `None` means the latest date in the data.
    pub as_of: Option<jiff::civil::Date>,
    /// Where `as_of` is written in `cxreport.toml`, for problems with it.
    pub as_of_pos: Option<Pos>,
    /// Relative to the plan root.
    pub output_dir: PathBuf,
    pub trend: TrendPeriod,
    pub window_days: u32,
    pub alpha: f64,
    /// The lowest and highest possible `attr_*` rating.
    pub attribute_scale: (f64, f64),
    /// Let raw HTML in content pages through (`[content] raw_html`, for
    /// trusted plans); off, it is shown as text.
    pub raw_html: bool,
    /// Mask e-mail addresses, phone numbers, IBANs, card numbers and ids in
    /// survey comments and segment values (`[surveys] mask_contacts`, on
    /// unless a plan turns it off; see `data::redact`).
    pub mask_contacts: bool,
    /// `[surveys] mask_patterns`: the plan's own patterns of ids to mask
    /// along with the built-in kinds.
    pub mask_patterns: redact::Patterns,
    /// `[surveys] segments`: the survey columns results are broken down
    /// by. `None` lets the data decide (see `data::surveys`).
    pub segments: Option<Vec<Declared>>,
    pub echarts: EchartsSource,
    /// `[strings]`: the plan's own texts by catalogue key (see `i18n`).
    pub strings: BTreeMap<String, String>,
    /// `[import.NAME]`: the recipes of `cxreport import`, checked here so
    /// that `check` reports a broken one (see `data::recipe`).
    pub imports: Vec<recipe::Recipe>,
    /// `[source.NAME]`: where `cxreport pull` gets KPI files' rows from
    /// (see `config::source`).
    pub sources: Vec<source::Source>,
    /// `[csv]`: how the plan's CSV files are written.
    pub csv: Csv,
    /// `[[route]]`, `[people]`, `[digest]` and `[smtp]`: where `cxreport
    /// notify` sends alerts and `cxreport digest` its e-mail (see
    /// `config::notify`).
    pub notify: notify::Notify,
    /// `[loop]`: what counts as a detractor to follow up and how soon a
    /// follow-up case should close.
    pub follow_up: FollowUp,
    /// `[theme]`: the plan's logo, accent colour and stylesheet.
    pub theme: Theme,
}

/// Two sources, or a source and an import recipe, writing the same file
/// would each replace the other's rows: the later source is refused.
fn written_twice(file: &mut TomlFile<'_>, config: &mut Config) {
    let mut kept: Vec<source::Source> = Vec::new();
    for s in std::mem::take(&mut config.sources) {
        let other = kept
            .iter()
            .find(|k| k.into == s.into)
            .map(|k| format!("[source.{}]", k.name))
            .or_else(|| {
                config
                    .imports
                    .iter()
                    .find(|r| r.into == s.into)
                    .map(|r| format!("[import.{}]", r.name))
            });
        match other {
            Some(other) => file.diags.error(
                &file.src.path,
                s.into_pos,
                format!(
                    "{} is written by {other} too: each file under data/kpis/ has one writer, so give [source.{}] a file of its own",
                    s.into, s.name
                ),
            ),
            None => kept.push(s),
        }
    }
    config.sources = kept;
}

/// `[theme]`: what makes the site the team's own. The logo and stylesheet
/// are site paths of files the site copies (from `static/` or `content/`,
/// see `assets`); the accent is a checked `#rrggbb` or `#rgb` colour, so it
/// can go into the page's CSS as it is.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Theme {
    pub logo: Option<String>,
    pub accent: Option<String>,
    pub stylesheet: Option<String>,
}

/// `[loop]`: the settings of the follow-up cases (see `analytics::loop`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FollowUp {
    /// A case should be closed within this many days of its opening.
    pub close_within_days: u32,
    /// The highest NPS score that makes an answer a detractor to follow up.
    pub detractor_max: u8,
}

impl Default for FollowUp {
    fn default() -> Self {
        FollowUp {
            close_within_days: 2,
            detractor_max: 6,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "CX improvement plan".to_owned(),
            base_url: "/".to_owned(),
            language: Language::En,
            currency: "USD".to_owned(),
            as_of: None,
            as_of_pos: None,
            output_dir: PathBuf::from("site"),
            trend: TrendPeriod::Week,
            window_days: 28,
            alpha: 0.05,
            attribute_scale: (1.0, 5.0),
            mask_contacts: true,
            mask_patterns: redact::Patterns::default(),
            segments: None,
            raw_html: false,
            echarts: EchartsSource::Cdn,
            strings: BTreeMap::new(),
            imports: Vec::new(),
            sources: Vec::new(),
            csv: Csv::default(),
            notify: notify::Notify::default(),
            follow_up: FollowUp::default(),
            theme: Theme::default(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    title: Option<String>,
    base_url: Option<toml::Spanned<String>>,
    language: Option<Language>,
    currency: Option<String>,
    as_of: Option<toml::Spanned<TomlDate>>,
    // The tables are read on their own (see `take_table`); naming them here
    // makes them known keys, so that a misspelt `[biuld]` gets a hint.
    #[allow(dead_code)]
    build: Option<RawBuild>,
    #[allow(dead_code)]
    periods: Option<RawPeriods>,
    #[allow(dead_code)]
    compare: Option<RawCompare>,
    #[allow(dead_code)]
    surveys: Option<RawSurveys>,
    #[allow(dead_code)]
    charts: Option<RawCharts>,
    #[allow(dead_code)]
    content: Option<RawContent>,
    #[allow(dead_code)]
    strings: Option<BTreeMap<String, String>>,
    #[allow(dead_code)]
    import: Option<serde::de::IgnoredAny>,
    #[allow(dead_code)]
    source: Option<serde::de::IgnoredAny>,
    #[allow(dead_code)]
    csv: Option<serde::de::IgnoredAny>,
    #[allow(dead_code)]
    route: Option<serde::de::IgnoredAny>,
    #[allow(dead_code)]
    people: Option<serde::de::IgnoredAny>,
    #[allow(dead_code)]
    smtp: Option<serde::de::IgnoredAny>,
    #[allow(dead_code)]
    digest: Option<serde::de::IgnoredAny>,
    #[allow(dead_code)]
    #[serde(rename = "loop")]
    follow_up: Option<RawLoop>,
    #[allow(dead_code)]
    theme: Option<RawTheme>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    logo: Option<toml::Spanned<String>>,
    accent: Option<toml::Spanned<String>>,
    stylesheet: Option<toml::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLoop {
    close_within_days: Option<toml::Spanned<u32>>,
    detractor_max: Option<toml::Spanned<u8>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCsv {
    delimiter: Option<toml::Spanned<String>>,
    decimal: Option<toml::Spanned<String>>,
    date_format: Option<toml::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBuild {
    output_dir: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriods {
    trend: Option<TrendPeriod>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompare {
    window_days: Option<toml::Spanned<u32>>,
    alpha: Option<toml::Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCharts {
    echarts: Option<toml::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContent {
    raw_html: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurveys {
    attribute_scale: Option<toml::Spanned<[f64; 2]>>,
    mask_contacts: Option<toml::Spanned<bool>>,
    mask_patterns: Option<Vec<toml::Spanned<String>>>,
    segments: Option<Vec<toml::Spanned<String>>>,
}

impl Config {
    /// Reads `cxreport.toml`; problems go to `diags` and leave the default in
    /// place. Paths in it are relative to `root`, the plan's folder.
    pub fn parse(src: &Source, plan_root: &Path, diags: &mut Diagnostics) -> Config {
        let mut file = TomlFile::new(src, diags);
        let mut config = Config::default();
        let Some(mut root) = file.parse() else {
            return config;
        };
        let build = take_table::<RawBuild>(&mut file, &mut root, "build");
        let periods = take_table::<RawPeriods>(&mut file, &mut root, "periods");
        let compare = take_table::<RawCompare>(&mut file, &mut root, "compare");
        let surveys = take_table::<RawSurveys>(&mut file, &mut root, "surveys");
        let charts = take_table::<RawCharts>(&mut file, &mut root, "charts");
        let content = take_table::<RawContent>(&mut file, &mut root, "content");
        let follow_up = take_table::<RawLoop>(&mut file, &mut root, "loop");
        let theme = take_table::<RawTheme>(&mut file, &mut root, "theme");
        let strings = take_strings(&mut file, &mut root);
        config.imports = recipe::take(&mut file, &mut root);
        config.sources = source::take(&mut file, &mut root, plan_root);
        written_twice(&mut file, &mut config);
        config.csv = take_csv(&mut file, &mut root);
        config.notify = notify::take(&mut file, &mut root);
        if let Some(raw) = file.record::<Raw>(root, "cxreport.toml") {
            if let Some(title) = raw.title {
                config.title = title;
            }
            if let Some(currency) = raw.currency {
                config.currency = currency;
            }
            if let Some(url) = raw.base_url {
                let at = url.span().start;
                let url = url.into_inner();
                match check_base_url(&url) {
                    Ok(()) if url.ends_with('/') => config.base_url = url,
                    Ok(()) => config.base_url = format!("{url}/"),
                    Err(message) => file.error(at, message),
                }
            }
            config.language = raw.language.unwrap_or_default();
            if let Some(as_of) = raw.as_of {
                config.as_of_pos = Some(file.pos(as_of.span().start));
                config.as_of = Some(as_of.into_inner().0);
            }
        }
        if let Some(dir) = build.and_then(|b| b.output_dir) {
            config.output_dir = dir;
        }
        if let Some(trend) = periods.and_then(|p| p.trend) {
            config.trend = trend;
        }
        if let Some(compare) = compare {
            if let Some(days) = compare.window_days {
                if !(2..=3660).contains(days.get_ref()) {
                    file.error(
                        days.span().start,
                        "`window_days` must be from 2 to 3660 (ten years)",
                    );
                } else {
                    config.window_days = days.into_inner();
                }
            }
            if let Some(alpha) = compare.alpha {
                let a = *alpha.get_ref();
                if a > 0.0 && a < 1.0 {
                    config.alpha = a;
                } else {
                    file.error(
                        alpha.span().start,
                        "`alpha` must be between 0 and 1, such as 0.05",
                    );
                }
            }
        }
        if let Some(raw) = follow_up {
            read_loop(&mut file, raw, &mut config.follow_up);
        }
        if let Some(raw) = theme {
            config.theme = read_theme(&mut file, raw, plan_root);
        }
        if let Some(raw) = content.and_then(|c| c.raw_html) {
            config.raw_html = raw;
        }
        if let Some(surveys) = &surveys {
            read_privacy(&mut file, surveys, &mut config);
        }
        if let Some(scale) = surveys.and_then(|s| s.attribute_scale) {
            let [min, max] = *scale.get_ref();
            if min < max {
                config.attribute_scale = (min, max);
            } else {
                file.error(
                    scale.span().start,
                    "`attribute_scale` must be [lowest, highest], such as [1, 5]",
                );
            }
        }
        config.strings = strings;
        if let Some(echarts) = charts.and_then(|c| c.echarts) {
            let at = echarts.span().start;
            let value = echarts.into_inner();
            if value == "cdn" {
                config.echarts = EchartsSource::Cdn;
            } else if value.is_empty() || !value.ends_with(".js") {
                file.error(
                    at,
                    "`echarts` must be \"cdn\" or the path of a local echarts.min.js",
                );
            } else if !plan_root.join(&value).is_file() {
                file.error(
                    at,
                    format!("there is no file {value} (relative paths start at the plan's folder)"),
                );
            } else {
                // Whatever the file is, it is published: say so when it
                // comes from outside the plan (a CI job building a pull request).
                let inside = std::fs::canonicalize(plan_root.join(&value))
                    .ok()
                    .zip(std::fs::canonicalize(plan_root).ok())
                    .is_some_and(|(file, root)| file.starts_with(root));
                if !inside {
                    file.warning(
                        at,
                        format!("{value} is outside the plan's folder; it is copied into the site as it is"),
                    );
                }
                config.echarts = EchartsSource::File(PathBuf::from(value));
            }
        }
        config
    }
}

/// `[theme]`: a logo and a stylesheet must be files the site copies, so
/// that the pages can link to them; an accent only a hex colour, the one
/// form that cannot carry anything but a colour into the page's CSS.
fn read_theme(file: &mut TomlFile<'_>, raw: RawTheme, plan_root: &Path) -> Theme {
    let mut copied = |value: Option<toml::Spanned<String>>, key: &str, ext: &[&str]| {
        let value = value?;
        let at = value.span().start;
        let path = value.into_inner();
        let inside = (path.starts_with("static/") || path.starts_with("content/"))
            && path
                .split('/')
                .all(|p| !p.is_empty() && p != "." && p != "..");
        let kind = ext.iter().any(|e| path.to_lowercase().ends_with(e));
        if !inside || !kind {
            file.error(
                at,
                format!(
                    "`{key}` must be the path of a {} file in the plan's static/ (or content/) folder, which the site copies, such as \"static/{key}{}\"",
                    ext.join(", "),
                    ext[0]
                ),
            );
            None
        } else if !plan_root.join(&path).is_file() {
            file.error(
                at,
                format!("there is no file {path} (relative paths start at the plan's folder)"),
            );
            None
        } else {
            Some(path.strip_prefix("content/").unwrap_or(&path).to_owned())
        }
    };
    let logo = copied(
        raw.logo,
        "logo",
        &[".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif"],
    );
    let stylesheet = copied(raw.stylesheet, "stylesheet", &[".css"]);
    let accent = raw.accent.and_then(|accent| {
        let at = accent.span().start;
        let value = accent.into_inner();
        let hex = value
            .strip_prefix('#')
            .is_some_and(|h| matches!(h.len(), 3 | 6) && h.chars().all(|c| c.is_ascii_hexdigit()));
        if hex {
            Some(value.to_lowercase())
        } else {
            file.error(
                at,
                format!("`accent` \"{value}\" is not a colour written as #rrggbb or #rgb, such as \"#1f5fbf\""),
            );
            None
        }
    });
    Theme {
        logo,
        accent,
        stylesheet,
    }
}

/// `[loop]`: a target of zero days would make every open case overdue the
/// day it opens, and one past ten years is a typo; a detractor is an NPS
/// score, 0 to 10.
fn read_loop(file: &mut TomlFile<'_>, raw: RawLoop, follow_up: &mut FollowUp) {
    if let Some(days) = raw.close_within_days {
        if (1..=3660).contains(days.get_ref()) {
            follow_up.close_within_days = days.into_inner();
        } else {
            file.error(
                days.span().start,
                "`close_within_days` must be from 1 to 3660 (ten years)",
            );
        }
    }
    if let Some(max) = raw.detractor_max {
        if *max.get_ref() <= 10 {
            follow_up.detractor_max = max.into_inner();
        } else {
            file.error(
                max.span().start,
                "`detractor_max` is an NPS score, from 0 to 10 (6 by the usual definition)",
            );
        }
    }
}

/// `base_url` is put before every link of the site, so it must be an
/// address and nothing else (issue 14): `javascript:…` would turn every
/// link into a script; `//host/` (protocol-relative) or `/\host/` (browsers
/// read `\` as `/`) would send readers to another host without saying so
/// plainly; `?` or `#` would swallow the page paths written after it.
/// Quotes, `<`, spaces and control characters would be escaped by the
/// templates, but they are never part of a working address, so they are
/// refused here rather than published broken.
fn check_base_url(url: &str) -> Result<(), String> {
    let example = "such as \"/\", \"/cx/\" or \"https://example.com/cx/\"";
    if let Some(c) = url
        .chars()
        .find(|&c| c.is_whitespace() || c.is_control() || "\"'<>`\\".contains(c))
    {
        let c = match c {
            ' ' => "a space".to_owned(),
            c if c.is_whitespace() || c.is_control() => format!("the character U+{:04X}", c as u32),
            c => format!("`{c}`"),
        };
        return Err(format!(
            "`base_url` cannot hold {c}: write a plain address, {example}"
        ));
    }
    if url.contains(['?', '#']) {
        return Err(
            "`base_url` cannot hold `?` or `#`: the path of every page is added after it".into(),
        );
    }
    if url.starts_with("//") {
        return Err(format!(
            "`base_url` \"{url}\" leaves out the scheme (https:): write a full address or a path from the site's root, {example}"
        ));
    }
    if url.starts_with('/') {
        return Ok(());
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.starts_with('/') && !rest.is_empty() => Ok(()),
        Some(_) => Err(format!(
            "`base_url` \"{url}\" has no host after the scheme: write an address {example}"
        )),
        None => Err(format!(
            "`base_url` \"{url}\" is neither an http(s) address nor a path starting with `/`: write one {example}"
        )),
    }
}

/// The survey columns that the columns `data::surveys` reads itself, and
/// so cannot be segments.
const SURVEY_COLUMNS: [&str; 6] = ["id", "date", "nps", "csat", "ces", "comment"];

/// `[surveys] mask_contacts`, `mask_patterns` and `segments`.
fn read_privacy(file: &mut TomlFile<'_>, surveys: &RawSurveys, config: &mut Config) {
    if let Some(mask) = &surveys.mask_contacts {
        config.mask_contacts = *mask.get_ref();
    }
    if let Some(patterns) = &surveys.mask_patterns {
        let mut compiled = Vec::new();
        for pattern in patterns {
            match redact::Patterns::compile(pattern.get_ref()) {
                Ok(re) => compiled.push(re),
                Err(e) => file.error(
                    pattern.span().start,
                    format!(
                        "`mask_patterns`: this is not a regular expression cxreport can use: {e}"
                    ),
                ),
            }
        }
        if !config.mask_contacts && !compiled.is_empty() {
            let at = surveys.mask_contacts.as_ref().map_or(0, |m| m.span().start);
            file.warning(
                at,
                "`mask_contacts = false` turns masking off, so `mask_patterns` is not used",
            );
        }
        config.mask_patterns = redact::Patterns::new(compiled);
    }
    if let Some(segments) = &surveys.segments {
        let mut declared: Vec<Declared> = Vec::new();
        for name in segments {
            let at = name.span().start;
            let text = name.get_ref().trim();
            if text.is_empty() {
                file.error(at, "a segment needs the name of a survey column");
            } else if SURVEY_COLUMNS.contains(&text) || text.starts_with("attr_") {
                file.error(
                    at,
                    format!("`{text}` is read as its own kind of survey column, not as a segment: list the columns results are broken down by, such as \"channel\""),
                );
            } else if !declared.iter().any(|d| d.name == text) {
                declared.push(Declared {
                    name: text.to_owned(),
                    file: file.src.path.clone(),
                    pos: file.pos(at),
                });
            }
        }
        config.segments = Some(declared);
    }
}

/// Takes `[strings]` out of the document: texts by catalogue key. Every
/// value that is not text is reported, and the others are still used.
fn take_strings(
    file: &mut TomlFile<'_>,
    root: &mut crate::data::de::Node<'_>,
) -> BTreeMap<String, String> {
    let mut strings = BTreeMap::new();
    let toml::de::DeValue::Table(table) = root.get_mut() else {
        return strings;
    };
    let Some(node) = table.remove("strings") else {
        return strings;
    };
    let toml::de::DeValue::Table(entries) = node.get_ref() else {
        file.error(
            node.span().start,
            "`strings` must be a table, written [strings]",
        );
        return strings;
    };
    for (key, value) in entries {
        match value.get_ref() {
            toml::de::DeValue::String(text) => {
                strings.insert(key.get_ref().to_string(), text.to_string());
            }
            other => file.error(
                value.span().start,
                format!(
                    "`{}` in [strings] must be text in quotes, not {} {}",
                    key.get_ref(),
                    if other.type_str().starts_with(['a', 'i']) {
                        "an"
                    } else {
                        "a"
                    },
                    other.type_str()
                ),
            ),
        }
    }
    strings
}

/// The folders whose CSV files a part of `[csv]` may name.
const CSV_FOLDERS: [&str; 2] = ["data/kpis", "data/surveys"];

/// Takes `[csv]` out of the document: its own keys, and its tables, each
/// a folder or file of the plan with keys of its own.
fn take_csv<'s>(file: &mut TomlFile<'s>, root: &mut crate::data::de::Node<'s>) -> Csv {
    let mut csv = Csv::default();
    let toml::de::DeValue::Table(table) = root.get_mut() else {
        return csv;
    };
    let Some(mut node) = table.remove("csv") else {
        return csv;
    };
    let toml::de::DeValue::Table(entries) = node.get_mut() else {
        file.error(node.span().start, "`csv` must be a table, written [csv]");
        return csv;
    };
    let parts: Vec<(String, usize)> = entries
        .iter()
        .filter(|(_, value)| value.get_ref().is_table())
        .map(|(key, _)| (key.get_ref().to_string(), key.span().start))
        .collect();
    let mut found = Vec::new();
    for (name, at) in parts {
        let Some(part) = entries.remove(name.as_str()) else {
            continue;
        };
        let what = format!("[csv.\"{name}\"]");
        let known = CSV_FOLDERS.iter().any(|folder| covers(folder, &name));
        if !known {
            file.error(
                at,
                format!("{what}: a table in [csv] names a folder or CSV file of the plan under data/kpis or data/surveys, such as [csv.\"data/kpis/banco.csv\"]"),
            );
            continue;
        }
        if let Some(raw) = file.record::<RawCsv>(part, &what) {
            let declared = Declared {
                name: name.clone(),
                file: file.src.path.clone(),
                pos: file.pos(at),
            };
            found.push((declared, read_dialect(file, raw)));
        }
    }
    csv.parts = found;
    if let Some(raw) = file.record::<RawCsv>(node, "[csv]") {
        csv.plan = read_dialect(file, raw);
    }
    csv
}

/// Checks the keys of a dialect, each at its place; a bad one is left out.
fn read_dialect(file: &mut TomlFile<'_>, raw: RawCsv) -> Dialect {
    let mut out = Dialect::default();
    let mut check = |value: Option<toml::Spanned<String>>,
                     read: &mut dyn FnMut(&str) -> Result<(), String>| {
        if let Some(value) = value
            && let Err(message) = read(value.get_ref())
        {
            file.error(value.span().start, message);
        }
    };
    check(raw.delimiter, &mut |text| {
        out.delimiter = Some(dialect::parse_delimiter(text)?);
        Ok(())
    });
    check(raw.decimal, &mut |text| {
        out.decimal = Some(Decimal::parse(text)?);
        Ok(())
    });
    check(raw.date_format, &mut |text| {
        out.date_format = Some(DateFormat::new(text)?);
        Ok(())
    });
    out
}

/// Takes `[key]` out of the document and reads it on its own, so that its
/// problems are reported beside those of the rest of the file.
fn take_table<'s, T: serde::de::DeserializeOwned>(
    file: &mut TomlFile<'s>,
    root: &mut crate::data::de::Node<'s>,
    key: &str,
) -> Option<T> {
    let toml::de::DeValue::Table(table) = root.get_mut() else {
        return None;
    };
    let node = table.remove(key)?;
    if !node.get_ref().is_table() {
        file.error(
            node.span().start,
            format!("`{key}` must be a table, written [{key}]"),
        );
        return None;
    }
    file.record(node, &format!("[{key}]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` as cxreport.toml, with its problems as `line:col: message`
    /// (`config::source`'s tests use it too).
    pub(super) fn parse(text: &str) -> (Config, Vec<String>) {
        let src = Source::new("cxreport.toml", text.to_owned());
        let mut diags = Diagnostics::default();
        let config = Config::parse(&src, Path::new("."), &mut diags);
        let messages = diags
            .sorted()
            .into_iter()
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect();
        (config, messages)
    }

    #[test]
    fn the_loop_settings_are_checked_where_they_are_written() {
        let (config, problems) = parse("[loop]\nclose_within_days = 3\ndetractor_max = 5\n");
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(config.follow_up.close_within_days, 3);
        assert_eq!(config.follow_up.detractor_max, 5);
        let (config, problems) = parse("[loop]\nclose_within_days = 0\ndetractor_max = 11\n");
        assert_eq!(config.follow_up, FollowUp::default());
        assert_eq!(problems.len(), 2, "{problems:?}");
        let (_, problems) = parse("[loop]\nclose_within_day = 3\n");
        assert!(problems[0].contains("did you mean"), "{problems:?}");
    }

    #[test]
    fn an_empty_file_gives_the_defaults() {
        let (config, errors) = parse("");
        assert!(errors.is_empty());
        assert_eq!(config.base_url, "/");
        assert_eq!(config.window_days, 28);
        assert_eq!(config.trend, TrendPeriod::Week);
    }

    #[test]
    fn reads_every_table() {
        let (config, errors) = parse(
            "title = 'T'\nbase_url = '/cx'\nlanguage = 'es'\nas_of = 2026-10-31\n\
             [build]\noutput_dir = 'public'\n[periods]\ntrend = 'month'\n\
             [compare]\nwindow_days = 14\nalpha = 0.01\n[surveys]\nattribute_scale = [0, 10]\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config.base_url, "/cx/");
        assert_eq!(config.language, Language::Es);
        assert_eq!(config.output_dir, PathBuf::from("public"));
        assert_eq!(config.trend, TrendPeriod::Month);
        assert_eq!((config.window_days, config.alpha), (14, 0.01));
        assert_eq!(config.attribute_scale, (0.0, 10.0));
    }

    #[test]
    fn reports_problems_in_every_table() {
        let (_, errors) =
            parse("titel = 'T'\n[periods]\ntrend = 'weekly'\n[compare]\nalpha = 2.0\n");
        assert_eq!(
            errors,
            [
                "1:1: unknown key `titel` in cxreport.toml; did you mean `title`?",
                "3:9: `weekly` is not one of `day`, `week`, `month`; did you mean `week`?",
                "5:9: `alpha` must be between 0 and 1, such as 0.05",
            ]
        );
    }

    #[test]
    fn strings_map_texts_to_texts() {
        let (config, errors) = parse(
            "[strings]
\"Alerts\" = \"Watch list\"\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config.strings["Alerts"], "Watch list");
        let (config, errors) =
            parse("[strings]\nAlerts = \"Watch list\"\nKPIs = 3\n[strings.nested]\nx = \"y\"\n");
        assert_eq!(
            errors,
            [
                "3:8: `KPIs` in [strings] must be text in quotes, not an integer",
                "4:1: `nested` in [strings] must be text in quotes, not a table",
            ]
        );
        assert_eq!(config.strings.len(), 1, "the valid entry is kept");
        let (_, errors) = parse("strings = \"Alerts\"\n");
        assert_eq!(
            errors,
            ["1:11: `strings` must be a table, written [strings]"]
        );
    }

    #[test]
    fn base_url_is_an_http_address_or_a_path_from_the_root() {
        for (url, kept) in [
            ("/", "/"),
            ("/cx", "/cx/"),
            ("/café/", "/café/"),
            ("https://example.com", "https://example.com/"),
            ("HTTP://example.com/cx/", "HTTP://example.com/cx/"),
        ] {
            let (config, errors) = parse(&format!("base_url = '{url}'\n"));
            assert!(errors.is_empty(), "{url}: {errors:?}");
            assert_eq!(config.base_url, kept);
        }
        let refused = |url: &str| {
            let (config, errors) = parse(&format!("base_url = \"{url}\"\n"));
            assert_eq!(config.base_url, "/", "{url} is not used");
            assert_eq!(errors.len(), 1, "{url}: {errors:?}");
            errors[0].clone()
        };
        assert_eq!(
            refused("javascript:alert(document.domain)//"),
            "1:12: `base_url` \"javascript:alert(document.domain)//\" is neither an http(s) address nor a path starting with `/`: write one such as \"/\", \"/cx/\" or \"https://example.com/cx/\""
        );
        assert!(refused("//evil.example/").contains("leaves out the scheme"));
        assert!(refused("https:///cx/").contains("has no host"));
        assert!(refused("https://").contains("has no host"));
        assert!(refused("").contains("is neither"));
        assert!(refused("cx/").contains("is neither"));
        assert!(refused("data:text/html,x").contains("is neither"));
        assert!(refused("/cx/?a=1").contains("`?` or `#`"));
        assert!(refused("/\\\\evil.example/").contains("cannot hold `\\`"));
        assert!(refused("/a\\\"b/").contains("cannot hold `\"`"));
        assert!(refused("/<x>/").contains("cannot hold `<`"));
        assert!(refused("/a b/").contains("cannot hold a space"));
        assert!(refused("/a\\u001b[2J/").contains("cannot hold the character U+001B"));
        assert!(refused("/a\\tb/").contains("U+0009"));
    }

    #[test]
    fn privacy_settings_are_checked_where_they_are_written() {
        let (config, errors) = parse(
            "[surveys]\nsegments = [\"channel\", \"region\", \"channel\"]\n\
             mask_patterns = ['\\b[0-9]{3}-[0-9]{2}-[0-9]{4}\\b']\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<&str> = config
            .segments
            .iter()
            .flatten()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(names, ["channel", "region"]);
        assert_eq!(
            config.segments.as_ref().map(|s| s[1].pos),
            Some(Pos::new(2, 24))
        );
        assert!(!config.mask_patterns.is_empty());

        let (config, errors) = parse(
            "[surveys]\nsegments = [\"comment\", \"attr_speed\", \"\"]\n\
             mask_patterns = [\"ok[0-9]+\",\n  \"[0-9\"]\n",
        );
        assert_eq!(
            errors,
            [
                "2:13: `comment` is read as its own kind of survey column, not as a segment: list the columns results are broken down by, such as \"channel\"",
                "2:24: `attr_speed` is read as its own kind of survey column, not as a segment: list the columns results are broken down by, such as \"channel\"",
                "2:38: a segment needs the name of a survey column",
                "4:3: `mask_patterns`: this is not a regular expression cxreport can use: unclosed character class",
            ]
        );
        assert_eq!(config.segments, Some(Vec::new()));

        let (_, errors) = parse("[surveys]\nmask_contacts = false\nmask_patterns = ['x']\n");
        assert_eq!(
            errors,
            ["2:17: `mask_contacts = false` turns masking off, so `mask_patterns` is not used"]
        );
    }

    #[test]
    fn csv_dialects_for_the_plan_its_folders_and_files() {
        let (config, errors) = parse(
            "[csv]\ndelimiter = \";\"\ndate_format = \"%d/%m/%Y\"\n\
             [csv.\"data/kpis\"]\ndecimal = \".\"\n\
             [csv.\"data/kpis/tabs.csv\"]\ndelimiter = \"\\t\"\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let banco = config.csv.for_file("data/kpis/banco.csv");
        assert_eq!(banco.delimiter, Some(b';'));
        assert_eq!(banco.decimal, Some(Decimal::Point));
        assert_eq!(
            banco.date_format.as_ref().map(DateFormat::as_str),
            Some("%d/%m/%Y")
        );
        let tabs = config.csv.for_file("data/kpis/tabs.csv");
        assert_eq!(
            (tabs.delimiter, tabs.decimal),
            (Some(b'\t'), Some(Decimal::Point))
        );
        let survey = config.csv.for_file("data/surveys/responses.csv");
        assert_eq!((survey.delimiter, survey.decimal), (Some(b';'), None));
        // A folder's name is no prefix of another folder's.
        assert!(!covers("data/kpis", "data/kpis2/a.csv"));
        assert_eq!(
            Config::default().csv.for_file("data/kpis/a.csv"),
            Dialect::default()
        );
    }

    #[test]
    fn csv_settings_are_checked_where_they_are_written() {
        let (_, errors) = parse(
            "[csv]\ndelimeter = \";\"\ndecimal = \"comma\"\ndate_format = \"dd/mm/yyyy\"\n\
             [csv.\"data/kpis/a.csv\"]\ndelimiter = \";;\"\n[csv.\"content\"]\ndecimal = \",\"\n",
        );
        assert_eq!(
            errors,
            [
                "2:1: unknown key `delimeter` in [csv]; did you mean `delimiter`?",
                "3:11: `decimal` must be \".\" (85.3) or \",\" (85,3), not \"comma\"",
                "4:15: `date_format` \"dd/mm/yyyy\" does not say where the day, month and year are (%d, %m, %Y): write a pattern such as \"%d/%m/%Y\" (31/10/2026) or \"%m/%d/%Y\" (10/31/2026)",
                "6:13: `delimiter` must be one character such as \",\", \";\", \"\\t\" (a tab) or \"|\", not \";;\"",
                "7:6: [csv.\"content\"]: a table in [csv] names a folder or CSV file of the plan under data/kpis or data/surveys, such as [csv.\"data/kpis/banco.csv\"]",
            ]
        );
        let (_, errors) = parse("[cvs]\ndelimiter = \";\"\n");
        assert_eq!(
            errors,
            ["1:2: unknown key `cvs` in cxreport.toml; did you mean `csv`?"]
        );
    }

    #[test]
    fn a_window_of_more_than_ten_years_is_refused() {
        let src = Source::new(
            "cxreport.toml",
            "[compare]\nwindow_days = 4294967295\n".into(),
        );
        let mut diags = Diagnostics::default();
        let config = Config::parse(&src, Path::new("."), &mut diags);
        assert_eq!(config.window_days, 28);
        assert_eq!(diags.error_count(), 1);
    }
}
