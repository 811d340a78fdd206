//! A platform's export as `cxreport import` reads it: a header and rows of
//! cells, from a CSV file in any common dialect (streamed, so a log of
//! millions of rows is never in memory) or from a spreadsheet's sheet.
//!
//! Layer 1 (records). The cells of a CSV file are text, read here in the
//! recipe's dialect (delimiter, decimal separator, date pattern, `%` signs,
//! `h:mm:ss` durations); a spreadsheet's cells come typed (see `sheet`).
//!
//! The dialect functions at the end (`number`, `duration_seconds`, `date`)
//! stand in for `data::dialect` (issue 17), which is being written beside
//! this; they are small on purpose so that the two can be unified.

use std::io::{BufRead as _, BufReader, Read};
use std::path::Path;

use jiff::civil::Date;

use super::recipe::{Decimal, Recipe};
use super::sheet::{self, Grid, Value};
use crate::diag::{Diagnostics, Pos};

/// One cell of an export.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Empty,
    /// Text as written (trimmed): every cell of a CSV file.
    Text(&'a str),
    Number(f64),
    DateTime(jiff::civil::DateTime),
    /// Seconds.
    Duration(f64),
    Bool(bool),
    /// A spreadsheet error value such as `#N/A`.
    Error(&'a str),
    /// CSV bytes that are not UTF-8 text.
    NotUtf8,
}

/// An export whose header has been read.
pub struct Export {
    /// As shown in messages: the path given on the command line.
    pub path: String,
    pub header: Vec<String>,
    /// The dialect the cells are read in.
    pub dialect: Dialect,
    body: Body,
}

/// How a CSV file's text cells are read (spreadsheets need only `date_format`
/// for dates typed as text).
#[derive(Debug, Clone)]
pub struct Dialect {
    pub delimiter: u8,
    pub decimal: Decimal,
    pub date_format: Option<String>,
}

enum Body {
    Csv(csv::Reader<Box<dyn Read>>),
    Sheet(Grid),
}

/// One row of an export.
pub struct Row<'r> {
    /// The physical line (CSV) or the row number (spreadsheet).
    pub line: usize,
    first_col: usize,
    cells: Cells<'r>,
}

enum Cells<'r> {
    Csv(&'r csv::ByteRecord),
    Sheet(&'r [Value]),
}

impl<'r> Row<'r> {
    /// The cell of a column of the header (0-based).
    pub fn cell(&self, col: usize) -> Cell<'r> {
        match self.cells {
            Cells::Csv(record) => match record.get(col).map(std::str::from_utf8) {
                None => Cell::Empty,
                Some(Err(_)) => Cell::NotUtf8,
                Some(Ok(text)) => match text.trim() {
                    "" => Cell::Empty,
                    text => Cell::Text(text),
                },
            },
            Cells::Sheet(values) => match values.get(col) {
                None | Some(Value::Empty) => Cell::Empty,
                Some(Value::Text(t)) => Cell::Text(t),
                Some(Value::Number(n)) => Cell::Number(*n),
                Some(Value::DateTime(d)) => Cell::DateTime(*d),
                Some(Value::Duration(s)) => Cell::Duration(*s),
                Some(Value::Bool(b)) => Cell::Bool(*b),
                Some(Value::Error(e)) => Cell::Error(e),
            },
        }
    }

    /// Where a cell is, for a problem with it.
    pub fn pos(&self, col: usize) -> Pos {
        Pos::new(self.line, self.first_col + col)
    }

    /// How many cells the row has (a CSV row may have more or fewer than
    /// the header).
    fn width(&self) -> usize {
        match self.cells {
            Cells::Csv(r) => r.len(),
            Cells::Sheet(v) => v.len(),
        }
    }

    /// Whether every cell is empty (a blank line, a sheet's empty row).
    pub fn is_blank(&self) -> bool {
        (0..self.width()).all(|i| self.cell(i) == Cell::Empty)
    }
}

impl Export {
    /// Opens an export and reads its header; `None` (reported) when it
    /// cannot be read or has no header. `shown` is its path in messages.
    /// The extension says whether it is a spreadsheet.
    pub fn open(
        path: &Path,
        shown: &str,
        recipe: &Recipe,
        diags: &mut Diagnostics,
    ) -> anyhow::Result<Option<Export>> {
        let failed = |e: std::io::Error| anyhow::anyhow!("cannot read {}: {e}", path.display());
        if sheet::is_spreadsheet(path) {
            let bytes = std::fs::read(path).map_err(failed)?;
            return Ok(Self::sheet(bytes, shown, recipe, diags));
        }
        let file = std::fs::File::open(path).map_err(failed)?;
        Self::csv(Box::new(file), shown, recipe, diags).map_err(failed)
    }

    /// [`Export::open`] for an export held in memory, named `name` (the
    /// fuzzer's way in: every reader, no file system).
    pub fn from_bytes(
        name: &str,
        bytes: Vec<u8>,
        recipe: &Recipe,
        diags: &mut Diagnostics,
    ) -> Option<Export> {
        if sheet::is_spreadsheet(Path::new(name)) {
            Self::sheet(bytes, name, recipe, diags)
        } else {
            let input = Box::new(std::io::Cursor::new(bytes));
            Self::csv(input, name, recipe, diags).ok().flatten()
        }
    }

    /// A CSV export, read as a stream; its dialect found from the header
    /// line where the recipe does not say.
    fn csv(
        input: Box<dyn Read>,
        shown: &str,
        recipe: &Recipe,
        diags: &mut Diagnostics,
    ) -> std::io::Result<Option<Export>> {
        let mut input = BufReader::with_capacity(1 << 16, input);
        let first = input.fill_buf()?;
        let delimiter = recipe
            .delimiter
            .unwrap_or_else(|| detect_delimiter(first_line(first)));
        let dialect = Dialect {
            delimiter,
            decimal: recipe.decimal.unwrap_or(if delimiter == b';' {
                Decimal::Comma
            } else {
                Decimal::Point
            }),
            date_format: recipe.date_format.clone(),
        };
        if recipe.sheet.is_some() {
            diags.warning(
                shown,
                Pos::START,
                "`sheet` is for spreadsheets; this file is read as CSV",
            );
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .from_reader(Box::new(input) as Box<dyn Read>);
        let header = match reader.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line() as usize);
                diags.error(shown, Pos::new(line, 1), format!("unreadable CSV: {e}"));
                return Ok(None);
            }
        };
        let mut names = Vec::new();
        for (i, name) in header.iter().enumerate() {
            match std::str::from_utf8(name) {
                Ok(n) => names.push(n.trim_start_matches('\u{feff}').trim().to_owned()),
                Err(_) => {
                    diags.error(
                        shown,
                        Pos::new(1, i + 1),
                        "the header is not UTF-8 text (save the export as UTF-8)",
                    );
                    return Ok(None);
                }
            }
        }
        Ok(Self::checked(
            shown,
            names,
            dialect,
            Body::Csv(reader),
            diags,
        ))
    }

    /// A spreadsheet export: the recipe's sheet, whole.
    fn sheet(
        bytes: Vec<u8>,
        shown: &str,
        recipe: &Recipe,
        diags: &mut Diagnostics,
    ) -> Option<Export> {
        let mut grid = match sheet::read(bytes, recipe.sheet.as_deref()) {
            Ok(grid) => grid,
            Err(message) => {
                diags.error(shown, Pos::START, format!("this file {message}"));
                return None;
            }
        };
        let blank = |row: &Vec<Value>| row.iter().all(|v| *v == Value::Empty);
        let skip = grid.rows.iter().take_while(|r| blank(r)).count();
        grid.rows.drain(..skip);
        grid.first_row += skip;
        if grid.rows.is_empty() {
            diags.error(shown, Pos::START, "the sheet is empty");
            return None;
        }
        let header_row = grid.rows.remove(0);
        let mut names = Vec::new();
        for (i, v) in header_row.iter().enumerate() {
            names.push(match v {
                Value::Empty => String::new(),
                Value::Text(t) => t.clone(),
                Value::Number(n) => n.to_string(),
                other => {
                    diags.error(
                        shown,
                        Pos::new(grid.first_row, grid.first_col + i),
                        format!("the header's cell is not a name but {other:?}"),
                    );
                    return None;
                }
            });
        }
        // Trailing empty header cells are a sheet's formatting, not columns.
        while names.last().is_some_and(String::is_empty) {
            names.pop();
        }
        let dialect = Dialect {
            delimiter: b',',
            decimal: recipe.decimal.unwrap_or(Decimal::Point),
            date_format: recipe.date_format.clone(),
        };
        grid.first_row += 1;
        Self::checked(shown, names, dialect, Body::Sheet(grid), diags)
    }

    /// The header's names checked: none empty (but for trailing ones), none twice.
    fn checked(
        shown: &str,
        header: Vec<String>,
        dialect: Dialect,
        body: Body,
        diags: &mut Diagnostics,
    ) -> Option<Export> {
        let mut ok = true;
        let line = match &body {
            Body::Csv(_) => 1,
            Body::Sheet(g) => g.first_row - 1,
        };
        let first_col = match &body {
            Body::Csv(_) => 1,
            Body::Sheet(g) => g.first_col,
        };
        for (i, name) in header.iter().enumerate() {
            let folded = super::recipe::fold(name);
            if name.is_empty() {
                continue;
            }
            if header[..i].iter().any(|h| super::recipe::fold(h) == folded) {
                diags.error(
                    shown,
                    Pos::new(line, first_col + i),
                    format!("column {name:?} appears twice in the header"),
                );
                ok = false;
            }
        }
        ok.then(|| Export {
            path: shown.to_owned(),
            header,
            dialect,
            body,
        })
    }

    /// The line of the header, for problems with a column.
    pub fn header_pos(&self, col: usize) -> Pos {
        match &self.body {
            Body::Csv(_) => Pos::new(1, col + 1),
            Body::Sheet(g) => Pos::new(g.first_row - 1, g.first_col + col),
        }
    }

    /// Calls `f` with every row that is not blank, in order. A CSV file that
    /// cannot be read further (broken quoting) is reported where it stops.
    pub fn rows(self, diags: &mut Diagnostics, mut f: impl FnMut(&Row<'_>, &mut Diagnostics)) {
        match self.body {
            Body::Csv(mut reader) => {
                let mut record = csv::ByteRecord::new();
                loop {
                    match reader.read_byte_record(&mut record) {
                        Ok(true) => {}
                        Ok(false) => break,
                        Err(e) => {
                            let line = e.position().map_or(1, |p| p.line() as usize);
                            diags.error(
                                &self.path,
                                Pos::new(line, 1),
                                format!("unreadable CSV: {e}"),
                            );
                            break;
                        }
                    }
                    let line = record.position().map_or(0, |p| p.line() as usize);
                    let row = Row {
                        line,
                        first_col: 1,
                        cells: Cells::Csv(&record),
                    };
                    if row.is_blank() {
                        continue;
                    }
                    f(&row, diags);
                }
            }
            Body::Sheet(grid) => {
                for (i, values) in grid.rows.iter().enumerate() {
                    let row = Row {
                        line: grid.first_row + i,
                        first_col: grid.first_col,
                        cells: Cells::Sheet(values),
                    };
                    if row.is_blank() {
                        continue;
                    }
                    f(&row, diags);
                }
            }
        }
    }
}

/// The first line of a file's first bytes, without a byte-order mark.
fn first_line(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
    &bytes[..end]
}

/// The delimiter of a header line: whichever of `,` `;` tab `|` it has most
/// of outside quotes (`,` when it has none, a file of one column).
pub fn detect_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(i) = candidates.iter().position(|&c| c == b) {
            counts[i] += 1;
        }
    }
    let (best, n) = counts
        .iter()
        .enumerate()
        .max_by_key(|&(i, n)| (*n, std::cmp::Reverse(i)))
        .unwrap_or((0, &0));
    if *n == 0 { b',' } else { candidates[best] }
}

/// A number written in `decimal`'s convention: `85,3`, `1.234,5`,
/// `85,3 %` (the `%` is dropped: the metric's unit says it is a
/// percentage), `-2`. Grouping separators must group by three, so that
/// `85,3` in a file read with `decimal = "."` is an error, never 853.
pub fn number(cell: &str, decimal: Decimal) -> Result<f64, String> {
    let text = cell
        .trim()
        .trim_end_matches('%')
        .trim_end_matches(['\u{a0}', '\u{202f}', ' ']);
    let (point, group) = match decimal {
        Decimal::Point => ('.', ','),
        Decimal::Comma => (',', '.'),
    };
    let not_number = || {
        let other = match decimal {
            Decimal::Point => ",",
            Decimal::Comma => ".",
        };
        if text.contains(group) && !text.contains(point) && text.matches(group).count() == 1 {
            format!(
                "{cell:?} is not a number with decimal {:?}; if the export uses {other:?} for decimals, set `decimal = \"{other}\"` in the recipe",
                point.to_string()
            )
        } else {
            format!("{cell:?} is not a number")
        }
    };
    let (int, frac) = match text.split_once(point) {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let (sign, int) = match int.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", int.strip_prefix('+').unwrap_or(int)),
    };
    // Spaces (plain and no-break) also group thousands in many locales.
    let groups: Vec<&str> = int.split([group, ' ', '\u{a0}', '\u{202f}']).collect();
    let grouped = groups.len() > 1;
    let valid_groups = !grouped
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && digits(f));
    if !valid_groups
        || !groups.iter().all(|g| digits(g))
        || !frac_ok
        || (int.is_empty() && frac.is_none())
    {
        return Err(not_number());
    }
    let mut plain = String::with_capacity(text.len());
    plain.push_str(sign);
    groups.iter().for_each(|g| plain.push_str(g));
    if plain.len() == sign.len() {
        plain.push('0');
    }
    if let Some(f) = frac {
        plain.push('.');
        plain.push_str(f);
    }
    let value: f64 = plain.parse().map_err(|_| not_number())?;
    super::plan_number(value, &format!("{cell:?}"))
}

/// `h:mm:ss`, `mm:ss` (`0:05:32`, `5:32`, `1:02:03.5`) in seconds.
pub fn duration_seconds(cell: &str) -> Option<f64> {
    // A contact log has one or two of these on each of millions of rows:
    // read without allocating.
    let mut parts = cell.trim().split(':');
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next());
    if parts.next().is_some() {
        return None;
    }
    let whole = |s: &str| -> Option<u64> {
        if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (hours, minutes, last) = match c {
        Some(last) if b.len() == 2 => (whole(a)?, whole(b)?, last),
        Some(_) => return None,
        None => (0, whole(a)?, b),
    };
    let (secs, frac) = match last.find(['.', ',']) {
        Some(i) => (&last[..i], &last[i + 1..]),
        None => (last, ""),
    };
    if secs.len() != 2 || !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 9 {
        return None;
    }
    let seconds = whole(secs)?;
    if seconds >= 60 || (c.is_some() && minutes >= 60) {
        return None;
    }
    let fraction = if frac.is_empty() {
        0.0
    } else {
        whole(frac)? as f64 / 10f64.powi(frac.len() as i32)
    };
    Some((hours * 3600 + minutes * 60 + seconds) as f64 + fraction)
}

/// A date written with `format` (a strftime pattern), or as ISO
/// (`2026-10-31`, or a date-time truncated to its date) without one.
pub fn date(cell: &str, format: Option<&str>) -> Result<Date, String> {
    match format {
        None => super::table::parse_date(cell).map_err(|_| {
            format!("{cell:?} is not an ISO date (YYYY-MM-DD); if the export writes dates another way, set `date_format` in the recipe, such as \"%d/%m/%Y\"")
        }),
        Some(pattern) => jiff::fmt::strtime::parse(pattern, cell)
            .and_then(|tm| tm.to_date())
            .map_err(|_| format!("{cell:?} is not a date written as {pattern:?}")),
    }
}

/// The day a date-time falls on: in `zone` when it carries an offset
/// (`2026-10-01T23:30:00Z`) and the recipe names one, else as written.
pub fn datetime_day(
    cell: &str,
    format: Option<&str>,
    zone: Option<&jiff::tz::TimeZone>,
) -> Result<Date, String> {
    let bad = || match format {
        Some(p) => format!("{cell:?} is not a date and time written as {p:?}"),
        None => format!(
            "{cell:?} is not an ISO date and time (2026-10-01T08:30:00, with or without an offset); set `date_format` in the recipe, such as \"%d/%m/%Y %H:%M:%S\""
        ),
    };
    if let Some(pattern) = format {
        let tm = jiff::fmt::strtime::parse(pattern, cell).map_err(|_| bad())?;
        if let (Some(zone), Ok(ts)) = (zone, tm.to_timestamp()) {
            return Ok(ts.to_zoned(zone.clone()).date());
        }
        return tm.to_date().map_err(|_| bad());
    }
    if let (Some(zone), Ok(ts)) = (zone, cell.parse::<jiff::Timestamp>()) {
        return Ok(ts.to_zoned(zone.clone()).date());
    }
    super::table::parse_date(cell).map_err(|_| bad())
}

/// How many seconds one unit of a metric is, for a unit of time.
pub fn seconds_per_unit(unit: &str) -> Option<f64> {
    Some(match super::recipe::fold(unit).as_str() {
        "ms" | "milliseconds" => 0.001,
        "s" | "sec" | "secs" | "second" | "seconds" | "seg" | "segundos" => 1.0,
        "min" | "mins" | "minute" | "minutes" | "minutos" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" | "horas" => 3600.0,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_found_outside_quotes() {
        assert_eq!(detect_delimiter(b"a;b;c"), b';');
        assert_eq!(detect_delimiter(b"\"a,b\";c"), b';');
        assert_eq!(detect_delimiter(b"a\tb"), b'\t');
        assert_eq!(detect_delimiter(b"a|b|c,d"), b'|');
        assert_eq!(detect_delimiter(b"abc"), b',');
    }

    #[test]
    fn numbers_in_both_conventions() {
        assert_eq!(number("85,3 %", Decimal::Comma), Ok(85.3));
        assert_eq!(number("1.234,5", Decimal::Comma), Ok(1234.5));
        assert_eq!(number("1,234.5", Decimal::Point), Ok(1234.5));
        assert_eq!(number("-2", Decimal::Point), Ok(-2.0));
        assert_eq!(number("12%", Decimal::Point), Ok(12.0));
        assert_eq!(number("1 234", Decimal::Point), Ok(1234.0));
        assert_eq!(
            number("85,3", Decimal::Point),
            Err("\"85,3\" is not a number with decimal \".\"; if the export uses \",\" for decimals, set `decimal = \",\"` in the recipe".into())
        );
        assert!(number("1,23,4", Decimal::Point).is_err());
        assert!(number("n/a", Decimal::Point).is_err());
        assert!(number("", Decimal::Point).is_err());
        assert!(number("-", Decimal::Point).is_err());
        assert!(number("1e999", Decimal::Point).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(duration_seconds("0:03:13"), Some(193.0));
        assert_eq!(duration_seconds("5:32"), Some(332.0));
        assert_eq!(duration_seconds("1:02:03,5"), Some(3723.5));
        assert_eq!(duration_seconds("0:61:00"), None);
        assert_eq!(duration_seconds("12"), None);
        assert_eq!(duration_seconds("a:bc"), None);
    }

    #[test]
    fn dates_with_and_without_a_pattern() {
        let d = jiff::civil::date(2026, 10, 31);
        assert_eq!(date("31/10/2026", Some("%d/%m/%Y")), Ok(d));
        assert_eq!(date("2026-10-31", None), Ok(d));
        assert!(
            date("31/10/2026", None)
                .unwrap_err()
                .contains("date_format")
        );
        let utc = jiff::tz::TimeZone::UTC;
        let madrid = jiff::tz::TimeZone::get("Europe/Madrid").expect("tzdb");
        assert_eq!(
            datetime_day("2026-10-30T23:30:00Z", None, Some(&madrid)),
            Ok(d)
        );
        assert_eq!(
            datetime_day("2026-10-30T23:30:00Z", None, Some(&utc)),
            Ok(jiff::civil::date(2026, 10, 30))
        );
        assert_eq!(datetime_day("2026-10-31 08:00", None, Some(&madrid)), Ok(d));
    }
}
