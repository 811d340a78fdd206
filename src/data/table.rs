//! CSV files (KPIs and surveys): the header, the rows with their physical line
//! numbers, and the cell formats both kinds share.
//!
//! Lines are counted as in the file (a quoted field that spans lines counts
//! every line), and a cell's column is its 1-based field number, so that an
//! error's `file:line:col` leads to the cell in any editor or spreadsheet.

use std::io::Read;

use super::dialect::{DELIMITERS, Dialect, Resolved};
use super::records::{self, Next, Records};
use crate::diag::{Diagnostics, Pos};

/// A CSV file whose header has been read, and whose rows are read a part
/// at a time: a file of a million rows is never in memory as a whole.
pub struct Table<R> {
    /// Relative to the plan root, as shown in messages.
    pub path: String,
    pub header: Vec<String>,
    /// The dialect the file is read in, its delimiter and decimal found
    /// from the header line when the plan does not set them.
    pub dialect: Resolved,
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
    /// is skipped. What `dialect` leaves unset is found from the header line.
    pub fn open(
        path: &str,
        mut input: R,
        dialect: &Dialect,
        diags: &mut Diagnostics,
    ) -> Option<Table<R>> {
        // The header is read by `csv` from the file's first bytes, read
        // ahead; the rows after it by [`Records`], from where it stopped.
        let mut read = Vec::new();
        let mut more = |read: &mut Vec<u8>, diags: &mut Diagnostics| {
            read_more(&mut input, read).map_err(|e| {
                let (pos, message) = unreadable(&csv::Error::from(e));
                diags.error(path, pos, message);
            })
        };
        // The first line, to find the delimiter in (up to a CR too: a file
        // whose lines end in CR alone has no LF to read up to).
        let mut eof = false;
        while !eof && memchr::memchr2(b'\n', b'\r', &read).is_none() {
            eof = more(&mut read, diags).ok()?;
        }
        let dialect = dialect.resolve(&read);
        let mut first = true;
        let (header, at, line, eof) = loop {
            if !first {
                eof = more(&mut read, diags).ok()?;
            }
            first = false;
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(dialect.delimiter)
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
        let delimiter = dialect.delimiter;
        ok.then(|| Table {
            path: path.to_owned(),
            header,
            dialect,
            records: Records::new(input, read, at, line, eof, delimiter),
        })
    }

    /// The index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The problem of a header without a `date` column. When the header is
    /// one column that another delimiter would split into one with a
    /// `date`, the file is most likely not in the delimiter `[csv]` sets
    /// for it, and the message says so rather than only what is missing.
    pub fn no_date(&self) -> String {
        if let [only] = self.header.as_slice() {
            let other = DELIMITERS.into_iter().find(|&d| {
                d != self.dialect.delimiter && only.split(char::from(d)).any(|c| c.trim() == "date")
            });
            if let Some(d) = other {
                let shown = |d: u8| match d {
                    b'\t' => "\\t".to_owned(),
                    d => char::from(d).to_string(),
                };
                return format!(
                    "the header has no `date` column: split at \"{}\", as cxreport.toml's `[csv]` says, it is one column; the file seems to be separated by \"{}\": set `delimiter = \"{}\"` in a `[csv.\"{}\"]` table",
                    shown(self.dialect.delimiter),
                    shown(d),
                    shown(d),
                    self.path
                );
            }
        }
        let hint = crate::diag::hint("date", self.header.iter().map(String::as_str));
        format!("the header has no `date` column{hint}")
    }

    /// Calls `f` with every data row. Rows with the wrong number of fields are
    /// reported (one problem for all of them) and skipped; text that is not
    /// UTF-8 ends the file, reported at its line and the first field that
    /// has it.
    ///
    /// The problems `f` reports are listed up to [`LISTED`] per file and
    /// counted past it: a mistake on every row of a million that is not one
    /// of the kinds `dialect::Mistakes` groups must not print a million
    /// lines (issue 17).
    pub fn rows(mut self, diags: &mut Diagnostics, mut f: impl FnMut(&Row, &mut Diagnostics)) {
        let mut fields = FieldCounts::default();
        let mut listed = 0;
        let mut scratch = Diagnostics::default();
        let mut unlisted: Option<(Pos, usize)> = None;
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
                fields.note(row.line, row.spans.len());
                continue;
            }
            if listed < LISTED {
                let before = diags.len();
                f(&row, diags);
                listed += diags.len() - before;
            } else {
                f(&row, &mut scratch);
                if !scratch.is_empty() {
                    let (_, n) = unlisted.get_or_insert((Pos::new(row.line, 1), 0));
                    *n += scratch.len();
                    scratch.clear();
                }
            }
        }
        fields.report(&self.path, self.header.len(), self.dialect.delimiter, diags);
        if let Some((pos, n)) = unlisted {
            let message = format!(
                "{n} more problems in this file from this line on are not listed, after the first {LISTED}: fix those and check again"
            );
            diags.error(&self.path, pos, message);
        }
    }
}

/// How many problems of its rows' own a file lists before it only counts
/// them.
pub const LISTED: usize = 100;

/// The rows whose number of fields is not the header's.
#[derive(Default)]
struct FieldCounts {
    rows: usize,
    /// The first few rows' lines and fields.
    first: Vec<(usize, usize)>,
}

impl FieldCounts {
    fn note(&mut self, line: usize, fields: usize) {
        self.rows += 1;
        if self.first.len() < 3 {
            self.first.push((line, fields));
        }
    }

    /// One problem at the first such row: its own message when it is the
    /// only one.
    fn report(&self, path: &str, header: usize, delimiter: u8, diags: &mut Diagnostics) {
        let Some(&(line, fields)) = self.first.first() else {
            return;
        };
        let message = if self.rows == 1 {
            format!("this row has {fields} fields but the header has {header}")
        } else {
            let lines: Vec<String> = self.first.iter().map(|(l, _)| l.to_string()).collect();
            let more = self.rows - self.first.len();
            let lines = if more > 0 {
                format!("{} and {more} more", lines.join(", "))
            } else {
                let (last, rest) = lines
                    .split_last()
                    .map_or(("", &[][..]), |(l, r)| (l.as_str(), r));
                format!("{} and {last}", rest.join(", "))
            };
            let delimiter = match delimiter {
                b'\t' => "tab".to_owned(),
                d => format!("`{}`", char::from(d)),
            };
            format!(
                "{} rows have another number of fields than the header's {header}, such as {fields} (lines {lines}); a field that holds a {delimiter} needs quotes around it",
                self.rows
            )
        };
        diags.error(path, Pos::new(line, 1), message);
    }
}

/// Reads up to [`records::CHUNK`] more bytes onto the end of `read`; true
/// at the end of the input.
fn read_more(input: &mut impl Read, read: &mut Vec<u8>) -> std::io::Result<bool> {
    let want = read.len() + records::CHUNK;
    let got = input.take(records::CHUNK as u64).read_to_end(read)?;
    Ok(got == 0 || read.len() < want)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_skipped_and_bad_text_is_placed() {
        let bytes = b"\xef\xbb\xbfdate,x\n2026-01-01,a\n2026-01-02,caf\xe9\n2026-01-03,b\n";
        let mut diags = Diagnostics::default();
        let table =
            Table::open("k.csv", &bytes[..], &Dialect::default(), &mut diags).expect("header");
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
        let table =
            Table::open("k.csv", text.as_bytes(), &Dialect::default(), &mut diags).expect("header");
        let mut lines = Vec::new();
        table.rows(&mut diags, |row, _| lines.push(row.line));
        assert_eq!(lines, [2, 4]);
    }

    #[test]
    fn the_delimiter_is_found_from_the_header_in_every_line_ending() {
        for text in [
            "date;x\n2026-01-01;a,b\n",
            "date;x\r\n2026-01-01;a,b\r\n",
            "date;x\r2026-01-01;a,b\r",
        ] {
            let mut diags = Diagnostics::default();
            let table = Table::open("k.csv", text.as_bytes(), &Dialect::default(), &mut diags)
                .expect("header");
            assert_eq!(table.header, ["date", "x"], "{text:?}");
            assert_eq!(table.dialect.delimiter, b';');
            let mut cells = Vec::new();
            table.rows(&mut diags, |row, _| cells.push(row.cell(1).to_owned()));
            assert_eq!(cells, ["a,b"], "{text:?}");
        }
    }

    #[test]
    fn rows_with_the_wrong_number_of_fields_are_one_problem() {
        let mut diags = Diagnostics::default();
        let text =
            "date,x\n2026-01-01,a,b\n2026-01-02,a\n2026-01-03,a,b\n2026-01-04\n2026-01-05,a,b\n";
        let table =
            Table::open("k.csv", text.as_bytes(), &Dialect::default(), &mut diags).expect("header");
        table.rows(&mut diags, |_, _| {});
        let found: Vec<String> = diags
            .sorted()
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect();
        assert_eq!(
            found,
            [
                "2:1: 4 rows have another number of fields than the header's 2, such as 3 (lines 2, 4, 5 and 1 more); a field that holds a `,` needs quotes around it"
            ]
        );
    }

    #[test]
    fn a_file_lists_a_bounded_number_of_its_rows_problems() {
        let mut diags = Diagnostics::default();
        let mut text = String::from("date,x\n");
        for i in 0..1000 {
            text.push_str(&format!("2026-01-01,{i}\n"));
        }
        let table =
            Table::open("k.csv", text.as_bytes(), &Dialect::default(), &mut diags).expect("header");
        table.rows(&mut diags, |row, diags| {
            diags.error("k.csv", row.pos(1), "a problem");
            diags.warning("k.csv", row.pos(1), "and a warning");
        });
        let found = diags.sorted();
        assert_eq!(found.len(), LISTED + 1);
        let last = &found[LISTED];
        assert_eq!(
            (last.line, last.message.as_str()),
            (
                52,
                "1900 more problems in this file from this line on are not listed, after the first 100: fix those and check again"
            )
        );
    }

    /// Issue 17: "in a CRLF file, a problem on line 6 is reported at line 5".
    #[test]
    fn rows_carry_physical_lines_in_every_line_ending() {
        for text in [
            "date,x\r\n2026-01-01,a\r\n2026-01-02,\"b\r\nc\"\r\n\r\n2026-01-03,d\r\n",
            "date,x\n2026-01-01,a\n2026-01-02,\"b\nc\"\n\n2026-01-03,d\n",
        ] {
            let mut diags = Diagnostics::default();
            let table = Table::open("k.csv", text.as_bytes(), &Dialect::default(), &mut diags)
                .expect("header");
            let mut lines = Vec::new();
            table.rows(&mut diags, |row, _| lines.push(row.line));
            assert_eq!(lines, [2, 3, 6], "{text:?}");
        }
    }
}
