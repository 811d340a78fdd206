//! Every path of the built site, in one place: the page of each kind of
//! record, its list, and the anchors within pages. Paths are relative to the
//! site's root and end in `/` (a folder with its `index.html`); templates put
//! `base_url` before them. Nothing else formats a site path, so that a page
//! moves in one edit and a link cannot point where no page is.

/// The home page.
pub const HOME: &str = "";
pub const KPIS: &str = "kpis/";
pub const VOC: &str = "voc/";
pub const ALERTS: &str = "alerts/";
pub const AUDITS: &str = "audits/";
pub const OKRS: &str = "okrs/";
pub const INITIATIVES: &str = "initiatives/";
pub const FLOWS: &str = "flows/";
pub const SPRINTS: &str = "sprints/";
pub const REVIEWS: &str = "reviews/";
pub const CHANGES: &str = "changes/";
/// Closing the loop: the follow-up cases' figures.
pub const LOOP: &str = "loop/";
/// The JSON API, a file rather than a page.
pub const API_REPORT: &str = "api/report.json";

/// A metric's page.
pub fn kpi(metric: &str) -> String {
    format!("{KPIS}{metric}/")
}

/// An audit's page.
pub fn audit(id: &str) -> String {
    format!("{AUDITS}{id}/")
}

/// An OKR period's page.
pub fn okr_period(period: &str) -> String {
    format!("{OKRS}{period}/")
}

/// A key result, within its OKR period's page.
pub fn key_result(period: &str, kr: &str) -> String {
    format!("{OKRS}{period}/#kr-{kr}")
}

/// An initiative's page.
pub fn initiative(id: &str) -> String {
    format!("{INITIATIVES}{id}/")
}

/// A flow's page.
pub fn flow(id: &str) -> String {
    format!("{FLOWS}{id}/")
}

/// A sprint's page.
pub fn sprint(id: &str) -> String {
    format!("{SPRINTS}{id}/")
}

/// An experiment, within its sprint's page.
pub fn experiment(sprint: &str, experiment: &str) -> String {
    format!("{SPRINTS}{sprint}/#exp-{experiment}")
}

/// A before/after comparison, within the page of what changed: `subject`
/// is that page (or an anchor on it, as an experiment's), `parts` what
/// tells the comparison apart there (its subject's id, version, metric
/// and filter).
/// Gives the anchor and the comparison's own path.
pub fn comparison(subject: &str, parts: &[&str]) -> (String, String) {
    let anchor = anchor("change", parts);
    let page = subject.split_once('#').map_or(subject, |(page, _)| page);
    let path = format!("{page}#{anchor}");
    (anchor, path)
}

/// An id fit for an HTML anchor from free text: `prefix` and the slug of
/// each part, such as `chart-trend-sla-channel-whatsapp`.
pub fn anchor(prefix: &str, parts: &[&str]) -> String {
    let mut id = String::from(prefix);
    for part in parts {
        let slug = crate::content::slug(part);
        if !slug.is_empty() {
            id.push('-');
            id.push_str(&slug);
        }
    }
    id
}

/// A quarter's review page.
pub fn review(id: &str) -> String {
    format!("{REVIEWS}{id}/")
}

/// An overdue follow-up case, within the loop page. Case ids are free
/// text, so the anchor is their slug.
pub fn case(id: &str) -> String {
    format!("{LOOP}#{}", anchor("case", &[id]))
}

/// A theme, within the customer-voice page.
pub fn theme(id: &str) -> String {
    format!("{VOC}#theme-{id}")
}

/// The file that holds the page at `path`: a folder's `index.html`.
pub fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    }
}

/// The page a file of the site is: its folder for an `index.html`, else
/// the file itself. The inverse of [`file_of`].
pub fn page_of(file: &str) -> &str {
    file.strip_suffix("index.html")
        .filter(|f| f.is_empty() || f.ends_with('/'))
        .unwrap_or(file)
}

/// The page of what an alert is about.
pub fn about(about: &crate::analytics::alerts::About) -> String {
    use crate::analytics::alerts::About;
    match about {
        About::Metric(id) => kpi(id),
        About::Theme(id) => theme(id),
        About::KeyResult { period, id } => key_result(period, id),
        About::Case(id) => case(id),
    }
}

/// A static file the site ships, such as its stylesheet.
pub fn asset(name: &str) -> String {
    format!("static/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_folders_or_anchors() {
        assert_eq!(kpi("sla"), "kpis/sla/");
        assert_eq!(
            comparison(&experiment("s1", "e1"), &["e1", "", "sla", "channel: chat"]),
            (
                "change-e1-sla-channel-chat".to_owned(),
                "sprints/s1/#change-e1-sla-channel-chat".to_owned()
            )
        );
        assert_eq!(key_result("2026-h2", "fcr"), "okrs/2026-h2/#kr-fcr");
        assert_eq!(
            experiment("2026-08", "callback"),
            "sprints/2026-08/#exp-callback"
        );
        assert_eq!(theme("long-wait"), "voc/#theme-long-wait");
        assert_eq!(case("C-0042"), "loop/#case-c-0042");
        assert_eq!(file_of(""), "index.html");
        assert_eq!(file_of("kpis/sla/"), "kpis/sla/index.html");
        assert_eq!(file_of("static/style.css"), "static/style.css");
        for page in ["", "kpis/sla/", "static/style.css", "api/xindex.html"] {
            assert_eq!(page_of(&file_of(page)), page);
        }
        for list in [
            KPIS,
            VOC,
            ALERTS,
            AUDITS,
            OKRS,
            INITIATIVES,
            FLOWS,
            SPRINTS,
            REVIEWS,
            CHANGES,
            LOOP,
        ] {
            assert!(list.ends_with('/') && !list.starts_with('/'), "{list}");
        }
    }
}
