//! The paper questionnaire: what is printed beside each question (how many crosses, what to
//! write), the QR code that leads to the online form, and the split into printed pages.
//!
//! The pages are cut here, on the server, rather than by the browser: every printed page then
//! carries the survey's title and "page 2 of 3" in plain HTML, which prints the same in every
//! browser (CSS page-margin boxes and page counters do not work everywhere).

use fluent_templates::fluent_bundle::FluentValue;
use qrcode::{EcLevel, QrCode, render::svg};
use serde_json::Value;

use crate::{
    surveys::service::{Kind, Question},
    web::i18n::{self, Lang},
};

/// Millimetres of an A4 page (297 mm, 14 mm margins) left for questions under the running header
/// and above the footer, less a reserve: an estimate that errs on the short side keeps every
/// page's content on its own sheet of paper.
const PAGE_BUDGET_MM: u32 = 235;
/// The first page also carries the title, the introduction, the QR code and where to hand in.
const FIRST_PAGE_BLOCK_MM: u32 = 115;
/// The closing thanks and the reminder where to hand in.
const LAST_PAGE_BLOCK_MM: u32 = 30;
/// Characters of a printed line (11 pt on 180 mm), counted low so long words fit.
const LINE_CHARS: usize = 75;
const LINE_MM: u32 = 6;

/// The QR code of `url` as inline SVG (no script, no image request). Its size comes from CSS.
pub fn qr_svg(url: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let image = code
        .render::<svg::Color>()
        .module_dimensions(1, 1)
        .quiet_zone(true)
        .build();
    // Inline SVG takes no XML declaration; the code is decoration beside the written address.
    let start = image.find("<svg")?;
    Some(image[start..].replacen(
        "<svg ",
        "<svg class=\"qr\" aria-hidden=\"true\" focusable=\"false\" ",
        1,
    ))
}

/// What to do on paper: "only one cross", "several crosses", the bounds of a number.
pub fn instruction(lang: Lang, q: &Question) -> String {
    let arg = |v: i32| FluentValue::from(v.to_string());
    match q.kind {
        Kind::Single | Kind::Scale | Kind::YesNo => i18n::t(lang, "survey-print-one-cross"),
        Kind::Multiple => match (q.model.min_choices, q.model.max_choices) {
            (Some(a), Some(b)) => i18n::t_args(
                lang,
                "survey-print-crosses-between",
                &[("min", arg(a)), ("max", arg(b))],
            ),
            (Some(a), None) => i18n::t_args(lang, "survey-print-crosses-min", &[("min", arg(a))]),
            (None, Some(b)) => i18n::t_args(lang, "survey-print-crosses-max", &[("max", arg(b))]),
            (None, None) => i18n::t(lang, "survey-print-crosses"),
        },
        Kind::Number => match (q.model.number_min, q.model.number_max) {
            (Some(a), Some(b)) => i18n::t_args(
                lang,
                "survey-print-number-between",
                &[("min", arg(a)), ("max", arg(b))],
            ),
            (Some(a), None) => i18n::t_args(lang, "survey-print-number-min", &[("min", arg(a))]),
            (None, Some(b)) => i18n::t_args(lang, "survey-print-number-max", &[("max", arg(b))]),
            (None, None) => i18n::t(lang, "survey-print-number"),
        },
        Kind::ShortText | Kind::LongText => i18n::t(lang, "survey-print-write"),
    }
}

fn lines(text: &str) -> u32 {
    if text.trim().is_empty() {
        return 0;
    }
    text.lines()
        .map(|l| l.chars().count().div_ceil(LINE_CHARS).max(1) as u32)
        .sum()
}

/// The estimated printed height of a question in millimetres.
fn height_mm(q: &Question, view: &Value) -> u32 {
    let text = |key: &str| view.get(key).and_then(Value::as_str).unwrap_or_default();
    let prose = lines(text("prompt")) * (LINE_MM + 1)
        + 6
        + (lines(text("help")) + lines(text("condition")) + lines(text("instruction"))) * LINE_MM;
    let answer = match q.kind {
        Kind::Single | Kind::Multiple => {
            let options: u32 = q.options.iter().map(|o| lines(&o.label).max(1) * 11).sum();
            options + if q.model.allow_other { 22 } else { 0 }
        }
        // A scale's boxes stand side by side, five or so to a row.
        Kind::Scale => {
            let span = q.model.scale_max.unwrap_or(5) - q.model.scale_min.unwrap_or(1) + 1;
            u32::try_from(span).unwrap_or(5).div_ceil(5) * 11
        }
        Kind::YesNo => 3 * 11,
        Kind::Number | Kind::ShortText => 16,
        Kind::LongText => 48,
    };
    prose + answer + 6
}

/// Splits the questions' views into printed pages, keeping each question whole.
pub fn paginate(questions: &[Question], views: Vec<Value>, intro_chars: usize) -> Vec<Vec<Value>> {
    let intro_mm = lines(&"x".repeat(intro_chars)) * LINE_MM;
    let mut pages: Vec<Vec<Value>> = vec![Vec::new()];
    let mut used = FIRST_PAGE_BLOCK_MM + intro_mm;
    for (q, view) in questions.iter().zip(views) {
        let height = height_mm(q, &view);
        let current = pages.last().map_or(0, Vec::len);
        if used + height > PAGE_BUDGET_MM && current > 0 {
            pages.push(Vec::new());
            used = 0;
        }
        used += height;
        if let Some(page) = pages.last_mut() {
            page.push(view);
        }
    }
    if used + LAST_PAGE_BLOCK_MM > PAGE_BUDGET_MM {
        pages.push(Vec::new());
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_inline_svg_without_an_xml_declaration() {
        let svg =
            qr_svg("https://teilhabe.example.org/surveys/0190a3c4-0000-7000-8000-000000000000")
                .unwrap_or_default();
        assert!(svg.starts_with("<svg class=\"qr\""), "{svg}");
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("<path"));
        assert!(!svg.contains("<?xml"));
    }

    #[test]
    fn lines_count_wrapped_and_broken_lines() {
        assert_eq!(lines(""), 0);
        assert_eq!(lines("kurz"), 1);
        assert_eq!(lines(&"x".repeat(LINE_CHARS + 1)), 2);
        assert_eq!(lines("eins\nzwei"), 2);
    }
}
