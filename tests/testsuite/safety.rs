//! Everything from the data reaches the page as text: the `hostile` fixture
//! puts `</script>`, `<img onerror>`, quotes and `javascript:` links into
//! every kind of name, label, dimension value, comment and page, and every
//! page it builds is scanned for markup the templates did not write.
//! (`tests/browser/` also loads these pages in Chromium and checks that no
//! payload ran.)

use crate::support::{Plan, tree};

/// The elements the built-in templates write, inline SVG included.
const TAGS: &[&str] = &[
    "a",
    "article",
    "br",
    "circle",
    "code",
    "del",
    "details",
    "div",
    "em",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "input",
    "label",
    "li",
    "line",
    "link",
    "main",
    "meta",
    "meter",
    "nav",
    "ol",
    "p",
    "path",
    "pre",
    "rect",
    "script",
    "section",
    "span",
    "strong",
    "sup",
    "summary",
    "svg",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "ul",
    "blockquote",
    "body",
    "small",
];

/// The attribute names of a tag: values are skipped whole, quoted or not.
fn attributes(tag: &str) -> Vec<String> {
    let inner = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/');
    let mut names = Vec::new();
    let mut chars = inner.chars().skip_while(|c| !c.is_whitespace()).peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=')).collect();
        if name.is_empty() {
            break;
        }
        names.push(name.to_ascii_lowercase());
        if chars.next_if_eq(&'=').is_some() {
            match chars.next() {
                Some(q @ ('"' | '\'')) => while chars.next().is_some_and(|c| c != q) {},
                _ => while chars.next_if(|c| !c.is_whitespace()).is_some() {},
            }
        }
    }
    names
}

/// Every tag of `html`, as its text between `<` and `>`.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

#[test]
fn hostile_values_render_as_text_everywhere_charts_included() {
    let plan = Plan::fixture("hostile");
    plan.build();
    let mut pages = 0;
    let mut charts = 0;
    for (path, bytes) in tree(&plan.path("site")) {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).expect("UTF-8");
        // The policy that stops a payload the escaping missed: no inline
        // script or event handler runs, whatever the page holds.
        assert!(
            html.contains(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self' https://cdn.jsdelivr.net/npm/echarts@5.6.0/dist/echarts.min.js 'wasm-unsafe-eval';"
            ),
            "{path}: no Content-Security-Policy"
        );
        for tag in tags(&html) {
            if tag == "<!DOCTYPE html>" {
                continue;
            }
            let name: String = tag
                .trim_start_matches(['<', '/'])
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            assert!(
                TAGS.contains(&name.to_ascii_lowercase().as_str()),
                "{path}: markup the templates did not write: {tag}"
            );
            // A `<` inside a tag means markup landed in an attribute value.
            assert!(
                !tag[1..].contains('<'),
                "{path}: markup inside a tag: {tag}"
            );
            assert!(
                !attributes(tag).iter().any(|a| a.starts_with("on")),
                "{path}: an event handler attribute: {tag}"
            );
            assert!(
                !tag.to_ascii_lowercase().contains("href=\"javascript:"),
                "{path}: a script link: {tag}"
            );
            if name == "script" && !tag.starts_with("</") {
                // Only the site's own three kinds of script element.
                let ours = tag.contains("static/charts.js")
                    || tag.contains("static/search.js")
                    || tag.starts_with(r#"<script type="application/json" id="chart-"#);
                assert!(ours, "{path}: a script the templates did not write: {tag}");
                if tag.contains("application/json") {
                    charts += 1;
                }
            }
        }
        // Inside a chart's JSON there is no `<` at all, so nothing can close it early.
        for block in html.split(r#"<script type="application/json""#).skip(1) {
            let body = &block[block.find('>').expect("tag end") + 1..];
            let body = &body[..body.find("</script>").expect("closed")];
            assert!(!body.contains('<'), "{path}: raw `<` in chart JSON");
            let json: serde_json::Value = serde_json::from_str(body).expect("valid JSON");
            assert!(json.is_object(), "{path}");
        }
    }
    assert!(pages >= 15, "only {pages} pages");
    assert!(
        charts >= 10,
        "only {charts} charts: the payloads must reach the charts"
    );
    // Components place their HTML only where they are called: the forged
    // placeholders in the data and in the page stay text.
    let live = plan.read("site/plan/live/index.html");
    assert_eq!(
        live.matches(r#"<div class="cards component">"#).count(),
        1,
        "{live}"
    );
    assert!(live.contains(r#"<h2 id="anchored">"#), "{live}");
    // The payload does reach the charts, as text in their JSON.
    let sla = plan.read("site/kpis/sla/index.html");
    assert!(
        sla.contains(r"\u003c/script\u003e\u003cscript\u003ewindow.__xss=1"),
        "payload in the chart option"
    );
}

#[test]
fn contacts_in_comments_are_masked_unless_the_plan_says_otherwise() {
    let plan = Plan::fixture("minimal");
    let mut responses = plan.read("data/surveys/responses.csv");
    responses.push_str(
        "r99,2026-03-05,voice,2,1,5,1,\"Waited an hour, call me on +34 612 345 678 or ana.ruiz@example.es\"\n",
    );
    plan.write("data/surveys/responses.csv", &responses);
    plan.build();
    let site: Vec<String> = tree(&plan.path("site"))
        .into_iter()
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    assert!(
        site.iter()
            .all(|f| !f.contains("ana.ruiz") && !f.contains("612 345"))
    );
    let voc = plan.main_of("voc/");
    assert!(
        voc.contains("<p>Waited an hour, call me on *** *** *** or ***@***</p>"),
        "{voc}"
    );

    let config = plan.read("cxreport.toml");
    plan.write(
        "cxreport.toml",
        &format!("{config}\n[surveys]\nmask_contacts = false\n"),
    );
    plan.build();
    let voc = plan.main_of("voc/");
    assert!(
        voc.contains("+34 612 345 678 or ana.ruiz@example.es"),
        "{voc}"
    );
    assert!(!voc.contains("are masked"), "{voc}");
}

#[cfg(unix)]
#[test]
fn links_out_of_the_plan_are_not_followed() {
    use std::os::unix::fs::symlink;
    let plan = Plan::fixture("minimal");
    let secret = plan.root.parent().unwrap().join("secret.csv");
    std::fs::write(&secret, "date,metric,value\n2026-03-01,sla,1\n").unwrap();
    symlink(&secret, plan.path("data/kpis/leak.csv")).unwrap();
    std::fs::remove_file(plan.path("data/themes.toml")).unwrap();
    symlink(&secret, plan.path("data/themes.toml")).unwrap();
    // A link inside the plan is read like the file it points to.
    let page = plan.path("content/plan/diagnosis.md");
    std::fs::rename(&page, plan.path("diagnosis.md")).unwrap();
    symlink(plan.path("diagnosis.md"), &page).unwrap();
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let real = std::fs::canonicalize(&secret).unwrap();
    let message = |file: &str| {
        format!(
            "{file}:1:1: error: this is a symbolic link to {}, outside the plan, and is not followed: copy the file into the plan\n",
            real.display()
        )
    };
    assert_eq!(
        run.stderr,
        format!(
            "{}{}2 errors, 0 warnings\n",
            message("data/kpis/leak.csv"),
            message("data/themes.toml")
        )
    );
}

#[cfg(unix)]
#[test]
fn a_template_linked_from_outside_is_not_read() {
    let plan = Plan::fixture("minimal");
    let outside = plan.root.parent().unwrap().join("base.html");
    std::fs::write(&outside, "{{ site.title }}").unwrap();
    std::fs::create_dir_all(plan.path("templates")).unwrap();
    std::os::unix::fs::symlink(&outside, plan.path("templates/base.html")).unwrap();
    let run = plan.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("templates/base.html is a symbolic link to "),
        "{}",
        run.stderr
    );
    assert!(!plan.path("site").exists());
}

#[test]
fn raw_html_in_pages_is_text_unless_the_plan_trusts_it() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "content/note.md",
        "+++\ntitle = \"Note\"\n+++\n<aside class=\"note\">Read <b>this</b></aside>\n\n[x](javascript:alert(1))\n",
    );
    plan.build();
    let page = plan.main_of("note/");
    assert!(
        page.contains("&lt;aside class=\"note\"&gt;Read &lt;b&gt;"),
        "{page}"
    );
    assert!(
        !page.contains("<aside") && !page.contains("javascript:"),
        "{page}"
    );

    let config = plan.read("cxreport.toml");
    plan.write(
        "cxreport.toml",
        &format!("{config}\n[content]\nraw_html = true\n"),
    );
    plan.build();
    let page = plan.main_of("note/");
    assert!(
        page.contains("<aside class=\"note\">Read <b>this</b></aside>"),
        "{page}"
    );
    // Markdown links to scripts are still neutralised.
    assert!(!page.contains("javascript:"), "{page}");
}

/// Ids become folder names of the site: one Windows keeps for a device
/// would make a site that cannot be copied there.
#[test]
fn windows_device_names_are_not_ids() {
    let plan = Plan::fixture("minimal");
    let flow = plan.read("data/flows/chat-bot.toml");
    plan.write("data/flows/nul.toml", &flow);
    plan.write(
        "data/initiatives.toml",
        "[[initiative]]\nid = \"con\"\ntitle = \"T\"\nowner = \"O\"\n\
         due = 2026-06-30\nstatus = \"todo\"\nimpact = \"low\"\neffort = \"low\"\n",
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "data/flows/nul.toml:1:1: error: the file name `nul` is not a valid flow id: rename the file or set `id`\n\
         data/initiatives.toml:2:6: error: initiative id `con` is a name Windows keeps for a device, and the site could not be copied there: choose another\n\
         2 errors, 0 warnings\n"
    );
}
