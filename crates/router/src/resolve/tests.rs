//! Tests of model resolution: suffixes, unknown models, auto, provider rotation, preview fallbacks.

use super::*;
use crate::registry::ModelRegistry;
use crate::testing::{oauth, set};

fn registry() -> ModelRegistry {
    ModelRegistry::build(
        &set(vec![
            oauth("g.json", Provider::GeminiCli),
            oauth("i.json", Provider::Iflow),
            oauth("q.json", Provider::Qwen),
        ]),
        0,
    )
}

#[test]
fn resolve_strips_thinking_suffix() {
    let resolution = resolve(
        &registry(),
        "gemini-2.5-pro(8192)",
        ResolveContext::default(),
        |_| 0,
    )
    .expect("known");
    assert_eq!(resolution.route_model, "gemini-2.5-pro");
    assert_eq!(resolution.thinking, Some(ThinkingRequest::Budget(8192)));
    assert_eq!(resolution.candidates.len(), 1);
    assert_eq!(resolution.candidates[0].provider, Provider::GeminiCli);
}

#[test]
fn resolve_unknown_model_is_a_typed_error() {
    let err =
        resolve(&registry(), "nope(high)", ResolveContext::default(), |_| 0).expect_err("unknown");
    assert_eq!(
        err,
        ResolveError::UnknownModel {
            model: "nope(high)".into()
        }
    );
    assert_eq!(err.to_string(), "unknown provider for model nope(high)");
    assert!(resolve(&registry(), "", ResolveContext::default(), |_| 0).is_err());
    // Registry lookup is case-sensitive (spec §5.2.6).
    assert!(
        resolve(
            &registry(),
            "Gemini-2.5-pro",
            ResolveContext::default(),
            |_| 0
        )
        .is_err()
    );
}

#[test]
fn resolve_auto_uses_the_supplied_model() {
    let context = ResolveContext {
        auto_model: Some("vision-model"),
        ..ResolveContext::default()
    };
    let resolution = resolve(&registry(), "auto", context, |_| 0).expect("auto");
    assert_eq!(resolution.route_model, "vision-model");
    assert_eq!(resolution.requested, "auto");
    assert!(resolve(&registry(), "auto", ResolveContext::default(), |_| 0).is_err());
}

#[test]
fn resolve_rotates_providers_per_request() {
    let order = |rotation| {
        resolve(
            &registry(),
            "qwen3-coder-plus",
            ResolveContext::default(),
            |model| {
                assert_eq!(model, "qwen3-coder-plus");
                rotation
            },
        )
        .expect("known")
        .candidates
        .into_iter()
        .map(|c| c.provider)
        .collect::<Vec<_>>()
    };
    assert_eq!(order(0), vec![Provider::Iflow, Provider::Qwen]);
    assert_eq!(order(1), vec![Provider::Qwen, Provider::Iflow]);
    assert_eq!(order(2), order(0));
}

#[test]
fn switch_preview_model_appends_fallback_candidates() {
    let off = resolve(
        &registry(),
        "gemini-2.5-pro",
        ResolveContext::default(),
        |_| 0,
    )
    .expect("known");
    assert_eq!(off.candidates.len(), 1);
    let context = ResolveContext {
        switch_preview_model: true,
        ..ResolveContext::default()
    };
    let on = resolve(&registry(), "gemini-2.5-pro", context, |_| 0).expect("known");
    let models: Vec<(&str, bool)> = on
        .candidates
        .iter()
        .map(|c| (c.model.as_str(), c.is_quota_fallback))
        .collect();
    assert_eq!(
        models,
        [("gemini-2.5-pro", false), ("gemini-3-pro-preview", true)]
    );
    assert_eq!(
        preview_fallbacks("teamA/gemini-2.5-flash"),
        ["teamA/gemini-3-flash-preview"]
    );
}
