//! Collectors: one per artifact family. Each reads what it needs from a [`Target`] through the
//! file system and emits [`Record`]s and problems; a failure on one file never stops the rest.

mod linux_anacron;
mod linux_at;
mod linux_cron;
mod linux_systemd_timer;
pub mod local_zone;
mod macos_cron;
mod macos_launchd;
pub mod unix;
mod windows_eventlog;
mod windows_gpp_task;
mod windows_task_job;
mod windows_task_xml;
pub mod windows_taskcache;

pub use linux_anacron::AnacronCollector;
pub use linux_at::AtCollector;
pub use linux_cron::CronCollector;
pub use linux_systemd_timer::SystemdTimerCollector;
pub use macos_cron::MacCronCollector;
pub use macos_launchd::LaunchdCollector;
pub use windows_eventlog::EventLogCollector;
pub use windows_gpp_task::GppTaskCollector;
pub use windows_task_job::TaskJobCollector;
pub use windows_task_xml::TaskXmlCollector;
pub use windows_taskcache::TaskCacheCollector;

use crate::fs::{FileSystem, Metadata};
use crate::record::Record;
use crate::target::{Os, Target};
use serde_json::{json, Map, Value};

/// Limits that protect the run from hostile evidence.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest artifact file read, in bytes.
    pub max_file_size: u64,
    /// Largest registry hive read, in bytes (real SOFTWARE hives reach a few hundred MB).
    pub max_hive_size: u64,
    /// Tree-walk limits.
    pub walk: crate::fs::WalkLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 64 << 20,
            max_hive_size: 1 << 30,
            walk: crate::fs::WalkLimits::default(),
        }
    }
}

/// A problem met by a collector: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectProblem {
    /// The file or item concerned.
    pub location: String,
    /// What went wrong.
    pub message: String,
    /// True for a notice (worth knowing, not a failure: a dirty hive that was replayed).
    pub notice: bool,
}

/// What collectors learn about a target that other stages need (reconcile, user names).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// SID → account or profile name (well-known SIDs, ProfileList).
    pub sid_names: std::collections::BTreeMap<String, String>,
    /// The SOFTWARE hive's TaskCache key was read.
    pub taskcache_read: bool,
    /// A task XML folder exists on the target.
    pub tasks_folder_present: bool,
    /// Registry keys copied out of hives (for `--stats`).
    pub registry_keys: u64,
    /// Per-year daylight-saving rules of the SOFTWARE hive's `Time Zones`, by lowercase zone key
    /// name (read with the TaskCache; used to convert zone-less times of past years).
    pub time_zones: std::collections::BTreeMap<String, crate::formats::windows_tz::DynamicDst>,
}

/// What a collector works on and where its output goes.
pub struct Ctx<'a> {
    /// The file system holding the target.
    pub fs: &'a dyn FileSystem,
    /// The OS root.
    pub target: &'a Target,
    /// Limits in force.
    pub limits: Limits,
    /// Records emitted so far.
    pub records: Vec<Record>,
    /// Problems met so far.
    pub problems: Vec<CollectProblem>,
    /// Facts learnt so far (shared by every collector of the target).
    pub facts: &'a mut Facts,
}

impl Ctx<'_> {
    /// Records a problem and lets the collector go on.
    pub fn problem(&mut self, location: impl Into<String>, message: impl Into<String>) {
        push_problem(&mut self.problems, location.into(), message.into(), false);
    }

    /// Records a notice: something worth knowing that is not a failure.
    pub fn notice(&mut self, location: impl Into<String>, message: impl Into<String>) {
        push_problem(&mut self.problems, location.into(), message.into(), true);
    }

    /// Takes in what a detached job produced, as if the collector had done it in place.
    pub fn absorb(&mut self, d: Detached) {
        self.records.extend(d.records);
        self.problems.extend(d.problems);
        self.facts.absorb(d.facts);
    }
}

fn push_problem(to: &mut Vec<CollectProblem>, location: String, message: String, notice: bool) {
    to.push(CollectProblem {
        location,
        message,
        notice,
    });
}

/// What a detached job (see [`Collector::collect_detached`]) produces: what a collector would
/// have put into its [`Ctx`], made without the file system.
#[derive(Debug, Default)]
pub struct Detached {
    /// Records emitted.
    pub records: Vec<Record>,
    /// Problems met.
    pub problems: Vec<CollectProblem>,
    /// Facts learnt.
    pub facts: Facts,
}

impl Detached {
    /// Records a problem (as [`Ctx::problem`]).
    pub fn problem(&mut self, location: impl Into<String>, message: impl Into<String>) {
        push_problem(&mut self.problems, location.into(), message.into(), false);
    }

    /// Records a notice (as [`Ctx::notice`]).
    pub fn notice(&mut self, location: impl Into<String>, message: impl Into<String>) {
        push_problem(&mut self.problems, location.into(), message.into(), true);
    }
}

/// The part of a collector's work that needs no file system, to run on another thread.
pub type DetachedJob = Box<dyn FnOnce() -> Detached + Send>;

impl Facts {
    /// Adds what a detached job learnt (names already known are kept).
    pub fn absorb(&mut self, other: Facts) {
        for (sid, name) in other.sid_names {
            self.sid_names.entry(sid).or_insert(name);
        }
        self.taskcache_read |= other.taskcache_read;
        self.tasks_folder_present |= other.tasks_folder_present;
        self.registry_keys += other.registry_keys;
        for (zone, rules) in other.time_zones {
            self.time_zones.entry(zone).or_insert(rules);
        }
    }
}

/// One artifact family.
pub trait Collector: Sync {
    /// Stable id, also the `artifact` column (`windows.task_xml`).
    fn id(&self) -> &'static str;
    /// The OS family it applies to.
    fn os(&self) -> Os;
    /// One sentence: what it reads and why it matters.
    fn describe(&self) -> &'static str;
    /// Reads the target and emits records and problems into `ctx`.
    fn collect(&self, ctx: &mut Ctx<'_>);

    /// As [`Collector::collect`], but a collector whose work is mostly parsing (a SOFTWARE hive of
    /// tens of MB) reads its files here and returns the parsing as a job, so that it runs on
    /// another thread while later collectors read the file system. The job's output goes after
    /// what was put into `ctx`. By default everything is done in place.
    fn collect_detached(&self, ctx: &mut Ctx<'_>) -> Option<DetachedJob> {
        self.collect(ctx);
        None
    }

    /// True for a collector that may return a detached job: it is started before the others so
    /// that its job overlaps their reading. Such a collector must not depend on facts that other
    /// collectors learn.
    fn detaches(&self) -> bool {
        false
    }
}

/// Every collector, in the order they run.
pub static ALL: &[&dyn Collector] = &[
    &TaskXmlCollector,
    &TaskJobCollector,
    &TaskCacheCollector,
    &GppTaskCollector,
    &EventLogCollector,
    &CronCollector,
    &AnacronCollector,
    &AtCollector,
    &SystemdTimerCollector,
    &LaunchdCollector,
    &MacCronCollector,
];

/// Formats a file system path for the `path` column: `/`-separated from the file system root.
pub fn display_path(path: &str) -> String {
    format!("/{}", path.trim_start_matches('/'))
}

/// The file's metadata as a `details.file` object: size, id, owner, mode, every timestamp.
pub fn file_details(md: &Metadata) -> Value {
    let mut m = Map::new();
    m.insert("size".into(), json!(md.size));
    if let Some(id) = md.file_id {
        m.insert("file_id".into(), json!(id));
    }
    if let Some(a) = md.attributes {
        m.insert("attributes".into(), json!(format!("0x{a:08x}")));
    }
    if let Some(s) = md.security_id {
        m.insert("security_id".into(), json!(s));
    }
    if let Some(o) = &md.owner {
        m.insert("owner_sid".into(), json!(o));
        if let Some(name) = crate::formats::security_descriptor::well_known_sid(o) {
            m.insert("owner".into(), json!(name));
        }
    }
    if let Some(u) = md.uid {
        m.insert("uid".into(), json!(u));
    }
    if let Some(g) = md.gid {
        m.insert("gid".into(), json!(g));
    }
    if let Some(mode) = md.mode {
        m.insert("mode".into(), json!(format!("{mode:o}")));
    }
    for t in &md.times {
        m.insert(t.key.into(), json!(t.time.to_string()));
    }
    Value::Object(m)
}

/// Puts a file's timestamps on the record and its metadata in `details.file`; an unreadable
/// metadata is a problem and the record goes on without them.
pub fn add_file_metadata(ctx: &mut Ctx<'_>, rec: &mut Record, file: &str) -> Option<Metadata> {
    match ctx.fs.metadata(file) {
        Ok(md) => {
            for t in &md.times {
                rec.time(t.time, t.desc);
            }
            rec.details.insert("file".into(), file_details(&md));
            Some(md)
        }
        Err(e) => {
            ctx.problem(
                display_path(file),
                format!("file metadata unreadable: {}", e.reason()),
            );
            None
        }
    }
}
