//! `data/cases/*.csv`: follow-up cases, one a row, each opened for a
//! customer who answered badly and closed once someone followed up
//! (issue 18). A layer-1 reader: raw rows become checked [`Case`]s, each
//! problem with its `path:line:col`, and `analytics::loop` computes the
//! figures from them.
//!
//! A case's `resolution` and any other free text are not kept: the site
//! shows cases by id and owner only, as comments are masked, so nothing a
//! customer said or an agent wrote about them can reach a page.

use std::collections::HashMap;

use jiff::civil::{Date, DateTime, Time};

use super::dialect::{Mistake, Mistakes, Resolved};
use super::table::{Row, Table};
use crate::config::Config;
use crate::diag::{Diagnostics, Pos};

/// One follow-up case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: String,
    /// A date alone is its midnight.
    pub opened: DateTime,
    /// `None` while the case is open.
    pub closed: Option<DateTime>,
    pub owner: String,
    /// The survey answer it follows up, by the answer's `id`.
    pub response_id: Option<String>,
    pub root_cause: Option<String>,
}

/// A case with where it was read: the loader checks ids across files and
/// answers against the surveys once every file is in.
#[derive(Debug, Clone)]
pub struct Placed {
    pub case: Case,
    pub file: String,
    pub line: usize,
    /// The 1-based columns of `id` and `response_id`.
    pub id_column: usize,
    pub response_column: Option<usize>,
}

/// The columns every case file must have.
const REQUIRED: [&str; 4] = ["id", "opened", "closed", "owner"];

/// Reads one case file. Rows with a problem are reported and left out.
pub fn parse(
    path: &str,
    input: impl std::io::Read,
    config: &Config,
    diags: &mut Diagnostics,
) -> Vec<Placed> {
    let mut out = Vec::new();
    let Some(table) = Table::open(path, input, &config.dialect_of(path), diags) else {
        return out;
    };
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| table.column(c).is_none())
        .collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let hint = missing
            .first()
            .map(|m| crate::diag::hint(m, table.header.iter().map(String::as_str)))
            .unwrap_or_default();
        diags.error(
            path,
            Pos::START,
            format!("a case file needs the columns {list}{hint}"),
        );
        return out;
    }
    let column = |name: &str| table.column(name).unwrap_or(0);
    let columns = Columns {
        id: column("id"),
        opened: column("opened"),
        closed: column("closed"),
        owner: column("owner"),
        response: table.column("response_id"),
        root_cause: table.column("root_cause"),
    };
    let dialect = table.dialect.clone();
    let header = table.header.clone();
    let mut mistakes = Mistakes::default();
    table.rows(diags, |row, diags| {
        let read = Reading {
            path,
            header: &header,
            dialect: &dialect,
            columns: &columns,
        };
        if let Some(case) = read.row(row, &mut mistakes, diags) {
            out.push(Placed {
                case,
                file: path.to_owned(),
                line: row.line,
                id_column: columns.id + 1,
                response_column: columns.response.map(|c| c + 1),
            });
        }
    });
    mistakes.report(path, &dialect, diags);
    out
}

/// Where each column the reader uses is (0-based).
struct Columns {
    id: usize,
    opened: usize,
    closed: usize,
    owner: usize,
    response: Option<usize>,
    root_cause: Option<usize>,
}

/// What reading a row needs of its file.
struct Reading<'a> {
    path: &'a str,
    header: &'a [String],
    dialect: &'a Resolved,
    columns: &'a Columns,
}

impl Reading<'_> {
    /// One row as a case; `None` once its problems are reported.
    fn row(&self, row: &Row, mistakes: &mut Mistakes, diags: &mut Diagnostics) -> Option<Case> {
        let c = self.columns;
        let mut ok = true;
        let mut required = |col: usize, diags: &mut Diagnostics| {
            let cell = row.cell(col);
            if cell.is_empty() {
                let name = &self.header[col];
                diags.error(
                    self.path,
                    row.pos(col),
                    format!("column '{name}': a case needs one"),
                );
                ok = false;
            }
            cell
        };
        let id = required(c.id, diags);
        let owner = required(c.owner, diags);
        let moment = |col: usize, mistakes: &mut Mistakes| {
            let cell = row.cell(col);
            match date_time(self.dialect, cell) {
                Ok(t) => Some(t),
                Err(m) => {
                    mistakes.note(m, cell, row.pos(col), &self.header[col]);
                    None
                }
            }
        };
        let opened = moment(c.opened, mistakes);
        let closed = if row.cell(c.closed).is_empty() {
            Some(None)
        } else {
            moment(c.closed, mistakes).map(Some)
        };
        let (Some(opened), Some(closed)) = (opened, closed) else {
            return None;
        };
        if let Some(closed) = closed
            && closed < opened
        {
            diags.error(
                self.path,
                row.pos(c.closed),
                format!(
                    "case `{id}` is closed ({}) before it was opened ({}): check both dates",
                    row.cell(c.closed),
                    row.cell(c.opened)
                ),
            );
            return None;
        }
        let optional = |col: Option<usize>| {
            col.map(|col| row.cell(col))
                .filter(|cell| !cell.is_empty())
                .map(str::to_owned)
        };
        ok.then(|| Case {
            id: id.to_owned(),
            opened,
            closed,
            owner: owner.to_owned(),
            response_id: optional(c.response),
            root_cause: optional(c.root_cause),
        })
    }
}

/// A date (its midnight) or an ISO date-time, `2026-03-02T14:30` or
/// `2026-03-02 14:30:15`, with its time of day. An offset after the time
/// is not applied: cases are timed as the team's clock reads, and a day is
/// a day on it.
fn date_time(dialect: &Resolved, cell: &str) -> Result<DateTime, Mistake> {
    let date: Date = dialect.date(cell)?;
    // A time is read only after an ISO date: a `date_format` of the plan's
    // own may put other text there.
    let time = match super::dialect::iso_date(cell) {
        Ok(_) => cell
            .get(10..)
            .and_then(|rest| rest.strip_prefix(['T', ' ']))
            .map_or(Some(Time::midnight()), time_of_day),
        Err(_) => Some(Time::midnight()),
    };
    match time {
        Some(time) => Ok(date.to_datetime(time)),
        None => Err(Mistake::NotADate),
    }
}

/// `14:30`, `14:30:15` or `14:30:15.250`, and whatever offset follows.
fn time_of_day(text: &str) -> Option<Time> {
    let b = text.as_bytes();
    let two = |i: usize| -> Option<i8> {
        let d = b.get(i..i + 2)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| ((d[0] - b'0') * 10 + (d[1] - b'0')) as i8)
    };
    let hour = two(0)?;
    let minute = two(3)?;
    let second = if b.get(5) == Some(&b':') { two(6)? } else { 0 };
    Time::new(hour, minute, second, 0).ok()
}

/// Checks the cases of every file together: a case id used twice is a
/// problem at its second place, naming the first, and so are two ids that
/// differ only in case or punctuation, which would share one link on the
/// site; a `response_id` no survey answer has is a problem at its cell.
/// Those cases are left out.
pub fn check(
    placed: Vec<Placed>,
    known: impl Fn(&str) -> bool,
    diags: &mut Diagnostics,
) -> Vec<Case> {
    // By the id's slug, which the site's link to the case is made of.
    let mut seen: HashMap<String, (String, String)> = HashMap::new();
    let mut out = Vec::with_capacity(placed.len());
    for p in placed {
        let here = format!("{}:{}:{}", p.file, p.line, p.id_column);
        let slug = crate::content::slug(&p.case.id);
        if let Some((id, first)) = seen.get(&slug) {
            let message = if *id == p.case.id {
                format!("duplicate case id `{id}` (first defined at {first})")
            } else {
                format!(
                    "case id `{}` differs from `{id}` (at {first}) only in case or punctuation, so both would have one link on the site; give them ids that differ in letters or digits",
                    p.case.id
                )
            };
            diags.error(&p.file, Pos::new(p.line, p.id_column), message);
            continue;
        }
        seen.insert(slug, (p.case.id.clone(), here));
        if let (Some(response), Some(col)) = (&p.case.response_id, p.response_column)
            && !known(response)
        {
            let message = format!(
                "column 'response_id': no survey answer has the id `{response}` (a case follows up an answer by the `id` column of data/surveys/)"
            );
            diags.error(&p.file, Pos::new(p.line, col), message);
            continue;
        }
        out.push(p.case);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a file and checks it against survey ids `a1`…`a9`; its
    /// problems as `line:col: message`.
    fn read(text: &str) -> (Vec<Case>, Vec<String>) {
        let mut diags = Diagnostics::default();
        let placed = parse("c.csv", text.as_bytes(), &Config::default(), &mut diags);
        let known = |id: &str| id.len() == 2 && id.starts_with('a');
        let cases = check(placed, known, &mut diags);
        let problems = diags
            .sorted()
            .into_iter()
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect();
        (cases, problems)
    }

    #[test]
    fn dates_and_datetimes_mix() {
        let (cases, problems) = read(
            "id,opened,closed,owner,response_id,root_cause,resolution\n\
             c1,2026-03-02,2026-03-03T12:00,ana,a1,billing,refunded\n\
             c2,2026-03-02 08:30,,luis,,,\n",
        );
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(cases.len(), 2);
        assert_eq!(
            cases[0].opened,
            jiff::civil::date(2026, 3, 2).at(0, 0, 0, 0)
        );
        assert_eq!(
            cases[0].closed,
            Some(jiff::civil::date(2026, 3, 3).at(12, 0, 0, 0))
        );
        assert_eq!(cases[0].root_cause.as_deref(), Some("billing"));
        assert_eq!(
            cases[1].opened,
            jiff::civil::date(2026, 3, 2).at(8, 30, 0, 0)
        );
        assert_eq!(cases[1].closed, None);
        assert_eq!(cases[1].response_id, None);
    }

    #[test]
    fn a_case_closed_before_it_opened_is_a_problem_at_its_line() {
        let (cases, problems) = read(
            "id,opened,closed,owner\n\
             c1,2026-03-05,2026-03-04,ana\n",
        );
        assert!(cases.is_empty());
        assert_eq!(
            problems,
            [
                "2:3: case `c1` is closed (2026-03-04) before it was opened (2026-03-05): check both dates"
            ]
        );
    }

    #[test]
    fn duplicates_unknown_answers_and_missing_cells() {
        let (cases, problems) = read(
            "id,opened,closed,owner,response_id\n\
             c1,2026-03-01,,ana,a1\n\
             c1,2026-03-02,,ana,a2\n\
             C1,2026-03-02,,ana,a2\n\
             c2,2026-03-02,,ana,zz\n\
             c3,2026-03-02,,,\n",
        );
        assert_eq!(cases.len(), 1);
        assert_eq!(
            problems,
            [
                "3:1: duplicate case id `c1` (first defined at c.csv:2:1)",
                "4:1: case id `C1` differs from `c1` (at c.csv:2:1) only in case or punctuation, so both would have one link on the site; give them ids that differ in letters or digits",
                "5:5: column 'response_id': no survey answer has the id `zz` (a case follows up an answer by the `id` column of data/surveys/)",
                "6:4: column 'owner': a case needs one",
            ]
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let (_, problems) = read("id,opend,closed,owner\n");
        assert_eq!(
            problems,
            ["1:1: a case file needs the columns `opened`; did you mean `opend`?"]
        );
    }
}
