//! Comment-preserving edits of the configuration file.
//!
//! A [`ConfigDocument`] holds the file text and a node tree with byte spans. Every
//! edit splices new text into the span of the changed node and re-parses, so the
//! output is byte-identical to the input outside the edited regions: comments,
//! key order, blank lines, quoting style and unknown keys all survive. New nodes
//! are rendered in block style at the indentation of their siblings.
//!
//! [`ConfigDocument::sync`] takes the whole desired configuration (the management
//! API's edited raw config as JSON) and applies the minimal set of edits. Unlike
//! upstream (spec §6), deletions stick: a key missing from the desired value is
//! removed from the file, at any depth.

mod edit;
mod path;
mod render;
mod sync;
mod text;
mod tree;

use serde_json::Value;

pub use path::{KeyPath, Segment};
use tree::{Kind, Node};

use crate::{ConfigError, raw::RawConfig};

/// An editable YAML document.
#[derive(Debug, Clone)]
pub struct ConfigDocument {
    text: String,
    root: Option<Node>,
}

/// Where a located node sits in its parent.
#[derive(Debug, Clone, Copy)]
enum Ctx {
    /// The document root.
    Root,
    /// A mapping value; `colon_end` is just after the `:`.
    MapValue { key_start: usize, colon_end: usize },
    /// A block sequence item; `dash` is the position of its `-`.
    SeqItem { dash: usize },
    /// Inside a flow collection.
    Flow,
}

struct Located<'a> {
    node: &'a Node,
    ctx: Ctx,
    /// Length of the path prefix naming the outermost flow collection above the node.
    flow_at: Option<usize>,
}

impl ConfigDocument {
    /// Parses YAML text. The root must be a mapping (or the document empty).
    pub fn parse(text: impl Into<String>) -> Result<Self, ConfigError> {
        let text = text.into();
        let root = tree::parse(&text).map_err(|e| ConfigError::Parse {
            path: ".".into(),
            problem: e.0,
        })?;
        if let Some(root) = &root
            && !matches!(root.kind, Kind::Map { .. })
            && !root.is_null()
        {
            return Err(ConfigError::edit(".", "expected root mapping node"));
        }
        Ok(Self { text, root })
    }

    /// The current text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The value at `path` as JSON, `None` when absent.
    pub fn get(&self, path: impl Into<KeyPath>) -> Option<Value> {
        self.locate(&path.into()).map(|l| l.node.to_json())
    }

    /// The whole document as JSON.
    pub fn to_json(&self) -> Value {
        self.root
            .as_ref()
            .map_or_else(|| Value::Object(Default::default()), Node::to_json)
    }

    /// Sets a string scalar, creating missing parent mappings.
    pub fn set_str(&mut self, path: impl Into<KeyPath>, value: &str) -> Result<(), ConfigError> {
        self.set(path, &Value::String(value.to_owned()))
    }

    /// Sets the value at `path` (scalar or whole subtree), creating missing parents.
    /// A list index equal to the list length appends.
    pub fn set(&mut self, path: impl Into<KeyPath>, value: &Value) -> Result<(), ConfigError> {
        let path = path.into();
        let segs = path.segments();
        if self.root.as_ref().is_none_or(Node::is_null) {
            return self.replace_root(&nest(segs, value));
        }
        let mut depth = 0;
        while depth < segs.len() {
            let prefix = path.prefix(depth);
            let Some(loc) = self.locate(&prefix) else {
                return Err(ConfigError::edit(&path, "parent not found"));
            };
            if loc.node.is_flow() || loc.flow_at.is_some() {
                return self.replace_in_flow(&path, Some(value));
            }
            let rest = nest(segs.get(depth + 1..).unwrap_or_default(), value);
            match (&loc.node.kind, segs.get(depth)) {
                (Kind::Map { .. }, Some(Segment::Key(k))) => {
                    if loc.node.entry(k).is_none() {
                        return self.insert_entry(&prefix, k, &rest);
                    }
                }
                (Kind::Seq { items, .. }, Some(Segment::Index(i))) => {
                    if *i == items.len() {
                        return self.insert_item(&prefix, *i, &rest);
                    }
                    if *i > items.len() {
                        return Err(ConfigError::edit(&path, "index out of range"));
                    }
                }
                (_, Some(_)) if loc.node.is_null() => {
                    let fresh = nest(segs.get(depth..).unwrap_or_default(), value);
                    return self.replace(&prefix, &fresh);
                }
                _ => return Err(ConfigError::edit(&path, "parent is not a collection")),
            }
            depth += 1;
        }
        self.replace(&path, value)
    }

    /// Sets `path` to a serialisable value (for example a raw-config fragment).
    pub fn set_from<T: serde::Serialize>(
        &mut self,
        path: impl Into<KeyPath>,
        value: &T,
    ) -> Result<(), ConfigError> {
        let path = path.into();
        let json =
            serde_json::to_value(value).map_err(|e| ConfigError::edit(&path, e.to_string()))?;
        self.set(path, &json)
    }

    /// Appends an item to the list at `path` (creating the list when absent).
    pub fn push(&mut self, path: impl Into<KeyPath>, value: &Value) -> Result<(), ConfigError> {
        let path = path.into();
        let len = match self.locate(&path).map(|l| &l.node.kind) {
            Some(Kind::Seq { items, .. }) => items.len(),
            Some(_) if self.get(&path).is_some_and(|v| !v.is_null()) => {
                return Err(ConfigError::edit(&path, "not a list"));
            }
            _ => return self.set(&path, &Value::Array(vec![value.clone()])),
        };
        self.insert_item(&path, len, value)
    }

    /// Inserts an item at `index` of the list at `path`.
    pub fn insert(
        &mut self,
        path: impl Into<KeyPath>,
        index: usize,
        value: &Value,
    ) -> Result<(), ConfigError> {
        self.insert_item(&path.into(), index, value)
    }

    /// Removes a mapping entry or list item. Returns whether something was removed.
    /// Removing the last entry of a nested mapping leaves `{}`; the last list item, `[]`.
    pub fn remove(&mut self, path: impl Into<KeyPath>) -> Result<bool, ConfigError> {
        let path = path.into();
        let Some(loc) = self.locate(&path) else {
            return Ok(false);
        };
        if loc.flow_at.is_some() {
            self.replace_in_flow(&path, None)?;
            return Ok(true);
        }
        let Some((last, parent_path)) = path.segments().split_last() else {
            return Err(ConfigError::edit(&path, "cannot remove the root"));
        };
        let parent_path = KeyPath(parent_path.to_vec());
        let parent = self
            .locate(&parent_path)
            .map(|l| l.node.clone())
            .ok_or_else(|| ConfigError::edit(&path, "parent not found"))?;
        let node = loc.node.clone();
        let ctx = loc.ctx;
        match (&parent.kind, last) {
            (Kind::Map { entries, .. }, Segment::Key(key)) => {
                if entries.len() == 1 && !parent_path.segments().is_empty() {
                    self.replace(&parent_path, &Value::Object(Default::default()))?;
                    return Ok(true);
                }
                let index = entries.iter().position(|(k, _)| k.key_text() == key);
                let next_key = index.and_then(|i| entries.get(i + 1)).map(|(k, _)| k.start);
                let Ctx::MapValue { key_start, .. } = ctx else {
                    return Err(ConfigError::edit(&path, "unexpected node position"));
                };
                let (start, end) = match self.own_line_start(key_start) {
                    Some(line) => (line, self.line_end_incl(node.end)),
                    None => match next_key {
                        // First key of a `- key: v` item: pull the next key up.
                        Some(next) => (key_start, next),
                        None => return self.replace_parent_without(&parent_path, &parent, last),
                    },
                };
                self.splice(start, end, "")?;
            }
            (Kind::Seq { items, .. }, Segment::Index(i)) => {
                if items.len() == 1 {
                    self.replace(&parent_path, &Value::Array(Vec::new()))?;
                    return Ok(true);
                }
                let Ctx::SeqItem { dash } = ctx else {
                    return Err(ConfigError::edit(&path, "unexpected node position"));
                };
                match self.own_line_start(dash) {
                    Some(line) => self.splice(line, self.line_end_incl(node.end), "")?,
                    None => {
                        return self.replace_parent_without(
                            &parent_path,
                            &parent,
                            &Segment::Index(*i),
                        );
                    }
                }
            }
            _ => return Err(ConfigError::edit(&path, "parent is not a collection")),
        }
        Ok(true)
    }

    /// Makes the document equal to `desired` (a JSON object of the whole config)
    /// with minimal edits; see the module docs.
    pub fn sync(&mut self, desired: &Value) -> Result<(), ConfigError> {
        sync::sync(self, desired)
    }

    /// [`ConfigDocument::sync`] with a raw configuration.
    pub fn sync_raw(&mut self, raw: &RawConfig) -> Result<(), ConfigError> {
        self.sync(&raw.to_json()?)
    }

    // === internals ===

    fn locate(&self, path: &KeyPath) -> Option<Located<'_>> {
        let mut node = self.root.as_ref()?;
        let mut ctx = Ctx::Root;
        let mut flow_at = None;
        for (depth, seg) in path.segments().iter().enumerate() {
            if node.is_flow() && flow_at.is_none() {
                flow_at = Some(depth);
            }
            match (&node.kind, seg) {
                (Kind::Map { .. }, Segment::Key(k)) => {
                    let (key, value) = node.entry(k)?;
                    ctx = match flow_at {
                        Some(_) => Ctx::Flow,
                        None => Ctx::MapValue {
                            key_start: key.start,
                            colon_end: self.colon_end(key.end).unwrap_or(value.start),
                        },
                    };
                    node = value;
                }
                (Kind::Seq { items, .. }, Segment::Index(i)) => {
                    node = items.get(*i)?;
                    ctx = match flow_at {
                        Some(_) => Ctx::Flow,
                        None => Ctx::SeqItem {
                            dash: self.dash_before(node.start)?,
                        },
                    };
                }
                _ => return None,
            }
        }
        Some(Located { node, ctx, flow_at })
    }

    fn splice(&mut self, start: usize, end: usize, new: &str) -> Result<(), ConfigError> {
        // Keep a Windows file's line endings consistent.
        let converted;
        let new = if self.text.contains("\r\n") && new.contains('\n') {
            converted = new.replace("\r\n", "\n").replace('\n', "\r\n");
            converted.as_str()
        } else {
            new
        };
        let mut text = String::with_capacity(self.text.len() + new.len());
        text.push_str(self.text.get(..start).unwrap_or_default());
        text.push_str(new);
        text.push_str(self.text.get(end..).unwrap_or_default());
        let root = tree::parse(&text).map_err(|e| {
            ConfigError::edit(
                ".",
                format!("edit produced invalid YAML ({}); file left unchanged", e.0),
            )
        })?;
        self.text = text;
        self.root = root;
        Ok(())
    }
}

impl std::fmt::Display for ConfigDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Builds `{a: {b: value}}` / `[value]` for the missing tail of a path.
fn nest(segs: &[Segment], value: &Value) -> Value {
    segs.iter().rev().fold(value.clone(), |acc, seg| match seg {
        Segment::Key(k) => {
            let mut map = serde_json::Map::new();
            map.insert(k.clone(), acc);
            Value::Object(map)
        }
        Segment::Index(_) => Value::Array(vec![acc]),
    })
}

#[cfg(test)]
mod tests;
