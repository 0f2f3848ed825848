//! The committed models on a generated filing's complaint: element labels over its sentences and
//! the focus class of the whole text, against the baseline of building the n-gram bags alone
//! (the model's share of the time is the difference). Asserts the sentence count and that the
//! models name themselves.

use criterion::{Criterion, criterion_group, criterion_main};
use fincase::ml::{self, Models, features};
use std::hint::black_box;
use std::path::Path;

fn bench(c: &mut Criterion) {
    let models = Models::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models"))
        .unwrap_or_else(|e| panic!("models/ must load: {e}"));
    let text: String = fincase::fixtures::compose(20261126, 0).pages[0]
        .chars()
        .filter(|c| *c != '\n')
        .collect();
    let n = features::sentences(&text).len();
    assert!(n >= 5, "fixture complaint too short: {n} sentences");
    let mut g = c.benchmark_group("models");
    g.bench_function("annotate_filing", |b| {
        b.iter(|| {
            let a = ml::annotate(&models, black_box(&text));
            assert_eq!(a.sentences, n);
            assert!(a.elements_model.is_some());
        })
    });
    g.bench_function("bags_only_baseline", |b| {
        let v = &models.elements.vocab;
        b.iter(|| {
            let s = features::sentences(black_box(&text));
            let bags = ml::elements::document_bags(v, &s);
            assert_eq!(bags.len(), n);
            models.focus.vocab.bag(&text)
        })
    });
    // With the optional encoder installed (scripts/install-e5.sh) and loan-elements-e5 trained.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    if let Ok(m) = Models::load_with_e5(&dir)
        && m.elements_e5.is_some()
    {
        g.sample_size(10);
        g.bench_function("annotate_filing_e5", |b| {
            b.iter(|| {
                let a = ml::annotate(&m, black_box(&text));
                assert_eq!(a.sentences, n);
                assert!(
                    a.elements_model
                        .as_deref()
                        .is_some_and(|id| id.contains("e5-small"))
                );
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
