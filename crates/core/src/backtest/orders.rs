//! The order parser: the 判决如下 items and the fee sentence of a judgment → [`Orders`]:
//! principal, interest (a sum to a cut-off date and/or formulas with base, rate, start and
//! end), attorney fee, other fees, joint liability per defendant (连带清偿责任), priority over
//! collateral (优先受偿), rejected claims (驳回…诉讼请求), the appeal result, and the court fee
//! with who bears it. Amounts, dates and rates go through `extract`'s normalisers.
//!
//! Must not look at anything but the orders and fees text; nothing here panics on any text.

use super::money::{MoneyHit, MoneyKind, byte_at, classify, clauses, cutoff_date, sum_of};
use crate::domain::{Rate, Yuan};
use crate::extract::amount::find_amounts;
use crate::extract::date::find_dates;
use crate::extract::rate::{parse_penalty_rate, parse_rate};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An interest formula: interest on `base` at `rate` from `start` to `end` (or until paid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterestFormula {
    /// The base amount, when written (else the item's principal).
    pub base: Option<Yuan>,
    /// The yearly rate, when a figure is written (`None` for 基准利率, 合同约定…).
    pub rate: Option<Rate>,
    /// The rate as written (`年利率6%`, `中国人民银行同期贷款基准利率`), trimmed.
    pub rate_text: String,
    /// First day.
    pub start: Option<NaiveDate>,
    /// Last day, when a date is written.
    pub end: Option<NaiveDate>,
    /// True when it runs until payment (实际清偿之日, 判决确定的履行之日…).
    pub until_paid: bool,
}

/// One defendant held jointly liable (连带清偿责任 / 连带保证责任).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JointLiability {
    /// The defendant's name as the order writes it.
    pub defendant: String,
    /// The ceiling of the liability (最高额), when written.
    pub limit: Option<Yuan>,
}

/// A priority over collateral (优先受偿) or a pledge right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Priority {
    /// The item as written.
    pub text: String,
    /// The ceiling (最高额, 范围), when written.
    pub limit: Option<Yuan>,
}

/// What the orders reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rejection {
    /// Nothing rejected.
    None,
    /// 驳回…其他/其余诉讼请求: part of the claims.
    Others,
    /// 驳回…(全部)诉讼请求: all of them (against the defendants named).
    All,
}

/// The appeal result of a second-instance judgment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealResult {
    /// Not an appeal judgment, or not stated.
    None,
    /// 驳回上诉，维持原判.
    Dismissed,
    /// 撤销 / 变更 the first-instance judgment (in part or whole).
    Changed,
}

/// Who bears a share of the court fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeRole {
    /// 原告 / 申请人.
    Plaintiff,
    /// 被告 / 被申请人 (or named parties that are not the plaintiff).
    Defendants,
    /// 上诉人.
    Appellant,
    /// 被上诉人.
    Appellee,
}

/// One share of the court fee as ordered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeBearing {
    /// Who.
    pub role: FeeRole,
    /// The amount, when the share is stated (else the whole fee or the rest).
    pub amount: Option<Yuan>,
}

/// The court fee as ordered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderedFee {
    /// 案件受理费 as assessed.
    pub amount: Yuan,
    /// What is payable after halving (减半收取), when different.
    pub payable: Yuan,
    /// Who bears it.
    pub borne_by: Vec<FeeBearing>,
}

impl OrderedFee {
    /// True when the plaintiff (or, on appeal, the appellant) bears some of the fee while a
    /// defendant bears some too: a partial win.
    pub fn split(&self) -> bool {
        let p = self.borne_by.iter().any(|b| b.role == FeeRole::Plaintiff);
        let d = self.borne_by.iter().any(|b| b.role == FeeRole::Defendants);
        p && d
    }
}

/// The outcome class of a judgment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeClass {
    /// Every claim granted.
    Full,
    /// Some granted, some cut or rejected.
    Partial,
    /// All claims rejected.
    Rejected,
}

impl OutcomeClass {
    /// Every class, in a fixed order.
    pub const ALL: [OutcomeClass; 3] = [
        OutcomeClass::Full,
        OutcomeClass::Partial,
        OutcomeClass::Rejected,
    ];

    /// Schema name.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeClass::Full => "full",
            OutcomeClass::Partial => "partial",
            OutcomeClass::Rejected => "rejected",
        }
    }
}

/// The structured orders of a judgment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Orders {
    /// The operative clauses as written (item numbers dropped).
    pub items: Vec<String>,
    /// 本金 ordered paid (summed over items).
    pub principal: Option<Yuan>,
    /// 利息 + 罚息 + 复利 ordered as sums to a cut-off date.
    pub interest_sum: Option<Yuan>,
    /// The cut-off date of `interest_sum`, when written.
    pub interest_cutoff: Option<NaiveDate>,
    /// Interest ordered as formulas, in order.
    pub interest_formulas: Vec<InterestFormula>,
    /// 律师费.
    pub attorney_fee: Option<Yuan>,
    /// 违约金, 手续费 and other fees.
    pub other_fees: Option<Yuan>,
    /// Defendants held jointly liable.
    pub joint_liability: Vec<JointLiability>,
    /// Priorities over collateral.
    pub priorities: Vec<Priority>,
    /// What is rejected.
    pub rejection: Rejection,
    /// The appeal result.
    pub appeal: AppealResult,
    /// The court fee, when the fee sentence was read.
    pub court_fee: Option<OrderedFee>,
}

impl Orders {
    /// True when something is ordered paid.
    pub fn pays(&self) -> bool {
        self.principal.is_some()
            || self.interest_sum.is_some()
            || !self.interest_formulas.is_empty()
            || self.attorney_fee.is_some()
            || self.other_fees.is_some()
    }

    /// The outcome class from the orders alone: rejected when all claims are rejected and
    /// nothing is paid; partial when other claims are rejected or the plaintiff bears part of
    /// the fee; full when something is granted and nothing refused; `None` for an appeal
    /// dismissed (the first-instance result is not in the text) or when nothing is ordered.
    pub fn outcome(&self) -> Option<OutcomeClass> {
        let granted =
            self.pays() || !self.joint_liability.is_empty() || !self.priorities.is_empty();
        if self.appeal == AppealResult::Dismissed && !granted {
            return None;
        }
        if self.rejection == Rejection::All && !granted {
            return Some(OutcomeClass::Rejected);
        }
        if !granted {
            return None;
        }
        let fee_split = self.court_fee.as_ref().is_some_and(OrderedFee::split);
        if self.rejection != Rejection::None || fee_split {
            Some(OutcomeClass::Partial)
        } else {
            Some(OutcomeClass::Full)
        }
    }

    /// The formula that runs until payment (else the last one), for the one-formula schema.
    pub fn main_formula(&self) -> Option<&InterestFormula> {
        self.interest_formulas
            .iter()
            .find(|f| f.until_paid)
            .or(self.interest_formulas.last())
    }
}

const PAY_VERBS: &[&str] = &[
    "偿还", "归还", "支付", "给付", "偿付", "返还", "清偿", "赔偿", "付清", "还款", "交付",
];

/// True when the clause orders or claims a payment.
pub(crate) fn is_payment(clause: &str) -> bool {
    PAY_VERBS.iter().any(|v| clause.contains(v))
}

/// Cuts the delayed-performance clause (如果未按本判决指定的期间履行…) off the orders: it
/// starts at the beginning of the sentence holding `未按…判决…指定`.
fn strip_delay_clause(s: &str) -> &str {
    let cut = [
        "未按本判决指定",
        "未按判决指定",
        "未按本判决书指定",
        "未按照本判决指定",
        "逾期未履行给付金钱义务",
        "未按本判决确定",
        "迟延履行期间",
    ]
    .iter()
    .filter_map(|w| s.find(w))
    .min();
    match cut {
        Some(p) => {
            let head = &s[..p];
            let start = head.rfind(['。', '；']).map_or(0, |q| {
                q + head[q..].chars().next().map_or(1, char::len_utf8)
            });
            &s[..start]
        }
        None => s,
    }
}

/// Parses the orders section (from `判决如下` on) and the fees section.
pub fn parse_orders(orders: &str, fees: Option<&str>) -> Orders {
    let body = orders
        .find("如下")
        .map(|p| &orders[p + "如下".len()..])
        .unwrap_or(orders);
    let body = strip_delay_clause(body);
    let items = clauses(body);
    let mut o = Orders {
        items: items.clone(),
        principal: None,
        interest_sum: None,
        interest_cutoff: None,
        interest_formulas: Vec::new(),
        attorney_fee: None,
        other_fees: None,
        joint_liability: Vec::new(),
        priorities: Vec::new(),
        rejection: Rejection::None,
        appeal: AppealResult::None,
        court_fee: None,
    };
    let mut hits: Vec<MoneyHit> = Vec::new();
    for item in &items {
        let c = item.as_str();
        if c.contains("驳回上诉")
            || (c.contains("维持") && c.contains("判决") && !c.contains("撤销"))
        {
            if o.appeal == AppealResult::None {
                o.appeal = AppealResult::Dismissed;
            }
            continue;
        }
        if c.contains("撤销") || c.contains("变更") {
            o.appeal = AppealResult::Changed;
        }
        if c.contains("驳回") {
            let others = ["其他", "其它", "其余", "剩余", "超出部分", "过高部分"]
                .iter()
                .any(|w| c.contains(w));
            let r = if others {
                Rejection::Others
            } else {
                Rejection::All
            };
            if o.rejection != Rejection::Others {
                o.rejection = r;
            }
            continue;
        }
        if c.contains("连带") && c.contains("责任") {
            let limit = classify(c)
                .into_iter()
                .find(|h| h.kind == MoneyKind::Limit)
                .map(|h| h.value);
            for name in joint_names(c) {
                if !o.joint_liability.iter().any(|j| j.defendant == name) {
                    o.joint_liability.push(JointLiability {
                        defendant: name,
                        limit,
                    });
                }
            }
            continue;
        }
        if c.contains("优先受偿") || c.contains("质押权") || c.contains("抵押权") {
            let limit = classify(c)
                .into_iter()
                .find(|h| h.kind == MoneyKind::Limit)
                .map(|h| h.value);
            o.priorities.push(Priority {
                text: c.to_owned(),
                limit,
            });
            continue;
        }
        if c.contains("追偿") && !is_payment_before(c, "追偿") {
            continue;
        }
        if (c.contains("受理费") || c.contains("诉讼费")) && !is_payment(c) {
            continue;
        }
        if !is_payment(c) && find_amounts(c).is_empty() {
            continue;
        }
        let h = classify(c);
        if o.interest_cutoff.is_none() && h.iter().any(|x| x.kind == MoneyKind::Interest) {
            o.interest_cutoff = cutoff_date(c);
        }
        o.interest_formulas.extend(formulas(c, &h));
        hits.extend(h);
    }
    o.principal = sum_of(&hits, MoneyKind::Principal);
    o.interest_sum = sum_of(&hits, MoneyKind::Interest);
    o.attorney_fee = sum_of(&hits, MoneyKind::AttorneyFee);
    o.other_fees = sum_of(&hits, MoneyKind::OtherFee);
    o.court_fee = fees.and_then(parse_fee);
    o
}

/// True when a payment verb occurs before `word` (the clause pays and then mentions it).
fn is_payment_before(c: &str, word: &str) -> bool {
    let Some(p) = c.find(word) else { return false };
    is_payment(&c[..p]) && !c[..p].contains("责任")
}

/// The defendants named before `连带` in a joint-liability clause: `被告甲、乙对…承担连带清偿
/// 责任`, `由被告丙在最高额…范围内承担连带责任`, `被告丁以其…为限对…承担连带清偿责任`.
pub fn joint_names(clause: &str) -> Vec<String> {
    let Some(lianda) = clause.find("连带") else {
        return Vec::new();
    };
    let head = &clause[..lianda];
    let mut names = Vec::new();
    // Segments between commas; the names open a segment.
    let segments: Vec<&str> = head.split(['，', ',']).collect();
    let last_pay = segments
        .iter()
        .rposition(|s| is_payment(s) && !s.contains("责任"));
    for seg in segments.iter().skip(last_pay.map_or(0, |p| p + 1)) {
        let mut s = seg.trim();
        for p in [
            "请求依法判令",
            "请依法判令",
            "依法判令",
            "请求判令",
            "判令",
            "判决",
            "由",
            "二被告",
            "三被告",
            "各被告",
            "被告",
            "保证人",
            "担保人",
        ] {
            s = s.strip_prefix(p).unwrap_or(s);
        }
        let cut = [
            "对", "就", "以其", "以", "在", "承担", "均", "共同", "分别", "各自", "应", "自愿",
            "于", "为",
        ]
        .iter()
        .filter_map(|w| s.find(w))
        .min()
        .unwrap_or(s.len());
        if cut == 0 {
            continue;
        }
        for n in s[..cut].split(['、', '和', '及', '与']) {
            let n = n.trim().trim_start_matches("被告").trim();
            let chars = n.chars().count();
            if (2..=40).contains(&chars)
                && !n.chars().any(|c| c.is_ascii_digit())
                && !["上述", "本判决", "债务", "第", "款项", "原告", "借款"]
                    .iter()
                    .any(|w| n.contains(w))
                && !names.iter().any(|x: &String| x == n)
            {
                names.push(n.to_owned());
            }
        }
    }
    names
}

/// Phrases that end interest at payment.
const UNTIL_PAID: &[&str] = &[
    "实际清偿",
    "实际履行",
    "实际付清",
    "实际给付",
    "实际还款",
    "实际偿还",
    "清偿之日",
    "付清之日",
    "还清之日",
    "履行之日",
    "履行完毕之日",
    "给付之日",
    "还款之日",
    "清偿完毕",
    "款项付清",
    "本金付清",
    "全部清偿",
    "判决确定",
];

/// The interest formulas of one payment clause.
fn formulas(clause: &str, hits: &[MoneyHit]) -> Vec<InterestFormula> {
    let principal = hits
        .iter()
        .find(|h| h.kind == MoneyKind::Principal)
        .map(|h| h.value);
    let cutoff = cutoff_date(clause);
    let mut out = Vec::new();
    // Sub-clauses: split at semicolons inside brackets too, and at 。.
    let mut offset = 0usize;
    for sub in clause.split_inclusive(['；', ';', '。']) {
        let sub_start = offset;
        offset += sub.len();
        let ratey = [
            "利率",
            "利息",
            "罚息",
            "复利",
            "‰",
            "%",
            "％",
            "万分之",
            "月息",
            "日息",
            "年息",
        ]
        .iter()
        .any(|w| sub.contains(w));
        let dates = find_dates(sub);
        let start = dates.iter().find_map(|d| {
            let b = byte_at(sub, d.start);
            let before = &sub[..b];
            (before.ends_with('自') || before.ends_with('从') || before.ends_with("自从"))
                .then_some(d.date)
        });
        let until_paid = UNTIL_PAID.iter().any(|w| sub.contains(w));
        let after_cutoff = ["之后", "此后", "以后", "其后", "后的"]
            .iter()
            .any(|w| sub.contains(w));
        if !ratey || !(start.is_some() || until_paid) {
            continue;
        }
        let start = start.or_else(|| {
            after_cutoff
                .then_some(cutoff)
                .flatten()
                .and_then(|c| c.succ_opt())
        });
        let end = dates.iter().find_map(|d| {
            let b = byte_at(sub, d.start);
            let before = &sub[..b];
            let is_end =
                before.ends_with('至') || before.ends_with("计算至") || before.ends_with("计至");
            (is_end && Some(d.date) != start && start.is_none_or(|s| d.date > s)).then_some(d.date)
        });
        let base = hits
            .iter()
            .filter(|h| h.kind == MoneyKind::Base)
            .find(|h| h.start >= sub_start && h.start < offset)
            .map(|h| h.value)
            .or(principal);
        let (rate, rate_text) = rate_of(sub);
        out.push(InterestFormula {
            base,
            rate,
            rate_text,
            start,
            end: if until_paid { None } else { end },
            until_paid,
        });
    }
    out
}

/// The rate of a formula: a figure (with 上浮/加收 applied), or `None` for a reference rate.
fn rate_of(sub: &str) -> (Option<Rate>, String) {
    let anchor = [
        "按照",
        "按",
        "依照",
        "利率",
        "月息",
        "日息",
        "年息",
        "日万分之",
        "每日",
    ]
    .iter()
    .filter_map(|w| sub.find(w))
    .min()
    .unwrap_or(0);
    let text: String = sub[anchor..]
        .chars()
        .take_while(|c| !matches!(c, '，' | '；' | '。' | '）' | ')'))
        .take(40)
        .collect();
    let reference = [
        "基准利率",
        "同期",
        "人民银行",
        "有关规定",
        "相关规定",
        "LPR",
        "贷款市场报价利率",
    ]
    .iter()
    .any(|w| text.contains(w));
    if reference {
        return (None, text);
    }
    let base = parse_rate(&text, None);
    let rate = if ["上浮", "加收", "加付", "提高"]
        .iter()
        .any(|w| text.contains(w))
    {
        base.and_then(|b| {
            let rest = text.split_once(['%', '‰']).map_or("", |x| x.1);
            parse_penalty_rate(rest, Some(b), None).filter(|r| *r != b || rest.is_empty())
        })
        .or(base)
    } else {
        base
    };
    (rate, text)
}

/// Reads the fee sentence: `案件受理费X元，减半收取Y元，由原告负担A元，被告负担B元`.
pub fn parse_fee(fees: &str) -> Option<OrderedFee> {
    let body = fees;
    let first = find_amounts(body).into_iter().next()?;
    let amount = first.value;
    let after_first = &body[byte_at(body, first.end)..];
    let halved = after_first
        .find("减半")
        .filter(|p| *p < 30)
        .and_then(|p| find_amounts(&after_first[p..]).into_iter().next())
        .map(|m| m.value);
    let payable = if body.contains("已减半") {
        amount
    } else {
        halved.unwrap_or(amount)
    };
    let mut borne_by = Vec::new();
    for part in body.split(['，', '；', '。', ',']) {
        if !(part.contains("负担") || part.contains("承担") || part.contains("交纳")) {
            continue;
        }
        if part.contains("退") {
            continue;
        }
        let role = if part.contains("被上诉人") {
            FeeRole::Appellee
        } else if part.contains("上诉人") {
            FeeRole::Appellant
        } else if part.contains("原告") || part.contains("申请人") && !part.contains("被申请人")
        {
            FeeRole::Plaintiff
        } else {
            FeeRole::Defendants
        };
        let share = find_amounts(part)
            .into_iter()
            .filter(|m| {
                part[..byte_at(part, m.start)].contains("负担")
                    || part[..byte_at(part, m.start)].contains("承担")
                    || part[byte_at(part, m.end)..].starts_with("由")
            })
            .map(|m| m.value)
            .next_back()
            .or_else(|| {
                find_amounts(part)
                    .into_iter()
                    .map(|m| m.value)
                    .rfind(|v| *v != amount && *v != payable)
            });
        borne_by.push(FeeBearing {
            role,
            amount: share,
        });
    }
    Some(OrderedFee {
        amount,
        payable,
        borne_by,
    })
}
