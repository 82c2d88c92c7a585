//! `short-lived-task`: task created and deleted within minutes. Computed by the event-log collector, which sees every event of the logs.

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Task created and deleted within minutes.
pub struct ShortLivedTask;

static INFO: RuleInfo = RuleInfo {
    id: "short-lived-task",
    title: "Task created and deleted within minutes",
    severity: Severity::High,
    technique: "T1053.005",
    rationale: "The event logs show the task created (4698 or 106) and deleted (4699 or 141) within ten minutes: the pattern of impacket atexec, smbexec and similar tools that run one command through a throw-away task and leave no file behind.",
    references: &["EVTX-to-MITRE-Attack ATexec and SMBexec samples", "MITRE ATT&CK T1053.005"],
    applied_by: AppliedBy::Collector,
};

impl Rule for ShortLivedTask {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
