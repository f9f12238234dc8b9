//! Edit primitives of [`ConfigDocument`]: replace a node, insert a mapping entry or
//! list item, and the flow-collection fallback. Each ends in one `splice`.

use serde_json::Value;

use super::{
    ConfigDocument, Ctx, KeyPath, Segment, nest, render, sync,
    tree::{Kind, Node},
};
use crate::ConfigError;

impl ConfigDocument {
    /// Replaces the value at an existing `path`.
    pub(super) fn replace(&mut self, path: &KeyPath, value: &Value) -> Result<(), ConfigError> {
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
                // Reuse the old block's indentation when the shape stays the same
                // (this keeps an indentless `key:\n- a` list indentless).
                let indent = match (&node.kind, value) {
                    (Kind::Map { is_flow: false, .. }, Value::Object(_))
                    | (Kind::Seq { is_flow: false, .. }, Value::Array(_)) => {
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

    pub(super) fn replace_root(&mut self, value: &Value) -> Result<(), ConfigError> {
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
    pub(super) fn replace_in_flow(
        &mut self,
        path: &KeyPath,
        value: Option<&Value>,
    ) -> Result<(), ConfigError> {
        // The deepest existing node on the path; the outermost flow collection at
        // or above it is what gets re-rendered.
        let len = path.segments().len();
        let (depth, flow_at, is_flow) = (0..=len)
            .rev()
            .find_map(|d| {
                self.locate(&path.prefix(d))
                    .map(|l| (d, l.flow_at, l.node.is_flow()))
            })
            .ok_or_else(|| ConfigError::edit(path, "not found"))?;
        let flow_len = match (flow_at, is_flow) {
            (Some(f), _) => f,
            (None, true) => depth,
            (None, false) => return Err(ConfigError::edit(path, "not inside a flow collection")),
        };
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

    pub(super) fn replace_parent_without(
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

    pub(super) fn insert_entry(
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

    pub(super) fn insert_item(
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
}
