//! [`CaseFacts`]: the typed facts of one filing, in the gold JSON schema.

use super::money::{Rate, Yuan};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 案由: the kind of case, as the gold schema spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseType {
    /// 金融借款合同纠纷.
    FinancialLoan,
    /// 信用卡纠纷.
    CreditCard,
    /// 民间借贷纠纷.
    PrivateLending,
    /// 保证合同纠纷.
    Guarantee,
    /// 金融借款合同纠纷 brought by an asset-management company after 债权转让.
    NplAssignment,
}

impl CaseType {
    /// Every case type, in a fixed order.
    pub const ALL: [CaseType; 5] = [
        CaseType::FinancialLoan,
        CaseType::CreditCard,
        CaseType::PrivateLending,
        CaseType::Guarantee,
        CaseType::NplAssignment,
    ];

    /// The 案由 as written in a complaint or judgment.
    pub fn cause_of_action(self) -> &'static str {
        match self {
            CaseType::FinancialLoan | CaseType::NplAssignment => "金融借款合同纠纷",
            CaseType::CreditCard => "信用卡纠纷",
            CaseType::PrivateLending => "民间借贷纠纷",
            CaseType::Guarantee => "保证合同纠纷",
        }
    }

    /// The schema name (`financial_loan`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            CaseType::FinancialLoan => "financial_loan",
            CaseType::CreditCard => "credit_card",
            CaseType::PrivateLending => "private_lending",
            CaseType::Guarantee => "guarantee",
            CaseType::NplAssignment => "npl_assignment",
        }
    }
}

/// What kind of lender the plaintiff is; decides the interest-cap regime (domain §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaintiffKind {
    /// A bank (银行) or its branch.
    Bank,
    /// A consumer-finance company (消费金融公司).
    ConsumerFinance,
    /// An asset-management company (资产管理公司) suing on an assigned bank debt.
    Amc,
    /// Any other company (unlicensed lender unless shown otherwise).
    Company,
    /// A natural person.
    Person,
}

impl PlaintiffKind {
    /// The kind of a party from its name: an asset-management company by name or short name
    /// (`…资产管理有限公司`, `华融资产`, `江苏资产公司`; national and local AMCs alike), a
    /// consumer-finance company, a bank or credit cooperative, another organisation, else a
    /// natural person.
    pub fn of_name(name: &str) -> PlaintiffKind {
        if name.contains("资产管理") || name.ends_with("资产") || name.contains("资产公司")
        {
            PlaintiffKind::Amc
        } else if name.contains("消费金融") {
            PlaintiffKind::ConsumerFinance
        } else if name.contains("银行") || name.contains("信用社") || name.contains("信用合作联社")
        {
            PlaintiffKind::Bank
        } else if ["公司", "企业", "合作社", "厂", "集团", "中心", "事务所"]
            .iter()
            .any(|w| name.contains(w))
        {
            PlaintiffKind::Company
        } else {
            PlaintiffKind::Person
        }
    }

    /// The kind in Chinese, as a judge reads it.
    pub fn zh(self) -> &'static str {
        match self {
            PlaintiffKind::Bank => "银行",
            PlaintiffKind::ConsumerFinance => "消费金融公司",
            PlaintiffKind::Amc => "资产管理公司",
            PlaintiffKind::Company => "其他公司",
            PlaintiffKind::Person => "自然人",
        }
    }

    /// True for lenders under the financial-loan regime (licensed institutions and AMCs suing on
    /// bank debts, domain §2.1 \[P\]); false for private lenders (4 × LPR regime).
    pub fn is_licensed(self) -> bool {
        matches!(
            self,
            PlaintiffKind::Bank | PlaintiffKind::ConsumerFinance | PlaintiffKind::Amc
        )
    }
}

/// 原告: who sues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plaintiff {
    /// Full name as written in the filing.
    pub name: String,
    /// Lender kind.
    pub kind: PlaintiffKind,
}

/// A defendant's role in the debt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefendantRole {
    /// 借款人.
    Borrower,
    /// 共同借款人.
    CoBorrower,
    /// 保证人.
    Guarantor,
    /// 抵押人.
    Mortgagor,
    /// 持卡人.
    Cardholder,
}

impl DefendantRole {
    /// The role as written in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            DefendantRole::Borrower => "借款人",
            DefendantRole::CoBorrower => "共同借款人",
            DefendantRole::Guarantor => "保证人",
            DefendantRole::Mortgagor => "抵押人",
            DefendantRole::Cardholder => "持卡人",
        }
    }

    /// True for roles that owe the debt itself (not a guarantee or security).
    pub fn is_debtor(self) -> bool {
        matches!(
            self,
            DefendantRole::Borrower | DefendantRole::CoBorrower | DefendantRole::Cardholder
        )
    }
}

/// 被告: one defendant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Defendant {
    /// Name as written.
    pub name: String,
    /// Role in the debt.
    pub role: DefendantRole,
}

/// 诉讼请求: the money claimed, as stated in the filing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Outstanding principal claimed (本金).
    pub principal: Option<Yuan>,
    /// 利息 + 罚息 + 复利 stated up to the cut-off date.
    pub interest: Option<Yuan>,
    /// The date interest is stated up to (截至).
    pub interest_cutoff_date: Option<NaiveDate>,
    /// Interest is asked to run until payment (`计至实际清偿之日止`), also when no sum is
    /// stated. A cut-off date implies it for complaints; a judgment's claims may give only the
    /// formula.
    #[serde(default, skip_serializing_if = "is_false")]
    pub interest_until_paid: bool,
    /// Attorney fee (律师费).
    pub attorney_fee: Option<Yuan>,
    /// 违约金, 手续费, 保全费, 公告费 and other fees.
    pub other_fees: Option<Yuan>,
    /// Whether guarantors are asked to bear joint and several liability (连带清偿责任).
    pub joint_liability: bool,
    /// The total the filing itself states (合计), if any.
    pub stated_total: Option<Yuan>,
    /// 违约金, 罚息 or 逾期利息 asked besides the interest itself: what the all-in ceiling
    /// caps together with the interest (法释〔2020〕17号 第二十九条 \[P\]).
    #[serde(default, skip_serializing_if = "is_false")]
    pub charges_besides_interest: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Claims {
    /// principal + interest + attorney fee + other fees (absent items count as zero).
    pub fn sum(&self) -> Yuan {
        [
            self.principal,
            self.interest,
            self.attorney_fee,
            self.other_fees,
        ]
        .into_iter()
        .flatten()
        .sum()
    }
}

/// A kind of evidence document the filing contains (read from the documents' titles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A loan contract, card agreement, IOU (借条) or loan receipt (借据).
    Contract,
    /// A record of the loan or of the money moving: 借据, 转账记录, 还款明细, 对账单, 流水.
    LoanRecord,
    /// A collection record (催收记录).
    Collection,
    /// Any other titled document (证据目录, 通知书…).
    Other,
}

/// Collateral (抵押物) securing the debt, as the filing states it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collateral {
    /// What is mortgaged, as written (`被告张三名下房产`).
    pub description: String,
    /// The mortgagor's name, when stated.
    #[serde(default)]
    pub owner: Option<String>,
    /// Registration certificate number (不动产权证号 / 他项权证号), when stated.
    #[serde(default)]
    pub certificate_number: Option<String>,
    /// Ceiling of a maximum-amount mortgage (最高额抵押的最高债权额), when stated.
    #[serde(default)]
    pub max_amount: Option<Yuan>,
}

/// One row of a repayment ledger (还款明细 / 对账单): what the debtor paid on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repayment {
    /// The day the payment was booked.
    pub date: NaiveDate,
    /// Principal repaid (还本); reduces the outstanding principal from `date` on.
    #[serde(default)]
    pub principal: Yuan,
    /// Interest repaid (还息); set against the interest due.
    #[serde(default)]
    pub interest: Yuan,
}

/// The typed facts of one filing. Field names are the gold schema (foundation issue); the
/// fields after `image_only` are fincase's own additions that the rules need.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    /// The filing's id (file stem for fixtures).
    pub id: String,
    /// 案由.
    pub case_type: Option<CaseType>,
    /// Court addressed (此致 …人民法院).
    pub court: Option<String>,
    /// 原告.
    pub plaintiff: Option<Plaintiff>,
    /// 被告, in the order the filing lists them.
    pub defendants: Vec<Defendant>,
    /// Contract number (合同编号).
    pub contract_number: Option<String>,
    /// Contract date (签订日期).
    pub contract_date: Option<NaiveDate>,
    /// Loan amount (借款金额) or credit limit for cards.
    pub loan_amount: Option<Yuan>,
    /// Contract interest rate, yearly fraction.
    pub annual_interest_rate: Option<Rate>,
    /// Maturity date (到期日).
    pub maturity_date: Option<NaiveDate>,
    /// Date the borrower defaulted (逾期日).
    pub default_date: Option<NaiveDate>,
    /// The money claimed.
    pub claims: Claims,
    /// Filing date (起诉日期, the date under the signature).
    pub filing_date: Option<NaiveDate>,
    /// True when a page carries no extractable text (scanned image).
    pub image_only: bool,
    /// Penalty interest (罚息) rate, yearly fraction, when stated.
    #[serde(default)]
    pub penalty_rate: Option<Rate>,
    /// Agreed guarantee period (保证期间) in months, when a guarantee is stated.
    #[serde(default)]
    pub guarantee_period_months: Option<u32>,
    /// Date of the last collection demand (催收) on the debtor, which interrupts limitation.
    #[serde(default)]
    pub last_demand_date: Option<NaiveDate>,
    /// Whether the plaintiff asks for a payment order (支付令) instead of a judgment.
    #[serde(default)]
    pub payment_order_requested: bool,
    /// The evidence documents the filing contains; `None` when the filing's documents were not
    /// examined (gold files, hand-built facts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<EvidenceKind>>,
    /// The plaintiff's domicile (住所) as written, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plaintiff_domicile: Option<String>,
    /// The defendants' domiciles (住所 / 住址) as written, those found, in filing order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defendant_domiciles: Vec<String>,
    /// True when a contract in the filing has a choice-of-court clause (协议管辖).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub jurisdiction_clause: bool,
    /// Date of a demand on the guarantor (向保证人主张权利), which keeps the guarantor liable when
    /// it falls within the guarantee period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantor_demand_date: Option<NaiveDate>,
    /// Interest due and unpaid at the default date (欠付利息): the base of 复利.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unpaid_interest: Option<Yuan>,
    /// Collateral securing the debt (抵押物), when the filing states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collateral: Option<Collateral>,
    /// The amount whose preservation (财产保全) the plaintiff applies for, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preservation_amount: Option<Yuan>,
    /// The repayment ledger (还款明细 / 对账单), in date order, when the filing gives one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repayments: Vec<Repayment>,
    /// Days in the interest year as the contract states it (`按年360天计算` → 360, `一年按365天` /
    /// `按实际天数` → 365), when stated; overrides the court's default day count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_count: Option<u32>,
    /// Whether the defence invokes 诉讼时效: `None` while no defence has been read (a
    /// complaint), `Some(false)` when the defendant answered without it or did not answer. A
    /// court may not apply limitation of its own motion (民法典第一百九十三条 \[P\];
    /// 诉讼时效规定第二条 \[P\]), so with `Some(false)` the rules never reject for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limitation_raised: Option<bool>,
    /// The defence denies that any interest was agreed (`双方没有约定利息`, `无息借款`) and the
    /// plaintiff's own statement names no agreement: the lender bears the burden of proving
    /// one (民间借贷规定 第二十四条 \[P\]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interest_agreement_denied: bool,
    /// The date the non-performing claim was assigned to the plaintiff (受让日), when the
    /// plaintiff is such an assignee: interest after it is not supported for an assignee that
    /// is not a 金融资产管理公司 (法发〔2009〕19号 第九条、第十二条 \[S\]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub npl_assignment_date: Option<NaiveDate>,
}

impl CaseFacts {
    /// Defendants that owe the debt itself.
    pub fn debtors(&self) -> impl Iterator<Item = &Defendant> {
        self.defendants.iter().filter(|d| d.role.is_debtor())
    }

    /// Defendants that guarantee the debt.
    pub fn guarantors(&self) -> impl Iterator<Item = &Defendant> {
        self.defendants
            .iter()
            .filter(|d| d.role == DefendantRole::Guarantor)
    }
}

/// Where an extracted value came from: the page (1-based) and the character span in that
/// page's text (`start..end`, counted in `char`s, not bytes), with the extractor's confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceSpan {
    /// 1-based page number.
    pub page: u32,
    /// First character (inclusive), in chars from the start of the page text.
    pub start: u32,
    /// Last character (exclusive).
    pub end: u32,
    /// The source text of the span.
    pub text: String,
    /// Confidence in 0..=1 (for a value read by OCR, at most the engine's confidence in the
    /// span's characters).
    pub confidence: f32,
    /// True when the span's page was read by OCR (a scanned page), not from a text layer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ocr: bool,
}

/// Per-field provenance: field path (`claims.principal`, `defendants[1].name`) → span.
pub type Provenance = BTreeMap<String, SourceSpan>;

#[cfg(test)]
mod tests {
    use super::PlaintiffKind;

    #[test]
    fn party_kinds_from_names() {
        for (name, kind) in [
            ("澄泰银行股份有限公司青川分行", PlaintiffKind::Bank),
            ("禾银消费金融有限公司", PlaintiffKind::ConsumerFinance),
            ("华岳资产管理股份有限公司青川分公司", PlaintiffKind::Amc),
            // Short names of AMCs, national and local, as judgments write them.
            ("华融资产", PlaintiffKind::Amc),
            ("江苏资产公司", PlaintiffKind::Amc),
            ("青川市鼎盛商贸有限公司", PlaintiffKind::Company),
            ("某某机械厂", PlaintiffKind::Company),
            ("王伟", PlaintiffKind::Person),
        ] {
            assert_eq!(PlaintiffKind::of_name(name), kind, "{name}");
        }
    }
}
