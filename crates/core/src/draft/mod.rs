//! Drafts: turns facts, findings and the rules' [`Outcome`] into a 民事判决书 or 支付令 draft for
//! a judge to review and edit, in four formats: HTML (review screen, every figure linked to its
//! trail), plain text, DOCX ([`to_docx`], to edit in Word/WPS/LibreOffice) and PDF ([`to_pdf`],
//! embedded subset CJK font, text extractable); plus the 多案联审 group sheet ([`groups`]).
//!
//! **Owns:** the wording and layout of drafts. Templates are data under `src/draft/templates/`
//! (minijinja, compiled in with `include_str!`, versioned in their file names:
//! `judgment.v3.html.j2`, `payment_order.v3.html.j2`, `notice.v2.html.j2`, `groups.v1.html.j2`,
//! and `paper.v1.html.j2`, the layout of the papers after a draft: [`papers`]);
//! their structure follows the domain file §4.2 (judgment), §4.5 (operative items), §4.6
//! (迟延履行 clause, 2023 CPL 第二百六十四条) and §4.7 (支付令). A court may override any of them
//! with its own files ([`TemplateSet::load`], a folder of `<kind>.<version>.html.j2`); drafts
//! then record the override's file name and content hash. Every draft records the template,
//! rules and extraction versions that produced it ([`Draft`] fields, HTML `<meta>`, the
//! appendix's last line, DOCX custom properties, PDF keywords).
//!
//! DOCX and PDF are laid out from [`Block`]s read back from the rendered HTML, so the template
//! stays the single source of wording and the four formats never disagree.
//!
//! **Must not:** compute law (every figure comes from `rules`, with its trail), do IO, or see an
//! HTTP/DB type. Same input → byte-identical output.
//!
//! Invariants:
//! - Everything printed is HTML-escaped by minijinja's auto-escape (`.html.j2`); no value is
//!   marked safe. In the HTML every figure links to its calculation trail (`#trail-interest`, …),
//!   and the trails are listed at the end; a figure read from the filing also links to its source
//!   page and span (`#src-claims.principal`, from [`DraftOptions::provenance`]), listed in a
//!   source appendix.
//! - Review-only HTML (source links and the source appendix) carries `data-html-only`: the text,
//!   DOCX and PDF versions leave it out, so the document a judge signs is unchanged.
//! - The plain-text version is derived from the HTML (tags dropped, entities decoded), so the two
//!   never disagree.
//! - An outcome with [`DocumentKind::None`] (rejected at pre-check, or needing review) renders a
//!   short notice with the reasons, of kind `None`: the rules do not decide 不予受理 (a filing out
//!   of limitation must still be accepted, 民诉法解释第二百一十九条 \[M\]), so the notice is addressed
//!   to the judge, not a ruling.

mod blocks;
mod context;
mod docx;
mod font;
pub mod groups;
pub mod papers;
mod pdf;
mod templates;

pub use blocks::{Block, BlockKind, blocks_of};
pub use context::{date_zh, date_zh_numerals, small_zh};
pub use docx::{APPENDIX_FONT, BODY_FONT, HEADING_FONT, to_docx};
pub use font::{FontInfo, PdfFont};
pub use pdf::{PAGE_H, PAGE_W, PdfOptions, to_pdf, to_pdf_with};
pub use templates::{TemplateOverride, TemplateSet};

use crate::domain::{CaseFacts, Finding};
use crate::rules::{DocumentKind, Outcome};
use chrono::NaiveDate;
use minijinja::{Environment, UndefinedBehavior};
use std::sync::OnceLock;

/// Template of a 民事判决书.
pub const JUDGMENT_TEMPLATE: &str = "judgment.v3.html.j2";
/// Template of a 支付令.
pub const PAYMENT_ORDER_TEMPLATE: &str = "payment_order.v3.html.j2";
/// Template of the notice drafted when no court document is suggested.
pub const NOTICE_TEMPLATE: &str = "notice.v2.html.j2";

/// What read the facts, when the caller does not say ([`DraftOptions::model_version`]): the
/// rule-based extractor of this build (no model is used yet).
pub const EXTRACTOR_VERSION: &str = concat!(
    "fincase-extract/",
    env!("CARGO_PKG_VERSION"),
    " (rules, no model)"
);

const TEMPLATES: [(&str, &str); 5] = [
    (
        JUDGMENT_TEMPLATE,
        include_str!("templates/judgment.v3.html.j2"),
    ),
    (
        PAYMENT_ORDER_TEMPLATE,
        include_str!("templates/payment_order.v3.html.j2"),
    ),
    (NOTICE_TEMPLATE, include_str!("templates/notice.v2.html.j2")),
    (
        papers::PAPER_TEMPLATE,
        include_str!("templates/paper.v1.html.j2"),
    ),
    (
        groups::GROUPS_TEMPLATE,
        include_str!("templates/groups.v1.html.j2"),
    ),
];

/// A rendered draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Which document (`None` for the review / pre-check notice).
    pub kind: DocumentKind,
    /// The HTML document (UTF-8, self-contained, trail at the end).
    pub html: String,
    /// The plain-text version of the same document.
    pub text: String,
    /// The template's versioned name (`judgment.v3.html.j2`); for a court's override, its file
    /// name and content hash (`judgment.hz.v1.html.j2 override sha256:0123456789abcdef`).
    pub template_version: String,
    /// The rules version of the outcome (`Outcome::rules_version`).
    pub rules_version: String,
    /// What extracted the facts ([`EXTRACTOR_VERSION`] unless the caller says otherwise).
    pub model_version: String,
}

impl Draft {
    /// The draft's paragraphs with their layout roles, as DOCX and PDF lay them out.
    pub fn blocks(&self) -> Vec<Block> {
        blocks_of(&self.html)
    }
}

/// Errors of drafting. A template error is a bug in a shipped template, not bad input.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// A template failed to compile or render.
    #[error("draft template {template}: {message}")]
    Template {
        /// The template's name.
        template: &'static str,
        /// minijinja's message.
        message: String,
    },
    /// A court's template folder could not be loaded (unreadable, unknown kind, two files for
    /// one kind, or a template that does not compile).
    #[error("draft templates in {path}: {message}")]
    TemplateDir {
        /// The folder or file.
        path: String,
        /// The cause.
        message: String,
    },
    /// The DOCX package could not be written.
    #[error("draft DOCX: {message}")]
    Docx {
        /// The cause.
        message: String,
    },
    /// The PDF could not be written (font unreadable, krilla error).
    #[error("draft PDF: {message}")]
    Pdf {
        /// The cause.
        message: String,
    },
    /// The PDF font has no glyph for these characters (e.g. a rare hanzi in a party's name):
    /// the HTML, text and DOCX versions are unaffected; a fuller font can be supplied
    /// ([`PdfOptions::font`]).
    #[error("draft PDF: the font lacks {chars:?}; use the DOCX version or a fuller font")]
    Unencodable {
        /// The missing characters, sorted.
        chars: String,
    },
}

impl DraftError {
    /// Never retryable: the same input fails the same way.
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// Whether the defendants appeared (decides the 缺席审理 sentence and 民诉法第一百四十七条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Attendance {
    /// Not known to the pipeline: the draft leaves a bracketed placeholder for the judge.
    #[default]
    Unknown,
    /// All parties appeared.
    Appeared,
    /// The defendants did not appear after summons: default judgment (缺席判决).
    Absent,
}

/// What the court adds that the filing does not say. All optional: absent values print as
/// `____` placeholders.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftOptions {
    /// Case number (`（2025）浙0106民初1234号`).
    pub case_number: Option<String>,
    /// Attendance of the defendants.
    pub attendance: Attendance,
    /// Judge's name.
    pub judge: Option<String>,
    /// Clerk's name.
    pub clerk: Option<String>,
    /// Date of the judgment or order.
    pub judgment_date: Option<NaiveDate>,
    /// The intermediate court named in the appeal notice.
    pub appellate_court: Option<String>,
    /// What extracted the facts (model name and version); [`EXTRACTOR_VERSION`] when `None`.
    pub model_version: Option<String>,
    /// Where each fact was read from (`ExtractReport::provenance`): figures with a source get a
    /// link to their page and span, and the HTML a source appendix. `None`: trails only.
    pub provenance: Option<crate::domain::Provenance>,
    /// The court's template overrides; the built-in templates where `None` or where the set
    /// has no override for the document's kind.
    pub templates: Option<std::sync::Arc<TemplateSet>>,
}

impl DraftOptions {
    /// The extraction version to record.
    pub fn model_version(&self) -> String {
        self.model_version
            .clone()
            .unwrap_or_else(|| EXTRACTOR_VERSION.to_owned())
    }
}

/// A minijinja environment with our settings and filters, no templates yet.
fn base_environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // `{{ amount|yuan }}`: a serialised `Yuan` printed with grouping (`1,234.50`).
    env.add_filter("yuan", |v: String| {
        v.parse::<crate::domain::Yuan>()
            .map_or(v, crate::domain::Yuan::grouped)
    });
    env
}

pub(crate) fn environment() -> Result<&'static Environment<'static>, DraftError> {
    static ENV: OnceLock<Result<Environment<'static>, (&'static str, String)>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = base_environment();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|e| (name, e.to_string()))?;
        }
        Ok(env)
    })
    .as_ref()
    .map_err(|(template, message)| DraftError::Template {
        template,
        message: message.clone(),
    })
}

/// Renders the draft the outcome calls for, with default [`DraftOptions`] (placeholders).
pub fn render(
    facts: &CaseFacts,
    findings: &[Finding],
    outcome: &Outcome,
) -> Result<Draft, DraftError> {
    render_with(facts, findings, outcome, &DraftOptions::default())
}

/// Renders the draft the outcome calls for: a judgment, a payment order, or (for
/// [`DocumentKind::None`]) the notice with the reasons.
pub fn render_with(
    facts: &CaseFacts,
    findings: &[Finding],
    outcome: &Outcome,
    opts: &DraftOptions,
) -> Result<Draft, DraftError> {
    let template = match outcome.document {
        DocumentKind::Judgment => JUDGMENT_TEMPLATE,
        DocumentKind::PaymentOrder => PAYMENT_ORDER_TEMPLATE,
        DocumentKind::None => NOTICE_TEMPLATE,
    };
    let over = opts
        .templates
        .as_deref()
        .and_then(|set| set.get(template).map(|o| (set, o)));
    let version = over.map_or_else(|| template.to_owned(), |(_, o)| o.version());
    let ctx = context::build(facts, findings, outcome, opts, &version);
    let err = |e: minijinja::Error| DraftError::Template {
        template,
        message: match over {
            Some((_, o)) => format!("override {}: {e:#}", o.path.display()),
            None => format!("{e:#}"),
        },
    };
    let html = match over {
        Some((set, o)) => set.env.get_template(&o.file_name),
        None => environment()?.get_template(template),
    }
    .map_err(err)?
    .render(&ctx)
    .map_err(err)?;
    let text = html_to_text(&html);
    Ok(Draft {
        kind: outcome.document,
        html,
        text,
        template_version: version,
        rules_version: outcome.rules_version.clone(),
        model_version: opts.model_version(),
    })
}

/// A piece of our own draft HTML, in document order.
pub(crate) enum HtmlPiece<'a> {
    /// Text between tags, entities not yet decoded.
    Text(&'a str),
    /// A tag: its lower-case name, whether it closes, and its source between `<` and `>`.
    Tag {
        name: String,
        closing: bool,
        raw: &'a str,
    },
}

/// Splits our HTML into text and tags (the one tokenizer behind [`html_to_text`],
/// [`blocks::blocks_of`] and `strip_html_only`); an unterminated `<…` at the end is dropped.
pub(crate) fn html_pieces(html: &str) -> Vec<HtmlPiece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        pieces.push(HtmlPiece::Text(&rest[..lt]));
        let after = &rest[lt..];
        let Some(gt) = after.find('>') else {
            return pieces;
        };
        let raw = &after[1..gt];
        rest = &after[gt + 1..];
        let name = raw
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        pieces.push(HtmlPiece::Tag {
            name,
            closing: raw.starts_with('/'),
            raw,
        });
    }
    pieces.push(HtmlPiece::Text(rest));
    pieces
}

/// Plain text from our HTML: `<head>` dropped, block elements end a line, list items get their
/// number (`一、`), other tags vanish, entities are decoded, blank runs collapse.
pub fn html_to_text(html: &str) -> String {
    let html = strip_html_only(html);
    let mut out = String::new();
    let mut in_head = false;
    let mut counters: Vec<u32> = Vec::new();
    for piece in html_pieces(&html) {
        let (name, closing) = match piece {
            HtmlPiece::Text(t) => {
                if !in_head {
                    out.push_str(&decode_entities(t));
                }
                continue;
            }
            HtmlPiece::Tag { name, closing, .. } => (name, closing),
        };
        match (name.as_str(), closing) {
            ("head", false) => in_head = true,
            ("head", true) => in_head = false,
            ("ol" | "ul", false) => counters.push(0),
            ("ol" | "ul", true) => {
                counters.pop();
                out.push('\n');
            }
            ("li", false) => {
                if let Some(c) = counters.last_mut() {
                    *c += 1;
                    out.push_str(&small_zh(*c));
                    out.push('、');
                }
            }
            (
                "p" | "h1" | "h2" | "h3" | "h4" | "li" | "div" | "header" | "footer" | "section"
                | "article" | "br",
                _,
            ) => out.push('\n'),
            _ => {}
        }
    }
    let mut text = String::new();
    let mut blank = 0;
    for line in out.lines().map(str::trim) {
        if line.is_empty() {
            blank += 1;
            if blank == 1 && !text.is_empty() {
                text.push('\n');
            }
        } else {
            blank = 0;
            text.push_str(line);
            text.push('\n');
        }
    }
    text.trim_end().to_owned() + "\n"
}

/// Drops every element marked `data-html-only` (review links, the source appendix), with its
/// content, so the text, DOCX and PDF versions carry only the document itself. Only tags are
/// looked at (text never holds a raw `<`: everything printed is escaped).
pub(crate) fn strip_html_only(html: &str) -> std::borrow::Cow<'_, str> {
    const MARK: &str = " data-html-only";
    if !html.contains(MARK) {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    // While skipping: the marked element's name and the nesting depth of that name.
    let mut skipping: Option<(String, usize)> = None;
    for piece in html_pieces(html) {
        let (name, closing, raw) = match piece {
            HtmlPiece::Text(t) => {
                if skipping.is_none() {
                    out.push_str(t);
                }
                continue;
            }
            HtmlPiece::Tag { name, closing, raw } => (name, closing, raw),
        };
        match &mut skipping {
            Some((skip, depth)) if *skip == name => {
                if closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skipping = None;
                    }
                } else {
                    *depth += 1;
                }
            }
            Some(_) => {}
            None if !closing && raw.contains(MARK) => skipping = Some((name, 1)),
            None => {
                out.push('<');
                out.push_str(raw);
                out.push('>');
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests;
