//! `data/surveys/*.csv`: survey responses, one a row, with NPS, CSAT and CES
//! scores, `attr_*` attribute ratings, an optional comment and any number of
//! segment columns (channel, region, touchpoint, …).

use std::collections::HashMap;

use jiff::civil::Date;

use super::table::{Row, Table, parse_date, parse_number};
use crate::config::Config;
use crate::diag::{Diagnostics, Pos};

/// One response. A score is `None` when the respondent did not answer it.
/// A million of them are a few tens of megabytes: segment values are
/// interned and the ratings are kept in one array of the [`Surveys`].
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub date: Date,
    pub nps: Option<u8>,
    pub csat: Option<u8>,
    pub ces: Option<u8>,
    /// Index into [`Surveys::profiles`]: the response's segment values.
    pub profile: u32,
    /// Where its ratings start in [`Surveys::ratings`], and how many there
    /// are (the attributes known when its file was read).
    pub ratings: u32,
    pub n_ratings: u32,
    pub comment: Option<Box<str>>,
}

impl Default for Response {
    fn default() -> Self {
        Response {
            date: Date::MIN,
            nps: None,
            csat: None,
            ces: None,
            profile: 0,
            ratings: 0,
            n_ratings: 0,
            comment: None,
        }
    }
}

/// A combination of segment values: (dimension, value) indexes, the
/// dimension into [`Surveys::segments`] and the value into that
/// dimension's [`Surveys::values`], in dimension order.
pub type Profile = Vec<(u32, u32)>;

/// Every response of the plan.
#[derive(Debug)]
pub struct Surveys {
    /// In date order.
    pub responses: Vec<Response>,
    /// Attribute names (the column name without `attr_`), across all files.
    pub attributes: Vec<String>,
    /// Segment dimension names, across all files.
    pub segments: Vec<String>,
    /// Per segment dimension, its values in the order they were first seen.
    pub values: Vec<Vec<String>>,
    /// The distinct combinations of segment values; the first is none.
    pub profiles: Vec<Profile>,
    /// The ratings of every response, `NaN` where none was given.
    pub ratings: Vec<f64>,
    profile_index: HashMap<Profile, u32>,
    value_index: Vec<HashMap<String, u32>>,
}

impl Default for Surveys {
    fn default() -> Self {
        Surveys {
            responses: Vec::new(),
            attributes: Vec::new(),
            segments: Vec::new(),
            values: Vec::new(),
            profiles: vec![Vec::new()],
            ratings: Vec::new(),
            profile_index: HashMap::from([(Vec::new(), 0)]),
            value_index: Vec::new(),
        }
    }
}

impl Surveys {
    /// The value of a response's segment, if it has one.
    pub fn segment(&self, response: &Response, dimension: usize) -> Option<&str> {
        let profile = self.profiles.get(response.profile as usize)?;
        let &(_, value) = profile.iter().find(|(d, _)| *d as usize == dimension)?;
        Some(&self.values[dimension][value as usize])
    }

    /// Frees the responses, keeping the names of the attributes, segments
    /// and values: once the report is computed, nothing reads them.
    pub fn release_responses(&mut self) {
        self.responses = Vec::new();
        self.ratings = Vec::new();
    }

    /// A response's rating of an attribute (an index into [`Surveys::attributes`]).
    pub fn rating(&self, response: &Response, attribute: usize) -> Option<f64> {
        if attribute >= response.n_ratings as usize {
            return None;
        }
        let v = *self.ratings.get(response.ratings as usize + attribute)?;
        (!v.is_nan()).then_some(v)
    }

    fn dimension(&mut self, name: &str) -> usize {
        let d = index(&mut self.segments, name);
        self.values.resize_with(self.segments.len(), Vec::new);
        self.value_index
            .resize_with(self.segments.len(), HashMap::new);
        d
    }

    fn value(&mut self, dimension: usize, value: &str) -> u32 {
        if let Some(&i) = self.value_index[dimension].get(value) {
            return i;
        }
        let i = self.values[dimension].len() as u32;
        self.values[dimension].push(value.to_owned());
        self.value_index[dimension].insert(value.to_owned(), i);
        i
    }

    fn intern(&mut self, profile: &Profile) -> u32 {
        if let Some(&i) = self.profile_index.get(profile) {
            return i;
        }
        let i = self.profiles.len() as u32;
        self.profiles.push(profile.clone());
        self.profile_index.insert(profile.clone(), i);
        i
    }

    /// Adds the responses of another part of the data (a file read on its
    /// own), after those already here.
    pub fn append(&mut self, part: Surveys) {
        let attributes: Vec<usize> = part
            .attributes
            .iter()
            .map(|a| index(&mut self.attributes, a))
            .collect();
        let dimensions: Vec<usize> = part.segments.iter().map(|d| self.dimension(d)).collect();
        let values: Vec<Vec<u32>> = part
            .values
            .iter()
            .zip(&dimensions)
            .map(|(values, &d)| values.iter().map(|v| self.value(d, v)).collect())
            .collect();
        let profiles: Vec<u32> = part
            .profiles
            .iter()
            .map(|profile| {
                let mut mapped: Profile = profile
                    .iter()
                    .map(|&(d, v)| {
                        let d = d as usize;
                        (dimensions[d] as u32, values[d][v as usize])
                    })
                    .collect();
                mapped.sort_unstable();
                self.intern(&mapped)
            })
            .collect();
        // The part's attributes may sit elsewhere in the whole list: its
        // ratings are laid out again, each run as long as the list now is.
        let same = attributes.iter().enumerate().all(|(i, &a)| i == a);
        let width = self.attributes.len();
        self.responses.reserve(part.responses.len());
        for mut r in part.responses {
            r.profile = profiles[r.profile as usize];
            if r.n_ratings > 0 {
                let start = self.ratings.len();
                let run = &part.ratings[r.ratings as usize..][..r.n_ratings as usize];
                if same {
                    self.ratings.extend_from_slice(run);
                } else {
                    self.ratings.resize(start + width, f64::NAN);
                    for (i, &v) in run.iter().enumerate() {
                        self.ratings[start + attributes[i]] = v;
                    }
                    r.n_ratings = width as u32;
                }
                // Past 4 billion ratings (32 GB) a run would not be found,
                // rather than be another response's.
                r.ratings = u32::try_from(start).unwrap_or(u32::MAX);
            }
            self.responses.push(r);
        }
    }
}

/// The index of `name` in `list`, added at the end if it is not there.
fn index(list: &mut Vec<String>, name: &str) -> usize {
    match list.iter().position(|n| n == name) {
        Some(i) => i,
        None => {
            list.push(name.to_owned());
            list.len() - 1
        }
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

/// Reads one survey file, as a part of the data to [`Surveys::append`].
pub fn parse(
    path: &str,
    input: impl std::io::Read,
    config: &Config,
    diags: &mut Diagnostics,
) -> Surveys {
    let mut surveys = Surveys::default();
    let Some(table) = Table::open(path, input, diags) else {
        return surveys;
    };
    let Some(columns) = columns(&table, &mut surveys, diags) else {
        return surveys;
    };
    let header = table.header.clone();
    let segments: Vec<(usize, usize)> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            Column::Segment(d) => Some((i, *d)),
            _ => None,
        })
        .collect();
    let n_ratings = surveys.attributes.len();
    let mut ratings = vec![f64::NAN; n_ratings];
    let mut profile = Profile::new();
    table.rows(diags, |row, diags| {
        ratings.fill(f64::NAN);
        let Some(mut response) =
            read_row(path, &header, row, &columns, &mut ratings, config, diags)
        else {
            return;
        };
        profile.clear();
        for &(i, d) in &segments {
            if !row.cells[i].is_empty() {
                profile.push((d as u32, surveys.value(d, row.cells[i])));
            }
        }
        response.profile = surveys.intern(&profile);
        if ratings.iter().any(|v| !v.is_nan()) {
            response.ratings = u32::try_from(surveys.ratings.len()).unwrap_or(u32::MAX);
            response.n_ratings = n_ratings as u32;
            surveys.ratings.extend_from_slice(&ratings);
        }
        surveys.responses.push(response);
    });
    surveys
}

fn columns<R: std::io::Read>(
    table: &Table<R>,
    surveys: &mut Surveys,
    diags: &mut Diagnostics,
) -> Option<Vec<Column>> {
    let path = &table.path;
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
                None => Column::Segment(surveys.dimension(name)),
            },
        })
        .collect();
    Some(columns)
}

/// Reads one row, its ratings into `ratings`; every bad cell is reported,
/// and a row with any is skipped.
fn read_row(
    path: &str,
    header: &[String],
    row: &Row,
    columns: &[Column],
    ratings: &mut [f64],
    config: &Config,
    diags: &mut Diagnostics,
) -> Option<Response> {
    let mut ok = true;
    let mut fail = |col: usize, message: String, diags: &mut Diagnostics| {
        let name = &header[col];
        diags.error(path, row.pos(col), format!("column '{name}': {message}"));
        ok = false;
    };
    let mut response = Response::default();
    let mut has_date = false;
    for (i, col) in columns.iter().enumerate() {
        let cell = row.cells[i];
        match col {
            // Any text is allowed, and nothing shows it: it is not kept.
            Column::Id => {}
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
                    Ok(Some(v)) if (min..=max).contains(&v) => ratings[*a] = v,
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
                response.comment = Some(super::redact::mask(cell, &config.mask_patterns).into());
            }
            Column::Comment => response.comment = Some(cell.into()),
            Column::Segment(_) => {}
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
