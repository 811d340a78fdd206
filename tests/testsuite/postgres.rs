//! A real PostgreSQL server for the tests of `cxreport pull` and of the
//! contacts SQL: `initdb` into a temporary folder, `pg_ctl start` on a free
//! port of 127.0.0.1 with password (SCRAM) authentication, stopped when the
//! handle is dropped. Debian's `postgresql` package provides the programs
//! (`.ci/run` installs it where missing); a test fails, never skips, when
//! they are missing. PostgreSQL refuses to run as root, so as root the
//! server runs as the package's `postgres` user.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The user and password every test server has.
pub const USER: &str = "cxreport";
pub const PASSWORD: &str = "s3cret-pw";
pub const DATABASE: &str = "cxreport";

/// A running server; dropping it stops the server and removes its folder.
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_root: bool,
}

/// The folder of Debian's PostgreSQL programs (the newest version), or
/// whatever `initdb` is on the PATH.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").is_file())
        .collect();
    versions.sort();
    if let Some(bin) = versions.pop() {
        return bin;
    }
    let out = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let path = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
            path.parent().unwrap().to_path_buf()
        }
        _ => panic!(
            "PostgreSQL's initdb is not installed: apt-get install postgresql (.ci/run does)"
        ),
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

impl Postgres {
    /// Starts a new server with an empty database `cxreport` owned by
    /// `USER`.
    pub fn start() -> Postgres {
        let bin = bin_dir();
        let as_root = is_root();
        let dir = tempfile::Builder::new()
            .prefix("cxreport-pg")
            .tempdir()
            .unwrap();
        if as_root {
            chown_postgres(dir.path());
        }
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        if as_root {
            chown_postgres(&pwfile);
        }
        let data = dir.path().join("data");
        let server = Postgres {
            dir,
            bin,
            port: free_port(),
            as_root,
        };
        server.run_checked(
            "initdb",
            &[
                "-D",
                path_str(&data),
                "-U",
                USER,
                "--pwfile",
                path_str(&pwfile),
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        let log = server.dir.path().join("log");
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{}' -c fsync=off -c full_page_writes=off",
            server.port,
            server.dir.path().display()
        );
        server.run_checked(
            "pg_ctl",
            &[
                "-D",
                path_str(&data),
                "-l",
                path_str(&log),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        server.psql_in("postgres", &format!("CREATE DATABASE {DATABASE}"));
        server
    }

    /// The connection string of the test database.
    pub fn url(&self) -> String {
        format!(
            "postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{DATABASE}",
            self.port
        )
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The path of the server's `psql` program.
    pub fn psql_program(&self) -> PathBuf {
        let psql = self.bin.join("psql");
        if psql.is_file() {
            psql
        } else {
            PathBuf::from("psql")
        }
    }

    /// Runs SQL in the test database with `psql` (stopping at the first
    /// error, which fails the test) and returns what it printed.
    pub fn psql(&self, sql: &str) -> String {
        self.psql_in(DATABASE, sql)
    }

    fn psql_in(&self, database: &str, sql: &str) -> String {
        let out = Command::new(self.psql_program())
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"])
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                "-d",
                database,
                "-c",
                sql,
            ])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "psql failed on {sql}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn run_checked(&self, program: &str, args: &[&str]) -> Output {
        let path = self.bin.join(program);
        let mut command = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let out = command
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{program} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let path = self.bin.join("pg_ctl");
        let mut command = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let _ = command
            .args(["-D", path_str(&data), "-m", "immediate", "-w", "stop"])
            .output();
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Hands a path to the `postgres` user, so the server (which runs as it
/// when the tests run as root) can write there.
fn chown_postgres(path: &Path) {
    let out = Command::new("chown")
        .arg("postgres:postgres")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chown postgres failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_real_server_starts_and_answers_with_a_password() {
    let pg = Postgres::start();
    pg.psql("CREATE TABLE t (n int); INSERT INTO t VALUES (1), (2)");
    let out = pg.psql("COPY (SELECT sum(n) FROM t) TO STDOUT");
    assert_eq!(out.trim(), "3");
    assert!(pg.url().contains(&pg.port().to_string()));
}
