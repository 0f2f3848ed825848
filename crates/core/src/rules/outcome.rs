//! The plain-data result of the rules: [`Outcome`] and its parts. Every amount carries a
//! [`TrailStep`] list that shows its arithmetic and cites its rule, so the draft and the review
//! screen can explain it.

use crate::domain::{Rate, Yuan};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One step of a calculation trail: what was computed, under which rule, and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailStep {
    /// The arithmetic or the reasoning, e.g. `100,000.00 × 24% × 183/360 = 12,200.00`.
    pub text: String,
    /// The rule cited, with its verification tag, e.g. `法发〔2017〕22号 第2条 \[M\]`.
    pub rule: String,
    /// The result of the step, when it is an amount.
    pub amount: Option<Yuan>,
}

impl TrailStep {
    /// A step with an amount.
    pub fn amount(text: impl Into<String>, rule: impl Into<String>, amount: Yuan) -> TrailStep {
        TrailStep {
            text: text.into(),
            rule: rule.into(),
            amount: Some(amount),
        }
    }

    /// A step without an amount (a reason, a lookup).
    pub fn note(text: impl Into<String>, rule: impl Into<String>) -> TrailStep {
        TrailStep {
            text: text.into(),
            rule: rule.into(),
            amount: None,
        }
    }
}

/// The suggested result of the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// Everything claimed is supported.
    Full,
    /// Something is cut or refused (an amount, a guarantor).
    Partial,
    /// The claims fail as filed (limitation expired).
    Rejected,
    /// The rules cannot decide (scan needing OCR, principal missing, interest not checkable).
    NeedsReview,
}

impl Disposition {
    /// Schema name.
    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Full => "full",
            Disposition::Partial => "partial",
            Disposition::Rejected => "rejected",
            Disposition::NeedsReview => "needs_review",
        }
    }
}

/// Which document the outcome calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 民事判决书.
    Judgment,
    /// 支付令.
    PaymentOrder,
    /// No court document: the filing goes back to the bank or to a person (see `draft`).
    None,
}

/// The procedure the case is routed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// 小额诉讼程序 (民事诉讼法第一百六十五条 \[P\]); final judgment.
    SmallClaims,
    /// 简易程序 (民事诉讼法第一百六十条 \[P\]).
    Simplified,
    /// 普通程序.
    Ordinary,
    /// 督促程序 (民事诉讼法第二百二十五条 \[P\]).
    PaymentOrder,
}

impl Procedure {
    /// The procedure as a judgment names it.
    pub fn zh(self) -> &'static str {
        match self {
            Procedure::SmallClaims => "小额诉讼程序",
            Procedure::Simplified => "简易程序",
            Procedure::Ordinary => "普通程序",
            Procedure::PaymentOrder => "督促程序",
        }
    }

    /// True when the acceptance fee is halved (办法第十六条 \[P\]; small claims is part of the
    /// simplified procedure).
    pub fn halves_fee(self) -> bool {
        matches!(self, Procedure::SmallClaims | Procedure::Simplified)
    }
}

/// A claim item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardItem {
    /// 本金.
    Principal,
    /// 利息 + 罚息 + 复利 to the cut-off date.
    Interest,
    /// 律师费.
    AttorneyFee,
    /// 违约金, 手续费 and other fees.
    OtherFees,
}

impl AwardItem {
    /// The item in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            AwardItem::Principal => "借款本金",
            AwardItem::Interest => "利息（含罚息、复利）",
            AwardItem::AttorneyFee => "律师费",
            AwardItem::OtherFees => "其他费用",
        }
    }

    /// The anchor of this item's trail in a draft (`trail-interest`).
    pub fn anchor(self) -> &'static str {
        match self {
            AwardItem::Principal => "trail-principal",
            AwardItem::Interest => "trail-interest",
            AwardItem::AttorneyFee => "trail-attorney-fee",
            AwardItem::OtherFees => "trail-other-fees",
        }
    }
}

/// What is suggested for one claim item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Award {
    /// The item.
    pub item: AwardItem,
    /// What the filing claims for it.
    pub claimed: Option<Yuan>,
    /// What the rules support (≤ claimed).
    pub awarded: Yuan,
    /// How `awarded` was reached.
    pub trail: Vec<TrailStep>,
}

impl Award {
    /// True when less than claimed is supported.
    pub fn is_cut(&self) -> bool {
        self.claimed.is_some_and(|c| self.awarded < c)
    }
}

/// The suggestion for one guarantor defendant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuarantorDecision {
    /// The guarantor's name.
    pub name: String,
    /// True when the guarantor bears joint and several liability for the awarded debt.
    pub liable: bool,
    /// Why, with the rule.
    pub reason: String,
}

/// The ceiling applied to the all-in interest cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterestCap {
    /// Yearly ceiling.
    pub rate: Rate,
    /// The rule, with its tag.
    pub rule: String,
    /// How the regime was chosen.
    pub reason: String,
}

/// Interest that keeps running after the cut-off date until payment (判决主文 §4.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContinuingInterest {
    /// First day (cut-off + 1).
    pub from: NaiveDate,
    /// The base: the awarded principal.
    pub base: Yuan,
    /// The yearly rate: the agreed (penalty) rate, never above the cap.
    pub rate: Rate,
    /// True when the rate was lowered to the cap.
    pub capped: bool,
}

/// Who bears the court fee (办法第二十九条 \[P\]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeBearer {
    /// 原告 / 申请人.
    Plaintiff,
    /// 被告 (jointly, 民诉法解释第二百零三条 \[P\]).
    Defendants,
}

/// One share of the court fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeShare {
    /// Who pays.
    pub bearer: FeeBearer,
    /// The parties' names (all defendants jointly, or the plaintiff).
    pub parties: Vec<String>,
    /// How much.
    pub amount: Yuan,
}

/// Which fee the figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    /// 案件受理费 (办法第十三条 \[P\]).
    Acceptance,
    /// 支付令申请费 (办法第十四条(三) \[P\]).
    PaymentOrderApplication,
    /// 申请保全措施费 (办法第十四条(二) \[P\]).
    Preservation,
    /// 申请执行费 (办法第十四条(一) \[P\]).
    Enforcement,
}

/// How the case ends, for the fee reductions of 办法第十五条 \[P\].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseEnding {
    /// By judgment (or payment order).
    #[default]
    Judgment,
    /// By mediation (调解): halved.
    Mediation,
    /// By withdrawal (撤诉): halved.
    Withdrawal,
}

/// A court fee with its trail and, in an outcome, who bears it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourtFee {
    /// Which fee.
    pub kind: FeeKind,
    /// The amount the fee is computed on (诉讼请求的金额).
    pub basis: Yuan,
    /// The 第十三条 schedule fee for `basis`, before any reduction.
    pub schedule_fee: Yuan,
    /// True when halved (once only, 民诉法解释第二百零六条 \[P\]).
    pub halved: bool,
    /// What is payable after halving or the ⅓ for payment orders, rounded per court.
    pub payable: Yuan,
    /// Who bears `payable`; empty until an outcome allocates it.
    pub allocation: Vec<FeeShare>,
    /// The arithmetic.
    pub trail: Vec<TrailStep>,
}

/// A 争议焦点 the rules derive from the facts (later merged with model-found ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputePoint {
    /// The issue in Chinese, e.g. `利息是否超过法定上限`.
    pub title: String,
    /// Who raised it: `"rules"` here.
    pub source: String,
    /// What the rules found about it.
    pub detail: String,
}

/// How sure the suggestion is: the outcome model's view on top of the rules (issue 19).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// The class the suggestion gives: the rules' rejection stands; otherwise partial when the
    /// model finds a cut more likely than not, else full.
    pub suggested: Disposition,
    /// How likely that class is (0–1).
    pub confidence: f32,
    /// True when `confidence` is below the model's threshold: the judge must decide.
    pub abstained: bool,
    /// The model's name and version.
    pub model: String,
    /// The adjustments the rules make, claim item by claim item, with their rules.
    pub reasons: Vec<AdjustmentReason>,
    /// True when the model was not trained on this kind of case and the class is the rules'
    /// own, its confidence their measured agreement (`ml::outcome::rules_decide`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_rules: bool,
}

/// The suggested outcome of a case, every figure with its trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Full / Partial / Rejected / NeedsReview.
    pub disposition: Disposition,
    /// Which document to draft.
    pub document: DocumentKind,
    /// Which procedure.
    pub procedure: Procedure,
    /// One award per claimed item, in claim order.
    pub awards: Vec<Award>,
    /// One decision per guarantor defendant.
    pub guarantors: Vec<GuarantorDecision>,
    /// The interest ceiling used, when one applies.
    pub cap: Option<InterestCap>,
    /// Interest after the cut-off date, when it can be stated.
    pub continuing_interest: Option<ContinuingInterest>,
    /// The court fee (or payment-order fee) and its allocation.
    pub court_fee: CourtFee,
    /// Rule-derived 争议焦点.
    pub dispute_points: Vec<DisputePoint>,
    /// Sentences explaining the disposition, procedure and document choice.
    pub reasons: Vec<String>,
    /// [`super::RULES_VERSION`] and the configuration profile.
    pub rules_version: String,
    /// The preservation fee and who bears it, when the filing applies for preservation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preservation_fee: Option<CourtFee>,
    /// Priority over the collateral (优先受偿), when the debt is secured by a mortgage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collateral_priority: Option<CollateralPriority>,
    /// The outcome model's confidence in the suggestion, when the model ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    /// Interest claimed after this date is refused (a non-AMC assignee of a non-performing
    /// loan: nothing after the assignment date), with the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interest_refused_after: Option<RefusedInterest>,
    /// The rate the claims ask for is above the ceiling (or at it with 违约金 / 罚息 besides):
    /// decided from the claims alone, also when the amounts cannot be reckoned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_cut: Option<RateCut>,
    /// Other claim items the rules cut from the pleadings alone (claims and defence), each with
    /// its rule: e.g. interest whose agreement the defence denies and the plaintiff does not state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pleading_cuts: Vec<AdjustmentReason>,
}

/// A claimed rate the ceiling cuts, claim item by claim item: the interest item (its rate
/// above the ceiling) or the other charges (interest already at the ceiling, 违约金 or 罚息
/// asked besides it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateCut {
    /// The highest yearly rate the claims ask for.
    pub claimed: Rate,
    /// The ceiling.
    pub cap: Rate,
    /// True when the cut falls on 违约金 / 罚息 asked besides interest at the ceiling.
    pub on_other_charges: bool,
    /// The rule, with its tag.
    pub rule: String,
    /// What was decided, in Chinese.
    pub detail: String,
}

/// Interest the claims ask for after a date that the law does not let run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefusedInterest {
    /// The last day interest runs.
    pub after: NaiveDate,
    /// The rule, with its citation.
    pub rule: String,
}

/// The 优先受偿 judgment item: the plaintiff is paid first from the proceeds of the collateral
/// (民法典第三百九十四条, 第四百一十条 \[P\]), within the registered maximum for a ceiling
/// mortgage (第四百二十条 \[P\]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollateralPriority {
    /// The mortgagor, when known.
    pub owner: Option<String>,
    /// The collateral as described in the filing.
    pub description: String,
    /// Registration certificate number, when stated.
    pub certificate_number: Option<String>,
    /// Ceiling of a maximum-amount mortgage, when stated.
    pub max_amount: Option<Yuan>,
    /// The amount the priority covers: the awarded debt, or the ceiling when lower.
    pub secured: Yuan,
    /// The judgment item wording.
    pub text: String,
    /// How `secured` was reached.
    pub trail: Vec<TrailStep>,
}

impl Outcome {
    /// The award for an item, if claimed.
    pub fn award(&self, item: AwardItem) -> Option<&Award> {
        self.awards.iter().find(|a| a.item == item)
    }

    /// Sum of what was claimed over the awards.
    pub fn total_claimed(&self) -> Yuan {
        self.awards.iter().filter_map(|a| a.claimed).sum()
    }

    /// Sum of what is awarded.
    pub fn total_awarded(&self) -> Yuan {
        self.awards.iter().map(|a| a.awarded).sum()
    }
}

/// Why a court grants less than claimed: the adjustments the rules (and the outcome model)
/// reason about, each with the law it rests on. The codes are the backtest's `reasons` and
/// the hand labels' vocabulary; `docs/outcome-law.md` catalogues the law behind each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adjustment {
    /// Interest lowered to a ceiling (24 % all-in for financial lenders; 4×LPR or 24 %/36 %
    /// for private lending) or its period shortened.
    InterestCapped,
    /// 罚息, 复利 or 违约金 reduced or refused.
    PenaltyCut,
    /// A guarantor released or their liability limited.
    GuarantorReleased,
    /// 律师费 refused or reduced.
    AttorneyFeeRefused,
    /// Less principal than claimed (repayments, 砍头息, more than was lent).
    PrincipalReduced,
    /// The loan itself not proven.
    NotProven,
    /// 诉讼时效 expired.
    Limitation,
    /// 优先受偿 refused or limited.
    PriorityRefused,
    /// 保全费, 公告费 or other costs refused.
    OtherFeeRefused,
}

impl Adjustment {
    /// Every adjustment, in a fixed order.
    pub const ALL: [Adjustment; 9] = [
        Adjustment::InterestCapped,
        Adjustment::PenaltyCut,
        Adjustment::GuarantorReleased,
        Adjustment::AttorneyFeeRefused,
        Adjustment::PrincipalReduced,
        Adjustment::NotProven,
        Adjustment::Limitation,
        Adjustment::PriorityRefused,
        Adjustment::OtherFeeRefused,
    ];

    /// The schema code (`interest_capped`).
    pub fn code(self) -> &'static str {
        match self {
            Adjustment::InterestCapped => "interest_capped",
            Adjustment::PenaltyCut => "penalty_cut",
            Adjustment::GuarantorReleased => "guarantor_released",
            Adjustment::AttorneyFeeRefused => "attorney_fee_refused",
            Adjustment::PrincipalReduced => "principal_reduced",
            Adjustment::NotProven => "not_proven",
            Adjustment::Limitation => "limitation",
            Adjustment::PriorityRefused => "priority_refused",
            Adjustment::OtherFeeRefused => "other_fee_refused",
        }
    }

    /// The adjustment in plain Chinese, as a judge reads it.
    pub fn zh(self) -> &'static str {
        match self {
            Adjustment::InterestCapped => "利息调减至法定上限",
            Adjustment::PenaltyCut => "罚息、复利或违约金调减",
            Adjustment::GuarantorReleased => "保证人免责或责任受限",
            Adjustment::AttorneyFeeRefused => "律师费不予支持",
            Adjustment::PrincipalReduced => "本金调减",
            Adjustment::NotProven => "借贷事实未获证明",
            Adjustment::Limitation => "超过诉讼时效",
            Adjustment::PriorityRefused => "优先受偿不予支持",
            Adjustment::OtherFeeRefused => "其他费用不予支持",
        }
    }
}

/// One adjustment the outcome makes, with the rule it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustmentReason {
    /// Which adjustment.
    pub adjustment: Adjustment,
    /// The rule cited, with its tag.
    pub rule: String,
    /// What was found, in Chinese.
    pub detail: String,
}

impl Outcome {
    /// The adjustments this outcome makes, claim item by claim item: each cut award (with the
    /// rule of the step that cut it), each released guarantor, a rejection for limitation.
    pub fn adjustments(&self) -> Vec<AdjustmentReason> {
        let mut out: Vec<AdjustmentReason> = Vec::new();
        let mut push = |adjustment: Adjustment, rule: &str, detail: String| {
            if !out.iter().any(|a| a.adjustment == adjustment) {
                out.push(AdjustmentReason {
                    adjustment,
                    rule: rule.to_owned(),
                    detail,
                });
            }
        };
        let limitation = self.disposition == Disposition::Rejected;
        if limitation {
            let rule = self
                .awards
                .iter()
                .flat_map(|a| a.trail.iter())
                .map(|t| t.rule.as_str())
                .find(|r| r.contains("第一百八十八条"))
                .unwrap_or("民法典第一百八十八条 [P]");
            push(
                Adjustment::Limitation,
                rule,
                "诉讼时效期间届满，诉讼请求不予支持".to_owned(),
            );
        }
        for a in self.awards.iter().filter(|a| a.is_cut() && !limitation) {
            let rule = a
                .trail
                .iter()
                .rev()
                .find(|t| t.amount == Some(a.awarded))
                .or(a.trail.last())
                .map_or("", |t| t.rule.as_str());
            let detail = format!(
                "{}：诉请{}元，建议支持{}元",
                a.item.zh(),
                a.claimed.map(|c| c.grouped()).unwrap_or_default(),
                a.awarded.grouped()
            );
            let adjustment = match a.item {
                AwardItem::Principal => Adjustment::PrincipalReduced,
                AwardItem::Interest => Adjustment::InterestCapped,
                AwardItem::AttorneyFee => Adjustment::AttorneyFeeRefused,
                AwardItem::OtherFees => Adjustment::PenaltyCut,
            };
            push(adjustment, rule, detail);
        }
        if let Some(c) = &self.continuing_interest
            && c.capped
        {
            let rule = self.cap.as_ref().map_or("", |c| c.rule.as_str());
            push(
                Adjustment::InterestCapped,
                rule,
                format!("逾期利息利率调减至上限{}", c.rate),
            );
        }
        if let Some(r) = &self.interest_refused_after
            && !limitation
        {
            push(
                Adjustment::InterestCapped,
                &r.rule,
                format!("受让日{}之后的利息不予支持", r.after),
            );
        }
        if let Some(c) = self.rate_cut.as_ref().filter(|_| !limitation) {
            let adjustment = if c.on_other_charges {
                Adjustment::PenaltyCut
            } else {
                Adjustment::InterestCapped
            };
            push(adjustment, &c.rule, c.detail.clone());
        }
        for c in self.pleading_cuts.iter().filter(|_| !limitation) {
            push(c.adjustment, &c.rule, c.detail.clone());
        }
        for g in self.guarantors.iter().filter(|g| !g.liable && !limitation) {
            let rule = g
                .reason
                .rfind('（')
                .map_or(g.reason.as_str(), |p| &g.reason[p..]);
            let rule = rule.trim_start_matches('（').trim_end_matches('）');
            push(
                Adjustment::GuarantorReleased,
                rule,
                format!("保证人{}：{}", g.name, g.reason),
            );
        }
        out
    }
}
