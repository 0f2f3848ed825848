//! The rules boundary: `CaseFacts` → findings and `Outcome`. Worked examples computed by hand from
//! `../shared/domain/financial-cases.md` (each written as its arithmetic), property loops over
//! generated values, court overrides in TOML, and snapshots of a few whole outcomes.
//!
//! Every comparison goes through [`check`], so a change of the API touches the helpers only.

use chrono::NaiveDate;
use fincase::domain::{
    CaseFacts, CaseType, Collateral, Defendant, DefendantRole, DocumentText, EvidenceKind, Finding,
    FindingCode, Plaintiff, PlaintiffKind, Rate, Repayment, Severity, Yuan,
};
use fincase::extract::{extract, extract_with};
use fincase::rules::interest::{
    RULE_DAY_COUNT_CONTRACT, RULE_LEDGER, ceiling_periods, ledger_periods, lpr_plus_bp,
    simple_interest,
};
use fincase::rules::precheck::{guarantee_period_end, limitation_end};
use fincase::rules::{
    AwardItem, CaseEnding, Disposition, FeeBearer, FeeRounding, Outcome, Procedure, RulesConfig,
    court_fee, court_fee_with, enforcement_fee, enforcement_fee_with, precheck, preservation_fee,
    preservation_fee_with, suggest,
};
use rust_decimal::Decimal;
use std::fmt::Debug;
use std::str::FromStr;

// ---- helpers -------------------------------------------------------------------------------

/// The one comparison helper: `got` must equal `want` for the named example.
#[track_caller]
fn check<T: PartialEq + Debug>(example: &str, got: T, want: T) {
    assert_eq!(got, want, "worked example: {example}");
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Hand arithmetic → an amount, rounded half-up to the fen as every printed amount is.
fn fen(x: Decimal) -> Yuan {
    Yuan::new(x)
}

fn y(s: &str) -> Yuan {
    Yuan::from_str(s).unwrap()
}

fn r(s: &str) -> Rate {
    Rate::from_str(s).unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn fee(claim: &str) -> Yuan {
    court_fee(
        y(claim),
        Procedure::Ordinary,
        CaseEnding::Judgment,
        FeeRounding::Fen,
    )
    .payable
}

/// The rules' worked example (`rules::example::bank_loan`): a bank loan of 100,000 at 6 %, 罚息
/// 9 %, in default since 2024-01-01, interest to 2024-07-02 (183 days), filed 2024-08-01 at a
/// 浙江 court.
fn bank_case() -> CaseFacts {
    fincase::rules::example::bank_loan()
}

fn with_guarantor(mut f: CaseFacts) -> CaseFacts {
    f.defendants.push(Defendant {
        name: "李四".into(),
        role: DefendantRole::Guarantor,
    });
    f.claims.joint_liability = true;
    f
}

/// A private loan by a person, formed `formed`, 100,000 in default from 2020-06-30, interest to
/// 2020-12-31, filed 2021-03-01.
fn private_case(formed: &str) -> CaseFacts {
    let mut f = bank_case();
    f.case_type = Some(CaseType::PrivateLending);
    f.plaintiff = Some(Plaintiff {
        name: "王五".into(),
        kind: PlaintiffKind::Person,
    });
    f.contract_date = Some(d(formed));
    f.annual_interest_rate = Some(r("0.20"));
    f.penalty_rate = None;
    f.maturity_date = Some(d("2020-06-30"));
    f.default_date = Some(d("2020-06-30"));
    f.claims.interest = Some(y("12000"));
    f.claims.interest_cutoff_date = Some(d("2020-12-31"));
    f.filing_date = Some(d("2021-03-01"));
    f
}

fn run(f: &CaseFacts) -> (Vec<Finding>, Outcome) {
    run_with(f, &RulesConfig::default())
}

fn run_with(f: &CaseFacts, cfg: &RulesConfig) -> (Vec<Finding>, Outcome) {
    let findings = precheck(f, cfg);
    let outcome = suggest(f, &findings, cfg);
    (findings, outcome)
}

fn codes(f: &CaseFacts) -> Vec<FindingCode> {
    run(f).0.into_iter().map(|x| x.code).collect()
}

fn awarded(o: &Outcome, item: AwardItem) -> Yuan {
    o.award(item).map(|a| a.awarded).unwrap_or_default()
}

// ---- 1. worked examples ---------------------------------------------------------------------

/// 案件受理费 at every tier boundary (诉讼费用交纳办法第十三条(一)): 11 examples.
#[test]
fn acceptance_fee_at_every_tier_boundary() {
    let t1 = dec("50");
    let t2 = t1 + dec("90000") * dec("0.025"); // 2,300
    let t3 = t2 + dec("100000") * dec("0.02"); // 4,300
    let t4 = t3 + dec("300000") * dec("0.015"); // 8,800
    let t5 = t4 + dec("500000") * dec("0.01"); // 13,800
    let t6 = t5 + dec("1000000") * dec("0.009"); // 22,800
    let t7 = t6 + dec("3000000") * dec("0.008"); // 46,800
    let t8 = t7 + dec("5000000") * dec("0.007"); // 81,800
    let t9 = t8 + dec("10000000") * dec("0.006"); // 141,800
    check("fee 10,000", fee("10000"), fen(t1));
    check(
        "fee 10,000.01 = 50 + 0.01 × 2.5%",
        fee("10000.01"),
        fen(t1 + dec("0.01") * dec("0.025")),
    );
    check("fee 100,000", fee("100000"), fen(t2));
    check("fee 200,000", fee("200000"), fen(t3));
    check("fee 500,000", fee("500000"), fen(t4));
    check("fee 1,000,000", fee("1000000"), fen(t5));
    check("fee 2,000,000", fee("2000000"), fen(t6));
    check("fee 5,000,000", fee("5000000"), fen(t7));
    check("fee 10,000,000", fee("10000000"), fen(t8));
    check("fee 20,000,000", fee("20000000"), fen(t9));
    check(
        "fee 30,000,000",
        fee("30000000"),
        fen(t9 + dec("10000000") * dec("0.005")),
    );
    check("t9 is 141,800", t9, dec("141800"));
}

/// Halving (第十五条, 第十六条) once only (民诉法解释第二百零六条), and the ⅓ of a payment order
/// (第十四条(三)): 7 examples.
#[test]
fn halving_once_and_payment_order_third() {
    let half = |claim: &str, p: Procedure, e: CaseEnding| {
        court_fee(y(claim), p, e, FeeRounding::Fen).payable
    };
    let f250k = dec("4300") + dec("50000") * dec("0.015"); // 5,050
    check(
        "simplified 250,000",
        half("250000", Procedure::Simplified, CaseEnding::Judgment),
        fen(f250k / dec("2")),
    );
    let f30k = dec("50") + dec("20000") * dec("0.025"); // 550
    check(
        "small claims 30,000",
        half("30000", Procedure::SmallClaims, CaseEnding::Judgment),
        fen(f30k / dec("2")),
    );
    check(
        "simplified + mediation 100,000: halved once, 2,300 / 2, not / 4",
        half("100000", Procedure::Simplified, CaseEnding::Mediation),
        fen(dec("2300") / dec("2")),
    );
    check(
        "ordinary + withdrawal 500,000",
        half("500000", Procedure::Ordinary, CaseEnding::Withdrawal),
        fen(dec("8800") / dec("2")),
    );
    check(
        "payment order 100,000 = 2,300 / 3",
        half("100000", Procedure::PaymentOrder, CaseEnding::Judgment),
        fen(dec("2300") / dec("3")),
    );
    let f55555 = dec("50") + dec("45555") * dec("0.025"); // 1,188.875
    check(
        "payment order 55,555 = 1,188.875 / 3",
        half("55555", Procedure::PaymentOrder, CaseEnding::Judgment),
        fen(f55555 / dec("3")),
    );
    check(
        "payment order 100,000 rounded to the yuan",
        court_fee(
            y("100000"),
            Procedure::PaymentOrder,
            CaseEnding::Judgment,
            FeeRounding::Yuan,
        )
        .payable,
        y("767"),
    );
}

/// 保全费 (第十四条(二)): 30 to 1,000; 1 % to 100,000; 0.5 % above; at most 5,000: 7 examples.
#[test]
fn preservation_fee_with_its_cap() {
    let p = |a: &str| preservation_fee(y(a), FeeRounding::Fen).payable;
    let at_100k = dec("30") + dec("99000") * dec("0.01"); // 1,020
    check("preservation 800", p("800"), fen(dec("30")));
    check("preservation 1,000", p("1000"), fen(dec("30")));
    check(
        "preservation 50,000",
        p("50000"),
        fen(dec("30") + dec("49000") * dec("0.01")),
    );
    check("preservation 100,000", p("100000"), fen(at_100k));
    check(
        "preservation 200,000",
        p("200000"),
        fen(at_100k + dec("100000") * dec("0.005")),
    );
    check(
        "preservation 896,000 reaches the cap exactly",
        p("896000"),
        fen(at_100k + dec("796000") * dec("0.005")),
    );
    check(
        "preservation 2,000,000 = min(1,020 + 9,500, 5,000)",
        p("2000000"),
        fen((at_100k + dec("1900000") * dec("0.005")).min(dec("5000"))),
    );
    let capped = preservation_fee(y("2000000"), FeeRounding::Fen);
    assert!(
        capped
            .trail
            .iter()
            .any(|t| t.text.contains("最高额5,000.00"))
    );
    assert!(capped.trail.iter().all(|t| t.rule.contains("第十四条(二)")));
}

/// 执行申请费 (第十四条(一)): 6 examples.
#[test]
fn enforcement_fee_tiers() {
    let e = |a: &str| enforcement_fee(y(a), FeeRounding::Fen).payable;
    let at_500k = dec("50") + dec("490000") * dec("0.015"); // 7,400
    let at_5m = at_500k + dec("4500000") * dec("0.01"); // 52,400
    let at_10m = at_5m + dec("5000000") * dec("0.005"); // 77,400
    check("enforcement 10,000", e("10000"), fen(dec("50")));
    check(
        "enforcement 100,000",
        e("100000"),
        fen(dec("50") + dec("90000") * dec("0.015")),
    );
    check("enforcement 500,000", e("500000"), fen(at_500k));
    check("enforcement 5,000,000", e("5000000"), fen(at_5m));
    check("enforcement 10,000,000", e("10000000"), fen(at_10m));
    check(
        "enforcement 12,000,000",
        e("12000000"),
        fen(at_10m + dec("2000000") * dec("0.001")),
    );
}

/// Cap by regime at dates around 2020-08-20 (民间借贷规定第二十五条、第三十一条; 法发〔2017〕22号): 5
/// examples.
#[test]
fn cap_by_regime_around_2020_08_20() {
    let cap = |f: &CaseFacts| run(f).1.cap.map(|c| c.rate);
    check("bank: 24%", cap(&bank_case()), Some(r("0.24")));
    check(
        "private formed 2020-08-19: old 24%",
        cap(&private_case("2020-08-19")),
        Some(r("0.24")),
    );
    check(
        "private formed 2020-08-20: 4 × 3.85%",
        cap(&private_case("2020-08-20")),
        Some(Rate::yearly(dec("4") * dec("0.0385"))),
    );
    check(
        "private formed 2025-06-01: 4 × 3.00%",
        cap(&private_case("2025-06-01")),
        Some(Rate::yearly(dec("4") * dec("0.03"))),
    );
    let mut card = bank_case();
    card.case_type = Some(CaseType::CreditCard);
    check(
        "credit card: 24% by court practice",
        cap(&card),
        Some(r("0.24")),
    );
}

/// Private loan formed 2019-10-01: interest to 2020-08-19 at 24 %, from 2020-08-20 at 4 × the
/// LPR at filing (2021-03-01 → the 2021-02-20 quote 3.85 %) (第三十一条): 3 examples.
#[test]
fn private_lending_interest_split_at_2020_08_20() {
    let f = private_case("2019-10-01");
    let (_, o) = run(&f);
    // 2020-06-30 → 2020-08-19: 31 (July) + 19 = 50 days; 2020-08-19 → 2020-12-31: 12 + 30 + 31
    // + 30 + 31 = 134 days.
    let old = dec("100000") * dec("0.24") * dec("50") / dec("360"); // 3,333.33
    let new = dec("100000") * (dec("4") * dec("0.0385")) * dec("134") / dec("360"); // 5,732.22
    let ceiling = fen(old) + fen(new);
    check(
        "split ceiling awarded (claimed 12,000)",
        awarded(&o, AwardItem::Interest),
        ceiling,
    );
    let cap = o.cap.clone().unwrap();
    let periods = ceiling_periods(
        &f,
        &RulesConfig::default(),
        &cap,
        d("2020-06-30"),
        d("2020-12-31"),
    );
    check(
        "two periods of 50 and 134 days",
        periods.iter().map(|p| p.days).collect::<Vec<_>>(),
        vec![50, 134],
    );
    // Continuing interest after the cut-off is capped at the later ceiling, 15.4 %.
    check(
        "continuing interest capped at 4 × LPR at filing",
        o.continuing_interest.map(|c| (c.rate, c.capped)),
        Some((Rate::yearly(dec("0.154")), true)),
    );
}

/// Limitation (民法典第一百八十八条, 第一百九十五条): 4 examples.
#[test]
fn limitation_interrupted_vs_expired() {
    let cfg = RulesConfig::default();
    let mut f = bank_case();
    f.contract_date = Some(d("2019-01-10"));
    f.maturity_date = Some(d("2020-01-10"));
    f.default_date = Some(d("2020-01-10"));
    check(
        "ends 3 years after 2020-01-10",
        limitation_end(&f, &cfg),
        Some(d("2023-01-10")),
    );
    f.filing_date = Some(d("2023-01-10"));
    check(
        "filed on the last day: in time",
        codes(&f).contains(&FindingCode::LimitationExpired),
        false,
    );
    f.filing_date = Some(d("2023-01-11"));
    let (findings, o) = run(&f);
    check(
        "filed the day after: expired, reject",
        findings
            .iter()
            .find(|x| x.code == FindingCode::LimitationExpired)
            .map(|x| x.severity),
        Some(Severity::Reject),
    );
    check("expired: rejected", o.disposition, Disposition::Rejected);
    f.last_demand_date = Some(d("2022-05-01"));
    check(
        "a demand on 2022-05-01 restarts it to 2025-05-01",
        limitation_end(&f, &cfg),
        Some(d("2025-05-01")),
    );
}

/// Guarantee period (民法典第六百九十二条、第六百九十三条): 5 examples.
#[test]
fn guarantee_period_agreed_default_and_demand() {
    let cfg = RulesConfig::default();
    let mut f = with_guarantor(bank_case());
    f.maturity_date = Some(d("2023-01-10"));
    f.default_date = Some(d("2023-01-10"));
    f.claims.interest = None;
    check(
        "default 6 months: 2023-01-10 + 6 months",
        guarantee_period_end(&f, &cfg),
        Some(d("2023-07-10")),
    );
    f.filing_date = Some(d("2023-07-11"));
    let (_, o) = run(&f);
    check(
        "filed after the default period: guarantor released",
        o.guarantors[0].liable,
        false,
    );
    f.guarantee_period_months = Some(36);
    check(
        "agreed 36 months: 2026-01-10",
        guarantee_period_end(&f, &cfg),
        Some(d("2026-01-10")),
    );
    f.guarantee_period_months = None;
    f.guarantor_demand_date = Some(d("2023-06-01"));
    let (findings, o) = run(&f);
    check(
        "a demand on the guarantor within the period keeps him liable",
        (
            o.guarantors[0].liable,
            findings
                .iter()
                .any(|x| x.code == FindingCode::GuaranteePeriodExpired),
        ),
        (true, false),
    );
    f.guarantor_demand_date = Some(d("2023-08-01"));
    check(
        "a demand after the period does not",
        run(&f).1.guarantors[0].liable,
        false,
    );
}

/// LPR + basis points at a date between two fixings, and at a fixing date: 3 examples.
#[test]
fn lpr_plus_basis_points_between_fixings() {
    let cfg = RulesConfig::default();
    let at = |date: &str, bp| lpr_plus_bp(&cfg, d(date), bp).map(|(r, _)| r);
    check(
        "2019-09-19 uses the 2019-08-20 quote: 4.25% + 150bp",
        at("2019-09-19", 150),
        Some(Rate::yearly(dec("0.0425") + dec("0.0150"))),
    );
    check(
        "2019-09-20 uses its own quote: 4.20% + 150bp",
        at("2019-09-20", 150),
        Some(Rate::yearly(dec("0.0420") + dec("0.0150"))),
    );
    check(
        "before 2019-08-20 there is no LPR",
        at("2019-08-19", 150),
        None,
    );
}

/// Interest recomputed at 360 and 365, with 复利 on unpaid interest: 4 examples.
#[test]
fn interest_recompute_360_vs_365_and_compound() {
    let base = y("100000");
    check(
        "100,000 × 9% × 183/360",
        simple_interest(base, r("0.09"), 183, 360).0,
        fen(dec("100000") * dec("0.09") * dec("183") / dec("360")),
    );
    check(
        "100,000 × 9% × 183/365",
        simple_interest(base, r("0.09"), 183, 365).0,
        fen(dec("100000") * dec("0.09") * dec("183") / dec("365")),
    );
    let mut f = bank_case();
    f.unpaid_interest = Some(y("3000"));
    f.claims.interest = Some(y("4712.25"));
    let (_, o) = run(&f);
    let trail = &o.award(AwardItem::Interest).unwrap().trail;
    let compound = fen(dec("3000") * dec("0.09") * dec("183") / dec("360")); // 137.25
    check(
        "复利 3,000 × 9% × 183/360",
        trail
            .iter()
            .find(|t| t.text.starts_with("复利"))
            .and_then(|t| t.amount),
        Some(compound),
    );
    check(
        "recomputed total 4,575 + 137.25 supports the claim in full",
        (awarded(&o, AwardItem::Interest), o.disposition),
        (y("4575") + compound, Disposition::Full),
    );
}

fn repaid(date: &str, principal: &str, interest: &str) -> Repayment {
    Repayment {
        date: d(date),
        principal: y(principal),
        interest: y(interest),
    }
}

/// The bank case with a ledger: 20,000 principal repaid on 2024-03-01 (inside the default →
/// cut-off window), so 80,000 is outstanding at the cut-off.
fn ledger_case() -> CaseFacts {
    let mut f = bank_case();
    f.claims.principal = Some(y("80000"));
    f.repayments = vec![
        repaid("2023-06-01", "5000", "0"),
        repaid("2024-03-01", "20000", "0"),
    ];
    f.claims.interest = Some(y("3960"));
    f
}

/// Interest period by period on a repayment ledger (民法典第六百七十六条, 第五百六十一条): 8
/// examples. 2024-01-01 → 2024-03-01 is 60 days (31 + 29), 2024-03-01 → 2024-07-02 is 123.
#[test]
fn interest_period_by_period_on_the_repayment_ledger() {
    let f = ledger_case();
    let periods = ledger_periods(y("80000"), &f.repayments, d("2024-01-01"), d("2024-07-02"));
    check(
        "two periods: (01-01, 03-01] on 100,000 and (03-01, 07-02] on 80,000; the 2023 repayment is before the start",
        periods
            .iter()
            .map(|p| (p.days, p.principal))
            .collect::<Vec<_>>(),
        vec![(60, y("100000")), (123, y("80000"))],
    );
    let (_, o) = run(&f);
    let trail = &o.award(AwardItem::Interest).unwrap().trail;
    let seg = |k: &str| {
        trail
            .iter()
            .find(|t| t.text.starts_with(k) && t.rule == RULE_LEDGER)
            .and_then(|t| t.amount)
    };
    check(
        "第1段 100,000 × 9% × 60/360",
        seg("第1段"),
        Some(fen(dec("100000") * dec("0.09") * dec("60") / dec("360"))),
    );
    check(
        "第2段 80,000 × 9% × 123/360",
        seg("第2段"),
        Some(fen(dec("80000") * dec("0.09") * dec("123") / dec("360"))),
    );
    check(
        "ledger total 1,500 + 2,460",
        seg("按还款明细分段复算合计"),
        Some(y("3960")),
    );
    check(
        "claim equal to the recomputation is supported in full",
        (awarded(&o, AwardItem::Interest), o.disposition),
        (y("3960"), Disposition::Full),
    );
    // Interest repaid inside the window is set against interest first.
    let mut g = ledger_case();
    g.repayments.push(repaid("2024-04-01", "0", "500"));
    let (_, o) = run(&g);
    let trail = &o.award(AwardItem::Interest).unwrap().trail;
    check(
        "3,960 − 500 interest repaid",
        trail
            .iter()
            .find(|t| t.text.starts_with("期间已还利息"))
            .and_then(|t| t.amount),
        Some(y("3460")),
    );
    // The ceiling follows the same bases: 100,000 × 24% × 60/360 + 80,000 × 24% × 123/360.
    let mut h = ledger_case();
    h.claims.interest = Some(y("12000"));
    let (findings, o) = run(&h);
    let ceiling = fen(dec("100000") * dec("0.24") * dec("60") / dec("360"))
        + fen(dec("80000") * dec("0.24") * dec("123") / dec("360"));
    check(
        "capped at the ledger ceiling 4,000 + 6,560",
        awarded(&o, AwardItem::Interest),
        ceiling,
    );
    check(
        "the ledger does not change the pre-check (rates only)",
        findings.iter().map(|x| x.code).collect::<Vec<_>>(),
        precheck(&bank_case(), &RulesConfig::default())
            .iter()
            .map(|x| x.code)
            .collect::<Vec<_>>(),
    );
}

/// A ledger whose repayments all precede the default changes nothing (the generator's shape):
/// 2 examples.
#[test]
fn ledger_before_the_default_is_the_default_date_method() {
    let mut f = bank_case();
    f.repayments = vec![repaid("2023-06-01", "5000", "0")];
    let (with, o) = run(&f);
    let (without, base) = run(&bank_case());
    check(
        "same award as without a ledger: 100,000 × 9% × 183/360",
        awarded(&o, AwardItem::Interest),
        awarded(&base, AwardItem::Interest),
    );
    check(
        "same findings",
        with.iter().map(|x| x.code).collect::<Vec<_>>(),
        without.iter().map(|x| x.code).collect::<Vec<_>>(),
    );
}

/// Day count as the contract says, over the court's setting: 4 examples.
#[test]
fn day_count_from_the_contract_over_the_court() {
    let mut f = bank_case();
    f.day_count = Some(365);
    let (_, o) = run(&f);
    let a = o.award(AwardItem::Interest).unwrap();
    check(
        "the trail says which and why",
        a.trail
            .first()
            .map(|t| (t.text.contains("合同约定按每年365天计息"), t.rule.as_str())),
        Some((true, RULE_DAY_COUNT_CONTRACT)),
    );
    check(
        "recomputed 100,000 × 9% × 183/365",
        a.trail
            .iter()
            .find(|t| t.text.starts_with("按约定罚息利率复算"))
            .and_then(|t| t.amount),
        Some(fen(dec("100000") * dec("0.09") * dec("183") / dec("365"))),
    );
    // Ceiling 100,000 × 24% × 183/365 = 12,032.88; a claim of 12,100 is cut to it.
    f.claims.interest = Some(y("12100"));
    check(
        "ceiling at 365: 100,000 × 24% × 183/365",
        awarded(&run(&f).1, AwardItem::Interest),
        fen(dec("100000") * dec("0.24") * dec("183") / dec("365")),
    );
    // A court at 365 and a contract at 360: the contract wins.
    let cfg = RulesConfig::from_toml("day_count = 365").unwrap();
    let mut g = bank_case();
    g.day_count = Some(360);
    g.claims.interest = Some(y("12300"));
    check(
        "contract 360 over court 365: ceiling 100,000 × 24% × 183/360",
        awarded(&run_with(&g, &cfg).1, AwardItem::Interest),
        fen(dec("100000") * dec("0.24") * dec("183") / dec("360")),
    );
}

/// Court overrides of the 保全费 and 执行费 schedules: 5 examples.
#[test]
fn toml_preservation_and_enforcement_schedule_override() {
    let cfg = RulesConfig::from_toml(
        r#"
        profile = "测试法院"
        [preservation_schedule]
        flat = 20
        flat_up_to = 1000
        cap = 3000
        slices = [ { from = 1000, percent = "1" } ]
        [enforcement_schedule]
        flat = 40
        flat_up_to = 10000
        slices = [ { from = 10000, percent = "2" } ]
        "#,
    )
    .unwrap();
    let p =
        |a: &str| preservation_fee_with(&cfg.preservation_schedule, y(a), FeeRounding::Fen).payable;
    check("20 + 99,000 × 1%", p("100000"), fen(dec("20") + dec("990")));
    check("capped at the court's 3,000", p("1000000"), y("3000"));
    check(
        "enforcement 40 + 90,000 × 2%",
        enforcement_fee_with(&cfg.enforcement_schedule, y("100000"), FeeRounding::Fen).payable,
        fen(dec("40") + dec("1800")),
    );
    let mut f = bank_case();
    f.preservation_amount = Some(y("100000"));
    check(
        "suggest uses the court's preservation schedule",
        run_with(&f, &cfg)
            .1
            .preservation_fee
            .map(|p| p.schedule_fee),
        Some(y("1010")),
    );
    check(
        "defaults unchanged: 30 + 990",
        run(&f).1.preservation_fee.map(|p| p.schedule_fee),
        Some(y("1020")),
    );
    for bad in [
        "[preservation_schedule]\nflat = 30\nflat_up_to = 1000\ncap = -1\nslices = [ { from = 1000, percent = 1 } ]",
        "[enforcement_schedule]\nflat = 50\nflat_up_to = 10000\nslices = [ { from = 20000, percent = 1 } ]",
    ] {
        assert!(RulesConfig::from_toml(bad).is_err(), "{bad}");
    }
}

/// Cap cutting (24 % all-in) and the fee allocation in proportion (第二十九条): 5 examples.
#[test]
fn cap_cutting_and_fee_allocation_in_proportion() {
    let mut f = bank_case();
    f.penalty_rate = Some(r("0.36"));
    f.claims.interest = Some(y("20000"));
    let (findings, o) = run(&f);
    let ceiling = fen(dec("100000") * dec("0.24") * dec("183") / dec("360")); // 12,200
    check(
        "interest cut to 100,000 × 24% × 183/360",
        awarded(&o, AwardItem::Interest),
        ceiling,
    );
    check(
        "interest_over_cap is flagged",
        findings
            .iter()
            .any(|x| x.code == FindingCode::InterestOverCap),
        true,
    );
    // Fee on 120,000: 2,300 + 20,000 × 2% = 2,700, simplified (above 浙江 54,323) → 1,350.
    let payable = fen((dec("2300") + dec("20000") * dec("0.02")) / dec("2"));
    check("fee payable", o.court_fee.payable, payable);
    let to_def = fen(payable.as_decimal() * dec("112200") / dec("120000")); // 1,262.25
    let shares: Vec<(FeeBearer, Yuan)> = o
        .court_fee
        .allocation
        .iter()
        .map(|s| (s.bearer, s.amount))
        .collect();
    check(
        "allocation 1,350 × 112,200/120,000 and the rest",
        shares,
        vec![
            (FeeBearer::Defendants, to_def),
            (FeeBearer::Plaintiff, payable - to_def),
        ],
    );
    // Other fees share what room the interest leaves: 12,200 − 10,000 = 2,200.
    let mut g = bank_case();
    g.claims.interest = Some(y("10000"));
    g.claims.other_fees = Some(y("5000"));
    check(
        "other fees get the remaining room",
        awarded(&run(&g).1, AwardItem::OtherFees),
        ceiling - y("10000"),
    );
}

/// Mortgage priority (民法典第三百九十四条、第四百一十条、第四百二十条): 2 examples.
#[test]
fn mortgage_priority_within_the_ceiling() {
    let mut f = bank_case();
    f.collateral = Some(Collateral {
        description: "被告张三名下位于杭州市西湖区某路1号的房产".into(),
        owner: Some("张三".into()),
        certificate_number: Some("浙(2023)杭州市不动产权第0000001号".into()),
        max_amount: None,
    });
    let (_, o) = run(&f);
    let p = o.collateral_priority.clone().unwrap();
    check(
        "secured = the awarded 100,000 + 4,575",
        p.secured,
        y("104575"),
    );
    assert!(p.text.contains("优先受偿权") && p.text.contains("不动产权第0000001号"));
    assert!(p.trail.iter().any(|t| t.rule.contains("第三百九十四条")));
    f.collateral.as_mut().unwrap().max_amount = Some(y("80000"));
    let p = run(&f).1.collateral_priority.unwrap();
    check(
        "最高额抵押: min(104,575, 80,000)",
        p.secured,
        y("104575").min(y("80000")),
    );
    assert!(p.trail.iter().any(|t| t.rule.contains("第四百二十条")));
}

/// missing_evidence and jurisdiction_doubt: 5 examples.
#[test]
fn missing_evidence_and_jurisdiction_doubt() {
    let sev = |f: &CaseFacts, c: FindingCode| {
        run(f)
            .0
            .into_iter()
            .find(|x| x.code == c)
            .map(|x| x.severity)
    };
    let mut f = bank_case();
    f.evidence = Some(vec![EvidenceKind::Contract, EvidenceKind::LoanRecord]);
    check(
        "contract and loan record: no finding",
        sev(&f, FindingCode::MissingEvidence),
        None,
    );
    f.evidence = Some(vec![EvidenceKind::Contract]);
    check(
        "no loan record: review",
        sev(&f, FindingCode::MissingEvidence),
        Some(Severity::Review),
    );
    f.evidence = Some(vec![]);
    check(
        "complaint alone: reject",
        sev(&f, FindingCode::MissingEvidence),
        Some(Severity::Reject),
    );
    let mut j = bank_case();
    j.defendant_domiciles = vec!["宁波市海曙区某路2号".into()];
    j.plaintiff_domicile = Some("浙江省宁波市江北区某路3号".into());
    check(
        "杭州 court, parties in 宁波, no clause: doubt",
        sev(&j, FindingCode::JurisdictionDoubt),
        Some(Severity::Review),
    );
    j.jurisdiction_clause = true;
    check(
        "with a choice-of-court clause: none",
        sev(&j, FindingCode::JurisdictionDoubt),
        None,
    );
}

// ---- 2. properties -----------------------------------------------------------------------------

/// A deterministic stream of values (xorshift), so the loops cover many inputs without a crate.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn fen(&mut self, max_yuan: u64) -> Yuan {
        Yuan::from_fen(i64::try_from(self.below(max_yuan * 100)).unwrap())
    }
}

#[test]
fn property_fees_are_monotone_in_the_amount() {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let mut amounts: Vec<Yuan> = (0..3_000).map(|_| g.fen(60_000_000)).collect();
    amounts.extend(["10000", "100000", "896000", "5000000"].map(y));
    amounts.sort();
    let mut last = (Yuan::ZERO, Yuan::ZERO, Yuan::ZERO, Yuan::ZERO);
    for a in amounts {
        let now = (
            fee(&a.to_string()),
            preservation_fee(a, FeeRounding::Fen).payable,
            enforcement_fee(a, FeeRounding::Fen).payable,
            court_fee(
                a,
                Procedure::PaymentOrder,
                CaseEnding::Judgment,
                FeeRounding::Yuan,
            )
            .payable,
        );
        assert!(
            now.0 >= last.0 && now.1 >= last.1 && now.2 >= last.2 && now.3 >= last.3,
            "a fee fell at {a}"
        );
        assert!(now.1 <= y("5000"), "preservation above its cap at {a}");
        last = now;
    }
}

fn random_case(g: &mut Gen) -> CaseFacts {
    let mut f = if g.below(3) == 0 {
        private_case(["2019-10-01", "2020-08-20", "2023-03-01"][g.below(3) as usize])
    } else {
        bank_case()
    };
    if g.below(4) == 0 {
        f = with_guarantor(f);
    }
    let principal = g.fen(3_000_000);
    f.claims.principal = Some(principal);
    f.loan_amount = Some(if g.below(5) == 0 {
        g.fen(3_000_000)
    } else {
        principal
    });
    f.claims.interest = Some(g.fen(400_000));
    f.claims.other_fees = (g.below(2) == 0).then(|| g.fen(20_000));
    f.claims.attorney_fee = (g.below(2) == 0).then(|| g.fen(10_000));
    f.penalty_rate = Some(Rate::yearly(Decimal::new(g.below(5_000) as i64, 4)));
    f.unpaid_interest = (g.below(3) == 0).then(|| g.fen(10_000));
    let start = f.default_date.unwrap();
    f.claims.interest_cutoff_date = Some(start + chrono::Days::new(g.below(1_500)));
    f
}

#[test]
fn property_awards_within_claims_and_cap_and_fee_shares_sum() {
    let cfg = RulesConfig::default();
    let mut g = Gen(0x2545_f491_4f6c_dd1d);
    for i in 0..2_000 {
        let f = random_case(&mut g);
        let (_, o) = run_with(&f, &cfg);
        for a in &o.awards {
            let claimed = a.claimed.unwrap_or_default();
            assert!(
                a.awarded <= claimed,
                "case {i}: {:?} awarded > claimed",
                a.item
            );
            assert!(a.awarded >= Yuan::ZERO, "case {i}: negative award");
        }
        if let (Some(cap), Some(start), Some(end)) = (
            o.cap.as_ref(),
            f.default_date,
            f.claims.interest_cutoff_date,
        ) {
            let base = awarded(&o, AwardItem::Principal);
            let ceiling: Yuan = ceiling_periods(&f, &cfg, cap, start, end)
                .iter()
                .map(|p| simple_interest(base, p.rate, p.days, cfg.day_count).0)
                .sum();
            let cost = awarded(&o, AwardItem::Interest) + awarded(&o, AwardItem::OtherFees);
            assert!(
                cost <= ceiling,
                "case {i}: interest + fees {cost} above {ceiling}"
            );
        }
        if !o.court_fee.allocation.is_empty() {
            let sum: Yuan = o.court_fee.allocation.iter().map(|s| s.amount).sum();
            assert_eq!(
                sum, o.court_fee.payable,
                "case {i}: shares must sum to the fee"
            );
        }
        assert!(o.total_awarded() <= o.total_claimed(), "case {i}");
    }
}

// ---- 3. court overrides --------------------------------------------------------------------------

/// A court's `[[lpr]]` row reaches extraction too: a contract rate written as "LPR加50个基点"
/// reads the court's quote at the contract date, as the cap does.
#[test]
fn toml_lpr_override_reaches_extraction() {
    let cfg = RulesConfig::from_toml("[[lpr]]\ndate = 2025-06-01\none_year = 5\nfive_year = 6\n")
        .unwrap();
    let complaint = "民事起诉状\n原告：澄泰银行股份有限公司青川分行\n被告：张三\n案由：金融借款合同纠纷\n诉讼请求：\n一、判令被告偿还借款本金80,000.00元。\n事实与理由：\n2025年6月2日，原告与被告签订《个人借款合同》（合同编号：HT-2025-001），约定借款金额100,000元，年利率按一年期LPR加50个基点执行。被告自2025年9月1日起逾期。\n此致\n青川市东湖区人民法院\n具状人：澄泰银行股份有限公司青川分行\n2025年10月10日";
    let doc = DocumentText::from_pages(&[complaint]);
    let shipped = extract("lpr", &doc).facts;
    let court = extract_with("lpr", &doc, &cfg.lpr).facts;
    check(
        "contract date read",
        court.contract_date,
        Some(d("2025-06-02")),
    );
    check(
        "shipped table: 3.00 % (2025-05-20) + 50 bp",
        shipped.annual_interest_rate,
        Some(r("0.035")),
    );
    check(
        "court table: 5 % (its 2025-06-01 row) + 50 bp",
        court.annual_interest_rate,
        Some(r("0.055")),
    );
}

#[test]
fn toml_lpr_rows_and_fee_schedule_override() {
    let cfg = RulesConfig::from_toml(
        r#"
        profile = "测试法院"
        [[lpr]]
        date = 2030-01-20
        one_year = "2.50"
        five_year = "3.00"
        [[lpr]]
        date = "2025-06-01"
        one_year = 5
        five_year = 6
        [fee_schedule]
        flat = 40
        flat_up_to = 5000
        slices = [ { from = 5000, to = 100000, percent = "3" },
                   { from = 100000, percent = "1" } ]
        "#,
    )
    .unwrap();
    check(
        "added LPR row in force from its date",
        cfg.lpr_1y_at(d("2030-02-01")),
        Some(r("0.025")),
    );
    check(
        "an override of an existing date replaces it",
        cfg.lpr_1y_at(d("2025-06-01")),
        Some(r("0.05")),
    );
    let mut p = private_case("2025-06-02");
    p.filing_date = Some(d("2025-09-01"));
    check(
        "private lending cap follows the overridden LPR: 4 × 5%",
        run_with(&p, &cfg).1.cap.map(|c| c.rate),
        Some(r("0.20")),
    );
    let f = court_fee_with(
        &cfg.fee_schedule,
        y("150000"),
        Procedure::Ordinary,
        CaseEnding::Judgment,
        FeeRounding::Fen,
    );
    check(
        "court schedule: 40 + 95,000 × 3% + 50,000 × 1%",
        f.payable,
        fen(dec("40") + dec("95000") * dec("0.03") + dec("50000") * dec("0.01")),
    );
    assert!(f.trail.iter().all(|t| t.rule.contains("测试法院")));
    // suggest uses the court's schedule.
    let o = run_with(&bank_case(), &cfg).1;
    check(
        "suggest uses it: 104,575 halved",
        o.court_fee.schedule_fee,
        fen(dec("40") + dec("95000") * dec("0.03") + dec("4575") * dec("0.01")),
    );
    // Malformed overrides are typed errors.
    for bad in [
        "[fee_schedule]\nflat = 50\nflat_up_to = 10000\nslices = [ { from = 20000, percent = 1 } ]",
        "[fee_schedule]\nflat = 50\nflat_up_to = 10000\nslices = [ { from = 10000, percent = 1 }, { from = 20000, percent = 1 } ]",
        "[[lpr]]\ndate = \"2025-13-01\"\none_year = 3\nfive_year = 4",
        "[[lpr]]\ndate = 2025-01-01\none_year = -3\nfive_year = 4",
    ] {
        assert!(RulesConfig::from_toml(bad).is_err(), "{bad}");
    }
}

// ---- 4. snapshots --------------------------------------------------------------------------------

/// Snapshots an outcome as JSON with its `rules_version` redacted (insta's redaction feature is
/// not enabled, so the field is replaced by hand).
fn snapshot(name: &str, o: &Outcome) {
    let mut o = o.clone();
    o.rules_version = "[rules_version]".to_owned();
    insta::assert_json_snapshot!(name, o);
}

#[test]
fn snapshot_outcomes() {
    let mut partial = with_guarantor(bank_case());
    partial.penalty_rate = Some(r("0.36"));
    partial.claims.interest = Some(y("20000"));
    partial.claims.attorney_fee = Some(y("3000"));
    partial.collateral = Some(Collateral {
        description: "被告张三名下房产".into(),
        owner: Some("张三".into()),
        certificate_number: None,
        max_amount: Some(y("100000")),
    });
    partial.preservation_amount = Some(y("123000"));
    snapshot(
        "bank_partial_capped_with_guarantor_and_mortgage",
        &run(&partial).1,
    );
    snapshot(
        "private_lending_split_at_2020_08_20",
        &run(&private_case("2019-10-01")).1,
    );
    let mut po = bank_case();
    po.payment_order_requested = true;
    snapshot("payment_order_full", &run(&po).1);
}
