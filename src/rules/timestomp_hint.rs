//! `timestomp-hint`: timestamps that disagree the way time-stomping leaves them.

use super::{AppliedBy, Rule, RuleCtx, RuleInfo};
use crate::record::{Record, Severity};

/// Time-stomping hint.
pub struct TimestompHint;

static INFO: RuleInfo = RuleInfo {
    id: "timestomp-hint",
    title: "Timestamps look altered",
    severity: Severity::Medium,
    technique: "T1070.006",
    rationale: "The task file's $STANDARD_INFORMATION creation time is earlier than its $FILE_NAME creation time (tools like SetMACE change $SI only); or, for a non-Microsoft task, the XML registration Date is more than a day away from the registration time in DynamicInfo (checked by the cross-check, which sees both).",
    references: &["MITRE ATT&CK T1070.006"],
    applied_by: AppliedBy::Rule,
};

impl Rule for TimestompHint {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, rec: &Record, _ctx: &RuleCtx<'_>) -> Option<String> {
        let f = rec.details.get("file")?;
        let si: jiff::Timestamp = f.get("si_created")?.as_str()?.parse().ok()?;
        let fnc: jiff::Timestamp = f.get("fn_created")?.as_str()?.parse().ok()?;
        (fnc.as_second() - si.as_second() > 1)
            .then(|| format!("$SI created {si} is before $FN created {fnc}"))
    }
}
