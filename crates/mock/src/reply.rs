//! The deterministic reply to a [`Conversation`].
//!
//! Rules (also in the crate docs): echo the last user text (plus image notes), call
//! tools when tools are declared and the user just spoke, and acknowledge tool results.
//! Usage is counted here once so every format reports the same numbers. This module
//! must not know any format's field names or framing.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value, json};

use crate::content::{Conversation, LastTurn, Tool, words};

/// Words per streamed text delta.
const WORDS_PER_DELTA: usize = 3;
/// Longest echo of the user text, in words, so huge prompts do not make huge replies.
const MAX_ECHO_WORDS: usize = 256;
/// Largest reply `words-<n>` may ask for.
const MAX_SIZED_WORDS: usize = 1_000_000;

/// What the mock answers.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    /// Visible text; empty when the reply is only tool calls.
    pub(crate) text: String,
    /// Reasoning text, when the request asked for it.
    pub(crate) thinking: Option<String>,
    /// Tool calls, in order.
    pub(crate) tool_calls: Vec<ToolCall>,
    /// Token usage.
    pub(crate) usage: Usage,
    /// The text was cut at the request's output limit.
    pub(crate) is_truncated: bool,
    /// A number unique to this reply, for ids.
    pub(crate) serial: u64,
}

/// One tool call.
#[derive(Debug, Clone)]
pub(crate) struct ToolCall {
    /// The function name.
    pub(crate) name: String,
    /// Arguments as a JSON object.
    pub(crate) arguments: Value,
    /// The same arguments as compact JSON text.
    pub(crate) arguments_json: String,
    /// The id suffix `<serial>_<index>`; formats add their own prefix.
    pub(crate) id_suffix: String,
}

/// Token counts, defined in the crate docs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Usage {
    /// Input (prompt) tokens.
    pub(crate) input: u64,
    /// Output tokens, reasoning included.
    pub(crate) output: u64,
    /// The reasoning part of `output`.
    pub(crate) reasoning: u64,
}

impl Usage {
    /// Input plus output.
    pub(crate) fn total(&self) -> u64 {
        self.input + self.output
    }
}

impl Reply {
    /// Builds the reply for `conversation`.
    pub(crate) fn for_conversation(conversation: &Conversation) -> Self {
        static SERIAL: AtomicU64 = AtomicU64::new(1);
        let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        let (text, thinking_topic, tool_calls) = match &conversation.last {
            LastTurn::User { text, images } => {
                let calls = if conversation.tools.is_empty() || conversation.is_tool_choice_none {
                    Vec::new()
                } else {
                    tool_calls(conversation, text, serial)
                };
                let mut echo = text.clone();
                for note in images {
                    if !echo.is_empty() {
                        echo.push(' ');
                    }
                    echo.push_str(note);
                }
                let reply_text = if calls.is_empty() {
                    sized_text(
                        &format!("Mock reply to: {}", capped(&echo)),
                        &conversation.model,
                    )
                } else {
                    String::new()
                };
                (reply_text, echo, calls)
            }
            LastTurn::ToolResults(results) => {
                let joined = results.join("; ");
                (
                    format!("Tool result received: {joined}"),
                    "the tool result".to_owned(),
                    Vec::new(),
                )
            }
            LastTurn::Other => (
                "Mock reply.".to_owned(),
                "the conversation".to_owned(),
                Vec::new(),
            ),
        };
        let thinking = conversation
            .is_thinking
            .then(|| format!("Thinking about: {thinking_topic}"));
        let mut reply = Self {
            text,
            thinking,
            tool_calls,
            usage: Usage::default(),
            is_truncated: false,
            serial,
        };
        reply.count(conversation);
        reply
    }

    /// The text split into streaming deltas (each keeps its trailing space).
    pub(crate) fn text_deltas(&self) -> Vec<&str> {
        split_words(&self.text)
    }

    /// The reasoning text split into streaming deltas.
    pub(crate) fn thinking_deltas(&self) -> Vec<&str> {
        self.thinking
            .as_deref()
            .map(split_words)
            .unwrap_or_default()
    }

    fn count(&mut self, conversation: &Conversation) {
        let reasoning = self.thinking.as_deref().map_or(0, words);
        let tools: u64 = self
            .tool_calls
            .iter()
            .map(|c| words(&c.arguments_json))
            .sum();
        let mut text = words(&self.text);
        if let Some(limit) = conversation.max_output_tokens {
            let budget = limit.saturating_sub(reasoning + tools);
            if text > budget {
                self.text = self
                    .text
                    .split_whitespace()
                    .take(budget as usize)
                    .collect::<Vec<_>>()
                    .join(" ");
                text = budget;
                self.is_truncated = true;
            }
        }
        self.usage = Usage {
            input: conversation.input_tokens,
            output: text + reasoning + tools,
            reasoning,
        };
    }
}

impl ToolCall {
    /// `<prefix><serial>_<index>`, e.g. `call_mock_12_0`.
    pub(crate) fn id(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.id_suffix)
    }

    /// The argument JSON split in two deltas (at a character boundary).
    pub(crate) fn argument_deltas(&self) -> Vec<&str> {
        let json = self.arguments_json.as_str();
        let mut mid = json.len() / 2;
        while !json.is_char_boundary(mid) {
            mid += 1;
        }
        [&json[..mid], &json[mid..]]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// Seconds since the Unix epoch, for `created` fields.
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn tool_calls(conversation: &Conversation, user_text: &str, serial: u64) -> Vec<ToolCall> {
    let wants_parallel = conversation.model.to_ascii_lowercase().contains("parallel")
        || user_text.to_ascii_lowercase().contains("parallel");
    let count = if wants_parallel { 2 } else { 1 };
    let tools = &conversation.tools;
    (0..count)
        .filter_map(|i| {
            // With one tool, a parallel reply calls it twice.
            let tool = tools.get(i).or_else(|| tools.last())?;
            let arguments = arguments_for(tool, user_text);
            Some(ToolCall {
                name: tool.name.clone(),
                arguments_json: arguments.to_string(),
                arguments,
                id_suffix: format!("{serial}_{i}"),
            })
        })
        .collect()
}

/// Arguments satisfying the tool's schema: one value per declared property.
fn arguments_for(tool: &Tool, user_text: &str) -> Value {
    let mut args = Map::new();
    if let Some(Value::Object(properties)) = tool.schema.get("properties") {
        for (name, schema) in properties {
            args.insert(name.clone(), value_for(schema, user_text));
        }
    }
    Value::Object(args)
}

fn value_for(schema: &Value, user_text: &str) -> Value {
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.to_ascii_lowercase(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| !t.eq_ignore_ascii_case("null"))
            .unwrap_or("string")
            .to_ascii_lowercase(),
        _ => "string".to_owned(),
    };
    match kind.as_str() {
        "integer" | "number" => json!(1),
        "boolean" => json!(true),
        "array" => json!([]),
        "object" => json!({}),
        _ => Value::String(user_text.to_owned()),
    }
}

/// The first [`MAX_ECHO_WORDS`] words of `text` (unchanged when shorter).
fn capped(text: &str) -> String {
    match text.split_whitespace().nth(MAX_ECHO_WORDS) {
        None => text.to_owned(),
        Some(_) => {
            let head: Vec<&str> = text.split_whitespace().take(MAX_ECHO_WORDS).collect();
            format!("{} ...", head.join(" "))
        }
    }
}

/// Applies `words-<n>` from the model name: the reply becomes exactly `n` words,
/// repeating `text` as needed, so benchmarks can choose the output size.
fn sized_text(text: &str, model: &str) -> String {
    let model = model.to_ascii_lowercase();
    let Some(at) = model.find("words-") else {
        return text.to_owned();
    };
    let digits: String = model[at + "words-".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let Ok(count) = digits.parse::<usize>() else {
        return text.to_owned();
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return text.to_owned();
    }
    let sized: Vec<&str> = words
        .iter()
        .copied()
        .cycle()
        .take(count.min(MAX_SIZED_WORDS))
        .collect();
    sized.join(" ")
}

fn split_words(text: &str) -> Vec<&str> {
    let mut deltas = Vec::new();
    let mut start = 0;
    let mut seen = 0;
    for (at, _) in text.match_indices(' ') {
        seen += 1;
        if seen == WORDS_PER_DELTA {
            deltas.push(&text[start..=at]);
            start = at + 1;
            seen = 0;
        }
    }
    if start < text.len() {
        deltas.push(&text[start..]);
    }
    deltas
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(text: &str) -> Conversation {
        Conversation {
            model: "m".into(),
            last: LastTurn::User {
                text: text.into(),
                images: vec![],
            },
            input_tokens: words(text),
            ..Conversation::default()
        }
    }

    #[test]
    fn reply_echoes_user_text_and_counts_words() {
        let reply = Reply::for_conversation(&user("hello there"));
        assert_eq!(reply.text, "Mock reply to: hello there");
        assert_eq!(
            reply.usage,
            Usage {
                input: 2,
                output: 5,
                reasoning: 0
            }
        );
        assert_eq!(reply.text_deltas().concat(), reply.text);
        assert_eq!(reply.text_deltas()[0], "Mock reply to: ");
    }

    #[test]
    fn parallel_prompt_gives_two_calls_with_schema_arguments() {
        let mut conversation = user("do both in parallel");
        let schema = json!({"properties": {"q": {"type": "string"}, "n": {"type": "INTEGER"}}});
        conversation.tools = vec![Tool {
            name: "search".into(),
            schema,
        }];
        let reply = Reply::for_conversation(&conversation);
        assert_eq!(reply.tool_calls.len(), 2);
        assert_eq!(
            reply.tool_calls[1].arguments,
            json!({"q": "do both in parallel", "n": 1})
        );
        assert_eq!(
            reply.tool_calls[0].argument_deltas().concat(),
            reply.tool_calls[0].arguments_json
        );
        assert!(reply.text.is_empty());
    }

    #[test]
    fn words_model_sizes_the_reply_and_long_prompts_are_capped() {
        let mut conversation = user("hi");
        conversation.model = "bench-words-7".into();
        let reply = Reply::for_conversation(&conversation);
        assert_eq!(reply.text, "Mock reply to: hi Mock reply to:");
        assert_eq!(reply.usage.output, 7);
        let long = vec!["w"; 300].join(" ");
        let reply = Reply::for_conversation(&user(&long));
        assert_eq!(words(&reply.text), 3 + 256 + 1);
    }

    #[test]
    fn max_output_tokens_truncates_text() {
        let mut conversation = user("a b c d e f");
        conversation.max_output_tokens = Some(3);
        let reply = Reply::for_conversation(&conversation);
        assert_eq!(reply.text, "Mock reply to:");
        assert!(reply.is_truncated);
        assert_eq!(reply.usage.output, 3);
    }
}
