//! The credential pool: live credential set, model registry and health (steps 3–4, 7).
//!
//! One long-lived `Pool` per server. Configuration reloads call [`Pool::reload`], which
//! swaps in a new snapshot (credentials + registry) and keeps the health of every
//! credential whose ID survived; removed IDs are forgotten and a changed fingerprint
//! re-enables a disabled credential. A request works on one snapshot from resolution
//! to the last attempt.
//!
//! Locking: one `RwLock` around the snapshot pointer and one `Mutex` around runtime
//! state (health, cursors). Both are `parking_lot` locks held for a few map operations
//! and never across an `.await`; nothing here awaits, sleeps or performs I/O.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use parking_lot::{Mutex, RwLock};
use tokio::time::Instant;

use crate::credential::{CredentialId, CredentialSpec};
use crate::health::{CooldownPolicy, CooldownReason, Health, HealthBook};
use crate::models::{AnthropicModel, GeminiModel, ModelInfo, OpenAiModel};
use crate::provider::Provider;
use crate::registry::ModelRegistry;
use crate::resolve::{self, Candidate, Resolution, ResolveContext, ResolveError};
use crate::retry::{Disposition, RetryPolicy};
use crate::select::Selection;
use crate::settings::{CredentialSet, RouterSettings};

/// The live credential pool. Share it as `Arc<Pool>`; it is `Send + Sync`.
#[derive(Debug)]
pub struct Pool {
    snapshot: RwLock<Arc<Snapshot>>,
    runtime: Mutex<Runtime>,
}

/// Runtime status of one credential, for management views and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialStatus {
    /// The credential.
    pub credential: Arc<CredentialSpec>,
    /// Credential-level health: `Disabled` (by config or by a 401/403) or `Ready`.
    pub health: Health,
    /// Models currently cooling down on this credential.
    pub cooldowns: Vec<ModelCooldown>,
}

/// One active (credential, model) cooldown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelCooldown {
    /// Lower-cased route model.
    pub model: String,
    /// Time left.
    pub remaining: Duration,
    /// Why.
    pub reason: CooldownReason,
}

/// An immutable view of one credential set and its registry.
#[derive(Debug)]
pub struct Snapshot {
    set: CredentialSet,
    specs: HashMap<CredentialId, Arc<CredentialSpec>>,
    registry: ModelRegistry,
}

/// Mutable runtime state that survives reloads.
#[derive(Debug, Default)]
pub(crate) struct Runtime {
    pub(crate) health: HealthBook,
    /// Round-robin cursor per (provider, model).
    pub(crate) cursors: HashMap<(Provider, String), usize>,
    /// Provider rotation counter per route model (spec §5.5.1).
    rotations: HashMap<String, usize>,
}

impl Pool {
    /// Builds a pool from an initial credential set.
    pub fn new(set: CredentialSet) -> Self {
        Self {
            snapshot: RwLock::new(Arc::new(Snapshot::build(set))),
            runtime: Mutex::new(Runtime::default()),
        }
    }

    /// Replaces the credential set, keeping health of unchanged IDs.
    pub fn reload(&self, set: CredentialSet) {
        let snapshot = Arc::new(Snapshot::build(set));
        self.runtime.lock().health.retain(&snapshot.set.credentials);
        *self.snapshot.write() = snapshot;
    }

    /// The current snapshot; hold it for the duration of one request.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot.read())
    }

    /// Current settings.
    pub fn settings(&self) -> RouterSettings {
        self.snapshot().set.settings.clone()
    }

    /// Retry policy for a new request.
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy::from(&self.snapshot().set.settings)
    }

    /// Lifecycle step 3: resolves the requested model to ordered candidates.
    ///
    /// Advances the provider rotation counter of the route model.
    pub fn resolve(&self, requested: &str) -> Result<Resolution, ResolveError> {
        let snapshot = self.snapshot();
        let auto = (requested == "auto")
            .then(|| self.auto_model(&snapshot))
            .flatten();
        let context = ResolveContext {
            auto_model: auto.as_deref(),
            switch_preview_model: snapshot.set.settings.switch_preview_model,
        };
        resolve::resolve(&snapshot.registry, requested, context, |route_model| {
            let mut runtime = self.runtime.lock();
            let counter = runtime.rotations.entry(route_model.to_owned()).or_insert(0);
            let rotation = *counter;
            *counter = counter.wrapping_add(1);
            rotation
        })
    }

    /// Lifecycle step 4: the credentials to try for `candidate`, in order.
    pub fn select(&self, candidate: &Candidate) -> Selection<'_> {
        Selection::new(self, self.snapshot(), candidate.clone())
    }

    /// Current health of a credential for a model.
    pub fn health(&self, id: &CredentialId, model: &str) -> Health {
        let snapshot = self.snapshot();
        self.health_in(&snapshot, id, model, Instant::now())
    }

    /// Status of every credential in the current set, in set order.
    pub fn credential_statuses(&self) -> Vec<CredentialStatus> {
        let snapshot = self.snapshot();
        let now = Instant::now();
        let runtime = self.runtime.lock();
        snapshot
            .set
            .credentials
            .iter()
            .filter_map(|spec| snapshot.specs.get(&spec.id))
            .map(|spec| CredentialStatus {
                credential: Arc::clone(spec),
                health: if spec.is_disabled {
                    Health::Disabled {
                        reason: "disabled".to_owned(),
                    }
                } else {
                    runtime.health.credential_health(&spec.id)
                },
                cooldowns: runtime
                    .health
                    .cooldowns(&spec.id, now)
                    .into_iter()
                    .map(|(model, until, reason)| ModelCooldown {
                        model,
                        remaining: until - now,
                        reason,
                    })
                    .collect(),
            })
            .collect()
    }

    /// Records a successful attempt (clears the model's cooldown).
    pub fn record_success(&self, id: &CredentialId, model: &str) {
        self.runtime.lock().health.record_success(id, model);
    }

    /// Records a failed attempt; returns the credential's new health. Unknown IDs
    /// (removed by a reload mid-request) are ignored.
    pub fn record_failure(
        &self,
        id: &CredentialId,
        model: &str,
        disposition: &Disposition,
    ) -> Health {
        let snapshot = self.snapshot();
        let Some(spec) = snapshot.specs.get(id) else {
            return Health::Ready;
        };
        let policy = CooldownPolicy::from(&snapshot.set.settings);
        self.runtime
            .lock()
            .health
            .record_failure(spec, model, disposition, Instant::now(), policy)
    }

    /// Shortest remaining cooldown among every credential of the resolution's
    /// candidates (for `Attempts::after_pass`).
    pub fn nearest_recovery(&self, resolution: &Resolution) -> Option<Duration> {
        let snapshot = self.snapshot();
        let now = Instant::now();
        let runtime = self.runtime.lock();
        resolution
            .candidates
            .iter()
            .filter_map(|candidate| {
                let ids = snapshot.serving(candidate).map(|spec| &spec.id);
                runtime.health.nearest_recovery(ids, &candidate.model, now)
            })
            .min()
    }

    /// Models a client can use now, in stable order: registered by at least one
    /// credential that is neither disabled nor cooling down for a non-quota reason.
    pub fn available_models(&self) -> Vec<ModelInfo> {
        let snapshot = self.snapshot();
        let now = Instant::now();
        let runtime = self.runtime.lock();
        snapshot
            .registry
            .listed(|id, model| match runtime.health.health(id, model, now) {
                Health::Ready => true,
                Health::CoolingDown { reason, .. } => reason == CooldownReason::Quota,
                Health::Disabled { .. } => false,
            })
            .into_iter()
            .cloned()
            .collect()
    }

    /// `/v1/models` rows, OpenAI shape.
    pub fn openai_models(&self) -> Vec<OpenAiModel> {
        self.available_models()
            .iter()
            .map(OpenAiModel::from)
            .collect()
    }

    /// `/v1/models` rows, Anthropic shape.
    pub fn anthropic_models(&self) -> Vec<AnthropicModel> {
        self.available_models()
            .iter()
            .map(AnthropicModel::from)
            .collect()
    }

    /// `/v1beta/models` rows, Gemini shape.
    pub fn gemini_models(&self) -> Vec<GeminiModel> {
        self.available_models()
            .iter()
            .map(GeminiModel::from)
            .collect()
    }

    pub(crate) fn lock_runtime(&self) -> parking_lot::MutexGuard<'_, Runtime> {
        self.runtime.lock()
    }

    pub(crate) fn health_in(
        &self,
        snapshot: &Snapshot,
        id: &CredentialId,
        model: &str,
        now: Instant,
    ) -> Health {
        match snapshot.specs.get(id) {
            Some(spec) if spec.is_disabled => Health::Disabled {
                reason: "disabled".to_owned(),
            },
            _ => self.runtime.lock().health.health(id, model, now),
        }
    }

    /// `auto`: the newest available model with a ready credential (spec §5.3).
    fn auto_model(&self, snapshot: &Snapshot) -> Option<String> {
        let now = Instant::now();
        let runtime = self.runtime.lock();
        let listed = snapshot
            .registry
            .listed(|id, model| runtime.health.health(id, model, now).is_ready());
        let mut newest: Option<&ModelInfo> = None;
        for model in listed {
            if newest.is_none_or(|n| model.created > n.created) {
                newest = Some(model);
            }
        }
        newest.map(|m| m.id.clone())
    }
}

impl Snapshot {
    fn build(set: CredentialSet) -> Self {
        let now_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let registry = ModelRegistry::build(&set, now_unix);
        let specs = set
            .credentials
            .iter()
            .map(|spec| (spec.id.clone(), Arc::new(spec.clone())))
            .collect();
        Self {
            set,
            specs,
            registry,
        }
    }

    /// The model registry of this snapshot.
    pub fn registry(&self) -> &ModelRegistry {
        &self.registry
    }

    /// The credential set this snapshot was built from.
    pub fn credential_set(&self) -> &CredentialSet {
        &self.set
    }

    /// A credential by ID.
    pub fn credential(&self, id: &CredentialId) -> Option<&Arc<CredentialSpec>> {
        self.specs.get(id)
    }

    /// Enabled credentials of the candidate's provider serving the candidate's model.
    pub(crate) fn serving<'a>(
        &'a self,
        candidate: &'a Candidate,
    ) -> impl Iterator<Item = &'a Arc<CredentialSpec>> + 'a {
        self.registry
            .credentials_for(&candidate.model)
            .iter()
            .filter(|(_, provider)| *provider == candidate.provider)
            .filter_map(|(id, _)| self.specs.get(id))
            .filter(|spec| !spec.is_disabled)
    }
}

#[cfg(test)]
mod tests;
