//! The stock-task baseline: Microsoft's own Windows 10 tasks and what they run, derived from a
//! real Windows 10 Tasks tree (`data/stock_tasks_win10.tsv`, provenance in its header and in
//! `testdata/scripts/make_baseline.py`).

use crate::record::Record;
use serde_json::json;
use std::sync::LazyLock;

/// One baseline task.
#[derive(Debug, Clone)]
pub struct StockTask {
    /// Task name, lowercase; a trailing `*` matches any suffix (per-user SIDs).
    pub pattern: String,
    /// The command as tasktrail renders it.
    pub command: String,
}

static BASELINE: LazyLock<Vec<StockTask>> = LazyLock::new(|| {
    include_str!("../../data/stock_tasks_win10.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(n, c)| StockTask {
            pattern: n.to_lowercase(),
            command: c.to_string(),
        })
        .collect()
});

/// The baseline entry for a task name, if it is a stock task.
pub fn lookup(name: &str) -> Option<&'static StockTask> {
    let n = name.to_lowercase();
    BASELINE.iter().find(|s| match s.pattern.strip_suffix('*') {
        Some(prefix) => n.starts_with(prefix),
        None => s.pattern == n,
    })
}

/// How many tasks the baseline holds.
pub fn len() -> usize {
    BASELINE.len()
}

/// What identifies an action across Windows builds: the CLSID of a COM handler, or the
/// program's file name and the kind of folder it is in (versions and arguments vary by build).
fn signature(command: &str) -> Vec<String> {
    command
        .split(" ; ")
        .map(|a| {
            let a = a.trim().to_lowercase();
            if let Some(com) = a.strip_prefix("com:") {
                return format!("com:{}", com.split_whitespace().next().unwrap_or(""));
            }
            let program = if let Some(q) = a.strip_prefix('"') {
                q.split('"').next().unwrap_or("").to_string()
            } else if a.contains("program files") {
                // Unquoted paths with spaces: up to the .exe.
                a.find(".exe")
                    .map(|i| a[..i + 4].to_string())
                    .unwrap_or(a.clone())
            } else {
                a.split_whitespace().next().unwrap_or("").to_string()
            };
            let file = program
                .rsplit(['\\', '/'])
                .next()
                .unwrap_or(&program)
                .to_string();
            let dir = &program[..program.len() - file.len()];
            let place = if dir.is_empty()
                || dir.starts_with("%windir%")
                || dir.starts_with("%systemroot%")
                || dir.starts_with("c:\\windows\\")
            {
                "windows"
            } else if dir.contains("program files")
                || dir.contains("%programfiles")
                || dir.contains("\\programdata\\microsoft\\")
                || dir.starts_with("%programdata%\\microsoft\\")
            {
                // Vendor folders: Defender moved from Program Files to ProgramData\Microsoft.
                "vendor"
            } else if dir.starts_with("%localappdata%\\microsoft\\") {
                "localappdata-microsoft"
            } else {
                "other"
            };
            format!("{place}:{file}")
        })
        .collect()
}

/// Whether `command` does what the stock task does (same programs or COM classes, in the same
/// kind of folder; arguments and version folders may differ between builds).
pub fn matches(stock: &StockTask, command: &str) -> bool {
    signature(&stock.command) == signature(command)
}

/// Marks Windows task records that are stock tasks: `details.stock = {expected, matches}`.
pub fn mark(rec: &mut Record) {
    if !matches!(rec.artifact, "windows.task_xml" | "windows.taskcache") || rec.command.is_empty() {
        return;
    }
    if let Some(s) = lookup(&rec.name) {
        let ok = matches(s, &rec.command);
        rec.details.insert(
            "stock".into(),
            json!({"expected": s.command, "matches": ok}),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_loads_and_matches_across_builds() {
        assert!(len() > 190);
        let d = lookup("\\microsoft\\windows\\defrag\\scheduleddefrag").unwrap();
        assert!(matches(d, "%windir%\\system32\\defrag.exe -c -h -o -$"));
        assert!(
            matches(d, "%windir%\\system32\\defrag.exe -c -h -k -g -$"),
            "arguments vary by build"
        );
        assert!(!matches(d, "C:\\Users\\Public\\defrag.exe -c"));
        assert!(
            !matches(d, "%windir%\\system32\\defrag.exe -c ; cmd.exe /c evil"),
            "an added action"
        );
        let od = lookup("\\OneDrive Standalone Update Task-S-1-5-21-1-2-3-1001").unwrap();
        assert!(matches(
            od,
            "%localappdata%\\Microsoft\\OneDrive\\OneDriveStandaloneUpdater.exe"
        ));
        let wd = lookup("\\Microsoft\\Windows\\Windows Defender\\Windows Defender Scheduled Scan")
            .unwrap();
        assert!(matches(wd, "\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2\\MpCmdRun.exe\" Scan -ScheduleJob"));
        assert!(!matches(wd, "C:\\Users\\Public\\MpCmdRun.exe Scan"));
        assert!(lookup("\\GameOver").is_none());
    }
}
