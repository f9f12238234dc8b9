//! OpenAI Responses and Codex: event order, sequence numbers, function calls, validation.

mod support;

use serde_json::{Value, json};
use support::{OPENAI, mock, post, types};

fn tool() -> Value {
    json!({"type": "function", "name": "lookup", "parameters": {"type": "object",
        "properties": {"query": {"type": "string"}}, "required": ["query"]}})
}

#[tokio::test]
async fn responses_non_stream_returns_message_item_and_usage() {
    let mock = mock().await;
    let body = json!({"model": "gpt-5", "instructions": "be nice", "input": "hello there"});
    let reply = post(&mock, "/v1/responses", OPENAI, &body).await;
    assert_eq!(reply.status, 200);
    let json = reply.json();
    assert_eq!(json["object"], "response");
    assert_eq!(json["status"], "completed");
    assert_eq!(json["instructions"], "be nice");
    assert_eq!(json["output"][0]["type"], "message");
    assert_eq!(
        json["output"][0]["content"][0]["text"],
        "Mock reply to: hello there"
    );
    assert_eq!(json["usage"]["input_tokens"], 4);
    assert_eq!(json["usage"]["output_tokens"], 5);
    assert_eq!(json["usage"]["total_tokens"], 9);
}

#[tokio::test]
async fn responses_stream_has_full_event_sequence() {
    let mock = mock().await;
    let body = json!({"model": "gpt-5", "stream": true,
        "input": [{"role": "user", "content": [{"type": "input_text", "text": "stream me please now"}]}]});
    let events = post(&mock, "/responses", OPENAI, &body).await.events();
    let kinds = types(&events);
    assert_eq!(
        kinds[..4],
        [
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added"
        ]
    );
    assert_eq!(
        kinds[kinds.len() - 5..],
        [
            "response.output_text.delta",
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.completed"
        ]
    );
    for (i, event) in events.iter().enumerate() {
        assert_eq!(event.data["sequence_number"], i as u64, "event {i}");
        assert_eq!(event.name.as_deref(), event.data["type"].as_str());
    }
    let text: String = events
        .iter()
        .filter(|e| e.data["type"] == "response.output_text.delta")
        .map(|e| e.data["delta"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Mock reply to: stream me please now");
    let done = &events.last().unwrap().data["response"];
    assert_eq!(done["status"], "completed");
    assert_eq!(done["output"][0]["content"][0]["text"], text);
    assert_eq!(done["usage"]["input_tokens"], 4);
}

#[tokio::test]
async fn responses_stream_function_call_arguments_deltas() {
    let mock = mock().await;
    let body = json!({"model": "gpt-5", "stream": true, "tools": [tool()], "input": "find cats"});
    let events = post(&mock, "/v1/responses", OPENAI, &body).await.events();
    let kinds = types(&events);
    assert!(!kinds.contains(&"response.output_text.delta".to_owned()));
    let added = events
        .iter()
        .find(|e| e.data["type"] == "response.output_item.added")
        .unwrap();
    assert_eq!(added.data["item"]["type"], "function_call");
    assert_eq!(added.data["item"]["name"], "lookup");
    let item_id = added.data["item"]["id"].clone();
    let arguments: String = events
        .iter()
        .filter(|e| e.data["type"] == "response.function_call_arguments.delta")
        .inspect(|e| assert_eq!(e.data["item_id"], item_id))
        .map(|e| e.data["delta"].as_str().unwrap())
        .collect();
    assert_eq!(
        serde_json::from_str::<Value>(&arguments).unwrap(),
        json!({"query": "find cats"})
    );
    let done = events
        .iter()
        .find(|e| e.data["type"] == "response.function_call_arguments.done")
        .unwrap();
    assert_eq!(done.data["arguments"], arguments);
    let completed = &events.last().unwrap().data["response"];
    assert_eq!(
        completed["output"][0]["call_id"],
        added.data["item"]["call_id"]
    );
}

#[tokio::test]
async fn responses_function_call_output_is_acknowledged() {
    let mock = mock().await;
    let body = json!({"model": "gpt-5", "tools": [tool()], "input": [
        {"role": "user", "content": "find cats"},
        {"type": "function_call", "call_id": "call_a", "name": "lookup", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "call_a", "output": "3 cats found"}]});
    let json = post(&mock, "/v1/responses", OPENAI, &body).await.json();
    assert_eq!(
        json["output"][0]["content"][0]["text"],
        "Tool result received: 3 cats found"
    );
}

#[tokio::test]
async fn responses_reasoning_summary_streams_reasoning_item_first() {
    let mock = mock().await;
    let body = json!({"model": "gpt-5", "stream": true, "reasoning": {"effort": "low", "summary": "auto"},
        "input": "think"});
    let events = post(&mock, "/v1/responses", OPENAI, &body).await.events();
    let kinds = types(&events);
    assert_eq!(kinds[2], "response.output_item.added");
    assert_eq!(events[2].data["item"]["type"], "reasoning");
    assert!(kinds.contains(&"response.reasoning_summary_text.delta".to_owned()));
    let usage = &events.last().unwrap().data["response"]["usage"];
    assert_eq!(usage["output_tokens_details"]["reasoning_tokens"], 3);
}

#[tokio::test]
async fn responses_validation_rejects_unmatched_output_and_missing_input() {
    let mock = mock().await;
    let missing = post(&mock, "/v1/responses", OPENAI, &json!({"model": "gpt-5"})).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["error"]["param"], "input");
    let body = json!({"model": "gpt-5", "input": [
        {"type": "function_call_output", "call_id": "call_x", "output": "?"}]});
    let reply = post(&mock, "/v1/responses", OPENAI, &body).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json()["error"]["message"],
        "No tool call found for function call output with call_id call_x."
    );
}

#[tokio::test]
async fn codex_path_enforces_backend_rules_in_its_shape() {
    let mock = mock().await;
    let ok = json!({"model": "gpt-5-codex", "stream": true, "store": false,
        "instructions": "You are Codex", "input": "hi"});
    let events = post(&mock, "/backend-api/codex/responses", OPENAI, &ok)
        .await
        .events();
    assert_eq!(events.last().unwrap().data["type"], "response.completed");
    for (field, value, detail) in [
        ("stream", json!(false), "Stream must be set to true"),
        ("store", json!(true), "Store must be set to false"),
        (
            "temperature",
            json!(0.2),
            "Unsupported parameter: temperature",
        ),
    ] {
        let mut body = ok.clone();
        body[field] = value;
        let reply = post(&mock, "/backend-api/codex/responses", OPENAI, &body).await;
        assert_eq!(reply.status, 400);
        assert_eq!(reply.json(), json!({"detail": detail}));
    }
    let mut limited = ok.clone();
    limited["model"] = json!("gpt-5-codex-fail-429-30");
    let reply = post(&mock, "/backend-api/codex/responses", OPENAI, &limited).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.json()["error"]["type"], "usage_limit_reached");
    assert_eq!(reply.json()["error"]["resets_in_seconds"], 30);
}

#[tokio::test]
async fn responses_max_output_tokens_reports_incomplete() {
    let mock = mock().await;
    let body = json!({"model": "gpt-5", "max_output_tokens": 2, "stream": true, "input": "long words here"});
    let events = post(&mock, "/v1/responses", OPENAI, &body).await.events();
    let last = &events.last().unwrap().data;
    assert_eq!(last["type"], "response.incomplete");
    assert_eq!(
        last["response"]["incomplete_details"]["reason"],
        "max_output_tokens"
    );
}
