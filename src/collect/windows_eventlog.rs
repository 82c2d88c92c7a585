//! `windows.eventlog`: the life of every task from the event logs — Security 4698–4702 (with
//! the task XML parsed by the same parser as the files) and TaskScheduler/Operational events —
//! with short-lived tasks, security tasks disabled, updates, and remote creation (4624 logons
//! and 5145 atsvc pipe accesses with the same logon id) flagged.

use super::{display_path, Collector, Ctx};
use crate::formats::evtx_events::{self, LogScan, TaskEvent};
use crate::formats::task_xml;
use crate::fs::resolve;
use crate::reconcile::flag;
use crate::record::Record;
use crate::target::{evtx_files, Layout, Os};
use serde_json::json;

/// Reads the task-related events of a Windows target or of collected logs.
pub struct EventLogCollector;

/// Log files read on a Windows system root.
pub const LOGS: &[&str] = &[
    "Security.evtx",
    "Microsoft-Windows-TaskScheduler%4Operational.evtx",
];

impl Collector for EventLogCollector {
    fn id(&self) -> &'static str {
        "windows.eventlog"
    }

    fn os(&self) -> Os {
        Os::Windows
    }

    fn describe(&self) -> &'static str {
        "Security (4698-4702) and TaskScheduler/Operational event logs: every task created, \
         updated, run, disabled or deleted, with actor, command and remote-creation evidence."
    }

    fn collect(&self, ctx: &mut Ctx<'_>) {
        let files: Vec<String> = match (ctx.target.layout, &ctx.target.only) {
            (_, Some(one)) => vec![crate::fs::join(&ctx.target.root, one)],
            (Layout::SystemRoot, None) => {
                let Some(dir) = resolve(ctx.fs, &ctx.target.root, "Windows/System32/winevt/Logs")
                else {
                    return;
                };
                LOGS.iter()
                    .filter_map(|l| resolve(ctx.fs, &dir, l))
                    .collect()
            }
            (Layout::LogsFolder, None) => evtx_files(ctx.fs, &ctx.target.root),
            (Layout::TasksFolder, None) => return,
        };
        let mut all: Vec<(String, LogScan)> = Vec::new();
        for f in files {
            let path = display_path(&f);
            let bytes = match ctx.fs.read(&f, ctx.limits.max_hive_size) {
                Ok(b) => b,
                Err(e) => {
                    ctx.problem(&path, format!("event log not read: {}", e.reason()));
                    continue;
                }
            };
            match evtx_events::scan(bytes) {
                Ok(scan) => {
                    if scan.errors > 0 {
                        ctx.problem(
                            &path,
                            format!(
                                "{} damaged records or chunks skipped, {} read ({})",
                                scan.errors,
                                scan.records,
                                scan.error_samples.join("; ")
                            ),
                        );
                    }
                    all.push((path, scan));
                }
                Err(e) => ctx.problem(&path, format!("not a readable event log: {e}")),
            }
        }
        let logons: Vec<_> = all
            .iter()
            .flat_map(|(_, s)| s.logons.iter().cloned())
            .collect();
        let shares: Vec<_> = all
            .iter()
            .flat_map(|(_, s)| s.shares.iter().cloned())
            .collect();
        let mut recs: Vec<Record> = Vec::new();
        for (path, scan) in &all {
            for ev in &scan.tasks {
                recs.push(event_record(path, ev));
            }
        }
        correlate(&mut recs, &all, &logons, &shares);
        ctx.records.extend(recs);
    }
}

fn event_record(path: &str, ev: &TaskEvent) -> Record {
    let name = if ev.task_name.starts_with('\\') {
        ev.task_name.clone()
    } else {
        format!("\\{}", ev.task_name)
    };
    let mut rec = Record {
        artifact: "windows.eventlog",
        name: name.clone(),
        path: path.to_string(),
        technique: "T1053.005",
        ..Record::default()
    };
    let meaning = ev.meaning();
    if let Some(t) = ev.time {
        rec.time(t, format!("Event Logged ({} {meaning})", ev.event_id));
    }
    rec.details.insert("event_id".into(), json!(ev.event_id));
    rec.details.insert("record_id".into(), json!(ev.record_id));
    rec.details.insert("channel".into(), json!(ev.channel));
    rec.details.insert("computer".into(), json!(ev.computer));
    let mut data = ev.data.clone();
    let content = data
        .remove("TaskContentNew")
        .or_else(|| data.remove("TaskContent"));
    rec.details
        .insert("event_data".into(), serde_json::Value::Object(data));
    let mut actor = String::new();
    if ev.channel == "Security" {
        actor = format!(
            "{}\\{}",
            ev.field("SubjectDomainName").unwrap_or_default(),
            ev.field("SubjectUserName").unwrap_or_default()
        );
        rec.details.insert("actor".into(), json!(actor));
        rec.details
            .insert("actor_sid".into(), json!(ev.field("SubjectUserSid")));
        rec.details
            .insert("logon_id".into(), json!(ev.field("SubjectLogonId")));
    } else if let Some(u) = ev.field("UserName").or_else(|| ev.field("UserContext")) {
        actor = u;
        rec.details.insert("actor".into(), json!(actor));
    }
    if let Some(xml) = content.as_ref().and_then(|c| c.as_str()) {
        match task_xml::parse_str(xml) {
            Ok(t) => {
                rec.command = t.command();
                rec.user = t.user();
                rec.schedule = t.schedule();
                rec.enabled = Some(t.settings.enabled);
                if let Ok(v) = serde_json::to_value(&t) {
                    rec.details.insert("task".into(), v);
                }
            }
            Err(e) => {
                rec.details
                    .insert("task_content_error".into(), json!(e.to_string()));
                rec.details.insert("task_content".into(), json!(xml));
            }
        }
    }
    match ev.event_id {
        129 => rec.command = ev.field("Path").unwrap_or_default(),
        200..=203 => rec.command = ev.field("ActionName").unwrap_or_default(),
        100 | 110 | 102 if rec.user.is_empty() => {
            rec.user = ev.field("UserContext").unwrap_or_default()
        }
        _ => {}
    }
    if ev.event_id == 4700 {
        rec.enabled = Some(true);
    } else if ev.event_id == 4701 || ev.event_id == 142 {
        rec.enabled = Some(false);
    }
    let mut msg = format!("{meaning} ({}) {name}", ev.event_id);
    if !actor.is_empty() && actor != "\\" {
        msg.push_str(&format!(" by {actor}"));
    }
    if !rec.command.is_empty() {
        msg.push_str(&format!(": {}", rec.command));
    }
    if let Some(r) = ev.field("ResultCode") {
        msg.push_str(&format!(" (result {r})"));
    }
    rec.message = msg;
    rec
}

const CREATE: [u32; 2] = [4698, 106];
const DELETE: [u32; 2] = [4699, 141];
const SECURITY_TASKS: [&str; 7] = [
    "\\microsoft\\windows\\windows defender\\",
    "\\microsoft\\windows\\systemrestore\\sr",
    "\\microsoft\\windows\\windowsupdate\\",
    "\\microsoft\\windows\\updateorchestrator\\",
    "\\microsoft\\windows\\bitlocker\\",
    "\\microsoft\\windows\\exploitguard\\",
    "\\microsoft\\windows\\exploit guard\\",
];

fn event_id(r: &Record) -> u32 {
    r.details
        .get("event_id")
        .and_then(|v| v.as_u64())
        .unwrap_or(0) as u32
}

fn time_secs(r: &Record) -> Option<i64> {
    r.times.first().map(|t| t.time.unix_seconds())
}

fn correlate(
    recs: &mut [Record],
    _all: &[(String, LogScan)],
    logons: &[evtx_events::Logon],
    shares: &[evtx_events::ShareAccess],
) {
    // Created and deleted within ten minutes.
    let mut pairs = Vec::new();
    for (i, c) in recs
        .iter()
        .enumerate()
        .filter(|(_, r)| CREATE.contains(&event_id(r)))
    {
        let Some(tc) = time_secs(c) else { continue };
        for (j, d) in recs
            .iter()
            .enumerate()
            .filter(|(_, r)| DELETE.contains(&event_id(r)))
        {
            if d.name.eq_ignore_ascii_case(&c.name) {
                if let Some(td) = time_secs(d) {
                    if (0..=600).contains(&(td - tc)) {
                        pairs.push((i, j, td - tc));
                    }
                }
            }
        }
    }
    for (i, j, secs) in pairs {
        for k in [i, j] {
            flag(
                &mut recs[k],
                "short-lived-task",
                format!("deleted {secs} s after it was created"),
            );
        }
    }
    for r in recs.iter_mut() {
        let id = event_id(r);
        let lname = r.name.to_lowercase();
        if matches!(id, 4701 | 142 | 4699 | 141)
            && SECURITY_TASKS.iter().any(|p| lname.starts_with(p))
        {
            let what = if matches!(id, 4701 | 142) {
                "disabled"
            } else {
                "deleted"
            };
            flag(
                r,
                "security-task-disabled",
                format!("security task {what} (event {id})"),
            );
        }
        if matches!(id, 4702 | 140) {
            flag(
                r,
                "task-content-changed",
                format!("the task was updated (event {id})"),
            );
        }
        let Some(lid) = r
            .details
            .get("logon_id")
            .and_then(|v| v.as_str())
            .map(str::to_string)
        else {
            continue;
        };
        let logon = logons
            .iter()
            .find(|l| l.logon_id.eq_ignore_ascii_case(&lid));
        let actor = r
            .details
            .get("actor")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_lowercase();
        let when = time_secs(r);
        // Each RPC call may get its own network logon: an atsvc pipe access by the same account
        // within a minute before the event counts too.
        let near = |s: &evtx_events::ShareAccess| {
            let same_user = !actor.is_empty() && s.user.to_lowercase() == actor;
            let dt = match (when, s.time) {
                (Some(a), Some(b)) => a - b.unix_seconds(),
                _ => i64::MAX,
            };
            same_user && (-5..=60).contains(&dt)
        };
        let pipe = shares.iter().find(|s| {
            s.target.to_lowercase().contains("atsvc")
                && (s.logon_id.eq_ignore_ascii_case(&lid) || near(s))
        });
        let leaf = r.name.rsplit('\\').next().unwrap_or("").to_lowercase();
        let output = shares.iter().find(|s| {
            !leaf.is_empty()
                && s.share.to_lowercase().ends_with("admin$")
                && s.target.to_lowercase().contains(&format!("{leaf}.tmp"))
        });
        if let Some(o) = output {
            r.details.insert(
                "output_read_over_smb".into(),
                serde_json::to_value(o).unwrap_or_default(),
            );
        }
        if let Some(l) = logon {
            r.details
                .insert("logon".into(), serde_json::to_value(l).unwrap_or_default());
        }
        if let Some(p) = pipe {
            r.details.insert(
                "atsvc_pipe".into(),
                serde_json::to_value(p).unwrap_or_default(),
            );
        }
        let network = logon.is_some_and(|l| l.logon_type == "3");
        if network || pipe.is_some() {
            let ip = pipe
                .map(|p| p.ip.clone())
                .or_else(|| logon.map(|l| l.ip.clone()))
                .unwrap_or_default();
            let how = match (network, pipe.is_some()) {
                (true, true) => "network logon and the atsvc pipe",
                (true, false) => "a network logon (type 3)",
                _ => "the atsvc pipe",
            };
            flag(
                r,
                "remote-task-creation",
                format!("logon {lid} from {ip} via {how}"),
            );
        }
    }
}
