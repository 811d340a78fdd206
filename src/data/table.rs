//! CSV files (KPIs and surveys): the header, the rows with their physical line
//! numbers, and the cell formats both kinds share.
//!
//! Lines are counted as in the file (a quoted field that spans lines counts
//! every line), and a cell's column is its 1-based field number, so that an
//! error's `file:line:col` leads to the cell in any editor or spreadsheet.

use jiff::civil::Date;

use crate::diag::{Diagnostics, Pos, Source};

/// A CSV file whose header has been read.
pub struct Table<'s> {
    pub src: &'s Source,
    pub header: Vec<String>,
}

/// One row: its line, its cells (trimmed) and a way to report a cell's problem.
pub struct Row<'r> {
    pub line: usize,
    pub cells: Vec<&'r str>,
}

impl Row<'_> {
    pub fn pos(&self, col: usize) -> Pos {
        Pos::new(self.line, col + 1)
    }
}

impl<'s> Table<'s> {
    /// Reads the header; `None` (reported) when the file has none or it is unusable.
    pub fn open(src: &'s Source, diags: &mut Diagnostics) -> Option<Table<'s>> {
        let first = src.text.lines().next().unwrap_or_default();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(first.as_bytes());
        let header: Vec<String> = match reader.records().next() {
            Some(Ok(rec)) => rec.iter().map(|h| h.trim().to_owned()).collect(),
            _ => {
                diags.error(
                    &src.path,
                    Pos::START,
                    "the file is empty: it needs a header line such as `date,metric,value`",
                );
                return None;
            }
        };
        let mut ok = true;
        for (i, name) in header.iter().enumerate() {
            if name.is_empty() {
                diags.error(
                    &src.path,
                    Pos::new(1, i + 1),
                    format!("column {} has no name", i + 1),
                );
                ok = false;
            } else if header[..i].contains(name) {
                diags.error(
                    &src.path,
                    Pos::new(1, i + 1),
                    format!("column '{name}' appears twice"),
                );
                ok = false;
            }
        }
        ok.then_some(Table { src, header })
    }

    /// The index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Calls `f` with every data row. Rows with the wrong number of fields are
    /// reported and skipped.
    pub fn rows(&self, diags: &mut Diagnostics, mut f: impl FnMut(&Row, &mut Diagnostics)) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(self.src.text.as_bytes());
        let mut record = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(1, |p| p.line() as usize);
                    diags.error(
                        &self.src.path,
                        Pos::new(line, 1),
                        format!("unreadable CSV: {e}"),
                    );
                    break;
                }
            }
            let line = record.position().map_or(0, |p| p.line() as usize);
            // The text is UTF-8 already (checked when read), and the CSV parser
            // splits only at ASCII bytes, so every field is UTF-8 too.
            let cells: Vec<&str> = record
                .iter()
                .map(|c| std::str::from_utf8(c).unwrap_or_default().trim())
                .collect();
            if cells.len() == 1 && cells[0].is_empty() {
                continue;
            }
            if cells.len() != self.header.len() {
                let message = format!(
                    "this row has {} fields but the header has {}",
                    cells.len(),
                    self.header.len()
                );
                diags.error(&self.src.path, Pos::new(line, 1), message);
                continue;
            }
            f(&Row { line, cells }, diags);
        }
    }
}

/// `2026-09-01`, or a date-time (`2026-09-01T08:30:00`, `2026-09-01 08:30`,
/// with seconds, fractions or an offset) truncated to its date.
pub fn parse_date(cell: &str) -> Result<Date, String> {
    let bad = || format!("\"{cell}\" is not a date (write YYYY-MM-DD)");
    if cell.len() < 10 || !cell.is_char_boundary(10) {
        return Err(bad());
    }
    let (date, time) = cell.split_at(10);
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return Err(bad());
    }
    if !time.is_empty() {
        let t = time.as_bytes();
        let looks_like_time = (t[0] == b'T' || t[0] == b' ')
            && t.len() >= 6
            && t[1..3].iter().all(u8::is_ascii_digit)
            && t[3] == b':'
            && t[4..6].iter().all(u8::is_ascii_digit);
        if !looks_like_time {
            return Err(bad());
        }
    }
    let num = |r: std::ops::Range<usize>| date[r].parse::<i16>().unwrap_or(0);
    Date::new(num(0..4), num(5..7) as i8, num(8..10) as i8)
        .map_err(|_| format!("\"{cell}\" is not a calendar date"))
}

/// A plain decimal number; `None` for an empty cell.
pub fn parse_number(cell: &str) -> Result<Option<f64>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(format!("\"{cell}\" is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_date_times() {
        assert_eq!(parse_date("2026-09-01"), Ok(jiff::civil::date(2026, 9, 1)));
        assert_eq!(
            parse_date("2026-09-01T08:30:00"),
            Ok(jiff::civil::date(2026, 9, 1))
        );
        assert_eq!(
            parse_date("2026-09-01 08:30"),
            Ok(jiff::civil::date(2026, 9, 1))
        );
        assert_eq!(
            parse_date("2026-02-30"),
            Err("\"2026-02-30\" is not a calendar date".into())
        );
        assert!(parse_date("01/09/2026").is_err());
        assert!(parse_date("2026-09-01x").is_err());
        assert!(parse_date("2026-09-0ñ").is_err());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("6.25"), Ok(Some(6.25)));
        assert_eq!(parse_number("1e3"), Ok(Some(1000.0)));
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("n/a"), Err("\"n/a\" is not a number".into()));
        assert!(parse_number("NaN").is_err());
        assert!(parse_number("1,5").is_err());
    }

    #[test]
    fn rows_carry_physical_lines() {
        let src = Source::new(
            "k.csv",
            "date,comment\n2026-01-01,\"two\nlines\"\n2026-01-02,x\n".into(),
        );
        let mut diags = Diagnostics::default();
        let table = Table::open(&src, &mut diags).expect("header");
        let mut lines = Vec::new();
        table.rows(&mut diags, |row, _| lines.push(row.line));
        assert_eq!(lines, [2, 4]);
    }
}
