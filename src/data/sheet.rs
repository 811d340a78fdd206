//! Spreadsheet exports (`.xlsx`, `.xlsm`, `.xls`, `.ods`), read with calamine
//! into typed cells: a date is a date, a duration a number of seconds, a
//! percentage the number a person reads (85.3 for a cell showing 85.3 %).
//!
//! Layer 1 (records). Only `cxreport import` reads spreadsheets; the build
//! never does. A sheet is read whole (calamine has no streaming reader), so
//! very long logs belong in CSV.

use std::path::Path;

use calamine::{Data, Reader as _};

/// One cell, as the spreadsheet types it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    /// A date, or a date and time (no zone: spreadsheets have none).
    DateTime(jiff::civil::DateTime),
    /// A duration, or a time of day with no date, in seconds.
    Duration(f64),
    Bool(bool),
    /// A formula error such as `#N/A`, as the spreadsheet shows it.
    Error(String),
}

/// The used part of one sheet: its rows from the first one with a value.
#[derive(Debug)]
pub struct Grid {
    /// The 1-based row number of `rows[0]` and the column of its first cell.
    pub first_row: usize,
    pub first_col: usize,
    pub rows: Vec<Vec<Value>>,
}

/// Whether a file is read as a spreadsheet, by its extension.
pub fn is_spreadsheet(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["xlsx", "xlsm", "xlsb", "xls", "ods"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// Reads a sheet of a workbook's bytes: the one named, or the first. `Err`
/// says why it cannot be read, in words for the import report.
pub fn read(bytes: Vec<u8>, sheet: Option<&str>) -> Result<Grid, String> {
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| format!("cannot be read as a spreadsheet: {e}"))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| {
                let folded = super::recipe::fold(wanted);
                names.iter().find(|n| super::recipe::fold(n) == folded)
            })
            .cloned()
            .ok_or_else(|| {
                let list = names
                    .iter()
                    .map(|n| format!("{n:?}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let hint = crate::diag::hint(wanted, names.iter().map(String::as_str));
                format!("has no sheet {wanted:?} (its sheets: {list}){hint}")
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| "has no sheet".to_owned())?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| format!("sheet {name:?} cannot be read: {e}"))?;
    // Only xlsx files give their number formats; they say which numbers a
    // person sees as percentages (stored as 0.853 for 85.3 %).
    let styles = book.worksheet_style(&name).ok();
    let Some((row0, col0)) = range.start() else {
        return Ok(Grid {
            first_row: 1,
            first_col: 1,
            rows: Vec::new(),
        });
    };
    let mut rows = Vec::with_capacity(range.height());
    for (r, row) in range.rows().enumerate() {
        let cells = row
            .iter()
            .enumerate()
            .map(|(c, data)| {
                let at = (row0 + r as u32, col0 + c as u32);
                let percent = styles
                    .as_ref()
                    .and_then(|s| s.get(at))
                    .and_then(|style| style.number_format.as_ref())
                    .is_some_and(|f| is_percent_format(&f.format_code));
                value(data, percent)
            })
            .collect();
        rows.push(cells);
    }
    Ok(Grid {
        first_row: row0 as usize + 1,
        first_col: col0 as usize + 1,
        rows,
    })
}

/// A number format that shows a percentage: a `%` outside quotes.
fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

const SECONDS_PER_DAY: f64 = 86_400.0;

fn value(data: &Data, percent: bool) -> Value {
    match data {
        Data::Empty => Value::Empty,
        Data::String(s) if s.trim().is_empty() => Value::Empty,
        Data::String(s) => Value::Text(s.trim().to_owned()),
        Data::Int(i) if percent => Value::Number(*i as f64 * 100.0),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) if percent => Value::Number(f * 100.0),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::Error(e) => Value::Error(e.to_string()),
        // A time of day with no date (a serial below 1) is a duration:
        // that is how exports write a handle time as `0:05:32`.
        Data::DateTime(dt) if dt.is_duration() || (0.0..1.0).contains(&dt.as_f64()) => {
            Value::Duration(dt.as_f64() * SECONDS_PER_DAY)
        }
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            civil(y, mo, d, h, mi, s, ms)
                .map_or_else(|| Value::Number(dt.as_f64()), Value::DateTime)
        }
        Data::DateTimeIso(text) => {
            iso_datetime(text).map_or_else(|| Value::Text(text.clone()), Value::DateTime)
        }
        Data::DurationIso(text) => text.parse::<jiff::SignedDuration>().map_or_else(
            |_| Value::Text(text.clone()),
            |d| Value::Duration(d.as_secs_f64()),
        ),
    }
}

fn civil(y: u16, mo: u8, d: u8, h: u8, mi: u8, s: u8, ms: u16) -> Option<jiff::civil::DateTime> {
    jiff::civil::DateTime::new(
        i16::try_from(y).ok()?,
        mo as i8,
        d as i8,
        h as i8,
        mi as i8,
        s as i8,
        i32::from(ms) * 1_000_000,
    )
    .ok()
}

/// `2026-10-01` or `2026-10-01T08:30:00`, as OpenDocument writes them.
fn iso_datetime(text: &str) -> Option<jiff::civil::DateTime> {
    text.parse::<jiff::civil::DateTime>().ok().or_else(|| {
        text.parse::<jiff::civil::Date>()
            .ok()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formats_are_told_from_others() {
        assert!(is_percent_format("0.0%"));
        assert!(is_percent_format("0%"));
        assert!(!is_percent_format("0.00\"%\""));
        assert!(!is_percent_format("0\\%"));
        assert!(!is_percent_format("General"));
    }

    #[test]
    fn times_without_a_date_are_durations() {
        let t = calamine::ExcelDateTime::new(
            193.0 / SECONDS_PER_DAY,
            calamine::ExcelDateTimeType::DateTime,
            false,
        );
        match value(&Data::DateTime(t), false) {
            Value::Duration(s) => assert!((s - 193.0).abs() < 1e-6),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            value(&Data::DurationIso("PT3M13S".into()), false),
            Value::Duration(193.0)
        );
        assert_eq!(
            value(&Data::DateTimeIso("2026-10-01".into()), false),
            Value::DateTime(
                jiff::civil::date(2026, 10, 1).to_datetime(jiff::civil::Time::midnight())
            )
        );
    }
}
