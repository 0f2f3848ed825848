//! The fact fields by name: the gold-schema field names of [`CaseFacts`] (the one list of
//! fields), their values in report form and whether each is stated.
//!
//! **Owns:** the mapping from a field name to the value it addresses. Extraction (the tagger's
//! field list), `eval` (agreement reports) and their callers read it from here, so the field
//! list lives below both. **Must not:** score, read files or depend on any pipeline stage.

use super::CaseFacts;
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
/// schema that data teams score, so not in [`FIELDS`] or `eval::Scoreboard`).
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

/// Whether `field` (one of [`FIELDS`] or [`EXTRA_FIELDS`]) is stated in `facts`: `Some` for an
/// optional value, a non-empty defendant list; `true` for a yes/no field (always stated, so its
/// precision and recall equal its accuracy). `None` for any other name.
pub fn field_present(facts: &CaseFacts, field: &str) -> Option<bool> {
    let f = facts;
    let c = &f.claims;
    Some(match field {
        "case_type" => f.case_type.is_some(),
        "court" => f.court.is_some(),
        "plaintiff.name" | "plaintiff.kind" => f.plaintiff.is_some(),
        "defendants" => !f.defendants.is_empty(),
        "contract_number" => f.contract_number.is_some(),
        "contract_date" => f.contract_date.is_some(),
        "loan_amount" => f.loan_amount.is_some(),
        "annual_interest_rate" => f.annual_interest_rate.is_some(),
        "maturity_date" => f.maturity_date.is_some(),
        "default_date" => f.default_date.is_some(),
        "claims.principal" => c.principal.is_some(),
        "claims.interest" => c.interest.is_some(),
        "claims.interest_cutoff_date" => c.interest_cutoff_date.is_some(),
        "claims.attorney_fee" => c.attorney_fee.is_some(),
        "claims.other_fees" => c.other_fees.is_some(),
        "claims.stated_total" => c.stated_total.is_some(),
        "filing_date" => f.filing_date.is_some(),
        "penalty_rate" => f.penalty_rate.is_some(),
        "guarantee_period_months" => f.guarantee_period_months.is_some(),
        "last_demand_date" => f.last_demand_date.is_some(),
        "claims.joint_liability" | "image_only" | "payment_order_requested" => true,
        _ => return None,
    })
}
