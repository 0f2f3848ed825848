//! A judge's edit of one fact, and the rules and draft stages run again on the edited facts.
//!
//! Pure: stored JSON and the edit in, the new report, outcome and draft out (the caller runs it
//! in `spawn_blocking` and stores the result). The stored findings are the extraction's plus
//! the pre-check's on the stored facts; the pre-check is deterministic, so the extraction's are
//! the stored ones minus a fresh pre-check of the stored facts. An extraction finding about the
//! edited field is dropped (the judge has read the figure), the pre-check runs on the edited
//! facts, the rules suggest a new outcome, and the model's dispute points are carried over (the
//! models read the complaint's text, which an edit does not change).

use chrono::NaiveDate;
use fincase_core::domain::{CaseFacts, Finding, Provenance, Rate, Yuan};
use fincase_core::draft::{Draft, DraftOptions};
use fincase_core::extract::Extraction;
use fincase_core::rules::{Disposition, DocumentKind, Outcome, RulesConfig};
use fincase_pipeline::ExtractReport;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::str::FromStr;

/// What kind of value a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FieldKind {
    /// An amount in yuan (`12345.67`, grouping commas allowed).
    Money,
    /// A yearly rate, typed as a percentage (`24` for 24 %).
    Rate,
    /// A date (`2024-03-01`).
    Date,
}

/// The facts a judge may correct on the case screen: (path, label, kind).
pub(super) const EDITABLE: &[(&str, &str, FieldKind)] = &[
    ("claims.principal", "借款本金（元）", FieldKind::Money),
    ("claims.interest", "利息（元）", FieldKind::Money),
    ("claims.attorney_fee", "律师费（元）", FieldKind::Money),
    ("claims.other_fees", "其他费用（元）", FieldKind::Money),
    ("loan_amount", "借款金额（元）", FieldKind::Money),
    ("annual_interest_rate", "年利率（%）", FieldKind::Rate),
    ("penalty_rate", "罚息年利率（%）", FieldKind::Rate),
    ("contract_date", "合同签订日", FieldKind::Date),
    ("maturity_date", "借款到期日", FieldKind::Date),
    ("default_date", "逾期日", FieldKind::Date),
    ("claims.interest_cutoff_date", "利息计至", FieldKind::Date),
    ("filing_date", "起诉日期", FieldKind::Date),
];

/// The kind of an editable field (`None`: not editable).
pub(super) fn field_kind(path: &str) -> Option<FieldKind> {
    EDITABLE.iter().find(|(p, _, _)| *p == path).map(|x| x.2)
}

/// Why an edit was not applied (shown to the judge as is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum EditError {
    /// The field may not be edited here.
    #[error("字段“{0}”不能在此修改")]
    NotEditable(String),
    /// The value does not parse.
    #[error("“{value}”不是有效的{what}")]
    BadValue {
        /// What was typed.
        value: String,
        /// What was expected, in words.
        what: &'static str,
    },
    /// The stored result cannot be read (a filing without facts).
    #[error("此案件没有可修改的事实记录")]
    NoFacts,
    /// With the edit, the rules give no court document: nothing is stored.
    #[error("修改后规则无法出具文书，未保存：{0}")]
    NoDraft(String),
    /// The draft template failed.
    #[error("文书生成失败：{0}")]
    Draft(String),
}

/// The report as the store keeps it (the facts' fields at top level).
#[derive(Debug, Deserialize)]
pub(super) struct StoredReport {
    #[serde(flatten)]
    pub facts: CaseFacts,
    #[serde(default)]
    pub provenance: Provenance,
    #[serde(default)]
    pub findings: Vec<Finding>,
}

/// The result of an edit.
#[derive(Debug, Clone)]
pub(super) struct Recomputed {
    /// The new report (facts, flags, provenance, findings).
    pub report: ExtractReport,
    /// The new outcome.
    pub outcome: Outcome,
    /// The new draft.
    pub draft: Draft,
    /// The field's value before and after, as displayed (`None`: empty).
    pub before: Option<String>,
    /// After.
    pub after: Option<String>,
}

/// Parses an amount typed by a judge: digits with an optional decimal point, grouping commas
/// and a trailing 元 allowed; ≥ 0, at most 2 decimals, below 10¹² yuan.
pub(super) fn parse_money(s: &str) -> Option<Yuan> {
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
pub(super) fn parse_rate_percent(s: &str) -> Option<Rate> {
    let t = s.trim().trim_end_matches(['%', '％']).trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let p = Decimal::from_str(t).ok()?;
    (p <= Decimal::from(1000)).then(|| Rate::from_percent(p))
}

/// A field's value for display (the same text the edit form takes).
pub(super) fn display_value(facts: &CaseFacts, path: &str) -> Option<String> {
    let money = |y: Option<Yuan>| y.map(|y| y.to_string());
    let rate = |r: Option<Rate>| r.map(|r| r.percent().to_string());
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    match path {
        "claims.principal" => money(facts.claims.principal),
        "claims.interest" => money(facts.claims.interest),
        "claims.attorney_fee" => money(facts.claims.attorney_fee),
        "claims.other_fees" => money(facts.claims.other_fees),
        "loan_amount" => money(facts.loan_amount),
        "annual_interest_rate" => rate(facts.annual_interest_rate),
        "penalty_rate" => rate(facts.penalty_rate),
        "contract_date" => date(facts.contract_date),
        "maturity_date" => date(facts.maturity_date),
        "default_date" => date(facts.default_date),
        "claims.interest_cutoff_date" => date(facts.claims.interest_cutoff_date),
        "filing_date" => date(facts.filing_date),
        _ => None,
    }
}

/// Sets one editable field from the judge's text.
pub(super) fn apply_edit(facts: &mut CaseFacts, path: &str, value: &str) -> Result<(), EditError> {
    let kind = field_kind(path).ok_or_else(|| EditError::NotEditable(path.to_owned()))?;
    let bad = |what| EditError::BadValue {
        value: value.chars().take(40).collect(),
        what,
    };
    match kind {
        FieldKind::Money => {
            let y = Some(parse_money(value).ok_or_else(|| bad("金额（如 12345.67）"))?);
            match path {
                "claims.principal" => facts.claims.principal = y,
                "claims.interest" => facts.claims.interest = y,
                "claims.attorney_fee" => facts.claims.attorney_fee = y,
                "claims.other_fees" => facts.claims.other_fees = y,
                _ => facts.loan_amount = y,
            }
        }
        FieldKind::Rate => {
            let r = Some(parse_rate_percent(value).ok_or_else(|| bad("年利率百分数（如 24）"))?);
            match path {
                "annual_interest_rate" => facts.annual_interest_rate = r,
                _ => facts.penalty_rate = r,
            }
        }
        FieldKind::Date => {
            let d = Some(
                NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
                    .map_err(|_| bad("日期（如 2024-03-01）"))?,
            );
            match path {
                "contract_date" => facts.contract_date = d,
                "maturity_date" => facts.maturity_date = d,
                "default_date" => facts.default_date = d,
                "claims.interest_cutoff_date" => facts.claims.interest_cutoff_date = d,
                _ => facts.filing_date = d,
            }
        }
    }
    Ok(())
}

/// Applies the edit to the stored result and runs the rules and the draft again.
pub(super) fn recompute(
    facts_json: &str,
    outcome_json: Option<&str>,
    path: &str,
    value: &str,
    cfg: &RulesConfig,
) -> Result<Recomputed, EditError> {
    let stored: StoredReport = serde_json::from_str(facts_json).map_err(|_| EditError::NoFacts)?;
    let old_outcome: Option<Outcome> = outcome_json.and_then(|j| serde_json::from_str(j).ok());
    let before = display_value(&stored.facts, path);
    // The extraction's findings: the stored ones less the pre-check's on the stored facts.
    let mut extraction_findings = stored.findings;
    for f in fincase_core::rules::precheck(&stored.facts, cfg) {
        if let Some(i) = extraction_findings.iter().position(|x| *x == f) {
            extraction_findings.remove(i);
        }
    }
    extraction_findings.retain(|f| f.field.as_deref() != Some(path));
    let mut facts = stored.facts;
    apply_edit(&mut facts, path, value)?;
    let after = display_value(&facts, path);
    let precheck = fincase_core::rules::precheck(&facts, cfg);
    let report = ExtractReport::new(
        Extraction {
            facts,
            provenance: stored.provenance,
            findings: extraction_findings,
        },
        precheck,
    );
    let mut outcome = fincase_core::rules::suggest(&report.facts, &report.findings, cfg);
    if let Some(old) = old_outcome {
        for p in old.dispute_points {
            if p.source.starts_with("model:")
                && !outcome.dispute_points.iter().any(|q| q.title == p.title)
            {
                outcome.dispute_points.push(p);
            }
        }
    }
    if !matches!(
        outcome.disposition,
        Disposition::Full | Disposition::Partial
    ) || outcome.document == DocumentKind::None
    {
        return Err(EditError::NoDraft(outcome.reasons.join("；")));
    }
    let opts = DraftOptions {
        provenance: Some(report.provenance.clone()),
        ..Default::default()
    };
    let draft = fincase_core::draft::render_with(&report.facts, &report.findings, &outcome, &opts)
        .map_err(|e| EditError::Draft(e.to_string()))?;
    Ok(Recomputed {
        report,
        outcome,
        draft,
        before,
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn an_edit_changes_only_its_field_and_refuses_the_others() {
        let mut f = CaseFacts::default();
        apply_edit(&mut f, "claims.principal", "5000").unwrap();
        assert_eq!(f.claims.principal, Some(Yuan::from_fen(500_000)));
        apply_edit(&mut f, "default_date", "2023-02-28").unwrap();
        assert_eq!(
            display_value(&f, "default_date").as_deref(),
            Some("2023-02-28")
        );
        assert!(matches!(
            apply_edit(&mut f, "plaintiff.name", "x"),
            Err(EditError::NotEditable(_))
        ));
        assert!(matches!(
            apply_edit(&mut f, "default_date", "2023-02-30"),
            Err(EditError::BadValue { .. })
        ));
        assert_eq!(f.claims.principal, Some(Yuan::from_fen(500_000)));
    }
}
