//! The executor table (lifecycle step 6 entry point): one line per provider.
//!
//! Adding a provider = one module plus one line in `TABLE`. All executors share one
//! [`HttpClients`], so connection pools and proxy clients are reused across providers.

use std::collections::HashMap;
use std::sync::Arc;

use crate::claude::ClaudeExecutor;
use crate::codex::CodexExecutor;
use crate::credential::{Credential, ProviderKind};
use crate::executor::Executor;
use crate::gemini::GeminiExecutor;
use crate::http::HttpClients;
use crate::openai_compat::OpenAiCompatExecutor;
use crate::vertex::VertexExecutor;

type Constructor = fn(Arc<HttpClients>) -> Arc<dyn Executor>;

/// Every executor, keyed by the provider it serves.
const TABLE: &[(ProviderKind, Constructor)] = &[
    (ProviderKind::Gemini, |c| Arc::new(GeminiExecutor::new(c))),
    (ProviderKind::Vertex, |c| Arc::new(VertexExecutor::new(c))),
    (ProviderKind::Claude, |c| Arc::new(ClaudeExecutor::new(c))),
    (ProviderKind::Codex, |c| Arc::new(CodexExecutor::new(c))),
    (ProviderKind::OpenAiCompat, |c| {
        Arc::new(OpenAiCompatExecutor::new(c))
    }),
];

/// The executors of one runtime snapshot.
#[derive(Clone)]
pub struct Registry {
    clients: Arc<HttpClients>,
    executors: HashMap<ProviderKind, Arc<dyn Executor>>,
}

impl Registry {
    /// Builds every executor over shared `clients`.
    pub fn new(clients: Arc<HttpClients>) -> Self {
        let executors = TABLE
            .iter()
            .map(|(kind, build)| (*kind, build(clients.clone())))
            .collect();
        Self { clients, executors }
    }

    /// The executor for a provider kind.
    pub fn get(&self, kind: ProviderKind) -> Option<&Arc<dyn Executor>> {
        self.executors.get(&kind)
    }

    /// The executor for a credential.
    pub fn for_credential(&self, cred: &Credential) -> Option<&Arc<dyn Executor>> {
        self.get(cred.kind())
    }

    /// The shared HTTP clients.
    pub fn clients(&self) -> &Arc<HttpClients> {
        &self.clients
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut kinds: Vec<_> = self.executors.keys().collect();
        kinds.sort();
        f.debug_struct("Registry")
            .field("kinds", &kinds)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_an_executor_reporting_its_kind() {
        let registry = Registry::new(Arc::new(HttpClients::direct_default()));
        for kind in [
            ProviderKind::Gemini,
            ProviderKind::Vertex,
            ProviderKind::Claude,
            ProviderKind::Codex,
            ProviderKind::OpenAiCompat,
        ] {
            let executor = registry.get(kind).expect("registered");
            assert_eq!(executor.kind(), kind);
        }
    }
}
