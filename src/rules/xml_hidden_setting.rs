//! `xml-hidden-setting`: settings/hidden is set. Computed by the Windows cross-check (src/reconcile.rs).

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Settings/Hidden is set.
pub struct XmlHiddenSetting;

static INFO: RuleInfo = RuleInfo {
    id: "xml-hidden-setting",
    title: "Settings/Hidden is set",
    severity: Severity::Info,
    technique: "T1564",
    rationale: "The task XML's Settings/Hidden is true (or the .job hidden flag): hidden from the default MMC view only, common in stock tasks; informational unless other findings raise the row.",
    references: &["impacket atexec.py sets it"],
    applied_by: AppliedBy::Reconcile,
};

impl Rule for XmlHiddenSetting {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
