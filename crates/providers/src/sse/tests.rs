//! Unit tests for the SSE parser and the JSON-array splitter, including every possible
//! two-way and three-way chunk split of the inputs.

use cpa_protocol::SseEvent;

use super::*;

fn parse_in_chunks(input: &[u8], cuts: &[usize]) -> Vec<SseEvent> {
    let mut parser = SseParser::new();
    let mut out = Vec::new();
    let mut start = 0;
    for &cut in cuts {
        parser.push(&input[start..cut], &mut out).expect("push");
        start = cut;
    }
    parser.push(&input[start..], &mut out).expect("push");
    parser.finish(&mut out);
    out
}

#[track_caller]
fn check_all_splits(input: &str, expected: &[SseEvent]) {
    let bytes = input.as_bytes();
    assert_eq!(parse_in_chunks(bytes, &[]), expected, "whole input");
    for a in 0..=bytes.len() {
        assert_eq!(parse_in_chunks(bytes, &[a]), expected, "split at {a}");
    }
    for a in 0..=bytes.len() {
        for b in a..=bytes.len() {
            assert_eq!(
                parse_in_chunks(bytes, &[a, b]),
                expected,
                "split at {a},{b}"
            );
        }
    }
}

#[test]
fn sse_named_events_and_comments() {
    check_all_splits(
        ": ping\nevent: message_start\ndata: {\"a\":1}\n\nevent: message_stop\ndata: {}\n\n",
        &[
            SseEvent::named("message_start", "{\"a\":1}"),
            SseEvent::named("message_stop", "{}"),
        ],
    );
}

#[test]
fn sse_crlf_and_bare_cr_line_ends() {
    check_all_splits(
        "data: one\r\n\r\ndata: two\r\rdata:three\n\n",
        &[
            SseEvent::data("one"),
            SseEvent::data("two"),
            SseEvent::data("three"),
        ],
    );
}

#[test]
fn sse_multi_line_data_is_joined_with_newline() {
    check_all_splits(
        "data: {\"x\":\ndata:  1}\n\n",
        &[SseEvent::data("{\"x\":\n 1}")],
    );
}

#[test]
fn sse_final_event_without_blank_line_is_flushed() {
    check_all_splits(
        "data: a\n\ndata: [DONE]",
        &[SseEvent::data("a"), SseEvent::data("[DONE]")],
    );
}

#[test]
fn sse_event_without_data_is_dropped_and_name_reset() {
    check_all_splits("event: ping\n\ndata: x\n\n", &[SseEvent::data("x")]);
}

#[test]
fn sse_utf8_split_inside_a_character() {
    check_all_splits("data: héllo ✓\n\n", &[SseEvent::data("héllo ✓")]);
}

#[test]
fn sse_line_limit_is_enforced() {
    let mut parser = SseParser::new();
    let mut out = Vec::new();
    let big = vec![b'a'; MAX_LINE];
    parser
        .push(&big, &mut out)
        .expect("exactly the limit is fine");
    assert_eq!(parser.push(b"b", &mut out), Err(DecodeError::LineTooLong));
}

fn split_in_chunks(input: &[u8], cuts: &[usize]) -> Result<Vec<String>, DecodeError> {
    let mut splitter = JsonArraySplitter::new();
    let mut out = Vec::new();
    let mut start = 0;
    for &cut in cuts {
        splitter.push(&input[start..cut], &mut out)?;
        start = cut;
    }
    splitter.push(&input[start..], &mut out)?;
    splitter.finish()?;
    Ok(out)
}

#[test]
fn json_array_elements_survive_every_split() {
    let input = "[{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a]},\\\"{\"}]}}]}\r\n,\r\n{\"usageMetadata\":{\"totalTokenCount\":3}}\n]\n";
    let expected = vec![
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a]},\\\"{\"}]}}]}".to_owned(),
        "{\"usageMetadata\":{\"totalTokenCount\":3}}".to_owned(),
    ];
    let bytes = input.as_bytes();
    for a in 0..=bytes.len() {
        for b in a..=bytes.len() {
            assert_eq!(
                split_in_chunks(bytes, &[a, b]),
                Ok(expected.clone()),
                "split {a},{b}"
            );
        }
    }
}

#[test]
fn json_bare_object_is_one_element() {
    let input = b"  {\"error\":{\"code\":429}}\n";
    assert_eq!(
        split_in_chunks(input, &[5]),
        Ok(vec!["{\"error\":{\"code\":429}}".to_owned()])
    );
}

#[test]
fn json_truncated_array_is_an_error() {
    assert!(split_in_chunks(b"[{\"a\":1},{\"b\":", &[]).is_err());
    assert!(split_in_chunks(b"[{\"a\":1}", &[]).is_err());
    assert!(split_in_chunks(b"nope", &[]).is_err());
    assert_eq!(split_in_chunks(b"[]", &[1]), Ok(vec![]));
    assert_eq!(split_in_chunks(b"", &[]), Ok(vec![]));
}
