//! Errors and warnings produced while loading, validating, editing and saving the
//! configuration file.
//!
//! Every error that concerns a key carries its `path` in the same notation the
//! parser uses (`claude-api-key[2].base-url`) and a lowercase `problem` fragment.

use std::{fmt, io, path::PathBuf};

/// Why a configuration could not be loaded, edited or saved.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("failed to read config file {file}: {source}")]
    Read {
        /// The file we tried to read.
        file: PathBuf,
        /// The operating-system error.
        #[source]
        source: io::Error,
    },
    /// YAML syntax error or a value of the wrong type.
    #[error("failed to parse config file: {path}: {problem}")]
    Parse {
        /// Key path of the offending value (`.` for the document itself).
        path: String,
        /// What is wrong, including the line and column when known.
        problem: String,
    },
    /// The file parsed but a value is not acceptable (semantic validation).
    #[error("{path}: {problem}")]
    Invalid {
        /// Key path of the offending value.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// An edit of the YAML document could not be applied.
    #[error("cannot edit {path}: {problem}")]
    Edit {
        /// Key path of the edit.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// The file could not be written.
    #[error("failed to write config file {file}: {source}")]
    Write {
        /// The file we tried to write.
        file: PathBuf,
        /// The operating-system error.
        #[source]
        source: io::Error,
    },
}

impl ConfigError {
    /// Key path the error is about, when it concerns one key (`None` for I/O errors).
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::Parse { path, .. } | Self::Invalid { path, .. } | Self::Edit { path, .. } => {
                Some(path)
            }
            Self::Read { .. } | Self::Write { .. } => None,
        }
    }

    /// What is wrong, without the path.
    pub fn problem(&self) -> String {
        match self {
            Self::Parse { problem, .. }
            | Self::Invalid { problem, .. }
            | Self::Edit { problem, .. } => problem.clone(),
            Self::Read { source, .. } | Self::Write { source, .. } => source.to_string(),
        }
    }

    pub(crate) fn invalid(path: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Invalid {
            path: path.into(),
            problem: problem.into(),
        }
    }

    pub(crate) fn edit(path: impl fmt::Display, problem: impl Into<String>) -> Self {
        Self::Edit {
            path: path.to_string(),
            problem: problem.into(),
        }
    }
}

/// A problem that does not stop the configuration from loading. The caller logs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Key path the warning is about.
    pub path: String,
    /// What was noticed and what we did about it.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
