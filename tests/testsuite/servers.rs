//! Real servers for the tests of what `cxreport` sends: an SMTP server
//! (mailin-embedded, a real implementation of the protocol, in this
//! process on a free port of 127.0.0.1) that records each message it
//! accepts; and what the tests of `notify` and `digest` share about the
//! plan they send from and the messages they check. Nothing leaves the
//! machine.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use mailin_embedded::{Handler, Response, Server, response};

use crate::support::Plan;

/// One message the SMTP server accepted.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Clone, Default)]
struct Recorder {
    mails: Arc<Mutex<Vec<Mail>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Recorder {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.mails.lock().unwrap().push(Mail {
            to: std::mem::take(&mut self.to),
            data: String::from_utf8_lossy(&std::mem::take(&mut self.data)).into_owned(),
        });
        response::OK
    }
}

/// A real SMTP server on a free port; it runs until the test process ends.
pub fn smtp_server() -> (u16, Arc<Mutex<Vec<Mail>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let recorder = Recorder::default();
    let mails = recorder.mails.clone();
    let mut server = Server::new(recorder);
    server.with_name("test.example").with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, mails)
}

/// Adds an alert on `aht` to the minimal fixture: a warning about a metric,
/// beside its overdue key result `kb` (critical, owned by Luis).
pub fn add_aht_alert(plan: &Plan) {
    let metrics = plan.read("data/metrics.toml");
    assert_eq!(metrics.matches("target = 3\n").count(), 1);
    plan.write(
        "data/metrics.toml",
        &metrics.replace(
            "target = 3\n",
            "target = 3\n\n[[metric.alert]]\nabove = 0.1\n",
        ),
    );
}

/// A message as it arrived is one multipart/alternative: its plain-text
/// part first, then its HTML part (clients show the last they can).
pub fn assert_multipart_alternative(data: &str) {
    assert!(
        data.contains("Content-Type: multipart/alternative;"),
        "{data}"
    );
    let plain = data
        .find("Content-Type: text/plain; charset=utf-8")
        .expect("a text part");
    let html = data
        .find("Content-Type: text/html; charset=utf-8")
        .expect("an HTML part");
    assert!(plain < html, "the plain part comes first, the richer last");
}
