//! Signed-in browsers. A sign-in with a token the authorization table lets open the panel makes
//! a session: a random id in an HttpOnly, SameSite=Strict cookie, and a random CSRF value the
//! page reads from a second cookie and sends back in a header with every call. The session holds
//! its token (in memory only, wiped when dropped) and checks it again on every call, so revoking
//! the token ends every session it opened; signing out ends one. Sessions live in this process's
//! memory: a restart signs every browser out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;
use switchyard_app::secrets::SecretString;
use switchyard_core::TokenScope;

/// The session cookie (HttpOnly: no script reads it).
pub const SESSION_COOKIE: &str = "switchyard_session";
/// The CSRF cookie: the page reads it and sends it back as [`CSRF_HEADER`].
pub const CSRF_COOKIE: &str = "switchyard_csrf";
/// The header every call carries the CSRF value in.
pub const CSRF_HEADER: &str = "x-switchyard-csrf";
/// A session unused this long is gone; the browser signs in again.
pub const IDLE_LIMIT: Duration = Duration::from_secs(8 * 3600);
/// At most this many sessions at once; the oldest is ended to make room.
const MAX_SESSIONS: usize = 64;

/// Who a session is, as the page may see it (never its token).
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Who {
    /// The token's name.
    pub name: String,
    pub scope: TokenScope,
    /// A team token's person; `None` for this machine's own tokens.
    pub owner: Option<String>,
}

struct Session {
    token: Arc<SecretString>,
    csrf: String,
    who: Who,
    last_used: Instant,
}

/// A session found for a request: its token to check again, and who it is.
pub struct Found {
    pub id: String,
    pub token: Arc<SecretString>,
    pub who: Who,
}

/// The sessions of this process.
#[derive(Default, Clone)]
pub struct Sessions {
    map: Arc<Mutex<HashMap<String, Session>>>,
}

/// 244 random bits, hex (two v4 UUIDs from the OS's generator).
fn random() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new session for `token`: its id and CSRF value.
    pub fn open(&self, token: Arc<SecretString>, who: Who) -> (String, String) {
        let (id, csrf) = (random(), random());
        let mut map = self.lock();
        map.retain(|_, s| s.last_used.elapsed() < IDLE_LIMIT);
        if map.len() >= MAX_SESSIONS {
            let oldest = map
                .iter()
                .min_by_key(|(_, s)| s.last_used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                map.remove(&oldest);
            }
        }
        map.insert(
            id.clone(),
            Session {
                token,
                csrf: csrf.clone(),
                who,
                last_used: Instant::now(),
            },
        );
        (id, csrf)
    }

    /// The live session `id` names, marked used; `csrf`, when given, must be its CSRF value.
    pub fn find(&self, id: &str, csrf: Option<&str>) -> Result<Found, Refusal> {
        let mut map = self.lock();
        let Some(session) = map.get_mut(id) else {
            return Err(Refusal::SignedOut);
        };
        if session.last_used.elapsed() >= IDLE_LIMIT {
            map.remove(id);
            return Err(Refusal::SignedOut);
        }
        if let Some(given) = csrf {
            if !bool::from(given.as_bytes().ct_eq(session.csrf.as_bytes())) {
                return Err(Refusal::Csrf);
            }
        }
        session.last_used = Instant::now();
        Ok(Found {
            id: id.to_string(),
            token: Arc::clone(&session.token),
            who: session.who.clone(),
        })
    }

    /// Ends session `id` (sign-out, or its token no longer valid).
    pub fn end(&self, id: &str) {
        self.lock().remove(id);
    }

    /// How many sessions are open.
    pub fn len(&self) -> usize {
        self.lock().len()
    }
}

/// Why a request's session does not let it through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No session, an ended one, or one whose token was revoked: sign in again (401).
    SignedOut,
    /// The CSRF header is missing or wrong (403).
    Csrf,
}

/// The value of cookie `name` in a request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// `Set-Cookie` values for a new session (`secure` over HTTPS).
pub fn set_cookies(id: &str, csrf: &str, secure: bool) -> [String; 2] {
    let secure = if secure { "; Secure" } else { "" };
    [
        format!("{SESSION_COOKIE}={id}; Path=/panel/; HttpOnly; SameSite=Strict{secure}"),
        format!("{CSRF_COOKIE}={csrf}; Path=/panel/; SameSite=Strict{secure}"),
    ]
}

/// `Set-Cookie` values that remove both cookies.
pub fn clear_cookies() -> [String; 2] {
    [SESSION_COOKIE, CSRF_COOKIE]
        .map(|name| format!("{name}=; Path=/panel/; Max-Age=0; SameSite=Strict"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who() -> Who {
        Who {
            name: "laptop".into(),
            scope: TokenScope::Panel,
            owner: None,
        }
    }

    #[test]
    fn a_session_needs_its_own_csrf_value_and_ends_when_asked() {
        let sessions = Sessions::default();
        let (id, csrf) = sessions.open(Arc::new(SecretString::new("sy-x".into())), who());
        assert_ne!(id, csrf, "two independent random values");
        assert!(sessions.find(&id, Some(&csrf)).is_ok());
        assert_eq!(
            sessions.find(&id, Some("forged")).err(),
            Some(Refusal::Csrf),
            "a wrong CSRF value is refused"
        );
        assert_eq!(
            sessions.find("other", Some(&csrf)).err(),
            Some(Refusal::SignedOut)
        );
        sessions.end(&id);
        assert_eq!(
            sessions.find(&id, Some(&csrf)).err(),
            Some(Refusal::SignedOut)
        );
    }

    #[test]
    fn cookies_are_read_from_any_cookie_header() {
        let mut h = axum::http::HeaderMap::new();
        h.append("cookie", "a=1; switchyard_session=abc".parse().unwrap());
        h.append("cookie", "switchyard_csrf=def".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, CSRF_COOKIE), Some("def"));
        assert_eq!(cookie(&h, "b"), None);
        let [session, csrf] = set_cookies("abc", "def", false);
        assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"));
        assert!(
            !csrf.contains("HttpOnly"),
            "the page reads the CSRF cookie to send it back"
        );
    }

    #[test]
    fn the_oldest_session_makes_room() {
        let sessions = Sessions::default();
        let (first, _) = sessions.open(Arc::new(SecretString::new("a".into())), who());
        for _ in 0..MAX_SESSIONS {
            sessions.open(Arc::new(SecretString::new("b".into())), who());
        }
        assert_eq!(sessions.len(), MAX_SESSIONS);
        assert!(sessions.find(&first, None).is_err(), "the oldest went");
    }
}
