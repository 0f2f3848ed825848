//! The layout-neutral structure of a draft: a list of [`Block`]s read back from the rendered
//! HTML, so DOCX and PDF carry exactly the words of the template (one source of wording) and
//! never disagree with the HTML or the text version.
//!
//! Reads only the HTML our own templates produce (known elements and classes); anything else is
//! treated as body text. Never fails.

use super::{decode_entities, small_zh};

/// What a block is, which decides its layout in DOCX and PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    /// The court's name (`<h1>`): centred, heading font.
    Court,
    /// The document's name (`<h2>`, 民事判决书 / 支付令): centred, larger, heading font.
    DocTitle,
    /// The case number or case reference under the title: right-aligned.
    CaseNumber,
    /// A body paragraph: first line indented by two characters.
    Body,
    /// A numbered item (`一、…`), e.g. of 判决如下 or the claims: indented like body text.
    Item,
    /// A line of the signature block: right-aligned.
    Signature,
    /// The appendix title (附：计算过程), which starts a new page: centred, heading font.
    AppendixTitle,
    /// A trail's heading inside the appendix.
    AppendixHeading,
    /// A step of a trail, or a rule note.
    AppendixItem,
    /// A note in the appendix (template, rules and extraction versions).
    AppendixNote,
}

impl BlockKind {
    /// True for the parts after the signature (review material, not the document itself).
    pub fn is_appendix(self) -> bool {
        matches!(
            self,
            BlockKind::AppendixTitle
                | BlockKind::AppendixHeading
                | BlockKind::AppendixItem
                | BlockKind::AppendixNote
        )
    }
}

/// One paragraph of a draft, with its text (entities decoded, list numbers applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Layout role.
    pub kind: BlockKind,
    /// The paragraph's text, on one line.
    pub text: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Zone {
    Body,
    Header,
    Signatures,
    Appendix,
}

/// Splits our HTML into blocks: `<h1>`…`<h4>`, `<p>` and `<li>` are blocks (list items get
/// their Chinese number); `<head>` and review-only (`data-html-only`) elements are skipped;
/// inline tags vanish.
pub fn blocks_of(html: &str) -> Vec<Block> {
    let html = super::strip_html_only(html);
    let mut out: Vec<Block> = Vec::new();
    let mut in_head = false;
    let mut zones: Vec<(String, Zone)> = Vec::new();
    let mut counters: Vec<u32> = Vec::new();
    let mut current: Option<(BlockKind, String)> = None;
    let flush = |current: &mut Option<(BlockKind, String)>, out: &mut Vec<Block>| {
        if let Some((kind, text)) = current.take() {
            // ASCII whitespace only: the ideographic space (　) is part of the signature layout.
            let text: String = text
                .split(|c: char| c.is_ascii_whitespace())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if !text.is_empty() {
                out.push(Block { kind, text });
            }
        }
    };
    for piece in super::html_pieces(&html) {
        let (name, closing, tag) = match piece {
            super::HtmlPiece::Text(t) => {
                if !in_head && let Some((_, text)) = current.as_mut() {
                    text.push_str(&decode_entities(t));
                }
                continue;
            }
            super::HtmlPiece::Tag { name, closing, raw } => (name, closing, raw),
        };
        let class = attr(tag, "class").unwrap_or_default();
        let zone = zones.last().map_or(Zone::Body, |z| z.1);
        match (name.as_str(), closing) {
            ("head", false) => in_head = true,
            ("head", true) => in_head = false,
            ("header" | "footer" | "section" | "article" | "div", false) => {
                let z = match (name.as_str(), class.as_str()) {
                    ("header", _) => Zone::Header,
                    ("footer", _) => Zone::Signatures,
                    (_, "trails") => Zone::Appendix,
                    _ => zone,
                };
                zones.push((name, z));
            }
            ("header" | "footer" | "section" | "article" | "div", true) => {
                flush(&mut current, &mut out);
                if let Some(i) = zones.iter().rposition(|z| z.0 == name) {
                    zones.truncate(i);
                }
            }
            ("ol" | "ul", false) => counters.push(0),
            ("ol" | "ul", true) => {
                counters.pop();
            }
            ("h1" | "h2" | "h3" | "h4" | "p" | "li", false) => {
                flush(&mut current, &mut out);
                let kind = match (name.as_str(), zone) {
                    ("h1", _) => BlockKind::Court,
                    ("h2", _) => BlockKind::DocTitle,
                    ("h3", _) => BlockKind::AppendixTitle,
                    ("h4", _) => BlockKind::AppendixHeading,
                    ("li", Zone::Appendix) => BlockKind::AppendixItem,
                    ("li", _) => BlockKind::Item,
                    ("p", Zone::Header) => BlockKind::CaseNumber,
                    ("p", Zone::Signatures) => BlockKind::Signature,
                    ("p", Zone::Appendix) => BlockKind::AppendixNote,
                    _ => BlockKind::Body,
                };
                let mut text = String::new();
                if name == "li"
                    && let Some(c) = counters.last_mut()
                {
                    *c += 1;
                    text.push_str(&small_zh(*c));
                    text.push('、');
                }
                current = Some((kind, text));
            }
            ("h1" | "h2" | "h3" | "h4" | "p" | "li", true) => flush(&mut current, &mut out),
            _ => {}
        }
    }
    flush(&mut current, &mut out);
    out
}

/// The value of `name="…"` in a tag's source.
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(tag[start..start + len].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_follow_the_template_structure() {
        let html = "<html><head><title>t</title></head><body><article><header><h1>某法院</h1>\
            <h2>民事判决书</h2><p class=\"case-number\">（2024）号</p></header>\
            <section><p>原告 &amp; 被告</p><ol><li>甲<a href=\"#x\">1.00</a>元；</li><li>乙</li></ol></section>\
            <footer class=\"signatures\"><p>审判员　王</p></footer></article>\
            <section class=\"trails\"><h3>附</h3><div class=\"trail\"><h4>利息</h4><ol><li>步骤\
            <span class=\"rule\">（规则）</span></li></ol></div><p class=\"versions\">v</p></section></body></html>";
        let b = blocks_of(html);
        let got: Vec<(BlockKind, &str)> = b.iter().map(|b| (b.kind, b.text.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (BlockKind::Court, "某法院"),
                (BlockKind::DocTitle, "民事判决书"),
                (BlockKind::CaseNumber, "（2024）号"),
                (BlockKind::Body, "原告 & 被告"),
                (BlockKind::Item, "一、甲1.00元；"),
                (BlockKind::Item, "二、乙"),
                (BlockKind::Signature, "审判员　王"),
                (BlockKind::AppendixTitle, "附"),
                (BlockKind::AppendixHeading, "利息"),
                (BlockKind::AppendixItem, "一、步骤（规则）"),
                (BlockKind::AppendixNote, "v"),
            ]
        );
    }

    #[test]
    fn broken_html_never_panics() {
        for s in ["<", "<p", "<p>x", "</p></p>", "<li>a", "&amp"] {
            let _ = blocks_of(s);
        }
    }
}
