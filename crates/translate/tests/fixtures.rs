//! Data-driven translation tests: one `check` helper over fixture directories.
//!
//! Layout: `tests/fixtures/<from>__<to>/<case>/` where `<from>`/`<to>` are format ids in
//! the direction the data flows (requests: client → provider; responses and streams:
//! provider → client). A case holds `input.json` + `expected.json` (request, or response
//! when the case name starts with `response`, or count-tokens plan when it starts with
//! `count_tokens`) or `input.sse` + `expected.sse` (stream), and an optional `ctx.json`:
//! `{"model", "client_model", "stream", "upstream_stream", "include_usage", "budget", "effort"}`.
//! Run with `UPDATE_EXPECT=1` to rewrite expected files from the current output.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "fixture helpers fail loudly on broken fixtures"
)]

use std::path::{Path, PathBuf};

use cpa_protocol::ir::Effort;
use cpa_protocol::sse::parse_transcript;
use cpa_protocol::{Format, SseEvent};
use cpa_translate::{
    CountTokensPlan, ReasoningOverride, RequestContext, ResponseContext, stream_translator,
    translate_count_tokens_request, translate_request, translate_response,
};
use pretty_assertions::assert_eq;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn contexts(dir: &Path) -> (RequestContext, ResponseContext) {
    let cfg: Value = std::fs::read(dir.join("ctx.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("ctx.json is JSON"))
        .unwrap_or(Value::Null);
    let s = |k: &str, d: &str| cfg.get(k).and_then(Value::as_str).unwrap_or(d).to_owned();
    let b = |k: &str| cfg.get(k).and_then(Value::as_bool);
    let mut req = RequestContext::new(s("model", "upstream-model"));
    req.is_streaming = b("stream").unwrap_or(false);
    req.upstream_streaming = b("upstream_stream");
    req.id_seed = 42;
    if let Some(budget) = cfg.get("budget").and_then(Value::as_i64) {
        req.reasoning_override = Some(ReasoningOverride::Budget(budget));
    }
    if let Some(e) = cfg.get("effort").and_then(Value::as_str) {
        req.reasoning_override = Some(ReasoningOverride::Effort(Effort::parse(e)));
    }
    let mut resp = ResponseContext::new(s("client_model", "client-model"));
    resp.include_usage = b("include_usage").unwrap_or(false);
    resp.created = 1_700_000_000;
    resp.id_seed = 42;
    (req, resp)
}

fn pair(case: &str) -> (Format, Format) {
    let dir = case.split('/').next().expect("case has a pair dir");
    let (from, to) = dir.split_once("__").expect("pair dir is <from>__<to>");
    (
        from.parse().expect("from format"),
        to.parse().expect("to format"),
    )
}

/// Runs one fixture case and compares with its expected output.
#[track_caller]
pub fn check(case: &str) {
    let dir = root().join(case);
    let (from, to) = pair(case);
    let (req_ctx, resp_ctx) = contexts(&dir);
    let name = case.rsplit('/').next().unwrap_or(case);
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    if dir.join("input.sse").exists() {
        let input = std::fs::read_to_string(dir.join("input.sse")).expect("input.sse");
        let mut t = stream_translator(from, to, &resp_ctx);
        let mut out: Vec<SseEvent> = Vec::new();
        for ev in parse_transcript(&input) {
            out.extend(
                t.on_event(&ev)
                    .unwrap_or_else(|e| panic!("case {case}: {e}")),
            );
        }
        out.extend(t.finish());
        let actual: String = out.iter().map(SseEvent::to_wire).collect();
        let path = dir.join("expected.sse");
        if update {
            std::fs::write(&path, &actual).expect("write expected.sse");
            return;
        }
        let expected = std::fs::read_to_string(&path).expect("expected.sse");
        assert_eq!(
            normalise_sse(&actual),
            normalise_sse(&expected),
            "case {case}"
        );
        return;
    }
    let input = std::fs::read(dir.join("input.json")).expect("input.json");
    let actual: Vec<u8> = if name.starts_with("response") {
        translate_response(from, to, &input, &resp_ctx)
            .unwrap_or_else(|e| panic!("case {case}: {e}"))
    } else if name.starts_with("count_tokens") {
        match translate_count_tokens_request(from, to, &input, &req_ctx)
            .unwrap_or_else(|e| panic!("case {case}: {e}"))
        {
            CountTokensPlan::Upstream(body) => body,
            CountTokensPlan::Local { input_tokens } => {
                format!("{{\"local_estimate\":{input_tokens}}}").into_bytes()
            }
        }
    } else {
        translate_request(from, to, &input, &req_ctx).unwrap_or_else(|e| panic!("case {case}: {e}"))
    };
    let path = dir.join("expected.json");
    if dir.join("expected.raw").exists() {
        // Byte-exact expectation (same-format passthrough).
        let expected = std::fs::read(dir.join("expected.raw")).expect("expected.raw");
        if update {
            std::fs::write(dir.join("expected.raw"), &actual).expect("write");
            return;
        }
        assert_eq!(
            String::from_utf8_lossy(&actual),
            String::from_utf8_lossy(&expected),
            "case {case}"
        );
        return;
    }
    let actual: Value = serde_json::from_slice(&actual)
        .unwrap_or_else(|e| panic!("case {case}: output is not JSON: {e}"));
    if update {
        let pretty = serde_json::to_string_pretty(&actual).expect("serialise") + "\n";
        std::fs::write(&path, pretty).expect("write expected.json");
        return;
    }
    let expected: Value = serde_json::from_slice(&std::fs::read(&path).expect("expected.json"))
        .expect("expected JSON");
    assert_eq!(actual, expected, "case {case}");
}

/// Events with JSON data compared as JSON (key order and spacing do not matter).
fn normalise_sse(text: &str) -> Vec<(Option<String>, Value)> {
    parse_transcript(text)
        .into_iter()
        .map(|e| {
            let v = serde_json::from_str(&e.data).unwrap_or(Value::String(e.data.clone()));
            (e.event, v)
        })
        .collect()
}

/// All case directories under `fixtures/`.
pub fn all_cases() -> Vec<String> {
    let mut cases = Vec::new();
    for pair in std::fs::read_dir(root()).expect("fixtures dir") {
        let pair = pair.expect("entry").path();
        for case in std::fs::read_dir(&pair).expect("pair dir") {
            let case = case.expect("entry").path();
            let rel = case
                .strip_prefix(root())
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            cases.push(rel);
        }
    }
    cases.sort();
    cases
}

macro_rules! fixtures {
    ($($pair:ident => [$($case:ident),* $(,)?]),* $(,)?) => {
        /// Every case listed below, so orphan fixture directories are detected.
        const LISTED: &[&str] = &[$($(concat!(stringify!($pair), "/", stringify!($case))),*),*];
        $(#[expect(non_snake_case, reason = "module names mirror fixture directories")] mod $pair { $(#[test] fn $case() { super::check(&super::dir(stringify!($pair), stringify!($case))); })* })*
    };
}

/// Rust identifiers cannot contain `-`: `openai_completions` maps to `openai-completions`.
fn dir(pair: &str, case: &str) -> String {
    format!(
        "{}/{case}",
        pair.replace("openai_completions", "openai-completions")
    )
}

fixtures! {
    openai__claude => [
        basic_system_and_turns, developer_and_array_system, images_base64_and_url, tools_and_choice,
        tool_choice_variants, parallel_tool_calls_and_results, reasoning_effort_to_budget, json_mode,
        sampling_and_stop, stream_flag, suffix_budget_override,
        response_text, response_parallel_tools, response_reasoning_usage, response_length,
        stream_text, stream_parallel_tools, stream_reasoning_then_text, stream_usage_late, stream_error,
        stream_length, tool_result_image_and_name, stream_parallel_tools_same_index,
    ],
    claude__openai => [
        basic_string_system, system_blocks_cache_control, images_base64_and_url, tools_and_choice,
        tool_results_blocks_and_errors, thinking_history_and_budget, thinking_disabled, redacted_thinking,
        multi_turn_parallel_tools, stop_and_sampling, count_tokens_local, stream_flag_include_usage,
        response_text_with_thinking_signature, response_parallel_tools, response_cached_usage,
        response_max_tokens, response_from_sse_transcript,
        stream_text, stream_thinking_signature, stream_parallel_tools, stream_include_usage, stream_error,
        stream_max_tokens, response_stop_sequence, tool_choice_none_and_effort_suffix, stream_ping_and_unknown_blocks,
        mid_conversation_system,
    ],
    claude__claude => [passthrough_keeps_bytes, passthrough_suffix_thinking, response_passthrough, stream_passthrough, count_tokens_passthrough],
    openai__openai => [passthrough_keeps_bytes, passthrough_suffix_effort, response_passthrough, stream_passthrough_done_once],
    openai_completions__openai => [prompt_and_sampling, default_prompt],
    openai_completions__claude => [prompt_to_claude],
    openai__openai_completions => [response_text, stream_text],
    claude__openai_completions => [response_text, stream_text],
}

#[test]
fn every_fixture_directory_is_listed() {
    let listed: Vec<String> = LISTED
        .iter()
        .map(|c| {
            let (p, n) = c.split_once('/').expect("pair/case");
            dir(p, n)
        })
        .collect();
    let foreign = ["gemini", "openai-response", "codex", "antigravity"];
    for case in all_cases() {
        if foreign
            .iter()
            .any(|f| case.split('/').next().unwrap_or("").contains(f))
        {
            continue; // owned by the Gemini/Responses test suite
        }
        assert!(
            listed.contains(&case),
            "fixture {case} has no test in fixtures.rs"
        );
    }
}
