//! The orchestration loop — the only place that knows every stage: evidence → volume → fs →
//! target → collectors → timeline.

use crate::collect::local_zone::SystemZone;
use crate::collect::{Ctx, Detached, Facts, Limits, ALL};
use crate::evidence::{open_image, Counted, SharedReader, Slice};
use crate::fs::{ExtFs, FileSystem, HostFs, NtfsFs};
use crate::problem::{panic_message, Level, Problem};
use crate::record::Record;
use crate::record::Severity;
use crate::target::{find_targets, Target};
use crate::timeline::{compare_rows, rows_of, CsvSink, JsonlSink, Origin, Row, Sink, Summary};
use crate::volume::{find_volumes, fs_signature};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Output format of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with the contract header.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// A validated scan request.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Evidence paths, in the order given.
    pub evidence: Vec<PathBuf>,
    /// Timeline destination; `None` for stdout.
    pub output: Option<PathBuf>,
    /// Timeline format.
    pub format: Format,
    /// Where to write problems as JSONL, if anywhere.
    pub problems: Option<PathBuf>,
    /// Neutralise spreadsheet formulas in CSV cells.
    pub neutralize: bool,
    /// Limits against hostile evidence.
    pub limits: Limits,
    /// Suppress the stderr summary.
    pub quiet: bool,
    /// Keep only rows whose severity is at least this.
    pub min_severity: Option<Severity>,
    /// Exit with code 3 when a finding at or above this severity exists.
    pub fail_on: Option<Severity>,
    /// Evidence analysed at once.
    pub jobs: usize,
    /// One timeline per evidence in this folder instead of one merged timeline.
    pub out_dir: Option<PathBuf>,
    /// Print per-evidence work counters on stderr.
    pub stats: bool,
    /// Zone for zone-less times of targets that keep none (`--assume-zone`).
    pub assume_zone: Option<crate::collect::local_zone::LocalZone>,
}

/// What a run produced, before writing.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Sorted rows.
    pub rows: Vec<Row>,
    /// Every problem, in the order met.
    pub problems: Vec<Problem>,
    /// Totals.
    pub summary: Summary,
    /// Per-evidence totals, in the order the evidence was given.
    pub per_evidence: Vec<EvidenceSummary>,
    /// Highest severity among all records (before `--min-severity` filtering).
    pub max_severity: Option<Severity>,
    /// Wall time of each run-wide stage in ms (`analyse`, `merge`, `write`), for `--stats`:
    /// what is left of a batch's time outside the per-evidence work.
    pub stages_ms: std::collections::BTreeMap<&'static str, f64>,
}

/// Counts for one evidence: records by artifact and by severity.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EvidenceSummary {
    /// The evidence path as given.
    pub evidence: String,
    /// Records found.
    pub records: usize,
    /// Records per artifact id.
    pub by_artifact: std::collections::BTreeMap<String, usize>,
    /// Records per severity (`none` for records without findings).
    pub by_severity: std::collections::BTreeMap<String, usize>,
    /// Problems at level error or fatal for this evidence.
    pub errors: usize,
    /// Work counters (bytes read, files, keys, time per stage).
    pub stats: Stats,
}

impl Outcome {
    /// Exit code: 2 when some evidence could not be opened; else 3 when `fail_on` is set and a
    /// finding at or above it exists; else 1 when there were problems; else 0.
    pub fn exit_code(&self, fail_on: Option<Severity>) -> i32 {
        let worst = self.problems.iter().map(|p| p.level).max();
        if worst == Some(Level::Fatal) {
            return 2;
        }
        if let (Some(f), Some(m)) = (fail_on, self.max_severity) {
            if m >= f {
                return 3;
            }
        }
        if worst == Some(Level::Error) {
            1
        } else {
            0
        }
    }
}

/// A fatal error that stops the run before or after analysis (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum FatalError {
    /// A command-line value is not usable.
    #[error("{0}")]
    BadArguments(String),
    /// The timeline or problems file cannot be written.
    #[error("cannot write {path}: {source}")]
    Output {
        /// The output path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl Plan {
    /// Checks the plan: every evidence exists, and no output path is one of the inputs.
    pub fn validate(&self) -> Result<(), FatalError> {
        if self.evidence.is_empty() {
            return Err(FatalError::BadArguments("no evidence given".into()));
        }
        if let Some(d) = &self.out_dir {
            if d.exists() && !d.is_dir() {
                return Err(FatalError::BadArguments(format!(
                    "--out-dir {} is not a folder",
                    d.display()
                )));
            }
        }
        let inputs: Vec<PathBuf> = self
            .evidence
            .iter()
            .filter_map(|e| e.canonicalize().ok())
            .collect();
        for out in [&self.output, &self.problems, &self.out_dir]
            .into_iter()
            .flatten()
        {
            let canon = out.canonicalize().ok().or_else(|| {
                let parent = out
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                Some(parent.canonicalize().ok()?.join(out.file_name()?))
            });
            if let Some(c) = canon {
                if inputs
                    .iter()
                    .any(|i| c == *i || c.starts_with(i) && i.is_dir())
                {
                    return Err(FatalError::BadArguments(format!(
                        "output {} is (inside) evidence; refusing to write there",
                        out.display()
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Work counters of one evidence, for `--stats` and the benchmarks.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Stats {
    /// Bytes read from the evidence (the image, or the files of a folder).
    pub bytes_read: u64,
    /// Files read whole by the collectors.
    pub files_read: u64,
    /// Bytes of those files.
    pub file_bytes: u64,
    /// Registry keys copied out of hives.
    pub registry_keys: u64,
    /// Milliseconds per stage: `open` (container, volumes, file systems), each collector id,
    /// `rules` (cross-check and rules). Written only with `--stats`: times differ from run to
    /// run, and the timeline must be byte-identical for the same evidence.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub stages_ms: std::collections::BTreeMap<String, f64>,
}

/// What one evidence produced.
#[derive(Debug, Default)]
pub struct EvidenceResult {
    /// The evidence path as given.
    pub evidence: String,
    /// Records with where they came from.
    pub records: Vec<(Origin, Record)>,
    /// Problems met.
    pub problems: Vec<Problem>,
    /// Volumes examined.
    pub volumes: usize,
    /// File systems analysed.
    pub filesystems: usize,
    /// OS roots found.
    pub targets: usize,
    /// Work counters.
    pub stats: Stats,
}

struct Run {
    evidence: String,
    limits: Limits,
    out: EvidenceResult,
    progress: indicatif::ProgressBar,
    /// Wall time spent collecting from targets; the rest of an evidence's time is `open`
    /// (collector stages overlap when parsing is detached, so their sum can exceed it).
    busy: std::time::Duration,
    /// Zone for targets that keep none (`--assume-zone`).
    assumed_zone: Option<crate::collect::local_zone::LocalZone>,
}

/// A file system that counts what collectors read through it.
struct CountingFs<'a> {
    inner: &'a dyn FileSystem,
    files: std::cell::Cell<u64>,
    bytes: std::cell::Cell<u64>,
}

impl FileSystem for CountingFs<'_> {
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }
    fn case_sensitive(&self) -> bool {
        self.inner.case_sensitive()
    }
    fn metadata(&self, path: &str) -> Result<crate::fs::Metadata, crate::fs::FsError> {
        self.inner.metadata(path)
    }
    fn read_dir(&self, path: &str) -> Result<Vec<crate::fs::DirEntry>, crate::fs::FsError> {
        self.inner.read_dir(path)
    }
    fn read(&self, path: &str, cap: u64) -> Result<Vec<u8>, crate::fs::FsError> {
        let b = self.inner.read(path, cap)?;
        self.files.set(self.files.get() + 1);
        self.bytes.set(self.bytes.get() + b.len() as u64);
        Ok(b)
    }
    fn read_link(&self, path: &str) -> Result<String, crate::fs::FsError> {
        self.inner.read_link(path)
    }
    fn read_prefix(&self, path: &str, n: usize) -> Result<Vec<u8>, crate::fs::FsError> {
        let b = self.inner.read_prefix(path, n)?;
        self.bytes.set(self.bytes.get() + b.len() as u64);
        Ok(b)
    }
    fn read_later(&self, path: &str, cap: u64) -> Result<crate::fs::Later, crate::fs::FsError> {
        let b = self.inner.read_later(path, cap)?;
        self.files.set(self.files.get() + 1);
        self.bytes.set(self.bytes.get() + b.len());
        Ok(b)
    }
}

impl Run {
    fn stage(&mut self, name: &str, started: std::time::Instant) {
        self.stage_took(name, started.elapsed());
    }

    /// Converts the zone-less times of `records` to UTC with the target's zone (or, when it keeps
    /// none, the one given by `--assume-zone`), and says so in a notice; a zone that exists but
    /// cannot be used is an error and the times stay marked `(local time)`.
    fn convert_local_times(
        &mut self,
        records: &mut [Record],
        found: Result<Option<crate::collect::local_zone::LocalZone>, String>,
        volume: &str,
        target: &Target,
    ) {
        let (zone, own) = match found {
            Ok(Some(zone)) => (zone, true),
            Ok(None) => match &self.assumed_zone {
                Some(zone) => (zone.clone(), false),
                None => return,
            },
            Err(why) => {
                self.problem(
                    Level::Error,
                    volume,
                    "local-zone",
                    &target.root,
                    format!("zone-less times left as read (marked local time): {why}"),
                );
                return;
            }
        };
        let n = crate::collect::local_zone::localize(records, &zone);
        let how = if own {
            format!("the target's zone {} ({})", zone.name(), zone.source())
        } else {
            format!(
                "{}, given by --assume-zone (the evidence keeps no zone of its own)",
                zone.name()
            )
        };
        self.problem(
            Level::Notice,
            volume,
            "local-zone",
            &target.root,
            format!("{n} zone-less times converted to UTC with {how}"),
        );
    }

    /// Adds `took` to the stage's time (a stage may run several times: once per target).
    fn stage_took(&mut self, name: &str, took: std::time::Duration) {
        *self
            .out
            .stats
            .stages_ms
            .entry(name.to_string())
            .or_default() += took.as_secs_f64() * 1000.0;
    }

    fn problem(
        &mut self,
        level: Level,
        volume: &str,
        stage: &str,
        location: &str,
        message: String,
    ) {
        self.out.problems.push(Problem {
            level,
            evidence: self.evidence.clone(),
            volume: volume.to_string(),
            stage: stage.to_string(),
            location: location.to_string(),
            message,
        });
    }

    /// Runs every collector that fits each target of one file system.
    fn analyse_fs(&mut self, fs: &dyn FileSystem, volume: &str, depth: usize) {
        self.out.filesystems += 1;
        let targets = find_targets(fs, "", depth);
        if targets.is_empty() {
            self.problem(
                Level::Notice,
                volume,
                "target",
                "",
                format!(
                    "no Windows, Linux or macOS root found on this {} file system",
                    fs.kind()
                ),
            );
        }
        for target in &targets {
            self.out.targets += 1;
            self.collect_target(fs, volume, target);
        }
    }

    fn collect_target(&mut self, fs: &dyn FileSystem, volume: &str, target: &Target) {
        let began = std::time::Instant::now();
        let counting = CountingFs {
            inner: fs,
            files: Default::default(),
            bytes: Default::default(),
        };
        let fs: &dyn FileSystem = &counting;
        let mut facts = Facts::default();
        let mut records = Vec::new();
        let collectors: Vec<&dyn crate::collect::Collector> = ALL
            .iter()
            .copied()
            .filter(|c| c.os() == target.os)
            .collect();
        // What each collector's detached job (if any) produced, and how long it took.
        type JobOut = (std::thread::Result<Detached>, std::time::Duration);
        // What each collector put into its context: problems, records, crash, time taken.
        type Part = (
            Vec<crate::collect::CollectProblem>,
            Vec<Record>,
            Option<String>,
            std::time::Duration,
        );
        let slots: Vec<std::sync::Mutex<Option<JobOut>>> =
            collectors.iter().map(|_| Default::default()).collect();
        let mut parts: Vec<Option<Part>> = collectors.iter().map(|_| None).collect();
        // Collectors that detach work start first, so that their jobs overlap the others' reads.
        let mut order: Vec<usize> = (0..collectors.len()).collect();
        order.sort_by_key(|&i| !collectors[i].detaches());
        // Collectors read the file system one after another on this thread; parsing handed back
        // as a job runs meanwhile on another worker. Output is put together afterwards in
        // collector order, so it does not depend on which thread did what.
        // A Windows root's SYSTEM hive (its time zone) is located here and parsed beside the
        // collectors, like the SOFTWARE hive.
        let zone_slot: std::sync::Mutex<Option<Result<SystemZone, String>>> = Default::default();
        let pending = catch_unwind(AssertUnwindSafe(|| {
            crate::collect::local_zone::locate_windows(fs, target, self.limits)
        }))
        .unwrap_or_else(|p| Some(Err(format!("crashed (bug): {}", panic_message(p.as_ref())))));
        rayon::in_place_scope(|scope| {
            if let Some(pending) = pending {
                let slot = &zone_slot;
                scope.spawn(move |_| {
                    let parsed = catch_unwind(AssertUnwindSafe(|| {
                        crate::collect::local_zone::parse_windows(pending?)
                    }))
                    .unwrap_or_else(|p| {
                        Err(format!("crashed (bug): {}", panic_message(p.as_ref())))
                    });
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(parsed);
                    }
                });
            }
            for &i in &order {
                let (c, slot) = (collectors[i], &slots[i]);
                self.progress
                    .set_message(format!("{} {volume}: {}", self.evidence, c.id()));
                let started = std::time::Instant::now();
                let mut ctx = Ctx {
                    fs,
                    target,
                    limits: self.limits,
                    records: Vec::new(),
                    problems: Vec::new(),
                    facts: &mut facts,
                };
                let crashed = match catch_unwind(AssertUnwindSafe(|| c.collect_detached(&mut ctx)))
                {
                    Ok(Some(job)) => {
                        scope.spawn(move |_| {
                            let started = std::time::Instant::now();
                            let done = catch_unwind(AssertUnwindSafe(job));
                            let took = started.elapsed();
                            if let Ok(mut slot) = slot.lock() {
                                *slot = Some((done, took));
                            }
                        });
                        None
                    }
                    Ok(None) => None,
                    Err(panic) => Some(panic_message(panic.as_ref())),
                };
                parts[i] = Some((ctx.problems, ctx.records, crashed, started.elapsed()));
            }
        });
        for ((c, slot), part) in collectors.iter().zip(slots).zip(parts) {
            let Some((mut problems, mut found, mut crashed, mut took)) = part else {
                continue;
            };
            match slot.into_inner().ok().flatten() {
                Some((Ok(done), job_took)) => {
                    problems.extend(done.problems);
                    found.extend(done.records);
                    facts.absorb(done.facts);
                    took += job_took;
                }
                Some((Err(panic), job_took)) => {
                    crashed = Some(panic_message(panic.as_ref()));
                    took += job_took;
                }
                None => {}
            }
            if let Some(message) = crashed {
                self.problem(
                    Level::Error,
                    volume,
                    c.id(),
                    &target.root,
                    format!("collector crashed (bug): {message}"),
                );
            }
            let level = |notice: bool| if notice { Level::Notice } else { Level::Error };
            for p in problems {
                self.problem(level(p.notice), volume, c.id(), &p.location, p.message);
            }
            records.extend(found);
            self.stage_took(c.id(), took);
        }
        if records.iter().any(|r| r.times.iter().any(|t| t.local)) {
            let started = std::time::Instant::now();
            let found = match zone_slot.into_inner().ok().flatten() {
                // Windows: the SYSTEM hive parsed beside the collectors.
                Some(parsed) => {
                    parsed.map(|z| Some(crate::collect::local_zone::finish_windows(z, &facts)))
                }
                None => catch_unwind(AssertUnwindSafe(|| {
                    crate::collect::local_zone::find_unix(fs, target)
                }))
                .unwrap_or_else(|p| Err(format!("crashed (bug): {}", panic_message(p.as_ref())))),
            };
            self.convert_local_times(&mut records, found, volume, target);
            self.stage("local-zone", started);
        }
        let started = std::time::Instant::now();
        if target.os == crate::target::Os::Windows {
            crate::reconcile::reconcile(&mut records, &facts);
        }
        crate::rules::apply(&mut records, &crate::rules::RuleCtx { fs, target });
        self.stage("rules", started);
        self.out.stats.files_read += counting.files.get();
        self.out.stats.file_bytes += counting.bytes.get();
        self.out.stats.registry_keys += facts.registry_keys;
        let origin = Origin {
            evidence: self.evidence.clone(),
            volume: volume.to_string(),
            os: target.os.name().to_string(),
        };
        for r in records {
            self.out.records.push((origin.clone(), r));
        }
        self.busy += began.elapsed();
    }

    fn analyse_volume(&mut self, reader: SharedReader, name: &str) {
        self.out.volumes += 1;
        let kind = fs_signature(reader.as_ref());
        let opened: Result<Box<dyn FileSystem>, String> = match kind {
            Some("ntfs") => NtfsFs::open(reader)
                .map(|f| Box::new(crate::fs::GuardedFs(f)) as _)
                .map_err(|e| e.to_string()),
            Some("ext") => ExtFs::open(reader)
                .map(|f| Box::new(crate::fs::GuardedFs(f)) as _)
                .map_err(|e| e.to_string()),
            Some(other) => {
                self.problem(
                    Level::Notice,
                    name,
                    "fs",
                    "",
                    format!("{other} file system is not analysed; volume skipped"),
                );
                return;
            }
            None => {
                self.problem(
                    Level::Notice,
                    name,
                    "fs",
                    "",
                    "no NTFS or ext2/3/4 file system found; volume skipped".into(),
                );
                return;
            }
        };
        match opened {
            Ok(fs) => self.analyse_fs(fs.as_ref(), name, 0),
            Err(e) => self.problem(
                Level::Error,
                name,
                "fs",
                "",
                format!("file system cannot be opened: {e}"),
            ),
        }
    }

    /// An event log given directly as evidence: read from its folder, that file only.
    fn analyse_log_file(&mut self, path: &Path) {
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match HostFs::open(parent) {
            Ok(fs) => {
                self.out.volumes += 1;
                self.out.filesystems += 1;
                self.out.targets += 1;
                let target = Target {
                    os: crate::target::Os::Windows,
                    root: String::new(),
                    layout: crate::target::Layout::LogsFolder,
                    only: Some(name),
                };
                self.collect_target(&fs, "file", &target);
            }
            Err(e) => self.problem(
                Level::Fatal,
                "",
                "evidence",
                "",
                format!("cannot open: {e}"),
            ),
        }
    }

    fn analyse_image(&mut self, path: &Path, counter: Arc<AtomicU64>) {
        let image = match open_image(path) {
            Ok(i) => i,
            Err(e) => {
                self.problem(Level::Fatal, "", "evidence", "", e.to_string());
                return;
            }
        };
        let disk: SharedReader = Arc::new(Counted::new(image.reader, counter));
        self.analyse_disk(disk);
    }

    /// Volumes, file systems and collectors of a disk (or volume) already open.
    fn analyse_disk(&mut self, disk: SharedReader) {
        if disk.is_empty() {
            self.problem(
                Level::Error,
                "",
                "evidence",
                "",
                "evidence is empty (0 bytes)".into(),
            );
            return;
        }
        let scan = find_volumes(disk.as_ref());
        for p in &scan.problems {
            self.problem(Level::Error, "", "volume", "", p.clone());
        }
        for v in scan.volumes {
            if v.offset >= disk.len() {
                self.problem(
                    Level::Error,
                    &v.name,
                    "volume",
                    "",
                    format!("starts at byte {} beyond the end of the image ({} bytes); truncated image?", v.offset, disk.len()),
                );
                continue;
            }
            let reader: SharedReader = Arc::new(Slice::new(disk.clone(), v.offset, v.len));
            let name = v.name.clone();
            let result = catch_unwind(AssertUnwindSafe(|| self.analyse_volume(reader, &name)));
            if let Err(panic) = result {
                self.problem(
                    Level::Error,
                    &name,
                    "fs",
                    "",
                    format!(
                        "file system reader crashed (bug): {}",
                        panic_message(panic.as_ref())
                    ),
                );
            }
        }
    }
}

/// Whether a file starts with the EVTX file signature.
fn is_evtx(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 8];
    crate::evidence::open_read_only_file(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && &magic == b"ElfFile\0"
}

/// Analyses one evidence. Nothing here is fatal to the run: evidence that cannot be opened
/// becomes a `Fatal`-level problem, and a crash while reading it is caught and reported.
pub fn analyse_one(
    ev: &Path,
    limits: Limits,
    assumed_zone: Option<&crate::collect::local_zone::LocalZone>,
    progress: indicatif::ProgressBar,
) -> EvidenceResult {
    let mut run = Run::new(&ev.display().to_string(), limits, progress);
    run.assumed_zone = assumed_zone.cloned();
    let counter = Arc::new(AtomicU64::new(0));
    let started = std::time::Instant::now();
    run.guarded(|run| match std::fs::metadata(ev) {
        Ok(m) if m.is_dir() => match HostFs::open(ev) {
            Ok(fs) => {
                run.out.volumes += 1;
                run.analyse_fs(&fs, "folder", 2)
            }
            Err(e) => run.problem(
                Level::Fatal,
                "",
                "evidence",
                "",
                format!("cannot open folder: {e}"),
            ),
        },
        Ok(_) if is_evtx(ev) => run.analyse_log_file(ev),
        Ok(_) => run.analyse_image(ev, counter.clone()),
        Err(e) => run.problem(
            Level::Fatal,
            "",
            "evidence",
            "",
            format!("cannot open: {e}"),
        ),
    });
    let opened = !run.out.problems.iter().any(|p| p.level == Level::Fatal);
    if opened && run.out.filesystems == 0 {
        run.problem(
            Level::Error,
            "",
            "evidence",
            "",
            "no NTFS or ext2/3/4 file system found anywhere in this evidence (wrong file, encrypted or damaged disk?)".into(),
        );
    }
    run.out.stats.stages_ms.insert(
        "open".into(),
        started.elapsed().saturating_sub(run.busy).as_secs_f64() * 1000.0,
    );
    let image_bytes = counter.load(Ordering::Relaxed);
    run.out.stats.bytes_read = if image_bytes > 0 {
        image_bytes
    } else {
        run.out.stats.file_bytes
    };
    run.progress.finish_and_clear();
    run.out
}

/// Analyses a disk or volume image held in memory (fuzzing, tests): the same stages as a file.
pub fn analyse_bytes(name: &str, bytes: Vec<u8>, limits: Limits) -> EvidenceResult {
    let mut run = Run::new(name, limits, indicatif::ProgressBar::hidden());
    let disk: SharedReader = Arc::new(crate::evidence::MemReader(bytes));
    run.guarded(|run| run.analyse_disk(disk));
    run.out
}

impl Run {
    fn new(evidence: &str, limits: Limits, progress: indicatif::ProgressBar) -> Run {
        Run {
            evidence: evidence.to_string(),
            limits,
            out: EvidenceResult {
                evidence: evidence.to_string(),
                ..EvidenceResult::default()
            },
            progress,
            busy: std::time::Duration::ZERO,
            assumed_zone: None,
        }
    }

    /// Runs one whole analysis; a panic in it becomes the problem "crashed (bug)" and what was
    /// found before it is kept.
    fn guarded(&mut self, f: impl FnOnce(&mut Run)) {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| f(self))) {
            self.problem(
                Level::Error,
                "",
                "evidence",
                "",
                format!(
                    "analysis of this evidence crashed (bug): {}",
                    panic_message(panic.as_ref())
                ),
            );
        }
    }
}

/// Analyses every evidence of the plan (in parallel with `jobs` threads; the result does not
/// depend on it) and returns the sorted rows, problems and totals.
pub fn analyse(plan: &Plan) -> Outcome {
    use rayon::prelude::*;
    let bars = if plan.quiet {
        indicatif::MultiProgress::with_draw_target(indicatif::ProgressDrawTarget::hidden())
    } else {
        indicatif::MultiProgress::new()
    };
    let overall = bars.add(indicatif::ProgressBar::new(plan.evidence.len() as u64));
    overall.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] {pos}/{len} evidence",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let one = |ev: &PathBuf| {
        let pb = bars.add(indicatif::ProgressBar::new_spinner());
        pb.set_message(format!("{}: open", ev.display()));
        let r = prepare(
            plan,
            analyse_one(ev, plan.limits, plan.assume_zone.as_ref(), pb),
        );
        overall.inc(1);
        r
    };
    in_pool(plan.jobs, || {
        let started = std::time::Instant::now();
        let results: Vec<Prepared> = plan.evidence.par_iter().map(one).collect();
        overall.finish_and_clear();
        let analysed = started.elapsed();
        let mut out = merge(results);
        out.stages_ms
            .insert("analyse", analysed.as_secs_f64() * 1000.0);
        out.stages_ms.insert(
            "merge",
            (started.elapsed() - analysed).as_secs_f64() * 1000.0,
        );
        out
    })
}

/// Runs `f` on a pool of `jobs` threads, so that every parallel step of a run (analysis, row
/// building, sorting, rendering) honours `--jobs`.
fn in_pool<R: Send>(jobs: usize, f: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
    {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

/// One evidence made ready for merging: its rows (sorted), its summary and its problems. Built by
/// the worker that analysed it, so that the records are turned into rows and freed on that worker
/// rather than one after another at the end of the run.
#[derive(Debug, Default)]
pub struct Prepared {
    /// Timeline rows of the records kept by `--min-severity`, sorted.
    pub rows: Vec<Row>,
    /// Problems met, in order.
    pub problems: Vec<Problem>,
    /// Counts for the summary.
    pub summary: EvidenceSummary,
    /// Volumes examined.
    pub volumes: usize,
    /// File systems analysed.
    pub filesystems: usize,
    /// OS roots found.
    pub targets: usize,
    /// Highest severity among all records (before filtering).
    pub max_severity: Option<Severity>,
}

/// Turns one evidence's records into sorted rows and counts (see [`Prepared`]).
pub fn prepare(plan: &Plan, r: EvidenceResult) -> Prepared {
    let wanted = |rec: &Record| {
        plan.min_severity
            .is_none_or(|m| rec.severity.is_some_and(|s| s >= m))
    };
    let mut rows: Vec<Row> = r
        .records
        .iter()
        .filter(|(_, rec)| wanted(rec))
        .flat_map(|(origin, rec)| rows_of(rec, origin))
        .collect();
    rows.sort_by(compare_rows);
    let mut s = EvidenceSummary {
        evidence: r.evidence.clone(),
        errors: r
            .problems
            .iter()
            .filter(|p| p.level >= Level::Error)
            .count(),
        stats: r.stats,
        ..EvidenceSummary::default()
    };
    if !plan.stats {
        s.stats.stages_ms.clear();
    }
    for (_, rec) in &r.records {
        s.records += 1;
        *s.by_artifact.entry(rec.artifact.to_string()).or_default() += 1;
        *s.by_severity
            .entry(rec.severity.map(|x| x.name()).unwrap_or("none").to_string())
            .or_default() += 1;
    }
    Prepared {
        rows,
        problems: r.problems,
        summary: s,
        volumes: r.volumes,
        filesystems: r.filesystems,
        targets: r.targets,
        max_severity: r.records.iter().filter_map(|(_, rec)| rec.severity).max(),
    }
}

/// Merges prepared evidence, in the order the evidence was given, into one sorted timeline (sorted
/// in parallel on the current rayon pool; the result does not depend on the number of threads).
pub fn merge(results: Vec<Prepared>) -> Outcome {
    use rayon::prelude::*;
    let mut out = Outcome {
        rows: Vec::with_capacity(results.iter().map(|r| r.rows.len()).sum()),
        ..Outcome::default()
    };
    for mut r in results {
        out.summary.evidence += 1;
        out.summary.volumes += r.volumes;
        out.summary.filesystems += r.filesystems;
        out.summary.targets += r.targets;
        out.summary.bytes_read += r.summary.stats.bytes_read;
        out.summary.records += r.summary.records;
        out.max_severity = out.max_severity.max(r.max_severity);
        out.rows.append(&mut r.rows);
        out.problems.append(&mut r.problems);
        out.per_evidence.push(r.summary);
    }
    // Each evidence's rows are already in order, so this mostly merges sorted runs.
    out.rows.par_sort_by(compare_rows);
    out.summary.rows = out.rows.len();
    out.summary.errors = out
        .problems
        .iter()
        .filter(|p| p.level >= Level::Error)
        .count();
    out.summary.notices = out
        .problems
        .iter()
        .filter(|p| p.level == Level::Notice)
        .count();
    out
}

/// Writes a file atomically: into a temporary file beside it, then renamed over it, so a reader
/// never sees half a timeline. An existing path that is not a regular file (`/dev/null`, a FIFO,
/// a terminal) is written in place instead: renaming over it would replace the device itself.
/// A symbolic link is followed, so the file it names is replaced, not the link.
fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), FatalError> {
    let err = |source| FatalError::Output {
        path: path.display().to_string(),
        source,
    };
    let resolved;
    let path = match std::fs::metadata(path) {
        Ok(m) if !m.is_file() && !m.is_dir() => {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(err)?;
            let mut w = std::io::BufWriter::new(f);
            return write(&mut w)
                .and_then(|_| std::io::Write::flush(&mut w))
                .map_err(err);
        }
        Ok(_) => {
            resolved = std::fs::canonicalize(path).map_err(err)?;
            resolved.as_path()
        }
        Err(_) => path,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| err(std::io::Error::other("not a file name")))?;
    let tmp = dir.join(format!(
        ".{}.tasktrail-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let f = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::new(f);
        write(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// The sink of the plan's format over `w`.
fn sink_for<'w>(plan: &Plan, w: impl std::io::Write + 'w) -> Box<dyn Sink + 'w> {
    match plan.format {
        Format::Csv => Box::new(CsvSink::new(w, plan.neutralize)),
        Format::Jsonl => Box::new(JsonlSink::new(w)),
    }
}

fn write_timeline(w: &mut dyn std::io::Write, plan: &Plan, out: &Outcome) -> std::io::Result<()> {
    let mut sink = sink_for(plan, &mut *w);
    sink.begin()?;
    sink.flush()?;
    drop(sink);
    write_rows(w, plan, &out.rows)?;
    let mut sink = sink_for(plan, w);
    for p in &out.problems {
        sink.problem(p)?;
    }
    for e in &out.per_evidence {
        sink.evidence_summary(e)?;
    }
    sink.finish(&out.summary)
}

/// Writes the rows in order, rendering them in parallel: each chunk of 256 rows by its own sink
/// over a buffer, at most 64 chunks held at a time so memory stays bounded on huge timelines.
/// The bytes are the same as one sink writing every row.
fn write_rows(w: &mut dyn std::io::Write, plan: &Plan, rows: &[Row]) -> std::io::Result<()> {
    use rayon::prelude::*;
    const CHUNK: usize = 256;
    let render = |chunk: &[Row]| -> std::io::Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(chunk.len() * 1024);
        {
            let mut sink = sink_for(plan, &mut buf);
            for r in chunk {
                sink.row(r)?;
            }
            sink.flush()?;
        }
        Ok(buf)
    };
    for window in rows.chunks(CHUNK * 64) {
        let parts: Vec<std::io::Result<Vec<u8>>> = window.par_chunks(CHUNK).map(render).collect();
        for part in parts {
            w.write_all(&part?)?;
        }
    }
    Ok(())
}

fn write_problems(w: &mut dyn std::io::Write, out: &Outcome) -> std::io::Result<()> {
    let mut sink = JsonlSink::new(w);
    for p in &out.problems {
        sink.problem(p)?;
    }
    for e in &out.per_evidence {
        sink.evidence_summary(e)?;
    }
    sink.finish(&out.summary)
}

/// A finished scan: its exit code and what it produced (kept so that the caller decides when,
/// or whether, to free it).
#[derive(Debug)]
pub struct Done {
    /// Exit code: 0, 1, 2 or 3 (see [`Outcome::exit_code`]).
    pub code: i32,
    /// Rows, problems and totals.
    pub outcome: Outcome,
}

/// Runs a whole scan: analyse, write the timeline (atomically for files), write problems, print
/// the summary on stderr.
pub fn run(plan: &Plan) -> Result<Done, FatalError> {
    plan.validate()?;
    let mut out = analyse(plan);
    let started = std::time::Instant::now();
    in_pool(plan.jobs, || match &plan.out_dir {
        Some(dir) => write_per_evidence(plan, &out, dir),
        None => write_main(plan, &out),
    })?;
    if let Some(p) = &plan.problems {
        write_atomic(p, |w| write_problems(w, &out))?;
    }
    out.stages_ms
        .insert("write", started.elapsed().as_secs_f64() * 1000.0);
    if !plan.quiet {
        eprint!("{}", report(&out));
    }
    if plan.stats {
        eprint!("{}", stats_report(&out));
    }
    Ok(Done {
        code: out.exit_code(plan.fail_on),
        outcome: out,
    })
}

/// `--out-dir`: one timeline per evidence, named after it (`disk.E01` → `disk.E01.csv`; a
/// number is prefixed when two evidence share a name).
fn write_per_evidence(plan: &Plan, out: &Outcome, dir: &Path) -> Result<(), FatalError> {
    std::fs::create_dir_all(dir).map_err(|source| FatalError::Output {
        path: dir.display().to_string(),
        source,
    })?;
    let ext = match plan.format {
        Format::Csv => "csv",
        Format::Jsonl => "jsonl",
    };
    let mut used = std::collections::BTreeSet::new();
    for (i, e) in out.per_evidence.iter().enumerate() {
        let base = Path::new(&e.evidence)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "evidence".into());
        let mut name = format!("{base}.{ext}");
        if !used.insert(name.clone()) {
            name = format!("{:03}-{base}.{ext}", i + 1);
            used.insert(name.clone());
        }
        let sub = Outcome {
            rows: out
                .rows
                .iter()
                .filter(|r| r.evidence == e.evidence)
                .cloned()
                .collect(),
            problems: out
                .problems
                .iter()
                .filter(|p| p.evidence == e.evidence)
                .cloned()
                .collect(),
            per_evidence: vec![e.clone()],
            summary: Summary {
                evidence: 1,
                records: e.records,
                rows: out.rows.iter().filter(|r| r.evidence == e.evidence).count(),
                errors: e.errors,
                bytes_read: e.stats.bytes_read,
                ..Summary::default()
            },
            max_severity: None,
            stages_ms: Default::default(),
        };
        write_atomic(&dir.join(name), |w| write_timeline(w, plan, &sub))?;
    }
    Ok(())
}

/// The merged timeline, to a file (atomically) or stdout.
fn write_main(plan: &Plan, out: &Outcome) -> Result<(), FatalError> {
    match &plan.output {
        Some(p) if p.as_os_str() != "-" => write_atomic(p, |w| write_timeline(w, plan, out))?,
        _ => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            match write_timeline(&mut lock, plan, out)
                .and_then(|_| std::io::Write::flush(&mut lock))
            {
                Ok(()) => {}
                // The reader went away (`| head`): stop quietly, as other filters do.
                Err(e) if is_broken_pipe(&e) => return Ok(()),
                Err(source) => {
                    return Err(FatalError::Output {
                        path: "stdout".into(),
                        source,
                    })
                }
            }
        }
    }
    Ok(())
}

/// Whether an output error is the reader having gone away (possibly wrapped by serde).
fn is_broken_pipe(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return true;
    }
    let Some(inner) = e.get_ref() else {
        return false;
    };
    if let Some(j) = inner.downcast_ref::<serde_json::Error>() {
        return j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe);
    }
    inner
        .downcast_ref::<std::io::Error>()
        .is_some_and(is_broken_pipe)
}

/// `--stats`: per evidence, bytes and files read, registry keys, and milliseconds per stage.
pub fn stats_report(out: &Outcome) -> String {
    let mut s = String::new();
    for e in &out.per_evidence {
        let st = &e.stats;
        s.push_str(&crate::timeline::escape_controls(&format!(
            "stats {}: {} bytes read, {} files ({} bytes), {} registry keys; {}",
            e.evidence,
            st.bytes_read,
            st.files_read,
            st.file_bytes,
            st.registry_keys,
            stage_list(&st.stages_ms)
        )));
        s.push('\n');
    }
    if !out.stages_ms.is_empty() {
        s.push_str(&format!("stats run: {}\n", stage_list(&out.stages_ms)));
    }
    s
}

/// `name 1.2 ms, other 3.4 ms`, in name order.
fn stage_list<K: std::fmt::Display>(stages: &std::collections::BTreeMap<K, f64>) -> String {
    stages
        .iter()
        .map(|(k, v)| format!("{k} {v:.1} ms"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The stderr report: problems (at most 20 listed) and one summary line.
pub fn report(out: &Outcome) -> String {
    let mut s = String::new();
    const SHOWN: usize = 20;
    for p in out.problems.iter().take(SHOWN) {
        s.push_str(&p.line());
        s.push('\n');
    }
    if out.problems.len() > SHOWN {
        s.push_str(&format!(
            "… and {} more problems (see --problems FILE)\n",
            out.problems.len() - SHOWN
        ));
    }
    for e in &out.per_evidence {
        let sev: Vec<String> = ["critical", "high", "medium", "low", "info", "none"]
            .iter()
            .filter_map(|k| e.by_severity.get(*k).map(|n| format!("{k} {n}")))
            .collect();
        let art: Vec<String> = e
            .by_artifact
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        s.push_str(&crate::timeline::escape_controls(&format!(
            "{}: {} records ({}); severity: {}",
            e.evidence,
            e.records,
            if art.is_empty() {
                "none".to_string()
            } else {
                art.join(", ")
            },
            if sev.is_empty() {
                "-".to_string()
            } else {
                sev.join(", ")
            }
        )));
        s.push('\n');
    }
    let m = &out.summary;
    s.push_str(&format!(
        "tasktrail: {} evidence, {} volumes, {} file systems, {} OS roots, {} records, {} rows, {} errors, {} notices\n",
        m.evidence, m.volumes, m.filesystems, m.targets, m.records, m.rows, m.errors, m.notices
    ));
    s
}
