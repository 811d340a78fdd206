//! Every path of the built site, in one place: the page of each kind of
//! record, its list, and the anchors within pages. Paths are relative to the
//! site's root and end in `/` (a folder with its `index.html`). A page links
//! to them with [`href`], relative to itself, so that the site works from any
//! host, any sub-path and from disk with no rebuild; only messages sent away
//! (e-mails, webhooks) put `base_url` before them. Nothing else formats a
//! site path, so that a page moves in one edit and a link cannot point where
//! no page is.

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

/// The way from the page at `page` back to the site's root: `""` for the
/// home page, `"../"` for `kpis/`, `"../../"` for `kpis/sla/`.
pub fn root_of(page: &str) -> String {
    let page = page.split_once('#').map_or(page, |(page, _)| page);
    "../".repeat(page.matches('/').count())
}

/// The link from a page whose way to the root is `root` ([`root_of`]) to the
/// site path `path`: relative, so that it needs no `base_url`, and naming a
/// folder's `index.html`, because a browser that opens the site from disk
/// (`file://`, an unzipped copy) shows a folder as a listing, not its page.
/// Every host serves `index.html` by that name too, so one form works
/// everywhere: `href("../../", "loop/#case-x")` is `../../loop/index.html#case-x`.
pub fn href(root: &str, path: &str) -> String {
    let (page, fragment) = path.split_once('#').unzip();
    let page = page.unwrap_or(path);
    let mut link = format!("{root}{}", file_of(page));
    if let Some(fragment) = fragment {
        link.push('#');
        link.push_str(fragment);
    }
    link
}

/// The site path a link written in a page's Markdown points at, for a page
/// whose file is in the site folder `dir` (`plan/` for
/// `content/plan/diagnosis.md`); `None` for an address elsewhere (`https:`,
/// `mailto:`, `//host`) or an anchor on the page itself. A path from the
/// root (`/kpis/sla/`) is taken as written; a relative one from the file's
/// folder, as on disk and on GitHub (`diagram.png` beside the file is
/// `plan/diagram.png`, and `other.md` the page of `content/plan/other.md`).
/// `Err` holds a path that climbs out of the site (`../../x`).
pub fn authored(dir: &str, dest: &str) -> Option<Result<String, String>> {
    let split = dest.find(['#', '?']).unwrap_or(dest.len());
    let (path, rest) = dest.split_at(split);
    let scheme = path.find(':').is_some_and(|i| !path[..i].contains('/'));
    if path.is_empty() || scheme || path.starts_with("//") {
        return None;
    }
    let (from, path) = match path.strip_prefix('/') {
        Some(path) => ("", path),
        None => (dir, path),
    };
    let mut parts: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(Err(dest.to_owned()));
                }
            }
            part => parts.push(part),
        }
    }
    let mut site = parts.join("/");
    if let Some(page) = site.strip_suffix(".md") {
        // A Markdown file is its page: `index.md` its folder's.
        let page = page.strip_suffix("index").unwrap_or(page);
        site = page.trim_end_matches('/').to_owned();
        if !site.is_empty() {
            site.push('/');
        }
    } else if (path.ends_with('/') || path.is_empty() || path.ends_with('.')) && !site.is_empty() {
        site.push('/');
    }
    site.push_str(rest);
    Some(Ok(site))
}

/// The link to write for `dest`, written in the Markdown of the page at
/// `page` whose file is in the site folder `dir` (see [`authored`]), when it
/// names a page or file `known` has: relative to the page, as [`href`]
/// writes it. A relative address is read first as the browser would from
/// the published page (`../../audits/2026-q2/` from `plan/diagnosis/`),
/// then as on disk from the file's folder (`diagram.png`); a link to a
/// Markdown file (`other.md`) only as on disk. `None` for an
/// address elsewhere; `Err` with the site path it names when no page or
/// file is there (as read from the file's folder).
pub fn resolve(
    page: &str,
    dir: &str,
    dest: &str,
    known: impl Fn(&str) -> bool,
) -> Option<Result<String, String>> {
    let found = |path: &str| {
        let split = path.find(['#', '?']).unwrap_or(path.len());
        let (file, rest) = path.split_at(split);
        if known(file) {
            Some(path.to_owned())
        } else if !file.is_empty() && !file.ends_with('/') && known(&format!("{file}/")) {
            Some(format!("{file}/{rest}"))
        } else {
            None
        }
    };
    let as_on_disk = authored(dir, dest)?;
    // A Markdown file is named as on disk only: the browser never sees one.
    let markdown = dest
        .split(['#', '?'])
        .next()
        .is_some_and(|p| p.ends_with(".md"));
    let as_published = if markdown {
        as_on_disk.clone()
    } else {
        authored(page, dest)?
    };
    let path = [&as_published, &as_on_disk]
        .into_iter()
        .flatten()
        .find_map(|path| found(path));
    // Not found: named as on disk, where its author would put it.
    Some(match (path, as_on_disk) {
        (Some(path), _) => Ok(href(&root_of(page), &path)),
        (None, Ok(path)) | (None, Err(path)) => Err(path),
    })
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
        let a = |dest| authored("plan/", dest);
        assert_eq!(a("/kpis/sla/"), Some(Ok("kpis/sla/".into())));
        assert_eq!(a("/kpis/sla#x"), Some(Ok("kpis/sla#x".into())));
        assert_eq!(a("diagram.png"), Some(Ok("plan/diagram.png".into())));
        assert_eq!(a("../static/x.css"), Some(Ok("static/x.css".into())));
        assert_eq!(a("other.md#a"), Some(Ok("plan/other/#a".into())));
        assert_eq!(a("index.md"), Some(Ok("plan/".into())));
        assert_eq!(a("../index.md"), Some(Ok("".into())));
        assert_eq!(a("/"), Some(Ok("".into())));
        assert_eq!(a("../../x"), Some(Err("../../x".into())));
        let known = |path: &str| ["", "kpis/sla/", "audits/q2/", "plan/d.png"].contains(&path);
        let r = |dest| resolve("plan/diagnosis/", "plan/", dest, known);
        assert_eq!(
            r("../../audits/q2/#x"),
            Some(Ok("../../audits/q2/index.html#x".into()))
        );
        assert_eq!(r("/kpis/sla"), Some(Ok("../../kpis/sla/index.html".into())));
        assert_eq!(r("d.png"), Some(Ok("../../plan/d.png".into())));
        assert_eq!(r("/"), Some(Ok("../../index.html".into())));
        assert_eq!(r("/kpis/nope/"), Some(Err("kpis/nope/".into())));
        assert_eq!(r("https://x.org/"), None);
        for elsewhere in ["https://x.org/", "mailto:a@b", "//x.org/", "#top", ""] {
            assert_eq!(a(elsewhere), None, "{elsewhere}");
        }
        assert_eq!(root_of(HOME), "");
        assert_eq!(root_of(KPIS), "../");
        assert_eq!(root_of(&kpi("sla")), "../../");
        assert_eq!(href("", HOME), "index.html");
        assert_eq!(href("../../", HOME), "../../index.html");
        assert_eq!(href("../", &kpi("sla")), "../kpis/sla/index.html");
        assert_eq!(href("../../", &case("X")), "../../loop/index.html#case-x");
        assert_eq!(href("../", &asset("style.css")), "../static/style.css");
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
