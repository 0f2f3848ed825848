//! Backtesting suggested outcomes against real judgments (issue 8): split a civil judgment
//! into its sections, parse what the court ordered, replay the case from what the court had
//! before deciding (claims, defence, facts) through the rules, and compare field by field.
//!
//! **Owns:** the judgment splitter ([`split()`](split::split)), the order parser
//! ([`parse_orders`]), the replay ([`replay()`](replay::replay)), the record schema
//! ([`Record`]) and the [`Summary`]. **Must not:** read a judgment's reasoning (本院认为) or
//! orders when replaying, do IO (the command line reads and writes the files), or panic on any
//! input line: an unreadable line is an [`InputError`], a judgment missing a section gives a
//! record with notes and `null` agreement.
//!
//! # Layout
//! - [`split`](mod@split): sections of a judgment (first or second instance, excerpts too).
//! - [`money`]: which amount of a clause is principal, interest, fee, base, ceiling, total.
//! - [`orders`]: the 判决如下 items and the fee sentence → [`Orders`].
//! - [`replay`](mod@replay): claims + facts → `CaseFacts` → `rules::precheck` / `rules::suggest`.
//! - [`compare`]: the JSON Lines record and the summary with its confusion matrix.

pub mod compare;
pub mod hand;
pub mod learn;
pub mod money;
pub mod orders;
pub mod replay;
pub mod split;

pub use compare::{Agree, Record, SuggestedSide, Summary};
pub use hand::{HandLabel, HandSummary, read_labels};
pub use orders::{Orders, OutcomeClass, parse_orders};
pub use split::{Judgment, Section, split};

use crate::ml::{self, outcome::CaseText, outcome::OutcomeModel};
use crate::rules::RulesConfig;
use serde::Deserialize;

/// One judgment to backtest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Its id (`line-N` when the input has none).
    pub id: String,
    /// Its full text.
    pub text: String,
}

/// Why an input line is not a judgment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// The line is not JSON.
    #[error("line {line}: not JSON: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// JSON, but neither a CAIL sentence array nor an `{"id","text"}` object.
    #[error(
        "line {line}: expected a JSON array of {{\"sentence\": …}} or an object {{\"id\", \"text\"}}"
    )]
    Shape {
        /// 1-based line.
        line: usize,
    },
}

#[derive(Deserialize)]
struct CailSentence {
    sentence: String,
}

#[derive(Deserialize)]
struct IdText {
    #[serde(default)]
    id: Option<serde_json::Value>,
    text: String,
}

/// Reads one JSON value as a judgment: a CAIL array of `{"sentence": …}` (joined in order) or
/// an object `{"id", "text"}` (the id may be a string or a number).
pub fn document_from_value(v: serde_json::Value, line: usize) -> Result<Document, InputError> {
    let fallback = format!("line-{line}");
    if v.is_array() {
        let sentences: Vec<CailSentence> =
            serde_json::from_value(v).map_err(|_| InputError::Shape { line })?;
        let text: String = sentences.into_iter().map(|s| s.sentence).collect();
        return Ok(Document { id: fallback, text });
    }
    let it: IdText = serde_json::from_value(v).map_err(|_| InputError::Shape { line })?;
    let id = match it.id {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => fallback,
    };
    Ok(Document { id, text: it.text })
}

/// Reads an input file: JSON Lines (one judgment per line, blank lines skipped) or one JSON
/// array whose elements are judgments (a CAIL file saved as a single array of documents).
/// Each entry carries its 1-based line (or element) number.
pub fn read_documents(content: &str) -> Vec<(usize, Result<Document, InputError>)> {
    if let Some(docs) = focus_documents(content) {
        return docs;
    }
    let trimmed = content.trim_start();
    if trimmed.starts_with('[')
        && content.lines().filter(|l| !l.trim().is_empty()).count() > 1
        && let Ok(serde_json::Value::Array(items)) = serde_json::from_str(content)
        && items.iter().all(|i| i.is_array() || i.is_object())
    {
        return items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i + 1, document_from_value(v, i + 1)))
            .collect();
    }
    content
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let line = i + 1;
            let doc = serde_json::from_str::<serde_json::Value>(l)
                .map_err(|e| InputError::Json {
                    line,
                    message: e.to_string(),
                })
                .and_then(|v| document_from_value(v, line));
            (line, doc)
        })
        .collect()
}

/// One item of the CAIL2021 dispute-focus file: the claims and the defence of a judgment
/// (its reasoning, `裁判分析过程段`, is never read).
#[derive(Deserialize)]
struct FocusItem {
    #[serde(rename = "文书ID", default)]
    id: Option<String>,
    #[serde(rename = "诉称段", default)]
    claims: String,
    #[serde(rename = "辩称段", default)]
    defence: String,
}

#[derive(Deserialize)]
struct FocusFile {
    dataset: Vec<FocusItem>,
}

/// The CAIL2021 dispute-focus file (`{"dataset": [{"诉称段", "辩称段", …}]}`) as judgments
/// made of their claims and defence only, numbered from 1 in file order; `None` for any
/// other input.
fn focus_documents(content: &str) -> Option<Vec<(usize, Result<Document, InputError>)>> {
    if !content.contains("\"dataset\"") {
        return None;
    }
    let f: FocusFile = serde_json::from_str(content).ok()?;
    Some(
        f.dataset
            .into_iter()
            .enumerate()
            .map(|(i, it)| {
                let text = format!("{}{}", it.claims, it.defence);
                let id = it.id.unwrap_or_else(|| format!("line-{}", i + 1));
                (i + 1, Ok(Document { id, text }))
            })
            .collect(),
    )
}

/// The result of backtesting one judgment.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    /// The output record.
    pub record: Record,
    /// True when the judgment has an orders section.
    pub has_orders: bool,
    /// True when the judgment has a claims section with something claimed.
    pub has_claims: bool,
    /// True when the judgment has a claims section at all.
    pub has_claims_section: bool,
}

/// What the court had before deciding, as the outcome model reads it.
pub fn case_text(j: &Judgment) -> CaseText<'_> {
    CaseText {
        claims: j.section(Section::Claims).unwrap_or(""),
        defence: j.section(Section::Defence).unwrap_or(""),
        facts: j.section(Section::Facts).unwrap_or(""),
        appeal: j.instance == split::Instance::Second,
    }
}

/// A judgment split, its orders parsed and what the court had before deciding replayed
/// through the rules: what the backtest and the outcome model's training both start from.
pub(crate) struct Replayed {
    /// The judgment's sections.
    pub j: Judgment,
    /// True when it has an orders section.
    pub has_orders: bool,
    /// The orders (empty without an orders section).
    pub orders: Orders,
    /// The facts the replay built.
    pub facts: crate::domain::CaseFacts,
    /// What the claims section asks for.
    pub claimed: replay::ClaimedItems,
    /// The rules' outcome.
    pub outcome: crate::rules::Outcome,
}

/// Splits `doc`, parses its orders and replays it ([`Replayed`]).
pub(crate) fn replayed(doc: &Document, cfg: &RulesConfig) -> Replayed {
    let j = split(&doc.text);
    let orders_text = j.section(Section::Orders);
    let has_orders = orders_text.is_some();
    let orders = parse_orders(orders_text.unwrap_or(""), j.section(Section::Fees));
    let (facts, claimed, outcome) = replay::replay(&j, &doc.id, cfg);
    Replayed {
        j,
        has_orders,
        orders,
        facts,
        claimed,
        outcome,
    }
}

/// Backtests one judgment: split, parse the orders, replay from claims + facts, compare. With
/// an outcome model, the outcome class comes with a confidence and may abstain.
pub fn backtest(
    doc: &Document,
    line: usize,
    cfg: &RulesConfig,
    model: Option<&OutcomeModel>,
) -> Backtest {
    let Replayed {
        j,
        has_orders,
        orders,
        facts,
        claimed,
        outcome,
    } = replayed(doc, cfg);
    let mut notes = Vec::new();
    let has_claims = claimed.principal.is_some()
        || claimed.interest_sum.is_some()
        || claimed.attorney_fee.is_some()
        || claimed.other_fees.is_some();
    let has_claims_section = j.section(Section::Claims).is_some();
    if !has_orders {
        notes.push("no orders section (判决如下)".to_owned());
    }
    if !has_claims_section {
        notes.push("no claims section".to_owned());
    } else if !has_claims {
        notes.push("no amount claimed could be read".to_owned());
    }
    if j.instance == split::Instance::Second {
        notes.push("second instance".to_owned());
    }
    let mut decided = compare::suggested_side(&outcome, &mut notes);
    let assessed = model.map(|m| {
        ml::outcome::assess(
            m,
            &case_text(&j),
            &facts,
            &outcome,
            Some(&crate::domain::sha256_hex(doc.text.as_bytes())),
        )
    });
    let (confidence, abstained, class_if_answered) = match &assessed {
        Some((a, by)) => {
            match by {
                ml::outcome::AnsweredBy::Rules => notes.push(
                    "outcome model: not trained on this kind of case; the rules decide".to_owned(),
                ),
                ml::outcome::AnsweredBy::FoldModel => notes.push(
                    "outcome model: out of fold (this judgment was held out of the model that scored it)"
                        .to_owned(),
                ),
                ml::outcome::AnsweredBy::Model => {}
            }
            let class = compare::class_of(a.suggested);
            decided.outcome = (!a.abstained).then_some(class);
            (Some(a.confidence), a.abstained, Some(class))
        }
        None => (None, false, decided.outcome),
    };
    if abstained {
        notes.push("abstained: the judge must decide the outcome".to_owned());
    }
    let suggested = compare::SuggestedSide {
        decided,
        confidence,
        abstained,
        reasons: compare::reasons_of(&outcome),
        class_if_answered,
    };
    let actual = compare::actual_side(&orders, &claimed);
    if has_orders && actual.decided.outcome.is_none() {
        notes.push("actual outcome not determinable (e.g. appeal dismissed)".to_owned());
    }
    let agree = compare::agree(
        &suggested.decided,
        &actual.decided,
        has_orders && has_claims,
    );
    Backtest {
        record: Record {
            line,
            id: doc.id.clone(),
            claimed: compare::claimed_side(&claimed),
            suggested,
            actual,
            agree,
            notes,
        },
        has_orders,
        has_claims,
        has_claims_section,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CAIL2021 dispute-focus file is read as claims + defence, numbered in file order;
    /// the court's reasoning is never part of the text.
    #[test]
    fn the_focus_file_gives_claims_and_defence_only() {
        let file = r#"{"dataset": [{"文书ID": "X1", "诉称段": "原告甲诉称：请求判令被告偿还借款1万元。", "辩称段": "被告乙辩称：已还。", "裁判分析过程段": "本院认为，应予支持。"}, {"诉称段": "原告丙诉称：请求判令被告偿还借款2万元。", "辩称段": ""}]}"#;
        let docs = read_documents(file);
        assert_eq!(docs.len(), 2);
        let (line, doc) = &docs[0];
        let doc = doc.as_ref().unwrap();
        assert_eq!((*line, doc.id.as_str()), (1, "X1"));
        assert!(doc.text.contains("已还") && !doc.text.contains("本院认为"));
        assert_eq!(docs[1].1.as_ref().unwrap().id, "line-2");
    }
}
