//! `apple-label-impostor`: non-apple plist with a com.apple label. Computed by the collectors, which see the raw files.

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Non-Apple plist with a com.apple label.
pub struct AppleLabelImpostor;

static INFO: RuleInfo = RuleInfo {
    id: "apple-label-impostor",
    title: "Non-Apple plist with a com.apple label",
    severity: Severity::High,
    technique: "T1543.004",
    rationale: "A launchd job whose Label starts with com.apple. but whose plist is outside the SIP-protected /System/Library and /Library/Apple/System/Library: malware posing as Apple.",
    references: &["formats.md section 11"],
    applied_by: AppliedBy::Collector,
};

impl Rule for AppleLabelImpostor {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
