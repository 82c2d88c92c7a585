//! A folder on the analyst's machine (a mounted volume or a collected tree). Symbolic links are
//! followed only when their target stays inside the evidence root.

use super::{DirEntry, FileKind, FileSystem, FileTime, FsError, Metadata};
use crate::time::Time;
use std::fs;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

/// A host folder used as evidence, read-only.
pub struct HostFs {
    root: PathBuf,
}

fn io_err(path: &str, e: std::io::Error) -> FsError {
    if e.kind() == std::io::ErrorKind::NotFound {
        FsError::NotFound(path.into())
    } else {
        FsError::Io {
            path: path.into(),
            source: e,
        }
    }
}

impl HostFs {
    /// Uses `root` (made canonical) as the file system root.
    pub fn open(root: &Path) -> std::io::Result<HostFs> {
        Ok(HostFs {
            root: root.canonicalize()?,
        })
    }

    /// The canonical root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn host_path(&self, path: &str) -> Result<PathBuf, FsError> {
        let mut p = self.root.clone();
        for comp in path.split('/').filter(|c| !c.is_empty()) {
            if comp == ".." || comp == "." {
                return Err(FsError::NotFound(path.into()));
            }
            p.push(comp);
        }
        Ok(p)
    }

    /// Resolves a symlink and accepts it only when the target lies inside the root.
    fn follow(&self, path: &str, host: &Path) -> Result<PathBuf, FsError> {
        let target = host.canonicalize().map_err(|e| FsError::Link {
            path: path.into(),
            why: format!("cannot be resolved ({e})"),
        })?;
        if target.starts_with(&self.root) {
            Ok(target)
        } else {
            Err(FsError::Link {
                path: path.into(),
                why: format!("points outside the evidence ({})", target.display()),
            })
        }
    }
}

fn host_kind(ft: fs::FileType) -> FileKind {
    if ft.is_file() {
        FileKind::File
    } else if ft.is_dir() {
        FileKind::Dir
    } else if ft.is_symlink() {
        FileKind::Symlink
    } else {
        FileKind::Other
    }
}

impl FileSystem for HostFs {
    fn kind(&self) -> &'static str {
        "folder"
    }

    fn case_sensitive(&self) -> bool {
        true
    }

    fn metadata(&self, path: &str) -> Result<Metadata, FsError> {
        let host = self.host_path(path)?;
        let m = fs::symlink_metadata(&host).map_err(|e| io_err(path, e))?;
        let mut md = Metadata {
            kind: Some(host_kind(m.file_type())),
            size: m.len(),
            file_id: Some(m.ino()),
            uid: Some(m.uid()),
            gid: Some(m.gid()),
            mode: Some(m.mode()),
            ..Metadata::default()
        };
        let mut push = |desc, key, secs: i64, nanos: i64| {
            if let Some(time) = Time::from_unix(secs, nanos.clamp(0, 999_999_999) as u32, 9) {
                md.times.push(FileTime { desc, key, time });
            }
        };
        push("File Modified (mtime)", "mtime", m.mtime(), m.mtime_nsec());
        push("File Accessed (atime)", "atime", m.atime(), m.atime_nsec());
        push("Inode Changed (ctime)", "ctime", m.ctime(), m.ctime_nsec());
        if let Ok(b) = m.created() {
            if let Ok(d) = b.duration_since(std::time::UNIX_EPOCH) {
                push(
                    "File Created (birth)",
                    "birth",
                    d.as_secs() as i64,
                    d.subsec_nanos() as i64,
                );
            }
        }
        Ok(md)
    }

    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        let mut host = self.host_path(path)?;
        if fs::symlink_metadata(&host)
            .map_err(|e| io_err(path, e))?
            .is_symlink()
        {
            host = self.follow(path, &host)?;
        }
        let mut out = Vec::new();
        for e in fs::read_dir(&host).map_err(|e| io_err(path, e))? {
            let e = e.map_err(|e| io_err(path, e))?;
            let name = e.file_name().to_string_lossy().into_owned();
            let mut kind = host_kind(e.file_type().map_err(|e| io_err(path, e))?);
            if kind == FileKind::Symlink {
                // A link is listed as what it points to, when that stays inside the evidence.
                let child = super::join(path, &name);
                if let Ok(t) = self.follow(&child, &e.path()) {
                    if let Ok(m) = fs::metadata(t) {
                        kind = host_kind(m.file_type());
                    }
                }
            }
            out.push(DirEntry { name, kind });
        }
        out.sort();
        Ok(out)
    }

    fn read(&self, path: &str, cap: u64) -> Result<Vec<u8>, FsError> {
        let mut host = self.host_path(path)?;
        if fs::symlink_metadata(&host)
            .map_err(|e| io_err(path, e))?
            .is_symlink()
        {
            host = self.follow(path, &host)?;
        }
        debug_assert!(host.components().all(|c| c != Component::ParentDir));
        let f = crate::evidence::open_read_only_file(&host).map_err(|e| io_err(path, e))?;
        let len = f.metadata().map_err(|e| io_err(path, e))?.len();
        if len > cap {
            return Err(FsError::TooLarge {
                path: path.into(),
                size: len,
                cap,
            });
        }
        let mut buf = Vec::with_capacity(len as usize);
        f.take(cap + 1)
            .read_to_end(&mut buf)
            .map_err(|e| io_err(path, e))?;
        if buf.len() as u64 > cap {
            return Err(FsError::TooLarge {
                path: path.into(),
                size: buf.len() as u64,
                cap,
            });
        }
        Ok(buf)
    }

    fn read_prefix(&self, path: &str, n: usize) -> Result<Vec<u8>, FsError> {
        let mut host = self.host_path(path)?;
        if fs::symlink_metadata(&host)
            .map_err(|e| io_err(path, e))?
            .is_symlink()
        {
            host = self.follow(path, &host)?;
        }
        let f = crate::evidence::open_read_only_file(&host).map_err(|e| io_err(path, e))?;
        let mut buf = Vec::with_capacity(n);
        f.take(n as u64)
            .read_to_end(&mut buf)
            .map_err(|e| io_err(path, e))?;
        Ok(buf)
    }

    fn read_link(&self, path: &str) -> Result<String, FsError> {
        let host = self.host_path(path)?;
        fs::read_link(&host)
            .map(|p| p.display().to_string())
            .map_err(|e| io_err(path, e))
    }
}
