//! `hash-mismatch`: taskcache hash does not match the xml. Computed by the Windows cross-check (src/reconcile.rs).

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// TaskCache Hash does not match the XML.
pub struct HashMismatch;

static INFO: RuleInfo = RuleInfo {
    id: "hash-mismatch",
    title: "TaskCache Hash does not match the XML",
    severity: Severity::Medium,
    technique: "T1053.005",
    rationale: "The Tasks Hash value differs from the XML file's hash. Which bytes Windows hashes is not documented with certainty, so the method is calibrated on the image (at least 80% of the tasks must match one of SHA-256 or CRC32, with or without the BOM); without calibration it never fires.",
    references: &["winreg-kb Task-scheduler.md"],
    applied_by: AppliedBy::Reconcile,
};

impl Rule for HashMismatch {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
