//! The CSV parse floor of a plan, for `benches/large`: every CSV file below
//! `PLAN/data`, read with the `csv` crate into reused byte records on as many
//! threads as there are cores, fields split and nothing else done. A build
//! must at least do this much, so its time is the floor a build's is
//! measured against.
//!
//!     cargo run --release --example csv_floor -- PLAN

use std::sync::atomic::{AtomicUsize, Ordering};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let plan = std::env::args().nth(1).ok_or("usage: csv_floor PLAN")?;
    let mut files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(format!("{plan}/data"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "csv"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let started = std::time::Instant::now();
    let counts: Vec<(u64, u64)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let (mut records, mut fields) = (0u64, 0u64);
                    let mut record = csv::ByteRecord::new();
                    while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let Ok(mut reader) =
                            csv::ReaderBuilder::new().flexible(true).from_path(path)
                        else {
                            continue;
                        };
                        while reader.read_byte_record(&mut record).unwrap_or(false) {
                            records += 1;
                            fields += record.len() as u64;
                        }
                    }
                    (records, fields)
                })
            })
            .collect();
        workers.into_iter().filter_map(|w| w.join().ok()).collect()
    });
    let (records, fields) = counts
        .iter()
        .fold((0, 0), |(r, f), (r2, f2)| (r + r2, f + f2));
    println!(
        "files={} records={records} fields={fields} seconds={:.3}",
        files.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
