//! The built-in PostgreSQL client of `cxreport pull` (layer 6, with
//! `pull`): connects with the connection string from the source's
//! `url_env`, over TLS through rustls when it asks for it, runs the query
//! with the simple protocol so that every value arrives as text, and
//! hands the rows on as CSV, never showing the password in a message.

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
