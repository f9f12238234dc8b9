//! Responses API streams: numbered `event:`/`data:` frames for one reply.
//!
//! Emits `response.created`, `response.in_progress`, each output item's events and the
//! final `response.completed` / `response.incomplete`, numbering every event with
//! `sequence_number` from 0. Item shapes come from `responses::output_items`, so the
//! stream and the non-streaming object never disagree. Must not read the request
//! beyond what `response_object` echoes.

use axum::body::Bytes;
use axum::response::Response;
use serde_json::{Value, json};

use super::{output_items, response_object};
use crate::errors::{Flavor, mid_stream_error};
use crate::faults::Faults;
use crate::reply::Reply;
use crate::sse::{event_frame, sse_response};

/// The streamed form of `reply`.
pub(super) fn stream(reply: &Reply, request: &Value, faults: &Faults) -> Response {
    let mut events = Events::default();
    let start = response_object(reply, request, false);
    events.push("response.created", json!({"response": start}));
    events.push("response.in_progress", json!({"response": start}));
    for (output_index, item) in output_items(reply).into_iter().enumerate() {
        stream_item(&mut events, reply, output_index, item);
    }
    let finish = if reply.is_truncated {
        "response.incomplete"
    } else {
        "response.completed"
    };
    events.push(
        finish,
        json!({"response": response_object(reply, request, true)}),
    );
    let error = mid_stream_error(Flavor::OpenAi).body(Flavor::OpenAi)["error"].clone();
    let error_frame = event_frame(
        "error",
        &json!({"type": "error", "code": "server_error",
        "message": error["message"], "param": null, "sequence_number": events.next}),
    );
    sse_response(events.frames, faults, error_frame)
}

/// Emits one output item: `output_item.added`, its inner events, `output_item.done`.
fn stream_item(events: &mut Events, reply: &Reply, output_index: usize, item: Value) {
    let mut added = item.clone();
    match item["type"].as_str() {
        Some("reasoning") => added["summary"] = json!([]),
        Some("message") => {
            added["status"] = json!("in_progress");
            added["content"] = json!([]);
        }
        _ => {
            added["status"] = json!("in_progress");
            added["arguments"] = json!("");
        }
    }
    let added = json!({"output_index": output_index, "item": added});
    events.push("response.output_item.added", added);
    match item["type"].as_str() {
        Some("reasoning") => reasoning_events(events, reply, output_index, &item),
        Some("message") => message_events(events, reply, output_index, &item),
        _ => call_events(events, reply, output_index, &item),
    }
    let done = json!({"output_index": output_index, "item": item});
    events.push("response.output_item.done", done);
}

fn reasoning_events(events: &mut Events, reply: &Reply, output_index: usize, item: &Value) {
    let at = json!({"item_id": item["id"], "output_index": output_index, "summary_index": 0});
    let empty = json!({"part": {"type": "summary_text", "text": ""}});
    events.push_at("response.reasoning_summary_part.added", &at, empty);
    for piece in reply.thinking_deltas() {
        let delta = json!({"delta": piece});
        events.push_at("response.reasoning_summary_text.delta", &at, delta);
    }
    let text = item["summary"][0]["text"].clone();
    events.push_at(
        "response.reasoning_summary_text.done",
        &at,
        json!({"text": text}),
    );
    let part = json!({"part": {"type": "summary_text", "text": text}});
    events.push_at("response.reasoning_summary_part.done", &at, part);
}

fn message_events(events: &mut Events, reply: &Reply, output_index: usize, item: &Value) {
    let at = json!({"item_id": item["id"], "output_index": output_index, "content_index": 0});
    let empty = json!({"type": "output_text", "annotations": [], "logprobs": [], "text": ""});
    events.push_at("response.content_part.added", &at, json!({"part": empty}));
    for piece in reply.text_deltas() {
        let delta = json!({"delta": piece, "logprobs": []});
        events.push_at("response.output_text.delta", &at, delta);
    }
    let done = json!({"text": reply.text, "logprobs": []});
    events.push_at("response.output_text.done", &at, done);
    let part = json!({"part": item["content"][0]});
    events.push_at("response.content_part.done", &at, part);
}

fn call_events(events: &mut Events, reply: &Reply, output_index: usize, item: &Value) {
    let at = json!({"item_id": item["id"], "output_index": output_index});
    let call = reply
        .tool_calls
        .iter()
        .find(|c| json!(c.id("fc_mock_")) == item["id"]);
    for piece in call.map(|c| c.argument_deltas()).unwrap_or_default() {
        let delta = json!({"delta": piece});
        events.push_at("response.function_call_arguments.delta", &at, delta);
    }
    let done = json!({"arguments": item["arguments"]});
    events.push_at("response.function_call_arguments.done", &at, done);
}

/// Numbered Responses stream events.
#[derive(Default)]
struct Events {
    frames: Vec<Bytes>,
    next: u64,
}

impl Events {
    fn push(&mut self, kind: &str, mut payload: Value) {
        payload["type"] = json!(kind);
        payload["sequence_number"] = json!(self.next);
        self.next += 1;
        self.frames.push(event_frame(kind, &payload));
    }

    /// Pushes an event whose location fields (`item_id`, indices) come from `at`.
    fn push_at(&mut self, kind: &str, at: &Value, fields: Value) {
        let mut payload = at.clone();
        if let (Value::Object(payload), Value::Object(fields)) = (&mut payload, fields) {
            payload.extend(fields);
        }
        self.push(kind, payload);
    }
}
