//! IR → Gemini `generateContent` request (lifecycle step 5, provider side).
//!
//! Encodes for the plain Gemini API; the Gemini CLI and Antigravity envelopes wrap this
//! body (see `gemini::envelope`). Tool schemas go out as `parametersJsonSchema` (full JSON
//! Schema); for Antigravity Claude models they are cleaned (§2.6). Historical model parts
//! that need a signature we do not have get the `skip_thought_signature_validator`
//! sentinel. Must not add provider identity fields (project, request ids): providers do.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use cpa_protocol::Format;
use cpa_protocol::gemini::{
    self, Blob, Content, FileData, FunctionCall, FunctionCallingConfig, FunctionDeclaration,
    FunctionResponse, GenerateContentRequest, GenerationConfig, ToolConfig,
};
use cpa_protocol::ir::{
    self, ImageSource, OutputFormat, Part, Role, ToolChoice, ToolResult, ToolResultContent,
};

use super::schema::clean_for_antigravity;
use super::thinking;

/// Encoder options that differ between the Gemini-family providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodeOptions {
    /// The provider format the body is for.
    pub target: Format,
    /// Whether to send `functionCall.id` / `functionResponse.id` (Antigravity accepts them).
    pub has_call_ids: bool,
    /// Whether to add the default `safetySettings` when the request has none.
    pub has_default_safety: bool,
}

impl EncodeOptions {
    /// Options for a Gemini-family target format.
    pub fn for_target(target: Format) -> Self {
        Self {
            target,
            has_call_ids: target == Format::Antigravity,
            has_default_safety: target != Format::Antigravity,
        }
    }
}

/// Default safety settings added to Gemini requests that carry none (spec §2.7).
pub fn default_safety_settings() -> Value {
    json!([
        {"category":"HARM_CATEGORY_HARASSMENT","threshold":"OFF"},
        {"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"OFF"},
        {"category":"HARM_CATEGORY_SEXUALLY_EXPLICIT","threshold":"OFF"},
        {"category":"HARM_CATEGORY_DANGEROUS_CONTENT","threshold":"OFF"},
        {"category":"HARM_CATEGORY_CIVIC_INTEGRITY","threshold":"BLOCK_NONE"}
    ])
}

/// Encodes an IR request for `model`.
pub fn from_ir(req: &ir::Request, model: &str, opts: EncodeOptions) -> GenerateContentRequest {
    let mut out = GenerateContentRequest {
        model: Some(model.to_owned()),
        ..GenerateContentRequest::default()
    };
    if !req.system.is_empty() {
        out.system_instruction = Some(Content {
            role: Some("user".into()),
            parts: req
                .system
                .iter()
                .map(|b| text_part(b.text.clone()))
                .collect(),
            extra: Map::new(),
        });
    }
    let names = call_names(req);
    for message in &req.messages {
        let content = message_from_ir(message, &names, opts);
        push_content(&mut out.contents, content);
    }
    tools_from_ir(req, model, opts, &mut out);
    out.tool_config = req.tool_choice.as_ref().map(tool_choice_from_ir);
    out.generation_config = generation_config_from_ir(req, model);
    let keeps_extras = req
        .extras_format
        .is_some_and(|f| f.family() == Format::Gemini.family());
    if keeps_extras {
        merge_extras(&req.extras, &mut out);
    }
    if opts.has_default_safety && out.safety_settings.is_none() {
        out.safety_settings = Some(default_safety_settings());
    }
    out
}

/// Call id → function name, for `functionResponse.name` (Gemini requires it).
fn call_names(req: &ir::Request) -> HashMap<&str, &str> {
    req.messages
        .iter()
        .flat_map(|m| m.content.iter())
        .filter_map(|p| match p {
            Part::ToolCall(c) => Some((c.id.as_str(), c.name.as_str())),
            _ => None,
        })
        .collect()
}

/// Appends a content, merging it into the previous one when both have the same role and
/// are both pure tool-result turns or both free of tool results: Gemini wants alternating
/// turns and all responses to one parallel call turn in a single content.
fn push_content(contents: &mut Vec<Content>, content: Content) {
    if content.parts.is_empty() {
        return;
    }
    let is_responses = |c: &Content| c.parts.iter().all(|p| p.function_response.is_some());
    let has_responses = |c: &Content| c.parts.iter().any(|p| p.function_response.is_some());
    if let Some(last) = contents.last_mut()
        && last.role == content.role
        && ((is_responses(last) && is_responses(&content))
            || (!has_responses(last) && !has_responses(&content)))
    {
        last.parts.extend(content.parts);
        return;
    }
    contents.push(content);
}

fn text_part(text: String) -> gemini::Part {
    gemini::Part {
        text: Some(text),
        ..gemini::Part::default()
    }
}

fn is_gemini_signature(sig: Option<&ir::Signature>) -> Option<&str> {
    sig.filter(|s| s.origin.family() == Format::Gemini.family())
        .map(|s| s.value.as_str())
}

fn message_from_ir(
    message: &ir::Message,
    names: &HashMap<&str, &str>,
    opts: EncodeOptions,
) -> Content {
    let is_model = message.role == Role::Assistant;
    let mut parts: Vec<gemini::Part> = Vec::with_capacity(message.content.len());
    // A signature carried by an empty thinking part belongs to the next part.
    let mut pending_signature: Option<String> = None;
    for part in &message.content {
        let mut encoded = match part {
            Part::Thinking(t) => {
                let sig = is_gemini_signature(t.signature.as_ref());
                if t.text.is_empty() {
                    pending_signature = sig.map(str::to_owned);
                    continue;
                }
                // Thoughts without a Gemini signature cannot be replayed; drop them.
                let Some(sig) = sig else { continue };
                gemini::Part {
                    text: Some(t.text.clone()),
                    thought: Some(true),
                    thought_signature: Some(sig.to_owned()),
                    ..gemini::Part::default()
                }
            }
            Part::Text(t) => text_part(t.text.clone()),
            Part::Image(img) => image_part(&img.source),
            Part::ToolCall(call) => gemini::Part {
                function_call: Some(FunctionCall {
                    id: opts.has_call_ids.then(|| call.id.clone()),
                    name: call.name.clone(),
                    args: Some(call_args(call)),
                    extra: Map::new(),
                }),
                ..gemini::Part::default()
            },
            Part::ToolResult(result) => gemini::Part {
                function_response: Some(function_response(result, names, opts)),
                ..gemini::Part::default()
            },
            Part::Opaque(block) if block.format.family() == Format::Gemini.family() => {
                match serde_json::from_value::<gemini::Part>(block.raw.clone()) {
                    Ok(p) => p,
                    Err(_) => continue,
                }
            }
            Part::RedactedThinking { .. } | Part::Opaque(_) => continue,
        };
        if let Some(sig) = pending_signature.take() {
            encoded.thought_signature = Some(sig);
        } else if is_model && encoded.function_call.is_some() {
            encoded.thought_signature = Some(gemini::SKIP_THOUGHT_SIGNATURE.to_owned());
        }
        parts.push(encoded);
    }
    Content {
        role: Some(if is_model { "model" } else { "user" }.into()),
        parts,
        extra: Map::new(),
    }
}

fn image_part(source: &ImageSource) -> gemini::Part {
    match source {
        ImageSource::Base64 { media_type, data } => gemini::Part {
            inline_data: Some(Blob {
                mime_type: media_type.clone(),
                data: data.clone(),
            }),
            ..gemini::Part::default()
        },
        ImageSource::Url { url } => gemini::Part {
            file_data: Some(FileData {
                mime_type: Some(mime_from_url(url).to_owned()),
                file_uri: url.clone(),
            }),
            ..gemini::Part::default()
        },
    }
}

fn mime_from_url(url: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    match path.rsplit('.').next() {
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("heic") => "image/heic",
        _ => "image/jpeg",
    }
}

/// Gemini wants an object; invalid or non-object arguments are wrapped as `{"params": …}`.
fn call_args(call: &ir::ToolCall) -> Value {
    match call.arguments.parse() {
        Some(v @ Value::Object(_)) => v,
        Some(other) => json!({ "params": other }),
        None => json!({ "params": call.arguments.as_str() }),
    }
}

/// `{"result": x}` (or `{"error": x}`), where `x` is the parsed JSON when the tool output
/// is JSON text and the plain string otherwise (quirk §12.8 fixed: no JSON-in-a-string).
fn function_response(
    result: &ToolResult,
    names: &HashMap<&str, &str>,
    opts: EncodeOptions,
) -> FunctionResponse {
    let text = match &result.content {
        ToolResultContent::Text(t) => t.clone(),
        parts @ ToolResultContent::Parts(_) => parts.to_text(),
    };
    let value = match serde_json::from_str::<Value>(&text) {
        Ok(v @ (Value::Object(_) | Value::Array(_))) => v,
        _ => Value::String(text),
    };
    let key = if result.is_error { "error" } else { "result" };
    let name = result
        .name
        .clone()
        .or_else(|| names.get(result.call_id.as_str()).map(|n| (*n).to_owned()))
        .unwrap_or_else(|| "unknown".to_owned());
    let mut response = Map::new();
    response.insert(key.to_owned(), value);
    FunctionResponse {
        id: opts.has_call_ids.then(|| result.call_id.clone()),
        name,
        response: Value::Object(response),
        extra: Map::new(),
    }
}

fn tools_from_ir(
    req: &ir::Request,
    model: &str,
    opts: EncodeOptions,
    out: &mut GenerateContentRequest,
) {
    let is_cleaned =
        opts.target == Format::Antigravity && model.to_ascii_lowercase().contains("claude");
    let mut tool = gemini::Tool::default();
    for t in &req.tools {
        match t {
            ir::Tool::Function(f) => {
                let mut schema = f
                    .parameters
                    .clone()
                    .unwrap_or_else(|| json!({"type":"object","properties":{}}));
                if let Some(obj) = schema.as_object_mut() {
                    obj.remove("$schema");
                }
                if is_cleaned {
                    clean_for_antigravity(&mut schema);
                }
                tool.function_declarations.push(FunctionDeclaration {
                    name: f.name.clone(),
                    description: f.description.clone(),
                    parameters: None,
                    parameters_json_schema: Some(schema),
                    extra: Map::new(),
                });
            }
            ir::Tool::Builtin { kind, raw, format } => {
                if format.family() == Format::Gemini.family() {
                    if let Value::Object(map) = raw {
                        for (k, v) in map {
                            match k.as_str() {
                                "googleSearch" | "google_search" => {
                                    tool.google_search = Some(v.clone())
                                }
                                _ => {
                                    tool.extra.insert(k.clone(), v.clone());
                                }
                            }
                        }
                    }
                } else if kind == "google_search" || kind.starts_with("web_search") {
                    tool.google_search = Some(json!({}));
                }
            }
        }
    }
    if tool != gemini::Tool::default() {
        out.tools.push(tool);
    }
}

fn tool_choice_from_ir(choice: &ToolChoice) -> ToolConfig {
    let (mode, allowed) = match choice {
        ToolChoice::Auto => ("AUTO", Vec::new()),
        ToolChoice::None => ("NONE", Vec::new()),
        ToolChoice::Required => ("ANY", Vec::new()),
        ToolChoice::Function(name) => ("ANY", vec![name.clone()]),
    };
    ToolConfig {
        function_calling_config: Some(FunctionCallingConfig {
            mode: Some(mode.into()),
            allowed_function_names: allowed,
            extra: Map::new(),
        }),
        extra: Map::new(),
    }
}

fn generation_config_from_ir(req: &ir::Request, model: &str) -> Option<GenerationConfig> {
    let s = &req.sampling;
    let mut config = GenerationConfig {
        temperature: s.temperature,
        top_p: s.top_p,
        top_k: s.top_k.map(|k| k as f64),
        max_output_tokens: s.max_output_tokens,
        stop_sequences: (!s.stop.is_empty()).then(|| s.stop.clone()),
        candidate_count: s.n.and_then(|n| u32::try_from(n).ok()),
        seed: s.seed,
        presence_penalty: s.presence_penalty,
        frequency_penalty: s.frequency_penalty,
        ..GenerationConfig::default()
    };
    match &req.output_format {
        Some(OutputFormat::JsonObject) => {
            config.response_mime_type = Some("application/json".into())
        }
        Some(OutputFormat::JsonSchema { schema, .. }) => {
            config.response_mime_type = Some("application/json".into());
            config.response_json_schema = schema.clone();
        }
        Some(OutputFormat::Text) | None => {}
    }
    config.thinking_config = req
        .reasoning
        .as_ref()
        .and_then(|r| thinking::from_ir(r, model));
    (config != GenerationConfig::default()).then_some(config)
}

/// Re-applies fields kept from a Gemini-family source body.
fn merge_extras(extras: &Map<String, Value>, out: &mut GenerateContentRequest) {
    for (key, value) in extras {
        match key.as_str() {
            "safetySettings" => out.safety_settings = Some(value.clone()),
            "generationConfig" => {
                if let Value::Object(rest) = value {
                    let config = out
                        .generation_config
                        .get_or_insert_with(GenerationConfig::default);
                    for (k, v) in rest {
                        if k == "responseModalities" {
                            config.response_modalities = serde_json::from_value(v.clone()).ok();
                        } else {
                            config.extra.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            "toolConfig" => {
                if let Value::Object(rest) = value {
                    let config = out.tool_config.get_or_insert_with(ToolConfig::default);
                    config.extra.extend(rest.clone());
                }
            }
            _ => {
                out.extra.insert(key.clone(), value.clone());
            }
        }
    }
}
