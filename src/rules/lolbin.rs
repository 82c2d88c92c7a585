//! `lolbin`: the job runs a Windows binary commonly abused to proxy execution or download.

use super::{is_stock, AppliedBy, Rule, RuleCtx, RuleInfo};
use crate::record::{Record, Severity};

/// Living-off-the-land binary.
pub struct Lolbin;

static INFO: RuleInfo = RuleInfo {
    id: "lolbin",
    title: "Runs a living-off-the-land binary",
    severity: Severity::Medium,
    technique: "T1218",
    rationale: "The command starts rundll32, regsvr32, mshta, wscript/cscript, certutil, bitsadmin, msiexec with a URL, forfiles, hh, wmic, installutil, regasm/regsvcs, msbuild, cmstp, odbcconf, pcalua, msxsl or mavinject: signed Windows tools that run attacker code. Stock tasks that match the baseline, and \\Microsoft\\ tasks running from the Windows folder, are left alone.",
    references: &["LOLBAS project", "MITRE ATT&CK T1218"],
    applied_by: AppliedBy::Rule,
};

const BINS: [&str; 19] = [
    "rundll32.exe",
    "regsvr32.exe",
    "mshta.exe",
    "wscript.exe",
    "cscript.exe",
    "certutil.exe",
    "bitsadmin.exe",
    "forfiles.exe",
    "hh.exe",
    "wmic.exe",
    "installutil.exe",
    "regasm.exe",
    "regsvcs.exe",
    "msbuild.exe",
    "cmstp.exe",
    "odbcconf.exe",
    "pcalua.exe",
    "msxsl.exe",
    "mavinject.exe",
];

impl Rule for Lolbin {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, rec: &Record, _ctx: &RuleCtx<'_>) -> Option<String> {
        if !rec.artifact.starts_with("windows.") || is_stock(rec) {
            return None;
        }
        let c = rec.command.to_lowercase();
        let in_windows = |p: &str| {
            p.starts_with("%windir%")
                || p.starts_with("%systemroot%")
                || p.starts_with("c:\\windows\\")
        };
        for tok in c.split(|ch: char| {
            ch.is_whitespace() || ch == '"' || ch == '\'' || ch == '&' || ch == '|'
        }) {
            let file = tok.rsplit(['\\', '/']).next().unwrap_or(tok);
            let exe = if file.ends_with(".exe") {
                file.to_string()
            } else {
                format!("{file}.exe")
            };
            let hit = BINS.contains(&exe.as_str())
                || exe == "msiexec.exe" && (c.contains("http://") || c.contains("https://"));
            if hit {
                if rec.name.to_lowercase().starts_with("\\microsoft\\") && in_windows(tok) {
                    return None;
                }
                return Some(format!("runs {exe}"));
            }
        }
        None
    }
}
