//! Markdown written by staff, rendered to HTML that is safe to show: pulldown-cmark renders,
//! ammonia keeps only harmless tags and attributes. Images are dropped: they would load from
//! other hosts (tracking residents, costing prepaid data) and carry no alt text we can check.

use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .rm_tags(["img"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto", "tel"].into());
    builder
});

/// Staff text sits under the page's own `h1` and `h2`: its headings start at `h3`, so the
/// page's outline stays in order for screen readers.
fn nested(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Markdown to sanitized HTML.
pub fn to_safe_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    let mut unsafe_html = String::with_capacity(markdown.len() * 2);
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: nested(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(nested(level))),
        other => other,
    });
    html::push_html(&mut unsafe_html, events);
    SANITIZER.clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_formatting_and_drops_scripts_handlers_and_images() {
        let html = to_safe_html(
            "**Wichtig:** [Amt](https://example.org)\n\n<script>alert(1)</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"x()\">x</a>\n\n![pixel](https://tracker.example/p.gif)",
        );
        assert!(html.contains("<strong>Wichtig:</strong>"));
        assert!(html.contains("href=\"https://example.org\""));
        assert!(html.contains("rel=\"noopener noreferrer nofollow\""));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(!html.contains("onclick"));
        assert!(!html.contains("<img"));
    }

    #[test]
    fn headings_in_staff_text_start_below_the_pages_own() {
        let html = to_safe_html("# Ergebnis\n\n## Details\n\n#### tief");
        assert!(html.contains("<h3>Ergebnis</h3>"));
        assert!(html.contains("<h4>Details</h4>"));
        assert!(html.contains("<h6>tief</h6>"));
        assert!(!html.contains("<h1"));
    }
}
