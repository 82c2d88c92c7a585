//! `dot-path`: hidden (dot) file or folder. Computed by the collectors, which see the raw files.

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Hidden (dot) file or folder.
pub struct DotPath;

static INFO: RuleInfo = RuleInfo {
    id: "dot-path",
    title: "Hidden (dot) file or folder",
    severity: Severity::Medium,
    technique: "T1564.001",
    rationale: "The job file's name, or a path its command uses, has a component starting with '.' (.local, .config and .cache excepted): hidden from a plain ls.",
    references: &["MITRE ATT&CK T1564.001", "Velociraptor MacOS.Detection.Autoruns (dot plists)"],
    applied_by: AppliedBy::Collector,
};

impl Rule for DotPath {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
