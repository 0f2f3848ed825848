//! [`FactField`]: the one list of the facts' fields, each with its JSON path, its Chinese label,
//! the kind of value it takes, and how it is compared, shown, parsed and set.
//!
//! Every place that names a field — the evaluation (`eval`), the tagger's merge
//! (`extract::tagger::combine`), findings and provenance (`Finding::field`, `Provenance` keys),
//! the judge's fact edits and the case screen (`fincase-http`'s `ui`) — goes through this enum,
//! so a field added to [`CaseFacts`] is added here once and the compiler finds every `match`
//! that must learn it.
//!
//! The path is the field's place in the facts' JSON (`claims.principal`); provenance keys and
//! finding fields may go below it (`defendants[1].name`), which [`FactField::of_key`] reads.
//! Must not: do IO, or know about HTTP forms (it parses the text a judge typed, nothing more).

use super::{CaseFacts, Rate, Yuan};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A field of [`CaseFacts`] (claims included), named once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactField {
    /// 案由.
    CaseType,
    /// 受诉法院 (the 此致 line).
    Court,
    /// The plaintiff's name.
    PlaintiffName,
    /// The plaintiff's kind (bank, consumer-finance company, …).
    PlaintiffKind,
    /// The defendants, with their roles, in order.
    Defendants,
    /// 合同编号.
    ContractNumber,
    /// 合同签订日.
    ContractDate,
    /// 借款金额.
    LoanAmount,
    /// 年利率.
    AnnualInterestRate,
    /// 借款到期日.
    MaturityDate,
    /// 逾期日.
    DefaultDate,
    /// Claimed principal.
    ClaimsPrincipal,
    /// Claimed interest (interest, penalty interest and compound interest together).
    ClaimsInterest,
    /// The date the claimed interest is computed to.
    ClaimsInterestCutoffDate,
    /// Claimed attorney fee.
    ClaimsAttorneyFee,
    /// Other claimed fees.
    ClaimsOtherFees,
    /// Whether joint liability is claimed.
    ClaimsJointLiability,
    /// The total the complaint states.
    ClaimsStatedTotal,
    /// 起诉日期.
    FilingDate,
    /// Whether the filing is scanned images only.
    ImageOnly,
    /// 罚息年利率.
    PenaltyRate,
    /// 保证期间 in months.
    GuaranteePeriodMonths,
    /// The last collection demand.
    LastDemandDate,
    /// Whether a payment order (支付令) is requested.
    PaymentOrderRequested,
    /// The evidence the filing lists.
    Evidence,
    /// 原告住所.
    PlaintiffDomicile,
    /// 被告住所.
    DefendantDomiciles,
    /// Whether the contract has a jurisdiction clause.
    JurisdictionClause,
    /// 向保证人主张日.
    GuarantorDemandDate,
    /// 欠付利息.
    UnpaidInterest,
    /// 抵押物.
    Collateral,
    /// 申请保全金额.
    PreservationAmount,
    /// 还款记录.
    Repayments,
    /// 计息天数基准 (days in a year).
    DayCount,
    /// 不良债权受让日: when the claim was assigned to the plaintiff.
    NplAssignmentDate,
}

/// The kind of value a field takes, which decides how a judge types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// An amount in yuan (`12345.67`, grouping commas allowed).
    Money,
    /// A yearly rate, typed as a percentage (`24` for 24 %).
    Rate,
    /// A date (`2024-03-01`).
    Date,
    /// Anything else: text, yes/no, a count, a list or a structure (not edited field by field).
    Other,
}

/// Why a judge's text was not taken for a field (shown to the judge as is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldInputError {
    /// The field is not corrected by typing a value.
    #[error("字段“{0}”不能在此修改")]
    NotEditable(String),
    /// The text does not parse as the field's kind of value.
    #[error("“{value}”不是有效的{what}")]
    BadValue {
        /// What was typed (at most 40 characters).
        value: String,
        /// What was expected, in words.
        what: &'static str,
    },
}

use FactField as F;

impl FactField {
    /// Every field, in the order of [`CaseFacts`].
    pub const ALL: [FactField; 35] = [
        F::CaseType,
        F::Court,
        F::PlaintiffName,
        F::PlaintiffKind,
        F::Defendants,
        F::ContractNumber,
        F::ContractDate,
        F::LoanAmount,
        F::AnnualInterestRate,
        F::MaturityDate,
        F::DefaultDate,
        F::ClaimsPrincipal,
        F::ClaimsInterest,
        F::ClaimsInterestCutoffDate,
        F::ClaimsAttorneyFee,
        F::ClaimsOtherFees,
        F::ClaimsJointLiability,
        F::ClaimsStatedTotal,
        F::FilingDate,
        F::ImageOnly,
        F::PenaltyRate,
        F::GuaranteePeriodMonths,
        F::LastDemandDate,
        F::PaymentOrderRequested,
        F::Evidence,
        F::PlaintiffDomicile,
        F::DefendantDomiciles,
        F::JurisdictionClause,
        F::GuarantorDemandDate,
        F::UnpaidInterest,
        F::Collateral,
        F::PreservationAmount,
        F::Repayments,
        F::DayCount,
        F::NplAssignmentDate,
    ];

    /// The gold schema's fields that data teams score, in report order: the first 20 of
    /// [`FactField::ALL`].
    pub const GOLD: [FactField; 20] = FactField::run::<20>(0);

    /// Further fields the generated filings' gold states and the extraction tests compare: the
    /// 4 after [`FactField::GOLD`] in [`FactField::ALL`].
    pub const EXTRA: [FactField; 4] = FactField::run::<4>(20);

    /// `N` fields of [`FactField::ALL`] from `start`.
    const fn run<const N: usize>(start: usize) -> [FactField; N] {
        let mut out = [F::CaseType; N];
        let mut i = 0;
        while i < N {
            out[i] = FactField::ALL[start + i];
            i += 1;
        }
        out
    }

    /// The fields a judge may correct on the case screen, in the form's order.
    pub const EDITABLE: [FactField; 12] = [
        F::ClaimsPrincipal,
        F::ClaimsInterest,
        F::ClaimsAttorneyFee,
        F::ClaimsOtherFees,
        F::LoanAmount,
        F::AnnualInterestRate,
        F::PenaltyRate,
        F::ContractDate,
        F::MaturityDate,
        F::DefaultDate,
        F::ClaimsInterestCutoffDate,
        F::FilingDate,
    ];

    /// The field's path in the facts' JSON, also its provenance key and `Finding::field`.
    pub const fn path(self) -> &'static str {
        match self {
            F::CaseType => "case_type",
            F::Court => "court",
            F::PlaintiffName => "plaintiff.name",
            F::PlaintiffKind => "plaintiff.kind",
            F::Defendants => "defendants",
            F::ContractNumber => "contract_number",
            F::ContractDate => "contract_date",
            F::LoanAmount => "loan_amount",
            F::AnnualInterestRate => "annual_interest_rate",
            F::MaturityDate => "maturity_date",
            F::DefaultDate => "default_date",
            F::ClaimsPrincipal => "claims.principal",
            F::ClaimsInterest => "claims.interest",
            F::ClaimsInterestCutoffDate => "claims.interest_cutoff_date",
            F::ClaimsAttorneyFee => "claims.attorney_fee",
            F::ClaimsOtherFees => "claims.other_fees",
            F::ClaimsJointLiability => "claims.joint_liability",
            F::ClaimsStatedTotal => "claims.stated_total",
            F::FilingDate => "filing_date",
            F::ImageOnly => "image_only",
            F::PenaltyRate => "penalty_rate",
            F::GuaranteePeriodMonths => "guarantee_period_months",
            F::LastDemandDate => "last_demand_date",
            F::PaymentOrderRequested => "payment_order_requested",
            F::Evidence => "evidence",
            F::PlaintiffDomicile => "plaintiff_domicile",
            F::DefendantDomiciles => "defendant_domiciles",
            F::JurisdictionClause => "jurisdiction_clause",
            F::GuarantorDemandDate => "guarantor_demand_date",
            F::UnpaidInterest => "unpaid_interest",
            F::Collateral => "collateral",
            F::PreservationAmount => "preservation_amount",
            F::Repayments => "repayments",
            F::DayCount => "day_count",
            F::NplAssignmentDate => "npl_assignment_date",
        }
    }

    /// The field at exactly this path (`None` for any other text).
    pub fn from_path(path: &str) -> Option<FactField> {
        FactField::ALL.into_iter().find(|f| f.path() == path)
    }

    /// The field a provenance key or a finding's field names: the path itself, a place below
    /// it (`defendants[1].name`, `collateral.owner`), or `plaintiff` (a finding about the
    /// plaintiff as a whole, named by its name).
    pub fn of_key(key: &str) -> Option<FactField> {
        if let Some(f) = FactField::from_path(key) {
            return Some(f);
        }
        let base = key.split('[').next().unwrap_or(key);
        if base == "plaintiff" {
            return Some(F::PlaintiffName);
        }
        FactField::from_path(base).or_else(|| {
            let head = base.split('.').next().unwrap_or(base);
            FactField::from_path(head)
        })
    }

    /// A provenance key's name as a judge reads it: the field's label, with the place below
    /// it in words (`defendants[1].name` → `被告2 姓名`, `collateral.owner` → `抵押物 所有人`);
    /// `None` when the key names no field.
    pub fn key_label(key: &str) -> Option<String> {
        let field = FactField::of_key(key)?;
        let rest = key.strip_prefix(field.path()).unwrap_or("");
        let mut out = field.label().to_owned();
        for part in rest.split(['.', '[']).filter(|p| !p.is_empty()) {
            match part.strip_suffix(']').and_then(|i| i.parse::<usize>().ok()) {
                Some(i) => out.push_str(&(i + 1).to_string()),
                None => {
                    out.push(' ');
                    out.push_str(sub_label(part));
                }
            }
        }
        Some(out)
    }

    /// A coded value at a provenance key in Chinese (`financial_loan` → `金融借款合同纠纷`,
    /// `guarantor` → `保证人`, `bank` → `银行`); `None` for a value that is not a code.
    pub fn coded_value_zh(key: &str, code: &str) -> Option<&'static str> {
        let quoted = serde_json::Value::String(code.to_owned());
        match FactField::of_key(key)? {
            F::CaseType => serde_json::from_value::<super::CaseType>(quoted)
                .ok()
                .map(super::CaseType::cause_of_action),
            F::PlaintiffKind => serde_json::from_value::<super::PlaintiffKind>(quoted)
                .ok()
                .map(super::PlaintiffKind::zh),
            F::Defendants if key.ends_with(".role") => {
                serde_json::from_value::<super::DefendantRole>(quoted)
                    .ok()
                    .map(super::DefendantRole::zh)
            }
            _ => None,
        }
    }

    /// The field's name as a judge reads it, with the unit a value is typed in.
    pub const fn label(self) -> &'static str {
        match self {
            F::CaseType => "案由",
            F::Court => "受诉法院",
            F::PlaintiffName => "原告",
            F::PlaintiffKind => "原告类型",
            F::Defendants => "被告",
            F::ContractNumber => "合同编号",
            F::ContractDate => "合同签订日",
            F::LoanAmount => "借款金额（元）",
            F::AnnualInterestRate => "年利率（%）",
            F::MaturityDate => "借款到期日",
            F::DefaultDate => "逾期日",
            F::ClaimsPrincipal => "借款本金（元）",
            F::ClaimsInterest => "利息（元）",
            F::ClaimsInterestCutoffDate => "利息计至",
            F::ClaimsAttorneyFee => "律师费（元）",
            F::ClaimsOtherFees => "其他费用（元）",
            F::ClaimsJointLiability => "请求连带清偿",
            F::ClaimsStatedTotal => "诉请合计（元）",
            F::FilingDate => "起诉日期",
            F::ImageOnly => "仅有扫描图像",
            F::PenaltyRate => "罚息年利率（%）",
            F::GuaranteePeriodMonths => "保证期间（月）",
            F::LastDemandDate => "最后催收日",
            F::PaymentOrderRequested => "申请支付令",
            F::Evidence => "证据",
            F::PlaintiffDomicile => "原告住所",
            F::DefendantDomiciles => "被告住所",
            F::JurisdictionClause => "约定管辖条款",
            F::GuarantorDemandDate => "向保证人主张日",
            F::UnpaidInterest => "欠付利息（元）",
            F::Collateral => "抵押物",
            F::PreservationAmount => "申请保全金额（元）",
            F::Repayments => "还款记录",
            F::DayCount => "计息天数基准",
            F::NplAssignmentDate => "不良债权受让日",
        }
    }

    /// The kind of value the field takes.
    pub const fn kind(self) -> ValueKind {
        match self {
            F::LoanAmount
            | F::ClaimsPrincipal
            | F::ClaimsInterest
            | F::ClaimsAttorneyFee
            | F::ClaimsOtherFees
            | F::ClaimsStatedTotal
            | F::UnpaidInterest
            | F::PreservationAmount => ValueKind::Money,
            F::AnnualInterestRate | F::PenaltyRate => ValueKind::Rate,
            F::ContractDate
            | F::MaturityDate
            | F::DefaultDate
            | F::ClaimsInterestCutoffDate
            | F::FilingDate
            | F::LastDemandDate
            | F::GuarantorDemandDate
            | F::NplAssignmentDate => ValueKind::Date,
            _ => ValueKind::Other,
        }
    }

    /// Whether a judge may correct the field on the case screen ([`FactField::EDITABLE`]).
    pub fn editable(self) -> bool {
        FactField::EDITABLE.contains(&self)
    }

    /// Whether the field has the same value in `a` and `b` (names, roles and order of the
    /// defendants included).
    pub fn agrees(self, a: &CaseFacts, b: &CaseFacts) -> bool {
        let (ca, cb) = (&a.claims, &b.claims);
        match self {
            F::CaseType => a.case_type == b.case_type,
            F::Court => a.court == b.court,
            F::PlaintiffName => {
                a.plaintiff.as_ref().map(|x| &x.name) == b.plaintiff.as_ref().map(|x| &x.name)
            }
            F::PlaintiffKind => {
                a.plaintiff.as_ref().map(|x| x.kind) == b.plaintiff.as_ref().map(|x| x.kind)
            }
            F::Defendants => a.defendants == b.defendants,
            F::ContractNumber => a.contract_number == b.contract_number,
            F::ClaimsJointLiability => ca.joint_liability == cb.joint_liability,
            F::ImageOnly => a.image_only == b.image_only,
            F::GuaranteePeriodMonths => a.guarantee_period_months == b.guarantee_period_months,
            F::PaymentOrderRequested => a.payment_order_requested == b.payment_order_requested,
            F::Evidence => a.evidence == b.evidence,
            F::PlaintiffDomicile => a.plaintiff_domicile == b.plaintiff_domicile,
            F::DefendantDomiciles => a.defendant_domiciles == b.defendant_domiciles,
            F::JurisdictionClause => a.jurisdiction_clause == b.jurisdiction_clause,
            F::Collateral => a.collateral == b.collateral,
            F::Repayments => a.repayments == b.repayments,
            F::DayCount => a.day_count == b.day_count,
            _ => match self.kind() {
                ValueKind::Money => self.money(a) == self.money(b),
                ValueKind::Rate => self.rate(a) == self.rate(b),
                ValueKind::Date => self.date(a) == self.date(b),
                // Every field of another kind has its arm above; one added without an arm is
                // still compared, by its value's form.
                ValueKind::Other => self.debug_value(a) == self.debug_value(b),
            },
        }
    }

    /// The field's value in `{:?}` form, for reporting a disagreement.
    pub fn debug_value(self, f: &CaseFacts) -> String {
        let c = &f.claims;
        match self {
            F::CaseType => format!("{:?}", f.case_type),
            F::Court => format!("{:?}", f.court),
            F::PlaintiffName => format!("{:?}", f.plaintiff.as_ref().map(|x| &x.name)),
            F::PlaintiffKind => format!("{:?}", f.plaintiff.as_ref().map(|x| x.kind)),
            F::Defendants => format!("{:?}", f.defendants),
            F::ContractNumber => format!("{:?}", f.contract_number),
            F::ContractDate => format!("{:?}", f.contract_date),
            F::LoanAmount => format!("{:?}", f.loan_amount),
            F::AnnualInterestRate => format!("{:?}", f.annual_interest_rate),
            F::MaturityDate => format!("{:?}", f.maturity_date),
            F::DefaultDate => format!("{:?}", f.default_date),
            F::ClaimsPrincipal => format!("{:?}", c.principal),
            F::ClaimsInterest => format!("{:?}", c.interest),
            F::ClaimsInterestCutoffDate => format!("{:?}", c.interest_cutoff_date),
            F::ClaimsAttorneyFee => format!("{:?}", c.attorney_fee),
            F::ClaimsOtherFees => format!("{:?}", c.other_fees),
            F::ClaimsJointLiability => format!("{:?}", c.joint_liability),
            F::ClaimsStatedTotal => format!("{:?}", c.stated_total),
            F::FilingDate => format!("{:?}", f.filing_date),
            F::ImageOnly => format!("{:?}", f.image_only),
            F::PenaltyRate => format!("{:?}", f.penalty_rate),
            F::GuaranteePeriodMonths => format!("{:?}", f.guarantee_period_months),
            F::LastDemandDate => format!("{:?}", f.last_demand_date),
            F::PaymentOrderRequested => format!("{:?}", f.payment_order_requested),
            F::Evidence => format!("{:?}", f.evidence),
            F::PlaintiffDomicile => format!("{:?}", f.plaintiff_domicile),
            F::DefendantDomiciles => format!("{:?}", f.defendant_domiciles),
            F::JurisdictionClause => format!("{:?}", f.jurisdiction_clause),
            F::GuarantorDemandDate => format!("{:?}", f.guarantor_demand_date),
            F::UnpaidInterest => format!("{:?}", f.unpaid_interest),
            F::Collateral => format!("{:?}", f.collateral),
            F::PreservationAmount => format!("{:?}", f.preservation_amount),
            F::Repayments => format!("{:?}", f.repayments),
            F::DayCount => format!("{:?}", f.day_count),
            F::NplAssignmentDate => format!("{:?}", f.npl_assignment_date),
        }
    }

    /// Whether the field is stated in `f`: a value for an optional field, a non-empty list;
    /// always `true` for a yes/no field (so its precision and recall equal its accuracy).
    pub fn is_stated(self, f: &CaseFacts) -> bool {
        match self {
            F::CaseType => f.case_type.is_some(),
            F::Court => f.court.is_some(),
            F::PlaintiffName | F::PlaintiffKind => f.plaintiff.is_some(),
            F::Defendants => !f.defendants.is_empty(),
            F::ContractNumber => f.contract_number.is_some(),
            F::Evidence => f.evidence.is_some(),
            F::PlaintiffDomicile => f.plaintiff_domicile.is_some(),
            F::DefendantDomiciles => !f.defendant_domiciles.is_empty(),
            F::Collateral => f.collateral.is_some(),
            F::Repayments => !f.repayments.is_empty(),
            F::GuaranteePeriodMonths => f.guarantee_period_months.is_some(),
            F::DayCount => f.day_count.is_some(),
            F::ClaimsJointLiability
            | F::ImageOnly
            | F::PaymentOrderRequested
            | F::JurisdictionClause => true,
            _ => match self.kind() {
                ValueKind::Money => self.money(f).is_some(),
                ValueKind::Rate => self.rate(f).is_some(),
                ValueKind::Date => self.date(f).is_some(),
                ValueKind::Other => false,
            },
        }
    }

    /// The value of a money field (`None` for an empty or non-money field).
    pub fn money(self, f: &CaseFacts) -> Option<Yuan> {
        let c = &f.claims;
        match self {
            F::LoanAmount => f.loan_amount,
            F::ClaimsPrincipal => c.principal,
            F::ClaimsInterest => c.interest,
            F::ClaimsAttorneyFee => c.attorney_fee,
            F::ClaimsOtherFees => c.other_fees,
            F::ClaimsStatedTotal => c.stated_total,
            F::UnpaidInterest => f.unpaid_interest,
            F::PreservationAmount => f.preservation_amount,
            _ => None,
        }
    }

    /// The value of a rate field (`None` for an empty or non-rate field).
    pub fn rate(self, f: &CaseFacts) -> Option<Rate> {
        match self {
            F::AnnualInterestRate => f.annual_interest_rate,
            F::PenaltyRate => f.penalty_rate,
            _ => None,
        }
    }

    /// The value of a date field (`None` for an empty or non-date field).
    pub fn date(self, f: &CaseFacts) -> Option<NaiveDate> {
        match self {
            F::ContractDate => f.contract_date,
            F::MaturityDate => f.maturity_date,
            F::DefaultDate => f.default_date,
            F::ClaimsInterestCutoffDate => f.claims.interest_cutoff_date,
            F::FilingDate => f.filing_date,
            F::LastDemandDate => f.last_demand_date,
            F::GuarantorDemandDate => f.guarantor_demand_date,
            F::NplAssignmentDate => f.npl_assignment_date,
            _ => None,
        }
    }

    /// Sets a date field (nothing for any other field).
    pub fn set_date(self, f: &mut CaseFacts, d: Option<NaiveDate>) {
        match self {
            F::ContractDate => f.contract_date = d,
            F::MaturityDate => f.maturity_date = d,
            F::DefaultDate => f.default_date = d,
            F::ClaimsInterestCutoffDate => f.claims.interest_cutoff_date = d,
            F::FilingDate => f.filing_date = d,
            F::LastDemandDate => f.last_demand_date = d,
            F::GuarantorDemandDate => f.guarantor_demand_date = d,
            F::NplAssignmentDate => f.npl_assignment_date = d,
            _ => {}
        }
    }

    /// Sets a money field (nothing for any other field).
    pub fn set_money(self, f: &mut CaseFacts, y: Option<Yuan>) {
        let c = &mut f.claims;
        match self {
            F::LoanAmount => f.loan_amount = y,
            F::ClaimsPrincipal => c.principal = y,
            F::ClaimsInterest => c.interest = y,
            F::ClaimsAttorneyFee => c.attorney_fee = y,
            F::ClaimsOtherFees => c.other_fees = y,
            F::ClaimsStatedTotal => c.stated_total = y,
            F::UnpaidInterest => f.unpaid_interest = y,
            F::PreservationAmount => f.preservation_amount = y,
            _ => {}
        }
    }

    /// Sets a rate field (nothing for any other field).
    pub fn set_rate(self, f: &mut CaseFacts, r: Option<Rate>) {
        match self {
            F::AnnualInterestRate => f.annual_interest_rate = r,
            F::PenaltyRate => f.penalty_rate = r,
            _ => {}
        }
    }

    /// A money, rate or date field's value as the edit form shows and takes it (`12345.67`,
    /// `24` for 24 %, `2024-03-01`); `None` when empty or of another kind.
    pub fn display(self, f: &CaseFacts) -> Option<String> {
        match self.kind() {
            ValueKind::Money => self.money(f).map(|y| y.to_string()),
            ValueKind::Rate => self.rate(f).map(|r| r.percent().to_string()),
            ValueKind::Date => self.date(f).map(|d| d.to_string()),
            ValueKind::Other => None,
        }
    }

    /// Parses what a judge typed for an editable field and sets it in `f`.
    pub fn set_from_text(self, f: &mut CaseFacts, text: &str) -> Result<(), FieldInputError> {
        if !self.editable() {
            return Err(FieldInputError::NotEditable(self.path().to_owned()));
        }
        let bad = |what| FieldInputError::BadValue {
            value: text.chars().take(40).collect(),
            what,
        };
        match self.kind() {
            ValueKind::Money => {
                let y = parse_money(text).ok_or_else(|| bad("金额（如 12345.67）"))?;
                self.set_money(f, Some(y));
            }
            ValueKind::Rate => {
                let r = parse_rate_percent(text).ok_or_else(|| bad("年利率百分数（如 24）"))?;
                self.set_rate(f, Some(r));
            }
            ValueKind::Date => {
                let d = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                    .map_err(|_| bad("日期（如 2024-03-01）"))?;
                self.set_date(f, Some(d));
            }
            ValueKind::Other => return Err(FieldInputError::NotEditable(self.path().to_owned())),
        }
        Ok(())
    }
}

/// The name of a place below a field (`name`, `role`, `date` …) in Chinese; the name itself
/// when it is not one the facts use.
fn sub_label(name: &str) -> &str {
    match name {
        "name" => "姓名/名称",
        "role" => "身份",
        "kind" => "类型",
        "date" => "日期",
        "principal" => "本金",
        "interest" => "利息",
        "owner" => "所有人",
        "description" => "描述",
        "certificate_number" => "权证号",
        "max_amount" => "最高额",
        other => other,
    }
}

impl std::fmt::Display for FactField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.path())
    }
}

/// Parses an amount typed by a judge: digits with an optional decimal point, grouping commas
/// and a trailing 元 allowed; ≥ 0, at most 2 decimals, below 10¹² yuan.
pub fn parse_money(s: &str) -> Option<Yuan> {
    let t: String = s
        .trim()
        .trim_end_matches('元')
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let d = Decimal::from_str(&t).ok()?;
    (d.scale() <= 2 && d < Decimal::from(1_000_000_000_000i64)).then(|| Yuan::new(d))
}

/// Parses a yearly rate typed as a percentage (`24`, `24%`, `3.65`): 0 to 1000 %.
pub fn parse_rate_percent(s: &str) -> Option<Rate> {
    let t = s.trim().trim_end_matches(['%', '％']).trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let p = Decimal::from_str(t).ok()?;
    (p <= Decimal::from(1000)).then(|| Rate::from_percent(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gold_schema_is_the_first_twenty_fields() {
        assert_eq!(FactField::GOLD[0], F::CaseType);
        assert_eq!(FactField::GOLD[19], F::ImageOnly);
        assert_eq!(
            FactField::EXTRA,
            [
                F::PenaltyRate,
                F::GuaranteePeriodMonths,
                F::LastDemandDate,
                F::PaymentOrderRequested
            ]
        );
    }

    #[test]
    fn paths_are_unique_and_read_back() {
        for f in FactField::ALL {
            assert_eq!(FactField::from_path(f.path()), Some(f));
            assert!(!f.label().is_empty());
        }
        let mut paths: Vec<&str> = FactField::ALL.iter().map(|f| f.path()).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), FactField::ALL.len());
        assert_eq!(FactField::of_key("defendants[1].name"), Some(F::Defendants));
        assert_eq!(FactField::of_key("collateral.owner"), Some(F::Collateral));
        assert_eq!(FactField::of_key("plaintiff"), Some(F::PlaintiffName));
        assert_eq!(FactField::of_key("no_such_field"), None);
        let label = |k: &str| FactField::key_label(k).unwrap();
        assert_eq!(label("claims.principal"), "借款本金（元）");
        assert_eq!(label("defendants[1].name"), "被告2 姓名/名称");
        assert_eq!(label("defendants[0].role"), "被告1 身份");
        assert_eq!(label("defendant_domiciles[0]"), "被告住所1");
        assert_eq!(label("repayments[3].principal"), "还款记录4 本金");
        assert_eq!(label("collateral.owner"), "抵押物 所有人");
        assert_eq!(label("plaintiff"), "原告");
        assert_eq!(FactField::key_label("no_such_field"), None);
        let zh = FactField::coded_value_zh;
        assert_eq!(zh("case_type", "financial_loan"), Some("金融借款合同纠纷"));
        assert_eq!(zh("defendants[1].role", "guarantor"), Some("保证人"));
        assert_eq!(zh("plaintiff.kind", "bank"), Some("银行"));
        assert_eq!(zh("defendants[1].name", "guarantor"), None);
        assert_eq!(zh("case_type", "no_such_code"), None);
    }

    #[test]
    fn amounts_and_rates_parse_as_typed_by_people() {
        assert_eq!(parse_money("12,345.6元"), Some(Yuan::from_fen(1_234_560)));
        assert_eq!(parse_money(" 100000 "), Some(Yuan::from_fen(10_000_000)));
        for bad in ["", "-5", "1.234", "12a", "1e5", "99999999999999"] {
            assert_eq!(parse_money(bad), None, "{bad}");
        }
        assert_eq!(
            parse_rate_percent("24%").map(|r| r.fraction()),
            Some(Decimal::new(24, 2))
        );
        assert_eq!(parse_rate_percent("abc"), None);
    }

    #[test]
    fn an_edit_changes_only_its_field() {
        let mut f = CaseFacts::default();
        F::ClaimsPrincipal.set_from_text(&mut f, "5000").unwrap();
        assert_eq!(f.claims.principal, Some(Yuan::from_fen(500_000)));
        F::DefaultDate.set_from_text(&mut f, "2023-02-28").unwrap();
        assert_eq!(F::DefaultDate.display(&f).as_deref(), Some("2023-02-28"));
        assert!(matches!(
            F::DefaultDate.set_from_text(&mut f, "2023-02-30"),
            Err(FieldInputError::BadValue { .. })
        ));
        assert_eq!(f.claims.principal, Some(Yuan::from_fen(500_000)));
        assert_eq!(F::DefaultDate.display(&f).as_deref(), Some("2023-02-28"));
    }

    #[test]
    fn every_editable_field_displays_what_it_takes() {
        let mut facts = CaseFacts::default();
        let typed = |f: FactField| match f.kind() {
            ValueKind::Money => "12,345.67元",
            ValueKind::Rate => "24%",
            ValueKind::Date => "2024-03-01",
            ValueKind::Other => "",
        };
        for f in FactField::EDITABLE {
            assert!(!f.is_stated(&facts), "{f}");
            f.set_from_text(&mut facts, typed(f)).unwrap();
            assert!(f.is_stated(&facts), "{f}");
            let shown = f.display(&facts).unwrap();
            let mut again = CaseFacts::default();
            f.set_from_text(&mut again, &shown).unwrap();
            assert!(f.agrees(&facts, &again), "{f}: {shown}");
        }
        assert_eq!(
            F::ClaimsPrincipal.display(&facts).as_deref(),
            Some("12345.67")
        );
        assert_eq!(F::AnnualInterestRate.display(&facts).as_deref(), Some("24"));
        assert!(matches!(
            F::ClaimsPrincipal.set_from_text(&mut facts, "一万"),
            Err(FieldInputError::BadValue { .. })
        ));
        assert_eq!(
            F::Court.set_from_text(&mut facts, "x"),
            Err(FieldInputError::NotEditable("court".into()))
        );
    }
}
