//! `recovered-deleted`: recovered from deleted registry keys. Computed by the Windows cross-check (src/reconcile.rs).

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Recovered from deleted registry keys.
pub struct RecoveredDeleted;

static INFO: RuleInfo = RuleInfo {
    id: "recovered-deleted",
    title: "Recovered from deleted registry keys",
    severity: Severity::Info,
    technique: "T1070",
    rationale: "The row is built from TaskCache keys that are gone from the hive's current state: recovered from free cells, or from the primary file when a logged transaction removed them. A task that was deleted (possibly to cover tracks).",
    references: &["formats.md section 3"],
    applied_by: AppliedBy::Reconcile,
};

impl Rule for RecoveredDeleted {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
