//! `data/metrics.toml`: the metric catalogue. Every KPI column, finding, key
//! result and experiment that names a metric refers to an entry here, which
//! says what the numbers mean: unit, which way is better, how they roll up.

use serde::Deserialize;
use toml::Spanned;

use super::de::TomlFile;
use super::{Filter, Loader, RecordKind};
use crate::diag::Source;

/// Which way a metric gets better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Higher,
    Lower,
}

impl Direction {
    /// +1 when higher is better, −1 when lower is: multiply a change by it and
    /// a positive result is an improvement.
    pub fn sign(self) -> f64 {
        match self {
            Direction::Higher => 1.0,
            Direction::Lower => -1.0,
        }
    }
}

/// How the values of a period roll up into one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    /// Weighted by the rows' `weight` when there is one.
    #[default]
    Mean,
    Sum,
    /// The value of the latest date with data (several rows that day: their weighted mean).
    Last,
    Min,
    Max,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum AlertSeverity {
    #[default]
    Warning,
    Critical,
}

/// A threshold that raises an alert when the metric crosses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub below: Option<f64>,
    pub above: Option<f64>,
    pub filter: Filter,
    pub severity: AlertSeverity,
    pub message: Option<String>,
}

/// One entry of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub aggregate: Aggregate,
    pub target: Option<f64>,
    pub business_area: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    pub alerts: Vec<Alert>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    id: Spanned<String>,
    name: String,
    unit: String,
    direction: Direction,
    #[serde(default)]
    aggregate: Aggregate,
    target: Option<f64>,
    business_area: Option<String>,
    description: Option<String>,
    #[allow(dead_code)] // read on its own, see `parse`
    alert: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlert {
    below: Option<f64>,
    above: Option<f64>,
    filter: Option<Spanned<Filter>>,
    #[serde(default)]
    severity: AlertSeverity,
    message: Option<String>,
}

pub fn parse(src: &Source, loader: &mut Loader) -> Vec<Metric> {
    let mut file = TomlFile::new(src, loader.diags);
    let Some(mut root) = file.parse() else {
        return Vec::new();
    };
    let mut raws = Vec::new();
    let mut placeholders = Vec::new();
    for mut node in file.take_records(&mut root, "metric") {
        let at = node.span().start;
        let alerts: Vec<(usize, RawAlert)> = file
            .take_records(&mut node, "alert")
            .into_iter()
            .filter_map(|a| {
                let at = a.span().start;
                file.record(a, "[[metric.alert]]").map(|r| (at, r))
            })
            .collect();
        // A metric that fails to load still gets a placeholder when its id can be
        // read: the build fails anyway, and files that refer to it are spared
        // "unknown metric" errors that would hide the real one.
        let id = node
            .get_ref()
            .get("id")
            .and_then(|v| v.get_ref().as_str())
            .map(str::to_owned);
        match file.record::<RawMetric>(node, "[[metric]]") {
            Some(raw) => raws.push((at, raw, alerts)),
            None => placeholders.extend(id),
        }
    }
    let keys = file.record::<RootKeys>(root, "data/metrics.toml");

    let mut metrics = Vec::new();
    for (_, raw, raw_alerts) in raws {
        if !loader.check_id(src, RecordKind::Metric, &raw.id) {
            continue;
        }
        let mut alerts = Vec::new();
        for (at, a) in raw_alerts {
            if a.below.is_some() == a.above.is_some() {
                let pos = src.pos(at);
                loader.diags.error(
                    &src.path,
                    pos,
                    "an alert needs exactly one of `below` or `above`",
                );
                continue;
            }
            if let Some(filter) = &a.filter {
                loader.check_filter_later(src, raw.id.get_ref(), filter);
            }
            alerts.push(Alert {
                below: a.below,
                above: a.above,
                filter: a.filter.map(Spanned::into_inner).unwrap_or_default(),
                severity: a.severity,
                message: a.message,
            });
        }
        metrics.push(Metric {
            id: raw.id.into_inner(),
            name: raw.name,
            unit: raw.unit,
            direction: raw.direction,
            aggregate: raw.aggregate,
            target: raw.target,
            business_area: raw.business_area,
            description: raw.description,
            alerts,
        });
    }
    let declared = keys.and_then(|k| k.dimensions).unwrap_or_default();
    loader.dimensions = dimensions(declared, &metrics, src, loader.diags);
    for id in placeholders {
        if !metrics.iter().any(|m| m.id == id) {
            metrics.push(Metric {
                name: id.clone(),
                id,
                unit: String::new(),
                direction: Direction::Higher,
                aggregate: Aggregate::Mean,
                target: None,
                business_area: None,
                description: None,
                alerts: Vec::new(),
            });
        }
    }
    metrics
}

/// The file's top-level keys: `metric`, read above, and `dimensions`; any
/// other is reported as unknown.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RootKeys {
    #[allow(dead_code)]
    metric: Option<serde::de::IgnoredAny>,
    dimensions: Option<Vec<Spanned<String>>>,
}

/// The columns of wide KPI files that hold numbers and are dimensions, not
/// metrics, such as a store number: the declared names, each with its
/// place, once checked. Text columns need no declaration; numbers do, since
/// an undeclared column of numbers is more likely a metric missing from the
/// catalogue (see [`super::kpis::parse`]).
fn dimensions(
    declared: Vec<Spanned<String>>,
    metrics: &[Metric],
    src: &Source,
    diags: &mut crate::diag::Diagnostics,
) -> Vec<(String, crate::diag::Pos)> {
    let mut out: Vec<(String, crate::diag::Pos)> = Vec::new();
    for name in declared {
        let pos = src.pos(name.span().start);
        let name = name.into_inner();
        let problem = if let Some(m) = metrics.iter().find(|m| m.id.eq_ignore_ascii_case(&name)) {
            Some(format!(
                "`{name}` is the metric `{}`: a column is a metric or a dimension, not both",
                m.id
            ))
        } else if ["date", "weight", "metric", "value"].contains(&name.as_str()) {
            Some(format!(
                "`{name}` is a column cxreport reads itself, not a dimension"
            ))
        } else if name.trim().is_empty() {
            Some("a dimension needs a name: the header of its column".to_owned())
        } else if out.iter().any(|(n, _)| *n == name) {
            Some(format!("dimension `{name}` is declared twice"))
        } else {
            None
        };
        match problem {
            Some(message) => diags.error(&src.path, pos, message),
            None => out.push((name, pos)),
        }
    }
    out
}
