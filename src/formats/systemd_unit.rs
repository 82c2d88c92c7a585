//! systemd unit files (systemd.syntax(7)): sections, `Key=value` assignments (repeatable, an
//! empty value resets a list), `\` line continuation, `#`/`;` comments; drop-ins merged in order.

use serde::Serialize;
use std::collections::BTreeMap;

/// A unit: section → key → values in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Unit {
    /// The settings.
    pub sections: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

impl Unit {
    /// Parses one file and merges it over what is already there (for drop-ins).
    pub fn merge(&mut self, text: &str) {
        let mut section = String::new();
        let mut pending = String::new();
        for raw in text.lines() {
            let line = if pending.is_empty() {
                raw.trim().to_string()
            } else {
                format!("{pending} {}", raw.trim())
            };
            if let Some(cont) = line.strip_suffix('\\') {
                pending = cont.trim_end().to_string();
                continue;
            }
            pending.clear();
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') || l.starts_with(';') {
                continue;
            }
            if l.starts_with('[') && l.ends_with(']') {
                section = l[1..l.len() - 1].to_string();
                continue;
            }
            if let Some((k, v)) = l.split_once('=') {
                let values = self
                    .sections
                    .entry(section.clone())
                    .or_default()
                    .entry(k.trim().to_string())
                    .or_default();
                let v = v.trim();
                if v.is_empty() {
                    values.clear();
                } else {
                    values.push(v.to_string());
                }
            }
        }
    }

    /// Parses a single file.
    pub fn parse(text: &str) -> Unit {
        let mut u = Unit::default();
        u.merge(text);
        u
    }

    /// Every value of `section`/`key`.
    pub fn values(&self, section: &str, key: &str) -> &[String] {
        self.sections
            .get(section)
            .and_then(|s| s.get(key))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The last value (the one in force for single-valued keys).
    pub fn last(&self, section: &str, key: &str) -> Option<&str> {
        self.values(section, key).last().map(String::as_str)
    }
}

/// The timer keys that schedule a run, in the order they are summarised.
pub const TIMER_KEYS: [&str; 6] = [
    "OnCalendar",
    "OnBootSec",
    "OnStartupSec",
    "OnActiveSec",
    "OnUnitActiveSec",
    "OnUnitInactiveSec",
];

/// `OnCalendar=daily | OnBootSec=15min` summary of a timer unit.
pub fn timer_schedule(u: &Unit) -> String {
    let mut parts = Vec::new();
    for k in TIMER_KEYS {
        for v in u.values("Timer", k) {
            parts.push(format!("{k}={v}"));
        }
    }
    if let Some(p) = u.last("Timer", "Persistent") {
        parts.push(format!("Persistent={p}"));
    }
    if let Some(r) = u.last("Timer", "RandomizedDelaySec") {
        parts.push(format!("RandomizedDelaySec={r}"));
    }
    parts.join(" | ")
}

/// The `ExecStart` command lines of a service unit, prefixes (`-@:+!`) removed.
pub fn exec_start(u: &Unit) -> Vec<String> {
    u.values("Service", "ExecStart")
        .iter()
        .map(|v| v.trim_start_matches(['-', '@', ':', '+', '!']).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timer_with_dropin() {
        let mut u = Unit::parse("[Unit]\nDescription=Daily apt upgrade\n\n[Timer]\nOnCalendar=*-*-* 6:00\nRandomizedDelaySec=60m\nPersistent=true\n# c\n[Install]\nWantedBy=timers.target\n");
        assert_eq!(
            timer_schedule(&u),
            "OnCalendar=*-*-* 6:00 | Persistent=true | RandomizedDelaySec=60m"
        );
        u.merge("[Timer]\nOnCalendar=\nOnCalendar=hourly\n");
        assert_eq!(u.values("Timer", "OnCalendar"), ["hourly"]);
        let s = Unit::parse(
            "[Service]\nType=oneshot\nExecStart=-/usr/bin/a \\\n  --flag\nExecStart=/bin/b\n",
        );
        assert_eq!(exec_start(&s), ["/usr/bin/a --flag", "/bin/b"]);
    }
}
