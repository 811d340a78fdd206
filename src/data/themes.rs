//! `data/themes.toml`: the recurring themes looked for in survey comments,
//! each a list of keywords in any of the plan's languages.

use serde::Deserialize;
use toml::Spanned;

use super::de::TomlFile;
use super::{Loader, RecordKind};
use crate::diag::Source;

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub id: String,
    pub name: String,
    /// Lower case; a trailing `*` matches any word that starts with the rest.
    pub keywords: Vec<String>,
    pub alert_weekly_mentions: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: Spanned<String>,
    name: String,
    keywords: Spanned<Vec<String>>,
    alert_weekly_mentions: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RootKeys {
    #[allow(dead_code)]
    theme: Option<serde::de::IgnoredAny>,
}

pub fn parse(src: &Source, loader: &mut Loader) -> Vec<Theme> {
    let mut file = TomlFile::new(src, loader.diags);
    let Some(mut root) = file.parse() else {
        return Vec::new();
    };
    let records = file.take_records(&mut root, "theme");
    let raws: Vec<Raw> = records
        .into_iter()
        .filter_map(|n| file.record(n, "[[theme]]"))
        .collect();
    let _ = file.record::<RootKeys>(root, "data/themes.toml");
    let mut themes = Vec::new();
    for raw in raws {
        if !loader.check_id(src, RecordKind::Theme, &raw.id) {
            continue;
        }
        let at = src.pos(raw.keywords.span().start);
        let keywords: Vec<String> = raw
            .keywords
            .into_inner()
            .iter()
            .map(|k| k.trim().to_lowercase())
            .collect();
        if keywords.is_empty() || keywords.iter().any(|k| k.trim_end_matches('*').is_empty()) {
            loader.diags.error(
                &src.path,
                at,
                "`keywords` must list at least one word, and no empty ones",
            );
            continue;
        }
        if let Some(long) = keywords.iter().find(|k| k.chars().count() > MAX_KEYWORD) {
            let start: String = long.chars().take(20).collect();
            loader.diags.error(
                &src.path,
                at,
                format!(
                    "the keyword \"{start}…\" is longer than {MAX_KEYWORD} characters: a keyword is a word or a short phrase"
                ),
            );
            continue;
        }
        themes.push(Theme {
            id: raw.id.into_inner(),
            name: raw.name,
            keywords,
            alert_weekly_mentions: raw.alert_weekly_mentions,
        });
    }
    themes
}

/// The longest keyword, in characters. Comments are matched against every
/// keyword at once by an automaton whose size grows with their length: a
/// 70 KB "keyword" took 20 s to prepare (a fuzz finding, issue 14).
const MAX_KEYWORD: usize = 100;
