//! Prices as Switchyard's backends see them: which section of the table a backend kind is
//! priced from, the cost of one gateway request from its canonical usage, and the blended
//! per-million price the cost-aware routing strategies and the budgets compare.
//!
//! Invariants:
//! - The Demo backend has a stated price ([`DEMO_PRICE`], a mid-range model's) so a fresh
//!   install's Costs page, budgets and cost-aware routes show what spend looks like; no money
//!   moves (Demo answers on this machine). A user's price override for its model wins. Every
//!   other kind is priced from its provider's entries.
//! - A request with no tokens at all costs $0 whatever the price, so requests refused before
//!   any upstream call (or upstream errors without usage) are never "unpriced".
//! - Otherwise an unknown model is `None`, never $0; so is a request with output on a model the
//!   table lists as an embedding model (it cannot be priced as one).

use crate::{Mode, ModelPrice, PriceTable, Provider, TokenUsage};
use switchyard_domain::{BackendKind, RequestRecord};
use switchyard_wire::Usage;

/// The tokens a ledger row recorded, as [`cost_in`] takes them (repricing, the live drill),
/// and whether they are exact. A row recorded before the ledger kept the 1-hour cache writes
/// and reasoning apart counts them as 5-minute writes and plain output: `false` when it has
/// tokens of those kinds, since a cost computed from it is then an estimate.
pub fn recorded_usage(r: &RequestRecord) -> (Usage, bool) {
    let exact = (r.cache_write_1h_tokens.is_some() || r.cache_write_tokens == 0)
        && (r.reasoning_tokens.is_some() || r.output_tokens == 0);
    let usage = Usage {
        input_tokens: r.input_tokens,
        output_tokens: r.output_tokens,
        cache_read_tokens: r.cache_read_tokens,
        cache_write_tokens: r.cache_write_tokens,
        cache_write_1h_tokens: r.cache_write_1h_tokens.unwrap_or(0),
        reasoning_tokens: r.reasoning_tokens.unwrap_or(0),
    };
    (usage, exact)
}

/// The price-table provider of a backend kind; `None` for the Demo backend (priced at
/// [`DEMO_PRICE`]).
pub fn provider_of(kind: BackendKind) -> Option<Provider> {
    Some(match kind {
        BackendKind::Demo => return None,
        BackendKind::OpenAi => Provider::OpenAi,
        BackendKind::Anthropic => Provider::Anthropic,
        BackendKind::Gemini => Provider::Gemini,
        BackendKind::Mistral => Provider::Mistral,
        BackendKind::Groq => Provider::Groq,
        BackendKind::OpenRouter => Provider::OpenRouter,
        BackendKind::Ollama => Provider::Ollama,
        BackendKind::OpenAiCompatible => Provider::Other,
    })
}

/// [`cost_per_mtok_in`] with the bundled price table.
pub fn cost_per_mtok(kind: BackendKind, model: &str) -> Option<f64> {
    cost_per_mtok_in(PriceTable::bundled(), kind, model)
}

/// Blended USD per million tokens (3 input : 1 output), for the cost-aware strategies and the
/// budgets' "is it paid" test; `None` when the model has no known price.
pub fn cost_per_mtok_in(table: &PriceTable, kind: BackendKind, model: &str) -> Option<f64> {
    let (_, p) = price(table, kind, model)?;
    Some((3.0 * p.input + p.output) / 4.0 * 1e6)
}

/// USD for the usage at `table`'s prices, or `None` when the model has no known price. No
/// tokens at all cost nothing whatever the price (a request refused before any upstream call, or
/// an upstream error without usage), so those are never "unpriced".
pub fn cost_in(
    table: &PriceTable,
    kind: Option<BackendKind>,
    model: Option<&str>,
    u: &Usage,
) -> Option<f64> {
    if u.prompt_total() == 0 && u.output_tokens == 0 {
        return Some(0.0);
    }
    let (kind, model) = (kind?, model?);
    let (_, price) = price(table, kind, model)?;
    // An embedding model's entry prices only input; a request that produced output is a chat
    // request under a name the table lists as an embedding model (LiteLLM has such entries).
    if u.output_tokens > 0
        && provider_of(kind).and_then(|p| table.mode_of(p, model)) == Some(Mode::Embedding)
    {
        return None;
    }
    Some(table.cost(price, &token_usage(u)).usd)
}

/// The canonical usage in the cost rules' classes: the 1-hour cache writes are a part of
/// `cache_write_tokens` (never more than it), the rest are 5-minute writes.
fn token_usage(u: &Usage) -> TokenUsage {
    let write_1h = u.cache_write_1h_tokens.min(u.cache_write_tokens);
    TokenUsage {
        input_tokens: u.input_tokens,
        output_tokens: u.output_tokens,
        cache_read_tokens: u.cache_read_tokens,
        cache_write_5m_tokens: u.cache_write_tokens - write_1h,
        cache_write_1h_tokens: write_1h,
        reasoning_tokens: u.reasoning_tokens,
    }
}

/// The price of `model` on a backend of `kind`, with the table key it matched. The Demo
/// backend's is [`DEMO_PRICE`] unless the user set a price override for its model.
fn price<'t>(
    table: &'t PriceTable,
    kind: BackendKind,
    model: &str,
) -> Option<(&'t str, &'t ModelPrice)> {
    match provider_of(kind) {
        Some(provider) => table.lookup(provider, model),
        None => table
            .lookup_override(Provider::Other, model)
            .or(Some(("demo", &DEMO_PRICE))),
    }
}

/// The Demo backend's stated price, USD per token: $2.50 per million input tokens and $10 per
/// million output (a mid-range model's), cached input at a tenth. Shown wherever Demo spend is
/// (the Costs page says it is Demo's, and that nothing is billed).
pub const DEMO_PRICE: ModelPrice = {
    let mut p = ModelPrice::new(2.5e-6, 10e-6);
    p.cache_read = Some(0.25e-6);
    p
};
