//! Templates: the minijinja environment, the filters that format numbers for
//! people, and rendering every page view into a file.
//!
//! The built-in templates in `templates/` are compiled into the binary. A
//! plan's own `templates/` folder overrides any of them by file name, so a
//! team can restyle its site without forking the tool.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, ErrorKind, UndefinedBehavior, context};
use serde::Serialize;

use crate::Plan;
use crate::analytics::Report;
use crate::config::EchartsSource;
use crate::config::Language;
use crate::diag::{Diagnostic, Severity};
use crate::i18n::{self, Catalog};
use crate::pages::{PageView, nav};

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
    ("audits.html", include_str!("../templates/audits.html")),
    ("audit.html", include_str!("../templates/audit.html")),
    ("okrs.html", include_str!("../templates/okrs.html")),
    ("okr.html", include_str!("../templates/okr.html")),
    (
        "initiatives.html",
        include_str!("../templates/initiatives.html"),
    ),
    ("flows.html", include_str!("../templates/flows.html")),
    ("flow.html", include_str!("../templates/flow.html")),
    ("sprints.html", include_str!("../templates/sprints.html")),
    ("sprint.html", include_str!("../templates/sprint.html")),
    ("reviews.html", include_str!("../templates/reviews.html")),
    ("review.html", include_str!("../templates/review.html")),
    ("charts.html", include_str!("../templates/charts.html")),
    (
        "components.html",
        include_str!("../templates/components.html"),
    ),
    ("style.css", include_str!("../templates/style.css")),
    ("charts.js", include_str!("../templates/charts.js")),
    ("favicon.svg", include_str!("../templates/favicon.svg")),
];

/// Static files of the site that come from the built-in (or the plan's) templates.
const STATIC: &[&str] = &["style.css", "charts.js", "favicon.svg"];

/// The ECharts build the pages load by default: the version charming's
/// options are written for, with its subresource-integrity hash so that a
/// changed file on the CDN is refused by the browser.
pub const ECHARTS_CDN: &str = "https://cdn.jsdelivr.net/npm/echarts@5.6.0/dist/echarts.min.js";
pub const ECHARTS_INTEGRITY: &str =
    "sha384-pPi0zxBAoDu6+JXW/C68UZLvBUUtU+7zonhif43rqj7pxsGyqyqzcian2Rj37Rss";

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
    /// not served by the site itself.
    echarts: String,
    echarts_integrity: Option<&'static str>,
}

impl Renderer {
    /// An environment whose templates come from `overrides` first, then the
    /// built-ins, and whose texts, numbers and dates are in the catalogue's language.
    pub fn new(overrides: &Path, catalog: &Catalog) -> anyhow::Result<Renderer> {
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
        env.set_loader(move |name| load_template(&dir, name));
        add_filters(&mut env, catalog.language());
        add_translations(&mut env, catalog);
        Ok(Renderer { env })
    }

    /// Renders every page, plus the stylesheet.
    /// Every problem found is returned: a template error, or each content
    /// page whose components are wrong.
    pub fn render_all(
        &self,
        plan: &Arc<Plan>,
        report: &Arc<Report>,
        pages: &[PageView],
    ) -> Result<Vec<OutFile>, Vec<Diagnostic>> {
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
                EchartsSource::File(_) => format!("{}{ECHARTS_LOCAL}", plan.config.base_url),
            },
            echarts_integrity: match plan.config.echarts {
                EchartsSource::Cdn => Some(ECHARTS_INTEGRITY),
                EchartsSource::File(_) => None,
            },
        };
        let site = Value::from(minijinja::value::Serde(&site));
        let mut components = self.env.clone();
        crate::components::register(&mut components, plan.clone(), report.clone());
        let one = |e| vec![template_error(e)];
        let mut files = Vec::with_capacity(pages.len() + STATIC.len());
        let mut problems = Vec::new();
        for page in pages {
            let content = match &page.markdown {
                None => Value::UNDEFINED,
                Some(md) => match crate::components::render(&components, md, &site) {
                    // A page that opens with its own top heading should not get a second one.
                    Ok(html) => context! { has_title => html.starts_with("<h1"), html },
                    Err(problem) => {
                        problems.push(problem);
                        continue;
                    }
                },
            };
            let tmpl = self.env.get_template(page.template).map_err(one)?;
            let ctx = context! {
                site => site.clone(),
                page => context! { url => page.url.clone(), title => page.title.clone() },
                ..minijinja::value::merge_maps([content, page.context.clone()])
            };
            let html = tmpl.render(ctx).map_err(one)?;
            files.push(OutFile {
                path: format!("{}index.html", page.url),
                bytes: html.into_bytes(),
            });
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        for name in STATIC {
            let file = self.env.get_template(name).map_err(one)?;
            files.push(OutFile {
                path: format!("static/{name}"),
                bytes: file.source().as_bytes().to_vec(),
            });
        }
        Ok(files)
    }
}

/// The plan's template of that name if it has one, else the built-in one.
fn load_template(dir: &Path, name: &str) -> Result<Option<String>, minijinja::Error> {
    let rel = PathBuf::from(name);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Ok(None);
    }
    let path = dir.join(rel);
    if path.is_file() {
        return std::fs::read_to_string(&path).map(Some).map_err(|e| {
            minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("cannot read {}", path.display()),
            )
            .with_source(e)
        });
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

/// A number with thousands separators and a precision that suits its size:
/// `2,034`, `78.4`, `5.87`, in English; see [`i18n::number`] for others.
pub fn format_number(v: f64, decimals: Option<usize>) -> String {
    i18n::number(Language::En, v, decimals)
}

/// Registers the filters that write numbers and dates for people, in `lang`.
fn add_filters(env: &mut Environment<'static>, lang: Language) {
    env.add_filter("num", move |v: Value, kw: Kwargs| num(lang, v, kw));
    env.add_filter("unit", move |v: Value, u: Option<String>, kw: Kwargs| {
        unit(lang, v, u, kw)
    });
    env.add_filter("delta", move |v: Value, u: Option<String>, kw: Kwargs| {
        delta(lang, v, u, kw)
    });
    env.add_filter("amount", move |v: Value, u: Option<String>, kw: Kwargs| {
        amount(lang, v, u, kw)
    });
    env.add_filter("pct", move |v: Value| pct(lang, v));
    env.add_filter("money", move |v: Value, c: Option<String>| {
        money(lang, v, c)
    });
    env.add_filter("date", move |v: Value| date(lang, v));
    env.add_filter("pvalue", move |v: Value| pvalue(lang, v));
}

/// Registers `t(key, **args)` and `tn(one, other, n, **args)`. What they
/// return is plain text, which autoescaping escapes like any other value, so
/// neither a translation nor an argument can inject markup.
fn add_translations(env: &mut Environment<'static>, catalog: &Catalog) {
    let cat = Arc::new(catalog.clone());
    let c = Arc::clone(&cat);
    env.add_function("t", move |key: String, kw: Kwargs| {
        fill_from(c.lookup(&key), &key, &kw, None, c.language())
    });
    env.add_function(
        "tn",
        move |one: String, other: String, n: Value, kw: Kwargs| {
            let count = as_number(&n).ok_or_else(|| {
                minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    format!("tn(\"{one}\", …): the count must be a number, not {n}"),
                )
            })?;
            let d = if n.is_integer() { Some(0) } else { None };
            let n_text = i18n::number(cat.language(), count, d);
            fill_from(
                cat.plural(&one, &other, count),
                &one,
                &kw,
                Some(&n_text),
                cat.language(),
            )
        },
    );
}

/// Fills `text` from keyword arguments; `{n}` defaults to the count of `tn`.
/// A number passed as it is gets the language's format (`12,034`, `12.034`).
fn fill_from(
    text: &str,
    key: &str,
    kw: &Kwargs,
    n: Option<&str>,
    language: crate::config::Language,
) -> Result<String, minijinja::Error> {
    let arg = |name: &str| {
        if kw.has(name) {
            let v: Value = kw.get(name).ok()?;
            Some(if v.is_none() || v.is_undefined() {
                "—".to_owned()
            } else if let Some(x) = as_number(&v).filter(|_| v.is_number()) {
                i18n::number(language, x, v.is_integer().then_some(0))
            } else {
                v.to_string()
            })
        } else {
            n.filter(|_| name == "n").map(str::to_owned)
        }
    };
    i18n::fill(text, arg).map_err(|name| {
        minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("the text \"{key}\" needs an argument {name}=…"),
        )
    })
}

fn as_number(v: &Value) -> Option<f64> {
    if v.is_none() || v.is_undefined() {
        return None;
    }
    f64::try_from(v.clone()).ok()
}

fn digits(kwargs: &Kwargs) -> Result<Option<usize>, minijinja::Error> {
    let d: Option<usize> = kwargs.get("digits")?;
    kwargs.assert_all_used()?;
    Ok(d)
}

/// Spanish (CLDR) puts a non-breaking space before `%`; English does not.
fn percent(lang: Language) -> &'static str {
    match lang {
        Language::En => "%",
        Language::Es => "\u{a0}%",
    }
}

/// `{{ x|num }}`, `{{ x|num(digits=1) }}`. Integers (counts) get no decimals.
fn num(lang: Language, v: Value, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let d = digits(&kwargs)?.or(if v.is_integer() { Some(0) } else { None });
    Ok(as_number(&v).map_or_else(|| "—".to_owned(), |n| i18n::number(lang, n, d)))
}

/// `{{ x|unit("%") }}` → `78.4%`; `{{ x|unit("min") }}` → `5.87 min`.
fn unit(
    lang: Language,
    v: Value,
    unit: Option<String>,
    kwargs: Kwargs,
) -> Result<String, minijinja::Error> {
    let d = digits(&kwargs)?;
    let Some(n) = as_number(&v) else {
        return Ok("—".to_owned());
    };
    Ok(match unit.as_deref().unwrap_or("") {
        "%" => format!("{}{}", i18n::number(lang, n, d), percent(lang)),
        "" | "count" | "score" => {
            i18n::number(lang, n, d.or(if n.fract() == 0.0 { Some(0) } else { None }))
        }
        u => format!("{} {u}", i18n::number(lang, n, d)),
    })
}

/// A signed change: `+1.2 pts` for percentages, `−0.25 min`.
fn delta(
    lang: Language,
    v: Value,
    unit: Option<String>,
    kwargs: Kwargs,
) -> Result<String, minijinja::Error> {
    let d = digits(&kwargs)?;
    Ok(as_number(&v).map_or_else(
        || "—".to_owned(),
        |n| difference(lang, n, unit.as_deref(), d, true),
    ))
}

/// A distance between two values, unsigned: `5.0 pts`, `1.20 min`.
fn amount(
    lang: Language,
    v: Value,
    unit: Option<String>,
    kwargs: Kwargs,
) -> Result<String, minijinja::Error> {
    let d = digits(&kwargs)?;
    Ok(as_number(&v).map_or_else(
        || "—".to_owned(),
        |n| difference(lang, n, unit.as_deref(), d, false),
    ))
}

/// Differences of percentages are percentage points, not percent: `pts`,
/// and the Spanish `p. p.` (puntos porcentuales).
fn difference(
    lang: Language,
    n: f64,
    unit: Option<&str>,
    digits: Option<usize>,
    signed: bool,
) -> String {
    let body = i18n::number(lang, n, digits);
    let rounds_to_zero = body.trim_start_matches(['0', '.', ',']).is_empty();
    let body = if signed && !body.starts_with('−') && !rounds_to_zero {
        format!("+{body}")
    } else {
        body
    };
    let points = match lang {
        Language::En => "pts",
        Language::Es => "p.\u{a0}p.",
    };
    match unit.unwrap_or("") {
        "%" => format!("{body} {points}"),
        "" | "count" | "score" => body,
        u => format!("{body} {u}"),
    }
}

/// A share from 0 to 1 as a percentage: `0.452` → `45%`.
fn pct(lang: Language, v: Value) -> String {
    as_number(&v).map_or_else(
        || "—".to_owned(),
        |n| {
            format!(
                "{}{}",
                i18n::number(lang, n * 100.0, Some(0)),
                percent(lang)
            )
        },
    )
}

/// An amount in the plan's currency: `12,000 EUR`, `12.000 EUR`.
fn money(lang: Language, v: Value, currency: Option<String>) -> String {
    as_number(&v).map_or_else(
        || "—".to_owned(),
        |n| {
            format!(
                "{} {}",
                i18n::number(lang, n, Some(0)),
                currency.unwrap_or_default()
            )
            .trim_end()
            .to_owned()
        },
    )
}

/// A p-value as a sentence gives it: `0.042`, and `< 0.001` below that.
fn pvalue(lang: Language, v: Value) -> String {
    match as_number(&v) {
        None => "—".to_owned(),
        Some(p) if p < 0.001 => format!("< {}", i18n::number(lang, 0.001, Some(3))),
        Some(p) => i18n::number(lang, p, Some(3)),
    }
}

/// An ISO date for people: `2026-10-31` → `31 Oct 2026`, `31 oct 2026`.
/// Anything else, such as a period label (`2026-W44`), is left as it is:
/// period labels are the same in every language.
fn date(lang: Language, v: Value) -> String {
    if v.is_none() || v.is_undefined() {
        return "—".to_owned();
    }
    let text = v.to_string();
    match text.parse::<jiff::civil::Date>() {
        Ok(d) if text.len() == 10 => i18n::date(lang, d),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(format_number(2034.4, None), "2,034");
        assert_eq!(format_number(78.44, None), "78.4");
        assert_eq!(format_number(5.871, None), "5.87");
        assert_eq!(format_number(-0.001, Some(1)), "0.0");
        assert_eq!(format_number(-1234567.0, Some(0)), "−1,234,567");
    }

    fn render(lang: Language) -> impl Fn(&str) -> String {
        let mut env = Environment::new();
        add_filters(&mut env, lang);
        let strings = [("Our own {x}".to_owned(), "Lo nuestro: {x}".to_owned())].into();
        add_translations(&mut env, &Catalog::new(lang, &strings).expect("catalogue"));
        // Named .html, so that autoescaping is on as it is for the site.
        move |src: &str| {
            env.template_from_named_str("test.html", src)
                .and_then(|t| t.render(context! { v => "<b>" }))
                .expect("renders")
        }
    }

    #[test]
    fn filters_in_english() {
        let r = render(Language::En);
        assert_eq!(r("{{ 78.44|unit('%') }}"), "78.4%");
        assert_eq!(r("{{ 5.871|unit('min') }}"), "5.87 min");
        assert_eq!(r("{{ 2034|unit('count') }}"), "2,034");
        assert_eq!(r("{{ 1.23|delta('%') }}"), "+1.23 pts");
        assert_eq!(r("{{ -0.25|delta('min') }}"), "−0.25 min");
        assert_eq!(r("{{ none|delta('min') }}"), "—");
        assert_eq!(r("{{ 0.452|pct }}"), "45%");
        assert_eq!(r("{{ 4|num }}"), "4");
        assert_eq!(r("{{ 12034.6|num }}"), "12,035");
        assert_eq!(r("{{ 5.0|amount('%') }}"), "5.00 pts");
        assert_eq!(r("{{ 12000|money('EUR') }}"), "12,000 EUR");
        assert_eq!(r("{{ '2026-10-31'|date }}"), "31 Oct 2026");
        assert_eq!(
            r("{{ '2026-W44'|date }} {{ '2026-10'|date }}"),
            "2026-W44 2026-10"
        );
        assert_eq!(
            r("{{ 0.0421|pvalue }} {{ 0.00001|pvalue }}"),
            "0.042 &lt; 0.001"
        );
    }

    #[test]
    fn filters_in_spanish() {
        let r = render(Language::Es);
        assert_eq!(r("{{ 78.44|unit('%') }}"), "78,4\u{a0}%");
        assert_eq!(r("{{ 5.871|unit('min') }}"), "5,87 min");
        assert_eq!(r("{{ 2034|unit('count') }}"), "2034");
        assert_eq!(r("{{ 12034|num }}"), "12.034");
        assert_eq!(r("{{ 1.23|delta('%', digits=1) }}"), "+1,2 p.\u{a0}p.");
        assert_eq!(r("{{ -0.25|delta('min') }}"), "−0,25 min");
        assert_eq!(r("{{ 0.001|delta('min', digits=1) }}"), "0,0 min");
        assert_eq!(r("{{ 0.452|pct }}"), "45\u{a0}%");
        assert_eq!(r("{{ 5.0|amount('%') }}"), "5,00 p.\u{a0}p.");
        assert_eq!(r("{{ 12000|money('EUR') }}"), "12.000 EUR");
        assert_eq!(r("{{ '2026-10-31'|date }}"), "31 oct 2026");
        assert_eq!(r("{{ '2026-W44'|date }}"), "2026-W44");
        assert_eq!(
            r("{{ 0.0421|pvalue }} {{ 0.00001|pvalue }}"),
            "0,042 &lt; 0,001"
        );
    }

    #[test]
    fn translations_are_text() {
        let es = render(Language::Es);
        assert_eq!(es("{{ t('KPIs') }}"), "Indicadores clave");
        assert_eq!(
            es("{{ tn('{n} warning', '{n} warnings', 12034) }}"),
            "12.034 avisos"
        );
        assert_eq!(es("{{ tn('{n} warning', '{n} warnings', 1) }}"), "1 aviso");
        // A plan's own string, with an argument from the data: still escaped.
        assert_eq!(es("{{ t('Our own {x}', x=v) }}"), "Lo nuestro: &lt;b&gt;");
        let en = render(Language::En);
        assert_eq!(
            en("{{ t('Data as of {date}', date=v) }}"),
            "Data as of &lt;b&gt;"
        );
        let mut env = Environment::new();
        add_translations(
            &mut env,
            &Catalog::new(Language::En, &BTreeMap::new()).expect("en"),
        );
        let err = env
            .render_str("{{ t('{met} of {total}', met=1) }}", context! {})
            .expect_err("a missing argument is an error");
        assert!(
            err.to_string().contains("needs an argument total=…"),
            "{err}"
        );
    }
}
