//! The tagger's vocabulary: one id per character, kept as a Hugging Face `tokenizer.json` (a
//! `WordLevel` model over single characters, the fold below as normalisers, split by a
//! one-character regex) and applied through the `tokenizers` crate
//! ([`crate::tokenizer::char_level`]), so any tool that reads the file gets the same ids.

use crate::tokenizer::{HfTokenizer, char_level};
use std::collections::BTreeMap;

/// Id of padding.
pub const PAD: u32 = 0;
/// Id of a character not in the vocabulary.
pub const UNK: u32 = 1;
const PAD_TOKEN: &str = "[PAD]";
const UNK_TOKEN: &str = "[UNK]";

/// A character vocabulary.
#[derive(Debug, Clone)]
pub struct CharVocab {
    ids: BTreeMap<char, u32>,
    tokenizer: HfTokenizer,
}

impl PartialEq for CharVocab {
    fn eq(&self, other: &CharVocab) -> bool {
        self.ids == other.ids
    }
}

/// Folds a character the way the tagger sees it: full-width ASCII to half-width, every
/// whitespace to a space (tabs and line breaks are kept: they mark table cells and lines). The
/// `tokenizer.json` normalisers do the same; this is for counting characters when a vocabulary
/// is built.
pub fn fold(c: char) -> char {
    match c {
        '\n' | '\t' => c,
        c if c.is_whitespace() => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

impl CharVocab {
    /// A vocabulary of the characters seen at least `min_count` times in `texts` (ids in
    /// character order from 2; 0 and 1 are padding and unknown).
    pub fn build<'a>(
        texts: impl IntoIterator<Item = &'a str>,
        min_count: usize,
    ) -> Result<CharVocab, String> {
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
        CharVocab::from_ids(ids)
    }

    fn from_ids(ids: BTreeMap<char, u32>) -> Result<CharVocab, String> {
        let mut vocab: BTreeMap<String, u32> = BTreeMap::new();
        vocab.insert(PAD_TOKEN.into(), PAD);
        vocab.insert(UNK_TOKEN.into(), UNK);
        for (c, id) in &ids {
            vocab.insert(c.to_string(), *id);
        }
        let tokenizer = char_level(&vocab, UNK_TOKEN)?;
        Ok(CharVocab { ids, tokenizer })
    }

    /// Rows of the embedding (ids are `0..size`).
    pub fn size(&self) -> usize {
        self.ids.len() + 2
    }

    /// The ids of `text`, exactly one per char (an error otherwise, which would be a bug of the
    /// `tokenizer.json`).
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, String> {
        let ids = self.tokenizer.encode(text, false)?;
        let chars = text.chars().count();
        if ids.len() != chars {
            return Err(format!(
                "the tokenizer gave {} ids for {chars} characters",
                ids.len()
            ));
        }
        Ok(ids)
    }

    /// The `tokenizer.json` text.
    pub fn to_tokenizer_json(&self) -> Result<String, String> {
        self.tokenizer.to_json()
    }

    /// Reads a character-level `tokenizer.json` (a vocabulary of single characters with `[PAD]`
    /// 0 and `[UNK]` 1), which then tokenizes as the file says.
    pub fn from_tokenizer_json(text: &str) -> Result<CharVocab, String> {
        let t = HfTokenizer::from_json(text)?;
        let vocab = t.vocab();
        if vocab.len()
            != vocab
                .values()
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        {
            return Err("two tokens share an id".into());
        }
        if vocab.get(PAD_TOKEN) != Some(&PAD) || vocab.get(UNK_TOKEN) != Some(&UNK) {
            return Err(format!(
                "{PAD_TOKEN} must be id {PAD} and {UNK_TOKEN} id {UNK}"
            ));
        }
        let mut ids = BTreeMap::new();
        for (tok, id) in vocab {
            let mut cs = tok.chars();
            if let (Some(c), None) = (cs.next(), cs.next())
                && id > UNK
            {
                ids.insert(c, id);
            }
        }
        Ok(CharVocab { ids, tokenizer: t })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_json_round_trips_and_folds_width() {
        let v =
            CharVocab::build(["借款10万元，\t利息", "借款"], 1).unwrap_or_else(|e| panic!("{e}"));
        let back = CharVocab::from_tokenizer_json(&v.to_tokenizer_json().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, v);
        let enc = |s: &str| v.encode(s).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(enc("１０"), enc("10"));
        assert_eq!(enc("鑫"), vec![UNK]);
        assert!(enc("借款").iter().all(|i| *i > UNK));
        assert_eq!(back.encode("借款１０"), v.encode("借款10"));
    }
}
