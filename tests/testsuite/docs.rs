//! The examples in docs/data-format.md are accepted by `cxreport check`, so
//! the documentation cannot drift from what the loader reads.

use std::path::Path;

use crate::support::Plan;

/// Each ```toml block of the data-format guide, with the plan file it shows:
/// the section heading when that names one file, else the caption line
/// (`` `data/okrs/2026-h2.toml`: ``) above the block.
fn examples() -> Vec<(String, String)> {
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/data-format.md"))
            .unwrap();
    let mut out = Vec::new();
    let mut file: Option<String> = None;
    let mut block: Option<String> = None;
    for line in guide.lines() {
        if let Some(text) = block.as_mut() {
            if line == "```" {
                if let Some(path) = &file {
                    out.push((path.clone(), block.take().unwrap()));
                }
                block = None;
            } else {
                text.push_str(line);
                text.push('\n');
            }
        } else if line == "```toml" {
            block = Some(String::new());
        } else if let Some(heading) = line.strip_prefix("## ") {
            file =
                (heading.ends_with(".toml") && !heading.contains('*')).then(|| heading.to_owned());
        } else if let Some(caption) = line.strip_prefix('`').and_then(|l| l.strip_suffix("`:"))
            && caption.ends_with(".toml")
        {
            file = Some(caption.to_owned());
        }
    }
    out
}

#[test]
fn every_toml_example_in_the_data_format_guide_is_valid() {
    let examples = examples();
    let files: Vec<&str> = examples.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        files,
        [
            "cxreport.toml",
            "cxreport.toml",
            "data/metrics.toml",
            "data/themes.toml",
            "data/audits/2026-q3.toml",
            "data/okrs/2026-h2.toml",
            "data/flows/whatsapp-faq-bot.toml",
            "data/flows/voice-ivr.toml",
            "data/sprints/2026-08.toml",
            "data/initiatives.toml",
        ]
    );
    for (file, toml) in examples {
        // Each example replaces its file in the example plan; the metric
        // catalogue keeps the example plan's other metrics that the rest of
        // the plan refers to.
        let plan = Plan::copy_of(Path::new(env!("CARGO_MANIFEST_DIR")));
        let mut text = toml.clone();
        if file == "data/metrics.toml" {
            let catalogue = plan.read(&file);
            for entry in catalogue.split("[[metric]]").skip(1) {
                let id = entry.lines().find_map(|l| l.strip_prefix("id = ")).unwrap();
                if !toml.contains(&format!("id = {id}")) {
                    text.push_str("\n[[metric]]");
                    text.push_str(entry);
                }
            }
        }
        // Settings keep the example plan's own dialect of the one file
        // its spreadsheet saves in Spanish.
        let pulse = "[csv.\"data/kpis/agent_pulse.csv\"]";
        if file == "cxreport.toml" && !toml.contains(pulse) {
            text.push_str(&format!("\n{pulse}\ndate_format = \"%d/%m/%Y\"\n"));
        }
        plan.write(&file, &text);
        let run = plan.run(&["check"]);
        assert_eq!(run.code, 0, "the example of {file}:\n{}", run.stderr);
        assert!(!run.stderr.contains("warning"), "{file}: {}", run.stderr);
    }
}

/// Every ```markdown example of docs/components.md, placed in a page of the
/// example plan, builds; and every component has its section.
#[test]
fn every_component_example_builds() {
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/components.md"))
            .unwrap();
    let mut page = String::from("+++\ntitle = \"Components\"\n+++\n");
    let mut in_block = false;
    let mut blocks = 0;
    for line in guide.lines() {
        match (in_block, line) {
            (false, "```markdown") => (in_block, blocks) = (true, blocks + 1),
            (true, "```") => {
                in_block = false;
                page.push('\n');
            }
            (true, text) => {
                page.push_str(text);
                page.push('\n');
            }
            _ => {}
        }
    }
    for name in cxreport::components::NAMES {
        assert!(
            guide.contains(&format!("## `{name}(")),
            "{name} is not documented"
        );
    }
    assert!(blocks >= 8, "{blocks}");
    let plan = Plan::copy_of(Path::new(env!("CARGO_MANIFEST_DIR")));
    plan.write("content/components.md", &page);
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    plan.build();
    let html = plan.read("site/components/index.html");
    assert!(
        html.matches(r#"class="chart-canvas""#).count() >= 6,
        "charts placed"
    );
    assert!(!html.contains('\u{E000}'), "every placeholder replaced");
}
