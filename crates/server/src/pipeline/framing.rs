//! How stream events are written for each client format (spec proxy-pipeline §6.2).
//!
//! | Client | Event | Error after commit |
//! |---|---|---|
//! | OpenAI Chat / Completions | `data: <json>\n\n` (the translator emits `[DONE]`) | `data: {"error":…}\n\n` |
//! | OpenAI Responses | `event: <type>\ndata: <json>\n\n` | `event: error\ndata: {"type":"error",…}\n\n` |
//! | Anthropic | `event: <type>\ndata: <json>\n\n` | `event: error\ndata: {"type":"error","error":{…}}\n\n` |
//! | Gemini, `alt=sse` or none | `data: <json>\n\n` | `data: {"error":{…}}\n\n` |
//! | Gemini, other `alt` | a JSON array streamed element by element | the error object as the last element |

use bytes::Bytes;
use cpa_protocol::{Format, SseEvent};
use serde_json::json;

/// The framing state of one client stream.
#[derive(Debug)]
pub struct Framing {
    style: Style,
    has_written_element: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    DataOnly,
    Named,
    JsonArray,
}

impl Framing {
    /// The framing for `client` (and Gemini's `alt` query value).
    pub fn new(client: Format, alt: Option<&str>) -> Self {
        let style = match client {
            Format::OpenAiResponses | Format::Codex | Format::AnthropicMessages => Style::Named,
            Format::Gemini | Format::GeminiCli | Format::Antigravity => match alt {
                None | Some("") | Some("sse") => Style::DataOnly,
                Some(_) => Style::JsonArray,
            },
            Format::OpenAiChat | Format::OpenAiCompletions => Style::DataOnly,
        };
        Self {
            style,
            has_written_element: false,
        }
    }

    /// Whether keep-alive comments may be interleaved (not inside a JSON array).
    pub fn allows_comments(&self) -> bool {
        self.style != Style::JsonArray
    }

    /// The content type of the response body.
    pub fn content_type(&self) -> &'static str {
        match self.style {
            Style::JsonArray => "application/json",
            _ => "text/event-stream",
        }
    }

    /// Frames one translated event.
    pub fn event(&mut self, event: &SseEvent) -> Bytes {
        match self.style {
            Style::Named => Bytes::from(event.to_wire()),
            Style::DataOnly => Bytes::from(SseEvent::data(event.data.clone()).to_wire()),
            Style::JsonArray => {
                if event.is_done() {
                    return Bytes::new();
                }
                let prefix = if self.has_written_element { ",\n" } else { "[" };
                self.has_written_element = true;
                Bytes::from(format!("{prefix}{}", event.data))
            }
        }
    }

    /// Closes the stream (the JSON array's bracket).
    pub fn finish(&mut self) -> Bytes {
        match self.style {
            Style::JsonArray if self.has_written_element => Bytes::from_static(b"]"),
            Style::JsonArray => Bytes::from_static(b"[]"),
            _ => Bytes::new(),
        }
    }

    /// The error event for a failure after the stream was committed.
    pub fn error(&mut self, client: Format, message: &str) -> Bytes {
        match client {
            Format::AnthropicMessages => Bytes::from(
                SseEvent::named(
                    "error",
                    json!({"type": "error", "error": {"type": "api_error", "message": message}}).to_string(),
                )
                .to_wire(),
            ),
            Format::OpenAiResponses | Format::Codex => Bytes::from(
                SseEvent::named(
                    "error",
                    json!({"type": "error", "code": "stream_error", "message": message}).to_string(),
                )
                .to_wire(),
            ),
            Format::Gemini | Format::GeminiCli | Format::Antigravity => {
                let body = json!({"error": {"code": 500, "message": message, "status": "INTERNAL"}}).to_string();
                self.event(&SseEvent::data(body))
            }
            Format::OpenAiChat | Format::OpenAiCompletions => Bytes::from(
                SseEvent::data(
                    json!({"error": {"message": message, "type": "server_error", "code": "internal_server_error"}})
                        .to_string(),
                )
                .to_wire(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemini_json_array_is_well_formed() {
        let mut framing = Framing::new(Format::Gemini, Some("json"));
        let mut out = Vec::new();
        out.extend_from_slice(&framing.event(&SseEvent::data("{\"a\":1}")));
        out.extend_from_slice(&framing.event(&SseEvent::data("{\"a\":2}")));
        out.extend_from_slice(&framing.finish());
        let parsed: serde_json::Value = serde_json::from_slice(&out).expect("valid json");
        assert_eq!(parsed, json!([{"a": 1}, {"a": 2}]));
    }

    #[test]
    fn openai_events_are_data_only() {
        let mut framing = Framing::new(Format::OpenAiChat, None);
        let bytes = framing.event(&SseEvent::named("ignored", "{}"));
        assert_eq!(&bytes[..], b"data: {}\n\n");
    }

    #[test]
    fn anthropic_errors_use_the_error_event() {
        let mut framing = Framing::new(Format::AnthropicMessages, None);
        let text = String::from_utf8(framing.error(Format::AnthropicMessages, "boom").to_vec())
            .expect("utf8");
        assert!(text.starts_with("event: error\ndata: "), "{text}");
        assert!(text.contains("\"api_error\""), "{text}");
    }
}
