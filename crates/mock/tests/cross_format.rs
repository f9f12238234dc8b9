//! The same conversation gets the same reply and usage in every format, so proxy tests
//! can compare what a client sees across translations.

mod support;

use serde_json::json;
use support::{ANTHROPIC, GEMINI, OPENAI, mock, post};

const SYSTEM: &str = "answer briefly";
const PROMPT: &str = "what is the capital of France";

#[tokio::test]
async fn same_prompt_same_reply_and_usage_everywhere() {
    let mock = mock().await;
    let chat = post(
        &mock,
        "/v1/chat/completions",
        OPENAI,
        &json!({"model": "m", "messages": [
        {"role": "system", "content": SYSTEM}, {"role": "user", "content": PROMPT}]}),
    )
    .await
    .json();
    let responses = post(
        &mock,
        "/v1/responses",
        OPENAI,
        &json!({"model": "m", "instructions": SYSTEM, "input": PROMPT}),
    )
    .await
    .json();
    let messages = post(
        &mock,
        "/v1/messages",
        ANTHROPIC,
        &json!({"model": "m", "max_tokens": 100,
        "system": SYSTEM, "messages": [{"role": "user", "content": PROMPT}]}),
    )
    .await
    .json();
    let gemini = post(
        &mock,
        "/v1beta/models/m:generateContent",
        GEMINI,
        &json!({
        "systemInstruction": {"parts": [{"text": SYSTEM}]},
        "contents": [{"role": "user", "parts": [{"text": PROMPT}]}]}),
    )
    .await
    .json();

    let expected = format!("Mock reply to: {PROMPT}");
    assert_eq!(chat["choices"][0]["message"]["content"], expected);
    assert_eq!(responses["output"][0]["content"][0]["text"], expected);
    assert_eq!(messages["content"][0]["text"], expected);
    assert_eq!(
        gemini["candidates"][0]["content"]["parts"][0]["text"],
        expected
    );

    let (input, output) = (2 + 6, 3 + 6);
    assert_eq!(
        (
            chat["usage"]["prompt_tokens"].as_u64(),
            chat["usage"]["completion_tokens"].as_u64()
        ),
        (Some(input), Some(output))
    );
    assert_eq!(
        (
            responses["usage"]["input_tokens"].as_u64(),
            responses["usage"]["output_tokens"].as_u64()
        ),
        (Some(input), Some(output))
    );
    assert_eq!(
        (
            messages["usage"]["input_tokens"].as_u64(),
            messages["usage"]["output_tokens"].as_u64()
        ),
        (Some(input), Some(output))
    );
    let metadata = &gemini["usageMetadata"];
    assert_eq!(
        (
            metadata["promptTokenCount"].as_u64(),
            metadata["candidatesTokenCount"].as_u64()
        ),
        (Some(input), Some(output))
    );
}

#[tokio::test]
async fn same_tool_round_trip_counts_alike() {
    let mock = mock().await;
    let chat = post(
        &mock,
        "/v1/chat/completions",
        OPENAI,
        &json!({"model": "m", "messages": [
        {"role": "user", "content": "weather"},
        {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
            "function": {"name": "w", "arguments": "{\"city\":\"New York\"}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "cold and windy"}]}),
    )
    .await
    .json();
    let messages = post(
        &mock,
        "/v1/messages",
        ANTHROPIC,
        &json!({"model": "m", "max_tokens": 100,
        "messages": [
            {"role": "user", "content": "weather"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "w",
                "input": {"city": "New York"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1",
                "content": "cold and windy"}]}]}),
    )
    .await
    .json();
    let gemini = post(
        &mock,
        "/v1beta/models/m:generateContent",
        GEMINI,
        &json!({"contents": [
        {"role": "user", "parts": [{"text": "weather"}]},
        {"role": "model", "parts": [{"functionCall": {"name": "w", "args": {"city": "New York"}}}]},
        {"role": "user", "parts": [{"functionResponse": {"name": "w",
            "response": {"content": "cold and windy"}}}]}]}),
    )
    .await
    .json();

    let expected = "Tool result received: cold and windy";
    assert_eq!(chat["choices"][0]["message"]["content"], expected);
    assert_eq!(messages["content"][0]["text"], expected);
    assert_eq!(
        gemini["candidates"][0]["content"]["parts"][0]["text"],
        expected
    );
    let input = 1 + 2 + 3;
    assert_eq!(chat["usage"]["prompt_tokens"], input);
    assert_eq!(messages["usage"]["input_tokens"], input);
    assert_eq!(gemini["usageMetadata"]["promptTokenCount"], input);
}
