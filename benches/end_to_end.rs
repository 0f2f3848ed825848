//! The whole batch (`process_batch`: read, extract, rules, draft, store, index, write) over 40
//! generated filings, against the read-only pass over the same files as the baseline.
//! Asserts the counts.

use criterion::{Criterion, criterion_group, criterion_main};
use fincase::pipeline::{ProcessOptions, process_batch};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fincase::fixtures::write_batch(&input, 20261126, 40).unwrap();
    let mut g = c.benchmark_group("end_to_end_40");
    g.sample_size(10);
    let mut run = 0;
    g.bench_function("process_batch", |b| {
        b.iter(|| {
            run += 1;
            let out = tmp.path().join(format!("out{run}"));
            let mut o = ProcessOptions::new(&out, &tmp.path().join(format!("idx{run}")));
            o.progress = false;
            let s = process_batch(black_box(&input), &o).unwrap();
            assert_eq!(s.total, 40);
        })
    });
    g.bench_function("baseline_read_only", |b| {
        b.iter(|| {
            let entries = fincase::ingest::discover(black_box(&input)).unwrap();
            let mut n = 0;
            for e in entries.iter().flatten() {
                if fincase::ingest::read_pdf(&e.bytes).is_ok() {
                    n += 1;
                }
            }
            assert_eq!(n, 40);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
