//! `cxreport sql contacts RECIPE --table TABLE`: the contacts recipe
//! `[import.RECIPE]` as one SQL query which, run where a contact log is kept
//! as a table, gives the daily rows `cxreport import RECIPE` writes from the
//! same log as a file: `date`, the dimensions, `metric`, `value`, `weight`.
//! It is the way for logs that outgrow one machine: the engine that holds
//! them aggregates, and `cxreport pull` brings the result in.
//!
//! Layer 6 (commands). The definitions are `data::definitions`, the ones
//! `data::contacts` tallies a file by, so the two cannot drift apart; this
//! only turns them into text, and `sql::dialect` holds what the engines
//! differ in. The table is typed (docs/sources.md): the day a `date`
//! (`DATE` or `TIMESTAMP`) or a `datetime` (an instant: `timestamptz`,
//! `TIMESTAMP`), wait and handle times numbers of seconds, the outcome and
//! dimensions text, each column named as the recipe's `columns` keys.

pub mod dialect;

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::data::Metric;
use crate::data::contacts::{Output, outputs};
use crate::data::definitions::{Adds, Count, Leave, Over};
use crate::data::recipe::{Contacts, Kind, Outcome, Recipe, contact_field, fold, outcome_name};
use crate::diag::{Checked, Diagnostics};
pub use dialect::Dialect;

/// What `cxreport sql contacts` is asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The plan's root folder.
    pub root: PathBuf,
    /// `NAME` in `[import.NAME]`.
    pub recipe: String,
    /// The table holding the log, `name`, `schema.name` or
    /// `catalog.schema.name`: each part is quoted as an identifier.
    pub table: String,
    pub dialect: Dialect,
    /// Print the query listing the contacts `import` would refuse, not the
    /// figures.
    pub problems: bool,
}

/// The query's text, or `None` with the problems (each at its place in
/// cxreport.toml) that stop the recipe being written as SQL. `Err` is an
/// I/O failure, an unknown recipe or table name (exit 2).
pub fn contacts(options: &Options) -> anyhow::Result<Checked<Option<String>>> {
    let root = &options.root;
    let table = table_parts(&options.table)?;
    let (settings, mut diags) =
        crate::plan::settings(root, "the recipes of `cxreport import` are written there")?;
    let Some((config, metrics)) = settings else {
        return Ok((None, diags.sorted()));
    };
    let recipe = crate::import::find(&config, &options.recipe)?;
    let query = render(recipe, &metrics, &table, options, &mut diags);
    Ok((query, diags.sorted()))
}

/// The query of `recipe`, or `None` with its problems in `diags`.
fn render(
    recipe: &Recipe,
    metrics: &[Metric],
    table: &[String],
    options: &Options,
    diags: &mut Diagnostics,
) -> Option<String> {
    let Some(settings) = recipe
        .contacts
        .as_ref()
        .filter(|_| recipe.kind == Kind::Contacts)
    else {
        diags.error(
            CONFIG,
            recipe.pos,
            format!(
                "[import.{}] is a `kpis` recipe: `cxreport sql contacts` writes only `kind = \"contacts\"` recipes, whose log it aggregates",
                recipe.name
            ),
        );
        return None;
    };
    let outputs = outputs(recipe, settings, metrics, CONFIG, diags);
    let log = Log::of(recipe, settings, diags);
    let (outputs, log) = (outputs?, log?);
    let query = Query {
        recipe,
        settings,
        outputs: &outputs,
        log: &log,
        table,
        d: options.dialect,
    };
    Some(if options.problems {
        query.problems()
    } else {
        query.figures()
    })
}

const CONFIG: &str = "cxreport.toml";

/// `a.b.c` as its parts, each a name.
fn table_parts(table: &str) -> anyhow::Result<Vec<String>> {
    let parts: Vec<String> = table.split('.').map(|p| p.trim().to_owned()).collect();
    if parts.iter().any(String::is_empty) || parts.len() > 3 {
        anyhow::bail!(
            "--table {table:?} is not a table's name: write `name`, `schema.name` or `catalog.schema.name`"
        );
    }
    if parts.iter().any(|p| p.chars().any(char::is_control)) {
        anyhow::bail!("--table {table:?} holds control characters, which no table's name has");
    }
    Ok(parts)
}

/// The log's columns as the recipe maps them.
struct Log {
    /// The day's column, and whether it is an instant (`datetime`).
    day: (String, bool),
    outcome: String,
    wait: Option<String>,
    handle: Option<String>,
    /// Each dimension's name and column, by name.
    dims: Vec<(String, String)>,
    /// The zone a `datetime` column's day is taken in.
    zone: String,
}

impl Log {
    /// The columns, or `None` when the recipe maps what SQL cannot mirror
    /// (reported).
    fn of(recipe: &Recipe, settings: &Contacts, diags: &mut Diagnostics) -> Option<Log> {
        let mut ok = true;
        let mut day = None;
        let mut outcome = None;
        let mut wait = None;
        let mut handle = None;
        let mut dims: Vec<(String, String)> = Vec::new();
        for m in &recipe.columns {
            if m.header.contains('\0') || m.target.contains('\0') {
                diags.error(
                    CONFIG,
                    m.pos,
                    "a NUL character cannot be written in SQL: rename the column",
                );
                ok = false;
                continue;
            }
            use crate::data::recipe::ContactField as F;
            match contact_field(&m.target) {
                Some(F::Date) => day = Some((m.header.clone(), false)),
                Some(F::DateTime) => day = Some((m.header.clone(), true)),
                Some(F::Outcome) => outcome = Some(m.header.clone()),
                Some(F::Wait) => wait = Some(m.header.clone()),
                Some(F::Handle) => handle = Some(m.header.clone()),
                None => {
                    if dims.iter().any(|(name, _)| *name == m.target) {
                        // A file's row takes the first non-empty of them,
                        // which no GROUP BY mirrors.
                        diags.error(
                            CONFIG,
                            m.pos,
                            format!(
                                "two columns are mapped to the dimension `{}`: the SQL needs one column per dimension",
                                m.target
                            ),
                        );
                        ok = false;
                    }
                    dims.push((m.target.clone(), m.header.clone()));
                }
            }
        }
        dims.sort();
        for (value, _) in &settings.outcomes {
            if value.contains('\0') {
                diags.error(
                    CONFIG,
                    recipe.pos,
                    "an outcome with a NUL character cannot be written in SQL",
                );
                ok = false;
            }
        }
        let zone = match &settings.timezone {
            None => "UTC".to_owned(),
            Some(tz) => match tz.iana_name() {
                Some(name) => name.to_owned(),
                None => {
                    diags.error(
                        CONFIG,
                        recipe.pos,
                        "`timezone` must be an IANA name (\"Europe/Madrid\") for SQL engines to know it",
                    );
                    ok = false;
                    String::new()
                }
            },
        };
        let (Some(day), Some(outcome), true) = (day, outcome, ok) else {
            return None;
        };
        Some(Log {
            day,
            outcome,
            wait,
            handle,
            dims,
            zone,
        })
    }
}

/// The parts the query is written from.
struct Query<'a> {
    recipe: &'a Recipe,
    settings: &'a Contacts,
    outputs: &'a [Output],
    log: &'a Log,
    table: &'a [String],
    d: Dialect,
}

/// The column names of the query's own steps; quoted like any other.
const DAY: &str = "day";
const OUTCOME: &str = "outcome";
const WAIT: &str = "wait";
const HANDLE: &str = "handle";
const WRITTEN: &str = "outcome_as_written";

impl Query<'_> {
    fn id(&self, name: &str) -> String {
        self.d.ident(name)
    }

    fn lit(&self, text: &str) -> String {
        self.d.literal(text)
    }

    /// The internal name of the `i`th dimension's column.
    fn dim(&self, i: usize) -> String {
        self.id(&format!("dim_{}", i + 1))
    }

    fn table(&self) -> String {
        let parts: Vec<String> = self.table.iter().map(|p| self.id(p)).collect();
        parts.join(".")
    }

    fn double(&self, expr: &str) -> String {
        format!("CAST({expr} AS {})", self.d.double())
    }

    /// The first lines: what the query gives, and how it was made.
    fn head(&self, out: &mut String, what: &str) {
        let name = printable(&self.recipe.name);
        let into = printable(&self.recipe.into);
        let what = what.replace("NAME", &name).replace("INTO", &into);
        let _ = writeln!(
            out,
            "-- {what}\n-- Written by `cxreport sql contacts {name} --dialect {}` (docs/sources.md).",
            self.d.name(),
        );
    }

    /// The day of a contact.
    fn day(&self) -> String {
        let (column, instant) = &self.log.day;
        let column = self.id(column);
        if *instant {
            self.d.local_date(&column, &self.log.zone)
        } else {
            format!("CAST({column} AS DATE)")
        }
    }

    /// The outcome as `import` compares it: trimmed, without accents, in
    /// lower case (`data::recipe::fold`).
    fn folded_outcome(&self) -> String {
        let (from, to) = fold_table();
        format!(
            "LOWER(TRANSLATE(TRIM({}), {}, {}))",
            self.id(&self.log.outcome),
            self.lit(&from),
            self.lit(&to)
        )
    }

    /// The recipe's outcome, as `answered`, `abandoned` or `ignored`; NULL
    /// for a value in none of its lists.
    fn outcome(&self) -> String {
        let mut out = format!("CASE {}", self.folded_outcome());
        for (value, outcome) in &self.settings.outcomes {
            let _ = write!(
                out,
                "\n      WHEN {} THEN {}",
                self.lit(&fold(value)),
                self.lit(outcome_name(*outcome))
            );
        }
        out.push_str("\n    END");
        out
    }

    fn seconds(&self, column: &Option<String>) -> String {
        match column {
            Some(c) => self.double(&self.id(c)),
            None => self.double("NULL"),
        }
    }

    /// The contacts: each one's day, dimension values, outcome and times.
    /// With `written`, also the outcome as written (trimmed).
    fn contacts(&self, out: &mut String, written: bool) {
        let _ = writeln!(out, "{} AS (\n  SELECT", self.id("contacts"));
        let mut columns = vec![format!("    {} AS {}", self.day(), self.id(DAY))];
        for (i, (_, column)) in self.log.dims.iter().enumerate() {
            // A file's cells are trimmed, and an empty one is no value.
            columns.push(format!(
                "    COALESCE(TRIM({}), '') AS {}",
                self.id(column),
                self.dim(i)
            ));
        }
        columns.push(format!("    {} AS {}", self.outcome(), self.id(OUTCOME)));
        if written {
            columns.push(format!(
                "    TRIM({}) AS {}",
                self.id(&self.log.outcome),
                self.id(WRITTEN)
            ));
        }
        columns.push(format!(
            "    {} AS {}",
            self.seconds(&self.log.wait),
            self.id(WAIT)
        ));
        columns.push(format!(
            "    {} AS {}",
            self.seconds(&self.log.handle),
            self.id(HANDLE)
        ));
        let _ = writeln!(out, "{}", columns.join(",\n"));
        let _ = write!(out, "  FROM {}\n)", self.table());
    }

    fn is(&self, outcome: Outcome) -> String {
        format!("{} = {}", self.id(OUTCOME), self.lit(outcome_name(outcome)))
    }

    /// The SQL of a `Leave`: true for the contacts it leaves out.
    fn leaves(&self, leave: Leave) -> Option<String> {
        let wait = self.id(WAIT);
        match leave {
            Leave::Ignored => Some(format!("({})", self.is(Outcome::Ignored))),
            Leave::ShortAbandon => (self.settings.abandon_short_seconds > 0.0).then(|| {
                format!(
                    "({} AND {wait} IS NOT NULL AND {wait} <= {})",
                    self.is(Outcome::Abandoned),
                    number(self.settings.abandon_short_seconds)
                )
            }),
        }
    }

    /// The SQL of an `Over`.
    fn over(&self, over: Over) -> String {
        match over {
            Over::Answered => self.is(Outcome::Answered),
            Over::AnsweredWithin => format!(
                "{} AND {} <= {}",
                self.is(Outcome::Answered),
                self.id(WAIT),
                number(self.settings.service_level_seconds)
            ),
            Over::Abandoned => self.is(Outcome::Abandoned),
        }
    }

    fn adds(&self, adds: Adds) -> String {
        match adds {
            Adds::One => "1".to_owned(),
            Adds::Wait => format!("COALESCE({}, 0)", self.id(WAIT)),
            Adds::Handle => format!("COALESCE({}, 0)", self.id(HANDLE)),
        }
    }

    /// The counts the figures asked for need, in `Count` order.
    fn counts(&self) -> Vec<Count> {
        Count::ALL
            .into_iter()
            .filter(|c| {
                self.outputs.iter().any(|o| {
                    let d = o.figure.definition();
                    d.numerator.contains(c) || d.denominator.contains(c)
                })
            })
            .collect()
    }

    /// A sum of counts, as a double.
    fn sum(&self, counts: &[Count]) -> String {
        let names: Vec<String> = counts.iter().map(|c| self.id(c.name())).collect();
        self.double(&names.join(" + "))
    }

    fn dims_list(&self) -> Vec<String> {
        (0..self.log.dims.len()).map(|i| self.dim(i)).collect()
    }

    /// The query of the daily rows.
    fn figures(&self) -> String {
        let mut out = String::new();
        self.head(
            &mut out,
            "The daily rows `cxreport import NAME` writes into INTO, from a contact log kept as a table.",
        );
        out.push_str(
            "-- Contacts with no day or an outcome in none of the recipe's lists are left out here,\n\
             -- where `cxreport import` refuses the log: `--problems` writes a query that lists them.\n",
        );
        out.push_str("WITH ");
        self.contacts(&mut out, false);
        // Counted: a day, a known outcome (what `import` refuses is left
        // out), and none of the reasons to leave a contact out.
        let _ = write!(
            out,
            ",\n{} AS (\n  SELECT * FROM {}\n  WHERE {} IS NOT NULL AND {} IS NOT NULL",
            self.id("counted"),
            self.id("contacts"),
            self.id(DAY),
            self.id(OUTCOME)
        );
        for leave in Leave::ALL {
            if let Some(sql) = self.leaves(leave) {
                let _ = write!(out, "\n    AND NOT {sql}");
            }
        }
        out.push_str("\n)");
        // Daily counts.
        let dims = self.dims_list();
        let mut keys = vec![self.id(DAY)];
        keys.extend(dims.iter().cloned());
        let _ = write!(
            out,
            ",\n{} AS (\n  SELECT {}",
            self.id("daily"),
            keys.join(", ")
        );
        for count in self.counts() {
            let _ = write!(
                out,
                ",\n    SUM(CASE WHEN {} THEN {} ELSE 0 END) AS {}",
                self.over(count.over()),
                self.adds(count.adds()),
                self.id(count.name())
            );
        }
        let _ = write!(
            out,
            "\n  FROM {}\n  GROUP BY {}\n)\n",
            self.id("counted"),
            keys.join(", ")
        );
        // One branch per figure.
        let mut names = vec![self.id("date")];
        names.extend(self.log.dims.iter().map(|(name, _)| self.id(name)));
        let metric = self.id("metric");
        names.push(metric.clone());
        let mut branches = Vec::new();
        for (n, o) in self.outputs.iter().enumerate() {
            let d = o.figure.definition();
            let numerator = self.sum(d.numerator);
            let scaled = if d.scale == 1.0 {
                numerator
            } else {
                format!("{} * {numerator}", number(d.scale))
            };
            let (mut value, weight, filter) = if d.denominator.is_empty() {
                (scaled, self.double("1"), String::new())
            } else {
                let denominator = self.sum(d.denominator);
                (
                    format!("{scaled} / {denominator}"),
                    denominator.clone(),
                    format!("\n  WHERE {denominator} > 0"),
                )
            };
            if o.per != 1.0 {
                value = format!("{value} / {}", number(o.per));
            }
            let mut columns = keys.clone();
            columns.push(self.lit(&o.metric));
            columns.push(value);
            columns.push(weight);
            if n == 0 {
                let mut aliases = names.clone();
                aliases.push(self.id("value"));
                aliases.push(self.id("weight"));
                columns = columns
                    .iter()
                    .zip(&aliases)
                    .map(|(c, a)| format!("{c} AS {a}"))
                    .collect();
            }
            branches.push(format!(
                "  SELECT {}\n  FROM {}{filter}",
                columns.join(", "),
                self.id("daily")
            ));
        }
        let _ = writeln!(
            out,
            "SELECT * FROM (\n{}\n) AS {}\nORDER BY {};",
            branches.join("\n  UNION ALL\n"),
            self.id("figures"),
            names.join(", ")
        );
        out
    }

    /// The query listing the contacts `import` refuses: outcomes in none
    /// of the lists, no day, times below 0, answered contacts without the
    /// times the figures need. No rows: the figures are the import's.
    fn problems(&self) -> String {
        let mut out = String::new();
        self.head(
            &mut out,
            "The contacts `cxreport import NAME` would refuse, by problem and value, with their count.",
        );
        out.push_str(
            "-- No row: the figures query gives what `cxreport import` would write.\nWITH ",
        );
        self.contacts(&mut out, true);
        let text = |s: &str| format!("CAST({s} AS {})", self.d.text());
        let mut checks = vec![(
            "an outcome in none of the recipe's lists".to_owned(),
            text(&self.id(WRITTEN)),
            format!("{} IS NULL", self.id(OUTCOME)),
        )];
        checks.push((
            "no day".to_owned(),
            text("NULL"),
            format!("{} IS NULL", self.id(DAY)),
        ));
        // `import` reads no time below 0, whatever the outcome.
        let negative: Vec<String> = [(&self.log.wait, WAIT), (&self.log.handle, HANDLE)]
            .into_iter()
            .filter(|(column, _)| column.is_some())
            .map(|(_, name)| format!("{} < 0", self.id(name)))
            .collect();
        if !negative.is_empty() {
            checks.push((
                "a wait or handle time below 0".to_owned(),
                text("NULL"),
                negative.join(" OR "),
            ));
        }
        let figures: Vec<_> = self.outputs.iter().map(|o| o.figure).collect();
        use crate::data::recipe::Figure;
        if figures
            .iter()
            .any(|f| matches!(f, Figure::ServiceLevel | Figure::Asa))
        {
            checks.push((
                "an answered contact without a wait".to_owned(),
                text("NULL"),
                format!(
                    "{} AND {} IS NULL",
                    self.is(Outcome::Answered),
                    self.id(WAIT)
                ),
            ));
        }
        if figures.contains(&Figure::Aht) {
            checks.push((
                "an answered contact without a handle time".to_owned(),
                text("NULL"),
                format!(
                    "{} AND {} IS NULL",
                    self.is(Outcome::Answered),
                    self.id(HANDLE)
                ),
            ));
        }
        let branches: Vec<String> = checks
            .iter()
            .map(|(problem, value, when)| {
                format!(
                    "  SELECT {} AS {}, {value} AS {}\n  FROM {}\n  WHERE {when}",
                    self.lit(problem),
                    self.id("problem"),
                    self.id("value"),
                    self.id("contacts")
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "\nSELECT {p}, {v}, COUNT(*) AS {n} FROM (\n{}\n) AS {}\nGROUP BY {p}, {v}\nORDER BY {p}, {v};",
            branches.join("\n  UNION ALL\n"),
            self.id("problems"),
            p = self.id("problem"),
            v = self.id("value"),
            n = self.id("contacts"),
        );
        out
    }
}

/// A number as SQL reads it: `20`, `2.5`.
fn number(v: f64) -> String {
    format!("{v}")
}

/// Text for a `--` comment: one line, no control characters.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// TRANSLATE's two strings that fold letters as `data::recipe::fold`
/// does: each accented or capital letter of Latin-1 and Latin Extended-A
/// to its folded letter, and their combining accents to nothing
/// (those of a decomposed text). `LOWER` does the rest: SQL engines agree
/// on no Unicode normalisation, but every one has TRANSLATE.
fn fold_table() -> (String, String) {
    let mut from = String::new();
    let mut to = String::new();
    for c in ('\u{C0}'..='\u{17F}').filter(|c| c.is_alphabetic()) {
        let folded = fold(&c.to_string());
        let mut chars = folded.chars();
        if let (Some(f), None) = (chars.next(), chars.next())
            && f != c
        {
            from.push(c);
            to.push(f);
        }
    }
    // The combining accents of these letters last: with nothing to map
    // to, they are removed.
    from.extend(('\u{300}'..='\u{30C}').chain(['\u{327}', '\u{328}']));
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Source;

    /// The query of a recipe of `config` (a cxreport.toml's text) with the
    /// metrics of the `contacts` fixture, or the problems.
    fn sql(config: &str, recipe: &str, dialect: Dialect, problems: bool) -> String {
        let root = std::path::Path::new(".");
        let mut diags = Diagnostics::default();
        let config = crate::config::Config::parse(
            &Source::new("cxreport.toml", config.to_owned()),
            root,
            &mut diags,
        );
        let files = std::sync::Arc::new(std::collections::BTreeMap::new());
        let mut loader = crate::data::Loader::new(root, Some(files), &mut diags);
        let metrics = crate::data::metrics::parse(
            &Source::new(
                "data/metrics.toml",
                include_str!("../tests/fixtures/contacts/data/metrics.toml").to_owned(),
            ),
            &mut loader,
        );
        let recipe = config
            .imports
            .iter()
            .find(|r| r.name == recipe)
            .expect("the recipe");
        let options = Options {
            root: root.to_owned(),
            recipe: recipe.name.clone(),
            table: "dw.contacts".to_owned(),
            dialect,
            problems,
        };
        let table = table_parts(&options.table).expect("a table");
        match render(recipe, &metrics, &table, &options, &mut diags) {
            Some(text) if !diags.has_errors() => text,
            _ => diags
                .sorted()
                .iter()
                .map(|d| format!("{}:{}: {}\n", d.line, d.column, d.message))
                .collect(),
        }
    }

    const FIXTURE: &str = include_str!("../tests/fixtures/contacts/cxreport.toml");

    /// The fold table is long, and the same in every query.
    fn short(sql: &str) -> String {
        let (from, to) = fold_table();
        sql.replace(&from, "…").replace(&to, "…")
    }

    #[test]
    fn each_dialect_s_query() {
        for d in [
            Dialect::Postgres,
            Dialect::Spark,
            Dialect::Trino,
            Dialect::Bigquery,
            Dialect::Duckdb,
            Dialect::Snowflake,
        ] {
            insta::assert_snapshot!(
                format!("figures_{}", d.name()),
                short(&sql(FIXTURE, "calls", d, false))
            );
        }
        insta::assert_snapshot!(
            "problems_postgres",
            short(&sql(FIXTURE, "calls", Dialect::Postgres, true))
        );
    }

    #[test]
    fn recipe_text_never_becomes_sql() {
        let config = r#"
[import.x]
kind = "contacts"
into = "data/kpis/x.csv"
abandon_short_seconds = 2.5
columns = { "D'ay\"`\\" = "date", "R';DROP TABLE t;--" = "outcome", "W" = "wait", "Q`\"" = "it's \"q\"" }
outcomes = { answered = ["a'; DROP TABLE t; --"], abandoned = ["b\\'"], ignored = ["Ç`\""] }
metrics = { service_level = "sla", asa = "asa" }
"#;
        for d in [Dialect::Postgres, Dialect::Bigquery] {
            insta::assert_snapshot!(
                format!("hostile_{}", d.name()),
                short(&sql(config, "x", d, false))
            );
        }
    }

    #[test]
    fn the_fold_table_folds_as_import_does() {
        let (from, to) = fold_table();
        let from: Vec<char> = from.chars().collect();
        let to: Vec<char> = to.chars().collect();
        let translate = |s: &str| -> String {
            s.chars()
                .filter_map(|c| match from.iter().position(|f| *f == c) {
                    Some(i) => to.get(i).copied(),
                    None => Some(c),
                })
                .flat_map(char::to_lowercase)
                .collect()
        };
        for text in [
            "Atendida",
            "ABANDONADA",
            "Llamada de PRUEBA",
            "Colgó",
            "ÑANDÚ",
            "Ærø",
            "e\u{301}te",
            "İstanbul",
        ] {
            assert_eq!(translate(text), fold(text), "{text}");
        }
    }

    #[test]
    fn a_table_name_has_one_to_three_parts() {
        assert_eq!(
            table_parts("dw.contacts").ok(),
            Some(vec!["dw".to_owned(), "contacts".to_owned()])
        );
        assert!(table_parts("a..b").is_err());
        assert!(table_parts("").is_err());
        assert!(table_parts("a.b.c.d").is_err());
    }
}
