//! The executive digest (layer 4): the home page as an e-mail. What it
//! shows (the signal headline, the headline KPIs, new and open alerts,
//! wins, the next deadlines, the follow-up figures and what changed in the
//! plan since the previous digest) comes from the same pieces as the home
//! page, so the two never disagree; the templates `digest.html` and
//! `digest.txt` write it, and `cxreport digest` (layer 6) sends it.

use std::collections::BTreeSet;

use serde::Serialize;

use super::compare::ComparisonView;
use super::follow_up::LoopView;
use super::home::{Deadline, Headline};
use super::kpis::Card;
use super::notify::{AlertLine, alert_line, lang, link};
use crate::analytics::Report;
use crate::analytics::alerts::{Kind, Severity};
use crate::plan::Plan;
use crate::published::AlertKey;
use crate::url;

/// How many alerts of each list the digest shows; the rest are counted,
/// with a link to the alerts page. An e-mail over about 100 KB is clipped
/// by Gmail, and a long list is not read anyway.
const NEW_ALERTS: usize = 15;
const OPEN_ALERTS: usize = 10;

/// The digest, ready for its templates.
#[derive(Serialize)]
pub struct DigestView {
    /// The plan's language code, for the HTML part's `lang`.
    pub lang: &'static str,
    pub subject: String,
    /// The site's home page, absolute when `base_url` is.
    pub home: String,
    headline: Headline,
    kpis: Vec<Card>,
    pub alerts: Alerts,
    wins: Vec<ComparisonView>,
    deadlines: Vec<Deadline>,
    follow_up: Option<LoopView>,
    /// `None`: no previous digest to compare with was given.
    changes: Option<ChangesView>,
}

/// New and open alerts, each list cut to its first few, with the counts of all.
#[derive(Serialize)]
pub struct Alerts {
    /// Firing now and not in the previous report; empty without one. The
    /// lists leave out overdue follow-up cases.
    pub new: Vec<AlertLine>,
    pub new_count: usize,
    /// Firing now and already in the previous report (all firing alerts
    /// without one).
    pub open: Vec<AlertLine>,
    pub open_count: usize,
    pub critical: usize,
    pub warning: usize,
    /// Of all firing alerts, the follow-up cases open past their target:
    /// counted here, summed up in the loop's section, not listed.
    pub overdue_cases: usize,
    /// The alerts page.
    pub url: String,
}

/// What changed in the plan since the previous digest, already in the
/// plan's language (the command that compares the two plans writes it).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChangesView {
    /// What the plan is compared with: `commit 1a2b3c4d`.
    pub since: String,
    /// Why the plan's own changes cannot be listed (the previous report's
    /// commit is not in this repository); the alerts are still compared.
    pub unknown: Option<String>,
    /// The data files that changed, a line each with its records under it.
    pub files: Vec<FileLines>,
    /// What the change does to the report, a line each.
    pub effects: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileLines {
    pub line: String,
    pub items: Vec<String>,
}

/// The digest of `report`. `previous` holds the alerts that were firing
/// when the last digest went out, when that is known.
pub fn view(
    plan: &Plan,
    report: &Report,
    previous: Option<&BTreeSet<AlertKey>>,
    changes: Option<ChangesView>,
) -> DigestView {
    let catalog = &plan.catalog;
    let kpis = super::home::cards(plan, report);
    // One alert per overdue follow-up case would push every other alert
    // out of the lists: the loop's figures sum them up instead.
    let (cases, firing): (Vec<_>, Vec<_>) = report
        .alerts
        .iter()
        .partition(|a| a.kind == Kind::CaseOverdue);
    let (new, open): (Vec<_>, Vec<_>) = firing
        .into_iter()
        .partition(|a| previous.is_some_and(|p| !p.contains(&a.key())));
    let lines = |list: &[&crate::analytics::alerts::Alert], most: usize| -> Vec<AlertLine> {
        list.iter()
            .take(most)
            .map(|a| alert_line(plan, a))
            .collect()
    };
    let count = |s: Severity| report.alerts.iter().filter(|a| a.severity == s).count();
    DigestView {
        lang: lang(plan),
        subject: catalog.t(
            "{title}: digest of {date}",
            &[
                ("title", &plan.config.title),
                (
                    "date",
                    &crate::i18n::date(plan.config.language, report.as_of),
                ),
            ],
        ),
        home: link(plan, url::HOME),
        headline: super::home::headline(&kpis),
        kpis,
        alerts: Alerts {
            new: lines(&new, NEW_ALERTS),
            new_count: new.len(),
            open: lines(&open, OPEN_ALERTS),
            open_count: open.len(),
            critical: count(Severity::Critical),
            warning: count(Severity::Warning),
            overdue_cases: cases.len(),
            url: link(plan, url::ALERTS),
        },
        wins: super::home::wins(plan, report),
        deadlines: super::home::deadlines(plan, report),
        follow_up: super::follow_up::view(plan, report),
        changes,
    }
}
