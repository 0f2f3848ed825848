//! One backtest record per judgment (claimed / suggested / actual / agree, the JSON Lines
//! schema of issue 8) and the summary over many: agreement per field and per outcome class, and
//! the outcome confusion matrix.

use super::orders::{InterestFormula, OrderedFee, Orders, OutcomeClass, Rejection};
use super::replay::ClaimedItems;
use crate::domain::{Rate, Yuan};
use crate::rules::{Adjustment, AwardItem, Disposition, Outcome};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// The claimed side of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimedSide {
    /// 本金.
    pub principal: Option<Yuan>,
    /// Interest stated as a sum.
    pub interest_sum: Option<Yuan>,
    /// 律师费.
    pub attorney_fee: Option<Yuan>,
    /// Other fees.
    pub other_fees: Option<Yuan>,
    /// Defendants asked to bear joint liability.
    pub joint_liability_defendants: Vec<String>,
}

/// An interest formula in the record schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormulaOut {
    /// Base amount.
    pub base: Option<Yuan>,
    /// Yearly rate as a fraction, when a figure.
    pub rate: Option<Rate>,
    /// First day.
    pub start: Option<NaiveDate>,
    /// Last day, when fixed.
    pub end: Option<NaiveDate>,
    /// True when it runs until payment.
    pub until_paid: bool,
}

impl From<&InterestFormula> for FormulaOut {
    fn from(f: &InterestFormula) -> Self {
        FormulaOut {
            base: f.base,
            rate: f.rate,
            start: f.start,
            end: f.end,
            until_paid: f.until_paid,
        }
    }
}

/// The suggested (or actual) side of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecidedSide {
    /// 本金 awarded.
    pub principal: Option<Yuan>,
    /// Interest awarded as a sum.
    pub interest_sum: Option<Yuan>,
    /// Interest awarded as a formula.
    pub interest_formula: Option<FormulaOut>,
    /// 律师费 awarded.
    pub attorney_fee: Option<Yuan>,
    /// Other fees awarded.
    pub other_fees: Option<Yuan>,
    /// Defendants held jointly liable.
    pub joint_liability_defendants: Vec<String>,
    /// full / partial / rejected; `None` when it cannot be told.
    pub outcome: Option<OutcomeClass>,
}

/// One adjustment in the record schema: its code, the rule it rests on, what was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonOut {
    /// `interest_capped`, `guarantor_released`, … ([`Adjustment::code`]).
    pub code: String,
    /// The rule cited, with its tag.
    pub citation: String,
    /// What was found, in Chinese.
    pub detail: String,
}

/// The suggested side: the decided fields, how sure the suggestion is, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuggestedSide {
    /// The decided fields (`outcome` is `null` when the suggestion abstains).
    #[serde(flatten)]
    pub decided: DecidedSide,
    /// How likely the suggested outcome class is (0–1), from the outcome model; `null`
    /// without a model.
    pub confidence: Option<f32>,
    /// True when the confidence is below the model's threshold: the judge must decide.
    pub abstained: bool,
    /// The adjustments the rules make, claim item by claim item, each with its citation.
    pub reasons: Vec<ReasonOut>,
    /// The class it would have suggested had it not abstained (for accuracy against coverage).
    #[serde(skip)]
    pub class_if_answered: Option<OutcomeClass>,
}

/// The rules' adjustments of an outcome in the record schema.
pub fn reasons_of(o: &Outcome) -> Vec<ReasonOut> {
    o.adjustments()
        .into_iter()
        .map(|a| ReasonOut {
            code: Adjustment::code(a.adjustment).to_owned(),
            citation: a.rule,
            detail: a.detail,
        })
        .collect()
}

/// The court fee in the record schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CourtFeeOut {
    /// As assessed.
    pub amount: Yuan,
    /// Payable after halving.
    pub payable: Yuan,
    /// Who bears it: `plaintiff`, `defendants`, `appellant`, `appellee`, with amounts.
    pub borne_by: Vec<super::orders::FeeBearing>,
}

impl From<&OrderedFee> for CourtFeeOut {
    fn from(f: &OrderedFee) -> Self {
        CourtFeeOut {
            amount: f.amount,
            payable: f.payable,
            borne_by: f.borne_by.clone(),
        }
    }
}

/// The actual side: the decided fields plus rejected claims and the court fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActualSide {
    /// The decided fields.
    #[serde(flatten)]
    pub decided: DecidedSide,
    /// `none`, `others` or `all`.
    pub claims_rejected: Rejection,
    /// The court fee as ordered.
    pub court_fee: Option<CourtFeeOut>,
}

/// Per-field agreement of suggested with actual (`None` when not comparable: the judgment
/// lacks its claims or its orders, or, for the outcome, the actual class cannot be told).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Agree {
    /// 本金.
    pub principal: Option<bool>,
    /// Interest sum.
    pub interest_sum: Option<bool>,
    /// Interest formula.
    pub interest_formula: Option<bool>,
    /// 律师费.
    pub attorney_fee: Option<bool>,
    /// Other fees.
    pub other_fees: Option<bool>,
    /// Joint-liability defendants (same set, names matched loosely).
    pub joint_liability_defendants: Option<bool>,
    /// Outcome class.
    pub outcome: Option<bool>,
}

/// The fields of [`Agree`], in output order.
pub const FIELDS: [&str; 7] = [
    "principal",
    "interest_sum",
    "interest_formula",
    "attorney_fee",
    "other_fees",
    "joint_liability_defendants",
    "outcome",
];

impl Agree {
    /// The agreement values in [`FIELDS`] order.
    pub fn values(&self) -> [Option<bool>; 7] {
        [
            self.principal,
            self.interest_sum,
            self.interest_formula,
            self.attorney_fee,
            self.other_fees,
            self.joint_liability_defendants,
            self.outcome,
        ]
    }
}

/// One output line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// 1-based input line.
    pub line: usize,
    /// The judgment's id (`line-N` when the input has none).
    pub id: String,
    /// What was claimed.
    pub claimed: ClaimedSide,
    /// What the rules and the outcome model suggest.
    pub suggested: SuggestedSide,
    /// What the court ordered.
    pub actual: ActualSide,
    /// Per-field agreement.
    pub agree: Agree,
    /// Why fields are missing or not comparable (`no orders`, `rules: needs_review`…).
    pub notes: Vec<String>,
}

/// The claimed side from the claims reader.
pub fn claimed_side(c: &ClaimedItems) -> ClaimedSide {
    ClaimedSide {
        principal: c.principal,
        interest_sum: c.interest_sum,
        attorney_fee: c.attorney_fee,
        other_fees: c.other_fees,
        joint_liability_defendants: c.joint_liability_defendants.clone(),
    }
}

/// A disposition as an outcome class (`needs_review` reads as full: nothing is cut).
pub fn class_of(d: Disposition) -> OutcomeClass {
    match d {
        Disposition::Partial => OutcomeClass::Partial,
        Disposition::Rejected => OutcomeClass::Rejected,
        Disposition::Full | Disposition::NeedsReview => OutcomeClass::Full,
    }
}

/// The suggested side from the rules' outcome. `needs_review` (the rules could not finish)
/// is read as partial when an award is cut, else full, and noted.
pub fn suggested_side(o: &Outcome, notes: &mut Vec<String>) -> DecidedSide {
    let amount = |item| o.award(item).map(|a| a.awarded);
    let outcome = match o.disposition {
        Disposition::NeedsReview => {
            notes.push("rules: needs_review".to_owned());
            // A cut decided claim by claim (an award, a rate above the ceiling: every cut
            // award is one of the adjustments) makes the case partial even when other
            // amounts cannot be reckoned.
            if !o.adjustments().is_empty() {
                OutcomeClass::Partial
            } else {
                OutcomeClass::Full
            }
        }
        d => class_of(d),
    };
    DecidedSide {
        principal: amount(AwardItem::Principal),
        interest_sum: amount(AwardItem::Interest),
        interest_formula: o.continuing_interest.as_ref().map(|c| FormulaOut {
            base: Some(c.base),
            rate: Some(c.rate),
            start: Some(c.from),
            end: None,
            until_paid: true,
        }),
        attorney_fee: amount(AwardItem::AttorneyFee),
        other_fees: amount(AwardItem::OtherFees),
        joint_liability_defendants: o
            .guarantors
            .iter()
            .filter(|g| g.liable)
            .map(|g| g.name.clone())
            .collect(),
        outcome: Some(outcome),
    }
}

/// The actual side from the orders, its outcome refined with the claims: full orders that
/// grant less principal, interest or fees than claimed are partial.
pub fn actual_side(o: &Orders, claimed: &ClaimedItems) -> ActualSide {
    let mut outcome = o.outcome();
    let less = |c: Option<Yuan>, a: Option<Yuan>| matches!((c, a), (Some(c), Some(a)) if a < c);
    if outcome == Some(OutcomeClass::Full)
        && (less(claimed.principal, o.principal)
            || less(claimed.interest_sum, o.interest_sum)
            || less(claimed.attorney_fee, o.attorney_fee)
            || (claimed.attorney_fee.is_some() && o.attorney_fee.is_none() && o.pays()))
    {
        outcome = Some(OutcomeClass::Partial);
    }
    ActualSide {
        decided: DecidedSide {
            principal: o.principal,
            interest_sum: o.interest_sum,
            interest_formula: o.main_formula().map(FormulaOut::from),
            attorney_fee: o.attorney_fee,
            other_fees: o.other_fees,
            joint_liability_defendants: o
                .joint_liability
                .iter()
                .map(|j| j.defendant.clone())
                .collect(),
            outcome,
        },
        claims_rejected: o.rejection,
        court_fee: o.court_fee.as_ref().map(CourtFeeOut::from),
    }
}

/// True when `short` is written inside `long` in order (an abbreviation: `双迪公司` of
/// `浙江双迪管业有限公司`), or the names are equal.
pub fn same_party(a: &str, b: &str) -> bool {
    let (short, long) = if a.chars().count() <= b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    if short.is_empty() {
        return false;
    }
    let mut it = long.chars();
    short.chars().all(|c| it.any(|l| l == c))
}

/// True when both lists name the same parties (each matched once, loosely).
pub fn same_parties(a: &[String], b: &[String]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    a.iter().all(|x| {
        let hit = b
            .iter()
            .enumerate()
            .find(|(i, y)| !used[*i] && same_party(x, y));
        match hit {
            Some((i, _)) => {
                used[i] = true;
                true
            }
            None => false,
        }
    })
}

fn formula_agree(s: Option<&FormulaOut>, a: Option<&FormulaOut>) -> bool {
    match (s, a) {
        (None, None) => true,
        (Some(s), Some(a)) => {
            let base = match (s.base, a.base) {
                (Some(x), Some(y)) => x == y,
                _ => true,
            };
            let start = match (s.start, a.start) {
                (Some(x), Some(y)) => x == y,
                _ => true,
            };
            base && start && s.rate == a.rate && s.until_paid == a.until_paid
        }
        _ => false,
    }
}

/// Per-field agreement; `comparable` is false when claims or orders are missing.
pub fn agree(s: &DecidedSide, a: &DecidedSide, comparable: bool) -> Agree {
    if !comparable {
        return Agree::default();
    }
    Agree {
        principal: Some(s.principal == a.principal),
        interest_sum: Some(s.interest_sum == a.interest_sum),
        interest_formula: Some(formula_agree(
            s.interest_formula.as_ref(),
            a.interest_formula.as_ref(),
        )),
        attorney_fee: Some(s.attorney_fee == a.attorney_fee),
        other_fees: Some(s.other_fees == a.other_fees),
        joint_liability_defendants: Some(same_parties(
            &s.joint_liability_defendants,
            &a.joint_liability_defendants,
        )),
        outcome: a.outcome.map(|ao| s.outcome == Some(ao)),
    }
}

/// Agreement over many records.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Input lines read.
    pub documents: usize,
    /// Lines that could not be read as a judgment.
    pub unreadable: usize,
    /// Judgments with an orders section.
    pub with_orders: usize,
    /// Judgments with a claims section.
    pub with_claims: usize,
    /// Judgments with both (the comparable ones).
    pub comparable: usize,
    /// Field → (agreeing, compared).
    pub fields: BTreeMap<String, (usize, usize)>,
    /// Actual class → suggested class → count (`none` where a side has no class).
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
    /// Actual class → (suggested the same, total).
    pub per_class: BTreeMap<String, (usize, usize)>,
    /// Per comparable judgment with a model confidence: (confidence, the class it would
    /// suggest agrees with the orders, it abstained).
    pub confidence_points: Vec<(f32, bool, bool)>,
}

impl Summary {
    /// Adds one record.
    pub fn add(&mut self, r: &Record, has_orders: bool, has_claims: bool) {
        self.documents += 1;
        self.with_orders += usize::from(has_orders);
        self.with_claims += usize::from(has_claims);
        let comparable = has_orders && has_claims;
        self.comparable += usize::from(comparable);
        for (name, v) in FIELDS.iter().zip(r.agree.values()) {
            let e = self.fields.entry((*name).to_owned()).or_default();
            if let Some(ok) = v {
                e.0 += usize::from(ok);
                e.1 += 1;
            }
        }
        if comparable {
            let a = r
                .actual
                .decided
                .outcome
                .map_or("none", OutcomeClass::as_str);
            let s = r
                .suggested
                .decided
                .outcome
                .map_or("none", OutcomeClass::as_str);
            if let (Some(c), Some(actual), Some(forced)) = (
                r.suggested.confidence,
                r.actual.decided.outcome,
                r.suggested.class_if_answered,
            ) {
                self.confidence_points
                    .push((c, forced == actual, r.suggested.abstained));
            }
            *self
                .confusion
                .entry(a.to_owned())
                .or_default()
                .entry(s.to_owned())
                .or_default() += 1;
            if a != "none" {
                let e = self.per_class.entry(a.to_owned()).or_default();
                e.0 += usize::from(a == s);
                e.1 += 1;
            }
        }
    }

    /// Counts an unreadable line.
    pub fn add_unreadable(&mut self) {
        self.documents += 1;
        self.unreadable += 1;
    }

    /// The summary as a markdown report.
    pub fn to_markdown(&self) -> String {
        let pct = |a: usize, n: usize| {
            if n == 0 {
                "–".to_owned()
            } else {
                format!("{:.1} %", a as f64 * 100.0 / n as f64)
            }
        };
        let mut s = format!(
            "documents: {} (unreadable {}), with orders: {}, with claims: {}, comparable (claims + orders): {}\n\n",
            self.documents, self.unreadable, self.with_orders, self.with_claims, self.comparable
        );
        s.push_str("| field | agree | compared | agreement |\n|---|---:|---:|---:|\n");
        for f in FIELDS {
            let (a, n) = self.fields.get(f).copied().unwrap_or_default();
            s.push_str(&format!("| {f} | {a} | {n} | {} |\n", pct(a, n)));
        }
        s.push_str("\n| actual \\ suggested | full | partial | rejected | none | class accuracy |\n|---|---:|---:|---:|---:|---:|\n");
        for a in ["full", "partial", "rejected", "none"] {
            let row = self.confusion.get(a);
            let get = |k: &str| row.and_then(|r| r.get(k)).copied().unwrap_or(0);
            let (ok, n) = self.per_class.get(a).copied().unwrap_or_default();
            s.push_str(&format!(
                "| {a} | {} | {} | {} | {} | {} |\n",
                get("full"),
                get("partial"),
                get("rejected"),
                get("none"),
                if a == "none" {
                    "–".to_owned()
                } else {
                    format!("{ok}/{n} ({})", pct(ok, n))
                }
            ));
        }
        s.push_str(&self.coverage_markdown());
        s
    }
}

impl Summary {
    /// Accuracy against coverage (the most confident share answered) and the calibration of
    /// the confidence, over the comparable judgments with a model confidence.
    fn coverage_markdown(&self) -> String {
        let pts = &self.confidence_points;
        if pts.is_empty() {
            return String::new();
        }
        let mut sorted: Vec<(f32, bool)> = pts.iter().map(|p| (p.0, p.1)).collect();
        sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
        let n = sorted.len();
        let abstained = pts.iter().filter(|p| p.2).count();
        let answered: Vec<&(f32, bool, bool)> = pts.iter().filter(|p| !p.2).collect();
        let ok = answered.iter().filter(|p| p.1).count();
        let mut s = format!(
            "\nOutcome class with the model's confidence ({n} comparable judgments): abstained on {abstained} ({:.1} %); where it answered, {ok}/{} agree ({:.1} %).\n\n| coverage (most confident share) | answered | agree | accuracy |\n|---:|---:|---:|---:|\n",
            abstained as f64 * 100.0 / n as f64,
            answered.len(),
            ok as f64 * 100.0 / answered.len().max(1) as f64
        );
        for share in [0.5, 0.6, 0.7, 0.8, 0.9, 1.0] {
            let k = ((n as f64) * share).round().max(1.0) as usize;
            let good = sorted.iter().take(k).filter(|p| p.1).count();
            s.push_str(&format!(
                "| {:.0} % | {k} | {good} | {:.1} % |\n",
                share * 100.0,
                good as f64 * 100.0 / k as f64
            ));
        }
        let conf: Vec<f32> = pts.iter().map(|p| p.0).collect();
        let hit: Vec<f32> = pts.iter().map(|p| f32::from(u8::from(p.1))).collect();
        let (bins, ece) = crate::ml::outcome::calibration(&conf, &hit, 10);
        s.push_str(&format!(
            "\nCalibration of the confidence (expected calibration error {ece:.3}):\n\n| confidence bin | judgments | mean confidence | observed agreement |\n|---|---:|---:|---:|\n"
        ));
        for (i, (c, mp, my)) in bins.iter().enumerate() {
            if *c > 0 {
                s.push_str(&format!(
                    "| {:.1}–{:.1} | {c} | {mp:.2} | {my:.2} |\n",
                    i as f32 / 10.0,
                    (i + 1) as f32 / 10.0
                ));
            }
        }
        s
    }
}
