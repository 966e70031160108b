//! The automatic pre-check of a new text for personal data (addresses, phone numbers, IBANs),
//! and the redaction of such data and of names a moderator marks. Pure text functions.

/// Marks a text that seems to contain personal data: `email`, `phone`, `iban`, comma-separated,
/// empty when none. Moderators see such texts first.
pub fn precheck(text: &str) -> String {
    let mut marks = Vec::new();
    if words(text).any(is_email) {
        marks.push("email");
    }
    if !phone_spans(text).is_empty() {
        marks.push("phone");
    }
    if has_iban(text) {
        marks.push("iban");
    }
    marks.join(",")
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '<' | '>' | '"'))
        .map(|w| w.trim_matches(|c: char| matches!(c, '.' | ':' | '!' | '?' | '\'')))
        .filter(|w| !w.is_empty())
}

fn is_email(word: &str) -> bool {
    let Some((local, domain)) = word.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

/// Byte ranges of phone-number-like runs: digits with spaces, slashes, dashes or brackets and a
/// leading plus, at least 7 digits in all (dates with dots do not count).
fn phone_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let starts = c.is_ascii_digit()
            || (c == '+' && chars.get(i + 1).is_some_and(|n| n.1.is_ascii_digit()));
        let after_word = i > 0 && chars[i - 1].1.is_alphanumeric();
        if !starts || after_word {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = 0;
        let mut last_digit = i;
        while j < chars.len() {
            let d = chars[j].1;
            if d.is_ascii_digit() {
                digits += 1;
                last_digit = j;
            } else if !(matches!(d, ' ' | '/' | '-' | '(' | ')') || (d == '+' && j == i)) {
                break;
            }
            j += 1;
        }
        let glued = chars.get(last_digit + 1).is_some_and(|n| {
            n.1.is_alphanumeric()
                || n.1 == '.'
                    && chars
                        .get(last_digit + 2)
                        .is_some_and(|m| m.1.is_ascii_digit())
        });
        if digits >= 7 && !glued {
            let (at, d) = chars[last_digit];
            spans.push((start, at + d.len_utf8()));
        }
        i = last_digit + 1;
    }
    spans
}

/// Two capital letters, two check digits and at least 10 more digits (letters allowed), spaces
/// allowed in between, not glued to a word before it.
fn has_iban(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).any(|i| {
        if i > 0 && chars[i - 1].is_alphanumeric() {
            return false;
        }
        let rest: Vec<char> = chars[i..]
            .iter()
            .copied()
            .filter(|c| *c != ' ')
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        rest.len() >= 14
            && rest[0].is_ascii_uppercase()
            && rest[1].is_ascii_uppercase()
            && rest[2].is_ascii_digit()
            && rest[3].is_ascii_digit()
            && rest[4..].iter().filter(|c| c.is_ascii_digit()).count() >= 10
    })
}

/// Byte ranges of IBAN-like runs (see `has_iban`): capital letters and digits with single spaces
/// in between, at most 34 of them, not glued to a word before it.
fn iban_spans(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let glued = i > 0 && chars[i - 1].1.is_alphanumeric();
        if glued || !chars[i].1.is_ascii_uppercase() {
            i += 1;
            continue;
        }
        let (mut j, mut end) = (i, i);
        let mut run = Vec::new();
        while j < chars.len() && run.len() < 34 {
            let c = chars[j].1;
            if c.is_ascii_digit() || c.is_ascii_uppercase() {
                run.push(c);
                end = j;
            } else if !(c == ' '
                && chars
                    .get(j + 1)
                    .is_some_and(|d| d.1.is_ascii_alphanumeric()))
            {
                break;
            }
            j += 1;
        }
        let fits = run.len() >= 14
            && run[1].is_ascii_uppercase()
            && run[2].is_ascii_digit()
            && run[3].is_ascii_digit()
            && run[4..].iter().filter(|c| c.is_ascii_digit()).count() >= 10;
        let glued_after = chars.get(end + 1).is_some_and(|c| c.1.is_alphanumeric());
        if fits && !glued_after {
            spans.push((chars[i].0, chars[end].0 + chars[end].1.len_utf8()));
            i = end + 1;
        } else {
            i += 1;
        }
    }
    spans
}

/// The text with e-mail addresses, IBANs, phone numbers and each of `names` (case-insensitive, whole
/// words) replaced by `placeholder`; everything else stays as it was.
pub fn redact(text: &str, names: &[String], placeholder: &str) -> String {
    // E-mail addresses, word by word, keeping the separators.
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let core = word.trim_matches(|c: char| matches!(c, '.' | ':' | '!' | '?' | '\''));
        if is_email(core) {
            let at = word.find(core).unwrap_or(0);
            out.push_str(&word[..at]);
            out.push_str(placeholder);
            out.push_str(&word[at + core.len()..]);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '<' | '>' | '"') {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    // IBANs before phone numbers (their digits look like one), back to front so earlier ranges
    // stay valid.
    let mut text = out;
    for (start, end) in iban_spans(&text).into_iter().rev() {
        text.replace_range(start..end, placeholder);
    }
    for (start, end) in phone_spans(&text).into_iter().rev() {
        text.replace_range(start..end, placeholder);
    }
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        text = replace_word_ci(&text, name, placeholder);
    }
    text
}

fn replace_word_ci(text: &str, needle: &str, placeholder: &str) -> String {
    let lower_text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let chars: Vec<char> = text.chars().collect();
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    // Lower-casing may change lengths (rare); then match on the original characters.
    let hay = if lower_text.len() == chars.len() {
        lower_text
    } else {
        chars.clone()
    };
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let fits = i + needle.len() <= hay.len() && hay[i..i + needle.len()] == needle[..];
        let bounded = fits
            && (i == 0 || !chars[i - 1].is_alphanumeric())
            && chars
                .get(i + needle.len())
                .is_none_or(|c| !c.is_alphanumeric());
        if bounded {
            out.push_str(placeholder);
            i += needle.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_precheck_marks_addresses_phone_numbers_and_ibans() {
        assert_eq!(precheck("Ein Park für alle."), "");
        assert_eq!(
            precheck("Schreiben Sie an max.muster@example.org!"),
            "email"
        );
        assert_eq!(precheck("Ruf an: 0721 / 133-5000"), "phone");
        assert_eq!(precheck("Tel. +49 721 1335000"), "phone");
        // The digits of an IBAN may also look like a phone number; the IBAN mark is what counts.
        assert!(precheck("Konto DE89 3704 0044 0532 0130 00 bitte").contains("iban"));
        assert_eq!(precheck("Kontonummer? Keine."), "");
        assert_eq!(precheck("Am 12.03.2026 um 10 Uhr, 3 Bänke"), "");
    }

    #[test]
    fn redaction_removes_addresses_numbers_and_marked_names_and_keeps_the_rest() {
        let text =
            "Hallo, ich bin Erika Mustermann (erika@example.org, 0176 1234567). Erika hilft gern.";
        let out = redact(
            text,
            &["Erika Mustermann".into(), "erika".into()],
            "[entfernt]",
        );
        assert_eq!(
            out,
            "Hallo, ich bin [entfernt] ([entfernt], [entfernt]). [entfernt] hilft gern."
        );
        assert_eq!(
            redact("Konto DE89 3704 0044 0532 0130 00 bitte", &[], "[x]"),
            "Konto [x] bitte"
        );
        // Parts of other words stay.
        assert_eq!(
            redact("Annabell und Anna", &["anna".into()], "[x]"),
            "Annabell und [x]"
        );
        assert_eq!(redact("Nichts zu tun.", &[], "[x]"), "Nichts zu tun.");
    }
}
