//! A small mutation fuzzer for every loader of cxreport, for the stable
//! toolchain (no cargo-fuzz, no libFuzzer).
//!
//! ```sh
//! cargo run --release --example fuzz -- TARGET [--seconds N] [--seed S]
//! cargo run --release --example fuzz -- all --seconds 10
//! cargo run --release --example fuzz -- metrics --replay tests/fuzz/crashes/metrics-1.bin
//! cargo run --release --example fuzz -- metrics --minimize tests/fuzz/crashes/metrics-1.bin
//! ```
//!
//! Each target puts a mutated file at its place (`data/metrics.toml`,
//! `data/kpis/x.csv`, `content/page.md`, `cxreport.toml`, …) in the minimal
//! fixture plan, held in memory, and loads it with the library, as
//! `cxreport::load_at` loads a git revision; a valid plan is also rendered in
//! memory (`cxreport::render`). Inputs start from `tests/fuzz/corpus/<target>/`
//! and are mutated by a seeded SplitMix64 stream: the same seed gives the same
//! inputs, whatever the machine's speed. An input that gives a diagnostic not
//! seen before, or renders, joins the pool that later inputs are made from,
//! which is how mutations get past the parsers.
//!
//! Every input runs on a worker thread under `catch_unwind`, watched for a
//! time limit and for the process's memory (VmHWM and VmRSS in
//! `/proc/self/status`). A panic, a hang, a memory blow-up or an `Err` from
//! the library (which has no I/O to fail on here) is saved to
//! `tests/fuzz/crashes/<target>-<n>.bin` with a `.txt` note beside it, and
//! makes the exit status 1. Before each input, the input is also written to
//! `tests/fuzz/crashes/<target>.last`, so an abort (a stack overflow) that
//! kills the process still leaves the input behind (`scripts/fuzz` keeps it).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clap::Parser;

#[path = "../tests/fuzz/harness.rs"]
mod harness;
#[path = "support/rng.rs"]
mod rng;

use harness::{FileMap, Outcome, Target};
use rng::Rng;

#[derive(Parser)]
#[command(about = "Mutation fuzzer for cxreport's loaders")]
struct Args {
    /// metrics, kpis-long, kpis-wide, kpis-dialect, surveys, themes, audits,
    /// okrs, flows, sprints, initiatives, config, content, import-kpis,
    /// import-contacts, import-xlsx, or all.
    target: String,
    /// How long to fuzz each target.
    #[arg(long, default_value_t = 30.0)]
    seconds: f64,
    /// Stop each target after this many inputs (the same inputs for the
    /// same seed, whatever the speed).
    #[arg(long)]
    runs: Option<u64>,
    /// Seed of the mutation stream.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Seconds one input may take before it counts as a hang.
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
    /// Resident memory, in MB, above which the process has blown up.
    #[arg(long, default_value_t = 1024)]
    memory_mb: u64,
    /// Run these files as inputs of TARGET once each, and say what they gave.
    #[arg(long, num_args = 1..)]
    replay: Vec<PathBuf>,
    /// Shrink a panicking input (as long as it still panics at the same
    /// place) and write it beside the file as FILE.min.
    #[arg(long)]
    minimize: Option<PathBuf>,
}

fn main() -> std::process::ExitCode {
    match real_main() {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::from(1),
        Err(e) => {
            eprintln!("fuzz: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

fn real_main() -> anyhow::Result<bool> {
    let args = Args::parse();
    let targets: Vec<Target> = if args.target == "all" {
        harness::TARGETS.to_vec()
    } else {
        match harness::TARGETS
            .iter()
            .copied()
            .find(|t| t.name == args.target)
        {
            Some(t) => vec![t],
            None => {
                let names: Vec<&str> = harness::TARGETS.iter().map(|t| t.name).collect();
                anyhow::bail!(
                    "unknown target `{}`: one of {}, or all",
                    args.target,
                    names.join(", ")
                );
            }
        }
    };
    install_panic_hook();
    let seed_plan = harness::seed_plan()?;
    if !args.replay.is_empty() || args.minimize.is_some() {
        let [target] = targets[..] else {
            anyhow::bail!("--replay and --minimize take one target, not all");
        };
        return match &args.minimize {
            Some(file) => minimize(&seed_plan, &target, file),
            None => replay(&seed_plan, &target, &args.replay),
        };
    }
    let mut donors = Vec::new();
    for t in harness::TARGETS {
        donors.extend(
            harness::corpus(t)?
                .into_iter()
                .filter(|(name, _)| !is_regression(name))
                .map(|(_, bytes)| bytes),
        );
    }
    let keys = harvest_keys(&donors);
    let mut clean = true;
    for target in &targets {
        let stats = fuzz(&args, &seed_plan, target, &donors, &keys)?;
        println!("{}", stats.line());
        clean &= stats.clean();
        if stats.fatal {
            // The worker is stuck or the memory is gone: no later result
            // of this process could be trusted.
            break;
        }
    }
    Ok(clean)
}

// ---------------------------------------------------------------------------
// Running one input, watched.

/// What the panic hook saw last: the message with its place, and a backtrace.
static LAST_PANIC: Mutex<Option<(String, String)>> = Mutex::new(None);

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let message = format!("{} at {place}", harness::panic_message(info.payload()));
        let backtrace = std::backtrace::Backtrace::force_capture().to_string();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some((message, backtrace));
        }
    }));
}

/// A panic: where (the message with its place) and the backtrace.
struct Panic {
    message: String,
    backtrace: String,
}

type Done = Result<Outcome, Panic>;

fn run_caught(files: FileMap) -> Done {
    if let Ok(mut last) = LAST_PANIC.lock() {
        *last = None;
    }
    std::panic::catch_unwind(move || harness::run(files)).map_err(|payload| {
        let seen = LAST_PANIC.lock().ok().and_then(|mut l| l.take());
        let (message, backtrace) =
            seen.unwrap_or_else(|| (harness::panic_message(payload.as_ref()), String::new()));
        Panic { message, backtrace }
    })
}

/// A thread that runs inputs one at a time, with the main thread's stack
/// size, so that a deep recursion overflows where `cxreport` would.
struct Worker {
    jobs: mpsc::Sender<FileMap>,
    done: mpsc::Receiver<Done>,
}

impl Worker {
    fn start() -> anyhow::Result<Worker> {
        let (jobs, job_rx) = mpsc::channel::<FileMap>();
        let (done_tx, done) = mpsc::channel();
        std::thread::Builder::new()
            .name("fuzz-worker".to_owned())
            .stack_size(8 << 20)
            .spawn(move || {
                for files in job_rx {
                    if done_tx.send(run_caught(files)).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Worker { jobs, done })
    }
}

/// How one watched input ended.
enum Watched {
    Done(Done, Duration),
    /// Still running after the time limit.
    Hang,
    /// The process's memory went over the limit while it ran.
    Memory(u64),
}

fn watch(
    worker: &Worker,
    files: FileMap,
    timeout: Duration,
    limit_kb: u64,
) -> anyhow::Result<Watched> {
    let started = Instant::now();
    worker
        .jobs
        .send(files)
        .map_err(|_| anyhow::anyhow!("the worker thread is gone"))?;
    loop {
        match worker.done.recv_timeout(Duration::from_millis(20)) {
            Ok(done) => {
                let took = started.elapsed();
                let peak = memory().hwm_kb;
                if peak > limit_kb {
                    return Ok(Watched::Memory(peak));
                }
                return Ok(Watched::Done(done, took));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let rss = memory().rss_kb;
                if rss > limit_kb {
                    return Ok(Watched::Memory(rss));
                }
                if started.elapsed() > timeout {
                    return Ok(Watched::Hang);
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                anyhow::bail!("the worker thread died")
            }
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Memory {
    rss_kb: u64,
    hwm_kb: u64,
}

/// VmRSS and VmHWM of this process, in kB (0 where /proc is missing).
fn memory() -> Memory {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    Memory {
        rss_kb: field("VmRSS:"),
        hwm_kb: field("VmHWM:"),
    }
}

/// Resets VmHWM to the current RSS (Linux 4.0 and later), so that each
/// target's peak is its own. Returns whether it could.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

// ---------------------------------------------------------------------------
// The fuzzing loop.

struct Stats {
    target: &'static str,
    inputs: u64,
    elapsed: Duration,
    valid: u64,
    rendered: u64,
    panics: u64,
    hangs: u64,
    memory: u64,
    failures: u64,
    slowest: Duration,
    peak_kb: u64,
    signatures: usize,
    pool: usize,
    /// The process cannot go on (a stuck worker, memory over the limit).
    fatal: bool,
}

impl Stats {
    fn clean(&self) -> bool {
        self.panics + self.hangs + self.memory + self.failures == 0
    }

    fn line(&self) -> String {
        let secs = self.elapsed.as_secs_f64();
        format!(
            "fuzz {}: inputs={} seconds={:.1} rate={:.0}/s valid={} rendered={} panics={} hangs={} memory={} errors={} slowest={}ms peak={}MB signatures={} pool={}",
            self.target,
            self.inputs,
            secs,
            self.inputs as f64 / secs.max(1e-9),
            self.valid,
            self.rendered,
            self.panics,
            self.hangs,
            self.memory,
            self.failures,
            self.slowest.as_millis(),
            self.peak_kb / 1024,
            self.signatures,
            self.pool,
        )
    }
}

/// Inputs larger than this are cut: the 10,000-fold line repeat of a long
/// line must not by itself exhaust the memory it is meant to test.
const MAX_INPUT: usize = 4 << 20;
/// Inputs larger than this are run but never mutated further.
const MAX_POOLED: usize = 64 << 10;
const MAX_POOL: usize = 2000;
/// Distinct panic sites saved per target; later panics are only counted.
const SAVED_PER_SITE: usize = 3;

/// An input slower than this is kept as `<target>-slowest.bin` (the
/// slowest one), so that a quadratic loop shows before it is a hang.
const SLOW: Duration = Duration::from_secs(1);
/// Hangs per target before it stops: each leaves a worker thread running.
const MAX_HANGS: u64 = 3;

/// `bad-*` and `crash-*` corpus files are regression inputs: run once,
/// unmutated, but never mutated, spliced from or pooled. Several are tiny
/// page templates that multiply what lands in them (a loop of 4,000 charts,
/// a join of 20,000 paragraphs), so any mutation of one is a memory blow-up
/// or a hang in seconds, not a finding.
fn is_regression(name: &str) -> bool {
    name.starts_with("bad-") || name.starts_with("crash-")
}

fn fuzz(
    args: &Args,
    seed_plan: &FileMap,
    target: &Target,
    donors: &[Vec<u8>],
    keys: &[Vec<u8>],
) -> anyhow::Result<Stats> {
    let (regressions, corpus): (Vec<_>, Vec<_>) = harness::corpus(target)?
        .into_iter()
        .partition(|(name, _)| is_regression(name));
    let corpus: Vec<Vec<u8>> = corpus.into_iter().map(|(_, b)| b).collect();
    if corpus.is_empty() {
        anyhow::bail!("no corpus in tests/fuzz/corpus/{}/", target.name);
    }
    let mut regressions: Vec<Vec<u8>> = regressions.into_iter().map(|(_, b)| b).collect();
    // Every input that said something new; and those of them that rendered.
    let mut pool: Vec<Vec<u8>> = Vec::new();
    let mut valid: Vec<Vec<u8>> = Vec::new();
    let mut rng = Rng::new(args.seed ^ fnv(target.name.as_bytes()));
    let mut worker = Worker::start()?;
    let peak_resettable = reset_peak();
    let timeout = Duration::from_secs_f64(args.timeout);
    let limit_kb = args.memory_mb * 1024;
    let budget = Duration::from_secs_f64(args.seconds);
    let mut stats = Stats {
        target: target.name,
        inputs: 0,
        elapsed: Duration::ZERO,
        valid: 0,
        rendered: 0,
        panics: 0,
        hangs: 0,
        memory: 0,
        failures: 0,
        slowest: Duration::ZERO,
        peak_kb: 0,
        signatures: 0,
        pool: 0,
        fatal: false,
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut sites: std::collections::HashMap<String, usize> = Default::default();
    let dir = crashes_dir()?;
    let last = dir.join(format!("{}.last", target.name));
    let started = Instant::now();
    // The corpus itself first, unmutated, then mutations.
    let mut queue: Vec<Vec<u8>> = corpus.iter().rev().cloned().collect();
    while started.elapsed() < budget && args.runs.is_none_or(|r| stats.inputs < r) {
        // The regression inputs before anything else, once each, and never
        // pooled: see [`is_regression`].
        let regression = regressions.pop();
        let pooled = regression.is_none();
        let input = match regression.or_else(|| queue.pop()) {
            Some(input) => input,
            None => {
                // A third of the time from the inputs that rendered, with
                // one mutation, so that the figures and pages get fuzzed too.
                let from_valid = !valid.is_empty() && rng.one_in(3);
                let parents: &[Vec<u8>] = match (from_valid, pool.is_empty()) {
                    (true, _) => &valid,
                    (false, false) if !rng.one_in(5) => &pool,
                    _ => &corpus,
                };
                let parent = &parents[rng.index(parents.len())];
                let donor_pool = if pool.is_empty() { &corpus } else { &pool };
                if from_valid {
                    let mut child = parent.clone();
                    mutate_once(&mut rng, &mut child, donors, donor_pool, keys);
                    child.truncate(MAX_INPUT);
                    child
                } else {
                    mutate(&mut rng, parent, donors, donor_pool, keys)
                }
            }
        };
        std::fs::write(&last, &input)?;
        let files = harness::plan_with(seed_plan, target, &input);
        stats.inputs += 1;
        match watch(&worker, files, timeout, limit_kb)? {
            Watched::Done(Ok(outcome), took) => {
                if took > stats.slowest {
                    stats.slowest = took;
                    if took > SLOW {
                        std::fs::write(dir.join(format!("{}-slowest.bin", target.name)), &input)?;
                    }
                }
                if outcome.errors == 0 {
                    stats.valid += 1;
                }
                if outcome.rendered {
                    stats.rendered += 1;
                }
                if let Some(failure) = &outcome.failure {
                    stats.failures += 1;
                    let n = sites
                        .entry(format!("error: {}", first_line(failure)))
                        .or_default();
                    *n += 1;
                    if *n <= SAVED_PER_SITE {
                        let note = format!("the library returned Err: {failure}");
                        let saved = save(target, &input, "error", &note, args)?;
                        eprintln!(
                            "fuzz {}: ERROR {} (input saved to {})",
                            target.name,
                            first_line(failure),
                            saved.display()
                        );
                    }
                }
                let mut new = false;
                for sig in signatures(&outcome) {
                    new |= seen.insert(sig);
                }
                if new && pooled && input.len() <= MAX_POOLED {
                    if outcome.rendered {
                        keep(&mut rng, &mut valid, input.clone());
                    }
                    keep(&mut rng, &mut pool, input);
                }
            }
            Watched::Done(Err(panic), took) => {
                stats.slowest = stats.slowest.max(took);
                stats.panics += 1;
                let n = sites.entry(panic_site(&panic.message)).or_default();
                *n += 1;
                if *n <= SAVED_PER_SITE {
                    let note = format!("panic: {}\n\n{}", panic.message, panic.backtrace);
                    let saved = save(target, &input, "panic", &note, args)?;
                    eprintln!(
                        "fuzz {}: PANIC {} (input saved to {})",
                        target.name,
                        panic.message,
                        saved.display()
                    );
                }
            }
            Watched::Hang => {
                stats.hangs += 1;
                let note = format!(
                    "hang: still running after {:.1} s (its worker thread was left running)",
                    args.timeout
                );
                let saved = save(target, &input, "hang", &note, args)?;
                eprintln!(
                    "fuzz {}: HANG over {:.1} s (input saved to {})",
                    target.name,
                    args.timeout,
                    saved.display()
                );
                if stats.hangs >= MAX_HANGS {
                    stats.fatal = true;
                    break;
                }
                // The stuck thread cannot be stopped; later memory figures
                // include whatever it still does.
                worker = Worker::start()?;
            }
            Watched::Memory(kb) => {
                stats.memory += 1;
                let mut doubt = String::new();
                if !peak_resettable {
                    doubt
                        .push_str(" (VmHWM could not be reset: it may come from an earlier input)");
                }
                if stats.hangs > 0 {
                    doubt.push_str(" (a hung input's thread was still running)");
                }
                let note = format!(
                    "memory: the process reached {} MB (limit {} MB) while this input ran{doubt}",
                    kb / 1024,
                    args.memory_mb,
                );
                let saved = save(target, &input, "memory", &note, args)?;
                eprintln!(
                    "fuzz {}: MEMORY {} MB (input saved to {})",
                    target.name,
                    kb / 1024,
                    saved.display()
                );
                stats.fatal = true;
                break;
            }
        }
    }
    stats.elapsed = started.elapsed();
    stats.peak_kb = memory().hwm_kb;
    stats.signatures = seen.len();
    stats.pool = pool.len();
    // Only an abort that kills the process leaves this file behind.
    std::fs::remove_file(&last)?;
    Ok(stats)
}

/// Adds an input to a pool, in place of a random one once it is full.
fn keep(rng: &mut Rng, pool: &mut Vec<Vec<u8>>, input: Vec<u8>) {
    if pool.len() < MAX_POOL {
        pool.push(input);
    } else {
        let at = rng.index(pool.len());
        pool[at] = input;
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

/// "message at src/x.rs:1:2" → "src/x.rs:1:2", so that the same bug with
/// other values counts as one site.
fn panic_site(message: &str) -> String {
    match message.rsplit_once(" at ") {
        Some((_, place)) => place.to_owned(),
        None => first_line(message).to_owned(),
    }
}

/// What an outcome says, with the values taken out of its messages: the
/// fuzzer's stand-in for coverage. "column 'sla': \"62%\" is not a number"
/// and the same with "x" are one signature.
fn signatures(outcome: &Outcome) -> Vec<String> {
    let class = if outcome.rendered {
        // Valid plans differ by what they render: a coarse size of the site.
        return std::iter::once(format!(
            "rendered {} files, 2^{} bytes",
            outcome.site_files,
            usize::BITS - outcome.site_bytes.leading_zeros()
        ))
        .chain(outcome.messages.iter().map(|m| template_of(m)))
        .collect();
    } else if outcome.render_problems > 0 {
        "render-problems"
    } else if outcome.errors == 0 {
        "valid"
    } else {
        "invalid"
    };
    let mut out = vec![class.to_owned()];
    out.extend(outcome.messages.iter().map(|m| template_of(m)));
    out
}

fn template_of(message: &str) -> String {
    let mut sig = String::new();
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                sig.push(c);
            }
            Some(_) => {}
            None if matches!(c, '`' | '"' | '\'') => {
                quote = Some(c);
                sig.push(c);
            }
            None if c.is_ascii_digit() => {
                if !sig.ends_with('0') {
                    sig.push('0');
                }
            }
            None => sig.push(c),
        }
        if sig.len() > 120 {
            break;
        }
    }
    sig
}

/// `tests/fuzz/crashes/`, made on first use and kept out of git.
fn crashes_dir() -> anyhow::Result<PathBuf> {
    let dir = harness::repo().join("tests/fuzz/crashes");
    if !dir.is_dir() {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(".gitignore"), "*\n")?;
    }
    Ok(dir)
}

/// Saves an input as `<target>-<n>.bin`, with a note `<target>-<n>.txt`.
fn save(
    target: &Target,
    input: &[u8],
    kind: &str,
    note: &str,
    args: &Args,
) -> anyhow::Result<PathBuf> {
    let dir = crashes_dir()?;
    let mut n = 1;
    while dir.join(format!("{}-{n}.bin", target.name)).exists() {
        n += 1;
    }
    let bin = dir.join(format!("{}-{n}.bin", target.name));
    std::fs::write(&bin, input)?;
    let text = format!(
        "target: {} (the input is {})\nkind: {kind}\nseed: {}\nreplay: cargo run --release --example fuzz -- {} --replay {}\n\n{note}\n",
        target.name,
        target.path,
        args.seed,
        target.name,
        bin.display(),
    );
    std::fs::write(bin.with_extension("txt"), text)?;
    Ok(bin)
}

// ---------------------------------------------------------------------------
// Replay and minimize.

fn replay(seed_plan: &FileMap, target: &Target, files: &[PathBuf]) -> anyhow::Result<bool> {
    let mut clean = true;
    for file in files {
        let input = std::fs::read(file)?;
        let before = memory();
        let started = Instant::now();
        let done = run_caught(harness::plan_with(seed_plan, target, &input));
        let took = started.elapsed();
        let peak = memory().hwm_kb.max(before.hwm_kb);
        print!(
            "{}: {} bytes, {} ms, peak {} MB: ",
            file.display(),
            input.len(),
            took.as_millis(),
            peak / 1024
        );
        match done {
            Ok(outcome) => {
                println!(
                    "{} errors, {} warnings, rendered: {}, render problems: {}",
                    outcome.errors, outcome.warnings, outcome.rendered, outcome.render_problems
                );
                for m in outcome.messages.iter().take(5) {
                    println!("  {}", m.chars().take(200).collect::<String>());
                }
                if let Some(f) = outcome.failure {
                    clean = false;
                    println!("  the library returned Err: {f}");
                }
            }
            Err(panic) => {
                clean = false;
                println!("PANIC {}\n{}", panic.message, panic.backtrace);
            }
        }
    }
    Ok(clean)
}

/// Shrinks a panicking input while it still panics at the same place:
/// delta debugging on lines, then halving runs of a repeated byte (a long
/// string), then delta debugging on bytes, within a budget of runs.
fn minimize(seed_plan: &FileMap, target: &Target, file: &Path) -> anyhow::Result<bool> {
    const BUDGET: usize = 4000;
    let input = std::fs::read(file)?;
    let site_of = |bytes: &[u8]| match run_caught(harness::plan_with(seed_plan, target, bytes)) {
        Err(panic) => Some(panic_site(&panic.message)),
        Ok(_) => None,
    };
    let Some(site) = site_of(&input) else {
        anyhow::bail!("{} does not panic", file.display());
    };
    let mut runs = 0;
    let mut still = |bytes: &[u8]| {
        runs += 1;
        runs <= BUDGET && site_of(bytes).as_deref() == Some(site.as_str())
    };
    let mut best = input.clone();
    ddmin(&mut best, Unit::Lines, 1, &mut still);
    // Runs of one byte: try half as long, down to a single byte.
    let mut at = 0;
    while at < best.len() {
        let byte = best[at];
        let len = best[at..].iter().take_while(|&&b| b == byte).count();
        let mut keep = len;
        let (mut lo, mut hi) = (1, len);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let mut candidate = best[..at].to_vec();
            candidate.extend(std::iter::repeat_n(byte, mid));
            candidate.extend_from_slice(&best[at + len..]);
            if still(&candidate) {
                keep = mid;
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        if keep < len {
            best.drain(at + keep..at + len);
        }
        at += keep;
    }
    let floor = (best.len() / 1000).max(1);
    ddmin(&mut best, Unit::Bytes, floor, &mut still);
    let out = file.with_extension("min");
    std::fs::write(&out, &best)?;
    let shown = if best.len() <= 2000 {
        escape(&best)
    } else {
        format!(
            "{}… ({} more bytes)",
            escape(&best[..2000]),
            best.len() - 2000
        )
    };
    println!(
        "{} bytes → {} bytes in {} runs{}, still panics at {site}: {}\n{shown}",
        input.len(),
        best.len(),
        runs.min(BUDGET),
        if runs > BUDGET { " (budget spent)" } else { "" },
        out.display(),
    );
    Ok(true)
}

/// Removes every chunk of `unit`s whose removal keeps `still` true, halving
/// the chunk size down to `floor`.
fn ddmin(best: &mut Vec<u8>, unit: Unit, floor: usize, still: &mut impl FnMut(&[u8]) -> bool) {
    let mut chunk = pieces(best, unit).len().div_ceil(2).max(1);
    loop {
        let mut at = 0;
        loop {
            let parts = pieces(best, unit);
            if at >= parts.len() {
                break;
            }
            let end = (at + chunk).min(parts.len());
            let candidate: Vec<u8> = parts[..at]
                .iter()
                .chain(&parts[end..])
                .flat_map(|p| p.iter().copied())
                .collect();
            if still(&candidate) {
                *best = candidate;
            } else {
                at = end;
            }
        }
        if chunk <= floor {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Lines,
    Bytes,
}

fn pieces(bytes: &[u8], unit: Unit) -> Vec<&[u8]> {
    match unit {
        Unit::Lines => bytes.split_inclusive(|&b| b == b'\n').collect(),
        Unit::Bytes => bytes.chunks(1).collect(),
    }
}

/// An input as a Rust byte-string literal body, for a report.
fn escape(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

// ---------------------------------------------------------------------------
// Mutations.

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Values for the right-hand side of a TOML `key = value`.
const TOML_VALUES: &[&str] = &[
    "nan",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "-0",
    "-0.0",
    "0",
    "-1",
    "1",
    "2",
    "0.5",
    "0.50000000000000000000000000000000000000000000000000000000000000",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "1e15",
    "9007199254740993",
    "0001-01-02",
    "0026-01-02",
    "9999-12-31",
    "1970-01-01",
    "5e-324",
    "1e-400",
    "1e400",
    "3",
    "28",
    "65535",
    "65536",
    "100000",
    "1000000000",
    "2147483647",
    "-2147483648",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "0x7fffffffffffffff",
    "0o777",
    "0b1",
    "1_000",
    "2026-02-30",
    "2026-02-29",
    "2024-02-29",
    "0000-01-01",
    "0001-01-02",
    "0026-01-02",
    "9026-01-02",
    "9999-12-31",
    "-009999-01-01",
    "1e15",
    "1e16",
    "9007199254740993",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "1970-01-01",
    "2026-13-01",
    "2026-01-01T00:00:00Z",
    "2026-01-01T08:30:00",
    "2026-01-01 08:30:00+14:00",
    "08:30:00",
    "\"2026-03-31\"",
    "\"\"",
    "\" \"",
    "\"x\"",
    "true",
    "false",
    "[]",
    "[1, 2]",
    "[\"\"]",
    "[\"sla\", \"sla\"]",
    "[\"nope\"]",
    "[[1], [2]]",
    "{}",
    "{ channel = \"voice\" }",
    "{ channel = \"chat\", team = \"backoffice\" }",
    "{ channel = \"nope\" }",
    "{ nope = \"x\" }",
    "{ channel = 1 }",
    "{ \"\" = \"\" }",
    "{ start = 2026-01-01, end = 2025-01-01 }",
    "{ start = 0000-01-01, end = 9999-12-31 }",
    "\"<script>alert(1)</script>\"",
    "\"</script><!--\"",
    "\"../../../etc/passwd\"",
    "\"/etc/passwd\"",
    "\"/dev/null.js\"",
    "\"../x.js\"",
    "\"C:\\\\Windows\\\\x.js\"",
    "\"\\u202e\\u200frtl\"",
    "\"\\u0000\"",
    "\"\\uFEFF\"",
    "\"\\u0085\\u2028\"",
    "\"e\\u0301\"",
    "\"sla\"",
    "\"aht\"",
    "\"contacts\"",
    "\"SLA\"",
    "\"sla \"",
    "\"higher\"",
    "\"lower\"",
    "\"mean\"",
    "\"sum\"",
    "\"last\"",
    "\"min\"",
    "\"max\"",
    "\"warning\"",
    "\"critical\"",
    "\"running\"",
    "\"worked\"",
    "\"failed\"",
    "\"inconclusive\"",
    "\"todo\"",
    "\"in-progress\"",
    "\"done\"",
    "\"blocked\"",
    "\"dropped\"",
    "\"low\"",
    "\"medium\"",
    "\"high\"",
    "\"simple\"",
    "\"complex\"",
    "\"day\"",
    "\"week\"",
    "\"month\"",
    "\"en\"",
    "\"es\"",
    "\"cdn\"",
    "\"chat-bot\"",
    "\"2026-q1\"",
    "\"2026-h1\"",
    "\"1.0\"",
    "\"wait*\"",
    "\"*\"",
    "\"**\"",
    "\"{{ kpi_card(\\\"sla\\\") }}\"",
    "\"{{ trend_chart(\\\"aht\\\") }}\"",
    "\"{% raw %}\"",
    "\"{{\"",
    "'''multi\nline'''",
    "\"\"\"\na\n\"\"\"",
    "'literal \\ back'",
];

/// Values for a CSV cell.
const CSV_VALUES: &[&str] = &[
    "",
    " ",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "-0",
    "0",
    "-1",
    "1",
    "5",
    "10",
    "11",
    "4.5",
    "1e308",
    "-1e308",
    "1e309",
    "5e-324",
    "1e-400",
    "+5",
    ".5",
    "5.",
    "1,5",
    "\"1,5\"",
    "12%",
    "n/a",
    "1000000000",
    "4294967296",
    "1e300",
    "0.000001",
    "9223372036854775807",
    "99999999999999999999",
    "2026-02-30",
    "2026-02-29",
    "0000-01-01",
    "9999-12-31",
    "1970-01-01",
    "2026-01-01T00:00:00Z",
    "2026-03-02 08:30",
    "2026-01-01T25:61:00",
    "2026-03-02T08:30:00.123456789+14:00",
    "2026-1-1",
    "20260101",
    "\"a,b\"",
    "\"\"\"\"",
    "\"",
    "\"unterminated",
    "\"multi\nline\"",
    "voice",
    "chat",
    "backoffice",
    "sla",
    "aht",
    "contacts",
    "weight",
    "date",
    "metric",
    "value",
    "nps",
    "csat",
    "ces",
    "attr_",
    "attr_speed",
    "comment",
    "<script>alert(1)</script>",
    "../",
    "/etc/passwd",
    "\u{202e}rtl",
    "\u{0}",
    "ñ",
    "e\u{301}",
    "\u{1F600}",
    "wait",
    "esperé",
];

/// Syntax and markup, inserted anywhere.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    " = ",
    ",",
    ".",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "#",
    "+++",
    "+++\n",
    "\"\"\"",
    "'''",
    "\\",
    "\\u",
    "\\U0010FFFF",
    "\\uD800",
    "[[metric]]\n",
    "[[metric.alert]]\n",
    "[[finding]]\n",
    "[[objective]]\n",
    "[[objective.key_result]]\n",
    "[[version]]\n",
    "[[experiment]]\n",
    "[[action]]\n",
    "[[initiative]]\n",
    "[[theme]]\n",
    "[periods]\n",
    "[compare]\n",
    "[strings]\n",
    "[charts]\n",
    "[surveys]\n",
    "[build]\n",
    "[metric]\n",
    "{{ ",
    " }}",
    "{{ kpi_card(\"sla\") }}",
    "{{ trend_chart(\"aht\", channel=\"voice\") }}",
    "{{ before_after(\"chat-bot\") }}",
    "{{ okr_table(\"2026-h1\") }}",
    "{{ nps(segment=\"channel\") }}",
    "{{ alerts() }}",
    "{{ audit_gaps(\"2026-q2\") }}",
    "{%",
    "%}",
    "{#",
    "```\n",
    "---\n",
    "| a | b |\n|---|---|\n",
    "[^1]",
    "[^1]: note\n",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "[x](javascript:alert(1))",
    " {#anchor}",
    " {autofocus tabindex=0 onfocus=alert(1)}",
    " {#a .b onmouseover=\"x\" style=y}",
    " {.c #d}",
    " {",
    "## h {onfocus=alert(document.domain)}\n",
    "> ",
    "* ",
    "1. ",
    "- [ ] ",
    "# ",
    "../",
    "/etc/passwd",
    "date",
    "metric",
    "value",
    "weight",
    "attr_",
    "id = \"x\"\n",
    "a.b.c = 1\n",
    "{{ site }}",
    "{{ site.title }}",
    "{{ kpi_card() }}",
    "{{ kpi_card(1) }}",
    "{{ kpi_card(\"sla\", nope=\"x\") }}",
    "{{ nps(segment=\"region\") }}",
    "{% set x = site %}",
    "{% for i in range(100000) %}x{% endfor %}",
    "{% for a in range(3000) %}{% for b in range(3000) %}{% endfor %}{% endfor %}",
    "{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}",
    "{% for a in range(100) %}{% for b in range(100) %}{% for c in range(100) %}{% endfor %}{% endfor %}{% endfor %}",
    "{% for a in range(10000) %}{{ kpi_card(\"sla\") }}{% endfor %}",
    "{{ 'x' * 100000 }}",
    "{{ range(100000)|list|length }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ 1.5|num }}",
    "{{ 1.5|num(digits=2) }}",
    "{{ 2|unit(\"%\") }}",
    "{{ -1|delta(\"min\", digits=1) }}",
    "{{ 5|amount(\"EUR\") }}",
    "{{ 1e308|money(\"EUR\") }}",
    "{{ -0.0|pct }}",
    "{{ \"2026-02-30\"|date }}",
    "{{ 1e-300|pvalue }}",
    "{{ 0.04|p_is }}",
    "{{ t(\"{n} warning\", n=1e308) }}",
    "{{ tn(\"{n} warning\", \"{n} warnings\", -0.0) }}",
    "|num(digits=",
    "digits=",
    "65536",
    "100000",
];

/// Bytes that are not what UTF-8 text should be, or are but look odd.
const BYTES: &[&[u8]] = &[
    b"\0",
    b"\xff",
    b"\xfe",
    b"\xc3",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xe2\x82",
    b"\xef\xbb\xbf",
    b"\xe2\x80\xae",
    b"\xe2\x80\x8f",
    b"\xe2\x80\xa8",
    b"\xc2\x85",
    b"\xef\xbf\xbd",
    b"\xf0\x9f\x98\x80",
    b"e\xcc\x81",
    b"\x1b[31m",
    b"\x7f",
];

/// Keys every TOML kind knows, for renaming keys.
const KEYS: &[&str] = &[
    "id",
    "name",
    "title",
    "unit",
    "direction",
    "aggregate",
    "target",
    "current",
    "baseline",
    "metric",
    "metrics",
    "filter",
    "below",
    "above",
    "severity",
    "message",
    "date",
    "start",
    "end",
    "deadline",
    "due",
    "launch",
    "period",
    "version",
    "steps",
    "changes",
    "summary",
    "status",
    "impact",
    "effort",
    "complexity",
    "owner",
    "keywords",
    "alert_weekly_mentions",
    "as_of",
    "trend",
    "window_days",
    "alpha",
    "attribute_scale",
    "echarts",
    "language",
    "currency",
    "base_url",
    "output_dir",
    "weight",
    "draft",
    "description",
    "\"quoted key\"",
    "a.b",
    "ñ",
    "\"\"",
    "1",
];

/// Powers of ten and of two (and one off), negative or not, long decimals,
/// exponents, any 64-bit number: where integer types and windows overflow.
fn made_up_number(rng: &mut Rng) -> String {
    let sign = if rng.one_in(3) { "-" } else { "" };
    match rng.index(5) {
        0 => format!("{sign}1{}", "0".repeat(rng.index(21))),
        1 => {
            let p = 1u128 << rng.index(65);
            let off = [0i128, -1, 1][rng.index(3)];
            format!("{sign}{}", p as i128 + off)
        }
        2 => format!("{sign}0.{}1", "0".repeat(rng.index(30))),
        3 => format!("{sign}1e{}", rng.index(801) as i64 - 400),
        _ => format!("{sign}{}", rng.next_u64()),
    }
}

fn numeric(value: &str) -> bool {
    value
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'i' | b'n'))
}

/// Harvests keys (`key = …`) and CSV header names from the corpus.
fn harvest_keys(donors: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut keys: HashSet<Vec<u8>> = KEYS.iter().map(|k| k.as_bytes().to_vec()).collect();
    for donor in donors {
        for (i, line) in donor.split(|&b| b == b'\n').enumerate() {
            if let Some(eq) = line.iter().position(|&b| b == b'=') {
                let key = line[..eq].trim_ascii();
                if !key.is_empty() && key.len() < 40 && !key.contains(&b' ') {
                    keys.insert(key.to_vec());
                }
            }
            if i == 0 && line.contains(&b',') {
                for name in line.split(|&b| b == b',') {
                    keys.insert(name.trim_ascii().to_vec());
                }
            }
        }
    }
    let mut keys: Vec<Vec<u8>> = keys.into_iter().collect();
    keys.sort();
    keys
}

/// Byte ranges of the lines, each with its newline.
fn lines(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push(start..bytes.len());
    }
    out
}

/// A random line's range (an empty range at 0 for an empty input).
fn some_line(rng: &mut Rng, bytes: &[u8]) -> std::ops::Range<usize> {
    let all = lines(bytes);
    if all.is_empty() {
        return 0..0;
    }
    all[rng.index(all.len())].clone()
}

/// The line without its line ending.
fn content_of(bytes: &[u8], line: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let mut end = line.end;
    while end > line.start && matches!(bytes[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    line.start..end
}

/// A random place: anywhere, at a line start, or after an `=` or `,`.
fn some_place(rng: &mut Rng, bytes: &[u8]) -> usize {
    match rng.index(3) {
        0 => rng.index(bytes.len() + 1),
        1 => some_line(rng, bytes).start,
        _ => {
            let marks: Vec<usize> = bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| matches!(b, b'=' | b','))
                .map(|(i, _)| i + 1)
                .collect();
            if marks.is_empty() {
                rng.index(bytes.len() + 1)
            } else {
                *rng.choose(&marks)
            }
        }
    }
}

/// Spans of a pattern: runs of digits (numbers) or `dddd-dd-dd` (dates).
fn spans(bytes: &[u8], dates: bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            if dates {
                let is_date = i - start == 4
                    && bytes.get(i) == Some(&b'-')
                    && bytes.len() >= start + 10
                    && bytes[start + 5..start + 7].iter().all(u8::is_ascii_digit)
                    && bytes[start + 7] == b'-'
                    && bytes[start + 8..start + 10].iter().all(u8::is_ascii_digit);
                if is_date {
                    out.push(start..start + 10);
                    i = start + 10;
                }
            } else {
                out.push(start..i);
            }
        } else {
            i += 1;
        }
    }
    out
}

/// What long strings are made of: plain, multi-byte, CSV cells, nesting.
const LONG_UNITS: &[&[u8]] = &[
    b"x",
    "é".as_bytes(),
    b"a,",
    b"[",
    b"{a=",
    b"> ",
    b"*",
    b"- ",
    b"\"",
    b"\n",
    b"{{ ",
    b"[a](",
    b"<",
    b"\\",
    b"a\n\n",
    b"# a\n",
];

fn long_string(rng: &mut Rng) -> Vec<u8> {
    let n = *rng.choose(&[300, 5_000, 70_000, 1_000_000]);
    let unit = *rng.choose(LONG_UNITS);
    unit.repeat(n / unit.len().max(1))
}

fn nasty_value(rng: &mut Rng, toml: bool, long: bool) -> Vec<u8> {
    if long {
        let mut v = long_string(rng);
        if toml {
            v.retain(|&b| b != b'"' && b != b'\\' && b != b'\n');
            v.insert(0, b'"');
            v.push(b'"');
        }
        return v;
    }
    let table = if toml { TOML_VALUES } else { CSV_VALUES };
    rng.choose(table).as_bytes().to_vec()
}

/// One input from `parent`: one to a few mutations, now and then many.
fn mutate(
    rng: &mut Rng,
    parent: &[u8],
    donors: &[Vec<u8>],
    pool: &[Vec<u8>],
    keys: &[Vec<u8>],
) -> Vec<u8> {
    let mut out = parent.to_vec();
    let rounds = if rng.one_in(10) {
        2 + rng.index(8)
    } else {
        1 + rng.index(3)
    };
    for _ in 0..rounds {
        mutate_once(rng, &mut out, donors, pool, keys);
        if out.len() > MAX_INPUT {
            out.truncate(MAX_INPUT);
        }
    }
    out
}

fn mutate_once(
    rng: &mut Rng,
    out: &mut Vec<u8>,
    donors: &[Vec<u8>],
    pool: &[Vec<u8>],
    keys: &[Vec<u8>],
) {
    let toml = !out.iter().take(200).any(|&b| b == b',') || out.starts_with(b"+++");
    // Weighted: the structure-aware mutations most of the time.
    match rng.index(100) {
        // Flip a few bits.
        0..=4 => {
            for _ in 0..=rng.index(4) {
                if !out.is_empty() {
                    let at = rng.index(out.len());
                    out[at] ^= 1 << rng.index(8);
                }
            }
        }
        // Delete a line, or several.
        5..=11 => {
            let line = some_line(rng, out);
            let extra = if rng.one_in(4) { rng.index(8) } else { 0 };
            let end = lines(out)
                .into_iter()
                .filter(|l| l.start >= line.start)
                .nth(extra)
                .map_or(line.end, |l| l.end);
            out.drain(line.start..end);
        }
        // Duplicate a line.
        12..=18 => {
            let line = some_line(rng, out);
            let copy = out[line.clone()].to_vec();
            let at = if rng.one_in(2) {
                line.end
            } else {
                some_line(rng, out).start
            };
            splice_in(out, at, &with_newline(copy));
        }
        // Swap two lines.
        19..=23 => {
            let all = lines(out);
            if all.len() >= 2 {
                let (a, b) = (rng.index(all.len()), rng.index(all.len()));
                let (a, b) = (a.min(b), a.max(b));
                if a != b {
                    let mut parts: Vec<Vec<u8>> = all
                        .iter()
                        .map(|l| with_newline(out[l.clone()].to_vec()))
                        .collect();
                    parts.swap(a, b);
                    *out = parts.concat();
                }
            }
        }
        // A token at some place.
        24..=33 => {
            let at = some_place(rng, out);
            let token = rng.choose(TOKENS).as_bytes().to_vec();
            splice_in(out, at, &token);
        }
        // Replace a value: after `=` in TOML, a cell in CSV.
        34..=49 => {
            let line = content_of(out, some_line(rng, out));
            let text = out[line.clone()].to_vec();
            let long = rng.one_in(30);
            if let Some(eq) = text.iter().position(|&b| b == b'=') {
                let mut value = b" ".to_vec();
                value.extend(nasty_value(rng, true, long));
                out.splice(line.start + eq + 1..line.end, value);
            } else if text.contains(&b',') {
                let cells: Vec<std::ops::Range<usize>> = cells(&text);
                let cell = cells[rng.index(cells.len())].clone();
                let value = nasty_value(rng, false, long);
                out.splice(line.start + cell.start..line.start + cell.end, value);
            } else {
                let value = nasty_value(rng, toml, long);
                splice_in(out, line.end, &value);
            }
        }
        // Replace a number: one from the table, or a made-up magnitude.
        50..=56 => {
            let found = spans(out, false);
            if !found.is_empty() {
                let span = found[rng.index(found.len())].clone();
                let value = if rng.one_in(2) {
                    made_up_number(rng).into_bytes()
                } else {
                    let values: Vec<&str> = if toml { TOML_VALUES } else { CSV_VALUES }
                        .iter()
                        .copied()
                        .filter(|v| numeric(v))
                        .collect();
                    rng.choose(&values).as_bytes().to_vec()
                };
                out.splice(span, value);
            }
        }
        // Replace a date.
        57..=62 => {
            let found = spans(out, true);
            if !found.is_empty() {
                let span = found[rng.index(found.len())].clone();
                let date = rng.choose(&[
                    "2026-02-30",
                    "2026-02-29",
                    "2024-02-29",
                    "0000-01-01",
                    "9999-12-31",
                    "1970-01-01",
                    "2026-13-01",
                    "2026-00-10",
                    "2026-01-32",
                    "2026-12-31",
                    "2025-12-31",
                    "2026-01-01",
                    "2026-03-31",
                    "2026-04-01",
                    "2026-01-01T00:00:00Z",
                    "2026-1-1",
                    "99999-01-01",
                    "-001-01-01",
                ]);
                out.splice(span, date.bytes());
            }
        }
        // Rename a key.
        63..=67 => {
            let line = content_of(out, some_line(rng, out));
            let text = out[line.clone()].to_vec();
            if let Some(eq) = text.iter().position(|&b| b == b'=') {
                let key = rng.choose(keys).clone();
                let mut key = key;
                key.push(b' ');
                out.splice(line.start..line.start + eq, key);
            } else if text.contains(&b',') {
                let cells = cells(&text);
                let cell = cells[rng.index(cells.len())].clone();
                let key = rng.choose(keys).clone();
                out.splice(line.start + cell.start..line.start + cell.end, key);
            }
        }
        // Splice lines from another file: the corpus of any target, or the pool.
        68..=76 => {
            let donor: &[u8] = if rng.one_in(3) && !pool.is_empty() {
                rng.choose(pool).as_slice()
            } else if !donors.is_empty() {
                rng.choose(donors).as_slice()
            } else {
                &[]
            };
            let donor_lines = lines(donor);
            if !donor_lines.is_empty() {
                let from = rng.index(donor_lines.len());
                let to = (from + 1 + rng.index(6)).min(donor_lines.len());
                let piece =
                    with_newline(donor[donor_lines[from].start..donor_lines[to - 1].end].to_vec());
                let at = some_line(rng, out);
                if rng.one_in(2) {
                    out.splice(at, piece);
                } else {
                    splice_in(out, at.start, &piece);
                }
            }
        }
        // Repeat a line 10,000 times.
        77..=78 => {
            let line = some_line(rng, out);
            let copy = with_newline(out[line.clone()].to_vec());
            let times = 10_000.min(MAX_INPUT / copy.len().max(1));
            splice_in(out, line.end, &copy.repeat(times));
        }
        // Cut the file short.
        79..=81 => {
            let at = rng.index(out.len() + 1);
            out.truncate(at);
        }
        // Line endings, byte-order mark.
        82..=84 => match rng.index(5) {
            0 => *out = replace_all(out, b"\n", b"\r\n"),
            1 => *out = replace_all(out, b"\n", b"\r"),
            2 => splice_in(out, 0, b"\xef\xbb\xbf"),
            3 => {
                while out.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
                    out.pop();
                }
            }
            _ => *out = replace_all(out, b"\n", b"\n\n"),
        },
        // Odd bytes: not UTF-8, NUL, RTL marks.
        85..=89 => {
            let at = some_place(rng, out);
            let bytes = *rng.choose(BYTES);
            splice_in(out, at, bytes);
        }
        // A long string, or deep nesting, somewhere.
        90..=91 => {
            let at = some_place(rng, out);
            let long = long_string(rng);
            let cut = long.len().min(MAX_INPUT.saturating_sub(out.len()));
            splice_in(out, at, &long[..cut]);
        }
        // CSV columns: delete, duplicate or swap one in every line.
        92..=96 => {
            let mut parts: Vec<Vec<u8>> = Vec::new();
            let op = rng.index(3);
            let (c, d) = (rng.index(8), rng.index(8));
            for line in lines(out) {
                let body = content_of(out, line.clone());
                let text = &out[body.clone()];
                let ranges = cells(text);
                let mut fields: Vec<Vec<u8>> =
                    ranges.iter().map(|r| text[r.clone()].to_vec()).collect();
                match op {
                    0 if c < fields.len() => {
                        fields.remove(c);
                    }
                    1 if c < fields.len() => {
                        let copy = fields[c].clone();
                        fields.insert(c, copy);
                    }
                    2 if c < fields.len() && d < fields.len() => fields.swap(c, d),
                    _ => {}
                }
                let mut joined = fields.join(&b","[..]);
                joined.extend_from_slice(&out[body.end..line.end]);
                parts.push(joined);
            }
            *out = parts.concat();
        }
        // Numbered copies of a block: many distinct ids, dimension values,
        // segments, each copy with its number in one quoted string or cell.
        97 => {
            let all = lines(out);
            if !all.is_empty() {
                let from = rng.index(all.len());
                let to = (from + 1 + rng.index(12)).min(all.len());
                let block = with_newline(out[all[from].start..all[to - 1].end].to_vec());
                let times = *rng.choose(&[10, 100, 1000, 10_000]);
                let times = times.min(MAX_INPUT / block.len().max(1));
                let cell = rng.index(8);
                let mut copies = Vec::new();
                for i in 0..times {
                    copies.extend(numbered(&block, cell, i));
                }
                splice_in(out, all[to - 1].end, &copies);
            }
        }
        // A block of lines copied elsewhere: a repeated [[table]], repeated ids.
        _ => {
            let all = lines(out);
            if !all.is_empty() {
                let from = rng.index(all.len());
                let to = (from + 1 + rng.index(12)).min(all.len());
                let block = with_newline(out[all[from].start..all[to - 1].end].to_vec());
                let at = if rng.one_in(2) {
                    out.len()
                } else {
                    some_line(rng, out).start
                };
                splice_in(out, at, &block);
            }
        }
    }
}

/// A copy of `block` with `n` put in: after the first quoted string's text
/// on each line (TOML), or after cell `cell` of each line (CSV).
fn numbered(block: &[u8], cell: usize, n: usize) -> Vec<u8> {
    let tag = format!("{n}");
    let mut out = Vec::with_capacity(block.len() + 8);
    for line in block.split_inclusive(|&b| b == b'\n') {
        let quotes: Vec<usize> = line
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'"')
            .map(|(i, _)| i)
            .collect();
        if let [_, close, ..] = quotes[..] {
            out.extend_from_slice(&line[..close]);
            out.extend_from_slice(tag.as_bytes());
            out.extend_from_slice(&line[close..]);
        } else if line.contains(&b',') {
            let body = line.trim_ascii_end();
            let ranges = cells(body);
            let end = ranges[cell.min(ranges.len() - 1)].end;
            out.extend_from_slice(&line[..end]);
            out.extend_from_slice(tag.as_bytes());
            out.extend_from_slice(&line[end..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// The comma-separated cells of a line, quotes and all (not CSV-aware on
/// purpose: a cut through a quoted cell is a fine mutation).
fn cells(line: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in line.iter().enumerate() {
        if b == b',' {
            out.push(start..i);
            start = i + 1;
        }
    }
    out.push(start..line.len());
    out
}

fn with_newline(mut line: Vec<u8>) -> Vec<u8> {
    if !line.ends_with(b"\n") {
        line.push(b'\n');
    }
    line
}

fn splice_in(out: &mut Vec<u8>, at: usize, piece: &[u8]) {
    let at = at.min(out.len());
    out.splice(at..at, piece.iter().copied());
}

fn replace_all(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}
