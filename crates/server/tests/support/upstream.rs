//! Include with `#[path = "support/upstream.rs"] mod upstream;` next to `mod support;`.
//!
//! Helpers for end-to-end tests against the in-process mock upstream: configs whose
//! provider base URLs point at the mock, clients in each format, and counting which
//! upstream key the mock saw.

#![allow(
    dead_code,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test support code"
)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use cpa_mock::{MockHandle, MockUpstream, RecordedRequest};
use cpa_server::state::Runtime;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::Harness;

/// The client key every config here accepts.
pub const CLIENT_KEY: &str = "client-key";
/// A model of the static Claude catalog, registered by every `claude-api-key` entry.
pub const CLAUDE_MODEL: &str = "claude-sonnet-4-5-20250929";
/// The mock's Anthropic endpoint, where the Claude executor sends requests.
pub const MESSAGES_PATH: &str = "/v1/messages";

/// A mock upstream, the proxy pointed at it, and the auth directory the config names
/// (kept empty so no credential file of the machine leaks in).
pub struct Fixture {
    pub mock: MockHandle,
    pub server: Harness,
    pub auth_dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

/// One `claude-api-key` entry.
#[derive(Debug, Clone, Default)]
pub struct Key {
    pub api_key: String,
    /// Extra YAML lines for the entry (already indented by 4 spaces), e.g. headers.
    pub extra: String,
}

impl Key {
    pub fn new(api_key: &str) -> Self {
        Self {
            api_key: api_key.to_owned(),
            extra: String::new(),
        }
    }

    /// Adds extra YAML lines under the entry (indent 4).
    pub fn with(mut self, extra: &str) -> Self {
        self.extra.push_str(extra);
        self
    }
}

/// The YAML of a config with `keys` as `claude-api-key` entries at `base`, plus `tail`
/// (top-level YAML appended verbatim).
pub fn claude_config(base: &str, auth_dir: &std::path::Path, keys: &[Key], tail: &str) -> String {
    let mut yaml = format!(
        "host: 127.0.0.1\nport: 0\nauth-dir: \"{}\"\napi-keys:\n  - {CLIENT_KEY}\nclaude-api-key:\n",
        auth_dir.display()
    );
    for key in keys {
        yaml.push_str(&format!(
            "  - api-key: \"{}\"\n    base-url: \"{base}\"\n{}",
            key.api_key, key.extra
        ));
    }
    yaml.push_str(tail);
    yaml
}

impl Fixture {
    /// Starts the mock, then the proxy with `claude_config(mock, keys, tail)`.
    pub async fn start(keys: &[Key], tail: &str) -> Self {
        let mock = MockUpstream::start().await.expect("mock upstream starts");
        let auth_dir = tempfile::tempdir().expect("auth dir");
        let yaml = claude_config(mock.base_url(), auth_dir.path(), keys, tail);
        let server = Harness::start(&yaml).await;
        Self {
            mock,
            server,
            auth_dir,
            http: reqwest::Client::new(),
        }
    }

    /// Starts the mock, then the proxy with the YAML `config(mock base URL, auth dir)`.
    pub async fn start_with(config: impl FnOnce(&str, &std::path::Path) -> String) -> Self {
        let mock = MockUpstream::start().await.expect("mock upstream starts");
        let auth_dir = tempfile::tempdir().expect("auth dir");
        let server = Harness::start(&config(mock.base_url(), auth_dir.path())).await;
        Self {
            mock,
            server,
            auth_dir,
            http: reqwest::Client::new(),
        }
    }

    /// The config YAML for `keys` and `tail` with this fixture's mock and auth dir.
    pub fn config(&self, keys: &[Key], tail: &str) -> String {
        claude_config(self.mock.base_url(), self.auth_dir.path(), keys, tail)
    }

    /// Applies a new config the way a reload does (`AppState::swap_runtime`), without
    /// the file watcher.
    pub fn reload(&self, yaml: &str) {
        let path = self.server.dir.path().join("config.yaml");
        std::fs::write(&path, yaml).expect("write config");
        let loaded = cpa_config::load(&path).expect("new config loads");
        self.server
            .state
            .swap_runtime(Runtime::build(Arc::new(loaded.config)));
    }

    /// `POST /v1/chat/completions` (non-streaming) for `model`.
    pub async fn chat(&self, model: &str) -> reqwest::Response {
        self.http
            .post(self.server.url("/v1/chat/completions"))
            .bearer_auth(CLIENT_KEY)
            .json(&json!({
                "model": model,
                "messages": [{"role": "user", "content": "hello there"}],
            }))
            .send()
            .await
            .expect("chat request is sent")
    }

    /// `POST /v1/chat/completions` with `stream: true`.
    pub async fn chat_stream(&self, model: &str) -> reqwest::Response {
        self.http
            .post(self.server.url("/v1/chat/completions"))
            .bearer_auth(CLIENT_KEY)
            .json(&json!({
                "model": model,
                "stream": true,
                "messages": [{"role": "user", "content": "one two three four five six seven eight nine ten"}],
            }))
            .send()
            .await
            .expect("chat stream request is sent")
    }

    /// `POST /v1/messages` (Anthropic client).
    pub async fn messages(&self, model: &str, stream: bool) -> reqwest::Response {
        self.http
            .post(self.server.url("/v1/messages"))
            .header("x-api-key", CLIENT_KEY)
            .header("anthropic-version", "2023-06-01")
            .json(&json!({
                "model": model,
                "max_tokens": 256,
                "stream": stream,
                "messages": [{"role": "user", "content": "one two three four five six seven eight nine ten"}],
            }))
            .send()
            .await
            .expect("messages request is sent")
    }

    /// Sends a chat request and returns its status plus the upstream keys the mock saw
    /// while it ran, in order.
    pub async fn chat_traced(&self, model: &str) -> (StatusCode, Vec<String>) {
        let before = self.mock.requests_for(MESSAGES_PATH).len();
        let response = self.chat(model).await;
        let status = response.status();
        let _ = response.bytes().await;
        let keys = upstream_keys(&self.mock)[before..].to_vec();
        (status, keys)
    }

    /// Requests per upstream key seen by the mock so far.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        count_keys(&upstream_keys(&self.mock))
    }
}

/// The upstream credential of a recorded request (`x-api-key`, else the bearer token).
pub fn key_of(request: &RecordedRequest) -> String {
    if let Some(key) = request.header("x-api-key") {
        return key.to_owned();
    }
    request
        .header("authorization")
        .map(|v| v.trim_start_matches("Bearer ").to_owned())
        .unwrap_or_default()
}

/// The keys of every Anthropic request the mock recorded, oldest first.
pub fn upstream_keys(mock: &MockHandle) -> Vec<String> {
    keys_at(mock, MESSAGES_PATH)
}

/// The keys of every request to a path containing `path` (count-tokens calls excluded).
pub fn keys_at(mock: &MockHandle, path: &str) -> Vec<String> {
    mock.requests_for(path)
        .iter()
        .filter(|r| !r.path.contains("count_tokens"))
        .map(key_of)
        .collect()
}

/// How often each key occurs.
pub fn count_keys(keys: &[String]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for key in keys {
        *counts.entry(key.clone()).or_insert(0) += 1;
    }
    counts
}

/// Reads a whole response body chunk by chunk; a transport error ends it (a truncated
/// stream). Returns the bytes and whether the body ended with an error.
pub async fn read_all(mut response: reqwest::Response) -> (String, bool) {
    let mut body = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(10), response.chunk()).await {
            Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
            Ok(Ok(None)) => return (String::from_utf8_lossy(&body).into_owned(), false),
            Ok(Err(_)) | Err(_) => return (String::from_utf8_lossy(&body).into_owned(), true),
        }
    }
}

/// The JSON body of a response.
pub async fn json_body(response: reqwest::Response) -> Value {
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("JSON body ({err}): {text}"))
}
