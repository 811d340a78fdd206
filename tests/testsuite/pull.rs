//! `cxreport pull` against a real PostgreSQL server (`postgres.rs`): the
//! `pull/` fixture's sources (a wide and a long query through the built-in
//! client, the wide one again through `psql --csv` as a command source)
//! over tables the test loads, every file written canonically and only
//! when it changes; each way a source fails, with its exact message and
//! its file left as it was; and the example plan's own source.

use std::path::Path;
use std::time::SystemTime;

use crate::postgres::{self, Postgres};
use crate::support::Plan;

/// The variable the fixture's sources read their connection string from.
const ENV: &str = "CXREPORT_TEST_DW";

/// `daily.sql` over the `daily` table of `setup.sql`: long, sorted by date
/// and metric, numbers in the one canonical format (`85.30` → `85.3`,
/// `4.500` → `4.5`, `90.00` → `90`).
const DAILY: &str = "\
date,metric,value
2026-10-01,aht,4.5
2026-10-01,contacts,120
2026-10-01,sla,85.3
2026-10-02,aht,4.25
2026-10-02,contacts,98
2026-10-02,sla,90
2026-10-03,aht,5.1
2026-10-03,contacts,143
2026-10-03,sla,77.13
";

/// `queues.sql`: sorted by date, queue and metric, at most six decimals,
/// the NULL value's row left out.
const QUEUES: &str = "\
date,queue,metric,value,weight
2026-10-01,Sales,aht,4.75,35
2026-10-01,Sales,sla,80,35
2026-10-01,Support,sla,0.333333,60
2026-10-02,Sales,sla,88.5,40
";

/// A server with the fixture's tables, and the plan.
fn setup() -> (Postgres, Plan) {
    let pg = Postgres::start();
    let plan = Plan::fixture("pull");
    pg.psql(&plan.read("sources/setup.sql"));
    (pg, plan)
}

fn modified(plan: &Plan, rel: &str) -> (Vec<u8>, SystemTime) {
    let path = plan.path(rel);
    let bytes = std::fs::read(&path).unwrap();
    let time = std::fs::metadata(&path).unwrap().modified().unwrap();
    (bytes, time)
}

/// The environment `psql` finds its server, user and password in, with
/// the server's own `psql` first on PATH.
fn psql_env(pg: &Postgres) -> Vec<(&'static str, String)> {
    let program = pg.psql_program();
    let dir = program.parent().unwrap_or(Path::new("/usr/bin"));
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    vec![
        ("PATH", path),
        ("PGHOST", "127.0.0.1".to_owned()),
        ("PGPORT", pg.port().to_string()),
        ("PGUSER", postgres::USER.to_owned()),
        ("PGPASSWORD", postgres::PASSWORD.to_owned()),
        ("PGDATABASE", postgres::DATABASE.to_owned()),
    ]
}

#[test]
fn a_postgres_source_writes_its_file_canonically_and_only_when_it_changes() {
    let (pg, plan) = setup();
    let url = pg.url();
    let env = [(ENV, url.as_str())];
    let first = plan.run_env(&["pull", "daily", "queues"], &env);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(
        first.stderr,
        "\
daily: wrote data/kpis/daily.csv, 9 rows over 3 days: 3 days added (2026-10-01 to 2026-10-03)
queues: wrote data/kpis/queues.csv, 4 rows over 2 days: 2 days added (2026-10-01 and 2026-10-02)
"
    );
    assert_eq!(plan.read("data/kpis/daily.csv"), DAILY);
    assert_eq!(plan.read("data/kpis/queues.csv"), QUEUES);

    // The same data again: every file byte for byte and untouched.
    let before = [
        modified(&plan, "data/kpis/daily.csv"),
        modified(&plan, "data/kpis/queues.csv"),
    ];
    let again = plan.run_env(&["pull", "daily", "queues"], &env);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.stderr,
        "\
daily: data/kpis/daily.csv is unchanged, 9 rows over 3 days
queues: data/kpis/queues.csv is unchanged, 4 rows over 2 days
"
    );
    let check = plan.run_env(&["pull", "--check", "daily", "queues"], &env);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let after = [
        modified(&plan, "data/kpis/daily.csv"),
        modified(&plan, "data/kpis/queues.csv"),
    ];
    assert_eq!(before, after);

    // A day corrected and a day added in the database: --check says so,
    // exits 1 and writes nothing; pull writes it.
    pg.psql(
        "UPDATE daily SET sla = 79.5 WHERE day = '2026-10-02'; \
         INSERT INTO daily VALUES ('2026-10-04', 88, 4, 101)",
    );
    let drift = plan.run_env(&["pull", "--check", "daily"], &env);
    assert_eq!(drift.code, 1, "{}", drift.stderr);
    assert_eq!(
        drift.stderr,
        "daily: data/kpis/daily.csv would change, 12 rows over 4 days: 1 day added (2026-10-04), 1 day changed (2026-10-02)\n"
    );
    assert_eq!(modified(&plan, "data/kpis/daily.csv"), before[0]);
    let pulled = plan.run_env(&["pull", "daily"], &env);
    assert_eq!(pulled.code, 0, "{}", pulled.stderr);
    assert_eq!(
        pulled.stderr,
        "daily: wrote data/kpis/daily.csv, 12 rows over 4 days: 1 day added (2026-10-04), 1 day changed (2026-10-02)\n"
    );
    let text = plan.read("data/kpis/daily.csv");
    assert!(text.contains("2026-10-02,sla,79.5\n") && text.ends_with("2026-10-04,sla,88\n"));

    // The pulled files are plan files like any other; --quiet says nothing.
    let quiet = plan.run_env(&["pull", "--quiet", "daily", "queues"], &env);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
    let check = plan.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn a_command_source_through_psql_gives_the_same_bytes_as_the_built_in_client() {
    let (pg, plan) = setup();
    let url = pg.url();
    let mut env = psql_env(&pg);
    env.push((ENV, url));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = plan.run_env(&["pull"], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(plan.read("data/kpis/lake.csv"), DAILY);
    assert!(
        run.stderr.ends_with(
            "lake: wrote data/kpis/lake.csv, 9 rows over 3 days: 3 days added (2026-10-01 to 2026-10-03)\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_sources_get_a_hint_and_no_source_is_nothing_to_do() {
    let plan = Plan::fixture("pull");
    let run = plan.run(&["pull", "dialy"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: cxreport.toml has no source [source.dialy]; did you mean `daily`? (its sources: daily, queues, lake)\n"
    );
    // The shipped workflow pulls every day, in plans with no source too.
    plan.write("cxreport.toml", "title = \"No sources\"\n");
    let run = plan.run(&["pull", "--check"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            0,
            "cxreport.toml has no [source.NAME]: nothing to pull (see docs/sources.md)\n"
        )
    );
    let run = plan.run(&["pull", "daily"]);
    assert_eq!(run.code, 2);
}

/// The previous contents of every failing source's file.
const BEFORE: &str = "date,metric,value\n2026-09-30,sla,80\n";

#[test]
fn a_failing_source_leaves_its_file_and_the_others_still_run() {
    let (pg, plan) = setup();
    // A port nothing listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    plan.write(
        "cxreport.toml",
        r#"title = "Failing sources"

[source.refused]
kind = "postgres"
url_env = "CXREPORT_TEST_CLOSED"
query = "sources/daily.sql"
into = "data/kpis/refused.csv"

[source.typo]
kind = "postgres"
url_env = "CXREPORT_TEST_DW"
query = "sources/bad.sql"
into = "data/kpis/typo.csv"

[source.text]
kind = "postgres"
url_env = "CXREPORT_TEST_DW"
query = "sources/text.sql"
into = "data/kpis/text.csv"

[source.unset]
kind = "postgres"
url_env = "CXREPORT_TEST_UNSET"
query = "sources/daily.sql"
into = "data/kpis/unset.csv"

[source.missing]
kind = "command"
command = ["cxreport-no-such-program", "--csv"]
into = "data/kpis/missing.csv"

[source.fails]
kind = "command"
command = ["sh", "-c", "echo 'ERROR:  permission denied for table daily' >&2; echo 'LINE 1: SELECT 1' >&2; exit 3"]
into = "data/kpis/fails.csv"

[source.slow]
kind = "command"
command = ["sleep", "30"]
into = "data/kpis/slow.csv"
timeout = 1

[source.daily]
kind = "postgres"
url_env = "CXREPORT_TEST_DW"
query = "sources/daily.sql"
into = "data/kpis/daily.csv"
"#,
    );
    let failing = [
        "refused", "typo", "text", "unset", "missing", "fails", "slow",
    ];
    for name in failing {
        plan.write(&format!("data/kpis/{name}.csv"), BEFORE);
    }
    let url = pg.url();
    let closed_url = format!(
        "postgres://{}:{}@127.0.0.1:{closed}/{}",
        postgres::USER,
        postgres::PASSWORD,
        postgres::DATABASE
    );
    let started = std::time::Instant::now();
    let run = plan.run_env(
        &["pull"],
        &[(ENV, url.as_str()), ("CXREPORT_TEST_CLOSED", &closed_url)],
    );
    assert!(
        started.elapsed().as_secs() < 20,
        "the timeout did not stop `sleep 30`"
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let stderr = run.stderr.replace(&closed.to_string(), "PORT");
    assert_eq!(
        stderr,
        "\
error: source refused: cannot connect to PostgreSQL at 127.0.0.1:PORT: error connecting to server: Connection refused (os error 111)
Failed refused: data/kpis/refused.csv left as it was
sources/bad.sql:3:6: error: source typo: relation \"dayly\" does not exist
Failed typo: data/kpis/typo.csv left as it was
error: source text: row 2: column 'sla': \"n/a\" is not a number
Failed text: data/kpis/text.csv left as it was
error: source unset: the environment variable CXREPORT_TEST_UNSET is not set: set it to the connection string, such as postgres://user:password@host:5432/database
Failed unset: data/kpis/unset.csv left as it was
error: source missing: cannot run `cxreport-no-such-program`: there is no such program (is it installed and on PATH?)
Failed missing: data/kpis/missing.csv left as it was
error: source fails: `sh` exited with status 3; its stderr:
  | ERROR:  permission denied for table daily
  | LINE 1: SELECT 1
Failed fails: data/kpis/fails.csv left as it was
error: source slow: `sleep` did not finish within 1 second (the source's `timeout`) and was stopped
Failed slow: data/kpis/slow.csv left as it was
daily: wrote data/kpis/daily.csv, 9 rows over 3 days: 3 days added (2026-10-01 to 2026-10-03)
"
    );
    assert!(!run.stderr.contains(postgres::PASSWORD));
    for name in failing {
        assert_eq!(
            plan.read(&format!("data/kpis/{name}.csv")),
            BEFORE,
            "{name}"
        );
    }
    assert_eq!(plan.read("data/kpis/daily.csv"), DAILY);
}

/// The repository's example plan has a source, `[source.dw]`, whose file
/// is committed so that the example builds without a database. Its query
/// run on a real PostgreSQL holding the warehouse table it reads (rebuilt
/// here from the committed rows: contacts are the weights, repeat contacts
/// the rate times the weight) gives the committed file byte for byte. This
/// is the set-up docs/sources.md describes.
#[test]
fn the_example_source_run_on_postgres_gives_its_committed_file() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let plan = Plan::copy_of(repo);
    let committed = std::fs::read_to_string(repo.join("data/kpis/repeat_contacts.csv")).unwrap();
    let mut rows = Vec::new();
    for line in committed.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (date, channel, value, weight) = (cells[0], cells[1], cells[3], cells[4]);
        let contacts: f64 = weight.parse().unwrap();
        let repeats = (value.parse::<f64>().unwrap() * contacts / 100.0).round();
        rows.push(format!("('{date}', '{channel}', {contacts}, {repeats})"));
    }
    let pg = Postgres::start();
    pg.psql(&format!(
        "CREATE TABLE daily_repeat_contacts (day date, channel text, contacts integer, repeat_contacts integer); \
         INSERT INTO daily_repeat_contacts VALUES {};",
        rows.join(", ")
    ));
    std::fs::remove_file(plan.path("data/kpis/repeat_contacts.csv")).unwrap();
    let url = pg.url();
    let run = plan.run_env(&["pull", "dw"], &[("CXREPORT_DW_URL", url.as_str())]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(plan.read("data/kpis/repeat_contacts.csv"), committed);
    let again = plan.run_env(&["pull", "--check"], &[("CXREPORT_DW_URL", url.as_str())]);
    assert_eq!(again.code, 0, "{}", again.stderr);
}

/// Results that are not a valid KPI file, and connections that are
/// refused by the server rather than the network: each source fails with
/// its reason, its file left as it was.
#[test]
fn results_that_are_not_kpi_rows_and_refused_logins_fail_their_source() {
    let (pg, plan) = setup();
    plan.write(
        "cxreport.toml",
        r#"title = "Refused results"

[source.unknown]
kind = "postgres"
url_env = "CXREPORT_TEST_DW"
query = "sources/unknown.sql"
into = "data/kpis/unknown.csv"

[source.empty]
kind = "postgres"
url_env = "CXREPORT_TEST_DW"
query = "sources/empty.sql"
into = "data/kpis/empty.csv"

[source.repeated]
kind = "postgres"
url_env = "CXREPORT_TEST_DW"
query = "sources/repeated.sql"
into = "data/kpis/repeated.csv"

[source.password]
kind = "postgres"
url_env = "CXREPORT_TEST_WRONG"
query = "sources/daily.sql"
into = "data/kpis/password.csv"

[source.tls]
kind = "postgres"
url_env = "CXREPORT_TEST_TLS"
query = "sources/daily.sql"
into = "data/kpis/tls.csv"
"#,
    );
    let names = ["unknown", "empty", "repeated", "password", "tls"];
    for name in names {
        plan.write(&format!("data/kpis/{name}.csv"), BEFORE);
    }
    let url = pg.url();
    let wrong = url.replace(postgres::PASSWORD, "not-the-password");
    let tls = format!("{url}?sslmode=require");
    let env = [
        (ENV, url.as_str()),
        ("CXREPORT_TEST_WRONG", wrong.as_str()),
        ("CXREPORT_TEST_TLS", tls.as_str()),
    ];
    let run = plan.run_env(&["pull", "--check"], &env);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let port = pg.port().to_string();
    assert_eq!(
        run.stderr.replace(&port, "PORT"),
        "\
error: source unknown: row 4: column 'metric': unknown metric `slaa`; did you mean `sla`?
Failed unknown: data/kpis/unknown.csv left as it was
error: source empty: the result has no row with a date and a metric value: nothing to write into data/kpis/empty.csv
Failed empty: data/kpis/empty.csv left as it was
error: source repeated: 3 rows of the result repeat a date, dimension values and metric given before: the query must return one row for each (GROUP BY them)
Failed repeated: data/kpis/repeated.csv left as it was
error: source password: cannot connect to PostgreSQL at 127.0.0.1:PORT: password authentication failed for user \"cxreport\"
Failed password: data/kpis/password.csv left as it was
error: source tls: cannot connect to PostgreSQL at 127.0.0.1:PORT: error performing TLS handshake: server does not support TLS
Failed tls: data/kpis/tls.csv left as it was
"
    );
    assert!(!run.stderr.contains("not-the-password"));
    for name in names {
        assert_eq!(
            plan.read(&format!("data/kpis/{name}.csv")),
            BEFORE,
            "{name}"
        );
    }
}

/// The processes whose command line is exactly `args`.
#[cfg(target_os = "linux")]
fn processes(args: &[&str]) -> Vec<u32> {
    let wanted: Vec<u8> = args.iter().flat_map(|a| a.bytes().chain([0])).collect();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c == wanted))
        .collect()
}

/// A command source runs in a process group of its own (so that a
/// timeout kills what it started), which the terminal's Ctrl-C no longer
/// reaches: `pull` passes it on, and no query is left running.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_stops_the_running_command_too() {
    let plan = Plan::fixture("pull");
    // A duration no other test sleeps, to find this very process.
    let sleep = ["sleep", "41.25"];
    plan.write(
        "cxreport.toml",
        r#"[source.slow]
kind = "command"
command = ["sleep", "41.25"]
into = "data/kpis/slow.csv"
"#,
    );
    let mut pull = std::process::Command::new(env!("CARGO_BIN_EXE_cxreport"))
        .arg("pull")
        .current_dir(&plan.root)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while processes(&sleep).is_empty() {
        assert!(
            started.elapsed().as_secs() < 20,
            "the command never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pull.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = pull.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let stopped = std::time::Instant::now();
    while !processes(&sleep).is_empty() {
        assert!(stopped.elapsed().as_secs() < 10, "`sleep` outlived pull");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!plan.path("data/kpis/slow.csv").exists());
}

/// `PGSSLROOTCERT` names the certificate authority of a server whose
/// certificate the Mozilla roots do not cover; a file with none in it is
/// said so, before any connection.
#[test]
fn a_root_certificate_file_without_certificates_is_refused() {
    let plan = Plan::fixture("pull");
    plan.write("ca.pem", "not a certificate\n");
    let ca = plan.path("ca.pem");
    let run = plan.run_env(
        &["pull", "daily"],
        &[
            (ENV, "postgres://cxreport@127.0.0.1:9/cx?sslmode=require"),
            ("PGSSLROOTCERT", ca.to_str().unwrap()),
        ],
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr.replace(ca.to_str().unwrap(), "CA"),
        "\
error: source daily: cannot read the certificates of PGSSLROOTCERT (CA): it holds no PEM certificate
Failed daily: data/kpis/daily.csv left as it was
"
    );
}

/// `sslmode=require` against the test server with TLS turned on, its
/// certificate (for 127.0.0.1) signed by a certificate authority made
/// here with `openssl`: refused while only the Mozilla roots are trusted,
/// pulled over TLS once `PGSSLROOTCERT` names the authority, as for a
/// cloud database with a CA of its own. The refusal shows that the client
/// did speak TLS to the server.
#[cfg(unix)]
#[test]
fn sslmode_require_connects_over_tls_and_checks_the_certificate() {
    let (pg, plan) = setup();
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("openssl is installed");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=cxreport test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        ]
        .concat(),
    );
    std::fs::write(
        dir.path().join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    // The server may run as the `postgres` user (the tests as root): it
    // must reach the folder and read the key, which it accepts from root
    // with its group's read access only.
    use std::os::unix::fs::PermissionsExt as _;
    let mode =
        |p: &str, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    mode(dir.path().to_str().unwrap(), 0o755);
    mode(&path("server.pem"), 0o644);
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .unwrap()
        .stdout
        == b"0\n";
    if root {
        let out = std::process::Command::new("chown")
            .args(["root:postgres", &path("server.key")])
            .output()
            .unwrap();
        assert!(out.status.success());
        mode(&path("server.key"), 0o640);
    } else {
        mode(&path("server.key"), 0o600);
    }
    pg.psql(&format!(
        "ALTER SYSTEM SET ssl_cert_file = '{}'",
        path("server.pem")
    ));
    pg.psql(&format!(
        "ALTER SYSTEM SET ssl_key_file = '{}'",
        path("server.key")
    ));
    pg.psql("ALTER SYSTEM SET ssl = on");
    pg.psql("SELECT pg_reload_conf()");

    let url = format!("{}?sslmode=require", pg.url());
    let untrusted = plan.run_env(&["pull", "daily"], &[(ENV, url.as_str())]);
    assert_eq!(untrusted.code, 1, "{}", untrusted.stderr);
    assert_eq!(
        untrusted.stderr.replace(&pg.port().to_string(), "PORT"),
        "\
error: source daily: cannot connect to PostgreSQL at 127.0.0.1:PORT: error performing TLS handshake: invalid peer certificate: UnknownIssuer
Failed daily: data/kpis/daily.csv left as it was
"
    );
    let ca = path("ca.pem");
    let trusted = plan.run_env(
        &["pull", "daily"],
        &[(ENV, url.as_str()), ("PGSSLROOTCERT", ca.as_str())],
    );
    assert_eq!(trusted.code, 0, "{}", trusted.stderr);
    assert_eq!(plan.read("data/kpis/daily.csv"), DAILY);
}
