//! One server-sent event, as exchanged between providers, translators and handlers.
//!
//! Providers decode the upstream transport into [`SseEvent`]s (lifecycle step 6), the
//! translator maps them (step 9) and the handler frames them for the client. This module
//! only holds the value type plus a tiny framing/parsing helper used by tests and fixtures;
//! it must not do I/O.

/// The OpenAI end-of-stream sentinel carried in `data`.
pub const DONE: &str = "[DONE]";

/// One SSE event: an optional `event:` name and the `data:` payload (usually JSON).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field (Anthropic and Responses streams name every event).
    pub event: Option<String>,
    /// The `data:` payload, without the `data: ` prefix. Multi-line data is joined by `\n`.
    pub data: String,
}

impl SseEvent {
    /// An event with only a data line.
    pub fn data(data: impl Into<String>) -> Self {
        SseEvent {
            event: None,
            data: data.into(),
        }
    }

    /// An event with an `event:` name and a data line.
    pub fn named(event: impl Into<String>, data: impl Into<String>) -> Self {
        SseEvent {
            event: Some(event.into()),
            data: data.into(),
        }
    }

    /// Whether this is the OpenAI `[DONE]` sentinel.
    pub fn is_done(&self) -> bool {
        self.data.trim() == DONE
    }

    /// Frames the event as `event: …\ndata: …\n\n`.
    pub fn to_wire(&self) -> String {
        let mut out = String::with_capacity(self.data.len() + 32);
        self.write_wire(&mut out);
        out
    }

    /// Appends the framed event to `out`.
    pub fn write_wire(&self, out: &mut String) {
        if let Some(event) = &self.event {
            out.push_str("event: ");
            out.push_str(event);
            out.push('\n');
        }
        for line in self.data.split('\n') {
            out.push_str("data: ");
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
}

/// Parses a complete SSE transcript into events. Comments (`:` lines) and unknown fields
/// are skipped; an event without data lines is dropped. Used for fixtures and for
/// aggregating a buffered upstream stream; it never fails.
pub fn parse_transcript(text: &str) -> Vec<SseEvent> {
    let mut events = Vec::new();
    let mut event: Option<String> = None;
    let mut data: Option<String> = None;
    for raw_line in text.split('\n') {
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        if line.is_empty() {
            if let Some(d) = data.take() {
                events.push(SseEvent {
                    event: event.take(),
                    data: d,
                });
            }
            event = None;
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => event = Some(value.to_owned()),
            "data" => match &mut data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(value);
                }
                None => data = Some(value.to_owned()),
            },
            _ => {}
        }
    }
    if let Some(d) = data {
        events.push(SseEvent { event, data: d });
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_round_trips_through_wire_framing() {
        let events = vec![
            SseEvent::named("message_start", "{\"a\":1}"),
            SseEvent::data("[DONE]"),
        ];
        let wire: String = events.iter().map(SseEvent::to_wire).collect();
        assert_eq!(parse_transcript(&wire), events);
        assert!(events[1].is_done());
    }
}
