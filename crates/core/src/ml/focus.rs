//! Dispute focus (争议焦点): LawBench task 2-2 (16 classes, 500 items), scored by 5-fold
//! cross-validation with fixed folds (`fold = u64_be(sha256(question)[0..8]) % 5`), with
//! LawBench's own accuracy ([`super::metrics::lawbench_jdzy_accuracy`]) and macro-F1; CAIL2021
//! focus (111 records, 30 codes) as a second check with folds by `文书ID`. Each fold's vocabulary
//! and model see only that fold's training items. The shipped model is trained on all 500
//! LawBench items.

use super::data::{fold_of, read_cail2021, read_lawbench};
use super::features::{Bag, Vocab};
use super::metrics::{LAWBENCH_FOCUS_OPTIONS, lawbench_jdzy_accuracy, multiclass};
use super::model::{BagModel, ModelConfig, Targets, Task, TrainConfig, train};
use super::{MlError, ModelFiles};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Instant;

/// The model's name (and folder under `models/`).
pub const NAME: &str = "dispute-focus";

/// The training recipe.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    /// Minimum document frequency of an n-gram (in the training items).
    pub min_df: usize,
    /// Largest vocabulary kept.
    pub max_vocab: usize,
    /// Embedding width.
    pub dim: usize,
    /// Hidden width (0: none).
    pub hidden: usize,
    /// Optimiser settings.
    pub train: TrainConfig,
}

impl Default for Recipe {
    fn default() -> Recipe {
        Recipe {
            min_df: 2,
            max_vocab: 20_000,
            dim: 32,
            hidden: 0,
            train: TrainConfig {
                epochs: 20,
                batch: 32,
                lr: 0.03,
                weight_decay: 0.0001,
                feature_dropout: 0.2,
                seed: 11,
            },
        }
    }
}

/// Cross-validated scores of one data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvScores {
    /// Items scored.
    pub items: usize,
    /// Classes present.
    pub classes: usize,
    /// Accuracy (for LawBench: as its scoring code computes it).
    pub accuracy: f64,
    /// Macro-F1 over the classes present.
    pub macro_f1: f64,
    /// Accuracy of each fold.
    pub fold_accuracy: Vec<f64>,
    /// Accuracy of always answering the most frequent training class (per fold).
    pub majority_accuracy: f64,
    /// Items whose class has no training example in the other folds (cannot be right).
    pub unseen_class_items: usize,
}

/// The model card's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Recipe used for every fold and for the shipped model.
    pub recipe: Recipe,
    /// LawBench 2-2, 5-fold CV.
    pub lawbench: CvScores,
    /// CAIL2021 focus, 5-fold CV (absent when the file is not there).
    pub cail2021: Option<CvScores>,
    /// N-grams in the shipped model's vocabulary.
    pub vocab: usize,
}

fn config(name: &str, vocab: &Vocab, r: &Recipe, labels: &[String]) -> ModelConfig {
    ModelConfig {
        name: name.into(),
        version: 1,
        task: Task::MultiClass,
        vocab_rows: vocab.rows(),
        dim: r.dim,
        hidden: r.hidden,
        labels: labels.to_vec(),
        label_names: labels.to_vec(),
        thresholds: Vec::new(),
    }
}

fn fit(
    texts: &[&str],
    y: &[usize],
    labels: &[String],
    r: &Recipe,
) -> Result<(BagModel, Vocab), MlError> {
    let vocab = Vocab::build(texts.iter().copied(), &[1, 2, 3], r.min_df, r.max_vocab);
    let bags: Vec<Bag> = texts.iter().map(|t| vocab.bag(t)).collect();
    let model = train(
        config(NAME, &vocab, r, labels),
        &bags,
        Targets::MultiClass(y),
        &r.train,
    )?;
    Ok((model, vocab))
}

fn argmax(p: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in p.iter().enumerate() {
        if *v > p[best] {
            best = i;
        }
    }
    best
}

/// 5-fold cross-validation: the predicted class of every item, trained without its fold.
fn cross_validate(
    texts: &[&str],
    y: &[usize],
    folds: &[usize],
    labels: &[String],
    r: &Recipe,
) -> Result<(Vec<usize>, CvScores), MlError> {
    let mut pred = vec![0usize; texts.len()];
    let mut fold_accuracy = Vec::new();
    let mut majority_right = 0usize;
    let mut unseen = 0usize;
    for f in 0..5 {
        let train_idx: Vec<usize> = (0..texts.len()).filter(|&i| folds[i] != f).collect();
        let test_idx: Vec<usize> = (0..texts.len()).filter(|&i| folds[i] == f).collect();
        if test_idx.is_empty() {
            continue;
        }
        let tt: Vec<&str> = train_idx.iter().map(|&i| texts[i]).collect();
        let ty: Vec<usize> = train_idx.iter().map(|&i| y[i]).collect();
        let (model, vocab) = fit(&tt, &ty, labels, r)?;
        let bags: Vec<Bag> = test_idx.iter().map(|&i| vocab.bag(texts[i])).collect();
        let refs: Vec<&Bag> = bags.iter().collect();
        let probs = model.probabilities(&refs)?;
        let mut counts = vec![0usize; labels.len()];
        ty.iter().for_each(|&c| counts[c] += 1);
        let majority = argmax(&counts.iter().map(|&c| c as f32).collect::<Vec<_>>());
        let mut right = 0usize;
        for (&i, p) in test_idx.iter().zip(&probs) {
            pred[i] = argmax(p);
            right += usize::from(pred[i] == y[i]);
            majority_right += usize::from(majority == y[i]);
            unseen += usize::from(counts[y[i]] == 0);
        }
        fold_accuracy.push(right as f64 / test_idx.len() as f64);
    }
    let (accuracy, macro_f1) = multiclass(labels.len(), y, &pred);
    let mut present: Vec<usize> = y.to_vec();
    present.sort_unstable();
    present.dedup();
    Ok((
        pred,
        CvScores {
            items: texts.len(),
            classes: present.len(),
            accuracy,
            macro_f1,
            fold_accuracy,
            majority_accuracy: majority_right as f64 / texts.len().max(1) as f64,
            unseen_class_items: unseen,
        },
    ))
}

/// Cross-validates on LawBench 2-2 (accuracy as LawBench computes it) and, when `cail2021` is
/// given, on CAIL2021 focus.
pub fn cross_validate_all(
    lawbench: &Path,
    cail2021: Option<&Path>,
    r: &Recipe,
) -> Result<(CvScores, Option<CvScores>), MlError> {
    let (items, labels, y) = lawbench_training_set(lawbench)?;
    let texts: Vec<&str> = items.iter().map(|it| it.text()).collect();
    let folds: Vec<usize> = items.iter().map(|it| fold_of(&it.question)).collect();
    let (pred, mut scores) = cross_validate(&texts, &y, &folds, &labels, r)?;
    // LawBench's scorer on the predicted class names (each prediction names one option).
    let pairs: Vec<(String, String)> = pred
        .iter()
        .zip(&items)
        .map(|(&p, it)| (labels[p].clone(), it.answer.clone()))
        .collect();
    scores.accuracy = lawbench_jdzy_accuracy(&pairs)
        .ok_or_else(|| MlError::Data("a LawBench answer is not 争议焦点类别：X。".into()))?;

    let cail = match cail2021 {
        Some(p) => {
            let recs = read_cail2021(p)?;
            let mut codes: Vec<String> = recs.iter().map(|r| r.code.clone()).collect();
            codes.sort();
            codes.dedup();
            let texts: Vec<&str> = recs.iter().map(|r| r.text.as_str()).collect();
            let y: Vec<usize> = recs
                .iter()
                .map(|r| codes.iter().position(|c| *c == r.code).unwrap_or(0))
                .collect();
            let folds: Vec<usize> = recs.iter().map(|r| fold_of(&r.id)).collect();
            Some(cross_validate(&texts, &y, &folds, &codes, r)?.1)
        }
        None => None,
    };
    Ok((scores, cail))
}

/// Items, label names, and each item's label index.
type TrainingSet = (Vec<super::data::FocusItem>, Vec<String>, Vec<usize>);

/// The LawBench items the model learns from, the 16 option names as labels, and each item's
/// label index. Items outside the 16 options (LawBench skips 赔偿) are left out of training and
/// scoring.
fn lawbench_training_set(lawbench: &Path) -> Result<TrainingSet, MlError> {
    let items: Vec<_> = read_lawbench(lawbench)?
        .into_iter()
        .filter(|it| LAWBENCH_FOCUS_OPTIONS.contains(&it.class()))
        .collect();
    let labels: Vec<String> = LAWBENCH_FOCUS_OPTIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let y = items
        .iter()
        .map(|it| {
            LAWBENCH_FOCUS_OPTIONS
                .iter()
                .position(|o| *o == it.class())
                .unwrap_or(0)
        })
        .collect();
    Ok((items, labels, y))
}

/// Cross-validates, trains the shipped model on all LawBench items and writes it into `out`.
pub fn train_and_write(
    lawbench: &Path,
    cail2021: Option<&Path>,
    out: &Path,
    r: &Recipe,
) -> Result<Report, MlError> {
    let t0 = Instant::now();
    let (lb, cail) = cross_validate_all(lawbench, cail2021, r)?;
    let cv_seconds = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let (items, labels, y) = lawbench_training_set(lawbench)?;
    let texts: Vec<&str> = items.iter().map(|it| it.text()).collect();
    let (model, vocab) = fit(&texts, &y, &labels, r)?;
    model.save(out)?;
    super::write_vocab(out, &vocab)?;
    let final_seconds = t1.elapsed().as_secs_f64();
    let report = Report {
        recipe: *r,
        lawbench: lb,
        cail2021: cail,
        vocab: vocab.tokens.len(),
    };
    let json = serde_json::to_string_pretty(&report).map_err(MlError::Json)?;
    super::write_file(&out.join("metrics.json"), &(json + "\n"))?;
    let files = ModelFiles::of(out)?;
    super::write_file(
        &out.join("MODEL_CARD.md"),
        &card(&report, &files, cv_seconds, final_seconds),
    )?;
    Ok(report)
}

/// Re-runs the cross-validation with the recipe stored in `dir/metrics.json` (the default
/// recipe when there is none) and returns the report.
pub fn evaluate_dir(
    lawbench: &Path,
    cail2021: Option<&Path>,
    dir: &Path,
) -> Result<Report, MlError> {
    let stored: Option<Report> = std::fs::read_to_string(dir.join("metrics.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok());
    let recipe = stored.as_ref().map_or_else(Recipe::default, |s| s.recipe);
    let (lb, cail) = cross_validate_all(lawbench, cail2021, &recipe)?;
    let vocab = super::read_vocab(dir).map(|v| v.tokens.len()).unwrap_or(0);
    Ok(Report {
        recipe,
        lawbench: lb,
        cail2021: cail,
        vocab,
    })
}

/// The headline lines `eval` prints and the card repeats.
pub fn headline(r: &Report) -> String {
    let mut s = format!(
        "LawBench 2-2 5-fold CV: items {}, accuracy {:.2}, macro-F1 {:.4}, majority baseline {:.2}\n",
        r.lawbench.items,
        r.lawbench.accuracy * 100.0,
        r.lawbench.macro_f1,
        r.lawbench.majority_accuracy * 100.0
    );
    if let Some(c) = &r.cail2021 {
        s.push_str(&format!(
            "CAIL2021 focus 5-fold CV: items {}, classes {}, accuracy {:.2}, macro-F1 {:.4}, majority baseline {:.2}, items of a class unseen in training {}\n",
            c.items,
            c.classes,
            c.accuracy * 100.0,
            c.macro_f1,
            c.majority_accuracy * 100.0,
            c.unseen_class_items
        ));
    }
    s
}

fn card(r: &Report, files: &ModelFiles, cv_seconds: f64, final_seconds: f64) -> String {
    let rc = &r.recipe;
    let folds: Vec<String> = r
        .lawbench
        .fold_accuracy
        .iter()
        .map(|a| format!("{:.2}", a * 100.0))
        .collect();
    format!(
        "# dispute-focus — 争议焦点 class of a civil case (LawBench 2-2's 16 classes)\n\n\
Generated by `fincase train focus`; every score below is reproduced by `fincase eval focus`.\n\n\
## What it does\nFrom the claim and defence text of a civil case, a probability for each of LawBench 2-2's 16 \
dispute-focus classes (诉讼主体, 租金情况, 利息, 本金争议, 责任认定, 责任划分, 损失认定及处理, 原审判决是否适当, \
合同效力, 财产分割, 责任承担, 鉴定结论采信问题, 诉讼时效, 违约, 合同解除, 肇事逃逸).\n\n\
## Data\nLawBench task 2-2 (`../shared/data/lawbench-2-2/2-2.json`, 500 items, Apache-2.0; origin LAIC2021) and, \
as a second check only, CAIL2021 争议点类型识别 (`../shared/data/cail2021-dispute-focus`, 111 private-lending records, \
30 codes, 1–5 records per code; the model reads 诉称段 + 辩称段, never the court's reasoning). No text of either is \
committed here.\n\n\
## Evaluation (fixed folds)\n5-fold cross-validation. LawBench: `fold = u64_be(sha256(question)[0..8]) % 5` \
(the `question` field as stored). CAIL2021: `fold = u64_be(sha256(文书ID)[0..8]) % 5`. Each fold's vocabulary and \
model are built from the other four folds only. Accuracy is computed as LawBench's scorer \
(`evaluation/evaluation_functions/jdzy.py`) does: a prediction (the class name) counts when it names the right \
class and no other; 赔偿 items are skipped (there are none in this file). Macro-F1 averages the classes present.\n\n\
```\n{}```\n\nLawBench per-fold accuracy: {}. Reference (LawBench README, prompted models, no training): GPT-4 41.65 \
zero-shot, 46.00 one-shot; GPT-3.5-turbo 32.37 zero-shot. A supervised model scored by CV is not the same \
setting as a prompted one: it has seen ~400 labelled items of this exact distribution.\n\n\
CAIL2021 is tiny (111 records, 30 codes); with 5 folds many codes have one or two training examples, and some \
items' code is absent from their training folds (counted above). Read it as a sanity check, not a score.\n\n\
## Model\nBag of character 1-, 2- and 3-grams (full-width folded, digits → 0, min document frequency {}, up to {} \
n-grams; weights (1 + ln tf)·idf, L2-normalised) → embedding sum (dim {}){} → 16-way softmax, in candle \
(`crates/core/src/ml/model.rs`); f16 safetensors weights. Training: cross-entropy, AdamW (lr {}, linear decay to 10 %, weight \
decay {}), {} epochs, batch {}, feature dropout {}, seed {}. The shipped model is trained on all 500 items \
({} n-grams). Time on 2 CPU cores: cross-validation {:.0} s, final model {:.0} s.\n\n\
## Files\n\n{}\n\
## Limits\n- LawBench 2-2 is mostly not about loans (traffic accidents, leases, divorce…). Of its classes, \
本金争议, 利息, 诉讼时效, 合同效力, 违约, 诉讼主体, 责任承担 and 合同解除 can arise in a loan case; the pipeline \
uses only those and marks every model-derived point for the judge's review.\n- One class per case: a case with \
several issues gets its dominant one.\n",
        headline(r),
        folds.join(", "),
        rc.min_df,
        rc.max_vocab,
        rc.dim,
        if rc.hidden > 0 {
            format!(" → ReLU hidden ({})", rc.hidden)
        } else {
            String::new()
        },
        rc.train.lr,
        rc.train.weight_decay,
        rc.train.epochs,
        rc.train.batch,
        rc.train.feature_dropout,
        rc.train.seed,
        r.vocab,
        cv_seconds,
        final_seconds,
        files.table(),
    )
}
