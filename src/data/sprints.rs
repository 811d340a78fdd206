//! `data/sprints/*.toml`: monthly sprint logs, with the experiments run in the
//! sprint (and what came of them) and the actions agreed.

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::de::{TomlDate, TomlFile};
use super::{Filter, Loader, RecordKind};
use crate::diag::Source;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Running,
    Worked,
    Failed,
    Inconclusive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    Todo,
    InProgress,
    Done,
    Blocked,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sprint {
    pub id: String,
    /// The file it was read from, relative to the plan root.
    pub source: String,
    pub title: String,
    pub start: Date,
    pub end: Date,
    pub goal: Option<String>,
    pub learnings: Vec<String>,
    pub experiments: Vec<Experiment>,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    pub id: String,
    pub title: String,
    pub hypothesis: String,
    pub metric: Option<String>,
    pub filter: Filter,
    /// The change date.
    pub start: Date,
    pub status: Outcome,
    /// Becomes an operational standard.
    pub adopt: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub title: String,
    pub owner: String,
    pub due: Date,
    pub status: ActionStatus,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: Option<Spanned<String>>,
    title: String,
    start: Spanned<TomlDate>,
    end: Spanned<TomlDate>,
    goal: Option<String>,
    #[serde(default)]
    learnings: Vec<String>,
    #[allow(dead_code)]
    experiment: Option<serde::de::IgnoredAny>,
    #[allow(dead_code)]
    action: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExperiment {
    id: Spanned<String>,
    title: String,
    hypothesis: String,
    metric: Option<Spanned<String>>,
    filter: Option<Spanned<Filter>>,
    start: TomlDate,
    status: Outcome,
    #[serde(default)]
    adopt: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    title: String,
    owner: String,
    due: TomlDate,
    status: ActionStatus,
}

pub fn parse(src: &Source, loader: &mut Loader) -> Option<Sprint> {
    let mut file = TomlFile::new(src, loader.diags);
    let mut root = file.parse()?;
    let experiments: Vec<RawExperiment> = file
        .take_records(&mut root, "experiment")
        .into_iter()
        .filter_map(|n| file.record(n, "[[experiment]]"))
        .collect();
    let actions: Vec<RawAction> = file
        .take_records(&mut root, "action")
        .into_iter()
        .filter_map(|n| file.record(n, "[[action]]"))
        .collect();
    let raw = file.record::<Raw>(root, "the sprint");

    let mut out = Vec::new();
    for e in experiments {
        let mut ok = loader.check_id(src, RecordKind::Experiment, &e.id);
        if let Some(m) = &e.metric {
            ok &= loader.metric_ref(src, m, e.filter.as_ref()).is_some();
        }
        if ok {
            out.push(Experiment {
                id: e.id.into_inner(),
                title: e.title,
                hypothesis: e.hypothesis,
                metric: e.metric.map(Spanned::into_inner),
                filter: e.filter.map(Spanned::into_inner).unwrap_or_default(),
                start: e.start.0,
                status: e.status,
                adopt: e.adopt,
            });
        }
    }
    let raw = raw?;
    let id = loader.id_or_stem(src, RecordKind::Sprint, raw.id);
    let range_ok = loader.check_range(src, &raw.start, &raw.end);
    let id = id.filter(|_| range_ok)?;
    Some(Sprint {
        id,
        source: src.path.clone(),
        title: raw.title,
        start: raw.start.get_ref().0,
        end: raw.end.get_ref().0,
        goal: raw.goal,
        learnings: raw.learnings,
        experiments: out,
        actions: actions
            .into_iter()
            .map(|a| Action {
                title: a.title,
                owner: a.owner,
                due: a.due.0,
                status: a.status,
            })
            .collect(),
    })
}
