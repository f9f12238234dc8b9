//! Responses API stream events (`event: <type>` / `data: {…}` SSE pairs).
//!
//! Data only (lifecycle step 9). Each event carries `type` (the serde tag) and a
//! per-stream `sequence_number`. Events the proxy does not model decode as
//! [`StreamEvent::Unknown`] so that a new upstream event type never fails a stream.
//! SSE framing is the server's job, not this module's.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::item::{ContentPart, Item, SummaryPart};
use super::response::Response;

/// One Responses stream event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum StreamEvent {
    /// First event: the response shell.
    #[serde(rename = "response.created")]
    Created(ResponseEvent),
    /// Second event: still the shell.
    #[serde(rename = "response.in_progress")]
    InProgress(ResponseEvent),
    /// Final event on success, with the aggregated output and usage.
    #[serde(rename = "response.completed")]
    Completed(ResponseEvent),
    /// Final event when output was cut short (e.g. `max_output_tokens`).
    #[serde(rename = "response.incomplete")]
    Incomplete(ResponseEvent),
    /// Final event on failure.
    #[serde(rename = "response.failed")]
    Failed(ResponseEvent),
    /// An output item starts.
    #[serde(rename = "response.output_item.added")]
    OutputItemAdded(OutputItemEvent),
    /// An output item is complete.
    #[serde(rename = "response.output_item.done")]
    OutputItemDone(OutputItemEvent),
    /// A content part of a message item starts.
    #[serde(rename = "response.content_part.added")]
    ContentPartAdded(ContentPartEvent),
    /// A content part is complete.
    #[serde(rename = "response.content_part.done")]
    ContentPartDone(ContentPartEvent),
    /// Text delta of an `output_text` part.
    #[serde(rename = "response.output_text.delta")]
    OutputTextDelta(TextDeltaEvent),
    /// Full text of an `output_text` part.
    #[serde(rename = "response.output_text.done")]
    OutputTextDone(TextDoneEvent),
    /// Argument fragment of a function call.
    #[serde(rename = "response.function_call_arguments.delta")]
    FunctionCallArgumentsDelta(ArgumentsDeltaEvent),
    /// Complete arguments of a function call.
    #[serde(rename = "response.function_call_arguments.done")]
    FunctionCallArgumentsDone(ArgumentsDoneEvent),
    /// A reasoning summary part starts.
    #[serde(rename = "response.reasoning_summary_part.added")]
    ReasoningSummaryPartAdded(SummaryPartEvent),
    /// A reasoning summary part is complete.
    #[serde(rename = "response.reasoning_summary_part.done")]
    ReasoningSummaryPartDone(SummaryPartEvent),
    /// Reasoning summary text delta.
    #[serde(rename = "response.reasoning_summary_text.delta")]
    ReasoningSummaryTextDelta(SummaryDeltaEvent),
    /// Full reasoning summary text.
    #[serde(rename = "response.reasoning_summary_text.done")]
    ReasoningSummaryTextDone(SummaryDoneEvent),
    /// A stream-level error.
    #[serde(rename = "error")]
    Error(ErrorEvent),
    /// Any event type the proxy does not model.
    #[serde(other)]
    Unknown,
}

/// Payload of the `response.*` lifecycle events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseEvent {
    /// Position in the stream, starting at 1 in proxy-made streams.
    #[serde(default)]
    pub sequence_number: u64,
    /// The response object so far.
    #[serde(default)]
    pub response: Response,
}

/// Payload of `response.output_item.added` / `.done`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutputItemEvent {
    /// Position in the stream.
    #[serde(default)]
    pub sequence_number: u64,
    /// Index of the item in `response.output`.
    #[serde(default)]
    pub output_index: u32,
    /// The item.
    #[serde(default)]
    pub item: Item,
}

/// Payload of `response.content_part.added` / `.done`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContentPartEvent {
    /// Position in the stream.
    #[serde(default)]
    pub sequence_number: u64,
    /// Owning item id.
    #[serde(default)]
    pub item_id: String,
    /// Owning item index.
    #[serde(default)]
    pub output_index: u32,
    /// Index of the part within the item.
    #[serde(default)]
    pub content_index: u32,
    /// The part.
    #[serde(default)]
    pub part: ContentPart,
}

/// Payload of `response.output_text.delta`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TextDeltaEvent {
    /// Position in the stream.
    #[serde(default)]
    pub sequence_number: u64,
    /// Owning item id.
    #[serde(default)]
    pub item_id: String,
    /// Owning item index.
    #[serde(default)]
    pub output_index: u32,
    /// Index of the part within the item.
    #[serde(default)]
    pub content_index: u32,
    /// Text fragment.
    #[serde(default)]
    pub delta: String,
    /// Log probabilities (always empty from the proxy).
    #[serde(default)]
    pub logprobs: Vec<Value>,
}

/// Payload of `response.output_text.done`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TextDoneEvent {
    /// Position in the stream.
    #[serde(default)]
    pub sequence_number: u64,
    /// Owning item id.
    #[serde(default)]
    pub item_id: String,
    /// Owning item index.
    #[serde(default)]
    pub output_index: u32,
    /// Index of the part within the item.
    #[serde(default)]
    pub content_index: u32,
    /// Full text.
    #[serde(default)]
    pub text: String,
    /// Log probabilities (always empty from the proxy).
    #[serde(default)]
    pub logprobs: Vec<Value>,
}

/// Payload of `response.function_call_arguments.delta`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArgumentsDeltaEvent {
    /// Position in the stream.
    #[serde(default)]
    pub sequence_number: u64,
    /// Owning item id (`fc_…`).
    #[serde(default)]
    pub item_id: String,
    /// Owning item index.
    #[serde(default)]
    pub output_index: u32,
    /// Argument fragment.
    #[serde(default)]
    pub delta: String,
}

/// Payload of `response.function_call_arguments.done`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArgumentsDoneEvent {
    /// Position in the stream.
    #[serde(default)]
    pub sequence_number: u64,
    /// Owning item id (`fc_…`).
    #[serde(default)]
    pub item_id: String,
    /// Owning item index.
    #[serde(default)]
    pub output_index: u32,
    /// Complete arguments JSON text.
    #[serde(default)]
    pub arguments: String,
}

/// Payload of `response.reasoning_summary_part.added` / `.done`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SummaryPartEvent {
    /// Position in the stream.
    #[serde(default)]
    pub sequence_number: u64,
    /// Owning reasoning item id.
    #[serde(default)]
    pub item_id: String,
    /// Owning item index.
    #[serde(default)]
    pub output_index: u32,
    /// Index of the summary part.
    #[serde(default)]
    pub summary_index: u32,
    /// The part.
    #[serde(default)]
    pub part: SummaryPart,
}

/// Payload of `response.reasoning_summary_text.delta`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SummaryDeltaEvent {
    /// Position in the stream.
    #[serde(default)]
    pub sequence_number: u64,
    /// Owning reasoning item id.
    #[serde(default)]
    pub item_id: String,
    /// Owning item index.
    #[serde(default)]
    pub output_index: u32,
    /// Index of the summary part.
    #[serde(default)]
    pub summary_index: u32,
    /// Text fragment.
    #[serde(default)]
    pub delta: String,
}

/// Payload of `response.reasoning_summary_text.done`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SummaryDoneEvent {
    /// Position in the stream.
    #[serde(default)]
    pub sequence_number: u64,
    /// Owning reasoning item id.
    #[serde(default)]
    pub item_id: String,
    /// Owning item index.
    #[serde(default)]
    pub output_index: u32,
    /// Index of the summary part.
    #[serde(default)]
    pub summary_index: u32,
    /// Full summary text.
    #[serde(default)]
    pub text: String,
}

/// Payload of `error`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorEvent {
    /// Position in the stream.
    #[serde(default)]
    pub sequence_number: u64,
    /// Error code, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Human-readable message.
    #[serde(default)]
    pub message: String,
    /// Offending parameter, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
}

impl StreamEvent {
    /// The event's `type`, used for the SSE `event:` line.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Created(_) => "response.created",
            Self::InProgress(_) => "response.in_progress",
            Self::Completed(_) => "response.completed",
            Self::Incomplete(_) => "response.incomplete",
            Self::Failed(_) => "response.failed",
            Self::OutputItemAdded(_) => "response.output_item.added",
            Self::OutputItemDone(_) => "response.output_item.done",
            Self::ContentPartAdded(_) => "response.content_part.added",
            Self::ContentPartDone(_) => "response.content_part.done",
            Self::OutputTextDelta(_) => "response.output_text.delta",
            Self::OutputTextDone(_) => "response.output_text.done",
            Self::FunctionCallArgumentsDelta(_) => "response.function_call_arguments.delta",
            Self::FunctionCallArgumentsDone(_) => "response.function_call_arguments.done",
            Self::ReasoningSummaryPartAdded(_) => "response.reasoning_summary_part.added",
            Self::ReasoningSummaryPartDone(_) => "response.reasoning_summary_part.done",
            Self::ReasoningSummaryTextDelta(_) => "response.reasoning_summary_text.delta",
            Self::ReasoningSummaryTextDone(_) => "response.reasoning_summary_text.done",
            Self::Error(_) => "error",
            Self::Unknown => "unknown",
        }
    }
}
