//! `cxreport sql contacts` (issue 20): the query of a contacts recipe, run
//! by real engines on the log loaded as a typed table, gives the rows
//! `cxreport import` writes from the same log as a file. PostgreSQL is a
//! real server (`postgres.rs`); DuckDB and Spark SQL in local mode run
//! through `tests/sql/run.py` with the packages of
//! `tests/sql/requirements.txt`, in the virtual environment `.ci/run`
//! makes (`target/sql-venv`, or the Python named by `CXREPORT_SQL_PYTHON`).
//! A missing engine fails the test, saying what to install.
//!
//! The logs: `tests/fixtures/contacts/` (date-times in a zone with a
//! daylight-saving change, `h:mm:ss` handle times, short abandons,
//! ignored outcomes, outcomes in other case) and
//! `tests/fixtures/contacts-sql/` (quotes, backticks and a backslash in
//! headers, a dimension's name, outcomes and the table's name; accents,
//! decomposed accents and spaces in outcomes; empty dimension values;
//! waits on the thresholds; times in minutes and hours).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::postgres::Postgres;
use crate::support::{Plan, fixtures};

/// A recipe and the log it is tested on.
struct Case {
    fixture: &'static str,
    recipe: &'static str,
}

const CASES: [Case; 3] = [
    Case {
        fixture: "contacts",
        recipe: "calls",
    },
    Case {
        fixture: "contacts-sql",
        recipe: "hostile",
    },
    Case {
        fixture: "contacts-sql",
        recipe: "chats",
    },
];

/// How each log's columns are typed in the table (any other is text):
/// `date` a DATE, `instant` a timestamp with time zone, `seconds` a
/// double.
const TYPES: &[(&str, &str)] = &[
    ("started_at", "instant"),
    ("wait_s", "seconds"),
    ("handle", "seconds"),
    ("Día", "date"),
    ("Inicio", "instant"),
    ("Espera (s)", "seconds"),
    ("Duración", "seconds"),
];

fn type_of(header: &str) -> &'static str {
    TYPES
        .iter()
        .find(|(h, _)| *h == header)
        .map_or("text", |(_, t)| t)
}

/// Rows of the canonical shape, by every column but `value` and `weight`
/// (the header's names included), with those two as numbers.
type Rows = BTreeMap<Vec<String>, (f64, f64)>;

fn parse(csv_text: &str, what: &str) -> Rows {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let value = header.iter().position(|h| h == "value").unwrap_or_else(|| {
        panic!("{what} has no `value` column: {header:?}\n{csv_text}");
    });
    let weight = header.iter().position(|h| h == "weight");
    let mut rows = Rows::new();
    for record in reader.records() {
        let record = record.unwrap();
        let mut key: Vec<String> = Vec::new();
        for (i, (name, cell)) in header.iter().zip(record.iter()).enumerate() {
            if i != value && Some(i) != weight {
                key.push(format!("{name}={cell}"));
            }
        }
        let number = |i: usize| -> f64 {
            record[i]
                .parse()
                .unwrap_or_else(|_| panic!("{what}: {:?} is no number", &record[i]))
        };
        let v = number(value);
        let w = weight.map_or(1.0, number);
        assert!(
            rows.insert(key.clone(), (v, w)).is_none(),
            "{what}: {key:?} twice"
        );
    }
    rows
}

/// A number as canonical files write it: six decimals at most.
fn six(v: f64) -> String {
    format!("{:.6}", (v * 1e6).round() / 1e6)
}

/// Fails, naming every difference, unless both have the same rows with the
/// same values and weights to six decimals.
fn assert_same(engine: &str, case: &Case, imported: &Rows, queried: &Rows) {
    let mut problems = Vec::new();
    for (key, (v, w)) in imported {
        match queried.get(key) {
            None => problems.push(format!("missing {key:?}")),
            Some((qv, qw)) => {
                let close = |a: f64, b: f64| six(a) == six(b) || (a - b).abs() < 1e-9;
                if !close(*v, *qv) || !close(*w, *qw) {
                    problems.push(format!("{key:?}: import {v} ({w}), {engine} {qv} ({qw})"));
                }
            }
        }
    }
    for key in queried.keys().filter(|k| !imported.contains_key(*k)) {
        problems.push(format!("extra {key:?}"));
    }
    assert!(
        problems.is_empty(),
        "{engine}, recipe {}: {} of {} rows differ:\n{}",
        case.recipe,
        problems.len(),
        imported.len(),
        problems[..problems.len().min(20)].join("\n")
    );
    assert!(imported.len() > 50, "too few rows to compare");
}

/// The rows `cxreport import` writes from the case's log.
fn imported(case: &Case) -> Rows {
    let plan = Plan::fixture(case.fixture);
    let log = fixtures().join(case.fixture).join("log.csv");
    let run = plan.run(&["import", case.recipe, log.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let into = format!("data/kpis/{}.csv", case.recipe);
    parse(&plan.read(&into), &into)
}

/// The query `cxreport sql contacts` prints.
fn query(case: &Case, table: &str, dialect: &str, extra: &[&str]) -> String {
    let plan = Plan::fixture(case.fixture);
    let mut args = vec![
        "sql",
        "contacts",
        case.recipe,
        "--table",
        table,
        "--dialect",
        dialect,
    ];
    args.extend(extra);
    let run = plan.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    run.stdout
}

/// `h:mm:ss` as seconds; anything else as written.
fn seconds(cell: &str) -> String {
    let parts: Vec<&str> = cell.split(':').collect();
    match parts.as_slice() {
        [h, m, s] => {
            let n = |t: &str| t.parse::<u64>().unwrap();
            (n(h) * 3600 + n(m) * 60 + n(s)).to_string()
        }
        _ => cell.to_owned(),
    }
}

/// The fixture's log as the table holds it: durations as numbers of
/// seconds (a database keeps a number, not a spreadsheet's text). The
/// other cells are as written.
fn typed_log(fixture: &str, dir: &Path) -> PathBuf {
    let path = fixtures().join(fixture).join("log.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let out_path = dir.join(format!("{fixture}.csv"));
    let mut out = csv::Writer::from_path(&out_path).unwrap();
    out.write_record(&header).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        let cells: Vec<String> = header
            .iter()
            .zip(record.iter())
            .map(|(h, c)| {
                if type_of(h) == "seconds" {
                    seconds(c)
                } else {
                    c.to_owned()
                }
            })
            .collect();
        out.write_record(&cells).unwrap();
    }
    out.flush().unwrap();
    out_path
}

/// The Python of the virtual environment with tests/sql/requirements.txt.
fn python() -> PathBuf {
    let path = std::env::var_os("CXREPORT_SQL_PYTHON").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/sql-venv/bin/python"),
        PathBuf::from,
    );
    assert!(
        path.is_file(),
        "{} is missing: make the virtual environment of the SQL tests with \
         `python3 -m venv target/sql-venv && target/sql-venv/bin/pip install -r tests/sql/requirements.txt` \
         (.ci/run does), or name its python in CXREPORT_SQL_PYTHON",
        path.display()
    );
    path
}

/// Runs `tests/sql/run.py ENGINE` on (log, query) pairs, all in one
/// process; the results as CSV texts.
fn run_py(engine: &str, jobs: &[(PathBuf, String)], dir: &Path) -> Vec<String> {
    let types: serde_json::Map<String, serde_json::Value> = TYPES
        .iter()
        .map(|(h, t)| ((*h).to_owned(), serde_json::Value::from(*t)))
        .collect();
    let mut command = Command::new(python());
    command
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sql/run.py"))
        .args([
            engine,
            "--types",
            &serde_json::Value::Object(types).to_string(),
        ]);
    let mut outputs = Vec::new();
    for (i, (log, sql)) in jobs.iter().enumerate() {
        let query = dir.join(format!("{engine}-{i}.sql"));
        std::fs::write(&query, sql).unwrap();
        command.arg(log).arg(&query);
        outputs.push(dir.join(format!("{engine}-{i}.csv")));
    }
    if jobs.len() == 1 {
        // One pair prints its result; make it two so every result is a file.
        command
            .arg(&jobs[0].0)
            .arg(dir.join(format!("{engine}-0.sql")));
    }
    let out = command.output().expect("python runs");
    assert!(
        out.status.success(),
        "tests/sql/run.py {engine} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    outputs
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Each case's query for `dialect` run by `engine` on its log, compared with
/// what `import` writes.
fn check_engine(engine: &str, dialect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let jobs: Vec<(PathBuf, String)> = CASES
        .iter()
        .map(|case| {
            (
                typed_log(case.fixture, dir.path()),
                query(case, "contacts", dialect, &[]),
            )
        })
        .collect();
    let results = run_py(engine, &jobs, dir.path());
    for (case, result) in CASES.iter().zip(&results) {
        assert_same(engine, case, &imported(case), &parse(result, engine));
    }
}

/// The columns of a PostgreSQL table for the typed log at `log`: its
/// header's names, quoted, with their types.
fn table_columns(log: &Path) -> Vec<String> {
    let mut reader = csv::Reader::from_path(log).unwrap();
    reader
        .headers()
        .unwrap()
        .iter()
        .map(|h| {
            let ty = match type_of(h) {
                "date" => "date",
                "instant" => "timestamptz",
                "seconds" => "double precision",
                _ => "text",
            };
            format!("\"{}\" {ty}", h.replace('"', "\"\""))
        })
        .collect()
}

#[test]
fn postgres_gives_the_rows_import_writes() {
    let pg = Postgres::start();
    let dir = tempfile::tempdir().unwrap();
    // A schema and a table whose name needs quoting.
    pg.psql("CREATE SCHEMA cx");
    let table = "cx.contact \"log\" 'x'";
    for case in &CASES {
        let log = typed_log(case.fixture, dir.path());
        let columns = table_columns(&log);
        let quoted = "cx.\"contact \"\"log\"\" 'x'\"";
        pg.psql(&format!("DROP TABLE IF EXISTS {quoted}"));
        pg.psql(&format!("CREATE TABLE {quoted} ({})", columns.join(", ")));
        pg.psql(&format!(
            "\\copy {quoted} FROM '{}' WITH (FORMAT csv, HEADER true)",
            log.display()
        ));
        let sql = query(case, table, "postgres", &[]);
        let file = dir.path().join("query.sql");
        std::fs::write(&file, &sql).unwrap();
        let out = Command::new(pg.psql_program())
            .args([
                "-X",
                "-q",
                "--csv",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &pg.url(),
                "-f",
            ])
            .arg(&file)
            // Not UTC, so that a query depending on the session's zone fails.
            .env("PGTZ", "America/Los_Angeles")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql failed:\n{}\n{sql}",
            String::from_utf8_lossy(&out.stderr)
        );
        let result = String::from_utf8(out.stdout).unwrap();
        assert_same("postgres", case, &imported(case), &parse(&result, "psql"));
    }
}

/// The whole path of a log kept in a database: the recipe's query, written
/// by `cxreport sql contacts` into the plan and run by `cxreport pull` as a
/// `postgres` source and as a `command` source (`psql --csv`), gives the
/// file `cxreport import` writes from the same log as a file, byte for byte.
#[test]
fn pull_of_the_recipe_s_query_writes_import_s_file() {
    let pg = Postgres::start();
    let dir = tempfile::tempdir().unwrap();
    let case = &CASES[0];
    let log = typed_log(case.fixture, dir.path());
    pg.psql(&format!(
        "CREATE TABLE contacts ({})",
        table_columns(&log).join(", ")
    ));
    pg.psql(&format!(
        "\\copy contacts FROM '{}' WITH (FORMAT csv, HEADER true)",
        log.display()
    ));

    let imported = Plan::fixture(case.fixture);
    let export = fixtures().join(case.fixture).join("log.csv");
    let run = imported.run(&["import", case.recipe, export.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = imported.read("data/kpis/calls.csv");

    let plan = Plan::fixture(case.fixture);
    let sql = query(case, "contacts", "postgres", &[]);
    plan.write("sources/calls.sql", &sql);
    let psql = pg.psql_program();
    let config = format!(
        "{}\n[source.dw]\nkind = \"postgres\"\nurl_env = \"CXREPORT_TEST_DW\"\n\
         query = \"sources/calls.sql\"\ninto = \"data/kpis/dw.csv\"\n\n\
         [source.psql]\nkind = \"command\"\ncommand = [{:?}, \"-X\", \"-q\", \"--csv\", \"-v\", \"ON_ERROR_STOP=1\", \
         \"-h\", \"127.0.0.1\", \"-p\", \"{}\", \"-U\", {:?}, \"-d\", {:?}, \"-f\", \"sources/calls.sql\"]\n\
         into = \"data/kpis/psql.csv\"\n",
        plan.read("cxreport.toml"),
        psql.to_str().unwrap(),
        pg.port(),
        crate::postgres::USER,
        crate::postgres::DATABASE,
    );
    plan.write("cxreport.toml", &config);
    let url = pg.url();
    let env = [
        ("CXREPORT_TEST_DW", url.as_str()),
        ("PGPASSWORD", crate::postgres::PASSWORD),
        ("PGTZ", "America/Los_Angeles"),
    ];
    let run = plan.run_env(&["pull"], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(plan.read("data/kpis/dw.csv"), expected, "postgres source");
    assert_eq!(plan.read("data/kpis/psql.csv"), expected, "command source");
    let again = plan.run_env(&["pull", "--check"], &env);
    assert_eq!(again.code, 0, "{}", again.stderr);
}

#[test]
fn duckdb_gives_the_rows_import_writes() {
    check_engine("duckdb", "duckdb");
}

#[test]
fn spark_gives_the_rows_import_writes() {
    check_engine("spark", "spark");
}

#[test]
fn problems_lists_the_contacts_import_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let case = &CASES[0];
    // Unknown outcomes, an answered call with no wait, a wait below 0, a
    // call with no day: import
    // refuses the log, the figures' query leaves them out, and the
    // problems' query lists them.
    let log = dir.path().join("log.csv");
    std::fs::write(
        &log,
        "contact_id,started_at,queue,customer_name,phone,wait_s,handle,result\n\
         1,2026-10-01T08:00:00Z,sales,A,1,10,60,answered\n\
         2,2026-10-01T08:01:00Z,sales,A,1,10,60,transferred\n\
         3,2026-10-01T08:02:00Z,sales,A,1,10,60, Transferred \n\
         4,2026-10-01T08:03:00Z,sales,A,1,,60,answered\n\
         5,2026-10-01T08:04:00Z,sales,A,1,10,60,\n\
         6,2026-10-01T08:05:00Z,sales,A,1,-1,60,abandoned\n\
         7,,sales,A,1,10,60,answered\n",
    )
    .unwrap();
    let plan = Plan::fixture(case.fixture);
    let run = plan.run(&["import", case.recipe, log.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let problems = query(case, "contacts", "duckdb", &["--problems"]);
    let results = run_py("duckdb", &[(log, problems)], dir.path());
    assert_eq!(
        results[0],
        "problem,value,contacts\n\
         a wait or handle time below 0,,1\n\
         an answered contact without a wait,,1\n\
         an outcome in none of the recipe's lists,Transferred,1\n\
         an outcome in none of the recipe's lists,transferred,1\n\
         an outcome in none of the recipe's lists,,1\n\
         no day,,1\n"
    );
}

#[test]
fn what_sql_cannot_write_is_refused_with_its_place() {
    let plan = Plan::fixture("contacts-sql");
    let config = plan.read("cxreport.toml");
    plan.write(
        "cxreport.toml",
        &format!(
            "{config}\n[import.daily]\nkind = \"kpis\"\ninto = \"data/kpis/daily.csv\"\ncolumns = {{ Day = \"date\" }}\n\n\
             [import.twice]\nkind = \"contacts\"\ninto = \"data/kpis/twice.csv\"\n\
             columns = {{ D = \"date\", R = \"outcome\", Q1 = \"queue\", Q2 = \"queue\" }}\n\
             outcomes = {{ answered = [\"a\"] }}\nmetrics = {{ offered = \"contacts\" }}\n"
        ),
    );
    let sql = |args: &[&str]| {
        let mut all = vec!["sql", "contacts"];
        all.extend(args);
        plan.run(&all)
    };
    // Refused with `code` and `message` on stderr, and nothing on stdout.
    let refused = |args: &[&str], code: i32, message: &str| {
        let run = sql(args);
        assert_eq!((run.code, run.stdout.as_str()), (code, ""), "{args:?}");
        assert!(run.stderr.contains(message), "{}", run.stderr);
    };
    refused(
        &["daily", "--table", "t"],
        1,
        "[import.daily] is a `kpis` recipe: `cxreport sql contacts` writes only `kind = \"contacts\"` recipes, whose log it aggregates",
    );
    refused(
        &["twice", "--table", "t"],
        1,
        "two columns are mapped to the dimension `queue`: the SQL needs one column per dimension",
    );
    refused(
        &["hostil", "--table", "t"],
        2,
        "cxreport.toml has no recipe [import.hostil]; did you mean `hostile`?",
    );
    refused(
        &["hostile", "--table", "a..b"],
        2,
        "--table \"a..b\" is not a table's name",
    );
    let run = sql(&["hostile", "--table", "t", "--dialect", "oracle"]);
    assert_eq!(run.code, 2);
}

/// The section `## The contacts recipe as SQL` of docs/sources.md.
fn docs_section() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sources.md");
    let heading = "## The contacts recipe as SQL";
    let text = std::fs::read_to_string(path).unwrap();
    let start = text.find(heading).expect("docs/sources.md has the section");
    let rest = &text[start + heading.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].to_owned()
}

#[test]
fn the_docs_show_each_dialect_s_query_as_it_is_written() {
    let section = docs_section();
    let blocks: Vec<&str> = section
        .split("```sql\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    let mut shown = Vec::new();
    for block in blocks {
        let dialect = block
            .split("--dialect ")
            .nth(1)
            .and_then(|rest| rest.split(['`', ' ']).next())
            .expect("the query names its dialect");
        assert_eq!(
            block,
            query(&CASES[0], "contacts", dialect, &[]),
            "docs: the {dialect} query"
        );
        shown.push(dialect.to_owned());
    }
    assert_eq!(
        shown,
        [
            "postgres",
            "spark",
            "trino",
            "bigquery",
            "duckdb",
            "snowflake"
        ]
    );
}
