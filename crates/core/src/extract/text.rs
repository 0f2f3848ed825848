//! The filing's text as the field rules read it: pages flattened into *logical lines*, where
//! lines the layout wrapped are joined back (a paragraph broken at the right margin is one
//! line again), and so are lines that a producer's re-wrapping cut inside a date, an amount or
//! a label (`暂计至2021` / `年8` / `月1日`, `逾期利` / `息` / `120.00元`), each char remembering
//! its page and char offset so that spans map back to provenance.

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

/// Width of the first unbreakable token of a line (an ASCII run, or one char), with the
/// closing punctuation that may not start a line and so moved down with it (`款，`).
fn first_token_em(s: &str) -> f32 {
    let mut w = 0.0;
    let mut rest = s.chars().peekable();
    while let Some(&c) = rest.peek() {
        if c.is_ascii() && !c.is_ascii_whitespace() {
            w += 0.5;
            rest.next();
        } else {
            break;
        }
    }
    if w == 0.0
        && let Some(c) = rest.next()
    {
        w = em(c);
    }
    w + rest
        .take_while(|c| "，。、；：）》」』！？%‰".contains(*c))
        .map(em)
        .sum::<f32>()
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
        // `1.` or `2、` numbering, not a decimal figure such as `1222.47元`.
        Some('0'..='9') => starts_numbered(next),
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

/// Chinese numerals and the units of a written-out amount or date (`贰佰壹拾`, `二〇二五年`).
const CN_NUM: &str = "零〇一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億";

/// Label words that a producer's re-wrapping may cut (`逾期利` / `息`): the two pieces make
/// no word alone, so a line ending with a head of one and the next starting with its tail are
/// one line.
const CUT_WORDS: &[&str] = &[
    "利息",
    "罚息",
    "复利",
    "本金",
    "合计",
    "总计",
    "共计",
    "违约金",
    "律师费",
    "保全费",
    "暂计至",
    "计算至",
    "截至",
    "截止",
    "人民法院",
    "人民币",
];

/// True when the break between `body` (the logical line so far) and `next` cuts one token in two, so that neither piece
/// is whole alone: a date (`暂计至2021` / `年8` / `月1日`, `2020-02-` / `15`, `二〇` /
/// `二五年`), an amount (`贰佰` / `壹` / `拾肆万`, `120` / `.00元`) or a label word of
/// [`CUT_WORDS`], or such a label and the value that starts the next line. Such lines are
/// joined whatever their width.
fn cuts_token(body: &str, next: &str) -> bool {
    let mut tail = body.chars().rev();
    let (Some(last), before) = (tail.next(), tail.next()) else {
        return false;
    };
    let mut head = next.chars();
    let (Some(first), second) = (head.next(), head.next()) else {
        return false;
    };
    let digit_before = before.is_some_and(|c| c.is_ascii_digit());
    let date_or_amount = match (last, first) {
        // `2021` | `年8`, `120.00` | `元`.
        (l, f) if l.is_ascii_digit() => {
            "年月日号元万".contains(f)
                || (matches!(f, '.' | ',') && second.is_some_and(|c| c.is_ascii_digit()))
        }
        // `2021年` | `8月`, `2020-02-` | `15`, `78,882.` | `40`.
        ('年' | '月' | '-' | '/' | '.' | ',', f) if digit_before => {
            f.is_ascii_digit() && !starts_numbered(next) && body.chars().count() > 3
        }
        // `贰佰` | `壹`, `二〇` | `二五年`: numerals go on.
        (l, f)
            if CN_NUM.contains(l)
                && before.is_some_and(|c| CN_NUM.contains(c) || matches!(c, '年' | '月')) =>
        {
            CN_NUM.contains(f) || "元角分整年月日".contains(f)
        }
        _ => false,
    };
    // A label left alone at the end of a line and its value starting the next
    // (`逾期利息` / `120.00元`, `暂计至` / `2024`).
    let label_value = (first.is_ascii_digit() || matches!(first, '￥' | '¥'))
        && !starts_numbered(next)
        && CUT_WORDS
            .iter()
            .any(|w| *w != "人民法院" && body.ends_with(w));
    date_or_amount
        || label_value
        || CUT_WORDS.iter().any(|w| {
            w.char_indices().skip(1).any(|(k, _)| {
                // The next line may hold the middle of the word only (`计` / `算` / `至`).
                body.ends_with(&w[..k]) && (next.starts_with(&w[k..]) || w[k..].starts_with(next))
            })
        })
}

/// A physical line's characters as the rules read them, each with its char offset in the
/// line: trimmed, and with letter-spacing removed when the producer spread a justified line's
/// characters apart (`原 告 ： 某 某 银 行` → `原告：某某银行`): in a line whose whitespace-separated
/// pieces are mostly single characters, the narrowest gaps go and wider ones become one space.
/// Table rows (tabs) are left as they are.
fn line_chars(l: &str) -> Vec<(char, u32)> {
    let all: Vec<(char, u32)> = l.chars().zip(0u32..).collect();
    let Some(start) = all.iter().position(|(c, _)| !c.is_whitespace()) else {
        return Vec::new();
    };
    let end = all
        .iter()
        .rposition(|(c, _)| !c.is_whitespace())
        .map_or(all.len(), |e| e + 1);
    let body = &all[start..end];
    let text: String = body.iter().map(|(c, _)| *c).collect();
    let pieces: Vec<&str> = text.split_whitespace().collect();
    let single = pieces.iter().filter(|p| p.chars().count() == 1).count();
    if text.contains('\t') || pieces.len() < 4 || single * 10 < pieces.len() * 7 {
        return body.to_vec();
    }
    // The body is trimmed, so it splits into characters and the gaps between them.
    let gaps = body
        .split(|(c, _)| !c.is_whitespace())
        .filter(|g| !g.is_empty());
    let narrowest = gaps.map(<[_]>::len).min().unwrap_or(1);
    let mut out = Vec::with_capacity(body.len());
    let mut gap: Option<(u32, usize)> = None;
    for &(c, at) in body {
        if c.is_whitespace() {
            gap = Some(gap.map_or((at, 1), |(first, n)| (first, n + 1)));
            continue;
        }
        if let Some((first, n)) = gap.take()
            && n > narrowest
        {
            out.push((' ', first));
        }
        out.push((c, at));
    }
    out
}

/// A physical line: its chars as read, each with its origin (1-based page, char offset in
/// the page's text) ([`line_chars`]), and those chars as a string.
type PhysLine = (Vec<(char, (u32, u32))>, String);

/// Whether a table row's label cell is cut: a bracket left open or a list going on
/// (`1.合同签订情况（名称、` / `编号、签订时间、地点等）`).
fn label_open(label: &str) -> bool {
    let open = label.matches(['（', '(']).count();
    let close = label.matches(['）', ')']).count();
    open > close || label.ends_with(['、', '，', '及', '和'])
}

/// Whether a table row's first cell reads as an element's name (`3.是否要求提前还`,
/// `委托诉讼代理人`): words, not a date or an amount.
fn label_like(label: &str) -> bool {
    let words = label.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '、');
    words.chars().count() >= 4 && !words.chars().any(|c| c.is_ascii_digit() || c == '：')
}

/// Where a table row's label cell ends: at its tab, or, in a numbered element row whose
/// label filled its cell so that the reader saw a space rather than a column gap
/// (`3.是否要求提前还 □是 √否`), at that space when what follows is an answer (a checkbox, a
/// `key：` pair), the label's bracket is still open, or the label is as wide as the labels
/// seen to fill their column (`label_col`).
fn row_split((chars, line): &PhysLine, label_col: f32) -> Option<usize> {
    if !line.contains(['\t', ' ']) {
        return None;
    }
    if let Some(t) = chars.iter().position(|(c, _)| *c == '\t') {
        return Some(t);
    }
    if !starts_numbered(line) {
        return None;
    }
    let p = chars.iter().take(16).position(|(c, _)| *c == ' ')?;
    let label: String = chars[..p].iter().map(|(c, _)| *c).collect();
    let rest: String = chars[p + 1..].iter().map(|(c, _)| *c).take(8).collect();
    let label_em: f32 = label.chars().map(em).sum();
    (label_like(&label)
        && (label_open(&label)
            || rest.chars().take(3).any(|c| "□■√☑☐".contains(c))
            || rest.contains('：')
            || (label_col >= 6.0 && label_em >= label_col - 1.0)))
        .then_some(p)
}

/// Joins the lines of a table row whose cells a word processor wrapped inside their columns
/// (the 2024 element-style complaint forms): the row's first line holds `label\tvalue`, and
/// the lines after it hold the label's rest (`label-rest\tvalue-rest`, or the label's rest
/// alone while its bracket is open) or the value's rest (a line of its own, when the value
/// ran to the right margin). The row becomes one line `label\tvalue`, every char keeping its
/// origin. Rows that do not wrap, and all other lines, are left as they are.
fn join_wrapped_rows(mut phys: Vec<PhysLine>) -> Vec<PhysLine> {
    let mut out: Vec<PhysLine> = Vec::with_capacity(phys.len());
    // The widest label piece seen so far: a label this wide filled its column and may go on
    // on the next line (`3.是否要求提前还` / `款或解除合同`).
    let mut label_col: f32 = 0.0;
    // The value column's edge: the widest value cell that two others also reach (within an
    // em), 20 ems or wider: a value this wide ran to the edge and wrapped. A ledger's longest
    // line, or two names of about the same length, show no edge.
    let mut widths: Vec<f32> = phys
        .iter()
        .filter_map(|line| {
            let tab = row_split(line, 0.0)?;
            Some(line.0[tab + 1..].iter().map(|(c, _)| em(*c)).sum::<f32>())
        })
        .collect();
    widths.sort_by(|a, b| b.total_cmp(a));
    let value_col = widths
        .windows(3)
        .find(|w| w[0] - w[2] <= 1.0 && w[2] >= 20.0)
        .map_or(f32::MAX, |w| w[0]);
    let mut i = 0;
    while i < phys.len() {
        let Some(tab) = row_split(&phys[i], label_col) else {
            out.push(std::mem::take(&mut phys[i]));
            i += 1;
            continue;
        };
        let mut label: Vec<(char, (u32, u32))> = phys[i].0[..tab].to_vec();
        let mut value: Vec<(char, (u32, u32))> = phys[i].0[tab..].to_vec();
        // The cells' boundary is a column gap, whatever the reader saw.
        if let Some(first) = value.first_mut() {
            first.0 = '\t';
        }
        let text = |v: &[(char, (u32, u32))]| v.iter().map(|(c, _)| *c).collect::<String>();
        let width = |v: &[(char, (u32, u32))]| v.iter().map(|(c, _)| em(*c)).sum::<f32>();
        // The value ran to the right margin on the row's first line: its column's width.
        let first_value_em = width(&value[1..]);
        let label_em = width(&label);
        let mut value_full = (label_em + 1.0 + first_value_em >= WRAP_EM - 1.5
            || ((12.0..f32::MAX).contains(&value_col) && first_value_em >= value_col - 1.5))
            && !text(&value).ends_with(['。', '；']);
        label_col = label_col.max(label_em);
        // Only a numbered element's name is taken to wrap without an open bracket: party
        // labels (`被告（保证人）`) and other first cells do not.
        let mut label_full = label_em >= 6.0
            && label_em >= label_col - 1.0
            && starts_numbered(&text(&label))
            && label_like(&text(&label));
        let mut j = i + 1;
        while let Some((next, nbody)) = phys.get(j) {
            if nbody.is_empty() || starts_block(nbody) || lone_label(nbody) {
                break;
            }
            let lab = text(&label);
            if let Some(t) = next.iter().position(|(c, _)| *c == '\t') {
                if !(label_open(&lab) || label_full) || starts_numbered(nbody) {
                    break;
                }
                label_full = width(&next[..t]) >= label_col - 1.0;
                label.extend_from_slice(&next[..t]);
                value.extend_from_slice(&next[t + 1..]);
                let piece = width(&next[t + 1..]);
                value_full = piece >= value_col - 2.0 && !nbody.ends_with(['。', '；']);
            } else if let Some(p) = label_full
                .then(|| {
                    next.iter()
                        .position(|(c, _)| *c == ' ')
                        .filter(|p| width(&next[..*p]) <= label_col + 1.0)
                })
                .flatten()
            {
                // Both cells go on, the gap between them read as a space.
                label_full = width(&next[..p]) >= label_col - 1.0;
                label.extend_from_slice(&next[..p]);
                value.extend_from_slice(&next[p + 1..]);
                value_full =
                    width(&next[p + 1..]) >= value_col - 2.0 && !nbody.ends_with(['。', '；']);
            } else if label_open(&lab)
                || (label_full
                    && !(value_full && label_open(&text(&value)))
                    && width(next) <= label_col + 1.0
                    && !nbody.contains(['。', '：', ':']))
            {
                label_full = width(next) >= label_col - 1.0;
                label.extend_from_slice(next);
            } else if value_full
                // A document's title (the next page's `借款合同（节选）`) goes on no cell.
                && super::catalogue::splitting_title(&squeezed(nbody)).is_none()
                && !starts_with_party_word(nbody)
            {
                value.extend_from_slice(next);
                let piece = width(next);
                value_full = piece >= value_col - 2.0 && !nbody.ends_with(['。', '；']);
            } else {
                break;
            }
            j += 1;
        }
        if j == i + 1 {
            out.push(std::mem::take(&mut phys[i]));
        } else {
            label.extend(value);
            let read = text(&label);
            out.push((label, read));
        }
        i = j;
    }
    out
}

/// Whether a line starts with a party side word (`被申请人（借款人） 尹俊`): such a line starts
/// a party's row, never the rest of a cell.
fn starts_with_party_word(line: &str) -> bool {
    ["被申请人", "申请人", "原告", "被告", "第三人"]
        .into_iter()
        .any(|w| line.starts_with(w))
}

/// `s` without its whitespace (titles and page furniture are compared so).
fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A party label standing alone on its line, its value on the next (`原告` / `某某银行`): the
/// two are read as `原告：某某银行`.
fn lone_label(body: &str) -> bool {
    lone_label_re().is_match(body)
}

static_regex! {
    /// A party label and nothing else (a role in brackets may follow).
    fn lone_label_re = r"^(原告|被告[一二三四五六七八九十0-9]*|第三人|申请人|被申请人|法定代表人|负责人|委托(诉讼)?代理人|住所地|住所|住址|具状人|起诉人)([（(][^）)]{1,10}[）)])?$";
}

/// `1.` / `2、` numbering at the start of a line (not a decimal figure).
fn starts_numbered(s: &str) -> bool {
    let mut after = s.chars().skip_while(char::is_ascii_digit);
    matches!(after.next(), Some('.' | '、' | '．'))
        && !after.next().is_some_and(|c| c.is_ascii_digit())
}

static_regex! {
    /// A date in figures (`2023-05-06`, `2023.5.6`, `2023/5/6`).
    fn date_like_re = r"\d{4}[-./]\d{1,2}[-./]\d{1,2}";
}

static_regex! {
    /// A page number on a line of its own (`第 2 页 共 3 页`, `第2页，共3页`, `- 2 -`, `－ 2 －`,
    /// `2/3`, `共3页 第2页`, `Page 2 of 3`), spaces removed.
    fn page_number_re = r"^(?:第\d+页(?:[，,]?共\d+页)?|共\d+页[，,]?第\d+页|[-－—–]\d+[-－—–]|\d+/\d+|[Pp]age\d+(?:of\d+)?)$";
}

/// Removes what a word processor prints on every page rather than in the text: page numbers on
/// lines of their own, and running headers and footers (a line among the first two or last two
/// of a page that stands there, the same, on at least two pages: a letterhead, a document
/// number, `内部资料 注意保密`). A sentence cut by the page break then runs on into the next
/// page's text. Table rows (tabs) and document titles are never taken for furniture.
fn without_page_furniture(pages: Vec<Vec<PhysLine>>) -> Vec<PhysLine> {
    // A page number is a short line with a digit; only such lines meet the pattern.
    let is_number = |b: &str| {
        b.len() <= 40
            && b.bytes().any(|c| c.is_ascii_digit())
            && page_number_re().is_match(&squeezed(b))
    };
    // Per page: which lines are page numbers, and the indices of the first two and last two
    // other non-empty lines (the edges, where headers and footers stand).
    let marks: Vec<(Vec<bool>, Vec<usize>)> = pages
        .iter()
        .map(|page| {
            let numbers: Vec<bool> = page.iter().map(|(_, b)| is_number(b)).collect();
            let body: Vec<usize> = (0..page.len())
                .filter(|i| !page[*i].1.is_empty() && !numbers[*i])
                .collect();
            let n = body.len();
            let edges = body
                .iter()
                .enumerate()
                .filter(|(k, _)| *k < 2 || *k + 2 >= n)
                .map(|(_, i)| *i)
                .collect();
            (numbers, edges)
        })
        .collect();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (page, (_, edges)) in pages.iter().zip(&marks) {
        let mut texts: Vec<String> = edges.iter().map(|i| squeezed(&page[*i].1)).collect();
        texts.sort();
        texts.dedup();
        for t in texts {
            *seen.entry(t).or_default() += 1;
        }
    }
    // Facts are not furniture: a line with a date or an amount (`签约日期：2023年4月20日` ends
    // both a contract and its guarantee) is kept.
    let holds_fact = |t: &str| {
        t.find('年').is_some_and(|y| t[y..].contains('月'))
            || t.contains('元')
            || date_like_re().is_match(t)
    };
    let running = |b: &str| {
        let t = squeezed(b);
        t.chars().count() >= 4
            && !b.contains('\t')
            && seen.get(&t).is_some_and(|n| *n >= 2)
            && !holds_fact(&t)
            && !starts_block(b)
            && super::catalogue::splitting_title(&t).is_none()
    };
    let mut out = Vec::new();
    for (page, (numbers, edges)) in pages.into_iter().zip(marks) {
        for (i, line) in page.into_iter().enumerate() {
            if numbers[i] || (edges.contains(&i) && running(&line.1)) {
                continue;
            }
            out.push(line);
        }
    }
    out
}

impl Flat {
    /// Flattens a document, joining wrapped lines and lines cut inside a token
    /// ([`cuts_token`]).
    pub(crate) fn new(doc: &DocumentText) -> Flat {
        // Each page's physical lines: chars with their origin (page, offset in the page) and
        // the line as read.
        let mut pages: Vec<Vec<PhysLine>> = Vec::new();
        for p in &doc.pages {
            let mut off = 0u32;
            let mut page = Vec::new();
            for l in p.text.split('\n') {
                let chars: Vec<(char, (u32, u32))> = line_chars(l)
                    .into_iter()
                    .map(|(c, k)| (c, (p.page, off + k)))
                    .collect();
                let read: String = chars.iter().map(|(c, _)| *c).collect();
                page.push((chars, read));
                off += l.chars().count() as u32 + 1;
            }
            pages.push(page);
        }
        let phys = join_wrapped_rows(without_page_furniture(pages));
        let mut flat = Flat::default();
        let mut cur_start = 0usize;
        let mut prev_joinable = false;
        for (i, (chars, body)) in phys.iter().enumerate() {
            let body = body.as_str();
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
            for (c, at) in chars {
                flat.text.push(*c);
                flat.origin.push(*at);
            }
            let width: f32 = body.chars().map(em).sum();
            let next = phys.get(i + 1).map_or("", |n| n.1.as_str());
            if lone_label(body) && !next.is_empty() && !lone_label(next) && !next.contains('\t') {
                // `原告` / `某某银行`: one line `原告：某某银行`; the colon points at the label.
                flat.text.push('：');
                let last = chars.last().map_or((1, 0), |c| c.1);
                flat.origin.push(last);
                prev_joinable = true;
                continue;
            }
            // A colon ends a label line (`诉讼请求：`) unless the line runs to the margin.
            let label_line = body.ends_with(['：', ':']) && width < WRAP_EM - 1.0;
            prev_joinable = !body.contains('\t')
                && !next.contains('\t')
                && !starts_block(next)
                && !next.is_empty()
                && ((!body.ends_with(['。', '；'])
                    && !label_line
                    && width + first_token_em(next) > WRAP_EM)
                    || cuts_token(flat.text.get(cur_start..).unwrap_or(body), next));
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
    #[test]
    fn page_numbers_and_running_headers_are_not_text() {
        // A letterhead and a document number on top of every page, a footer with the page
        // number, a sentence cut by the page break.
        let p1 = "某某银行股份有限公司法律事务部\n文书编号：法务诉字〔2024〕第12号\n民事起诉状\n原告：某某银行股份有限公司\n事实与理由：被告于2023年5月6日借款，约定按月还本付息，此后被告未按约定偿还借款本金及利\n内部资料 注意保密\n第 1 页 共 2 页";
        let p2 = "某某银行股份有限公司法律事务部\n文书编号：法务诉字〔2024〕第12号\n息，原告多次催收未果。\n此致\n某市某区人民法院\n内部资料 注意保密\n- 2 -";
        let p3 = "借款合同（节选）\n签约日期：2023年5月6日";
        let p4 = "保证合同\n签约日期：2023年5月6日";
        let flat = Flat::new(&DocumentText::from_pages(&[p1, p2, p3, p4]));
        let lines: Vec<&str> = (0..flat.lines.len()).map(|i| flat.line(i)).collect();
        assert_eq!(
            lines,
            [
                "民事起诉状",
                "原告：某某银行股份有限公司",
                "事实与理由：被告于2023年5月6日借款，约定按月还本付息，此后被告未按约定偿还借款本金及利息，原告多次催收未果。",
                "此致",
                "某市某区人民法院",
                "借款合同（节选）",
                "签约日期：2023年5月6日",
                "保证合同",
                "签约日期：2023年5月6日",
            ]
        );
    }

    #[test]
    fn joins_a_table_row_whose_cells_wrap_inside_their_columns() {
        // A 2024 element-style form: the label and the value wrap in their own columns.
        let page = "2.利息（复利、罚\t截至2021.02.07止，欠利息6551.95元、罚息8213.93元、复利\n息）\t3690.32元；是否请求支付至实际清偿之日止：是■ 否□\n3.是否要求提前还\t是□ 否■\n款或解除合同\n7.标的总额\t272860.86元\n约定管辖和诉讼保全\n1.合同签订情况（\t《个人借款合同》，编号：JK-1，签订时间：2018.06.16，签订地点：\n名称、编号、签订\t棠宁市\n时间、地点等）\n2.签订主体\t贷款人：某银行";
        let flat = Flat::new(&DocumentText::from_pages(&[page]));
        let lines: Vec<&str> = (0..flat.lines.len()).map(|i| flat.line(i)).collect();
        assert_eq!(
            lines,
            [
                "2.利息（复利、罚息）\t截至2021.02.07止，欠利息6551.95元、罚息8213.93元、复利3690.32元；是否请求支付至实际清偿之日止：是■ 否□",
                "3.是否要求提前还款或解除合同\t是□ 否■",
                "7.标的总额\t272860.86元",
                "约定管辖和诉讼保全",
                "1.合同签订情况（名称、编号、签订时间、地点等）\t《个人借款合同》，编号：JK-1，签订时间：2018.06.16，签订地点：棠宁市",
                "2.签订主体\t贷款人：某银行",
            ]
        );
        // Every char keeps its place on the page.
        let pos = flat.text.find("3690.32").unwrap();
        let (page_no, start, end, text) = flat.origin_of(pos..pos + "3690.32".len());
        assert_eq!((page_no, text.as_str()), (1, "3690.32"));
        let chars: Vec<char> = page.chars().collect();
        assert_eq!(
            chars[start as usize..end as usize]
                .iter()
                .collect::<String>(),
            "3690.32"
        );
    }

    #[test]
    fn joins_lines_cut_inside_a_date_an_amount_or_a_label() {
        // Producers re-wrap: a short line ends inside a token that the next line completes.
        let page = "（暂计至2021\n年8\n月1日，此后的利息另计）\n（均计\n算\n至二〇二四年九月十\n三\n日）\n本金贰佰\n壹\n拾肆万元整\n逾期利\n息\n120.00元\n截至2020-02-\n15\n二〇\n二五年十月九日";
        let flat = Flat::new(&DocumentText::from_pages(&[page]));
        let lines: Vec<&str> = (0..flat.lines.len()).map(|i| flat.line(i)).collect();
        assert_eq!(
            lines,
            [
                "（暂计至2021年8月1日，此后的利息另计）",
                "（均计算至二〇二四年九月十三日）",
                "本金贰佰壹拾肆万元整",
                "逾期利息120.00元",
                "截至2020-02-15",
                "二〇二五年十月九日",
            ]
        );
        // Whole pieces stay apart: a numbered item after a date, a sentence after a figure,
        // a lone page number, a line ended by `。`.
        for (a, b) in [
            ("签订日期2021年3月1日", "2.被告未还款"),
            ("合计100.00", "原告："),
            ("此致", "某市某区人民法院"),
            ("1.", "2021年3月1日"),
            ("本金100元。", "元旦后"),
            ("第一", "二、诉讼请求"),
            ("某市某区人民法院", "2020年3月4日"),
            ("利息", "1.被告未还款"),
        ] {
            let page = format!("{a}\n{b}");
            let flat = Flat::new(&DocumentText::from_pages(&[page.as_str()]));
            assert_eq!(flat.lines.len(), 2, "{a} | {b}");
        }
    }
}
