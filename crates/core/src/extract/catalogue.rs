//! Dossier catalogue (智能编目): a filing's pages → its documents, each with a page range, a
//! type ([`DocType`]) and a confidence.
//!
//! A filing is a stack of documents (the complaint, the contract, the ledger, ID copies …)
//! scanned or printed into one PDF. Documents start on a new page, so the catalogue works per
//! page: each page is scored against every type from its title lines (the first short, centred
//! lines), keywords in its body and its layout (share of table rows, of digits); a page whose
//! title is not a known one and whose body reads like the document before continues that
//! document. The scores are a hand-weighted linear model, not a trained one: the weights are
//! few and readable, and the held-out template families of `fixtures::styles` measure them.
//!
//! Must not: read values (that is `raw`/`resolve`), do IO, or fail.

/// The document types are the domain's; re-exported here beside the catalogue that assigns them.
pub use crate::domain::DocType;
use crate::domain::DocumentText;
use serde::{Deserialize, Serialize};

/// One document of a filing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    /// Its type.
    pub kind: DocType,
    /// First page (1-based, inclusive).
    pub first_page: u32,
    /// Last page (1-based, inclusive).
    pub last_page: u32,
    /// The title line as written, when the document has one.
    pub title: Option<String>,
    /// Confidence in 0..=1 (the winning score's share of the page's scores).
    pub confidence: f32,
}

/// Where a title word must stand for the field reader's splitter: anywhere in the title, at
/// its start (`借条…`) or at its end (`…借据`). The catalogue's scores look anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Any,
    Start,
    End,
}

/// A word of document titles, the one list both readers of titles use: its type; its weight
/// in the catalogue's page score (0: not scored); and its rank for `raw`'s document splitter
/// (0: not a splitting title; lower ranks are tried first, so `还款明细` names a ledger even in
/// `借款合同还款明细`, and `催收` a collection notice before `通知书` names anything else).
#[derive(Debug, Clone, Copy)]
struct TitleWord {
    kind: DocType,
    word: &'static str,
    weight: f32,
    rank: u8,
    at: At,
}

const fn tw(kind: DocType, word: &'static str, weight: f32, rank: u8, at: At) -> TitleWord {
    TitleWord {
        kind,
        word,
        weight,
        rank,
        at,
    }
}

/// Title words per type; for the catalogue's scores the most specific come first in each type.
const TITLE_WORDS: &[TitleWord] = &[
    tw(DocType::Complaint, "起诉状", 6.0, 1, At::Any),
    tw(DocType::Complaint, "起诉书", 6.0, 1, At::Any),
    tw(DocType::Complaint, "诉状", 4.0, 0, At::Any),
    tw(DocType::Complaint, "支付令申请", 6.0, 1, At::Any),
    tw(DocType::EvidenceList, "证据目录", 6.0, 0, At::Any),
    tw(DocType::EvidenceList, "证据清单", 6.0, 0, At::Any),
    tw(DocType::EvidenceList, "证据材料", 4.0, 0, At::Any),
    tw(DocType::Assignment, "债权转让", 7.0, 0, At::Any),
    tw(DocType::Assignment, "转让通知", 6.0, 0, At::Any),
    // `债权转让暨债务催收联合公告`: the assignment's notice, however it ends.
    tw(DocType::Assignment, "联合公告", 6.0, 0, At::Any),
    tw(DocType::GuaranteeContract, "保证合同", 6.5, 0, At::Any),
    tw(DocType::GuaranteeContract, "担保合同", 6.0, 0, At::Any),
    tw(DocType::GuaranteeContract, "保证书", 5.0, 0, At::Any),
    tw(DocType::MortgageContract, "抵押合同", 6.5, 0, At::Any),
    tw(DocType::MortgageContract, "抵押协议", 6.0, 0, At::Any),
    tw(DocType::LoanContract, "借款合同", 6.0, 0, At::Any),
    tw(DocType::LoanContract, "贷款合同", 6.0, 0, At::Any),
    tw(DocType::LoanContract, "借款协议", 6.0, 0, At::Any),
    tw(DocType::LoanContract, "领用合约", 6.0, 0, At::Any),
    tw(DocType::LoanContract, "领用协议", 6.0, 0, At::Any),
    tw(DocType::LoanContract, "信用卡章程", 5.0, 0, At::Any),
    tw(DocType::LoanContract, "授信", 4.0, 0, At::Any),
    tw(DocType::LoanContract, "合同", 2.0, 5, At::Any),
    tw(DocType::LoanContract, "合约", 2.0, 5, At::Any),
    tw(DocType::LoanReceipt, "借据", 6.5, 5, At::End),
    tw(DocType::LoanReceipt, "借条", 6.5, 5, At::Start),
    tw(DocType::LoanReceipt, "欠条", 6.5, 5, At::Start),
    tw(DocType::LoanReceipt, "放款凭证", 6.0, 0, At::Any),
    tw(DocType::Statement, "明细", 5.0, 0, At::Any),
    tw(DocType::Statement, "对账单", 6.0, 2, At::Any),
    tw(DocType::Statement, "分户账", 6.0, 2, At::Any),
    tw(DocType::Statement, "流水", 5.0, 4, At::Any),
    tw(DocType::Statement, "还款记录", 6.0, 2, At::Any),
    tw(DocType::Statement, "交易记录", 6.0, 0, At::Any),
    tw(DocType::Statement, "转账记录", 6.0, 4, At::Any),
    tw(DocType::Statement, "计算表", 5.0, 2, At::Any),
    tw(DocType::Collection, "催收", 6.0, 3, At::Any),
    tw(DocType::Collection, "催款", 6.0, 3, At::Any),
    tw(DocType::Collection, "催告", 5.0, 3, At::Any),
    tw(DocType::Identity, "身份证", 6.0, 0, At::Any),
    tw(DocType::Identity, "营业执照", 6.0, 6, At::Start),
    tw(DocType::Identity, "身份证明", 6.0, 0, At::Any),
    tw(DocType::Identity, "户口", 5.0, 0, At::Any),
    tw(DocType::PowerOfAttorney, "授权委托", 6.5, 0, At::Any),
    tw(DocType::PowerOfAttorney, "委托书", 5.5, 6, At::End),
    tw(DocType::Other, "送达地址", 6.0, 0, At::Any),
    tw(DocType::Other, "确认书", 3.0, 6, At::End),
    tw(DocType::Other, "通知书", 2.0, 6, At::Any),
    // Words that make a line a document title for the field reader's splitter only.
    tw(DocType::Statement, "还款明细", 0.0, 2, At::Any),
    tw(DocType::Statement, "交易明细", 0.0, 2, At::Any),
    tw(DocType::Statement, "欠款明细", 0.0, 2, At::Any),
    tw(DocType::Statement, "账户明细", 0.0, 2, At::Any),
    tw(DocType::Statement, "明细表", 0.0, 2, At::Any),
    tw(DocType::Statement, "台账", 0.0, 2, At::Any),
    tw(DocType::Statement, "账单", 0.0, 2, At::End),
    tw(DocType::Statement, "凭证", 0.0, 2, At::End),
    tw(DocType::Statement, "回单", 0.0, 2, At::End),
    tw(DocType::LoanContract, "协议", 0.0, 5, At::Any),
    tw(DocType::EvidenceList, "证据", 0.0, 6, At::Any),
    tw(DocType::Other, "公告", 0.0, 6, At::Any),
    tw(DocType::Other, "清单", 0.0, 6, At::Any),
    tw(DocType::Other, "目录", 0.0, 6, At::Any),
    tw(DocType::Identity, "居民身份证", 0.0, 6, At::Start),
];

/// The type a title line names for the field reader's splitter (`raw`), `t` without its
/// spaces: the first word found by rank, as a coarse type (any contract or receipt is a
/// `LoanContract`; a list, notice, ID or power of attorney is `Other`).
pub(crate) fn splitting_title(t: &str) -> Option<DocType> {
    // A cause of action under a form's title (`（金融借款合同纠纷）`, `保证合同纠纷`) names the
    // dispute, not a document, though it holds a document's words.
    if t.trim_end_matches(['）', ')']).ends_with("纠纷") {
        return None;
    }
    // A bare `合同` / `协议` is the tail of a wrapped table cell (`是否签订物的担保（抵押、质押）`
    // / `合同`), not a document's title, which names its kind.
    if matches!(t, "合同" | "协议") {
        return None;
    }
    (1..=6).find_map(|rank| {
        TITLE_WORDS
            .iter()
            .filter(|w| w.rank == rank)
            .find(|w| match w.at {
                At::Any => t.contains(w.word),
                At::Start => t.starts_with(w.word),
                At::End => t.ends_with(w.word),
            })
            .map(|w| w.kind.coarse())
    })
}

/// Body words per type (weaker evidence: a complaint cites the contract, a contract the ledger).
const BODY_WORDS: &[(DocType, &str, f32)] = &[
    (DocType::Complaint, "诉讼请求", 1.5),
    (DocType::Complaint, "请求事项", 1.5),
    (DocType::Complaint, "事实与理由", 1.5),
    (DocType::Complaint, "事实和理由", 1.5),
    (DocType::Complaint, "此致", 1.0),
    (DocType::Complaint, "人民法院", 0.5),
    (DocType::Complaint, "判令", 1.0),
    (DocType::LoanContract, "第一条", 0.8),
    (DocType::LoanContract, "借款期限", 0.6),
    (DocType::LoanContract, "利率", 0.4),
    (DocType::LoanContract, "甲方", 0.6),
    (DocType::LoanContract, "贷款人", 0.6),
    (DocType::GuaranteeContract, "保证期间", 1.0),
    (DocType::GuaranteeContract, "保证人", 0.8),
    (DocType::MortgageContract, "抵押物", 1.0),
    (DocType::MortgageContract, "抵押登记", 0.8),
    (DocType::LoanReceipt, "今借到", 2.0),
    (DocType::LoanReceipt, "放款日期", 1.0),
    (DocType::Statement, "余额", 1.0),
    (DocType::Statement, "摘要", 1.0),
    (DocType::Statement, "发生额", 1.0),
    (DocType::Collection, "催收", 0.8),
    (DocType::Assignment, "受让", 0.8),
    (DocType::Assignment, "转让", 0.6),
    (DocType::Identity, "公民身份号码", 2.0),
    (DocType::Identity, "统一社会信用代码", 1.0),
    (DocType::PowerOfAttorney, "代理权限", 2.0),
    (DocType::PowerOfAttorney, "委托人", 1.0),
    (DocType::EvidenceList, "证明目的", 2.0),
    (DocType::EvidenceList, "证据名称", 2.0),
];

/// A title line: short, no sentence punctuation, not a table row (spaces inside are ignored:
/// `起 诉 状`).
fn title_of(page: &str) -> Option<String> {
    for line in page.lines().take(2) {
        if line.contains('\t') {
            return None;
        }
        let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if t.is_empty() {
            continue;
        }
        let n = t.chars().count();
        if n <= 24 && !t.contains(['，', '。', '：', ':', '；']) {
            return Some(t);
        }
        return None;
    }
    None
}

/// Scores of one page for every type (same order as [`DocType::ALL`]) and whether its title
/// matched a known word.
fn page_scores(page: &str) -> ([f32; 12], bool) {
    let mut s = [0f32; 12];
    let idx = |k: DocType| DocType::ALL.iter().position(|d| *d == k).unwrap_or(11);
    let mut titled = false;
    if let Some(t) = title_of(page) {
        // Within the title, the word that ends latest names the document (`个人住房抵押借款合同`
        // is a loan contract; `最高额保证合同` a guarantee); earlier words count half.
        let mut best: Option<(usize, f32, DocType)> = None;
        for TitleWord {
            kind: k,
            word: w,
            weight: wt,
            ..
        } in TITLE_WORDS.iter().filter(|w| w.weight > 0.0)
        {
            if let Some(i) = t.rfind(w) {
                let end = i + w.len();
                s[idx(*k)] += wt * 0.5;
                if best.is_none_or(|(e, bw, _)| end > e || (end == e && *wt > bw)) {
                    best = Some((end, *wt, *k));
                }
            }
        }
        if let Some((_, wt, k)) = best {
            s[idx(k)] += wt;
            titled = true;
        }
    }
    let head: String = page.chars().take(600).collect();
    for (k, w, wt) in BODY_WORDS {
        if head.contains(w) {
            s[idx(*k)] += wt;
        }
    }
    let lines = page.lines().count().max(1);
    let rows = page.lines().filter(|l| l.contains('\t')).count();
    if rows * 2 > lines {
        s[idx(DocType::Statement)] += 0.8;
    }
    (s, titled)
}

/// A numbered element of a form (`6.是否向被告进行`), its answer beside it or not.
fn is_numbered_element(line: &str) -> bool {
    // `text` reads titles through this module, so its own numbering test is not imported.
    let l = line.trim_start();
    let mut after = l.chars().skip_while(char::is_ascii_digit);
    l.starts_with(|c: char| c.is_ascii_digit()) && matches!(after.next(), Some('.' | '、' | '．'))
}

/// The page ends with a numbered element row (`6.是否向被告进行\t是■ …`).
fn last_line_is_form_row(page: &str) -> bool {
    page.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| is_numbered_element(l) && l.contains(['\t', ' ']))
}

/// The page's second line is a numbered element (its answer may be blank).
fn second_line_is_form_row(page: &str) -> bool {
    page.lines()
        .filter(|l| !l.trim().is_empty())
        .nth(1)
        .is_some_and(is_numbered_element)
}

/// Splits a filing into documents and classifies each.
///
/// A page opens a new document when its title names a type, or when it has no text (a scan,
/// catalogued as `other`); any other page continues the document before it (a first page
/// without a title is classified from its body).
pub fn catalogue(doc: &DocumentText) -> Vec<CatalogueEntry> {
    let mut out: Vec<CatalogueEntry> = Vec::new();
    let mut prev_scan = false;
    let mut prev_form_row = false;
    for p in &doc.pages {
        if p.text.trim().is_empty() {
            out.push(CatalogueEntry {
                kind: DocType::Other,
                first_page: p.page,
                last_page: p.page,
                title: None,
                confidence: 0.5,
            });
            prev_scan = true;
            continue;
        }
        let (scores, mut titled) = page_scores(&p.text);
        // A form's table that runs over a page break: the cut element name's rest (`催收`)
        // tops the next page, between two numbered table rows. It titles nothing.
        if titled && prev_form_row && second_line_is_form_row(&p.text) {
            titled = false;
        }
        prev_form_row = last_line_is_form_row(&p.text);
        if !titled
            && !prev_scan
            && let Some(last) = out.last_mut()
        {
            last.last_page = p.page;
            continue;
        }
        prev_scan = false;
        let (best, top) =
            scores.iter().enumerate().fold(
                (11usize, 0f32),
                |acc, (i, v)| if *v > acc.1 { (i, *v) } else { acc },
            );
        let total: f32 = scores.iter().sum();
        let (kind, confidence) = if top <= 0.0 {
            (DocType::Other, 0.3)
        } else {
            (
                DocType::ALL.get(best).copied().unwrap_or(DocType::Other),
                (top / total.max(1e-6)).clamp(0.0, 1.0),
            )
        };
        out.push(CatalogueEntry {
            kind,
            first_page: p.page,
            last_page: p.page,
            title: title_of(&p.text).filter(|_| titled),
            confidence,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(pages: &[&str]) -> DocumentText {
        DocumentText::from_pages(pages)
    }

    #[test]
    fn splits_and_classifies_by_title_and_body() {
        let d = doc(&[
            "民事起诉状\n原告：某银行\n诉讼请求：",
            "事实与理由：……\n此致\n某市某区人民法院",
            "个人住房抵押借款合同（摘录）\n第一条 借款金额",
            "",
            "最高额保证合同\n保证人自愿……保证期间为两年",
            "客户还款记录\n日期\t摘要\t金额",
            "居民身份证（复印件）\n姓名\t张三",
        ]);
        let c = catalogue(&d);
        let got: Vec<(DocType, u32, u32)> = c
            .iter()
            .map(|e| (e.kind, e.first_page, e.last_page))
            .collect();
        assert_eq!(
            got,
            [
                (DocType::Complaint, 1, 2),
                (DocType::LoanContract, 3, 3),
                (DocType::Other, 4, 4),
                (DocType::GuaranteeContract, 5, 5),
                (DocType::Statement, 6, 6),
                (DocType::Identity, 7, 7),
            ]
        );
        assert!(c.iter().all(|e| (0.0..=1.0).contains(&e.confidence)));
    }

    #[test]
    fn a_form_row_cut_by_the_page_break_titles_nothing() {
        let d = doc(&[
            "民事起诉状\n（信用卡纠纷）\n诉讼请求和依据\n6.是否向被告进行\t是■ 催收方式：电话",
            "催收\n7.其他需要说明的\n内容（可另附页）\n此致\n某市某区人民法院",
            "催收记录\n2022年8月31日，电话催收。",
        ]);
        let got: Vec<(DocType, u32, u32)> = catalogue(&d)
            .iter()
            .map(|e| (e.kind, e.first_page, e.last_page))
            .collect();
        assert_eq!(
            got,
            [(DocType::Complaint, 1, 2), (DocType::Collection, 3, 3)]
        );
    }

    #[test]
    fn a_cause_under_the_title_is_no_document() {
        // The 2024 element-style forms print the cause under the title.
        for cause in ["（金融借款合同纠纷）", "（保证合同纠纷）", "保证合同纠纷"]
        {
            assert_eq!(splitting_title(cause), None, "{cause}");
        }
        assert_eq!(
            splitting_title("保证合同"),
            Some(DocType::GuaranteeContract.coarse())
        );
        let d = doc(&["民事起诉状\n（金融借款合同纠纷）\n当事人信息\n原告\t名称：某银行"]);
        assert_eq!(catalogue(&d).len(), 1);
    }
}
