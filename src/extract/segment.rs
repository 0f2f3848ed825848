//! Segmentation of a complaint (民事起诉状, or a 支付令申请书 with 申请人 / 被申请人) into its parts: the header (title), the parties
//! (原告 / 被告一… / 第三人, with the roles the text gives them: 借款人, 共同借款人, 保证人,
//! 抵押人, 持卡人), each claim (诉讼请求) separately, the facts and reasons (事实与理由), the
//! court addressed (此致 …人民法院, or 特此向…人民法院起诉), the signature date and the
//! attachments or evidence list.
//!
//! Works on the complaint's text as lines (the logical lines of `text::Flat`, or any text whose
//! lines are `\n`-separated) and returns char spans, so every part can be highlighted. Line
//! heads are matched the way the different hands write them (`诉讼请求` / `请求事项`,
//! `事实与理由` / `事实和理由`, numbered sections `一、当事人`); a part that is not found is
//! `None` or empty, never an error. Must not: type values (that is `resolve`'s job) or do IO.

use crate::domain::DefendantRole;
use crate::extract::date::parse_date;
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
    /// Roles the text gives the party (in its own paragraph or elsewhere in the complaint).
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

const CLAIM_HEADS: &[&str] = &["诉讼请求", "请求事项", "诉请", "具体诉讼请求"];
const FACT_HEADS: &[&str] = &["事实与理由", "事实和理由", "事实及理由", "案件事实"];
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

/// The roles named in `s` (a party's paragraph, or a sentence about the party).
fn roles_in(s: &str) -> Vec<DefendantRole> {
    let mut v = Vec::new();
    if s.contains("共同借款人") {
        v.push(DefendantRole::CoBorrower);
    } else if s.contains("借款人") || s.contains("借款方") {
        v.push(DefendantRole::Borrower);
    }
    if s.contains("保证人") || s.contains("担保人") {
        v.push(DefendantRole::Guarantor);
    }
    if s.contains("抵押人") {
        v.push(DefendantRole::Mortgagor);
    }
    if s.contains("持卡人") {
        v.push(DefendantRole::Cardholder);
    }
    v
}

/// The party head of a line (`原告：`, `被告二（保证人）：`, `具状人`, `第三人：`) and the rest.
fn party_head(s: &str) -> Option<(PartySide, &str)> {
    let t = unnumbered(s);
    let heads: [(&str, PartySide); 7] = [
        ("被具状人", PartySide::Defendant),
        ("具状人", PartySide::Plaintiff),
        ("原告", PartySide::Plaintiff),
        ("被告", PartySide::Defendant),
        ("第三人", PartySide::ThirdParty),
        ("被申请人", PartySide::Defendant),
        ("申请人", PartySide::Plaintiff),
    ];
    let (head, side) = heads.iter().find(|(h, _)| t.starts_with(h))?;
    let rest = &t[head.len()..];
    // `原告：` or `被告一（保证人）：`: a colon (or a table cell break) within the first few
    // chars.
    let colon = rest
        .char_indices()
        .take(12)
        .find(|(_, c)| matches!(c, '：' | ':' | '\t'))?;
    Some((*side, &rest[colon.0 + colon.1.len_utf8()..]))
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

/// The last `…人民法院` in `s`, as a char range relative to `s`.
fn court_in(s: &str) -> Option<Range<usize>> {
    let end_b = s.rfind("人民法院")? + "人民法院".len();
    let head = &s[..end_b];
    // The name starts after the last separator before it.
    let start_b = head
        .char_indices()
        .filter(|(_, c)| "，,。：:；向致 \t".contains(*c))
        .map(|(i, c)| i + c.len_utf8())
        .rfind(|i| *i < end_b - "人民法院".len())
        .unwrap_or(0);
    let start = s[..start_b].chars().count();
    let end = s[..end_b].chars().count();
    Some(start..end)
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
        if part != Part::Attach && starts_any(u, CLAIM_HEADS) {
            part = Part::Claims;
            // A claim written on the heading's own line (`诉讼请求：判令…`).
            let after = u.split_once(['：', ':']).map_or("", |x| x.1).trim();
            if after.chars().count() > 4 {
                let n = after.chars().count();
                seg.claims.push(l.span.end - n..l.span.end);
            }
            continue;
        }
        if part != Part::Attach && starts_any(u, FACT_HEADS) {
            part = Part::Facts;
            facts = Some(l.span.clone());
            continue;
        }
        if part != Part::Attach && (t.starts_with("此致") || t.contains("特此向")) {
            part = Part::Closing;
            if let Some(f) = &mut facts {
                f.end = l.span.start.saturating_sub(1).max(f.start);
            }
            if let Some(c) = court_in(t) {
                let off =
                    l.span.start + l.text.chars().count() - l.text.trim_start().chars().count();
                seg.court = Some(off + c.start..off + c.end);
            }
            continue;
        }
        if let Some((side, rest)) = party_head(t)
            && matches!(part, Part::Head | Part::Parties)
        {
            part = Part::Parties;
            seg.parties.push(PartySegment {
                side,
                name: party_name(rest),
                roles: roles_in(t),
                span: l.span.clone(),
            });
            continue;
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
            Part::Closing => {
                if seg.court.is_none()
                    && let Some(c) = court_in(l.text)
                {
                    seg.court = Some(l.span.start + c.start..l.span.start + c.end);
                }
            }
            Part::Attach => {
                if let Some(a) = &mut attach {
                    a.end = l.span.end;
                }
            }
            Part::Parties => {
                if let Some(p) = seg.parties.last_mut() {
                    p.span.end = l.span.end;
                    p.roles.extend(roles_in(t));
                }
            }
            Part::Head => {}
        }
    }
    seg.facts = facts;
    seg.attachments = attach;
    // Sectioned complaints name the court in a section of its own (`六、受诉法院`), letters in
    // the closing sentence: fall back to the last line that names a 人民法院.
    if seg.court.is_none() {
        for l in ls.iter().rev() {
            if let Some(c) = court_in(l.text) {
                seg.court = Some(l.span.start + c.start..l.span.start + c.end);
                break;
            }
        }
    }
    // The signature date: the first date on the court's line (after the name) or the few
    // lines after it (具状人 … 2024年3月5日); attachments after it carry other dates.
    if let Some(c) = &seg.court
        && let Some(k) = ls.iter().position(|l| l.span.contains(&c.start))
    {
        for l in ls.iter().skip(k).take(5) {
            let skip = if l.span.contains(&c.start) {
                c.end - l.span.start
            } else {
                0
            };
            let tail: String = l.text.chars().skip(skip).collect();
            if let Some(d) = first_date_in(&tail) {
                let off = l.span.start + skip;
                seg.signature_date = Some((off + d.0.start..off + d.0.end, d.1));
                break;
            }
        }
    }
    // Roles stated elsewhere (`被告张三系借款人`, `张三（保证人）`).
    for p in &mut seg.parties {
        if p.side != PartySide::Defendant || !p.roles.is_empty() || p.name.is_empty() {
            continue;
        }
        for (i, _) in text.match_indices(p.name.as_str()) {
            let tail: String = text[i + p.name.len()..].chars().take(12).collect();
            let r = roles_in(tail.split(['，', '。', '；']).next().unwrap_or(""));
            if !r.is_empty() {
                p.roles = r;
                break;
            }
        }
    }
    for p in &mut seg.parties {
        p.roles.sort_by_key(|r| *r as u8);
        p.roles.dedup();
    }
    seg
}

/// The first date written in `s` (`2023年5月6日`, `二〇二三年五月六日`, `2023-05-06`,
/// `2023.5.6`, `2023/5/6`), as a char range of `s` and its value.
fn first_date_in(s: &str) -> Option<(Range<usize>, NaiveDate)> {
    let chars: Vec<char> = s.chars().collect();
    let datey = |c: char| c.is_ascii_digit() || "年月日-./〇零一二三四五六七八九十".contains(c);
    let mut best = None;
    let mut i = 0;
    while i < chars.len() {
        if datey(chars[i]) {
            let mut j = i;
            while j < chars.len() && datey(chars[j]) {
                j += 1;
            }
            let cand: String = chars[i..j].iter().collect();
            if let Some(d) = parse_date(&cand) {
                best = Some((i..j, d));
                break;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    best
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
