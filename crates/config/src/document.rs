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

mod path;
mod render;
mod sync;
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

    /// Replaces the value at an existing `path`.
    fn replace(&mut self, path: &KeyPath, value: &Value) -> Result<(), ConfigError> {
        let Some(loc) = self.locate(path) else {
            if path.segments().is_empty() {
                return self.replace_root(value);
            }
            return Err(ConfigError::edit(path, "not found"));
        };
        if loc.flow_at.is_some() {
            return self.replace_in_flow(path, Some(value));
        }
        let node = loc.node.clone();
        let keep = match &node.kind {
            Kind::Scalar {
                style,
                is_implicit: false,
                ..
            } if matches!(
                style,
                saphyr_parser::ScalarStyle::Plain
                    | saphyr_parser::ScalarStyle::SingleQuoted
                    | saphyr_parser::ScalarStyle::DoubleQuoted
            ) =>
            {
                Some(*style)
            }
            _ => None,
        };
        let is_simple_scalar = keep.is_some() || matches!(node.kind, Kind::Alias);
        match loc.ctx {
            Ctx::Root => self.replace_root(value),
            Ctx::Flow => self.replace_in_flow(path, Some(value)),
            _ if render::is_inline(value) && is_simple_scalar => {
                let text = render::inline(value, keep.filter(|_| value.is_string()));
                self.splice(node.start, node.end, &text)
            }
            _ if node.is_flow() && render::is_inline(value) => {
                self.splice(node.start, node.end, &render::inline(value, None))
            }
            Ctx::MapValue {
                key_start,
                colon_end,
            } => {
                if render::is_inline(value) {
                    let text = format!(" {}", render::inline(value, None));
                    return self.splice(colon_end, node.end, &text);
                }
                let indent = match node.kind {
                    Kind::Map { is_flow: false, .. } | Kind::Seq { is_flow: false, .. } => {
                        self.column(node.start)
                    }
                    _ => self.column(key_start) + 2,
                };
                // Keep a comment that follows `key:` on its own line.
                let line_end = self.line_end(colon_end);
                let tail = self
                    .text
                    .get(colon_end..line_end)
                    .unwrap_or_default()
                    .trim();
                let start = if node.start > line_end && (tail.is_empty() || tail.starts_with('#')) {
                    line_end
                } else {
                    colon_end
                };
                let text = format!("\n{}", render::block(value, indent));
                self.splice(start, node.end, &text)
            }
            Ctx::SeqItem { dash } => {
                let text = if render::is_inline(value) {
                    format!(" {}", render::inline(value, None))
                } else {
                    let indent = self.column(dash) + 2;
                    format!(" {}", render::block(value, indent).trim_start())
                };
                self.splice(dash + 1, node.end, &text)
            }
        }
    }

    fn replace_root(&mut self, value: &Value) -> Result<(), ConfigError> {
        let (start, end) = match &self.root {
            Some(root) => (root.start, root.end),
            None => (self.text.len(), self.text.len()),
        };
        let mut text = if render::is_inline(value) {
            render::inline(value, None)
        } else {
            render::block(value, 0)
        };
        if self.root.is_none() {
            if !self.text.is_empty() && !self.text.ends_with('\n') {
                text.insert(0, '\n');
            }
            text.push('\n');
        }
        self.splice(start, end, &text)
    }

    /// Re-renders the outermost flow collection containing `path` with the change applied.
    fn replace_in_flow(
        &mut self,
        path: &KeyPath,
        value: Option<&Value>,
    ) -> Result<(), ConfigError> {
        let loc = self
            .locate(path)
            .or_else(|| self.locate(&path.prefix(path.segments().len().saturating_sub(1))))
            .ok_or_else(|| ConfigError::edit(path, "not found"))?;
        let flow_len = loc
            .flow_at
            .unwrap_or(path.segments().len().saturating_sub(1));
        let flow_path = path.prefix(flow_len);
        let flow_node = self
            .locate(&flow_path)
            .map(|l| l.node.clone())
            .ok_or_else(|| ConfigError::edit(path, "not found"))?;
        let rel = path.segments().get(flow_len..).unwrap_or_default();
        let text = self
            .flow_patch(&flow_node, rel, value)
            .map_err(|p| ConfigError::edit(path, p))?;
        self.splice(flow_node.start, flow_node.end, &text)
    }

    /// Re-renders a flow node with one change, copying untouched children verbatim.
    fn flow_patch(
        &self,
        node: &Node,
        rel: &[Segment],
        value: Option<&Value>,
    ) -> Result<String, String> {
        let Some((first, rest)) = rel.split_first() else {
            return value
                .map(render::flow)
                .ok_or_else(|| "nothing to set".to_owned());
        };
        let slice = |n: &Node| self.text.get(n.start..n.end).unwrap_or_default().to_owned();
        match (&node.kind, first) {
            (Kind::Map { entries, .. }, Segment::Key(key)) => {
                let mut parts = Vec::new();
                let mut found = false;
                for (k, v) in entries {
                    if k.key_text() != key {
                        parts.push(format!("{}: {}", slice(k), slice(v)));
                        continue;
                    }
                    found = true;
                    if rest.is_empty() && value.is_none() {
                        continue;
                    }
                    parts.push(format!(
                        "{}: {}",
                        slice(k),
                        self.flow_patch(v, rest, value)?
                    ));
                }
                if let (false, Some(v)) = (found, value) {
                    let v = nest(rest, v);
                    parts.push(format!(
                        "{}: {}",
                        render::string(key, None, true),
                        render::flow(&v)
                    ));
                }
                Ok(format!("{{{}}}", parts.join(", ")))
            }
            (Kind::Seq { items, .. }, Segment::Index(i)) => {
                let mut parts = Vec::new();
                for (j, item) in items.iter().enumerate() {
                    if j != *i {
                        parts.push(slice(item));
                    } else if !(rest.is_empty() && value.is_none()) {
                        parts.push(self.flow_patch(item, rest, value)?);
                    }
                }
                if *i == items.len() {
                    if let Some(v) = value {
                        parts.push(render::flow(&nest(rest, v)));
                    }
                } else if *i > items.len() {
                    return Err("index out of range".into());
                }
                Ok(format!("[{}]", parts.join(", ")))
            }
            _ if node.is_null() => value
                .map(|v| render::flow(&nest(rel, v)))
                .ok_or_else(|| "not found".to_owned()),
            _ => Err("path does not match the document".into()),
        }
    }

    fn replace_parent_without(
        &mut self,
        parent_path: &KeyPath,
        parent: &Node,
        seg: &Segment,
    ) -> Result<bool, ConfigError> {
        let mut json = parent.to_json();
        sync::apply_json(&mut json, std::slice::from_ref(seg), None)
            .map_err(|p| ConfigError::edit(parent_path, p))?;
        self.replace(parent_path, &json)?;
        Ok(true)
    }

    fn insert_entry(
        &mut self,
        map_path: &KeyPath,
        key: &str,
        value: &Value,
    ) -> Result<(), ConfigError> {
        let Some(loc) = self.locate(map_path) else {
            if map_path.segments().is_empty() {
                let mut obj = serde_json::Map::new();
                obj.insert(key.to_owned(), value.clone());
                return self.replace_root(&Value::Object(obj));
            }
            return Err(ConfigError::edit(map_path, "not found"));
        };
        let node = loc.node.clone();
        if node.is_flow() || loc.flow_at.is_some() || node.is_null() {
            return self.set_via_json(map_path, &node, &Segment::Key(key.to_owned()), value);
        }
        let Kind::Map { entries, .. } = &node.kind else {
            return Err(ConfigError::edit(map_path, "not a mapping"));
        };
        let (Some((first, _)), Some((_, last_value))) = (entries.first(), entries.last()) else {
            return self.set_via_json(map_path, &node, &Segment::Key(key.to_owned()), value);
        };
        let indent = self.column(first.start);
        let at = self.line_end_incl(last_value.end);
        let mut text = render::entry(key, value, indent);
        text.push('\n');
        if at == self.text.len() && !self.text.ends_with('\n') {
            text.insert(0, '\n');
        }
        self.splice(at, at, &text)
    }

    fn insert_item(
        &mut self,
        seq_path: &KeyPath,
        index: usize,
        value: &Value,
    ) -> Result<(), ConfigError> {
        let loc = self
            .locate(seq_path)
            .ok_or_else(|| ConfigError::edit(seq_path, "not found"))?;
        let node = loc.node.clone();
        if node.is_flow() || loc.flow_at.is_some() || node.is_null() {
            return self.set_via_json(seq_path, &node, &Segment::Index(index), value);
        }
        let Kind::Seq { items, .. } = &node.kind else {
            return Err(ConfigError::edit(seq_path, "not a list"));
        };
        if index > items.len() {
            return Err(ConfigError::edit(seq_path, "index out of range"));
        }
        let indent = self.column(node.start);
        let mut text = render::item(value, indent);
        text.push('\n');
        let at = match items.get(index) {
            Some(item) => {
                let dash = self.dash_before(item.start).unwrap_or(item.start);
                match self.own_line_start(dash) {
                    Some(line) => line,
                    None => {
                        return self.set_via_json(seq_path, &node, &Segment::Index(index), value);
                    }
                }
            }
            None => {
                let end = items.last().map_or(node.end, |i| i.end);
                self.line_end_incl(end)
            }
        };
        if at == self.text.len() && !self.text.ends_with('\n') {
            text.insert(0, '\n');
        }
        self.splice(at, at, &text)
    }

    /// Fallback: rewrite a whole collection with one change applied.
    fn set_via_json(
        &mut self,
        path: &KeyPath,
        node: &Node,
        seg: &Segment,
        value: &Value,
    ) -> Result<(), ConfigError> {
        let mut json = if node.is_null() {
            match seg {
                Segment::Key(_) => Value::Object(Default::default()),
                Segment::Index(_) => Value::Array(Vec::new()),
            }
        } else {
            node.to_json()
        };
        if let (Value::Array(items), Segment::Index(i)) = (&mut json, seg) {
            if *i <= items.len() {
                items.insert(*i, value.clone());
            }
        } else {
            sync::apply_json(&mut json, std::slice::from_ref(seg), Some(value))
                .map_err(|p| ConfigError::edit(path, p))?;
        }
        self.replace(path, &json)
    }

    fn splice(&mut self, start: usize, end: usize, new: &str) -> Result<(), ConfigError> {
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

    fn colon_end(&self, key_end: usize) -> Option<usize> {
        let rest = self.text.get(key_end..)?;
        let idx = rest.find(':')?;
        rest.get(..idx)?
            .trim()
            .is_empty()
            .then_some(key_end + idx + 1)
    }

    fn dash_before(&self, pos: usize) -> Option<usize> {
        let head = self
            .text
            .get(..pos)?
            .trim_end_matches([' ', '\t', '\n', '\r']);
        head.strip_suffix('-').map(str::len)
    }

    /// Start of the line holding `pos` if only whitespace precedes `pos` on it.
    fn own_line_start(&self, pos: usize) -> Option<usize> {
        let head = self.text.get(..pos)?;
        let line = head.rfind('\n').map_or(0, |i| i + 1);
        head.get(line..)?.trim().is_empty().then_some(line)
    }

    fn line_end(&self, pos: usize) -> usize {
        self.text
            .get(pos..)
            .and_then(|r| r.find('\n'))
            .map_or(self.text.len(), |i| pos + i)
    }

    fn line_end_incl(&self, pos: usize) -> usize {
        let end = self.line_end(pos);
        if end < self.text.len() { end + 1 } else { end }
    }

    fn column(&self, pos: usize) -> usize {
        let head = self.text.get(..pos).unwrap_or_default();
        let line = head.rfind('\n').map_or(0, |i| i + 1);
        head.get(line..).map_or(0, |s| s.chars().count())
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
