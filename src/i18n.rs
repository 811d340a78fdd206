//! The message catalogue: every fixed text of the site in the plan's
//! language, and numbers and dates written the way that language writes them.
//!
//! Keys are the English texts themselves, gettext style, so templates stay
//! readable (`{{ t("Headline KPIs") }}`), English needs no table, and a text
//! nobody translated yet shows in English instead of as a code. Spanish is the
//! compiled-in `i18n/es.toml`; a plan's `[strings]` table overrides or adds to
//! it. A text may hold `{name}` placeholders, filled from named arguments the
//! caller has already formatted: the catalogue substitutes text, and the only
//! number it writes itself is the count of a plural.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use jiff::civil::Date;

use crate::config::Language;

/// The Spanish table, parsed once. A broken table is a bug of this crate,
/// which the unit tests catch; a build still reports it instead of panicking.
static ES: LazyLock<Result<HashMap<String, Entry>, String>> =
    LazyLock::new(|| toml::from_str(include_str!("i18n/es.toml")).map_err(|e| e.to_string()));

/// A built-in translation: a text, or for a plural (keyed by its English
/// singular) the singular and the plural, since English may use one word
/// for both (`{n} improved`) where Spanish needs two.
#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum Entry {
    Text(String),
    Plural([String; 2]),
}

impl Entry {
    fn text(&self) -> &str {
        match self {
            Entry::Text(text) | Entry::Plural([text, _]) => text,
        }
    }
}

/// Translates texts into one language.
#[derive(Debug, Clone)]
pub struct Catalog {
    language: Language,
    builtin: Option<&'static HashMap<String, Entry>>,
    /// The plan's own `[strings]`, which win over the built-in table.
    plan: BTreeMap<String, String>,
}

impl Catalog {
    /// The catalogue of `language`, with the plan's own strings on top.
    pub fn new(language: Language, plan: &BTreeMap<String, String>) -> anyhow::Result<Catalog> {
        let builtin = match language {
            Language::En => None,
            Language::Es => Some(
                ES.as_ref()
                    .map_err(|e| anyhow::anyhow!("the built-in Spanish catalogue: {e}"))?,
            ),
        };
        Ok(Catalog {
            language,
            builtin,
            plan: plan.clone(),
        })
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The text for `key`: the plan's, else the built-in translation, else the key.
    pub fn lookup<'a>(&'a self, key: &'a str) -> &'a str {
        self.plan
            .get(key)
            .map(String::as_str)
            .or_else(|| self.builtin.and_then(|t| t.get(key)).map(Entry::text))
            .unwrap_or(key)
    }

    /// The form of a plural for `n`, translated. Both English and Spanish use
    /// the singular for exactly one and the plural otherwise (`0 avisos`).
    /// A plan's `[strings]` override each English form by its own key.
    pub fn plural<'a>(&'a self, one: &'a str, other: &'a str, n: f64) -> &'a str {
        let singular = n == 1.0;
        let key = if singular { one } else { other };
        if let Some(text) = self.plan.get(key) {
            return text;
        }
        match self.builtin.and_then(|t| t.get(one)) {
            Some(Entry::Plural([one, other])) => {
                if singular {
                    one
                } else {
                    other
                }
            }
            _ => self.lookup(key),
        }
    }

    /// Translates `key` and fills its placeholders from `args`, for texts
    /// that Rust code puts on pages. A placeholder with no argument stays.
    pub fn t(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill_lenient(self.lookup(key), |name| {
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    /// The plural of `one`/`other` for the count `n`, translated, with
    /// `{n}` written the language's way and the other placeholders filled
    /// from `args`.
    pub fn tn(&self, one: &str, other: &str, n: usize, args: &[(&str, &str)]) -> String {
        let count = number(self.language, n as f64, Some(0));
        fill_lenient(self.plural(one, other, n as f64), |name| {
            if name == "n" {
                return Some(count.clone());
            }
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    /// A [`Text`] in this language, its figures written the language's way.
    pub fn text(&self, text: &Text) -> String {
        fill_lenient(self.lookup(text.key), |name| {
            text.arg(name).map(|a| a.render(Some(self.language)))
        })
    }
}

/// Fills the `{name}` placeholders of `text`. `Err` names the first
/// placeholder `arg` has no value for. Braces around anything other than a
/// name (`{ }`, `{1,2}`) are kept as they are.
pub fn fill(text: &str, mut arg: impl FnMut(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with('}') {
            let name = &after[..name_len];
            out.push_str(&arg(name).ok_or_else(|| name.to_owned())?);
            rest = &after[name_len + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// [`fill`] that leaves a placeholder with no value as it is.
fn fill_lenient(text: &str, arg: impl Fn(&str) -> Option<String>) -> String {
    fill(text, |name| {
        Some(arg(name).unwrap_or_else(|| format!("{{{name}}}")))
    })
    .unwrap_or_else(|_| text.to_owned())
}

/// A sentence built by Rust code with its figures kept apart, so that it can
/// be written in English for `cxreport check` and `api/report.json` and in
/// the plan's language on the site.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The English text with `{name}` placeholders: the catalogue key.
    pub key: &'static str,
    args: Vec<(&'static str, Arg)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Text(String),
    /// A figure with its decimals and its unit (`%`, `min`, or none).
    Number(f64, usize, String),
    Date(Date),
}

impl Arg {
    /// `None` writes the figure plainly, as the English messages always did
    /// (`95.0 %`, `2026-10-31`); `Some` writes it the language's way.
    fn render(&self, language: Option<Language>) -> String {
        match (self, language) {
            (Arg::Text(s), _) => s.clone(),
            (Arg::Number(v, d, unit), None) => with_unit(format!("{v:.d$}"), unit, " "),
            (Arg::Number(v, d, unit), Some(l)) => {
                // As the `unit` filter writes them on the same page: `83.9%`, `83,9 %`.
                let space = if l == Language::Es { "\u{a0}" } else { "" };
                with_unit(number(l, *v, Some(*d)), unit, space)
            }
            (Arg::Date(d), None) => d.to_string(),
            (Arg::Date(d), Some(l)) => date(l, *d),
        }
    }
}

fn with_unit(number: String, unit: &str, percent_space: &str) -> String {
    match unit {
        "" => number,
        "%" => format!("{number}{percent_space}%"),
        u => format!("{number} {u}"),
    }
}

impl Text {
    pub fn new(key: &'static str) -> Text {
        Text {
            key,
            args: Vec::new(),
        }
    }

    /// Adds a text argument: a name, an id, a period label.
    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Text {
        self.args.push((name, Arg::Text(value.into())));
        self
    }

    /// Adds a figure, written with `decimals` decimals and `unit` after it.
    pub fn number(mut self, name: &'static str, value: f64, decimals: usize, unit: &str) -> Text {
        self.args
            .push((name, Arg::Number(value, decimals, unit.to_owned())));
        self
    }

    pub fn date(mut self, name: &'static str, value: Date) -> Text {
        self.args.push((name, Arg::Date(value)));
        self
    }

    fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }

    /// The English sentence with plain figures.
    pub fn english(&self) -> String {
        fill_lenient(self.key, |name| self.arg(name).map(|a| a.render(None)))
    }
}

/// A number with thousands separators and a precision that suits its size:
/// `2,034`, `78.4`, `5.87` in English; `2034`, `12.034`, `78,4` in Spanish,
/// which (CLDR's minimum grouping digits) groups only from five digits on.
///
/// Infinity and NaN are written `—`, as a missing figure: no page shows
/// `inf` or `NaN` (issue 14).
pub fn number(language: Language, v: f64, decimals: Option<usize>) -> String {
    if !v.is_finite() {
        return "—".to_owned();
    }
    let decimals = decimals.unwrap_or(match v.abs() {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        _ => 2,
    });
    let (group, point, min_digits) = match language {
        Language::En => (',', '.', 4),
        Language::Es => ('.', ',', 5),
    };
    // A template may ask for any number of digits; past 17 an f64 has no
    // more to give, and past 65,535 `format!` panics.
    let text = format!("{:.*}", decimals.min(17), v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    // "-0.0" reads as a negative; a value that rounds to zero has no sign.
    if v < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('−');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && int.len() >= min_digits && (int.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    out
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// CLDR's abbreviated month names for `es` (`sept` since CLDR 38).
const MONTHS_ES: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
];

/// A date for people: `31 Oct 2026`, `31 oct 2026`.
pub fn date(language: Language, d: Date) -> String {
    let months = match language {
        Language::En => &MONTHS_EN,
        Language::Es => &MONTHS_ES,
    };
    let month = months[usize::try_from(d.month() - 1).unwrap_or(0)];
    format!("{} {month} {}", d.day(), d.year())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn spanish(strings: &[(&str, &str)]) -> Catalog {
        let plan = strings
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Catalog::new(Language::Es, &plan).expect("the Spanish table parses")
    }

    #[test]
    fn english_is_the_key_and_spanish_the_table() {
        let en = Catalog::new(Language::En, &BTreeMap::new()).expect("English");
        assert_eq!(en.lookup("Alerts"), "Alerts");
        assert_eq!(spanish(&[]).lookup("Alerts"), "Alertas");
        assert_eq!(spanish(&[]).lookup("Not in any table"), "Not in any table");
    }

    #[test]
    fn plan_strings_win_and_add() {
        let es = spanish(&[("Alerts", "Avisos"), ("Our own", "Lo nuestro")]);
        assert_eq!(es.lookup("Alerts"), "Avisos");
        assert_eq!(es.lookup("Our own"), "Lo nuestro");
    }

    #[test]
    fn placeholders_and_plurals() {
        let es = spanish(&[]);
        let args = [("met", "3"), ("total", "5")];
        assert_eq!(
            es.t("{met} of {total} findings meet their target", &args),
            "3 de 5 hallazgos cumplen su objetivo"
        );
        assert_eq!(es.plural("{n} warning", "{n} warnings", 1.0), "{n} aviso");
        assert_eq!(es.plural("{n} warning", "{n} warnings", 0.0), "{n} avisos");
        // One English word for both forms, two Spanish ones.
        assert_eq!(
            es.plural("{n} a concern", "{n} a concern", 2.0),
            "{n} preocupan"
        );
        let own = spanish(&[("{n} warnings", "{n} alertas leves")]);
        assert_eq!(
            own.plural("{n} warning", "{n} warnings", 3.0),
            "{n} alertas leves"
        );
        assert_eq!(own.plural("{n} warning", "{n} warnings", 1.0), "{n} aviso");
        let f = |t: &str| fill(t, |n| (n == "a").then(|| "<x>".to_owned()));
        assert_eq!(f("{a} and {b}"), Err("b".to_owned()));
        assert_eq!(
            f("{a}, { a }, {1,2} {"),
            Ok("<x>, { a }, {1,2} {".to_owned())
        );
    }

    #[test]
    fn texts_are_plain_in_english_and_localised_on_the_site() {
        let text = Text::new("{metric}{filter} was {value} in {period}, below {limit}.")
            .text("metric", "SLA")
            .text("filter", "")
            .number("value", 1234.56, 1, "%")
            .text("period", "2026-W44")
            .number("limit", 90.0, 1, "%");
        assert_eq!(
            text.english(),
            "SLA was 1234.6 % in 2026-W44, below 90.0 %."
        );
        assert_eq!(
            spanish(&[]).text(&text),
            "SLA marcó 1234,6\u{a0}% en 2026-W44, por debajo de 90,0\u{a0}%."
        );
        let due = Text::new("{d}").date("d", jiff::civil::date(2026, 9, 1));
        assert_eq!(due.english(), "2026-09-01");
        assert_eq!(spanish(&[]).text(&due), "1 sept 2026");
    }

    /// The string literal at the start of `s` (after blanks), and what follows it.
    fn literal(s: &str) -> Option<(String, &str)> {
        let s = s.trim_start();
        let quote = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let mut out = String::new();
        let mut chars = s[1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => out.extend(chars.next().map(|(_, c)| c)),
                c if c == quote => return Some((out, &s[1 + i + 1..])),
                c => out.push(c),
            }
        }
        None
    }

    /// The keys of every `t("…")`, `tn("…", "…", …)` and `Text::new("…")` in
    /// `code`; a plural's two English forms as one key, joined by `|`.
    fn keys_in(code: &str, out: &mut BTreeSet<String>) {
        for call in ["t(", "tn(", "tr(", "Text::new(", "Column::fixed("] {
            for (at, _) in code.match_indices(call) {
                let before = code[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let Some((key, rest)) = literal(&code[at + call.len()..]) else {
                    continue;
                };
                if call == "tn(" {
                    let other = rest.trim_start().strip_prefix(',').and_then(literal);
                    out.insert(format!(
                        "{key}|{}",
                        other.map(|(k, _)| k).unwrap_or_default()
                    ));
                } else {
                    out.insert(key);
                }
            }
        }
    }

    /// Every key the built-in templates and the crate's code (outside
    /// comments and tests) use.
    fn keys_in_use() -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        for (_, source) in crate::render::BUILTIN {
            keys_in(source, &mut keys);
        }
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for entry in walkdir::WalkDir::new(src) {
            let path = entry.expect("readable source tree").into_path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let code = std::fs::read_to_string(&path).expect("readable source");
            let code = code.split("#[cfg(test)]").next().unwrap_or_default();
            let code: String = code
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            keys_in(&code, &mut keys);
        }
        keys
    }

    /// The catalogue cannot drift: every text a template or the code shows
    /// has a Spanish entry, and every entry is still shown somewhere.
    #[test]
    fn every_text_in_use_is_translated_and_every_translation_used() {
        let table = ES.as_ref().expect("es.toml parses");
        let used = keys_in_use();
        let mut missing = Vec::new();
        let mut keys = BTreeSet::new();
        for key in &used {
            match key.split_once('|') {
                Some((one, _)) if !matches!(table.get(one), Some(Entry::Plural(_))) => {
                    missing.push(format!("{one:?} = [\"\", \"\"]"));
                }
                Some((one, _)) => {
                    keys.insert(one.to_owned());
                }
                None if matches!(table.get(key), Some(Entry::Text(_))) => {
                    keys.insert(key.clone());
                }
                None => missing.push(format!("{key:?} = \"\"")),
            }
        }
        let unused: Vec<&String> = table.keys().filter(|k| !keys.contains(*k)).collect();
        assert!(
            missing.is_empty() && unused.is_empty(),
            "texts with no entry in src/i18n/es.toml:\n{}\n\nentries no template or code uses:\n{}",
            missing.join("\n"),
            unused
                .iter()
                .map(|k| format!("{k:?}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }

    /// A translation can drop a placeholder (`Última semana` for `Last {n}
    /// week`) but never invent one, which would have no value to fill it.
    #[test]
    fn translations_use_only_their_keys_placeholders() {
        let names = |text: &str| {
            let mut found = BTreeSet::new();
            let _ = fill(text, |name| {
                found.insert(name.to_owned());
                Some(String::new())
            });
            found
        };
        for (key, entry) in ES.as_ref().expect("es.toml parses") {
            let texts = match entry {
                Entry::Text(text) => vec![text],
                Entry::Plural(forms) => forms.iter().collect(),
            };
            for text in texts {
                let extra: Vec<String> = names(text).difference(&names(key)).cloned().collect();
                assert!(extra.is_empty(), "{key:?} = {text:?} adds {extra:?}");
            }
        }
    }

    #[test]
    fn numbers_and_dates_per_language() {
        use Language::{En, Es};
        assert_eq!(number(En, 2034.4, None), "2,034");
        assert_eq!(number(Es, 2034.4, None), "2034");
        assert_eq!(number(Es, 12034.0, None), "12.034");
        assert_eq!(number(Es, -1234567.0, Some(0)), "−1.234.567");
        assert_eq!(number(Es, 78.44, None), "78,4");
        assert_eq!(number(Es, -0.001, Some(1)), "0,0");
        let d = jiff::civil::date(2026, 10, 31);
        assert_eq!(date(En, d), "31 Oct 2026");
        assert_eq!(date(Es, d), "31 oct 2026");
    }
}
