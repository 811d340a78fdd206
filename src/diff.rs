//! `cxreport diff`: what a change to the plan does, for a pull request's
//! reviewer. The plan at two revisions (or a revision and the work tree) is
//! compared twice: its data files record by record ([`crate::changes`]),
//! then its reports, for what a reader of the site would see move: key
//! results whose status changes, audit findings that reach or lose their
//! target, alerts that appear or clear, before/after verdicts that change
//! and headline KPI values that move. A metric's target moving is listed
//! with what it moves: whether the KPI reliably meets its target, and when
//! its trend reaches it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::analytics::Report;
use crate::analytics::compare::Outcome;
use crate::analytics::scoring::{GapStatus, KrStatus};
use crate::analytics::signals::Assurance;
use crate::changes::Item;
use crate::git::ChangeKind;
use crate::plan::Plan;
use crate::render::format_number;

/// The first line of the Markdown: a CI step finds its own earlier comment
/// on a pull request by it and updates that comment instead of adding one.
pub const MARKER: &str = "<!-- cxreport-diff -->";

/// How a diff names the work tree, its head when no revision is named.
/// No revision is named so: a branch or tag name has no spaces.
pub const WORK_TREE: &str = "the work tree";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// The revisions compared, as plain names (`main`, `1a2b3c4d`, or
    /// [`WORK_TREE`]): the Markdown adds its own code marks.
    pub base: String,
    pub head: String,
    pub files: Vec<FileDiff>,
    pub key_results: Vec<Moved<KrStatus>>,
    /// Key result targets that moved, and whether they were lowered (moved
    /// toward the baseline: less ambition).
    pub targets: Vec<Target>,
    /// Metric targets (`data/metrics.toml`) that moved, were set or removed.
    pub metric_targets: Vec<MetricTarget>,
    /// Whether each KPI reliably meets its target, overall and per
    /// dimension value, where that changes.
    pub assurance: Vec<Moved<Assurance>>,
    /// When each KPI's trend reaches its target, where that changes.
    pub projections: Vec<Moved<String>>,
    pub findings: Vec<Moved<GapStatus>>,
    pub alerts_appeared: Vec<String>,
    pub alerts_cleared: Vec<String>,
    pub verdicts: Vec<Moved<Outcome>>,
    pub kpis: Vec<Moved<String>>,
    /// Whether any figure of the report changes, listed above or not (a
    /// KPI's earlier periods, an NPS segment): `false` only when the two
    /// reports are the same.
    pub report_changes: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileDiff {
    pub path: String,
    pub change: ChangeKind,
    pub items: Vec<Item>,
}

/// Something that was `old` and is `new` (`None`: it did not exist).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved<T> {
    pub what: String,
    pub old: Option<T>,
    pub new: Option<T>,
}

/// A metric's target before and after (`None`: it had none).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricTarget {
    pub metric: String,
    pub old: Option<f64>,
    pub new: Option<f64>,
    /// Moved in the worse direction of the metric: less ambition.
    pub lowered: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub key_result: String,
    pub old: f64,
    pub new: f64,
    pub lowered: bool,
}

/// Compares the plan and report of `base` with those of `head`; `files`
/// are the data files of each side by path.
pub fn compare(
    (base_name, base, base_report, base_files): (&str, &Plan, &Report, &BTreeMap<String, Vec<u8>>),
    (head_name, head, head_report, head_files): (&str, &Plan, &Report, &BTreeMap<String, Vec<u8>>),
) -> Diff {
    let mut files = Vec::new();
    let paths: std::collections::BTreeSet<&String> =
        base_files.keys().chain(head_files.keys()).collect();
    for path in paths.into_iter().filter(|p| p.starts_with("data/")) {
        let (old, new) = (base_files.get(path), head_files.get(path));
        let change = match (old, new) {
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Deleted,
            (Some(a), Some(b)) if a != b => ChangeKind::Modified,
            _ => continue,
        };
        let text = |b: Option<&Vec<u8>>| b.map(|b| String::from_utf8_lossy(b).into_owned());
        let items = crate::changes::of(path, text(old).as_deref(), text(new).as_deref());
        files.push(FileDiff {
            path: path.clone(),
            change,
            items,
        });
    }
    let (krs_old, krs_new) = (
        key_results(base, base_report),
        key_results(head, head_report),
    );
    // A key result is named by its id, with its title as the pull request
    // leaves it: a retitled key result is still the same one.
    let named = |id: &String| -> String {
        let title = krs_new.get(id).or(krs_old.get(id)).map_or("", |k| &k.title);
        format!("{id} ({title})")
    };
    let mut targets = Vec::new();
    for (id, old) in &krs_old {
        if let Some(new) = krs_new.get(id)
            && old.target != new.target
        {
            let ambition = (old.target - new.baseline).signum();
            targets.push(Target {
                key_result: named(id),
                old: old.target,
                new: new.target,
                lowered: (new.target - old.target) * ambition < 0.0,
            });
        }
    }
    let status = |m: &BTreeMap<String, Kr>| -> BTreeMap<String, KrStatus> {
        m.iter().map(|(k, kr)| (k.clone(), kr.status)).collect()
    };
    let mut statuses = moved(&status(&krs_old), &status(&krs_new));
    for m in &mut statuses {
        m.what = named(&m.what);
    }
    // An alert that still fires, with new figures, neither appears nor clears.
    let alerts = |r: &Report| -> Vec<(AlertKey, String)> {
        r.alerts
            .iter()
            .map(|a| ((a.kind, a.severity, a.subject.clone()), a.message.clone()))
            .collect()
    };
    let (alerts_old, alerts_new) = (alerts(base_report), alerts(head_report));
    let only = |these: &[(AlertKey, String)], those: &[(AlertKey, String)]| -> Vec<String> {
        these
            .iter()
            .filter(|(k, _)| !those.iter().any(|(other, _)| other == k))
            .map(|(_, message)| message.clone())
            .collect()
    };
    let mut d = Diff {
        base: base_name.to_owned(),
        head: head_name.to_owned(),
        files,
        key_results: statuses,
        targets,
        metric_targets: metric_targets(base, head),
        assurance: moved(&assurance(base, base_report), &assurance(head, head_report)),
        projections: moved(
            &projections(base, base_report),
            &projections(head, head_report),
        ),
        findings: moved(&findings(base, base_report), &findings(head, head_report)),
        alerts_appeared: only(&alerts_new, &alerts_old),
        alerts_cleared: only(&alerts_old, &alerts_new),
        verdicts: moved(&verdicts(base, base_report), &verdicts(head, head_report)),
        kpis: moved(&headlines(base, base_report), &headlines(head, head_report)),
        report_changes: true,
    };
    // Only when nothing listed moves: the whole report is then compared,
    // so that "do not change" is said only when it is so (issue 19).
    d.report_changes =
        d.lists_a_change() || figures(base, base_report) != figures(head, head_report);
    d
}

/// Every figure of a report, as `api/report.json` has them, without what
/// differs between any two revisions whatever they hold: the commit and
/// its history. `None` if it cannot be written, which counts as a change.
fn figures(plan: &Plan, report: &Report) -> Option<serde_json::Value> {
    let file = crate::api::file(plan, report).ok()?;
    let mut value: serde_json::Value = serde_json::from_slice(&file.bytes).ok()?;
    if let Some(top) = value.as_object_mut() {
        top.remove("commit");
        top.remove("history");
    }
    Some(value)
}

/// `sla (Service level)`: a metric by its id, with its name.
fn metric_name(m: &crate::data::Metric) -> String {
    format!("{} ({})", m.id, m.name)
}

/// The targets set, moved or removed of the metrics both plans have, in
/// the head's catalogue order. A metric added or removed is a new or a
/// gone metric, which its file's changes say.
fn metric_targets(base: &Plan, head: &Plan) -> Vec<MetricTarget> {
    head.data
        .metrics
        .iter()
        .filter_map(|new| {
            let old = base.data.metrics.iter().find(|m| m.id == new.id)?;
            if old.target == new.target {
                return None;
            }
            let lowered = match (old.target, new.target) {
                (Some(a), Some(b)) => (b - a) * new.direction.sign() < 0.0,
                _ => false,
            };
            Some(MetricTarget {
                metric: metric_name(new),
                old: old.target,
                new: new.target,
                lowered,
            })
        })
        .collect()
}

/// Whether each KPI meets its target, by metric name, and by name and
/// dimension value (`Service level (channel: voice)`).
fn assurance(plan: &Plan, report: &Report) -> BTreeMap<String, Assurance> {
    let mut out = BTreeMap::new();
    for (m, k) in report.metrics(&plan.data.metrics) {
        let of = |s: &crate::analytics::kpi::Series| s.judgement.and_then(|j| j.assurance);
        if let Some(a) = of(&k.overall) {
            out.insert(m.name.clone(), a);
        }
        for b in &k.dimensions {
            for (value, s) in &b.values {
                if let Some(a) = of(s) {
                    out.insert(format!("{} ({}: {value})", m.name, b.dimension), a);
                }
            }
        }
    }
    out
}

/// When each KPI's trend reaches its target, by metric name.
fn projections(plan: &Plan, report: &Report) -> BTreeMap<String, String> {
    report
        .metrics(&plan.data.metrics)
        .filter_map(|(m, k)| Some((m.name.clone(), k.overall.reaches_target?.to_string())))
        .collect()
}

/// What makes an alert the same one in both reports.
type AlertKey = (
    crate::analytics::alerts::Kind,
    crate::analytics::alerts::Severity,
    String,
);

/// Everything whose value differs between the two maps, in key order.
fn moved<T: Clone + PartialEq>(
    old: &BTreeMap<String, T>,
    new: &BTreeMap<String, T>,
) -> Vec<Moved<T>> {
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| Moved {
            what: k.clone(),
            old: old.get(k).cloned(),
            new: new.get(k).cloned(),
        })
        .collect()
}

/// A key result as the diff compares it.
struct Kr {
    title: String,
    status: KrStatus,
    target: f64,
    baseline: f64,
}

/// Every key result, by period and id (`2026-h2/web-sla`).
fn key_results(plan: &Plan, report: &Report) -> BTreeMap<String, Kr> {
    let mut out = BTreeMap::new();
    for period in &plan.data.okrs {
        for (_, kr, r) in report.key_results(period) {
            let kr_view = Kr {
                title: kr.title.clone(),
                status: r.status,
                target: kr.target,
                baseline: kr.baseline,
            };
            out.insert(format!("{}/{}", period.id, kr.id), kr_view);
        }
    }
    out
}

/// `sla (channel: voice)`, or `sla` with no filter.
fn filtered(name: &str, filter: &crate::data::Filter) -> String {
    let filter = crate::pages::filter_text(filter);
    if filter.is_empty() {
        name.to_owned()
    } else {
        format!("{name} ({filter})")
    }
}

fn findings(plan: &Plan, report: &Report) -> BTreeMap<String, GapStatus> {
    let mut out = BTreeMap::new();
    for audit in &plan.data.audits {
        for (f, r) in report.findings(audit) {
            let name = filtered(&f.indicator, &f.filter);
            out.insert(format!("audit {}, {}: {name}", audit.id, f.area), r.status);
        }
    }
    out
}

fn verdicts(plan: &Plan, report: &Report) -> BTreeMap<String, Outcome> {
    report
        .comparisons
        .iter()
        .map(|c| {
            let (subject, _) = crate::pages::subject::of(plan, c);
            let on = filtered(&c.metric, &c.filter);
            (format!("{subject}, on {on}"), c.verdict)
        })
        .collect()
}

/// Each metric's latest value, written with its unit and period.
fn headlines(plan: &Plan, report: &Report) -> BTreeMap<String, String> {
    plan.data
        .metrics
        .iter()
        .filter_map(|m| Some((m, report.kpi(&m.id)?)))
        .filter_map(|(m, s)| {
            let l = s.overall.latest.as_ref()?;
            let unit = match m.unit.as_str() {
                "count" | "score" | "" => String::new(),
                "%" => "%".to_owned(),
                u => format!(" {u}"),
            };
            Some((
                m.name.clone(),
                format!(
                    "{}{unit} in {}",
                    format_number(l.value, None),
                    l.period.label()
                ),
            ))
        })
        .collect()
}

/// The diff for a pull request comment: what changed in the plan, then
/// what it does to the report; starts with [`MARKER`].
pub fn markdown(d: &Diff) -> String {
    let mut out = format!("{MARKER}\n## What this change does to the CX plan\n\n");
    let code = |name: &str| {
        if name == WORK_TREE {
            name.to_owned()
        } else {
            format!("`{name}`")
        }
    };
    let _ = writeln!(out, "Comparing {} with {}.\n", code(&d.base), code(&d.head));
    if d.files.is_empty() {
        out.push_str("No data file changed.\n");
    } else {
        out.push_str("### Plan changes\n\n");
        for f in &d.files {
            let verb = match f.change {
                ChangeKind::Added => "added",
                ChangeKind::Deleted => "deleted",
                ChangeKind::Modified => "changed",
            };
            let _ = writeln!(out, "- `{}` {verb}", f.path);
            for item in &f.items {
                let _ = writeln!(out, "  - {}", item_text(item));
            }
        }
    }
    out.push_str(if d.lists_a_change() {
        "\n## Effect on the report\n"
    } else if d.report_changes {
        "\nNo status, target, alert, verdict or headline KPI changes, but other figures of the report do: see the pages of the data that changed.\n"
    } else {
        "\nThe report's figures do not change.\n"
    });
    section(
        &mut out,
        "Key results whose status changes",
        &d.key_results,
        |s| s.as_str(),
    );
    if !d.targets.is_empty() {
        out.push_str("\n### Key result targets\n\n");
        for t in &d.targets {
            let note = if t.lowered { " (lowered)" } else { "" };
            let _ = writeln!(
                out,
                "- {}: {} → **{}**{note}",
                t.key_result,
                figure(t.old),
                figure(t.new)
            );
        }
    }
    if !d.metric_targets.is_empty() {
        out.push_str("\n### Metric targets\n\n");
        for t in &d.metric_targets {
            let note = if t.lowered { " (lowered)" } else { "" };
            let value = |v: Option<f64>| v.map_or_else(|| "none".to_owned(), figure);
            let _ = writeln!(
                out,
                "- {}: {} → **{}**{note}",
                t.metric,
                value(t.old),
                value(t.new)
            );
        }
    }
    section(
        &mut out,
        "KPIs whose assurance against the target changes",
        &d.assurance,
        |a| a.as_str(),
    );
    section(
        &mut out,
        "When the trend reaches the target",
        &d.projections,
        String::as_str,
    );
    section(
        &mut out,
        "Audit findings whose status changes",
        &d.findings,
        |s| s.as_str(),
    );
    for (title, list) in [
        ("Alerts that appear", &d.alerts_appeared),
        ("Alerts that clear", &d.alerts_cleared),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "\n### {title}\n");
            for a in list {
                let _ = writeln!(out, "- {a}");
            }
        }
    }
    section(
        &mut out,
        "Before/after verdicts that change",
        &d.verdicts,
        |v| v.as_str(),
    );
    section(&mut out, "Headline KPIs that move", &d.kpis, String::as_str);
    out
}

/// A list of things that moved, under its heading, each with its words.
fn section<T>(out: &mut String, title: &str, list: &[Moved<T>], word: fn(&T) -> &str) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n### {title}\n");
    for m in list {
        let (old, new) = (
            m.old.as_ref().map_or("—", word),
            m.new.as_ref().map_or("—", word),
        );
        let _ = writeln!(out, "- {}: {old} → **{new}**", m.what);
    }
}

impl Diff {
    /// Whether one of the lists above says something moved.
    pub fn lists_a_change(&self) -> bool {
        !(self.key_results.is_empty()
            && self.targets.is_empty()
            && self.metric_targets.is_empty()
            && self.assurance.is_empty()
            && self.projections.is_empty()
            && self.findings.is_empty()
            && self.alerts_appeared.is_empty()
            && self.alerts_cleared.is_empty()
            && self.verdicts.is_empty()
            && self.kpis.is_empty())
    }
}

/// A target as it is written in the plan: `92`, `4.5`.
fn figure(v: f64) -> String {
    format_number(v, (v.fract() == 0.0).then_some(0))
}

fn item_text(item: &Item) -> String {
    let record = |(kind, id): &crate::changes::Record| format!("{} {id}", kind.noun());
    match item {
        Item::Field {
            record: r,
            field,
            old,
            new,
            ..
        } => format!("{}: {field} {old} → {new}", record(r)),
        Item::Added { record: r } => format!("{} added", record(r)),
        Item::Removed { record: r } => format!("{} removed", record(r)),
        Item::Rows {
            before,
            after,
            latest,
        } => {
            let rows = match after.cmp(before) {
                std::cmp::Ordering::Greater => format!("{} rows added", after - before),
                std::cmp::Ordering::Less => format!("{} rows removed", before - after),
                std::cmp::Ordering::Equal => format!("{after} rows, values changed"),
            };
            match latest {
                Some(d) => format!("{rows}, now up to {d}"),
                None => rows,
            }
        }
        Item::Unreadable => "one of the two versions could not be read".to_owned(),
    }
}
