//! Writes a large plan for the benchmarks: three years (2024–2026) of a
//! contact centre with 4 channels, 20 queues and 60 agents.
//!
//! ```sh
//! cargo run --release --example gen_large_plan -- DIR [--scale S]
//! ```
//!
//! At `--scale 1` (the default) the plan has 1,000,000 KPI rows (interval
//! rows in wide files, daily agent rows in long files) over 8 metrics,
//! 1,000,000 survey responses with comments in English and Spanish, 200
//! flows, 150 sprints, 40 OKR periods, 500 initiatives, 6 audits and 1,000
//! content pages. `S` in (0, 1] scales every count (at least one of each).
//! DIR must not exist or be empty. The same arguments always write the same
//! bytes: every file has its own seeded generator and nothing reads the
//! clock, so the files can be written on several threads. The counts are
//! printed on stdout as `key=value` words, for scripts (`benches/large`).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use jiff::ToSpan;
use jiff::civil::{Date, Weekday, date};

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

const FIRST: Date = date(2024, 1, 1);
const LAST: Date = date(2026, 12, 31);
const SEED: u64 = 0x1A2C_E5EE_D202_4001;

const KPI_ROWS: f64 = 1_000_000.0;
/// The share of KPI rows in the long files (daily agent rows).
const LONG_SHARE: f64 = 0.12;
const SURVEY_ROWS: f64 = 1_000_000.0;
const FLOWS: f64 = 200.0;
const SPRINTS: f64 = 150.0;
const OKRS: f64 = 40.0;
const INITIATIVES: f64 = 500.0;
const AUDITS: f64 = 6.0;
const PAGES: f64 = 1000.0;

const CHANNELS: [&str; 4] = ["whatsapp", "webchat", "voice", "email"];
const DIGITAL: [bool; 4] = [true, true, false, false];
const TOPICS: [&str; 5] = ["orders", "returns", "billing", "delivery", "tech"];
/// 3 agents a queue, 5 queues a channel.
const AGENTS: usize = 60;
const QUEUES: usize = 20;
/// The interval rows of a day start at 08:00, one an agent and hour.
const FIRST_HOUR: usize = 8;
const HOURS: usize = 14;

const OWNERS: [&str; 12] = [
    "Lucía Gómez (Head of Service)",
    "Diego Martín (Operations Manager)",
    "Sofía Herrera (Automation Lead)",
    "Carlos Vega (Workforce Planner)",
    "Ana Torres (Knowledge Manager)",
    "Martín Ruiz (WhatsApp Team Lead)",
    "Paula Ríos (Web Chat Team Lead)",
    "Javier Ortega (Voice Team Lead)",
    "Carmen Vidal (Email Team Lead)",
    "Marta Ruiz (Quality Lead)",
    "Andrés Molina (CX Analyst)",
    "Elena Castro (Digital Product Owner)",
];

fn main() {
    if let Err(e) = run() {
        eprintln!("gen_large_plan: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut root = None;
    let mut scale = 1.0;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--scale" => {
                let s = args.next().ok_or("--scale needs a number")?;
                scale = s
                    .parse()
                    .map_err(|_| format!("--scale {s}: not a number"))?;
            }
            "-h" | "--help" => {
                println!("usage: gen_large_plan DIR [--scale S]   (S in (0, 1], default 1)");
                return Ok(());
            }
            _ if root.is_none() && !arg.starts_with('-') => root = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg}").into()),
        }
    }
    let root = root.ok_or("usage: gen_large_plan DIR [--scale S]")?;
    println!("{}", generate(&root, scale)?);
    Ok(())
}

/// Writes the plan at `scale` into `root` (which must not exist or be
/// empty) and returns its counts as `key=value` words. Also called by
/// `benches/pipeline.rs`, which includes this file as a module.
pub fn generate(root: &Path, scale: f64) -> Result<String> {
    if !(scale > 0.0 && scale <= 1.0) {
        return Err(format!("--scale must be in (0, 1], not {scale}").into());
    }
    if root.exists() && (!root.is_dir() || std::fs::read_dir(root)?.next().is_some()) {
        return Err(format!("{} exists and is not an empty folder", root.display()).into());
    }
    std::fs::create_dir_all(root)?;
    Plan::new(scale).write(root)
}

fn scaled(n: f64, scale: f64) -> usize {
    ((n * scale).round() as usize).max(1)
}

/// `part` of `total` spread over `n` slots: slot `i` gets its share, the
/// shares add up to `total` exactly.
fn share(total: usize, n: usize, i: usize) -> usize {
    total * (i + 1) / n - total * i / n
}

// --- the plan's structure, decided before any file is written ----------------

struct Agent {
    id: String,
    queue: usize,
    channel: usize,
    /// How much better than the average agent, in standard deviations.
    skill: f64,
}

struct FlowSpec {
    id: String,
    dir: &'static str,
    name: String,
    channel: usize,
    queue: Option<usize>,
    metrics: Vec<&'static str>,
    owner: &'static str,
    /// (version name, day index, effect on SLA, effect on handle time).
    versions: Vec<(String, usize, f64, f64)>,
    steps: Vec<Vec<&'static str>>,
}

struct Plan {
    scale: f64,
    days: Vec<Date>,
    day_text: Vec<String>,
    agents: Vec<Agent>,
    queues: Vec<String>,
    flows: Vec<FlowSpec>,
    /// Per queue and day: the SLA and handle-time change the flows' versions made.
    sla_effect: Vec<Vec<f32>>,
    aht_effect: Vec<Vec<f32>>,
    kpi_wide: usize,
    kpi_long: usize,
    surveys: usize,
    pages: usize,
}

impl Plan {
    fn new(scale: f64) -> Plan {
        let days: Vec<Date> = FIRST.series(1.day()).take_while(|d| *d <= LAST).collect();
        let day_text = days.iter().map(ToString::to_string).collect();
        let mut rng = Rng::stream(SEED, 0);
        let queues: Vec<String> = (0..QUEUES)
            .map(|q| format!("{}-{}", CHANNELS[q / 5], TOPICS[q % 5]))
            .collect();
        let agents = (0..AGENTS)
            .map(|a| Agent {
                id: format!("agent-{:02}", a + 1),
                queue: a / 3,
                channel: a / 15,
                skill: rng.normal(),
            })
            .collect();
        let kpi_total = (KPI_ROWS * scale).round().max(2.0) as usize;
        let kpi_long = ((kpi_total as f64 * LONG_SHARE).round() as usize).max(1);
        let mut plan = Plan {
            scale,
            days,
            day_text,
            agents,
            queues,
            flows: Vec::new(),
            sla_effect: Vec::new(),
            aht_effect: Vec::new(),
            kpi_wide: kpi_total - kpi_long,
            kpi_long,
            surveys: scaled(SURVEY_ROWS, scale),
            pages: scaled(PAGES, scale),
        };
        plan.flows = plan.flow_specs(&mut Rng::stream(SEED, 1));
        let n = plan.days.len();
        plan.sla_effect = vec![vec![0.0; n]; QUEUES];
        plan.aht_effect = vec![vec![0.0; n]; QUEUES];
        for f in &plan.flows {
            let queues: Vec<usize> = match f.queue {
                Some(q) => vec![q],
                None => (f.channel * 5..f.channel * 5 + 5).collect(),
            };
            for &(_, day, sla, aht) in &f.versions[1..] {
                for &q in &queues {
                    for i in day..n {
                        plan.sla_effect[q][i] += sla as f32;
                        plan.aht_effect[q][i] += aht as f32;
                    }
                }
            }
        }
        plan
    }

    fn n_days(&self) -> usize {
        self.days.len()
    }

    fn flow_specs(&self, rng: &mut Rng) -> Vec<FlowSpec> {
        const KINDS: [(&str, &str); 8] = [
            ("bot", "bot"),
            ("journey", "journey"),
            ("triage", "triage"),
            ("faq", "FAQ answers"),
            ("handover", "handover to agents"),
            ("survey", "post-contact survey"),
            ("callback", "callback offer"),
            ("proactive", "proactive notice"),
        ];
        const STEPS: [&str; 16] = [
            "greeting",
            "language choice",
            "identify customer",
            "intent",
            "order status",
            "returns policy",
            "refund status",
            "billing question",
            "delivery slot",
            "password reset",
            "knowledge article",
            "callback offer",
            "queue message",
            "survey",
            "handover",
            "close",
        ];
        let n = scaled(FLOWS, self.scale);
        let last = self.n_days() - 1;
        (0..n)
            .map(|i| {
                let channel = i % 4;
                let (kind, kind_name) = KINDS[(i / 4) % KINDS.len()];
                let queue = (i % 3 != 0).then(|| channel * 5 + (i / 3) % 5);
                let place = queue.map_or("all", |q| TOPICS[q % 5]);
                let id = format!("{}-{place}-{kind}-{:03}", CHANNELS[channel], i + 1);
                let name = match queue {
                    Some(q) => format!(
                        "{} {kind_name} for {} (no. {})",
                        CHANNEL_LABELS[channel],
                        TOPICS[q % 5],
                        i + 1
                    ),
                    None => format!("{} {kind_name} (no. {})", CHANNEL_LABELS[channel], i + 1),
                };
                let mut metrics = vec!["sla", "aht"];
                if DIGITAL[channel] {
                    metrics.push("bot_containment");
                } else if channel == 2 {
                    metrics.push("abandon_rate");
                } else {
                    metrics.push("fcr");
                }
                if i % 5 == 0 {
                    metrics.push("transfer_rate");
                }
                let count = 2 + rng.below(4) as usize;
                // Versions between the first month and the end, in order.
                let mut day = 20 + rng.below(200) as usize;
                let mut versions = Vec::new();
                let mut steps = Vec::new();
                let (mut major, mut minor) = (1, 0);
                for v in 0..count {
                    if day > last {
                        break;
                    }
                    let sla = match rng.below(10) {
                        0..=5 => 0.0,
                        6..=8 => 0.6 + 0.8 * rng.unit(),
                        _ => -0.8,
                    };
                    let aht = if rng.chance(0.3) { -0.06 } else { 0.0 };
                    versions.push((format!("{major}.{minor}"), day, sla, aht));
                    let len = 3 + rng.below(5) as usize;
                    let start = rng.below(STEPS.len() as u64) as usize;
                    let mut s: Vec<&str> = (0..len)
                        .map(|k| STEPS[(start + k * 3) % STEPS.len()])
                        .collect();
                    s.dedup();
                    steps.push(s);
                    if v % 2 == 0 {
                        minor += 1;
                    } else {
                        major += 1;
                        minor = 0;
                    }
                    day += 60 + rng.below(240) as usize;
                }
                FlowSpec {
                    id,
                    dir: CHANNELS[channel],
                    name,
                    channel,
                    queue,
                    metrics,
                    owner: OWNERS[i % OWNERS.len()],
                    versions,
                    steps,
                }
            })
            .collect()
    }

    /// Writes every file; returns the counts, as `key=value` words.
    fn write(&self, root: &Path) -> Result<String> {
        let mut jobs: Vec<Job> = Vec::new();
        // The big files first, so that the threads finish together.
        let quarters = self.groups(|d| (d.year(), (d.month() - 1) / 3 + 1));
        for (k, ((y, q), range)) in quarters.iter().enumerate() {
            let path = format!("data/kpis/intervals/{y}-q{q}.csv");
            let range = range.clone();
            jobs.push(Box::new(move |root: &Path| {
                self.kpi_wide_file(root, &path, range, Rng::stream(SEED, 100 + k as u64))
            }));
        }
        let months = self.groups(|d| (d.year(), d.month()));
        for (k, ((y, m), range)) in months.iter().enumerate() {
            let path = format!("data/surveys/{y}/{y}-{m:02}.csv");
            let range = range.clone();
            jobs.push(Box::new(move |root: &Path| {
                self.survey_file(root, &path, range, Rng::stream(SEED, 200 + k as u64))
            }));
        }
        let years = self.groups(|d| (d.year(), 0));
        for (k, ((y, _), range)) in years.iter().enumerate() {
            let path = format!("data/kpis/agent-daily-{y}.csv");
            let range = range.clone();
            jobs.push(Box::new(move |root: &Path| {
                self.kpi_long_file(root, &path, range, Rng::stream(SEED, 300 + k as u64))
            }));
        }
        jobs.push(Box::new(|root: &Path| self.pages(root)));
        jobs.push(Box::new(|root: &Path| self.small_files(root)));
        run_jobs(root, jobs)?;
        Ok(format!(
            "kpi_rows={} kpi_files={} survey_rows={} survey_files={} pages={} flows={} sprints={} okrs={} initiatives={} audits={}",
            self.kpi_wide + self.kpi_long,
            quarters.len() + years.len(),
            self.surveys,
            months.len(),
            self.pages,
            self.flows.len(),
            scaled(SPRINTS, self.scale),
            scaled(OKRS, self.scale),
            scaled(INITIATIVES, self.scale),
            scaled(AUDITS, self.scale),
        ))
    }

    /// The days grouped by a key (a quarter, a month), in order.
    fn groups(&self, key: impl Fn(Date) -> (i16, i8)) -> Vec<((i16, i8), std::ops::Range<usize>)> {
        let mut out: Vec<((i16, i8), std::ops::Range<usize>)> = Vec::new();
        for (i, d) in self.days.iter().enumerate() {
            let k = key(*d);
            match out.last_mut() {
                Some((last, range)) if *last == k => range.end = i + 1,
                _ => out.push((k, i..i + 1)),
            }
        }
        out
    }

    // --- KPI files -------------------------------------------------------------

    /// One row an agent and hour (as many as the day's share of rows allows),
    /// the interval export of a contact-centre platform: date-times, cut to
    /// their date by cxreport.
    fn kpi_wide_file(
        &self,
        root: &Path,
        path: &str,
        range: std::ops::Range<usize>,
        mut rng: Rng,
    ) -> Result<()> {
        let mut w = csv_writer(root, path)?;
        w.write_all(
            b"date,channel,queue,agent,weight,contacts,sla,aht,fcr,abandon_rate,bot_containment\n",
        )?;
        let n = self.n_days();
        let mut line = Vec::with_capacity(256);
        for i in range {
            let rows = share(self.kpi_wide, n, i);
            assert!(rows <= AGENTS * HOURS, "too many interval rows a day");
            let d = self.days[i];
            let t = i as f64 / (n - 1) as f64;
            let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
            let season = (std::f64::consts::TAU * f64::from(d.day_of_year()) / 365.0).cos();
            // December is the peak: longer waits.
            let peak = if d.month() == 12 { 1.0 } else { 0.0 };
            for s in 0..rows {
                let a = ((s % AGENTS) * 37 + i * 7) % AGENTS;
                let hour = FIRST_HOUR + s / AGENTS;
                let agent = &self.agents[a];
                let (c, q) = (agent.channel, agent.queue);
                let load = HOUR_LOAD[hour - FIRST_HOUR] * if weekend { 0.55 } else { 1.0 };
                let contacts = (CH_CONTACTS[c] * load * (1.0 + 0.2 * rng.normal()))
                    .round()
                    .max(1.0);
                let busy = load - 1.0;
                let sla = CH_SLA[c] + 8.0 * t + 2.0 * agent.skill - 6.0 * busy - 5.0 * peak
                    + 1.5 * season
                    + f64::from(self.sla_effect[q][i])
                    + 4.0 * rng.normal();
                let aht = CH_AHT[c] - 0.9 * t - 0.25 * agent.skill
                    + f64::from(self.aht_effect[q][i])
                    + 0.5 * rng.normal();
                let fcr = CH_FCR[c] + 9.0 * t + 2.5 * agent.skill + 5.0 * rng.normal();
                let abandon =
                    CH_ABANDON[c] - 2.5 * t + 3.0 * busy + 2.0 * peak + 1.5 * rng.normal();
                line.clear();
                line.extend_from_slice(self.day_text[i].as_bytes());
                line.extend_from_slice(b"T");
                two_digits(&mut line, hour);
                line.extend_from_slice(b":00:00,");
                line.extend_from_slice(CHANNELS[c].as_bytes());
                line.push(b',');
                line.extend_from_slice(self.queues[q].as_bytes());
                line.push(b',');
                line.extend_from_slice(agent.id.as_bytes());
                line.push(b',');
                fixed(&mut line, contacts, 0);
                line.push(b',');
                fixed(&mut line, contacts, 0);
                line.push(b',');
                fixed(&mut line, pct(sla), 1);
                line.push(b',');
                fixed(&mut line, aht.max(0.5), 2);
                line.push(b',');
                // Now and then the CRM's resolution flag is missing.
                if !rng.chance(0.02) {
                    fixed(&mut line, pct(fcr), 1);
                }
                line.push(b',');
                fixed(&mut line, pct(abandon), 1);
                line.push(b',');
                if DIGITAL[c] {
                    let bot = CH_BOT[c] + 18.0 * t + 4.0 * rng.normal();
                    fixed(&mut line, pct(bot), 1);
                }
                line.push(b'\n');
                w.write_all(&line)?;
            }
        }
        w.flush()?;
        Ok(())
    }

    /// The daily agent scorecard, long shape: transfer rate and QA score per
    /// agent, weighted by the contacts (or evaluations) behind each.
    fn kpi_long_file(
        &self,
        root: &Path,
        path: &str,
        range: std::ops::Range<usize>,
        mut rng: Rng,
    ) -> Result<()> {
        let mut w = csv_writer(root, path)?;
        w.write_all(b"date,metric,value,weight,channel,queue,agent\n")?;
        let n = self.n_days();
        let mut line = Vec::with_capacity(128);
        for i in range {
            let rows = share(self.kpi_long, n, i);
            assert!(rows <= 2 * AGENTS, "too many agent rows a day");
            let t = i as f64 / (n - 1) as f64;
            for s in 0..rows {
                // Alternate, starting with the other metric each day, so that
                // both have rows even in a tiny plan.
                let qa = (s + i) % 2 == 1;
                let a = ((s / 2) * 37 + i * 11) % AGENTS;
                let agent = &self.agents[a];
                let c = agent.channel;
                let (metric, value, weight) = if qa {
                    let v = 81.0 + 7.0 * t + 3.0 * agent.skill + 4.0 * rng.normal();
                    ("qa_score", v, 3.0 + rng.below(6) as f64)
                } else {
                    let v = CH_TRANSFER[c] - 3.0 * t - 1.0 * agent.skill + 2.0 * rng.normal();
                    ("transfer_rate", v, 40.0 + rng.below(60) as f64)
                };
                line.clear();
                line.extend_from_slice(self.day_text[i].as_bytes());
                line.push(b',');
                line.extend_from_slice(metric.as_bytes());
                line.push(b',');
                fixed(&mut line, pct(value), 1);
                line.push(b',');
                fixed(&mut line, weight, 0);
                line.push(b',');
                line.extend_from_slice(CHANNELS[c].as_bytes());
                line.push(b',');
                line.extend_from_slice(self.queues[agent.queue].as_bytes());
                line.push(b',');
                line.extend_from_slice(agent.id.as_bytes());
                line.push(b'\n');
                w.write_all(&line)?;
            }
        }
        w.flush()?;
        Ok(())
    }

    // --- survey files ----------------------------------------------------------

    fn survey_file(
        &self,
        root: &Path,
        path: &str,
        range: std::ops::Range<usize>,
        mut rng: Rng,
    ) -> Result<()> {
        let mut w = csv_writer(root, path)?;
        w.write_all(
            b"id,date,channel,queue,region,touchpoint,survey_type,nps,csat,ces,attr_speed,attr_knowledge,attr_empathy,attr_resolution,attr_ease,comment\n",
        )?;
        let n = self.n_days();
        let mut line = Vec::with_capacity(512);
        let mut comment = String::with_capacity(256);
        for i in range {
            let d = self.days[i];
            let t = i as f64 / (n - 1) as f64;
            let first_id = self.surveys * i / n;
            // Waits come back as a complaint every December, and in the
            // last weeks of the data.
            let wait_spike = d.month() == 12 || i + 21 >= n;
            for k in 0..share(self.surveys, n, i) {
                let c = rng.weighted(&CH_SURVEY_MIX);
                let q = c * 5 + rng.below(5) as usize;
                let region = rng.weighted(&REGIONS);
                let touchpoint = TOUCHPOINTS[rng.below(TOUCHPOINTS.len() as u64) as usize];
                let relationship = rng.chance(0.12);
                // One latent experience drives every score; resolution and
                // speed matter most, and speed rates poorly (fix first).
                let x = 0.5 * t + f64::from(self.sla_effect[q][i]) * 0.05 + rng.normal();
                let nps = (7.4 + 1.9 * x + 0.9 * rng.normal())
                    .round()
                    .clamp(0.0, 10.0);
                line.clear();
                line.push(b'r');
                int_padded(&mut line, first_id + k + 1, 7);
                line.push(b',');
                line.extend_from_slice(self.day_text[i].as_bytes());
                if c == 1 || c == 3 {
                    // Chat and email exports carry the time of the answer.
                    let secs = 8 * 3600 + rng.below(14 * 3600) as usize;
                    line.push(b'T');
                    two_digits(&mut line, secs / 3600);
                    line.push(b':');
                    two_digits(&mut line, secs / 60 % 60);
                    line.push(b':');
                    two_digits(&mut line, secs % 60);
                }
                for seg in [CHANNELS[c], self.queues[q].as_str(), region, touchpoint] {
                    line.push(b',');
                    line.extend_from_slice(seg.as_bytes());
                }
                line.extend_from_slice(if relationship {
                    b",relationship,"
                } else {
                    b",post-contact,"
                });
                fixed(&mut line, nps, 0);
                line.push(b',');
                if !relationship {
                    if !rng.chance(0.05) {
                        let csat = (3.6 + 0.8 * x + 0.6 * rng.normal()).round().clamp(1.0, 5.0);
                        fixed(&mut line, csat, 0);
                    }
                    line.push(b',');
                    if !rng.chance(0.10) {
                        let ces = (3.4 - 0.9 * x + 0.8 * rng.normal()).round().clamp(1.0, 7.0);
                        fixed(&mut line, ces, 0);
                    }
                } else {
                    line.push(b',');
                }
                for (mean, weight) in ATTRIBUTES {
                    line.push(b',');
                    if rng.chance(0.04) || (relationship && rng.chance(0.5)) {
                        continue;
                    }
                    let z = weight * x + (1.0 - weight * weight).sqrt() * rng.normal();
                    let v = mean + 0.95 * z;
                    // The relationship survey averages two questions: halves.
                    let v = if relationship {
                        (v * 2.0).round() / 2.0
                    } else {
                        v.round()
                    };
                    fixed(&mut line, v.clamp(1.0, 5.0), u32::from(relationship));
                }
                line.push(b',');
                if rng.chance(0.55) {
                    let spanish = rng.chance(if region.starts_with("us-") {
                        0.15
                    } else {
                        0.85
                    });
                    comment.clear();
                    write_comment(&mut comment, &mut rng, nps, wait_spike, spanish);
                    csv_field(&mut line, &comment);
                }
                line.push(b'\n');
                w.write_all(&line)?;
            }
        }
        w.flush()?;
        Ok(())
    }

    // --- TOML files ---------------------------------------------------------------

    fn small_files(&self, root: &Path) -> Result<()> {
        write(root, "cxreport.toml", &self.config())?;
        write(root, "data/metrics.toml", METRICS)?;
        write(root, "data/themes.toml", &self.themes())?;
        for f in &self.flows {
            write(
                root,
                &format!("data/flows/{}/{}.toml", f.dir, f.id),
                &self.flow(f)?,
            )?;
        }
        self.sprints(root, &mut Rng::stream(SEED, 2))?;
        self.okrs(root, &mut Rng::stream(SEED, 3))?;
        write(
            root,
            "data/initiatives.toml",
            &self.initiatives(&mut Rng::stream(SEED, 4))?,
        )?;
        self.audits(root, &mut Rng::stream(SEED, 5))?;
        Ok(())
    }

    fn config(&self) -> String {
        format!(
            r#"# A large generated plan (examples/gen_large_plan.rs, scale {}): three years
# of a contact centre with 4 channels, 20 queues and 60 agents.
title = "Grupo Austral — CX improvement plan (generated)"
base_url = "/"
language = "en"
currency = "EUR"
as_of = 2026-12-31

[periods]
trend = "week"

[compare]
window_days = 28
alpha = 0.05

[surveys]
attribute_scale = [1, 5]
"#,
            self.scale
        )
    }

    fn themes(&self) -> String {
        let mut out =
            String::from("# Themes looked for in the comments, in English and Spanish.\n");
        for &(id, name, keywords, alert) in &THEMES {
            let _ = write!(
                out,
                "\n[[theme]]\nid = \"{id}\"\nname = {}\nkeywords = [",
                q(name)
            );
            for (k, word) in keywords.iter().enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                out.push_str(&q(word));
            }
            out.push_str("]\n");
            if let Some(weekly) = alert {
                // Mentions a week at scale 1; fewer responses, a lower bar.
                let weekly = ((f64::from(weekly) * self.scale).round() as u32).max(1);
                let _ = writeln!(out, "alert_weekly_mentions = {weekly}");
            }
        }
        out
    }

    fn flow(&self, f: &FlowSpec) -> Result<String> {
        let mut out = String::new();
        writeln!(out, "name = {}", q(&f.name))?;
        writeln!(out, "channel = \"{}\"", CHANNELS[f.channel])?;
        if let Some(queue) = f.queue {
            writeln!(out, "filter = {{ queue = \"{}\" }}", self.queues[queue])?;
        }
        writeln!(out, "metrics = {}", list(&f.metrics))?;
        writeln!(out, "owner = {}", q(f.owner))?;
        writeln!(
            out,
            "description = \"\"\"\nServes {} contacts{}: it answers what it can and hands \
             the rest to an agent with the conversation so far.\"\"\"",
            channel_name(f.channel),
            f.queue
                .map(|queue| format!(" in the {} queue", self.queues[queue]))
                .unwrap_or_default()
        )?;
        for (k, (version, day, _, _)) in f.versions.iter().enumerate() {
            writeln!(out, "\n[[version]]")?;
            writeln!(out, "version = \"{version}\"")?;
            writeln!(out, "date = {}", self.day_text[*day])?;
            let summary = if k == 0 {
                "First version, live on every shift.".to_owned()
            } else {
                format!(
                    "Version {version}: {} steps, reworded prompts.",
                    f.steps[k].len()
                )
            };
            writeln!(out, "summary = {}", q(&summary))?;
            if k > 0 {
                let prev = &f.steps[k - 1];
                let added: Vec<&str> = f.steps[k]
                    .iter()
                    .filter(|s| !prev.contains(s))
                    .copied()
                    .collect();
                let mut changes = vec![format!(
                    "Prompts rewritten after reading {} transcripts",
                    k * 300
                )];
                if let Some(first) = added.first() {
                    changes.push(format!("New step: {first}"));
                }
                writeln!(out, "changes = {}", list(&changes))?;
            }
            writeln!(out, "steps = {}", list(&f.steps[k]))?;
        }
        Ok(out)
    }

    fn sprints(&self, root: &Path, rng: &mut Rng) -> Result<()> {
        const SQUADS: [(&str, &str); 5] = [
            ("digital", "Digital squad"),
            ("voice", "Voice squad"),
            ("email", "Email squad"),
            ("quality", "Quality squad"),
            ("automation", "Automation squad"),
        ];
        let n = scaled(SPRINTS, self.scale);
        let per_squad = n.div_ceil(SQUADS.len());
        let len = (self.n_days() / per_squad).max(7);
        let as_of = self.n_days() - 1;
        for i in 0..n {
            let (squad, squad_name) = SQUADS[i % SQUADS.len()];
            let j = i / SQUADS.len();
            // The squads' sprints start a day apart.
            let start = j * len + i % SQUADS.len();
            let end = (start + len - 1).min(as_of);
            let id = format!("{squad}-{:02}", j + 1);
            let mut out = String::new();
            writeln!(
                out,
                "title = \"{squad_name} sprint {} ({} {})\"",
                j + 1,
                MONTHS[self.days[start].month() as usize - 1],
                self.days[start].year()
            )?;
            writeln!(out, "start = {}", self.day_text[start])?;
            writeln!(out, "end = {}", self.day_text[end])?;
            writeln!(
                out,
                "goal = {}",
                q(SPRINT_GOALS[(i * 7) % SPRINT_GOALS.len()])
            )?;
            let learnings: Vec<&str> = (0..1 + rng.below(3) as usize)
                .map(|k| LEARNINGS[(i * 3 + k * 5) % LEARNINGS.len()])
                .collect();
            writeln!(out, "learnings = {}", list(&learnings))?;
            for k in 0..2 + rng.below(3) as usize {
                let (metric, filter) = self.subject(squad, rng);
                let span = (end - start).max(1);
                let day =
                    start + (k * span / 4 + rng.below(span.div_ceil(4) as u64) as usize).min(span);
                let status = if day + 28 > as_of {
                    "running"
                } else {
                    ["worked", "failed", "inconclusive", "worked"][rng.below(4) as usize]
                };
                let (title, hypothesis) = EXPERIMENTS[(i * 5 + k) % EXPERIMENTS.len()];
                writeln!(out, "\n[[experiment]]")?;
                writeln!(out, "id = \"{id}-exp-{}\"", k + 1)?;
                writeln!(out, "title = {}", q(title))?;
                writeln!(out, "hypothesis = {}", q(hypothesis))?;
                writeln!(out, "metric = \"{metric}\"")?;
                writeln!(out, "filter = {filter}")?;
                writeln!(out, "start = {}", self.day_text[day])?;
                writeln!(out, "status = \"{status}\"")?;
                if status == "worked" && rng.chance(0.6) {
                    writeln!(out, "adopt = true")?;
                }
            }
            for k in 0..2 + rng.below(2) as usize {
                let due = (start + len / 2 + k * 5).min(as_of);
                let status = if due + 30 < as_of {
                    ["done", "done", "done", "blocked"][rng.below(4) as usize]
                } else {
                    ["todo", "in-progress", "done"][rng.below(3) as usize]
                };
                writeln!(out, "\n[[action]]")?;
                writeln!(out, "title = {}", q(ACTIONS[(i * 3 + k) % ACTIONS.len()]))?;
                writeln!(out, "owner = {}", q(OWNERS[(i + k) % OWNERS.len()]))?;
                writeln!(out, "due = {}", self.day_text[due])?;
                writeln!(out, "status = \"{status}\"")?;
            }
            write(root, &format!("data/sprints/{squad}/{id}.toml"), &out)?;
        }
        Ok(())
    }

    /// A metric and a filter that a squad's change could move.
    fn subject(&self, squad: &str, rng: &mut Rng) -> (&'static str, String) {
        let queue = |rng: &mut Rng, channels: &[usize]| {
            let c = channels[rng.below(channels.len() as u64) as usize];
            c * 5 + rng.below(5) as usize
        };
        match squad {
            "digital" => {
                let c = rng.below(2) as usize;
                let m = ["sla", "aht", "fcr"][rng.below(3) as usize];
                (m, format!("{{ channel = \"{}\" }}", CHANNELS[c]))
            }
            "voice" => {
                let m = ["abandon_rate", "aht", "sla"][rng.below(3) as usize];
                (m, "{ channel = \"voice\" }".to_owned())
            }
            "email" => {
                let q = queue(rng, &[3]);
                let m = ["sla", "fcr"][rng.below(2) as usize];
                (m, format!("{{ queue = \"{}\" }}", self.queues[q]))
            }
            "quality" => {
                let q = queue(rng, &[0, 1, 2, 3]);
                let m = ["qa_score", "transfer_rate"][rng.below(2) as usize];
                (m, format!("{{ queue = \"{}\" }}", self.queues[q]))
            }
            _ => {
                let c = rng.below(2) as usize;
                (
                    "bot_containment",
                    format!("{{ channel = \"{}\" }}", CHANNELS[c]),
                )
            }
        }
    }

    fn okrs(&self, root: &Path, rng: &mut Rng) -> Result<()> {
        const TEAMS: [(&str, &str); 4] = [
            ("service", "Service"),
            ("digital", "Digital"),
            ("quality", "Quality"),
            ("people", "People"),
        ];
        let n = scaled(OKRS, self.scale);
        let quarters = self.groups(|d| (d.year(), (d.month() - 1) / 3 + 1));
        for i in 0..n {
            let ((y, qn), range) = &quarters[i % quarters.len()];
            let (team, team_name) = TEAMS[(i / quarters.len()) % TEAMS.len()];
            let period = format!("{team}-{y}-q{qn}");
            let (start, end) = (range.start, range.end - 1);
            let t = start as f64 / self.n_days() as f64;
            let mut out = String::new();
            writeln!(out, "# {team_name} team OKRs for Q{qn} {y}.")?;
            writeln!(out, "period = \"{period}\"")?;
            writeln!(out, "start = {}", self.day_text[start])?;
            writeln!(out, "end = {}", self.day_text[end])?;
            for o in 0..2 + rng.below(2) as usize {
                let (oid, title, area) = OBJECTIVES[(i + o * 2) % OBJECTIVES.len()];
                writeln!(out, "\n[[objective]]")?;
                writeln!(out, "id = \"{oid}\"")?;
                writeln!(out, "title = {}", q(title))?;
                writeln!(out, "business_area = \"{area}\"")?;
                writeln!(out, "owner = {}", q(OWNERS[(i + o) % OWNERS.len()]))?;
                for k in 0..2 + rng.below(3) as usize {
                    writeln!(out, "\n[[objective.key_result]]")?;
                    writeln!(out, "id = \"{oid}-kr{}\"", k + 1)?;
                    let deadline = if k == 0 { (start + end) / 2 } else { end };
                    let c = rng.below(4) as usize;
                    let (metric, baseline, target) = match (k + o + i) % 6 {
                        0 => ("sla", CH_SLA[c] + 8.0 * t, CH_SLA[c] + 8.0 * t + 8.0),
                        1 => ("aht", CH_AHT[c] - t, CH_AHT[c] - t - 0.8),
                        2 => ("fcr", CH_FCR[c] + 9.0 * t, CH_FCR[c] + 9.0 * t + 5.0),
                        3 => ("abandon_rate", CH_ABANDON[c], CH_ABANDON[c] - 2.0),
                        4 => ("qa_score", 81.0 + 7.0 * t, 90.0),
                        _ => ("", 0.0, 100.0),
                    };
                    let filtered =
                        !metric.is_empty() && (metric == "abandon_rate" || rng.chance(0.7));
                    let title = if metric.is_empty() {
                        "Knowledge articles reviewed, in %".to_owned()
                    } else {
                        format!(
                            "{} {} from {} to {}",
                            metric_name(metric),
                            if filtered {
                                format!("on {}", channel_name(c))
                            } else {
                                "overall".to_owned()
                            },
                            num(baseline, 1),
                            num(target, 1)
                        )
                    };
                    writeln!(out, "title = {}", q(&title))?;
                    writeln!(out, "owner = {}", q(OWNERS[(i + o + k) % OWNERS.len()]))?;
                    writeln!(out, "deadline = {}", self.day_text[deadline])?;
                    writeln!(out, "baseline = {}", num(baseline, 1))?;
                    writeln!(out, "target = {}", num(target, 1))?;
                    if metric.is_empty() {
                        writeln!(out, "current = {}", 10 * rng.below(11))?;
                    } else {
                        writeln!(out, "metric = \"{metric}\"")?;
                        if filtered {
                            writeln!(out, "filter = {{ channel = \"{}\" }}", CHANNELS[c])?;
                        }
                    }
                }
            }
            write(root, &format!("data/okrs/{y}/{period}.toml"), &out)?;
        }
        Ok(())
    }

    fn initiatives(&self, rng: &mut Rng) -> Result<String> {
        let n = scaled(INITIATIVES, self.scale);
        let mut out = String::from("# The action plan.\n");
        let last = self.n_days() - 1;
        for i in 0..n {
            let (slug, title) = INITIATIVE_TITLES[i % INITIATIVE_TITLES.len()];
            let c = (i / INITIATIVE_TITLES.len() + i) % 4;
            let due_day = 60 + (i * 7919) % (last + 150);
            let due = FIRST.checked_add((due_day as i64).days())?;
            let status = if due_day + 60 < last {
                ["done", "done", "done", "dropped", "blocked"][rng.below(5) as usize]
            } else if due_day < last + 60 {
                ["in-progress", "in-progress", "blocked", "done"][rng.below(4) as usize]
            } else {
                ["todo", "todo", "in-progress"][rng.below(3) as usize]
            };
            let level = ["low", "medium", "high"];
            writeln!(out, "\n[[initiative]]")?;
            writeln!(out, "id = \"{slug}-{:03}\"", i + 1)?;
            writeln!(
                out,
                "title = {}",
                q(&format!("{title} ({})", channel_name(c)))
            )?;
            writeln!(out, "owner = {}", q(OWNERS[(i * 5) % OWNERS.len()]))?;
            writeln!(out, "due = {due}")?;
            writeln!(out, "status = \"{status}\"")?;
            writeln!(out, "impact = \"{}\"", level[rng.below(3) as usize])?;
            writeln!(out, "effort = \"{}\"", level[rng.below(3) as usize])?;
            if rng.chance(0.7) {
                let complexity = ["simple", "complicated", "complex"][rng.below(3) as usize];
                writeln!(out, "complexity = \"{complexity}\"")?;
            }
            if i % 5 < 2 {
                let metric = if DIGITAL[c] && i % 3 == 0 {
                    "bot_containment"
                } else {
                    ["sla", "aht", "fcr", "abandon_rate"][i % 4]
                };
                writeln!(out, "metric = \"{metric}\"")?;
                if i % 2 == 0 {
                    writeln!(out, "filter = {{ channel = \"{}\" }}", CHANNELS[c])?;
                } else {
                    let q = c * 5 + rng.below(5) as usize;
                    writeln!(out, "filter = {{ queue = \"{}\" }}", self.queues[q])?;
                }
                if matches!(status, "done" | "in-progress") {
                    let launch = due_day
                        .saturating_sub(14 + rng.below(30) as usize)
                        .clamp(40, last);
                    writeln!(out, "launch = {}", self.day_text[launch])?;
                }
            }
            if rng.chance(0.6) {
                let investment = 1000 * (2 + rng.below(80));
                writeln!(out, "investment = {investment}")?;
                writeln!(out, "expected_value = {}", investment * (1 + rng.below(4)))?;
            }
        }
        Ok(out)
    }

    fn audits(&self, root: &Path, rng: &mut Rng) -> Result<()> {
        const AREAS: [(&str, &str); 6] = [
            ("sla", "Service levels"),
            ("aht", "Efficiency"),
            ("fcr", "Resolution"),
            ("abandon_rate", "Service levels"),
            ("bot_containment", "Automation"),
            ("transfer_rate", "Resolution"),
        ];
        let n = scaled(AUDITS, self.scale);
        // The last n half-years, each audited on its last day.
        let halves = self.groups(|d| (d.year(), if d.month() <= 6 { 1 } else { 2 }));
        for (k, ((y, h), range)) in halves[halves.len().saturating_sub(n)..].iter().enumerate() {
            let day = range.end - 1;
            let t = day as f64 / self.n_days() as f64;
            let mut out = String::new();
            writeln!(out, "title = \"H{h} {y} CX audit\"")?;
            writeln!(out, "date = {}", self.day_text[day])?;
            writeln!(
                out,
                "period = {{ start = {}, end = {} }}",
                self.day_text[range.start],
                self.day_text[day - 1]
            )?;
            writeln!(
                out,
                "summary = \"\"\"\nAudit {} of the series. Service levels rose on the digital \
                 channels; **voice abandonment** and handle time are still the largest gaps.\"\"\"",
                k + 1
            )?;
            for (metric, area) in AREAS {
                for c in std::iter::once(None).chain((0..4).map(Some)) {
                    if metric == "bot_containment" && c.is_some_and(|c| !DIGITAL[c]) {
                        continue;
                    }
                    let ch = c.unwrap_or(0);
                    let (target, current) = match metric {
                        "sla" => (90.0, CH_SLA[ch] + 8.0 * t + rng.normal()),
                        "aht" => (4.0, CH_AHT[ch] - 0.9 * t + 0.1 * rng.normal()),
                        "fcr" => (80.0, CH_FCR[ch] + 9.0 * t + rng.normal()),
                        "abandon_rate" => (5.0, CH_ABANDON[ch] - 2.5 * t + 0.3 * rng.normal()),
                        "bot_containment" => (40.0, CH_BOT[ch] + 18.0 * t + rng.normal()),
                        _ => (8.0, CH_TRANSFER[ch] - 3.0 * t + 0.5 * rng.normal()),
                    };
                    writeln!(out, "\n[[finding]]")?;
                    writeln!(out, "area = \"{area}\"")?;
                    writeln!(out, "metric = \"{metric}\"")?;
                    if let Some(c) = c {
                        writeln!(out, "filter = {{ channel = \"{}\" }}", CHANNELS[c])?;
                    }
                    writeln!(out, "target = {}", num(target, 1))?;
                    writeln!(out, "current = {}", num(current, 1))?;
                    writeln!(out, "journey_stage = \"Contact\"")?;
                }
            }
            for (indicator, unit, direction, target, base) in [
                ("Articles older than 12 months", "%", "lower", 10.0, 45.0),
                ("Agents trained on the new CRM", "%", "higher", 100.0, 20.0),
                ("Agent satisfaction", "%", "higher", 85.0, 70.0),
            ] {
                let step = (target - base) * (k + 1) as f64 / (n + 1) as f64;
                writeln!(out, "\n[[finding]]")?;
                writeln!(out, "area = \"People and knowledge\"")?;
                writeln!(out, "indicator = \"{indicator}\"")?;
                writeln!(out, "direction = \"{direction}\"")?;
                writeln!(out, "unit = \"{unit}\"")?;
                writeln!(out, "target = {}", num(target, 1))?;
                writeln!(out, "current = {}", num(base + step, 1))?;
                writeln!(out, "notes = \"Counted by hand from the {y} records.\"")?;
            }
            write(root, &format!("data/audits/{y}-h{h}.toml"), &out)?;
        }
        Ok(())
    }

    // --- content pages --------------------------------------------------------------

    /// Markdown pages in a few sections, none an `index.md` (so that Hugo,
    /// which reads the same files for the comparison, sees every one as a
    /// page of its own).
    fn pages(&self, root: &Path) -> Result<()> {
        let mut rng = Rng::stream(SEED, 6);
        let n = self.pages;
        let urls: Vec<String> = (0..n).map(|i| page_path(i).1).collect();
        let mut text = String::with_capacity(8192);
        for i in 0..n {
            let (path, _) = page_path(i);
            let spanish = i % 4 == 3;
            text.clear();
            self.page(&mut text, i, spanish, &urls, &mut rng)?;
            write(root, &path, &text)?;
        }
        Ok(())
    }

    fn page(
        &self,
        out: &mut String,
        i: usize,
        spanish: bool,
        urls: &[String],
        rng: &mut Rng,
    ) -> Result<()> {
        let (section, topic) = page_topic(i);
        let subject = SUBJECTS[(i / SECTIONS.len()) % SUBJECTS.len()];
        let c = i % 4;
        let title = if spanish {
            format!(
                "{} de {subject}: {} (n.º {})",
                topic.1,
                channel_name(c),
                i + 1
            )
        } else {
            format!("{} {subject}: {} (no. {})", topic.0, channel_name(c), i + 1)
        };
        writeln!(out, "+++")?;
        writeln!(out, "title = {}", q(&title))?;
        let description = sentence(rng, spanish);
        writeln!(out, "description = {}", q(&description))?;
        writeln!(out, "weight = {}", 10 * (i % 9) + (section.len() % 7))?;
        writeln!(out, "+++")?;
        paragraph(out, rng, spanish, 3..=5);
        let headings: &[&str] = if spanish { &HEADINGS_ES } else { &HEADINGS_EN };
        let h = |k: usize| headings[(i + k * 5) % headings.len()];
        writeln!(out, "\n## {}\n", h(0))?;
        paragraph(out, rng, spanish, 2..=4);
        out.push('\n');
        for _ in 0..3 + rng.below(3) {
            writeln!(out, "- {}", sentence(rng, spanish))?;
        }
        writeln!(out, "\n## {}\n", h(1))?;
        if spanish {
            writeln!(out, "| Canal | Indicador | Antes | Después | Objetivo |")?;
        } else {
            writeln!(out, "| Channel | Indicator | Before | After | Target |")?;
        }
        writeln!(out, "|---|---|---:|---:|---:|")?;
        for r in 0..3 + rng.below(4) as usize {
            let m = [
                "sla",
                "aht",
                "fcr",
                "abandon_rate",
                "transfer_rate",
                "qa_score",
            ][(i + r) % 6];
            let before = 40.0 + 50.0 * rng.unit();
            let after = before + 10.0 * rng.normal();
            writeln!(
                out,
                "| {} | {} | {before:.1} | {after:.1} | {:.0} |",
                channel_name((c + r) % 4),
                metric_name(m),
                before.max(after) + 5.0
            )?;
        }
        let other = &urls[(i * 7 + 3) % urls.len()];
        let see = if spanish {
            "Véase también"
        } else {
            "See also"
        };
        writeln!(
            out,
            "\n{} **{}** [{see}](/{other}).\n",
            sentence(rng, spanish),
            sentence(rng, spanish),
        )?;
        writeln!(out, "### {}\n", h(2))?;
        for k in 0..3 + rng.below(3) {
            writeln!(out, "{}. {}", k + 1, sentence(rng, spanish))?;
        }
        out.push('\n');
        paragraph(out, rng, spanish, 2..=5);
        if i.is_multiple_of(3) {
            writeln!(out, "\n## {}\n", h(3))?;
            writeln!(out, "- [x] {}", sentence(rng, spanish))?;
            writeln!(out, "- [ ] {}", sentence(rng, spanish))?;
            out.push('\n');
            paragraph(out, rng, spanish, 2..=2);
        }
        writeln!(out, "\n> {}[^1]\n", sentence(rng, spanish))?;
        writeln!(out, "[^1]: {}", sentence(rng, spanish))?;
        Ok(())
    }
}

type Job<'a> = Box<dyn FnOnce(&Path) -> Result<()> + Send + 'a>;

/// Runs the jobs on every core, in order of the list; the first error wins.
fn run_jobs(root: &Path, jobs: Vec<Job>) -> Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let queue = Mutex::new(jobs.into_iter());
    let errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let job = match queue.lock() {
                        Ok(mut q) => q.next(),
                        Err(_) => None,
                    };
                    let Some(job) = job else { break };
                    if let Err(e) = job(root)
                        && let Ok(mut errors) = errors.lock()
                    {
                        errors.push(e.to_string());
                    }
                }
            });
        }
    });
    let errors = errors.into_inner().map_err(|_| "a thread panicked")?;
    match errors.into_iter().next() {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

fn csv_writer(root: &Path, rel: &str) -> Result<BufWriter<File>> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    Ok(BufWriter::with_capacity(1 << 20, File::create(path)?))
}

fn write(root: &Path, rel: &str, text: &str) -> Result<()> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)?;
    Ok(())
}

// --- formatting -------------------------------------------------------------------

/// `x` with `decimals` digits after the point, without going through `fmt`.
fn fixed(out: &mut Vec<u8>, x: f64, decimals: u32) {
    let scale = 10u64.pow(decimals);
    let v = (x * scale as f64).round() as i64;
    if v < 0 {
        out.push(b'-');
    }
    let v = v.unsigned_abs();
    int(out, v / scale);
    if decimals > 0 {
        out.push(b'.');
        int_padded(out, (v % scale) as usize, decimals as usize);
    }
}

fn int(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[at..]);
}

fn int_padded(out: &mut Vec<u8>, v: usize, width: usize) {
    let start = out.len();
    int(out, v as u64);
    let len = out.len() - start;
    if len < width {
        out.splice(start..start, std::iter::repeat_n(b'0', width - len));
    }
}

fn two_digits(out: &mut Vec<u8>, v: usize) {
    out.push(b'0' + (v / 10 % 10) as u8);
    out.push(b'0' + (v % 10) as u8);
}

fn pct(v: f64) -> f64 {
    v.clamp(0.0, 100.0)
}

/// A TOML number with at most `decimals` decimals.
fn num(x: f64, decimals: u32) -> String {
    let mut out = Vec::new();
    fixed(&mut out, x, decimals);
    let mut s = String::from_utf8(out).unwrap_or_default();
    if s.contains('.') {
        let trimmed = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(trimmed);
    }
    if s == "-0" { "0".into() } else { s }
}

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| q(s.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

fn csv_field(out: &mut Vec<u8>, s: &str) {
    if s.contains([',', '"', '\n']) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

const CHANNEL_LABELS: [&str; 4] = ["WhatsApp", "Web chat", "Voice", "Email"];

fn channel_name(c: usize) -> &'static str {
    ["WhatsApp", "web chat", "voice", "email"][c]
}

fn metric_name(id: &str) -> &'static str {
    match id {
        "sla" => "Response SLA",
        "aht" => "Handle time",
        "fcr" => "First-contact resolution",
        "abandon_rate" => "Abandonment",
        "bot_containment" => "Bot containment",
        "transfer_rate" => "Transfer rate",
        "qa_score" => "QA score",
        _ => "Contacts",
    }
}

// --- the numbers behind the KPIs and surveys ------------------------------------------

/// Contacts an agent handles in an hour, per channel.
const CH_CONTACTS: [f64; 4] = [9.0, 7.0, 6.0, 4.0];
const CH_SLA: [f64; 4] = [62.0, 68.0, 64.0, 60.0];
const CH_AHT: [f64; 4] = [5.8, 5.2, 7.2, 6.4];
const CH_FCR: [f64; 4] = [64.0, 62.0, 70.0, 62.0];
const CH_ABANDON: [f64; 4] = [7.0, 9.0, 12.0, 4.0];
const CH_BOT: [f64; 4] = [22.0, 18.0, 0.0, 0.0];
const CH_TRANSFER: [f64; 4] = [14.0, 12.0, 18.0, 10.0];
/// The load of each hour from 08:00, against the day's mean.
const HOUR_LOAD: [f64; HOURS] = [
    0.6, 0.9, 1.2, 1.3, 1.2, 1.0, 1.0, 1.1, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7,
];
const CH_SURVEY_MIX: [(usize, f64); 4] = [(0, 0.35), (1, 0.25), (2, 0.28), (3, 0.12)];
const REGIONS: [(&str, f64); 8] = [
    ("es-madrid", 0.20),
    ("es-barcelona", 0.15),
    ("es-valencia", 0.08),
    ("mx-cdmx", 0.18),
    ("mx-monterrey", 0.07),
    ("co-bogota", 0.12),
    ("ar-buenos-aires", 0.10),
    ("us-miami", 0.10),
];
const TOUCHPOINTS: [&str; 6] = [
    "pre-purchase",
    "delivery",
    "returns",
    "billing",
    "account",
    "app",
];
/// (mean rating, tie to the latent experience) of speed, knowledge, empathy,
/// resolution and ease.
const ATTRIBUTES: [(f64, f64); 5] = [(2.7, 0.7), (3.2, 0.55), (3.9, 0.3), (3.6, 0.85), (3.4, 0.6)];

const METRICS: &str = r#"# The metric catalogue of the generated plan: 6 metrics in the interval
# files (wide) and 2 in the daily agent scorecard (long).

[[metric]]
id = "contacts"
name = "Contacts handled"
unit = "count"
direction = "higher"
aggregate = "sum"
business_area = "Volume"
description = "Contacts closed by an agent or by the bot."

[[metric]]
id = "sla"
name = "Response SLA (< 5 min)"
unit = "%"
direction = "higher"
target = 90
business_area = "Service"
description = """
Share of contacts answered within **five minutes**, weighted by the contacts \
of each interval."""

[[metric.alert]]
below = 70
severity = "critical"
message = "Fewer than seven in ten customers are answered within five minutes."

[[metric.alert]]
below = 80
filter = { channel = "whatsapp" }
message = "WhatsApp is under its 80 % service level."

[[metric]]
id = "aht"
name = "Average handle time"
unit = "min"
direction = "lower"
target = 4
business_area = "Efficiency"
description = "Minutes from the first reply to the close of a contact, wrap-up included."

[[metric.alert]]
above = 7
filter = { channel = "voice" }
message = "Voice calls take more than seven minutes on average."

[[metric]]
id = "fcr"
name = "First-contact resolution"
unit = "%"
direction = "higher"
target = 80
business_area = "Resolution"
description = "Share of contacts with no repeat contact on the same matter within seven days."

[[metric]]
id = "abandon_rate"
name = "Abandonment rate"
unit = "%"
direction = "lower"
target = 5
business_area = "Service"
description = "Share of customers who give up before an agent or the bot answers."

[[metric.alert]]
above = 10
filter = { channel = "voice" }
severity = "critical"
message = "More than one caller in ten hangs up in the queue."

[[metric]]
id = "bot_containment"
name = "Bot containment"
unit = "%"
direction = "higher"
target = 40
business_area = "Automation"
description = "Digital conversations the bot resolves without an agent (WhatsApp and web chat only)."

[[metric.alert]]
below = 25
filter = { channel = "webchat" }

[[metric]]
id = "transfer_rate"
name = "Transfer rate"
unit = "%"
direction = "lower"
target = 8
business_area = "Resolution"
description = "Share of an agent's contacts passed to another queue."

[[metric]]
id = "qa_score"
name = "Quality score"
unit = "score"
direction = "higher"
aggregate = "last"
target = 90
business_area = "Quality"
description = "The quality team's evaluation of an agent's contacts, 0 to 100."

[[metric.alert]]
below = 75
filter = { queue = "voice-billing" }
severity = "warning"
"#;

type Theme = (
    &'static str,
    &'static str,
    &'static [&'static str],
    Option<u32>,
);

const THEMES: [Theme; 10] = [
    (
        "long-wait",
        "Long waits",
        &["wait*", "esper*", "hold", "queue", "cola", "demora*"],
        Some(300),
    ),
    (
        "transfers",
        "Transfers between teams",
        &["transfer*", "transfir*", "derivar*", "derivaron"],
        Some(200),
    ),
    (
        "refunds",
        "Refunds",
        &["refund*", "reembols*", "devoluci*"],
        None,
    ),
    (
        "bot-frustration",
        "Frustration with the bot",
        &["bot", "chatbot", "robot", "menu", "menú"],
        Some(150),
    ),
    (
        "friendly-staff",
        "Friendly staff",
        &[
            "friendly",
            "helpful",
            "kind",
            "amable*",
            "atent*",
            "simpátic*",
        ],
        None,
    ),
    (
        "delivery-delay",
        "Late deliveries",
        &["late", "delay*", "retras*", "tarde"],
        None,
    ),
    (
        "billing-errors",
        "Billing errors",
        &["charged", "invoice*", "cobr*", "factura*"],
        None,
    ),
    (
        "app-problems",
        "Problems with the app",
        &["app", "password", "login", "aplicaci*", "contraseña"],
        None,
    ),
    (
        "knowledge-gaps",
        "Agents without answers",
        &["unsure", "clueless", "knowledge", "sabía", "conocimiento*"],
        None,
    ),
    ("callbacks", "Callbacks", &["callback*", "llamar*"], None),
];

// --- comments ----------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Topic {
    Wait,
    Transfer,
    Refund,
    Bot,
    Delivery,
    Billing,
    App,
    Knowledge,
    Callback,
    Friendly,
    Praise,
    Neutral,
}

fn fragments(topic: Topic, spanish: bool) -> &'static [&'static str] {
    match (topic, spanish) {
        (Topic::Wait, false) => &[
            "I waited {n} minutes before anyone answered",
            "Too long on hold, again",
            "The queue was endless",
            "Waiting {n} minutes for a simple question is not acceptable",
            "Long wait, but the answer was right",
            "On hold for {n} minutes and then the call dropped",
        ],
        (Topic::Wait, true) => &[
            "Esperé {n} minutos para que me atendieran",
            "Demasiada espera para algo tan simple",
            "Me tuvieron en espera casi media hora",
            "La cola del teléfono es eterna",
            "Mucha demora en contestar",
            "Estuve esperando {n} minutos y se cortó",
        ],
        (Topic::Transfer, false) => &[
            "I was transferred {k} times",
            "They transferred me to another department and I had to explain everything again",
            "Every transfer meant starting from zero",
        ],
        (Topic::Transfer, true) => &[
            "Me transfirieron {k} veces",
            "Me derivaron a otro departamento y tuve que repetir todo",
            "Transferencia tras transferencia, nadie sabía nada",
        ],
        (Topic::Refund, false) => &[
            "Still no refund after {n} days",
            "The refund took far too long",
            "Nobody could tell me where my refund was",
        ],
        (Topic::Refund, true) => &[
            "Sigo sin el reembolso después de {n} días",
            "La devolución fue un lío",
            "Nadie sabe dónde está mi reembolso",
        ],
        (Topic::Bot, false) => &[
            "The bot did not understand my question",
            "The chatbot kept sending me the same menu",
            "I could not find my problem in the menu",
        ],
        (Topic::Bot, true) => &[
            "El bot no entendió mi pregunta",
            "El robot me mandaba siempre al mismo menú",
            "El chatbot no sirve para nada",
        ],
        (Topic::Delivery, false) => &[
            "My order arrived {k} days late",
            "Delivery was delayed with no notice",
            "The courier came late and left no note",
        ],
        (Topic::Delivery, true) => &[
            "El pedido llegó {k} días tarde",
            "Retraso en la entrega sin ningún aviso",
            "El repartidor vino tarde y no dejó aviso",
        ],
        (Topic::Billing, false) => &[
            "I was charged twice for the same order",
            "The invoice had the wrong address",
        ],
        (Topic::Billing, true) => &[
            "Me cobraron dos veces el mismo pedido",
            "La factura venía con datos equivocados",
        ],
        (Topic::App, false) => &[
            "The app logged me out {k} times",
            "Could not reset my password from the app",
        ],
        (Topic::App, true) => &[
            "La aplicación se cerraba sola",
            "No pude cambiar la contraseña",
        ],
        (Topic::Knowledge, false) => &[
            "The agent seemed unsure about the return policy",
            "Nobody had the knowledge to fix it",
        ],
        (Topic::Knowledge, true) => &[
            "El agente no sabía nada de la política de cambios",
            "Falta conocimiento del producto",
        ],
        (Topic::Callback, false) => &[
            "They promised a callback that never came",
            "The callback came within the hour, great",
        ],
        (Topic::Callback, true) => &[
            "Prometieron llamarme y nunca llamaron",
            "Quedaron en llamarme y cumplieron",
        ],
        (Topic::Friendly, false) => &[
            "The agent was very friendly",
            "Helpful and quick, thanks!",
            "So kind and patient with me",
        ],
        (Topic::Friendly, true) => &[
            "La agente fue muy amable",
            "Muy atentos, me resolvieron todo en una llamada",
            "Súper simpática la chica del chat",
        ],
        (Topic::Praise, false) => &[
            "Solved on the first contact",
            "Easy, fast, \"no drama\"",
            "Great service, 10/10",
            "Exactly what I needed",
        ],
        (Topic::Praise, true) => &[
            "Rápido y fácil, gracias",
            "Todo bien, \"de diez\"",
            "Excelente servicio",
            "Justo lo que necesitaba",
        ],
        (Topic::Neutral, false) => &[
            "It was OK",
            "Fine, nothing special",
            "Got what I needed in the end",
            "Average experience",
        ],
        (Topic::Neutral, true) => &[
            "Correcto",
            "Normal, sin más",
            "Al final lo conseguí",
            "Ni bien ni mal",
        ],
    }
}

const OPENERS: [[&str; 4]; 2] = [
    [
        "Second time this month.",
        "Order {order}.",
        "First time I contact you.",
        "About my last order:",
    ],
    [
        "Segunda vez este mes.",
        "Pedido {order}.",
        "Primera vez que os contacto.",
        "Sobre mi último pedido:",
    ],
];
const CLOSERS: [[&str; 3]; 2] = [
    [
        "Please fix this.",
        "Thanks anyway.",
        "I will think twice before buying again.",
    ],
    [
        "Por favor, arreglen esto.",
        "Gracias de todos modos.",
        "Me lo pensaré antes de volver a comprar.",
    ],
];

fn write_comment(out: &mut String, rng: &mut Rng, nps: f64, wait_spike: bool, spanish: bool) {
    let complaints = [
        (Topic::Wait, if wait_spike { 2.5 } else { 0.35 }),
        (Topic::Transfer, 0.2),
        (Topic::Refund, 0.12),
        (Topic::Bot, 0.15),
        (Topic::Delivery, 0.15),
        (Topic::Billing, 0.08),
        (Topic::App, 0.08),
        (Topic::Knowledge, 0.1),
        (Topic::Callback, 0.06),
    ];
    let lang = usize::from(spanish);
    let mut topics = [Topic::Neutral; 2];
    let count = if nps <= 6.0 {
        topics[0] = rng.weighted(&complaints);
        topics[1] = rng.weighted(&complaints);
        if rng.chance(0.35) { 2 } else { 1 }
    } else if nps <= 8.0 {
        topics[1] = rng.weighted(&complaints);
        if rng.chance(if wait_spike { 0.5 } else { 0.3 }) {
            2
        } else {
            1
        }
    } else {
        topics[0] = if rng.chance(0.5) {
            Topic::Friendly
        } else {
            Topic::Praise
        };
        topics[1] = Topic::Callback;
        if rng.chance(0.05) { 2 } else { 1 }
    };
    if rng.chance(0.15) {
        let opener = OPENERS[lang][rng.below(4) as usize];
        push_filled(out, opener, rng);
        out.push(' ');
    }
    let mut prev: Option<&str> = None;
    for topic in &topics[..count] {
        let options = fragments(*topic, spanish);
        let fragment = options[rng.below(options.len() as u64) as usize];
        if prev == Some(fragment) {
            continue;
        }
        if prev.is_some() {
            // Now and then a comment runs over two lines.
            out.push_str(if rng.chance(0.02) { ".\n" } else { ". " });
        }
        push_filled(out, fragment, rng);
        prev = Some(fragment);
    }
    if rng.chance(0.12) {
        if !out.ends_with(['!', '.', '"']) {
            out.push('.');
        }
        out.push(' ');
        out.push_str(CLOSERS[lang][rng.below(3) as usize]);
    }
}

/// A fragment with its `{n}` (minutes or days), `{k}` (a small count) and
/// `{order}` filled in.
fn push_filled(out: &mut String, fragment: &str, rng: &mut Rng) {
    let mut rest = fragment;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find('}').map_or(tail.len(), |e| e + 1);
        let _ = match &tail[..end] {
            "{n}" => write!(out, "{}", 10 + 5 * rng.below(10)),
            "{k}" => write!(out, "{}", 2 + rng.below(4)),
            "{order}" => write!(out, "#{}", 100_000 + rng.below(900_000)),
            other => write!(out, "{other}"),
        };
        rest = &tail[end..];
    }
    out.push_str(rest);
}

// --- page text -------------------------------------------------------------------------

const SECTIONS: [(&str, (&str, &str)); 8] = [
    ("playbooks", ("Playbook for", "Guía")),
    ("guides", ("Guide to", "Manual")),
    ("teams", ("Team notes on", "Notas del equipo")),
    ("research", ("Research on", "Estudio")),
    ("retros", ("Retrospective on", "Retrospectiva")),
    ("policies", ("Policy on", "Política")),
    ("training", ("Training on", "Formación")),
    ("journeys", ("Journey map of", "Mapa del recorrido")),
];
const SUBJECTS: [&str; 25] = [
    "returns",
    "refunds",
    "order status",
    "delivery slots",
    "billing disputes",
    "password resets",
    "callbacks",
    "queue messages",
    "bot hand-over",
    "peak staffing",
    "quality reviews",
    "onboarding",
    "knowledge articles",
    "complaints",
    "loyalty",
    "payments",
    "warranty claims",
    "store pick-up",
    "gift cards",
    "accessibility",
    "escalations",
    "surveys",
    "macros",
    "shift handover",
    "VIP customers",
];

fn page_topic(i: usize) -> (&'static str, (&'static str, &'static str)) {
    SECTIONS[i % SECTIONS.len()]
}

/// The file of page `i` and its address: `content/guides/whatsapp/returns-0042.md`,
/// `guides/whatsapp/returns-0042/`.
fn page_path(i: usize) -> (String, String) {
    let (section, _) = page_topic(i);
    let subject = SUBJECTS[(i / SECTIONS.len()) % SUBJECTS.len()].replace([' ', '/'], "-");
    let sub = if i.is_multiple_of(2) {
        format!("{}/", CHANNELS[i % 4])
    } else {
        String::new()
    };
    let url = format!("{section}/{sub}{}-{:04}/", subject.to_lowercase(), i + 1);
    (format!("content/{}.md", url.trim_end_matches('/')), url)
}

const HEADINGS_EN: [&str; 12] = [
    "What we found",
    "Why it matters",
    "How we work",
    "Steps",
    "Figures",
    "Open questions",
    "What changed",
    "Next steps",
    "Who does what",
    "Risks",
    "Checklist",
    "Background",
];
const HEADINGS_ES: [&str; 12] = [
    "Qué encontramos",
    "Por qué importa",
    "Cómo trabajamos",
    "Pasos",
    "Cifras",
    "Preguntas abiertas",
    "Qué cambió",
    "Próximos pasos",
    "Quién hace qué",
    "Riesgos",
    "Lista de control",
    "Contexto",
];

const WHO_EN: [&str; 10] = [
    "The WhatsApp team",
    "Every agent",
    "The quality lead",
    "The workforce planner",
    "The customer",
    "The bot",
    "The voice queue",
    "A new starter",
    "The email team",
    "The knowledge manager",
];
const DOES_EN: [&str; 10] = [
    "checks",
    "answers",
    "reviews",
    "measures",
    "writes down",
    "escalates",
    "tags",
    "shortens",
    "explains",
    "follows up on",
];
const WHAT_EN: [&str; 12] = [
    "the order number",
    "every open complaint",
    "the refund status",
    "the first reply",
    "the hand-over note",
    "the weekly figures",
    "the returns label",
    "the callback slot",
    "the knowledge article",
    "the customer's last contact",
    "the survey comments",
    "the queue message",
];
const HOW_EN: [&str; 10] = [
    "before the end of the shift",
    "within five minutes",
    "in one message",
    "at the first contact",
    "with the customer on the line",
    "every Monday",
    "as the macro says",
    "without a transfer",
    "in plain words",
    "when the bot hands over",
];
const WHO_ES: [&str; 10] = [
    "El equipo de WhatsApp",
    "Cada agente",
    "La responsable de calidad",
    "El planificador",
    "El cliente",
    "El bot",
    "La cola de voz",
    "Una persona nueva",
    "El equipo de correo",
    "La gestora del conocimiento",
];
const DOES_ES: [&str; 10] = [
    "revisa", "responde", "mide", "anota", "escala", "etiqueta", "acorta", "explica", "sigue",
    "confirma",
];
const WHAT_ES: [&str; 12] = [
    "el número de pedido",
    "cada reclamación abierta",
    "el estado del reembolso",
    "la primera respuesta",
    "la nota de traspaso",
    "las cifras de la semana",
    "la etiqueta de devolución",
    "la hora de la llamada",
    "el artículo de ayuda",
    "el último contacto del cliente",
    "los comentarios de la encuesta",
    "el mensaje de espera",
];
const HOW_ES: [&str; 10] = [
    "antes del fin del turno",
    "en menos de cinco minutos",
    "en un solo mensaje",
    "en el primer contacto",
    "con el cliente al teléfono",
    "cada lunes",
    "como dice la plantilla",
    "sin transferir",
    "con palabras sencillas",
    "cuando el bot traspasa",
];

fn sentence(rng: &mut Rng, spanish: bool) -> String {
    let mut pick = |items: &[&'static str]| items[rng.below(items.len() as u64) as usize];
    if spanish {
        format!(
            "{} {} {} {}.",
            pick(&WHO_ES),
            pick(&DOES_ES),
            pick(&WHAT_ES),
            pick(&HOW_ES)
        )
    } else {
        format!(
            "{} {} {} {}.",
            pick(&WHO_EN),
            pick(&DOES_EN),
            pick(&WHAT_EN),
            pick(&HOW_EN)
        )
    }
}

/// A paragraph of `sentences` sentences (a number in the range).
fn paragraph(
    out: &mut String,
    rng: &mut Rng,
    spanish: bool,
    sentences: std::ops::RangeInclusive<u64>,
) {
    let n = sentences.start() + rng.below(sentences.end() - sentences.start() + 1);
    for k in 0..n {
        let s = sentence(rng, spanish);
        if k > 0 {
            // Lines wrapped as people write them; Markdown joins them.
            out.push(if k % 2 == 0 { '\n' } else { ' ' });
        }
        if k == 1 {
            let (head, tail) = s.split_at(s.find(' ').unwrap_or(0));
            let _ = write!(out, "*{head}*{tail}");
        } else {
            out.push_str(&s);
        }
    }
    out.push('\n');
}

// --- the TOML records' texts ------------------------------------------------------------

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const SPRINT_GOALS: [&str; 8] = [
    "Answer WhatsApp faster at the lunchtime peak.",
    "Fewer transfers between the billing and returns queues.",
    "Cut voice abandonment in the evening.",
    "Raise bot containment without hurting satisfaction.",
    "Shorter handle time with better macros.",
    "Close the knowledge gaps the QA reviews found.",
    "Resolve more email at the first reply.",
    "Prepare the December peak.",
];
const LEARNINGS: [&str; 10] = [
    "A shorter greeting saves more time than a faster menu.",
    "Agents use a macro only when it is one click away.",
    "Customers accept a callback when the wait is announced honestly.",
    "The bot must hand over with the whole conversation, or customers repeat themselves.",
    "Peak staffing must be planned two months ahead.",
    "QA reviews work best when agents pick one contact themselves.",
    "Templates need a review every quarter, or they drift from the policy.",
    "Customers read the first line of an email answer only.",
    "Weekly figures per queue start better conversations than monthly ones.",
    "A change tested on one queue first is easier to read.",
];
const EXPERIMENTS: [(&str, &str); 10] = [
    (
        "Shorter greeting",
        "A two-line greeting gets to the question sooner, so handle time falls.",
    ),
    (
        "Order status answered by the bot",
        "Most questions are about where an order is; the bot can answer them.",
    ),
    (
        "Callback after two minutes",
        "Callers offered a callback abandon less.",
    ),
    (
        "Macro for refunds",
        "A ready answer for refund questions shortens handle time and avoids transfers.",
    ),
    (
        "Queue position announced",
        "Customers who know their position wait longer before giving up.",
    ),
    (
        "Skills-based routing for billing",
        "Billing questions go to the agents who know billing, so fewer are transferred.",
    ),
    (
        "One knowledge article per top question",
        "Agents who find the answer at once resolve more contacts at the first attempt.",
    ),
    (
        "Proactive delivery notice",
        "Customers told about a delay do not need to ask.",
    ),
    (
        "Peer review of one contact a week",
        "Agents who review each other raise their QA score.",
    ),
    (
        "Evening shift moved by an hour",
        "More agents at the evening peak answer more contacts within five minutes.",
    ),
];
const ACTIONS: [&str; 8] = [
    "Update the macros with the new policy",
    "Review the bot's hand-over messages",
    "Train the new starters on the returns journey",
    "Publish the queue figures every Monday",
    "Record the new queue message",
    "Clean up the knowledge base's oldest articles",
    "Set up callback slots in the telephony platform",
    "Share the survey comments with the product team",
];
const OBJECTIVES: [(&str, &str, &str); 6] = [
    (
        "faster-answers",
        "Customers get an answer in minutes, on every channel",
        "Service",
    ),
    (
        "resolve-first-time",
        "Resolve more contacts at the first attempt",
        "Resolution",
    ),
    (
        "efficient-contacts",
        "Shorter contacts without losing quality",
        "Efficiency",
    ),
    (
        "self-service",
        "More questions answered without an agent",
        "Automation",
    ),
    (
        "quality",
        "Every contact meets the quality standard",
        "Quality",
    ),
    ("people", "A team that knows the answers", "People"),
];
const INITIATIVE_TITLES: [(&str, &str); 20] = [
    ("faq-automation", "Automate the most frequent questions"),
    ("callback-offer", "Offer a callback in the queue"),
    ("crm-migration", "Move contact handling into the new CRM"),
    ("macro-library", "A shared macro library"),
    ("skills-routing", "Skills-based routing"),
    ("kb-cleanup", "Clean up the knowledge base"),
    ("proactive-notices", "Proactive delivery notices"),
    ("qa-calibration", "Monthly QA calibration sessions"),
    ("peak-staffing", "Seasonal staffing plan"),
    ("refund-tracker", "Refund status in the customer's account"),
    ("survey-redesign", "A shorter post-contact survey"),
    ("voice-ivr", "A simpler voice menu"),
    ("chat-widget", "A new web chat widget"),
    ("agent-coaching", "Weekly coaching for every agent"),
    ("billing-portal", "Self-service invoices"),
    ("returns-labels", "Returns labels sent in the chat"),
    ("vip-queue", "A queue for loyal customers"),
    ("bot-handover", "Warm hand-over from the bot"),
    ("email-templates", "Rewritten email templates"),
    ("shift-handover", "A shift handover checklist"),
];
