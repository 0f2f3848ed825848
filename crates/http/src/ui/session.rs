//! Who is looking at a review page: a judge, by a session cookie made at login from the
//! judge's API token, or by the token itself in `Authorization: Bearer` (scripts, tests).
//!
//! The session cookie (`fc_session`) is 256 random bits, `HttpOnly`, `SameSite=Strict`,
//! `Path=/ui`, for [`SESSION_TTL_MS`]; only its SHA-256 is stored (`ui_sessions`), with the
//! token's hash (a revoked token ends its sessions) and the session's form token. Every POST of a
//! cookie session must carry that form token (`csrf`); a Bearer request carries no ambient
//! credential and needs none. The login form, before any session exists, uses a double-submit
//! token (`fc_login` cookie = hidden field). Only a judge token with a court may log in or open
//! a page: any other role gets 403, no credential a redirect to the login page.

use super::super::{AppState, Caller, hash_token};
use super::page_error;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use cookie::time::Duration;
use cookie::{Cookie, CookieBuilder, SameSite};
use fincase_core::domain::CourtId;
use fincase_store::{Role, SessionRecord};

/// The session cookie's name.
pub(super) const SESSION_COOKIE: &str = "fc_session";
/// The login form's double-submit cookie.
pub(super) const LOGIN_COOKIE: &str = "fc_login";
/// How long a session lasts: a working day.
pub(super) const SESSION_TTL_MS: i64 = 10 * 3600 * 1000;

/// A judge with a court, and the session (absent for a Bearer request).
#[derive(Debug, Clone)]
pub(super) struct Judge {
    /// The judge's token as the API knows it.
    pub caller: Caller,
    /// The judge's court.
    pub court_id: CourtId,
    /// The court's name, as the header shows it.
    pub court_name: String,
    /// The cookie session, when the request came with one.
    pub session: Option<SessionRecord>,
}

impl Judge {
    /// The form token to put in this page's forms (empty for a Bearer request).
    pub fn csrf(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.csrf.as_str())
    }

    /// Refuses a POST whose form token does not match the session's (403).
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), Response> {
        match &self.session {
            None => Ok(()),
            Some(s) if sent.is_some_and(|t| constant_time_eq(t.as_bytes(), s.csrf.as_bytes())) => {
                Ok(())
            }
            Some(_) => Err(page_error(
                StatusCode::FORBIDDEN,
                "表单已失效（CSRF 校验失败），请刷新页面后重试。",
            )),
        }
    }
}

/// Equal without an early exit (the form token is a secret).
pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 256 random bits as hex (two v4 uuids; their 244 random bits are what counts).
pub(super) fn random_hex() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// A cookie's value from the request (the first pair named `name` in any `Cookie` header;
/// pairs that do not parse are skipped).
pub(super) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value for the review pages: `HttpOnly`, `SameSite=Strict`, `Path=/ui`,
/// lasting `max_age_s` seconds.
pub(super) fn set_cookie(name: &str, value: &str, max_age_s: i64) -> String {
    review_cookie(name, value)
        .max_age(Duration::seconds(max_age_s))
        .build()
        .to_string()
}

/// A `Set-Cookie` value that removes a review-page cookie: empty, `Max-Age=0` and an `Expires`
/// in the past, with the same attributes it was set with.
pub(super) fn removal_cookie(name: &str) -> String {
    review_cookie(name, "").removal().build().to_string()
}

/// The attributes every review-page cookie carries.
fn review_cookie(name: &str, value: &str) -> CookieBuilder<'static> {
    Cookie::build((name.to_owned(), value.to_owned()))
        .path("/ui")
        .http_only(true)
        .same_site(SameSite::Strict)
}

/// The judge behind a request: Bearer token first, then the session cookie. `Err` is the answer
/// to send: a redirect to the login page without credentials, 401 for an unknown token, 403
/// for a token that is not a judge's with a court.
pub(super) async fn judge(state: &AppState, headers: &HeaderMap) -> Result<Judge, Response> {
    let (token_hash, session) = match super::super::auth::bearer(headers) {
        Some(t) => (hash_token(t), None),
        None => {
            let Some(id) = cookie(headers, SESSION_COOKIE) else {
                return Err(Redirect::to("/ui/login").into_response());
            };
            let s = state
                .store
                .session(&hash_token(&id))
                .await
                .map_err(|e| store_failed(&e))?;
            match s {
                Some(s) => (s.token_hash.clone(), Some(s)),
                None => return Err(Redirect::to("/ui/login?expired=1").into_response()),
            }
        }
    };
    let rec = state
        .store
        .token(&token_hash)
        .await
        .map_err(|e| store_failed(&e))?;
    let Some(rec) = rec else {
        return Err(if session.is_some() {
            Redirect::to("/ui/login?expired=1").into_response()
        } else {
            page_error(StatusCode::UNAUTHORIZED, "令牌无效。")
        });
    };
    let court_id = match (rec.role, rec.court_id.clone()) {
        (Role::Judge, Some(c)) => c,
        _ => return Err(not_a_judge()),
    };
    let court_name = state
        .store
        .court(&court_id)
        .await
        .map_err(|e| store_failed(&e))?
        .map_or_else(|| rec.org.clone(), |c| c.name);
    Ok(Judge {
        court_name,
        caller: Caller {
            org: rec.org,
            role: rec.role,
            label: rec.label,
            token_hash: rec.token_hash,
            court_id: rec.court_id,
        },
        court_id,
        session,
    })
}

/// The 403 page for a token of another role (a bank's, an analyst's, an admin's).
pub(super) fn not_a_judge() -> Response {
    page_error(
        StatusCode::FORBIDDEN,
        "审核页面仅供法官使用：此令牌不是法院法官的令牌（银行、数据分析和管理员令牌不能打开审核页面）。",
    )
}

/// The 500 page for a database failure (its text is logged, masked, not shown).
pub(super) fn store_failed(e: &fincase_store::StoreError) -> Response {
    tracing::warn!(error = %crate::mask_for_log(&e.to_string()), "review page: store failed");
    page_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "案件数据库暂时无法访问，请稍后重试。",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn review_cookies_carry_the_security_attributes() {
        let set = set_cookie(SESSION_COOKIE, "abc", 36000);
        let c = Cookie::parse(set.as_str()).unwrap();
        assert_eq!((c.name(), c.value()), (SESSION_COOKIE, "abc"));
        assert_eq!(c.http_only(), Some(true));
        assert_eq!(c.same_site(), Some(SameSite::Strict));
        assert_eq!(c.path(), Some("/ui"));
        assert_eq!(c.max_age(), Some(Duration::seconds(36000)));
        let gone = removal_cookie(LOGIN_COOKIE);
        let c = Cookie::parse(gone.as_str()).unwrap();
        assert_eq!((c.name(), c.value()), (LOGIN_COOKIE, ""));
        assert_eq!(c.max_age(), Some(Duration::ZERO));
        assert_eq!((c.http_only(), c.path()), (Some(true), Some("/ui")));
    }

    #[test]
    fn a_cookie_is_found_among_others_and_broken_pairs_are_skipped() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("junk; a=1"));
        h.append(
            header::COOKIE,
            HeaderValue::from_static("fc_login=x; fc_session=s1"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("s1"));
        assert_eq!(cookie(&h, "a").as_deref(), Some("1"));
        assert_eq!(cookie(&h, "missing"), None);
    }
}
