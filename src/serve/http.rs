//! The preview server's answers: the site's files from memory, the reload
//! script, and a stream of server-sent events that tells each open page when
//! a rebuild changed it or when the plan has problems.
//!
//! Every HTML page served gets a few lines before `</body>`: the script (and,
//! while a build fails, the problems as text, so they show even before the
//! script runs). The site written to disk never has them.

use std::io::Write as _;
use std::net::{IpAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use super::connection::{Reply, Request, Response};
use super::{Live, State};
use crate::diag;
use crate::terminal::Terminal;

/// Where the preview's own files are, outside any site's base path.
const PREFIX: &str = "/__cxreport/";
const SCRIPT: &str = include_str!("live.js");
const STYLE: &str = include_str!("live.css");

/// How often an idle event stream sends a comment, so a closed page's
/// connection is noticed and its thread ends.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Which `Host` a request may name. Listening on a loopback address, only
/// this machine's own names: otherwise any web page could read the plan
/// through a DNS name of its own pointed at 127.0.0.1 (DNS rebinding).
#[derive(Debug, Clone, Copy)]
pub(super) struct Guard {
    loopback: bool,
}

impl Guard {
    pub(super) fn new(bind: IpAddr) -> Self {
        Guard {
            loopback: bind.is_loopback(),
        }
    }

    /// The refusal a request earns by its `Host`, if any. Exactly one is
    /// needed (none at all only in HTTP/1.0): with two, a proxy or cache in
    /// between may read the other one than this server (issue 14).
    fn refusal(self, request: &Request) -> Option<Response> {
        let mut hosts = request.headers("Host");
        let host = match (hosts.next(), hosts.next()) {
            (Some(host), None) => Some(host),
            (None, _) if request.minor_version == 0 => None,
            (None, _) => return Some(text(400, "an HTTP/1.1 request names its Host")),
            (Some(_), Some(_)) => return Some(text(400, "a request names one Host, not two")),
        };
        if !self.loopback || host.is_some_and(is_local) {
            return None;
        }
        Some(text(403, "cxreport serve answers only to localhost"))
    }
}

/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port.
fn is_local(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !name.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    name.eq_ignore_ascii_case("localhost") || matches!(name, "127.0.0.1" | "[::1]")
}

/// Answers one request.
pub(super) fn respond(
    request: &Request,
    live: &Arc<Live>,
    guard: &Guard,
    term: &Terminal,
) -> Reply {
    if let Some(refused) = guard.refusal(request) {
        return Reply::Whole(refused);
    }
    // Only a path: an absolute URL would name a host of its own, unchecked.
    if !request.target.starts_with('/') {
        return Reply::Whole(text(400, "the request target is not a path"));
    }
    let path = request
        .target
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_owned();
    let events_path = path == format!("{PREFIX}events");
    let allowed = if events_path { "GET" } else { "GET, HEAD" };
    if !(request.method == "GET" || !events_path && request.method == "HEAD") {
        return Reply::Whole(text(405, &format!("only {allowed}")).with("Allow", allowed));
    }
    term.detail(format!("{} {path}", request.method));
    let response = match path.strip_prefix(PREFIX) {
        Some("live.js") => asset(SCRIPT, "text/javascript; charset=utf-8"),
        Some("live.css") => asset(STYLE, "text/css; charset=utf-8"),
        Some("events") => return events(live),
        Some(_) => not_found(&live.lock(), &live.server),
        None => site_file(&path, live),
    };
    Reply::Whole(response)
}

/// Headers every answer carries.
fn secured(response: Response) -> Response {
    response
        .with("X-Content-Type-Options", "nosniff")
        .with("Referrer-Policy", "no-referrer")
}

fn text(status: u16, text: &str) -> Response {
    secured(Response::new(status, format!("{text}\n")))
        .with("Content-Type", "text/plain; charset=utf-8")
}

fn asset(text: &'static str, content_type: &str) -> Response {
    secured(Response::new(200, text)).with("Content-Type", content_type)
}

/// An HTML page, with the policy its meta tag has, as a header too: the
/// same text from the same built configuration, so they cannot differ.
fn html(status: u16, body: Vec<u8>, state: &State) -> Response {
    secured(Response::new(status, body))
        .with("Content-Type", "text/html; charset=utf-8")
        .with("Content-Security-Policy", state.csp.clone())
        // Every request asks again, so a reload always shows the new build.
        .with("Cache-Control", "no-store")
}

/// A file of the site, a redirect to a folder's `/`, or 404. `raw` is the
/// path as the request has it, percent-encoded.
fn site_file(raw: &str, live: &Live) -> Response {
    let path = percent_decoded(raw);
    let state = live.lock();
    let Some(rel) = path.strip_prefix(&state.base_path) else {
        if path == "/" || format!("{path}/") == state.base_path {
            return redirect(&percent_encoded(&state.base_path));
        }
        return not_found(&state, &live.server);
    };
    let rel = crate::url::file_of(rel);
    let Some(bytes) = state.files.get(&rel) else {
        if state
            .files
            .contains_key(&crate::url::file_of(&format!("{rel}/")))
        {
            return redirect(&percent_encoded(&format!("{path}/")));
        }
        return not_found(&state, &live.server);
    };
    let content_type = crate::site::content_type(&rel);
    if content_type.starts_with("text/html") {
        return html(200, inject(bytes, &state, &live.server), &state);
    }
    secured(Response::new(200, bytes.to_vec()))
        .with("Content-Type", content_type)
        .with("Cache-Control", "no-store")
}

fn redirect(to: &str) -> Response {
    secured(Response::new(302, Vec::new())).with("Location", to)
}

/// A page that says so, with the reload script: when the page appears (or
/// the first build succeeds), it reloads into it.
fn not_found(state: &State, server: &str) -> Response {
    let text = if state.files.is_empty() {
        "The plan has not built yet."
    } else {
        "No page here."
    };
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title><link rel=\"icon\" href=\"data:,\"></head>\n<body><p>{text}</p></body></html>\n"
    );
    html(404, inject(page.as_bytes(), state, server), state)
}
/// `html` with the preview's lines before its last `</body>`.
fn inject(html: &[u8], state: &State, server: &str) -> Vec<u8> {
    let mut lines = format!(
        "<link rel=\"stylesheet\" href=\"{PREFIX}live.css\">\n<script src=\"{PREFIX}live.js\" data-server=\"{server}\" data-generation=\"{}\" defer></script>\n",
        state.generation
    );
    lines.push_str(&overlay(state));
    let at = html
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + lines.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(lines.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The problems box, as `live.js` also draws it; empty when there are none.
fn overlay(state: &State) -> String {
    if state.problems.is_empty() {
        return String::new();
    }
    let mut html = format!(
        "<div id=\"cxreport-problems\" role=\"alert\"><p class=\"title\">{}</p><ol>",
        crate::render::escape_html(&title(state))
    );
    for p in &state.problems {
        html.push_str("<li>");
        if !p.file.is_empty() {
            html.push_str(&format!(
                "<span class=\"place\">{}</span> ",
                crate::render::escape_html(&place(p))
            ));
        }
        html.push_str(&format!(
            "<span class=\"{0}\">{0}:</span> {1}</li>",
            p.severity.as_str(),
            crate::render::escape_html(&p.message)
        ));
    }
    html.push_str("</ol></div>\n");
    html
}

fn title(state: &State) -> String {
    if state.problems.is_empty() {
        return String::new();
    }
    let kept = if state.files.is_empty() {
        "the site could not be built"
    } else {
        "this is the last good build"
    };
    format!("The plan has {}; {kept}.", diag::counts(&state.problems))
}

fn place(p: &diag::Diagnostic) -> String {
    format!("{}:{}:{}", p.file, p.line, p.column)
}

/// One update for the pages, as `live.js` reads it. `changed` is `None` when
/// the page may have missed updates and cannot know what changed.
fn update(state: &State, server: &str, changed: Option<&[String]>) -> String {
    let problems: Vec<_> = state
        .problems
        .iter()
        .map(|p| {
            serde_json::json!({
                "place": if p.file.is_empty() { String::new() } else { place(p) },
                "severity": p.severity.as_str(),
                "message": p.message,
            })
        })
        .collect();
    serde_json::json!({
        "server": server,
        "generation": state.generation,
        "changed": changed,
        "title": title(state),
        "problems": problems,
    })
    .to_string()
}

/// Streams updates to one page until it goes away or the server stops.
fn events(live: &Arc<Live>) -> Reply {
    let (hello, seen) = {
        let state = live.lock();
        // The page may have been served before the latest build, and cannot
        // know what it changed: `changed` is unknown, and a newer generation
        // reloads it.
        let hello = format!(
            "retry: 500\ndata: {}\n\n",
            update(&state, &live.server, None)
        );
        (hello, state.generation)
    };
    let head = secured(Response::new(200, Vec::new()))
        .with("Content-Type", "text/event-stream")
        .with("Cache-Control", "no-store");
    let live = live.clone();
    Reply::Stream(
        head,
        Box::new(move |out| stream_events(out, &live, &hello, seen)),
    )
}

fn stream_events(out: &mut TcpStream, live: &Live, hello: &str, mut seen: u64) {
    // Never written with the lock held: a page that stops reading would
    // hold up every other.
    if out
        .write_all(hello.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    let mut state = live.lock();
    loop {
        let (next, timeout) = live
            .updated
            .wait_timeout_while(state, KEEP_ALIVE, |s| s.generation == seen && !s.stopping)
            .unwrap_or_else(|e| e.into_inner());
        state = next;
        if state.stopping {
            return;
        }
        let message = if timeout.timed_out() {
            ": keep-alive\n\n".to_owned()
        } else {
            let changed = if state.generation == seen + 1 {
                state.changed.as_deref()
            } else {
                None
            };
            seen = state.generation;
            format!("data: {}\n\n", update(&state, &live.server, changed))
        };
        // Written without the lock, so a slow page cannot hold up the others.
        drop(state);
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
        state = live.lock();
    }
}

/// The URL a file of the site is served at: a page by its folder.
pub(super) fn url_of(base_path: &str, path: &str) -> String {
    format!("{base_path}{}", crate::url::page_of(path))
}

/// `%C3%A9` back to `é`: browsers encode what is not ASCII in a path (a
/// base_url of `/café/`).
pub(super) fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A path as a URL may carry it: what is not ASCII, and controls, spaces,
/// `%`, `?` and `#`, percent-encoded.
pub(super) fn percent_encoded(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_graphic() && !matches!(b, b'%' | b'?' | b'#') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diagnostic, Severity};

    #[test]
    fn urls_of_files() {
        assert_eq!(url_of("/", "index.html"), "/");
        assert_eq!(url_of("/cx/", "kpis/sla/index.html"), "/cx/kpis/sla/");
        assert_eq!(url_of("/", "static/style.css"), "/static/style.css");
        assert_eq!(url_of("/", "api/xindex.html"), "/api/xindex.html");
    }

    #[test]
    fn paths_are_decoded() {
        assert_eq!(percent_decoded("/caf%C3%A9/"), "/café/");
        assert_eq!(percent_encoded("/café/a b?"), "/caf%C3%A9/a%20b%3F");
        assert_eq!(percent_decoded("/a%2"), "/a%2");
        assert_eq!(percent_decoded("/%zz%41"), "/%zzA");
    }

    #[test]
    fn problems_are_text() {
        let state = State {
            problems: vec![Diagnostic {
                file: "data/<b>.toml".into(),
                line: 3,
                column: 5,
                severity: Severity::Error,
                message: "unknown field `<script>`".into(),
            }],
            generation: 4,
            ..State::default()
        };
        let html =
            String::from_utf8(inject(b"<body><p>old</p></body>", &state, "s1")).expect("utf-8");
        assert!(html.starts_with("<body><p>old</p><link"), "{html}");
        assert!(html.ends_with("</ol></div>\n</body>"), "{html}");
        assert!(html.contains("data-generation=\"4\""), "{html}");
        assert!(
            html.contains("<span class=\"place\">data/&lt;b&gt;.toml:3:5</span> <span class=\"error\">error:</span> unknown field `&lt;script&gt;`"),
            "{html}"
        );
        assert!(html.contains("The plan has 1 error, 0 warnings; the site could not be built."));
        // Allowed by the pages' Content-Security-Policy: no inline script or
        // event handler.
        let added = &html["<body><p>old</p>".len()..];
        assert_eq!(added.matches("<script").count(), 1, "{added}");
        assert!(
            added.contains("<script src=\"/__cxreport/live.js\""),
            "{added}"
        );
        let handler = added.split(" on").skip(1).any(|rest| {
            let name = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            name.len() < rest.len() && name.starts_with('=')
        });
        assert!(!handler, "{added}");
        let none = State::default();
        assert!(!String::from_utf8_lossy(&inject(b"<p>x</p>", &none, "s")).contains("problems"));
    }
}
