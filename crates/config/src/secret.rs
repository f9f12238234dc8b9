//! `Secret<T>`: a value that must never reach logs, `Debug` output or error messages.
//!
//! Resolved configuration wraps client API keys, provider API keys, the management
//! secret and upstream tokens in this type. Reading the value needs an explicit
//! [`Secret::expose`], which makes every use greppable in review.

use std::fmt;

/// Placeholder printed instead of a secret value.
pub const REDACTED: &str = "[redacted]";

/// A secret value whose `Debug`, `Display` and `Serialize` print [`REDACTED`].
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Returns the secret value. Every call site is a place where a secret leaves
    /// the wrapper; keep them few and never pass the result to a logger.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the secret value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl Secret<String> {
    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> serde::Serialize for Secret<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_and_display_are_redacted() {
        let s = Secret::<String>::from("sk-live-123");
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(format!("{s}"), REDACTED);
        assert_eq!(
            serde_json::to_string(&s).expect("serialise"),
            "\"[redacted]\""
        );
        assert_eq!(s.expose(), "sk-live-123");
    }

    #[test]
    fn secret_inside_struct_debug_is_redacted() {
        #[derive(Debug)]
        struct Holder {
            _key: Secret<String>,
        }
        let h = Holder {
            _key: Secret::<String>::from("abc"),
        };
        assert!(!format!("{h:?}").contains("abc"));
    }
}
