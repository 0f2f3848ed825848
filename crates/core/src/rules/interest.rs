//! Interest: which ceiling applies to a case (the cap regime), and simple-interest arithmetic
//! over a period with a stated day count, as text a judge can check.
//!
//! Regimes (domain file §2):
//! - credit-card cases: [`RulesConfig::cap_credit_card`] (24 % by default by analogy \[M\]; `None`
//!   means case-by-case weighing under 银行卡规定第二条 \[P\]);
//! - licensed lenders (bank, consumer finance, AMC on a bank debt; or an unknown plaintiff in a
//!   financial-loan case): 24 %/yr all-in, 法发〔2017〕22号 第2条 \[M\];
//! - everyone else (companies, persons; 民间借贷): 4 × the one-year LPR in force at contract
//!   formation, 民间借贷规定第二十五条 \[P\]. Contracts formed before 2020-08-20: under
//!   第三十一条 \[P\] interest up to 2020-08-19 follows the old rule
//!   ([`RulesConfig::private_lending_pre_2020_cap`], 24 %) and interest from 2020-08-20 the new
//!   ceiling as at the filing date (4 × the one-year LPR at filing); [`ceiling_periods`] splits the
//!   period there. The rate test of the pre-check keeps the old 24 % figure for such contracts.

use super::config::RulesConfig;
use super::outcome::InterestCap;
use super::outcome::TrailStep;
use crate::domain::{CaseFacts, CaseType, PlaintiffKind, Rate, Repayment, Yuan};
use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

/// The day the amended 民间借贷规定 took its 4 × LPR ceiling (第三十一条 \[P\]).
pub fn private_lending_switch_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 8, 20).unwrap_or_default()
}

/// Rule citation of the financial-loan ceiling.
pub const RULE_CAP_FINANCIAL: &str = "法发〔2017〕22号 第2条 [M]";
/// Rule citation of the private-lending ceiling.
pub const RULE_CAP_PRIVATE: &str = "民间借贷规定（法释〔2020〕17号）第二十五条 [P]";
/// Rule citation of the private-lending transition.
pub const RULE_CAP_TRANSITION: &str = "民间借贷规定（法释〔2020〕17号）第三十一条 [P]";
/// Rule citation of the credit-card ceiling practice.
pub const RULE_CAP_CARD: &str = "银行卡规定（法释〔2021〕10号）第二条 [P]；24%上限为法院惯例 [M]";

/// `date` plus `months` calendar months; the 29th–31st clamp to the month's end (2-29 + 12 → 2-28).
pub fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
}

/// `date` plus `years` calendar years (2-29 → 2-28).
pub fn add_years(date: NaiveDate, years: u32) -> Option<NaiveDate> {
    years.checked_mul(12).and_then(|m| add_months(date, m))
}

/// A percentage for display: `0.24` → `24%`, `0.0435` → `4.35%`.
pub fn pct(r: Rate) -> String {
    format!("{}%", r.percent().normalize())
}

/// The ceiling that applies to `facts`, or `None` when no numeric ceiling applies (credit-card
/// case with `cap_credit_card = None`).
pub fn cap_for(facts: &CaseFacts, cfg: &RulesConfig) -> Option<InterestCap> {
    if facts.case_type == Some(CaseType::CreditCard) {
        return cfg.cap_credit_card.map(|rate| InterestCap {
            rate,
            rule: RULE_CAP_CARD.to_owned(),
            reason: format!(
                "信用卡纠纷，透支利息、复利、违约金等合计按本院参数以年利率{}为限",
                pct(rate)
            ),
        });
    }
    let kind = facts.plaintiff.as_ref().map(|p| p.kind);
    if !is_private_lending(facts) {
        let who = match kind {
            Some(PlaintiffKind::Bank) => "原告为银行",
            Some(PlaintiffKind::ConsumerFinance) => "原告为消费金融公司",
            Some(PlaintiffKind::Amc) => "原告为资产管理公司（受让银行债权）",
            _ => "金融借款合同纠纷",
        };
        let rate = cfg.cap_financial;
        return Some(InterestCap {
            rate,
            rule: RULE_CAP_FINANCIAL.to_owned(),
            reason: format!(
                "{who}，属持牌金融机构借贷，不适用民间借贷规定（第一条第二款 [P]）；利息、复利、罚息、违约金及其他费用合计以年利率{}为限",
                pct(rate)
            ),
        });
    }
    let switch = private_lending_switch_date();
    let Some(formed) = facts.contract_date else {
        let rate = cfg.private_lending_pre_2020_cap;
        return Some(InterestCap {
            rate,
            rule: RULE_CAP_TRANSITION.to_owned(),
            reason: format!(
                "民间借贷，合同成立日期不明，无法确定成立时一年期LPR；暂按年利率{}为限，需核实合同成立日期",
                pct(rate)
            ),
        });
    };
    match cfg.lpr_1y_at(formed) {
        Some(lpr) if formed >= switch => {
            let rate = Rate::yearly(lpr.fraction() * cfg.private_lending_lpr_multiple);
            Some(InterestCap {
                rate,
                rule: RULE_CAP_PRIVATE.to_owned(),
                reason: format!(
                    "民间借贷，合同成立于{formed}，当时一年期LPR为{}，上限为{} × {} = {}",
                    pct(lpr),
                    cfg.private_lending_lpr_multiple.normalize(),
                    pct(lpr),
                    pct(rate)
                ),
            })
        }
        _ => {
            let rate = cfg.private_lending_pre_2020_cap;
            Some(InterestCap {
                rate,
                rule: RULE_CAP_TRANSITION.to_owned(),
                reason: format!(
                    "民间借贷，合同成立于{formed}（2020年8月20日前）；依第三十一条，2020年8月19日前的利息适用原规定（年利率{}保护），2020年8月20日起按起诉时一年期LPR的{}倍计算，分段计算",
                    pct(rate),
                    cfg.private_lending_lpr_multiple.normalize()
                ),
            })
        }
    }
}

/// True when `facts` fall under the private-lending regime: not a credit-card case, and a
/// plaintiff that is not a licensed lender (or, with no plaintiff read, a 民间借贷 case).
pub fn is_private_lending(facts: &CaseFacts) -> bool {
    if facts.case_type == Some(CaseType::CreditCard) {
        return false;
    }
    match facts.plaintiff.as_ref().map(|p| p.kind) {
        Some(k) => !k.is_licensed(),
        None => facts.case_type == Some(CaseType::PrivateLending),
    }
}

/// The ceiling from 2020-08-20 on for a private-lending contract formed before that day:
/// multiple × the one-year LPR at the filing date (民间借贷规定第三十一条 \[P\]), with that LPR.
/// `None` when the transition does not apply or the filing date or its LPR is unknown.
pub fn transition_later_cap(facts: &CaseFacts, cfg: &RulesConfig) -> Option<(Rate, Rate)> {
    let formed = facts.contract_date?;
    if !is_private_lending(facts) || formed >= private_lending_switch_date() {
        return None;
    }
    let lpr = cfg.lpr_1y_at(facts.filing_date?)?;
    Some((
        Rate::yearly(lpr.fraction() * cfg.private_lending_lpr_multiple),
        lpr,
    ))
}

/// One period of an interest ceiling: `(from, to]` at `rate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CeilingPeriod {
    /// Day before the first day counted.
    pub from: NaiveDate,
    /// Last day counted.
    pub to: NaiveDate,
    /// Days counted (`to − from`).
    pub days: i64,
    /// Yearly ceiling in the period.
    pub rate: Rate,
    /// The rule, with its tag.
    pub rule: String,
}

/// The ceiling periods over `(start, end]`: one at the case's ceiling, or, for a private-lending
/// contract formed before 2020-08-20 ([`transition_later_cap`]), up to two split at 2020-08-19:
/// the old ceiling to 2020-08-19, the ceiling at filing from 2020-08-20 (第三十一条 \[P\]).
pub fn ceiling_periods(
    facts: &CaseFacts,
    cfg: &RulesConfig,
    cap: &InterestCap,
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<CeilingPeriod> {
    let whole = |rate: Rate, rule: &str| CeilingPeriod {
        from: start,
        to: end,
        days: days_between(start, end),
        rate,
        rule: rule.to_owned(),
    };
    let Some((later, _)) = transition_later_cap(facts, cfg) else {
        return vec![whole(cap.rate, &cap.rule)];
    };
    let old = cfg.private_lending_pre_2020_cap;
    let last_old_day = private_lending_switch_date().pred_opt().unwrap_or_default();
    if end <= last_old_day {
        return vec![whole(old, RULE_CAP_TRANSITION)];
    }
    if start >= last_old_day {
        return vec![whole(later, RULE_CAP_TRANSITION)];
    }
    vec![
        CeilingPeriod {
            from: start,
            to: last_old_day,
            days: days_between(start, last_old_day),
            rate: old,
            rule: RULE_CAP_TRANSITION.to_owned(),
        },
        CeilingPeriod {
            from: last_old_day,
            to: end,
            days: days_between(last_old_day, end),
            rate: later,
            rule: RULE_CAP_TRANSITION.to_owned(),
        },
    ]
}

/// The ceiling amount on `base` over `(start, end]` ([`ceiling_periods`]), one trail step per
/// period, and a one-line arithmetic summary. The day count is [`day_count_for`]. When the
/// facts carry a repayment ledger with principal repaid inside the window, the ceiling is taken
/// period by period on the outstanding principal ([`ledger_periods`], `base` being the principal
/// at `end`), so it follows the same bases as the recomputed interest.
pub fn ceiling_amount(
    facts: &CaseFacts,
    cfg: &RulesConfig,
    cap: &InterestCap,
    base: Yuan,
    start: NaiveDate,
    end: NaiveDate,
) -> (Yuan, Vec<TrailStep>, String) {
    let ledger = ledger_periods(base, &facts.repayments, start, end);
    if ledger.len() <= 1 {
        return ceiling_on(facts, cfg, cap, base, start, end);
    }
    let mut total = Yuan::ZERO;
    let mut trail = Vec::new();
    let mut texts = Vec::new();
    let mut amounts = Vec::new();
    for (k, p) in ledger.iter().enumerate() {
        let (amount, steps, text) = ceiling_on(facts, cfg, cap, p.principal, p.from, p.to);
        total = total + amount;
        amounts.push(amount.grouped());
        trail.extend(steps.into_iter().map(|mut t| {
            t.text = format!(
                "第{}段（本金余额{}）{}",
                k + 1,
                p.principal.grouped(),
                t.text
            );
            t
        }));
        texts.push(text);
    }
    trail.push(TrailStep::amount(
        format!(
            "按还款明细分段上限合计：{} = {}",
            amounts.join(" + "),
            total.grouped()
        ),
        RULE_LEDGER,
        total,
    ));
    let summary = format!(
        "分{}段：{}；合计{}",
        ledger.len(),
        texts.join("；"),
        total.grouped()
    );
    (total, trail, summary)
}

/// [`ceiling_amount`] on one constant base.
fn ceiling_on(
    facts: &CaseFacts,
    cfg: &RulesConfig,
    cap: &InterestCap,
    base: Yuan,
    start: NaiveDate,
    end: NaiveDate,
) -> (Yuan, Vec<TrailStep>, String) {
    let periods = ceiling_periods(facts, cfg, cap, start, end);
    let mut total = Yuan::ZERO;
    let mut trail = Vec::new();
    let mut texts = Vec::new();
    let split = periods.len() > 1;
    let (dc, _) = day_count_for(facts, cfg);
    for p in &periods {
        let (amount, text) = simple_interest(base, p.rate, p.days, dc);
        total = total + amount;
        let label = if split {
            format!(
                "上限（{}至{}）：",
                p.from.succ_opt().unwrap_or(p.from),
                p.to
            )
        } else {
            "上限：".to_owned()
        };
        trail.push(TrailStep::amount(
            format!("{label}{text}"),
            p.rule.clone(),
            amount,
        ));
        texts.push(text);
    }
    if split {
        trail.push(TrailStep::amount(
            format!(
                "分段上限合计：{} = {}",
                trail
                    .iter()
                    .filter_map(|t| t.amount)
                    .map(|a| a.grouped())
                    .collect::<Vec<_>>()
                    .join(" + "),
                total.grouped()
            ),
            RULE_CAP_TRANSITION,
            total,
        ));
    }
    let summary = if split {
        format!("{}；合计{}", texts.join("；"), total.grouped())
    } else {
        texts.join("")
    };
    (total, trail, summary)
}

/// Rule citation of the day count taken from the contract.
pub const RULE_DAY_COUNT_CONTRACT: &str =
    "民法典第六百八十条（利息按约定） [P]；合同约定的计息天数";
/// Rule citation of the day count taken from the court's setting.
pub const RULE_DAY_COUNT_COURT: &str = "计息天数：实际天数/年基准天数（本院参数） [M]";
/// Rule citation of period-by-period interest on a repayment ledger.
pub const RULE_LEDGER: &str =
    "民法典第六百七十六条 [P]；民法典第五百六十一条（费用→利息→本金的抵充顺序） [P]";

/// The days in the interest year for `facts`: the contract's stated convention
/// ([`CaseFacts::day_count`], 360 or 365) over the court's [`RulesConfig::day_count`], with the
/// reason as text (`合同约定按每年365天计息，从其约定` / `合同未约定计息天数，适用本院参数`).
pub fn day_count_for(facts: &CaseFacts, cfg: &RulesConfig) -> (u32, String) {
    match facts.day_count.filter(|d| *d == 360 || *d == 365) {
        Some(dc) => (dc, format!("合同约定按每年{dc}天计息，从其约定")),
        None => (cfg.day_count, "合同未约定计息天数，适用本院参数".to_owned()),
    }
}

/// The rule behind [`day_count_for`]'s choice.
pub fn day_count_rule(facts: &CaseFacts) -> &'static str {
    if facts.day_count.is_some_and(|d| d == 360 || d == 365) {
        RULE_DAY_COUNT_CONTRACT
    } else {
        RULE_DAY_COUNT_COURT
    }
}

/// One period of interest on a constant principal between two repayments: `(from, to]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerPeriod {
    /// Day before the first day counted.
    pub from: NaiveDate,
    /// Last day counted.
    pub to: NaiveDate,
    /// Days counted (`to − from`).
    pub days: i64,
    /// Principal outstanding during the period.
    pub principal: Yuan,
}

/// Splits `(start, end]` at every repayment of principal dated strictly inside it. `end_principal`
/// is the principal outstanding at `end` (the claimed or awarded principal); going backwards,
/// each repayment inside the window adds its principal back, so a period's principal is
/// `end_principal` + the principal repaid after it. A repayment on day `d` ends the period
/// `(…, d]` (day `d` still bears the old principal). Repayments on or before `start` are already
/// reflected in the principal at `start`; those after `end` are ignored. Always at least one
/// period (empty when `end ≤ start`).
pub fn ledger_periods(
    end_principal: Yuan,
    repayments: &[Repayment],
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<LedgerPeriod> {
    let mut cuts: Vec<(NaiveDate, Yuan)> = repayments
        .iter()
        .filter(|r| r.date > start && r.date < end && !r.principal.is_zero())
        .map(|r| (r.date, r.principal))
        .collect();
    cuts.sort_by_key(|c| c.0);
    let mut principal = end_principal + cuts.iter().map(|c| c.1).sum::<Yuan>();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut from = start;
    for (date, paid) in cuts {
        if date > from {
            out.push(LedgerPeriod {
                from,
                to: date,
                days: days_between(from, date),
                principal,
            });
            from = date;
        }
        principal = principal - paid;
    }
    out.push(LedgerPeriod {
        from,
        to: end.max(from),
        days: days_between(from, end),
        principal,
    });
    out
}

/// Interest at `rate` over `(start, end]` computed period by period on the outstanding principal
/// of a repayment ledger ([`ledger_periods`]), less interest repaid inside the window (set against
/// interest before principal, 民法典第五百六十一条 \[P\]). One trail step per period citing
/// [`RULE_LEDGER`], a step for the interest repaid when any, and a total step. Returns the net
/// interest (never below zero) and the trail.
pub fn ledger_interest(
    end_principal: Yuan,
    repayments: &[Repayment],
    rate: Rate,
    start: NaiveDate,
    end: NaiveDate,
    day_count: u32,
) -> (Yuan, Vec<TrailStep>) {
    let periods = ledger_periods(end_principal, repayments, start, end);
    let mut trail = Vec::with_capacity(periods.len() + 2);
    let mut gross = Yuan::ZERO;
    for (k, p) in periods.iter().enumerate() {
        let (amount, text) = simple_interest(p.principal, rate, p.days, day_count);
        gross = gross + amount;
        trail.push(TrailStep::amount(
            format!(
                "第{}段：{}至{}共{}天，本金余额{}：{text}",
                k + 1,
                p.from.succ_opt().unwrap_or(p.from),
                p.to,
                p.days,
                p.principal.grouped()
            ),
            RULE_LEDGER,
            amount,
        ));
    }
    let paid: Yuan = repayments
        .iter()
        .filter(|r| r.date > start && r.date <= end)
        .map(|r| r.interest)
        .sum();
    let net = if paid.is_zero() {
        gross
    } else {
        let net = if paid > gross {
            Yuan::ZERO
        } else {
            gross - paid
        };
        trail.push(TrailStep::amount(
            format!(
                "期间已还利息{}元先抵充利息：{} − {} = {}",
                paid.grouped(),
                gross.grouped(),
                paid.grouped(),
                net.grouped()
            ),
            RULE_LEDGER,
            net,
        ));
        net
    };
    if periods.len() > 1 || !paid.is_zero() {
        trail.push(TrailStep::amount(
            format!(
                "按还款明细分段复算合计{}元（{}段）",
                net.grouped(),
                periods.len()
            ),
            RULE_LEDGER,
            net,
        ));
    }
    (net, trail)
}

/// A floating rate `LPR + bp` (贷款市场报价利率加基点): the one-year LPR in force on `date` (the
/// latest quote on or before it, domain file §3) plus `bp` basis points, with the lookup as a
/// trail step. `None` before the first quote in the table.
pub fn lpr_plus_bp(cfg: &RulesConfig, date: NaiveDate, bp: i64) -> Option<(Rate, TrailStep)> {
    let q = cfg.lpr_at(date)?;
    let rate = Rate::yearly(q.one_year.fraction() + Decimal::new(bp, 4));
    let step = TrailStep::note(
        format!(
            "{date}适用{}公布的一年期LPR {}，加{bp}个基点：{} + {}% = {}",
            q.date,
            pct(q.one_year),
            pct(q.one_year),
            (Decimal::new(bp, 2)).normalize(),
            pct(rate)
        ),
        "中国人民银行公告〔2019〕第15号（LPR形成机制） [M]",
    );
    Some((rate, step))
}

/// Simple interest `base × rate × days / day_count`, with its arithmetic as text
/// (`100,000.00 × 24% × 183/360 = 12,200.00`).
pub fn simple_interest(base: Yuan, rate: Rate, days: i64, day_count: u32) -> (Yuan, String) {
    let dc = Decimal::from(day_count.max(1));
    let exact = base.as_decimal() * rate.fraction() * Decimal::from(days) / dc;
    let amount = Yuan::new(exact);
    let text = format!(
        "{} × {} × {days}/{day_count} = {}",
        base.grouped(),
        pct(rate),
        amount.grouped()
    );
    (amount, text)
}

/// Whole days from `start` to `end` (the end day counted, the start day not); 0 when reversed.
pub fn days_between(start: NaiveDate, end: NaiveDate) -> i64 {
    (end - start).num_days().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Plaintiff;
    use std::str::FromStr;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts(kind: PlaintiffKind, ct: CaseType, contract: Option<&str>) -> CaseFacts {
        CaseFacts {
            case_type: Some(ct),
            plaintiff: Some(Plaintiff {
                name: "甲".into(),
                kind,
            }),
            contract_date: contract.map(d),
            ..CaseFacts::default()
        }
    }

    #[test]
    fn worked_interest_example() {
        // Domain §2.6: actual days over a 360-day year.
        let base = Yuan::from_str("100000").unwrap();
        let rate = Rate::from_str("0.24").unwrap();
        let days = days_between(d("2024-01-01"), d("2024-07-02"));
        assert_eq!(days, 183);
        let (amount, text) = simple_interest(base, rate, days, 360);
        assert_eq!(amount, Yuan::from_str("12200").unwrap());
        assert_eq!(text, "100,000.00 × 24% × 183/360 = 12,200.00");
        let (amount, _) = simple_interest(base, rate, 365, 365);
        assert_eq!(amount, Yuan::from_str("24000").unwrap());
    }

    #[test]
    fn calendar_arithmetic_clamps_leap_day() {
        assert_eq!(add_years(d("2020-02-29"), 3), Some(d("2023-02-28")));
        assert_eq!(add_months(d("2023-08-31"), 6), Some(d("2024-02-29")));
        assert_eq!(add_years(d("2021-05-06"), 3), Some(d("2024-05-06")));
    }

    #[test]
    fn cap_by_regime() {
        let cfg = RulesConfig::default();
        let bank = cap_for(
            &facts(PlaintiffKind::Bank, CaseType::FinancialLoan, None),
            &cfg,
        )
        .unwrap();
        assert_eq!(bank.rate.to_string(), "0.24");
        let card = cap_for(
            &facts(PlaintiffKind::Bank, CaseType::CreditCard, None),
            &cfg,
        )
        .unwrap();
        assert!(card.rule.contains("银行卡"));
        // Private lending formed 2025-06-01: 4 × 3.00 % = 12 % (domain §2.4 worked example).
        let pl = cap_for(
            &facts(
                PlaintiffKind::Person,
                CaseType::PrivateLending,
                Some("2025-06-01"),
            ),
            &cfg,
        )
        .unwrap();
        assert_eq!(pl.rate.to_string(), "0.12");
        // Around the 2020-08-20 switch: the day before keeps 24 %, the day itself 4 × 3.85 %.
        let before = cap_for(
            &facts(
                PlaintiffKind::Company,
                CaseType::PrivateLending,
                Some("2020-08-19"),
            ),
            &cfg,
        )
        .unwrap();
        assert_eq!(before.rate.to_string(), "0.24");
        assert!(before.rule.contains("第三十一条"));
        let on = cap_for(
            &facts(
                PlaintiffKind::Company,
                CaseType::PrivateLending,
                Some("2020-08-20"),
            ),
            &cfg,
        )
        .unwrap();
        assert_eq!(on.rate.to_string(), "0.154");
        // Credit card with no numeric cap configured.
        let cfg_none = RulesConfig {
            cap_credit_card: None,
            ..RulesConfig::default()
        };
        assert!(
            cap_for(
                &facts(PlaintiffKind::Bank, CaseType::CreditCard, None),
                &cfg_none
            )
            .is_none()
        );
    }
}
