//! A record priced with the ledger's price table: the provider from the tool (or opencode's
//! `providerID`), the tokens in the cost rules' classes (both cache-write lifetimes, cache
//! reads, reasoning, long-context tiers).

use crate::{Record, Tool};
use switchyard_pricing::{PriceTable, Provider, TokenUsage};

/// The price-table provider of a record.
pub fn provider_of(r: &Record) -> Provider {
    match r.provider.as_deref() {
        Some("anthropic") => Provider::Anthropic,
        Some("openai") => Provider::OpenAi,
        Some("google" | "gemini" | "google-vertex") => Provider::Gemini,
        Some("mistral") => Provider::Mistral,
        Some("groq") => Provider::Groq,
        Some("openrouter") => Provider::OpenRouter,
        Some("ollama") => Provider::Ollama,
        Some(_) => Provider::Other,
        None => match r.tool {
            Some(Tool::ClaudeCode) => Provider::Anthropic,
            Some(Tool::Codex) => Provider::OpenAi,
            Some(Tool::GeminiCli) => Provider::Gemini,
            Some(
                Tool::Opencode
                | Tool::CopilotCli
                | Tool::QwenCode
                | Tool::Pi
                | Tool::Kilo
                | Tool::Droid,
            )
            | None => Provider::Other,
        },
    }
}

/// USD for the record at `table`'s prices; `None` when its model has no price (never $0).
pub fn price(table: &PriceTable, r: &Record) -> Option<f64> {
    let usage = TokenUsage {
        input_tokens: r.input_tokens,
        output_tokens: r.output_tokens,
        cache_read_tokens: r.cache_read_tokens,
        cache_write_5m_tokens: r.cache_write_5m_tokens,
        cache_write_1h_tokens: r.cache_write_1h_tokens,
        reasoning_tokens: r.reasoning_tokens,
    };
    if usage.prompt_tokens() == 0 && usage.output_tokens == 0 {
        return Some(0.0);
    }
    let (_, p) = table.lookup(provider_of(r), &r.model)?;
    Some(table.cost(p, &usage).usd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_priced_like_a_ledger_row_and_an_unknown_model_is_not_zero() {
        let t = PriceTable::bundled();
        let r = Record {
            tool: Some(Tool::ClaudeCode),
            model: "claude-sonnet-4-5".into(),
            input_tokens: 100_000,
            ..Record::default()
        };
        let (_, p) = t.lookup(Provider::Anthropic, "claude-sonnet-4-5").unwrap();
        let usd = price(t, &r).unwrap();
        assert!((usd - p.input * 1e5).abs() < 1e-9, "{usd}");
        // 1-hour cache writes cost more than 5-minute ones.
        let w5 = Record {
            input_tokens: 0,
            cache_write_5m_tokens: 1000,
            ..r.clone()
        };
        let w1 = Record {
            input_tokens: 0,
            cache_write_1h_tokens: 1000,
            ..r.clone()
        };
        assert!(price(t, &w1).unwrap() > price(t, &w5).unwrap());
        let unknown = Record {
            model: "no-such-model-x".into(),
            ..r
        };
        assert_eq!(price(t, &unknown), None);
        let gpt = Record {
            tool: Some(Tool::Opencode),
            provider: Some("openai".into()),
            model: "gpt-4.1".into(),
            input_tokens: 10,
            ..Record::default()
        };
        assert!(price(t, &gpt).unwrap() > 0.0);
    }
}
