//! CSV dialects: which byte separates fields, which one separates decimals,
//! and how dates are written, so that a KPI or survey file saved by a
//! spreadsheet in another locale (`;`, `85,3 %`, `31/10/2026`, `0:05:32`)
//! reads as the canonical file does. It sits in layer 1 ("records"): it
//! turns cells into numbers and dates, and says what is wrong with those
//! that are not, by kind ([`Mistake`]), so that a file with the same
//! mistake on every row gets one problem with a hint ([`Mistakes`]), not
//! one per row (issue 17).
//!
//! A [`Dialect`] is what `cxreport.toml` says (every key optional); it is
//! [`Dialect::resolve`]d against a file's header line into the [`Resolved`]
//! dialect the file is read with. The canonical dialect (`,`, `.`, ISO
//! dates) takes the same fast paths as before: every other form is tried
//! only on cells those paths refuse.

use jiff::civil::Date;

use crate::diag::{Diagnostics, Pos};

/// The character between the whole part of a number and its fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decimal {
    /// `85.3`
    Point,
    /// `85,3`
    Comma,
}

impl Decimal {
    /// The byte it is written with.
    pub fn byte(self) -> u8 {
        match self {
            Decimal::Point => b'.',
            Decimal::Comma => b',',
        }
    }

    /// `"."` or `","`, as `cxreport.toml` writes it.
    pub fn parse(text: &str) -> Result<Decimal, String> {
        match text {
            "." => Ok(Decimal::Point),
            "," => Ok(Decimal::Comma),
            _ => Err(format!(
                "`decimal` must be \".\" (85.3) or \",\" (85,3), not {text:?}"
            )),
        }
    }
}

/// A strftime pattern that has been checked to describe a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormat(String);

impl DateFormat {
    /// Checks a pattern such as `%d/%m/%Y`: a date written with it must
    /// read back as the same date, or the pattern cannot place a day.
    pub fn new(pattern: &str) -> Result<DateFormat, String> {
        use jiff::fmt::strtime;
        let sample = jiff::civil::date(2026, 10, 31).at(13, 45, 56, 0);
        let example = "such as \"%d/%m/%Y\" (31/10/2026) or \"%m/%d/%Y\" (10/31/2026)";
        if pattern.trim().is_empty() {
            return Err(format!("`date_format` is empty: write a pattern {example}"));
        }
        let written = strtime::format(pattern, sample).map_err(|e| {
            format!("`date_format` {pattern:?} is not a pattern cxreport can use ({e}): write one {example}")
        })?;
        match strtime::parse(pattern, &written).and_then(|tm| tm.to_date()) {
            Ok(date) if date == sample.date() => Ok(DateFormat(pattern.to_owned())),
            _ => Err(format!(
                "`date_format` {pattern:?} does not say where the day, month and year are (%d, %m, %Y): write a pattern {example}"
            )),
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A dialect as `cxreport.toml` writes it: what it leaves out is found
/// from each file ([`Dialect::resolve`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: Option<u8>,
    pub decimal: Option<Decimal>,
    pub date_format: Option<DateFormat>,
}

impl Dialect {
    /// How `cxreport import` writes its files, whatever `[csv]` says:
    /// commas, decimal points and ISO dates.
    pub const CANONICAL: Dialect = Dialect {
        delimiter: Some(b','),
        decimal: Some(Decimal::Point),
        date_format: None,
    };
}

/// The delimiters looked for when a file does not say, in the order ties
/// are broken in.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Checks a `delimiter` as written in `cxreport.toml`: one character.
pub fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text.as_bytes() {
        [b] if b.is_ascii_punctuation() && !matches!(b, b'"' | b'.') || *b == b'\t' => Ok(*b),
        _ => Err(format!(
            "`delimiter` must be one character such as \",\", \";\", \"\\t\" (a tab) or \"|\", not {text:?}"
        )),
    }
}

impl Dialect {
    /// This dialect, with what it leaves out taken from `fallback` (a
    /// file's own setting over its folder's, over the plan's).
    pub fn or(&self, fallback: &Dialect) -> Dialect {
        Dialect {
            delimiter: self.delimiter.or(fallback.delimiter),
            decimal: self.decimal.or(fallback.decimal),
            date_format: self
                .date_format
                .clone()
                .or_else(|| fallback.date_format.clone()),
        }
    }

    /// The dialect of a file that starts with `header_line` (its first
    /// line; more bytes after it do no harm): a delimiter not set is the
    /// one of [`DELIMITERS`] that splits the line into the most fields,
    /// `,` on a tie; a decimal not set is `,` in a `;`-separated file (as
    /// spreadsheets in such locales save them) and `.` otherwise.
    pub fn resolve(&self, header_line: &[u8]) -> Resolved {
        let delimiter = self.delimiter.unwrap_or_else(|| detect(header_line));
        let decimal = self.decimal.unwrap_or(if delimiter == b';' {
            Decimal::Comma
        } else {
            Decimal::Point
        });
        Resolved {
            delimiter,
            decimal,
            date_format: self.date_format.clone(),
        }
    }
}

/// The delimiter of [`DELIMITERS`] found most often outside quotes on the
/// first line.
fn detect(text: &[u8]) -> u8 {
    let text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = DELIMITERS.iter().position(|&d| d == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let mut best = 0;
    for (i, &n) in counts.iter().enumerate() {
        if n > counts[best] {
            best = i;
        }
    }
    DELIMITERS[best]
}

/// The dialect one file is read with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub delimiter: u8,
    pub decimal: Decimal,
    /// `None`: dates are ISO. ISO dates are read under a format too.
    pub date_format: Option<DateFormat>,
}

impl Default for Resolved {
    /// The canonical dialect: `,`, `.` and ISO dates.
    fn default() -> Self {
        Resolved {
            delimiter: b',',
            decimal: Decimal::Point,
            date_format: None,
        }
    }
}

/// A unit of time a metric can be measured in, in which a value may be
/// written as a duration (`0:05:32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    Seconds,
    Minutes,
    Hours,
}

impl TimeUnit {
    /// The time unit a metric's `unit` names, if it names one (`s`, `min`,
    /// `h`, and their longer English and Spanish spellings).
    pub fn of(unit: &str) -> Option<TimeUnit> {
        match unit.trim().to_lowercase().as_str() {
            "s" | "sec" | "secs" | "second" | "seconds" | "seg" | "segundos" => {
                Some(TimeUnit::Seconds)
            }
            "min" | "mins" | "minute" | "minutes" | "minuto" | "minutos" => Some(TimeUnit::Minutes),
            "h" | "hr" | "hrs" | "hour" | "hours" | "hora" | "horas" => Some(TimeUnit::Hours),
            _ => None,
        }
    }

    /// How many seconds one of this unit is.
    pub fn seconds(self) -> f64 {
        match self {
            TimeUnit::Seconds => 1.0,
            TimeUnit::Minutes => 60.0,
            TimeUnit::Hours => 3600.0,
        }
    }
}

/// The seconds of a duration written `h:mm:ss` or `mm:ss` (`0:05:32` is
/// 332), the seconds with a fraction if any (`.` or `,`); `None` for any
/// other text. Hours may run past 24; minutes and seconds after a `:` are
/// two digits below 60.
pub fn duration_seconds(cell: &str) -> Option<f64> {
    let mut parts = cell.split(':');
    let first = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() || rest.len() > 2 || first.is_empty() || first.len() > 9 {
        return None;
    }
    if !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut total: f64 = first.parse::<u32>().ok()?.into();
    for (i, part) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        let (whole, fraction) = match part.find(['.', ',']) {
            Some(at) if last => (&part[..at], Some(&part[at + 1..])),
            Some(_) => return None,
            None => (*part, None),
        };
        if whole.len() != 2 || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = whole.parse().ok()?;
        if n >= 60 {
            return None;
        }
        total = total * 60.0 + f64::from(n);
        if let Some(f) = fraction {
            if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            total += format!("0.{f}").parse::<f64>().ok()?;
        }
    }
    Some(total)
}

/// Why a cell is not the number or date it should be: the kinds of
/// mistake that [`Mistakes`] groups per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mistake {
    /// An empty date cell.
    EmptyDate,
    /// Text that is no date in any order.
    NotADate,
    /// A date in another order than ISO (`31/10/2026`) in a file with no
    /// `date_format`.
    NotIso,
    /// A date that does not follow the file's `date_format`.
    NotInFormat,
    /// A date written well that does not exist (`2026-02-30`).
    NotCalendarDate,
    /// `85,3` where the decimal is a point.
    DecimalComma,
    /// `85.3` where the decimal is a comma.
    DecimalPoint,
    /// Any other text in a number's place.
    NotANumber,
    /// A number past the plan's bound.
    OutOfRange,
    /// `0:05:32` in a metric whose unit is not a unit of time.
    Duration,
}

/// How many kinds of [`Mistake`] there are.
const KINDS: usize = 10;

impl Mistake {
    fn index(self) -> usize {
        self as usize
    }

    /// Whether several cells with this mistake make one problem. A number
    /// out of range is a typo in one cell, each worth its own line.
    fn groups(self) -> bool {
        !matches!(self, Mistake::OutOfRange)
    }

    /// The message for one cell alone, in the file at `path` (for the
    /// setting a hint names).
    pub fn message(self, cell: &str, dialect: &Resolved, path: &str) -> String {
        match self {
            Mistake::EmptyDate => "the date is empty".into(),
            Mistake::NotADate | Mistake::NotInFormat => match &dialect.date_format {
                None => format!("\"{cell}\" is not a date (write YYYY-MM-DD)"),
                Some(f) => format!(
                    "\"{cell}\" is not a date as the file's `date_format = \"{}\"` writes one, nor YYYY-MM-DD",
                    f.as_str()
                ),
            },
            Mistake::NotIso => {
                let mut shape = DateShape::default();
                shape.add(cell);
                format!("\"{cell}\" is not a date in YYYY-MM-DD{}", shape.hint(None))
            }
            Mistake::NotCalendarDate => format!("\"{cell}\" is not a calendar date"),
            Mistake::DecimalComma => format!(
                "\"{cell}\" is not a number with a decimal point; if the file uses decimal commas, {}",
                setting("decimal = \",\"", Some(path))
            ),
            Mistake::DecimalPoint => format!(
                "\"{cell}\" is not a number with a decimal comma{}; if the file uses decimal points, {}",
                comma_default(dialect),
                setting("decimal = \".\"", Some(path))
            ),
            Mistake::NotANumber => format!("\"{cell}\" is not a number"),
            Mistake::OutOfRange => {
                format!("\"{cell}\" is out of range (a plan's numbers lie between -1e15 and 1e15)")
            }
            Mistake::Duration => format!(
                "\"{cell}\" is a duration, which is read only in a metric whose `unit` in data/metrics.toml is a time: \"s\", \"min\" or \"h\""
            ),
        }
    }
}

/// `set `[csv] key = value` in cxreport.toml`; with `file`, in a table of
/// that file's own, since the setting would not suit the plan's other
/// files (a decimal comma for all would make every `57.6` wrong).
fn setting(key_value: &str, file: Option<&str>) -> String {
    match file {
        None => format!("set `[csv] {key_value}` in cxreport.toml"),
        Some(path) => {
            format!("set `{key_value}` in a `[csv.\"{path}\"]` table of cxreport.toml")
        }
    }
}

/// Why the decimal is a comma when the file did not say, for a message.
fn comma_default(dialect: &Resolved) -> &'static str {
    if dialect.delimiter == b';' {
        " (the default in a `;`-separated file)"
    } else {
        ""
    }
}

/// Why a file's decimal is a comma, for the message about points.
fn comma_why(dialect: &Resolved) -> &'static str {
    if dialect.delimiter == b';' {
        "a `;`-separated file's decimal is a comma unless `[csv] decimal` says otherwise"
    } else {
        "`[csv] decimal` sets a comma"
    }
}

impl Resolved {
    /// A number (`85.3`, `85,3` with a decimal comma, `85,3 %`) within the
    /// bound every number of a plan keeps; `None` for an empty cell.
    #[inline]
    pub fn number(&self, cell: &str) -> Result<Option<f64>, Mistake> {
        if cell.is_empty() {
            return Ok(None);
        }
        if let Some(v) = plain_decimal(cell, self.decimal.byte()) {
            return Ok(Some(v));
        }
        self.general_number(cell)
    }

    /// A value of a metric in `unit` (see [`TimeUnit::of`]): a number, or
    /// in a unit of time also a duration (`0:03:13` is 193 in seconds).
    #[inline]
    pub fn value(&self, cell: &str, unit: Option<TimeUnit>) -> Result<Option<f64>, Mistake> {
        match self.number(cell) {
            Err(Mistake::NotANumber) => match (duration_seconds(cell), unit) {
                (Some(s), Some(unit)) => Ok(Some(s / unit.seconds())),
                (Some(_), None) => Err(Mistake::Duration),
                (None, _) => Err(Mistake::NotANumber),
            },
            other => other,
        }
    }

    /// What the fast path left: a `%` sign, the general parser, and the
    /// kind of mistake of what is no number.
    fn general_number(&self, cell: &str) -> Result<Option<f64>, Mistake> {
        let text = strip_percent(cell);
        let comma = self.decimal == Decimal::Comma;
        let owned;
        let text = if comma {
            if text.contains('.') {
                return Err(if looks_decimal(text, b'.') {
                    Mistake::DecimalPoint
                } else {
                    Mistake::NotANumber
                });
            }
            owned = text.replacen(',', ".", 1);
            owned.as_str()
        } else {
            if text.contains(',') {
                return Err(if looks_decimal(text, b',') {
                    Mistake::DecimalComma
                } else {
                    Mistake::NotANumber
                });
            }
            text
        };
        if let Some(v) = plain_decimal(text, b'.') {
            return Ok(Some(v));
        }
        // `str::parse` reads forms a person would not call numbers.
        let lower = text.to_ascii_lowercase();
        if lower.contains("inf") || lower.contains("nan") {
            return Err(Mistake::NotANumber);
        }
        match text.parse::<f64>() {
            Ok(v) if v.abs() <= super::LARGEST => Ok(Some(v)),
            Ok(_) => Err(Mistake::OutOfRange),
            Err(_) => Err(Mistake::NotANumber),
        }
    }

    /// A date: ISO (as [`iso_date`] reads it) and, with a `date_format`,
    /// a date in that format; a date-time's time is left out.
    #[inline]
    pub fn date(&self, cell: &str) -> Result<Date, Mistake> {
        let iso = iso_date(cell);
        let Some(format) = &self.date_format else {
            return iso.map_err(|e| self.date_mistake(cell, e));
        };
        match iso {
            Ok(d) => return Ok(d),
            Err(IsoError::NotCalendar) => return Err(Mistake::NotCalendarDate),
            Err(_) => {}
        }
        use jiff::fmt::strtime::BrokenDownTime;
        let Ok((tm, used)) = BrokenDownTime::parse_prefix(format.as_str(), cell) else {
            return Err(if cell.is_empty() {
                Mistake::EmptyDate
            } else if DateShape::of(cell).is_some() {
                Mistake::NotInFormat
            } else {
                Mistake::NotADate
            });
        };
        if !time_or_nothing(&cell.as_bytes()[used..]) {
            return Err(Mistake::NotInFormat);
        }
        tm.to_date().map_err(|_| Mistake::NotCalendarDate)
    }

    fn date_mistake(&self, cell: &str, e: IsoError) -> Mistake {
        match e {
            IsoError::NotCalendar => Mistake::NotCalendarDate,
            IsoError::Shape if cell.is_empty() => Mistake::EmptyDate,
            IsoError::Shape if DateShape::of(cell).is_some() => Mistake::NotIso,
            IsoError::Shape => Mistake::NotADate,
        }
    }
}

/// `85 %`, `85%` (a no-break space too, as spreadsheets write it): the
/// number before the sign.
fn strip_percent(cell: &str) -> &str {
    match cell.strip_suffix('%') {
        Some(rest) => rest.trim_end_matches([' ', '\u{a0}', '\u{202f}']),
        None => cell,
    }
}

/// Whether `text` is a plain decimal once its `separator` is read as the
/// decimal point: the one mistake a dialect setting fixes.
fn looks_decimal(text: &str, separator: u8) -> bool {
    let b = text.as_bytes();
    b.iter().filter(|&&c| c == separator).count() == 1 && {
        let body = b.strip_prefix(b"-").unwrap_or(b);
        body.iter().all(|&c| c.is_ascii_digit() || c == separator)
            && body.first().is_some_and(u8::is_ascii_digit)
    }
}

/// Why a cell is no ISO date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsoError {
    /// Not `YYYY-MM-DD` (with an optional time).
    Shape,
    /// `YYYY-MM-DD`, but no day of the calendar.
    NotCalendar,
}

/// Whether what follows a date is a time (`T08:30`, ` 08:30:00`, …) or
/// nothing.
#[inline]
fn time_or_nothing(t: &[u8]) -> bool {
    t.is_empty()
        || (t[0] == b'T' || t[0] == b' ')
            && t.len() >= 6
            && t[1..3].iter().all(u8::is_ascii_digit)
            && t[3] == b':'
            && t[4..6].iter().all(u8::is_ascii_digit)
}

/// `2026-09-01`, or a date-time (`2026-09-01T08:30:00`, `2026-09-01 08:30`,
/// with seconds, fractions or an offset) truncated to its date.
#[inline]
pub fn iso_date(cell: &str) -> Result<Date, IsoError> {
    if cell.len() < 10 || !cell.is_char_boundary(10) {
        return Err(IsoError::Shape);
    }
    let (date, time) = cell.split_at(10);
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return Err(IsoError::Shape);
    }
    if !time_or_nothing(time.as_bytes()) {
        return Err(IsoError::Shape);
    }
    // The digits were checked above: at most 9999, no sign, no overflow.
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0i16, |n, d| n * 10 + i16::from(d - b'0'));
    Date::new(num(0..4), num(5..7) as i8, num(8..10) as i8).map_err(|_| IsoError::NotCalendar)
}

/// The value of a number written plainly (`80.5`, `-3`, `4.09`, or with
/// `point` another byte: `80,5`) with at most 15 digits, or `None` for any
/// other text.
///
/// A KPI file or a survey holds millions of such cells, and this is several
/// times faster than the general parser, with the same result to the bit:
/// the digits, read as a whole number, are below 2^53, and so is exact as
/// an `f64`, and so is the power of ten (10^15 at most), so their quotient
/// is one correctly rounded IEEE division, the correctly rounded value of
/// the decimal, as `str::parse` gives (Clinger's fast path). Its magnitude
/// is below 10^15, within [`super::LARGEST`].
pub fn plain_decimal(cell: &str, point: u8) -> Option<f64> {
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
    let mut at = None;
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(b - b'0'),
            _ if b == point && at.is_none() => at = Some(i),
            _ => return None,
        }
    }
    let fraction = match at {
        // `5.` and `.5` are numbers too, left to the general parser.
        Some(p) if p == 0 || p + 1 == text.len() => return None,
        Some(p) => text.len() - p - 1,
        None if text.len() > 15 => return None,
        None => 0,
    };
    let value = mantissa as f64 / POWERS.get(fraction)?;
    Some(if negative { -value } else { value })
}

/// The order of a date's parts, as far as the cells tell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    DayMonthYear,
    MonthDayYear,
    /// Day first or month first: no cell has a part above 12.
    Either,
    YearMonthDay,
}

/// What the non-ISO dates of a file look like: `31/10/2026`, `10.31.26`,
/// `2026/10/31`, with or without a time after them. Built from every such
/// cell, so that one `31/…` among `01/02/…` settles the order.
#[derive(Debug, Clone, Copy, Default)]
struct DateShape {
    separator: Option<u8>,
    /// The year first (4 digits), else last.
    year_first: bool,
    /// The year has two digits.
    short_year: bool,
    first_over_12: bool,
    second_over_12: bool,
    seen: bool,
    /// Cells whose shape differs from the first one's.
    mixed: bool,
}

/// One cell's parts: (first, separator, second, third), each a run of
/// digits, and whether a time follows.
fn date_parts(cell: &str) -> Option<(&str, u8, &str, &str)> {
    let b = cell.as_bytes();
    let run = |from: usize| {
        b[from..]
            .iter()
            .position(|c| !c.is_ascii_digit())
            .map_or(b.len(), |n| from + n)
    };
    let a = run(0);
    if !(1..=4).contains(&a) {
        return None;
    }
    let sep = *b.get(a)?;
    if !matches!(sep, b'/' | b'.' | b'-') {
        return None;
    }
    let m = run(a + 1);
    if !(1..=2).contains(&(m - a - 1)) || b.get(m) != Some(&sep) {
        return None;
    }
    let y = run(m + 1);
    if !(1..=4).contains(&(y - m - 1)) || !time_or_nothing(&b[y..]) {
        return None;
    }
    Some((&cell[..a], sep, &cell[a + 1..m], &cell[m + 1..y]))
}

impl DateShape {
    /// The shape of one cell, if it is a date in some order.
    fn of(cell: &str) -> Option<DateShape> {
        let mut shape = DateShape::default();
        shape.add(cell).then_some(shape)
    }

    /// Takes in one more cell; false when it is no date in any order.
    fn add(&mut self, cell: &str) -> bool {
        let Some((a, sep, b, c)) = date_parts(cell) else {
            return false;
        };
        let year_first = a.len() == 4;
        let short_year = !year_first && c.len() == 2;
        let fits = if year_first {
            c.len() <= 2
        } else {
            a.len() <= 2 && matches!(c.len(), 2 | 4)
        };
        if !fits {
            return false;
        }
        let n = |s: &str| s.parse::<u32>().unwrap_or(0);
        if self.seen
            && (self.separator != Some(sep)
                || self.year_first != year_first
                || self.short_year != short_year)
        {
            self.mixed = true;
            return true;
        }
        self.seen = true;
        self.separator = Some(sep);
        self.year_first = year_first;
        self.short_year = short_year;
        if !year_first {
            self.first_over_12 |= n(a) > 12;
            self.second_over_12 |= n(b) > 12;
        }
        true
    }

    fn order(&self) -> Order {
        match (self.year_first, self.first_over_12, self.second_over_12) {
            (true, _, _) => Order::YearMonthDay,
            (false, true, false) => Order::DayMonthYear,
            (false, false, true) => Order::MonthDayYear,
            // Both above 12 is no date in either order: the
            // hint offers both, and the format says which cells fail.
            _ => Order::Either,
        }
    }

    /// The pattern of an order, with this shape's separator and year.
    fn pattern(&self, order: Order) -> String {
        let s = char::from(self.separator.unwrap_or(b'/'));
        let y = if self.short_year { "%y" } else { "%Y" };
        match order {
            Order::DayMonthYear | Order::Either => format!("%d{s}%m{s}{y}"),
            Order::MonthDayYear => format!("%m{s}%d{s}{y}"),
            Order::YearMonthDay => format!("%Y{s}%m{s}%d"),
        }
    }

    /// `; if the file uses day/month/year, set …`: the setting that reads
    /// these dates, in `[csv]` or, with `file`, in that file's own table.
    fn hint(&self, file: Option<&str>) -> String {
        if !self.seen {
            return String::new();
        }
        let s = char::from(self.separator.unwrap_or(b'/'));
        let set = |order| setting(&format!("date_format = \"{}\"", self.pattern(order)), file);
        let mut hint = match self.order() {
            Order::DayMonthYear => format!(
                "; if the file uses day{s}month{s}year, {}",
                set(Order::DayMonthYear)
            ),
            Order::MonthDayYear => format!(
                "; if the file uses month{s}day{s}year, {}",
                set(Order::MonthDayYear)
            ),
            Order::YearMonthDay => format!(
                "; if the file uses year{s}month{s}day, {}",
                set(Order::YearMonthDay)
            ),
            Order::Either => format!(
                "; if the file uses day{s}month{s}year, {} (\"{}\" for month{s}day{s}year)",
                set(Order::DayMonthYear),
                self.pattern(Order::MonthDayYear)
            ),
        };
        if self.mixed {
            hint.push_str(" (the file writes dates in more than one way)");
        }
        hint
    }
}

/// The mistakes of one file's cells, by kind: once the file is read,
/// each kind found in several cells is one problem, at the first of them,
/// and a kind found once is that cell's own problem. So a file has at
/// most one problem per kind of mistake, however many rows it has.
#[derive(Debug, Default)]
pub struct Mistakes {
    groups: [Option<Group>; KINDS],
    /// Cells whose mistakes are each reported ([`Mistake::groups`]).
    singles: Vec<(Mistake, String, Pos, String)>,
}

/// The cells with one kind of mistake.
#[derive(Debug)]
struct Group {
    count: usize,
    /// The first cell's place, column name and text.
    pos: Pos,
    column: String,
    cell: String,
    /// The first few lines with the mistake, and how many lines have it.
    lines: Vec<usize>,
    line_count: usize,
    last_line: usize,
    /// The first few columns with it, and every column's number.
    columns: Vec<String>,
    numbers: std::collections::BTreeSet<usize>,
    /// The first few different texts.
    samples: Vec<String>,
    dates: DateShape,
}

/// How many lines, columns and texts a grouped problem names.
const NAMED: usize = 3;

impl Mistakes {
    /// Notes a cell with a mistake: `column` is the header's name of its
    /// column.
    pub fn note(&mut self, mistake: Mistake, cell: &str, pos: Pos, column: &str) {
        if !mistake.groups() {
            self.singles
                .push((mistake, cell.to_owned(), pos, column.to_owned()));
            return;
        }
        let group = self.groups[mistake.index()].get_or_insert_with(|| Group {
            count: 0,
            pos,
            column: column.to_owned(),
            cell: cell.to_owned(),
            lines: Vec::new(),
            line_count: 0,
            last_line: 0,
            columns: Vec::new(),
            numbers: std::collections::BTreeSet::new(),
            samples: Vec::new(),
            dates: DateShape::default(),
        });
        group.count += 1;
        // Rows come in line order: a line is new when it is not the last.
        if pos.line != group.last_line {
            group.line_count += 1;
            group.last_line = pos.line;
            if group.lines.len() < NAMED {
                group.lines.push(pos.line);
            }
        }
        // A file has as many columns as its header: the set stays small.
        if group.numbers.insert(pos.col) && group.columns.len() < NAMED {
            group.columns.push(column.to_owned());
        }
        if group.samples.len() < NAMED && !group.samples.iter().any(|s| s == cell) {
            group.samples.push(cell.to_owned());
        }
        if matches!(mistake, Mistake::NotIso | Mistake::NotInFormat) {
            group.dates.add(cell);
        }
    }

    /// Whether no cell had a mistake.
    pub fn is_empty(&self) -> bool {
        self.singles.is_empty() && self.groups.iter().all(Option::is_none)
    }

    /// Reports what was noted in the file at `path`, read with `dialect`.
    pub fn report(self, path: &str, dialect: &Resolved, diags: &mut Diagnostics) {
        for (mistake, cell, pos, column) in self.singles {
            let message = mistake.message(&cell, dialect, path);
            diags.error(path, pos, format!("column '{column}': {message}"));
        }
        for (i, group) in self.groups.into_iter().enumerate() {
            let Some(group) = group else { continue };
            let Some(&mistake) = ALL.get(i) else { continue };
            let message = if group.count == 1 {
                format!(
                    "column '{}': {}",
                    group.column,
                    mistake.message(&group.cell, dialect, path)
                )
            } else {
                group.message(mistake, dialect, path)
            };
            diags.error(path, group.pos, message);
        }
    }
}

/// Every kind, in the order of [`Mistake::index`].
const ALL: [Mistake; KINDS] = [
    Mistake::EmptyDate,
    Mistake::NotADate,
    Mistake::NotIso,
    Mistake::NotInFormat,
    Mistake::NotCalendarDate,
    Mistake::DecimalComma,
    Mistake::DecimalPoint,
    Mistake::NotANumber,
    Mistake::OutOfRange,
    Mistake::Duration,
];

/// `a`, `a and b`, `a, b and c`.
fn list(items: &[String], more: usize) -> String {
    match (items.split_last(), more) {
        (None, _) => String::new(),
        (Some((last, [])), 0) => last.clone(),
        (Some((last, rest)), 0) => format!("{} and {last}", rest.join(", ")),
        (Some(_), n) => format!("{} and {n} more", items.join(", ")),
    }
}

impl Group {
    /// Where the cells are: `column 'sla', lines 2, 3, 4 and 537 more`.
    fn place(&self) -> String {
        let lines: Vec<String> = self.lines.iter().map(ToString::to_string).collect();
        let lines = list(&lines, self.line_count - self.lines.len());
        let word = if self.line_count == 1 {
            "line"
        } else {
            "lines"
        };
        let columns: Vec<String> = self.columns.iter().map(|c| format!("'{c}'")).collect();
        let more = self.numbers.len() - self.columns.len();
        let cols = if self.numbers.len() == 1 {
            "column"
        } else {
            "columns"
        };
        format!("{cols} {}, {word} {lines}", list(&columns, more))
    }

    /// The first texts, quoted: `"n/a", "x" and "-"`.
    fn samples(&self) -> String {
        let quoted: Vec<String> = self.samples.iter().map(|s| format!("\"{s}\"")).collect();
        list(&quoted, 0)
    }

    fn message(&self, mistake: Mistake, dialect: &Resolved, path: &str) -> String {
        let place = self.place();
        let first = &self.cell;
        let format = dialect.date_format.as_ref().map(DateFormat::as_str);
        match mistake {
            Mistake::EmptyDate => format!(
                "{} dates are empty ({place}); every row needs its date",
                self.count
            ),
            Mistake::NotADate => match format {
                None => format!(
                    "{} cells are not dates, such as {} ({place}); write dates as YYYY-MM-DD",
                    self.count,
                    self.samples()
                ),
                Some(f) => format!(
                    "{} cells are not dates, such as {} ({place}); write dates as the file's `date_format = \"{f}\"` says, or as YYYY-MM-DD",
                    self.count,
                    self.samples()
                ),
            },
            Mistake::NotIso => format!(
                "dates such as {first} are not ISO dates, YYYY-MM-DD ({place}){}",
                self.dates.hint(None)
            ),
            Mistake::NotInFormat => format!(
                "dates such as {first} do not follow the file's `date_format = \"{}\"` ({place}){}",
                format.unwrap_or_default(),
                self.dates.hint(Some(path))
            ),
            Mistake::NotCalendarDate => match format {
                None => format!("dates such as {first} are not in the calendar ({place})"),
                Some(f) => format!(
                    "dates such as {first} are not in the calendar ({place}); check that the file's `date_format = \"{f}\"` has the day and month in its order"
                ),
            },
            Mistake::DecimalComma => format!(
                "numbers such as {first} have a decimal comma ({place}); if the file uses decimal commas, {}",
                setting("decimal = \",\"", Some(path))
            ),
            Mistake::DecimalPoint => format!(
                "numbers such as {first} have a decimal point ({place}), but {}; if the file uses decimal points, {}",
                comma_why(dialect),
                setting("decimal = \".\"", Some(path))
            ),
            Mistake::NotANumber => format!(
                "{} cells are not numbers, such as {} ({place}); leave a cell empty when it has no value",
                self.count,
                self.samples()
            ),
            Mistake::OutOfRange => format!(
                "{} numbers are out of range, such as {} ({place}); a plan's numbers lie between -1e15 and 1e15",
                self.count,
                self.samples()
            ),
            Mistake::Duration => format!(
                "values such as {first} are durations ({place}), which are read only in a metric whose `unit` in data/metrics.toml is a time: \"s\", \"min\" or \"h\""
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(delimiter: u8, decimal: Decimal, format: Option<&str>) -> Resolved {
        Resolved {
            delimiter,
            decimal,
            date_format: format.map(|f| DateFormat::new(f).expect("a pattern")),
        }
    }

    #[test]
    fn the_delimiter_is_the_one_that_splits_the_header_most() {
        let detect = |line: &str| Dialect::default().resolve(line.as_bytes());
        assert_eq!(detect("date,metric,value").delimiter, b',');
        assert_eq!(detect("date;sla;aht").delimiter, b';');
        assert_eq!(detect("date\tsla").delimiter, b'\t');
        assert_eq!(detect("date|sla|aht").delimiter, b'|');
        // A tie, or no delimiter at all, is a comma.
        assert_eq!(detect("date;a,b").delimiter, b',');
        assert_eq!(detect("date").delimiter, b',');
        // Quoted delimiters and the lines after the first do not count.
        assert_eq!(detect("\"a;b;c\",d\n;;;;;;").delimiter, b',');
        assert_eq!(detect("\u{feff}date;sla\r\n").delimiter, b';');
        // The decimal follows the delimiter unless it is set.
        assert_eq!(detect("date;sla").decimal, Decimal::Comma);
        assert_eq!(detect("date|sla").decimal, Decimal::Point);
        let set = Dialect {
            delimiter: Some(b','),
            decimal: Some(Decimal::Point),
            date_format: None,
        };
        assert_eq!(set.resolve(b"date;sla").delimiter, b',');
        let semicolon_point = Dialect {
            decimal: Some(Decimal::Point),
            ..Dialect::default()
        };
        assert_eq!(semicolon_point.resolve(b"a;b").decimal, Decimal::Point);
    }

    #[test]
    fn a_file_setting_is_taken_over_its_folder_and_the_plan() {
        let plan = Dialect {
            delimiter: Some(b';'),
            decimal: Some(Decimal::Comma),
            date_format: None,
        };
        let file = Dialect {
            decimal: Some(Decimal::Point),
            ..Dialect::default()
        };
        let both = file.or(&plan);
        assert_eq!(both.delimiter, Some(b';'));
        assert_eq!(both.decimal, Some(Decimal::Point));
    }

    #[test]
    fn settings_are_checked() {
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert_eq!(parse_delimiter("\t"), Ok(b'\t'));
        assert!(parse_delimiter(";;").is_err());
        assert!(parse_delimiter("").is_err());
        assert!(parse_delimiter("\"").is_err());
        assert!(parse_delimiter("a").is_err());
        assert_eq!(Decimal::parse(","), Ok(Decimal::Comma));
        assert!(Decimal::parse("comma").is_err());
        assert!(DateFormat::new("%d/%m/%Y").is_ok());
        assert!(DateFormat::new("%d/%m/%Y %H:%M").is_ok());
        assert!(DateFormat::new("%Y%m%d").is_ok());
        for bad in ["dd/mm/yyyy", "%d/%m", "", "%Q", "%H:%M"] {
            assert!(DateFormat::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_in_each_decimal() {
        let point = Resolved::default();
        let comma = resolved(b';', Decimal::Comma, None);
        assert_eq!(point.number("85.3"), Ok(Some(85.3)));
        assert_eq!(point.number(""), Ok(None));
        assert_eq!(point.number("1e3"), Ok(Some(1000.0)));
        assert_eq!(point.number("85,3"), Err(Mistake::DecimalComma));
        assert_eq!(point.number("1,234.5"), Err(Mistake::NotANumber));
        assert_eq!(point.number("n/a"), Err(Mistake::NotANumber));
        assert_eq!(point.number("NaN"), Err(Mistake::NotANumber));
        assert_eq!(point.number("-Infinity"), Err(Mistake::NotANumber));
        assert_eq!(point.number("1e308"), Err(Mistake::OutOfRange));
        assert_eq!(point.number("1e999"), Err(Mistake::OutOfRange));
        assert_eq!(point.number("-1e15"), Ok(Some(-1e15)));
        assert_eq!(comma.number("85,3"), Ok(Some(85.3)));
        assert_eq!(comma.number("-0,5"), Ok(Some(-0.5)));
        assert_eq!(comma.number("85"), Ok(Some(85.0)));
        assert_eq!(comma.number("+1,5e3"), Ok(Some(1500.0)));
        assert_eq!(comma.number("85.3"), Err(Mistake::DecimalPoint));
        assert_eq!(comma.number("1.234,5"), Err(Mistake::NotANumber));
        assert_eq!(comma.number("1,2,3"), Err(Mistake::NotANumber));
        // The same value to the bit as the canonical file gives.
        for text in ["0,1", "123456,789", "0,3"] {
            let canonical: f64 = text.replace(',', ".").parse().expect("a number");
            assert_eq!(comma.number(text), Ok(Some(canonical)));
        }
    }

    #[test]
    fn a_percent_sign_is_left_out() {
        let point = Resolved::default();
        let comma = resolved(b';', Decimal::Comma, None);
        assert_eq!(point.number("85.3%"), Ok(Some(85.3)));
        assert_eq!(point.number("85.3 %"), Ok(Some(85.3)));
        assert_eq!(comma.number("85,3 %"), Ok(Some(85.3)));
        assert_eq!(comma.number("85,3\u{a0}%"), Ok(Some(85.3)));
        assert_eq!(point.number("%"), Err(Mistake::NotANumber));
        assert_eq!(point.number("85%%"), Err(Mistake::NotANumber));
        assert_eq!(point.number("85,3%"), Err(Mistake::DecimalComma));
    }

    #[test]
    fn durations_in_metrics_of_time() {
        assert_eq!(duration_seconds("0:03:13"), Some(193.0));
        assert_eq!(duration_seconds("05:32"), Some(332.0));
        assert_eq!(duration_seconds("1:00:00"), Some(3600.0));
        assert_eq!(duration_seconds("36:00:00"), Some(129_600.0));
        assert_eq!(duration_seconds("0:00:01.5"), Some(1.5));
        assert_eq!(duration_seconds("0:00:01,5"), Some(1.5));
        for bad in [
            "", "5", ":30", "1:60", "1:5", "1:05:", "1:2:3:4", "-1:00", "a:00", "1:0x",
        ] {
            assert_eq!(duration_seconds(bad), None, "{bad}");
        }
        let point = Resolved::default();
        assert_eq!(
            point.value("0:03:13", Some(TimeUnit::Seconds)),
            Ok(Some(193.0))
        );
        assert_eq!(
            point.value("0:05:30", Some(TimeUnit::Minutes)),
            Ok(Some(5.5))
        );
        assert_eq!(point.value("1:30:00", Some(TimeUnit::Hours)), Ok(Some(1.5)));
        assert_eq!(point.value("5.5", Some(TimeUnit::Minutes)), Ok(Some(5.5)));
        assert_eq!(point.value("0:05:30", None), Err(Mistake::Duration));
        assert_eq!(
            point.value("x", Some(TimeUnit::Seconds)),
            Err(Mistake::NotANumber)
        );
        assert_eq!(TimeUnit::of("min"), Some(TimeUnit::Minutes));
        assert_eq!(TimeUnit::of(" S "), Some(TimeUnit::Seconds));
        assert_eq!(TimeUnit::of("%"), None);
        assert_eq!(TimeUnit::of("count"), None);
    }

    #[test]
    fn dates_iso_and_in_a_format() {
        let iso = Resolved::default();
        let d = jiff::civil::date(2026, 10, 31);
        assert_eq!(iso.date("2026-10-31"), Ok(d));
        assert_eq!(iso.date("2026-10-31T08:30:00"), Ok(d));
        assert_eq!(iso.date("2026-10-31 08:30"), Ok(d));
        assert_eq!(iso.date("2026-02-30"), Err(Mistake::NotCalendarDate));
        assert_eq!(iso.date("31/10/2026"), Err(Mistake::NotIso));
        assert_eq!(iso.date("31.10.26"), Err(Mistake::NotIso));
        assert_eq!(iso.date("Oct 31"), Err(Mistake::NotADate));
        assert_eq!(iso.date(""), Err(Mistake::EmptyDate));
        assert_eq!(iso.date("2026-10-31x"), Err(Mistake::NotADate));
        assert_eq!(iso.date("2026-10-3ñ"), Err(Mistake::NotADate));

        let dmy = resolved(b';', Decimal::Comma, Some("%d/%m/%Y"));
        assert_eq!(dmy.date("31/10/2026"), Ok(d));
        assert_eq!(dmy.date("31/10/2026 08:30"), Ok(d));
        assert_eq!(
            dmy.date("2026-10-31"),
            Ok(d),
            "ISO is read under a format too"
        );
        assert_eq!(dmy.date("31/02/2026"), Err(Mistake::NotCalendarDate));
        assert_eq!(dmy.date("31.10.2026"), Err(Mistake::NotInFormat));
        assert_eq!(dmy.date("31/10/2026x"), Err(Mistake::NotInFormat));
        assert_eq!(dmy.date("soon"), Err(Mistake::NotADate));
        assert_eq!(dmy.date(""), Err(Mistake::EmptyDate));
        let mdy = resolved(b',', Decimal::Point, Some("%m.%d.%y"));
        assert_eq!(mdy.date("10.31.26"), Ok(d));
    }

    /// The problems `Mistakes` makes of `cells` (line, cell, column).
    fn reported(dialect: &Resolved, cells: &[(Mistake, usize, &str, &str)]) -> Vec<String> {
        let mut mistakes = Mistakes::default();
        for &(mistake, line, cell, column) in cells {
            let col = ["date", "sla", "aht", "x"]
                .iter()
                .position(|c| *c == column)
                .map_or(9, |i| i + 1);
            mistakes.note(mistake, cell, Pos::new(line, col), column);
        }
        let mut diags = Diagnostics::default();
        mistakes.report("k.csv", dialect, &mut diags);
        diags
            .sorted()
            .into_iter()
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect()
    }

    #[test]
    fn a_mistake_on_many_rows_is_one_problem() {
        let iso = Resolved::default();
        let dates: Vec<(Mistake, usize, &str, &str)> = (2..=541)
            .map(|line| (Mistake::NotIso, line, "01/02/1999", "date"))
            .chain([(Mistake::NotIso, 542, "31/01/1999", "date")])
            .collect();
        assert_eq!(
            reported(&iso, &dates),
            [
                "2:1: dates such as 01/02/1999 are not ISO dates, YYYY-MM-DD (column 'date', lines 2, 3, 4 and 538 more); if the file uses day/month/year, set `[csv] date_format = \"%d/%m/%Y\"` in cxreport.toml"
            ]
        );
        // With no day above 12, either order is offered.
        assert_eq!(
            reported(&iso, &dates[..2]),
            [
                "2:1: dates such as 01/02/1999 are not ISO dates, YYYY-MM-DD (column 'date', lines 2 and 3); if the file uses day/month/year, set `[csv] date_format = \"%d/%m/%Y\"` in cxreport.toml (\"%m/%d/%Y\" for month/day/year)"
            ]
        );
        assert_eq!(
            reported(
                &iso,
                &[
                    (Mistake::NotIso, 2, "12.31.26", "date"),
                    (Mistake::NotIso, 3, "12.30.26", "date")
                ]
            ),
            [
                "2:1: dates such as 12.31.26 are not ISO dates, YYYY-MM-DD (column 'date', lines 2 and 3); if the file uses month.day.year, set `[csv] date_format = \"%m.%d.%y\"` in cxreport.toml"
            ]
        );
        let numbers = [
            (Mistake::DecimalComma, 2, "85,3", "sla"),
            (Mistake::DecimalComma, 2, "5,1", "aht"),
            (Mistake::DecimalComma, 3, "84,0", "sla"),
            (Mistake::NotANumber, 4, "n/a", "sla"),
        ];
        let tab = resolved(b'\t', Decimal::Point, None);
        assert_eq!(
            reported(&tab, &numbers),
            [
                "2:2: numbers such as 85,3 have a decimal comma (columns 'sla' and 'aht', lines 2 and 3); if the file uses decimal commas, set `decimal = \",\"` in a `[csv.\"k.csv\"]` table of cxreport.toml",
                "4:2: column 'sla': \"n/a\" is not a number",
            ]
        );
        let comma = resolved(b';', Decimal::Comma, None);
        assert_eq!(
            reported(
                &comma,
                &[
                    (Mistake::DecimalPoint, 2, "85.3", "sla"),
                    (Mistake::DecimalPoint, 3, "85.1", "sla")
                ]
            ),
            [
                "2:2: numbers such as 85.3 have a decimal point (column 'sla', lines 2 and 3), but a `;`-separated file's decimal is a comma unless `[csv] decimal` says otherwise; if the file uses decimal points, set `decimal = \".\"` in a `[csv.\"k.csv\"]` table of cxreport.toml"
            ]
        );
        let words: Vec<_> = (2..9)
            .map(|l| {
                (
                    Mistake::NotANumber,
                    l,
                    if l % 2 == 0 { "n/a" } else { "-" },
                    "sla",
                )
            })
            .collect();
        assert_eq!(
            reported(&iso, &words),
            [
                "2:2: 7 cells are not numbers, such as \"n/a\" and \"-\" (column 'sla', lines 2, 3, 4 and 4 more); leave a cell empty when it has no value"
            ]
        );
        // Under a format, the hint is for this file alone.
        let dmy = resolved(b';', Decimal::Comma, Some("%d/%m/%Y"));
        assert_eq!(
            reported(
                &dmy,
                &[
                    (Mistake::NotInFormat, 2, "2026.10.31", "date"),
                    (Mistake::NotInFormat, 3, "2026.11.01", "date")
                ]
            ),
            [
                "2:1: dates such as 2026.10.31 do not follow the file's `date_format = \"%d/%m/%Y\"` (column 'date', lines 2 and 3); if the file uses year.month.day, set `date_format = \"%Y.%m.%d\"` in a `[csv.\"k.csv\"]` table of cxreport.toml"
            ]
        );
        // A number out of range is a typo in its own cell.
        assert_eq!(
            reported(
                &iso,
                &[
                    (Mistake::OutOfRange, 2, "1e308", "x"),
                    (Mistake::OutOfRange, 3, "1e309", "x")
                ]
            )
            .len(),
            2
        );
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
            let fast = plain_decimal(&text, b'.').expect("a plain decimal");
            let general: f64 = text.parse().expect("a number");
            assert_eq!(fast.to_bits(), general.to_bits(), "{text}");
            // The same digits with a decimal comma, the same value.
            let comma = plain_decimal(&text.replace('.', ","), b',').expect("a plain decimal");
            assert_eq!(comma.to_bits(), general.to_bits(), "{text}");
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
                plain_decimal(text, b'.').map(f64::to_bits),
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
            assert_eq!(plain_decimal(text, b'.'), None, "{text}");
        }
    }
}
