//! The hand check: backtest records scored against labels a person read off each judgment
//! (claimed principal, outcome class, awarded principal), next to the naive floors a
//! suggestion has to beat ("always the commonest class", "award the claim"), and the order
//! parser scored against the same labels.
//!
//! Labels are JSON Lines keyed by the input line (`{"line": 7, "claimed_principal":
//! "50000.00", "outcome": "partial", "awarded_principal": "50000.00", …}`); a field a person
//! could not tell is `null` and is not scored. **Must not:** read a judgment; it only compares.

use super::compare::Record;
use super::orders::OutcomeClass;
use crate::domain::Yuan;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a person read off one judgment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HandLabel {
    /// The 1-based input line of the judgment.
    pub line: usize,
    /// The principal the plaintiff finally asks for, when stated apart from interest.
    #[serde(default)]
    pub claimed_principal: Option<Yuan>,
    /// The outcome class relative to the claims, when it can be told.
    #[serde(default)]
    pub outcome: Option<OutcomeClass>,
    /// The principal the court orders paid.
    #[serde(default)]
    pub awarded_principal: Option<Yuan>,
    /// Why the outcome is partial or rejected (codes of `rules::Adjustment`, or `other`).
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// Why a labels line could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hand labels line {line}: {message}")]
pub struct LabelError {
    /// 1-based line of the labels file.
    pub line: usize,
    /// The parser's message.
    pub message: String,
}

/// Reads hand labels (JSON Lines; blank lines skipped).
pub fn read_labels(content: &str) -> Result<BTreeMap<usize, HandLabel>, LabelError> {
    let mut out = BTreeMap::new();
    for (i, l) in content.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let h: HandLabel = serde_json::from_str(l).map_err(|e| LabelError {
            line: i + 1,
            message: e.to_string(),
        })?;
        out.insert(h.line, h);
    }
    Ok(out)
}

/// A count of agreements out of a number compared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Agreeing.
    pub agree: usize,
    /// Compared.
    pub of: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.agree += usize::from(ok);
        self.of += 1;
    }

    /// `12/20 (60.0 %)`, or `–` when nothing was compared.
    pub fn show(self) -> String {
        if self.of == 0 {
            "–".to_owned()
        } else {
            format!(
                "{}/{} ({:.1} %)",
                self.agree,
                self.of,
                self.agree as f64 * 100.0 / self.of as f64
            )
        }
    }
}

/// The records scored against the hand labels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HandSummary {
    /// Labelled judgments seen.
    pub labelled: usize,
    /// Claimed principal read from the claims, where the person found one.
    pub claimed_principal: Tally,
    /// The same, only where the judgment has a claims section the replay may read (a claim
    /// restated only in the court's reasoning cannot be read without reading the decision).
    pub claimed_principal_in_claims: Tally,
    /// Suggested outcome class, over every judgment whose class the person could tell
    /// (an abstention counts as a miss).
    pub outcome: Tally,
    /// Suggested outcome class where the suggestion did not abstain.
    pub outcome_answered: Tally,
    /// Judgments the suggestion abstained on, out of those with a class.
    pub abstained: Tally,
    /// Floor: always suggesting the commonest class of the labels.
    pub outcome_floor: Tally,
    /// The commonest class.
    pub floor_class: Option<OutcomeClass>,
    /// Suggested principal against the awarded principal (where both the claim and the award
    /// were read by the person).
    pub suggested_principal: Tally,
    /// Floor: award the claimed principal as read by the person.
    pub principal_floor: Tally,
    /// The order parser's outcome class against the person's.
    pub parser_outcome: Tally,
    /// The order parser's awarded principal against the person's.
    pub parser_principal: Tally,
    /// Per reason code: (suggested and labelled, suggested, labelled).
    pub reasons: BTreeMap<String, (usize, usize, usize)>,
}

impl HandSummary {
    /// Scores every record that has a label. `in_claims(line)` tells whether that judgment
    /// has a claims section.
    pub fn score(
        records: &[Record],
        labels: &BTreeMap<usize, HandLabel>,
        in_claims: impl Fn(usize) -> bool,
    ) -> HandSummary {
        let mut s = HandSummary::default();
        let mut classes: BTreeMap<OutcomeClass, usize> = BTreeMap::new();
        for h in labels.values() {
            if let Some(c) = h.outcome {
                *classes.entry(c).or_default() += 1;
            }
        }
        s.floor_class = classes
            .iter()
            .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))
            .map(|(c, _)| *c);
        for r in records {
            let Some(h) = labels.get(&r.line) else {
                continue;
            };
            s.labelled += 1;
            if let Some(cp) = h.claimed_principal {
                let ok = r.claimed.principal == Some(cp);
                s.claimed_principal.add(ok);
                if in_claims(r.line) {
                    s.claimed_principal_in_claims.add(ok);
                }
            }
            if let Some(c) = h.outcome {
                s.abstained.add(r.suggested.abstained);
                s.outcome
                    .add(!r.suggested.abstained && r.suggested.decided.outcome == Some(c));
                if !r.suggested.abstained {
                    s.outcome_answered
                        .add(r.suggested.decided.outcome == Some(c));
                }
                s.outcome_floor.add(s.floor_class == Some(c));
                s.parser_outcome.add(r.actual.decided.outcome == Some(c));
            }
            if let Some(ap) = h.awarded_principal {
                s.parser_principal
                    .add(r.actual.decided.principal == Some(ap));
                if let Some(cp) = h.claimed_principal {
                    s.suggested_principal
                        .add(r.suggested.decided.principal == Some(ap));
                    s.principal_floor.add(cp == ap);
                }
            }
            if h.outcome.is_some() {
                let suggested: Vec<&str> = r
                    .suggested
                    .reasons
                    .iter()
                    .map(|x| x.code.as_str())
                    .collect();
                let mut codes: Vec<&str> = suggested.clone();
                codes.extend(h.reasons.iter().map(String::as_str));
                codes.sort_unstable();
                codes.dedup();
                for c in codes {
                    let sug = suggested.contains(&c);
                    let lab = h.reasons.iter().any(|x| x == c);
                    let e = s.reasons.entry(c.to_owned()).or_default();
                    e.0 += usize::from(sug && lab);
                    e.1 += usize::from(sug);
                    e.2 += usize::from(lab);
                }
            }
        }
        s
    }

    /// The hand check as a markdown section.
    pub fn to_markdown(&self) -> String {
        let floor = self.floor_class.map_or("–", OutcomeClass::as_str);
        let mut s = format!(
            "\n## Against the hand check ({} labelled judgments)\n\n| measure | fincase | naive floor |\n|---|---:|---:|\n",
            self.labelled
        );
        s.push_str(&format!(
            "| claimed principal read from the claims | {} | – |\n",
            self.claimed_principal.show()
        ));
        s.push_str(&format!(
            "| … where the judgment has a claims section | {} | – |\n",
            self.claimed_principal_in_claims.show()
        ));
        s.push_str(&format!(
            "| outcome class (abstentions count as misses) | {} | \"always {floor}\" {} |\n",
            self.outcome.show(),
            self.outcome_floor.show()
        ));
        s.push_str(&format!(
            "| outcome class where it did not abstain | {} | – |\n",
            self.outcome_answered.show()
        ));
        s.push_str(&format!("| abstained | {} | – |\n", self.abstained.show()));
        s.push_str(&format!(
            "| suggested principal equals the awarded principal | {} | \"award the claim\" {} |\n",
            self.suggested_principal.show(),
            self.principal_floor.show()
        ));
        s.push_str(&format!(
            "| order parser: outcome class | {} | – |\n| order parser: awarded principal | {} | – |\n",
            self.parser_outcome.show(),
            self.parser_principal.show()
        ));
        if !self.reasons.is_empty() {
            s.push_str("\n| reason | suggested and labelled | suggested | labelled | precision | recall |\n|---|---:|---:|---:|---:|---:|\n");
            for (code, (both, sug, lab)) in &self.reasons {
                let p = Tally {
                    agree: *both,
                    of: *sug,
                };
                let r = Tally {
                    agree: *both,
                    of: *lab,
                };
                s.push_str(&format!(
                    "| {code} | {both} | {sug} | {lab} | {} | {} |\n",
                    p.show(),
                    r.show()
                ));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_with_nulls_and_bad_lines_fail_with_their_line() {
        let l = read_labels(
            "{\"line\": 3, \"claimed_principal\": \"500.00\", \"outcome\": \"partial\", \"awarded_principal\": null, \"reasons\": [\"interest_capped\"], \"note\": \"x\"}\n\n{\"line\": 4, \"outcome\": null}\n",
        )
        .unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!(l[&3].outcome, Some(OutcomeClass::Partial));
        assert_eq!(l[&3].claimed_principal, Some("500".parse().unwrap()));
        assert_eq!(l[&4].outcome, None);
        let e = read_labels("{\"line\": 1}\nnot json\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
