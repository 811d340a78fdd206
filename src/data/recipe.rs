//! `[import.NAME]` in `cxreport.toml`: the recipes `cxreport import` follows
//! to turn a platform's export into a canonical KPI file under `data/kpis/`.
//!
//! Layer 1 (records): this only reads and checks the recipes, with every
//! problem at its place in `cxreport.toml`, so that `check` reports a broken
//! recipe as it reports any other key. Reading exports is `data::export`,
//! `data::sheet` and `data::contacts`; writing is `import` (layer 6).

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::de::{Node, TomlFile};
use super::dialect::{DateFormat, Decimal, Dialect, parse_delimiter};
use crate::diag::Pos;

/// What an export holds, and so how it becomes KPI rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// One row per date (and dimension values) with metric values: the
    /// rows are copied, their cells read in the export's dialect.
    Kpis,
    /// One row per call or chat: aggregated into daily KPI rows.
    Contacts,
}

/// How a contact's outcome is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Answered,
    Abandoned,
    /// Left out of every figure (test calls, callbacks counted elsewhere).
    Ignored,
}

/// The figures a contacts recipe can write, each into a metric of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Figure {
    Offered,
    ServiceLevel,
    Asa,
    Aht,
    AbandonRate,
}

impl Figure {
    /// Every figure, in the order the canonical file lists them.
    pub const ALL: [Figure; 5] = [
        Figure::Offered,
        Figure::ServiceLevel,
        Figure::Asa,
        Figure::Aht,
        Figure::AbandonRate,
    ];

    /// The key naming it in `metrics = { … }`.
    pub fn key(self) -> &'static str {
        match self {
            Figure::Offered => "offered",
            Figure::ServiceLevel => "service_level",
            Figure::Asa => "asa",
            Figure::Aht => "aht",
            Figure::AbandonRate => "abandon_rate",
        }
    }
}

/// What a column of a contact log is read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactField {
    Date,
    /// A date and time: the day is taken in the recipe's `timezone`.
    DateTime,
    Wait,
    Handle,
    Outcome,
}

/// A `columns` entry: the export's header as written, where it is written,
/// and what it is mapped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub header: String,
    pub target: String,
    pub pos: Pos,
}

/// The settings only a contacts recipe has.
#[derive(Debug, Clone, PartialEq)]
pub struct Contacts {
    pub service_level_seconds: f64,
    pub abandon_short_seconds: f64,
    /// Outcome values as written, each with how it counts.
    pub outcomes: Vec<(String, Outcome)>,
    /// Which metric of the plan each figure is written into.
    pub metrics: Vec<(Figure, String, Pos)>,
    /// The zone a `datetime` column's instants are taken in for the day.
    pub timezone: Option<jiff::tz::TimeZone>,
}

/// One checked recipe.
#[derive(Debug, Clone)]
pub struct Recipe {
    pub name: String,
    pub kind: Kind,
    /// Relative to the plan root, with `/`.
    pub into: String,
    pub sheet: Option<String>,
    /// `delimiter`, `decimal` and `date_format`: what is not set is found
    /// from each export, as for the plan's own files (see `data::dialect`).
    pub dialect: Dialect,
    pub columns: Vec<Mapping>,
    /// `Some` for `kind = "contacts"`.
    pub contacts: Option<Contacts>,
    /// Where `[import.NAME]` starts, for problems with the recipe as a whole.
    pub pos: Pos,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecipe {
    kind: Kind,
    into: Spanned<String>,
    sheet: Option<String>,
    delimiter: Option<Spanned<String>>,
    decimal: Option<Spanned<String>>,
    date_format: Option<Spanned<String>>,
    #[serde(default)]
    columns: BTreeMap<String, Spanned<String>>,
    timezone: Option<Spanned<String>>,
    service_level_seconds: Option<Spanned<f64>>,
    abandon_short_seconds: Option<Spanned<f64>>,
    outcomes: Option<Spanned<RawOutcomes>>,
    metrics: Option<Spanned<RawMetrics>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutcomes {
    #[serde(default)]
    answered: Vec<String>,
    #[serde(default)]
    abandoned: Vec<String>,
    #[serde(default)]
    ignored: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetrics {
    offered: Option<Spanned<String>>,
    service_level: Option<Spanned<String>>,
    asa: Option<Spanned<String>>,
    aht: Option<Spanned<String>>,
    abandon_rate: Option<Spanned<String>>,
}

/// Takes `[import]` out of `cxreport.toml` and reads every recipe in it;
/// each problem is reported, and a recipe with any is left out.
pub fn take<'s>(file: &mut TomlFile<'s>, root: &mut Node<'s>) -> Vec<Recipe> {
    let toml::de::DeValue::Table(table) = root.get_mut() else {
        return Vec::new();
    };
    let Some(node) = table.remove("import") else {
        return Vec::new();
    };
    let toml::de::DeValue::Table(entries) = node.into_inner() else {
        // `[import]` is always a table when written as one; anything else
        // is `import = …`, placed by the key below.
        return Vec::new();
    };
    let mut recipes = Vec::new();
    for (name, value) in entries {
        let at = value.span().start;
        let name = name.get_ref().to_string();
        if !value.get_ref().is_table() {
            file.error(
                at,
                format!("`import.{name}` must be a table, written [import.{name}]"),
            );
            continue;
        }
        let before = file.diags.error_count();
        let what = format!("[import.{name}]");
        let Some(raw) = file.record::<RawRecipe>(value, &what) else {
            continue;
        };
        let recipe = check(file, name, raw, at);
        if file.diags.error_count() == before {
            recipes.extend(recipe);
        }
    }
    recipes
}

/// The checks serde cannot make: values within their choices, and keys
/// that belong to the other kind.
fn check(file: &mut TomlFile<'_>, name: String, raw: RawRecipe, at: usize) -> Option<Recipe> {
    let into = check_into(file, &raw.into);
    // The same keys and checks as `[csv]`, in the recipe's own table.
    let mut setting = |value: &Option<Spanned<String>>,
                       check: &dyn Fn(&str) -> Result<(), String>| {
        if let Some(v) = value
            && let Err(message) = check(v.get_ref())
        {
            file.error(v.span().start, message);
        }
    };
    setting(&raw.delimiter, &|t| parse_delimiter(t).map(drop));
    setting(&raw.decimal, &|t| Decimal::parse(t).map(drop));
    setting(&raw.date_format, &|t| DateFormat::new(t).map(drop));
    let dialect = Dialect {
        delimiter: raw
            .delimiter
            .as_ref()
            .and_then(|d| parse_delimiter(d.get_ref()).ok()),
        decimal: raw
            .decimal
            .as_ref()
            .and_then(|d| Decimal::parse(d.get_ref()).ok()),
        date_format: raw
            .date_format
            .as_ref()
            .and_then(|d| DateFormat::new(d.get_ref()).ok()),
    };
    let mut columns = Vec::new();
    for (header, target) in &raw.columns {
        let pos = file.pos(target.span().start);
        let text = target.get_ref().trim();
        if text.is_empty() {
            file.error(
                target.span().start,
                format!("column {header:?} is mapped to nothing: write `date`, a metric id or a dimension name"),
            );
            continue;
        }
        let own_column = match raw.kind {
            Kind::Kpis => ["metric", "value"].contains(&text),
            Kind::Contacts => ["metric", "value", "weight"].contains(&text),
        };
        if own_column {
            file.error(
                target.span().start,
                format!("`{text}` cannot name a dimension: the canonical file has a column of its own by that name"),
            );
            continue;
        }
        columns.push(Mapping {
            header: header.clone(),
            target: text.to_owned(),
            pos,
        });
    }
    let contacts = match raw.kind {
        Kind::Kpis => {
            let only_contacts = [
                ("timezone", raw.timezone.as_ref().map(|t| t.span().start)),
                (
                    "service_level_seconds",
                    raw.service_level_seconds.as_ref().map(|t| t.span().start),
                ),
                (
                    "abandon_short_seconds",
                    raw.abandon_short_seconds.as_ref().map(|t| t.span().start),
                ),
                ("outcomes", raw.outcomes.as_ref().map(|t| t.span().start)),
                ("metrics", raw.metrics.as_ref().map(|t| t.span().start)),
            ];
            for (key, at) in only_contacts {
                if let Some(at) = at {
                    file.error(
                        at,
                        format!("`{key}` is for `kind = \"contacts\"` recipes; a `kpis` recipe maps its columns to metrics in `columns`"),
                    );
                }
            }
            for m in &columns {
                if matches!(
                    m.target.as_str(),
                    "datetime" | "wait" | "handle" | "outcome"
                ) {
                    file.diags.error(
                        &file.src.path,
                        m.pos,
                        format!(
                            "`{}` is a column of a contact log: it needs `kind = \"contacts\"`",
                            m.target
                        ),
                    );
                }
            }
            None
        }
        Kind::Contacts => check_contacts(file, &raw, &columns, at),
    };
    let ok = into.is_some() && (raw.kind == Kind::Kpis || contacts.is_some());
    ok.then(|| Recipe {
        name,
        kind: raw.kind,
        into: into.unwrap_or_default(),
        sheet: raw.sheet,
        dialect,
        columns,
        contacts,
        pos: file.pos(at),
    })
}

/// `into` is where the build reads KPI files: a `.csv` below `data/kpis/`,
/// inside the plan.
pub(crate) fn check_into(file: &mut TomlFile<'_>, into: &Spanned<String>) -> Option<String> {
    let path = into.get_ref().replace('\\', "/");
    let inside = path.starts_with("data/kpis/")
        && path.ends_with(".csv")
        && path.len() > "data/kpis/.csv".len()
        && !path
            .split('/')
            .any(|p| p == ".." || p == "." || p.is_empty());
    if inside {
        Some(path)
    } else {
        file.error(
            into.span().start,
            format!(
                "`into` must be a .csv file below data/kpis/, where the build reads KPI files, such as \"data/kpis/calls.csv\", not {:?}",
                into.get_ref()
            ),
        );
        None
    }
}

/// The settings of a contacts recipe: outcomes, metrics, thresholds, zone.
fn check_contacts(
    file: &mut TomlFile<'_>,
    raw: &RawRecipe,
    columns: &[Mapping],
    at: usize,
) -> Option<Contacts> {
    let mut ok = true;
    let seconds =
        |file: &mut TomlFile<'_>, value: &Option<Spanned<f64>>, key: &str, ok: &mut bool| {
            let Some(v) = value else { return 0.0 };
            let s = *v.get_ref();
            if (0.0..=86_400.0).contains(&s) {
                s
            } else {
                file.error(
                    v.span().start,
                    format!("`{key}` must be a number of seconds from 0 to 86400"),
                );
                *ok = false;
                0.0
            }
        };
    let service_level_seconds = match &raw.service_level_seconds {
        Some(_) => seconds(
            file,
            &raw.service_level_seconds,
            "service_level_seconds",
            &mut ok,
        ),
        None => 20.0,
    };
    let abandon_short_seconds = seconds(
        file,
        &raw.abandon_short_seconds,
        "abandon_short_seconds",
        &mut ok,
    );
    let mut outcomes: Vec<(String, Outcome)> = Vec::new();
    match &raw.outcomes {
        None => {
            file.error(
                at,
                "a contacts recipe needs `outcomes`, such as `outcomes = { answered = [\"answered\"], abandoned = [\"abandoned\"] }`",
            );
            ok = false;
        }
        Some(o) => {
            let lists = [
                (Outcome::Answered, &o.get_ref().answered),
                (Outcome::Abandoned, &o.get_ref().abandoned),
                (Outcome::Ignored, &o.get_ref().ignored),
            ];
            for (outcome, values) in lists {
                for value in values {
                    let key = fold(value);
                    if let Some((_, first)) = outcomes.iter().find(|(v, _)| fold(v) == key) {
                        file.error(
                            o.span().start,
                            format!(
                                "outcome {value:?} is listed twice (as {} and as {})",
                                outcome_name(*first),
                                outcome_name(outcome)
                            ),
                        );
                        ok = false;
                    } else {
                        outcomes.push((value.clone(), outcome));
                    }
                }
            }
            if o.get_ref().answered.is_empty() {
                file.error(
                    o.span().start,
                    "`outcomes` needs the values that mean `answered`",
                );
                ok = false;
            }
        }
    }
    let mut metrics = Vec::new();
    match &raw.metrics {
        None => {
            file.error(
                at,
                "a contacts recipe needs `metrics`, the plan's metric for each figure, such as `metrics = { service_level = \"sla\", offered = \"contacts\" }`",
            );
            ok = false;
        }
        Some(m) => {
            let m = m.get_ref();
            let given = [
                (Figure::Offered, &m.offered),
                (Figure::ServiceLevel, &m.service_level),
                (Figure::Asa, &m.asa),
                (Figure::Aht, &m.aht),
                (Figure::AbandonRate, &m.abandon_rate),
            ];
            for (figure, id) in given {
                if let Some(id) = id {
                    metrics.push((figure, id.get_ref().clone(), file.pos(id.span().start)));
                }
            }
            if metrics.is_empty() {
                file.error(at, "`metrics` names no figure to write");
                ok = false;
            }
        }
    }
    let timezone = raw.timezone.as_ref().and_then(|tz| {
        match jiff::tz::TimeZone::get(tz.get_ref()) {
            Ok(zone) => Some(zone),
            Err(_) => {
                file.error(
                    tz.span().start,
                    format!(
                        "`timezone` {:?} is not a time zone cxreport knows: write an IANA name such as \"Europe/Madrid\" or \"UTC\"",
                        tz.get_ref()
                    ),
                );
                ok = false;
                None
            }
        }
    });
    let has = |field: &str| columns.iter().any(|c| c.target == field);
    if !has("date") && !has("datetime") {
        file.error(
            at,
            "a contacts recipe needs a column mapped to `date` or `datetime`",
        );
        ok = false;
    }
    if has("date") && has("datetime") {
        file.error(
            at,
            "map one column to `date` or to `datetime`, not both: the day is taken from one",
        );
        ok = false;
    }
    if !has("outcome") {
        file.error(at, "a contacts recipe needs a column mapped to `outcome`");
        ok = false;
    }
    let needs_wait = metrics
        .iter()
        .any(|(f, _, _)| matches!(f, Figure::ServiceLevel | Figure::Asa))
        || abandon_short_seconds > 0.0;
    if needs_wait && !has("wait") {
        file.error(
            at,
            "`service_level`, `asa` and `abandon_short_seconds` need a column mapped to `wait`",
        );
        ok = false;
    }
    if metrics.iter().any(|(f, _, _)| *f == Figure::Aht) && !has("handle") {
        file.error(at, "`aht` needs a column mapped to `handle`");
        ok = false;
    }
    if raw.timezone.is_some() && !has("datetime") {
        file.warning(
            raw.timezone.as_ref().map_or(at, |t| t.span().start),
            "`timezone` is used only with a `datetime` column; a `date` column is taken as written",
        );
    }
    ok.then(|| Contacts {
        service_level_seconds,
        abandon_short_seconds,
        outcomes,
        metrics,
        timezone,
    })
}

/// What a column mapped to `target` is in a contact log, if it is one of
/// the log's own fields (anything else is a dimension).
pub fn contact_field(target: &str) -> Option<ContactField> {
    Some(match target {
        "date" => ContactField::Date,
        "datetime" => ContactField::DateTime,
        "wait" => ContactField::Wait,
        "handle" => ContactField::Handle,
        "outcome" => ContactField::Outcome,
        _ => return None,
    })
}

/// The word for an outcome in messages and in `outcomes = { … }`.
pub fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Answered => "answered",
        Outcome::Abandoned => "abandoned",
        Outcome::Ignored => "ignored",
    }
}

/// A header or value as it is compared: without surrounding spaces, case
/// or accents, so that `" Nivel de Servicio "` finds `"nivel de servicio"`
/// and `"Duración"` finds `"Duracion"`.
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    use unicode_normalization::char::is_combining_mark;
    text.trim()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostics, Source};

    fn read(text: &str) -> (Vec<Recipe>, Vec<String>) {
        let src = Source::new("cxreport.toml", text.to_owned());
        let mut diags = Diagnostics::default();
        let mut file = TomlFile::new(&src, &mut diags);
        let recipes = match file.parse() {
            Some(mut root) => take(&mut file, &mut root),
            None => Vec::new(),
        };
        let messages = diags
            .sorted()
            .into_iter()
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect();
        (recipes, messages)
    }

    #[test]
    fn reads_a_kpis_recipe() {
        let (recipes, errors) = read(
            "[import.banco]\nkind = \"kpis\"\ninto = \"data/kpis/banco.csv\"\nsheet = \"Datos\"\n\
             delimiter = \";\"\ndecimal = \",\"\ndate_format = \"%d/%m/%Y\"\n\
             columns = { \"Fecha\" = \"date\", \"TMO\" = \"aht\", \"Cola\" = \"queue\" }\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let r = &recipes[0];
        assert_eq!((r.name.as_str(), r.kind), ("banco", Kind::Kpis));
        assert_eq!(r.dialect.delimiter, Some(b';'));
        assert_eq!(r.dialect.decimal, Some(Decimal::Comma));
        assert_eq!(
            r.dialect.date_format.as_ref().map(DateFormat::as_str),
            Some("%d/%m/%Y")
        );
        assert_eq!(r.columns.len(), 3);
        assert_eq!(r.columns[0].header, "Cola");
        assert_eq!(r.columns[0].pos, Pos::new(8, 55));
    }

    #[test]
    fn keys_are_strict_with_hints() {
        let (recipes, errors) = read(
            "[import.x]\nkind = \"kpi\"\ninto = \"data/kpis/x.csv\"\n\
             [import.y]\nkind = \"kpis\"\ninto = \"out.csv\"\ndelimter = \";\"\noutcomes = { answered = [\"a\"] }\n",
        );
        assert!(recipes.is_empty());
        assert_eq!(
            errors,
            [
                "2:8: `kpi` is not one of `kpis`, `contacts`; did you mean `kpis`?",
                "6:8: `into` must be a .csv file below data/kpis/, where the build reads KPI files, such as \"data/kpis/calls.csv\", not \"out.csv\"",
                "7:1: unknown key `delimter` in [import.y]; did you mean `delimiter`?",
                "8:12: `outcomes` is for `kind = \"contacts\"` recipes; a `kpis` recipe maps its columns to metrics in `columns`",
            ]
        );
    }

    #[test]
    fn a_contacts_recipe_needs_its_columns() {
        let (recipes, errors) = read(
            "[import.calls]\nkind = \"contacts\"\ninto = \"data/kpis/calls.csv\"\n\
             columns = { Day = \"date\", Result = \"outcome\" }\n\
             outcomes = { answered = [\"ok\"], abandoned = [\"OK\"] }\n\
             metrics = { service_level = \"sla\" }\ntimezone = \"Mars/Base\"\n",
        );
        assert!(recipes.is_empty());
        assert_eq!(
            errors,
            [
                "1:1: `service_level`, `asa` and `abandon_short_seconds` need a column mapped to `wait`",
                "5:12: outcome \"OK\" is listed twice (as answered and as abandoned)",
                "7:12: `timezone` \"Mars/Base\" is not a time zone cxreport knows: write an IANA name such as \"Europe/Madrid\" or \"UTC\"",
                "7:12: `timezone` is used only with a `datetime` column; a `date` column is taken as written",
            ]
        );
        let (_, errors) = read(
            "[import.c]\nkind = \"contacts\"\ninto = \"data/kpis/c.csv\"\nmetrics = { avg = \"x\" }\n",
        );
        assert_eq!(
            errors,
            ["4:13: unknown key `avg` in [import.c]; did you mean `aht`?"]
        );
    }

    #[test]
    fn a_dimension_cannot_take_a_canonical_column_s_name() {
        let (recipes, errors) = read(
            "[import.k]\nkind = \"kpis\"\ninto = \"data/kpis/k.csv\"\ncolumns = { D = \"date\", M = \"metric\" }\n",
        );
        assert!(recipes.is_empty());
        assert_eq!(
            errors,
            [
                "4:29: `metric` cannot name a dimension: the canonical file has a column of its own by that name"
            ]
        );
    }

    #[test]
    fn folding_ignores_case_accents_and_spaces() {
        assert_eq!(fold("  Duración MEDIA "), "duracion media");
        assert_eq!(fold("Nivel de servicio (%)"), "nivel de servicio (%)");
    }
}
