//! 预查: the rule findings about a filing, before any outcome is suggested. The definitions are
//! fixed (the fixture generator labels its gold with the same ones), so each check is one small
//! function whose doc states the exact condition.
//!
//! Findings from reading the document (`needs_ocr`, `amount_words_mismatch`) belong to `extract`,
//! not here: precheck only sees `CaseFacts`.

use super::config::RulesConfig;
use super::interest::{add_months, add_years, cap_for, pct};
use crate::domain::{
    CaseFacts, CaseType, EvidenceKind, FactField, Finding, FindingCode, Rate, Severity, Yuan,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Largest amount the rules compute with: 10^14 yuan. Anything above is a misread, and keeping
/// inputs below it keeps every decimal product far from overflow.
pub const MAX_AMOUNT_YUAN: i64 = 100_000_000_000_000;
/// Largest yearly rate the rules compute with: 100 (10,000 %/yr).
pub const MAX_RATE: i64 = 100;

/// The amounts or rates of `facts` that are beyond [`MAX_AMOUNT_YUAN`] / [`MAX_RATE`] (or
/// negative), as field paths; empty when the facts are computable.
pub fn out_of_range(facts: &CaseFacts) -> Vec<&'static str> {
    let max = Decimal::from(MAX_AMOUNT_YUAN);
    let bad_amount = |y: Option<Yuan>| y.is_some_and(|y| y.as_decimal() > max || y < Yuan::ZERO);
    let bad_rate = |r: Option<Rate>| {
        r.is_some_and(|r| r.fraction() > Decimal::from(MAX_RATE) || r.fraction().is_sign_negative())
    };
    let mut out = Vec::new();
    for field in [
        FactField::ClaimsPrincipal,
        FactField::ClaimsInterest,
        FactField::ClaimsAttorneyFee,
        FactField::ClaimsOtherFees,
        FactField::ClaimsStatedTotal,
        FactField::LoanAmount,
    ] {
        if bad_amount(field.money(facts)) {
            out.push(field.path());
        }
    }
    if bad_rate(facts.annual_interest_rate) {
        out.push(FactField::AnnualInterestRate.path());
    }
    if bad_rate(facts.penalty_rate) {
        out.push(FactField::PenaltyRate.path());
    }
    out
}

/// All rule findings for `facts`, in a fixed order: missing fields, claims total, interest cap,
/// limitation, guarantee period, credit-card guarantor, missing evidence, jurisdiction. Facts with an amount or rate out of
/// range ([`out_of_range`]) get one `missing_field` finding per such field and no arithmetic.
pub fn precheck(facts: &CaseFacts, cfg: &RulesConfig) -> Vec<Finding> {
    let bad = out_of_range(facts);
    if !bad.is_empty() {
        let mut out = missing_fields(facts);
        out.extend(bad.into_iter().map(|field| {
            Finding::new(
                FindingCode::MissingField,
                Severity::Review,
                Some(field),
                "数值超出合理范围（为负或过大），疑为识别错误，无法采信",
            )
        }));
        return out;
    }
    let mut out = missing_fields(facts);
    out.extend(claims_total_mismatch(facts));
    out.extend(interest_over_cap(facts, cfg));
    // Limitation and the guarantee period are reckoned from the dates: on dates that contradict
    // each other (a misread date), say so instead of flagging either.
    match dates_in_doubt(facts) {
        Some(why) => out.push(Finding::new(
            FindingCode::MissingField,
            Severity::Info,
            None,
            format!("{why}，日期可能识别有误，请核对；诉讼时效与保证期间暂不判断"),
        )),
        None => {
            out.extend(limitation_expired(facts, cfg));
            out.extend(guarantee_period_expired(facts, cfg));
        }
    }
    out.extend(credit_card_guarantor(facts));
    out.extend(missing_evidence(facts));
    out.extend(jurisdiction_doubt(facts));
    out
}

/// Dates of the filing that cannot all be right: a loan due, defaulted or sued on before the
/// contract was signed, or sued on before the default. `None` when every pair of read dates is
/// in order; otherwise the first contradiction, in words.
pub fn dates_in_doubt(facts: &CaseFacts) -> Option<String> {
    let pairs = [
        (
            facts.contract_date,
            facts.maturity_date,
            "合同签订日",
            "借款到期日",
        ),
        (
            facts.contract_date,
            facts.default_date,
            "合同签订日",
            "逾期日",
        ),
        (
            facts.contract_date,
            facts.filing_date,
            "合同签订日",
            "起诉日期",
        ),
        (facts.default_date, facts.filing_date, "逾期日", "起诉日期"),
    ];
    pairs
        .into_iter()
        .find_map(|(early, late, a, b)| match (early, late) {
            (Some(x), Some(y)) if y < x => Some(format!("{b}{y}早于{a}{x}")),
            _ => None,
        })
}

/// `missing_field` (Warning), one per absent fact the rules need: `claims.principal` and
/// `filing_date`.
pub fn missing_fields(facts: &CaseFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    if facts.claims.principal.is_none() {
        out.push(Finding::new(
            FindingCode::MissingField,
            Severity::Review,
            Some(FactField::ClaimsPrincipal.path()),
            "未能读取诉请本金，无法计算利息上限与诉讼费",
        ));
    }
    if facts.filing_date.is_none() {
        out.push(Finding::new(
            FindingCode::MissingField,
            Severity::Review,
            Some(FactField::FilingDate.path()),
            "未能读取起诉日期，无法判断诉讼时效与保证期间",
        ));
    }
    out
}

/// `claims_total_mismatch` (Warning): `claims.stated_total` is present and differs from
/// `claims.sum()` (principal + interest + attorney fee + other fees).
pub fn claims_total_mismatch(facts: &CaseFacts) -> Option<Finding> {
    let stated = facts.claims.stated_total?;
    let sum = facts.claims.sum();
    (stated != sum).then(|| {
        Finding::new(
            FindingCode::ClaimsTotalMismatch,
            Severity::Review,
            Some(FactField::ClaimsStatedTotal.path()),
            format!(
                "诉状所列合计{}元与各项诉请之和{}元不符（相差{}元），请原告核对",
                stated.grouped(),
                sum.grouped(),
                (stated.max(sum) - stated.min(sum)).grouped()
            ),
        )
    })
}

/// `interest_over_cap` (Warning): max(annual_interest_rate, penalty_rate) is strictly above the
/// case's ceiling ([`cap_for`]: 24 % for licensed lenders and, per court, credit cards; 4 × the
/// one-year LPR at contract formation for private lending, 24 % for contracts before 2020-08-20).
pub fn interest_over_cap(facts: &CaseFacts, cfg: &RulesConfig) -> Option<Finding> {
    let highest = [facts.annual_interest_rate, facts.penalty_rate]
        .into_iter()
        .flatten()
        .max()?;
    let cap = cap_for(facts, cfg)?;
    (highest > cap.rate).then(|| {
        let field = if Some(highest) == facts.penalty_rate
            && facts.penalty_rate != facts.annual_interest_rate
        {
            FactField::PenaltyRate.path()
        } else {
            FactField::AnnualInterestRate.path()
        };
        Finding::new(
            FindingCode::InterestOverCap,
            Severity::Review,
            Some(field),
            format!(
                "约定年利率{}超过上限{}（{}）；超出部分不予支持。{}",
                pct(highest),
                pct(cap.rate),
                cap.rule,
                cap.reason
            ),
        )
    })
}

/// The date limitation runs from: the latest of maturity, default and last-demand dates
/// (民法典第一百八十九条, 第一百九十五条 \[P\]); `None` when none is known.
pub fn limitation_start(facts: &CaseFacts) -> Option<NaiveDate> {
    [
        facts.maturity_date,
        facts.default_date,
        facts.last_demand_date,
    ]
    .into_iter()
    .flatten()
    .max()
}

/// The last day of the limitation period: [`limitation_start`] + 3 years (民法典第一百八十八条 \[P\]).
pub fn limitation_end(facts: &CaseFacts, cfg: &RulesConfig) -> Option<NaiveDate> {
    add_years(limitation_start(facts)?, cfg.limitation_years)
}

/// `limitation_expired` (Blocking for the debt): filing_date > (latest of maturity_date,
/// default_date, last_demand_date present) + 3 years (民法典第一百八十八条 \[P\]).
pub fn limitation_expired(facts: &CaseFacts, cfg: &RulesConfig) -> Option<Finding> {
    if facts.limitation_raised == Some(false) {
        // Not invoked by the defence: a court may not apply it of its own motion
        // (民法典第一百九十三条 [P]).
        return None;
    }
    let filed = facts.filing_date?;
    let start = limitation_start(facts)?;
    let end = limitation_end(facts, cfg)?;
    (filed > end).then(|| {
        Finding::new(
            FindingCode::LimitationExpired,
            Severity::Reject,
            Some(FactField::FilingDate.path()),
            format!(
                "诉讼时效自{start}起算{}年，至{end}届满；起诉日期{filed}已超过诉讼时效（民法典第一百八十八条）。如有催收、还款等中断事由，请原告补充证据",
                cfg.limitation_years
            ),
        )
    })
}

/// The guarantee period in months: the agreed one, or the default 6 when unset or zero
/// (民法典第六百九十二条第二款 \[P\]).
pub fn guarantee_period_months(facts: &CaseFacts, cfg: &RulesConfig) -> u32 {
    match facts.guarantee_period_months {
        Some(m) if m > 0 => m,
        _ => cfg.default_guarantee_period_months,
    }
}

/// The last day of the guarantee period: maturity_date + the period.
pub fn guarantee_period_end(facts: &CaseFacts, cfg: &RulesConfig) -> Option<NaiveDate> {
    add_months(facts.maturity_date?, guarantee_period_months(facts, cfg))
}

/// True when the facts show a demand on the guarantor (`guarantor_demand_date`) on or before the
/// last day of the guarantee period: the guarantor stays liable (民法典第六百九十三条第二款 \[P\]).
pub fn guarantor_demanded_in_time(facts: &CaseFacts, cfg: &RulesConfig) -> bool {
    match (
        facts.guarantor_demand_date,
        guarantee_period_end(facts, cfg),
    ) {
        (Some(demand), Some(end)) => demand <= end,
        _ => false,
    }
}

/// `guarantee_period_expired` (Review: the guarantor claims fail, not the case): a guarantor
/// defendant exists, filing_date > maturity_date + the guarantee period the filing states (the
/// agreed months, or six when it says none was agreed, 民法典第六百九十二条 \[P\]; the period is
/// not interrupted), and no demand on the guarantor within the period is shown
/// (`guarantor_demand_date`, 第六百九十三条第二款 \[P\]); without one the filing is the first
/// demand. A filing that states no period gets, where six months would have run out, a
/// `missing_field` finding that says what to check, never the flag: the contract may agree a
/// longer period.
pub fn guarantee_period_expired(facts: &CaseFacts, cfg: &RulesConfig) -> Option<Finding> {
    facts.guarantors().next()?;
    let filed = facts.filing_date?;
    let end = guarantee_period_end(facts, cfg)?;
    if guarantor_demanded_in_time(facts, cfg) {
        return None;
    }
    // A period the filing does not state is not known to be the statutory one: the contract
    // may agree a longer one. No flag on an assumption; the judge is told what to check.
    if facts.guarantee_period_months.is_none() {
        return (filed > end).then(|| {
            Finding::new(
                FindingCode::MissingField,
                Severity::Info,
                Some(FactField::GuaranteePeriodMonths.path()),
                format!(
                    "起诉材料未载明保证期间；如保证合同未约定，按法定六个月计算，保证期间已于{end}届满（民法典第六百九十二条），请核对保证合同"
                ),
            )
        });
    }
    (filed > end).then(|| {
        Finding::new(
            FindingCode::GuaranteePeriodExpired,
            Severity::Review,
            Some(FactField::GuaranteePeriodMonths.path()),
            format!(
                "保证期间为{}个月（约定期间，或未约定时的法定期间），自主债务履行期届满日{}起算至{end}止；起诉日期{filed}已超过保证期间，保证人不再承担保证责任（民法典第六百九十二条、第六百九十三条）",
                guarantee_period_months(facts, cfg),
                facts.maturity_date.map(|d| d.to_string()).unwrap_or_default()
            ),
        )
    })
}

/// `credit_card_guarantor` (Info): a 信用卡纠纷 names a guarantor, which card debt normally has
/// not; the guarantee document needs checking.
pub fn credit_card_guarantor(facts: &CaseFacts) -> Option<Finding> {
    if facts.case_type != Some(CaseType::CreditCard) {
        return None;
    }
    let g = facts.guarantors().next()?;
    Some(Finding::new(
        FindingCode::CreditCardGuarantor,
        Severity::Info,
        Some(FactField::Defendants.path()),
        format!(
            "信用卡纠纷列{}为保证人；信用卡债务通常无保证，请核查保证合同",
            g.name
        ),
    ))
}

/// `missing_evidence`: the filing's documents were examined (`facts.evidence` is `Some`) and it
/// contains no contract (借款合同 / 借条 / 领用合约) or no record of the loan or the transfer
/// (借据, 转账记录, 还款明细, 对账单): the plaintiff bears the burden of proving the loan
/// (民诉法第六十七条 \[M\]; 民间借贷规定第二条 \[M\]). Severity `reject` when neither is present
/// and every page has text (the bank must add the evidence and refile), `review` when one is
/// missing or a scanned page may hold it.
pub fn missing_evidence(facts: &CaseFacts) -> Option<Finding> {
    let ev = facts.evidence.as_ref()?;
    let contract = ev.contains(&EvidenceKind::Contract);
    let record = ev.contains(&EvidenceKind::LoanRecord);
    if contract && record {
        return None;
    }
    let mut missing = Vec::new();
    if !contract {
        missing.push("借款合同（借条、领用合约）");
    }
    if !record {
        missing.push("借据、转账凭证或还款明细等放款记录");
    }
    let severity = if !contract && !record && !facts.image_only {
        Severity::Reject
    } else {
        Severity::Review
    };
    let scan = if facts.image_only {
        "；材料含扫描页，所缺证据可能在扫描页中，需OCR后核对"
    } else {
        ""
    };
    Some(Finding::new(
        FindingCode::MissingEvidence,
        severity,
        Some(FactField::Evidence.path()),
        format!(
            "起诉材料中未见{}，原告应就借贷关系及款项交付提供证据，请补充后提交{scan}",
            missing.join("及")
        ),
    ))
}

/// The city of an address or a court name: the text up to and including the first `市`, after
/// any province (`浙江省`, `…自治区`). `None` when there is no `市` in the first 12 characters.
pub fn city_of(s: &str) -> Option<&str> {
    let s = s.trim();
    let s = s
        .find("自治区")
        .map(|i| &s[i + "自治区".len()..])
        .or_else(|| s.find('省').map(|i| &s[i + '省'.len_utf8()..]))
        .unwrap_or(s);
    let i = s.find('市')?;
    let city = &s[..i + '市'.len_utf8()];
    (city.chars().count() <= 12 && city.chars().count() >= 2).then_some(city)
}

/// `jurisdiction_doubt` (Review): the court addressed is in a city (`…市`) where none of the known
/// domiciles is (defendants' domicile, or the plaintiff's as the place of performance of a money
/// debt: 民诉法第二十四条, 民诉法解释第十八条第二款 \[P\]) and no choice-of-court clause was read
/// (第三十五条 \[P\]). For a payment order only the debtors' domicile counts (民诉法解释第二十三条
/// \[P\]). Silent when the court's city or every domicile is unknown.
///
/// `extract` must provide `court`, `plaintiff_domicile`, `defendant_domiciles` (住所 / 住址 of
/// the party lines) and `jurisdiction_clause` (a 管辖 clause in a contract).
pub fn jurisdiction_doubt(facts: &CaseFacts) -> Option<Finding> {
    if facts.jurisdiction_clause {
        return None;
    }
    let court = facts.court.as_deref()?;
    let court_city = city_of(court)?;
    let mut places: Vec<&str> = facts
        .defendant_domiciles
        .iter()
        .filter_map(|a| city_of(a))
        .collect();
    if !facts.payment_order_requested {
        places.extend(facts.plaintiff_domicile.as_deref().and_then(city_of));
    }
    if places.is_empty() || places.contains(&court_city) {
        return None;
    }
    places.sort_unstable();
    places.dedup();
    let basis = if facts.payment_order_requested {
        "支付令由债务人住所地基层法院管辖（民诉法解释第二十三条）"
    } else {
        "合同纠纷由被告住所地或合同履行地（接收货币一方所在地）法院管辖（民诉法第二十四条、民诉法解释第十八条第二款）"
    };
    Some(Finding::new(
        FindingCode::JurisdictionDoubt,
        Severity::Review,
        Some(FactField::Court.path()),
        format!(
            "受诉法院{court}位于{court_city}，当事人住所地在{}，未见协议管辖条款；{basis}，请核查管辖依据",
            places.join("、")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Defendant, DefendantRole, Plaintiff, PlaintiffKind};
    use std::str::FromStr;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn y(s: &str) -> Yuan {
        Yuan::from_str(s).unwrap()
    }

    fn base() -> CaseFacts {
        let mut f = CaseFacts {
            id: "t".into(),
            case_type: Some(CaseType::FinancialLoan),
            plaintiff: Some(Plaintiff {
                name: "某银行".into(),
                kind: PlaintiffKind::Bank,
            }),
            defendants: vec![Defendant {
                name: "张三".into(),
                role: DefendantRole::Borrower,
            }],
            contract_date: Some(d("2022-01-10")),
            loan_amount: Some(y("100000")),
            annual_interest_rate: Some(Rate::from_str("0.06").unwrap()),
            penalty_rate: Some(Rate::from_str("0.09").unwrap()),
            maturity_date: Some(d("2023-01-10")),
            default_date: Some(d("2023-01-11")),
            filing_date: Some(d("2024-03-01")),
            ..CaseFacts::default()
        };
        f.claims.principal = Some(y("100000"));
        f.claims.interest = Some(y("5000"));
        f
    }

    fn codes(f: &CaseFacts) -> Vec<FindingCode> {
        precheck(f, &RulesConfig::default())
            .into_iter()
            .map(|x| x.code)
            .collect()
    }

    #[test]
    fn clean_case_has_no_findings() {
        assert!(codes(&base()).is_empty());
    }

    #[test]
    fn claims_total_mismatch_positive_and_negative() {
        let mut f = base();
        f.claims.stated_total = Some(y("105000"));
        assert!(codes(&f).is_empty());
        f.claims.stated_total = Some(y("106000"));
        let found = precheck(&f, &RulesConfig::default());
        assert_eq!(found[0].code, FindingCode::ClaimsTotalMismatch);
        assert_eq!(found[0].severity, Severity::Review);
        assert!(found[0].message.contains("106,000.00") && found[0].message.contains("105,000.00"));
    }

    #[test]
    fn interest_over_cap_positive_and_negative() {
        let mut f = base();
        f.penalty_rate = Some(Rate::from_str("0.24").unwrap());
        assert!(codes(&f).is_empty(), "exactly at the cap is allowed");
        f.penalty_rate = Some(Rate::from_str("0.2401").unwrap());
        let found = precheck(&f, &RulesConfig::default());
        assert_eq!(found[0].code, FindingCode::InterestOverCap);
        assert_eq!(found[0].field.as_deref(), Some("penalty_rate"));
        // Private lending formed 2025-06-01: cap 12 %, so 13 % is over.
        let mut p = base();
        p.case_type = Some(CaseType::PrivateLending);
        p.plaintiff = Some(Plaintiff {
            name: "李四".into(),
            kind: PlaintiffKind::Person,
        });
        p.contract_date = Some(d("2025-06-01"));
        p.maturity_date = Some(d("2025-12-01"));
        p.default_date = Some(d("2025-12-02"));
        p.filing_date = Some(d("2026-03-01"));
        p.annual_interest_rate = Some(Rate::from_str("0.13").unwrap());
        p.penalty_rate = None;
        assert_eq!(codes(&p), vec![FindingCode::InterestOverCap]);
        p.annual_interest_rate = Some(Rate::from_str("0.12").unwrap());
        assert!(codes(&p).is_empty());
        // Formed before 2020-08-20: 24 % by default.
        p.contract_date = Some(d("2020-08-19"));
        p.annual_interest_rate = Some(Rate::from_str("0.20").unwrap());
        assert!(codes(&p).is_empty());
    }

    #[test]
    fn limitation_positive_negative_and_interrupted() {
        let mut f = base();
        // Latest of maturity/default is 2023-01-11: expires 2026-01-11.
        f.filing_date = Some(d("2026-01-11"));
        assert!(codes(&f).is_empty(), "the last day is still in time");
        f.filing_date = Some(d("2026-01-12"));
        let found = precheck(&f, &RulesConfig::default());
        assert_eq!(found[0].code, FindingCode::LimitationExpired);
        assert_eq!(found[0].severity, Severity::Reject);
        // A demand in 2024 interrupts: runs to 2027.
        f.last_demand_date = Some(d("2024-05-01"));
        assert!(codes(&f).is_empty());
        // Leap-day start clamps to 2-28.
        let mut g = base();
        g.contract_date = Some(d("2019-02-28"));
        g.maturity_date = Some(d("2020-02-29"));
        g.default_date = None;
        g.filing_date = Some(d("2023-02-28"));
        assert!(!codes(&g).contains(&FindingCode::LimitationExpired));
        g.filing_date = Some(d("2023-03-01"));
        assert!(codes(&g).contains(&FindingCode::LimitationExpired));
    }

    #[test]
    fn guarantee_period_default_and_agreed() {
        let mut f = base();
        f.defendants.push(Defendant {
            name: "王五".into(),
            role: DefendantRole::Guarantor,
        });
        // The filing says no period was agreed (read as six months): maturity 2023-01-10 + 6
        // months = 2023-07-10.
        f.guarantee_period_months = Some(6);
        f.filing_date = Some(d("2023-07-10"));
        assert!(codes(&f).is_empty());
        f.filing_date = Some(d("2023-07-11"));
        assert_eq!(codes(&f), vec![FindingCode::GuaranteePeriodExpired]);
        // The filing states no period at all: no flag on the statutory assumption, a note
        // (information, not a defect) saying what to check.
        f.guarantee_period_months = None;
        let found = precheck(&f, &RulesConfig::default());
        assert_eq!(codes(&f), vec![FindingCode::MissingField]);
        assert_eq!(found[0].severity, Severity::Info);
        assert!(
            found[0].message.contains("2023-07-10"),
            "{}",
            found[0].message
        );
        // Agreed three years.
        f.guarantee_period_months = Some(36);
        assert!(codes(&f).is_empty());
        // No guarantor, no finding.
        let mut g = base();
        g.filing_date = Some(d("2023-07-11"));
        assert!(codes(&g).is_empty());
    }

    /// Dates out of order (a misread date): no limitation or guarantee flag reckoned from them,
    /// an information finding that names the contradiction instead.
    #[test]
    fn contradictory_dates_are_reported_not_reckoned() {
        let mut f = base();
        f.defendants.push(Defendant {
            name: "王五".into(),
            role: DefendantRole::Guarantor,
        });
        f.guarantee_period_months = Some(6);
        f.filing_date = Some(d("2023-07-11"));
        assert_eq!(codes(&f), vec![FindingCode::GuaranteePeriodExpired]);
        // A maturity read from the wrong place, before the contract.
        let signed = f.contract_date.unwrap();
        f.maturity_date = signed.pred_opt();
        let found = precheck(&f, &RulesConfig::default());
        assert_eq!(codes(&f), vec![FindingCode::MissingField]);
        assert!(
            found[0].message.contains("借款到期日"),
            "{}",
            found[0].message
        );
        assert_eq!(dates_in_doubt(&base()), None);
    }

    #[test]
    fn credit_card_guarantor_positive_and_negative() {
        let mut f = base();
        f.case_type = Some(CaseType::CreditCard);
        f.defendants[0].role = DefendantRole::Cardholder;
        assert!(codes(&f).is_empty());
        f.defendants.push(Defendant {
            name: "赵六".into(),
            role: DefendantRole::Guarantor,
        });
        f.guarantee_period_months = Some(60);
        let found = precheck(&f, &RulesConfig::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, FindingCode::CreditCardGuarantor);
        assert_eq!(found[0].severity, Severity::Info);
    }

    #[test]
    fn missing_fields_are_reported() {
        let mut f = base();
        f.claims.principal = None;
        f.filing_date = None;
        let found = precheck(&f, &RulesConfig::default());
        let fields: Vec<_> = found.iter().filter_map(|x| x.field.as_deref()).collect();
        assert_eq!(fields, vec!["claims.principal", "filing_date"]);
        assert!(found.iter().all(|x| x.code == FindingCode::MissingField));
        assert!(
            precheck(&CaseFacts::default(), &RulesConfig::default())
                .iter()
                .all(|x| x.code == FindingCode::MissingField)
        );
    }

    #[test]
    fn absurd_values_do_not_overflow() {
        let mut f = base();
        f.claims.principal = Some(y("79000000000000000000000000000"));
        f.claims.interest = Some(y("79000000000000000000000000000"));
        f.penalty_rate = Some(Rate::from_str("1000000000000").unwrap());
        let found = precheck(&f, &RulesConfig::default());
        assert!(
            found
                .iter()
                .any(|x| x.field.as_deref() == Some("claims.principal"))
        );
        assert!(
            found
                .iter()
                .any(|x| x.field.as_deref() == Some("penalty_rate"))
        );
        let mut g = base();
        g.claims.interest = Some(y("-5"));
        assert_eq!(out_of_range(&g), vec!["claims.interest"]);
        assert!(out_of_range(&base()).is_empty());
    }
}
