//! Languages and translations. German is the default and the fallback; the language of a request
//! comes from `?lang=`, the user's setting, the `lang` cookie, then `Accept-Language`.

use std::{borrow::Cow, collections::HashMap};

use fluent_templates::{Loader, fluent_bundle::FluentValue, static_loader};
use serde::Serialize;
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "de",
        // Isolation marks would end up inside HTML attributes and e-mail subjects.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static DE: LanguageIdentifier = langid!("de");
static EN: LanguageIdentifier = langid!("en");

/// A language the interface is translated into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    De,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::De, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// Accepts `de`, `en` and regional variants such as `de-AT`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best supported language of an `Accept-Language` header, by quality value.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((lang, quality));
            }
        }
        best.map(|(lang, _)| lang)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::De => &DE,
            Lang::En => &EN,
        }
    }
}

/// The translation of `key`, or `None` when no locale has it.
pub fn lookup(lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> Option<String> {
    if args.is_empty() {
        return LOCALES.try_lookup(lang.id(), key);
    }
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(name, value)| (Cow::Owned(name.to_string()), value.into_owned()))
        .collect();
    LOCALES.try_lookup_with_args(lang.id(), key, &args)
}

/// The translation of `key`; a missing key shows as the key itself so it is noticed, never as an
/// empty string.
pub fn t(lang: Lang, key: &str) -> String {
    lookup(lang, key, &[]).unwrap_or_else(|| key.to_string())
}

pub fn t_args(lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    lookup(lang, key, args).unwrap_or_else(|| key.to_string())
}

/// Formats a point in time for `lang` in the configured time zone, with the pattern the locale
/// files define (`format-datetime`, `format-date`).
pub fn format_datetime(
    lang: Lang,
    tz: chrono_tz::Tz,
    at: chrono::DateTime<chrono::Utc>,
    pattern_key: &str,
) -> String {
    let pattern = t(lang, pattern_key);
    at.with_timezone(&tz).format(&pattern).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,de;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR,fr;q=0.9,de;q=0.5,en;q=0.4"),
            Some(Lang::De)
        );
        assert_eq!(Lang::from_accept_language("tr, ar;q=0.5"), None);
        assert_eq!(
            Lang::from_accept_language("de;q=0, en;q=0.1"),
            Some(Lang::En)
        );
    }

    #[test]
    fn german_is_the_fallback_for_keys_missing_in_english() {
        assert_eq!(lookup(Lang::En, "no-such-key-anywhere", &[]), None);
        assert_eq!(t(Lang::De, "no-such-key-anywhere"), "no-such-key-anywhere");
    }
}
