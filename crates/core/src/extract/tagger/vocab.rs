//! The tagger's vocabulary: one id per character, written as a Hugging Face `tokenizer.json`
//! (a `WordLevel` model over single characters, split by a one-character regex), so other tools
//! can read it.
//!
//! Why not the `tokenizers` crate: a character vocabulary needs a map and two lines of code,
//! while `tokenizers` (even with default features off) brings its own regex engine, rayon
//! wrappers, unicode normalisation tables and a dozen more crates into the build for nothing we
//! use. The file format is the same, so a later switch costs nothing.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Id of padding.
pub const PAD: u32 = 0;
/// Id of a character not in the vocabulary.
pub const UNK: u32 = 1;

/// A character vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct CharVocab {
    ids: BTreeMap<char, u32>,
}

/// Folds a character the way the tagger sees it: full-width ASCII to half-width, every
/// whitespace to a space (tabs and line breaks are kept: they mark table cells and lines).
pub fn fold(c: char) -> char {
    match c {
        '\n' | '\t' => c,
        c if c.is_whitespace() => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

impl CharVocab {
    /// A vocabulary of the characters seen at least `min_count` times in `texts`.
    pub fn build<'a>(texts: impl IntoIterator<Item = &'a str>, min_count: usize) -> CharVocab {
        let mut counts: BTreeMap<char, usize> = BTreeMap::new();
        for t in texts {
            for c in t.chars() {
                *counts.entry(fold(c)).or_default() += 1;
            }
        }
        let mut ids = BTreeMap::new();
        let mut next = 2u32;
        for (c, n) in counts {
            if n >= min_count {
                ids.insert(c, next);
                next += 1;
            }
        }
        CharVocab { ids }
    }

    /// Rows of the embedding (ids are `0..size`).
    pub fn size(&self) -> usize {
        self.ids.len() + 2
    }

    /// The ids of `text`, one per char.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        text.chars()
            .map(|c| self.ids.get(&fold(c)).copied().unwrap_or(UNK))
            .collect()
    }

    /// The `tokenizer.json` text.
    pub fn to_tokenizer_json(&self) -> Result<String, serde_json::Error> {
        let mut vocab: BTreeMap<String, u32> = BTreeMap::new();
        vocab.insert("[PAD]".into(), PAD);
        vocab.insert("[UNK]".into(), UNK);
        for (c, id) in &self.ids {
            vocab.insert(c.to_string(), *id);
        }
        let t = TokenizerJson {
            version: "1.0".into(),
            added_tokens: vec![
                AddedToken::special(PAD, "[PAD]"),
                AddedToken::special(UNK, "[UNK]"),
            ],
            normalizer: None,
            pre_tokenizer: serde_json::json!({
                "type": "Split",
                "pattern": {"Regex": "(?s)."},
                "behavior": "Isolated",
                "invert": false
            }),
            model: WordLevel {
                kind: "WordLevel".into(),
                vocab,
                unk_token: "[UNK]".into(),
            },
        };
        serde_json::to_string(&t)
    }

    /// Reads a `tokenizer.json` written by [`CharVocab::to_tokenizer_json`].
    pub fn from_tokenizer_json(text: &str) -> Result<CharVocab, String> {
        let t: TokenizerJson = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if t.model.kind != "WordLevel" {
            return Err(format!("model type {} is not WordLevel", t.model.kind));
        }
        let mut ids = BTreeMap::new();
        for (tok, id) in t.model.vocab {
            let mut cs = tok.chars();
            if let (Some(c), None) = (cs.next(), cs.next())
                && id > UNK
            {
                ids.insert(c, id);
            }
        }
        Ok(CharVocab { ids })
    }
}

#[derive(Serialize, Deserialize)]
struct TokenizerJson {
    version: String,
    added_tokens: Vec<AddedToken>,
    normalizer: Option<serde_json::Value>,
    pre_tokenizer: serde_json::Value,
    model: WordLevel,
}

#[derive(Serialize, Deserialize)]
struct AddedToken {
    id: u32,
    content: String,
    single_word: bool,
    lstrip: bool,
    rstrip: bool,
    normalized: bool,
    special: bool,
}

impl AddedToken {
    fn special(id: u32, content: &str) -> AddedToken {
        AddedToken {
            id,
            content: content.into(),
            single_word: false,
            lstrip: false,
            rstrip: false,
            normalized: false,
            special: true,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct WordLevel {
    #[serde(rename = "type")]
    kind: String,
    vocab: BTreeMap<String, u32>,
    unk_token: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_json_round_trips_and_folds_width() {
        let v = CharVocab::build(["借款10万元，\t利息", "借款"], 1);
        let back = CharVocab::from_tokenizer_json(&v.to_tokenizer_json().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, v);
        assert_eq!(v.encode("１０"), v.encode("10"));
        assert_eq!(v.encode("鑫")[0], UNK);
        assert!(v.encode("借款").iter().all(|i| *i > UNK));
    }
}
