//! `data/initiatives.toml`: the action plan, with owners, due dates, status,
//! impact and effort, and optionally the metric an initiative should move.

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::de::{TomlDate, TomlFile};
use super::{Filter, Loader, RecordKind};
use crate::diag::Source;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Todo,
    InProgress,
    Done,
    Blocked,
    Dropped,
}

impl Status {
    /// The name in the plan's files (and the CSS class of its label).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::InProgress => "in-progress",
            Status::Done => "done",
            Status::Blocked => "blocked",
            Status::Dropped => "dropped",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Complexity {
    Simple,
    Complicated,
    Complex,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Initiative {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub due: Date,
    pub status: Status,
    pub impact: Level,
    pub effort: Level,
    pub complexity: Option<Complexity>,
    pub metric: Option<String>,
    pub filter: Filter,
    pub launch: Option<Date>,
    pub investment: Option<f64>,
    pub expected_value: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: Spanned<String>,
    title: String,
    owner: String,
    due: TomlDate,
    status: Status,
    impact: Level,
    effort: Level,
    complexity: Option<Complexity>,
    metric: Option<Spanned<String>>,
    filter: Option<Spanned<Filter>>,
    launch: Option<TomlDate>,
    investment: Option<Spanned<f64>>,
    expected_value: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RootKeys {
    #[allow(dead_code)]
    initiative: Option<serde::de::IgnoredAny>,
}

pub fn parse(src: &Source, loader: &mut Loader) -> Vec<Initiative> {
    let mut file = TomlFile::new(src, loader.diags);
    let Some(mut root) = file.parse() else {
        return Vec::new();
    };
    let records = file.take_records(&mut root, "initiative");
    let raws: Vec<Raw> = records
        .into_iter()
        .filter_map(|n| file.record(n, "[[initiative]]"))
        .collect();
    let _ = file.record::<RootKeys>(root, "data/initiatives.toml");
    let mut out = Vec::new();
    for r in raws {
        let mut ok = loader.check_id(src, RecordKind::Initiative, &r.id);
        if let Some(m) = &r.metric {
            ok &= loader.metric_ref(src, m, r.filter.as_ref()).is_some();
        }
        if let Some(inv) = &r.investment
            && *inv.get_ref() < 0.0
        {
            loader.diags.error(
                &src.path,
                src.pos(inv.span().start),
                "`investment` cannot be negative",
            );
            ok = false;
        }
        if ok {
            out.push(Initiative {
                id: r.id.into_inner(),
                title: r.title,
                owner: r.owner,
                due: r.due.0,
                status: r.status,
                impact: r.impact,
                effort: r.effort,
                complexity: r.complexity,
                metric: r.metric.map(Spanned::into_inner),
                filter: r.filter.map(Spanned::into_inner).unwrap_or_default(),
                launch: r.launch.map(|d| d.0),
                investment: r.investment.map(Spanned::into_inner),
                expected_value: r.expected_value,
            });
        }
    }
    out
}
