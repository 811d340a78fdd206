//! `[source.NAME]` in `cxreport.toml`: where `cxreport pull` gets a KPI
//! file's rows from, a PostgreSQL query (`kind = "postgres"`) or any
//! program that prints CSV (`kind = "command"`), and the canonical file
//! under `data/kpis/` it writes them into.
//!
//! Layer 1 (records): this only reads and checks the sources, every
//! problem at its place in `cxreport.toml`, so that `check` reports a
//! broken source like any other key. Credentials never belong here, as the
//! file is kept in git: a `url`, a `password`, or a connection string with
//! a password in any value is refused at its line, naming the environment
//! variable to use instead. Running the sources is `pull` (layer 6).

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::notify::is_variable;
use crate::data::de::{Node, TomlFile};
use crate::diag::Pos;

/// How long a source may run when `timeout` is not set: ten minutes, long
/// enough for a warehouse's daily roll-up of a year, short enough that a
/// scheduled job that hangs is noticed the same morning.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// What runs the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runner {
    /// The built-in PostgreSQL client.
    Postgres {
        /// The environment variable holding the connection string.
        url_env: String,
        /// The SQL file, relative to the plan root, with `/`.
        query: String,
    },
    /// A program and its arguments, run with no shell in the plan's
    /// folder; it prints CSV with a header on stdout.
    Command { argv: Vec<String> },
}

/// One checked source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub name: String,
    pub runner: Runner,
    /// Relative to the plan root, with `/`: a `.csv` below `data/kpis/`.
    pub into: String,
    /// Where `into` is written, for a file written twice.
    pub into_pos: Pos,
    pub timeout: Duration,
    /// Where `[source.NAME]` starts.
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Postgres,
    Command,
}

/// The keys of [`RawSource`], for the hint a misspelt one gets.
const FIELDS: &[&str] = &["kind", "into", "query", "url_env", "command", "timeout"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    kind: Kind,
    into: Spanned<String>,
    query: Option<Spanned<String>>,
    url_env: Option<Spanned<String>>,
    command: Option<Spanned<Vec<String>>>,
    timeout: Option<Spanned<u64>>,
}

/// The environment variable a source's connection string is suggested in:
/// `CXREPORT_DW_URL` for `[source.dw]`.
pub fn suggested_env(name: &str) -> String {
    let upper: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("CXREPORT_{upper}_URL")
}

/// Whether `text` carries a password: a URL with `user:password@`, or a
/// `password=` / `pwd=` setting of a key-value connection string.
pub fn has_password(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if lower.contains("password=") || lower.contains("pwd=") {
        return true;
    }
    if let Some((_, rest)) = text.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            return userinfo.contains(':');
        }
    }
    false
}

/// Takes `[source]` out of `cxreport.toml` and reads every source in it;
/// each problem is reported, and a source with any is left out.
pub fn take<'s>(
    file: &mut TomlFile<'s>,
    root: &mut Node<'s>,
    plan_root: &std::path::Path,
) -> Vec<Source> {
    let DeValue::Table(table) = root.get_mut() else {
        return Vec::new();
    };
    let Some(node) = table.remove("source") else {
        return Vec::new();
    };
    let DeValue::Table(entries) = node.into_inner() else {
        return Vec::new();
    };
    let mut sources = Vec::new();
    for (name, mut value) in entries {
        let at = value.span().start;
        let name = name.get_ref().to_string();
        let DeValue::Table(keys) = value.get_mut() else {
            file.error(
                at,
                format!("`source.{name}` must be a table, written [source.{name}]"),
            );
            continue;
        };
        let before = file.diags.error_count();
        // Keys already reported, missing or not: refused ones, and those a
        // misspelt key stands for.
        let mut reported = refuse_secrets(file, &name, keys);
        for key in keys.keys() {
            let key = key.get_ref();
            if !FIELDS.contains(&key.as_ref()) {
                reported.extend(crate::diag::did_you_mean(key, FIELDS.iter().copied()));
            }
        }
        let what = format!("[source.{name}]");
        let Some(raw) = file.record::<RawSource>(value, &what) else {
            continue;
        };
        let source = check(file, name, raw, at, plan_root, &reported);
        if file.diags.error_count() == before {
            sources.extend(source);
        }
    }
    // TOML tables come back sorted by key: `pull` runs and reports the
    // sources in the order the file lists them.
    sources.sort_by_key(|s| s.pos);
    sources
}

/// Secrets in a file end up in git: refused where they are written, with
/// the environment variable to use instead. Returns the keys whose
/// absence the refusal already explains (`url_env` for a `url`).
fn refuse_secrets(
    file: &mut TomlFile<'_>,
    name: &str,
    keys: &mut toml::de::DeTable<'_>,
) -> Vec<&'static str> {
    let mut reported = Vec::new();
    let env = suggested_env(name);
    for key in ["url", "password", "connection", "dsn"] {
        if let Some((k, _)) = keys.get_key_value(key) {
            let at = k.span().start;
            keys.remove(key);
            reported.push("url_env");
            file.error(
                at,
                format!(
                    "`{key}` does not belong in cxreport.toml, which is kept in git: put the connection string in an environment variable and name it here, such as `url_env = \"{env}\"`"
                ),
            );
        }
    }
    let mut found = Vec::new();
    for (key, value) in keys.iter() {
        let texts: Vec<(usize, &str)> = match value.get_ref() {
            DeValue::String(s) => vec![(value.span().start, s.as_ref())],
            DeValue::Array(items) => items
                .iter()
                .filter_map(|i| match i.get_ref() {
                    DeValue::String(s) => Some((i.span().start, s.as_ref())),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for (at, text) in texts {
            if has_password(text) {
                found.push((at, key.get_ref().to_string()));
            }
        }
    }
    for (at, key) in found {
        let instead = if key == "command" {
            "a command inherits the environment: give it the password there (PGPASSWORD for psql, or the program's own variable)".to_owned()
        } else {
            format!(
                "put the connection string in an environment variable and name it with `url_env = \"{env}\"`"
            )
        };
        file.error(
            at,
            format!("`{key}` holds a password, which does not belong in cxreport.toml, kept in git: {instead}"),
        );
        if let Some(known) = FIELDS.iter().find(|f| **f == key) {
            reported.push(known);
        }
        keys.remove(key.as_str());
    }
    reported
}

/// The checks serde cannot make.
fn check(
    file: &mut TomlFile<'_>,
    name: String,
    raw: RawSource,
    at: usize,
    plan_root: &std::path::Path,
    reported: &[&str],
) -> Option<Source> {
    let missing = |key: &str| !reported.contains(&key);
    let into = crate::data::recipe::check_into(file, &raw.into);
    let timeout = match &raw.timeout {
        None => Some(DEFAULT_TIMEOUT),
        Some(t) if (1..=86_400).contains(t.get_ref()) => Some(Duration::from_secs(*t.get_ref())),
        Some(t) => {
            file.error(
                t.span().start,
                "`timeout` must be a number of seconds from 1 to 86400, such as 600",
            );
            None
        }
    };
    let runner = match raw.kind {
        Kind::Postgres => {
            if let Some(c) = &raw.command {
                file.error(
                    c.span().start,
                    "`command` is for `kind = \"command\"` sources; a `postgres` source runs its `query` itself",
                );
            }
            let url_env = match &raw.url_env {
                None if !missing("url_env") => None,
                None => {
                    file.error(
                        at,
                        format!(
                            "a postgres source needs `url_env`, the environment variable holding its connection string, such as `url_env = \"{}\"`",
                            suggested_env(&name)
                        ),
                    );
                    None
                }
                Some(v) if is_variable(v.get_ref()) => Some(v.get_ref().clone()),
                Some(v) => {
                    file.error(
                        v.span().start,
                        format!(
                            "`url_env` {:?} is not an environment variable's name: write one such as \"{}\" (letters, digits and _)",
                            v.get_ref(),
                            suggested_env(&name)
                        ),
                    );
                    None
                }
            };
            let query = match &raw.query {
                None if !missing("query") => None,
                None => {
                    file.error(
                        at,
                        "a postgres source needs `query`, the SQL file it runs, such as `query = \"sources/daily.sql\"`",
                    );
                    None
                }
                Some(q) => check_query(file, q, plan_root),
            };
            url_env
                .zip(query)
                .map(|(url_env, query)| Runner::Postgres { url_env, query })
        }
        Kind::Command => {
            for (key, value) in [
                ("query", raw.query.as_ref().map(|v| v.span().start)),
                ("url_env", raw.url_env.as_ref().map(|v| v.span().start)),
            ] {
                if let Some(v) = value {
                    file.error(
                        v,
                        format!("`{key}` is for `kind = \"postgres\"` sources; a command source names its files and settings in `command`"),
                    );
                }
            }
            match &raw.command {
                Some(c) if c.get_ref().first().is_some_and(|p| !p.trim().is_empty()) => {
                    Some(Runner::Command {
                        argv: c.get_ref().clone(),
                    })
                }
                Some(c) => {
                    file.error(
                        c.span().start,
                        "`command` must start with the program to run, such as [\"psql\", \"--csv\", \"-f\", \"sources/daily.sql\"]",
                    );
                    None
                }
                None if !missing("command") => None,
                None => {
                    file.error(
                        at,
                        "a command source needs `command`, the program and its arguments, such as `command = [\"psql\", \"--csv\", \"-f\", \"sources/daily.sql\"]`",
                    );
                    None
                }
            }
        }
    };
    Some(Source {
        name,
        runner: runner?,
        into: into?,
        into_pos: file.pos(raw.into.span().start),
        timeout: timeout?,
        pos: file.pos(at),
    })
}

/// `query` is a file of the plan, so that it is reviewed and versioned
/// with the rest.
fn check_query(
    file: &mut TomlFile<'_>,
    query: &Spanned<String>,
    plan_root: &std::path::Path,
) -> Option<String> {
    let path = query.get_ref().replace('\\', "/");
    let inside = !path.starts_with('/')
        && !path.is_empty()
        && !path
            .split('/')
            .any(|p| p == ".." || p == "." || p.is_empty());
    if !inside {
        file.error(
            query.span().start,
            format!(
                "`query` must be the path of a SQL file inside the plan, such as \"sources/daily.sql\", not {:?}",
                query.get_ref()
            ),
        );
        return None;
    }
    // A warning: the build never runs the query, and a copy of the plan
    // without its sources/ (a demo, a partial checkout) still builds.
    if !plan_root.join(&path).is_file() {
        file.warning(
            query.span().start,
            format!("there is no file {path} (relative paths start at the plan's folder): `cxreport pull` cannot run this source until it is there"),
        );
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::parse;

    #[test]
    fn sources_are_read_in_the_files_order_and_their_files_are_canonical() {
        let (config, problems) = parse(
            r#"
[source.zeta]
kind = "command"
command = ["duckdb", "-csv", "-c", ".read sources/x.sql"]
into = "data/kpis/zeta.csv"
timeout = 30

[source.alpha]
kind = "postgres"
url_env = "CXREPORT_DW_URL"
query = "sources/repeat_contacts.sql"
into = "data/kpis/alpha.csv"
"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["zeta", "alpha"]);
        assert_eq!(config.sources[0].timeout, Duration::from_secs(30));
        assert_eq!(config.sources[1].timeout, DEFAULT_TIMEOUT);
        assert_eq!(
            config.sources[1].runner,
            Runner::Postgres {
                url_env: "CXREPORT_DW_URL".to_owned(),
                query: "sources/repeat_contacts.sql".to_owned(),
            }
        );
        assert_eq!(
            config.dialect_of("data/kpis/zeta.csv"),
            crate::data::dialect::Dialect::CANONICAL
        );
    }

    #[test]
    fn a_password_in_a_key_value_connection_string_is_refused_at_its_value() {
        let (config, problems) = parse(
            "[source.dw]\nkind = \"postgres\"\nurl_env = \"CXREPORT_DW_URL\"\nquery = \"sources/repeat_contacts.sql\"\ninto = \"data/kpis/dw.csv\"\nsslmode = \"host=db password=x\"\n",
        );
        assert!(config.sources.is_empty());
        assert_eq!(
            problems,
            [
                "6:11: `sslmode` holds a password, which does not belong in cxreport.toml, kept in git: put the connection string in an environment variable and name it with `url_env = \"CXREPORT_DW_URL\"`"
            ]
        );
    }

    #[test]
    fn passwords_are_found_in_urls_and_settings() {
        assert!(has_password("postgres://ana:pw@db.example.com/cx"));
        assert!(has_password("host=db user=ana password=pw"));
        assert!(has_password("Server=x;Pwd=pw"));
        assert!(!has_password("postgres://ana@db.example.com/cx"));
        assert!(!has_password("postgres://db.example.com:5432/cx"));
        assert!(!has_password("sources/daily.sql"));
        assert_eq!(suggested_env("dw-eu"), "CXREPORT_DW_EU_URL");
    }
}
