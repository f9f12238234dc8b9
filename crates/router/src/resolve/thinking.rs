//! The thinking suffix on model names, `model(value)` (proxy-pipeline spec §5.4).
//!
//! Pure string parsing plus the effort ↔ budget conversion tables. Applying the
//! result to a request body is the translation layer's job, not ours.
//!
//! Deliberate difference from the original: `(-1)` means dynamic thinking (the
//! original discarded the `-` and produced a budget of 1). `(auto)` means the same.

/// Thinking configuration requested through a model-name suffix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThinkingRequest {
    /// Let the model decide (`(-1)` or `(auto)`); budget -1, effort `auto`.
    Dynamic,
    /// A token budget; 0 turns thinking off (`(8192)`, `(0)`, `(16384abc)`).
    Budget(u32),
    /// A named reasoning level, lower-cased and trimmed (`(High )` → `high`).
    Effort(String),
}

impl ThinkingRequest {
    /// The request as a budget for budget-based targets (-1 = dynamic); `None` for an
    /// effort name the table does not know.
    pub fn budget(&self) -> Option<i64> {
        match self {
            Self::Dynamic => Some(-1),
            Self::Budget(budget) => Some(i64::from(*budget)),
            Self::Effort(effort) => effort_to_budget(effort),
        }
    }

    /// The request as a level for level-based targets. `levels` are the model's
    /// levels, lowest first (used for 0 and for budgets above the table).
    pub fn effort(&self, levels: &[&str]) -> String {
        match self {
            Self::Dynamic => "auto".to_owned(),
            Self::Budget(budget) => budget_to_effort(i64::from(*budget), levels),
            Self::Effort(effort) => effort.clone(),
        }
    }
}

/// Splits `model(value)` into the base name and the thinking request.
///
/// The suffix starts at the **last** `(` and the name must end with `)`. Returns `None`
/// when there is no valid suffix (`x()`, `x(8192`, `x(a)b`, `x(-5)`), in which case the
/// name is used unchanged.
pub fn split_thinking_suffix(model: &str) -> Option<(&str, ThinkingRequest)> {
    let inner = model.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let (base, value) = (&inner[..open], inner[open + 1..].trim());
    if base.is_empty() || value.is_empty() {
        return None;
    }
    parse_value(value).map(|request| (base, request))
}

/// Effort name → budget (budget-based targets). `None` for unknown names.
pub fn effort_to_budget(effort: &str) -> Option<i64> {
    Some(match effort {
        "none" => 0,
        "auto" => -1,
        "minimal" => 512,
        "low" => 1024,
        "medium" => 8192,
        "high" => 24576,
        "xhigh" => 32768,
        _ => return None,
    })
}

/// Budget → effort name (level-based targets). `levels` are the model's levels,
/// lowest first; budgets below -1 are invalid and map to `auto`'s neighbour `none`
/// only if the caller passes them (the suffix parser never produces them).
pub fn budget_to_effort(budget: i64, levels: &[&str]) -> String {
    let level = match budget {
        -1 => "auto",
        0 => levels.first().copied().unwrap_or("none"),
        1..=1024 => "low",
        1025..=8192 => "medium",
        8193..=24576 => "high",
        b if b > 24576 => levels.last().copied().unwrap_or("xhigh"),
        _ => "none",
    };
    level.to_owned()
}

fn parse_value(value: &str) -> Option<ThinkingRequest> {
    if let Some(digits) = value.strip_prefix('-') {
        // Only "-1" (dynamic) is meaningful; other negatives are invalid budgets.
        return match leading_number(digits)? {
            0 => Some(ThinkingRequest::Budget(0)),
            1 => Some(ThinkingRequest::Dynamic),
            _ => None,
        };
    }
    if value.starts_with(|c: char| c.is_ascii_digit()) {
        let budget = u32::try_from(leading_number(value)?).unwrap_or(u32::MAX);
        return Some(ThinkingRequest::Budget(budget));
    }
    let effort = value.to_ascii_lowercase();
    Some(match effort.as_str() {
        "auto" => ThinkingRequest::Dynamic,
        _ => ThinkingRequest::Effort(effort),
    })
}

fn leading_number(text: &str) -> Option<u64> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let digits = &text[..end];
    if digits.is_empty() {
        return None;
    }
    Some(digits.parse::<u64>().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::ThinkingRequest::{Budget, Dynamic, Effort};
    use super::*;

    #[test]
    fn thinking_suffix_table_of_spec_5_4() {
        let effort = |s: &str| Effort(s.to_owned());
        let cases: Vec<(&str, Option<(&str, ThinkingRequest)>)> = vec![
            (
                "gemini-2.5-pro(8192)",
                Some(("gemini-2.5-pro", Budget(8192))),
            ),
            ("gpt-5.1(high)", Some(("gpt-5.1", effort("high")))),
            (
                "claude-sonnet-4-5-20250929(16384abc)",
                Some(("claude-sonnet-4-5-20250929", Budget(16384))),
            ),
            // Fixed quirk: -1 is dynamic, not a budget of 1.
            ("x(-1)", Some(("x", Dynamic))),
            ("x(auto)", Some(("x", Dynamic))),
            ("x(0)", Some(("x", Budget(0)))),
            ("x(High )", Some(("x", effort("high")))),
            ("x()", None),
            ("x(8192", None),
            ("x(a)b", None),
            ("x(-5)", None),
            ("(8192)", None),
            ("a(b)(c)", Some(("a(b)", effort("c")))),
            ("plain-model", None),
        ];
        for (input, expected) in cases {
            assert_eq!(split_thinking_suffix(input), expected, "input {input}");
        }
    }

    #[test]
    fn effort_budget_conversion_tables() {
        assert_eq!(effort_to_budget("minimal"), Some(512));
        assert_eq!(effort_to_budget("xhigh"), Some(32768));
        assert_eq!(effort_to_budget("turbo"), None);
        let levels = ["minimal", "low", "medium", "high"];
        assert_eq!(budget_to_effort(-1, &levels), "auto");
        assert_eq!(budget_to_effort(0, &levels), "minimal");
        assert_eq!(budget_to_effort(1024, &levels), "low");
        assert_eq!(budget_to_effort(1025, &levels), "medium");
        assert_eq!(budget_to_effort(24576, &levels), "high");
        assert_eq!(budget_to_effort(30000, &levels), "high");
        assert_eq!(budget_to_effort(30000, &[]), "xhigh");
        assert_eq!(Dynamic.budget(), Some(-1));
        assert_eq!(Budget(8192).effort(&[]), "medium");
    }
}
