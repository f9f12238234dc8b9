//! Request recording: the in-process API and the `/__mock/requests` endpoint.

mod support;

use serde_json::{Value, json};
use support::{GEMINI, OPENAI, mock, post};

#[tokio::test]
async fn requests_are_recorded_with_headers_query_and_body() {
    let mock = mock().await;
    let body = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]});
    post(&mock, "/v1/chat/completions", OPENAI, &body).await;
    post(
        &mock,
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        GEMINI,
        &json!({"contents": [{"parts": [{"text": "x"}]}]}),
    )
    .await;

    let all = mock.requests();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].method, "POST");
    assert_eq!(all[0].path, "/v1/chat/completions");
    assert_eq!(all[0].header("Authorization"), Some("Bearer sk-test"));
    assert_eq!(all[0].body, body);
    let gemini = mock.requests_for(":streamGenerateContent");
    assert_eq!(gemini.len(), 1);
    assert_eq!(gemini[0].query.as_deref(), Some("alt=sse"));
    assert_eq!(gemini[0].header("x-goog-api-key"), Some("g-test"));

    mock.clear();
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn http_endpoint_lists_filters_and_clears() {
    let mock = mock().await;
    post(
        &mock,
        "/v1/chat/completions",
        OPENAI,
        &json!({"model": "a", "messages": []}),
    )
    .await;
    post(&mock, "/v1/unknown/route", OPENAI, &json!({"x": 1})).await;
    let client = reqwest::Client::new();
    let url = format!("{}/__mock/requests", mock.base_url());
    let all: Value = client.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        all.as_array().unwrap().len(),
        2,
        "control calls are not recorded; 404s are"
    );
    assert_eq!(all[0]["headers"]["authorization"], "Bearer sk-test");
    assert_eq!(all[1]["path"], "/v1/unknown/route");
    let filtered: Value = client
        .get(format!("{url}?path=chat"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    assert_eq!(filtered[0]["body"]["model"], "a");
    let status = client.delete(&url).send().await.unwrap().status();
    assert_eq!(status, 204);
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn invalid_json_is_rejected_but_recorded() {
    let mock = mock().await;
    let reply = reqwest::Client::new()
        .post(format!("{}/v1/messages", mock.base_url()))
        .header("x-api-key", "k")
        .header("anthropic-version", "2023-06-01")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
    let json: Value = reply.json().await.unwrap();
    assert_eq!(json["error"]["type"], "invalid_request_error");
    assert_eq!(mock.requests()[0].body, Value::String("{not json".into()));
}

#[tokio::test]
async fn json_is_compressed_when_asked_and_sse_never() {
    let mock = mock().await;
    let client = reqwest::Client::builder()
        // Other workspace crates enable reqwest's decompression; see the raw bytes here.
        .no_gzip()
        .no_brotli()
        .no_zstd()
        .no_deflate()
        .build()
        .unwrap();
    let body = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "squeeze me"}]});
    let plain = client
        .post(format!("{}/v1/chat/completions", mock.base_url()))
        .bearer_auth("k")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let gzip = client
        .post(format!("{}/v1/chat/completions", mock.base_url()))
        .bearer_auth("k")
        .header("accept-encoding", "gzip")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    let bytes = gzip.bytes().await.unwrap();
    assert_eq!(bytes[..2], [0x1f, 0x8b]);
    let mut streaming = body.clone();
    streaming["stream"] = json!(true);
    let sse = client
        .post(format!("{}/v1/chat/completions", mock.base_url()))
        .bearer_auth("k")
        .header("accept-encoding", "gzip")
        .json(&streaming)
        .send()
        .await
        .unwrap();
    assert!(sse.headers().get("content-encoding").is_none());
    assert!(sse.text().await.unwrap().ends_with("data: [DONE]\n\n"));
}
