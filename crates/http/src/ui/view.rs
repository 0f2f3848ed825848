//! What the review pages show, computed from stored rows: queue lines with their statutory
//! deadline (审限), labels in Chinese, the before/after of an edit, and the sample a judge reads
//! of a group of alike cases. Pure: no IO, no clock (today is a parameter).

use chrono::{Months, NaiveDate};
use fincase_core::domain::Yuan;
use fincase_core::rules::{Disposition, DocumentKind, Outcome, Procedure};
use rust_decimal::Decimal;
use serde::Serialize;

/// How close a deadline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Urgency {
    /// Time enough.
    Ok,
    /// Within the warning window (a sixth of the period, at least 3 days).
    Soon,
    /// Past the deadline.
    Overdue,
}

/// The statutory time limit for deciding a case (审限), counted from the day the court received
/// the filing, with the article it comes from. Suspensions and extensions (公告送达, 鉴定,
/// approved extensions) are not known to the system, so this is the unextended limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct Deadline {
    /// Last day.
    pub due: NaiveDate,
    /// Days left from today (negative when past).
    pub days_left: i64,
    /// How close.
    pub urgency: Urgency,
    /// The rule.
    pub basis: &'static str,
}

/// The deadline of a case received on `received`, routed to `procedure`:
/// small claims 2 months (民事诉讼法第一百六十八条 \[P\]), simplified procedure 3 months
/// (第一百六十四条 \[P\]), ordinary procedure 6 months (第一百五十二条 \[M\]), a payment order
/// within 15 days of acceptance (第二百二十七条 \[P\]).
pub(super) fn deadline(received: NaiveDate, procedure: Procedure, today: NaiveDate) -> Deadline {
    let (due, basis) = match procedure {
        Procedure::SmallClaims => (
            received.checked_add_months(Months::new(2)),
            "小额诉讼 2 个月（民诉法第一百六十八条）",
        ),
        Procedure::Simplified => (
            received.checked_add_months(Months::new(3)),
            "简易程序 3 个月（民诉法第一百六十四条）",
        ),
        Procedure::Ordinary => (
            received.checked_add_months(Months::new(6)),
            "普通程序 6 个月（民诉法第一百五十二条）",
        ),
        Procedure::PaymentOrder => (
            received.checked_add_days(chrono::Days::new(15)),
            "支付令 15 日（民诉法第二百二十七条）",
        ),
    };
    let due = due.unwrap_or(received);
    let period = (due - received).num_days();
    let days_left = (due - today).num_days();
    let urgency = if days_left < 0 {
        Urgency::Overdue
    } else if days_left <= (period / 6).max(3) {
        Urgency::Soon
    } else {
        Urgency::Ok
    };
    Deadline {
        due,
        days_left,
        urgency,
        basis,
    }
}

/// The day a batch was received (its RFC 3339 time, read in UTC+8).
pub(super) fn received_day(rfc3339: &str) -> Option<NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| (t.naive_utc() + chrono::Duration::hours(8)).date())
        .or_else(|| NaiveDate::parse_from_str(rfc3339.get(..10)?, "%Y-%m-%d").ok())
}

/// A disposition in Chinese.
pub(super) fn disposition_zh(d: Disposition) -> &'static str {
    match d {
        Disposition::Full => "全部支持",
        Disposition::Partial => "部分支持",
        Disposition::Rejected => "不予支持",
        Disposition::NeedsReview => "待人工审查",
    }
}

/// A document kind in Chinese.
pub(super) fn document_zh(d: DocumentKind) -> &'static str {
    match d {
        DocumentKind::Judgment => "民事判决书",
        DocumentKind::PaymentOrder => "支付令",
        DocumentKind::None => "无（退回或人工处理）",
    }
}

/// A review state in Chinese (`None`: not decided yet).
pub(super) fn review_zh(s: Option<fincase_core::domain::ReviewState>) -> &'static str {
    s.map_or("待审核", |s| s.zh())
}

/// A finding's severity in Chinese.
pub(super) fn severity_zh(s: fincase_core::domain::Severity) -> &'static str {
    match s {
        fincase_core::domain::Severity::Info => "提示",
        fincase_core::domain::Severity::Review => "需审查",
        fincase_core::domain::Severity::Reject => "应退回",
    }
}

/// One line of a before/after table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct ChangeLine {
    /// What (in Chinese).
    pub what: String,
    /// Before, as shown.
    pub before: String,
    /// After.
    pub after: String,
    /// True when they differ.
    pub changed: bool,
}

fn money(y: Option<Yuan>) -> String {
    y.map_or_else(|| "—".to_owned(), Yuan::grouped)
}

/// What an edit changed in the outcome: each award (claimed and awarded), the total awarded,
/// the court fee, the disposition and the document.
pub(super) fn outcome_changes(before: &Outcome, after: &Outcome) -> Vec<ChangeLine> {
    let mut items: Vec<_> = before.awards.iter().map(|a| a.item).collect();
    for a in &after.awards {
        if !items.contains(&a.item) {
            items.push(a.item);
        }
    }
    let mut out = Vec::new();
    let mut line = |what: String, b: String, a: String| {
        out.push(ChangeLine {
            changed: b != a,
            what,
            before: b,
            after: a,
        })
    };
    for item in items {
        let (b, a) = (before.award(item), after.award(item));
        line(
            format!("{}（诉请）", item.zh()),
            money(b.and_then(|x| x.claimed)),
            money(a.and_then(|x| x.claimed)),
        );
        line(
            format!("{}（支持）", item.zh()),
            money(b.map(|x| x.awarded)),
            money(a.map(|x| x.awarded)),
        );
    }
    line(
        "支持金额合计".into(),
        before.total_awarded().grouped(),
        after.total_awarded().grouped(),
    );
    line(
        "案件受理费".into(),
        before.court_fee.payable.grouped(),
        after.court_fee.payable.grouped(),
    );
    line(
        "裁判结果".into(),
        disposition_zh(before.disposition).into(),
        disposition_zh(after.disposition).into(),
    );
    line(
        "文书".into(),
        document_zh(before.document).into(),
        document_zh(after.document).into(),
    );
    out
}

/// Why a filing is in a group's sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct Sampled {
    /// Index into the group's members (in queue order).
    pub index: usize,
    /// Why, in Chinese (`首件`, `中位数`, `金额最低`, `金额最高`, `金额异常`).
    pub why: Vec<&'static str>,
}

/// The sample a judge reads of a group of alike cases, given each member's amount in queue
/// order: the first filed, the median amount, the lowest and the highest, and every outlier by
/// amount (outside the quartiles ± 1.5 × the interquartile range, nearest-rank quartiles).
pub(super) fn sample(amounts: &[Yuan]) -> Vec<Sampled> {
    if amounts.is_empty() {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..amounts.len()).collect();
    order.sort_by_key(|&i| (amounts[i], i));
    let n = order.len();
    let rank = |q: usize| order[((q * n).div_ceil(4)).clamp(1, n) - 1];
    let (q1, q3) = (amounts[rank(1)], amounts[rank(3)]);
    let iqr = q3.as_decimal() - q1.as_decimal();
    let fence = iqr * Decimal::new(15, 1);
    let (lo, hi) = (q1.as_decimal() - fence, q3.as_decimal() + fence);
    let mut picked: Vec<Sampled> = Vec::new();
    let mut add =
        |index: usize, why: &'static str| match picked.iter_mut().find(|s| s.index == index) {
            Some(s) => s.why.push(why),
            None => picked.push(Sampled {
                index,
                why: vec![why],
            }),
        };
    add(0, "首件");
    add(order[(n - 1) / 2], "中位数");
    add(order[0], "金额最低");
    add(order[n - 1], "金额最高");
    for (i, a) in amounts.iter().enumerate() {
        if a.as_decimal() < lo || a.as_decimal() > hi {
            add(i, "金额异常");
        }
    }
    picked.sort_by_key(|s| s.index);
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn deadlines_follow_the_procedure_and_warn_near_the_end() {
        let r = d("2025-01-31");
        let small = deadline(r, Procedure::SmallClaims, d("2025-02-01"));
        assert_eq!(small.due, d("2025-03-31"));
        assert_eq!(small.urgency, Urgency::Ok);
        let simp = deadline(r, Procedure::Simplified, d("2025-04-20"));
        assert_eq!(simp.due, d("2025-04-30"));
        assert_eq!((simp.days_left, simp.urgency), (10, Urgency::Soon));
        let ord = deadline(r, Procedure::Ordinary, d("2025-08-01"));
        assert_eq!((ord.due, ord.urgency), (d("2025-07-31"), Urgency::Overdue));
        let po = deadline(r, Procedure::PaymentOrder, d("2025-02-12"));
        assert_eq!(
            (po.due, po.days_left, po.urgency),
            (d("2025-02-15"), 3, Urgency::Soon)
        );
        assert_eq!(received_day("2025-01-31T17:00:00Z"), Some(d("2025-02-01")));
    }

    #[test]
    fn the_sample_holds_first_median_extremes_and_outliers() {
        let a: Vec<Yuan> = [100, 105, 98, 102, 101, 500, 99, 103]
            .iter()
            .map(|y| Yuan::from_fen(y * 10_000))
            .collect();
        let s = sample(&a);
        let idx: Vec<usize> = s.iter().map(|x| x.index).collect();
        // first (0), median (sorted 98,99,100,101,102,103,105,500 → 101 at index 4),
        // lowest (2), highest and outlier (5).
        assert_eq!(idx, vec![0, 2, 4, 5]);
        assert_eq!(s[3].why, vec!["金额最高", "金额异常"]);
        assert_eq!(sample(&[]), vec![]);
        assert_eq!(sample(&a[..1]).len(), 1);
    }
}
