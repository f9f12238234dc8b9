//! Responses / Codex request → IR (lifecycle step 5, client side).
//!
//! Items become IR messages: consecutive items of the same role share one message, so an
//! assistant text followed by parallel `function_call` items is one assistant turn and a
//! run of `function_call_output` items is one user turn of tool results. `system` and
//! `developer` message items join `instructions` in the IR system prompt. Reasoning items
//! keep their summary text and `encrypted_content` (as a signature tagged with the source
//! format). Must not drop unknown top-level keys: they travel in `extras`.

use std::collections::HashMap;

use serde_json::Value;

use cpa_protocol::Format;
use cpa_protocol::ir::{
    self, Effort, FunctionTool, Image, Message, OpaqueBlock, OutputFormat, Part, Reasoning, Role,
    Signature, SystemBlock, SystemOrigin, Text, Thinking, ToolArguments, ToolCall, ToolChoice,
    ToolResult, ToolResultContent, ToolResultPart,
};
use cpa_protocol::openai::responses::item::ItemKind;
use cpa_protocol::openai::responses::{
    ContentPart, Input, Item, ItemContent, ResponsesRequest, TextConfig, Tool,
};

use crate::data_url::parse_image_url;

/// Decodes a Responses request that arrived in `origin` (Responses or Codex).
pub fn to_ir(req: ResponsesRequest, origin: Format) -> ir::Request {
    let mut out = ir::Request {
        model: req.model,
        tool_choice: req.tool_choice.as_ref().and_then(tool_choice_to_ir),
        parallel_tool_calls: req.parallel_tool_calls,
        stream: req.stream.unwrap_or(false),
        ..ir::Request::default()
    };
    if let Some(instructions) = req.instructions.filter(|i| !i.is_empty()) {
        out.system.push(SystemBlock {
            text: instructions,
            cache_control: None,
            origin: SystemOrigin::Instructions,
        });
    }
    match req.input {
        Some(Input::Text(text)) => out
            .messages
            .push(Message::new(Role::User, vec![Part::Text(Text::new(text))])),
        Some(Input::Items(items)) => items_to_ir(items, origin, &mut out),
        None => {}
    }
    out.tools = req
        .tools
        .into_iter()
        .map(|t| tool_to_ir(t, origin))
        .collect();
    out.sampling.max_output_tokens = req.max_output_tokens;
    out.sampling.temperature = req.temperature;
    out.sampling.top_p = req.top_p;
    if let Some(r) = req.reasoning {
        let mut reasoning = match r.effort.as_deref() {
            Some(e) => Reasoning::with_effort(Effort::parse(e)),
            None => Reasoning {
                mode: ir::ReasoningMode::Auto,
                ..Reasoning::off()
            },
        };
        reasoning.summary = r.summary;
        out.reasoning = Some(reasoning);
    }
    if let Some(text) = req.text {
        text_to_ir(text, &mut out);
    }
    out.metadata.store = req.store;
    out.metadata.prompt_cache_key = req.prompt_cache_key;
    if let Some(include) = req.include {
        out.extras.insert("include".into(), Value::from(include));
    }
    metadata_from_extra(req.extra, &mut out);
    if !out.extras.is_empty() {
        out.extras_format = Some(origin);
    }
    out
}

fn metadata_from_extra(mut extra: serde_json::Map<String, Value>, out: &mut ir::Request) {
    let take_str = |extra: &mut serde_json::Map<String, Value>, key: &str| match extra.remove(key) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    out.metadata.previous_response_id = take_str(&mut extra, "previous_response_id");
    out.metadata.end_user = take_str(&mut extra, "user");
    out.metadata.service_tier = take_str(&mut extra, "service_tier");
    if let Some(Value::Object(map)) = extra.remove("metadata") {
        out.metadata.metadata = Some(map);
    }
    // Non-standard but sent by some clients (and mapped by the Go translators).
    match extra
        .remove("stop_sequences")
        .or_else(|| extra.remove("stop"))
    {
        Some(Value::String(s)) => out.sampling.stop = vec![s],
        Some(Value::Array(a)) => {
            out.sampling.stop = a
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
        }
        _ => {}
    }
    if let Some(k) = extra.remove("top_k").and_then(|v| v.as_u64()) {
        out.sampling.top_k = Some(k);
    }
    out.extras.extend(extra);
}

fn items_to_ir(items: Vec<Item>, origin: Format, out: &mut ir::Request) {
    let mut call_names: HashMap<String, String> = HashMap::new();
    for item in items {
        let (role, parts) = match item.kind() {
            ItemKind::Message => match item.role.as_deref() {
                Some("system") | Some("developer") => {
                    let origin = if item.role.as_deref() == Some("developer") {
                        SystemOrigin::Developer
                    } else {
                        SystemOrigin::System
                    };
                    let text = content_text(item.content.as_ref());
                    if !text.is_empty() {
                        out.system.push(SystemBlock {
                            text,
                            cache_control: None,
                            origin,
                        });
                    }
                    continue;
                }
                Some("assistant") => (Role::Assistant, message_parts(item.content, origin)),
                _ => (Role::User, message_parts(item.content, origin)),
            },
            ItemKind::FunctionCall => {
                let id = item.call_id.or(item.id).unwrap_or_default();
                let name = item.name.unwrap_or_default();
                call_names.insert(id.clone(), name.clone());
                let call = ToolCall {
                    id,
                    name,
                    arguments: ToolArguments(item.arguments.unwrap_or_default()),
                };
                (Role::Assistant, vec![Part::ToolCall(call)])
            }
            ItemKind::FunctionCallOutput => {
                let call_id = item.call_id.unwrap_or_default();
                let result = ToolResult {
                    name: call_names.get(&call_id).cloned(),
                    call_id,
                    content: output_to_ir(item.output),
                    is_error: false,
                    cache_control: None,
                };
                (Role::User, vec![Part::ToolResult(result)])
            }
            ItemKind::Reasoning => {
                let text = item
                    .summary
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| s.text)
                    .collect::<Vec<_>>()
                    .join("\n\n");
                let signature = item
                    .encrypted_content
                    .filter(|e| !e.is_empty())
                    .map(|value| Signature { value, origin });
                (
                    Role::Assistant,
                    vec![Part::Thinking(Thinking { text, signature })],
                )
            }
            ItemKind::Other => {
                let raw = serde_json::to_value(&item).unwrap_or(Value::Null);
                let role = if item.role.as_deref() == Some("assistant") || item.call_id.is_some() {
                    Role::Assistant
                } else {
                    Role::User
                };
                (
                    role,
                    vec![Part::Opaque(OpaqueBlock {
                        format: origin,
                        raw,
                    })],
                )
            }
        };
        if parts.is_empty() {
            continue;
        }
        match out.messages.last_mut() {
            Some(last) if last.role == role => last.content.extend(parts),
            _ => out.messages.push(Message::new(role, parts)),
        }
    }
}

fn content_text(content: Option<&ItemContent>) -> String {
    match content {
        Some(ItemContent::Text(t)) => t.clone(),
        Some(ItemContent::Parts(parts)) => parts
            .iter()
            .filter_map(|p| p.text.as_deref())
            .collect::<Vec<_>>()
            .join("\n"),
        None => String::new(),
    }
}

fn message_parts(content: Option<ItemContent>, origin: Format) -> Vec<Part> {
    match content {
        Some(ItemContent::Text(t)) => vec![Part::Text(Text::new(t))],
        Some(ItemContent::Parts(parts)) => parts
            .into_iter()
            .filter_map(|p| content_part_to_ir(p, origin))
            .collect(),
        None => Vec::new(),
    }
}

fn content_part_to_ir(part: ContentPart, origin: Format) -> Option<Part> {
    match part.part_type.as_str() {
        "input_text" | "output_text" | "text" | "refusal" => {
            Some(Part::Text(Text::new(part.text.unwrap_or_default())))
        }
        "input_image" if part.image_url.is_some() => {
            let url = part.image_url.unwrap_or_default();
            Some(Part::Image(Image {
                source: parse_image_url(&url),
                detail: part
                    .extra
                    .get("detail")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                cache_control: None,
            }))
        }
        _ => Some(Part::Opaque(OpaqueBlock {
            format: origin,
            raw: serde_json::to_value(&part).unwrap_or(Value::Null),
        })),
    }
}

fn output_to_ir(output: Option<Value>) -> ToolResultContent {
    match output {
        Some(Value::String(s)) => ToolResultContent::Text(s),
        Some(Value::Array(parts)) => ToolResultContent::Parts(
            parts
                .into_iter()
                .map(|p| match serde_json::from_value::<ContentPart>(p.clone()) {
                    Ok(cp) if cp.text.is_some() => {
                        ToolResultPart::Text(Text::new(cp.text.unwrap_or_default()))
                    }
                    Ok(cp) if cp.image_url.is_some() => ToolResultPart::Image(Image {
                        source: parse_image_url(cp.image_url.as_deref().unwrap_or_default()),
                        detail: None,
                        cache_control: None,
                    }),
                    _ => ToolResultPart::Json(p),
                })
                .collect(),
        ),
        Some(Value::Null) | None => ToolResultContent::Text(String::new()),
        Some(other) => ToolResultContent::Text(other.to_string()),
    }
}

fn tool_to_ir(tool: Tool, origin: Format) -> ir::Tool {
    if tool.tool_type == "function" {
        return ir::Tool::Function(FunctionTool {
            name: tool.name.unwrap_or_default(),
            description: tool.description,
            parameters: tool.parameters,
            strict: tool.strict,
            cache_control: None,
        });
    }
    let kind = tool.tool_type.clone();
    ir::Tool::Builtin {
        kind,
        raw: serde_json::to_value(&tool).unwrap_or(Value::Null),
        format: origin,
    }
}

fn tool_choice_to_ir(choice: &Value) -> Option<ToolChoice> {
    match choice {
        Value::String(s) => match s.as_str() {
            "none" => Some(ToolChoice::None),
            "required" => Some(ToolChoice::Required),
            _ => Some(ToolChoice::Auto),
        },
        Value::Object(map) => {
            let name = map
                .get("name")
                .or_else(|| map.get("function").and_then(|f| f.get("name")))
                .and_then(Value::as_str);
            match (map.get("type").and_then(Value::as_str), name) {
                (Some("function"), Some(name)) => Some(ToolChoice::Function(name.to_owned())),
                _ => Some(ToolChoice::Auto),
            }
        }
        _ => None,
    }
}

fn text_to_ir(text: TextConfig, out: &mut ir::Request) {
    if let Some(format) = text.format {
        let kind = format.get("type").and_then(Value::as_str).unwrap_or("text");
        out.output_format = match kind {
            "json_object" => Some(OutputFormat::JsonObject),
            "json_schema" => Some(OutputFormat::JsonSchema {
                name: format
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("response")
                    .to_owned(),
                schema: format.get("schema").cloned(),
                strict: format.get("strict").and_then(Value::as_bool),
                description: format
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }),
            _ => Some(OutputFormat::Text),
        };
    }
    if let Some(verbosity) = text.verbosity {
        out.extras
            .insert("verbosity".into(), Value::from(verbosity));
    }
}
