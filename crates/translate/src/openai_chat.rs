//! Placeholder codec for `OpenAiChat`; filled in next.

use cpa_protocol::Format;

use crate::codec::FormatCodec;

/// The `OpenAiChat` codec.
pub struct Codec;

impl FormatCodec for Codec {
    fn format(&self) -> Format {
        Format::OpenAiChat
    }
}
