//! Disk-image containers (E01, VMDK, VHD) recognised by content, and the raw fallback.

use super::{RawFile, ReadAt, SharedReader};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// What kind of image a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// A plain byte-for-byte image (dd), or anything not recognised as a container.
    Raw,
    /// Expert Witness Format (EnCase E01 / Ex01).
    Ewf,
    /// VMware virtual disk.
    Vmdk,
    /// Microsoft Virtual PC / Hyper-V generation 1 disk.
    Vhd,
}

impl ImageKind {
    /// Short lowercase name used in messages and the `volume` column.
    pub fn name(self) -> &'static str {
        match self {
            ImageKind::Raw => "raw",
            ImageKind::Ewf => "e01",
            ImageKind::Vmdk => "vmdk",
            ImageKind::Vhd => "vhd",
        }
    }
}

/// An opened image: its kind and a reader over the disk it holds.
pub struct OpenedImage {
    /// The container format that was detected.
    pub kind: ImageKind,
    /// The disk bytes (the virtual disk for a container).
    pub reader: SharedReader,
}

/// Error opening an image file.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file itself could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The evidence path.
        path: String,
        /// The underlying I/O error.
        source: io::Error,
    },
    /// The file carries a container signature but the container could not be opened.
    #[error("{path} looks like {kind} but cannot be opened as one: {message}")]
    Container {
        /// The evidence path.
        path: String,
        /// The container kind that was recognised.
        kind: &'static str,
        /// What the container reader said.
        message: String,
    },
}

const EVF1: &[u8] = b"EVF\x09\x0d\x0a\xff\x00";
const EVF2: &[u8] = b"EVF2\x0d\x0a\x81\x00";
const VMDK_SPARSE: &[u8] = b"KDMV";
const VMDK_COWD: &[u8] = b"COWD";
const VHD_COOKIE: &[u8] = b"conectix";

/// Decides what a file is from its first bytes and its last sector.
pub fn detect(head: &[u8], tail: &[u8]) -> ImageKind {
    if head.starts_with(EVF1) || head.starts_with(EVF2) {
        ImageKind::Ewf
    } else if head.starts_with(VMDK_SPARSE)
        || head.starts_with(VMDK_COWD)
        || head.starts_with(b"# Disk DescriptorFile")
    {
        ImageKind::Vmdk
    } else if head.starts_with(VHD_COOKIE) || tail.starts_with(VHD_COOKIE) {
        // Dynamic VHDs have a footer copy at 0; fixed ones only the footer at the end.
        ImageKind::Vhd
    } else {
        ImageKind::Raw
    }
}

/// Opens an evidence file as an image: detects the container by content and returns a reader
/// over the disk it holds. Opening is read-only throughout.
pub fn open_image(path: &Path) -> Result<OpenedImage, OpenError> {
    let p = path.display().to_string();
    let io_err = |source| OpenError::Io {
        path: p.clone(),
        source,
    };
    let raw = RawFile::open(path).map_err(io_err)?;
    let mut head = [0u8; 64];
    let n = raw.read_at(0, &mut head).map_err(io_err)?;
    let mut tail = [0u8; 512];
    let tn = if raw.len() >= 512 {
        raw.read_at(raw.len() - 512, &mut tail).map_err(io_err)?
    } else {
        0
    };
    let kind = detect(&head[..n], &tail[..tn]);
    let container = |message: String| OpenError::Container {
        path: p.clone(),
        kind: kind.name(),
        message,
    };
    let reader: SharedReader = match kind {
        ImageKind::Raw => Arc::new(raw),
        ImageKind::Ewf => {
            drop(raw);
            let r = ewf::EwfReader::open(path).map_err(|e| container(e.to_string()))?;
            Arc::new(EwfAt(r))
        }
        ImageKind::Vmdk => {
            drop(raw);
            let r = vmdk::VmdkReader::open_path(path).map_err(|e| container(e.to_string()))?;
            let len = r.virtual_disk_size();
            Arc::new(SeekAt::new(r, len))
        }
        ImageKind::Vhd => {
            drop(raw);
            let r = vhd::VhdReader::open(path).map_err(|e| container(e.to_string()))?;
            let len = r.virtual_disk_size();
            Arc::new(SeekAt::new(r, len))
        }
    };
    Ok(OpenedImage { kind, reader })
}

/// E01 reader: the `ewf` crate already reads positionally and is thread-safe.
struct EwfAt(ewf::EwfReader);

impl ReadAt for EwfAt {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if offset >= self.len() {
            return Ok(0);
        }
        self.0
            .read_at(buf, offset)
            .map_err(|e| io::Error::other(e.to_string()))
    }

    fn len(&self) -> u64 {
        self.0.total_size()
    }
}

/// Positional reads over a `Read + Seek` container reader, serialised by a mutex.
struct SeekAt<R> {
    inner: Mutex<R>,
    len: u64,
}

impl<R> SeekAt<R> {
    fn new(inner: R, len: u64) -> Self {
        SeekAt {
            inner: Mutex::new(inner),
            len,
        }
    }
}

impl<R: Read + Seek + Send> ReadAt for SeekAt<R> {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if offset >= self.len {
            return Ok(0);
        }
        let want = (buf.len() as u64).min(self.len - offset) as usize;
        let mut r = self
            .inner
            .lock()
            .map_err(|_| io::Error::other("container reader poisoned by an earlier panic"))?;
        r.seek(SeekFrom::Start(offset))?;
        let mut done = 0;
        while done < want {
            let n = r.read(&mut buf[done..want])?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }

    fn len(&self) -> u64 {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content_not_name() {
        assert_eq!(detect(b"EVF\x09\x0d\x0a\xff\x00\x01", &[]), ImageKind::Ewf);
        assert_eq!(detect(b"KDMV\x01\x00\x00\x00", &[]), ImageKind::Vmdk);
        assert_eq!(detect(b"\0\0\0\0", b"conectix\0\0"), ImageKind::Vhd);
        assert_eq!(detect(b"\xebR\x90NTFS    ", &[0; 512]), ImageKind::Raw);
    }
}
