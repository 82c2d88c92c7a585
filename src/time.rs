//! Points in time as the sources record them, kept at their own precision and written as
//! RFC 3339 UTC.

use std::fmt;

/// 100 ns intervals between 1601-01-01 (FILETIME epoch) and 1970-01-01.
const FILETIME_UNIX_OFFSET: u64 = 116_444_736_000_000_000;

/// A UTC instant with the number of fractional digits its source can express
/// (0 for seconds, 7 for FILETIME, 9 for nanoseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    secs: i64,
    nanos: u32,
    digits: u8,
}

impl Time {
    /// An instant from Unix seconds, nanoseconds and the precision to print. `None` when it is
    /// outside the years 0001–9999 (such a value is not a real time; callers keep the raw number).
    pub fn from_unix(secs: i64, nanos: u32, digits: u8) -> Option<Time> {
        let t = Time {
            secs,
            nanos: nanos.min(999_999_999),
            digits: digits.min(9),
        };
        jiff::Timestamp::new(secs, t.nanos as i32).ok()?;
        (secs >= -62_135_596_800).then_some(t)
    }

    /// An instant from a Windows FILETIME (100 ns since 1601, UTC). `None` for 0 ("never") and
    /// for values jiff cannot place (past year 9999).
    pub fn from_filetime(ft: u64) -> Option<Time> {
        if ft == 0 {
            return None;
        }
        let (secs, rem) = if ft >= FILETIME_UNIX_OFFSET {
            let d = ft - FILETIME_UNIX_OFFSET;
            ((d / 10_000_000) as i64, d % 10_000_000)
        } else {
            let d = FILETIME_UNIX_OFFSET - ft;
            let mut s = -((d / 10_000_000) as i64);
            let mut r = d % 10_000_000;
            if r != 0 {
                s -= 1;
                r = 10_000_000 - r;
            }
            (s, r)
        };
        Time::from_unix(secs, (rem * 100) as u32, 7)
    }

    /// An instant from a civil date-time read as UTC (used for zone-less clock readings, whose
    /// zone the caller states separately).
    pub fn from_civil(dt: jiff::civil::DateTime, digits: u8) -> Option<Time> {
        let ts = dt.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
        Time::from_unix(ts.as_second(), ts.subsec_nanosecond() as u32, digits)
    }

    /// An exact instant (from a time with a zone or offset).
    pub fn from_timestamp(ts: jiff::Timestamp, digits: u8) -> Option<Time> {
        Time::from_unix(ts.as_second(), ts.subsec_nanosecond() as u32, digits)
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds within the second.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Fractional digits its source can express (and that are printed).
    pub fn digits(&self) -> u8 {
        self.digits
    }
}

/// A UTC offset given in seconds east of UTC, as `UTC+05:30` / `UTC-04:00`.
pub fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", s / 3600, s % 3600 / 60)
}

impl fmt::Display for Time {
    /// `2021-03-04T05:06:07.1234567Z`: the fraction has exactly the source's digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ts = jiff::Timestamp::new(self.secs, 0).map_err(|_| fmt::Error)?;
        write!(f, "{}", ts.strftime("%Y-%m-%dT%H:%M:%S"))?;
        if self.digits > 0 {
            let scaled = self.nanos / 10u32.pow(9 - self.digits as u32);
            write!(f, ".{:0width$}", scaled, width = self.digits as usize)?;
        }
        f.write_str("Z")
    }
}

impl serde::Serialize for Time {
    /// Serialised as its RFC 3339 text.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filetime_keeps_100ns() {
        // 2021-03-04T05:06:07.1234567Z
        let unix = 1_614_834_367u64;
        let ft = unix * 10_000_000 + FILETIME_UNIX_OFFSET + 1_234_567;
        assert_eq!(
            Time::from_filetime(ft).unwrap().to_string(),
            "2021-03-04T05:06:07.1234567Z"
        );
        assert_eq!(Time::from_filetime(0), None);
        assert_eq!(Time::from_filetime(u64::MAX), None);
    }

    #[test]
    fn before_1970_and_precisions() {
        let t = Time::from_filetime(1).unwrap();
        assert_eq!(t.to_string(), "1601-01-01T00:00:00.0000001Z");
        assert_eq!(
            Time::from_unix(0, 5, 9).unwrap().to_string(),
            "1970-01-01T00:00:00.000000005Z"
        );
        assert_eq!(
            Time::from_unix(86_400, 0, 0).unwrap().to_string(),
            "1970-01-02T00:00:00Z"
        );
    }
}
