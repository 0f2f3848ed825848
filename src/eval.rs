//! `eval`: how well extraction agrees with gold answers, field by field.
//!
//! Used by the integration tests on generated fixtures and by data teams on their own gold files
//! (same schema). Pure: compares values, does no IO.

use crate::domain::{CaseFacts, FindingCode};
use std::collections::BTreeMap;

/// The gold-schema fields compared, in report order.
pub const FIELDS: [&str; 20] = [
    "case_type",
    "court",
    "plaintiff.name",
    "plaintiff.kind",
    "defendants",
    "contract_number",
    "contract_date",
    "loan_amount",
    "annual_interest_rate",
    "maturity_date",
    "default_date",
    "claims.principal",
    "claims.interest",
    "claims.interest_cutoff_date",
    "claims.attorney_fee",
    "claims.other_fees",
    "claims.joint_liability",
    "claims.stated_total",
    "filing_date",
    "image_only",
];

/// Whether each gold-schema field of `pred` equals `gold` exactly (names, roles and order of
/// defendants included).
pub fn field_agreement(pred: &CaseFacts, gold: &CaseFacts) -> BTreeMap<&'static str, bool> {
    let (p, g) = (pred, gold);
    let values = [
        p.case_type == g.case_type,
        p.court == g.court,
        p.plaintiff.as_ref().map(|x| &x.name) == g.plaintiff.as_ref().map(|x| &x.name),
        p.plaintiff.as_ref().map(|x| x.kind) == g.plaintiff.as_ref().map(|x| x.kind),
        p.defendants == g.defendants,
        p.contract_number == g.contract_number,
        p.contract_date == g.contract_date,
        p.loan_amount == g.loan_amount,
        p.annual_interest_rate == g.annual_interest_rate,
        p.maturity_date == g.maturity_date,
        p.default_date == g.default_date,
        p.claims.principal == g.claims.principal,
        p.claims.interest == g.claims.interest,
        p.claims.interest_cutoff_date == g.claims.interest_cutoff_date,
        p.claims.attorney_fee == g.claims.attorney_fee,
        p.claims.other_fees == g.claims.other_fees,
        p.claims.joint_liability == g.claims.joint_liability,
        p.claims.stated_total == g.claims.stated_total,
        p.filing_date == g.filing_date,
        p.image_only == g.image_only,
    ];
    FIELDS.into_iter().zip(values).collect()
}

/// Further [`CaseFacts`] fields compared by the extraction accuracy test (not in the gold
/// schema that data teams score, so not in [`FIELDS`] or [`Scoreboard`]).
pub const EXTRA_FIELDS: [&str; 4] = [
    "penalty_rate",
    "guarantee_period_months",
    "last_demand_date",
    "payment_order_requested",
];

/// Whether each of [`EXTRA_FIELDS`] of `pred` equals `gold` exactly.
pub fn extra_field_agreement(pred: &CaseFacts, gold: &CaseFacts) -> BTreeMap<&'static str, bool> {
    let (p, g) = (pred, gold);
    let values = [
        p.penalty_rate == g.penalty_rate,
        p.guarantee_period_months == g.guarantee_period_months,
        p.last_demand_date == g.last_demand_date,
        p.payment_order_requested == g.payment_order_requested,
    ];
    EXTRA_FIELDS.into_iter().zip(values).collect()
}

/// The value of `field` (one of [`FIELDS`] or [`EXTRA_FIELDS`]) in `facts`, in `{:?}` form, for
/// reporting a disagreement; `None` for any other name.
pub fn field_value(facts: &CaseFacts, field: &str) -> Option<String> {
    let f = facts;
    let c = &f.claims;
    Some(match field {
        "case_type" => format!("{:?}", f.case_type),
        "court" => format!("{:?}", f.court),
        "plaintiff.name" => format!("{:?}", f.plaintiff.as_ref().map(|x| &x.name)),
        "plaintiff.kind" => format!("{:?}", f.plaintiff.as_ref().map(|x| x.kind)),
        "defendants" => format!("{:?}", f.defendants),
        "contract_number" => format!("{:?}", f.contract_number),
        "contract_date" => format!("{:?}", f.contract_date),
        "loan_amount" => format!("{:?}", f.loan_amount),
        "annual_interest_rate" => format!("{:?}", f.annual_interest_rate),
        "maturity_date" => format!("{:?}", f.maturity_date),
        "default_date" => format!("{:?}", f.default_date),
        "claims.principal" => format!("{:?}", c.principal),
        "claims.interest" => format!("{:?}", c.interest),
        "claims.interest_cutoff_date" => format!("{:?}", c.interest_cutoff_date),
        "claims.attorney_fee" => format!("{:?}", c.attorney_fee),
        "claims.other_fees" => format!("{:?}", c.other_fees),
        "claims.joint_liability" => format!("{:?}", c.joint_liability),
        "claims.stated_total" => format!("{:?}", c.stated_total),
        "filing_date" => format!("{:?}", f.filing_date),
        "image_only" => format!("{:?}", f.image_only),
        "penalty_rate" => format!("{:?}", f.penalty_rate),
        "guarantee_period_months" => format!("{:?}", f.guarantee_period_months),
        "last_demand_date" => format!("{:?}", f.last_demand_date),
        "payment_order_requested" => format!("{:?}", f.payment_order_requested),
        _ => return None,
    })
}

/// Accumulates agreement over many filings.
#[derive(Debug, Default, Clone)]
pub struct Scoreboard {
    /// Filings scored.
    pub filings: usize,
    /// Per field: how many agreed.
    pub agreed: BTreeMap<&'static str, usize>,
    /// Filings whose flag set equals the expected one exactly.
    pub flags_exact: usize,
    /// Per flag: (true positives, false positives, false negatives).
    pub flag_counts: BTreeMap<FindingCode, (usize, usize, usize)>,
}

impl Scoreboard {
    /// Adds one filing's prediction (facts and flags) against its gold.
    pub fn add(
        &mut self,
        pred: &CaseFacts,
        pred_flags: &[FindingCode],
        gold: &CaseFacts,
        gold_flags: &[FindingCode],
    ) {
        self.filings += 1;
        for (field, ok) in field_agreement(pred, gold) {
            *self.agreed.entry(field).or_default() += usize::from(ok);
        }
        let mut a: Vec<FindingCode> = pred_flags.to_vec();
        let mut b: Vec<FindingCode> = gold_flags.to_vec();
        a.sort();
        a.dedup();
        b.sort();
        b.dedup();
        if a == b {
            self.flags_exact += 1;
        }
        for code in FindingCode::ALL {
            let (p, g) = (a.contains(&code), b.contains(&code));
            let e = self.flag_counts.entry(code).or_default();
            match (p, g) {
                (true, true) => e.0 += 1,
                (true, false) => e.1 += 1,
                (false, true) => e.2 += 1,
                (false, false) => {}
            }
        }
    }

    /// Share of filings on which `field` agreed (0 when nothing was scored).
    pub fn accuracy(&self, field: &str) -> f64 {
        if self.filings == 0 {
            return 0.0;
        }
        self.agreed.get(field).copied().unwrap_or(0) as f64 / self.filings as f64
    }

    /// A plain-text table of per-field accuracy and per-flag precision/recall.
    pub fn report(&self) -> String {
        let mut s = format!("{} filings\n", self.filings);
        for field in FIELDS {
            s.push_str(&format!(
                "  {field:<28} {:>6.1}%\n",
                100.0 * self.accuracy(field)
            ));
        }
        s.push_str(&format!(
            "  flags exactly right          {:>6.1}%\n",
            100.0 * self.flags_exact as f64 / self.filings.max(1) as f64
        ));
        for (code, (tp, fp, fne)) in &self.flag_counts {
            if tp + fp + fne > 0 {
                s.push_str(&format!(
                    "  flag {:<24} tp={tp} fp={fp} fn={fne}\n",
                    code.as_str()
                ));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Yuan;

    #[test]
    fn counts_agreement_and_flag_errors() {
        let gold = CaseFacts {
            court: Some("甲市乙区人民法院".into()),
            ..Default::default()
        };
        let mut pred = gold.clone();
        pred.claims.principal = Some(Yuan::from_fen(100));
        let mut board = Scoreboard::default();
        board.add(&pred, &[FindingCode::NeedsOcr], &gold, &[]);
        board.add(&gold, &[], &gold, &[]);
        assert_eq!(board.accuracy("court"), 1.0);
        assert_eq!(board.accuracy("claims.principal"), 0.5);
        assert_eq!(board.flags_exact, 1);
        assert_eq!(board.flag_counts[&FindingCode::NeedsOcr], (0, 1, 0));
    }

    #[test]
    fn every_compared_field_has_a_value() {
        let facts = CaseFacts::default();
        for field in FIELDS.into_iter().chain(EXTRA_FIELDS) {
            assert!(field_value(&facts, field).is_some(), "{field}");
        }
        assert_eq!(field_value(&facts, "no_such_field"), None);
        let mut pred = facts.clone();
        pred.guarantee_period_months = Some(24);
        let agree = extra_field_agreement(&pred, &facts);
        assert_eq!(agree.len(), EXTRA_FIELDS.len());
        assert!(!agree["guarantee_period_months"]);
        assert!(agree["penalty_rate"]);
        assert_eq!(
            field_value(&pred, "guarantee_period_months").as_deref(),
            Some("Some(24)")
        );
    }
}
