//! The case screen's 案件流程 card (issue 25): where the filing stands after its draft, the
//! deadlines the law derives, its history with the papers, and the acts the judge may record
//! now (each a form: 送达, 异议, 上诉, 生效, 执行, 调解, 撤诉…). An act goes through
//! `fincase_pipeline::lifecycle::act` like the API's; an act the law does not allow yet (a
//! certificate while the window runs) is shown with the reason instead of a button.

use super::session::{Judge, judge, store_failed};
use super::{Page, case_view, own_filing, page_error};
use crate::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use fincase_core::domain::{FilingId, Yuan};
use fincase_core::draft::papers::PaperKind;
use fincase_core::lifecycle::{
    Calendar, Event, Instalment, MediationTerms, RefusalCode, ServiceMethod, Stage,
};
use fincase_pipeline::lifecycle::{ActResult, act, court_today, current, paper_bytes};
use fincase_store::FilingScope;
use serde::Deserialize;
use serde_json::{Value, json};

/// The acts the card offers, in the order a case meets them: (type, button label).
const ACTS: [(&str, &str); 12] = [
    ("served", "记录送达"),
    ("unservable", "支付令无法送达，终结督促程序"),
    ("objection_filed", "记录被申请人书面异议"),
    ("objection_upheld", "异议成立，裁定终结督促程序"),
    ("objection_dismissed", "异议不成立，裁定驳回异议"),
    ("litigation_declined", "申请人不同意提起诉讼"),
    ("converted_to_litigation", "转入诉讼程序，重新起草判决书"),
    ("appealed", "记录当事人上诉"),
    ("effective", "确认生效，出具生效证明书"),
    ("enforcement_applied", "记录申请执行"),
    ("mediated", "记录调解协议，出具调解书"),
    ("withdrawn", "准予撤诉"),
];

/// A stand-in of each act dated `today`, to ask the machine whether it fits now.
fn probe(kind: &str, today: NaiveDate) -> Option<Event> {
    let on = today;
    Some(match kind {
        "served" => Event::Served {
            on,
            method: ServiceMethod::Electronic,
            party: None,
            abroad: false,
        },
        "unservable" => Event::Unservable { on },
        "objection_filed" => Event::ObjectionFiled { on },
        "objection_upheld" => Event::ObjectionUpheld { on },
        "objection_dismissed" => Event::ObjectionDismissed { on },
        "litigation_declined" => Event::LitigationDeclined { on },
        "converted_to_litigation" => Event::ConvertedToLitigation { on },
        "appealed" => Event::Appealed { on },
        "effective" => Event::Effective { on },
        "enforcement_applied" => Event::EnforcementApplied { on },
        "mediated" => Event::Mediated {
            on,
            terms: MediationTerms {
                instalments: vec![Instalment {
                    due: on,
                    amount: Yuan::from_fen(100),
                }],
                acceleration: false,
                interest_waived: false,
            },
        },
        "withdrawn" => Event::Withdrawn {
            on,
            reason: "—".to_owned(),
        },
        _ => return None,
    })
}

/// The card's content for the case screen (`None`: the filing has no draft to follow).
pub(super) async fn card(
    state: &AppState,
    id: &FilingId,
) -> Result<Option<Value>, axum::response::Response> {
    let Some(record) = state
        .store
        .lifecycle_record(id, &FilingScope::All)
        .await
        .map_err(|e| store_failed(&e))?
    else {
        return Ok(None);
    };
    let today = court_today();
    let cal = Calendar::shipped();
    let Ok((lc, seeds)) = current(&record, today, cal) else {
        return Ok(None);
    };
    if lc.stage == Stage::Accepted {
        return Ok(None);
    }
    let rows = state
        .store
        .lifecycle_events(id)
        .await
        .map_err(|e| store_failed(&e))?;
    let mut history: Vec<Value> = rows
        .iter()
        .map(|r| {
            let e: Option<Event> = serde_json::from_str(&r.event_json).ok();
            json!({
                "on": NaiveDate::parse_from_str(&r.on_date, "%Y-%m-%d")
                    .map_or_else(|_| r.on_date.clone(), fincase_core::domain::date_zh),
                "what": e.as_ref().map(Event::zh),
                "stage": r.stage_after.parse::<Stage>().ok().map(Stage::zh),
                "by": person(&r.actor),
                "paper": r.paper_kind.as_ref().map(|k| json!({
                    "name": k.parse::<PaperKind>().map_or("文书", PaperKind::zh),
                    "seq": r.seq,
                })),
            })
        })
        .collect();
    history.extend(seeds.iter().map(|e| {
        json!({ "on": fincase_core::domain::date_zh(e.on()), "what": e.zh(), "stage": Value::Null, "by": person("system") })
    }));
    let mut acts = Vec::new();
    for (kind, label) in ACTS {
        let Some(ev) = probe(kind, today) else {
            continue;
        };
        match lc.apply(&ev, today, cal) {
            Ok(_) => acts.push(json!({ "kind": kind, "label": label, "ready": true })),
            Err(r) if r.code == RefusalCode::TooEarly => acts.push(json!({
                "kind": kind, "label": label, "ready": false, "why": r.message,
            })),
            Err(_) => {}
        }
    }
    let unserved: Vec<&String> = lc
        .parties
        .iter()
        .filter(|p| {
            !lc.services
                .iter()
                .any(|s| s.party.as_deref() == Some(p.as_str()))
        })
        .collect();
    Ok(Some(json!({
        "stage": lc.stage.zh(),
        "awaits_decision": lc.stage == Stage::Drafted,
        "status": lc.status_zh(today, cal),
        "document": lc.track.map(|t| t.document_zh()),
        "deadlines": lc.deadlines(cal).iter().map(|d| json!({
            "due": fincase_core::domain::date_zh(d.due),
            "what": d.what,
            "rule": d.rule.replace(" [P]", "").replace(" [S]", "").replace(" [M]", ""),
            "overdue": d.due < today,
        })).collect::<Vec<_>>(),
        "history": history,
        "acts": acts,
        "parties": unserved,
        "today": today.to_string(),
        "payment_order": lc.track == Some(fincase_core::lifecycle::Track::PaymentOrder),
    })))
}

/// Who recorded an event, as a judge reads it: the token's label (`王法官`) rather than the
/// audit log's actor string (`judge:court-a:王法官#9933b747`).
fn person(actor: &str) -> String {
    if actor == "system" {
        return "系统（据审核记录）".to_owned();
    }
    actor
        .splitn(3, ':')
        .nth(2)
        .and_then(|rest| rest.split('#').next())
        .filter(|l| !l.is_empty())
        .unwrap_or(actor)
        .to_owned()
}

/// The card's form.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ActForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    party: String,
    #[serde(default)]
    abroad: Option<String>,
    #[serde(default)]
    reason: String,
    /// One instalment per line: `2026-05-31 30000`.
    #[serde(default)]
    instalments: String,
    #[serde(default)]
    acceleration: Option<String>,
    #[serde(default)]
    interest_waived: Option<String>,
}

/// The event a form describes, or what is wrong with it (in Chinese).
fn event_of(f: &ActForm) -> Result<Event, String> {
    let on = NaiveDate::parse_from_str(f.on.trim(), "%Y-%m-%d")
        .map_err(|_| "请填写日期（年-月-日）。".to_owned())?;
    Ok(match f.kind.as_str() {
        "served" => Event::Served {
            on,
            method: match f.method.as_str() {
                "electronic" => ServiceMethod::Electronic,
                "postal" => ServiceMethod::Postal,
                "in_person" => ServiceMethod::InPerson,
                "left" => ServiceMethod::Left,
                "publication" => ServiceMethod::Publication,
                _ => return Err("请选择送达方式。".to_owned()),
            },
            party: Some(f.party.trim().to_owned()).filter(|p| !p.is_empty()),
            abroad: f.abroad.is_some(),
        },
        "mediated" => {
            let mut instalments = Vec::new();
            for line in f
                .instalments
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
            {
                let mut parts = line.split_whitespace();
                let due = parts
                    .next()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                let amount = parts
                    .next()
                    .and_then(|a| a.replace(',', "").parse::<Yuan>().ok());
                match (due, amount) {
                    (Some(due), Some(amount)) => instalments.push(Instalment { due, amount }),
                    _ => {
                        return Err(format!(
                            "无法读取分期“{line}”：每行写“日期 金额”，如 2026-05-31 30000"
                        ));
                    }
                }
            }
            Event::Mediated {
                on,
                terms: MediationTerms {
                    instalments,
                    acceleration: f.acceleration.is_some(),
                    interest_waived: f.interest_waived.is_some(),
                },
            }
        }
        "withdrawn" => Event::Withdrawn {
            on,
            reason: f.reason.trim().to_owned(),
        },
        other => match probe(other, on) {
            Some(e) => e,
            None => return Err("未知的流程操作。".to_owned()),
        },
    })
}

/// `POST /ui/filings/{id}/lifecycle`: records the act and shows the case again.
pub(super) async fn post_act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<FilingId>,
    form: Result<Form<ActForm>, FormRejection>,
) -> Page {
    let j: Judge = judge(&state, &headers).await?;
    let form = form.ok().map(|Form(f)| f);
    j.check_csrf(form.as_ref().and_then(|f| f.csrf.as_deref()))?;
    own_filing(&state, &j, &id).await?;
    let q = super::CaseQuery::default();
    let form = form.unwrap_or_default();
    let event = match event_of(&form) {
        Ok(e) => e,
        Err(msg) => {
            return case_view(
                &state,
                &j,
                &id,
                &q,
                Some(("error", msg)),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    let results = act(
        &state.store,
        std::slice::from_ref(&id),
        &FilingScope::Court(j.court_id.clone()),
        &event,
        &j.caller.actor(),
        court_today(),
        &state.rules,
    )
    .await
    .map_err(|e| store_failed(&e))?;
    match results.into_iter().next().map(|(_, r)| r) {
        Some(ActResult::Recorded { .. }) => Ok(Redirect::to(&format!(
            "/ui/filings/{id}?acted={}#lifecycle",
            event.name()
        ))
        .into_response()),
        Some(ActResult::Refused { message, .. }) => {
            case_view(
                &state,
                &j,
                &id,
                &q,
                Some(("error", message)),
                StatusCode::CONFLICT,
            )
            .await
        }
        _ => Err(super::not_found()),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct PaperQuery {
    #[serde(default)]
    format: Option<String>,
}

/// `GET /ui/filings/{id}/papers/{seq}?format=html|docx|pdf`: a paper of the filing.
pub(super) async fn paper(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, seq)): Path<(FilingId, i64)>,
    Query(q): Query<PaperQuery>,
) -> Page {
    let j = judge(&state, &headers).await?;
    own_filing(&state, &j, &id).await?;
    let p = state
        .store
        .lifecycle_paper(&id, seq)
        .await
        .map_err(|e| store_failed(&e))?
        .ok_or_else(super::not_found)?;
    let name = format!("{}-{seq}", p.kind);
    match q.format.as_deref() {
        Some(f @ ("docx" | "pdf")) => {
            let pdf = f == "pdf";
            let bytes = tokio::task::spawn_blocking(move || paper_bytes(p, pdf))
                .await
                .map_err(|_| page_error(StatusCode::INTERNAL_SERVER_ERROR, "文书生成失败。"))?
                .map_err(|e| {
                    page_error(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &format!("文书生成失败：{e}"),
                    )
                })?;
            let ct = if pdf {
                "application/pdf"
            } else {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            };
            Ok(super::bytes_response(
                ct,
                format!("attachment; filename=\"{name}.{f}\""),
                bytes,
            ))
        }
        _ => Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], p.html).into_response()),
    }
}

/// The queue's bulk form: the act and the filings it names.
#[derive(Debug, Default, Deserialize)]
pub(super) struct BulkForm {
    #[serde(flatten)]
    act: ActForm,
    /// Comma-separated filing ids.
    #[serde(default)]
    ids: String,
}

/// `POST /ui/lifecycle/bulk`: one act on the filings the queue shows (at most 10,000), each
/// recorded or refused on its own; back to the queue with the counts.
pub(super) async fn post_bulk(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<BulkForm>, FormRejection>,
) -> Page {
    let j: Judge = judge(&state, &headers).await?;
    let form = form.ok().map(|Form(f)| f);
    j.check_csrf(form.as_ref().and_then(|f| f.act.csrf.as_deref()))?;
    let form = form.unwrap_or_default();
    let ids: Vec<FilingId> = form
        .ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(FilingId::new)
        .collect();
    if ids.is_empty() || ids.len() > crate::lifecycle::BULK_MAX {
        return Err(page_error(
            StatusCode::BAD_REQUEST,
            "请在列表中选择 1 至 10000 件案件。",
        ));
    }
    let event = event_of(&form.act).map_err(|m| page_error(StatusCode::BAD_REQUEST, &m))?;
    let results = act(
        &state.store,
        &ids,
        &FilingScope::Court(j.court_id.clone()),
        &event,
        &j.caller.actor(),
        court_today(),
        &state.rules,
    )
    .await
    .map_err(|e| store_failed(&e))?;
    let recorded = results
        .iter()
        .filter(|(_, r)| matches!(r, ActResult::Recorded { .. }))
        .count();
    let mut reasons: Vec<String> = results
        .iter()
        .filter_map(|(_, r)| match r {
            ActResult::Refused { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect();
    reasons.sort();
    reasons.dedup();
    let skipped = results.len() - recorded;
    let note = if skipped == 0 {
        format!("{}：已记录 {recorded} 件。", event.zh())
    } else {
        format!(
            "{}：已记录 {recorded} 件，{skipped} 件未记录（{}）。",
            event.zh(),
            reasons.join("；")
        )
    };
    let url = format!(
        "/ui?status=all&bulk={}",
        percent_encoding::utf8_percent_encode(&note, percent_encoding::NON_ALPHANUMERIC)
    );
    Ok(Redirect::to(&url).into_response())
}
