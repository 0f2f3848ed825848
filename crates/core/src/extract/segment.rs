//! Segmentation of a complaint (民事起诉状, or a 支付令申请书 with 申请人 / 被申请人) into its parts: the header (title), the parties
//! (原告 / 被告一… / 第三人, with the roles the text gives them: 借款人, 共同借款人, 保证人,
//! 抵押人, 持卡人), each claim (诉讼请求) separately, the facts and reasons (事实与理由), the
//! court addressed (此致 …人民法院, or 特此向…人民法院起诉), the signature date and the
//! attachments or evidence list.
//!
//! Works on the complaint's text as lines (the logical lines of `text::Flat`, or any text whose
//! lines are `\n`-separated) and returns char spans, so every part can be highlighted. A part
//! that is not found is `None` or empty, never an error. Must not: type values (that is
//! `resolve`'s job) or do IO.
//!
//! Nothing is read twice: the section heads (`诉讼请求` / `请求判令`, `事实与理由` /
//! `约定和事实`, the closing) are `raw`'s, and the parties with their roles, the court and the
//! signature date are extraction's ([`super::extract`]: party lines with or without a colon,
//! roles stated on them or in the facts), so a complaint segments into exactly the parties and
//! court its facts name. This module adds where each part runs, the claim items, and 第三人.

use super::{Extraction, raw};
use crate::domain::{DefendantRole, DocumentText};
use chrono::NaiveDate;
use std::ops::Range;

/// Which side of the case a party is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartySide {
    /// 原告 / 具状人.
    Plaintiff,
    /// 被告 / 被具状人.
    Defendant,
    /// 第三人.
    ThirdParty,
}

/// One party paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct PartySegment {
    /// The side.
    pub side: PartySide,
    /// The party's name as written.
    pub name: String,
    /// A defendant's role as extraction reads it (stated on its line or in the facts, else by
    /// its place among the defendants); empty for the plaintiff and 第三人.
    pub roles: Vec<DefendantRole>,
    /// Chars of the party's paragraph.
    pub span: Range<usize>,
}

/// A complaint split into its parts (char ranges into the segmented text).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComplaintSegments {
    /// The title line(s) (民事起诉状).
    pub header: Option<Range<usize>>,
    /// The parties in order.
    pub parties: Vec<PartySegment>,
    /// Each claim, in order.
    pub claims: Vec<Range<usize>>,
    /// 事实与理由, up to the closing.
    pub facts: Option<Range<usize>>,
    /// The court's name (…人民法院) in the closing.
    pub court: Option<Range<usize>>,
    /// The signature date.
    pub signature_date: Option<(Range<usize>, NaiveDate)>,
    /// The attachments or evidence list.
    pub attachments: Option<Range<usize>>,
}

/// A line: its chars range and text.
struct Line<'a> {
    span: Range<usize>,
    text: &'a str,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut at = 0usize;
    for l in text.split('\n') {
        let n = l.chars().count();
        out.push(Line {
            span: at..at + n,
            text: l,
        });
        at += n + 1;
    }
    out
}

/// Strips a section number (`一、`, `（一）`, `1.`, `第一部分`) from the head of a line.
fn unnumbered(s: &str) -> &str {
    let t = s.trim_start();
    t.trim_start_matches(|c: char| {
        c.is_ascii_digit() || "一二三四五六七八九十（）()、.．:：第部分 ".contains(c)
    })
}

fn starts_any(s: &str, heads: &[&str]) -> bool {
    heads.iter().any(|h| s.starts_with(h))
}

const ATTACH_HEADS: &[&str] = &["附：", "附:", "附件", "证据目录", "证据清单", "附项"];

/// A claim item's head: `1.`, `1、`, `（1）`, `(1)`, `一、`, `第一项`.
fn is_item(s: &str) -> bool {
    let t = s.trim_start();
    let mut cs = t.chars();
    match cs.next() {
        Some(c) if c.is_ascii_digit() => {
            let rest: String = cs.take_while(|c| c.is_ascii_digit()).collect();
            let after = t.chars().nth(1 + rest.chars().count());
            matches!(after, Some('.' | '、' | '．' | '）' | ')'))
        }
        Some('（' | '(') => cs
            .next()
            .is_some_and(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c)),
        Some(c) if "一二三四五六七八九十".contains(c) => cs.next() == Some('、'),
        _ => false,
    }
}

/// A 第三人 line (`第三人：…`, `第三人（…）：…`) and the text after its colon; the other parties
/// are extraction's.
fn third_party_head(s: &str) -> Option<&str> {
    let rest = s.trim_start().strip_prefix("第三人")?;
    // A colon (or a table cell break) within the first few chars.
    let colon = rest
        .char_indices()
        .take(12)
        .find(|(_, c)| matches!(c, '：' | ':' | '\t'))?;
    Some(&rest[colon.0 + colon.1.len_utf8()..])
}

/// The parties as extraction reads them: (char where the name starts, side, name, roles), in
/// the text's order.
fn extracted_parties(ex: &Extraction) -> Vec<(usize, PartySide, String, Vec<DefendantRole>)> {
    let at = |key: &str| ex.provenance.get(key).map(|s| s.start as usize);
    let mut out = Vec::new();
    if let (Some(p), Some(start)) = (&ex.facts.plaintiff, at("plaintiff.name")) {
        out.push((start, PartySide::Plaintiff, p.name.clone(), Vec::new()));
    }
    for (i, d) in ex.facts.defendants.iter().enumerate() {
        if let Some(start) = at(&format!("defendants[{i}].name")) {
            out.push((start, PartySide::Defendant, d.name.clone(), vec![d.role]));
        }
    }
    out.sort_by_key(|p| p.0);
    out
}

/// The name at the head of a party's paragraph: up to the first `，,。（(`.
fn party_name(rest: &str) -> String {
    rest.trim()
        .split(['，', ',', '。', '（', '(', '；', ' '])
        .next()
        .unwrap_or("")
        .trim()
        .to_owned()
}

/// Segments a complaint's text (see the module doc). Never fails.
pub fn segment(text: &str) -> ComplaintSegments {
    let ls = lines(text);
    let mut seg = ComplaintSegments::default();
    #[derive(PartialEq)]
    enum Part {
        Head,
        Parties,
        Claims,
        Facts,
        Closing,
        Attach,
    }
    let mut part = Part::Head;
    let ex = super::extract("segment", &DocumentText::from_pages(&[text]));
    let named = extracted_parties(&ex);
    let mut facts: Option<Range<usize>> = None;
    let mut attach: Option<Range<usize>> = None;
    for (k, l) in ls.iter().enumerate() {
        let t = l.text.trim();
        if t.is_empty() {
            continue;
        }
        let u = unnumbered(t);
        if part == Part::Head
            && k < 3
            && (t.contains("起诉状") || t.contains("起诉书") || t.contains("申请书"))
        {
            seg.header = Some(l.span.clone());
            continue;
        }
        if part != Part::Attach && starts_any(u, ATTACH_HEADS) {
            part = Part::Attach;
            attach = Some(l.span.clone());
            continue;
        }
        if part != Part::Attach && raw::is_claims_head(t) {
            part = Part::Claims;
            // A claim written on the heading's own line (`诉讼请求：判令…`).
            let after = u.split_once(['：', ':']).map_or("", |x| x.1).trim();
            if after.chars().count() > 4 {
                let n = after.chars().count();
                seg.claims.push(l.span.end - n..l.span.end);
            }
            continue;
        }
        if part != Part::Attach && raw::is_facts_head(t) {
            part = Part::Facts;
            facts = Some(l.span.clone());
            continue;
        }
        if matches!(part, Part::Claims | Part::Facts) && raw::is_closing_line(t) {
            part = Part::Closing;
            if let Some(f) = &mut facts {
                f.end = l.span.start.saturating_sub(1).max(f.start);
            }
            continue;
        }
        if matches!(part, Part::Head | Part::Parties) {
            let on_line: Vec<&(usize, PartySide, String, Vec<DefendantRole>)> =
                named.iter().filter(|p| l.span.contains(&p.0)).collect();
            let third = third_party_head(t).map(|rest| {
                (
                    l.span.start,
                    PartySide::ThirdParty,
                    party_name(rest),
                    Vec::new(),
                )
            });
            if !on_line.is_empty() || third.is_some() {
                part = Part::Parties;
                for (_, side, name, roles) in on_line.into_iter().cloned().chain(third) {
                    seg.parties.push(PartySegment {
                        side,
                        name,
                        roles,
                        span: l.span.clone(),
                    });
                }
                continue;
            }
        }
        match part {
            Part::Claims => {
                if is_item(t) || seg.claims.is_empty() {
                    seg.claims.push(l.span.clone());
                } else if let Some(c) = seg.claims.last_mut() {
                    c.end = l.span.end;
                }
            }
            Part::Facts => {
                if let Some(f) = &mut facts {
                    f.end = l.span.end;
                }
            }
            Part::Closing | Part::Head => {}
            Part::Attach => {
                if let Some(a) = &mut attach {
                    a.end = l.span.end;
                }
            }
            Part::Parties => {
                if let Some(p) = seg.parties.last_mut() {
                    p.span.end = l.span.end;
                }
            }
        }
    }
    seg.facts = facts;
    seg.attachments = attach;
    // The court addressed and the signature date are extraction's (the closing, a sentence
    // addressing the court, a `受诉法院` section; the closing's last date or a labelled one).
    let span_of = |key: &str| {
        ex.provenance
            .get(key)
            .map(|p| p.start as usize..p.end as usize)
    };
    seg.court = span_of("court");
    seg.signature_date = span_of("filing_date").zip(ex.facts.filing_date);
    seg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_a_standard_shaped_complaint() {
        let t = "民事起诉状\n原告：某银行股份有限公司甲支行\n被告一（借款人）：张三，男\n被告二：李四，女\n诉讼请求：\n1.判令被告张三归还本金1000元；\n2.判令被告李四承担连带清偿责任；\n3.本案诉讼费用由被告承担。\n事实与理由：\n张三借款，李四系保证人。\n此致\n甲市乙区人民法院\n具状人：某银行股份有限公司甲支行\n2024年3月5日\n附：证据目录";
        let s = segment(t);
        let chars: Vec<char> = t.chars().collect();
        let at = |r: &Range<usize>| chars[r.clone()].iter().collect::<String>();
        assert_eq!(s.header.as_ref().map(at).as_deref(), Some("民事起诉状"));
        assert_eq!(s.parties.len(), 3);
        assert_eq!(s.parties[1].name, "张三");
        assert_eq!(s.parties[1].roles, vec![DefendantRole::Borrower]);
        assert_eq!(s.parties[2].roles, vec![DefendantRole::Guarantor]);
        assert_eq!(s.claims.len(), 3);
        assert!(at(&s.claims[1]).contains("连带"));
        assert!(
            s.facts
                .as_ref()
                .map(at)
                .unwrap_or_default()
                .contains("张三借款")
        );
        assert_eq!(
            s.court.as_ref().map(at).as_deref(),
            Some("甲市乙区人民法院")
        );
        assert_eq!(
            s.signature_date.map(|d| d.1),
            NaiveDate::from_ymd_opt(2024, 3, 5)
        );
        assert_eq!(
            s.attachments.as_ref().map(at).as_deref(),
            Some("附：证据目录")
        );
    }

    /// A letter: parties without a colon (`具状人…（以下简称原告）`), roles in brackets, the
    /// claims after the facts under `请求判令：`, the court after `致：`.
    #[test]
    fn segments_a_letter() {
        let t = "民事起诉书\n具状人某银行股份有限公司甲支行（以下简称原告），住所地甲市新华路5号。\n被具状人张三（借款人，以下简称被告），男，住甲市人民路36号。\n被具状人李四（保证人，以下简称被告），女。\n事实及理由：\n原告与张三签订借款合同，借款100,000元，李四提供连带责任保证。\n请求判令：\n1.张三归还本金1,000.00元。\n2.李四承担连带清偿责任。\n致：甲市乙区人民法院\n具状人：某银行股份有限公司甲支行\n2024年3月5日";
        let s = segment(t);
        let chars: Vec<char> = t.chars().collect();
        let at = |r: &Range<usize>| chars[r.clone()].iter().collect::<String>();
        let parties: Vec<(PartySide, &str, &[DefendantRole])> = s
            .parties
            .iter()
            .map(|p| (p.side, p.name.as_str(), p.roles.as_slice()))
            .collect();
        assert_eq!(
            parties,
            vec![
                (PartySide::Plaintiff, "某银行股份有限公司甲支行", &[][..]),
                (PartySide::Defendant, "张三", &[DefendantRole::Borrower][..]),
                (
                    PartySide::Defendant,
                    "李四",
                    &[DefendantRole::Guarantor][..]
                ),
            ]
        );
        assert_eq!(s.claims.len(), 2);
        assert_eq!(
            s.court.as_ref().map(at).as_deref(),
            Some("甲市乙区人民法院")
        );
        assert_eq!(
            s.signature_date.map(|d| d.1),
            NaiveDate::from_ymd_opt(2024, 3, 5)
        );
    }

    #[test]
    fn never_panics_on_odd_text() {
        for t in [
            "",
            "\n\n",
            "此致",
            "原告：",
            "诉讼请求：判令",
            "特此向人民法院起诉",
            "附",
        ] {
            let _ = segment(t);
        }
    }
}
