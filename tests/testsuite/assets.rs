//! Files the plan ships as they are: beside content pages and in `static/`
//! (issue 19). They are copied keeping their paths, a page's Markdown links
//! to them (and to pages) relative to itself, and a link to nothing, a copy
//! over a file the site has, or a link out of the plan is a problem.

use crate::support::Plan;

fn page(links: &str) -> String {
    format!("+++\ntitle = \"Diagnosis\"\n+++\nIntro.\n\n{links}\n")
}

#[test]
fn files_beside_pages_and_in_static_are_copied_and_linked_from_the_page() {
    let plan = Plan::fixture("minimal");
    std::fs::create_dir_all(plan.path("content/plan")).expect("mkdir");
    std::fs::write(plan.path("content/plan/diagram.png"), b"\x89PNG\r\n\x1a\n").expect("write");
    plan.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    plan.write("content/plan/.notes.txt", "not the plan's");
    plan.write(
        "content/plan/diagnosis.md",
        &page("![Flow](diagram.png) ![Logo](/static/logo.svg) [SLA](/kpis/sla/) [Home](/) [Up](../index.md)"),
    );
    plan.build();
    assert_eq!(
        std::fs::read(plan.path("site/plan/diagram.png")).expect("copied"),
        b"\x89PNG\r\n\x1a\n"
    );
    assert!(plan.read("site/static/logo.svg").starts_with("<svg"));
    assert!(!plan.path("site/plan/.notes.txt").exists());
    let main = plan.main_of("plan/diagnosis/");
    assert!(
        main.contains(
            "<img src=\"../../plan/diagram.png\" alt=\"Flow\" /> \
             <img src=\"../../static/logo.svg\" alt=\"Logo\" /> \
             <a href=\"../../kpis/sla/index.html\">SLA</a> \
             <a href=\"../../index.html\">Home</a> \
             <a href=\"../../index.html\">Up</a>"
        ),
        "{main}"
    );
}

#[test]
fn a_link_to_nothing_is_a_problem_at_its_line() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "content/plan/diagnosis.md",
        &page("See [the SLA](/kpis/sla/).\n\n![Flow](diagram.png)\n\n[Old](/kpis/gone/) [Out](../../../etc/passwd)"),
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "content/plan/diagnosis.md:8:1: error: `diagram.png` points to /plan/diagram.png, which is neither a page of the site nor a file it copies: a file must be beside the page or in the plan's static/ folder\n\
         content/plan/diagnosis.md:10:1: error: `/kpis/gone/` points to /kpis/gone/, which is neither a page of the site nor a file it copies: a file must be beside the page or in the plan's static/ folder\n\
         content/plan/diagnosis.md:10:20: error: `../../../etc/passwd` points to /../../../etc/passwd, which is neither a page of the site nor a file it copies: a file must be beside the page or in the plan's static/ folder\n\
         3 errors, 0 warnings\n"
    );
}

#[test]
fn a_copy_over_a_file_the_site_has_is_a_problem_naming_both() {
    let plan = Plan::fixture("minimal");
    plan.write("static/style.css", "body { color: red }");
    plan.write("static/logo.svg", "<svg/>");
    plan.write("content/static/logo.svg", "<svg/>");
    plan.write("content/api/report.json", "{}");
    let run = plan.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "content/api/report.json:1:1: error: this file would be copied to api/report.json in the site, where cxreport's own api/report.json is: rename or move it\n\
         static/logo.svg:1:1: error: this file would be copied to static/logo.svg in the site, where content/static/logo.svg is: rename or move it\n\
         static/style.css:1:1: error: this file would be copied to static/style.css in the site, where cxreport's own static/style.css is: rename or move it\n\
         3 errors, 0 warnings; the site was not written\n"
    );
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_plan_is_not_copied() {
    let plan = Plan::fixture("minimal");
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("secret.txt"), "secret").expect("write");
    std::fs::create_dir_all(plan.path("static")).expect("mkdir");
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        plan.path("static/secret.txt"),
    )
    .expect("symlink");
    let run = plan.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("static/secret.txt:1:1: error: this is a symbolic link to "),
        "{}",
        run.stderr
    );
    assert!(!plan.path("site/static/secret.txt").exists());
}

#[test]
fn a_theme_shows_its_logo_accent_and_stylesheet_on_every_page() {
    let plan = Plan::fixture("minimal");
    plan.write(
        "static/brand/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    plan.write(
        "static/team.css",
        ".site-header { border-bottom: 4px solid var(--accent); }\n",
    );
    let config = plan.read("cxreport.toml");
    plan.write(
        "cxreport.toml",
        &format!("{config}\n[theme]\nlogo = \"static/brand/logo.svg\"\naccent = \"#AA3300\"\nstylesheet = \"static/team.css\"\n"),
    );
    plan.build();
    let page = plan.read("site/kpis/sla/index.html");
    assert!(
        page.contains(
            "<link rel=\"stylesheet\" href=\"../../static/style.css\">\n\
             <link rel=\"stylesheet\" href=\"../../static/team.css\">\n\
             <style>:root { --accent: #aa3300; }</style>\n"
        ),
        "{page}"
    );
    assert!(
        page.contains("<a class=\"site-title\" href=\"../../index.html\"><img class=\"site-logo\" src=\"../../static/brand/logo.svg\" alt=\"\">"),
        "{page}"
    );
    assert!(plan.path("site/static/brand/logo.svg").is_file());
}

#[test]
fn theme_mistakes_are_errors_at_their_line() {
    let plan = Plan::fixture("minimal");
    let config = plan.read("cxreport.toml");
    let lines = config.lines().count();
    plan.write(
        "cxreport.toml",
        &format!("{config}[theme]\nlogo = \"../logo.svg\"\naccent = \"red; x\"\nstylesheet = \"static/none.css\"\nacent = \"#fff\"\n"),
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let at = |n: usize, col: usize| format!("cxreport.toml:{}:{col}", lines + n);
    assert_eq!(
        run.stderr,
        format!(
            "{}: error: `logo` must be the path of a .svg, .png, .jpg, .jpeg, .webp, .gif file in the plan's static/ (or content/) folder, which the site copies, such as \"static/logo.svg\"\n\
             {}: error: `accent` \"red; x\" is not a colour written as #rrggbb or #rgb, such as \"#1f5fbf\"\n\
             {}: error: there is no file static/none.css (relative paths start at the plan's folder)\n\
             {}: error: unknown key `acent` in [theme]; did you mean `accent`?\n\
             4 errors, 0 warnings\n",
            at(2, 8),
            at(3, 10),
            at(4, 14),
            at(5, 1)
        )
    );
}
