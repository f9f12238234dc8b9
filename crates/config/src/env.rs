//! Environment inputs that affect the configuration (spec §4, §8, §1).
//!
//! Read once at start-up (`Env::from_process`); tests build an `Env` by hand
//! instead of mutating the process environment. None of these values is ever
//! written to the configuration file.

use std::path::PathBuf;

/// Environment overrides. `Default` is "nothing set".
#[derive(Clone, Default)]
pub struct Env {
    /// `MANAGEMENT_PASSWORD` (trimmed, non-empty): an extra plaintext management key
    /// that also forces remote management on. Never persisted.
    pub management_password: Option<String>,
    /// `WRITABLE_PATH`: base for `logs/` and `static/` instead of the config directory.
    pub writable_path: Option<PathBuf>,
    /// `MANAGEMENT_STATIC_PATH`: directory of `management.html`, or the file itself.
    pub management_static_path: Option<PathBuf>,
    /// `DEPLOY=cloud`: a missing, empty or unparsable file yields an empty config
    /// instead of an error, and nothing is written back.
    pub deploy_cloud: bool,
    /// The user's home directory, for `~` in `auth-dir` (`HOME`, or `USERPROFILE`).
    pub home_dir: Option<PathBuf>,
}

impl Env {
    /// Reads the process environment.
    pub fn from_process() -> Self {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Self {
            management_password: var("MANAGEMENT_PASSWORD"),
            writable_path: var("WRITABLE_PATH").map(PathBuf::from),
            management_static_path: var("MANAGEMENT_STATIC_PATH").map(PathBuf::from),
            deploy_cloud: var("DEPLOY").is_some_and(|v| v.eq_ignore_ascii_case("cloud")),
            home_dir: var("HOME")
                .or_else(|| var("USERPROFILE"))
                .map(PathBuf::from),
        }
    }
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field(
                "management_password",
                &self.management_password.as_ref().map(|_| crate::REDACTED),
            )
            .field("writable_path", &self.writable_path)
            .field("management_static_path", &self.management_static_path)
            .field("deploy_cloud", &self.deploy_cloud)
            .field("home_dir", &self.home_dir)
            .finish()
    }
}
