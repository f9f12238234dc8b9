//! Directories derived from the config file location and the environment (spec §8).
//!
//! Upstream computes three different "logs" directories; we use one (see
//! `docs/config.md`): `$WRITABLE_PATH/logs`, else `<config-dir>/logs`.

use std::path::{Path, PathBuf};

use crate::Env;

/// File name of the control panel page.
pub const MANAGEMENT_HTML: &str = "management.html";

/// Resolved locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The configuration file.
    pub config_file: PathBuf,
    /// Its directory.
    pub config_dir: PathBuf,
    /// Application log, request logs and error logs all live here.
    pub logs_dir: PathBuf,
    /// Directory holding the control panel.
    pub static_dir: PathBuf,
    /// The control panel page itself.
    pub management_html: PathBuf,
}

impl Paths {
    /// Computes the paths for a config file. Nothing is created.
    pub fn resolve(config_file: &Path, env: &Env) -> Self {
        let config_dir = match config_file.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let logs_dir = match &env.writable_path {
            Some(base) => base.join("logs"),
            None => config_dir.join("logs"),
        };
        let (static_dir, management_html) = match &env.management_static_path {
            Some(p) if p.file_name().is_some_and(|n| n == MANAGEMENT_HTML) => (
                p.parent().map(Path::to_path_buf).unwrap_or_default(),
                p.clone(),
            ),
            Some(dir) => (dir.clone(), dir.join(MANAGEMENT_HTML)),
            None => {
                let dir = match &env.writable_path {
                    Some(base) => base.join("static"),
                    None => config_dir.join("static"),
                };
                let html = dir.join(MANAGEMENT_HTML);
                (dir, html)
            }
        };
        Self {
            config_file: config_file.to_path_buf(),
            config_dir,
            logs_dir,
            static_dir,
            management_html,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_default_to_config_dir() {
        let p = Paths::resolve(Path::new("/etc/cpa/config.yaml"), &Env::default());
        assert_eq!(p.logs_dir, PathBuf::from("/etc/cpa/logs"));
        assert_eq!(p.static_dir, PathBuf::from("/etc/cpa/static"));
        assert_eq!(
            p.management_html,
            PathBuf::from("/etc/cpa/static/management.html")
        );
    }

    #[test]
    fn paths_bare_file_name_uses_cwd() {
        let p = Paths::resolve(Path::new("config.yaml"), &Env::default());
        assert_eq!(p.logs_dir, PathBuf::from("./logs"));
    }

    #[test]
    fn paths_writable_and_static_overrides() {
        let env = Env {
            writable_path: Some("/data".into()),
            management_static_path: Some("/srv/panel/management.html".into()),
            ..Env::default()
        };
        let p = Paths::resolve(Path::new("/etc/cpa/config.yaml"), &env);
        assert_eq!(p.logs_dir, PathBuf::from("/data/logs"));
        assert_eq!(p.static_dir, PathBuf::from("/srv/panel"));
        let env = Env {
            writable_path: Some("/data".into()),
            ..Env::default()
        };
        let p = Paths::resolve(Path::new("/etc/cpa/config.yaml"), &env);
        assert_eq!(p.static_dir, PathBuf::from("/data/static"));
    }
}
