//! Reasoning conversion tables (translation spec §2.5.2), used by encoders in step 5.
//!
//! Effort ↔ budget mapping and merging of a model-suffix override into the IR. Pure
//! functions over IR data; model capability clamping (registry Min/Max) is the provider
//! layer's job, not this module's.

use cpa_protocol::ir::{Effort, Reasoning, ReasoningMode};

use crate::context::ReasoningOverride;

/// Effort → token budget: none 0, auto −1, minimal 512, low 1024, medium 8192,
/// high 24576, xhigh 32768; unknown spellings → `None`.
pub fn effort_to_budget(effort: &Effort) -> Option<i64> {
    Some(match effort {
        Effort::None => 0,
        Effort::Auto => -1,
        Effort::Minimal => 512,
        Effort::Low => 1024,
        Effort::Medium => 8192,
        Effort::High => 24576,
        Effort::XHigh => 32768,
        Effort::Other(_) => return None,
    })
}

/// Budget → effort: −1 auto, 0 none, ≤1024 low, ≤8192 medium, ≤24576 high, above xhigh;
/// other negatives → `None`.
pub fn budget_to_effort(budget: i64) -> Option<Effort> {
    Some(match budget {
        -1 => Effort::Auto,
        0 => Effort::None,
        1..=1024 => Effort::Low,
        1025..=8192 => Effort::Medium,
        8193..=24576 => Effort::High,
        b if b > 24576 => Effort::XHigh,
        _ => return None,
    })
}

/// The effort to send to an effort-based target (OpenAI), derived from any IR form.
pub fn effective_effort(r: &Reasoning) -> Option<Effort> {
    if let Some(e) = &r.effort {
        return Some(e.clone());
    }
    match r.mode {
        ReasoningMode::Disabled => Some(Effort::None),
        ReasoningMode::Auto => Some(Effort::Auto),
        ReasoningMode::Enabled => match r.budget_tokens {
            Some(b) => budget_to_effort(b),
            None => Some(Effort::Auto),
        },
    }
}

/// The budget to send to a budget-based target (Anthropic), derived from any IR form.
/// `None` = "enabled without a budget" (dynamic).
pub fn effective_budget(r: &Reasoning) -> Option<i64> {
    if let Some(b) = r.budget_tokens {
        return Some(b);
    }
    r.effort.as_ref().and_then(effort_to_budget)
}

/// Applies a model-suffix override on top of the body's reasoning (the suffix wins).
pub fn apply_override(
    current: Option<Reasoning>,
    over: Option<&ReasoningOverride>,
) -> Option<Reasoning> {
    match over {
        None => current,
        Some(ReasoningOverride::Budget(b)) => Some(match *b {
            0 => Reasoning::off(),
            -1 => Reasoning {
                mode: ReasoningMode::Auto,
                budget_tokens: Some(-1),
                ..Reasoning::off()
            },
            b => Reasoning::with_budget(b),
        }),
        Some(ReasoningOverride::Effort(e)) => Some(Reasoning::with_effort(e.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_and_effort_tables_agree_on_the_anchor_points() {
        for e in [
            Effort::Low,
            Effort::Medium,
            Effort::High,
            Effort::XHigh,
            Effort::None,
            Effort::Auto,
        ] {
            let b = effort_to_budget(&e).expect("known effort");
            assert_eq!(budget_to_effort(b), Some(e));
        }
        assert_eq!(budget_to_effort(-5), None);
    }
}
