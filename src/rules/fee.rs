//! Court fees: the 案件受理费 for property cases by the cumulative tiered schedule of
//! 诉讼费用交纳办法 (国务院令第481号) 第十三条(一) \[P\], its reductions (第十五条, 第十六条, halved once
//! only: 民诉法解释第二百零六条 \[P\]) and the payment-order fee of ⅓ (第十四条(三) \[P\]).

use super::config::FeeRounding;
use super::outcome::{CaseEnding, CourtFee, FeeKind, Procedure, TrailStep};
use crate::domain::Yuan;
use rust_decimal::Decimal;

/// Version of the fee schedule (the 办法 is unamended since 2007-04-01).
pub const FEE_SCHEDULE_VERSION: &str = "诉讼费用交纳办法(2007)";

const RULE_SCHEDULE: &str = "诉讼费用交纳办法第十三条(一) [P]";

/// One slice of the schedule: the part of the claim in `(from, to]` is charged at `per_mille`‰.
struct Slice {
    from: i64,
    to: Option<i64>,
    per_mille: i64,
}

/// 第十三条(一): 50 yuan flat up to 10,000, then each slice at its own rate (分段累计).
const FLAT_FEE: i64 = 50;
const FLAT_UP_TO: i64 = 10_000;
const SLICES: [Slice; 9] = [
    Slice {
        from: 10_000,
        to: Some(100_000),
        per_mille: 25,
    },
    Slice {
        from: 100_000,
        to: Some(200_000),
        per_mille: 20,
    },
    Slice {
        from: 200_000,
        to: Some(500_000),
        per_mille: 15,
    },
    Slice {
        from: 500_000,
        to: Some(1_000_000),
        per_mille: 10,
    },
    Slice {
        from: 1_000_000,
        to: Some(2_000_000),
        per_mille: 9,
    },
    Slice {
        from: 2_000_000,
        to: Some(5_000_000),
        per_mille: 8,
    },
    Slice {
        from: 5_000_000,
        to: Some(10_000_000),
        per_mille: 7,
    },
    Slice {
        from: 10_000_000,
        to: Some(20_000_000),
        per_mille: 6,
    },
    Slice {
        from: 20_000_000,
        to: None,
        per_mille: 5,
    },
];

fn yuan(i: i64) -> Yuan {
    Yuan::new(Decimal::from(i))
}

fn pct(per_mille: i64) -> String {
    format!("{}%", (Decimal::from(per_mille) / Decimal::TEN).normalize())
}

/// The 第十三条(一) schedule fee for a claim of `claim` yuan, exact (not rounded), with one trail
/// step per slice used.
pub fn schedule_fee(claim: Yuan) -> (Decimal, Vec<TrailStep>) {
    let x = claim.as_decimal().max(Decimal::ZERO);
    let mut fee = Decimal::from(FLAT_FEE);
    let mut trail = vec![TrailStep::amount(
        format!(
            "不超过{}元的部分：每件{}元",
            yuan(FLAT_UP_TO).grouped(),
            FLAT_FEE
        ),
        RULE_SCHEDULE,
        yuan(FLAT_FEE),
    )];
    for s in &SLICES {
        let from = Decimal::from(s.from);
        if x <= from {
            break;
        }
        let top = s.to.map_or(x, |t| x.min(Decimal::from(t)));
        let part = top - from;
        let charge = part * Decimal::from(s.per_mille) / Decimal::ONE_THOUSAND;
        fee += charge;
        let range = match s.to {
            Some(t) => format!("{}至{}元", yuan(s.from).grouped(), yuan(t).grouped()),
            None => format!("超过{}元", yuan(s.from).grouped()),
        };
        trail.push(TrailStep::amount(
            format!(
                "{range}的部分：{} × {} = {}",
                Yuan::new(part).grouped(),
                pct(s.per_mille),
                Yuan::new(charge).grouped()
            ),
            RULE_SCHEDULE,
            Yuan::new(charge),
        ));
    }
    (fee, trail)
}

/// The court fee for a property claim of `claim` yuan.
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
pub fn court_fee(
    claim: Yuan,
    procedure: Procedure,
    ending: CaseEnding,
    rounding: FeeRounding,
) -> CourtFee {
    let (exact, mut trail) = schedule_fee(claim);
    let schedule = rounding.apply(exact);
    trail.push(TrailStep::amount(
        format!(
            "诉讼请求金额{}元，按分段累计计算受理费合计{}元",
            claim.grouped(),
            schedule.grouped()
        ),
        RULE_SCHEDULE,
        schedule,
    ));
    if procedure == Procedure::PaymentOrder {
        let payable = rounding.apply(exact / Decimal::from(3));
        trail.push(TrailStep::amount(
            format!(
                "支付令申请费为受理费的三分之一：{} ÷ 3 = {}",
                schedule.grouped(),
                payable.grouped()
            ),
            "诉讼费用交纳办法第十四条(三) [P]",
            payable,
        ));
        return CourtFee {
            kind: FeeKind::PaymentOrderApplication,
            basis: claim,
            schedule_fee: schedule,
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
                schedule.grouped(),
                p.grouped()
            ),
            rule,
            p,
        ));
        p
    } else {
        schedule
    };
    CourtFee {
        kind: FeeKind::Acceptance,
        basis: claim,
        schedule_fee: schedule,
        halved,
        payable,
        allocation: Vec::new(),
        trail,
    }
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
}
