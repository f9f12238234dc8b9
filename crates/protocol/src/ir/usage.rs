//! IR token usage. Data only.
//!
//! One canonical definition so every format's numbers derive from the same fields
//! (translation spec §2.9 recommends this; the Go formulas were inconsistent):
//!
//! | field | meaning | Anthropic | OpenAI chat |
//! |---|---|---|---|
//! | `input_tokens` | all prompt tokens, cached or not | `input + cache_read + cache_creation` | `prompt_tokens` |
//! | `cache_read_tokens` | subset of input read from cache | `cache_read_input_tokens` | `prompt_tokens_details.cached_tokens` |
//! | `cache_write_tokens` | subset of input written to cache | `cache_creation_input_tokens` | – |
//! | `output_tokens` | all generated tokens incl. reasoning | `output_tokens` | `completion_tokens` |
//! | `reasoning_tokens` | subset of output spent reasoning | – | `completion_tokens_details.reasoning_tokens` |

/// Token usage for one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    /// All prompt tokens, including cache reads and writes.
    pub input_tokens: u64,
    /// Prompt tokens served from cache.
    pub cache_read_tokens: u64,
    /// Prompt tokens written to cache.
    pub cache_write_tokens: u64,
    /// All output tokens, including reasoning.
    pub output_tokens: u64,
    /// Output tokens spent on reasoning, when reported.
    pub reasoning_tokens: Option<u64>,
}

impl Usage {
    /// Prompt tokens neither read from nor written to cache (Anthropic `input_tokens`).
    pub fn uncached_input_tokens(&self) -> u64 {
        self.input_tokens
            .saturating_sub(self.cache_read_tokens)
            .saturating_sub(self.cache_write_tokens)
    }

    /// Input plus output.
    pub fn total_tokens(&self) -> u64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }

    /// Overlays the non-zero fields of `later` (streams report usage in pieces).
    pub fn merge(&mut self, later: &Usage) {
        if later.input_tokens != 0 {
            self.input_tokens = later.input_tokens;
        }
        if later.cache_read_tokens != 0 {
            self.cache_read_tokens = later.cache_read_tokens;
        }
        if later.cache_write_tokens != 0 {
            self.cache_write_tokens = later.cache_write_tokens;
        }
        if later.output_tokens != 0 {
            self.output_tokens = later.output_tokens;
        }
        if later.reasoning_tokens.is_some() {
            self.reasoning_tokens = later.reasoning_tokens;
        }
    }
}
