//! The bag-of-n-grams network (fastText-style, Joulin et al. 2017, "Bag of Tricks for Efficient
//! Text Classification"): an embedding per n-gram, summed with the bag's weights, then an optional
//! ReLU hidden layer, then one logit per label. Trained with candle's autograd on the CPU
//! ([`train`]); weights are stored as f16 safetensors and computed in f32.

use super::MlError;
use super::features::Bag;
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// How the labels relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Any number of labels per example: a sigmoid and a threshold per label.
    MultiLabel,
    /// Exactly one class per example: softmax.
    MultiClass,
}

/// `config.json` of a model: its shape, labels and decision thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// Model name, e.g. `loan-elements`.
    pub name: String,
    /// Bumped when the architecture or the training recipe changes.
    pub version: u32,
    /// Multi-label or multi-class.
    pub task: Task,
    /// Embedding rows (vocabulary size + 1 for padding).
    pub vocab_rows: usize,
    /// Embedding width.
    pub dim: usize,
    /// Hidden layer width; 0 for none.
    pub hidden: usize,
    /// Label codes, in output order.
    pub labels: Vec<String>,
    /// Label names (Chinese), in output order.
    pub label_names: Vec<String>,
    /// Per-label decision thresholds on the sigmoid (multi-label only).
    #[serde(default)]
    pub thresholds: Vec<f32>,
}

/// Training hyper-parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// Passes over the training set.
    pub epochs: usize,
    /// Examples per step.
    pub batch: usize,
    /// AdamW learning rate (linearly decayed to 10 % over the run).
    pub lr: f64,
    /// AdamW weight decay.
    pub weight_decay: f64,
    /// Probability of dropping each feature of a bag during training.
    pub feature_dropout: f32,
    /// Seed of initialisation, shuffling and feature dropout.
    pub seed: u64,
}

/// A loaded or freshly trained model.
pub struct BagModel {
    /// Shape and labels.
    pub config: ModelConfig,
    emb: Tensor,
    hidden: Option<(Tensor, Tensor)>,
    out_w: Tensor,
    out_b: Tensor,
}

/// SplitMix64: a tiny deterministic generator for initialisation, shuffling and dropout, so that
/// training is reproducible on every machine (candle's CPU RNG cannot be seeded).
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator from a seed.
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            xs.swap(i, j);
        }
    }
}

fn uniform(rng: &mut SplitMix, rows: usize, cols: usize, a: f32) -> Result<Tensor, MlError> {
    let v: Vec<f32> = (0..rows * cols)
        .map(|_| (rng.unit() * 2.0 - 1.0) * a)
        .collect();
    Ok(Tensor::from_vec(v, (rows, cols), &Device::Cpu)?)
}

/// A padded batch: ids `(B, L)` and weights `(B, L)`, padding id 0 with weight 0.
fn batch_tensors(bags: &[&Bag]) -> Result<(Tensor, Tensor), MlError> {
    let len = bags.iter().map(|b| b.ids.len()).max().unwrap_or(0).max(1);
    let mut ids = vec![0u32; bags.len() * len];
    let mut ws = vec![0f32; bags.len() * len];
    for (i, b) in bags.iter().enumerate() {
        ids[i * len..i * len + b.ids.len()].copy_from_slice(&b.ids);
        ws[i * len..i * len + b.weights.len()].copy_from_slice(&b.weights);
    }
    Ok((
        Tensor::from_vec(ids, (bags.len(), len), &Device::Cpu)?,
        Tensor::from_vec(ws, (bags.len(), len), &Device::Cpu)?,
    ))
}

fn forward_with(
    emb: &Tensor,
    hidden: Option<(&Tensor, &Tensor)>,
    out_w: &Tensor,
    out_b: &Tensor,
    ids: &Tensor,
    ws: &Tensor,
) -> Result<Tensor, MlError> {
    let (b, l) = ids.dims2()?;
    let d = emb.dim(1)?;
    let rows = emb
        .index_select(&ids.flatten_all()?, 0)?
        .reshape((b, l, d))?;
    let mut h = rows.broadcast_mul(&ws.unsqueeze(2)?)?.sum(1)?;
    if let Some((w, bias)) = hidden {
        h = h.matmul(w)?.broadcast_add(bias)?.relu()?;
    }
    Ok(h.matmul(out_w)?.broadcast_add(out_b)?)
}

impl BagModel {
    /// Logits `(B, labels)` of a batch of bags.
    pub fn logits(&self, bags: &[&Bag]) -> Result<Tensor, MlError> {
        let (ids, ws) = batch_tensors(bags)?;
        forward_with(
            &self.emb,
            self.hidden.as_ref().map(|(w, b)| (w, b)),
            &self.out_w,
            &self.out_b,
            &ids,
            &ws,
        )
    }

    /// Probabilities per example and label: sigmoid (multi-label) or softmax (multi-class).
    pub fn probabilities(&self, bags: &[&Bag]) -> Result<Vec<Vec<f32>>, MlError> {
        if bags.is_empty() {
            return Ok(Vec::new());
        }
        let logits = self.logits(bags)?;
        let p = match self.config.task {
            Task::MultiLabel => candle_nn::ops::sigmoid(&logits)?,
            Task::MultiClass => candle_nn::ops::softmax_last_dim(&logits)?,
        };
        Ok(p.to_vec2::<f32>()?)
    }

    /// Writes `weights.safetensors` (f16) and `config.json` into `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), MlError> {
        let mut t: HashMap<String, Tensor> = HashMap::new();
        t.insert("emb".into(), self.emb.to_dtype(DType::F16)?);
        if let Some((w, b)) = &self.hidden {
            t.insert("hidden.w".into(), w.to_dtype(DType::F16)?);
            t.insert("hidden.b".into(), b.to_dtype(DType::F16)?);
        }
        t.insert("out.w".into(), self.out_w.to_dtype(DType::F16)?);
        t.insert("out.b".into(), self.out_b.to_dtype(DType::F16)?);
        std::fs::create_dir_all(dir).map_err(|e| MlError::io(dir, e))?;
        candle_core::safetensors::save(&t, dir.join("weights.safetensors"))?;
        let cfg = serde_json::to_string_pretty(&self.config).map_err(MlError::Json)?;
        let p = dir.join("config.json");
        std::fs::write(&p, cfg + "\n").map_err(|e| MlError::io(&p, e))?;
        Ok(())
    }

    /// Loads `config.json` and `weights.safetensors` from `dir`, checking the shapes.
    pub fn load(dir: &Path) -> Result<BagModel, MlError> {
        let p = dir.join("config.json");
        let text = std::fs::read_to_string(&p).map_err(|e| MlError::io(&p, e))?;
        let config: ModelConfig = serde_json::from_str(&text).map_err(MlError::Json)?;
        let p = dir.join("weights.safetensors");
        let bytes = std::fs::read(&p).map_err(|e| MlError::io(&p, e))?;
        Self::from_parts(config, &bytes)
    }

    /// Builds a model from its config and the bytes of its safetensors file.
    pub fn from_parts(config: ModelConfig, safetensors: &[u8]) -> Result<BagModel, MlError> {
        let mut t = candle_core::safetensors::load_buffer(safetensors, &Device::Cpu)?;
        let mut take = |name: &str, shape: &[usize]| -> Result<Tensor, MlError> {
            let x = t
                .remove(name)
                .ok_or_else(|| MlError::Shape(format!("{name} missing")))?
                .to_dtype(DType::F32)?;
            if x.dims() != shape {
                return Err(MlError::Shape(format!(
                    "{name} is {:?}, expected {shape:?}",
                    x.dims()
                )));
            }
            Ok(x)
        };
        let c = &config;
        let n = c.labels.len();
        let emb = take("emb", &[c.vocab_rows, c.dim])?;
        let (hidden, last) = if c.hidden > 0 {
            (
                Some((
                    take("hidden.w", &[c.dim, c.hidden])?,
                    take("hidden.b", &[c.hidden])?,
                )),
                c.hidden,
            )
        } else {
            (None, c.dim)
        };
        let out_w = take("out.w", &[last, n])?;
        let out_b = take("out.b", &[n])?;
        if c.task == Task::MultiLabel && c.thresholds.len() != n {
            return Err(MlError::Shape(format!(
                "{} thresholds for {n} labels",
                c.thresholds.len()
            )));
        }
        Ok(BagModel {
            config,
            emb,
            hidden,
            out_w,
            out_b,
        })
    }
}

/// Targets of the training examples.
pub enum Targets<'a> {
    /// One class index per example.
    MultiClass(&'a [usize]),
    /// A probability per label (a teacher model's output, or 0/1 for gold rows): binary
    /// cross-entropy against soft targets, for distillation.
    Soft(&'a [Vec<f32>]),
}

/// Trains a [`BagModel`] on `bags` with AdamW: binary cross-entropy on logits (multi-label) or
/// softmax cross-entropy (multi-class). Deterministic for a given seed. `config.thresholds` is
/// left as given (tune it afterwards on held-out data).
pub fn train(
    config: ModelConfig,
    bags: &[Bag],
    targets: Targets<'_>,
    tc: &TrainConfig,
) -> Result<BagModel, MlError> {
    let n_labels = config.labels.len();
    let mut rng = SplitMix::new(tc.seed);
    let emb_a = 0.5 / (config.dim as f32).sqrt();
    let emb = Var::from_tensor(&uniform(&mut rng, config.vocab_rows, config.dim, emb_a)?)?;
    let last = if config.hidden > 0 {
        config.hidden
    } else {
        config.dim
    };
    let hidden = if config.hidden > 0 {
        let a = (6.0 / (config.dim + config.hidden) as f32).sqrt();
        Some((
            Var::from_tensor(&uniform(&mut rng, config.dim, config.hidden, a)?)?,
            Var::from_tensor(&Tensor::zeros(config.hidden, DType::F32, &Device::Cpu)?)?,
        ))
    } else {
        None
    };
    let a = (6.0 / (last + n_labels) as f32).sqrt();
    let out_w = Var::from_tensor(&uniform(&mut rng, last, n_labels, a)?)?;
    let out_b = Var::from_tensor(&Tensor::zeros(n_labels, DType::F32, &Device::Cpu)?)?;
    let mut vars = vec![emb.clone(), out_w.clone(), out_b.clone()];
    if let Some((w, b)) = &hidden {
        vars.push(w.clone());
        vars.push(b.clone());
    }
    let mut opt = AdamW::new(
        vars,
        ParamsAdamW {
            lr: tc.lr,
            weight_decay: tc.weight_decay,
            ..Default::default()
        },
    )?;
    let mut order: Vec<usize> = (0..bags.len()).collect();
    let steps_per_epoch = bags.len().div_ceil(tc.batch.max(1));
    let total = (steps_per_epoch * tc.epochs).max(1);
    let mut step = 0usize;
    for _ in 0..tc.epochs {
        rng.shuffle(&mut order);
        for chunk in order.chunks(tc.batch.max(1)) {
            let frac = step as f64 / total as f64;
            opt.set_learning_rate(tc.lr * (1.0 - 0.9 * frac));
            step += 1;
            let dropped: Vec<Bag> = chunk
                .iter()
                .map(|&i| drop_features(&bags[i], tc.feature_dropout, &mut rng))
                .collect();
            let refs: Vec<&Bag> = dropped.iter().collect();
            let (ids, ws) = batch_tensors(&refs)?;
            let logits = forward_with(
                emb.as_tensor(),
                hidden.as_ref().map(|(w, b)| (w.as_tensor(), b.as_tensor())),
                out_w.as_tensor(),
                out_b.as_tensor(),
                &ids,
                &ws,
            )?;
            let loss = match &targets {
                Targets::Soft(y) => {
                    let flat: Vec<f32> = chunk
                        .iter()
                        .flat_map(|&i| (0..n_labels).map(move |k| (i, k)))
                        .map(|(i, k)| y[i].get(k).copied().unwrap_or(0.0).clamp(0.0, 1.0))
                        .collect();
                    let y = Tensor::from_vec(flat, (chunk.len(), n_labels), &Device::Cpu)?;
                    bce_with_logits(&logits, &y)?
                }
                Targets::MultiClass(y) => {
                    let t: Vec<u32> = chunk.iter().map(|&i| y[i] as u32).collect();
                    let t = Tensor::from_vec(t, chunk.len(), &Device::Cpu)?;
                    candle_nn::loss::cross_entropy(&logits, &t)?
                }
            };
            opt.backward_step(&loss)?;
        }
    }
    Ok(BagModel {
        config,
        emb: emb.as_tensor().detach(),
        hidden: hidden.map(|(w, b)| (w.as_tensor().detach(), b.as_tensor().detach())),
        out_w: out_w.as_tensor().detach(),
        out_b: out_b.as_tensor().detach(),
    })
}

/// Numerically stable mean binary cross-entropy on logits:
/// `max(x, 0) − x·y + ln(1 + e^{−|x|})`.
fn bce_with_logits(x: &Tensor, y: &Tensor) -> Result<Tensor, MlError> {
    let pos = x.relu()?;
    let xy = (x * y)?;
    let soft = ((x.abs()?.neg()?.exp()? + 1.0)?).log()?;
    Ok(((pos - xy)? + soft)?.mean_all()?)
}

/// A copy of `bag` with each feature dropped with probability `p` (the rest rescaled to keep
/// the bag's L2 norm).
fn drop_features(bag: &Bag, p: f32, rng: &mut SplitMix) -> Bag {
    if p <= 0.0 {
        return bag.clone();
    }
    let mut out = Bag::default();
    for (&id, &w) in bag.ids.iter().zip(&bag.weights) {
        if rng.unit() >= p {
            out.ids.push(id);
            out.weights.push(w);
        }
    }
    let norm = out.weights.iter().map(|w| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        out.weights.iter_mut().for_each(|w| *w /= norm);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Soft targets are learnt as probabilities: one feature whose teacher says 0.8 for the
    /// first label and 0.1 for the second ends near those values, unlike hard 0/1 targets.
    #[test]
    fn soft_targets_are_learnt_as_probabilities() {
        let cfg = ModelConfig {
            name: "t".into(),
            version: 1,
            task: Task::MultiLabel,
            vocab_rows: 3,
            dim: 4,
            hidden: 0,
            labels: vec!["A".into(), "B".into()],
            label_names: vec!["a".into(), "b".into()],
            thresholds: vec![0.5, 0.5],
        };
        let bag = Bag {
            ids: vec![1],
            weights: vec![1.0],
        };
        let bags = vec![bag.clone(); 64];
        let soft = vec![vec![0.8f32, 0.1]; 64];
        let tc = TrainConfig {
            epochs: 200,
            batch: 64,
            lr: 0.05,
            weight_decay: 0.0,
            feature_dropout: 0.0,
            seed: 1,
        };
        let m = train(cfg, &bags, Targets::Soft(&soft), &tc).unwrap();
        let p = m.probabilities(&[&bag]).unwrap();
        assert!((p[0][0] - 0.8).abs() < 0.05, "{:?}", p[0]);
        assert!((p[0][1] - 0.1).abs() < 0.05, "{:?}", p[0]);
    }
}
