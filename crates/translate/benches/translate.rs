//! Translation benchmarks (criterion): a ~100 KB Claude Code request translated to every
//! registered target format, and 200-event streams in both directions between Anthropic
//! and OpenAI Chat. Numbers are recorded in docs/performance.md.
//!
//! Run: `CARGO_TARGET_DIR=/work/targets/translate cargo bench -p cpa-translate --bench translate`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

use cpa_protocol::sse::parse_transcript;
use cpa_protocol::{Format, SseEvent};
use cpa_translate::{
    RequestContext, ResponseContext, registry, stream_translator, translate_request,
};

/// A deterministic Claude Code-style request: 24 tools, system blocks with cache control,
/// ~40 turns of text, thinking, tool calls and file-sized tool results (~100 KB).
fn claude_code_request() -> Vec<u8> {
    let tools: Vec<Value> = (0..24)
        .map(|i| {
            json!({
                "name": format!("tool_{i}_{}", ["Read", "Write", "Edit", "Bash", "Grep", "Glob"][i % 6]),
                "description": "Performs an operation on the workspace. ".repeat(6),
                "input_schema": {"type": "object", "properties": {
                    "path": {"type": "string", "description": "Absolute path to the file"},
                    "content": {"type": "string"}, "offset": {"type": "integer"},
                    "limit": {"type": "integer"}, "flags": {"type": "array", "items": {"type": "string"}}},
                    "required": ["path"], "additionalProperties": false}
            })
        })
        .collect();
    let mut messages = Vec::new();
    let file = "fn main() { println!(\"hello world\"); } // padding line for realism\n".repeat(20);
    for turn in 0..40 {
        messages.push(json!({"role": "user", "content": [
            {"type": "text", "text": format!("Step {turn}: please look at src/module_{turn}.rs and fix the bug.")}]}));
        messages.push(json!({"role": "assistant", "content": [
            {"type": "thinking", "thinking": "I should read the file first, then edit it. ".repeat(4), "signature": "EqQBCkYIBxgCKkA".repeat(8)},
            {"type": "text", "text": "Let me read the file."},
            {"type": "tool_use", "id": format!("toolu_{turn:04}"), "name": "tool_0_Read", "input": {"path": format!("/repo/src/module_{turn}.rs")}}]}));
        messages.push(json!({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": format!("toolu_{turn:04}"), "content": [{"type": "text", "text": file}]}]}));
    }
    messages.push(json!({"role": "user", "content": "Now run the tests.", }));
    let body = json!({
        "model": "claude-sonnet-4-5", "max_tokens": 32000, "stream": true,
        "system": [{"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude."},
                   {"type": "text", "text": "Follow the repository conventions. ".repeat(40), "cache_control": {"type": "ephemeral"}}],
        "thinking": {"type": "enabled", "budget_tokens": 10000},
        "metadata": {"user_id": "user_abc_account_def_session_ghi"},
        "tools": tools, "messages": messages,
    });
    serde_json::to_vec(&body).unwrap_or_default()
}

/// 200 Anthropic stream events: start, a thinking block, a text block and a tool call.
fn claude_stream() -> Vec<SseEvent> {
    let mut text = String::new();
    let mut push = |v: Value| {
        let name = v["type"].as_str().unwrap_or("").to_owned();
        text.push_str(&SseEvent::named(name, v.to_string()).to_wire());
    };
    push(
        json!({"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude", "content": [], "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 100, "output_tokens": 1}}}),
    );
    push(
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}),
    );
    for _ in 0..60 {
        push(
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "considering the options "}}),
        );
    }
    push(json!({"type": "content_block_stop", "index": 0}));
    push(
        json!({"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}}),
    );
    for _ in 0..70 {
        push(
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Here is some text. "}}),
        );
    }
    push(json!({"type": "content_block_stop", "index": 1}));
    push(
        json!({"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "Read", "input": {}}}),
    );
    for _ in 0..60 {
        push(
            json!({"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "{\"pa"}}),
        );
    }
    push(json!({"type": "content_block_stop", "index": 2}));
    push(
        json!({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": null}, "usage": {"output_tokens": 300}}),
    );
    push(json!({"type": "message_stop"}));
    parse_transcript(&text)
}

/// 200 OpenAI chat chunks: reasoning, content, two parallel tool calls, finish, usage.
fn openai_stream() -> Vec<SseEvent> {
    let chunk = |delta: Value, finish: Value| {
        SseEvent::data(json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}).to_string())
    };
    let mut out = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    for _ in 0..60 {
        out.push(chunk(
            json!({"reasoning_content": "thinking about it "}),
            Value::Null,
        ));
    }
    for _ in 0..70 {
        out.push(chunk(
            json!({"content": "Here is some text. "}),
            Value::Null,
        ));
    }
    out.push(chunk(json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "Read", "arguments": ""}}]}), Value::Null));
    out.push(chunk(json!({"tool_calls": [{"index": 1, "id": "call_2", "type": "function", "function": {"name": "Grep", "arguments": ""}}]}), Value::Null));
    for i in 0..64 {
        out.push(chunk(
            json!({"tool_calls": [{"index": i % 2, "function": {"arguments": "{\"pa"}}]}),
            Value::Null,
        ));
    }
    out.push(chunk(json!({}), json!("tool_calls")));
    out.push(SseEvent::data(json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt", "choices": [],
        "usage": {"prompt_tokens": 100, "completion_tokens": 300, "total_tokens": 400}}).to_string()));
    out.push(SseEvent::data("[DONE]"));
    out
}

fn bench_requests(c: &mut Criterion) {
    let body = claude_code_request();
    let ctx = RequestContext::new("upstream-model");
    let mut group = c.benchmark_group("request_100kb_claude_code");
    group.throughput(Throughput::Bytes(body.len() as u64));
    for to in Format::ALL {
        if registry::codec(to).is_none()
            || translate_request(Format::AnthropicMessages, to, &body, &ctx).is_err()
        {
            continue;
        }
        group.bench_with_input(BenchmarkId::from_parameter(to), &to, |b, &to| {
            b.iter(|| translate_request(Format::AnthropicMessages, to, black_box(&body), &ctx));
        });
    }
    group.finish();
}

fn bench_streams(c: &mut Criterion) {
    let ctx = ResponseContext::new("client-model");
    let mut group = c.benchmark_group("stream_200_events");
    for (name, upstream, client, events) in [
        (
            "claude_to_openai",
            Format::AnthropicMessages,
            Format::OpenAiChat,
            claude_stream(),
        ),
        (
            "openai_to_claude",
            Format::OpenAiChat,
            Format::AnthropicMessages,
            openai_stream(),
        ),
    ] {
        group.throughput(Throughput::Elements(events.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut t = stream_translator(upstream, client, &ctx);
                let mut n = 0;
                for ev in &events {
                    n += t.on_event(black_box(ev)).map(|v| v.len()).unwrap_or(0);
                }
                n + t.finish().len()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_requests, bench_streams);
criterion_main!(benches);
