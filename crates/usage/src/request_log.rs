//! placeholder
/// placeholder
pub struct RequestLogger;
