//! OpenAI Responses: `POST /v1/responses`, `POST /responses` and the ChatGPT Codex
//! backend `POST /backend-api/codex/responses` (which requires `stream: true`,
//! `store: false` and `instructions`, rejects sampling limits, and answers errors in its
//! own shapes, see `errors::Flavor::Codex`).
//!
//! Streams are `event: <type>\ndata: <json>` frames with a `sequence_number` starting at
//! 0: `response.created`, `response.in_progress`, then per output item
//! `output_item.added` → (reasoning summary / content part / function-call argument
//! events) → `output_item.done`, and finally `response.completed` (or
//! `response.incomplete` when the output limit cut the text). Output order: reasoning,
//! message, function calls. Credential: `Authorization: Bearer`. This module must not
//! decide reply content nor validate (`validate::responses`).

mod stream;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::content::{
    Conversation, LastTurn, TokenCounter, Tool, UserTurn, flatten_text, url_note,
};
use crate::errors::{Flavor, MockError};
use crate::incoming::{admit, bearer, model_of, parse_json};
use crate::reply::Reply;
use crate::server::AppState;
use crate::sse::json_response;
use crate::validate;

/// Request fields echoed into the response object.
const ECHO_FIELDS: &[&str] = &[
    "instructions",
    "max_output_tokens",
    "max_tool_calls",
    "parallel_tool_calls",
    "previous_response_id",
    "prompt_cache_key",
    "reasoning",
    "safety_identifier",
    "service_tier",
    "store",
    "temperature",
    "text",
    "tool_choice",
    "tools",
    "top_logprobs",
    "top_p",
    "truncation",
    "user",
    "metadata",
];

/// Which service the Responses request imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    /// The OpenAI API.
    OpenAi,
    /// The ChatGPT Codex backend, with its stricter rules.
    Codex,
}

/// `POST /v1/responses` and `POST /responses`.
pub(crate) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &headers, &body, Backend::OpenAi).await {
        Ok(response) => response,
        Err(error) => error.render(Flavor::OpenAi),
    }
}

/// `POST /backend-api/codex/responses`.
pub(crate) async fn create_codex(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &headers, &body, Backend::Codex).await {
        Ok(response) => response,
        Err(error) => error.render(Flavor::Codex),
    }
}

async fn handle(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    backend: Backend,
) -> Result<Response, MockError> {
    let key = bearer(headers).ok_or_else(crate::openai::missing_key)?;
    let body = parse_json(body)?;
    let faults = admit(state, key, model_of(&body)).await?;
    if backend == Backend::Codex {
        validate::responses::codex(&body)?;
    } else {
        validate::responses::request(&body)?;
    }
    let reply = Reply::for_conversation(&conversation(&body));
    if body.get("stream").and_then(Value::as_bool) == Some(true) {
        Ok(stream::stream(&reply, &body, &faults))
    } else {
        Ok(json_response(
            &response_object(&reply, &body, true),
            &faults,
        ))
    }
}

/// Reads a Responses request into the neutral conversation.
fn conversation(body: &Value) -> Conversation {
    let mut tokens = TokenCounter::default();
    if let Some(instructions) = body.get("instructions").and_then(Value::as_str) {
        tokens.add(instructions);
    }
    let mut turn = UserTurn::default();
    let last = match body.get("input") {
        Some(Value::String(text)) => {
            tokens.add(text);
            turn.text(text);
            turn.finish()
        }
        Some(Value::Array(items)) => {
            items.iter().for_each(|item| count_item(item, &mut tokens));
            last_turn(items, turn)
        }
        _ => LastTurn::Other,
    };
    let summary = body.pointer("/reasoning/summary").and_then(Value::as_str);
    Conversation {
        model: model_of(body).to_owned(),
        last,
        tools: tools(body),
        input_tokens: tokens.total(),
        is_thinking: summary.is_some_and(|s| s != "none"),
        max_output_tokens: body.get("max_output_tokens").and_then(Value::as_u64),
        is_tool_choice_none: body.get("tool_choice").and_then(Value::as_str) == Some("none"),
    }
}

fn count_item(item: &Value, tokens: &mut TokenCounter) {
    match item
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("message")
    {
        "message" => match item.get("content") {
            Some(Value::String(text)) => tokens.add(text),
            Some(content) => tokens.add(&flatten_text(content)),
            None => {}
        },
        "function_call" => {
            tokens.add_arguments(item.get("arguments").and_then(Value::as_str).unwrap_or(""));
        }
        "function_call_output" => {
            tokens.add(&flatten_text(item.get("output").unwrap_or(&Value::Null)))
        }
        _ => {}
    }
}

fn last_turn(items: &[Value], mut turn: UserTurn) -> LastTurn {
    let kind = |item: &Value| {
        item.get("type")
            .and_then(Value::as_str)
            .unwrap_or("message")
            .to_owned()
    };
    let Some(last) = items.last() else {
        return LastTurn::Other;
    };
    match kind(last).as_str() {
        "function_call_output" => {
            let trailing = items
                .iter()
                .rev()
                .take_while(|i| kind(i) == "function_call_output");
            let mut outputs: Vec<&Value> = trailing.collect();
            outputs.reverse();
            for output in outputs {
                turn.tool_result(flatten_text(output.get("output").unwrap_or(&Value::Null)));
            }
            turn.finish()
        }
        "message" if last.get("role").and_then(Value::as_str) == Some("user") => {
            match last.get("content") {
                Some(Value::String(text)) => turn.text(text),
                Some(Value::Array(parts)) => {
                    parts.iter().for_each(|part| read_part(part, &mut turn))
                }
                _ => {}
            }
            turn.finish()
        }
        _ => LastTurn::Other,
    }
}

fn read_part(part: &Value, turn: &mut UserTurn) {
    match part.get("type").and_then(Value::as_str) {
        Some("input_text" | "text") => {
            turn.text(part.get("text").and_then(Value::as_str).unwrap_or(""))
        }
        Some("input_image") => turn.image(url_note(
            part.get("image_url").and_then(Value::as_str).unwrap_or(""),
        )),
        _ => {}
    }
}

fn tools(body: &Value) -> Vec<Tool> {
    let tools = body.get("tools").and_then(Value::as_array);
    tools
        .into_iter()
        .flatten()
        .filter(|tool| tool.get("type").and_then(Value::as_str) == Some("function"))
        .map(|tool| Tool {
            name: tool
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            schema: tool.get("parameters").cloned().unwrap_or(Value::Null),
        })
        .collect()
}

/// The output items of a finished reply, in the API's order.
fn output_items(reply: &Reply) -> Vec<Value> {
    let mut items = Vec::new();
    if let Some(thinking) = &reply.thinking {
        items.push(
            json!({"id": format!("rs_mock_{}", reply.serial), "type": "reasoning",
            "summary": [{"type": "summary_text", "text": thinking}]}),
        );
    }
    if !reply.text.is_empty() {
        items.push(json!({"id": format!("msg_mock_{}", reply.serial), "type": "message",
            "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": reply.text, "annotations": [], "logprobs": []}]}));
    }
    for call in &reply.tool_calls {
        items.push(
            json!({"id": call.id("fc_mock_"), "type": "function_call", "status": "completed",
            "arguments": call.arguments_json, "call_id": call.id("call_mock_"), "name": call.name}),
        );
    }
    items
}

/// The response object; `is_done` false gives the `in_progress` form of stream starts.
fn response_object(reply: &Reply, request: &Value, is_done: bool) -> Value {
    let mut object = Map::new();
    for name in ECHO_FIELDS {
        if let Some(value) = request.get(*name) {
            object.insert((*name).to_owned(), value.clone());
        }
    }
    let status = match (is_done, reply.is_truncated) {
        (false, _) => "in_progress",
        (true, true) => "incomplete",
        (true, false) => "completed",
    };
    let incomplete =
        (is_done && reply.is_truncated).then(|| json!({"reason": "max_output_tokens"}));
    let usage = &reply.usage;
    let extra = json!({
        "id": format!("resp_mock_{}", reply.serial),
        "object": "response",
        "created_at": crate::reply::unix_now(),
        "status": status,
        "background": false,
        "error": null,
        "incomplete_details": incomplete,
        "model": model_of(request),
        "output": if is_done { output_items(reply) } else { Vec::new() },
        "parallel_tool_calls": request.get("parallel_tool_calls").cloned().unwrap_or(json!(true)),
        "tool_choice": request.get("tool_choice").cloned().unwrap_or(json!("auto")),
        "tools": request.get("tools").cloned().unwrap_or(json!([])),
        "usage": if is_done { json!({
            "input_tokens": usage.input,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": usage.output,
            "output_tokens_details": {"reasoning_tokens": usage.reasoning},
            "total_tokens": usage.total(),
        }) } else { Value::Null },
    });
    if let Value::Object(extra) = extra {
        object.extend(extra);
    }
    Value::Object(object)
}
