//! Codex tool-name shortening (translation spec §2.3).
//!
//! The Codex backend rejects function names longer than 64 bytes. Requests to Codex
//! (lifecycle step 5) shorten every declared name through one [`ToolNameMap`]; responses
//! (step 9) map the short names back to what the client declared: the pipeline fills
//! `ResponseContext::tool_names` from [`ToolNameMap::reverse`]. Pure and deterministic:
//! the same declaration list always yields the same map. Must not touch names ≤ 64 bytes.

use std::collections::HashMap;

use cpa_protocol::ir;

/// Longest function name Codex accepts, in bytes.
pub const MAX_TOOL_NAME_LEN: usize = 64;

/// Original ↔ shortened function names for one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolNameMap {
    to_short: HashMap<String, String>,
    to_original: HashMap<String, String>,
}

impl ToolNameMap {
    /// Builds the map from declared names, in declaration order (uniqueness suffixes
    /// `_1`, `_2`, … depend on that order).
    pub fn new<'a>(declared: impl IntoIterator<Item = &'a str>) -> Self {
        let mut map = Self::default();
        for name in declared {
            if map.to_short.contains_key(name) {
                continue;
            }
            let base = candidate(name);
            let mut short = base.clone();
            let mut n = 1;
            while map.to_original.contains_key(&short) {
                let suffix = format!("_{n}");
                let keep = floor_char_boundary(&base, MAX_TOOL_NAME_LEN - suffix.len());
                short = format!("{}{suffix}", &base[..keep]);
                n += 1;
            }
            map.to_original.insert(short.clone(), name.to_owned());
            map.to_short.insert(name.to_owned(), short);
        }
        map
    }

    /// The name to send to Codex. Undeclared names get the length rule without the
    /// uniqueness step.
    pub fn shorten(&self, name: &str) -> String {
        self.to_short
            .get(name)
            .cloned()
            .unwrap_or_else(|| candidate(name))
    }

    /// The map for an IR request's declared function tools (what the Codex encoder uses).
    pub fn for_request(req: &ir::Request) -> Self {
        Self::new(req.tools.iter().filter_map(|t| match t {
            ir::Tool::Function(f) => Some(f.name.as_str()),
            ir::Tool::Builtin { .. } => None,
        }))
    }

    /// Short → original pairs whose names differ, for `ResponseContext::tool_names`.
    pub fn reverse(&self) -> HashMap<String, String> {
        self.to_original
            .iter()
            .filter(|(short, original)| short != original)
            .map(|(s, o)| (s.clone(), o.clone()))
            .collect()
    }

    /// The client's original name for a name Codex returned (identity when unknown).
    pub fn original<'a>(&'a self, short: &'a str) -> &'a str {
        self.to_original.get(short).map_or(short, String::as_str)
    }
}

/// Rule 2: unchanged if short enough; `mcp__<server>__<tool>` keeps `mcp__` + the tool
/// part; otherwise the first 64 bytes.
fn candidate(name: &str) -> String {
    if name.len() <= MAX_TOOL_NAME_LEN {
        return name.to_owned();
    }
    let shortened = match name.strip_prefix("mcp__") {
        Some(rest) => match rest.rfind("__") {
            Some(pos) => format!("mcp__{}", &rest[pos + 2..]),
            None => name.to_owned(),
        },
        None => name.to_owned(),
    };
    let keep = floor_char_boundary(&shortened, MAX_TOOL_NAME_LEN);
    shortened[..keep].to_owned()
}

/// The largest index ≤ `max` that is a char boundary of `s` (never splits UTF-8).
fn floor_char_boundary(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    let mut i = max;
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_unchanged() {
        let map = ToolNameMap::new(["get_weather"]);
        assert_eq!(map.shorten("get_weather"), "get_weather");
        assert_eq!(map.original("get_weather"), "get_weather");
    }

    #[test]
    fn long_mcp_names_keep_the_tool_part() {
        let long = format!("mcp__{}__search", "server".repeat(12));
        let map = ToolNameMap::new([long.as_str()]);
        assert_eq!(map.shorten(&long), "mcp__search");
        assert_eq!(map.original("mcp__search"), long);
    }

    #[test]
    fn colliding_long_names_get_numbered_suffixes() {
        let a = format!("{}a", "x".repeat(70));
        let b = format!("{}b", "x".repeat(70));
        let map = ToolNameMap::new([a.as_str(), b.as_str()]);
        let sa = map.shorten(&a);
        let sb = map.shorten(&b);
        assert_eq!(sa.len(), 64);
        assert!(sb.ends_with("_1") && sb.len() == 64);
        assert_eq!(map.original(&sb), b);
    }

    #[test]
    fn reverse_map_lists_only_renamed_tools() {
        let long = format!("{}_tool", "x".repeat(70));
        let map = ToolNameMap::new(["short", long.as_str()]);
        let reverse = map.reverse();
        assert_eq!(reverse.len(), 1);
        assert_eq!(reverse.get(&map.shorten(&long)), Some(&long));
    }

    #[test]
    fn multibyte_names_are_cut_on_char_boundaries() {
        let name = "é".repeat(40);
        let map = ToolNameMap::new([name.as_str()]);
        let short = map.shorten(&name);
        assert!(short.len() <= 64);
        assert!(name.starts_with(&short));
    }
}
