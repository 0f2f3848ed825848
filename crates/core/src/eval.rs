//! `eval`: how well extraction agrees with gold answers, field by field.
//!
//! Used by the integration tests on generated fixtures, by `fincase eval extract` and by data
//! teams on their own gold files (same schema). Pure: compares values and builds reports; it does
//! no IO (reading gold files and PDFs belongs to the caller).

use crate::domain::{CaseFacts, FactField, FindingCode};
use serde::Serialize;
use std::collections::BTreeMap;

/// The gold-schema fields compared, in report order: the paths of [`FactField::GOLD`].
pub const FIELDS: [&str; 20] = paths(FactField::GOLD);

/// Further [`CaseFacts`] fields compared by the extraction accuracy test (not in the gold
/// schema that data teams score, so not in [`FIELDS`] or [`Scoreboard`]): the paths of
/// [`FactField::EXTRA`].
pub const EXTRA_FIELDS: [&str; 4] = paths(FactField::EXTRA);

const fn paths<const N: usize>(fields: [FactField; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = fields[i].path();
        i += 1;
    }
    out
}

/// Whether each gold-schema field of `pred` equals `gold` exactly (names, roles and order of
/// defendants included).
pub fn field_agreement(pred: &CaseFacts, gold: &CaseFacts) -> BTreeMap<&'static str, bool> {
    agreement(&FactField::GOLD, pred, gold)
}

/// Whether each of [`EXTRA_FIELDS`] of `pred` equals `gold` exactly.
pub fn extra_field_agreement(pred: &CaseFacts, gold: &CaseFacts) -> BTreeMap<&'static str, bool> {
    agreement(&FactField::EXTRA, pred, gold)
}

fn agreement(
    fields: &[FactField],
    pred: &CaseFacts,
    gold: &CaseFacts,
) -> BTreeMap<&'static str, bool> {
    fields
        .iter()
        .map(|f| (f.path(), f.agrees(pred, gold)))
        .collect()
}

/// The compared field at `path` (one of [`FIELDS`] or [`EXTRA_FIELDS`]).
fn compared(path: &str) -> Option<FactField> {
    FactField::from_path(path)
        .filter(|f| FactField::GOLD.contains(f) || FactField::EXTRA.contains(f))
}

/// The value of `field` (one of [`FIELDS`] or [`EXTRA_FIELDS`]) in `facts`, in `{:?}` form, for
/// reporting a disagreement; `None` for any other name.
pub fn field_value(facts: &CaseFacts, field: &str) -> Option<String> {
    compared(field).map(|f| f.debug_value(facts))
}

/// Whether `field` (one of [`FIELDS`] or [`EXTRA_FIELDS`]) is stated in `facts`: `Some` for an
/// optional value, a non-empty defendant list; `true` for a yes/no field (always stated, so its
/// precision and recall equal its accuracy). `None` for any other name.
pub fn field_present(facts: &CaseFacts, field: &str) -> Option<bool> {
    compared(field).map(|f| f.is_stated(facts))
}

/// Precision, recall and F1 from counts; `None` where a denominator is zero.
fn prf(
    correct: usize,
    predicted: usize,
    expected: usize,
) -> (Option<f64>, Option<f64>, Option<f64>) {
    let ratio = |n: usize, d: usize| (d > 0).then(|| n as f64 / d as f64);
    let p = ratio(correct, predicted);
    let r = ratio(correct, expected);
    let f1 = match (p, r) {
        (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    };
    (p, r, f1)
}

/// Accumulates agreement over many filings.
#[derive(Debug, Default, Clone)]
pub struct Scoreboard {
    /// Filings scored.
    pub filings: usize,
    /// Per field: how many agreed.
    pub agreed: BTreeMap<&'static str, usize>,
    /// Per field: (predictions stated, gold values stated, predictions stated and right), the
    /// counts behind [`Scoreboard::precision`] and [`Scoreboard::recall`].
    pub stated: BTreeMap<&'static str, (usize, usize, usize)>,
    /// Filings whose flag set equals the expected one exactly.
    pub flags_exact: usize,
    /// Per flag: (true positives, false positives, false negatives).
    pub flag_counts: BTreeMap<FindingCode, (usize, usize, usize)>,
}

impl Scoreboard {
    /// Adds one filing's prediction (facts and flags) against its gold.
    pub fn add(
        &mut self,
        pred: &CaseFacts,
        pred_flags: &[FindingCode],
        gold: &CaseFacts,
        gold_flags: &[FindingCode],
    ) {
        self.filings += 1;
        for (field, ok) in field_agreement(pred, gold) {
            *self.agreed.entry(field).or_default() += usize::from(ok);
            let p = field_present(pred, field).unwrap_or(false);
            let g = field_present(gold, field).unwrap_or(false);
            let e = self.stated.entry(field).or_default();
            e.0 += usize::from(p);
            e.1 += usize::from(g);
            e.2 += usize::from(p && ok);
        }
        let mut a: Vec<FindingCode> = pred_flags.to_vec();
        let mut b: Vec<FindingCode> = gold_flags.to_vec();
        a.sort();
        a.dedup();
        b.sort();
        b.dedup();
        if a == b {
            self.flags_exact += 1;
        }
        for code in FindingCode::ALL {
            let (p, g) = (a.contains(&code), b.contains(&code));
            let e = self.flag_counts.entry(code).or_default();
            match (p, g) {
                (true, true) => e.0 += 1,
                (true, false) => e.1 += 1,
                (false, true) => e.2 += 1,
                (false, false) => {}
            }
        }
    }

    /// Share of filings on which `field` agreed (0 when nothing was scored).
    pub fn accuracy(&self, field: &str) -> f64 {
        if self.filings == 0 {
            return 0.0;
        }
        self.agreed.get(field).copied().unwrap_or(0) as f64 / self.filings as f64
    }

    /// Right stated predictions of `field` over stated predictions (`None` when none was stated).
    pub fn precision(&self, field: &str) -> Option<f64> {
        self.field_prf(field).0
    }

    /// Right stated predictions of `field` over stated gold values (`None` when gold never
    /// states it).
    pub fn recall(&self, field: &str) -> Option<f64> {
        self.field_prf(field).1
    }

    /// Harmonic mean of [`Scoreboard::precision`] and [`Scoreboard::recall`] (`None` when
    /// either is undefined).
    pub fn f1(&self, field: &str) -> Option<f64> {
        self.field_prf(field).2
    }

    fn field_prf(&self, field: &str) -> (Option<f64>, Option<f64>, Option<f64>) {
        let (p, g, ok) = self.stated.get(field).copied().unwrap_or_default();
        prf(ok, p, g)
    }

    /// Precision, recall and F1 of one flag from its (tp, fp, fn) counts; each `None` where
    /// its denominator is zero.
    pub fn flag_prf(&self, code: FindingCode) -> (Option<f64>, Option<f64>, Option<f64>) {
        let (tp, fp, fne) = self.flag_counts.get(&code).copied().unwrap_or_default();
        prf(tp, tp + fp, tp + fne)
    }

    /// A plain-text table of per-field accuracy and per-flag precision/recall.
    pub fn report(&self) -> String {
        let mut s = format!("{} filings\n", self.filings);
        for field in FIELDS {
            s.push_str(&format!(
                "  {field:<28} {:>6.1}%\n",
                100.0 * self.accuracy(field)
            ));
        }
        s.push_str(&format!(
            "  flags exactly right          {:>6.1}%\n",
            100.0 * self.flags_exact as f64 / self.filings.max(1) as f64
        ));
        for (code, (tp, fp, fne)) in &self.flag_counts {
            if tp + fp + fne > 0 {
                s.push_str(&format!(
                    "  flag {:<24} tp={tp} fp={fp} fn={fne}\n",
                    code.as_str()
                ));
            }
        }
        s
    }
}

/// What an extractor produced for one filing: its facts and flag codes.
#[derive(Debug, Clone, Default)]
pub struct Prediction {
    /// The extracted facts.
    pub facts: CaseFacts,
    /// The flag codes raised.
    pub flags: Vec<FindingCode>,
}

/// One gold filing to score, with its prediction or the reason there is none.
#[derive(Debug, Clone)]
pub struct EvalItem {
    /// The gold facts (their `id` names the filing in the report).
    pub gold: CaseFacts,
    /// The flag codes the gold expects.
    pub gold_flags: Vec<FindingCode>,
    /// The prediction, or why none exists (no PDF, unreadable PDF, no `--pred` line).
    pub pred: Result<Prediction, String>,
}

/// A gold filing without a prediction; scored as if nothing had been extracted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingPrediction {
    /// Filing id.
    pub id: String,
    /// Why there is no prediction.
    pub reason: String,
}

/// One disagreement on one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Miss {
    /// Filing id.
    pub id: String,
    /// The predicted value, in `{:?}` form.
    pub predicted: String,
    /// The gold value, in `{:?}` form.
    pub gold: String,
}

/// The scores of one field over all filings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldScore {
    /// The field, as in [`FIELDS`].
    pub field: &'static str,
    /// Filings on which the prediction equals the gold (both unstated counts as equal).
    pub correct: usize,
    /// `correct` over filings.
    pub accuracy: f64,
    /// Filings whose prediction states the field.
    pub predicted: usize,
    /// Filings whose gold states the field.
    pub expected: usize,
    /// Stated predictions that are right.
    pub correct_stated: usize,
    /// `correct_stated / predicted` (`None` when nothing was predicted).
    pub precision: Option<f64>,
    /// `correct_stated / expected` (`None` when the gold never states the field).
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
    /// Disagreements, in input order, at most the requested number.
    pub misses: Vec<Miss>,
    /// All disagreements (may exceed `misses.len()`).
    pub miss_count: usize,
}

/// The scores of one flag code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagScore {
    /// The flag code.
    pub code: FindingCode,
    /// Raised and expected.
    pub tp: usize,
    /// Raised, not expected.
    pub fp: usize,
    /// Expected, not raised.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// `tp / (tp + fp)`.
    pub precision: Option<f64>,
    /// `tp / (tp + fn)`.
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
}

/// Per-field accuracy over the filings of one case type (by the gold's `case_type`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseTypeScore {
    /// Filings of this case type.
    pub filings: usize,
    /// Field → accuracy, for every field of [`FIELDS`].
    pub accuracy: BTreeMap<&'static str, f64>,
}

/// The report of `fincase eval extract`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtractionEval {
    /// Gold filings scored.
    pub filings: usize,
    /// Of those, how many had a prediction.
    pub predicted: usize,
    /// Gold filings without a prediction.
    pub missing: Vec<MissingPrediction>,
    /// Prediction ids with no gold file (not scored; filled by the caller).
    pub unmatched_predictions: Vec<String>,
    /// Per field, in [`FIELDS`] order.
    pub fields: Vec<FieldScore>,
    /// Share of filings whose flag set equals the gold one exactly.
    pub flags_exact: f64,
    /// Per flag code raised or expected at least once, in [`FindingCode`] order.
    pub flags: Vec<FlagScore>,
    /// Case type (`financial_loan`, …, or `unknown` when the gold has none) → scores.
    pub by_case_type: BTreeMap<String, CaseTypeScore>,
    /// How well OCR read a scanned batch (gold folders with `<id>.pages.txt`; filled by the
    /// caller).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr: Option<OcrScore>,
}

/// OCR text scored against the text the scanned pages show.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OcrScore {
    /// Filings scored.
    pub filings: usize,
    /// Pages read by OCR.
    pub pages_read: usize,
    /// Scanned pages OCR could not read (still needing OCR).
    pub pages_unread: usize,
    /// Characters of the true text (whitespace left out).
    pub chars: usize,
    /// Edits (insertions, deletions, substitutions) between the OCR text and the true text.
    pub errors: usize,
    /// `1 - errors / chars`.
    pub char_accuracy: f64,
}

impl OcrScore {
    /// Adds one filing: its text as read and the true text.
    pub fn add(&mut self, read: &str, truth: &str, pages_read: usize, pages_unread: usize) {
        let (errors, chars) = char_errors(read, truth);
        self.filings += 1;
        self.pages_read += pages_read;
        self.pages_unread += pages_unread;
        self.errors += errors;
        self.chars += chars;
        self.char_accuracy = 1.0 - self.errors as f64 / self.chars.max(1) as f64;
    }
}

/// Levenshtein distance between the non-whitespace characters of `read` and of `truth`, and
/// the number of the latter: (errors, chars).
pub fn char_errors(read: &str, truth: &str) -> (usize, usize) {
    let a: Vec<char> = read.chars().filter(|c| !c.is_whitespace()).collect();
    let b: Vec<char> = truth.chars().filter(|c| !c.is_whitespace()).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[b.len()], b.len())
}

/// Scores `items`, keeping at most `max_misses` example disagreements per field. A missing
/// prediction is scored as an empty extraction (wrong wherever the gold states a value).
pub fn evaluate_extraction(items: &[EvalItem], max_misses: usize) -> ExtractionEval {
    let mut board = Scoreboard::default();
    let mut by_type: BTreeMap<String, Scoreboard> = BTreeMap::new();
    let mut missing = Vec::new();
    let mut misses: BTreeMap<&'static str, (Vec<Miss>, usize)> = BTreeMap::new();
    for item in items {
        let empty;
        let (pred, pred_flags) = match &item.pred {
            Ok(p) => (&p.facts, p.flags.as_slice()),
            Err(reason) => {
                missing.push(MissingPrediction {
                    id: item.gold.id.clone(),
                    reason: reason.clone(),
                });
                empty = CaseFacts::default();
                (&empty, &[][..])
            }
        };
        board.add(pred, pred_flags, &item.gold, &item.gold_flags);
        let kind = item
            .gold
            .case_type
            .map_or("unknown", |t| t.as_str())
            .to_string();
        by_type
            .entry(kind)
            .or_default()
            .add(pred, pred_flags, &item.gold, &item.gold_flags);
        for (field, ok) in field_agreement(pred, &item.gold) {
            if ok {
                continue;
            }
            let entry = misses.entry(field).or_default();
            entry.1 += 1;
            if entry.0.len() < max_misses {
                entry.0.push(Miss {
                    id: item.gold.id.clone(),
                    predicted: field_value(pred, field).unwrap_or_default(),
                    gold: field_value(&item.gold, field).unwrap_or_default(),
                });
            }
        }
    }
    let fields = FIELDS
        .into_iter()
        .map(|field| {
            let (predicted, expected, correct_stated) =
                board.stated.get(field).copied().unwrap_or_default();
            let (precision, recall, f1) = board.field_prf(field);
            let (examples, miss_count) = misses.remove(field).unwrap_or_default();
            FieldScore {
                field,
                correct: board.agreed.get(field).copied().unwrap_or(0),
                accuracy: board.accuracy(field),
                predicted,
                expected,
                correct_stated,
                precision,
                recall,
                f1,
                misses: examples,
                miss_count,
            }
        })
        .collect();
    let flags = board
        .flag_counts
        .iter()
        .filter(|(_, (tp, fp, fne))| tp + fp + fne > 0)
        .map(|(&code, &(tp, fp, fn_))| {
            let (precision, recall, f1) = board.flag_prf(code);
            FlagScore {
                code,
                tp,
                fp,
                fn_,
                precision,
                recall,
                f1,
            }
        })
        .collect();
    let by_case_type = by_type
        .into_iter()
        .map(|(kind, b)| {
            let accuracy = FIELDS.into_iter().map(|f| (f, b.accuracy(f))).collect();
            (
                kind,
                CaseTypeScore {
                    filings: b.filings,
                    accuracy,
                },
            )
        })
        .collect();
    ExtractionEval {
        filings: board.filings,
        predicted: board.filings - missing.len(),
        missing,
        unmatched_predictions: Vec::new(),
        fields,
        flags_exact: if board.filings == 0 {
            0.0
        } else {
            board.flags_exact as f64 / board.filings as f64
        },
        flags,
        by_case_type,
        ocr: None,
    }
}

/// A percentage with one decimal, or `—` when undefined.
fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |x| format!("{:.1}", 100.0 * x))
}

impl ExtractionEval {
    /// The report as a plain-text table: per field accuracy/precision/recall/F1, per flag
    /// tp/fp/fn and precision/recall/F1, per case type the accuracy of each field, then the
    /// misses and missing predictions.
    pub fn to_table(&self) -> String {
        let mut s = format!(
            "{} gold filings, {} predicted, {} missing\n\n",
            self.filings,
            self.predicted,
            self.missing.len()
        );
        s.push_str(&format!(
            "{:<28} {:>7} {:>7} {:>7} {:>7} {:>6}\n",
            "field", "acc%", "prec%", "rec%", "F1%", "misses"
        ));
        for f in &self.fields {
            s.push_str(&format!(
                "{:<28} {:>7} {:>7} {:>7} {:>7} {:>6}\n",
                f.field,
                pct(Some(f.accuracy)),
                pct(f.precision),
                pct(f.recall),
                pct(f.f1),
                f.miss_count
            ));
        }
        s.push_str(&format!(
            "\nflags exactly right: {}%\n",
            pct(Some(self.flags_exact))
        ));
        if let Some(o) = &self.ocr {
            s.push_str(&format!(
                "OCR: {} pages read, {} unread; character accuracy {}% ({} errors in {} characters)\n",
                o.pages_read,
                o.pages_unread,
                pct(Some(o.char_accuracy)),
                o.errors,
                o.chars
            ));
        }
        if !self.flags.is_empty() {
            s.push_str(&format!(
                "{:<28} {:>5} {:>5} {:>5} {:>7} {:>7} {:>7}\n",
                "flag", "tp", "fp", "fn", "prec%", "rec%", "F1%"
            ));
            for f in &self.flags {
                s.push_str(&format!(
                    "{:<28} {:>5} {:>5} {:>5} {:>7} {:>7} {:>7}\n",
                    f.code.as_str(),
                    f.tp,
                    f.fp,
                    f.fn_,
                    pct(f.precision),
                    pct(f.recall),
                    pct(f.f1)
                ));
            }
        }
        if !self.by_case_type.is_empty() {
            s.push_str("\naccuracy % by case type\n");
            s.push_str(&format!("{:<28}", "field"));
            let mut widths = Vec::new();
            for (kind, score) in &self.by_case_type {
                let head = format!("{kind} ({})", score.filings);
                widths.push(head.len().max(6));
                s.push_str(&format!(" {head:>6}"));
            }
            s.push('\n');
            for field in FIELDS {
                s.push_str(&format!("{field:<28}"));
                for (score, w) in self.by_case_type.values().zip(&widths) {
                    let acc = score.accuracy.get(field).copied();
                    s.push_str(&format!(" {:>w$}", pct(acc)));
                }
                s.push('\n');
            }
        }
        let with_misses: Vec<&FieldScore> = self
            .fields
            .iter()
            .filter(|f| !f.misses.is_empty())
            .collect();
        if !with_misses.is_empty() {
            s.push_str("\nmisses (id: predicted vs gold)\n");
            for f in with_misses {
                s.push_str(&format!("{} ({}):\n", f.field, f.miss_count));
                for m in &f.misses {
                    s.push_str(&format!("  {}: {} vs {}\n", m.id, m.predicted, m.gold));
                }
            }
        }
        if !self.missing.is_empty() {
            s.push_str("\nmissing predictions\n");
            for m in &self.missing {
                s.push_str(&format!("  {}: {}\n", m.id, m.reason));
            }
        }
        if !self.unmatched_predictions.is_empty() {
            s.push_str(&format!(
                "\npredictions without gold (not scored): {}\n",
                self.unmatched_predictions.join(", ")
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CaseType, Yuan};

    #[test]
    fn counts_agreement_and_flag_errors() {
        let gold = CaseFacts {
            court: Some("甲市乙区人民法院".into()),
            ..Default::default()
        };
        let mut pred = gold.clone();
        pred.claims.principal = Some(Yuan::from_fen(100));
        let mut board = Scoreboard::default();
        board.add(&pred, &[FindingCode::NeedsOcr], &gold, &[]);
        board.add(&gold, &[], &gold, &[]);
        assert_eq!(board.accuracy("court"), 1.0);
        assert_eq!(board.accuracy("claims.principal"), 0.5);
        assert_eq!(board.flags_exact, 1);
        assert_eq!(board.flag_counts[&FindingCode::NeedsOcr], (0, 1, 0));
    }

    #[test]
    fn every_compared_field_has_a_value() {
        let facts = CaseFacts::default();
        for field in FIELDS.into_iter().chain(EXTRA_FIELDS) {
            assert!(field_value(&facts, field).is_some(), "{field}");
        }
        assert_eq!(field_value(&facts, "no_such_field"), None);
        let mut pred = facts.clone();
        pred.guarantee_period_months = Some(24);
        let agree = extra_field_agreement(&pred, &facts);
        assert_eq!(agree.len(), EXTRA_FIELDS.len());
        assert!(!agree["guarantee_period_months"]);
        assert!(agree["penalty_rate"]);
        assert_eq!(
            field_value(&pred, "guarantee_period_months").as_deref(),
            Some("Some(24)")
        );
    }

    fn facts(id: &str, kind: CaseType, principal: i64, court: Option<&str>) -> CaseFacts {
        let mut f = CaseFacts {
            id: id.into(),
            case_type: Some(kind),
            court: court.map(Into::into),
            ..Default::default()
        };
        f.claims.principal = Some(Yuan::from_fen(principal));
        f
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn extraction_report_has_exact_accuracy_precision_recall_and_f1() {
        let x = FindingCode::InterestOverCap;
        let mut gold_a = facts("a", CaseType::FinancialLoan, 100, Some("X"));
        gold_a.claims.interest = Some(Yuan::from_fen(10));
        let gold_b = facts("b", CaseType::CreditCard, 200, None);
        let gold_c = facts("c", CaseType::FinancialLoan, 300, Some("Y"));
        let mut pred_a = gold_a.clone();
        pred_a.claims.interest = Some(Yuan::from_fen(11));
        let pred_b = facts("b", CaseType::CreditCard, 201, Some("Z"));
        let items = vec![
            EvalItem {
                gold: gold_a,
                gold_flags: vec![x],
                pred: Ok(Prediction {
                    facts: pred_a,
                    flags: vec![x],
                }),
            },
            EvalItem {
                gold: gold_b,
                gold_flags: vec![],
                pred: Ok(Prediction {
                    facts: pred_b,
                    flags: vec![x],
                }),
            },
            EvalItem {
                gold: gold_c,
                gold_flags: vec![x],
                pred: Err("no PDF".into()),
            },
        ];
        let r = evaluate_extraction(&items, 1);
        assert_eq!((r.filings, r.predicted), (3, 2));
        assert_eq!(
            r.missing,
            vec![MissingPrediction {
                id: "c".into(),
                reason: "no PDF".into()
            }]
        );
        let field = |name: &str| r.fields.iter().find(|f| f.field == name).unwrap();

        // principal: a right; b stated wrong; c missing. 2 stated, 3 in gold, 1 right.
        let p = field("claims.principal");
        assert_eq!(
            (p.correct, p.predicted, p.expected, p.correct_stated),
            (1, 2, 3, 1)
        );
        assert_eq!(p.accuracy, 1.0 / 3.0);
        assert!(close(p.precision, 0.5) && close(p.recall, 1.0 / 3.0) && close(p.f1, 0.4));
        assert_eq!(p.miss_count, 2);
        assert_eq!(
            p.misses,
            vec![Miss {
                id: "b".into(),
                predicted: "Some(Yuan(2.01))".into(),
                gold: "Some(Yuan(2.00))".into(),
            }]
        );

        // court: a right; b stated where gold has none; c missed.
        let c = field("court");
        assert_eq!(
            (c.correct, c.predicted, c.expected, c.correct_stated),
            (1, 2, 2, 1)
        );
        assert!(close(c.precision, 0.5) && close(c.recall, 0.5) && close(c.f1, 0.5));

        // interest: only a states it, wrongly; b and c agree on "none".
        let i = field("claims.interest");
        assert_eq!(i.accuracy, 2.0 / 3.0);
        assert!(close(i.precision, 0.0) && close(i.recall, 0.0) && close(i.f1, 0.0));

        // nobody states the contract number: accurate, precision/recall undefined.
        let n = field("contract_number");
        assert_eq!(n.accuracy, 1.0);
        assert_eq!((n.precision, n.recall, n.f1), (None, None, None));

        // flag: tp on a, fp on b, fn on c (missing prediction raises nothing).
        assert_eq!(r.flags.len(), 1);
        let f = &r.flags[0];
        assert_eq!((f.code, f.tp, f.fp, f.fn_), (x, 1, 1, 1));
        assert!(close(f.precision, 0.5) && close(f.recall, 0.5) && close(f.f1, 0.5));
        assert_eq!(r.flags_exact, 1.0 / 3.0);

        let loans = &r.by_case_type["financial_loan"];
        assert_eq!(loans.filings, 2);
        assert_eq!(loans.accuracy["claims.principal"], 0.5);
        assert_eq!(
            r.by_case_type["credit_card"].accuracy["claims.principal"],
            0.0
        );

        let table = r.to_table();
        assert!(
            table.contains("3 gold filings, 2 predicted, 1 missing"),
            "{table}"
        );
        assert!(
            table.contains("  b: Some(Yuan(2.01)) vs Some(Yuan(2.00))"),
            "{table}"
        );
        assert!(table.contains("  c: no PDF"), "{table}");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["flags"][0]["fn"], 1);
        assert_eq!(json["fields"][5]["precision"], serde_json::Value::Null);
    }

    #[test]
    fn empty_input_gives_an_empty_report_without_dividing_by_zero() {
        let r = evaluate_extraction(&[], 5);
        assert_eq!((r.filings, r.predicted, r.flags_exact), (0, 0, 0.0));
        assert!(
            r.fields
                .iter()
                .all(|f| f.accuracy == 0.0 && f.precision.is_none())
        );
        assert!(r.to_table().starts_with("0 gold filings"));
    }

    #[test]
    fn every_compared_field_has_a_presence() {
        let facts = CaseFacts::default();
        for field in FIELDS.into_iter().chain(EXTRA_FIELDS) {
            assert!(field_present(&facts, field).is_some(), "{field}");
        }
        assert_eq!(field_present(&facts, "no_such_field"), None);
        assert_eq!(field_present(&facts, "defendants"), Some(false));
        assert_eq!(field_present(&facts, "image_only"), Some(true));
    }
}
