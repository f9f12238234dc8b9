//! Placeholder codec for `AnthropicMessages`; filled in next.

use cpa_protocol::Format;

use crate::codec::FormatCodec;

/// The `AnthropicMessages` codec.
pub struct Codec;

impl FormatCodec for Codec {
    fn format(&self) -> Format {
        Format::AnthropicMessages
    }
}
