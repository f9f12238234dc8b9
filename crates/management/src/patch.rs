//! Shared request conventions of the management API (spec §6), in one place.
//!
//! * JSON bodies are decoded from the raw bytes whatever the `Content-Type` says.
//! * Scalar setters take `{"value": …}` ([`scalar_value`]).
//! * List PUTs take a raw JSON array or `{"items":[…]}` ([`list_put`]).
//! * String-list PATCH takes `{"index":N,"value":…}` or `{"old":…,"new":…}`
//!   ([`StringPatch`]); DELETE takes `?index=` or `?value=` ([`string_delete`]).
//! * `?index=` is parsed leniently like Go's `fmt.Sscan`: a leading integer
//!   (`1abc` ⇒ 1) ([`lenient_index`]).
//! * Partial updates model each field as [`Field<T>`] = `Option<Option<T>>`:
//!   `None` = omitted (leave unchanged), `Some(None)` = JSON `null`,
//!   `Some(Some(v))` = a value. Endpoints say what `null` means; for the
//!   provider-key lists the spec treats it like "omitted".
//!
//! Nothing here touches the config or the disk.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::ApiError;

/// A PATCH field: `None` omitted, `Some(None)` null, `Some(Some(v))` a value.
pub type Field<T> = Option<Option<T>>;

/// Deserializer for [`Field`]: use with `#[serde(default, deserialize_with = "field")]`
/// so that an explicit `null` is told apart from an omitted key.
pub fn field<'de, T, D>(de: D) -> Result<Field<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

/// Parses a JSON body; any failure becomes `400 {"error": error}`.
pub fn parse_json<T: DeserializeOwned>(body: &[u8], error: &str) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|_| ApiError::bad_request(error))
}

/// `{"value": v}` with a non-null `v` of type `T`; otherwise `400 invalid body`.
pub fn scalar_value<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    #[derive(Deserialize)]
    struct Body<T> {
        value: Option<T>,
    }
    let parsed: Body<T> = parse_json(body, "invalid body")?;
    parsed.value.ok_or_else(ApiError::invalid_body)
}

/// A list PUT body: a raw JSON array (may be empty) or `{"items":[…]}` (must not be
/// empty). Anything else is `400 invalid body`.
pub fn list_put<T: DeserializeOwned>(body: &[u8]) -> Result<Vec<T>, ApiError> {
    if let Ok(items) = serde_json::from_slice::<Vec<T>>(body) {
        return Ok(items);
    }
    #[derive(Deserialize)]
    struct Wrapped<T> {
        items: Option<Vec<T>>,
    }
    match serde_json::from_slice::<Wrapped<T>>(body) {
        Ok(Wrapped { items: Some(items) }) if !items.is_empty() => Ok(items),
        _ => Err(ApiError::invalid_body()),
    }
}

/// Leading integer of a query value, as Go's `fmt.Sscan` reads it (`"1abc"` ⇒ 1,
/// `"-2"` ⇒ -2, `"x"` ⇒ none).
pub fn lenient_int(raw: &str) -> Option<i64> {
    let text = raw.trim_start();
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => (-1, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse::<i64>().ok().map(|n| n * sign)
}

/// [`lenient_int`] restricted to a valid index of a list of `len` items.
pub fn lenient_index(raw: Option<&str>, len: usize) -> Option<usize> {
    let n = lenient_int(raw?)?;
    usize::try_from(n).ok().filter(|i| *i < len)
}

/// Body of a string-list PATCH (spec §6.2).
#[derive(Debug, Default, Deserialize)]
pub struct StringPatch {
    /// Index of the item to replace (wins when valid and `value` is present).
    pub index: Option<i64>,
    /// Replacement for the item at `index`.
    pub value: Option<String>,
    /// Item to replace (first equal one); appended as `new` when none matches.
    pub old: Option<String>,
    /// Replacement for `old`.
    pub new: Option<String>,
}

impl StringPatch {
    /// Parses the body (`400 invalid body` on bad JSON).
    pub fn parse(body: &[u8]) -> Result<Self, ApiError> {
        parse_json(body, "invalid body")
    }

    /// Applies the patch: index form, else old/new (append when `old` is absent
    /// from the list), else `400 missing fields`.
    pub fn apply(self, list: &mut Vec<String>) -> Result<(), ApiError> {
        if let (Some(index), Some(value)) = (self.index, self.value) {
            if let Some(slot) = usize::try_from(index).ok().and_then(|i| list.get_mut(i)) {
                *slot = value;
                return Ok(());
            }
        }
        match (self.old, self.new) {
            (Some(old), Some(new)) => {
                match list.iter_mut().find(|item| **item == old) {
                    Some(slot) => *slot = new,
                    None => list.push(new),
                }
                Ok(())
            }
            _ => Err(ApiError::bad_request("missing fields")),
        }
    }
}

/// String-list DELETE (spec §6.2): `?index=` first, else every item whose trimmed
/// text equals the trimmed `?value=` (success even if none matched), else
/// `400 missing index or value`.
pub fn string_delete(
    list: &mut Vec<String>,
    index: Option<&str>,
    value: Option<&str>,
) -> Result<(), ApiError> {
    if let Some(i) = lenient_index(index, list.len()) {
        list.remove(i);
        return Ok(());
    }
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(ApiError::bad_request("missing index or value"));
    }
    list.retain(|item| item.trim() != value);
    Ok(())
}

/// The JSON object of a body, or `400 invalid body`.
pub fn object_body(body: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::invalid_body()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_int_reads_leading_digits() {
        assert_eq!(lenient_int("1abc"), Some(1));
        assert_eq!(lenient_int("-2"), Some(-2));
        assert_eq!(lenient_int("abc"), None);
        assert_eq!(lenient_index(Some("5"), 3), None);
        assert_eq!(lenient_index(Some("2x"), 3), Some(2));
    }

    #[test]
    fn list_put_accepts_array_and_items() {
        assert_eq!(list_put::<String>(b"[]").ok(), Some(vec![]));
        assert_eq!(
            list_put::<String>(br#"{"items":["a"]}"#).ok(),
            Some(vec!["a".to_owned()])
        );
        assert!(list_put::<String>(br#"{"items":[]}"#).is_err());
        assert!(list_put::<String>(br#"{"x":1}"#).is_err());
    }

    #[test]
    fn string_patch_appends_unmatched_old() {
        let mut list = vec!["a".to_owned()];
        let patch = StringPatch {
            old: Some("zz".into()),
            new: Some("b".into()),
            ..StringPatch::default()
        };
        patch.apply(&mut list).expect("applies");
        assert_eq!(list, ["a", "b"]);
        assert!(StringPatch::default().apply(&mut list).is_err());
    }

    #[test]
    fn field_tells_null_from_omitted() {
        #[derive(Deserialize)]
        struct Body {
            #[serde(default, deserialize_with = "field")]
            note: Field<String>,
        }
        let omitted: Body = serde_json::from_str("{}").expect("json");
        let null: Body = serde_json::from_str(r#"{"note":null}"#).expect("json");
        let set: Body = serde_json::from_str(r#"{"note":"x"}"#).expect("json");
        assert_eq!(omitted.note, None);
        assert_eq!(null.note, Some(None));
        assert_eq!(set.note, Some(Some("x".to_owned())));
    }
}
