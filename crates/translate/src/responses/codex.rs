//! Responses → Codex request without the IR (lifecycle step 5, spec §4.3).
//!
//! A Responses client already speaks the Codex wire format, so the body is kept byte-exact
//! except for the Codex rules: `stream:true`, `store:false`, `parallel_tool_calls:true`,
//! `include:["reasoning.encrypted_content"]`, no `max_output_tokens`,
//! `max_completion_tokens`, `temperature`, `top_p`, `service_tier`,
//! `previous_response_id`, `prompt_cache_retention`, and a string `input` becomes one user
//! message item; a model-suffix thinking override sets `reasoning.effort`. Tool names are
//! not shortened for pass-through clients (spec §2.3.5) and
//! `instructions` are left for the Codex provider (official prompt handling, §4.3).

use serde_json::{Value, json};

use crate::context::RequestContext;
use crate::error::TranslateError;
use cpa_protocol::ir::Effort;

use crate::error::from_json_error;
use crate::raw_edit::{Edit, Member, edit_top_level, scan_object};
use crate::reasoning;

/// Keys the Codex backend rejects or ignores.
const DROPPED: [&str; 7] = [
    "max_output_tokens",
    "max_completion_tokens",
    "temperature",
    "top_p",
    "service_tier",
    "previous_response_id",
    "prompt_cache_retention",
];

/// Rewrites a Responses request body for the Codex backend.
pub fn responses_to_codex(body: &[u8], ctx: &RequestContext) -> Result<Vec<u8>, TranslateError> {
    let (members, _) = scan_object(body)?;
    let mut edits = vec![
        Edit::set_string("model", &ctx.upstream_model),
        Edit::set_raw("stream", "true".into()),
        Edit::set_raw("store", "false".into()),
        Edit::set_raw("parallel_tool_calls", "true".into()),
        Edit::set_raw("include", r#"["reasoning.encrypted_content"]"#.into()),
    ];
    edits.extend(DROPPED.iter().map(|k| Edit::remove(k)));
    if let Some(input) = members.iter().find(|m| m.key == "input")
        && let Some(raw) = body.get(input.value.clone())
        && raw.first() == Some(&b'"')
    {
        let text: String =
            serde_json::from_slice(raw).map_err(|e| crate::error::from_json_error(&e, "input"))?;
        let items = json!([{
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": text}],
        }]);
        edits.push(Edit::set_raw("input", Value::to_string(&items)));
    }
    if let Some(reasoning) = reasoning_with_override(body, &members, ctx)? {
        edits.push(Edit::set_raw("reasoning", reasoning));
    }
    edit_top_level(body, &edits)
}

/// Same-format Responses request: the model is written and a model-suffix thinking
/// override becomes `reasoning.effort`; everything else stays byte-exact.
pub fn passthrough(body: &[u8], ctx: &RequestContext) -> Result<Vec<u8>, TranslateError> {
    let (members, _) = scan_object(body)?;
    let mut edits = vec![Edit::set_string("model", &ctx.upstream_model)];
    if let Some(reasoning) = reasoning_with_override(body, &members, ctx)? {
        edits.push(Edit::set_raw("reasoning", reasoning));
    }
    edit_top_level(body, &edits)
}

/// The `reasoning` object with the model-suffix effort applied (other keys kept), or
/// `None` when there is no override.
fn reasoning_with_override(
    body: &[u8],
    members: &[Member],
    ctx: &RequestContext,
) -> Result<Option<String>, TranslateError> {
    let Some(over) = reasoning::apply_override(None, ctx.reasoning_override.as_ref()) else {
        return Ok(None);
    };
    let Some(effort) = reasoning::effective_effort(&over).filter(|e| *e != Effort::Auto) else {
        return Ok(None);
    };
    let mut current = match members.iter().find(|m| m.key == "reasoning") {
        Some(m) => serde_json::from_slice::<Value>(&body[m.value.clone()])
            .map_err(|e| from_json_error(&e, "reasoning"))?,
        None => json!({}),
    };
    if !current.is_object() {
        current = json!({});
    }
    current["effort"] = Value::from(effort.as_str());
    Ok(Some(current.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codex_rules_are_applied_and_unknown_fields_kept() {
        let body = br#"{"model":"gpt-5","input":"hi","temperature":0.2,"max_output_tokens":9,"x_custom":{"a":1},"stream":false}"#;
        let out: Value = serde_json::from_slice(
            &responses_to_codex(body, &RequestContext::new("gpt-5-codex")).expect("rewrites"),
        )
        .expect("json");
        assert_eq!(out["model"], "gpt-5-codex");
        assert_eq!(out["stream"], true);
        assert_eq!(out["store"], false);
        assert_eq!(out["include"], json!(["reasoning.encrypted_content"]));
        assert!(out.get("temperature").is_none() && out.get("max_output_tokens").is_none());
        assert_eq!(out["x_custom"], json!({"a":1}));
        assert_eq!(out["input"][0]["content"][0]["text"], "hi");
    }
}
