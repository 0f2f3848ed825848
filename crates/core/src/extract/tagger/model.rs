//! The tagging network: character embeddings, a projection, residual blocks of dilated 1-D
//! convolutions (kernel 3, dilations 1, 2, 4, 8 … so the receptive field doubles per block, as
//! in the ID-CNN tagger of Strubell et al. 2017, "Fast and Accurate Entity Recognition with
//! Iterated Dilated Convolutions"), and one logit per BIO label per character.
//!
//! A convolution of kernel 3 and dilation d is written as a linear map over the concatenation
//! `[h(t−d), h(t), h(t+d)]` (zero padded), which keeps every op on candle's plain tensor path
//! with autograd on the CPU.

use candle_core::{D, DType, Device, Module, Result, Tensor};
use candle_nn::{Embedding, LayerNorm, Linear, VarBuilder, embedding, layer_norm, linear};
use serde::{Deserialize, Serialize};

/// `config.json`: the network's shape and labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaggerConfig {
    /// Model name (`tagger`).
    pub name: String,
    /// Bumped when the architecture or the recipe changes.
    pub version: u32,
    /// Embedding rows (the vocabulary's size).
    pub vocab_size: usize,
    /// Embedding width.
    pub embed: usize,
    /// Channels of the convolution blocks.
    pub channels: usize,
    /// Dilation of each block.
    pub dilations: Vec<usize>,
    /// BIO labels in output order (`O`, `B-court`, `I-court`, …).
    pub labels: Vec<String>,
}

/// The network.
#[derive(Debug, Clone)]
pub struct TaggerNet {
    emb: Embedding,
    proj: Linear,
    blocks: Vec<(Linear, usize)>,
    norm: LayerNorm,
    out: Linear,
}

impl TaggerNet {
    /// Builds (or loads, from `vb`) the network of `cfg`.
    pub fn new(vb: VarBuilder, cfg: &TaggerConfig) -> Result<TaggerNet> {
        let emb = embedding(cfg.vocab_size, cfg.embed, vb.pp("emb"))?;
        let proj = linear(cfg.embed, cfg.channels, vb.pp("proj"))?;
        let mut blocks = Vec::new();
        for (i, d) in cfg.dilations.iter().enumerate() {
            blocks.push((
                linear(3 * cfg.channels, cfg.channels, vb.pp(format!("block{i}")))?,
                *d,
            ));
        }
        let norm = layer_norm(cfg.channels, 1e-5, vb.pp("norm"))?;
        let out = linear(cfg.channels, cfg.labels.len(), vb.pp("out"))?;
        Ok(TaggerNet {
            emb,
            proj,
            blocks,
            norm,
            out,
        })
    }

    /// Logits `[batch, chars, labels]` for ids `[batch, chars]` (u32).
    pub fn forward(&self, ids: &Tensor) -> Result<Tensor> {
        let x = self.emb.forward(ids)?;
        let mut h = self.proj.forward(&x)?.relu()?;
        for (lin, d) in &self.blocks {
            let t = h.dim(1)?;
            let prev = h.pad_with_zeros(1, *d, 0)?.narrow(1, 0, t)?;
            let next = h.pad_with_zeros(1, 0, *d)?.narrow(1, *d, t)?;
            let cat = Tensor::cat(&[&prev, &h, &next], 2)?;
            let y = lin.forward(&cat)?.relu()?;
            h = (h + (y * 0.5)?)?;
        }
        // Not `LayerNorm::forward`: candle-nn's fused layer-norm kernel is applied without a
        // backward pass (`apply_op3_no_bwd`), so gradients stopped here and only `out` was
        // trained (the embeddings and convolutions stayed at their random init, and the
        // tagger learned little more than per-char label frequencies). `layer_norm_slow` is
        // the same function built from differentiable ops.
        let bias = match self.norm.bias() {
            Some(b) => b.clone(),
            None => self.norm.weight().zeros_like()?,
        };
        let normed = candle_nn::ops::layer_norm_slow(&h, self.norm.weight(), &bias, 1e-5)?;
        self.out.forward(&normed)
    }

    /// Per-char label ids and their probabilities for one sequence of ids.
    pub fn predict(&self, ids: &[u32], device: &Device) -> Result<Vec<(usize, f32)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let x = Tensor::from_slice(ids, (1, ids.len()), device)?;
        let logits = self.forward(&x)?.squeeze(0)?;
        let probs = candle_nn::ops::softmax(&logits, D::Minus1)?.to_dtype(DType::F32)?;
        let rows: Vec<Vec<f32>> = probs.to_vec2()?;
        Ok(rows
            .into_iter()
            .map(|r| {
                r.iter().enumerate().fold(
                    (0usize, f32::MIN),
                    |a, (i, p)| if *p > a.1 { (i, *p) } else { a },
                )
            })
            .collect())
    }
}

/// The device models run on: the CPU (no GPU features are compiled in).
pub fn device() -> Device {
    Device::Cpu
}
