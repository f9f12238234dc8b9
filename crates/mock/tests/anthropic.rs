//! Anthropic Messages: event order, block indices, tool_use, thinking, validation.

mod support;

use serde_json::{Value, json};
use support::{ANTHROPIC, mock, post, types};

fn tool() -> Value {
    json!({"name": "get_weather", "description": "weather", "input_schema": {"type": "object",
        "properties": {"city": {"type": "string"}}, "required": ["city"]}})
}

#[tokio::test]
async fn messages_non_stream_has_text_and_usage() {
    let mock = mock().await;
    let body = json!({"model": "claude-sonnet-4-5", "max_tokens": 100, "system": "short answers",
        "messages": [{"role": "user", "content": "hello claude"}]});
    let reply = post(&mock, "/v1/messages?beta=true", ANTHROPIC, &body).await;
    assert_eq!(reply.status, 200);
    let json = reply.json();
    assert_eq!(json["type"], "message");
    assert_eq!(
        json["content"][0],
        json!({"type": "text", "text": "Mock reply to: hello claude"})
    );
    assert_eq!(json["stop_reason"], "end_turn");
    assert_eq!(json["usage"]["input_tokens"], 4);
    assert_eq!(json["usage"]["output_tokens"], 5);
}

#[tokio::test]
async fn messages_stream_follows_anthropic_event_order() {
    let mock = mock().await;
    let body = json!({"model": "claude-sonnet-4-5", "max_tokens": 100, "stream": true,
        "messages": [{"role": "user", "content": "a b c d"}]});
    let events = post(&mock, "/v1/messages", ANTHROPIC, &body).await.events();
    let kinds = types(&events);
    assert_eq!(kinds[..3], ["message_start", "content_block_start", "ping"]);
    assert_eq!(
        kinds[kinds.len() - 3..],
        ["content_block_stop", "message_delta", "message_stop"]
    );
    for event in &events {
        assert_eq!(event.name.as_deref(), event.data["type"].as_str());
    }
    assert_eq!(events[0].data["message"]["usage"]["input_tokens"], 4);
    let text: String = events
        .iter()
        .filter(|e| e.data["delta"]["type"] == "text_delta")
        .map(|e| e.data["delta"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Mock reply to: a b c d");
    let delta = &events[events.len() - 2].data;
    assert_eq!(delta["delta"]["stop_reason"], "end_turn");
    assert_eq!(delta["usage"]["output_tokens"], 7);
}

#[tokio::test]
async fn messages_stream_thinking_then_tool_use_with_indices() {
    let mock = mock().await;
    let body = json!({"model": "claude-sonnet-4-5", "max_tokens": 4096, "stream": true,
        "thinking": {"type": "enabled", "budget_tokens": 1024}, "tools": [tool()],
        "messages": [{"role": "user", "content": "weather in Rome"}]});
    let events = post(&mock, "/v1/messages", ANTHROPIC, &body).await.events();
    let starts: Vec<&Value> = events
        .iter()
        .filter(|e| e.data["type"] == "content_block_start")
        .map(|e| &e.data)
        .collect();
    assert_eq!(starts[0]["index"], 0);
    assert_eq!(starts[0]["content_block"]["type"], "thinking");
    assert_eq!(starts[1]["index"], 1);
    assert_eq!(starts[1]["content_block"]["type"], "tool_use");
    let signature_at = events
        .iter()
        .position(|e| e.data["delta"]["type"] == "signature_delta")
        .unwrap();
    assert_eq!(
        events[signature_at + 1].data,
        json!({"type": "content_block_stop", "index": 0})
    );
    let partial: String = events
        .iter()
        .filter(|e| e.data["delta"]["type"] == "input_json_delta")
        .inspect(|e| assert_eq!(e.data["index"], 1))
        .map(|e| e.data["delta"]["partial_json"].as_str().unwrap())
        .collect();
    assert_eq!(
        serde_json::from_str::<Value>(&partial).unwrap(),
        json!({"city": "weather in Rome"})
    );
    let delta = events
        .iter()
        .find(|e| e.data["type"] == "message_delta")
        .unwrap();
    assert_eq!(delta.data["delta"]["stop_reason"], "tool_use");
}

#[tokio::test]
async fn messages_tool_result_is_acknowledged() {
    let mock = mock().await;
    let body = json!({"model": "claude-sonnet-4-5", "max_tokens": 100, "tools": [tool()], "messages": [
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather",
            "input": {"city": "Rome"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
            "content": [{"type": "text", "text": "rainy"}]}]}]});
    let json = post(&mock, "/v1/messages", ANTHROPIC, &body).await.json();
    assert_eq!(json["content"][0]["text"], "Tool result received: rainy");
}

#[tokio::test]
async fn messages_image_block_is_described() {
    let mock = mock().await;
    let body = json!({"model": "claude-sonnet-4-5", "max_tokens": 100, "messages": [{"role": "user",
        "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/jpeg",
            "data": "aGVsbG8gd29ybGQ="}}, {"type": "text", "text": "describe"}]}]});
    let json = post(&mock, "/v1/messages", ANTHROPIC, &body).await.json();
    assert_eq!(
        json["content"][0]["text"],
        "Mock reply to: describe [image image/jpeg 11 bytes]"
    );
}

#[tokio::test]
async fn messages_validation_errors_use_anthropic_shape() {
    let mock = mock().await;
    let cases = [
        (
            json!({"model": "m", "messages": [{"role": "user", "content": "x"}]}),
            "max_tokens: Field required",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "messages": [{"role": "assistant", "content": "x"}]}),
            "messages: first message must use the \"user\" role",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "messages": [
            {"role": "user", "content": "x"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_z", "name": "f", "input": {}}]},
            {"role": "user", "content": "forgot"}]}),
            "toolu_z",
        ),
        (
            json!({"model": "m", "max_tokens": 5, "messages": [
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_q", "content": "r"}]}]}),
            "unexpected `tool_use_id`",
        ),
    ];
    for (body, needle) in cases {
        let reply = post(&mock, "/v1/messages", ANTHROPIC, &body).await;
        assert_eq!(reply.status, 400, "{body}");
        let json = reply.json();
        assert_eq!(json["type"], "error");
        assert_eq!(json["error"]["type"], "invalid_request_error");
        let message = json["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(needle),
            "{message} should contain {needle}"
        );
    }
}

#[tokio::test]
async fn messages_require_key_and_version() {
    let mock = mock().await;
    let body =
        json!({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]});
    let reply = post(
        &mock,
        "/v1/messages",
        &[("anthropic-version", "2023-06-01")],
        &body,
    )
    .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"]["type"], "authentication_error");
    let reply = post(
        &mock,
        "/v1/messages",
        &[("authorization", "Bearer sk-oat")],
        &body,
    )
    .await;
    assert_eq!(reply.status, 400);
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("anthropic-version")
    );
}

#[tokio::test]
async fn count_tokens_matches_message_usage() {
    let mock = mock().await;
    let body = json!({"model": "m", "system": "one two", "messages": [{"role": "user", "content": "three four five"}]});
    let reply = post(&mock, "/v1/messages/count_tokens", ANTHROPIC, &body).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"input_tokens": 5}));
    let models = support::get(&mock, "/v1/models", ANTHROPIC).await.json();
    assert_eq!(models["has_more"], false);
    assert_eq!(models["data"][0]["type"], "model");
}

#[tokio::test]
async fn thinking_blocks_must_be_replayed_with_their_signature() {
    let mock = mock().await;
    let first = json!({"model": "claude-sonnet-4-5", "max_tokens": 2048,
        "thinking": {"type": "enabled", "budget_tokens": 1024},
        "messages": [{"role": "user", "content": "hi"}]});
    let json = post(&mock, "/v1/messages", ANTHROPIC, &first).await.json();
    let thinking = json["content"][0].clone();
    assert_eq!(thinking["type"], "thinking");
    let replay = |block: Value| {
        json!({"model": "claude-sonnet-4-5", "max_tokens": 2048,
            "thinking": {"type": "enabled", "budget_tokens": 1024}, "messages": [
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": [block, {"type": "text", "text": "hello"}]},
                {"role": "user", "content": "again"}]})
    };
    let reply = post(&mock, "/v1/messages", ANTHROPIC, &replay(thinking.clone())).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let mut forged = thinking;
    forged["signature"] = json!("forged");
    let reply = post(&mock, "/v1/messages", ANTHROPIC, &replay(forged)).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json()["error"]["message"],
        "messages.1.content.0: Invalid `signature` in `thinking` block"
    );
}
