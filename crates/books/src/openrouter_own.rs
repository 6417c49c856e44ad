//! OpenRouter's books per key of the user's: what each key spent today, read with the key
//! itself (`GET /key`, no management key needed), and with a management key the account's
//! activity for the completed days, each of the user's keys apart (`api_key_hash`).
//!
//! A key's OpenRouter hash is found in the management key's `/keys` list by the label `/key`
//! gave for that same key (OpenRouter's redaction of it, `sk-or-v1-0e6…1c96`, the same in both
//! answers): the key's value is never hashed or compared here. A label that is not listed
//! exactly once links nothing, and that key has no activity of its own.

use switchyard_domain::books::{BookLine, BookTokens, Books, ProviderKey};
use switchyard_gateway::Cleared;
use time::Date;

use super::{activity, base, gate, listed, read_key, ListedKey};
use crate::{BooksError, Span};

/// One of the user's keys of an OpenRouter backend, cleared for its address: read with itself.
pub struct OwnKey {
    /// The key's id in Switchyard: its lines and its provider key carry it.
    pub id: String,
    /// Its label in Switchyard.
    pub label: String,
    /// Its masked hint (`sk-or-…1c96`).
    pub hint: String,
    pub key: Cleared,
}

/// The books of an OpenRouter account for `span`, `today` being the current UTC day:
///
/// * each of `own` read with itself: a line for today (when in the span) with what it spent
///   today in USD (`usage_daily`: no model, no tokens, no request count), and a provider key
///   with the key's own id, label and hint;
/// * with `management`: the account's activity for the span's completed days, each linked key's
///   own (one request per key) on lines of its own, the rest (keys not in Switchyard) without a
///   key; and the account's keys not linked to one of `own`.
pub async fn read(
    http: &reqwest::Client,
    base_url: &str,
    own: &[OwnKey],
    management: Option<&Cleared>,
    span: Span,
    today: Date,
) -> Result<Books, BooksError> {
    let base = base(base_url);
    let today_s = crate::span::day(today);
    let mut books = Books::default();
    // OpenRouter's label of each key, as its `/key` gives it.
    let mut labels: Vec<Option<String>> = vec![];
    for k in own {
        let usage = read_key(http, base, &k.key).await?;
        if (span.first..=span.last).contains(&today) {
            if let Some(usd) = usage.usage_daily {
                books.lines.push(BookLine {
                    day: today_s.clone(),
                    key_id: Some(k.id.clone()),
                    model: None,
                    requests: None,
                    tokens: BookTokens::default(),
                    cost_usd: Some(usd),
                });
            }
        }
        books.keys.push(ProviderKey {
            id: k.id.clone(),
            name: Some(k.label.clone()),
            redacted: k.hint.clone(),
        });
        labels.push(usage.label);
    }
    let Some(management) = management else {
        return Ok(books);
    };
    let gate = gate(http, management);
    let mut accounts = listed(&gate, base).await?;
    // Completed days only: today is the keys' own `usage_daily`.
    let past = |lines: Vec<BookLine>| -> Vec<BookLine> {
        lines.into_iter().filter(|l| l.day < today_s).collect()
    };
    let mut rest = past(activity(&gate, base, span, None).await?);
    for (k, label) in own.iter().zip(&labels) {
        let Some(hash) = label.as_deref().and_then(|l| hash_of(&accounts, l)) else {
            continue;
        };
        accounts.retain(|a| a.hash != hash);
        for mut line in past(activity(&gate, base, span, Some(&hash)).await?) {
            take(&mut rest, &line);
            line.key_id = Some(k.id.clone());
            books.lines.push(line);
        }
    }
    books
        .lines
        .extend(rest.into_iter().filter(|l| !is_empty(l)));
    books
        .keys
        .extend(accounts.into_iter().map(ListedKey::shown));
    Ok(books)
}

/// The hash of the one listed key labelled `label`; `None` when none or several are.
fn hash_of(accounts: &[ListedKey], label: &str) -> Option<String> {
    let mut hits = accounts
        .iter()
        .filter(|a| a.label.as_deref() == Some(label));
    match (hits.next(), hits.next()) {
        (Some(a), None) => Some(a.hash.clone()),
        _ => None,
    }
}

/// One key's `line` taken out of the account's line of the same day and model.
fn take(rest: &mut [BookLine], line: &BookLine) {
    if let Some(a) = rest
        .iter_mut()
        .find(|a| a.day == line.day && a.model == line.model)
    {
        a.requests = a
            .requests
            .map(|r| r.saturating_sub(line.requests.unwrap_or(0)));
        a.tokens = a.tokens.less(&line.tokens);
        a.cost_usd = a
            .cost_usd
            .map(|c| (c - line.cost_usd.unwrap_or(0.0)).max(0.0));
    }
}

/// A line with nothing left on it (a float's crumbs of cost aside).
fn is_empty(l: &BookLine) -> bool {
    l.requests.unwrap_or(0) == 0 && l.tokens.total() == 0 && l.cost_usd.unwrap_or(0.0) < 1e-9
}
