//! Model metadata and the static model catalogs (input to lifecycle step 3).
//!
//! Each provider ships a fixed catalog (providers spec §2.2); a credential registers
//! either its provider's catalog or the aliases configured on its entry. This module
//! holds the data and the lookups only: which credential registers what is decided in
//! `crate::registry`, and rendering JSON is the server's job (`models::listing` gives
//! it plain, serializable rows). Nothing here performs I/O.

mod listing;
mod tables;

pub use listing::{AnthropicModel, GeminiModel, OpenAiModel};

use crate::provider::Provider;

/// Metadata of one client-visible model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    /// Client-visible ID (possibly an alias and/or `prefix/`-qualified).
    pub id: String,
    /// `owned_by` in OpenAI listings (`anthropic`, `google`, `openai`, …).
    pub owned_by: String,
    /// `type` in Anthropic listings (`claude`, `gemini`, `openai`, …).
    pub kind: String,
    /// Human-readable name; empty when unknown.
    pub display_name: String,
    /// Creation time, Unix seconds; 0 when unknown (then omitted from listings).
    pub created: i64,
    /// Context window in tokens; 0 when unknown.
    pub context_length: u32,
    /// Maximum output tokens; 0 when unknown.
    pub max_output_tokens: u32,
    /// Extra fields of Google models for the Gemini listing.
    pub gemini: Option<GeminiInfo>,
    /// What thinking configuration the model accepts; `None` = no thinking support.
    pub thinking: Option<ThinkingSupport>,
}

/// Gemini-specific listing fields of a Google model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeminiInfo {
    /// Gemini resource name, e.g. `models/gemini-2.5-pro`.
    pub name: String,
    /// Model version, e.g. `2.5`.
    pub version: String,
    /// Free-text description; may be empty.
    pub description: String,
    /// Input token limit.
    pub input_token_limit: u32,
    /// Output token limit.
    pub output_token_limit: u32,
    /// Supported generation methods (`generateContent`, `countTokens`, …).
    pub methods: &'static [&'static str],
}

/// Thinking capabilities of a model, used to interpret `model(value)` suffixes.
///
/// Budget-based models have `max > 0`; level-based models list `levels`; Gemini 3
/// models have both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThinkingSupport {
    /// Smallest accepted thinking budget in tokens.
    pub min: i32,
    /// Largest accepted thinking budget in tokens (0 for level-only models).
    pub max: i32,
    /// Whether a budget of 0 (thinking off) is accepted.
    pub is_zero_allowed: bool,
    /// Whether a budget of -1 (dynamic, model decides) is accepted.
    pub is_dynamic_allowed: bool,
    /// Discrete reasoning levels, lowest first; empty for budget-only models.
    pub levels: &'static [&'static str],
}

/// The static catalogs of providers spec §2.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catalog {
    /// Anthropic models (`anthropic` / `claude`).
    Claude,
    /// Gemini API models (`google` / `gemini`).
    Gemini,
    /// Vertex models (same list as Gemini).
    Vertex,
    /// Gemini CLI models.
    GeminiCli,
    /// AI Studio models.
    AiStudio,
    /// OpenAI / Codex models (`openai` / `openai`).
    Codex,
    /// Qwen Code models.
    Qwen,
    /// iFlow models.
    Iflow,
}

impl Catalog {
    /// Search order of [`lookup_static`] (providers spec §2.2, `LookupStaticModelInfo`).
    pub const LOOKUP_ORDER: [Catalog; 8] = [
        Catalog::Claude,
        Catalog::Gemini,
        Catalog::Vertex,
        Catalog::GeminiCli,
        Catalog::AiStudio,
        Catalog::Codex,
        Catalog::Qwen,
        Catalog::Iflow,
    ];

    /// The static catalog a provider registers when no per-key aliases are set.
    ///
    /// Antigravity (fetched live) and OpenAI-compatible providers have none.
    pub fn for_provider(provider: &Provider) -> Option<Self> {
        match provider {
            Provider::Gemini => Some(Self::Gemini),
            Provider::Vertex => Some(Self::Vertex),
            Provider::GeminiCli => Some(Self::GeminiCli),
            Provider::AiStudio => Some(Self::AiStudio),
            Provider::Claude => Some(Self::Claude),
            Provider::Codex => Some(Self::Codex),
            Provider::Qwen => Some(Self::Qwen),
            Provider::Iflow => Some(Self::Iflow),
            Provider::Antigravity | Provider::OpenAiCompat(_) => None,
        }
    }

    /// All models of this catalog, in table order.
    pub fn models(self) -> Vec<ModelInfo> {
        tables::catalog(self)
    }
}

/// Finds a model by exact ID in the static catalogs, in [`Catalog::LOOKUP_ORDER`].
///
/// Used to give per-key aliases the thinking support of their upstream model.
pub fn lookup_static(id: &str) -> Option<ModelInfo> {
    Catalog::LOOKUP_ORDER
        .into_iter()
        .find_map(|catalog| catalog.models().into_iter().find(|m| m.id == id))
}

/// Thinking support and max output tokens (0 = unknown) that Antigravity's static
/// configuration attaches to a live-fetched model alias (providers spec §2.2).
pub fn antigravity_decoration(alias: &str) -> Option<(Option<ThinkingSupport>, u32)> {
    tables::antigravity(alias)
}

/// `owned_by` and `type` of aliased models registered by a provider's per-key `models`.
pub fn alias_owner(provider: &Provider) -> (&'static str, &'static str) {
    match provider {
        Provider::Claude => ("anthropic", "claude"),
        Provider::Codex => ("openai", "openai"),
        Provider::Vertex => ("google", "vertex"),
        Provider::Antigravity => ("antigravity", "antigravity"),
        Provider::OpenAiCompat(_) => ("", "openai-compatibility"),
        _ => ("google", "gemini"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_have_the_spec_sizes() {
        let sizes: Vec<usize> = Catalog::LOOKUP_ORDER
            .iter()
            .map(|c| c.models().len())
            .collect();
        assert_eq!(sizes, vec![8, 6, 6, 5, 10, 9, 3, 22]);
    }

    #[test]
    fn lookup_static_finds_thinking_support() {
        let pro = lookup_static("gemini-2.5-pro").expect("static model");
        let thinking = pro.thinking.expect("thinking support");
        assert_eq!((thinking.min, thinking.max), (128, 32768));
        assert!(thinking.is_dynamic_allowed && !thinking.is_zero_allowed);
        let gpt = lookup_static("gpt-5.1-codex-max").expect("static model");
        assert_eq!(
            gpt.thinking.expect("levels").levels,
            ["low", "medium", "high", "xhigh"]
        );
        assert_eq!(gpt.owned_by, "openai");
        assert!(lookup_static("no-such-model").is_none());
    }

    #[test]
    fn antigravity_decorations() {
        let (thinking, output) =
            antigravity_decoration("gemini-claude-opus-4-5-thinking").expect("known alias");
        assert_eq!(output, 64000);
        assert_eq!(thinking.expect("thinking").max, 200_000);
        assert!(antigravity_decoration("gpt-5").is_none());
    }

    #[test]
    fn gemini_catalog_carries_gemini_fields() {
        let models = Catalog::Gemini.models();
        let gemini = models[0].gemini.as_ref().expect("gemini info");
        assert_eq!(gemini.name, "models/gemini-2.5-pro");
        assert_eq!(gemini.input_token_limit, 1_048_576);
        assert_eq!(gemini.methods.len(), 4);
        assert!(Catalog::Claude.models()[0].gemini.is_none());
    }
}
