//! Test helpers shared by the unit tests of this crate (compiled only for tests).

use crate::credential::{AuthKind, CredentialId, CredentialSpec, ModelAlias};
use crate::provider::Provider;
use crate::settings::CredentialSet;

/// Shorthand for a credential ID.
pub fn id(raw: &str) -> CredentialId {
    CredentialId::new(raw)
}

/// An auth-file credential of `provider` with default fields.
pub fn oauth(raw: &str, provider: Provider) -> CredentialSpec {
    CredentialSpec::new(id(raw), provider, AuthKind::OAuth)
}

/// A config API-key credential of `provider` with default fields.
pub fn api_key(raw: &str, provider: Provider) -> CredentialSpec {
    CredentialSpec::new(id(raw), provider, AuthKind::ApiKey)
}

/// Per-key aliases from `(name, alias)` pairs.
pub fn aliases(pairs: &[(&str, &str)]) -> Vec<ModelAlias> {
    pairs
        .iter()
        .map(|(name, alias)| ModelAlias {
            name: (*name).to_owned(),
            alias: (*alias).to_owned(),
        })
        .collect()
}

/// A credential set with default settings.
pub fn set(credentials: Vec<CredentialSpec>) -> CredentialSet {
    CredentialSet {
        credentials,
        ..CredentialSet::default()
    }
}
