//! Credential selection (lifecycle step 4).
//!
//! Picks the credentials for one resolved candidate, in order: highest priority group
//! first; within a group round-robin (a cursor per (provider, model), advanced once
//! per selection) or fill-first; credentials that are cooling down or disabled are
//! skipped. Selection is an iterator, re-checking health on every step, and the caller
//! may add its own accept check ([`Selection::next_accepted`]). It never sleeps and
//! never performs I/O; waiting for a cooldown is `crate::retry`'s decision.
//!
//! `quota-exceeded.switch-project`: after a quota failure on a Gemini CLI project
//! credential, the remaining projects of the same account move to the front (flag on)
//! or to the back (flag off, so other accounts are tried first).

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::time::Instant;

use crate::credential::CredentialSpec;
use crate::health::{CooldownReason, Health};
use crate::pool::{Pool, Snapshot};
use crate::resolve::Candidate;
use crate::retry::{Disposition, NoCredential, NoCredentialKind};
use crate::settings::Strategy;

/// One credential to try, with the model name to send upstream.
#[derive(Debug, Clone)]
pub struct Pick {
    /// The credential.
    pub credential: Arc<CredentialSpec>,
    /// Client-visible model this pick serves (keys health).
    pub model: String,
    /// Model name for the upstream request (prefix stripped, aliases mapped back).
    pub upstream_model: String,
}

/// The ordered credentials for one candidate. Borrows the pool; holds no lock.
#[derive(Debug)]
pub struct Selection<'p> {
    pool: &'p Pool,
    snapshot: Arc<Snapshot>,
    candidate: Candidate,
    remaining: VecDeque<Arc<CredentialSpec>>,
    /// Every enabled credential serving the candidate, for [`Selection::exhausted`].
    eligible: Vec<Arc<CredentialSpec>>,
    has_yielded: bool,
}

impl<'p> Selection<'p> {
    pub(crate) fn new(pool: &'p Pool, snapshot: Arc<Snapshot>, candidate: Candidate) -> Self {
        let now = Instant::now();
        let mut eligible: Vec<Arc<CredentialSpec>> =
            snapshot.serving(&candidate).cloned().collect();
        eligible.sort_by(|a, b| b.priority.cmp(&a.priority).then_with(|| a.id.cmp(&b.id)));
        let strategy = snapshot.credential_set().settings.strategy;

        let mut runtime = pool.lock_runtime();
        eligible.retain(|spec| {
            !matches!(
                runtime.health.health(&spec.id, &candidate.model, now),
                Health::Disabled { .. }
            )
        });
        let cursor_key = (
            candidate.provider.clone(),
            candidate.model.to_ascii_lowercase(),
        );
        let cursor = runtime.cursors.entry(cursor_key).or_insert(0);
        let rotation = *cursor;
        *cursor = cursor.wrapping_add(1);

        let mut remaining = VecDeque::with_capacity(eligible.len());
        for group in eligible.chunk_by(|a, b| a.priority == b.priority) {
            let (mut ready, blocked): (Vec<_>, Vec<_>) = group.iter().cloned().partition(|spec| {
                runtime
                    .health
                    .health(&spec.id, &candidate.model, now)
                    .is_ready()
            });
            if strategy == Strategy::RoundRobin && !ready.is_empty() {
                let len = ready.len();
                ready.rotate_left(rotation % len);
            }
            remaining.extend(ready);
            // Blocked credentials stay at the back of their group: one may recover
            // before we get there, and `next` re-checks health anyway.
            remaining.extend(blocked);
        }
        drop(runtime);
        Self {
            pool,
            snapshot,
            candidate,
            remaining,
            eligible,
            has_yielded: false,
        }
    }

    /// The candidate this selection serves.
    pub fn candidate(&self) -> &Candidate {
        &self.candidate
    }

    /// The next ready credential that `accept` agrees to (e.g. not yet tried in this
    /// request). Rejected credentials are dropped from this selection.
    pub fn next_accepted(
        &mut self,
        mut accept: impl FnMut(&CredentialSpec) -> bool,
    ) -> Option<Pick> {
        let now = Instant::now();
        while let Some(spec) = self.remaining.pop_front() {
            let health = self
                .pool
                .health_in(&self.snapshot, &spec.id, &self.candidate.model, now);
            if !health.is_ready() || !accept(&spec) {
                continue;
            }
            let Some(registration) = self
                .snapshot
                .registry()
                .registration(&spec.id, &self.candidate.model)
            else {
                continue;
            };
            self.has_yielded = true;
            return Some(Pick {
                upstream_model: registration.upstream.clone(),
                model: self.candidate.model.clone(),
                credential: spec,
            });
        }
        None
    }

    /// Lifecycle step 7: records a failed attempt of `pick` and returns its new health.
    /// Applies `switch-project` ordering after quota failures.
    pub fn report(&mut self, pick: &Pick, disposition: &Disposition) -> Health {
        let health = self
            .pool
            .record_failure(&pick.credential.id, &pick.model, disposition);
        let quota_account = pick
            .credential
            .account
            .as_ref()
            .filter(|_| disposition.is_quota());
        if let Some(account) = quota_account {
            let switch_project = self.snapshot.credential_set().settings.switch_project;
            let (siblings, others): (VecDeque<_>, VecDeque<_>) = self
                .remaining
                .drain(..)
                .partition(|spec| spec.account.as_ref() == Some(account));
            self.remaining = if switch_project {
                siblings.into_iter().chain(others).collect()
            } else {
                others.into_iter().chain(siblings).collect()
            };
        }
        health
    }

    /// Records a successful attempt of `pick`.
    pub fn report_success(&self, pick: &Pick) {
        self.pool.record_success(&pick.credential.id, &pick.model);
    }

    /// Why nothing (more) is available: no enabled credential, all cooling down on
    /// quota (with the earliest reset), or blocked for other reasons. The pipeline
    /// returns the last upstream error instead when any attempt was made.
    pub fn exhausted(&self) -> NoCredential {
        let now = Instant::now();
        let model = self.candidate.model.clone();
        let provider = Some(self.candidate.provider.clone());
        let mut earliest: Option<Instant> = None;
        let mut is_all_quota = !self.eligible.is_empty();
        for spec in &self.eligible {
            match self.pool.health_in(&self.snapshot, &spec.id, &model, now) {
                Health::CoolingDown {
                    until,
                    reason: CooldownReason::Quota,
                } => {
                    earliest = Some(earliest.map_or(until, |e| e.min(until)));
                }
                _ => is_all_quota = false,
            }
        }
        let kind = match earliest {
            _ if self.eligible.is_empty() => NoCredentialKind::NotFound,
            Some(until) if is_all_quota => NoCredentialKind::AllCoolingDown {
                reset_in: until - now,
            },
            _ => NoCredentialKind::Unavailable,
        };
        NoCredential {
            model,
            provider,
            kind,
        }
    }

    /// Whether this selection has yielded at least one credential.
    pub fn has_yielded(&self) -> bool {
        self.has_yielded
    }
}

impl Iterator for Selection<'_> {
    type Item = Pick;

    fn next(&mut self) -> Option<Pick> {
        self.next_accepted(|_| true)
    }
}
