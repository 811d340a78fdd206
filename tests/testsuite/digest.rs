//! `cxreport digest`: the home page as an e-mail. Sent to a real SMTP
//! server (`servers`), compared with a revision in a real git repository
//! and with a published report, in both languages; its HTML stays what
//! e-mail clients render (no scripts, no stylesheets, under 100 KB). The
//! Nu checker reads the example plan's digest in the browser suite
//! (tests/browser/run).

use std::net::TcpListener;

use crate::servers::{add_aht_alert, assert_multipart_alternative, smtp_server};
use crate::support::{Plan, git};

/// The minimal fixture with a second alert (a warning on `aht`) beside
/// its overdue key result `kb`, when `alert` is set, and `settings` added
/// to cxreport.toml.
fn plan_with(alert: bool, settings: &str) -> Plan {
    let plan = Plan::fixture("minimal");
    if alert {
        add_aht_alert(&plan);
    }
    let toml = plan.read("cxreport.toml");
    plan.write("cxreport.toml", &format!("{toml}\n{settings}"));
    plan
}

fn smtp(port: u16) -> String {
    format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nfrom = \"CX report <cx@example.com>\"\ntls = \"none\"\n\n\
         [digest]\nto = [\"board@example.com\", \"ana@example.com\"]\n"
    )
}

/// The plan in a git repository of its own, its files committed.
fn committed(plan: &Plan) {
    git(
        &plan.root,
        &["init", "-q", "-b", "main"],
        "2026-03-01T09:00:00+01:00",
    );
    git(&plan.root, &["add", "."], "2026-03-01T09:00:00+01:00");
    commit(plan, "The plan", "2026-03-01T09:00:00+01:00");
}

fn commit(plan: &Plan, subject: &str, date: &str) {
    git(&plan.root, &["add", "."], date);
    git(&plan.root, &["commit", "-q", "-m", subject], date);
}

#[test]
fn the_digest_goes_to_each_address_as_one_multipart_message() {
    let (port, mails) = smtp_server();
    let plan = plan_with(true, &smtp(port));
    let run = plan.run(&["digest", "--send"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "", "--send prints nothing on stdout");
    assert!(
        run.stderr
            .contains("Sent the digest to board@example.com\n")
            && run.stderr.contains("Sent the digest to ana@example.com\n"),
        "{}",
        run.stderr
    );
    let mails = mails.lock().unwrap();
    let to: Vec<String> = mails.iter().map(|m| m.to.join(",")).collect();
    assert_eq!(to, ["board@example.com", "ana@example.com"]);
    let data = &mails[0].data;
    assert!(
        data.contains("From: \"CX report\" <cx@example.com>\r\n")
            || data.contains("From: CX report <cx@example.com>\r\n"),
        "{data}"
    );
    assert!(
        data.contains("Subject: Minimal plan: digest of 31 Mar 2026\r\n"),
        "{data}"
    );
    assert_multipart_alternative(data);
}

#[test]
fn the_html_is_what_mail_clients_render_and_the_text_says_the_same() {
    let plan = plan_with(true, "");
    let run = plan.run(&["digest", "--out", "digest.html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "", "--out writes the file, prints no text");
    let html = plan.read("digest.html");
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{html}"
    );
    for absent in ["<script", "<style", "<link", "class=\"", "<svg"] {
        assert!(!html.contains(absent), "{absent} in the digest:\n{html}");
    }
    assert!(html.len() < 100 * 1024);
    // The same sections in both parts, from the same view.
    let text = plan.run(&["digest"]).stdout;
    for section in [
        "Headline KPIs",
        "Alerts",
        "Next deadlines",
        "Open the report",
    ] {
        assert!(html.contains(section), "{section} not in the HTML");
        assert!(text.contains(section), "{section} not in the text:\n{text}");
    }
    assert!(
        text.starts_with("Minimal plan\nDigest of 31 Mar 2026\n\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "1 critical alert and 1 warning. All alerts: /alerts/\n\n- [critical] Key result “Refresh the knowledge base”"
        ),
        "{text}"
    );
    // Without a previous digest, nothing is called new or changed.
    assert!(!text.contains("new since"), "{text}");
    assert!(!text.contains("What changed"), "{text}");
}

#[test]
fn new_alerts_and_the_plans_changes_since_a_revision() {
    let plan = plan_with(false, "");
    committed(&plan);
    add_aht_alert(&plan);
    let okrs = plan.read("data/okrs/2026-h1.toml");
    plan.write(
        "data/okrs/2026-h1.toml",
        &okrs.replacen("target = 90\n", "target = 85\n", 1),
    );
    let metrics = plan.read("data/metrics.toml");
    plan.write(
        "data/metrics.toml",
        &metrics.replacen("target = 90\n", "target = 80\n", 1),
    );
    commit(
        &plan,
        "Alert on AHT; a lower SLA target",
        "2026-03-20T09:00:00+01:00",
    );
    let run = plan.run(&["digest", "--since", "HEAD~1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = &run.stdout;
    assert!(
        text.starts_with("Minimal plan\nDigest of 31 Mar 2026; changes since HEAD~1\n"),
        "{text}"
    );
    let new = text
        .find("1 new since the previous digest:\n- [warning] Average handle time")
        .unwrap_or_else(|| panic!("{text}"));
    let open = text
        .find("1 still open:\n- [critical] Key result “Refresh the knowledge base”")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(new < open, "{text}");
    assert!(
        text.contains(
            "What changed in the plan\n\n- data/metrics.toml changed\n  - alert #1 added\n  - metric sla: target 90 → 80\n- data/okrs/2026-h1.toml changed\n  - key result sla-up: target 90 → 85\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "Effect on the report\n\n- Target of 2026-h1/sla-up (SLA to 90%): 90 → 85 (lowered)\n- Target of the KPI sla (Response SLA): 90 → 80 (lowered)\n"
        ),
        "{text}"
    );
}

#[test]
fn a_previous_report_gives_its_alerts_and_the_commit_it_was_built_from() {
    let plan = plan_with(false, "");
    committed(&plan);
    plan.build();
    let report = plan.read("site/api/report.json");
    let head = git(
        &plan.root,
        &["rev-parse", "HEAD"],
        "2026-03-01T09:00:00+01:00",
    );
    assert!(
        report.contains(&format!("\"commit\":\"{head}\"")),
        "{report}"
    );
    std::fs::rename(plan.path("site"), plan.path("old")).unwrap();
    add_aht_alert(&plan);
    commit(&plan, "Alert on AHT", "2026-03-20T09:00:00+01:00");
    let run = plan.run(&["digest", "--previous", "old/api/report.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = &run.stdout;
    assert!(
        text.contains(&format!("; changes since {}\n", &head[..8])),
        "{text}"
    );
    assert!(
        text.contains("1 new since the previous digest:\n- [warning] Average handle time"),
        "{text}"
    );
    assert!(
        text.contains("- data/metrics.toml changed\n  - alert #1 added\n"),
        "{text}"
    );

    // A report from a commit this clone lacks: the alerts still compare,
    // and the digest says why the plan's changes are missing.
    let unknown = report.replace(&head, &"0".repeat(40));
    plan.write("unknown.json", &unknown);
    let run = plan.run(&["digest", "--previous", "unknown.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("1 new since the previous digest:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("The previous report was built from commit 00000000, which this repository does not have (a shallow clone?), so the plan's own changes are not listed."),
        "{}",
        run.stdout
    );
}

#[test]
fn a_spanish_plan_gets_its_digest_in_spanish() {
    let plan = Plan::fixture("spanish");
    let run = plan.run(&["digest", "--out", "resumen.html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = plan.read("resumen.html");
    assert!(html.contains("<html lang=\"es\">"), "{html}");
    assert!(html.contains("Resumen del "), "{html}");
    assert!(
        html.contains("Próximos vencimientos") || html.contains("KPI principales"),
        "{html}"
    );
    assert!(!html.contains("Headline KPIs"), "{html}");
}

#[test]
fn an_unreachable_server_is_named_and_the_run_fails() {
    // A port nothing listens on: bound, then closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let plan = plan_with(false, &smtp(port));
    let run = plan.run(&["digest", "--send"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    for to in ["board@example.com", "ana@example.com"] {
        assert!(
            run.stderr.contains(&format!(
                "error: could not deliver to {to}: through the SMTP server 127.0.0.1:{port}: "
            )),
            "{}",
            run.stderr
        );
    }
    assert!(
        run.stderr
            .contains("2 of 2 deliveries failed; nothing was retried"),
        "{}",
        run.stderr
    );
}

#[test]
fn sending_needs_someone_to_send_to() {
    let plan = plan_with(false, "[digest]\nto = [\"board@example\"]\n");
    let run = plan.run(&["digest", "--send"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "cxreport.toml:9:7: error: \"board@example\" is not an e-mail address: write one such as \"ana@example.com\""
        ),
        "{}",
        run.stderr
    );
    let plan = plan_with(false, "");
    let run = plan.run(&["digest", "--send"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("cxreport.toml names nobody to send the digest to: add [digest] to = [\"ana@example.com\"]"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_example_plans_digest_is_small_and_says_what_the_home_page_says() {
    let plan = Plan::copy_of(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let run = plan.run(&["digest", "--out", "digest.html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = plan.read("digest.html");
    assert!(html.len() < 100 * 1024, "{} bytes", html.len());
    plan.build();
    let home = plan.read("site/index.html");
    // The headline sentence is the home page's, word for word.
    let sentence = |page: &str| -> String {
        let at = page.find("Of ").expect("a headline");
        page[at..at + page[at..].find("</p>").unwrap()]
            .replace('\n', " ")
            .split('<')
            .map(|piece| piece.split_once('>').map_or(piece, |(_, t)| t))
            .collect()
    };
    assert_eq!(sentence(&html), sentence(&home));
}

#[test]
fn what_the_plan_says_reaches_the_html_as_text() {
    let plan = Plan::fixture("hostile");
    let run = plan.run(&["digest", "--out", "digest.html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = plan.read("digest.html");
    for markup in ["<script", "<img", "<iframe"] {
        assert!(!html.contains(markup), "{markup} in:\n{html}");
    }
    assert!(html.contains("&lt;script&gt;window.__xss=1"), "{html}");
}

#[test]
fn starttls_is_never_given_up_for_a_clear_connection() {
    // A real server that offers no STARTTLS: with `tls = "starttls"` the
    // digest is not sent in clear, and the failure names the server.
    let (port, mails) = smtp_server();
    let plan = plan_with(
        false,
        &smtp(port).replace("tls = \"none\"", "tls = \"starttls\""),
    );
    let run = plan.run(&["digest", "--send"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "error: could not deliver to board@example.com: through the SMTP server 127.0.0.1:{port}: "
        )),
        "{}",
        run.stderr
    );
    assert!(mails.lock().unwrap().is_empty(), "nothing went in clear");
}
