//! `hidden-sd-missing`: task hidden by deleting its taskcache sd value. Computed by the Windows cross-check (src/reconcile.rs).

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Task hidden by deleting its TaskCache SD value.
pub struct HiddenSdMissing;

static INFO: RuleInfo = RuleInfo {
    id: "hidden-sd-missing",
    title: "Task hidden by deleting its TaskCache SD value",
    severity: Severity::High,
    technique: "T1053.005",
    rationale: "The TaskCache Tree key of a task (a key with Id or Index) has no SD value. Without it the task disappears from schtasks /query and the Task Scheduler MMC while it keeps running (the HAFNIUM 'Tarrask' technique). The Tree key's LastWrite time is close to the deletion.",
    references: &["Microsoft Threat Intelligence: Tarrask malware uses scheduled tasks for defense evasion (2022)", "Sigma rule registry_delete_schtasks_hide_task_via_sd_value_removal", "RegRipper hiddentasks.pl"],
    applied_by: AppliedBy::Reconcile,
};

impl Rule for HiddenSdMissing {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
