//! Test doubles for executor tests: a tiny recording upstream (axum on 127.0.0.1:0)
//! whose reply is chosen per request by a closure, and a minimal HTTP forward-proxy stub
//! that records the request line it received and answers itself.

#![allow(dead_code, reason = "each test binary uses a different subset")]
#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions fail loudly on broken fixtures"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use bytes::Bytes;
use futures_util::{StreamExt as _, stream};
use http::{HeaderMap, StatusCode};
use parking_lot::Mutex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the upstream saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is json")
    }
}

/// What the upstream answers.
pub enum Reply {
    /// Status, extra headers, JSON body.
    Json(u16, Vec<(&'static str, String)>, String),
    /// Status, headers and raw body bytes (e.g. a gzip-encoded body).
    Raw(u16, Vec<(&'static str, String)>, Vec<u8>),
    /// 200 with the given content type, body sent in these chunks (10 ms apart).
    Chunks(&'static str, Vec<String>),
    /// 200 SSE: these chunks, then the connection is aborted mid-body.
    Abort(Vec<String>),
    /// 200 SSE: one event, then silence forever (the connection stays open).
    Stall,
    /// 200 SSE that never ends; `dropped` turns true when the body is dropped.
    Endless(Arc<AtomicBool>),
}

impl Reply {
    pub fn ok_json(body: &str) -> Self {
        Self::Json(200, Vec::new(), body.to_owned())
    }

    pub fn sse(chunks: &[&str]) -> Self {
        Self::Chunks(
            "text/event-stream",
            chunks.iter().map(|c| (*c).to_owned()).collect(),
        )
    }
}

type Responder = dyn Fn(&Recorded) -> Reply + Send + Sync;

#[derive(Clone)]
struct StubState {
    requests: Arc<Mutex<Vec<Recorded>>>,
    respond: Arc<Responder>,
}

/// A recording upstream.
pub struct Stub {
    pub base: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Stub {
    pub async fn start(respond: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let state = StubState {
            requests: requests.clone(),
            respond: Arc::new(respond),
        };
        let app = axum::Router::new().fallback(handle).with_state(state);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Self {
            base: format!("http://{addr}"),
            requests,
        }
    }

    /// Starts a stub that always gives the same reply (built fresh per request).
    pub async fn always(reply: impl Fn() -> Reply + Send + Sync + 'static) -> Self {
        Self::start(move |_| reply()).await
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().clone()
    }

    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one upstream request");
        requests.into_iter().next().expect("one request")
    }
}

async fn handle(State(state): State<StubState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.expect("body");
    let recorded = Recorded {
        method: parts.method.to_string(),
        path_and_query: parts
            .uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        headers: parts.headers,
        body,
    };
    state.requests.lock().push(recorded.clone());
    match (state.respond)(&recorded) {
        Reply::Json(status, headers, body) => {
            let mut builder = Response::builder()
                .status(StatusCode::from_u16(status).expect("status"))
                .header("content-type", "application/json");
            for (name, value) in headers {
                builder = builder.header(name, value);
            }
            builder.body(Body::from(body)).expect("response")
        }
        Reply::Raw(status, headers, body) => {
            let mut builder =
                Response::builder().status(StatusCode::from_u16(status).expect("status"));
            for (name, value) in headers {
                builder = builder.header(name, value);
            }
            builder.body(Body::from(body)).expect("response")
        }
        Reply::Chunks(content_type, chunks) => {
            let body = stream::unfold(chunks.into_iter(), |mut it| async move {
                let next = it.next()?;
                tokio::time::sleep(Duration::from_millis(10)).await;
                Some((Ok::<_, std::io::Error>(Bytes::from(next)), it))
            });
            Response::builder()
                .header("content-type", content_type)
                .body(Body::from_stream(body))
                .expect("response")
        }
        Reply::Abort(chunks) => {
            let items: Vec<Result<Bytes, std::io::Error>> = chunks
                .into_iter()
                .map(|c| Ok(Bytes::from(c)))
                .chain(std::iter::once(Err(std::io::Error::other("boom"))))
                .collect();
            let body = stream::unfold(items.into_iter(), |mut it| async move {
                let next = it.next()?;
                tokio::time::sleep(Duration::from_millis(10)).await;
                Some((next, it))
            });
            Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(body))
                .expect("response")
        }
        Reply::Stall => {
            let first = stream::once(async {
                Ok::<_, std::io::Error>(Bytes::from_static(b"data: {}\n\n"))
            });
            let body = first.chain(stream::pending());
            Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(body))
                .expect("response")
        }
        Reply::Endless(dropped) => {
            let guard = DropFlag(dropped);
            let body = stream::unfold(guard, |guard| async move {
                tokio::time::sleep(Duration::from_millis(10)).await;
                Some((
                    Ok::<_, std::io::Error>(Bytes::from_static(b"data: {\"tick\":1}\n\n")),
                    guard,
                ))
            });
            Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(body))
                .expect("response")
        }
    }
}

struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A forward HTTP proxy stub: records each request head and answers `reply_body` itself.
pub struct ProxyStub {
    pub url: String,
    pub heads: Arc<Mutex<Vec<String>>>,
}

impl ProxyStub {
    pub async fn start(reply_body: &'static str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let heads = Arc::new(Mutex::new(Vec::new()));
        let lines = heads.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let lines = lines.clone();
                tokio::spawn(async move {
                    let head = read_head(&mut socket).await;
                    lines.lock().push(head);
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply_body}",
                        reply_body.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self {
            url: format!("http://{addr}"),
            heads,
        }
    }
}

impl ProxyStub {
    /// The first line of every request received.
    pub fn request_lines(&self) -> Vec<String> {
        self.heads
            .lock()
            .iter()
            .map(|h| h.lines().next().unwrap_or_default().to_owned())
            .collect()
    }

    /// The value of `name` in the only request received (case-insensitive).
    pub fn header(&self, name: &str) -> Option<String> {
        let heads = self.heads.lock();
        let head = heads.first()?;
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

/// Reads the request head and its `content-length` body; returns the head as text.
async fn read_head(socket: &mut tokio::net::TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let length = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = socket.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return head;
        }
    }
    String::from_utf8_lossy(&buf).to_string()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Collects every item of a stream (events as `(event, data)`, errors as `Err(label)`).
pub async fn collect(
    mut stream: cpa_providers::UpstreamStream,
) -> (
    Vec<Result<(Option<String>, String), &'static str>>,
    Option<cpa_providers::Usage>,
) {
    use futures_util::StreamExt;
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item.map(|e| (e.event, e.data)).map_err(|e| e.label()));
    }
    let usage = stream.usage();
    (items, usage)
}
