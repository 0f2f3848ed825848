//! Authentication ([`Caller`], from `Authorization: Bearer <token>`) and the one authorisation
//! function every handler calls ([`authorize`]), with the analyst's masked view of a filing.
//!
//! The rule for denials, everywhere: **401** without a known token; **403** when the caller's
//! role may never do this on any record (a judge submitting a batch, a bank reading the audit
//! log): saying so reveals nothing about any record; **404** when the role may do it but this
//! record is outside the caller's tenancy (another bank's batch, another court's filing), exactly
//! as for an id that does not exist, so existence never leaks across tenants. Ids are v4 uuids.
//!
//! | act | bank | judge | analyst | admin |
//! |---|---|---|---|---|
//! | submit a batch | yes | 403 | 403 | 403 |
//! | read a batch | own org, else 404 | 403 | 403 | yes |
//! | list filings | own org | own court | all, masked | all |
//! | read a filing | own org, else 404 | own court, else 404 | any, masked | yes |
//! | read a draft | own org, else 404 | own court, else 404 | 403 | yes |
//! | decide | 403 | own court, else 404 | 403 | 403 |
//! | read a filing's lifecycle and papers | own org, else 404 | own court, else 404 | 403 | yes |
//! | act on a lifecycle (one filing, or in bulk) | 403 | own court, else 404 | 403 | 403 |
//! | register webhooks | own org | 403 | 403 | 403 |
//! | list webhooks | own org | 403 | 403 | all |
//! | search | own org | own court | 403 | all |
//! | stats | 403 | 403 | yes | yes |
//! | tokens, courts, audit log | 403 | 403 | 403 | yes |
//! | metrics | 403 | 403 | 403 | yes |
//!
//! `/metrics` also opens to the configured scrape token (`metrics_token`, a credential of its
//! own for a scraper that holds no API token), or to anyone with `public_metrics`.
//!
//! A filing whose court was not matched to a configured court belongs to no court: no judge
//! sees it; its bank and admins do.

use super::{ApiError, AppState, hash_token};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use fincase_core::domain::CourtId;
use fincase_store::{Actor, BatchView, FilingScope, FilingView, Role};

/// The authenticated caller: organisation, role, label and (for a judge) court.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The organisation the token acts for.
    pub org: String,
    /// Its role.
    pub role: Role,
    /// The token's label (who holds it, in words).
    pub label: String,
    /// The token's stored hash (never the token).
    pub token_hash: String,
    /// A judge's court.
    pub court_id: Option<CourtId>,
}

impl Caller {
    /// True when the caller may see a record owned by `org` (`None`: command-line records,
    /// admin only). Kept for callers outside `http`; handlers use `authorize`.
    pub fn may_see(&self, org: Option<&str>) -> bool {
        self.role == Role::Admin || (self.role == Role::Bank && org == Some(self.org.as_str()))
    }

    /// Who this caller is in the audit log.
    pub fn actor(&self) -> Actor {
        Actor::token(self.role.as_str(), &self.org, &self.label, &self.token_hash)
    }

    /// True when the filing is within this caller's tenancy (its org for a bank, its court
    /// for a judge, anything for an admin; nothing for an analyst, who sees masked views).
    fn holds(&self, f: &FilingView) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Bank => f.org.as_deref() == Some(self.org.as_str()),
            Role::Judge => self.court_id.is_some() && f.court_id == self.court_id,
            Role::Analyst => false,
        }
    }

    /// A bank's or judge's own scope (`None` for a judge token without a court).
    fn own_scope(&self) -> Option<FilingScope> {
        match self.role {
            Role::Admin => Some(FilingScope::All),
            Role::Bank => Some(FilingScope::Org(self.org.clone())),
            Role::Judge => self.court_id.clone().map(FilingScope::Court),
            Role::Analyst => None,
        }
    }
}

/// The token of `Authorization: Bearer <token>`, when there is a non-empty one.
pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        Caller::from_headers(state, &parts.headers).await
    }
}

impl Caller {
    /// The caller the request's Bearer token names: 401 without a known token.
    pub(super) async fn from_headers(
        state: &AppState,
        headers: &HeaderMap,
    ) -> Result<Caller, ApiError> {
        let token = bearer(headers).ok_or_else(ApiError::unauthenticated)?;
        let rec = state
            .store
            .token(&hash_token(token))
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        tracing::Span::current().record("org", rec.org.as_str());
        Ok(Caller {
            org: rec.org,
            role: rec.role,
            label: rec.label,
            token_hash: rec.token_hash,
            court_id: rec.court_id,
        })
    }
}

/// What a caller asks to do, with the record it is about (`None`: no such record, which
/// answers 404 to a role that may do this and 403 to one that may not).
#[derive(Debug, Clone, Copy)]
pub(super) enum Act<'a> {
    /// `POST /api/v1/batches`.
    SubmitBatch,
    /// `GET /api/v1/batches/{id}`.
    ReadBatch(Option<&'a BatchView>),
    /// `GET /api/v1/filings`.
    ListFilings,
    /// `GET /api/v1/filings/{id}`.
    ReadFiling(Option<&'a FilingView>),
    /// `GET /api/v1/filings/{id}/draft`.
    ReadDraft(Option<&'a FilingView>),
    /// `POST /api/v1/filings/{id}/decision`.
    Decide(Option<&'a FilingView>),
    /// `GET /api/v1/search`.
    Search,
    /// `GET /api/v1/stats`.
    ReadStats,
    /// `POST /api/v1/tokens`.
    ManageTokens,
    /// `GET`/`POST /api/v1/courts`.
    ManageCourts,
    /// `GET /api/v1/audit`.
    ReadAudit,
    /// `GET /metrics` by an API token (the scrape token is checked before, in `metrics`).
    ReadMetrics,
    /// `GET /api/v1/filings/{id}/lifecycle` and its papers.
    ReadLifecycle(Option<&'a FilingView>),
    /// `POST /api/v1/filings/{id}/lifecycle`.
    RecordLifecycle(Option<&'a FilingView>),
    /// `POST /api/v1/lifecycle/bulk` (each filing is then looked up in the judge's court).
    BulkLifecycle,
    /// `POST /api/v1/webhooks`: a bank's own endpoints.
    ManageWebhooks,
    /// `GET /api/v1/webhooks`.
    ReadWebhooks,
}

/// What [`authorize`] allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Grant {
    /// The whole record (or the whole route).
    Full,
    /// Only the masked view ([`mask_report`]): the analyst.
    Masked,
    /// Only the records in this scope (listings and searches).
    Scope(FilingScope),
}

/// The one authorisation decision of the API (see the module's table). `Err` is the answer
/// to send: 403 when the role may never do this, 404 when the record is outside the caller's
/// tenancy.
pub(super) fn authorize(caller: &Caller, act: Act<'_>) -> Result<Grant, ApiError> {
    let role = caller.role;
    let forbidden = || {
        Err(ApiError::forbidden(format!(
            "a {} token may not do this",
            role.as_str()
        )))
    };
    let own_or_404 = |f: Option<&FilingView>| {
        if f.is_some_and(|f| caller.holds(f)) {
            Ok(Grant::Full)
        } else {
            Err(ApiError::not_found("filing"))
        }
    };
    match act {
        Act::SubmitBatch => match role {
            Role::Bank => Ok(Grant::Full),
            _ => forbidden(),
        },
        Act::ReadBatch(b) => match role {
            Role::Admin => Ok(Grant::Full),
            Role::Bank if b.is_some_and(|b| b.org.as_deref() == Some(caller.org.as_str())) => {
                Ok(Grant::Full)
            }
            Role::Bank => Err(ApiError::not_found("batch")),
            Role::Judge | Role::Analyst => forbidden(),
        },
        Act::ListFilings => match role {
            Role::Analyst => Ok(Grant::Masked),
            _ => caller
                .own_scope()
                .map(Grant::Scope)
                .map_or_else(forbidden, Ok),
        },
        Act::ReadFiling(f) => match role {
            Role::Analyst if f.is_some() => Ok(Grant::Masked),
            Role::Analyst => Err(ApiError::not_found("filing")),
            _ => own_or_404(f),
        },
        Act::ReadDraft(f) => match role {
            Role::Analyst => forbidden(),
            _ => own_or_404(f),
        },
        Act::Decide(f) | Act::RecordLifecycle(f) => match role {
            Role::Judge => own_or_404(f),
            _ => forbidden(),
        },
        Act::ReadLifecycle(f) => match role {
            Role::Analyst => forbidden(),
            _ => own_or_404(f),
        },
        Act::BulkLifecycle => match role {
            Role::Judge => Ok(Grant::Full),
            _ => forbidden(),
        },
        Act::ManageWebhooks => match role {
            Role::Bank => Ok(Grant::Full),
            _ => forbidden(),
        },
        Act::ReadWebhooks => match role {
            Role::Bank | Role::Admin => Ok(Grant::Full),
            _ => forbidden(),
        },
        Act::Search => match role {
            Role::Analyst => forbidden(),
            _ => caller
                .own_scope()
                .map(Grant::Scope)
                .map_or_else(forbidden, Ok),
        },
        Act::ReadStats => match role {
            Role::Analyst | Role::Admin => Ok(Grant::Full),
            _ => forbidden(),
        },
        Act::ManageTokens | Act::ManageCourts | Act::ReadAudit | Act::ReadMetrics => match role {
            Role::Admin => Ok(Grant::Full),
            _ => forbidden(),
        },
    }
}

/// A party name masked: its first character kept, the rest starred (`张三丰` → `张**`).
fn mask_name(name: &str) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| if i == 0 { c } else { '*' })
        .collect()
}

/// An address cut to its first six characters (city and district), the rest starred.
fn mask_address(a: &str) -> String {
    a.chars()
        .enumerate()
        .map(|(i, c)| if i < 6 { c } else { '*' })
        .collect()
}

/// The analyst's view of a stored report (the facts' fields at top level, with `findings`):
/// identifiers masked by `extract::pii::mask` in every string, the names of natural persons
/// (defendants, a natural person plaintiff) starred wherever they occur, their domiciles cut
/// to city and district, and the provenance (quoted text) and file-derived id dropped.
pub(super) fn mask_report(mut report: serde_json::Value) -> serde_json::Value {
    let mut names: Vec<String> = Vec::new();
    if let Some(obj) = report.as_object_mut() {
        obj.remove("provenance");
        obj.remove("id");
        if let Some(ds) = obj
            .get_mut("defendant_domiciles")
            .and_then(|d| d.as_array_mut())
        {
            for d in ds.iter_mut() {
                if let Some(a) = d.as_str() {
                    *d = mask_address(a).into();
                }
            }
        }
        if let Some(ds) = obj.get("defendants").and_then(|d| d.as_array()) {
            names.extend(
                ds.iter()
                    .filter_map(|d| d.get("name").and_then(|n| n.as_str()).map(str::to_owned)),
            );
        }
        if let Some(p) = obj.get("plaintiff")
            && p.get("kind").and_then(|k| k.as_str()) == Some("person")
            && let Some(n) = p.get("name").and_then(|n| n.as_str())
        {
            names.push(n.to_owned());
        }
    }
    // Longest first, so that 张三丰 is masked whole before 张三.
    names.retain(|n| !n.is_empty());
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names.dedup();
    mask_strings(&mut report, &names);
    report
}

fn mask_strings(v: &mut serde_json::Value, names: &[String]) {
    match v {
        serde_json::Value::String(s) => {
            let mut out = fincase_core::extract::pii::mask(s);
            for n in names {
                if out.contains(n.as_str()) {
                    out = out.replace(n.as_str(), &mask_name(n));
                }
            }
            *s = out;
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| mask_strings(x, names)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| mask_strings(x, names)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyst_view_masks_names_and_identifiers() {
        let report = serde_json::json!({
            "id": "f1",
            "plaintiff": { "name": "某某银行股份有限公司", "kind": "bank" },
            "defendants": [
                { "name": "张三丰", "role": "borrower" },
                { "name": "张三", "role": "guarantor" }
            ],
            "findings": [{ "message": "保证人张三丰、张三电话13912345678" }],
            "defendant_domiciles": ["青原市新城区滨江路79号"],
            "provenance": { "court": { "text": "张三丰" } }
        });
        let m = mask_report(report).to_string();
        assert!(!m.contains("张三丰") && !m.contains("张三\"") && !m.contains("13912345678"));
        assert!(m.contains("张**") && m.contains("张*"));
        assert!(
            m.contains("某某银行股份有限公司"),
            "an institution is not masked"
        );
        assert!(!m.contains("provenance") && !m.contains("滨江路"));
    }

    fn caller(role: Role, org: &str, court: Option<&str>) -> Caller {
        Caller {
            org: org.into(),
            role,
            label: "t".into(),
            token_hash: "ab".repeat(32),
            court_id: court.map(CourtId::new),
        }
    }

    #[test]
    fn a_judge_without_a_court_sees_nothing() {
        let j = caller(Role::Judge, "court", None);
        assert!(authorize(&j, Act::ListFilings).is_err());
        assert!(authorize(&j, Act::Search).is_err());
    }
}
