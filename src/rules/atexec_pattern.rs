//! `atexec-pattern`: the task impacket's atexec.py registers to run one command remotely.

use super::{AppliedBy, Rule, RuleCtx, RuleInfo};
use crate::record::{Record, Severity};

/// impacket atexec shape.
pub struct AtexecPattern;

static INFO: RuleInfo = RuleInfo {
    id: "atexec-pattern",
    title: "impacket atexec task",
    severity: Severity::High,
    technique: "T1053.005",
    rationale: "A root-level task with an 8-letter random name running `cmd.exe /C <command> > %windir%\\Temp\\<name>.tmp 2>&1`: impacket's atexec.py registers such a task over the TSCH RPC interface (hidden, as SYSTEM), runs it once and deletes it; a leftover definition, TaskCache entry or event is the trace.",
    references: &["fortra/impacket examples/atexec.py", "MITRE ATT&CK T1053.005"],
    applied_by: AppliedBy::Rule,
};

impl Rule for AtexecPattern {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, rec: &Record, _ctx: &RuleCtx<'_>) -> Option<String> {
        if !rec.artifact.starts_with("windows.") {
            return None;
        }
        let leaf = rec.name.strip_prefix('\\')?;
        if leaf.len() != 8 || !leaf.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let c = rec.command.to_lowercase();
        let out = format!("> %windir%\\temp\\{}.tmp 2>&1", leaf.to_lowercase());
        if !(c.starts_with("cmd.exe /c") || c.starts_with("cmd /c"))
            || !c.trim_end().ends_with(&out)
        {
            return None;
        }
        let hidden = rec
            .details
            .get("task")
            .and_then(|t| t.pointer("/settings/hidden"))
            .and_then(|v| v.as_bool())
            == Some(true);
        let system = matches!(
            rec.user.as_str(),
            "S-1-5-18" | "SYSTEM" | "NT AUTHORITY\\SYSTEM" | "LocalSystem"
        );
        Some(format!(
            "random 8-letter root task running cmd.exe /C with output to %windir%\\Temp\\{leaf}.tmp{}{}",
            if hidden { ", hidden" } else { "" },
            if system { ", as SYSTEM" } else { "" }
        ))
    }
}
