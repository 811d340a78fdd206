//! What cxreport prints for people: problems, progress and one-line
//! summaries, all on stderr (stdout is for what scripts read: a diff, file
//! names, the address `serve` listens on, written through [`print`], which
//! tells a closed pipe from other failures).
//!
//! Colour only when stderr is a terminal that wants it, as anstream reads
//! `NO_COLOR`, `CLICOLOR` and `CLICOLOR_FORCE`; progress bars only on a
//! terminal; with `--quiet`, nothing but the problems.

use std::fmt::Display;
use std::io::{IsTerminal as _, Write as _};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::diag::{self, Diagnostic};
use crate::progress::{Phase, Progress};

/// Standard output was closed while a command printed to it (`cxreport
/// diff | head`). The command line ends the command quietly with 141, the
/// status a shell reports for a program that the closed pipe stopped:
/// `println!` would panic, and 0 could pass a truncated `check` in CI.
#[derive(Debug)]
pub struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("standard output was closed")
    }
}

impl std::error::Error for Closed {}

/// Writes `text` to standard output: [`Closed`] when no one reads it any
/// more, any other failure as it is.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Closed.into()),
        done => Ok(done?),
    }
}

/// How much to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Problems only.
    Quiet,
    /// Problems and a line when something is done.
    Normal,
    /// Also the time each phase took, and what `serve` does.
    Verbose,
}

/// stderr, as this run of cxreport may use it.
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    /// How much to say, from `--quiet` and `--verbose`.
    pub verbosity: Verbosity,
    color: bool,
    bars: bool,
}

impl Terminal {
    /// Reads what stderr is and what the environment asks for.
    pub fn new(verbosity: Verbosity) -> Self {
        let stderr = std::io::stderr();
        let color = anstream::AutoStream::choice(&stderr) != anstream::ColorChoice::Never;
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        Terminal {
            verbosity,
            color,
            bars: verbosity > Verbosity::Quiet && stderr.is_terminal() && !dumb,
        }
    }

    /// Prints problems, whatever the verbosity.
    pub fn problems(&self, diags: &[Diagnostic]) {
        let _ = std::io::stderr().write_all(diag::human(diags, self.color).as_bytes());
    }

    /// Prints a line unless `--quiet`.
    pub fn say(&self, line: impl Display) {
        if self.verbosity >= Verbosity::Normal {
            eprintln!("{line}");
        }
    }

    /// Prints a line with `--verbose` only. Details quote paths and request
    /// lines as they come, so their control characters are escaped (see
    /// [`diag::printable`]); a detail is never coloured.
    pub fn detail(&self, line: impl Display) {
        if self.verbosity >= Verbosity::Verbose {
            eprintln!("{}", diag::printable(&line.to_string()));
        }
    }

    /// `text` in bold green: something went well.
    pub fn good(&self, text: &str) -> String {
        self.paint(AnsiColor::Green.on_default().bold(), text)
    }

    /// `text` in bold red: something failed.
    pub fn bad(&self, text: &str) -> String {
        self.paint(AnsiColor::Red.on_default().bold(), text)
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }

    /// Progress for one build: a bar per phase on a terminal, once the
    /// phase has taken long enough to be worth one, and each phase's time
    /// with `--verbose`.
    pub fn progress(&self) -> Bars {
        Bars(Arc::new(BarsInner {
            draw: self.bars,
            quiet: self.verbosity == Verbosity::Quiet,
            verbose: self.verbosity >= Verbosity::Verbose,
            phases: AtomicU32::new(0),
            current: Mutex::new(None),
        }))
    }
}

/// A phase shorter than this gets no bar: it would only flicker.
const BAR_DELAY: Duration = Duration::from_millis(200);

/// [`Progress`] drawn on a terminal.
pub struct Bars(Arc<BarsInner>);

struct BarsInner {
    draw: bool,
    quiet: bool,
    verbose: bool,
    /// How many phases have started, to tell a phase's timer from the next's.
    phases: AtomicU32,
    /// The running phase.
    current: Mutex<Option<Running>>,
}

/// A phase under way: its number in this build, its bar, when it started
/// and the process's CPU time then.
struct Running {
    id: u32,
    bar: ProgressBar,
    started: Instant,
    cpu: Option<Duration>,
}

impl BarsInner {
    fn current(&self) -> std::sync::MutexGuard<'_, Option<Running>> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Progress for Bars {
    fn start(&self, phase: Phase, steps: Option<usize>) {
        let bar = match steps {
            Some(n) => ProgressBar::with_draw_target(Some(n as u64), ProgressDrawTarget::hidden())
                .with_style(
                    ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()).with_style(
                ProgressStyle::with_template("{prefix:>8} {spinner}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        bar.set_prefix(phase.name());
        let id = self.0.phases.fetch_add(1, Ordering::Relaxed);
        *self.0.current() = Some(Running {
            id,
            bar,
            started: Instant::now(),
            cpu: self.0.verbose.then(cpu_time).flatten(),
        });
        if self.0.draw {
            // Shown by a timer, so a phase that never steps (loading) gets
            // its spinner too.
            let inner = self.0.clone();
            std::thread::spawn(move || {
                std::thread::sleep(BAR_DELAY);
                if let Some(now) = inner.current().as_ref()
                    && now.id == id
                {
                    now.bar.set_draw_target(ProgressDrawTarget::stderr());
                    now.bar.enable_steady_tick(Duration::from_millis(100));
                }
            });
        }
    }

    fn step(&self) {
        if let Some(now) = self.0.current().as_ref() {
            now.bar.inc(1);
        }
    }

    fn waiting(&self, why: &str) {
        if self.0.quiet {
            return;
        }
        // The output folder's path, which a plan can name.
        let why = crate::diag::printable(why);
        match self.0.current().as_ref() {
            // Above the bar, not through it.
            Some(now) => now.bar.suspend(|| eprintln!("{why}")),
            None => eprintln!("{why}"),
        }
    }

    fn finish(&self, phase: Phase) {
        let Some(now) = self.0.current().take() else {
            return;
        };
        now.bar.finish_and_clear();
        if self.0.verbose {
            let ms = now.started.elapsed().as_secs_f64() * 1000.0;
            let mut line = format!("{:>8} {ms:>6.1} ms", phase.name());
            // CPU time over wall time says how many cores the phase kept busy.
            if let Some(cpu) = now.cpu.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a)) {
                line.push_str(&format!("  cpu {:>6.0} ms", cpu.as_secs_f64() * 1000.0));
            }
            if let Some(mb) = peak_memory_mb() {
                line.push_str(&format!("  peak {mb} MB"));
            }
            eprintln!("{line}");
        }
    }
}

/// The CPU time this process has used so far, on all its threads, user
/// and system (`utime` and `stime` in Linux's `/proc/self/stat`, counted in
/// clock ticks); `None` where that is not known.
#[cfg(target_os = "linux")]
fn cpu_time() -> Option<Duration> {
    let ticks = cpu_ticks(&std::fs::read_to_string("/proc/self/stat").ok()?)?;
    let per_second = rustix::param::clock_ticks_per_second().max(1);
    Some(Duration::from_millis(
        ticks.saturating_mul(1000) / per_second,
    ))
}

/// `utime` plus `stime` of a `/proc/PID/stat` line.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn cpu_ticks(stat: &str) -> Option<u64> {
    // The second field, the command's name in parentheses, may hold spaces
    // and parentheses: the fields are counted from after its last `)`, the
    // state (field 3) first; `utime` and `stime` are fields 14 and 15.
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    let user: u64 = fields.nth(11)?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

#[cfg(not(target_os = "linux"))]
fn cpu_time() -> Option<Duration> {
    None
}

/// The most memory this process has held so far (its peak resident set,
/// `VmHWM` in Linux's `/proc/self/status`), in MB; `None` where that is not
/// known. `--verbose` prints it after each phase, so a build's memory can be
/// followed phase by phase, as its time is.
fn peak_memory_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_are_counted_after_the_command_name() {
        // A name with a space and a `)` of its own; utime 250, stime 30.
        let stat = "4242 (cx (odd) name) R 1 4242 4242 0 -1 4194560 900 0 0 0 250 30 0 0 20 0 3 0";
        assert_eq!(cpu_ticks(stat), Some(280));
        assert_eq!(cpu_ticks("4242 (cx) R 1 2"), None);
    }
}
