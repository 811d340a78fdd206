//! `data/audits/*.toml`: 360° CX audits, one a file. An audit is a snapshot:
//! for each indicator, the target and where the operation stands.

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use super::de::{TomlDate, TomlFile};
use super::{Direction, Filter, Loader, RecordKind};
use crate::diag::Source;

#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    pub id: String,
    /// The file it was read from, relative to the plan root.
    pub source: String,
    pub title: String,
    pub date: Date,
    pub period: Option<(Date, Date)>,
    /// Markdown.
    pub summary: Option<String>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub area: String,
    /// The catalogue metric's name when the finding names a metric and no indicator.
    pub indicator: String,
    pub metric: Option<String>,
    pub filter: Filter,
    pub target: f64,
    pub current: f64,
    pub direction: Direction,
    pub unit: Option<String>,
    pub journey_stage: Option<String>,
    pub notes: Option<String>,
}

impl Finding {
    /// What makes a finding "the same" in two audits: area, metric (or
    /// indicator when there is no metric) and filter.
    pub fn key(&self) -> (&str, &str, &Filter) {
        (
            &self.area,
            self.metric.as_deref().unwrap_or(&self.indicator),
            &self.filter,
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    id: Option<Spanned<String>>,
    title: String,
    date: TomlDate,
    period: Option<Spanned<RawPeriod>>,
    summary: Option<String>,
    #[allow(dead_code)]
    finding: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeriod {
    start: Spanned<TomlDate>,
    end: Spanned<TomlDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFinding {
    area: String,
    indicator: Option<String>,
    metric: Option<Spanned<String>>,
    filter: Option<Spanned<Filter>>,
    target: f64,
    current: f64,
    direction: Option<Direction>,
    unit: Option<String>,
    journey_stage: Option<String>,
    notes: Option<String>,
}

pub fn parse(src: &Source, loader: &mut Loader) -> Option<Audit> {
    let mut file = TomlFile::new(src, loader.diags);
    let mut root = file.parse()?;
    let findings: Vec<(usize, RawFinding)> = file
        .take_records(&mut root, "finding")
        .into_iter()
        .filter_map(|n| {
            let at = n.span().start;
            file.record(n, "[[finding]]").map(|f| (at, f))
        })
        .collect();
    let raw = file.record::<Raw>(root, "the audit");

    let mut out = Vec::new();
    for (at, f) in findings {
        let metric = f
            .metric
            .as_ref()
            .and_then(|m| loader.metric_ref(src, m, f.filter.as_ref()));
        let indicator = match (&f.indicator, &metric) {
            (Some(i), _) => i.clone(),
            (None, Some(m)) => m.name.clone(),
            (None, None) => {
                if f.metric.is_none() {
                    loader.diags.error(
                        &src.path,
                        src.pos(at),
                        "a finding needs `indicator` or `metric`",
                    );
                }
                continue;
            }
        };
        let Some(direction) = f.direction.or(metric.as_ref().map(|m| m.direction)) else {
            let message = "a finding without `metric` needs `direction` (\"higher\" or \"lower\")";
            loader.diags.error(&src.path, src.pos(at), message);
            continue;
        };
        let finding = Finding {
            area: f.area,
            indicator,
            metric: f.metric.map(Spanned::into_inner),
            filter: f.filter.map(Spanned::into_inner).unwrap_or_default(),
            target: f.target,
            current: f.current,
            direction,
            unit: f.unit.or(metric.map(|m| m.unit)),
            journey_stage: f.journey_stage,
            notes: f.notes,
        };
        if out.iter().any(|o: &Finding| o.key() == finding.key()) {
            let message = format!(
                "another finding of this audit already has area \"{}\", {} and the same filter",
                finding.area,
                finding
                    .metric
                    .as_deref()
                    .map_or(format!("indicator \"{}\"", finding.indicator), |m| format!(
                        "metric `{m}`"
                    )),
            );
            loader.diags.error(&src.path, src.pos(at), message);
            continue;
        }
        out.push(finding);
    }

    let raw = raw?;
    let id = loader.id_or_stem(src, RecordKind::Audit, raw.id)?;
    let period = match raw.period {
        Some(p) => {
            let p = p.into_inner();
            loader
                .check_range(src, &p.start, &p.end)
                .then(|| (p.start.get_ref().0, p.end.get_ref().0))
        }
        None => None,
    };
    Some(Audit {
        id,
        source: src.path.clone(),
        title: raw.title,
        date: raw.date.0,
        period,
        summary: raw.summary,
        findings: out,
    })
}
