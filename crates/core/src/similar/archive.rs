//! A decided case as the archive keeps it: what the court had before deciding (the facts
//! similar-case retrieval compares), its legal elements, and what the court decided (claims
//! against awards, the operative items and the start of its reasoning), read by the backtest's
//! splitter and order parser.

use super::elements::CaseElements;
use crate::backtest::orders::OutcomeClass;
use crate::backtest::split::{Section, split};
use crate::backtest::{Document, backtest};
use crate::domain::{Rate, Yuan};
use crate::rules::RulesConfig;
use serde::{Deserialize, Serialize};

/// What the court decided, as a judge reads it beside a new case.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Decision {
    /// Granted in full, in part, or rejected (`None` when the orders could not be read).
    pub class: Option<OutcomeClass>,
    /// 本金 claimed.
    pub claimed_principal: Option<Yuan>,
    /// 本金 awarded.
    pub awarded_principal: Option<Yuan>,
    /// The yearly rate of the interest the court ordered, when a figure.
    pub awarded_rate: Option<Rate>,
    /// True when a guarantor or co-debtor was held jointly liable.
    pub joint_liability: bool,
    /// The operative items (判决如下), as written.
    pub orders: Vec<String>,
    /// The start of 本院认为 (at most 300 characters).
    pub reasoning: String,
}

impl Decision {
    /// The class in Chinese (全部支持 / 部分支持 / 驳回).
    pub fn class_zh(&self) -> &'static str {
        match self.class {
            Some(OutcomeClass::Full) => "全部支持",
            Some(OutcomeClass::Partial) => "部分支持",
            Some(OutcomeClass::Rejected) => "驳回诉讼请求",
            None => "裁判结果未能读取",
        }
    }

    /// True when the ordered interest runs at 24 % a year (the pre-2020 protected ceiling).
    pub fn interest_at_24(&self) -> bool {
        self.awarded_rate
            .is_some_and(|r| r.fraction() == rust_decimal::Decimal::new(24, 2))
    }

    /// True when the principal was awarded as claimed.
    pub fn principal_in_full(&self) -> bool {
        matches!((self.claimed_principal, self.awarded_principal), (Some(c), Some(a)) if c == a)
    }
}

/// One archived case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchivedCase {
    /// Stable id (the input's `id`, else a hash of the text).
    pub id: String,
    /// Where it came from (a file name, or `fincase` for an approved filing).
    pub source: String,
    /// The heading: court, document title and case number when found.
    pub title: String,
    /// Parties, claims, defence and facts: what the court had before deciding.
    pub facts: String,
    /// The legal elements of `facts`.
    pub elements: CaseElements,
    /// What the court decided.
    pub decision: Decision,
}

/// The first characters of `s`, at most `n`.
fn prefix(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// The heading of a judgment: its first line, or up to the first 。 in the first 80 characters.
fn heading(text: &str, header: &str) -> String {
    let first = header.lines().map(str::trim).find(|l| !l.is_empty());
    let h = first.unwrap_or(text.trim());
    let h = h.split('。').next().unwrap_or(h);
    prefix(h, 80)
}

/// The archive id of the judgment read at input line `line`: its own id, or, when the input
/// gave none (`line-N`), `text-` and the first 16 hex digits of its text's sha256, so importing
/// the same judgment from another file replaces it instead of doubling it.
pub fn archive_id(doc: &Document, line: usize) -> String {
    if doc.id == format!("line-{line}") {
        let h = crate::domain::sha256_hex(doc.text.as_bytes());
        format!("text-{}", &h[..16.min(h.len())])
    } else {
        doc.id.clone()
    }
}

impl ArchivedCase {
    /// Reads a judgment (or any decided case's text) into an archive record.
    pub fn from_judgment(doc: &Document, source: &str, cfg: &RulesConfig) -> ArchivedCase {
        let j = split(&doc.text);
        let facts = j.before_decision_lines();
        let bt = backtest(doc, 0, cfg, None);
        let actual = &bt.record.actual.decided;
        let orders_text = j.section(Section::Orders).unwrap_or("");
        let orders = crate::backtest::money::clauses(orders_text)
            .into_iter()
            .map(|c| {
                let t = c.strip_prefix("判决如下").unwrap_or(&c);
                let t = t.trim_start_matches(['：', ':']).trim();
                crate::backtest::money::strip_item_number(t).to_owned()
            })
            .filter(|c| !c.is_empty())
            .take(12)
            .collect();
        let decision = Decision {
            class: if bt.has_orders { actual.outcome } else { None },
            claimed_principal: bt.record.claimed.principal,
            awarded_principal: actual.principal,
            awarded_rate: actual.interest_formula.as_ref().and_then(|f| f.rate),
            joint_liability: !actual.joint_liability_defendants.is_empty(),
            orders,
            reasoning: prefix(j.section(Section::Reasoning).unwrap_or("").trim(), 300),
        };
        ArchivedCase {
            id: doc.id.clone(),
            source: source.to_owned(),
            title: heading(&doc.text, j.section(Section::Header).unwrap_or("")),
            elements: CaseElements::read(&facts),
            facts,
            decision,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_facts_elements_and_decision_of_a_judgment() {
        let text = "某某市某某区人民法院民事判决书（2020）某0101民初1号\n\
            原告：甲某，男。被告：乙某，男。\n\
            原告甲某向本院提出诉讼请求：1．判令被告偿还借款本金50000元及利息；2．诉讼费由被告负担。\n\
            被告乙某未到庭，未答辩。\n\
            经审理查明：2019年1月1日，被告向原告借款50000元，出具借条一张，约定月利率2%。\n\
            本院认为，合法的借贷关系受法律保护，被告应当偿还借款。\n\
            判决如下：\n一、被告乙某于本判决生效之日起十日内偿还原告甲某借款本金50000元及利息（以50000元为基数，按年利率24%自2019年1月1日起计算至实际清偿之日止）；\n\
            案件受理费1050元，由被告乙某负担。\n如不服本判决，可在判决书送达之日起十五日内上诉。\n审判员 丙某";
        let doc = Document {
            id: "t1".into(),
            text: text.into(),
        };
        let a = ArchivedCase::from_judgment(&doc, "test", &RulesConfig::default());
        assert!(a.title.contains("民事判决书"), "{}", a.title);
        assert!(a.facts.contains("经审理查明") && !a.facts.contains("判决如下"));
        assert_eq!(
            a.decision.claimed_principal,
            Some(Yuan::from_fen(5_000_000))
        );
        assert_eq!(
            a.decision.awarded_principal,
            Some(Yuan::from_fen(5_000_000))
        );
        assert!(a.decision.principal_in_full());
        assert!(a.decision.orders.iter().any(|o| o.contains("偿还")));
        assert!(a.decision.reasoning.starts_with("本院认为"));
        assert!(a.elements.has(super::super::Element::DefendantAbsent));
    }
}
