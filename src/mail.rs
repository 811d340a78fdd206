//! Delivering messages (layer 5): the plain-text and HTML parts of
//! `cxreport notify`'s e-mails and the JSON of its webhooks, written from
//! one [`MessageView`], and the two ways any message leaves the machine:
//! SMTP through lettre (for `notify` and `digest`), and an HTTP POST
//! through ureq. Each delivery is tried once; a failure comes back to the
//! caller, which says whom it did not reach.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::Context as _;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{SmtpTransport, Transport as _};

use crate::config::notify::{SMTP_PASSWORD, SMTP_USER, Smtp, Tls};
use crate::pages::notify::MessageView;

/// How long a server may take to answer before the delivery fails: a
/// hung server must not hold a CI job for ever.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The plain-text part: what a client without HTML shows, and what a
/// webhook's `text` holds.
pub fn text_body(view: &MessageView) -> String {
    let mut out = format!("{}\n\n", view.intro);
    for a in &view.alerts {
        let _ = writeln!(out, "- [{}] {}", a.severity_text, a.message);
        if let Some(note) = &a.note {
            let _ = writeln!(out, "  {}: {note}", view.note_label);
        }
        let _ = writeln!(out, "  {}", a.url);
    }
    let _ = write!(out, "\n{}: {}\n", view.open_site, view.site);
    out
}

/// An e-mail's subject and its two parts, which say the same thing.
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// `notify`'s e-mail of `view`.
pub fn email(view: &MessageView) -> Email {
    Email {
        subject: view.subject.clone(),
        text: text_body(view),
        html: html_body(view),
    }
}

/// The HTML part: tables and inline styles, which e-mail clients render,
/// and no scripts or external stylesheets, which they drop.
pub fn html_body(view: &MessageView) -> String {
    let e = crate::render::escape_html;
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body style=\"font-family: sans-serif; color: #1f2328\">\n<p>{}</p>\n<table style=\"border-collapse: collapse\">\n",
        view.lang,
        e(&view.subject),
        e(&view.intro)
    );
    for a in &view.alerts {
        let colour = match a.severity {
            crate::analytics::alerts::Severity::Critical => "#b42318",
            crate::analytics::alerts::Severity::Warning => "#8a6100",
        };
        let _ = write!(
            out,
            "<tr><td style=\"padding: 4px 8px; vertical-align: top; color: {colour}; font-weight: bold\">{}</td><td style=\"padding: 4px 8px\"><a href=\"{}\">{}</a>",
            e(&a.severity_text),
            e(&a.url),
            e(&a.message)
        );
        if let Some(note) = &a.note {
            let _ = write!(
                out,
                "<br><small>{}: {}</small>",
                e(&view.note_label),
                e(note)
            );
        }
        out.push_str("</td></tr>\n");
    }
    let _ = write!(
        out,
        "</table>\n<p><a href=\"{}\">{}</a></p>\n</body></html>\n",
        e(&view.site),
        e(&view.open_site)
    );
    out
}

/// The body of a webhook POST: `text` is what Slack and Teams incoming
/// webhooks show; `alerts` is the same list as data for other receivers.
pub fn webhook_body(view: &MessageView) -> serde_json::Value {
    serde_json::json!({
        "text": format!("{}\n{}", view.subject, text_body(view)),
        "subject": view.subject,
        "site": view.site,
        "alerts": view.alerts.iter().map(|a| serde_json::json!({
            "kind": a.kind,
            "severity": a.severity,
            "subject": a.subject,
            "message": a.message,
            "note": a.note,
            "url": a.url,
        })).collect::<Vec<_>>(),
    })
}

/// An SMTP server, ready to send through.
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    /// `host:port`, for messages about it.
    pub server: String,
}

impl Mailer {
    /// The server of `[smtp]`, logging in with `credentials` (user,
    /// password) when given. Nothing is sent or connected yet.
    pub fn new(smtp: &Smtp, credentials: Option<(String, String)>) -> anyhow::Result<Mailer> {
        let server = format!("{}:{}", smtp.host, smtp.port);
        let builder = match smtp.tls {
            Tls::Starttls => SmtpTransport::starttls_relay(&smtp.host),
            Tls::Tls => SmtpTransport::relay(&smtp.host),
            Tls::None => Ok(SmtpTransport::builder_dangerous(&smtp.host)),
        }
        .with_context(|| format!("the SMTP server {server}"))?;
        let mut builder = builder.port(smtp.port).timeout(Some(TIMEOUT));
        if let Some((user, password)) = credentials {
            builder = builder.credentials(Credentials::new(user, password));
        }
        let from = smtp
            .from
            .parse::<Mailbox>()
            .with_context(|| format!("`from` {:?} in [smtp]", smtp.from))?;
        Ok(Mailer {
            transport: builder.build(),
            from,
            server,
        })
    }

    /// Sends `email` to `to` as one multipart/alternative message.
    pub fn send(&self, to: &str, email: &Email) -> anyhow::Result<()> {
        let to = to
            .parse::<Mailbox>()
            .with_context(|| format!("{to:?} is not an address"))?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&email.subject)
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))?;
        self.transport.send(&email)?;
        Ok(())
    }
}

/// The user and password of `CXREPORT_SMTP_USER` and
/// `CXREPORT_SMTP_PASSWORD`: both or neither.
pub fn credentials() -> anyhow::Result<Option<(String, String)>> {
    let get = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (get(SMTP_USER), get(SMTP_PASSWORD)) {
        (Some(user), Some(password)) => Ok(Some((user, password))),
        (None, None) => Ok(None),
        (Some(_), None) => anyhow::bail!("{SMTP_USER} is set but {SMTP_PASSWORD} is not"),
        (None, Some(_)) => anyhow::bail!("{SMTP_PASSWORD} is set but {SMTP_USER} is not"),
    }
}

/// POSTs `view` as JSON to a webhook; any answer but 2xx is a failure.
pub fn post(url: &str, view: &MessageView) -> anyhow::Result<()> {
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .build()
        .new_agent();
    agent.post(url).send_json(webhook_body(view))?;
    Ok(())
}
