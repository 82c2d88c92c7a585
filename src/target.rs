//! Targets: the operating-system roots on a file system, found by marker paths.

use crate::fs::{find_name, join, resolve, FileKind, FileSystem};

/// Operating system family of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Os {
    /// Windows (a `Windows/System32` folder, or a bare `Tasks` folder).
    Windows,
    /// Linux and other Unix-likes with `/etc` and `/var`.
    Linux,
    /// macOS (`System/Library` and `Library`).
    Macos,
}

impl Os {
    /// The lowercase name used in the `os` column.
    pub fn name(self) -> &'static str {
        match self {
            Os::Windows => "windows",
            Os::Linux => "linux",
            Os::Macos => "macos",
        }
    }
}

/// How the target's files are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A whole system root (`Windows/`, `etc/`, …).
    SystemRoot,
    /// Only a collected `System32\Tasks` folder: `root` is the Tasks folder itself.
    TasksFolder,
    /// A folder of collected event logs (`.evtx`), or one log given as evidence (`only`).
    LogsFolder,
}

/// One OS root on a file system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Its family.
    pub os: Os,
    /// Path of the root on the file system (`""` for the file system root).
    pub root: String,
    /// How its files are laid out.
    pub layout: Layout,
    /// For a single file given as evidence: its name in `root`.
    pub only: Option<String>,
}

fn is_dir(fs: &dyn FileSystem, dir: &str, name: &str) -> bool {
    find_name(fs, dir, name).is_some_and(|e| e.kind == FileKind::Dir)
}

/// What kind of OS root `dir` is, if any.
pub fn classify(fs: &dyn FileSystem, dir: &str) -> Option<Os> {
    if resolve(fs, dir, "Windows/System32").is_some() {
        return Some(Os::Windows);
    }
    if is_dir(fs, dir, "System")
        && is_dir(fs, dir, "Library")
        && resolve(fs, dir, "System/Library").is_some()
    {
        return Some(Os::Macos);
    }
    if is_dir(fs, dir, "etc") && (is_dir(fs, dir, "var") || is_dir(fs, dir, "usr")) {
        return Some(Os::Linux);
    }
    None
}

/// True when `dir` looks like a collected `Tasks` folder: one of its first files is task XML.
fn looks_like_tasks_folder(fs: &dyn FileSystem, dir: &str) -> bool {
    let Ok(entries) = fs.read_dir(dir) else {
        return false;
    };
    entries
        .iter()
        .filter(|e| e.kind == FileKind::File)
        .take(8)
        .any(|e| {
            fs.read(&join(dir, &e.name), 1 << 20)
                .map(|b| crate::formats::task_xml::parse_bytes(&b).is_ok())
                .unwrap_or(false)
        })
}

/// Finds OS roots at `start` and up to `depth` folder levels below it (for evidence folders such
/// as `C/`, `mnt/` or KAPE's `C%3A/`). A folder with no OS root that holds task XML files is
/// taken as a collected Tasks folder.
pub fn find_targets(fs: &dyn FileSystem, start: &str, depth: usize) -> Vec<Target> {
    let mut found = Vec::new();
    let mut level = vec![start.to_string()];
    for d in 0..=depth {
        let mut next = Vec::new();
        for dir in &level {
            if let Some(os) = classify(fs, dir) {
                found.push(Target {
                    os,
                    root: dir.clone(),
                    layout: Layout::SystemRoot,
                    only: None,
                });
                continue;
            }
            if d < depth {
                if let Ok(entries) = fs.read_dir(dir) {
                    next.extend(
                        entries
                            .into_iter()
                            .filter(|e| e.kind == FileKind::Dir)
                            .map(|e| join(dir, &e.name)),
                    );
                }
            }
        }
        level = next;
    }
    if found.is_empty() && looks_like_tasks_folder(fs, start) {
        found.push(Target {
            os: Os::Windows,
            root: start.to_string(),
            layout: Layout::TasksFolder,
            only: None,
        });
    }
    if found.iter().all(|t| t.layout != Layout::SystemRoot) && !evtx_files(fs, start).is_empty() {
        found.push(Target {
            os: Os::Windows,
            root: start.to_string(),
            layout: Layout::LogsFolder,
            only: None,
        });
    }
    found
}

/// The `.evtx` files (by their `ElfFile` signature) in `dir` and up to two levels below it.
pub fn evtx_files(fs: &dyn FileSystem, dir: &str) -> Vec<String> {
    let (files, _) = crate::fs::walk_files(
        fs,
        dir,
        crate::fs::WalkLimits {
            max_depth: 2,
            max_entries: 10_000,
        },
    );
    files
        .into_iter()
        .filter(|f| {
            fs.read_prefix(f, 8)
                .map(|b| b == b"ElfFile\0")
                .unwrap_or(false)
        })
        .collect()
}
