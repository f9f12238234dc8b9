//! Claude executor payload rules (translation.md §9.1) that are provider quirks, not
//! format conversion. Pure functions over the JSON object; tested below.

use serde_json::{Map, Value, json};

/// The Claude Code system line the upstream expects first.
pub const CLAUDE_CODE_SYSTEM: &str = "You are Claude Code, Anthropic's official CLI for Claude.";

/// Prepends the Claude Code system block.
///
/// * array whose first text is already the line: unchanged;
/// * other array: the line, then the original `type: "text"` blocks;
/// * string: the line, then the string as a text block (**fix**: the reference drops a
///   string system prompt, providers.md §7 #5);
/// * absent: just the line.
pub fn inject_system_prompt(object: &mut Map<String, Value>) {
    let line = json!({"type": "text", "text": CLAUDE_CODE_SYSTEM});
    let system = match object.remove("system") {
        Some(Value::Array(blocks)) => {
            let first_text = blocks
                .first()
                .and_then(|b| b.get("text"))
                .and_then(Value::as_str);
            if first_text == Some(CLAUDE_CODE_SYSTEM) {
                Value::Array(blocks)
            } else {
                let mut out = vec![line];
                out.extend(
                    blocks
                        .into_iter()
                        .filter(|b| b.get("type").and_then(Value::as_str) == Some("text")),
                );
                Value::Array(out)
            }
        }
        Some(Value::String(text)) if !text.trim().is_empty() => {
            Value::Array(vec![line, json!({"type": "text", "text": text})])
        }
        _ => Value::Array(vec![line]),
    };
    object.insert("system".to_owned(), system);
}

/// Removes body-level `betas` (array or comma-separated string) and returns them.
pub fn take_betas(object: &mut Map<String, Value>) -> Vec<String> {
    let split = |s: &str| {
        s.split(',')
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    match object.remove("betas") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .flat_map(split)
            .collect(),
        Some(Value::String(s)) => split(&s),
        _ => Vec::new(),
    }
}

/// The `anthropic-beta` header: the client's value (plus `oauth-2025-04-20` when it
/// mentions no `oauth`) or `default`, then body betas, deduplicated.
pub fn beta_header(client: Option<&str>, default: &str, body_betas: &[String]) -> String {
    let mut base = match client.map(str::trim).filter(|c| !c.is_empty()) {
        Some(client) if client.contains("oauth") => client.to_owned(),
        Some(client) => format!("{client},oauth-2025-04-20"),
        None => default.to_owned(),
    };
    for beta in body_betas {
        if !base.split(',').any(|b| b.trim() == beta) {
            base.push(',');
            base.push_str(beta);
        }
    }
    base
}

/// Drops `thinking` when `tool_choice` forces a tool (the API rejects the combination),
/// and raises `max_tokens` above an enabled thinking budget (budget + 4000, the
/// reference's fallback when the model's limit is unknown).
pub fn fix_thinking(object: &mut Map<String, Value>) {
    let forced_tool = object
        .get("tool_choice")
        .and_then(|t| t.get("type"))
        .and_then(Value::as_str)
        .is_some_and(|t| t == "any" || t == "tool");
    if forced_tool {
        object.remove("thinking");
        return;
    }
    let thinking = object.get("thinking");
    let enabled = thinking.and_then(|t| t.get("type")).and_then(Value::as_str) == Some("enabled");
    let budget = thinking
        .and_then(|t| t.get("budget_tokens"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if enabled && budget > 0 {
        let max = object
            .get("max_tokens")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        if max <= budget {
            object.insert("max_tokens".to_owned(), json!(budget + 4000));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn system_prompt_variants() {
        let mut absent = obj(json!({}));
        inject_system_prompt(&mut absent);
        assert_eq!(
            absent["system"],
            json!([{"type":"text","text":CLAUDE_CODE_SYSTEM}])
        );

        let mut string = obj(json!({"system": "Be brief."}));
        inject_system_prompt(&mut string);
        assert_eq!(
            string["system"],
            json!([{"type":"text","text":CLAUDE_CODE_SYSTEM},{"type":"text","text":"Be brief."}])
        );

        let mut array = obj(json!({"system": [{"type":"text","text":"A"},{"type":"image"}]}));
        inject_system_prompt(&mut array);
        assert_eq!(
            array["system"],
            json!([{"type":"text","text":CLAUDE_CODE_SYSTEM},{"type":"text","text":"A"}])
        );

        let already = json!([{"type":"text","text":CLAUDE_CODE_SYSTEM},{"type":"text","text":"B"}]);
        let mut same = obj(json!({"system": already.clone()}));
        inject_system_prompt(&mut same);
        assert_eq!(same["system"], already);
    }

    #[test]
    fn betas_merge_into_header() {
        let mut body = obj(json!({"betas": ["a-1", "b-2"], "model": "m"}));
        let betas = take_betas(&mut body);
        assert!(!body.contains_key("betas"));
        assert_eq!(beta_header(None, "d-0", &betas), "d-0,a-1,b-2");
        assert_eq!(
            beta_header(Some("x-9"), "d-0", &betas),
            "x-9,oauth-2025-04-20,a-1,b-2"
        );
        assert_eq!(
            beta_header(Some("oauth-1,a-1"), "d", &betas),
            "oauth-1,a-1,b-2"
        );
        let mut string = obj(json!({"betas": "c-3, d-4"}));
        assert_eq!(take_betas(&mut string), vec!["c-3", "d-4"]);
    }

    #[test]
    fn thinking_rules() {
        let mut forced = obj(
            json!({"tool_choice":{"type":"any"},"thinking":{"type":"enabled","budget_tokens":10}}),
        );
        fix_thinking(&mut forced);
        assert!(!forced.contains_key("thinking"));

        let mut low =
            obj(json!({"max_tokens": 100, "thinking":{"type":"enabled","budget_tokens":2000}}));
        fix_thinking(&mut low);
        assert_eq!(low["max_tokens"], json!(6000));

        let mut high =
            obj(json!({"max_tokens": 9000, "thinking":{"type":"enabled","budget_tokens":2000}}));
        fix_thinking(&mut high);
        assert_eq!(high["max_tokens"], json!(9000));
    }
}
