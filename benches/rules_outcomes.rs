//! Outcomes per second: `precheck` + `suggest` over the facts of the committed demo batch
//! (`fixtures/demo/*.pdf`, read and extracted once, outside the timed loop), against `precheck`
//! alone as the baseline in the same process. Asserts the count of each disposition, so a broken
//! rule cannot look fast.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fincase::domain::CaseFacts;
use fincase::rules::{Disposition, RulesConfig, precheck, suggest};
use std::collections::BTreeMap;
use std::hint::black_box;

/// Dispositions of the 50 demo filings: (full, partial, rejected, needs_review).
const EXPECTED: (usize, usize, usize, usize) = (37, 8, 0, 5);

fn demo_facts() -> Vec<CaseFacts> {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo"));
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let doc = fincase::ingest::read_pdf(&std::fs::read(p).unwrap()).unwrap();
            let id = p.file_stem().unwrap().to_string_lossy();
            fincase::extract::extract(&id, &doc).facts
        })
        .collect()
}

fn counts(facts: &[CaseFacts], cfg: &RulesConfig) -> (usize, usize, usize, usize) {
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for f in facts {
        let findings = precheck(f, cfg);
        *by.entry(suggest(f, &findings, cfg).disposition.as_str())
            .or_default() += 1;
    }
    let n = |d: Disposition| by.get(d.as_str()).copied().unwrap_or(0);
    (
        n(Disposition::Full),
        n(Disposition::Partial),
        n(Disposition::Rejected),
        n(Disposition::NeedsReview),
    )
}

fn bench(c: &mut Criterion) {
    let facts = demo_facts();
    assert_eq!(facts.len(), 50);
    let cfg = RulesConfig::default();
    let got = counts(&facts, &cfg);
    assert_eq!(
        got, EXPECTED,
        "dispositions (full, partial, rejected, needs_review)"
    );
    let mut g = c.benchmark_group("rules_outcomes_demo50");
    g.throughput(Throughput::Elements(facts.len() as u64));
    g.bench_function("precheck_and_suggest", |b| {
        b.iter(|| assert_eq!(counts(black_box(&facts), &cfg), EXPECTED))
    });
    g.bench_function("baseline_precheck_only", |b| {
        b.iter(|| {
            let n: usize = black_box(&facts)
                .iter()
                .map(|f| precheck(f, &cfg).len())
                .sum();
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
