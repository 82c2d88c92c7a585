//! Task-related records of Windows event logs (.evtx, through the `evtx` crate): Security
//! 4698–4702 with the task XML they carry, TaskScheduler/Operational events that name a task,
//! and the 4624 logons and 5145 share accesses that tell a remote creation.

use crate::time::Time;
use serde::Serialize;
use serde_json::{Map, Value};

/// One event that names a task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskEvent {
    /// EventRecordID.
    pub record_id: u64,
    /// System/TimeCreated (UTC, 100 ns).
    pub time: Option<Time>,
    /// Event ID.
    pub event_id: u32,
    /// Channel (`Security`, `Microsoft-Windows-TaskScheduler/Operational`).
    pub channel: String,
    /// Computer name.
    pub computer: String,
    /// The task name (`\Folder\Task`).
    pub task_name: String,
    /// Every EventData field.
    pub data: Map<String, Value>,
}

impl TaskEvent {
    /// A string field of EventData.
    pub fn field(&self, name: &str) -> Option<String> {
        match self.data.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// What the event means, for `timestamp_desc` and messages.
    pub fn meaning(&self) -> &'static str {
        meaning(&self.channel, self.event_id)
    }
}

/// A 4624 logon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Logon {
    /// TargetLogonId (hex text as logged).
    pub logon_id: String,
    /// LogonType (3 = network).
    pub logon_type: String,
    /// Account.
    pub user: String,
    /// Source address.
    pub ip: String,
    /// When.
    pub time: Option<Time>,
}

/// A 5145 share access.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareAccess {
    /// SubjectLogonId.
    pub logon_id: String,
    /// ShareName (`\\*\IPC$`).
    pub share: String,
    /// RelativeTargetName (`atsvc`).
    pub target: String,
    /// Source address.
    pub ip: String,
    /// Account (`DOMAIN\user`).
    pub user: String,
    /// When.
    pub time: Option<Time>,
}

/// What a log yielded.
#[derive(Debug, Clone, Default)]
pub struct LogScan {
    /// Records that name a task.
    pub tasks: Vec<TaskEvent>,
    /// 4624 logons.
    pub logons: Vec<Logon>,
    /// 5145 share accesses.
    pub shares: Vec<ShareAccess>,
    /// Records read.
    pub records: usize,
    /// Records (or chunks) that could not be read.
    pub errors: usize,
    /// The first few errors, for the problem message.
    pub error_samples: Vec<String>,
}

/// The meaning of an event id on a channel.
pub fn meaning(channel: &str, id: u32) -> &'static str {
    if channel == "Security" {
        return match id {
            4698 => "Task Created",
            4699 => "Task Deleted",
            4700 => "Task Enabled",
            4701 => "Task Disabled",
            4702 => "Task Updated",
            _ => "Security Event",
        };
    }
    match id {
        100 => "Task Started",
        101 => "Task Start Failed",
        102 => "Task Completed",
        103 => "Action Start Failed",
        106 => "Task Registered",
        107 => "Task Triggered on Scheduler",
        108 => "Task Triggered on Event",
        109 => "Task Triggered by Registration",
        110 => "Task Triggered by User",
        111 => "Task Terminated",
        114 => "Missed Task Started",
        118 => "Task Triggered by Computer Startup",
        119 => "Task Triggered on Logon",
        129 => "Task Process Created",
        140 => "Task Updated",
        141 => "Task Deleted",
        142 => "Task Disabled",
        153 => "Missed Task Launch",
        200 => "Action Started",
        201 => "Action Completed",
        202 => "Action Failed",
        203 => "Action Start Failed",
        _ => "Task Event",
    }
}

/// The text of a named EventData field, empty when the record lacks it (fuzzing found that
/// indexing a map by a missing name panics; a damaged log must not stop the scan).
fn field(data: &Map<String, Value>, name: &str) -> String {
    data.get(name).map(s).unwrap_or_default()
}

fn s(v: &Value) -> String {
    match v {
        Value::String(x) => x.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn event_time(sys: &Value) -> Option<Time> {
    let t = sys
        .pointer("/TimeCreated/#attributes/SystemTime")?
        .as_str()?;
    let ts: jiff::Timestamp = t.parse().ok()?;
    let digits = t
        .split_once('.')
        .map(|(_, f)| f.trim_end_matches('Z').len().min(9) as u8)
        .unwrap_or(0);
    Time::from_timestamp(ts, digits)
}

/// An event's data fields, without the element's own `#attributes`.
fn named_fields(m: &Map<String, Value>) -> Map<String, Value> {
    m.iter()
        .filter(|(k, _)| *k != "#attributes")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Reads every record of an .evtx file; bad records and chunks are counted, not fatal.
pub fn scan(bytes: Vec<u8>) -> Result<LogScan, String> {
    let mut parser = evtx::EvtxParser::from_buffer(bytes).map_err(|e| e.to_string())?;
    let mut out = LogScan::default();
    for rec in parser.records_json_value() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                out.errors += 1;
                if out.error_samples.len() < 3 {
                    out.error_samples.push(e.to_string());
                }
                continue;
            }
        };
        out.records += 1;
        let ev = &rec.data["Event"];
        let sys = &ev["System"];
        let id = sys["EventID"]
            .as_u64()
            .or_else(|| sys.pointer("/EventID/#text").and_then(Value::as_u64))
            .unwrap_or(0) as u32;
        let channel = s(&sys["Channel"]);
        let time = event_time(sys);
        let mut data: Map<String, Value> = match &ev["EventData"] {
            Value::Object(m) => named_fields(m),
            _ => Map::new(),
        };
        if data.is_empty() {
            // Some providers log under UserData/<element>.
            if let Some(Value::Object(u)) = ev.get("UserData") {
                if let Some(Value::Object(inner)) = u.values().next() {
                    data = named_fields(inner);
                }
            }
        }
        match (channel.as_str(), id) {
            ("Security", 4624) => out.logons.push(Logon {
                logon_id: field(&data, "TargetLogonId"),
                logon_type: field(&data, "LogonType"),
                user: format!(
                    "{}\\{}",
                    field(&data, "TargetDomainName"),
                    field(&data, "TargetUserName")
                ),
                ip: field(&data, "IpAddress"),
                time,
            }),
            ("Security", 5145) => out.shares.push(ShareAccess {
                logon_id: field(&data, "SubjectLogonId"),
                share: field(&data, "ShareName"),
                target: field(&data, "RelativeTargetName"),
                ip: field(&data, "IpAddress"),
                user: format!(
                    "{}\\{}",
                    field(&data, "SubjectDomainName"),
                    field(&data, "SubjectUserName")
                ),
                time,
            }),
            _ => {
                let Some(task) = data.get("TaskName").map(s).filter(|t| !t.is_empty()) else {
                    continue;
                };
                let security_task = channel == "Security" && (4698..=4702).contains(&id);
                if channel == "Security" && !security_task {
                    continue;
                }
                out.tasks.push(TaskEvent {
                    record_id: sys["EventRecordID"].as_u64().unwrap_or(rec.event_record_id),
                    time,
                    event_id: id,
                    channel,
                    computer: s(&sys["Computer"]),
                    task_name: task,
                    data,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meanings() {
        assert_eq!(meaning("Security", 4698), "Task Created");
        assert_eq!(
            meaning("Microsoft-Windows-TaskScheduler/Operational", 141),
            "Task Deleted"
        );
        assert!(scan(b"not an evtx file at all".to_vec()).is_err());
    }
}
