//! Diagnostics: the problems found in a plan, with the file, line and column
//! a person needs to fix them.
//!
//! Loaders never stop at the first problem: they push every error and warning
//! they find into one [`Diagnostics`] and carry on with what they could read,
//! so that `cxreport check` reports everything in one run. Positions are kept
//! as byte offsets until the end and turned into 1-based line:column through
//! the file's [`Source`].

use std::fmt::Write as _;

/// How bad a problem is. Errors fail the build; warnings never change the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// `error` or `warning`, as messages print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    /// The start of a file: used for problems that belong to the file as a whole.
    pub const START: Pos = Pos { line: 1, col: 1 };

    pub fn new(line: usize, col: usize) -> Pos {
        Pos { line, col }
    }
}

/// One problem, ready to print.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Path relative to the plan root, with `/` separators.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub message: String,
}

/// The text of one input file, with what it takes to turn offsets into positions.
pub struct Source {
    /// Path relative to the plan root, with `/` separators, as shown to users.
    pub path: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(path: impl Into<String>, text: String) -> Source {
        let line_starts = std::iter::once(0).chain(line_ends(&text)).collect();
        Source {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// The line and column (counted in characters) of a byte offset.
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        // An offset can fall inside a multi-byte character when a parser reports
        // the byte after it; count only whole characters before it.
        let col = self.text[start..]
            .char_indices()
            .take_while(|(i, _)| start + i < offset)
            .count();
        Pos::new(line + 1, col + 1)
    }
}

/// Where each line after the first starts, in a text whose lines end in
/// LF, CR LF or a lone CR (as old Mac editors save them), mixed as they
/// may be: the lines an editor shows, so that a position names the line
/// the user sees in any of these styles.
fn line_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(move |&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
        .map(|i| i + 1)
}

/// What every step of a build returns: its value (an `Option` when
/// problems can leave it unmade) and every problem found on the way, errors
/// and warnings alike, so that all of them can be reported at once.
pub type Checked<T> = (T, Vec<Diagnostic>);

/// Whether any of `diags` is an error, which stops a build before it writes.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// Every problem found so far.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, severity: Severity, file: &str, pos: Pos, message: impl Into<String>) {
        self.items.push(Diagnostic {
            file: file.to_owned(),
            line: pos.line,
            column: pos.col,
            severity,
            message: message.into(),
        });
    }

    pub fn error(&mut self, file: &str, pos: Pos, message: impl Into<String>) {
        self.push(Severity::Error, file, pos, message);
    }

    pub fn warning(&mut self, file: &str, pos: Pos, message: impl Into<String>) {
        self.push(Severity::Warning, file, pos, message);
    }

    /// Takes in the problems another reader found (a file read on another thread).
    pub fn append(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many problems there are, errors and warnings.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Forgets every problem (a scratch list, counted and reused).
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// The problems in file, line, column order, whatever order the loaders ran in.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items
            .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        self.items.dedup();
        self.items
    }
}

/// How `check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: error: message`, for people.
    #[default]
    Human,
    /// GitHub Actions workflow commands, which annotate the pull request.
    Github,
    /// One JSON document, for other tools.
    Json,
}

/// `text` safe to print on a terminal or in a CI log: every control
/// character (and every bidirectional override, which can make a line read
/// backwards) written as `\u{1b}`, the way Rust writes it.
///
/// File names and messages quote the plan's data, and an ESC byte in a
/// value or a file name could otherwise move the cursor, recolour or
/// rewrite what was already printed, such as turning an error line into
/// "The plan is valid." (issue 14). No message cxreport writes spans lines,
/// so a newline is escaped too: one diagnostic is always one line. JSON
/// output needs none of this; serde escapes control characters itself.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !text.contains(unsafe_char) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// `path:line:col: severity: message`, one a line; with `color`, the place
/// in bold and the severity in colour. Control characters in the path and
/// message are escaped (see [`printable`]).
pub fn human(diags: &[Diagnostic], color: bool) -> String {
    use anstyle::{AnsiColor, Style};
    let paint = |style: Style| if color { style } else { Style::new() };
    let place = paint(Style::new().bold());
    let mut out = String::new();
    for d in diags {
        let severity = d.severity.as_str();
        let style = match d.severity {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
        };
        let style = paint(style.on_default().bold());
        // A problem of the plan as a whole (a shallow clone) has no place.
        if !d.file.is_empty() {
            let file = printable(&d.file);
            let _ = write!(out, "{place}{file}:{}:{}:{place:#} ", d.line, d.column);
        }
        let _ = writeln!(out, "{style}{severity}:{style:#} {}", printable(&d.message));
    }
    out
}

/// "2 errors, 1 warning".
pub fn counts(diags: &[Diagnostic]) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// Escapes the message of a GitHub Actions workflow command: `%`, CR and LF
/// as GitHub's rules say, after every control character has been written
/// as [`printable`] writes it, since the Actions log shows ANSI escape
/// sequences as colours and moves, as a terminal does.
// https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
pub fn escape_github(s: &str) -> String {
    // `printable` has already escaped line breaks; `%` is GitHub's escape.
    printable(s).replace('%', "%25")
}

/// GitHub Actions annotations: `::error file=F,line=L,col=C::message`.
pub fn github(diags: &[Diagnostic]) -> String {
    use escape_github as data;
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for d in diags {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if d.file.is_empty() {
            let _ = writeln!(out, "::{kind}::{}", data(&d.message));
            continue;
        }
        let _ = writeln!(
            out,
            "::{kind} file={},line={},col={}::{}",
            property(&d.file),
            d.line,
            d.column,
            data(&d.message)
        );
    }
    out
}

/// `{"errors": n, "warnings": n, "diagnostics": [...]}`.
pub fn json(diags: &[Diagnostic]) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let doc = serde_json::json!({
        "errors": errors,
        "warnings": diags.len() - errors,
        "diagnostics": diags,
    });
    format!("{doc:#}\n")
}

/// The closest candidate within two edits of `word`, for "did you mean" hints.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&word, &c.to_lowercase()), c))
        .filter(|&(d, c)| d > 0 && d <= 2 && d < c.chars().count())
        .min_by_key(|&(d, c)| (d, c))
        .map(|(_, c)| c)
}

/// `; did you mean `x`?` when a candidate is close, else nothing.
pub fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(word, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let src = Source::new("a.toml", "ab\nñx = 1\n".to_owned());
        assert_eq!(src.pos(0), Pos::new(1, 1));
        assert_eq!(src.pos(3), Pos::new(2, 1));
        // 'ñ' is two bytes: 'x' is the second character.
        assert_eq!(src.pos(5), Pos::new(2, 2));
        assert_eq!(src.pos(999), Pos::new(3, 1));
    }

    /// Issue 17: a lone CR ended no line, so every position after one was
    /// on the wrong line.
    #[test]
    fn lines_end_in_lf_crlf_or_a_lone_cr() {
        for text in ["a\nb\nc\n", "a\r\nb\r\nc\r\n", "a\rb\rc\r", "a\r\nb\rc\n"] {
            let src = Source::new("f", text.to_owned());
            let c = text.find('c').expect("c");
            assert_eq!(src.pos(c), Pos::new(3, 1), "{text:?}");
            assert_eq!(src.pos(c + 1), Pos::new(3, 2), "{text:?}");
        }
        // A CR LF is one line end, wherever the text is cut.
        let src = Source::new("f", "x = 1\r\n\r\ny = 2\r\n".to_owned());
        assert_eq!(src.pos(9), Pos::new(3, 1));
    }

    #[test]
    fn suggests_only_close_words() {
        let keys = ["name", "unit", "direction"];
        assert_eq!(did_you_mean("nmae", keys), Some("name"));
        assert_eq!(did_you_mean("directoin", keys), Some("direction"));
        assert_eq!(did_you_mean("colour", keys), None);
        assert_eq!(did_you_mean("name", keys), None);
    }

    #[test]
    fn github_annotations_escape_their_properties() {
        let d = Diagnostic {
            file: "data/a,b.csv".into(),
            line: 3,
            column: 2,
            severity: Severity::Error,
            message: "50% bad\nreally".into(),
        };
        assert_eq!(
            github(&[d]),
            "::error file=data/a%2Cb.csv,line=3,col=2::50%25 bad\\u{a}really\n"
        );
    }

    /// Issue 14: an ESC byte in a value or a file name reached the terminal.
    #[test]
    fn control_characters_are_never_printed_raw() {
        assert_eq!(printable("café <b>"), "café <b>");
        assert_eq!(
            printable("a\u{1b}[2K\rb\n\tc\u{7f}\u{9b}d\u{202e}e"),
            "a\\u{1b}[2K\\u{d}b\\u{a}\\u{9}c\\u{7f}\\u{9b}d\\u{202e}e"
        );
        let d = Diagnostic {
            file: "data/kpis/\u{1b}[1A.csv".into(),
            line: 2,
            column: 3,
            severity: Severity::Error,
            message: "no KPI row has team = \"\u{1b}[2KThe plan is valid.\"".into(),
        };
        let shown = human(std::slice::from_ref(&d), true) + &github(std::slice::from_ref(&d));
        assert!(
            !shown.contains("\u{1b}[1A") && !shown.contains("\u{1b}[2K"),
            "{shown}"
        );
        assert!(shown.contains("data/kpis/\\u{1b}[1A.csv"), "{shown}");
        assert!(
            shown.contains("team = \"\\u{1b}[2KThe plan is valid.\""),
            "{shown}"
        );
    }
}
