//! PDF drafts: A4 pages laid out from the draft's [`Block`]s, drawn with krilla in an embedded,
//! per-document subset of the CJK font ([`PdfFont`]) with a ToUnicode map, so the text is
//! extractable (our own `ingest::read_pdf` reads it back).
//!
//! Layout: character-based line breaking for CJK (no shaper: one glyph per character), runs of
//! ASCII (amounts like `100,000.00`, contract numbers) kept whole, closing punctuation never
//! starting a line (it hangs into the margin, 标点悬挂) and opening punctuation never ending one;
//! pagination with a page number (`第1页 共3页`) at the foot of every page; the calculation
//! appendix starts on a new page.
//!
//! Font coverage: the compiled-in subset holds GB2312 level 1, its symbol rows, ASCII and the
//! generator's characters. A few typographic characters it lacks are drawn with an equivalent
//! glyph (U+2212 minus as `-`); any other missing character (a GB2312 level-2 or rarer hanzi in a
//! name) makes the PDF fail with [`DraftError::Unencodable`] listing them, before anything is
//! drawn: the pipeline then keeps the HTML, text and DOCX versions and says why there is no PDF.
//! [`PdfOptions::font`] takes a fuller font (a court's licensed 仿宋, or full Noto Sans CJK SC).
//!
//! Must not: do IO, read a clock (no creation date is written; the metadata is a pure function
//! of the draft) or panic: a character the font lacks is [`DraftError::Unencodable`].

use super::blocks::{Block, BlockKind};
use super::font::{FontInfo, PdfFont};
use super::{Draft, DraftError};
use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{GlyphId, KrillaGlyph};

/// A4 width in points.
pub const PAGE_W: f32 = 595.28;
/// A4 height in points.
pub const PAGE_H: f32 = 841.89;
const LEFT: f32 = 79.0;
const RIGHT: f32 = 74.0;
const TOP: f32 = 86.0;
const BOTTOM: f32 = 86.0;
const TEXT_W: f32 = PAGE_W - LEFT - RIGHT;
/// Baseline of the page number, from the top.
const FOLIO_Y: f32 = PAGE_H - 48.0;

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Centre,
    Right,
}

struct Style {
    size: f32,
    leading: f32,
    align: Align,
    indent_em: f32,
    before: f32,
    new_page: bool,
}

fn style(kind: BlockKind) -> Style {
    let s = |size, leading, align, indent_em, before| Style {
        size,
        leading,
        align,
        indent_em,
        before,
        new_page: false,
    };
    match kind {
        BlockKind::Court => s(20.0, 1.6, Align::Centre, 0.0, 0.0),
        BlockKind::DocTitle => s(24.0, 1.8, Align::Centre, 0.0, 2.0),
        BlockKind::CaseNumber => s(14.0, 1.8, Align::Right, 0.0, 4.0),
        BlockKind::Body | BlockKind::Item => s(14.0, 1.8, Align::Left, 2.0, 0.0),
        BlockKind::Signature => s(14.0, 1.8, Align::Right, 2.0, 0.0),
        BlockKind::AppendixTitle => Style {
            new_page: true,
            ..s(16.0, 1.8, Align::Centre, 0.0, 0.0)
        },
        BlockKind::AppendixHeading => s(11.0, 1.6, Align::Left, 0.0, 6.0),
        BlockKind::AppendixItem => s(10.0, 1.5, Align::Left, 2.0, 0.0),
        BlockKind::AppendixNote => s(8.0, 1.5, Align::Left, 0.0, 6.0),
    }
}

/// One line placed on a page: left x and baseline y from the top, in points.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLine {
    /// Left edge.
    pub x: f32,
    /// Baseline, from the top of the page.
    pub y: f32,
    /// Font size.
    pub size: f32,
    /// The text.
    pub text: String,
}

/// Characters that must not start a line (they hang at the end of the previous one).
fn no_start(c: char) -> bool {
    "，。、；：？！）》」』】〕〉”’…·%,.;:!?)]}".contains(c)
}

/// Characters that must not end a line (they move to the next one).
fn no_end(c: char) -> bool {
    "（《「『【〔〈“‘([{".contains(c)
}

/// Splits text into breakable units: a run of printable ASCII is one unit, a space is one,
/// every other character is one.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let word = c.is_ascii_graphic();
        match (start, word) {
            (None, true) => start = Some(i),
            (Some(_), true) => {}
            (Some(s), false) => {
                out.push(&text[s..i]);
                start = None;
                out.push(&text[i..i + c.len_utf8()]);
            }
            (None, false) => out.push(&text[i..i + c.len_utf8()]),
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

fn width(info: &FontInfo, s: &str, size: f32) -> f32 {
    s.chars().map(|c| info.char_advance(c)).sum::<f32>() * size
}

/// Breaks `text` into lines no wider than `first` (first line) and `rest` points, except for
/// hanging closing punctuation.
pub(super) fn wrap(info: &FontInfo, text: &str, size: f32, first: f32, rest: f32) -> Vec<String> {
    let limit = first.min(rest);
    let mut units: Vec<&str> = Vec::new();
    for t in tokens(text) {
        if t.chars().count() > 1 && width(info, t, size) > limit {
            units.extend(tokens_by_char(t));
        } else {
            units.push(t);
        }
    }
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0.0;
    let mut avail = first;
    for u in units {
        let w = width(info, u, size);
        if cur.is_empty() && u == " " {
            continue;
        }
        let hangs = u.chars().all(no_start);
        if cur.is_empty() || cur_w + w <= avail + 0.01 || hangs {
            cur.push_str(u);
            cur_w += w;
            continue;
        }
        // Break before `u`, carrying opening punctuation at the end of the line along.
        let mut carry = String::new();
        while let Some(c) = cur.chars().last() {
            if no_end(c) && cur.chars().count() > 1 {
                cur.pop();
                carry.insert(0, c);
            } else {
                break;
            }
        }
        lines.push(cur.trim_end().to_owned());
        avail = rest;
        cur = carry;
        if u != " " {
            cur.push_str(u);
        }
        cur_w = width(info, &cur, size);
    }
    if !cur.trim().is_empty() {
        lines.push(cur.trim_end().to_owned());
    }
    lines
}

fn tokens_by_char(t: &str) -> impl Iterator<Item = &str> {
    t.char_indices().map(move |(i, c)| &t[i..i + c.len_utf8()])
}

/// Lays the blocks out on A4 pages (pure: no font file access beyond the tables).
pub(super) fn layout(info: &FontInfo, blocks: &[Block]) -> Vec<Vec<PlacedLine>> {
    let mut pages: Vec<Vec<PlacedLine>> = vec![Vec::new()];
    let mut y = TOP;
    for b in blocks {
        let st = style(b.kind);
        let line_h = st.size * st.leading;
        if st.new_page && pages.last().is_some_and(|p| !p.is_empty()) {
            pages.push(Vec::new());
            y = TOP;
        }
        if pages.last().is_some_and(|p| !p.is_empty()) {
            y += st.before;
        }
        let indent = st.indent_em * st.size;
        let (first, rest) = match st.align {
            Align::Left => (TEXT_W - indent, TEXT_W),
            Align::Centre => (TEXT_W, TEXT_W),
            Align::Right => (TEXT_W - indent, TEXT_W - indent),
        };
        for (i, line) in wrap(info, &b.text, st.size, first, rest)
            .into_iter()
            .enumerate()
        {
            if y + line_h > PAGE_H - BOTTOM && pages.last().is_some_and(|p| !p.is_empty()) {
                pages.push(Vec::new());
                y = TOP;
            }
            let w = width(info, &line, st.size);
            let x = match st.align {
                Align::Left if i == 0 => LEFT + indent,
                Align::Left => LEFT,
                Align::Centre => LEFT + ((TEXT_W - w) / 2.0).max(0.0),
                Align::Right => (PAGE_W - RIGHT - indent - w).max(LEFT),
            };
            y += line_h;
            if let Some(p) = pages.last_mut() {
                p.push(PlacedLine {
                    x,
                    y: y - (st.leading - 1.0) * st.size / 2.0,
                    size: st.size,
                    text: line,
                });
            }
        }
    }
    pages
}

/// A typographic equivalent for a character the font lacks (U+2212 minus and figure or en
/// dashes drawn as `-`, thin and no-break spaces as a space); other characters are kept (and
/// reported as missing).
fn substitute(info: &FontInfo, c: char) -> char {
    if info.glyph(c).is_some() {
        return c;
    }
    match c {
        '\u{2212}' | '\u{2012}' | '\u{2013}' | '\u{2010}' | '\u{2011}' => '-',
        '\u{00A0}' | '\u{2009}' | '\u{202F}' | '\u{2002}' | '\u{2003}' => ' ',
        _ => c,
    }
}

/// Options of a PDF rendering.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// The font; [`PdfFont::embedded`] by default.
    pub font: Option<PdfFont>,
}

/// Renders the draft as a PDF with the compiled-in subset font. Fails with
/// [`DraftError::Unencodable`] when the draft holds a character the font lacks (e.g. a rare
/// hanzi in a name): the caller keeps the HTML/DOCX versions and may retry with a fuller font
/// ([`to_pdf_with`]).
pub fn to_pdf(draft: &Draft) -> Result<Vec<u8>, DraftError> {
    to_pdf_with(draft, &PdfOptions { font: None })
}

/// Renders the draft as a PDF with the given options. Deterministic: same draft and font, same
/// bytes (no dates; the document id is derived from the content).
pub fn to_pdf_with(draft: &Draft, opts: &PdfOptions) -> Result<Vec<u8>, DraftError> {
    let font = match &opts.font {
        Some(f) => f.clone(),
        None => PdfFont::embedded()?,
    };
    let mut blocks = draft.blocks();
    for b in &mut blocks {
        if b.text.chars().any(|c| font.info.glyph(c).is_none()) {
            b.text = b.text.chars().map(|c| substitute(&font.info, c)).collect();
        }
    }
    let mut missing: Vec<char> = blocks
        .iter()
        .flat_map(|b| font.missing_chars(&b.text))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    if !missing.is_empty() {
        return Err(DraftError::Unencodable {
            chars: missing.into_iter().collect(),
        });
    }
    let pages = layout(&font.info, &blocks);
    let title = blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Court | BlockKind::DocTitle))
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(title)
            .creator("fincase draft".to_owned())
            .language("zh-CN".to_owned())
            .keywords(vec![
                format!("template={}", draft.template_version),
                format!("rules={}", draft.rules_version),
                format!("model={}", draft.model_version),
            ]),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| DraftError::Pdf {
        message: "bad page size".into(),
    })?;
    let total = pages.len();
    for (n, lines) in pages.iter().enumerate() {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        let folio = format!("第{}页 共{total}页", n + 1);
        let folio_line = PlacedLine {
            x: (PAGE_W - width(&font.info, &folio, 9.0)) / 2.0,
            y: FOLIO_Y,
            size: 9.0,
            text: folio,
        };
        for line in lines.iter().chain(std::iter::once(&folio_line)) {
            let glyphs: Vec<KrillaGlyph> = line
                .text
                .char_indices()
                .map(|(i, c)| {
                    // Coverage was checked above; a space the font lacks is drawn as a gap.
                    let gid = font.info.glyph(c).unwrap_or(0);
                    KrillaGlyph {
                        glyph_id: GlyphId::new(u32::from(gid)),
                        text_range: i..i + c.len_utf8(),
                        x_advance: font.info.char_advance(c),
                        x_offset: 0.0,
                        y_offset: 0.0,
                        y_advance: 0.0,
                        location: None,
                    }
                })
                .collect();
            surface.draw_glyphs(
                Point::from_xy(line.x, line.y),
                &glyphs,
                font.krilla.clone(),
                &line.text,
                line.size,
                false,
            );
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| DraftError::Pdf {
        message: format!("krilla: {e:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> std::sync::Arc<FontInfo> {
        PdfFont::embedded().unwrap().info
    }

    #[test]
    fn wrapping_keeps_numbers_whole_and_punctuation_off_line_starts() {
        let info = info();
        // 10 ems per line at size 10.
        let text = "被告于本判决生效之日起十日内归还借款本金100,000.00元，并支付利息（含罚息）。";
        let lines = wrap(&info, text, 10.0, 100.0, 100.0);
        assert_eq!(lines.concat(), text);
        for l in &lines {
            let first = l.chars().next().unwrap();
            assert!(!no_start(first), "line starts with {first}: {lines:?}");
            let last = l.chars().last().unwrap();
            assert!(!no_end(last), "line ends with {last}: {lines:?}");
            assert!(width(&info, l.trim_end_matches(no_start), 10.0) <= 100.01);
        }
        assert!(lines.iter().any(|l| l.contains("100,000.00")), "{lines:?}");
        // A word longer than a line is split by character rather than overflowing.
        let long = "A".repeat(60);
        assert!(wrap(&info, &long, 10.0, 100.0, 100.0).len() > 1);
        assert!(wrap(&info, "", 10.0, 100.0, 100.0).is_empty());
    }

    #[test]
    fn long_documents_paginate() {
        let info = info();
        let blocks: Vec<Block> = (0..200)
            .map(|i| Block {
                kind: BlockKind::Body,
                text: format!("第{i}段。本院认为，原告与被告签订的借款合同合法有效。"),
            })
            .collect();
        let pages = layout(&info, &blocks);
        assert!(pages.len() > 3);
        for p in &pages {
            assert!(!p.is_empty());
            for l in p {
                assert!(l.y <= PAGE_H - BOTTOM && l.y > TOP, "{l:?}");
                assert!(l.x >= LEFT - 0.01);
            }
        }
    }
}
