//! Usage extraction per format, for bodies and streams.

use cpa_protocol::{Format, SseEvent};

use super::*;

fn usage(input: u64, output: u64, reasoning: u64, cached: u64, total: u64) -> Usage {
    Usage {
        input_tokens: input,
        output_tokens: output,
        reasoning_tokens: reasoning,
        cached_tokens: cached,
        total_tokens: total,
    }
}

#[test]
fn gemini_body_and_cli_envelope() {
    let body = br#"{"candidates":[],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":7,
        "thoughtsTokenCount":2,"cachedContentTokenCount":1,"totalTokenCount":14}}"#;
    assert_eq!(from_body(Format::Gemini, body), Some(usage(5, 7, 2, 1, 14)));
    let cli = br#"{"response":{"usage_metadata":{"promptTokenCount":3,"candidatesTokenCount":4}}}"#;
    assert_eq!(
        from_body(Format::GeminiCli, cli),
        Some(usage(3, 4, 0, 0, 7))
    );
    assert_eq!(from_body(Format::Gemini, br#"{"candidates":[]}"#), None);
}

#[test]
fn anthropic_body_cache_read_then_creation() {
    let body = br#"{"usage":{"input_tokens":10,"output_tokens":3,"cache_read_input_tokens":0,
        "cache_creation_input_tokens":4}}"#;
    assert_eq!(
        from_body(Format::AnthropicMessages, body),
        Some(usage(10, 3, 0, 4, 13))
    );
}

#[test]
fn openai_chat_body_with_details() {
    let body = br#"{"usage":{"prompt_tokens":9,"completion_tokens":6,"total_tokens":15,
        "prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":3}}}"#;
    assert_eq!(
        from_body(Format::OpenAiChat, body),
        Some(usage(9, 6, 3, 2, 15))
    );
    assert_eq!(from_body(Format::OpenAiChat, br#"{"usage":null}"#), None);
}

#[test]
fn responses_completed_event_and_plain_body() {
    let event = br#"{"type":"response.completed","response":{"usage":{"input_tokens":8,"output_tokens":2,
        "total_tokens":10,"input_tokens_details":{"cached_tokens":1},"output_tokens_details":{"reasoning_tokens":1}}}}"#;
    assert_eq!(from_body(Format::Codex, event), Some(usage(8, 2, 1, 1, 10)));
    let body = br#"{"object":"response","usage":{"input_tokens":1,"output_tokens":1}}"#;
    assert_eq!(
        from_body(Format::OpenAiResponses, body),
        Some(usage(1, 1, 0, 0, 2))
    );
}

#[test]
fn gemini_stream_keeps_last_usage_not_first() {
    let mut tracker = UsageTracker::new(Format::Gemini);
    for data in [
        r#"{"candidates":[{"content":{}}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":1}}"#,
        r#"{"candidates":[{"content":{}}]}"#,
        r#"{"candidates":[{"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":9,"totalTokenCount":14}}"#,
    ] {
        tracker.observe(&SseEvent::data(data));
    }
    assert_eq!(tracker.usage(), Some(usage(5, 9, 0, 0, 14)));
}

#[test]
fn anthropic_stream_merges_start_and_delta() {
    let mut tracker = UsageTracker::new(Format::AnthropicMessages);
    tracker.observe(&SseEvent::named(
        "message_start",
        r#"{"type":"message_start","message":{"usage":{"input_tokens":12,"output_tokens":1,"cache_read_input_tokens":3}}}"#,
    ));
    tracker.observe(&SseEvent::named(
        "message_delta",
        r#"{"type":"message_delta","usage":{"output_tokens":30}}"#,
    ));
    assert_eq!(tracker.usage(), Some(usage(12, 30, 0, 3, 42)));
}

#[test]
fn openai_and_codex_streams() {
    let mut chat = UsageTracker::new(Format::OpenAiChat);
    chat.observe(&SseEvent::data(
        r#"{"choices":[{"delta":{"content":"hi"}}]}"#,
    ));
    chat.observe(&SseEvent::data(
        r#"{"choices":[],"usage":{"prompt_tokens":2,"completion_tokens":3}}"#,
    ));
    assert_eq!(chat.usage(), Some(usage(2, 3, 0, 0, 5)));

    let mut codex = UsageTracker::new(Format::Codex);
    codex.observe(&SseEvent::named(
        "response.created",
        r#"{"type":"response.created","response":{"usage":null}}"#,
    ));
    assert_eq!(codex.usage(), None);
    codex.observe(&SseEvent::named(
        "response.completed",
        r#"{"type":"response.completed","response":{"usage":{"input_tokens":4,"output_tokens":5,"total_tokens":9}}}"#,
    ));
    assert_eq!(codex.usage(), Some(usage(4, 5, 0, 0, 9)));
}
