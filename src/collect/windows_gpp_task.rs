//! `windows.gpp_task`: Group Policy Preferences scheduled tasks (`ScheduledTasks.xml` in SYSVOL,
//! in the local Group Policy history and DataStore caches), one record per task item.

use super::{add_file_metadata, display_path, Collector, Ctx};
use crate::formats::gpp_tasks;
use crate::fs::{resolve, walk_files, WalkLimits};
use crate::record::Record;
use crate::target::{Layout, Os};
use crate::time::Time;
use serde_json::json;

/// Reads GPP ScheduledTasks.xml files of a Windows target.
pub struct GppTaskCollector;

/// Folders (below the Windows root) searched for `ScheduledTasks.xml`.
pub const GPP_ROOTS: &[&str] = &[
    "Windows/SYSVOL",
    "Windows/System32/GroupPolicy",
    "ProgramData/Microsoft/Group Policy/History",
];

impl Collector for GppTaskCollector {
    fn id(&self) -> &'static str {
        "windows.gpp_task"
    }

    fn os(&self) -> Os {
        Os::Windows
    }

    fn describe(&self) -> &'static str {
        "Group Policy Preferences ScheduledTasks.xml (SYSVOL, GroupPolicy DataStore, Group Policy \
         History): tasks a GPO pushes to many machines, with cpassword presence."
    }

    fn collect(&self, ctx: &mut Ctx<'_>) {
        let mut files = Vec::new();
        match ctx.target.layout {
            Layout::TasksFolder => {
                // A collected folder: any file whose content is a GPP ScheduledTasks document.
                let (all, _) = walk_files(
                    ctx.fs,
                    &ctx.target.root,
                    WalkLimits {
                        max_depth: 4,
                        max_entries: 10_000,
                    },
                );
                for f in all {
                    if let Ok(b) = ctx.fs.read(&f, 1 << 20) {
                        if gpp_tasks::parse(&b).is_ok() {
                            files.push(f);
                        }
                    }
                }
            }
            Layout::LogsFolder => return,
            Layout::SystemRoot => {
                for r in GPP_ROOTS {
                    let Some(dir) = resolve(ctx.fs, &ctx.target.root, r) else {
                        continue;
                    };
                    let (all, errors) = walk_files(
                        ctx.fs,
                        &dir,
                        WalkLimits {
                            max_depth: 12,
                            max_entries: 100_000,
                        },
                    );
                    for e in errors {
                        ctx.problem(display_path(&dir), e.to_string());
                    }
                    files.extend(all.into_iter().filter(|f| {
                        f.rsplit('/')
                            .next()
                            .is_some_and(|n| n.eq_ignore_ascii_case("ScheduledTasks.xml"))
                    }));
                }
            }
        }
        for f in files {
            read_file(ctx, &f);
        }
    }
}

fn read_file(ctx: &mut Ctx<'_>, file: &str) {
    let path = display_path(file);
    let bytes = match ctx.fs.read(file, ctx.limits.max_file_size) {
        Ok(b) => b,
        Err(e) => {
            ctx.problem(&path, format!("GPP file not read: {}", e.reason()));
            return;
        }
    };
    let items = match gpp_tasks::parse(&bytes) {
        Ok(i) => i,
        Err(e) => {
            ctx.problem(&path, format!("not a GPP ScheduledTasks file: {e}"));
            return;
        }
    };
    for t in items {
        let mut rec = Record {
            artifact: "windows.gpp_task",
            name: format!("\\{}", t.name),
            path: path.clone(),
            technique: "T1053.005",
            command: t.command(),
            user: t.user(),
            schedule: t.schedule(),
            enabled: t.enabled,
            ..Record::default()
        };
        add_file_metadata(ctx, &mut rec, file);
        if let Some(c) = &t.changed {
            let parsed = c
                .replace(' ', "T")
                .parse::<jiff::civil::DateTime>()
                .ok()
                .and_then(|dt| Time::from_civil(dt, 0));
            match parsed {
                Some(time) => rec.time(time, "GPP Item Changed"),
                None => ctx.problem(&path, format!("changed={c:?} is not a date-time")),
            }
        }
        let action = match t.action.as_deref() {
            Some("C") => "create",
            Some("R") => "replace",
            Some("U") => "update",
            Some("D") => "delete",
            _ => "unknown",
        };
        rec.message = format!(
            "Group Policy {} {} ({action}) runs {}{}{}",
            t.kind,
            rec.name,
            rec.command,
            if rec.user.is_empty() {
                String::new()
            } else {
                format!(" as {}", rec.user)
            },
            if rec.schedule.is_empty() {
                String::new()
            } else {
                format!(" on {}", rec.schedule)
            }
        );
        rec.details.insert("gpp_action".into(), json!(action));
        rec.details
            .insert("cpassword_present".into(), json!(t.cpassword_present));
        if let Ok(v) = serde_json::to_value(&t) {
            rec.details.insert("gpp".into(), v);
        }
        ctx.records.push(rec);
    }
}
