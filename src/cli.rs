//! The command line: arguments, and what each command prints and returns.
//!
//! Exit status: 0 success, 1 invalid data (every problem is printed), 2 usage
//! or I/O error, 3 an alert fired that `check --fail-on-alert` asked to fail on,
//! 141 standard output closed before all was printed (`cxreport diff | head`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::Built;
use crate::analytics::Report;
use crate::analytics::alerts::Severity;
use crate::diag::{self, Diagnostic, Format};
use crate::terminal::{Closed, Terminal, Verbosity, print};

/// The exit status for [`Closed`]: 128 + SIGPIPE, what a shell reports for a
/// program that a closed pipe stopped (git's, cat's).
const CLOSED: u8 = 141;

/// `println!` through [`print`], so that a closed pipe is an error to
/// return, not a panic.
macro_rules! outln {
    ($($arg:tt)*) => {
        print(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// What `--version` prints after the name: `0.1.0 (1a2b3c4d 2026-12-07)`.
/// The commit is named here only; the site says the version alone, so
/// that a plan builds to the same bytes whichever commit of cxreport
/// built it (build.rs says where the commit comes from).
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("CXREPORT_COMMIT"),
    ")"
);

/// Turn a customer-experience improvement plan kept as files into a static website.
#[derive(Debug, Parser)]
#[command(name = "cxreport", version = VERSION, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print nothing but the problems.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print the time each phase took (wall and CPU) and the peak
    /// memory, and what `serve` does.
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the plan and build its site.
    ///
    /// The output directory is replaced only when the build succeeds: a plan
    /// with errors leaves the previous site untouched.
    Build(BuildArgs),
    /// Build, serve the site on this machine, and rebuild it whenever a file
    /// of the plan changes: open pages reload by themselves, and a build that
    /// fails keeps the last good site with the problems shown over it.
    Serve(ServeArgs),
    /// What a change does to the plan and its report, for a pull request:
    /// the plan changes record by record, then key results, audit findings,
    /// alerts, verdicts and KPIs that move. Markdown starts with a hidden
    /// marker, so CI can update one comment in place.
    Diff(DiffArgs),
    /// Start a new plan: a small data set of every kind with each field
    /// explained, content pages, a .gitignore and the CI workflow. It builds
    /// at once.
    Init(InitArgs),
    /// Add the next record to the plan from a template, and print its file:
    /// a sprint, audit or OKR period (a new file named by its period), an
    /// initiative or a flow version (added to their file). Never overwrites.
    New {
        #[command(subcommand)]
        what: NewRecord,
    },
    /// Check the plan without building: every problem, with file:line:col.
    Check(CheckArgs),
    /// Turn platform exports (CSV, .xlsx, .xls, .ods) into the canonical KPI
    /// file of the recipe [import.NAME] in cxreport.toml. Days (per
    /// dimension values) already in that file are replaced, never counted
    /// twice; an unchanged result leaves the file untouched.
    Import(ImportArgs),
    /// Run the sources of cxreport.toml ([source.NAME]: a PostgreSQL query,
    /// or a program that prints CSV) and write each result into its
    /// canonical KPI file, checked like any plan file. An unchanged result
    /// leaves its file untouched; a failing source leaves its file as it
    /// was while the others still run (exit 1).
    Pull(PullArgs),
    /// Send the alerts that started firing since the previous report to
    /// the [[route]]s of cxreport.toml and to their owners in [people]:
    /// one e-mail or webhook POST per recipient. Each alert goes out once.
    Notify(NotifyArgs),
    /// Write the executive digest: the home page as an e-mail (HTML and
    /// plain text), with the alerts and plan changes since the previous
    /// digest. Prints the text; --out writes the HTML, --send e-mails it
    /// to [digest] to.
    Digest(DigestArgs),
    /// Print a board pack as one PDF: the overview, KPIs, OKRs and alerts
    /// pages (or the --pages given), each starting a new sheet, with the
    /// plan's title, as_of and page numbers on every sheet. The site is
    /// built in memory (the output folder is not touched) and printed by a
    /// local headless Chromium, found on PATH or named by
    /// CXREPORT_CHROMIUM. Charts need ECharts: with the default CDN it is
    /// fetched from the network; [charts] echarts = "path" works offline.
    Pdf(PdfArgs),
    /// Print an SQL query that does an import recipe's aggregation where
    /// the data is kept: run on a table holding the raw log, it gives the
    /// daily rows `cxreport import` writes from the log as a file (see
    /// docs/sources.md).
    Sql {
        #[command(subcommand)]
        what: SqlQuery,
    },
}

/// What `sql` writes a query for.
#[derive(Debug, Subcommand)]
pub enum SqlQuery {
    /// The contacts recipe [import.RECIPE] of cxreport.toml (kind =
    /// "contacts"): the same columns, outcomes, thresholds, time zone,
    /// metrics and definitions. Outcomes in none of its lists are left
    /// out; --problems lists them.
    Contacts(SqlContactsArgs),
}

/// What `sql contacts` is given.
#[derive(Debug, clap::Args)]
pub struct SqlContactsArgs {
    /// The recipe: RECIPE in [import.RECIPE] of cxreport.toml.
    recipe: String,
    /// The table holding the log: `name`, `schema.name` or
    /// `catalog.schema.name`, its columns named as the recipe's `columns`.
    #[arg(long, value_name = "TABLE")]
    table: String,
    /// The SQL engine to write for (snowflake is not tested by cxreport's
    /// own test suite).
    #[arg(long, value_enum, default_value = "postgres")]
    dialect: crate::sql::Dialect,
    /// Write instead a query that lists the contacts `cxreport import`
    /// would refuse (outcomes in no list, no day, a time below 0, an
    /// answered contact without the times its figures need), with their
    /// count; it gives no row when there are none.
    #[arg(long)]
    problems: bool,
    /// The plan's root folder.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
}

/// What `pdf` is given.
#[derive(Debug, clap::Args)]
pub struct PdfArgs {
    /// The plan's root folder (where cxreport.toml, data/ and content/ are),
    /// or any folder inside it: the nearest one up that holds cxreport.toml.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Where to write the PDF [default: the title's slug and as_of, such as
    /// northwind-cx-2026-10-31.pdf, in the current folder].
    #[arg(long, short, value_name = "FILE.pdf")]
    out: Option<PathBuf>,
    /// The pages to print, in order, as paths of the site: `/` (the
    /// overview), `/kpis/`, `/kpis/sla/`, `/okrs/2026-h2/`, `/alerts/`, a
    /// content page [default: / /kpis/ /okrs/ /alerts/].
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pages: Vec<String>,
}

/// What `digest` is given.
#[derive(Debug, clap::Args)]
pub struct DigestArgs {
    /// The plan's root folder (where cxreport.toml, data/ and content/ are),
    /// or any folder inside it: the nearest one up that holds cxreport.toml.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// The revision of the previous digest (a commit, tag or branch, or
    /// `main@{7 days ago}`): what changed in the plan since, and which
    /// alerts are new.
    #[arg(long, value_name = "REV", conflicts_with = "previous")]
    since: Option<String>,
    /// The report the previous digest was made from, a file or its address
    /// (https://…/api/report.json): which alerts are new, and what changed
    /// in the plan since the commit it was built from.
    #[arg(long, value_name = "FILE|URL")]
    previous: Option<String>,
    /// Write the HTML part to this file.
    #[arg(long, value_name = "FILE.html")]
    out: Option<PathBuf>,
    /// E-mail the digest to the addresses of [digest] to in cxreport.toml,
    /// through its [smtp] server.
    #[arg(long)]
    send: bool,
}

/// What `notify` is given.
#[derive(Debug, clap::Args)]
pub struct NotifyArgs {
    /// The plan's root folder (where cxreport.toml, data/ and content/ are),
    /// or any folder inside it: the nearest one up that holds cxreport.toml.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// The previously published api/report.json, a file or its address
    /// (https://…/api/report.json); only alerts not firing there are sent.
    /// Without it, every firing alert is new. An address answering 404 (a
    /// site not published yet) counts as no previous report.
    #[arg(long, value_name = "FILE|URL")]
    previous: Option<String>,
    /// Print what would be sent, and to whom; send nothing.
    #[arg(long)]
    dry_run: bool,
}

/// What `pull` is given.
#[derive(Debug, clap::Args)]
pub struct PullArgs {
    /// The sources to run, NAME in [source.NAME] of cxreport.toml
    /// [default: all of them].
    #[arg(value_name = "NAME")]
    names: Vec<String>,
    /// Write nothing; exit 1 when any file would change (CI's check that
    /// the data has drifted from the database).
    #[arg(long)]
    check: bool,
    /// The plan's root folder (where cxreport.toml, data/ and content/ are),
    /// or any folder inside it: the nearest one up that holds cxreport.toml.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
}

/// What `import` is given.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The recipe: NAME in [import.NAME] of cxreport.toml.
    name: String,
    /// The exports, oldest first: a later file's days replace an earlier one's.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The plan's root folder.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
}

/// What `build` is given.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The plan's root folder (where cxreport.toml, data/ and content/ are),
    /// or any folder inside it: the nearest one up that holds cxreport.toml.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Where to write the site [default: `output_dir` of cxreport.toml, relative to the root].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Build the plan as it was at this revision (`HEAD~3`, a branch, a
    /// tag, a commit id), read from the repository: nothing is checked
    /// out and the work tree is not touched.
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
}

/// What `serve` is given.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The plan's root folder (where cxreport.toml, data/ and content/ are),
    /// or any folder inside it: the nearest one up that holds cxreport.toml.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Where to write the site [default: `output_dir` of cxreport.toml].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The port to listen on; 0 picks a free one (the address is printed).
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// The address to listen on; 0.0.0.0 lets other machines see the site.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    bind: std::net::IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
}

/// What `diff` is given.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The revision to compare from [default: the merge base with the default branch].
    base: Option<String>,
    /// The revision to compare to [default: the work tree].
    head: Option<String>,
    /// The plan's root folder (where cxreport.toml, data/ and content/ are),
    /// or any folder inside it: the nearest one up that holds cxreport.toml.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
    format: DiffFormat,
    /// Exit with 3 when the change does this (may be given more than once).
    #[arg(long, value_enum, value_name = "WHAT")]
    fail_on: Vec<FailOn>,
}

/// What `init` is given.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The new plan's folder (made if missing).
    #[arg(default_value = ".", value_name = "DIR")]
    dir: PathBuf,
    /// Write into a folder that is not empty, overwriting the starter's files.
    #[arg(long)]
    force: bool,
}

/// What `check` is given.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The plan's root folder (where cxreport.toml, data/ and content/ are),
    /// or any folder inside it: the nearest one up that holds cxreport.toml.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// How to print the problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also compute the report, and exit with 3 when an alert of this
    /// severity or worse fires.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on_alert: Option<AlertLevel>,
}

/// What `new` adds.
#[derive(Debug, Subcommand)]
pub enum NewRecord {
    /// data/sprints/YYYY-MM.toml for the month of the date.
    Sprint(NewArgs),
    /// data/audits/YYYY-qN.toml for the quarter of the date, dated by it.
    Audit(NewArgs),
    /// data/okrs/YYYY-hN.toml for the half-year of the date.
    Okr(NewArgs),
    /// An [[initiative]] in data/initiatives.toml, its id made from the title, due three months after the date.
    Initiative {
        title: String,
        #[command(flatten)]
        args: NewArgs,
    },
    /// A [[version]] of data/flows/FLOW.toml, live on the date, with the last version's steps.
    FlowVersion {
        /// The flow's file name, without .toml.
        flow: String,
        /// What the version is about.
        summary: String,
        #[command(flatten)]
        args: NewArgs,
    },
}

/// Where and when `new` adds its record.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The plan's root folder (where cxreport.toml, data/ and content/ are),
    /// or any folder inside it: the nearest one up that holds cxreport.toml.
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// The date the record is for [default: as_of in cxreport.toml].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    date: Option<jiff::civil::Date>,
}

/// A `--date`: clap puts the value before this message, and the parser's
/// own words (`failed to parse year in date`) would not say what to type.
fn date(text: &str) -> Result<jiff::civil::Date, String> {
    let shaped = text.len() == 10
        && text.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        });
    match text.parse() {
        Ok(date) if shaped => Ok(date),
        _ if shaped => Err("there is no such day in the calendar".to_owned()),
        _ => Err("expected a date as YYYY-MM-DD, such as 2026-10-31".to_owned()),
    }
}

/// What a `diff` can be told to fail on (exit 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A key result becomes off-track or overdue.
    OffTrack,
    /// A key result's target is lowered (moved toward its baseline).
    TargetLowered,
}

/// How `diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Markdown,
    Json,
}

/// The least severe alert that fails `check --fail-on-alert`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AlertLevel {
    Critical,
    Warning,
}

/// Runs a command. `Err` is a usage or I/O failure (exit 2).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let term = Terminal::new(cli.verbosity());
    let ran = match cli.command {
        Command::Build(args) => build(args, &term),
        Command::Serve(args) => serve(args, &term),
        Command::Diff(args) => diff(args, &term),
        Command::Init(args) => init(args, &term),
        Command::New { what } => new(what),
        Command::Check(args) => check(args, &term),
        Command::Import(args) => import(args, &term),
        Command::Pull(args) => pull(args, &term),
        Command::Notify(args) => notify(args, &term),
        Command::Digest(args) => digest(args, &term),
        Command::Pdf(args) => pdf(args, &term),
        Command::Sql {
            what: SqlQuery::Contacts(args),
        } => sql_contacts(args, &term),
    };
    match ran {
        Err(e) if e.is::<Closed>() => Ok(ExitCode::from(CLOSED)),
        ran => ran,
    }
}

impl Cli {
    fn verbosity(&self) -> Verbosity {
        if self.quiet {
            Verbosity::Quiet
        } else if self.verbose {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        }
    }
}

/// Builds the site and says what was written, or why nothing was.
fn build(args: BuildArgs, term: &Terminal) -> anyhow::Result<ExitCode> {
    // An old revision written over the plan's own output folder would
    // replace the current site without a word (issue 19): the folder
    // for an old site is the user's to name.
    if let (Some(rev), None) = (&args.rev, &args.out) {
        anyhow::bail!(
            "build --rev needs --out DIR: without it, the site as it was at {} would replace the current one in the plan's output folder",
            diag::printable(rev)
        );
    }
    let progress = term.progress();
    let root = crate::plan::find_root(&args.root)?;
    let (built, diags) = crate::build(&root, args.out.as_deref(), args.rev.as_deref(), &progress)?;
    term.problems(&diags);
    let Some(Built { summary: s, .. }) = built else {
        return Ok(invalid(&diags, "the site was not written"));
    };
    term.say(format!(
        "{} {} pages ({} files, {} unchanged) into {} in {:.2} s",
        term.good("Built"),
        s.pages,
        s.files,
        s.unchanged,
        diag::printable(&s.out_dir.display().to_string()),
        s.elapsed.as_secs_f64()
    ));
    Ok(ExitCode::SUCCESS)
}

/// Serves the site until Ctrl-C.
fn serve(args: ServeArgs, term: &Terminal) -> anyhow::Result<ExitCode> {
    let options = crate::serve::Options {
        root: crate::plan::find_root(&args.root)?,
        out: args.out,
        bind: args.bind,
        port: args.port,
        open: args.open,
    };
    crate::serve::serve(&options, term)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints what the change does, and fails if it does what `--fail-on` names.
fn diff(args: DiffArgs, term: &Terminal) -> anyhow::Result<ExitCode> {
    let root = crate::plan::find_root(&args.root)?;
    let (found, diags) = crate::diff(&root, args.base.as_deref(), args.head.as_deref())?;
    term.problems(&diags);
    let Some(d) = found else {
        return Ok(invalid(&diags, "fix the plan first"));
    };
    match args.format {
        DiffFormat::Markdown => {
            // Line by line: the Markdown's own line breaks stay, and
            // a control character from the plan's values is escaped.
            for line in crate::diff::markdown(&d).lines() {
                outln!("{}", diag::printable(line))?;
            }
        }
        DiffFormat::Json => outln!("{}", serde_json::to_string_pretty(&d)?)?,
    }
    Ok(fired(args.fail_on.iter().any(|f| f.fails(&d))))
}

impl FailOn {
    /// Whether the change does this.
    fn fails(self, d: &crate::diff::Diff) -> bool {
        use crate::analytics::scoring::KrStatus;
        let off = |s: &Option<KrStatus>| matches!(s, Some(KrStatus::OffTrack | KrStatus::Overdue));
        match self {
            Self::OffTrack => d.key_results.iter().any(|k| off(&k.new) && !off(&k.old)),
            Self::TargetLowered => d.targets.iter().any(|t| t.lowered),
        }
    }
}

/// Writes the starter plan, lists its files and says what to run next.
fn init(args: InitArgs, term: &Terminal) -> anyhow::Result<ExitCode> {
    let written = crate::init::init(&args.dir, args.force)?;
    for path in &written {
        outln!("{}", path.display())?;
    }
    let cd = if args.dir == std::path::Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", args.dir.display())
    };
    term.say(format!(
        "Wrote a new plan of {} files. Next: {cd}cxreport serve --open",
        written.len()
    ));
    Ok(ExitCode::SUCCESS)
}

/// Adds the record and prints the file it went into.
fn new(what: NewRecord) -> anyhow::Result<ExitCode> {
    let (record, args) = what.into_record();
    let root = crate::plan::find_root(&args.root)?;
    let path = crate::new::new(&root, &record, args.date)?;
    outln!("{}", path.strip_prefix(".").unwrap_or(&path).display())?;
    Ok(ExitCode::SUCCESS)
}

impl NewRecord {
    /// The record to add, apart from where and when.
    fn into_record(self) -> (crate::new::Record, NewArgs) {
        use crate::new::Record;
        match self {
            Self::Sprint(a) => (Record::Sprint, a),
            Self::Audit(a) => (Record::Audit, a),
            Self::Okr(a) => (Record::Okr, a),
            Self::Initiative { title, args } => (Record::Initiative { title }, args),
            Self::FlowVersion {
                flow,
                summary,
                args,
            } => (Record::FlowVersion { flow, summary }, args),
        }
    }
}

/// Imports the exports and prints what was read, dropped and written.
fn import(args: ImportArgs, term: &Terminal) -> anyhow::Result<ExitCode> {
    let options = crate::import::Options {
        root: args.root,
        recipe: args.name,
        files: args.files,
    };
    let (report, diags) = crate::import::import(&options)?;
    term.problems(&diags);
    let Some(r) = report else {
        return Ok(invalid(&diags, "nothing was written"));
    };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    for f in &r.files {
        let dropped: usize = f.dropped.values().sum();
        let mut line = format!(
            "Read {}: {}, {} used",
            diag::printable(&f.path),
            plural(f.rows_read, "row"),
            f.rows_read - dropped
        );
        if dropped > 0 {
            let why: Vec<String> = f
                .dropped
                .iter()
                .map(|(d, n)| format!("{n} {}", d.reason()))
                .collect();
            line.push_str(&format!(", {dropped} dropped ({})", why.join(", ")));
        }
        line.push_str(&format!(", {}", plural(f.days, "day")));
        term.say(line);
        if !f.left_out.is_empty() {
            let names: Vec<String> = f.left_out.iter().map(|n| format!("{n:?}")).collect();
            term.say(format!(
                "note: {}: left out, neither mapped nor a metric: {}",
                diag::printable(&f.path),
                diag::printable(&names.join(", "))
            ));
        }
    }
    let replaced = if r.replaced.is_empty() {
        "no day replaced".to_owned()
    } else {
        format!(
            "{} replaced ({})",
            plural(r.replaced.len(), "day"),
            crate::import::dates_text(&r.replaced)
        )
    };
    if r.written {
        term.say(format!(
            "{} {}: {} over {}, {replaced}",
            term.good("Wrote"),
            r.into,
            plural(r.rows, "row"),
            plural(r.days, "day"),
        ));
    } else {
        term.say(format!(
            "{} is unchanged: {} over {}",
            r.into,
            plural(r.rows, "row"),
            plural(r.days, "day"),
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the sources and prints one line per source.
fn pull(args: PullArgs, term: &Terminal) -> anyhow::Result<ExitCode> {
    let options = crate::pull::Options {
        root: crate::plan::find_root(&args.root)?,
        names: args.names,
        check: args.check,
    };
    let (report, diags) = crate::pull::pull(&options)?;
    term.problems(&diags);
    let Some(report) = report else {
        return Ok(invalid(&diags, "nothing was pulled"));
    };
    if report.sources.is_empty() {
        term.say("cxreport.toml has no [source.NAME]: nothing to pull (see docs/sources.md)");
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let days = |n: &std::collections::BTreeSet<jiff::civil::Date>, what: &str| {
        format!(
            "{} {what} ({})",
            plural(n.len(), "day"),
            crate::import::dates_text(n)
        )
    };
    for s in &report.sources {
        term.problems(&s.problems);
        if !s.stderr.is_empty() {
            for line in s.stderr.lines() {
                eprintln!("  | {}", diag::printable(line));
            }
        }
        let Some(o) = &s.outcome else {
            term.say(format!(
                "{} {}: {} left as it was",
                term.bad("Failed"),
                diag::printable(&s.name),
                s.into
            ));
            continue;
        };
        let mut what = Vec::new();
        if !o.added.is_empty() {
            what.push(days(&o.added, "added"));
        }
        if !o.changed_days.is_empty() {
            what.push(days(&o.changed_days, "changed"));
        }
        if !o.removed.is_empty() {
            what.push(days(&o.removed, "removed"));
        }
        if o.changed && what.is_empty() {
            what.push("no day added or changed".to_owned());
        }
        let counts = format!("{} over {}", plural(o.rows, "row"), plural(o.days, "day"));
        let line = match (o.changed, args.check) {
            (false, _) => format!("{}: {} is unchanged, {counts}", s.name, s.into),
            (true, true) => format!(
                "{}: {} would change, {counts}: {}",
                s.name,
                s.into,
                what.join(", ")
            ),
            (true, false) => format!(
                "{}: {} {}, {counts}: {}",
                s.name,
                term.good("wrote"),
                s.into,
                what.join(", ")
            ),
        };
        term.say(line);
    }
    let failed = report.failed();
    let drifted = args.check && report.changed();
    if failed || drifted {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the query of a contacts recipe.
fn sql_contacts(args: SqlContactsArgs, term: &Terminal) -> anyhow::Result<ExitCode> {
    let options = crate::sql::Options {
        root: args.root,
        recipe: args.recipe,
        table: args.table,
        dialect: args.dialect,
        problems: args.problems,
    };
    let (query, diags) = crate::sql::contacts(&options)?;
    term.problems(&diags);
    let Some(query) = query else {
        return Ok(invalid(&diags, "no query was written"));
    };
    print(&query)?;
    Ok(ExitCode::SUCCESS)
}

/// Sends the new alerts, or with `--dry-run` prints what would go.
fn notify(args: NotifyArgs, term: &Terminal) -> anyhow::Result<ExitCode> {
    let options = crate::notify::Options {
        root: crate::plan::find_root(&args.root)?,
        previous: args.previous,
    };
    let (planned, diags) = crate::notify::prepare(&options)?;
    term.problems(&diags);
    let Some(planned) = planned else {
        return Ok(invalid(&diags, "nothing was sent"));
    };
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let since = match (&options.previous, planned.had_previous) {
        (Some(p), true) => format!(" since {}", diag::printable(p)),
        (Some(p), false) => format!(" ({} has no report yet)", diag::printable(p)),
        (None, _) => " (no --previous report: every firing alert is new)".to_owned(),
    };
    outln!(
        "{} firing, {} new{since}.",
        plural(planned.firing, "alert"),
        planned.new
    )?;
    if planned.deliveries.is_empty() {
        outln!(
            "{}",
            if planned.new == 0 {
                "Nothing to send."
            } else {
                "No route or person in cxreport.toml receives them; nothing to send."
            }
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(base) = &planned.relative_base {
        eprintln!(
            "note: base_url is {}, a path: links in the messages lack the site's host; set base_url to its full address, such as \"https://cx.example.com/\"",
            diag::printable(base)
        );
    }
    if args.dry_run {
        for d in &planned.deliveries {
            let (verb, to) = match &d.to {
                crate::config::notify::Recipient::Email(a) => ("E-mail", a),
                crate::config::notify::Recipient::Webhook(u) => ("POST to", u),
            };
            outln!(
                "{verb} {}: {}",
                diag::printable(to),
                plural(d.view.alerts.len(), "alert")
            )?;
            for a in &d.view.alerts {
                outln!(
                    "  {} {} {}: {}",
                    a.severity.as_str(),
                    a.kind,
                    diag::printable(&a.subject),
                    diag::printable(&a.message)
                )?;
                outln!("    {}", diag::printable(&a.url))?;
            }
        }
        outln!("Dry run: nothing was sent.")?;
        return Ok(ExitCode::SUCCESS);
    }
    let results = crate::notify::deliver(&planned)?;
    let results: Vec<(&str, anyhow::Result<()>, usize)> = results
        .into_iter()
        .map(|(to, result)| {
            let n = planned
                .deliveries
                .iter()
                .find(|d| &d.to == to)
                .map_or(0, |d| d.view.alerts.len());
            (to.address(), result, n)
        })
        .collect();
    Ok(delivered(&results, term, |n| plural(*n, "alert")))
}

/// Says who got their message and who did not (naming the address and
/// why); exit 1 when any delivery failed. `what` words a message sent.
fn delivered<T>(
    results: &[(&str, anyhow::Result<()>, T)],
    term: &Terminal,
    what: impl Fn(&T) -> String,
) -> ExitCode {
    let mut failed = 0;
    for (to, result, message) in results {
        match result {
            Ok(()) => term.say(format!(
                "{} {} to {}",
                term.good("Sent"),
                what(message),
                diag::printable(to)
            )),
            Err(e) => {
                failed += 1;
                eprintln!(
                    "{}: could not deliver to {}: {}",
                    term.bad("error"),
                    diag::printable(to),
                    diag::printable(&causes(e))
                );
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "{failed} of {} deliveries failed; nothing was retried",
            results.len()
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Writes the digest: prints its text, writes its HTML, or sends it.
fn digest(args: DigestArgs, term: &Terminal) -> anyhow::Result<ExitCode> {
    use crate::digest::Compared;
    let options = crate::digest::Options {
        root: crate::plan::find_root(&args.root)?,
        since: args.since,
        previous: args.previous,
    };
    let (digest, diags) = crate::digest::prepare(&options)?;
    term.problems(&diags);
    let Some(digest) = digest else {
        return Ok(invalid(&diags, "no digest was written"));
    };
    match &digest.compared {
        Compared::Report { from, found: false } => eprintln!(
            "note: {} has no report yet: every firing alert counts as open, none as new",
            diag::printable(from)
        ),
        Compared::Nothing => eprintln!(
            "note: no --since or --previous: the digest lists open alerts but not what is new or what changed"
        ),
        _ => {}
    }
    if let Some(base) = &digest.relative_base {
        eprintln!(
            "note: base_url is {}, a path: links in the digest lack the site's host; set base_url to its full address, such as \"https://cx.example.com/\"",
            diag::printable(base)
        );
    }
    let size = digest.email.html.len();
    if size > crate::digest::MOST_BYTES {
        eprintln!(
            "warning: the digest's HTML is {} KB; e-mail clients such as Gmail clip a message past 100 KB",
            size.div_ceil(1024)
        );
    }
    if let Some(out) = &args.out {
        std::fs::write(out, &digest.email.html)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
        term.say(format!(
            "Wrote {} ({} KB)",
            out.display(),
            size.div_ceil(1024)
        ));
    }
    if !args.send {
        if args.out.is_none() {
            // Line by line: a control character from the plan's values is escaped.
            for line in digest.email.text.lines() {
                outln!("{}", diag::printable(line))?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Nobody to send to, or no server: the plan's settings to fix (exit 1).
    let results = match crate::digest::send(&digest) {
        Ok(results) => results,
        Err(e) => {
            eprintln!("{}: {}", term.bad("error"), diag::printable(&causes(&e)));
            return Ok(ExitCode::from(1));
        }
    };
    let results: Vec<(&str, anyhow::Result<()>, ())> =
        results.into_iter().map(|(to, r)| (to, r, ())).collect();
    Ok(delivered(&results, term, |()| "the digest".to_owned()))
}

/// Prints the board pack and says where it went, with what it lacks.
fn pdf(args: PdfArgs, term: &Terminal) -> anyhow::Result<ExitCode> {
    let options = crate::pdf::Options {
        root: crate::plan::find_root(&args.root)?,
        out: args.out,
        pages: args.pages,
        chromium: std::env::var_os(crate::pdf::CHROMIUM_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
    };
    let progress = term.progress();
    let (printed, diags) = crate::pdf::print(&options, &progress)?;
    term.problems(&diags);
    let Some(p) = printed else {
        return Ok(invalid(&diags, "no PDF was written"));
    };
    for warning in &p.warnings {
        eprintln!("{}: {}", term.bad("warning"), diag::printable(warning));
    }
    term.say(format!(
        "{} {} ({} KB): {}",
        term.good("Printed"),
        diag::printable(&p.out.display().to_string()),
        p.bytes.div_ceil(1024),
        p.pages.join(" ")
    ));
    Ok(ExitCode::SUCCESS)
}

/// An error and its causes, `: `-joined, leaving out a cause its error
/// already ends with (lettre's errors print their source themselves).
fn causes(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if parts.last().is_some_and(|p| p.ends_with(&text)) {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ")
}

/// Checks the plan, prints every problem and, when asked, the alerts that fail it.
fn check(args: CheckArgs, term: &Terminal) -> anyhow::Result<ExitCode> {
    let human = args.format == Format::Human;
    // Bars would only get in the way of output for machines.
    let bars = term.progress();
    let progress: &dyn crate::progress::Progress = if human {
        &bars
    } else {
        &crate::progress::Silent
    };
    let root = crate::plan::find_root(&args.root)?;
    let (checked, diags) = crate::check(&root, progress)?;
    report(&diags, args.format, term)?;
    let failed = diags.iter().any(|d| d.severity == diag::Severity::Error);
    if human {
        verdict(&diags, failed, term);
    }
    let Some(computed) = checked.filter(|_| !failed) else {
        return Ok(ExitCode::from(1));
    };
    Ok(match args.fail_on_alert {
        Some(level) => fired(alerts_fired(&computed, level, args.format)?),
        None => ExitCode::SUCCESS,
    })
}

/// The line under a human check's problems: on stderr when the plan fails.
fn verdict(diags: &[Diagnostic], failed: bool, term: &Terminal) {
    if diags.is_empty() {
        term.say(term.good("The plan is valid."));
    } else if failed {
        eprintln!("{}", diag::counts(diags));
    } else {
        term.say(diag::counts(diags));
    }
}

/// Prints each alert at `level` or worse, and says whether any fired.
fn alerts_fired(report: &Report, level: AlertLevel, format: Format) -> anyhow::Result<bool> {
    let firing: Vec<_> = report
        .alerts
        .iter()
        .filter(|a| level == AlertLevel::Warning || a.severity == Severity::Critical)
        .collect();
    for a in &firing {
        match format {
            Format::Github => outln!(
                "::error title=cxreport {} alert::{}",
                a.severity.as_str(),
                diag::escape_github(&a.message)
            )?,
            _ => eprintln!(
                "{} alert: {}",
                a.severity.as_str(),
                diag::printable(&a.message)
            ),
        }
    }
    let n = firing.len();
    if n > 0 && format == Format::Human {
        eprintln!(
            "{n} alert{} at or above the --fail-on-alert level",
            if n == 1 { "" } else { "s" }
        );
    }
    Ok(n > 0)
}

/// Exit status 1 for a plan with errors, under the problems' count and what
/// they prevented.
fn invalid(diags: &[Diagnostic], prevented: &str) -> ExitCode {
    eprintln!("{}; {prevented}", diag::counts(diags));
    ExitCode::from(1)
}

/// Exit status 3 when something happened that the user asked to fail on.
fn fired(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints problems: for people on stderr, for machines on stdout.
fn report(diags: &[Diagnostic], format: Format, term: &Terminal) -> anyhow::Result<()> {
    match format {
        Format::Human => {
            term.problems(diags);
            Ok(())
        }
        Format::Github => print(&diag::github(diags)),
        Format::Json => print(&diag::json(diags)),
    }
}
