//! `data/okrs/*.toml`: one OKR period a file, with its objectives and their
//! key results. A key result either follows a metric (its current value then
//! comes from the KPI data) or carries its `current` value by hand.

use std::collections::HashSet;

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::de::{TomlDate, TomlFile};
use super::{Filter, Loader, RecordKind};
use crate::diag::Source;

#[derive(Debug, Clone, PartialEq)]
pub struct OkrPeriod {
    pub id: String,
    /// The file it was read from, relative to the plan root.
    pub source: String,
    pub start: Date,
    pub end: Date,
    pub objectives: Vec<Objective>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub id: String,
    pub title: String,
    pub business_area: Option<String>,
    pub owner: Option<String>,
    pub key_results: Vec<KeyResult>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyResult {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub deadline: Date,
    pub baseline: f64,
    pub target: f64,
    pub metric: Option<String>,
    pub filter: Filter,
    /// Given by hand; wins over the data.
    pub current: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    period: Spanned<String>,
    start: Spanned<TomlDate>,
    end: Spanned<TomlDate>,
    #[allow(dead_code)]
    objective: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObjective {
    id: Spanned<String>,
    title: String,
    business_area: Option<String>,
    owner: Option<String>,
    #[allow(dead_code)]
    key_result: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyResult {
    id: Spanned<String>,
    title: String,
    owner: String,
    deadline: Spanned<TomlDate>,
    baseline: f64,
    target: Spanned<f64>,
    metric: Option<Spanned<String>>,
    filter: Option<Spanned<Filter>>,
    current: Option<f64>,
}

pub fn parse(src: &Source, loader: &mut Loader) -> Option<OkrPeriod> {
    let mut file = TomlFile::new(src, loader.diags);
    let mut root = file.parse()?;
    let mut objectives = Vec::new();
    for mut node in file.take_records(&mut root, "objective") {
        let krs: Vec<(usize, RawKeyResult)> = file
            .take_records(&mut node, "key_result")
            .into_iter()
            .filter_map(|n| {
                let at = n.span().start;
                file.record(n, "[[objective.key_result]]").map(|k| (at, k))
            })
            .collect();
        if let Some(o) = file.record::<RawObjective>(node, "[[objective]]") {
            objectives.push((o, krs));
        }
    }
    let raw = file.record::<Raw>(root, "the OKR period");

    let mut period_ok = true;
    let (mut start, mut end) = (None, None);
    if let Some(raw) = &raw {
        period_ok = loader.check_id(src, RecordKind::OkrPeriod, &raw.period);
        period_ok &= loader.check_range(src, &raw.start, &raw.end);
        start = Some(raw.start.get_ref().0);
        end = Some(raw.end.get_ref().0);
    }
    let mut objective_ids = HashSet::new();
    let mut kr_ids = HashSet::new();
    let mut out = Vec::new();
    for (o, krs) in objectives {
        let objective_ok = unique(loader, src, &mut objective_ids, &o.id, "objective");
        let mut key_results = Vec::new();
        for (at, k) in krs {
            let mut ok = unique(loader, src, &mut kr_ids, &k.id, "key result");
            if let Some(m) = &k.metric {
                ok &= loader.metric_ref(src, m, k.filter.as_ref()).is_some();
            } else if k.current.is_none() {
                let message = "a key result without `metric` needs `current`";
                loader.diags.error(&src.path, src.pos(at), message);
                ok = false;
            }
            if *k.target.get_ref() == k.baseline {
                let message = "`target` equals `baseline`: progress cannot be measured";
                loader
                    .diags
                    .error(&src.path, src.pos(k.target.span().start), message);
                ok = false;
            }
            let deadline = k.deadline.get_ref().0;
            if let (Some(s), Some(e)) = (start, end)
                && (deadline < s || deadline > e)
            {
                let message = format!("deadline {deadline} is outside the OKR period ({s} to {e})");
                loader
                    .diags
                    .warning(&src.path, src.pos(k.deadline.span().start), message);
            }
            if ok {
                key_results.push(KeyResult {
                    id: k.id.into_inner(),
                    title: k.title,
                    owner: k.owner,
                    deadline,
                    baseline: k.baseline,
                    target: k.target.into_inner(),
                    metric: k.metric.map(Spanned::into_inner),
                    filter: k.filter.map(Spanned::into_inner).unwrap_or_default(),
                    current: k.current,
                });
            }
        }
        if objective_ok {
            out.push(Objective {
                id: o.id.into_inner(),
                title: o.title,
                business_area: o.business_area,
                owner: o.owner,
                key_results,
            });
        }
    }
    let raw = raw?;
    period_ok.then(|| OkrPeriod {
        id: raw.period.into_inner(),
        source: src.path.clone(),
        start: raw.start.get_ref().0,
        end: raw.end.get_ref().0,
        objectives: out,
    })
}

/// Ids of objectives and key results are unique within their period.
fn unique(
    loader: &mut Loader,
    src: &Source,
    seen: &mut HashSet<String>,
    id: &Spanned<String>,
    noun: &str,
) -> bool {
    let pos = src.pos(id.span().start);
    if !super::is_id(id.get_ref()) {
        let message = format!(
            "{noun} id `{}` must hold only a-z, 0-9, `-` and `_`",
            id.get_ref()
        );
        loader.diags.error(&src.path, pos, message);
        return false;
    }
    if !seen.insert(id.get_ref().clone()) {
        let message = format!("duplicate {noun} id `{}` in this OKR period", id.get_ref());
        loader.diags.error(&src.path, pos, message);
        return false;
    }
    true
}
