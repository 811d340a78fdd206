//! `data/surveys/*.csv`: survey responses, one a row, with NPS, CSAT and CES
//! scores, `attr_*` attribute ratings, an optional comment and any number of
//! segment columns (channel, region, touchpoint, …).

use jiff::civil::Date;

use super::Loader;
use super::table::{Row, Table, parse_date, parse_number};
use crate::config::Config;
use crate::diag::{Diagnostics, Pos, Source};

/// One response. A score is `None` when the respondent did not answer it.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub id: Option<String>,
    pub date: Date,
    pub nps: Option<u8>,
    pub csat: Option<u8>,
    pub ces: Option<u8>,
    /// Indexed like [`Surveys::attributes`].
    pub attributes: Vec<Option<f64>>,
    /// (index into [`Surveys::segments`], value), for the non-empty segment cells.
    pub segments: Vec<(usize, String)>,
    pub comment: Option<String>,
}

/// Every response of the plan.
#[derive(Debug, Default)]
pub struct Surveys {
    /// In date order.
    pub responses: Vec<Response>,
    /// Attribute names (the column name without `attr_`), across all files.
    pub attributes: Vec<String>,
    /// Segment dimension names, across all files.
    pub segments: Vec<String>,
}

impl Surveys {
    /// The value of a response's segment, if it has one.
    pub fn segment<'r>(&self, response: &'r Response, dimension: usize) -> Option<&'r str> {
        response
            .segments
            .iter()
            .find(|(d, _)| *d == dimension)
            .map(|(_, v)| v.as_str())
    }
}

enum Column {
    Id,
    Date,
    Score(Score),
    Attribute(usize),
    Comment,
    Segment(usize),
}

#[derive(Clone, Copy)]
enum Score {
    Nps,
    Csat,
    Ces,
}

impl Score {
    fn range(self) -> (u8, u8) {
        match self {
            Score::Nps => (0, 10),
            Score::Csat => (1, 5),
            Score::Ces => (1, 7),
        }
    }
}

pub fn parse(src: &Source, loader: &mut Loader, config: &Config, surveys: &mut Surveys) {
    let Some(table) = Table::open(src, loader.diags) else {
        return;
    };
    let Some(columns) = columns(&table, surveys, loader.diags) else {
        return;
    };
    table.rows(loader.diags, |row, diags| {
        if let Some(r) = read_row(
            &table,
            row,
            &columns,
            surveys.attributes.len(),
            config,
            diags,
        ) {
            surveys.responses.push(r);
        }
    });
}

fn columns(table: &Table, surveys: &mut Surveys, diags: &mut Diagnostics) -> Option<Vec<Column>> {
    let path = &table.src.path;
    if table.column("date").is_none() {
        diags.error(path, Pos::START, "the header has no `date` column");
        return None;
    }
    if !["nps", "csat", "ces"]
        .iter()
        .any(|s| table.column(s).is_some())
    {
        diags.error(
            path,
            Pos::START,
            "the header has no score column: `nps`, `csat` or `ces`",
        );
        return None;
    }
    let index = |list: &mut Vec<String>, name: &str| match list.iter().position(|n| n == name) {
        Some(i) => i,
        None => {
            list.push(name.to_owned());
            list.len() - 1
        }
    };
    let columns = table
        .header
        .iter()
        .map(|name| match name.as_str() {
            "id" => Column::Id,
            "date" => Column::Date,
            "nps" => Column::Score(Score::Nps),
            "csat" => Column::Score(Score::Csat),
            "ces" => Column::Score(Score::Ces),
            "comment" => Column::Comment,
            _ => match name.strip_prefix("attr_") {
                Some(attr) => Column::Attribute(index(&mut surveys.attributes, attr)),
                None => Column::Segment(index(&mut surveys.segments, name)),
            },
        })
        .collect();
    Some(columns)
}

fn read_row(
    table: &Table,
    row: &Row,
    columns: &[Column],
    n_attributes: usize,
    config: &Config,
    diags: &mut Diagnostics,
) -> Option<Response> {
    let mut ok = true;
    let mut fail = |col: usize, message: String, diags: &mut Diagnostics| {
        let name = &table.header[col];
        diags.error(
            &table.src.path,
            row.pos(col),
            format!("column '{name}': {message}"),
        );
        ok = false;
    };
    let mut response = Response {
        id: None,
        date: Date::MIN,
        nps: None,
        csat: None,
        ces: None,
        attributes: vec![None; n_attributes],
        segments: Vec::new(),
        comment: None,
    };
    let mut has_date = false;
    for (i, col) in columns.iter().enumerate() {
        let cell = row.cells[i];
        match col {
            Column::Id => response.id = (!cell.is_empty()).then(|| cell.to_owned()),
            Column::Date => match parse_date(cell) {
                Ok(d) => {
                    response.date = d;
                    has_date = true;
                }
                Err(_) if cell.is_empty() => fail(i, "the date is empty".into(), diags),
                Err(e) => fail(i, e, diags),
            },
            Column::Score(score) => match parse_score(cell, *score) {
                Ok(v) => match score {
                    Score::Nps => response.nps = v,
                    Score::Csat => response.csat = v,
                    Score::Ces => response.ces = v,
                },
                Err(e) => fail(i, e, diags),
            },
            Column::Attribute(a) => {
                let (min, max) = config.attribute_scale;
                match parse_number(cell) {
                    Ok(Some(v)) if (min..=max).contains(&v) => response.attributes[*a] = Some(v),
                    Ok(Some(v)) => {
                        let message = format!("{v} is outside the rating scale {min}–{max}");
                        fail(i, message, diags);
                    }
                    Ok(None) => {}
                    Err(e) => fail(i, e, diags),
                }
            }
            Column::Comment if cell.is_empty() => response.comment = None,
            // Masked as it is read, so no page, chart or API field can show
            // what a customer typed to be reached at.
            Column::Comment if config.mask_contacts => {
                response.comment = Some(super::redact::contacts(cell).into_owned());
            }
            Column::Comment => response.comment = Some(cell.to_owned()),
            Column::Segment(s) => {
                if !cell.is_empty() {
                    response.segments.push((*s, cell.to_owned()));
                }
            }
        }
    }
    (ok && has_date).then_some(response)
}

/// A whole number within the score's range; `None` for an empty cell.
fn parse_score(cell: &str, score: Score) -> Result<Option<u8>, String> {
    let Some(v) = parse_number(cell)? else {
        return Ok(None);
    };
    let (min, max) = score.range();
    if v.fract() != 0.0 {
        return Err(format!("{cell} is not a whole number"));
    }
    if v < f64::from(min) || v > f64::from(max) {
        return Err(format!("{cell} is out of range {min}–{max}"));
    }
    Ok(Some(v as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_whole_numbers_in_range() {
        assert_eq!(parse_score("9", Score::Nps), Ok(Some(9)));
        assert_eq!(parse_score("", Score::Csat), Ok(None));
        assert_eq!(
            parse_score("11", Score::Nps),
            Err("11 is out of range 0–10".into())
        );
        assert_eq!(
            parse_score("0", Score::Csat),
            Err("0 is out of range 1–5".into())
        );
        assert_eq!(
            parse_score("4.5", Score::Csat),
            Err("4.5 is not a whole number".into())
        );
    }
}
