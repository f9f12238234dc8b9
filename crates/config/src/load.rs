//! The load pipeline (spec §3), in order:
//!
//! 1. read the file (cloud mode: missing/empty/unparsable ⇒ empty config);
//! 2. parse into [`RawConfig`] (type errors name the key path);
//! 3. validate (errors stop here; unknown keys become warnings);
//! 4. hash a plaintext management secret (bcrypt, cost 10);
//! 5. migrate legacy keys;
//! 6. write the hash / migration back through the comment-preserving writer (a
//!    failed write is a warning, not an error);
//! 7. resolve defaults and normalisations into [`Config`].
//!
//! Loading never logs; the caller logs the returned warnings.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::{
    ConfigError, Env, Paths, Warning,
    document::ConfigDocument,
    migrate::migrate,
    raw::RawConfig,
    resolved::Config,
    save::{SaveOptions, save_file},
    secret_hash::{hash_secret, is_bcrypt_hash},
    validate::validate,
};

/// What a successful load produced.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The resolved configuration.
    pub config: Config,
    /// The raw configuration after hashing and migration: what the file holds (or
    /// will hold after the next save). The management API edits this and hands it
    /// to [`ConfigDocument::sync_raw`].
    pub raw: RawConfig,
    /// Things the caller should log (unknown keys, legacy keys, odd values).
    pub warnings: Vec<Warning>,
    /// SHA-256 of the file bytes as they are on disk after the load.
    pub content_hash: [u8; 32],
    /// Cloud mode (`DEPLOY=cloud`) without a usable config (missing, empty or
    /// invalid file, or `port: 0`): the server should log that it is standing by
    /// and not start the HTTP listener (spec §1).
    pub is_standby: bool,
}

/// Options for [`load_with`].
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Environment overrides. [`load`] uses [`Env::from_process`].
    pub env: Env,
    /// Do not write the hashed secret or the migrated config back to the file.
    pub is_read_only: bool,
    /// How write-backs reach the disk.
    pub save: SaveOptions,
}

impl LoadOptions {
    /// Options reading the process environment.
    pub fn from_process() -> Self {
        Self {
            env: Env::from_process(),
            ..Self::default()
        }
    }
}

/// Loads `path` with the process environment. See the module docs for the steps.
pub fn load(path: impl AsRef<Path>) -> Result<Loaded, ConfigError> {
    load_with(path.as_ref(), &LoadOptions::from_process())
}

/// Loads `path` with explicit options.
pub fn load_with(path: &Path, opts: &LoadOptions) -> Result<Loaded, ConfigError> {
    let mut warnings = Vec::new();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if opts.env.deploy_cloud => {
            warnings.push(Warning::new(
                ".",
                format!("cloud mode, config not read: {err}"),
            ));
            String::new()
        }
        Err(source) => {
            return Err(ConfigError::Read {
                file: path.to_path_buf(),
                source,
            });
        }
    };
    let staged = stage(&text, opts, &mut warnings)?;
    let mut final_text = text;
    let is_writable = !opts.is_read_only && !opts.env.deploy_cloud;
    if is_writable && (staged.new_hash.is_some() || staged.is_migrated) {
        // A read-only file (a Kubernetes ConfigMap, a read-only bind mount) must not
        // stop the server: the migrated/hashed config is used from memory and the
        // write is retried on the next load. Upstream fails the load for migrations.
        match write_back(path, &final_text, &staged, opts) {
            Ok(text) => final_text = text,
            Err(err) => warnings.push(Warning::new(
                ".",
                format!("config normalised in memory but not written back: {err}"),
            )),
        }
    }
    let paths = Paths::resolve(path, &opts.env);
    let config = Config::resolve(&staged.raw, &opts.env, paths, &mut warnings);
    let is_standby = opts.env.deploy_cloud
        && (crate::raw::is_blank_yaml(&final_text) || staged.is_fallback || config.port == 0);
    Ok(Loaded {
        config,
        raw: staged.raw,
        warnings,
        content_hash: sha256(final_text.as_bytes()),
        is_standby,
    })
}

/// Runs the pipeline on text without touching any file (for validating a
/// `PUT /config.yaml` body). `path` only feeds [`Paths`].
pub fn load_str(text: &str, path: &Path, env: &Env) -> Result<Loaded, ConfigError> {
    let mut warnings = Vec::new();
    let opts = LoadOptions {
        env: env.clone(),
        is_read_only: true,
        save: SaveOptions::default(),
    };
    let staged = stage(text, &opts, &mut warnings)?;
    let config = Config::resolve(&staged.raw, env, Paths::resolve(path, env), &mut warnings);
    Ok(Loaded {
        config,
        raw: staged.raw,
        warnings,
        content_hash: sha256(text.as_bytes()),
        is_standby: false,
    })
}

/// SHA-256 of some bytes (the watcher's change detector).
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

struct Staged {
    raw: RawConfig,
    /// Cloud mode replaced an unparsable file by an empty config.
    is_fallback: bool,
    /// The freshly computed hash, when the file held a plaintext secret.
    new_hash: Option<String>,
    is_migrated: bool,
}

fn stage(
    text: &str,
    opts: &LoadOptions,
    warnings: &mut Vec<Warning>,
) -> Result<Staged, ConfigError> {
    let mut is_fallback = false;
    let mut raw = match RawConfig::from_yaml(text) {
        Ok(raw) => raw,
        Err(err) if opts.env.deploy_cloud => {
            warnings.push(Warning::new(
                ".",
                format!("cloud mode, config ignored: {err}"),
            ));
            is_fallback = true;
            RawConfig::default()
        }
        Err(err) => return Err(err),
    };
    match validate(&raw) {
        Ok(found) => warnings.extend(found),
        Err(err) if opts.env.deploy_cloud => {
            warnings.push(Warning::new(
                ".",
                format!("cloud mode, config ignored: {err}"),
            ));
            is_fallback = true;
            raw = RawConfig::default();
        }
        Err(err) => return Err(err),
    }
    let mut new_hash = None;
    if let Some(management) = raw.remote_management.as_mut() {
        let secret = management.secret_key.as_deref().unwrap_or_default();
        if !secret.is_empty() && !is_bcrypt_hash(secret) {
            let hash = hash_secret(secret)?;
            management.secret_key = Some(hash.clone());
            new_hash = Some(hash);
        }
    }
    let is_migrated = migrate(&mut raw);
    Ok(Staged {
        raw,
        is_fallback,
        new_hash,
        is_migrated,
    })
}

/// Applies the hash and/or migration to the file text and saves it. Returns the new text.
fn write_back(
    path: &Path,
    text: &str,
    staged: &Staged,
    opts: &LoadOptions,
) -> Result<String, ConfigError> {
    let mut doc = ConfigDocument::parse(text)?;
    if staged.is_migrated {
        doc.sync_raw(&staged.raw)?;
    } else if let Some(hash) = &staged.new_hash {
        doc.set_str(&["remote-management", "secret-key"], hash)?;
    }
    let new_text = doc.text().to_owned();
    save_file(path, new_text.as_bytes(), &opts.save)?;
    Ok(new_text)
}
