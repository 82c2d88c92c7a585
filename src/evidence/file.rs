//! A plain file opened read-only, read positionally.

use super::ReadAt;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

/// `O_NOATIME` on Linux: reading evidence must not change its access time.
const O_NOATIME: i32 = 0o1000000;

/// A raw image or any other file, opened read-only (and without touching its access time where
/// the OS allows it).
pub struct RawFile {
    file: File,
    len: u64,
}

impl RawFile {
    /// Opens `path` read-only. `O_NOATIME` is tried first; it needs ownership of the file, so
    /// a plain read-only open is the fallback.
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = open_read_only(path)?;
        let meta = file.metadata()?;
        let len = if meta.is_file() {
            meta.len()
        } else {
            // Block devices report 0 in metadata: ask the device itself.
            use std::io::{Seek, SeekFrom};
            let mut f = &file;
            f.seek(SeekFrom::End(0))?
        };
        Ok(RawFile { file, len })
    }
}

/// Opens a file for reading only, with `O_NOATIME` when permitted.
pub fn open_read_only(path: &Path) -> io::Result<File> {
    match OpenOptions::new()
        .read(true)
        .custom_flags(O_NOATIME)
        .open(path)
    {
        Ok(f) => Ok(f),
        Err(e) if e.raw_os_error() == Some(1) => File::open(path),
        Err(e) => Err(e),
    }
}

impl ReadAt for RawFile {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if offset >= self.len {
            return Ok(0);
        }
        let want = (buf.len() as u64).min(self.len - offset) as usize;
        loop {
            match self.file.read_at(&mut buf[..want], offset) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other,
            }
        }
    }

    fn len(&self) -> u64 {
        self.len
    }
}
