//! `cxreport serve`, as a user meets it: the real binary on a free port, a
//! real HTTP client, a real event stream, and files edited on disk.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{Plan, git};

/// How long anything may take before the test gives up (a rebuild of the
/// example plan takes well under a second, even in a debug build).
const PATIENCE: Duration = Duration::from_secs(30);

/// A running `cxreport serve`.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(plan: &Plan, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cxreport"))
            .arg("serve")
            .args(args)
            .current_dir(&plan.root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr");
        let collected = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0; 4096];
            while let Ok(n @ 1..) = pipe.read(&mut buf) {
                collected
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("serve prints its address");
        let addr = line
            .trim()
            .strip_prefix("Serving http://")
            .and_then(|a| a.split_once('/'))
            .map(|(addr, _)| addr)
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Server {
            child,
            addr,
            stderr,
        }
    }

    /// GET `path`: the status and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = self.connect();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .expect("request");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("response");
        let (head, body) = response.split_once("\r\n\r\n").expect("a head and a body");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status");
        (status, body.to_owned())
    }

    fn events(&self) -> Events {
        let mut stream = self.connect();
        write!(
            stream,
            "GET /__cxreport/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        )
        .expect("request");
        Events(BufReader::new(stream))
    }

    /// The status of a request sent as written.
    fn status_of(&self, request: &str) -> u16 {
        status(&self.fetch(request))
    }

    /// The whole response to a request sent as written, which ends its
    /// connection.
    fn fetch(&self, request: &str) -> String {
        let mut stream = self.connect();
        stream.write_all(request.as_bytes()).expect("request");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("response");
        response
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.addr).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        stream
    }

    /// Sends SIGINT, as Ctrl-C does, and waits for the exit status.
    fn interrupt(mut self) -> (i32, String) {
        let sent = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(started.elapsed() < PATIENCE, "serve did not stop");
            std::thread::sleep(Duration::from_millis(20));
        };
        // The stderr thread ends with the pipe.
        std::thread::sleep(Duration::from_millis(100));
        let stderr = self.stderr.lock().unwrap().clone();
        (status.code().unwrap_or(-1), stderr)
    }
}

/// The status of a response.
fn status(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {response:?}"))
}

/// The value of the response header `name`, the first if there are several.
fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let (head, _) = response.split_once("\r\n\r\n")?;
    head.lines().skip(1).find_map(|line| {
        let (n, value) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The server-sent events of one page.
struct Events(BufReader<TcpStream>);

impl Events {
    /// The next update whose JSON satisfies `wanted`, skipping others.
    fn until(&mut self, wanted: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let started = Instant::now();
        let mut line = String::new();
        loop {
            assert!(started.elapsed() < PATIENCE, "no such update");
            line.clear();
            let n = self.0.read_line(&mut line).expect("an event");
            assert!(n > 0, "the event stream ended");
            if let Some(data) = line.strip_prefix("data: ") {
                let update: serde_json::Value = serde_json::from_str(data).expect("JSON");
                if wanted(&update) {
                    return update;
                }
            }
        }
    }
}

#[test]
fn edits_reload_pages_and_mistakes_show_over_the_last_good_site() {
    let plan = Plan::copy_of(env!("CARGO_MANIFEST_DIR").as_ref());
    let listing = || {
        let mut names: Vec<_> = std::fs::read_dir(&plan.root)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    let mut before = listing();
    let server = Server::start(&plan, &["--port", "0"]);

    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(
        home.contains("<script src=\"/__cxreport/live.js\""),
        "{home}"
    );
    assert!(!home.contains("cxreport-problems"));
    let built = plan.read("site/index.html");
    assert!(built.contains("<title>") && !built.contains("__cxreport"));

    let mut events = server.events();
    let hello = events.until(|_| true);
    assert_eq!(hello["problems"], serde_json::json!([]));
    let start = hello["generation"].as_u64().expect("a generation");

    let original = plan.read("data/initiatives.toml");
    let renamed = original.replace(
        "Automate the frequent questions on WhatsApp",
        "Automate the top questions on WhatsApp",
    );
    assert_ne!(renamed, original);
    plan.write("data/initiatives.toml", &renamed);
    let reload = events.until(|u| u["generation"].as_u64() > Some(start));
    let changed = reload["changed"].as_array().expect("what changed");
    assert!(changed.contains(&"/initiatives/".into()), "{reload}");
    assert!(!changed.contains(&"/static/style.css".into()), "{reload}");
    let (_, page) = server.get("/initiatives/");
    assert!(page.contains("Automate the top questions on WhatsApp"));
    // The site is served as soon as it is rendered; the output folder
    // follows once it is written.
    let written = || {
        std::fs::read_to_string(plan.path("site/initiatives/index.html"))
            .is_ok_and(|page| page.contains("Automate the top questions on WhatsApp"))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !written() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(written(), "site/ never got the edit");

    let broken = renamed.replacen("impact = \"high\"", "impact = \"huge\"", 1);
    plan.write("data/initiatives.toml", &broken);
    let failed = events.until(|u| u["problems"] != serde_json::json!([]));
    assert_eq!(
        failed["problems"],
        serde_json::json!([{
            "place": "data/initiatives.toml:11:10",
            "severity": "error",
            "message": "`huge` is not one of `low`, `medium`, `high`; did you mean `high`?",
        }])
    );
    let (status, page) = server.get("/initiatives/");
    assert_eq!(status, 200);
    assert!(page.contains("Automate the top questions on WhatsApp"));
    assert!(
        page.contains("<span class=\"place\">data/initiatives.toml:11:10</span> <span class=\"error\">error:</span> `huge` is not one of"),
        "{page}"
    );
    assert!(page.contains("The plan has 1 error, 0 warnings; this is the last good build."));

    plan.write("data/initiatives.toml", &renamed);
    events.until(|u| u["problems"] == serde_json::json!([]));
    let (_, page) = server.get("/initiatives/");
    assert!(!page.contains("cxreport-problems"));

    let (code, stderr) = server.interrupt();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("data/initiatives.toml:11:10: error: `huge` is not one of"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Rebuilt after data/initiatives.toml:"),
        "{stderr}"
    );
    assert!(stderr.ends_with("Stopped.\n"), "{stderr}");
    // The site and its lock, and no staging or temporary folder beside it.
    for made in ["site", ".site.lock"] {
        if !before.contains(&made.to_owned()) {
            before.push(made.to_owned());
        }
    }
    before.sort();
    assert_eq!(listing(), before);
}

#[test]
fn a_commit_rebuilds_the_history() {
    let plan = Plan::fixture("minimal");
    let day = "2026-03-01T10:00:00+01:00";
    git(&plan.root, &["init", "-q", "-b", "main"], day);
    git(&plan.root, &["add", "."], day);
    git(&plan.root, &["commit", "-q", "-m", "The plan"], day);
    let server = Server::start(&plan, &["--port", "0"]);
    let mut events = server.events();
    let start = events.until(|_| true)["generation"].as_u64();

    let okrs = plan.read("data/okrs/2026-h1.toml");
    plan.write(
        "data/okrs/2026-h1.toml",
        &okrs.replacen("target = 90", "target = 92", 1),
    );
    let edited = events.until(|u| u["generation"].as_u64() > start)["generation"].as_u64();
    let (_, before) = server.get("/changes/");
    assert!(!before.contains("Raise the SLA target"), "{before}");

    git(
        &plan.root,
        &["commit", "-q", "-am", "Raise the SLA target"],
        "2026-03-02T10:00:00+01:00",
    );
    let committed = events.until(|u| u["generation"].as_u64() > edited);
    assert!(
        committed["changed"]
            .as_array()
            .is_some_and(|c| c.contains(&"/changes/".into())),
        "{committed}"
    );
    let (_, after) = server.get("/changes/");
    assert!(after.contains("Raise the SLA target"), "{after}");
    let (code, stderr) = server.interrupt();
    assert_eq!(code, 0);
    assert!(
        stderr.contains("Rebuilt after a commit or checkout:"),
        "{stderr}"
    );
}

#[test]
fn a_first_commit_and_a_folder_made_again_are_seen() {
    let plan = Plan::fixture("minimal");
    let day = "2026-03-01T10:00:00+01:00";
    // A repository with no commit yet: git has not made .git/logs.
    git(&plan.root, &["init", "-q", "-b", "main"], day);
    let server = Server::start(&plan, &["--port", "0"]);
    let mut events = server.events();
    let start = events.until(|_| true)["generation"].as_u64();
    git(&plan.root, &["add", "."], day);
    git(&plan.root, &["commit", "-q", "-m", "The plan"], day);
    let first = events.until(|u| u["generation"].as_u64() > start)["generation"].as_u64();
    let (_, changes) = server.get("/changes/");
    assert!(changes.contains("The plan"), "{changes}");

    // data/ removed and made again, as a checkout or a copy over it does.
    let data = plan.path("data");
    let aside = plan.path("data-aside");
    std::fs::rename(&data, &aside).unwrap();
    let gone = events.until(|u| u["generation"].as_u64() > first)["generation"].as_u64();
    std::fs::rename(&aside, &data).unwrap();
    let back = events.until(|u| u["generation"].as_u64() > gone)["generation"].as_u64();
    let okrs = plan.read("data/okrs/2026-h1.toml");
    plan.write(
        "data/okrs/2026-h1.toml",
        &okrs.replacen("target = 90", "target = 93", 1),
    );
    let edited = events.until(|u| u["generation"].as_u64() > back);
    assert_eq!(edited["problems"], serde_json::json!([]), "{edited}");
    // An editor's scratch file is no change. (The line about a rebuild is
    // printed once its site is written, after its event is sent and the
    // search index is made: let every one come first.)
    let rebuilds = || {
        server
            .stderr
            .lock()
            .unwrap()
            .matches("Rebuilt after")
            .count()
    };
    let mut before = rebuilds();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        std::thread::sleep(Duration::from_millis(1000));
        let now = rebuilds();
        if now == before || Instant::now() > deadline {
            break;
        }
        before = now;
    }
    plan.write("data/.okrs.toml.swp", "scratch");
    plan.write("data/okrs/#2026-h1.toml#", "scratch");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(rebuilds(), before);
    let (code, stderr) = server.interrupt();
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn only_local_names_are_answered_and_a_stuck_client_holds_up_no_one() {
    let plan = Plan::fixture("minimal");
    let server = Server::start(&plan, &["--port", "0", "--quiet"]);
    let get = |host: &str| format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    assert_eq!(server.status_of(&get(&server.addr)), 200);
    assert_eq!(server.status_of(&get("localhost:1111")), 200);
    // A page of another site whose name points at 127.0.0.1 (DNS rebinding).
    assert_eq!(server.status_of(&get("evil.example:1111")), 403);
    assert_eq!(
        server.status_of(
            "HEAD /__cxreport/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        ),
        405
    );
    // Two event streams asked for on one connection, never read.
    let mut stuck = server.connect();
    let events = "GET /__cxreport/events HTTP/1.1\r\nHost: localhost\r\n\r\n";
    stuck
        .write_all(format!("{events}{events}").as_bytes())
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.get("/").0, 200);
    drop(stuck);
    let (code, _) = server.interrupt();
    assert_eq!(code, 0);
}

#[test]
fn serves_under_the_base_path_and_answers_what_is_not_there() {
    let plan = Plan::fixture("minimal");
    let config = plan.read("cxreport.toml");
    plan.write(
        "cxreport.toml",
        &format!("base_url = \"https://example.com/cx/\"\n{config}"),
    );
    let server = Server::start(&plan, &["--port", "0", "--quiet"]);
    assert_eq!(server.get("/cx/").0, 200);
    assert_eq!(server.get("/").0, 302);
    assert_eq!(server.get("/cx/kpis").0, 302);
    let (status, body) = server.get("/cx/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("No page here.") && body.contains("/__cxreport/live.js"));
    let (_, script) = server.get("/__cxreport/live.js");
    assert!(script.contains("new EventSource(\"/__cxreport/events\")"));
    let (code, stderr) = server.interrupt();
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn a_port_in_use_is_said() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let plan = Plan::fixture("minimal");
    let run = plan.run(&["serve", "--port", &port]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: cannot listen on 127.0.0.1:{port}: the port is in use; choose another with --port N, or --port 0 for a free one\n"
        )
    );
}

/// Issue 14: a 300 MB request line made `serve` hold 1.6 GB before it
/// answered. The head is now capped and refused as soon as it is over.
#[test]
fn a_request_head_over_the_cap_is_refused_and_never_held() {
    let plan = Plan::fixture("minimal");
    let server = Server::start(&plan, &["--port", "0", "--quiet"]);
    // The client keeps sending on its own thread while the answer is read.
    let answer_to = |start: String, bytes: usize| {
        let stream = server.connect();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut writer = stream.try_clone().unwrap();
        let sending = std::thread::spawn(move || {
            let chunk = vec![b'a'; 64 * 1024];
            let _ = writer.write_all(start.as_bytes());
            let mut sent = 0;
            // Stopped early when the server closes.
            while sent < bytes && writer.write_all(&chunk).is_ok() {
                sent += chunk.len();
            }
        });
        let mut line = String::new();
        let _ = BufReader::new(&stream).read_line(&mut line);
        let _ = stream.shutdown(std::net::Shutdown::Both);
        sending.join().unwrap();
        line
    };
    let started = Instant::now();
    let line = answer_to("GET /".to_owned(), 1 << 20);
    assert!(line.starts_with("HTTP/1.1 414 "), "{line:?}");
    let peak = || {
        let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id()));
        status.ok().and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
    };
    let before = peak();
    let big = format!("GET / HTTP/1.1\r\nHost: {}\r\nX-Big: ", server.addr);
    let line = answer_to(big, 50 << 20);
    assert!(line.starts_with("HTTP/1.1 431 "), "{line:?}");
    if let (Some(before), Some(after)) = (before, peak()) {
        assert!(
            after < before + 10 * 1024,
            "the peak memory went from {before} kB to {after} kB"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(server.get("/").0, 200);
    let (code, _) = server.interrupt();
    assert_eq!(code, 0);
}

/// Issue 14: with two `Host` headers, a proxy or cache in front may read the
/// other one than the server; with none, HTTP/1.1 says 400.
#[test]
fn a_request_names_exactly_one_local_host() {
    let plan = Plan::fixture("minimal");
    let server = Server::start(&plan, &["--port", "0", "--quiet"]);
    let get = |hosts: &[&str]| {
        let hosts: String = hosts.iter().map(|h| format!("Host: {h}\r\n")).collect();
        server.status_of(&format!(
            "GET / HTTP/1.1\r\n{hosts}Connection: close\r\n\r\n"
        ))
    };
    assert_eq!(get(&["localhost", "localhost"]), 400);
    assert_eq!(get(&["localhost", "evil.com"]), 400);
    assert_eq!(get(&["evil.com", "localhost"]), 400);
    assert_eq!(get(&["localhost"]), 200);
    assert_eq!(get(&["LocalHost:8080"]), 200);
    assert_eq!(get(&["localhost, evil.com"]), 403);
    assert_eq!(get(&[]), 400);
    // An absolute URL names a host of its own.
    assert_eq!(
        server.status_of(
            "GET http://evil.com/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        ),
        400
    );
    let (code, _) = server.interrupt();
    assert_eq!(code, 0);
}

/// Issue 14: the policy every page has in a meta tag is also sent as a
/// header, the same text, and the reload script needs nothing it forbids.
#[test]
fn pages_carry_their_content_security_policy_as_a_header() {
    let plan = Plan::fixture("minimal");
    let server = Server::start(&plan, &["--port", "0", "--quiet"]);
    let request =
        |path: &str| format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    let response = server.fetch(&request("/"));
    assert_eq!(status(&response), 200);
    let meta = response
        .split("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split_once('"'))
        .map(|(content, _)| unescape(content))
        .expect("a meta tag with the policy");
    assert!(meta.contains("script-src 'self'"), "{meta}");
    assert_eq!(header(&response, "Content-Security-Policy"), Some(&*meta));
    assert_eq!(header(&response, "X-Content-Type-Options"), Some("nosniff"));
    // The preview's additions: scripts from files, no inline handlers.
    let (_, body) = response.split_once("\r\n\r\n").unwrap();
    for script in body.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap_or_default();
        assert!(tag.contains(" src="), "an inline script: <script{tag}>");
    }
    assert!(!body.contains(" onload=") && !body.contains(" onclick="));
    // A page that is not there is HTML too, with the same policy.
    let missing = server.fetch(&request("/no/such/page/"));
    assert_eq!(status(&missing), 404);
    assert_eq!(header(&missing, "Content-Security-Policy"), Some(&*meta));
    let script = server.fetch(&request("/__cxreport/live.js"));
    assert_eq!(header(&script, "Content-Security-Policy"), None);
    assert_eq!(header(&script, "X-Content-Type-Options"), Some("nosniff"));
    let (code, _) = server.interrupt();
    assert_eq!(code, 0);
}

/// An attribute's text as the browser reads it: the named entities
/// minijinja writes, and numeric ones.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let (entity, after) = rest[at + 1..].split_once(';').expect("an entity ends");
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            _ => {
                let code = match entity.strip_prefix("#x").or(entity.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => entity.trim_start_matches('#').parse(),
                };
                code.ok()
                    .and_then(char::from_u32)
                    .unwrap_or_else(|| panic!("an unknown entity &{entity};"))
            }
        };
        out.push(c);
        rest = after;
    }
    out + rest
}

#[test]
fn files_the_site_copies_are_served_and_their_changes_seen() {
    let plan = Plan::fixture("minimal");
    let server = Server::start(&plan, &["--port", "0"]);
    let mut events = server.events();
    let start = events.until(|_| true)["generation"].as_u64();
    // static/ made after the start, then a file beside a content page.
    plan.write("static/logo.svg", "<svg>one</svg>");
    let first = events.until(|u| u["generation"].as_u64() > start)["generation"].as_u64();
    assert_eq!(
        server.get("/static/logo.svg"),
        (200, "<svg>one</svg>".to_owned())
    );
    plan.write("static/logo.svg", "<svg>two</svg>");
    let second = events.until(|u| u["generation"].as_u64() > first)["generation"].as_u64();
    assert_eq!(
        server.get("/static/logo.svg"),
        (200, "<svg>two</svg>".to_owned())
    );
    plan.write("content/notes.txt", "beside the pages");
    events.until(|u| u["generation"].as_u64() > second);
    assert_eq!(
        server.get("/notes.txt"),
        (200, "beside the pages".to_owned())
    );
    let (code, stderr) = server.interrupt();
    assert_eq!(code, 0, "{stderr}");
}
