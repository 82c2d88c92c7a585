//! Detection rules: one file per rule, each with a stable id (a contract), title, severity,
//! ATT&CK technique, rationale and references. Some verdicts need several sources or the raw
//! evidence and are given where that exists (the Windows cross-check, the Unix collectors); they
//! are registered here all the same so `tasktrail rules` and `docs/rules.md` list every flag.

mod action_mismatch;
mod apple_label_impostor;
mod at_job;
mod atexec_pattern;
mod cron_hidden_cr;
mod deleted_task;
mod dot_path;
mod encoded_powershell;
mod guid_task_name;
mod hash_mismatch;
mod hidden_index;
mod hidden_sd_missing;
mod hidden_sd_restrictive;
mod lolbin;
mod network_download;
mod not_loaded;
mod privileged_writable_target;
mod recovered_deleted;
mod registry_only;
mod remote_task_creation;
mod reverse_shell;
mod runs_as_root;
mod runs_as_system;
mod security_task_disabled;
mod short_lived_task;
pub mod stock;
mod stock_task_modified;
mod task_content_changed;
mod timestomp_hint;
mod user_writable_path;
mod xml_hidden_setting;
mod xml_only;

use crate::fs::FileSystem;
use crate::record::{Record, Severity};
use crate::target::Target;

/// Where a rule's verdict is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppliedBy {
    /// By its own `check` on each record.
    Rule,
    /// By the Windows cross-check (`src/reconcile.rs`), which sees every source of a task.
    Reconcile,
    /// By the collector, which sees the raw file (modes, line bytes, plist location).
    Collector,
}

/// What a rule is.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable id, the flag written in the `flags` column.
    pub id: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Severity of a finding.
    pub severity: Severity,
    /// ATT&CK technique it maps to.
    pub technique: &'static str,
    /// Why it matters and what it checks.
    pub rationale: &'static str,
    /// Where the facts come from.
    pub references: &'static [&'static str],
    /// Where the verdict is computed.
    pub applied_by: AppliedBy,
}

/// What rules may consult besides the record.
pub struct RuleCtx<'a> {
    /// The file system of the target (to look at the files a job runs).
    pub fs: &'a dyn FileSystem,
    /// The target.
    pub target: &'a Target,
}

/// One rule.
pub trait Rule: Sync {
    /// Its description.
    fn info(&self) -> &'static RuleInfo;
    /// The reason it fires on `rec`, or `None`. Rules applied elsewhere never fire here.
    fn check(&self, _rec: &Record, _ctx: &RuleCtx<'_>) -> Option<String> {
        None
    }
    /// Adds what the finding revealed to the record's details (called when it fires).
    fn annotate(&self, _rec: &mut Record) {}
}

/// Every rule, in the order they are listed.
pub static ALL: &[&dyn Rule] = &[
    &hidden_sd_missing::HiddenSdMissing,
    &hidden_sd_restrictive::HiddenSdRestrictive,
    &hidden_index::HiddenIndex,
    &registry_only::RegistryOnly,
    &action_mismatch::ActionMismatch,
    &stock_task_modified::StockTaskModified,
    &xml_only::XmlOnly,
    &hash_mismatch::HashMismatch,
    &atexec_pattern::AtexecPattern,
    &short_lived_task::ShortLivedTask,
    &remote_task_creation::RemoteTaskCreation,
    &security_task_disabled::SecurityTaskDisabled,
    &task_content_changed::TaskContentChanged,
    &deleted_task::DeletedTask,
    &at_job::AtJob,
    &encoded_powershell::EncodedPowershell,
    &reverse_shell::ReverseShell,
    &network_download::NetworkDownload,
    &lolbin::Lolbin,
    &user_writable_path::UserWritablePath,
    &privileged_writable_target::PrivilegedWritableTarget,
    &cron_hidden_cr::CronHiddenCr,
    &apple_label_impostor::AppleLabelImpostor,
    &dot_path::DotPath,
    &guid_task_name::GuidTaskName,
    &timestomp_hint::TimestompHint,
    &not_loaded::NotLoaded,
    &xml_hidden_setting::XmlHiddenSetting,
    &recovered_deleted::RecoveredDeleted,
    &runs_as_system::RunsAsSystem,
    &runs_as_root::RunsAsRoot,
];

/// The severity of a rule id (info for an unknown id).
pub fn severity_of(id: &str) -> Severity {
    ALL.iter()
        .find(|r| r.info().id == id)
        .map(|r| r.info().severity)
        .unwrap_or(Severity::Info)
}

/// Runs every record-level rule over the records of one target.
pub fn apply(records: &mut [Record], ctx: &RuleCtx<'_>) {
    for rec in records.iter_mut() {
        stock::mark(rec);
        for r in ALL
            .iter()
            .filter(|r| r.info().applied_by == AppliedBy::Rule)
        {
            if let Some(why) = r.check(rec, ctx) {
                r.annotate(rec);
                crate::reconcile::flag(rec, r.info().id, why);
            }
        }
    }
}

/// True for a stock task whose actions match the baseline: path and tool rules stay quiet on it
/// (Windows' own tasks run rundll32 and friends by design).
pub fn is_stock(rec: &Record) -> bool {
    rec.details
        .get("stock")
        .and_then(|s| s.get("matches"))
        .and_then(|v| v.as_bool())
        == Some(true)
}

/// The program a command runs (first token, quotes removed), lowercase file name.
pub fn program_name(command: &str) -> String {
    let c = command.trim();
    let first = if let Some(rest) = c.strip_prefix('"') {
        rest.split('"').next().unwrap_or("")
    } else {
        c.split_whitespace().next().unwrap_or("")
    };
    first
        .rsplit(['\\', '/'])
        .next()
        .unwrap_or(first)
        .to_ascii_lowercase()
}

/// `docs/rules.md`, generated from [`ALL`].
pub fn markdown() -> String {
    let mut s = String::from(
        "# Rules\n\nGenerated from `src/rules/` by `tasktrail rules --markdown`; a test fails when this file is stale.\n\
         Ids are a contract: they appear in the `flags` column. A row's `severity` is the highest of its flags.\n\n\
         | id | severity | technique | applied by | title |\n|---|---|---|---|---|\n",
    );
    for r in ALL {
        let i = r.info();
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            i.id,
            i.severity.name(),
            i.technique,
            match i.applied_by {
                AppliedBy::Rule => "rule",
                AppliedBy::Reconcile => "cross-check",
                AppliedBy::Collector => "collector",
            },
            i.title
        ));
    }
    for r in ALL {
        let i = r.info();
        s.push_str(&format!(
            "\n## `{}`\n\n{}\n\nSeverity {}; ATT&CK {}.\n",
            i.id,
            i.rationale,
            i.severity.name(),
            i.technique
        ));
        if !i.references.is_empty() {
            s.push_str("\nReferences:\n");
            for r in i.references {
                s.push_str(&format!("- {r}\n"));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut ids: Vec<&str> = ALL.iter().map(|r| r.info().id).collect();
        assert!(ids
            .iter()
            .all(|i| i.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    #[test]
    fn program_names() {
        assert_eq!(
            program_name("\"C:\\Program Files\\A B\\x.EXE\" /q"),
            "x.exe"
        );
        assert_eq!(
            program_name("%windir%\\system32\\rundll32.exe a,b"),
            "rundll32.exe"
        );
        assert_eq!(program_name("/usr/bin/curl -s x"), "curl");
    }
}
