//! Marks free texts that look like they contain personal data (an e-mail address, a phone number
//! or an IBAN), so moderators check them before release. A hint, not a filter.

/// The kinds of personal data `text` seems to contain: `email`, `phone`, `iban`.
pub fn personal_data_hints(text: &str) -> Vec<&'static str> {
    let mut hints = Vec::new();
    if has_email(text) {
        hints.push("email");
    }
    if has_iban(text) {
        hints.push("iban");
    } else if has_phone(text) {
        hints.push("phone");
    }
    hints
}

fn has_email(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | ',' | ';'))
        .any(|word| {
            let Some((local, domain)) = word.split_once('@') else {
                return false;
            };
            let domain = domain.trim_end_matches(['.', '!', '?']);
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
}

/// Seven or more digits in a run that may contain spaces, `/`, `-`, `(`, `)` and a leading `+`.
fn has_phone(text: &str) -> bool {
    let mut digits = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            if digits >= 7 {
                return true;
            }
        } else if !matches!(c, ' ' | '/' | '-' | '(' | ')' | '+' | '.') {
            digits = 0;
        }
    }
    false
}

/// Two letters, two check digits, then at least 11 letters or digits (spaces allowed).
fn has_iban(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    for start in 0..chars.len() {
        if start > 0 && chars[start - 1].is_alphanumeric() {
            continue;
        }
        let head: String = chars[start..].iter().take(4).collect();
        let h: Vec<char> = head.chars().collect();
        if h.len() < 4
            || !h[0].is_ascii_alphabetic()
            || !h[1].is_ascii_alphabetic()
            || !h[2].is_ascii_digit()
            || !h[3].is_ascii_digit()
        {
            continue;
        }
        let rest = chars[start + 4..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == ' ')
            .filter(|c| c.is_ascii_alphanumeric())
            .count();
        if rest >= 11 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::personal_data_hints;

    #[test]
    fn an_email_address_is_marked() {
        assert_eq!(
            personal_data_hints("Schreiben Sie mir: anna.m@example.org!"),
            vec!["email"]
        );
        assert!(personal_data_hints("Treffen @ Rathaus").is_empty());
    }

    #[test]
    fn a_phone_number_is_marked() {
        assert_eq!(
            personal_data_hints("Rufen Sie an: 0721 / 133-5000"),
            vec!["phone"]
        );
        assert_eq!(personal_data_hints("+49 170 1234567"), vec!["phone"]);
        assert!(personal_data_hints("Ich habe 3 Kinder und 2 Jobs seit 2019").is_empty());
    }

    #[test]
    fn an_iban_is_marked() {
        assert_eq!(
            personal_data_hints("Konto DE89 3704 0044 0532 0130 00"),
            vec!["iban"]
        );
        assert_eq!(personal_data_hints("DE89370400440532013000"), vec!["iban"]);
    }

    #[test]
    fn ordinary_text_is_not_marked() {
        assert!(personal_data_hints("Mehr Busse am Abend wären gut.").is_empty());
    }
}
