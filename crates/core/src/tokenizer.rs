//! Text → model ids through the Hugging Face `tokenizers` crate, from a `tokenizer.json` in
//! Hugging Face layout: the one way fincase's models tokenize.
//!
//! Two layouts are built here, and any tool that reads `tokenizer.json` reads them the same way:
//! - [`char_level`] (the extraction tagger): a `WordLevel` model over single characters, a
//!   normaliser that folds full-width ASCII to half-width and every whitespace but tab and line
//!   break to a space (one `Replace` per rule, so one character stays one character and the ids
//!   line up with the text), and a `Split` on `(?s).` that isolates each character.
//! - [`sentencepiece_unigram`] (the pretrained e5 encoder): SentencePiece's `Unigram` model with
//!   the piece scores, a `Precompiled` normaliser that carries the encoder file's per-character
//!   normalisation map as SentencePiece's `precompiled_charsmap` (a darts-clone double array of
//!   the characters' UTF-8 bytes plus NUL-terminated replacements, written by
//!   [`precompiled_charsmap`]), runs of spaces collapsed, `Metaspace` (`▁`, prepended), and
//!   `<s> $A </s>` as the post-processor.
//!
//! Invariants: building and loading never panic (a malformed file is an error naming why);
//! [`HfTokenizer::encode`] is deterministic; a char-level tokenizer yields exactly one id per
//! character of its input or an error.

use std::collections::{BTreeMap, VecDeque};
use std::str::FromStr;
use tokenizers::models::unigram::Unigram;
use tokenizers::normalizers::precompiled::Precompiled;
use tokenizers::normalizers::replace::Replace;
use tokenizers::normalizers::{NormalizerWrapper, Sequence};
use tokenizers::pre_tokenizers::metaspace::{Metaspace, PrependScheme};
use tokenizers::processors::template::TemplateProcessing;
use tokenizers::{AddedToken, Tokenizer};

/// SentencePiece's word-boundary mark `▁` (U+2581).
pub const METASPACE: char = '\u{2581}';

/// A tokenizer read from (or built as) a Hugging Face `tokenizer.json`.
#[derive(Clone)]
pub struct HfTokenizer {
    inner: Tokenizer,
}

impl std::fmt::Debug for HfTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HfTokenizer")
            .field("vocab", &self.inner.get_vocab_size(true))
            .finish()
    }
}

impl HfTokenizer {
    /// Reads the text of a `tokenizer.json`.
    pub fn from_json(text: &str) -> Result<HfTokenizer, String> {
        Tokenizer::from_str(text)
            .map(|inner| HfTokenizer { inner })
            .map_err(|e| format!("not a tokenizer.json the tokenizers crate reads: {e}"))
    }

    /// The `tokenizer.json` text (compact).
    pub fn to_json(&self) -> Result<String, String> {
        self.inner.to_string(false).map_err(|e| e.to_string())
    }

    /// The ids of `text`; with `special`, the post-processor's tokens too (`<s>` … `</s>`).
    pub fn encode(&self, text: &str, special: bool) -> Result<Vec<u32>, String> {
        self.inner
            .encode_fast(text, special)
            .map(|e| e.get_ids().to_vec())
            .map_err(|e| format!("tokenizer: {e}"))
    }

    /// The id of a token of the vocabulary (added tokens included).
    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.inner.token_to_id(token)
    }

    /// Number of ids (added tokens included).
    pub fn vocab_size(&self) -> usize {
        self.inner.get_vocab_size(true)
    }

    /// The vocabulary: token → id (added tokens included).
    pub fn vocab(&self) -> BTreeMap<String, u32> {
        self.inner.get_vocab(true).into_iter().collect()
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The tagger's character fold as `tokenizer.json` normalisers: every whitespace but tab and
/// line break becomes a space, then each full-width ASCII character (U+FF01–U+FF5E) becomes its
/// half-width form. Each rule maps one character to one character.
fn char_fold() -> Result<NormalizerWrapper, String> {
    let mut rules: Vec<NormalizerWrapper> = vec![
        Replace::new(
            tokenizers::normalizers::replace::ReplacePattern::Regex(r"[^\S\t\n]".into()),
            " ",
        )
        .map_err(err)?
        .into(),
    ];
    for cp in 0xFF01u32..=0xFF5E {
        let (Some(wide), Some(narrow)) = (char::from_u32(cp), char::from_u32(cp - 0xFEE0)) else {
            continue;
        };
        rules.push(
            Replace::new(wide.to_string(), narrow.to_string())
                .map_err(err)?
                .into(),
        );
    }
    Ok(NormalizerWrapper::Sequence(Sequence::new(rules)))
}

/// A character-level tokenizer: `vocab` maps single characters (and padding and the unknown
/// token `unk`) to ids. Text is folded (full-width ASCII to half-width, whitespace but tab and
/// line break to a space) and split into characters; a character missing from `vocab` is `unk`.
/// No token is an *added* token, so a text that spells `[UNK]` is still five characters.
pub fn char_level(vocab: &BTreeMap<String, u32>, unk: &str) -> Result<HfTokenizer, String> {
    if !vocab.contains_key(unk) {
        return Err(format!("the vocabulary has no unknown token {unk}"));
    }
    let json = serde_json::json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": [],
        "normalizer": serde_json::to_value(char_fold()?).map_err(err)?,
        "pre_tokenizer": {
            "type": "Split",
            "pattern": {"Regex": "(?s)."},
            "behavior": "Isolated",
            "invert": false
        },
        "post_processor": null,
        "decoder": null,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": unk}
    });
    HfTokenizer::from_json(&json.to_string())
}

/// The special pieces of a SentencePiece vocabulary, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialPieces {
    /// `<s>`.
    pub bos: u32,
    /// `</s>`.
    pub eos: u32,
    /// `<pad>`.
    pub pad: u32,
    /// `<unk>`.
    pub unk: u32,
}

/// A SentencePiece-unigram tokenizer in the layout of XLM-RoBERTa's `tokenizer.json`:
/// `pieces[id]` is (piece, score); `norm` maps single characters to their replacement (empty:
/// dropped). An empty piece (never produced by segmentation) is written as `<unused{id}>` so
/// every id keeps its place.
pub fn sentencepiece_unigram(
    pieces: &[(String, f32)],
    special: SpecialPieces,
    norm: &[(char, String)],
) -> Result<HfTokenizer, String> {
    let name = |id: u32| -> Result<String, String> {
        pieces
            .get(id as usize)
            .map(|p| p.0.clone())
            .ok_or_else(|| format!("special id {id} is outside the vocabulary"))
    };
    let (bos, eos, pad, unk) = (
        name(special.bos)?,
        name(special.eos)?,
        name(special.pad)?,
        name(special.unk)?,
    );
    let vocab: Vec<(String, f64)> = pieces
        .iter()
        .enumerate()
        .map(|(i, (p, s))| {
            let p = if p.is_empty() {
                format!("<unused{i}>")
            } else {
                p.clone()
            };
            (p, f64::from(*s))
        })
        .collect();
    let model = Unigram::from(vocab, Some(special.unk as usize), false).map_err(err)?;
    let mut t = Tokenizer::new(model);
    let charsmap = Precompiled::from(&precompiled_charsmap(norm)?).map_err(err)?;
    let spaces = Replace::new(
        tokenizers::normalizers::replace::ReplacePattern::Regex(" {2,}".into()),
        " ",
    )
    .map_err(err)?;
    t.with_normalizer(Some(NormalizerWrapper::Sequence(Sequence::new(vec![
        charsmap.into(),
        spaces.into(),
    ]))))
    .map_err(err)?;
    t.with_pre_tokenizer(Some(Metaspace::new(METASPACE, PrependScheme::Always, true)));
    t.with_decoder(Some(tokenizers::decoders::metaspace::Metaspace::new(
        METASPACE,
        PrependScheme::Always,
        true,
    )));
    let post = TemplateProcessing::builder()
        .try_single(format!("{bos} $A {eos}"))
        .map_err(err)?
        .try_pair(format!("{bos} $A {eos} {eos} $B {eos}"))
        .map_err(err)?
        .special_tokens(vec![
            (bos.as_str(), special.bos),
            (eos.as_str(), special.eos),
        ])
        .build()
        .map_err(err)?;
    t.with_post_processor(Some(post));
    let mut specials = vec![bos, pad, eos, unk];
    specials.dedup();
    t.add_special_tokens(specials.into_iter().map(|s| AddedToken::from(s, true)))
        .map_err(err)?;
    // Round-trip through the file text so that what runs is exactly what a reader of the file
    // gets.
    HfTokenizer::from_json(&t.to_string(false).map_err(err)?)
}

/// SentencePiece's `precompiled_charsmap` for a per-character map: a little-endian `u32` byte
/// length of the trie, the trie as darts-clone double-array units (`u32`), then the replacements,
/// each ended by NUL. The trie's keys are the characters' UTF-8 bytes (never NUL, and prefix-free,
/// so a key never hides another); a key's value is the byte offset of its replacement.
///
/// darts-clone's unit: bits 0–7 the label (the byte that leads to the node), bit 8 "has a
/// value", bit 9 the offset's scale, bits 10–31 the offset (XOR distance from the node to the
/// base of its children); a value unit has bit 31 set and the value in bits 0–30. The child of a
/// node at `p` by byte `c` lies at `base ^ c`, its value at `base` itself. The array covers the
/// whole 256-unit block of every base, as darts-clone's does (its readers rely on that).
pub fn precompiled_charsmap(norm: &[(char, String)]) -> Result<Vec<u8>, String> {
    // The replacements, and the trie of keys as nodes with sorted children.
    let mut normalized: Vec<u8> = Vec::new();
    struct Node {
        children: BTreeMap<u8, usize>,
        value: Option<u32>,
    }
    let mut nodes = vec![Node {
        children: BTreeMap::new(),
        value: None,
    }];
    let mut seen = std::collections::BTreeSet::new();
    for (c, out) in norm {
        if *c == '\0' || out.contains('\0') {
            return Err(format!("U+{:04X}: NUL cannot be mapped", *c as u32));
        }
        if !seen.insert(*c) {
            continue;
        }
        let value = u32::try_from(normalized.len()).map_err(err)?;
        normalized.extend_from_slice(out.as_bytes());
        normalized.push(0);
        let mut at = 0usize;
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            at = match nodes[at].children.get(&b) {
                Some(&next) => next,
                None => {
                    nodes.push(Node {
                        children: BTreeMap::new(),
                        value: None,
                    });
                    let next = nodes.len() - 1;
                    nodes[at].children.insert(b, next);
                    next
                }
            };
        }
        nodes[at].value = Some(value);
    }
    if normalized.len() >= 1 << 31 {
        return Err("the replacements are too long".into());
    }

    // Place the nodes breadth first; every node gets its own base.
    const LEAF: u32 = 1 << 8;
    const VALUE: u32 = 1 << 31;
    const MAX_OFFSET: usize = 1 << 21;
    let mut units: Vec<u32> = vec![0; 1024];
    let mut used: Vec<bool> = vec![false; 1024];
    let mut bases = std::collections::HashSet::new();
    used[0] = true;
    let mut lowest_free = 1usize;
    let mut queue = VecDeque::from([(0usize, 0usize)]); // (node, position)
    while let Some((node, pos)) = queue.pop_front() {
        let labels: Vec<u8> = nodes[node].children.keys().copied().collect();
        if labels.is_empty() && nodes[node].value.is_none() {
            continue;
        }
        while used.get(lowest_free).copied().unwrap_or(false) {
            lowest_free += 1;
        }
        // Try bases whose first slot (the value slot, label 0) is a free position.
        let mut free = lowest_free;
        let base = loop {
            if free >= used.len() {
                used.resize(free + 256, false);
                units.resize(free + 256, 0);
            }
            if !used[free] && !bases.contains(&free) {
                let b = free;
                let end = (b | 0xFF) + 1;
                if end > used.len() {
                    used.resize(end, false);
                    units.resize(end, 0);
                }
                if labels.iter().all(|&c| !used[b ^ usize::from(c)]) {
                    break b;
                }
            }
            free += 1;
        };
        let offset = pos ^ base;
        if offset >= MAX_OFFSET {
            return Err("the trie is too large for a darts-clone offset".into());
        }
        bases.insert(base);
        used[base] = true;
        units[pos] |= (offset as u32) << 10;
        if let Some(v) = nodes[node].value {
            units[pos] |= LEAF;
            units[base] = v | VALUE;
        }
        for (&c, &child) in &nodes[node].children {
            let q = base ^ usize::from(c);
            used[q] = true;
            units[q] = u32::from(c);
            queue.push_back((child, q));
        }
    }
    // Every base's block of 256 must lie inside the array: the reader steps to `base ^ c` for any
    // byte `c` of the text before it compares labels, and does not check bounds.
    let end = bases.iter().map(|b| (b | 0xFF) + 1).max().unwrap_or(256);
    units.truncate(end);
    units.resize(end, 0);

    let trie_bytes = u32::try_from(units.len() * 4).map_err(err)?;
    let mut out = Vec::with_capacity(4 + units.len() * 4 + normalized.len());
    out.extend_from_slice(&trie_bytes.to_le_bytes());
    for u in &units {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out.extend_from_slice(&normalized);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charsmap(pairs: &[(char, &str)]) -> Precompiled {
        let norm: Vec<(char, String)> = pairs.iter().map(|(c, s)| (*c, s.to_string())).collect();
        let bytes = precompiled_charsmap(&norm).unwrap_or_else(|e| panic!("{e}"));
        Precompiled::from(&bytes).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn precompiled_charsmap_maps_every_key_and_nothing_else() {
        let pairs: Vec<(char, String)> = (0xFF01u32..=0xFF5E)
            .filter_map(|cp| {
                Some((
                    char::from_u32(cp)?,
                    char::from_u32(cp - 0xFEE0)?.to_string(),
                ))
            })
            .chain([
                ('\u{FB01}', "fi".to_string()),
                ('\u{200B}', String::new()),
                ('\u{1D53E}', "G".to_string()),
                ('\u{3000}', " ".to_string()),
                ('\t', " ".to_string()),
            ])
            .collect();
        let refs: Vec<(char, &str)> = pairs.iter().map(|(c, s)| (*c, s.as_str())).collect();
        let p = charsmap(&refs);
        for (c, out) in &pairs {
            assert_eq!(
                p.transform(&c.to_string()),
                Some(out.as_str()),
                "U+{:04X}",
                *c as u32
            );
        }
        for c in ['a', '借', '\u{FF00}', '\u{FF5F}', '\u{1D53F}', ' ', '\n'] {
            assert_eq!(p.transform(&c.to_string()), None, "U+{:04X}", c as u32);
        }
        assert_eq!(p.normalize_string("Ａ\u{200B}ｂ　ﬁ𝔾借"), "Ab fiG借");
    }

    #[test]
    fn char_level_gives_one_id_per_character_and_folds_width() {
        let mut vocab = BTreeMap::from([("[PAD]".to_string(), 0), ("[UNK]".to_string(), 1)]);
        for (i, c) in "借款10万元， \t\n".chars().enumerate() {
            vocab.insert(c.to_string(), 2 + i as u32);
        }
        let t = char_level(&vocab, "[UNK]").unwrap_or_else(|e| panic!("{e}"));
        let ids = |s: &str| t.encode(s, false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ids("１０"), ids("10"));
        assert_eq!(ids("借\u{3000}款\r\n"), ids("借 款 \n"));
        assert_eq!(ids("[UNK]鑫").len(), 6);
        assert_eq!(ids("鑫"), vec![1]);
        assert!(ids("").is_empty());
        let back = HfTokenizer::from_json(&t.to_json().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            back.encode("借款１０万元，\t", false),
            t.encode("借款10万元，\t", false)
        );
        assert!(char_level(&vocab, "<unk>").is_err());
    }

    #[test]
    fn sentencepiece_unigram_prefers_the_best_scored_segmentation() {
        let pieces: Vec<(String, f32)> = [
            ("<s>", 0.0),
            ("<pad>", 0.0),
            ("</s>", 0.0),
            ("<unk>", 0.0),
            ("▁", -2.0),
            ("借", -5.0),
            ("款", -5.0),
            ("借款", -6.0),
            ("▁借款", -6.5),
            ("合同", -6.0),
            ("A", -4.0),
            ("", 0.0),
        ]
        .iter()
        .map(|(p, s)| (p.to_string(), *s))
        .collect();
        let special = SpecialPieces {
            bos: 0,
            eos: 2,
            pad: 1,
            unk: 3,
        };
        let t = sentencepiece_unigram(&pieces, special, &[('Ａ', "A".to_string())])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.encode("借款", false), Ok(vec![8]));
        assert_eq!(t.encode("借款", true), Ok(vec![0, 8, 2]));
        // Full-width folded; spaces collapsed; two unknown characters fused into one <unk>.
        assert_eq!(t.encode("借款  Ａ", false), Ok(vec![8, 4, 10]));
        assert_eq!(t.encode("鑫鑫借", false), Ok(vec![4, 3, 5]));
        let back = HfTokenizer::from_json(&t.to_json().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.encode("借款合同", true), t.encode("借款合同", true));
        assert_eq!(back.vocab_size(), pieces.len());
    }
}
