//! The tagger on real text: the CJRC reading-comprehension set (CAIL2019 阅读理解), whose
//! questions have gold answer spans in the facts of real judgments. For the questions whose
//! answer is an amount (`25万元`) or a full date (`2014年4月1日`), how often does one of the
//! tagger's amount (resp. date) spans contain the gold answer?
//!
//! The tagger was trained only on generated complaints, so this measures how well its notion
//! of "an amount or date that matters to a loan case" carries over to judgments written by
//! courts; the normalisers' own finders (`find_amounts`, `find_dates`, which mark every amount
//! and date) are scored beside it as the ceiling a span finder could reach.
//!
//! Owns parsing the set's JSON (given as text: the caller reads the file, nothing here does IO)
//! and the containment count. Must not copy or keep the data beyond the call.

use super::{TaggedSpan, Tagger};
use crate::extract::amount::{find_amounts, parse_amount};
use crate::extract::date::{find_dates, parse_date};
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    data: Vec<Doc>,
}

#[derive(Deserialize)]
struct Doc {
    #[serde(default)]
    domain: String,
    paragraphs: Vec<Paragraph>,
}

#[derive(Deserialize)]
struct Paragraph {
    context: String,
    #[serde(default)]
    casename: String,
    qas: Vec<Qa>,
}

#[derive(Deserialize)]
struct Qa {
    answers: Vec<Answer>,
}

#[derive(Deserialize)]
struct Answer {
    text: String,
    answer_start: i64,
}

/// Amount or date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Amount,
    Date,
}

const AMOUNT_LABELS: [&str; 6] = [
    "loan_amount",
    "principal",
    "interest",
    "attorney_fee",
    "other_fee",
    "total",
];
const DATE_LABELS: [&str; 5] = [
    "contract_date",
    "maturity_date",
    "default_date",
    "cutoff_date",
    "filing_date",
];

/// Counts for one subset of questions.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Containment {
    /// Questions whose gold answer is an amount.
    pub amount_questions: usize,
    /// … of which a tagger amount span contains a gold answer.
    pub amount_in_tagger_span: usize,
    /// … of which an amount found by `find_amounts` contains a gold answer.
    pub amount_in_finder_span: usize,
    /// Questions whose gold answer is a full date.
    pub date_questions: usize,
    /// … of which a tagger date span contains a gold answer.
    pub date_in_tagger_span: usize,
    /// … of which a date found by `find_dates` contains a gold answer.
    pub date_in_finder_span: usize,
}

/// The CJRC containment report: civil judgments, and the debt-related ones among them (案由
/// with 借款, 借贷, 信用卡, 金融, 保证, 追偿 or 债).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CjrcReport {
    /// Civil contexts read.
    pub contexts: usize,
    /// All civil questions with an amount or date answer.
    pub civil: Containment,
    /// Those of debt-related cases.
    pub debt: Containment,
}

fn pct(a: usize, n: usize) -> f64 {
    100.0 * a as f64 / n.max(1) as f64
}

impl CjrcReport {
    /// A plain-text table.
    pub fn to_table(&self) -> String {
        let mut s = format!(
            "CJRC containment ({} civil contexts)\nsubset  kind    questions  tagger span  finder span\n",
            self.contexts
        );
        for (name, c) in [("civil", &self.civil), ("debt", &self.debt)] {
            s.push_str(&format!(
                "{name:<7} amount  {:>9}  {:>10.1}%  {:>10.1}%\n",
                c.amount_questions,
                pct(c.amount_in_tagger_span, c.amount_questions),
                pct(c.amount_in_finder_span, c.amount_questions)
            ));
            s.push_str(&format!(
                "{name:<7} date    {:>9}  {:>10.1}%  {:>10.1}%\n",
                c.date_questions,
                pct(c.date_in_tagger_span, c.date_questions),
                pct(c.date_in_finder_span, c.date_questions)
            ));
        }
        s
    }
}

/// The kind of a gold answer text: an amount (figures or 大写 with 元) or a full date.
fn kind_of(text: &str) -> Option<Kind> {
    let t = text.trim();
    if parse_date(t).is_some() {
        Some(Kind::Date)
    } else if t.contains('元') && parse_amount(t).is_some() {
        Some(Kind::Amount)
    } else {
        None
    }
}

fn is_debt(casename: &str) -> bool {
    ["借款", "借贷", "信用卡", "金融", "保证", "追偿", "债"]
        .iter()
        .any(|w| casename.contains(w))
}

/// Whether any range in `spans` covers `a..b`.
fn covered(spans: &[(usize, usize)], a: usize, b: usize) -> bool {
    spans.iter().any(|(s, e)| *s <= a && b <= *e)
}

fn add(c: &mut Containment, kind: Kind, tagger_hit: bool, finder_hit: bool) {
    match kind {
        Kind::Amount => {
            c.amount_questions += 1;
            c.amount_in_tagger_span += usize::from(tagger_hit);
            c.amount_in_finder_span += usize::from(finder_hit);
        }
        Kind::Date => {
            c.date_questions += 1;
            c.date_in_tagger_span += usize::from(tagger_hit);
            c.date_in_finder_span += usize::from(finder_hit);
        }
    }
}

/// Scores `tagger` on the civil questions of CJRC files given as JSON text. A file that is not
/// CJRC JSON is an error message; nothing panics.
pub fn evaluate(tagger: &Tagger, files: &[&str]) -> Result<CjrcReport, String> {
    let mut r = CjrcReport::default();
    for json in files {
        let f: File = serde_json::from_str(json).map_err(|e| format!("not CJRC JSON: {e}"))?;
        for d in f.data.iter().filter(|d| d.domain == "civil") {
            for p in &d.paragraphs {
                score_paragraph(tagger, p, &mut r);
            }
        }
    }
    Ok(r)
}

fn spans_of(spans: &[TaggedSpan], labels: &[&str]) -> Vec<(usize, usize)> {
    spans
        .iter()
        .filter(|s| labels.contains(&s.label.as_str()))
        .map(|s| (s.start, s.end))
        .collect()
}

fn score_paragraph(tagger: &Tagger, p: &Paragraph, r: &mut CjrcReport) {
    r.contexts += 1;
    let chars = p.context.chars().count();
    let tagged = tagger.tag(&p.context);
    let t_amount = spans_of(&tagged, &AMOUNT_LABELS);
    let t_date = spans_of(&tagged, &DATE_LABELS);
    let f_amount: Vec<(usize, usize)> = find_amounts(&p.context)
        .iter()
        .map(|m| (m.start, m.end))
        .collect();
    let f_date: Vec<(usize, usize)> = find_dates(&p.context)
        .iter()
        .map(|m| (m.start, m.end))
        .collect();
    let debt = is_debt(&p.casename);
    for qa in &p.qas {
        // The question's kind is its first usable answer's; every annotator's answer of that
        // kind located in the context may be the one contained.
        let Some(kind) = qa.answers.iter().find_map(|a| kind_of(&a.text)) else {
            continue;
        };
        let located: Vec<(usize, usize)> = qa
            .answers
            .iter()
            .filter(|a| kind_of(&a.text) == Some(kind) && a.answer_start >= 0)
            .map(|a| {
                let s = a.answer_start as usize;
                (s, s + a.text.chars().count())
            })
            .filter(|(_, e)| *e <= chars)
            .collect();
        if located.is_empty() {
            continue;
        }
        let (t, f) = match kind {
            Kind::Amount => (&t_amount, &f_amount),
            Kind::Date => (&t_date, &f_date),
        };
        let th = located.iter().any(|(a, b)| covered(t, *a, *b));
        let fh = located.iter().any(|(a, b)| covered(f, *a, *b));
        add(&mut r.civil, kind, th, fh);
        if debt {
            add(&mut r.debt, kind, th, fh);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_kinds() {
        assert_eq!(kind_of("25万元"), Some(Kind::Amount));
        assert_eq!(kind_of("2014年4月1日"), Some(Kind::Date));
        assert_eq!(kind_of("夫妻感情破裂"), None);
        assert_eq!(kind_of("YES"), None);
        assert_eq!(kind_of(""), None);
    }

    #[test]
    fn containment_is_by_char_range() {
        assert!(covered(&[(3, 10)], 4, 10));
        assert!(!covered(&[(3, 10)], 2, 5));
        assert!(!covered(&[], 0, 1));
    }
}
