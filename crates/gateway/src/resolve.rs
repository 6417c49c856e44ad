//! Which backends may serve a requested model. In order of precedence:
//! 1. a route name (`fast`, `cheap`): its candidates and strategy;
//! 2. `<backend name>/<model>`: that backend only;
//! 3. a concrete model: every enabled backend whose provider serves it (by model family or the
//!    price table; OpenRouter for `vendor/model` ids; Demo for `demo-*`; any backend whose default
//!    model it is), in priority order.

use crate::table::{RouteCache, RoutingTable, Target};
use switchyard_domain::BackendKind;
use switchyard_policy::Strategy;
use switchyard_pricing::{PriceTable, Provider};

/// One backend and the model to ask it for.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub target: Target,
    pub model: String,
    /// Share for the `weighted` strategy.
    pub weight: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub route: Option<String>,
    /// The route's cache policy (the default for a plain model name).
    pub cache: RouteCache,
    pub strategy: Strategy,
    pub candidates: Vec<Candidate>,
    /// The caller's own plan sign-in, for the plan's candidate only (`subscription`).
    pub pass: Option<crate::sign_in::Pass>,
}

/// The prefix making any id one Claude clients keep (`claude-via-fast` is the route `fast`).
pub const CLAUDE_ALIAS: &str = "claude-via-";

/// `id` as a Claude client keeps it: itself when it names Claude or Anthropic, else its alias.
pub fn claude_id(id: &str) -> std::borrow::Cow<'_, str> {
    let lower = id.to_ascii_lowercase();
    if lower.contains("claude") || lower.contains("anthropic") {
        std::borrow::Cow::Borrowed(id)
    } else {
        std::borrow::Cow::Owned(format!("{CLAUDE_ALIAS}{id}"))
    }
}

/// The id an alias stands for (`claude-via-fast` → `fast`), any case of the prefix.
pub fn unalias(requested: &str) -> Option<&str> {
    let n = CLAUDE_ALIAS.len();
    let head = requested.get(..n)?;
    let rest = &requested[n..];
    (head.eq_ignore_ascii_case(CLAUDE_ALIAS) && !rest.is_empty()).then_some(rest)
}

pub fn resolve(table: &RoutingTable, requested: &str) -> Option<Plan> {
    // A Claude client's alias of a listed id (`claude-via-fast`) is that id; no provider names
    // a model so, and an Anthropic backend would otherwise take it for one of its own.
    if let Some(id) = unalias(requested) {
        return resolve(table, id);
    }
    if let Some(route) = table
        .routes
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(requested))
    {
        let candidates = route
            .candidates
            .iter()
            .filter_map(|c| {
                let target = table.targets.iter().find(|t| t.id == c.backend_id)?;
                Some(Candidate {
                    target: target.clone(),
                    model: c.model.clone(),
                    weight: c.weight,
                })
            })
            .collect();
        return Some(Plan {
            route: Some(route.name.clone()),
            cache: route.cache,
            strategy: route.strategy,
            candidates,
            pass: None,
        });
    }
    if let Some((backend, model)) = requested.split_once('/') {
        if let Some(target) = table
            .targets
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(backend))
        {
            let candidates = vec![Candidate {
                target: target.clone(),
                model: model.to_string(),
                weight: 1,
            }];
            return Some(Plan {
                route: None,
                cache: RouteCache::default(),
                strategy: Strategy::Priority,
                candidates,
                pass: None,
            });
        }
    }
    let candidates: Vec<Candidate> = table
        .targets
        .iter()
        .filter(|t| serves(t, requested))
        .map(|t| Candidate {
            target: t.clone(),
            model: requested.to_string(),
            weight: 1,
        })
        .collect();
    (!candidates.is_empty()).then_some(Plan {
        route: None,
        cache: RouteCache::default(),
        strategy: Strategy::Priority,
        candidates,
        pass: None,
    })
}

/// Whether a backend serves a concrete model id.
fn serves(t: &Target, model: &str) -> bool {
    if t.default_model.eq_ignore_ascii_case(model) {
        return true;
    }
    let m = model.to_ascii_lowercase();
    match t.kind {
        BackendKind::Demo => m.starts_with("demo-"),
        BackendKind::OpenRouter => m.contains('/'),
        BackendKind::OpenAi => {
            ["gpt-", "o1", "o3", "o4", "chatgpt-", "codex-"]
                .iter()
                .any(|p| m.starts_with(p))
                || priced(Provider::OpenAi, model)
        }
        BackendKind::Anthropic => m.starts_with("claude-") || priced(Provider::Anthropic, model),
        BackendKind::Gemini => {
            m.starts_with("gemini-") || m.starts_with("gemma-") || priced(Provider::Gemini, model)
        }
        BackendKind::Mistral => {
            [
                "mistral-",
                "codestral",
                "ministral",
                "pixtral",
                "magistral",
                "open-mistral",
                "devstral",
            ]
            .iter()
            .any(|p| m.starts_with(p))
                || priced(Provider::Mistral, model)
        }
        BackendKind::Groq => priced(Provider::Groq, model),
        // Local servers serve what they have; only their default model is known for sure.
        BackendKind::Ollama | BackendKind::OpenAiCompatible => false,
    }
}

fn priced(provider: Provider, model: &str) -> bool {
    PriceTable::bundled().lookup(provider, model).is_some()
}
