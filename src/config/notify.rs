//! The settings of `cxreport notify` and `cxreport digest` in
//! `cxreport.toml` (layer 1): where alerts go (`[[route]]`), the people who
//! own parts of the plan (`[people]`), who gets the digest (`[digest]`) and
//! the SMTP server that carries e-mail (`[smtp]`). Read
//! here, beside the rest of the file, so that `check` reports a mistaken
//! route at its line like any other setting; nothing here sends anything.

use serde::Deserialize;

use super::Declared;
use crate::data::AlertSeverity;
use crate::data::de::{Node, TomlFile};

/// An alert kind as `api/report.json` names it. `case-overdue` is known
/// here before this build raises such alerts, so that a route written for
/// it is not refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KindName {
    Threshold,
    Theme,
    KeyResult,
    Stale,
    CaseOverdue,
}

impl KindName {
    /// The name, as in `api/report.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            KindName::Threshold => "threshold",
            KindName::Theme => "theme",
            KindName::KeyResult => "key-result",
            KindName::Stale => "stale",
            KindName::CaseOverdue => "case-overdue",
        }
    }
}

/// Where a route delivers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Recipient {
    Email(String),
    /// An `http(s)://` incoming-webhook address, or `$NAME`: the address
    /// is the environment variable NAME's value when it is sent.
    Webhook(String),
}

impl Recipient {
    /// The address, as written.
    pub fn address(&self) -> &str {
        match self {
            Recipient::Email(a) | Recipient::Webhook(a) => a,
        }
    }
}

/// `[[route]]`: alerts that pass every filter given go to `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub to: Recipient,
    /// `None`: every kind.
    pub kinds: Option<Vec<KindName>>,
    /// The least severe alert sent; `None`: every alert.
    pub severity: Option<AlertSeverity>,
    /// Alerts about these metrics only (threshold and stale alerts), with
    /// where each is written, for a warning about one the plan lacks.
    pub metrics: Option<Vec<Declared>>,
    /// Alerts whose subject is owned by these people only.
    pub owners: Option<Vec<Declared>>,
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tls {
    /// Plain connection upgraded with STARTTLS (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or network.
    None,
}

/// `[smtp]`: the server e-mail goes through. The user and password come
/// from the environment, never from the file, so they stay out of git.
#[derive(Debug, Clone, PartialEq)]
pub struct Smtp {
    pub host: String,
    /// Given, or the usual one for `tls`: 587, 465 or 25.
    pub port: u16,
    /// The sender: `cx@example.com` or `CX report <cx@example.com>`.
    pub from: String,
    pub tls: Tls,
}

/// Everything `notify` reads from `cxreport.toml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notify {
    pub routes: Vec<Route>,
    /// `[people]`: an owner's name, as the plan writes it (with where it is
    /// written), to an address.
    pub people: Vec<(Declared, String)>,
    pub smtp: Option<Smtp>,
    /// `[digest] to`: who `digest --send` writes to.
    pub digest_to: Vec<String>,
}

/// The environment variables the SMTP credentials come from.
pub const SMTP_USER: &str = "CXREPORT_SMTP_USER";
pub const SMTP_PASSWORD: &str = "CXREPORT_SMTP_PASSWORD";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoute {
    to: toml::Spanned<String>,
    kinds: Option<Vec<KindName>>,
    severity: Option<AlertSeverity>,
    metrics: Option<Vec<toml::Spanned<String>>>,
    owners: Option<Vec<toml::Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDigest {
    to: Vec<toml::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSmtp {
    host: String,
    port: Option<u16>,
    from: toml::Spanned<String>,
    tls: Option<Tls>,
}

/// Takes `[[route]]`, `[people]` and `[smtp]` out of the document.
pub fn take<'s>(file: &mut TomlFile<'s>, root: &mut Node<'s>) -> Notify {
    let mut out = Notify::default();
    for node in file.take_records(root, "route") {
        let Some(raw) = file.record::<RawRoute>(node, "[[route]]") else {
            continue;
        };
        let at = raw.to.span().start;
        let to = raw.to.into_inner();
        let to = match recipient(&to) {
            Ok(to) => to,
            Err(message) => {
                file.error(at, message);
                continue;
            }
        };
        let declared = |names: Option<Vec<toml::Spanned<String>>>| {
            names.map(|names| {
                names
                    .into_iter()
                    .map(|n| Declared {
                        file: file.src.path.clone(),
                        pos: file.pos(n.span().start),
                        name: n.into_inner(),
                    })
                    .collect()
            })
        };
        let (metrics, owners) = (declared(raw.metrics), declared(raw.owners));
        out.routes.push(Route {
            to,
            kinds: raw.kinds,
            severity: raw.severity,
            metrics,
            owners,
        });
    }
    let toml::de::DeValue::Table(table) = root.get_mut() else {
        return out;
    };
    if let Some(people) = table.remove("people") {
        match people.get_ref() {
            toml::de::DeValue::Table(entries) => {
                for (name, value) in entries {
                    match value.get_ref() {
                        toml::de::DeValue::String(address) if is_email(address) => {
                            let person = Declared {
                                name: name.get_ref().to_string(),
                                file: file.src.path.clone(),
                                pos: file.pos(name.span().start),
                            };
                            out.people.push((person, address.to_string()));
                        }
                        toml::de::DeValue::String(address) => file.error(
                            value.span().start,
                            format!(
                                "{address:?} is not an e-mail address: write one such as \"ana@example.com\""
                            ),
                        ),
                        _ => file.error(
                            value.span().start,
                            format!(
                                "`{}` in [people] must be an e-mail address in quotes",
                                name.get_ref()
                            ),
                        ),
                    }
                }
            }
            _ => file.error(
                people.span().start,
                "`people` must be a table, written [people]",
            ),
        }
    }
    let toml::de::DeValue::Table(table) = root.get_mut() else {
        return out;
    };
    if let Some(digest) = table.remove("digest")
        && let Some(raw) = file.record::<RawDigest>(digest, "[digest]")
    {
        for to in raw.to {
            let at = to.span().start;
            let to = to.into_inner();
            if is_email(&to) {
                out.digest_to.push(to);
            } else {
                file.error(
                    at,
                    format!(
                        "{to:?} is not an e-mail address: write one such as \"ana@example.com\""
                    ),
                );
            }
        }
    }
    let toml::de::DeValue::Table(table) = root.get_mut() else {
        return out;
    };
    if let Some(mut smtp) = table.remove("smtp") {
        let toml::de::DeValue::Table(keys) = smtp.get_mut() else {
            file.error(smtp.span().start, "`smtp` must be a table, written [smtp]");
            return out;
        };
        // Secrets in a file end up in git: refused where they are written,
        // with the variable to use instead.
        for (key, var) in [
            ("password", SMTP_PASSWORD),
            ("user", SMTP_USER),
            ("username", SMTP_USER),
        ] {
            if let Some((k, _)) = keys.get_key_value(key) {
                let at = k.span().start;
                keys.remove(key);
                file.error(
                    at,
                    format!(
                        "`{key}` does not belong in cxreport.toml, which is kept in git: set the environment variable {var} instead"
                    ),
                );
            }
        }
        if let Some(raw) = file.record::<RawSmtp>(smtp, "[smtp]") {
            let at = raw.from.span().start;
            let from = raw.from.into_inner();
            if is_email(
                from.rsplit_once('<')
                    .map_or(from.as_str(), |(_, a)| a.trim_end_matches('>')),
            ) {
                out.smtp = Some(Smtp {
                    host: raw.host,
                    tls: raw.tls.unwrap_or_default(),
                    port: raw.port.unwrap_or(match raw.tls.unwrap_or_default() {
                        Tls::Starttls => 587,
                        Tls::Tls => 465,
                        Tls::None => 25,
                    }),
                    from,
                });
            } else {
                file.error(
                    at,
                    format!(
                        "`from` {from:?} is not an e-mail address: write one such as \"cx@example.com\" or \"CX report <cx@example.com>\""
                    ),
                );
            }
        }
    }
    out
}

/// A route's `to`: a webhook address or an e-mail address, or `$NAME`,
/// a webhook address kept in an environment variable (a CI secret), as
/// anyone who has a webhook's address can post to its channel.
fn recipient(to: &str) -> Result<Recipient, String> {
    if let Some(name) = to.strip_prefix('$') {
        if is_variable(name) {
            return Ok(Recipient::Webhook(to.to_owned()));
        }
        return Err(format!(
            "`to` {to:?} is not an environment variable's name: write one such as \"$CXREPORT_TEAM_WEBHOOK\" (letters, digits and _)"
        ));
    }
    let lower = to.to_ascii_lowercase();
    if let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if host.is_empty() || to.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "`to` {to:?} is not a usable webhook address: write one such as \"https://hooks.slack.com/services/…\""
            ));
        }
        return Ok(Recipient::Webhook(to.to_owned()));
    }
    if is_email(to) {
        return Ok(Recipient::Email(to.to_owned()));
    }
    Err(format!(
        "`to` {to:?} is neither an e-mail address nor an http(s) webhook address: write one such as \"ana@example.com\" or \"https://hooks.slack.com/services/…\""
    ))
}

/// Whether `name` is an environment variable's name: `A-Z`, `a-z`,
/// digits and `_`, not starting with a digit.
pub fn is_variable(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A plain `local@domain.tld` address: what a person would type, without
/// display names or comments, which belong in `[people]`'s keys.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let fine = |s: &str| {
        !s.is_empty()
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"@".contains(c))
    };
    fine(local)
        && fine(domain)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert!(is_email("ana@example.com"));
        assert!(!is_email("ana@example"));
        assert!(!is_email("ana example.com"));
        assert!(!is_email("@example.com"));
        assert_eq!(
            recipient("https://hooks.example.com/x"),
            Ok(Recipient::Webhook("https://hooks.example.com/x".into()))
        );
        assert!(recipient("https:///x").is_err());
        assert!(recipient("ftp://x").is_err());
        assert_eq!(
            recipient("$TEAM_HOOK"),
            Ok(Recipient::Webhook("$TEAM_HOOK".into()))
        );
        assert!(recipient("$1X").is_err());
        assert!(recipient("$").is_err());
    }
}
