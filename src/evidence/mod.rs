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

/// `Read + Seek` over a [`ReadAt`], for crates that want a cursor (ntfs).
///
/// Such crates read in small pieces: the ntfs crate reads the boot sector a field (often a byte)
/// at a time and reads the `$MFT` record again for every file it opens. Small reads are therefore
/// served from a cache of recently read 512-byte sectors, so hundreds of tiny reads become a few
/// sector reads and repeated ones cost nothing; large reads go straight through. Evidence never
/// changes while it is read, so the cache never goes stale.
pub struct Cursor {
    inner: SharedReader,
    pos: u64,
    cache: SectorCache,
}

impl Cursor {
    /// A cursor at position 0.
    pub fn new(inner: SharedReader) -> Self {
        Cursor {
            inner,
            pos: 0,
            cache: SectorCache::default(),
        }
    }
}

/// Sector size of the [`Cursor`] cache.
const SECTOR: u64 = 512;
/// Reads up to this size go through the cache (an MFT record is 1,024 bytes, an index block
/// 4,096).
const CACHED_READ: usize = 4096;
/// Sectors kept: 256 KiB.
const CACHED_SECTORS: usize = 512;

/// Recently read sectors, evicted oldest first.
#[derive(Default)]
struct SectorCache {
    sectors: std::collections::HashMap<u64, Box<[u8]>>,
    order: std::collections::VecDeque<u64>,
}

impl SectorCache {
    /// Reads `buf.len()` bytes (at most [`CACHED_READ`]) at `offset` through the cache; short
    /// only at the end of the data.
    fn read(&mut self, inner: &dyn ReadAt, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        if offset >= inner.len() {
            return Ok(0);
        }
        let first = offset / SECTOR;
        let last = offset
            .saturating_add(buf.len() as u64 - 1)
            .min(inner.len() - 1)
            / SECTOR;
        // Fetch the missing sectors, each contiguous run in one read.
        let mut s = first;
        while s <= last {
            if self.sectors.contains_key(&s) {
                s += 1;
                continue;
            }
            let mut e = s;
            while e < last && !self.sectors.contains_key(&(e + 1)) {
                e += 1;
            }
            let mut run = vec![0u8; ((e - s + 1) * SECTOR) as usize];
            let mut got = 0;
            while got < run.len() {
                let n = inner.read_at(s * SECTOR + got as u64, &mut run[got..])?;
                if n == 0 {
                    break;
                }
                got += n;
            }
            run.truncate(got);
            for (i, piece) in run.chunks(SECTOR as usize).enumerate() {
                self.insert(s + i as u64, piece.into());
            }
            if got < ((e - s + 1) * SECTOR) as usize {
                // The data ends inside this run: later sectors do not exist.
                break;
            }
            s = e + 1;
        }
        let mut done = 0;
        while done < buf.len() {
            let at = offset + done as u64;
            let Some(sector) = self.sectors.get(&(at / SECTOR)) else {
                break;
            };
            let within = (at % SECTOR) as usize;
            if within >= sector.len() {
                break;
            }
            let n = (sector.len() - within).min(buf.len() - done);
            buf[done..done + n].copy_from_slice(&sector[within..within + n]);
            done += n;
        }
        Ok(done)
    }

    fn insert(&mut self, sector: u64, bytes: Box<[u8]>) {
        if self.sectors.insert(sector, bytes).is_none() {
            self.order.push_back(sector);
            if self.order.len() > CACHED_SECTORS {
                if let Some(old) = self.order.pop_front() {
                    self.sectors.remove(&old);
                }
            }
        }
    }
}

impl Read for Cursor {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = if buf.is_empty() {
            0
        } else if buf.len() <= CACHED_READ {
            self.cache.read(&*self.inner, self.pos, buf)?
        } else {
            self.inner.read_at(self.pos, buf)?
        };
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

    /// Counts the calls and bytes that reach the reader below the cache.
    struct Calls {
        inner: MemReader,
        calls: AtomicU64,
        bytes: AtomicU64,
    }

    impl ReadAt for Calls {
        fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
            self.calls.fetch_add(1, Ordering::Relaxed);
            let n = self.inner.read_at(offset, buf)?;
            self.bytes.fetch_add(n as u64, Ordering::Relaxed);
            Ok(n)
        }

        fn len(&self) -> u64 {
            self.inner.len()
        }
    }

    #[test]
    fn cursor_serves_small_reads_from_whole_sectors() {
        let data: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 251) as u8).collect();
        let below = Arc::new(Calls {
            inner: MemReader(data.clone()),
            calls: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        });
        let mut c = Cursor::new(below.clone());
        // The first 512 bytes a byte at a time: one read below.
        for (i, want) in data.iter().take(512).enumerate() {
            let mut b = [0u8; 1];
            c.read_exact(&mut b).unwrap();
            assert_eq!(b[0], *want, "byte {i}");
        }
        assert_eq!(below.calls.load(Ordering::Relaxed), 1);
        // Across a sector boundary, then again: the second time costs nothing.
        for _ in 0..2 {
            c.seek(SeekFrom::Start(500)).unwrap();
            let mut b = [0u8; 100];
            c.read_exact(&mut b).unwrap();
            assert_eq!(&b[..], &data[500..600]);
        }
        assert_eq!(below.calls.load(Ordering::Relaxed), 2);
        assert_eq!(below.bytes.load(Ordering::Relaxed), 1024);
        // The last, partial sector: short at the end, then nothing.
        c.seek(SeekFrom::Start(2990)).unwrap();
        let mut b = [0u8; 64];
        assert_eq!(c.read(&mut b).unwrap(), 10);
        assert_eq!(&b[..10], &data[2990..]);
        assert_eq!(c.read(&mut b).unwrap(), 0);
        c.seek(SeekFrom::Start(u64::MAX - 3)).unwrap();
        assert_eq!(c.read(&mut b).unwrap(), 0);
        // Large reads bypass the cache.
        let before = below.calls.load(Ordering::Relaxed);
        let mut big = vec![0u8; 2900];
        c.seek(SeekFrom::Start(50)).unwrap();
        c.read_exact(&mut big).unwrap();
        assert_eq!(&big[..], &data[50..2950]);
        assert_eq!(below.calls.load(Ordering::Relaxed), before + 1);
    }

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
