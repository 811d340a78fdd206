//! How long `cxreport serve` takes from a saved file to the open pages being
//! told to reload: the time an author waits. Measured end to end, from the
//! write to the server-sent event (which goes out once the new site is built,
//! written to disk and served), so the 50 ms debounce is included.
//!
//! The plan is the example plan in a git repository with a history
//! (`scripts/demo-repo`: 61 commits), served by the release binary. Each run
//! edits one file (a TOML data file, a content page, the settings), in turn.
//!
//! `cargo bench --bench rebuild` (RUNS=N for another number of edits; 30).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One file to edit, and the text to swap in it each time.
const EDITS: [(&str, &str, &str); 3] = [
    (
        "data/initiatives.toml",
        "Automate the frequent questions on WhatsApp",
        "Automate the top questions on WhatsApp",
    ),
    ("content/about.md", "plain files", "plain text files"),
    ("cxreport.toml", "CX improvement plan", "CX plan"),
];

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(30);
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let plan = tmp.path().join("plan");
    let made = Command::new(source.join("scripts/demo-repo"))
        .arg(&plan)
        .stdout(Stdio::null())
        .status()
        .expect("scripts/demo-repo runs (it needs git)");
    assert!(made.success(), "scripts/demo-repo failed");

    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_cxreport"))
            .args(["serve", "--quiet", "--port", "0", "--root"])
            .arg(&plan)
            .stdout(Stdio::piped())
            .spawn()
            .expect("cxreport serve starts"),
    );
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the address");
    let addr = line
        .trim()
        .strip_prefix("Serving http://")
        .and_then(|a| a.split_once('/'))
        .map(|(a, _)| a.to_owned())
        .expect("Serving http://ADDR/");
    let mut stream = TcpStream::connect(&addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "GET /__cxreport/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .expect("request");
    let mut events = BufReader::new(stream);
    next_update(&mut events);

    let mut times: Vec<Vec<f64>> = vec![Vec::new(); EDITS.len()];
    for run in 0..runs {
        let which = run % EDITS.len();
        let (file, a, b) = EDITS[which];
        let path = plan.join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        let edited = if text.contains(b) {
            text.replacen(b, a, 1)
        } else {
            text.replacen(a, b, 1)
        };
        assert_ne!(edited, text, "{file} has neither {a:?} nor {b:?}");
        let started = Instant::now();
        std::fs::write(&path, edited).expect("write");
        let update = next_update(&mut events);
        times[which].push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(update.contains("\"problems\":[]"), "{update}");
        // Let the watcher settle, so each edit is its own rebuild.
        std::thread::sleep(Duration::from_millis(150));
    }
    drop(server);

    println!("rebuild after a one-file change, write to reload event (50 ms debounce included):");
    let mut all = Vec::new();
    for ((file, ..), t) in EDITS.iter().zip(&mut times) {
        println!("  {file:<24} {}", summary(t));
        all.extend_from_slice(t);
    }
    println!("  {:<24} {}", "all", summary(&mut all));
}

/// The server, stopped however the benchmark ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The data of the next server-sent event.
fn next_update(events: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        let n = events.read_line(&mut line).expect("an event");
        assert!(n > 0, "the event stream ended");
        if let Some(data) = line.strip_prefix("data: ") {
            return data.to_owned();
        }
    }
}

/// "median 61.2 ms, p90 66.0 ms, max 70.1 ms (10 runs)".
fn summary(times: &mut [f64]) -> String {
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    format!(
        "median {:.1} ms, p90 {:.1} ms, max {:.1} ms ({} runs)",
        at(0.5),
        at(0.9),
        times[times.len() - 1],
        times.len()
    )
}
