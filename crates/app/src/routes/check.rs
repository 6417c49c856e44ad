//! What a route must be before it is saved. `check_shape` needs no other data, so a
//! configuration import runs it before it writes anything.

use super::{RouteDraft, Routes, MAX_CANDIDATES, MAX_WEIGHT};
use crate::AppError;
use std::collections::HashSet;
use switchyard_domain::{looks_like_key, Field, IssueCode};
use switchyard_policy::Strategy;

/// Route names become model names in every tool: short, no spaces, no `/` (that means
/// `backend/model`), not a key, unique.
pub(super) fn check(
    me: &Routes,
    mut d: RouteDraft,
    editing: Option<&str>,
) -> Result<RouteDraft, AppError> {
    check_shape(&mut d)?;
    let taken = me
        .routes
        .list_routes()?
        .into_iter()
        .any(|r| r.name.eq_ignore_ascii_case(&d.name) && Some(r.id.as_str()) != editing);
    if taken {
        return Err(AppError::field(
            Field::Name,
            IssueCode::Duplicate,
            format!("A route named “{}” already exists.", d.name),
        ));
    }
    let backends = me.backends.list_backends()?;
    let mut seen = HashSet::new();
    for (i, c) in d.candidates.iter_mut().enumerate() {
        let n = i + 1;
        let Some(b) = backends.iter().find(|b| b.id == c.backend_id) else {
            return Err(AppError::field_at(
                Field::Candidate,
                i,
                IssueCode::Missing,
                format!("Candidate {n}: that backend no longer exists."),
            ));
        };
        if c.model.is_empty() {
            c.model = b.default_model.clone();
        }
        if !seen.insert((c.backend_id.clone(), c.model.clone())) {
            return Err(AppError::field_at(
                Field::Candidate,
                i,
                IssueCode::Duplicate,
                format!(
                    "Candidate {n}: {} with {} is already in the list.",
                    b.name, c.model
                ),
            ));
        }
    }
    Ok(d)
}

/// Everything about a route that needs no other data: its name, how many candidates, each
/// candidate's model and weight, the strategy's weights and the cache lifetime. Trims the name
/// and models. Also what a configuration import checks before it writes anything.
pub(crate) fn check_shape(d: &mut RouteDraft) -> Result<(), AppError> {
    use IssueCode::{Format, LooksLikeKey, OutOfRange, Required, TooLong};
    let bad = |f: Field, c: IssueCode, m: &str| Err(AppError::field(f, c, m));
    d.name = d.name.trim().to_string();
    if d.name.is_empty() {
        return bad(
            Field::Name,
            Required,
            "Give the route a name, e.g. “fast”: tools ask for it as their model.",
        );
    }
    if looks_like_key(&d.name, true) {
        return bad(
            Field::Name,
            LooksLikeKey,
            "That looks like an API key, not a route name. Keys belong on the Backends page.",
        );
    }
    if d.name.chars().count() > 64 {
        return bad(
            Field::Name,
            TooLong,
            "A route name can be at most 64 characters.",
        );
    }
    if !d
        .name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
    {
        return bad(
            Field::Name,
            Format,
            "A route name may use letters, digits, “-”, “_”, “.” and “:” (no spaces or “/”).",
        );
    }
    if d.candidates.is_empty() {
        return bad(
            Field::Candidate,
            Required,
            "Add at least one candidate: a backend and the model to ask it for.",
        );
    }
    if d.candidates.len() > MAX_CANDIDATES {
        return bad(
            Field::Candidate,
            OutOfRange,
            "A route can have at most 20 candidates.",
        );
    }
    for (i, c) in d.candidates.iter_mut().enumerate() {
        let n = i + 1;
        c.model = c.model.trim().to_string();
        let at = |f: Field, c: IssueCode, m: String| Err(AppError::field_at(f, i, c, m));
        if looks_like_key(&c.model, false) {
            return at(
                Field::Candidate,
                LooksLikeKey,
                format!("Candidate {n}: the model looks like an API key."),
            );
        }
        if c.model.chars().count() > 200 {
            return at(
                Field::Candidate,
                TooLong,
                format!("Candidate {n}: the model name is too long."),
            );
        }
        if c.weight > MAX_WEIGHT {
            return at(
                Field::Weight,
                OutOfRange,
                format!("Candidate {n}: a weight can be at most {MAX_WEIGHT}."),
            );
        }
    }
    if matches!(d.strategy, Strategy::Weighted) && d.candidates.iter().all(|c| c.weight == 0) {
        return bad(
            Field::Weight,
            OutOfRange,
            "With the weighted strategy, at least one candidate needs a weight above 0.",
        );
    }
    if let Some(ttl) = d.cache.ttl_secs {
        if !(1..=crate::cache::MAX_TTL_SECS).contains(&ttl) {
            return bad(
                Field::CacheTtl,
                OutOfRange,
                "The route's cache lifetime must be between 1 second and 30 days.",
            );
        }
    }
    if let Strategy::Composite(w) = d.strategy {
        let parts = [w.cost, w.latency, w.availability];
        if parts
            .iter()
            .any(|x| !x.is_finite() || *x < 0.0 || *x > 100.0)
        {
            return bad(
                Field::Strategy,
                OutOfRange,
                "Composite weights must be numbers from 0 to 100.",
            );
        }
        if parts.iter().sum::<f64>() <= 0.0 {
            return bad(
                Field::Strategy,
                OutOfRange,
                "At least one composite weight must be above 0.",
            );
        }
    }
    Ok(())
}
