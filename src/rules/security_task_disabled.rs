//! `security-task-disabled`: a security task was disabled or deleted. Computed by the event-log collector, which sees every event of the logs.

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// A security task was disabled or deleted.
pub struct SecurityTaskDisabled;

static INFO: RuleInfo = RuleInfo {
    id: "security-task-disabled",
    title: "A security task was disabled or deleted",
    severity: Severity::High,
    technique: "T1562.001",
    rationale: "Defender, System Restore (SR), Windows Update / UpdateOrchestrator, BitLocker or Exploit Guard tasks disabled (4701, 142) or deleted (4699, 141): impairs defenses.",
    references: &["SigmaHQ win_security_susp_scheduled_task_delete_or_disable", "SigmaHQ win_taskscheduler_susp_schtasks_delete_or_disable"],
    applied_by: AppliedBy::Collector,
};

impl Rule for SecurityTaskDisabled {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
