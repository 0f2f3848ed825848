//! 多案联审: the batch-level summary sheet that groups one plaintiff's drafted filings whose
//! outcomes have the same structure, so a judge can review one draft and apply the decision to
//! the group.
//!
//! Two outcomes have the same structure ([`GroupKey`]) when they share the plaintiff, the
//! document kind, the procedure, the disposition, the set of award items with, per item, whether
//! it was cut below the claim, the guarantors' liability pattern (how many liable, how many
//! released) and whether interest keeps running after the cut-off date: then their drafts have
//! the same sentences and differ only in names, dates and figures.
//!
//! Pure: entries in, sheet (JSON-serialisable) and HTML out; the pipeline does the IO.

use super::{DraftError, environment};
use crate::domain::{CaseFacts, Yuan};
use crate::rules::{Disposition, DocumentKind, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Template of the group sheet.
pub const GROUPS_TEMPLATE: &str = "groups.v1.html.j2";

/// What makes two outcomes "the same structure".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct GroupKey {
    /// The plaintiff (applicant).
    pub plaintiff: String,
    /// Machine-readable structure: `judgment|simplified|partial|principal=full,interest=cut|g1/0|ci`.
    pub structure: String,
    /// The same in Chinese, for the sheet.
    pub label: String,
}

/// One award line of a filing in the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryAward {
    /// Item in Chinese (`借款本金`).
    pub item: String,
    /// Claimed amount.
    pub claimed: Option<Yuan>,
    /// Awarded amount.
    pub awarded: Yuan,
    /// True when cut below the claim.
    pub cut: bool,
}

/// One drafted filing as listed in its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupEntry {
    /// Name inside the batch.
    pub name: String,
    /// The draft's path relative to the output folder.
    pub draft_path: String,
    /// Defendants' names.
    pub defendants: Vec<String>,
    /// The awards, in claim order.
    pub awards: Vec<EntryAward>,
    /// Sum claimed.
    pub claimed_total: Yuan,
    /// Sum awarded.
    pub awarded_total: Yuan,
    /// Court fee (or payment-order fee) payable.
    pub court_fee: Yuan,
}

/// The key and entry of one drafted filing (`None` for an outcome without a court document).
pub fn group_entry(
    name: &str,
    draft_path: &str,
    facts: &CaseFacts,
    outcome: &Outcome,
) -> Option<(GroupKey, GroupEntry)> {
    if outcome.document == DocumentKind::None {
        return None;
    }
    let plaintiff = facts
        .plaintiff
        .as_ref()
        .map_or_else(|| "（原告不明）".to_owned(), |p| p.name.clone());
    let (doc, doc_zh) = match outcome.document {
        DocumentKind::Judgment => ("judgment", "民事判决书"),
        DocumentKind::PaymentOrder => ("payment_order", "支付令"),
        DocumentKind::None => ("none", "无"),
    };
    let disp_zh = match outcome.disposition {
        Disposition::Full => "全部支持",
        Disposition::Partial => "部分支持",
        Disposition::Rejected => "不予支持",
        Disposition::NeedsReview => "待审查",
    };
    let items: Vec<String> = outcome
        .awards
        .iter()
        .map(|a| {
            format!(
                "{}={}",
                serde_json::to_value(a.item)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                if a.is_cut() { "cut" } else { "full" }
            )
        })
        .collect();
    let items_zh: Vec<String> = outcome
        .awards
        .iter()
        .map(|a| {
            format!(
                "{}（{}）",
                a.item.zh(),
                if a.is_cut() { "核减" } else { "全额" }
            )
        })
        .collect();
    let liable = outcome.guarantors.iter().filter(|g| g.liable).count();
    let released = outcome.guarantors.len() - liable;
    let ci = outcome.continuing_interest.is_some();
    let structure = format!(
        "{doc}|{}|{}|{}|g{liable}/{released}|{}",
        serde_json::to_value(outcome.procedure)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        outcome.disposition.as_str(),
        items.join(","),
        if ci { "ci" } else { "-" }
    );
    let mut label = format!(
        "{doc_zh}·{}·{disp_zh}·{}",
        outcome.procedure.zh(),
        items_zh.join("、")
    );
    if liable + released > 0 {
        label.push_str(&format!("·保证人{liable}名担责、{released}名免责"));
    }
    if ci {
        label.push_str("·判后续计利息");
    }
    let entry = GroupEntry {
        name: name.to_owned(),
        draft_path: draft_path.to_owned(),
        defendants: facts.defendants.iter().map(|d| d.name.clone()).collect(),
        awards: outcome
            .awards
            .iter()
            .map(|a| EntryAward {
                item: a.item.zh().to_owned(),
                claimed: a.claimed,
                awarded: a.awarded,
                cut: a.is_cut(),
            })
            .collect(),
        claimed_total: outcome.total_claimed(),
        awarded_total: outcome.total_awarded(),
        court_fee: outcome.court_fee.payable,
    };
    Some((
        GroupKey {
            plaintiff,
            structure,
            label,
        },
        entry,
    ))
}

/// One group: filings of one plaintiff with the same outcome structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// `G001`, … in sheet order.
    pub id: String,
    /// The structure (machine-readable).
    pub structure: String,
    /// The structure in Chinese.
    pub label: String,
    /// The filing to review first (the first by name).
    pub representative: String,
    /// The filings, sorted by name.
    pub filings: Vec<GroupEntry>,
    /// Sum awarded over the group.
    pub awarded_total: Yuan,
}

/// One plaintiff's groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaintiffGroups {
    /// The plaintiff.
    pub plaintiff: String,
    /// Number of drafted filings.
    pub filings: usize,
    /// Groups, largest first.
    pub groups: Vec<Group>,
}

/// The whole sheet (`groups.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSheet {
    /// Drafted filings in the sheet.
    pub filings: usize,
    /// Groups over all plaintiffs.
    pub groups: usize,
    /// Per plaintiff, sorted by name.
    pub plaintiffs: Vec<PlaintiffGroups>,
}

/// Groups the entries. Deterministic whatever the input order: plaintiffs by name, groups by
/// size (largest first) then structure, filings by name.
pub fn group_filings(entries: Vec<(GroupKey, GroupEntry)>) -> GroupSheet {
    let total = entries.len();
    let mut by_plaintiff: BTreeMap<String, BTreeMap<(String, String), Vec<GroupEntry>>> =
        BTreeMap::new();
    for (k, e) in entries {
        by_plaintiff
            .entry(k.plaintiff)
            .or_default()
            .entry((k.structure, k.label))
            .or_default()
            .push(e);
    }
    let mut next = 0;
    let mut n_groups = 0;
    let plaintiffs = by_plaintiff
        .into_iter()
        .map(|(plaintiff, groups)| {
            let mut groups: Vec<((String, String), Vec<GroupEntry>)> = groups.into_iter().collect();
            groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
            let filings = groups.iter().map(|g| g.1.len()).sum();
            let groups = groups
                .into_iter()
                .map(|((structure, label), mut filings)| {
                    filings
                        .sort_by(|a, b| a.name.cmp(&b.name).then(a.draft_path.cmp(&b.draft_path)));
                    next += 1;
                    Group {
                        id: format!("G{next:03}"),
                        structure,
                        label,
                        representative: filings.first().map(|f| f.name.clone()).unwrap_or_default(),
                        awarded_total: filings.iter().map(|f| f.awarded_total).sum(),
                        filings,
                    }
                })
                .collect::<Vec<_>>();
            n_groups += groups.len();
            PlaintiffGroups {
                plaintiff,
                filings,
                groups,
            }
        })
        .collect();
    GroupSheet {
        filings: total,
        groups: n_groups,
        plaintiffs,
    }
}

/// The sheet as a self-contained HTML page (links to each draft).
pub fn groups_html(sheet: &GroupSheet) -> Result<String, DraftError> {
    let mut out = Vec::new();
    write_groups_html(sheet, &mut out)?;
    String::from_utf8(out).map_err(|e| DraftError::Template {
        template: GROUPS_TEMPLATE,
        message: e.to_string(),
    })
}

/// Renders the sheet as HTML straight into `out` (a 10,000-filing sheet is never held whole
/// as a string).
pub fn write_groups_html(
    sheet: &GroupSheet,
    out: &mut impl std::io::Write,
) -> Result<(), DraftError> {
    let err = |e: minijinja::Error| DraftError::Template {
        template: GROUPS_TEMPLATE,
        message: format!("{e:#}"),
    };
    environment()?
        .get_template(GROUPS_TEMPLATE)
        .map_err(err)?
        .render_captured_to(minijinja::context! { sheet => sheet }, out)
        .map(|_| ())
        .map_err(err)
}
