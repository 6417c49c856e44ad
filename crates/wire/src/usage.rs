//! Token accounting shared by every format: [`Usage`], whose counters are disjoint (see the
//! `canonical` module docs for what each format's numbers mean and how they map here).

use serde::{Deserialize, Serialize};

/// Token counts; see the module docs. All counters are disjoint except `reasoning_tokens`, which
/// is the part of `output_tokens` spent on hidden reasoning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Usage {
    /// Uncached prompt tokens.
    pub input_tokens: u64,
    /// Generated tokens, reasoning included.
    pub output_tokens: u64,
    /// Prompt tokens served from the provider's cache.
    pub cache_read_tokens: u64,
    /// Prompt tokens written to the provider's cache, all lifetimes.
    pub cache_write_tokens: u64,
    /// Of `cache_write_tokens`, those written with Anthropic's 1-hour lifetime (priced higher
    /// than the default 5 minutes); a part of `cache_write_tokens`, never added to it.
    pub cache_write_1h_tokens: u64,
    /// Hidden reasoning tokens, already counted in `output_tokens`.
    pub reasoning_tokens: u64,
}

impl Usage {
    /// The whole prompt: uncached + cache read + cache write.
    pub fn prompt_total(&self) -> u64 {
        self.input_tokens
            .saturating_add(self.cache_read_tokens)
            .saturating_add(self.cache_write_tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_total_adds_the_disjoint_input_counters() {
        let u = Usage {
            input_tokens: 200,
            cache_read_tokens: 800,
            cache_write_tokens: 50,
            cache_write_1h_tokens: 0,
            output_tokens: 10,
            reasoning_tokens: 4,
        };
        assert_eq!(
            u.prompt_total(),
            1050,
            "reasoning and output are not prompt"
        );
    }
}
