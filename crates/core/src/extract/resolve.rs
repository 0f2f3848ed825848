//! Stage two of extraction: [`RawExtraction`] → typed, validated [`CaseFacts`] with provenance
//! and findings. Every parse that fails becomes a missing value (and, for the fields the
//! pipeline needs, a `missing_field` finding), never an error.

use super::Extraction;
use super::amount::{parse_amount, parse_figure};
use super::date::parse_date;
use super::rate::{parse_penalty_rate_with, parse_rate_with};
use super::raw::{RawExtraction, RawField};
use crate::domain::lpr::LprTable;
use crate::domain::{
    CaseFacts, CaseType, Claims, Collateral, Defendant, DefendantRole, DocumentText, EvidenceKind,
    Finding, FindingCode, Plaintiff, PlaintiffKind, Provenance, Repayment, Severity, SourceSpan,
    Yuan,
};
use rust_decimal::Decimal;

fn span(f: &RawField) -> SourceSpan {
    SourceSpan {
        page: f.page,
        start: f.start,
        end: f.end,
        text: f.value.clone(),
        confidence: f.confidence,
        ocr: false,
    }
}

fn role_of(text: &str, card: bool) -> Option<DefendantRole> {
    Some(if text.contains("共同借款人") {
        DefendantRole::CoBorrower
    } else if text.contains("持卡人") {
        DefendantRole::Cardholder
    } else if text.contains("借款人") || text.contains("债务人") {
        if card {
            DefendantRole::Cardholder
        } else {
            DefendantRole::Borrower
        }
    } else if text.contains("抵押") || text.contains("出质") {
        DefendantRole::Mortgagor
    } else if text.contains("保证") || text.contains("担保") {
        DefendantRole::Guarantor
    } else {
        return None;
    })
}

/// The last day of a term written with its start (`借款期限12个月，自2021年3月15日起`): the start
/// plus the term, on the corresponding day of the last month, or that month's last day when it
/// has none (民法典第二百零二条 \[P\]).
fn term_end(s: &str) -> Option<chrono::NaiveDate> {
    let start = super::date::find_dates(s).first()?.date;
    let at = s.find("期限")?;
    let rest = s[at..].trim_start_matches("期限");
    let months = months_at(rest.trim_start_matches(['为', '是', '：', ':', ' ']))?;
    if months == 0 || months > 600 {
        return None;
    }
    start.checked_add_months(chrono::Months::new(months))
}

/// A duration written at the start of `t`: a count in digits or Chinese numerals (`24`, `十二`,
/// `两`) and its unit, `个月` or `年`, in months.
fn months_at(t: &str) -> Option<u32> {
    let count: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十两".contains(*c))
        .collect();
    let n = match count.parse::<u32>() {
        Ok(n) => n,
        Err(_) => u32::try_from(super::amount::parse_cn_int(&count)?).ok()?,
    };
    let unit = t[count.len()..].trim_start();
    if unit.starts_with("个月") {
        Some(n)
    } else if unit.starts_with('年') {
        n.checked_mul(12)
    } else {
        None
    }
}

fn months_of(s: &str) -> Option<u32> {
    // No agreed period: six months from the due date (民法典第六百九十二条第二款).
    if ["未约定", "没有约定", "未作约定", "无约定"]
        .iter()
        .any(|w| s.contains(w))
    {
        return Some(6);
    }
    let t = s.trim_start_matches("保证期间");
    // Digits first, wherever they stand (a `一` may open a word: `一般保证`), else the first
    // Chinese numeral; 半年 is six months.
    match t.find(|c: char| c.is_ascii_digit()) {
        Some(at) => months_at(&t[at..]),
        None => {
            let start = t.find(|c: char| "一二三四五六七八九十两半".contains(c))?;
            if t[start..].starts_with('半') {
                return t.contains("半年").then_some(6);
            }
            months_at(&t[start..])
        }
    }
}

/// The evidence kind of a document title: a contract (借款合同, 借条, 领用合约 — not a 保证合同 or
/// 转让协议 alone), a loan record (借据, 转账记录, 还款明细 / 还款记录, 分户账, 对账单, 流水),
/// a collection record.
fn evidence_kind(title: &str) -> EvidenceKind {
    let t: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    if t.ends_with("借据")
        || [
            "明细",
            "对账单",
            "账单",
            "转账",
            "流水",
            "记录",
            "计算表",
            "凭证",
            "回单",
            "分户账",
            "台账",
        ]
        .iter()
        .any(|w| t.contains(w))
            && !t.contains("催")
    {
        EvidenceKind::LoanRecord
    } else if t.contains("催") {
        EvidenceKind::Collection
    } else if ["借款", "借贷", "贷款", "借条", "欠条", "合约", "信用卡"]
        .iter()
        .any(|w| t.contains(w))
    {
        EvidenceKind::Contract
    } else {
        EvidenceKind::Other
    }
}

/// The days in the interest year a day-count phrase states: `360` → 360; `365` or actual days
/// (`按实际天数`) → 365.
fn day_count_of(s: &str) -> Option<u32> {
    if s.contains("360") || s.contains("三百六十天") || s.contains("三百六十日") {
        Some(360)
    } else if s.contains("365") || s.contains("三百六十五") || s.contains("实际") {
        Some(365)
    } else {
        None
    }
}

/// Types and validates the raw fields; LPR formulas in rate clauses read `lpr`.
pub(crate) fn resolve(
    id: &str,
    doc: &DocumentText,
    raw: RawExtraction,
    lpr: &LprTable,
) -> Extraction {
    let mut facts = CaseFacts {
        id: id.to_owned(),
        ..CaseFacts::default()
    };
    let mut prov = Provenance::new();
    let mut findings = Vec::new();
    let get = |k: &str| raw.fields.get(k);

    // Plaintiff.
    if let Some(f) = get("plaintiff.name") {
        let name = f.value.trim().to_owned();
        if !name.is_empty() {
            facts.plaintiff = Some(Plaintiff {
                kind: PlaintiffKind::of_name(&name),
                name,
            });
            prov.insert("plaintiff.name".into(), span(f));
        }
    }
    // Case type.
    let kind = facts.plaintiff.as_ref().map(|p| p.kind);
    let words = get("case_type").map(|f| f.value.as_str()).unwrap_or("");
    let weak_words = get("case_type").is_some_and(|f| f.confidence < 0.6);
    let debtor_sued = raw.defendants.iter().any(|d| {
        d.role.as_ref().is_some_and(|r| {
            let v = r.value.as_str();
            (v.contains("借款") || v.contains("持卡") || v.contains("债务人"))
                && !v.contains("保证")
                && !v.contains("担保")
        })
    }) || raw
        .defendants
        .first()
        // A first defendant with no stated role is read as the debtor below (`原告与被告张三
        // 签订《借款合同》` names no role word): the case type must agree.
        .is_some_and(|d| {
            d.role
                .as_ref()
                .and_then(|r| role_of(&r.value, false))
                .is_none()
        });
    let case_type = if kind == Some(PlaintiffKind::Amc) {
        Some(CaseType::NplAssignment)
    } else if ["信用卡", "领用合约", "持卡人", "透支"]
        .iter()
        .any(|w| words.contains(w))
    {
        Some(CaseType::CreditCard)
    } else if words.contains("民间借贷") {
        Some(CaseType::PrivateLending)
    } else if words.contains("保证合同") && !(weak_words && debtor_sued) {
        // A 保证合同 seen only among the attached documents (not a stated cause of action)
        // makes a guarantee case only when no debtor is sued.
        Some(CaseType::Guarantee)
    } else if words.contains("不良债权") || (words.contains("债权转让") && kind.is_none()) {
        Some(CaseType::NplAssignment)
    } else if words.contains("借款合同") {
        match kind {
            Some(PlaintiffKind::Person | PlaintiffKind::Company) => Some(CaseType::PrivateLending),
            _ => Some(CaseType::FinancialLoan),
        }
    } else {
        match kind {
            Some(PlaintiffKind::Bank | PlaintiffKind::ConsumerFinance) => {
                Some(CaseType::FinancialLoan)
            }
            Some(PlaintiffKind::Person | PlaintiffKind::Company) => Some(CaseType::PrivateLending),
            _ => None,
        }
    };
    facts.case_type = case_type;
    match (case_type, get("case_type"), get("plaintiff.name")) {
        (Some(_), Some(f), _) => {
            prov.insert("case_type".into(), span(f));
        }
        // Inferred from the plaintiff alone (a bank lends, a person or company lends
        // privately): the provenance is its name, with a low confidence.
        (Some(_), None, Some(p)) => {
            let mut s = span(p);
            s.confidence = s.confidence.min(0.4);
            prov.insert("case_type".into(), s);
        }
        _ => {}
    }
    let card = case_type == Some(CaseType::CreditCard);

    // Defendants.
    for (i, d) in raw.defendants.iter().enumerate() {
        let name = d.name.value.trim().to_owned();
        if name.is_empty() {
            continue;
        }
        let role = d.role.as_ref().and_then(|r| role_of(&r.value, card));
        let role = role.unwrap_or(match (i, card) {
            (0, true) => DefendantRole::Cardholder,
            (0, false) => DefendantRole::Borrower,
            _ => DefendantRole::Guarantor,
        });
        let idx = facts.defendants.len();
        prov.insert(format!("defendants[{idx}].name"), span(&d.name));
        if let Some(r) = &d.role {
            prov.insert(format!("defendants[{idx}].role"), span(r));
        }
        facts.defendants.push(Defendant { name, role });
    }

    // Simple typed fields.
    if let Some(f) = get("court") {
        facts.court = Some(f.value.trim().to_owned());
        prov.insert("court".into(), span(f));
    }
    if let Some(f) = get("contract_number") {
        facts.contract_number = Some(f.value.trim().to_owned());
        prov.insert("contract_number".into(), span(f));
    }
    let date_field = |key: &str, slot: &mut Option<chrono::NaiveDate>, prov: &mut Provenance| {
        if let Some(f) = raw.fields.get(key)
            && let Some(d) = parse_date(&f.value)
        {
            *slot = Some(d);
            prov.insert(key.to_owned(), span(f));
        }
    };
    date_field("contract_date", &mut facts.contract_date, &mut prov);
    date_field("maturity_date", &mut facts.maturity_date, &mut prov);
    if facts.maturity_date.is_none()
        && let Some(f) = raw.fields.get("maturity_term")
        && let Some(d) = term_end(&f.value)
    {
        facts.maturity_date = Some(d);
        prov.insert("maturity_date".to_owned(), span(f));
    }
    date_field("default_date", &mut facts.default_date, &mut prov);
    date_field("filing_date", &mut facts.filing_date, &mut prov);
    date_field("last_demand_date", &mut facts.last_demand_date, &mut prov);
    date_field(
        "npl_assignment_date",
        &mut facts.npl_assignment_date,
        &mut prov,
    );
    date_field(
        "claims.interest_cutoff_date",
        &mut facts.claims.interest_cutoff_date,
        &mut prov,
    );

    let amount = |key: &str, prov: &mut Provenance| -> Option<Yuan> {
        let f = raw.fields.get(key)?;
        let v = parse_amount(&f.value)?;
        prov.insert(key.to_owned(), span(f));
        Some(v)
    };
    facts.loan_amount = amount("loan_amount", &mut prov);
    let mut claims = Claims {
        principal: amount("claims.principal", &mut prov),
        attorney_fee: amount("claims.attorney_fee", &mut prov),
        stated_total: amount("claims.stated_total", &mut prov),
        ..Claims::default()
    };
    for (key, slot) in [
        ("claims.interest", &mut claims.interest),
        ("claims.other_fees", &mut claims.other_fees),
    ] {
        if let Some(parts) = raw.parts.get(key) {
            let vals: Vec<Yuan> = parts
                .iter()
                .filter_map(|p| parse_amount(&p.value))
                .collect();
            if !vals.is_empty() {
                *slot = Some(vals.into_iter().sum());
                if let Some(first) = parts.first() {
                    let mut s = span(first);
                    // Several parts on one page: the span runs from the first to the last.
                    if let Some(last) = parts.last()
                        && parts.len() > 1
                        && parts.iter().all(|p| p.page == first.page)
                        && last.end > first.start
                        && let Some(page) = doc.pages.iter().find(|p| p.page == first.page)
                    {
                        s.end = last.end;
                        s.text = page
                            .text
                            .chars()
                            .skip(first.start as usize)
                            .take((last.end - first.start) as usize)
                            .collect();
                        s.confidence *= 0.95;
                    }
                    prov.insert(key.to_owned(), s);
                }
            }
        }
    }
    if let Some(f) = get("claims.joint_liability") {
        claims.joint_liability = true;
        prov.insert("claims.joint_liability".into(), span(f));
    }
    claims.interest_cutoff_date = facts.claims.interest_cutoff_date;
    facts.claims = claims;

    if let Some(f) = get("annual_interest_rate")
        && let Some(r) = parse_rate_with(&f.value, facts.contract_date, lpr)
        && r.fraction() < Decimal::ONE
    {
        facts.annual_interest_rate = Some(r);
        prov.insert("annual_interest_rate".into(), span(f));
    }
    if let Some(f) = get("penalty_rate")
        && let Some(r) = parse_penalty_rate_with(
            &f.value,
            facts.annual_interest_rate,
            facts.contract_date,
            lpr,
        )
    {
        facts.penalty_rate = Some(r);
        prov.insert("penalty_rate".into(), span(f));
    }
    if let Some(f) = get("guarantee_period")
        && let Some(m) = months_of(&f.value)
    {
        facts.guarantee_period_months = Some(m);
        prov.insert("guarantee_period_months".into(), span(f));
    }
    facts.payment_order_requested = raw.payment_order;
    facts.image_only = doc.any_needs_ocr();

    // Evidence, domiciles, choice of court, collateral (rules: missing_evidence,
    // jurisdiction_doubt, 优先受偿). Evidence is only judged when a complaint was read.
    if facts.plaintiff.is_some() || facts.claims.principal.is_some() {
        let mut ev: Vec<EvidenceKind> = raw
            .documents
            .iter()
            .map(|f| evidence_kind(&f.value))
            .collect();
        ev.sort();
        ev.dedup();
        facts.evidence = Some(ev);
    }
    if let Some(f) = get("plaintiff_domicile") {
        facts.plaintiff_domicile = Some(f.value.trim().to_owned());
        prov.insert("plaintiff_domicile".into(), span(f));
    }
    for (i, f) in raw.defendant_domiciles.iter().enumerate() {
        facts.defendant_domiciles.push(f.value.trim().to_owned());
        prov.insert(format!("defendant_domiciles[{i}]"), span(f));
    }
    // Repayment ledger, day count, guarantor demand, 欠息, preservation (rules: interest engine,
    // guarantee period, 复利, 保全费).
    let cell_amount = |f: &RawField| {
        let v = f.value.trim().trim_start_matches(['-', '－']);
        parse_amount(v).or_else(|| parse_figure(v).map(Yuan::new))
    };
    for r in &raw.repayments {
        let Some(date) = parse_date(&r.date.value) else {
            continue;
        };
        let principal = r.principal.as_ref().and_then(cell_amount);
        let interest = r.interest.as_ref().and_then(cell_amount);
        if principal.is_none() && interest.is_none() {
            continue;
        }
        let i = facts.repayments.len();
        prov.insert(format!("repayments[{i}].date"), span(&r.date));
        if let (Some(f), Some(_)) = (&r.principal, principal) {
            prov.insert(format!("repayments[{i}].principal"), span(f));
        }
        if let (Some(f), Some(_)) = (&r.interest, interest) {
            prov.insert(format!("repayments[{i}].interest"), span(f));
        }
        facts.repayments.push(Repayment {
            date,
            principal: principal.unwrap_or(Yuan::ZERO),
            interest: interest.unwrap_or(Yuan::ZERO),
        });
    }
    facts.repayments.sort_by_key(|r| r.date);
    if let Some(f) = get("day_count")
        && let Some(dc) = day_count_of(&f.value)
    {
        facts.day_count = Some(dc);
        prov.insert("day_count".into(), span(f));
    }
    date_field(
        "guarantor_demand_date",
        &mut facts.guarantor_demand_date,
        &mut prov,
    );
    facts.unpaid_interest = amount("unpaid_interest", &mut prov);
    facts.preservation_amount = amount("preservation_amount", &mut prov);
    if let Some(f) = get("jurisdiction_clause") {
        facts.jurisdiction_clause = true;
        prov.insert("jurisdiction_clause".into(), span(f));
    }
    if let Some(f) = get("collateral.description") {
        let owner = get("collateral.owner").map(|o| o.value.trim().to_owned());
        let what = f.value.trim();
        facts.collateral = Some(Collateral {
            description: match &owner {
                Some(o) => format!("被告{o}{what}"),
                None => what.to_owned(),
            },
            owner,
            certificate_number: get("collateral.certificate_number")
                .map(|c| c.value.trim().to_owned()),
            max_amount: get("collateral.max_amount").and_then(|a| parse_amount(&a.value)),
        });
        for key in [
            "collateral.description",
            "collateral.owner",
            "collateral.certificate_number",
            "collateral.max_amount",
        ] {
            if let Some(f) = get(key) {
                prov.insert(key.into(), span(f));
            }
        }
    }

    // Findings.
    for p in doc.pages.iter().filter(|p| p.needs_ocr) {
        findings.push(Finding::new(
            FindingCode::NeedsOcr,
            Severity::Reject,
            None,
            format!("第{}页无文字层（扫描图像），需OCR识别后方可读取", p.page),
        ));
    }
    for m in &raw.mismatches {
        findings.push(Finding::new(
            FindingCode::AmountWordsMismatch,
            Severity::Review,
            m.field,
            format!(
                "第{}页金额大小写不一致：“{}”，按小写数字取值",
                m.span.page, m.span.value
            ),
        ));
    }
    let missing: [(&str, bool, &str); 4] = [
        (
            "claims.principal",
            facts.claims.principal.is_none(),
            "诉讼请求中的借款本金",
        ),
        ("plaintiff", facts.plaintiff.is_none(), "原告（申请人）"),
        (
            "defendants",
            facts.defendants.is_empty(),
            "被告（被申请人）",
        ),
        ("court", facts.court.is_none(), "受诉法院（此致…人民法院）"),
    ];
    for (fieldname, is_missing, zh) in missing {
        if is_missing {
            findings.push(Finding::new(
                FindingCode::MissingField,
                Severity::Review,
                Some(fieldname),
                format!("未能从起诉材料中读取{zh}"),
            ));
        }
    }
    Extraction {
        facts,
        provenance: prov,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-written text (the generator never states these): a 还款明细 ledger with a principal
    /// and an interest repayment, the contract's day count, 欠息, a demand on the guarantor and a
    /// preservation application.
    #[test]
    fn ledger_day_count_guarantor_demand_unpaid_interest_preservation() {
        let complaint = "民事起诉状\n原告：澄泰银行股份有限公司青川分行\n被告一（借款人）：张三\n被告二（保证人）：李四\n案由：金融借款合同纠纷\n诉讼请求：\n一、判令被告张三偿还借款本金80,000.00元；\n二、判令被告张三支付罚息3,000.00元（暂计至2024年7月2日）；\n三、判令被告张三支付保全费1,000元；\n四、判令被告李四对上述债务承担连带清偿责任。\n事实与理由：\n2023年1月1日，原告与被告张三签订《个人借款合同》（合同编号：HT-2023-001），约定借款金额100,000元，年利率6%，利息按年365天计算。被告张三自2024年1月1日起逾期，截至该日欠息1,200.00元。原告已于2024年5月10日向保证人李四发出催收函。原告已向本院申请财产保全，保全金额为120,000.00元。\n此致\n青川市东湖区人民法院\n具状人：澄泰银行股份有限公司青川分行\n2024年7月10日";
        let ledger = "还款明细\n日期\t摘要\t发生额（元）\t本金余额（元）\n2023-01-01\t放款\t100,000.00\t100,000.00\n2024-03-01\t还本\t20,000.00\t80,000.00\n2024-04-01\t还息\t500.00\t80,000.00\n截至2024年7月2日，尚欠本金80,000.00元。";
        let demands = "催收记录\n催收日期\t方式\t结果\t对象\n2024-02-01\t电话催收\t未接听\t张三\n2024-06-01\t催收函\t已送达\t李四";
        let doc = DocumentText::from_pages(&[complaint, ledger, demands]);
        let e = super::super::extract("hand-ledger", &doc);
        let f = &e.facts;
        let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let y = |s: &str| s.parse::<Yuan>().unwrap();
        assert_eq!(
            f.repayments,
            vec![
                Repayment {
                    date: d(2024, 3, 1),
                    principal: y("20000"),
                    interest: Yuan::ZERO
                },
                Repayment {
                    date: d(2024, 4, 1),
                    principal: Yuan::ZERO,
                    interest: y("500")
                },
            ]
        );
        assert_eq!(f.day_count, Some(365));
        assert_eq!(f.unpaid_interest, Some(y("1200")));
        assert_eq!(f.preservation_amount, Some(y("120000")));
        assert_eq!(
            f.guarantor_demand_date,
            Some(d(2024, 6, 1)),
            "the collection row addressed to the guarantor is later than the complaint's"
        );
        assert_eq!(f.claims.other_fees, Some(y("1000")), "保全费 stays a claim");
        for key in [
            "repayments[0].date",
            "repayments[0].principal",
            "repayments[1].interest",
            "day_count",
            "unpaid_interest",
            "preservation_amount",
            "guarantor_demand_date",
        ] {
            assert!(e.provenance.contains_key(key), "{key}");
        }
    }

    /// No cause (案由) stated: the case type is inferred from the words of the filing (a credit
    /// card, else the loan read by the plaintiff), with a lower confidence and the provenance on
    /// the words used; a stated cause keeps a high one.
    #[test]
    fn case_type_inferred_without_a_stated_cause() {
        let complaint = |cause: &str, body: &str| {
            format!(
                "民事起诉状\n原告：澄泰银行股份有限公司青川分行\n被告：张三\n{cause}诉讼请求：\n一、判令被告偿还本金10,000.00元。\n事实与理由：\n{body}\n此致\n青川市东湖区人民法院\n2024年7月10日"
            )
        };
        let read = |text: String| super::super::extract("t", &DocumentText::from_pages(&[text]));
        let card = read(complaint("", "被告向原告申领卡片，透支消费后未按期还款。"));
        assert_eq!(card.facts.case_type, Some(CaseType::CreditCard));
        let p = &card.provenance["case_type"];
        assert_eq!(p.text, "透支");
        assert!(p.confidence < 0.6);
        let loan = read(complaint("", "被告与原告签订借款合同，逾期未还。"));
        assert_eq!(loan.facts.case_type, Some(CaseType::FinancialLoan));
        assert_eq!(loan.provenance["case_type"].text, "借款合同");
        assert!(loan.provenance["case_type"].confidence < 0.6);
        let bare = read(complaint("", "被告逾期未还。"));
        assert_eq!(bare.facts.case_type, Some(CaseType::FinancialLoan));
        assert_eq!(
            bare.provenance["case_type"].text, "澄泰银行股份有限公司青川分行",
            "inferred from the plaintiff alone"
        );
        assert!(bare.provenance["case_type"].confidence <= 0.4);
        let stated = read(complaint(
            "案由：信用卡透支纠纷\n",
            "被告逾期未还借款合同项下款项。",
        ));
        assert_eq!(stated.facts.case_type, Some(CaseType::CreditCard));
        assert!(stated.provenance["case_type"].confidence >= 0.9);
    }

    /// Ledgers under other titles (分户账, 还款记录, 回单) are records of the loan, so a filing
    /// with one and a contract lacks no evidence; a facts heading in other words (约定和事实)
    /// ends the claims.
    #[test]
    fn evidence_titles_and_a_facts_heading_in_other_words() {
        let complaint = "民事起诉状\n原告：澄泰银行股份有限公司青川分行\n被告：张三\n诉讼请求\n本金\t￥10,000.00\n约定和事实\n已收利息\t1,000.00元\n此致\n青川市东湖区人民法院\n2024年7月10日";
        for ledger in ["贷款分户账", "客户还款记录", "转账回单"] {
            let pages = [
                complaint,
                "个人借款合同\n借款金额100,000元。",
                &format!("{ledger}\n日期\t摘要\t金额\n2023-01-01\t放款\t100,000.00"),
            ];
            let e = super::super::extract("t", &DocumentText::from_pages(&pages));
            let ev = e.facts.evidence.unwrap_or_default();
            assert!(ev.contains(&EvidenceKind::Contract), "{ledger}: {ev:?}");
            assert!(ev.contains(&EvidenceKind::LoanRecord), "{ledger}: {ev:?}");
            assert_eq!(e.facts.claims.principal, "10000".parse().ok());
            assert_eq!(e.facts.claims.interest, None, "{ledger}");
        }
    }

    /// A penalty uplift said of the default, with 罚息 only after the figure.
    #[test]
    fn penalty_uplift_said_of_the_default() {
        let text = "民事起诉状\n原告：澄泰银行股份有限公司青川分行\n被告：张三\n诉讼请求：\n一、判令被告偿还本金10,000.00元。\n事实与理由：\n双方签订借款合同，年利率6%，逾期后按合同利率加收50%计收罚息。\n此致\n青川市东湖区人民法院\n2024年7月10日";
        let e = super::super::extract("t", &DocumentText::from_pages(&[text]));
        assert_eq!(e.facts.annual_interest_rate, "0.06".parse().ok());
        assert_eq!(e.facts.penalty_rate, "0.09".parse().ok());
    }

    #[test]
    fn day_count_phrases() {
        assert_eq!(day_count_of("按年360天计算"), Some(360));
        assert_eq!(day_count_of("一年按365天"), Some(365));
        assert_eq!(day_count_of("按实际天数计息"), Some(365));
        assert_eq!(day_count_of("按年计算"), None);
    }

    #[test]
    fn guarantee_months() {
        assert_eq!(
            months_of("保证期间为主债务履行期限届满之日起三年"),
            Some(36)
        );
        assert_eq!(months_of("保证期间为6个月"), Some(6));
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(
            term_end("借款期限12个月，自2021年3月15日起"),
            d(2022, 3, 15)
        );
        assert_eq!(
            term_end("自2021年1月31日起，借款期限一个月"),
            d(2021, 2, 28)
        );
        assert_eq!(
            term_end("贷款期限：2年，从2020年5月6日开始计算"),
            d(2022, 5, 6)
        );
        assert_eq!(
            term_end("借款期限十二个月，自二〇二一年三月十五日起"),
            d(2022, 3, 15)
        );
        assert_eq!(term_end("借款期限12天，自2021年3月15日起"), None);
        assert_eq!(months_of("保证期间为主债务履行期届满之日起两年"), Some(24));
        assert_eq!(months_of("保证期间半年"), Some(6));
        assert_eq!(months_of("保证期间"), None);
    }
}
