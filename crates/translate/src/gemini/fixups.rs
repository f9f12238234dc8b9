//! Content repairs applied when a Gemini body moves between Gemini-family providers
//! (lifecycle step 5, spec §8.4–8.5): role repair, function-response regrouping and
//! thought-signature policy.
//!
//! Pure edits of already-parsed contents; used by `gemini::envelope`. They never invent
//! content: they only reorder function responses, fix roles and set or drop signatures.

use cpa_protocol::gemini::{self, Content, Part};

/// Shortest thought signature Antigravity treats as real (shorter ones are placeholders).
const MIN_REAL_SIGNATURE_LEN: usize = 50;

/// Which signature policy to apply to `model` contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignaturePolicy {
    /// Gemini API / Gemini CLI: every part with a `functionCall` or a signature gets the
    /// `skip_thought_signature_validator` sentinel (we cannot prove the signature is valid
    /// for this provider).
    Sentinel,
    /// Antigravity: thought parts are removed; function calls keep real (≥ 50 chars)
    /// signatures and get the sentinel otherwise.
    Antigravity,
}

/// Any role other than `user` / `model` (missing, `function`, `tool`, …) becomes the
/// alternate of the previous content's role (first content: `user`).
pub fn repair_roles(contents: &mut [Content]) {
    let mut previous: Option<&str> = None;
    for content in contents.iter_mut() {
        let is_valid = matches!(content.role.as_deref(), Some("user" | "model"));
        if !is_valid {
            let role = if previous == Some("user") {
                "model"
            } else {
                "user"
            };
            content.role = Some(role.to_owned());
        }
        previous = match content.role.as_deref() {
            Some("model") => Some("model"),
            _ => Some("user"),
        };
    }
}

/// Moves function responses so that each `model` turn with N function calls is followed by
/// one content holding its N responses (Cloud Code rejects split or misplaced responses).
/// Responses are matched in order; leftovers stay in a final content.
pub fn regroup_function_responses(contents: &mut Vec<Content>) {
    let has_responses = contents
        .iter()
        .any(|c| c.parts.iter().any(|p| p.function_response.is_some()));
    if !has_responses {
        return;
    }
    let mut responses: Vec<Part> = Vec::new();
    let mut kept: Vec<Content> = Vec::with_capacity(contents.len());
    for mut content in contents.drain(..) {
        let (answers, rest): (Vec<Part>, Vec<Part>) = content
            .parts
            .into_iter()
            .partition(|p| p.function_response.is_some());
        responses.extend(answers);
        content.parts = rest;
        if !content.parts.is_empty() {
            kept.push(content);
        }
    }
    let mut out: Vec<Content> = Vec::with_capacity(kept.len() + 2);
    let mut pending = responses.into_iter();
    for content in kept {
        let calls = content
            .parts
            .iter()
            .filter(|p| p.function_call.is_some())
            .count();
        let is_model = content.role.as_deref() == Some("model");
        out.push(content);
        if is_model && calls > 0 {
            let answers: Vec<Part> = pending.by_ref().take(calls).collect();
            if !answers.is_empty() {
                out.push(function_content(answers));
            }
        }
    }
    let leftovers: Vec<Part> = pending.collect();
    if !leftovers.is_empty() {
        out.push(function_content(leftovers));
    }
    *contents = out;
}

fn function_content(parts: Vec<Part>) -> Content {
    Content {
        role: Some("user".into()),
        parts,
        ..Content::default()
    }
}

/// Applies the signature policy to every `model` content.
pub fn apply_signature_policy(contents: &mut [Content], policy: SignaturePolicy) {
    for content in contents
        .iter_mut()
        .filter(|c| c.role.as_deref() == Some("model"))
    {
        if policy == SignaturePolicy::Antigravity {
            content.parts.retain(|p| p.thought != Some(true));
        }
        for part in &mut content.parts {
            let is_call = part.function_call.is_some();
            let needs_sentinel = match policy {
                SignaturePolicy::Sentinel => is_call || part.thought_signature.is_some(),
                SignaturePolicy::Antigravity => {
                    is_call
                        && part
                            .thought_signature
                            .as_ref()
                            .is_none_or(|s| s.len() < MIN_REAL_SIGNATURE_LEN)
                }
            };
            if needs_sentinel {
                part.thought_signature = Some(gemini::SKIP_THOUGHT_SIGNATURE.to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn contents(v: serde_json::Value) -> Vec<Content> {
        serde_json::from_value(v).expect("contents")
    }

    #[test]
    fn roles_alternate_after_invalid_ones() {
        let mut c = contents(json!([
            {"parts":[{"text":"a"}]},
            {"role":"model","parts":[{"text":"b"}]},
            {"role":"function","parts":[{"text":"c"}]},
            {"role":"tool","parts":[{"text":"d"}]}
        ]));
        repair_roles(&mut c);
        let roles: Vec<_> = c.iter().map(|c| c.role.as_deref().unwrap_or("")).collect();
        assert_eq!(roles, ["user", "model", "user", "model"]);
    }

    #[test]
    fn split_responses_are_regrouped_after_their_call_turn() {
        let mut c = contents(json!([
            {"role":"user","parts":[{"text":"q"}]},
            {"role":"model","parts":[{"functionCall":{"name":"a"}},{"functionCall":{"name":"b"}}]},
            {"role":"function","parts":[{"functionResponse":{"name":"a","response":{}}}]},
            {"role":"user","parts":[{"functionResponse":{"name":"b","response":{}}},{"text":"and?"}]}
        ]));
        regroup_function_responses(&mut c);
        assert_eq!(c.len(), 4);
        assert_eq!(c[2].parts.len(), 2);
        assert_eq!(c[2].role.as_deref(), Some("user"));
        assert_eq!(c[3].parts[0].text.as_deref(), Some("and?"));
    }

    #[test]
    fn antigravity_drops_thoughts_and_keeps_real_signatures() {
        let real = "x".repeat(60);
        let mut c = contents(json!([
            {"role":"model","parts":[
                {"text":"think","thought":true},
                {"functionCall":{"name":"a"},"thoughtSignature":real},
                {"functionCall":{"name":"b"},"thoughtSignature":"short"}]}
        ]));
        apply_signature_policy(&mut c, SignaturePolicy::Antigravity);
        assert_eq!(c[0].parts.len(), 2);
        assert_eq!(
            c[0].parts[0].thought_signature.as_deref(),
            Some(real.as_str())
        );
        assert_eq!(
            c[0].parts[1].thought_signature.as_deref(),
            Some(gemini::SKIP_THOUGHT_SIGNATURE)
        );
    }
}
