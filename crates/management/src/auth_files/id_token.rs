//! The `id_token` summary of Codex credentials in `GET /auth-files` (spec §8.9):
//! `chatgpt_account_id`, `plan_type`, `chatgpt_subscription_active_start` and
//! `chatgpt_subscription_active_until`, decoded from the JWT payload's
//! `https://api.openai.com/auth` claim. The signature is not checked: this is a
//! display aid, not an authorisation decision.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

/// The summary object, or `None` when the file has no decodable id token.
pub fn summary(content: &Map<String, Value>) -> Option<Value> {
    let token = content
        .get("id_token")
        .or_else(|| content.get("token").and_then(|t| t.get("id_token")))?
        .as_str()?;
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let auth = claims.get("https://api.openai.com/auth")?;
    let mut out = Map::new();
    for (from, to) in [
        ("chatgpt_account_id", "chatgpt_account_id"),
        ("chatgpt_plan_type", "plan_type"),
        (
            "chatgpt_subscription_active_start",
            "chatgpt_subscription_active_start",
        ),
        (
            "chatgpt_subscription_active_until",
            "chatgpt_subscription_active_until",
        ),
    ] {
        if let Some(value) = auth.get(from).filter(|v| !v.is_null()) {
            out.insert(to.to_owned(), value.clone());
        }
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_the_openai_auth_claim() {
        let claims = json!({"https://api.openai.com/auth": {
            "chatgpt_account_id": "acc-1", "chatgpt_plan_type": "plus"}});
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let content = json!({"id_token": format!("e30.{payload}.sig")});
        let content = content.as_object().cloned().unwrap_or_default();
        assert_eq!(
            summary(&content),
            Some(json!({"chatgpt_account_id": "acc-1", "plan_type": "plus"}))
        );
    }
}
