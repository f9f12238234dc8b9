//! Wall-clock timestamps in the original's textual forms (used by lifecycle step 10).
//!
//! Usage details and request-log files carry wall-clock times in server local time, written
//! like Go's `RFC3339Nano` (fraction without trailing zeros, `Z` for a zero offset). Elapsed
//! times (latency, time to first token) are measured by callers with `tokio::time::Instant`;
//! this module only formats and reads calendar times and must not be used to measure
//! durations.

use chrono::{DateTime, FixedOffset, Local, Timelike, Utc};
use serde::Serializer;

/// The current time in the server's local time zone, with its offset fixed.
pub fn now_local() -> DateTime<FixedOffset> {
    Local::now().fixed_offset()
}

/// Formats like Go's `time.RFC3339Nano`: `2026-01-14T10:15:30.1+08:00`, `…30Z`.
pub fn format_rfc3339_nano(ts: &DateTime<FixedOffset>) -> String {
    let mut out = ts.format("%Y-%m-%dT%H:%M:%S").to_string();
    // chrono encodes a leap second as nanos >= 1e9; Go has no leap seconds.
    let nanos = ts.nanosecond() % 1_000_000_000;
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    push_offset(&mut out, ts);
    out
}

/// Formats with exactly three fractional digits: `2026-01-14T10:15:30.130+08:00`.
pub fn format_rfc3339_millis(ts: &DateTime<FixedOffset>) -> String {
    let mut out = ts.format("%Y-%m-%dT%H:%M:%S%.3f").to_string();
    push_offset(&mut out, ts);
    out
}

/// The UTC form used by `exported_at`: RFC3339Nano ending in `Z`.
pub fn format_utc_nano(ts: &DateTime<Utc>) -> String {
    format_rfc3339_nano(&ts.fixed_offset())
}

/// Serde helper: serializes a timestamp with [`format_rfc3339_nano`].
pub(crate) fn serialize_nano<S: Serializer>(
    ts: &DateTime<FixedOffset>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_rfc3339_nano(ts))
}

fn push_offset(out: &mut String, ts: &DateTime<FixedOffset>) {
    if ts.offset().local_minus_utc() == 0 {
        out.push('Z');
    } else {
        out.push_str(&ts.format("%:z").to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("valid test timestamp")
    }

    #[test]
    fn nano_format_trims_trailing_zeros_like_go() {
        assert_eq!(
            format_rfc3339_nano(&parse("2026-01-14T10:15:30.100+08:00")),
            "2026-01-14T10:15:30.1+08:00"
        );
        assert_eq!(
            format_rfc3339_nano(&parse("2026-01-14T10:15:30+00:00")),
            "2026-01-14T10:15:30Z"
        );
        assert_eq!(
            format_rfc3339_nano(&parse("2026-01-14T10:15:30.123456789-05:00")),
            "2026-01-14T10:15:30.123456789-05:00"
        );
    }

    #[test]
    fn millis_format_keeps_three_digits() {
        assert_eq!(
            format_rfc3339_millis(&parse("2026-01-14T10:15:30.13+08:00")),
            "2026-01-14T10:15:30.130+08:00"
        );
    }
}
