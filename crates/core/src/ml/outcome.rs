//! The outcome model (issue 19): where the rules cannot decide whether a court will grant
//! everything claimed, the probability that it grants less, learned from past judgments.
//!
//! Inputs are only what a court has before deciding: the claims, the defence and the facts as
//! found (经审理查明), plus the rules' own adjustments for the case ([`case_features`]). Labels
//! come from the order parser (did the court grant less than claimed?), so training needs no
//! hand labels. The model is an L2-regularised logistic regression trained with candle; its
//! probability is the confidence of the suggestion, and below the abstention threshold the
//! suggestion abstains ("judge must decide").
//!
//! **Honest evaluation.** Training runs document-level k-fold cross-validation with
//! near-duplicate judgments kept in one fold ([`groups`]); the saved model keeps each fold's
//! weights with the sha256 of the documents it held out, so a backtest over the training
//! documents scores each one with the fold model that never saw it ([`OutcomeModel::predict`]),
//! and any other document with the model trained on all of them.
//!
//! **Must not:** read a judgment's reasoning or orders (the caller passes only the sections
//! before the decision), do IO other than [`OutcomeModel::load`] / [`OutcomeModel::save`].

use super::MlError;
use super::model::SplitMix;
use crate::domain::{CaseFacts, CaseType, PlaintiffKind};
use crate::rules::{Adjustment, AdjustmentReason, Assessment, Disposition, Outcome};
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What the court had before deciding, as text.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseText<'a> {
    /// The claims (诉讼请求 and the plaintiff's statement).
    pub claims: &'a str,
    /// The defence (被告辩称, or the note that a defendant did not answer).
    pub defence: &'a str,
    /// The facts as found (经审理查明), or the complaint's 事实与理由.
    pub facts: &'a str,
    /// True for a second-instance judgment.
    pub appeal: bool,
}

/// The feature names, in the order of [`case_features`]' vector.
pub const FEATURES: [&str; 28] = [
    "rules_partial",
    "rules_rejected",
    "rules_needs_review",
    "rules_interest_capped",
    "rules_guarantor_released",
    "rules_attorney_fee_refused",
    "rules_principal_reduced",
    "npl_assignment",
    "private_lending",
    "plaintiff_person",
    "defence_stated",
    "defendant_absent",
    "defence_limitation",
    "defence_guarantee",
    "defence_rate",
    "defence_repaid",
    "defence_amount",
    "claims_penalty",
    "claims_compound",
    "claims_liquidated",
    "claims_attorney_fee",
    "claims_priority",
    "claims_joint_liability",
    "claims_until_paid",
    "facts_repaid",
    "appeal",
    "defendants",
    "claimed_principal",
];

/// True when a defendant argued (`辩称`, `答辩称`, `辩解`).
fn defence_stated(defence: &str) -> bool {
    defence.contains("辩称") || defence.contains("答辩称") || defence.contains("辩解")
}

fn any(text: &str, words: &[&str]) -> f32 {
    f32::from(u8::from(words.iter().any(|w| text.contains(w))))
}

/// The feature vector of a case (see [`FEATURES`]): the rules' decision and adjustments, the
/// kind of lender, what the defence argues, what the claims ask for, whether the facts record
/// repayments. Every feature is in \[0, 1\].
pub fn case_features(text: &CaseText<'_>, facts: &CaseFacts, outcome: &Outcome) -> Vec<f32> {
    features_with(text, facts, outcome, &outcome.adjustments())
}

/// [`case_features`] with the outcome's adjustments already listed.
fn features_with(
    text: &CaseText<'_>,
    facts: &CaseFacts,
    outcome: &Outcome,
    adjustments: &[AdjustmentReason],
) -> Vec<f32> {
    let adj: BTreeSet<Adjustment> = adjustments.iter().map(|a| a.adjustment).collect();
    let has = |a: Adjustment| f32::from(u8::from(adj.contains(&a)));
    let disp = |d: Disposition| f32::from(u8::from(outcome.disposition == d));
    let kind = facts.plaintiff.as_ref().map(|p| p.kind);
    let d = text.defence;
    let stated = defence_stated(d);
    let absent = any(
        d,
        &[
            "未到庭",
            "缺席",
            "未答辩",
            "未作答辩",
            "未提交答辩",
            "未提出答辩",
            "放弃答辩",
        ],
    );
    let claims = text.claims;
    let defendants = facts.defendants.len() as f32;
    let principal = facts
        .claims
        .principal
        .map_or(0.0, |p| (p.to_string().len() as f32 / 12.0).min(1.0));
    vec![
        disp(Disposition::Partial),
        disp(Disposition::Rejected),
        disp(Disposition::NeedsReview),
        has(Adjustment::InterestCapped),
        has(Adjustment::GuarantorReleased),
        has(Adjustment::AttorneyFeeRefused),
        has(Adjustment::PrincipalReduced),
        f32::from(u8::from(
            kind == Some(PlaintiffKind::Amc) || facts.case_type == Some(CaseType::NplAssignment),
        )),
        f32::from(u8::from(facts.case_type == Some(CaseType::PrivateLending))),
        f32::from(u8::from(kind == Some(PlaintiffKind::Person))),
        f32::from(u8::from(stated)),
        absent,
        any(d, &["诉讼时效", "时效"]),
        any(
            d,
            &["保证期间", "担保期间", "不承担保证责任", "不承担担保责任"],
        ),
        any(d, &["利率过高", "利息过高", "高利", "过高", "砍头息"]),
        any(
            d,
            &["已还", "已偿还", "已归还", "已经归还", "已经偿还", "还清"],
        ),
        any(d, &["数额有异议", "金额有异议", "不认可", "有异议"]),
        any(claims, &["罚息"]),
        any(claims, &["复利"]),
        any(claims, &["违约金"]),
        any(claims, &["律师"]),
        any(claims, &["优先受偿"]),
        any(claims, &["连带"]),
        any(
            claims,
            &[
                "实际清偿之日",
                "实际给付之日",
                "付清之日",
                "还清之日",
                "履行完毕之日",
            ],
        ),
        any(
            text.facts,
            &[
                "已偿还",
                "已归还",
                "偿还了",
                "归还了",
                "已还款",
                "还款",
                "已支付利息",
            ],
        ),
        f32::from(u8::from(text.appeal)),
        (defendants / 5.0).min(1.0),
        principal,
    ]
}

/// A logistic regression: `p = σ(w·x + b)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    /// One weight per feature.
    pub weights: Vec<f32>,
    /// The bias.
    pub bias: f32,
}

impl Logistic {
    /// The probability for one feature vector (missing features count as 0).
    pub fn probability(&self, x: &[f32]) -> f32 {
        let z: f32 = self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f32>() + self.bias;
        1.0 / (1.0 + (-z).exp())
    }
}

/// How to train.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OutcomeTrainConfig {
    /// Folds of the cross-validation.
    pub folds: usize,
    /// Full-batch optimisation steps.
    pub steps: usize,
    /// Learning rate (AdamW).
    pub lr: f64,
    /// L2 penalty on the weights (not the bias).
    pub l2: f64,
    /// Share of the documents the suggestion may abstain on (the threshold is the
    /// out-of-fold confidence at this quantile).
    pub abstain_share: f64,
}

impl Default for OutcomeTrainConfig {
    fn default() -> Self {
        OutcomeTrainConfig {
            folds: 5,
            steps: 400,
            lr: 0.05,
            l2: 0.1,
            abstain_share: 0.2,
        }
    }
}

/// Fits a logistic regression with candle: full-batch AdamW on the mean binary cross-entropy
/// plus `l2·|w|²`. Deterministic.
pub fn fit(xs: &[Vec<f32>], ys: &[f32], cfg: &OutcomeTrainConfig) -> Result<Logistic, MlError> {
    fit_width(xs, ys, FEATURES.len(), cfg)
}

/// [`fit`] over feature vectors of width `d` (shorter vectors are padded with 0): the one
/// logistic-regression trainer, shared with the similar-case re-ranker.
pub fn fit_width(
    xs: &[Vec<f32>],
    ys: &[f32],
    d: usize,
    cfg: &OutcomeTrainConfig,
) -> Result<Logistic, MlError> {
    let n = xs.len();
    if n == 0 {
        return Err(MlError::Data("no training examples".to_owned()));
    }
    let flat: Vec<f32> = xs
        .iter()
        .flat_map(|x| (0..d).map(move |k| x.get(k).copied().unwrap_or(0.0)))
        .collect();
    let x = Tensor::from_vec(flat, (n, d), &Device::Cpu)?;
    let y = Tensor::from_vec(ys.to_vec(), (n, 1), &Device::Cpu)?;
    let w = Var::from_tensor(&Tensor::zeros((d, 1), DType::F32, &Device::Cpu)?)?;
    let b = Var::from_tensor(&Tensor::zeros((1, 1), DType::F32, &Device::Cpu)?)?;
    let mut opt = AdamW::new(
        vec![w.clone(), b.clone()],
        ParamsAdamW {
            lr: cfg.lr,
            weight_decay: 0.0,
            ..Default::default()
        },
    )?;
    for _ in 0..cfg.steps {
        let z = x.matmul(w.as_tensor())?.broadcast_add(b.as_tensor())?;
        // Binary cross-entropy on logits, stably: max(z,0) − z·y + log(1 + e^−|z|).
        let bce =
            ((z.relu()? - (&z * &y)?)? + ((z.abs()?.neg()?.exp()? + 1.0)?).log()?)?.mean_all()?;
        let penalty = (w.as_tensor().sqr()?.sum_all()? * cfg.l2)?;
        let loss = (bce + penalty)?;
        opt.backward_step(&loss)?;
    }
    let weights: Vec<f32> = w.as_tensor().flatten_all()?.to_vec1()?;
    let bias = b.as_tensor().flatten_all()?.to_vec1::<f32>()?[0];
    Ok(Logistic { weights, bias })
}

/// Groups of near-duplicate documents (the same case published twice, or a case and its
/// appeal): documents sharing more than 30 % of their character 5-grams (Jaccard) fall in
/// one group, so cross-validation never trains on a copy of a held-out document.
pub fn groups(texts: &[&str]) -> Vec<usize> {
    let shingles: Vec<BTreeSet<u64>> = texts
        .iter()
        .map(|t| {
            let c: Vec<char> = t.chars().collect();
            c.windows(5)
                .map(|w| {
                    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
                    for ch in w {
                        h = (h ^ u64::from(*ch)).wrapping_mul(0x0100_0000_01b3);
                    }
                    h
                })
                .collect()
        })
        .collect();
    let mut group: Vec<usize> = (0..texts.len()).collect();
    for a in 0..texts.len() {
        for b in 0..a {
            let (sa, sb) = (&shingles[a], &shingles[b]);
            if sa.is_empty() || sb.is_empty() {
                continue;
            }
            let inter = sa.intersection(sb).count();
            let union = sa.len() + sb.len() - inter;
            if inter * 10 > union * 3 {
                group[a] = group[b];
                break;
            }
        }
    }
    group
}

/// One fold of the cross-validation: its model and the documents it held out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fold {
    /// The sha256 of each held-out document's text.
    pub held_out: Vec<String>,
    /// The model trained without them.
    pub model: Logistic,
}

/// The saved outcome model: the model on all documents, the fold models, the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeModel {
    /// Name and version.
    pub name: String,
    /// The feature names, in order.
    pub features: Vec<String>,
    /// Trained on every example.
    pub full: Logistic,
    /// The cross-validation folds.
    pub folds: Vec<Fold>,
    /// Below this confidence the suggestion abstains.
    pub abstain_below: f32,
    /// What it was trained on.
    pub trained_on: String,
    /// Training examples per kind of case ([`case_kind`]). A kind with fewer than
    /// [`MIN_SEEN`] is outside what the model learned: the rules
    /// decide those ([`rules_decide`]). Empty in a file from before this was counted: the model
    /// then answers for every type.
    #[serde(default)]
    pub case_types: BTreeMap<String, usize>,
}

/// A prediction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// Probability that the court grants less than claimed.
    pub p_cut: f32,
    /// True when a fold model that never saw this document answered.
    pub out_of_fold: bool,
}

impl OutcomeModel {
    /// The prediction for a feature vector; `doc_sha256` (of the document's text) picks the
    /// fold model that held the document out when it was a training document.
    pub fn predict(&self, x: &[f32], doc_sha256: Option<&str>) -> Prediction {
        let fold = doc_sha256.and_then(|h| {
            self.folds
                .iter()
                .find(|f| f.held_out.iter().any(|d| d == h))
        });
        match fold {
            Some(f) => Prediction {
                p_cut: f.model.probability(x),
                out_of_fold: true,
            },
            None => Prediction {
                p_cut: self.full.probability(x),
                out_of_fold: false,
            },
        }
    }

    /// Reads `outcome.json` from `dir`.
    pub fn load(dir: &Path) -> Result<OutcomeModel, MlError> {
        let p = dir.join("outcome.json");
        let text = std::fs::read_to_string(&p).map_err(|e| MlError::io(&p, e))?;
        let m: OutcomeModel = serde_json::from_str(&text).map_err(MlError::Json)?;
        if m.features.len() != FEATURES.len()
            || m.features.iter().zip(FEATURES).any(|(a, b)| a != b)
        {
            return Err(MlError::Shape(format!(
                "{}: its features are not this build's ({} vs {})",
                p.display(),
                m.features.len(),
                FEATURES.len()
            )));
        }
        Ok(m)
    }

    /// Writes `outcome.json` into `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), MlError> {
        std::fs::create_dir_all(dir).map_err(|e| MlError::io(dir, e))?;
        let json = serde_json::to_string_pretty(self).map_err(MlError::Json)?;
        super::write_file(&dir.join("outcome.json"), &(json + "\n"))
    }
}

/// The suggestion's class and confidence for a case: the rules' rejection stands (its
/// confidence is p(cut)); otherwise partial when a cut is more likely than not, else full, with
/// the probability of that class; abstained below the model's threshold. For a kind of case
/// the model does not know, the rules decide ([`rules_decide`]). Also says who answered.
pub fn assess(
    model: &OutcomeModel,
    text: &CaseText<'_>,
    facts: &CaseFacts,
    outcome: &Outcome,
    doc_sha256: Option<&str>,
) -> (Assessment, AnsweredBy) {
    let reasons = outcome.adjustments();
    if !model.knows(case_kind(facts)) {
        let (suggested, confidence) = rules_decide(text, outcome, &reasons);
        return (
            Assessment {
                suggested,
                confidence,
                abstained: confidence < model.abstain_below,
                model: format!("{}（本类案件不在训练数据中，按规则）", model.name),
                reasons,
                by_rules: true,
            },
            AnsweredBy::Rules,
        );
    }
    let x = features_with(text, facts, outcome, &reasons);
    let pred = model.predict(&x, doc_sha256);
    let p = pred.p_cut;
    let (suggested, confidence) = if outcome.disposition == Disposition::Rejected {
        (Disposition::Rejected, p)
    } else if p >= 0.5 {
        (Disposition::Partial, p)
    } else {
        (Disposition::Full, 1.0 - p)
    };
    (
        Assessment {
            suggested,
            confidence,
            abstained: confidence < model.abstain_below,
            model: model.name.clone(),
            reasons,
            by_rules: false,
        },
        if pred.out_of_fold {
            AnsweredBy::FoldModel
        } else {
            AnsweredBy::Model
        },
    )
}

/// Who answered an [`assess`]ment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsweredBy {
    /// A fold model that never saw this (training) document.
    FoldModel,
    /// The model trained on every example.
    Model,
    /// The rules: the model was not trained on this kind of case.
    Rules,
}

/// Fewer training examples than this of a case type, and the model does not answer for it.
pub const MIN_SEEN: usize = 20;

/// How often the rules' own class agreed with a person's reading, on the development lines
/// (1–84) of `docs/eval/cail2021-focus-hand.jsonl` (contested private lending, outside the
/// model's training data), each smoothed as (agree + 1) / (n + 2):
/// - a cut the rules decide (a rate above the ceiling, a release…): partial 15 of 15 → 0.94;
/// - no cut found, the defendant contests: not full 50 of 68, partial 43 of 68 → 0.63.
const RULES_CUT_CONFIDENCE: f32 = 16.0 / 17.0;
const CONTESTED_PARTIAL_CONFIDENCE: f32 = 44.0 / 70.0;
/// No cut found and no defence: full. Not measured here (no labelled default judgment of
/// private lending is available); the prior that a court grants an undefended claim the rules
/// find nothing to cut in, set at 0.6 and to be replaced by a measured figure.
const UNDEFENDED_FULL_PRIOR: f32 = 0.6;

/// The kind of case the model's applicability is counted by: the case type, with loans
/// between persons (a natural person lends) apart from other private lending, since their
/// law and practice differ most from a bank's.
pub fn case_kind(facts: &CaseFacts) -> &'static str {
    let person = facts.plaintiff.as_ref().map(|p| p.kind) == Some(PlaintiffKind::Person);
    match facts.case_type {
        Some(CaseType::PrivateLending) if person => "private_lending_person",
        Some(t) => t.as_str(),
        None => "unknown",
    }
}

impl OutcomeModel {
    /// Whether the model learned enough cases of this kind ([`case_kind`]) to answer for it.
    pub fn knows(&self, kind: &str) -> bool {
        self.case_types.is_empty() || self.case_types.get(kind).copied().unwrap_or(0) >= MIN_SEEN
    }
}

/// The class where the model does not answer: the rules' decision claim by claim. A rejection
/// stands; a cut the rules decide gives partial; with no cut, a contested case leans partial
/// (courts cut contested claims more often than not) and an undefended one is full. The
/// confidences are the measured agreement rates above.
pub fn rules_decide(
    text: &CaseText<'_>,
    outcome: &Outcome,
    reasons: &[AdjustmentReason],
) -> (Disposition, f32) {
    let contested = defence_stated(text.defence);
    match outcome.disposition {
        Disposition::Rejected => (Disposition::Rejected, RULES_CUT_CONFIDENCE),
        _ if outcome.disposition == Disposition::Partial || !reasons.is_empty() => {
            (Disposition::Partial, RULES_CUT_CONFIDENCE)
        }
        _ if contested => (Disposition::Partial, CONTESTED_PARTIAL_CONFIDENCE),
        _ => (Disposition::Full, UNDEFENDED_FULL_PRIOR),
    }
}

/// One training example.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The sha256 of the document's text.
    pub doc_sha256: String,
    /// The text used for near-duplicate grouping.
    pub text: String,
    /// [`case_features`].
    pub x: Vec<f32>,
    /// 1 when the court granted less than claimed (partial or rejected), else 0.
    pub y: f32,
    /// The kind of case ([`case_kind`]): what the model's applicability is counted by.
    pub kind: &'static str,
}

/// The result of training: the model and its out-of-fold probabilities (one per example).
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    /// The model.
    pub model: OutcomeModel,
    /// Out-of-fold probability of a cut, per example.
    pub oof: Vec<f32>,
}

/// Trains with grouped k-fold cross-validation, then on everything; the abstention threshold
/// is the out-of-fold confidence (`max(p, 1−p)`) at `cfg.abstain_share`.
pub fn train(
    examples: &[Example],
    cfg: &OutcomeTrainConfig,
    trained_on: &str,
) -> Result<Trained, MlError> {
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let group = groups(&texts);
    // Groups to folds, in a seeded shuffled order so folds are balanced and repeatable.
    let mut ids: Vec<usize> = group
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    SplitMix::new(19).shuffle(&mut ids);
    let k = cfg.folds.max(2);
    let fold_of: BTreeMap<usize, usize> =
        ids.iter().enumerate().map(|(i, g)| (*g, i % k)).collect();
    let mut oof = vec![0.5f32; examples.len()];
    let mut folds = Vec::new();
    for f in 0..k {
        let in_fold = |i: usize| fold_of.get(&group[i]) == Some(&f);
        let (xs, ys): (Vec<Vec<f32>>, Vec<f32>) = examples
            .iter()
            .enumerate()
            .filter(|(i, _)| !in_fold(*i))
            .map(|(_, e)| (e.x.clone(), e.y))
            .unzip();
        let model = fit(&xs, &ys, cfg)?;
        let mut held_out = Vec::new();
        for (i, e) in examples.iter().enumerate().filter(|(i, _)| in_fold(*i)) {
            oof[i] = model.probability(&e.x);
            held_out.push(e.doc_sha256.clone());
        }
        folds.push(Fold { held_out, model });
    }
    let (xs, ys): (Vec<Vec<f32>>, Vec<f32>) = examples.iter().map(|e| (e.x.clone(), e.y)).unzip();
    let full = fit(&xs, &ys, cfg)?;
    let mut conf: Vec<f32> = oof.iter().map(|p| p.max(1.0 - p)).collect();
    conf.sort_by(f32::total_cmp);
    let at = ((conf.len() as f64) * cfg.abstain_share).floor() as usize;
    let abstain_below = conf.get(at).copied().unwrap_or(0.5);
    Ok(Trained {
        model: OutcomeModel {
            name: "outcome-cut v1".to_owned(),
            features: FEATURES.iter().map(|s| (*s).to_owned()).collect(),
            full,
            folds,
            abstain_below,
            trained_on: trained_on.to_owned(),
            case_types: examples.iter().fold(BTreeMap::new(), |mut m, e| {
                *m.entry(e.kind.to_owned()).or_insert(0) += 1;
                m
            }),
        },
        oof,
    })
}

/// Calibration of probabilities against 0/1 outcomes: per bin of predicted probability, the
/// count, the mean prediction and the observed rate; and the expected calibration error.
pub fn calibration(p: &[f32], y: &[f32], bins: usize) -> (Vec<(usize, f32, f32)>, f32) {
    let bins = bins.max(1);
    let mut acc = vec![(0usize, 0f32, 0f32); bins];
    for (pi, yi) in p.iter().zip(y) {
        let b = ((pi * bins as f32) as usize).min(bins - 1);
        acc[b].0 += 1;
        acc[b].1 += pi;
        acc[b].2 += yi;
    }
    let n = p.len().max(1) as f32;
    let mut ece = 0.0;
    let out = acc
        .into_iter()
        .map(|(c, sp, sy)| {
            if c == 0 {
                (0, 0.0, 0.0)
            } else {
                let (mp, my) = (sp / c as f32, sy / c as f32);
                ece += (c as f32 / n) * (mp - my).abs();
                (c, mp, my)
            }
        })
        .collect();
    (out, ece)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_learns_a_separable_rule_and_folds_keep_duplicates_together() {
        // y = feature 0; noise elsewhere.
        let xs: Vec<Vec<f32>> = (0..40)
            .map(|i| {
                let mut x = vec![0.0; FEATURES.len()];
                x[0] = (i % 2) as f32;
                x[5] = ((i / 3) % 2) as f32;
                x
            })
            .collect();
        let ys: Vec<f32> = xs.iter().map(|x| x[0]).collect();
        let weak = OutcomeTrainConfig {
            l2: 0.001,
            ..OutcomeTrainConfig::default()
        };
        let m = fit(&xs, &ys, &weak).unwrap();
        assert!(m.probability(&xs[1]) > 0.8, "{}", m.probability(&xs[1]));
        assert!(m.probability(&xs[0]) < 0.2, "{}", m.probability(&xs[0]));
        let g = groups(&[
            "甲乙丙丁戊己庚辛壬癸子丑寅卯",
            "甲乙丙丁戊己庚辛壬癸子丑寅辰",
            "天地玄黄宇宙洪荒日月盈昃",
        ]);
        assert_eq!(g[0], g[1]);
        assert_ne!(g[0], g[2]);
        let (bins, ece) = calibration(&[0.1, 0.9, 0.9, 0.1], &[0.0, 1.0, 1.0, 0.0], 10);
        assert_eq!(bins.iter().map(|b| b.0).sum::<usize>(), 4);
        assert!(ece < 0.11);
    }

    /// Outside the kinds of case the model learned, the rules decide: a cut they find is
    /// partial, a contested case leans partial, an undefended one is full; a model file from
    /// before the kinds were counted answers for every kind.
    #[test]
    fn unknown_kinds_of_case_are_decided_by_the_rules() {
        let mut m = OutcomeModel {
            name: "t".into(),
            features: FEATURES.iter().map(|s| (*s).to_owned()).collect(),
            full: Logistic {
                weights: vec![0.0; FEATURES.len()],
                bias: 3.0,
            },
            folds: Vec::new(),
            abstain_below: 0.55,
            trained_on: String::new(),
            case_types: BTreeMap::new(),
        };
        let mut facts = crate::rules::example::bank_loan();
        facts.case_type = Some(CaseType::PrivateLending);
        facts.plaintiff = Some(crate::domain::Plaintiff {
            name: "王五".into(),
            kind: PlaintiffKind::Person,
        });
        assert_eq!(case_kind(&facts), "private_lending_person");
        assert!(m.knows("private_lending_person"));
        m.case_types.insert("npl_assignment".into(), 90);
        m.case_types
            .insert("private_lending_person".into(), MIN_SEEN - 1);
        assert!(!m.knows("private_lending_person") && m.knows("npl_assignment"));

        let cfg = crate::rules::RulesConfig::default();
        let mut full = crate::rules::suggest(&facts, &[], &cfg);
        full.disposition = Disposition::Full;
        full.awards
            .iter_mut()
            .for_each(|a| a.awarded = a.claimed.unwrap_or(a.awarded));
        full.guarantors.clear();
        full.rate_cut = None;
        full.continuing_interest = None;
        assert!(full.adjustments().is_empty());
        let undefended = CaseText {
            defence: "被告未到庭参加诉讼，亦未提交答辩意见。",
            ..CaseText::default()
        };
        let contested = CaseText {
            defence: "被告辩称，借款已部分归还。",
            ..CaseText::default()
        };
        let (a, by) = assess(&m, &undefended, &facts, &full, None);
        assert_eq!(by, AnsweredBy::Rules);
        assert!(a.by_rules);
        assert_eq!(a.suggested, Disposition::Full);
        assert!(!a.abstained, "{}", a.confidence);
        let (a, _) = assess(&m, &contested, &facts, &full, None);
        assert_eq!(a.suggested, Disposition::Partial);
        // The model itself (a bias towards a cut) is not asked.
        facts.case_type = Some(CaseType::NplAssignment);
        let (a, _) = assess(&m, &undefended, &facts, &full, None);
        assert_eq!(a.suggested, Disposition::Partial);
    }
}
