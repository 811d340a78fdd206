//! The filters and functions templates format with: numbers, amounts,
//! differences, percentages, p-values and dates written the way the plan's
//! language writes them (`num`, `unit`, `delta`, `amount`, `pct`, `money`,
//! `pvalue`, `date`), the texts of the catalogue (`t`, `tn`), and links
//! to the site's pages (`href`).

use std::sync::Arc;

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, ErrorKind};

use crate::config::Language;
use crate::i18n::{self, Catalog};

/// A number with thousands separators and a precision that suits its size:
/// `2,034`, `78.4`, `5.87`, in English; see [`i18n::number`] for others.
pub fn format_number(v: f64, decimals: Option<usize>) -> String {
    i18n::number(Language::En, v, decimals)
}

/// Registers the filters that write numbers and dates for people, in `lang`.
pub(super) fn add_filters(env: &mut Environment<'static>, lang: Language) {
    env.add_filter("num", move |v: Value, kw: Kwargs| num(lang, v, kw));
    env.add_filter("unit", move |v: Value, u: Option<String>, kw: Kwargs| {
        unit(lang, v, u, kw)
    });
    env.add_filter("delta", move |v: Value, u: Option<String>, kw: Kwargs| {
        change(lang, v, u, kw, true)
    });
    env.add_filter("amount", move |v: Value, u: Option<String>, kw: Kwargs| {
        change(lang, v, u, kw, false)
    });
    env.add_filter("pct", move |v: Value| pct(lang, v));
    env.add_filter("money", move |v: Value, c: Option<String>| {
        money(lang, v, c)
    });
    env.add_filter("date", move |v: Value| date(lang, v));
    env.add_filter("pvalue", move |v: Value| pvalue(lang, v));
    env.add_filter("p_is", move |v: Value| p_is(lang, v));
    env.add_filter("href", href);
}

/// `{{ card.url|href }}`: a site path as a link from the page being
/// rendered, relative to it ([`crate::url::href`]) with the `site.root` each
/// page's context carries. A message (the digest's HTML part) has no page
/// and no root: its links are `base_url` and the path, as before. The link
/// comes escaped for an attribute, but with its `/` as they are (autoescape
/// writes `&#x2f;`), so that the pages read as they link.
fn href(state: &minijinja::State, path: &str) -> Value {
    Value::from_safe_string(super::escape_html(&link(state, path)))
}

fn link(state: &minijinja::State, path: &str) -> String {
    let site = state.lookup("site").unwrap_or_default();
    let text = |key: &str| {
        site.get_attr(key)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
    };
    match text("root") {
        Some(root) => crate::url::href(&root, path),
        None => format!("{}{path}", text("base_url").unwrap_or_default()),
    }
}

/// Registers `t(key, **args)` and `tn(one, other, n, **args)`. What they
/// return is plain text, which autoescaping escapes like any other value, so
/// neither a translation nor an argument can inject markup.
pub(super) fn add_translations(env: &mut Environment<'static>, catalog: &Catalog) {
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

/// A value as a number to show, or `None` for "—". Infinity and NaN are
/// never shown: the loaders keep every figure finite (issue 14), and this
/// is the last line of defence should a computation still make one.
fn as_number(v: &Value) -> Option<f64> {
    if v.is_none() || v.is_undefined() {
        return None;
    }
    f64::try_from(v.clone()).ok().filter(|n| n.is_finite())
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

/// `delta`, a signed change (`+1.2 pts` for percentages, `−0.25 min`), and
/// `amount`, a distance between two values, unsigned (`5.0 pts`, `1.20 min`).
fn change(
    lang: Language,
    v: Value,
    unit: Option<String>,
    kwargs: Kwargs,
    signed: bool,
) -> Result<String, minijinja::Error> {
    let d = digits(&kwargs)?;
    Ok(as_number(&v).map_or_else(
        || "—".to_owned(),
        |n| difference(lang, n, unit.as_deref(), d, signed),
    ))
}

/// Differences of percentages are percentage points, not percent: `pts`,
/// and the Spanish `pp` (puntos porcentuales; not `p. p.`, whose stop would
/// double the one that ends a sentence).
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
        Language::Es => "pp",
    };
    match unit.unwrap_or("") {
        "%" => format!("{body} {points}"),
        "" | "count" | "score" => body,
        u => format!("{body} {u}"),
    }
}

/// A share from 0 to 1 as a percentage: `0.452` → `45%`.
fn pct(lang: Language, v: Value) -> String {
    as_number(&v)
        .map(|n| n * 100.0)
        .filter(|n| n.is_finite())
        .map_or_else(
            || "—".to_owned(),
            |n| format!("{}{}", i18n::number(lang, n, Some(0)), percent(lang)),
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

/// A p-value after "p" in a sentence: `= 0.042`, or `< 0.001`.
fn p_is(lang: Language, v: Value) -> String {
    match as_number(&v) {
        Some(p) if p >= 0.001 => format!("= {}", pvalue(lang, v)),
        _ => pvalue(lang, v),
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

    use minijinja::context;

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

    /// Issue 14: sums that overflowed were shown as `inf` and `NaN%`.
    #[test]
    fn no_filter_writes_infinity_or_nan() {
        let mut env = Environment::new();
        add_filters(&mut env, Language::En);
        let all = "{{ x|num }} {{ x|unit('%') }} {{ x|unit }} {{ x|delta('%') }} \
                   {{ x|amount('min') }} {{ x|pct }} {{ x|money('EUR') }} {{ x|pvalue }} {{ x|p_is }}";
        for x in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            let out = env.render_str(all, context! { x }).expect("renders");
            assert_eq!(out, ["—"; 9].join(" "), "{x}");
        }
        // Finite, but a percentage of it is not.
        let out = env
            .render_str("{{ x|pct }}", context! { x => 1e307 })
            .expect("renders");
        assert_eq!(out, "—");
    }

    #[test]
    fn filters_in_spanish() {
        let r = render(Language::Es);
        assert_eq!(r("{{ 78.44|unit('%') }}"), "78,4\u{a0}%");
        assert_eq!(r("{{ 5.871|unit('min') }}"), "5,87 min");
        assert_eq!(r("{{ 2034|unit('count') }}"), "2034");
        assert_eq!(r("{{ 12034|num }}"), "12.034");
        assert_eq!(r("{{ 1.23|delta('%', digits=1) }}"), "+1,2 pp");
        assert_eq!(r("{{ -0.25|delta('min') }}"), "−0,25 min");
        assert_eq!(r("{{ 0.001|delta('min', digits=1) }}"), "0,0 min");
        assert_eq!(r("{{ 0.452|pct }}"), "45\u{a0}%");
        assert_eq!(r("{{ 5.0|amount('%') }}"), "5,00 pp");
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
