//! DOCX drafts (docx-rs) for the judge to edit in Word, WPS or LibreOffice: the draft's
//! [`Block`]s as paragraphs on A4 with the margins of GB/T 9704, East Asian fonts set on every
//! run (仿宋 body, 黑体 headings, 宋体 for the appendix), a page number in the footer, and the
//! calculation appendix on a new page.
//!
//! The versions that produced the draft are the custom document property `fincase-versions`.
//!
//! Must not: do IO or read a clock. docx-rs writes fixed 1970 dates in `docProps/core.xml` and
//! zip entries carry the zip default date (1980); paragraph ids are set here, not taken from
//! docx-rs' per-thread counter, so the bytes depend only on the draft.

use super::blocks::{Block, BlockKind};
use super::{Draft, DraftError};
use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run,
    RunFonts, SpecialIndentType,
};

/// Body font (East Asian).
pub const BODY_FONT: &str = "仿宋";
/// Heading font (East Asian).
pub const HEADING_FONT: &str = "黑体";
/// Appendix font (East Asian).
pub const APPENDIX_FONT: &str = "宋体";

/// (font, half-points, alignment, first-line indent in chars ×100, bold, page break before).
fn style(kind: BlockKind) -> (&'static str, usize, AlignmentType, i32, bool, bool) {
    match kind {
        BlockKind::Court => (HEADING_FONT, 40, AlignmentType::Center, 0, false, false),
        BlockKind::DocTitle => (HEADING_FONT, 48, AlignmentType::Center, 0, false, false),
        BlockKind::CaseNumber => (BODY_FONT, 28, AlignmentType::Right, 0, false, false),
        BlockKind::Body | BlockKind::Item => {
            (BODY_FONT, 28, AlignmentType::Both, 200, false, false)
        }
        BlockKind::Signature => (BODY_FONT, 28, AlignmentType::Right, 0, false, false),
        BlockKind::AppendixTitle => (HEADING_FONT, 32, AlignmentType::Center, 0, false, true),
        BlockKind::AppendixHeading => (HEADING_FONT, 22, AlignmentType::Left, 0, true, false),
        BlockKind::AppendixItem => (APPENDIX_FONT, 20, AlignmentType::Left, 200, false, false),
        BlockKind::AppendixNote => (APPENDIX_FONT, 16, AlignmentType::Left, 0, false, false),
    }
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

/// A paragraph with a fixed id (w14:paraId must stay below 0x80000000).
fn para(next_id: &mut u32) -> Paragraph {
    *next_id += 1;
    Paragraph::new().id(format!("{:08X}", *next_id))
}

fn paragraph(b: &Block, next_id: &mut u32) -> Paragraph {
    let (font, size, align, indent, bold, page_break) = style(b.kind);
    let mut run = Run::new().add_text(&b.text).fonts(fonts(font)).size(size);
    if bold {
        run = run.bold();
    }
    let mut p = para(next_id)
        .add_run(run)
        .align(align)
        .fonts(fonts(font))
        .size(size)
        .page_break_before(page_break);
    if indent > 0 {
        // First line two characters in (w:firstLineChars), with a twips fallback for readers
        // that ignore the chars unit (size in half-points × 10 = one character in twips).
        p = p
            .indent(
                None,
                Some(SpecialIndentType::FirstLine(size as i32 * 20)),
                None,
                None,
            )
            .first_line_chars(indent);
    }
    if b.kind == BlockKind::Signature {
        // Signature lines stop two characters short of the right margin.
        p = p.indent(None, None, Some(size as i32 * 20), None);
    }
    if !b.kind.is_appendix() {
        // Exact 28 pt lines, as in printed judgments.
        p = p.line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Exact)
                .line(560),
        );
    }
    p
}

/// Renders the draft as a DOCX package (A4, East Asian fonts, page numbers). Deterministic.
pub fn to_docx(draft: &Draft) -> Result<Vec<u8>, DraftError> {
    let mut next_id = 0u32;
    let footer = Footer::new().add_paragraph(
        para(&mut next_id)
            .align(AlignmentType::Center)
            .add_run(Run::new().add_text("第").fonts(fonts(BODY_FONT)).size(18))
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text("页").fonts(fonts(BODY_FONT)).size(18)),
    );
    let mut docx = Docx::new()
        // A4 in twips; margins of GB/T 9704 (37/35/28/26 mm).
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(2098)
                .bottom(1984)
                .left(1587)
                .right(1474)
                .header(851)
                .footer(992),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size(28)
        .footer(footer)
        // One property only: docx-rs keeps custom properties in a HashMap, whose order varies.
        .custom_property(
            "fincase-versions",
            format!(
                "template={}; rules={}; model={}",
                draft.template_version, draft.rules_version, draft.model_version
            ),
        );
    for b in draft.blocks() {
        docx = docx.add_paragraph(paragraph(&b, &mut next_id));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    docx.pack(&mut out).map_err(|e| DraftError::Docx {
        message: e.to_string(),
    })?;
    Ok(out.into_inner())
}
