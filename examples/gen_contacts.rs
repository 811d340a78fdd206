//! A contact-centre log as a platform exports it, for `cxreport import`'s
//! tests, its benchmark (`benches/import`) and the example plan: one row
//! per call or chat, seeded, so the same arguments always give the same
//! bytes. It has personal-looking columns (a customer's name and phone
//! number) that an import must never let through.
//!
//!     cargo run --release --example gen_contacts -- CONTACTS DAYS SEED [OUT]
//!
//! Rows are in time order, `started_at` in UTC with a `Z` (so the day a
//! contact counts for depends on the recipe's `timezone`); `wait_s` is
//! whole seconds, `handle` is `h:mm:ss`; `result` is `answered`,
//! `abandoned`, `hung up` (another word for abandoned) or `test call`, in
//! varying case as platforms write them. Written to OUT, or stdout.

#[path = "support/rng.rs"]
mod rng;

use std::io::Write as _;

const QUEUES: [(&str, f64); 3] = [("sales", 0.5), ("support", 0.35), ("billing", 0.15)];
const FIRST: [&str; 8] = [
    "Ana", "Luis", "Marta", "Jorge", "Lucía", "Pablo", "Sofía", "Diego",
];
const LAST: [&str; 6] = ["García", "Pérez", "López", "Sánchez", "Romero", "Navarro"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_contacts CONTACTS DAYS SEED [OUT]";
    let contacts: u64 = args.first().ok_or(usage)?.parse()?;
    let days: u64 = args.get(1).ok_or(usage)?.parse::<u64>()?.max(1);
    let seed: u64 = args.get(2).ok_or(usage)?.parse()?;
    let out: Box<dyn std::io::Write> = match args.get(3) {
        Some(path) => Box::new(std::fs::File::create(path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
    writeln!(
        out,
        "contact_id,started_at,queue,customer_name,phone,wait_s,handle,result"
    )?;
    let mut rng = rng::Rng::new(seed);
    // 2026-10-01T00:00:00Z.
    let start: i64 = 1_790_812_800;
    let mut id = 0u64;
    let per_day = contacts / days;
    let mut times = Vec::new();
    for day in 0..days {
        let n = if day + 1 == days {
            contacts - per_day * (days - 1)
        } else {
            per_day
        };
        // Each day's contacts in time order, most of them in office hours.
        times.clear();
        for _ in 0..n {
            let hour = if rng.chance(0.9) {
                7.0 + rng.unit() * 13.0
            } else {
                rng.unit() * 24.0
            };
            times.push((hour * 3600.0) as i64);
        }
        times.sort_unstable();
        for &t in &times {
            id += 1;
            let queue = rng.weighted(&QUEUES);
            let busy = match queue {
                "sales" => 18.0,
                "support" => 35.0,
                _ => 60.0,
            };
            let wait = (-busy * (1.0 - rng.unit()).ln()).round() as u64;
            let roll = rng.unit();
            let result = if roll < 0.005 {
                "test call"
            } else if roll < 0.08 {
                if rng.one_in(3) {
                    "hung up"
                } else {
                    "abandoned"
                }
            } else if rng.one_in(20) {
                "Answered"
            } else {
                "answered"
            };
            let handle = if result.eq_ignore_ascii_case("answered") {
                (60.0 + 240.0 * rng.unit() + 120.0 * rng.normal().abs()) as u64
            } else {
                0
            };
            let at = jiff::Timestamp::from_second(start + day as i64 * 86_400 + t)?;
            let name = format!("{} {}", rng.choose(&FIRST), rng.choose(&LAST));
            let phone = format!(
                "+34 6{:02} {:03} {:03}",
                rng.below(100),
                rng.below(1000),
                rng.below(1000)
            );
            writeln!(
                out,
                "C{id:08},{},{queue},{name},{phone},{wait},{}:{:02}:{:02},{result}",
                at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                handle / 3600,
                handle / 60 % 60,
                handle % 60
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
