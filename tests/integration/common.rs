//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Output of one run of the binary.
pub struct RunOut {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The project root (tests run the binary from there so evidence paths are stable).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `tasktrail ARGS` from the project root.
pub fn tasktrail(args: &[&str]) -> RunOut {
    let out = Command::new(env!("CARGO_BIN_EXE_tasktrail"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run tasktrail");
    RunOut {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Scans evidence to CSV on stdout.
pub fn scan_csv(evidence: &str) -> RunOut {
    tasktrail(&["scan", evidence, "-o", "-"])
}

/// One parsed CSV row as (column, value) access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub Vec<String>);

pub const COLUMNS: [&str; 17] = [
    "datetime",
    "timestamp_desc",
    "message",
    "evidence",
    "volume",
    "os",
    "artifact",
    "name",
    "path",
    "command",
    "schedule",
    "user",
    "enabled",
    "flags",
    "severity",
    "technique",
    "details",
];

impl Row {
    pub fn get(&self, col: &str) -> &str {
        let i = COLUMNS
            .iter()
            .position(|c| *c == col)
            .expect("known column");
        &self.0[i]
    }

    pub fn details(&self) -> serde_json::Value {
        serde_json::from_str(self.get("details")).expect("details is JSON")
    }

    /// The row without the columns that name where it came from (and, optionally, details).
    pub fn without(&self, cols: &[&str]) -> Vec<String> {
        COLUMNS
            .iter()
            .zip(&self.0)
            .filter(|(c, _)| !cols.contains(c))
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// Parses CSV text; asserts the header is exactly the contract.
pub fn parse_csv(text: &str) -> Vec<Row> {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, COLUMNS, "CSV header is the documented contract");
    r.records()
        .map(|rec| Row(rec.expect("csv row").iter().map(str::to_string).collect()))
        .collect()
}

/// Rows of one task by name.
pub fn rows_named<'a>(rows: &'a [Row], name: &str) -> Vec<&'a Row> {
    rows.iter().filter(|r| r.get("name") == name).collect()
}

/// The row of `name` whose timestamp_desc is exactly `desc`.
pub fn row_at<'a>(rows: &'a [Row], name: &str, desc: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.get("name") == name && r.get("timestamp_desc") == desc)
        .unwrap_or_else(|| panic!("no row {name} / {desc}"))
}

/// Compares `actual` with the golden file, or rewrites it when TASKTRAIL_BLESS=1.
pub fn golden(name: &str, actual: &str) {
    let path = root().join("testdata/expected").join(name);
    if std::env::var_os("TASKTRAIL_BLESS").is_some() {
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "golden {} missing ({e}); run with TASKTRAIL_BLESS=1",
            path.display()
        )
    });
    if expected != actual {
        let diff_at = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from the golden at line {}:\n expected: {}\n   actual: {}",
            diff_at + 1,
            expected.lines().nth(diff_at).unwrap_or("<end>"),
            actual.lines().nth(diff_at).unwrap_or("<end>")
        );
    }
}

/// The shared corpus folder (`../shared/corpus` beside the project, or $TASKTRAIL_CORPUS).
pub fn corpus() -> PathBuf {
    let p = std::env::var_os("TASKTRAIL_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    assert!(
        p.join("MANIFEST.md").is_file(),
        "the shared corpus is not at {} (set TASKTRAIL_CORPUS to its folder)",
        p.display()
    );
    p
}

/// A path as a &str for argument lists.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}
