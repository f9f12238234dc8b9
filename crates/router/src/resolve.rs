//! Model resolution (lifecycle step 3): requested model → ordered candidates.
//!
//! Handles `auto`, the thinking suffix (`resolve::thinking`), provider lookup and
//! rotation, and the `switch-preview-model` fallback candidates. A candidate is a
//! (provider, route model) pair; which credentials serve it and under which upstream
//! name is answered per credential by the registry at selection time (prefix stripping
//! and alias reverse mapping happen there). This module never looks at health and
//! never performs I/O.

pub mod thinking;

use crate::provider::Provider;
use crate::registry::ModelRegistry;

pub use thinking::{ThinkingRequest, split_thinking_suffix};

/// Quota fallbacks used by `quota-exceeded.switch-preview-model`: when every
/// credential for the key model is out of quota, try these models next (in order),
/// if registered. Stable ↔ preview siblings of the same family.
pub const PREVIEW_FALLBACKS: &[(&str, &[&str])] = &[
    ("gemini-2.5-pro", &["gemini-3-pro-preview"]),
    ("gemini-3-pro-preview", &["gemini-2.5-pro"]),
    ("gemini-2.5-flash", &["gemini-3-flash-preview"]),
    ("gemini-3-flash-preview", &["gemini-2.5-flash"]),
    ("gemini-2.5-flash-lite", &["gemini-2.5-flash"]),
    ("gemini-pro-latest", &["gemini-2.5-pro"]),
    ("gemini-flash-latest", &["gemini-2.5-flash"]),
];

/// The result of resolving a requested model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// The model name exactly as the client sent it.
    pub requested: String,
    /// The route model: after `auto` and suffix stripping, prefix still attached. It
    /// keys per-model health and round-robin cursors.
    pub route_model: String,
    /// Thinking configuration from a `model(value)` suffix.
    pub thinking: Option<ThinkingRequest>,
    /// Candidates in the order to try them.
    pub candidates: Vec<Candidate>,
}

/// One (provider, model) pair to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Provider to use.
    pub provider: Provider,
    /// Client-visible model to look credentials up by (route model or a fallback).
    pub model: String,
    /// A `switch-preview-model` fallback: only tried after a quota failure.
    pub is_quota_fallback: bool,
}

/// Why a model could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// No provider registers the model (also for an empty model). HTTP 400.
    #[error("unknown provider for model {model}")]
    UnknownModel {
        /// The model as requested.
        model: String,
    },
}

/// Inputs of [`resolve`] that come from runtime state rather than the registry.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResolveContext<'a> {
    /// What `auto` stands for right now (newest usable model), if anything.
    pub auto_model: Option<&'a str>,
    /// `quota-exceeded.switch-preview-model`.
    pub switch_preview_model: bool,
}

/// Resolves `requested` against `registry` (spec §5.3).
///
/// `rotation` is called once with the route model and returns the provider rotation
/// offset for this request (the pool keeps a counter per route model, spec §5.5.1).
pub fn resolve(
    registry: &ModelRegistry,
    requested: &str,
    context: ResolveContext<'_>,
    rotation: impl FnOnce(&str) -> usize,
) -> Result<Resolution, ResolveError> {
    let name = match (requested, context.auto_model) {
        ("auto", Some(auto)) => auto,
        _ => requested,
    };
    let (mut route_model, mut thinking) = match split_thinking_suffix(name) {
        Some((base, request)) => (base, Some(request)),
        None => (name, None),
    };
    let mut providers = registry.providers(route_model);
    if providers.is_empty() && thinking.is_some() {
        // A model literally named `foo(bar)` still routes.
        route_model = name;
        thinking = None;
        providers = registry.providers(route_model);
    }
    if providers.is_empty() {
        return Err(ResolveError::UnknownModel {
            model: requested.to_owned(),
        });
    }
    let rotation = rotation(route_model);
    let mut candidates = rotated(providers, rotation, route_model, false);
    if context.switch_preview_model {
        for fallback in preview_fallbacks(route_model) {
            let providers = registry.providers(&fallback);
            candidates.extend(rotated(providers, rotation, &fallback, true));
        }
    }
    Ok(Resolution {
        requested: requested.to_owned(),
        route_model: route_model.to_owned(),
        thinking,
        candidates,
    })
}

/// Fallback models for `model`, keeping a `prefix/` if present.
pub fn preview_fallbacks(model: &str) -> Vec<String> {
    let (prefix, bare) = match model.split_once('/') {
        Some((prefix, bare)) => (Some(prefix), bare),
        None => (None, model),
    };
    PREVIEW_FALLBACKS
        .iter()
        .filter(|(from, _)| from.eq_ignore_ascii_case(bare))
        .flat_map(|(_, to)| to.iter())
        .map(|to| match prefix {
            Some(prefix) => format!("{prefix}/{to}"),
            None => (*to).to_owned(),
        })
        .collect()
}

fn rotated(
    mut providers: Vec<Provider>,
    rotation: usize,
    model: &str,
    is_fallback: bool,
) -> Vec<Candidate> {
    if !providers.is_empty() {
        let len = providers.len();
        providers.rotate_left(rotation % len);
    }
    providers
        .into_iter()
        .map(|provider| Candidate {
            provider,
            model: model.to_owned(),
            is_quota_fallback: is_fallback,
        })
        .collect()
}

#[cfg(test)]
mod tests;
