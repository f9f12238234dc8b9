//! The canonical intermediate representation (IR) every format converts to and from.
//!
//! Cross-format translation (lifecycle steps 5 and 9) decodes the source format into these
//! types and encodes the target format from them, so adding a format costs two converters.
//! Same-format traffic never goes through the IR (it would lose bytes). The IR is plain
//! data: no conversion logic, no I/O, no clocks. Design notes: translation spec §13.
//!
//! Conventions:
//! - Token counts are `u64`; "total input" includes cached tokens (see [`Usage`]).
//! - Tool-call arguments are kept as the exact JSON text ([`ToolArguments`]).
//! - Provider-specific opaque data (signatures, unknown blocks) is tagged with the
//!   [`Format`](crate::Format) it came from so it is never replayed to the wrong provider.

pub mod content;
pub mod reasoning;
pub mod request;
pub mod response;
pub mod stream;
pub mod tool;
pub mod usage;

pub use content::{
    Image, ImageSource, Message, OpaqueBlock, Part, Role, Signature, Text, Thinking, ToolCall,
    ToolResult, ToolResultContent, ToolResultPart,
};
pub use reasoning::{Effort, Reasoning, ReasoningMode};
pub use request::{Metadata, OutputFormat, Request, Sampling, SystemBlock, SystemOrigin};
pub use response::{Response, StopReason};
pub use stream::{BlockKind, StreamEvent};
pub use tool::{FunctionTool, Tool, ToolArguments, ToolChoice};
pub use usage::Usage;
