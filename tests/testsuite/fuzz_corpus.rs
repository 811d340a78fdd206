//! Replays every committed fuzz corpus file (`tests/fuzz/corpus/<target>/`)
//! through the fuzzer's own loading path (`tests/fuzz/harness.rs`: the plan
//! loaded from memory, rendered in memory when valid): none may panic or make
//! the library fail. Files named `bad-*` or `crash-*` (inputs the fuzzer
//! found, kept as regressions) only have to not panic; every other corpus
//! file is a valid plan file, so that fuzzing starts from plans that render.
//! The fuzzer itself is `scripts/fuzz` (see `examples/fuzz.rs`).

#[path = "../fuzz/harness.rs"]
mod harness;

#[test]
fn every_corpus_file_loads_without_panicking() {
    let seed = harness::seed_plan().unwrap();
    let mut ran = 0;
    let mut problems = Vec::new();
    for target in harness::TARGETS {
        let corpus = harness::corpus(target).unwrap();
        assert!(!corpus.is_empty(), "no corpus for {}", target.name);
        for (name, bytes) in corpus {
            let files = harness::plan_with(&seed, target, &bytes);
            let outcome = std::panic::catch_unwind(|| harness::run(files)).unwrap_or_else(|p| {
                panic!(
                    "tests/fuzz/corpus/{}/{name} panicked: {}",
                    target.name,
                    harness::panic_message(p.as_ref())
                )
            });
            let file = format!("tests/fuzz/corpus/{}/{name}", target.name);
            if let Some(failure) = outcome.failure {
                problems.push(format!("{file}: the library failed: {failure}"));
            }
            let regression = name.starts_with("bad-") || name.starts_with("crash-");
            if !regression && !outcome.rendered {
                problems.push(format!(
                    "{file} should be a valid plan file that renders: {:?}",
                    outcome.messages
                ));
            }
            ran += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(ran >= 2 * harness::TARGETS.len(), "only {ran} corpus files");
}
