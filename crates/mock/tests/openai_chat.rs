//! OpenAI Chat Completions: bodies, stream framing, tool calls, validation.

mod support;

use serde_json::{Value, json};
use support::{OPENAI, mock, post, weather_tool_openai};

#[tokio::test]
async fn chat_non_stream_echoes_and_counts_words() {
    let mock = mock().await;
    let body = json!({"model": "gpt-4o", "messages": [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hello mock world"}]});
    let reply = post(&mock, "/v1/chat/completions", OPENAI, &body).await;
    assert_eq!(reply.status, 200);
    let json = reply.json();
    assert_eq!(json["object"], "chat.completion");
    assert_eq!(json["model"], "gpt-4o");
    assert_eq!(
        json["choices"][0]["message"]["content"],
        "Mock reply to: hello mock world"
    );
    assert_eq!(json["choices"][0]["finish_reason"], "stop");
    assert_eq!(json["usage"]["prompt_tokens"], 5);
    assert_eq!(json["usage"]["completion_tokens"], 6);
    assert_eq!(json["usage"]["total_tokens"], 11);
}

#[tokio::test]
async fn chat_stream_ends_with_usage_chunk_and_done() {
    let mock = mock().await;
    let body = json!({"model": "gpt-4o", "stream": true, "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "one two three four"}]});
    let reply = post(&mock, "/chat/completions", OPENAI, &body).await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let events = reply.events();
    assert_eq!(events.last().unwrap().data, Value::String("[DONE]".into()));
    let chunks = &events[..events.len() - 1];
    assert_eq!(chunks[0].data["choices"][0]["delta"]["role"], "assistant");
    let text: String = chunks
        .iter()
        .filter_map(|c| c.data["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "Mock reply to: one two three four");
    let finish = &chunks[chunks.len() - 2].data;
    assert_eq!(finish["choices"][0]["finish_reason"], "stop");
    assert!(finish["usage"].is_null());
    let usage = &chunks[chunks.len() - 1].data;
    assert_eq!(usage["choices"], json!([]));
    assert_eq!(usage["usage"]["prompt_tokens"], 4);
    assert_eq!(usage["usage"]["completion_tokens"], 7);
}

#[tokio::test]
async fn chat_stream_without_include_usage_has_no_usage_field() {
    let mock = mock().await;
    let body =
        json!({"model": "gpt-4o", "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let events = post(&mock, "/v1/chat/completions", OPENAI, &body)
        .await
        .events();
    assert!(events.iter().all(|e| e.data.get("usage").is_none()));
}

#[tokio::test]
async fn chat_tools_stream_incremental_parallel_calls() {
    let mock = mock().await;
    let body = json!({"model": "gpt-4o-parallel", "stream": true, "tools": [weather_tool_openai()],
        "messages": [{"role": "user", "content": "weather in Paris"}]});
    let events = post(&mock, "/v1/chat/completions", OPENAI, &body)
        .await
        .events();
    let mut arguments = [String::new(), String::new()];
    let mut ids = Vec::new();
    for event in &events {
        for call in event.data["choices"][0]["delta"]["tool_calls"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let index = call["index"].as_u64().unwrap() as usize;
            if let Some(id) = call["id"].as_str() {
                ids.push(id.to_owned());
                assert_eq!(call["function"]["name"], "get_weather");
            }
            arguments[index].push_str(call["function"]["arguments"].as_str().unwrap_or(""));
        }
    }
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    for args in &arguments {
        let parsed: Value = serde_json::from_str(args).expect("arguments are JSON");
        assert_eq!(parsed, json!({"city": "weather in Paris", "days": 1}));
    }
    let finish = &events[events.len() - 2].data;
    assert_eq!(finish["choices"][0]["finish_reason"], "tool_calls");
}

#[tokio::test]
async fn chat_tool_result_is_acknowledged() {
    let mock = mock().await;
    let body = json!({"model": "gpt-4o", "tools": [weather_tool_openai()], "messages": [
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
            "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny 21C"}]});
    let json = post(&mock, "/v1/chat/completions", OPENAI, &body)
        .await
        .json();
    assert_eq!(
        json["choices"][0]["message"]["content"],
        "Tool result received: sunny 21C"
    );
}

#[tokio::test]
async fn chat_image_part_is_described() {
    let mock = mock().await;
    let body = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "what is this"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,aGVsbG8="}}]}]});
    let json = post(&mock, "/v1/chat/completions", OPENAI, &body)
        .await
        .json();
    assert_eq!(
        json["choices"][0]["message"]["content"],
        "Mock reply to: what is this [image image/png 5 bytes]"
    );
}

#[tokio::test]
async fn chat_validation_errors_use_openai_shape() {
    let mock = mock().await;
    let missing = post(
        &mock,
        "/v1/chat/completions",
        OPENAI,
        &json!({"model": "gpt-4o"}),
    )
    .await;
    assert_eq!(missing.status, 400);
    let error = &missing.json()["error"];
    assert_eq!(error["type"], "invalid_request_error");
    assert_eq!(error["param"], "messages");
    assert_eq!(error["code"], "missing_required_parameter");

    let dangling = json!({"model": "gpt-4o", "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "tool_calls": [{"id": "call_9", "type": "function",
            "function": {"name": "f", "arguments": "{}"}}]},
        {"role": "user", "content": "no tool answer"}]});
    let reply = post(&mock, "/v1/chat/completions", OPENAI, &dangling).await;
    assert_eq!(reply.status, 400);
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("call_9")
    );

    let bad_role = json!({"model": "gpt-4o", "messages": [{"role": "robot", "content": "hi"}]});
    let reply = post(&mock, "/v1/chat/completions", OPENAI, &bad_role).await;
    assert_eq!(reply.json()["error"]["param"], "messages[0].role");
}

#[tokio::test]
async fn chat_without_key_is_401_and_models_list_works() {
    let mock = mock().await;
    let body = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]});
    let reply = post(&mock, "/v1/chat/completions", &[], &body).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"]["code"], "invalid_api_key");
    let models = support::get(&mock, "/v1/models", OPENAI).await.json();
    assert_eq!(models["object"], "list");
    assert!(
        models["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == "gpt-4o")
    );
}

#[tokio::test]
async fn chat_max_tokens_truncates_with_length() {
    let mock = mock().await;
    let body = json!({"model": "gpt-4o", "max_tokens": 2,
        "messages": [{"role": "user", "content": "a long prompt here"}]});
    let json = post(&mock, "/v1/chat/completions", OPENAI, &body)
        .await
        .json();
    assert_eq!(json["choices"][0]["message"]["content"], "Mock reply");
    assert_eq!(json["choices"][0]["finish_reason"], "length");
    assert_eq!(json["usage"]["completion_tokens"], 2);
}
