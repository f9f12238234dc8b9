//! Stable fallback for the cargo-fuzz target: no translator may panic on any input.
//!
//! Runs [`cpa_translate::exercise::all_decoders`] over arbitrary bytes, arbitrary JSON,
//! and mutations (truncations, byte flips, spliced values) of the real fixture inputs.
//! The case count is bounded so CI stays fast; `PROPTEST_CASES` raises it locally.

use std::path::Path;

use cpa_translate::exercise::all_decoders;
use proptest::prelude::*;
use serde_json::Value;

/// 64 cases by default (fast enough for CI); `PROPTEST_CASES=N` overrides.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn fixture_inputs() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    let Ok(pairs) = std::fs::read_dir(root) else {
        return out;
    };
    for pair in pairs.flatten() {
        let Ok(cases) = std::fs::read_dir(pair.path()) else {
            continue;
        };
        for case in cases.flatten() {
            for name in ["input.json", "input.sse"] {
                if let Ok(bytes) = std::fs::read(case.path().join(name)) {
                    out.push(bytes);
                }
            }
        }
    }
    out.sort();
    out
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            "[a-z_]{0,12}",
            Just("user".to_owned()),
            Just("assistant".to_owned()),
            Just("tool_use".to_owned()),
            Just("text".to_owned()),
            Just("[DONE]".to_owned())
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("model"),
            Just("messages"),
            Just("role"),
            Just("content"),
            Just("type"),
            Just("tool_calls"),
            Just("choices"),
            Just("delta"),
            Just("index"),
            Just("usage"),
            Just("system"),
            Just("tools"),
            Just("text"),
            Just("input"),
            Just("id"),
            Just("name"),
            Just("message"),
            Just("content_block"),
            Just("stop_reason"),
            Just("finish_reason"),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys, inner), 0..6).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn translators_never_panic_on_arbitrary_bytes(data in prop::collection::vec(any::<u8>(), 0..256)) {
        all_decoders(&data);
    }

    #[test]
    fn translators_never_panic_on_arbitrary_json(v in json_value()) {
        all_decoders(v.to_string().as_bytes());
    }

    #[test]
    fn translators_never_panic_on_mutated_fixtures(
        pick in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let inputs = fixture_inputs();
        prop_assume!(!inputs.is_empty());
        let mut data = inputs[pick.index(inputs.len())].clone();
        for (at, byte) in flips {
            if !data.is_empty() {
                let i = at.index(data.len());
                data[i] = byte;
            }
        }
        let keep = cut.index(data.len() + 1);
        all_decoders(&data);
        all_decoders(&data[..keep]);
    }
}

#[test]
fn translators_never_panic_on_unmodified_fixtures() {
    for input in fixture_inputs() {
        all_decoders(&input);
    }
}
