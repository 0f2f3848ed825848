//! Drafts per second per format (HTML render, DOCX, PDF) over drafts of generated filings; the
//! outcomes and drafts are prepared outside the timed loops. Each loop asserts its output. A
//! closing line reports drafts/s and each format's cost relative to HTML rendering (the
//! baseline), measured in the same process.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fincase::domain::{CaseFacts, DocumentText, Finding};
use fincase::draft::{self, Draft};
use fincase::rules::{Outcome, RulesConfig, precheck, suggest};
use std::hint::black_box;
use std::time::Instant;

const N: usize = 40;

fn prepare() -> Vec<(CaseFacts, Vec<Finding>, Outcome, Draft)> {
    let cfg = RulesConfig::default();
    (0..N)
        .map(|i| {
            let composed = fincase::fixtures::compose(20261126, i);
            let doc = DocumentText::from_pages(&composed.pages);
            let e = fincase::extract::extract("bench", &doc);
            let mut findings = e.findings.clone();
            findings.extend(precheck(&e.facts, &cfg));
            let outcome = suggest(&e.facts, &findings, &cfg);
            let d = draft::render(&e.facts, &findings, &outcome).expect("render");
            (e.facts, findings, outcome, d)
        })
        .collect()
}

fn html(cases: &[(CaseFacts, Vec<Finding>, Outcome, Draft)]) -> usize {
    cases
        .iter()
        .map(|(f, fi, o, _)| {
            let d = draft::render(f, fi, black_box(o)).expect("render");
            assert!(d.html.len() > 1000);
            d.html.len()
        })
        .sum()
}

fn docx(cases: &[(CaseFacts, Vec<Finding>, Outcome, Draft)]) -> usize {
    cases
        .iter()
        .map(|(_, _, _, d)| {
            let b = draft::to_docx(black_box(d)).expect("docx");
            assert!(b.starts_with(b"PK"));
            b.len()
        })
        .sum()
}

fn pdf(cases: &[(CaseFacts, Vec<Finding>, Outcome, Draft)]) -> usize {
    cases
        .iter()
        .map(|(_, _, _, d)| {
            let b = draft::to_pdf(black_box(d)).expect("pdf");
            assert!(b.starts_with(b"%PDF-"));
            b.len()
        })
        .sum()
}

type Format = fn(&[(CaseFacts, Vec<Finding>, Outcome, Draft)]) -> usize;

fn bench(c: &mut Criterion) {
    let cases = prepare();
    let formats: [(&str, Format); 3] = [("html", html), ("docx", docx), ("pdf", pdf)];
    let mut g = c.benchmark_group("draft_formats");
    g.throughput(Throughput::Elements(N as u64));
    for (name, f) in formats {
        g.bench_function(name, |b| b.iter(|| black_box(f(&cases))));
    }
    g.finish();

    // Same-process summary: drafts/s per format and the ratio to HTML (one thread).
    let mut rates = Vec::new();
    for (name, f) in formats {
        let t = Instant::now();
        let mut reps = 0;
        let mut bytes = 0;
        while t.elapsed().as_secs_f64() < 2.0 {
            bytes += f(&cases);
            reps += 1;
        }
        let per_s = (reps * N) as f64 / t.elapsed().as_secs_f64();
        rates.push((name, per_s, bytes / (reps * N)));
    }
    let base = rates[0].1;
    for (name, per_s, avg) in &rates {
        println!(
            "draft_formats summary: {name}: {per_s:.0} drafts/s on one thread, {avg} bytes/draft, \
             {:.1}× the time of HTML",
            base / per_s
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
