//! Training the tagger (`fincase train tagger`) on generated filings of every template family
//! except those the recipe holds out ([`Recipe::held_out`], by default [`Family::HELD_OUT`]),
//! with augmentation, and scoring it per family. `held_out: ["letter"]` makes a
//! leave-one-family-out run (one model per family, scored on the family it never saw).
//!
//! Augmentation, so that the model learns contexts rather than strings: the digits inside
//! amount and date spans are redrawn (the values change, the forms stay), full-width and
//! half-width punctuation are swapped, characters outside spans are replaced at random (1 %),
//! and line breaks are dropped or added. Windows of the texts are drawn at random positions.

use super::model::{TaggerConfig, TaggerNet, device};
use super::vocab::CharVocab;
use super::{Tagger, TaggerError};
use crate::fixtures::styles::{ENTITIES, Family, FamilyFiling, compose_family};
use candle_core::{DType, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW, VarBuilder, VarMap};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The training recipe (written to `metrics.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    /// Seed of the generated training filings (the held-out ones use another).
    pub data_seed: u64,
    /// Filings per training family.
    pub per_family: usize,
    /// Optimiser steps.
    pub steps: usize,
    /// Windows per step.
    pub batch: usize,
    /// Chars per window.
    pub window: usize,
    /// Peak learning rate (AdamW, linear decay to 10 % over `steps` or `max_seconds`,
    /// whichever ends first).
    pub lr: f64,
    /// Embedding width.
    pub embed: usize,
    /// Channels.
    pub channels: usize,
    /// Dilations of the blocks.
    pub dilations: Vec<usize>,
    /// Stop early after this many seconds.
    pub max_seconds: u64,
    /// Seed of initialisation and sampling.
    pub seed: u64,
    /// Families (schema names) left out of training: by default [`Family::HELD_OUT`]; `["letter"]`
    /// for a leave-one-family-out run; empty: train on every family.
    #[serde(default = "default_held_out")]
    pub held_out: Vec<String>,
}

fn default_held_out() -> Vec<String> {
    Family::HELD_OUT
        .iter()
        .map(|f| f.as_str().to_owned())
        .collect()
}

impl Recipe {
    /// The families this recipe trains on.
    pub fn train_families(&self) -> Vec<Family> {
        Family::ALL
            .into_iter()
            .filter(|f| !self.held_out.iter().any(|h| h == f.as_str()))
            .collect()
    }
}

impl Default for Recipe {
    fn default() -> Recipe {
        Recipe {
            data_seed: 9001,
            per_family: 300,
            steps: 560,
            batch: 12,
            window: 256,
            lr: 5e-3,
            embed: 48,
            channels: 64,
            dilations: vec![1, 2, 4, 8, 16, 32, 1, 2, 4],
            max_seconds: 540,
            seed: 7,
            held_out: default_held_out(),
        }
    }
}

/// The BIO labels: `O`, then `B-x`, `I-x` for every entity.
pub fn labels() -> Vec<String> {
    let mut v = vec!["O".to_owned()];
    for e in ENTITIES {
        v.push(format!("B-{e}"));
        v.push(format!("I-{e}"));
    }
    v
}

/// Per-char label ids of a family filing.
pub fn char_labels(f: &FamilyFiling) -> (Vec<char>, Vec<u32>) {
    let chars: Vec<char> = f.text.chars().collect();
    let mut y = vec![0u32; chars.len()];
    for s in &f.spans {
        let k = ENTITIES.iter().position(|e| *e == s.label).unwrap_or(0) as u32;
        for (j, slot) in y
            .iter_mut()
            .enumerate()
            .take(s.end.min(chars.len()))
            .skip(s.start)
        {
            *slot = if j == s.start { 1 + 2 * k } else { 2 + 2 * k };
        }
    }
    (chars, y)
}

/// SplitMix64, for sampling and augmentation.
struct Mix(u64);
impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
}

fn is_value_label(y: u32) -> bool {
    // amounts and dates: entities from loan_amount on, except rate.
    let k = (y.saturating_sub(1)) / 2;
    let name = ENTITIES.get(k as usize).copied().unwrap_or("");
    y > 0 && name != "rate" && ENTITIES.iter().position(|e| *e == "loan_amount") <= Some(k as usize)
}

/// One augmented window.
fn augment(chars: &[char], y: &[u32], rng: &mut Mix, pool: &[char]) -> (Vec<char>, Vec<u32>) {
    let swap_punct = rng.chance(300);
    let mut oc = Vec::with_capacity(chars.len());
    let mut oy = Vec::with_capacity(chars.len());
    for (c, l) in chars.iter().zip(y) {
        let mut c = *c;
        if *l > 0 && c.is_ascii_digit() && is_value_label(*l) && rng.chance(300) {
            c = char::from(b'0' + rng.below(10) as u8);
        } else if *l == 0 {
            if c == '\n' && rng.chance(100) {
                continue;
            }
            if rng.chance(10) && !pool.is_empty() {
                c = pool[rng.below(pool.len())];
            }
        }
        if swap_punct {
            c = match c {
                '，' => ',',
                '：' => ':',
                '（' => '(',
                '）' => ')',
                '；' => ';',
                o => o,
            };
        }
        oc.push(c);
        oy.push(*l);
        if *l == 0 && c == '。' && rng.chance(50) {
            oc.push('\n');
            oy.push(0);
        }
    }
    (oc, oy)
}

/// What training reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainReport {
    /// The recipe.
    pub recipe: Recipe,
    /// Steps run.
    pub steps_run: usize,
    /// Seconds spent training.
    pub seconds: f64,
    /// Training loss over the last 50 steps.
    pub final_loss: f32,
    /// Parameters.
    pub parameters: usize,
    /// Char-level span F1 per family (exact span and label) on filings of another seed; a
    /// family counts as held out only when it is in `recipe.held_out`.
    pub held_out_span_f1: Vec<(String, f64)>,
}

/// Span F1 (exact start, end and label) of `tagger` on `n` filings of `family`.
pub fn span_f1(tagger: &Tagger, family: Family, seed: u64, n: usize) -> f64 {
    let (mut tp, mut np, mut ng) = (0usize, 0usize, 0usize);
    for i in 0..n {
        let f = compose_family(seed, i, family);
        let pred = tagger.tag(&f.text);
        ng += f.spans.len();
        np += pred.len();
        tp += pred
            .iter()
            .filter(|p| {
                f.spans
                    .iter()
                    .any(|g| g.start == p.start && g.end == p.end && g.label == p.label)
            })
            .count();
    }
    if np + ng == 0 {
        return 0.0;
    }
    2.0 * tp as f64 / (np + ng) as f64
}

/// What [`fit`] reports.
#[derive(Debug, Clone)]
pub struct FitStats {
    /// Steps run.
    pub steps_run: usize,
    /// Loss of every step.
    pub losses: Vec<f32>,
    /// Per-char accuracy (padding excluded) over the last 50 steps' batches.
    pub accuracy: f64,
}

/// Trains `net` (whose variables are `varmap`'s) on labelled documents `docs` (chars and
/// per-char label ids) with AdamW: windows of `recipe.window` chars drawn at random,
/// augmented (`augment`, unless `pool` is empty), padding masked out of the loss (the loss
/// is the mean over real chars only). Stops after `recipe.steps` or `recipe.max_seconds`
/// counted from `t0`.
#[allow(clippy::too_many_arguments)]
pub fn fit(
    net: &TaggerNet,
    varmap: &VarMap,
    vocab: &CharVocab,
    docs: &[(Vec<char>, Vec<u32>)],
    recipe: &Recipe,
    pool: &[char],
    t0: std::time::Instant,
    progress: &mut impl FnMut(&str),
) -> Result<FitStats, TaggerError> {
    let dev = device();
    let n_labels = labels().len();
    let vars: Vec<Var> = varmap.all_vars();
    let mut opt = AdamW::new(
        vars,
        ParamsAdamW {
            lr: recipe.lr,
            weight_decay: 1e-4,
            ..Default::default()
        },
    )?;
    let mut rng = Mix(recipe.seed ^ 0xA5A5);
    let (b, t) = (recipe.batch, recipe.window);
    let mut losses: Vec<f32> = Vec::new();
    let mut hits: Vec<(usize, usize)> = Vec::new();
    let mut steps_run = 0;
    if docs.is_empty() {
        return Ok(FitStats {
            steps_run,
            losses,
            accuracy: 0.0,
        });
    }
    for step in 0..recipe.steps {
        if t0.elapsed().as_secs() > recipe.max_seconds {
            break;
        }
        // Linear decay over the steps or the time budget, whichever runs out first, so that a
        // run stopped by `max_seconds` still ends at the low learning rate.
        let frac = (step as f64 / recipe.steps.max(1) as f64)
            .max(t0.elapsed().as_secs_f64() / recipe.max_seconds.max(1) as f64)
            .min(1.0);
        opt.set_learning_rate(recipe.lr * (1.0 - 0.9 * frac));
        let mut ids = Vec::with_capacity(b * t);
        let mut ys = Vec::with_capacity(b * t);
        let mut mask = Vec::with_capacity(b * t);
        for _ in 0..b {
            let (c, y) = &docs[rng.below(docs.len())];
            let start = rng.below(c.len().saturating_sub(t / 2).max(1));
            let end = (start + t + 16).min(c.len());
            let (ac, ay) = if pool.is_empty() {
                (c[start..end].to_vec(), y[start..end].to_vec())
            } else {
                augment(&c[start..end], &y[start..end], &mut rng, pool)
            };
            let s: String = ac.iter().take(t).collect();
            let mut e = vocab.encode(&s);
            let mut yy: Vec<u32> = ay.iter().take(t).copied().collect();
            let n = e.len();
            e.resize(t, super::vocab::PAD);
            yy.resize(t, 0);
            ids.extend(e);
            ys.extend(yy);
            mask.extend((0..t).map(|i| if i < n { 1f32 } else { 0.0 }));
        }
        let x = Tensor::from_vec(ids, (b, t), &dev)?;
        let yt = Tensor::from_vec(ys.clone(), (b * t, 1), &dev)?;
        let mt = Tensor::from_vec(mask.clone(), b * t, &dev)?;
        let logits = net.forward(&x)?.reshape((b * t, n_labels))?;
        // Padding is labelled O and weighted 0 through the mask.
        let lsm = candle_nn::ops::log_softmax(&logits, 1)?;
        let onehot = Tensor::zeros((b * t, n_labels), DType::F32, &dev)?.scatter_add(
            &yt,
            &Tensor::ones((b * t, 1), DType::F32, &dev)?,
            1,
        )?;
        let picked = (&lsm * onehot)?.sum(1)?;
        let count = mt.sum_all()?.to_scalar::<f32>()?.max(1.0);
        let loss = ((picked * &mt)?.sum_all()? / f64::from(-count))?;
        opt.backward_step(&loss)?;
        losses.push(loss.to_scalar::<f32>()?);
        let arg: Vec<u32> = lsm.argmax(1)?.to_vec1()?;
        let real = mask.iter().filter(|m| **m > 0.0).count();
        let ok = arg
            .iter()
            .zip(&ys)
            .zip(&mask)
            .filter(|((p, g), m)| **m > 0.0 && p == g)
            .count();
        hits.push((ok, real));
        steps_run = step + 1;
        if step % 100 == 0 {
            progress(&format!(
                "step {step}: loss {:.4}, char accuracy {:.4} ({:.0} s)",
                mean_tail(&losses),
                accuracy_tail(&hits),
                t0.elapsed().as_secs_f64()
            ));
        }
    }
    Ok(FitStats {
        steps_run,
        accuracy: accuracy_tail(&hits),
        losses,
    })
}

fn mean_tail(losses: &[f32]) -> f32 {
    let recent = &losses[losses.len().saturating_sub(50)..];
    recent.iter().sum::<f32>() / recent.len().max(1) as f32
}

fn accuracy_tail(hits: &[(usize, usize)]) -> f64 {
    let recent = &hits[hits.len().saturating_sub(50)..];
    let (ok, n) = recent.iter().fold((0, 0), |a, (o, r)| (a.0 + o, a.1 + r));
    ok as f64 / n.max(1) as f64
}

/// Trains a tagger and writes `config.json`, `tokenizer.json`, `model.safetensors` and
/// `metrics.json` under `out`. `progress` receives a line every 100 steps.
pub fn train_and_write(
    out: &Path,
    recipe: &Recipe,
    mut progress: impl FnMut(&str),
) -> Result<TrainReport, TaggerError> {
    let t0 = std::time::Instant::now();
    let docs: Vec<(Vec<char>, Vec<u32>)> = {
        use rayon::prelude::*;
        recipe
            .train_families()
            .into_iter()
            .flat_map(|f| (0..recipe.per_family).map(move |i| (f, i)))
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(f, i)| char_labels(&compose_family(recipe.data_seed, i, f)))
            .collect()
    };
    let texts: Vec<String> = docs.iter().map(|d| d.0.iter().collect()).collect();
    let vocab = CharVocab::build(texts.iter().map(String::as_str), 2);
    let pool: Vec<char> = texts
        .first()
        .map(|t| t.chars().filter(|c| !c.is_ascii()).collect())
        .unwrap_or_default();
    let labels = labels();
    let cfg = TaggerConfig {
        name: "tagger".into(),
        version: 2,
        vocab_size: vocab.size(),
        embed: recipe.embed,
        channels: recipe.channels,
        dilations: recipe.dilations.clone(),
        labels: labels.clone(),
    };
    let dev = device();
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
    let net = TaggerNet::new(vb, &cfg)?;
    let parameters: usize = varmap.all_vars().iter().map(|v| v.elem_count()).sum();
    let stats = fit(
        &net,
        &varmap,
        &vocab,
        &docs,
        recipe,
        &pool,
        t0,
        &mut progress,
    )?;
    let (steps_run, losses) = (stats.steps_run, stats.losses);
    let seconds = t0.elapsed().as_secs_f64();
    std::fs::create_dir_all(out).map_err(|source| TaggerError::Io {
        path: out.to_owned(),
        source,
    })?;
    let write = |name: &str, text: &str| {
        let p = out.join(name);
        std::fs::write(&p, text).map_err(|source| TaggerError::Io { path: p, source })
    };
    let json = |e: serde_json::Error| TaggerError::Format {
        path: out.to_owned(),
        reason: e.to_string(),
    };
    write(
        "config.json",
        &serde_json::to_string_pretty(&cfg).map_err(json)?,
    )?;
    write("tokenizer.json", &vocab.to_tokenizer_json().map_err(json)?)?;
    varmap.save(out.join("model.safetensors"))?;
    let tagger = Tagger::from_parts(cfg, vocab, net);
    let held_out_span_f1 = Family::ALL
        .iter()
        .map(|f| (f.as_str().to_owned(), span_f1(&tagger, *f, 4242, 40)))
        .collect();
    let report = TrainReport {
        recipe: recipe.clone(),
        steps_run,
        seconds,
        final_loss: mean_tail(&losses),
        parameters,
        held_out_span_f1,
    };
    write(
        "metrics.json",
        &serde_json::to_string_pretty(&report).map_err(json)?,
    )?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny model (random weights, fixed seed) trains a few steps, saves and loads back to
    /// the same predictions.
    #[test]
    fn tiny_model_trains_saves_and_loads() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let r = Recipe {
            per_family: 4,
            steps: 3,
            batch: 2,
            window: 64,
            embed: 8,
            channels: 8,
            dilations: vec![1, 2],
            ..Recipe::default()
        };
        let rep = train_and_write(dir.path(), &r, |_| {}).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rep.steps_run, 3);
        assert!(rep.final_loss.is_finite());
        let t = Tagger::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let f = compose_family(1, 0, Family::Terse);
        let a = t.tag(&f.text);
        let b = Tagger::load(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .tag(&f.text);
        assert_eq!(a, b);
        assert_eq!(t.config.labels.len(), 1 + 2 * ENTITIES.len());
    }
}
