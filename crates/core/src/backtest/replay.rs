//! Replay: build [`CaseFacts`] from what the court had before deciding (header and parties,
//! claims, defence, facts; never the reasoning or the orders), then run the rules
//! ([`precheck()`], [`suggest()`]) for the suggested outcome.
//!
//! The claims are read with the same clause reader as the orders, so the claimed and the
//! actual amounts are comparable. Facts are read with `extract`'s normalisers: rates from the
//! sentences that name a 利率, dates next to 签订 / 到期 / 催收 / 起诉. Nothing here panics.

use super::money::{MoneyKind, byte_at, classify, clauses, cutoff_date, sum_of, tail};
use super::orders::{is_payment, joint_names};
use super::split::{Judgment, Section};
use crate::domain::{
    CaseFacts, CaseType, Claims, Collateral, Defendant, DefendantRole, Plaintiff, PlaintiffKind,
    Rate, Yuan,
};
use crate::extract::amount::find_amounts;
use crate::extract::assignment::assignment_to_plaintiff;
use crate::extract::date::find_dates;
use crate::extract::rate::{parse_penalty_rate, parse_rate};
use crate::rules::{Outcome, RulesConfig, precheck, suggest};
use chrono::NaiveDate;

/// What the claims section asks for, read clause by clause.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimedItems {
    /// 本金 claimed.
    pub principal: Option<Yuan>,
    /// 利息 + 罚息 + 复利 claimed as sums.
    pub interest_sum: Option<Yuan>,
    /// The cut-off date of the interest sum.
    pub interest_cutoff: Option<NaiveDate>,
    /// 律师费 claimed.
    pub attorney_fee: Option<Yuan>,
    /// Other fees claimed.
    pub other_fees: Option<Yuan>,
    /// Defendants asked to bear joint liability.
    pub joint_liability_defendants: Vec<String>,
    /// True when priority over collateral is asked.
    pub priority: bool,
    /// True when interest is asked to run until payment (a formula, not only a sum).
    pub continuing_interest: bool,
    /// The highest yearly rate the requests name for interest, 逾期利息, 违约金 or 资金占用费
    /// (`按月利率2%计算`, `月息1分5`, `按日0.15%计算的违约金`): what the court tests against
    /// the ceiling, whatever the contract said.
    pub rate: Option<Rate>,
    /// 违约金, 罚息 or 滞纳金 asked besides interest (see `Claims::charges_besides_interest`).
    pub charges_besides_interest: bool,
}

/// Where a request list starts: the phrases that introduce the items asked for.
const REQUEST_MARKS: &[&str] = &[
    "诉讼请求",
    "请求判令",
    "请依法判令",
    "请求依法判令",
    "请求依法判决",
    "请求判决",
    "请求法院",
    "请求人民法院",
    "请求：",
    "上诉请求",
    "要求判令",
    "起诉要求",
    "诉至法院，要求",
    "诉至本院，要求",
    "诉请",
];

/// Where an amended request list starts: the final pleading counts (变更诉讼请求).
const AMENDMENT_MARKS: &[&str] = &[
    "变更诉讼请求为",
    "变更诉讼请求：",
    "变更后的诉讼请求",
    "变更诉请为",
    "将诉讼请求变更为",
    "诉讼请求变更为",
];

/// Where a request list ends.
const REQUEST_ENDS: &[&str] = &[
    "事实和理由",
    "事实与理由",
    "事实及理由",
    "主要理由",
    "理由如下",
];

/// The request part of a claims section: from the last amendment (变更诉讼请求为…) if there
/// is one, else from the first request phrase (诉讼请求 / 请求判令 / 请依法判令 / 上诉请求 …),
/// up to 事实和理由. A claims section with no request phrase is a narrative: only its
/// sentences that ask for something (要求 / 请求 / 判令) are kept, never the story of the loan,
/// whose amounts would otherwise be read as claimed.
pub(crate) fn request_part(claims: &str) -> std::borrow::Cow<'_, str> {
    let amended = AMENDMENT_MARKS.iter().filter_map(|w| claims.rfind(w)).max();
    let start = amended.or_else(|| REQUEST_MARKS.iter().filter_map(|w| claims.find(w)).min());
    let Some(start) = start else {
        let asks: Vec<&str> = claims
            .split_inclusive(['。', '；'])
            .filter(|s| ["要求", "请求", "判令"].iter().any(|w| s.contains(w)))
            .collect();
        return std::borrow::Cow::Owned(asks.concat());
    };
    let rest = &claims[start..];
    // The costs item (`本案诉讼费用由被告承担`) is the last item of a request list: what
    // follows it is the plaintiff's story, whose amounts are not claims.
    let after_costs = rest
        .split_inclusive(['。', '；'])
        .scan(0usize, |at, s| {
            *at += s.len();
            Some((*at, s))
        })
        .find(|(_, s)| {
            (s.contains("诉讼费") || s.contains("受理费") || s.contains("诉讼费用"))
                && (s.contains("承担") || s.contains("负担"))
        })
        .map(|(at, _)| at);
    let end = REQUEST_ENDS
        .iter()
        .filter_map(|w| rest.find(w))
        .chain(after_costs)
        .min()
        .unwrap_or(rest.len());
    std::borrow::Cow::Borrowed(&rest[..end])
}

/// Reads the claimed items of a claims section.
pub fn read_claims(claims: &str) -> ClaimedItems {
    let req = request_part(claims);
    let mut out = ClaimedItems::default();
    let mut hits = Vec::new();
    // Joint-liability clauses that also ask for a payment (`判令二被告连带承担偿还贷款本金
    // 20000元及利息的责任`): read for their amounts only when no other clause claims any, since
    // a guarantor's clause usually repeats amounts claimed from the borrower already.
    let mut joint_payments = Vec::new();
    for c in clauses(&req) {
        if c.contains("连带") && c.contains("责任") {
            for n in joint_names(&c) {
                if !out.joint_liability_defendants.contains(&n) {
                    out.joint_liability_defendants.push(n);
                }
            }
            joint_payments.extend(joint_payment_parts(&c));
            continue;
        }
        if c.contains("优先受偿") || c.contains("抵押权") || c.contains("质押权") {
            out.priority = true;
            // A clause that also asks for payment (`偿还本金…，并判令原告对抵押物有抵押权`)
            // is read for its amounts.
            if !is_payment(&c) {
                continue;
            }
        }
        if (c.contains("诉讼费") || c.contains("受理费")) && !is_payment(&c) {
            continue;
        }
        let h = classify(&c);
        if out.interest_cutoff.is_none() && h.iter().any(|x| x.kind == MoneyKind::Interest) {
            out.interest_cutoff = cutoff_date(&c);
        }
        if [
            "实际",
            "清偿之日",
            "付清之日",
            "还清之日",
            "履行之日",
            "给付之日",
        ]
        .iter()
        .any(|w| c.contains(w))
        {
            out.continuing_interest = true;
        }
        if let Some(r) = claimed_rate(&c) {
            out.rate = Some(out.rate.map_or(r, |o: Rate| o.max(r)));
        }
        hits.extend(h);
    }
    if hits.is_empty() {
        for c in &joint_payments {
            hits.extend(classify(c));
        }
    }
    out.charges_besides_interest = ["违约金", "罚息", "滞纳金"].iter().any(|w| req.contains(w))
        && (req.contains("利息") || req.contains("利率"));
    out.principal = sum_of(&hits, MoneyKind::Principal);
    out.interest_sum = sum_of(&hits, MoneyKind::Interest);
    out.attorney_fee = sum_of(&hits, MoneyKind::AttorneyFee);
    out.other_fees = sum_of(&hits, MoneyKind::OtherFee);
    out
}

/// Words that make a request clause's rate a rate charged for the money (interest, 罚息,
/// 违约金, 资金占用费), not a fee's percentage.
const RATE_CHARGES: &[&str] = &[
    "利息",
    "利率",
    "月息",
    "年息",
    "日息",
    "违约金",
    "罚息",
    "资金占用",
];

/// The highest yearly rate a request clause names for what it charges (see
/// [`ClaimedItems::rate`]), read part by part between commas and brackets. A rate tied to a
/// benchmark without a figure (`按中国人民银行同期贷款利率的四倍`) is not read.
fn claimed_rate(clause: &str) -> Option<Rate> {
    if !RATE_CHARGES.iter().any(|w| clause.contains(w)) {
        return None;
    }
    clause
        .split(['，', ',', '（', '）', '(', ')', '；', '：'])
        // An uplift (`上浮50%`, `加收50%`) or a multiple of a benchmark is not a rate.
        .filter(|p| !is_uplift(p) && !p.contains("诉讼费") && !p.contains("受理费"))
        .filter_map(|p| parse_rate(p, None))
        .filter(|r| r.fraction() > rust_decimal::Decimal::ZERO)
        .max()
}

/// The parts of a joint-liability clause that ask for a payment: a comma-separated part that
/// pays without `连带` (`判决被告甲清偿原告借款本金3万元及利息，被告乙对…2万元承担连带清偿
/// 责任` → the first part), or what follows `连带` when a payment verb follows it (`判令二被告
/// 连带承担偿还贷款本金20000元` → `承担偿还贷款本金20000元`). An amount before `连带` is the
/// scope of a guarantee (`对借款本金2万元承担连带清偿责任`), not a claim.
fn joint_payment_parts(clause: &str) -> Vec<String> {
    comma_parts(clause)
        .into_iter()
        .filter_map(|part| match part.find("连带") {
            None => is_payment(part).then(|| part.to_owned()),
            Some(at) => {
                let after = &part[at..];
                is_payment(after).then(|| after.to_owned())
            }
        })
        .collect()
}

/// `s` split at its commas, except a comma between two digits (`2，000，000元`: a thousands
/// separator).
fn comma_parts(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut from = 0;
    let mut prev: Option<char> = None;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let thousands =
            prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit());
        if (c == '，' || c == ',') && !thousands {
            parts.push(&s[from..i]);
            from = i + c.len_utf8();
        }
        prev = Some(c);
    }
    parts.push(&s[from..]);
    parts
}

/// The lender kind from the plaintiff's name: banks, credit cooperatives, consumer-finance and
/// small-loan companies are licensed (domain §2.1 \[P\]; 法释〔2020〕27号 \[P\] for 小额贷款公司,
/// mapped to `ConsumerFinance` as the licensed non-bank kind the domain types have); else
/// [`PlaintiffKind::of_name`] (asset-management company, company, person).
pub fn lender_kind(name: &str) -> PlaintiffKind {
    if name.contains("小额贷款") && !name.contains("担保") {
        PlaintiffKind::ConsumerFinance
    } else {
        PlaintiffKind::of_name(name)
    }
}

/// Stops a party name: the first of these ends it.
const NAME_STOPS: &[&str] = &[
    "诉称",
    "起诉",
    "向本院",
    "提出",
    "请求",
    "辩称",
    "称",
    "于",
    "对",
    "与",
    "和",
    "及",
    "，",
    "。",
    "、",
    "（",
    "(",
    "：",
    ":",
    "因",
    "的",
    "为",
    "系",
    "在",
    "经",
    "未",
    "偿还",
    "归还",
    "返还",
    "付还",
    "清偿",
    "给付",
    "立即",
    "共同",
    "连带",
    "向原告",
    "应于",
    "应当",
    "支付",
    "承担",
    "不服",
];

fn name_after(text: &str, marker: &str) -> Option<String> {
    let p = text.find(marker)? + marker.len();
    let rest = text[p..].trim_start_matches(['：', ':', ' ']);
    let end = NAME_STOPS
        .iter()
        .filter_map(|w| rest.find(w))
        .min()
        .unwrap_or(rest.len());
    let name = rest[..end].trim();
    let n = name.chars().count();
    ((2..=40).contains(&n)).then(|| name.to_owned())
}

/// The plaintiff's name from the header or the claims (`原告X诉称`, `原告X向本院提出诉讼请求`);
/// on appeal, the 被上诉人（原审原告） or the appellant who was the plaintiff.
pub fn plaintiff_name(j: &Judgment) -> Option<String> {
    let before = j.before_decision();
    for marker in ["原审原告", "原告"] {
        if let Some(n) = name_after(&before, marker) {
            return Some(n);
        }
    }
    None
}

/// The first defendant named in the claims or header (`被告X`).
fn first_defendant(text: &str) -> Option<String> {
    name_after(text, "被告")
}

/// The sentences of `text` (split at 。；), with their byte starts.
fn sentences(text: &str) -> Vec<&str> {
    text.split(['。', '；', ';'])
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// The first date right after one of `markers` (within a few chars) in `s`.
fn date_near(s: &str, markers: &[&str], window: usize) -> Option<NaiveDate> {
    find_dates(s).into_iter().find_map(|d| {
        let b = byte_at(s, d.start);
        let before: String = s[..b]
            .chars()
            .rev()
            .take(window)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        markers.iter().any(|m| before.contains(m)).then_some(d.date)
    })
}

/// Facts read from the facts section (and the claims' narrative when there are no facts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct FactReadings {
    contract_date: Option<NaiveDate>,
    loan_amount: Option<Yuan>,
    rate: Option<Rate>,
    penalty_rate: Option<Rate>,
    maturity: Option<NaiveDate>,
    last_demand: Option<NaiveDate>,
    filing: Option<NaiveDate>,
    guarantee_months: Option<u32>,
    /// The principal found still owed (`尚欠借款本金X元`), the last one stated.
    outstanding: Option<Yuan>,
}

/// Words before the principal still owed.
const OWED: &[&str] = &[
    "尚欠本金",
    "尚欠借款本金",
    "尚欠贷款本金",
    "尚欠借款",
    "尚欠贷款",
    "尚欠",
    "欠款本金",
    "剩余本金",
    "未还本金",
    "未偿还本金",
    "拖欠本金",
    "欠付本金",
];

fn read_facts(text: &str) -> FactReadings {
    let mut f = FactReadings::default();
    let mut loans: Vec<Yuan> = Vec::new();
    for s in sentences(text) {
        if f.contract_date.is_none() && (s.contains("签订") || s.contains("签署")) {
            f.contract_date = find_dates(s).first().map(|d| d.date);
        }
        let lent_here =
            (s.contains("借款") || s.contains("贷款") || s.contains("发放")) && !s.contains("最高");
        for m in find_amounts(s) {
            let near = tail(s, byte_at(s, m.start), 8);
            if lent_here
                && ["借款", "贷款", "发放", "借给", "金额"]
                    .iter()
                    .any(|w| near.contains(w))
                && !near.contains("余额")
            {
                loans.push(m.value);
            }
            if OWED.iter().any(|w| near.contains(w)) && !near.contains("利息") {
                f.outstanding = Some(m.value);
            }
        }
        let has_rate = ["利率", "月息", "年息", "日息", "利息按"]
            .iter()
            .any(|w| s.contains(w));
        if has_rate {
            let penalty = s.contains("罚息") || s.contains("逾期");
            if f.rate.is_none()
                && let Some(r) = rate_in(s, penalty)
            {
                f.rate = Some(r);
            }
            if penalty
                && f.penalty_rate.is_none()
                && let Some(p) = s.find("罚息").or_else(|| s.find("逾期"))
            {
                f.penalty_rate = parse_penalty_rate(&s[p..], f.rate, f.contract_date)
                    .filter(|r| f.rate.is_none_or(|b| *r >= b));
            }
        }
        if f.maturity.is_none() {
            f.maturity = date_near(s, &["到期", "至", "还款期限", "还款日"], 6)
                .filter(|_| s.contains("期限") || s.contains("到期") || s.contains("还款日"));
        }
        if ["催收", "催告", "催讨", "催款", "主张权利", "公告"]
            .iter()
            .any(|w| s.contains(w))
        {
            for d in find_dates(s) {
                if f.last_demand.is_none_or(|l| d.date > l) {
                    f.last_demand = Some(d.date);
                }
            }
        }
        if f.filing.is_none() && (s.contains("起诉") || s.contains("立案") || s.contains("诉至"))
        {
            f.filing =
                date_near(s, &["于", "日"], 4).or_else(|| find_dates(s).last().map(|d| d.date));
        }
        if f.guarantee_months.is_none() && s.contains("保证期间") {
            f.guarantee_months = if s.contains("三年") {
                Some(36)
            } else if s.contains("两年") || s.contains("二年") || s.contains("2年") {
                Some(24)
            } else if s.contains("六个月") || s.contains("6个月") {
                Some(6)
            } else {
                None
            };
        }
    }
    // One loan amount, written once or repeated: the amount lent. Several different amounts
    // (several loans, partial disbursements) are not summed: the cap on principal is skipped.
    loans.dedup();
    if let [one] = loans.as_slice() {
        f.loan_amount = Some(*one);
    }
    f
}

/// The contract (or penalty) rate of a sentence, never an uplift percentage.
fn rate_in(s: &str, penalty: bool) -> Option<Rate> {
    let from = ["利率", "月息", "年息", "日息"]
        .iter()
        .filter_map(|w| s.find(w))
        .min()?;
    let mut t = &s[from..];
    if penalty && let Some(p) = t.find("罚息").or_else(|| t.find("逾期")) {
        t = &t[..p];
    }
    t.split(['，', ',', '；', '（', '）'])
        .filter(|p| !is_uplift(p))
        .find_map(|p| parse_rate(p, None))
}

/// A part that states an uplift (`上浮50%`, `加收50%`, `加50%`) or a multiple (`1.5倍`), not
/// a rate.
fn is_uplift(part: &str) -> bool {
    [
        "倍",
        "上浮",
        "加收",
        "上调",
        "基础上",
        "浮动",
        "加50",
        "加30",
        "加百分之",
    ]
    .iter()
    .any(|w| part.contains(w))
}

/// The case type from the plaintiff kind and the words of the text.
fn case_type(kind: PlaintiffKind, text: &str) -> CaseType {
    if text.contains("信用卡") {
        CaseType::CreditCard
    } else if text.contains("民间借贷") && !kind.is_licensed() {
        CaseType::PrivateLending
    } else if kind == PlaintiffKind::Amc
        || text.contains("不良债权")
        // A factoring (保理) assigns receivables, not a non-performing loan.
        || (text.contains("债权转让") && !text.contains("保理"))
    {
        CaseType::NplAssignment
    } else if kind.is_licensed() {
        CaseType::FinancialLoan
    } else {
        CaseType::PrivateLending
    }
}

/// Whether the defence invokes 诉讼时效: `None` when the judgment has no defence section (an
/// excerpt), else whether that section names it (a defendant who did not answer raised
/// nothing).
fn limitation_raised(j: &Judgment) -> Option<bool> {
    let d = j.section(Section::Defence)?;
    Some(d.contains("时效"))
}

/// Words of a defence that denies any interest agreement.
const NO_INTEREST: &[&str] = &[
    "没有约定利息",
    "未约定利息",
    "并未约定利息",
    "从未约定利息",
    "没有约定过利息",
    "未约定过利息",
    "无息借款",
    "无息借",
    "不计利息",
    "没有利息约定",
];

/// Words of a plaintiff's statement that name an interest agreement.
const AGREED_INTEREST: &[&str] = &[
    "约定利息",
    "约定月利",
    "约定年利",
    "约定利率",
    "约定月息",
    "约定年息",
    "约定借款利率",
    "利息为",
    "月息",
    "年息",
    "承诺按",
];

/// Whether the defence denies an interest agreement (`双方没有约定利息`, `无息借款`) that the
/// plaintiff's statement does not name either; `false` without a defence section.
fn interest_agreement_denied(j: &Judgment) -> bool {
    let Some(d) = j.section(Section::Defence) else {
        return false;
    };
    let claims = j.section(Section::Claims).unwrap_or("");
    NO_INTEREST.iter().any(|w| d.contains(w)) && !AGREED_INTEREST.iter().any(|w| claims.contains(w))
}

/// Builds the facts of a judgment from its header, claims, defence and facts only.
pub fn facts_of(j: &Judgment, id: &str) -> (CaseFacts, ClaimedItems) {
    let claims_text = j.section(Section::Claims).unwrap_or("");
    let claimed = read_claims(claims_text);
    let before = j.before_decision();
    let facts_text = j
        .section(Section::Facts)
        .map(str::to_owned)
        .unwrap_or_else(|| before.clone());
    let fr = read_facts(&facts_text);
    let fr_all = read_facts(&before);
    let name = plaintiff_name(j);
    let kind = name.as_deref().map_or(PlaintiffKind::Company, lender_kind);
    // The assignment to the plaintiff itself (not a notice of it, not an earlier link).
    let assignment = assignment_to_plaintiff(&facts_text, name.as_deref())
        .or_else(|| assignment_to_plaintiff(&before, name.as_deref()))
        .map(|a| a.date);
    let mut defendants = Vec::new();
    if let Some(b) =
        first_defendant(&request_part(claims_text)).or_else(|| first_defendant(&before))
    {
        defendants.push(Defendant {
            name: b,
            role: DefendantRole::Borrower,
        });
    }
    for g in &claimed.joint_liability_defendants {
        if !defendants.iter().any(|d| &d.name == g) {
            defendants.push(Defendant {
                name: g.clone(),
                role: DefendantRole::Guarantor,
            });
        }
    }
    let collateral = claimed.priority.then(|| Collateral {
        description: "抵押物（起诉状所列）".to_owned(),
        ..Collateral::default()
    });
    let last_demand = fr.last_demand.or(fr_all.last_demand);
    let facts = CaseFacts {
        id: id.to_owned(),
        case_type: Some(case_type(kind, &before)),
        plaintiff: name.map(|n| Plaintiff { name: n, kind }),
        defendants,
        contract_date: fr.contract_date.or(fr_all.contract_date),
        loan_amount: fr.loan_amount.or(fr_all.loan_amount),
        // The rate the requests name is what the court tests against the ceiling: a plaintiff
        // who already claims less than the contract rate asks for nothing above it.
        annual_interest_rate: claimed.rate.or(fr.rate).or(fr_all.rate),
        maturity_date: fr.maturity.or(fr_all.maturity),
        claims: Claims {
            // A claims section whose principal cannot be read (a claim cut from an excerpt,
            // or written only as a total): the principal the facts find still owed.
            // It cannot exceed what was lent: a larger "尚欠" figure is a total of
            // several debts or includes interest, and the loan amount is read instead.
            principal: claimed
                .principal
                .or(match (fr.outstanding, fr.loan_amount) {
                    (Some(owed), Some(lent)) if owed > lent => Some(lent),
                    (owed, _) => owed,
                }),
            interest: claimed.interest_sum,
            interest_cutoff_date: claimed.interest_cutoff,
            interest_until_paid: claimed.continuing_interest,
            attorney_fee: claimed.attorney_fee,
            other_fees: claimed.other_fees,
            joint_liability: !claimed.joint_liability_defendants.is_empty(),
            stated_total: None,
            charges_besides_interest: claimed.charges_besides_interest,
        },
        filing_date: fr_all.filing,
        // A rate the requests name replaces the contract's penalty rate as well: it is what
        // is asked for the overdue period.
        penalty_rate: if claimed.rate.is_some() {
            None
        } else {
            fr.penalty_rate.or(fr_all.penalty_rate)
        },
        guarantee_period_months: fr.guarantee_months.or(fr_all.guarantee_months),
        last_demand_date: last_demand,
        guarantor_demand_date: last_demand,
        collateral,
        limitation_raised: limitation_raised(j),
        interest_agreement_denied: interest_agreement_denied(j),
        npl_assignment_date: assignment,
        ..CaseFacts::default()
    };
    (facts, claimed)
}

/// Replays a judgment: facts from before the decision, then precheck and suggest.
pub fn replay(j: &Judgment, id: &str, cfg: &RulesConfig) -> (CaseFacts, ClaimedItems, Outcome) {
    let (facts, claimed) = facts_of(j, id);
    let findings = precheck(&facts, cfg);
    let outcome = suggest(&facts, &findings, cfg);
    (facts, claimed, outcome)
}

#[cfg(test)]
mod claim_forms {
    use super::*;
    use crate::domain::Yuan;
    use std::str::FromStr;

    fn y(s: &str) -> Option<Yuan> {
        Some(Yuan::from_str(s).unwrap())
    }

    /// The one request of a narrative is a joint-liability clause that also asks for payment:
    /// its amounts are the claims, and the defendants are not named `请依法判令二被告`.
    #[test]
    fn a_joint_clause_that_asks_for_payment_is_read_when_it_is_the_only_request() {
        let c = read_claims(
            "原告丁某诉称，被告戊某向信用社借款未还，被告己某为其担保。请依法判令二被告连带承担偿还贷款本金20000元及利息的责任。",
        );
        assert_eq!(c.principal, y("20000"));
        assert!(c.joint_liability_defendants.is_empty(), "{c:?}");
        // Thousands written with full-width commas stay one amount.
        let c = read_claims(
            "请求判令：1、甲公司向乙公司偿还借款本金2，000，000元，丙某承担连带清偿责任；2、本案诉讼费由甲公司、丙某共同承担。",
        );
        assert_eq!(c.principal, y("2000000"));
        // A payment part beside the guarantor's scope: the scope is not claimed.
        let c = read_claims(
            "请求法院依法判决被告甲某清偿原告借款本金3万元及利息，被告乙某对被告甲某借款本金2万元承担连带清偿责任；本案诉讼费由被告承担。",
        );
        assert_eq!(c.principal, y("30000"));
        // Only a guarantor's scope, the principal itself unnamed: nothing claimed is read.
        let c = read_claims(
            "请求：1、判决被告归还原告借款本金及利息；2、被告丙某、被告丁某各自承担归还借款本金计200，000元的连带清偿责任；3、诉讼费被告承担。",
        );
        assert_eq!(c.principal, None);
        // With a payment clause of its own, the guarantor's clause adds nothing.
        let c = read_claims(
            "诉讼请求：一、判令被告戊某偿还借款本金20000元；二、判令被告己某对上述借款本金20000元承担连带清偿责任。",
        );
        assert_eq!(c.principal, y("20000"));
        assert_eq!(c.joint_liability_defendants, vec!["己某".to_owned()]);
    }

    /// Sentences that ran together (`…合计经审理，本院认定…`): the requests stay in the claims
    /// section instead of going to the facts with the sentence that holds the facts phrase.
    #[test]
    fn requests_run_into_the_facts_phrase_stay_claims() {
        let text = "原告甲公司起诉称：乙支行向丙公司发放贷款15000000元，丙公司未还。为维护自身合法权益，原告起诉要求：1.判令丙公司归还贷款本金15000000元，利息2219300元（利息暂计算至2014年4月21日），合计经审理，本院认定的事实与原告诉称的一致。本院认为，借款合同合法有效。判决如下：一、丙公司归还贷款本金15000000元。";
        let j = super::super::split::split(text);
        let claims = j
            .section(super::super::split::Section::Claims)
            .unwrap_or("");
        let c = read_claims(claims);
        assert_eq!(c.principal, y("15000000"), "{claims}");
        assert_eq!(c.interest_sum, y("2219300"));
        let facts = j.section(super::super::split::Section::Facts).unwrap_or("");
        assert!(facts.starts_with("本院认定"), "{facts}");
        // An excerpt that opens with the request (`…请求判决：一、…`) has a claims section.
        let text = "综上所述，为了依法维护原告的合法权益，请求判决：一、被告偿还借款本金人民币1，560，000.00元给原告；二、本案诉讼费用由被告承担。经审理查明：被告向信用社借款1，560，000.00元未还。本院认为，应予支持。判决如下：一、被告偿还原告借款本金1560000元。";
        let j = super::super::split::split(text);
        let c = read_claims(
            j.section(super::super::split::Section::Claims)
                .unwrap_or(""),
        );
        assert_eq!(c.principal, y("1560000"));
    }

    /// The rate a request names is read per part: `月息1分5`, `按月利率3％`, `日0.15％`;
    /// never an uplift (`上浮50%`) or a multiple of a benchmark; the highest one counts.
    /// 违约金 beside interest is noted.
    #[test]
    fn the_claimed_rate_is_read_from_the_requests() {
        let rate = |s: &str| read_claims(s).rate.map(|r| r.to_string());
        assert_eq!(
            rate(
                "请求判令被告归还借款10万元，并支付利息（以10万元为基数，按月息1分5计算，至本金还清之日止）。"
            ),
            Some(Rate::yearly(rust_decimal::Decimal::new(18, 2)).to_string())
        );
        assert_eq!(
            rate(
                "请求判令：1、被告偿还借款本金2465万元；2、按月利率3％支付自2014年5月22日起至本金还清之日止的利息。"
            ),
            Some(Rate::yearly(rust_decimal::Decimal::new(36, 2)).to_string())
        );
        assert_eq!(
            rate("诉讼请求：被告支付借款利息及违约金至实际还清之日止（按日0.15％计算）。"),
            Some(Rate::yearly(rust_decimal::Decimal::new(54, 2)).to_string())
        );
        assert_eq!(
            rate("诉讼请求：被告偿还借款本金30万元及按中国人民银行同期贷款利率的四倍计算的利息。"),
            None
        );
        assert_eq!(
            rate("诉讼请求：被告偿还贷款本金100万元及罚息（在合同利率基础上上浮50%计算）。"),
            None
        );
        let c = read_claims(
            "诉讼请求：被告偿还借款20万元及利息（按年利率24％计算），并支付违约金2万元。",
        );
        assert!(c.charges_besides_interest);
        assert!(
            !read_claims("诉讼请求：被告偿还借款20万元及利息（按年利率24％计算）。")
                .charges_besides_interest
        );
    }

    /// A defence that denies an interest agreement counts only when the plaintiff's own
    /// statement names none.
    #[test]
    fn a_denied_interest_agreement_needs_a_silent_statement() {
        let denied = |text: &str| interest_agreement_denied(&super::super::split::split(text));
        assert!(denied(
            "原告甲诉称：被告向原告借款5万元未还，请求判令被告偿还借款5万元及利息。被告乙辩称：双方没有约定利息，借款已部分归还。"
        ));
        assert!(!denied(
            "原告甲诉称：被告向原告借款5万元，约定月息2分，请求判令被告偿还借款5万元及利息。被告乙辩称：双方没有约定利息。"
        ));
        assert!(!denied(
            "原告甲诉称：被告向原告借款5万元未还，请求判令被告偿还借款5万元及利息。被告乙未到庭参加诉讼。"
        ));
    }
}
