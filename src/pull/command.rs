//! A program that prints CSV: no shell, the plan's folder as its working
//! directory, the environment inherited (so it finds its credentials where
//! its documentation says), and killed past its time limit.

use std::sync::atomic::{AtomicU32, Ordering};

use super::*;

/// How much of a failed command's standard error is shown: its end,
/// where the reason usually is.
const STDERR_SHOWN: usize = 8 * 1024;

pub(super) fn run(root: &Path, argv: &[String], timeout: Duration) -> Result<Vec<u8>, Failure> {
    let Some((program, args)) = argv.split_first() else {
        return Err(String::from("`command` is empty").into());
    };
    let shown = crate::diag::printable(program).into_owned();
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group, so that a timeout ends whatever it started
    // too (a wrapper script's children would keep the pipes open). Out
    // of ours, it no longer hears the terminal's Ctrl-C: the handler of
    // `stop_on_interrupt` passes it on.
    #[cfg(target_os = "linux")]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!("cannot run `{shown}`: there is no such program (is it installed and on PATH?)")
        }
        _ => format!("cannot run `{shown}`: {e}"),
    })?;
    RUNNING.store(child.id(), Ordering::SeqCst);
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= timeout => {
                kill(&mut child);
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("cannot wait for `{shown}`: {e}").into()),
        }
    };
    RUNNING.store(0, Ordering::SeqCst);
    let collect = |rx: Option<mpsc::Receiver<Vec<u8>>>| {
        rx.and_then(|rx| rx.recv_timeout(Duration::from_secs(5)).ok())
            .unwrap_or_default()
    };
    let out = collect(stdout);
    let err = collect(stderr);
    let err_text = tail(&err);
    match status {
        None => Err(Failure {
            message: format!(
                "`{shown}` did not finish within {} (the source's `timeout`) and was stopped",
                seconds(timeout)
            ),
            stderr: err_text,
        }),
        Some(status) if !status.success() => {
            let how = match status.code() {
                Some(code) => format!("exited with status {code}"),
                None => "was killed by a signal".to_owned(),
            };
            let said = if err_text.trim().is_empty() {
                "; it wrote nothing on stderr"
            } else {
                "; its stderr:"
            };
            Err(Failure {
                message: format!("`{shown}` {how}{said}"),
                stderr: err_text,
            })
        }
        Some(_) => Ok(out),
    }
}

/// Reads a pipe to its end on a thread of its own, so that neither
/// pipe fills while the other is read.
fn drain(mut pipe: impl std::io::Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(bytes);
    });
    rx
}

/// The process group of the command running now, 0 when none.
static RUNNING: AtomicU32 = AtomicU32::new(0);

/// On Ctrl-C or SIGTERM (a cancelled CI job), the running command's
/// process group is killed before `pull` exits, so that no query is
/// left running on its own. The file being pulled was not written yet.
pub(super) fn stop_on_interrupt() {
    // `pull` sets no other handler; should one be set, Ctrl-C simply
    // ends `pull` as it would any program.
    let _ = ctrlc::set_handler(|| {
        kill_group(RUNNING.load(Ordering::SeqCst));
        std::process::exit(130);
    });
}

fn kill(child: &mut std::process::Child) {
    kill_group(child.id());
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills the process group `id` leads (Linux; elsewhere a command runs
/// in ours, and only it is killed).
fn kill_group(id: u32) {
    #[cfg(target_os = "linux")]
    if let Some(pid) = i32::try_from(id)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = id;
}

/// The end of a failed command's standard error, as text.
fn tail(bytes: &[u8]) -> String {
    let start = bytes.len().saturating_sub(STDERR_SHOWN);
    let text = String::from_utf8_lossy(&bytes[start..]);
    text.trim_end().to_owned()
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs();
    if s == 1 {
        "1 second".to_owned()
    } else {
        format!("{s} seconds")
    }
}
