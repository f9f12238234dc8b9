//! Reasoning tables between the IR and Gemini `thinkingConfig` (translation spec §2.5).
//!
//! Pure functions used by the Gemini request decoder and encoder (lifecycle step 5).
//! Model capability clamping (min/max budgets per model) is the provider's job and is not
//! done here; we only pick the Gemini spelling (budget for Gemini 2.x, level for Gemini 3).

use cpa_protocol::gemini::ThinkingConfig;
use cpa_protocol::ir::{Effort, Reasoning, ReasoningMode};

/// Whether `model` is a Gemini 3 model (`^gemini[_-]?3[_-]`, case-insensitive).
pub fn is_gemini3(model: &str) -> bool {
    let m = model.to_ascii_lowercase();
    let Some(rest) = m.strip_prefix("gemini") else {
        return false;
    };
    let rest = rest
        .strip_prefix('-')
        .or_else(|| rest.strip_prefix('_'))
        .unwrap_or(rest);
    rest.starts_with("3-") || rest.starts_with("3_")
}

/// Whether `model` is a Gemini 3 Pro model (levels `low`, `high` only).
fn is_gemini3_pro(model: &str) -> bool {
    let m = model.to_ascii_lowercase();
    is_gemini3(&m) && (m.contains("3-pro") || m.contains("3_pro"))
}

/// Effort → Gemini 2.x `thinkingBudget` (§2.5.2). `None` for efforts without a budget.
pub fn effort_to_budget(effort: &Effort) -> Option<i64> {
    match effort {
        Effort::None => Some(0),
        Effort::Auto => Some(-1),
        Effort::Minimal => Some(512),
        Effort::Low => Some(1024),
        Effort::Medium => Some(8192),
        Effort::High => Some(24576),
        Effort::XHigh => Some(32768),
        Effort::Other(_) => None,
    }
}

/// Gemini `thinkingLevel` → budget (Gemini 2.5 conversion).
pub fn level_to_budget(level: &str) -> Option<i64> {
    match level.to_ascii_lowercase().as_str() {
        "minimal" => Some(512),
        "low" => Some(1024),
        "medium" => Some(8192),
        "high" => Some(32768),
        _ => None,
    }
}

/// Budget → effort (§2.5.2, used when decoding Gemini for effort-based formats).
pub fn budget_to_effort(budget: i64) -> Option<Effort> {
    match budget {
        -1 => Some(Effort::Auto),
        0 => Some(Effort::None),
        1..=1024 => Some(Effort::Low),
        1025..=8192 => Some(Effort::Medium),
        8193..=24576 => Some(Effort::High),
        b if b > 24576 => Some(Effort::XHigh),
        _ => None,
    }
}

/// Decodes a Gemini `thinkingConfig` into IR reasoning.
pub fn to_ir(config: &ThinkingConfig) -> Reasoning {
    let mut reasoning = match (config.thinking_budget, config.thinking_level.as_deref()) {
        (Some(budget), _) => {
            let mut r = Reasoning::with_budget(budget);
            r.mode = match budget {
                0 => ReasoningMode::Disabled,
                -1 => ReasoningMode::Auto,
                _ => ReasoningMode::Enabled,
            };
            r.effort = budget_to_effort(budget);
            r
        }
        (None, Some(level)) => {
            let mut r = Reasoning::with_effort(Effort::parse(level));
            r.level = Some(level.to_ascii_lowercase());
            r.budget_tokens = level_to_budget(level);
            r
        }
        (None, None) => {
            let mut r = Reasoning::off();
            r.mode = ReasoningMode::Auto;
            r
        }
    };
    reasoning.include_thoughts = config.include_thoughts;
    reasoning
}

/// Encodes IR reasoning for `model`. `None` means "send no thinkingConfig".
pub fn from_ir(reasoning: &Reasoning, model: &str) -> Option<ThinkingConfig> {
    let include = reasoning.include_thoughts;
    if is_gemini3(model) {
        return gemini3_config(reasoning, model, include);
    }
    let budget = match reasoning.mode {
        ReasoningMode::Disabled => Some(0),
        _ => reasoning
            .budget_tokens
            .or_else(|| reasoning.effort.as_ref().and_then(effort_to_budget))
            .or_else(|| reasoning.level.as_deref().and_then(level_to_budget)),
    };
    let budget = match (budget, reasoning.mode) {
        (Some(b), _) => b,
        // "Provider decides" with only an include flag: send just the flag.
        (None, ReasoningMode::Auto) if include.is_some() => return include.map(include_only),
        // Enabled without a budget (Anthropic `{type:"enabled"}`, effort `auto`): dynamic.
        (None, _) => -1,
    };
    Some(ThinkingConfig {
        thinking_budget: Some(budget),
        include_thoughts: include.or(Some(budget != 0)),
        ..ThinkingConfig::default()
    })
}

fn include_only(include: bool) -> ThinkingConfig {
    ThinkingConfig {
        include_thoughts: Some(include),
        ..ThinkingConfig::default()
    }
}

/// Gemini 3 takes levels only: effort/level validated against the model's level list,
/// budgets mapped with the §2.5.2 table; disabling is not possible, so `none` sends nothing.
fn gemini3_config(
    reasoning: &Reasoning,
    model: &str,
    include: Option<bool>,
) -> Option<ThinkingConfig> {
    let is_pro = is_gemini3_pro(model);
    if reasoning.mode == ReasoningMode::Disabled {
        return None;
    }
    let wanted = reasoning
        .level
        .clone()
        .or_else(|| reasoning.effort.as_ref().map(|e| e.as_str().to_owned()));
    let level = match wanted.as_deref() {
        Some("auto") => None,
        Some("xhigh") => Some("high"),
        Some("minimal") if is_pro => Some("low"),
        Some("medium") if is_pro => Some("high"),
        Some(l @ ("minimal" | "low" | "medium" | "high")) => Some(l),
        _ => reasoning
            .budget_tokens
            .and_then(|b| budget_to_level(b, is_pro)),
    };
    Some(ThinkingConfig {
        thinking_level: level.map(str::to_owned),
        include_thoughts: include.or(Some(true)),
        ..ThinkingConfig::default()
    })
}

/// Budget → Gemini 3 level (§2.5.2).
fn budget_to_level(budget: i64, is_pro: bool) -> Option<&'static str> {
    match budget {
        -1 => Some("high"),
        0..=512 if is_pro => Some("low"),
        0..=512 => Some("minimal"),
        513..=1024 => Some("low"),
        1025..=8192 if is_pro => Some("low"),
        1025..=8192 => Some("medium"),
        b if b > 8192 => Some("high"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemini3_detection_follows_the_regex() {
        assert!(is_gemini3("gemini-3-pro-preview"));
        assert!(is_gemini3("Gemini_3_flash"));
        assert!(is_gemini3("gemini3-flash"));
        assert!(!is_gemini3("gemini-2.5-pro"));
        assert!(!is_gemini3("gemini-30"));
    }

    #[test]
    fn effort_maps_to_budget_for_gemini_25() {
        let cfg = from_ir(&Reasoning::with_effort(Effort::High), "gemini-2.5-pro");
        assert_eq!(cfg.as_ref().and_then(|c| c.thinking_budget), Some(24576));
        assert_eq!(cfg.and_then(|c| c.include_thoughts), Some(true));
    }

    #[test]
    fn disabled_reasoning_sends_zero_budget() {
        let cfg = from_ir(&Reasoning::with_effort(Effort::None), "gemini-2.5-flash");
        assert_eq!(cfg.as_ref().and_then(|c| c.thinking_budget), Some(0));
        assert_eq!(cfg.and_then(|c| c.include_thoughts), Some(false));
    }

    #[test]
    fn enabled_without_budget_is_dynamic() {
        let mut r = Reasoning::off();
        r.mode = ReasoningMode::Enabled;
        let cfg = from_ir(&r, "gemini-2.5-flash");
        assert_eq!(cfg.as_ref().and_then(|c| c.thinking_budget), Some(-1));
        let include_only = to_ir(&ThinkingConfig {
            include_thoughts: Some(true),
            ..ThinkingConfig::default()
        });
        let cfg = from_ir(&include_only, "gemini-2.5-flash");
        assert_eq!(cfg.as_ref().and_then(|c| c.thinking_budget), None);
        assert_eq!(cfg.and_then(|c| c.include_thoughts), Some(true));
    }

    #[test]
    fn gemini3_pro_gets_valid_levels() {
        let cfg = from_ir(&Reasoning::with_budget(4096), "gemini-3-pro-preview");
        assert_eq!(cfg.and_then(|c| c.thinking_level).as_deref(), Some("low"));
        let cfg = from_ir(
            &Reasoning::with_effort(Effort::Medium),
            "gemini-3-flash-preview",
        );
        assert_eq!(
            cfg.and_then(|c| c.thinking_level).as_deref(),
            Some("medium")
        );
        assert!(from_ir(&Reasoning::with_effort(Effort::None), "gemini-3-pro").is_none());
    }

    #[test]
    fn budget_maps_back_to_effort() {
        let r = to_ir(&ThinkingConfig {
            thinking_budget: Some(8000),
            ..ThinkingConfig::default()
        });
        assert_eq!(r.effort, Some(Effort::Medium));
        assert_eq!(r.mode, ReasoningMode::Enabled);
    }
}
