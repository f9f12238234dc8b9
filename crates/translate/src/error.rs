//! The translation error type (lifecycle steps 5 and 9).
//!
//! Translators return these instead of panicking on any input; the server turns them into
//! a 400 in the client's format. This module must not know HTTP status codes.

use cpa_protocol::Format;

/// Why a body could not be translated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TranslateError {
    /// The body is not valid JSON (or SSE data is not valid JSON).
    #[error("malformed json at line {line} column {column}: {message}")]
    MalformedJson {
        /// Parser message.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Valid JSON with an unexpected shape.
    #[error("invalid value at {path}: {message}")]
    Shape {
        /// JSON path of the offending value (`messages[2].content[0]`).
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The requested conversion is not implemented.
    #[error("unsupported translation {from} -> {to}: {what}")]
    Unsupported {
        /// Source format.
        from: Format,
        /// Target format.
        to: Format,
        /// Which operation.
        what: &'static str,
    },
}

impl TranslateError {
    /// A shape error at `path`.
    pub fn shape(path: impl Into<String>, message: impl Into<String>) -> Self {
        TranslateError::Shape {
            path: path.into(),
            message: message.into(),
        }
    }

    /// A low-cardinality label for metrics (`translate.malformed_json`, …).
    pub fn label(&self) -> &'static str {
        match self {
            TranslateError::MalformedJson { .. } => "translate.malformed_json",
            TranslateError::Shape { .. } => "translate.shape",
            TranslateError::Unsupported { .. } => "translate.unsupported",
        }
    }
}

/// Converts a serde_json error (at an optional path prefix) into a [`TranslateError`].
pub fn from_json_error(err: &serde_json::Error, path: &str) -> TranslateError {
    use serde_json::error::Category;
    match err.classify() {
        Category::Syntax | Category::Eof | Category::Io => TranslateError::MalformedJson {
            message: err.to_string(),
            line: err.line(),
            column: err.column(),
        },
        Category::Data => TranslateError::shape(path.to_owned(), err.to_string()),
    }
}

/// Deserialises `T` from bytes, reporting the JSON path of shape errors.
///
/// The common (valid) case runs plain serde_json; only a failing body is parsed a second
/// time with path tracking, which costs ~2x and is not worth paying on every request.
pub fn parse<'de, T: serde::Deserialize<'de>>(body: &'de [u8]) -> Result<T, TranslateError> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(err) => match err.classify() {
            serde_json::error::Category::Data => Err(parse_with_path::<T>(body)
                .err()
                .unwrap_or_else(|| from_json_error(&err, "."))),
            _ => Err(from_json_error(&err, ".")),
        },
    }
}

/// Slow path of [`parse`]: the same parse with JSON-path tracking for the error message.
fn parse_with_path<'de, T: serde::Deserialize<'de>>(body: &'de [u8]) -> Result<T, TranslateError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        from_json_error(e.inner(), &path)
    })?;
    de.end().map_err(|e| from_json_error(&e, "."))?;
    Ok(value)
}

/// Serialises a value; serialising our own types cannot fail in practice, but the error is
/// still reported rather than unwrapped.
pub fn to_vec<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, TranslateError> {
    serde_json::to_vec(value).map_err(|e| TranslateError::shape(".", e.to_string()))
}

/// Serialises a value to a string (see [`to_vec`]).
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, TranslateError> {
    serde_json::to_string(value).map_err(|e| TranslateError::shape(".", e.to_string()))
}
