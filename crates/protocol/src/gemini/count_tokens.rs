//! Gemini `:countTokens` request and response bodies.
//!
//! Data only (lifecycle steps 2 and 9). The proxy answers Gemini count requests with
//! `{"totalTokens":N,"promptTokensDetails":[{"modality":"TEXT","tokenCount":N}]}` whatever
//! the provider; building that body is the translator's job, not this module's.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::generate::{Content, GenerateContentRequest};

/// Body of `POST /v1beta/models/{model}:countTokens`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountTokensRequest {
    /// Contents to count (simple form).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contents: Vec<Content>,
    /// A full request to count (alternative form).
    #[serde(
        default,
        alias = "generate_content_request",
        skip_serializing_if = "Option::is_none"
    )]
    pub generate_content_request: Option<GenerateContentRequest>,
    /// Unknown keys, carried through.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Response of `:countTokens`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountTokensResponse {
    /// Total prompt tokens.
    #[serde(default, alias = "total_tokens")]
    pub total_tokens: u64,
    /// Per-modality breakdown.
    #[serde(
        default,
        alias = "prompt_tokens_details",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub prompt_tokens_details: Vec<ModalityTokenCount>,
    /// Unknown keys, carried through.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of `promptTokensDetails`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModalityTokenCount {
    /// `TEXT`, `IMAGE`, …
    #[serde(default)]
    pub modality: String,
    /// Tokens of that modality.
    #[serde(default, alias = "token_count")]
    pub token_count: u64,
}
