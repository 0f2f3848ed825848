//! The legal elements of a loan case read from its text: who lent to whom, what secures the
//! debt, what interest was agreed, how much is at stake, what was repaid and how the defendant
//! answered. These are the elements by which CAIL2019-SCM's annotators judged two private-lending
//! cases similar (Xiao et al. 2019, §3: parties, guarantee, interest, amount, repayment,
//! delivery of the money), and what a judge compares when reading a pushed case.
//!
//! Read with the backtest's section splitter (the claimed principal comes from the 诉讼请求
//! when there is one) and the shared amount and rate readers; every element is a plain yes/no,
//! so two cases compare element by element ([`super::rank`]).

use crate::backtest::money::{MoneyKind, classify, clauses};
use crate::backtest::split::{Section, split};
use crate::domain::{CaseType, Yuan};
use crate::extract::amount::find_amounts;
use crate::extract::rate::parse_rate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One legal element of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    /// A party is a company, bank or other organisation.
    OrganisationParty,
    /// A defendant is a company or other organisation.
    OrganisationBorrower,
    /// One defendant.
    OneDefendant,
    /// Two defendants.
    TwoDefendants,
    /// Three or more defendants.
    ManyDefendants,
    /// A party has a lawyer or legal worker.
    Counsel,
    /// A guarantee (保证, 担保).
    Guarantee,
    /// A mortgage or pledge (抵押, 质押).
    Collateral,
    /// Joint and several liability is claimed (连带).
    JointLiability,
    /// Spouses: a joint marital debt (夫妻共同债务).
    Spouses,
    /// Interest is mentioned at all.
    InterestAgreed,
    /// Stated to carry no interest (无息, 未约定利息).
    NoInterest,
    /// The highest stated rate is at most 6 % a year.
    RateLow,
    /// The highest stated rate is above 6 % and below 24 % a year.
    RateMiddle,
    /// The highest stated rate is 24 % a year (the old protected ceiling).
    RateAtCap,
    /// The highest stated rate is above 24 % a year.
    RateAboveCap,
    /// Claimed principal below 10,000 yuan.
    AmountUnder10k,
    /// 10,000 to 50,000 yuan.
    Amount10kTo50k,
    /// 50,000 to 100,000 yuan.
    Amount50kTo100k,
    /// 100,000 to 500,000 yuan.
    Amount100kTo500k,
    /// 500,000 to 1,000,000 yuan.
    Amount500kTo1m,
    /// 1,000,000 yuan or more.
    AmountOver1m,
    /// Part of the debt was repaid.
    PartRepaid,
    /// Interest was paid for a time.
    InterestPaid,
    /// A defendant did not appear or answer (缺席).
    DefendantAbsent,
    /// A defendant answered (辩称).
    DefendantAnswered,
    /// A note of debt (借条, 欠条, 借据, 收条).
    DebtNote,
    /// A written contract or agreement.
    WrittenContract,
    /// Paid by bank transfer.
    BankTransfer,
    /// Paid in cash.
    Cash,
    /// The claim was assigned (债权转让).
    Assignment,
    /// Borrowed for a business (经营, 生意, 资金周转).
    BusinessPurpose,
    /// Several loans or instalments.
    SeveralLoans,
    /// Attorney fees are claimed.
    AttorneyFee,
    /// A penalty or default interest (违约金, 罚息).
    Penalty,
    /// The claim was changed during the case.
    ClaimChanged,
    /// The text states found facts (经审理查明).
    FactsFound,
    /// A crime or the police is mentioned.
    CriminalLink,
    /// Interest deducted in advance or usury alleged (砍头息, 高利).
    UsuryAlleged,
    /// Limitation is raised (诉讼时效).
    Limitation,
    /// The lender is a bank or another licensed lender (信用社, 小额贷款, 消费金融, 汽车金融,
    /// 信托), or an asset-management company that bought such a loan; or the cause is stated
    /// as 金融借款合同纠纷.
    FinancialLender,
    /// A credit card (信用卡, 贷记卡, 透支).
    CreditCard,
}

impl Element {
    /// Every element, in a fixed order (the order of the re-ranker's features).
    pub const ALL: [Element; 42] = [
        Element::OrganisationParty,
        Element::OrganisationBorrower,
        Element::OneDefendant,
        Element::TwoDefendants,
        Element::ManyDefendants,
        Element::Counsel,
        Element::Guarantee,
        Element::Collateral,
        Element::JointLiability,
        Element::Spouses,
        Element::InterestAgreed,
        Element::NoInterest,
        Element::RateLow,
        Element::RateMiddle,
        Element::RateAtCap,
        Element::RateAboveCap,
        Element::AmountUnder10k,
        Element::Amount10kTo50k,
        Element::Amount50kTo100k,
        Element::Amount100kTo500k,
        Element::Amount500kTo1m,
        Element::AmountOver1m,
        Element::PartRepaid,
        Element::InterestPaid,
        Element::DefendantAbsent,
        Element::DefendantAnswered,
        Element::DebtNote,
        Element::WrittenContract,
        Element::BankTransfer,
        Element::Cash,
        Element::Assignment,
        Element::BusinessPurpose,
        Element::SeveralLoans,
        Element::AttorneyFee,
        Element::Penalty,
        Element::ClaimChanged,
        Element::FactsFound,
        Element::CriminalLink,
        Element::UsuryAlleged,
        Element::Limitation,
        Element::FinancialLender,
        Element::CreditCard,
    ];

    /// The element as a judge names it.
    pub fn zh(self) -> &'static str {
        match self {
            Element::OrganisationParty => "当事人含单位",
            Element::OrganisationBorrower => "借款人为单位",
            Element::OneDefendant => "被告一人",
            Element::TwoDefendants => "被告二人",
            Element::ManyDefendants => "被告三人以上",
            Element::Counsel => "有诉讼代理人",
            Element::Guarantee => "有保证担保",
            Element::Collateral => "有抵押或质押",
            Element::JointLiability => "主张连带责任",
            Element::Spouses => "涉及夫妻共同债务",
            Element::InterestAgreed => "约定或主张利息",
            Element::NoInterest => "无息借款",
            Element::RateLow => "年利率不超过6%",
            Element::RateMiddle => "年利率6%至24%",
            Element::RateAtCap => "年利率24%",
            Element::RateAboveCap => "年利率超过24%",
            Element::AmountUnder10k => "本金一万元以下",
            Element::Amount10kTo50k => "本金一万至五万元",
            Element::Amount50kTo100k => "本金五万至十万元",
            Element::Amount100kTo500k => "本金十万至五十万元",
            Element::Amount500kTo1m => "本金五十万至一百万元",
            Element::AmountOver1m => "本金一百万元以上",
            Element::PartRepaid => "已部分还款",
            Element::InterestPaid => "曾支付利息",
            Element::DefendantAbsent => "被告缺席或未答辩",
            Element::DefendantAnswered => "被告答辩",
            Element::DebtNote => "有借条或欠条",
            Element::WrittenContract => "有书面合同",
            Element::BankTransfer => "银行转账交付",
            Element::Cash => "现金交付",
            Element::Assignment => "债权转让",
            Element::BusinessPurpose => "借款用于经营或周转",
            Element::SeveralLoans => "多笔借款",
            Element::AttorneyFee => "主张律师费",
            Element::Penalty => "主张违约金或罚息",
            Element::ClaimChanged => "变更诉讼请求",
            Element::FactsFound => "有查明事实",
            Element::CriminalLink => "涉及刑事或报警",
            Element::UsuryAlleged => "主张高利或预扣利息",
            Element::Limitation => "涉及诉讼时效",
            Element::FinancialLender => "出借人为金融机构",
            Element::CreditCard => "信用卡欠款",
        }
    }

    /// Index in [`Element::ALL`].
    pub fn index(self) -> usize {
        // `ALL` lists the variants in declaration order (checked by a test).
        self as usize
    }
}

/// The elements of one case, with the figures the bands came from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CaseElements {
    /// One bit per [`Element::ALL`] entry.
    pub bits: u64,
    /// The claimed principal (from the 诉讼请求 when found, else the largest amount).
    pub principal: Option<Yuan>,
    /// The highest yearly rate stated, as a fraction.
    pub yearly_rate: Option<Decimal>,
    /// How many defendants were named.
    pub defendants: usize,
}

impl CaseElements {
    /// True when the case has `e`.
    pub fn has(&self, e: Element) -> bool {
        self.bits & (1 << e.index()) != 0
    }

    fn set(&mut self, e: Element, on: bool) {
        if on {
            self.bits |= 1 << e.index();
        }
    }

    /// The elements the case has, in [`Element::ALL`] order.
    pub fn present(&self) -> Vec<Element> {
        Element::ALL.into_iter().filter(|e| self.has(*e)).collect()
    }

    /// The elements `self` and `other` share.
    pub fn shared(&self, other: &CaseElements) -> Vec<Element> {
        Element::ALL
            .into_iter()
            .filter(|e| self.has(*e) && other.has(*e))
            .collect()
    }

    /// Reads the elements of a case from its text (a complaint, or a judgment's parties,
    /// claims, defence and facts; a judgment's reasoning and orders are not read).
    pub fn read(text: &str) -> CaseElements {
        let j = split(text);
        // Only what the court had before deciding: never the reasoning or the orders.
        let before = j.before_decision_lines();
        let t = before.as_str();
        let header = j
            .section(Section::Header)
            .unwrap_or_else(|| head_before_claims(t));
        let mut e = CaseElements::default();
        let any = |words: &[&str]| words.iter().any(|w| t.contains(w));

        e.set(
            Element::OrganisationParty,
            ["公司", "银行", "合作社", "有限合伙", "信用社", "厂"]
                .iter()
                .any(|w| header.contains(w)),
        );
        let defendants = defendant_names(header);
        e.defendants = defendants.len();
        e.set(
            Element::OrganisationBorrower,
            defendants.iter().any(|n| is_organisation(n)),
        );
        e.set(Element::OneDefendant, defendants.len() <= 1);
        e.set(Element::TwoDefendants, defendants.len() == 2);
        e.set(Element::ManyDefendants, defendants.len() >= 3);
        e.set(
            Element::Counsel,
            ["律师", "法律工作者", "代理人"]
                .iter()
                .any(|w| header.contains(w)),
        );
        e.set(
            Element::Guarantee,
            any(&[
                "担保",
                "保证人",
                "保证责任",
                "责任保证",
                "提供保证",
                "保证期间",
                "保证合同",
            ]),
        );
        e.set(Element::Collateral, any(&["抵押", "质押"]));
        e.set(Element::JointLiability, any(&["连带"]));
        e.set(Element::Spouses, any(&["夫妻", "配偶"]));
        e.set(
            Element::InterestAgreed,
            any(&["利息", "利率", "月息", "年息", "分息", "计息"]),
        );
        e.set(
            Element::NoInterest,
            any(&[
                "未约定利息",
                "没有约定利息",
                "无息",
                "不计息",
                "未约定借款利息",
            ]),
        );
        e.yearly_rate = highest_rate(t);
        if let Some(r) = e.yearly_rate {
            let six = Decimal::new(6, 2);
            let cap = Decimal::new(24, 2);
            let tol = Decimal::new(1, 4);
            e.set(Element::RateLow, r <= six);
            e.set(Element::RateMiddle, r > six && r < cap - tol);
            e.set(Element::RateAtCap, (r - cap).abs() <= tol);
            e.set(Element::RateAboveCap, r > cap + tol);
        }
        e.principal = claimed_principal(j.section(Section::Claims).unwrap_or(""))
            .or_else(|| find_amounts(t).into_iter().map(|m| m.value).max());
        if let Some(p) = e.principal {
            let y = p.as_decimal();
            let band = |lo: i64, hi: i64| y >= Decimal::from(lo) && y < Decimal::from(hi);
            e.set(Element::AmountUnder10k, band(0, 10_000));
            e.set(Element::Amount10kTo50k, band(10_000, 50_000));
            e.set(Element::Amount50kTo100k, band(50_000, 100_000));
            e.set(Element::Amount100kTo500k, band(100_000, 500_000));
            e.set(Element::Amount500kTo1m, band(500_000, 1_000_000));
            e.set(Element::AmountOver1m, y >= Decimal::from(1_000_000));
        }
        e.set(Element::PartRepaid, part_repaid(t));
        e.set(
            Element::InterestPaid,
            any(&[
                "支付利息",
                "付利息",
                "支付了利息",
                "支付部分利息",
                "利息支付至",
                "利息付至",
                "付息至",
            ]),
        );
        e.set(
            Element::DefendantAbsent,
            j.absent_defendant
                || any(&[
                    "未到庭",
                    "缺席",
                    "未作答辩",
                    "未答辩",
                    "未提出答辩",
                    "未提交答辩",
                    "视为放弃",
                ]),
        );
        e.set(
            Element::DefendantAnswered,
            any(&["辩称", "答辩称", "答辩意见"]),
        );
        e.set(
            Element::DebtNote,
            any(&["借条", "欠条", "借据", "收条", "欠据"]),
        );
        e.set(Element::WrittenContract, any(&["合同", "协议"]));
        e.set(
            Element::BankTransfer,
            any(&[
                "转账",
                "汇款",
                "银行流水",
                "转款",
                "网银",
                "微信转",
                "支付宝",
            ]),
        );
        e.set(Element::Cash, any(&["现金"]));
        e.set(Element::Assignment, any(&["债权转让", "转让债权"]));
        e.set(
            Element::BusinessPurpose,
            any(&["经营", "生意", "资金周转", "周转"]),
        );
        e.set(
            Element::SeveralLoans,
            any(&[
                "多次",
                "两笔",
                "三笔",
                "数笔",
                "陆续",
                "分别于",
                "分两次",
                "分三次",
            ]),
        );
        e.set(Element::AttorneyFee, any(&["律师费", "代理费"]));
        e.set(Element::Penalty, any(&["违约金", "罚息"]));
        e.set(
            Element::ClaimChanged,
            any(&["变更诉讼请求", "增加诉讼请求"]),
        );
        e.set(
            Element::FactsFound,
            j.section(Section::Facts).is_some() || any(&["经审理查明", "本院认定事实"]),
        );
        e.set(
            Element::CriminalLink,
            any(&["刑事", "诈骗", "公安", "报警"]),
        );
        e.set(
            Element::UsuryAlleged,
            any(&["高利", "砍头息", "预扣", "预先扣除"]),
        );
        e.set(Element::Limitation, any(&["诉讼时效"]));
        e.set(
            Element::FinancialLender,
            any(&["金融借款合同纠纷"])
                || plaintiff_names(header)
                    .iter()
                    .any(|n| LICENSED_LENDERS.iter().any(|w| n.contains(w))),
        );
        e.set(Element::CreditCard, any(&["信用卡", "贷记卡", "透支"]));
        e
    }

    /// The case type (案由) the elements point to: credit card, financial loan or private
    /// lending.
    pub fn case_type(&self) -> CaseType {
        if self.has(Element::CreditCard) {
            CaseType::CreditCard
        } else if self.has(Element::FinancialLender) {
            CaseType::FinancialLoan
        } else {
            CaseType::PrivateLending
        }
    }
}

/// Words in a plaintiff's name that make it a licensed lender (or the buyer of its loans).
const LICENSED_LENDERS: [&str; 9] = [
    "银行",
    "信用社",
    "信用合作",
    "小额贷款",
    "消费金融",
    "汽车金融",
    "信托",
    "资产管理",
    "金融租赁",
];

/// The text before the first claims marker, when the splitter found no sections.
fn head_before_claims(t: &str) -> &str {
    let cut = ["诉称", "诉讼请求", "起诉称"]
        .iter()
        .filter_map(|m| t.find(m))
        .min()
        .unwrap_or(t.len().min(600));
    t.get(..cut).unwrap_or(t)
}

fn is_organisation(name: &str) -> bool {
    [
        "公司",
        "银行",
        "合作社",
        "厂",
        "中心",
        "信用社",
        "有限合伙",
        "商行",
    ]
    .iter()
    .any(|w| name.contains(w))
}

static_regex! {
    fn defendant_re = r"被告(?:人)?[（(]?[^：:，,。；\s（(]{0,4}[)）]?[：:]?\s*([^\s，,。；：:（(、]{2,40})";
}

static_regex! {
    fn plaintiff_re = r"原告(?:人)?[（(]?[^：:，,。；\s（(]{0,4}[)）]?[：:]?\s*([^\s，,。；：:（(、]{2,40})";
}

/// The distinct names that follow 被告 in the party block.
fn defendant_names(header: &str) -> Vec<String> {
    party_names(defendant_re(), header)
}

/// The distinct names that follow 原告 in the party block (a name ends before 与 / 诉 and the
/// other side: 原告某银行与被告某某…).
fn plaintiff_names(header: &str) -> Vec<String> {
    party_names(plaintiff_re(), header)
        .into_iter()
        .map(|n| {
            let cut = ["与", "诉"]
                .iter()
                .filter_map(|m| n.find(m))
                .min()
                .unwrap_or(n.len());
            n[..cut].to_owned()
        })
        .filter(|n| n.chars().count() >= 2)
        .collect()
}

/// The distinct names a party pattern captures.
fn party_names(re: &regex::Regex, header: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in re.captures_iter(header) {
        let Some(m) = c.get(1) else { continue };
        let name = m.as_str();
        // 被告某某的委托代理人, 被告共同委托… are not new defendants.
        if name.starts_with("共同") || name.contains("委托") || name.contains("代理") {
            continue;
        }
        let name: String = name.chars().take(24).collect();
        if !out.iter().any(|n| n == &name) {
            out.push(name);
        }
    }
    out
}

/// The principal claimed in a claims section: the sum of its principal amounts in the first
/// clause that has any.
fn claimed_principal(claims: &str) -> Option<Yuan> {
    clauses(claims).iter().find_map(|c| {
        let hits = classify(c);
        let p: Vec<Yuan> = hits
            .iter()
            .filter(|h| h.kind == MoneyKind::Principal)
            .map(|h| h.value)
            .collect();
        p.into_iter().max()
    })
}

static_regex! {
    fn rate_re = r"(?:月利率|年利率|日利率|月息|年息|月利|年利|利率|利息)(?:为|按|是|约定)?\s*(?:[0-9０-９.．]+\s*[%％‰]|[0-9.]+分|万分之[0-9.]+)";
}

/// The highest yearly rate stated anywhere in `t`.
fn highest_rate(t: &str) -> Option<Decimal> {
    let mut best: Option<Decimal> = None;
    for m in rate_re().find_iter(t) {
        let s = m.as_str();
        let r = if let Some(r) = parse_rate(s, None) {
            Some(r.fraction())
        } else {
            // 月息2分 = 2 % a month.
            fen_monthly(s)
        };
        if let Some(r) = r
            && r > Decimal::ZERO
            && r < Decimal::from(5)
        {
            best = Some(best.map_or(r, |b: Decimal| b.max(r)));
        }
    }
    best
}

/// `月息2分` / `利息1.5分`: that many per cent a month, as a yearly fraction.
fn fen_monthly(s: &str) -> Option<Decimal> {
    let i = s.find('分')?;
    let digits: String = s[..i]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let n: Decimal = digits.parse().ok()?;
    Some(n * Decimal::from(12) / Decimal::ONE_HUNDRED)
}

static_regex! {
    fn repaid_re = r"(?:已|陆续|先后|共|部分|分期)(?:偿还|归还|还款|还了|支付|付款)|尚欠|偿还[^。，]{0,8}元后|还款[0-9]|归还借款[0-9]|已还";
}

fn part_repaid(t: &str) -> bool {
    repaid_re().is_match(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASE: &str = "原告：甲某，男。被告：乙某，男。被告：丙贸易有限公司。\n\
        原告向本院提出诉讼请求：1．判令二被告偿还借款本金50000元及利息（按月利率2％计算）；2．诉讼费由被告负担。\
        事实和理由：乙某因经营需要向原告借款，出具借条一张，丙贸易有限公司提供连带责任保证。借款后乙某偿还5000元后未再还款。\
        被告乙某、丙贸易有限公司未到庭，未答辩。";

    #[test]
    fn reads_the_elements_of_a_loan_case() {
        let e = CaseElements::read(CASE);
        assert_eq!(e.defendants, 2);
        for el in [
            Element::OrganisationParty,
            Element::OrganisationBorrower,
            Element::TwoDefendants,
            Element::Guarantee,
            Element::JointLiability,
            Element::InterestAgreed,
            Element::RateAtCap,
            Element::Amount50kTo100k,
            Element::PartRepaid,
            Element::DefendantAbsent,
            Element::DebtNote,
            Element::BusinessPurpose,
        ] {
            assert!(e.has(el), "{el:?} missing: {:?}", e.present());
        }
        for el in [
            Element::OneDefendant,
            Element::Collateral,
            Element::RateAboveCap,
            Element::DefendantAnswered,
            Element::Cash,
        ] {
            assert!(!e.has(el), "{el:?} wrongly present");
        }
        assert_eq!(e.principal, Some(Yuan::from_fen(5_000_000)));
        assert_eq!(e.case_type(), CaseType::PrivateLending);
    }

    #[test]
    fn reads_the_case_type_from_the_plaintiff_or_the_stated_cause() {
        let bank = "原告：某某农村商业银行股份有限公司，住所地某市。被告：甲某，男。\n\
            原告向本院提出诉讼请求：判令被告偿还借款本金100000元。";
        assert_eq!(
            CaseElements::read(bank).case_type(),
            CaseType::FinancialLoan
        );
        let card = "原告某某银行股份有限公司信用卡中心与被告乙某信用卡纠纷一案。\n\
            原告向本院提出诉讼请求：判令被告偿还透支本金20000元。";
        assert_eq!(CaseElements::read(card).case_type(), CaseType::CreditCard);
        // A bank named as a defendant, or in the text, does not make the lender one.
        let person = "原告：丙某，女。被告：丁某，男。\n\
            原告向本院提出诉讼请求：判令被告偿还借款30000元。事实和理由：原告通过某某银行转账。";
        let e = CaseElements::read(person);
        assert_eq!(e.case_type(), CaseType::PrivateLending);
        assert!(e.has(Element::BankTransfer));
        let stated = "原告戊某与被告己某金融借款合同纠纷一案。原告诉称：被告借款未还。";
        assert_eq!(
            CaseElements::read(stated).case_type(),
            CaseType::FinancialLoan
        );
    }

    #[test]
    fn reads_fen_rates_and_no_interest() {
        let e =
            CaseElements::read("原告：甲某。被告：乙某。原告诉称：乙某借款3000元，约定月息3分。");
        assert!(e.has(Element::RateAboveCap), "{:?}", e.yearly_rate);
        assert!(e.has(Element::AmountUnder10k));
        let e =
            CaseElements::read("原告：甲某。被告：乙某。原告诉称：乙某借款3000元，未约定利息。");
        assert!(e.has(Element::NoInterest));
        assert!(!e.has(Element::RateAboveCap));
    }

    #[test]
    fn every_element_has_a_distinct_index_and_label() {
        let mut labels: Vec<&str> = Element::ALL.iter().map(|e| e.zh()).collect();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), Element::ALL.len());
        for (i, e) in Element::ALL.iter().enumerate() {
            assert_eq!(e.index(), i);
        }
    }
}
