//! Round-trip properties: format → IR → same format keeps the content.
//!
//! For OpenAI Chat and Anthropic Messages we generate IR requests, responses and streams
//! made only of what the format can express, encode them, decode them again and check that
//! (a) re-encoding is a fixpoint and (b) the conversational content (texts, images, tool
//! calls, tool results, signed thinking, usage, stop reason) survived.

#![expect(clippy::expect_used, reason = "property tests fail loudly")]

use cpa_protocol::Format;
use cpa_protocol::ir::{
    self, BlockKind, Image, ImageSource, Message, Part, Role, Signature, StopReason, StreamEvent,
    SystemBlock, Text, Tool, ToolArguments, ToolCall, ToolResult, ToolResultContent, Usage,
};
use cpa_translate::fold::ResponseBuilder;
use cpa_translate::registry::codec;
use cpa_translate::{RequestContext, ResponseContext};
use proptest::prelude::*;
use serde_json::Value;

/// 64 cases by default; `PROPTEST_CASES=N` overrides.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 .,!?é中]{1,24}"
}

fn ident() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,10}"
}

fn image() -> impl Strategy<Value = Part> {
    prop_oneof![
        "[A-Za-z0-9+/]{4,16}".prop_map(|data| ImageSource::Base64 {
            media_type: "image/png".into(),
            data
        }),
        ident().prop_map(|p| ImageSource::Url {
            url: format!("https://example.com/{p}.png")
        }),
    ]
    .prop_map(|source| {
        Part::Image(Image {
            source,
            detail: None,
            cache_control: None,
        })
    })
}

fn tool_call() -> impl Strategy<Value = ToolCall> {
    (ident(), ident(), text()).prop_map(|(id, name, arg)| ToolCall {
        id: format!("toolu_{id}"),
        name,
        arguments: ToolArguments(serde_json::json!({"arg": arg}).to_string()),
    })
}

/// A conversation: user turns with text/images, assistant turns with (signed thinking,)
/// text and tool calls, each followed by a user turn with the matching tool results.
fn conversation(signed_thinking: bool) -> impl Strategy<Value = Vec<Message>> {
    let user = prop::collection::vec(
        prop_oneof![text().prop_map(|t| Part::Text(Text::new(t))), image()],
        1..3,
    )
    .prop_map(|content| Message::new(Role::User, content));
    let assistant = (
        prop::option::of(text()),
        prop::option::of(text()),
        prop::collection::vec(tool_call(), 0..3),
        prop::collection::vec(text(), 3),
        any::<bool>(),
    )
        .prop_map(move |(thinking, reply, calls, results, is_error)| {
            let mut content = Vec::new();
            if let Some(t) = thinking.filter(|_| signed_thinking) {
                content.push(Part::Thinking(ir::Thinking {
                    text: t,
                    signature: Some(Signature {
                        value: "sig".into(),
                        origin: Format::AnthropicMessages,
                    }),
                }));
            }
            content.push(Part::Text(Text::new(reply.unwrap_or_else(|| "ok".into()))));
            let mut turns = Vec::new();
            let results: Vec<Part> = calls
                .iter()
                .zip(results)
                .map(|(c, r)| {
                    Part::ToolResult(ToolResult {
                        call_id: c.id.clone(),
                        name: None,
                        content: ToolResultContent::Text(r),
                        is_error: is_error && signed_thinking,
                        cache_control: None,
                    })
                })
                .collect();
            content.extend(calls.into_iter().map(Part::ToolCall));
            turns.push(Message::new(Role::Assistant, content));
            if !results.is_empty() {
                turns.push(Message::new(Role::User, results));
            }
            turns
        });
    prop::collection::vec((user, assistant), 1..4).prop_map(|turns| {
        let mut out = Vec::new();
        for (u, a) in turns {
            out.push(u);
            out.extend(a);
        }
        out
    })
}

fn request(signed_thinking: bool) -> impl Strategy<Value = ir::Request> {
    (
        prop::collection::vec(text(), 0..3),
        conversation(signed_thinking),
        prop::collection::vec(ident(), 0..3),
    )
        .prop_map(|(system, messages, tools)| ir::Request {
            system: system
                .into_iter()
                .map(|text| SystemBlock {
                    text,
                    ..SystemBlock::default()
                })
                .collect(),
            messages,
            tools: tools
                .into_iter()
                .map(|name| {
                    Tool::Function(ir::FunctionTool {
                        name,
                        description: Some("d".into()),
                        parameters: Some(serde_json::json!({"type": "object", "properties": {}})),
                        ..ir::FunctionTool::default()
                    })
                })
                .collect(),
            ..ir::Request::default()
        })
}

/// The content that must survive, flattened: (role, part summary).
fn content(req: &ir::Request) -> Vec<String> {
    let mut out: Vec<String> = req
        .system
        .iter()
        .map(|s| format!("system:{}", s.text))
        .collect();
    for m in &req.messages {
        for p in &m.content {
            out.push(match p {
                Part::Text(t) => format!("{:?}:text:{}", m.role, t.text),
                Part::Image(i) => format!("{:?}:image:{:?}", m.role, i.source),
                Part::Thinking(t) => format!(
                    "thinking:{}:{:?}",
                    t.text,
                    t.signature.as_ref().map(|s| &s.value)
                ),
                Part::ToolCall(c) => {
                    let args: Value = serde_json::from_str(&c.arguments.0).expect("args are JSON");
                    format!("call:{}:{}:{args}", c.id, c.name)
                }
                Part::ToolResult(r) => format!("result:{}:{}", r.call_id, r.content.to_text()),
                other => format!("{other:?}"),
            });
        }
    }
    out
}

fn round_trip(format: Format, req: &ir::Request) -> (ir::Request, Vec<u8>, Vec<u8>) {
    let codec = codec(format).expect("codec registered");
    let ctx = RequestContext::new("m");
    let first = codec.encode_request(req, &ctx).expect("encode");
    let decoded = codec.decode_request(&first, &ctx).expect("decode");
    let second = codec.encode_request(&decoded, &ctx).expect("re-encode");
    (decoded, first, second)
}

fn as_json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("json")
}

fn response() -> impl Strategy<Value = ir::Response> {
    (
        prop::option::of(text()),
        text(),
        prop::collection::vec(tool_call(), 0..3),
        (0u64..10_000, 0u64..5_000, 0u64..1_000),
    )
        .prop_map(|(thinking, reply, calls, (input, cached, output))| {
            let mut content = Vec::new();
            if let Some(t) = thinking {
                content.push(Part::Thinking(ir::Thinking {
                    text: t,
                    signature: None,
                }));
            }
            content.push(Part::Text(Text::new(reply)));
            let stop = if calls.is_empty() {
                StopReason::EndTurn
            } else {
                StopReason::ToolUse
            };
            content.extend(calls.into_iter().map(Part::ToolCall));
            ir::Response {
                id: "resp_1".into(),
                model: "client-model".into(),
                created: Some(1),
                content,
                stop: Some(stop),
                stop_sequence: None,
                usage: Some(Usage {
                    input_tokens: input + cached,
                    cache_read_tokens: cached,
                    output_tokens: output,
                    ..Usage::default()
                }),
            }
        })
}

/// The IR stream a decoder would produce for `resp`.
fn events(resp: &ir::Response) -> Vec<StreamEvent> {
    let mut out = vec![StreamEvent::Start {
        id: resp.id.clone(),
        model: resp.model.clone(),
        created: resp.created,
        usage: None,
    }];
    for (i, p) in resp.content.iter().enumerate() {
        let index = u32::try_from(i).expect("small");
        match p {
            Part::Text(t) => {
                out.push(StreamEvent::BlockStart {
                    index,
                    kind: BlockKind::Text,
                });
                out.push(StreamEvent::TextDelta {
                    index,
                    text: t.text.clone(),
                });
            }
            Part::Thinking(t) => {
                out.push(StreamEvent::BlockStart {
                    index,
                    kind: BlockKind::Thinking,
                });
                out.push(StreamEvent::ThinkingDelta {
                    index,
                    text: t.text.clone(),
                });
            }
            Part::ToolCall(c) => {
                out.push(StreamEvent::BlockStart {
                    index,
                    kind: BlockKind::ToolCall {
                        id: c.id.clone(),
                        name: c.name.clone(),
                    },
                });
                let args = &c.arguments.0;
                let mut mid = args.len() / 2;
                while !args.is_char_boundary(mid) {
                    mid -= 1;
                }
                let (a, b) = args.split_at(mid);
                out.push(StreamEvent::ToolArgsDelta {
                    index,
                    json: a.to_owned(),
                });
                out.push(StreamEvent::ToolArgsDelta {
                    index,
                    json: b.to_owned(),
                });
            }
            _ => {}
        }
        out.push(StreamEvent::BlockStop { index });
    }
    out.push(StreamEvent::Finish {
        stop: resp.stop.clone().unwrap_or(StopReason::EndTurn),
        stop_sequence: None,
        usage: resp.usage,
    });
    out
}

fn response_content(resp: &ir::Response) -> (Vec<String>, Option<StopReason>, Option<Usage>) {
    let req = ir::Request {
        messages: vec![Message::new(Role::Assistant, resp.content.clone())],
        ..ir::Request::default()
    };
    (content(&req), resp.stop.clone(), resp.usage)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn anthropic_request_round_trip_keeps_content(req in request(true)) {
        let (decoded, first, second) = round_trip(Format::AnthropicMessages, &req);
        prop_assert_eq!(as_json(&first), as_json(&second));
        prop_assert_eq!(content(&decoded), content(&req));
    }

    #[test]
    fn openai_chat_request_round_trip_keeps_content(req in request(false)) {
        let (decoded, first, second) = round_trip(Format::OpenAiChat, &req);
        prop_assert_eq!(as_json(&first), as_json(&second));
        prop_assert_eq!(content(&decoded), content(&req));
    }

    #[test]
    fn response_round_trip_keeps_content(resp in response(), anthropic in any::<bool>()) {
        let format = if anthropic { Format::AnthropicMessages } else { Format::OpenAiChat };
        let codec = codec(format).expect("codec");
        let ctx = ResponseContext::new("client-model");
        let body = codec.encode_response(&resp, &ctx).expect("encode");
        let decoded = codec.decode_response(&body, &ctx).expect("decode");
        prop_assert_eq!(response_content(&decoded), response_content(&resp));
    }

    #[test]
    fn stream_round_trip_matches_non_stream(resp in response(), anthropic in any::<bool>()) {
        let format = if anthropic { Format::AnthropicMessages } else { Format::OpenAiChat };
        let codec = codec(format).expect("codec");
        let ctx = ResponseContext::new("client-model");
        let mut encoder = codec.stream_encoder(&ctx).expect("encoder");
        let mut wire = Vec::new();
        for ev in events(&resp) {
            encoder.encode(&ev, &mut wire).expect("encode");
        }
        encoder.finish(&mut wire);
        let mut decoder = codec.stream_decoder(&ctx).expect("decoder");
        let mut builder = ResponseBuilder::new(format);
        let mut decoded = Vec::new();
        for ev in &wire {
            decoder.decode(ev, &mut decoded).expect("decode");
        }
        decoder.finish(&mut decoded);
        decoded.iter().for_each(|e| builder.push(e));
        let folded = builder.finish();
        prop_assert_eq!(response_content(&folded).0, response_content(&resp).0);
        prop_assert_eq!(folded.stop, resp.stop);
    }
}

// === Gemini family and Responses family (translate-2) ===

/// Gemini has no call ids, so decoders synthesise new ones: compare ids by first
/// appearance instead of by value.
fn renumber_ids(items: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    items
        .into_iter()
        .map(|s| {
            let Some((kind, rest)) = s.split_once(':') else {
                return s;
            };
            if kind != "call" && kind != "result" {
                return s;
            }
            let Some((id, tail)) = rest.split_once(':') else {
                return s;
            };
            let n = seen.iter().position(|x| x == id).unwrap_or_else(|| {
                seen.push(id.to_owned());
                seen.len() - 1
            });
            format!("{kind}:#{n}:{tail}")
        })
        .collect()
}

/// Whether every tool call id in `parts` is distinct (the generators may repeat ids, which
/// id-less Gemini cannot reproduce).
fn has_unique_call_ids<'a>(parts: impl Iterator<Item = &'a Part>) -> bool {
    let mut ids: Vec<&str> = parts
        .filter_map(|p| match p {
            Part::ToolCall(c) => Some(c.id.as_str()),
            _ => None,
        })
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    ids.len() == n
}

/// Our formats, picked by index in the properties below.
const OURS: [Format; 5] = [
    Format::Gemini,
    Format::GeminiCli,
    Format::Antigravity,
    Format::OpenAiResponses,
    Format::Codex,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn gemini_and_responses_request_round_trip_keeps_content(req in request(false), pick in 0usize..5) {
        let format = OURS[pick];
        prop_assume!(has_unique_call_ids(req.messages.iter().flat_map(|m| m.content.iter())));
        let (decoded, first, second) = round_trip(format, &req);
        prop_assert_eq!(as_json(&first), as_json(&second));
        prop_assert_eq!(renumber_ids(content(&decoded)), renumber_ids(content(&req)));
    }

    #[test]
    fn gemini_and_responses_response_round_trip_keeps_content(resp in response(), pick in 0usize..5) {
        let format = OURS[pick];
        prop_assume!(has_unique_call_ids(resp.content.iter()));
        let codec = codec(format).expect("codec");
        let ctx = ResponseContext::new("client-model");
        let body = codec.encode_response(&resp, &ctx).expect("encode");
        let decoded = codec.decode_response(&body, &ctx).expect("decode");
        let (got, stop, usage) = response_content(&decoded);
        let (want, want_stop, want_usage) = response_content(&resp);
        prop_assert_eq!(renumber_ids(got), renumber_ids(want));
        prop_assert_eq!((stop, usage), (want_stop, want_usage));
    }

    #[test]
    fn gemini_and_responses_stream_round_trip_matches_non_stream(resp in response(), pick in 0usize..5) {
        let format = OURS[pick];
        prop_assume!(has_unique_call_ids(resp.content.iter()));
        let codec = codec(format).expect("codec");
        let ctx = ResponseContext::new("client-model");
        let mut encoder = codec.stream_encoder(&ctx).expect("encoder");
        let mut wire = Vec::new();
        for ev in events(&resp) {
            encoder.encode(&ev, &mut wire).expect("encode");
        }
        encoder.finish(&mut wire);
        let mut decoder = codec.stream_decoder(&ctx).expect("decoder");
        let mut builder = ResponseBuilder::new(format);
        let mut decoded = Vec::new();
        for ev in &wire {
            decoder.decode(ev, &mut decoded).expect("decode");
        }
        decoder.finish(&mut decoded);
        decoded.iter().for_each(|e| builder.push(e));
        let folded = builder.finish();
        prop_assert_eq!(renumber_ids(response_content(&folded).0), renumber_ids(response_content(&resp).0));
        prop_assert_eq!(folded.stop, resp.stop);
    }
}
