//! Semantic validation of a raw configuration.
//!
//! Upstream does no semantic validation (spec §3.1); we reject values that would
//! otherwise fail later and silently (an unparsable `base-url`, TLS without a
//! certificate, a port out of range), so a bad reload keeps the old config instead.
//! Every message names the key path as written in the file, before entries are
//! dropped or de-duplicated: `claude-api-key[2].base-url: not a URL`.

use crate::{
    ConfigError, Warning,
    raw::{CollectUnknown, LEGACY_KEYS, RawConfig},
    resolved::DisableImageGeneration,
};

/// bcrypt only looks at the first 72 bytes; longer plaintext is refused.
pub const MAX_SECRET_BYTES: usize = 72;

/// Checks `raw`. Returns warnings (unknown and legacy keys, suspicious values) or
/// the first error.
pub fn validate(raw: &RawConfig) -> Result<Vec<Warning>, ConfigError> {
    let mut v = Validator::default();
    v.check(raw);
    match v.errors.into_iter().next() {
        Some(err) => Err(err),
        None => Ok(v.warnings),
    }
}

#[derive(Default)]
struct Validator {
    errors: Vec<ConfigError>,
    warnings: Vec<Warning>,
}

/// Which URL schemes a key accepts.
#[derive(Clone, Copy)]
enum UrlKind {
    /// `http`/`https`.
    Base,
    /// `http`/`https`/`socks5`/`socks5h`, or the words `direct`/`none`.
    Proxy,
}

impl Validator {
    fn check(&mut self, raw: &RawConfig) {
        let mut unknown = Vec::new();
        raw.collect_unknown("", &mut unknown);
        for path in unknown {
            self.warn(path, "unknown key ignored (kept in the file)");
        }
        self.check_legacy(raw);
        if let Some(port) = raw.port
            && !(0..=65535).contains(&port)
        {
            self.error("port", format!("{port} is out of range 0-65535"));
        }
        if let Some(tls) = &raw.tls
            && tls.enable == Some(true)
        {
            for (key, value) in [("cert", &tls.cert), ("key", &tls.key)] {
                if value.as_deref().unwrap_or_default().trim().is_empty() {
                    self.error(format!("tls.{key}"), "required when tls.enable is true");
                }
            }
        }
        if let Some(secret) = raw
            .remote_management
            .as_ref()
            .and_then(|r| r.secret_key.as_deref())
            && !crate::secret_hash::is_bcrypt_hash(secret)
            && secret.len() > MAX_SECRET_BYTES
        {
            self.error(
                "remote-management.secret-key",
                format!("longer than {MAX_SECRET_BYTES} bytes, bcrypt cannot hash it"),
            );
        }
        self.url("proxy-url", raw.proxy_url.as_deref(), UrlKind::Proxy);
        if let Some(amp) = &raw.ampcode {
            self.url(
                "ampcode.upstream-url",
                amp.upstream_url.as_deref(),
                UrlKind::Base,
            );
        }
        self.check_providers(raw);
        if let Some(value) = &raw.disable_image_generation
            && let Err(problem) = DisableImageGeneration::parse(value)
        {
            self.error("disable-image-generation", problem);
        }
        for (key, value) in [
            ("logs-max-total-size-mb", raw.logs_max_total_size_mb),
            ("request-retry", raw.request_retry),
            ("max-retry-interval", raw.max_retry_interval),
            ("max-retry-credentials", raw.max_retry_credentials),
        ] {
            if value.is_some_and(|v| v < 0) {
                self.warn(key, "negative value treated as 0");
            }
        }
        if raw.error_logs_max_files.is_some_and(|v| v < 0) {
            self.warn("error-logs-max-files", "negative value treated as 10");
        }
    }

    fn check_legacy(&mut self, raw: &RawConfig) {
        let present = [
            raw.generative_language_api_key.is_some(),
            raw.amp_upstream_url.is_some(),
            raw.amp_upstream_api_key.is_some(),
            raw.amp_restrict_management_to_localhost.is_some(),
            raw.amp_model_mappings.is_some(),
            raw.auth.is_some(),
        ];
        for (key, is_present) in LEGACY_KEYS.iter().zip(present) {
            if is_present {
                self.warn(*key, "legacy key, migrated and removed on the next save");
            }
        }
        if raw.oauth_model_mappings.is_some() {
            let message = if raw.oauth_model_alias.is_some() {
                "ignored because oauth-model-alias is set"
            } else {
                "old name, read as oauth-model-alias"
            };
            self.warn("oauth-model-mappings", message);
        }
    }

    fn check_providers(&mut self, raw: &RawConfig) {
        macro_rules! urls {
            ($list:expr, $name:literal) => {
                for (i, e) in $list.iter().flatten().enumerate() {
                    self.url(
                        &format!("{}[{i}].base-url", $name),
                        e.base_url.as_deref(),
                        UrlKind::Base,
                    );
                    self.url(
                        &format!("{}[{i}].proxy-url", $name),
                        e.proxy_url.as_deref(),
                        UrlKind::Proxy,
                    );
                }
            };
        }
        urls!(raw.gemini_api_key, "gemini-api-key");
        urls!(raw.claude_api_key, "claude-api-key");
        urls!(raw.codex_api_key, "codex-api-key");
        urls!(raw.vertex_api_key, "vertex-api-key");
        for (i, e) in raw.openai_compatibility.iter().flatten().enumerate() {
            let base = format!("openai-compatibility[{i}]");
            self.url(
                &format!("{base}.base-url"),
                e.base_url.as_deref(),
                UrlKind::Base,
            );
            for (j, k) in e.api_key_entries.iter().flatten().enumerate() {
                self.url(
                    &format!("{base}.api-key-entries[{j}].proxy-url"),
                    k.proxy_url.as_deref(),
                    UrlKind::Proxy,
                );
            }
        }
    }

    fn url(&mut self, path: &str, value: Option<&str>, kind: UrlKind) {
        let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return;
        };
        if matches!(kind, UrlKind::Proxy)
            && (value.eq_ignore_ascii_case("direct") || value.eq_ignore_ascii_case("none"))
        {
            return;
        }
        let parsed = match url::Url::parse(value) {
            Ok(u) if u.has_host() => u,
            _ => {
                self.error(path, "not a URL");
                return;
            }
        };
        let allowed: &[&str] = match kind {
            UrlKind::Base => &["http", "https"],
            UrlKind::Proxy => &["http", "https", "socks5", "socks5h"],
        };
        if !allowed.contains(&parsed.scheme()) {
            self.error(
                path,
                format!(
                    "unsupported scheme {:?} (allowed: {})",
                    parsed.scheme(),
                    allowed.join(", ")
                ),
            );
        }
    }

    fn error(&mut self, path: impl Into<String>, problem: impl Into<String>) {
        self.errors.push(ConfigError::invalid(path, problem));
    }

    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning::new(path, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_err(yaml: &str, want: &str) {
        let raw = RawConfig::from_yaml(yaml).expect("parses");
        let err = validate(&raw).expect_err("invalid");
        assert_eq!(err.to_string(), want, "yaml {yaml:?}");
    }

    #[test]
    fn semantic_errors_name_the_key_path() {
        check_err(
            "claude-api-key:\n  - api-key: a\n  - api-key: b\n  - api-key: c\n    base-url: not a url\n",
            "claude-api-key[2].base-url: not a URL",
        );
        check_err("port: 70000\n", "port: 70000 is out of range 0-65535");
        check_err(
            "tls:\n  enable: true\n  key: k.pem\n",
            "tls.cert: required when tls.enable is true",
        );
        check_err(
            "proxy-url: ftp://proxy:21\n",
            "proxy-url: unsupported scheme \"ftp\" (allowed: http, https, socks5, socks5h)",
        );
        check_err(
            "openai-compatibility:\n  - name: x\n    base-url: https://ok\n    api-key-entries:\n      - api-key: k\n        proxy-url: '::'\n",
            "openai-compatibility[0].api-key-entries[0].proxy-url: not a URL",
        );
        check_err(
            "disable-image-generation: maybe\n",
            "disable-image-generation: invalid value \"maybe\" (allowed: true, false, chat)",
        );
        let long = "x".repeat(73);
        check_err(
            &format!("remote-management:\n  secret-key: {long}\n"),
            "remote-management.secret-key: longer than 72 bytes, bcrypt cannot hash it",
        );
    }

    #[test]
    fn unknown_and_legacy_keys_are_warnings() {
        let raw = RawConfig::from_yaml(
            "foo: 1\ntls:\n  bar: 2\nclaude-api-key:\n  - api-key: k\n    zap: 3\namp-upstream-url: https://x\nproxy-url: direct\n",
        )
        .expect("parses");
        let warnings = validate(&raw).expect("valid");
        let paths: Vec<&str> = warnings.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "tls.bar",
                "claude-api-key[0].zap",
                "foo",
                "amp-upstream-url"
            ]
        );
    }
}
