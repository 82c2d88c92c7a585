//! Legacy Task Scheduler 1.0 `.job` files (`Windows\Tasks\*.job`, also written by at.exe and
//! the AtSvc `NetScheduleJobAdd` RPC). Layout per MS-TSCH 2.4 and formats.md §2: a 68-byte fixed
//! section, then a variable section of counted UTF-16 strings, user data, triggers, signature.

use super::bytes::{hex, Reader, Truncated};
use super::windows_guid;
use serde::Serialize;

/// A local date-time as stored in a SYSTEMTIME (no zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SystemTime {
    /// Year.
    pub year: u16,
    /// Month 1–12.
    pub month: u16,
    /// Day 1–31.
    pub day: u16,
    /// Hour.
    pub hour: u16,
    /// Minute.
    pub minute: u16,
    /// Second.
    pub second: u16,
    /// Millisecond.
    pub millisecond: u16,
}

impl SystemTime {
    /// As a civil date-time, when the fields form a valid one.
    pub fn civil(&self) -> Option<jiff::civil::DateTime> {
        jiff::civil::DateTime::new(
            self.year as i16,
            self.month as i8,
            self.day as i8,
            self.hour as i8,
            self.minute as i8,
            self.second as i8,
            (self.millisecond as i32).checked_mul(1_000_000)?,
        )
        .ok()
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmm`, or the raw numbers when invalid.
    pub fn text(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}",
            self.year, self.month, self.day, self.hour, self.minute, self.second, self.millisecond
        )
    }
}

/// One 48-byte trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobTrigger {
    /// Declared size (0x30).
    pub size: u16,
    /// Begin date (year, month, day).
    pub begin: (u16, u16, u16),
    /// End date, meaningful with flag 0x1.
    pub end: (u16, u16, u16),
    /// Start hour (local).
    pub start_hour: u16,
    /// Start minute (local).
    pub start_minute: u16,
    /// Repetition duration in minutes.
    pub duration_minutes: u32,
    /// Repetition interval in minutes.
    pub interval_minutes: u32,
    /// Flags: 0x1 has end date, 0x2 kill at duration end, 0x4 disabled.
    pub flags: u32,
    /// Type: 0 once, 1 daily, 2 weekly, 3 monthly by date, 4 monthly by weekday, 5 idle,
    /// 6 system start, 7 logon.
    pub kind: u32,
    /// The three type-specific u16 values.
    pub args: [u16; 3],
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn names(bits: u32, names: &[&str]) -> String {
    let v: Vec<&str> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect();
    v.join(",")
}

impl JobTrigger {
    /// Whether the trigger is enabled (flag 0x4 clear).
    pub fn enabled(&self) -> bool {
        self.flags & 0x4 == 0
    }

    /// The begin date and start time as a local date-time.
    pub fn start(&self) -> Option<jiff::civil::DateTime> {
        jiff::civil::DateTime::new(
            self.begin.0 as i16,
            self.begin.1 as i8,
            self.begin.2 as i8,
            self.start_hour as i8,
            self.start_minute as i8,
            0,
            0,
        )
        .ok()
    }

    /// One-line summary: `Weekly every 1 week(s) on Mon,Fri at 09:30 from 2023-08-01`.
    pub fn describe(&self) -> String {
        let at = format!("{:02}:{:02}", self.start_hour, self.start_minute);
        let from = format!(
            "{:04}-{:02}-{:02}",
            self.begin.0, self.begin.1, self.begin.2
        );
        let [a0, a1, a2] = self.args;
        let mut s = match self.kind {
            0 => format!("Once at {from} {at}"),
            1 => format!("Daily every {a0} day(s) at {at} from {from}"),
            2 => format!(
                "Weekly every {a0} week(s) on {} at {at} from {from}",
                names(a1 as u32, &DAYS)
            ),
            3 => {
                let days = a0 as u32 | (a1 as u32) << 16;
                let d: Vec<String> = (0..31)
                    .filter(|i| days & (1 << i) != 0)
                    .map(|i| (i + 1).to_string())
                    .collect();
                format!(
                    "Monthly on day {} of {} at {at} from {from}",
                    d.join(","),
                    names(a2 as u32, &MONTHS)
                )
            }
            4 => {
                let week = if a0 == 5 {
                    "last".to_string()
                } else {
                    a0.to_string()
                };
                format!(
                    "Monthly in week {week} on {} of {} at {at} from {from}",
                    names(a1 as u32, &DAYS),
                    names(a2 as u32, &MONTHS)
                )
            }
            5 => "On idle".to_string(),
            6 => "At system start".to_string(),
            7 => "At logon".to_string(),
            k => format!("Unknown trigger type {k}"),
        };
        if self.flags & 0x1 != 0 {
            s.push_str(&format!(
                " until {:04}-{:02}-{:02}",
                self.end.0, self.end.1, self.end.2
            ));
        }
        if self.interval_minutes > 0 {
            s.push_str(&format!(
                ", repeat every {} min for {} min",
                self.interval_minutes, self.duration_minutes
            ));
        }
        if !self.enabled() {
            s.push_str(" (disabled)");
        }
        s
    }
}

/// A parsed `.job` file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobFile {
    /// Product version (0x0400 NT4 … 0x0A00 Windows 10).
    pub product_version: u16,
    /// File format version (1).
    pub file_version: u16,
    /// Job UUID.
    pub uuid: String,
    /// Absolute offset of the application-name length field.
    pub app_name_offset: u16,
    /// Absolute offset of the trigger-count field.
    pub triggers_offset: u16,
    /// Error retry count.
    pub error_retry_count: u16,
    /// Error retry interval, minutes.
    pub error_retry_interval: u16,
    /// Idle deadline, minutes.
    pub idle_deadline: u16,
    /// Idle wait, minutes.
    pub idle_wait: u16,
    /// Priority class bits (0x20 normal, 0x40 idle, 0x80 high, 0x100 realtime).
    pub priority: u32,
    /// Maximum run time, milliseconds.
    pub max_run_time_ms: u32,
    /// Exit code of the last run.
    pub exit_code: u32,
    /// Status (SCHED_S_* code).
    pub status: u32,
    /// Task flags (0x4 disabled, 0x200 hidden, …).
    pub flags: u32,
    /// Last run, local time; `None` when all zero (never ran).
    pub last_run: Option<SystemTime>,
    /// Running instance count.
    pub running_instances: u16,
    /// Application (program) path.
    pub application: String,
    /// Parameters.
    pub parameters: String,
    /// Working directory.
    pub working_directory: String,
    /// Author (`DOMAIN\user`; a machine account for AtSvc jobs).
    pub author: String,
    /// Comment (`Created by NetScheduleJobAdd.` for AtSvc jobs).
    pub comment: String,
    /// User data, hex.
    pub user_data: String,
    /// HRESULT of the last start attempt, when the reserved data is present.
    pub start_error: Option<u32>,
    /// Task flags from the reserved data, when present.
    pub reserved_flags: Option<u32>,
    /// Triggers.
    pub triggers: Vec<JobTrigger>,
    /// Signature header and body (hex), when present.
    pub signature: Option<String>,
    /// Oddities met while parsing (declared offsets that disagree with the data, …).
    pub warnings: Vec<String>,
}

impl JobFile {
    /// Whether the job is enabled (task flag 0x4 clear).
    pub fn enabled(&self) -> bool {
        self.flags & 0x4 == 0
    }

    /// Whether the hidden flag (0x200) is set.
    pub fn hidden(&self) -> bool {
        self.flags & 0x200 != 0
    }

    /// The command line: application and parameters.
    pub fn command(&self) -> String {
        if self.parameters.is_empty() {
            self.application.clone()
        } else {
            format!("{} {}", self.application, self.parameters)
        }
    }

    /// The status code's name.
    pub fn status_name(&self) -> &'static str {
        match self.status {
            0x41300 => "ready",
            0x41301 => "running",
            0x41302 => "disabled",
            0x41303 => "has not run",
            0x41304 => "no more runs",
            0x41305 => "not scheduled",
            0x41306 => "terminated",
            0x41307 => "no valid triggers",
            0x4131B | 0x4311B => "some triggers failed",
            0x4131C | 0x4311C => "batch logon problem",
            0x41325 | 0x43125 => "queued",
            0 => "ok",
            _ => "unknown",
        }
    }

    /// Whether the job was made by at.exe / `NetScheduleJobAdd` (its comment says so).
    pub fn made_by_atsvc(&self) -> bool {
        self.comment.contains("NetScheduleJobAdd")
    }
}

/// Why a `.job` file could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// Shorter than a field it must hold.
    #[error("{0}")]
    Truncated(#[from] Truncated),
    /// The header does not look like a job file.
    #[error("not a .job file: {0}")]
    NotAJob(String),
}

fn counted_string(r: &mut Reader<'_>, what: &str) -> Result<String, Truncated> {
    let chars = r.u16(what)? as usize;
    r.utf16(chars, what)
}

const MAX_TRIGGERS: u16 = 1024;

/// Parses a `.job` file.
pub fn parse(data: &[u8]) -> Result<JobFile, JobError> {
    let mut r = Reader::new(data);
    let product_version = r.u16("product version")?;
    let file_version = r.u16("file version")?;
    let uuid = windows_guid(r.bytes(16, "job UUID")?);
    let app_name_offset = r.u16("application name offset")?;
    let triggers_offset = r.u16("trigger offset")?;
    if file_version != 1 || !(0x0400..=0x0AFF).contains(&product_version) {
        return Err(JobError::NotAJob(format!(
            "product version 0x{product_version:04x}, file version {file_version}"
        )));
    }
    let mut warnings = Vec::new();
    let error_retry_count = r.u16("error retry count")?;
    let error_retry_interval = r.u16("error retry interval")?;
    let idle_deadline = r.u16("idle deadline")?;
    let idle_wait = r.u16("idle wait")?;
    let priority = r.u32("priority")?;
    let max_run_time_ms = r.u32("maximum run time")?;
    let exit_code = r.u32("exit code")?;
    let status = r.u32("status")?;
    let flags = r.u32("task flags")?;
    let mut st = [0u16; 8];
    for v in st.iter_mut() {
        *v = r.u16("last run time")?;
    }
    let last_run = (st.iter().any(|&v| v != 0)).then_some(SystemTime {
        year: st[0],
        month: st[1],
        day: st[3],
        hour: st[4],
        minute: st[5],
        second: st[6],
        millisecond: st[7],
    });
    // Variable section at 0x44.
    let running_instances = r.u16("running instance count")?;
    if r.pos() != app_name_offset as usize {
        warnings.push(format!(
            "application name offset in the header is 0x{app_name_offset:x}, the data has it at 0x{:x}",
            r.pos()
        ));
    }
    let application = counted_string(&mut r, "application name")?;
    let parameters = counted_string(&mut r, "parameters")?;
    let working_directory = counted_string(&mut r, "working directory")?;
    let author = counted_string(&mut r, "author")?;
    let comment = counted_string(&mut r, "comment")?;
    let ud_len = r.u16("user data size")? as usize;
    let user_data = hex(r.bytes(ud_len, "user data")?);
    let reserved_size = r.u16("reserved data size")?;
    let (start_error, reserved_flags) = if reserved_size == 8 {
        (
            Some(r.u32("start error")?),
            Some(r.u32("reserved task flags")?),
        )
    } else {
        r.skip(reserved_size as usize, "reserved data")?;
        (None, None)
    };
    if r.pos() != triggers_offset as usize {
        warnings.push(format!(
            "trigger offset in the header is 0x{triggers_offset:x}, the data has it at 0x{:x}",
            r.pos()
        ));
    }
    let count = r.u16("trigger count")?;
    if count > MAX_TRIGGERS {
        return Err(JobError::NotAJob(format!("{count} triggers claimed")));
    }
    let mut triggers = Vec::new();
    for i in 0..count {
        let what = format!("trigger {}", i + 1);
        let t = r.bytes(48, &what)?;
        let mut tr = Reader::new(t);
        let size = tr.u16(&what)?;
        tr.skip(2, &what)?;
        let begin = (tr.u16(&what)?, tr.u16(&what)?, tr.u16(&what)?);
        let end = (tr.u16(&what)?, tr.u16(&what)?, tr.u16(&what)?);
        let start_hour = tr.u16(&what)?;
        let start_minute = tr.u16(&what)?;
        let duration_minutes = tr.u32(&what)?;
        let interval_minutes = tr.u32(&what)?;
        let tflags = tr.u32(&what)?;
        let kind = tr.u32(&what)?;
        let args = [tr.u16(&what)?, tr.u16(&what)?, tr.u16(&what)?];
        triggers.push(JobTrigger {
            size,
            begin,
            end,
            start_hour,
            start_minute,
            duration_minutes,
            interval_minutes,
            flags: tflags,
            kind,
            args,
        });
    }
    let signature =
        (r.remaining() >= 4).then(|| hex(r.bytes(r.remaining(), "signature").unwrap_or_default()));
    Ok(JobFile {
        product_version,
        file_version,
        uuid,
        app_name_offset,
        triggers_offset,
        error_retry_count,
        error_retry_interval,
        idle_deadline,
        idle_wait,
        priority,
        max_run_time_ms,
        exit_code,
        status,
        flags,
        last_run,
        running_instances,
        application,
        parameters,
        working_directory,
        author,
        comment,
        user_data,
        start_error,
        reserved_flags,
        triggers,
        signature,
        warnings,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn counted(s: &str) -> Vec<u8> {
        if s.is_empty() {
            return vec![0, 0];
        }
        let units: Vec<u16> = s.encode_utf16().chain([0]).collect();
        let mut v = (units.len() as u16).to_le_bytes().to_vec();
        v.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        v
    }

    /// The artemis `At1.job` sample rebuilt from the byte-by-byte description in formats.md §2.4
    /// (340 bytes; the 64 signature bytes are not described, zeros stand in for them).
    pub(crate) fn at1_job() -> Vec<u8> {
        let mut v = Vec::new();
        v.extend(0x0A00u16.to_le_bytes());
        v.extend(1u16.to_le_bytes());
        v.extend([0x11; 16]);
        v.extend(0x46u16.to_le_bytes());
        v.extend(0xDEu16.to_le_bytes());
        v.extend([0u8; 8]); // retry count/interval, idle deadline/wait
        v.extend(0x20u32.to_le_bytes());
        v.extend(259_200_000u32.to_le_bytes());
        v.extend(0u32.to_le_bytes());
        v.extend(0x41303u32.to_le_bytes());
        v.extend(0x0120_0002u32.to_le_bytes());
        v.extend([0u8; 16]); // last run: never
        v.extend(0u16.to_le_bytes()); // running instances
        v.extend(counted("cmd.exe"));
        v.extend(counted(""));
        v.extend(counted(""));
        v.extend(counted("WORKGROUP\\DESKTOP-EIS938N$"));
        v.extend(counted("Created by NetScheduleJobAdd."));
        v.extend(0u16.to_le_bytes()); // user data
        v.extend(8u16.to_le_bytes());
        v.extend(0x41303u32.to_le_bytes());
        v.extend(0u32.to_le_bytes());
        assert_eq!(v.len(), 0xDE);
        v.extend(1u16.to_le_bytes());
        let mut t = vec![0u8; 48];
        t[0..2].copy_from_slice(&0x30u16.to_le_bytes());
        t[4..10].copy_from_slice(&[0xE7, 0x07, 8, 0, 1, 0]); // 2023-08-01
        t[36..42].copy_from_slice(&[0xD8, 0x00, 0xD8, 0x20, 0xA2, 0xB7]);
        v.extend(t);
        assert_eq!(v.len(), 0x110);
        v.extend(1u16.to_le_bytes());
        v.extend(1u16.to_le_bytes());
        v.extend([0u8; 64]);
        assert_eq!(v.len(), 340);
        v
    }

    #[test]
    fn parses_at1_sample() {
        let j = parse(&at1_job()).unwrap();
        assert_eq!(j.product_version, 0x0A00);
        assert_eq!(j.application, "cmd.exe");
        assert_eq!(j.author, "WORKGROUP\\DESKTOP-EIS938N$");
        assert_eq!(j.comment, "Created by NetScheduleJobAdd.");
        assert!(j.made_by_atsvc());
        assert_eq!(j.status_name(), "has not run");
        assert_eq!(j.flags, 0x0120_0002);
        assert_eq!(j.max_run_time_ms, 259_200_000);
        assert_eq!(j.last_run, None);
        assert_eq!(j.start_error, Some(0x41303));
        assert_eq!(j.triggers.len(), 1);
        assert_eq!(j.triggers[0].describe(), "Once at 2023-08-01 00:00");
        assert!(j.warnings.is_empty(), "{:?}", j.warnings);
        assert!(j.signature.as_deref().unwrap().starts_with("01000100"));
    }

    #[test]
    fn truncated_and_foreign() {
        let b = at1_job();
        for cut in [0, 10, 0x44, 0x50, 0xE0, 0x100] {
            assert!(parse(&b[..cut]).is_err(), "cut at {cut}");
        }
        assert!(matches!(
            parse(&[b"<?xml version=\"1.0\"?>".as_slice(), &[0u8; 100]].concat()),
            Err(JobError::NotAJob(_))
        ));
    }

    #[test]
    fn trigger_kinds() {
        let mut t = JobTrigger {
            size: 48,
            begin: (2024, 1, 2),
            end: (2024, 12, 31),
            start_hour: 9,
            start_minute: 5,
            duration_minutes: 60,
            interval_minutes: 10,
            flags: 0x1,
            kind: 2,
            args: [1, 0x22, 0],
        };
        assert_eq!(
            t.describe(),
            "Weekly every 1 week(s) on Mon,Fri at 09:05 from 2024-01-02 until 2024-12-31, repeat every 10 min for 60 min"
        );
        t.kind = 3;
        t.args = [0x4001, 0, 0x41];
        t.flags = 0x4;
        t.interval_minutes = 0;
        assert_eq!(
            t.describe(),
            "Monthly on day 1,15 of Jan,Jul at 09:05 from 2024-01-02 (disabled)"
        );
    }
}
