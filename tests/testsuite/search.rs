//! The search index (docs/search.md): written with the site, in the plan's
//! language, from every page's `<main>`, and the same on every build.

use std::path::Path;

use crate::support::{Plan, tree};

/// The Spanish plan gets pagefind's Spanish stemmer, and its titles index
/// names its pages in Spanish.
#[test]
fn a_spanish_plan_is_indexed_in_spanish() {
    let plan = Plan::fixture("spanish");
    plan.build();
    let entry = plan.read("site/pagefind/pagefind-entry.json");
    let entry: serde_json::Value = serde_json::from_str(&entry).expect("JSON");
    let languages = entry["languages"].as_object().expect("languages");
    assert_eq!(
        languages.keys().collect::<Vec<_>>(),
        ["es"],
        "one index, in Spanish: {entry}"
    );
    assert_eq!(
        entry["languages"]["es"]["wasm"], "es",
        "the Spanish stemmer"
    );
    assert!(plan.path("site/pagefind/wasm.es.pagefind").is_file());
    let titles = plan.read("site/static/search-titles.js");
    assert!(
        titles.contains(r#""t":"Indicadores clave","p":"kpis/index.html""#),
        "{titles}"
    );
}

/// Every page the site has is in the index, chrome left out; the index
/// and the titles file are part of the site that builds the same twice
/// (`example.rs` compares whole sites).
#[test]
fn every_page_is_indexed_from_its_main_content() {
    let plan = Plan::copy_of(Path::new(env!("CARGO_MANIFEST_DIR")));
    plan.build();
    let site = tree(&plan.path("site"));
    let pages = site
        .iter()
        .filter(|(path, _)| path.ends_with("index.html") && !path.starts_with("pagefind/"))
        .count();
    let entry = plan.read("site/pagefind/pagefind-entry.json");
    let entry: serde_json::Value = serde_json::from_str(&entry).expect("JSON");
    assert_eq!(entry["languages"]["en"]["page_count"], pages, "{entry}");
    let home = plan.read("site/index.html");
    assert!(home.contains("<main data-pagefind-body>"), "{home}");
    assert!(home.contains(r#"<form class="site-search" role="search""#));
    assert!(home.contains(r#"<label for="site-search-input">Search</label>"#));
    let titles = plan.read("site/static/search-titles.js");
    assert_eq!(titles.matches(r#""p":"#).count(), pages, "{titles}");
    // Only what the box uses: pagefind's ready-made interfaces stay out.
    assert!(!plan.path("site/pagefind/pagefind-ui.js").exists());
    assert!(plan.path("site/pagefind/pagefind.js").is_file());
}
