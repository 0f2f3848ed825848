//! Loan elements (CAIL2019 要素识别, loan domain): multi-label sentence classification LN1–LN20.
//!
//! Split: by document, `sha256(concatenated sentences)[..8] as u64 % 5` — 0 test, 1 validation,
//! 2–4 training ([`super::data::ElementDoc::fold`]); one document's sentences never straddle
//! the split. The vocabulary is built from the training and validation documents only. The
//! recipe: train on folds 2–4, tune one threshold per label on fold 1, then retrain on folds 1–4
//! with the same recipe and keep those thresholds; score on fold 0.

use super::data::{ElementDoc, read_elements};
use super::features::{Bag, Vocab, context_grams};
use super::metrics::{MultiLabelScores, multilabel};
use super::model::{BagModel, ModelConfig, Targets, Task, TrainConfig, train};
use super::{MlError, ModelFiles};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Instant;

/// The model's name (and folder under `models/`).
pub const NAME: &str = "loan-elements";

/// The name (and folder) of the variant that also reads the pretrained encoder's embedding of
/// each sentence ([`super::e5`]); used only when the encoder is installed.
pub const NAME_E5: &str = "loan-elements-e5";

/// LN codes and their names (CAIL2019 tags.txt / selectedtags.txt, line by line).
pub const LABELS: [(&str, &str); 20] = [
    ("LN1", "债权人转让债权"),
    ("LN2", "借款金额x万元"),
    ("LN3", "有借贷证明"),
    ("LN4", "贷款人系金融机构"),
    ("LN5", "返还借款"),
    ("LN6", "公司/单位/其他组织借款"),
    ("LN7", "连带保证"),
    ("LN8", "催告还款"),
    ("LN9", "支付利息"),
    ("LN10", "订立保证合同"),
    ("LN11", "有书面还款承诺"),
    ("LN12", "担保合同无效/撤销/解除"),
    ("LN13", "拒绝履行偿还"),
    ("LN14", "免除保证人保证责任"),
    ("LN15", "保证人不承担保证责任"),
    ("LN16", "质押人系公司"),
    ("LN17", "贷款人未按照约定的日期/数额提供借款"),
    ("LN18", "多人借款"),
    ("LN19", "债务人转让债务"),
    ("LN20", "约定利率不明"),
];

/// The training recipe: vocabulary and optimiser settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    /// Minimum document frequency (in training sentences) of an n-gram.
    pub min_df: usize,
    /// Largest vocabulary kept.
    pub max_vocab: usize,
    /// Embedding width.
    pub dim: usize,
    /// Hidden width (0: none).
    pub hidden: usize,
    /// Optimiser settings.
    pub train: TrainConfig,
    /// Document n-grams added to every sentence's bag (chosen on the training documents by
    /// information gain with the document-level presence of a label); 0 for none.
    #[serde(default)]
    pub doc_grams: usize,
    /// L2 norm of the document part of a bag (the sentence part has norm 1).
    #[serde(default)]
    pub doc_weight: f32,
    /// Models trained with seeds `seed`, `seed + 1`, …, whose probabilities are averaged.
    #[serde(default = "one")]
    pub ensemble: usize,
    /// L2 norm of the pretrained encoder's sentence embedding joined to each bag
    /// ([`super::e5`]); 0: the model reads n-grams only and needs no encoder.
    #[serde(default)]
    pub e5_weight: f32,
    /// Distillation: how many of the teacher's unlabelled sentences ([`Teacher`]) join the
    /// training examples with the teacher's probabilities as soft targets (their n-grams also
    /// join the vocabulary); 0: gold labels only.
    #[serde(default)]
    pub distill: usize,
}

fn one() -> usize {
    1
}

impl Default for Recipe {
    fn default() -> Recipe {
        Recipe {
            min_df: 2,
            max_vocab: 30_000,
            dim: 48,
            hidden: 64,
            train: TrainConfig {
                epochs: 10,
                batch: 64,
                lr: 0.02,
                weight_decay: 0.0001,
                feature_dropout: 0.1,
                seed: 7,
            },
            doc_grams: 0,
            doc_weight: 0.5,
            ensemble: 1,
            e5_weight: 0.0,
            distill: 0,
        }
    }
}

/// Everything `train` and `eval` report: the model card's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Recipe used.
    pub recipe: Recipe,
    /// Documents in training (folds 2–4), validation (fold 1) and test (fold 0).
    pub docs: [usize; 3],
    /// Sentences in the same three parts.
    pub sentences: [usize; 3],
    /// N-grams in the vocabulary.
    pub vocab: usize,
    /// Per-label thresholds tuned on the validation documents.
    pub thresholds: Vec<f32>,
    /// Scores on the test documents.
    pub test: MultiLabelScores,
    /// Scores on the validation documents of the first-stage model (folds 2–4 only).
    pub validation: MultiLabelScores,
}

/// The fixed split: `[training (folds 2–4), validation (fold 1), test (fold 0)]`.
pub fn split(docs: &[ElementDoc]) -> [Vec<&ElementDoc>; 3] {
    let mut parts: [Vec<&ElementDoc>; 3] = Default::default();
    for d in docs {
        let i = match d.fold() {
            0 => 2,
            1 => 1,
            _ => 0,
        };
        parts[i].push(d);
    }
    parts
}

/// Each sentence of `sentences` with its neighbours, as [`context_grams`] features.
pub fn sentence_grams(sentences: &[String], orders: &[usize]) -> Vec<Vec<String>> {
    (0..sentences.len())
        .map(|i| {
            let prev = i.checked_sub(1).map(|j| sentences[j].as_str());
            let next = sentences.get(i + 1).map(String::as_str);
            context_grams(&sentences[i], prev, next, orders)
        })
        .collect()
}

/// The bag of each sentence of one document: its n-grams, its neighbours' bigrams and, when the
/// vocabulary has them, the document n-grams of the whole text (the same for every sentence).
pub fn document_bags(vocab: &Vocab, sentences: &[String]) -> Vec<Bag> {
    let doc = vocab.document_bag(sentences);
    sentence_grams(sentences, &vocab.orders)
        .iter()
        .map(|g| Vocab::join(&vocab.bag_from_grams(g), &doc))
        .collect()
}

/// Picks `n` document n-grams by information gain: for each n-gram of the training documents
/// (in at least 3 and at most all but 3 of them) and each label present in at least 3 of them,
/// the gain of "the document contains the n-gram" about "the document has a sentence with the
/// label"; an n-gram's score is its best gain. Returns the prefixed n-grams with their idf over
/// documents.
fn select_document_grams(docs: &[&ElementDoc], orders: &[usize], n: usize) -> Vec<(String, f32)> {
    use std::collections::HashMap;
    if n == 0 || docs.is_empty() {
        return Vec::new();
    }
    let nd = docs.len();
    let has: Vec<Vec<bool>> = docs
        .iter()
        .map(|d| {
            LABELS
                .iter()
                .map(|(c, _)| d.labels.iter().flatten().any(|l| l == c))
                .collect()
        })
        .collect();
    let pos: Vec<usize> = (0..LABELS.len())
        .map(|k| has.iter().filter(|h| h[k]).count())
        .collect();
    let mut occurs: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        for g in super::features::document_grams(&d.sentences, orders) {
            occurs.entry(g).or_default().push(i as u32);
        }
    }
    let h = |p: f64| {
        if p <= 0.0 || p >= 1.0 {
            0.0
        } else {
            -(p * p.ln() + (1.0 - p) * (1.0 - p).ln())
        }
    };
    let total = nd as f64;
    let mut scored: Vec<(f64, String, usize)> = occurs
        .into_iter()
        .filter(|(_, ds)| ds.len() >= 3 && ds.len() + 3 <= nd)
        .map(|(g, ds)| {
            let df = ds.len();
            let best = (0..LABELS.len())
                .filter(|&k| pos[k] >= 3 && pos[k] + 3 <= nd)
                .map(|k| {
                    let with = ds.iter().filter(|&&i| has[i as usize][k]).count();
                    let without = pos[k] - with;
                    let pw = df as f64 / total;
                    h(pos[k] as f64 / total)
                        - pw * h(with as f64 / df as f64)
                        - (1.0 - pw) * h(without as f64 / (nd - df) as f64)
                })
                .fold(0.0, f64::max);
            (best, g, df)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.truncate(n);
    scored
        .into_iter()
        .map(|(_, g, df)| (g, (((1 + nd) as f32) / ((1 + df) as f32)).ln() + 1.0))
        .collect()
}

fn flatten(
    docs: &[&ElementDoc],
    vocab: &Vocab,
    emb: Option<&Embeddings>,
) -> (Vec<Bag>, Vec<Vec<bool>>) {
    let mut bags = Vec::new();
    let mut gold = Vec::new();
    for d in docs {
        let bs = document_bags(vocab, &d.sentences);
        for ((mut b, ls), s) in bs.into_iter().zip(&d.labels).zip(&d.sentences) {
            if let Some(e) = emb.and_then(|m| m.get(s)) {
                vocab.append_dense(&mut b, e);
            }
            bags.push(b);
            gold.push(gold_row(ls));
        }
    }
    (bags, gold)
}

/// One `bool` per entry of [`LABELS`]: whether a sentence's label list names it.
pub fn gold_row(labels: &[String]) -> Vec<bool> {
    LABELS
        .iter()
        .map(|(c, _)| labels.iter().any(|l| l == c))
        .collect()
}

fn config(vocab: &Vocab, r: &Recipe) -> ModelConfig {
    ModelConfig {
        name: if r.e5_weight > 0.0 { NAME_E5 } else { NAME }.into(),
        version: 1,
        task: Task::MultiLabel,
        vocab_rows: vocab.rows(),
        dim: r.dim,
        hidden: r.hidden,
        labels: LABELS.iter().map(|l| l.0.to_owned()).collect(),
        label_names: LABELS.iter().map(|l| l.1.to_owned()).collect(),
        thresholds: vec![0.5; LABELS.len()],
    }
}

/// Sigmoid probabilities of every bag, in batches.
pub fn predict(model: &BagModel, bags: &[Bag]) -> Result<Vec<Vec<f32>>, MlError> {
    let mut out = Vec::with_capacity(bags.len());
    for chunk in bags.chunks(256) {
        let refs: Vec<&Bag> = chunk.iter().collect();
        out.extend(model.probabilities(&refs)?);
    }
    Ok(out)
}

/// Each probability against its label's threshold.
pub fn decide(probs: &[Vec<f32>], thresholds: &[f32]) -> Vec<Vec<bool>> {
    probs
        .iter()
        .map(|p| p.iter().zip(thresholds).map(|(p, t)| p >= t).collect())
        .collect()
}

/// The threshold per label that maximises F1 on `gold` (grid 0.05…0.95; 0.5 where the label
/// never occurs in `gold`; ties go to the threshold closest to 0.5).
pub fn tune_thresholds(probs: &[Vec<f32>], gold: &[Vec<bool>], n: usize) -> Vec<f32> {
    (0..n)
        .map(|k| {
            if !gold.iter().any(|g| g[k]) {
                return 0.5;
            }
            let mut best = (f64::MIN, 0.5f32);
            for step in 1..=19 {
                let t = step as f32 * 0.05;
                let (mut tp, mut fp, mut fn_) = (0u32, 0u32, 0u32);
                for (p, g) in probs.iter().zip(gold) {
                    match (p[k] >= t, g[k]) {
                        (true, true) => tp += 1,
                        (true, false) => fp += 1,
                        (false, true) => fn_ += 1,
                        _ => {}
                    }
                }
                let f1 = f64::from(2 * tp) / f64::from((2 * tp + fp + fn_).max(1));
                let closer = (t - 0.5).abs() < (best.1 - 0.5).abs();
                if f1 > best.0 + 1e-12 || ((f1 - best.0).abs() <= 1e-12 && closer) {
                    best = (f1, t);
                }
            }
            best.1
        })
        .collect()
}

/// A teacher model's probabilities on unlabelled real sentences, for distillation: the
/// fine-tuned encoder's ([`super::e5ft`]) output on [`super::data::distill_sentences`],
/// computed once on a GPU by `scripts/gpu/e5ft_train.py` and committed as
/// `models/loan-elements-e5ft/teacher.safetensors` (tensor `distill`, one row of 20 per
/// sentence; no text). The sentences are rebuilt here from `../shared/data`.
pub struct Teacher {
    /// The unlabelled sentences, in the teacher file's order.
    pub sentences: Vec<String>,
    /// The teacher's probability of each label, per sentence.
    pub probs: Vec<Vec<f32>>,
}

/// Where the committed teacher file lives under a models folder.
pub const TEACHER_FILE: &str = "loan-elements-e5ft/teacher.safetensors";

/// Reads the teacher file and rebuilds its sentences from the research data folder that holds
/// `data` (`…/data/cail2019-element-loan/data_small_selected.json`); an error when the two do
/// not line up (another data version).
pub fn load_teacher(data: &Path, file: &Path) -> Result<Teacher, MlError> {
    let docs = read_elements(data)?;
    let sentences = super::data::distill_sentences(data, &docs)?;
    let bytes = std::fs::read(file).map_err(|e| MlError::io(file, e))?;
    let t = candle_core::safetensors::load_buffer(&bytes, &candle_core::Device::Cpu)?;
    let probs: Vec<Vec<f32>> = t
        .get("distill")
        .ok_or_else(|| MlError::Shape(format!("{}: no distill tensor", file.display())))?
        .to_dtype(candle_core::DType::F32)?
        .to_vec2()?;
    if probs.len() != sentences.len() || probs.iter().any(|r| r.len() != LABELS.len()) {
        return Err(MlError::Data(format!(
            "{}: {} teacher rows for {} rebuilt sentences (another data version?)",
            file.display(),
            probs.len(),
            sentences.len()
        )));
    }
    Ok(Teacher { sentences, probs })
}

/// Gold rows as 0/1 probabilities followed by the first `recipe.distill` teacher rows, with
/// their bags (the teacher's sentences have no neighbours).
fn with_teacher(
    mut bags: Vec<Bag>,
    gold: &[Vec<bool>],
    vocab: &Vocab,
    recipe: &Recipe,
    teacher: Option<&Teacher>,
) -> (Vec<Bag>, Vec<Vec<f32>>) {
    let mut soft: Vec<Vec<f32>> = gold
        .iter()
        .map(|g| g.iter().map(|&b| f32::from(u8::from(b))).collect())
        .collect();
    if let Some(t) = teacher {
        for (s, p) in t.sentences.iter().zip(&t.probs).take(recipe.distill) {
            bags.push(vocab.bag(s));
            soft.push(p.clone());
        }
    }
    (bags, soft)
}

/// Trains the element model on `data` (the CAIL2019 loan file), writes it into `out`
/// (weights, config, vocabulary, metrics.json, MODEL_CARD.md) and returns the report, scored
/// with the files as written (f16 weights).
pub fn train_and_write(
    data: &Path,
    out: &Path,
    recipe: &Recipe,
    e5: Option<&super::e5::E5>,
    teacher: Option<&Teacher>,
) -> Result<Report, MlError> {
    let t0 = Instant::now();
    let docs = read_elements(data)?;
    let emb = encoder_embeddings(recipe, e5, &docs)?;
    let teacher = teacher_for(recipe, teacher)?;
    let [train_docs, val_docs, _] = split(&docs);
    let (thresholds, validation) = stage1(&train_docs, &val_docs, recipe, emb.as_ref(), teacher)?;

    // Stage 2: folds 1–4 with the same recipe, the tuned thresholds kept.
    let both: Vec<&ElementDoc> = train_docs.iter().chain(&val_docs).copied().collect();
    let vocab = build_vocab(&both, &both, recipe, emb.as_ref(), teacher);
    let (bags, gold) = flatten(&both, &vocab, emb.as_ref());
    let (bags, soft) = with_teacher(bags, &gold, &vocab, recipe, teacher);
    let mut cfg = config(&vocab, recipe);
    cfg.thresholds = thresholds;
    let model = train(cfg, &bags, Targets::Soft(&soft), &recipe.train)?;
    model.save(out)?;
    super::write_vocab(out, &vocab)?;
    let train_seconds = t0.elapsed().as_secs_f64();

    let mut report = evaluate_dir(data, out, e5)?;
    report.recipe = *recipe;
    report.validation = validation;
    let json = serde_json::to_string_pretty(&report).map_err(MlError::Json)?;
    super::write_file(&out.join("metrics.json"), &(json + "\n"))?;
    let files = ModelFiles::of(out)?;
    super::write_file(
        &out.join("MODEL_CARD.md"),
        &card(&report, &files, train_seconds),
    )?;
    Ok(report)
}

/// The vocabulary: sentence n-grams of `docs` plus the document n-grams chosen on `labelled`
/// (the documents whose labels the model trains on).
fn build_vocab(
    docs: &[&ElementDoc],
    labelled: &[&ElementDoc],
    recipe: &Recipe,
    emb: Option<&Embeddings>,
    teacher: Option<&Teacher>,
) -> Vocab {
    let extra: Vec<Vec<String>> = teacher
        .map(|t| {
            t.sentences
                .iter()
                .take(recipe.distill)
                .map(|s| super::features::context_grams(s, None, None, &[1, 2, 3]))
                .collect()
        })
        .unwrap_or_default();
    let lists = docs
        .iter()
        .flat_map(|d| sentence_grams(&d.sentences, &[1, 2, 3]))
        .chain(extra);
    let mut vocab = Vocab::build_from_grams(lists, &[1, 2, 3], recipe.min_df, recipe.max_vocab);
    let grams = select_document_grams(labelled, &vocab.orders, recipe.doc_grams);
    if !grams.is_empty() {
        vocab.add_document_grams(grams, recipe.doc_weight);
    }
    if let Some(emb) = emb {
        let rows: Vec<&Vec<f32>> = labelled
            .iter()
            .flat_map(|d| &d.sentences)
            .filter_map(|s| emb.get(s))
            .collect();
        if let Some(first) = rows.first() {
            let mut m = vec![0f32; first.len()];
            for r in &rows {
                m.iter_mut().zip(r.iter()).for_each(|(a, b)| *a += b);
            }
            m.iter_mut().for_each(|a| *a /= rows.len() as f32);
            vocab.dense_centre = m;
            vocab.dense_weight = recipe.e5_weight;
        }
    }
    vocab
}

/// Stage 1: trains on folds 2–4 (the sentence vocabulary from folds 1–4, which is unsupervised;
/// document n-grams chosen on folds 2–4 only), tunes the thresholds on fold 1 and scores fold 1
/// with them (optimistic: the thresholds were tuned there).
fn stage1(
    train_docs: &[&ElementDoc],
    val_docs: &[&ElementDoc],
    recipe: &Recipe,
    emb: Option<&Embeddings>,
    teacher: Option<&Teacher>,
) -> Result<(Vec<f32>, MultiLabelScores), MlError> {
    let all: Vec<&ElementDoc> = train_docs.iter().chain(val_docs).copied().collect();
    let vocab = build_vocab(&all, train_docs, recipe, emb, teacher);
    let (bags, gold) = flatten(train_docs, &vocab, emb);
    let (bags, soft) = with_teacher(bags, &gold, &vocab, recipe, teacher);
    let (vbags, vgold) = flatten(val_docs, &vocab, emb);
    let cfg = config(&vocab, recipe);
    let mut vprobs: Vec<Vec<f32>> = vec![vec![0.0; LABELS.len()]; vbags.len()];
    let k = recipe.ensemble.max(1);
    for e in 0..k {
        let mut tc = recipe.train;
        tc.seed += e as u64;
        let m = train(cfg.clone(), &bags, Targets::Soft(&soft), &tc)?;
        for (acc, p) in vprobs.iter_mut().zip(predict(&m, &vbags)?) {
            acc.iter_mut().zip(p).for_each(|(a, p)| *a += p / k as f32);
        }
    }
    let thresholds = tune_thresholds(&vprobs, &vgold, LABELS.len());
    let labels: Vec<String> = LABELS.iter().map(|l| l.0.to_owned()).collect();
    let scores = multilabel(&labels, &vgold, &decide(&vprobs, &thresholds));
    Ok((thresholds, scores))
}

/// Dense embedding of each sentence text (of the pretrained encoder, [`super::e5`]).
pub type Embeddings = std::collections::HashMap<String, Vec<f32>>;

/// The encoder's embeddings of every sentence of `docs`, cached under the system's temporary
/// folder (`fincase-e5/<sha256 of the encoder id and the sentences>.f32`; the cache is only
/// for speed: 5,124 sentences take minutes on 2 cores).
pub fn embed_sentences(e5: &super::e5::E5, docs: &[ElementDoc]) -> Result<Embeddings, MlError> {
    use sha2::{Digest, Sha256};
    let sentences: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.sentences.iter().map(String::as_str))
        .collect();
    let mut h = Sha256::new();
    h.update(e5.id.as_bytes());
    for s in &sentences {
        h.update(s.as_bytes());
        h.update([0u8]);
    }
    let dir = std::env::temp_dir().join("fincase-e5");
    let path = dir.join(format!("{}.f32", hex::encode(h.finalize())));
    let dim = e5.shape.hidden;
    let rows: Vec<Vec<f32>> = match std::fs::read(&path) {
        Ok(b) if b.len() == sentences.len() * dim * 4 => b
            .chunks_exact(dim * 4)
            .map(|r| {
                r.chunks_exact(4)
                    .map(|x| f32::from_le_bytes([x[0], x[1], x[2], x[3]]))
                    .collect()
            })
            .collect(),
        _ => {
            let rows = e5.embed(&sentences)?;
            let bytes: Vec<u8> = rows
                .iter()
                .flatten()
                .flat_map(|x| x.to_le_bytes())
                .collect();
            std::fs::create_dir_all(&dir).map_err(|e| MlError::io(&dir, e))?;
            std::fs::write(&path, bytes).map_err(|e| MlError::io(&path, e))?;
            rows
        }
    };
    Ok(sentences.into_iter().map(str::to_owned).zip(rows).collect())
}

/// Stage 1 alone, for choosing a recipe: the validation scores (fold 1) of a model trained on
/// folds 2–4, with thresholds tuned on fold 1. Never reads the test documents' labels.
pub fn validate(
    data: &Path,
    recipe: &Recipe,
    e5: Option<&super::e5::E5>,
    teacher: Option<&Teacher>,
) -> Result<MultiLabelScores, MlError> {
    let docs = read_elements(data)?;
    let emb = encoder_embeddings(recipe, e5, &docs)?;
    let teacher = teacher_for(recipe, teacher)?;
    let [train_docs, val_docs, _] = split(&docs);
    Ok(stage1(&train_docs, &val_docs, recipe, emb.as_ref(), teacher)?.1)
}

/// The teacher a recipe asks for (`distill > 0`), or an error naming the missing file.
fn teacher_for<'a>(
    recipe: &Recipe,
    teacher: Option<&'a Teacher>,
) -> Result<Option<&'a Teacher>, MlError> {
    if recipe.distill == 0 {
        return Ok(None);
    }
    if recipe.e5_weight > 0.0 {
        return Err(MlError::Data(
            "a recipe cannot both distil and read the encoder".into(),
        ));
    }
    teacher.map(Some).ok_or_else(|| {
        MlError::Data(format!(
            "the recipe distils from the teacher file models/{TEACHER_FILE}, which was not given"
        ))
    })
}

/// The sentence embeddings a recipe asks for (`e5_weight > 0`), or an error naming the
/// install script when the encoder is missing.
fn encoder_embeddings(
    recipe: &Recipe,
    e5: Option<&super::e5::E5>,
    docs: &[ElementDoc],
) -> Result<Option<Embeddings>, MlError> {
    if recipe.e5_weight <= 0.0 {
        return Ok(None);
    }
    let e5 = e5.ok_or_else(|| {
        MlError::Data(format!(
            "the recipe reads the pretrained encoder, which is not installed ({}; run scripts/install-e5.sh)",
            super::e5::FILE
        ))
    })?;
    Ok(Some(embed_sentences(e5, docs)?))
}

/// Scores the model in `dir` on the test documents of `data`. The recipe and validation fields
/// are read back from `dir/metrics.json` when it exists (they are not recomputed).
pub fn evaluate_dir(
    data: &Path,
    dir: &Path,
    e5: Option<&super::e5::E5>,
) -> Result<Report, MlError> {
    let model = BagModel::load(dir)?;
    let vocab = super::read_vocab(dir)?;
    let docs = read_elements(data)?;
    let [train_docs, val_docs, test_docs] = split(&docs);
    let emb = if vocab.dense_centre.is_empty() {
        None
    } else {
        let e5 = e5.ok_or_else(|| {
            MlError::Data(format!(
                "{} reads the pretrained encoder, which is not installed (run scripts/install-e5.sh)",
                dir.display()
            ))
        })?;
        let test: Vec<ElementDoc> = test_docs.iter().map(|d| (*d).clone()).collect();
        Some(embed_sentences(e5, &test)?)
    };
    let (tbags, tgold) = flatten(&test_docs, &vocab, emb.as_ref());
    let probs = predict(&model, &tbags)?;
    let test = multilabel(
        &model.config.labels,
        &tgold,
        &decide(&probs, &model.config.thresholds),
    );
    let count = |ds: &[&ElementDoc]| ds.iter().map(|d| d.sentences.len()).sum::<usize>();
    let stored: Option<Report> = std::fs::read_to_string(dir.join("metrics.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok());
    Ok(Report {
        recipe: stored.as_ref().map_or_else(Recipe::default, |r| r.recipe),
        docs: [train_docs.len(), val_docs.len(), test_docs.len()],
        sentences: [count(&train_docs), count(&val_docs), count(&test_docs)],
        vocab: vocab.tokens.len(),
        thresholds: model.config.thresholds.clone(),
        test,
        validation: stored.map_or_else(
            || MultiLabelScores {
                micro_f1: 0.0,
                macro_f1: 0.0,
                per_label: Vec::new(),
            },
            |r| r.validation,
        ),
    })
}

/// The headline lines `eval` prints and the card repeats, so a test can compare them.
pub fn headline(r: &Report) -> String {
    format!(
        "test documents: {} ({} sentences)\nmicro-F1: {:.4}\nmacro-F1: {:.4}\n",
        r.docs[2], r.sentences[2], r.test.micro_f1, r.test.macro_f1
    )
}

/// The per-label table (Markdown).
pub fn per_label_table(r: &Report) -> String {
    let mut s = String::from(
        "| label | 名称 | test support | tp | fp | fn | F1 | threshold |\n|---|---|---|---|---|---|---|---|\n",
    );
    for (i, (code, c, f1, support)) in r.test.per_label.iter().enumerate() {
        let name = LABELS.get(i).map_or("", |l| l.1);
        let t = r.thresholds.get(i).copied().unwrap_or(0.5);
        s.push_str(&format!(
            "| {code} | {name} | {support} | {} | {} | {} | {f1:.4} | {t:.2} |\n",
            c.tp, c.fp, c.fn_
        ));
    }
    s
}

fn card(r: &Report, files: &ModelFiles, train_seconds: f64) -> String {
    let rc = &r.recipe;
    let (title, train_cmd, eval_cmd) = if rc.e5_weight > 0.0 {
        (
            NAME_E5,
            "fincase train elements --e5",
            "fincase eval elements --model models/loan-elements-e5",
        )
    } else {
        (NAME, "fincase train elements", "fincase eval elements")
    };
    let encoder = if rc.e5_weight > 0.0 {
        format!(
            "\n\nThis variant also reads the pretrained encoder: each sentence's multilingual-e5-small \
embedding (`crates/core/src/ml/e5.rs`, `query: ` prefix, mean-pooled, from the 4-bit file that \
`scripts/install-e5.sh` installs; not committed) is centred on the training sentences' mean, \
L2-normalised to {} and joined to the bag as 384 extra inputs of the same embedding layer. It runs \
only where the encoder is installed, and the pipeline uses it only with `FINCASE_E5=1` (the encoder \
costs about 0.1 s per sentence on 2 cores); `models.json` then names both files \
(`loan-elements-e5 v1 sha256:… + e5-small-q4 sha256:…`).",
            rc.e5_weight
        )
    } else {
        String::new()
    };
    format!(
        "# {title} — CAIL2019 loan element labels (LN1–LN20)\n\n\
Generated by `{train_cmd}`; every score below is reproduced by `{eval_cmd}`.\n\n\
## What it does\nFor one sentence of a judgment or complaint, the probability of each of the 20 CAIL2019 \
loan elements (e.g. LN7 连带保证, LN9 支付利息); a label is on when its probability reaches its threshold.\n\n\
## Data\nCAIL2019 要素识别, loan domain, stage-1 file `data_small_selected.json` (150 judgments, 5,124 \
sentences; see `../shared/data/cail2019-element-loan/PROVENANCE.md`). Research-only; no text of it is \
committed here. The vocabulary holds character n-grams of the training documents only.\n\n\
## Split (fixed)\nBy document: `fold = u64_be(sha256(concatenated sentences)[0..8]) % 5`; fold 0 is the \
test set, fold 1 the validation set (threshold tuning), folds 2–4 training. A document's sentences never \
straddle the split.\n\n\
| part | documents | sentences |\n|---|---|---|\n| training (2–4) | {} | {} |\n| validation (1) | {} | {} |\n| test (0) | {} | {} |\n\n\
## Model\nfastText-style bag of character 1-, 2- and 3-grams (full-width folded, digits → 0, min document \
frequency {}, {} n-grams kept; weights (1 + ln tf)·idf, L2-normalised) → embedding sum (dim {}) → ReLU hidden \
layer ({}) → 20 sigmoids. Written in candle (`crates/core/src/ml/model.rs`); weights f16 safetensors, computed in f32. \
No tokenizer model: `vocab.json` lists the n-grams and their idf.{encoder}\n\n\
Training: binary cross-entropy, AdamW (lr {}, linear decay to 10 %, weight decay {}), {} epochs, batch {}, \
feature dropout {}, seed {} (own SplitMix64 initialisation, so runs are bit-for-bit repeatable). Stage 1 \
trains on folds 2–4 and tunes one threshold per label (grid 0.05–0.95) for F1 on fold 1; stage 2 retrains on \
folds 1–4 with the same recipe and keeps those thresholds. Training took {:.0} s on 2 CPU cores.\n\n\
## Scores on the held-out test documents\n\n```\n{}```\n\n{}\n\
Validation (stage-1 model on fold 1, thresholds tuned there, so optimistic): micro-F1 {:.4}, macro-F1 {:.4}.\n\n\
Macro-F1 averages the labels that occur (gold or predicted) in the test documents. LN11–LN20 have 1–29 \
examples in the whole set, so their F1 is noise; the micro-F1 is carried by LN1–LN10.\n\n\
## Files\n\n{}\n\
## Limits\n- 150 judgments only (the 4 MiB stage-2 training file was not available); the test set is {} \
documents, so a score moves by about ±0.02 with a different split.\n- Sentence-level labels of judgment \
text; a filing's complaint is shorter and worded by the bank, so labels on filings are hints for the judge, \
not facts.\n",
        r.docs[0],
        r.sentences[0],
        r.docs[1],
        r.sentences[1],
        r.docs[2],
        r.sentences[2],
        rc.min_df,
        r.vocab,
        rc.dim,
        rc.hidden,
        rc.train.lr,
        rc.train.weight_decay,
        rc.train.epochs,
        rc.train.batch,
        rc.train.feature_dropout,
        rc.train.seed,
        train_seconds,
        headline(r),
        per_label_table(r),
        r.validation.micro_f1,
        r.validation.macro_f1,
        files.table(),
        r.docs[2],
    )
}
