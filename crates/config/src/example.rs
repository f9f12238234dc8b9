//! The embedded, commented example configuration.
//!
//! `config.example.yaml` documents every option with working defaults (loopback
//! only, no client keys, management disabled). It is written out when `--config`
//! points to a file that does not exist yet.

use std::{io, path::Path};

use crate::{ConfigError, save};

/// The example configuration file, byte for byte.
pub const EXAMPLE_CONFIG: &str = include_str!("../config.example.yaml");

/// Writes [`EXAMPLE_CONFIG`] to `path` if nothing exists there (creating parent
/// directories). Returns whether it wrote the file.
pub fn write_example_if_missing(path: &Path) -> Result<bool, ConfigError> {
    if path.exists() {
        return Ok(false);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| ConfigError::Write {
            file: path.to_path_buf(),
            source,
        })?;
    }
    match save::write_new(path, EXAMPLE_CONFIG.as_bytes()) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(source) => Err(ConfigError::Write {
            file: path.to_path_buf(),
            source,
        }),
    }
}
