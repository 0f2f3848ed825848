//! Text → weighted bag of character n-grams, over a vocabulary built from training text only.
//!
//! Normalisation folds full-width ASCII to half-width, lower-cases letters, maps every digit to
//! `0` (amounts and dates vary; their shape matters) and drops whitespace. Features are the
//! character unigrams, bigrams and trigrams (the orders are part of the vocabulary). A bag's
//! weight for a feature is `(1 + ln tf) · idf`, and the bag is L2-normalised, so long and short
//! texts land on the same scale. Unknown n-grams are dropped. There is no tokenizer model: the
//! vocabulary is a JSON list of n-gram strings with their idf.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One character after normalisation, or `None` for characters that carry no signal
/// (whitespace, control characters).
pub fn normalise_char(c: char) -> Option<char> {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_whitespace() || c.is_control() {
        return None;
    }
    if c.is_ascii_digit() {
        return Some('0');
    }
    Some(c.to_ascii_lowercase())
}

/// The normalised characters of `text`.
pub fn normalise(text: &str) -> Vec<char> {
    text.chars().filter_map(normalise_char).collect()
}

/// Every n-gram of the given orders in `text`, in order of appearance (with repeats).
pub fn ngrams(text: &str, orders: &[usize]) -> Vec<String> {
    let chars = normalise(text);
    let mut out = Vec::new();
    for &n in orders {
        if n == 0 || chars.len() < n {
            continue;
        }
        for w in chars.windows(n) {
            out.push(w.iter().collect());
        }
    }
    out
}

/// A sparse, L2-normalised bag: feature ids (1-based; 0 is padding) and their weights.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bag {
    /// Vocabulary ids, ascending, no repeats.
    pub ids: Vec<u32>,
    /// Weight of each id.
    pub weights: Vec<f32>,
}

/// The n-gram vocabulary: strings with their inverse document frequency.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Vocab {
    /// N-gram orders, e.g. `[1, 2, 3]`.
    pub orders: Vec<usize>,
    /// Minimum number of training texts an n-gram must occur in.
    pub min_df: usize,
    /// The n-grams; the id of `tokens[i]` is `i + 1`.
    pub tokens: Vec<String>,
    /// `idf[i]` belongs to `tokens[i]`: `ln((1 + N) / (1 + df)) + 1`.
    pub idf: Vec<f32>,
    /// L2 norm given to the document part of a bag ([`Vocab::document_bag`]); 0 when the
    /// vocabulary has no document n-grams.
    #[serde(default)]
    pub doc_weight: f32,
    /// Mean of the training sentences' dense embeddings (e.g. of the pretrained encoder), which
    /// [`Vocab::append_dense`] subtracts; empty when the model reads no embeddings. Its length
    /// adds that many rows after the n-grams.
    #[serde(default)]
    pub dense_centre: Vec<f32>,
    /// L2 norm of the dense part of a bag.
    #[serde(default)]
    pub dense_weight: f32,
    #[serde(skip)]
    index: HashMap<String, u32>,
}

impl Vocab {
    /// Builds the vocabulary from training texts: n-grams in at least `min_df` texts, the
    /// `max_size` most frequent (by document frequency, ties by string) kept.
    pub fn build<'a>(
        texts: impl IntoIterator<Item = &'a str>,
        orders: &[usize],
        min_df: usize,
        max_size: usize,
    ) -> Vocab {
        let grams = texts.into_iter().map(|t| ngrams(t, orders));
        Self::build_from_grams(grams, orders, min_df, max_size)
    }

    /// [`Vocab::build`] over feature lists already extracted (e.g. with [`context_grams`]).
    pub fn build_from_grams(
        lists: impl IntoIterator<Item = Vec<String>>,
        orders: &[usize],
        min_df: usize,
        max_size: usize,
    ) -> Vocab {
        let mut df: HashMap<String, usize> = HashMap::new();
        let mut n_docs = 0usize;
        for mut seen in lists {
            n_docs += 1;
            seen.sort_unstable();
            seen.dedup();
            for g in seen {
                *df.entry(g).or_default() += 1;
            }
        }
        let mut kept: Vec<(String, usize)> = df.into_iter().filter(|(_, d)| *d >= min_df).collect();
        kept.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        kept.truncate(max_size);
        let idf = kept
            .iter()
            .map(|(_, d)| (((1 + n_docs) as f32) / ((1 + d) as f32)).ln() + 1.0)
            .collect();
        let tokens = kept.into_iter().map(|(g, _)| g).collect();
        let mut v = Vocab {
            orders: orders.to_vec(),
            min_df,
            tokens,
            idf,
            doc_weight: 0.0,
            dense_centre: Vec::new(),
            dense_weight: 0.0,
            index: HashMap::new(),
        };
        v.reindex();
        v
    }

    /// Rebuilds the lookup table (after deserialising).
    pub fn reindex(&mut self) {
        self.index = self
            .tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32 + 1))
            .collect();
    }

    /// Number of rows an embedding over this vocabulary needs (ids plus the padding row 0, plus
    /// one row per dense dimension).
    pub fn rows(&self) -> usize {
        self.tokens.len() + 1 + self.dense_centre.len()
    }

    /// Joins a dense embedding to `bag` as features `tokens.len() + 1 + j`: centred on
    /// [`Vocab::dense_centre`], L2-normalised and scaled to [`Vocab::dense_weight`] (so the
    /// model's embedding rows act as a linear map of it). Nothing when the vocabulary has no
    /// dense part or the widths differ.
    pub fn append_dense(&self, bag: &mut Bag, embedding: &[f32]) {
        if self.dense_centre.is_empty() || embedding.len() != self.dense_centre.len() {
            return;
        }
        let c: Vec<f32> = embedding
            .iter()
            .zip(&self.dense_centre)
            .map(|(a, m)| a - m)
            .collect();
        let norm = c.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        let base = self.tokens.len() as u32 + 1;
        for (j, x) in c.iter().enumerate() {
            bag.ids.push(base + j as u32);
            bag.weights.push(x * self.dense_weight / norm);
        }
    }

    /// The id of an n-gram, if known.
    pub fn id(&self, gram: &str) -> Option<u32> {
        self.index.get(gram).copied()
    }

    /// The weighted, L2-normalised bag of `text`.
    pub fn bag(&self, text: &str) -> Bag {
        self.bag_from_grams(&ngrams(text, &self.orders))
    }

    /// The bag of a sentence read with its neighbours ([`context_grams`]).
    pub fn bag_in_context(&self, text: &str, prev: Option<&str>, next: Option<&str>) -> Bag {
        self.bag_from_grams(&context_grams(text, prev, next, &self.orders))
    }

    /// Adds document n-grams (written with the [`DOC_MARK`] prefix, e.g. `#银行`) with their
    /// idf, and the norm of a bag's document part.
    pub fn add_document_grams(&mut self, grams: Vec<(String, f32)>, weight: f32) {
        for (g, idf) in grams {
            if self.id(&g).is_none() {
                self.tokens.push(g);
                self.idf.push(idf);
            }
        }
        self.doc_weight = weight;
        self.reindex();
    }

    /// The document part of a bag: which of the vocabulary's document n-grams occur in the
    /// document (presence, weighted by idf), L2-normalised to [`Vocab::doc_weight`]. Empty when
    /// the vocabulary has none.
    pub fn document_bag(&self, document: &[String]) -> Bag {
        if self.doc_weight <= 0.0 {
            return Bag::default();
        }
        let grams = document_grams(document, &self.orders);
        let mut b = self.bag_from_grams(&grams);
        // Presence, not counts: a long judgment and a short complaint are read alike.
        for (w, id) in b.weights.iter_mut().zip(&b.ids) {
            *w = self.idf.get(*id as usize - 1).copied().unwrap_or(1.0);
        }
        let norm = b.weights.iter().map(|w| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            b.weights
                .iter_mut()
                .for_each(|w| *w *= self.doc_weight / norm);
        }
        b
    }

    /// `sentence` (already a normalised bag) joined with a document part (ids are disjoint:
    /// document n-grams carry their own prefix).
    pub fn join(sentence: &Bag, document: &Bag) -> Bag {
        let mut pairs: Vec<(u32, f32)> = sentence
            .ids
            .iter()
            .copied()
            .zip(sentence.weights.iter().copied())
            .chain(
                document
                    .ids
                    .iter()
                    .copied()
                    .zip(document.weights.iter().copied()),
            )
            .collect();
        pairs.sort_unstable_by_key(|p| p.0);
        pairs.dedup_by_key(|p| p.0);
        Bag {
            ids: pairs.iter().map(|p| p.0).collect(),
            weights: pairs.iter().map(|p| p.1).collect(),
        }
    }

    /// The weighted, L2-normalised bag of a feature list.
    pub fn bag_from_grams(&self, grams: &[String]) -> Bag {
        let mut tf: HashMap<u32, u32> = HashMap::new();
        for g in grams {
            if let Some(id) = self.id(g) {
                *tf.entry(id).or_default() += 1;
            }
        }
        let mut pairs: Vec<(u32, f32)> = tf
            .into_iter()
            .map(|(id, n)| {
                let idf = self.idf.get(id as usize - 1).copied().unwrap_or(1.0);
                (id, (1.0 + (n as f32).ln()) * idf)
            })
            .collect();
        pairs.sort_unstable_by_key(|p| p.0);
        let norm = pairs.iter().map(|p| p.1 * p.1).sum::<f32>().sqrt();
        let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        Bag {
            ids: pairs.iter().map(|p| p.0).collect(),
            weights: pairs.iter().map(|p| p.1 * scale).collect(),
        }
    }
}

/// The features of a sentence read in context: its own n-grams, plus the character bigrams of the
/// previous and next sentences marked `~` (so "the sentence after one about a guarantee" is a
/// feature of its own, distinct from the sentence's words).
pub fn context_grams(
    text: &str,
    prev: Option<&str>,
    next: Option<&str>,
    orders: &[usize],
) -> Vec<String> {
    let mut out = ngrams(text, orders);
    for n in [prev, next].into_iter().flatten() {
        out.extend(ngrams(n, &[2]).into_iter().map(|g| format!("~{g}")));
    }
    out
}

/// Prefix of a document-level n-gram in the vocabulary.
pub const DOC_MARK: char = '#';

/// The distinct n-grams (orders 2 and up of `orders`) of a whole document, each prefixed with
/// [`DOC_MARK`], sorted.
pub fn document_grams(document: &[String], orders: &[usize]) -> Vec<String> {
    let long: Vec<usize> = orders.iter().copied().filter(|&n| n >= 2).collect();
    let mut out: Vec<String> = document
        .iter()
        .flat_map(|s| ngrams(s, &long))
        .map(|g| format!("{DOC_MARK}{g}"))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Splits running text into sentences at 。！？；, line breaks and form feeds; drops empty pieces
/// and pieces of fewer than 4 characters.
pub fn sentences(text: &str) -> Vec<String> {
    text.split(['。', '！', '？', '；', '\n', '\u{c}', '!', '?'])
        .map(str::trim)
        .filter(|s| s.chars().count() >= 4)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_width_digits_and_space() {
        assert_eq!(
            normalise("借款１２万 元ABC"),
            "借款00万元abc".chars().collect::<Vec<_>>()
        );
    }

    #[test]
    fn ngrams_of_each_order() {
        assert_eq!(
            ngrams("保证人", &[1, 2]),
            ["保", "证", "人", "保证", "证人"]
        );
        assert_eq!(ngrams("保证", &[3]), Vec::<String>::new());
    }

    #[test]
    fn vocab_keeps_frequent_grams_and_weights_by_idf() {
        let texts = ["甲借款", "乙借款", "丙还款"];
        let v = Vocab::build(texts, &[1, 2], 2, 100);
        // 借, 款, 借款 occur in two texts; 甲 乙 丙 还 once. 款 also occurs in 丙还款: df 3.
        assert_eq!(v.tokens, ["款", "借", "借款"]);
        // idf(款) = ln(4/4) + 1 = 1; idf(借) = ln(4/3) + 1.
        assert!((v.idf[0] - 1.0).abs() < 1e-6);
        assert!((v.idf[1] - ((4.0f32 / 3.0).ln() + 1.0)).abs() < 1e-6);
        let b = v.bag("借款借款");
        // tf(借) = tf(款) = tf(借款) = 2 (借款借款 has the bigram twice); unknown 款借 dropped.
        assert_eq!(b.ids, [1, 2, 3]);
        let w: f32 = b.weights.iter().map(|x| x * x).sum();
        assert!((w - 1.0).abs() < 1e-5);
        // 款 has the smallest idf, so the smallest weight.
        assert!(b.weights[0] < b.weights[1]);
        assert_eq!(v.bag("无关"), Bag::default());
    }

    #[test]
    fn vocab_round_trips_through_json() {
        let v = Vocab::build(
            ["保证人承担连带责任", "保证人不承担责任"],
            &[1, 2, 3],
            2,
            100,
        );
        let mut back: Vocab = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
        back.reindex();
        assert_eq!(back.bag("连带保证人"), v.bag("连带保证人"));
    }

    #[test]
    fn splits_sentences() {
        assert_eq!(
            sentences("原告诉称：借款十万元。被告未还；请求判令\n还款！"),
            ["原告诉称：借款十万元", "被告未还", "请求判令"]
        );
    }
}
