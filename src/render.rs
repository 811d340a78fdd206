//! Templates: the minijinja environment and rendering every page view into
//! a file; the filters and functions that write numbers, dates and texts in
//! the plan's language are in [`filters`].
//!
//! The built-in templates in `templates/` are compiled into the binary. A
//! plan's own `templates/` folder overrides any of them by file name, so a
//! team can restyle its site without forking the tool.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use minijinja::value::Value;
use minijinja::{Environment, ErrorKind, UndefinedBehavior, context};
use serde::Serialize;

mod filters;

/// `text` with the characters HTML gives a meaning to escaped, for the few
/// pages written without a template: an e-mail's HTML part (`mail`) and the
/// page `serve` shows while a build fails.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub use filters::format_number;
use filters::{add_filters, add_translations};

use crate::analytics::Report;
use crate::config::EchartsSource;
use crate::diag::{Diagnostic, Severity};
use crate::i18n::Catalog;
use crate::pages::{PageView, nav};
use crate::plan::Plan;

/// The built-in templates, by file name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("kpis.html", include_str!("../templates/kpis.html")),
    ("kpi.html", include_str!("../templates/kpi.html")),
    ("voc.html", include_str!("../templates/voc.html")),
    ("alerts.html", include_str!("../templates/alerts.html")),
    ("loop.html", include_str!("../templates/loop.html")),
    ("audits.html", include_str!("../templates/audits.html")),
    ("audit.html", include_str!("../templates/audit.html")),
    ("okrs.html", include_str!("../templates/okrs.html")),
    ("okr.html", include_str!("../templates/okr.html")),
    (
        "initiatives.html",
        include_str!("../templates/initiatives.html"),
    ),
    (
        "initiative.html",
        include_str!("../templates/initiative.html"),
    ),
    ("flows.html", include_str!("../templates/flows.html")),
    ("flow.html", include_str!("../templates/flow.html")),
    ("sprints.html", include_str!("../templates/sprints.html")),
    ("sprint.html", include_str!("../templates/sprint.html")),
    ("reviews.html", include_str!("../templates/reviews.html")),
    ("review.html", include_str!("../templates/review.html")),
    ("changes.html", include_str!("../templates/changes.html")),
    ("history.html", include_str!("../templates/history.html")),
    ("charts.html", include_str!("../templates/charts.html")),
    (
        "components.html",
        include_str!("../templates/components.html"),
    ),
    ("digest.html", include_str!("../templates/digest.html")),
    ("digest.txt", include_str!("../templates/digest.txt")),
    ("style.css", include_str!("../templates/style.css")),
    ("charts.js", include_str!("../templates/charts.js")),
    ("search.js", include_str!("../templates/search.js")),
    ("favicon.svg", include_str!("../templates/favicon.svg")),
];

/// Static files of the site that come from the built-in (or the plan's) templates.
const STATIC: &[&str] = &["style.css", "charts.js", "search.js", "favicon.svg"];

/// The ECharts build the pages load by default: the version charming's
/// options are written for, with its subresource-integrity hash so that a
/// changed file on the CDN is refused by the browser.
pub const ECHARTS_CDN: &str = "https://cdn.jsdelivr.net/npm/echarts@5.6.0/dist/echarts.min.js";
pub const ECHARTS_INTEGRITY: &str =
    "sha384-pPi0zxBAoDu6+JXW/C68UZLvBUUtU+7zonhif43rqj7pxsGyqyqzcian2Rj37Rss";

/// The Content-Security-Policy of every page: the static site carries it
/// as a `<meta http-equiv>`, and `serve` sends it as a header. Scripts come
/// only from the site itself and the pinned ECharts build (whose integrity
/// hash `charts.js` sets); no inline script or event handler runs, so a
/// payload that slipped past escaping still cannot execute. Inline styles
/// stay allowed: ECharts writes its tooltips with `style` attributes, and a
/// style cannot run code; so do images from any `https:` address, which a
/// page's Markdown may show. With an absolute `base_url`, the site's own
/// files are linked at that origin, which counts as the site's too.
pub fn content_security_policy(echarts: &EchartsSource, base_url: &str) -> String {
    let own = match origin(base_url) {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".to_owned(),
    };
    let scripts = match echarts {
        EchartsSource::Cdn => format!("{own} {ECHARTS_CDN}"),
        EchartsSource::File(_) => own.clone(),
    };
    // 'wasm-unsafe-eval' lets the search index's WebAssembly compile; it
    // allows no eval of JavaScript and no inline script.
    format!(
        "default-src {own}; script-src {scripts} 'wasm-unsafe-eval'; style-src {own} 'unsafe-inline'; \
         img-src {own} data: https:; object-src 'none'; base-uri 'none'; form-action 'none'"
    )
}

/// `https://example.com` of `https://example.com/cx/`; `None` for a path.
fn origin(base_url: &str) -> Option<&str> {
    let scheme = base_url.find("://")?;
    let host = &base_url[scheme + 3..];
    let end = host.find('/').map_or(base_url.len(), |i| scheme + 3 + i);
    Some(&base_url[..end])
}

/// Where the site keeps a local copy of ECharts (`[charts] echarts = "path"`).
pub const ECHARTS_LOCAL: &str = "static/echarts.min.js";

/// A file of the finished site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// Relative to the output directory, with `/` separators.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The template environment of one plan.
pub struct Renderer {
    env: Environment<'static>,
}

#[derive(Serialize)]
struct SiteView {
    title: String,
    base_url: String,
    language: crate::config::Language,
    currency: String,
    as_of: String,
    trend: String,
    nav: Vec<crate::pages::NavItem>,
    generator: &'static str,
    /// The address of the ECharts script, and its integrity hash when it is
    /// not served by the site itself (then `echarts` is a site path).
    echarts: String,
    echarts_integrity: Option<&'static str>,
    /// The page's Content-Security-Policy ([`content_security_policy`]).
    csp: String,
    /// `[theme]`: logo and stylesheet as site paths, a checked accent colour.
    theme: crate::config::Theme,
}

impl Renderer {
    /// An environment whose templates come from `overrides` first, then the
    /// built-ins, and whose texts, numbers and dates are in the catalogue's language.
    pub fn new(
        overrides: &Path,
        files: Option<crate::data::Files>,
        catalog: &Catalog,
    ) -> anyhow::Result<Renderer> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()?,
        );
        let dir = overrides.to_owned();
        env.set_loader(move |name| load_template(&dir, files.as_deref(), name));
        add_filters(&mut env, catalog.language());
        add_translations(&mut env, catalog);
        Ok(Renderer { env })
    }

    /// Renders every page, each table's CSV beside it, plus the stylesheet.
    /// Every problem found is returned: a template error, or each content
    /// page whose components or links are wrong. `others` are the site
    /// paths of the files the site has beside these (`api/report.json`,
    /// pages taken over from a previous build): a page may link to them.
    pub fn render_all(
        &self,
        plan: &Arc<Plan>,
        report: &Arc<Report>,
        pages: &[PageView],
        others: impl IntoIterator<Item = String>,
        progress: &dyn crate::progress::Progress,
    ) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
        let known: std::collections::BTreeSet<String> = others
            .into_iter()
            .chain(pages.iter().map(|p| p.url.clone()))
            .chain(STATIC.iter().map(|name| crate::url::asset(name)))
            .collect();
        let site = SiteView {
            title: plan.config.title.clone(),
            base_url: plan.config.base_url.clone(),
            language: plan.config.language,
            currency: plan.config.currency.clone(),
            as_of: report.as_of.to_string(),
            trend: format!("{:?}", report.trend).to_lowercase(),
            nav: nav(plan),
            generator: concat!("cxreport ", env!("CARGO_PKG_VERSION")),
            echarts: match plan.config.echarts {
                EchartsSource::Cdn => ECHARTS_CDN.to_owned(),
                EchartsSource::File(_) => ECHARTS_LOCAL.to_owned(),
            },
            echarts_integrity: match plan.config.echarts {
                EchartsSource::Cdn => Some(ECHARTS_INTEGRITY),
                EchartsSource::File(_) => None,
            },
            csp: content_security_policy(&plan.config.echarts, &plan.config.base_url),
            theme: plan.config.theme.clone(),
        };
        let site = Value::from(minijinja::value::Serde(&site));
        let mut components = self.env.clone();
        crate::components::register(&mut components, plan.clone(), report.clone());
        let one = |e| vec![template_error(e)];
        // Pages are independent: spread over the cores one at a time (a
        // metric's page takes a hundred times a content page's), their
        // files kept in page order.
        let download = plan.catalog.t("Download CSV", &[]);
        let mut rendered: Vec<Result<(OutFile, Vec<OutFile>), Failure>> =
            Vec::with_capacity(pages.len());
        crate::parallel::ordered(
            pages,
            |page| {
                // Each table's figures as a CSV beside its page.
                let file = self
                    .render_page(plan, &components, &site, page, &known)
                    .map(|file| crate::downloads::tables(&file, &download));
                progress.step();
                file
            },
            |file| rendered.push(file),
        );
        let mut files = Vec::with_capacity(pages.len() + STATIC.len());
        let mut problems = Vec::new();
        for page in rendered {
            match page {
                Ok((file, tables)) => {
                    files.push(file);
                    files.extend(tables);
                }
                Err(Failure::Page(found)) => problems.extend(found),
                Err(Failure::Template(error)) => return Err(error),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        for name in STATIC {
            let file = self.env.get_template(name).map_err(one)?;
            files.push(OutFile {
                path: crate::url::asset(name),
                bytes: file.source().as_bytes().to_vec(),
            });
        }
        Ok(files)
    }
}

impl Renderer {
    /// Renders `template`, a message rather than a page of the site (the
    /// digest's HTML or text part), with `view`'s fields and a `site` of
    /// its title, `base_url`, language and `as_of`. A
    /// template's `.html` name escapes what it writes; `.txt` does not.
    pub fn render_message(
        &self,
        plan: &Plan,
        as_of: jiff::civil::Date,
        template: &str,
        view: &impl Serialize,
    ) -> Result<String, Vec<Diagnostic>> {
        let one = |e| vec![template_error(e)];
        let site = context! {
            title => plan.config.title.clone(),
            base_url => plan.config.base_url.clone(),
            language => Value::from(minijinja::value::Serde(plan.config.language)),
            as_of => as_of.to_string(),
            generator => concat!("cxreport ", env!("CARGO_PKG_VERSION")),
        };
        let ctx = context! {
            site,
            ..Value::from(minijinja::value::Serde(view))
        };
        self.env
            .get_template(template)
            .and_then(|t| t.render(ctx))
            .map_err(one)
    }
}

/// Why a page was not rendered.
enum Failure {
    /// Its own Markdown had problems: reported with every other page's.
    Page(Vec<Diagnostic>),
    /// A template failed: the build stops at it.
    Template(Vec<Diagnostic>),
}

impl Renderer {
    /// One page's HTML file.
    fn render_page(
        &self,
        plan: &Arc<Plan>,
        components: &Environment<'static>,
        site: &Value,
        page: &PageView,
        known: &std::collections::BTreeSet<String>,
    ) -> Result<OutFile, Failure> {
        let one = |e| Failure::Template(vec![template_error(e)]);
        // Every link of the page is relative to it (the `href` filter).
        let root = context! { root => crate::url::root_of(&page.url) };
        let site = minijinja::value::merge_maps([root, site.clone()]);
        let content = match &page.markdown {
            None => Value::UNDEFINED,
            Some(md) => {
                let html = crate::components::render(
                    components,
                    md,
                    &page.url,
                    &site,
                    plan.config.raw_html,
                    known,
                )
                .map_err(Failure::Page)?;
                // A page that opens with its own top heading should not get a second one.
                context! { has_title => html.starts_with("<h1"), html }
            }
        };
        let tmpl = self.env.get_template(page.template).map_err(one)?;
        let (history, series, changed) = crate::pages::history_of(plan, page);
        let ctx = context! {
            site,
            page => context! { url => page.url.clone(), title => page.title.clone(), changed, history, series },
            ..minijinja::value::merge_maps([content, page.context.clone()])
        };
        let html = tmpl.render(ctx).map_err(one)?;
        Ok(OutFile {
            path: crate::url::file_of(&page.url),
            bytes: html.into_bytes(),
        })
    }
}

/// The plan's template of that name if it has one, else the built-in one.
/// From `files` instead of `dir` when the plan was read from a revision.
fn load_template(
    dir: &Path,
    files: Option<&std::collections::BTreeMap<String, Vec<u8>>>,
    name: &str,
) -> Result<Option<String>, minijinja::Error> {
    let rel = PathBuf::from(name);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Ok(None);
    }
    match files {
        Some(files) => {
            if let Some(bytes) = files.get(&format!("templates/{name}")) {
                return Ok(Some(String::from_utf8_lossy(bytes).into_owned()));
            }
        }
        None => {
            let path = dir.join(rel);
            if path.is_file() {
                let plan = dir.parent().unwrap_or(dir);
                if let Some(target) = crate::data::outside(plan, &path) {
                    return Err(minijinja::Error::new(
                        ErrorKind::InvalidOperation,
                        format!(
                            "templates/{name} is a symbolic link to {}, outside the plan, and is not followed",
                            target.display()
                        ),
                    ));
                }
                return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                    minijinja::Error::new(
                        ErrorKind::InvalidOperation,
                        format!("cannot read {}", path.display()),
                    )
                    .with_source(e)
                });
            }
        }
    }
    Ok(BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| (*s).to_owned()))
}

fn template_error(e: minijinja::Error) -> Diagnostic {
    let file = format!("templates/{}", e.name().unwrap_or("?"));
    let mut message = e
        .detail()
        .map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind()));
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    Diagnostic {
        file,
        line: e.line().unwrap_or(1),
        column: 1,
        severity: Severity::Error,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_sites_own_origin_and_the_pinned_echarts() {
        let cdn = content_security_policy(&EchartsSource::Cdn, "/cx/");
        assert!(cdn.starts_with("default-src 'self'; script-src 'self' https://cdn.jsdelivr.net/npm/echarts@5.6.0/dist/echarts.min.js 'wasm-unsafe-eval'; "), "{cdn}");
        // WebAssembly for the search index, and nothing else compiled at run time.
        assert_eq!(cdn.matches("wasm-unsafe-eval").count(), 1, "{cdn}");
        assert!(!cdn.contains("'unsafe-eval'"), "{cdn}");
        // Inline styles only, never inline scripts.
        assert!(cdn.contains("style-src 'self' 'unsafe-inline';"), "{cdn}");
        assert_eq!(cdn.matches("unsafe-inline").count(), 1, "{cdn}");
        let local = content_security_policy(
            &EchartsSource::File("e.js".into()),
            "https://cx.example.com/board/",
        );
        assert!(
            local.starts_with("default-src 'self' https://cx.example.com; script-src 'self' https://cx.example.com 'wasm-unsafe-eval'; "),
            "{local}"
        );
        assert_eq!(origin("http://h:8080"), Some("http://h:8080"));
        assert_eq!(origin("/"), None);
    }
}
