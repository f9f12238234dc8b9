//! Byte-position helpers over the document text (line starts/ends, columns,
//! the `:` after a key, the `-` before a list item).

use super::ConfigDocument;

impl ConfigDocument {
    pub(super) fn colon_end(&self, key_end: usize) -> Option<usize> {
        let rest = self.text.get(key_end..)?;
        let idx = rest.find(':')?;
        rest.get(..idx)?
            .trim()
            .is_empty()
            .then_some(key_end + idx + 1)
    }

    pub(super) fn dash_before(&self, pos: usize) -> Option<usize> {
        let head = self
            .text
            .get(..pos)?
            .trim_end_matches([' ', '\t', '\n', '\r']);
        head.strip_suffix('-').map(str::len)
    }

    /// Start of the line holding `pos` if only whitespace precedes `pos` on it.
    pub(super) fn own_line_start(&self, pos: usize) -> Option<usize> {
        let head = self.text.get(..pos)?;
        let line = head.rfind('\n').map_or(0, |i| i + 1);
        head.get(line..)?.trim().is_empty().then_some(line)
    }

    pub(super) fn line_end(&self, pos: usize) -> usize {
        self.text
            .get(pos..)
            .and_then(|r| r.find('\n'))
            .map_or(self.text.len(), |i| pos + i)
    }

    pub(super) fn line_end_incl(&self, pos: usize) -> usize {
        let end = self.line_end(pos);
        if end < self.text.len() { end + 1 } else { end }
    }

    pub(super) fn column(&self, pos: usize) -> usize {
        let head = self.text.get(..pos).unwrap_or_default();
        let line = head.rfind('\n').map_or(0, |i| i + 1);
        head.get(line..).map_or(0, |s| s.chars().count())
    }
}
