//! Key paths into a YAML document: `remote-management.secret-key`,
//! `claude-api-key[2].base-url`.

use std::fmt;

/// One step of a [`KeyPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A path from the document root to a node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<Segment>);

impl KeyPath {
    /// The document root.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// Parses `a.b[2].c`. Keys containing `.` or `[` need the builder
    /// ([`KeyPath::key`]) instead.
    pub fn parse(text: &str) -> Self {
        let mut segs = Vec::new();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let (name, mut rest) = match part.find('[') {
                Some(i) => part.split_at(i),
                None => (part, ""),
            };
            if !name.is_empty() {
                segs.push(Segment::Key(name.to_owned()));
            }
            while let Some(close) = rest.find(']') {
                let idx = rest.get(1..close).unwrap_or_default();
                match idx.parse() {
                    Ok(i) => segs.push(Segment::Index(i)),
                    Err(_) => segs.push(Segment::Key(idx.to_owned())),
                }
                rest = rest.get(close + 1..).unwrap_or_default();
            }
        }
        Self(segs)
    }

    /// Appends a key.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.0.push(Segment::Key(key.into()));
        self
    }

    /// Appends an index.
    pub fn index(mut self, index: usize) -> Self {
        self.0.push(Segment::Index(index));
        self
    }

    /// The segments.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    pub(crate) fn child(&self, seg: Segment) -> Self {
        let mut v = self.0.clone();
        v.push(seg);
        Self(v)
    }

    pub(crate) fn prefix(&self, len: usize) -> Self {
        Self(self.0.get(..len).unwrap_or_default().to_vec())
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str(".");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl From<&str> for KeyPath {
    fn from(text: &str) -> Self {
        Self::parse(text)
    }
}

impl<const N: usize> From<&[&str; N]> for KeyPath {
    fn from(keys: &[&str; N]) -> Self {
        Self(keys.iter().map(|k| Segment::Key((*k).to_owned())).collect())
    }
}

impl From<&KeyPath> for KeyPath {
    fn from(path: &KeyPath) -> Self {
        path.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        let p = KeyPath::parse("claude-api-key[2].headers.X-A");
        assert_eq!(
            p.0,
            vec![
                Segment::Key("claude-api-key".into()),
                Segment::Index(2),
                Segment::Key("headers".into()),
                Segment::Key("X-A".into()),
            ]
        );
        assert_eq!(p.to_string(), "claude-api-key[2].headers.X-A");
        assert_eq!(KeyPath::root().to_string(), ".");
    }
}
