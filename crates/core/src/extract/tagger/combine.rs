//! Model spans → typed facts, and the combination with the rule extractor.
//!
//! [`model_facts`] types the tagger's spans with the same normalisers the rules use (an amount
//! span that `parse_amount` cannot read is dropped, not guessed). `combine` merges them with
//! the rules' [`Extraction`]: agreement raises nothing; a value only one side found is kept
//! (a model-only value with a lower confidence); a disagreement in which the model is sure of its
//! span (mean tag probability ≥ [`MODEL_ONLY_MIN_SCORE`]) keeps the rules' value, lowers its
//! confidence to at most 0.5 and adds a `field_conflict` finding at review severity naming both
//! readings, so that the judge checks it instead of trusting it; an unsure disagreeing span is
//! ignored.

use super::{TaggedSpan, Tagger};
use crate::domain::lpr::LprTable;
use crate::domain::{
    CaseFacts, Defendant, DefendantRole, DocumentText, FactField, Finding, FindingCode, Severity,
    SourceSpan, ValueKind, Yuan,
};
use crate::extract::amount::parse_amount;
use crate::extract::date::parse_date;
use crate::extract::rate::parse_rate;
use crate::extract::text::Flat;
use crate::extract::{Extraction, extract_with};
use std::collections::BTreeMap;

/// Which extractor produces the facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// The rules only (`extract::extract`).
    #[default]
    Rules,
    /// The tagger only (fields the model has no label for stay empty, except `image_only`).
    Model,
    /// Rules and model combined (`combine`).
    Combined,
}

/// The facts the model's spans give, with the span each value came from.
#[derive(Debug, Clone, Default)]
pub struct ModelFacts {
    /// The facts (only the fields the tagger labels are set).
    pub facts: CaseFacts,
    /// Field path → (char span in the flat text, score).
    pub spans: BTreeMap<String, (usize, usize, f32)>,
}

fn first<'a>(spans: &'a [TaggedSpan], label: &str) -> Option<&'a TaggedSpan> {
    spans.iter().find(|s| s.label == label)
}

/// The value read most often among spans of `label` (ties: the earliest), with its first span.
fn vote<'a, T: Clone + PartialEq>(
    spans: &'a [TaggedSpan],
    label: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<(T, &'a TaggedSpan)> {
    let mut seen: Vec<(T, usize, &'a TaggedSpan)> = Vec::new();
    for s in spans.iter().filter(|s| s.label == label) {
        if let Some(v) = parse(&s.text) {
            match seen.iter_mut().find(|x| x.0 == v) {
                Some(x) => x.1 += 1,
                None => seen.push((v, 1, s)),
            }
        }
    }
    let best = seen.iter().map(|x| x.1).max()?;
    seen.into_iter()
        .find(|x| x.1 == best)
        .map(|(v, _, s)| (v, s))
}

/// The sum of the first group of `label` amounts: spans of the label no further than 60 chars
/// apart, starting from the first (one claim lists 利息、罚息、复利 together; a later mention
/// in the narrative is not added again).
fn group_sum(spans: &[TaggedSpan], label: &str) -> Option<(Yuan, usize, usize, f32)> {
    let mut it = spans.iter().filter(|s| s.label == label);
    let first = it.next()?;
    let mut sum = parse_amount(&first.text)?;
    let (start, mut end, mut score) = (first.start, first.end, first.score);
    for s in it {
        if s.start > end + 60 {
            break;
        }
        if let Some(v) = parse_amount(&s.text) {
            sum = sum + v;
            end = s.end;
            score = score.min(s.score);
        }
    }
    Some((sum, start, end, score))
}

fn clean_name(s: &str) -> String {
    s.trim()
        .trim_matches(|c: char| "，,。：:；;（）()、".contains(c))
        .to_owned()
}

/// Types the tagger's spans of `text` into facts.
pub fn model_facts(spans: &[TaggedSpan]) -> ModelFacts {
    let mut m = ModelFacts::default();
    let put = |m: &mut ModelFacts, k: &str, s: &TaggedSpan| {
        m.spans.insert(k.to_owned(), (s.start, s.end, s.score));
    };
    if let Some(s) = first(spans, "court") {
        let v = clean_name(&s.text);
        if v.ends_with("法院") {
            m.facts.court = Some(v);
            put(&mut m, "court", s);
        }
    }
    if let Some(s) = first(spans, "plaintiff") {
        let name = clean_name(&s.text);
        if !name.is_empty() {
            m.facts.plaintiff = Some(crate::domain::Plaintiff {
                kind: crate::domain::PlaintiffKind::of_name(&name),
                name,
            });
            put(&mut m, "plaintiff.name", s);
        }
    }
    // Defendants: each name once, in order of first mention, with the role its label gives.
    for s in spans {
        let role = match s.label.as_str() {
            "borrower" => DefendantRole::Borrower,
            "co_borrower" => DefendantRole::CoBorrower,
            "guarantor" => DefendantRole::Guarantor,
            "mortgagor" => DefendantRole::Mortgagor,
            "cardholder" => DefendantRole::Cardholder,
            _ => continue,
        };
        let name = clean_name(&s.text);
        if name.is_empty() || m.facts.defendants.iter().any(|d| d.name == name) {
            continue;
        }
        m.facts.defendants.push(Defendant { name, role });
    }
    m.facts.claims.joint_liability = m
        .facts
        .defendants
        .iter()
        .any(|d| d.role == DefendantRole::Guarantor);
    if let Some((v, s)) = vote(spans, "contract_number", |t| {
        let v = clean_name(t);
        (!v.is_empty()).then_some(v)
    }) {
        m.facts.contract_number = Some(v);
        put(&mut m, "contract_number", s);
    }
    let dates: [(&str, FactField); 5] = [
        ("contract_date", FactField::ContractDate),
        ("maturity_date", FactField::MaturityDate),
        ("default_date", FactField::DefaultDate),
        ("cutoff_date", FactField::ClaimsInterestCutoffDate),
        ("filing_date", FactField::FilingDate),
    ];
    for (label, field) in dates {
        if let Some((d, s)) = vote(spans, label, parse_date) {
            field.set_date(&mut m.facts, Some(d));
            put(&mut m, field.path(), s);
        }
    }
    if let Some((v, s)) = vote(spans, "loan_amount", parse_amount) {
        m.facts.loan_amount = Some(v);
        put(&mut m, "loan_amount", s);
    }
    if let Some(s) = spans
        .iter()
        .find(|s| s.label == "principal" && parse_amount(&s.text).is_some())
    {
        m.facts.claims.principal = parse_amount(&s.text);
        put(&mut m, "claims.principal", s);
    }
    for (label, field) in [
        ("attorney_fee", "claims.attorney_fee"),
        ("total", "claims.stated_total"),
    ] {
        if let Some(s) = spans
            .iter()
            .find(|s| s.label == label && parse_amount(&s.text).is_some())
        {
            let v = parse_amount(&s.text);
            if field == "claims.attorney_fee" {
                m.facts.claims.attorney_fee = v;
            } else {
                m.facts.claims.stated_total = v;
            }
            put(&mut m, field, s);
        }
    }
    for (label, field) in [
        ("interest", "claims.interest"),
        ("other_fee", "claims.other_fees"),
    ] {
        if let Some((v, a, b, score)) = group_sum(spans, label) {
            if label == "interest" {
                m.facts.claims.interest = Some(v);
            } else {
                m.facts.claims.other_fees = Some(v);
            }
            m.spans.insert(field.to_owned(), (a, b, score));
        }
    }
    let contract = m.facts.contract_date;
    if let Some((r, s)) = vote(spans, "rate", |t| parse_rate(t, contract)) {
        m.facts.annual_interest_rate = Some(r);
        put(&mut m, "annual_interest_rate", s);
    }
    m
}

/// The gold-schema fields the tagger does not read (typed from others, or not text).
pub const NOT_TAGGED: [FactField; 4] = [
    FactField::CaseType,
    FactField::PlaintiffKind,
    FactField::ClaimsJointLiability,
    FactField::ImageOnly,
];

/// The fields the tagger can read: [`FactField::GOLD`] less [`NOT_TAGGED`].
pub fn model_fields() -> impl Iterator<Item = FactField> {
    FactField::GOLD
        .into_iter()
        .filter(|f| !NOT_TAGGED.contains(f))
}

/// Copies field `field` of `from` into `to` (the defendants bring the joint liability their
/// roles imply; the plaintiff's name brings its kind).
fn copy_field(to: &mut CaseFacts, from: &CaseFacts, field: FactField) {
    match field {
        FactField::Court => to.court = from.court.clone(),
        FactField::PlaintiffName => to.plaintiff = from.plaintiff.clone(),
        FactField::Defendants => {
            to.defendants = from.defendants.clone();
            to.claims.joint_liability = from.claims.joint_liability;
        }
        FactField::ContractNumber => to.contract_number = from.contract_number.clone(),
        FactField::AnnualInterestRate => to.annual_interest_rate = from.annual_interest_rate,
        FactField::LoanAmount
        | FactField::ClaimsPrincipal
        | FactField::ClaimsInterest
        | FactField::ClaimsAttorneyFee
        | FactField::ClaimsOtherFees
        | FactField::ClaimsStatedTotal => field.set_money(to, field.money(from)),
        f if f.kind() == ValueKind::Date => f.set_date(to, f.date(from)),
        // Not a field the tagger reads (`model_fields_are_eval_fields_and_each_is_copied`
        // checks that every other one is copied).
        _ => {}
    }
}

fn value(f: &CaseFacts, field: FactField) -> Option<String> {
    Some(field.debug_value(f)).filter(|v| v != "None" && v != "[]")
}

/// The flat text of a filing and a char → byte map (for provenance).
fn flat_of(doc: &DocumentText) -> (Flat, Vec<usize>) {
    let flat = Flat::new(doc);
    let mut map: Vec<usize> = flat.text.char_indices().map(|(i, _)| i).collect();
    map.push(flat.text.len());
    (flat, map)
}

fn source(flat: &Flat, map: &[usize], a: usize, b: usize, conf: f32) -> Option<SourceSpan> {
    let (x, y) = (*map.get(a)?, *map.get(b)?);
    let (page, start, end, text) = flat.origin_of(x..y);
    Some(SourceSpan {
        page,
        start,
        end,
        text,
        confidence: conf,
        ocr: false,
    })
}

/// Extracts one filing with the given `mode` (`tagger` is needed for `Model` and `Combined`;
/// without it they fall back to the rules), LPR-based rates read against `lpr` (a court's
/// table, `RulesConfig::lpr`).
pub fn extract_in_mode(
    id: &str,
    doc: &DocumentText,
    mode: Mode,
    tagger: Option<&Tagger>,
    lpr: &LprTable,
) -> Extraction {
    let rules = extract_with(id, doc, lpr);
    let Some(t) = tagger.filter(|_| mode != Mode::Rules) else {
        return rules;
    };
    let (flat, map) = flat_of(doc);
    let spans = t.tag(&flat.text);
    let mf = model_facts(&spans);
    let mut ex = match mode {
        Mode::Rules => rules,
        Mode::Model => {
            let mut facts = mf.facts.clone();
            facts.id = id.to_owned();
            facts.image_only = rules.facts.image_only;
            let mut provenance = crate::domain::Provenance::new();
            for (k, (a, b, s)) in &mf.spans {
                if let Some(src) = source(&flat, &map, *a, *b, *s) {
                    provenance.insert(k.clone(), src);
                }
            }
            Extraction {
                facts,
                provenance,
                findings: Vec::new(),
            }
        }
        Mode::Combined => combine(rules, &mf, &flat, &map),
    };
    crate::extract::ocr::mark(&mut ex, doc);
    ex
}

/// The least mean tag probability of a span for a value only the model found to be used.
pub const MODEL_ONLY_MIN_SCORE: f32 = 0.95;

/// Merges the rules' extraction with the model's facts (see the module doc).
fn combine(mut ex: Extraction, mf: &ModelFacts, flat: &Flat, map: &[usize]) -> Extraction {
    for field in model_fields() {
        let path = field.path();
        let r = value(&ex.facts, field);
        let m = value(&mf.facts, field);
        match (r, m) {
            (_, None) => {}
            (Some(r), Some(m)) if r == m => {
                if let Some(p) = ex.provenance.get_mut(path) {
                    p.confidence = p.confidence.max(0.97);
                }
            }
            (None, Some(_)) => {
                // A value only the model found is taken only when the model is sure of its
                // span: on the standard filings, where the rules are right, taking every
                // model-only value filled absent optional fields (律师费, 合计) with wrong ones.
                let (a, b, s) = mf.spans.get(path).copied().unwrap_or((0, 0, 0.5));
                if s < MODEL_ONLY_MIN_SCORE {
                    continue;
                }
                copy_field(&mut ex.facts, &mf.facts, field);
                if let Some(src) = source(flat, map, a, b, (s * 0.8).min(0.8)) {
                    ex.provenance.insert(path.to_owned(), src);
                }
                ex.findings.retain(|f| {
                    !(f.code == FindingCode::MissingField && f.field.as_deref() == Some(path))
                });
            }
            (Some(r), Some(m)) => {
                // Only a sure model reading is worth a judge's time: an unsure span that
                // disagrees (the model reads some layouts poorly) would put a finding on
                // nearly every filing and train reviewers to ignore them.
                let sure = mf
                    .spans
                    .get(path)
                    .is_some_and(|(_, _, s)| *s >= MODEL_ONLY_MIN_SCORE);
                if !sure {
                    continue;
                }
                if let Some(p) = ex.provenance.get_mut(path) {
                    p.confidence = p.confidence.min(0.5);
                }
                ex.findings.push(Finding::new(
                    FindingCode::FieldConflict,
                    Severity::Review,
                    Some(path),
                    format!(
                        "{}：规则读出 {r}，模型读出 {m}，两者不一致，请核对原文",
                        field.label()
                    ),
                ));
            }
        }
    }
    ex
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field the tagger reads is a gold-schema field, and `copy_field` copies each one
    /// (a name it does not know would copy nothing, so this fails if the lists drift apart).
    /// The facts are the committed demo batch's gold answers (`fixtures/demo/*.gold.json`).
    #[test]
    fn model_fields_are_eval_fields_and_each_is_copied() {
        let demo =
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/demo"));
        let mut golds: Vec<_> = std::fs::read_dir(demo)
            .expect("fixtures/demo")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".gold.json"))
            .collect();
        golds.sort();
        assert!(golds.len() >= 40, "{} gold files", golds.len());
        let mut seen = 0;
        for path in &golds {
            let text = std::fs::read_to_string(path).expect("gold file");
            let from: CaseFacts = serde_json::from_str(&text).expect("gold facts");
            for field in NOT_TAGGED {
                assert!(FactField::GOLD.contains(&field), "{field}");
            }
            for field in model_fields() {
                let mut to = CaseFacts::default();
                copy_field(&mut to, &from, field);
                assert_eq!(value(&to, field), value(&from, field), "{field}");
                seen += usize::from(value(&from, field).is_some());
            }
        }
        assert!(
            seen > golds.len() * 10,
            "the gold answers left most fields empty ({seen})"
        );
    }
}
