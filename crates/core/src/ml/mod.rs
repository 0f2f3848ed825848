//! Small text models trained on real, labelled judgments (candle, CPU only): loan element labels
//! (CAIL2019 LN1–LN20, per sentence) and the dispute focus (争议焦点, LawBench 2-2's classes).
//!
//! Owns feature extraction ([`features`]), the network and its training loop ([`model`]), the
//! research-set readers and fixed splits ([`data`]), the scores ([`metrics`]), the two tasks'
//! train/eval recipes ([`elements`], [`focus`]) and the start-up loading of the committed models
//! under `models/` ([`Models`]) with their use on a filing ([`annotate`], [`merge_dispute_points`]).
//! Models that read token ids (the pretrained encoder [`e5`], the extraction tagger) tokenize
//! through the Hugging Face `tokenizers` crate from a `tokenizer.json` ([`crate::tokenizer`]).
//!
//! Invariants: nothing is downloaded; a missing or broken `models/` folder makes the models
//! *unavailable* (said in the filing's output), never a failed filing; inference is
//! deterministic; the rules engine never calls this module (the pipeline merges the two, and the
//! rules' points win wherever they cover the same topic).

pub mod data;
pub mod e5;
pub mod e5ft;
pub mod elements;
pub mod features;
pub mod focus;
pub mod metrics;
pub mod model;
pub mod outcome;

use features::{Bag, Vocab};
use model::BagModel;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::rules::outcome::DisputePoint;

/// Errors of training, evaluation and model loading.
#[derive(Debug, thiserror::Error)]
pub enum MlError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A JSON file of a model is malformed.
    #[error("model JSON: {0}")]
    Json(serde_json::Error),
    /// A research data file is not in the expected form.
    #[error("data: {0}")]
    Data(String),
    /// A weight tensor is missing or has the wrong shape.
    #[error("model weights: {0}")]
    Shape(String),
    /// candle failed.
    #[error("tensor: {0}")]
    Tensor(#[from] candle_core::Error),
}

impl MlError {
    fn io(path: &Path, source: std::io::Error) -> MlError {
        MlError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), MlError> {
    std::fs::write(path, text).map_err(|e| MlError::io(path, e))
}

fn write_vocab(dir: &Path, vocab: &Vocab) -> Result<(), MlError> {
    let json = serde_json::to_string(vocab).map_err(MlError::Json)?;
    write_file(&dir.join("vocab.json"), &(json + "\n"))
}

fn read_vocab(dir: &Path) -> Result<Vocab, MlError> {
    let p = dir.join("vocab.json");
    let text = std::fs::read_to_string(&p).map_err(|e| MlError::io(&p, e))?;
    let mut v: Vocab = serde_json::from_str(&text).map_err(MlError::Json)?;
    v.reindex();
    Ok(v)
}

/// Sizes and hashes of a model folder's files, for the model card.
#[derive(Debug, Clone)]
pub struct ModelFiles(Vec<(String, u64, String)>);

impl ModelFiles {
    /// `config.json`, `vocab.json` and `weights.safetensors` of `dir`.
    pub fn of(dir: &Path) -> Result<ModelFiles, MlError> {
        let mut v = Vec::new();
        for f in ["config.json", "vocab.json", "weights.safetensors"] {
            let p = dir.join(f);
            let bytes = std::fs::read(&p).map_err(|e| MlError::io(&p, e))?;
            v.push((
                f.to_owned(),
                bytes.len() as u64,
                crate::domain::sha256_hex(&bytes),
            ));
        }
        Ok(ModelFiles(v))
    }

    /// A Markdown table: file, bytes, sha256.
    pub fn table(&self) -> String {
        let mut s = String::from("| file | bytes | sha256 |\n|---|---|---|\n");
        for (f, n, h) in &self.0 {
            s.push_str(&format!("| {f} | {n} | {h} |\n"));
        }
        s
    }
}

/// A model with its vocabulary and identity.
pub struct Loaded {
    /// The network.
    pub model: BagModel,
    /// Its n-gram vocabulary.
    pub vocab: Vocab,
    /// `name vN sha256:<first 12 hex of the weights>`: which model produced a label.
    pub id: String,
}

impl Loaded {
    /// Loads one model folder (`config.json`, `vocab.json`, `weights.safetensors`).
    pub fn load(dir: &Path) -> Result<Loaded, MlError> {
        let model = BagModel::load(dir)?;
        let vocab = read_vocab(dir)?;
        if vocab.rows() != model.config.vocab_rows {
            return Err(MlError::Shape(format!(
                "{}: vocab.json has {} rows, the weights {}",
                dir.display(),
                vocab.rows(),
                model.config.vocab_rows
            )));
        }
        let p = dir.join("weights.safetensors");
        let bytes = std::fs::read(&p).map_err(|e| MlError::io(&p, e))?;
        let id = format!(
            "{} v{} sha256:{}",
            model.config.name,
            model.config.version,
            &crate::domain::sha256_hex(&bytes)[..12]
        );
        Ok(Loaded { model, vocab, id })
    }

    /// Probabilities of each text.
    pub fn probabilities(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, MlError> {
        let bags: Vec<Bag> = texts.iter().map(|t| self.vocab.bag(t)).collect();
        let refs: Vec<&Bag> = bags.iter().collect();
        self.model.probabilities(&refs)
    }
}

/// The committed models, loaded once at start-up.
pub struct Models {
    /// Sentence-level loan elements.
    pub elements: Loaded,
    /// Dispute focus of a case.
    pub focus: Loaded,
    /// The element model that also reads the pretrained encoder, with the encoder: loaded
    /// only by [`Models::load_with_e5`] when `scripts/install-e5.sh` has installed
    /// `e5/e5-small-q4.bin`; it then labels the elements instead of `elements`.
    pub elements_e5: Option<(Loaded, e5::E5)>,
    /// The fine-tuned encoder (`loan-elements-e5ft`, [`e5ft`]), loaded only by
    /// [`Models::load_with_e5ft`] (`FINCASE_E5=ft`); it then labels the elements instead of
    /// the others. Not the default with the encoder: it scores below `loan-elements-e5` on
    /// the test documents (see its card) and serves as the distillation teacher.
    pub elements_ft: Option<e5ft::FineTuned>,
    /// The outcome model (`outcome/outcome.json`), when that folder is there; a broken file is
    /// an error.
    pub outcome: Option<outcome::OutcomeModel>,
}

/// Environment variable that makes [`Models::shared`] use the pretrained encoder when it is
/// installed (`FINCASE_E5=1`: `loan-elements-e5`; `FINCASE_E5=ft`: the fine-tuned
/// `loan-elements-e5ft`). Off by default: the encoder costs ~0.1 s per sentence on 2
/// cores, which the batch path (≥ 50 filings/s) cannot afford.
pub const E5_ENV: &str = "FINCASE_E5";

impl Models {
    /// Loads `dir/loan-elements` and `dir/dispute-focus` (the committed small models).
    pub fn load(dir: &Path) -> Result<Models, MlError> {
        Ok(Models {
            elements: Loaded::load(&dir.join(elements::NAME))?,
            focus: Loaded::load(&dir.join(focus::NAME))?,
            elements_e5: None,
            elements_ft: None,
            outcome: if dir.join("outcome").join("outcome.json").exists() {
                Some(outcome::OutcomeModel::load(&dir.join("outcome"))?)
            } else {
                None
            },
        })
    }

    /// [`Models::load`], plus `dir/loan-elements-e5` with the encoder `dir/e5/e5-small-q4.bin`
    /// when both are there (a broken encoder file is an error; a missing one is not).
    pub fn load_with_e5(dir: &Path) -> Result<Models, MlError> {
        let mut m = Models::load(dir)?;
        if let Some(p) = e5::E5::path_in(dir)
            && dir.join(elements::NAME_E5).is_dir()
        {
            m.elements_e5 = Some((
                Loaded::load(&dir.join(elements::NAME_E5))?,
                e5::E5::load(&p)?,
            ));
        }
        Ok(m)
    }

    /// [`Models::load`], plus `dir/loan-elements-e5ft` over the encoder
    /// `dir/e5/e5-small-q4.bin`; an error when either is missing (it was asked for).
    pub fn load_with_e5ft(dir: &Path) -> Result<Models, MlError> {
        let mut m = Models::load(dir)?;
        let p = e5::E5::path_in(dir).ok_or_else(|| {
            MlError::Data(format!(
                "{} is not installed (run scripts/install-e5.sh)",
                dir.join(e5::FILE).display()
            ))
        })?;
        m.elements_ft = Some(e5ft::FineTuned::load(&dir.join(e5ft::NAME), &p)?);
        Ok(m)
    }

    /// The element model that labels a filing, with the encoder it reads (if any).
    pub fn element_model(&self) -> (&Loaded, Option<&e5::E5>) {
        match &self.elements_e5 {
            Some((m, e)) => (m, Some(e)),
            None => (&self.elements, None),
        }
    }

    /// The folder the process loads from: `$FINCASE_MODELS`, else `./models` when it exists,
    /// else the `models/` folder of the source tree the binary was built from.
    pub fn default_dir() -> PathBuf {
        if let Some(d) = std::env::var_os("FINCASE_MODELS") {
            return PathBuf::from(d);
        }
        let local = PathBuf::from("models");
        if local.join(elements::NAME).is_dir() {
            return local;
        }
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models")
    }

    /// The process-wide models, loaded on first use from [`Models::default_dir`] (with the
    /// encoder when [`E5_ENV`] is `1`); the error says why they are unavailable.
    pub fn shared() -> Result<&'static Models, &'static str> {
        static MODELS: OnceLock<Result<Models, String>> = OnceLock::new();
        MODELS
            .get_or_init(|| {
                let dir = Models::default_dir();
                match std::env::var(E5_ENV).as_deref() {
                    Ok("1") => Models::load_with_e5(&dir),
                    Ok("ft") => Models::load_with_e5ft(&dir),
                    _ => Models::load(&dir),
                }
                .map_err(|e| format!("model unavailable ({}): {e}", dir.display()))
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

/// One element label found in a filing: the best-scoring sentence for that label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementHit {
    /// `LN7`.
    pub code: String,
    /// `连带保证`.
    pub name: String,
    /// The highest probability over the sentences.
    pub score: f32,
    /// The label's decision threshold.
    pub threshold: f32,
    /// The sentence that scored it (the filing's own text).
    pub sentence: String,
}

/// One candidate dispute focus with its probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FocusCandidate {
    /// LawBench 2-2 class, e.g. `本金争议`.
    pub class: String,
    /// Softmax probability.
    pub score: f32,
}

/// What the models said about one filing, or why they said nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilingAnnotations {
    /// `None` when the models ran; otherwise why not (e.g. `model unavailable …`).
    pub unavailable: Option<String>,
    /// Which element model produced `elements`.
    pub elements_model: Option<String>,
    /// Which focus model produced `focus`.
    pub focus_model: Option<String>,
    /// Sentences read.
    pub sentences: usize,
    /// Element labels at or above their threshold, by code order.
    pub elements: Vec<ElementHit>,
    /// The three most probable focus classes, most probable first.
    pub focus: Vec<FocusCandidate>,
    /// Whether the text holds a defence (辩称, 答辩, 抗辩): only then can the focus class
    /// become a dispute point.
    pub has_defence: bool,
}

impl FilingAnnotations {
    /// Annotations that say why there are none.
    pub fn unavailable(reason: &str) -> FilingAnnotations {
        FilingAnnotations {
            unavailable: Some(reason.to_owned()),
            elements_model: None,
            focus_model: None,
            sentences: 0,
            elements: Vec::new(),
            focus: Vec::new(),
            has_defence: false,
        }
    }
}

/// Runs both models over a filing's complaint text (its sentences for the elements, the whole
/// text for the focus). Never fails: a model error becomes `unavailable`.
pub fn annotate(models: &Models, text: &str) -> FilingAnnotations {
    match annotate_inner(models, text) {
        Ok(a) => a,
        Err(e) => FilingAnnotations::unavailable(&format!("model error: {e}")),
    }
}

/// The complaint of a filing as running text: its pages up to and including the one that
/// closes the complaint (`此致`), the first page when none does; PDF line breaks removed (they
/// wrap lines mid-sentence), page breaks kept as sentence ends.
pub fn complaint_text(doc: &crate::domain::DocumentText) -> String {
    let mut out = String::new();
    for p in &doc.pages {
        if !out.is_empty() {
            out.push('\n');
        }
        out.extend(p.text.chars().filter(|c| *c != '\n' && *c != '\t'));
        if p.text.contains("此致") {
            return out;
        }
    }
    match doc.pages.first() {
        Some(p) => p
            .text
            .chars()
            .filter(|c| *c != '\n' && *c != '\t')
            .collect(),
        None => out,
    }
}

/// [`annotate`] with the process-wide models ([`Models::shared`]), or annotations saying they
/// are unavailable.
pub fn annotate_shared(text: &str) -> FilingAnnotations {
    match Models::shared() {
        Ok(m) => annotate(m, text),
        Err(why) => FilingAnnotations::unavailable(why),
    }
}

/// The outcome model's assessment of a case with the process-wide models; `None` when they or
/// the outcome model are unavailable (the suggestion then stands on the rules alone).
pub fn assess_shared(
    text: &outcome::CaseText<'_>,
    facts: &crate::domain::CaseFacts,
    rules_outcome: &crate::rules::Outcome,
) -> Option<crate::rules::Assessment> {
    let m = Models::shared().ok()?.outcome.as_ref()?;
    Some(outcome::assess(m, text, facts, rules_outcome, None).0)
}

fn annotate_inner(models: &Models, text: &str) -> Result<FilingAnnotations, MlError> {
    let sentences = features::sentences(text);
    let (em, encoder) = models.element_model();
    let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let probs = if sentences.is_empty() {
        Vec::new()
    } else if let Some(ft) = &models.elements_ft {
        ft.probabilities(&refs)?
    } else {
        let mut bags = elements::document_bags(&em.vocab, &sentences);
        if let Some(e5) = encoder {
            for (b, e) in bags.iter_mut().zip(e5.embed(&refs)?) {
                em.vocab.append_dense(b, &e);
            }
        }
        let refs: Vec<&Bag> = bags.iter().collect();
        em.model.probabilities(&refs)?
    };
    let (labels, label_names, thresholds, elements_id) = match &models.elements_ft {
        Some(ft) => (
            &ft.config.labels,
            &ft.config.label_names,
            &ft.config.thresholds,
            ft.id.clone(),
        ),
        None => (
            &em.model.config.labels,
            &em.model.config.label_names,
            &em.model.config.thresholds,
            match encoder {
                Some(e5) => format!("{} + {}", em.id, e5.id),
                None => em.id.clone(),
            },
        ),
    };
    let mut elements = Vec::new();
    for (k, code) in labels.iter().enumerate() {
        let best = probs
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.get(k).copied().unwrap_or(0.0)))
            .fold(None, |b: Option<(usize, f32)>, x| match b {
                Some(b) if b.1 >= x.1 => Some(b),
                _ => Some(x),
            });
        let threshold = thresholds.get(k).copied().unwrap_or(0.5);
        if let Some((i, score)) = best
            && score >= threshold
        {
            elements.push(ElementHit {
                code: code.clone(),
                name: label_names.get(k).cloned().unwrap_or_default(),
                score,
                threshold,
                sentence: sentences[i].clone(),
            });
        }
    }
    let fp = models.focus.probabilities(&[text])?;
    let fcfg = &models.focus.model.config;
    let mut focus: Vec<FocusCandidate> = fp
        .first()
        .map(|p| {
            p.iter()
                .zip(&fcfg.labels)
                .map(|(s, c)| FocusCandidate {
                    class: c.clone(),
                    score: *s,
                })
                .collect()
        })
        .unwrap_or_default();
    focus.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.class.cmp(&b.class))
    });
    focus.truncate(3);
    Ok(FilingAnnotations {
        unavailable: None,
        elements_model: Some(elements_id),
        focus_model: Some(models.focus.id.clone()),
        sentences: sentences.len(),
        elements,
        focus,
        has_defence: DEFENCE_MARKERS.iter().any(|m| text.contains(m)),
    })
}

/// The least focus probability for a model point to enter the outcome.
pub const FOCUS_MIN_SCORE: f32 = 0.5;

/// The least element probability for a model point to enter the outcome (every label at or
/// above its own threshold stays in the annotations; the draft gets only confident ones).
pub const ELEMENT_MIN_SCORE: f32 = 0.95;

/// Words that show the text holds the other side's answer. The focus model learned from claim
/// *and* defence text; on a complaint alone there is no dispute yet, so its class stays a
/// candidate in the annotations and does not enter the outcome.
const DEFENCE_MARKERS: [&str; 3] = ["辩称", "答辩", "抗辩"];

/// Focus classes that can arise in a loan case, with the issue as a draft states it and the
/// words of a rules point that already covers it (rules win there).
const FOCUS_POINTS: [(&str, &str, &[&str]); 8] = [
    ("本金争议", "借款本金的数额", &["本金"]),
    ("利息", "利息的计算", &["利息"]),
    ("诉讼时效", "诉讼时效是否届满", &["诉讼时效"]),
    ("合同效力", "借款合同的效力", &["合同效力", "无效"]),
    ("违约", "被告是否构成违约", &["违约"]),
    ("诉讼主体", "诉讼主体是否适格", &["主体"]),
    ("责任承担", "责任的承担", &["保证", "责任"]),
    ("合同解除", "合同是否解除", &["解除"]),
];

/// Elements that point to an issue the rules cannot see, with the issue and the words of a rules
/// point that covers it.
const ELEMENT_POINTS: [(&str, &str, &[&str]); 7] = [
    ("LN17", "借款是否已按约实际交付", &["交付"]),
    ("LN20", "利率约定是否明确", &["利率"]),
    ("LN12", "担保合同的效力", &["担保合同"]),
    ("LN14", "保证人的保证责任是否免除", &["保证"]),
    ("LN15", "保证人是否承担保证责任", &["保证"]),
    ("LN1", "债权转让是否有效并通知债务人", &["债权转让"]),
    ("LN19", "债务转移是否经债权人同意", &["债务转移"]),
];

/// Adds the model's candidate dispute points to the rules' ones: an element label that signals
/// an issue (e.g. LN17, the loan not delivered as agreed) with probability ≥
/// [`ELEMENT_MIN_SCORE`], and the focus class when the text holds a defence, the class is a loan
/// issue and its probability is ≥ [`FOCUS_MIN_SCORE`]; a candidate whose topic a rules point
/// already covers is dropped (rules win on arithmetic). Each added point's `source` names the
/// model (`model:<name> vN sha256:…`) and its detail says it is for the judge's review.
pub fn merge_dispute_points(points: &mut Vec<DisputePoint>, ann: &FilingAnnotations) {
    let covered = |points: &[DisputePoint], words: &[&str]| {
        points
            .iter()
            .any(|p| words.iter().any(|w| p.title.contains(w)))
    };
    let mut added: Vec<DisputePoint> = Vec::new();
    if let Some(model) = &ann.elements_model {
        for (code, title, words) in ELEMENT_POINTS {
            let Some(hit) = ann
                .elements
                .iter()
                .find(|h| h.code == code && h.score >= ELEMENT_MIN_SCORE)
            else {
                continue;
            };
            if covered(points, words) || added.iter().any(|p| p.title == title) {
                continue;
            }
            added.push(DisputePoint {
                title: title.to_owned(),
                source: format!("model:{model}"),
                detail: format!(
                    "【模型提示，待审查】起诉材料“{}”涉及“{}”（模型置信度{:.2}），请法官结合证据审查",
                    excerpt(&hit.sentence, 40),
                    hit.name,
                    hit.score
                ),
            });
        }
    }
    if let (Some(model), Some(top)) = (&ann.focus_model, ann.focus.first())
        && ann.has_defence
        && top.score >= FOCUS_MIN_SCORE
        && let Some((_, title, words)) = FOCUS_POINTS.iter().find(|f| f.0 == top.class)
        && !covered(points, words)
        && !added.iter().any(|p| p.title == *title)
    {
        added.push(DisputePoint {
            title: (*title).to_owned(),
            source: format!("model:{model}"),
            detail: format!(
                "【模型提示，待审查】争议焦点模型认为本案焦点可能为“{}”（置信度{:.2}），请法官结合答辩意见审查",
                top.class, top.score
            ),
        });
    }
    points.extend(added);
}

fn excerpt(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n).collect::<String>() + "…"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(elements: &[(&str, f32)], focus: (&str, f32)) -> FilingAnnotations {
        FilingAnnotations {
            unavailable: None,
            elements_model: Some("loan-elements v1 sha256:000000000000".into()),
            focus_model: Some("dispute-focus v1 sha256:000000000000".into()),
            sentences: 3,
            elements: elements
                .iter()
                .map(|(c, s)| ElementHit {
                    code: (*c).into(),
                    name: "名称".into(),
                    score: *s,
                    threshold: 0.5,
                    sentence: "被告辩称借款并未实际交付".into(),
                })
                .collect(),
            focus: vec![FocusCandidate {
                class: focus.0.into(),
                score: focus.1,
            }],
            has_defence: true,
        }
    }

    fn rule(title: &str) -> DisputePoint {
        DisputePoint {
            title: title.into(),
            source: "rules".into(),
            detail: String::new(),
        }
    }

    #[test]
    fn model_adds_what_rules_cannot_see() {
        let mut points = vec![rule("利息、罚息及其他费用的计算及是否超过法定上限")];
        merge_dispute_points(&mut points, &ann(&[("LN17", 0.97)], ("合同效力", 0.7)));
        let titles: Vec<&str> = points.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "利息、罚息及其他费用的计算及是否超过法定上限",
                "借款是否已按约实际交付",
                "借款合同的效力"
            ]
        );
        assert!(points[1].source.starts_with("model:loan-elements v1"));
        assert!(points[1].detail.contains("待审查"));
    }

    #[test]
    fn rules_win_on_their_topics_and_weak_focus_is_dropped() {
        let mut points = vec![rule("利息、罚息及其他费用的计算及是否超过法定上限")];
        merge_dispute_points(&mut points, &ann(&[("LN2", 0.9)], ("利息", 0.9)));
        assert_eq!(points.len(), 1);
        merge_dispute_points(&mut points, &ann(&[], ("合同效力", 0.3)));
        assert_eq!(points.len(), 1);
        // A class that is not a loan issue never enters the outcome.
        merge_dispute_points(&mut points, &ann(&[], ("肇事逃逸", 0.99)));
        assert_eq!(points.len(), 1);
        // Neither does a focus read from a complaint with no defence, nor a weak element.
        let mut a = ann(&[("LN17", 0.9)], ("合同效力", 0.9));
        a.has_defence = false;
        merge_dispute_points(&mut points, &a);
        assert_eq!(points.len(), 1);
    }

    #[test]
    fn unavailable_models_add_nothing() {
        let mut points = Vec::new();
        merge_dispute_points(
            &mut points,
            &FilingAnnotations::unavailable("model unavailable"),
        );
        assert!(points.is_empty());
    }
}
