//! The filing's text as the field rules read it: pages flattened into *logical lines*, where
//! lines the layout wrapped are joined back (a paragraph broken at the right margin is one
//! line again), each char remembering its page and char offset so that spans map back to
//! provenance.

use super::amount::char_offset;
use crate::domain::DocumentText;
use std::ops::Range;

/// Width of a full printed line in ems; lines this close to it were wrapped by the layout.
const WRAP_EM: f32 = 35.0;

/// One logical line.
#[derive(Debug, Clone)]
pub(crate) struct LLine {
    /// Byte range of the line in [`Flat::text`].
    pub(crate) bytes: Range<usize>,
}

/// All pages of a filing as one string of logical lines separated by `\n`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Flat {
    /// The text.
    pub(crate) text: String,
    /// For every char of `text`: (1-based page, char offset in that page's text).
    origin: Vec<(u32, u32)>,
    /// The logical lines in order.
    pub(crate) lines: Vec<LLine>,
}

fn em(c: char) -> f32 {
    if c.is_ascii() { 0.5 } else { 1.0 }
}

/// Width of the first unbreakable token of a line (an ASCII run, or one char).
fn first_token_em(s: &str) -> f32 {
    let mut w = 0.0;
    for c in s.chars() {
        if c.is_ascii() && !c.is_ascii_whitespace() {
            w += 0.5;
        } else {
            return if w == 0.0 { em(c) } else { w };
        }
    }
    w
}

/// True when a line starts a new block whatever the line before it (a party, a heading, a
/// numbered claim), so it is never joined to the line before.
fn starts_block(next: &str) -> bool {
    // Heads that open a block when a colon follows closely (`原告：`, `被告一（借款人）：`);
    // without one, `原告借款…` is just a wrapped sentence going on.
    const COLON_HEADS: &[&str] = &[
        "原告",
        "被告",
        "申请人",
        "被申请人",
        "委托",
        "法定代表人",
        "负责人",
        "案由",
        "诉讼请求",
        "请求事项",
        "事实与理由",
        "事实和理由",
        "事实及理由",
        "证据",
        "具状人",
        "起诉人",
        "请求",
    ];
    const BARE_HEADS: &[&str] = &[
        "此致",
        "以上合计",
        "以上各项",
        "上述金额",
        "【",
        "〔",
        "致：",
    ];
    if BARE_HEADS.iter().any(|h| next.starts_with(h)) {
        return true;
    }
    if COLON_HEADS.iter().any(|h| next.starts_with(h)) {
        let head: String = next.chars().take(12).collect();
        if head.contains(['：', ':']) {
            return true;
        }
    }
    let mut it = next.chars();
    let first = it.next();
    let rest: String = it.take(4).collect();
    match first {
        Some('一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十') => {
            rest.starts_with('、')
        }
        Some('0'..='9') => {
            // `1.` or `2、` numbering, not a decimal figure such as `1222.47元`.
            let mut after = next.chars().skip_while(char::is_ascii_digit);
            let mark = after.next();
            let then = after.next();
            matches!(mark, Some('.' | '、' | '．')) && !then.is_some_and(|c| c.is_ascii_digit())
        }
        Some('（' | '(') => {
            let inner: String = rest
                .chars()
                .take_while(|c| !matches!(c, '）' | ')'))
                .collect();
            !inner.is_empty()
                && inner.chars().count() <= 2
                && inner
                    .chars()
                    .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
        }
        _ => false,
    }
}

impl Flat {
    /// Flattens a document, joining wrapped lines.
    pub(crate) fn new(doc: &DocumentText) -> Flat {
        // Physical lines with their origin.
        let mut phys: Vec<(u32, u32, &str)> = Vec::new();
        for p in &doc.pages {
            let mut off = 0u32;
            for l in p.text.split('\n') {
                phys.push((p.page, off, l));
                off += l.chars().count() as u32 + 1;
            }
        }
        let mut flat = Flat::default();
        let mut cur_start = 0usize;
        let mut prev_joinable = false;
        for (i, (page, off, l)) in phys.iter().enumerate() {
            let trimmed_start = l.len() - l.trim_start().len();
            let lead = l[..trimmed_start].chars().count() as u32;
            let body = l.trim();
            if body.is_empty() {
                if !flat.text.is_empty() && !flat.text.ends_with('\n') {
                    flat.close_line(&mut cur_start);
                }
                prev_joinable = false;
                continue;
            }
            if !flat.text.is_empty() && !flat.text.ends_with('\n') && !prev_joinable {
                flat.close_line(&mut cur_start);
            }
            for (k, c) in body.chars().enumerate() {
                flat.text.push(c);
                flat.origin.push((*page, off + lead + k as u32));
            }
            let width: f32 = body.chars().map(em).sum();
            let next = phys.get(i + 1).map(|n| n.2.trim()).unwrap_or("");
            // A colon ends a label line (`诉讼请求：`) unless the line runs to the margin.
            let label_line = body.ends_with(['：', ':']) && width < WRAP_EM - 1.0;
            prev_joinable = !body.contains('\t')
                && !next.contains('\t')
                && !starts_block(next)
                && !next.is_empty()
                && !body.ends_with(['。', '；'])
                && !label_line
                && width + first_token_em(next) > WRAP_EM;
        }
        if !flat.text.is_empty() && !flat.text.ends_with('\n') {
            flat.close_line(&mut cur_start);
        }
        flat
    }

    fn close_line(&mut self, cur_start: &mut usize) {
        self.lines.push(LLine {
            bytes: *cur_start..self.text.len(),
        });
        let last = self.origin.last().copied().unwrap_or((1, 0));
        self.text.push('\n');
        self.origin.push((last.0, last.1 + 1));
        *cur_start = self.text.len();
    }

    /// The text of logical line `i`.
    pub(crate) fn line(&self, i: usize) -> &str {
        self.lines
            .get(i)
            .and_then(|l| self.text.get(l.bytes.clone()))
            .unwrap_or("")
    }

    /// The provenance of a byte range of `text`: (page, start char, end char, source text).
    /// Spans crossing a page break are cut at the end of the first page.
    pub(crate) fn origin_of(&self, bytes: Range<usize>) -> (u32, u32, u32, String) {
        let text = self.text.get(bytes.clone()).unwrap_or("").to_owned();
        let a = char_offset(&self.text, bytes.start);
        let n = text.chars().count();
        let Some(&(page, start)) = self.origin.get(a) else {
            return (1, 0, 0, text);
        };
        let mut end = start;
        for k in 0..n {
            match self.origin.get(a + k) {
                Some(&(p, o)) if p == page => end = o + 1,
                _ => break,
            }
        }
        (page, start, end, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_wrapped_lines_and_keeps_origins() {
        let long =
            "原告要求被告偿还借款本金人民币壹拾万元整，并支付自二〇二三年五月起按合同约定计算的";
        assert!(long.chars().count() >= 34);
        let p1 = format!("民事起诉状\n{long}\n六日起的利息。\n短行\n下一段");
        let doc = DocumentText::from_pages(&[p1.as_str(), "第二页"]);
        let flat = Flat::new(&doc);
        assert_eq!(flat.line(0), "民事起诉状");
        assert_eq!(flat.line(1), format!("{long}六日起的利息。"));
        assert_eq!(flat.line(2), "短行");
        assert_eq!(flat.line(3), "下一段");
        assert_eq!(flat.line(4), "第二页");
        let pos = flat.text.find("六日").unwrap();
        let (page, start, end, text) = flat.origin_of(pos..pos + "六日".len());
        assert_eq!(text, "六日");
        let page_chars: Vec<char> = p1.chars().collect();
        assert_eq!(page, 1);
        assert_eq!(
            page_chars[start as usize..end as usize]
                .iter()
                .collect::<String>(),
            "六日"
        );
        let pos = flat.text.find("第二页").unwrap();
        assert_eq!(flat.origin_of(pos..pos + 3).0, 2);
        assert_eq!(flat.origin_of(pos..pos + "第二页".len()).1, 0);
    }
}
