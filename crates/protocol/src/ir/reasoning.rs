//! IR reasoning ("thinking") configuration. Data only; the effort ↔ budget tables live in
//! `cpa-translate::reasoning` (translation spec §2.5.2).

use std::fmt;

/// Whether reasoning is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasoningMode {
    /// Reasoning explicitly enabled (a budget or effort may refine it).
    Enabled,
    /// Reasoning explicitly disabled.
    Disabled,
    /// Provider decides (dynamic budget, effort `auto`).
    Auto,
}

/// OpenAI-style reasoning effort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effort {
    /// `none`
    None,
    /// `minimal`
    Minimal,
    /// `low`
    Low,
    /// `medium`
    Medium,
    /// `high`
    High,
    /// `xhigh`
    XHigh,
    /// `auto`
    Auto,
    /// Any other spelling, lower-cased.
    Other(String),
}

/// Requested reasoning, merged from the client body and a model-suffix override.
#[derive(Debug, Clone, PartialEq)]
pub struct Reasoning {
    /// On, off or dynamic.
    pub mode: ReasoningMode,
    /// Token budget (Anthropic `budget_tokens`, Gemini `thinkingBudget`; −1 = dynamic).
    pub budget_tokens: Option<i64>,
    /// Effort (OpenAI `reasoning_effort`, Responses `reasoning.effort`).
    pub effort: Option<Effort>,
    /// Provider-native level (Gemini 3 `thinkingLevel`).
    pub level: Option<String>,
    /// Whether thought text should be returned (Gemini `includeThoughts`).
    pub include_thoughts: Option<bool>,
    /// Responses `reasoning.summary` (`auto`, `concise`, `detailed`).
    pub summary: Option<String>,
}

impl Effort {
    /// Parses an effort string (case-insensitive).
    pub fn parse(s: &str) -> Effort {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Effort::None,
            "minimal" => Effort::Minimal,
            "low" => Effort::Low,
            "medium" => Effort::Medium,
            "high" => Effort::High,
            "xhigh" => Effort::XHigh,
            "auto" => Effort::Auto,
            other => Effort::Other(other.to_owned()),
        }
    }

    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            Effort::None => "none",
            Effort::Minimal => "minimal",
            Effort::Low => "low",
            Effort::Medium => "medium",
            Effort::High => "high",
            Effort::XHigh => "xhigh",
            Effort::Auto => "auto",
            Effort::Other(s) => s,
        }
    }
}

impl fmt::Display for Effort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Reasoning {
    /// Enabled reasoning with a budget.
    pub fn with_budget(budget: i64) -> Self {
        Reasoning {
            mode: ReasoningMode::Enabled,
            budget_tokens: Some(budget),
            ..Reasoning::off()
        }
    }

    /// Enabled reasoning with an effort.
    pub fn with_effort(effort: Effort) -> Self {
        let mode = match effort {
            Effort::None => ReasoningMode::Disabled,
            Effort::Auto => ReasoningMode::Auto,
            _ => ReasoningMode::Enabled,
        };
        Reasoning {
            mode,
            effort: Some(effort),
            ..Reasoning::off()
        }
    }

    /// Reasoning disabled, nothing else set.
    pub fn off() -> Self {
        Reasoning {
            mode: ReasoningMode::Disabled,
            budget_tokens: None,
            effort: None,
            level: None,
            include_thoughts: None,
            summary: None,
        }
    }
}
