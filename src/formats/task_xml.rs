//! Task Scheduler 2.x task definitions (the XML files under `System32\Tasks`, and the
//! `TaskContent` of Security events 4698/4702). Pure: bytes or text in, a typed definition out.
//!
//! Element names follow the Task Scheduler schema (MS-TSCH 2.5); anything the schema allows that
//! is not modelled as a field is still kept (settings and trigger extras go into maps).

use super::text::{decode, TextEncoding};
use super::xml::{self, Element, XmlError};
use crate::time::Time;
use serde::Serialize;
use std::collections::BTreeMap;

/// A parsed task definition.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TaskDefinition {
    /// `Task@version` (schema version 1.1–1.6), absent on some built-in Windows 11 tasks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    /// `RegistrationInfo`.
    pub registration: Registration,
    /// Every trigger, in document order.
    pub triggers: Vec<Trigger>,
    /// Every principal (normally one).
    pub principals: Vec<Principal>,
    /// `Settings`.
    pub settings: Settings,
    /// `Actions@Context`: the id of the principal the actions run as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions_context: Option<String>,
    /// Every action, in document order.
    pub actions: Vec<Action>,
    /// `Data` (free-form task data), when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

/// `RegistrationInfo` fields, all optional (RPC-registered tasks often carry none).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Registration {
    /// Task path as the task claims it (`\Folder\Name`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Author (may be an indirect string such as `$(@%SystemRoot%\…,-201)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Registration date as written (xs:dateTime, usually without zone = local time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Documentation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation: Option<String>,
    /// SDDL security descriptor of the task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_descriptor: Option<String>,
}

/// One trigger.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Trigger {
    /// Kind: `Boot`, `Logon`, `Time`, `Calendar`, `Event`, `Idle`, `Registration`,
    /// `SessionStateChange`, `WnfStateChange`, or the element name of an unknown trigger.
    pub kind: String,
    /// `id` attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Enabled` (default true).
    pub enabled: bool,
    /// `StartBoundary` as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_boundary: Option<String>,
    /// `EndBoundary` as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_boundary: Option<String>,
    /// `Repetition`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repetition: Option<Repetition>,
    /// Every other child, flattened to `Name` or `Parent/Name` keys (Delay, RandomDelay, UserId,
    /// StateChange, Subscription, ScheduleByWeek/DaysOfWeek, …).
    pub fields: BTreeMap<String, String>,
}

/// `Repetition` of a trigger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Repetition {
    /// ISO 8601 interval between runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// How long the repetition lasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Whether running instances are stopped when the duration ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_at_duration_end: Option<bool>,
}

/// One principal (who the task runs as).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// `id` attribute (referenced by `Actions@Context`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `UserId`: account name or SID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// `GroupId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// `LogonType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logon_type: Option<String>,
    /// `RunLevel` (`LeastPrivilege` or `HighestAvailable`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_level: Option<String>,
    /// `DisplayName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `ProcessTokenSidType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process_token_sid_type: Option<String>,
    /// `RequiredPrivileges/Privilege` values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required_privileges: Vec<String>,
}

/// `Settings`: the two that matter most as fields, the rest as a flattened map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// `Enabled` (default true).
    pub enabled: bool,
    /// `Hidden` (default false): hides the task from the default MMC view only.
    pub hidden: bool,
    /// Every other setting as `Name` or `Parent/Name` → value.
    pub other: BTreeMap<String, String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: true,
            hidden: false,
            other: BTreeMap::new(),
        }
    }
}

/// One action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum Action {
    /// Run a program.
    Exec {
        /// `id` attribute.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Program path, environment variables unexpanded.
        command: String,
        /// Arguments.
        #[serde(skip_serializing_if = "Option::is_none")]
        arguments: Option<String>,
        /// Working directory.
        #[serde(skip_serializing_if = "Option::is_none")]
        working_directory: Option<String>,
    },
    /// Activate a COM class.
    ComHandler {
        /// `id` attribute.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// CLSID of the handler.
        class_id: String,
        /// Data passed to the handler.
        #[serde(skip_serializing_if = "Option::is_none")]
        data: Option<String>,
    },
    /// Send an e-mail (deprecated, still honoured by old systems).
    SendEmail {
        /// `id` attribute.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Every child element (Server, Subject, To, From, Body, …).
        fields: BTreeMap<String, String>,
    },
    /// Show a message box (deprecated).
    ShowMessage {
        /// `id` attribute.
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Title.
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// Body.
        #[serde(skip_serializing_if = "Option::is_none")]
        body: Option<String>,
    },
    /// An action element this parser does not know.
    Unknown {
        /// The element name.
        element: String,
        /// Its children flattened.
        fields: BTreeMap<String, String>,
    },
}

impl Action {
    /// The command line as the system would run it (`program arguments`), or a readable
    /// stand-in for non-Exec actions (`com:{CLSID} data`, `send-email …`, `show-message …`).
    pub fn command_line(&self) -> String {
        match self {
            Action::Exec {
                command, arguments, ..
            } => match arguments.as_deref().filter(|a| !a.is_empty()) {
                Some(a) => format!("{command} {a}"),
                None => command.clone(),
            },
            Action::ComHandler { class_id, data, .. } => {
                match data.as_deref().filter(|d| !d.is_empty()) {
                    Some(d) => format!("com:{class_id} {d}"),
                    None => format!("com:{class_id}"),
                }
            }
            Action::SendEmail { fields, .. } => format!(
                "send-email to={} subject={}",
                fields.get("To").map(String::as_str).unwrap_or(""),
                fields.get("Subject").map(String::as_str).unwrap_or("")
            ),
            Action::ShowMessage { title, .. } => {
                format!("show-message {}", title.as_deref().unwrap_or(""))
            }
            Action::Unknown { element, .. } => format!("unknown-action:{element}"),
        }
    }
}

/// Why a task file could not be read as a task definition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskXmlError {
    /// The content is not XML.
    #[error("{0}")]
    Xml(#[from] XmlError),
    /// Well-formed XML whose root is not `Task`.
    #[error("root element is <{0}>, not <Task>")]
    NotATask(String),
}

/// A task definition parsed from a file, with how its bytes were decoded.
#[derive(Debug, Clone)]
pub struct ParsedTaskFile {
    /// The definition.
    pub task: TaskDefinition,
    /// The encoding found in the bytes.
    pub encoding: TextEncoding,
    /// The `encoding=` the XML declaration claims, when there is one.
    pub declared_encoding: Option<String>,
    /// True when invalid byte sequences were replaced while decoding.
    pub lossy: bool,
}

/// Parses task XML from the raw bytes of a task file (UTF-16 with or without BOM, or UTF-8; the
/// declaration's claimed encoding is ignored).
pub fn parse_bytes(bytes: &[u8]) -> Result<ParsedTaskFile, TaskXmlError> {
    let d = decode(bytes);
    let (_, decl) = xml::strip_declaration(&d.text);
    let declared_encoding = decl.and_then(xml::declared_encoding);
    let task = parse_str(&d.text)?;
    Ok(ParsedTaskFile {
        task,
        encoding: d.encoding,
        declared_encoding,
        lossy: d.lossy,
    })
}

/// Parses task XML that is already text (event `TaskContent`).
pub fn parse_str(text: &str) -> Result<TaskDefinition, TaskXmlError> {
    let root = xml::parse(text)?;
    if root.name != "Task" {
        return Err(TaskXmlError::NotATask(root.name));
    }
    Ok(from_element(&root))
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// Flattens the descendants of `e` into `Name` / `Parent/Name` → text (empty elements as "").
fn flatten(e: &Element, prefix: &str, out: &mut BTreeMap<String, String>) {
    for c in &e.children {
        let key = if prefix.is_empty() {
            c.name.clone()
        } else {
            format!("{prefix}/{}", c.name)
        };
        if c.children.is_empty() {
            let v = c.text.trim().to_string();
            match out.get_mut(&key) {
                // Repeated elements (Months/January, DaysOfWeek/Monday, Privilege) join with ",".
                Some(existing) if !existing.is_empty() || !v.is_empty() => {
                    if !existing.is_empty() {
                        existing.push(',');
                    }
                    existing.push_str(&v);
                }
                Some(_) => {}
                None => {
                    out.insert(key, v);
                }
            }
        } else {
            flatten(c, &key, out);
        }
    }
}

/// Builds the definition from a `Task` element.
pub fn from_element(root: &Element) -> TaskDefinition {
    let mut t = TaskDefinition {
        schema_version: root.attr("version").map(str::to_string),
        ..TaskDefinition::default()
    };
    if let Some(ri) = root.child("RegistrationInfo") {
        t.registration = Registration {
            uri: ri.child_text("URI"),
            author: ri.child_text("Author"),
            date: ri.child_text("Date"),
            description: ri.child_text("Description"),
            source: ri.child_text("Source"),
            version: ri.child_text("Version"),
            documentation: ri.child_text("Documentation"),
            security_descriptor: ri.child_text("SecurityDescriptor"),
        };
    }
    if let Some(trs) = root.child("Triggers") {
        t.triggers = trs.children.iter().map(trigger).collect();
    }
    if let Some(ps) = root.child("Principals") {
        for p in ps.children.iter().filter(|p| p.name == "Principal") {
            t.principals.push(Principal {
                id: p.attr("id").map(str::to_string),
                user_id: p.child_text("UserId"),
                group_id: p.child_text("GroupId"),
                logon_type: p.child_text("LogonType"),
                run_level: p.child_text("RunLevel"),
                display_name: p.child_text("DisplayName"),
                process_token_sid_type: p.child_text("ProcessTokenSidType"),
                required_privileges: p
                    .child("RequiredPrivileges")
                    .map(|rp| {
                        rp.children
                            .iter()
                            .map(|c| c.text.trim().to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
    }
    if let Some(s) = root.child("Settings") {
        let mut other = BTreeMap::new();
        flatten(s, "", &mut other);
        let enabled = other
            .remove("Enabled")
            .and_then(|v| parse_bool(&v))
            .unwrap_or(true);
        let hidden = other
            .remove("Hidden")
            .and_then(|v| parse_bool(&v))
            .unwrap_or(false);
        t.settings = Settings {
            enabled,
            hidden,
            other,
        };
    }
    if let Some(acts) = root.child("Actions") {
        t.actions_context = acts.attr("Context").map(str::to_string);
        t.actions = acts.children.iter().map(action).collect();
    }
    t.data = root.child_text("Data");
    t
}

fn trigger(e: &Element) -> Trigger {
    let kind = e
        .name
        .strip_suffix("Trigger")
        .unwrap_or(&e.name)
        .to_string();
    let mut fields = BTreeMap::new();
    flatten(e, "", &mut fields);
    let enabled = fields
        .remove("Enabled")
        .and_then(|v| parse_bool(&v))
        .unwrap_or(true);
    let start_boundary = fields.remove("StartBoundary");
    let end_boundary = fields.remove("EndBoundary");
    let repetition = e.child("Repetition").map(|r| {
        fields.remove("Repetition/Interval");
        fields.remove("Repetition/Duration");
        fields.remove("Repetition/StopAtDurationEnd");
        Repetition {
            interval: r.child_text("Interval"),
            duration: r.child_text("Duration"),
            stop_at_duration_end: r
                .child_text("StopAtDurationEnd")
                .and_then(|v| parse_bool(&v)),
        }
    });
    Trigger {
        kind,
        id: e.attr("id").map(str::to_string),
        enabled,
        start_boundary,
        end_boundary,
        repetition,
        fields,
    }
}

fn action(e: &Element) -> Action {
    let id = e.attr("id").map(str::to_string);
    match e.name.as_str() {
        "Exec" => Action::Exec {
            id,
            command: e.child_text("Command").unwrap_or_default(),
            arguments: e.child_text("Arguments"),
            working_directory: e.child_text("WorkingDirectory"),
        },
        "ComHandler" => Action::ComHandler {
            id,
            class_id: e.child_text("ClassId").unwrap_or_default(),
            data: e.child("Data").map(|d| d.text.trim().to_string()),
        },
        "SendEmail" => {
            let mut fields = BTreeMap::new();
            flatten(e, "", &mut fields);
            Action::SendEmail { id, fields }
        }
        "ShowMessage" => Action::ShowMessage {
            id,
            title: e.child_text("Title"),
            body: e.child_text("Body"),
        },
        other => {
            let mut fields = BTreeMap::new();
            flatten(e, "", &mut fields);
            Action::Unknown {
                element: other.to_string(),
                fields,
            }
        }
    }
}

/// A schema date-time: exact when it carries `Z` or an offset, otherwise a local clock reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XsdDateTime {
    /// An instant (the text had a zone).
    Utc(Time),
    /// A local clock reading of unknown zone, held as if it were UTC.
    Local(Time),
}

/// Parses an xs:dateTime as Task Scheduler writes it (`2014-11-05T00:00:00`,
/// `2021-01-01T09:00:00.1234567+02:00`, `…Z`).
pub fn parse_datetime(s: &str) -> Option<XsdDateTime> {
    let s = s.trim();
    let digits = s
        .split_once('.')
        .map(|(_, f)| f.chars().take_while(|c| c.is_ascii_digit()).count().min(9) as u8)
        .unwrap_or(0);
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Time::from_timestamp(ts, digits).map(XsdDateTime::Utc);
    }
    let dt = s.parse::<jiff::civil::DateTime>().ok()?;
    Time::from_civil(dt, digits).map(XsdDateTime::Local)
}

impl Trigger {
    /// A one-line summary: `Calendar every 1 day from 2021-01-01T09:00:00, repeat PT5M for P1D`.
    pub fn describe(&self) -> String {
        let f = |k: &str| self.fields.get(k).filter(|v| !v.is_empty()).cloned();
        let mut s = self.kind.clone();
        match self.kind.as_str() {
            "Calendar" => {
                if let Some(n) = f("ScheduleByDay/DaysInterval") {
                    s.push_str(&format!(" every {n} day(s)"));
                } else if self.fields.keys().any(|k| k.starts_with("ScheduleByWeek")) {
                    s.push_str(&format!(
                        " every {} week(s) on {}",
                        f("ScheduleByWeek/WeeksInterval").unwrap_or_else(|| "1".into()),
                        days(&self.fields, "ScheduleByWeek/DaysOfWeek")
                    ));
                } else if self
                    .fields
                    .keys()
                    .any(|k| k.starts_with("ScheduleByMonthDayOfWeek"))
                {
                    s.push_str(&format!(
                        " monthly in week {} on {} of {}",
                        f("ScheduleByMonthDayOfWeek/Weeks/Week").unwrap_or_default(),
                        days(&self.fields, "ScheduleByMonthDayOfWeek/DaysOfWeek"),
                        days(&self.fields, "ScheduleByMonthDayOfWeek/Months")
                    ));
                } else if self.fields.keys().any(|k| k.starts_with("ScheduleByMonth")) {
                    s.push_str(&format!(
                        " monthly on day {} of {}",
                        f("ScheduleByMonth/DaysOfMonth/Day").unwrap_or_default(),
                        days(&self.fields, "ScheduleByMonth/Months")
                    ));
                }
            }
            "Logon" | "SessionStateChange" => {
                if let Some(st) = f("StateChange") {
                    s.push_str(&format!(" {st}"));
                }
                if let Some(u) = f("UserId") {
                    s.push_str(&format!(" of {u}"));
                } else if self.kind == "Logon" {
                    s.push_str(" of any user");
                }
            }
            "Event" => {
                if let Some(q) = f("Subscription") {
                    let q: String = q.split_whitespace().collect::<Vec<_>>().join(" ");
                    s.push_str(&format!(" {q}"));
                }
            }
            "WnfStateChange" => {
                if let Some(n) = f("StateName") {
                    s.push_str(&format!(" {n}"));
                }
            }
            _ => {}
        }
        if let Some(b) = &self.start_boundary {
            let word = if self.kind == "Time" { "at" } else { "from" };
            s.push_str(&format!(" {word} {b}"));
        }
        if let Some(b) = &self.end_boundary {
            s.push_str(&format!(" until {b}"));
        }
        if let Some(d) = f("Delay") {
            s.push_str(&format!(" delay {d}"));
        }
        if let Some(d) = f("RandomDelay") {
            s.push_str(&format!(" random delay {d}"));
        }
        if let Some(r) = &self.repetition {
            if let Some(i) = &r.interval {
                s.push_str(&format!(", repeat every {i}"));
                match r.duration.as_deref() {
                    Some(d) if !d.is_empty() => s.push_str(&format!(" for {d}")),
                    _ => s.push_str(" indefinitely"),
                }
            }
        }
        if !self.enabled {
            s.push_str(" (disabled)");
        }
        s
    }
}

/// The element names under a `DaysOfWeek`/`Months` group (`Monday,Friday`).
fn days(fields: &BTreeMap<String, String>, prefix: &str) -> String {
    let names: Vec<&str> = fields
        .keys()
        .filter_map(|k| k.strip_prefix(prefix).and_then(|r| r.strip_prefix('/')))
        .collect();
    if names.is_empty() {
        "every day".into()
    } else {
        names.join(",")
    }
}

impl TaskDefinition {
    /// The principal the actions run as: the one named by `Actions@Context`, else the first.
    pub fn run_as(&self) -> Option<&Principal> {
        match &self.actions_context {
            Some(ctx) => self
                .principals
                .iter()
                .find(|p| p.id.as_deref() == Some(ctx.as_str()))
                .or(self.principals.first()),
            None => self.principals.first(),
        }
    }

    /// The account or group the task runs as, as written (`S-1-5-18`, `DOMAIN\user`).
    pub fn user(&self) -> String {
        self.run_as()
            .and_then(|p| p.user_id.clone().or_else(|| p.group_id.clone()))
            .unwrap_or_default()
    }

    /// Every action's command line, joined with ` ; ` in document order.
    pub fn command(&self) -> String {
        self.actions
            .iter()
            .map(Action::command_line)
            .collect::<Vec<_>>()
            .join(" ; ")
    }

    /// Every trigger's summary, joined with ` | `.
    pub fn schedule(&self) -> String {
        self.triggers
            .iter()
            .map(Trigger::describe)
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Date>2021-03-04T05:06:07.1234567</Date><Author>EVIL\bob</Author><URI>\Updater</URI></RegistrationInfo>
  <Triggers>
    <CalendarTrigger id="c1"><StartBoundary>2021-03-05T09:00:00Z</StartBoundary><Repetition><Interval>PT5M</Interval></Repetition>
      <ScheduleByWeek><DaysOfWeek><Monday /><Friday /></DaysOfWeek><WeeksInterval>2</WeeksInterval></ScheduleByWeek></CalendarTrigger>
    <LogonTrigger><Enabled>false</Enabled><UserId>EVIL\bob</UserId></LogonTrigger>
  </Triggers>
  <Principals><Principal id="Author"><UserId>S-1-5-18</UserId><RunLevel>HighestAvailable</RunLevel></Principal></Principals>
  <Settings><Hidden>true</Hidden><IdleSettings><StopOnIdleEnd>true</StopOnIdleEnd></IdleSettings></Settings>
  <Actions Context="Author"><Exec><Command>cmd.exe</Command><Arguments>/c echo a &amp; b &gt; %TEMP%\x</Arguments></Exec>
    <ComHandler><ClassId>{01234567-89AB-CDEF-0123-456789ABCDEF}</ClassId></ComHandler></Actions>
</Task>"#;

    #[test]
    fn parses_sample() {
        let t = parse_str(SAMPLE).unwrap();
        assert_eq!(t.schema_version.as_deref(), Some("1.2"));
        assert_eq!(t.registration.author.as_deref(), Some("EVIL\\bob"));
        assert_eq!(t.user(), "S-1-5-18");
        assert!(t.settings.hidden);
        assert!(t.settings.enabled);
        assert_eq!(
            t.settings.other.get("IdleSettings/StopOnIdleEnd").unwrap(),
            "true"
        );
        assert_eq!(
            t.command(),
            "cmd.exe /c echo a & b > %TEMP%\\x ; com:{01234567-89AB-CDEF-0123-456789ABCDEF}"
        );
        assert_eq!(
            t.schedule(),
            "Calendar every 2 week(s) on Friday,Monday from 2021-03-05T09:00:00Z, repeat every PT5M indefinitely | Logon of EVIL\\bob (disabled)"
        );
    }

    #[test]
    fn datetimes() {
        match parse_datetime("2021-03-04T05:06:07.1234567").unwrap() {
            XsdDateTime::Local(t) => assert_eq!(t.to_string(), "2021-03-04T05:06:07.1234567Z"),
            other => panic!("{other:?}"),
        }
        match parse_datetime("2021-03-04T05:06:07+02:00").unwrap() {
            XsdDateTime::Utc(t) => assert_eq!(t.to_string(), "2021-03-04T03:06:07Z"),
            other => panic!("{other:?}"),
        }
        assert_eq!(parse_datetime("yesterday"), None);
    }

    #[test]
    fn not_a_task() {
        assert_eq!(
            parse_str("<Properties/>"),
            Err(TaskXmlError::NotATask("Properties".into()))
        );
        assert!(parse_bytes(b"MZ\x90\x00garbage").is_err());
    }
}
