//! The binary values of `Schedule\TaskCache\Tasks\{GUID}` in the SOFTWARE hive: `Actions`,
//! `DynamicInfo` and `Triggers` (formats.md §3.3–3.5). Whatever is not understood is kept as hex
//! with its offset — never guessed.

use super::bytes::{hex, utf16_lossy, Reader, Truncated};
use super::windows_guid;
use crate::time::Time;
use serde::Serialize;

// ---------------------------------------------------------------- Actions

/// One action from the `Actions` blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum CachedAction {
    /// 0x6666: run a program.
    Exec {
        /// Action id.
        id: String,
        /// Program.
        command: String,
        /// Arguments.
        arguments: String,
        /// Working directory.
        working_directory: String,
        /// Trailing flags (version 3 only).
        #[serde(skip_serializing_if = "Option::is_none")]
        flags: Option<u16>,
    },
    /// 0x7777: COM handler.
    ComHandler {
        /// Action id.
        id: String,
        /// CLSID.
        class_id: String,
        /// Data.
        data: String,
    },
    /// 0x8888: send e-mail.
    SendEmail {
        /// Action id.
        id: String,
        /// From.
        from: String,
        /// To.
        to: String,
        /// Cc.
        cc: String,
        /// Bcc.
        bcc: String,
        /// Reply-to.
        reply_to: String,
        /// SMTP server.
        server: String,
        /// Subject.
        subject: String,
        /// Body.
        body: String,
        /// Attachment names.
        attachments: Vec<String>,
        /// Extra headers.
        headers: Vec<(String, String)>,
    },
    /// 0x9999: show a message.
    ShowMessage {
        /// Action id.
        id: String,
        /// Caption.
        caption: String,
        /// Text.
        text: String,
    },
}

impl CachedAction {
    /// The command line as the system would run it, in the same form as the XML collector's.
    pub fn command_line(&self) -> String {
        match self {
            CachedAction::Exec {
                command, arguments, ..
            } => {
                if arguments.is_empty() {
                    command.clone()
                } else {
                    format!("{command} {arguments}")
                }
            }
            CachedAction::ComHandler { class_id, data, .. } => {
                if data.is_empty() {
                    format!("com:{class_id}")
                } else {
                    format!("com:{class_id} {data}")
                }
            }
            CachedAction::SendEmail { to, subject, .. } => {
                format!("send-email to={to} subject={subject}")
            }
            CachedAction::ShowMessage { caption, .. } => format!("show-message {caption}"),
        }
    }
}

/// The decoded `Actions` value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actions {
    /// Blob version (2 on Server 2016, 3 on Windows 10/11).
    pub version: u16,
    /// Principal id the actions run under, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The actions in order.
    pub actions: Vec<CachedAction>,
    /// Bytes that could not be decoded (offset, hex), when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undecoded: Option<(usize, String)>,
    /// Why decoding stopped early, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Actions {
    /// Every action's command line joined with ` ; `.
    pub fn command(&self) -> String {
        self.actions
            .iter()
            .map(CachedAction::command_line)
            .collect::<Vec<_>>()
            .join(" ; ")
    }
}

const ACTION_MAGICS: [u16; 4] = [0x6666, 0x7777, 0x8888, 0x9999];

fn bstr(r: &mut Reader<'_>, what: &str) -> Result<String, Truncated> {
    let len = r.u32(what)? as usize;
    Ok(utf16_lossy(r.bytes(len, what)?))
}

/// Whether a context BSTR starts at the reader's position: an even length that fits, followed by
/// the end of the data or an action magic.
fn context_present(data: &[u8], at: usize) -> bool {
    let mut r = Reader::new(data);
    if r.seek(at, "").is_err() {
        return false;
    }
    let Ok(len) = r.u32("") else { return false };
    let len = len as usize;
    if len % 2 != 0 || len > r.remaining() {
        return false;
    }
    let _ = r.skip(len, "");
    r.remaining() == 0
        || r.u16("")
            .map(|m| ACTION_MAGICS.contains(&m))
            .unwrap_or(false)
}

/// Decodes an `Actions` blob. Fails only when not even the version can be read; later damage is
/// reported in `error` with the rest kept in `undecoded`.
pub fn parse_actions(data: &[u8]) -> Result<Actions, Truncated> {
    let mut r = Reader::new(data);
    let version = r.u16("actions version")?;
    let context = if context_present(data, 2) {
        Some(bstr(&mut r, "context")?)
    } else {
        None
    };
    let mut out = Actions {
        version,
        context,
        actions: Vec::new(),
        undecoded: None,
        error: None,
    };
    while r.remaining() > 0 {
        let start = r.pos();
        match parse_action(&mut r, version) {
            Ok(a) => out.actions.push(a),
            Err(e) => {
                out.error = Some(e);
                out.undecoded = Some((start, hex(&data[start..])));
                break;
            }
        }
    }
    Ok(out)
}

fn parse_action(r: &mut Reader<'_>, version: u16) -> Result<CachedAction, String> {
    let magic = r.u16("action magic").map_err(|e| e.to_string())?;
    let t = |e: Truncated| e.to_string();
    match magic {
        0x6666 => {
            let id = bstr(r, "action id").map_err(t)?;
            let command = bstr(r, "command").map_err(t)?;
            let arguments = bstr(r, "arguments").map_err(t)?;
            let working_directory = bstr(r, "working directory").map_err(t)?;
            let flags = if version >= 3 && r.remaining() >= 2 {
                Some(r.u16("exec flags").map_err(t)?)
            } else {
                None
            };
            Ok(CachedAction::Exec {
                id,
                command,
                arguments,
                working_directory,
                flags,
            })
        }
        0x7777 => {
            let id = bstr(r, "action id").map_err(t)?;
            let class_id = format!("{{{}}}", windows_guid(r.bytes(16, "CLSID").map_err(t)?));
            let data = bstr(r, "COM data").map_err(t)?;
            Ok(CachedAction::ComHandler { id, class_id, data })
        }
        0x8888 => {
            let id = bstr(r, "action id").map_err(t)?;
            let mut f = Vec::new();
            for what in [
                "from", "to", "cc", "bcc", "reply-to", "server", "subject", "body",
            ] {
                f.push(bstr(r, what).map_err(t)?);
            }
            let n = r.u32("attachment count").map_err(t)?;
            if n as usize > r.remaining() / 4 {
                return Err(format!("{n} attachments claimed"));
            }
            let attachments = (0..n)
                .map(|_| bstr(r, "attachment"))
                .collect::<Result<Vec<_>, _>>()
                .map_err(t)?;
            let n = r.u32("header count").map_err(t)?;
            if n as usize > r.remaining() / 8 {
                return Err(format!("{n} headers claimed"));
            }
            let mut headers = Vec::new();
            for _ in 0..n {
                headers.push((
                    bstr(r, "header name").map_err(t)?,
                    bstr(r, "header value").map_err(t)?,
                ));
            }
            let mut it = f.into_iter();
            let mut next = || it.next().unwrap_or_default();
            Ok(CachedAction::SendEmail {
                id,
                from: next(),
                to: next(),
                cc: next(),
                bcc: next(),
                reply_to: next(),
                server: next(),
                subject: next(),
                body: next(),
                attachments,
                headers,
            })
        }
        0x9999 => {
            let id = bstr(r, "action id").map_err(t)?;
            let caption = bstr(r, "caption").map_err(t)?;
            let text = bstr(r, "text").map_err(t)?;
            Ok(CachedAction::ShowMessage { id, caption, text })
        }
        other => Err(format!(
            "unknown action magic 0x{other:04x} at offset {}",
            r.pos() - 2
        )),
    }
}

// ---------------------------------------------------------------- DynamicInfo

/// The decoded `DynamicInfo` value (28 or 36 bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DynamicInfo {
    /// Length of the value (28 before Windows 8, 36 after).
    pub length: usize,
    /// First u32 (3 in every known sample).
    pub magic: u32,
    /// Last registration (or update) time, UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered: Option<Time>,
    /// Last run start, UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_run: Option<Time>,
    /// u32 at 0x14 (an HRESULT on older systems, 0 on Windows 10).
    pub result_0x14: u32,
    /// u32 at 0x18 (the last error code on Windows 10).
    pub result_0x18: u32,
    /// End of the last run, UTC (36-byte form only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_completed: Option<Time>,
}

impl DynamicInfo {
    /// The last result: whichever of the two u32 fields is non-zero (0x18 first).
    pub fn last_result(&self) -> u32 {
        if self.result_0x18 != 0 {
            self.result_0x18
        } else {
            self.result_0x14
        }
    }
}

fn filetime_opt(ft: u64) -> Option<Time> {
    if ft == 0x7FFF_FFFF_FFFF_FFFF {
        None
    } else {
        Time::from_filetime(ft)
    }
}

/// Decodes a `DynamicInfo` value; other lengths than 28 and 36 are decoded as far as 28 bytes go.
pub fn parse_dynamic_info(data: &[u8]) -> Result<DynamicInfo, Truncated> {
    let mut r = Reader::new(data);
    let magic = r.u32("magic")?;
    let registered = filetime_opt(r.u64("registration time")?);
    let last_run = filetime_opt(r.u64("last run time")?);
    let result_0x14 = r.u32("result at 0x14")?;
    let result_0x18 = r.u32("result at 0x18")?;
    let last_completed = if data.len() >= 36 {
        filetime_opt(r.u64("last completed time")?)
    } else {
        None
    };
    Ok(DynamicInfo {
        length: data.len(),
        magic,
        registered,
        last_run,
        result_0x14,
        result_0x18,
        last_completed,
    })
}

// ---------------------------------------------------------------- Triggers

/// A `TSTIME`: a FILETIME and whether it is the registering host's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TsTime {
    /// True when the FILETIME is a local clock reading.
    pub local: bool,
    /// The time, when not zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Time>,
}

impl TsTime {
    /// The time as text: UTC with `Z`, or a local clock reading without a zone and ` (local)`.
    pub fn text(&self, t: Time) -> String {
        let s = t.to_string();
        if self.local {
            format!("{} (local)", s.trim_end_matches('Z'))
        } else {
            s
        }
    }
}

/// The job bucket that precedes the triggers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JobBucket {
    /// Flags (0x400000 enabled, 0x800000 hidden, …).
    pub flags: u32,
    /// CRC32 of the task XML as the service computed it.
    pub crc32: u32,
    /// Principal id (version ≥ 0x16).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// Principal display name (version ≥ 0x17).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// User SID, when stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_sid: Option<String>,
    /// User name, when stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// Length of the optional settings block (0, 0x30, 0x38, 0x58).
    pub optional_settings_length: u32,
    /// Execution time limit, seconds, from the optional settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_time_limit_s: Option<u32>,
    /// Priority, from the optional settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
}

impl JobBucket {
    /// Enabled bit (0x400000).
    pub fn enabled(&self) -> bool {
        self.flags & 0x40_0000 != 0
    }

    /// Hidden bit (0x800000).
    pub fn hidden(&self) -> bool {
        self.flags & 0x80_0000 != 0
    }
}

/// One trigger from the `Triggers` blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CachedTrigger {
    /// The magic (0xDDDD time/calendar, 0xAAAA logon, …).
    pub magic: u32,
    /// `Boot`, `Idle`, `Time`/`Daily`/`Weekly`/`Monthly`/`MonthlyDOW`, `Event`, `Logon`,
    /// `Registration`, `SessionStateChange`, `WnfStateChange`.
    pub kind: String,
    /// Start boundary.
    pub start: TsTime,
    /// End boundary.
    pub end: TsTime,
    /// Enabled flag.
    pub enabled: bool,
    /// Repetition interval, seconds.
    pub repetition_interval_s: u32,
    /// Repetition duration, seconds.
    pub repetition_duration_s: u32,
    /// Delay (generic triggers) or maximum random delay (time triggers), seconds.
    pub delay_s: u32,
    /// Trigger id.
    pub id: String,
    /// Kind-specific values (days interval, weekday bitmap, subscription, user, state …).
    pub extra: std::collections::BTreeMap<String, String>,
}

/// The decoded `Triggers` value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Triggers {
    /// Blob version (0x17 on Windows 10+).
    pub version: u8,
    /// Earliest start boundary of all triggers.
    pub start_boundary: TsTime,
    /// Latest end boundary.
    pub end_boundary: TsTime,
    /// Whether the padding bytes are 0x48 ('H') as the service writes them; `false` hints at a
    /// hand-made blob (true proves nothing: GhostTask copies the padding).
    pub padding_is_0x48: bool,
    /// The job bucket.
    pub job: JobBucket,
    /// The triggers decoded.
    pub triggers: Vec<CachedTrigger>,
    /// Undecoded rest (offset, hex), when decoding stopped early.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undecoded: Option<(usize, String)>,
    /// Why decoding stopped early.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

struct Aligned<'a, 'b> {
    r: &'b mut Reader<'a>,
    pads: Vec<u8>,
}

impl Aligned<'_, '_> {
    fn pad(&mut self, n: usize, what: &str) -> Result<(), Truncated> {
        let b = self.r.bytes(n, what)?;
        self.pads.extend_from_slice(b);
        Ok(())
    }
    fn a1(&mut self, what: &str) -> Result<u8, Truncated> {
        let v = self.r.u8(what)?;
        self.pad(7, what)?;
        Ok(v)
    }
    fn a4(&mut self, what: &str) -> Result<u32, Truncated> {
        let v = self.r.u32(what)?;
        self.pad(4, what)?;
        Ok(v)
    }
    fn tstime(&mut self, what: &str) -> Result<TsTime, Truncated> {
        let local = self.a1(what)? != 0;
        let ft = self.r.u64(what)?;
        Ok(TsTime {
            local,
            time: filetime_opt(ft),
        })
    }
    fn pad_to_8(&mut self, len: usize, what: &str) -> Result<(), Truncated> {
        let rem = len % 8;
        if rem != 0 {
            self.pad(8 - rem, what)?;
        }
        Ok(())
    }
    /// `a4` byte count + UTF-16 + pad to 8.
    fn astr(&mut self, what: &str) -> Result<String, Truncated> {
        let n = self.a4(what)? as usize;
        let s = utf16_lossy(self.r.bytes(n, what)?);
        self.pad_to_8(n, what)?;
        Ok(s)
    }
    /// `a4` char count (no NUL) + (2n+2) bytes + pad to 8.
    fn astr_chars(&mut self, what: &str) -> Result<String, Truncated> {
        let n = self.a4(what)? as usize;
        let bytes = n
            .checked_mul(2)
            .and_then(|b| b.checked_add(2))
            .ok_or_else(|| Truncated {
                what: what.into(),
                offset: self.r.pos(),
                need: usize::MAX,
                have: self.r.remaining(),
            })?;
        let s = utf16_lossy(self.r.bytes(bytes, what)?);
        self.pad_to_8(bytes, what)?;
        Ok(s)
    }
    /// `a4` byte count + bytes + pad to 8; returns the bytes as hex.
    fn abuf(&mut self, what: &str) -> Result<String, Truncated> {
        let n = self.a4(what)? as usize;
        let b = hex(self.r.bytes(n, what)?);
        self.pad_to_8(n, what)?;
        Ok(b)
    }
    /// Trigger id: u32 byte length + UTF-16, padded so 4 + length is a multiple of 8.
    fn trigger_id(&mut self, what: &str) -> Result<String, Truncated> {
        let n = self.r.u32(what)? as usize;
        let s = utf16_lossy(self.r.bytes(n, what)?);
        self.pad_to_8(4 + n, what)?;
        Ok(s)
    }
    fn user_info(
        &mut self,
        extra: &mut std::collections::BTreeMap<String, String>,
    ) -> Result<(), Truncated> {
        let skip_user = self.a1("user info: skip user")?;
        let mut skip_sid = 1;
        if skip_user == 0 {
            skip_sid = self.a1("user info: skip SID")?;
        }
        if skip_user == 0 && skip_sid == 0 {
            let t = self.a4("user info: SID type")?;
            extra.insert("sid_type".into(), t.to_string());
            let n = self.a4("user info: SID length")? as usize;
            let sid = self.r.bytes(n, "user info: SID")?;
            if let Ok(s) = super::security_descriptor::sid_at(sid, 0) {
                extra.insert("user_sid".into(), s);
            }
            self.pad_to_8(n, "user info: SID")?;
        }
        if skip_user == 0 {
            let name = self.astr("user info: user name")?;
            extra.insert("user_name".into(), name);
        }
        Ok(())
    }
}

/// Decodes a `Triggers` blob as far as the format is known.
pub fn parse_triggers(data: &[u8]) -> Result<Triggers, Truncated> {
    let mut reader = Reader::new(data);
    let mut a = Aligned {
        r: &mut reader,
        pads: Vec::new(),
    };
    let version = a.a1("triggers version")?;
    let start_boundary = a.tstime("start boundary")?;
    let end_boundary = a.tstime("end boundary")?;
    let mut out = Triggers {
        version,
        start_boundary,
        end_boundary,
        padding_is_0x48: false,
        job: JobBucket::default(),
        triggers: Vec::new(),
        undecoded: None,
        error: None,
    };
    let mut job_start = a.r.pos();
    let job = (|| -> Result<JobBucket, Truncated> {
        let mut j = JobBucket {
            flags: a.a4("job flags")?,
            crc32: a.a4("job CRC32")?,
            ..JobBucket::default()
        };
        if version >= 0x16 {
            j.principal_id = Some(a.astr("principal id")?);
        }
        if version >= 0x17 {
            j.display_name = Some(a.astr("display name")?);
        }
        let mut ui = std::collections::BTreeMap::new();
        a.user_info(&mut ui)?;
        j.user_sid = ui.remove("user_sid");
        j.user_name = ui.remove("user_name");
        let len = a.a4("optional settings length")?;
        j.optional_settings_length = len;
        if len > 0 {
            if !matches!(len, 0x30 | 0x38 | 0x58) {
                return Err(Truncated {
                    what: format!("optional settings length 0x{len:x} unknown"),
                    offset: a.r.pos(),
                    need: 0,
                    have: 0,
                });
            }
            let mut v = [0u32; 7];
            for x in v.iter_mut() {
                *x = a.r.u32("optional settings")?;
            }
            j.execution_time_limit_s = Some(v[2]);
            j.priority = Some(v[4]);
            a.r.skip(16 + 4, "optional settings")?;
            a.r.skip(
                len as usize - 0x30,
                "optional settings (privileges, maintenance)",
            )?;
        }
        Ok(j)
    })();
    match job {
        Ok(j) => out.job = j,
        Err(e) => {
            out.error = Some(e.to_string());
            out.undecoded = Some((job_start, hex(&data[job_start..])));
            return Ok(out);
        }
    }
    while a.r.remaining() > 0 {
        job_start = a.r.pos();
        match parse_trigger(&mut a, version) {
            Ok(t) => out.triggers.push(t),
            Err(e) => {
                out.error = Some(e);
                out.undecoded = Some((job_start, hex(&data[job_start..])));
                break;
            }
        }
    }
    out.padding_is_0x48 =
        !a.pads.is_empty() && a.pads.iter().filter(|&&b| b == 0x48).count() * 2 > a.pads.len();
    Ok(out)
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn bit_names(bits: u32, names: &[&str]) -> String {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_trigger(a: &mut Aligned<'_, '_>, version: u8) -> Result<CachedTrigger, String> {
    let t = |e: Truncated| e.to_string();
    let magic = a.a4("trigger magic").map_err(t)?;
    let mut extra = std::collections::BTreeMap::new();
    if magic == 0xDDDD {
        let start = a.tstime("schedule start").map_err(t)?;
        let end = a.tstime("schedule end").map_err(t)?;
        a.tstime("schedule unknown time").map_err(t)?;
        let interval = a.r.u32("repetition interval").map_err(t)?;
        let duration = a.r.u32("repetition duration").map_err(t)?;
        let limit = a.r.u32("execution time limit").map_err(t)?;
        let mode = a.r.u32("schedule mode").map_err(t)?;
        let d1 = a.r.u16("data1").map_err(t)?;
        let d2 = a.r.u16("data2").map_err(t)?;
        let d3 = a.r.u16("data3").map_err(t)?;
        a.pad(2, "schedule padding").map_err(t)?;
        let stop = a.r.u8("stop at duration end").map_err(t)?;
        let enabled = a.r.u8("enabled").map_err(t)? != 0;
        a.pad(2, "schedule padding").map_err(t)?;
        a.r.skip(4, "schedule unknown").map_err(t)?;
        let random = a.r.u32("random delay").map_err(t)?;
        a.pad(4, "schedule padding").map_err(t)?;
        let id = if version >= 0x16 {
            a.trigger_id("trigger id").map_err(t)?
        } else {
            String::new()
        };
        extra.insert("execution_time_limit_s".into(), limit.to_string());
        extra.insert("stop_at_duration_end".into(), (stop != 0).to_string());
        let kind = match mode {
            0 => "Time".to_string(),
            1 => {
                extra.insert("days_interval".into(), d1.to_string());
                "Daily".to_string()
            }
            2 => {
                extra.insert("weeks_interval".into(), d1.to_string());
                extra.insert("days_of_week".into(), bit_names(d2 as u32, &DAYS));
                "Weekly".to_string()
            }
            3 => {
                let days = d1 as u32 | (d2 as u32) << 16;
                let list: Vec<String> = (0..32)
                    .filter(|i| days & (1 << i) != 0)
                    .map(|i| (i + 1).to_string())
                    .collect();
                extra.insert("days_of_month".into(), list.join(","));
                extra.insert("months".into(), bit_names(d3 as u32, &MONTHS));
                "Monthly".to_string()
            }
            4 => {
                extra.insert("days_of_week".into(), bit_names(d1 as u32, &DAYS));
                extra.insert("weeks".into(), format!("0x{d2:x}"));
                extra.insert("months".into(), bit_names(d3 as u32, &MONTHS));
                "MonthlyDOW".to_string()
            }
            m => format!("Schedule-mode-{m}"),
        };
        return Ok(CachedTrigger {
            magic,
            kind,
            start,
            end,
            enabled,
            repetition_interval_s: interval,
            repetition_duration_s: duration,
            delay_s: random,
            id,
            extra,
        });
    }
    let kind = match magic {
        0xFFFF => "Boot",
        0xEEEE => "Idle",
        0xCCCC => "Event",
        0xAAAA => "Logon",
        0x8888 => "Registration",
        0x7777 => "SessionStateChange",
        0x6666 => "WnfStateChange",
        other => {
            return Err(format!(
                "unknown trigger magic 0x{other:x} at offset {}",
                a.r.pos() - 8
            ))
        }
    };
    // Generic part (0x48 bytes) then the id.
    let start = a.tstime("trigger start").map_err(t)?;
    let end = a.tstime("trigger end").map_err(t)?;
    let delay = a.r.u32("delay").map_err(t)?;
    let timeout = a.r.u32("timeout").map_err(t)?;
    let interval = a.r.u32("repetition interval").map_err(t)?;
    let duration = a.r.u32("repetition duration").map_err(t)?;
    a.r.u32("repetition duration copy").map_err(t)?;
    let stop = a.r.u8("stop at duration end").map_err(t)?;
    a.pad(3, "generic padding").map_err(t)?;
    let enabled = a.a1("enabled").map_err(t)? != 0;
    a.r.skip(8, "generic unknown").map_err(t)?;
    let id = if version >= 0x16 {
        a.trigger_id("trigger id").map_err(t)?
    } else {
        String::new()
    };
    extra.insert("timeout_s".into(), timeout.to_string());
    extra.insert("stop_at_duration_end".into(), (stop != 0).to_string());
    match magic {
        0xCCCC => {
            extra.insert(
                "subscription".into(),
                a.astr_chars("event subscription").map_err(t)?,
            );
            a.r.skip(8, "event unknown").map_err(t)?;
            let unk = a.astr_chars("event unknown string").map_err(t)?;
            if !unk.is_empty() {
                extra.insert("unknown_string".into(), unk);
            }
            let n = a.a4("value query count").map_err(t)?;
            if n as usize > a.r.remaining() / 16 {
                return Err(format!("{n} value queries claimed"));
            }
            for i in 0..n {
                let name = a.astr_chars("value query name").map_err(t)?;
                let value = a.astr_chars("value query").map_err(t)?;
                extra.insert(format!("value_query_{i}"), format!("{name}={value}"));
            }
        }
        0xAAAA => a.user_info(&mut extra).map_err(t)?,
        0x7777 => {
            let state = a.r.u32("session state").map_err(t)?;
            a.pad(4, "session padding").map_err(t)?;
            let name = match state {
                1 => "ConsoleConnect",
                2 => "ConsoleDisconnect",
                3 => "RemoteConnect",
                4 => "RemoteDisconnect",
                5 => "SessionLock",
                6 => "SessionUnlock",
                _ => "unknown",
            };
            extra.insert("state_change".into(), format!("{name} ({state})"));
            a.user_info(&mut extra).map_err(t)?;
        }
        0x6666 => {
            let name = a.r.bytes(8, "WNF state name").map_err(t)?;
            extra.insert("state_name".into(), hex(name));
            extra.insert("data".into(), a.abuf("WNF data").map_err(t)?);
        }
        _ => {}
    }
    Ok(CachedTrigger {
        magic,
        kind: kind.to_string(),
        start,
        end,
        enabled,
        repetition_interval_s: interval,
        repetition_duration_s: duration,
        delay_s: delay,
        id,
        extra,
    })
}

impl CachedTrigger {
    /// One-line summary in the spirit of the XML collector's.
    pub fn describe(&self) -> String {
        let mut s = self.kind.clone();
        let e = |k: &str| self.extra.get(k).cloned().unwrap_or_default();
        match self.kind.as_str() {
            "Daily" => s.push_str(&format!(" every {} day(s)", e("days_interval"))),
            "Weekly" => s.push_str(&format!(
                " every {} week(s) on {}",
                e("weeks_interval"),
                e("days_of_week")
            )),
            "Monthly" => s.push_str(&format!(
                " on day {} of {}",
                e("days_of_month"),
                e("months")
            )),
            "MonthlyDOW" => s.push_str(&format!(" on {} of {}", e("days_of_week"), e("months"))),
            "Logon" | "SessionStateChange" => {
                if let Some(st) = self.extra.get("state_change") {
                    s.push_str(&format!(" {st}"));
                }
                match (self.extra.get("user_name"), self.extra.get("user_sid")) {
                    (Some(n), _) if !n.is_empty() => s.push_str(&format!(" of {n}")),
                    (_, Some(sid)) => s.push_str(&format!(" of {sid}")),
                    _ if self.kind == "Logon" => s.push_str(" of any user"),
                    _ => {}
                }
            }
            "Event" => s.push_str(&format!(" {}", e("subscription"))),
            _ => {}
        }
        if let Some(t) = self.start.time {
            let word = if self.kind == "Time" { "at" } else { "from" };
            s.push_str(&format!(" {word} {}", self.start.text(t)));
        }
        if self.repetition_interval_s > 0 {
            s.push_str(&format!(", repeat every {}s", self.repetition_interval_s));
            if self.repetition_duration_s > 0 {
                s.push_str(&format!(" for {}s", self.repetition_duration_s));
            }
        }
        if !self.enabled {
            s.push_str(" (disabled)");
        }
        s
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '|')
            .collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn actions_example_from_formats_md() {
        let b = unhex("03 00 | 0C 00 00 00 41 00 75 00 74 00 68 00 6F 00 72 00 | 66 66 | 00 00 00 00 | 0E 00 00 00 63 00 6D 00 64 00 2E 00 65 00 78 00 65 00 | 00 00 00 00 | 00 00 00 00 | 00 00");
        let a = parse_actions(&b).unwrap();
        assert_eq!(a.version, 3);
        assert_eq!(a.context.as_deref(), Some("Author"));
        assert_eq!(a.command(), "cmd.exe");
        assert_eq!(a.error, None);
        assert!(matches!(
            &a.actions[0],
            CachedAction::Exec { flags: Some(0), .. }
        ));
        for cut in 0..b.len() {
            let _ = parse_actions(&b[..cut]);
        }
    }

    #[test]
    fn dynamic_info_artemis_vector() {
        let b =
            unhex("03000000 207F478A552BDB01 263BEFC1FC19DC01 00000000 00000000 4946ABC2FC19DC01");
        let d = parse_dynamic_info(&b).unwrap();
        assert_eq!(d.length, 36);
        assert_eq!(
            d.registered.unwrap().to_string(),
            "2024-10-31T05:27:12.9717536Z"
        );
        assert_eq!(
            d.last_run.unwrap().to_string(),
            "2025-08-30T22:23:49.0406182Z"
        );
        assert_eq!(
            d.last_completed.unwrap().to_string(),
            "2025-08-30T22:23:50.2729801Z"
        );
        assert_eq!(d.last_result(), 0);
        // The MANIFEST's base64 vector: created, never ran.
        let b =
            unhex("03000000 57158C89552BDB01 0000000000000000 00000000 00000000 0000000000000000");
        let d = parse_dynamic_info(&b).unwrap();
        assert_eq!(
            d.registered.unwrap().to_string(),
            "2024-10-31T05:27:11.7435223Z"
        );
        assert_eq!((d.last_run, d.last_completed), (None, None));
        assert!(parse_dynamic_info(&b[..20]).is_err());
    }
}
