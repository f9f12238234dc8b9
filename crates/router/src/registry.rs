//! Model registry: which credential serves which client-visible model (step 3 input).
//!
//! Built from a [`CredentialSet`] in one go (on start and on every reload) rather than
//! mutated per credential, so a reload can never leave half-registered state. It
//! answers "which providers serve model X", "does credential C serve X, and under what
//! upstream name", and the listing queries. It knows nothing about health; callers
//! pass a predicate when a query must skip unusable credentials.

mod build;

use std::collections::HashMap;

pub use build::is_excluded;

use crate::credential::CredentialId;
use crate::models::ModelInfo;
use crate::provider::Provider;
use crate::settings::CredentialSet;

/// One model registered by one credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Metadata; `info.id` is the client-visible (possibly aliased, prefixed) ID.
    pub info: ModelInfo,
    /// The model name to send upstream with this credential.
    pub upstream: String,
}

/// The model registry for one credential set.
#[derive(Debug, Default)]
pub struct ModelRegistry {
    per_credential: HashMap<CredentialId, CredentialModels>,
    entries: HashMap<String, ModelEntry>,
    /// Model IDs in first-registration order: the stable listing order.
    order: Vec<String>,
}

#[derive(Debug, Default)]
struct CredentialModels {
    /// Lower-cased client ID → index into `list`.
    by_lower: HashMap<String, usize>,
    list: Vec<Registration>,
}

#[derive(Debug)]
struct ModelEntry {
    /// Metadata of the last credential registering the ID (spec: last wins).
    info: ModelInfo,
    credentials: Vec<(CredentialId, Provider)>,
}

impl ModelRegistry {
    /// Registers the models of every credential in `set`, in set order.
    ///
    /// `now_unix` stamps the `created` field of per-key aliases.
    pub fn build(set: &CredentialSet, now_unix: i64) -> Self {
        let mut registry = Self::default();
        for spec in &set.credentials {
            let list = build::credential_models(spec, set, now_unix);
            let mut models = CredentialModels::default();
            for registration in list {
                let lower = registration.info.id.to_ascii_lowercase();
                if models.by_lower.contains_key(&lower) {
                    continue;
                }
                registry.add(&spec.id, &spec.provider, &registration.info);
                models.by_lower.insert(lower, models.list.len());
                models.list.push(registration);
            }
            registry.per_credential.insert(spec.id.clone(), models);
        }
        registry
    }

    /// Providers registering exactly `model` (case-sensitive), most credentials first,
    /// then by provider name (spec §5.2.6).
    pub fn providers(&self, model: &str) -> Vec<Provider> {
        let Some(entry) = self.entries.get(model) else {
            return Vec::new();
        };
        let mut counts: Vec<(Provider, usize)> = Vec::new();
        for (_, provider) in &entry.credentials {
            match counts.iter_mut().find(|(p, _)| p == provider) {
                Some((_, count)) => *count += 1,
                None => counts.push((provider.clone(), 1)),
            }
        }
        counts.sort_by(|(pa, ca), (pb, cb)| cb.cmp(ca).then_with(|| pa.as_str().cmp(pb.as_str())));
        counts.into_iter().map(|(p, _)| p).collect()
    }

    /// The registration of `model` (case-insensitive) on credential `id`, if it
    /// serves that model.
    pub fn registration(&self, id: &CredentialId, model: &str) -> Option<&Registration> {
        let models = self.per_credential.get(id)?;
        let index = models.by_lower.get(&model.to_ascii_lowercase())?;
        models.list.get(*index)
    }

    /// Credentials (with their provider) registering exactly `model`.
    pub fn credentials_for(&self, model: &str) -> &[(CredentialId, Provider)] {
        self.entries
            .get(model)
            .map_or(&[], |entry| entry.credentials.as_slice())
    }

    /// Everything credential `id` registers, in registration order.
    pub fn models_of(&self, id: &CredentialId) -> &[Registration] {
        self.per_credential
            .get(id)
            .map_or(&[], |models| models.list.as_slice())
    }

    /// Metadata of a registered model ID.
    pub fn get(&self, model: &str) -> Option<&ModelInfo> {
        self.entries.get(model).map(|entry| &entry.info)
    }

    /// Models that at least one usable credential registers, in stable
    /// first-registration order. `is_usable(credential, model)` decides usability.
    pub fn listed(&self, is_usable: impl Fn(&CredentialId, &str) -> bool) -> Vec<&ModelInfo> {
        self.order
            .iter()
            .filter_map(|id| self.entries.get(id).map(|entry| (id, entry)))
            .filter(|(id, entry)| entry.credentials.iter().any(|(c, _)| is_usable(c, id)))
            .map(|(_, entry)| &entry.info)
            .collect()
    }

    fn add(&mut self, id: &CredentialId, provider: &Provider, info: &ModelInfo) {
        match self.entries.get_mut(&info.id) {
            Some(entry) => {
                entry.info = info.clone();
                entry.credentials.push((id.clone(), provider.clone()));
            }
            None => {
                self.order.push(info.id.clone());
                self.entries.insert(
                    info.id.clone(),
                    ModelEntry {
                        info: info.clone(),
                        credentials: vec![(id.clone(), provider.clone())],
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
