//! `at-job`: at job (at.exe, atsvc or unix at). Computed by the collectors, which see the raw files.

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// at job (at.exe, AtSvc or Unix at).
pub struct AtJob;

static INFO: RuleInfo = RuleInfo {
    id: "at-job",
    title: "at job (at.exe, AtSvc or Unix at)",
    severity: Severity::Medium,
    technique: "T1053.002",
    rationale: "Windows: a root task named At<N> or a .job written by NetScheduleJobAdd (the AtSvc RPC, used for remote execution; ATT&CK's 'task created via AtSvc' detections). Unix: any job in the at spool (ATT&CK's at-job creation detection).",
    references: &["MITRE ATT&CK T1053.002", "formats.md sections 5 and 9"],
    applied_by: AppliedBy::Collector,
};

impl Rule for AtJob {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
