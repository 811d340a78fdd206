//! `data/flows/*.toml`: bot and journey flows, one a file, with the versions
//! that went live over time. Versions are what before/after comparisons are
//! made on, so their dates must strictly increase.

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::de::{TomlDate, TomlFile};
use super::{Filter, Loader, RecordKind};
use crate::diag::Source;

#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub id: String,
    /// The file it was read from, relative to the plan root.
    pub source: String,
    pub name: String,
    /// `channel` folded in as `channel = …`.
    pub filter: Filter,
    pub metrics: Vec<String>,
    pub owner: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    /// Oldest first.
    pub versions: Vec<Version>,
    /// The steps of a flow that has no `[[version]]` entries: its versions
    /// then come from the commits that changed its file.
    pub steps: Vec<String>,
    /// Its versions were read from git, not written in the file.
    pub from_history: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub version: String,
    pub date: Date,
    pub summary: String,
    pub changes: Vec<String>,
    pub steps: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: Option<Spanned<String>>,
    name: String,
    channel: Option<Spanned<String>>,
    filter: Option<Spanned<Filter>>,
    #[serde(default)]
    metrics: Vec<Spanned<String>>,
    owner: Option<String>,
    description: Option<String>,
    steps: Option<Spanned<Vec<String>>>,
    #[allow(dead_code)]
    version: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersion {
    version: Spanned<String>,
    date: Spanned<TomlDate>,
    summary: String,
    #[serde(default)]
    changes: Vec<String>,
    #[serde(default)]
    steps: Vec<String>,
}

/// The versions of a flow file as its history tells them, by the file's
/// path: what a flow without `[[version]]` entries takes.
pub type Told<'h> = dyn Fn(&str) -> Vec<Version> + 'h;

pub fn parse(src: &Source, loader: &mut Loader, told: &Told) -> Option<Flow> {
    let mut file = TomlFile::new(src, loader.diags);
    let mut root = file.parse()?;
    let versions: Vec<RawVersion> = file
        .take_records(&mut root, "version")
        .into_iter()
        .filter_map(|n| file.record(n, "[[version]]"))
        .collect();
    let raw = file.record::<Raw>(root, "the flow")?;
    let id = loader.id_or_stem(src, RecordKind::Flow, raw.id);

    let mut filter = raw
        .filter
        .clone()
        .map(Spanned::into_inner)
        .unwrap_or_default();
    if let Some(channel) = &raw.channel {
        if filter.contains_key("channel") {
            let message = "give the channel once: either `channel` or `channel` inside `filter`";
            loader
                .diags
                .error(&src.path, src.pos(channel.span().start), message);
        }
        filter.insert("channel".to_owned(), channel.get_ref().clone());
    }
    // Check the combined filter against each metric's data, at the place it was written.
    let filter_at = raw
        .channel
        .as_ref()
        .map(Spanned::span)
        .or(raw.filter.as_ref().map(Spanned::span));
    let spanned_filter = filter_at.map(|span| Spanned::new(span, filter.clone()));
    for metric in &raw.metrics {
        loader.metric_ref(src, metric, spanned_filter.as_ref());
    }

    let mut out: Vec<Version> = Vec::new();
    for v in versions {
        let date = v.date.get_ref().0;
        if let Some(prev) = out.last()
            && date <= prev.date
        {
            let message = format!(
                "version {} is dated {date}, not after version {} ({}): versions must be in date order",
                v.version.get_ref(),
                prev.version,
                prev.date
            );
            loader
                .diags
                .error(&src.path, src.pos(v.date.span().start), message);
            continue;
        }
        if out.iter().any(|o| &o.version == v.version.get_ref()) {
            let message = format!("version {} appears twice", v.version.get_ref());
            loader
                .diags
                .error(&src.path, src.pos(v.version.span().start), message);
            continue;
        }
        out.push(Version {
            version: v.version.into_inner(),
            date,
            summary: v.summary,
            changes: v.changes,
            steps: v.steps,
        });
    }
    if let Some(steps) = &raw.steps
        && !out.is_empty()
    {
        let message = "a flow with [[version]] entries lists the steps of each version in it: \
                       move these `steps` into the latest [[version]], or remove the versions \
                       to take them from the file's git history";
        loader
            .diags
            .error(&src.path, src.pos(steps.span().start), message);
    }
    // Without versions of its own, a flow's versions are its file's commits.
    let from_history = out.is_empty();
    if from_history {
        out = told(&src.path);
    }
    Some(Flow {
        id: id?,
        source: src.path.clone(),
        name: raw.name,
        filter,
        metrics: raw.metrics.into_iter().map(Spanned::into_inner).collect(),
        owner: raw.owner,
        description: raw.description,
        versions: out,
        steps: raw.steps.map(Spanned::into_inner).unwrap_or_default(),
        from_history,
    })
}
