//! ext2/3/4 through `ext4-view` (journal replayed in memory, nothing written). Symbolic links
//! are resolved by the crate inside this file system only.

use super::{DirEntry, FileKind, FileSystem, FileTime, FsError, Metadata};
use crate::evidence::{ReadAt, SharedReader};
use crate::time::Time;
use ext4_view::{Ext4, Ext4Error, Ext4Read, FileType};

/// An ext2/3/4 volume opened read-only.
pub struct ExtFs {
    fs: Ext4,
}

struct Reader(SharedReader);

impl Ext4Read for Reader {
    fn read(
        &mut self,
        start_byte: u64,
        dst: &mut [u8],
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync + 'static>> {
        self.0.read_exact_at(start_byte, dst).map_err(|e| e.into())
    }
}

fn u32_at(b: &[u8], o: usize) -> u32 {
    u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
}

/// Checks the superblock numbers that decide how much ext4-view allocates, so that a hostile
/// superblock is refused instead of aborting the process on a huge allocation.
fn check_superblock(volume: &dyn ReadAt) -> Result<(), String> {
    let mut sb = [0u8; 1024];
    volume
        .read_exact_at(1024, &mut sb)
        .map_err(|e| format!("superblock unreadable: {e}"))?;
    if sb[56..58] != [0x53, 0xEF] {
        return Err("no ext superblock magic 0xEF53 at offset 1080".into());
    }
    let log_block = u32_at(&sb, 24);
    if log_block > 6 {
        return Err(format!(
            "block size 2^(10+{log_block}) is not a valid ext block size"
        ));
    }
    let incompat = u32_at(&sb, 0x60);
    let is64 = incompat & 0x80 != 0;
    // ext4-view takes the high half of the block count whether or not the 64-bit feature is
    // set, so the check must too (fuzzing found an ext2 superblock with garbage there that
    // made it reserve 25 GB for descriptors).
    let blocks = (u32_at(&sb, 4) as u64 | (u32_at(&sb, 0x150) as u64) << 32)
        .saturating_sub(u32_at(&sb, 20) as u64);
    let per_group = u32_at(&sb, 32) as u64;
    let inodes_per_group = u32_at(&sb, 40) as u64;
    if per_group == 0 || inodes_per_group == 0 {
        return Err("blocks or inodes per group is 0".into());
    }
    let groups = blocks.div_ceil(per_group);
    let desc_size = if is64 {
        u16::from_le_bytes([sb[0xFE], sb[0xFF]]).max(32) as u64
    } else {
        32
    };
    let table = groups.saturating_mul(desc_size);
    if table > volume.len() || groups > 1 << 24 {
        return Err(format!(
            "superblock claims {groups} block groups ({table} bytes of descriptors) on a {}-byte volume",
            volume.len()
        ));
    }
    Ok(())
}

fn map_err(path: &str, e: Ext4Error) -> FsError {
    let p = if path.is_empty() {
        "/".to_string()
    } else {
        path.to_string()
    };
    match e {
        Ext4Error::NotFound => FsError::NotFound(p),
        Ext4Error::NotADirectory => FsError::NotADirectory(p),
        Ext4Error::TooManySymlinks => FsError::Link {
            path: p,
            why: "loops or chains too deep".into(),
        },
        Ext4Error::Encrypted => FsError::Unsupported {
            path: p,
            what: "file is fscrypt-encrypted".into(),
        },
        Ext4Error::Io(inner) => FsError::Io {
            path: p,
            source: std::io::Error::other(inner.to_string()),
        },
        other => FsError::Corrupt {
            path: p,
            message: other.to_string(),
        },
    }
}

fn abs(path: &str) -> String {
    format!("/{}", path.trim_start_matches('/'))
}

fn kind_of(t: FileType) -> FileKind {
    match t {
        FileType::Regular => FileKind::File,
        FileType::Directory => FileKind::Dir,
        FileType::Symlink => FileKind::Symlink,
        _ => FileKind::Other,
    }
}

impl ExtFs {
    /// Opens the ext volume in `volume`; the journal is replayed in memory by ext4-view.
    pub fn open(volume: SharedReader) -> Result<ExtFs, FsError> {
        check_superblock(volume.as_ref()).map_err(|message| FsError::Corrupt {
            path: "superblock".into(),
            message,
        })?;
        let fs = Ext4::load(Box::new(Reader(volume))).map_err(|e| map_err("superblock", e))?;
        Ok(ExtFs { fs })
    }
}

impl FileSystem for ExtFs {
    fn kind(&self) -> &'static str {
        "ext"
    }

    fn case_sensitive(&self) -> bool {
        true
    }

    fn metadata(&self, path: &str) -> Result<Metadata, FsError> {
        let m = self
            .fs
            .symlink_metadata(abs(path).as_str())
            .map_err(|e| map_err(path, e))?;
        let mut md = Metadata {
            kind: Some(kind_of(m.file_type())),
            size: m.len(),
            uid: Some(m.uid()),
            gid: Some(m.gid()),
            mode: Some(m.mode() as u32),
            ..Metadata::default()
        };
        let mut push = |desc, key, t: ext4_view::Timestamp| {
            if let Some(time) = Time::from_unix(t.seconds(), t.nanoseconds(), 9) {
                md.times.push(FileTime { desc, key, time });
            }
        };
        push("File Modified (mtime)", "mtime", m.modified());
        push("File Accessed (atime)", "atime", m.accessed());
        if let Some(c) = m.created() {
            push("File Created (crtime)", "crtime", c);
        }
        Ok(md)
    }

    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        let it = self
            .fs
            .read_dir(abs(path).as_str())
            .map_err(|e| map_err(path, e))?;
        let mut out = Vec::new();
        for entry in it {
            let entry = entry.map_err(|e| map_err(path, e))?;
            let name = entry.file_name().display().to_string();
            if name == "." || name == ".." {
                continue;
            }
            let kind = entry.file_type().map(kind_of).unwrap_or(FileKind::Other);
            out.push(DirEntry { name, kind });
        }
        out.sort();
        Ok(out)
    }

    fn read(&self, path: &str, cap: u64) -> Result<Vec<u8>, FsError> {
        let p = abs(path);
        let m = self.fs.metadata(p.as_str()).map_err(|e| map_err(path, e))?;
        if m.len() > cap {
            return Err(FsError::TooLarge {
                path: path.into(),
                size: m.len(),
                cap,
            });
        }
        self.fs.read(p.as_str()).map_err(|e| map_err(path, e))
    }

    fn read_link(&self, path: &str) -> Result<String, FsError> {
        self.fs
            .read_link(abs(path).as_str())
            .map(|p| p.display().to_string())
            .map_err(|e| map_err(path, e))
    }
}
