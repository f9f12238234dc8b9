//! Transport-level JSON edits of an already translated body (translation.md §9).
//!
//! Only edits that the spec assigns to executors live here (upstream model name, fields
//! an endpoint rejects); format conversion belongs to `cpa-translate`. A body that is
//! not a JSON object is sent unchanged.

use bytes::Bytes;
use serde_json::{Map, Value};

/// Applies `edit` to the top-level JSON object of `body` and re-serialises it.
pub(crate) fn edit_json(body: &Bytes, edit: impl FnOnce(&mut Map<String, Value>)) -> Bytes {
    let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(body) else {
        return body.clone();
    };
    edit(&mut object);
    match serde_json::to_vec(&Value::Object(object)) {
        Ok(bytes) => Bytes::from(bytes),
        Err(_) => body.clone(),
    }
}

/// Sets top-level `model` to the upstream model name (when non-empty).
pub(crate) fn set_model(object: &mut Map<String, Value>, model: &str) {
    if !model.is_empty() {
        object.insert("model".to_owned(), Value::String(model.to_owned()));
    }
}
