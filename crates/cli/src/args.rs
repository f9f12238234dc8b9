//! Command-line arguments (clap structs only).
//!
//! Compatible with the original: `--config PATH` (default `config.yaml` in the working
//! directory), `--version`, `--help`. The original's login flags are accepted and reserved
//! for the OAuth login flows.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// LLM API proxy: one endpoint for OpenAI, Anthropic and Gemini clients over many upstream
/// accounts.
#[derive(Debug, Parser)]
#[command(name = "cli-proxy-api", version, about, long_about = None)]
pub struct Cli {
    /// Path of the YAML config file; created from the commented example when missing.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "config.yaml",
        global = true
    )]
    pub config: PathBuf,

    /// Serve even when listening beyond loopback with an empty `api-keys` list.
    #[arg(long)]
    pub allow_unauthenticated_network: bool,

    /// Seconds in-flight requests and streams get to finish after SIGINT/SIGTERM.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,

    /// Local launcher password: enables `GET /keep-alive` and shuts down after 10 s without
    /// a call.
    #[arg(long, value_name = "PASSWORD", hide = true)]
    pub password: Option<String>,

    #[command(flatten)]
    pub login: LoginFlags,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands; without one the proxy server runs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the proxy server (the default).
    Serve,
    /// Run the built-in mock upstream that speaks the OpenAI, Anthropic and Gemini wire
    /// formats, to try a config offline.
    MockUpstream(MockUpstreamArgs),
}

/// Options of `mock-upstream`.
#[derive(Debug, Args)]
pub struct MockUpstreamArgs {
    /// Port to listen on; 0 lets the OS choose (the chosen address is printed).
    #[arg(long, default_value_t = 8318)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
}

/// The original's OAuth login flags, reserved for the login flows.
#[derive(Debug, Args, Default)]
pub struct LoginFlags {
    /// Log in to Google (Gemini CLI).
    #[arg(long, hide = true)]
    pub login: bool,
    /// Log in to Anthropic (Claude Code).
    #[arg(long, hide = true)]
    pub claude_login: bool,
    /// Log in to OpenAI (Codex).
    #[arg(long, hide = true)]
    pub codex_login: bool,
    /// Log in to Qwen.
    #[arg(long, hide = true)]
    pub qwen_login: bool,
    /// Log in to iFlow.
    #[arg(long, hide = true)]
    pub iflow_login: bool,
    /// Log in to iFlow with a browser cookie.
    #[arg(long, hide = true)]
    pub iflow_cookie: bool,
    /// Log in to Antigravity.
    #[arg(long, hide = true)]
    pub antigravity_login: bool,
    /// Import a Vertex service-account key file.
    #[arg(long, hide = true, value_name = "FILE")]
    pub vertex_import: Option<PathBuf>,
    /// Do not open a browser during login.
    #[arg(long, hide = true)]
    pub no_browser: bool,
    /// Google Cloud project for the Gemini login.
    #[arg(long = "project_id", hide = true, value_name = "ID")]
    pub project_id: Option<String>,
}

impl LoginFlags {
    /// The first login flag given, if any.
    pub fn requested(&self) -> Option<&'static str> {
        [
            (self.login, "--login"),
            (self.claude_login, "--claude-login"),
            (self.codex_login, "--codex-login"),
            (self.qwen_login, "--qwen-login"),
            (self.iflow_login, "--iflow-login"),
            (self.iflow_cookie, "--iflow-cookie"),
            (self.antigravity_login, "--antigravity-login"),
            (self.vertex_import.is_some(), "--vertex-import"),
        ]
        .into_iter()
        .find_map(|(set, name)| set.then_some(name))
    }
}
