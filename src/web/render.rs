//! Server-side rendering: the handlebars registry (strict mode, templates embedded in the binary),
//! the escaping `t` and `date` helpers, and the page context every layout receives.

use std::sync::Arc;

use actix_web::{HttpResponse, http::StatusCode};
use fluent_templates::fluent_bundle::FluentValue;
use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason, handlebars_helper,
};
use rust_embed::RustEmbed;
use serde::Serialize;
use serde_json::Value;

use crate::web::i18n::{self, Lang};

#[derive(RustEmbed)]
#[folder = "templates/"]
#[include = "*.hbs"]
struct TemplateFiles;

/// The compiled templates, shared by all workers: HTML (escaped) and the plain-text parts of
/// e-mails (`*.txt.hbs`, not escaped).
#[derive(Clone)]
pub struct Templates {
    html: Arc<Handlebars<'static>>,
    text: Arc<Handlebars<'static>>,
}

impl Templates {
    pub fn load(time_zone: chrono_tz::Tz) -> anyhow::Result<Self> {
        let html = registry(time_zone, true)?;
        let text = registry(time_zone, false)?;
        Ok(Self {
            html: Arc::new(html),
            text: Arc::new(text),
        })
    }

    pub fn render(&self, name: &str, data: &impl Serialize) -> Result<String, RenderError> {
        self.html.render(name, data)
    }

    /// Renders a plain-text template (`emails/*.txt`): nothing is HTML-escaped.
    pub fn render_text(&self, name: &str, data: &impl Serialize) -> Result<String, RenderError> {
        self.text.render(name, data)
    }

    /// Names of the templates that are whole pages (not layouts, partials or e-mail parts).
    pub fn page_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .html
            .get_templates()
            .keys()
            .filter(|n| {
                !n.starts_with("layouts/")
                    && !n.starts_with("partials/")
                    && !n.starts_with("emails/")
            })
            .cloned()
            .collect();
        names.sort();
        names
    }
}

fn registry(time_zone: chrono_tz::Tz, escape: bool) -> anyhow::Result<Handlebars<'static>> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    // Handlebars indents every line a partial writes by the indentation of its `{{> …}}` tag,
    // values included: a textarea's text, a Markdown code block. That changed stored text on
    // every save (each line gained the indentation when the form was shown again). HTML does not
    // need the indentation, so partials are written exactly as they are. Must be set before the
    // templates are compiled.
    hb.set_prevent_indent(true);
    if escape {
        hb.register_embed_templates_with_extension::<TemplateFiles>(".hbs")?;
    } else {
        hb.register_escape_fn(handlebars::no_escape);
        hb.register_embed_templates_with_extension::<TemplateFiles>(".txt.hbs")?;
    }
    let escape_fn: fn(&str) -> String = if escape {
        handlebars::html_escape
    } else {
        |s: &str| s.to_string()
    };
    hb.register_helper(
        "t",
        Box::new(
            move |h: &Helper,
                  _: &Handlebars,
                  ctx: &Context,
                  _: &mut RenderContext,
                  out: &mut dyn Output| { translate_helper(h, ctx, escape_fn, out) },
        ),
    );
    hb.register_helper(
        "date",
        Box::new(
            move |h: &Helper,
                  _: &Handlebars,
                  ctx: &Context,
                  _: &mut RenderContext,
                  out: &mut dyn Output| {
                date_helper(h, ctx, time_zone, escape_fn, out)
            },
        ),
    );
    hb.register_helper("concat", Box::new(concat));
    hb.register_helper("static_url", Box::new(static_url));
    if escape {
        hb.register_helper("markdown", Box::new(markdown));
        hb.register_helper("content_lang", Box::new(content_lang));
    }
    hb.register_helper("field_error", Box::new(FieldError));
    Ok(hb)
}

handlebars_helper!(concat: |a: str, b: str| format!("{a}{b}"));

/// `{{static_url "site.css"}}`: the static file's URL with its content's fingerprint, which is
/// cached for a year (`web/static_files.rs`). A name with no file fails the render.
fn static_url(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let name = h
        .param(0)
        .and_then(|p| p.value().as_str())
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("static_url", 0))?;
    let url = crate::web::static_files::url(name)
        .ok_or_else(|| RenderErrorReason::Other(format!("no static file {name}")))?;
    out.write(&url)?;
    Ok(())
}

/// The language of what staff and residents write: German, whatever language the interface is
/// shown in. Screen readers need to know, or they read German text with English rules.
pub const CONTENT_LANG: Lang = Lang::De;

/// The ` lang="de"` attribute for an element holding written content, when the page's interface
/// language is another one; nothing on German pages. `<h1{{content_lang}}>{{title}}</h1>`.
fn content_lang(
    _: &Helper,
    _: &Handlebars,
    ctx: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    if lang_of(ctx) != CONTENT_LANG {
        out.write(&format!(" lang=\"{}\"", CONTENT_LANG.code()))?;
    }
    Ok(())
}

/// `{{markdown text}}`: staff-written Markdown as sanitized HTML (written as it is, so the
/// sanitizer, not the escaper, is what keeps it safe), marked as German on pages in another
/// language.
fn markdown(
    h: &Helper,
    _: &Handlebars,
    ctx: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let source = h
        .param(0)
        .and_then(|p| p.value().as_str())
        .unwrap_or_default();
    let html = crate::web::markdown::to_safe_html(source);
    if lang_of(ctx) == CONTENT_LANG {
        out.write(&html)?;
    } else {
        out.write(&format!(
            "<div lang=\"{}\">{html}</div>",
            CONTENT_LANG.code()
        ))?;
    }
    Ok(())
}

/// `(field_error "email")`: the page's message for a form field, or null. Strict mode refuses a
/// plain lookup of a field without an error, so forms ask through this helper.
struct FieldError;

impl handlebars::HelperDef for FieldError {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<handlebars::ScopedJson<'rc>, RenderError> {
        let name = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("field_error", 0))?;
        let message = ctx
            .data()
            .pointer(&format!("/page/errors/fields/{name}"))
            .cloned()
            .unwrap_or(Value::Null);
        Ok(handlebars::ScopedJson::Derived(message))
    }
}

fn lang_of(ctx: &Context) -> Lang {
    ctx.data()
        .get("lang")
        .and_then(Value::as_str)
        .and_then(Lang::parse)
        .unwrap_or_default()
}

/// `{{t "key" name=value}}`: the translation for the page's language. In HTML the result (with its
/// arguments) is escaped here, because handlebars writes helper output as it is.
fn translate_helper(
    h: &Helper,
    ctx: &Context,
    escape: fn(&str) -> String,
    out: &mut dyn Output,
) -> HelperResult {
    let key = h
        .param(0)
        .and_then(|p| p.value().as_str())
        .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
    let args: Vec<(&str, FluentValue)> = h
        .hash()
        .iter()
        .map(|(name, value)| {
            let value = match value.value() {
                Value::Number(n) => FluentValue::from(n.as_f64().unwrap_or_default()),
                Value::String(s) => FluentValue::from(s.clone()),
                Value::Null => FluentValue::from(""),
                other => FluentValue::from(other.to_string()),
            };
            (*name, value)
        })
        .collect();
    let text = i18n::lookup(lang_of(ctx), key, &args)
        .ok_or_else(|| RenderErrorReason::Other(format!("no translation for '{key}'")))?;
    out.write(&escape(&text))?;
    Ok(())
}

/// `{{date value "format-date"}}`: an RFC 3339 timestamp in the configured time zone, with the
/// locale's pattern.
fn date_helper(
    h: &Helper,
    ctx: &Context,
    tz: chrono_tz::Tz,
    escape: fn(&str) -> String,
    out: &mut dyn Output,
) -> HelperResult {
    let raw = h
        .param(0)
        .and_then(|p| p.value().as_str())
        .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex("date", 0))?;
    let pattern = h
        .param(1)
        .and_then(|p| p.value().as_str())
        .unwrap_or("format-datetime");
    let at = chrono::DateTime::parse_from_rfc3339(raw)
        .map_err(|e| RenderErrorReason::Other(format!("date '{raw}': {e}")))?
        .with_timezone(&chrono::Utc);
    out.write(&escape(&i18n::format_datetime(
        lang_of(ctx),
        tz,
        at,
        pattern,
    )))?;
    Ok(())
}

/// Marks a response whose body is a page rendered on purpose (such as a form with errors, status
/// 422), so the error-page handler leaves it alone.
#[derive(Clone, Copy)]
pub struct RenderedPage;

/// An HTML response for a rendered page.
pub fn html(status: StatusCode, body: String) -> HttpResponse {
    let mut res = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body);
    res.extensions_mut().insert(RenderedPage);
    res
}
