//! `registry-only`: task defined only in the registry (no xml file). Computed by the Windows cross-check (src/reconcile.rs).

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Task defined only in the registry (no XML file).
pub struct RegistryOnly;

static INFO: RuleInfo = RuleInfo {
    id: "registry-only",
    title: "Task defined only in the registry (no XML file)",
    severity: Severity::High,
    technique: "T1053.005",
    rationale: "A TaskCache entry without a task XML file, on a system that has a Tasks folder: registered by writing the registry directly (GhostTask, no 4698/106 events) or its file was deleted to hide it. Its command comes from the Actions blob.",
    references: &["GhostTask (netero1010/GhostTask)", "WithSecure: scheduled task tampering"],
    applied_by: AppliedBy::Reconcile,
};

impl Rule for RegistryOnly {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
