//! `payload` rules (spec proxy-pipeline §9): defaults, overrides and filters applied to the
//! translated upstream body, by upstream model (glob, case-sensitive) and provider protocol.
//!
//! Paths use gjson/sjson dot syntax (`a.b.c`, `items.0`, `\.` for a literal dot). Defaults
//! set a path only when the translated body lacks it (first rule wins); overrides always set
//! it (last rule wins); filters delete it. Unlike the original, "absent" is checked on the
//! body as it will be sent, so a default never overwrites a value the thinking suffix
//! injected.
//!
//! The body is parsed only when at least one rule matches.

use cpa_config::resolved::{Payload, PayloadModel};
use cpa_protocol::Format;
use serde_json::Value;

/// The protocol name a rule's `protocol` is compared with, for a provider format.
pub fn protocol_of(format: Format) -> &'static str {
    match format {
        Format::Gemini | Format::GeminiCli => "gemini",
        Format::Antigravity => "antigravity",
        Format::AnthropicMessages => "claude",
        Format::Codex | Format::OpenAiResponses => "codex",
        Format::OpenAiChat | Format::OpenAiCompletions => "openai",
    }
}

/// Applies the matching rules to `body`; returns it untouched when none match or it is
/// not a JSON object.
pub fn apply(payload: &Payload, protocol: &str, model: &str, body: Vec<u8>) -> Vec<u8> {
    let matches =
        |models: &[PayloadModel]| models.iter().any(|m| model_matches(m, protocol, model));
    let defaults: Vec<_> = payload
        .default
        .iter()
        .chain(&payload.default_raw)
        .filter(|r| matches(&r.models))
        .collect();
    let overrides: Vec<_> = payload
        .override_rules
        .iter()
        .chain(&payload.override_raw)
        .filter(|r| matches(&r.models))
        .collect();
    let filters: Vec<_> = payload
        .filter
        .iter()
        .filter(|r| matches(&r.models))
        .collect();
    if defaults.is_empty() && overrides.is_empty() && filters.is_empty() {
        return body;
    }
    let Ok(mut value) = serde_json::from_slice::<Value>(&body) else {
        return body;
    };
    let root = match value.get_mut("request") {
        Some(inner) if protocol == "gemini" || protocol == "antigravity" => inner,
        _ => &mut value,
    };
    for rule in defaults {
        for (path, param) in &rule.params {
            let segments = split_path(path);
            if get(root, &segments).is_none() {
                set(root, &segments, param.clone());
            }
        }
    }
    for rule in overrides {
        for (path, param) in &rule.params {
            set(root, &split_path(path), param.clone());
        }
    }
    for rule in filters {
        for path in &rule.params {
            delete(root, &split_path(path));
        }
    }
    serde_json::to_vec(&value).unwrap_or(body)
}

fn model_matches(rule: &PayloadModel, protocol: &str, model: &str) -> bool {
    if rule.name.is_empty() {
        return false;
    }
    let protocol_ok = rule
        .protocol
        .as_deref()
        .is_none_or(|p| p.is_empty() || p.eq_ignore_ascii_case(protocol));
    protocol_ok && glob(&rule.name, model)
}

/// Whole-string glob where `*` matches any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

fn split_path(path: &str) -> Vec<String> {
    let path = path.strip_prefix('.').unwrap_or(path);
    let mut out = vec![String::new()];
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(segment)) = (chars.next(), out.last_mut()) {
                    segment.push(next);
                }
            }
            '.' => out.push(String::new()),
            c => {
                if let Some(segment) = out.last_mut() {
                    segment.push(c);
                }
            }
        }
    }
    out
}

fn get<'a>(value: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, seg| match v {
        Value::Object(map) => map.get(seg),
        Value::Array(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

fn set(value: &mut Value, path: &[String], new: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut current = value;
    for seg in parents {
        current = match current {
            Value::Array(items) => match seg.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(item) => item,
                None => return,
            },
            other => {
                if !other.is_object() {
                    *other = Value::Object(serde_json::Map::new());
                }
                match other.as_object_mut() {
                    Some(map) => map
                        .entry(seg.clone())
                        .or_insert_with(|| Value::Object(serde_json::Map::new())),
                    None => return,
                }
            }
        };
    }
    match current {
        Value::Array(items) => {
            if let Some(slot) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *slot = new;
            }
        }
        other => {
            if !other.is_object() {
                *other = Value::Object(serde_json::Map::new());
            }
            if let Some(map) = other.as_object_mut() {
                map.insert(last.clone(), new);
            }
        }
    }
}

fn delete(value: &mut Value, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut current = value;
    for seg in parents {
        current = match current {
            Value::Object(map) => match map.get_mut(seg) {
                Some(next) => next,
                None => return,
            },
            Value::Array(items) => match seg.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(next) => next,
                None => return,
            },
            _ => return,
        };
    }
    match current {
        Value::Object(map) => {
            map.remove(last);
        }
        Value::Array(items) => {
            if let Some(i) = last.parse::<usize>().ok().filter(|i| *i < items.len()) {
                items.remove(i);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cpa_config::resolved::PayloadRule;
    use serde_json::json;

    fn rule(name: &str, protocol: Option<&str>, params: &[(&str, Value)]) -> PayloadRule {
        PayloadRule {
            models: vec![PayloadModel {
                name: name.to_owned(),
                protocol: protocol.map(str::to_owned),
            }],
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        }
    }

    fn run(payload: &Payload, protocol: &str, model: &str, body: Value) -> Value {
        let out = apply(payload, protocol, model, serde_json::to_vec(&body).unwrap());
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn defaults_fill_only_missing_paths_and_first_rule_wins() {
        let payload = Payload {
            default: vec![
                rule(
                    "gemini-*",
                    Some("gemini"),
                    &[(
                        "generationConfig.thinkingConfig.thinkingBudget",
                        json!(4096),
                    )],
                ),
                rule(
                    "gemini-2.5-pro",
                    None,
                    &[("generationConfig.thinkingConfig.thinkingBudget", json!(1))],
                ),
                rule(
                    "gemini-*",
                    None,
                    &[("generationConfig.temperature", json!(0.5))],
                ),
            ],
            ..Payload::default()
        };
        let out = run(
            &payload,
            "gemini",
            "gemini-2.5-pro",
            json!({"generationConfig": {"temperature": 1.0}}),
        );
        assert_eq!(
            out["generationConfig"]["thinkingConfig"]["thinkingBudget"],
            4096
        );
        assert_eq!(out["generationConfig"]["temperature"], 1.0);
    }

    #[test]
    fn overrides_always_write_and_last_rule_wins() {
        let payload = Payload {
            override_rules: vec![
                rule(
                    "gpt-5*",
                    Some("codex"),
                    &[("reasoning.effort", json!("high"))],
                ),
                rule(
                    "gpt-5*",
                    Some("CODEX"),
                    &[("reasoning.effort", json!("low"))],
                ),
            ],
            ..Payload::default()
        };
        let out = run(
            &payload,
            "codex",
            "gpt-5.1",
            json!({"reasoning": {"effort": "medium"}}),
        );
        assert_eq!(out["reasoning"]["effort"], "low");
    }

    #[test]
    fn protocol_and_case_sensitive_glob_restrict_rules() {
        let payload = Payload {
            override_rules: vec![
                rule("GPT-*", None, &[("x", json!(1))]),
                rule("gpt-*", Some("claude"), &[("y", json!(1))]),
            ],
            ..Payload::default()
        };
        let body = json!({"model": "gpt-5"});
        assert_eq!(run(&payload, "codex", "gpt-5", body.clone()), body);
    }

    #[test]
    fn filters_delete_paths_and_escaped_dots_are_literal() {
        let payload = Payload {
            filter: vec![cpa_config::resolved::PayloadFilter {
                models: vec![PayloadModel {
                    name: "*".into(),
                    protocol: None,
                }],
                params: vec!["metadata.user_id".into(), "a\\.b".into()],
            }],
            ..Payload::default()
        };
        let out = run(
            &payload,
            "claude",
            "m",
            json!({"metadata": {"user_id": "u", "k": 1}, "a.b": 2}),
        );
        assert_eq!(out, json!({"metadata": {"k": 1}}));
    }

    #[test]
    fn gemini_envelope_paths_are_relative_to_request() {
        let payload = Payload {
            override_rules: vec![rule("*", None, &[(".generationConfig.topK", json!(3))])],
            ..Payload::default()
        };
        let out = run(
            &payload,
            "gemini",
            "m",
            json!({"model": "m", "request": {"contents": []}}),
        );
        assert_eq!(out["request"]["generationConfig"]["topK"], 3);
    }

    #[test]
    fn globs_match_whole_strings() {
        assert!(glob("gpt-*-mini", "gpt-5-codex-mini"));
        assert!(glob("*flash*", "gemini-2.5-flash-lite"));
        assert!(!glob("gpt-*", "xgpt-5"));
        assert!(glob("exact", "exact"));
        assert!(!glob("a*a", "a"));
    }
}
