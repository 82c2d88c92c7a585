//! `cron-hidden-cr`: carriage return hides a cron command. Computed by the collectors, which see the raw files.

use super::{AppliedBy, Rule, RuleInfo};
use crate::record::Severity;

/// Carriage return hides a cron command.
pub struct CronHiddenCr;

static INFO: RuleInfo = RuleInfo {
    id: "cron-hidden-cr",
    title: "Carriage return hides a cron command",
    severity: Severity::High,
    technique: "T1053.003",
    rationale: "A cron job line holds a carriage return: a terminal shows the text after it over the real command, so `cat` or `crontab -l` shows something else than what runs. details.job.displayed is what the terminal shows.",
    references: &["formats.md section 7.1"],
    applied_by: AppliedBy::Collector,
};

impl Rule for CronHiddenCr {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }
}
