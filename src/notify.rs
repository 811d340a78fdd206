//! `cxreport notify` (layer 6): tells the people who can act about the
//! alerts that started firing. The steps: load and check the plan, compute
//! its report as a build would, read the previously published report, keep
//! the alerts that were not firing there (the same kind, subject and
//! severity, as `diff` compares them), route each to the `[[route]]`s whose
//! filters it passes and to its owner's address in `[people]`, then deliver
//! one message per recipient, each tried once. Nothing of the site is
//! written. Deploy after deploy, each alert goes out once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::analytics::alerts::{About, Alert, Severity};
use crate::config::notify::{self, Recipient, Route};
use crate::data::AlertSeverity;
use crate::diag::{Checked, has_errors};
use crate::pages::notify::{MessageView, kind_name};
use crate::plan::Plan;
use anyhow::Context as _;

/// What `notify` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The plan's root folder.
    pub root: PathBuf,
    /// The previously published `api/report.json`: a file, or an
    /// `http(s)://` address. `None`: every firing alert is new.
    pub previous: Option<String>,
}

/// What a run would send.
#[derive(Debug)]
pub struct Planned {
    /// Alerts firing now.
    pub firing: usize,
    /// Of those, the ones not firing in the previous report.
    pub new: usize,
    /// Whether a previous report was read (a published site's address
    /// that answers 404 has none yet).
    pub had_previous: bool,
    /// One message per recipient, in the order of [`Recipient`].
    pub deliveries: Vec<Delivery>,
    /// `base_url` when it is a path rather than a full address: links in
    /// messages then work only where the site's host is known.
    pub relative_base: Option<String>,
    smtp: Option<notify::Smtp>,
}

/// One message to one recipient.
#[derive(Debug)]
pub struct Delivery {
    pub to: Recipient,
    pub view: MessageView,
}

/// Loads the plan, computes its alerts and decides who gets which. Plan
/// problems come back as diagnostics (and no plan); an unreadable previous
/// report is `Err`.
pub fn prepare(options: &Options) -> anyhow::Result<Checked<Option<Planned>>> {
    let (plan, mut diags) = crate::plan::load(&options.root)?;
    if has_errors(&diags) {
        return Ok((None, diags));
    }
    unknown_names(&plan, &mut diags);
    let report = crate::analytics::compute(&plan);
    let previous = match &options.previous {
        Some(from) => crate::published::read(from)?,
        None => None,
    };
    let had_previous = previous.is_some();
    let previous = previous.unwrap_or_default();
    let new: Vec<&Alert> = report
        .alerts
        .iter()
        .filter(|a| !previous.alerts.contains(&a.key()))
        .collect();
    let mut by_recipient: BTreeMap<Recipient, Vec<&Alert>> = BTreeMap::new();
    for alert in &new {
        let owner = owner_of(&plan, alert);
        let mut to: BTreeSet<Recipient> = plan
            .config
            .notify
            .routes
            .iter()
            .filter(|r| passes(r, alert, owner))
            .map(|r| r.to.clone())
            .collect();
        if let Some(owner) = owner {
            to.extend(
                plan.config
                    .notify
                    .people
                    .iter()
                    .filter(|(person, _)| is_person(owner, &person.name))
                    .map(|(_, address)| Recipient::Email(address.clone())),
            );
        }
        for r in to {
            by_recipient.entry(r).or_default().push(alert);
        }
    }
    let deliveries = by_recipient
        .into_iter()
        .map(|(to, alerts)| Delivery {
            view: crate::pages::notify::message(&plan, &alerts),
            to,
        })
        .collect();
    let planned = Planned {
        firing: report.alerts.len(),
        new: new.len(),
        had_previous,
        deliveries,
        relative_base: Some(plan.config.base_url.clone()).filter(|b| b.starts_with('/')),
        smtp: plan.config.notify.smtp.clone(),
    };
    Ok((Some(planned), diags))
}

/// Delivers every message, each once, in order; a failure does not stop
/// the others. Gives each recipient's result. `Err` when the SMTP
/// credentials in the environment are half given.
pub fn deliver(planned: &Planned) -> anyhow::Result<Vec<(&Recipient, anyhow::Result<()>)>> {
    let credentials = crate::mail::credentials()?;
    let needs_mail = planned
        .deliveries
        .iter()
        .any(|d| matches!(d.to, Recipient::Email(_)));
    let mailer = match (&planned.smtp, needs_mail) {
        (Some(smtp), true) => Some(crate::mail::Mailer::new(smtp, credentials)),
        _ => None,
    };
    let mut results = Vec::new();
    for d in &planned.deliveries {
        let result = match (&d.to, &mailer) {
            (Recipient::Webhook(url), _) => {
                webhook_address(url).and_then(|url| crate::mail::post(&url, &d.view))
            }
            (Recipient::Email(to), Some(Ok(mailer))) => mailer
                .send(to, &crate::mail::email(&d.view))
                .with_context(|| format!("through the SMTP server {}", mailer.server)),
            (Recipient::Email(_), Some(Err(e))) => Err(anyhow::anyhow!("{e:#}")),
            (Recipient::Email(_), None) => Err(anyhow::anyhow!(
                "cxreport.toml has no [smtp] table to send e-mail through"
            )),
        };
        results.push((&d.to, result));
    }
    Ok(results)
}

/// A webhook's address: as written, or for `$NAME` the variable's value.
fn webhook_address(to: &str) -> anyhow::Result<String> {
    let Some(name) = to.strip_prefix('$') else {
        return Ok(to.to_owned());
    };
    let value = std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| anyhow::anyhow!("the environment variable {name} is not set"))?;
    let lower = value.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        anyhow::bail!("the environment variable {name} does not hold an http(s) address");
    }
    Ok(value)
}

/// Warns about a name in `[[route]]` or `[people]` that matches nothing
/// in the plan: a misspelt owner would silently get no alert.
fn unknown_names(plan: &Plan, diags: &mut Vec<crate::diag::Diagnostic>) {
    let mut found = crate::diag::Diagnostics::default();
    let metrics: Vec<&str> = plan.data.metrics.iter().map(|m| m.id.as_str()).collect();
    let owners: Vec<&str> = plan
        .data
        .okrs
        .iter()
        .flat_map(|p| &p.objectives)
        .flat_map(|o| {
            o.owner
                .as_deref()
                .into_iter()
                .chain(o.key_results.iter().map(|k| k.owner.as_str()))
        })
        .chain(plan.data.initiatives.iter().map(|i| i.owner.as_str()))
        .chain(plan.data.flows.iter().filter_map(|f| f.owner.as_deref()))
        .chain(plan.data.cases.iter().map(|c| c.owner.as_str()))
        .collect();
    let notify = &plan.config.notify;
    for route in &notify.routes {
        for m in route.metrics.iter().flatten() {
            if !metrics.contains(&m.name.as_str()) {
                let hint = crate::diag::hint(&m.name, metrics.iter().copied());
                found.warning(
                    &m.file,
                    m.pos,
                    format!(
                        "`metrics` names {:?}, which is no metric of the plan{hint}",
                        m.name
                    ),
                );
            }
        }
    }
    let people = notify.people.iter().map(|(p, _)| p);
    let route_owners = notify.routes.iter().flat_map(|r| r.owners.iter().flatten());
    for person in people.chain(route_owners) {
        if !owners.iter().any(|o| is_person(o, &person.name)) {
            found.warning(
                &person.file,
                person.pos,
                format!(
                    "{:?} is no owner the plan names (of a key result, objective, initiative, flow or follow-up case), so no alert goes to them by name",
                    person.name
                ),
            );
        }
    }
    diags.extend(found.sorted());
}

/// Whether `alert` passes every filter the route gives.
fn passes(route: &Route, alert: &Alert, owner: Option<&str>) -> bool {
    let name = kind_name(alert);
    let kind = route
        .kinds
        .as_ref()
        .is_none_or(|kinds| kinds.iter().any(|k| k.as_str() == name));
    let severity = match route.severity {
        None | Some(AlertSeverity::Warning) => true,
        Some(AlertSeverity::Critical) => alert.severity == Severity::Critical,
    };
    let metric = route.metrics.as_ref().is_none_or(|metrics| {
        matches!(&alert.about, About::Metric(id) if metrics.iter().any(|m| &m.name == id))
    });
    let owners = route.owners.as_ref().is_none_or(|owners| {
        owner.is_some_and(|owner| owners.iter().any(|name| is_person(owner, &name.name)))
    });
    kind && severity && metric && owners
}

/// The owner of what the alert is about, as the plan writes it: a key
/// result's own owner, else its objective's; a follow-up case's owner.
fn owner_of<'p>(plan: &'p Plan, alert: &Alert) -> Option<&'p str> {
    let (period, id) = match &alert.about {
        About::KeyResult { period, id } => (period, id),
        // A follow-up case's owner is the one who closes it.
        About::Case(id) => {
            let case = plan.data.cases.iter().find(|c| &c.id == id)?;
            return Some(case.owner.as_str());
        }
        _ => return None,
    };
    let period = plan.data.okrs.iter().find(|p| &p.id == period)?;
    period.objectives.iter().find_map(|o| {
        let kr = o.key_results.iter().find(|k| &k.id == id)?;
        Some(if kr.owner.is_empty() {
            o.owner.as_deref().unwrap_or_default()
        } else {
            kr.owner.as_str()
        })
    })
}

/// Whether the plan's `owner` is the person `name`: the same text, or the
/// name followed by a role in brackets, as plans write owners ("Lucía
/// Gómez (Head of Service)").
fn is_person(owner: &str, name: &str) -> bool {
    let owner = owner.trim();
    let name = name.trim();
    !name.is_empty()
        && (owner == name
            || owner
                .strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with('(')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_matched_with_or_without_their_role() {
        assert!(is_person("Lucía Gómez (Head of Service)", "Lucía Gómez"));
        assert!(is_person("Lucía Gómez", "Lucía Gómez"));
        assert!(!is_person("Lucía Gómezz", "Lucía Gómez"));
        assert!(!is_person("Lucía Gómez", ""));
    }
}
