//! IR → Responses request, plain or in the Codex dialect (lifecycle step 5, provider side).
//!
//! Codex dialect (spec §4): `stream:true`, `store:false`, `parallel_tool_calls:true`,
//! `include:["reasoning.encrypted_content"]`, `reasoning.summary:"auto"` (effort default
//! `medium`), no sampling limits, function names shortened to 64 bytes (§2.3) and the
//! client's system prompt moved into leading `developer` messages. The official Codex
//! `instructions` text is the Codex provider's job (byte-exact resources), not ours.
//! Historical reasoning is replayed only when it carries Responses `encrypted_content`.

use serde_json::{Map, Value, json};

use cpa_protocol::Format;
use cpa_protocol::ir::{
    self, Effort, OutputFormat, Part, Role, SystemOrigin, ToolChoice, ToolResultContent,
    ToolResultPart,
};
use cpa_protocol::openai::responses::{
    ContentPart, Input, Item, ItemContent, Reasoning, ResponsesRequest, SummaryPart, TextConfig,
    Tool,
};

use crate::context::RequestContext;
use crate::data_url::to_image_url;
use crate::reasoning::effective_effort;

use super::tool_names::ToolNameMap;

/// Encodes an IR request for a Responses (`is_codex == false`) or Codex upstream.
pub fn from_ir(req: &ir::Request, ctx: &RequestContext, is_codex: bool) -> ResponsesRequest {
    let names = if is_codex {
        ToolNameMap::for_request(req)
    } else {
        ToolNameMap::default()
    };
    let mut out = ResponsesRequest {
        model: ctx.upstream_model.clone(),
        tool_choice: req.tool_choice.as_ref().map(|c| tool_choice(c, &names)),
        parallel_tool_calls: req.parallel_tool_calls,
        stream: Some(ctx.upstream_is_streaming()),
        store: req.metadata.store,
        prompt_cache_key: req.metadata.prompt_cache_key.clone(),
        ..ResponsesRequest::default()
    };
    let mut items = Vec::new();
    // Block boundaries are kept: plain Responses puts the first block in `instructions` and
    // the rest in leading `system`/`developer` items; Codex (whose `instructions` belong to
    // the provider) gets every block as a `developer` item.
    let mut blocks = req.system.iter();
    if !is_codex {
        out.instructions = blocks.next().map(|b| b.text.clone());
    }
    for block in blocks {
        let role = match block.origin {
            SystemOrigin::System if !is_codex => "system",
            _ => "developer",
        };
        items.push(message_item(role, vec![input_text(block.text.clone())]));
    }
    for message in &req.messages {
        message_items(message, &names, &mut items);
    }
    out.input = Some(Input::Items(items));
    out.tools = req.tools.iter().filter_map(|t| tool(t, &names)).collect();
    out.reasoning = reasoning(req, is_codex);
    out.text = text_config(req);
    if is_codex {
        out.stream = Some(true);
        out.store = Some(false);
        out.parallel_tool_calls = Some(true);
        out.include = Some(vec!["reasoning.encrypted_content".into()]);
    } else {
        sampling_and_metadata(req, &mut out);
    }
    out
}

fn sampling_and_metadata(req: &ir::Request, out: &mut ResponsesRequest) {
    out.max_output_tokens = req.sampling.max_output_tokens;
    out.temperature = req.sampling.temperature;
    out.top_p = req.sampling.top_p;
    let m = &req.metadata;
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            out.extra.insert(key.to_owned(), v);
        }
    };
    put(
        "previous_response_id",
        m.previous_response_id.clone().map(Value::from),
    );
    put("user", m.end_user.clone().map(Value::from));
    put("service_tier", m.service_tier.clone().map(Value::from));
    put("metadata", m.metadata.clone().map(Value::Object));
    if req
        .extras_format
        .is_some_and(|f| f.family() == Format::OpenAiResponses.family())
    {
        for (k, v) in &req.extras {
            if k == "include" {
                out.include = serde_json::from_value(v.clone()).ok();
            } else if k != "verbosity" {
                out.extra.insert(k.clone(), v.clone());
            }
        }
    }
}

fn input_text(text: String) -> ContentPart {
    ContentPart {
        part_type: "input_text".into(),
        text: Some(text),
        ..ContentPart::default()
    }
}

fn message_item(role: &str, parts: Vec<ContentPart>) -> Item {
    Item {
        item_type: Some("message".into()),
        role: Some(role.into()),
        content: Some(ItemContent::Parts(parts)),
        ..Item::default()
    }
}

fn flush(role: Role, parts: &mut Vec<ContentPart>, items: &mut Vec<Item>) {
    if parts.is_empty() {
        return;
    }
    let role = if role == Role::Assistant {
        "assistant"
    } else {
        "user"
    };
    items.push(message_item(role, std::mem::take(parts)));
}

fn message_items(message: &ir::Message, names: &ToolNameMap, items: &mut Vec<Item>) {
    let is_assistant = message.role == Role::Assistant;
    let mut parts: Vec<ContentPart> = Vec::new();
    for part in &message.content {
        match part {
            Part::Text(t) if is_assistant => parts.push(ContentPart {
                part_type: "output_text".into(),
                text: Some(t.text.clone()),
                ..ContentPart::default()
            }),
            Part::Text(t) => parts.push(input_text(t.text.clone())),
            Part::Image(img) => parts.push(ContentPart {
                part_type: "input_image".into(),
                image_url: Some(to_image_url(&img.source)),
                ..ContentPart::default()
            }),
            Part::ToolCall(call) => {
                flush(message.role, &mut parts, items);
                items.push(Item {
                    item_type: Some("function_call".into()),
                    call_id: Some(call.id.clone()),
                    name: Some(names.shorten(&call.name)),
                    arguments: Some(call.arguments.as_str().to_owned()),
                    ..Item::default()
                });
            }
            Part::ToolResult(result) => {
                flush(message.role, &mut parts, items);
                items.push(Item {
                    item_type: Some("function_call_output".into()),
                    call_id: Some(result.call_id.clone()),
                    output: Some(tool_output(&result.content)),
                    ..Item::default()
                });
            }
            Part::Thinking(t) => {
                let encrypted = t
                    .signature
                    .as_ref()
                    .filter(|s| s.origin.family() == Format::OpenAiResponses.family());
                if let Some(sig) = encrypted {
                    flush(message.role, &mut parts, items);
                    let summary = if t.text.is_empty() {
                        Vec::new()
                    } else {
                        vec![SummaryPart::summary_text(t.text.clone())]
                    };
                    items.push(Item {
                        item_type: Some("reasoning".into()),
                        summary: Some(summary),
                        encrypted_content: Some(sig.value.clone()),
                        ..Item::default()
                    });
                }
            }
            Part::Opaque(block) if block.format.family() == Format::OpenAiResponses.family() => {
                opaque(message.role, &block.raw, &mut parts, items);
            }
            Part::RedactedThinking { .. } | Part::Opaque(_) => {}
        }
    }
    flush(message.role, &mut parts, items);
}

/// Re-emits a Responses value the IR kept verbatim: a content part (`input_file`, …) joins
/// the current message, anything else is a whole item.
fn opaque(role: Role, raw: &Value, parts: &mut Vec<ContentPart>, items: &mut Vec<Item>) {
    let kind = raw.get("type").and_then(Value::as_str).unwrap_or("");
    let is_part = matches!(
        kind,
        "input_text" | "output_text" | "input_image" | "input_file" | "input_audio" | "refusal"
    );
    if is_part {
        if let Ok(cp) = serde_json::from_value::<ContentPart>(raw.clone()) {
            parts.push(cp);
        }
    } else if let Ok(item) = serde_json::from_value::<Item>(raw.clone()) {
        flush(role, parts, items);
        items.push(item);
    }
}

fn tool_output(content: &ToolResultContent) -> Value {
    match content {
        ToolResultContent::Text(t) => Value::String(t.clone()),
        ToolResultContent::Parts(parts) => {
            let has_image = parts.iter().any(|p| matches!(p, ToolResultPart::Image(_)));
            if !has_image {
                return Value::String(content.to_text());
            }
            Value::Array(
                parts
                    .iter()
                    .map(|p| match p {
                        ToolResultPart::Text(t) => json!({"type":"input_text","text":t.text}),
                        ToolResultPart::Image(img) => {
                            json!({"type":"input_image","image_url":to_image_url(&img.source)})
                        }
                        ToolResultPart::Json(v) => {
                            json!({"type":"input_text","text":v.to_string()})
                        }
                    })
                    .collect(),
            )
        }
    }
}

fn tool(tool: &ir::Tool, names: &ToolNameMap) -> Option<Tool> {
    match tool {
        ir::Tool::Function(f) => Some(Tool {
            tool_type: "function".into(),
            name: Some(names.shorten(&f.name)),
            description: f.description.clone(),
            parameters: Some(
                f.parameters
                    .clone()
                    .unwrap_or_else(|| json!({"type":"object","properties":{}})),
            ),
            strict: f.strict,
            extra: Map::new(),
        }),
        ir::Tool::Builtin { raw, format, .. }
            if format.family() == Format::OpenAiResponses.family() =>
        {
            serde_json::from_value(raw.clone()).ok()
        }
        ir::Tool::Builtin { kind, .. }
            if kind.starts_with("web_search") || kind == "google_search" =>
        {
            Some(Tool {
                tool_type: "web_search".into(),
                ..Tool::default()
            })
        }
        ir::Tool::Builtin { .. } => None,
    }
}

fn tool_choice(choice: &ToolChoice, names: &ToolNameMap) -> Value {
    match choice {
        ToolChoice::Auto => Value::from("auto"),
        ToolChoice::None => Value::from("none"),
        ToolChoice::Required => Value::from("required"),
        ToolChoice::Function(name) => json!({"type":"function","name":names.shorten(name)}),
    }
}

fn reasoning(req: &ir::Request, is_codex: bool) -> Option<Reasoning> {
    // `auto` has no Responses spelling: leave the effort to the upstream default.
    let effort = req
        .reasoning
        .as_ref()
        .and_then(effective_effort)
        .filter(|e| *e != Effort::Auto);
    let summary = req.reasoning.as_ref().and_then(|r| r.summary.clone());
    if !is_codex && effort.is_none() && summary.is_none() {
        return None;
    }
    let effort = effort.map(|e| e.as_str().to_owned());
    Some(Reasoning {
        effort: if is_codex {
            effort.or_else(|| Some("medium".into()))
        } else {
            effort
        },
        summary: if is_codex {
            summary.or_else(|| Some("auto".into()))
        } else {
            summary
        },
        extra: Map::new(),
    })
}

fn text_config(req: &ir::Request) -> Option<TextConfig> {
    let format = req.output_format.as_ref().map(|f| match f {
        OutputFormat::Text => json!({"type":"text"}),
        OutputFormat::JsonObject => json!({"type":"json_object"}),
        OutputFormat::JsonSchema {
            name,
            schema,
            strict,
            description,
        } => {
            let mut m = Map::new();
            m.insert("type".into(), Value::from("json_schema"));
            m.insert("name".into(), Value::from(name.clone()));
            if let Some(s) = schema {
                m.insert("schema".into(), s.clone());
            }
            if let Some(s) = strict {
                m.insert("strict".into(), Value::from(*s));
            }
            if let Some(d) = description {
                m.insert("description".into(), Value::from(d.clone()));
            }
            Value::Object(m)
        }
    });
    let verbosity = req
        .extras_format
        .filter(|f| f.family() == Format::OpenAiResponses.family())
        .and_then(|_| req.extras.get("verbosity"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    (format.is_some() || verbosity.is_some()).then(|| TextConfig {
        format,
        verbosity,
        extra: Map::new(),
    })
}
