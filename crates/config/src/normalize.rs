//! Shared normalisers (spec §3.2, §3.3) and small parsers used by `resolved`.
//!
//! Pure functions of their input: no I/O, no environment access.

use std::{
    collections::BTreeMap,
    path::{Component, Path, PathBuf},
    time::Duration,
};

/// Model prefix: trim whitespace, then leading/trailing `/`; empty or still
/// containing `/` ⇒ no prefix. (`"/teamA/"` ⇒ `teamA`; `"a/b"` ⇒ none.)
pub fn prefix(raw: Option<&str>) -> Option<String> {
    let trimmed = raw?.trim().trim_matches('/');
    if trimmed.is_empty() || trimmed.contains('/') {
        None
    } else {
        Some(trimmed.to_owned())
    }
}

/// Headers: trim keys and values, drop pairs where either is empty.
pub fn headers(raw: Option<&BTreeMap<String, String>>) -> BTreeMap<String, String> {
    raw.into_iter()
        .flatten()
        .filter_map(|(k, v)| {
            let (k, v) = (k.trim(), v.trim());
            (!k.is_empty() && !v.is_empty()).then(|| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

/// Excluded models: trim + lowercase, drop empty, de-duplicate keeping the first.
pub fn excluded_models(raw: Option<&[String]>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in raw.into_iter().flatten() {
        let item = item.trim().to_lowercase();
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Trimmed non-empty string, or `None`.
pub fn non_empty(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Expands `auth-dir` (spec §3.3): `~` ⇒ `home`, `~/x` (or `~\x`) ⇒ `home/x`, then a
/// lexical clean. Relative paths stay relative to the working directory. Unlike
/// upstream, `~bob/x` is kept literally rather than becoming `home/bob/x`.
pub fn expand_auth_dir(raw: &str, home: Option<&Path>) -> PathBuf {
    let raw = raw.trim();
    if raw.is_empty() {
        return PathBuf::new();
    }
    let expanded = match (raw.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with(['/', '\\']) => {
            let rest = rest.trim_start_matches(['/', '\\']).replace('\\', "/");
            if rest.is_empty() {
                home.to_path_buf()
            } else {
                home.join(rest)
            }
        }
        _ => PathBuf::from(raw),
    };
    clean(&expanded)
}

/// Lexically cleans a path: removes `.` components and folds `dir/..`.
pub fn clean(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for comp in path.components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(comp),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// Parses a Go-style duration (`1h`, `30m`, `1h30m`, `90s`, `250ms`). Bare numbers
/// are seconds. Returns `None` when unparsable.
pub fn go_duration(raw: &str) -> Option<Duration> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Ok(secs) = raw.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let mut total = 0f64;
    let mut rest = raw;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let value: f64 = rest.get(..num_len)?.parse().ok()?;
        rest = rest.get(num_len..)?;
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = rest.get(..unit_len)?;
        rest = rest.get(unit_len..)?;
        let scale = match unit {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += value * scale;
    }
    Some(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_cases() {
        for (input, want) in [
            ("/teamA/", Some("teamA")),
            ("a/b", None),
            ("  ", None),
            (" x ", Some("x")),
        ] {
            assert_eq!(prefix(Some(input)).as_deref(), want, "input {input:?}");
        }
        assert_eq!(prefix(None), None);
    }

    #[test]
    fn headers_trimmed_and_empty_dropped() {
        let raw = BTreeMap::from([
            (" X-A ".to_owned(), " 1 ".to_owned()),
            ("X-B".to_owned(), "  ".to_owned()),
            (String::new(), "v".to_owned()),
        ]);
        let got = headers(Some(&raw));
        assert_eq!(got, BTreeMap::from([("X-A".to_owned(), "1".to_owned())]));
    }

    #[test]
    fn excluded_models_lowercased_deduped() {
        let raw = vec![
            " GPT-4* ".to_owned(),
            "gpt-4*".to_owned(),
            String::new(),
            "b".to_owned(),
        ];
        assert_eq!(excluded_models(Some(&raw)), vec!["gpt-4*", "b"]);
    }

    #[test]
    fn auth_dir_tilde_expansion() {
        let home = Path::new("/home/u");
        assert_eq!(expand_auth_dir("~", Some(home)), PathBuf::from("/home/u"));
        assert_eq!(
            expand_auth_dir("~/.cli-proxy-api", Some(home)),
            PathBuf::from("/home/u/.cli-proxy-api")
        );
        assert_eq!(
            expand_auth_dir("~\\a\\b", Some(home)),
            PathBuf::from("/home/u/a/b")
        );
        assert_eq!(expand_auth_dir("./x/../y", Some(home)), PathBuf::from("y"));
        assert_eq!(expand_auth_dir("", Some(home)), PathBuf::new());
        assert_eq!(expand_auth_dir("/a/./b", None), PathBuf::from("/a/b"));
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(go_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(go_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(go_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(go_duration("soon"), None);
        assert_eq!(go_duration(""), None);
    }
}
