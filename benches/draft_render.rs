//! Extraction, rules and draft rendering on composed filings (text already read), each stage
//! alone. Asserts each stage's result.

use criterion::{Criterion, criterion_group, criterion_main};
use fincase::domain::DocumentText;
use fincase::rules::{RulesConfig, precheck, suggest};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let cfg = RulesConfig::default();
    let docs: Vec<DocumentText> = (0..20)
        .map(|i| DocumentText::from_pages(&fincase::fixtures::compose(20261126, i).pages))
        .collect();
    let extracted: Vec<_> = docs
        .iter()
        .map(|d| fincase::extract::extract("bench", d))
        .collect();
    let outcomes: Vec<_> = extracted
        .iter()
        .map(|e| {
            let mut findings = e.findings.clone();
            findings.extend(precheck(&e.facts, &cfg));
            (findings.clone(), suggest(&e.facts, &findings, &cfg))
        })
        .collect();
    let mut g = c.benchmark_group("stages_x20");
    g.bench_function("extract", |b| {
        b.iter(|| {
            for d in &docs {
                let e = fincase::extract::extract("bench", black_box(d));
                assert!(e.facts.claims.principal.is_some());
            }
        })
    });
    g.bench_function("rules", |b| {
        b.iter(|| {
            for e in &extracted {
                let mut f = e.findings.clone();
                f.extend(precheck(black_box(&e.facts), &cfg));
                let o = suggest(&e.facts, &f, &cfg);
                black_box(o);
            }
        })
    });
    g.bench_function("draft_render", |b| {
        b.iter(|| {
            for (e, (findings, outcome)) in extracted.iter().zip(&outcomes) {
                if let Ok(d) = fincase::draft::render(&e.facts, findings, black_box(outcome)) {
                    assert!(d.html.len() > 1000);
                }
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
