//! Wire-model tests: both key spellings are read, camelCase is written, unknown keys
//! survive a round trip.

use serde_json::{Value, json};

use super::*;

#[test]
fn snake_case_keys_are_read_and_camel_case_written() {
    let body = json!({
        "system_instruction": {"parts": [{"text": "s"}]},
        "contents": [{"role": "user", "parts": [
            {"inline_data": {"mime_type": "image/png", "data": "AA=="}},
            {"function_call": {"name": "f", "args": {}}, "thought_signature": "sig"}]}],
        "generation_config": {"max_output_tokens": 5, "thinking_config": {"thinking_budget": 10}},
        "tool_config": {"function_calling_config": {"mode": "ANY", "allowed_function_names": ["f"]}}
    });
    let req: GenerateContentRequest = serde_json::from_value(body).expect("parses");
    assert_eq!(
        req.contents[0].parts[0]
            .inline_data
            .as_ref()
            .map(|b| b.mime_type.as_str()),
        Some("image/png")
    );
    let out = serde_json::to_value(&req).expect("serialises");
    assert_eq!(out["systemInstruction"]["parts"][0]["text"], "s");
    assert_eq!(
        out["contents"][0]["parts"][0]["inlineData"]["mimeType"],
        "image/png"
    );
    assert_eq!(out["contents"][0]["parts"][1]["thoughtSignature"], "sig");
    assert_eq!(
        out["generationConfig"]["thinkingConfig"]["thinkingBudget"],
        10
    );
    assert_eq!(
        out["toolConfig"]["functionCallingConfig"]["allowedFunctionNames"],
        json!(["f"])
    );
}

#[test]
fn unknown_keys_survive_a_round_trip() {
    let body = json!({
        "contents": [{"role": "user", "parts": [{"text": "t", "videoMetadata": {"fps": 1}}], "x": 1}],
        "cachedContent": "c",
        "labels": {"a": "b"},
        "tools": [{"codeExecution": {}}],
        "generationConfig": {"mediaResolution": "LOW"}
    });
    let req: GenerateContentRequest = serde_json::from_value(body.clone()).expect("parses");
    let out: Value = serde_json::to_value(&req).expect("serialises");
    assert_eq!(out, body);
}

#[test]
fn response_and_envelope_parse() {
    let chunk = json!({"response": {"candidates": [{"content": {"role": "model", "parts": [{"text": "hi"}]},
        "finishReason": "STOP", "safetyRatings": []}], "usageMetadata": {"promptTokenCount": 1,
        "trafficType": "ON_DEMAND"}}, "traceId": "t"});
    let env: CliResponse = serde_json::from_value(chunk.clone()).expect("parses");
    assert_eq!(env.trace_id.as_deref(), Some("t"));
    assert_eq!(
        env.response.candidates[0].finish_reason.as_deref(),
        Some("STOP")
    );
    assert_eq!(serde_json::to_value(&env).expect("serialises"), chunk);
}

#[test]
fn envelope_without_request_is_rejected() {
    assert!(serde_json::from_value::<CliRequest>(json!({"model": "m"})).is_err());
}
