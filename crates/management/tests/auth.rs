//! Guard middleware over real HTTP: keys, availability, remote access, spoofing,
//! bans, build headers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::IpAddr;

use common::{Harness, KEY};
use serde_json::json;

const REMOTE: [u8; 4] = [203, 0, 113, 7];

async fn status_and_text(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    (status, resp.text().await.expect("text"))
}

#[tokio::test]
async fn missing_and_wrong_keys_are_401_with_build_headers() {
    let h = Harness::start().await;
    let resp = h.client.get(h.url("/debug")).send().await.expect("send");
    assert_eq!(resp.headers()["x-cpa-version"], "9.9.9");
    assert_eq!(resp.headers()["x-cpa-commit"], "abc123");
    assert_eq!(resp.headers()["x-cpa-build-date"], "2026-01-01");
    let (status, body) = status_and_text(resp).await;
    assert_eq!(
        (status, body.as_str()),
        (401, r#"{"error":"missing management key"}"#)
    );

    let resp = h
        .client
        .get(h.url("/debug"))
        .bearer_auth("nope")
        .send()
        .await
        .expect("send");
    let (status, body) = status_and_text(resp).await;
    assert_eq!(
        (status, body.as_str()),
        (401, r#"{"error":"invalid management key"}"#)
    );
}

#[tokio::test]
async fn bearer_raw_authorization_and_x_management_key_are_accepted() {
    let h = Harness::start().await;
    let resp = h
        .req(reqwest::Method::GET, "/debug")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.headers()["x-cpa-version"], "9.9.9");
    assert_eq!(
        resp.json::<serde_json::Value>().await.expect("json"),
        json!({"debug": false})
    );
    for (name, value) in [("x-management-key", KEY), ("authorization", KEY)] {
        let resp = h
            .client
            .get(h.url("/debug"))
            .header(name, value)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status().as_u16(), 200, "{name}");
    }
}

#[tokio::test]
async fn no_secret_and_no_password_means_404_everywhere() {
    let h = Harness::builder()
        .yaml("auth-dir: \"{AUTH}\"\ndebug: true\n")
        .start()
        .await;
    let resp = h
        .req(reqwest::Method::GET, "/debug")
        .send()
        .await
        .expect("send");
    assert!(resp.headers().get("x-cpa-version").is_none());
    let (status, body) = status_and_text(resp).await;
    assert_eq!((status, body.as_str()), (404, ""));
    let (status, _) = h.call("PUT", "/config.yaml", Some("debug: false\n")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn management_password_is_an_extra_key_and_allows_remote() {
    let h = Harness::builder()
        .password("env-pw")
        .peer(IpAddr::from(REMOTE))
        .start()
        .await;
    let resp = h
        .client
        .get(h.url("/debug"))
        .bearer_auth("env-pw")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 200, "env password works remotely");
    let (status, _) = h.get("/debug").await;
    assert_eq!(status, 200, "config secret still works");
    assert!(!h.yaml().contains("env-pw"), "never persisted");

    let only_env = Harness::builder()
        .yaml("auth-dir: \"{AUTH}\"\n")
        .password("env-pw")
        .start()
        .await;
    let resp = only_env
        .client
        .get(only_env.url("/debug"))
        .header("x-management-key", "env-pw")
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.status().as_u16(),
        200,
        "routes enabled by the env password alone"
    );
}

#[tokio::test]
async fn remote_peer_is_refused_when_allow_remote_is_false() {
    let h = Harness::builder().peer(IpAddr::from(REMOTE)).start().await;
    let (status, body) = h.get("/debug").await;
    assert_eq!(
        (status, body),
        (403, json!({"error": "remote management disabled"}))
    );
    let resp = h
        .req(reqwest::Method::GET, "/debug")
        .header("x-forwarded-for", "127.0.0.1")
        .header("x-real-ip", "127.0.0.1")
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.status().as_u16(),
        403,
        "spoofed forwarding headers are ignored"
    );
}

#[tokio::test]
async fn trusted_proxy_may_forward_a_local_client() {
    let proxy = IpAddr::from(REMOTE);
    let h = Harness::builder().peer(proxy).trusted(proxy).start().await;
    let resp = h
        .req(reqwest::Method::GET, "/debug")
        .header("x-forwarded-for", "127.0.0.1, 10.0.0.1")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 200);
    let (status, _) = h.get("/debug").await;
    assert_eq!(status, 403, "without the header the proxy itself is remote");
}

#[tokio::test]
async fn five_failures_ban_a_remote_address() {
    let yaml = "remote-management:\n  allow-remote: true\n  secret-key: \"{HASH}\"\nauth-dir: \"{AUTH}\"\n";
    let h = Harness::builder()
        .yaml(yaml)
        .peer(IpAddr::from(REMOTE))
        .start()
        .await;
    for i in 0..5 {
        let resp = h
            .client
            .get(h.url("/debug"))
            .bearer_auth("bad")
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status().as_u16(), 401, "attempt {i}");
    }
    let (status, body) = h.get("/debug").await;
    assert_eq!(status, 403, "even the right key is refused during a ban");
    let message = body["error"].as_str().expect("error text");
    assert!(
        message.starts_with("IP banned due to too many failed attempts. Try again in 29m5")
            || message.ends_with("30m0s"),
        "{message}"
    );
}

#[tokio::test]
async fn local_failures_are_never_banned() {
    let h = Harness::start().await;
    for _ in 0..6 {
        let resp = h
            .client
            .get(h.url("/debug"))
            .bearer_auth("bad")
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status().as_u16(), 401);
    }
    assert_eq!(h.get("/debug").await.0, 200);
}

#[tokio::test]
async fn unknown_paths_are_plain_404() {
    let h = Harness::start().await;
    let (status, _) = h.get("/no-such-route").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn real_non_loopback_peer_is_refused() {
    // The machine's outbound address (no packet is sent by a UDP connect).
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").expect("udp");
    let Ok(()) = socket.connect("192.0.2.1:80") else {
        return; // no non-loopback interface: covered by the injected-peer tests
    };
    let ip = socket.local_addr().expect("addr").ip();
    if ip.is_loopback() || ip.is_unspecified() {
        return;
    }
    let h = Harness::builder().bind(ip).start().await;
    let (status, body) = h.get("/debug").await;
    assert_eq!(
        (status, body),
        (403, json!({"error": "remote management disabled"}))
    );
}
