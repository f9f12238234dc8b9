//! Incremental decoders for upstream streams (lifecycle step 6).
//!
//! * [`SseParser`]: server-sent events over arbitrary byte chunks. Handles LF, CRLF and
//!   bare CR line ends (also a CRLF split across chunks), multi-line `data:`, comments,
//!   events split anywhere (including inside a UTF-8 sequence) and a final event that
//!   lacks its trailing blank line. Lines are capped at 50 MiB like the reference
//!   scanner (providers.md §0.8).
//! * [`JsonArraySplitter`]: Gemini `streamGenerateContent` without `alt=sse` answers
//!   with one JSON array that grows over time (`[{…}\r\n,{…}]`); the splitter yields each
//!   element as soon as it is complete. A bare top-level object (an error body) is
//!   yielded as one element.
//!
//! Both only decode framing; they never look inside the JSON.

use cpa_protocol::SseEvent;

/// Longest line or JSON element accepted (52,428,800 bytes, as the reference).
pub const MAX_LINE: usize = 50 * 1024 * 1024;

/// A framing error that ends the stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A line or element exceeded [`MAX_LINE`].
    #[error("line longer than {MAX_LINE} bytes")]
    LineTooLong,
    /// The JSON array ended early or contained something that is not JSON.
    #[error("malformed json stream: {0}")]
    Json(&'static str),
}

/// Incremental SSE parser. Feed chunks with [`SseParser::push`], then call
/// [`SseParser::finish`] once the body ends.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    skip_lf: bool,
    event: Option<String>,
    data: Option<String>,
}

impl SseParser {
    /// A parser with no buffered state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Consumes one chunk and appends every event it completes to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) -> Result<(), DecodeError> {
        for &byte in chunk {
            if std::mem::take(&mut self.skip_lf) && byte == b'\n' {
                continue;
            }
            match byte {
                b'\n' | b'\r' => {
                    self.skip_lf = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    self.on_line(&line, out);
                }
                _ => {
                    if self.line.len() >= MAX_LINE {
                        return Err(DecodeError::LineTooLong);
                    }
                    self.line.push(byte);
                }
            }
        }
        Ok(())
    }

    /// Flushes a final unterminated line and event (the body ended without `\n\n`).
    pub fn finish(&mut self, out: &mut Vec<SseEvent>) {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.on_line(&line, out);
        }
        self.on_line(b"", out);
    }

    fn on_line(&mut self, line: &[u8], out: &mut Vec<SseEvent>) {
        if line.is_empty() {
            if let Some(data) = self.data.take() {
                out.push(SseEvent {
                    event: self.event.take(),
                    data,
                });
            }
            self.event = None;
            return;
        }
        if line.first() == Some(&b':') {
            return;
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (text.as_ref(), ""),
        };
        match field {
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            "event" => self.event = Some(value.to_owned()),
            _ => {}
        }
    }
}

/// Incremental splitter for a streamed JSON array of objects.
#[derive(Debug, Default)]
pub struct JsonArraySplitter {
    state: ArrayState,
    depth: usize,
    in_string: bool,
    escaped: bool,
    element: Vec<u8>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum ArrayState {
    /// Nothing but whitespace seen yet.
    #[default]
    Start,
    /// Inside the top-level array, between elements.
    Between,
    /// Inside an element (or a bare top-level object).
    Element { top_level_object: bool },
    /// The array (or bare object) closed; trailing bytes are ignored if whitespace.
    Done,
}

impl JsonArraySplitter {
    /// A splitter with no buffered state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Consumes one chunk and appends every completed element (as JSON text) to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<String>) -> Result<(), DecodeError> {
        for &byte in chunk {
            match self.state {
                ArrayState::Start => match byte {
                    b'[' => self.state = ArrayState::Between,
                    b'{' => self.begin(byte, true),
                    b if b.is_ascii_whitespace() => {}
                    _ => return Err(DecodeError::Json("expected '[' or '{'")),
                },
                ArrayState::Between => match byte {
                    b']' => self.state = ArrayState::Done,
                    b',' => {}
                    b'{' | b'[' => self.begin(byte, false),
                    b if b.is_ascii_whitespace() => {}
                    _ => return Err(DecodeError::Json("expected an object element")),
                },
                ArrayState::Element { top_level_object } => {
                    self.element_byte(byte, top_level_object, out)?;
                }
                ArrayState::Done => {
                    if !byte.is_ascii_whitespace() {
                        return Err(DecodeError::Json("data after the end of the array"));
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks that the array was closed once the body ended.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        match self.state {
            ArrayState::Start | ArrayState::Done => Ok(()),
            ArrayState::Between | ArrayState::Element { .. } => {
                Err(DecodeError::Json("stream ended inside the array"))
            }
        }
    }

    fn begin(&mut self, byte: u8, top_level_object: bool) {
        self.element.clear();
        self.element.push(byte);
        self.depth = 1;
        self.in_string = false;
        self.escaped = false;
        self.state = ArrayState::Element { top_level_object };
    }

    fn element_byte(
        &mut self,
        byte: u8,
        top_level_object: bool,
        out: &mut Vec<String>,
    ) -> Result<(), DecodeError> {
        if self.element.len() >= MAX_LINE {
            return Err(DecodeError::LineTooLong);
        }
        self.element.push(byte);
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if byte == b'\\' {
                self.escaped = true;
            } else if byte == b'"' {
                self.in_string = false;
            }
            return Ok(());
        }
        match byte {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth -= 1;
                if self.depth == 0 {
                    let element = std::mem::take(&mut self.element);
                    out.push(String::from_utf8_lossy(&element).into_owned());
                    self.state = if top_level_object {
                        ArrayState::Done
                    } else {
                        ArrayState::Between
                    };
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
