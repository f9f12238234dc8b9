//! Response bodies: SSE framing and the stream faults applied to them.
//!
//! Handlers build a list of pre-serialized frames; this module turns it into a body,
//! applying `slow-stream`, `drop-mid-stream` and `error-mid-stream`. Without faults the
//! frames are written back to back with no timers, so the mock never paces a benchmark.
//! This module knows nothing of any format's event names or JSON shapes.

use std::io;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use futures_util::{StreamExt, stream};
use serde::Serialize;

use crate::faults::Faults;

/// How long `drop-mid-stream` waits before aborting, so sent bytes reach the client.
const DROP_FLUSH_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

/// The terminating frame of an OpenAI Chat Completions stream.
pub(crate) const DONE_FRAME: &[u8] = b"data: [DONE]\n\n";

/// `data: <json>\n\n`.
pub(crate) fn data_frame(value: &impl Serialize) -> Bytes {
    let mut out = b"data: ".to_vec();
    // Serializing a `serde_json::Value` into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut out, value);
    out.extend_from_slice(b"\n\n");
    out.into()
}

/// `event: <name>\ndata: <json>\n\n`.
pub(crate) fn event_frame(name: &str, value: &impl Serialize) -> Bytes {
    let mut out = format!("event: {name}\ndata: ").into_bytes();
    let _ = serde_json::to_writer(&mut out, value);
    out.extend_from_slice(b"\n\n");
    out.into()
}

/// Compact JSON bytes of `value`.
pub(crate) fn json_bytes(value: &impl Serialize) -> Bytes {
    serde_json::to_vec(value).unwrap_or_default().into()
}

/// A `text/event-stream` response made of `frames`.
///
/// `error_frame` is what `error-mid-stream` sends in place of the second half.
pub(crate) fn sse_response(frames: Vec<Bytes>, faults: &Faults, error_frame: Bytes) -> Response {
    streamed_response("text/event-stream", frames, faults, Some(error_frame))
}

/// A streamed response of `frames` with an arbitrary content type.
pub(crate) fn streamed_response(
    content_type: &'static str,
    mut frames: Vec<Bytes>,
    faults: &Faults,
    error_frame: Option<Bytes>,
) -> Response {
    let half = frames.len().div_ceil(2).max(1);
    if let Some(error_frame) = error_frame.filter(|_| faults.is_error_mid_stream) {
        frames.truncate(half);
        frames.push(error_frame);
    }
    let is_dropping = faults.is_drop_mid_stream;
    if is_dropping {
        frames.truncate(half);
    }
    let body = frames_body(frames, faults.slow_stream, is_dropping);
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// A JSON response; `drop-mid-stream` cuts it in half and aborts.
pub(crate) fn json_response(value: &impl Serialize, faults: &Faults) -> Response {
    let bytes = json_bytes(value);
    let body = if faults.is_drop_mid_stream {
        let half = bytes.slice(..bytes.len() / 2);
        frames_body(vec![half], None, true)
    } else {
        Body::from(bytes)
    };
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn frames_body(frames: Vec<Bytes>, pause: Option<std::time::Duration>, is_dropping: bool) -> Body {
    // The abort waits a moment so hyper flushes the head and the frames first;
    // otherwise the client would see a connection reset before any byte, which is a
    // different failure than "dropped mid-stream".
    let tail = stream::iter(is_dropping.then_some(())).then(|()| async {
        tokio::time::sleep(DROP_FLUSH_PAUSE).await;
        Err::<Bytes, _>(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "mock dropped the connection mid-stream",
        ))
    });
    match pause {
        None => Body::from_stream(stream::iter(frames.into_iter().map(Ok)).chain(tail)),
        Some(pause) => {
            let paced =
                stream::iter(frames.into_iter().enumerate()).then(move |(i, frame)| async move {
                    if i > 0 {
                        tokio::time::sleep(pause).await;
                    }
                    Ok(frame)
                });
            Body::from_stream(paced.chain(tail))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn frames_have_sse_framing() {
        let frame = event_frame("ping", &json!({"type": "ping"}));
        assert_eq!(&frame[..], b"event: ping\ndata: {\"type\":\"ping\"}\n\n");
        assert_eq!(&data_frame(&json!(1))[..], b"data: 1\n\n");
    }
}
