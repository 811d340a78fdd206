//! `cxreport serve`: builds the plan, serves the site on a local port, and
//! rebuilds it whenever a file of the plan changes, telling the open pages to
//! reload. A build that fails keeps the last good site served, with the
//! problems shown over it in the browser and printed in the terminal; the
//! next good build clears them.
//!
//! Each rebuild takes over whatever the last one read and computed from
//! files that have not changed (see [`crate::cache`]), is served as soon as
//! it is rendered, then writes the output directory exactly as `build` does
//! (unchanged files keep their modification time), so `site/` is soon what
//! the browser shows, minus the reload script: that is added to pages as they
//! are served, never written. Pages are served from memory, so a request never
//! sees a half-written site.

mod connection;
mod http;
mod watch;

use std::collections::HashMap;
use std::hash::BuildHasher as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::config::EchartsSource;
use crate::diag::{self, Diagnostic, Severity};
use crate::render::OutFile;
use crate::terminal::Terminal;

/// What `cxreport serve` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The plan's root folder.
    pub root: PathBuf,
    /// Where each build writes the site; `None` for the plan's `output_dir`.
    pub out: Option<PathBuf>,
    /// The address to listen on; a loopback one answers only to this
    /// machine's names.
    pub bind: IpAddr,
    /// 0 for any free port.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

/// How long the watcher waits for more changes before a rebuild: an editor
/// that saves several files, or a `git checkout`, gives one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// Serves until Ctrl-C (or SIGTERM). `Err` is a failure to listen or to watch
/// the plan; problems in the plan are shown, not returned.
pub fn serve(opts: &Options, term: &Terminal) -> anyhow::Result<()> {
    let listener = TcpListener::bind((opts.bind, opts.port)).map_err(|e| {
        let addr = SocketAddr::new(opts.bind, opts.port);
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!(
                "cannot listen on {addr}: the port is in use; choose another with --port N, or --port 0 for a free one"
            )
        } else {
            anyhow::Error::new(e).context(format!("cannot listen on {addr}"))
        }
    })?;
    let addr = listener.local_addr()?;
    // Watching first, so that a file saved during the first build is not missed.
    let mut watcher = watch::Watcher::start(&opts.root)?;
    let live = Arc::new(Live::new());
    live.rebuild(opts, term, |summary, _, _| {
        term.say(format!(
            "{} {} pages ({} files) into {} in {:.2} s",
            term.good("Built"),
            summary.pages,
            summary.files,
            crate::diag::printable(&summary.out_dir.display().to_string()),
            summary.elapsed.as_secs_f64()
        ));
    });
    // Listening on every address: this machine's own is the one to open.
    let host = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), addr.port())
        }
        _ => addr,
    };
    let url = format!("http://{host}{}", http::percent_encoded(&live.base_path()));
    // On stdout, whatever the verbosity: with --port 0 it is how a script
    // learns the port.
    crate::terminal::print(&format!("Serving {url}\n"))?;
    term.say(format!(
        "Watching cxreport.toml, content/, data/ and templates/ in {}; Ctrl-C to stop",
        crate::diag::printable(&opts.root.display().to_string())
    ));

    {
        let (live, opts, term) = (live.clone(), opts.clone(), *term);
        std::thread::spawn(move || {
            while let Some(paths) = watcher.next_batch() {
                let shown: Vec<_> = paths.iter().map(|p| p.display().to_string()).collect();
                term.detail(format!("changed: {}", shown.join(", ")));
                live.rebuild(&opts, &term, |summary, changed, shown| {
                    term.say(format!(
                        "{} after {}: {changed} of {} files changed, shown in {} ms, written in {} ms",
                        term.good("Rebuilt"),
                        diag::printable(&watch::describe(&paths)),
                        summary.files,
                        shown.as_millis(),
                        summary.elapsed.as_millis()
                    ));
                });
            }
        });
    }

    let stopping = Arc::new(AtomicBool::new(false));
    let handler = {
        let stopping = stopping.clone();
        move || {
            // A second Ctrl-C does not wait for anything.
            if stopping.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            // The accept loop sees `stopping` only once a connection comes.
            if TcpStream::connect_timeout(&host, Duration::from_secs(1)).is_err() {
                std::process::exit(130);
            }
        }
    };
    if let Err(e) = ctrlc::set_handler(handler) {
        term.detail(format!("Ctrl-C will not stop cleanly: {e}"));
    }
    if opts.open {
        open_browser(&url, term);
    }
    let answer = {
        let (live, guard, term) = (live.clone(), http::Guard::new(opts.bind), *term);
        move |request: &connection::Request| http::respond(request, &live, &guard, &term)
    };
    connection::accept(&listener, &stopping, answer);
    live.stop();
    term.say("Stopped.");
    Ok(())
}

/// The site being served and what the open pages need to hear about it.
struct Live {
    state: Mutex<State>,
    /// Woken on every new generation and on stopping.
    updated: Condvar,
    /// Held while a build runs, so that stopping waits for a write to end;
    /// it holds what each build leaves for the next.
    building: Mutex<crate::cache::Cache>,
    /// Tells this run from the one before it, so pages reload after a restart.
    server: String,
}

#[derive(Default)]
struct State {
    /// The last good site, by path in the site (`kpis/sla/index.html`).
    files: HashMap<String, Arc<[u8]>>,
    /// The path the site is served under (`/`, or `/cx/` for a base_url of
    /// `https://example.com/cx/`).
    base_path: String,
    /// Counts every change of what is served: a new site or new problems.
    generation: u64,
    /// The URLs whose bytes the latest generation changed; `None` when any
    /// page may have (the site moved to another base path, or it is the
    /// first good build after pages saw only "not built yet").
    changed: Option<Vec<String>>,
    /// The problems of the latest build, when it failed.
    problems: Vec<Diagnostic>,
    /// The Content-Security-Policy of the last good site, sent with its pages.
    csp: String,
    stopping: bool,
}

impl Live {
    fn new() -> Self {
        let seed = std::hash::RandomState::new().hash_one(std::process::id());
        Live {
            state: Mutex::new(State {
                base_path: "/".to_owned(),
                // Before a good build only the server's own pages are served,
                // and the policy of a plain configuration suits them.
                csp: crate::render::content_security_policy(&EchartsSource::default(), "/"),
                ..State::default()
            }),
            updated: Condvar::new(),
            building: Mutex::new(crate::cache::Cache::default()),
            server: format!("{seed:016x}"),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing that can panic runs while the lock is held, and were it to,
        // the last state is still one to serve: a poisoned lock is not fatal.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn base_path(&self) -> String {
        self.lock().base_path.clone()
    }

    /// Builds the plan, prints its problems, and serves the result: the new
    /// site, or the old one with the problems. When it succeeded, `said`
    /// gets the build's summary, how many URLs it changed and how long they
    /// took to be served, before the build lets go of the output folder: so
    /// nothing is printed after "Stopped.".
    fn rebuild(
        &self,
        opts: &Options,
        term: &Terminal,
        said: impl FnOnce(&crate::Summary, usize, Duration),
    ) {
        let mut cache = self.building.lock().unwrap_or_else(|e| e.into_inner());
        if self.lock().stopping {
            return;
        }
        let progress = term.progress();
        let started = std::time::Instant::now();
        // Shown as soon as it is rendered: the pages are served from memory,
        // and writing the output folder is the slowest step on a large site.
        let problems = match crate::render_again(&mut cache, &opts.root, &progress) {
            Ok((Some(site), diags)) => {
                term.problems(&diags);
                let base = base_path(&site.plan.config.base_url);
                let csp = crate::render::content_security_policy(
                    &site.plan.config.echarts,
                    &site.plan.config.base_url,
                );
                let changed = self.publish(&site.files, base, csp);
                let shown = started.elapsed();
                match crate::write(site, opts.out.as_deref(), started, &progress) {
                    Ok(built) => {
                        self.serve_index(&built.files);
                        return said(&built.summary, changed, shown);
                    }
                    Err(e) => failure(&e, term),
                }
            }
            Ok((None, diags)) => {
                term.problems(&diags);
                diags
            }
            Err(e) => failure(&e, term),
        };
        term.say(format!(
            "{}; still serving the last good site",
            diag::counts(&problems)
        ));
        let mut state = self.lock();
        state.generation += 1;
        state.changed = Some(Vec::new());
        state.problems = problems;
        self.updated.notify_all();
    }

    /// Serves `files` from now on, with `csp` as their pages' policy, noting
    /// which URLs changed; returns how many. The search index is made after
    /// the pages are shown (in [`crate::write`]): until [`Live::serve_index`]
    /// brings the new one, the last one stays served, so a search meets an
    /// index a rebuild old rather than none.
    fn publish(&self, files: &[OutFile], base_path: String, csp: String) -> usize {
        let mut files: HashMap<String, Arc<[u8]>> = files
            .iter()
            .map(|f| (f.path.clone(), Arc::from(f.bytes.as_slice())))
            .collect();
        let mut state = self.lock();
        for (path, bytes) in &state.files {
            if is_index(path) && !files.contains_key(path) {
                files.insert(path.clone(), bytes.clone());
            }
        }
        let mut changed: Vec<String> = files
            .iter()
            .filter(|(path, bytes)| state.files.get(*path) != Some(*bytes))
            .map(|(path, _)| path.clone())
            .chain(
                state
                    .files
                    .keys()
                    .filter(|path| !files.contains_key(*path))
                    .cloned(),
            )
            .map(|path| http::url_of(&base_path, &path))
            .collect();
        changed.sort_unstable();
        let count = changed.len();
        let moved = state.files.is_empty() || state.base_path != base_path;
        state.generation += 1;
        state.changed = (!moved).then_some(changed);
        state.files = files;
        state.base_path = base_path;
        state.csp = csp;
        state.problems.clear();
        self.updated.notify_all();
        count
    }

    /// Serves the search index of the site just written, in place of the
    /// last one. Pages do not reload for it: what they show has not changed.
    fn serve_index(&self, files: &[OutFile]) {
        let mut state = self.lock();
        state.files.retain(|path, _| !is_index(path));
        for f in files.iter().filter(|f| is_index(&f.path)) {
            state
                .files
                .insert(f.path.clone(), Arc::from(f.bytes.as_slice()));
        }
    }

    /// Ends every open event stream and waits for a build that is writing.
    fn stop(&self) {
        self.lock().stopping = true;
        self.updated.notify_all();
        drop(self.building.lock());
    }
}

/// Whether a file of the site is part of its search index.
fn is_index(path: &str) -> bool {
    path.starts_with(crate::search::BUNDLE) || path == crate::search::TITLES
}

/// A build that could not finish, as the one problem to show.
fn failure(e: &anyhow::Error, term: &Terminal) -> Vec<Diagnostic> {
    let message = format!("{e:#}");
    eprintln!("{} {}", term.bad("error:"), diag::printable(&message));
    vec![Diagnostic {
        file: String::new(),
        line: 0,
        column: 0,
        severity: Severity::Error,
        message,
    }]
}

/// The path part of a `base_url`, which ends with `/`, decoded as request
/// paths are.
fn base_path(base_url: &str) -> String {
    let host_and_path = base_url
        .split_once("://")
        .map(|(_, rest)| rest)
        .or_else(|| base_url.strip_prefix("//"));
    let path = match host_and_path {
        Some(rest) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => base_url,
    };
    let path = http::percent_decoded(path);
    let path = path.trim_matches('/');
    if path.is_empty() {
        "/".to_owned()
    } else {
        format!("/{path}/")
    }
}

/// Opens `url` in the desktop's browser; a failure is said, not fatal.
fn open_browser(url: &str, term: &Terminal) {
    let (program, args): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let opened = std::process::Command::new(program)
        .args(args)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = opened {
        term.say(format!(
            "cannot open a browser ({program}: {e}); open {url}"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(base_path("/"), "/");
        assert_eq!(base_path("/cx/"), "/cx/");
        assert_eq!(base_path("https://example.com/"), "/");
        assert_eq!(base_path("https://example.com"), "/");
        assert_eq!(base_path("https://example.com/team/cx/"), "/team/cx/");
        assert_eq!(base_path("//cdn.example.com/cx/"), "/cx/");
        assert_eq!(base_path("https://example.com/caf%C3%A9/"), "/café/");
    }

    #[test]
    fn publishing_notes_what_changed() {
        let live = Live::new();
        let file = |path: &str, text: &str| OutFile {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec(),
        };
        live.publish(
            &[file("index.html", "a"), file("kpis/sla/index.html", "b")],
            "/".into(),
            String::new(),
        );
        // The first good build: every open page reloads.
        assert_eq!(live.lock().changed, None);
        live.publish(
            &[file("index.html", "a2"), file("static/style.css", "c")],
            "/".into(),
            String::new(),
        );
        let state = live.lock();
        assert_eq!(
            state.changed.as_deref(),
            Some(&["/", "/kpis/sla/", "/static/style.css"].map(String::from)[..])
        );
        assert_eq!(state.generation, 2);
    }

    /// The index is made after the pages are shown: meanwhile the last one
    /// is served, and its arrival reloads no page.
    #[test]
    fn the_last_index_is_served_until_the_new_one_is_made() {
        let live = Live::new();
        let file = |path: &str, text: &str| OutFile {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec(),
        };
        let served = |live: &Live, path: &str| live.lock().files.get(path).map(|b| b.to_vec());
        live.publish(&[file("index.html", "a")], "/".into(), String::new());
        live.serve_index(&[
            file("index.html", "a"),
            file("pagefind/pagefind-entry.json", "old"),
            file("pagefind/index/old.pf_index", "old"),
        ]);
        let changed = live.publish(&[file("index.html", "a2")], "/".into(), String::new());
        assert_eq!(changed, 1, "only the page changed");
        assert_eq!(
            served(&live, "pagefind/pagefind-entry.json"),
            Some(b"old".to_vec())
        );
        let generation = live.lock().generation;
        live.serve_index(&[
            file("index.html", "a2"),
            file("pagefind/pagefind-entry.json", "new"),
        ]);
        assert_eq!(
            served(&live, "pagefind/pagefind-entry.json"),
            Some(b"new".to_vec())
        );
        assert_eq!(served(&live, "pagefind/index/old.pf_index"), None);
        assert_eq!(served(&live, "index.html"), Some(b"a2".to_vec()));
        assert_eq!(live.lock().generation, generation);
    }
}
