//! `task-content-changed`: task definition changed. Computed by the event-log collector, which sees every event of the logs.

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Task definition changed.
pub struct TaskContentChanged;

static INFO: RuleInfo = RuleInfo {
    id: "task-content-changed",
    title: "Task definition changed",
    severity: Severity::Low,
    technique: "T1053.005",
    rationale: "An update event (4702, 140), or the command of the XML on disk differs from the one logged when the task was created (4698): an existing task was repurposed.",
    references: &["MITRE ATT&CK T1053.005"],
    applied_by: AppliedBy::Collector,
};

impl Rule for TaskContentChanged {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
