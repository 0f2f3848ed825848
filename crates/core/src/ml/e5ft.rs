//! Loan elements read by the fine-tuned pretrained encoder: multilingual-e5-small ([`super::e5`])
//! with a low-rank adapter (LoRA) and a classification head trained on the CAIL2019 loan
//! documents of the training folds. The adapter (about 1–3 MB) is committed under
//! `models/loan-elements-e5ft/`; the encoder it adapts is not (it is installed by
//! `scripts/install-e5.sh`), so this model runs only where the encoder is installed.
//!
//! Training needs a GPU and runs outside the product: `fincase train elements --export-e5ft DIR`
//! writes the token ids of every sentence, their labels and folds, and the encoder's 4-bit
//! tensors restricted to the word pieces that occur ([`export`]); `scripts/gpu/e5ft_train.py`
//! (PyTorch) mirrors [`super::e5::E5`]'s forward pass exactly, trains the adapter with the same
//! fold protocol as the small models (train on folds 2–4, choose epochs and thresholds on fold 1,
//! retrain on folds 1–4) and writes `adapter.safetensors` + `config.json`. Here the adapter is
//! merged into the encoder's weights at load time (`W + scale·B·A`), so inference costs what the
//! plain encoder costs, and `fincase eval elements --model models/loan-elements-e5ft` scores the
//! test documents on the CPU, reproducing the card's numbers.
//!
//! Invariants: the test fold's labels are never exported for training use (they are exported for
//! the final scoring only, marked fold 0); the adapter names the encoder file it was trained on
//! and refuses another; a missing encoder is an [`MlError`], never a panic.

use super::MlError;
use super::data::{ElementDoc, distill_sentences, read_elements};
use super::e5::E5;
use super::elements::{LABELS, Report, decide, gold_row, split};
use super::metrics::{MultiLabelScores, multilabel};
use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The model's name (and folder under `models/`).
pub const NAME: &str = "loan-elements-e5ft";

/// Token ids per sentence, `<s>` and `</s>` included (longer sentences are cut).
pub const MAX_TOKENS: usize = 160;

/// `config.json` of an adapter folder (written by the training script).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdapterConfig {
    /// `loan-elements-e5ft`.
    pub name: String,
    /// Version of the adapter.
    pub version: u32,
    /// Hash of the encoder file it adapts (`sha256` hex of `e5-small-q4.bin`, first 12).
    pub base_sha256_12: String,
    /// LoRA rank.
    pub rank: usize,
    /// LoRA alpha; the update is scaled by `alpha / rank`.
    pub alpha: f64,
    /// Token ids per sentence at training and inference.
    pub max_tokens: usize,
    /// Label codes, in head order.
    pub labels: Vec<String>,
    /// Label names.
    pub label_names: Vec<String>,
    /// Decision threshold per label (tuned on fold 1).
    pub thresholds: Vec<f32>,
    /// The training recipe as the script recorded it (epochs, learning rate, seed, …).
    #[serde(default)]
    pub recipe: serde_json::Value,
}

/// A loaded fine-tuned element model.
pub struct FineTuned {
    /// The adapted encoder.
    pub encoder: E5,
    head_w: Tensor,
    head_b: Tensor,
    /// Its configuration (labels, thresholds).
    pub config: AdapterConfig,
    /// `loan-elements-e5ft v1 sha256:<adapter> + e5-small-q4 sha256:<encoder>`.
    pub id: String,
}

impl FineTuned {
    /// Loads `dir` (`config.json`, `adapter.safetensors`) over the encoder file `e5_path`.
    pub fn load(dir: &Path, e5_path: &Path) -> Result<FineTuned, MlError> {
        let cfg_path = dir.join("config.json");
        let text = std::fs::read_to_string(&cfg_path).map_err(|e| MlError::io(&cfg_path, e))?;
        let config: AdapterConfig = serde_json::from_str(&text).map_err(MlError::Json)?;
        if config.rank == 0 || config.labels.len() != config.thresholds.len() {
            return Err(MlError::Shape(format!(
                "{}: rank 0 or thresholds/labels mismatch",
                cfg_path.display()
            )));
        }
        let base = E5::load(e5_path)?;
        if !base.id.ends_with(&config.base_sha256_12) {
            return Err(MlError::Shape(format!(
                "{} was trained on encoder {}, the installed one is {}",
                dir.display(),
                config.base_sha256_12,
                base.id
            )));
        }
        let ap = dir.join("adapter.safetensors");
        let bytes = std::fs::read(&ap).map_err(|e| MlError::io(&ap, e))?;
        let tensors: HashMap<String, Tensor> =
            candle_core::safetensors::load_buffer(&bytes, &Device::Cpu)?;
        let scale = config.alpha / config.rank as f64;
        let encoder = base.with_adapter(&tensors, scale)?;
        let head = |n: &str| -> Result<Tensor, MlError> {
            tensors
                .get(n)
                .ok_or_else(|| MlError::Shape(format!("{}: {n} missing", ap.display())))?
                .to_dtype(DType::F32)
                .map_err(MlError::from)
        };
        let (w, b) = (head("head.w")?, head("head.b")?);
        let h = encoder.shape.hidden;
        if w.dims() != [config.labels.len(), h] || b.dims() != [config.labels.len()] {
            return Err(MlError::Shape(format!(
                "{}: head is {:?}/{:?}, wanted [{}, {h}]",
                ap.display(),
                w.dims(),
                b.dims(),
                config.labels.len()
            )));
        }
        let id = format!(
            "{} v{} sha256:{} + {}",
            config.name,
            config.version,
            &crate::domain::sha256_hex(&bytes)[..12],
            encoder.id
        );
        Ok(FineTuned {
            head_w: w.t()?.contiguous()?,
            head_b: b,
            encoder,
            config,
            id,
        })
    }

    /// The folder's model over the installed encoder (`<dir>/../e5/…`, else the default models
    /// folder's); `None` when the folder or the encoder is absent.
    pub fn installed(dir: &Path) -> Result<Option<FineTuned>, MlError> {
        if !dir.join("adapter.safetensors").is_file() {
            return Ok(None);
        }
        match E5::installed_path_near(dir) {
            Some(p) => Ok(Some(FineTuned::load(dir, &p)?)),
            None => Ok(None),
        }
    }

    /// Sigmoid probability of every label for each text, in batches of similar length.
    pub fn probabilities(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, MlError> {
        let ids: Vec<Vec<u32>> = texts
            .iter()
            .map(|t| self.encoder.input_ids_max(t, self.config.max_tokens))
            .collect::<Result<_, _>>()?;
        super::e5::by_length(&ids, |batch| {
            let pooled = self.encoder.mean_pooled(batch)?;
            let logits = pooled.matmul(&self.head_w)?.broadcast_add(&self.head_b)?;
            Ok(candle_nn::ops::sigmoid(&logits)?.to_vec2::<f32>()?)
        })
    }
}

/// What [`export`] wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    /// Labelled sentences (all folds).
    pub sentences: usize,
    /// Unlabelled sentences for distillation.
    pub distill: usize,
    /// Distinct word pieces kept.
    pub pieces: usize,
}

/// Writes the training material for `scripts/gpu/e5ft_train.py` into `out`:
/// `data.safetensors` (ids, offsets, labels, folds, documents; the distillation sentences' ids),
/// `base.safetensors` (the encoder's tensors, 4-bit blocks as bytes, word rows of the pieces
/// that occur only, `piece_ids` mapping the new rows to the file's ids) and
/// `distill.txt` (the distillation sentences, one per line, in order).
pub fn export(data: &Path, e5: &E5, out: &Path) -> Result<ExportSummary, MlError> {
    std::fs::create_dir_all(out).map_err(|e| MlError::io(out, e))?;
    let docs = read_elements(data)?;
    let distill = distill_sentences(data, &docs)?;

    let mut remap: BTreeMap<u32, u32> = BTreeMap::new();
    let mut seqs: Vec<Vec<u32>> = Vec::new();
    let (mut labels, mut folds, mut doc_of) = (Vec::new(), Vec::new(), Vec::new());
    for (di, d) in docs.iter().enumerate() {
        for (s, ls) in d.sentences.iter().zip(&d.labels) {
            seqs.push(e5.input_ids_max(s, MAX_TOKENS)?);
            labels.extend(gold_row(ls).into_iter().map(u8::from));
            folds.push(d.fold() as u8);
            doc_of.push(di as u32);
        }
    }
    let n_lab = seqs.len();
    for s in &distill {
        seqs.push(e5.input_ids_max(s, MAX_TOKENS)?);
    }
    for s in &seqs {
        for &id in s {
            let next = remap.len() as u32;
            remap.entry(id).or_insert(next);
        }
    }
    // Rows in order of the original ids, so the mapping is monotone and reproducible.
    let pieces: Vec<u32> = remap.keys().copied().collect();
    let new_id: HashMap<u32, u32> = pieces
        .iter()
        .enumerate()
        .map(|(i, &p)| (p, i as u32))
        .collect();
    let flat = |range: std::ops::Range<usize>| -> (Vec<u32>, Vec<u32>) {
        let mut ids = Vec::new();
        let mut offs = vec![0u32];
        for s in &seqs[range] {
            ids.extend(s.iter().map(|i| new_id[i]));
            offs.push(ids.len() as u32);
        }
        (ids, offs)
    };
    let (ids, offs) = flat(0..n_lab);
    let (dids, doffs) = flat(n_lab..seqs.len());
    let dev = &Device::Cpu;
    let u32t = |v: Vec<u32>| -> Result<Tensor, MlError> {
        let n = v.len();
        Ok(Tensor::from_vec(v, n, dev)?)
    };
    let u8t = |v: Vec<u8>, shape: (usize, usize)| -> Result<Tensor, MlError> {
        Ok(Tensor::from_vec(v, shape, dev)?)
    };
    let mut d: HashMap<String, Tensor> = HashMap::new();
    d.insert("ids".into(), u32t(ids)?);
    d.insert("offsets".into(), u32t(offs)?);
    d.insert("labels".into(), u8t(labels, (n_lab, 20))?);
    d.insert("folds".into(), u8t(folds, (n_lab, 1))?);
    d.insert("docs".into(), u32t(doc_of)?);
    d.insert("distill_ids".into(), u32t(dids)?);
    d.insert("distill_offsets".into(), u32t(doffs)?);
    let dp = out.join("data.safetensors");
    candle_core::safetensors::save(&d, &dp)?;

    let mut b: HashMap<String, Tensor> = HashMap::new();
    let sh = e5.shape;
    let mut rows = Vec::new();
    for &p in &pieces {
        rows.extend_from_slice(
            e5.raw_word_row(p)
                .ok_or_else(|| MlError::Shape(format!("word row {p} outside the file")))?,
        );
    }
    let row_bytes = rows.len() / pieces.len().max(1);
    b.insert("emb.word".into(), u8t(rows, (pieces.len(), row_bytes))?);
    b.insert("piece_ids".into(), u32t(pieces.clone())?);
    let mut names = vec![
        "emb.pos".to_owned(),
        "emb.type".into(),
        "emb.ln.w".into(),
        "emb.ln.b".into(),
    ];
    for l in 0..sh.layers {
        for m in ["q", "k", "v", "ao", "fi", "fo", "aln", "oln"] {
            names.push(format!("l{l}.{m}.w"));
            names.push(format!("l{l}.{m}.b"));
        }
    }
    for n in names {
        let raw = e5
            .raw_tensor(&n)
            .ok_or_else(|| MlError::Shape(format!("e5 tensor {n} missing")))?;
        let len = raw.len();
        b.insert(n, u8t(raw.to_vec(), (1, len))?);
    }
    let shape = serde_json::json!({
        "hidden": sh.hidden, "layers": sh.layers, "heads": sh.heads, "ff": sh.ff,
        "max_positions": sh.max_positions, "eps": sh.eps, "pad": e5.tokenizer.eos,
        "base": e5.id, "max_tokens": MAX_TOKENS,
        "labels": LABELS.iter().map(|l| l.0).collect::<Vec<_>>(),
        "label_names": LABELS.iter().map(|l| l.1).collect::<Vec<_>>(),
    });
    let bp = out.join("base.safetensors");
    candle_core::safetensors::save(&b, &bp)?;
    super::write_file(&out.join("shape.json"), &(shape.to_string() + "\n"))?;
    super::write_file(&out.join("distill.txt"), &(distill.join("\n") + "\n"))?;
    Ok(ExportSummary {
        sentences: n_lab,
        distill: distill.len(),
        pieces: pieces.len(),
    })
}

/// Scores the fine-tuned model in `dir` on the test documents (fold 0) of `data`; the
/// validation scores are read back from `dir/metrics.json` (they come from training).
pub fn evaluate_dir(data: &Path, dir: &Path, model: &FineTuned) -> Result<Report, MlError> {
    let docs = read_elements(data)?;
    let [train_docs, val_docs, test_docs] = split(&docs);
    let (texts, gold) = flatten(&test_docs);
    let probs = model.probabilities(&texts)?;
    let test = score(&model.config, &gold, &probs);
    let count = |ds: &[&ElementDoc]| ds.iter().map(|d| d.sentences.len()).sum::<usize>();
    let validation = std::fs::read_to_string(dir.join("metrics.json"))
        .ok()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|v| serde_json::from_value::<MultiLabelScores>(v["validation"].clone()).ok())
        .unwrap_or(MultiLabelScores {
            micro_f1: 0.0,
            macro_f1: 0.0,
            per_label: Vec::new(),
        });
    Ok(Report {
        recipe: super::elements::Recipe::default(),
        docs: [train_docs.len(), val_docs.len(), test_docs.len()],
        sentences: [count(&train_docs), count(&val_docs), count(&test_docs)],
        vocab: model.encoder.shape.vocab,
        thresholds: model.config.thresholds.clone(),
        test,
        validation,
    })
}

/// The texts and gold label vectors of `docs`' sentences, in order.
fn flatten<'a>(docs: &[&'a ElementDoc]) -> (Vec<&'a str>, Vec<Vec<bool>>) {
    let mut texts = Vec::new();
    let mut gold = Vec::new();
    for d in docs {
        for (s, ls) in d.sentences.iter().zip(&d.labels) {
            texts.push(s.as_str());
            gold.push(gold_row(ls));
        }
    }
    (texts, gold)
}

/// Micro/macro/per-label scores of `probs` under the config's thresholds.
pub fn score(cfg: &AdapterConfig, gold: &[Vec<bool>], probs: &[Vec<f32>]) -> MultiLabelScores {
    multilabel(&cfg.labels, gold, &decide(probs, &cfg.thresholds))
}

/// Default export folder (git-ignored).
pub fn default_export_dir() -> PathBuf {
    PathBuf::from(".gpu")
}
