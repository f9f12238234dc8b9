//! Byte-preserving conversions inside the Gemini family (lifecycle step 5): same-format
//! passthrough and the Gemini ↔ Gemini CLI / Antigravity envelope wrappers (spec §8.4–8.6).
//!
//! These never go through the IR, so unknown fields, thought signatures and key order are
//! kept exactly. They only splice top-level members with `raw_edit`; they must not
//! interpret contents (role repair and response regrouping are not done here, see
//! `docs/translation-gemini-responses.md`).

use cpa_protocol::Format;

use crate::context::RequestContext;
use crate::error::TranslateError;
use crate::raw_edit::{Edit, edit_top_level, find_member, scan_object};

use super::request_from_ir::default_safety_settings;

/// Same-format request. Plain Gemini bodies are returned unchanged (validated only): the
/// model travels in the URL, and the same path carries `:countTokens` bodies, which reject
/// `model` and `safetySettings`. Envelope bodies get the upstream model written.
pub fn passthrough(
    format: Format,
    body: &[u8],
    ctx: &RequestContext,
) -> Result<Vec<u8>, TranslateError> {
    if format == Format::Gemini {
        scan_object(body)?;
        return Ok(body.to_vec());
    }
    edit_top_level(body, &[Edit::set_string("model", &ctx.upstream_model)])
}

/// Gemini → Gemini CLI: `{"model","project":"","request":<body without model>}`.
pub fn gemini_to_cli_request(body: &[u8], ctx: &RequestContext) -> Result<Vec<u8>, TranslateError> {
    wrap(body, ctx, true)
}

/// Gemini → Antigravity: the CLI envelope; Antigravity drops safety settings, so none are
/// added.
pub fn gemini_to_antigravity_request(
    body: &[u8],
    ctx: &RequestContext,
) -> Result<Vec<u8>, TranslateError> {
    wrap(body, ctx, false)
}

/// Gemini CLI → Gemini: the `request` member becomes the body, with the model written.
pub fn cli_to_gemini_request(body: &[u8], ctx: &RequestContext) -> Result<Vec<u8>, TranslateError> {
    let inner = find_member(body, "request")?
        .ok_or_else(|| TranslateError::shape("request", "missing Gemini CLI request"))?;
    with_model_and_safety(&body[inner.value], ctx)
}

fn with_model_and_safety(body: &[u8], ctx: &RequestContext) -> Result<Vec<u8>, TranslateError> {
    let (members, _) = scan_object(body)?;
    let has_safety = members
        .iter()
        .any(|m| m.key == "safetySettings" || m.key == "safety_settings");
    let safety = default_safety_settings().to_string();
    let mut edits = vec![Edit::set_string("model", &ctx.upstream_model)];
    if !has_safety {
        edits.push(Edit::set_raw_if_absent("safetySettings", safety));
    }
    edit_top_level(body, &edits)
}

fn wrap(body: &[u8], ctx: &RequestContext, has_safety: bool) -> Result<Vec<u8>, TranslateError> {
    let inner = if has_safety {
        let with_safety = with_model_and_safety(body, ctx)?;
        edit_top_level(&with_safety, &[Edit::remove("model")])?
    } else {
        edit_top_level(body, &[Edit::remove("model")])?
    };
    let model = serde_json::Value::String(ctx.upstream_model.clone()).to_string();
    let mut out = Vec::with_capacity(inner.len() + model.len() + 48);
    out.extend_from_slice(b"{\"model\":");
    out.extend_from_slice(model.as_bytes());
    out.extend_from_slice(b",\"project\":\"\",\"request\":");
    out.extend_from_slice(&inner);
    out.push(b'}');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn ctx() -> RequestContext {
        RequestContext::new("gemini-2.5-pro")
    }

    fn json(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).expect("valid json")
    }

    #[test]
    fn gemini_to_cli_wraps_and_keeps_unknown_fields() {
        let body =
            br#"{"contents":[{"role":"user","parts":[{"text":"hi","x":1}]}],"cachedContent":"c"}"#;
        let out = json(&gemini_to_cli_request(body, &ctx()).expect("wraps"));
        assert_eq!(out["model"], "gemini-2.5-pro");
        assert_eq!(out["project"], "");
        assert_eq!(out["request"]["contents"][0]["parts"][0]["x"], 1);
        assert_eq!(out["request"]["cachedContent"], "c");
        assert!(out["request"]["safetySettings"].is_array());
        assert!(out["request"].get("model").is_none());
    }

    #[test]
    fn cli_to_gemini_unwraps_the_request() {
        let body = br#"{"model":"m","project":"p","request":{"contents":[],"safetySettings":[]}}"#;
        let out = json(&cli_to_gemini_request(body, &ctx()).expect("unwraps"));
        assert_eq!(
            out,
            json!({"contents":[],"safetySettings":[],"model":"gemini-2.5-pro"})
        );
    }

    #[test]
    fn cli_to_gemini_without_request_is_a_shape_error() {
        let err = cli_to_gemini_request(b"{}", &ctx()).expect_err("no request");
        assert_eq!(err.label(), "translate.shape");
    }
}
