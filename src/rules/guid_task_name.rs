//! `guid-task-name`: a task named only by a GUID outside Microsoft's folders.

use super::{AppliedBy, Rule, RuleCtx, RuleInfo};
use crate::record::{Record, Severity};

/// GUID-named task.
pub struct GuidTaskName;

static INFO: RuleInfo = RuleInfo {
    id: "guid-task-name",
    title: "Task named by a bare GUID",
    severity: Severity::Medium,
    technique: "T1036.004",
    rationale: "A task whose name is nothing but a GUID (with or without braces) outside \\Microsoft\\: malware uses GUID names to look like system tasks. Vendor names that merely contain a GUID (GoogleUpdateTaskMachineCore{…}) do not match.",
    references: &["MITRE ATT&CK T1036.004"],
    applied_by: AppliedBy::Rule,
};

/// Whether `s` is a GUID, with or without braces.
pub fn is_guid(s: &str) -> bool {
    let g = s
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(s);
    let parts: Vec<&str> = g.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

impl Rule for GuidTaskName {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, rec: &Record, _ctx: &RuleCtx<'_>) -> Option<String> {
        if !matches!(
            rec.artifact,
            "windows.task_xml" | "windows.taskcache" | "windows.task_job" | "windows.gpp_task"
        ) {
            return None;
        }
        if rec.name.to_lowercase().starts_with("\\microsoft\\") {
            return None;
        }
        let leaf = rec.name.rsplit('\\').next()?;
        is_guid(leaf).then(|| format!("task name {leaf} is a GUID"))
    }
}
