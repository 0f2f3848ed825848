//! Stage one of extraction: the filing's text → [`RawExtraction`], the *strings* that hold each
//! field, where they are, and how sure the rule that found them is. No value is typed here
//! beyond what finding it needs; `extract::resolve` parses and validates.
//!
//! The rules: split the filing into documents by their titles (起诉状/支付令申请书, 借款合同,
//! 还款明细, 催收记录 …), split the complaint into parties, claims (诉讼请求/请求事项), facts
//! (事实与理由) and the closing (此致 … court, signature date); then read labelled values
//! (an amount after `本金`, a date after `签订` …), complaint first, the other documents for
//! what it omits. A later model can produce the same [`RawExtraction`].

use super::amount::{AmountMatch, find_amounts, parse_figure};
use super::assignment::assignment_to_plaintiff;
use super::date::{DateMatch, find_dates};
use super::text::Flat;
use crate::domain::{DocType, DocumentText};
use regex::Regex;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::OnceLock;

/// One raw field: the text that holds the value and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct RawField {
    /// The value's text (`人民币壹拾万元整（¥100,000.00）`, `2023年5月6日`, `年利率4.35%`).
    pub value: String,
    /// 1-based page.
    pub page: u32,
    /// First char in the page's text.
    pub start: u32,
    /// Last char (exclusive).
    pub end: u32,
    /// How sure the rule is, 0..=1.
    pub confidence: f32,
}

/// One defendant as found: the name and the text that gives the role, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDefendant {
    /// The name.
    pub name: RawField,
    /// The role text (`借款人`, `提供连带责任保证`), if found.
    pub role: Option<RawField>,
}

/// A 大写 amount that disagrees with its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct RawMismatch {
    /// The field the amount was read for, if it was read for one.
    pub field: Option<&'static str>,
    /// The whole pair (`100,000.00元（大写：壹拾万零伍佰元整）`).
    pub span: RawField,
}

/// Stage-one output: strings, spans and confidences, keyed by `CaseFacts` field path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawExtraction {
    /// Single-valued fields (`court`, `claims.principal`, `contract_date`, …).
    pub fields: BTreeMap<&'static str, RawField>,
    /// Fields summed from parts (`claims.interest`, `claims.other_fees`).
    pub parts: BTreeMap<&'static str, Vec<RawField>>,
    /// Defendants in the filing's order.
    pub defendants: Vec<RawDefendant>,
    /// 大写/figure disagreements.
    pub mismatches: Vec<RawMismatch>,
    /// True when the main document is a 支付令申请书.
    pub payment_order: bool,
    /// The title line of every document after the complaint (借款合同, 还款明细, 催收记录 …).
    pub documents: Vec<RawField>,
    /// Each defendant's domicile text (住所 / 住址), those found, in filing order.
    pub defendant_domiciles: Vec<RawField>,
    /// Repayment rows of the ledger (还款明细 / 对账单), in the ledger's order.
    pub repayments: Vec<RawRepayment>,
}

/// One repayment row of a ledger: its date cell and the amount cells read as principal repaid
/// and as interest repaid.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRepayment {
    /// The date cell.
    pub date: RawField,
    /// The principal repaid (`还本` / `发生额` of a principal row), if any.
    pub principal: Option<RawField>,
    /// The interest repaid (`还息` / a `利息` column), if any.
    pub interest: Option<RawField>,
}

#[derive(Debug, Clone)]
struct Doc {
    /// Its type as the title reads it: one of `Complaint`, `LoanContract` (any contract or
    /// receipt), `Statement` (any ledger), `Collection` or `Other`; the finer types are the
    /// catalogue's.
    kind: DocType,
    /// Logical line indices.
    lines: Range<usize>,
}

/// Classifies a title line: a short line of its own (no sentence punctuation, not a table row)
/// whose words the catalogue's title list names ([`super::catalogue::splitting_title`]).
fn title_kind(line: &str) -> Option<DocType> {
    if line.contains('\t') {
        return None;
    }
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() || t.chars().count() > 24 || t.contains(['，', '。', '：', ':', '；', '\t'])
    {
        return None;
    }
    // A table row laid out with spaces instead of tabs (`公告费 560.00`, `合计 78,882.40`)
    // ends with a figure; no title does.
    if line
        .split_whitespace()
        .nth(1)
        .is_some_and(|_| line.split_whitespace().last().is_some_and(is_figure))
    {
        return None;
    }
    super::catalogue::splitting_title(&t)
}

/// A number as a table cell writes it: digits with `,` / `.` (`78,882.40`), maybe a `元`.
fn is_figure(s: &str) -> bool {
    let s = s.trim_end_matches('元');
    s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

fn split_docs(flat: &Flat) -> Vec<Doc> {
    let mut docs: Vec<Doc> = Vec::new();
    for i in 0..flat.lines.len() {
        if let Some(kind) = title_kind(flat.line(i)) {
            // A contract title inside the complaint's text is a citation, not a new document,
            // unless it is a line of its own, which `title_kind` already requires.
            if let Some(last) = docs.last_mut() {
                last.lines.end = i;
            }
            docs.push(Doc {
                kind,
                lines: i..i + 1,
            });
        } else if let Some(last) = docs.last_mut() {
            last.lines.end = i + 1;
        } else {
            docs.push(Doc {
                kind: DocType::Complaint,
                lines: i..i + 1,
            });
        }
    }
    docs
}

/// Byte range covering logical lines `lines`.
fn bytes_of(flat: &Flat, lines: Range<usize>) -> Range<usize> {
    if lines.is_empty() {
        return 0..0;
    }
    let a = flat.lines.get(lines.start).map_or(0, |l| l.bytes.start);
    let b = flat.lines.get(lines.end - 1).map_or(a, |l| l.bytes.end);
    a..b.max(a)
}

/// Char offsets of a slice → byte offsets.
fn char_to_byte(s: &str) -> Vec<usize> {
    let mut v: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    v.push(s.len());
    v
}

#[derive(Debug, Clone)]
struct Found<T> {
    bytes: Range<usize>,
    item: T,
}

fn amounts_in(flat: &Flat, range: Range<usize>) -> Vec<Found<AmountMatch>> {
    let s = flat.text.get(range.clone()).unwrap_or("");
    let map = char_to_byte(s);
    let mut out: Vec<Found<AmountMatch>> = find_amounts(s)
        .into_iter()
        .filter_map(|m| {
            let a = *map.get(m.start)?;
            let b = *map.get(m.end)?;
            Some(Found {
                bytes: range.start + a..range.start + b,
                item: m,
            })
        })
        .collect();
    // Table cells holding a bare figure (`100,000.00`) are amounts too.
    let mut pos = range.start;
    for line in s.split('\n') {
        if line.contains('\t') {
            let mut cpos = pos;
            for cell in line.split('\t') {
                let c = cell.trim();
                let lead = cell.len() - cell.trim_start().len();
                if c.contains(['.', ',']) || c.chars().count() >= 3 {
                    let money_like = c
                        .chars()
                        .all(|ch| ch.is_ascii_digit() || ",.，".contains(ch))
                        && c.chars().any(|ch| ch.is_ascii_digit())
                        && c.rsplit_once('.').is_some_and(|(_, f)| f.len() == 2);
                    let b = cpos + lead;
                    if money_like
                        && !out
                            .iter()
                            .any(|f| f.bytes.start < b + c.len() && b < f.bytes.end)
                        && let Some(v) = parse_figure(c)
                    {
                        let y = crate::domain::Yuan::new(v);
                        out.push(Found {
                            bytes: b..b + c.len(),
                            item: AmountMatch {
                                start: 0,
                                end: 0,
                                text: c.to_owned(),
                                value: y,
                                figure: Some(y),
                                words: None,
                            },
                        });
                    }
                }
                cpos += cell.len() + 1;
            }
        }
        pos += line.len() + 1;
    }
    out.sort_by_key(|f| f.bytes.start);
    out
}

fn dates_in(flat: &Flat, range: Range<usize>) -> Vec<Found<DateMatch>> {
    let s = flat.text.get(range.clone()).unwrap_or("");
    let map = char_to_byte(s);
    find_dates(s)
        .into_iter()
        .filter_map(|m| {
            let a = *map.get(m.start)?;
            let b = *map.get(m.end)?;
            Some(Found {
                bytes: range.start + a..range.start + b,
                item: m,
            })
        })
        .collect()
}

fn field(flat: &Flat, bytes: Range<usize>, confidence: f32) -> RawField {
    let (page, start, end, value) = flat.origin_of(bytes);
    RawField {
        value,
        page,
        start,
        end,
        confidence,
    }
}

/// What an amount in the claims is, from the words before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Principal,
    Interest,
    Attorney,
    Other,
    Total,
}

const CLAIM_LABELS: &[(&str, Label)] = &[
    ("借款本金", Label::Principal),
    ("贷款本金", Label::Principal),
    ("透支本金", Label::Principal),
    ("欠款本金", Label::Principal),
    ("剩余本金", Label::Principal),
    ("未还本金", Label::Principal),
    ("本金", Label::Principal),
    ("透支款", Label::Principal),
    ("欠款", Label::Principal),
    ("借款", Label::Principal),
    ("贷款", Label::Principal),
    ("利息", Label::Interest),
    ("罚息", Label::Interest),
    ("复利", Label::Interest),
    ("欠息", Label::Interest),
    ("复息", Label::Interest),
    ("律师费", Label::Attorney),
    ("律师代理费", Label::Attorney),
    ("律师服务费", Label::Attorney),
    ("代理费", Label::Attorney),
    ("违约金", Label::Other),
    ("手续费", Label::Other),
    ("保全费", Label::Other),
    ("保全保险费", Label::Other),
    ("公告费", Label::Other),
    ("滞纳金", Label::Other),
    ("年费", Label::Other),
    ("担保费", Label::Other),
    ("保险费", Label::Other),
    ("评估费", Label::Other),
    ("鉴定费", Label::Other),
    ("服务费", Label::Other),
    ("管理费", Label::Other),
    ("合计", Label::Total),
    ("共计", Label::Total),
    ("总计", Label::Total),
    ("总额", Label::Total),
    ("暂计", Label::Total),
];

/// The label nearest before the end of `before` (latest end wins, then the longest).
fn nearest_label(before: &str, table: &[(&str, Label)]) -> Option<(usize, Label)> {
    let mut best: Option<(usize, usize, Label)> = None;
    for (w, l) in table {
        if let Some(i) = before.rfind(w) {
            let end = i + w.len();
            let better = match best {
                None => true,
                Some((be, bl, _)) => end > be || (end == be && w.len() > bl),
            };
            if better {
                best = Some((end, w.len(), *l));
            }
        }
    }
    best.map(|(e, l, lab)| (e - l, lab))
}

/// The label for an amount in a claim: the nearest label word; a 合计/共计 right after one
/// category (`利息、罚息、复利共计5000元`) belongs to that category.
/// The claim categories (not the total) whose words `text` holds, in [`CLAIM_LABELS`] order.
fn categories(text: &str) -> Vec<Label> {
    let mut cats: Vec<Label> = Vec::new();
    for (w, l) in CLAIM_LABELS {
        if *l != Label::Total && text.contains(w) && !cats.contains(l) {
            cats.push(*l);
        }
    }
    cats
}

fn claim_label(before: &str) -> Option<Label> {
    let (pos, label) = nearest_label(before, CLAIM_LABELS)?;
    if label != Label::Total {
        return Some(label);
    }
    // Only the total's own clause: `…利息…；以上金额合计` is a total of everything.
    let earlier = &before[..pos];
    let earlier = earlier
        .rfind(['；', ';', '。'])
        .map_or(earlier, |i| &earlier[i..]);
    // A note in brackets names no category of the total (`…元（利息暂计至…），合计…`).
    let mut depth = 0usize;
    let earlier: String = earlier
        .chars()
        .filter(|c| {
            match c {
                '（' | '(' => depth += 1,
                '）' | ')' => {
                    depth = depth.saturating_sub(1);
                    return false;
                }
                _ => {}
            }
            depth == 0
        })
        .collect();
    match categories(&earlier).as_slice() {
        [one] if *one != Label::Principal => Some(*one),
        _ => Some(Label::Total),
    }
}

/// Words from which the case type is inferred when no cause (案由) is stated, most telling
/// first: a credit card, an assignment of the debt, a guarantee contract, then the loan itself
/// (whose type `resolve` reads from the plaintiff: a bank's loan or a private one).
const CASE_TYPE_CUES: &[&[&str]] = &[
    &["信用卡", "领用合约", "持卡人", "透支"],
    &["不良债权", "债权转让"],
    &["保证合同"],
    &["借款合同", "贷款合同", "借款协议", "借条", "借款", "贷款"],
];

static_regex! {
    /// A stated cause: `案由：…纠纷`.
    fn cause_re = r"案由[为是]?[：:\s]\s*(?P<v>[^，,。；;\s]{2,20}?纠纷)";
}

/// Heads of the claims section (after numbering: `二、诉讼请求`, `【请求事项】`).
const CLAIM_HEADS: &[&str] = &[
    "诉讼请求",
    "请求事项",
    "申请请求",
    "起诉请求",
    "请求判令",
    "具体请求",
    "请求如下",
    "诉请",
    "请求：",
    "请求:",
];
/// Heads of the facts section.
const FACT_HEADS: &[&str] = &[
    "事实与理由",
    "事实和理由",
    "事实及理由",
    "事实理由",
    "申请理由",
    "案件事实",
    "基本事实",
    "事实：",
    "事实:",
    "理由：",
    "理由:",
];

/// A line with its section numbering and brackets removed (`二、诉讼请求` → `诉讼请求`,
/// `【事实与理由】` → `事实与理由】`, `第三部分 事实` → `事实`).
fn section_head(line: &str) -> &str {
    let t = line.trim_start();
    let t = t.strip_prefix('第').map_or(t, |r| {
        let r = r
            .trim_start_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
        r.strip_prefix("部分").unwrap_or(r)
    });
    t.trim_start_matches(|c: char| {
        c.is_ascii_digit()
            || c.is_whitespace()
            || "一二三四五六七八九十（）()、.．【〔[<《".contains(c)
    })
}

/// A heading line of its own that names the facts in other words (`约定和事实`, `相关事实`,
/// `事实部分`): short, no figures or sentence marks, and `事实` in it.
fn is_facts_heading(head: &str) -> bool {
    let t = head
        .trim()
        .trim_end_matches(['：', ':', '】', ']', '〕', '>', '》']);
    t.contains("事实")
        && t.chars().count() <= 10
        && !t.contains(|c: char| c.is_ascii_digit() || "，,。；;\t".contains(c))
}

/// Whether a line opens the claims section (`诉讼请求：`, `二、请求事项`, `请求判令：`).
pub(super) fn is_claims_head(line: &str) -> bool {
    starts_with_any(section_head(line), CLAIM_HEADS)
}

/// Whether a line opens the facts section (`事实与理由：`, `【事实和理由】`, `约定和事实`).
pub(super) fn is_facts_head(line: &str) -> bool {
    let l = section_head(line);
    starts_with_any(l, FACT_HEADS) || is_facts_heading(l)
}

fn starts_with_any(s: &str, heads: &[&str]) -> bool {
    heads.iter().any(|h| s.starts_with(h))
}

/// Whether a line opens the closing: `此致`, a sentence addressing a court (`特此向…人民法院
/// 起诉`, `现诉至贵院`, `为此，向…法院提起诉讼`), a heading naming the court addressed
/// (`受诉法院`, `管辖法院`, `致：…人民法院`), or the signature (`具状人：`, `起诉人：`).
pub(super) fn is_closing_line(line: &str) -> bool {
    let t = line.trim_start();
    let h = section_head(t);
    if t.starts_with("此致")
        || starts_with_any(h, &["受诉法院", "管辖法院", "受理法院", "起诉法院"])
        || starts_with_any(
            t,
            &[
                "具状人：",
                "具状人:",
                "具状人（",
                "起诉人：",
                "起诉人:",
                "起诉人（",
            ],
        )
        || ((t.starts_with("致：") || t.starts_with("致:")) && t.contains("法院"))
    {
        return true;
    }
    let addresses = [
        "特此向",
        "现向",
        "故向",
        "谨向",
        "特向",
        "为此向",
        "诉至",
        "起诉至",
        "呈送",
        "递交",
    ];
    t.chars().count() <= 80
        && addresses.iter().any(|a| t.contains(a))
        && (t.contains("法院") || t.contains("贵院"))
}

static_regex! {
    /// Courts: `…人民法院`, and the specialised courts that hear loan cases (金融法院, 互联网法院).
    fn court_re = r"[\p{Han}]{2,30}?(?:人民法院|金融法院|互联网法院|铁路运输法院|海事法院)";
}

/// The court's name within a `court_re` match: the words that address it (`特此向`, `诉至`,
/// `原告向`) are cut off. A `向` inside a place name (`向阳区`) follows a 市/县/区/省 and is kept.
fn court_name(m: &str) -> Range<usize> {
    let mut start = 0usize;
    for w in [
        "此致",
        "特此向",
        "现向",
        "故向",
        "谨向",
        "特向",
        "为此向",
        "诉至",
        "起诉至",
        "呈送",
        "递交",
        "提交",
        "致",
    ] {
        if let Some(i) = m.rfind(w) {
            start = start.max(i + w.len());
        }
    }
    if start == 0
        && let Some(i) = m.find('向')
        && !m[..i].ends_with(['市', '县', '区', '省', '州', '旗'])
        && m.len() - i > "向X县人民法院".len()
    {
        start = i + '向'.len_utf8();
    }
    start..m.len()
}

/// The court addressed in `text` (`range`'s bytes of the flat text): the first `court_re`
/// match, trimmed by [`court_name`]; absolute byte range.
fn court_in(text: &str, offset: usize) -> Option<Range<usize>> {
    court_re().find_iter(text).find_map(|m| {
        let r = court_name(m.as_str());
        let name = &m.as_str()[r.clone()];
        (name.chars().count() >= 5)
            .then_some(offset + m.start() + r.start..offset + m.start() + r.end)
    })
}

static_regex! {
    /// A party line with a colon: `原告：`, `被告二（保证人）：`, `第一被告：`, `被告1姓名：`,
    /// `具状人（签章）：`, `被申请人：`.
    fn party_re = r"^\s*[【\[〔]?(?:第[一二三四五六七八九十]+)?(?P<side>被具状人|具状人|被起诉人|起诉人|被申请人|申请人|原告|被告)人?[一二三四五六七八九十0-9]*(?:[（(](?P<r1>[^）)]{1,12})[)）])?[一二三四五六七八九十0-9]*[】\]〕]?\s*(?:姓名|名称|单位名称|全称)?\s*[：:\t]\s*(?P<name>[^，,（(：:\s；;。]+)(?:[（(](?P<r2>[^）)]{1,16})[)）])?(?P<rest>.*)$";
}

static_regex! {
    /// A party line without a colon, as letters and many hands write them: `原告张三，男，…`,
    /// `具状人某银行（以下简称原告），住所地…`, `被具状人李四（借款人，以下简称被告），…`.
    fn party_bare_re = r"^\s*(?:第[一二三四五六七八九十]+)?(?P<side>被具状人|具状人|被起诉人|起诉人|被申请人|申请人|原告|被告)[一二三四五六七八九十0-9]*(?:[（(](?P<r1>[^）)]{1,12})[)）]\s*)?(?P<name>[^，,（(：:\s；;。、]{2,40}?)(?:[（(](?P<r2>[^）)]{1,16})[)）])?(?P<rest>[，,。；;].*|)$";
}

/// Whether `name` (from a party line without a colon) reads as a name rather than the start
/// of a sentence (`原告与被告因…`, `原告诉称`, `被告向原告借款`).
fn plausible_bare_name(name: &str) -> bool {
    let first = name.chars().next().unwrap_or('与');
    !"与和及因于对在等的为已将系就请方均诉称认向经自".contains(first)
        && ![
            "向", "借款", "贷款", "签订", "约定", "一案", "纠纷", "以下", "如下",
        ]
        .iter()
        .any(|w| name.contains(w))
}

/// The captures of a party line (see [`party_re`] and [`party_bare_re`]).
fn party_caps(line: &str) -> Option<regex::Captures<'_>> {
    party_re().captures(line).or_else(|| {
        party_bare_re().captures(line).filter(|c| {
            c.name("name")
                .is_some_and(|n| plausible_bare_name(n.as_str()))
        })
    })
}

/// Whether a party side word names the plaintiff.
fn is_plaintiff_side(side: &str) -> bool {
    matches!(side, "原告" | "申请人" | "具状人" | "起诉人")
}

const ROLE_WORDS: &[&str] = &[
    "共同借款人",
    "借款人",
    "持卡人",
    "保证人",
    "担保人",
    "抵押人",
    "出质人",
    "债务人",
    "连带责任保证",
    "抵押担保",
    "保证",
    "担保书",
    "担保函",
    "提供担保",
];

fn role_in(s: &str) -> Option<&'static str> {
    ROLE_WORDS.iter().find(|w| s.contains(**w)).copied()
}

/// The role `window` (the text right after a party's name) gives that party: the earliest
/// role word, after skipping a list of other parties (`、李四系保证人`), and only if it is not
/// said of someone else (`对借款人所欠…`, `向借款人…`) or after another party is named.
/// Returns the word's byte offset in `window`.
fn role_of_name(window: &str, names: &[String]) -> Option<(usize, &'static str)> {
    let mut skip = 0;
    'list: loop {
        let rest = &window[skip..];
        for sep in ["、", "和", "及", ","] {
            if let Some(r) = rest.strip_prefix(sep) {
                // The next name may carry its side word again (`张三、被告李四系保证人`).
                let side = ["被告", "被申请人"]
                    .into_iter()
                    .find(|s| r.starts_with(s))
                    .unwrap_or("");
                let r = &r[side.len()..];
                for n in names {
                    if r.starts_with(n.as_str()) {
                        skip += sep.len() + side.len() + n.len();
                        continue 'list;
                    }
                }
            }
        }
        break;
    }
    let mut w = &window[skip..];
    if let Some(cut) = names.iter().filter_map(|n| w.find(n.as_str())).min() {
        w = &w[..cut];
    }
    // `借款人民币5万元` is 借款 + 人民币, not the role 借款人.
    let (p, word) = ROLE_WORDS
        .iter()
        .filter_map(|r| {
            w.match_indices(r)
                .find(|(i, _)| !(*r == "借款人" && w[i + r.len()..].starts_with("民币")))
                .map(|(i, _)| (i, *r))
        })
        .min_by_key(|(p, r)| (*p, std::cmp::Reverse(r.len())))?;
    let before = &w[..p];
    // The debt is someone else's when the name owns it (`为被告张三的上述债务承担连带责任保证`:
    // 张三 is the debtor, not the guarantor).
    if before.starts_with("的")
        && ["债务", "借款", "欠款", "贷款", "债权"]
            .iter()
            .any(|x| before.contains(x))
    {
        return None;
    }
    // A role word inside a document's title is said of the party who signs or issues it
    // (`张三向原告出具《保证合同》`, `李四与原告签订《抵押合同》`), whatever the verb's object.
    let in_title = before
        .rfind('《')
        .is_some_and(|o| !before[o..].contains('》'));
    if !in_title
        && ["对", "向", "与", "替", "代", "偿还", "归还"]
            .iter()
            .any(|x| before.contains(x))
    {
        return None;
    }
    Some((skip + p, word))
}

static_regex! {
    /// A role written as a label before the names it applies to, as forms write it
    /// (`借款人：张三`, `保证人：李四、王五`, `抵押人:赵六`).
    fn role_label_re = r"(共同借款人|借款人|持卡人|保证人|抵押人|出质人)[：:]";
}

/// The byte range of the role label under which a form lists `name` (`保证人：李四、王五`):
/// the names after the label, up to the next role label or the end of the clause, split at
/// `、` `，` `和` `及` and spaces. `借款人：张三` says nothing of 张三's co-borrowers unless the
/// label names them too.
fn labelled_role(text: &str, name: &str) -> Option<Range<usize>> {
    let labels: Vec<(Range<usize>, usize)> = role_label_re()
        .captures_iter(text)
        .filter_map(|c| Some((c.get(1)?.range(), c.get(0)?.end())))
        .collect();
    labels.iter().enumerate().find_map(|(k, (word, after))| {
        let end = labels.get(k + 1).map_or(text.len(), |n| n.0.start);
        let list = text.get(*after..end)?;
        let list = &list[..list
            .find(['；', ';', '。', '\n', '\t'])
            .unwrap_or(list.len())];
        let list = &list[..list.find("  ").unwrap_or(list.len())];
        list.split(['、', '，', ',', '和', '及', ' '])
            .any(|item| item.trim() == name)
            .then(|| word.clone())
    })
}

/// Reads a filing into raw fields: the complaint's sections and parties, the case type and
/// court, the claims, then the facts from the complaint and the other documents, in that order
/// (a field found first is kept, so the order is the precedence).
pub fn read(doc: &DocumentText) -> RawExtraction {
    let flat = Flat::new(doc);
    let docs = split_docs(&flat);
    let mut raw = RawExtraction::default();
    let complaint = docs.iter().find(|d| d.kind == DocType::Complaint).cloned();
    let complaint_lines = complaint.as_ref().map_or(0..0, |d| d.lines.clone());
    raw.payment_order = is_payment_order(&flat, &complaint_lines);
    let sections = Sections::of(&flat, complaint_lines.clone());

    read_parties(&flat, sections.parties.clone(), &mut raw);
    let complaint_bytes = bytes_of(&flat, complaint_lines.clone());
    let complaint_text = flat.text.get(complaint_bytes.clone()).unwrap_or("");
    read_roles_in_facts(&flat, &complaint_bytes, complaint_text, &mut raw);
    read_case_type(&flat, &complaint_bytes, complaint_text, &mut raw);
    read_assignment(&flat, &complaint_bytes, complaint_text, &mut raw);
    read_court_and_filing_date(
        &flat,
        &complaint_lines,
        &sections.closing,
        &complaint_bytes,
        complaint_text,
        &mut raw,
    );

    let claims_bytes = bytes_of(&flat, sections.claims.clone());
    read_claims(&flat, claims_bytes.clone(), &mut raw);
    read_stated_total(&flat, &complaint_lines, &complaint_bytes, &mut raw);

    let facts_bytes = bytes_of(&flat, sections.facts.clone());
    let sources = fact_sources(&flat, &docs, &facts_bytes, &complaint_bytes);
    read_contract_facts(&flat, &sources, &mut raw);
    let collections: Vec<Range<usize>> = docs
        .iter()
        .filter(|d| d.kind == DocType::Collection)
        .map(|d| bytes_of(&flat, d.lines.clone()))
        .collect();
    read_demands(&flat, &collections, &facts_bytes, &mut raw);
    let guarantors = guarantor_names(&raw);
    read_guarantor_demand(&flat, &collections, &complaint_bytes, &guarantors, &mut raw);
    for d in docs.iter().filter(|d| d.kind.is_ledger()) {
        read_ledger(&flat, d.lines.clone(), &mut raw);
    }
    read_day_count(&flat, &sources, &mut raw);
    read_labelled_extra(&flat, &complaint_bytes, &docs, &mut raw);

    read_documents_and_jurisdiction(&flat, &docs, &mut raw);
    read_collateral(&flat, complaint_bytes.clone(), &mut raw);
    read_mismatches(&flat, &claims_bytes, &mut raw);
    raw
}

/// Whether the complaint's title asks for a payment order (支付令); titles may be spaced out
/// (`支 付 令 申 请 书`).
fn is_payment_order(flat: &Flat, complaint_lines: &Range<usize>) -> bool {
    complaint_lines.clone().next().is_some_and(|first| {
        let title: String = flat
            .line(first)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        title.contains("支付令")
    })
}

/// The complaint's sections, as logical line ranges (empty where a section is missing).
struct Sections {
    /// From the title to the first section head: the parties.
    parties: Range<usize>,
    /// 诉讼请求.
    claims: Range<usize>,
    /// 事实与理由.
    facts: Range<usize>,
    /// From the closing (`此致` …) to the complaint's end.
    closing: Range<usize>,
}

impl Sections {
    /// Finds the section heads of the complaint at `complaint_lines`. Heads are matched after
    /// any numbering or brackets (`二、`, `【诉讼请求】`), the way different hands write them;
    /// the closing is `此致`, or a sentence that addresses the court (`特此向…人民法院起诉`,
    /// `诉至贵院`), or a `受诉法院` heading.
    fn of(flat: &Flat, complaint_lines: Range<usize>) -> Sections {
        let mut claims_start = None;
        let mut facts_start = None;
        let mut closing_start = None;
        for i in complaint_lines.clone() {
            let l = flat.line(i);
            if claims_start.is_none() && is_claims_head(l) {
                claims_start = Some(i);
            } else if facts_start.is_none() && is_facts_head(l) {
                facts_start = Some(i);
            } else if closing_start.is_none()
                && (claims_start.is_some() || facts_start.is_some())
                && is_closing_line(flat.line(i))
            {
                closing_start = Some(i);
            }
        }
        let end = complaint_lines.end;
        let heads = [claims_start, facts_start, closing_start];
        let parties = complaint_lines.start..heads.into_iter().flatten().min().unwrap_or(end);
        // A section runs to the next section head after it (facts may come before the claims).
        let next_after = |s: usize| {
            heads
                .into_iter()
                .flatten()
                .filter(|x| *x > s)
                .min()
                .unwrap_or(end)
        };
        Sections {
            parties,
            claims: claims_start.map_or(0..0, |c| c..next_after(c)),
            facts: facts_start.map_or(0..0, |f| f..next_after(f)),
            closing: closing_start.map_or(0..0, |c| c..end),
        }
    }
}

/// The parties block: the plaintiff (the first one named), each defendant with a role stated
/// on its line, and each party's domicile.
fn read_parties(flat: &Flat, parties_lines: Range<usize>, raw: &mut RawExtraction) {
    // Which party the current line describes: None before the first, Some(None) for the
    // plaintiff, Some(Some(k)) for the k-th defendant; its domicile is read once.
    let mut current: Option<Option<usize>> = None;
    let mut domicile_read = false;
    for i in parties_lines {
        let line = flat.line(i);
        let lb = flat.lines.get(i).map_or(0, |l| l.bytes.start);
        let Some(caps) = party_caps(line) else {
            if let Some(who) = current
                && !domicile_read
            {
                domicile_read = read_domicile(flat, lb, line, who, raw);
            }
            continue;
        };
        let (Some(side), Some(name)) = (caps.name("side"), caps.name("name")) else {
            continue;
        };
        let name_bytes = lb + name.start()..lb + name.end();
        match side.as_str() {
            sd if is_plaintiff_side(sd) => {
                current = if raw.fields.contains_key("plaintiff.name") {
                    None
                } else {
                    Some(None)
                };
                raw.fields
                    .entry("plaintiff.name")
                    .or_insert_with(|| field(flat, name_bytes, 0.95));
            }
            _ => {
                let role = [caps.name("r1"), caps.name("r2")]
                    .into_iter()
                    .flatten()
                    .find(|m| role_in(m.as_str()).is_some())
                    .or_else(|| caps.name("rest").filter(|m| role_in(m.as_str()).is_some()))
                    .map(|m| field(flat, lb + m.start()..lb + m.end(), 0.9));
                raw.defendants.push(RawDefendant {
                    name: field(flat, name_bytes, 0.95),
                    role,
                });
                current = Some(Some(raw.defendants.len() - 1));
            }
        }
        domicile_read = false;
        if let (Some(who), Some(rest)) = (current, caps.name("rest")) {
            domicile_read = read_domicile(flat, lb + rest.start(), rest.as_str(), who, raw);
        }
    }
}

/// Roles stated in the complaint's text for defendants whose line gave none
/// (`被告李四自愿提供连带责任保证`, `被告张三、李四系保证人`).
fn read_roles_in_facts(
    flat: &Flat,
    complaint_bytes: &Range<usize>,
    complaint_text: &str,
    raw: &mut RawExtraction,
) {
    let names: Vec<String> = raw
        .defendants
        .iter()
        .map(|d| d.name.value.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect();
    for d in raw.defendants.iter_mut().filter(|d| d.role.is_none()) {
        let name = d.name.value.clone();
        if name.is_empty() {
            continue;
        }
        if let Some(r) = labelled_role(complaint_text, &name) {
            let b = complaint_bytes.start + r.start;
            d.role = Some(field(flat, b..complaint_bytes.start + r.end, 0.7));
            continue;
        }
        let mut from = 0;
        while let Some(i) = complaint_text.get(from..).and_then(|s| s.find(&name)) {
            let at = from + i + name.len();
            let window: String = complaint_text[at..]
                .chars()
                .take_while(|c| !"。；\n".contains(*c))
                .take(60)
                .collect();
            let window = window
                .split(['，', ','])
                .take(2)
                .collect::<Vec<_>>()
                .join("，");
            if let Some((p, w)) = role_of_name(&window, &names) {
                let b = complaint_bytes.start + at + p;
                d.role = Some(field(flat, b..b + w.len(), 0.7));
                break;
            }
            from = at;
        }
    }
}

/// The case type (案由): a known cause in the complaint, else a `案由：` label, else inferred
/// from cue words; and whether the debt was assigned (债权转让).
fn read_case_type(
    flat: &Flat,
    complaint_bytes: &Range<usize>,
    complaint_text: &str,
    raw: &mut RawExtraction,
) {
    for w in [
        "金融借款合同纠纷",
        "信用卡纠纷",
        "民间借贷纠纷",
        "保证合同纠纷",
        "金融不良债权追偿纠纷",
        "借款合同纠纷",
    ] {
        if let Some(i) = complaint_text.find(w) {
            let b = complaint_bytes.start + i;
            raw.fields
                .insert("case_type", field(flat, b..b + w.len(), 0.95));
            break;
        }
    }
    // A `案由：` label whose words the list above does not know (`信用卡透支纠纷`).
    if !raw.fields.contains_key("case_type")
        && let Some(m) = cause_re()
            .captures(complaint_text)
            .and_then(|c| c.name("v"))
    {
        let b = complaint_bytes.start + m.start();
        raw.fields
            .insert("case_type", field(flat, b..b + m.len(), 0.9));
    }
    // No cause stated: infer it from what the filing is about, with a lower confidence (under
    // 0.6, which `resolve` reads as inferred), the provenance pointing at the words used.
    if !raw.fields.contains_key("case_type") {
        let complaint_then_all = [
            (complaint_bytes.clone(), 0.55f32),
            (0..flat.text.len(), 0.5),
        ];
        'cue: for group in CASE_TYPE_CUES {
            for (range, conf) in &complaint_then_all {
                let text = flat.text.get(range.clone()).unwrap_or("");
                if let Some((i, w)) = group
                    .iter()
                    .filter_map(|w| text.find(w).map(|i| (i, *w)))
                    .min_by_key(|(i, _)| *i)
                {
                    let b = range.start + i;
                    raw.fields
                        .insert("case_type", field(flat, b..b + w.len(), *conf));
                    break 'cue;
                }
            }
        }
    }
    if complaint_text.contains("债权转让") || flat.text.contains("债权转让") {
        raw.fields.entry("assignment").or_insert_with(|| {
            let i = flat.text.find("债权转让").unwrap_or(0);
            field(flat, i..i + "债权转让".len(), 0.8)
        });
    }
}

/// When the claim was assigned to the plaintiff (受让日), as the complaint tells it
/// ([`assignment_to_plaintiff`]).
fn read_assignment(
    flat: &Flat,
    complaint_bytes: &Range<usize>,
    complaint_text: &str,
    raw: &mut RawExtraction,
) {
    let plaintiff = raw.fields.get("plaintiff.name").map(|f| f.value.clone());
    if let Some(a) = assignment_to_plaintiff(complaint_text, plaintiff.as_deref()) {
        let b = complaint_bytes.start;
        raw.fields.insert(
            "npl_assignment_date",
            field(flat, b + a.bytes.start..b + a.bytes.end, 0.8),
        );
    }
}

/// The court addressed (the closing, else a line of the complaint that addresses the court,
/// else anywhere in the complaint) and the filing date (the closing's last date, else a date
/// labelled as the filing's).
fn read_court_and_filing_date(
    flat: &Flat,
    complaint_lines: &Range<usize>,
    closing_lines: &Range<usize>,
    complaint_bytes: &Range<usize>,
    complaint_text: &str,
    raw: &mut RawExtraction,
) {
    let closing_bytes = bytes_of(flat, closing_lines.clone());
    let closing_text = flat.text.get(closing_bytes.clone()).unwrap_or("");
    let addressing = complaint_lines
        .clone()
        .filter(|i| is_closing_line(flat.line(*i)))
        .map(|i| bytes_of(flat, i..i + 1));
    let court = court_in(closing_text, closing_bytes.start)
        .map(|r| (r, 0.95))
        .or_else(|| {
            addressing
                .into_iter()
                .find_map(|b| court_in(flat.text.get(b.clone()).unwrap_or(""), b.start))
                .map(|r| (r, 0.9))
        })
        .or_else(|| court_in(complaint_text, complaint_bytes.start).map(|r| (r, 0.6)));
    if let Some((r, conf)) = court {
        raw.fields.insert("court", field(flat, r, conf));
    }
    if let Some(d) = dates_in(flat, closing_bytes.clone()).last() {
        raw.fields
            .insert("filing_date", field(flat, d.bytes.clone(), 0.9));
    } else if let Some(d) = labelled_date(
        flat,
        complaint_bytes.clone(),
        &["起诉日期", "具状日期", "申请日期", "落款日期", "起诉时间"],
        6,
    ) {
        raw.fields.insert("filing_date", field(flat, d, 0.8));
    }
}

/// A total stated outside the claims, when the claims gave none: a header line
/// (`诉讼标的额：…`) or the 合计 row of a table of arrears among the facts.
fn read_stated_total(
    flat: &Flat,
    complaint_lines: &Range<usize>,
    complaint_bytes: &Range<usize>,
    raw: &mut RawExtraction,
) {
    if !raw.fields.contains_key("claims.stated_total")
        && let Some(b) = labelled_amount(
            flat,
            complaint_bytes.clone(),
            &[
                "诉讼标的额",
                "诉讼标的金额",
                "标的金额",
                "标的额",
                "请求金额合计",
                "诉请金额合计",
            ],
            4,
        )
        .or_else(|| {
            complaint_lines
                .clone()
                .find_map(|i| total_row_amount(flat, i))
        })
    {
        raw.fields
            .insert("claims.stated_total", field(flat, b, 0.75));
    }
}

/// Where the contract facts are read, with the confidence of a value found there, in order of
/// precedence: the complaint's facts, the contracts, the rest of the complaint, the other
/// documents.
fn fact_sources(
    flat: &Flat,
    docs: &[Doc],
    facts_bytes: &Range<usize>,
    complaint_bytes: &Range<usize>,
) -> Vec<(Range<usize>, f32)> {
    let mut sources: Vec<(Range<usize>, f32)> = vec![(facts_bytes.clone(), 0.85)];
    for d in docs {
        if d.kind.is_contract() {
            sources.push((bytes_of(flat, d.lines.clone()), 0.8));
        }
    }
    sources.push((complaint_bytes.clone(), 0.6));
    for d in docs {
        if d.kind != DocType::Complaint && !d.kind.is_contract() {
            sources.push((bytes_of(flat, d.lines.clone()), 0.6));
        }
    }
    sources
}

/// The names of the defendants whose role is a guarantee (保证 / 担保).
fn guarantor_names(raw: &RawExtraction) -> Vec<String> {
    raw.defendants
        .iter()
        .filter(|d| {
            d.role
                .as_ref()
                .is_some_and(|r| r.value.contains("保证") || r.value.contains("担保"))
        })
        .map(|d| d.name.value.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect()
}

/// The title of every document but the complaint, and a choice-of-court clause in a contract.
fn read_documents_and_jurisdiction(flat: &Flat, docs: &[Doc], raw: &mut RawExtraction) {
    for d in docs {
        if d.kind != DocType::Complaint {
            raw.documents.push(field(
                flat,
                bytes_of(flat, d.lines.start..d.lines.start + 1),
                0.9,
            ));
        }
    }
    for d in docs.iter().filter(|d| d.kind.is_contract()) {
        let bytes = bytes_of(flat, d.lines.clone());
        let text = flat.text.get(bytes.clone()).unwrap_or("");
        if let Some(m) = jurisdiction_re().find(text) {
            raw.fields.entry("jurisdiction_clause").or_insert_with(|| {
                field(flat, bytes.start + m.start()..bytes.start + m.end(), 0.8)
            });
        }
    }
}

/// Mismatched 大写 anywhere in the filing, each tied to its claim when it is in the claims.
fn read_mismatches(flat: &Flat, claims_bytes: &Range<usize>, raw: &mut RawExtraction) {
    for f in amounts_in(flat, 0..flat.text.len()) {
        if f.item.is_mismatch() {
            let fld = if claims_bytes.contains(&f.bytes.start) {
                let before = flat
                    .text
                    .get(claims_bytes.start..f.bytes.start)
                    .unwrap_or("");
                match claim_label(before) {
                    Some(Label::Principal) => Some("claims.principal"),
                    Some(Label::Interest) => Some("claims.interest"),
                    Some(Label::Attorney) => Some("claims.attorney_fee"),
                    Some(Label::Other) => Some("claims.other_fees"),
                    Some(Label::Total) => Some("claims.stated_total"),
                    _ => None,
                }
            } else {
                None
            };
            raw.mismatches.push(RawMismatch {
                field: fld,
                span: field(flat, f.bytes.clone(), 0.9),
            });
        }
    }
}

static_regex! {
    fn domicile_re = r"住(?:所地|所|址)?[：:]?\s*(?P<addr>[^，,。；;\s（(]{2,40})";
}

/// Reads a domicile (`住所：…`, `住址：…`, `住…`) from `text` (starting at byte `at`) for the
/// party `who` (`None` = plaintiff, `Some(k)` = k-th defendant). True when one was read.
fn read_domicile(
    flat: &Flat,
    at: usize,
    text: &str,
    who: Option<usize>,
    raw: &mut RawExtraction,
) -> bool {
    let Some(m) = domicile_re().captures(text).and_then(|c| c.name("addr")) else {
        return false;
    };
    let f = field(flat, at + m.start()..at + m.end(), 0.8);
    match who {
        None => {
            raw.fields.entry("plaintiff_domicile").or_insert(f);
        }
        Some(_) => raw.defendant_domiciles.push(f),
    }
    true
}

static_regex! {
    fn jurisdiction_re = r"[^。；\n]{0,40}(?:人民法院|法院)管辖[^。；\n]{0,10}|协议管辖";
}

static_regex! {
    fn mortgage_re = r"被告(?P<owner>[^，,。；;、\s]{2,30}?)以其(?P<what>(?:名下|所有的?)[^，,。；;]{1,40}?)为[^。；;]{0,30}?提供(?P<max>最高额)?抵押担保";
}

static_regex! {
    fn certificate_re = r"(?:不动产权证(?:书)?号?|不动产登记证明号?|他项权证号?|房屋所有权证号?|权证号)[：:为]?\s*(?P<no>[^，,。；;\s）)]{4,40})";
}

/// The collateral stated in the complaint: owner and what (`被告张三以其名下房产…提供抵押担保`),
/// the certificate number and, for a 最高额抵押, the ceiling (the first amount after `最高`).
fn read_collateral(flat: &Flat, range: Range<usize>, raw: &mut RawExtraction) {
    let text = flat.text.get(range.clone()).unwrap_or("");
    let Some(caps) = mortgage_re().captures(text) else {
        return;
    };
    let (Some(owner), Some(what)) = (caps.name("owner"), caps.name("what")) else {
        return;
    };
    let at = range.start;
    raw.fields.insert(
        "collateral.owner",
        field(flat, at + owner.start()..at + owner.end(), 0.8),
    );
    raw.fields.insert(
        "collateral.description",
        field(flat, at + what.start()..at + what.end(), 0.8),
    );
    if let Some(no) = certificate_re().captures(text).and_then(|c| c.name("no")) {
        raw.fields.insert(
            "collateral.certificate_number",
            field(flat, at + no.start()..at + no.end(), 0.8),
        );
    }
    if let Some(i) = text
        .find("最高债权")
        .or_else(|| text.find("最高额"))
        .filter(|_| caps.name("max").is_some() || text.contains("最高债权"))
    {
        let from = at + i;
        let sentence_end = text[i..].find('。').map_or(range.end, |e| at + i + e);
        if let Some(a) = amounts_in(flat, from..sentence_end).first() {
            raw.fields
                .insert("collateral.max_amount", field(flat, a.bytes.clone(), 0.7));
        }
    }
}

/// Splits the claims section into items and reads each amount by its label.
fn read_claims(flat: &Flat, range: Range<usize>, raw: &mut RawExtraction) {
    let text = flat.text.get(range.clone()).unwrap_or("");
    if text.is_empty() {
        return;
    }
    let amounts = amounts_in(flat, range.clone());
    let mut prev_end = range.start;
    let mut prev_label: Option<Label> = None;
    // (end, label) of each amount read so far.
    let mut read: Vec<(usize, Option<Label>)> = Vec::new();
    let item_starts: Vec<usize> = item_re()
        .find_iter(text)
        .map(|m| range.start + m.start())
        .collect();
    for a in &amounts {
        // The window: from the previous amount (or the start of this claim item) to here.
        let item_start = item_starts
            .iter()
            .rev()
            .find(|s| **s <= a.bytes.start)
            .copied()
            .unwrap_or(range.start);
        let from = prev_end.max(item_start);
        let before = flat.text.get(from..a.bytes.start).unwrap_or("");
        let after: String = flat
            .text
            .get(a.bytes.end..)
            .unwrap_or("")
            .chars()
            .take(4)
            .collect();
        prev_end = a.bytes.end;
        if after.contains("为基数") || after.starts_with("基数") || before.ends_with('以') {
            continue;
        }
        // A table row: the label is the row's first cell.
        let row_label = {
            let line_start = flat.text[..a.bytes.start].rfind('\n').map_or(0, |i| i + 1);
            let line = &flat.text[line_start..a.bytes.start];
            if line.contains('\t') {
                line.split('\t').next().map(str::to_owned)
            } else {
                None
            }
        };
        let label = match &row_label {
            // The row's first cell names it; a cell like `其他费用` that names no category
            // leaves it to the words inside the cell (`违约金106.60元、保全费153.40元`).
            // A cell that names several categories (the card form's `利息、罚息、复利、滞纳金、
            // 违约金、手续费等`) is a heading: the words before each amount decide.
            Some(cell) => {
                let inside = before.rsplit('\t').next().unwrap_or("");
                if categories(cell).len() > 1 {
                    claim_label(inside).or_else(|| claim_label(cell))
                } else {
                    claim_label(cell).or_else(|| claim_label(inside))
                }
            }
            // A list of amounts after one label (`利息、罚息、复利分别为1元、2元、3元`): an
            // amount separated from the one before only by a list mark has the same label.
            None if prev_label.is_some()
                && matches!(before.trim(), "、" | "，" | "," | "和" | "及" | "以及") =>
            {
                prev_label
            }
            None => claim_label(before),
        };
        prev_label = label.filter(|l| matches!(l, Label::Interest | Label::Other));
        // A breakdown in brackets after an amount (`欠息5000元（其中利息3000元，罚息2000元）`)
        // splits that amount: parts of its own category are not counted again. Parts of
        // other categories (`共计…（其中本金…、利息…）`) are read.
        let opened = flat.text.get(item_start..a.bytes.start).and_then(|t| {
            let o = t.rfind("（其中").or_else(|| t.rfind("(其中"))?;
            (!t[o..].contains(['）', ')'])).then_some(item_start + o)
        });
        let outer = opened.and_then(|o| read.iter().rev().find(|(e, _)| *e <= o).map(|r| r.1));
        read.push((a.bytes.end, label));
        if label.is_some() && outer == Some(label) {
            continue;
        }
        let f = field(
            flat,
            a.bytes.clone(),
            if row_label.is_some() { 0.85 } else { 0.9 },
        );
        match label {
            Some(Label::Principal) => {
                raw.fields.entry("claims.principal").or_insert(f);
            }
            Some(Label::Interest) => raw
                .parts
                .entry(if row_label.is_some() {
                    "table.interest"
                } else {
                    "claims.interest"
                })
                .or_default()
                .push(f),
            Some(Label::Attorney) => {
                raw.fields.entry("claims.attorney_fee").or_insert(f);
            }
            Some(Label::Other) => raw
                .parts
                .entry(if row_label.is_some() {
                    "table.other_fees"
                } else {
                    "claims.other_fees"
                })
                .or_default()
                .push(f),
            Some(Label::Total) => {
                raw.fields.insert("claims.stated_total", f);
            }
            None => {}
        }
    }
    // A claims table repeats the items: use it only for what the prose lacks.
    for (prose, table) in [
        ("claims.interest", "table.interest"),
        ("claims.other_fees", "table.other_fees"),
    ] {
        if let Some(t) = raw.parts.remove(table)
            && !raw.parts.contains_key(prose)
        {
            raw.parts.insert(prose, t);
        }
    }
    // Cut-off date of the interest.
    if let Some(m) = cutoff_re().captures(text)
        && let Some(d) = dates_in(
            flat,
            range.start + m.get(0).map_or(0, |x| x.start())..range.end,
        )
        .first()
    {
        raw.fields.insert(
            "claims.interest_cutoff_date",
            field(flat, d.bytes.clone(), 0.85),
        );
    }
    if let Some(i) = text.find("连带") {
        let b = range.start + i;
        let end = text[i..]
            .char_indices()
            .nth(6)
            .map_or(text.len(), |(k, _)| i + k);
        raw.fields.insert(
            "claims.joint_liability",
            field(flat, b..range.start + end, 0.9),
        );
    }
}

static_regex! {
    fn item_re = r"(?m)(?:^|[。；;\n])\s*(?:[一二三四五六七八九十]+、|[0-9]+[.、．]|[（(][0-9一二三四五六七八九十]+[)）])";
}

static_regex! {
    fn cutoff_re = r"截至|截止|暂计至|计算至|计至";
}

/// First date within `window` chars after any of `labels` in `range`.
fn labelled_date(
    flat: &Flat,
    range: Range<usize>,
    labels: &[&str],
    window: usize,
) -> Option<Range<usize>> {
    labelled_date_where(flat, range, labels, window, |_| true)
}

/// First date within `window` chars after any of `labels` in `range` that `ok` accepts.
fn labelled_date_where(
    flat: &Flat,
    range: Range<usize>,
    labels: &[&str],
    window: usize,
    ok: impl Fn(&Range<usize>) -> bool,
) -> Option<Range<usize>> {
    let dates = dates_in(flat, range.clone());
    first_after_label(flat, range, &dates, labels, window, ok)
}

/// First amount within `window` chars after any of `labels` in `range`.
fn labelled_amount(
    flat: &Flat,
    range: Range<usize>,
    labels: &[&str],
    window: usize,
) -> Option<Range<usize>> {
    let amounts = amounts_in(flat, range.clone());
    first_after_label(flat, range, &amounts, labels, window, |_| true)
}

/// Bytes of the item of `found` that `ok` accepts and that starts within `window` chars after an
/// occurrence of any of `labels` in `range` (no `。` or line break between), the earliest such
/// (taking, after each occurrence, the first in `found`'s order).
fn first_after_label<T>(
    flat: &Flat,
    range: Range<usize>,
    found: &[Found<T>],
    labels: &[&str],
    window: usize,
    ok: impl Fn(&Range<usize>) -> bool,
) -> Option<Range<usize>> {
    let text = flat.text.get(range.clone())?;
    let mut best: Option<Range<usize>> = None;
    for l in labels {
        let mut from = 0;
        while let Some(i) = text.get(from..).and_then(|s| s.find(l)) {
            let at = range.start + from + i + l.len();
            if let Some(d) = found.iter().find(|d| {
                d.bytes.start >= at
                    && flat
                        .text
                        .get(at..d.bytes.start)
                        .is_some_and(|g| g.chars().count() <= window && !g.contains(['。', '\n']))
                    && ok(&d.bytes)
            }) && best.as_ref().is_none_or(|b| d.bytes.start < b.start)
            {
                best = Some(d.bytes.clone());
            }
            from += i + l.len();
        }
    }
    best
}

/// Words that say a debtor stopped paying (after a date: the default runs from it).
const DEFAULT_CUES: &[&str] = &[
    "逾期",
    "未按",
    "违约",
    "停止还款",
    "拖欠",
    "未还",
    "未偿还",
    "未再",
    "断供",
    "不再还",
    "未能按",
    "未依约",
];

static_regex! {
    fn rate_re = r"(?:(?:执行)?(?:年利率|年化利率|年化|月利率|日利率|年息|月息|日息|借款利率|贷款利率|利率)[为是：:\s]*(?:按)?(?:[^，。；\n]{0,30}?)(?:[0-9]+(?:\.[0-9]+)?\s*[%‰％]|万分之[0-9一二三四五六七八九十点.]+|千分之[0-9一二三四五六七八九十点.]+|百分之[0-9一二三四五六七八九十点.]+|(?:[0-9一二三四五六七八九]|[0-9]\.[0-9]+)[分厘]|(?:LPR|贷款市场报价利率)[^，。；\n]{0,20}?(?:[0-9]+(?:\.[0-9]+)?\s*(?:个基点|基点|bp|BP|%|％|个百分点)|[一二三四五六七八九十]+个基点)))";
}

fn penalty_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Also an uplift said of the default without the word 罚息 before it
        // (`逾期后按合同利率加收50%计收罚息`).
        Regex::new(r"(?:罚息|逾期利率|逾期利息|逾期罚息|逾期贷款)[^。；\n]{0,40}?(?:[0-9]+(?:\.[0-9]+)?\s*[%‰％倍]|万分之[0-9一二三四五六七八九十点.]+|百分之[一二三四五六七八九十点]+)|逾期[^。；\n]{0,20}?(?:加收|上浮|提高)[^。；\n]{0,6}?[0-9]+(?:\.[0-9]+)?\s*[%％]")
            .expect("static regex")
    })
}

static_regex! {
    fn contract_no_re = r"(?:合同编号|合同号|借款合同号|协议编号|编号)[为是]?[：:\s]*[“《]?(?P<v>[A-Za-z0-9（）()〔〕【】\[\]\-_/#\p{Han}]{3,40})";
}

fn clean_contract_no(v: &str) -> String {
    let mut s: String = v.to_owned();
    if let Some(i) = s.rfind('号') {
        if s[..i].is_ascii() && !s[..i].is_empty() {
            // `HT-2021-00042号的《借款合同》`: a code of letters and digits; the 号 is the
            // sentence's counter, not part of it (`…借字第0042号` keeps its 号).
            s.truncate(i);
        } else if s[..i].chars().any(|c| c.is_ascii_digit()) {
            s.truncate(i + '号'.len_utf8());
        }
    } else if s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && let Some((i, _)) = s.char_indices().find(|(_, c)| !c.is_ascii())
    {
        s.truncate(i);
    }
    // Drop an unbalanced closing bracket.
    loop {
        let open = s.matches(['（', '(']).count();
        let close = s.matches(['）', ')']).count();
        if close > open && s.ends_with(['）', ')']) {
            s.pop();
        } else {
            break;
        }
    }
    s
}

fn read_contract_facts(flat: &Flat, sources: &[(Range<usize>, f32)], raw: &mut RawExtraction) {
    // Who may stand between a date and the words saying the debt fell into default.
    let debtor_names: Vec<String> = raw
        .defendants
        .iter()
        .map(|d| d.name.value.trim().to_owned())
        .filter(|n| !n.is_empty())
        .chain(["被申请人", "被告", "借款人", "持卡人"].map(String::from))
        .collect();
    for (range, conf) in sources {
        let Some(text) = flat.text.get(range.clone()) else {
            continue;
        };
        if text.is_empty() {
            continue;
        }
        // A later source may complete a number an earlier one cut short (a table cell clipped
        // at the margin: `…第349` in the complaint, `…第3499号` in the contract).
        let earlier = raw.fields.get("contract_number").map(|f| f.value.clone());
        if let Some(c) = contract_no_re().captures(text)
            && let Some(v) = c.name("v")
        {
            let cleaned = clean_contract_no(v.as_str());
            let completes = earlier
                .as_deref()
                .is_none_or(|e| cleaned.len() > e.len() && cleaned.starts_with(e));
            if completes && cleaned.chars().any(|c| c.is_ascii_digit()) {
                let b = range.start + v.start();
                raw.fields
                    .insert("contract_number", field(flat, b..b + cleaned.len(), *conf));
            }
        }
        if !raw.fields.contains_key("contract_date")
            && let Some(b) = labelled_date(
                flat,
                range.clone(),
                &[
                    "签订日期",
                    "签订时间",
                    "签约日期",
                    "合同日期",
                    "签署日期",
                    "订立日期",
                ],
                6,
            )
            .or_else(|| {
                date_before(
                    flat,
                    range.clone(),
                    &["签订", "签署", "订立", "签约", "申领", "借款"],
                    60,
                )
            })
        {
            raw.fields.insert("contract_date", field(flat, b, *conf));
        }
        if !raw.fields.contains_key("maturity_date")
            && let Some(b) = labelled_date(
                flat,
                range.clone(),
                &[
                    "到期日",
                    "到期日期",
                    "还款期限届满日",
                    "借款到期",
                    "贷款到期",
                ],
                8,
            )
            .or_else(|| period_end(flat, range.clone()))
        {
            raw.fields.insert("maturity_date", field(flat, b, *conf));
        }
        // No end date written, only a term from a start (`借款期限12个月，自2021年3月15日起`):
        // the phrase, for resolve to compute the last day of the term.
        if !raw.fields.contains_key("maturity_date")
            && !raw.fields.contains_key("maturity_term")
            && let Some(b) = term_from_start(flat, range.clone())
        {
            raw.fields
                .insert("maturity_term", field(flat, b, *conf * 0.9));
        }
        // The default date: a date the text says the default runs from (`自…起未按约还款`,
        // `从…开始拖欠本息`, `…起，被告开始逾期`).
        // The subject between the date and the cue is skipped, however long its name
        // (`从2023/5/15开始，被告某某贸易有限公司未再按期还款`).
        let defaults_after = |b: &Range<usize>| {
            let mut after: String = flat
                .text
                .get(b.end..)
                .unwrap_or("")
                .chars()
                .take(80)
                .collect();
            if let Some(i) = after.find(['。', '；']) {
                after.truncate(i);
            }
            for n in &debtor_names {
                after = after.replace(n.as_str(), "");
            }
            let after: String = after.chars().take(16).collect();
            DEFAULT_CUES.iter().any(|w| after.contains(w))
        };
        // `…起`, `…开始`, or the default named right after the date (`于2023年5月6日首次逾期`).
        let starts_a_period = |b: &Range<usize>| {
            let after = flat.text.get(b.end..).unwrap_or("").trim_start();
            [
                "起",
                "开始",
                "以来",
                "之后",
                "首次逾期",
                "开始逾期",
                "出现逾期",
            ]
            .iter()
            .any(|w| after.starts_with(w))
        };
        if !raw.fields.contains_key("default_date")
            && let Some(b) =
                labelled_date_where(flat, range.clone(), &["自", "从"], 3, defaults_after)
                    .or_else(|| {
                        dates_in(flat, range.clone())
                            .into_iter()
                            .map(|d| d.bytes)
                            .find(|b| starts_a_period(b) && defaults_after(b))
                    })
                    .or_else(|| {
                        labelled_date(
                            flat,
                            range.clone(),
                            &[
                                "逾期日",
                                "逾期日期",
                                "首次逾期",
                                "违约日期",
                                "逾期开始",
                                "逾期起始",
                            ],
                            8,
                        )
                    })
        {
            raw.fields.insert("default_date", field(flat, b, *conf));
        }
        if !raw.fields.contains_key("loan_amount")
            && let Some(b) = labelled_amount(
                flat,
                range.clone(),
                &[
                    "借款金额",
                    "贷款金额",
                    "借款本金",
                    "贷款本金",
                    "信用额度",
                    "授信额度",
                    "透支额度",
                    "额度",
                    "借款人民币",
                    "贷款人民币",
                    "发放贷款",
                    "发放借款",
                    "借款",
                    "贷款",
                ],
                12,
            )
        {
            raw.fields.insert("loan_amount", field(flat, b, *conf));
        }
        if !raw.fields.contains_key("annual_interest_rate")
            && let Some(m) = rate_re()
                .find(text)
                .filter(|m| !text[..m.start()].ends_with("罚息"))
        {
            let end = text[m.end()..]
                .find(['，', '。', '；', '\n', ','])
                .map_or(text.len(), |i| m.end() + i);
            raw.fields.insert(
                "annual_interest_rate",
                field(flat, range.start + m.start()..range.start + end, *conf),
            );
        }
        if !raw.fields.contains_key("penalty_rate")
            && let Some(m) = penalty_re().find(text)
        {
            raw.fields.insert(
                "penalty_rate",
                field(flat, range.start + m.start()..range.start + m.end(), *conf),
            );
        }
        if !raw.fields.contains_key("guarantee_period")
            && let Some(m) = guarantee_re().find(text)
        {
            raw.fields.insert(
                "guarantee_period",
                field(flat, range.start + m.start()..range.start + m.end(), *conf),
            );
        }
    }
}

static_regex! {
    fn guarantee_re = r"保证期间[^。；\n]{0,40}?(?:[0-9]+|[一二三四五六七八九十两半]+)\s*(?:个月|年)|保证期间(?:未约定|没有约定|未作约定|无约定)|对保证期间(?:未作约定|未约定|没有约定)|(?:未约定|没有约定|未作约定)保证期间";
}

/// The date just before one of `verbs` (`2021年3月15日签订`, `于2021年3月15日与原告签订`).
fn date_before(
    flat: &Flat,
    range: Range<usize>,
    verbs: &[&str],
    window: usize,
) -> Option<Range<usize>> {
    let dates = dates_in(flat, range.clone());
    for d in &dates {
        let after: String = flat
            .text
            .get(d.bytes.end..range.end)
            .unwrap_or("")
            .chars()
            .take(window)
            .collect();
        let after = after.split(['。', '；', '\n']).next().unwrap_or("");
        // Stop at the next date: the verb must belong to this one.
        let after = match find_dates(after).first() {
            Some(n) => after.chars().take(n.start).collect::<String>(),
            None => after.to_owned(),
        };
        let hit = verbs
            .iter()
            .filter_map(|v| {
                after.match_indices(v).map(|(i, _)| i).find(|&i| {
                    // `借款` as the act (`向原告借款`), not `借款利率`/`借款期限`.
                    let rest = &after[i + v.len()..];
                    *v != "借款"
                        || !(["利", "期", "金", "到", "本", "合"]
                            .iter()
                            .any(|p| rest.starts_with(p))
                            || (rest.starts_with('人') && !rest.starts_with("人民币")))
                })
            })
            .min();
        // `…于2023年3月15日到期` is a due date; a 到期 after the signing is another fact.
        if let Some(at) = hit
            && !after[..at].contains("到期")
        {
            return Some(d.bytes.clone());
        }
    }
    None
}

static_regex! {
    /// A loan term in months or years: `借款期限12个月`, `期限为十二个月`, `贷款期限：1年`.
    fn term_re = r"(?:借款|贷款)?期限(?:为|是|：|:)?\s*(?:[0-9]{1,3}|[一二三四五六七八九十两]{1,3})\s*(?:个月|年)";
}

/// A term with its start and no end date written: `借款期限12个月，自2021年3月15日起` or
/// `自2021年3月15日起，借款期限12个月`. The span covers the term and the start date, in the same
/// sentence; `None` when either is missing.
fn term_from_start(flat: &Flat, range: Range<usize>) -> Option<Range<usize>> {
    let text = flat.text.get(range.clone())?;
    let term = term_re().find(text)?;
    let (t0, t1) = (range.start + term.start(), range.start + term.end());
    let same_sentence = |a: usize, b: usize| {
        flat.text
            .get(a.min(b)..a.max(b))
            .is_some_and(|g| g.chars().count() <= 40 && !g.contains(['。', '；', '\n']))
    };
    let opens = |d: &Found<DateMatch>| {
        let before: String = flat
            .text
            .get(..d.bytes.start)
            .unwrap_or("")
            .chars()
            .rev()
            .take(2)
            .collect();
        let after: String = flat
            .text
            .get(d.bytes.end..)
            .unwrap_or("")
            .chars()
            .take(3)
            .collect();
        (before.contains('自') || before.contains('从'))
            && ["起", "开始", "计"].iter().any(|w| after.starts_with(w))
    };
    dates_in(flat, range)
        .into_iter()
        .filter(|d| opens(d))
        .find(|d| {
            if d.bytes.start >= t1 {
                same_sentence(t1, d.bytes.start)
            } else {
                same_sentence(d.bytes.end, t0)
            }
        })
        .map(|d| t0.min(d.bytes.start)..t1.max(d.bytes.end))
}

/// The end date of a term `自…起至…止` / `期限…至…`.
fn period_end(flat: &Flat, range: Range<usize>) -> Option<Range<usize>> {
    let text = flat.text.get(range.clone())?;
    let dates = dates_in(flat, range.clone());
    for w in ["借款期限", "贷款期限", "期限"] {
        if let Some(i) = text.find(w) {
            let at = range.start + i;
            let inside: Vec<&Found<DateMatch>> = dates
                .iter()
                .filter(|d| {
                    d.bytes.start > at
                        && flat
                            .text
                            .get(at..d.bytes.start)
                            .is_some_and(|g| g.chars().count() <= 40 && !g.contains('。'))
                })
                .collect();
            if inside.len() >= 2 {
                return Some(inside[1].bytes.clone());
            }
            if let [one] = inside.as_slice()
                && flat
                    .text
                    .get(at..one.bytes.start)
                    .is_some_and(|g| g.ends_with('至'))
            {
                return Some(one.bytes.clone());
            }
        }
    }
    None
}

fn read_demands(
    flat: &Flat,
    collections: &[Range<usize>],
    facts: &Range<usize>,
    raw: &mut RawExtraction,
) {
    // The last date in the collection records is the last demand.
    let mut last: Option<Found<DateMatch>> = None;
    for r in collections {
        for d in dates_in(flat, r.clone()) {
            if last.as_ref().is_none_or(|l| d.item.date >= l.item.date) {
                last = Some(d);
            }
        }
    }
    if last.is_none() {
        let text = flat.text.get(facts.clone()).unwrap_or("");
        for d in dates_in(flat, facts.clone()) {
            let after: String = flat
                .text
                .get(d.bytes.end..)
                .unwrap_or("")
                .chars()
                .take(20)
                .collect();
            // A date that opens a period (`自2023年5月6日起未还款，经多次催收`) is when the
            // default began, not a demand.
            let opens = ["起", "开始", "以来"]
                .iter()
                .any(|w| after.trim_start().starts_with(w));
            if !opens
                && (after.contains("催收") || after.contains("催告") || after.contains("催讨"))
                && last.as_ref().is_none_or(|l| d.item.date >= l.item.date)
            {
                last = Some(d);
            }
        }
        let _ = text;
    }
    if let Some(d) = last {
        raw.fields
            .insert("last_demand_date", field(flat, d.bytes, 0.7));
    }
}

/// The amount of a 合计 row (`合计\t78,882.40`): the first cell is 合计/总计/共计 and an amount
/// follows in a later cell. Producers that lay a table out as text may leave one space
/// between the cells (`合计 78,882.40`), so a first word set off by whitespace counts as the
/// first cell.
fn total_row_amount(flat: &Flat, i: usize) -> Option<Range<usize>> {
    const TOTALS: [&str; 3] = ["合计", "总计", "共计"];
    let row = cells(flat, i);
    let (first, rest) = row.split_first()?;
    if !rest.is_empty() {
        if !TOTALS.contains(&first.1.trim()) {
            return None;
        }
        return amounts_in(flat, bytes_of(flat, i..i + 1))
            .first()
            .map(|a| a.bytes.clone());
    }
    // One cell: its first word, when whitespace sets it off, then the figure (a bare one is
    // an amount only in a cell, as `amounts_in` reads it).
    let (word, after) = first.1.split_once(char::is_whitespace)?;
    if !TOTALS.contains(&word) {
        return None;
    }
    let lead = first.1.len() - after.len();
    let after_start = first.0.start + lead;
    let value = after.trim_start();
    let start = after_start + after.len() - value.len();
    if let Some(a) = amounts_in(flat, start..first.0.end).first() {
        return Some(a.bytes.clone());
    }
    let figure = value.split_whitespace().next()?;
    let money_like = is_figure(figure)
        && figure
            .trim_end_matches('元')
            .rsplit_once('.')
            .is_some_and(|(_, f)| f.len() == 2);
    (money_like && parse_figure(figure.trim_end_matches('元')).is_some())
        .then(|| start..start + figure.len())
}

/// Cells of one tab-separated line, each with its byte range in `flat.text`.
fn cells(flat: &Flat, line: usize) -> Vec<(Range<usize>, &str)> {
    let Some(l) = flat.lines.get(line) else {
        return Vec::new();
    };
    let text = flat.line(line);
    let mut out = Vec::new();
    let mut pos = l.bytes.start;
    for cell in text.split('\t') {
        let lead = cell.len() - cell.trim_start().len();
        let c = cell.trim();
        out.push((pos + lead..pos + lead + c.len(), c));
        pos += cell.len() + 1;
    }
    out
}

/// Reads the repayment rows of one ledger document: a header row names the columns (日期,
/// 摘要, 发生额 / 金额, 还本 / 本金, 还息 / 利息; 余额 columns are skipped); each later row whose
/// summary is a repayment (`还…`, `累计还本`) gives a [`RawRepayment`]. A single amount column
/// counts as principal unless the summary speaks only of interest (`还息`).
fn read_ledger(flat: &Flat, lines: Range<usize>, raw: &mut RawExtraction) {
    let mut date_col = None;
    let mut memo_col = None;
    let mut amount_col = None;
    let mut principal_col = None;
    let mut interest_col = None;
    for i in lines {
        let row = cells(flat, i);
        if row.len() < 2 {
            continue;
        }
        if date_col.is_none() {
            if row.iter().any(|c| c.1.contains("日期")) {
                for (k, (_, c)) in row.iter().enumerate() {
                    if c.contains("余额") {
                        continue;
                    }
                    if c.contains("日期") {
                        date_col = Some(k);
                    } else if c.contains("摘要") || c.contains("类型") || c.contains("说明") {
                        memo_col = Some(k);
                    } else if c.contains("息") {
                        interest_col = Some(k);
                    } else if c.contains("本") {
                        principal_col = Some(k);
                    } else if c.contains("发生额") || c.contains("金额") {
                        amount_col = Some(k);
                    }
                }
            }
            continue;
        }
        let Some((date_bytes, date_text)) = date_col.and_then(|k| row.get(k)).cloned() else {
            continue;
        };
        if find_dates(date_text).is_empty() {
            continue;
        }
        let memo = memo_col.and_then(|k| row.get(k)).map_or("", |c| c.1);
        if !memo.contains('还') {
            continue;
        }
        let amount_cell = |k: Option<usize>| -> Option<RawField> {
            let (b, c) = k.and_then(|k| row.get(k))?;
            let v = parse_figure(c.trim_start_matches(['-', '－']))?;
            (!v.is_zero()).then(|| field(flat, b.clone(), 0.8))
        };
        let mut principal = amount_cell(principal_col);
        let mut interest = amount_cell(interest_col);
        if principal.is_none() && interest.is_none() {
            let one = amount_cell(amount_col);
            if memo.contains('息') && !memo.contains('本') {
                interest = one;
            } else {
                principal = one;
            }
        }
        if principal.is_some() || interest.is_some() {
            raw.repayments.push(RawRepayment {
                date: field(flat, date_bytes, 0.85),
                principal,
                interest,
            });
        }
    }
}

static_regex! {
    fn day_count_re = r"(?:按|以)?(?:一|每)?年(?:按|以|为|计)?\s*(?:360|365|三百六十五|三百六十)\s*(?:天|日)(?:计算|计息|计)?|(?:按|以)实际(?:天数|日数|占用天数)(?:计算|计息|计)?";
}

/// The day-count convention the contract states (`按年360天计算`, `一年按365天`, `按实际天数计息`),
/// from the first source that has one.
fn read_day_count(flat: &Flat, sources: &[(Range<usize>, f32)], raw: &mut RawExtraction) {
    for (range, conf) in sources {
        let text = flat.text.get(range.clone()).unwrap_or("");
        if let Some(m) = day_count_re().find(text) {
            let b = range.start + m.start()..range.start + m.end();
            raw.fields.insert("day_count", field(flat, b, *conf));
            return;
        }
    }
}

static_regex! {
    fn guarantor_demand_re = r"向(?:被告)?(?:保证人|担保人)[^。；\n]{0,30}?(?:催收|催告|催款|主张|发出|送达|要求)";
}

/// The date of a demand on a guarantor: a collection-record row naming a guarantor (or 保证人),
/// or a sentence of the complaint `已于DATE向保证人…发出催收函` / `DATE向被告G（保证人）催收`.
/// The latest such date wins.
fn read_guarantor_demand(
    flat: &Flat,
    collections: &[Range<usize>],
    complaint: &Range<usize>,
    guarantors: &[String],
    raw: &mut RawExtraction,
) {
    let mut best: Option<Found<DateMatch>> = None;
    let mut keep = |d: Found<DateMatch>| {
        if best.as_ref().is_none_or(|b| d.item.date >= b.item.date) {
            best = Some(d);
        }
    };
    let names_guarantor = |s: &str| {
        s.contains("保证人")
            || s.contains("担保人")
            || guarantors.iter().any(|g| s.contains(g.as_str()))
    };
    for r in collections {
        let text = flat.text.get(r.clone()).unwrap_or("");
        let mut pos = r.start;
        for line in text.split('\n') {
            if names_guarantor(line) {
                for d in dates_in(flat, pos..pos + line.len()) {
                    keep(d);
                }
            }
            pos += line.len() + 1;
        }
    }
    let text = flat.text.get(complaint.clone()).unwrap_or("");
    let mut pos = complaint.start;
    for sentence in text.split_inclusive(['。', '；', '\n']) {
        let named = guarantor_demand_re().is_match(sentence)
            || guarantors.iter().any(|g| {
                sentence.contains(&format!("向被告{g}")) || sentence.contains(&format!("向{g}"))
            }) && ["催收", "催告", "催款", "主张"]
                .iter()
                .any(|w| sentence.contains(w));
        if named {
            for d in dates_in(flat, pos..pos + sentence.len()) {
                keep(d);
            }
        }
        pos += sentence.len();
    }
    if let Some(d) = best {
        raw.fields
            .insert("guarantor_demand_date", field(flat, d.bytes, 0.7));
    }
}

/// Labels of interest due and unpaid (欠息), the base of 复利.
const UNPAID_INTEREST_LABELS: &[&str] = &[
    "欠息",
    "欠付利息",
    "尚欠利息",
    "拖欠利息",
    "结欠利息",
    "应付未付利息",
];

/// `unpaid_interest` (`欠息X元`, in a ledger or the complaint; the ledger first) and
/// `preservation_amount` (`申请财产保全…X元`, in the complaint): the first amount right after its
/// label in the same sentence.
fn read_labelled_extra(
    flat: &Flat,
    complaint: &Range<usize>,
    docs: &[Doc],
    raw: &mut RawExtraction,
) {
    let mut ranges: Vec<Range<usize>> = docs
        .iter()
        .filter(|d| d.kind.is_ledger())
        .map(|d| bytes_of(flat, d.lines.clone()))
        .collect();
    ranges.push(complaint.clone());
    'outer: for r in &ranges {
        for a in amounts_in(flat, r.clone()) {
            let before = sentence_before(flat, r.start, a.bytes.start);
            let tail: String = before
                .chars()
                .rev()
                .take(12)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if let Some(p) = UNPAID_INTEREST_LABELS
                .iter()
                .filter_map(|l| tail.rfind(l).map(|i| i + l.len()))
                .max()
                && !tail[p..].contains(['，', ','])
            {
                raw.fields
                    .insert("unpaid_interest", field(flat, a.bytes.clone(), 0.75));
                break 'outer;
            }
        }
    }
    for a in amounts_in(flat, complaint.clone()) {
        let before = sentence_before(flat, complaint.start, a.bytes.start);
        if let Some(i) = before.rfind("保全")
            && before[..i].contains("申请")
            && !before[i..].contains('费')
            && before[i..].chars().count() <= 20
        {
            raw.fields
                .insert("preservation_amount", field(flat, a.bytes.clone(), 0.75));
            break;
        }
    }
}

/// The text of the sentence (after the last `。；\n` in `[floor, at)`) that ends at byte `at`.
fn sentence_before(flat: &Flat, floor: usize, at: usize) -> &str {
    let s = flat.text.get(floor..at).unwrap_or("");
    match s.rfind(['。', '；', '\n']) {
        Some(i) => {
            let ch = s[i..].chars().next().map_or(1, char::len_utf8);
            &s[i + ch..]
        }
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(raw: &RawExtraction, key: &str) -> Option<String> {
        raw.fields.get(key).map(|f| f.value.clone())
    }

    const HEAD: &str = "民事起诉状\n原告：甲乙银行股份有限公司丙丁支行\n被告：张三，男，住某市某路1号。\n案由：金融借款合同纠纷\n诉讼请求：\n1、判令被告偿还借款本金100,000.00元；\n2、判令被告支付公告费560.00元。\n";

    #[test]
    fn a_role_written_as_a_label_before_the_names() {
        let t = "2.签订主体\t贷款人：某银行 借款人：张三  共同借款人：李四\n14.是否签订保证合同\t是■ 保证人：王五、赵六  主要内容：…\n担保人：抵押人：孙七";
        let role = |n: &str| labelled_role(t, n).map(|r| &t[r]);
        assert_eq!(role("张三"), Some("借款人"));
        assert_eq!(role("李四"), Some("共同借款人"));
        assert_eq!(role("王五"), Some("保证人"));
        assert_eq!(role("赵六"), Some("保证人"));
        assert_eq!(role("孙七"), Some("抵押人"));
        assert_eq!(role("某银行"), None);
        // A name in a sentence after the label is not listed under it.
        assert_eq!(
            labelled_role("借款人：张三于2023年向李四借款", "李四"),
            None
        );
    }

    #[test]
    fn a_table_row_set_off_by_spaces_is_no_title() {
        // LibreOffice lays `公告费\t560.00` out as `公告费 560.00`: `公告` names a notice title,
        // but a line ending with a figure is a table row, and the complaint goes on.
        assert_eq!(title_kind("公告费 560.00"), None);
        assert_eq!(title_kind("合计 78,882.40元"), None);
        assert_eq!(title_kind("公告"), Some(DocType::Other));
        assert_eq!(title_kind("借款合同"), Some(DocType::LoanContract));
        let text = format!(
            "{HEAD}诉讼请求金额明细：\n项目\t金额（元）\n借款本金 100,000.00\n公告费 560.00\n事实与理由：\n被告借款未还。\n特诉至贵院，请求判如所请。\n此致\n某市某区人民法院\n具状人：甲乙银行股份有限公司丙丁支行\n二〇二〇年三月四日"
        );
        let raw = read(&DocumentText::from_pages(&[text.as_str()]));
        assert_eq!(value(&raw, "court").as_deref(), Some("某市某区人民法院"));
        assert_eq!(
            value(&raw, "filing_date").as_deref(),
            Some("二〇二〇年三月四日")
        );
    }

    #[test]
    fn a_page_break_does_not_separate_the_closing_from_its_court() {
        // `此致` ends a page, a footer follows it, the court heads the next page.
        let p1 = format!("{HEAD}事实与理由：\n被告借款未还。\n此致\n第 1 页 共 2 页");
        let p2 = "2\n某市某区人民法院\n具状人：甲乙银行股份有限公司丙丁支行\n2020年3月4日";
        let raw = read(&DocumentText::from_pages(&[p1.as_str(), p2]));
        assert_eq!(value(&raw, "court").as_deref(), Some("某市某区人民法院"));
        let court = raw.fields.get("court").map(|f| f.page);
        assert_eq!(court, Some(2));
        assert_eq!(value(&raw, "filing_date").as_deref(), Some("2020年3月4日"));
    }

    #[test]
    fn a_total_row_with_one_space_gives_the_stated_total() {
        for row in ["合计\t78,882.40", "合计 78,882.40", "合计  78,882.40元"] {
            let text = format!(
                "{HEAD}事实与理由：\n欠款明细如下：\n项目\t金额\n本金\t78,322.40\n{row}\n此致\n某市某区人民法院"
            );
            let raw = read(&DocumentText::from_pages(&[text.as_str()]));
            let total = value(&raw, "claims.stated_total");
            assert!(
                total.as_deref().is_some_and(|t| t.starts_with("78,882.40")),
                "{row}: {total:?}"
            );
        }
        // A sentence that starts with 合计 is no row.
        let text = format!("{HEAD}事实与理由：\n合计金额见附表。\n此致\n某市某区人民法院");
        let raw = read(&DocumentText::from_pages(&[text.as_str()]));
        assert_eq!(value(&raw, "claims.stated_total"), None);
    }
}
