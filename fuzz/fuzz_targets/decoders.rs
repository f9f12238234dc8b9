//! Fuzz target: every decoder and translator of `cpa-translate` on arbitrary bytes.
//!
//! The property is "never panic"; results are ignored. The same surface runs on stable as
//! the bounded proptest in `crates/translate/tests/no_panic.rs`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cpa_translate::exercise::all_decoders(data);
});
