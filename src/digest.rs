//! `cxreport digest` (layer 6): the home page as an e-mail for the people
//! who will not open the site. The steps: load and check the plan, compute
//! its report as a build would, compare it with the previous digest's (the
//! plan at `--since REV`, or the report `--previous` names and the commit
//! it was built from), write the HTML and text parts from the `digest`
//! templates, then write them to a file or send them to `[digest] to`.
//! Nothing of the site is written.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::analytics::Report;
use crate::diag::{Checked, has_errors};
use crate::diff::Diff;
use crate::git::ChangeKind;
use crate::i18n::Catalog;
use crate::mail::Email;
use crate::pages::digest::{ChangesView, FileLines};
use crate::published::AlertKey;

/// Gmail clips a message whose HTML is larger than about 102 KB: past
/// this, the end of the digest (the plan's changes, the link to the site)
/// would be hidden behind "View entire message".
pub const MOST_BYTES: usize = 100 * 1024;

/// How many records of one file the changes list, before "and N more".
const ITEMS: usize = 8;

/// What `digest` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    /// The revision of the previous digest: the plan then is compared with now.
    pub since: Option<String>,
    /// The report the previous digest was made from: a file or an address.
    pub previous: Option<String>,
}

/// A digest, written.
pub struct Digest {
    pub email: Email,
    /// `[digest] to`.
    pub to: Vec<String>,
    /// What the digest compares with, when it does.
    pub compared: Compared,
    /// `base_url` when it is a path rather than a full address: links in
    /// the digest then work only where the site's host is known.
    pub relative_base: Option<String>,
    smtp: Option<crate::config::notify::Smtp>,
}

/// What a digest was compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Compared {
    Nothing,
    /// The plan at a revision.
    Revision(String),
    /// A published report; `false` when its address answered 404.
    Report {
        from: String,
        found: bool,
    },
}

/// Loads the plan, computes its report and writes the digest. Plan
/// problems and a broken override of a digest template come back as
/// diagnostics (and no digest); a revision git does not know or an
/// unreadable previous report is `Err`.
pub fn prepare(options: &Options) -> anyhow::Result<Checked<Option<Digest>>> {
    let (plan, mut diags) = crate::plan::load(&options.root)?;
    if has_errors(&diags) {
        return Ok((None, diags));
    }
    let report = crate::analytics::compute(&plan);
    let head = (crate::diff::WORK_TREE, &plan, &report);
    let catalog = &plan.catalog;
    let (compared, previous, changes) = match (&options.since, &options.previous) {
        (Some(rev), _) => {
            let (d, base) = crate::diff_since(&options.root, rev, head)?;
            let keys: BTreeSet<AlertKey> = base.alerts.iter().map(|a| a.key()).collect();
            let changes = changes_view(catalog, &short(rev), Some(&d), &keys, &report);
            (Compared::Revision(rev.clone()), Some(keys), Some(changes))
        }
        (None, Some(from)) => match crate::published::read(from)? {
            None => (
                Compared::Report {
                    from: from.clone(),
                    found: false,
                },
                None,
                None,
            ),
            Some(published) => {
                let d = match &published.commit {
                    Some(commit) => crate::diff_since(&options.root, commit, head).ok(),
                    None => None,
                };
                let since = published
                    .commit
                    .as_deref()
                    .map_or_else(|| catalog.t("the previous report", &[]), short);
                let mut changes = changes_view(
                    catalog,
                    &since,
                    d.as_ref().map(|(d, _)| d),
                    &published.alerts,
                    &report,
                );
                if d.is_none() {
                    changes.unknown = Some(match &published.commit {
                        Some(c) => catalog.t(
                            "The previous report was built from commit {commit}, which this repository does not have (a shallow clone?), so the plan's own changes are not listed.",
                            &[("commit", &short(c))],
                        ),
                        None => catalog.t(
                            "The previous report does not say which commit it was built from, so the plan's own changes are not listed.",
                            &[],
                        ),
                    });
                }
                let compared = Compared::Report {
                    from: from.clone(),
                    found: true,
                };
                (compared, Some(published.alerts), Some(changes))
            }
        },
        (None, None) => (Compared::Nothing, None, None),
    };
    let view = crate::pages::digest::view(&plan, &report, previous.as_ref(), changes);
    let renderer = crate::render::Renderer::new(
        &plan.root.join("templates"),
        plan.files.clone(),
        &plan.catalog,
    )?;
    let render = |name: &str| renderer.render_message(&plan, report.as_of, name, &view);
    // A broken override of either template is the plan's problem, at its line.
    let (html, text) = match (render("digest.html"), render("digest.txt")) {
        (Ok(html), Ok(text)) => (html, text),
        (html, text) => {
            diags.extend(html.err().into_iter().chain(text.err()).flatten());
            return Ok((None, diags));
        }
    };
    let email = Email {
        subject: view.subject.clone(),
        html,
        text,
    };
    let digest = Digest {
        email,
        to: plan.config.notify.digest_to.clone(),
        compared,
        relative_base: Some(plan.config.base_url.clone()).filter(|b| b.starts_with('/')),
        smtp: plan.config.notify.smtp.clone(),
    };
    Ok((Some(digest), diags))
}

/// Sends the digest to each address of `[digest] to`, each once, in
/// order; a failure does not stop the others. `Err` when there is nobody
/// to send to or no server to send through.
pub fn send(digest: &Digest) -> anyhow::Result<Vec<(&str, anyhow::Result<()>)>> {
    if digest.to.is_empty() {
        anyhow::bail!(
            "cxreport.toml names nobody to send the digest to: add [digest] to = [\"ana@example.com\"]"
        );
    }
    let Some(smtp) = &digest.smtp else {
        anyhow::bail!("cxreport.toml has no [smtp] table to send the digest through");
    };
    let mailer = crate::mail::Mailer::new(smtp, crate::mail::credentials()?)?;
    Ok(digest
        .to
        .iter()
        .map(|to| {
            let result = mailer
                .send(to, &digest.email)
                .map_err(|e| e.context(format!("through the SMTP server {}", mailer.server)));
            (to.as_str(), result)
        })
        .collect())
}

/// A revision as the digest names it: the first 8 digits of a commit id.
fn short(rev: &str) -> String {
    if rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()) {
        rev[..8].to_owned()
    } else {
        rev.to_owned()
    }
}

/// What changed since the previous digest, in the plan's language: the
/// data files (when `d` could be computed) and their effect on the report,
/// and the alerts that stopped firing.
fn changes_view(
    catalog: &Catalog,
    since: &str,
    d: Option<&Diff>,
    previous: &BTreeSet<AlertKey>,
    report: &Report,
) -> ChangesView {
    let mut out = ChangesView {
        since: since.to_owned(),
        ..ChangesView::default()
    };
    let firing: BTreeSet<AlertKey> = report.alerts.iter().map(|a| a.key()).collect();
    let cleared = previous.difference(&firing).count();
    if let Some(d) = d {
        out.files = d.files.iter().map(|f| file_lines(catalog, f)).collect();
        out.effects = effects(catalog, d);
    }
    if cleared > 0 {
        out.effects.push(catalog.tn(
            "{n} alert stopped firing",
            "{n} alerts stopped firing",
            cleared,
            &[],
        ));
    }
    out
}

fn file_lines(catalog: &Catalog, f: &crate::diff::FileDiff) -> FileLines {
    use crate::changes::Item;
    let path = [("path", f.path.as_str())];
    let line = match f.change {
        ChangeKind::Added => catalog.t("{path} added", &path),
        ChangeKind::Modified => catalog.t("{path} changed", &path),
        ChangeKind::Deleted => catalog.t("{path} deleted", &path),
    };
    let record =
        |(kind, id): &crate::changes::Record| format!("{} {id}", catalog.t(kind.noun(), &[]));
    let mut items: Vec<String> = f
        .items
        .iter()
        .take(ITEMS)
        .map(|item| match item {
            Item::Field {
                record: r,
                field,
                old,
                new,
                ..
            } => catalog.t(
                "{record}: {field} {old} → {new}",
                &[
                    ("record", &record(r)),
                    ("field", field),
                    ("old", old),
                    ("new", new),
                ],
            ),
            Item::Added { record: r } => catalog.t("{record} added", &[("record", &record(r))]),
            Item::Removed { record: r } => catalog.t("{record} removed", &[("record", &record(r))]),
            Item::Rows {
                before,
                after,
                latest,
            } => {
                let text = match after.cmp(before) {
                    std::cmp::Ordering::Greater => {
                        catalog.tn("{n} row added", "{n} rows added", after - before, &[])
                    }
                    std::cmp::Ordering::Less => {
                        catalog.tn("{n} row removed", "{n} rows removed", before - after, &[])
                    }
                    std::cmp::Ordering::Equal => catalog.tn(
                        "{n} row, values changed",
                        "{n} rows, values changed",
                        *after,
                        &[],
                    ),
                };
                match latest {
                    Some(date) => catalog.t(
                        "{rows}, now up to {date}",
                        &[("rows", &text), ("date", date)],
                    ),
                    None => text,
                }
            }
            Item::Unreadable => catalog.t("one of the two versions could not be read", &[]),
        })
        .collect();
    if f.items.len() > ITEMS {
        let more = f.items.len() - ITEMS;
        items.push(catalog.tn("and {n} more", "and {n} more", more, &[]));
    }
    FileLines { line, items }
}

/// What the change did to the report, a line each: statuses and verdicts
/// that moved, targets that changed, and whether each KPI meets its
/// target. Alerts are listed apart, in the digest's alert section.
fn effects(catalog: &Catalog, d: &Diff) -> Vec<String> {
    // A status as the site words it: `on-track` is "on track", translated.
    let word = |s: Option<&str>| {
        s.map_or_else(|| "—".to_owned(), |s| catalog.t(&s.replace('-', " "), &[]))
    };
    let language = catalog.language();
    let figure = |v: f64| crate::i18n::number(language, v, (v.fract() == 0.0).then_some(0));
    // A status that moved, in the sentence `key` (literal at each call,
    // where the catalogue's test finds it).
    let tr = |key: &str, what: &str, old: Option<&str>, new: Option<&str>| {
        catalog.t(
            key,
            &[("what", what), ("old", &word(old)), ("new", &word(new))],
        )
    };
    let mut out: Vec<String> = d
        .key_results
        .iter()
        .map(|m| {
            tr(
                "Key result {what}: {old} → {new}",
                &m.what,
                m.old.map(|s| s.as_str()),
                m.new.map(|s| s.as_str()),
            )
        })
        .collect();
    for t in &d.targets {
        let args = [
            ("what", t.key_result.as_str()),
            ("old", &figure(t.old)),
            ("new", &figure(t.new)),
        ];
        out.push(if t.lowered {
            catalog.t("Target of {what}: {old} → {new} (lowered)", &args)
        } else {
            catalog.t("Target of {what}: {old} → {new}", &args)
        });
    }
    for t in &d.metric_targets {
        let side = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), figure);
        let args = [
            ("what", t.metric.as_str()),
            ("old", &side(t.old)),
            ("new", &side(t.new)),
        ];
        out.push(if t.lowered {
            catalog.t("Target of the KPI {what}: {old} → {new} (lowered)", &args)
        } else {
            catalog.t("Target of the KPI {what}: {old} → {new}", &args)
        });
    }
    for m in &d.assurance {
        // As the KPI cards word it.
        let word = |a: Option<&crate::analytics::signals::Assurance>| match a {
            None => "—".to_owned(),
            Some(crate::analytics::signals::Assurance::Meets) => catalog.t("meets target", &[]),
            Some(crate::analytics::signals::Assurance::Fails) => catalog.t("misses target", &[]),
            Some(crate::analytics::signals::Assurance::HitAndMiss) => {
                catalog.t("hit and miss", &[])
            }
        };
        out.push(catalog.t(
            "KPI {what}: {old} → {new}",
            &[
                ("what", &m.what),
                ("old", &word(m.old.as_ref())),
                ("new", &word(m.new.as_ref())),
            ],
        ));
    }
    out.extend(d.findings.iter().map(|m| {
        tr(
            "Finding {what}: {old} → {new}",
            &m.what,
            m.old.map(|s| s.as_str()),
            m.new.map(|s| s.as_str()),
        )
    }));
    out.extend(d.verdicts.iter().map(|m| {
        tr(
            "Before/after verdict of {what}: {old} → {new}",
            &m.what,
            m.old.map(|s| s.as_str()),
            m.new.map(|s| s.as_str()),
        )
    }));
    out
}
