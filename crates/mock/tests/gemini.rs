//! Gemini, Vertex and Gemini CLI: bodies, SSE and JSON-array streams, schema validation.

mod support;

use serde_json::{Value, json};
use support::{GEMINI, mock, post};

fn request(text: &str) -> Value {
    json!({"contents": [{"role": "user", "parts": [{"text": text}]}]})
}

#[tokio::test]
async fn generate_content_returns_candidate_and_usage() {
    let mock = mock().await;
    let body = json!({"systemInstruction": {"parts": [{"text": "be kind"}]},
        "contents": [{"role": "user", "parts": [{"text": "hi gemini"}]}]});
    let reply = post(
        &mock,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        GEMINI,
        &body,
    )
    .await;
    assert_eq!(reply.status, 200);
    let json = reply.json();
    let candidate = &json["candidates"][0];
    assert_eq!(candidate["content"]["role"], "model");
    assert_eq!(
        candidate["content"]["parts"][0]["text"],
        "Mock reply to: hi gemini"
    );
    assert_eq!(candidate["finishReason"], "STOP");
    assert_eq!(json["usageMetadata"]["promptTokenCount"], 4);
    assert_eq!(json["usageMetadata"]["candidatesTokenCount"], 5);
    assert_eq!(json["usageMetadata"]["totalTokenCount"], 9);
    assert_eq!(json["modelVersion"], "gemini-2.5-flash");
}

#[tokio::test]
async fn stream_sse_chunks_end_with_finish_reason() {
    let mock = mock().await;
    let reply = post(
        &mock,
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=k",
        &[],
        &request("one two three four"),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert!(
        reply.text.contains("\r\n\r\n"),
        "Google frames SSE with CRLF"
    );
    let events = reply.events();
    assert!(events.len() > 1);
    let text: String = events
        .iter()
        .map(|e| {
            e.data["candidates"][0]["content"]["parts"][0]["text"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(text, "Mock reply to: one two three four");
    let (last, earlier) = events.split_last().unwrap();
    assert!(
        earlier
            .iter()
            .all(|e| e.data["candidates"][0].get("finishReason").is_none())
    );
    assert_eq!(last.data["candidates"][0]["finishReason"], "STOP");
    assert_eq!(last.data["usageMetadata"]["candidatesTokenCount"], 7);
}

#[tokio::test]
async fn stream_without_alt_is_a_json_array() {
    let mock = mock().await;
    let reply = post(
        &mock,
        "/v1beta/models/gemini-2.5-pro:streamGenerateContent",
        GEMINI,
        &request("array please"),
    )
    .await;
    assert!(reply.text.starts_with("[{"));
    assert!(reply.text.ends_with("}]"));
    let array: Vec<Value> = serde_json::from_str(&reply.text).expect("valid JSON array");
    assert!(array.len() > 1);
    assert_eq!(
        array.last().unwrap()["candidates"][0]["finishReason"],
        "STOP"
    );
}

#[tokio::test]
async fn function_call_and_function_response_round_trip() {
    let mock = mock().await;
    let tools = json!([{"functionDeclarations": [{"name": "get_time",
        "parameters": {"type": "OBJECT", "properties": {"zone": {"type": "STRING"}}}}]}]);
    let body = json!({"contents": [{"role": "user", "parts": [{"text": "time in parallel"}]}], "tools": tools});
    let json = post(
        &mock,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        GEMINI,
        &body,
    )
    .await
    .json();
    let parts = json["candidates"][0]["content"]["parts"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(parts.len(), 2);
    assert_eq!(
        parts[0]["functionCall"],
        json!({"name": "get_time", "args": {"zone": "time in parallel"}})
    );

    let body = json!({"tools": tools, "contents": [
        {"role": "user", "parts": [{"text": "time?"}]},
        {"role": "model", "parts": [{"functionCall": {"name": "get_time", "args": {}}}]},
        {"role": "user", "parts": [{"functionResponse": {"name": "get_time", "response": {"result": "noon"}}}]}]});
    let json = post(
        &mock,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        GEMINI,
        &body,
    )
    .await
    .json();
    assert_eq!(
        json["candidates"][0]["content"]["parts"][0]["text"],
        "Tool result received: noon"
    );
}

#[tokio::test]
async fn inline_image_and_thoughts_are_reported() {
    let mock = mock().await;
    let body = json!({"generationConfig": {"thinkingConfig": {"includeThoughts": true}},
        "contents": [{"role": "user", "parts": [{"text": "look"},
            {"inlineData": {"mimeType": "image/png", "data": "aGVsbG8="}}]}]});
    let json = post(
        &mock,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        GEMINI,
        &body,
    )
    .await
    .json();
    let parts = &json["candidates"][0]["content"]["parts"];
    assert_eq!(parts[0]["thought"], true);
    assert_eq!(
        parts[1]["text"],
        "Mock reply to: look [image image/png 5 bytes]"
    );
    assert_eq!(
        json["usageMetadata"]["thoughtsTokenCount"], 7,
        "Thinking about: look [image image/png 5 bytes]"
    );
}

#[tokio::test]
async fn schema_keywords_outside_the_subset_are_rejected() {
    let mock = mock().await;
    let body = json!({"contents": [{"role": "user", "parts": [{"text": "x"}]}],
        "tools": [{"functionDeclarations": [{"name": "f", "parameters": {"type": "object",
            "$schema": "http://json-schema.org/draft-07/schema#", "properties": {}}}]}]});
    let reply = post(
        &mock,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        GEMINI,
        &body,
    )
    .await;
    assert_eq!(reply.status, 400);
    let json = reply.json();
    assert_eq!(json["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(json["error"]["code"], 400);
    assert_eq!(
        json["error"]["message"],
        "Invalid JSON payload received. Unknown name \"$schema\" at 'tools[0].function_declarations[0].parameters': Cannot find field."
    );
    let body = json!({"contents": [{"role": "assistant", "parts": [{"text": "x"}]}]});
    let reply = post(
        &mock,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        GEMINI,
        &body,
    )
    .await;
    assert_eq!(
        reply.json()["error"]["message"],
        "Please use a valid role: user, model."
    );
    let reply = post(
        &mock,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        GEMINI,
        &json!({}),
    )
    .await;
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn count_tokens_and_missing_key() {
    let mock = mock().await;
    let reply = post(
        &mock,
        "/v1beta/models/gemini-2.5-flash:countTokens",
        GEMINI,
        &request("a b c"),
    )
    .await;
    assert_eq!(reply.json()["totalTokens"], 3);
    let wrapped = json!({"generateContentRequest": {"model": "models/gemini-2.5-flash",
        "contents": [{"parts": [{"text": "a b"}]}]}});
    let reply = post(
        &mock,
        "/v1beta/models/gemini-2.5-flash:countTokens",
        GEMINI,
        &wrapped,
    )
    .await;
    assert_eq!(reply.json()["totalTokens"], 2);
    let reply = post(
        &mock,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &[],
        &request("x"),
    )
    .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"]["status"], "UNAUTHENTICATED");
    let models = support::get(&mock, "/v1beta/models?key=k", &[])
        .await
        .json();
    assert_eq!(models["models"][0]["name"], "models/gemini-2.5-pro");
}

#[tokio::test]
async fn vertex_and_cli_surfaces_answer() {
    let mock = mock().await;
    let reply = post(
        &mock,
        "/v1/publishers/google/models/gemini-2.5-pro:generateContent",
        GEMINI,
        &request("vertex"),
    )
    .await;
    assert_eq!(
        reply.json()["candidates"][0]["content"]["parts"][0]["text"],
        "Mock reply to: vertex"
    );
    let reply = post(&mock,
        "/v1/projects/p1/locations/us-central1/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
        &[("authorization", "Bearer ya29.token")], &request("sa")).await;
    assert_eq!(reply.status, 200);
    assert!(!reply.events().is_empty());

    let envelope =
        json!({"model": "gemini-2.5-pro", "project": "proj-1", "request": request("cli hello")});
    let bearer = [("authorization", "Bearer ya29.token")];
    let json = post(&mock, "/v1internal:generateContent", &bearer, &envelope)
        .await
        .json();
    assert_eq!(
        json["response"]["candidates"][0]["content"]["parts"][0]["text"],
        "Mock reply to: cli hello"
    );
    let events = post(
        &mock,
        "/v1internal:streamGenerateContent?alt=sse",
        &bearer,
        &envelope,
    )
    .await
    .events();
    assert!(
        events
            .iter()
            .all(|e| e.data["response"]["candidates"].is_array())
    );
    let reply = post(&mock, "/v1internal:generateContent", &[], &envelope).await;
    assert_eq!(reply.status, 401);
}

#[tokio::test]
async fn gemini_3_signs_function_calls_and_requires_them_back() {
    let mock = mock().await;
    let tools = json!([{"functionDeclarations": [{"name": "get_time",
        "parameters": {"type": "OBJECT", "properties": {"zone": {"type": "STRING"}}}}]}]);
    let path = "/v1beta/models/gemini-3-pro-preview:generateContent";
    let first = json!({"tools": tools, "contents": [{"role": "user", "parts": [{"text": "UTC"}]}]});
    let json = post(&mock, path, GEMINI, &first).await.json();
    let call_part = json["candidates"][0]["content"]["parts"][0].clone();
    assert!(call_part["thoughtSignature"].as_str().unwrap().len() >= 50);

    let history = |part: Value| {
        json!({"tools": tools, "contents": [
            {"role": "user", "parts": [{"text": "UTC"}]},
            {"role": "model", "parts": [part]},
            {"role": "user", "parts": [{"functionResponse": {"name": "get_time", "response": {"result": "12:00"}}}]}]})
    };
    let reply = post(&mock, path, GEMINI, &history(call_part.clone())).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let mut unsigned = call_part;
    unsigned.as_object_mut().unwrap().remove("thoughtSignature");
    let reply = post(&mock, path, GEMINI, &history(unsigned)).await;
    assert_eq!(reply.status, 400);
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("thought_signature")
    );
}
