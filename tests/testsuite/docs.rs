//! The examples in docs/data-format.md are accepted by `cxreport check`, and
//! every `cxreport` command line in README.md and docs/ uses flags its
//! command has, so the documentation cannot drift from what the loader
//! reads and the command line takes.

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

/// A command line shown in the docs: `cxreport` and what follows it up to
/// the end of the command (a shell operator, a comment, the code's end).
#[derive(Debug, PartialEq)]
struct Shown {
    /// The words after `cxreport` (flags included), as written.
    words: Vec<String>,
    /// Where it is shown: `docs/history.md:62`.
    at: String,
}

/// Every `cxreport …` command line in a Markdown text: in fenced code
/// blocks (each line, `\` continuations joined, after `#` left out) and in
/// inline code spans (which may wrap over lines). Only `cxreport` where a
/// command starts counts: at the start of the code, after a shell operator
/// (`&&`, `|`, `;`, `$(`) or after YAML's `run:`, so that `cargo install
/// cxreport --locked` is not read as cxreport's flag.
fn shown(file: &str, text: &str) -> Vec<Shown> {
    let mut codes: Vec<(usize, String)> = Vec::new();
    let mut fence: Option<String> = None;
    let mut prose: Vec<(usize, &str)> = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = line.trim_start();
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str())
                && trimmed.trim_start_matches('`').trim().is_empty()
            {
                fence = None;
                continue;
            }
            // A `\` at the end continues the command on the next line.
            let (start, mut joined) = pending.take().unwrap_or((n, String::new()));
            let code = line.split(" #").next().unwrap_or("");
            let code = if code.trim_start().starts_with('#') {
                ""
            } else {
                code
            };
            match code.trim_end().strip_suffix('\\') {
                Some(head) => {
                    joined.push_str(head);
                    joined.push(' ');
                    pending = Some((start, joined));
                }
                None => {
                    joined.push_str(code);
                    codes.push((start, joined));
                }
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let marks: String = trimmed
                .chars()
                .take_while(|c| *c == '`' || *c == '~')
                .collect();
            fence = Some(marks);
        } else {
            prose.push((n, line));
        }
    }
    // Inline code: a run of backticks up to the next run as long, across
    // the line breaks of a paragraph.
    let mut joined = String::new();
    let mut line_of = Vec::new();
    for (n, line) in &prose {
        for _ in 0..=line.len() {
            line_of.push(*n);
        }
        joined.push_str(line);
        joined.push('\n');
    }
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|b| **b == b'`').count();
        let fence = "`".repeat(run);
        let start = i + run;
        let Some(len) = joined[start..].find(&fence) else {
            i = start;
            continue;
        };
        let code = &joined[start..start + len];
        // A paragraph's end closes no span: these backticks were literal.
        if code.contains("\n\n") {
            i = start;
            continue;
        }
        codes.push((line_of[start], code.replace('\n', " ")));
        i = start + len + run;
    }
    let mut out = Vec::new();
    for (line, code) in codes {
        let words: Vec<&str> = code.split_whitespace().collect();
        let mut at_start = true;
        let mut current: Option<Vec<String>> = None;
        for word in words {
            let separator = ["&&", "||", "|", ";", ">", ">>", "2>", "<", ")", "run:", "$"]
                .contains(&word)
                || word.starts_with('#');
            if separator {
                if let Some(w) = current.take() {
                    out.push(Shown {
                        words: w,
                        at: format!("{file}:{line}"),
                    });
                }
                at_start = true;
                continue;
            }
            // `x=$(cxreport …)`: a command starts inside the word.
            let substituted = word.rsplit_once("$(").map(|(_, after)| after);
            if substituted.is_some() {
                at_start = true;
            }
            let bare = substituted.unwrap_or(word).trim_start_matches('(');
            let ends = word.ends_with(';') || word.ends_with(')');
            let bare = bare.trim_end_matches([';', ')']);
            if let Some(w) = current.as_mut() {
                w.push(bare.to_owned());
            } else if at_start && (bare == "cxreport" || bare.ends_with("/cxreport")) {
                current = Some(Vec::new());
            }
            at_start = false;
            if ends {
                if let Some(w) = current.take() {
                    out.push(Shown {
                        words: w,
                        at: format!("{file}:{line}"),
                    });
                }
                at_start = true;
            }
        }
        if let Some(w) = current.take() {
            out.push(Shown {
                words: w,
                at: format!("{file}:{line}"),
            });
        }
    }
    out
}

/// A command's `--help`: its long flags and its subcommands.
struct Help {
    flags: Vec<String>,
    commands: Vec<String>,
}

fn help(path: &[String]) -> Help {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let run = crate::support::run_in(Path::new(env!("CARGO_MANIFEST_DIR")), &args);
    assert_eq!(run.code, 0, "cxreport {args:?}: {}", run.stderr);
    let mut flags = Vec::new();
    let mut commands = Vec::new();
    let mut in_commands = false;
    for line in run.stdout.lines() {
        if line.ends_with(':') && !line.starts_with(' ') {
            in_commands = line == "Commands:";
            continue;
        }
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if in_commands && indent == 2 {
            if let Some(name) = trimmed.split_whitespace().next() {
                commands.push(name.to_owned());
            }
        } else if trimmed.starts_with('-') {
            // The option's own part, before the description.
            let own = trimmed.split("  ").next().unwrap_or("");
            for word in own.split([' ', ',']) {
                if let Some(name) = word.strip_prefix("--") {
                    flags.push(format!("--{name}"));
                }
            }
        }
    }
    Help { flags, commands }
}

/// What is wrong with a shown command line: a command or a flag its
/// `--help` does not have. `helps` caches each command's help.
fn mistakes(
    shown: &Shown,
    helps: &mut std::collections::HashMap<Vec<String>, Help>,
) -> Vec<String> {
    let mut path: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut positional = false;
    for word in &shown.words {
        let help = helps.entry(path.clone()).or_insert_with(|| help(&path));
        if let Some(flag) = word.strip_prefix("--") {
            let name = format!("--{}", flag.split('=').next().unwrap_or(""));
            if name != "--" && !help.flags.contains(&name) {
                let command = std::iter::once("cxreport").chain(path.iter().map(String::as_str));
                out.push(format!(
                    "{}: `{}` has no {name}",
                    shown.at,
                    command.collect::<Vec<_>>().join(" ")
                ));
            }
            continue;
        }
        if positional || help.commands.is_empty() {
            positional = true;
            continue;
        }
        let looks_like_a_command =
            !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c == '-');
        if help.commands.contains(word) {
            path.push(word.clone());
        } else if looks_like_a_command && path.is_empty() {
            // Its flags cannot be checked against anything.
            out.push(format!("{}: cxreport has no command {word}", shown.at));
            break;
        } else {
            positional = true;
        }
    }
    out
}

#[test]
fn the_shown_command_lines_are_read_as_a_shell_reads_them() {
    let text = "Run `cxreport serve --drafts` or\n`cxreport notify --previous\n  old.json`.\n\
        `cargo install cxreport --locked`\n\n\
        ```sh\ncxreport init plan && cd plan && cxreport build --out \\\n  public   # cxreport check --nope\n\
        x=$(cxreport check --format json); cxreport new sprint --date 2026-04-01\n```\n\
        ```yaml\n- run: cxreport diff \"origin/$BASE\" HEAD > diff.md\n```\n";
    let words: Vec<(Vec<String>, String)> = shown("t.md", text)
        .into_iter()
        .map(|s| (s.words, s.at))
        .collect();
    let w = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        words,
        [
            (w("init plan"), "t.md:7".to_owned()),
            (w("build --out public"), "t.md:7".to_owned()),
            (w("check --format json"), "t.md:9".to_owned()),
            (w("new sprint --date 2026-04-01"), "t.md:9".to_owned()),
            (w("diff \"origin/$BASE\" HEAD"), "t.md:12".to_owned()),
            (w("serve --drafts"), "t.md:1".to_owned()),
            (w("notify --previous old.json"), "t.md:2".to_owned()),
        ]
    );
    let mut helps = Default::default();
    let found: Vec<String> = shown("t.md", text)
        .iter()
        .flat_map(|s| mistakes(s, &mut helps))
        .collect();
    assert_eq!(found, ["t.md:1: `cxreport serve` has no --drafts"]);
}

/// Issue 19: the docs promised `serve --drafts`, which never existed.
/// Every `--flag` shown after `cxreport <command>` in README.md and
/// docs/*.md is one that command's `--help` lists.
#[test]
fn every_flag_the_docs_show_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut helps = Default::default();
    let mut lines = 0;
    let mut flags = 0;
    let mut found = Vec::new();
    for path in files {
        let name = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        for s in shown(&name, &text) {
            lines += 1;
            flags += s.words.iter().filter(|w| w.starts_with("--")).count();
            found.extend(mistakes(&s, &mut helps));
        }
    }
    // The reader itself keeps working: the docs show many command lines.
    assert!(
        lines >= 60 && flags >= 40,
        "{lines} command lines, {flags} flags"
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The shipped workflow (which `init` writes) downloads the release of this
/// very version, and compiles nothing: a release tag then ships a workflow
/// that installs itself (issue 19).
#[test]
fn the_shipped_workflow_installs_this_release() {
    let workflow = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/cxreport.yml"),
    )
    .unwrap();
    let pinned = format!("  CXREPORT_VERSION: \"{}\"\n", env!("CARGO_PKG_VERSION"));
    assert!(workflow.contains(&pinned), "no {pinned:?}");
    assert!(!workflow.contains("cargo "), "the workflow compiles");
    assert!(
        !workflow.contains("rust-toolchain"),
        "the workflow compiles"
    );
    assert_eq!(workflow.matches("sha256sum --check --strict").count(), 4);
}
