//! The preview server's HTTP/1.1 connections: accepting them, reading each
//! request's head within hard limits, and writing the answers back.
//!
//! This used to be tiny_http, which reads a request line and headers byte by
//! byte into a `Vec` with no limit and no timeout (its issue 56, open since
//! 2015): a 300 MB URL made `serve` hold over 300 MB, and a client that sends
//! one byte now and then held a thread for ever (issue 14). Neither can be
//! fixed from outside it, since it reads from the listener itself; a guard in
//! front would have had to parse every request of a kept-alive connection,
//! which is the server over again. `serve` needs little of HTTP: GET and HEAD
//! with no body, keep-alive, and one endless response (the event stream). So
//! the head is parsed by httparse (hyper's parser, which allocates nothing and
//! counts headers) from a buffer that never grows past [`LIMITS`], and the rest
//! is this file. A head over the limit gets 414 (the request line) or 431, a
//! head too slow 408, and the connection closes; at most
//! [`MAX_CONNECTIONS`] are served at once, one thread each.

use std::io::{self, Read as _, Write as _};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How much of a client one connection will put up with.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// The request line and headers together. Cookies ignore ports, so a
    /// browser sends this server those of every local tool it has used: room
    /// for them, as Node's 16 KiB default gives.
    pub head_bytes: usize,
    /// From waiting for a request to having its whole head; also how long a
    /// kept-alive connection may stay idle.
    pub head_time: Duration,
    /// One write to a client that does not read.
    pub write_time: Duration,
    /// After a refusal, how long what the client still sends is read and
    /// dropped before closing: closing on unread data resets the connection,
    /// and the client may then lose the answer before reading it.
    pub linger: Duration,
}

/// The limits `serve` runs with.
pub(super) const LIMITS: Limits = Limits {
    head_bytes: 16 * 1024,
    head_time: Duration::from_secs(10),
    write_time: Duration::from_secs(30),
    linger: Duration::from_secs(2),
};

/// Headers in one request, as Apache's `LimitRequestFields` default.
const MAX_HEADERS: usize = 100;

/// Connections served at once; more are closed unanswered. A browser opens
/// at most six per server, so this leaves room for many tabs, not for
/// thousands of stalled clients each holding a thread.
pub(super) const MAX_CONNECTIONS: usize = 128;

/// The head of a request, read in full.
#[derive(Debug)]
pub(super) struct Request {
    /// `GET`, `HEAD`, or any other token.
    pub method: String,
    /// The request target as sent (`/kpis/?x=1`).
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    headers: Vec<(String, String)>,
}

impl Request {
    /// The values of every header named `name` (in any case), in order.
    pub fn headers<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the connection may carry another request after this one.
    /// A body is never read, so a request that has one ends its connection.
    fn keeps_alive(&self) -> bool {
        let has_body = self.headers("Transfer-Encoding").next().is_some()
            || self.headers("Content-Length").any(|v| v.trim() != "0");
        let close = self
            .headers("Connection")
            .flat_map(|v| v.split(','))
            .any(|token| token.trim().eq_ignore_ascii_case("close"));
        self.minor_version == 1 && !has_body && !close
    }
}

/// An answer with its whole body.
#[derive(Debug)]
pub(super) struct Response {
    /// `200`, `404`, …
    pub status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    /// `status` with `body` and no headers yet.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// With the header added, unless its value could break the head (a
    /// redirect to a path a client sent with a line break in it).
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        if !value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
            self.headers.push((name, value));
        }
        self
    }

    /// The status line and headers; `length` is `None` for a body that runs
    /// until the connection closes.
    fn head(&self, length: Option<usize>, keep_alive: bool) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        if let Ok(date) = jiff::fmt::rfc2822::DateTimePrinter::new()
            .timestamp_to_rfc9110_string(&jiff::Timestamp::now())
        {
            head.push_str(&format!("Date: {date}\r\n"));
        }
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(length) = length {
            head.push_str(&format!("Content-Length: {length}\r\n"));
        }
        if !keep_alive {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        head.into_bytes()
    }
}

/// What a request is answered with.
pub(super) enum Reply {
    /// An answer with a `Content-Length`, after which the connection may
    /// carry the next request.
    Whole(Response),
    /// A head, then a body written by the function for as long as it likes;
    /// the connection closes after it.
    Stream(Response, Box<dyn FnOnce(&mut TcpStream) + Send>),
}

/// Serves every connection `listener` accepts with `answer`, each on its own
/// thread, until `stopping` is set and one more connection (the waker) comes.
pub(super) fn accept<F>(listener: &TcpListener, stopping: &AtomicBool, answer: F)
where
    F: Fn(&Request) -> Reply + Clone + Send + 'static,
{
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors, say: a pause rather than a busy loop.
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let (slot, answer) = (Slot(open.clone()), answer.clone());
        std::thread::spawn(move || {
            let _slot = slot;
            serve(stream, &LIMITS, answer);
        });
    }
}

/// One of the [`MAX_CONNECTIONS`], given back however its thread ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Answers the requests of one connection in turn, until the client closes
/// it, breaks a limit, or a request ends it.
pub(super) fn serve(mut stream: TcpStream, limits: &Limits, answer: impl Fn(&Request) -> Reply) {
    // Heads and bodies are written whole: no reason to wait for more.
    let _ = stream.set_nodelay(true);
    if stream.set_write_timeout(Some(limits.write_time)).is_err() {
        return;
    }
    // Holds what came after the head just read: the next request, pipelined.
    let mut buf = Vec::with_capacity(limits.head_bytes);
    loop {
        let request = match read_head(&mut stream, &mut buf, limits) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(status) => return refuse(stream, status, limits),
        };
        let keep_alive = request.keeps_alive();
        match answer(&request) {
            Reply::Whole(response) => {
                let head = response.head(Some(response.body.len()), keep_alive);
                let written = stream.write_all(&head).and_then(|()| {
                    if request.method == "HEAD" {
                        Ok(())
                    } else {
                        stream.write_all(&response.body)
                    }
                });
                if written.is_err() {
                    return;
                }
                if !keep_alive {
                    return close(stream, limits);
                }
            }
            Reply::Stream(response, body) => {
                if stream.write_all(&response.head(None, false)).is_ok() {
                    body(&mut stream);
                }
                return;
            }
        }
    }
}

/// Reads until `buf` holds a whole head, and takes it out. `Ok(None)` when
/// the client closed, or stayed idle, before starting one; `Err` is the
/// status to refuse it with.
fn read_head(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    limits: &Limits,
) -> Result<Option<Request>, u16> {
    let deadline = Instant::now() + limits.head_time;
    loop {
        if let Some((request, len)) = parse(buf)? {
            buf.drain(..len);
            return Ok(Some(request));
        }
        if buf.len() >= limits.head_bytes {
            // Still no end of line: the request line itself is too long.
            return Err(if buf.contains(&b'\n') { 431 } else { 414 });
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return if buf.iter().all(u8::is_ascii_whitespace) {
                Ok(None)
            } else {
                Err(408)
            };
        }
        if stream.set_read_timeout(Some(left)).is_err() {
            return Ok(None);
        }
        let start = buf.len();
        buf.resize(limits.head_bytes, 0);
        let read = stream.read(&mut buf[start..]);
        buf.truncate(start + *read.as_ref().unwrap_or(&0));
        match read {
            Ok(0) => return Ok(None),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(_) => return Ok(None),
        }
    }
}

/// The head at the start of `buf` and its length, if it is all there.
fn parse(buf: &[u8]) -> Result<Option<(Request, usize)>, u16> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut head = httparse::Request::new(&mut headers);
    let len = match head.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(431),
        Err(_) => return Err(400),
    };
    let (Some(method), Some(target), Some(minor_version)) = (head.method, head.path, head.version)
    else {
        return Err(400);
    };
    let request = Request {
        method: method.to_owned(),
        target: target.to_owned(),
        minor_version,
        headers: head
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_owned(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            })
            .collect(),
    };
    Ok(Some((request, len)))
}

/// Answers `status` with a line that says why, and closes.
fn refuse(mut stream: TcpStream, status: u16, limits: &Limits) {
    let why = match status {
        408 => "the request took too long to arrive".to_owned(),
        414 => format!("the request line is over {} bytes", limits.head_bytes),
        431 => format!(
            "the request has over {MAX_HEADERS} headers or over {} bytes of them",
            limits.head_bytes
        ),
        _ => "the request is not HTTP/1.1 as this server reads it".to_owned(),
    };
    let response = Response::new(status, format!("{why}\n"))
        .with("Content-Type", "text/plain; charset=utf-8")
        .with("X-Content-Type-Options", "nosniff");
    let head = response.head(Some(response.body.len()), false);
    if stream
        .write_all(&head)
        .and_then(|()| stream.write_all(&response.body))
        .is_ok()
    {
        close(stream, limits);
    }
}

/// Closes after the answer has gone, reading and dropping whatever the client
/// still sends for a while, into a small buffer.
fn close(mut stream: TcpStream, limits: &Limits) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + limits.linger;
    let mut scratch = [0; 8192];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut scratch) {
            Ok(1..) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            _ => return,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufRead as _;

    const QUICK: Limits = Limits {
        head_bytes: 256,
        head_time: Duration::from_millis(300),
        write_time: Duration::from_secs(5),
        linger: Duration::from_millis(200),
    };

    /// A client connected to one connection served with `QUICK` limits,
    /// answering every request with its target.
    fn client() -> TcpStream {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let addr = listener.local_addr().expect("its address");
        std::thread::spawn(move || {
            if let Ok((stream, _)) = listener.accept() {
                serve(stream, &QUICK, |r: &Request| {
                    Reply::Whole(Response::new(200, r.target.clone()))
                });
            }
        });
        let stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("a timeout");
        stream
    }

    fn read_all(stream: &mut TcpStream) -> String {
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        text
    }

    #[test]
    fn requests_on_one_connection_are_answered_in_turn() {
        let mut stream = client();
        let get = |path: &str, last: bool| {
            let close = if last { "Connection: close\r\n" } else { "" };
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{close}\r\n")
        };
        // Pipelined: both heads in one write.
        let both = format!("{}{}", get("/a", false), get("/b", false));
        stream.write_all(both.as_bytes()).expect("write");
        stream.write_all(get("/c", true).as_bytes()).expect("write");
        let text = read_all(&mut stream);
        let bodies: Vec<_> = text
            .split("HTTP/1.1 200 OK\r\n")
            .skip(1)
            .map(|r| r.split_once("\r\n\r\n").map_or("", |(_, body)| body))
            .collect();
        assert_eq!(bodies, ["/a", "/b", "/c"], "{text}");
        assert!(text.contains("Content-Length: 2\r\nConnection: close\r\n\r\n/c"));
    }

    #[test]
    fn a_slow_head_is_refused_in_time_and_an_idle_connection_closed() {
        let started = Instant::now();
        let mut slow = client();
        slow.write_all(b"GET / HTTP/1.1\r\nHost: loc")
            .expect("write");
        let text = read_all(&mut slow);
        assert!(
            text.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
            "{text}"
        );
        assert!(started.elapsed() < Duration::from_secs(3));
        let mut idle = client();
        assert_eq!(read_all(&mut idle), "");
    }

    #[test]
    fn a_head_over_the_limit_is_refused() {
        let mut line = client();
        line.write_all(format!("GET /{}", "a".repeat(300)).as_bytes())
            .expect("write");
        let mut status = String::new();
        let _ = std::io::BufReader::new(&mut line).read_line(&mut status);
        assert_eq!(status, "HTTP/1.1 414 URI Too Long\r\n");
        let mut headers = client();
        let many = format!("GET / HTTP/1.1\r\n{}", "X: y\r\n".repeat(60));
        headers.write_all(many.as_bytes()).expect("write");
        assert!(read_all(&mut headers).starts_with("HTTP/1.1 431 "));
        let mut garbage = client();
        garbage.write_all(b"GET / HTTP/9\r\n\r\n").expect("write");
        assert!(read_all(&mut garbage).starts_with("HTTP/1.1 400 "));
    }

    #[test]
    fn a_request_with_a_body_ends_its_connection() {
        let mut stream = client();
        stream
            .write_all(b"POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabcGET /y HTTP/1.1\r\n\r\n")
            .expect("write");
        let text = read_all(&mut stream);
        assert_eq!(text.matches("HTTP/1.1").count(), 1, "{text}");
        assert!(text.ends_with("Connection: close\r\n\r\n/x"), "{text}");
    }
}
