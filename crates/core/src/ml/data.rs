//! Readers for the labelled research sets under `../shared/data/` (see each PROVENANCE.md) and the
//! fixed, hash-based splits. Nothing here is committed data: the sets are read at train and eval
//! time only.

use super::MlError;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::Path;

/// The first 8 bytes of SHA-256 of `text`, big-endian: the split key of a document or item.
pub fn hash64(text: &str) -> u64 {
    let d = Sha256::digest(text.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b)
}

/// `hash64(text) % 5`: the fold (0–4) of a document or item.
pub fn fold_of(text: &str) -> usize {
    (hash64(text) % 5) as usize
}

/// One CAIL2019 loan judgment: its sentences and their LN labels.
#[derive(Debug, Clone)]
pub struct ElementDoc {
    /// Sentences in order.
    pub sentences: Vec<String>,
    /// Labels of each sentence (`LN1`…`LN20`).
    pub labels: Vec<Vec<String>>,
}

impl ElementDoc {
    /// The split key: the document's sentences concatenated with no separator.
    pub fn key(&self) -> String {
        self.sentences.concat()
    }
    /// 0 = test, 1 = validation, 2–4 = training (see [`fold_of`]).
    pub fn fold(&self) -> usize {
        fold_of(&self.key())
    }
}

#[derive(Deserialize)]
struct RawSentence {
    sentence: String,
    #[serde(default)]
    labels: Vec<String>,
}

/// Reads `data_small_selected.json` (JSON Lines, one document per line).
pub fn read_elements(path: &Path) -> Result<Vec<ElementDoc>, MlError> {
    let text = std::fs::read_to_string(path).map_err(|e| MlError::io(path, e))?;
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let raw: Vec<RawSentence> = serde_json::from_str(line)
            .map_err(|e| MlError::Data(format!("{} line {}: {e}", path.display(), i + 1)))?;
        docs.push(ElementDoc {
            sentences: raw.iter().map(|r| r.sentence.clone()).collect(),
            labels: raw.into_iter().map(|r| r.labels).collect(),
        });
    }
    Ok(docs)
}

/// One LawBench 2-2 item.
#[derive(Debug, Clone, Deserialize)]
pub struct FocusItem {
    /// The claim and defence text.
    pub question: String,
    /// `争议焦点类别：X。`
    pub answer: String,
}

impl FocusItem {
    /// The class named by the answer.
    pub fn class(&self) -> &str {
        let a = self
            .answer
            .strip_prefix("争议焦点类别：")
            .unwrap_or(&self.answer);
        a.strip_suffix('。').unwrap_or(a)
    }
    /// The text the model reads: the question without its leading `句子:`.
    pub fn text(&self) -> &str {
        self.question
            .strip_prefix("句子:")
            .unwrap_or(&self.question)
    }
}

/// Reads LawBench `2-2.json` (a JSON array).
pub fn read_lawbench(path: &Path) -> Result<Vec<FocusItem>, MlError> {
    let text = std::fs::read_to_string(path).map_err(|e| MlError::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| MlError::Data(format!("{}: {e}", path.display())))
}

/// One CAIL2021 dispute-focus record, reduced to what a court has before deciding.
#[derive(Debug, Clone)]
pub struct Cail2021Record {
    /// `文书ID`.
    pub id: String,
    /// `诉称段` + `辩称段` (never the court's reasoning).
    pub text: String,
    /// The first `争议焦点` code.
    pub code: String,
}

/// Reads `SMP-CAIL2021-focus_recognition-train.json`.
pub fn read_cail2021(path: &Path) -> Result<Vec<Cail2021Record>, MlError> {
    let text = std::fs::read_to_string(path).map_err(|e| MlError::io(path, e))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| MlError::Data(format!("{}: {e}", path.display())))?;
    let set = v
        .get("dataset")
        .and_then(|d| d.as_array())
        .ok_or_else(|| MlError::Data(format!("{}: no \"dataset\" array", path.display())))?;
    let mut out = Vec::new();
    for r in set {
        let s = |k: &str| r.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
        let code = r
            .get("争议焦点")
            .and_then(|x| x.as_array())
            .and_then(|a| a.first())
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_owned();
        if code.is_empty() {
            continue;
        }
        out.push(Cail2021Record {
            id: s("文书ID"),
            text: format!("{}\n{}", s("诉称段"), s("辩称段")),
            code,
        });
    }
    Ok(out)
}

/// Unlabelled real text used only to read the teacher's probabilities (distillation): the
/// sentences of the CJRC contexts, CAIL2021 claims/defences and LawBench 2-2 items, minus any
/// sentence of the CAIL2019 loan documents `docs`. The research sets are read from the data
/// folder that holds `data` (`…/data/cail2019-element-loan/data_small_selected.json`); a set
/// that is absent adds nothing.
pub fn distill_sentences(data: &Path, docs: &[ElementDoc]) -> Result<Vec<String>, MlError> {
    let shared_data = data
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| MlError::Data(format!("{}: no data folder above it", data.display())))?;
    let exclude: HashSet<&str> = docs
        .iter()
        .flat_map(|d| d.sentences.iter().map(String::as_str))
        .collect();
    let mut texts: Vec<String> = Vec::new();
    for f in ["dev_ground_truth.json", "test_ground_truth.json"] {
        let p = shared_data.join("cjrc-cail2019-rc").join(f);
        let Ok(s) = std::fs::read_to_string(&p) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&s) else {
            continue;
        };
        for d in v["data"].as_array().into_iter().flatten() {
            for para in d["paragraphs"].as_array().into_iter().flatten() {
                if let Some(c) = para["context"].as_str() {
                    texts.push(c.to_owned());
                }
            }
        }
    }
    if let Ok(recs) = read_cail2021(
        &shared_data
            .join("cail2021-dispute-focus")
            .join("SMP-CAIL2021-focus_recognition-train.json"),
    ) {
        texts.extend(recs.into_iter().map(|r| r.text));
    }
    if let Ok(items) = read_lawbench(&shared_data.join("lawbench-2-2").join("2-2.json")) {
        texts.extend(items.iter().map(|i| i.text().to_owned()));
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for t in texts {
        for s in super::features::sentences(&t) {
            if s.chars().count() <= 300 && !exclude.contains(s.as_str()) && seen.insert(s.clone()) {
                out.push(s);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stable_hashes() {
        // sha256("abc") = ba7816bf8f01cfea…; 0xba7816bf8f01cfea % 5 = 4.
        assert_eq!(hash64("abc"), 0xba78_16bf_8f01_cfea);
        assert_eq!(fold_of("abc"), 4);
    }

    #[test]
    fn focus_item_class_and_text() {
        let it = FocusItem {
            question: "句子:原告诉称借款未还".into(),
            answer: "争议焦点类别：本金争议。".into(),
        };
        assert_eq!(it.class(), "本金争议");
        assert_eq!(it.text(), "原告诉称借款未还");
    }
}
