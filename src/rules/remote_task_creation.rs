//! `remote-task-creation`: task created or changed over the network. Computed by the event-log collector, which sees every event of the logs.

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Task created or changed over the network.
pub struct RemoteTaskCreation;

static INFO: RuleInfo = RuleInfo {
    id: "remote-task-creation",
    title: "Task created or changed over the network",
    severity: Severity::High,
    technique: "T1053.005",
    rationale: "The Security event's SubjectLogonId matches a network logon (4624 type 3) or an access to the atsvc named pipe (5145 RelativeTargetName atsvc): the task was registered remotely (ATT&CK's remote task creation via AtSvc detections).",
    references: &["MITRE ATT&CK T1053.002/T1053.005 detections", "EVTX-ATTACK-SAMPLES remote task update 4624 4702 same logonid"],
    applied_by: AppliedBy::Collector,
};

impl Rule for RemoteTaskCreation {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
