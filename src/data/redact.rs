//! Masking what identifies a customer in text from survey data before
//! anything is published: comments, and the values of declared segment
//! columns. People type their contact details, bank and card numbers and
//! ids into free-text boxes, and exports carry them unchanged.
//!
//! What is masked, each as a whole (never the digits after its first group):
//!
//! - an e-mail address: a local part, `@` and a domain with a dot and a
//!   top-level domain of letters; also written `＠`, `(at)`, `[at]`, `{at}`,
//!   `<at>` or `(arroba)`, with `(dot)`/`[punto]` or, after such an `at`, a
//!   plain ` dot `/` punto ` for the dots. The bare words (`ana at example
//!   dot com`) are left alone: "look at the dot on" would read as one;
//! - an IBAN, with or without spaces, whose mod-97 check holds;
//! - a card number of 13–19 digits, with or without spaces or dashes between
//!   groups, whose Luhn check holds;
//! - a Spanish DNI (8 digits and a letter) or NIE (`X`, `Y` or `Z`, 7 digits
//!   and a letter) whose control letter is right;
//! - a phone number: a run of digits, spaces, dots, dashes and brackets
//!   holding at least 9 digits (7 when it starts with `+`) and at most 15:
//!   Spanish numbers have 9, and the threshold leaves dates (`2026-10-31`, 8
//!   digits), prices and times alone;
//! - whatever the plan's own `[surveys] mask_patterns` match.
//!
//! A run with a wrong checksum is left alone (an order number is not a card),
//! unless it is also a phone number. Detection reads the text with its
//! compatibility characters folded (NFKC: full-width `１２３` and `＠` are
//! `123` and `@`), and masks the original characters. Each kind becomes a
//! fixed placeholder, the same in every language.

use std::borrow::Cow;
use std::ops::Range;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// What an e-mail address becomes.
pub const EMAIL: &str = "***@***";
/// What a phone number becomes.
pub const PHONE: &str = "*** *** ***";
/// What an IBAN becomes.
pub const IBAN: &str = "**** **** **** **** ****";
/// What a card number becomes.
pub const CARD: &str = "**** **** **** ****";
/// What a national id (DNI, NIE, or a plan's own pattern) becomes.
pub const ID: &str = "*********";

/// The plan's own patterns of ids to mask (`[surveys] mask_patterns`).
/// They are regular expressions of the `regex` crate, which runs in time
/// linear in the text: no pattern can make a crafted comment hang a build.
#[derive(Debug, Clone, Default)]
pub struct Patterns(Vec<regex::Regex>);

impl Patterns {
    /// Compiles one pattern; `Err` is a short reason to show beside it.
    pub fn compile(pattern: &str) -> Result<regex::Regex, String> {
        if pattern.is_empty() {
            return Err("an empty pattern would match everywhere".to_owned());
        }
        regex::RegexBuilder::new(pattern)
            // Generous for any id pattern, and a bound on what a typo costs.
            .size_limit(1 << 20)
            .build()
            .map_err(|e| match e {
                // The parser's message is several lines with a caret under
                // the pattern; the last line says what is wrong.
                regex::Error::Syntax(text) => text
                    .lines()
                    .rev()
                    .find_map(|l| l.strip_prefix("error: "))
                    .unwrap_or("not a valid pattern")
                    .to_owned(),
                regex::Error::CompiledTooBig(_) => "the pattern is too large".to_owned(),
                other => other.to_string(),
            })
    }

    pub fn new(patterns: Vec<regex::Regex>) -> Self {
        Patterns(patterns)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `text` with everything listed in the module's documentation masked;
/// borrowed when there is nothing to mask, which is most comments.
pub fn mask<'t>(text: &'t str, patterns: &Patterns) -> Cow<'t, str> {
    let spans = find(text, patterns);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, placeholder) in spans {
        out.push_str(&text[at..range.start]);
        out.push_str(placeholder);
        at = range.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Whether `value` holds anything [`mask`] would hide, or a run of six or
/// more digits (a customer, account or order number): such a value names
/// one person or one case, not a group of responses.
pub fn identifies(value: &str, patterns: &Patterns) -> bool {
    if !find(value, patterns).is_empty() {
        return true;
    }
    let view = View::fold(value);
    let mut run = 0;
    view.text.bytes().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run >= 6
    })
}

/// The spans of `text` to mask, in order and apart, each with its placeholder.
fn find(text: &str, patterns: &Patterns) -> Vec<(Range<usize>, &'static str)> {
    // The fast path, taken by nearly every comment: nothing a folded
    // character could turn into a digit or an `@`, no pattern of the plan,
    // and too few digits and no `@` for any kind.
    let folds = !text.is_ascii() && text.chars().any(folds);
    if !folds && patterns.is_empty() && !worth_scanning(text) {
        return Vec::new();
    }
    let view = if folds {
        View::fold(text)
    } else {
        View::plain(text)
    };
    let mut found = Vec::new();
    // The plan's patterns first: where one finds what a built-in kind does
    // too, the plan's word for it wins the placeholder.
    for re in &patterns.0 {
        found.extend(
            re.find_iter(&view.text)
                .filter(|m| !m.is_empty())
                .map(|m| (m.range(), ID)),
        );
    }
    if worth_scanning(&view.text) {
        scan(&view.text, &mut found);
    }
    if found.is_empty() {
        return found;
    }
    let mut spans: Vec<(Range<usize>, &'static str)> = found
        .into_iter()
        .map(|(r, p)| (view.original(r), p))
        .collect();
    spans.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    // Overlapping finds (a plan's pattern over a phone number) become one
    // span, so that no part of either is left showing.
    let mut merged: Vec<(Range<usize>, &'static str)> = Vec::with_capacity(spans.len());
    for (range, placeholder) in spans {
        match merged.last_mut() {
            Some((last, _)) if range.start < last.end => last.end = last.end.max(range.end),
            _ => merged.push((range, placeholder)),
        }
    }
    merged
}

/// The text detection reads: the original when folding changes nothing
/// (nearly always), else its NFKC fold with, per byte, the original
/// character it came from.
struct View<'t> {
    text: Cow<'t, str>,
    /// Per byte of `text`: the byte range in the original of its character.
    /// Empty when `text` is the original.
    origin: Vec<Range<usize>>,
}

impl<'t> View<'t> {
    fn plain(text: &'t str) -> View<'t> {
        View {
            text: Cow::Borrowed(text),
            origin: Vec::new(),
        }
    }

    fn fold(text: &'t str) -> View<'t> {
        if !text.chars().any(folds) {
            return View::plain(text);
        }
        let mut folded = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        for (i, c) in text.char_indices() {
            let from = i..i + c.len_utf8();
            // Character by character, so that each folded character knows
            // where it came from; composition across characters does not
            // matter for what is looked for.
            for f in std::iter::once(c).nfkc() {
                folded.push(f);
                origin.resize(folded.len(), from.clone());
            }
        }
        View {
            text: Cow::Owned(folded),
            origin,
        }
    }

    /// The original byte range of a range of the view.
    fn original(&self, r: Range<usize>) -> Range<usize> {
        if self.origin.is_empty() {
            return r;
        }
        self.origin[r.start].start..self.origin[r.end - 1].end
    }
}

/// Whether NFKC changes a character (a full-width digit, a superscript).
fn folds(c: char) -> bool {
    !c.is_ascii() && is_nfkc_quick(std::iter::once(c)) != IsNormalized::Yes
}

/// Whether a text can hold anything the scanner finds: each kind needs an
/// `@`, a bracketed `at`/`arroba` or at least 7 digits.
fn worth_scanning(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut digits = 0;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                if digits >= 7 {
                    return true;
                }
            }
            b'@' => return true,
            b'(' | b'[' | b'{' | b'<' => {
                let word = bytes[i + 1..].iter().find(|b| **b != b' ');
                if word.is_some_and(|b| b.eq_ignore_ascii_case(&b'a')) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Finds every e-mail address, IBAN, card number, national id and phone
/// number of `text`, left to right. Each kind is tried at the start of a
/// word, in that order, so that a longer number is masked whole before a
/// part of it can be taken for a phone number.
fn scan(text: &str, found: &mut Vec<(Range<usize>, &'static str)>) {
    let mut i = 0;
    let mut before: Option<char> = None;
    while i < text.len() {
        let rest = &text[i..];
        // Glued to a word or to other digits, it is part of something else
        // (an order reference, an amount).
        let hit = if before.is_some_and(char::is_alphanumeric) {
            None
        } else {
            email_at(rest)
                .map(|n| (n, EMAIL))
                .or_else(|| iban_at(rest).map(|n| (n, IBAN)))
                .or_else(|| card_at(rest).map(|n| (n, CARD)))
                .or_else(|| national_id_at(rest).map(|n| (n, ID)))
                .or_else(|| phone_at(rest, before).map(|n| (n, PHONE)))
        };
        match hit {
            Some((len, placeholder)) => {
                found.push((i..i + len, placeholder));
                i += len;
                before = text[..i].chars().next_back();
            }
            None => {
                let c = rest.chars().next().unwrap_or_default();
                before = Some(c);
                i += c.len_utf8().max(1);
            }
        }
    }
}

const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 255;

fn is_local(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

/// The length of the e-mail address `text` starts with, if it does.
fn email_at(text: &str) -> Option<usize> {
    // RFC 5321 limits: they also keep a long run of dots or letters from
    // being read again from each of its characters.
    let local: usize = text
        .chars()
        .take_while(|c| is_local(*c))
        .take(MAX_LOCAL + 1)
        .map(char::len_utf8)
        .sum();
    if local == 0 || local > MAX_LOCAL {
        return None;
    }
    let (at, spelt) = at_sign(&text[local..])?;
    let start = local + at;
    domain(&text[start..], spelt).map(|len| start + len)
}

/// The length of the `@` that `text` starts with, and whether it was spelt
/// out (`(at)`, `[arroba]`). A space either side of a plain `@` is allowed.
fn at_sign(text: &str) -> Option<(usize, bool)> {
    let spaces = |s: &str| s.len() - s.trim_start_matches(' ').len();
    let lead = spaces(text).min(1);
    if text[lead..].starts_with('@') {
        let after = lead + 1;
        return Some((after + spaces(&text[after..]).min(1), false));
    }
    bracketed(text, &["at", "arroba"]).map(|n| (n, true))
}

/// The length of a word from `words` in brackets (`(at)`, `[ dot ]`), with
/// the spaces around it, that `text` starts with.
fn bracketed(text: &str, words: &[&str]) -> Option<usize> {
    let spaces = |s: &str| s.len() - s.trim_start_matches(' ').len();
    let mut i = spaces(text);
    let close = match text[i..].bytes().next()? {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        _ => return None,
    };
    i += 1;
    i += spaces(&text[i..]);
    let word = words.iter().find(|w| starts_with_word(&text[i..], w))?;
    i += word.len();
    i += spaces(&text[i..]);
    if text.as_bytes().get(i) != Some(&close) {
        return None;
    }
    i += 1;
    Some(i + spaces(&text[i..]))
}

/// Whether `text` starts with `word`, in any case.
fn starts_with_word(text: &str, word: &str) -> bool {
    text.get(..word.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(word))
}

/// The length of the domain `text` starts with: labels joined by dots (or
/// spelt-out dots), the last one a top-level domain of letters.
fn domain(text: &str, spelt: bool) -> Option<usize> {
    let mut pos = 0;
    let mut labels = 0;
    let mut end = None;
    while pos <= MAX_DOMAIN {
        let label: usize = text[pos..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '-')
            .map(char::len_utf8)
            .sum();
        if label == 0 {
            break;
        }
        let name = &text[pos..pos + label];
        pos += label;
        labels += 1;
        if labels >= 2 && name.chars().count() >= 2 && name.chars().all(char::is_alphabetic) {
            end = Some(pos);
        }
        let rest = &text[pos..];
        let dot = if rest.starts_with('.') {
            Some(1)
        } else if let Some(n) = bracketed(rest, &["dot", "punto"]) {
            Some(n)
        } else if spelt {
            [" dot ", " punto "]
                .iter()
                .find(|w| starts_with_word(rest, w))
                .map(|w| w.len())
        } else {
            None
        };
        match dot {
            Some(n) => pos += n,
            None => break,
        }
    }
    end
}

/// Groups of characters joined by single spaces or dashes, as IBANs and
/// card numbers are written: where each group ends (in bytes) with the
/// number of characters taken so far, for at most `max` characters.
fn groups(text: &str, take: impl Fn(u8) -> bool, max: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut ends = Vec::new();
    let (mut i, mut n) = (0, 0);
    loop {
        let start = i;
        while i < bytes.len() && take(bytes[i]) {
            i += 1;
        }
        n += i - start;
        if i == start || n > max {
            break;
        }
        ends.push((i, n));
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b' ' | b'-'), Some(&next)) if take(next) => i += 1,
            _ => break,
        }
    }
    ends
}

/// The characters of `text` that are not group separators.
fn packed(text: &str) -> impl DoubleEndedIterator<Item = u8> + Clone + '_ {
    text.bytes().filter(|b| !matches!(b, b' ' | b'-'))
}

/// Whether the character at byte `at` continues a word (so what ends
/// before it is glued to it).
fn glued(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_some_and(char::is_alphanumeric)
}

/// The length of the IBAN `text` starts with, if it does: a country code,
/// two check digits and up to 30 letters and digits, in groups or not.
/// The longest run of whole groups whose check holds is taken, so that a
/// word after it is not.
fn iban_at(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    if b.len() < 15
        || !b[0].is_ascii_alphabetic()
        || !b[1].is_ascii_alphabetic()
        || !b[2].is_ascii_digit()
        || !b[3].is_ascii_digit()
    {
        return None;
    }
    longest_valid(text, |c| c.is_ascii_alphanumeric(), 15..=34, iban_valid)
}

/// The end of the longest run of whole groups at the start of `text` (of
/// characters `take` accepts) that holds a count of them in `count`, is not
/// glued to a word, and passes `valid`: what an IBAN and a card number
/// share.
fn longest_valid(
    text: &str,
    take: impl Fn(u8) -> bool,
    count: std::ops::RangeInclusive<usize>,
    valid: impl Fn(&str) -> bool,
) -> Option<usize> {
    groups(text, take, *count.end())
        .into_iter()
        .rev()
        .find(|&(end, n)| count.contains(&n) && !glued(text, end) && valid(&text[..end]))
        .map(|(end, _)| end)
}

/// ISO 13616: the first four characters moved to the end, letters as
/// 10–35, and the number mod 97 is 1.
fn iban_valid(text: &str) -> bool {
    let mut rem = 0u32;
    for c in packed(text).skip(4).chain(packed(text).take(4)) {
        let c = c.to_ascii_uppercase();
        rem = match c {
            b'0'..=b'9' => (rem * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => (rem * 100 + u32::from(c - b'A' + 10)) % 97,
            _ => return false,
        };
    }
    rem == 1
}

/// The length of the card number `text` starts with, if it does: 13–19
/// digits, in groups or not; the longest run of whole groups whose Luhn
/// check holds.
fn card_at(text: &str) -> Option<usize> {
    if !text.as_bytes().first()?.is_ascii_digit() {
        return None;
    }
    longest_valid(text, |c| c.is_ascii_digit(), 13..=19, luhn)
}

/// The Luhn check of card numbers: every second digit from the right
/// doubled (less 9 when over 9), and the sum a multiple of 10.
fn luhn(text: &str) -> bool {
    let sum: u32 = packed(text)
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The control letters of the DNI and NIE, by the number mod 23.
const ID_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// The length of the DNI (`12345678Z`, `12.345.678-Z`) or NIE
/// (`X1234567L`, `X-1234567-L`) `text` starts with, if its letter is right.
fn national_id_at(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let (lead, mut i, want) = match b.first()?.to_ascii_uppercase() {
        c @ b'X'..=b'Z' => (u32::from(c - b'X'), 1, 7),
        b'0'..=b'9' => (0, 0, 8),
        _ => return None,
    };
    if want == 7 && b.get(i) == Some(&b'-') {
        i += 1;
    }
    let mut number = lead;
    let mut n = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' if n < want => {
                number = number * 10 + u32::from(c - b'0');
                n += 1;
            }
            // Thousands dots, as a DNI is often printed.
            b'.' if n > 0 && b.get(i + 1).is_some_and(u8::is_ascii_digit) => {}
            _ => break,
        }
        i += 1;
    }
    if n != want {
        return None;
    }
    if matches!(b.get(i), Some(b'-' | b' ')) {
        i += 1;
    }
    let letter = b.get(i)?.to_ascii_uppercase();
    let end = i + 1;
    (letter == ID_LETTERS[(number % 23) as usize] && !glued(text, end)).then_some(end)
}

/// The length of the phone number `text` starts with, if it does. `before`
/// is the character before it: a number glued to a word or to other
/// digits (an id, an amount) is not a phone number.
fn phone_at(text: &str, before: Option<char>) -> Option<usize> {
    if before.is_some_and(|c| c.is_alphanumeric() || c == '+') {
        return None;
    }
    let bytes = text.as_bytes();
    let plus = bytes.first() == Some(&b'+');
    let start = usize::from(plus);
    if !bytes
        .get(start)
        .is_some_and(|b| b.is_ascii_digit() || *b == b'(')
    {
        return None;
    }
    let least = if plus { 7 } else { 9 };
    let mut digits = 0;
    let mut end = start;
    // Where the last group that could end a number ended: two numbers
    // written one after the other (`612345678 699111222`) are one run of
    // too many digits, and each is still masked whole.
    let mut whole = None;
    // However spaced out, a phone number fits in this; a longer run of
    // separators is not one, and is not walked again from each character.
    for (i, b) in bytes.iter().enumerate().skip(start).take(48) {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                end = i + 1;
            }
            b' ' | b'.' | b'-' | b'(' | b')' => {
                if end == i && (least..=15).contains(&digits) {
                    whole = Some(end);
                }
            }
            _ => break,
        }
        if digits > 15 {
            return whole;
        }
    }
    // Followed by a letter, it is a code or an id, not a number to call.
    if glued(text, end) {
        return None;
    }
    (digits >= least).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        mask(text, &Patterns::default()).into_owned()
    }

    #[test]
    fn masks_addresses_and_numbers() {
        assert_eq!(
            masked("Write to ana.ruiz+cx@mail.example.es, or call +34 612 345 678."),
            "Write to ***@***, or call *** *** ***."
        );
        assert_eq!(
            masked("Llamadme al 612-34-56-78 (tarde)"),
            "Llamadme al *** *** *** (tarde)"
        );
        assert_eq!(
            masked("(91) 123 45 67 is the shop"),
            "*** *** *** is the shop"
        );
    }

    #[test]
    fn leaves_what_is_no_contact() {
        for text in [
            "Order 2026-10-31 took 45 minutes, 12.50 EUR",
            "Waited from 10:15 to 11:40",
            "me @ home",
            "user@localhost",
            "ref ABC123456789",
            "12345678",
            "sin datos",
            "look at the dot on the map (at least) [dot]",
            "ana at example dot com",
            "Esperé más de una hora, ¡fatal!",
        ] {
            assert!(
                matches!(mask(text, &Patterns::default()), Cow::Borrowed(_)),
                "{text}"
            );
        }
    }

    #[test]
    fn obfuscated_and_full_width_addresses() {
        assert_eq!(masked("ana(at)example.com"), "***@***");
        assert_eq!(masked("ana [at] example [dot] com ok"), "***@*** ok");
        assert_eq!(masked("ana (arroba) correo punto es."), "***@***.");
        assert_eq!(masked("ana {AT} example.co.uk"), "***@***");
        assert_eq!(masked("ana {arroba} correo (punto) es"), "***@***");
        assert_eq!(masked("ａｎａ＠ｅｘａｍｐｌｅ．ｅｓ"), "***@***");
        assert_eq!(masked("ana ＠ example.com"), "***@***");
        assert_eq!(masked("ｊｏｓé＠ｅｊｅｍｐｌｏ．ｅｓ!"), "***@***!");
        assert_eq!(masked("escribid a josé@correo.es"), "escribid a ***@***");
        assert_eq!(masked("write ana @ example.com"), "write ***@***");
    }

    #[test]
    fn numbers_one_after_another_are_each_masked_whole() {
        assert_eq!(masked("612345678 699111222"), "*** *** *** *** *** ***");
        assert_eq!(masked("612345678 - 699111222"), "*** *** *** - *** *** ***");
        assert_eq!(masked("612 345 678 12345678"), "*** *** *** 12345678");
        // One run of digits too long to be a phone is not cut in two.
        assert_eq!(masked("ref 6123456789012345678"), "ref 6123456789012345678");
    }

    #[test]
    fn full_width_phone_numbers() {
        assert_eq!(
            masked("llamad al ６１２ ３４５ ６７８ ya"),
            "llamad al *** *** *** ya"
        );
        assert_eq!(masked("＋３４６１２３４５６７８"), "*** *** ***");
    }

    #[test]
    fn ibans_whole_with_or_without_spaces() {
        let spaced = "IBAN ES91 2100 0418 4502 0005 1332, gracias";
        assert_eq!(masked(spaced), format!("IBAN {IBAN}, gracias"));
        assert_eq!(masked("ES9121000418450200051332"), IBAN);
        assert_eq!(masked("es91 2100 0418 4502 0005 1332"), IBAN);
        assert_eq!(
            masked("GB82 WEST 1234 5698 7654 32 is mine"),
            format!("{IBAN} is mine")
        );
        assert_eq!(
            masked("DE89 3704 0044 0532 0130 00 otra"),
            format!("{IBAN} otra")
        );
        // A wrong check digit: not an IBAN. Unspaced, its 22 digits are no
        // phone number either; spaced, its first groups still read as one.
        assert_eq!(
            masked("ES9221000418450200051332"),
            "ES9221000418450200051332"
        );
        assert_eq!(
            masked("ES92 2100 0418 4502 0005 1332"),
            format!("ES92 {PHONE} 0005 1332")
        );
    }

    #[test]
    fn cards_whole_with_or_without_separators() {
        assert_eq!(masked("card 4111111111111111."), format!("card {CARD}."));
        assert_eq!(masked("4111 1111 1111 1111"), CARD);
        assert_eq!(
            masked("4111-1111-1111-1111 caducó"),
            format!("{CARD} caducó")
        );
        assert_eq!(masked("4111 1111 1111 1111 2026"), format!("{CARD} 2026"));
        assert_eq!(masked("amex 3782 822463 10005"), format!("amex {CARD}"));
        // Luhn fails: an order number, left alone unless part of it reads
        // as a phone number.
        for text in ["order 4111111111111112", "4111111111111111x"] {
            assert_eq!(masked(text), text);
        }
        assert_eq!(masked("4111 1111 1111 1112"), format!("{PHONE} 1112"));
    }

    #[test]
    fn spanish_ids_with_a_right_letter() {
        assert_eq!(masked("DNI 12345678Z."), format!("DNI {ID}."));
        assert_eq!(masked("dni 12345678-z"), format!("dni {ID}"));
        assert_eq!(masked("12.345.678 Z, Madrid"), format!("{ID}, Madrid"));
        assert_eq!(masked("NIE X1234567L"), format!("NIE {ID}"));
        assert_eq!(masked("nie y-1234567-x"), format!("nie {ID}"));
        assert_eq!(masked("Z1234567R"), ID);
        assert_eq!(masked("１２３４５６７８Ｚ"), ID);
        for text in [
            "DNI 12345678A",
            "NIE X1234567M",
            "12345678Zaragoza",
            "AX1234567L",
        ] {
            assert_eq!(masked(text), text);
        }
    }

    #[test]
    fn plan_patterns_mask_whole_matches() {
        let ssn = Patterns::compile(r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b").expect("valid");
        let patterns = Patterns::new(vec![ssn]);
        assert_eq!(
            mask("SSN 123-45-6789 ok", &patterns),
            format!("SSN {ID} ok")
        );
        assert_eq!(
            mask("SSN １２３-４５-６７８９", &patterns),
            format!("SSN {ID}")
        );
        assert!(matches!(mask("nothing", &patterns), Cow::Borrowed(_)));
        assert_eq!(
            Patterns::compile("[0-9").map(|_| ()),
            Err("unclosed character class".to_owned())
        );
        assert!(Patterns::compile("").is_err());
    }

    #[test]
    fn values_that_identify() {
        let none = Patterns::default();
        for value in ["ana@example.com", "612 345 678", "C-1048213", "12345678Z"] {
            assert!(identifies(value, &none), "{value}");
        }
        for value in ["whatsapp", "es-madrid", "2026-Q3", "28001", "<img src=x>"] {
            assert!(!identifies(value, &none), "{value}");
        }
    }
}
