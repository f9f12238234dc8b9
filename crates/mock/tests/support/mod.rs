//! Shared helpers for the mock's integration tests: start a mock, send JSON, parse SSE.
//! Must not hide assertions; tests assert on what these return.

#![allow(
    dead_code,
    clippy::expect_used,
    clippy::panic,
    reason = "test support: each test crate uses a different subset, and failing loudly is the point"
)]

use cpa_mock::{MockHandle, MockUpstream};
use reqwest::header::HeaderMap;
use serde_json::Value;

/// One SSE event: its `event:` name (if any) and parsed `data:` JSON (or `[DONE]` as a string).
#[derive(Debug, Clone)]
pub struct Event {
    pub name: Option<String>,
    pub data: Value,
}

pub async fn mock() -> MockHandle {
    MockUpstream::start().await.expect("mock starts")
}

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("json body ({e}): {}", self.text))
    }

    pub fn events(&self) -> Vec<Event> {
        parse_sse(&self.text)
    }
}

/// POSTs `body` to `path` with extra `headers`.
pub async fn post(mock: &MockHandle, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
    let client = reqwest::Client::new();
    let mut request = client
        .post(format!("{}{}", mock.base_url(), path))
        .json(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body read");
    Reply {
        status,
        headers,
        text,
    }
}

pub async fn get(mock: &MockHandle, path: &str, headers: &[(&str, &str)]) -> Reply {
    let client = reqwest::Client::new();
    let mut request = client.get(format!("{}{}", mock.base_url(), path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body read");
    Reply {
        status,
        headers,
        text,
    }
}

pub const OPENAI: &[(&str, &str)] = &[("authorization", "Bearer sk-test")];
pub const ANTHROPIC: &[(&str, &str)] = &[
    ("x-api-key", "sk-ant-test"),
    ("anthropic-version", "2023-06-01"),
];
pub const GEMINI: &[(&str, &str)] = &[("x-goog-api-key", "g-test")];

/// Parses an SSE body (LF or CRLF line endings).
pub fn parse_sse(text: &str) -> Vec<Event> {
    let text = text.replace("\r\n", "\n");
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut name = None;
            let mut data = String::new();
            for line in block.lines() {
                if let Some(rest) = line.strip_prefix("event: ") {
                    name = Some(rest.to_owned());
                } else if let Some(rest) = line.strip_prefix("data: ") {
                    data.push_str(rest);
                }
            }
            let data = serde_json::from_str(&data).unwrap_or(Value::String(data));
            Event { name, data }
        })
        .collect()
}

/// The `type` field of every event's data.
pub fn types(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| e.data["type"].as_str().unwrap_or("").to_owned())
        .collect()
}

pub fn weather_tool_openai() -> Value {
    serde_json::json!({"type": "function", "function": {"name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"},
            "days": {"type": "integer"}}, "required": ["city"]}}})
}
