//! Read-only file systems: NTFS, ext2/3/4 and a host folder behind one object-safe trait.
//!
//! Paths are `/`-separated and relative to the file system root (`""` is the root). Names are
//! decoded lossily for display (NTFS UTF-16, ext bytes); lookups follow each file system's own
//! case rules (NTFS through its $UpCase table).

mod ext;
mod guard;
mod host;
mod ntfs;

pub use self::ext::ExtFs;
pub use self::guard::GuardedFs;
pub use self::host::HostFs;
pub use self::ntfs::NtfsFs;

use crate::time::Time;

/// What kind of object a directory entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link (or NTFS reparse point seen as such).
    Symlink,
    /// A device, FIFO, socket or anything else.
    Other,
}

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DirEntry {
    /// The entry's name, decoded lossily for display.
    pub name: String,
    /// What it is.
    pub kind: FileKind,
}

/// One timestamp of a file with what it means (`File Created ($SI)`, `File Modified`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTime {
    /// The `timestamp_desc` this time gets on the timeline.
    pub desc: &'static str,
    /// Short key used in `details` (`si_created`, `mtime`, …).
    pub key: &'static str,
    /// The instant.
    pub time: Time,
}

/// Everything a file system knows about a file that matters to an analyst.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// What the object is; `None` only when it cannot be told.
    pub kind: Option<FileKind>,
    /// Size of the (unnamed) data in bytes.
    pub size: u64,
    /// Every timestamp the file system keeps for it.
    pub times: Vec<FileTime>,
    /// File id: MFT record number (NTFS) or inode number (host folders).
    pub file_id: Option<u64>,
    /// Owner uid (ext, host).
    pub uid: Option<u32>,
    /// Group gid (ext, host).
    pub gid: Option<u32>,
    /// Permission and type bits (ext, host).
    pub mode: Option<u32>,
    /// NTFS file attribute flags from $STANDARD_INFORMATION.
    pub attributes: Option<u32>,
    /// NTFS security id (index into $Secure).
    pub security_id: Option<u32>,
    /// Owner SID from the security descriptor (NTFS: the `$Secure` entry of `security_id`).
    pub owner: Option<String>,
    /// The object's own name as stored (NTFS: the long $FILE_NAME), when the file system keeps
    /// it with the object.
    pub name: Option<String>,
}

/// Why a file system operation failed. Each kind names the path it concerns.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    /// No such file or directory.
    #[error("{0}: not found")]
    NotFound(String),
    /// A path component is not a directory.
    #[error("{0}: not a directory")]
    NotADirectory(String),
    /// The file system structures for this path are damaged.
    #[error("{path}: corrupt file system structure: {message}")]
    Corrupt {
        /// The path being read.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The data is stored in a way that is not decoded (NTFS compression, EFS encryption).
    #[error("{path}: {what}; its content is not read")]
    Unsupported {
        /// The path being read.
        path: String,
        /// What is unsupported.
        what: String,
    },
    /// The file exceeds the size cap for artifact files.
    #[error("{path}: {size} bytes is over the {cap}-byte limit for artifact files")]
    TooLarge {
        /// The path being read.
        path: String,
        /// Its size.
        size: u64,
        /// The cap in force.
        cap: u64,
    },
    /// A symbolic link leads outside the evidence, or loops.
    #[error("{path}: symbolic link {why}; not followed")]
    Link {
        /// The link's path.
        path: String,
        /// Where it led.
        why: String,
    },
    /// An I/O error while reading the evidence.
    #[error("{path}: read error: {source}")]
    Io {
        /// The path being read.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl FsError {
    /// The message without the path (for callers that already name the path).
    pub fn reason(&self) -> String {
        let full = self.to_string();
        let path = match self {
            FsError::NotFound(p) | FsError::NotADirectory(p) => p,
            FsError::Corrupt { path, .. }
            | FsError::Unsupported { path, .. }
            | FsError::TooLarge { path, .. }
            | FsError::Link { path, .. }
            | FsError::Io { path, .. } => path,
        };
        full.strip_prefix(path.as_str())
            .and_then(|r| r.strip_prefix(": ").or_else(|| r.strip_prefix(' ')))
            .map(str::to_string)
            .unwrap_or(full)
    }
}

/// A read-only file system.
pub trait FileSystem {
    /// Short name of the file system type: `ntfs`, `ext4`, `folder`.
    fn kind(&self) -> &'static str;
    /// Whether names compare case-sensitively (false for NTFS).
    fn case_sensitive(&self) -> bool;
    /// Metadata of the object at `path` (symbolic links are not followed).
    fn metadata(&self, path: &str) -> Result<Metadata, FsError>;
    /// The entries of the directory at `path`, sorted by name, without `.` and `..`.
    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError>;
    /// The whole content of the file at `path`, refused when larger than `cap` bytes.
    fn read(&self, path: &str, cap: u64) -> Result<Vec<u8>, FsError>;
    /// The target of the symbolic link at `path`, as stored (never followed).
    fn read_link(&self, path: &str) -> Result<String, FsError>;
    /// The first `n` bytes of a file (fewer when it is shorter), to sniff its format.
    fn read_prefix(&self, path: &str, n: usize) -> Result<Vec<u8>, FsError> {
        let mut b = self.read(path, 1 << 30)?;
        b.truncate(n);
        Ok(b)
    }
    /// As [`FileSystem::read`], but where the file system can tell where the bytes lie (NTFS
    /// data runs) it only locates them, so that a large file (a SOFTWARE hive) is copied later by
    /// whichever thread parses it. The default reads now.
    fn read_later(&self, path: &str, cap: u64) -> Result<Later, FsError> {
        self.read(path, cap).map(Later::Ready)
    }
}

/// A file's content, read or located (see [`FileSystem::read_later`]).
pub enum Later {
    /// Already read.
    Ready(Vec<u8>),
    /// Where it lies in the volume.
    Located(Extents),
}

impl Later {
    /// Size of the content in bytes.
    pub fn len(&self) -> u64 {
        match self {
            Later::Ready(b) => b.len() as u64,
            Later::Located(e) => e.size,
        }
    }

    /// True when the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The content, reading it now if it was only located.
    pub fn bytes(self) -> Result<Vec<u8>, FsError> {
        match self {
            Later::Ready(b) => Ok(b),
            Later::Located(e) => e.read(),
        }
    }
}

/// The runs of a file in its volume: each is `len` bytes at a volume offset, or a sparse run
/// (`None`) that reads as zeros. Evidence does not change, so they can be read at any time.
pub struct Extents {
    /// The file's path, for errors.
    pub path: String,
    /// The volume holding the runs.
    pub volume: crate::evidence::SharedReader,
    /// `(volume offset or None for sparse, length)` in file order.
    pub runs: Vec<(Option<u64>, u64)>,
    /// The file size (the runs may cover more: the last cluster's slack is not content).
    pub size: u64,
}

impl Extents {
    /// Reads the content: every run in one call.
    pub fn read(&self) -> Result<Vec<u8>, FsError> {
        let mut buf: Vec<u8> = Vec::with_capacity(self.size as usize);
        for &(at, len) in &self.runs {
            let want = len.min(self.size - buf.len() as u64) as usize;
            let start = buf.len();
            buf.resize(start + want, 0);
            if let Some(pos) = at {
                self.volume
                    .read_exact_at(pos, &mut buf[start..])
                    .map_err(|e| FsError::Io {
                        path: self.path.clone(),
                        source: e,
                    })?;
            }
            if buf.len() as u64 >= self.size {
                break;
            }
        }
        if (buf.len() as u64) < self.size {
            return Err(FsError::Corrupt {
                path: self.path.clone(),
                message: format!("data runs cover {} of {} bytes", buf.len(), self.size),
            });
        }
        Ok(buf)
    }
}

/// Joins a directory path and a name with `/`.
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Finds the entry of `dir` whose name matches `name` under the file system's case rules and
/// returns its real spelling. Used to resolve `Windows/System32/Tasks` on any case.
pub fn find_name(fs: &dyn FileSystem, dir: &str, name: &str) -> Option<DirEntry> {
    if !fs.case_sensitive() {
        // The file system finds names in any case by itself (NTFS: its index and $UpCase):
        // no need to list a folder of thousands of entries (System32). The spelling returned is
        // the stored one.
        return match fs.metadata(&join(dir, name)) {
            Ok(md) => Some(DirEntry {
                name: md.name.unwrap_or_else(|| name.to_string()),
                kind: md.kind.unwrap_or(FileKind::Other),
            }),
            Err(_) => None,
        };
    }
    let entries = fs.read_dir(dir).ok()?;
    if let Some(e) = entries.iter().find(|e| e.name == name) {
        return Some(e.clone());
    }
    if fs.case_sensitive() {
        return None;
    }
    entries
        .into_iter()
        .find(|e| e.name.eq_ignore_ascii_case(name) || e.name.to_lowercase() == name.to_lowercase())
}

/// Resolves a `/`-separated path component by component with [`find_name`]; returns the path
/// as spelled on the file system.
pub fn resolve(fs: &dyn FileSystem, base: &str, path: &str) -> Option<String> {
    let mut cur = base.to_string();
    for comp in path.split('/').filter(|c| !c.is_empty()) {
        let e = find_name(fs, &cur, comp)?;
        cur = join(&cur, &e.name);
    }
    Some(cur)
}

/// Limits for walking a tree: how deep, how many entries.
#[derive(Debug, Clone, Copy)]
pub struct WalkLimits {
    /// Deepest directory level visited below the start.
    pub max_depth: usize,
    /// Most entries returned.
    pub max_entries: usize,
}

impl Default for WalkLimits {
    fn default() -> Self {
        WalkLimits {
            max_depth: 32,
            max_entries: 200_000,
        }
    }
}

/// Lists every regular file below `dir` (depth-first, sorted), with the errors met on the way
/// (unreadable directories are skipped, never fatal).
pub fn walk_files(
    fs: &dyn FileSystem,
    dir: &str,
    limits: WalkLimits,
) -> (Vec<String>, Vec<FsError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut stack = vec![(dir.to_string(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        let entries = match fs.read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut subdirs = Vec::new();
        for e in entries {
            let p = join(&d, &e.name);
            match e.kind {
                FileKind::File => {
                    if files.len() >= limits.max_entries {
                        errors.push(FsError::Corrupt {
                            path: d.clone(),
                            message: format!(
                                "more than {} files; the rest are not read",
                                limits.max_entries
                            ),
                        });
                        return (files, errors);
                    }
                    files.push(p)
                }
                FileKind::Dir if depth < limits.max_depth => subdirs.push(p),
                FileKind::Dir => errors.push(FsError::Corrupt {
                    path: p,
                    message: format!("deeper than {} levels; not entered", limits.max_depth),
                }),
                _ => {}
            }
        }
        for s in subdirs.into_iter().rev() {
            stack.push((s, depth + 1));
        }
    }
    files.sort();
    (files, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::MemReader;
    use std::sync::Arc;

    fn extents(runs: Vec<(Option<u64>, u64)>, size: u64) -> Extents {
        Extents {
            path: "Windows/System32/config/SOFTWARE".into(),
            volume: Arc::new(MemReader((0..64u8).collect())),
            runs,
            size,
        }
    }

    #[test]
    fn extents_read_runs_in_file_order_with_sparse_zeros_and_no_slack() {
        // 4 bytes at 40, a sparse run of 3, then 8 bytes at 8 of which 5 are content.
        let e = extents(vec![(Some(40), 4), (None, 3), (Some(8), 8)], 12);
        assert_eq!(
            e.read().unwrap(),
            vec![40, 41, 42, 43, 0, 0, 0, 8, 9, 10, 11, 12]
        );
        let later = Later::Located(e);
        assert_eq!(later.len(), 12);
        assert_eq!(later.bytes().unwrap().len(), 12);
    }

    #[test]
    fn extents_that_do_not_cover_the_size_are_corrupt() {
        let err = extents(vec![(Some(0), 4)], 10).read().unwrap_err();
        assert!(
            matches!(&err, FsError::Corrupt { message, .. } if message == "data runs cover 4 of 10 bytes"),
            "{err:?}"
        );
        // A run past the end of the volume is an I/O error naming the file.
        let err = extents(vec![(Some(60), 10)], 10).read().unwrap_err();
        assert!(
            matches!(&err, FsError::Io { path, .. } if path == "Windows/System32/config/SOFTWARE"),
            "{err:?}"
        );
    }
}
