//! Optional capture of what executors send upstream, for the request log.
//!
//! The pipeline runs an executor call inside [`capture`] when the request log wants the
//! upstream side of a request; [`crate::transport`] then records each outgoing request
//! (URL, headers, body) into the scope's sink. Outside a capture scope recording is a
//! no-op, so the hot path pays one task-local lookup.
//!
//! Must not: alter the request, or hold the sink's lock across an await.

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use parking_lot::Mutex;

use crate::transport::Outgoing;

/// One request as it went upstream. Headers include credentials: the request-log writer
/// masks them when rendering.
#[derive(Debug, Clone)]
pub struct SentRequest {
    /// Full upstream URL.
    pub url: String,
    /// Header names and values as sent.
    pub headers: Vec<(String, String)>,
    /// Body as sent.
    pub body: Bytes,
}

/// Where captured requests go.
pub type CaptureSink = Arc<Mutex<Vec<SentRequest>>>;

tokio::task_local! {
    static SINK: CaptureSink;
}

/// Runs `fut` with outgoing requests recorded into `sink`.
pub async fn capture<F: Future>(sink: CaptureSink, fut: F) -> F::Output {
    SINK.scope(sink, fut).await
}

/// Records `out` when inside a capture scope.
pub(crate) fn record(out: &Outgoing) {
    let _ = SINK.try_with(|sink| {
        sink.lock().push(SentRequest {
            url: out.url.clone(),
            headers: out
                .headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: out.body.clone(),
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_only_inside_a_scope() {
        let out = Outgoing {
            url: "http://upstream/v1/messages".into(),
            headers: http::HeaderMap::new(),
            body: Bytes::from_static(b"{}"),
        };
        record(&out);
        let sink = CaptureSink::default();
        capture(sink.clone(), async { record(&out) }).await;
        let seen = sink.lock();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].url, "http://upstream/v1/messages");
        assert_eq!(&seen[0].body[..], b"{}");
    }
}
