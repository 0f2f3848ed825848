//! The extraction tagger: the model's characters/s on the demo batch's text, and extraction
//! alone (text already read) in filings/s on the demo batch, rules against rules + model
//! (`combined`) in the same run, so the ratio is the model's cost. Also the tokenizer alone
//! (`tokenizer.json` through the `tokenizers` crate) against a plain per-character map lookup of
//! the same vocabulary in the same run, so the ratio is what the crate costs. Asserts the counts.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fincase::domain::lpr::LprTable;
use fincase::extract::tagger::combine::{Mode, extract_in_mode};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let tagger = fincase::extract::tagger::global().expect("models/tagger");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let mut docs = Vec::new();
    for e in fincase::ingest::discover(&dir)
        .expect("fixtures/demo")
        .iter()
        .flatten()
    {
        if let Ok(d) = fincase::ingest::read_pdf(&e.bytes) {
            docs.push(d);
        }
    }
    assert!(docs.len() >= 40, "{} demo filings read", docs.len());
    let texts: Vec<String> = docs
        .iter()
        .map(|d| {
            d.pages
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();

    let mut g = c.benchmark_group("tokenize_demo_text");
    g.sample_size(10);
    g.throughput(Throughput::Elements(chars as u64));
    let vocab = tagger.vocab();
    let map: std::collections::HashMap<char, u32> = texts
        .iter()
        .flat_map(|t| t.chars())
        .map(fincase::extract::tagger::vocab::fold)
        .collect::<std::collections::BTreeSet<char>>()
        .into_iter()
        .filter_map(|c| {
            let id = vocab.encode(&c.to_string()).ok()?.first().copied()?;
            Some((c, id))
        })
        .collect();
    let lookup = |t: &str| -> Vec<u32> {
        t.chars()
            .map(|c| {
                map.get(&fincase::extract::tagger::vocab::fold(c))
                    .copied()
                    .unwrap_or(1)
            })
            .collect()
    };
    assert!(
        texts
            .iter()
            .all(|t| vocab.encode(t).ok() == Some(lookup(t)))
    );
    g.bench_function("tokenizers", |b| {
        b.iter(|| {
            let n: usize = texts
                .iter()
                .map(|t| vocab.encode(black_box(t)).map_or(0, |v| v.len()))
                .sum();
            assert_eq!(n, chars);
        })
    });
    g.bench_function("char_map_baseline", |b| {
        b.iter(|| {
            let n: usize = texts.iter().map(|t| lookup(black_box(t)).len()).sum();
            assert_eq!(n, chars);
        })
    });
    g.finish();

    let mut g = c.benchmark_group("tagger");
    g.sample_size(10);
    g.throughput(Throughput::Elements(chars as u64));
    g.bench_function("tag_demo_text_chars", |b| {
        b.iter(|| {
            let n: usize = texts.iter().map(|t| tagger.tag(black_box(t)).len()).sum();
            assert!(n > 0);
        })
    });
    g.finish();

    let mut g = c.benchmark_group("extract_demo");
    g.sample_size(10);
    g.throughput(Throughput::Elements(docs.len() as u64));
    for (name, mode) in [("rules", Mode::Rules), ("combined", Mode::Combined)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                for d in &docs {
                    let e = extract_in_mode(
                        "bench",
                        black_box(d),
                        mode,
                        Some(tagger),
                        LprTable::shipped(),
                    );
                    black_box(e);
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
