//! The example plan in the repository root builds, and has every page.

use std::path::Path;

use crate::support::{Plan, tree};

fn example() -> Plan {
    Plan::copy_of(Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// The first stretch of `html` from `start` to the end of `end`.
fn slice<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {html}"));
    let to = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("{end} after {start}"));
    &html[from..from + to + end.len()]
}

#[test]
fn the_example_plan_is_valid() {
    let run = example().run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
}

#[test]
fn the_example_plan_builds_every_page_the_same_way_twice() {
    let plan = example();
    plan.build();
    let site = plan.path("site");
    let pages = [
        "index.html",
        "kpis/index.html",
        "voc/index.html",
        "audits/index.html",
        "okrs/index.html",
        "okrs/2026-h2/index.html",
        "initiatives/index.html",
        "flows/index.html",
        "sprints/index.html",
        "reviews/index.html",
        "reviews/2026-q3/index.html",
        "plan/diagnosis/index.html",
    ];
    for page in pages {
        assert!(site.join(page).is_file(), "{page} is missing");
    }
    for kind in ["audits", "flows", "sprints"] {
        for entry in std::fs::read_dir(plan.path(&format!("data/{kind}"))).unwrap() {
            let stem = entry
                .unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            assert!(
                site.join(kind).join(&stem).join("index.html").is_file(),
                "{kind}/{stem}"
            );
        }
    }
    let first = tree(&site);
    plan.build();
    assert!(
        tree(&site) == first,
        "two builds of the example plan differ"
    );
}

/// The committed CSV files are what the generator writes, so that a change to
/// the generator cannot silently drift from the data the site is built from.
#[test]
fn the_example_data_is_what_the_generator_writes() {
    // `cargo test` builds the examples beside the test binary's `deps/`.
    let exe = std::env::current_exe().expect("test binary path");
    let generator = exe
        .parent()
        .and_then(Path::parent)
        .expect("target directory")
        .join("examples")
        .join(format!("gen_example_plan{}", std::env::consts::EXE_SUFFIX));
    assert!(generator.is_file(), "{} was not built", generator.display());
    let out = tempfile::tempdir().expect("temporary directory");
    let status = std::process::Command::new(&generator)
        .arg(out.path())
        .output()
        .expect("run the generator");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in [
        "data/kpis/daily.csv",
        "data/kpis/agent_pulse.csv",
        "data/surveys/responses.csv",
        "exports/calls-2026-10.tsv",
        "data/cases/2026.csv",
    ] {
        let committed = std::fs::read(repo.join(file)).expect("committed file");
        let fresh = std::fs::read(out.path().join(file)).expect("generated file");
        assert!(
            committed == fresh,
            "{file} differs from the generator's output: run `cargo run --example gen_example_plan -- .`"
        );
    }
}

/// The example's imported KPI files are what its recipes make of the
/// committed exports (issue 17): importing them again changes nothing, so
/// a change to the importer or to a recipe cannot silently drift from the
/// data the site is built from. The callers' names and numbers in the call
/// log, and the supervisor's name in the workbook, reach neither file.
#[test]
fn the_example_imports_are_what_its_recipes_make_of_its_exports() {
    let plan = example();
    for (recipe, export, into) in [
        ("calls", "exports/calls-2026-10.tsv", "data/kpis/calls.csv"),
        (
            "backoffice",
            "exports/backoffice-2026-09-10.xlsx",
            "data/kpis/backoffice.csv",
        ),
    ] {
        let run = plan.run(&["import", recipe, export]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{into} is unchanged")),
            "{into} differs from what `cxreport import {recipe} {export}` writes: run it\n{}",
            run.stderr
        );
        let text = plan.read(into);
        for personal in ["Ana García", "+34", "Lucía Fernández", "Jorge Ruiz"] {
            assert!(!text.contains(personal), "{personal} in {into}");
        }
    }
    plan.build();
    let site = tree(&plan.path("site"));
    for (path, bytes) in &site {
        let text = String::from_utf8_lossy(bytes);
        for personal in ["Ana García", "+34 6", "Lucía Fernández", "Supervisor"] {
            assert!(!text.contains(personal), "{personal} in {path}");
        }
    }
}

/// The analytics tell the example's story: the WhatsApp bot's version 2.0
/// worked, the voice callback offer did not move abandonment, and alerts
/// fire, each explained in words on its page and present in the JSON API.
#[test]
fn the_example_shows_a_win_a_non_change_and_alerts() {
    let plan = example();
    plan.build();
    let api: serde_json::Value = serde_json::from_str(&plan.read("site/api/report.json")).unwrap();
    for key in [
        "as_of",
        "metrics",
        "comparisons",
        "nps",
        "drivers",
        "themes",
        "key_results",
        "alerts",
    ] {
        assert!(!api[key].is_null(), "report.json has no {key}");
    }
    let verdict = |kind: &str, id: &str, metric: &str| {
        api["comparisons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["subject_kind"] == kind && c["subject_id"] == id && c["metric"] == metric)
            .map(|c| c["verdict"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        verdict("flow", "whatsapp-faq-bot", "sla").as_deref(),
        Some("improved")
    );
    assert_eq!(
        verdict("experiment", "callback-offer", "abandon_rate").as_deref(),
        Some("no-clear-change")
    );
    // The knowledge-base search drifted down already before it launched:
    // the plain means call that an improvement, the step test does not.
    assert_eq!(
        verdict("experiment", "kb-search-v2", "aht").as_deref(),
        Some("no-clear-change")
    );
    let kb = api["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subject_id"] == "kb-search-v2")
        .unwrap();
    assert!(kb["p_value_welch"].as_f64().unwrap() < 0.05, "{kb}");
    assert!(kb["placebo"]["dates"].as_u64().unwrap() > 0, "{kb}");
    // Every verdict agrees with its own figures: the interval leaves out 0
    // exactly when p is below alpha, on the side the verdict says.
    let alpha = api["alpha"].as_f64().unwrap();
    for c in api["comparisons"].as_array().unwrap() {
        let (Some(p), Some(low), Some(high)) = (
            c["p_value"].as_f64(),
            c["ci_low"].as_f64(),
            c["ci_high"].as_f64(),
        ) else {
            continue;
        };
        let effect = c["effect"].as_f64().unwrap();
        assert!(low <= effect && effect <= high, "{c}");
        assert_eq!(p < alpha, low > 0.0 || high < 0.0, "{c}");
        assert_eq!(c["t"].as_f64().unwrap() > 0.0, effect > 0.0, "{c}");
        assert_eq!(p < alpha, c["verdict"] != "no-clear-change", "{c}");
    }
    // The process behaviour charts: a real improvement, and a metric whose
    // latest week is only its usual noise.
    let signal = |id: &str| {
        let metric = api["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .unwrap();
        (metric["signal"].clone(), metric["assurance"].clone())
    };
    assert_eq!(signal("sla"), ("improvement".into(), "fails".into()));
    assert_eq!(signal("contacts"), ("none".into(), serde_json::Value::Null));
    let home = plan.main_of("");
    assert!(
        home.contains("Of 6 headline KPIs judged on their complete periods,"),
        "{home}"
    );
    assert!(home.contains("5 show an improvement</strong>"), "{home}");
    assert!(home.contains("▲ improvement</span>"), "{home}");
    // What an executive reads first: the headline and a card with a signal.
    let headline = slice(&home, "<p class=\"headline\">", "</p>");
    insta::assert_snapshot!("example_headline", headline);
    let card_start = home
        .find("<article class=\"card kpi-card\">\n<h3 class=\"card-title\"><a href=\"kpis/sla/index.html\">")
        .expect("the SLA card");
    insta::assert_snapshot!(
        "example_sla_card",
        slice(&home[card_start..], "<article", "</article>")
    );
    // The trend chart draws the process limits, and its table lists them.
    let sla = plan.read("site/kpis/sla/index.html");
    let option = crate::support::chart_option(&sla, "chart-trend-sla");
    for line in ["Centre line", "Lower limit", "Upper limit"] {
        assert!(option.contains(line), "{line} in {option}");
    }

    let alerts = api["alerts"].as_array().unwrap();
    assert!(alerts.iter().any(|a| a["kind"] == "threshold"));
    assert!(alerts.iter().any(|a| a["kind"] == "theme"));

    let flow = plan.main_of("flows/whatsapp-faq-bot/");
    assert!(flow.contains("so it counts as an improvement"), "{flow}");
    assert!(
        flow.contains(
            "On this series, the same test called 0 of 4 ordinary earlier dates a change."
        ),
        "{flow}"
    );
    let sprint = plan.main_of("sprints/2026-08/");
    assert!(sprint.contains("so there is no clear change"), "{sprint}");
    let alerts_page = plan.main_of("alerts/");
    assert!(alerts_page.contains("Long waits: "), "{alerts_page}");

    // The overdue key result is critical: CI can be told to fail on it.
    let run = plan.run(&["check", "--fail-on-alert", "critical"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("critical alert: Key result"),
        "{}",
        run.stderr
    );
}
