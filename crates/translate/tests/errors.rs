//! Typed translation errors: malformed JSON, wrong shapes with a JSON path, unsupported
//! pairs. The server turns these into a 400 in the client's format.

use cpa_protocol::{Format, SseEvent};
use cpa_translate::{
    RequestContext, ResponseContext, TranslateError, stream_translator, translate_request,
    translate_response,
};

fn request(from: Format, to: Format, body: &str) -> Result<Vec<u8>, TranslateError> {
    translate_request(from, to, body.as_bytes(), &RequestContext::new("m"))
}

#[test]
fn truncated_body_is_malformed_json_with_position() {
    let err = request(
        Format::AnthropicMessages,
        Format::OpenAiChat,
        r#"{"model":"x","messages":["#,
    )
    .expect_err("truncated");
    assert!(
        matches!(err, TranslateError::MalformedJson { line: 1, .. }),
        "{err:?}"
    );
    assert_eq!(err.label(), "translate.malformed_json");
}

#[test]
fn same_format_passthrough_still_validates_json() {
    let err = request(Format::OpenAiChat, Format::OpenAiChat, "{\"model\":").expect_err("invalid");
    assert!(
        matches!(err, TranslateError::MalformedJson { .. }),
        "{err:?}"
    );
    let err = request(Format::OpenAiChat, Format::OpenAiChat, "[]").expect_err("not an object");
    assert!(matches!(err, TranslateError::Shape { .. }), "{err:?}");
}

#[test]
fn wrong_type_reports_the_json_path() {
    let err = request(
        Format::OpenAiChat,
        Format::AnthropicMessages,
        r#"{"model":"x","messages":[{"role":"user","content":"hi"},{"role":"user","content":5}]}"#,
    )
    .expect_err("content must be string or parts");
    match err {
        TranslateError::Shape { path, .. } => assert_eq!(path, "messages[1].content"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn unknown_role_and_malformed_block_are_shape_errors_with_paths() {
    let err = request(
        Format::OpenAiChat,
        Format::AnthropicMessages,
        r#"{"model":"x","messages":[{"role":"wizard","content":"hi"}]}"#,
    )
    .expect_err("unknown role");
    assert_eq!(
        err,
        TranslateError::shape("messages[0].role", "unknown role \"wizard\"")
    );
    let err = request(
        Format::AnthropicMessages,
        Format::OpenAiChat,
        r#"{"model":"x","messages":[{"role":"user","content":[{"type":"text"}]}]}"#,
    )
    .expect_err("text block without text");
    match err {
        TranslateError::Shape { path, .. } => assert_eq!(path, "messages[0].content[0]"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn completions_cannot_be_an_upstream_format() {
    let err = request(
        Format::OpenAiChat,
        Format::OpenAiCompletions,
        r#"{"model":"x","messages":[]}"#,
    )
    .expect_err("no completions upstream");
    assert!(matches!(err, TranslateError::Unsupported { .. }), "{err:?}");
    let err = translate_response(
        Format::OpenAiCompletions,
        Format::OpenAiChat,
        b"{}",
        &ResponseContext::new("m"),
    )
    .expect_err("no completions upstream");
    assert_eq!(err.label(), "translate.unsupported");
    let mut stream = stream_translator(
        Format::OpenAiCompletions,
        Format::OpenAiChat,
        &ResponseContext::new("m"),
    );
    assert!(stream.on_event(&SseEvent::data("{}")).is_err());
    assert!(stream.finish().is_empty());
}

#[test]
fn broken_stream_event_is_an_error_and_unknown_events_are_skipped() {
    let mut stream = stream_translator(
        Format::AnthropicMessages,
        Format::OpenAiChat,
        &ResponseContext::new("m"),
    );
    assert!(stream.on_event(&SseEvent::named("x", "{not json")).is_err());
    let skipped = stream
        .on_event(&SseEvent::named("future", r#"{"type":"future_event"}"#))
        .expect("skipped");
    assert!(skipped.is_empty());
}
