//! `data/surveys/*.csv`: survey responses, one a row, with NPS, CSAT and CES
//! scores, `attr_*` attribute ratings, an optional comment and any number of
//! segment columns (channel, region, touchpoint, …).
//!
//! A segment's values are published, one by one with their figures, so an
//! extra column is a segment only when it is one: listed in `[surveys]
//! segments`, or, with no list, when it looks categorical: no name that says
//! it identifies a person (`customer_email`, `customer_id`), at most
//! [`MAX_VALUES`] different values, each shared by two answers on average,
//! and none that looks like a contact or an id (see [`super::redact`]). Any
//! other column is left out with one warning at its header cell.
//!
//! The judgement is made once for the whole plan, over all survey files:
//! judged file by file, a monthly file of a few answers would drop
//! `channel` from its responses only, and the breakdown would silently
//! cover part of them; and a cap per file would let a hundred files publish
//! thousands of codes. So each file, read on its own thread, notes what it
//! saw of each column (its answers, and why it is out if a value showed
//! it), [`Surveys::append`] adds those up, and [`Surveys::finish`] decides
//! and drops. Files are read as streams: a file stops collecting a column's
//! values once it passes [`MAX_VALUES`], which makes it too many for the
//! plan as well.

use std::collections::HashMap;

use jiff::civil::Date;

use super::dialect::{Mistake, Mistakes, Resolved};
use super::redact;
use super::table::{Row, Table};
use crate::config::Config;
use crate::diag::{Diagnostics, Pos, hint};

/// The most different values an undeclared column may have and still be a
/// segment: a breakdown of more is no longer read as one, and the cap
/// bounds what is kept of a column of ids while its file is read.
pub const MAX_VALUES: usize = 50;

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
    /// Where its comment is in [`Surveys::text`] (see [`Surveys::comment`]).
    pub comment: Comment,
    /// Where its `id` is in [`Surveys::ids`] (see [`Surveys::id`]): a
    /// follow-up case names the answer it follows up by it.
    pub id: Comment,
}

/// A comment's place in [`Surveys::text`]; empty when the response has
/// none. The comments of a plan sit in one string rather than one
/// allocation each: a million responses are a million fewer allocations,
/// and some 20 MB less.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Comment {
    start: u32,
    len: u32,
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
            comment: Comment::default(),
            id: Comment::default(),
        }
    }
}

/// What is kept of an answer with an id once the responses are released.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Answer {
    date: Date,
    nps: Option<u8>,
    id: Comment,
}

/// A combination of segment values: (dimension, value) indexes, the
/// dimension into [`Surveys::segments`] and the value into that
/// dimension's [`Surveys::values`], in dimension order.
pub type Profile = Vec<(u32, u32)>;

/// Every response of the plan.
#[derive(Debug, Clone)]
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
    /// The comments of every response, one after the other.
    text: String,
    /// The ids of every response, one after the other, as the comments
    /// are: a million ids are one allocation, not a million.
    ids: String,
    /// The latest response's date, kept when the responses are released.
    released_latest: Option<Date>,
    /// The answers with an id, kept when the responses are released: `serve`
    /// checks edited follow-up cases against them with the tables kept.
    released_answers: Vec<Answer>,
    profile_index: HashMap<Profile, u32, super::FastHash>,
    value_index: Vec<HashMap<String, u32, super::FastHash>>,
    /// What the files merged so far say of each extra column that is not
    /// declared, until [`Surveys::finish`] judges it.
    extras: Vec<Extra>,
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
            text: String::new(),
            ids: String::new(),
            released_latest: None,
            released_answers: Vec::new(),
            profile_index: HashMap::from_iter([(Vec::new(), 0)]),
            value_index: Vec::new(),
            extras: Vec::new(),
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
        self.released_latest = self.latest();
        if !self.responses.is_empty() {
            self.released_answers = self
                .responses
                .iter()
                .filter(|r| r.id.len > 0)
                .map(|r| Answer {
                    date: r.date,
                    nps: r.nps,
                    id: r.id,
                })
                .collect();
        }
        self.responses = Vec::new();
        self.ratings = Vec::new();
        self.text = String::new();
    }

    /// Every answer that has an id (a plan's survey ids are kept only when
    /// it has follow-up cases), with its date and NPS score, also once the
    /// responses are released.
    pub fn answers(&self) -> impl Iterator<Item = (Date, Option<u8>, &str)> {
        let live = self.responses.iter().map(|r| (r.date, r.nps, r.id));
        let kept = self.released_answers.iter().map(|a| (a.date, a.nps, a.id));
        live.chain(kept).filter_map(|(date, nps, id)| {
            let Comment { start, len } = id;
            let id = (len > 0).then(|| self.ids.get(start as usize..(start + len) as usize))??;
            Some((date, nps, id))
        })
    }

    /// The latest response's date, also once they are released.
    pub fn latest(&self) -> Option<Date> {
        let latest = self.responses.iter().map(|r| r.date).max();
        latest.or(self.released_latest)
    }

    /// A response's comment, if it has one.
    pub fn comment(&self, response: &Response) -> Option<&str> {
        let Comment { start, len } = response.comment;
        if len == 0 {
            return None;
        }
        self.text.get(start as usize..start as usize + len as usize)
    }

    /// A response's id, if it has one.
    pub fn id(&self, response: &Response) -> Option<&str> {
        let Comment { start, len } = response.id;
        if len == 0 {
            return None;
        }
        self.ids.get(start as usize..start as usize + len as usize)
    }

    /// Adds a response and its comment (none when empty), as a survey
    /// file's row would: for tests that make their responses by hand.
    #[cfg(test)]
    pub(crate) fn push(&mut self, response: Response, comment: &str) {
        let comment = if comment.is_empty() {
            Comment::default()
        } else {
            self.add_comment(comment)
        };
        self.responses.push(Response {
            comment,
            ..response
        });
    }

    /// Adds a comment to [`Surveys::text`]. Past 4 GB of comments in all, a
    /// comment is left out, rather than be found as another's.
    fn add_comment(&mut self, comment: &str) -> Comment {
        add_text(&mut self.text, comment)
    }

    /// Adds an id to [`Surveys::ids`], as [`Surveys::add_comment`] does a
    /// comment.
    fn add_id(&mut self, id: &str) -> Comment {
        add_text(&mut self.ids, id)
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
            .resize_with(self.segments.len(), HashMap::default);
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

    /// Forgets the segment dimensions marked in `gone` (by index), their
    /// values and their part of every response's profile.
    fn drop_segments(&mut self, gone: &[bool]) {
        let mut next = 0u32;
        let renumbered: Vec<Option<u32>> = gone
            .iter()
            .map(|&g| {
                (!g).then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        let mut keep = gone.iter().map(|g| !g);
        self.segments.retain(|_| keep.next().unwrap_or(true));
        let mut keep = gone.iter().map(|g| !g);
        self.values.retain(|_| keep.next().unwrap_or(true));
        let mut keep = gone.iter().map(|g| !g);
        self.value_index.retain(|_| keep.next().unwrap_or(true));
        let old = std::mem::take(&mut self.profiles);
        self.profile_index.clear();
        let moved: Vec<u32> = old
            .iter()
            .map(|profile| {
                let kept: Profile = profile
                    .iter()
                    .filter_map(|&(d, v)| renumbered[d as usize].map(|d| (d, v)))
                    .collect();
                self.intern(&kept)
            })
            .collect();
        for r in &mut self.responses {
            r.profile = moved[r.profile as usize];
        }
    }

    /// Adds the responses of another part of the data (a file read on its
    /// own), after those already here.
    pub fn append(&mut self, part: Surveys) {
        for extra in part.extras {
            self.note(extra);
        }
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
        // Laid out alike, the part's ratings are taken in one copy, each
        // run moved by where they start.
        let base = self.ratings.len();
        if same {
            self.ratings.extend_from_slice(&part.ratings);
        }
        self.responses.reserve(part.responses.len());
        self.text.reserve(part.text.len());
        self.ids.reserve(part.ids.len());
        for mut r in part.responses {
            if r.id.len > 0 {
                let start = r.id.start as usize;
                let id = part.ids.get(start..start + r.id.len as usize);
                r.id = id.map_or_else(Comment::default, |t| self.add_id(t));
            }
            r.profile = profiles[r.profile as usize];
            if r.comment.len > 0 {
                let start = r.comment.start as usize;
                let text = part.text.get(start..start + r.comment.len as usize);
                r.comment = text.map_or_else(Comment::default, |t| self.add_comment(t));
            }
            if r.n_ratings > 0 {
                let start = if same {
                    base + r.ratings as usize
                } else {
                    self.ratings.len()
                };
                if !same {
                    let run = &part.ratings[r.ratings as usize..][..r.n_ratings as usize];
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

    /// Adds what a file says of an extra column to what earlier files said:
    /// the first file to have it keeps the place of its warning.
    fn note(&mut self, extra: Extra) {
        let Some(known) = self.extras.iter_mut().find(|e| e.name == extra.name) else {
            self.extras.push(extra);
            return;
        };
        known.answered += extra.answered;
        // The first reason found is told, but a value that identifies is
        // worth telling over a count of values.
        if let (None, _) | (Some(Out::TooMany), Some(Out::Identifies { .. })) =
            (&known.out, &extra.out)
        {
            known.out = extra.out;
        }
    }

    /// Judges the extra columns over every file appended, once they all
    /// are: a column left out of any file, or whose values over all files
    /// are too many or too few answers each, is left out of every response,
    /// with one warning at its header cell in the first file that has it.
    pub fn finish(&mut self, config: &Config, diags: &mut Diagnostics) {
        let mut gone = vec![false; self.segments.len()];
        for mut extra in std::mem::take(&mut self.extras) {
            let dimension = self.segments.iter().position(|s| *s == extra.name);
            if let (None, Some(d)) = (&extra.out, dimension) {
                let values = self.values[d].len();
                if values > MAX_VALUES {
                    extra.out = Some(Out::TooMany);
                } else if values as u64 * 2 > extra.answered {
                    extra.out = Some(Out::Few {
                        values,
                        answered: extra.answered,
                    });
                }
            }
            let Some(out) = &extra.out else {
                continue;
            };
            let message = out.message(&extra.name, &extra.file, config);
            diags.warning(&extra.file, Pos::new(1, extra.column), message);
            if let Some(d) = dimension {
                gone[d] = true;
            }
        }
        if gone.contains(&true) {
            self.drop_segments(&gone);
        }
    }
}

/// Adds `piece` to the end of `text`, and where it is there. Past 4 GB in
/// all, a piece is left out, rather than be found as another's.
fn add_text(text: &mut String, piece: &str) -> Comment {
    let (Ok(start), Ok(len)) = (u32::try_from(text.len()), u32::try_from(piece.len())) else {
        return Comment::default();
    };
    if start.checked_add(len).is_none() {
        return Comment::default();
    }
    text.push_str(piece);
    Comment { start, len }
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
    /// Read through the file's [`Segment`]s.
    Segment,
    /// An extra column that is no segment: not read.
    Left,
}

/// A segment column of the file being read, and what its values say so far.
struct Segment {
    column: usize,
    dimension: usize,
    /// Listed in `[surveys] segments`: kept whatever its values, masked.
    declared: bool,
    /// Non-empty cells of the rows read so far.
    answered: u64,
    /// Why it is no segment, once a value has shown it.
    out: Option<Out>,
    /// Of a declared column whose values are masked: the value of each cell
    /// text met, so that masking (every pattern of the plan) runs once per
    /// different text, not once per row. At most [`MASKED`] entries.
    masked: HashMap<Box<str>, u32, super::FastHash>,
}

/// The most cell texts a declared segment remembers the masked value of:
/// segment values repeat, so a few are met on nearly every row, and past
/// this many a column is more like a column of ids, whose other texts are
/// masked each time rather than kept twice.
const MASKED: usize = 1024;

impl Segment {
    /// The value (an index into its dimension's [`Surveys::values`]) of a
    /// cell that is not empty, or `None` when the cell shows that the
    /// column is no segment.
    fn value(
        &mut self,
        cell: &str,
        at: (&str, usize),
        surveys: &mut Surveys,
        config: &Config,
    ) -> Option<u32> {
        if self.declared && config.mask_contacts {
            if let Some(&v) = self.masked.get(cell) {
                return Some(v);
            }
            let v = surveys.value(self.dimension, &redact::mask(cell, &config.mask_patterns));
            if self.masked.len() < MASKED {
                self.masked.insert(cell.into(), v);
            }
            return Some(v);
        }
        // Unmasked, a cell is its value: the values known are the cache, and
        // only a new one is looked at.
        if let Some(&v) = surveys.value_index[self.dimension].get(cell) {
            return Some(v);
        }
        if !self.declared {
            if redact::identifies(cell, &config.mask_patterns) {
                let (file, line) = at;
                self.out = Some(Out::Identifies {
                    file: file.to_owned(),
                    line,
                });
                return None;
            }
            if surveys.values[self.dimension].len() >= MAX_VALUES {
                self.out = Some(Out::TooMany);
                return None;
            }
        }
        Some(surveys.value(self.dimension, cell))
    }
}

/// An extra column that is not declared, as the files read so far show it.
#[derive(Debug, Clone)]
struct Extra {
    name: String,
    /// Where its warning goes: its header cell (1-based column) in the first
    /// file, in path order, that has it.
    file: String,
    column: usize,
    /// Non-empty cells of the rows read.
    answered: u64,
    /// Why it is no segment, once a file has shown it.
    out: Option<Out>,
}

/// Why an extra column is left out.
#[derive(Debug, Clone)]
enum Out {
    NotDeclared,
    Name,
    /// Where the first value that looked like a contact or an id is; the
    /// value itself is not repeated in a message a CI log keeps.
    Identifies {
        file: String,
        line: usize,
    },
    TooMany,
    Few {
        values: usize,
        answered: u64,
    },
}

impl Out {
    /// The warning, placed in the file `at`.
    fn message(&self, name: &str, at: &str, config: &Config) -> String {
        let declared = config.segments.iter().flatten();
        let why = match self {
            Out::NotDeclared => {
                let hint = hint(name, declared.map(|d| d.name.as_str()));
                return format!(
                    "column '{name}' is left out of the site: it is not in `[surveys] segments` in cxreport.toml{hint}"
                );
            }
            Out::Name => "its name says it identifies a person".to_owned(),
            Out::Identifies { file, line } => {
                let of = if file == at {
                    String::new()
                } else {
                    format!(" of {file}")
                };
                format!(
                    "its value on line {line}{of} looks like an e-mail address, a phone number or an id"
                )
            }
            Out::TooMany => {
                format!("it has more than {MAX_VALUES} different values, too many for a segment")
            }
            Out::Few { values, answered } => format!(
                "its {answered} answers hold {values} different values, and a segment's are shared by two answers each on average"
            ),
        };
        format!(
            "column '{name}' is left out of the site: {why}; if it is a segment, list it with the others in `[surveys] segments` in cxreport.toml"
        )
    }
}

/// Words of a column name that say it identifies a person, not a group of
/// responses: such a column is a segment only when declared.
const PERSONAL: &[&str] = &[
    "email",
    "mail",
    "correo",
    "phone",
    "telephone",
    "tel",
    "telefono",
    "teléfono",
    "mobile",
    "movil",
    "móvil",
    "cell",
    "name",
    "nombre",
    "surname",
    "apellido",
    "apellidos",
    "address",
    "direccion",
    "dirección",
    "dni",
    "nie",
    "nif",
    "ssn",
    "passport",
    "pasaporte",
    "iban",
    "card",
    "tarjeta",
    "id",
    "ip",
    "login",
    "username",
];

/// Words of [`PERSONAL`] that say so even glued to others, where a word
/// starts (`customerEmail`, `phoneNumber`, `emailaddress`).
const GLUED: &[&str] = &["email", "phone", "iban", "passport", "telefono", "teléfono"];

/// Whether a column's name says it identifies a person: one of its words is
/// in [`PERSONAL`], or one of its words starts with a [`GLUED`] one. A word
/// starts after a character that is not a letter or digit, and at a capital
/// after a lower-case letter (camelCase); never inside a word, so that
/// `smartphone_model` and `headphones` stay categories.
fn personal(name: &str) -> bool {
    let lower = name.to_lowercase();
    if lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| PERSONAL.contains(&w))
    {
        return true;
    }
    let mut previous: Option<char> = None;
    name.char_indices().any(|(i, c)| {
        let start = c.is_alphanumeric()
            && match previous {
                None => true,
                Some(p) => !p.is_alphanumeric() || p.is_lowercase() && c.is_uppercase(),
            };
        previous = Some(c);
        start && {
            let rest = name[i..].to_lowercase();
            GLUED.iter().any(|w| rest.starts_with(w))
        }
    })
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

/// The most combinations of segment values a file's reading remembers the
/// profile of: past this many, a file's rows look each segment up.
const COMBINATIONS: usize = 4096;

/// Reads one survey file, as a part of the data to [`Surveys::append`].
///
/// The answers' ids are kept only with `keep_ids` (the plan has follow-up
/// cases to point at them): a million of them would cost some 20 MB for
/// nothing otherwise.
pub fn parse(
    path: &str,
    input: impl std::io::Read,
    config: &Config,
    keep_ids: bool,
    seen: &mut super::dates::Seen,
    diags: &mut Diagnostics,
) -> Surveys {
    let mut surveys = Surveys::default();
    let Some(table) = Table::open(path, input, &config.dialect_of(path), diags) else {
        return surveys;
    };
    let dialect = table.dialect.clone();
    let mut mistakes = Mistakes::default();
    let Some((columns, mut segments)) = columns(&table, &mut surveys, config, diags) else {
        return surveys;
    };
    let header = table.header.clone();
    let date_column = columns.iter().position(|c| matches!(c, Column::Date));
    let n_ratings = surveys.attributes.len();
    let mut ratings = vec![f64::NAN; n_ratings];
    let mut profile = Profile::new();
    // A file repeats a few hundred combinations of segment values: each
    // one's profile is found again by its cells' text, as a KPI row's
    // dimensions are, and its segments are looked at only the first time.
    let mut combinations: HashMap<Vec<u8>, usize, super::FastHash> = HashMap::default();
    // Per known combination (the values of `combinations`): its profile,
    // and the rows that met it since its segments' answers were counted.
    // Counted row by row, each row read its profile's list from the heap.
    let mut hits: Vec<(u32, u64)> = Vec::new();
    let mut key = Vec::new();
    // The segment (an index into `segments`) of each dimension.
    let mut by_dimension = vec![usize::MAX; surveys.segments.len()];
    for (i, seg) in segments.iter().enumerate() {
        if let Some(d) = by_dimension.get_mut(seg.dimension) {
            *d = i;
        }
    }
    table.rows(diags, |row, diags| {
        ratings.fill(f64::NAN);
        let cells = Cells {
            path,
            header: &header,
            columns: &columns,
            dialect: &dialect,
            config,
        };
        let Some((mut response, comment, id)) =
            cells.read_row(row, &mut ratings, &mut mistakes, diags)
        else {
            return;
        };
        if keep_ids && !id.is_empty() {
            response.id = surveys.add_id(id);
        }
        if let Some(comment) = comment {
            response.comment = surveys.add_comment(&comment);
        }
        seen.note(response.date, row.pos(date_column.unwrap_or(0)));
        key.clear();
        for seg in &segments {
            // The length first: no cell text can make two keys alike.
            let cell = row.cell(seg.column);
            key.extend_from_slice(&cell.len().to_le_bytes());
            key.extend_from_slice(cell.as_bytes());
        }
        response.profile = if let Some(&slot) = combinations.get(key.as_slice()) {
            // Its values are all known: the segments that answer are those
            // its profile names, counted with the others that met it.
            hits[slot].1 += 1;
            hits[slot].0
        } else {
            let out = segments.iter().filter(|s| s.out.is_some()).count();
            profile.clear();
            for seg in &mut segments {
                let cell = row.cell(seg.column);
                if cell.is_empty() || seg.out.is_some() {
                    continue;
                }
                if let Some(value) = seg.value(cell, (path, row.line), &mut surveys, config) {
                    seg.answered += 1;
                    profile.push((seg.dimension as u32, value));
                }
            }
            let found = surveys.intern(&profile);
            if segments.iter().filter(|s| s.out.is_some()).count() > out {
                // A segment is out from here on, and the profiles known
                // may hold its values.
                count_answered(&mut hits, &surveys.profiles, &by_dimension, &mut segments);
                combinations.clear();
                hits.clear();
            } else if combinations.len() < COMBINATIONS {
                combinations.insert(key.clone(), hits.len());
                hits.push((found, 0));
            }
            found
        };
        if ratings.iter().any(|v| !v.is_nan()) {
            response.ratings = u32::try_from(surveys.ratings.len()).unwrap_or(u32::MAX);
            response.n_ratings = n_ratings as u32;
            surveys.ratings.extend_from_slice(&ratings);
        }
        surveys.responses.push(response);
    });
    count_answered(&mut hits, &surveys.profiles, &by_dimension, &mut segments);
    mistakes.report(path, &dialect, diags);
    // The ratio and the cap over all files are for `finish` to judge; a
    // column this file showed to be out is dropped now, so the values it had
    // collected are not carried to the merge.
    let mut gone = vec![false; surveys.segments.len()];
    for seg in segments {
        if seg.declared {
            continue;
        }
        if seg.out.is_some() {
            gone[seg.dimension] = true;
        }
        surveys.note(Extra {
            name: header[seg.column].clone(),
            file: path.to_owned(),
            column: seg.column + 1,
            answered: seg.answered,
            out: seg.out,
        });
    }
    if gone.contains(&true) {
        surveys.drop_segments(&gone);
    }
    surveys
}

/// Adds to each segment's answers the rows that met a known combination of
/// values since the last count: one per segment its profile names.
fn count_answered(
    hits: &mut [(u32, u64)],
    profiles: &[Profile],
    by_dimension: &[usize],
    segments: &mut [Segment],
) {
    for (profile, rows) in hits {
        let answered = profiles.get(*profile as usize);
        for &(d, _) in answered.map_or(&[][..], Vec::as_slice) {
            if let Some(seg) = by_dimension
                .get(d as usize)
                .and_then(|&s| segments.get_mut(s))
            {
                seg.answered += *rows;
            }
        }
        *rows = 0;
    }
}

/// What each column of the header is, and the segment columns among them;
/// extra columns that cannot be segments are noted in `surveys` as out.
fn columns<R: std::io::Read>(
    table: &Table<R>,
    surveys: &mut Surveys,
    config: &Config,
    diags: &mut Diagnostics,
) -> Option<(Vec<Column>, Vec<Segment>)> {
    let path = &table.path;
    if table.column("date").is_none() {
        diags.error(path, Pos::START, table.no_date());
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
    let mut segments = Vec::new();
    let columns = table
        .header
        .iter()
        .enumerate()
        .map(|(i, name)| match name.as_str() {
            "id" => Column::Id,
            "date" => Column::Date,
            "nps" => Column::Score(Score::Nps),
            "csat" => Column::Score(Score::Csat),
            "ces" => Column::Score(Score::Ces),
            "comment" => Column::Comment,
            _ => match name.strip_prefix("attr_") {
                Some(attr) => Column::Attribute(index(&mut surveys.attributes, attr)),
                None => {
                    let declared = config
                        .segments
                        .as_ref()
                        .map(|list| list.iter().any(|d| d.name == *name));
                    let out = match declared {
                        Some(false) => Some(Out::NotDeclared),
                        None if personal(name) => Some(Out::Name),
                        _ => None,
                    };
                    if let Some(out) = out {
                        surveys.note(Extra {
                            name: name.clone(),
                            file: path.clone(),
                            column: i + 1,
                            answered: 0,
                            out: Some(out),
                        });
                        return Column::Left;
                    }
                    segments.push(Segment {
                        column: i,
                        dimension: surveys.dimension(name),
                        declared: declared == Some(true),
                        answered: 0,
                        out: None,
                        masked: HashMap::default(),
                    });
                    Column::Segment
                }
            },
        })
        .collect();
    Some((columns, segments))
}

/// What reading a row needs of its file.
struct Cells<'a> {
    path: &'a str,
    header: &'a [String],
    columns: &'a [Column],
    dialect: &'a Resolved,
    config: &'a Config,
}

/// What is wrong with a score cell.
enum BadScore {
    /// Not a number at all: grouped by kind with the file's others.
    Mistake(Mistake),
    /// A number, but not a score.
    Message(String),
}

impl Cells<'_> {
    /// Reads one row, its ratings into `ratings`, as a response and its
    /// comment (masked) to keep once the row is. Every bad cell is
    /// reported (a bad number or date in `mistakes`, grouped by kind once
    /// the file is read), and a row with any is skipped.
    fn read_row<'r>(
        &self,
        row: &'r Row,
        ratings: &mut [f64],
        mistakes: &mut Mistakes,
        diags: &mut Diagnostics,
    ) -> Option<(Response, Option<std::borrow::Cow<'r, str>>, &'r str)> {
        let (path, header, config) = (self.path, self.header, self.config);
        let mut ok = true;
        let mut fail = |col: usize, message: String, diags: &mut Diagnostics| {
            let name = &header[col];
            diags.error(path, row.pos(col), format!("column '{name}': {message}"));
            ok = false;
        };
        let mut wrong = |col: usize, mistake: Mistake, cell: &str| {
            mistakes.note(mistake, cell, row.pos(col), &header[col]);
        };
        let mut bad_cells = false;
        let mut response = Response::default();
        let mut comment = None;
        let mut id = "";
        let mut has_date = false;
        for (i, col) in self.columns.iter().enumerate() {
            let cell = row.cell(i);
            match col {
                // Any text is allowed; it is kept for follow-up cases to
                // point at, and no page shows it.
                Column::Id => id = cell,
                Column::Date => match self.dialect.date(cell) {
                    Ok(d) => {
                        response.date = d;
                        has_date = true;
                    }
                    Err(m) => {
                        wrong(i, m, cell);
                        bad_cells = true;
                    }
                },
                Column::Score(score) => match parse_score(self.dialect, cell, *score) {
                    Ok(v) => match score {
                        Score::Nps => response.nps = v,
                        Score::Csat => response.csat = v,
                        Score::Ces => response.ces = v,
                    },
                    Err(BadScore::Mistake(m)) => {
                        wrong(i, m, cell);
                        bad_cells = true;
                    }
                    Err(BadScore::Message(e)) => fail(i, e, diags),
                },
                Column::Attribute(a) => {
                    let (min, max) = config.attribute_scale;
                    match self.dialect.number(cell) {
                        Ok(Some(v)) if (min..=max).contains(&v) => ratings[*a] = v,
                        Ok(Some(v)) => {
                            let message = format!("{v} is outside the rating scale {min}–{max}");
                            fail(i, message, diags);
                        }
                        Ok(None) => {}
                        Err(m) => {
                            wrong(i, m, cell);
                            bad_cells = true;
                        }
                    }
                }
                Column::Comment if cell.is_empty() => comment = None,
                // Masked as it is read, so no page, chart or API field can show
                // what a customer typed to be reached at.
                Column::Comment if config.mask_contacts => {
                    comment = Some(redact::mask(cell, &config.mask_patterns));
                }
                Column::Comment => comment = Some(cell.into()),
                Column::Segment | Column::Left => {}
            }
        }
        (ok && !bad_cells && has_date).then_some((response, comment, id))
    }
}

/// A whole number within the score's range; `None` for an empty cell.
fn parse_score(dialect: &Resolved, cell: &str, score: Score) -> Result<Option<u8>, BadScore> {
    let Some(v) = dialect.number(cell).map_err(BadScore::Mistake)? else {
        return Ok(None);
    };
    let (min, max) = score.range();
    if v.fract() != 0.0 {
        return Err(BadScore::Message(format!("{cell} is not a whole number")));
    }
    if v < f64::from(min) || v > f64::from(max) {
        return Err(BadScore::Message(format!(
            "{cell} is out of range {min}–{max}"
        )));
    }
    Ok(Some(v as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a file; its warnings as `line:col: message`.
    fn read(text: &str, config: &Config) -> (Surveys, Vec<String>) {
        let (surveys, warnings) = read_files(&[("s.csv", text.to_owned())], config);
        let warnings = warnings
            .into_iter()
            .map(|w| w.strip_prefix("s.csv:").unwrap_or(&w).to_owned())
            .collect();
        (surveys, warnings)
    }

    /// Reads files the way `data::load` does: each on its own, merged in
    /// path order, then judged; warnings as `file:line:col: message`.
    fn read_files(files: &[(&str, String)], config: &Config) -> (Surveys, Vec<String>) {
        let mut surveys = Surveys::default();
        let mut diags = Diagnostics::default();
        for (path, text) in files {
            let mut found = Diagnostics::default();
            let mut seen = crate::data::dates::Seen::default();
            let part = parse(path, text.as_bytes(), config, true, &mut seen, &mut found);
            diags.append(found);
            surveys.append(part);
        }
        surveys.finish(config, &mut diags);
        let found = diags
            .sorted()
            .into_iter()
            .map(|d| format!("{}:{}:{}: {}", d.file, d.line, d.column, d.message))
            .collect();
        (surveys, found)
    }

    /// The value of each response in a dimension, by name.
    fn column(surveys: &Surveys, name: &str) -> Vec<Option<String>> {
        let d = surveys.segments.iter().position(|s| s == name);
        surveys
            .responses
            .iter()
            .map(|r| d.and_then(|d| surveys.segment(r, d)).map(str::to_owned))
            .collect()
    }

    /// Ten answers from four customers over three channels, as a small
    /// export looks.
    fn small_file() -> String {
        let mut text = "date,channel,customer_email,customer,store,nps\n".to_owned();
        for i in 0..10 {
            let channel = ["voice", "chat", "email"][i % 3];
            text.push_str(&format!(
                "2026-02-{:02},{channel},c{}@example.com,C-{:04},{},{}\n",
                i + 1,
                i % 4,
                1000 + i,
                if i == 6 { "612 345 678" } else { "norte" },
                i
            ));
        }
        text
    }

    #[test]
    fn undeclared_columns_are_segments_only_when_categorical() {
        let (surveys, warnings) = read(&small_file(), &Config::default());
        assert_eq!(surveys.segments, ["channel"]);
        assert_eq!(
            warnings,
            [
                "1:3: column 'customer_email' is left out of the site: its name says it identifies a person; if it is a segment, list it with the others in `[surveys] segments` in cxreport.toml",
                "1:4: column 'customer' is left out of the site: its 10 answers hold 10 different values, and a segment's are shared by two answers each on average; if it is a segment, list it with the others in `[surveys] segments` in cxreport.toml",
                "1:5: column 'store' is left out of the site: its value on line 8 looks like an e-mail address, a phone number or an id; if it is a segment, list it with the others in `[surveys] segments` in cxreport.toml",
            ]
        );
        let channels = column(&surveys, "channel");
        assert_eq!(channels[0].as_deref(), Some("voice"));
        assert_eq!(channels[4].as_deref(), Some("chat"));
        assert_eq!(channels.len(), 10);
    }

    #[test]
    fn a_column_past_the_cap_is_dropped_as_it_is_read() {
        let mut text = "date,channel,order,nps\n".to_owned();
        for i in 0..200 {
            text.push_str(&format!("2026-02-01,voice,o{},7\n", i % 60));
        }
        let (surveys, warnings) = read(&text, &Config::default());
        assert_eq!(surveys.segments, ["channel"]);
        assert!(
            warnings[0].starts_with(
                "1:3: column 'order' is left out of the site: it has more than 50 different values"
            ),
            "{warnings:?}"
        );
        assert_eq!(
            surveys.profiles.len(),
            2,
            "the order values are out of every profile"
        );
        assert!(
            column(&surveys, "channel")
                .iter()
                .all(|v| v.as_deref() == Some("voice"))
        );
    }

    /// A file of a few answers is no sign that `channel` names people:
    /// judged alone it would be left out, and the channel breakdown would
    /// cover the other files' responses only.
    #[test]
    fn a_segment_is_judged_over_all_files() {
        let mut big = "date,channel,email,nps\n".to_owned();
        for i in 0..10 {
            let channel = ["voice", "chat"][i % 2];
            big.push_str(&format!(
                "2026-01-{:02},{channel},c{i}@example.com,7\n",
                i + 1
            ));
        }
        let small = "date,channel,email,nps\n2026-02-01,web,,9\n2026-02-02,voice,,3\n".to_owned();
        let (surveys, warnings) =
            read_files(&[("a.csv", big), ("b.csv", small)], &Config::default());
        // One warning for the plan, at the first file's header.
        assert_eq!(
            warnings,
            [
                "a.csv:1:3: column 'email' is left out of the site: its name says it identifies a person; if it is a segment, list it with the others in `[surveys] segments` in cxreport.toml"
            ]
        );
        assert_eq!(surveys.segments, ["channel"]);
        let channels = column(&surveys, "channel");
        assert_eq!(channels.len(), 12);
        assert!(channels.iter().all(Option::is_some), "{channels:?}");
        assert_eq!(channels[10].as_deref(), Some("web"));
    }

    /// Files that name their attributes in other orders: each rating is
    /// read back as written, by the attribute's name.
    #[test]
    fn ratings_are_merged_by_attribute_whatever_each_file_holds() {
        let a = "date,nps,attr_speed,attr_ease\n2026-01-01,9,4,3.5\n2026-01-02,8,2,\n";
        let b = "date,nps,attr_ease,attr_knowledge,attr_speed\n2026-01-03,7,4.333,5,1\n";
        let c = "date,nps,attr_speed\n2026-01-04,6,2.25\n";
        let files = [("a.csv", a), ("b.csv", b), ("c.csv", c)].map(|(p, t)| (p, t.to_owned()));
        let (surveys, warnings) = read_files(&files, &Config::default());
        assert_eq!(warnings, Vec::<String>::new());
        assert_eq!(surveys.attributes, ["speed", "ease", "knowledge"]);
        let read: Vec<Vec<Option<f64>>> = surveys
            .responses
            .iter()
            .map(|r| (0..3).map(|a| surveys.rating(r, a)).collect())
            .collect();
        assert_eq!(
            read,
            [
                [Some(4.0), Some(3.5), None],
                [Some(2.0), None, None],
                [Some(1.0), Some(4.333), Some(5.0)],
                [Some(2.25), None, None],
            ]
        );
    }

    /// 30 codes a month pass as a segment in each monthly file, but the
    /// plan would publish 90 of them.
    #[test]
    fn the_value_cap_is_over_all_files() {
        let files: Vec<(&str, String)> = [("a.csv", 'a'), ("b.csv", 'b'), ("c.csv", 'c')]
            .into_iter()
            .map(|(path, month)| {
                let mut text = "date,channel,code,nps\n".to_owned();
                for i in 0..60 {
                    text.push_str(&format!("2026-01-01,voice,{month}{:02},7\n", i % 30));
                }
                (path, text)
            })
            .collect();
        let (surveys, warnings) = read_files(&files, &Config::default());
        assert_eq!(surveys.segments, ["channel"]);
        assert_eq!(
            warnings,
            [
                "a.csv:1:3: column 'code' is left out of the site: it has more than 50 different values, too many for a segment; if it is a segment, list it with the others in `[surveys] segments` in cxreport.toml"
            ]
        );
        assert_eq!(surveys.profiles.len(), 2, "no profile keeps a code");
    }

    /// A phone number in February's file makes `store` no segment in
    /// January's either.
    #[test]
    fn a_column_left_out_of_one_file_is_left_out_of_all() {
        let january = "date,store,nps\n2026-01-01,norte,7\n2026-01-02,sur,8\n2026-01-03,norte,9\n2026-01-04,sur,6\n".to_owned();
        let february =
            "date,store,nps\n2026-02-01,norte,7\n2026-02-02,612 345 678,8\n2026-02-03,sur,9\n"
                .to_owned();
        let (surveys, warnings) = read_files(
            &[("a.csv", january), ("b.csv", february)],
            &Config::default(),
        );
        assert_eq!(
            warnings,
            [
                "a.csv:1:2: column 'store' is left out of the site: its value on line 3 of b.csv looks like an e-mail address, a phone number or an id; if it is a segment, list it with the others in `[surveys] segments` in cxreport.toml"
            ]
        );
        assert_eq!(surveys.segments, Vec::<String>::new());
        assert_eq!(surveys.responses.len(), 7);
        assert!(surveys.responses.iter().all(|r| r.profile == 0));
        assert_eq!(surveys.profiles, [Profile::new()]);
    }

    #[test]
    fn a_declared_list_is_the_segments_and_its_values_are_masked() {
        let list = |names: &[&str]| {
            names
                .iter()
                .map(|n| crate::config::Declared {
                    name: (*n).to_owned(),
                    file: "cxreport.toml".to_owned(),
                    pos: Pos::START,
                })
                .collect()
        };
        let config = Config {
            segments: Some(list(&["channel", "store"])),
            ..Config::default()
        };
        let (surveys, warnings) = read(&small_file(), &config);
        assert_eq!(surveys.segments, ["channel", "store"]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(
            warnings[0],
            "1:3: column 'customer_email' is left out of the site: it is not in `[surveys] segments` in cxreport.toml"
        );
        let stores = column(&surveys, "store");
        assert_eq!(stores[6].as_deref(), Some(redact::PHONE));
        assert_eq!(stores[0].as_deref(), Some("norte"));
        let config = Config {
            segments: Some(list(&["chanel"])),
            ..Config::default()
        };
        let (_, warnings) = read(&small_file(), &config);
        assert!(
            warnings[0].ends_with("; did you mean `chanel`?"),
            "{warnings:?}"
        );
    }

    /// `phone` inside a word (`smartphone`, `headphones`) is no phone
    /// number: the glued words count only where a word starts.
    #[test]
    fn a_personal_word_counts_only_at_a_word_start() {
        let mut text = "date,smartphone_model,customerPhone,nps\n".to_owned();
        for i in 0..10 {
            let model = ["pixel", "galaxy"][i % 2];
            text.push_str(&format!(
                "2026-02-{:02},{model},{},7\n",
                i + 1,
                ["a", "b"][i % 2]
            ));
        }
        let (surveys, warnings) = read(&text, &Config::default());
        assert_eq!(surveys.segments, ["smartphone_model"]);
        assert_eq!(
            warnings,
            [
                "1:3: column 'customerPhone' is left out of the site: its name says it identifies a person; if it is a segment, list it with the others in `[surveys] segments` in cxreport.toml"
            ]
        );
        for name in [
            "customerEmail",
            "customer_phone",
            "phoneNumber",
            "EMAILADDRESS",
            "ibanCode",
            "customer_id",
            "e-mail",
        ] {
            assert!(personal(name), "{name}");
        }
        for name in ["smartphone_model", "headphones", "Headphones", "region"] {
            assert!(!personal(name), "{name}");
        }
    }

    /// Masking runs once per cell text while the cache has room, and on
    /// every new text after: either way no address is kept.
    #[test]
    fn a_declared_segment_is_masked_past_its_cache() {
        let config = Config {
            segments: Some(vec![crate::config::Declared {
                name: "store".to_owned(),
                file: "cxreport.toml".to_owned(),
                pos: Pos::START,
            }]),
            ..Config::default()
        };
        let mut text = "date,store,nps\n".to_owned();
        for round in 0..2 {
            for i in 0..MASKED + 100 {
                text.push_str(&format!("2026-02-01,shop{i}@example.com,{round}\n"));
            }
        }
        let (surveys, warnings) = read(&text, &config);
        assert_eq!(warnings, Vec::<String>::new());
        assert_eq!(surveys.values, [["***@***"]]);
        let stores = column(&surveys, "store");
        assert_eq!(stores.len(), 2 * (MASKED + 100));
        assert!(stores.iter().all(|v| v.as_deref() == Some("***@***")));
    }

    #[test]
    fn answer_ids_are_kept_for_cases_and_outlive_the_release() {
        let text = "id,date,nps\nr1,2026-02-01,3\n,2026-02-02,9\nr3,2026-02-03,\n";
        let (mut surveys, _) = read(text, &Config::default());
        let answers: Vec<_> = surveys
            .answers()
            .map(|(_, nps, id)| (nps, id.to_owned()))
            .collect();
        assert_eq!(
            answers,
            [(Some(3), "r1".to_owned()), (None, "r3".to_owned())]
        );
        surveys.release_responses();
        assert_eq!(surveys.answers().count(), 2);
    }

    #[test]
    fn scores_are_whole_numbers_in_range() {
        let score = |cell: &str, score: Score| match parse_score(&Resolved::default(), cell, score)
        {
            Ok(v) => Ok(v),
            Err(BadScore::Message(m)) => Err(m),
            Err(BadScore::Mistake(m)) => Err(format!("{m:?}")),
        };
        assert_eq!(score("9", Score::Nps), Ok(Some(9)));
        assert_eq!(score("", Score::Csat), Ok(None));
        assert_eq!(
            score("11", Score::Nps),
            Err("11 is out of range 0–10".into())
        );
        assert_eq!(score("0", Score::Csat), Err("0 is out of range 1–5".into()));
        assert_eq!(
            score("4.5", Score::Csat),
            Err("4.5 is not a whole number".into())
        );
        assert_eq!(score("n/a", Score::Nps), Err("NotANumber".into()));
    }
}
