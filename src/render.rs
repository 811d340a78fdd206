//! Templates: the minijinja environment, the filters that format numbers for
//! people, and rendering every page view into a file.
//!
//! The built-in templates in `templates/` are compiled into the binary. A
//! plan's own `templates/` folder overrides any of them by file name, so a
//! team can restyle its site without forking the tool.

use std::path::{Component, Path, PathBuf};

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, ErrorKind, UndefinedBehavior, context};
use serde::Serialize;

use crate::Plan;
use crate::analytics::Report;
use crate::diag::{Diagnostic, Severity};
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
    ("style.css", include_str!("../templates/style.css")),
];

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
}

impl Renderer {
    /// An environment whose templates come from `overrides` first, then the built-ins.
    pub fn new(overrides: &Path) -> anyhow::Result<Renderer> {
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
        env.add_filter("num", num);
        env.add_filter("unit", unit);
        env.add_filter("delta", delta);
        env.add_filter("amount", amount);
        env.add_filter("pct", pct);
        env.add_filter("money", money);
        Ok(Renderer { env })
    }

    /// Renders every page, plus the stylesheet.
    pub fn render_all(
        &self,
        plan: &Plan,
        report: &Report,
        pages: &[PageView],
    ) -> Result<Vec<OutFile>, Diagnostic> {
        let site = SiteView {
            title: plan.config.title.clone(),
            base_url: plan.config.base_url.clone(),
            language: plan.config.language,
            currency: plan.config.currency.clone(),
            as_of: report.as_of.to_string(),
            trend: format!("{:?}", report.trend).to_lowercase(),
            nav: nav(plan),
            generator: concat!("cxreport ", env!("CARGO_PKG_VERSION")),
        };
        let site = Value::from(minijinja::value::Serde(&site));
        let mut files = Vec::with_capacity(pages.len() + 1);
        for page in pages {
            let tmpl = self
                .env
                .get_template(page.template)
                .map_err(template_error)?;
            let ctx = context! {
                site => site.clone(),
                page => context! { url => page.url.clone(), title => page.title.clone() },
                ..page.context.clone()
            };
            let html = tmpl.render(ctx).map_err(template_error)?;
            files.push(OutFile {
                path: format!("{}index.html", page.url),
                bytes: html.into_bytes(),
            });
        }
        let css = self.env.get_template("style.css").map_err(template_error)?;
        files.push(OutFile {
            path: "static/style.css".to_owned(),
            bytes: css.source().as_bytes().to_vec(),
        });
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
/// `2,034`, `78.4`, `5.87`. Nothing (`—`) when there is no value.
pub fn format_number(v: f64, decimals: Option<usize>) -> String {
    let decimals = decimals.unwrap_or(match v.abs() {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        _ => 2,
    });
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    // "-0.0" reads as a negative; a value that rounds to zero has no sign.
    let negative = v < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    let sign = if negative { "−" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
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

/// `{{ x|num }}`, `{{ x|num(digits=1) }}`. Integers (counts) get no decimals.
fn num(v: Value, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let d = digits(&kwargs)?.or(if v.is_integer() { Some(0) } else { None });
    Ok(as_number(&v).map_or_else(|| "—".to_owned(), |n| format_number(n, d)))
}

/// `{{ x|unit("%") }}` → `78.4%`; `{{ x|unit("min") }}` → `5.87 min`.
fn unit(v: Value, unit: Option<String>, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let d = digits(&kwargs)?;
    let Some(n) = as_number(&v) else {
        return Ok("—".to_owned());
    };
    Ok(match unit.as_deref().unwrap_or("") {
        "%" => format!("{}%", format_number(n, d)),
        "" | "count" | "score" => {
            format_number(n, d.or(if n.fract() == 0.0 { Some(0) } else { None }))
        }
        u => format!("{} {u}", format_number(n, d)),
    })
}

/// A signed change: `+1.2 pts` for percentages, `−0.25 min`.
fn delta(v: Value, unit: Option<String>, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let d = digits(&kwargs)?;
    Ok(as_number(&v).map_or_else(
        || "—".to_owned(),
        |n| difference(n, unit.as_deref(), d, true),
    ))
}

/// A distance between two values, unsigned: `5.0 pts`, `1.20 min`.
fn amount(v: Value, unit: Option<String>, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let d = digits(&kwargs)?;
    Ok(as_number(&v).map_or_else(
        || "—".to_owned(),
        |n| difference(n, unit.as_deref(), d, false),
    ))
}

/// Differences of percentages are percentage points, not percent.
fn difference(n: f64, unit: Option<&str>, digits: Option<usize>, signed: bool) -> String {
    let body = format_number(n, digits);
    let rounds_to_zero = body.trim_start_matches(['0', '.', ',']).is_empty();
    let body = if signed && !body.starts_with('−') && !rounds_to_zero {
        format!("+{body}")
    } else {
        body
    };
    match unit.unwrap_or("") {
        "%" => format!("{body} pts"),
        "" | "count" | "score" => body,
        u => format!("{body} {u}"),
    }
}

/// A share from 0 to 1 as a percentage: `0.452` → `45%`.
fn pct(v: Value) -> String {
    as_number(&v).map_or_else(
        || "—".to_owned(),
        |n| format!("{}%", format_number(n * 100.0, Some(0))),
    )
}

/// An amount in the plan's currency: `12,000 EUR`.
fn money(v: Value, currency: Option<String>) -> String {
    as_number(&v).map_or_else(
        || "—".to_owned(),
        |n| {
            format!(
                "{} {}",
                format_number(n, Some(0)),
                currency.unwrap_or_default()
            )
            .trim_end()
            .to_owned()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(format_number(2034.4, None), "2,034");
        assert_eq!(format_number(78.44, None), "78.4");
        assert_eq!(format_number(5.871, None), "5.87");
        assert_eq!(format_number(-0.001, Some(1)), "0.0");
        assert_eq!(format_number(-1234567.0, Some(0)), "−1,234,567");
    }

    #[test]
    fn filters() {
        let env = {
            let mut env = Environment::new();
            env.add_filter("unit", unit);
            env.add_filter("delta", delta);
            env.add_filter("amount", amount);
            env.add_filter("num", num);
            env.add_filter("pct", pct);
            env
        };
        let r = |src: &str| env.render_str(src, context! {}).expect("renders");
        assert_eq!(r("{{ 78.44|unit('%') }}"), "78.4%");
        assert_eq!(r("{{ 5.871|unit('min') }}"), "5.87 min");
        assert_eq!(r("{{ 2034|unit('count') }}"), "2,034");
        assert_eq!(r("{{ 1.23|delta('%') }}"), "+1.23 pts");
        assert_eq!(r("{{ -0.25|delta('min') }}"), "−0.25 min");
        assert_eq!(r("{{ none|delta('min') }}"), "—");
        assert_eq!(r("{{ 0.452|pct }}"), "45%");
        assert_eq!(r("{{ 4|num }}"), "4");
        assert_eq!(r("{{ 5.0|amount('%') }}"), "5.00 pts");
    }
}
