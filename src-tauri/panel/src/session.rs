//! Signed-in browsers. A sign-in with a token the authorization table lets open the panel makes
//! a session: a random id in an HttpOnly, SameSite=Strict cookie, and a random CSRF value the
//! page reads from a second cookie and sends back in a header with every call. The session holds
//! its token (in memory only, wiped when dropped) and checks it again on every call, so revoking
//! the token ends every session it opened; signing out ends one. Sessions live in this process's
//! memory: a restart signs every browser out.
//!
//! Invariants: a token has at most [`PER_TOKEN`] sessions (its own oldest makes room), and the
//! process at most [`MAX_SESSIONS`]; a sign-in past that is refused, never paid for with another
//! token's session. Each session has a holder id of its own (not its cookie) for the files it
//! uploads and downloads, which go when it ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;
use switchyard_app::secrets::SecretString;
use switchyard_domain::TokenScope;

/// The session cookie (HttpOnly: no script reads it).
pub const SESSION_COOKIE: &str = "switchyard_session";
/// The CSRF cookie: the page reads it and sends it back as [`CSRF_HEADER`].
pub const CSRF_COOKIE: &str = "switchyard_csrf";
/// The header every call carries the CSRF value in.
pub const CSRF_HEADER: &str = "x-switchyard-csrf";
/// A session unused this long is gone; the browser signs in again.
pub const IDLE_LIMIT: Duration = Duration::from_secs(8 * 3600);
/// At most this many sessions of one token; its own oldest is ended to make room.
pub const PER_TOKEN: usize = 8;
/// At most this many sessions at once; past it a sign-in is refused (no token's sessions are
/// ended for another's).
pub const MAX_SESSIONS: usize = 256;

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
    /// The token's id (its row), whose sessions are counted together.
    token_id: String,
    /// Who its files belong to (`switchyard_ipc::files::Holder::Session`).
    holder: String,
    csrf: String,
    who: Who,
    last_used: Instant,
}

/// A session found for a request: its token to check again, and who it is.
pub struct Found {
    pub id: String,
    pub token: Arc<SecretString>,
    pub who: Who,
    /// Who its files belong to.
    pub holder: String,
}

/// A new session, or why there is none.
#[derive(Debug)]
pub struct Opened {
    pub id: String,
    pub csrf: String,
    /// Holders of the sessions that ended to make room or had been idle too long: their
    /// files go.
    pub ended: Vec<String>,
}

/// Too many sessions are open for another one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

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

    /// A new session for `token` (whose id is `token_id`): its id and CSRF value. The token's
    /// own oldest session makes room past [`PER_TOKEN`]; past [`MAX_SESSIONS`] it is [`Full`].
    pub fn open(&self, token: Arc<SecretString>, token_id: &str, who: Who) -> Result<Opened, Full> {
        let (id, csrf) = (random(), random());
        let mut map = self.lock();
        let mut ended: Vec<String> = Vec::new();
        let idle: Vec<String> = map
            .iter()
            .filter(|(_, s)| s.last_used.elapsed() >= IDLE_LIMIT)
            .map(|(k, _)| k.clone())
            .collect();
        let mut own: Vec<(Instant, String)> = map
            .iter()
            .filter(|(_, s)| s.token_id == token_id && s.last_used.elapsed() < IDLE_LIMIT)
            .map(|(k, s)| (s.last_used, k.clone()))
            .collect();
        own.sort();
        let make_room = (own.len() + 1).saturating_sub(PER_TOKEN);
        let remove = idle
            .into_iter()
            .chain(own.into_iter().take(make_room).map(|(_, k)| k));
        for key in remove {
            ended.extend(map.remove(&key).map(|s| s.holder));
        }
        if map.len() >= MAX_SESSIONS {
            return Err(Full);
        }
        map.insert(
            id.clone(),
            Session {
                token,
                token_id: token_id.to_string(),
                holder: random(),
                csrf: csrf.clone(),
                who,
                last_used: Instant::now(),
            },
        );
        Ok(Opened { id, csrf, ended })
    }

    /// The live session `id` names, marked used; `csrf`, when given, must be its CSRF value.
    pub fn find(&self, id: &str, csrf: Option<&str>) -> Result<Found, Refusal> {
        let mut map = self.lock();
        let Some(session) = map.get_mut(id) else {
            return Err(Refusal::SignedOut);
        };
        if session.last_used.elapsed() >= IDLE_LIMIT {
            // Its files go when the next sign-in sweeps idle sessions (or at restart).
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
            holder: session.holder.clone(),
        })
    }

    /// Ends session `id` (sign-out, or its token no longer valid); its holder, whose files go.
    pub fn end(&self, id: &str) -> Option<String> {
        self.lock().remove(id).map(|s| s.holder)
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

    fn open(sessions: &Sessions, token: &str) -> Result<Opened, Full> {
        sessions.open(Arc::new(SecretString::new(token.into())), token, who())
    }

    #[test]
    fn a_session_needs_its_own_csrf_value_and_ends_when_asked() {
        let sessions = Sessions::default();
        let Opened { id, csrf, .. } = open(&sessions, "sy-x").unwrap();
        assert_ne!(id, csrf, "two independent random values");
        let found = sessions.find(&id, Some(&csrf)).unwrap();
        assert_ne!(
            found.holder, id,
            "a file holder is not the session's cookie"
        );
        assert_eq!(
            sessions.find(&id, Some("forged")).err(),
            Some(Refusal::Csrf),
            "a wrong CSRF value is refused"
        );
        assert_eq!(
            sessions.find("other", Some(&csrf)).err(),
            Some(Refusal::SignedOut)
        );
        assert_eq!(sessions.end(&id), Some(found.holder));
        assert_eq!(
            sessions.find(&id, Some(&csrf)).err(),
            Some(Refusal::SignedOut)
        );
    }

    #[test]
    fn a_token_makes_room_among_its_own_sessions_only() {
        let sessions = Sessions::default();
        let others: Vec<Opened> = (0..PER_TOKEN)
            .map(|_| open(&sessions, "b").unwrap())
            .collect();
        let first = open(&sessions, "a").unwrap();
        let mut ended = Vec::new();
        for _ in 0..(4 * PER_TOKEN) {
            ended.extend(open(&sessions, "a").unwrap().ended);
        }
        assert_eq!(
            sessions.len(),
            2 * PER_TOKEN,
            "each token holds at most its share"
        );
        assert_eq!(
            ended.len(),
            3 * PER_TOKEN + 1,
            "each sign-in past the cap ended one of a's"
        );
        assert!(sessions.find(&first.id, None).is_err(), "a's oldest went");
        for other in &others {
            assert!(
                sessions.find(&other.id, None).is_ok(),
                "signing in again and again with one token never signs another token's browser out"
            );
        }
    }

    #[test]
    fn past_the_process_cap_a_sign_in_is_refused_not_paid_for_by_another_token() {
        let sessions = Sessions::default();
        let first = open(&sessions, "t0").unwrap();
        for i in 1..MAX_SESSIONS {
            open(&sessions, &format!("t{i}")).unwrap();
        }
        assert_eq!(open(&sessions, "late").err(), Some(Full));
        assert!(sessions.find(&first.id, None).is_ok(), "the oldest stays");
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
}
