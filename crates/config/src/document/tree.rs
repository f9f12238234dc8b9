//! Parses YAML text into a node tree that remembers byte spans.
//!
//! Built on `saphyr-parser` events. The parser reports character offsets; we map
//! them to byte offsets. Span conventions (checked by tests):
//!
//! * scalars: the scalar text including quotes; block scalars (`|`, `>`) from the
//!   indicator to the last non-blank character;
//! * block mappings: first key to the end of the last value;
//! * block sequences: first `-` to the end of the last item;
//! * flow collections: opening to closing bracket;
//! * an empty value (`key:` or a bare `-`) is an implicit null with an empty span
//!   just after the `:` or `-`.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// A YAML node with its byte span in the source text.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// First byte of the node.
    pub start: usize,
    /// One past the last byte of the node.
    pub end: usize,
    /// What the node is.
    pub kind: Kind,
}

/// Node kinds.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// A scalar. `is_implicit` marks an empty value (implicit null).
    Scalar {
        value: String,
        style: ScalarStyle,
        is_implicit: bool,
    },
    /// A mapping; `is_flow` for `{...}`.
    Map {
        entries: Vec<(Node, Node)>,
        is_flow: bool,
    },
    /// A sequence; `is_flow` for `[...]`.
    Seq { items: Vec<Node>, is_flow: bool },
    /// An alias (`*name`); treated as opaque.
    Alias,
}

impl Node {
    /// Whether this is a flow collection.
    pub fn is_flow(&self) -> bool {
        matches!(
            self.kind,
            Kind::Map { is_flow: true, .. } | Kind::Seq { is_flow: true, .. }
        )
    }

    /// Whether this is a null scalar (implicit or `null`/`~`).
    pub fn is_null(&self) -> bool {
        match &self.kind {
            Kind::Scalar {
                value,
                style: ScalarStyle::Plain,
                is_implicit,
            } => *is_implicit || matches!(value.as_str(), "~" | "null" | "Null" | "NULL"),
            _ => false,
        }
    }

    /// Entry of a mapping by key.
    pub fn entry(&self, key: &str) -> Option<&(Node, Node)> {
        match &self.kind {
            Kind::Map { entries, .. } => entries.iter().find(|(k, _)| k.key_text() == key),
            _ => None,
        }
    }

    /// The key string of a scalar key node.
    pub fn key_text(&self) -> &str {
        match &self.kind {
            Kind::Scalar { value, .. } => value,
            _ => "",
        }
    }

    /// The node as JSON (plain scalars resolved with the YAML core schema).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Scalar {
                value,
                style,
                is_implicit,
            } => {
                if *is_implicit {
                    Value::Null
                } else if *style == ScalarStyle::Plain {
                    resolve_plain(value)
                } else {
                    Value::String(value.clone())
                }
            }
            Kind::Map { entries, .. } => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.key_text().to_owned(), v.to_json()))
                    .collect(),
            ),
            Kind::Seq { items, .. } => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Alias => Value::Null,
        }
    }
}

/// Resolves a plain scalar like YAML 1.2 core schema: null, bool, int, float, else string.
pub(crate) fn resolve_plain(value: &str) -> serde_json::Value {
    use serde_json::Value;
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let looks_numeric = value
        .trim_start_matches(['-', '+'])
        .starts_with(|c: char| c.is_ascii_digit() || c == '.');
    let radix = |prefix: &str, radix: u32| {
        value
            .strip_prefix(prefix)
            .and_then(|digits| i64::from_str_radix(digits, radix).ok())
    };
    if let Some(i) = radix("0x", 16).or_else(|| radix("0o", 8)) {
        return Value::from(i);
    }
    if looks_numeric {
        if let Ok(i) = value.parse::<i64>() {
            return Value::from(i);
        }
        if let Ok(u) = value.parse::<u64>() {
            return Value::from(u);
        }
        let is_float_text = value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'));
        if is_float_text
            && let Some(n) = value
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(n);
        }
    }
    Value::String(value.to_owned())
}

/// One past the closing quote of the quoted scalar starting at `start`.
fn quoted_end(text: &str, start: usize, style: ScalarStyle) -> Option<usize> {
    let body = text.get(start + 1..)?;
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (style, c) {
            (ScalarStyle::DoubleQuoted, '\\') => {
                chars.next();
            }
            (ScalarStyle::DoubleQuoted, '"') => return Some(start + 1 + i + 1),
            (ScalarStyle::SingleQuoted, '\'') => {
                if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    chars.next();
                } else {
                    return Some(start + 1 + i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Parse failure (position in bytes is in the message).
#[derive(Debug)]
pub(crate) struct TreeError(pub String);

/// Parses the first document of `text`. `Ok(None)` for a document without nodes.
pub(crate) fn parse(text: &str) -> Result<Option<Node>, TreeError> {
    let offsets = char_offsets(text);
    let mut events = Vec::new();
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| TreeError(e.to_string()))?;
        let (start, end) = byte_span(&offsets, span);
        events.push((event, start, end));
    }
    let mut builder = Builder {
        text,
        events,
        pos: 0,
    };
    builder.document()
}

/// Byte offset of every char index, plus one past the end.
fn char_offsets(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    v.push(text.len());
    v
}

fn byte_span(offsets: &[usize], span: Span) -> (usize, usize) {
    let last = offsets.len().saturating_sub(1);
    let at = |i: usize| offsets.get(i.min(last)).copied().unwrap_or_default();
    (at(span.start.index()), at(span.end.index()))
}

struct Builder<'a> {
    text: &'a str,
    events: Vec<(Event<'a>, usize, usize)>,
    pos: usize,
}

impl Builder<'_> {
    fn document(&mut self) -> Result<Option<Node>, TreeError> {
        while let Some((event, _, _)) = self.events.get(self.pos) {
            match event {
                Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => self.pos += 1,
                Event::StreamEnd | Event::DocumentEnd => return Ok(None),
                _ => return self.node().map(Some),
            }
        }
        Ok(None)
    }

    fn node(&mut self) -> Result<Node, TreeError> {
        let Some((event, start, end)) = self.events.get(self.pos).cloned() else {
            return Err(TreeError("unexpected end of events".into()));
        };
        self.pos += 1;
        match event {
            Event::Scalar(value, style, _, _) => {
                Ok(self.scalar(value.into_owned(), style, start, end))
            }
            Event::Alias(_) => Ok(Node {
                start,
                end,
                kind: Kind::Alias,
            }),
            Event::MappingStart(..) => self.mapping(start, end),
            Event::SequenceStart(..) => self.sequence(start, end),
            other => Err(TreeError(format!("unexpected event {other:?}"))),
        }
    }

    fn scalar(&self, value: String, style: ScalarStyle, start: usize, end: usize) -> Node {
        let is_implicit = style == ScalarStyle::Plain && start == end;
        let (start, end) = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => {
                // The span starts at the content; the indicator is before it.
                let head = self.text.get(..start).unwrap_or_default();
                let indicator = head.rfind(['|', '>']).unwrap_or(start);
                let body = self.text.get(..end).unwrap_or_default();
                let trimmed = body.trim_end().len().max(indicator + 1);
                (indicator, trimmed)
            }
            // The parser's span of a quoted scalar runs on over trailing spaces and
            // a comment (saphyr-parser 0.0.6); find the closing quote ourselves.
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                (start, quoted_end(self.text, start, style).unwrap_or(end))
            }
            _ => (start, end),
        };
        Node {
            start,
            end,
            kind: Kind::Scalar {
                value,
                style,
                is_implicit,
            },
        }
    }

    fn is_end(&self, want_map: bool) -> Option<(usize, usize)> {
        match self.events.get(self.pos) {
            Some((Event::MappingEnd, s, e)) if want_map => Some((*s, *e)),
            Some((Event::SequenceEnd, s, e)) if !want_map => Some((*s, *e)),
            _ => None,
        }
    }

    fn mapping(&mut self, start: usize, open_end: usize) -> Result<Node, TreeError> {
        let is_flow = open_end > start;
        let mut entries = Vec::new();
        loop {
            if let Some((_, close_end)) = self.is_end(true) {
                self.pos += 1;
                let end = if is_flow {
                    close_end
                } else {
                    entries.last().map_or(start, |(_, v): &(Node, Node)| v.end)
                };
                return Ok(Node {
                    start,
                    end,
                    kind: Kind::Map { entries, is_flow },
                });
            }
            let key = self.node()?;
            let mut value = self.node()?;
            if matches!(
                value.kind,
                Kind::Scalar {
                    is_implicit: true,
                    ..
                }
            ) {
                let at = self.after_char(key.end, ':').unwrap_or(key.end);
                value.start = at;
                value.end = at;
            }
            entries.push((key, value));
        }
    }

    fn sequence(&mut self, start: usize, open_end: usize) -> Result<Node, TreeError> {
        let is_flow = open_end > start;
        let mut items: Vec<Node> = Vec::new();
        loop {
            if let Some((_, close_end)) = self.is_end(false) {
                self.pos += 1;
                let end = if is_flow {
                    close_end
                } else {
                    items.last().map_or(start, |v| v.end)
                };
                // An indentless sequence (`key:\n- a`) reports its start at the first
                // item's content; move it back to the dash.
                let start = match items.first() {
                    Some(first) if !is_flow => self.dash_before(first.start).unwrap_or(start),
                    _ => start,
                };
                return Ok(Node {
                    start,
                    end,
                    kind: Kind::Seq { items, is_flow },
                });
            }
            let mut item = self.node()?;
            if !is_flow
                && matches!(
                    item.kind,
                    Kind::Scalar {
                        is_implicit: true,
                        ..
                    }
                )
            {
                let head = self.text.get(..item.start).unwrap_or_default();
                if let Some(dash) = head.trim_end().strip_suffix('-').map(str::len) {
                    item.start = dash + 1;
                    item.end = dash + 1;
                }
            }
            items.push(item);
        }
    }

    /// Position of the `-` that precedes `pos` (only whitespace in between).
    fn dash_before(&self, pos: usize) -> Option<usize> {
        let head = self.text.get(..pos)?.trim_end();
        head.strip_suffix('-').map(str::len)
    }

    /// Position just after the first `ch` at or after `from` (skipping spaces).
    fn after_char(&self, from: usize, ch: char) -> Option<usize> {
        let rest = self.text.get(from..)?;
        let idx = rest.find(ch)?;
        rest.get(..idx)?
            .chars()
            .all(|c| c == ' ' || c == '\t' || c == '"' || c == '\'')
            .then_some(from + idx + ch.len_utf8())
    }
}
