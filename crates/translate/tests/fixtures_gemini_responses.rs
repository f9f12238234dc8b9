//! Fixture tests for every pair involving Gemini, Gemini CLI, Antigravity, Responses or
//! Codex, run through the shared `check` helper of `fixtures.rs` (same layout and
//! `UPDATE_EXPECT=1` behaviour). Directory names use format ids (`gemini-cli`,
//! `openai-response`); Rust names use `_` and are mapped by [`dir`].

#![allow(non_snake_case, reason = "module names mirror fixture directory names")]

#[path = "fixtures.rs"]
#[allow(
    dead_code,
    reason = "only the check helper is used from the shared harness"
)]
mod shared;

/// `gemini_cli` → `gemini-cli`, `openai_response` → `openai-response`.
fn dir(pair: &str, case: &str) -> String {
    let pair = pair
        .replace("gemini_cli", "gemini-cli")
        .replace("openai_response", "openai-response");
    format!("{pair}/{case}")
}

macro_rules! fixtures {
    ($($pair:ident => [$($case:ident),* $(,)?]),* $(,)?) => {
        /// Every case listed below, so orphan fixture directories are detected.
        const LISTED: &[&str] = &[$($(concat!(stringify!($pair), "/", stringify!($case))),*),*];
        $(mod $pair { $(#[test] fn $case() { super::shared::check(&super::dir(stringify!($pair), stringify!($case))); })* })*
    };
}

fixtures! {
    antigravity__claude => [response_from_sse_transcript],
    claude__antigravity => [request_claude_model_tools],
    claude__codex => [request_basic],
    claude__gemini => [count_tokens_basic, request_thinking_tools, response_thinking_tool, stream_max_tokens, stream_thinking_text_tool],
    claude__gemini_cli => [stream_thinking_text_tool],
    claude__openai_response => [request_tools_thinking_disabled, response_thinking_tool, stream_error_mid_stream, stream_thinking_text_tool],
    codex__claude => [response_completed_event, stream_reasoning_text_tool],
    codex__gemini => [response_completed_event, stream_reasoning_text_tool],
    codex__openai => [response_completed_event, stream_reasoning_text_tool],
    codex__openai_response => [response_completed_event, response_from_sse_transcript, stream_failed, stream_reasoning_text_tool],
    gemini_cli__gemini => [request_sentinel_signatures, request_unwrap, stream_unwrapped],
    gemini_cli__openai => [response_enveloped_max_tokens, stream_usage_every_chunk_no_finish],
    gemini_cli__openai_response => [stream_enveloped_max_tokens],
    gemini__antigravity => [request_history_signatures, request_wrap],
    gemini__claude => [request_full, response_thinking_parallel_tools, stream_prompt_blocked, stream_thinking_text_parallel_tools],
    gemini__codex => [request_full],
    gemini__gemini => [request_passthrough_bytes, request_suffix_budget, response_passthrough, stream_passthrough],
    gemini__gemini_cli => [request_regroup_and_roles, request_suffix_level_gemini3, request_wrap, response_wrapped, stream_wrapped],
    gemini__openai => [request_full, response_prompt_blocked, response_thinking_parallel_tools, stream_safety_finish, stream_thinking_text_parallel_tools],
    gemini__openai_response => [count_tokens_local, request_full, response_thinking_parallel_tools, stream_thinking_text_parallel_tools],
    openai_response__claude => [request_full, response_completed_event, stream_reasoning_text_tool],
    openai_response__codex => [request_passthrough, request_suffix_effort],
    openai_response__gemini => [request_full, response_completed_event, stream_reasoning_text_tool],
    openai_response__gemini_cli => [request_string_input, response_plain_object],
    openai_response__openai => [request_full, response_completed_event, stream_reasoning_text_tool],
    openai_response__openai_response => [request_passthrough_bytes, request_suffix_effort],
    openai__antigravity => [request_claude_schema_cleaned],
    openai__codex => [request_long_tool_names],
    openai__gemini => [request_basic, response_tools_usage, stream_parallel_tools_late_usage],
    openai__gemini_cli => [request_gemini3_effort, stream_parallel_tools_late_usage],
    openai__openai_response => [request_tools_images, response_tools_usage, stream_parallel_tools_late_usage],
}

#[test]
fn every_gemini_and_responses_fixture_is_listed() {
    let listed: Vec<String> = LISTED
        .iter()
        .map(|c| {
            let (p, n) = c.split_once('/').expect("pair/case");
            dir(p, n)
        })
        .collect();
    let ours = ["gemini", "openai-response", "codex", "antigravity"];
    for case in shared::all_cases() {
        let pair = case.split('/').next().unwrap_or("");
        if ours.iter().any(|f| pair.contains(f)) {
            assert!(listed.contains(&case), "fixture {case} has no test");
        }
    }
}
