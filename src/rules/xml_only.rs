//! `xml-only`: task xml without any taskcache entry. Computed by the Windows cross-check (src/reconcile.rs).

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Task XML without any TaskCache entry.
pub struct XmlOnly;

static INFO: RuleInfo = RuleInfo {
    id: "xml-only",
    title: "Task XML without any TaskCache entry",
    severity: Severity::Medium,
    technique: "T1053.005",
    rationale: "A task XML file with no Tree or Tasks entry in a SOFTWARE hive that was read: dropped into the Tasks folder without registration, or its registry entries were removed.",
    references: &["formats.md section 4"],
    applied_by: AppliedBy::Reconcile,
};

impl Rule for XmlOnly {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
