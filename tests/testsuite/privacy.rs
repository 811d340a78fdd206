//! No personal data from a survey file reaches the site (issue 14, item 4):
//! the `minimal` plan with a survey file whose extra columns name customers
//! and whose comments hold every kind of contact and id is built, and every
//! file of the site, `api/report.json` included, is searched for them.

use crate::support::{Plan, tree};

/// One comment per kind of identifier, each with a word of its own that a
/// theme of [`THEMES`] looks for, so that every one is quoted on `voc/`.
const COMMENTS: &[&str] = &[
    "kw01 write to ana.ruiz+cx@mail.example.es please",
    "kw02 or to ana(at)correo-norte.com",
    "kw03 or to luis [at] correo-sur [dot] com",
    "kw04 escribid a ｐｅｐｅ＠ｅｊｅｍｐｌｏ．ｅｓ",
    "kw05 call +34 612 345 678",
    "kw06 llamad al ６９９ ８７６ ５４３",
    "kw07 IBAN ES91 2100 0418 4502 0005 1332 gracias",
    "kw08 IBAN ES7921000813610123456789",
    "kw09 card 4111111111111111",
    "kw10 card 5500 0000 0000 0004",
    "kw11 DNI 12345678Z",
    "kw12 NIE X1234567L",
    "kw13 policy POL-AB-1234",
];

/// What none of the site's files may contain: the identifiers as typed,
/// without their separators, and a telling part of each.
const LEAKS: &[&str] = &[
    "ana.ruiz",
    "mail.example.es",
    "correo-norte",
    "correo-sur",
    "ｐｅｐｅ",
    "ｅｊｅｍｐｌｏ",
    "612 345 678",
    "612345678",
    "６９９",
    "699876543",
    "ES91",
    "2100 0418",
    "0005 1332",
    "21000418450200051332",
    "ES79",
    "0813610123456789",
    "4111111111111111",
    "4111 1111",
    "5500 0000",
    "5500000000000004",
    "12345678Z",
    "X1234567L",
    "POL-AB",
    // The left-out columns.
    "@example.org",
    "cliente",
    "CUST-",
];

const THEMES: &str =
    "[[theme]]\nid = \"long-wait\"\nname = \"Long waits\"\nkeywords = [\"wait*\"]\n";

/// A survey file with a `customer_email` and a `customer_id` column beside
/// the `channel` and `region` segments.
fn responses() -> String {
    let mut text = "id,date,channel,region,customer_email,customer_id,nps,comment\n".to_owned();
    for (i, comment) in COMMENTS.iter().enumerate() {
        let channel = ["voice", "chat", "email"][i % 3];
        // A declared segment's values are masked too.
        let region = if i == 4 {
            "ana@example.net"
        } else {
            ["norte", "sur"][i % 2]
        };
        text.push_str(&format!(
            "r{i},2026-02-{:02},{channel},{region},cliente{i}@example.org,CUST-{:05},{},\"{comment}\"\n",
            i + 1,
            42 + i,
            i % 11,
        ));
    }
    text
}

/// The `minimal` plan with [`responses`], a theme per comment and the
/// plan's own id pattern; `surveys` is added to its `[surveys]` table.
fn plan(surveys: &str) -> Plan {
    let plan = Plan::fixture("minimal");
    plan.write("data/surveys/responses.csv", &responses());
    let mut themes = THEMES.to_owned();
    for i in 1..=COMMENTS.len() {
        themes.push_str(&format!(
            "\n[[theme]]\nid = \"t{i:02}\"\nname = \"Theme {i}\"\nkeywords = [\"kw{i:02}\"]\n"
        ));
    }
    plan.write("data/themes.toml", &themes);
    let config = plan.read("cxreport.toml");
    plan.write(
        "cxreport.toml",
        &format!(
            "{config}\n[surveys]\nmask_patterns = ['\\bPOL-[A-Z]{{2}}-[0-9]{{4}}\\b']\n{surveys}"
        ),
    );
    plan
}

/// The (dimension, value) pairs of `nps[]` in `api/report.json`.
fn segments(plan: &Plan) -> Vec<(String, String)> {
    let report: serde_json::Value =
        serde_json::from_str(&plan.read("site/api/report.json")).expect("JSON");
    let mut found: Vec<(String, String)> = report["nps"]
        .as_array()
        .expect("nps[]")
        .iter()
        .filter_map(|row| {
            let segment = row["segment"].as_object()?;
            Some((
                segment["dimension"].as_str()?.to_owned(),
                segment["value"].as_str()?.to_owned(),
            ))
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Every identifier of [`LEAKS`] found in the built site, with its file.
fn leaks(plan: &Plan) -> Vec<String> {
    let mut found = Vec::new();
    for (path, bytes) in tree(&plan.path("site")) {
        let text = String::from_utf8_lossy(&bytes);
        for leak in LEAKS {
            if text.contains(leak) {
                found.push(format!("{path}: {leak}"));
            }
        }
    }
    found
}

#[test]
fn issue_14_no_contact_or_id_from_a_survey_reaches_the_site() {
    let plan = plan("");
    let run = plan.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(leaks(&plan), Vec::<String>::new());
    for (col, name) in [(5, "customer_email"), (6, "customer_id")] {
        let warning = format!(
            "data/surveys/responses.csv:1:{col}: warning: column '{name}' is left out of the site"
        );
        assert_eq!(run.stderr.matches(&warning).count(), 1, "{}", run.stderr);
    }
    // The comments are on the page, masked: each kind's placeholder shows.
    let voc = plan.read("site/voc/index.html");
    for placeholder in [
        "***@***",
        "*** *** ***",
        "**** **** **** **** ****",
        "**** **** **** ****",
        "*********",
    ] {
        assert!(voc.contains(placeholder), "{placeholder}");
    }
    // The categorical columns are still segments; `region` has a value
    // that is an address, so it is left out too.
    let dimensions: Vec<String> = segments(&plan).into_iter().map(|(d, _)| d).collect();
    assert!(dimensions.iter().all(|d| d == "channel"), "{dimensions:?}");
    assert_eq!(dimensions.len(), 3);
    assert!(run.stderr.contains(
        "data/surveys/responses.csv:1:4: warning: column 'region' is left out of the site: its value on line 6 looks like an e-mail address"
    ), "{}", run.stderr);
}

#[test]
fn issue_14_declared_segments_are_the_only_ones() {
    let plan = plan("segments = [\"region\", \"touchpoint\"]\n");
    let run = plan.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(leaks(&plan), Vec::<String>::new());
    // A declared segment is kept whatever its values, and they are masked.
    let found = segments(&plan);
    let values: Vec<(&str, &str)> = found
        .iter()
        .map(|(d, v)| (d.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        values,
        [
            ("region", "***@***"),
            ("region", "norte"),
            ("region", "sur")
        ]
    );
    assert!(run.stderr.contains(
        "data/surveys/responses.csv:1:3: warning: column 'channel' is left out of the site: it is not in `[surveys] segments` in cxreport.toml"
    ), "{}", run.stderr);
    assert!(run.stderr.contains(
        "cxreport.toml:10:23: warning: no survey file has a column `touchpoint`, so this segment is empty"
    ), "{}", run.stderr);
}
