//! Test harness: a real HTTP server on 127.0.0.1:0 running the management router
//! over a config file with comments in a temp directory.
//!
//! Non-loopback peers: `HarnessBuilder::peer(ip)` adds a test-only outer layer that
//! overwrites the `ConnectInfo<SocketAddr>` extension with that address (the
//! connection itself still comes from 127.0.0.1). The library has no test hook;
//! `auth.rs` also has one test that binds the machine's non-loopback address when
//! it has one, so the real peer path is exercised too.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::ConnectInfo;
use cpa_config::save::{SaveHook, SaveOptions};
use cpa_config::{Env, LoadOptions};
use cpa_management::{BuildInfo, LiveConfig, ManagementContext};
use cpa_usage::{UsageConfig, UsageService};
use serde_json::Value;
use tempfile::TempDir;

/// The plaintext management key of the default config.
pub const KEY: &str = "test-secret";

/// A config file with comments, a hashed secret and an auth dir placeholder.
pub fn default_yaml(hash: &str, auth_dir: &str) -> String {
    format!(
        "# cli-proxy-api test config\nport: 8317 # the port\n\nremote-management:\n  \
         # remote access stays off\n  allow-remote: false\n  secret-key: \"{hash}\"\n\n\
         auth-dir: \"{auth_dir}\"\n# client keys\napi-keys:\n  - k1 # first\n  - k2\n\n\
         debug: false\nunknown-top-level: keep-me # unknown keys survive\n"
    )
}

/// A bcrypt hash of [`KEY`] at the minimum cost (fast tests).
pub fn key_hash() -> String {
    bcrypt::hash(KEY, 4).expect("bcrypt")
}

/// Configures a harness.
#[derive(Default)]
pub struct HarnessBuilder {
    yaml: Option<String>,
    password: Option<String>,
    peer: Option<IpAddr>,
    trusted: Vec<IpAddr>,
    is_usage: bool,
    hook: Option<SaveHook>,
    bind: Option<IpAddr>,
}

/// A running management server.
pub struct Harness {
    pub base: String,
    pub dir: TempDir,
    pub config_path: PathBuf,
    pub auth_dir: PathBuf,
    pub logs_dir: PathBuf,
    pub live: LiveConfig,
    pub applied: Arc<AtomicUsize>,
    pub usage: Option<UsageService>,
    pub client: reqwest::Client,
}

impl HarnessBuilder {
    /// Config text; `{HASH}` and `{AUTH}` are replaced.
    pub fn yaml(mut self, yaml: &str) -> Self {
        self.yaml = Some(yaml.to_owned());
        self
    }
    pub fn password(mut self, pw: &str) -> Self {
        self.password = Some(pw.to_owned());
        self
    }
    pub fn peer(mut self, ip: IpAddr) -> Self {
        self.peer = Some(ip);
        self
    }
    pub fn trusted(mut self, ip: IpAddr) -> Self {
        self.trusted.push(ip);
        self
    }
    pub fn usage(mut self) -> Self {
        self.is_usage = true;
        self
    }
    pub fn save_hook(mut self, hook: SaveHook) -> Self {
        self.hook = Some(hook);
        self
    }
    pub fn bind(mut self, ip: IpAddr) -> Self {
        self.bind = Some(ip);
        self
    }

    pub async fn start(self) -> Harness {
        let dir = tempfile::tempdir().expect("tempdir");
        let auth_dir = dir.path().join("auth");
        let logs_dir = dir.path().join("logs");
        std::fs::create_dir_all(&auth_dir).expect("auth dir");
        let hash = key_hash();
        let yaml = match self.yaml {
            Some(y) => y
                .replace("{HASH}", &hash)
                .replace("{AUTH}", &auth_dir.to_string_lossy()),
            None => default_yaml(&hash, &auth_dir.to_string_lossy()),
        };
        let config_path = dir.path().join("config.yaml");
        std::fs::write(&config_path, yaml).expect("write config");
        let env = Env {
            management_password: self.password.clone(),
            ..Env::default()
        };
        let loaded = cpa_config::load_with(
            &config_path,
            &LoadOptions {
                env: env.clone(),
                ..LoadOptions::default()
            },
        )
        .expect("config loads");
        let usage = if self.is_usage {
            Some(
                UsageService::start(UsageConfig {
                    statistics_enabled: true,
                    ..UsageConfig::default()
                })
                .await
                .expect("usage"),
            )
        } else {
            None
        };
        let live = LiveConfig::new(loaded);
        let applied = Arc::new(AtomicUsize::new(0));
        let (read, write, count) = (live.clone(), live.clone(), applied.clone());
        let mut ctx = ManagementContext::new(
            &config_path,
            move || read.snapshot(),
            move |l| {
                write.store(l);
                count.fetch_add(1, Ordering::SeqCst);
            },
        )
        .with_env(env)
        .with_logs_dir(&logs_dir)
        .with_trusted_proxies(self.trusted)
        .with_build_info(BuildInfo {
            version: "9.9.9".into(),
            commit: "abc123".into(),
            date: "2026-01-01".into(),
        })
        .with_max_auth_file_bytes(64 * 1024);
        if let Some(usage) = &usage {
            ctx = ctx.with_usage(usage.handle().clone());
        }
        if let Some(hook) = self.hook {
            ctx = ctx.with_save_options(SaveOptions {
                hook: Some(hook),
                ..SaveOptions::default()
            });
        }
        let mut app = axum::Router::new().nest("/v0/management", cpa_management::router(ctx));
        if let Some(peer) = self.peer {
            app = app.layer(axum::middleware::map_request(
                move |mut req: axum::extract::Request| async move {
                    req.extensions_mut()
                        .insert(ConnectInfo(SocketAddr::new(peer, 40000)));
                    req
                },
            ));
        }
        let bind = self.bind.unwrap_or(IpAddr::from([127, 0, 0, 1]));
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(bind, 0))
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("serve");
        });
        Harness {
            base: format!("http://{addr}/v0/management"),
            dir,
            config_path,
            auth_dir,
            logs_dir,
            live,
            applied,
            usage,
            client: reqwest::Client::new(),
        }
    }
}

impl Harness {
    pub fn builder() -> HarnessBuilder {
        HarnessBuilder::default()
    }

    pub async fn start() -> Self {
        Self::builder().start().await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with the management key.
    pub fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(KEY)
    }

    /// Sends `method path` with an optional raw body; returns status and JSON (Null
    /// when the body is not JSON).
    pub async fn call(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.req(method, path);
        if let Some(body) = body {
            req = req.body(body.to_owned());
        }
        let resp = req.send().await.expect("send");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, None).await
    }

    /// The config file on disk.
    pub fn yaml(&self) -> String {
        std::fs::read_to_string(&self.config_path).expect("read config")
    }
}

/// Removes every `auth-index` key (GET adds them; most tests compare the rest).
pub fn strip_auth_index(mut value: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("auth-index");
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value
}
