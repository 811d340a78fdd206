//! Writes the CSV files of the example plan: `data/kpis/daily.csv`,
//! `data/kpis/agent_pulse.csv` and `data/surveys/responses.csv`, and the
//! raw telephony export `exports/calls-2026-10.tsv` that the plan's
//! `[import.calls]` recipe turns into `data/kpis/calls.csv`, and the
//! follow-up cases `data/cases/2026.csv` opened for the survey's detractors.
//!
//! Run `cargo run --example gen_example_plan -- .` from the repository root.
//! The numbers are seeded noise around a story the TOML files tell: the
//! WhatsApp bot's version 2.0 (2026-06-15) and the returns journey's 2.0
//! (2026-07-20) really help, the voice callback offer (2026-08-04) does
//! nothing, agent macros (2026-09-08) shorten handle time everywhere, and
//! waits come back as a complaint in the last two weeks of October. The same
//! seed always writes the same bytes, so the committed files can be checked
//! against a fresh run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use jiff::ToSpan;
use jiff::civil::{Date, Weekday, date};

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

const FIRST: Date = date(2026, 4, 1);
const LAST: Date = date(2026, 10, 31);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let mut rng = Rng::new(0x5EED_C0DE_2026);
    write(&root, "data/kpis/daily.csv", &daily(&mut rng)?)?;
    write(&root, "data/kpis/agent_pulse.csv", &pulse(&mut rng)?)?;
    let answers = responses(&mut rng)?;
    write(&root, "data/surveys/responses.csv", &answers)?;
    // A stream of its own: the files above keep their bytes.
    let mut calls_rng = Rng::stream(0x5EED_C0DE_2026, 1);
    write(&root, "exports/calls-2026-10.tsv", &calls(&mut calls_rng)?)?;
    let mut cases_rng = Rng::stream(0x5EED_C0DE_2026, 2);
    write(
        &root,
        "data/cases/2026.csv",
        &cases(&mut cases_rng, &answers)?,
    )?;
    Ok(())
}

fn write(root: &Path, path: &str, text: &str) -> std::io::Result<()> {
    let path = root.join(path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, text)?;
    eprintln!("wrote {} ({} lines)", path.display(), text.lines().count());
    Ok(())
}

fn days() -> impl Iterator<Item = (usize, Date)> {
    FIRST.series(1.day()).take_while(|d| *d <= LAST).enumerate()
}

fn weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// A step of `size` from `from` on: the effect of a change that worked.
fn step(d: Date, from: Date, size: f64) -> f64 {
    if d >= from { size } else { 0.0 }
}

struct Channel {
    id: &'static str,
    contacts: f64,
    sla: f64,
    aht: f64,
    fcr: f64,
    abandon: f64,
    /// Drift of the abandonment rate per day (none on voice, so that the
    /// callback offer has nothing to take credit for).
    abandon_drift: f64,
    containment: Option<f64>,
}

const CHANNELS: [Channel; 4] = [
    Channel {
        id: "whatsapp",
        contacts: 700.0,
        sla: 58.0,
        aht: 5.8,
        fcr: 62.0,
        abandon: 7.0,
        abandon_drift: -0.008,
        containment: Some(22.0),
    },
    Channel {
        id: "webchat",
        contacts: 450.0,
        sla: 66.0,
        aht: 5.2,
        fcr: 60.0,
        abandon: 9.0,
        abandon_drift: -0.008,
        containment: Some(18.0),
    },
    Channel {
        id: "voice",
        contacts: 600.0,
        sla: 64.0,
        aht: 7.4,
        fcr: 70.0,
        abandon: 12.0,
        abandon_drift: 0.0,
        containment: None,
    },
    Channel {
        id: "email",
        contacts: 250.0,
        sla: 62.0,
        aht: 6.4,
        fcr: 64.0,
        abandon: 5.0,
        abandon_drift: -0.004,
        containment: None,
    },
];

/// Days the email team did not work (public holidays): no rows at all.
const EMAIL_HOLIDAYS: [Date; 3] = [date(2026, 5, 1), date(2026, 8, 15), date(2026, 10, 12)];

fn daily(rng: &mut Rng) -> Result<String, std::fmt::Error> {
    let mut out =
        String::from("date,channel,weight,contacts,sla,aht,fcr,abandon_rate,bot_containment\n");
    for c in &CHANNELS {
        // Daily KPIs are autocorrelated: a bad day tends to follow a bad day.
        let mut noise = [Ar1::new(0.5); 5];
        let mut rows = Vec::new();
        for (i, d) in days() {
            let t = i as f64;
            let n: Vec<f64> = noise.iter_mut().map(|a| a.next(rng)).collect();
            if c.id == "email" && EMAIL_HOLIDAYS.contains(&d) {
                continue;
            }
            let week = if weekend(d) { 0.6 } else { 1.0 };
            let contacts = (c.contacts * week * (1.0 + 0.08 * rng.normal())).round();
            let whatsapp = c.id == "whatsapp";
            let sla = c.sla
                + 0.04 * t
                + if whatsapp {
                    step(d, date(2026, 6, 15), 12.0) + step(d, date(2026, 8, 25), 4.0)
                } else {
                    0.0
                }
                + 2.5 * n[0];
            let aht = c.aht - 0.003 * t
                + if whatsapp {
                    step(d, date(2026, 6, 15), -0.8)
                } else {
                    0.0
                }
                + step(d, date(2026, 9, 8), -0.5)
                + 0.2 * n[1];
            let fcr = c.fcr
                + 0.02 * t
                + if c.id == "webchat" {
                    step(d, date(2026, 7, 20), 8.0)
                } else {
                    0.0
                }
                + 2.0 * n[2];
            let abandon = c.abandon + c.abandon_drift * t + 1.0 * n[3];
            let containment = c.containment.map(|base| {
                base + 0.02 * t
                    + if whatsapp {
                        step(d, date(2026, 6, 15), 10.0)
                    } else {
                        0.0
                    }
                    + 2.0 * n[4]
            });
            rows.push((d, contacts, sla, aht, fcr, abandon, containment));
        }
        for (d, contacts, sla, aht, fcr, abandon, containment) in rows {
            write!(
                out,
                "{d},{},{contacts},{contacts},{:.1},{:.2},{:.1},{:.1},",
                c.id,
                pct(sla),
                aht.max(0.5),
                pct(fcr),
                pct(abandon)
            )?;
            if let Some(v) = containment {
                write!(out, "{:.1}", pct(v))?;
            }
            out.push('\n');
        }
    }
    Ok(sort_rows(out))
}

/// Rows ordered by date, then channel, as an export from a contact-centre
/// platform would be.
fn sort_rows(csv: String) -> String {
    let mut lines: Vec<&str> = csv.lines().collect();
    let header = lines.remove(0);
    lines.sort_by_key(|l| l.split(',').next().unwrap_or_default().to_owned());
    let mut out = String::with_capacity(csv.len());
    for line in std::iter::once(header).chain(lines) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn pct(v: f64) -> f64 {
    v.clamp(0.0, 100.0)
}

/// The monthly agent pulse survey, on the last working day of each month,
/// as the HR team's spreadsheet saves it in Spanish: `;` between cells,
/// decimal commas, a `%` sign, day-first dates and CR LF line ends (the
/// plan reads it through `[csv."data/kpis/agent_pulse.csv"]`).
fn pulse(rng: &mut Rng) -> Result<String, std::fmt::Error> {
    let mut out = String::from("date;metric;value;team\r\n");
    let mut month = FIRST;
    for i in 0..7 {
        let mut day = month.last_of_month();
        while weekend(day) {
            day = day.yesterday().map_err(|_| std::fmt::Error)?;
        }
        for (team, offset) in [("frontline", -2.0), ("backoffice", 1.5)] {
            let value = 72.0 + 2.0 * f64::from(i) + offset + 1.2 * rng.normal();
            let value = format!("{value:.1}").replace('.', ",");
            write!(
                out,
                "{:02}/{:02}/{};agent_satisfaction;{value} %;{team}\r\n",
                day.day(),
                day.month(),
                day.year()
            )?;
        }
        month = month.checked_add(1.month()).map_err(|_| std::fmt::Error)?;
    }
    Ok(out)
}

const REGIONS: [(&str, f64); 4] = [
    ("es-madrid", 0.30),
    ("es-barcelona", 0.25),
    ("mx-cdmx", 0.25),
    ("co-bogota", 0.20),
];
const TOUCHPOINTS: [(&str, f64); 4] = [
    ("pre-purchase", 0.30),
    ("delivery", 0.30),
    ("returns", 0.25),
    ("billing", 0.15),
];

fn responses(rng: &mut Rng) -> Result<String, std::fmt::Error> {
    let mut out = String::from(
        "id,date,channel,region,touchpoint,nps,csat,ces,attr_speed,attr_knowledge,attr_empathy,attr_resolution,comment\n",
    );
    let channels: Vec<(&str, f64)> = CHANNELS.iter().map(|c| (c.id, c.contacts)).collect();
    let span = (LAST - FIRST).get_days() as f64;
    let mut id = 0;
    for (i, d) in days() {
        let progress = i as f64 / span;
        let late_wait_spike = d >= date(2026, 10, 19);
        let count = if weekend(d) { 8 } else { 16 } + rng.below(5) - 2;
        for _ in 0..count {
            id += 1;
            let channel = rng.weighted(&channels);
            let region = rng.weighted(&REGIONS);
            let touchpoint = rng.weighted(&TOUCHPOINTS);
            // One latent experience drives every score, each attribute tied
            // to it more or less strongly: resolution most, empathy least.
            // Speed matters and rates poorly: the fix-first driver.
            let q = 0.3 * progress + rng.normal();
            let attr = |rng: &mut Rng, mean: f64, w: f64| {
                let z = w * q + (1.0 - w * w).sqrt() * rng.normal();
                (mean + 0.95 * z).round().clamp(1.0, 5.0)
            };
            let speed = attr(rng, 2.7, 0.7);
            let knowledge = attr(rng, 3.2, 0.55);
            let empathy = attr(rng, 3.9, 0.3);
            let resolution = attr(rng, 3.6, 0.85);
            let nps = (7.7 + 1.9 * q + 0.9 * rng.normal())
                .round()
                .clamp(0.0, 10.0);
            let csat = (3.6 + 0.8 * q + 0.6 * rng.normal()).round().clamp(1.0, 5.0);
            let ces = (4.8 + 0.9 * q + 0.8 * rng.normal()).round().clamp(1.0, 7.0);
            let csat = if rng.chance(0.05) {
                String::new()
            } else {
                csat.to_string()
            };
            let ces = if rng.chance(0.10) {
                String::new()
            } else {
                ces.to_string()
            };
            let comment = if rng.chance(0.6) {
                let spanish = rng.chance(if region.starts_with("es-") {
                    0.85
                } else {
                    0.95
                });
                comment(rng, nps, late_wait_spike, spanish)
            } else {
                String::new()
            };
            writeln!(
                out,
                "r{id:06},{d},{channel},{region},{touchpoint},{nps},{csat},{ces},{speed},{knowledge},{empathy},{resolution},{}",
                csv_field(&comment)
            )?;
        }
    }
    Ok(out)
}

/// Comment fragments by theme, in English and in Spanish.
#[derive(Clone, Copy)]
enum Topic {
    Wait,
    Transfer,
    Refund,
    Bot,
    Delivery,
    Praise,
    Neutral,
}

fn fragments(topic: Topic, spanish: bool) -> &'static [&'static str] {
    match (topic, spanish) {
        (Topic::Wait, false) => &[
            "I waited {n} minutes to talk to someone",
            "Too long on hold",
            "The wait was ridiculous, again",
            "Waiting times are far too long",
        ],
        (Topic::Wait, true) => &[
            "Esperé {n} minutos para que me atendieran",
            "Demasiada espera, otra vez",
            "Me tuvieron en espera mucho rato",
            "La cola del teléfono es eterna",
        ],
        (Topic::Transfer, false) => &[
            "I was transferred three times",
            "They transferred me to another department and I had to explain everything again",
        ],
        (Topic::Transfer, true) => &[
            "Me transfirieron tres veces",
            "Transferencia tras transferencia, nadie sabía nada",
        ],
        (Topic::Refund, false) => &[
            "Still no refund after two weeks",
            "The refund took far too long",
        ],
        (Topic::Refund, true) => &[
            "Sigo sin el reembolso",
            "El reembolso tardó dos semanas",
            "La devolución fue un lío",
        ],
        (Topic::Bot, false) => &[
            "The bot did not understand my question",
            "The chatbot kept sending me the same menu",
        ],
        (Topic::Bot, true) => &[
            "El bot no entendió mi pregunta",
            "El robot me mandaba siempre al mismo menú",
        ],
        (Topic::Delivery, false) => &[
            "My order arrived late",
            "Delivery was delayed with no notice",
        ],
        (Topic::Delivery, true) => &[
            "El pedido llegó tarde",
            "Retraso en la entrega sin ningún aviso",
        ],
        (Topic::Praise, false) => &[
            "The agent was very friendly",
            "Helpful and quick, thanks!",
            "Solved on the first call",
            "Easy, fast, \"no drama\"",
        ],
        (Topic::Praise, true) => &[
            "La agente fue muy amable",
            "Muy atentos, me resolvieron todo en una llamada",
            "Rápido y fácil, gracias",
            "Todo bien, \"de diez\"",
        ],
        (Topic::Neutral, false) => &[
            "It was OK",
            "Fine, nothing special",
            "Got what I needed in the end",
        ],
        (Topic::Neutral, true) => &["Correcto", "Normal, sin más", "Al final lo conseguí"],
    }
}

fn comment(rng: &mut Rng, nps: f64, wait_spike: bool, spanish: bool) -> String {
    let complaints = [
        (Topic::Wait, if wait_spike { 3.0 } else { 0.35 }),
        (Topic::Transfer, 0.2),
        (Topic::Refund, 0.15),
        (Topic::Bot, 0.15),
        (Topic::Delivery, 0.15),
    ];
    let mut topics = Vec::new();
    if nps <= 6.0 {
        topics.push(rng.weighted(&complaints));
        if rng.chance(0.35) {
            topics.push(rng.weighted(&complaints));
        }
    } else if nps <= 8.0 {
        topics.push(Topic::Neutral);
        if rng.chance(if wait_spike { 0.5 } else { 0.3 }) {
            topics.push(rng.weighted(&complaints));
        }
    } else {
        topics.push(Topic::Praise);
    }
    let mut text = String::new();
    for topic in topics {
        let options = fragments(topic, spanish);
        let fragment = options[rng.below(options.len() as u64) as usize]
            .replace("{n}", &(15 + 5 * rng.below(8)).to_string());
        if !text.contains(&fragment) {
            if !text.is_empty() {
                text.push_str(". ");
            }
            text.push_str(&fragment);
        }
    }
    text
}

/// The people who follow detractors up (those of data/initiatives.toml).
const CASE_OWNERS: [(&str, f64); 4] = [
    ("Diego Martín", 0.35),
    ("Marta Ruiz", 0.25),
    ("Lucía Gómez", 0.25),
    ("Carmen Vidal", 0.15),
];

const ROOT_CAUSES: [(&str, f64); 5] = [
    ("long wait", 0.3),
    ("unresolved at first contact", 0.25),
    ("billing error", 0.2),
    ("delivery delay", 0.15),
    ("agent knowledge", 0.1),
];

const RESOLUTIONS: [&str; 3] = ["callback", "refund", "explained"];

/// Follow-up cases of the survey's detractors (NPS 6 or less), by their
/// ids: most are followed up within a day or two of the answer, and closed
/// in about a day and a half, more slowly in the late-October wait spike;
/// some of the last weeks' are still open, and overdue, on the last day.
fn cases(rng: &mut Rng, answers: &str) -> Result<String, std::fmt::Error> {
    let mut out = String::from(
        "id,opened,closed,owner,response_id,root_cause,resolution
",
    );
    let mut n = 0;
    for line in answers.lines().skip(1) {
        let mut cells = line.split(',');
        let (Some(id), Some(day)) = (cells.next(), cells.next()) else {
            continue;
        };
        let nps: u8 = match cells.nth(3).map(str::parse) {
            Some(Ok(nps)) => nps,
            _ => continue,
        };
        if nps > 6 || !rng.chance(0.75) {
            continue;
        }
        let Ok(answered) = day.parse::<Date>() else {
            continue;
        };
        let opened_day = answered + (rng.below(3) as i64).days();
        if opened_day > LAST {
            continue;
        }
        n += 1;
        let opened = opened_day.at(8 + rng.below(10) as i8, rng.below(60) as i8, 0, 0);
        let slow = if opened_day >= date(2026, 10, 19) {
            1.0
        } else {
            0.0
        };
        let hours = (3.4 + 0.4 * slow + 0.8 * rng.normal())
            .exp()
            .round()
            .max(1.0);
        let closed = opened + (hours as i64).hours();
        // Some teams log days only, the others times: a file mixes both,
        // but a case's two cells are written alike, so that a day alone
        // (its midnight) is never before the time it was opened.
        let days_only = rng.chance(0.3);
        // A case still open on the last day, or one left open by mistake.
        let closed = if closed.date() > LAST || rng.chance(0.02) {
            String::new()
        } else if days_only {
            closed.date().to_string()
        } else {
            closed.strftime("%Y-%m-%dT%H:%M").to_string()
        };
        let opened = if days_only {
            opened.date().to_string()
        } else {
            opened.strftime("%Y-%m-%d %H:%M").to_string()
        };
        let owner = rng.weighted(&CASE_OWNERS);
        let cause = rng.weighted(&ROOT_CAUSES);
        let resolution = if closed.is_empty() {
            ""
        } else {
            rng.choose(&RESOLUTIONS)
        };
        writeln!(
            out,
            "CX-{n:05},{opened},{closed},{owner},{id},{cause},{resolution}"
        )?;
    }
    Ok(out)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Unit-variance AR(1) noise.
#[derive(Clone, Copy)]
struct Ar1 {
    phi: f64,
    last: f64,
}

impl Ar1 {
    fn new(phi: f64) -> Self {
        Ar1 { phi, last: 0.0 }
    }

    fn next(&mut self, rng: &mut Rng) -> f64 {
        self.last = self.phi * self.last + (1.0 - self.phi * self.phi).sqrt() * rng.normal();
        self.last
    }
}

const CALLERS: [&str; 12] = [
    "Ana García",
    "Luis Martínez",
    "Carmen López",
    "Javier Sánchez",
    "María Pérez",
    "Pablo Gómez",
    "Lucía Díaz",
    "Diego Romero",
    "Sofía Navarro",
    "Andrés Torres",
    "Elena Ruiz",
    "Mateo Castro",
];
const QUEUES: [(&str, f64, f64); 3] = [
    // (queue, share of calls, mean talk seconds)
    ("Sales", 0.35, 240.0),
    ("Returns", 0.40, 330.0),
    ("Support", 0.25, 420.0),
];

/// October's voice calls as the telephony platform exports them: one row
/// per call, tab-separated, day-first timestamps, the caller's name and
/// number (personal data the recipe leaves out), and a few test calls.
/// Waits grow in the last two weeks, as the survey comments say.
fn calls(rng: &mut Rng) -> Result<String, std::fmt::Error> {
    let mut out = String::from(
        "Call ID\tStarted\tCaller\tCaller number\tQueue\tWait (s)\tTalk time\tResult\n",
    );
    let queues: Vec<(&str, f64)> = QUEUES.iter().map(|q| (q.0, q.1)).collect();
    let mut id = 40_000;
    for d in date(2026, 10, 1).series(1.day()).take_while(|d| *d <= LAST) {
        let count = if weekend(d) { 45 } else { 110 } + rng.below(21) - 10;
        let mean_wait = if d >= date(2026, 10, 19) { 48.0 } else { 22.0 };
        let mut day = Vec::new();
        for _ in 0..count {
            id += 1;
            let second = 8 * 3600 + rng.below(12 * 3600) as i64;
            let queue = rng.weighted(&queues);
            let talk_mean = QUEUES.iter().find(|q| q.0 == queue).map_or(300.0, |q| q.2);
            // Exponential waits; the longer the wait, the likelier a hang-up.
            let wait = (-(1.0 - rng.unit()).ln() * mean_wait).round();
            let result = if rng.chance(0.01) {
                "test call"
            } else if rng.chance((wait / 400.0).min(0.6)) {
                if rng.chance(0.5) {
                    "abandoned"
                } else {
                    "hung up"
                }
            } else {
                "answered"
            };
            let talk = if result == "answered" {
                let t = (talk_mean * (1.0 + 0.35 * rng.normal())).max(20.0).round() as i64;
                format!("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
            } else {
                String::new()
            };
            let caller = rng.choose(&CALLERS);
            let number = format!(
                "+34 6{:02} {:03} {:03}",
                rng.below(100),
                rng.below(1000),
                rng.below(1000)
            );
            day.push((second, id, caller, number, queue, wait, talk, result));
        }
        day.sort_by_key(|c| c.0);
        for (second, id, caller, number, queue, wait, talk, result) in day {
            let (h, m, s) = (second / 3600, second / 60 % 60, second % 60);
            writeln!(
                out,
                "C{id}\t{:02}.{:02}.{} {h:02}:{m:02}:{s:02}\t{caller}\t{number}\t{queue}\t{wait}\t{talk}\t{result}",
                d.day(),
                d.month(),
                d.year()
            )?;
        }
    }
    Ok(out)
}
