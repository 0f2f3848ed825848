//! Index analysis over a generated filing's text: our CJK bigram tokenizer against jieba
//! (the word tokenizer of the other field). Asserts token counts.

use criterion::{Criterion, criterion_group, criterion_main};
use fincase::search::tokenizer::bigram_tokens;
use std::hint::black_box;
use tantivy::tokenizer::{TokenStream, Tokenizer};

fn bench(c: &mut Criterion) {
    let text = fincase::fixtures::compose(20261126, 0).pages.join("\n");
    let expected_bigrams = bigram_tokens(&text).len();
    assert!(
        expected_bigrams > 300,
        "fixture text too short: {expected_bigrams}"
    );
    let mut jieba = tantivy_jieba::JiebaTokenizer::new();
    let count_jieba = |t: &mut tantivy_jieba::JiebaTokenizer, s: &str| {
        let mut stream = t.token_stream(s);
        let mut n = 0;
        while stream.advance() {
            n += 1;
        }
        n
    };
    let expected_words = count_jieba(&mut jieba, &text);
    let mut g = c.benchmark_group("tokenize_zh");
    g.bench_function("bigram", |b| {
        b.iter(|| {
            let n = bigram_tokens(black_box(&text)).len();
            assert_eq!(n, expected_bigrams);
        })
    });
    g.bench_function("jieba_baseline", |b| {
        b.iter(|| {
            let n = count_jieba(&mut jieba, black_box(&text));
            assert_eq!(n, expected_words);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
