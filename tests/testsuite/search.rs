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

/// Every page the site has is in the index, in one of its two bundles,
/// chrome left out; the index and the titles file are part of the site
/// that builds the same twice (`example.rs` compares whole sites).
#[test]
fn every_page_is_indexed_from_its_main_content() {
    let plan = Plan::copy_of(Path::new(env!("CARGO_MANIFEST_DIR")));
    plan.build();
    let site = tree(&plan.path("site"));
    let pages = site
        .iter()
        .filter(|(path, _)| path.ends_with("index.html") && !path.starts_with("pagefind/"))
        .count();
    // Two bundles: the home and content pages', and the pages of figures'.
    let count = |bundle: &str| {
        let entry = plan.read(&format!("site/{bundle}pagefind-entry.json"));
        let entry: serde_json::Value = serde_json::from_str(&entry).expect("JSON");
        entry["languages"]["en"]["page_count"]
            .as_u64()
            .unwrap_or_else(|| panic!("{entry}"))
    };
    let (content, figures) = (count("pagefind/"), count("pagefind/figures/"));
    assert_eq!(content + figures, pages as u64);
    assert!(content > 1 && figures > 10, "{content} + {figures}");
    assert!(!plan.path("site/pagefind/figures/pagefind.js").exists());
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

/// What search finds a page by is what is written about it: names,
/// descriptions, steps, prose. The figures, the statistics behind a
/// verdict, the download links, the git history and the lists of other
/// pages are left out, as docs/search.md says: they repeat on many pages
/// and were most of a large plan's index.
#[test]
fn pages_are_found_by_their_words_not_by_their_figures() {
    let plan = Plan::copy_of(Path::new(env!("CARGO_MANIFEST_DIR")));
    plan.build();
    let mut texts = indexed_texts(&plan.path("site/pagefind/fragment"));
    texts.extend(indexed_texts(&plan.path("site/pagefind/figures/fragment")));
    let flow = &texts["/flows/whatsapp-faq-bot/index.html"];
    assert!(flow.contains("Did it work?"), "{flow}");
    for left_out in [
        "Segmented regression",
        "The figures",
        "Data table",
        "Download CSV",
        "History of this page's data",
    ] {
        assert!(!flow.contains(left_out), "{left_out:?} in {flow}");
    }
    // A chart's caption is words an author may have placed on a content page.
    let automation = &texts["/plan/automation/index.html"];
    assert!(
        automation.contains("Bot containment (channel: whatsapp)"),
        "{automation}"
    );
    assert!(!automation.contains("Data table"), "{automation}");
    let kpi = &texts["/kpis/sla/index.html"];
    assert!(
        kpi.contains("Share of contacts answered within five minutes"),
        "{kpi}"
    );
    assert!(!kpi.contains("2026-W43 2026-W42"), "{kpi}");
    let title = "Automate the frequent questions on WhatsApp";
    assert!(texts["/initiatives/faq-automation/index.html"].contains(title));
    let list = &texts["/initiatives/index.html"];
    assert!(list.contains("The action plan"), "{list}");
    assert!(!list.contains(title), "the list links to the page: {list}");
}

/// Each page's indexed text, by its URL, from pagefind's fragments (gzip
/// of a signature and the fragment's JSON).
fn indexed_texts(fragments: &Path) -> std::collections::BTreeMap<String, String> {
    use std::io::Read as _;
    let mut out = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(fragments).expect("fragments") {
        let file = std::fs::File::open(entry.expect("entry").path()).expect("fragment");
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut raw)
            .expect("gzip");
        let start = raw.iter().position(|&b| b == b'{').expect("JSON");
        let fragment: serde_json::Value = serde_json::from_slice(&raw[start..]).expect("JSON");
        out.insert(
            fragment["url"].as_str().expect("url").to_owned(),
            fragment["content"].as_str().expect("content").to_owned(),
        );
    }
    out
}
