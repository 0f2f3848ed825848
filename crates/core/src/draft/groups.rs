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

/// Where one filing's [`GroupEntry`] can be read back from, with what ordering needs: the
/// streamed sheet keeps only these (not the entries) in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRef {
    /// Name inside the batch (sort key).
    pub name: String,
    /// The draft's path (tie-break).
    pub draft_path: String,
    /// Sum awarded (summed per group).
    pub awarded_total: Yuan,
    /// Opaque handle the [`EntrySource`] resolves.
    pub slot: usize,
}

/// Gives back the entry behind an [`EntryRef::slot`] (a file, a vector, …).
pub trait EntrySource: Send + Sync {
    /// The entry stored in `slot`, or why it cannot be read.
    fn entry(&self, slot: usize) -> Result<GroupEntry, String>;
}

impl EntrySource for Vec<GroupEntry> {
    fn entry(&self, slot: usize) -> Result<GroupEntry, String> {
        self.get(slot)
            .cloned()
            .ok_or_else(|| format!("no group entry {slot}"))
    }
}

/// One group of a [`SheetPlan`]: like [`Group`], with references instead of entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanGroup {
    /// `G001`, … in sheet order.
    pub id: String,
    /// The structure (machine-readable).
    pub structure: String,
    /// The structure in Chinese.
    pub label: String,
    /// The filing to review first (the first by name).
    pub representative: String,
    /// The filings, sorted by name.
    pub filings: Vec<EntryRef>,
    /// Sum awarded over the group.
    pub awarded_total: Yuan,
}

/// One plaintiff of a [`SheetPlan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanPlaintiff {
    /// The plaintiff.
    pub plaintiff: String,
    /// Number of drafted filings.
    pub filings: usize,
    /// Groups, largest first.
    pub groups: Vec<PlanGroup>,
}

/// The layout of a [`GroupSheet`] without its entries: written out with
/// [`write_sheet_json`] and [`write_sheet_html`], which read one entry at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetPlan {
    /// Drafted filings in the sheet.
    pub filings: usize,
    /// Groups over all plaintiffs.
    pub groups: usize,
    /// Per plaintiff, sorted by name.
    pub plaintiffs: Vec<PlanPlaintiff>,
}

/// Lays the sheet out. Deterministic whatever the input order: plaintiffs by name, groups by
/// size (largest first) then structure, filings by name.
pub fn plan_groups(entries: impl IntoIterator<Item = (GroupKey, EntryRef)>) -> SheetPlan {
    let mut total = 0;
    let mut by_plaintiff: BTreeMap<String, BTreeMap<(String, String), Vec<EntryRef>>> =
        BTreeMap::new();
    for (k, e) in entries {
        total += 1;
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
            let mut groups: Vec<((String, String), Vec<EntryRef>)> = groups.into_iter().collect();
            groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
            let filings = groups.iter().map(|g| g.1.len()).sum();
            let groups = groups
                .into_iter()
                .map(|((structure, label), mut filings)| {
                    filings
                        .sort_by(|a, b| a.name.cmp(&b.name).then(a.draft_path.cmp(&b.draft_path)));
                    next += 1;
                    PlanGroup {
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
            PlanPlaintiff {
                plaintiff,
                filings,
                groups,
            }
        })
        .collect();
    SheetPlan {
        filings: total,
        groups: n_groups,
        plaintiffs,
    }
}

fn entry_ref(slot: usize, e: &GroupEntry) -> EntryRef {
    EntryRef {
        name: e.name.clone(),
        draft_path: e.draft_path.clone(),
        awarded_total: e.awarded_total,
        slot,
    }
}

/// Groups the entries. Deterministic whatever the input order: plaintiffs by name, groups by
/// size (largest first) then structure, filings by name.
pub fn group_filings(entries: Vec<(GroupKey, GroupEntry)>) -> GroupSheet {
    let (keys, mut store): (Vec<GroupKey>, Vec<Option<GroupEntry>>) =
        entries.into_iter().map(|(k, e)| (k, Some(e))).unzip();
    let plan = plan_groups(
        keys.into_iter()
            .zip(&store)
            .enumerate()
            .filter_map(|(slot, (k, e))| Some((k, entry_ref(slot, e.as_ref()?)))),
    );
    GroupSheet {
        filings: plan.filings,
        groups: plan.groups,
        plaintiffs: plan
            .plaintiffs
            .into_iter()
            .map(|p| PlaintiffGroups {
                plaintiff: p.plaintiff,
                filings: p.filings,
                groups: p
                    .groups
                    .into_iter()
                    .map(|g| Group {
                        id: g.id,
                        structure: g.structure,
                        label: g.label,
                        representative: g.representative,
                        filings: g
                            .filings
                            .iter()
                            .filter_map(|r| store.get_mut(r.slot).and_then(Option::take))
                            .collect(),
                        awarded_total: g.awarded_total,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// A [`SheetPlan`] with its entry source: serialises exactly like the [`GroupSheet`] it
/// stands for, reading the entries one at a time.
struct SheetView<'a, S: ?Sized> {
    plan: &'a SheetPlan,
    source: &'a S,
}

impl<S: EntrySource + ?Sized> Serialize for SheetView<'_, S> {
    fn serialize<Ser: serde::Serializer>(&self, ser: Ser) -> Result<Ser::Ok, Ser::Error> {
        use serde::ser::{Error, SerializeSeq, SerializeStruct};
        struct Entries<'a, S: ?Sized>(&'a [EntryRef], &'a S);
        impl<S: EntrySource + ?Sized> Serialize for Entries<'_, S> {
            fn serialize<Ser: serde::Serializer>(&self, ser: Ser) -> Result<Ser::Ok, Ser::Error> {
                let mut seq = ser.serialize_seq(Some(self.0.len()))?;
                for r in self.0 {
                    seq.serialize_element(&self.1.entry(r.slot).map_err(Ser::Error::custom)?)?;
                }
                seq.end()
            }
        }
        struct GroupView<'a, S: ?Sized>(&'a PlanGroup, &'a S);
        impl<S: EntrySource + ?Sized> Serialize for GroupView<'_, S> {
            fn serialize<Ser: serde::Serializer>(&self, ser: Ser) -> Result<Ser::Ok, Ser::Error> {
                let g = self.0;
                let mut st = ser.serialize_struct("Group", 6)?;
                st.serialize_field("id", &g.id)?;
                st.serialize_field("structure", &g.structure)?;
                st.serialize_field("label", &g.label)?;
                st.serialize_field("representative", &g.representative)?;
                st.serialize_field("filings", &Entries(&g.filings, self.1))?;
                st.serialize_field("awarded_total", &g.awarded_total)?;
                st.end()
            }
        }
        struct PlaintiffView<'a, S: ?Sized>(&'a PlanPlaintiff, &'a S);
        impl<S: EntrySource + ?Sized> Serialize for PlaintiffView<'_, S> {
            fn serialize<Ser: serde::Serializer>(&self, ser: Ser) -> Result<Ser::Ok, Ser::Error> {
                let p = self.0;
                let mut st = ser.serialize_struct("PlaintiffGroups", 3)?;
                st.serialize_field("plaintiff", &p.plaintiff)?;
                st.serialize_field("filings", &p.filings)?;
                let groups: Vec<GroupView<'_, S>> =
                    p.groups.iter().map(|g| GroupView(g, self.1)).collect();
                st.serialize_field("groups", &groups)?;
                st.end()
            }
        }
        let plaintiffs: Vec<PlaintiffView<'_, S>> = self
            .plan
            .plaintiffs
            .iter()
            .map(|p| PlaintiffView(p, self.source))
            .collect();
        let mut st = ser.serialize_struct("GroupSheet", 3)?;
        st.serialize_field("filings", &self.plan.filings)?;
        st.serialize_field("groups", &self.plan.groups)?;
        st.serialize_field("plaintiffs", &plaintiffs)?;
        st.end()
    }
}

/// Writes the sheet as pretty JSON (`groups.json`, the same bytes as
/// `serde_json::to_writer_pretty` of the [`GroupSheet`]), one entry in memory at a time.
pub fn write_sheet_json(
    plan: &SheetPlan,
    source: &(impl EntrySource + ?Sized),
    out: &mut impl std::io::Write,
) -> Result<(), serde_json::Error> {
    serde_json::to_writer_pretty(out, &SheetView { plan, source })
}

/// A group's filings for the template: a sequence that reads its entries as the loop goes.
#[derive(Debug)]
struct LazyEntries {
    slots: Vec<usize>,
    source: std::sync::Arc<dyn EntrySource>,
    failed: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

impl std::fmt::Debug for dyn EntrySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EntrySource")
    }
}

impl minijinja::value::Object for LazyEntries {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Iterable
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        let this = self.clone();
        minijinja::value::Enumerator::Iter(Box::new((0..self.slots.len()).map_while(move |i| {
            match this.source.entry(this.slots[i]) {
                Ok(e) => Some(minijinja::Value::from_serialize(&e)),
                Err(why) => {
                    if let Ok(mut f) = this.failed.lock() {
                        f.get_or_insert(why);
                    }
                    None
                }
            }
        })))
    }

    fn enumerator_len(self: &std::sync::Arc<Self>) -> Option<usize> {
        Some(self.slots.len())
    }
}

/// Renders the sheet as HTML into `out`, reading one entry at a time from `source` (the
/// template sees the same values as [`write_groups_html`] of the whole [`GroupSheet`]).
pub fn write_sheet_html(
    plan: &SheetPlan,
    source: std::sync::Arc<dyn EntrySource>,
    out: &mut impl std::io::Write,
) -> Result<(), DraftError> {
    use minijinja::{Value, context};
    let failed = std::sync::Arc::new(std::sync::Mutex::new(None));
    let plaintiffs: Vec<Value> = plan
        .plaintiffs
        .iter()
        .map(|p| {
            let groups: Vec<Value> = p
                .groups
                .iter()
                .map(|g| {
                    context! {
                        id => g.id,
                        structure => g.structure,
                        label => g.label,
                        representative => g.representative,
                        filings => Value::from_object(LazyEntries {
                            slots: g.filings.iter().map(|r| r.slot).collect(),
                            source: source.clone(),
                            failed: failed.clone(),
                        }),
                        awarded_total => Value::from_serialize(g.awarded_total),
                    }
                })
                .collect();
            context! { plaintiff => p.plaintiff, filings => p.filings, groups => groups }
        })
        .collect();
    let sheet = context! {
        filings => plan.filings,
        groups => plan.groups,
        plaintiffs => plaintiffs,
    };
    let err = |e: minijinja::Error| DraftError::Template {
        template: GROUPS_TEMPLATE,
        message: format!("{e:#}"),
    };
    environment()?
        .get_template(GROUPS_TEMPLATE)
        .map_err(err)?
        .render_captured_to(context! { sheet => sheet }, out)
        .map_err(err)?;
    match failed.lock().ok().and_then(|mut f| f.take()) {
        Some(message) => Err(DraftError::Template {
            template: GROUPS_TEMPLATE,
            message,
        }),
        None => Ok(()),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, fen: i64, cut: bool) -> GroupEntry {
        GroupEntry {
            name: name.into(),
            draft_path: format!("filings/{name}/draft.html"),
            defendants: vec!["李明辉".into(), "王芳".into()],
            awards: vec![EntryAward {
                item: "借款本金".into(),
                claimed: cut.then(|| Yuan::from_fen(fen + 100)),
                awarded: Yuan::from_fen(fen),
                cut,
            }],
            claimed_total: Yuan::from_fen(fen + 100),
            awarded_total: Yuan::from_fen(fen),
            court_fee: Yuan::from_fen(5_000),
        }
    }

    fn key(plaintiff: &str, structure: &str) -> GroupKey {
        GroupKey {
            plaintiff: plaintiff.into(),
            structure: structure.into(),
            label: format!("标签{structure}"),
        }
    }

    #[test]
    fn the_streamed_sheet_has_the_same_bytes_as_the_whole_sheet() {
        let entries: Vec<(GroupKey, GroupEntry)> = (0..30)
            .map(|i| {
                let k = key(["乙银行", "甲银行"][i % 2], ["a", "b", "c"][i % 3]);
                (
                    k,
                    entry(&format!("f{:03}", 29 - i), 1_000_000 + i as i64, i % 3 == 1),
                )
            })
            .collect();
        let sheet = group_filings(entries.clone());
        let mut json = Vec::new();
        serde_json::to_writer_pretty(&mut json, &sheet).unwrap();
        let html = groups_html(&sheet).unwrap();

        let plan = plan_groups(
            entries
                .iter()
                .enumerate()
                .map(|(slot, (k, e))| (k.clone(), entry_ref(slot, e))),
        );
        assert_eq!((plan.filings, plan.groups), (sheet.filings, sheet.groups));
        let store: std::sync::Arc<Vec<GroupEntry>> =
            std::sync::Arc::new(entries.into_iter().map(|(_, e)| e).collect());
        let mut streamed_json = Vec::new();
        write_sheet_json(&plan, store.as_ref(), &mut streamed_json).unwrap();
        assert_eq!(
            String::from_utf8(streamed_json).unwrap(),
            String::from_utf8(json).unwrap()
        );
        let mut streamed_html = Vec::new();
        write_sheet_html(&plan, store, &mut streamed_html).unwrap();
        assert_eq!(String::from_utf8(streamed_html).unwrap(), html);
    }

    #[test]
    fn an_unreadable_entry_is_an_error_not_a_short_sheet() {
        let plan = plan_groups([(
            key("甲银行", "a"),
            EntryRef {
                name: "f1".into(),
                draft_path: "filings/f1/draft.html".into(),
                awarded_total: Yuan::ZERO,
                slot: 7,
            },
        )]);
        let empty: std::sync::Arc<Vec<GroupEntry>> = std::sync::Arc::new(Vec::new());
        assert!(write_sheet_json(&plan, empty.as_ref(), &mut Vec::new()).is_err());
        let err = write_sheet_html(&plan, empty, &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("no group entry 7"), "{err}");
    }
}
