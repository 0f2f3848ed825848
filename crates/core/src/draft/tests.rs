//! Draft tests: hand-built facts through the real rules, then `check_draft`.

use super::*;
use crate::domain::{
    CaseFacts, CaseType, Defendant, DefendantRole, Plaintiff, PlaintiffKind, Rate, Yuan,
};
use crate::rules::{RulesConfig, precheck, suggest};
use std::str::FromStr;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn y(s: &str) -> Yuan {
    Yuan::from_str(s).unwrap()
}

fn bank_case() -> CaseFacts {
    let mut f = CaseFacts {
        id: "draft-1".into(),
        case_type: Some(CaseType::FinancialLoan),
        court: Some("杭州市西湖区人民法院".into()),
        plaintiff: Some(Plaintiff {
            name: "某某银行股份有限公司杭州分行".into(),
            kind: PlaintiffKind::Bank,
        }),
        defendants: vec![
            Defendant {
                name: "张三".into(),
                role: DefendantRole::Borrower,
            },
            Defendant {
                name: "李四".into(),
                role: DefendantRole::Guarantor,
            },
        ],
        contract_number: Some("HT-2023-001".into()),
        contract_date: Some(d("2023-01-01")),
        loan_amount: Some(y("100000")),
        annual_interest_rate: Some(Rate::from_str("0.06").unwrap()),
        penalty_rate: Some(Rate::from_str("0.36").unwrap()),
        maturity_date: Some(d("2024-01-01")),
        default_date: Some(d("2024-01-01")),
        filing_date: Some(d("2024-08-01")),
        guarantee_period_months: Some(36),
        ..CaseFacts::default()
    };
    f.claims.principal = Some(y("100000"));
    f.claims.interest = Some(y("18300"));
    f.claims.interest_cutoff_date = Some(d("2024-07-02"));
    f.claims.attorney_fee = Some(y("3000"));
    f.claims.joint_liability = true;
    f
}

/// facts → precheck → suggest → render, with the checks every draft must pass.
fn check_draft(facts: &CaseFacts, opts: &DraftOptions) -> Draft {
    let cfg = RulesConfig::default();
    let findings = precheck(facts, &cfg);
    let outcome = suggest(facts, &findings, &cfg);
    let draft = render_with(facts, &findings, &outcome, opts).unwrap();
    assert_eq!(draft.kind, outcome.document);
    assert_balanced(&draft.html);
    // Every link points at a trail that exists.
    for part in draft.html.split("href=\"#").skip(1) {
        let anchor = part.split('"').next().unwrap();
        assert!(
            draft.html.contains(&format!("id=\"{anchor}\"")),
            "dangling link #{anchor}"
        );
    }
    // Determinism.
    let again = render_with(facts, &findings, &outcome, opts).unwrap();
    assert_eq!(again, draft);
    assert!(
        !draft.text.contains('<') || facts.id.contains('<'),
        "tags left in text"
    );
    draft
}

/// Balanced-tags check: every non-void element is closed in order.
fn assert_balanced(html: &str) {
    const VOID: [&str; 4] = ["meta", "br", "hr", "!doctype"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let after = &rest[lt + 1..];
        let gt = after.find('>').expect("unterminated tag");
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if VOID.contains(&name.as_str()) {
            continue;
        }
        if closing {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.as_str()),
                "mismatched </{name}>"
            );
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn judgment_has_the_key_sentences_and_amounts() {
    let opts = DraftOptions {
        case_number: Some("（2024）浙0106民初1234号".into()),
        attendance: Attendance::Absent,
        judge: Some("王法官".into()),
        clerk: Some("赵书记".into()),
        judgment_date: Some(d("2024-09-15")),
        appellate_court: Some("浙江省杭州市中级人民法院".into()),
        model_version: None,
        ..DraftOptions::default()
    };
    let draft = check_draft(&bank_case(), &opts);
    assert_eq!(draft.kind, DocumentKind::Judgment);
    assert_eq!(draft.template_version, JUDGMENT_TEMPLATE);
    let t = &draft.text;
    for needle in [
        "杭州市西湖区人民法院",
        "民事判决书",
        "（2024）浙0106民初1234号",
        "原告：某某银行股份有限公司杭州分行",
        "被告（保证人）：李四",
        "经本院传票传唤无正当理由拒不到庭，本院依法缺席审理",
        "本院经审理认定事实如下",
        "本院认为",
        "判决如下",
        "一、被告张三于本判决生效之日起十日内归还原告某某银行股份有限公司杭州分行借款本金100,000.00元",
        "利息（含罚息、复利）12,200.00元",
        "按年利率24%计算",
        "律师费3,000.00元",
        "被告李四对上述第一至二项债务承担连带清偿责任",
        "驳回原告某某银行股份有限公司杭州分行的其他诉讼请求。",
        "第二百六十四条",
        "案件受理费2,726.00元，减半收取计1,363.00元",
        "上诉于浙江省杭州市中级人民法院",
        "《中华人民共和国民事诉讼法》第一百四十七条",
        "二〇二四年九月十五日",
        "书记员　赵书记",
        "100,000.00 × 24% × 183/360 = 12,200.00",
    ] {
        assert!(t.contains(needle), "missing {needle:?} in\n{t}");
    }
    assert!(
        draft
            .html
            .contains("<a href=\"#trail-interest\">12,200.00</a>")
    );
    assert!(draft.html.contains("id=\"trail-court-fee\""));
    assert!(!t.contains("本判决为终审判决"));
}

#[test]
fn small_claims_judgment_is_final() {
    let mut f = bank_case();
    f.defendants.truncate(1);
    f.loan_amount = Some(y("30000"));
    f.claims.principal = Some(y("30000"));
    f.claims.interest = Some(y("1000"));
    f.claims.attorney_fee = None;
    f.penalty_rate = Some(Rate::from_str("0.09").unwrap());
    let draft = check_draft(&f, &DraftOptions::default());
    assert!(draft.text.contains("本判决为终审判决。"), "{}", draft.text);
    assert!(draft.text.contains("小额诉讼程序"));
    assert!(!draft.text.contains("驳回原告"));
    assert!(draft.text.contains("【到庭情况待填"));
}

#[test]
fn payment_order_renders() {
    let mut f = bank_case();
    f.defendants.truncate(1);
    f.payment_order_requested = true;
    f.penalty_rate = Some(Rate::from_str("0.09").unwrap());
    f.claims.interest = Some(y("4575"));
    f.claims.attorney_fee = None;
    let draft = check_draft(&f, &DraftOptions::default());
    assert_eq!(draft.kind, DocumentKind::PaymentOrder);
    assert_eq!(draft.template_version, PAYMENT_ORDER_TEMPLATE);
    let t = &draft.text;
    for needle in [
        "支付令",
        "民督",
        "申请人：某某银行股份有限公司杭州分行",
        "被申请人：张三",
        "第二百二十五条、第二百二十七条",
        "被申请人张三应当自收到本支付令之日起十五日内",
        "借款本金100,000.00元",
        "利息（含罚息、复利）4,575.00元",
        "合计104,575.00元，或者向本院提出书面异议",
        "可以向人民法院申请执行",
        // 104,575: 2,391.50 ÷ 3 = 797.17.
        "申请费797.17元，由被申请人张三负担",
    ] {
        assert!(t.contains(needle), "missing {needle:?} in\n{t}");
    }
}

#[test]
fn rejected_outcome_renders_a_notice() {
    let mut f = bank_case();
    f.filing_date = Some(d("2027-06-01"));
    let draft = check_draft(&f, &DraftOptions::default());
    assert_eq!(draft.kind, DocumentKind::None);
    assert_eq!(draft.template_version, NOTICE_TEMPLATE);
    assert!(draft.text.contains("诉前审查意见"));
    assert!(draft.text.contains("limitation_expired"));
    assert!(draft.text.contains("诉讼时效"));
    assert!(!draft.text.contains("判决如下"));
}

#[test]
fn everything_is_escaped() {
    let mut f = bank_case();
    f.plaintiff = Some(Plaintiff {
        name: "<script>alert(1)</script>&银行".into(),
        kind: PlaintiffKind::Bank,
    });
    f.id = "<x>".into();
    let draft = check_draft(&f, &DraftOptions::default());
    assert!(!draft.html.contains("<script>"));
    assert!(draft.html.contains("&lt;script&gt;"));
    // The text version decodes it back.
    assert!(draft.text.contains("<script>alert(1)</script>&银行"));
}

#[test]
fn empty_facts_still_render() {
    let f = CaseFacts::default();
    let draft = check_draft(&f, &DraftOptions::default());
    assert_eq!(draft.kind, DocumentKind::None);
    assert!(draft.text.contains("人工审查提示"));
}

#[test]
fn chinese_numerals() {
    assert_eq!(small_zh(1), "一");
    assert_eq!(small_zh(10), "十");
    assert_eq!(small_zh(12), "十二");
    assert_eq!(small_zh(20), "二十");
    assert_eq!(small_zh(31), "三十一");
    assert_eq!(date_zh_numerals(d("2020-10-30")), "二〇二〇年十月三十日");
    assert_eq!(date_zh(d("2024-07-02")), "2024年7月2日");
}

#[test]
fn html_to_text_numbers_lists_and_decodes() {
    let t = html_to_text(
        "<html><head><title>x</title></head><body><p>a &amp; b</p><ol><li>one</li><li>two</li></ol></body></html>",
    );
    assert_eq!(t, "a & b\n一、one\n二、two\n");
}

#[test]
fn html_only_elements_are_dropped_from_text_with_their_content() {
    let html = "<p>本金<a href=\"#t\">1.00</a><sup class=\"src\" data-html-only><a class=\"src\" href=\"#s\">第2页</a></sup>元</p>\
                <section class=\"sources\" data-html-only><section><p>x</p></section><ol><li>来源</li></ol></section><p>data-html-only 是文字</p>";
    assert_eq!(html_to_text(html), "本金1.00元\n\ndata-html-only 是文字\n");
    let blocks: Vec<String> = blocks_of(html).into_iter().map(|b| b.text).collect();
    assert_eq!(blocks, vec!["本金1.00元", "data-html-only 是文字"]);
}
