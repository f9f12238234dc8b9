//! Builds the [`ResponseContext`] for a request (between lifecycle steps 5 and 9).
//!
//! The response side needs a few bits of the original client request: OpenAI's
//! `stream_options.include_usage`, the Codex tool-name reverse map, and the Responses echo
//! fields. This reads them from the raw client body without building a full tree (top-level
//! scan, then only the needed members are parsed). Best effort: a malformed body yields the
//! defaults, because request translation reports the error anyway. No I/O.

use serde_json::{Map, Value};

use cpa_protocol::Format;

use crate::context::{RequestContext, ResponseContext};
use crate::raw_edit::scan_object;

impl ResponseContext {
    /// The response context for `body` sent by a `client`-format client to an `upstream`
    /// provider, showing `client_model` and stamping `created` (Unix seconds).
    pub fn for_request(
        client: Format,
        upstream: Format,
        body: &[u8],
        req_ctx: &RequestContext,
        client_model: impl Into<String>,
        created: i64,
    ) -> ResponseContext {
        let mut ctx = ResponseContext {
            client_model: client_model.into(),
            created,
            id_seed: req_ctx.id_seed,
            ..ResponseContext::default()
        };
        let Ok((members, _)) = scan_object(body) else {
            return ctx;
        };
        let member = |key: &str| -> Option<Value> {
            let m = members.iter().find(|m| m.key == key)?;
            serde_json::from_slice(&body[m.value.clone()]).ok()
        };
        if matches!(client, Format::OpenAiChat | Format::OpenAiCompletions) {
            ctx.include_usage = member("stream_options")
                .and_then(|o| o.get("include_usage").and_then(Value::as_bool))
                .unwrap_or(false);
        }
        if upstream == Format::Codex && client != upstream {
            ctx.tool_names =
                crate::responses::codex_tool_names(client, body, req_ctx).unwrap_or_default();
        }
        if client == Format::OpenAiResponses {
            // Everything but the (large) input: the encoder picks the echo fields it needs.
            let mut echo = Map::new();
            for m in members.iter().filter(|m| m.key != "input") {
                if let Ok(v) = serde_json::from_slice(&body[m.value.clone()]) {
                    echo.insert(m.key.clone(), v);
                }
            }
            ctx.echo = Some(Value::Object(echo));
        }
        ctx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_usage_and_echo_are_read_from_the_client_body() {
        let req = RequestContext::new("m");
        let body = br#"{"model":"a","stream_options":{"include_usage":true},"messages":[]}"#;
        let ctx = ResponseContext::for_request(
            Format::OpenAiChat,
            Format::AnthropicMessages,
            body,
            &req,
            "alias",
            5,
        );
        assert!(ctx.include_usage);
        assert_eq!((ctx.client_model.as_str(), ctx.created), ("alias", 5));
        let body = br#"{"model":"a","input":"hi","store":false,"instructions":"x"}"#;
        let ctx = ResponseContext::for_request(
            Format::OpenAiResponses,
            Format::AnthropicMessages,
            body,
            &req,
            "alias",
            5,
        );
        let echo = ctx.echo.expect("echo");
        assert_eq!(echo.get("instructions"), Some(&Value::String("x".into())));
        assert!(echo.get("input").is_none());
        let bad = ResponseContext::for_request(
            Format::OpenAiChat,
            Format::OpenAiChat,
            b"{",
            &req,
            "m",
            0,
        );
        assert!(!bad.include_usage);
    }
}
