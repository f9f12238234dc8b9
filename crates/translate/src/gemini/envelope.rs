//! Conversions inside the Gemini family (lifecycle step 5): same-format passthrough and the
//! Gemini ↔ Gemini CLI / Antigravity envelope wrappers (spec §8.4–8.6).
//!
//! These never go through the IR: unknown fields and thought signatures are kept (the typed
//! models carry unknown keys), and only the §8 repairs in `gemini::fixups` touch contents.
//! Same-format passthrough is byte-exact apart from the envelope `model`.

use cpa_protocol::Format;

use crate::context::RequestContext;
use crate::error::TranslateError;
use serde_json::Map;

use cpa_protocol::gemini::{CliRequest, GenerateContentRequest, GenerationConfig};

use crate::error::{parse, to_vec};
use crate::raw_edit::{Edit, edit_top_level, find_member, scan_object};
use crate::reasoning;

use super::fixups::{
    SignaturePolicy, apply_signature_policy, regroup_function_responses, repair_roles,
};
use super::request_from_ir::default_safety_settings;
use super::thinking;

/// Same-format request. Plain Gemini bodies are returned unchanged (validated only): the
/// model travels in the URL, and the same path carries `:countTokens` bodies, which reject
/// `model` and `safetySettings`. Envelope bodies get the upstream model written.
pub fn passthrough(
    format: Format,
    body: &[u8],
    ctx: &RequestContext,
) -> Result<Vec<u8>, TranslateError> {
    if ctx.reasoning_override.is_some() {
        return passthrough_with_override(format, body, ctx);
    }
    if format == Format::Gemini {
        scan_object(body)?;
        return Ok(body.to_vec());
    }
    edit_top_level(body, &[Edit::set_string("model", &ctx.upstream_model)])
}

/// A model-suffix thinking override (`gemini-2.5-pro(8192)`) rewrites `thinkingConfig`,
/// which needs the typed body (one parse, one write).
fn passthrough_with_override(
    format: Format,
    body: &[u8],
    ctx: &RequestContext,
) -> Result<Vec<u8>, TranslateError> {
    if format == Format::Gemini {
        let mut req: GenerateContentRequest = parse(body)?;
        apply_reasoning_override(&mut req, ctx);
        return to_vec(&req);
    }
    let mut envelope: CliRequest = parse(body)?;
    apply_reasoning_override(&mut envelope.request, ctx);
    envelope.model.clone_from(&ctx.upstream_model);
    to_vec(&envelope)
}

/// Replaces `generationConfig.thinkingConfig` with the context's suffix override, if any.
fn apply_reasoning_override(req: &mut GenerateContentRequest, ctx: &RequestContext) {
    let Some(reasoning) = reasoning::apply_override(None, ctx.reasoning_override.as_ref()) else {
        return;
    };
    let config = req
        .generation_config
        .get_or_insert_with(GenerationConfig::default);
    config.thinking_config = thinking::from_ir(&reasoning, &ctx.upstream_model);
}

/// Gemini → Gemini CLI: `{"model","project":"","request":<body without model>}` with
/// regrouped function responses, repaired roles, sentinel signatures and default safety
/// settings (§8.4).
pub fn gemini_to_cli_request(body: &[u8], ctx: &RequestContext) -> Result<Vec<u8>, TranslateError> {
    let mut req: GenerateContentRequest = parse(body)?;
    fix_contents(&mut req, SignaturePolicy::Sentinel, ctx);
    if req.safety_settings.is_none() {
        req.safety_settings = Some(default_safety_settings());
    }
    wrap(req, ctx)
}

/// Gemini → Antigravity: as for Gemini CLI, but thought parts are dropped, real function-call
/// signatures kept, and no safety settings added (Antigravity rejects them) (§8.5).
pub fn gemini_to_antigravity_request(
    body: &[u8],
    ctx: &RequestContext,
) -> Result<Vec<u8>, TranslateError> {
    let mut req: GenerateContentRequest = parse(body)?;
    fix_contents(&mut req, SignaturePolicy::Antigravity, ctx);
    wrap(req, ctx)
}

/// Gemini CLI → Gemini: the `request` member becomes the body, with the model written,
/// sentinel signatures on replayed model parts and default safety settings.
pub fn cli_to_gemini_request(body: &[u8], ctx: &RequestContext) -> Result<Vec<u8>, TranslateError> {
    let envelope: CliRequest = parse(body)?;
    let mut req = envelope.request;
    apply_signature_policy(&mut req.contents, SignaturePolicy::Sentinel);
    apply_reasoning_override(&mut req, ctx);
    req.model = Some(ctx.upstream_model.clone());
    if req.safety_settings.is_none() {
        req.safety_settings = Some(default_safety_settings());
    }
    to_vec(&req)
}

/// Gemini CLI / Antigravity response (or one stream chunk) → plain Gemini, byte-exact:
/// the `response` member (the whole body when there is none). Ready for a same-family
/// response path that skips the IR (keeps `groundingMetadata`, `safetyRatings`, …).
pub fn cli_response_to_gemini(body: &[u8]) -> Result<Vec<u8>, TranslateError> {
    match find_member(body, "response")? {
        Some(inner) => Ok(body[inner.value].to_vec()),
        None => Ok(body.to_vec()),
    }
}

/// Plain Gemini response (or one stream chunk) → Gemini CLI envelope, byte-exact:
/// `{"response":<body>}`.
pub fn gemini_response_to_cli(body: &[u8]) -> Result<Vec<u8>, TranslateError> {
    scan_object(body)?;
    let mut out = Vec::with_capacity(body.len() + 13);
    out.extend_from_slice(b"{\"response\":");
    out.extend_from_slice(body.trim_ascii());
    out.push(b'}');
    Ok(out)
}

fn fix_contents(req: &mut GenerateContentRequest, policy: SignaturePolicy, ctx: &RequestContext) {
    apply_reasoning_override(req, ctx);
    regroup_function_responses(&mut req.contents);
    repair_roles(&mut req.contents);
    apply_signature_policy(&mut req.contents, policy);
}

fn wrap(mut req: GenerateContentRequest, ctx: &RequestContext) -> Result<Vec<u8>, TranslateError> {
    req.model = None;
    to_vec(&CliRequest {
        model: ctx.upstream_model.clone(),
        project: String::new(),
        request: req,
        extra: Map::new(),
    })
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
        assert_eq!(out, json!({"safetySettings":[],"model":"gemini-2.5-pro"}));
    }

    #[test]
    fn responses_unwrap_and_wrap_byte_exactly() {
        let cli = br#"{"response":{"candidates":[],"groundingMetadata":{"x":1}},"traceId":"t"}"#;
        let plain = cli_response_to_gemini(cli).expect("unwraps");
        assert_eq!(
            plain,
            br#"{"candidates":[],"groundingMetadata":{"x":1}}"#.to_vec()
        );
        let wrapped = gemini_response_to_cli(&plain).expect("wraps");
        assert_eq!(
            wrapped,
            br#"{"response":{"candidates":[],"groundingMetadata":{"x":1}}}"#.to_vec()
        );
        assert!(gemini_response_to_cli(b"[1]").is_err());
    }

    #[test]
    fn cli_to_gemini_without_request_is_a_shape_error() {
        let err = cli_to_gemini_request(b"{}", &ctx()).expect_err("no request");
        assert_eq!(err.label(), "translate.shape");
    }
}
