//! No input makes cxreport panic: every file of the minimal plan is mangled in
//! many deterministic ways and the plan is loaded and, when valid, built.
//! (Longer fuzzing, guided by the problems each input finds, is `scripts/fuzz`.)

use std::fs;

use crate::support::{Plan, fixtures, tree};

// A seeded generator, so that a failure can be replayed.
#[path = "../../examples/support/rng.rs"]
mod rng;

use rng::Rng;

const NASTY: &[&str] = &[
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "{",
    "}",
    "=",
    ",",
    "\n",
    "\r\n",
    "#",
    "+++",
    "nan",
    "-inf",
    "1e999",
    "-0",
    "0x1F",
    "2026-02-30",
    "2026-13-01T25:61:00",
    "9999-12-31",
    "ñ",
    "\u{feff}",
    "\u{0}",
    "<script>",
    "../",
    "metric",
    "value",
    "weight",
    "date",
    "attr_",
    "id = \"x\"",
    "\"\"\"",
    "a.b.c = 1",
    "[[metric.alert]]",
    "[[objective.key_result]]",
];

fn mangle(text: &str, rng: &mut Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..=rng.index(3) {
        let at = rng.index(bytes.len() + 1);
        match rng.index(4) {
            0 => {
                let end = (at + rng.index(16)).min(bytes.len());
                bytes.drain(at..end);
            }
            1 => {
                let piece = NASTY[rng.index(NASTY.len())];
                bytes.splice(at..at, piece.bytes());
            }
            2 => bytes.truncate(at),
            _ => {
                let end = (at + rng.index(40)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
        }
    }
    // Not always UTF-8, on purpose.
    String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned() + "\u{fffd}")
}

#[test]
fn mangled_files_never_panic() {
    let source = fixtures().join("minimal");
    let files: Vec<String> = walkdir::WalkDir::new(&source)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&source)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(files.len() > 10);
    let plan = Plan::fixture("minimal");
    let mut rng = Rng::new(0x5EED);
    let mut builds = 0;
    for file in &files {
        let original = fs::read_to_string(source.join(file)).unwrap();
        for round in 0..120 {
            let text = mangle(&original, &mut rng);
            plan.write(file, &text);
            let result = std::panic::catch_unwind(|| cxreport::load(&plan.root));
            let Ok(Ok((_, diags))) = result else {
                panic!("loading panicked or failed on {file} (round {round}):\n{text}");
            };
            // Now and then, also build the plans that are still valid.
            if round % 10 == 0
                && !diags
                    .iter()
                    .any(|d| d.severity == cxreport::diag::Severity::Error)
            {
                let out = plan.root.join("out");
                let built = std::panic::catch_unwind(|| {
                    cxreport::build(&plan.root, Some(&out), None, &cxreport::Silent)
                });
                assert!(
                    built.is_ok(),
                    "building panicked on {file} (round {round}):\n{text}"
                );
                builds += 1;
            }
        }
        plan.write(file, &original);
    }
    assert!(builds > 0);
}

/// A build killed at any moment leaves the previous site complete (or the
/// new one, once it is in place), never a part of either.
#[cfg(unix)]
#[test]
fn a_killed_build_leaves_a_whole_site() {
    use std::process::Command;
    let plan = Plan::copy_of(env!("CARGO_MANIFEST_DIR").as_ref());
    let page = "content/about.md";
    let original = plan.read(page);
    let versions = [
        original.clone(),
        original.replace("plain files", "plain text files"),
    ];
    assert_ne!(versions[0], versions[1]);
    // The two sites a build may leave, built whole.
    let mut whole = Vec::new();
    for (i, text) in versions.iter().enumerate() {
        plan.write(page, text);
        let out = format!("whole-{i}");
        assert_eq!(plan.run(&["build", "--out", &out]).code, 0);
        whole.push(crate::support::tree(&plan.path(&out)));
    }
    plan.write(page, &versions[0]);
    plan.build();
    let mut rng = Rng::new(7);
    for round in 1..=24 {
        plan.write(page, &versions[round % 2]);
        let mut child = Command::new(env!("CARGO_BIN_EXE_cxreport"))
            .arg("build")
            .current_dir(&plan.root)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("build starts");
        std::thread::sleep(std::time::Duration::from_millis(rng.below(400)));
        let _ = child.kill();
        let _ = child.wait();
        let site = crate::support::tree(&plan.path("site"));
        assert!(
            whole.contains(&site),
            "round {round}: site/ is neither whole site ({} files)",
            site.len()
        );
    }
    // The next build clears what killed builds left beside the site (the
    // lock stays: see site::lock).
    plan.build();
    let mut left: Vec<String> = fs::read_dir(&plan.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site") && n != ".site.lock")
        .collect();
    left.sort();
    assert!(left.is_empty(), "{left:?}");
}

/// Found by `scripts/fuzz`: a failing component call longer than 65,535
/// bytes made the blanking of failed calls panic.
#[test]
fn a_huge_failing_component_call_is_an_error() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "content/huge.md",
        &format!("{{{{ kpi_card(\"{}\") }}}}\n", "x".repeat(70_000)),
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("content/huge.md:1:"),
        "{}",
        run.stderr
    );
}

/// Found by `scripts/fuzz`: half a million nested minus signs in one
/// expression overflowed the template parser's stack (the process aborted).
#[test]
fn an_expression_too_deep_to_parse_is_an_error() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "content/deep.md",
        &format!("Intro.\n\n{{{{ 1 {}1 }}}}\n", "- ".repeat(500_000)),
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "content/deep.md:3:1: error: this tag is longer than 2048 characters, or not closed: a component call is a short line such as {{ kpi_card(\"sla\") }}\n1 error, 0 warnings\n"
    );
}

/// Found by `scripts/fuzz`: a number filter asked for 70,000 digits panicked.
#[test]
fn a_number_with_absurd_digits_renders() {
    let plan = Plan::fixture("minimal");
    plan.write("content/digits.md", "{{ 1.5|num(digits=70000) }}\n");
    plan.build();
    assert!(plan.main_of("digits/").contains("1.50000000000000000"));
}

/// Issue 14: two valid values of 1e308 summed to infinity, and the pages
/// showed `inf` and `NaN%`. Such values are refused at their rows; and a
/// plan at the bound builds without one non-finite figure anywhere.
#[test]
fn no_sum_overflows_and_no_page_shows_inf_or_nan() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "data/kpis/huge.csv",
        "date,metric,value\n2026-03-02,contacts,1e308\n2026-03-02,contacts,1e308\n",
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "data/kpis/huge.csv:2:3: error: column 'value': \"1e308\" is out of range (a plan's numbers lie between -1e15 and 1e15)\n\
         data/kpis/huge.csv:3:3: error: column 'value': \"1e308\" is out of range (a plan's numbers lie between -1e15 and 1e15)\n\
         2 errors, 0 warnings\n"
    );

    // As large as a plan's numbers go, in every metric, with the largest weights.
    let mut rows = String::from("date,metric,value,weight\n");
    for day in 1..=20 {
        for metric in ["sla", "aht", "contacts"] {
            let sign = if day % 3 == 0 { "-" } else { "" };
            rows.push_str(&format!("2026-03-{day:02},{metric},{sign}1e15,1e15\n"));
        }
    }
    plan.write("data/kpis/huge.csv", &rows);
    plan.build();
    for (path, bytes) in tree(&plan.path("site")) {
        let text = String::from_utf8_lossy(&bytes);
        let words: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| matches!(w.to_ascii_lowercase().as_str(), "inf" | "infinity" | "nan"))
            .collect();
        assert!(words.is_empty(), "{path}: {words:?}");
    }
}
