//! `/etc/anacrontab`: `period delay job-identifier command` lines, environment lines, `\`
//! continuations; and the `/var/spool/anacron/<job>` last-run day stamps.

use serde::Serialize;

/// One anacron job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnacronJob {
    /// 1-based line number where the entry starts.
    pub line: usize,
    /// Period as written (`1`, `7`, `@monthly`).
    pub period: String,
    /// Delay in minutes.
    pub delay: String,
    /// Job identifier (the stamp file name).
    pub id: String,
    /// Command.
    pub command: String,
}

/// A parsed anacrontab.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Anacrontab {
    /// Environment assignments in order.
    pub environment: Vec<(String, String)>,
    /// Jobs.
    pub jobs: Vec<AnacronJob>,
    /// Lines that are neither (line number, text).
    pub invalid: Vec<(usize, String)>,
}

/// Parses an anacrontab.
pub fn parse(text: &str) -> Anacrontab {
    let mut out = Anacrontab::default();
    let mut logical: Vec<(usize, String)> = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let (start, mut acc) = pending.take().unwrap_or((i + 1, String::new()));
        if let Some(cont) = raw.strip_suffix('\\') {
            acc.push_str(cont);
            pending = Some((start, acc));
            continue;
        }
        acc.push_str(raw);
        logical.push((start, acc));
    }
    if let Some(p) = pending {
        logical.push(p);
    }
    for (line, l) in logical {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let first = t.split_whitespace().next().unwrap_or("");
        if let Some((name, value)) = first.split_once('=').filter(|(n, _)| {
            !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }) {
            let value = format!("{value}{}", &t[first.len()..]);
            out.environment
                .push((name.to_string(), value.trim().trim_matches('"').to_string()));
            continue;
        }
        let mut it = t.splitn(4, [' ', '\t']).filter(|s| !s.is_empty());
        let (Some(period), Some(delay), Some(id)) = (it.next(), it.next(), it.next()) else {
            out.invalid.push((line, l.clone()));
            continue;
        };
        let rest = t[t.find(id).map(|p| p + id.len()).unwrap_or(t.len())..].trim();
        let period_ok = period.chars().all(|c| c.is_ascii_digit())
            || matches!(
                period,
                "@daily" | "@weekly" | "@monthly" | "@yearly" | "@annually"
            );
        if !period_ok || !delay.chars().all(|c| c.is_ascii_digit()) || rest.is_empty() {
            out.invalid.push((line, l.clone()));
            continue;
        }
        out.jobs.push(AnacronJob {
            line,
            period: period.to_string(),
            delay: delay.to_string(),
            id: id.to_string(),
            command: rest.to_string(),
        });
    }
    out
}

/// The `YYYYMMDD` day of an anacron stamp file.
pub fn parse_stamp(text: &str) -> Option<jiff::civil::Date> {
    let t = text.trim();
    // Byte test first: a stamp damaged into multi-byte text must not be sliced mid-character
    // (a fuzz finding).
    if t.len() < 8 || !t.as_bytes()[..8].iter().all(u8::is_ascii_digit) {
        return None;
    }
    jiff::civil::Date::new(
        t[..4].parse().ok()?,
        t[4..6].parse().ok()?,
        t[6..8].parse().ok()?,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_anacrontab() {
        let t = "SHELL=/bin/sh\nHOME=/root\nLOGNAME=root\n# comment\n1\t5\tcron.daily\trun-parts --report /etc/cron.daily\n7\t10\tcron.weekly\trun-parts \\\n  --report /etc/cron.weekly\n@monthly\t15\tcron.monthly\trun-parts --report /etc/cron.monthly\nbroken line\n";
        let a = parse(t);
        assert_eq!(a.environment.len(), 3);
        assert_eq!(a.jobs.len(), 3);
        assert_eq!(a.jobs[1].command, "run-parts   --report /etc/cron.weekly");
        assert_eq!(a.jobs[1].line, 6);
        assert_eq!(a.jobs[2].period, "@monthly");
        assert_eq!(a.invalid, vec![(9, "broken line".to_string())]);
        assert_eq!(parse_stamp("20231114\n").unwrap().to_string(), "2023-11-14");
        assert_eq!(parse_stamp("2023111"), None);
        assert_eq!(parse_stamp("# \u{45a}\u{fffd}\u{fffd}/anacrontab"), None);
        assert_eq!(parse_stamp("2023111\u{e9}"), None);
    }
}
