//! The single write path of the management API (spec §5, config.md §6).
//!
//! Every change: take the write lock, copy the running raw config, edit the copy,
//! merge it into the file text with the comment-preserving writer (comments, order
//! and unknown keys survive; deletions stick), validate the result with the full
//! loader, save atomically, and only then apply it. Any failure leaves both the file
//! and the running config untouched. The lock is a tokio mutex held across the whole
//! read-modify-write-save-apply, so concurrent PATCHes never lose an update.

use axum::http::StatusCode;
use cpa_config::raw::RawConfig;
use cpa_config::save::save_file;
use cpa_config::{ConfigDocument, ConfigError, Loaded, load_str};

use crate::error::ApiError;
use crate::state::Shared;

impl Shared {
    /// Edits the raw config through `edit`, then validates, saves and applies it.
    /// `edit` may refuse with an [`ApiError`] (nothing is written then).
    pub async fn update<F>(&self, edit: F) -> Result<(), ApiError>
    where
        F: FnOnce(&mut RawConfig) -> Result<(), ApiError> + Send + 'static,
    {
        let _guard = self.write_lock().lock().await;
        let mut raw = (*self.raw()).clone();
        edit(&mut raw)?;
        let this = self.clone();
        // Saving and the server's apply callback may block (file I/O, a reload).
        tokio::task::spawn_blocking(move || {
            let loaded = this.write_raw(&raw)?;
            this.apply(loaded);
            Ok(())
        })
        .await
        .map_err(|err| save_failed(&err.to_string()))?
    }

    /// `PUT /config.yaml`: validates `text`, stores it verbatim (a plaintext
    /// management secret is replaced by its hash, as on load) and applies it.
    pub async fn replace_text(&self, text: String) -> Result<(), ApiError> {
        if text.trim().is_empty() {
            return Err(ApiError::coded(
                StatusCode::BAD_REQUEST,
                "invalid_yaml",
                "empty config document",
            ));
        }
        let _guard = self.write_lock().lock().await;
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let loaded = this.write_text(&text)?;
            this.apply(loaded);
            Ok(())
        })
        .await
        .map_err(|err| {
            ApiError::coded(
                StatusCode::INTERNAL_SERVER_ERROR,
                "write_failed",
                err.to_string(),
            )
        })?
    }

    fn write_raw(&self, raw: &RawConfig) -> Result<Loaded, ApiError> {
        let path = self.ctx().config_path();
        let text = std::fs::read_to_string(path).map_err(|err| save_failed(&err.to_string()))?;
        let mut doc = ConfigDocument::parse(text).map_err(|err| save_failed(&describe(&err)))?;
        doc.sync_raw(raw)
            .map_err(|err| save_failed(&describe(&err)))?;
        let new_text = doc.text().to_owned();
        let loaded = load_str(&new_text, path, &self.ctx().env).map_err(|err| {
            ApiError::coded(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_config",
                describe(&err),
            )
        })?;
        save_file(path, new_text.as_bytes(), &self.ctx().save)
            .map_err(|err| save_failed(&describe(&err)))?;
        Ok(loaded)
    }

    fn write_text(&self, text: &str) -> Result<Loaded, ApiError> {
        let path = self.ctx().config_path();
        let env = &self.ctx().env;
        let loaded = load_str(text, path, env).map_err(|err| match err {
            ConfigError::Parse { .. } => {
                ApiError::coded(StatusCode::BAD_REQUEST, "invalid_yaml", describe(&err))
            }
            other => ApiError::coded(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_config",
                describe(&other),
            ),
        })?;
        let final_text = with_hashed_secret(text, &loaded.raw).unwrap_or_else(|| text.to_owned());
        save_file(path, final_text.as_bytes(), &self.ctx().save).map_err(|err| {
            ApiError::coded(
                StatusCode::INTERNAL_SERVER_ERROR,
                "write_failed",
                describe(&err),
            )
        })?;
        if final_text == text {
            return Ok(loaded);
        }
        load_str(&final_text, path, env).map_err(|err| {
            ApiError::coded(
                StatusCode::INTERNAL_SERVER_ERROR,
                "reload_failed",
                describe(&err),
            )
        })
    }

    /// Makes a saved config live: first our own live settings (usage statistics,
    /// request logging), then the server's callback.
    fn apply(&self, loaded: Loaded) {
        let config = &loaded.config;
        if let Some(usage) = &self.ctx().usage {
            usage.set_statistics_enabled(config.usage_statistics_enabled);
        }
        if let Some(logger) = &self.ctx().request_logger {
            logger.set_enabled(config.request_log);
            logger.set_error_logs_max_files(i64::from(config.error_logs_max_files));
        }
        (self.ctx().apply)(loaded);
    }
}

/// The text with a freshly hashed management secret written in, when the loader
/// hashed a plaintext one; `None` when nothing changed.
fn with_hashed_secret(text: &str, raw: &RawConfig) -> Option<String> {
    let hash = raw.remote_management.as_ref()?.secret_key.clone()?;
    let mut doc = ConfigDocument::parse(text).ok()?;
    let on_disk = doc
        .get(&["remote-management", "secret-key"])
        .and_then(|v| v.as_str().map(str::to_owned));
    if on_disk.as_deref() == Some(hash.as_str()) {
        return None;
    }
    doc.set_str(&["remote-management", "secret-key"], &hash)
        .ok()?;
    Some(doc.text().to_owned())
}

/// `500 {"error":"failed to save config: <reason>"}`.
fn save_failed(reason: &str) -> ApiError {
    ApiError::internal(format!("failed to save config: {reason}"))
}

/// A config error as one line, without file paths of temp files.
fn describe(err: &ConfigError) -> String {
    err.to_string()
}
