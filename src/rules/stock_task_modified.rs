//! `stock-task-modified`: a Microsoft task whose actions no longer match the baseline.

use super::{AppliedBy, Rule, RuleCtx, RuleInfo};
use crate::record::{Record, Severity};

/// A stock task runs something else than Windows ships.
pub struct StockTaskModified;

static INFO: RuleInfo = RuleInfo {
    id: "stock-task-modified",
    title: "Stock Windows task runs something else",
    severity: Severity::High,
    technique: "T1053.005",
    rationale: "The task has the name of a stock Windows 10 task (data/stock_tasks_win10.tsv) but runs another program or COM class, in another kind of folder, or has extra actions: hijacking a trusted task hides persistence among hundreds of legitimate ones. Arguments and version folders may differ between builds and are not compared.",
    references: &["data/stock_tasks_win10.tsv (derived from DFIRArtifactMuseum Win10 APTSimulatorVM)"],
    applied_by: AppliedBy::Rule,
};

impl Rule for StockTaskModified {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, rec: &Record, _ctx: &RuleCtx<'_>) -> Option<String> {
        let s = rec.details.get("stock")?;
        (s.get("matches")?.as_bool() == Some(false)).then(|| {
            format!(
                "stock task expected to run `{}`",
                s.get("expected").and_then(|v| v.as_str()).unwrap_or("")
            )
        })
    }
}
