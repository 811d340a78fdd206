//! Recurring themes in survey comments: keyword matching that ignores case
//! and accents, weekly mentions, share among detractors and the NPS of the
//! responses that mention each theme.
//!
//! Accents are folded with `unicode-normalization` (decompose, drop the
//! combining marks), which handles every Latin script a plan may be written
//! in, not only the accents someone thought to list.

use jiff::civil::Date;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::periods::{Length, Period};
use super::voc::{self, Figures};
use crate::data::surveys::Surveys;
use crate::data::themes::Theme;

/// One keyword, folded: its words, and whether the last one is a prefix.
#[derive(Debug, Clone, PartialEq)]
struct Keyword {
    words: Vec<String>,
    prefix: bool,
}

/// Lower case, without accents: `Esperé` → `espere`.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of folded text: maximal runs of letters and digits.
fn words(folded: &str) -> Vec<&str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

impl Keyword {
    fn new(raw: &str) -> Keyword {
        let (text, prefix) = match raw.strip_suffix('*') {
            Some(t) => (t, true),
            None => (raw, false),
        };
        Keyword {
            words: words(&fold(text)).into_iter().map(str::to_owned).collect(),
            prefix,
        }
    }

    fn matches(&self, comment: &[&str]) -> bool {
        let n = self.words.len();
        if n == 0 || comment.len() < n {
            return false;
        }
        comment.windows(n).any(|w| {
            let (last, rest) = (n - 1, &self.words[..n - 1]);
            w[..last] == rest[..]
                && if self.prefix {
                    w[last].starts_with(self.words[last].as_str())
                } else {
                    w[last] == self.words[last]
                }
        })
    }
}

/// What the comments say about one theme.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeResult {
    /// Comments that mention the theme.
    pub mentions: u32,
    /// Mentions per ISO week, every week from the first response to `as_of`.
    pub weekly: Vec<(Period, u32)>,
    /// Mentions in the ISO week that contains `as_of`.
    pub latest_week: Option<(Period, u32)>,
    /// Detractors who left a comment, and those of them who mention the theme.
    pub detractors_commenting: u32,
    pub detractors_mentioning: u32,
    /// The NPS of the responses that mention the theme.
    pub nps: Figures,
    /// Mentions in the latest week exceed `alert_weekly_mentions`.
    pub alert: bool,
}

impl ThemeResult {
    /// Detractors mentioning ÷ detractors commenting.
    pub fn detractor_share(&self) -> Option<f64> {
        (self.detractors_commenting > 0)
            .then(|| f64::from(self.detractors_mentioning) / f64::from(self.detractors_commenting))
    }
}

/// Every theme's figures, parallel to `themes`, from one pass over the
/// responses dated on or before `as_of`.
pub fn compute(themes: &[Theme], surveys: &Surveys, as_of: Date) -> Vec<ThemeResult> {
    let keywords: Vec<Vec<Keyword>> = themes
        .iter()
        .map(|t| t.keywords.iter().map(|k| Keyword::new(k)).collect())
        .collect();
    let responses = || surveys.responses.iter().filter(|r| r.date <= as_of);
    let first = responses().map(|r| r.date).min();
    let now = Period::of(Length::Week, as_of);
    let weeks: Vec<Period> = first
        .map(|d| {
            let start = Period::of(Length::Week, d);
            (start.index..=now.index)
                .map(|index| Period { index, ..now })
                .collect()
        })
        .unwrap_or_default();
    let mut counts = vec![vec![0u32; weeks.len()]; themes.len()];
    let mut nps: Vec<voc::Acc> = vec![voc::Acc::default(); themes.len()];
    let mut detractors_mentioning = vec![0u32; themes.len()];
    let mut detractors_commenting = 0;
    for r in responses() {
        let Some(comment) = r.comment.as_deref().filter(|c| !c.trim().is_empty()) else {
            continue;
        };
        let detractor = r.nps.is_some_and(|s| s <= 6);
        detractors_commenting += u32::from(detractor);
        let folded = fold(comment);
        let comment_words = words(&folded);
        let week = weeks.first().map_or(0, |w| {
            (Period::of(Length::Week, r.date).index - w.index) as usize
        });
        for (t, kws) in keywords.iter().enumerate() {
            if kws.iter().any(|k| k.matches(&comment_words)) {
                counts[t][week] += 1;
                nps[t].add(r);
                detractors_mentioning[t] += u32::from(detractor);
            }
        }
    }
    themes
        .iter()
        .zip(counts)
        .zip(nps)
        .zip(detractors_mentioning)
        .map(|(((theme, counts), nps), mentioning)| {
            let weekly: Vec<(Period, u32)> = weeks.iter().copied().zip(counts).collect();
            let latest_week = weekly.last().copied();
            ThemeResult {
                mentions: weekly.iter().map(|(_, c)| c).sum(),
                alert: theme
                    .alert_weekly_mentions
                    .zip(latest_week)
                    .is_some_and(|(limit, (_, n))| n > limit),
                weekly,
                latest_week,
                detractors_commenting,
                detractors_mentioning: mentioning,
                nps: nps.figures(),
            }
        })
        .collect()
}

/// A theme in the JSON API.
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

#[derive(Debug, Serialize)]
pub struct WeekJson {
    pub week: String,
    pub mentions: u32,
}

pub fn json<'a>(themes: &'a [Theme], results: &[ThemeResult]) -> Vec<ThemeJson<'a>> {
    let week = |(p, n): (Period, u32)| WeekJson {
        week: p.label(),
        mentions: n,
    };
    themes
        .iter()
        .zip(results)
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
        let folded = fold(comment);
        Keyword::new(keyword).matches(&words(&folded))
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
    }

    fn response(day: i8, nps: Option<u8>, comment: &str) -> Response {
        Response {
            id: None,
            date: date(2026, 10, day),
            nps,
            csat: None,
            ces: None,
            attributes: Vec::new(),
            segments: Vec::new(),
            comment: (!comment.is_empty()).then(|| comment.to_owned()),
        }
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
    fn counts_shares_and_alerts() {
        let surveys = Surveys {
            responses: vec![
                // Week 2026-W40 (Mon 28 Sep to Sun 4 Oct).
                response(1, Some(2), "Waited and waited, espera eterna"),
                response(2, Some(3), "Rude agent"),
                response(2, Some(4), ""),
                // 2026-W41 has no mention.
                response(6, Some(10), "Great"),
                // 2026-W42.
                response(12, Some(9), "No wait at all"),
                response(13, Some(6), "waiting"),
                // After as_of: left out.
                response(20, Some(0), "wait"),
            ],
            ..Surveys::default()
        };
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
        // Detractors with a comment: 2, 3 and 6; two of them mention waits.
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
