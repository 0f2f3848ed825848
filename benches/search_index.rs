//! The search stage: indexing the demo batch's texts into an in-memory index, and answering
//! queries. Baselines in the same process: tokenizing the same texts with the bigram analyser
//! alone (the least any index must do), and one query's cost against the index size.
//! Asserts document and hit counts.

use criterion::{Criterion, criterion_group, criterion_main};
use fincase::search::tokenizer::bigram_tokens;
use fincase::search::{CaseIndex, IndexedCase};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let texts: Vec<String> = (0..50)
        .map(|i| fincase::fixtures::compose(20261126, i).pages.join("\n"))
        .collect();
    let cases: Vec<IndexedCase> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| IndexedCase {
            filing_id: format!("f{i}").into(),
            org: None,
            court: None,
            name: format!("f{i}.pdf"),
            title: format!("case {i}"),
            status: fincase::domain::FilingStatus::Drafted,
            body: t.clone(),
        })
        .collect();
    let build = || {
        let index = CaseIndex::in_memory().unwrap();
        {
            let mut w = index.writer().unwrap();
            for case in &cases {
                w.upsert(case).unwrap();
            }
            w.commit().unwrap();
        }
        index
    };
    let mut g = c.benchmark_group("search_50");
    g.sample_size(20);
    g.bench_function("index_50_filings", |b| {
        b.iter(|| {
            let index = build();
            assert_eq!(index.len(), 50);
        })
    });
    g.bench_function("baseline_bigram_tokenize_50", |b| {
        b.iter(|| {
            let n: usize = texts
                .iter()
                .map(|t| bigram_tokens(black_box(t)).len())
                .sum();
            assert!(n > 10_000);
        })
    });
    let index = build();
    let queries = ["连带清偿责任", "人民法院", "借款合同", "律师费", "信用卡"];
    g.bench_function("query_x5", |b| {
        b.iter(|| {
            for q in queries {
                let hits = index.search(black_box(q), 10).unwrap();
                assert!(!hits.is_empty(), "{q}");
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
