//! `GET /model-definitions/{channel}` (spec §12.9): the built-in model catalogue of
//! one channel, from `cpa_router::models`. Channels without a static catalogue in
//! this build (`antigravity`, `kimi`) answer `400 unknown channel`, as upstream does
//! for an empty catalogue.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use cpa_router::models::{Catalog, ModelInfo};
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult, json};
use crate::state::Shared;

/// `GET /model-definitions/{channel}` (blank path segment ⇒ `?channel=`).
pub async fn definitions(
    State(_shared): State<Shared>,
    Path(channel): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let channel = Some(channel.trim().to_owned())
        .filter(|c| !c.is_empty())
        .or_else(|| q.get("channel").map(|c| c.trim().to_owned()))
        .unwrap_or_default();
    render(&channel)
}

/// `GET /model-definitions?channel=`.
pub async fn definitions_query(Query(q): Query<HashMap<String, String>>) -> ApiResult {
    render(q.get("channel").map(|c| c.trim()).unwrap_or_default())
}

fn render(channel: &str) -> ApiResult {
    if channel.is_empty() {
        return Err(ApiError::bad_request("channel is required"));
    }
    let lowered = channel.to_lowercase();
    let catalog = match lowered.as_str() {
        "claude" => Some(Catalog::Claude),
        "gemini" => Some(Catalog::Gemini),
        "vertex" => Some(Catalog::Vertex),
        "gemini-cli" => Some(Catalog::GeminiCli),
        "aistudio" => Some(Catalog::AiStudio),
        "codex" => Some(Catalog::Codex),
        "qwen" => Some(Catalog::Qwen),
        "iflow" => Some(Catalog::Iflow),
        _ => None,
    };
    let models: Vec<Value> = catalog
        .map(|c| c.models().iter().map(model_json).collect())
        .unwrap_or_default();
    if models.is_empty() {
        return Err(ApiError {
            status: axum::http::StatusCode::BAD_REQUEST,
            body: json!({ "error": "unknown channel", "channel": channel }),
        });
    }
    json(json!({ "channel": lowered, "models": models }))
}

/// One ModelInfo object; optional fields omitted when empty or zero.
fn model_json(m: &ModelInfo) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(m.id));
    o.insert("object".into(), json!("model"));
    o.insert("created".into(), json!(m.created));
    o.insert("owned_by".into(), json!(m.owned_by));
    o.insert("type".into(), json!(m.kind));
    if !m.display_name.is_empty() {
        o.insert("display_name".into(), json!(m.display_name));
    }
    if let Some(g) = &m.gemini {
        o.insert("name".into(), json!(g.name));
        if !g.version.is_empty() {
            o.insert("version".into(), json!(g.version));
        }
        if !g.description.is_empty() {
            o.insert("description".into(), json!(g.description));
        }
        o.insert("inputTokenLimit".into(), json!(g.input_token_limit));
        o.insert("outputTokenLimit".into(), json!(g.output_token_limit));
        o.insert("supportedGenerationMethods".into(), json!(g.methods));
    }
    if m.context_length > 0 {
        o.insert("context_length".into(), json!(m.context_length));
    }
    if m.max_output_tokens > 0 {
        o.insert("max_completion_tokens".into(), json!(m.max_output_tokens));
    }
    if let Some(t) = &m.thinking {
        let mut th = Map::new();
        if t.min != 0 {
            th.insert("min".into(), json!(t.min));
        }
        if t.max != 0 {
            th.insert("max".into(), json!(t.max));
        }
        if t.is_zero_allowed {
            th.insert("zero_allowed".into(), json!(true));
        }
        if t.is_dynamic_allowed {
            th.insert("dynamic_allowed".into(), json!(true));
        }
        if !t.levels.is_empty() {
            th.insert("levels".into(), json!(t.levels));
        }
        o.insert("thinking".into(), Value::Object(th));
    }
    Value::Object(o)
}
