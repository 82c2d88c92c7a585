//! `windows.task_job`: legacy Task Scheduler 1.0 jobs (`Windows\Tasks\*.job`), including the
//! jobs at.exe and the AtSvc `NetScheduleJobAdd` call leave behind.

use super::{add_file_metadata, display_path, Collector, Ctx};
use crate::formats::job_file;
use crate::fs::{resolve, FileKind};
use crate::record::Record;
use crate::target::{Layout, Os};
use crate::time::Time;
use serde_json::json;

/// Reads every `.job` file of a Windows target.
pub struct TaskJobCollector;

impl Collector for TaskJobCollector {
    fn id(&self) -> &'static str {
        "windows.task_job"
    }

    fn os(&self) -> Os {
        Os::Windows
    }

    fn describe(&self) -> &'static str {
        "Legacy Task Scheduler 1.0 jobs (Windows\\Tasks\\*.job, at.exe / NetScheduleJobAdd): \
         program, parameters, author, comment, triggers, status, last run, exit code."
    }

    fn collect(&self, ctx: &mut Ctx<'_>) {
        if ctx.target.layout != Layout::SystemRoot {
            return;
        }
        let Some(dir) = resolve(ctx.fs, &ctx.target.root, "Windows/Tasks") else {
            return;
        };
        let entries = match ctx.fs.read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                ctx.problem(display_path(&dir), e.reason());
                return;
            }
        };
        for e in entries {
            if e.kind != FileKind::File || !e.name.to_ascii_lowercase().ends_with(".job") {
                continue;
            }
            let file = crate::fs::join(&dir, &e.name);
            let rec = job_record(ctx, &file, &e.name);
            ctx.records.push(rec);
        }
    }
}

fn job_record(ctx: &mut Ctx<'_>, file: &str, file_name: &str) -> Record {
    let stem = &file_name[..file_name.len() - 4];
    let name = format!("\\{stem}");
    let path = display_path(file);
    let mut rec = Record {
        artifact: "windows.task_job",
        name: name.clone(),
        path: path.clone(),
        technique: "T1053.005",
        ..Record::default()
    };
    add_file_metadata(ctx, &mut rec, file);
    let bytes = match ctx.fs.read(file, ctx.limits.max_file_size) {
        Ok(b) => b,
        Err(e) => {
            let msg = e.reason();
            ctx.problem(&path, format!("job file not read: {msg}"));
            rec.message = format!("Legacy job {name} (content not read: {msg})");
            rec.details.insert("error".into(), json!(msg));
            return rec;
        }
    };
    let job = match job_file::parse(&bytes) {
        Ok(j) => j,
        Err(e) => {
            let msg = e.to_string();
            ctx.problem(&path, format!("not a valid .job file: {msg}"));
            rec.message = format!("Legacy job file {name} is not valid: {msg}");
            rec.details.insert("error".into(), json!(msg));
            return rec;
        }
    };
    for w in &job.warnings {
        ctx.problem(&path, w.clone());
    }
    rec.command = job.command();
    rec.schedule = job
        .triggers
        .iter()
        .map(|t| t.describe())
        .collect::<Vec<_>>()
        .join(" | ");
    rec.enabled = Some(job.enabled());
    if job.made_by_atsvc() {
        // at.exe / AtSvc jobs run as LocalSystem; the .job file itself stores no account.
        rec.user = "SYSTEM".into();
    }
    rec.message = format!(
        "Legacy job {name} runs {}{} ({}; status {})",
        rec.command,
        if rec.schedule.is_empty() {
            String::new()
        } else {
            format!(" on {}", rec.schedule)
        },
        if job.comment.is_empty() {
            format!("author {}", job.author)
        } else {
            job.comment.clone()
        },
        job.status_name()
    );
    if let Some(lr) = &job.last_run {
        match lr.civil().and_then(|c| Time::from_civil(c, 3)) {
            Some(t) => rec.local_time(t, "Task Last Run"),
            None => ctx.problem(
                &path,
                format!("last run time {} is not a valid date", lr.text()),
            ),
        }
    }
    for t in job.triggers.iter().filter(|t| t.kind == 0) {
        if let Some(t) = t.start().and_then(|c| Time::from_civil(c, 0)) {
            rec.local_time(t, "Scheduled Run (job trigger)");
        }
    }
    rec.details
        .insert("status_name".into(), json!(job.status_name()));
    rec.details.insert("hidden".into(), json!(job.hidden()));
    rec.details
        .insert("made_by_atsvc".into(), json!(job.made_by_atsvc()));
    rec.details.insert(
        "triggers_text".into(),
        json!(job
            .triggers
            .iter()
            .map(|t| t.describe())
            .collect::<Vec<_>>()),
    );
    if let Ok(v) = serde_json::to_value(&job) {
        rec.details.insert("job".into(), v);
    }
    rec
}
