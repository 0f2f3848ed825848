//! Generalisation of extraction beyond the standard generator's wording: the tagger's
//! training mechanics (labels aligned char by char, a tiny model can overfit one filing),
//! and the committed tagger and catalogue on template families held out from training.

use candle_core::DType;
use candle_nn::{VarBuilder, VarMap};
use fincase::extract::tagger::Tagger;
use fincase::extract::tagger::model::{TaggerConfig, TaggerNet, device};
use fincase::extract::tagger::vocab::CharVocab;
use fincase::fixtures::styles::{ENTITIES, Family, compose_family};
use fincase::fixtures::tagger_train::{Recipe, char_labels, fit, labels};

/// Every labelled span is `B-x` then `I-x` on exactly its chars, and nothing else is labelled.
#[test]
fn labels_align_with_spans_char_by_char() {
    let labs = labels();
    for fam in Family::ALL {
        let f = compose_family(9001, 3, fam);
        let (chars, y) = char_labels(&f);
        assert_eq!(chars.len(), y.len());
        assert_eq!(chars.len(), f.text.chars().count());
        let mut covered = vec![false; y.len()];
        for s in &f.spans {
            assert!(ENTITIES.contains(&s.label));
            assert_eq!(
                labs[y[s.start] as usize],
                format!("B-{}", s.label),
                "{fam:?}"
            );
            for (j, l) in y.iter().enumerate().take(s.end).skip(s.start + 1) {
                assert_eq!(
                    labs[*l as usize],
                    format!("I-{}", s.label),
                    "{fam:?} char {j}"
                );
            }
            covered[s.start..s.end].iter_mut().for_each(|c| *c = true);
        }
        for (j, l) in y.iter().enumerate() {
            assert_eq!(*l == 0, !covered[j], "{fam:?} char {j} {:?}", chars[j]);
        }
    }
}

/// A tiny model must fit one filing almost perfectly; if it cannot, training is broken (as it
/// was while candle-nn's fused layer norm stopped the gradients).
#[test]
fn tiny_tagger_overfits_one_filing() {
    let f = compose_family(9001, 0, Family::Prose);
    let (chars, y) = char_labels(&f);
    let vocab = CharVocab::build([f.text.as_str()], 1).unwrap_or_else(|e| panic!("{e}"));
    let cfg = TaggerConfig {
        name: "tagger".into(),
        version: 2,
        vocab_size: vocab.size(),
        embed: 32,
        channels: 48,
        dilations: vec![1, 2, 4, 8, 16],
        labels: labels(),
    };
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &device());
    let net = TaggerNet::new(vb, &cfg).unwrap_or_else(|e| panic!("{e}"));
    let recipe = Recipe {
        steps: 300,
        batch: 4,
        window: 256,
        lr: 5e-3,
        max_seconds: 120,
        ..Recipe::default()
    };
    let docs = vec![(chars, y)];
    let stats = fit(
        &net,
        &varmap,
        &vocab,
        &docs,
        &recipe,
        &[],
        std::time::Instant::now(),
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(stats.accuracy > 0.97, "char accuracy {}", stats.accuracy);
    let tagger = Tagger::from_parts(cfg, vocab, net);
    let spans = tagger.tag(&f.text);
    let found = f
        .spans
        .iter()
        .filter(|g| {
            spans
                .iter()
                .any(|p| p.start == g.start && p.end == g.end && p.label == g.label)
        })
        .count();
    assert!(
        found * 10 >= f.spans.len() * 9,
        "{found} of {} spans recovered",
        f.spans.len()
    );
}

/// Share of `n` filings on which each segmentation part agrees with the gold facts.
#[derive(Default, Debug)]
struct SegScore {
    n: usize,
    court: usize,
    date: usize,
    plaintiff: usize,
    defendants: usize,
    claims: usize,
}

fn seg_score(text: &str, gold: &fincase::domain::CaseFacts, s: &mut SegScore) {
    use fincase::extract::segment::{PartySide, segment};
    let seg = segment(text);
    let chars: Vec<char> = text.chars().collect();
    let at = |r: &std::ops::Range<usize>| chars[r.clone()].iter().collect::<String>();
    s.n += 1;
    s.court += usize::from(seg.court.as_ref().map(at) == gold.court);
    s.date += usize::from(seg.signature_date.map(|d| d.1) == gold.filing_date);
    let pl = seg.parties.iter().find(|p| p.side == PartySide::Plaintiff);
    s.plaintiff += usize::from(
        pl.map(|p| p.name.as_str()) == gold.plaintiff.as_ref().map(|p| p.name.as_str()),
    );
    let mut got: Vec<(String, Vec<_>)> = seg
        .parties
        .iter()
        .filter(|p| p.side == PartySide::Defendant)
        .map(|p| (p.name.clone(), p.roles.clone()))
        .collect();
    let mut want: Vec<(String, Vec<_>)> = gold
        .defendants
        .iter()
        .map(|d| (d.name.clone(), vec![d.role]))
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    want.sort_by(|a, b| a.0.cmp(&b.0));
    s.defendants += usize::from(got == want);
    s.claims += usize::from(!seg.claims.is_empty());
}

fn pct(a: usize, n: usize) -> f64 {
    100.0 * a as f64 / n.max(1) as f64
}

/// Segmentation against what the gold allows (court, signature date, parties with roles, at
/// least one claim), on the standard generator and every family. The standard generator's
/// complaints must segment right; the families' shares are reported (BENCHMARKS.md).
#[test]
fn segmentation_agrees_with_gold() {
    let n = 40;
    let mut std_score = SegScore::default();
    for i in 0..n {
        let f = fincase::fixtures::compose(4242, i);
        if f.gold.facts.image_only {
            continue;
        }
        seg_score(&f.pages.join("\n"), &f.gold.facts, &mut std_score);
    }
    let row = |name: &str, s: &SegScore| {
        println!(
            "segment {name:<13} n={:>3} court {:5.1}% date {:5.1}% plaintiff {:5.1}% defendants+roles {:5.1}% claims {:5.1}%",
            s.n,
            pct(s.court, s.n),
            pct(s.date, s.n),
            pct(s.plaintiff, s.n),
            pct(s.defendants, s.n),
            pct(s.claims, s.n)
        )
    };
    row("standard", &std_score);
    for fam in Family::ALL {
        let mut s = SegScore::default();
        for i in 0..n {
            let f = compose_family(4242, i, fam);
            seg_score(&f.text, &f.composed.gold.facts, &mut s);
        }
        row(fam.as_str(), &s);
    }
    assert!(pct(std_score.court, std_score.n) >= 95.0, "{std_score:?}");
    assert!(pct(std_score.date, std_score.n) >= 95.0, "{std_score:?}");
    assert!(
        pct(std_score.plaintiff, std_score.n) >= 95.0,
        "{std_score:?}"
    );
    assert!(pct(std_score.claims, std_score.n) >= 95.0, "{std_score:?}");
}

/// The catalogue (智能编目) against the families' gold documents: a document counts when an
/// entry has its type and exact page range. Reported per type (BENCHMARKS.md); the complaint
/// must always be found.
#[test]
fn catalogue_accuracy_per_document_type() {
    use fincase::domain::DocumentText;
    use fincase::extract::catalogue::catalogue;
    use std::collections::BTreeMap;
    let mut per: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    // The complaint must be found in every development family; the unseen families are
    // reported (their own pages: running headers above the title, tables across columns).
    let mut unseen_complaints = (0usize, 0usize);
    for fam in Family::ALL {
        let unseen = Family::UNSEEN.contains(&fam);
        for i in 0..40 {
            let f = compose_family(4242, i, fam);
            let doc = DocumentText::from_pages(&f.composed.pages);
            let got = catalogue(&doc);
            for g in &f.composed.gold.documents {
                let ok = got.iter().any(|e| {
                    e.kind == g.kind && e.first_page == g.first_page && e.last_page == g.last_page
                });
                if unseen {
                    if g.kind == fincase::domain::DocType::Complaint {
                        unseen_complaints.0 += usize::from(ok);
                        unseen_complaints.1 += 1;
                    }
                    continue;
                }
                let e = per.entry(g.kind.as_str()).or_default();
                e.0 += usize::from(ok);
                e.1 += 1;
            }
        }
    }
    let (mut ok, mut n) = (0, 0);
    for (k, (a, b)) in &per {
        println!("catalogue {k:<24} {a:>4}/{b:<4} {:5.1}%", pct(*a, *b));
        ok += a;
        n += b;
    }
    println!("catalogue all {ok}/{n} {:5.1}%", pct(ok, n));
    println!(
        "catalogue unseen families: complaint {}/{} {:5.1}%",
        unseen_complaints.0,
        unseen_complaints.1,
        pct(unseen_complaints.0, unseen_complaints.1)
    );
    let c = per.get("complaint").copied().unwrap_or_default();
    assert!(c.1 > 0 && c.0 == c.1, "complaint found {}/{}", c.0, c.1);
}

/// The rule extractor on every development family, from the composed pages (no PDF):
/// per-field exact match over 40 filings of a seed no rule was written against. Every field
/// must reach 95 % on every family, case_type 85 % (the measured shares, from the PDFs, are in
/// models/tagger/MODEL_CARD.md and BENCHMARKS.md).
#[test]
fn rules_read_every_family() {
    use fincase::domain::DocumentText;
    use fincase::eval::{FIELDS, field_value};
    let n = 40;
    let mut failed = Vec::new();
    for fam in Family::DEVELOPMENT {
        let mut ok = [0usize; FIELDS.len()];
        for i in 0..n {
            let f = compose_family(5151, i, fam);
            let doc = DocumentText::from_pages(&f.composed.pages);
            let got = fincase::extract::extract("t", &doc).facts;
            let gold = &f.composed.gold.facts;
            for (k, field) in FIELDS.iter().enumerate() {
                ok[k] += usize::from(field_value(&got, field) == field_value(gold, field));
            }
        }
        for (k, field) in FIELDS.iter().enumerate() {
            println!(
                "rules {:<13} {field:<28} {:5.1}%",
                fam.as_str(),
                pct(ok[k], n)
            );
            // case_type is left implicit by some hands (no 案由 words) and then inferred from
            // the filing's words and the plaintiff: a 保证合同纠纷 that also sues the borrower
            // reads exactly like a bank's loan with guarantors, so a lower bar, stated rather
            // than hidden.
            let bar = match *field {
                "case_type" => 85.0,
                _ => 95.0,
            };
            if pct(ok[k], n) < bar {
                failed.push(format!("{fam:?} {field}: {}/{n}", ok[k]));
            }
        }
    }
    assert!(failed.is_empty(), "{failed:?}");
}

/// The families kept out of all development (`Family::UNSEEN`, written by other hands): the
/// rule extractor's per-field exact match over 40 composed filings each, reported, and held at
/// the level first measured (BENCHMARKS.md, "Unseen families"): a rule change may raise these
/// numbers only as a side effect of general law, never by being fitted to them, and must not
/// lower them.
#[test]
fn rules_on_the_unseen_families() {
    use fincase::domain::DocumentText;
    use fincase::eval::{FIELDS, field_value};
    let n = 40;
    let (mut ok_all, mut n_all) = (0usize, 0usize);
    for fam in Family::UNSEEN {
        let mut ok = [0usize; FIELDS.len()];
        for i in 0..n {
            let f = compose_family(5151, i, fam);
            let doc = DocumentText::from_pages(&f.composed.pages);
            let got = fincase::extract::extract("t", &doc).facts;
            let gold = &f.composed.gold.facts;
            for (k, field) in FIELDS.iter().enumerate() {
                ok[k] += usize::from(field_value(&got, field) == field_value(gold, field));
            }
        }
        let fam_ok: usize = ok.iter().sum();
        println!(
            "unseen {:<11} all fields {:5.1}%",
            fam.as_str(),
            pct(fam_ok, n * FIELDS.len())
        );
        for (k, field) in FIELDS.iter().enumerate() {
            if ok[k] < n {
                println!(
                    "unseen {:<11} {field:<28} {:5.1}%",
                    fam.as_str(),
                    pct(ok[k], n)
                );
            }
        }
        ok_all += fam_ok;
        n_all += n * FIELDS.len();
    }
    println!(
        "unseen all families, all fields {:5.1}%",
        pct(ok_all, n_all)
    );
    assert!(pct(ok_all, n_all) >= UNSEEN_FLOOR, "{ok_all}/{n_all}");
}

/// The unseen families' field accuracy (all fields, all five families, composed pages of seed
/// 5151), less one point of slack: 84.5 % when first measured, 88.5 % after the general
/// page-furniture rule (page numbers, running headers and footers; BENCHMARKS.md).
const UNSEEN_FLOOR: f64 = 87.5;

/// A complaint in a hand none of the families write: the court addressed at the top
/// (`致：`), parties without colons (`原告某银行…，住所地`, `被告张三（借款人），男`), claims
/// under `请求判令`, a court whose name holds 向 (向阳区), and the signature closing.
#[test]
fn rules_read_an_unseen_layout() {
    use fincase::domain::{DefendantRole, DocumentText};
    let text = "起诉书\n致：佳木斯市向阳区人民法院\n原告佳木斯农村商业银行股份有限公司，住所地佳木斯市长安路1号。\n被告王五（借款人），男，1980年1月1日出生，住佳木斯市前进路2号。\n被告赵六，女，住佳木斯市前进路3号，系本案保证人。\n原告与被告因金融借款合同纠纷一案，具状如下。\n请求判令：\n一、被告王五偿还借款本金人民币50,000.00元；\n二、被告赵六承担连带清偿责任。\n事实与理由：\n2022年3月1日，原告与被告王五签订《个人借款合同》，约定借款5万元。被告王五自2023年1月2日起未按约还款。\n特此向佳木斯市向阳区人民法院起诉。\n起诉人：佳木斯农村商业银行股份有限公司\n2024年2月3日";
    let doc = DocumentText::from_pages(&[text]);
    let f = fincase::extract::extract("t", &doc).facts;
    assert_eq!(f.court.as_deref(), Some("佳木斯市向阳区人民法院"));
    assert_eq!(
        f.plaintiff.as_ref().map(|p| p.name.as_str()),
        Some("佳木斯农村商业银行股份有限公司")
    );
    let d: Vec<(&str, DefendantRole)> = f
        .defendants
        .iter()
        .map(|d| (d.name.as_str(), d.role))
        .collect();
    assert_eq!(
        d,
        [
            ("王五", DefendantRole::Borrower),
            ("赵六", DefendantRole::Guarantor)
        ]
    );
    assert_eq!(
        f.claims.principal.map(|y| y.to_string()).as_deref(),
        Some("50000.00")
    );
    assert_eq!(
        f.filing_date.map(|d| d.to_string()).as_deref(),
        Some("2024-02-03")
    );
    assert_eq!(
        f.default_date.map(|d| d.to_string()).as_deref(),
        Some("2023-01-02")
    );
}
