//! [`suggest`]: from facts and findings to a suggested [`Outcome`]: per-item awards with their
//! arithmetic, guarantor liability, the procedure and document, the court fee and who bears it,
//! and the rule-derived 争议焦点.
//!
//! Simplifications, each stated in the outcome's reasons or trail so a judge sees it:
//! - interest is recomputed as simple interest on the principal from the default date (else the
//!   maturity date) to the cut-off date (else the filing date), period by period on the
//!   outstanding principal when a repayment ledger has payments inside that window, at the
//!   contract's day count when stated (else the court's); pre-default contractual interest is
//!   not modelled, so a claim above the recomputation is noted, not cut;
//! - the ceiling is tested on interest + other fees together (all-in cost, 法发〔2017〕22号 第2条
//!   \[M\], 民间借贷规定第二十九条 \[P\]); the cut falls on interest first, then on other fees;
//! - attendance, mediation and evidence are unknown to the rules: the outcome is for a judgment.

use super::config::RulesConfig;
use super::fee::{court_fee_with, preservation_fee_with};
use super::interest::{
    RULE_LEDGER, add_years, cap_for, ceiling_amount, day_count_for, day_count_rule, days_between,
    is_private_lending, ledger_interest, ledger_periods, pct, simple_interest,
    transition_later_cap,
};
use super::outcome::{Adjustment, AdjustmentReason};
use super::outcome::{
    Award, AwardItem, CaseEnding, CollateralPriority, ContinuingInterest, CourtFee, Disposition,
    DisputePoint, DocumentKind, FeeBearer, FeeShare, GuarantorDecision, InterestCap, Outcome,
    Procedure, RateCut, RefusedInterest, TrailStep,
};
use super::precheck::{
    guarantee_period_end, guarantee_period_expired, guarantor_demanded_in_time, limitation_end,
    limitation_expired, limitation_start, out_of_range,
};
use super::tables::threshold_at;
use crate::domain::{CaseFacts, CaseType, Finding, FindingCode, Rate, Severity, Yuan};

const RULE_PRINCIPAL: &str = "民法典第六百七十五条 [M]";
const RULE_DISBURSED: &str = "民法典第六百七十条 [P]";
const RULE_OVERDUE: &str = "民法典第六百七十六条 [P]";
const RULE_COSTS: &str = "民法典第六百九十一条（实现债权的费用） [P]";
const RULE_FEES_AS_INTEREST: &str = "法发〔2017〕22号 第2条 [M]；九民纪要第51条（变相利息） [M]";
const RULE_LIMITATION: &str = "民法典第一百八十八条 [P]";
const RULE_FEE_SPLIT: &str = "诉讼费用交纳办法第二十九条 [P]；民诉法解释第二百零三条 [P]";
const RULE_COMPOUND: &str = "民法典第六百七十六条 [P]；银发〔2003〕251号（复利按罚息利率） [M]";
const RULE_MORTGAGE: &str = "民法典第三百九十四条、第四百一十条 [P]";
const RULE_MAX_MORTGAGE: &str = "民法典第四百二十条 [P]";
const RULE_GUARANTOR_LIMITATION: &str = "民法典第六百九十四条第二款 [P]";
const RULE_NO_INTEREST: &str = "民间借贷规定（法释〔2020〕17号）第二十四条、第二十八条第二款 [P]";
const RULE_NPL_STOP: &str = "法发〔2009〕19号 第九条、第十二条 [S]；适用范围（地方资产管理公司、非国有银行债权）由法官确认 [M]";

/// Working state while the outcome is built.
struct Ctx<'a> {
    facts: &'a CaseFacts,
    cfg: &'a RulesConfig,
    cap: Option<InterestCap>,
    reasons: Vec<String>,
    disputes: Vec<DisputePoint>,
    review: bool,
}

impl Ctx<'_> {
    fn dispute(&mut self, title: &str, detail: String) {
        self.disputes.push(DisputePoint {
            title: title.to_owned(),
            source: "rules".to_owned(),
            detail,
        });
    }
}

/// The suggested outcome for `facts`. `findings` are those of `extract` and [`super::precheck()`];
/// the rule findings are re-derived from `facts` as well, so a caller that passes none still gets
/// a consistent outcome.
pub fn suggest(facts: &CaseFacts, findings: &[Finding], cfg: &RulesConfig) -> Outcome {
    let has = |c: FindingCode| findings.iter().any(|f| f.code == c);
    let mut cx = Ctx {
        facts,
        cfg,
        cap: cap_for(facts, cfg),
        reasons: Vec::new(),
        disputes: Vec::new(),
        review: false,
    };

    let bad = out_of_range(facts);
    if !bad.is_empty() {
        return out_of_range_outcome(facts, cfg, &bad);
    }
    if facts.image_only || has(FindingCode::NeedsOcr) {
        cx.review = true;
        cx.reasons
            .push("起诉材料含无文字层的扫描页，其内容尚未读取，需OCR或人工录入后核对".to_owned());
    }
    if facts.claims.principal.is_none() {
        cx.review = true;
        cx.reasons.push("未能读取诉请本金，无法计算".to_owned());
    }
    // Scanned pages read by OCR with a needed field uncertain: the judge checks the image.
    if let Some(f) = findings
        .iter()
        .find(|f| f.code == FindingCode::OcrRead && f.severity >= Severity::Review)
    {
        cx.review = true;
        cx.reasons.push(f.message.clone());
    }
    // Dates that contradict each other: nothing is reckoned from them; the judge checks them.
    let dates_doubtful = super::precheck::dates_in_doubt(facts);
    if let Some(why) = &dates_doubtful {
        cx.review = true;
        cx.reasons.push(format!(
            "{why}，日期可能识别有误，需核对后再判断诉讼时效与保证期间"
        ));
    }
    let limitation = dates_doubtful.is_none()
        && facts.limitation_raised != Some(false)
        && (has(FindingCode::LimitationExpired) || limitation_expired(facts, cfg).is_some());
    // A period the filing does not state gives a note, not the flag, but the suggestion still
    // reckons with the statutory six months (and says so in the guarantor's reason).
    let guarantee_expired = dates_doubtful.is_none()
        && (has(FindingCode::GuaranteePeriodExpired)
            || guarantee_period_expired(facts, cfg).is_some());

    let awards = if limitation {
        rejected_awards(&mut cx)
    } else {
        let mut awards = Vec::new();
        let principal = principal_award(&mut cx);
        let base = principal.as_ref().map(|a| a.awarded);
        awards.extend(principal);
        let (interest, other) = interest_and_fees(&mut cx, base);
        awards.extend(interest);
        if let Some(fee) = facts.claims.attorney_fee {
            awards.push(attorney_fee_award(&mut cx, fee));
        }
        awards.extend(other);
        awards
    };

    let guarantors = guarantor_decisions(&mut cx, limitation, guarantee_expired);
    let refused = (!limitation)
        .then(|| npl_refused_interest(&mut cx))
        .flatten();
    let rate_cut = (!limitation).then(|| claimed_rate_cut(&mut cx)).flatten();
    let pleading_cuts = if limitation {
        Vec::new()
    } else {
        unproven_interest(&mut cx).into_iter().collect()
    };
    let cut = refused.is_some()
        || rate_cut.is_some()
        || !pleading_cuts.is_empty()
        || awards.iter().any(Award::is_cut)
        || guarantors
            .iter()
            .any(|g| !g.liable && (guarantee_expired || g.reason.contains("第六百九十四条")));
    let disposition = if cx.review {
        Disposition::NeedsReview
    } else if limitation {
        Disposition::Rejected
    } else if cut {
        Disposition::Partial
    } else {
        Disposition::Full
    };
    limitation_dispute(&mut cx, limitation);

    let (procedure, document) = route(&mut cx, findings, disposition);
    let claimed = facts.claims.sum();
    let mut fee = court_fee_with(
        &cfg.fee_schedule,
        claimed,
        procedure,
        CaseEnding::Judgment,
        cfg.fee_rounding,
    );
    let awarded: Yuan = awards.iter().map(|a| a.awarded).sum();
    allocate_fee(&mut fee, facts, disposition, &guarantors, claimed, awarded);
    let preservation = facts.preservation_amount.map(|amount| {
        let mut p = preservation_fee_with(&cfg.preservation_schedule, amount, cfg.fee_rounding);
        allocate_fee(&mut p, facts, disposition, &guarantors, claimed, awarded);
        p
    });
    let priority = match disposition {
        Disposition::Full | Disposition::Partial => collateral_priority(&mut cx, awarded),
        _ => None,
    };

    let continuing = match disposition {
        Disposition::Full | Disposition::Partial => continuing_interest(&cx, &awards),
        _ => None,
    };
    let reason = match disposition {
        Disposition::Full => "全部诉讼请求有据，建议全部支持".to_owned(),
        Disposition::Partial => {
            "部分诉讼请求超出法定标准或缺乏依据，建议部分支持并驳回其他诉讼请求".to_owned()
        }
        Disposition::Rejected => "诉讼时效已届满，建议退回原告补充时效中断证据".to_owned(),
        Disposition::NeedsReview => "规则无法完成计算，需人工审查".to_owned(),
    };
    cx.reasons.insert(0, reason);

    Outcome {
        disposition,
        document,
        procedure,
        awards,
        guarantors,
        cap: cx.cap,
        continuing_interest: continuing,
        court_fee: fee,
        dispute_points: cx.disputes,
        reasons: cx.reasons,
        rules_version: format!("{}; profile={}", super::RULES_VERSION, cfg.profile),
        preservation_fee: preservation,
        collateral_priority: priority,
        assessment: None,
        interest_refused_after: refused,
        rate_cut,
        pleading_cuts,
    }
}

/// Interest of a private loan whose agreement the defence denies and the plaintiff's own
/// statement does not name: the lender bears the burden of proving the agreement; without it
/// period interest is refused (and between natural persons an unclear agreement counts as
/// none), overdue interest runs only from the due date, or from the demand or filing
/// (民间借贷规定 第二十四条、第二十八条第二款 \[P\]).
fn unproven_interest(cx: &mut Ctx<'_>) -> Option<AdjustmentReason> {
    let f = cx.facts;
    let asks = f.claims.interest.is_some() || f.claims.interest_until_paid;
    if !(f.interest_agreement_denied && asks && is_private_lending(f)) {
        return None;
    }
    let detail = "被告否认约定利息，原告陈述亦未载明利息约定：原告不能证明利息约定的，借期内利息不予支持，逾期利息自逾期之日（或催告、起诉之日）起计算".to_owned();
    cx.reasons.push(detail.clone());
    cx.dispute("是否约定利息", detail.clone());
    Some(AdjustmentReason {
        adjustment: Adjustment::InterestCapped,
        rule: RULE_NO_INTEREST.to_owned(),
        detail,
    })
}

/// The period interest is reckoned over: from the default (or maturity) date to the claims'
/// cut-off (or the filing date).
fn interest_period(facts: &CaseFacts) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
    (
        facts.default_date.or(facts.maturity_date),
        facts.claims.interest_cutoff_date.or(facts.filing_date),
    )
}

/// The ceiling for interest that runs on, with its rule: for a private loan formed before
/// 2020-08-20 and filed after it, the later one (第三十一条); else the case's own cap.
fn running_ceiling(cx: &Ctx<'_>) -> Option<(Rate, String)> {
    match transition_later_cap(cx.facts, cx.cfg) {
        Some((later, _)) => Some((later, super::interest::RULE_CAP_TRANSITION.to_owned())),
        None => cx.cap.as_ref().map(|c| (c.rate, c.rule.clone())),
    }
}

/// The all-in ceiling of private lending: interest, 违约金 and other charges together.
const RULE_ALL_IN: &str =
    "民间借贷规定（法释〔2020〕17号）第二十九条 [P]；法发〔2017〕22号 第2条（金融借款） [M]";

/// Claim by claim, from the claims alone: a rate asked above the ceiling is cut to it (the
/// interest item); a rate asked at the ceiling with 违约金 / 罚息 besides it cuts those
/// charges, since the ceiling holds for all of them together. Needs no dates, so it decides
/// also when the amounts cannot be reckoned.
fn claimed_rate_cut(cx: &mut Ctx<'_>) -> Option<RateCut> {
    let facts = cx.facts;
    let c = &facts.claims;
    // A stated sum the rules reckon is cut by the reckoning itself when it is above the
    // ceiling (and stands when it is not); the rate decides for a formula that runs on, for
    // charges besides interest, and for a sum whose period cannot be reckoned.
    let (start, end) = interest_period(facts);
    let reckoned = c.principal.is_some() && start.is_some() && end.is_some();
    let asks_interest =
        c.interest_until_paid || c.charges_besides_interest || (c.interest.is_some() && !reckoned);
    if !asks_interest {
        return None;
    }
    let claimed = match (facts.annual_interest_rate, facts.penalty_rate) {
        (Some(a), Some(p)) => a.max(p),
        (a, p) => a.or(p)?,
    };
    let (cap, rule) = running_ceiling(cx)?;
    let cut = if claimed > cap {
        RateCut {
            claimed,
            cap,
            on_other_charges: false,
            detail: format!(
                "诉请按年利率{}计息，超过上限{}，超出部分不予支持",
                pct(claimed),
                pct(cap)
            ),
            rule,
        }
    } else if claimed == cap && c.charges_besides_interest {
        RateCut {
            claimed,
            cap,
            on_other_charges: true,
            detail: format!(
                "利息已按上限年利率{}主张，另主张的违约金、罚息等合计超过上限，超出部分不予支持",
                pct(cap)
            ),
            rule: RULE_ALL_IN.to_owned(),
        }
    } else {
        return None;
    };
    cx.reasons.push(cut.detail.clone());
    Some(cut)
}

/// Interest the claims ask to run past an NPL assignee's assignment date (a cut-off date, or
/// `计至实际清偿之日`): refused after that date (法发〔2009〕19号 第九条 \[S\]), with a reason.
fn npl_refused_interest(cx: &mut Ctx<'_>) -> Option<RefusedInterest> {
    let facts = cx.facts;
    let after = npl_interest_stop(facts)?;
    let claims = &facts.claims;
    if !claims.interest_until_paid && claims.interest_cutoff_date.is_none() {
        return None;
    }
    cx.reasons.push(format!(
        "原告系不良债权受让人（非金融资产管理公司），诉请受让日{after}之后的利息，不予支持"
    ));
    Some(RefusedInterest {
        after,
        rule: RULE_NPL_STOP.to_owned(),
    })
}

/// The outcome when an amount or rate is out of range: nothing is computed.
fn out_of_range_outcome(facts: &CaseFacts, cfg: &RulesConfig, bad: &[&str]) -> Outcome {
    let mut fee = court_fee_with(
        &cfg.fee_schedule,
        Yuan::ZERO,
        Procedure::Ordinary,
        CaseEnding::Judgment,
        cfg.fee_rounding,
    );
    fee.trail.push(TrailStep::note(
        "诉请金额无法采信，诉讼费待核定",
        "诉讼费用交纳办法第十三条 [P]",
    ));
    Outcome {
        disposition: Disposition::NeedsReview,
        document: DocumentKind::None,
        procedure: Procedure::Ordinary,
        awards: Vec::new(),
        guarantors: Vec::new(),
        cap: cap_for(facts, cfg),
        continuing_interest: None,
        court_fee: fee,
        dispute_points: Vec::new(),
        reasons: vec![format!(
            "以下数值超出合理范围，疑为识别错误，需人工核对：{}",
            bad.join("、")
        )],
        rules_version: format!("{}; profile={}", super::RULES_VERSION, cfg.profile),
        preservation_fee: None,
        collateral_priority: None,
        assessment: None,
        interest_refused_after: None,
        rate_cut: None,
        pleading_cuts: Vec::new(),
    }
}

/// Every claimed item at zero: limitation has run (民法典第一百八十八条 \[P\]).
fn rejected_awards(cx: &mut Ctx<'_>) -> Vec<Award> {
    let c = &cx.facts.claims;
    let end = limitation_end(cx.facts, cx.cfg)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let text = format!(
        "诉讼时效自{}起算，至{end}届满，起诉日期{}在届满之后，不予支持",
        limitation_start(cx.facts)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        cx.facts
            .filing_date
            .map(|d| d.to_string())
            .unwrap_or_default()
    );
    cx.reasons.push(
        "注意：人民法院不得主动适用诉讼时效（民法典第一百九十三条 [M]），超过时效起诉的仍应受理（民诉法解释第二百一十九条 [M]）；本建议供立案前与原告沟通，是否驳回取决于被告是否提出时效抗辩".to_owned(),
    );
    [
        (AwardItem::Principal, c.principal),
        (AwardItem::Interest, c.interest),
        (AwardItem::AttorneyFee, c.attorney_fee),
        (AwardItem::OtherFees, c.other_fees),
    ]
    .into_iter()
    .filter_map(|(item, claimed)| {
        claimed.map(|amount| Award {
            item,
            claimed: Some(amount),
            awarded: Yuan::ZERO,
            trail: vec![TrailStep::amount(text.clone(), RULE_LIMITATION, Yuan::ZERO)],
        })
    })
    .collect()
}

/// 本金: as claimed. A claim above the contract's loan amount is not cut: it may sum several
/// loans or advances the filing does not list apart, and only the amount actually lent is owed
/// (民法典第六百七十条 \[P\]) once the evidence shows what was lent, so it is a point for the
/// judge (a 争议焦点), not an arithmetic cut. Measured on the CAIL2019 hand check, the cut was
/// wrong every time it fired (0 of 6).
fn principal_award(cx: &mut Ctx<'_>) -> Option<Award> {
    let claimed = cx.facts.claims.principal?;
    let mut trail = Vec::new();
    let awarded = match cx.facts.loan_amount {
        Some(loan) if claimed > loan => {
            trail.push(TrailStep::amount(
                format!(
                    "诉请本金{}元高于合同借款金额{}元，暂按诉请支持，需核对放款凭证（是否多笔借款或预扣利息）",
                    claimed.grouped(),
                    loan.grouped()
                ),
                RULE_DISBURSED,
                claimed,
            ));
            cx.reasons.push(format!(
                "诉请本金高于合同借款金额{}元，需法官核对实际出借金额",
                loan.grouped()
            ));
            cx.dispute(
                "借款本金数额",
                format!(
                    "诉请本金{}元高于合同借款金额{}元，需核对放款凭证",
                    claimed.grouped(),
                    loan.grouped()
                ),
            );
            claimed
        }
        Some(loan) => {
            trail.push(TrailStep::amount(
                format!(
                    "诉请本金{}元，不超过借款金额{}元，予以支持",
                    claimed.grouped(),
                    loan.grouped()
                ),
                RULE_PRINCIPAL,
                claimed,
            ));
            claimed
        }
        None => {
            trail.push(TrailStep::amount(
                format!(
                    "诉请本金{}元（借款金额未读取，未能比对），予以支持",
                    claimed.grouped()
                ),
                RULE_PRINCIPAL,
                claimed,
            ));
            claimed
        }
    };
    Some(Award {
        item: AwardItem::Principal,
        claimed: Some(claimed),
        awarded,
        trail,
    })
}

/// 利息 and 其他费用, tested together against the ceiling over the default → cut-off period.
fn interest_and_fees(cx: &mut Ctx<'_>, base: Option<Yuan>) -> (Option<Award>, Option<Award>) {
    let facts = cx.facts;
    let claimed_interest = facts.claims.interest;
    let claimed_other = facts.claims.other_fees;
    if claimed_interest.is_none() && claimed_other.is_none() {
        return (None, None);
    }
    let (start, end) = interest_period(facts);
    let npl_stop = npl_interest_stop(facts).filter(|a| end.is_some_and(|e| *a < e));
    let rate = facts.penalty_rate.or(facts.annual_interest_rate);
    let rate_name = if facts.penalty_rate.is_some() {
        "约定罚息利率"
    } else {
        "约定利率"
    };

    let (Some(base), Some(start), Some(end)) = (base, start, end) else {
        cx.review = true;
        cx.reasons
            .push("利息起止日期或本金不明，无法复核利息与上限".to_owned());
        let unchecked = |item, claimed: Option<Yuan>| {
            claimed.map(|c| Award {
                item,
                claimed: Some(c),
                awarded: c,
                trail: vec![TrailStep::amount(
                    format!(
                        "主张{}元；起止日期或本金不明，未能复核，暂按主张列示",
                        c.grouped()
                    ),
                    RULE_OVERDUE,
                    c,
                )],
            })
        };
        return (
            unchecked(AwardItem::Interest, claimed_interest),
            unchecked(AwardItem::OtherFees, claimed_other),
        );
    };
    let mut i_trail = Vec::new();
    let end = match npl_stop {
        Some(a) if a >= start => {
            i_trail.push(TrailStep::note(
                format!(
                    "原告系不良债权受让人（非金融资产管理公司），受让日{a}之后的利息不予支持：利息计至{a}（原主张计至{end}）"
                ),
                RULE_NPL_STOP,
            ));
            cx.reasons
                .push(format!("受让人主张受让日{a}之后的利息，不予支持"));
            a
        }
        _ => end,
    };
    let days = days_between(start, end);
    let (dc, dc_why) = day_count_for(facts, cx.cfg);
    let dc_rule = day_count_rule(facts);
    let period = format!("自{start}至{end}共{days}天，按每年{dc}天计（{dc_why}）");

    i_trail.push(TrailStep::note(period.clone(), dc_rule));
    let ledger = ledger_periods(base, &facts.repayments, start, end);
    // With the NPL stop, the interest to the assignment date at the agreed rate is the most
    // the assignee gets (纪要第九条: on the original principal, no interest after 受让日).
    let mut npl_limit: Option<Yuan> = None;
    if let Some(r) = rate {
        let at_rate = if ledger.len() > 1
            || facts
                .repayments
                .iter()
                .any(|p| p.date > start && p.date <= end && !p.interest.is_zero())
        {
            // A repayment ledger with payments inside the period: period by period on the
            // outstanding principal.
            i_trail.push(TrailStep::note(
                format!("按{rate_name}，依还款明细按各期本金余额分段复算"),
                RULE_LEDGER,
            ));
            let (net, steps) = ledger_interest(base, &facts.repayments, r, start, end, dc);
            i_trail.extend(steps);
            net
        } else {
            let (at_rate, text) = simple_interest(base, r, days, dc);
            let note = if facts.repayments.is_empty() {
                ""
            } else {
                "（还款明细所载还款均在起算日前，已反映在本金余额中）"
            };
            i_trail.push(TrailStep::amount(
                format!("按{rate_name}复算{note}：{text}"),
                RULE_OVERDUE,
                at_rate,
            ));
            at_rate
        };
        let mut recomputed = at_rate;
        if let Some(unpaid) = facts.unpaid_interest.filter(|u| !u.is_zero()) {
            let (compound, ctext) = simple_interest(unpaid, r, days, dc);
            i_trail.push(TrailStep::amount(
                format!("复利：以欠付利息为基数按{rate_name}计算：{ctext}"),
                RULE_COMPOUND,
                compound,
            ));
            recomputed = at_rate + compound;
            i_trail.push(TrailStep::amount(
                format!(
                    "复算利息合计：{} + {} = {}",
                    at_rate.grouped(),
                    compound.grouped(),
                    recomputed.grouped()
                ),
                RULE_OVERDUE,
                recomputed,
            ));
        }
        let at_rate = recomputed;
        if npl_stop.is_some() {
            npl_limit = Some(at_rate);
        }
        if let Some(ci) = claimed_interest
            && ci > at_rate
        {
            i_trail.push(TrailStep::note(
                format!(
                    "主张利息{}元高于按{rate_name}复算的{}元，差额{}元可能为期内利息或复利，需核对还款明细",
                    ci.grouped(),
                    at_rate.grouped(),
                    (ci - at_rate).grouped()
                ),
                RULE_OVERDUE,
            ));
        }
    } else {
        i_trail.push(TrailStep::note(
            "合同利率未读取，仅作上限审查",
            RULE_OVERDUE,
        ));
    }

    let Some(cap) = cx.cap.clone() else {
        // No numeric ceiling (credit card, case-by-case): award as claimed, flag for weighing.
        let note =
            "本院未设定信用卡利息费用的数额上限，按银行卡规定第二条由法官综合衡量".to_owned();
        cx.dispute("透支利息、违约金等费用是否过高", note.clone());
        let as_claimed = |item, claimed: Option<Yuan>, mut trail: Vec<TrailStep>| {
            claimed.map(|c| {
                trail.push(TrailStep::amount(
                    format!("{note}；按主张{}元列示", c.grouped()),
                    super::interest::RULE_CAP_CARD,
                    c,
                ));
                Award {
                    item,
                    claimed: Some(c),
                    awarded: c,
                    trail,
                }
            })
        };
        return (
            as_claimed(AwardItem::Interest, claimed_interest, i_trail),
            as_claimed(AwardItem::OtherFees, claimed_other, Vec::new()),
        );
    };

    let (ceiling, cap_steps, cap_text) = ceiling_amount(facts, cx.cfg, &cap, base, start, end);
    i_trail.extend(cap_steps.iter().cloned());
    let mut room = ceiling;
    let interest = claimed_interest.map(|ci| {
        let capped = ci.min(room);
        i_trail.push(TrailStep::amount(
            format!(
                "主张利息{}元，以上限为限：min({}, {}) = {}",
                ci.grouped(),
                ci.grouped(),
                ceiling.grouped(),
                capped.grouped()
            ),
            cap.rule.clone(),
            capped,
        ));
        let awarded = match npl_limit {
            Some(limit) if limit < capped => {
                i_trail.push(TrailStep::amount(
                    format!(
                        "受让日前按约定利率复算的利息{}元为限：min({}, {}) = {}",
                        limit.grouped(),
                        capped.grouped(),
                        limit.grouped(),
                        limit.grouped()
                    ),
                    RULE_NPL_STOP,
                    limit,
                ));
                limit
            }
            _ => capped,
        };
        room = room - awarded;
        Award {
            item: AwardItem::Interest,
            claimed: Some(ci),
            awarded,
            trail: std::mem::take(&mut i_trail),
        }
    });
    let other = claimed_other.map(|co| {
        let awarded = co.min(room);
        let trail = vec![
            TrailStep::note(period.clone(), dc_rule),
        ]
        .into_iter()
        .chain(cap_steps.iter().cloned())
        .chain([
            TrailStep::amount(
                format!(
                    "违约金、手续费等其他费用视为资金成本，与利息合计不超过上限：剩余额度{} − {} = {}；min({}, {}) = {}",
                    ceiling.grouped(),
                    (ceiling - room).grouped(),
                    room.grouped(),
                    co.grouped(),
                    room.grouped(),
                    awarded.grouped()
                ),
                RULE_FEES_AS_INTEREST,
                awarded,
            ),
        ])
        .collect();
        Award { item: AwardItem::OtherFees, claimed: Some(co), awarded, trail }
    });

    let claimed_cost = claimed_interest.unwrap_or(Yuan::ZERO) + claimed_other.unwrap_or(Yuan::ZERO);
    let over_rate = [facts.annual_interest_rate, facts.penalty_rate]
        .into_iter()
        .flatten()
        .any(|r| r > cap.rate);
    let detail = if claimed_cost > ceiling {
        let basis = match transition_later_cap(facts, cx.cfg) {
            Some((later, _)) => format!(
                "按2020年8月19日前年利率{}、此后年利率{}分段计算",
                pct(cx.cfg.private_lending_pre_2020_cap),
                pct(later)
            ),
            None => format!("以年利率{}计算", pct(cap.rate)),
        };
        cx.reasons.push(format!(
            "利息及其他费用合计{}元超过{basis}的上限{}元，超出部分不予支持",
            claimed_cost.grouped(),
            ceiling.grouped()
        ));
        format!(
            "{}。主张利息及费用合计{}元，上限{}元（{}），超出{}元",
            cap.reason,
            claimed_cost.grouped(),
            ceiling.grouped(),
            cap_text,
            (claimed_cost - ceiling).grouped()
        )
    } else {
        format!(
            "{}。主张利息及费用合计{}元，未超过上限{}元（{}）{}",
            cap.reason,
            claimed_cost.grouped(),
            ceiling.grouped(),
            cap_text,
            if over_rate {
                "；但约定利率超过上限，判后利息应以上限为限"
            } else {
                ""
            }
        )
    };
    cx.dispute("利息、罚息及其他费用的计算及是否超过法定上限", detail);
    (interest, other)
}

/// 律师费: supported as claimed; it needs proof (agency contract and payment).
fn attorney_fee_award(cx: &mut Ctx<'_>, claimed: Yuan) -> Award {
    cx.dispute(
        "律师费是否实际发生及金额是否合理",
        format!(
            "主张律师费{}元；需审查借款合同是否约定由借款人负担实现债权的费用，以及委托代理合同、发票或付款凭证",
            claimed.grouped()
        ),
    );
    Award {
        item: AwardItem::AttorneyFee,
        claimed: Some(claimed),
        awarded: claimed,
        trail: vec![TrailStep::amount(
            format!(
                "主张律师费{}元，属实现债权的费用，以代理合同及付款凭证为证，按主张支持",
                claimed.grouped()
            ),
            RULE_COSTS,
            claimed,
        )],
    }
}

/// One decision per guarantor: joint liability unless the guarantee period ran out (or limitation).
fn guarantor_decisions(
    cx: &mut Ctx<'_>,
    limitation: bool,
    expired: bool,
) -> Vec<GuarantorDecision> {
    let facts = cx.facts;
    let mut out = Vec::new();
    for g in facts.guarantors() {
        let (liable, reason) = if limitation {
            (
                false,
                "主债务诉讼时效届满，保证人可主张主债务人的抗辩（民法典第七百零一条 [M]）"
                    .to_owned(),
            )
        } else if expired {
            (
                false,
                format!(
                    "保证期间至{}届满{}，原告未在保证期间内向保证人主张权利，保证人不再承担保证责任（民法典第六百九十三条第二款 [P]）",
                    guarantee_period_end(facts, cx.cfg)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    if facts.guarantee_period_months.is_none() {
                        "（起诉材料未载明保证期间，按法定六个月计算，请核对保证合同）"
                    } else {
                        ""
                    }
                ),
            )
        } else if let Some(demand) = facts
            .guarantor_demand_date
            .filter(|_| guarantor_demanded_in_time(facts, cx.cfg))
            && let Some(own_end) = add_years(demand, cx.cfg.limitation_years)
            && facts.filing_date.is_some_and(|f| f > own_end)
        {
            (
                false,
                format!(
                    "原告于{demand}在保证期间内向保证人主张权利，保证债务诉讼时效自该日起算至{own_end}届满，起诉时已超过（{RULE_GUARANTOR_LIMITATION}）"
                ),
            )
        } else if !facts.claims.joint_liability {
            (false, "原告未请求保证人承担连带清偿责任".to_owned())
        } else if let Some(demand) = facts
            .guarantor_demand_date
            .filter(|_| guarantor_demanded_in_time(facts, cx.cfg))
        {
            (
                true,
                format!(
                    "原告于{demand}在保证期间（至{}）内向保证人主张权利，保证人对借款人的债务承担连带清偿责任（民法典第六百八十八条、第六百九十一条、第六百九十三条第二款 [P]），承担保证责任后有权向借款人追偿（民法典第七百条 [P]）",
                    guarantee_period_end(facts, cx.cfg)
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                ),
            )
        } else {
            (
                true,
                "保证人在保证期间内被主张权利，对借款人的债务承担连带清偿责任（民法典第六百八十八条、第六百九十一条 [P]），承担保证责任后有权向借款人追偿（民法典第七百条 [P]）".to_owned(),
            )
        };
        out.push(GuarantorDecision {
            name: g.name.clone(),
            liable,
            reason,
        });
    }
    if !out.is_empty() {
        let end = guarantee_period_end(facts, cx.cfg)
            .map(|d| d.to_string())
            .unwrap_or_else(|| "不明（到期日未读取）".to_owned());
        let mut detail = format!("保证期间届满日：{end}；");
        for g in &out {
            detail.push_str(&format!("{}：{}。", g.name, g.reason));
        }
        if facts.case_type == Some(CaseType::CreditCard) {
            detail.push_str("信用卡债务通常无保证，需核查保证合同。");
        }
        detail.push_str(
            "注意保证方式未约定或约定不明的为一般保证（民法典第六百八十六条第二款 [P]）。",
        );
        cx.dispute("保证人是否承担连带保证责任及保证期间是否届满", detail);
        if expired && !limitation {
            cx.reasons
                .push("保证期间已届满，对保证人的诉讼请求不予支持".to_owned());
        }
    }
    out
}

fn limitation_dispute(cx: &mut Ctx<'_>, expired: bool) {
    let facts = cx.facts;
    match (limitation_start(facts), limitation_end(facts, cx.cfg)) {
        (Some(start), Some(end)) if expired => cx.dispute(
            "诉讼时效是否届满",
            format!(
                "时效自{start}起算，至{end}届满，起诉日期{}；需审查催收记录、扣款记录等中断证据（民法典第一百九十五条 [P]）",
                facts.filing_date.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
        (None, _) => cx.dispute(
            "诉讼时效是否届满",
            "到期日、逾期日、催收日均未读取，无法计算诉讼时效".to_owned(),
        ),
        _ => {}
    }
}

/// Procedure and document: payment order when requested and eligible, else small claims by the
/// province threshold, simplified for clear cases, ordinary otherwise.
fn route(
    cx: &mut Ctx<'_>,
    findings: &[Finding],
    disposition: Disposition,
) -> (Procedure, DocumentKind) {
    let facts = cx.facts;
    let claimed = facts.claims.sum();
    let doc = match disposition {
        Disposition::Full | Disposition::Partial => DocumentKind::Judgment,
        Disposition::Rejected | Disposition::NeedsReview => DocumentKind::None,
    };
    if facts.payment_order_requested {
        let mut why_not = Vec::new();
        if disposition != Disposition::Full {
            why_not.push("请求金额须全部有据且不超过法定标准（民诉法解释第四百二十八条 [P]）");
        }
        if facts.guarantors().next().is_some() {
            why_not
                .push("支付令对保证人没有拘束力，案件列有保证人（民诉法解释第四百三十四条 [P]）");
        }
        let due = facts.default_date.is_some()
            || matches!((facts.maturity_date, facts.filing_date), (Some(m), Some(f)) if m <= f);
        if !due {
            why_not.push("未能确认债务已到期（民诉法解释第四百二十七条 [P]）");
        }
        if facts.debtors().next().is_none() {
            why_not.push("未列明债务人");
        }
        if why_not.is_empty() {
            cx.reasons.push("原告申请支付令，债务到期、金额确定、无保证人，适用督促程序（民事诉讼法第二百二十五条 [P]）".to_owned());
            return (Procedure::PaymentOrder, DocumentKind::PaymentOrder);
        }
        cx.reasons.push(format!(
            "原告申请支付令，但不符合条件：{}；按诉讼程序处理",
            why_not.join("；")
        ));
    }
    let unclear: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity >= Severity::Review)
        .filter(|f| {
            matches!(
                f.code,
                FindingCode::ClaimsTotalMismatch
                    | FindingCode::AmountWordsMismatch
                    | FindingCode::MissingField
            )
        })
        .map(|f| f.code.as_str())
        .collect();
    if !unclear.is_empty() || disposition == Disposition::NeedsReview {
        if doc == DocumentKind::Judgment && !unclear.is_empty() {
            cx.reasons.push(format!(
                "诉请金额存在疑点（{}），事实尚需查明，建议适用普通程序",
                unclear.join("、")
            ));
        }
        return (Procedure::Ordinary, doc);
    }
    let threshold = facts
        .filing_date
        .and_then(|d| threshold_at(&cx.cfg.small_claims, &cx.cfg.province, d));
    let procedure = match threshold {
        Some(t) if claimed <= t.mandatory_max => {
            cx.reasons.push(format!(
                "标的额{}元不超过{}小额诉讼标准{}元（{}起施行，{}），应适用小额诉讼程序，一审终审（民事诉讼法第一百六十五条 [P]）",
                claimed.grouped(),
                t.province,
                t.mandatory_max.grouped(),
                t.effective_from,
                t.source
            ));
            Procedure::SmallClaims
        }
        Some(t) => {
            let optional = if claimed <= t.optional_max {
                format!(
                    "；不超过{}元，双方约定的可适用小额诉讼程序",
                    t.optional_max.grouped()
                )
            } else {
                String::new()
            };
            cx.reasons.push(format!(
                "标的额{}元超过{}小额诉讼标准{}元{optional}；事实清楚、权利义务关系明确，建议适用简易程序（民事诉讼法第一百六十条 [P]）",
                claimed.grouped(),
                t.province,
                t.mandatory_max.grouped()
            ));
            Procedure::Simplified
        }
        None => {
            cx.reasons.push(format!(
                "未找到{}在起诉日的小额诉讼标准；事实清楚，建议适用简易程序（民事诉讼法第一百六十条 [P]）",
                cx.cfg.province
            ));
            Procedure::Simplified
        }
    };
    (procedure, doc)
}

/// Splits the fee: defendants (jointly) in proportion to what is supported, the plaintiff the
/// rest (办法第二十九条 \[P\]); a payment order's fee falls on the debtor (第三十六条 \[P\]).
fn allocate_fee(
    fee: &mut CourtFee,
    facts: &CaseFacts,
    disposition: Disposition,
    guarantors: &[GuarantorDecision],
    claimed: Yuan,
    awarded: Yuan,
) {
    let plaintiff: Vec<String> = facts.plaintiff.iter().map(|p| p.name.clone()).collect();
    let mut defendants: Vec<String> = facts.debtors().map(|d| d.name.clone()).collect();
    defendants.extend(
        guarantors
            .iter()
            .filter(|g| g.liable)
            .map(|g| g.name.clone()),
    );
    let payable = fee.payable;
    let (to_defendants, text) = match disposition {
        Disposition::NeedsReview => {
            fee.trail.push(TrailStep::note(
                "待人工审查后确定诉讼费负担",
                RULE_FEE_SPLIT,
            ));
            return;
        }
        Disposition::Rejected => (
            Yuan::ZERO,
            format!("诉讼请求不予支持，{}元由原告负担", payable.grouped()),
        ),
        _ if fee.kind == super::outcome::FeeKind::PaymentOrderApplication => (
            payable,
            format!(
                "支付令申请费{}元由被申请人负担（被申请人异议致程序终结的，由申请人负担，办法第三十六条 [P]）",
                payable.grouped()
            ),
        ),
        _ if claimed.is_zero() || awarded >= claimed => (
            payable,
            format!("诉讼请求全部支持，{}元由被告负担", payable.grouped()),
        ),
        _ => {
            let share =
                Yuan::new(payable.as_decimal() * awarded.as_decimal() / claimed.as_decimal());
            (
                share,
                format!(
                    "按支持比例分担：{} × {}/{} = {}（被告负担），原告负担{} − {} = {}",
                    payable.grouped(),
                    awarded.grouped(),
                    claimed.grouped(),
                    share.grouped(),
                    payable.grouped(),
                    share.grouped(),
                    (payable - share).grouped()
                ),
            )
        }
    };
    if to_defendants > Yuan::ZERO {
        fee.allocation.push(FeeShare {
            bearer: FeeBearer::Defendants,
            parties: defendants,
            amount: to_defendants,
        });
    }
    let rest = payable - to_defendants;
    if rest > Yuan::ZERO {
        fee.allocation.push(FeeShare {
            bearer: FeeBearer::Plaintiff,
            parties: plaintiff,
            amount: rest,
        });
    }
    fee.trail
        .push(TrailStep::amount(text, RULE_FEE_SPLIT, to_defendants));
}

/// Interest after the cut-off: on the awarded principal at the (penalty) rate, never above the cap.
/// The assignment date after which an NPL assignee's interest stops: the plaintiff took a
/// non-performing bank claim by assignment (案由 NPL assignment), is not a 金融资产管理公司, and
/// the assignment came after 法发〔2009〕19号 (2009-03-30; it is not retroactive, 第十二条 \[S\]).
/// The 纪要 protects enterprise debtors (第九条 names 国有企业债务人); an individual borrower's
/// debt (a card, a consumer loan) bought by a company keeps its contract interest, so the rule
/// applies only when the borrower is an organisation.
fn npl_interest_stop(facts: &CaseFacts) -> Option<chrono::NaiveDate> {
    use crate::domain::{DefendantRole, PlaintiffKind};
    let a = facts.npl_assignment_date?;
    let assignee = facts.case_type == Some(CaseType::NplAssignment)
        && facts
            .plaintiff
            .as_ref()
            .is_some_and(|p| p.kind != PlaintiffKind::Amc);
    let enterprise_debtor = facts
        .defendants
        .iter()
        .find(|d| matches!(d.role, DefendantRole::Borrower | DefendantRole::Cardholder))
        .is_some_and(|d| PlaintiffKind::of_name(&d.name) != PlaintiffKind::Person);
    (assignee && enterprise_debtor && a >= chrono::NaiveDate::from_ymd_opt(2009, 3, 30)?)
        .then_some(a)
}

fn continuing_interest(cx: &Ctx<'_>, awards: &[Award]) -> Option<ContinuingInterest> {
    let facts = cx.facts;
    if npl_interest_stop(facts).is_some() {
        // No interest runs after the assignment date (法发〔2009〕19号 第九条 [S]).
        return None;
    }
    let base = awards
        .iter()
        .find(|a| a.item == AwardItem::Principal)?
        .awarded;
    let from = facts.claims.interest_cutoff_date?.succ_opt()?;
    let agreed: Rate = facts.penalty_rate.or(facts.annual_interest_rate)?;
    let cap_rate = running_ceiling(cx).map(|(rate, _)| rate);
    let (rate, capped) = match cap_rate {
        Some(c) if agreed > c => (c, true),
        _ => (agreed, false),
    };
    Some(ContinuingInterest {
        from,
        base,
        rate,
        capped,
    })
}

/// 优先受偿: the plaintiff is paid first from the collateral's proceeds for the awarded debt
/// (民法典第三百九十四条, 第四百一十条 \[P\]), within the registered maximum of a ceiling mortgage
/// (第四百二十条 \[P\]). `None` without collateral facts.
fn collateral_priority(cx: &mut Ctx<'_>, awarded: Yuan) -> Option<CollateralPriority> {
    let c = cx.facts.collateral.as_ref()?;
    let plaintiff = cx
        .facts
        .plaintiff
        .as_ref()
        .map_or("原告".to_owned(), |p| format!("原告{}", p.name));
    let owner = c
        .owner
        .clone()
        .or_else(|| {
            cx.facts
                .defendants
                .iter()
                .find(|d| d.role == crate::domain::DefendantRole::Mortgagor)
                .map(|d| d.name.clone())
        })
        .or_else(|| cx.facts.debtors().next().map(|d| d.name.clone()));
    let mut trail = vec![TrailStep::amount(
        format!(
            "抵押担保的主债权为判决支持的款项合计{}元；抵押权人有权就抵押财产折价或者拍卖、变卖所得价款优先受偿（需核对抵押登记，不动产抵押自登记时设立，民法典第四百零二条 [P]）",
            awarded.grouped()
        ),
        RULE_MORTGAGE,
        awarded,
    )];
    let secured = match c.max_amount {
        Some(max) => {
            let s = awarded.min(max);
            trail.push(TrailStep::amount(
                format!(
                    "最高额抵押，以最高债权额为限：min({}, {}) = {}",
                    awarded.grouped(),
                    max.grouped(),
                    s.grouped()
                ),
                RULE_MAX_MORTGAGE,
                s,
            ));
            s
        }
        None => awarded,
    };
    let whose = owner
        .as_deref()
        .map_or(String::new(), |o| format!("被告{o}名下"));
    let what = c.description.trim_start_matches(&whose[..]).to_owned();
    let cert = c
        .certificate_number
        .as_deref()
        .map_or(String::new(), |n| format!("（权证号：{n}）"));
    let range = match c.max_amount {
        Some(max) => format!("在最高债权额{}元范围内", max.grouped()),
        None => "在上述债务范围内".to_owned(),
    };
    let text = format!(
        "{plaintiff}对{whose}{what}{cert}折价或者拍卖、变卖所得价款，{range}享有优先受偿权"
    );
    cx.dispute(
        "原告对抵押财产是否享有优先受偿权",
        format!("{text}；需核对抵押合同及抵押登记证明"),
    );
    Some(CollateralPriority {
        owner,
        description: c.description.clone(),
        certificate_number: c.certificate_number.clone(),
        max_amount: c.max_amount,
        secured,
        text,
        trail,
    })
}
