//! `cxreport pull [NAME…]`: runs the sources of `cxreport.toml`
//! (`[source.NAME]`, see `config::source`) and writes each result into its
//! canonical KPI file, so that refreshing a plan's numbers from the
//! database or warehouse that holds them is one reviewable step.
//!
//! Layer 6 (commands), a short list of steps per source: run it (the
//! built-in PostgreSQL client, or a program that prints CSV), read its
//! CSV as any plan KPI file is read (`data::kpis`, against the metric
//! catalogue), and write it through the one canonical writer that
//! `import` uses (`data::imported`): atomically, and only when its bytes
//! change. The result replaces the file whole: the source is the truth
//! for the file it writes. A source that fails leaves its file as it was,
//! and the others still run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::config::Config;
use crate::config::source::{Runner, Source};
use crate::data::imported::Rows;
use crate::data::{self, Loader, metrics};
use crate::diag::{Checked, Diagnostics, Pos};

/// What `cxreport pull` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The plan's root folder.
    pub root: PathBuf,
    /// The sources to run, `NAME` in `[source.NAME]`; empty: all of them.
    pub names: Vec<String>,
    /// Write nothing; say what would change.
    pub check: bool,
}

/// What one source gave.
#[derive(Debug, Clone)]
pub struct SourceReport {
    pub name: String,
    /// The canonical file, relative to the plan root.
    pub into: String,
    /// `None` when the source failed (its problems are in the
    /// diagnostics, and its file was left as it was).
    pub outcome: Option<Outcome>,
    /// Its problems (errors fail it; warnings do not), printed with its
    /// line so that each source's story reads in one place.
    pub problems: Vec<crate::diag::Diagnostic>,
    /// A failed command's standard error, to show under its problem.
    pub stderr: String,
}

/// What a source that ran did to its file.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Lines of the canonical file, without its header.
    pub rows: usize,
    pub days: usize,
    /// Whether the file's bytes change (and, without `--check`, were
    /// written).
    pub changed: bool,
    /// Dates the file did not have.
    pub added: BTreeSet<Date>,
    /// Dates it had, with other rows.
    pub changed_days: BTreeSet<Date>,
    /// Dates it had that the result lacks.
    pub removed: BTreeSet<Date>,
}

/// What a pull did, source by source, in the order of `cxreport.toml`.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub sources: Vec<SourceReport>,
}

impl Report {
    /// Whether any source failed.
    pub fn failed(&self) -> bool {
        self.sources.iter().any(|s| s.outcome.is_none())
    }

    /// Whether any file changed (or, with `--check`, would).
    pub fn changed(&self) -> bool {
        self.sources
            .iter()
            .any(|s| s.outcome.as_ref().is_some_and(|o| o.changed))
    }
}

/// Runs the pull. `Err` is an I/O failure or an unknown source (exit 2);
/// problems with `cxreport.toml` come back as diagnostics with `None`,
/// and a source's problems in its own report.
pub fn pull(options: &Options) -> anyhow::Result<Checked<Option<Report>>> {
    let root = &options.root;
    if !root.is_dir() {
        anyhow::bail!("{} is not a directory", root.display());
    }
    let mut diags = Diagnostics::default();
    let (config, metrics) = settings(root, &mut diags)?;
    if diags.has_errors() {
        return Ok((None, diags.sorted()));
    }
    let chosen = choose(&config, &options.names)?;
    command::stop_on_interrupt();
    let mut report = Report::default();
    for source in chosen {
        let mut own = Diagnostics::default();
        let (outcome, stderr) = match run(root, source, &metrics, options.check, &mut own) {
            Ok(outcome) => (outcome, String::new()),
            Err(failure) => {
                if !failure.message.is_empty() {
                    let message = format!("source {}: {}", source.name, failure.message);
                    own.error("", Pos::START, message);
                }
                (None, failure.stderr)
            }
        };
        // A source with any error writes nothing.
        let outcome = outcome.filter(|_| !own.has_errors());
        report.sources.push(SourceReport {
            name: source.name.clone(),
            into: source.into.clone(),
            outcome,
            problems: own.sorted(),
            stderr,
        });
    }
    Ok((Some(report), diags.sorted()))
}

/// `cxreport.toml` (with the sources) and the metric catalogue.
fn settings(root: &Path, diags: &mut Diagnostics) -> anyhow::Result<(Config, Vec<data::Metric>)> {
    let mut loader = Loader::new(root, None, diags);
    let config = match loader.read("cxreport.toml")? {
        Some(src) => Config::parse(&src, root, loader.diags),
        None => anyhow::bail!(
            "there is no cxreport.toml in {}: the sources of `cxreport pull` are written there",
            root.display()
        ),
    };
    let metrics = match loader.read("data/metrics.toml")? {
        Some(src) => metrics::parse(&src, &mut loader),
        None => Vec::new(),
    };
    Ok((config, metrics))
}

/// The sources named on the command line, or all of them.
fn choose<'c>(config: &'c Config, names: &[String]) -> anyhow::Result<Vec<&'c Source>> {
    let all: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
    if all.is_empty() && !names.is_empty() {
        anyhow::bail!("cxreport.toml has no source yet: add a [source.NAME] (see docs/sources.md)");
    }
    // No source, none asked for: nothing to do, which is no failure (the
    // shipped workflow's daily job runs on plans without sources too).
    if names.is_empty() {
        return Ok(config.sources.iter().collect());
    }
    let mut chosen = Vec::new();
    for name in names {
        match config.sources.iter().find(|s| &s.name == name) {
            Some(s) if !chosen.iter().any(|c: &&Source| c.name == s.name) => chosen.push(s),
            Some(_) => {}
            None => anyhow::bail!(
                "cxreport.toml has no source [source.{name}]{} (its sources: {})",
                crate::diag::hint(name, all.iter().copied()),
                all.join(", ")
            ),
        }
    }
    Ok(chosen)
}

/// Why a source failed, when it is not a problem with its rows.
struct Failure {
    message: String,
    stderr: String,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure {
            message,
            stderr: String::new(),
        }
    }
}

/// One source: run, read, compare, write. Problems with the result's rows
/// go to `diags`; `Ok(None)` when there were any.
fn run(
    root: &Path,
    source: &Source,
    metrics: &[data::Metric],
    check: bool,
    diags: &mut Diagnostics,
) -> Result<Option<Outcome>, Failure> {
    let csv = match &source.runner {
        Runner::Postgres { url_env, query } => {
            postgres::query(root, source, url_env, query, diags)?
        }
        Runner::Command { argv } => command::run(root, argv, source.timeout)?,
    };
    let Some(rows) = read_result(source, &csv, metrics, diags) else {
        return Ok(None);
    };
    let (before, old_bytes) = data::imported::existing(root, &source.into, metrics, diags)
        .map_err(|e| format!("{e:#}"))?;
    if diags.has_errors() {
        return Ok(None);
    }
    let text = rows.to_csv();
    let changed = old_bytes.as_deref() != Some(text.as_bytes());
    if changed && !check {
        data::imported::write_atomically(&root.join(&source.into), text.as_bytes())
            .map_err(|e| format!("{e:#}"))?;
    }
    let (added, changed_days, removed) = compare(&before, &rows);
    Ok(Some(Outcome {
        rows: rows.len(),
        days: rows.dates().len(),
        changed,
        added,
        changed_days,
        removed,
    }))
}

/// The result read as a plan KPI file is: its header (long or wide), dates,
/// numbers and metrics checked against the catalogue. Each problem names
/// the source and the row of the result (the first after the header is
/// row 1), as `source dw: row 3: …`.
fn read_result(
    source: &Source,
    csv: &[u8],
    metrics: &[data::Metric],
    diags: &mut Diagnostics,
) -> Option<Rows> {
    let label = format!("source {}", source.name);
    let mut own = Diagnostics::default();
    let mut seen = data::dates::Seen::default();
    let kpis = data::kpis::parse(
        &label,
        csv,
        &data::dialect::Dialect::CANONICAL,
        (metrics, &[]),
        &mut seen,
        &mut own,
    );
    let read: usize = kpis.series.values().map(Vec::len).sum();
    let mut failed = false;
    for d in own.sorted() {
        let place = if d.line > 1 {
            format!("row {}: ", d.line - 1)
        } else if d.line == 1 && d.column > 1 {
            "its header: ".to_owned()
        } else {
            String::new()
        };
        let message = format!("{label}: {place}{}", for_source(&d.message, &label));
        failed |= d.severity == crate::diag::Severity::Error;
        diags.push(d.severity, "", Pos::START, message);
    }
    if failed {
        return None;
    }
    let rows = Rows::from_kpis(&kpis);
    if rows.is_empty() {
        diags.error(
            "",
            Pos::START,
            format!("{label}: the result has no row with a date and a metric value: nothing to write into {}", source.into),
        );
        return None;
    }
    if rows.len() < read {
        diags.error(
            "",
            Pos::START,
            format!(
                "{label}: {} rows of the result repeat a date, dimension values and metric given before: the query must return one row for each (GROUP BY them)",
                read - rows.len()
            ),
        );
        return None;
    }
    Some(rows)
}

/// A KPI file's message said of a source's result: its lines are the
/// result's rows (the header is not one), and the advice to set `[csv]`
/// for the file becomes advice for the query, since a result is always
/// read in the canonical dialect.
fn for_source(message: &str, label: &str) -> String {
    let mut text = message.replace(label, "the result");
    if let Some(csv) = text.find("[csv") {
        let cut = text[..csv].rfind("; ").unwrap_or(csv);
        text.truncate(cut);
        text.push_str(
            "; the query must return dates as YYYY-MM-DD and numbers with a decimal point",
        );
    }
    // `lines 2, 3, 4 and 537 more`: the last number of a list followed by
    // ` more` is a count, not a line.
    let (Ok(lines), Ok(number)) = (
        regex::Regex::new(r"\blines? (\d+(?:(?:, | and )\d+)*)"),
        regex::Regex::new(r"\d+"),
    ) else {
        return text;
    };
    lines
        .replace_all(&text, |caps: &regex::Captures<'_>| {
            let Some(list) = caps.get(1) else {
                return caps[0].to_owned();
            };
            let counted = text[list.end()..].starts_with(" more");
            let last = number.find_iter(list.as_str()).last().map(|m| m.start());
            let rows = number.replace_all(list.as_str(), |c: &regex::Captures<'_>| {
                let is_count = counted && c.get(0).map(|m| m.start()) == last;
                match c[0].parse::<usize>() {
                    Ok(line) if !is_count => line.saturating_sub(1).to_string(),
                    _ => c[0].to_owned(),
                }
            });
            let word = if caps[0].starts_with("lines") {
                "rows"
            } else {
                "row"
            };
            format!("{word} {rows}")
        })
        .into_owned()
}

/// The dates the result adds, changes (some row of the date differs) and
/// removes, against the file before.
fn compare(before: &Rows, after: &Rows) -> (BTreeSet<Date>, BTreeSet<Date>, BTreeSet<Date>) {
    let old = before.dates();
    let new = after.dates();
    let by_date = |rows: &Rows, date: Date| -> Vec<String> {
        rows.groups
            .range((date, Vec::new())..)
            .take_while(|((d, _), _)| *d == date)
            .map(|(k, v)| format!("{k:?}{v:?}"))
            .collect()
    };
    let added = new.difference(&old).copied().collect();
    let removed = old.difference(&new).copied().collect();
    let changed = new
        .intersection(&old)
        .copied()
        .filter(|&d| by_date(before, d) != by_date(after, d))
        .collect();
    (added, changed, removed)
}

/// The built-in PostgreSQL client.
mod postgres {
    use std::path::Path;
    use std::sync::Arc;
    use std::time::Duration;

    use postgres::SimpleQueryMessage;

    use super::Failure;
    use crate::config::source::Source;
    use crate::diag::{Diagnostics, Pos};

    /// Runs the source's query and returns its rows as CSV with a header,
    /// every value as PostgreSQL prints it and NULL as an empty cell.
    pub(super) fn query(
        root: &Path,
        source: &Source,
        url_env: &str,
        query: &str,
        diags: &mut Diagnostics,
    ) -> Result<Vec<u8>, Failure> {
        let url = match std::env::var(url_env) {
            Ok(url) if !url.trim().is_empty() => url,
            Ok(_) => {
                return Err(format!("the environment variable {url_env} is empty: set it to the connection string, such as postgres://user:password@host:5432/database").into());
            }
            Err(_) => {
                return Err(format!("the environment variable {url_env} is not set: set it to the connection string, such as postgres://user:password@host:5432/database").into());
            }
        };
        let sql = std::fs::read_to_string(root.join(query))
            .map_err(|e| format!("cannot read {query}: {e}"))?;
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            format!(
                "the connection string in {url_env} is not valid: {}",
                scrub(&chain(&e), &url)
            )
        })?;
        config.connect_timeout(source.timeout.min(Duration::from_secs(60)));
        if config.get_application_name().is_none() {
            config.application_name("cxreport pull");
        }
        let server = where_(&config);
        let tls = tls()?;
        let mut client = config.connect(tls).map_err(|e| {
            format!(
                "cannot connect to PostgreSQL at {server}: {}",
                scrub(&chain(&e), &url)
            )
        })?;
        // The server ends a query that runs past the source's time limit.
        let millis = source.timeout.as_millis();
        client
            .batch_execute(&format!("SET statement_timeout = {millis}"))
            .map_err(|e| scrub(&chain(&e), &url))?;
        let messages = match client.simple_query(&sql) {
            Ok(messages) => messages,
            Err(e) => {
                if let Some(db) = e.as_db_error() {
                    let mut message = format!("source {}: {}", source.name, db.message());
                    if let Some(detail) = db.detail() {
                        message.push_str(&format!(" ({detail})"));
                    }
                    if let Some(hint) = db.hint() {
                        message.push_str(&format!("; {hint}"));
                    }
                    let pos = match db.position() {
                        Some(postgres::error::ErrorPosition::Original(at)) => {
                            position(&sql, *at as usize)
                        }
                        _ => Pos::START,
                    };
                    diags.error(query, pos, message);
                    // Reported above, at its place in the query.
                    return Err(Failure {
                        message: String::new(),
                        stderr: String::new(),
                    });
                }
                return Err(scrub(&chain(&e), &url).into());
            }
        };
        Ok(to_csv(messages))
    }

    /// The rows of the last statement that returned any columns.
    fn to_csv(messages: Vec<SimpleQueryMessage>) -> Vec<u8> {
        let mut header: Vec<String> = Vec::new();
        let mut rows: Vec<Vec<String>> = Vec::new();
        for message in messages {
            match message {
                SimpleQueryMessage::RowDescription(columns) => {
                    header = columns.iter().map(|c| c.name().to_owned()).collect();
                    rows.clear();
                }
                SimpleQueryMessage::Row(row) => {
                    rows.push(
                        (0..row.len())
                            .map(|i| row.get(i).unwrap_or_default().to_owned())
                            .collect(),
                    );
                }
                _ => {}
            }
        }
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        // Writing into memory cannot fail.
        let _ = out.write_record(&header);
        for row in &rows {
            let _ = out.write_record(row);
        }
        out.into_inner().unwrap_or_default()
    }

    /// The line and column of the server's error position, counted in
    /// characters from 1.
    fn position(sql: &str, at: usize) -> Pos {
        let offset = sql
            .char_indices()
            .nth(at.saturating_sub(1))
            .map_or(sql.len(), |(i, _)| i);
        crate::diag::Source::new("", sql.to_owned()).pos(offset)
    }

    /// `host:port`, as the connection string names them (never its user
    /// or password).
    fn where_(config: &postgres::Config) -> String {
        let host = match config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => h.clone(),
            #[cfg(unix)]
            Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
            None => "localhost".to_owned(),
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        format!("{host}:{port}")
    }

    /// An error and its causes, as one line; the server's own message for
    /// an error the server sent (`password authentication failed for user
    /// "ana"`), without the client's "db error" before it.
    fn chain(e: &postgres::Error) -> String {
        if let Some(db) = e.as_db_error() {
            return db.message().to_owned();
        }
        let e: &dyn std::error::Error = e;
        let mut text = e.to_string();
        let mut cause = e.source();
        while let Some(c) = cause {
            let more = c.to_string();
            if !text.contains(&more) {
                text.push_str(": ");
                text.push_str(&more);
            }
            cause = c.source();
        }
        text
    }

    /// `text` without the connection string's password, should a message
    /// ever quote it.
    fn scrub(text: &str, url: &str) -> String {
        let password = url.parse::<postgres::Config>().ok().and_then(|c| {
            c.get_password()
                .map(|p| String::from_utf8_lossy(p).into_owned())
        });
        let mut text = text.replace(url, "(the connection string)");
        if let Some(p) = password.filter(|p| p.len() >= 3) {
            text = text.replace(&p, "***");
        }
        text
    }

    /// TLS through rustls with the Mozilla roots, for `sslmode=require`
    /// (and `prefer`, the default, which falls back to plain text on a
    /// server without TLS). The server's certificate is always checked:
    /// a server with a certificate authority of its own (Amazon RDS, Cloud
    /// SQL) is trusted through `PGSSLROOTCERT`, the PEM file libpq reads.
    fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject as _;

        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(path) = std::env::var_os("PGSSLROOTCERT").filter(|p| !p.is_empty()) {
            let shown = std::path::Path::new(&path).display().to_string();
            let bad = |e: &dyn std::fmt::Display| {
                format!("cannot read the certificates of PGSSLROOTCERT ({shown}): {e}")
            };
            let certs = CertificateDer::pem_file_iter(&path).map_err(|e| bad(&e))?;
            let mut added = 0;
            for cert in certs {
                roots.add(cert.map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
                added += 1;
            }
            if added == 0 {
                return Err(bad(&"it holds no PEM certificate"));
            }
        }
        // ring, the provider lettre and ureq already use: aws-lc-rs (which
        // has the post-quantum key exchange this deprecation is about) would
        // add a C and assembly build to every platform's release.
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up TLS: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
    }
}

/// A program that prints CSV: no shell, the plan's folder as its working
/// directory, the environment inherited (so it finds its credentials where
/// its documentation says), and killed past its time limit.
mod command {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// How much of a failed command's standard error is shown: its end,
    /// where the reason usually is.
    const STDERR_SHOWN: usize = 8 * 1024;

    pub(super) fn run(root: &Path, argv: &[String], timeout: Duration) -> Result<Vec<u8>, Failure> {
        let Some((program, args)) = argv.split_first() else {
            return Err(String::from("`command` is empty").into());
        };
        let shown = crate::diag::printable(program).into_owned();
        let mut cmd = Command::new(program);
        cmd.args(args)
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Its own process group, so that a timeout ends whatever it started
        // too (a wrapper script's children would keep the pipes open). Out
        // of ours, it no longer hears the terminal's Ctrl-C: the handler of
        // `stop_on_interrupt` passes it on.
        #[cfg(target_os = "linux")]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!(
                    "cannot run `{shown}`: there is no such program (is it installed and on PATH?)"
                )
            }
            _ => format!("cannot run `{shown}`: {e}"),
        })?;
        RUNNING.store(child.id(), Ordering::SeqCst);
        let stdout = child.stdout.take().map(drain);
        let stderr = child.stderr.take().map(drain);
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if started.elapsed() >= timeout => {
                    kill(&mut child);
                    break None;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(format!("cannot wait for `{shown}`: {e}").into()),
            }
        };
        RUNNING.store(0, Ordering::SeqCst);
        let collect = |rx: Option<mpsc::Receiver<Vec<u8>>>| {
            rx.and_then(|rx| rx.recv_timeout(Duration::from_secs(5)).ok())
                .unwrap_or_default()
        };
        let out = collect(stdout);
        let err = collect(stderr);
        let err_text = tail(&err);
        match status {
            None => Err(Failure {
                message: format!(
                    "`{shown}` did not finish within {} (the source's `timeout`) and was stopped",
                    seconds(timeout)
                ),
                stderr: err_text,
            }),
            Some(status) if !status.success() => {
                let how = match status.code() {
                    Some(code) => format!("exited with status {code}"),
                    None => "was killed by a signal".to_owned(),
                };
                let said = if err_text.trim().is_empty() {
                    "; it wrote nothing on stderr"
                } else {
                    "; its stderr:"
                };
                Err(Failure {
                    message: format!("`{shown}` {how}{said}"),
                    stderr: err_text,
                })
            }
            Some(_) => Ok(out),
        }
    }

    /// Reads a pipe to its end on a thread of its own, so that neither
    /// pipe fills while the other is read.
    fn drain(mut pipe: impl std::io::Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            let _ = tx.send(bytes);
        });
        rx
    }

    /// The process group of the command running now, 0 when none.
    static RUNNING: AtomicU32 = AtomicU32::new(0);

    /// On Ctrl-C or SIGTERM (a cancelled CI job), the running command's
    /// process group is killed before `pull` exits, so that no query is
    /// left running on its own. The file being pulled was not written yet.
    pub(super) fn stop_on_interrupt() {
        // `pull` sets no other handler; should one be set, Ctrl-C simply
        // ends `pull` as it would any program.
        let _ = ctrlc::set_handler(|| {
            kill_group(RUNNING.load(Ordering::SeqCst));
            std::process::exit(130);
        });
    }

    fn kill(child: &mut std::process::Child) {
        kill_group(child.id());
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Kills the process group `id` leads (Linux; elsewhere a command runs
    /// in ours, and only it is killed).
    fn kill_group(id: u32) {
        #[cfg(target_os = "linux")]
        if let Some(pid) = i32::try_from(id)
            .ok()
            .and_then(rustix::process::Pid::from_raw)
        {
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
        #[cfg(not(target_os = "linux"))]
        let _ = id;
    }

    /// The end of a failed command's standard error, as text.
    fn tail(bytes: &[u8]) -> String {
        let start = bytes.len().saturating_sub(STDERR_SHOWN);
        let text = String::from_utf8_lossy(&bytes[start..]);
        text.trim_end().to_owned()
    }

    fn seconds(d: Duration) -> String {
        let s = d.as_secs();
        if s == 1 {
            "1 second".to_owned()
        } else {
            format!("{s} seconds")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::for_source;

    #[test]
    fn a_results_lines_are_told_as_rows_and_csv_advice_as_query_advice() {
        assert_eq!(
            for_source(
                "6 cells are not numbers, such as \"n/a\" (column 'sla', lines 2, 3, 9 and 3 more); leave a cell empty",
                "source dw"
            ),
            "6 cells are not numbers, such as \"n/a\" (column 'sla', rows 1, 2, 8 and 3 more); leave a cell empty"
        );
        assert_eq!(
            for_source(
                "numbers such as 85,3 have a decimal comma (column 'sla', line 4); if the file uses decimal commas, set `decimal = \",\"` in a `[csv.\"source dw\"]` table of cxreport.toml",
                "source dw"
            ),
            "numbers such as 85,3 have a decimal comma (column 'sla', row 3); the query must return dates as YYYY-MM-DD and numbers with a decimal point"
        );
    }
}
