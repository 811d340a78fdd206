//! A platform's export as `cxreport import` reads it: a header and rows of
//! cells, from a CSV file in any common dialect (streamed, so a log of
//! millions of rows is never in memory) or from a spreadsheet's sheet.
//!
//! Layer 1 (records). The cells of a CSV file are text, read in the
//! recipe's dialect with `data::dialect`, as the plan's own files are
//! (delimiter, decimal separator, date pattern, `%` signs, `h:mm:ss`
//! durations); a spreadsheet's cells come typed (see `sheet`). What this
//! adds for imports: the messages name the recipe's keys, not `[csv]`, and
//! a date-time's day can be taken in a time zone.

use std::io::{BufRead as _, BufReader, Read};
use std::path::Path;

use jiff::civil::Date;

use super::dialect::{Decimal, Mistake, Resolved};
use super::recipe::Recipe;
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
    /// The dialect the cells are read in (a spreadsheet's typed cells need
    /// only its `date_format`, for dates typed as text).
    pub dialect: Resolved,
    body: Body,
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
        let dialect = recipe.dialect.resolve(input.fill_buf()?);
        let delimiter = dialect.delimiter;
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
        let dialect = Resolved {
            delimiter: b',',
            decimal: recipe.dialect.decimal.unwrap_or(Decimal::Point),
            date_format: recipe.dialect.date_format.clone(),
        };
        grid.first_row += 1;
        Self::checked(shown, names, dialect, Body::Sheet(grid), diags)
    }

    /// The header's names checked: none empty (but for trailing ones), none twice.
    fn checked(
        shown: &str,
        header: Vec<String>,
        dialect: Resolved,
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

/// What a mistake in a cell of an export says: the recipe's keys fix it,
/// where `data::dialect`'s own messages name `[csv]`.
pub fn message(mistake: Mistake, cell: &str, dialect: &Resolved) -> String {
    let default = if dialect.delimiter == b';' {
        " (the default in a `;`-separated file)"
    } else {
        ""
    };
    match mistake {
        Mistake::DecimalComma => format!(
            "{cell:?} is not a number with decimal \".\"; if the export uses \",\" for decimals, set `decimal = \",\"` in the recipe"
        ),
        Mistake::DecimalPoint => format!(
            "{cell:?} is not a number with decimal \",\"{default}; if the export uses \".\" for decimals, set `decimal = \".\"` in the recipe"
        ),
        Mistake::NotIso => format!(
            "{cell:?} is not an ISO date (YYYY-MM-DD); if the export writes dates another way, set `date_format` in the recipe, such as \"%d/%m/%Y\""
        ),
        Mistake::NotADate | Mistake::NotInFormat => match &dialect.date_format {
            Some(f) => format!("{cell:?} is not a date written as {:?}", f.as_str()),
            None => format!("{cell:?} is not a date (YYYY-MM-DD)"),
        },
        Mistake::Duration => format!(
            "{cell:?} is a duration, but the metric's unit is not one of time; set its `unit` to \"s\", \"min\" or \"h\" in data/metrics.toml"
        ),
        // The rest name no setting, so no file's table.
        other => other.message(cell, dialect, ""),
    }
}

/// The day a date-time falls on: in `zone` when it carries an offset
/// (`2026-10-01T23:30:00Z`) and the recipe names one, else as written.
pub fn datetime_day(
    cell: &str,
    dialect: &Resolved,
    zone: Option<&jiff::tz::TimeZone>,
) -> Result<Date, String> {
    let bad = || match &dialect.date_format {
        Some(p) => format!(
            "{cell:?} is not a date and time written as {:?}",
            p.as_str()
        ),
        None => format!(
            "{cell:?} is not an ISO date and time (2026-10-01T08:30:00, with or without an offset); set `date_format` in the recipe, such as \"%d/%m/%Y %H:%M:%S\""
        ),
    };
    if let Some(pattern) = &dialect.date_format {
        let tm = jiff::fmt::strtime::parse(pattern.as_str(), cell).map_err(|_| bad())?;
        if let (Some(zone), Ok(ts)) = (zone, tm.to_timestamp()) {
            return Ok(ts.to_zoned(zone.clone()).date());
        }
        return tm.to_date().map_err(|_| bad());
    }
    if let (Some(zone), Ok(ts)) = (zone, cell.parse::<jiff::Timestamp>()) {
        return Ok(ts.to_zoned(zone.clone()).date());
    }
    super::dialect::iso_date(cell).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::dialect::Dialect;

    #[test]
    fn messages_name_the_recipe_s_keys() {
        let iso = Resolved::default();
        assert_eq!(
            message(Mistake::NotIso, "31/10/2026", &iso),
            "\"31/10/2026\" is not an ISO date (YYYY-MM-DD); if the export writes dates another way, set `date_format` in the recipe, such as \"%d/%m/%Y\""
        );
        let semicolon = Dialect::default().resolve(b"a;b");
        assert_eq!(
            message(Mistake::DecimalPoint, "85.3", &semicolon),
            "\"85.3\" is not a number with decimal \",\" (the default in a `;`-separated file); if the export uses \".\" for decimals, set `decimal = \".\"` in the recipe"
        );
    }

    #[test]
    fn days_of_date_times_in_a_zone() {
        let d = jiff::civil::date(2026, 10, 31);
        let iso = Resolved::default();
        let utc = jiff::tz::TimeZone::UTC;
        let madrid = jiff::tz::TimeZone::get("Europe/Madrid").expect("tzdb");
        assert_eq!(
            datetime_day("2026-10-30T23:30:00Z", &iso, Some(&madrid)),
            Ok(d)
        );
        assert_eq!(
            datetime_day("2026-10-30T23:30:00Z", &iso, Some(&utc)),
            Ok(jiff::civil::date(2026, 10, 30))
        );
        assert_eq!(datetime_day("2026-10-31 08:00", &iso, Some(&madrid)), Ok(d));
    }
}
