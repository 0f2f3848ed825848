//! Lifecycle acts on stored filings (issue 25): read each filing's record, apply the event with
//! `fincase_core::lifecycle`, draft the paper it calls for (`draft::papers`), and store state,
//! event, paper and audit entry together (`Store::record_lifecycle`). One filing or ten thousand
//! (a bulk act: "served electronically on 3 March", "certify every filing whose window has
//! closed"): each filing is refused or recorded on its own, with its own audit entry.
//!
//! A filing's first act starts its machine from its record: the drafting and the judge's
//! decision, already audited when they happened, become its first events (attributed to
//! `system`); a decision made later through the review (`/decision`, the review screens) joins
//! the machine the same way at its next act. Decisions are not lifecycle acts: they keep their
//! one path, with its reasons and the approved draft version. A payment order converted to
//! litigation after an objection is drafted again as a lawsuit (`litigation_redraft`) and
//! goes back to the judge's review.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use fincase_core::domain::{CaseFacts, FilingId, FilingStatus, ReviewState};
use fincase_core::draft::papers::{CaseHeading, PaperKind, render_paper};
use fincase_core::lifecycle::{Calendar, Event, Lifecycle, Refusal, RefusalCode, Stage};
use fincase_core::rules::{
    CaseEnding, DocumentKind, Outcome, Procedure, RulesConfig, court_fee_with,
};
use fincase_store::{
    Actor, FilingScope, LifecycleRecord, LifecycleWrite, LifecycleWritten, NewLifecycleEvent,
    Redraft, Store, StoreError, StoredPaper,
};
use serde::Serialize;

/// The court's calendar date now (China Standard Time, UTC+8: the date a court writes).
pub fn court_today() -> NaiveDate {
    date_of_ms(Some(fincase_store::now_ms())).unwrap_or_default()
}

/// The court's date at instant `t`.
pub fn court_date(t: DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(8 * 3600) {
        Some(tz) => t.with_timezone(&tz).date_naive(),
        None => t.date_naive(),
    }
}

fn date_of_ms(ms: Option<i64>) -> Option<NaiveDate> {
    ms.and_then(DateTime::<Utc>::from_timestamp_millis)
        .map(court_date)
}

/// What became of an act on one filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ActResult {
    /// Recorded.
    Recorded {
        /// The stage now.
        stage: Stage,
        /// The stage in Chinese.
        stage_zh: String,
        /// The paper drafted, if any.
        paper: Option<PaperKind>,
        /// The event's number (its paper is fetched by it).
        seq: i64,
    },
    /// Refused: why, in Chinese.
    Refused {
        /// Stable code.
        code: RefusalCode,
        /// The reason.
        message: String,
    },
    /// No such filing in the caller's scope.
    NotFound,
}

/// The machine as last stored (a new one before the first act), and the events its record
/// implies that it has not seen yet: before the first act, the drafting and the judge's
/// decision; after it, a decision the judge made (`/decision`) on a draft the machine holds as
/// undecided.
fn start(record: &LifecycleRecord) -> Result<(Lifecycle, Vec<Event>), Refusal> {
    let Some(json) = &record.lifecycle_json else {
        return Ok((Lifecycle::new(), seed_events(record)));
    };
    let lc: Lifecycle = serde_json::from_str(json).map_err(|e| Refusal {
        code: RefusalCode::Invalid,
        message: format!("案件流程记录无法读取：{e}"),
    })?;
    let seeds = match (lc.stage, decision_event(record)) {
        (Stage::Drafted, Some(e)) => vec![e],
        _ => Vec::new(),
    };
    Ok((lc, seeds))
}

/// The machine of a stored filing now: its stored state with the events its record implies
/// applied (`start`), and those events.
pub fn current(
    record: &LifecycleRecord,
    today: NaiveDate,
    cal: &Calendar,
) -> Result<(Lifecycle, Vec<Event>), Refusal> {
    let (mut lc, seeds) = start(record)?;
    for e in &seeds {
        lc = lc.apply(e, today, cal)?;
    }
    Ok((lc, seeds))
}

/// The events a filing's record implies: drafted (when it has a draft or a notice) and the
/// judge's decision.
fn seed_events(record: &LifecycleRecord) -> Vec<Event> {
    let mut out = Vec::new();
    let drafted_on = date_of_ms(record.updated_ms);
    let document = match record.draft_kind.as_deref() {
        Some("judgment") => Some(DocumentKind::Judgment),
        Some("payment_order") => Some(DocumentKind::PaymentOrder),
        Some(_) => Some(DocumentKind::None),
        None => None,
    };
    let outcome: Option<Outcome> = record
        .outcome_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    let facts = facts_of(record);
    if let (Some(on), Some(document), true) = (
        drafted_on,
        document,
        matches!(
            record.status,
            FilingStatus::Drafted | FilingStatus::NeedsReview | FilingStatus::Rejected
        ),
    ) {
        out.push(Event::Drafted {
            on,
            document,
            procedure: outcome
                .as_ref()
                .map_or(Procedure::Ordinary, |o| o.procedure),
            parties: parties_of(&facts),
        });
        out.extend(decision_event(record).map(|e| match e {
            Event::Approved { on: d } => Event::Approved { on: d.max(on) },
            Event::Rejected { on: d } => Event::Rejected { on: d.max(on) },
            Event::ReturnedToBank { on: d } => Event::ReturnedToBank { on: d.max(on) },
            other => other,
        }));
    }
    out
}

/// The judge's decision on the record, as an event dated the day it was made.
fn decision_event(record: &LifecycleRecord) -> Option<Event> {
    let on = date_of_ms(record.review_ms).or_else(|| date_of_ms(record.updated_ms))?;
    Some(match record.review_state? {
        ReviewState::Approved => Event::Approved { on },
        ReviewState::Rejected => Event::Rejected { on },
        ReviewState::ReturnedToBank => Event::ReturnedToBank { on },
    })
}

/// The litigation draft of a payment order whose 督促程序 ended on an objection (民事诉讼法第二百
/// 二十八条): the stored facts with the application for a payment order withdrawn, the rules and
/// the draft run again, so the judge reviews a 判决书 draft. Returns what to store and the
/// `Drafted` event that records it.
fn litigation_redraft(
    record: &LifecycleRecord,
    on: NaiveDate,
    rules: &RulesConfig,
) -> Result<(Redraft, Event), Refusal> {
    let fail = |m: String| Refusal {
        code: RefusalCode::Invalid,
        message: m,
    };
    let mut report: serde_json::Value = record
        .facts_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .ok_or_else(|| fail("此案件没有可用于起草诉讼文书的事实记录".to_owned()))?;
    report["payment_order_requested"] = serde_json::Value::Bool(false);
    let facts: CaseFacts = serde_json::from_value(report.clone())
        .map_err(|e| fail(format!("事实记录无法读取：{e}")))?;
    let findings: Vec<fincase_core::domain::Finding> =
        serde_json::from_value(report["findings"].clone()).unwrap_or_default();
    let provenance: Option<fincase_core::domain::Provenance> =
        serde_json::from_value(report["provenance"].clone()).ok();
    let outcome = fincase_core::rules::suggest(&facts, &findings, rules);
    let opts = fincase_core::draft::DraftOptions {
        provenance,
        ..Default::default()
    };
    let draft = fincase_core::draft::render_with(&facts, &findings, &outcome, &opts)
        .map_err(|e| fail(format!("诉讼文书生成失败：{e}")))?;
    let kind = match draft.kind {
        DocumentKind::Judgment => "judgment",
        DocumentKind::PaymentOrder => "payment_order",
        DocumentKind::None => "notice",
    };
    let drafted = Event::Drafted {
        on,
        document: draft.kind,
        procedure: outcome.procedure,
        parties: parties_of(&facts),
    };
    Ok((
        Redraft {
            facts_json: report.to_string(),
            outcome_json: serde_json::to_string(&outcome).map_err(|e| fail(e.to_string()))?,
            draft_kind: kind.to_owned(),
            status: if draft.kind == DocumentKind::None {
                FilingStatus::NeedsReview
            } else {
                FilingStatus::Drafted
            },
            versions_json: serde_json::json!({
                "model": draft.model_version,
                "rules": draft.rules_version,
                "template": draft.template_version,
            })
            .to_string(),
            draft_html: draft.html,
            draft_text: draft.text,
        },
        drafted,
    ))
}

/// Everyone a document is served on: the plaintiff, then the defendants, by name.
fn parties_of(facts: &CaseFacts) -> Vec<String> {
    let mut parties: Vec<String> = facts
        .plaintiff
        .iter()
        .map(|p| p.name.clone())
        .chain(facts.defendants.iter().map(|d| d.name.clone()))
        .collect();
    parties.dedup();
    parties
}

/// A stored paper as a draft the DOCX and PDF writers take.
pub fn paper_draft(p: StoredPaper) -> fincase_core::draft::Draft {
    let versions: serde_json::Value = serde_json::from_str(&p.versions_json).unwrap_or_default();
    let field = |k: &str| versions[k].as_str().unwrap_or_default().to_owned();
    fincase_core::draft::Draft {
        kind: DocumentKind::None,
        html: p.html,
        text: p.text,
        template_version: field("template"),
        rules_version: field("rules"),
        model_version: field("model"),
    }
}

/// A stored paper as DOCX (`pdf` false) or PDF bytes (CPU work: run it in `spawn_blocking`).
pub fn paper_bytes(p: StoredPaper, pdf: bool) -> Result<Vec<u8>, fincase_core::draft::DraftError> {
    let d = paper_draft(p);
    if pdf {
        fincase_core::draft::to_pdf(&d)
    } else {
        fincase_core::draft::to_docx(&d)
    }
}

fn facts_of(record: &LifecycleRecord) -> CaseFacts {
    record
        .facts_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// How the case names itself on a paper, with the fee that paper allocates.
fn heading(
    record: &LifecycleRecord,
    kind: PaperKind,
    lc: &Lifecycle,
    rules: &RulesConfig,
) -> CaseHeading {
    let facts = facts_of(record);
    let outcome: Option<Outcome> = record
        .outcome_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    let fee = outcome.as_ref().and_then(|o| {
        let basis = o.court_fee.basis;
        let procedure = match (o.procedure, lc.procedure) {
            (_, Some(p)) if p != Procedure::PaymentOrder => p,
            (Procedure::PaymentOrder, _) => Procedure::Simplified,
            (p, _) => p,
        };
        let fee = |procedure, ending| {
            court_fee_with(
                &rules.fee_schedule,
                basis,
                procedure,
                ending,
                rules.fee_rounding,
            )
        };
        match kind {
            PaperKind::TerminationRuling => {
                Some(fee(Procedure::PaymentOrder, CaseEnding::Judgment))
            }
            PaperKind::MediationStatement => Some(fee(procedure, CaseEnding::Mediation)),
            PaperKind::WithdrawalRuling => Some(fee(procedure, CaseEnding::Withdrawal)),
            PaperKind::EffectCertificate => None,
        }
    });
    let versions: Option<serde_json::Value> = record
        .versions_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    CaseHeading {
        court: facts
            .court
            .clone()
            .or_else(|| record.court_name.clone())
            .unwrap_or_else(|| "____人民法院".to_owned()),
        case_number: None,
        cause: facts
            .case_type
            .map_or("借款合同纠纷", |t| t.cause_of_action())
            .to_owned(),
        plaintiff: facts
            .plaintiff
            .as_ref()
            .map_or_else(String::new, |p| p.name.clone()),
        defendants: facts.defendants.iter().map(|d| d.name.clone()).collect(),
        fee,
        judge: None,
        clerk: None,
        model_version: versions
            .as_ref()
            .and_then(|v| v.get("model"))
            .and_then(|m| m.as_str())
            .map(str::to_owned),
    }
}

/// Plans one act: the write that records `event` on the filing (its seeds first), or the refusal.
pub fn plan(
    record: &LifecycleRecord,
    event: &Event,
    today: NaiveDate,
    cal: &Calendar,
    rules: &RulesConfig,
) -> Result<(LifecycleWrite, Option<PaperKind>), Refusal> {
    let (mut lc, seeds) = start(record)?;
    let mut events = Vec::with_capacity(seeds.len() + 1);
    let mut stage_before =
        (record.lifecycle_json.is_some() || !seeds.is_empty()).then_some(lc.stage);
    // The record's events first, each with the stage it left.
    for s in &seeds {
        let next = lc.apply(s, today, cal)?;
        events.push(new_event(s, stage_before, next.stage, true, None)?);
        stage_before = Some(next.stage);
        lc = next;
    }
    if matches!(
        event,
        Event::Approved { .. } | Event::Rejected { .. } | Event::ReturnedToBank { .. }
    ) {
        return Err(Refusal {
            code: RefusalCode::Invalid,
            message: "签发、驳回或退回请通过审核决定作出（审核页面或 /decision），案件流程随之更新"
                .to_owned(),
        });
    }
    let mut next = lc.apply(event, today, cal)?;
    let kind = PaperKind::for_event(event, &next);
    let paper = match kind {
        Some(k) => {
            let h = heading(record, k, &next, rules);
            let p = render_paper(k, &h, &next, event, event.on()).map_err(|e| Refusal {
                code: RefusalCode::Invalid,
                message: format!("文书生成失败：{e}"),
            })?;
            Some(StoredPaper {
                kind: k.as_str().to_owned(),
                html: p.draft.html,
                text: p.draft.text,
                versions_json: serde_json::json!({
                    "template": p.draft.template_version,
                    "rules": p.draft.rules_version,
                    "model": p.draft.model_version,
                })
                .to_string(),
            })
        }
        None => None,
    };
    events.push(new_event(event, stage_before, next.stage, false, paper)?);
    let mut redraft = None;
    if matches!(event, Event::ConvertedToLitigation { .. }) {
        let (r, drafted) = litigation_redraft(record, event.on(), rules)?;
        let before = next.stage;
        next = next.apply(&drafted, today, cal)?;
        events.push(new_event(&drafted, Some(before), next.stage, true, None)?);
        redraft = Some(r);
    }
    let lifecycle_json = serde_json::to_string(&next).map_err(|e| Refusal {
        code: RefusalCode::Invalid,
        message: e.to_string(),
    })?;
    Ok((
        LifecycleWrite {
            filing_id: record.id.clone(),
            org: record.org.clone(),
            expect_seq: record.lifecycle_seq,
            events,
            stage: next.stage.as_str().to_owned(),
            lifecycle_json,
            redraft,
        },
        kind,
    ))
}

fn new_event(
    e: &Event,
    before: Option<Stage>,
    after: Stage,
    seeded: bool,
    paper: Option<StoredPaper>,
) -> Result<NewLifecycleEvent, Refusal> {
    Ok(NewLifecycleEvent {
        event: e.name().to_owned(),
        event_json: serde_json::to_string(e).map_err(|err| Refusal {
            code: RefusalCode::Invalid,
            message: err.to_string(),
        })?,
        on_date: e.on().to_string(),
        stage_before: before.map(|s| s.as_str().to_owned()),
        stage_after: after.as_str().to_owned(),
        seeded,
        paper,
    })
}

/// Applies `event` to every filing of `ids` in `scope`, as `actor`, on `today`: each filing is
/// recorded (state, events, paper, audit) or refused on its own. Filings are read, planned and
/// written 1,000 at a time; a filing another act changed meanwhile is planned again once. The
/// results come in the order of `ids`.
pub async fn act(
    store: &Store,
    ids: &[FilingId],
    scope: &FilingScope,
    event: &Event,
    actor: &Actor,
    today: NaiveDate,
    rules: &RulesConfig,
) -> Result<Vec<(FilingId, ActResult)>, StoreError> {
    let cal = Calendar::shipped();
    let mut results: Vec<(FilingId, ActResult)> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        let mut pending: Vec<FilingId> = chunk.to_vec();
        for attempt in 0..2 {
            let records = store.lifecycle_records(&pending, scope).await?;
            let mut found: std::collections::HashMap<String, &LifecycleRecord> = records
                .iter()
                .map(|r| (r.id.as_str().to_owned(), r))
                .collect();
            let mut writes = Vec::new();
            let mut planned: Vec<(FilingId, Option<PaperKind>, Stage, i64)> = Vec::new();
            for id in &pending {
                let Some(r) = found.remove(id.as_str()) else {
                    results.push((id.clone(), ActResult::NotFound));
                    continue;
                };
                match plan(r, event, today, cal, rules) {
                    Ok((w, paper)) => {
                        let stage = w.stage.parse().unwrap_or(Stage::Accepted);
                        let seq = w.expect_seq + w.events.len() as i64;
                        planned.push((id.clone(), paper, stage, seq));
                        writes.push(w);
                    }
                    Err(r) => results.push((
                        id.clone(),
                        ActResult::Refused {
                            code: r.code,
                            message: r.message,
                        },
                    )),
                }
            }
            let written = store.record_lifecycle(&writes, actor).await?;
            let mut conflicts = Vec::new();
            for ((id, paper, stage, seq), w) in planned.into_iter().zip(written) {
                match w {
                    LifecycleWritten::Recorded => results.push((
                        id,
                        ActResult::Recorded {
                            stage,
                            stage_zh: stage.zh().to_owned(),
                            paper,
                            seq,
                        },
                    )),
                    LifecycleWritten::Conflict if attempt == 0 => conflicts.push(id),
                    LifecycleWritten::Conflict => results.push((
                        id,
                        ActResult::Refused {
                            code: RefusalCode::OutOfOrder,
                            message: "案件流程刚被其他操作更新，请刷新后重试".to_owned(),
                        },
                    )),
                }
            }
            if conflicts.is_empty() {
                break;
            }
            pending = conflicts;
        }
    }
    // In the order the filings were named.
    let order: std::collections::HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    results.sort_by_key(|(id, _)| order.get(id.as_str()).copied().unwrap_or(usize::MAX));
    Ok(results)
}
