//! Amount normalisation (extract::amount) against plain decimal parsing of the same values.
//! Asserts the parsed sum so a broken parser cannot look fast.

use criterion::{Criterion, criterion_group, criterion_main};
use fincase::extract::amount::parse_amount;
use rust_decimal::Decimal;
use std::hint::black_box;
use std::str::FromStr;

const INPUTS: [(&str, &str); 8] = [
    ("人民币壹拾万元整", "100000"),
    ("¥1,234,567.89元", "1234567.89"),
    ("10万元", "100000"),
    ("叁仟零伍拾元伍角", "3050.5"),
    ("人民币52,300.10元", "52300.10"),
    ("1.5万元", "15000"),
    ("贰佰叁拾肆万伍仟陆佰柒拾捌元玖角捌分", "2345678.98"),
    ("￥8,000.00", "8000.00"),
];

fn bench(c: &mut Criterion) {
    let expected: Decimal = INPUTS
        .iter()
        .map(|(_, d)| Decimal::from_str(d).unwrap())
        .sum();
    let mut g = c.benchmark_group("amount_parse");
    g.bench_function("fincase_parse_amount_x8", |b| {
        b.iter(|| {
            let sum: Decimal = INPUTS
                .iter()
                .map(|(s, _)| {
                    parse_amount(black_box(s))
                        .map(|y| y.as_decimal())
                        .unwrap_or_default()
                })
                .sum();
            assert_eq!(sum, expected);
            sum
        })
    });
    g.bench_function("baseline_decimal_from_str_x8", |b| {
        b.iter(|| {
            let sum: Decimal = INPUTS
                .iter()
                .map(|(_, d)| Decimal::from_str(black_box(d)).unwrap())
                .sum();
            assert_eq!(sum, expected);
            sum
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
