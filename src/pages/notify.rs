//! The message `cxreport notify` sends one recipient (layer 4): its
//! subject, a sentence saying why it came, and each new alert in the
//! plan's language with an absolute link to its page on the site. The
//! e-mail bodies and the webhook's JSON are written from this view in
//! `mail` (layer 5), so that every channel says the same thing.

use serde::Serialize;

use crate::analytics::alerts::{Alert, Severity};
use crate::plan::Plan;
use crate::url;

/// One message to one recipient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageView {
    /// The plan's language code, for the HTML part's `lang`.
    pub lang: &'static str,
    pub subject: String,
    /// Why the message came, one sentence.
    pub intro: String,
    pub alerts: Vec<AlertLine>,
    /// The site's home page, absolute when `base_url` is.
    pub site: String,
    /// The label of the link to the site.
    pub open_site: String,
    /// The label before an alert's note.
    pub note_label: String,
}

/// An alert as a message lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertLine {
    /// The kind's name, as in `api/report.json`.
    pub kind: String,
    pub severity: Severity,
    /// `critical` or `warning`, translated.
    pub severity_text: String,
    pub subject: String,
    pub message: String,
    pub note: Option<String>,
    /// The page of what the alert is about.
    pub url: String,
}

/// The message listing `alerts`, all of them new since the last run.
pub fn message(plan: &Plan, alerts: &[&Alert]) -> MessageView {
    let catalog = &plan.catalog;
    MessageView {
        lang: lang(plan),
        subject: catalog.t("New alerts in {title}", &[("title", &plan.config.title)]),
        intro: catalog.t(
            "These alerts started firing since the report was last published.",
            &[],
        ),
        alerts: alerts.iter().map(|a| alert_line(plan, a)).collect(),
        site: link(plan, url::HOME),
        open_site: catalog.t("Open the report", &[]),
        note_label: catalog.t("Note", &[]),
    }
}

/// An alert in the plan's language, with an absolute link to its page.
pub fn alert_line(plan: &Plan, a: &Alert) -> AlertLine {
    AlertLine {
        kind: kind_name(a),
        severity: a.severity,
        severity_text: plan.catalog.t(a.severity.as_str(), &[]),
        subject: a.subject.clone(),
        message: plan.catalog.text(&a.text),
        note: a.note.clone(),
        url: link(plan, &url::about(&a.about)),
    }
}

/// A site path as a link that works in a message: after `base_url`,
/// which is absolute when the plan says where its site is published.
pub fn link(plan: &Plan, path: &str) -> String {
    format!("{}{path}", plan.config.base_url)
}

/// The plan's language code, for an HTML message's `lang`.
pub fn lang(plan: &Plan) -> &'static str {
    match plan.config.language {
        crate::config::Language::En => "en",
        crate::config::Language::Es => "es",
    }
}

/// The alert's kind as `api/report.json` names it.
pub fn kind_name(alert: &Alert) -> String {
    alert.kind.as_str().to_owned()
}
