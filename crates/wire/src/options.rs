//! Request options that change how a model answers rather than what it is asked: reasoning
//! (OpenAI `reasoning_effort` / Responses `reasoning`, Anthropic `thinking` + `output_config`,
//! Gemini `thinkingConfig`) and structured output. Each format maps its own spelling onto these
//! types; [`Reasoning::budget_or_default`] and [`Effort::for_budget`] translate between levels and
//! token budgets in one place, so every direction agrees.

use serde_json::Value;

/// How much the model should think before answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reasoning {
    /// The effort level (derived from the budget when the caller gave only a budget).
    pub effort: Effort,
    /// A thinking budget in tokens, when the caller gave one (Anthropic `budget_tokens`, Gemini
    /// `thinkingBudget`).
    pub budget_tokens: Option<u32>,
}

impl Reasoning {
    /// An effort without a budget.
    pub fn effort(effort: Effort) -> Self {
        Reasoning {
            effort,
            budget_tokens: None,
        }
    }

    /// A budget, with the effort it corresponds to; 0 turns thinking off.
    pub fn budget(tokens: u32) -> Self {
        Reasoning {
            effort: Effort::for_budget(tokens),
            budget_tokens: Some(tokens),
        }
    }

    /// The budget to send to a format that needs one: the caller's, else one per effort level.
    pub fn budget_or_default(&self) -> u32 {
        self.budget_tokens.unwrap_or(match self.effort {
            Effort::None => 0,
            Effort::Minimal => 1024,
            Effort::Low => 2048,
            Effort::Medium => 8192,
            Effort::High => 16384,
            Effort::Max => 32768,
        })
    }
}

/// Reasoning effort, on OpenAI's scale plus `Max` (Anthropic's top effort).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Effort {
    /// No thinking (OpenAI `none`, Anthropic `disabled`, Gemini budget 0).
    None,
    /// OpenAI `minimal`.
    Minimal,
    /// `low`.
    Low,
    /// `medium`.
    Medium,
    /// `high`.
    High,
    /// Anthropic `max`, OpenAI `xhigh`.
    Max,
}

impl Effort {
    /// Parses the level names of all three formats (`none`, `minimal`, `low`, `medium`, `high`,
    /// `max`, `xhigh`), case-insensitively.
    pub fn parse(name: &str) -> Option<Effort> {
        Some(match name.to_ascii_lowercase().as_str() {
            "none" | "disabled" | "off" => Effort::None,
            "minimal" => Effort::Minimal,
            "low" => Effort::Low,
            "medium" => Effort::Medium,
            "high" => Effort::High,
            "max" | "xhigh" => Effort::Max,
            _ => return None,
        })
    }

    /// The level a thinking budget corresponds to.
    pub fn for_budget(tokens: u32) -> Effort {
        match tokens {
            0 => Effort::None,
            1..=1024 => Effort::Minimal,
            1025..=4096 => Effort::Low,
            4097..=12288 => Effort::Medium,
            12289..=24576 => Effort::High,
            _ => Effort::Max,
        }
    }

    /// OpenAI's name (`Max` is `high`, the top level every reasoning model accepts).
    pub fn openai_name(self) -> &'static str {
        match self {
            Effort::None => "none",
            Effort::Minimal => "minimal",
            Effort::Low => "low",
            Effort::Medium => "medium",
            Effort::High | Effort::Max => "high",
        }
    }
}

/// Structured output.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputFormat {
    /// Any JSON object (OpenAI `json_object`, Gemini `application/json` without a schema).
    Json,
    /// JSON matching a schema.
    JsonSchema {
        /// The schema's name (OpenAI requires one).
        name: String,
        /// The JSON Schema.
        schema: Value,
        /// OpenAI's strict mode.
        strict: bool,
    },
}
