//! Worked examples for [`super::suggest`], computed by hand from the domain file. Every test goes
//! through `run` (facts → precheck → suggest) so the API can change in one place.

use super::*;
use crate::domain::{
    CaseFacts, CaseType, Defendant, DefendantRole, Finding, FindingCode, Plaintiff, PlaintiffKind,
    Rate, Yuan,
};
use chrono::NaiveDate;
use std::str::FromStr;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn y(s: &str) -> Yuan {
    Yuan::from_str(s).unwrap()
}

fn r(s: &str) -> Rate {
    Rate::from_str(s).unwrap()
}

/// The rules' worked example ([`super::example::bank_loan`]).
fn bank_case() -> CaseFacts {
    super::example::bank_loan()
}

fn run(facts: &CaseFacts) -> (Vec<Finding>, Outcome) {
    run_with(facts, &RulesConfig::default())
}

fn run_with(facts: &CaseFacts, cfg: &RulesConfig) -> (Vec<Finding>, Outcome) {
    let findings = precheck(facts, cfg);
    let outcome = suggest(facts, &findings, cfg);
    check_invariants(facts, &outcome);
    (findings, outcome)
}

/// What must hold for every outcome: trails everywhere, awarded ≤ claimed.
fn check_invariants(facts: &CaseFacts, o: &Outcome) {
    for a in &o.awards {
        assert!(!a.trail.is_empty(), "{:?} has no trail", a.item);
        assert!(a.trail.iter().all(|t| !t.rule.is_empty()));
        if let Some(c) = a.claimed {
            assert!(a.awarded <= c, "{:?} awarded above claim", a.item);
        }
        assert!(a.awarded >= Yuan::ZERO);
    }
    assert!(!o.court_fee.trail.is_empty());
    let allocated: Yuan = o.court_fee.allocation.iter().map(|s| s.amount).sum();
    if !o.court_fee.allocation.is_empty() {
        assert_eq!(allocated, o.court_fee.payable, "allocation must add up");
    }
    if o.awards.is_empty() && o.disposition == Disposition::NeedsReview {
        return;
    }
    assert_eq!(o.court_fee.basis, facts.claims.sum());
    assert!(o.rules_version.starts_with("fincase-rules/"));
}

#[test]
fn full_support_within_cap_simplified() {
    let (findings, o) = run(&bank_case());
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(o.disposition, Disposition::Full);
    assert_eq!(o.document, DocumentKind::Judgment);
    // 104,575 > 浙江 54,323 → simplified; fee 2,300 + 4,575 × 2% = 2,391.50, halved 1,195.75.
    assert_eq!(o.procedure, Procedure::Simplified);
    assert_eq!(o.court_fee.schedule_fee, y("2391.50"));
    assert_eq!(o.court_fee.payable, y("1195.75"));
    assert_eq!(o.court_fee.allocation.len(), 1);
    assert_eq!(o.court_fee.allocation[0].bearer, FeeBearer::Defendants);
    let interest = o.award(AwardItem::Interest).unwrap();
    assert_eq!(interest.awarded, y("4575"));
    let texts: Vec<&str> = interest.trail.iter().map(|t| t.text.as_str()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("100,000.00 × 9% × 183/360 = 4,575.00")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("100,000.00 × 24% × 183/360 = 12,200.00")),
        "{texts:?}"
    );
    let ci = o.continuing_interest.unwrap();
    assert_eq!(ci.from, d("2024-07-03"));
    assert_eq!(ci.rate, r("0.09"));
    assert!(!ci.capped);
    assert!(
        o.dispute_points
            .iter()
            .any(|p| p.title.contains("上限") && p.source == "rules")
    );
}

#[test]
fn over_cap_interest_is_cut_to_the_ceiling() {
    let mut f = bank_case();
    f.penalty_rate = Some(r("0.36"));
    f.claims.interest = Some(y("18300")); // 100,000 × 36% × 183/360
    f.claims.other_fees = Some(y("500"));
    f.claims.attorney_fee = Some(y("3000"));
    let (findings, o) = run(&f);
    assert_eq!(
        findings.iter().map(|x| x.code).collect::<Vec<_>>(),
        vec![FindingCode::InterestOverCap]
    );
    assert_eq!(o.disposition, Disposition::Partial);
    let interest = o.award(AwardItem::Interest).unwrap();
    assert_eq!(interest.awarded, y("12200"));
    assert!(
        interest
            .trail
            .iter()
            .any(|t| t.rule.contains("法发〔2017〕22号"))
    );
    // The ceiling is used up by interest: other fees get nothing.
    assert_eq!(o.award(AwardItem::OtherFees).unwrap().awarded, Yuan::ZERO);
    assert_eq!(o.award(AwardItem::AttorneyFee).unwrap().awarded, y("3000"));
    assert_eq!(o.award(AwardItem::Principal).unwrap().awarded, y("100000"));
    // Claimed 121,800: fee 2,300 + 21,800 × 2% = 2,736, halved 1,368.
    assert_eq!(o.court_fee.payable, y("1368"));
    // Supported 115,200 of 121,800: 1,368 × 115,200 / 121,800 = 1,293.87.
    let def = o
        .court_fee
        .allocation
        .iter()
        .find(|s| s.bearer == FeeBearer::Defendants)
        .unwrap();
    assert_eq!(def.amount, y("1293.87"));
    let pl = o
        .court_fee
        .allocation
        .iter()
        .find(|s| s.bearer == FeeBearer::Plaintiff)
        .unwrap();
    assert_eq!(pl.amount, y("74.13"));
    let ci = o.continuing_interest.unwrap();
    assert!(ci.capped);
    assert_eq!(ci.rate, r("0.24"));
    assert!(o.dispute_points.iter().any(|p| p.title.contains("律师费")));
}

#[test]
fn other_fees_share_the_remaining_room() {
    let mut f = bank_case();
    f.claims.other_fees = Some(y("9000"));
    let (_, o) = run(&f);
    // Ceiling 12,200 − interest 4,575 = 7,625 left for fees.
    assert_eq!(o.award(AwardItem::OtherFees).unwrap().awarded, y("7625"));
    assert_eq!(o.disposition, Disposition::Partial);
}

/// A claim above the contract's loan amount is a point for the judge, not a cut: it may sum
/// several loans (the CAIL2019 hand check found the cut wrong 6 times out of 6).
#[test]
fn principal_above_loan_amount_is_flagged_not_cut() {
    let mut f = bank_case();
    f.claims.principal = Some(y("120000"));
    let (_, o) = run(&f);
    let p = o.award(AwardItem::Principal).unwrap();
    assert_eq!(p.awarded, y("120000"));
    assert!(p.trail[0].rule.contains("第六百七十条"));
    assert!(p.trail[0].text.contains("需核对放款凭证"));
    assert!(o.dispute_points.iter().any(|d| d.title == "借款本金数额"));
    assert!(
        !o.adjustments()
            .iter()
            .any(|a| a.adjustment == crate::rules::Adjustment::PrincipalReduced)
    );
}

#[test]
fn small_claims_by_province_threshold() {
    let mut f = bank_case();
    f.loan_amount = Some(y("30000"));
    f.claims.principal = Some(y("30000"));
    f.claims.interest = Some(y("1000"));
    let (_, o) = run(&f);
    assert_eq!(o.procedure, Procedure::SmallClaims);
    // 31,000: 50 + 21,000 × 2.5% = 575, halved 287.50.
    assert_eq!(o.court_fee.payable, y("287.50"));
    assert!(o.reasons.iter().any(|s| s.contains("54,323.00")));
    // The same case in a province without a table row goes to simplified.
    let cfg = RulesConfig {
        province: "广东".into(),
        ..RulesConfig::default()
    };
    let (_, o) = run_with(&f, &cfg);
    assert_eq!(o.procedure, Procedure::Simplified);
}

#[test]
fn payment_order_when_requested_and_eligible() {
    let mut f = bank_case();
    f.payment_order_requested = true;
    f.claims.interest = None;
    let (_, o) = run(&f);
    assert_eq!(o.procedure, Procedure::PaymentOrder);
    assert_eq!(o.document, DocumentKind::PaymentOrder);
    assert_eq!(o.court_fee.kind, FeeKind::PaymentOrderApplication);
    assert_eq!(o.court_fee.payable, y("766.67"));
    assert_eq!(o.court_fee.allocation[0].bearer, FeeBearer::Defendants);
}

#[test]
fn payment_order_refused_with_a_guarantor() {
    let mut f = bank_case();
    f.payment_order_requested = true;
    f.claims.joint_liability = true;
    f.defendants.push(Defendant {
        name: "李四".into(),
        role: DefendantRole::Guarantor,
    });
    f.guarantee_period_months = Some(24);
    let (_, o) = run(&f);
    assert_eq!(o.document, DocumentKind::Judgment);
    assert_ne!(o.procedure, Procedure::PaymentOrder);
    assert!(
        o.reasons.iter().any(|s| s.contains("第四百三十四条")),
        "{:?}",
        o.reasons
    );
    assert!(o.guarantors[0].liable);
}

/// A court may not apply limitation of its own motion (民法典第一百九十三条): once a defence
/// has been read that does not invoke it, the same expired claim is not rejected.
#[test]
fn limitation_not_invoked_by_the_defence_is_not_applied() {
    let mut f = bank_case();
    f.filing_date = Some(d("2027-01-02"));
    f.claims.interest_cutoff_date = Some(d("2026-12-31"));
    f.limitation_raised = Some(false);
    let (findings, o) = run(&f);
    assert!(
        !findings
            .iter()
            .any(|x| x.code == FindingCode::LimitationExpired)
    );
    assert_ne!(o.disposition, Disposition::Rejected);
    f.limitation_raised = Some(true);
    let (_, o) = run(&f);
    assert_eq!(o.disposition, Disposition::Rejected);
    assert!(
        o.adjustments()
            .iter()
            .any(|a| a.adjustment == crate::rules::Adjustment::Limitation)
    );
}

/// An assignee of a non-performing bank loan that is not an AMC gets no interest after the
/// assignment date from an enterprise debtor (法发〔2009〕19号 第九条): interest is recomputed to
/// that date at the agreed rate, and nothing runs after it; an AMC plaintiff keeps it, and so
/// does the assignee of an individual's debt.
#[test]
fn npl_assignee_interest_stops_at_the_assignment_date() {
    let mut f = bank_case();
    f.case_type = Some(CaseType::NplAssignment);
    f.plaintiff = Some(Plaintiff {
        name: "某某投资有限公司".into(),
        kind: PlaintiffKind::Company,
    });
    f.npl_assignment_date = Some(d("2024-04-01"));
    // The borrower is a person: the contract interest stands.
    let (_, o) = run(&f);
    assert_eq!(o.award(AwardItem::Interest).unwrap().awarded, y("4575"));
    assert!(o.interest_refused_after.is_none());
    f.defendants[0].name = "某某机械厂".into();
    f.plaintiff = Some(Plaintiff {
        name: "某某投资有限公司".into(),
        kind: PlaintiffKind::Company,
    });
    f.npl_assignment_date = Some(d("2024-04-01"));
    let (_, o) = run(&f);
    let i = o.award(AwardItem::Interest).unwrap();
    // 100,000 × 9 % × 91/360 = 2,275.00 < the claimed 4,575.
    assert_eq!(i.awarded, y("2275"), "{:?}", i.trail);
    assert!(i.trail.iter().any(|t| t.rule.contains("法发〔2009〕19号")));
    assert!(o.continuing_interest.is_none());
    assert_eq!(
        o.interest_refused_after.as_ref().map(|r| r.after),
        Some(d("2024-04-01"))
    );
    assert_eq!(o.disposition, Disposition::Partial);
    assert!(
        o.adjustments()
            .iter()
            .any(|a| a.adjustment == crate::rules::Adjustment::InterestCapped
                && a.rule.contains("法发〔2009〕19号"))
    );
    f.plaintiff = Some(Plaintiff {
        name: "中国某某资产管理股份有限公司".into(),
        kind: PlaintiffKind::Amc,
    });
    let (_, o) = run(&f);
    assert_eq!(o.award(AwardItem::Interest).unwrap().awarded, y("4575"));
}

#[test]
fn limitation_expired_rejects() {
    let mut f = bank_case();
    f.filing_date = Some(d("2027-01-02"));
    f.claims.interest_cutoff_date = Some(d("2026-12-31"));
    let (findings, o) = run(&f);
    assert!(
        findings
            .iter()
            .any(|x| x.code == FindingCode::LimitationExpired)
    );
    assert_eq!(o.disposition, Disposition::Rejected);
    assert_eq!(o.document, DocumentKind::None);
    assert!(o.awards.iter().all(|a| a.awarded.is_zero()));
    assert!(
        o.dispute_points
            .iter()
            .any(|p| p.title == "诉讼时效是否届满")
    );
    assert_eq!(o.court_fee.allocation[0].bearer, FeeBearer::Plaintiff);
    assert!(o.continuing_interest.is_none());
}

#[test]
fn guarantee_period_expired_releases_the_guarantor_only() {
    let mut f = bank_case();
    f.claims.joint_liability = true;
    f.defendants.push(Defendant {
        name: "李四".into(),
        role: DefendantRole::Guarantor,
    });
    // No period agreed (read as six months): maturity 2024-01-01 + 6 months = 2024-07-01;
    // filed 2024-08-01.
    f.guarantee_period_months = Some(6);
    let (findings, o) = run(&f);
    assert!(
        findings
            .iter()
            .any(|x| x.code == FindingCode::GuaranteePeriodExpired)
    );
    assert_eq!(o.disposition, Disposition::Partial);
    assert!(!o.guarantors[0].liable);
    assert!(o.guarantors[0].reason.contains("2024-07-01"));
    assert_eq!(o.award(AwardItem::Principal).unwrap().awarded, y("100000"));
    // Agreed two-year period: liable, full support.
    f.guarantee_period_months = Some(24);
    let (_, o) = run(&f);
    assert!(o.guarantors[0].liable);
    assert_eq!(o.disposition, Disposition::Full);
    let fee_parties = &o.court_fee.allocation[0].parties;
    assert!(fee_parties.contains(&"李四".to_owned()));
}

#[test]
fn needs_review_on_scan_or_missing_principal() {
    let mut f = bank_case();
    f.image_only = true;
    let (_, o) = run(&f);
    assert_eq!(o.disposition, Disposition::NeedsReview);
    assert_eq!(o.document, DocumentKind::None);
    let mut g = bank_case();
    g.claims.principal = None;
    let (_, o) = run(&g);
    assert_eq!(o.disposition, Disposition::NeedsReview);
    assert!(o.court_fee.allocation.is_empty());
    // Everything absent: no panic, still an outcome.
    let (_, o) = run(&CaseFacts::default());
    assert_eq!(o.disposition, Disposition::NeedsReview);
}

#[test]
fn credit_card_without_numeric_cap_awards_as_claimed() {
    let mut f = bank_case();
    f.case_type = Some(CaseType::CreditCard);
    f.defendants[0].role = DefendantRole::Cardholder;
    f.penalty_rate = Some(r("0.30"));
    f.claims.interest = Some(y("15250"));
    let cfg = RulesConfig::from_toml("[caps]\ncredit_card = \"none\"").unwrap();
    let (findings, o) = run_with(&f, &cfg);
    assert!(findings.is_empty());
    assert_eq!(o.award(AwardItem::Interest).unwrap().awarded, y("15250"));
    assert!(o.cap.is_none());
    // Default config caps cards at 24 % too.
    let (_, o) = run(&f);
    assert_eq!(o.award(AwardItem::Interest).unwrap().awarded, y("12200"));
}

#[test]
fn private_lending_cap_at_formation() {
    let mut f = bank_case();
    f.case_type = Some(CaseType::PrivateLending);
    f.plaintiff = Some(Plaintiff {
        name: "王五".into(),
        kind: PlaintiffKind::Person,
    });
    f.contract_date = Some(d("2025-06-01"));
    f.penalty_rate = None;
    f.annual_interest_rate = Some(r("0.15"));
    f.claims.interest = Some(y("7625")); // 100,000 × 15% × 183/360
    let (findings, o) = run(&f);
    assert!(
        findings
            .iter()
            .any(|x| x.code == FindingCode::InterestOverCap)
    );
    // 100,000 × 12% × 183/360 = 6,100.
    assert_eq!(o.award(AwardItem::Interest).unwrap().awarded, y("6100"));
    assert_eq!(o.cap.as_ref().unwrap().rate, r("0.12"));
}

/// The worked example as a loan between persons formed in 2018 (the 24 % ceiling), with no
/// penalty rate.
fn loan_between_persons_2018() -> CaseFacts {
    let mut f = bank_case();
    f.case_type = Some(CaseType::PrivateLending);
    f.plaintiff = Some(Plaintiff {
        name: "王五".into(),
        kind: PlaintiffKind::Person,
    });
    f.contract_date = Some(d("2018-06-01"));
    f.penalty_rate = None;
    f
}

/// Claim by claim, from the claims alone: interest asked to run on at a rate above the
/// ceiling is cut to it (no dates needed); asked at the ceiling with 违约金 besides, the
/// 违约金 is what the all-in ceiling cuts; at a rate below it, nothing is cut.
#[test]
fn a_claimed_rate_above_the_ceiling_is_cut_without_dates() {
    let mut f = loan_between_persons_2018();
    f.maturity_date = None;
    f.default_date = None;
    f.filing_date = None;
    f.claims.interest = None;
    f.claims.interest_cutoff_date = None;
    f.claims.interest_until_paid = true;
    f.annual_interest_rate = Some(r("0.36")); // 月利率3%
    let (_, o) = run(&f);
    let cut = o.rate_cut.as_ref().expect("a rate above 24 % is cut");
    assert_eq!((cut.claimed, cut.cap), (r("0.36"), r("0.24")));
    assert!(!cut.on_other_charges);
    let adj: Vec<crate::rules::Adjustment> = o.adjustments().iter().map(|a| a.adjustment).collect();
    assert!(
        adj.contains(&crate::rules::Adjustment::InterestCapped),
        "{adj:?}"
    );
    assert!(
        o.reasons.iter().any(|r| r.contains("超过上限24%")),
        "{:?}",
        o.reasons
    );

    f.annual_interest_rate = Some(r("0.24")); // 月息2分
    f.claims.charges_besides_interest = true;
    let (_, o) = run(&f);
    let cut = o
        .rate_cut
        .as_ref()
        .expect("违约金 beside interest at the ceiling");
    assert!(cut.on_other_charges);
    assert!(cut.rule.contains("第二十九条"));
    assert!(
        o.adjustments()
            .iter()
            .any(|a| a.adjustment == crate::rules::Adjustment::PenaltyCut)
    );

    f.annual_interest_rate = Some(r("0.18")); // 月息1分5
    let (_, o) = run(&f);
    assert!(o.rate_cut.is_none());
    assert!(o.adjustments().is_empty(), "{:?}", o.adjustments());
}

/// A private loan whose interest agreement the defence denies (and the plaintiff does not
/// state): the interest claimed is a likely cut, with 第二十四条 cited and a dispute point;
/// a bank loan, or no denial, is not touched.
#[test]
fn interest_with_a_denied_agreement_is_a_pleading_cut() {
    let mut f = loan_between_persons_2018();
    f.annual_interest_rate = None;
    f.claims.interest_until_paid = true;
    f.interest_agreement_denied = true;
    let (_, o) = run(&f);
    let cut = o.pleading_cuts.first().expect("a pleading cut");
    assert_eq!(cut.adjustment, crate::rules::Adjustment::InterestCapped);
    assert!(cut.rule.contains("第二十四条"));
    assert!(o.dispute_points.iter().any(|p| p.title == "是否约定利息"));
    assert_ne!(o.disposition, Disposition::Full);
    f.interest_agreement_denied = false;
    assert!(run(&f).1.pleading_cuts.is_empty());
    let mut bank = bank_case();
    bank.interest_agreement_denied = true;
    assert!(run(&bank).1.pleading_cuts.is_empty());
}

#[test]
fn day_count_365_override() {
    let cfg = RulesConfig::from_toml("day_count = 365").unwrap();
    let mut f = bank_case();
    f.penalty_rate = Some(r("0.36"));
    f.claims.interest = Some(y("18300"));
    let (_, o) = run_with(&f, &cfg);
    // 100,000 × 24% × 183/365 = 12,032.88.
    assert_eq!(o.award(AwardItem::Interest).unwrap().awarded, y("12032.88"));
}

#[test]
fn awards_never_exceed_claims_or_ceiling_over_a_grid() {
    let rates = ["0.05", "0.12", "0.24", "0.3", "0.5"];
    let cutoffs = ["2024-01-01", "2024-02-15", "2024-07-02", "2025-03-31"];
    for rate in rates {
        for cutoff in cutoffs {
            for claimed in ["0", "1000", "12200", "50000"] {
                let mut f = bank_case();
                f.penalty_rate = Some(r(rate));
                f.claims.interest = Some(y(claimed));
                f.claims.other_fees = Some(y("800"));
                f.claims.interest_cutoff_date = Some(d(cutoff));
                let (_, o) = run(&f);
                let days = (d(cutoff) - d("2024-01-01")).num_days();
                let ceiling = interest::simple_interest(y("100000"), r("0.24"), days, 360).0;
                let cost = o.award(AwardItem::Interest).unwrap().awarded
                    + o.award(AwardItem::OtherFees).unwrap().awarded;
                assert!(
                    cost <= ceiling.max(Yuan::ZERO),
                    "rate {rate} cutoff {cutoff} claimed {claimed}"
                );
            }
        }
    }
}

#[test]
fn outcome_serialises() {
    let (_, o) = run(&bank_case());
    let json = serde_json::to_string(&o).unwrap();
    let back: Outcome = serde_json::from_str(&json).unwrap();
    assert_eq!(back, o);
    assert!(json.contains("\"disposition\":\"full\""));
}

#[test]
fn absurd_amounts_need_review_without_panicking() {
    let mut f = bank_case();
    f.claims.principal = Some(y("79000000000000000000000000000"));
    f.claims.interest = Some(y("79000000000000000000000000000"));
    let (_, o) = run(&f);
    assert_eq!(o.disposition, Disposition::NeedsReview);
    assert!(o.reasons[0].contains("claims.principal"));
    let mut g = bank_case();
    g.default_date = Some(NaiveDate::MIN);
    g.claims.interest_cutoff_date = Some(NaiveDate::MAX);
    g.penalty_rate = Some(r("100"));
    g.claims.interest = Some(y("100000000000000"));
    let (_, o) = run(&g);
    assert!(o.award(AwardItem::Interest).is_some());
}
