//! `cxreport notify` against real servers: an SMTP server (mailin-embedded,
//! in this process, on a free port of 127.0.0.1) and an HTTP receiver (a
//! `TcpListener` thread that records each request). Who gets which alert,
//! "new since the previous report", no duplicates, the MIME structure, the
//! dry run's exact output and a server that cannot be reached. Nothing
//! leaves the machine.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::servers::{Mail, add_aht_alert, assert_multipart_alternative, smtp_server};
use crate::support::Plan;

/// One HTTP request the receiver got.
#[derive(Debug, Clone)]
struct Request {
    path: String,
    content_type: String,
    body: String,
}

/// An HTTP receiver on a free port that answers every request with `status`.
fn http_receiver(status: u16) -> (String, Arc<Mutex<Vec<Request>>>) {
    http_server(status, "ok".to_owned())
}

/// An HTTP server on a free port that answers every request with `status`
/// and `body`, and records the requests.
fn http_server(status: u16, answer: String) -> (String, Arc<Mutex<Vec<Request>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let path = line.split(' ').nth(1).unwrap_or_default().to_owned();
            let (mut length, mut content_type) = (0, String::new());
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                let (name, value) = header.split_once(':').unwrap();
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap(),
                    "content-type" => content_type = value.trim().to_owned(),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            seen.lock().unwrap().push(Request {
                path,
                content_type,
                body: String::from_utf8(body).unwrap(),
            });
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (base, requests)
}

/// The minimal fixture with a second alert (a warning on `aht`, whose
/// key result has no owner) beside its overdue key result `kb` (critical,
/// owned by Luis), and `settings` added to cxreport.toml.
fn plan_with(settings: &str) -> Plan {
    let plan = Plan::fixture("minimal");
    add_aht_alert(&plan);
    let toml = plan.read("cxreport.toml");
    plan.write("cxreport.toml", &format!("{toml}\n{settings}"));
    plan
}

fn routes(smtp_port: u16, webhook: &str) -> String {
    format!(
        r#"base_url_is_set_above = false
[smtp]
host = "127.0.0.1"
port = {smtp_port}
from = "CX report <cx@example.com>"
tls = "none"

[[route]]
to = "leads@example.com"
severity = "critical"

[[route]]
to = "{webhook}"
kinds = ["threshold", "case-overdue"]

[[route]]
to = "ops@example.com"
metrics = ["aht"]

[[route]]
to = "ana-team@example.com"
owners = ["Ana"]

[people]
Luis = "luis@example.com"
"#
    )
    .replace("base_url_is_set_above = false\n", "")
}

/// The recipients of each message, sorted, with the alerts' subjects it lists.
fn received(mails: &[Mail]) -> Vec<(String, Vec<&'static str>)> {
    let mut out: Vec<(String, Vec<&'static str>)> = mails
        .iter()
        .map(|m| {
            let mut listed = Vec::new();
            if m.data.contains("kr-kb") {
                listed.push("kb");
            }
            if m.data.contains("kpis/aht/") {
                listed.push("aht");
            }
            (m.to.join(","), listed)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn each_new_alert_reaches_its_routes_and_owner_once() {
    let (port, mails) = smtp_server();
    let (base, requests) = http_receiver(200);
    let plan = plan_with(&routes(port, &format!("{base}/hook")));
    let run = plan.run(&["notify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        received(&mails.lock().unwrap()),
        [
            ("leads@example.com".to_owned(), vec!["kb"]),
            ("luis@example.com".to_owned(), vec!["kb"]),
            ("ops@example.com".to_owned(), vec!["aht"]),
        ]
    );
    let posts = requests.lock().unwrap().clone();
    assert_eq!(posts.len(), 1, "one POST per webhook per run");
    assert_eq!(posts[0].path, "/hook");
    assert!(posts[0].content_type.starts_with("application/json"));
    let body: serde_json::Value = serde_json::from_str(&posts[0].body).unwrap();
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .contains("Average handle time")
    );
    assert_eq!(body["alerts"].as_array().unwrap().len(), 1);
    assert_eq!(body["alerts"][0]["kind"], "threshold");
    assert_eq!(body["alerts"][0]["severity"], "warning");
    assert_eq!(body["alerts"][0]["subject"], "aht");
    assert_eq!(body["alerts"][0]["url"], "/kpis/aht/");

    // The next deploy, against the report just published: nothing is new.
    plan.build();
    let run = plan.run(&["notify", "--previous", "site/api/report.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "2 alerts firing, 0 new since site/api/report.json.\nNothing to send.\n"
    );
    assert_eq!(mails.lock().unwrap().len(), 3, "no duplicates");
    assert_eq!(requests.lock().unwrap().len(), 1, "no duplicates");

    // An alert that fired before at another severity is new at this one;
    // the one firing in both, whatever its figures, is not.
    let report = plan.read("site/api/report.json");
    let changed = report.replacen("\"severity\":\"critical\"", "\"severity\":\"warning\"", 1);
    assert_ne!(changed, report);
    plan.write("old.json", &changed);
    let run = plan.run(&["notify", "--previous", "old.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("2 alerts firing, 1 new since old.json.\n")
    );
    assert_eq!(mails.lock().unwrap().len(), 5);
    assert_eq!(requests.lock().unwrap().len(), 1);
}

#[test]
fn an_email_is_multipart_alternative_with_text_and_html() {
    let (port, mails) = smtp_server();
    let plan = plan_with(&format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nfrom = \"cx@example.com\"\ntls = \"none\"\n\
         [[route]]\nto = \"all@example.com\"\n"
    ));
    let run = plan.run(&["notify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "2 alerts firing, 2 new (no --previous report: every firing alert is new).\n"
    );
    let mails = mails.lock().unwrap();
    assert_eq!(mails.len(), 1, "one message per recipient");
    let data = &mails[0].data;
    assert!(data.contains("From: cx@example.com\r\n"), "{data}");
    assert!(data.contains("To: all@example.com\r\n"), "{data}");
    assert!(
        data.contains("Subject: New alerts in Minimal plan\r\n"),
        "{data}"
    );
    assert_multipart_alternative(data);
    assert!(data.contains("<html lang=3D\"en\">") || data.contains("<html lang=\"en\">"));
}

#[test]
fn a_server_that_cannot_be_reached_is_named_and_the_others_still_get_theirs() {
    // A port nothing listens on: bound, then closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (base, requests) = http_receiver(200);
    let plan = plan_with(&routes(port, &format!("{base}/hook")));
    let run = plan.run(&["notify"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    for to in ["leads@example.com", "luis@example.com", "ops@example.com"] {
        assert!(
            run.stderr.contains(&format!(
                "error: could not deliver to {to}: through the SMTP server 127.0.0.1:{port}:"
            )),
            "{}",
            run.stderr
        );
    }
    assert!(
        run.stderr
            .ends_with("3 of 4 deliveries failed; nothing was retried\n")
    );
    assert_eq!(
        requests.lock().unwrap().len(),
        1,
        "the webhook still got its POST"
    );

    // A webhook that answers 500 fails too, and is named.
    let (base, _) = http_receiver(500);
    let (port, _) = smtp_server();
    let plan = plan_with(&routes(port, &format!("{base}/hook")));
    let run = plan.run(&["notify"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains(&format!("error: could not deliver to {base}/hook: ")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_dry_run_says_what_would_go_and_sends_nothing() {
    let (port, mails) = smtp_server();
    let (base, requests) = http_receiver(200);
    let plan = plan_with(&routes(port, "https://hooks.example.com/x"));
    let run = plan.run(&["notify", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "2 alerts firing, 2 new (no --previous report: every firing alert is new).
E-mail leads@example.com: 1 alert
  critical key-result kb: Key result “Refresh the knowledge base”, owned by Luis, is overdue: its deadline, 15 Mar 2026, has passed.
    /okrs/2026-h1/#kr-kb
E-mail luis@example.com: 1 alert
  critical key-result kb: Key result “Refresh the knowledge base”, owned by Luis, is overdue: its deadline, 15 Mar 2026, has passed.
    /okrs/2026-h1/#kr-kb
E-mail ops@example.com: 1 alert
  warning threshold aht: Average handle time was 4.0 min in 2026-03, above 0.1 min.
    /kpis/aht/
POST to https://hooks.example.com/x: 1 alert
  warning threshold aht: Average handle time was 4.0 min in 2026-03, above 0.1 min.
    /kpis/aht/
Dry run: nothing was sent.
"
    );
    assert!(mails.lock().unwrap().is_empty());
    assert!(requests.lock().unwrap().is_empty());
    let _ = base;
}

#[test]
fn secrets_in_the_file_and_bad_addresses_are_refused_at_their_line() {
    let plan = plan_with(
        "[smtp]\nhost = \"smtp.example.com\"\nfrom = \"cx@example.com\"\npassword = \"hunter2\"\n\
         [[route]]\nto = \"not an address\"\n[[route]]\nto = \"a@example.com\"\nkinds = [\"treshold\"]\n\
         [people]\nAna = \"ana.example.com\"\n",
    );
    let run = plan.run(&["notify", "--dry-run"]);
    assert_eq!(run.code, 1);
    for expected in [
        "cxreport.toml:11:1: error: `password` does not belong in cxreport.toml, which is kept in git: set the environment variable CXREPORT_SMTP_PASSWORD instead",
        "cxreport.toml:13:6: error: `to` \"not an address\" is neither an e-mail address nor an http(s) webhook address",
        "cxreport.toml:16:10: error: `treshold` is not one of `threshold`, `theme`, `key-result`, `stale`, `case-overdue`; did you mean `threshold`?",
        "cxreport.toml:18:7: error: \"ana.example.com\" is not an e-mail address",
    ] {
        assert!(
            run.stderr.contains(expected),
            "{expected}\n\n{}",
            run.stderr
        );
    }
}

#[test]
fn a_webhook_address_can_come_from_the_environment() {
    let (base, requests) = http_receiver(200);
    let plan = plan_with("[[route]]\nto = \"$CXREPORT_TEST_HOOK\"\nkinds = [\"threshold\"]\n");
    let run = |value: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cxreport"));
        command.arg("notify").current_dir(&plan.root);
        match value {
            Some(v) => command.env("CXREPORT_TEST_HOOK", v),
            None => command.env_remove("CXREPORT_TEST_HOOK"),
        };
        command.output().unwrap()
    };
    let out = run(None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "error: could not deliver to $CXREPORT_TEST_HOOK: the environment variable CXREPORT_TEST_HOOK is not set"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(Some(&format!("{base}/secret")));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let posts = requests.lock().unwrap();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, "/secret");
}

#[test]
fn the_previous_report_can_be_the_published_sites_address() {
    let (port, mails) = smtp_server();
    let plan = plan_with(&format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nfrom = \"cx@example.com\"\ntls = \"none\"\n\
         [[route]]\nto = \"all@example.com\"\n"
    ));
    plan.build();
    let (site, asked) = http_server(200, plan.read("site/api/report.json"));
    let url = format!("{site}/api/report.json");
    let run = plan.run(&["notify", "--previous", &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!("2 alerts firing, 0 new since {url}.\nNothing to send.\n")
    );
    assert_eq!(asked.lock().unwrap()[0].path, "/api/report.json");
    assert!(mails.lock().unwrap().is_empty());

    // A site not published yet: every alert is new.
    let (site, _) = http_server(404, "not found".to_owned());
    let url = format!("{site}/api/report.json");
    let run = plan.run(&["notify", "--previous", &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(&format!(
            "2 alerts firing, 2 new ({url} has no report yet).\n"
        )),
        "{}",
        run.stdout
    );
    assert_eq!(mails.lock().unwrap().len(), 1);

    // Any other failure sends nothing: better late than everything again.
    let (site, _) = http_server(500, "oops".to_owned());
    let url = format!("{site}/api/report.json");
    let run = plan.run(&["notify", "--previous", &url]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "cannot fetch the previous report {url}: the server answered 500"
        )),
        "{}",
        run.stderr
    );
    assert_eq!(mails.lock().unwrap().len(), 1);
}

#[test]
fn every_toml_example_in_the_notify_guide_is_valid() {
    let guide = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/notify.md"),
    )
    .unwrap();
    let blocks: Vec<&str> = guide
        .split("```toml\n")
        .skip(1)
        .filter_map(|b| b.split("\n```").next())
        .collect();
    assert_eq!(blocks.len(), 2, "the routes and [smtp] examples");
    for block in blocks {
        let plan = plan_with(block);
        let run = plan.run(&["check"]);
        assert_eq!(run.code, 0, "{block}\n{}", run.stderr);
    }
}

#[test]
fn a_spanish_plan_gets_its_messages_in_spanish() {
    let (port, mails) = smtp_server();
    let plan = Plan::fixture("spanish");
    let toml = plan.read("cxreport.toml");
    plan.write(
        "cxreport.toml",
        &format!(
            "{toml}\n[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nfrom = \"cx@example.com\"\ntls = \"none\"\n\
             [[route]]\nto = \"todos@example.com\"\n"
        ),
    );
    let run = plan.run(&["notify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mails = mails.lock().unwrap();
    assert_eq!(mails.len(), 1);
    let data = &mails[0].data;
    assert!(
        data.contains("Subject: =?utf-8?") || data.contains("Subject: Nuevas alertas en"),
        "{data}"
    );
    assert!(
        data.contains("lang=3D\"es\"") || data.contains("lang=\"es\""),
        "{data}"
    );
    assert!(data.contains("Abrir el informe"), "{data}");
}

#[test]
fn names_that_match_nothing_in_the_plan_are_warned_about() {
    let plan = plan_with(
        "[[route]]\nto = \"a@example.com\"\nmetrics = [\"ahtt\"]\nowners = [\"Luis\", \"Lusi\"]\n\
         [people]\nLuis = \"luis@example.com\"\n\"Ana Gómez\" = \"ana@example.com\"\n",
    );
    let run = plan.run(&["notify", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.contains("warning"))
            .collect::<Vec<_>>(),
        [
            "cxreport.toml:10:12: warning: `metrics` names \"ahtt\", which is no metric of the plan; did you mean `aht`?",
            "cxreport.toml:11:19: warning: \"Lusi\" is no owner the plan names (of a key result, objective, initiative, flow or follow-up case), so no alert goes to them by name",
            "cxreport.toml:14:1: warning: \"Ana Gómez\" is no owner the plan names (of a key result, objective, initiative, flow or follow-up case), so no alert goes to them by name",
        ]
    );
}

#[test]
fn the_example_plans_dry_run_routes_its_alerts_and_writes_nothing() {
    let plan = Plan::copy_of(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let before = crate::support::tree(&plan.root);
    let run = plan.run(&["notify", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let heads: Vec<&str> = run.stdout.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        heads,
        [
            "19 alerts firing, 19 new (no --previous report: every firing alert is new).",
            // Owners of key results and of overdue follow-up cases.
            "E-mail carmen.vidal@example.com: 1 alert",
            "E-mail diego.martin@example.com: 7 alerts",
            "E-mail lucia.gomez@example.com: 4 alerts",
            "E-mail marta.ruiz@example.com: 4 alerts",
            "E-mail service-leads@example.com: 1 alert",
            "POST to https://hooks.example.com/services/T000/B000/XXXX: 2 alerts",
            "Dry run: nothing was sent.",
        ]
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(
        before == crate::support::tree(&plan.root),
        "notify wrote no file"
    );
}
