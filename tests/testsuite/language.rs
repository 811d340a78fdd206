//! `language = "es"` and a plan's own `[strings]` (the "Language" part of
//! issue 4): the `spanish` fixture is the minimal plan in Spanish.

use crate::support::Plan;

fn spanish() -> Plan {
    let plan = Plan::fixture("spanish");
    plan.build();
    plan
}

#[test]
fn spanish_home() {
    insta::assert_snapshot!(spanish().main_of(""));
}

#[test]
fn spanish_kpi() {
    insta::assert_snapshot!(spanish().main_of("kpis/sla/"));
}

#[test]
fn spanish_pages_declare_their_language_and_write_numbers_and_dates_the_spanish_way() {
    let plan = spanish();
    let home = plan.read("site/index.html");
    assert!(home.contains("<html lang=\"es\">"), "{home}");
    assert!(
        home.contains(">Indicadores clave</a>"),
        "navigation: {home}"
    );
    assert!(
        home.contains("Datos a <time datetime=\"2026-03-31\">31 mar 2026</time>"),
        "{home}"
    );
    let kpi = plan.main_of("kpis/sla/");
    assert!(kpi.contains("85,0\u{a0}%"), "a decimal comma: {kpi}");
    assert!(kpi.contains("+10,0 pp"), "percentage points: {kpi}");
}

#[test]
fn the_json_api_stays_in_english() {
    let plan = spanish();
    let english = Plan::fixture("minimal");
    english.build();
    let alerts = |p: &Plan| {
        let text = p.read("site/api/report.json");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        value["alerts"].clone()
    };
    let spanish_alerts = alerts(&plan);
    assert!(
        spanish_alerts.as_array().is_some_and(|a| !a.is_empty()),
        "the fixture raises alerts: {spanish_alerts}"
    );
    assert_eq!(spanish_alerts, alerts(&english));
    assert!(
        !plan
            .main_of("alerts/")
            .contains(spanish_alerts[0]["message"].as_str().unwrap())
    );
}

#[test]
fn a_plans_own_strings_override_and_add_to_the_catalogue() {
    let plan = Plan::fixture("minimal");
    let config = plan.read("cxreport.toml");
    plan.write(
        "cxreport.toml",
        &config.replace(
            "[periods]",
            "[strings]\n\"Headline KPIs\" = \"What we watch\"\n\
             \"Our <own> heading\" = \"Lo <b>nuestro</b>\"\n\n[periods]",
        ),
    );
    plan.write(
        "templates/alerts.html",
        "{% extends \"base.html\" %}{% block main %}<h1>{{ t(\"Our <own> heading\") }}</h1>{% endblock %}\n",
    );
    plan.build();
    assert!(plan.main_of("").contains(">What we watch</h2>"));
    assert_eq!(
        plan.main_of("alerts/"),
        "<main>\n<h1>Lo &lt;b&gt;nuestro&lt;&#x2f;b&gt;</h1></main>"
    );
}

#[test]
fn a_string_that_is_not_text_is_an_error_with_its_place() {
    let plan = Plan::fixture("minimal");
    let config = plan.read("cxreport.toml");
    plan.write(
        "cxreport.toml",
        &format!("{config}\n[strings]\nAlerts = 3\n"),
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cxreport.toml:9:10: error: `Alerts` in [strings] must be text in quotes, not an integer"),
        "{}",
        run.stderr
    );
}
