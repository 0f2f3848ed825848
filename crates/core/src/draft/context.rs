//! The template context: everything a template prints, already worded and formatted (amounts
//! grouped, dates in Chinese), so templates stay pure layout. Sentences that carry a figure are
//! [`Para`]s of segments; a segment with an anchor becomes a link to its calculation trail.

use crate::domain::{CaseFacts, DefendantRole, Finding, Yuan};
use crate::rules::interest::pct;
use crate::rules::{Award, AwardItem, Disposition, FeeBearer, Outcome, Procedure, TrailStep};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{Attendance, DraftOptions};

/// The anchor of the court-fee trail.
pub const FEE_ANCHOR: &str = "trail-court-fee";

/// One run of text; with an anchor it links to a trail (`<a href="#anchor">`), with a source
/// to the page and span of the filing it was read from.
#[derive(Debug, Clone, Serialize)]
pub struct Seg {
    text: String,
    anchor: Option<&'static str>,
    src: Option<SrcRef>,
}

/// Where a printed figure was read from: the source appendix's entry id and the span.
#[derive(Debug, Clone, Serialize)]
pub struct SrcRef {
    id: String,
    page: u32,
    start: u32,
    end: u32,
}

/// One entry of the source appendix: a field the draft prints, with the filing's words for it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceLine {
    id: String,
    field: String,
    label: &'static str,
    page: u32,
    start: u32,
    end: u32,
    text: String,
}

/// The facts field a trail's figure was claimed under (`None`: computed by the court, e.g.
/// the court fee, so it has a trail but no source span).
fn field_of_anchor(anchor: &str) -> Option<(&'static str, &'static str)> {
    match anchor {
        "trail-principal" => Some(("claims.principal", "诉请本金")),
        "trail-interest" => Some(("claims.interest", "诉请利息")),
        "trail-attorney-fee" => Some(("claims.attorney_fee", "诉请律师费")),
        "trail-other-fees" => Some(("claims.other_fees", "诉请其他费用")),
        _ => None,
    }
}

/// Links every figure whose claimed value has provenance to its source span, and returns the
/// source appendix (one entry per field, in order of first use).
fn attach_sources<'a>(
    paras: impl IntoIterator<Item = &'a mut Para>,
    provenance: Option<&crate::domain::Provenance>,
) -> Vec<SourceLine> {
    let mut lines: Vec<SourceLine> = Vec::new();
    let Some(prov) = provenance else {
        return lines;
    };
    for para in paras {
        for seg in &mut para.segs {
            let Some((field, label)) = seg.anchor.and_then(field_of_anchor) else {
                continue;
            };
            let Some(span) = prov.get(field) else {
                continue;
            };
            let id = format!("src-{field}");
            seg.src = Some(SrcRef {
                id: id.clone(),
                page: span.page,
                start: span.start,
                end: span.end,
            });
            if !lines.iter().any(|l| l.id == id) {
                lines.push(SourceLine {
                    id,
                    field: field.to_owned(),
                    label,
                    page: span.page,
                    start: span.start,
                    end: span.end,
                    text: span.text.clone(),
                });
            }
        }
    }
    lines
}

/// A sentence or paragraph made of segments.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Para {
    segs: Vec<Seg>,
}

impl Para {
    fn t(mut self, s: impl Into<String>) -> Para {
        self.segs.push(Seg {
            text: s.into(),
            anchor: None,
            src: None,
        });
        self
    }

    /// An amount that links to its trail, printed with grouping (`1,234.50`).
    fn a(mut self, amount: Yuan, anchor: &'static str) -> Para {
        self.segs.push(Seg {
            text: amount.grouped(),
            anchor: Some(anchor),
            src: None,
        });
        self
    }
}

/// One party line.
#[derive(Debug, Clone, Serialize)]
pub struct PartyLine {
    role: String,
    name: String,
}

/// One step of a trail as printed.
#[derive(Debug, Clone, Serialize)]
pub struct StepLine {
    text: String,
    rule: String,
}

/// One calculation trail as printed at the end of a draft.
#[derive(Debug, Clone, Serialize)]
pub struct TrailBlock {
    anchor: &'static str,
    title: String,
    summary: String,
    steps: Vec<StepLine>,
}

/// A titled paragraph (dispute point, finding).
#[derive(Debug, Clone, Serialize)]
pub struct Titled {
    title: String,
    detail: String,
}

/// The whole template context.
#[derive(Debug, Clone, Serialize)]
pub struct DraftContext {
    court: String,
    case_number: String,
    cause: String,
    plaintiff: String,
    debtors: String,
    parties: Vec<PartyLine>,
    procedure_paragraph: String,
    defence: String,
    filing_date_zh: String,
    small_claims: bool,
    claims: Vec<Para>,
    facts_found: Vec<String>,
    reasoning: Vec<String>,
    dispute_points: Vec<Titled>,
    legal_basis: String,
    items: Vec<Para>,
    delay_clause: &'static str,
    fee_paragraph: Para,
    appeal_notice: String,
    judge: String,
    clerk: String,
    date_zh: String,
    notice_title: String,
    reasons: Vec<String>,
    findings: Vec<Titled>,
    trails: Vec<TrailBlock>,
    sources: Vec<SourceLine>,
    rules_version: String,
    template_version: String,
    model_version: String,
}

pub use crate::domain::date_zh;

/// 2024-07-02 → `二〇二四年七月二日` (signature block).
pub fn date_zh_numerals(d: NaiveDate) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let year: String = d
        .year()
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10).and_then(|i| DIGITS.get(i as usize)).copied())
        .collect();
    format!("{year}年{}月{}日", small_zh(d.month()), small_zh(d.day()))
}

/// 1..=99 in Chinese numerals (`十`, `十二`, `二十一`).
pub fn small_zh(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |i: u32| D.get(i as usize).copied().unwrap_or("");
    match n {
        0..=9 => digit(n).to_owned(),
        10..=19 => format!(
            "十{}",
            if n.is_multiple_of(10) {
                ""
            } else {
                digit(n % 10)
            }
        ),
        20..=99 => format!(
            "{}十{}",
            digit(n / 10),
            if n.is_multiple_of(10) {
                ""
            } else {
                digit(n % 10)
            }
        ),
        _ => n.to_string(),
    }
}

/// Text for the body of a court document: the verification tags (` \[P\]`, ` \[M\]`, ` \[S\]`) that
/// the rules keep for reviewers are dropped; they stay in the trail appendix.
fn court_text(s: &str) -> String {
    s.replace(" [P]", "")
        .replace(" [M]", "")
        .replace(" [S]", "")
        .replace(" [P/M]", "")
}

/// Ends a sentence with `。` unless it already ends with punctuation.
fn end_sentence(s: &str) -> String {
    if s.ends_with(['。', '；', '！', '？']) {
        s.to_owned()
    } else {
        format!("{s}。")
    }
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(date_zh)
        .unwrap_or_else(|| "____年__月__日".to_owned())
}

fn join_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join("、")
}

const DELAY_CLAUSE: &str = "如果未按本判决指定的期间履行给付金钱义务，应当依照《中华人民共和国民事诉讼法》第二百六十四条规定，加倍支付迟延履行期间的债务利息。";

/// Builds the context for any of the three templates.
pub fn build(
    facts: &CaseFacts,
    findings: &[Finding],
    outcome: &Outcome,
    opts: &DraftOptions,
    template_version: &str,
) -> DraftContext {
    let plaintiff = facts
        .plaintiff
        .as_ref()
        .map_or_else(|| "____".to_owned(), |p| p.name.clone());
    let debtors = {
        let s = join_names(facts.debtors().map(|d| d.name.as_str()));
        if s.is_empty() {
            join_names(
                facts
                    .defendants
                    .iter()
                    .filter(|d| d.role != DefendantRole::Guarantor)
                    .map(|d| d.name.as_str()),
            )
        } else {
            s
        }
    };
    let debtors = if debtors.is_empty() {
        "____".to_owned()
    } else {
        debtors
    };
    let payment_order = outcome.procedure == Procedure::PaymentOrder;
    let (pl_role, def_role) = if payment_order {
        ("申请人", "被申请人")
    } else {
        ("原告", "被告")
    };
    let mut parties = vec![PartyLine {
        role: pl_role.to_owned(),
        name: plaintiff.clone(),
    }];
    for d in &facts.defendants {
        let role = if payment_order {
            def_role.to_owned()
        } else {
            format!("{def_role}（{}）", d.role.zh())
        };
        parties.push(PartyLine {
            role,
            name: d.name.clone(),
        });
    }
    let cause = facts
        .case_type
        .map_or("金融借款合同纠纷", |c| c.cause_of_action())
        .to_owned();
    let court = facts
        .court
        .clone()
        .unwrap_or_else(|| "____人民法院".to_owned());
    let year = opts
        .judgment_date
        .or(facts.filing_date)
        .map(|d| d.year().to_string())
        .unwrap_or_else(|| "20__".to_owned());
    let case_number = opts.case_number.clone().unwrap_or_else(|| {
        format!(
            "（{year}）____{}____号",
            if payment_order { "民督" } else { "民初" }
        )
    });
    let defendants_all = join_names(facts.defendants.iter().map(|d| d.name.as_str()));
    let defendants_all = if defendants_all.is_empty() {
        "____".to_owned()
    } else {
        defendants_all
    };

    let attendance = match opts.attendance {
        Attendance::Appeared => {
            format!("原告{plaintiff}的委托诉讼代理人、被告{defendants_all}到庭参加诉讼。")
        }
        Attendance::Absent => format!(
            "原告{plaintiff}的委托诉讼代理人到庭参加诉讼，被告{defendants_all}经本院传票传唤无正当理由拒不到庭，本院依法缺席审理。"
        ),
        Attendance::Unknown => {
            "【到庭情况待填：到庭参加诉讼／经本院传票传唤无正当理由拒不到庭，本院依法缺席审理】。"
                .to_owned()
        }
    };
    let procedure_paragraph = format!(
        "原告{plaintiff}与被告{defendants_all}{cause}一案，本院于{}立案后，依法适用{}，公开开庭进行了审理。{attendance}本案现已审理终结。",
        opt_date(facts.filing_date),
        outcome.procedure.zh()
    );

    let mut claims = claim_paras(facts, &debtors);
    let facts_found = facts_paragraphs(facts, &plaintiff, &debtors, (pl_role, def_role));
    let mut reasoning = vec![format!(
        "原告{plaintiff}与被告{debtors}签订的借款合同系双方真实意思表示，不违反法律、行政法规的强制性规定，合法有效，双方均应按约履行。被告未按约还款，构成违约，应承担归还借款本金并支付利息的责任。"
    )];
    if !outcome.dispute_points.is_empty() {
        let titles: Vec<String> = outcome
            .dispute_points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{}、{}", small_zh(i as u32 + 1), p.title))
            .collect();
        reasoning.push(format!("本案争议焦点为：{}。", titles.join("；")));
        for p in &outcome.dispute_points {
            reasoning.push(format!(
                "关于{}。{}",
                p.title,
                end_sentence(&court_text(&p.detail))
            ));
        }
    }
    let dispute_points = outcome
        .dispute_points
        .iter()
        .map(|p| Titled {
            title: p.title.clone(),
            detail: p.detail.clone(),
        })
        .collect();

    let liable: Vec<&str> = outcome
        .guarantors
        .iter()
        .filter(|g| g.liable)
        .map(|g| g.name.as_str())
        .collect();
    let released = outcome.guarantors.iter().any(|g| !g.liable);
    let mut civil = vec!["第五百七十七条", "第六百七十五条", "第六百七十六条"];
    if !liable.is_empty() {
        civil.extend(["第六百八十八条", "第六百九十一条", "第七百条"]);
    }
    if released {
        civil.extend(["第六百九十二条", "第六百九十三条"]);
    }
    let mut cpl: Vec<&str> = Vec::new();
    if opts.attendance == Attendance::Absent {
        cpl.push("第一百四十七条");
    }
    if outcome.procedure == Procedure::SmallClaims {
        cpl.push("第一百六十五条");
    }
    let mut legal_basis = format!("依照《中华人民共和国民法典》{}", civil.join("、"));
    if !cpl.is_empty() {
        legal_basis.push_str(&format!("，《中华人民共和国民事诉讼法》{}", cpl.join("、")));
    }
    legal_basis.push_str("之规定，判决如下：");

    let mut items = if payment_order {
        order_items(outcome, &debtors, &plaintiff)
    } else {
        judgment_items(facts, outcome, &debtors, &plaintiff, &liable)
    };
    let mut fee_paragraph = fee_para(outcome, &plaintiff, &debtors);
    let sources = attach_sources(
        claims
            .iter_mut()
            .chain(items.iter_mut())
            .chain(std::iter::once(&mut fee_paragraph)),
        opts.provenance.as_ref(),
    );
    let appeal_notice = if outcome.procedure == Procedure::SmallClaims {
        "本判决为终审判决。".to_owned()
    } else {
        format!(
            "如不服本判决，可以在判决书送达之日起十五日内，向本院递交上诉状，并按照对方当事人或者代表人的人数提出副本，上诉于{}。",
            opts.appellate_court
                .clone()
                .unwrap_or_else(|| "____中级人民法院".to_owned())
        )
    };
    let notice_title = match outcome.disposition {
        Disposition::Rejected => "诉前审查意见（建议退回补正）".to_owned(),
        _ => "人工审查提示".to_owned(),
    };
    let findings = findings
        .iter()
        .map(|f| Titled {
            title: format!("{}（{:?}）", f.code.as_str(), f.severity),
            detail: f.message.clone(),
        })
        .collect();

    DraftContext {
        court,
        case_number,
        cause,
        plaintiff,
        debtors,
        parties,
        procedure_paragraph,
        defence: match opts.attendance {
            Attendance::Absent => "被告未到庭，亦未提交书面答辩意见。".to_owned(),
            _ => "【被告答辩意见待填】".to_owned(),
        },
        filing_date_zh: opt_date(facts.filing_date),
        small_claims: outcome.procedure == Procedure::SmallClaims,
        claims,
        facts_found,
        reasoning,
        dispute_points,
        legal_basis,
        items,
        delay_clause: DELAY_CLAUSE,
        fee_paragraph,
        appeal_notice,
        judge: opts.judge.clone().unwrap_or_else(|| "____".to_owned()),
        clerk: opts.clerk.clone().unwrap_or_else(|| "____".to_owned()),
        date_zh: opts
            .judgment_date
            .map(date_zh_numerals)
            .unwrap_or_else(|| "二〇__年__月__日".to_owned()),
        notice_title,
        reasons: outcome.reasons.clone(),
        findings,
        trails: trails(outcome),
        sources,
        rules_version: outcome.rules_version.clone(),
        template_version: template_version.to_owned(),
        model_version: opts.model_version(),
    }
}

fn claim_paras(facts: &CaseFacts, debtors: &str) -> Vec<Para> {
    let c = &facts.claims;
    let mut out = Vec::new();
    if let Some(p) = c.principal {
        out.push(
            Para::default()
                .t(format!("判令被告{debtors}归还借款本金"))
                .a(p, AwardItem::Principal.anchor())
                .t("元"),
        );
    }
    if let Some(i) = c.interest {
        let cutoff = c
            .interest_cutoff_date
            .map(|d| format!("（暂计至{}）", date_zh(d)))
            .unwrap_or_default();
        out.push(
            Para::default()
                .t(format!("判令被告{debtors}支付利息、罚息、复利"))
                .a(i, AwardItem::Interest.anchor())
                .t(format!("元{cutoff}，及此后至实际清偿之日止的利息")),
        );
    }
    if let Some(a) = c.attorney_fee {
        out.push(
            Para::default()
                .t(format!("判令被告{debtors}支付律师费"))
                .a(a, AwardItem::AttorneyFee.anchor())
                .t("元"),
        );
    }
    if let Some(o) = c.other_fees {
        out.push(
            Para::default()
                .t(format!("判令被告{debtors}支付其他费用"))
                .a(o, AwardItem::OtherFees.anchor())
                .t("元"),
        );
    }
    let guarantors = join_names(facts.guarantors().map(|g| g.name.as_str()));
    if !guarantors.is_empty() && c.joint_liability {
        out.push(Para::default().t(format!("判令被告{guarantors}对上述债务承担连带清偿责任")));
    }
    out.push(Para::default().t("本案诉讼费用由被告负担"));
    out
}

/// The facts found; `roles` are (原告, 被告) or, in a payment order, (申请人, 被申请人).
fn facts_paragraphs(
    facts: &CaseFacts,
    plaintiff: &str,
    debtors: &str,
    (pl, de): (&str, &str),
) -> Vec<String> {
    let mut out = Vec::new();
    let mut s = format!(
        "{}，{pl}{plaintiff}与{de}{debtors}签订",
        opt_date(facts.contract_date)
    );
    if let Some(n) = &facts.contract_number {
        s.push_str(&format!("编号为{n}的"));
    }
    s.push_str("借款合同");
    if let Some(l) = facts.loan_amount {
        s.push_str(&format!("，约定借款金额{}元", l.grouped()));
    }
    if let Some(r) = facts.annual_interest_rate {
        s.push_str(&format!("，年利率{}", pct(r)));
    }
    if let Some(r) = facts.penalty_rate {
        s.push_str(&format!("，逾期罚息年利率{}", pct(r)));
    }
    if let Some(m) = facts.maturity_date {
        s.push_str(&format!("，借款到期日为{}", date_zh(m)));
    }
    s.push('。');
    out.push(s);
    let guarantors = join_names(facts.guarantors().map(|g| g.name.as_str()));
    if !guarantors.is_empty() {
        let period = facts
            .guarantee_period_months
            .map(|m| format!("，保证期间为{m}个月"))
            .unwrap_or_default();
        out.push(format!("{de}{guarantors}为上述借款提供保证担保{period}。"));
    }
    if let Some(dd) = facts.default_date {
        out.push(format!("自{}起，{de}{debtors}未按约还款。", date_zh(dd)));
    }
    let c = &facts.claims;
    if let Some(p) = c.principal {
        let mut s = format!(
            "截至{}，{de}尚欠借款本金{}元",
            opt_date(c.interest_cutoff_date.or(facts.filing_date)),
            p.grouped()
        );
        if let Some(i) = c.interest {
            s.push_str(&format!("、利息（含罚息、复利）{}元", i.grouped()));
        }
        s.push('。');
        out.push(s);
    }
    out
}

fn judgment_items(
    facts: &CaseFacts,
    o: &Outcome,
    debtors: &str,
    plaintiff: &str,
    liable: &[&str],
) -> Vec<Para> {
    let mut items = Vec::new();
    let awarded = |item: AwardItem| o.award(item).map(|a| a.awarded).filter(|a| !a.is_zero());
    let mut first = Para::default().t(format!("被告{debtors}于本判决生效之日起十日内"));
    let mut has_first = false;
    if let Some(p) = awarded(AwardItem::Principal) {
        first = first
            .t(format!("归还原告{plaintiff}借款本金"))
            .a(p, AwardItem::Principal.anchor())
            .t("元");
        has_first = true;
    }
    if let Some(i) = awarded(AwardItem::Interest) {
        let cutoff = opt_date(facts.claims.interest_cutoff_date);
        first = first
            .t(format!(
                "{}支付截至{cutoff}的利息（含罚息、复利）",
                if has_first { "，并" } else { "支付原告" }
            ))
            .a(i, AwardItem::Interest.anchor())
            .t("元");
        has_first = true;
    }
    if let Some(ci) = &o.continuing_interest {
        let cap_note = o
            .cap
            .as_ref()
            .map(|c| {
                format!(
                    "；利息、罚息、复利及其他费用合计以年利率{}为限",
                    pct(c.rate)
                )
            })
            .unwrap_or_default();
        first = first
            .t(format!(
                "，及自{}起至本金实际清偿之日止的利息（以未还本金",
                date_zh(ci.from)
            ))
            .a(ci.base, AwardItem::Principal.anchor())
            .t(format!(
                "元为基数，按年利率{}计算{cap_note}）",
                pct(ci.rate)
            ));
    }
    if has_first {
        items.push(first);
    }
    let fees: Vec<(AwardItem, Yuan)> = [AwardItem::AttorneyFee, AwardItem::OtherFees]
        .into_iter()
        .filter_map(|i| awarded(i).map(|a| (i, a)))
        .collect();
    if !fees.is_empty() {
        let mut p = Para::default().t(format!("被告{debtors}于本判决生效之日起十日内支付原告"));
        for (n, (item, amount)) in fees.iter().enumerate() {
            let name = if *item == AwardItem::AttorneyFee {
                "律师费"
            } else {
                "其他费用"
            };
            p = p
                .t(format!("{}{name}", if n > 0 { "、" } else { "" }))
                .a(*amount, item.anchor())
                .t("元");
        }
        items.push(p);
    }
    let covered = match items.len() {
        0 => String::new(),
        1 => "上述第一项".to_owned(),
        n => format!("上述第一至{}项", small_zh(n as u32)),
    };
    for g in liable {
        if !covered.is_empty() {
            items.push(Para::default().t(format!(
                "被告{g}对{covered}债务承担连带清偿责任；被告{g}承担保证责任后，有权向被告{debtors}追偿"
            )));
        }
    }
    if o.disposition == Disposition::Partial {
        items.push(Para::default().t(format!("驳回原告{plaintiff}的其他诉讼请求")));
    }
    items
}

fn order_items(o: &Outcome, debtors: &str, plaintiff: &str) -> Vec<Para> {
    let mut p = Para::default().t(format!(
        "被申请人{debtors}应当自收到本支付令之日起十五日内，给付申请人{plaintiff}"
    ));
    for (n, a) in o.awards.iter().filter(|a| !a.awarded.is_zero()).enumerate() {
        let name = match a.item {
            AwardItem::Principal => "借款本金",
            AwardItem::Interest => "利息（含罚息、复利）",
            AwardItem::AttorneyFee => "律师费",
            AwardItem::OtherFees => "其他费用",
        };
        p = p
            .t(format!("{}{name}", if n > 0 { "、" } else { "" }))
            .a(a.awarded, a.item.anchor())
            .t("元");
    }
    p = p.t(format!(
        "，合计{}元，或者向本院提出书面异议",
        o.total_awarded().grouped()
    ));
    vec![p]
}

fn fee_para(o: &Outcome, plaintiff: &str, debtors: &str) -> Para {
    let fee = &o.court_fee;
    let payment_order = o.procedure == Procedure::PaymentOrder;
    let mut p = if payment_order {
        Para::default()
            .t("申请费")
            .a(fee.payable, FEE_ANCHOR)
            .t("元")
    } else if fee.halved {
        Para::default()
            .t("案件受理费")
            .a(fee.schedule_fee, FEE_ANCHOR)
            .t("元，减半收取计")
            .a(fee.payable, FEE_ANCHOR)
            .t("元")
    } else {
        Para::default()
            .t("案件受理费")
            .a(fee.payable, FEE_ANCHOR)
            .t("元")
    };
    let shares: Vec<String> = fee
        .allocation
        .iter()
        .map(|s| {
            let who = match s.bearer {
                FeeBearer::Plaintiff if payment_order => format!("申请人{plaintiff}"),
                FeeBearer::Plaintiff => format!("原告{plaintiff}"),
                FeeBearer::Defendants => {
                    let names = if s.parties.is_empty() {
                        debtors.to_owned()
                    } else {
                        s.parties.join("、")
                    };
                    let joint = if s.parties.len() > 1 { "共同" } else { "" };
                    format!(
                        "{}{names}{joint}",
                        if payment_order {
                            "被申请人"
                        } else {
                            "被告"
                        }
                    )
                }
            };
            if fee.allocation.len() == 1 {
                format!("由{who}负担")
            } else {
                format!("由{who}负担{}元", s.amount.grouped())
            }
        })
        .collect();
    if shares.is_empty() {
        p = p.t("，负担待定");
    } else {
        p = p.t(format!("，{}", shares.join("，")));
    }
    p.t("。")
}

fn summary(a: &Award) -> String {
    match a.claimed {
        Some(c) => format!("主张{}元，支持{}元", c.grouped(), a.awarded.grouped()),
        None => format!("支持{}元", a.awarded.grouped()),
    }
}

fn steps(trail: &[TrailStep]) -> Vec<StepLine> {
    trail
        .iter()
        .map(|s| StepLine {
            text: s.text.clone(),
            rule: s.rule.clone(),
        })
        .collect()
}

fn trails(o: &Outcome) -> Vec<TrailBlock> {
    let mut out: Vec<TrailBlock> = o
        .awards
        .iter()
        .map(|a| TrailBlock {
            anchor: a.item.anchor(),
            title: a.item.zh().to_owned(),
            summary: summary(a),
            steps: steps(&a.trail),
        })
        .collect();
    let fee = &o.court_fee;
    out.push(TrailBlock {
        anchor: FEE_ANCHOR,
        title: if o.procedure == Procedure::PaymentOrder {
            "支付令申请费".to_owned()
        } else {
            "案件受理费".to_owned()
        },
        summary: format!(
            "计费基数{}元，应交{}元",
            fee.basis.grouped(),
            fee.payable.grouped()
        ),
        steps: steps(&fee.trail),
    });
    out
}
