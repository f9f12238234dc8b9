//! JSON-Schema transforms for Gemini function declarations (translation spec §2.6).
//!
//! Pure functions over `serde_json::Value`, used when encoding requests for Gemini-family
//! providers (lifecycle step 5) and when decoding Gemini tool declarations for other
//! formats. The IR keeps schemas untouched; only encoders call these. Nothing here
//! allocates a new document when it can edit in place, and nothing panics.
//!
//! * [`clean_for_antigravity`] is CleanJSONSchemaForAntigravity: it turns a full JSON
//!   Schema into the subset Antigravity (and its Claude "VALIDATED" mode) accepts, moving
//!   lost constraints into `description` hints. Unlike the Go code it is applied to tool
//!   schemas only, never to the whole request body (quirk §12.27 fixed).
//! * [`lowercase_types`] maps Gemini's OpenAPI upper-case `type` values (`OBJECT`) to JSON
//!   Schema spelling, touching only `type` *keywords*, never properties that happen to be
//!   named `type` (quirk §12.15 fixed).

use serde_json::{Map, Value};

/// Keywords whose scalar values become description hints and are then deleted.
const HINTED_KEYWORDS: [&str; 10] = [
    "minLength",
    "maxLength",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "pattern",
    "minItems",
    "maxItems",
    "format",
    "default",
    "examples",
];

/// Keywords deleted without a hint (after the phases that read them).
const DROPPED_KEYWORDS: [&str; 7] = [
    "$schema",
    "$defs",
    "definitions",
    "const",
    "$ref",
    "additionalProperties",
    "propertyNames",
];

/// Runs the Antigravity cleaning phases over one schema, in place.
///
/// Non-object input is replaced by an empty object schema with the placeholder property,
/// so the result is always a valid object schema for a function declaration.
pub fn clean_for_antigravity(schema: &mut Value) {
    if !schema.is_object() {
        *schema = Value::Object(Map::new());
        schema["type"] = Value::from("object");
    }
    clean_node(schema, true);
}

/// Lower-cases every `type` keyword value (string or array of strings) in a schema tree.
pub fn lowercase_types(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    match obj.get_mut("type") {
        Some(Value::String(t)) => *t = t.to_ascii_lowercase(),
        Some(Value::Array(ts)) => {
            for t in ts.iter_mut() {
                if let Value::String(s) = t {
                    *s = s.to_ascii_lowercase();
                }
            }
        }
        _ => {}
    }
    for_each_child_schema(obj, lowercase_types);
}

/// Calls `f` on every direct sub-schema of a schema object.
fn for_each_child_schema(obj: &mut Map<String, Value>, mut f: impl FnMut(&mut Value)) {
    for key in ["properties", "patternProperties", "$defs", "definitions"] {
        if let Some(Value::Object(props)) = obj.get_mut(key) {
            props.values_mut().for_each(&mut f);
        }
    }
    for key in ["items", "additionalProperties", "not", "contains"] {
        match obj.get_mut(key) {
            Some(v @ Value::Object(_)) => f(v),
            Some(Value::Array(vs)) if key == "items" => vs.iter_mut().for_each(&mut f),
            _ => {}
        }
    }
    for key in ["anyOf", "oneOf", "allOf", "prefixItems"] {
        if let Some(Value::Array(vs)) = obj.get_mut(key) {
            vs.iter_mut().for_each(&mut f);
        }
    }
}

/// Cleans one schema node after its children (deepest first). Returns whether the node
/// was nullable (an array `type` containing `null`), so the parent can adjust `required`.
fn clean_node(node: &mut Value, is_root: bool) -> bool {
    let Some(obj) = node.as_object_mut() else {
        return false;
    };
    // Phase 1: `$ref` replaces the whole schema with a described object.
    if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference).to_owned();
        let mut replacement = Map::new();
        replacement.insert("type".into(), Value::from("object"));
        replacement.insert("description".into(), Value::Null);
        let desc = obj.get("description").and_then(Value::as_str).unwrap_or("");
        replacement["description"] = Value::from(join_hint(desc, &format!("See: {name}")));
        *obj = replacement;
        return false;
    }
    clean_children(obj);
    // Phase 6: `allOf` merges into the parent.
    merge_all_of(obj);
    // Phase 7: `anyOf` / `oneOf` collapse to the best alternative.
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(alternatives)) = obj.remove(key) {
            collapse_alternatives(obj, alternatives);
        }
    }
    // Phase 2: `const` becomes a one-element enum.
    if let Some(c) = obj.get("const").cloned() {
        obj.entry("enum").or_insert_with(|| Value::Array(vec![c]));
    }
    // Phase 3: small enums are described.
    if let Some(Value::Array(values)) = obj.get("enum")
        && (2..=10).contains(&values.len())
    {
        let list: Vec<String> = values.iter().map(scalar_text).collect();
        append_hint(obj, &format!("Allowed: {}", list.join(", ")));
    }
    // Phase 4.
    if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
        append_hint(obj, "No extra properties allowed");
    }
    // Phase 5: scalar constraints become hints.
    for key in HINTED_KEYWORDS {
        if let Some(v) = obj.get(key)
            && !v.is_object()
            && !v.is_array()
            && !v.is_null()
        {
            let hint = format!("{key}: {}", scalar_text(v));
            append_hint(obj, &hint);
        }
    }
    // Phase 8: array-valued `type`.
    let is_nullable = collapse_type_array(obj);
    // Phase 9: delete unsupported keywords.
    for key in HINTED_KEYWORDS.iter().chain(DROPPED_KEYWORDS.iter()) {
        obj.remove(*key);
    }
    // Phase 10: `required` only names existing properties.
    prune_required(obj);
    // Phase 11: placeholders so Claude's VALIDATED mode always has a required property.
    add_placeholders(obj, is_root);
    is_nullable
}

/// Cleans sub-schemas and removes nullable properties from `required`.
fn clean_children(obj: &mut Map<String, Value>) {
    let mut nullable = Vec::new();
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for (name, prop) in props.iter_mut() {
            if clean_node(prop, false) {
                append_hint_value(prop, "nullable");
                nullable.push(name.clone());
            }
        }
    }
    if let Some(Value::Array(required)) = obj.get_mut("required") {
        required.retain(|r| r.as_str().is_none_or(|r| !nullable.iter().any(|n| n == r)));
    }
    for key in ["items", "not", "contains"] {
        match obj.get_mut(key) {
            Some(v @ Value::Object(_)) => {
                clean_node(v, false);
            }
            Some(Value::Array(vs)) if key == "items" => vs.iter_mut().for_each(|v| {
                clean_node(v, false);
            }),
            _ => {}
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(vs)) = obj.get_mut(key) {
            vs.iter_mut().for_each(|v| {
                clean_node(v, false);
            });
        }
    }
}

fn merge_all_of(obj: &mut Map<String, Value>) {
    let Some(Value::Array(members)) = obj.remove("allOf") else {
        return;
    };
    for member in members {
        let Value::Object(mut member) = member else {
            continue;
        };
        if let Some(Value::Object(props)) = member.remove("properties") {
            let target = obj
                .entry("properties")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(target) = target {
                target.extend(props);
            }
        }
        if let Some(Value::Array(req)) = member.remove("required") {
            let target = obj
                .entry("required")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(target) = target {
                for r in req {
                    if !target.contains(&r) {
                        target.push(r);
                    }
                }
            }
        }
    }
}

fn alternative_score(alt: &Value) -> u8 {
    let t = alt.get("type").and_then(Value::as_str).unwrap_or("");
    if t == "object" || alt.get("properties").is_some() {
        3
    } else if t == "array" || alt.get("items").is_some() {
        2
    } else if t == "null" {
        0
    } else {
        1
    }
}

fn collapse_alternatives(obj: &mut Map<String, Value>, alternatives: Vec<Value>) {
    let mut best: Option<(u8, usize)> = None;
    let mut types: Vec<String> = Vec::new();
    for (i, alt) in alternatives.iter().enumerate() {
        let score = alternative_score(alt);
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, i));
        }
        if let Some(t) = alt.get("type").and_then(Value::as_str)
            && t != "null"
            && !types.iter().any(|x| x == t)
        {
            types.push(t.to_owned());
        }
    }
    let Some((_, index)) = best else {
        return;
    };
    let Some(Value::Object(mut chosen)) = alternatives.into_iter().nth(index) else {
        return;
    };
    let parent_desc = obj.get("description").and_then(Value::as_str).unwrap_or("");
    let child_desc = chosen
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("");
    let desc = match (parent_desc.is_empty(), child_desc.is_empty()) {
        (true, _) => child_desc.to_owned(),
        (false, true) => parent_desc.to_owned(),
        (false, false) if parent_desc == child_desc => parent_desc.to_owned(),
        (false, false) => format!("{parent_desc} ({child_desc})"),
    };
    if !desc.is_empty() {
        chosen.insert("description".into(), Value::from(desc));
    }
    if types.len() > 1 {
        append_hint(&mut chosen, &format!("Accepts: {}", types.join(" | ")));
    }
    *obj = chosen;
}

fn collapse_type_array(obj: &mut Map<String, Value>) -> bool {
    let Some(Value::Array(types)) = obj.get("type") else {
        return false;
    };
    let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
    let is_nullable = names.contains(&"null");
    let non_null: Vec<String> = names
        .iter()
        .filter(|t| **t != "null")
        .map(|t| (*t).to_owned())
        .collect();
    let first = non_null
        .first()
        .cloned()
        .unwrap_or_else(|| "string".to_owned());
    if non_null.len() > 1 {
        append_hint(obj, &format!("Accepts: {}", non_null.join(" | ")));
    }
    obj.insert("type".into(), Value::from(first));
    is_nullable
}

fn prune_required(obj: &mut Map<String, Value>) {
    let Some(Value::Array(required)) = obj.get("required") else {
        return;
    };
    let props = obj.get("properties").and_then(Value::as_object);
    let kept: Vec<Value> = required
        .iter()
        .filter(|r| {
            r.as_str()
                .is_some_and(|name| props.is_some_and(|p| p.contains_key(name)))
        })
        .cloned()
        .collect();
    if kept.is_empty() {
        obj.remove("required");
    } else {
        obj.insert("required".into(), Value::Array(kept));
    }
}

fn add_placeholders(obj: &mut Map<String, Value>, is_root: bool) {
    if obj.get("type").and_then(Value::as_str) != Some("object") {
        return;
    }
    let has_properties = obj
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    if !has_properties {
        let mut props = Map::new();
        let mut reason = Map::new();
        reason.insert("type".into(), Value::from("string"));
        reason.insert(
            "description".into(),
            Value::from("Brief explanation of why you are calling this tool"),
        );
        props.insert("reason".into(), Value::Object(reason));
        obj.insert("properties".into(), Value::Object(props));
        obj.insert("required".into(), Value::Array(vec![Value::from("reason")]));
    } else if !is_root && !obj.contains_key("required") {
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            let mut flag = Map::new();
            flag.insert("type".into(), Value::from("boolean"));
            props.insert("_".into(), Value::Object(flag));
        }
        obj.insert("required".into(), Value::Array(vec![Value::from("_")]));
    }
}

/// `"<existing> (<hint>)"`, or the hint alone when there is no description yet.
fn join_hint(existing: &str, hint: &str) -> String {
    if existing.is_empty() {
        hint.to_owned()
    } else {
        format!("{existing} ({hint})")
    }
}

fn append_hint(obj: &mut Map<String, Value>, hint: &str) {
    let existing = obj.get("description").and_then(Value::as_str).unwrap_or("");
    let joined = join_hint(existing, hint);
    obj.insert("description".into(), Value::from(joined));
}

fn append_hint_value(node: &mut Value, hint: &str) {
    if let Some(obj) = node.as_object_mut() {
        append_hint(obj, hint);
    }
}

/// A scalar as hint text: strings without quotes, everything else as JSON.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
