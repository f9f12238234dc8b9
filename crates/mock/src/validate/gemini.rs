//! Gemini `generateContent` request validation (also Vertex and Gemini CLI bodies).
//!
//! Mirrors the Generative Language API: unknown top-level fields are rejected (proto
//! JSON parsing), `contents` is required, roles are `user` or `model`, parts must not be
//! empty, and a function declaration's `parameters` may only use the OpenAPI-subset
//! `Schema` fields (`parametersJsonSchema` accepts full JSON Schema and is not checked).
//! Field names are accepted in both camelCase and snake_case, as proto JSON allows.
//! Must not inspect anything a reply depends on.

use serde_json::{Map, Value};

use crate::errors::MockError;
use crate::validate::is_valid_tool_name;

/// Longest function name.
const MAX_FUNCTION_NAME: usize = 64;
/// Top-level fields of `GenerateContentRequest`, both spellings.
const REQUEST_FIELDS: &[&str] = &[
    "contents",
    "model",
    "tools",
    "toolConfig",
    "tool_config",
    "safetySettings",
    "safety_settings",
    "systemInstruction",
    "system_instruction",
    "generationConfig",
    "generation_config",
    "cachedContent",
    "cached_content",
    "labels",
];
/// Extra fields Cloud Code Assist accepts inside the `request` envelope.
const CLI_REQUEST_FIELDS: &[&str] = &["sessionId", "session_id"];
/// Fields of `Part`, both spellings.
const PART_FIELDS: &[&str] = &[
    "text",
    "inlineData",
    "inline_data",
    "fileData",
    "file_data",
    "functionCall",
    "function_call",
    "functionResponse",
    "function_response",
    "executableCode",
    "executable_code",
    "codeExecutionResult",
    "code_execution_result",
    "thought",
    "thoughtSignature",
    "thought_signature",
    "videoMetadata",
    "video_metadata",
    "partMetadata",
    "part_metadata",
    "mediaResolution",
    "media_resolution",
];
/// Fields of the OpenAPI-subset `Schema` message, both spellings.
const SCHEMA_FIELDS: &[&str] = &[
    "type",
    "format",
    "title",
    "description",
    "nullable",
    "enum",
    "maxItems",
    "max_items",
    "minItems",
    "min_items",
    "properties",
    "required",
    "minProperties",
    "min_properties",
    "maxProperties",
    "max_properties",
    "minLength",
    "min_length",
    "maxLength",
    "max_length",
    "pattern",
    "example",
    "anyOf",
    "any_of",
    "propertyOrdering",
    "property_ordering",
    "default",
    "items",
    "minimum",
    "maximum",
];

/// Reads `camel` or, failing that, `snake` from a JSON object.
pub(crate) fn field<'v>(value: &'v Value, camel: &str, snake: &str) -> Option<&'v Value> {
    value.get(camel).or_else(|| value.get(snake))
}

/// Validates a `generateContent` body for `model`; `is_cli` allows the Gemini CLI extras.
pub(crate) fn generate(body: &Value, model: &str, is_cli: bool) -> Result<(), MockError> {
    let Some(object) = body.as_object() else {
        return Err(MockError::invalid(
            "Invalid JSON payload received. Expected an object.",
        ));
    };
    check_known_fields(object, is_cli)?;
    check_contents(body)?;
    if requires_signatures(model) {
        check_signatures(body)?;
    }
    check_tools(body)
}

/// Gemini 3 models reject function calls of the current turn that lack the
/// `thoughtSignature` they were sent with (observed since the Gemini 3 preview, 2025-11).
pub(crate) fn requires_signatures(model: &str) -> bool {
    model.to_ascii_lowercase().contains("gemini-3")
}

/// The current turn starts at the last user content with a text part; every model
/// content after it must carry a signature on its first `functionCall` part.
fn check_signatures(body: &Value) -> Result<(), MockError> {
    let contents = body
        .get("contents")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let parts = |content: &Value| {
        content
            .get("parts")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let turn_start = contents
        .iter()
        .rposition(|c| {
            c.get("role").and_then(Value::as_str) != Some("model")
                && parts(c).iter().any(|p| p.get("text").is_some())
        })
        .unwrap_or(0);
    for (position, content) in contents.iter().enumerate().skip(turn_start) {
        let parts = parts(content);
        let Some(call) = parts
            .iter()
            .find(|p| field(p, "functionCall", "function_call").is_some())
        else {
            continue;
        };
        let is_signed = field(call, "thoughtSignature", "thought_signature")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty());
        if !is_signed {
            let name = field(call, "functionCall", "function_call")
                .and_then(|c| c.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("");
            return Err(MockError::invalid(format!(
                "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:{name}` , position {}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.",
                position + 1
            )));
        }
    }
    Ok(())
}

/// Validates a `countTokens` body: `contents` or a whole `generateContentRequest`.
pub(crate) fn count(body: &Value) -> Result<(), MockError> {
    match field(body, "generateContentRequest", "generate_content_request") {
        Some(inner) => check_contents(inner),
        None => check_contents(body),
    }
}

fn check_contents(body: &Value) -> Result<(), MockError> {
    let contents = match body.get("contents") {
        Some(Value::Array(contents)) if !contents.is_empty() => contents,
        _ => {
            return Err(MockError::invalid(
                "* GenerateContentRequest.contents: contents is not specified\n",
            ));
        }
    };
    for (i, content) in contents.iter().enumerate() {
        match content.get("role").and_then(Value::as_str) {
            // Older Gemini and Vertex samples send function responses as role "function";
            // the API still accepts it.
            None | Some("user") | Some("model") | Some("function") => {}
            Some(_) => return Err(MockError::invalid("Please use a valid role: user, model.")),
        }
        let has_parts = content
            .get("parts")
            .and_then(Value::as_array)
            .is_some_and(|p| !p.is_empty());
        if !has_parts {
            return Err(MockError::invalid(format!(
                "* GenerateContentRequest.contents[{i}].parts: contents.parts must not be empty.\n"
            )));
        }
        check_part_fields(content, i)?;
    }
    check_call_counts(contents)
}

fn check_part_fields(content: &Value, index: usize) -> Result<(), MockError> {
    let parts = content.get("parts").and_then(Value::as_array);
    for (j, part) in parts.into_iter().flatten().enumerate() {
        let unknown = part
            .as_object()
            .and_then(|p| p.keys().find(|k| !PART_FIELDS.contains(&k.as_str())));
        if let Some(name) = unknown {
            return Err(MockError::invalid(format!(
                "Invalid JSON payload received. Unknown name \"{name}\" at 'contents[{index}].parts[{j}]': Cannot find field."
            )));
        }
    }
    Ok(())
}

/// A turn with N `functionCall` parts must be followed by N `functionResponse` parts.
fn check_call_counts(contents: &[Value]) -> Result<(), MockError> {
    let count = |content: &Value, camel: &str, snake: &str| {
        let parts = content.get("parts").and_then(Value::as_array);
        parts
            .into_iter()
            .flatten()
            .filter(|p| field(p, camel, snake).is_some())
            .count()
    };
    for pair in contents.windows(2) {
        let calls = count(&pair[0], "functionCall", "function_call");
        let responses = count(&pair[1], "functionResponse", "function_response");
        if calls > 0 && calls != responses {
            return Err(MockError::invalid(
                "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.",
            ));
        }
    }
    Ok(())
}

fn check_known_fields(object: &Map<String, Value>, is_cli: bool) -> Result<(), MockError> {
    let unknown = object.keys().find(|k| {
        let name = k.as_str();
        let is_known =
            REQUEST_FIELDS.contains(&name) || (is_cli && CLI_REQUEST_FIELDS.contains(&name));
        !is_known
    });
    match unknown {
        Some(name) => Err(MockError::invalid(format!(
            "Invalid JSON payload received. Unknown name \"{name}\": Cannot find field."
        ))),
        None => Ok(()),
    }
}

fn check_tools(body: &Value) -> Result<(), MockError> {
    let tools = body.get("tools").and_then(Value::as_array);
    let mut problems = Vec::new();
    for (t, tool) in tools.into_iter().flatten().enumerate() {
        let declarations =
            field(tool, "functionDeclarations", "function_declarations").and_then(Value::as_array);
        for (d, declaration) in declarations.into_iter().flatten().enumerate() {
            let name = declaration
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("");
            let starts_well = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
            if !starts_well || !is_valid_tool_name(name, &['.', ':'], MAX_FUNCTION_NAME) {
                problems.push(format!(
                    "* GenerateContentRequest.tools[{t}].function_declarations[{d}].name: Invalid function name. Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or contain underscores, dots and dashes, with a maximum length of {MAX_FUNCTION_NAME}.\n"
                ));
            }
            if let Some(schema) = declaration.get("parameters") {
                let path = format!("tools[{t}].function_declarations[{d}].parameters");
                check_schema(schema, &path, &mut problems);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(MockError::invalid(problems.join("\n")))
    }
}

/// Collects one message per field the `Schema` message does not have.
fn check_schema(schema: &Value, path: &str, problems: &mut Vec<String>) {
    let Some(object) = schema.as_object() else {
        return;
    };
    for key in object.keys() {
        if !SCHEMA_FIELDS.contains(&key.as_str()) {
            problems.push(format!(
                "Invalid JSON payload received. Unknown name \"{key}\" at '{path}': Cannot find field."
            ));
        }
    }
    if let Some(Value::Object(properties)) = object.get("properties") {
        for (i, property) in properties.values().enumerate() {
            check_schema(property, &format!("{path}.properties[{i}].value"), problems);
        }
    }
    if let Some(items) = object.get("items") {
        check_schema(items, &format!("{path}.items"), problems);
    }
    if let Some(Value::Array(any_of)) = field(schema, "anyOf", "any_of") {
        for (i, alternative) in any_of.iter().enumerate() {
            check_schema(alternative, &format!("{path}.any_of[{i}]"), problems);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with_parameters(parameters: Value) -> Value {
        json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}],
            "tools": [{"functionDeclarations": [{"name": "f", "parameters": parameters}]}]})
    }

    #[test]
    fn nested_additional_properties_is_named_with_its_path() {
        let body = with_parameters(json!({"type": "object", "properties": {
            "a": {"type": "object", "additionalProperties": false}}}));
        let err = generate(&body, "gemini-2.5-flash", false).expect_err("rejected");
        let message = err.body(crate::errors::Flavor::Gemini)["error"]["message"].clone();
        assert_eq!(
            message,
            "Invalid JSON payload received. Unknown name \"additionalProperties\" at 'tools[0].function_declarations[0].parameters.properties[0].value': Cannot find field."
        );
    }

    #[test]
    fn subset_schema_and_json_schema_pass() {
        let body = with_parameters(json!({"type": "OBJECT", "properties": {
            "q": {"type": "STRING", "description": "query"}}, "required": ["q"]}));
        assert!(generate(&body, "gemini-2.5-flash", false).is_ok());
        let json_schema = json!({"contents": [{"parts": [{"text": "hi"}]}],
            "tools": [{"function_declarations": [{"name": "f",
                "parametersJsonSchema": {"$schema": "x", "additionalProperties": false}}]}]});
        assert!(generate(&json_schema, "m", false).is_ok());
    }

    #[test]
    fn gemini_3_requires_signatures_in_the_current_turn() {
        let call = |signature: Option<&str>| {
            let mut part = json!({"functionCall": {"name": "f", "args": {}}});
            if let Some(signature) = signature {
                part["thoughtSignature"] = json!(signature);
            }
            json!({"contents": [
                {"role": "user", "parts": [{"text": "go"}]},
                {"role": "model", "parts": [part]},
                {"role": "user", "parts": [{"functionResponse": {"name": "f", "response": {}}}]}]})
        };
        assert!(generate(&call(None), "gemini-2.5-pro", false).is_ok());
        assert!(generate(&call(None), "gemini-3-pro-preview", false).is_err());
        let sentinel = Some("skip_thought_signature_validator");
        assert!(generate(&call(sentinel), "gemini-3-pro-preview", false).is_ok());
    }

    #[test]
    fn bad_role_and_unknown_field_are_rejected() {
        let role = json!({"contents": [{"role": "assistant", "parts": [{"text": "x"}]}]});
        assert!(generate(&role, "m", false).is_err());
        let part = json!({"contents": [{"parts": [{"type": "text", "text": "x"}]}]});
        assert!(generate(&part, "m", false).is_err());
        let extra = json!({"contents": [{"parts": [{"text": "x"}]}], "session_id": "s"});
        assert!(generate(&extra, "m", false).is_err());
        assert!(generate(&extra, "m", true).is_ok());
        let calls = json!({"contents": [
            {"role": "user", "parts": [{"text": "x"}]},
            {"role": "model", "parts": [{"functionCall": {"name": "f"}}, {"functionCall": {"name": "g"}}]},
            {"role": "user", "parts": [{"functionResponse": {"name": "f", "response": {}}}]}]});
        assert!(generate(&calls, "m", false).is_err());
        let bad_name = with_parameters(json!({"type": "OBJECT"}));
        let mut bad_name = bad_name;
        bad_name["tools"][0]["functionDeclarations"][0]["name"] = json!("9lives");
        assert!(generate(&bad_name, "m", false).is_err());
    }
}
