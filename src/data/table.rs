//! CSV files (KPIs and surveys): the header, the rows with their physical line
//! numbers, and the cell formats both kinds share.
//!
//! Lines are counted as in the file (a quoted field that spans lines counts
//! every line), and a cell's column is its 1-based field number, so that an
//! error's `file:line:col` leads to the cell in any editor or spreadsheet.

use std::io::Read;

use jiff::civil::Date;

use super::records::{self, Next, Records};
use crate::diag::{Diagnostics, Pos};

/// A CSV file whose header has been read, and whose rows are read a part
/// at a time: a file of a million rows is never in memory as a whole.
pub struct Table<R> {
    /// Relative to the plan root, as shown in messages.
    pub path: String,
    pub header: Vec<String>,
    records: Records<R>,
}

/// One row: its line, and its cells (trimmed) by column.
pub struct Row<'r> {
    pub line: usize,
    text: &'r str,
    spans: &'r [(usize, usize)],
}

impl<'r> Row<'r> {
    /// The cell of a column (0-based), trimmed; every row handed out has
    /// as many cells as the header has columns.
    pub fn cell(&self, col: usize) -> &'r str {
        let text = self.spans.get(col).and_then(|&(s, e)| self.text.get(s..e));
        trim(text.unwrap_or_default())
    }

    pub fn pos(&self, col: usize) -> Pos {
        Pos::new(self.line, col + 1)
    }
}

/// `str::trim`, without its scan for Unicode white space at either end when
/// both end bytes are printable ASCII, as in nearly every cell: such a byte
/// is a whole character, and no white space.
fn trim(cell: &str) -> &str {
    match cell.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => cell,
        [only] if only.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// What `path:line:col` a CSV error is reported at, and its message.
fn unreadable(e: &csv::Error) -> (Pos, String) {
    let line = e.position().map_or(1, |p| p.line() as usize);
    (Pos::new(line, 1), format!("unreadable CSV: {e}"))
}

const NOT_UTF8: &str = "the file is not UTF-8 text (save it as UTF-8)";

impl<R: Read> Table<R> {
    /// Reads the header; `None` (reported) when the file has none or it is
    /// unusable. A byte-order mark before it, as spreadsheet exports write,
    /// is skipped.
    pub fn open(path: &str, mut input: R, diags: &mut Diagnostics) -> Option<Table<R>> {
        // The header is read by `csv` from the file's first bytes, read
        // ahead; the rows after it by [`Records`], from where it stopped.
        let mut read = Vec::new();
        let (header, at, line, eof) = loop {
            let eof = match read_more(&mut input, &mut read) {
                Ok(eof) => eof,
                Err(e) => {
                    let (pos, message) = unreadable(&csv::Error::from(e));
                    diags.error(path, pos, message);
                    return None;
                }
            };
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(true)
                .flexible(true)
                .from_reader(&read[..]);
            let header = reader.byte_headers().cloned();
            let end = reader.position();
            // The header ends before what is read, or the file does.
            if eof || (end.byte() as usize) < read.len() {
                break (header, end.byte() as usize, end.line(), eof);
            }
        };
        // An empty file, or one whose first line is blank.
        let blank =
            |rec: &csv::ByteRecord| rec.iter().all(|c| c.trim_ascii().is_empty()) && rec.len() <= 1;
        let header: Vec<String> = match header {
            Ok(rec) if !blank(&rec) => {
                match rec
                    .iter()
                    .map(std::str::from_utf8)
                    .collect::<Result<Vec<_>, _>>()
                {
                    Ok(names) => names.iter().map(|h| h.trim().to_owned()).collect(),
                    Err(_) => {
                        diags.error(path, Pos::START, NOT_UTF8);
                        return None;
                    }
                }
            }
            Ok(_) => {
                diags.error(
                    path,
                    Pos::START,
                    "the file is empty: it needs a header line such as `date,metric,value`",
                );
                return None;
            }
            Err(e) => {
                let (pos, message) = unreadable(&e);
                diags.error(path, pos, message);
                return None;
            }
        };
        let mut ok = true;
        for (i, name) in header.iter().enumerate() {
            if name.is_empty() {
                diags.error(
                    path,
                    Pos::new(1, i + 1),
                    format!("column {} has no name", i + 1),
                );
                ok = false;
            } else if header[..i].contains(name) {
                diags.error(
                    path,
                    Pos::new(1, i + 1),
                    format!("column '{name}' appears twice"),
                );
                ok = false;
            }
        }
        ok.then(|| Table {
            path: path.to_owned(),
            header,
            records: Records::new(input, read, at, line, eof),
        })
    }

    /// The index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Calls `f` with every data row. Rows with the wrong number of fields are
    /// reported and skipped; text that is not UTF-8 ends the file, reported
    /// at its line and the first field that has it.
    pub fn rows(mut self, diags: &mut Diagnostics, mut f: impl FnMut(&Row, &mut Diagnostics)) {
        loop {
            let row = match self.records.read() {
                Next::Record(r) => Row {
                    line: r.line as usize,
                    text: r.text,
                    spans: r.spans,
                },
                Next::End => break,
                Next::NotUtf8 { line, field } => {
                    diags.error(&self.path, Pos::new(line as usize, field + 1), NOT_UTF8);
                    break;
                }
                Next::Failed(e) => {
                    let (pos, message) = unreadable(&csv::Error::from(e));
                    diags.error(&self.path, pos, message);
                    break;
                }
            };
            if row.spans.len() == 1 && row.cell(0).is_empty() {
                continue;
            }
            if row.spans.len() != self.header.len() {
                let message = format!(
                    "this row has {} fields but the header has {}",
                    row.spans.len(),
                    self.header.len()
                );
                diags.error(&self.path, Pos::new(row.line, 1), message);
                continue;
            }
            f(&row, diags);
        }
    }
}

/// Reads up to [`records::CHUNK`] more bytes onto the end of `read`; true
/// at the end of the input.
fn read_more(input: &mut impl Read, read: &mut Vec<u8>) -> std::io::Result<bool> {
    let want = read.len() + records::CHUNK;
    let got = input.take(records::CHUNK as u64).read_to_end(read)?;
    Ok(got == 0 || read.len() < want)
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
    // The digits were checked above: at most 9999, no sign, no overflow.
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0i16, |n, d| n * 10 + i16::from(d - b'0'));
    Date::new(num(0..4), num(5..7) as i8, num(8..10) as i8)
        .map_err(|_| format!("\"{cell}\" is not a calendar date"))
}

/// A plain decimal number within the bound every number of a plan keeps
/// (see [`super::plan_number`]); `None` for an empty cell.
pub fn parse_number(cell: &str) -> Result<Option<f64>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    if let Some(v) = plain_decimal(cell) {
        return Ok(Some(v));
    }
    match cell.parse::<f64>() {
        // Within the bound, the common case: no message text is made for
        // the millions of cells that need none.
        Ok(v) if v.abs() <= super::LARGEST => Ok(Some(v)),
        // Rust reads `inf` and `infinity` as numbers; a person does not.
        Ok(v) if v.is_finite() || !cell.to_ascii_lowercase().contains("inf") => {
            super::plan_number(v, &format!("\"{cell}\"")).map(Some)
        }
        _ => Err(format!("\"{cell}\" is not a number")),
    }
}

/// The value of a number written plainly (`80.5`, `-3`, `4.09`) with at
/// most 15 digits, or `None` for any other text, which `str::parse` reads.
///
/// A KPI file or a survey holds millions of such cells, and this is several
/// times faster than the general parser, with the same result to the bit:
/// the digits, read as a whole number, are below 2^53, and so is exact as
/// an `f64`, and so is the power of ten (10^15 at most), so their quotient
/// is one correctly rounded IEEE division, the correctly rounded value of
/// the decimal, as `str::parse` gives (Clinger's fast path). Its magnitude
/// is below 10^15, within [`super::LARGEST`].
fn plain_decimal(cell: &str) -> Option<f64> {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let bytes = cell.as_bytes();
    let (negative, text) = match bytes {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, bytes),
    };
    // At most 15 digits and a point: no overflow below.
    if text.is_empty() || text.len() > 16 {
        return None;
    }
    let mut mantissa = 0u64;
    let mut point = None;
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(b - b'0'),
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    let fraction = match point {
        // `5.` and `.5` are numbers too, left to the general parser.
        Some(p) if p == 0 || p + 1 == text.len() => return None,
        Some(p) => text.len() - p - 1,
        None if text.len() > 15 => return None,
        None => 0,
    };
    let value = mantissa as f64 / POWERS.get(fraction)?;
    Some(if negative { -value } else { value })
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
        assert_eq!(
            parse_number("-Infinity"),
            Err("\"-Infinity\" is not a number".into())
        );
        assert_eq!(
            parse_number("1e308"),
            Err("\"1e308\" is out of range (a plan's numbers lie between -1e15 and 1e15)".into())
        );
        assert!(parse_number("1e999").is_err());
        assert_eq!(parse_number("-1e15"), Ok(Some(-1e15)));
    }

    /// The fast path gives `str::parse`'s value to the bit, and leaves
    /// every other form to it.
    #[test]
    fn plain_decimals_read_as_the_general_parser_reads_them() {
        let mut rng = crate::rng::Rng::new(0x2545_f491_4f6c_dd1d);
        let mut next = || rng.next_u64();
        for _ in 0..200_000 {
            let digits = (next() % 15 + 1) as usize;
            let mut text: String = (0..digits)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let dot = (next() % (digits as u64 + 1)) as usize;
            if dot > 0 && dot < digits {
                text.insert(dot, '.');
            }
            if next() % 2 == 0 {
                text.insert(0, '-');
            }
            let fast = plain_decimal(&text).expect("a plain decimal");
            let general: f64 = text.parse().expect("a number");
            assert_eq!(fast.to_bits(), general.to_bits(), "{text}");
        }
        for text in [
            "0.1",
            "0.3",
            "-0",
            "-0.0",
            "007",
            "999999999999999",
            "0.00000000000001",
        ] {
            let general: f64 = text.parse().expect("a number");
            assert_eq!(
                plain_decimal(text).map(f64::to_bits),
                Some(general.to_bits())
            );
        }
        for text in [
            "",
            "-",
            ".",
            "5.",
            ".5",
            "-.5",
            "+5",
            "1e3",
            "1,5",
            "1.2.3",
            "--1",
            "1-",
            " 1",
            "0x10",
            "inf",
            "NaN",
            "1234567890123456",
            "0.1234567890123456",
            "١",
        ] {
            assert_eq!(plain_decimal(text), None, "{text}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_bad_text_is_placed() {
        let bytes = b"\xef\xbb\xbfdate,x\n2026-01-01,a\n2026-01-02,caf\xe9\n2026-01-03,b\n";
        let mut diags = Diagnostics::default();
        let table = Table::open("k.csv", &bytes[..], &mut diags).expect("header");
        assert_eq!(table.header, ["date", "x"]);
        let mut lines = Vec::new();
        table.rows(&mut diags, |row, _| lines.push(row.line));
        // The file ends at the first text that is not UTF-8.
        assert_eq!(lines, [2]);
        let found = diags.sorted();
        assert_eq!((found[0].line, found[0].column), (3, 2));
        assert_eq!(found[0].message, NOT_UTF8);
    }

    #[test]
    fn rows_carry_physical_lines() {
        let text = "date,comment\n2026-01-01,\"two\nlines\"\n2026-01-02,x\n";
        let mut diags = Diagnostics::default();
        let table = Table::open("k.csv", text.as_bytes(), &mut diags).expect("header");
        let mut lines = Vec::new();
        table.rows(&mut diags, |row, _| lines.push(row.line));
        assert_eq!(lines, [2, 4]);
    }
}
