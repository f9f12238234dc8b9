//! Reads a Gemini `GenerateContentRequest` into the neutral conversation.
//!
//! Accepts camelCase and snake_case field names, as the API does. A trailing `user`
//! turn made of `functionResponse` parts counts as tool results. Must not validate.

use serde_json::Value;

use crate::content::{
    Conversation, LastTurn, TokenCounter, Tool, UserTurn, flatten_text, image_note, url_note,
};
use crate::validate::gemini::field;

/// The conversation of `body`, for `model` (taken from the path or envelope).
pub(super) fn read(body: &Value, model: &str) -> Conversation {
    let mut tokens = TokenCounter::default();
    if let Some(system) = field(body, "systemInstruction", "system_instruction") {
        parts(system)
            .iter()
            .for_each(|p| count_part(p, &mut tokens));
    }
    let contents = body
        .get("contents")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for content in contents {
        parts(content)
            .iter()
            .for_each(|p| count_part(p, &mut tokens));
    }
    let last = match contents.last() {
        Some(content)
            if content
                .get("role")
                .and_then(Value::as_str)
                .is_none_or(|r| r == "user") =>
        {
            let mut turn = UserTurn::default();
            parts(content).iter().for_each(|p| read_part(p, &mut turn));
            turn.finish()
        }
        _ => LastTurn::Other,
    };
    let config = field(body, "generationConfig", "generation_config");
    let thinking = config.and_then(|c| field(c, "thinkingConfig", "thinking_config"));
    let mode = field(body, "toolConfig", "tool_config")
        .and_then(|c| field(c, "functionCallingConfig", "function_calling_config"))
        .and_then(|c| c.get("mode"))
        .and_then(Value::as_str);
    Conversation {
        model: model.to_owned(),
        last,
        tools: tools(body),
        input_tokens: tokens.total(),
        is_thinking: thinking
            .and_then(|t| field(t, "includeThoughts", "include_thoughts"))
            .and_then(Value::as_bool)
            == Some(true),
        max_output_tokens: config
            .and_then(|c| field(c, "maxOutputTokens", "max_output_tokens"))
            .and_then(Value::as_u64),
        is_tool_choice_none: mode.is_some_and(|m| m.eq_ignore_ascii_case("none")),
    }
}

fn parts(content: &Value) -> &[Value] {
    content
        .get("parts")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn count_part(part: &Value, tokens: &mut TokenCounter) {
    if let Some(text) = part.get("text").and_then(Value::as_str) {
        tokens.add(text);
    }
    if let Some(call) = field(part, "functionCall", "function_call") {
        tokens.add_json(call.get("args").unwrap_or(&Value::Null));
    }
    if let Some(response) = field(part, "functionResponse", "function_response") {
        tokens.add_json(response.get("response").unwrap_or(&Value::Null));
    }
}

fn read_part(part: &Value, turn: &mut UserTurn) {
    let is_thought = part.get("thought").and_then(Value::as_bool) == Some(true);
    if let Some(text) = part
        .get("text")
        .and_then(Value::as_str)
        .filter(|_| !is_thought)
    {
        turn.text(text);
    }
    if let Some(inline) = field(part, "inlineData", "inline_data") {
        let mime = field(inline, "mimeType", "mime_type")
            .and_then(Value::as_str)
            .unwrap_or("");
        let data = inline.get("data").and_then(Value::as_str).unwrap_or("");
        turn.image(image_note(mime, data));
    }
    if let Some(file) = field(part, "fileData", "file_data") {
        let uri = field(file, "fileUri", "file_uri")
            .and_then(Value::as_str)
            .unwrap_or("");
        turn.image(url_note(uri));
    }
    if let Some(response) = field(part, "functionResponse", "function_response") {
        let payload = response.get("response").unwrap_or(&Value::Null);
        let text = ["content", "result", "output"]
            .iter()
            .find_map(|k| payload.get(*k))
            .map_or_else(|| payload.to_string(), flatten_text);
        turn.tool_result(text);
    }
}

fn tools(body: &Value) -> Vec<Tool> {
    let tools = body.get("tools").and_then(Value::as_array);
    tools
        .into_iter()
        .flatten()
        .filter_map(|t| field(t, "functionDeclarations", "function_declarations"))
        .filter_map(Value::as_array)
        .flatten()
        .map(|declaration| Tool {
            name: declaration
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            schema: declaration
                .get("parameters")
                .or_else(|| {
                    field(
                        declaration,
                        "parametersJsonSchema",
                        "parameters_json_schema",
                    )
                })
                .cloned()
                .unwrap_or(Value::Null),
        })
        .collect()
}
