//! Similar-case matching triplets (CAIL2019-SCM): "is A more similar to B or to C?". Reading
//! the file, the pool of distinct texts, scoring every triplet with each method, training the
//! re-ranker and its cross-validation grouped by A.
//!
//! The text similarities (BM25 from the search index, dense cosine from the encoder) are
//! computed by the caller over the pool and handed in as matrices: this module knows neither
//! tantivy nor the encoder.

use super::elements::CaseElements;
use super::rank::{Reranker, TextScores, feature_names, pair_features};
use crate::ml::MlError;
use crate::ml::model::SplitMix;
use crate::ml::outcome::{OutcomeTrainConfig, fit_width};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Which of B and C is the more similar to A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Choice {
    /// B.
    B,
    /// C.
    C,
}

/// One triplet of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Triplet {
    /// The query case.
    pub a: String,
    /// First candidate.
    pub b: String,
    /// Second candidate.
    pub c: String,
    /// The right answer, when the file gives it.
    pub label: Option<Choice>,
}

#[derive(Deserialize)]
struct Line {
    #[serde(rename = "A")]
    a: String,
    #[serde(rename = "B")]
    b: String,
    #[serde(rename = "C")]
    c: String,
    #[serde(default)]
    label: Option<String>,
}

/// Reads JSON Lines of `{"A","B","C"}` with an optional `"label": "B"|"C"`. A malformed line
/// is an error naming it (0-based, as the output counts lines); blank lines are skipped.
pub fn read_triplets(content: &str) -> Result<Vec<Triplet>, MlError> {
    let mut out = Vec::new();
    for (n, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let l: Line = serde_json::from_str(line).map_err(|e| {
            MlError::Data(format!(
                "line {n}: not a triplet {{\"A\",\"B\",\"C\"}}: {e}"
            ))
        })?;
        let label = match l.label.as_deref() {
            None => None,
            Some("B") => Some(Choice::B),
            Some("C") => Some(Choice::C),
            Some(other) => {
                return Err(MlError::Data(format!(
                    "line {n}: label {other:?} is neither \"B\" nor \"C\""
                )));
            }
        };
        out.push(Triplet {
            a: l.a,
            b: l.b,
            c: l.c,
            label,
        });
    }
    Ok(out)
}

/// For an unlabelled stage-1 file (B is the more similar on every line, by construction):
/// swaps B and C on every odd line and labels each line, so that "always B" scores 50 %.
pub fn swap_half(triplets: &mut [Triplet]) {
    for (i, t) in triplets.iter_mut().enumerate() {
        if i % 2 == 1 {
            std::mem::swap(&mut t.b, &mut t.c);
            t.label = Some(Choice::C);
        } else {
            t.label = Some(Choice::B);
        }
    }
}

/// The distinct texts of a file and each triplet's (A, B, C) indices into them.
#[derive(Debug, Clone)]
pub struct Pool {
    /// Distinct texts, in order of first appearance.
    pub texts: Vec<String>,
    /// Per triplet: indices of A, B and C, and the label.
    pub triplets: Vec<(usize, usize, usize, Option<Choice>)>,
    /// The legal elements of each text.
    pub elements: Vec<CaseElements>,
}

impl Pool {
    /// Builds the pool and reads every text's elements.
    pub fn new(triplets: &[Triplet]) -> Pool {
        let mut texts: Vec<String> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        let mut id = |t: &str, texts: &mut Vec<String>| -> usize {
            if let Some(i) = at.get(t) {
                return *i;
            }
            texts.push(t.to_owned());
            at.insert(t.to_owned(), texts.len() - 1);
            texts.len() - 1
        };
        let ids = triplets
            .iter()
            .map(|t| {
                (
                    id(&t.a, &mut texts),
                    id(&t.b, &mut texts),
                    id(&t.c, &mut texts),
                    t.label,
                )
            })
            .collect();
        let elements = texts.iter().map(|t| CaseElements::read(t)).collect();
        Pool {
            texts,
            triplets: ids,
            elements,
        }
    }
}

/// Text similarities over a pool: `bm25[q][d]` (BM25 of text d for query text q, divided by
/// the best other text's) and, optionally, unit dense embeddings per text.
#[derive(Debug, Clone)]
pub struct Similarities {
    /// Normalised BM25, n × n (the diagonal is unused).
    pub bm25: Vec<Vec<f32>>,
    /// Unit embeddings, one per text.
    pub dense: Option<Vec<Vec<f32>>>,
}

impl Similarities {
    fn cosine(&self, a: usize, b: usize) -> Option<f32> {
        let d = self.dense.as_ref()?;
        Some(d[a].iter().zip(&d[b]).map(|(x, y)| x * y).sum())
    }

    /// Text scores of a pair.
    pub fn text(&self, a: usize, b: usize) -> TextScores {
        TextScores {
            bm25: self.bm25[a][b],
            dense: self.cosine(a, b),
        }
    }

    /// 1-based rank of `b` among all other texts for query `a`, by BM25 or by dense cosine.
    fn rank(&self, a: usize, b: usize, dense: bool) -> usize {
        let n = self.bm25.len();
        let s = |d: usize| {
            if dense {
                self.cosine(a, d).unwrap_or(0.0)
            } else {
                self.bm25[a][d]
            }
        };
        let mine = s(b);
        1 + (0..n).filter(|&d| d != a && d != b && s(d) > mine).count()
    }
}

/// A way of scoring a triplet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// BM25 alone (jieba words, tantivy).
    Bm25,
    /// Dense cosine alone.
    Dense,
    /// Reciprocal rank fusion of BM25 and dense.
    Hybrid,
    /// The legal-element re-ranker over BM25 (and dense when trained with it).
    Reranker,
    /// Untrained: the number of legal elements on which the two cases agree, BM25 breaking
    /// ties (how much the elements give before any weight is learned).
    Elements,
}

/// One scored triplet, as `fincase eval scm` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    /// 0-based line.
    pub line: usize,
    /// The more similar candidate.
    pub choice: Choice,
    /// Score of B.
    pub score_b: f32,
    /// Score of C.
    pub score_c: f32,
}

/// Scores every triplet of `pool` with a method that needs no training.
pub fn score_plain(pool: &Pool, sims: &Similarities, method: Method) -> Vec<Scored> {
    let f = |a: usize, x: usize| -> f32 {
        match method {
            Method::Bm25 => sims.bm25[a][x],
            Method::Dense => sims.cosine(a, x).unwrap_or(0.0),
            Method::Hybrid => {
                let mut s = 1.0 / (super::rank::RRF_K + sims.rank(a, x, false) as f32);
                if sims.dense.is_some() {
                    s += 1.0 / (super::rank::RRF_K + sims.rank(a, x, true) as f32);
                }
                s
            }
            Method::Elements => {
                let (ea, ex) = (&pool.elements[a], &pool.elements[x]);
                let same = super::elements::Element::ALL
                    .iter()
                    .filter(|e| ea.has(**e) == ex.has(**e))
                    .count();
                same as f32 + sims.bm25[a][x]
            }
            Method::Reranker => 0.0,
        }
    };
    pool.triplets
        .iter()
        .enumerate()
        .map(|(line, &(a, b, c, _))| scored(line, f(a, b), f(a, c)))
        .collect()
}

fn scored(line: usize, score_b: f32, score_c: f32) -> Scored {
    Scored {
        line,
        choice: if score_b >= score_c {
            Choice::B
        } else {
            Choice::C
        },
        score_b,
        score_c,
    }
}

/// Scores every triplet with a trained re-ranker.
pub fn score_reranker(pool: &Pool, sims: &Similarities, r: &Reranker) -> Vec<Scored> {
    let s = |a: usize, x: usize| r.score(&features(pool, sims, a, x, r.dense));
    pool.triplets
        .iter()
        .enumerate()
        .map(|(line, &(a, b, c, _))| scored(line, s(a, b), s(a, c)))
        .collect()
}

fn features(pool: &Pool, sims: &Similarities, a: usize, x: usize, dense: bool) -> Vec<f32> {
    let mut t = sims.text(a, x);
    if !dense {
        t.dense = None;
    }
    pair_features(&pool.elements[a], &pool.elements[x], t)
}

/// Share of labelled triplets scored right, and how many were labelled.
pub fn accuracy(pool: &Pool, scored: &[Scored]) -> Option<(usize, usize)> {
    let mut right = 0;
    let mut n = 0;
    for (s, t) in scored.iter().zip(&pool.triplets) {
        if let Some(label) = t.3 {
            n += 1;
            right += usize::from(s.choice == label);
        }
    }
    (n > 0).then_some((right, n))
}

/// How the re-ranker is trained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RerankConfig {
    /// Folds of the cross-validation, grouped by A.
    pub folds: usize,
    /// Use dense similarity as a feature.
    pub dense: bool,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// The logistic regression's optimiser settings.
    pub steps: usize,
    /// L2 penalty.
    pub l2: f64,
}

impl Default for RerankConfig {
    fn default() -> Self {
        RerankConfig {
            folds: 5,
            dense: false,
            seed: 17,
            steps: 400,
            l2: 0.002,
        }
    }
}

/// Fits the re-ranker on the labelled triplets at `rows` of the pool: each triplet gives the
/// difference of its two pairs' features, once as it is (label 1 when B is right) and once
/// negated (so the model has no preference for a side).
pub fn fit_reranker(
    pool: &Pool,
    sims: &Similarities,
    rows: &[usize],
    cfg: &RerankConfig,
) -> Result<Reranker, MlError> {
    let names = feature_names();
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for &i in rows {
        let (a, b, c, label) = pool.triplets[i];
        let Some(label) = label else { continue };
        let fb = features(pool, sims, a, b, cfg.dense);
        let fc = features(pool, sims, a, c, cfg.dense);
        let d: Vec<f32> = fb.iter().zip(&fc).map(|(x, y)| x - y).collect();
        let y = if label == Choice::B { 1.0 } else { 0.0 };
        xs.push(d.iter().map(|v| -v).collect());
        ys.push(1.0 - y);
        xs.push(d);
        ys.push(y);
    }
    let train = OutcomeTrainConfig {
        folds: cfg.folds,
        steps: cfg.steps,
        lr: 0.05,
        l2: cfg.l2,
        abstain_share: 0.0,
    };
    let mut model = fit_width(&xs, &ys, names.len(), &train)?;
    model.bias = 0.0;
    Ok(Reranker {
        features: names,
        model,
        dense: cfg.dense,
        trained_on: String::new(),
    })
}

/// Out-of-fold scores of the re-ranker: the triplets are split into `cfg.folds` folds by
/// their A text (every triplet of one query case in one fold), and each fold is scored by a
/// model trained on the others.
pub fn cross_validate(
    pool: &Pool,
    sims: &Similarities,
    cfg: &RerankConfig,
) -> Result<Vec<Scored>, MlError> {
    let mut queries: Vec<usize> = pool.triplets.iter().map(|t| t.0).collect();
    queries.sort_unstable();
    queries.dedup();
    let mut rng = SplitMix::new(cfg.seed);
    for i in (1..queries.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        queries.swap(i, j);
    }
    let fold_of: HashMap<usize, usize> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| (*q, i % cfg.folds.max(2)))
        .collect();
    let mut out: Vec<Option<Scored>> = vec![None; pool.triplets.len()];
    for k in 0..cfg.folds.max(2) {
        let train: Vec<usize> = (0..pool.triplets.len())
            .filter(|&i| fold_of.get(&pool.triplets[i].0) != Some(&k))
            .collect();
        let r = fit_reranker(pool, sims, &train, cfg)?;
        for (line, &(a, b, c, _)) in pool.triplets.iter().enumerate() {
            if fold_of.get(&a) == Some(&k) {
                let s = |x| r.score(&features(pool, sims, a, x, cfg.dense));
                out[line] = Some(scored(line, s(b), s(c)));
            }
        }
    }
    Ok(out.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(a: &str, b: &str, c: &str) -> String {
        serde_json::json!({"A": a, "B": b, "C": c}).to_string()
    }

    #[test]
    fn reads_labels_and_rejects_bad_ones() {
        let file = format!(
            "{}\n\n{}\n",
            t("甲", "乙", "丙"),
            serde_json::json!({"A": "甲", "B": "乙", "C": "丁", "label": "C"})
        );
        let ts = read_triplets(&file).unwrap();
        assert_eq!(ts.len(), 2);
        assert_eq!(ts[0].label, None);
        assert_eq!(ts[1].label, Some(Choice::C));
        let bad = serde_json::json!({"A": "甲", "B": "乙", "C": "丁", "label": "D"}).to_string();
        let e = read_triplets(&bad).unwrap_err().to_string();
        assert!(e.contains("line 0"), "{e}");
        assert!(read_triplets("{\"A\": 1}").is_err());
    }

    #[test]
    fn swapping_half_makes_always_b_score_half() {
        let mut ts = read_triplets(&[t("a", "b", "c"), t("d", "e", "f")].join("\n")).unwrap();
        swap_half(&mut ts);
        assert_eq!(ts[0].label, Some(Choice::B));
        assert_eq!((ts[1].b.as_str(), ts[1].c.as_str()), ("f", "e"));
        assert_eq!(ts[1].label, Some(Choice::C));
        let pool = Pool::new(&ts);
        assert_eq!(pool.texts.len(), 6);
        let always_b: Vec<Scored> = (0..2).map(|l| scored(l, 1.0, 0.0)).collect();
        assert_eq!(accuracy(&pool, &always_b), Some((1, 2)));
    }
}
