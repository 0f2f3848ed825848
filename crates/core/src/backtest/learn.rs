//! Training examples for the outcome model from past judgments: the features of what the
//! court had before deciding (claims, defence, facts, the rules' replay) and, as the label,
//! whether the orders grant less than claimed, as the order parser reads them. No hand labels
//! are used, so the hand check stays an independent measure.

use super::{Document, OutcomeClass, case_text, compare, replayed};
use crate::ml::outcome::{Example, case_features};
use crate::rules::RulesConfig;

/// One example per judgment whose orders give an outcome class; the others are skipped.
pub fn examples(docs: &[Document], cfg: &RulesConfig) -> Vec<Example> {
    docs.iter()
        .filter_map(|doc| {
            let r = replayed(doc, cfg);
            if !r.has_orders {
                return None;
            }
            let actual = compare::actual_side(&r.orders, &r.claimed)
                .decided
                .outcome?;
            let x = case_features(&case_text(&r.j), &r.facts, &r.outcome);
            Some(Example {
                doc_sha256: crate::domain::sha256_hex(doc.text.as_bytes()),
                text: r.j.before_decision(),
                x,
                y: f32::from(u8::from(actual != OutcomeClass::Full)),
                kind: crate::ml::outcome::case_kind(&r.facts),
            })
        })
        .collect()
}
