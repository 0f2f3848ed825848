//! A judge's edit of one fact, and the rules and draft stages run again on the edited facts.
//!
//! Pure: stored JSON and the edit in, the new report, outcome and draft out (the caller runs it
//! in `spawn_blocking` and stores the result). The stored findings are the extraction's plus
//! the pre-check's on the stored facts; the pre-check is deterministic, so the extraction's are
//! the stored ones minus a fresh pre-check of the stored facts. An extraction finding about the
//! edited field is dropped (the judge has read the figure), the pre-check runs on the edited
//! facts, the rules suggest a new outcome, and the model's dispute points are carried over (the
//! models read the complaint's text, which an edit does not change).

use fincase_core::domain::{CaseFacts, FactField, FieldInputError, Finding, Provenance};
use fincase_core::draft::{Draft, DraftOptions};
use fincase_core::extract::Extraction;
use fincase_core::rules::{Disposition, DocumentKind, Outcome, RulesConfig};
use fincase_pipeline::ExtractReport;
use serde::Deserialize;

/// Why an edit was not applied (shown to the judge as is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum EditError {
    /// The field may not be edited here, or the value does not parse as the field's kind.
    #[error(transparent)]
    Input(#[from] FieldInputError),
    /// The stored result cannot be read (a filing without facts).
    #[error("此案件没有可修改的事实记录")]
    NoFacts,
    /// With the edit, the rules give no court document: nothing is stored.
    #[error("修改后规则无法出具文书，未保存：{0}")]
    NoDraft(String),
    /// The draft template failed.
    #[error("文书生成失败：{0}")]
    Draft(String),
}

/// The report as the store keeps it (the facts' fields at top level).
#[derive(Debug, Deserialize)]
pub(super) struct StoredReport {
    #[serde(flatten)]
    pub facts: CaseFacts,
    #[serde(default)]
    pub provenance: Provenance,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub dossier: Vec<fincase_core::extract::catalogue::CatalogueEntry>,
}

/// The result of an edit.
#[derive(Debug, Clone)]
pub(super) struct Recomputed {
    /// The new report (facts, flags, provenance, findings).
    pub report: ExtractReport,
    /// The new outcome.
    pub outcome: Outcome,
    /// The new draft.
    pub draft: Draft,
    /// The field's value before and after, as displayed (`None`: empty).
    pub before: Option<String>,
    /// After.
    pub after: Option<String>,
}

/// Applies the edit to the stored result and runs the rules and the draft again.
pub(super) fn recompute(
    facts_json: &str,
    outcome_json: Option<&str>,
    path: &str,
    value: &str,
    cfg: &RulesConfig,
) -> Result<Recomputed, EditError> {
    let stored: StoredReport = serde_json::from_str(facts_json).map_err(|_| EditError::NoFacts)?;
    let old_outcome: Option<Outcome> = outcome_json.and_then(|j| serde_json::from_str(j).ok());
    let field = FactField::from_path(path)
        .filter(|f| f.editable())
        .ok_or_else(|| FieldInputError::NotEditable(path.to_owned()))?;
    let before = field.display(&stored.facts);
    // The extraction's findings: the stored ones less the pre-check's on the stored facts.
    // Compared without quotes: the new report quotes every finding again.
    let mut extraction_findings: Vec<Finding> =
        stored.findings.into_iter().map(Finding::unquoted).collect();
    for f in fincase_core::rules::precheck(&stored.facts, cfg) {
        if let Some(i) = extraction_findings.iter().position(|x| *x == f) {
            extraction_findings.remove(i);
        }
    }
    extraction_findings.retain(|f| f.field.as_deref() != Some(path));
    let mut facts = stored.facts;
    field.set_from_text(&mut facts, value)?;
    let after = field.display(&facts);
    let precheck = fincase_core::rules::precheck(&facts, cfg);
    let report = ExtractReport::new(
        Extraction {
            facts,
            provenance: stored.provenance,
            findings: extraction_findings,
        },
        precheck,
    )
    .with_dossier(stored.dossier);
    let mut outcome = fincase_core::rules::suggest(&report.facts, &report.findings, cfg);
    if let Some(old) = old_outcome {
        for p in old.dispute_points {
            if p.source.starts_with("model:")
                && !outcome.dispute_points.iter().any(|q| q.title == p.title)
            {
                outcome.dispute_points.push(p);
            }
        }
    }
    if !matches!(
        outcome.disposition,
        Disposition::Full | Disposition::Partial
    ) || outcome.document == DocumentKind::None
    {
        return Err(EditError::NoDraft(outcome.reasons.join("；")));
    }
    let opts = DraftOptions {
        provenance: Some(report.provenance.clone()),
        ..Default::default()
    };
    let draft = fincase_core::draft::render_with(&report.facts, &report.findings, &outcome, &opts)
        .map_err(|e| EditError::Draft(e.to_string()))?;
    Ok(Recomputed {
        report,
        outcome,
        draft,
        before,
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_of_a_field_not_editable_is_refused_before_anything_runs() {
        let facts = serde_json::to_string(&CaseFacts::default()).unwrap();
        let cfg = RulesConfig::default();
        assert!(matches!(
            recompute(&facts, None, "plaintiff.name", "x", &cfg),
            Err(EditError::Input(FieldInputError::NotEditable(_)))
        ));
        assert!(matches!(
            recompute(&facts, None, "default_date", "2023-02-30", &cfg),
            Err(EditError::Input(FieldInputError::BadValue { .. }))
        ));
        assert_eq!(
            recompute("not json", None, "default_date", "2023-02-28", &cfg).err(),
            Some(EditError::NoFacts)
        );
    }
}
