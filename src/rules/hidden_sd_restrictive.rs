//! `hidden-sd-restrictive`: task hidden by a taskcache sd nobody can read. Computed by the Windows cross-check (src/reconcile.rs).

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Task hidden by a TaskCache SD nobody can read.
pub struct HiddenSdRestrictive;

static INFO: RuleInfo = RuleInfo {
    id: "hidden-sd-restrictive",
    title: "Task hidden by a TaskCache SD nobody can read",
    severity: Severity::High,
    technique: "T1053.005",
    rationale: "The Tree SD lets neither SYSTEM, Administrators, Everyone, Authenticated Users, Users nor INTERACTIVE read the task (an empty DACL, or a deny for Everyone): tools cannot list it though it runs.",
    references: &["GhostTask ReadMe (netero1010/GhostTask)"],
    applied_by: AppliedBy::Reconcile,
};

impl Rule for HiddenSdRestrictive {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
