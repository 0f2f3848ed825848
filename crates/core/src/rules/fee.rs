//! Court fees: the 案件受理费 for property cases by the cumulative tiered schedule of
//! 诉讼费用交纳办法 (国务院令第481号) 第十三条(一) \[P\], its reductions (第十五条, 第十六条, halved once
//! only: 民诉法解释第二百零六条 \[P\]), the payment-order fee of ⅓ (第十四条(三) \[P\]), the
//! preservation fee (第十四条(二) \[P\], capped at 5,000) and the enforcement fee (第十四条(一) \[P\]).
//!
//! Every schedule is data ([`TieredSchedule`]): the acceptance schedule can be replaced per court
//! through [`super::RulesConfig::from_toml`] (`[fee_schedule]`).

use super::outcome::{CaseEnding, CourtFee, FeeKind, Procedure, TrailStep};
use crate::domain::Yuan;
use rust_decimal::Decimal;

/// Version of the fee schedule (the 办法 is unamended since 2007-04-01).
pub const FEE_SCHEDULE_VERSION: &str = "诉讼费用交纳办法(2007)";

/// How a computed court fee is rounded. The 办法 sets no rule; courts print to the fen or round
/// half-up to the yuan (domain file §1.7 \[M\]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeRounding {
    /// Half-up to the fen (分), the default.
    #[default]
    Fen,
    /// Half-up to the whole yuan.
    Yuan,
}

impl FeeRounding {
    /// Rounds an exact fee.
    pub fn apply(self, exact: Decimal) -> Yuan {
        match self {
            FeeRounding::Fen => Yuan::new(exact),
            FeeRounding::Yuan => {
                Yuan::new(exact.round_dp_with_strategy(
                    0,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                ))
            }
        }
    }
}

const RULE_SCHEDULE: &str = "诉讼费用交纳办法第十三条(一) [P]";
const RULE_PRESERVATION: &str = "诉讼费用交纳办法第十四条(二) [P]";
const RULE_ENFORCEMENT: &str = "诉讼费用交纳办法第十四条(一) [P]";

/// One slice of a tiered schedule: the part of the amount in `(from, to]` is charged at `rate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeSlice {
    /// Lower bound of the slice (exclusive), yuan.
    pub from: Decimal,
    /// Upper bound (inclusive), `None` for the open top slice.
    pub to: Option<Decimal>,
    /// Rate on the slice, a fraction (`0.025` = 2.5 %).
    pub rate: Decimal,
}

/// A cumulative tiered fee schedule (分段累计): a flat fee up to `flat_up_to`, then each slice at
/// its own rate, optionally capped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TieredSchedule {
    /// The rule cited on every step, with its tag.
    pub rule: String,
    /// Flat fee per case for amounts up to `flat_up_to`.
    pub flat: Decimal,
    /// Upper bound of the flat part.
    pub flat_up_to: Decimal,
    /// Slices above `flat_up_to`, contiguous and ascending.
    pub slices: Vec<FeeSlice>,
    /// Maximum fee, if any (preservation: 5,000).
    pub cap: Option<Decimal>,
}

fn d(i: i64) -> Decimal {
    Decimal::from(i)
}

/// `per_mille`‰ as a fraction.
fn pm(per_mille: i64) -> Decimal {
    Decimal::new(per_mille, 3)
}

fn slices(rows: &[(i64, Option<i64>, Decimal)]) -> Vec<FeeSlice> {
    rows.iter()
        .map(|&(from, to, rate)| FeeSlice {
            from: d(from),
            to: to.map(d),
            rate,
        })
        .collect()
}

impl TieredSchedule {
    /// 案件受理费, 第十三条(一) \[P\]: 50 per case up to 10,000; 2.5 % to 100,000; 2 % to 200,000;
    /// 1.5 % to 500,000; 1 % to 1,000,000; 0.9 % to 2,000,000; 0.8 % to 5,000,000; 0.7 % to
    /// 10,000,000; 0.6 % to 20,000,000; 0.5 % above.
    pub fn acceptance() -> TieredSchedule {
        TieredSchedule {
            rule: RULE_SCHEDULE.to_owned(),
            flat: d(50),
            flat_up_to: d(10_000),
            slices: slices(&[
                (10_000, Some(100_000), pm(25)),
                (100_000, Some(200_000), pm(20)),
                (200_000, Some(500_000), pm(15)),
                (500_000, Some(1_000_000), pm(10)),
                (1_000_000, Some(2_000_000), pm(9)),
                (2_000_000, Some(5_000_000), pm(8)),
                (5_000_000, Some(10_000_000), pm(7)),
                (10_000_000, Some(20_000_000), pm(6)),
                (20_000_000, None, pm(5)),
            ]),
            cap: None,
        }
    }

    /// 申请保全措施, 第十四条(二) \[P\]: 30 per case up to 1,000 (or no amount); 1 % to 100,000;
    /// 0.5 % above; at most 5,000 (reached at 896,000).
    pub fn preservation() -> TieredSchedule {
        TieredSchedule {
            rule: RULE_PRESERVATION.to_owned(),
            flat: d(30),
            flat_up_to: d(1_000),
            slices: slices(&[(1_000, Some(100_000), pm(10)), (100_000, None, pm(5))]),
            cap: Some(d(5_000)),
        }
    }

    /// 申请执行, 第十四条(一) \[P\]: 50 per case up to 10,000; 1.5 % to 500,000; 1 % to
    /// 5,000,000; 0.5 % to 10,000,000; 0.1 % above.
    pub fn enforcement() -> TieredSchedule {
        TieredSchedule {
            rule: RULE_ENFORCEMENT.to_owned(),
            flat: d(50),
            flat_up_to: d(10_000),
            slices: slices(&[
                (10_000, Some(500_000), pm(15)),
                (500_000, Some(5_000_000), pm(10)),
                (5_000_000, Some(10_000_000), pm(5)),
                (10_000_000, None, pm(1)),
            ]),
            cap: None,
        }
    }

    /// Checks the shape: slices start at `flat_up_to`, are contiguous and ascending, only the
    /// last may be open, and no number is negative. Returns the first problem.
    pub fn validate(&self) -> Result<(), String> {
        if self.flat.is_sign_negative() || self.flat_up_to.is_sign_negative() {
            return Err("negative flat fee or bound".to_owned());
        }
        let mut at = self.flat_up_to;
        for (i, s) in self.slices.iter().enumerate() {
            if s.from != at {
                return Err(format!("slice {i} starts at {} but should at {at}", s.from));
            }
            if s.rate.is_sign_negative() || s.rate > Decimal::ONE {
                return Err(format!("slice {i}: rate {} not in 0..=1", s.rate));
            }
            match s.to {
                Some(t) if t > s.from => at = t,
                Some(t) => return Err(format!("slice {i}: end {t} not above start {}", s.from)),
                None if i + 1 == self.slices.len() => {}
                None => return Err(format!("slice {i}: only the last slice may be open")),
            }
        }
        if self.cap.is_some_and(|c| c.is_sign_negative()) {
            return Err("negative cap".to_owned());
        }
        Ok(())
    }

    /// The fee for `amount`, exact (not rounded), with one trail step per slice used.
    pub fn fee(&self, amount: Yuan) -> (Decimal, Vec<TrailStep>) {
        let x = amount.as_decimal().max(Decimal::ZERO);
        let mut fee = self.flat;
        let mut trail = vec![TrailStep::amount(
            format!(
                "不超过{}元的部分：每件{}元",
                Yuan::new(self.flat_up_to).grouped(),
                self.flat.normalize()
            ),
            self.rule.clone(),
            Yuan::new(self.flat),
        )];
        for s in &self.slices {
            if x <= s.from {
                break;
            }
            let top = s.to.map_or(x, |t| x.min(t));
            let part = top - s.from;
            let charge = part * s.rate;
            fee += charge;
            let range = match s.to {
                Some(t) => format!(
                    "{}至{}元",
                    Yuan::new(s.from).grouped(),
                    Yuan::new(t).grouped()
                ),
                None => format!("超过{}元", Yuan::new(s.from).grouped()),
            };
            trail.push(TrailStep::amount(
                format!(
                    "{range}的部分：{} × {}% = {}",
                    Yuan::new(part).grouped(),
                    (s.rate * Decimal::ONE_HUNDRED).normalize(),
                    Yuan::new(charge).grouped()
                ),
                self.rule.clone(),
                Yuan::new(charge),
            ));
        }
        if let Some(cap) = self.cap
            && fee > cap
        {
            trail.push(TrailStep::amount(
                format!(
                    "合计{}元超过最高额{}元，按{}元收取",
                    Yuan::new(fee).grouped(),
                    Yuan::new(cap).grouped(),
                    Yuan::new(cap).grouped()
                ),
                self.rule.clone(),
                Yuan::new(cap),
            ));
            fee = cap;
        }
        (fee, trail)
    }
}

impl Default for TieredSchedule {
    fn default() -> TieredSchedule {
        TieredSchedule::acceptance()
    }
}

/// The 第十三条(一) schedule fee for a claim of `claim` yuan, exact (not rounded), with one trail
/// step per slice used.
pub fn schedule_fee(claim: Yuan) -> (Decimal, Vec<TrailStep>) {
    TieredSchedule::acceptance().fee(claim)
}

/// The court fee for a property claim of `claim` yuan under the national schedule; see
/// [`court_fee_with`].
pub fn court_fee(
    claim: Yuan,
    procedure: Procedure,
    ending: CaseEnding,
    rounding: FeeRounding,
) -> CourtFee {
    court_fee_with(
        &TieredSchedule::acceptance(),
        claim,
        procedure,
        ending,
        rounding,
    )
}

/// The court fee for a property claim of `claim` yuan under `schedule`.
///
/// - `Procedure::PaymentOrder`: the 支付令 application fee, ⅓ of the schedule fee
///   (第十四条(三) \[P\]); e.g. 100,000 → 2,300 ÷ 3 = 766.67.
/// - Otherwise the 案件受理费 (第十三条(一) \[P\]), halved once when the procedure is simplified or
///   small claims (第十六条 \[P\]) or the case ends by mediation or withdrawal (第十五条 \[P\]); two
///   grounds still halve only once (民诉法解释第二百零六条 \[P\]).
///
/// The base is the amount claimed to the cut-off date; interest "until repayment" is not in it
/// (domain file §1.1 \[M\]). Rounding per `rounding` (§1.7 \[M\]). The allocation is left empty; an
/// [`super::Outcome`] fills it.
pub fn court_fee_with(
    schedule: &TieredSchedule,
    claim: Yuan,
    procedure: Procedure,
    ending: CaseEnding,
    rounding: FeeRounding,
) -> CourtFee {
    let (exact, mut trail) = schedule.fee(claim);
    let schedule_fee = rounding.apply(exact);
    trail.push(TrailStep::amount(
        format!(
            "诉讼请求金额{}元，按分段累计计算受理费合计{}元",
            claim.grouped(),
            schedule_fee.grouped()
        ),
        schedule.rule.clone(),
        schedule_fee,
    ));
    if procedure == Procedure::PaymentOrder {
        let payable = rounding.apply(exact / Decimal::from(3));
        trail.push(TrailStep::amount(
            format!(
                "支付令申请费为受理费的三分之一：{} ÷ 3 = {}",
                schedule_fee.grouped(),
                payable.grouped()
            ),
            "诉讼费用交纳办法第十四条(三) [P]",
            payable,
        ));
        return CourtFee {
            kind: FeeKind::PaymentOrderApplication,
            basis: claim,
            schedule_fee,
            halved: false,
            payable,
            allocation: Vec::new(),
            trail,
        };
    }
    let mut grounds = Vec::new();
    if procedure.halves_fee() {
        grounds.push(format!("适用{}（第十六条）", procedure.zh()));
    }
    match ending {
        CaseEnding::Mediation => grounds.push("调解结案（第十五条）".to_owned()),
        CaseEnding::Withdrawal => grounds.push("撤诉（第十五条）".to_owned()),
        CaseEnding::Judgment => {}
    }
    let halved = !grounds.is_empty();
    let payable = if halved {
        let p = rounding.apply(exact / Decimal::TWO);
        let rule = if grounds.len() > 1 {
            "诉讼费用交纳办法第十五条、第十六条 [P]；民诉法解释第二百零六条（只减半一次） [P]"
        } else if procedure.halves_fee() {
            "诉讼费用交纳办法第十六条 [P]"
        } else {
            "诉讼费用交纳办法第十五条 [P]"
        };
        trail.push(TrailStep::amount(
            format!(
                "{}，减半收取：{} ÷ 2 = {}",
                grounds.join("、"),
                schedule_fee.grouped(),
                p.grouped()
            ),
            rule,
            p,
        ));
        p
    } else {
        schedule_fee
    };
    CourtFee {
        kind: FeeKind::Acceptance,
        basis: claim,
        schedule_fee,
        halved,
        payable,
        allocation: Vec::new(),
        trail,
    }
}

/// A fee computed from one schedule with no reduction (preservation, enforcement).
fn plain_fee(
    schedule: &TieredSchedule,
    kind: FeeKind,
    what: &str,
    amount: Yuan,
    rounding: FeeRounding,
) -> CourtFee {
    let (exact, mut trail) = schedule.fee(amount);
    let payable = rounding.apply(exact);
    trail.push(TrailStep::amount(
        format!(
            "{what}金额{}元，按分段累计计算{}元",
            amount.grouped(),
            payable.grouped()
        ),
        schedule.rule.clone(),
        payable,
    ));
    CourtFee {
        kind,
        basis: amount,
        schedule_fee: payable,
        halved: false,
        payable,
        allocation: Vec::new(),
        trail,
    }
}

/// The preservation application fee (申请保全措施) for preserving `amount` yuan of property:
/// 30 up to 1,000; 1 % of the part to 100,000; 0.5 % above; at most 5,000
/// (诉讼费用交纳办法第十四条(二) \[P\]). E.g. 200,000 → 30 + 990 + 500 = 1,520.
pub fn preservation_fee(amount: Yuan, rounding: FeeRounding) -> CourtFee {
    plain_fee(
        &TieredSchedule::preservation(),
        FeeKind::Preservation,
        "申请保全财产",
        amount,
        rounding,
    )
}

/// The enforcement application fee (申请执行) for `amount` yuan to be enforced: 50 up to 10,000;
/// 1.5 % to 500,000; 1 % to 5,000,000; 0.5 % to 10,000,000; 0.1 % above
/// (诉讼费用交纳办法第十四条(一) \[P\]); collected after enforcement (第二十条 \[P\]).
pub fn enforcement_fee(amount: Yuan, rounding: FeeRounding) -> CourtFee {
    plain_fee(
        &TieredSchedule::enforcement(),
        FeeKind::Enforcement,
        "申请执行",
        amount,
        rounding,
    )
}

/// [`preservation_fee`] under a court's own schedule (`RulesConfig::preservation_schedule`;
/// 第十四条(二) \[P\] by default).
pub fn preservation_fee_with(
    schedule: &TieredSchedule,
    amount: Yuan,
    rounding: FeeRounding,
) -> CourtFee {
    plain_fee(
        schedule,
        FeeKind::Preservation,
        "申请保全财产",
        amount,
        rounding,
    )
}

/// [`enforcement_fee`] under a court's own schedule (`RulesConfig::enforcement_schedule`;
/// 第十四条(一) \[P\] by default).
pub fn enforcement_fee_with(
    schedule: &TieredSchedule,
    amount: Yuan,
    rounding: FeeRounding,
) -> CourtFee {
    plain_fee(schedule, FeeKind::Enforcement, "申请执行", amount, rounding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn y(s: &str) -> Yuan {
        Yuan::from_str(s).unwrap()
    }

    fn full(claim: &str) -> Yuan {
        court_fee(
            y(claim),
            Procedure::Ordinary,
            CaseEnding::Judgment,
            FeeRounding::Fen,
        )
        .payable
    }

    #[test]
    fn schedule_at_every_tier_boundary() {
        let cases = [
            ("0", "50"),
            ("1", "50"),
            ("10000", "50"),
            ("10000.01", "50.00"), // 0.01 × 2.5% = 0.00025, rounds to the fen
            ("10040", "51"),
            ("50000", "1050"),
            ("100000", "2300"),
            ("200000", "4300"),
            ("500000", "8800"),
            ("1000000", "13800"),
            ("2000000", "22800"),
            ("5000000", "46800"),
            ("10000000", "81800"),
            ("20000000", "141800"),
            ("25000000", "166800"),
        ];
        for (claim, fee) in cases {
            assert_eq!(full(claim), y(fee), "claim {claim}");
        }
    }

    #[test]
    fn closed_forms_agree_inside_slices() {
        // Domain file §1.1 closed forms, one point inside each slice.
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let cases = [
            ("55555", d("0.025") * d("55555") - d("200")),
            ("123456.78", d("0.02") * d("123456.78") + d("300")),
            ("333333", d("0.015") * d("333333") + d("1300")),
            ("765432", d("0.01") * d("765432") + d("3800")),
            ("1500000", d("0.009") * d("1500000") + d("4800")),
            ("3000000", d("0.008") * d("3000000") + d("6800")),
            ("7000000", d("0.007") * d("7000000") + d("11800")),
            ("15000000", d("0.006") * d("15000000") + d("21800")),
            ("30000000", d("0.005") * d("30000000") + d("41800")),
        ];
        for (claim, expect) in cases {
            assert_eq!(full(claim), Yuan::new(expect), "claim {claim}");
        }
    }

    #[test]
    fn fee_is_monotone_in_the_claim() {
        let mut last = Yuan::ZERO;
        for step in 0..2_000 {
            let claim = Yuan::from_fen(step * 1_733_331);
            let fee = full(&claim.to_string());
            assert!(fee >= last, "fee fell at {claim}");
            last = fee;
        }
    }

    #[test]
    fn halving_and_halving_once_only() {
        let simplified = court_fee(
            y("100000"),
            Procedure::Simplified,
            CaseEnding::Judgment,
            FeeRounding::Fen,
        );
        assert!(simplified.halved);
        assert_eq!(simplified.payable, y("1150"));
        assert_eq!(simplified.schedule_fee, y("2300"));
        let small = court_fee(
            y("100000"),
            Procedure::SmallClaims,
            CaseEnding::Judgment,
            FeeRounding::Fen,
        );
        assert_eq!(small.payable, y("1150"));
        let twice = court_fee(
            y("100000"),
            Procedure::Simplified,
            CaseEnding::Mediation,
            FeeRounding::Fen,
        );
        assert_eq!(twice.payable, y("1150"), "halved once, not to a quarter");
        assert!(twice.trail.iter().any(|t| t.rule.contains("第二百零六条")));
        let mediated = court_fee(
            y("100000"),
            Procedure::Ordinary,
            CaseEnding::Mediation,
            FeeRounding::Fen,
        );
        assert_eq!(mediated.payable, y("1150"));
        let ordinary = court_fee(
            y("100000"),
            Procedure::Ordinary,
            CaseEnding::Judgment,
            FeeRounding::Fen,
        );
        assert!(!ordinary.halved);
        assert_eq!(ordinary.payable, y("2300"));
    }

    #[test]
    fn payment_order_is_one_third() {
        let po = court_fee(
            y("100000"),
            Procedure::PaymentOrder,
            CaseEnding::Judgment,
            FeeRounding::Fen,
        );
        assert_eq!(po.kind, FeeKind::PaymentOrderApplication);
        assert_eq!(po.payable, y("766.67"));
        assert!(!po.halved);
        let po = court_fee(
            y("100000"),
            Procedure::PaymentOrder,
            CaseEnding::Judgment,
            FeeRounding::Yuan,
        );
        assert_eq!(po.payable, y("767"));
    }

    #[test]
    fn trail_shows_each_slice() {
        let fee = court_fee(
            y("250000"),
            Procedure::Ordinary,
            CaseEnding::Judgment,
            FeeRounding::Fen,
        );
        assert_eq!(fee.payable, y("5050"));
        let texts: Vec<&str> = fee.trail.iter().map(|t| t.text.as_str()).collect();
        assert!(
            texts
                .iter()
                .any(|t| t.contains("90,000.00 × 2.5% = 2,250.00")),
            "{texts:?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains("50,000.00 × 1.5% = 750.00")),
            "{texts:?}"
        );
        assert!(
            fee.trail
                .iter()
                .all(|t| t.rule.contains("诉讼费用交纳办法"))
        );
    }

    #[test]
    fn fee_rounding_to_yuan() {
        let d = Decimal::from_str("766.6666").unwrap();
        assert_eq!(FeeRounding::Yuan.apply(d).to_string(), "767.00");
        assert_eq!(FeeRounding::Fen.apply(d).to_string(), "766.67");
    }
}
