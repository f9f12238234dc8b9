//! Wire-model tests for the Responses API types.

use serde_json::json;

use super::item::ItemKind;
use super::*;

#[test]
fn items_are_classified_including_untyped_messages() {
    let input: Input = serde_json::from_value(json!([
        {"role": "user", "content": "hi"},
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "yo"}]},
        {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c", "output": "ok"},
        {"type": "reasoning", "summary": [], "encrypted_content": "e"},
        {"type": "web_search_call", "id": "ws_1", "status": "completed"}
    ]))
    .expect("parses");
    let Input::Items(items) = input else {
        panic!("expected items");
    };
    let kinds: Vec<ItemKind> = items.iter().map(Item::kind).collect();
    assert_eq!(
        kinds,
        [
            ItemKind::Message,
            ItemKind::Message,
            ItemKind::FunctionCall,
            ItemKind::FunctionCallOutput,
            ItemKind::Reasoning,
            ItemKind::Other
        ]
    );
    assert_eq!(items[5].status.as_deref(), Some("completed"));
}

#[test]
fn unknown_request_keys_survive_a_round_trip() {
    let body = json!({"model": "m", "input": "hi", "truncation": "auto", "metadata": {"k": "v"},
        "tools": [{"type": "file_search", "vector_store_ids": ["v"]}], "text": {"verbosity": "low"}});
    let req: ResponsesRequest = serde_json::from_value(body.clone()).expect("parses");
    assert_eq!(serde_json::to_value(&req).expect("serialises"), body);
}

#[test]
fn stream_events_round_trip_and_unknown_types_parse() {
    let ev = json!({"type": "response.output_text.delta", "sequence_number": 3, "item_id": "m",
        "output_index": 0, "content_index": 0, "delta": "x", "logprobs": []});
    let parsed: StreamEvent = serde_json::from_value(ev.clone()).expect("parses");
    assert_eq!(parsed.name(), "response.output_text.delta");
    assert_eq!(serde_json::to_value(&parsed).expect("serialises"), ev);
    let unknown: StreamEvent =
        serde_json::from_value(json!({"type": "response.audio.delta", "delta": "x"}))
            .expect("parses");
    assert_eq!(unknown, StreamEvent::Unknown);
}
