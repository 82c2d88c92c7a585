//! `privileged-writable-target`: a root job runs a file (or from a folder) that someone other
//! than root can write — the ext/host owner and mode bits decide.

use super::{AppliedBy, Rule, RuleCtx, RuleInfo};
use crate::fs::{resolve, FileKind};
use crate::record::{Record, Severity};

/// Root job with a writable target.
pub struct PrivilegedWritableTarget;

static INFO: RuleInfo = RuleInfo {
    id: "privileged-writable-target",
    title: "Privileged job runs a file others can write",
    severity: Severity::High,
    technique: "T1574",
    rationale: "A job running as root executes a file that is owned by another user, or is group- or world-writable, or sits in a folder that is (sticky folders excepted for the file itself): whoever can write it gets root on the next run. ATT&CK's mitigation 'restrict file permissions'. Checked from the ext/host owner and mode bits of the files the command names; NTFS security descriptors ($Secure) are not read yet, so Windows jobs are not checked by this rule.",
    references: &["MITRE ATT&CK T1053 mitigation M1022", "T1574"],
    applied_by: AppliedBy::Rule,
};

fn writable(uid: Option<u32>, gid: Option<u32>, mode: Option<u32>) -> Option<String> {
    let (uid, mode) = (uid?, mode?);
    if uid != 0 {
        return Some(format!("owned by uid {uid}"));
    }
    if mode & 0o002 != 0 {
        return Some(format!("world-writable (mode {:o})", mode & 0o7777));
    }
    if mode & 0o020 != 0 && gid.unwrap_or(0) != 0 {
        return Some(format!(
            "group-writable by gid {} (mode {:o})",
            gid.unwrap_or(0),
            mode & 0o7777
        ));
    }
    None
}

impl Rule for PrivilegedWritableTarget {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, rec: &Record, ctx: &RuleCtx<'_>) -> Option<String> {
        if rec.artifact.starts_with("windows.") || rec.user != "root" {
            return None;
        }
        let tokens = rec
            .command
            .split(|c: char| c.is_whitespace() || ";|&'\"=<>(){}".contains(c))
            .filter(|t| t.starts_with('/') && !t.starts_with("/dev/") && !t.starts_with("/proc/"));
        for t in tokens {
            let Some(p) = resolve(ctx.fs, &ctx.target.root, t.trim_start_matches('/')) else {
                continue;
            };
            let Ok(md) = ctx.fs.metadata(&p) else {
                continue;
            };
            if md.kind != Some(FileKind::File) {
                continue;
            }
            if let Some(w) = writable(md.uid, md.gid, md.mode) {
                return Some(format!("{t} is {w}"));
            }
            let parent = p.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            if let Ok(pm) = ctx.fs.metadata(parent) {
                let sticky = pm.mode.is_some_and(|m| m & 0o1000 != 0);
                if !sticky {
                    if let Some(w) = writable(pm.uid, pm.gid, pm.mode) {
                        return Some(format!("the folder of {t} is {w}"));
                    }
                }
            }
        }
        None
    }
}
