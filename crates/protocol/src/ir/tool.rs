//! IR tool declarations, tool choice and tool-call arguments. Data only.

use serde_json::Value;

use crate::Format;

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq)]
pub enum Tool {
    /// A client-side function.
    Function(FunctionTool),
    /// A provider built-in tool (web search, code execution, …), kept verbatim and only
    /// re-emitted to its own format.
    Builtin {
        /// The tool's `type` (`web_search_20250305`, `google_search`, …).
        kind: String,
        /// The whole declaration.
        raw: Value,
        /// The format it was declared in.
        format: Format,
    },
}

/// A function tool.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FunctionTool {
    /// Function name.
    pub name: String,
    /// Description for the model.
    pub description: Option<String>,
    /// JSON Schema of the arguments, untouched (per-target schema edits happen in encoders).
    pub parameters: Option<Value>,
    /// OpenAI `strict`.
    pub strict: Option<bool>,
    /// Anthropic `cache_control`, kept verbatim.
    pub cache_control: Option<Value>,
}

/// How the model may use tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolChoice {
    /// The model decides.
    Auto,
    /// No tool calls.
    None,
    /// At least one tool call (OpenAI `required`, Anthropic `any`).
    Required,
    /// Exactly this function.
    Function(String),
}

/// Tool-call arguments as the exact JSON text the model produced (may be partial or
/// invalid in broken upstream output; encoders that need an object repair or fall back).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ToolArguments(pub String);

impl ToolArguments {
    /// Arguments from an already-serialised JSON value.
    pub fn from_value(value: &Value) -> Self {
        ToolArguments(value.to_string())
    }

    /// The raw text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses the arguments; an empty string is `{}`. Returns `None` for invalid JSON.
    pub fn parse(&self) -> Option<Value> {
        if self.0.trim().is_empty() {
            return Some(Value::Object(serde_json::Map::new()));
        }
        serde_json::from_str(&self.0).ok()
    }
}
