//! Masking what identifies a customer in a survey comment before anything is
//! published: e-mail addresses and phone numbers, which people type into
//! free-text boxes and exports carry unchanged.
//!
//! An e-mail address is a word with an `@` between a local part and a domain
//! with a dot. A phone number is a run of digits, spaces, dots, dashes and
//! brackets holding at least 9 digits (7 when it starts with `+`): Spanish
//! numbers have 9, and the threshold leaves dates (`2026-10-31`, 8 digits),
//! prices and times alone. Both become fixed placeholders, the same in every
//! language: `***@***` and `*** *** ***`.

use std::borrow::Cow;

/// What an e-mail address becomes.
pub const EMAIL: &str = "***@***";
/// What a phone number becomes.
pub const PHONE: &str = "*** *** ***";

/// `text` with its e-mail addresses and phone numbers masked; borrowed when
/// there is none, which is most comments.
pub fn contacts(text: &str) -> Cow<'_, str> {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    if !text.contains('@') && digits < 7 {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(len) = email_at(rest) {
            out.push_str(EMAIL);
            rest = &rest[len..];
        } else if let Some(len) = phone_at(rest, out.chars().next_back()) {
            out.push_str(PHONE);
            rest = &rest[len..];
        } else {
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// The length of the e-mail address `text` starts with, if it does.
fn email_at(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let local = bytes.iter().take_while(|b| is_local(**b)).count();
    if local == 0 || bytes.get(local) != Some(&b'@') {
        return None;
    }
    let domain = bytes[local + 1..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
        .count();
    let domain_text = text[local + 1..local + 1 + domain].trim_end_matches('.');
    let (name, tld) = domain_text.rsplit_once('.')?;
    let valid = !name.is_empty() && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic());
    valid.then_some(local + 1 + domain_text.len())
}

/// The length of the phone number `text` starts with, if it does. `before`
/// is the character written before it: a number glued to a word or to other
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
    let mut digits = 0;
    let mut end = start;
    for (i, b) in bytes.iter().enumerate().skip(start) {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                end = i + 1;
            }
            b' ' | b'.' | b'-' | b'(' | b')' => {}
            _ => break,
        }
        if digits > 15 {
            return None;
        }
    }
    // Followed by a letter, it is a code or an id, not a number to call.
    if text[end..]
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    (digits >= if plus { 7 } else { 9 }).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_addresses_and_numbers() {
        assert_eq!(
            contacts("Write to ana.ruiz+cx@mail.example.es, or call +34 612 345 678."),
            "Write to ***@***, or call *** *** ***."
        );
        assert_eq!(
            contacts("Llamadme al 612-34-56-78 (tarde)"),
            "Llamadme al *** *** *** (tarde)"
        );
        assert_eq!(
            contacts("(91) 123 45 67 is the shop"),
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
        ] {
            assert!(matches!(contacts(text), Cow::Borrowed(_)), "{text}");
        }
    }
}
