//! Interest: which ceiling applies to a case (the cap regime), and simple-interest arithmetic
//! over a period with a stated day count, as text a judge can check.
//!
//! Regimes (domain file §2):
//! - credit-card cases: [`RulesConfig::cap_credit_card`] (24 % by default by analogy \[M\]; `None`
//!   means case-by-case weighing under 银行卡规定第二条 \[P\]);
//! - licensed lenders (bank, consumer finance, AMC on a bank debt; or an unknown plaintiff in a
//!   financial-loan case): 24 %/yr all-in, 法发〔2017〕22号 第2条 \[M\];
//! - everyone else (companies, persons; 民间借贷): 4 × the one-year LPR in force at contract
//!   formation, 民间借贷规定第二十五条 \[P\]. Contracts formed before 2020-08-20 take
//!   [`RulesConfig::private_lending_pre_2020_cap`] (24 %) by default: under 第三十一条 \[P\] interest
//!   up to 2020-08-19 may follow the old 24 % rule and interest from 2020-08-20 the new ceiling
//!   at filing; the split is a judge's call, so the default keeps the old figure and says so.

use super::config::RulesConfig;
use super::outcome::InterestCap;
use super::tables::lpr_1y_at;
use crate::domain::{CaseFacts, CaseType, PlaintiffKind, Rate, Yuan};
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
    let private = match kind {
        Some(k) => !k.is_licensed(),
        None => facts.case_type == Some(CaseType::PrivateLending),
    };
    if !private {
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
    match lpr_1y_at(formed) {
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
                    "民间借贷，合同成立于{formed}（2020年8月20日前）；依第三十一条，2020年8月19日前的利息可适用原规定（年利率24%保护），此后按起诉时一年期LPR的四倍；本院参数默认按年利率{}计算，分段计算由法官决定",
                    pct(rate)
                ),
            })
        }
    }
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
