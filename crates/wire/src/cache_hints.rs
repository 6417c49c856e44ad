//! The prompt-caching types shared by the canonical model and the renderers: [`CacheHints`]
//! (what the caller asked for) and [`CacheMarkers`] (what a target backend takes). Plain data:
//! the rule for where markers go, and the code that finds and writes them, is in
//! [`crate::cache`].

/// Where a request asked for prompt caching, in neither format.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CacheHints {
    /// OpenAI's `prompt_cache_key`, as the caller sent it.
    pub key: Option<String>,
    /// A breakpoint ends the system prompt.
    pub system: bool,
    /// Indexes into [`crate::ChatRequest::tools`] of tools that end a breakpoint, ascending.
    pub tools: Vec<usize>,
    /// Indexes into [`crate::ChatRequest::messages`] of messages that end a breakpoint,
    /// ascending, each once (renderers binary-search it).
    pub messages: Vec<usize>,
}

impl CacheHints {
    /// The caller's `prompt_cache_key` as a target that takes it (`markers.key`) is given it.
    pub fn key_for(&self, markers: CacheMarkers) -> Option<serde_json::Value> {
        self.key
            .clone()
            .filter(|_| markers.key)
            .map(serde_json::Value::String)
    }
}

/// What a target backend takes of [`CacheHints`]; the gateway picks it per backend kind (see
/// [`crate::cache`] for which kinds get what).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheMarkers {
    /// Breakpoints as `cache_control` in the target's own form: on OpenAI Chat content parts and
    /// tools (OpenRouter), on blocks and tools (Anthropic).
    pub parts: bool,
    /// The caller's `prompt_cache_key` (OpenAI).
    pub key: bool,
}
