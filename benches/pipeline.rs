//! The phases of a build, each on its own, in process: loading
//! ([`cxreport::load`]: reading and checking the files and the git history),
//! computing ([`cxreport::analytics::compute`]: the report's figures) and
//! rendering ([`cxreport::render`]: the figures again, then the views and
//! every file of the site in memory; nothing is written). Run on two plans:
//! the example plan of this repository (with this checkout's git history)
//! and the large benchmark plan at scale 0.05, generated once per run into
//! a temporary folder.
//!
//! `cargo bench --bench pipeline` (about a minute); criterion's own
//! options follow `--`, e.g. `cargo bench --bench pipeline -- large/load`.
//! The whole build on the large plan at full size is `benches/large`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};

// Only `generate` is used here; the rest of the example is its `main`.
#[allow(dead_code)]
#[path = "../examples/gen_large_plan.rs"]
mod gen_large_plan;

/// The large plan's size: 50,000 KPI rows and survey responses, 50 pages.
const LARGE_SCALE: f64 = 0.05;

/// Loads a plan that must be valid: a benchmark of a plan with errors
/// would measure a build that stops early.
fn load(root: &Path) -> cxreport::Plan {
    let (plan, diags) = cxreport::load(root).expect("the plan loads");
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == cxreport::diag::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{}: {errors:?}", root.display());
    plan
}

/// The three phases on the plan at `root`, as `NAME/load`, `NAME/compute`
/// and `NAME/render`.
fn phases(c: &mut Criterion, name: &str, root: &Path) {
    // Sanity, and to warm the file cache: the plan renders.
    match cxreport::render(load(root), &cxreport::Silent).expect("no I/O error") {
        (Some(site), _) => assert!(!site.files.is_empty()),
        (None, problems) => panic!("{name} does not render: {problems:?}"),
    }
    let mut group = c.benchmark_group(name);
    // A phase takes milliseconds to a second: few, flat samples keep the
    // whole run short, and criterion still reports the spread.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group.bench_function("load", |b| b.iter(|| load(root)));
    let plan = load(root);
    group.bench_function("compute", |b| {
        b.iter(|| cxreport::analytics::compute(&plan))
    });
    drop(plan);
    // `render` takes the plan by value, so each iteration gets a fresh one,
    // loaded outside the measurement. The large plan's takes a third of a
    // second: 10 samples need the longer time.
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("render", |b| {
        b.iter_batched(
            || load(root),
            |plan| cxreport::render(plan, &cxreport::Silent),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn example(c: &mut Criterion) {
    phases(c, "example", Path::new(env!("CARGO_MANIFEST_DIR")));
}

fn large(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let root = tmp.path().join("plan");
    let counts = gen_large_plan::generate(&root, LARGE_SCALE).expect("the large plan is written");
    eprintln!("large plan at scale {LARGE_SCALE}: {counts}");
    phases(c, "large", &root);
}

criterion_group!(benches, example, large);
criterion_main!(benches);
