//! `cxreport import NAME FILE...` (issue 17): recipes turn KPI exports (CSV
//! in a Spanish Excel dialect, a real .xlsx) and contact logs into the
//! canonical KPI file, overlapping exports replace their days, and the
//! contact-log figures match tests/reference/contacts.json (made by
//! tests/reference/contacts_reference.py) day by day and pooled over weeks
//! and months once the build rolls the daily rows up.

use std::path::PathBuf;

use crate::support::{Plan, fixtures};

/// The minimal plan with a `kpis` recipe appended to its cxreport.toml.
fn with_recipe(recipe: &str) -> Plan {
    let plan = Plan::fixture("minimal");
    let config = plan.read("cxreport.toml");
    plan.write("cxreport.toml", &format!("{config}\n{recipe}"));
    plan
}

/// An export beside the plan (not in it, as raw exports need not be), by
/// the path the plan's root sees it at.
fn export(plan: &Plan, name: &str, bytes: &[u8]) -> String {
    let path = plan.root.parent().unwrap().join(name);
    std::fs::write(&path, bytes).unwrap();
    format!("../{name}")
}

const BANCO: &str = r#"[import.banco]
kind = "kpis"
into = "data/kpis/banco.csv"
date_format = "%d/%m/%Y"
columns = { "Fecha" = "date", "Nivel de servicio (%)" = "sla", "TMO" = "aht", " cola " = "queue" }
"#;

#[test]
fn a_spanish_excel_export_becomes_the_canonical_file_and_builds() {
    let plan = with_recipe(BANCO);
    // `;`, decimal commas, `%` signs, h:mm:ss, accents and case in the
    // headers, a byte-order mark and CRLF line ends, as Excel saves them.
    let file = export(
        &plan,
        "banco.csv",
        "\u{feff}FECHA;Cola;Nivel de Servicio (%);TMO;Agente\r\n\
         01/03/2026;ventas;85,3 %;0:03:13;Ana\r\n\
         01/03/2026;soporte;78,0 %;0:05:32;Luis\r\n\
         02/03/2026;ventas;80,1 %;;Ana\r\n\
         03/03/2026;ventas;;;Ana\r\n"
            .as_bytes(),
    );
    let run = plan.run(&["import", "banco", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "Read ../banco.csv: 4 rows, 3 used, 1 dropped (1 no metric value), 2 days\n\
         note: ../banco.csv: left out, neither mapped nor a metric: \"Agente\"\n\
         Wrote data/kpis/banco.csv: 5 rows over 2 days, no day replaced\n"
    );
    assert_eq!(
        plan.read("data/kpis/banco.csv"),
        "date,queue,metric,value\n\
         2026-03-01,soporte,aht,5.533333\n\
         2026-03-01,soporte,sla,78\n\
         2026-03-01,ventas,aht,3.216667\n\
         2026-03-01,ventas,sla,85.3\n\
         2026-03-02,ventas,sla,80.1\n"
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    plan.build();
}

/// The contract note: with `trend = "day"`, a day's value is the file's.
#[test]
fn with_daily_periods_a_day_shows_the_exported_value() {
    // The contacts fixture's catalogue, and no other KPI file.
    let plan = Plan::fixture("contacts");
    plan.write(
        "cxreport.toml",
        &format!("[periods]\ntrend = \"day\"\n\n{BANCO}"),
    );
    let file = export(
        &plan,
        "b.csv",
        b"Fecha;Cola;Nivel de servicio (%);TMO\n30/03/2026;ventas;48,9 %;0:03:13\n31/03/2026;ventas;50 %;0:03:00\n",
    );
    assert_eq!(plan.run(&["import", "banco", &file]).code, 0);
    let run = plan.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value =
        serde_json::from_str(&plan.read("site/api/report.json")).unwrap();
    let periods = |id: &str| -> Vec<(String, f64)> {
        let m = report["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .unwrap();
        crate::support::periods(m)
    };
    assert_eq!(
        periods("sla"),
        [("2026-03-30".into(), 48.9), ("2026-03-31".into(), 50.0)]
    );
    let aht = periods("aht");
    assert!((aht[0].1 - 193.0 / 60.0).abs() < 1e-6, "{aht:?}");
}

#[test]
fn an_xlsx_export_is_read_with_its_typed_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let plan = with_recipe(
        "[import.sheet]\nkind = \"kpis\"\ninto = \"data/kpis/sheet.csv\"\nsheet = \"Datos\"\n\
         columns = { \"Fecha\" = \"date\", \"Nivel de servicio\" = \"sla\", \"TMO\" = \"aht\", \"Cola\" = \"queue\", \"Contactos\" = \"contacts\" }\n",
    );
    let mut book = Workbook::new();
    // A first sheet that is not the one the recipe names.
    book.add_worksheet().set_name("Notas").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Datos").unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let percent = Format::new().set_num_format("0.0%");
    let duration = Format::new().set_num_format("[h]:mm:ss");
    let time = Format::new().set_num_format("h:mm:ss");
    for (col, name) in ["Fecha", "Cola", "Nivel de servicio", "TMO", "Contactos"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    let rows = [
        (1u8, "ventas", 0.853, 193.0, 120.0),
        (2, "ventas", 0.801, 332.0, 98.0),
    ];
    for (r, (day, queue, sla, aht, contacts)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        let d = ExcelDateTime::from_ymd(2026, 3, *day).unwrap();
        sheet.write_datetime_with_format(r, 0, &d, &date).unwrap();
        sheet.write_string(r, 1, *queue).unwrap();
        sheet
            .write_number_with_format(r, 2, *sla, &percent)
            .unwrap();
        // A duration cell, then a time-of-day cell: both are durations.
        let t = ExcelDateTime::from_hms(0, (aht / 60.0) as u8, aht % 60.0).unwrap();
        let format = if r == 1 { &duration } else { &time };
        sheet.write_datetime_with_format(r, 3, &t, format).unwrap();
        sheet.write_number(r, 4, *contacts).unwrap();
    }
    let path = plan.root.parent().unwrap().join("export.xlsx");
    book.save(&path).unwrap();
    let run = plan.run(&["import", "sheet", "../export.xlsx"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        plan.read("data/kpis/sheet.csv"),
        "date,queue,metric,value\n\
         2026-03-01,ventas,aht,3.216667\n\
         2026-03-01,ventas,contacts,120\n\
         2026-03-01,ventas,sla,85.3\n\
         2026-03-02,ventas,aht,5.533333\n\
         2026-03-02,ventas,contacts,98\n\
         2026-03-02,ventas,sla,80.1\n"
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // A sheet that is not there is named with the ones that are.
    let config = plan.read("cxreport.toml").replace("\"Datos\"", "\"Dato\"");
    plan.write("cxreport.toml", &config);
    let run = plan.run(&["import", "sheet", "../export.xlsx"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "../export.xlsx:1:1: error: this file has no sheet \"Dato\" (its sheets: \"Notas\", \"Datos\"); did you mean `Datos`?\n\
         1 error, 0 warnings; nothing was written\n"
    );
}

#[test]
fn overlapping_exports_replace_their_days_and_an_unchanged_file_is_left_alone() {
    let plan = with_recipe(BANCO);
    let first = export(
        &plan,
        "a.csv",
        b"Fecha;Cola;Nivel de servicio (%);TMO\n01/03/2026;ventas;80;\n02/03/2026;ventas;81;\n03/03/2026;ventas;82;\n03/03/2026;soporte;70;\n",
    );
    let second = export(
        &plan,
        "b.csv",
        b"Fecha;Cola;Nivel de servicio (%);TMO\n03/03/2026;ventas;90;\n04/03/2026;ventas;91;\n",
    );
    assert_eq!(plan.run(&["import", "banco", &first]).code, 0);
    let run = plan.run(&["import", "banco", &second]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "Read ../b.csv: 2 rows, 2 used, 2 days\n\
         Wrote data/kpis/banco.csv: 5 rows over 4 days, 1 day replaced (2026-03-03)\n"
    );
    // Day 3 of `ventas` is the second export's; `soporte`, which it does
    // not have, stays.
    assert_eq!(
        plan.read("data/kpis/banco.csv"),
        "date,queue,metric,value\n\
         2026-03-01,ventas,sla,80\n\
         2026-03-02,ventas,sla,81\n\
         2026-03-03,soporte,sla,70\n\
         2026-03-03,ventas,sla,90\n\
         2026-03-04,ventas,sla,91\n"
    );
    // Both at once, in either order: the later file's days win.
    let target = plan.path("data/kpis/banco.csv");
    std::fs::remove_file(&target).unwrap();
    assert_eq!(plan.run(&["import", "banco", &first, &second]).code, 0);
    let both = plan.read("data/kpis/banco.csv");
    assert!(both.contains("2026-03-03,ventas,sla,90\n"), "{both}");

    // The same import again: the same bytes, so the file is not written.
    let before = std::fs::metadata(&target).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let run = plan.run(&["import", "banco", &first, &second]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .ends_with("data/kpis/banco.csv is unchanged: 5 rows over 4 days\n"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::metadata(&target).unwrap().modified().unwrap(),
        before
    );
    assert_eq!(plan.read("data/kpis/banco.csv"), both);
}

#[test]
fn a_decimal_comma_in_a_point_file_is_one_problem_with_a_hint_and_nothing_is_written() {
    let plan = with_recipe(BANCO);
    let file = export(
        &plan,
        "c.csv",
        b"Fecha,Cola,Nivel de servicio (%),TMO\n01/03/2026,ventas,\"85,3\",\n02/03/2026,ventas,\"80,1\",\n03/03/2026,ventas,\"79,5\",\n31/02/2026,ventas,\"1\",\n",
    );
    let run = plan.run(&["import", "banco", &file]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "../c.csv:2:3: error: \"85,3\" is not a number with decimal \".\"; if the export uses \",\" for decimals, set `decimal = \",\"` in the recipe (3 rows like this: lines 2, 3, 4)\n\
         ../c.csv:5:1: error: \"31/02/2026\" is not a calendar date\n\
         2 errors, 0 warnings; nothing was written\n"
    );
    assert!(!plan.path("data/kpis/banco.csv").exists());
}

#[test]
fn a_mapped_column_missing_from_the_export_is_placed_in_the_recipe() {
    let plan = with_recipe(BANCO);
    let file = export(
        &plan,
        "d.csv",
        b"Fechas;Cola;TMO\n01/03/2026;ventas;0:03:00\n",
    );
    let run = plan.run(&["import", "banco", &file]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "cxreport.toml:12:23: error: [import.banco]: ../d.csv has no column \"Fecha\"; did you mean \"Fechas\"?\n\
         cxreport.toml:12:57: error: [import.banco]: ../d.csv has no column \"Nivel de servicio (%)\"\n\
         2 errors, 0 warnings; nothing was written\n"
    );
}

#[test]
fn recipes_are_checked_with_the_plan_and_unknown_names_are_usage_errors() {
    let plan = with_recipe(
        "[import.x]\nkind = \"kpis\"\ninto = \"data/kpis/x.csv\"\ncolums = { \"A\" = \"date\" }\n",
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "cxreport.toml:11:1: error: unknown key `colums` in [import.x]; did you mean `columns`?\n1 error, 0 warnings\n"
    );
    let plan = with_recipe(BANCO);
    let file = export(&plan, "e.csv", b"Fecha\n");
    let run = plan.run(&["import", "banko", &file]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: cxreport.toml has no recipe [import.banko]; did you mean `banco`? (its recipes: banco)\n"
    );
}

// ---------------------------------------------------------------------
// Contact logs

fn log() -> PathBuf {
    fixtures().join("contacts/log.csv")
}

/// The log's header and the rows whose day in Madrid is within `days`.
fn part_of_log(days: std::ops::RangeInclusive<jiff::civil::Date>) -> String {
    let text = std::fs::read_to_string(log()).unwrap();
    let zone = jiff::tz::TimeZone::get("Europe/Madrid").unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let at: jiff::Timestamp = line.split(',').nth(1).unwrap().parse().unwrap();
        if days.contains(&at.to_zoned(zone.clone()).date()) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn reference() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/contacts.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[track_caller]
fn close(what: &str, actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance * expected.abs().max(1.0),
        "{what}: {actual} against the reference's {expected}"
    );
}

/// Two exports that overlap by six days: the second replaces those days,
/// so every daily row equals the reference's count over the whole log.
#[test]
fn a_contact_log_in_overlapping_exports_matches_the_reference_day_by_day() {
    let plan = Plan::fixture("contacts");
    let d = |m, d| jiff::civil::date(2026, m, d);
    let first = export(
        &plan,
        "first.csv",
        part_of_log(d(9, 1)..=d(10, 20)).as_bytes(),
    );
    let second = export(
        &plan,
        "second.csv",
        part_of_log(d(10, 15)..=d(12, 31)).as_bytes(),
    );
    let run = plan.run(&["import", "calls", &first]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = plan.run(&["import", "calls", &second]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(", 6 days replaced (2026-10-15 to 2026-10-20)\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("note: ../second.csv: left out, neither mapped nor a metric: \"contact_id\", \"customer_name\", \"phone\"\n"),
        "{}",
        run.stderr
    );
    let canonical = plan.read("data/kpis/calls.csv");
    // Only aggregates: no name, phone or contact id reaches the file.
    for personal in ["+34", "García", "C0000"] {
        assert!(!canonical.contains(personal), "{personal}");
    }
    let mut rows = std::collections::HashMap::new();
    let mut lines = canonical.lines();
    assert_eq!(lines.next(), Some("date,queue,metric,value,weight"));
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let value: f64 = f[3].parse().unwrap();
        let weight: f64 = f[4].parse().unwrap();
        rows.insert(
            (f[0].to_owned(), f[1].to_owned(), f[2].to_owned()),
            (value, weight),
        );
    }
    let reference = reference();
    let daily = reference["daily"].as_array().unwrap();
    let mut expected_rows = 0;
    for r in daily {
        let key = |metric: &str| {
            (
                r["date"].as_str().unwrap().to_owned(),
                r["queue"].as_str().unwrap().to_owned(),
                metric.to_owned(),
            )
        };
        let offered = r["offered"].as_f64().unwrap();
        let answered = r["answered"].as_f64().unwrap();
        for (figure, metric, weight) in [
            ("offered", "contacts", 1.0),
            ("service_level", "sla", offered),
            ("abandon_rate", "abandon_rate", offered),
            ("asa", "asa", answered),
            ("aht", "aht", answered),
        ] {
            let Some(expected) = r[figure].as_f64() else {
                continue;
            };
            expected_rows += 1;
            let (value, w) = rows[&key(metric)];
            // Six decimals in the file.
            close(&format!("{:?}", key(metric)), value, expected, 1e-6);
            assert_eq!(w, weight, "{:?}", key(metric));
        }
    }
    assert_eq!(rows.len(), expected_rows);

    // The build's roll-ups of the daily rows are the pooled figures.
    plan.build();
    check_periods(&plan, &reference["weeks"]);
    let config = plan
        .read("cxreport.toml")
        .replace("trend = \"week\"", "trend = \"month\"");
    plan.write("cxreport.toml", &config);
    plan.build();
    check_periods(&plan, &reference["months"]);
}

/// Each period's value in report.json against the reference's count over
/// all of the period's contacts.
fn check_periods(plan: &Plan, expected: &serde_json::Value) {
    let report: serde_json::Value =
        serde_json::from_str(&plan.read("site/api/report.json")).unwrap();
    for (figure, metric) in [
        ("offered", "contacts"),
        ("service_level", "sla"),
        ("abandon_rate", "abandon_rate"),
        ("asa", "asa"),
        ("aht", "aht"),
    ] {
        let m = report["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == metric)
            .unwrap();
        let periods = m["periods"].as_array().unwrap();
        let expected = expected.as_array().unwrap();
        assert_eq!(periods.len(), expected.len(), "{metric}");
        for (p, e) in periods.iter().zip(expected) {
            assert_eq!(p["period"], e["period"]);
            close(
                &format!("{metric} {}", e["period"]),
                p["value"].as_f64().unwrap(),
                e[figure].as_f64().unwrap(),
                1e-6,
            );
        }
    }
}

#[test]
fn an_unknown_outcome_is_named_with_the_recipe_outcomes() {
    let plan = Plan::fixture("contacts");
    let file = export(
        &plan,
        "log.csv",
        b"started_at,queue,wait_s,handle,result\n\
          2026-10-01T08:00:00Z,sales,10,0:02:00,answered\n\
          2026-10-01T08:01:00Z,sales,10,0:02:00,transferred\n\
          2026-10-01T08:02:00Z,sales,10,0:02:00,Transferred\n\
          2026-10-01T08:03:00Z,sales,,0:02:00,answered\n",
    );
    let run = plan.run(&["import", "calls", &file]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "../log.csv:3:5: error: outcome \"transferred\" is not in the recipe's `outcomes` (answered: \"answered\"; abandoned: \"abandoned\", \"hung up\"; ignored: \"test call\"): add it to one of them (2 rows like this: lines 3, 4)\n\
         ../log.csv:5:3: error: the wait time of an answered contact is empty\n\
         2 errors, 0 warnings; nothing was written\n"
    );
    assert!(!plan.path("data/kpis/calls.csv").exists());
}

#[test]
fn contacts_before_a_zone_s_midnight_count_on_its_day() {
    let plan = Plan::fixture("contacts");
    // 22:30 UTC on 24 October is 00:30 on the 25th in Madrid (summer
    // time); 23:30 UTC on the 25th is 00:30 on the 26th (winter time).
    let file = export(
        &plan,
        "tz.csv",
        b"started_at,queue,wait_s,handle,result\n\
          2026-10-24T21:30:00Z,sales,5,60,answered\n\
          2026-10-24T22:30:00Z,sales,5,60,answered\n\
          2026-10-25T22:30:00Z,sales,5,60,answered\n\
          2026-10-25T23:30:00Z,sales,5,60,answered\n",
    );
    let run = plan.run(&["import", "calls", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let offered: Vec<String> = plan
        .read("data/kpis/calls.csv")
        .lines()
        .filter(|l| l.contains(",contacts,"))
        .map(|l| l.split(',').take(4).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(
        offered,
        [
            "2026-10-24,sales,contacts,1",
            "2026-10-25,sales,contacts,2",
            "2026-10-26,sales,contacts,1"
        ]
    );
}

/// Every recipe in docs/import.md is one `check` accepts, so the guide
/// cannot drift from what cxreport reads.
#[test]
fn the_guide_s_recipes_are_valid() {
    let guide =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/import.md")).unwrap();
    let mut blocks = Vec::new();
    let mut block: Option<String> = None;
    for line in guide.lines() {
        match (&mut block, line) {
            (None, "```toml") => block = Some(String::new()),
            (Some(b), "```") => {
                blocks.push(std::mem::take(b));
                block = None;
            }
            (Some(b), line) => {
                b.push_str(line);
                b.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(blocks.len() >= 6, "{}", blocks.len());
    let plan = Plan::fixture("contacts");
    for recipe in blocks {
        plan.write("cxreport.toml", &recipe);
        let run = plan.run(&["check"]);
        assert_eq!(run.code, 0, "{recipe}\n{}", run.stderr);
    }
}

/// Files saved by a real spreadsheet program (LibreOffice 7, from
/// tests/fixtures/exports/libreoffice-source.csv): typed dates and times.
#[test]
fn xlsx_and_ods_files_saved_by_libreoffice_give_the_same_rows() {
    let plan = with_recipe(
        "[import.sheet]\nkind = \"kpis\"\ninto = \"data/kpis/sheet.csv\"\n\
         columns = { \"Fecha\" = \"date\", \"Cola\" = \"queue\", \"Nivel de servicio\" = \"sla\", \"TMO\" = \"aht\", \"Contactos\" = \"contacts\" }\n",
    );
    let expected = "date,queue,metric,value\n\
                    2026-03-01,soporte,aht,5.533333\n\
                    2026-03-01,soporte,contacts,80\n\
                    2026-03-01,soporte,sla,78\n\
                    2026-03-01,ventas,aht,3.216667\n\
                    2026-03-01,ventas,contacts,120\n\
                    2026-03-01,ventas,sla,85.3\n\
                    2026-03-02,ventas,aht,4\n\
                    2026-03-02,ventas,contacts,98\n\
                    2026-03-02,ventas,sla,80.1\n";
    for name in ["libreoffice.xlsx", "libreoffice.ods"] {
        let bytes = std::fs::read(fixtures().join("exports").join(name)).unwrap();
        let file = export(&plan, name, &bytes);
        let _ = std::fs::remove_file(plan.path("data/kpis/sheet.csv"));
        let run = plan.run(&["import", "sheet", &file]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(plan.read("data/kpis/sheet.csv"), expected, "{name}");
    }
}

/// A plan whose own KPI files are all in a Spanish dialect (`[csv]` for
/// their folder) still reads what `import` writes there as the canonical
/// file it is: a recipe's `into` is read with commas, points and ISO dates.
#[test]
fn a_recipe_s_file_is_canonical_whatever_csv_says() {
    let plan = with_recipe(BANCO);
    let config = plan.read("cxreport.toml");
    let spanish = |text: String| -> String {
        text.lines()
            .enumerate()
            .map(|(i, line)| {
                let mut cells: Vec<String> = line.split(',').map(str::to_owned).collect();
                if i > 0 {
                    let (y, rest) = cells[0].split_at(4);
                    cells[0] = format!("{}/{}/{y}", &rest[4..6], &rest[1..3]);
                    for c in &mut cells[1..] {
                        *c = c.replace('.', ",");
                    }
                }
                cells.join(";") + "\n"
            })
            .collect()
    };
    for file in ["data/kpis/daily.csv", "data/kpis/pulse.csv"] {
        plan.write(file, &spanish(plan.read(file)));
    }
    // Set for the whole plan, `[csv]` would be wrong for the surveys, and
    // says why.
    plan.write(
        "cxreport.toml",
        &format!("{config}\n[csv]\ndelimiter = \";\"\ndate_format = \"%d/%m/%Y\"\n"),
    );
    let run = plan.run(&["check"]);
    assert_eq!(
        run.stderr,
        "data/surveys/responses.csv:1:1: error: the header has no `date` column: split at \";\", as cxreport.toml's `[csv]` says, it is one column; the file seems to be separated by \",\": set `delimiter = \",\"` in a `[csv.\"data/surveys/responses.csv\"]` table\n\
         1 error, 0 warnings\n"
    );
    plan.write(
        "cxreport.toml",
        &format!("{config}\n[csv.\"data/kpis\"]\ndelimiter = \";\"\ndate_format = \"%d/%m/%Y\"\n"),
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = export(
        &plan,
        "banco.csv",
        b"Fecha;Cola;Nivel de servicio (%);TMO\n01/03/2026;ventas;85,3 %;0:03:13\n",
    );
    let run = plan.run(&["import", "banco", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        plan.read("data/kpis/banco.csv")
            .contains("2026-03-01,ventas,sla,85.3")
    );
    let run = plan.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
