//! What is stored is storable (issue 69): the one rule for strings bound for PostgreSQL or
//! SQLite, used by every ledger writer (the desktop's SQLite ledger, the team ledger's outbox
//! and its shipper), whatever the string's source — a caller, a route, an upstream's answer,
//! an outbox row an older version left.
//!
//! Invariants:
//! - A [`Storable`] value holds no NUL (U+0000) in any string: PostgreSQL's `text` cannot hold
//!   it and `jsonb` refuses its `\u0000` escape, so one such row used to stop a replica's whole
//!   ledger; SQLite stores it but its string functions stop at it. Each NUL becomes U+FFFD, so
//!   the row (and its spend) is still stored, and shows that something was there.
//! - Nothing else is changed: a Rust string is valid UTF-8, which both databases take as it is.
//! - A value already storable is borrowed, not copied: a writer pays one scan per string.
//! - [`Texts`] implementations destructure their type, so a field added to a record without
//!   deciding its storage fails the build.
//!
//! Names a caller chooses (a model, a route) are held to more at intake: no control character
//! at all ([`first_control`]), refused with a 400 that names the field and never quotes it.

use crate::{AttemptRecord, RequestRecord};
use std::borrow::Cow;
use std::ops::Deref;

/// What a NUL is stored as.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Whether `s` can be bound as text in PostgreSQL and SQLite as it is.
pub fn is_storable(s: &str) -> bool {
    !s.contains('\0')
}

/// `s` as it can be stored: borrowed when it already can, else with each NUL replaced.
pub fn text(s: &str) -> Cow<'_, str> {
    if is_storable(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.replace('\0', "\u{FFFD}"))
    }
}

/// The position (in characters) of the first control character in `s` (C0, DEL or C1), if
/// any: a model or route name a caller sends must have none (they reach the ledger, logs,
/// terminals and the `x-switchyard-model` header).
pub fn first_control(s: &str) -> Option<usize> {
    s.chars().position(char::is_control)
}

/// A value whose strings are bound for a database.
pub trait Texts: Clone {
    /// Whether every string in it can be stored as it is.
    fn is_storable(&self) -> bool;
    /// Replaces, in every string, what cannot be stored.
    fn make_storable(&mut self);
}

impl Texts for String {
    fn is_storable(&self) -> bool {
        is_storable(self)
    }
    fn make_storable(&mut self) {
        if let Cow::Owned(fixed) = text(self) {
            *self = fixed;
        }
    }
}

impl<T: Texts> Texts for Option<T> {
    fn is_storable(&self) -> bool {
        self.as_ref().is_none_or(Texts::is_storable)
    }
    fn make_storable(&mut self) {
        if let Some(v) = self {
            v.make_storable();
        }
    }
}

impl<T: Texts> Texts for Vec<T> {
    fn is_storable(&self) -> bool {
        self.iter().all(Texts::is_storable)
    }
    fn make_storable(&mut self) {
        self.iter_mut().for_each(Texts::make_storable);
    }
}

/// A record's field for its `Texts` macro: whether it can be stored as it is.
fn field_is_storable<T: Texts>(v: &T) -> bool {
    v.is_storable()
}

/// A record's field for its `Texts` macro: made storable (`true`, so every field is visited).
fn make_field_storable<T: Texts>(v: &mut T) -> bool {
    v.make_storable();
    true
}

/// Calls `$each` on every string field of a [`RequestRecord`], named by destructuring.
macro_rules! request_texts {
    ($record:expr, $each:expr) => {{
        let RequestRecord {
            id,
            started_at,
            token_name,
            inbound,
            route,
            requested_model,
            backend,
            key_label,
            model,
            reason,
            cache,
            provider_id,
            client_id,
            attempt_list,
            // Not text.
            status: _,
            error_class: _,
            attempts: _,
            latency_ms: _,
            ttfb_ms: _,
            input_tokens: _,
            output_tokens: _,
            cache_read_tokens: _,
            cache_write_tokens: _,
            cache_write_1h_tokens: _,
            reasoning_tokens: _,
            cost_usd: _,
            streamed: _,
            saved_usd: _,
        } = $record;
        $each(id)
            & $each(started_at)
            & $each(token_name)
            & $each(inbound)
            & $each(route)
            & $each(requested_model)
            & $each(backend)
            & $each(key_label)
            & $each(model)
            & $each(reason)
            & $each(cache)
            & $each(provider_id)
            & $each(client_id)
            & $each(attempt_list)
    }};
}

impl Texts for RequestRecord {
    fn is_storable(&self) -> bool {
        request_texts!(self, field_is_storable)
    }
    fn make_storable(&mut self) {
        let _all_visited = request_texts!(self, make_field_storable);
    }
}

/// Calls `$each` on every string field of an [`AttemptRecord`], named by destructuring.
macro_rules! attempt_texts {
    ($record:expr, $each:expr) => {{
        let AttemptRecord {
            backend,
            key_label,
            model,
            // Not text.
            n: _,
            status: _,
            error_class: _,
            latency_ms: _,
        } = $record;
        $each(backend) & $each(key_label) & $each(model)
    }};
}

impl Texts for AttemptRecord {
    fn is_storable(&self) -> bool {
        attempt_texts!(self, field_is_storable)
    }
    fn make_storable(&mut self) {
        let _all_visited = attempt_texts!(self, make_field_storable);
    }
}

/// A value every writer may bind as it is: made only by [`Storable::of`] or
/// [`Storable::owned`], which apply the rule. Derefs to the value.
#[derive(Debug, Clone)]
pub struct Storable<'a, T: Texts>(Cow<'a, T>);

impl<'a, T: Texts> Storable<'a, T> {
    /// `value`, borrowed when it is storable already, else a storable copy.
    pub fn of(value: &'a T) -> Storable<'a, T> {
        if value.is_storable() {
            Storable(Cow::Borrowed(value))
        } else {
            Storable::owned(value.clone())
        }
    }

    /// `value`, made storable in place.
    pub fn owned(mut value: T) -> Storable<'a, T> {
        value.make_storable();
        Storable(Cow::Owned(value))
    }

    /// The storable value itself.
    pub fn into_inner(self) -> T {
        self.0.into_owned()
    }
}

impl<T: Texts> Deref for Storable<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

#[cfg(test)]
#[path = "storable_tests.rs"]
mod tests;
