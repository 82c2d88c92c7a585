//! Evidence: open an input and give positional, read-only access to its bytes.
//!
//! Everything above this layer reads through [`ReadAt`]: no cursor, `&self`, so a volume is a
//! cheap sub-range ([`Slice`]) and readers can be shared. Containers (E01, VMDK, VHD) are
//! recognised by their content, never by file extension.

mod container;
mod file;

pub use container::{open_image, ImageKind, OpenedImage};
pub use file::{open_read_only as open_read_only_file, RawFile};

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Positional read-only access to a byte range (an image, a container's virtual disk, a volume).
pub trait ReadAt: Send + Sync {
    /// Reads up to `buf.len()` bytes at `offset`; returns how many were read (0 at the end).
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize>;

    /// Length in bytes of the readable range.
    fn len(&self) -> u64;

    /// True when the range holds no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Fills `buf` from `offset` or fails with `UnexpectedEof` naming the offset.
    fn read_exact_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let mut done = 0;
        while done < buf.len() {
            let n = self.read_at(offset + done as u64, &mut buf[done..])?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "wanted {} bytes at offset {offset}, the data ends at {}",
                        buf.len(),
                        self.len()
                    ),
                ));
            }
            done += n;
        }
        Ok(())
    }
}

/// A shared handle to any [`ReadAt`].
pub type SharedReader = Arc<dyn ReadAt>;

/// A window `[offset, offset + len)` of another reader: how a partition is seen.
pub struct Slice {
    inner: SharedReader,
    offset: u64,
    len: u64,
}

impl Slice {
    /// Makes a window; the length is clipped to what the inner reader holds.
    pub fn new(inner: SharedReader, offset: u64, len: u64) -> Self {
        let avail = inner.len().saturating_sub(offset);
        Slice {
            inner,
            offset,
            len: len.min(avail),
        }
    }
}

impl ReadAt for Slice {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if offset >= self.len {
            return Ok(0);
        }
        let want = (buf.len() as u64).min(self.len - offset) as usize;
        self.inner.read_at(self.offset + offset, &mut buf[..want])
    }

    fn len(&self) -> u64 {
        self.len
    }
}

/// Counts the bytes read through it, for `--stats` and the read-amplification benchmark.
pub struct Counted {
    inner: SharedReader,
    read: Arc<AtomicU64>,
}

impl Counted {
    /// Wraps `inner`; every byte read is added to `counter`.
    pub fn new(inner: SharedReader, counter: Arc<AtomicU64>) -> Self {
        Counted {
            inner,
            read: counter,
        }
    }
}

impl ReadAt for Counted {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read_at(offset, buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn len(&self) -> u64 {
        self.inner.len()
    }
}

/// An in-memory byte buffer as a reader (tests, fuzzing, small extracted files).
pub struct MemReader(pub Vec<u8>);

impl ReadAt for MemReader {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let len = self.0.len() as u64;
        if offset >= len {
            return Ok(0);
        }
        let start = offset as usize;
        let n = buf.len().min(self.0.len() - start);
        buf[..n].copy_from_slice(&self.0[start..start + n]);
        Ok(n)
    }

    fn len(&self) -> u64 {
        self.0.len() as u64
    }
}

/// `Read + Seek` over a [`ReadAt`], for crates that want a cursor (ntfs, gptman).
pub struct Cursor {
    inner: SharedReader,
    pos: u64,
}

impl Cursor {
    /// A cursor at position 0.
    pub fn new(inner: SharedReader) -> Self {
        Cursor { inner, pos: 0 }
    }
}

impl Read for Cursor {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read_at(self.pos, buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Cursor {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let new = match pos {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.inner.len().checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        match new {
            Some(p) => {
                self.pos = p;
                Ok(p)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the data",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_clips_and_offsets() {
        let base: SharedReader = Arc::new(MemReader((0u8..100).collect()));
        let s = Slice::new(base, 90, 50);
        assert_eq!(s.len(), 10);
        let mut b = [0u8; 4];
        s.read_exact_at(2, &mut b).unwrap();
        assert_eq!(b, [92, 93, 94, 95]);
        let err = s.read_exact_at(8, &mut b).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}
