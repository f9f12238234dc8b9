//! The format-neutral summary of a request that decides the reply.
//!
//! Each format module reads its own request into a [`Conversation`]; `reply` turns that
//! into a [`crate::reply::Reply`]. Keeping the decision here means every format answers
//! the same prompt the same way, which is what cross-format proxy tests rely on. This
//! module must not know any format's field names.

use serde_json::Value;

/// What the mock needs to know about a request to answer it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Conversation {
    /// The requested model (body field or path segment).
    pub(crate) model: String,
    /// The last turn, which decides the kind of reply.
    pub(crate) last: LastTurn,
    /// Declared function tools, in order.
    pub(crate) tools: Vec<Tool>,
    /// Input tokens as defined in the crate docs.
    pub(crate) input_tokens: u64,
    /// The request asked for visible reasoning.
    pub(crate) is_thinking: bool,
    /// The request's output token limit, if any.
    pub(crate) max_output_tokens: Option<u64>,
    /// The request forbade tool calls (`tool_choice: none` and equivalents).
    pub(crate) is_tool_choice_none: bool,
}

/// The last turn of a conversation.
#[derive(Debug, Clone, Default)]
pub(crate) enum LastTurn {
    /// A user message: its text parts joined by spaces, and one note per image.
    User { text: String, images: Vec<String> },
    /// Tool results (their text content), in order.
    ToolResults(Vec<String>),
    /// Anything else (an assistant prefill, an empty conversation).
    #[default]
    Other,
}

/// One declared function tool.
#[derive(Debug, Clone)]
pub(crate) struct Tool {
    /// The function name.
    pub(crate) name: String,
    /// Its parameter schema (JSON Schema or the Gemini subset), `Null` if none.
    pub(crate) schema: Value,
}

/// Accumulates the text of a request into the input-token count.
#[derive(Debug, Default)]
pub(crate) struct TokenCounter(u64);

impl TokenCounter {
    /// Counts the words of `text`.
    pub(crate) fn add(&mut self, text: &str) {
        self.0 += words(text);
    }

    /// Counts every string inside `value` (used for tool arguments and results).
    pub(crate) fn add_json(&mut self, value: &Value) {
        match value {
            Value::String(s) => self.add(s),
            Value::Array(items) => items.iter().for_each(|v| self.add_json(v)),
            Value::Object(map) => map.values().for_each(|v| self.add_json(v)),
            _ => {}
        }
    }

    /// Counts tool-call arguments sent as JSON text (OpenAI formats) the same way as
    /// arguments sent as objects (Anthropic, Gemini): the words of their string values.
    pub(crate) fn add_arguments(&mut self, arguments: &str) {
        match serde_json::from_str::<Value>(arguments) {
            Ok(value) => self.add_json(&value),
            Err(_) => self.add(arguments),
        }
    }

    /// The total so far.
    pub(crate) fn total(&self) -> u64 {
        self.0
    }
}

/// Collects the parts of a user turn.
#[derive(Debug, Default)]
pub(crate) struct UserTurn {
    texts: Vec<String>,
    images: Vec<String>,
    tool_results: Vec<String>,
}

impl UserTurn {
    /// Adds a text part.
    pub(crate) fn text(&mut self, text: &str) {
        self.texts.push(text.to_owned());
    }

    /// Adds an image part, described by [`image_note`] or [`url_note`].
    pub(crate) fn image(&mut self, note: String) {
        self.images.push(note);
    }

    /// Adds a tool result's text content.
    pub(crate) fn tool_result(&mut self, content: String) {
        self.tool_results.push(content);
    }

    /// The turn: tool results win over text, as real providers answer the tool.
    pub(crate) fn finish(self) -> LastTurn {
        if !self.tool_results.is_empty() {
            return LastTurn::ToolResults(self.tool_results);
        }
        LastTurn::User {
            text: self.texts.join(" "),
            images: self.images,
        }
    }
}

/// Number of whitespace-separated words: the mock's token.
pub(crate) fn words(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

/// `[image <mime> <n> bytes]` for base64 data, without decoding it.
pub(crate) fn image_note(mime: &str, base64: &str) -> String {
    let trimmed = base64.trim_end_matches('=');
    let bytes = trimmed.len() * 3 / 4;
    format!("[image {mime} {bytes} bytes]")
}

/// Describes an image URL: data URLs like [`image_note`], others as `[image url <url>]`.
pub(crate) fn url_note(url: &str) -> String {
    if let Some((meta, data)) = url.strip_prefix("data:").and_then(|r| r.split_once(',')) {
        let mime = meta.split(';').next().unwrap_or("application/octet-stream");
        return image_note(mime, data);
    }
    format!("[image url {url}]")
}

/// Flattens tool-result content (a string or a list of text blocks) to text.
pub(crate) fn flatten_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item.get("text") {
                Some(Value::String(s)) => s.clone(),
                _ => flatten_text(item),
            })
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn image_note_reports_decoded_size() {
        assert_eq!(
            image_note("image/png", "aGVsbG8="),
            "[image image/png 5 bytes]"
        );
        assert_eq!(
            url_note("data:image/jpeg;base64,aGk="),
            "[image image/jpeg 2 bytes]"
        );
    }

    #[test]
    fn flatten_text_joins_blocks() {
        let content = json!([{"type": "text", "text": "a b"}, {"type": "text", "text": "c"}]);
        assert_eq!(flatten_text(&content), "a b c");
        assert_eq!(words("  one two\nthree "), 3);
        let mut from_text = TokenCounter::default();
        from_text.add_arguments(r#"{"city":"New York","days":2}"#);
        let mut from_object = TokenCounter::default();
        from_object.add_json(&json!({"city": "New York", "days": 2}));
        assert_eq!(from_text.total(), 2);
        assert_eq!(from_object.total(), 2);
    }
}
