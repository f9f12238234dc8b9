//! cpa-router: model resolution, the credential pool, selection, health and retries.
//!
//! Lifecycle steps 3, 4, 7 (health part) and 8 of the request path (see STYLE §2):
//!
//! | Step | What | Module |
//! |---|---|---|
//! | 3 | requested model → ordered candidates | [`resolve`] (+ [`registry`], [`models`]) |
//! | 4 | pick a credential, skipping cooling/disabled ones | [`select`], [`pool`] |
//! | 7 | record the outcome: cooldowns, disabling | [`health`], [`retry_after`] |
//! | 8 | next credential, wait and retry, or give up | [`retry`] |
//!
//! Inputs are router-owned types ([`CredentialSet`], [`CredentialSpec`]); the config
//! sections are turned into them by [`from_config`], auth files by [`auth_file`].
//!
//! The server pipeline calls, per request: [`pool::Pool::resolve`] →
//! [`pool::Pool::select`] → [`select::Selection::report`] /
//! [`select::Selection::report_success`] → [`retry::Attempts`] decisions.
//!
//! ```
//! use cpa_router::pool::Pool;
//! use cpa_router::retry::{Attempts, Disposition, Step};
//! use cpa_router::{AuthKind, CredentialId, CredentialSet, CredentialSpec, Provider};
//!
//! let spec = CredentialSpec::new(CredentialId::new("qwen-a.json"), Provider::Qwen, AuthKind::OAuth);
//! let pool = Pool::new(CredentialSet { credentials: vec![spec], ..CredentialSet::default() });
//!
//! let resolution = pool.resolve("vision-model(high)").expect("registered model");
//! let mut attempts = Attempts::new(pool.retry_policy());
//! let mut selection = pool.select(&resolution.candidates[0]);
//! let pick = selection.next().expect("a ready credential");
//! assert_eq!(pick.upstream_model, "vision-model");
//! // The executor answered 429 without a hint: cool down, then try the next one.
//! let failure = Disposition::from_status(429, None);
//! selection.report(&pick, &failure);
//! assert_eq!(attempts.after_failure(&failure, false), Step::NextCredential);
//! assert!(selection.next().is_none());
//! assert!(selection.exhausted().cooldown_error().is_some()); // 429 + Retry-After
//! ```
//!
//! This crate is pure logic: no HTTP, no sockets, no files, no sleeping. It does not
//! know reqwest or axum; waiting is done by the caller with the duration we return.
//! Time comes from `tokio::time::Instant` so tests can pause the clock.

pub mod auth_file;
pub mod credential;
pub mod from_config;
pub mod health;
pub mod models;
pub mod pool;
pub mod provider;
pub mod registry;
pub mod resolve;
pub mod retry;
pub mod retry_after;
pub mod select;
pub mod settings;

#[cfg(test)]
mod testing;

pub use credential::{AuthKind, CredentialId, CredentialSpec, ModelAlias, OAuthAlias};
pub use provider::Provider;
pub use settings::{CredentialSet, RouterSettings, Strategy};
