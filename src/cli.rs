//! Command-line definitions (clap), validated into an [`app::Plan`](crate::app::Plan).

use crate::app::{Format, Plan};
use crate::collect::Limits;
use crate::record::Severity;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// tasktrail: a timeline of scheduled-task and job persistence (MITRE ATT&CK T1053) from disk
/// images and evidence folders.
#[derive(Debug, Parser)]
#[command(name = "tasktrail", version, about, long_about = None,
    after_help = "Examples:\n  tasktrail scan disk.E01 -o timeline.csv\n  tasktrail scan C_drive/ --format jsonl -o - | jq .\n  tasktrail scan disk.img --min-severity medium --fail-on high -o findings.csv\n  tasktrail rules\n\nExit codes: 0 clean, 1 finished with problems, 2 fatal (evidence cannot be opened, output cannot be written, bad arguments), 3 a finding at or above --fail-on exists.")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the detection rules (id, severity, ATT&CK technique, title).
    #[command(
        after_help = "Examples:\n  tasktrail rules\n  tasktrail rules --markdown > docs/rules.md"
    )]
    Rules {
        /// Print the full Markdown reference (docs/rules.md) instead of the table.
        #[arg(long)]
        markdown: bool,
    },
    /// Scan evidence and write the timeline.
    #[command(
        after_help = "Evidence is detected by content, never by file name: raw disk or volume images (dd), \
MBR (with logical partitions) and GPT disks, E01, VMDK, VHD, or a folder (a mounted volume or a collected tree; \
the OS root may be up to two levels down, e.g. C/ or C%3A/). Every NTFS and ext2/3/4 volume is analysed.

Examples:
  tasktrail scan disk.img -o timeline.csv
  tasktrail scan case01.E01 case02.vmdk -o all.csv --problems problems.jsonl
  tasktrail scan /mnt/evidence --format jsonl -o -
  tasktrail scan collected/C%3A -o - > timeline.csv
  tasktrail scan --from-file images.txt --jobs 4 --out-dir timelines/ --stats
  tasktrail scan triage/Tasks --assume-zone America/New_York -o tasks.csv

Exit codes: 0 clean, 1 finished with problems (listed on stderr and in --problems), 2 fatal,
3 a finding at or above --fail-on LEVEL exists."
    )]
    Scan(ScanArgs),
}

/// Output formats on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// CSV with the documented header (Timesketch-importable).
    Csv,
    /// JSON Lines: rows, then `problem` and `summary` lines.
    Jsonl,
}

/// Arguments of `scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Disk images, containers, .evtx files or folders to analyse.
    #[arg(value_name = "EVIDENCE", required_unless_present = "from_file")]
    pub evidence: Vec<PathBuf>,
    /// Also read evidence paths from FILE, one per line (blank lines and # comments skipped).
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,
    /// Evidence analysed at once (default: the number of cores). The output does not depend on it.
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Write one timeline per evidence into DIR (named after the evidence) instead of one merged
    /// timeline.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub out_dir: Option<PathBuf>,
    /// Print per-evidence work counters on stderr: bytes and files read, registry keys, time per
    /// stage (also in the JSONL evidence summaries); then a `stats run:` line with the wall time
    /// of the run-wide stages (analyse, merge, write).
    #[arg(long)]
    pub stats: bool,
    /// Time zone (IANA name: `America/New_York`, `Europe/Berlin`, `UTC`) for zone-less times when
    /// the evidence keeps none of its own (a collected Tasks folder, a root without SYSTEM hive
    /// or /etc/localtime). A zone found on the evidence always wins.
    #[arg(long, value_name = "ZONE")]
    pub assume_zone: Option<String>,
    /// Timeline file; `-` or absent writes to stdout. Files are written atomically.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
    pub format: FormatArg,
    /// Also write every problem (and the run summary) to FILE as JSON Lines.
    #[arg(long, value_name = "FILE")]
    pub problems: Option<PathBuf>,
    /// Do not neutralise CSV cells that start with = + - @ TAB or CR.
    #[arg(long)]
    pub raw_csv: bool,
    /// Largest artifact file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_file_size)]
    pub max_file_size: u64,
    /// Largest registry hive or event log read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_hive_size)]
    pub max_hive_size: u64,
    /// Deepest folder level walked below a task or spool folder.
    #[arg(long, value_name = "N", default_value_t = Limits::default().walk.max_depth)]
    pub max_depth: usize,
    /// Most files listed in one walk.
    #[arg(long, value_name = "N", default_value_t = Limits::default().walk.max_entries)]
    pub max_files: usize,
    /// No report on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Write only rows whose severity is at least LEVEL.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_severity: Option<SeverityArg>,
    /// Exit with code 3 when a finding at or above LEVEL exists (for scripts).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<SeverityArg>,
}

/// Severity levels on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl SeverityArg {
    fn level(self) -> Severity {
        match self {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

impl ScanArgs {
    /// The plan for this scan (validated by [`Plan::validate`]); reading `--from-file` may fail.
    pub fn plan(self) -> Result<Plan, String> {
        let mut evidence = self.evidence;
        if let Some(list) = &self.from_file {
            let text = std::fs::read_to_string(list)
                .map_err(|e| format!("cannot read {}: {e}", list.display()))?;
            evidence.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(PathBuf::from),
            );
        }
        let assume_zone = match &self.assume_zone {
            None => None,
            Some(name) => Some(
                crate::collect::local_zone::LocalZone::assumed(name)
                    .map_err(|e| format!("--assume-zone {name}: not a known time zone ({e})"))?,
            ),
        };
        let jobs = self.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        });
        Ok(Plan {
            evidence,
            output: self.output,
            format: match self.format {
                FormatArg::Csv => Format::Csv,
                FormatArg::Jsonl => Format::Jsonl,
            },
            problems: self.problems,
            neutralize: !self.raw_csv,
            limits: Limits {
                max_file_size: self.max_file_size,
                max_hive_size: self.max_hive_size,
                walk: crate::fs::WalkLimits {
                    max_depth: self.max_depth,
                    max_entries: self.max_files,
                },
            },
            quiet: self.quiet,
            min_severity: self.min_severity.map(SeverityArg::level),
            fail_on: self.fail_on.map(SeverityArg::level),
            jobs,
            out_dir: self.out_dir,
            stats: self.stats,
            assume_zone,
        })
    }
}
