//! The Chinese-aware tokenizers of the case index.
//!
//! Two analyses of the same text, each in its own field: jieba words (good ranking for legal
//! vocabulary such as 连带清偿责任) and [`BigramTokenizer`] (overlapping CJK character bigrams plus
//! whole ASCII/digit runs), which finds what a dictionary does not know: party names such as
//! 李明辉, contract numbers, amounts.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which [`BigramTokenizer`] is registered in the index.
pub const BIGRAM: &str = "zh_bigram";
/// Name under which the jieba word tokenizer is registered in the index.
pub const JIEBA: &str = "zh_jieba";

/// Emits overlapping bigrams over runs of CJK characters (a lone CJK character is emitted as a
/// unigram) and each run of ASCII letters/digits as one lower-cased token. Everything else
/// (punctuation, spaces) separates runs. Digits keep `.` inside them, so `100000.00` is one token,
/// and `,` between digits is dropped (`100,000.00` → `100000.00`), so amounts are found however
/// they were grouped.
#[derive(Clone, Default)]
pub struct BigramTokenizer;

/// The token stream of [`BigramTokenizer`]: tokens are computed eagerly.
pub struct BigramStream {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Tokenizes `text` into bigram tokens (exposed for tests and benches).
pub fn bigram_tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let mut position = 0;
    let push =
        |out: &mut Vec<Token>, from: usize, to: usize, text: String, position: &mut usize| {
            out.push(Token {
                offset_from: from,
                offset_to: to,
                position: *position,
                text,
                position_length: 1,
            });
            *position += 1;
        };
    while i < chars.len() {
        let (start, c) = chars[i];
        if is_cjk(c) {
            let mut j = i;
            while j < chars.len() && is_cjk(chars[j].1) {
                j += 1;
            }
            let end_of = |k: usize| chars.get(k).map_or(text.len(), |&(b, _)| b);
            if j - i == 1 {
                push(&mut out, start, end_of(i + 1), c.to_string(), &mut position);
            } else {
                for (k, &(from, _)) in chars.iter().enumerate().take(j - 1).skip(i) {
                    let to = end_of(k + 2);
                    push(&mut out, from, to, text[from..to].to_owned(), &mut position);
                }
            }
            i = j;
        } else if c.is_ascii_alphanumeric() {
            let mut j = i;
            let mut word = String::new();
            while j < chars.len() {
                let ch = chars[j].1;
                let digit_sep = (ch == '.' || ch == ',')
                    && j + 1 < chars.len()
                    && chars[j + 1].1.is_ascii_digit()
                    && j > i
                    && chars[j - 1].1.is_ascii_digit();
                if ch.is_ascii_alphanumeric()
                    || ch == '-'
                        && j + 1 < chars.len()
                        && chars[j + 1].1.is_ascii_alphanumeric()
                        && j > i
                {
                    word.push(ch.to_ascii_lowercase());
                } else if digit_sep {
                    if ch == '.' {
                        word.push('.');
                    }
                } else {
                    break;
                }
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
            push(&mut out, start, end, word, &mut position);
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = BigramStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> BigramStream {
        BigramStream {
            tokens: bigram_tokens(text).into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for BigramStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(t) => {
                self.current = t;
                true
            }
            None => false,
        }
    }
    fn token(&self) -> &Token {
        &self.current
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        bigram_tokens(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn cjk_runs_become_bigrams_and_numbers_stay_whole() {
        assert_eq!(texts("被告李明辉"), ["被告", "告李", "李明", "明辉"]);
        assert_eq!(texts("借款100,000.00元"), ["借款", "100000.00", "元"]);
        assert_eq!(
            texts("合同编号JK-2023-001号"),
            ["合同", "同编", "编号", "jk-2023-001", "号"]
        );
        assert_eq!(texts("甲，乙"), ["甲", "乙"]);
        assert!(texts("").is_empty());
    }

    #[test]
    fn offsets_point_into_the_text() {
        let s = "原告张三诉";
        for t in bigram_tokens(s) {
            assert_eq!(&s[t.offset_from..t.offset_to], t.text);
        }
    }
}
