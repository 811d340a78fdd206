//! Reading TOML files record by record, so that one file reports all of its
//! problems at once.
//!
//! serde stops at the first error of a document. A plan file is mostly a list
//! of records (`[[metric]]`, `[[finding]]`, …), so we parse the file into
//! toml's spanned tree first, check every record's keys against the fields of
//! the struct it becomes (all unknown keys reported, with a "did you mean"
//! hint), and deserialize each record on its own. A record that fails is
//! reported and skipped; the others still load and are cross-checked.

use serde::de::{self, DeserializeOwned, Visitor};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::diag::{Diagnostics, Pos, Source, did_you_mean, hint};

/// A TOML value with its place in the file.
pub type Node<'a> = Spanned<DeValue<'a>>;

/// One TOML file being read: its text and where its problems go.
pub struct TomlFile<'s> {
    pub src: &'s Source,
    pub diags: &'s mut Diagnostics,
    /// Where the numbers refused by [`TomlFile::parse`] start, so that
    /// serde's own complaint about one (`1e999` overflows) is not a second
    /// error at the same place.
    refused: Vec<usize>,
}

impl<'s> TomlFile<'s> {
    pub fn new(src: &'s Source, diags: &'s mut Diagnostics) -> Self {
        TomlFile {
            src,
            diags,
            refused: Vec::new(),
        }
    }

    /// The whole document as one table, or `None` (reported) when it is not valid TOML.
    pub fn parse(&mut self) -> Option<Node<'s>> {
        match DeTable::parse(&self.src.text) {
            Ok(table) => {
                let span = table.span();
                let root = Spanned::new(span, DeValue::Table(table.into_inner()));
                self.check_numbers(&root);
                Some(root)
            }
            Err(e) => {
                // TOML ends lines in LF or CR LF only; a file saved with
                // lone CRs (old Mac editors) is told so at its first.
                let text = self.src.text.as_bytes();
                let lone_cr =
                    memchr::memchr_iter(b'\r', text).find(|&i| text.get(i + 1) != Some(&b'\n'));
                match lone_cr {
                    Some(at) if e.message().contains("carriage return") => self.error(
                        at,
                        "this line ends in a lone carriage return (CR), which TOML does not allow: save the file with LF or CR LF line ends",
                    ),
                    _ => {
                        let at = e.span().map_or(0, |s| s.start);
                        self.error(at, e.message().trim_end().to_owned());
                    }
                }
                None
            }
        }
    }

    /// TOML allows `nan` and `inf`; no figure of a plan can be either. Every
    /// other number, wherever it is, gets the bound all of a plan's numbers
    /// keep (see [`super::plan_number`]), so no reader of a record can forget it.
    fn check_numbers(&mut self, node: &Node<'_>) {
        let value = match node.get_ref() {
            DeValue::Float(f) if f.as_str().contains("nan") || f.as_str().contains("inf") => {
                self.refused.push(node.span().start);
                self.error(
                    node.span().start,
                    format!("{f} is not a number a plan can use"),
                );
                return;
            }
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            // Too big for i128 is past the bound too.
            DeValue::Integer(i) => Some(
                i128::from_str_radix(i.as_str(), i.radix()).map_or(f64::INFINITY, |v| v as f64),
            ),
            DeValue::Array(items) => {
                items.iter().for_each(|i| self.check_numbers(i));
                return;
            }
            DeValue::Table(table) => {
                table.values().for_each(|v| self.check_numbers(v));
                return;
            }
            _ => return,
        };
        let written = self.src.text.get(node.span()).unwrap_or("this number");
        if let Some(Err(message)) = value.map(|v| super::plan_number(v, written)) {
            self.refused.push(node.span().start);
            self.error(node.span().start, message);
        }
    }

    pub fn pos(&self, offset: usize) -> Pos {
        self.src.pos(offset)
    }

    pub fn error(&mut self, offset: usize, message: impl Into<String>) {
        let pos = self.pos(offset);
        self.diags.error(&self.src.path, pos, message);
    }

    pub fn warning(&mut self, offset: usize, message: impl Into<String>) {
        let pos = self.pos(offset);
        self.diags.warning(&self.src.path, pos, message);
    }

    /// Removes `key` from a table node and returns its elements, which must be
    /// tables (`[[key]]` or an array of inline tables). Missing means none.
    pub fn take_records(&mut self, node: &mut Node<'s>, key: &str) -> Vec<Node<'s>> {
        let DeValue::Table(table) = node.get_mut() else {
            return Vec::new();
        };
        let Some(value) = table.remove(key) else {
            return Vec::new();
        };
        let span = value.span();
        match value.into_inner() {
            DeValue::Array(items) => {
                let mut records = Vec::new();
                for item in items {
                    if item.get_ref().is_table() {
                        records.push(item);
                    } else {
                        self.error(
                            item.span().start,
                            format!("`{key}` must hold tables, written `[[{key}]]`"),
                        );
                    }
                }
                records
            }
            other => {
                self.error(
                    span.start,
                    format!(
                        "`{key}` must be a list of tables written `[[{key}]]`, not {}",
                        other.type_str()
                    ),
                );
                Vec::new()
            }
        }
    }

    /// Deserializes one record. Every unknown key is reported and dropped, so
    /// that the remaining keys still get checked (and the record still loads,
    /// sparing other files errors about a record that is only misspelt); then
    /// the first problem serde finds, if any. `what` names the record in
    /// messages, such as `[[metric]]`.
    pub fn record<T: DeserializeOwned>(&mut self, mut node: Node<'s>, what: &str) -> Option<T> {
        let fields = struct_fields::<T>();
        // A key that looks like a misspelt field makes that field look missing
        // too; saying so twice would only bury the hint.
        let mut suggested = Vec::new();
        if let (Some(fields), DeValue::Table(table)) = (fields, node.get_mut()) {
            let unknown: Vec<(String, usize)> = table
                .keys()
                .filter(|k| !fields.contains(&k.get_ref().as_ref()))
                .map(|k| (k.get_ref().to_string(), k.span().start))
                .collect();
            for (key, at) in unknown {
                table.remove(key.as_str());
                let close = did_you_mean(&key, fields.iter().copied());
                suggested.extend(close);
                let hint = close
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                self.error(at, format!("unknown key `{key}` in {what}{hint}"));
            }
        }
        let span = node.span();
        match T::deserialize(ValueDeserializer::from(node)) {
            Ok(value) => Some(value),
            Err(e)
                if suggested
                    .iter()
                    .any(|f| e.message() == format!("missing field `{f}`")) =>
            {
                None
            }
            Err(e) => {
                let at = e.span().map_or(span.start, |s| s.start);
                if !self.refused.contains(&at) {
                    self.error(at, explain(e.message(), what));
                }
                None
            }
        }
    }
}

/// Turns serde's wording into a plan author's.
fn explain(message: &str, what: &str) -> String {
    let message = message.trim_end();
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("missing required key {rest} in {what}");
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        // Only reached for nested inline tables; top-level keys are checked above.
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let hint = hint(key, backticked(expected));
        return format!("unknown key `{key}` in {what}{hint}");
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let options: Vec<&str> = backticked(expected).collect();
        let hint = hint(value, options.iter().copied());
        let list = options
            .iter()
            .map(|o| format!("`{o}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return format!("`{value}` is not one of {list}{hint}");
    }
    message
        .replace("expected f64", "expected a number")
        .replace("expected u32", "expected a whole number ≥ 0")
        .replace("expected i64", "expected a whole number")
        .replace("expected a boolean", "expected true or false")
        .replace(
            "expected a sequence",
            "expected a list such as [\"a\", \"b\"]",
        )
        .replace("expected a string", "expected text in quotes")
}

/// The words between backticks in serde's "expected `a`, `b` or `c`".
fn backticked(s: &str) -> impl Iterator<Item = &str> {
    s.split('`').skip(1).step_by(2)
}

/// The field names a derived `Deserialize` struct accepts, learnt by asking it
/// to deserialize from a deserializer that records what it is asked for.
fn struct_fields<T: DeserializeOwned>() -> Option<&'static [&'static str]> {
    struct Probe<'a>(&'a mut Option<&'static [&'static str]>);

    impl<'de> de::Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = Some(fields);
            Err(de::Error::custom("probed"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    let mut fields = None;
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// A calendar date written as a bare TOML date (`2026-09-30`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TomlDate(pub jiff::civil::Date);

impl<'de> serde::Deserialize<'de> for TomlDate {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = TomlDate;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a TOML date")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TomlDate, E> {
                Err(E::custom(format!(
                    "expected a date without quotes, such as 2026-09-30, found the text \"{v}\""
                )))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<TomlDate, A::Error> {
                let dt =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match (dt.date, dt.time) {
                    (Some(date), None) => {
                        jiff::civil::Date::new(date.year as i16, date.month as i8, date.day as i8)
                            .map(TomlDate)
                            .map_err(|e| de::Error::custom(format!("invalid date {dt}: {e}")))
                    }
                    _ => Err(de::Error::custom(format!(
                        "expected a date such as 2026-09-30, found {dt}"
                    ))),
                }
            }
        }
        use serde::Deserialize as _;
        d.deserialize_any(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Rec {
        id: String,
        name: String,
        when: Option<TomlDate>,
    }

    fn read(text: &str) -> (Vec<Rec>, Vec<String>) {
        let src = Source::new("f.toml", text.to_owned());
        let mut diags = Diagnostics::default();
        let mut file = TomlFile::new(&src, &mut diags);
        let mut recs = Vec::new();
        if let Some(mut root) = file.parse() {
            for node in file.take_records(&mut root, "rec") {
                recs.extend(file.record::<Rec>(node, "[[rec]]"));
            }
        }
        let messages = diags
            .sorted()
            .into_iter()
            .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
            .collect();
        (recs, messages)
    }

    #[test]
    fn reports_every_unknown_key_and_keeps_good_records() {
        let (recs, errors) = read(
            "[[rec]]\nid = 'a'\nnmae = 'x'\ncolour = 1\n\n[[rec]]\nid = 'b'\nname = 'B'\n\n[[rec]]\nid = 'c'\n",
        );
        assert_eq!(recs.len(), 1);
        assert_eq!(
            errors,
            [
                "3:1: unknown key `nmae` in [[rec]]; did you mean `name`?",
                "4:1: unknown key `colour` in [[rec]]",
                "10:1: missing required key `name` in [[rec]]",
            ]
        );
    }

    #[test]
    fn dates_must_be_bare_toml_dates() {
        let (_, errors) = read("[[rec]]\nid = 'a'\nname = 'A'\nwhen = '2026-01-02'\n");
        assert_eq!(
            errors,
            [
                "4:8: expected a date without quotes, such as 2026-09-30, found the text \"2026-01-02\""
            ]
        );
        let (recs, errors) = read("[[rec]]\nid = 'a'\nname = 'A'\nwhen = 2026-01-02\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(recs[0].when, Some(TomlDate(jiff::civil::date(2026, 1, 2))));
    }

    #[test]
    fn nan_and_infinity_are_refused() {
        let (_, errors) = read("[[rec]]\nid = 'a'\nname = 'A'\nx = [1.0, -inf]\ny = { z = nan }\n");
        assert_eq!(
            errors,
            [
                "4:1: unknown key `x` in [[rec]]",
                "4:11: -inf is not a number a plan can use",
                "5:1: unknown key `y` in [[rec]]",
                "5:11: nan is not a number a plan can use",
            ]
        );
    }

    #[test]
    fn numbers_past_the_bound_are_refused_wherever_they_are() {
        // Said once, though serde finds that 1e999 overflows too.
        let (_, errors) = read("[[rec]]\nid = 'a'\nname = 1e999\n");
        assert_eq!(
            errors,
            ["3:8: 1e999 is out of range (a plan's numbers lie between -1e15 and 1e15)"]
        );
        let (_, errors) = read(
            "[[rec]]\nid = 'a'\nname = 'A'\nx = [1e15, -1_000_000_000_000_001]\ny = { z = 1e308 }\nw = 0x7FFFFFFFFFFFFFFF\n",
        );
        assert_eq!(
            errors,
            [
                "4:1: unknown key `x` in [[rec]]",
                "4:12: -1_000_000_000_000_001 is out of range (a plan's numbers lie between -1e15 and 1e15)",
                "5:1: unknown key `y` in [[rec]]",
                "5:11: 1e308 is out of range (a plan's numbers lie between -1e15 and 1e15)",
                "6:1: unknown key `w` in [[rec]]",
                "6:5: 0x7FFFFFFFFFFFFFFF is out of range (a plan's numbers lie between -1e15 and 1e15)",
            ]
        );
    }

    /// Issue 17: lines are the file's in every line-end style.
    #[test]
    fn positions_are_physical_lines_in_any_line_ends() {
        let (_, errors) = read("[[rec]]\r\nid = 'a'\r\n\r\nnmae = 'x'\r\n");
        assert_eq!(
            errors,
            ["4:1: unknown key `nmae` in [[rec]]; did you mean `name`?"]
        );
        let (_, errors) = read("# x\r[[rec]]\rid = 'a'\r");
        assert_eq!(
            errors,
            [
                "1:4: this line ends in a lone carriage return (CR), which TOML does not allow: save the file with LF or CR LF line ends"
            ]
        );
    }

    #[test]
    fn malformed_toml_points_where_the_parser_stopped() {
        let (_, errors) = read("[[rec]]\nid = 'a\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("2:"), "{errors:?}");
    }
}
