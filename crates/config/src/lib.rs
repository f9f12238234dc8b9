//! cpa-config: the configuration file of cli-proxy-api.
//!
//! Two stages, as in the style guide: [`raw`] mirrors the YAML exactly and keeps
//! unknown keys; [`resolved`] is what the program reads (defaults applied,
//! normalised, secrets wrapped). [`load()`] runs the whole pipeline and returns the
//! resolved [`Config`] plus warnings the caller should log.
//!
//! | module | job |
//! |---|---|
//! | [`raw`] | YAML schema, unknown keys kept |
//! | [`resolved`] | defaults, normalisation, secrets wrapped |
//! | `validate` | semantic checks with key paths |
//! | `migrate` | legacy keys (spec §5) |
//! | `load` | the pipeline: read, parse, validate, hash secret, migrate, resolve |
//! | [`document`] | comment-preserving edits of the YAML text |
//! | [`save`] | atomic writes |
//! | `handle` | [`ConfigHandle`]: live snapshot, subscriptions, the write path |
//! | [`watch`] | hot reload of the file and the auth directory |
//! | `example` | the embedded example file |
//!
//! How the server uses it:
//!
//! ```no_run
//! # async fn serve(path: std::path::PathBuf) -> Result<(), cpa_config::ConfigError> {
//! use cpa_config::{ConfigHandle, LoadOptions};
//!
//! cpa_config::write_example_if_missing(&path)?;
//! let (handle, warnings) = ConfigHandle::load(&path, LoadOptions::from_process())?;
//! for w in &warnings {
//!     tracing::warn!("config: {w}");
//! }
//! let _guard = cpa_config::watch(handle.clone())?; // hot reload while alive
//! let config = handle.current(); // one snapshot per request
//! assert!(config.port > 0 || config.port == 0);
//! handle.update(|raw| raw.debug = Some(true))?; // management edit: validated, saved, swapped
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod document;
pub mod raw;
pub mod resolved;
pub mod save;
pub mod watch;

mod env;
mod error;
mod example;
mod handle;
mod load;
mod migrate;
mod normalize;
mod paths;
mod secret;
mod secret_hash;
mod validate;

pub use document::{ConfigDocument, KeyPath, Segment};
pub use env::Env;
pub use error::{ConfigError, Warning};
pub use example::{EXAMPLE_CONFIG, write_example_if_missing};
pub use handle::{ConfigEvent, ConfigHandle};
pub use load::{LoadOptions, Loaded, load, load_str, load_with};
pub use paths::Paths;
pub use resolved::Config;
pub use secret::{REDACTED, Secret};
pub use secret_hash::{BCRYPT_COST, is_bcrypt_hash};
pub use validate::validate;
pub use watch::{WatchGuard, watch};
