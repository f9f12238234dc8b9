//! What changed between two snapshots (spec §7.2 step 5, §7.4), so subscribers can
//! do only the work a reload needs.

use std::collections::BTreeSet;

use super::Config;

/// Differences between an old and a new [`Config`] that need special handling.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigDiff {
    /// `auth-dir` (expanded) changed: rescan the credential directory.
    pub is_auth_dir_changed: bool,
    /// `force-model-prefix` or `oauth-model-alias` changed: refresh every credential.
    pub is_full_refresh_needed: bool,
    /// OAuth providers whose `oauth-excluded-models` list changed (lowercase names).
    pub oauth_excluded_changed: BTreeSet<String>,
    /// Restart-only keys whose value changed (`host`, `port`, `tls`,
    /// `commercial-mode`); the running server keeps the old values until restart.
    pub restart_required: Vec<&'static str>,
}

impl Config {
    /// Compares `self` (the old snapshot) with `new`.
    pub fn diff(&self, new: &Config) -> ConfigDiff {
        let mut restart_required = Vec::new();
        if self.host != new.host {
            restart_required.push("host");
        }
        if self.port != new.port {
            restart_required.push("port");
        }
        if self.tls != new.tls {
            restart_required.push("tls");
        }
        if self.commercial_mode != new.commercial_mode {
            restart_required.push("commercial-mode");
        }
        let providers: BTreeSet<&String> = self
            .oauth_excluded_models
            .keys()
            .chain(new.oauth_excluded_models.keys())
            .collect();
        ConfigDiff {
            is_auth_dir_changed: self.auth_dir != new.auth_dir,
            is_full_refresh_needed: self.force_model_prefix != new.force_model_prefix
                || self.oauth_model_alias != new.oauth_model_alias,
            oauth_excluded_changed: providers
                .into_iter()
                .filter(|p| self.oauth_excluded_models.get(*p) != new.oauth_excluded_models.get(*p))
                .cloned()
                .collect(),
            restart_required,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(yaml: &str) -> Config {
        Config::from_yaml(yaml).expect("valid")
    }

    #[test]
    fn diff_reports_what_needs_work() {
        let old =
            config("port: 1\nauth-dir: /a\noauth-excluded-models:\n  claude: [x]\n  codex: [y]\n");
        let new = config(
            "port: 2\nauth-dir: /b\nforce-model-prefix: true\noauth-excluded-models:\n  claude: [x]\n  gemini-cli: [z]\n",
        );
        let d = old.diff(&new);
        assert!(d.is_auth_dir_changed);
        assert!(d.is_full_refresh_needed);
        assert_eq!(
            d.oauth_excluded_changed.into_iter().collect::<Vec<_>>(),
            vec!["codex".to_owned(), "gemini-cli".to_owned()]
        );
        assert_eq!(d.restart_required, vec!["port"]);
        assert_eq!(old.diff(&old), ConfigDiff::default());
    }
}
