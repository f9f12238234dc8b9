//! Unit tests for the Gemini schema transforms.

use serde_json::json;

use super::*;

fn cleaned(mut v: Value) -> Value {
    clean_for_antigravity(&mut v);
    v
}

#[test]
fn ref_becomes_described_object() {
    let out = cleaned(json!({"type":"object","properties":{
        "loc":{"$ref":"#/$defs/Location","description":"where"}},"required":["loc"],
        "$defs":{"Location":{"type":"string"}}}));
    assert_eq!(out["properties"]["loc"]["type"], "object");
    assert_eq!(
        out["properties"]["loc"]["description"],
        "where (See: Location)"
    );
    assert!(out.get("$defs").is_none());
}

#[test]
fn enum_const_and_constraints_become_hints() {
    let out = cleaned(
        json!({"type":"object","additionalProperties":false,"properties":{
        "unit":{"type":"string","enum":["c","f"]},
        "kind":{"type":"string","const":"x"},
        "name":{"type":"string","minLength":1,"format":"email"}},"required":["unit"]}),
    );
    let p = &out["properties"];
    assert_eq!(p["unit"]["description"], "Allowed: c, f");
    assert_eq!(p["kind"]["enum"], json!(["x"]));
    assert!(p["kind"].get("const").is_none());
    assert_eq!(p["name"]["description"], "minLength: 1 (format: email)");
    assert!(p["name"].get("minLength").is_none());
    assert_eq!(out["description"], "No extra properties allowed");
    assert!(out.get("additionalProperties").is_none());
}

#[test]
fn property_named_like_a_keyword_is_kept() {
    let out = cleaned(json!({"type":"object","properties":{
        "format":{"type":"string"},"pattern":{"type":"string"}},"required":["format"]}));
    assert_eq!(out["properties"]["format"]["type"], "string");
    assert_eq!(out["properties"]["pattern"]["type"], "string");
}

#[test]
fn all_of_merges_properties_and_required() {
    let out = cleaned(json!({"type":"object","allOf":[
        {"properties":{"a":{"type":"string"}},"required":["a"]},
        {"properties":{"b":{"type":"number"}},"required":["b"]}]}));
    assert_eq!(out["properties"]["a"]["type"], "string");
    assert_eq!(out["properties"]["b"]["type"], "number");
    assert_eq!(out["required"], json!(["a", "b"]));
}

#[test]
fn any_of_picks_object_and_lists_types() {
    let out = cleaned(
        json!({"type":"object","properties":{"v":{"description":"value",
        "anyOf":[{"type":"string"},{"type":"object","properties":{"x":{"type":"string"}},"required":["x"]},{"type":"null"}]}},
        "required":["v"]}),
    );
    let v = &out["properties"]["v"];
    assert_eq!(v["type"], "object");
    assert_eq!(v["description"], "value (Accepts: string | object)");
}

#[test]
fn nullable_type_array_drops_required() {
    let out = cleaned(json!({"type":"object","properties":{
        "a":{"type":["string","null"]},"b":{"type":"string"}},"required":["a","b"]}));
    assert_eq!(out["properties"]["a"]["type"], "string");
    assert_eq!(out["properties"]["a"]["description"], "nullable");
    assert_eq!(out["required"], json!(["b"]));
}

#[test]
fn empty_object_gets_reason_placeholder() {
    let out = cleaned(json!({"type":"object","properties":{}}));
    assert_eq!(out["required"], json!(["reason"]));
    assert_eq!(out["properties"]["reason"]["type"], "string");
}

#[test]
fn nested_object_without_required_gets_flag_placeholder() {
    let out = cleaned(json!({"type":"object","properties":{
        "opts":{"type":"object","properties":{"x":{"type":"string"}}}},"required":["opts"]}));
    assert_eq!(out["properties"]["opts"]["required"], json!(["_"]));
    assert_eq!(
        out["properties"]["opts"]["properties"]["_"]["type"],
        "boolean"
    );
    // The root keeps its own required list and gets no `_`.
    assert!(out["properties"].get("_").is_none());
}

#[test]
fn required_names_missing_properties_are_dropped() {
    let out = cleaned(json!({"type":"object","properties":{"a":{"type":"string"}},
        "required":["a","ghost"]}));
    assert_eq!(out["required"], json!(["a"]));
}

#[test]
fn non_object_input_becomes_placeholder_schema() {
    let out = cleaned(json!("nonsense"));
    assert_eq!(out["type"], "object");
    assert_eq!(out["required"], json!(["reason"]));
}

#[test]
fn lowercase_types_touches_keywords_only() {
    let mut v = json!({"type":"OBJECT","properties":{
        "type":{"type":"STRING","enum":["A"]},
        "list":{"type":"ARRAY","items":{"type":"INTEGER"}}}});
    lowercase_types(&mut v);
    assert_eq!(v["type"], "object");
    assert_eq!(v["properties"]["type"]["type"], "string");
    assert_eq!(v["properties"]["type"]["enum"], json!(["A"]));
    assert_eq!(v["properties"]["list"]["items"]["type"], "integer");
}
