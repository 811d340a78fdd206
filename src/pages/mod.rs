//! The site map: which pages exist, and the view each page's template gets.
//!
//! Views are plain structs made for templates: numbers stay numbers (the
//! templates format them with the `num`, `unit` and `delta` filters) and
//! everything else is text, so templates never see the domain types.

pub mod alerts;
pub mod audits;
mod changes;
pub mod charts;
pub mod compare;
pub mod digest;
mod flows;
pub mod follow_up;
mod home;
mod initiatives;
pub mod kpis;
pub mod notify;
pub mod okrs;
pub mod sections;
mod sprints;
pub mod subject;
mod voc;

use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;

use crate::analytics::Report;
use crate::data::Filter;
use crate::plan::Plan;
use crate::url;

/// One page to render.
#[derive(Debug, Clone)]
pub struct PageView {
    /// Relative to the site root, ending in `/` (empty for the home page).
    pub url: String,
    pub template: &'static str,
    pub title: String,
    /// The page's own variables, beside the site-wide ones.
    pub context: Value,
    /// A content page's Markdown, which the render step turns into `html`
    /// (placing the data components it calls) and adds to the context.
    pub markdown: Option<Markdown>,
    /// The data files the page shows (a folder ends in `/`), so that it can
    /// say when its data last changed.
    pub sources: Vec<String>,
    /// The one record of those files the page is about, when the file holds
    /// many (an initiative): its history is that record's, not the file's.
    pub record: Option<crate::timeline::Record>,
}

/// The Markdown body of a content page and where it comes from.
#[derive(Debug, Clone)]
pub struct Markdown {
    /// The file, relative to the plan root.
    pub source: String,
    pub body: String,
    /// The file's line the body starts on.
    pub line: usize,
}

impl PageView {
    fn new(
        url: impl Into<String>,
        template: &'static str,
        title: impl Into<String>,
        view: &impl Serialize,
    ) -> Self {
        PageView {
            url: url.into(),
            template,
            title: title.into(),
            context: Value::from(Serde(view)),
            markdown: None,
            sources: Vec::new(),
            record: None,
        }
    }

    /// The page with the data files it shows.
    fn showing<S: Into<String>>(mut self, files: impl IntoIterator<Item = S>) -> Self {
        self.sources = files.into_iter().map(Into::into).collect();
        self
    }

    /// The page with the one record it is about.
    fn about(mut self, kind: crate::data::RecordKind, id: &str) -> Self {
        self.record = Some((kind, id.to_owned()));
        self
    }

    /// What the page's own history is about.
    pub fn subject(&self) -> crate::timeline::Subject<'_> {
        crate::timeline::Subject {
            files: &self.sources,
            record: self.record.as_ref(),
        }
    }
}

/// The pages that show the plan's data and figures and nothing of its
/// content pages (but the navigation, which every page has): the same as
/// long as the data, the report, the settings, the templates and the
/// navigation are.
pub fn of_figures(plan: &Plan, report: &Report) -> Vec<PageView> {
    type Kind = fn(&Plan, &Report) -> Vec<PageView>;
    // Each kind of page is independent of the others: on a large plan they
    // are a few hundred milliseconds of work, spread over the cores.
    let kinds: [Kind; 10] = [
        kpis::pages,
        |p, r| vec![voc::page(p, r)],
        |p, r| vec![alerts::page(p, r)],
        audits::pages,
        okrs::pages,
        initiatives::pages,
        flows::pages,
        sprints::pages,
        |p, _| vec![changes::page(p)],
        follow_up::pages,
    ];
    let mut pages = Vec::new();
    crate::parallel::ordered(
        &kinds,
        |kind| kind(plan, report),
        |views| pages.extend(views),
    );
    pages
}

/// The home page, whose introduction is `content/index.md`, and the
/// content pages and sections.
pub fn of_content(plan: &Plan, report: &Report) -> Vec<PageView> {
    let mut pages = vec![home::page(plan, report)];
    let sections = sections::Sections::new(&plan.pages);
    for page in plan.pages.iter().filter(|p| !p.draft && !p.url.is_empty()) {
        let view = ContentView {
            description: page.description.clone(),
            children: sections.entries(&page.url),
        };
        let mut view = PageView::new(page.url.clone(), "page.html", page.title.clone(), &view);
        view.markdown = Some(Markdown {
            source: page.source.clone(),
            body: page.body.clone(),
            line: page.body_line,
        });
        pages.push(view);
    }
    for section in sections.generated() {
        let view = ContentView {
            description: None,
            children: section.entries,
        };
        let source = format!("content/{}", section.url);
        let mut view = PageView::new(section.url, "page.html", section.title, &view);
        // No text of its own, but the same template as every content page
        // (a plan's own `page.html` may use `html`).
        view.markdown = Some(Markdown {
            source,
            body: String::new(),
            line: 1,
        });
        pages.push(view);
    }
    pages
}

#[derive(Serialize)]
struct ContentView {
    description: Option<String>,
    /// A section's pages and sections, listed after its text.
    children: Vec<sections::Entry>,
}

/// An entry of the navigation bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NavItem {
    pub title: String,
    pub url: String,
}

/// The navigation: the generated sections, then the plan's own top-level
/// pages and sections (see [`sections`]).
pub fn nav(plan: &Plan) -> Vec<NavItem> {
    let t = |key| plan.catalog.t(key, &[]);
    let fixed = [
        (t("Overview"), ""),
        (t("KPIs"), url::KPIS),
        (t("Customer voice"), url::VOC),
        (t("Alerts"), url::ALERTS),
        (t("Audits"), url::AUDITS),
        (t("OKRs"), url::OKRS),
        (t("Initiatives"), url::INITIATIVES),
        (t("Flows"), url::FLOWS),
        (t("Sprints"), url::SPRINTS),
        (t("Reviews"), url::REVIEWS),
        (t("Changes"), url::CHANGES),
    ];
    let mut items: Vec<NavItem> = fixed
        .iter()
        .map(|(title, url)| NavItem {
            title: title.clone(),
            url: (*url).to_owned(),
        })
        .collect();
    // Only a plan with follow-up cases has the page: the others' pages
    // stay as they were.
    if plan.data.follows_up {
        let at = items.len().min(4);
        items.insert(
            at,
            NavItem {
                title: t("Closing the loop"),
                url: url::LOOP.to_owned(),
            },
        );
    }
    items.extend(
        sections::Sections::new(&plan.pages)
            .top()
            .into_iter()
            .map(|e| NavItem {
                title: e.title,
                url: e.url,
            }),
    );
    items
}

/// `channel: whatsapp, queue: returns`, or empty.
pub fn filter_text(filter: &Filter) -> String {
    filter
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A metric's name and link, for pages that mention one.
#[derive(Debug, Clone, Serialize)]
pub struct MetricRef {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub url: String,
}

pub fn metric_ref(plan: &Plan, id: &str) -> MetricRef {
    let (name, unit) = plan
        .data
        .metric(id)
        .map_or((id.to_owned(), String::new()), |m| {
            (m.name.clone(), m.unit.clone())
        });
    MetricRef {
        id: id.to_owned(),
        name,
        unit,
        url: url::kpi(id),
    }
}

/// Markdown text from a data file, as HTML for the page at `page`: its
/// links to the site's pages and files are written relative to the page,
/// as a content page's are, so that they work from disk and from any
/// sub-path (`[SLA](/kpis/sla/)` is `../../kpis/sla/index.html` from a
/// flow's page). A data file has no folder in the site: an address is read
/// as the browser reads it from the page. Unlike a content page's, a link
/// to a page the site lacks is not a problem: a field has no line to tell.
pub fn markdown(text: Option<&str>, page: &str) -> Option<String> {
    text.map(|text| {
        crate::content::markdown_with(
            text,
            false,
            |_| None,
            |dest, _| crate::url::resolve(page, page, dest, |_| true)?.ok(),
        )
    })
}

/// How many commits a page's own history lists; `/changes/` has them all.
const PAGE_HISTORY: usize = 20;

/// The page's own history, for its template: the commits that changed its
/// data files (not the folders it reads, such as every KPI file) or its one
/// record, newest first, with what they changed; the numeric fields they
/// moved, as series; and the last of them. Undefined where there is none.
pub fn history_of(plan: &Plan, page: &PageView) -> (Value, Value, Value) {
    use crate::timeline;
    let subject = page.subject();
    let mut entries = timeline::entries(&plan.history, subject);
    entries.truncate(PAGE_HISTORY);
    #[derive(Serialize)]
    struct SeriesView {
        #[serde(flatten)]
        series: timeline::Series,
        /// An SVG sparkline of the points, in commit order.
        spark: Option<String>,
    }
    let series: Vec<SeriesView> = timeline::series(&plan.history, subject)
        .into_iter()
        .map(|series| {
            let values: Vec<Option<f64>> = series.points.iter().map(|p| Some(p.value)).collect();
            SeriesView {
                spark: crate::charts::svg::sparkline(&values, None),
                series,
            }
        })
        .collect();
    let changed = timeline::last_change(&plan.history, subject).map(|c| {
        minijinja::context! { date => c.date.to_string(), short => c.short.clone(), subject => c.subject.clone() }
    });
    let defined = |empty: bool, v: Value| if empty { Value::UNDEFINED } else { v };
    (
        defined(entries.is_empty(), Value::from(Serde(&entries))),
        defined(series.is_empty(), Value::from(Serde(&series))),
        changed.unwrap_or(Value::UNDEFINED),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_files_links_to_the_site_are_written_relative_to_its_page() {
        let text = "See [SLA](/kpis/sla/), [its table](../../kpis/sla/#periods), \
                    [the FAQ](https://example.com/faq) and [below](#steps).";
        let html = markdown(Some(text), &crate::url::flow("ivr")).unwrap_or_default();
        for href in [
            r#"href="../../kpis/sla/index.html""#,
            r#"href="../../kpis/sla/index.html#periods""#,
            r#"href="https://example.com/faq""#,
            r##"href="#steps""##,
        ] {
            assert!(html.contains(href), "{href} in {html}");
        }
        assert_eq!(markdown(None, "kpis/sla/"), None);
    }
}
