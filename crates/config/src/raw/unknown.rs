//! Walks a raw configuration and lists the paths of keys this version does not know.
//!
//! Unknown keys are never an error (a reload with a stray key must not take the
//! server down); the loader turns these paths into warnings.

use std::collections::BTreeMap;

/// Implemented by every raw type: appends the paths of unknown keys below `path`.
pub trait CollectUnknown {
    /// Appends to `out` the path of every unknown key inside `self`, `self` being at `path`.
    fn collect_unknown(&self, path: &str, out: &mut Vec<String>);
}

/// Joins a parent path and a key (`""` + `port` = `port`, `tls` + `x` = `tls.x`).
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

macro_rules! leaf {
    ($($ty:ty),*) => {
        $(impl CollectUnknown for $ty {
            fn collect_unknown(&self, _path: &str, _out: &mut Vec<String>) {}
        })*
    };
}
leaf!(String, bool, i64, serde_yaml_ng::Value);

impl<T: CollectUnknown> CollectUnknown for Vec<T> {
    fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
        for (i, item) in self.iter().enumerate() {
            item.collect_unknown(&format!("{path}[{i}]"), out);
        }
    }
}

impl<T: CollectUnknown> CollectUnknown for BTreeMap<String, T> {
    fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
        for (key, value) in self {
            value.collect_unknown(&join(path, key), out);
        }
    }
}
