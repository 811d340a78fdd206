//! The crate's layers (../shared/ARCHITECTURE.md, and the module map in
//! README.md): a module imports from layers below it. Read from the source
//! text, so that a new upward import or a site path formatted outside the
//! `url` module fails here, with the place to look.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// Each top-level module's layer, top (7) to bottom (0).
const LAYERS: &[(&str, u8)] = &[
    ("main", 7),
    ("cli", 7),
    ("lib", 6),
    ("serve", 6),
    ("diff", 6),
    ("init", 6),
    ("import", 6),
    ("new", 6),
    ("notify", 6),
    ("digest", 6),
    ("pdf", 6),
    ("pull", 6),
    ("sql", 6),
    ("site", 5),
    ("mail", 5),
    ("downloads", 5),
    ("cache", 5),
    ("api", 5),
    ("render", 5),
    ("search", 5),
    ("terminal", 5),
    ("pages", 4),
    ("charts", 4),
    ("components", 4),
    ("i18n", 4),
    ("url", 4),
    ("analytics", 3),
    ("plan", 2),
    ("git", 2),
    ("changes", 2),
    ("timeline", 2),
    ("config", 1),
    ("data", 1),
    ("content", 1),
    ("assets", 1),
    ("published", 1),
    ("diag", 0),
    ("parallel", 0),
    ("progress", 0),
];

/// Upward imports the layering still allows, at most.
const MOST_UPWARD: usize = 6;

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// Every `.rs` file below `dir`, with its module path (`pages/home`).
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
            let rel = path.strip_prefix(&src).unwrap().with_extension("");
            let text = fs::read_to_string(&path).unwrap();
            // Unit tests may reach anywhere.
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_owned();
            out.push((rel.to_string_lossy().replace('\\', "/"), code));
        }
    }
}

/// The modules a file names as `crate::module`, or in `use crate::{…}`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(0)];
            out.extend(
                group
                    .split(',')
                    .map(|p| p.trim().split("::").next().unwrap_or("").to_owned()),
            );
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::Plan`, `crate::Silent`: items the crate root re-exports.
            let module = match name.as_str() {
                "Plan" | "load" | "load_at" | "load_files" => "plan".to_owned(),
                "Progress" | "Silent" | "Phase" => "progress".to_owned(),
                _ if layer(&name).is_some() => name,
                // Anything else the crate root holds: `crate::build(…)`.
                _ => "lib".to_owned(),
            };
            out.insert(module);
        }
    }
    out
}

fn all_sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files.sort();
    files
}

#[test]
fn modules_import_downwards() {
    let mut upward = Vec::new();
    for (module, code) in all_sources() {
        let top = module.split('/').next().unwrap();
        let Some(from) = layer(top) else {
            panic!("src/{module}.rs: add its top module `{top}` to LAYERS");
        };
        for target in imports(&code) {
            if let Some(to) = layer(&target)
                && target != top
                && to > from
            {
                upward.push(format!("{module} -> {target}"));
            }
        }
    }
    assert!(
        upward.len() <= MOST_UPWARD,
        "{} upward imports, at most {MOST_UPWARD}:\n{}",
        upward.len(),
        upward.join("\n")
    );
}

#[test]
fn site_paths_are_formatted_by_the_url_module_only() {
    let lists = [
        "kpis/",
        "voc/",
        "alerts/",
        "audits/",
        "okrs/",
        "initiatives/",
        "flows/",
        "sprints/",
        "reviews/",
        "changes/",
    ];
    let mut found = Vec::new();
    for (module, code) in all_sources() {
        if module == "url" {
            continue;
        }
        for list in lists {
            for quote in ['"', '('] {
                let needle = format!("{quote}{list}");
                if code.contains(&needle) {
                    found.push(format!("src/{module}.rs: {needle}"));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "site paths outside src/url.rs:\n{}",
        found.join("\n")
    );
}
