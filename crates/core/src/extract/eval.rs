//! Robustness tests of [`super::extract`] on text that is not a filing.

use super::extract;
use crate::domain::{CaseFacts, DocumentText, FindingCode};

/// The facts extracted from one page of text, with the filing id blanked so that two readings
/// of the same complaint compare equal.
fn facts_of(text: &str) -> CaseFacts {
    let mut f = extract("", &DocumentText::from_pages(&[text])).facts;
    f.id.clear();
    f
}

#[test]
fn random_text_never_panics_and_reports_missing_fields() {
    let mut state: u64 = 42;
    let alphabet: Vec<char> = "原告被告诉讼请求此致人民法院元万亿壹拾佰仟零年月日0123456789.,，。：:（）()\t\n ¥%‰借款本金利息LPR合同编号"
        .chars()
        .collect();
    for _ in 0..300 {
        let mut s = String::new();
        for _ in 0..(state % 400) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            s.push(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        let doc = DocumentText::from_pages(&[s.as_str(), "", s.as_str()]);
        let _ = extract("x", &doc);
    }
    let huge = "诉讼请求：\n一、偿还借款本金99999999999999999999999999元、利息9999999999999999.99元、罚息9999999999999999万元；\n年利率99999999999999999999999%，日利率万分之99999999999999999999\n此致\n某某人民法院\n2023年1月1日";
    let e = extract("huge", &DocumentText::from_pages(&[huge]));
    assert!(e.facts.claims.principal.is_none());
    let e = extract("empty", &DocumentText::default());
    assert!(e.facts.plaintiff.is_none());
    assert_eq!(
        e.findings
            .iter()
            .filter(|f| f.code == FindingCode::MissingField)
            .count(),
        4
    );
}

/// A hand-written complaint: 大写 mismatch, an OCR page, roles from the facts.
#[test]
fn hand_written_complaint() {
    let complaint = "民事起诉状\n原告：澄泰银行股份有限公司青川分行\n被告一：张伟\n被告二：李娜\n案由：金融借款合同纠纷\n诉讼请求：\n一、判令被告张伟偿还借款本金100,000.00元（大写：人民币壹拾万零伍佰元整）；\n二、判令被告张伟支付利息2,000.00元、罚息500.00元、复利30.00元（均暂计至2023年6月20日）；\n三、判令被告张伟支付律师费3,000元、保全费1,000元；\n四、判令被告李娜对上述债务承担连带清偿责任。\n以上合计106,530.00元。\n事实与理由：\n2021年3月15日，原告与被告张伟签订《个人借款合同》（合同编号：HT-2021-00042），约定借款金额100,000元，借款期限自2021年3月15日起至2023年3月15日止，年利率4.35%，逾期罚息在借款利率基础上上浮50%。被告李娜提供连带责任保证，保证期间为主债务履行期限届满之日起三年。\n被告张伟自2023年3月16日起逾期。\n此致\n青川市东湖区人民法院\n具状人：澄泰银行股份有限公司青川分行\n二〇二三年七月一日";
    let mut doc = DocumentText::from_pages(&[complaint, ""]);
    doc.pages[1].needs_ocr = true;
    let e = extract("hand", &doc);
    let f = &e.facts;
    let y = |s: &str| s.parse::<crate::domain::Yuan>().ok();
    assert_eq!(f.case_type, Some(crate::domain::CaseType::FinancialLoan));
    assert_eq!(
        f.plaintiff.as_ref().map(|p| p.kind),
        Some(crate::domain::PlaintiffKind::Bank)
    );
    assert_eq!(f.defendants.len(), 2);
    assert_eq!(
        f.defendants[1].role,
        crate::domain::DefendantRole::Guarantor
    );
    assert_eq!(f.claims.principal, y("100000"));
    assert_eq!(f.claims.interest, y("2530"));
    assert_eq!(f.claims.attorney_fee, y("3000"));
    assert_eq!(f.claims.other_fees, y("1000"));
    assert_eq!(f.claims.stated_total, y("106530"));
    assert!(f.claims.joint_liability);
    assert_eq!(
        f.claims.interest_cutoff_date,
        chrono::NaiveDate::from_ymd_opt(2023, 6, 20)
    );
    assert_eq!(f.contract_number.as_deref(), Some("HT-2021-00042"));
    assert_eq!(
        f.contract_date,
        chrono::NaiveDate::from_ymd_opt(2021, 3, 15)
    );
    assert_eq!(
        f.maturity_date,
        chrono::NaiveDate::from_ymd_opt(2023, 3, 15)
    );
    assert_eq!(f.default_date, chrono::NaiveDate::from_ymd_opt(2023, 3, 16));
    assert_eq!(f.filing_date, chrono::NaiveDate::from_ymd_opt(2023, 7, 1));
    assert_eq!(f.annual_interest_rate, "0.0435".parse().ok());
    assert_eq!(f.penalty_rate, "0.06525".parse().ok());
    assert_eq!(f.guarantee_period_months, Some(36));
    assert_eq!(f.court.as_deref(), Some("青川市东湖区人民法院"));
    assert!(f.image_only);
    let codes: Vec<FindingCode> = e.findings.iter().map(|x| x.code).collect();
    assert!(codes.contains(&FindingCode::NeedsOcr));
    assert!(codes.contains(&FindingCode::AmountWordsMismatch));
    assert!(
        !codes.contains(&FindingCode::MissingField),
        "{:?}",
        e.findings
    );
    let mm = e
        .findings
        .iter()
        .find(|x| x.code == FindingCode::AmountWordsMismatch);
    assert_eq!(
        mm.and_then(|m| m.field.as_deref()),
        Some("claims.principal")
    );
}

/// Plain judgment text (CJRC contexts) is not a filing: no panic, missing fields reported.
#[test]
fn cjrc_contexts_are_not_filings() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/cjrc-cail2019-rc/dev_ground_truth.json"
    );
    let Ok(raw) = std::fs::read_to_string(path) else {
        return;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&raw) else {
        return;
    };
    let mut n = 0;
    for d in json["data"].as_array().into_iter().flatten().take(200) {
        for p in d["paragraphs"].as_array().into_iter().flatten() {
            let Some(ctx) = p["context"].as_str() else {
                continue;
            };
            let e = extract("cjrc", &DocumentText::from_pages(&[ctx]));
            assert!(
                e.findings
                    .iter()
                    .any(|f| f.code == FindingCode::MissingField)
            );
            n += 1;
        }
    }
    assert!(n > 0);
}

/// Two layouts of hand-made complaints (issue 20): a justified page whose characters the PDF
/// spread apart with spaces (`原 告 ： 澄 泰 银 行…`), and labels standing on their own line above
/// their values (`原告` / `澄泰银行…`). Both read as the plain complaint does, and a spread
/// value's provenance still points at the page's characters.
#[test]
fn spread_and_label_above_layouts_read_as_the_plain_complaint() {
    let base = "民事起诉状\n原告：澄泰银行股份有限公司青川分行\n住所地：青川市东湖路1号\n被告：张伟，男，1980年1月1日出生\n诉讼请求：\n一、判令被告偿还借款本金100,000.00元；\n二、判令被告支付利息2,000.00元（暂计至2023年6月20日）。\n事实与理由：\n2021年3月15日，原告与被告签订《个人借款合同》（合同编号：HT-2021-00042），约定借款金额100,000元，借款期限自2021年3月15日起至2023年3月15日止，年利率4.35%。\n此致\n青川市东湖区人民法院\n具状人：澄泰银行股份有限公司青川分行\n2023年7月1日";
    // Short lines spread apart, one or two spaces per gap, as justified layouts come out.
    let spread: String = base
        .lines()
        .map(|l| {
            if l.chars().count() < 30 {
                let gap = if l.contains('：') { "  " } else { " " };
                l.chars()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(gap)
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let above = base
        .replace("原告：", "原告\n")
        .replace("被告：", "被告\n")
        .replace("住所地：", "住所地\n")
        .replace("具状人：", "具状人\n")
        .replace("诉讼请求：", "诉讼请求")
        .replace("事实与理由：", "事实与理由");
    let plain = facts_of(base);
    assert!(plain.plaintiff.is_some() && plain.claims.principal.is_some());
    for (name, text) in [("spread", spread.as_str()), ("above", above.as_str())] {
        assert_eq!(facts_of(text), plain, "{name}");
        let e = extract(name, &DocumentText::from_pages(&[text]));
        let span = e
            .provenance
            .get("plaintiff.name")
            .expect("plaintiff provenance");
        let page: Vec<char> = text.chars().collect();
        let quoted: String = page[span.start as usize..span.end as usize]
            .iter()
            .collect();
        assert!(
            quoted.starts_with('澄') && quoted.ends_with('行'),
            "{name}: {quoted}"
        );
    }
    // A table row keeps its spaces, and so does a line of words.
    let flat = super::text::Flat::new(&DocumentText::from_pages(&[
        "公告费 560.00\n借款 本金 利息 罚息 合计",
    ]));
    assert_eq!(flat.line(0), "公告费 560.00");
    assert_eq!(flat.line(1), "借款 本金 利息 罚息 合计");
}

/// The forms hand-written complaints use for the same facts (issue 20): full-width figures,
/// `2021.3.15`, `21年3月15日`, `二〇二一年三月十五日`, 月利率 ‰, 日万分之, 月息1分, 年化, 大写 and 万元
/// amounts, a figure broken across lines, a page footer inside a section, `编号为…号的《合同》`,
/// a role in brackets. Each reads as the plain complaint does (the rate as its own yearly value).
#[test]
fn written_forms_read_as_the_plain_complaint() {
    let base = "民事起诉状\n原告：澄泰银行股份有限公司青川分行\n被告：张伟，男，1980年1月1日出生\n诉讼请求：\n一、判令被告偿还借款本金100,000.00元；\n二、判令被告支付利息2,000.00元（暂计至2023年6月20日）。\n事实与理由：\n2021年3月15日，原告与被告签订《个人借款合同》（合同编号：HT-2021-00042），约定借款金额100,000元，借款期限自2021年3月15日起至2023年3月15日止，年利率4.35%。\n此致\n青川市东湖区人民法院\n具状人：澄泰银行股份有限公司青川分行\n2023年7月1日";
    let same: Vec<(&str, String)> = vec![
        (
            "full-width",
            base.replace("100,000.00", "１００，０００．００")
                .replace("2,000.00", "２，０００．００"),
        ),
        (
            "dots",
            base.replace("2021年3月15日，", "2021.3.15，").replace(
                "自2021年3月15日起至2023年3月15日止",
                "自2021.3.15起至2023.3.15止",
            ),
        ),
        (
            "short year",
            base.replace("2021年3月15日，", "21年3月15日，"),
        ),
        (
            "Chinese date",
            base.replace("2021年3月15日，", "二〇二一年三月十五日，")
                .replace("2023年7月1日", "二〇二三年七月一日"),
        ),
        ("monthly ‰", base.replace("年利率4.35%", "月利率3.625‰")),
        ("年化", base.replace("年利率4.35%", "年化利率4.35%")),
        (
            "大写",
            base.replace("借款本金100,000.00元", "借款本金人民币壹拾万元整"),
        ),
        (
            "万元",
            base.replace("借款本金100,000.00元", "借款本金10万元")
                .replace("借款金额100,000元", "借款金额10万元"),
        ),
        (
            "broken figure",
            base.replace("借款本金100,000.00元；", "借款本金100,\n000.00元；"),
        ),
        (
            "footer",
            base.replace("事实与理由：\n", "事实与理由：\n第 1 页 共 2 页\n"),
        ),
        (
            "编号为",
            base.replace("（合同编号：HT-2021-00042）", "（编号为HT-2021-00042）"),
        ),
        (
            "编号为…号的",
            base.replace(
                "《个人借款合同》（合同编号：HT-2021-00042）",
                "编号为HT-2021-00042号的《个人借款合同》",
            ),
        ),
        (
            "role",
            base.replace("被告：张伟，男", "被告（借款人）：张伟，男"),
        ),
    ];
    let rates = [
        ("日利率万分之五", "0.18"),
        ("月息1分", "0.12"),
        ("月息8厘", "0.096"),
    ];
    let plain = facts_of(base);
    assert!(plain.contract_date.is_some() && plain.annual_interest_rate.is_some());
    for (name, text) in &same {
        assert_eq!(facts_of(text), plain, "{name}");
    }
    for (form, yearly) in rates {
        let mut want = plain.clone();
        want.annual_interest_rate = yearly.parse().ok();
        assert_eq!(facts_of(&base.replace("年利率4.35%", form)), want, "{form}");
    }
}

/// More written forms of the same facts (issue 20): a due date stated after the signing
/// sentence (`…签订…，借款到期日为…`), a term written `为…至…`, a guarantor named in the header, by
/// 担保人 or by 提供…保证担保, a stated cause, `尚欠借款本金人民币100000元`, principal and interest
/// in one clause with a total after a bracketed note, a spaced signing date, `致：…法院`.
#[test]
fn more_written_forms_read_as_the_plain_complaint() {
    let base = "民事起诉状\n原告：澄泰银行股份有限公司青川分行\n被告一：张伟，男，1980年1月1日出生\n被告二：李娜，女，1982年2月2日出生\n诉讼请求：\n一、判令被告张伟偿还借款本金100,000.00元；\n二、判令被告张伟支付利息2,000.00元（暂计至2023年6月20日）；\n三、判令被告李娜对上述债务承担连带清偿责任。\n事实与理由：\n2021年3月15日，原告与被告张伟签订《个人借款合同》（合同编号：HT-2021-00042），约定借款金额100,000元，借款期限自2021年3月15日起至2023年3月15日止，年利率4.35%。被告李娜提供连带责任保证。\n此致\n青川市东湖区人民法院\n具状人：澄泰银行股份有限公司青川分行\n2023年7月1日";
    let term = "借款期限自2021年3月15日起至2023年3月15日止";
    let same: Vec<(&str, String)> = vec![
        (
            "due date after signing",
            base.replace(term, "借款到期日为2023年3月15日"),
        ),
        (
            "term 为…至…",
            base.replace(term, "借款期限为2021年3月15日至2023年3月15日"),
        ),
        (
            "term in months from a start",
            base.replace(term, "借款期限24个月，自2021年3月15日起"),
        ),
        (
            "start, then the term in words",
            base.replace(term, "自2021年3月15日起借款期限为二年"),
        ),
        (
            "guarantor in header",
            base.replace("被告二：李娜", "被告二（保证人）：李娜")
                .replace("被告李娜提供连带责任保证。", ""),
        ),
        (
            "担保人",
            base.replace(
                "被告李娜提供连带责任保证。",
                "被告李娜作为担保人签订了《保证合同》。",
            ),
        ),
        (
            "提供…保证担保",
            base.replace(
                "被告李娜提供连带责任保证。",
                "被告李娜为上述借款提供连带责任保证担保。",
            ),
        ),
        (
            "cause",
            base.replace("诉讼请求：", "案由：金融借款合同纠纷\n诉讼请求："),
        ),
        (
            "尚欠",
            base.replace("偿还借款本金100,000.00元", "归还尚欠借款本金人民币100000元"),
        ),
        (
            "spaced date",
            base.replace("\n2023年7月1日", "\n2023 年 7 月 1 日"),
        ),
        (
            "致：",
            base.replace("此致\n青川市东湖区人民法院", "致：青川市东湖区人民法院"),
        ),
    ];
    let plain = facts_of(base);
    assert_eq!(plain.defendants.len(), 2);
    for (name, text) in &same {
        assert_eq!(facts_of(text), plain, "{name}");
    }
    // Principal and interest in one clause, the total after a bracketed note on the interest.
    let one = base.replace(
        "一、判令被告张伟偿还借款本金100,000.00元；\n二、判令被告张伟支付利息2,000.00元（暂计至2023年6月20日）；",
        "一、判令被告张伟偿还借款本金100,000.00元及利息2,000.00元（利息暂计至2023年6月20日），合计102,000.00元；",
    );
    let mut want = plain.clone();
    want.claims.stated_total = "102000".parse().ok();
    assert_eq!(facts_of(&one), want);
}

/// Every fact the extraction points at has a Chinese label for the judge's screen, the
/// assignment date of an assignee's complaint included (a path such as `npl_assignment_date`
/// must never reach the screen).
#[test]
fn every_provenance_key_has_a_chinese_label() {
    let complaint = "民事起诉状\n原告：某某投资有限公司\n被告：某某机械厂\n诉讼请求：\n一、判令被告偿还借款本金100,000.00元；\n二、判令被告支付利息2,000.00元（暂计至2023年6月20日）。\n事实与理由：\n2021年3月15日，甲银行与被告签订《借款合同》（合同编号：HT-2021-00042），约定借款金额100,000元，借款期限自2021年3月15日起至2023年3月15日止，年利率4.35%。2022年5月10日，甲银行将上述债权依法转让给原告，并通知了被告。\n此致\n青川市东湖区人民法院\n具状人：某某投资有限公司\n2023年7月1日";
    let e = extract("npl", &DocumentText::from_pages(&[complaint]));
    assert_eq!(
        e.facts.npl_assignment_date,
        chrono::NaiveDate::from_ymd_opt(2022, 5, 10)
    );
    for key in e.provenance.keys() {
        assert!(
            crate::domain::FactField::key_label(key).is_some(),
            "no label for {key}"
        );
    }
}
