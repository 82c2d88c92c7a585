//! `not-loaded`: the scheduler would not load it. Computed by the collectors, which see the raw files.

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// The scheduler would not load it.
pub struct NotLoaded;

static INFO: RuleInfo = RuleInfo {
    id: "not-loaded",
    title: "The scheduler would not load it",
    severity: Severity::Low,
    technique: "T1053",
    rationale: "The daemon would skip this entry: Debian cron ignores cron.d and run-parts names with characters other than letters, digits, '_' and '-'; cronie skips dot/backup names, wrong modes (mode & 07533 != 0400) and foreign owners; spool files must name an account; the last line needs a newline; run-parts scripts and at jobs need the execute bit; atd refuses a header uid that is not the owner. Still reported: it was planted.",
    references: &["cronie src/database.c", "Debian cron(8)", "formats.md sections 7.3 and 9"],
    applied_by: AppliedBy::Collector,
};

impl Rule for NotLoaded {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
