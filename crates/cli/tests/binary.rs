//! The real binary, as a user runs it: start-up with a missing or invalid config, the
//! exposure guard, graceful shutdown with a stream in flight, and TLS.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test code"
)]

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_cli-proxy-api");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env_remove("MANAGEMENT_PASSWORD")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn binary")
}

fn wait_until_up(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if reqwest::blocking::get(url).is_ok_and(|r| r.status().is_success()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("server at {url} did not come up");
}

/// Writes `config.yaml` (loopback, a free port, then `extra`), starts the binary with
/// `args` and waits until it answers. Returns the process and its port.
fn start(dir: &Path, extra: &str, args: &[&str]) -> (Child, u16) {
    let port = free_port();
    std::fs::write(
        dir.join("config.yaml"),
        format!("host: 127.0.0.1\nport: {port}\n{extra}"),
    )
    .unwrap();
    let child = spawn(dir, args);
    wait_until_up(&format!("http://127.0.0.1:{port}/"));
    (child, port)
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "server did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stderr_of(mut child: Child) -> String {
    let mut text = String::new();
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut text).ok();
    }
    text
}

#[test]
fn missing_config_is_written_from_the_example_and_served() {
    let dir = tempfile::tempdir().unwrap();
    // The example listens on 8317; use a copy with a free port so tests can run in parallel.
    let port = free_port();
    let example = cpa_config::EXAMPLE_CONFIG.replace("port: 8317", &format!("port: {port}"));
    assert_ne!(
        example,
        cpa_config::EXAMPLE_CONFIG,
        "the example sets port 8317"
    );
    let mut child = spawn(dir.path(), &["--config", "fresh.yaml"]);
    // The binary writes the real example; it would listen on 8317, which may be taken, so
    // only check that the file appears with the embedded content, then stop it.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !dir.path().join("fresh.yaml").exists() {
        assert!(Instant::now() < deadline, "example config was not written");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let written = std::fs::read_to_string(dir.path().join("fresh.yaml")).unwrap();
    assert_eq!(written, cpa_config::EXAMPLE_CONFIG);
    terminate(&mut child);

    std::fs::write(dir.path().join("config.yaml"), example).unwrap();
    let mut child = spawn(dir.path(), &[]);
    wait_until_up(&format!("http://127.0.0.1:{port}/"));
    let status = terminate(&mut child);
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn invalid_config_exits_non_zero_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.yaml"),
        "port: 1\nclaude-api-key:\n  - api-key: a\n  - api-key: b\n    base-url: not a url\n",
    )
    .unwrap();
    let output = Command::new(BIN)
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("claude-api-key[1].base-url"), "{stderr}");
    assert!(stderr.contains("not a URL"), "{stderr}");
}

#[test]
fn open_network_without_keys_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    std::fs::write(
        dir.path().join("config.yaml"),
        format!("host: \"0.0.0.0\"\nport: {port}\n"),
    )
    .unwrap();
    let output = Command::new(BIN)
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--allow-unauthenticated-network"),
        "{stderr}"
    );

    let mut child = spawn(dir.path(), &["--allow-unauthenticated-network"]);
    wait_until_up(&format!("http://127.0.0.1:{port}/"));
    assert!(terminate(&mut child).success());
}

#[test]
fn sigterm_lets_an_in_flight_stream_finish() {
    let dir = tempfile::tempdir().unwrap();
    let mut mock = spawn(dir.path(), &["mock-upstream", "--port", "0"]);
    let mut line = String::new();
    BufReader::new(mock.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let mock_url = line.trim().rsplit(' ').next().unwrap().to_owned();
    let port = free_port();
    std::fs::write(
        dir.path().join("config.yaml"),
        format!(
            "host: 127.0.0.1\nport: {port}\nclaude-api-key:\n  - api-key: k\n    base-url: \"{mock_url}\"\n    models: [{{name: claude-slow-stream-300, alias: slowmodel}}]\n"
        ),
    )
    .unwrap();
    let mut child = spawn(dir.path(), &[]);
    wait_until_up(&format!("http://127.0.0.1:{port}/"));

    let request = std::thread::spawn(move || {
        let response = reqwest::blocking::Client::new()
            .post(format!("http://127.0.0.1:{port}/v1/messages"))
            .body(r#"{"model":"slowmodel","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"one two three four five"}]}"#)
            .send()
            .expect("send");
        response.text().expect("body")
    });
    std::thread::sleep(Duration::from_millis(600));
    let signalled = Instant::now();
    let status = terminate(&mut child);
    let body = request.join().unwrap();
    assert!(
        signalled.elapsed() > Duration::from_millis(500),
        "the stream should still have been running when SIGTERM arrived"
    );
    assert!(status.success(), "exit {status:?}");
    assert!(body.contains("message_stop"), "stream was cut: {body}");
    terminate(&mut mock);
    let _ = stderr_of(child);
}

#[test]
fn tls_serves_https_with_the_configured_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    std::fs::write(dir.path().join("cert.pem"), cert.cert.pem()).unwrap();
    std::fs::write(dir.path().join("key.pem"), cert.key_pair.serialize_pem()).unwrap();
    let port = free_port();
    std::fs::write(
        dir.path().join("config.yaml"),
        format!("host: 127.0.0.1\nport: {port}\ntls:\n  enable: true\n  cert: cert.pem\n  key: key.pem\n"),
    )
    .unwrap();
    let mut child = spawn(dir.path(), &[]);
    let client = reqwest::blocking::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let body = loop {
        match client.get(format!("https://localhost:{port}/")).send() {
            Ok(response) => break response.text().unwrap(),
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(err) => panic!("https never came up: {err}; stderr: {}", stderr_of(child)),
        }
    };
    assert!(body.contains("CLI Proxy API Server"), "{body}");
    assert!(terminate(&mut child).success());
}

#[test]
fn keep_alive_needs_the_password_and_its_absence_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, port) = start(dir.path(), "", &["--password", "launcher-secret"]);
    let client = reqwest::blocking::Client::new();
    let url = format!("http://127.0.0.1:{port}/keep-alive");
    let wrong = client.get(&url).bearer_auth("nope").send().unwrap();
    assert_eq!(wrong.status(), 401);
    let right = client
        .get(&url)
        .header("x-local-password", "launcher-secret")
        .send()
        .unwrap();
    assert_eq!(right.status(), 200);
    let last_call = Instant::now();
    let deadline = last_call + Duration::from_secs(25);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "server kept running without keep-alive calls"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status:?}");
    assert!(
        last_call.elapsed() >= Duration::from_secs(9),
        "stopped too early"
    );
}

#[test]
fn keep_alive_route_is_absent_without_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, port) = start(dir.path(), "", &[]);
    let response = reqwest::blocking::get(format!("http://127.0.0.1:{port}/keep-alive")).unwrap();
    assert_eq!(response.status(), 404);
    assert!(terminate(&mut child).success());
}

#[test]
fn debug_switches_the_log_level_live() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = dir.path().join("config.yaml");
    std::fs::write(
        &config,
        format!("host: 127.0.0.1\nport: {port}\ndebug: false\n"),
    )
    .unwrap();
    let log = std::fs::File::create(dir.path().join("out.log")).unwrap();
    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env_remove("RUST_LOG")
        .stdout(log)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until_up(&format!("http://127.0.0.1:{port}/"));
    let ask = || {
        reqwest::blocking::Client::new()
            .post(format!("http://127.0.0.1:{port}/v1/chat/completions"))
            .body(r#"{"model":"no-such-model","messages":[]}"#)
            .send()
            .unwrap()
    };
    ask();
    let before = std::fs::read_to_string(dir.path().join("out.log")).unwrap();
    assert!(
        !before.contains("model resolved"),
        "debug line before debug was on"
    );

    std::fs::write(
        &config,
        format!("host: 127.0.0.1\nport: {port}\ndebug: true\n"),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        std::thread::sleep(Duration::from_millis(200));
        ask();
        let text = std::fs::read_to_string(dir.path().join("out.log")).unwrap();
        if text.contains("log level changed") && text.contains("DEBUG") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "debug never took effect:\n{text}"
        );
    }
    assert!(terminate(&mut child).success());
}

#[test]
fn management_api_is_mounted_guarded_and_persists_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    let (mut child, port) = start(
        dir.path(),
        "# managed by the test\nremote-management:\n  secret-key: \"mgmt-secret\" # keep this comment\napi-keys: [\"old-key\"]\nunknown-extension: 42\n",
        &[],
    );
    let base = format!("http://127.0.0.1:{port}/v0/management");
    let client = reqwest::blocking::Client::new();

    let missing = client.get(format!("{base}/api-keys")).send().unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(
        missing.headers()["x-cpa-version"],
        env!("CARGO_PKG_VERSION")
    );
    let wrong = client
        .get(format!("{base}/api-keys"))
        .bearer_auth("nope")
        .send()
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let put = client
        .put(format!("{base}/api-keys"))
        .header("x-management-key", "mgmt-secret")
        .body(r#"["new-key"]"#)
        .send()
        .unwrap();
    assert_eq!(put.status(), 200, "{}", put.text().unwrap_or_default());

    let on_disk = std::fs::read_to_string(&config).unwrap();
    assert!(on_disk.contains("# managed by the test"), "{on_disk}");
    assert!(on_disk.contains("# keep this comment"), "{on_disk}");
    assert!(on_disk.contains("unknown-extension: 42"), "{on_disk}");
    assert!(
        on_disk.contains("new-key") && !on_disk.contains("old-key"),
        "{on_disk}"
    );
    assert!(
        on_disk.contains("$2"),
        "the secret was not hashed: {on_disk}"
    );

    // The change is live for the client API without a restart.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = client
            .get(format!("http://127.0.0.1:{port}/v1/models"))
            .bearer_auth("new-key")
            .send()
            .unwrap()
            .status();
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "new key never accepted ({status})"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(terminate(&mut child).success());
}

#[test]
fn management_api_is_absent_without_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, port) = start(dir.path(), "", &[]);
    let response = reqwest::blocking::Client::new()
        .get(format!("http://127.0.0.1:{port}/v0/management/config"))
        .bearer_auth("anything")
        .send()
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(terminate(&mut child).success());
}
