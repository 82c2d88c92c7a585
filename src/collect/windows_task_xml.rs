//! `windows.task_xml`: Task Scheduler 2.x definitions under `System32\Tasks` (and
//! `SysWOW64\Tasks`, `System32\Tasks_Migrated`), one record per file.

use super::{add_file_metadata, display_path, Collector, Ctx};
use crate::formats::task_xml::{self, parse_datetime, XsdDateTime};
use crate::fs::{resolve, walk_files};
use crate::record::Record;
use crate::target::{Layout, Os};
use serde_json::json;

/// Reads every task XML file of a Windows target.
pub struct TaskXmlCollector;

/// Folders (below the Windows root) that hold task definitions.
pub const TASK_FOLDERS: &[&str] = &[
    "Windows/System32/Tasks",
    "Windows/SysWOW64/Tasks",
    "Windows/System32/Tasks_Migrated",
];

impl Collector for TaskXmlCollector {
    fn id(&self) -> &'static str {
        "windows.task_xml"
    }

    fn os(&self) -> Os {
        Os::Windows
    }

    fn describe(&self) -> &'static str {
        "Task Scheduler 2.x task definitions (XML) under System32\\Tasks, SysWOW64\\Tasks and \
         Tasks_Migrated: what runs, as whom, when, and the file's own timestamps."
    }

    fn collect(&self, ctx: &mut Ctx<'_>) {
        let folders: Vec<String> = match ctx.target.layout {
            Layout::TasksFolder => vec![ctx.target.root.clone()],
            Layout::LogsFolder => return,
            Layout::SystemRoot => TASK_FOLDERS
                .iter()
                .filter_map(|f| resolve(ctx.fs, &ctx.target.root, f))
                .collect(),
        };
        ctx.facts.tasks_folder_present |= !folders.is_empty();
        for folder in folders {
            let (files, errors) = walk_files(ctx.fs, &folder, ctx.limits.walk);
            for e in errors {
                ctx.problem(display_path(&folder), e.to_string());
            }
            for file in files {
                if let Some(rec) = task_record(ctx, &folder, &file) {
                    ctx.records.push(rec);
                }
            }
        }
    }
}

/// The task name from its path below the Tasks folder: `\Microsoft\Windows\Defrag\ScheduledDefrag`.
fn task_name(folder: &str, file: &str) -> String {
    let rel = file
        .strip_prefix(folder)
        .unwrap_or(file)
        .trim_start_matches('/');
    format!("\\{}", rel.replace('/', "\\"))
}

fn task_record(ctx: &mut Ctx<'_>, folder: &str, file: &str) -> Option<Record> {
    let name = task_name(folder, file);
    let path = display_path(file);
    let mut rec = Record {
        artifact: "windows.task_xml",
        name: name.clone(),
        path: path.clone(),
        technique: "T1053.005",
        ..Record::default()
    };
    rec.details
        .insert("tasks_folder".into(), json!(display_path(folder)));
    add_file_metadata(ctx, &mut rec, file);
    let bytes = match ctx.fs.read(file, ctx.limits.max_file_size) {
        Ok(b) => b,
        Err(e) => {
            let msg = e.reason();
            ctx.problem(&path, format!("task file not read: {msg}"));
            rec.message = format!("Scheduled task file {name} (content not read: {msg})");
            rec.details.insert("error".into(), json!(msg));
            return Some(rec);
        }
    };
    rec.details
        .insert("content_hashes".into(), content_hashes(&bytes));
    let parsed = match task_xml::parse_bytes(&bytes) {
        Ok(p) => p,
        Err(task_xml::TaskXmlError::NotATask(root)) if root == "ScheduledTasks" => {
            // A Group Policy Preferences file in a collected folder: windows.gpp_task reads it.
            return None;
        }
        Err(e) => {
            let msg = e.to_string();
            ctx.problem(&path, format!("not a task definition: {msg}"));
            rec.message =
                format!("Scheduled task file {name} is not a valid task definition: {msg}");
            rec.details.insert("error".into(), json!(msg));
            rec.details.insert("size".into(), json!(bytes.len()));
            return Some(rec);
        }
    };
    let task = &parsed.task;
    rec.command = task.command();
    rec.schedule = task.schedule();
    rec.user = task.user();
    rec.enabled = Some(task.settings.enabled);
    rec.message = summary(
        &name,
        &rec.command,
        &rec.user,
        &rec.schedule,
        task.settings.enabled,
    );

    rec.details
        .insert("encoding".into(), json!(parsed.encoding.name()));
    if let Some(d) = &parsed.declared_encoding {
        rec.details.insert("declared_encoding".into(), json!(d));
    }
    if parsed.lossy {
        rec.details
            .insert("decoding_replaced_invalid_bytes".into(), json!(true));
        ctx.problem(
            &path,
            "invalid byte sequences replaced while decoding the task file",
        );
    }
    if let Some(uri) = &task.registration.uri {
        let norm = format!("\\{}", uri.trim_start_matches('\\'));
        rec.details.insert(
            "uri_matches_path".into(),
            json!(norm.eq_ignore_ascii_case(&name)),
        );
    }
    if let Ok(v) = serde_json::to_value(task) {
        rec.details.insert("task".into(), v);
    }
    if let Some(date) = &task.registration.date {
        match parse_datetime(date) {
            Some(XsdDateTime::Utc(t)) => rec.time(t, "Task Registered (XML Date)"),
            Some(XsdDateTime::Local(t)) => rec.local_time(t, "Task Registered (XML Date)"),
            None => ctx.problem(
                &path,
                format!("RegistrationInfo/Date {date:?} is not a date-time"),
            ),
        }
    }
    for tr in task.triggers.iter().filter(|t| t.kind == "Time") {
        if let Some(b) = &tr.start_boundary {
            match parse_datetime(b) {
                Some(XsdDateTime::Utc(t)) => {
                    rec.time(t, "Scheduled Run (TimeTrigger StartBoundary)")
                }
                Some(XsdDateTime::Local(t)) => {
                    rec.local_time(t, "Scheduled Run (TimeTrigger StartBoundary)")
                }
                None => ctx.problem(
                    &path,
                    format!("TimeTrigger StartBoundary {b:?} is not a date-time"),
                ),
            }
        }
    }
    Some(rec)
}

/// Hashes of the file content in the forms TaskCache `Hash` may use (SHA-256 or CRC32, over
/// the bytes with or without the BOM), for the hash cross-check.
fn content_hashes(bytes: &[u8]) -> serde_json::Value {
    use sha2::{Digest, Sha256};
    let no_bom = bytes
        .strip_prefix(&[0xFF, 0xFE])
        .or_else(|| bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]))
        .unwrap_or(bytes);
    let hex = crate::formats::bytes::hex;
    json!({
        "sha256": hex(&Sha256::digest(bytes)),
        "sha256_no_bom": hex(&Sha256::digest(no_bom)),
        "crc32": hex(&crate::volume::crc32(bytes).to_le_bytes()),
        "crc32_no_bom": hex(&crate::volume::crc32(no_bom).to_le_bytes()),
    })
}

fn summary(name: &str, command: &str, user: &str, schedule: &str, enabled: bool) -> String {
    let mut s = format!("Scheduled task {name}");
    if command.is_empty() {
        s.push_str(" (no action)");
    } else {
        s.push_str(&format!(" runs {command}"));
    }
    if !user.is_empty() {
        s.push_str(&format!(" as {user}"));
    }
    if !schedule.is_empty() {
        s.push_str(&format!(" on {schedule}"));
    }
    if !enabled {
        s.push_str(" (task disabled)");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_paths() {
        assert_eq!(
            task_name(
                "Windows/System32/Tasks",
                "Windows/System32/Tasks/Microsoft/Windows/Defrag/ScheduledDefrag"
            ),
            "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag"
        );
        assert_eq!(task_name("", "GameOver"), "\\GameOver");
    }
}
