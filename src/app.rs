//! The orchestration loop — the only place that knows every stage: evidence → volume → fs →
//! target → collectors → timeline.

use crate::collect::{Ctx, Facts, Limits, ALL};
use crate::evidence::{open_image, Counted, SharedReader, Slice};
use crate::fs::{ExtFs, FileSystem, HostFs, NtfsFs};
use crate::problem::{Level, Problem};
use crate::record::Record;
use crate::record::Severity;
use crate::target::{find_targets, Target};
use crate::timeline::{rows_of, sort_rows, CsvSink, JsonlSink, Origin, Row, Sink, Summary};
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
        let inputs: Vec<PathBuf> = self
            .evidence
            .iter()
            .filter_map(|e| e.canonicalize().ok())
            .collect();
        for out in [&self.output, &self.problems].into_iter().flatten() {
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

struct Run<'a> {
    evidence: String,
    limits: Limits,
    out: &'a mut Outcome,
    records: Vec<(Origin, Record)>,
}

impl Run<'_> {
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
        self.out.summary.filesystems += 1;
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
            self.out.summary.targets += 1;
            self.collect_target(fs, volume, target);
        }
    }

    fn collect_target(&mut self, fs: &dyn FileSystem, volume: &str, target: &Target) {
        let mut facts = Facts::default();
        let mut records = Vec::new();
        for c in ALL.iter().filter(|c| c.os() == target.os) {
            let mut ctx = Ctx {
                fs,
                target,
                limits: self.limits,
                records: Vec::new(),
                problems: Vec::new(),
                facts: &mut facts,
            };
            let result = catch_unwind(AssertUnwindSafe(|| c.collect(&mut ctx)));
            if let Err(panic) = result {
                self.problem(
                    Level::Error,
                    volume,
                    c.id(),
                    &target.root,
                    format!("collector crashed (bug): {}", panic_message(&panic)),
                );
            }
            let level = |notice: bool| if notice { Level::Notice } else { Level::Error };
            for p in ctx.problems {
                self.problem(level(p.notice), volume, c.id(), &p.location, p.message);
            }
            records.extend(ctx.records);
        }
        if target.os == crate::target::Os::Windows {
            crate::reconcile::reconcile(&mut records, &facts);
        }
        crate::rules::apply(&mut records, &crate::rules::RuleCtx { fs, target });
        let origin = Origin {
            evidence: self.evidence.clone(),
            volume: volume.to_string(),
            os: target.os.name().to_string(),
        };
        for r in records {
            self.records.push((origin.clone(), r));
        }
    }

    fn analyse_volume(&mut self, reader: SharedReader, name: &str) {
        self.out.summary.volumes += 1;
        let kind = fs_signature(reader.as_ref());
        let opened: Result<Box<dyn FileSystem>, String> = match kind {
            Some("ntfs") => NtfsFs::open(reader)
                .map(|f| Box::new(f) as _)
                .map_err(|e| e.to_string()),
            Some("ext") => ExtFs::open(reader)
                .map(|f| Box::new(f) as _)
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
                self.out.summary.volumes += 1;
                self.out.summary.filesystems += 1;
                self.out.summary.targets += 1;
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
                        panic_message(&panic)
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

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Analyses every evidence of the plan and returns the sorted rows, problems and totals.
/// Nothing here is fatal: evidence that cannot be opened becomes a `Fatal`-level problem and
/// the other evidence are still analysed.
pub fn analyse(plan: &Plan) -> Outcome {
    let mut out = Outcome::default();
    let counter = Arc::new(AtomicU64::new(0));
    let mut all: Vec<(Origin, Record)> = Vec::new();
    for ev in &plan.evidence {
        out.summary.evidence += 1;
        let mut run = Run {
            evidence: ev.display().to_string(),
            limits: plan.limits,
            out: &mut out,
            records: Vec::new(),
        };
        let fs_before = run.out.summary.filesystems;
        match std::fs::metadata(ev) {
            Ok(m) if m.is_dir() => match HostFs::open(ev) {
                Ok(fs) => {
                    run.out.summary.volumes += 1;
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
        }
        let opened = !run
            .out
            .problems
            .iter()
            .any(|p| p.level == Level::Fatal && p.evidence == run.evidence);
        if opened && run.out.summary.filesystems == fs_before {
            run.problem(
                Level::Error,
                "",
                "evidence",
                "",
                "no NTFS or ext2/3/4 file system found anywhere in this evidence (wrong file, encrypted or damaged disk?)".into(),
            );
        }
        all.append(&mut run.records);
    }
    out.summary.records = all.len();
    out.max_severity = all.iter().filter_map(|(_, r)| r.severity).max();
    for ev in &plan.evidence {
        let name = ev.display().to_string();
        let mut s = EvidenceSummary {
            evidence: name.clone(),
            errors: out
                .problems
                .iter()
                .filter(|p| p.evidence == name && p.level >= Level::Error)
                .count(),
            ..EvidenceSummary::default()
        };
        for (_, r) in all.iter().filter(|(o, _)| o.evidence == name) {
            s.records += 1;
            *s.by_artifact.entry(r.artifact.to_string()).or_default() += 1;
            *s.by_severity
                .entry(r.severity.map(|x| x.name()).unwrap_or("none").to_string())
                .or_default() += 1;
        }
        out.per_evidence.push(s);
    }
    for (origin, rec) in &all {
        if plan
            .min_severity
            .is_some_and(|m| rec.severity.is_none_or(|s| s < m))
        {
            continue;
        }
        out.rows.extend(rows_of(rec, origin));
    }
    sort_rows(&mut out.rows);
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
    out.summary.bytes_read = counter.load(Ordering::Relaxed);
    out
}

/// Writes a file atomically: into a temporary file beside it, then renamed over it.
fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), FatalError> {
    let err = |source| FatalError::Output {
        path: path.display().to_string(),
        source,
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

fn write_timeline(w: &mut dyn std::io::Write, plan: &Plan, out: &Outcome) -> std::io::Result<()> {
    let mut sink: Box<dyn Sink + '_> = match plan.format {
        Format::Csv => Box::new(CsvSink::new(w, plan.neutralize)),
        Format::Jsonl => Box::new(JsonlSink::new(w)),
    };
    sink.begin()?;
    for r in &out.rows {
        sink.row(r)?;
    }
    for p in &out.problems {
        sink.problem(p)?;
    }
    for e in &out.per_evidence {
        sink.evidence_summary(e)?;
    }
    sink.finish(&out.summary)
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

/// Runs a whole scan: analyse, write the timeline (atomically for files), write problems, print
/// the summary on stderr. Returns the exit code (0, 1 or 2).
pub fn run(plan: &Plan) -> Result<i32, FatalError> {
    plan.validate()?;
    let out = analyse(plan);
    match &plan.output {
        Some(p) if p.as_os_str() != "-" => write_atomic(p, |w| write_timeline(w, plan, &out))?,
        _ => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            match write_timeline(&mut lock, plan, &out)
                .and_then(|_| std::io::Write::flush(&mut lock))
            {
                Ok(()) => {}
                // The reader went away (`| head`): stop quietly, as other filters do.
                Err(e) if is_broken_pipe(&e) => return Ok(out.exit_code(plan.fail_on)),
                Err(source) => {
                    return Err(FatalError::Output {
                        path: "stdout".into(),
                        source,
                    })
                }
            }
        }
    }
    if let Some(p) = &plan.problems {
        write_atomic(p, |w| write_problems(w, &out))?;
    }
    if !plan.quiet {
        eprint!("{}", report(&out));
    }
    Ok(out.exit_code(plan.fail_on))
}

/// Whether an output error is the reader having gone away (possibly wrapped by csv or serde).
fn is_broken_pipe(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return true;
    }
    let Some(inner) = e.get_ref() else {
        return false;
    };
    if let Some(c) = inner.downcast_ref::<csv::Error>() {
        if let csv::ErrorKind::Io(io) = c.kind() {
            return io.kind() == std::io::ErrorKind::BrokenPipe;
        }
    }
    if let Some(j) = inner.downcast_ref::<serde_json::Error>() {
        return j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe);
    }
    inner
        .downcast_ref::<std::io::Error>()
        .is_some_and(is_broken_pipe)
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
