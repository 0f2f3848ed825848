//! Text → facts on composed filings (the generator's text, no PDF): per-field accuracy against
//! the gold, and every provenance span pointing at its own text.

use fincase::domain::{DocumentText, FindingCode};
use fincase::eval;
use fincase::extract::extract;
use fincase::fixtures::compose;

/// Per-field exact-match accuracy of [`extract`] against the generator's gold.
#[test]
fn accuracy_on_composed_filings() {
    use std::collections::BTreeMap;
    let n: usize = std::env::var("EXTRACT_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let seed: u64 = std::env::var("EXTRACT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20260);
    let mut right: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut wrong_examples: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for i in 0..n {
        let c = compose(seed, i);
        let mut doc = DocumentText::from_pages(&c.pages);
        for p in &c.image_pages {
            if let Some(pg) = doc.pages.get_mut(*p) {
                pg.needs_ocr = true;
            }
        }
        let e = extract(&c.gold.facts.id, &doc);
        let g = &c.gold.facts;
        let f = &e.facts;
        let mismatch_flag = e
            .findings
            .iter()
            .any(|x| x.code == FindingCode::AmountWordsMismatch);
        let gold_mismatch = c
            .gold
            .expected_flags
            .contains(&FindingCode::AmountWordsMismatch);
        // The gold-schema fields and the further ones, then two the test alone checks: the
        // plaintiff as a whole and the 大写 mismatch flag.
        let fields = eval::field_agreement(f, g)
            .into_iter()
            .chain(eval::extra_field_agreement(f, g))
            .map(|(name, ok)| {
                let detail = format!(
                    "{} vs {}",
                    eval::field_value(f, name).unwrap_or_default(),
                    eval::field_value(g, name).unwrap_or_default()
                );
                (name, ok, detail)
            });
        let checks = fields.chain([
            (
                "plaintiff",
                f.plaintiff == g.plaintiff,
                format!("{:?} vs {:?}", f.plaintiff, g.plaintiff),
            ),
            (
                "amount_words_mismatch",
                mismatch_flag == gold_mismatch,
                format!("{mismatch_flag} vs {gold_mismatch}"),
            ),
        ]);
        for (name, ok, detail) in checks {
            if ok {
                *right.entry(name).or_default() += 1;
            } else {
                right.entry(name).or_default();
                wrong_examples
                    .entry(name)
                    .or_default()
                    .push(format!("#{i}: {detail}"));
            }
        }
        if std::env::var("EXTRACT_DUMP").is_ok_and(|v| v.split(',').any(|x| x == i.to_string())) {
            eprintln!(
                "===== filing {i}\n{}\n----- gold {:#?}\n----- got {:#?}",
                c.pages.join("\n<<PAGE>>\n"),
                c.gold,
                e.facts
            );
        }
    }
    let mut report = String::new();
    let mut worst = 1.0f64;
    for (name, ok) in &right {
        let acc = *ok as f64 / n as f64;
        worst = worst.min(acc);
        report.push_str(&format!("{name:30} {acc:.3}\n"));
        if let Some(ex) = wrong_examples.get(name) {
            for e in ex.iter().take(4) {
                report.push_str(&format!("    {e}\n"));
            }
        }
    }
    eprintln!("{report}");
    assert!(worst >= 0.97, "per-field accuracy below 97 %:\n{report}");
}

/// Every provenance span points at its own text in its page.
#[test]
fn provenance_spans_match_page_text() {
    for i in 0..60 {
        let c = compose(31, i);
        let doc = DocumentText::from_pages(&c.pages);
        let e = extract(&c.gold.facts.id, &doc);
        assert!(e.provenance.contains_key("claims.principal"), "filing {i}");
        assert!(e.provenance.contains_key("court"), "filing {i}");
        for (field, span) in &e.provenance {
            let page = &doc.pages[span.page as usize - 1].text;
            let chars: Vec<char> = page.chars().collect();
            let got: String = chars[span.start as usize..span.end as usize]
                .iter()
                .collect();
            // Wrapped lines are joined for reading, so a span may straddle a line break.
            assert_eq!(
                got.replace('\n', ""),
                span.text.replace('\n', ""),
                "filing {i} {field}"
            );
            assert!(span.confidence > 0.0 && span.confidence <= 1.0);
        }
    }
}
