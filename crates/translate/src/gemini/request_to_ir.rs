//! Gemini `generateContent` request → IR (lifecycle step 5, client side).
//!
//! Gemini has no tool-call ids, so the decoder synthesises deterministic ones (`call_…`
//! from the context's id seed) and pairs each `functionResponse` with the oldest pending
//! call of the same name, falling back to the oldest pending call (correct for parallel
//! calls, unlike the Go "last id" rule, quirk §12.10). A `thoughtSignature` carried by a
//! non-thought part becomes an empty, signed [`ir::Thinking`] placed just before that part,
//! which the Gemini encoder folds back. Must not touch the network or reject unknown keys.

use std::collections::VecDeque;

use serde_json::{Map, Value};

use cpa_protocol::Format;
use cpa_protocol::gemini::{
    self, Content, FunctionCall, FunctionResponse, GenerateContentRequest, GenerationConfig,
    ToolConfig,
};
use cpa_protocol::ir::{
    self, FunctionTool, Image, ImageSource, Message, OpaqueBlock, OutputFormat, Part, Role,
    Signature, SystemBlock, SystemOrigin, Text, Thinking, ToolArguments, ToolCall, ToolChoice,
    ToolResult, ToolResultContent,
};

use crate::ids::IdGenerator;

use super::schema::lowercase_types;
use super::thinking;

/// Decodes a Gemini request. `model` is the model from the URL path (used when the body
/// has none). `origin` is the Gemini-family format the body came in (for signature tags).
pub fn to_ir(
    req: GenerateContentRequest,
    model: &str,
    origin: Format,
    id_seed: u64,
) -> ir::Request {
    let mut out = ir::Request {
        model: req.model.unwrap_or_else(|| model.to_owned()),
        ..ir::Request::default()
    };
    if let Some(system) = req.system_instruction {
        out.system = system_blocks(system);
    }
    let mut calls = CallPairing::new(id_seed);
    for content in req.contents {
        if let Some(message) = message_to_ir(content, origin, &mut calls) {
            out.messages.push(message);
        }
    }
    for tool in req.tools {
        tools_to_ir(tool, &mut out.tools);
    }
    out.tool_choice = req.tool_config.as_ref().and_then(tool_choice_to_ir);
    if let Some(config) = req.generation_config {
        generation_config_to_ir(config, &mut out);
    }
    if let Some(safety) = req.safety_settings {
        out.extras.insert("safetySettings".into(), safety);
    }
    if let Some(tool_config) = req.tool_config
        && !tool_config.extra.is_empty()
    {
        out.extras
            .insert("toolConfig".into(), Value::Object(tool_config.extra));
    }
    out.extras.extend(req.extra);
    if !out.extras.is_empty() {
        out.extras_format = Some(origin);
    }
    out
}

/// Pairs id-less `functionResponse`s with the calls they answer.
struct CallPairing {
    ids: IdGenerator,
    pending: VecDeque<(String, String)>,
}

impl CallPairing {
    fn new(seed: u64) -> Self {
        Self {
            ids: IdGenerator::new(seed),
            pending: VecDeque::new(),
        }
    }

    fn call_id(&mut self, call: &FunctionCall) -> String {
        let id = call.id.clone().unwrap_or_else(|| self.ids.next("call_"));
        self.pending.push_back((id.clone(), call.name.clone()));
        id
    }

    fn result_id(&mut self, response: &FunctionResponse) -> String {
        if let Some(id) = &response.id {
            self.pending.retain(|(pending, _)| pending != id);
            return id.clone();
        }
        let position = self
            .pending
            .iter()
            .position(|(_, name)| *name == response.name)
            .or(if self.pending.is_empty() {
                None
            } else {
                Some(0)
            });
        match position.and_then(|p| self.pending.remove(p)) {
            Some((id, _)) => id,
            None => self.ids.next("call_"),
        }
    }
}

fn system_blocks(system: Content) -> Vec<SystemBlock> {
    system
        .parts
        .into_iter()
        .filter_map(|p| p.text)
        .map(|text| SystemBlock {
            text,
            cache_control: None,
            origin: SystemOrigin::System,
        })
        .collect()
}

fn message_to_ir(content: Content, origin: Format, calls: &mut CallPairing) -> Option<Message> {
    let role = match content.role.as_deref() {
        Some("model") | Some("assistant") => Role::Assistant,
        _ => Role::User,
    };
    let mut parts = Vec::with_capacity(content.parts.len());
    for part in content.parts {
        part_to_ir(part, origin, calls, &mut parts);
    }
    if parts.is_empty() {
        return None;
    }
    Some(Message::new(role, parts))
}

fn signature(value: String, origin: Format) -> Option<Signature> {
    if value.is_empty() || value == gemini::SKIP_THOUGHT_SIGNATURE {
        return None;
    }
    Some(Signature { value, origin })
}

fn part_to_ir(part: gemini::Part, origin: Format, calls: &mut CallPairing, out: &mut Vec<Part>) {
    let sig = part
        .thought_signature
        .clone()
        .and_then(|s| signature(s, origin));
    if part.thought == Some(true) {
        out.push(Part::Thinking(Thinking {
            text: part.text.unwrap_or_default(),
            signature: sig,
        }));
        return;
    }
    if let Some(sig) = sig {
        out.push(Part::Thinking(Thinking {
            text: String::new(),
            signature: Some(sig),
        }));
    }
    if let Some(call) = part.function_call {
        let id = calls.call_id(&call);
        let arguments = call
            .args
            .as_ref()
            .map_or_else(|| ToolArguments("{}".into()), ToolArguments::from_value);
        out.push(Part::ToolCall(ToolCall {
            id,
            name: call.name,
            arguments,
        }));
    } else if let Some(response) = part.function_response {
        let call_id = calls.result_id(&response);
        out.push(Part::ToolResult(tool_result(call_id, response)));
    } else if let Some(text) = part.text {
        out.push(Part::Text(Text::new(text)));
    } else if let Some(blob) = part.inline_data {
        if blob.mime_type.starts_with("image/") {
            out.push(Part::Image(Image {
                source: ImageSource::Base64 {
                    media_type: blob.mime_type,
                    data: blob.data,
                },
                detail: None,
                cache_control: None,
            }));
        } else {
            out.push(opaque_part(
                "inlineData",
                serde_json::to_value(blob),
                origin,
            ));
        }
    } else if let Some(file) = part.file_data {
        let is_image = file
            .mime_type
            .as_deref()
            .is_some_and(|m| m.starts_with("image/"));
        let is_http = file.file_uri.starts_with("http://") || file.file_uri.starts_with("https://");
        if is_image && is_http {
            out.push(Part::Image(Image {
                source: ImageSource::Url { url: file.file_uri },
                detail: None,
                cache_control: None,
            }));
        } else {
            out.push(opaque_part("fileData", serde_json::to_value(file), origin));
        }
    } else if !part.extra.is_empty() {
        out.push(Part::Opaque(OpaqueBlock {
            format: origin,
            raw: Value::Object(part.extra),
        }));
    }
}

fn opaque_part(key: &str, value: Result<Value, serde_json::Error>, origin: Format) -> Part {
    let mut raw = Map::new();
    raw.insert(key.to_owned(), value.unwrap_or(Value::Null));
    Part::Opaque(OpaqueBlock {
        format: origin,
        raw: Value::Object(raw),
    })
}

/// `{"result": x}` / `{"output": x}` become `x`; `{"error": x}` marks a failed call.
fn tool_result(call_id: String, response: FunctionResponse) -> ToolResult {
    let (value, is_error) = match response.response {
        Value::Object(mut map) if map.len() == 1 => {
            if let Some(v) = map.remove("result").or_else(|| map.remove("output")) {
                (v, false)
            } else if let Some(v) = map.remove("error") {
                (v, true)
            } else {
                (Value::Object(map), false)
            }
        }
        other => (other, false),
    };
    let content = match value {
        Value::String(s) => ToolResultContent::Text(s),
        Value::Null => ToolResultContent::Text(String::new()),
        other => ToolResultContent::Text(other.to_string()),
    };
    ToolResult {
        call_id,
        name: Some(response.name),
        content,
        is_error,
        cache_control: None,
    }
}

fn tools_to_ir(tool: gemini::Tool, out: &mut Vec<ir::Tool>) {
    for decl in tool.function_declarations {
        let parameters = match (decl.parameters_json_schema, decl.parameters) {
            (Some(schema), _) => Some(schema),
            (None, Some(mut schema)) => {
                lowercase_types(&mut schema);
                Some(schema)
            }
            (None, None) => None,
        };
        out.push(ir::Tool::Function(FunctionTool {
            name: decl.name,
            description: decl.description,
            parameters,
            ..FunctionTool::default()
        }));
    }
    if let Some(search) = tool.google_search {
        let mut raw = Map::new();
        raw.insert("googleSearch".into(), search);
        out.push(ir::Tool::Builtin {
            kind: "google_search".into(),
            raw: Value::Object(raw),
            format: Format::Gemini,
        });
    }
    for (key, value) in tool.extra {
        let mut raw = Map::new();
        raw.insert(key.clone(), value);
        out.push(ir::Tool::Builtin {
            kind: key,
            raw: Value::Object(raw),
            format: Format::Gemini,
        });
    }
}

fn tool_choice_to_ir(config: &ToolConfig) -> Option<ToolChoice> {
    let fcc = config.function_calling_config.as_ref()?;
    match fcc.mode.as_deref()?.to_ascii_uppercase().as_str() {
        "NONE" => Some(ToolChoice::None),
        "ANY" if fcc.allowed_function_names.len() == 1 => fcc
            .allowed_function_names
            .first()
            .cloned()
            .map(ToolChoice::Function),
        "ANY" => Some(ToolChoice::Required),
        _ => Some(ToolChoice::Auto),
    }
}

fn generation_config_to_ir(config: GenerationConfig, out: &mut ir::Request) {
    let s = &mut out.sampling;
    s.temperature = config.temperature;
    s.top_p = config.top_p;
    s.top_k = config.top_k.filter(|k| *k >= 0.0).map(|k| k as u64);
    s.max_output_tokens = config.max_output_tokens;
    s.stop = config.stop_sequences.unwrap_or_default();
    s.n = config.candidate_count.map(u64::from);
    s.seed = config.seed;
    s.presence_penalty = config.presence_penalty;
    s.frequency_penalty = config.frequency_penalty;
    let schema = config.response_json_schema.or_else(|| {
        config.response_schema.map(|mut s| {
            lowercase_types(&mut s);
            s
        })
    });
    let is_json = config
        .response_mime_type
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("application/json"));
    out.output_format = match (is_json, schema) {
        (_, Some(schema)) => Some(OutputFormat::JsonSchema {
            name: "response".into(),
            schema: Some(schema),
            strict: None,
            description: None,
        }),
        (true, None) => Some(OutputFormat::JsonObject),
        (false, None) => None,
    };
    out.reasoning = config.thinking_config.as_ref().map(thinking::to_ir);
    let mut rest = config.extra;
    if let Some(m) = config.response_modalities {
        rest.insert("responseModalities".into(), Value::from(m));
    }
    if !rest.is_empty() {
        out.extras
            .insert("generationConfig".into(), Value::Object(rest));
    }
}
