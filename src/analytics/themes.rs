//! Recurring themes in survey comments: keyword matching that ignores case
//! and accents, weekly mentions, share among detractors and the NPS of the
//! responses that mention each theme.
//!
//! A keyword matches whole words (runs of letters and digits: `(wait),` is
//! `wait`, `waiter` is not), a keyword ending in `*` any word that starts with
//! it, and a keyword of several words (`on hold`) those words in a row. Each
//! comment is folded once into words between single spaces (`¡Esperé (mucho)!`
//! → ` espere mucho `), and each keyword the same way, so a match is a
//! substring search (` on hold `, ` esper` for a prefix) with no allocation
//! per word or comment: survey files can hold a million comments.
//!
//! Accents are folded with `unicode-normalization` (decompose, drop the
//! combining marks), which handles every Latin script a plan may be written
//! in, not only the accents someone thought to list.

use jiff::civil::Date;
use serde::Serialize;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::periods::{Length, Period};
use super::voc::{Acc, Figures};
use crate::data::surveys::Surveys;
use crate::data::themes::Theme;

/// Writes `text` into `out` folded: lower case, without accents, its words
/// separated by single spaces and with a space at each end.
fn fold_into(text: &str, out: &mut String) {
    out.clear();
    out.push(' ');
    for c in text.chars() {
        // Most comments are mostly ASCII, which has nothing to decompose and
        // needs no Unicode tables: this halves the time of a large file.
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii() {
            separate(out);
        } else {
            // Canonical order only moves combining marks, which are dropped.
            decompose_canonical(c, |d| {
                if d.is_alphanumeric() {
                    out.extend(d.to_lowercase());
                } else if !is_combining_mark(d) {
                    separate(out);
                }
            });
        }
    }
    separate(out);
}

/// Ends the word being folded, if any.
fn separate(out: &mut String) {
    if !out.ends_with(' ') {
        out.push(' ');
    }
}

/// A keyword as it appears in folded text; `None` when it has no letter or
/// digit, so that it matches nothing rather than everything.
fn needle(keyword: &str) -> Option<String> {
    let prefix = keyword.ends_with('*');
    let text = keyword.strip_suffix('*').unwrap_or(keyword);
    let mut needle = String::new();
    fold_into(text, &mut needle);
    if needle == " " {
        return None;
    }
    if prefix {
        // Without the closing space, the last word may go on.
        needle.pop();
    }
    Some(needle)
}

/// Every theme's keywords, folded once into one automaton, and the buffer
/// comments are folded into, reused from one comment to the next.
struct Matcher {
    /// All the keywords: a comment is read once, not once per keyword.
    automaton: Option<aho_corasick::AhoCorasick>,
    /// The theme of each keyword.
    theme_of: Vec<usize>,
    /// Per theme, whether the comment at hand mentions it.
    found: Vec<bool>,
    folded: String,
}

impl Matcher {
    fn new(themes: &[Theme]) -> Matcher {
        let (theme_of, needles): (Vec<usize>, Vec<String>) = themes
            .iter()
            .enumerate()
            .flat_map(|(i, t)| t.keywords.iter().filter_map(move |k| Some((i, needle(k)?))))
            .unzip();
        Matcher {
            // Only a pattern set too big for memory fails; a plan's keywords
            // are far from that, and without an automaton nothing matches.
            automaton: aho_corasick::AhoCorasick::new(&needles).ok(),
            theme_of,
            found: vec![false; themes.len()],
            folded: String::new(),
        }
    }

    /// The indices of the themes `comment` mentions, each once however many
    /// of its keywords match, in theme order.
    fn mentions(&mut self, comment: &str) -> impl Iterator<Item = usize> + '_ {
        fold_into(comment, &mut self.folded);
        self.found.fill(false);
        if let Some(automaton) = &self.automaton {
            // Overlapping: ` on hold ` must not hide ` hold ` of another theme.
            for m in automaton.find_overlapping_iter(self.folded.as_str()) {
                self.found[self.theme_of[m.pattern().as_usize()]] = true;
            }
        }
        self.found
            .iter()
            .enumerate()
            .filter(|(_, found)| **found)
            .map(|(theme, _)| theme)
    }
}

/// What the comments say about one theme.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeResult {
    /// Comments that mention the theme.
    pub mentions: u32,
    /// Mentions per ISO week, every week from the first response to the
    /// last on or before `as_of`.
    pub weekly: Vec<(Period, u32)>,
    /// Mentions in the ISO week that contains `as_of`; `None` when no
    /// response is dated in that week.
    pub latest_week: Option<(Period, u32)>,
    /// Detractors who left a comment (the same for every theme).
    pub detractors_commenting: u32,
    /// Detractors whose comment mentions the theme.
    pub detractors_mentioning: u32,
    /// The NPS of the responses that mention the theme.
    pub nps: Figures,
    /// Mentions in the latest week exceed `alert_weekly_mentions`.
    pub alert: bool,
    /// The latest comments that mention the theme, newest first (at most
    /// [`QUOTES`]), as read: masked unless the plan turned that off.
    pub quotes: Vec<Quote>,
}

/// How many comments each theme quotes.
pub const QUOTES: usize = 3;

/// A comment that mentions a theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    pub date: Date,
    pub text: String,
}

impl ThemeResult {
    /// Detractors mentioning ÷ detractors commenting.
    pub fn detractor_share(&self) -> Option<f64> {
        (self.detractors_commenting > 0)
            .then(|| f64::from(self.detractors_mentioning) / f64::from(self.detractors_commenting))
    }
}

/// One theme's running counts.
#[derive(Clone)]
struct Tally {
    /// Parallel to the weeks.
    weekly: Vec<u32>,
    nps: Acc,
    detractors: u32,
    /// The latest mentions so far, newest first: (date, response index).
    latest: Vec<(Date, usize)>,
}

impl Tally {
    /// Keeps response `i` among the latest mentions when it is one. Among
    /// comments of one day, the first in file order wins, so the choice is
    /// the same on every build.
    fn quote(&mut self, date: Date, i: usize) {
        let at = self.latest.partition_point(|&(d, _)| d >= date);
        if at < QUOTES {
            self.latest.insert(at, (date, i));
            self.latest.truncate(QUOTES);
        }
    }
}

/// Every theme's figures, parallel to `themes`, from one pass over the
/// responses dated on or before `as_of`.
pub fn compute(themes: &[Theme], surveys: &Surveys, as_of: Date) -> Vec<ThemeResult> {
    let responses = || surveys.responses.iter().filter(|r| r.date <= as_of);
    let now = Period::of(Length::Week, as_of);
    // From the first response to the last, not to `as_of`: an `as_of` long
    // after the data would otherwise list every empty week in between.
    let first_last = responses().map(|r| r.date).fold(None, |acc, d| match acc {
        None => Some((d, d)),
        Some((a, b)) => Some((d.min(a), d.max(b))),
    });
    let weeks: Vec<Period> = match first_last {
        Some((first, last)) => {
            let last = Period::of(Length::Week, last).index;
            (Period::of(Length::Week, first).index..=last)
                .map(|index| Period { index, ..now })
                .collect()
        }
        None => Vec::new(),
    };
    let blank = Tally {
        weekly: vec![0; weeks.len()],
        nps: Acc::default(),
        detractors: 0,
        latest: Vec::new(),
    };
    let mut tallies = vec![blank; themes.len()];
    let mut detractors_commenting = 0;
    let mut matcher = Matcher::new(themes);
    for (i, r) in surveys
        .responses
        .iter()
        .enumerate()
        .filter(|(_, r)| r.date <= as_of)
    {
        let Some(comment) = surveys.comment(r).filter(|c| !c.trim().is_empty()) else {
            continue;
        };
        let detractor = r.nps.is_some_and(|s| s <= 6);
        detractors_commenting += u32::from(detractor);
        // `weeks` starts at the earliest response, so this is never negative.
        let week = (Period::of(Length::Week, r.date).index - weeks[0].index) as usize;
        for theme in matcher.mentions(comment) {
            let tally = &mut tallies[theme];
            tally.weekly[week] += 1;
            tally.nps.add(r);
            tally.detractors += u32::from(detractor);
            tally.quote(r.date, i);
        }
    }
    themes
        .iter()
        .zip(tallies)
        .map(|(theme, tally)| {
            let weekly: Vec<(Period, u32)> = weeks.iter().copied().zip(tally.weekly).collect();
            // The week of `as_of`, when a response came in it: a week with
            // no answers has no count, not a count of zero.
            let latest_week = weekly.last().copied().filter(|&(week, _)| week == now);
            ThemeResult {
                mentions: weekly.iter().map(|(_, n)| n).sum(),
                alert: theme
                    .alert_weekly_mentions
                    .zip(latest_week)
                    .is_some_and(|(limit, (_, n))| n > limit),
                weekly,
                latest_week,
                detractors_commenting,
                detractors_mentioning: tally.detractors,
                nps: tally.nps.figures(),
                quotes: tally
                    .latest
                    .iter()
                    .map(|&(date, i)| Quote {
                        date,
                        text: surveys
                            .comment(&surveys.responses[i])
                            .unwrap_or_default()
                            .to_owned(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A theme in the JSON API: a flat view of a [`ThemeResult`], with periods
/// as their labels. Each field is described in `docs/json-api.md` (`themes[]`).
#[derive(Debug, Serialize)]
pub struct ThemeJson<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub mentions: u32,
    pub weekly: Vec<WeekJson>,
    pub latest_week: Option<WeekJson>,
    pub detractor_share: Option<f64>,
    pub detractors_mentioning: u32,
    pub detractors_commenting: u32,
    pub nps: Option<f64>,
    pub nps_n: u32,
    pub nps_margin_of_error: Option<f64>,
    pub small_sample: bool,
    pub alert_weekly_mentions: Option<u32>,
    pub alert: bool,
}

/// One ISO week's mentions in the JSON API: `{ "week": "2026-W09", "mentions": 3 }`.
#[derive(Debug, Serialize)]
pub struct WeekJson {
    pub week: String,
    pub mentions: u32,
}

/// The JSON views of `results`, which are parallel to `themes`.
pub fn json<'a>(themes: &'a [Theme], report: &super::Report) -> Vec<ThemeJson<'a>> {
    let week = |(p, n): (Period, u32)| WeekJson {
        week: p.label(),
        mentions: n,
    };
    themes
        .iter()
        .filter_map(|t| Some((t, report.theme(&t.id)?)))
        .map(|(t, r)| ThemeJson {
            id: &t.id,
            name: &t.name,
            mentions: r.mentions,
            weekly: r.weekly.iter().copied().map(week).collect(),
            latest_week: r.latest_week.map(week),
            detractor_share: r.detractor_share(),
            detractors_mentioning: r.detractors_mentioning,
            detractors_commenting: r.detractors_commenting,
            nps: r.nps.nps,
            nps_n: r.nps.nps_n,
            nps_margin_of_error: r.nps.nps_margin,
            small_sample: r.nps.small_sample,
            alert_weekly_mentions: t.alert_weekly_mentions,
            alert: r.alert,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::surveys::Response;
    use jiff::civil::date;

    fn hits(keyword: &str, comment: &str) -> bool {
        let theme = Theme {
            keywords: vec![keyword.to_owned()],
            ..theme(None)
        };
        Matcher::new(&[theme]).mentions(comment).count() == 1
    }

    #[test]
    fn folding() {
        let mut out = String::new();
        fold_into("¡Esperé (MUCHO)... 40'!", &mut out);
        assert_eq!(out, " espere mucho 40 ");
        // Already decomposed, Greek, and no word at all.
        fold_into("Espe\u{301}ra Ώρα", &mut out);
        assert_eq!(out, " espera ωρα ");
        fold_into("¿?", &mut out);
        assert_eq!(out, " ");
    }

    #[test]
    fn whole_words_without_case_or_accents() {
        assert!(hits("espera", "¡Demasiada ESPÉRA!"));
        assert!(hits("esperé", "espere 40 minutos"));
        assert!(hits("wait", "(wait), again"));
        assert!(!hits("wait", "the waiter was kind"));
        assert!(hits("esper*", "Esperé 40 minutos"));
        assert!(hits("esper*", "sigo esperando"));
        assert!(!hits("esper*", "desesperado"));
        assert!(hits("on hold", "I was ON   hold, twice"));
        assert!(!hits("on hold", "hold on"));
        assert!(hits("money back*", "I want my money backwards"));
        assert!(!hits("", "anything"));
        assert!(!hits("¿?", "¿? what?"));
    }

    #[test]
    fn each_theme_once_per_comment() {
        let refunds = Theme {
            id: "refund".into(),
            keywords: vec!["refund*".into(), "money back".into()],
            ..theme(None)
        };
        let mut m = Matcher::new(&[theme(None), refunds]);
        let mut found = |comment| m.mentions(comment).collect::<Vec<_>>();
        assert_eq!(found("Waited; esperé; WAITING"), [0]);
        assert_eq!(found("waited for my money back"), [0, 1]);
        assert_eq!(found("refunded"), [1]);
        assert!(found("back money").is_empty());
    }

    fn response(day: i8, nps: Option<u8>, comment: &str) -> (Response, &str) {
        let response = Response {
            date: date(2026, 10, day),
            nps,
            ..Response::default()
        };
        (response, comment)
    }

    /// Responses with their comments, as the survey files would give them.
    fn surveys_of(responses: Vec<(Response, &str)>) -> Surveys {
        let mut surveys = Surveys::default();
        for (response, comment) in responses {
            surveys.push(response, comment);
        }
        surveys
    }

    fn theme(limit: Option<u32>) -> Theme {
        Theme {
            id: "wait".into(),
            name: "Waits".into(),
            keywords: vec!["wait*".into(), "esper*".into()],
            alert_weekly_mentions: limit,
        }
    }

    #[test]
    fn quotes_the_latest_mentions_before_as_of() {
        let surveys = surveys_of(vec![
            response(3, None, "waited a bit"),
            response(12, None, "wait, second of the 12th"),
            response(12, None, "waiting, first... no, third"),
            response(1, None, "wait on the 1st"),
            response(13, None, "esperé"),
            response(20, None, "wait after as_of"),
        ]);
        let r = &compute(&[theme(None)], &surveys, date(2026, 10, 14))[0];
        let quotes: Vec<&str> = r.quotes.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(
            quotes,
            [
                "esperé",
                "wait, second of the 12th",
                "waiting, first... no, third"
            ]
        );
    }

    #[test]
    fn counts_shares_and_alerts() {
        let surveys = surveys_of(vec![
            // Week 2026-W40 (Mon 28 Sep to Sun 4 Oct).
            response(1, Some(2), "Waited and waited, espera eterna"),
            response(2, Some(3), "Rude agent"),
            response(2, Some(4), ""),
            response(3, Some(5), "   "),
            // 2026-W41 has no mention.
            response(6, Some(10), "Great"),
            // 2026-W42.
            response(12, Some(9), "No wait at all"),
            response(13, Some(6), "waiting"),
            // After as_of: left out.
            response(20, Some(0), "wait"),
        ]);
        let as_of = date(2026, 10, 14);
        let r = &compute(&[theme(Some(1))], &surveys, as_of)[0];
        assert_eq!(r.mentions, 3);
        let weekly: Vec<(String, u32)> = r.weekly.iter().map(|(p, n)| (p.label(), *n)).collect();
        assert_eq!(
            weekly,
            [
                ("2026-W40".to_owned(), 1),
                ("2026-W41".to_owned(), 0),
                ("2026-W42".to_owned(), 2)
            ]
        );
        // Detractors with a comment: 2, 3 and 6 (a blank one is no comment);
        // two of them mention waits.
        assert_eq!((r.detractors_commenting, r.detractors_mentioning), (3, 2));
        assert_eq!(r.detractor_share(), Some(2.0 / 3.0));
        // Mentions: 2 (detractor), 9 (promoter), 6 (detractor).
        assert_eq!((r.nps.nps_n, r.nps.promoters, r.nps.detractors), (3, 1, 2));
        assert!(r.alert, "2 mentions in the latest week, more than 1");
        let r = &compute(&[theme(Some(2))], &surveys, as_of)[0];
        assert!(!r.alert, "the limit is not exceeded by reaching it");
    }

    #[test]
    fn no_responses() {
        let r = &compute(&[theme(Some(0))], &Surveys::default(), date(2026, 1, 1))[0];
        assert_eq!((r.mentions, r.weekly.len(), r.alert), (0, 0, false));
        assert_eq!(r.detractor_share(), None);
    }
}
