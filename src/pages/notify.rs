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
    let link = |path: &str| format!("{}{path}", plan.config.base_url);
    MessageView {
        lang: match plan.config.language {
            crate::config::Language::En => "en",
            crate::config::Language::Es => "es",
        },
        subject: catalog.t("New alerts in {title}", &[("title", &plan.config.title)]),
        intro: catalog.t(
            "These alerts started firing since the report was last published.",
            &[],
        ),
        alerts: alerts
            .iter()
            .map(|a| AlertLine {
                kind: kind_name(a),
                severity: a.severity,
                severity_text: catalog.t(a.severity.as_str(), &[]),
                subject: a.subject.clone(),
                message: catalog.text(&a.text),
                note: a.note.clone(),
                url: link(&url::about(&a.about)),
            })
            .collect(),
        site: link(url::HOME),
        open_site: catalog.t("Open the report", &[]),
        note_label: catalog.t("Note", &[]),
    }
}

/// The alert's kind as `api/report.json` names it.
pub fn kind_name(alert: &Alert) -> String {
    match serde_json::to_value(alert.kind) {
        Ok(serde_json::Value::String(name)) => name,
        // The kinds are plain unit variants; this is not reached.
        _ => format!("{:?}", alert.kind),
    }
}
