//! What the pages say: the `<main>` part of the minimal fixture's pages,
//! compared with reviewed snapshots (`cargo insta review` to update them).

use crate::support::Plan;

fn built() -> Plan {
    let plan = Plan::fixture("minimal");
    plan.build();
    plan
}

#[test]
fn every_page_is_written() {
    let plan = built();
    for page in [
        "",
        "kpis/",
        "kpis/sla/",
        "kpis/aht/",
        "kpis/contacts/",
        "voc/",
        "audits/",
        "audits/2026-q1/",
        "audits/2026-q2/",
        "okrs/",
        "okrs/2026-h1/",
        "initiatives/",
        "flows/",
        "flows/chat-bot/",
        "sprints/",
        "sprints/2026-02/",
        "reviews/",
        "reviews/2026-q1/",
        "plan/diagnosis/",
    ] {
        let html = plan.read(&format!("site/{page}index.html"));
        assert!(html.starts_with("<!DOCTYPE html>"), "{page}");
        assert!(
            html.contains("<nav class=\"site-nav\""),
            "{page}: navigation on every page"
        );
    }
    assert!(plan.path("site/static/style.css").is_file());
}

#[test]
fn home() {
    insta::assert_snapshot!(built().main_of(""));
}

#[test]
fn kpi() {
    insta::assert_snapshot!(built().main_of("kpis/sla/"));
}

#[test]
fn audit() {
    insta::assert_snapshot!(built().main_of("audits/2026-q2/"));
}

#[test]
fn okr() {
    insta::assert_snapshot!(built().main_of("okrs/2026-h1/"));
}

#[test]
fn voc() {
    insta::assert_snapshot!(built().main_of("voc/"));
}

#[test]
fn initiatives() {
    insta::assert_snapshot!(built().main_of("initiatives/"));
}

#[test]
fn flow() {
    insta::assert_snapshot!(built().main_of("flows/chat-bot/"));
}

#[test]
fn review() {
    insta::assert_snapshot!(built().main_of("reviews/2026-q1/"));
}

#[test]
fn content_is_text_unless_it_is_markdown() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "data/initiatives.toml",
        "[[initiative]]\nid = \"x\"\ntitle = \"</script><img src=x onerror=alert(1)> \\\"q\\\"\"\nowner = \"<b>me</b>\"\n\
         due = 2026-06-30\nstatus = \"todo\"\nimpact = \"low\"\neffort = \"low\"\n",
    );
    plan.build();
    let main = plan.main_of("initiatives/");
    assert!(!main.contains("<img"), "{main}");
    assert!(!main.contains("<b>"), "{main}");
    assert!(
        main.contains("&lt;&#x2f;script&gt;&lt;img src=x onerror=alert(1)&gt; &quot;q&quot;"),
        "{main}"
    );
    let page = plan.main_of("plan/diagnosis/");
    assert!(page.contains("&lt;script&gt;"), "{page}");
}

#[test]
fn a_plan_template_overrides_the_built_in_one() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "templates/voc.html",
        "{% extends \"base.html\" %}{% block main %}Our own VoC page{% endblock %}\n",
    );
    plan.build();
    assert_eq!(plan.main_of("voc/"), "<main>\nOur own VoC page</main>");
}

#[test]
fn drafts_are_not_published() {
    let plan = Plan::fixture("minimal");
    plan.write("content/secret.md", "+++\ndraft = true\n+++\nNot yet.\n");
    plan.build();
    assert!(!plan.path("site/secret/index.html").exists());
    assert!(!plan.read("site/index.html").contains("secret/"));
}

#[test]
fn folders_are_sections_and_the_navigation_names_only_the_top_level() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "content/teams/voice/callbacks.md",
        "+++\ntitle = \"Callbacks\"\ndescription = \"When we call back.\"\n+++\nText.\n",
    );
    plan.write(
        "content/teams/index.md",
        "+++\ntitle = \"Our teams\"\nweight = -1\n+++\nWho does what.\n",
    );
    plan.build();
    let home = plan.read("site/index.html");
    let nav = &home[home.find("<nav class=\"site-nav\"").expect("nav")..];
    let nav = &nav[..nav.find("</nav>").expect("end of nav")];
    assert!(nav.contains("\"teams/index.html\">Our teams</a>"), "{nav}");
    assert!(nav.contains("\"plan/index.html\">Plan</a>"), "{nav}");
    assert!(
        !nav.contains("callbacks") && !nav.contains("diagnosis"),
        "{nav}"
    );
    // `teams/` has its own text, then its list; `teams/voice/` gets a page made.
    let teams = plan.main_of("teams/");
    assert!(teams.contains("Who does what."), "{teams}");
    assert!(
        teams.contains("\"../teams/voice/index.html\">Voice</a>"),
        "{teams}"
    );
    let voice = plan.main_of("teams/voice/");
    assert!(voice.contains("<h1>Voice</h1>"), "{voice}");
    assert!(
        voice.contains(
            "\"../../teams/voice/callbacks/index.html\">Callbacks</a> <span class=\"meta\">— When we call back.</span>"
        ),
        "{voice}"
    );
}

#[test]
fn kpi_trend_chart_option() {
    let html = built().read("site/kpis/sla/index.html");
    insta::assert_snapshot!(crate::support::chart_option(&html, "chart-trend-sla"));
}

#[test]
fn components_are_placed_between_paragraphs() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "content/plan/live.md",
        "+++\ntitle = \"Live\"\n+++\nIntro with {{ \"{{\" }} braces.\n\n\
         {{ kpi_card(\"sla\", channel=\"voice\") }}\n\n\
         {{ trend_chart(\"aht\") }}\n\n{{ trend_chart(\"aht\") }}\n\n{{ okr_table(\"2026-h1\") }}\n\n\
         <b>raw</b> stays text.\n",
    );
    plan.build();
    let main = plan.main_of("plan/live/");
    assert!(main.contains("<p>Intro with {{ braces.</p>"), "{main}");
    assert!(main.contains("Response SLA (channel: voice)"), "{main}");
    assert!(main.contains(r#"data-option="chart-trend-aht""#), "{main}");
    // The same chart twice gets a second id: ids are unique on a page.
    assert!(
        main.contains(r#"data-option="chart-trend-aht-2""#),
        "{main}"
    );
    assert!(
        main.contains(r#"<script type="application/json" id="chart-trend-aht-2">"#),
        "{main}"
    );
    assert!(main.contains("SLA to 90%"), "the OKR table: {main}");
    assert!(
        main.contains("&lt;b&gt;raw&lt;/b&gt; stays text."),
        "{main}"
    );
    // A block never sits inside a paragraph, and no placeholder is left.
    for block in ["<div", "<figure", "<table"] {
        assert!(
            !main.contains(&format!("<p>{block}")),
            "{block} in a <p>: {main}"
        );
    }
    assert!(!main.contains('\u{E000}'), "{main}");
}

#[test]
fn echarts_from_a_local_file_is_copied_into_the_site() {
    let plan = Plan::fixture("minimal");
    let script = "/* a stand-in for echarts.min.js */\n";
    plan.write("vendor/echarts.min.js", script);
    let config = plan.read("cxreport.toml");
    plan.write(
        "cxreport.toml",
        &format!("{config}\n[charts]\necharts = \"vendor/echarts.min.js\"\n"),
    );
    plan.build();
    assert_eq!(plan.read("site/static/echarts.min.js"), script);
    let page = plan.read("site/kpis/sla/index.html");
    assert!(
        page.contains(r#"data-echarts="../../static/echarts.min.js" defer"#),
        "no CDN and no integrity hash: {page}"
    );

    // A file from outside the plan is published too, with a warning that says so.
    std::fs::write(plan.root.join("../outside.js"), script).unwrap();
    plan.write(
        "cxreport.toml",
        &format!("{config}\n[charts]\necharts = \"../outside.js\"\n"),
    );
    let run = plan.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: ../outside.js is outside the plan's folder; it is copied into the site as it is"),
        "{}",
        run.stderr
    );
    assert_eq!(plan.read("site/static/echarts.min.js"), script);

    plan.write(
        "cxreport.toml",
        &format!("{config}\n[charts]\necharts = \"vendor/missing.js\"\n"),
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 1);
    let line = config.lines().count() + 3;
    assert!(
        run.stderr.contains(&format!(
            "cxreport.toml:{line}:11: error: there is no file vendor/missing.js (relative paths start at the plan's folder)"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn the_default_echarts_is_pinned_with_its_integrity_hash() {
    let html = built().read("site/kpis/sla/index.html");
    assert!(html.contains("echarts@5.6.0"), "pinned version");
    assert!(
        html.contains(r#"data-integrity="sha384-pPi0zxBAoDu6+JXW&#x2f;C68UZLvBUUtU+7zonhif43rqj7pxsGyqyqzcian2Rj37Rss""#),
        "SRI hash"
    );
    assert!(!built().path("site/static/echarts.min.js").exists());
}

/// Issue 18: the loop page shows cases by id and owner, never a
/// customer's words (the fixture's `resolution` column says what was done).
#[test]
fn the_loop_page() {
    let plan = Plan::fixture("cases");
    plan.build();
    let main = plan.main_of("loop/");
    assert!(!main.contains("Refunded"), "no resolution text on the page");
    insta::assert_snapshot!("loop", main);
}
