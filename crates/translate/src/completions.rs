//! Placeholder codec for `OpenAiCompletions`; filled in next.

use cpa_protocol::Format;

use crate::codec::FormatCodec;

/// The `OpenAiCompletions` codec.
pub struct Codec;

impl FormatCodec for Codec {
    fn format(&self) -> Format {
        Format::OpenAiCompletions
    }
}
