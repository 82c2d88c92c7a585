//! `user-writable-path`: the job runs something from a folder ordinary users can write. Windows
//! records are checked here; the Unix collectors set the same flag where they read the files.

use super::{is_stock, AppliedBy, Rule, RuleCtx, RuleInfo};
use crate::record::{Record, Severity};

/// Program in a user-writable folder.
pub struct UserWritablePath;

static INFO: RuleInfo = RuleInfo {
    id: "user-writable-path",
    title: "Runs from a user-writable folder",
    severity: Severity::Medium,
    technique: "T1053",
    rationale: "The program or script lives where ordinary users can write: AppData, Users\\Public, ProgramData (outside Microsoft's own folders), Windows\\Temp, Temp, Downloads, PerfLogs, or a folder made at the root of a drive (C:\\TMP) on Windows; /tmp, /var/tmp, /dev/shm, /Users/Shared, /private/tmp, /run/user, or a user's home for a job running as root on Unix. ATT&CK's mitigation 'audit tasks that run privileged code from writable places'. Stock tasks that match the baseline are left alone.",
    references: &["MITRE ATT&CK T1053 mitigations M1022, M1047"],
    applied_by: AppliedBy::Rule,
};

const WINDOWS: [&str; 14] = [
    "\\appdata\\",
    "%appdata%",
    "%localappdata%",
    "\\users\\public\\",
    "%public%",
    "\\programdata\\",
    "%programdata%",
    "\\windows\\temp\\",
    "%temp%",
    "%tmp%",
    "\\temp\\",
    "\\downloads\\",
    "c:\\perflogs",
    "\\$recycle.bin\\",
];

impl Rule for UserWritablePath {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, rec: &Record, _ctx: &RuleCtx<'_>) -> Option<String> {
        if !rec.artifact.starts_with("windows.") || is_stock(rec) {
            return None;
        }
        let c = rec.command.to_lowercase();
        // A program in a folder made at the root of a drive: Authenticated Users may create
        // folders there and own what they create.
        let program = c.trim_start_matches('"');
        if let Some(rest) = program.get(1..).and_then(|r| r.strip_prefix(":\\")) {
            let top = rest.split(['\\', ' ', '"']).next().unwrap_or("");
            let standard = [
                "windows",
                "program files",
                "program files (x86)",
                "programdata",
                "users",
            ];
            let is_folder = rest.len() > top.len() && rest[top.len()..].starts_with('\\');
            if is_folder
                && !top.is_empty()
                && !standard
                    .iter()
                    .any(|s| top == *s || rest.starts_with(&format!("{s}\\")))
            {
                return Some(format!(
                    "program lies in {}:\\{top}, a folder at the root of the drive",
                    &program[..1]
                ));
            }
        }
        let hit = WINDOWS.iter().find(|w| {
            c.match_indices(*w).any(|(i, _)| {
                let rest = &c[i..];
                // Microsoft's own ProgramData folders (Defender platform, …) are admin-only.
                !(w.contains("programdata")
                    && rest
                        .trim_start_matches(['\\', '%'])
                        .trim_start_matches("programdata")
                        .trim_start_matches(['\\', '%'])
                        .starts_with("microsoft\\"))
            })
        })?;
        Some(format!("command uses {}", hit.trim_matches('\\')))
    }
}
