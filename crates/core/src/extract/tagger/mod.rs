//! The character-level sequence tagger: a small candle network ([`model`]) that labels the
//! characters of a filing's text with BIO tags for party names (by role), the court, the
//! contract number, amounts (loan, principal, interest, fees, total), dates (contract,
//! maturity, default, cut-off, filing) and the rate; and the combination of its spans with the
//! rule extractor ([`combine`]).
//!
//! The model only *finds* spans. The normalisers (`amount`, `date`, `rate`) type them, as they
//! do for the rules, and where model and rules disagree the rules' value is kept with a lower
//! confidence and a finding for the judge: a wrong fact stated confidently is the worst outcome.
//!
//! Weights, config and vocabulary live under `models/tagger/` (HF-style layout); [`Tagger::load`]
//! reads them once at start-up ([`global`]); nothing is downloaded. Training
//! (`fincase train tagger`, `fincase_fixtures::tagger_train`) uses only generated filings, with
//! whole template families held out. Must not: do IO outside `load`, or fail on any text.

pub mod cjrc;
pub mod combine;
pub mod model;
pub mod vocab;

use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use model::{TaggerConfig, TaggerNet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use vocab::CharVocab;

/// Why a tagger could not be loaded or trained.
#[derive(Debug, thiserror::Error)]
pub enum TaggerError {
    /// Reading or writing a model file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// A model file is not what the code expects.
    #[error("bad model file {path}: {reason}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// candle reported an error.
    #[error("tensor error: {0}")]
    Candle(#[from] candle_core::Error),
    /// The tokenizer could not turn a text into ids.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
}

/// One labelled span of a text.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedSpan {
    /// First char (inclusive).
    pub start: usize,
    /// Last char (exclusive).
    pub end: usize,
    /// The entity (one of `fixtures::styles::ENTITIES`).
    pub label: String,
    /// The span's text.
    pub text: String,
    /// Mean probability of the span's tags.
    pub score: f32,
}

/// A loaded tagger: config, vocabulary and network.
#[derive(Debug, Clone)]
pub struct Tagger {
    /// The config.
    pub config: TaggerConfig,
    vocab: CharVocab,
    net: TaggerNet,
    device: Device,
}

fn read(path: &Path) -> Result<String, TaggerError> {
    std::fs::read_to_string(path).map_err(|source| TaggerError::Io {
        path: path.to_owned(),
        source,
    })
}

impl Tagger {
    /// Loads `config.json`, `tokenizer.json` and `model.safetensors` from `dir`.
    pub fn load(dir: &Path) -> Result<Tagger, TaggerError> {
        let cpath = dir.join("config.json");
        let config: TaggerConfig =
            serde_json::from_str(&read(&cpath)?).map_err(|e| TaggerError::Format {
                path: cpath.clone(),
                reason: e.to_string(),
            })?;
        let tpath = dir.join("tokenizer.json");
        let vocab = CharVocab::from_tokenizer_json(&read(&tpath)?).map_err(|reason| {
            TaggerError::Format {
                path: tpath.clone(),
                reason,
            }
        })?;
        if vocab.size() != config.vocab_size {
            return Err(TaggerError::Format {
                path: tpath,
                reason: format!("{} ids, config says {}", vocab.size(), config.vocab_size),
            });
        }
        let device = model::device();
        let wpath = dir.join("model.safetensors");
        let tensors = candle_core::safetensors::load(&wpath, &device)?;
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &device);
        let net = TaggerNet::new(vb, &config)?;
        Ok(Tagger {
            config,
            vocab,
            net,
            device,
        })
    }

    /// Builds a tagger from parts (training, tests).
    pub fn from_parts(config: TaggerConfig, vocab: CharVocab, net: TaggerNet) -> Tagger {
        Tagger {
            config,
            vocab,
            net,
            device: model::device(),
        }
    }

    /// The vocabulary.
    pub fn vocab(&self) -> &CharVocab {
        &self.vocab
    }

    /// Labels the chars of `text` and returns its spans. A tokenizer or tensor error (which
    /// would be a bug) yields no spans, never a panic.
    pub fn tag(&self, text: &str) -> Vec<TaggedSpan> {
        let Ok(ids) = self.vocab.encode(text) else {
            return Vec::new();
        };
        let Ok(pred) = self.net.predict(&ids, &self.device) else {
            return Vec::new();
        };
        decode(text, &pred, &self.config.labels)
    }
}

/// BIO tags → spans: a span starts at `B-x`, or at `I-x` after anything but `x`.
pub fn decode(text: &str, pred: &[(usize, f32)], labels: &[String]) -> Vec<TaggedSpan> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<TaggedSpan> = Vec::new();
    let mut cur: Option<(usize, String, f32)> = None;
    let close = |cur: &mut Option<(usize, String, f32)>, end: usize, out: &mut Vec<TaggedSpan>| {
        if let Some((s, l, sum)) = cur.take() {
            let t: String = chars[s..end].iter().collect();
            if !t.trim().is_empty() {
                out.push(TaggedSpan {
                    start: s,
                    end,
                    label: l,
                    text: t,
                    score: sum / (end - s).max(1) as f32,
                });
            }
        }
    };
    for (i, (lab, p)) in pred.iter().enumerate() {
        let name = labels.get(*lab).map_or("O", String::as_str);
        let (bio, ent) = name.split_once('-').unwrap_or(("O", ""));
        match bio {
            "B" => {
                close(&mut cur, i, &mut out);
                cur = Some((i, ent.to_owned(), *p));
            }
            "I" => match &mut cur {
                Some((_, l, sum)) if l == ent => *sum += p,
                _ => {
                    close(&mut cur, i, &mut out);
                    cur = Some((i, ent.to_owned(), *p));
                }
            },
            _ => close(&mut cur, i, &mut out),
        }
    }
    close(&mut cur, pred.len().min(chars.len()), &mut out);
    out
}

/// Where the committed model lives: `$FINCASE_MODELS/tagger` or `models/tagger`.
pub fn default_dir() -> PathBuf {
    std::env::var_os("FINCASE_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("models"))
        .join("tagger")
}

/// The process-wide tagger, loaded on first use from [`default_dir`]; `None` (rules only) when
/// the model files are absent or unreadable.
pub fn global() -> Option<&'static Tagger> {
    static T: OnceLock<Option<Tagger>> = OnceLock::new();
    T.get_or_init(|| {
        let dir = default_dir();
        let dir = if dir.exists() {
            dir
        } else {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/tagger")
        };
        Tagger::load(&dir).ok()
    })
    .as_ref()
}
