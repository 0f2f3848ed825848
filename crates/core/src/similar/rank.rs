//! Ranking similar cases: the pairwise features of a query case and a candidate (their legal
//! elements compared one by one, how close their amounts and rates are, and their text
//! similarity), the learned re-ranker over them, and reciprocal rank fusion of several ranked
//! lists (BM25 and dense).
//!
//! The re-ranker is a logistic regression trained on triplets "A is more similar to B than
//! to C" (CAIL2019-SCM): its score of a pair is `w · features(A, X)`, and a triplet is right
//! when `score(A, B) > score(A, C)`. It lives in `models/similar/reranker.json`.

use super::elements::{CaseElements, Element};
use crate::ml::MlError;
use crate::ml::outcome::Logistic;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::Hash;
use std::path::Path;

/// The file of the re-ranker inside a models folder.
pub const RERANKER_FILE: &str = "similar/reranker.json";

/// How similar two texts are, each in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TextScores {
    /// BM25 of the candidate for the query's words, divided by the best candidate's.
    pub bm25: f32,
    /// Cosine of the two dense embeddings (0 when there are none).
    pub dense: Option<f32>,
}

/// The names of the pairwise features, in order.
pub fn feature_names() -> Vec<String> {
    let mut out = Vec::new();
    for e in Element::ALL {
        out.push(format!("same:{e:?}"));
    }
    for e in Element::ALL {
        out.push(format!("both:{e:?}"));
    }
    out.extend(
        [
            "amount_close",
            "rate_close",
            "same_defendants",
            "bm25",
            "dense",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    out
}

/// 1 when `a` and `b` are equal, falling to 0 when one is ten times the other.
fn closeness(a: Option<f64>, b: Option<f64>) -> f32 {
    match (a, b) {
        (Some(a), Some(b)) if a > 0.0 && b > 0.0 => {
            (1.0 - ((a / b).ln().abs() / 10f64.ln())).max(0.0) as f32
        }
        _ => 0.0,
    }
}

/// The pairwise features of query `a` and candidate `b` ([`feature_names`]).
pub fn pair_features(a: &CaseElements, b: &CaseElements, text: TextScores) -> Vec<f32> {
    let mut out = Vec::with_capacity(Element::ALL.len() * 2 + 5);
    for e in Element::ALL {
        out.push(f32::from(u8::from(a.has(e) == b.has(e))));
    }
    for e in Element::ALL {
        out.push(f32::from(u8::from(a.has(e) && b.has(e))));
    }
    let amount = |c: &CaseElements| c.principal.and_then(|p| p.as_decimal().to_f64());
    let rate = |c: &CaseElements| c.yearly_rate.and_then(|r| r.to_f64());
    out.push(closeness(amount(a), amount(b)));
    out.push(closeness(rate(a), rate(b)));
    out.push(f32::from(u8::from(a.defendants == b.defendants)));
    out.push(text.bm25);
    out.push(text.dense.unwrap_or(0.0));
    out
}

/// The learned re-ranker: a linear score over [`pair_features`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reranker {
    /// Feature names the weights belong to (checked against [`feature_names`] at load).
    pub features: Vec<String>,
    /// The weights (the bias is irrelevant to a ranking and is 0).
    pub model: Logistic,
    /// Whether it was trained with dense similarity (then it expects one).
    pub dense: bool,
    /// What trained it, and its cross-validated accuracy, for the model card.
    pub trained_on: String,
}

impl Reranker {
    /// The score of a pair: higher is more similar.
    pub fn score(&self, features: &[f32]) -> f32 {
        self.model
            .weights
            .iter()
            .zip(features)
            .map(|(w, x)| w * x)
            .sum()
    }

    /// Reads `dir/similar/reranker.json`; `Ok(None)` when absent.
    pub fn load_from(dir: &Path) -> Result<Option<Reranker>, MlError> {
        let path = dir.join(RERANKER_FILE);
        if !path.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path).map_err(|source| MlError::Io {
            path: path.clone(),
            source,
        })?;
        let r: Reranker = serde_json::from_str(&text).map_err(MlError::Json)?;
        if r.features != feature_names() || r.model.weights.len() != r.features.len() {
            return Err(MlError::Shape(format!(
                "{}: its features are not this version's; retrain with `fincase train similar`",
                path.display()
            )));
        }
        Ok(Some(r))
    }

    /// Writes `dir/similar/reranker.json`.
    pub fn save_to(&self, dir: &Path) -> Result<(), MlError> {
        let path = dir.join(RERANKER_FILE);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|source| MlError::Io {
                path: p.to_path_buf(),
                source,
            })?;
        }
        let text = serde_json::to_string_pretty(self).map_err(MlError::Json)?;
        std::fs::write(&path, text + "\n").map_err(|source| MlError::Io { path, source })
    }

    /// The features that weigh most, strongest first (for the model card).
    pub fn strongest(&self, n: usize) -> Vec<(String, f32)> {
        let mut v: Vec<(String, f32)> = self
            .features
            .iter()
            .cloned()
            .zip(self.model.weights.iter().copied())
            .collect();
        v.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        v.truncate(n);
        v
    }
}

/// The constant of reciprocal rank fusion (Cormack et al. 2009).
pub const RRF_K: f32 = 60.0;

/// Reciprocal rank fusion: every id scores `Σ 1 / (k + rank)` over the lists it appears in
/// (rank from 1), best first; ties keep the order of first appearance.
pub fn rrf<T: Eq + Hash + Clone>(lists: &[Vec<T>], k: f32) -> Vec<(T, f32)> {
    let mut score: HashMap<T, (f32, usize)> = HashMap::new();
    let mut order = 0usize;
    for list in lists {
        for (i, id) in list.iter().enumerate() {
            let e = score.entry(id.clone()).or_insert_with(|| {
                order += 1;
                (0.0, order)
            });
            e.0 += 1.0 / (k + (i + 1) as f32);
        }
    }
    let mut v: Vec<(T, f32, usize)> = score.into_iter().map(|(t, (s, o))| (t, s, o)).collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
    v.into_iter().map(|(t, s, _)| (t, s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fusion_rewards_agreement_between_lists() {
        let fused = rrf(&[vec!["a", "b", "c"], vec!["b", "c", "a"]], RRF_K);
        assert_eq!(fused[0].0, "b");
        assert_eq!(fused.len(), 3);
        let only = rrf(&[vec!["x", "y"]], RRF_K);
        assert!(only[0].1 > only[1].1);
    }

    #[test]
    fn features_line_up_with_their_names() {
        let a = CaseElements::read(
            "原告：甲某。被告：乙某。原告诉称：乙某借款30000元，约定月利率2%，有借条。",
        );
        let b = CaseElements::read(
            "原告：丙某。被告：丁某。原告诉称：丁某借款33000元，约定月利率2%，有借条。",
        );
        let f = pair_features(
            &a,
            &b,
            TextScores {
                bm25: 0.5,
                dense: None,
            },
        );
        let names = feature_names();
        assert_eq!(f.len(), names.len());
        let at = |n: &str| f[names.iter().position(|x| x == n).unwrap()];
        assert_eq!(at("both:DebtNote"), 1.0);
        assert_eq!(at("same:Guarantee"), 1.0);
        assert!(at("amount_close") > 0.9);
        assert_eq!(at("bm25"), 0.5);
        assert_eq!(at("dense"), 0.0);
    }
}
