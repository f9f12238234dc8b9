//! OpenAI Chat Completions: `POST /v1/chat/completions` (and `/chat/completions`).
//!
//! Non-streaming answers are `chat.completion` objects; streaming answers are
//! `chat.completion.chunk` frames (`data: {...}\n\n`) ending with `data: [DONE]`, with
//! incremental tool-call deltas and, when `stream_options.include_usage` is set,
//! `"usage": null` on every chunk plus a final usage-only chunk with empty `choices`,
//! exactly as OpenAI does. Credential: `Authorization: Bearer`. This module must not
//! decide reply content (that is `reply`) nor validate (that is `validate::openai`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use crate::content::{
    Conversation, LastTurn, TokenCounter, Tool, UserTurn, flatten_text, url_note,
};
use crate::errors::{Flavor, MockError};
use crate::faults::Faults;
use crate::incoming::{admit, bearer, model_of, parse_json};
use crate::reply::{Reply, Usage};
use crate::server::AppState;
use crate::sse::{DONE_FRAME, data_frame, json_response, sse_response};
use crate::validate;

/// The tool-call id prefix.
const CALL_PREFIX: &str = "call_mock_";

/// `POST /v1/chat/completions`.
pub(crate) async fn chat_completions(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &headers, &body).await {
        Ok(response) => response,
        Err(error) => error.render(Flavor::OpenAi),
    }
}

/// The 401 OpenAI sends without a key.
pub(crate) fn missing_key() -> MockError {
    MockError::unauthorized(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    )
}

async fn handle(state: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Response, MockError> {
    let key = bearer(headers).ok_or_else(missing_key)?;
    let body = parse_json(body)?;
    let faults = admit(state, key, model_of(&body)).await?;
    validate::openai::chat(&body)?;
    let reply = Reply::for_conversation(&conversation(&body));
    let model = model_of(&body);
    if body.get("stream").and_then(Value::as_bool) == Some(true) {
        let include_usage = body
            .pointer("/stream_options/include_usage")
            .and_then(Value::as_bool)
            == Some(true);
        Ok(stream(&reply, model, include_usage, &faults))
    } else {
        Ok(json_response(&completion(&reply, model), &faults))
    }
}

/// Reads a Chat Completions request into the neutral conversation.
fn conversation(body: &Value) -> Conversation {
    let messages = body
        .get("messages")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let mut tokens = TokenCounter::default();
    for message in messages {
        count_content(message.get("content"), &mut tokens);
        for call in message
            .get("tool_calls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(arguments) = call.pointer("/function/arguments").and_then(Value::as_str) {
                tokens.add_arguments(arguments);
            }
        }
    }
    let mut turn = UserTurn::default();
    let trailing_tools = messages
        .iter()
        .rev()
        .take_while(|m| m.get("role").and_then(Value::as_str) == Some("tool"))
        .count();
    let last = match messages
        .last()
        .and_then(|m| m.get("role"))
        .and_then(Value::as_str)
    {
        Some("tool") => {
            for message in &messages[messages.len() - trailing_tools..] {
                turn.tool_result(flatten_text(message.get("content").unwrap_or(&Value::Null)));
            }
            turn.finish()
        }
        Some("user") => {
            read_user(messages.last().and_then(|m| m.get("content")), &mut turn);
            turn.finish()
        }
        _ => LastTurn::Other,
    };
    Conversation {
        model: model_of(body).to_owned(),
        last,
        tools: tools(body),
        input_tokens: tokens.total(),
        is_thinking: false,
        max_output_tokens: body
            .get("max_completion_tokens")
            .or_else(|| body.get("max_tokens"))
            .and_then(Value::as_u64),
        is_tool_choice_none: body.get("tool_choice").and_then(Value::as_str) == Some("none"),
    }
}

fn count_content(content: Option<&Value>, tokens: &mut TokenCounter) {
    match content {
        Some(Value::String(text)) => tokens.add(text),
        Some(Value::Array(parts)) => {
            for text in parts
                .iter()
                .filter_map(|p| p.get("text"))
                .filter_map(Value::as_str)
            {
                tokens.add(text);
            }
        }
        _ => {}
    }
}

fn read_user(content: Option<&Value>, turn: &mut UserTurn) {
    match content {
        Some(Value::String(text)) => turn.text(text),
        Some(Value::Array(parts)) => {
            for part in parts {
                match part.get("type").and_then(Value::as_str) {
                    Some("text") => {
                        turn.text(part.get("text").and_then(Value::as_str).unwrap_or(""))
                    }
                    Some("image_url") => {
                        let url = part
                            .pointer("/image_url/url")
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        turn.image(url_note(url));
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

fn tools(body: &Value) -> Vec<Tool> {
    let tools = body.get("tools").and_then(Value::as_array);
    tools
        .into_iter()
        .flatten()
        .filter_map(|tool| tool.get("function"))
        .map(|function| Tool {
            name: function
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            schema: function.get("parameters").cloned().unwrap_or(Value::Null),
        })
        .collect()
}

fn finish_reason(reply: &Reply) -> &'static str {
    if !reply.tool_calls.is_empty() {
        "tool_calls"
    } else if reply.is_truncated {
        "length"
    } else {
        "stop"
    }
}

fn usage_json(usage: &Usage) -> Value {
    json!({
        "prompt_tokens": usage.input,
        "completion_tokens": usage.output,
        "total_tokens": usage.total(),
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning, "audio_tokens": 0,
            "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
    })
}

fn completion(reply: &Reply, model: &str) -> Value {
    let mut message = json!({
        "role": "assistant",
        "content": if reply.text.is_empty() { Value::Null } else { Value::String(reply.text.clone()) },
        "refusal": null,
        "annotations": [],
    });
    if !reply.tool_calls.is_empty() {
        let calls: Vec<Value> = reply
            .tool_calls
            .iter()
            .map(|call| {
                json!({"id": call.id(CALL_PREFIX), "type": "function",
                "function": {"name": call.name, "arguments": call.arguments_json}})
            })
            .collect();
        message["tool_calls"] = Value::Array(calls);
    }
    json!({
        "id": format!("chatcmpl-mock-{}", reply.serial),
        "object": "chat.completion",
        "created": crate::reply::unix_now(),
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": null,
            "finish_reason": finish_reason(reply)}],
        "usage": usage_json(&reply.usage),
        "service_tier": "default",
        "system_fingerprint": "fp_mock",
    })
}

fn stream(reply: &Reply, model: &str, include_usage: bool, faults: &Faults) -> Response {
    let id = format!("chatcmpl-mock-{}", reply.serial);
    let created = crate::reply::unix_now();
    let chunk = |delta: Value, finish: Value| {
        let mut chunk = json!({"id": id, "object": "chat.completion.chunk", "created": created,
            "model": model, "system_fingerprint": "fp_mock",
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]});
        if include_usage {
            chunk["usage"] = Value::Null;
        }
        data_frame(&chunk)
    };
    let mut frames = vec![chunk(
        json!({"role": "assistant", "content": "", "refusal": null}),
        Value::Null,
    )];
    for piece in reply.text_deltas() {
        frames.push(chunk(json!({"content": piece}), Value::Null));
    }
    for (index, call) in reply.tool_calls.iter().enumerate() {
        let header = json!({"tool_calls": [{"index": index, "id": call.id(CALL_PREFIX), "type": "function",
            "function": {"name": call.name, "arguments": ""}}]});
        frames.push(chunk(header, Value::Null));
        for piece in call.argument_deltas() {
            let delta = json!({"tool_calls": [{"index": index, "function": {"arguments": piece}}]});
            frames.push(chunk(delta, Value::Null));
        }
    }
    frames.push(chunk(json!({}), json!(finish_reason(reply))));
    if include_usage {
        frames.push(data_frame(
            &json!({"id": id, "object": "chat.completion.chunk", "created": created,
            "model": model, "system_fingerprint": "fp_mock", "choices": [],
            "usage": usage_json(&reply.usage)}),
        ));
    }
    frames.push(Bytes::from_static(DONE_FRAME));
    let error = crate::errors::mid_stream_error(Flavor::OpenAi).body(Flavor::OpenAi);
    sse_response(frames, faults, data_frame(&error))
}
