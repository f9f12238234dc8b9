//! Anthropic Messages: `POST /v1/messages` and `POST /v1/messages/count_tokens`.
//!
//! Requires `x-api-key` or `Authorization: Bearer` (401 `authentication_error`) and an
//! `anthropic-version` header (400). Streams use `event:` + `data:` frames in the API's
//! order: `message_start` (with usage), per block `content_block_start` →
//! `content_block_delta`* → `content_block_stop` (a `ping` after the first start),
//! `message_delta` (stop reason, usage), `message_stop`. Thinking blocks end with a
//! `signature_delta`; tool_use blocks stream `input_json_delta`s starting with an empty
//! one. This module must not decide reply content nor validate (`validate::anthropic`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use crate::content::{
    Conversation, LastTurn, TokenCounter, Tool, UserTurn, flatten_text, image_note, url_note,
};
use crate::errors::{Flavor, MockError, mid_stream_error};
use crate::faults::Faults;
use crate::incoming::{admit, bearer, header, model_of, parse_json};
use crate::reply::Reply;
use crate::server::AppState;
use crate::sse::{event_frame, json_response, sse_response};
use crate::validate;
use crate::validate::anthropic::Endpoint;

/// The tool_use id prefix.
const TOOL_PREFIX: &str = "toolu_mock_";
/// The signature sent for every thinking block; replayed thinking blocks must carry it
/// (≥ 50 characters like real signatures, so proxies that drop short ones keep it).
pub(crate) const SIGNATURE: &str =
    "EqQBCkgIBxABGAIiQG1vY2stdGhpbmtpbmctc2lnbmF0dXJlLWlzc3VlZC1ieS1jcGEtbW9jaw==";

/// `POST /v1/messages`.
pub(crate) async fn messages(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &headers, &body, Endpoint::Messages).await {
        Ok(response) => response,
        Err(error) => error.render(Flavor::Anthropic),
    }
}

/// `POST /v1/messages/count_tokens`.
pub(crate) async fn count_tokens(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &headers, &body, Endpoint::CountTokens).await {
        Ok(response) => response,
        Err(error) => error.render(Flavor::Anthropic),
    }
}

/// The 401 Anthropic sends without a key.
pub(crate) fn missing_key() -> MockError {
    MockError::unauthorized("x-api-key header is required")
}

async fn handle(
    state: &AppState,
    headers: &HeaderMap,
    body: &[u8],
    endpoint: Endpoint,
) -> Result<Response, MockError> {
    let key = header(headers, "x-api-key")
        .or_else(|| bearer(headers))
        .ok_or_else(missing_key)?;
    if header(headers, "anthropic-version").is_none() {
        return Err(MockError::invalid("anthropic-version: header is required"));
    }
    let body = parse_json(body)?;
    let faults = admit(state, key, model_of(&body)).await?;
    validate::anthropic::messages(&body, endpoint)?;
    let conversation = conversation(&body);
    if endpoint == Endpoint::CountTokens {
        return Ok(json_response(
            &json!({"input_tokens": conversation.input_tokens}),
            &faults,
        ));
    }
    let reply = Reply::for_conversation(&conversation);
    let model = model_of(&body);
    if body.get("stream").and_then(Value::as_bool) == Some(true) {
        Ok(stream(&reply, model, &faults))
    } else {
        Ok(json_response(&message(&reply, model), &faults))
    }
}

/// Reads a Messages request into the neutral conversation.
fn conversation(body: &Value) -> Conversation {
    let mut tokens = TokenCounter::default();
    match body.get("system") {
        Some(Value::String(system)) => tokens.add(system),
        Some(system) => tokens.add(&flatten_text(system)),
        None => {}
    }
    let messages = body
        .get("messages")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for message in messages {
        match message.get("content") {
            Some(Value::String(text)) => tokens.add(text),
            Some(Value::Array(blocks)) => blocks.iter().for_each(|b| count_block(b, &mut tokens)),
            _ => {}
        }
    }
    let last = match messages.last() {
        Some(message) if message.get("role").and_then(Value::as_str) == Some("user") => {
            let mut turn = UserTurn::default();
            read_user(message.get("content"), &mut turn);
            turn.finish()
        }
        _ => LastTurn::Other,
    };
    let thinking_type = body.pointer("/thinking/type").and_then(Value::as_str);
    Conversation {
        model: model_of(body).to_owned(),
        last,
        tools: tools(body),
        input_tokens: tokens.total(),
        is_thinking: matches!(thinking_type, Some("enabled" | "adaptive")),
        max_output_tokens: body.get("max_tokens").and_then(Value::as_u64),
        is_tool_choice_none: body.pointer("/tool_choice/type").and_then(Value::as_str)
            == Some("none"),
    }
}

fn count_block(block: &Value, tokens: &mut TokenCounter) {
    match block.get("type").and_then(Value::as_str) {
        Some("text") => tokens.add(block.get("text").and_then(Value::as_str).unwrap_or("")),
        Some("tool_use") => tokens.add_json(block.get("input").unwrap_or(&Value::Null)),
        Some("tool_result") => {
            tokens.add(&flatten_text(block.get("content").unwrap_or(&Value::Null)))
        }
        _ => {}
    }
}

fn read_user(content: Option<&Value>, turn: &mut UserTurn) {
    match content {
        Some(Value::String(text)) => turn.text(text),
        Some(Value::Array(blocks)) => {
            for block in blocks {
                match block.get("type").and_then(Value::as_str) {
                    Some("text") => {
                        turn.text(block.get("text").and_then(Value::as_str).unwrap_or(""))
                    }
                    Some("image") => turn.image(source_note(block.get("source"))),
                    Some("tool_result") => {
                        turn.tool_result(flatten_text(
                            block.get("content").unwrap_or(&Value::Null),
                        ));
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

fn source_note(source: Option<&Value>) -> String {
    let field = |name: &str| {
        source
            .and_then(|s| s.get(name))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    match field("type") {
        "base64" => image_note(field("media_type"), field("data")),
        _ => url_note(field("url")),
    }
}

fn tools(body: &Value) -> Vec<Tool> {
    let tools = body.get("tools").and_then(Value::as_array);
    tools
        .into_iter()
        .flatten()
        .filter(|tool| tool.get("input_schema").is_some())
        .map(|tool| Tool {
            name: tool
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            schema: tool.get("input_schema").cloned().unwrap_or(Value::Null),
        })
        .collect()
}

fn stop_reason(reply: &Reply) -> &'static str {
    if !reply.tool_calls.is_empty() {
        "tool_use"
    } else if reply.is_truncated {
        "max_tokens"
    } else {
        "end_turn"
    }
}

fn usage_json(input: u64, output: u64) -> Value {
    json!({"input_tokens": input, "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0, "output_tokens": output, "service_tier": "standard"})
}

fn message(reply: &Reply, model: &str) -> Value {
    let mut content = Vec::new();
    if let Some(thinking) = &reply.thinking {
        content.push(json!({"type": "thinking", "thinking": thinking, "signature": SIGNATURE}));
    }
    if !reply.text.is_empty() {
        content.push(json!({"type": "text", "text": reply.text}));
    }
    for call in &reply.tool_calls {
        content.push(
            json!({"type": "tool_use", "id": call.id(TOOL_PREFIX), "name": call.name,
            "input": call.arguments}),
        );
    }
    json!({
        "id": format!("msg_mock_{}", reply.serial),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason(reply),
        "stop_sequence": null,
        "usage": usage_json(reply.usage.input, reply.usage.output),
    })
}

fn stream(reply: &Reply, model: &str, faults: &Faults) -> Response {
    let mut start = message(reply, model);
    start["content"] = json!([]);
    start["stop_reason"] = Value::Null;
    start["usage"] = usage_json(reply.usage.input, 1);
    let mut frames = vec![event_frame(
        "message_start",
        &json!({"type": "message_start", "message": start}),
    )];
    let mut blocks = Blocks {
        frames: &mut frames,
        index: 0,
    };
    if reply.thinking.is_some() {
        let mut deltas: Vec<Value> = reply
            .thinking_deltas()
            .into_iter()
            .map(|piece| json!({"type": "thinking_delta", "thinking": piece}))
            .collect();
        deltas.push(json!({"type": "signature_delta", "signature": SIGNATURE}));
        blocks.push(
            json!({"type": "thinking", "thinking": "", "signature": ""}),
            deltas,
        );
    }
    if !reply.text.is_empty() {
        let deltas = reply
            .text_deltas()
            .into_iter()
            .map(|piece| json!({"type": "text_delta", "text": piece}))
            .collect();
        blocks.push(json!({"type": "text", "text": ""}), deltas);
    }
    for call in &reply.tool_calls {
        let mut deltas = vec![json!({"type": "input_json_delta", "partial_json": ""})];
        deltas.extend(
            call.argument_deltas()
                .into_iter()
                .map(|piece| json!({"type": "input_json_delta", "partial_json": piece})),
        );
        let start =
            json!({"type": "tool_use", "id": call.id(TOOL_PREFIX), "name": call.name, "input": {}});
        blocks.push(start, deltas);
    }
    frames.push(event_frame(
        "message_delta",
        &json!({"type": "message_delta",
        "delta": {"stop_reason": stop_reason(reply), "stop_sequence": null},
        "usage": {"input_tokens": reply.usage.input, "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0, "output_tokens": reply.usage.output}}),
    ));
    frames.push(event_frame(
        "message_stop",
        &json!({"type": "message_stop"}),
    ));
    let error = mid_stream_error(Flavor::Anthropic).body(Flavor::Anthropic);
    sse_response(frames, faults, event_frame("error", &error))
}

/// Appends content blocks with sequential indices.
struct Blocks<'f> {
    frames: &'f mut Vec<Bytes>,
    index: usize,
}

impl Blocks<'_> {
    fn push(&mut self, block: Value, deltas: Vec<Value>) {
        let index = self.index;
        self.frames.push(event_frame(
            "content_block_start",
            &json!({"type": "content_block_start",
            "index": index, "content_block": block}),
        ));
        if index == 0 {
            self.frames
                .push(event_frame("ping", &json!({"type": "ping"})));
        }
        for delta in deltas {
            self.frames.push(event_frame(
                "content_block_delta",
                &json!({"type": "content_block_delta",
                "index": index, "delta": delta}),
            ));
        }
        self.frames.push(event_frame(
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": index}),
        ));
        self.index += 1;
    }
}
