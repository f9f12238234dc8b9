//! Listing rows for `/v1/models` and `/v1beta/models` (proxy-pipeline spec §2.1, §2.6).
//!
//! Plain serializable data: the server wraps the rows in `{"data": …}` or
//! `{"models": …}` and renders JSON. Which models appear is decided by
//! `crate::registry` and `crate::pool`; this module only shapes one model.

use serde::Serialize;

use super::ModelInfo;

/// One entry of the OpenAI-shaped model list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenAiModel {
    /// Model ID.
    pub id: String,
    /// Always `"model"`.
    pub object: &'static str,
    /// Unix seconds; omitted when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    /// Owner; always present, possibly empty.
    pub owned_by: String,
}

/// One entry of the Anthropic-shaped model list (`User-Agent: claude-cli…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnthropicModel {
    /// Model ID.
    pub id: String,
    /// Always `"model"`.
    pub object: &'static str,
    /// Owner; always present, possibly empty.
    pub owned_by: String,
    /// Unix seconds; omitted when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    /// Model type; omitted when empty.
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Display name; omitted when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub display_name: String,
}

/// One entry of the Gemini-shaped model list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeminiModel {
    /// `models/<name>`.
    pub name: String,
    /// Omitted when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// Omitted when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    /// Omitted when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Omitted when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_token_limit: Option<u32>,
    /// Omitted when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_token_limit: Option<u32>,
    /// The model's methods, or `["generateContent"]`.
    pub supported_generation_methods: Vec<&'static str>,
}

impl From<&ModelInfo> for OpenAiModel {
    fn from(model: &ModelInfo) -> Self {
        Self {
            id: model.id.clone(),
            object: "model",
            created: positive(model.created),
            owned_by: model.owned_by.clone(),
        }
    }
}

impl From<&ModelInfo> for AnthropicModel {
    fn from(model: &ModelInfo) -> Self {
        Self {
            id: model.id.clone(),
            object: "model",
            owned_by: model.owned_by.clone(),
            created: positive(model.created),
            kind: model.kind.clone(),
            display_name: model.display_name.clone(),
        }
    }
}

impl From<&ModelInfo> for GeminiModel {
    fn from(model: &ModelInfo) -> Self {
        let gemini = model.gemini.as_ref();
        let name = gemini.map_or(model.id.as_str(), |g| g.name.as_str());
        let name = if name.starts_with("models/") {
            name.to_owned()
        } else {
            format!("models/{name}")
        };
        let methods = gemini
            .map(|g| g.methods.to_vec())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| vec!["generateContent"]);
        let input = gemini.map_or(model.context_length, |g| g.input_token_limit);
        let output = gemini.map_or(model.max_output_tokens, |g| g.output_token_limit);
        Self {
            name,
            version: gemini.map(|g| g.version.clone()).unwrap_or_default(),
            display_name: model.display_name.clone(),
            description: gemini.map(|g| g.description.clone()).unwrap_or_default(),
            input_token_limit: (input > 0).then_some(input),
            output_token_limit: (output > 0).then_some(output),
            supported_generation_methods: methods,
        }
    }
}

fn positive(created: i64) -> Option<i64> {
    (created > 0).then_some(created)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Catalog, lookup_static};

    #[test]
    fn listing_rows_serialize_like_the_spec() {
        let sonnet = lookup_static("claude-sonnet-4-5-20250929").expect("static");
        let openai = serde_json::to_value(OpenAiModel::from(&sonnet)).expect("json");
        assert_eq!(
            openai,
            serde_json::json!({"created":1759104000,"id":"claude-sonnet-4-5-20250929",
                "object":"model","owned_by":"anthropic"})
        );
        let anthropic = serde_json::to_value(AnthropicModel::from(&sonnet)).expect("json");
        assert_eq!(anthropic["type"], "claude");
        assert_eq!(anthropic["display_name"], "Claude 4.5 Sonnet");
        let gemini = serde_json::to_value(GeminiModel::from(&sonnet)).expect("json");
        assert_eq!(
            gemini,
            serde_json::json!({"displayName":"Claude 4.5 Sonnet","name":"models/claude-sonnet-4-5-20250929",
                "inputTokenLimit":200000,"outputTokenLimit":64000,
                "supportedGenerationMethods":["generateContent"]})
        );
    }

    #[test]
    fn gemini_rows_keep_their_resource_name() {
        let pro = &Catalog::Gemini.models()[0];
        let row = GeminiModel::from(pro);
        assert_eq!(row.name, "models/gemini-2.5-pro");
        assert_eq!(row.version, "2.5");
        assert_eq!(row.supported_generation_methods.len(), 4);
    }
}
