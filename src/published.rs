//! The report a site last published (layer 1): its `api/report.json`, read
//! from a file or fetched from the site's address, and kept only for what
//! the commands that look back need: the alerts that were firing, for
//! `notify` and `digest` to tell a new alert from one already sent, and the
//! commit it was built from, for `digest` to say what changed in the plan
//! since.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context as _;
use serde::Deserialize;

/// What makes an alert the same one in two reports: its kind, severity and
/// subject, as `api/report.json` names them.
pub type AlertKey = (String, String, String);

/// What a published report says that a later run compares with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Published {
    pub alerts: BTreeSet<AlertKey>,
    /// The commit the report was built from, when it says.
    pub commit: Option<String>,
}

#[derive(Deserialize)]
struct Report {
    alerts: Vec<Alert>,
    /// Reports written before this field existed have none.
    #[serde(default)]
    commit: Option<String>,
}

/// Kinds are read as text, so that a report with a kind this build does
/// not know yet (or no longer raises) still reads.
#[derive(Deserialize)]
struct Alert {
    kind: String,
    severity: String,
    subject: String,
}

/// The report at `from`: a file, or an `http(s)://` address. An address
/// answering 404 is a site not published yet: `None`.
pub fn read(from: &str) -> anyhow::Result<Option<Published>> {
    let lower = from.to_ascii_lowercase();
    let text = if lower.starts_with("http://") || lower.starts_with("https://") {
        match fetch(from)? {
            Some(text) => text,
            None => return Ok(None),
        }
    } else {
        std::fs::read_to_string(Path::new(from))
            .with_context(|| format!("cannot read the previous report {from}"))?
    };
    let report: Report = serde_json::from_str(&text).with_context(|| {
        format!("the previous report {from} is not an api/report.json of cxreport")
    })?;
    Ok(Some(Published {
        alerts: report
            .alerts
            .into_iter()
            .map(|a| (a.kind, a.severity, a.subject))
            .collect(),
        commit: report.commit,
    }))
}

/// GETs `url`; `None` on 404.
fn fetch(url: &str) -> anyhow::Result<Option<String>> {
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(60)))
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut response = agent
        .get(url)
        .call()
        .with_context(|| format!("cannot fetch the previous report {url}"))?;
    let status = response.status().as_u16();
    if status == 404 {
        return Ok(None);
    }
    if !(200..300).contains(&status) {
        anyhow::bail!("cannot fetch the previous report {url}: the server answered {status}");
    }
    // A large plan's report is tens of megabytes; the default cap is 10 MB.
    let text = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_string()
        .with_context(|| format!("cannot read the previous report from {url}"))?;
    Ok(Some(text))
}
