//! `hidden-index`: task taken out of enumeration by its index value. Computed by the Windows cross-check (src/reconcile.rs).

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Task taken out of enumeration by its Index value.
pub struct HiddenIndex;

static INFO: RuleInfo = RuleInfo {
    id: "hidden-index",
    title: "Task taken out of enumeration by its Index value",
    severity: Severity::High,
    technique: "T1053.005",
    rationale: "The Tree Index value is missing, 0, not 1-4, or disagrees with the bucket key (1 Boot, 2 Logon, 3 Plain, 4 Maintenance) its GUID sits in. Index 0 or a deleted Index hides the task from enumeration.",
    references: &["Sigma rules registry_set_hide_scheduled_task_via_index_tamper and registry_delete_schtasks_hide_task_via_index_value_removal", "formats.md section 3.1"],
    applied_by: AppliedBy::Reconcile,
};

impl Rule for HiddenIndex {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
