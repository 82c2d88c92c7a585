//! NTFS through the `ntfs` crate: case-insensitive lookup via $UpCase, $STANDARD_INFORMATION and
//! $FILE_NAME times, compressed and encrypted data refused rather than misread.

use super::{DirEntry, Extents, FileKind, FileSystem, FileTime, FsError, Later, Metadata};
use crate::evidence::{Cursor, SharedReader};
use crate::formats::ntfs_sds::Sds;
use crate::time::Time;
use ntfs::attribute_value::NtfsAttributeValue;
use ntfs::indexes::NtfsFileNameIndex;
use ntfs::structured_values::{NtfsFileAttributeFlags, NtfsFileNamespace};
use ntfs::{Ntfs, NtfsAttributeFlags, NtfsFile};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Read;

/// An NTFS volume opened read-only.
pub struct NtfsFs {
    ntfs: Ntfs,
    io: RefCell<Cursor>,
    /// The volume, for reading non-resident data runs in one call each.
    volume: SharedReader,
    /// Directories already looked up: lowercase path → file record number, so that reading
    /// hundreds of files in one folder does not walk the path from the root each time.
    dirs: RefCell<std::collections::HashMap<String, u64>>,
    /// `$Secure:$SDS`, indexed on first use: file owners.
    secure: RefCell<Option<Sds>>,
}

/// File record number of `$Secure`.
const SECURE_RECORD: u64 = 9;

fn corrupt(path: &str, e: impl std::fmt::Display) -> FsError {
    FsError::Corrupt {
        path: if path.is_empty() {
            "/".into()
        } else {
            path.to_string()
        },
        message: e.to_string(),
    }
}

impl NtfsFs {
    /// Opens the NTFS volume in `volume` and reads its $UpCase table. The boot sector is checked
    /// here first (the crate treats a short volume as unreachable).
    pub fn open(volume: SharedReader) -> Result<NtfsFs, FsError> {
        let mut boot = [0u8; 512];
        volume
            .read_exact_at(0, &mut boot)
            .map_err(|e| corrupt("$Boot", format!("boot sector unreadable: {e}")))?;
        let mut io = Cursor::new(volume.clone());
        let mut ntfs = Ntfs::new(&mut io).map_err(|e| corrupt("$Boot", e))?;
        ntfs.read_upcase_table(&mut io)
            .map_err(|e| corrupt("$UpCase", e))?;
        Ok(NtfsFs {
            ntfs,
            io: RefCell::new(io),
            volume,
            dirs: RefCell::new(std::collections::HashMap::new()),
            secure: RefCell::new(None),
        })
    }

    /// The owner SID of the descriptor `security_id` names in `$Secure:$SDS`, which is read
    /// (once, up to 64 MiB) on first use. `None` when the stream or the entry cannot be read.
    fn owner_of(&self, io: &mut Cursor, security_id: u32) -> Option<String> {
        let mut secure = self.secure.borrow_mut();
        let sds = secure.get_or_insert_with(|| {
            let bytes = self
                .ntfs
                .file(io, SECURE_RECORD)
                .ok()
                .and_then(|f| self.stream_later(io, &f, "$Secure", "$SDS", 64 << 20).ok())
                .and_then(|l| l.bytes().ok())
                .unwrap_or_default();
            Sds::parse(bytes)
        });
        sds.get(security_id)?.ok()?.owner
    }

    /// The named (or, with `""`, unnamed) data stream of `file`: non-resident data located,
    /// resident data read.
    fn stream_later(
        &self,
        io: &mut Cursor,
        file: &NtfsFile<'_>,
        path: &str,
        stream: &str,
        cap: u64,
    ) -> Result<Later, FsError> {
        let item = file
            .data(io, stream)
            .ok_or_else(|| corrupt(path, "file record has no $DATA attribute"))?
            .map_err(|e| corrupt(path, e))?;
        let attr = item.to_attribute().map_err(|e| corrupt(path, e))?;
        let flags = attr.flags();
        if flags.contains(NtfsAttributeFlags::ENCRYPTED) {
            return Err(FsError::Unsupported {
                path: path.into(),
                what: "data is EFS-encrypted".into(),
            });
        }
        if flags.contains(NtfsAttributeFlags::COMPRESSED) {
            return Err(FsError::Unsupported {
                path: path.into(),
                what: "data is NTFS-compressed (LZNT1)".into(),
            });
        }
        let size = attr.value_length();
        if size > cap {
            return Err(FsError::TooLarge {
                path: path.into(),
                size,
                cap,
            });
        }
        let value = attr.value(io).map_err(|e| corrupt(path, e))?;
        if let NtfsAttributeValue::NonResident(nr) = &value {
            // Each data run is read in one call later (the crate's reader goes cluster by
            // cluster).
            let mut runs = Vec::new();
            let mut covered = 0u64;
            for run in nr.data_runs() {
                let run = run.map_err(|e| corrupt(path, e))?;
                let len = run.allocated_size().min(size - covered);
                runs.push((run.data_position().value().map(|p| p.get()), len));
                covered += len;
                if covered >= size {
                    break;
                }
            }
            return Ok(Later::Located(Extents {
                path: path.into(),
                volume: self.volume.clone(),
                runs,
                size,
            }));
        }
        let mut buf = vec![0u8; size as usize];
        let mut attached = value.attach(io);
        attached.read_exact(&mut buf).map_err(|e| FsError::Io {
            path: path.into(),
            source: e,
        })?;
        Ok(Later::Ready(buf))
    }

    fn lookup<'n>(&'n self, io: &mut Cursor, path: &str) -> Result<NtfsFile<'n>, FsError> {
        let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
        // Start from the deepest folder already known.
        let mut start = 0;
        let mut file = None;
        {
            let dirs = self.dirs.borrow();
            for i in (1..comps.len()).rev() {
                if let Some(&rec) = dirs.get(&comps[..i].join("/").to_lowercase()) {
                    start = i;
                    file = Some(rec);
                    break;
                }
            }
        }
        let mut file = match file {
            Some(rec) => self.ntfs.file(io, rec).map_err(|e| corrupt(path, e))?,
            None => self.ntfs.root_directory(io).map_err(|e| corrupt("/", e))?,
        };
        let mut done = comps[..start].join("/");
        for (i, comp) in comps.iter().enumerate().skip(start) {
            let comp = *comp;
            done = super::join(&done, comp);
            if !file.is_directory() {
                return Err(FsError::NotADirectory(done));
            }
            let next = {
                let index = file.directory_index(io).map_err(|e| corrupt(&done, e))?;
                let mut finder = index.finder();
                let entry = NtfsFileNameIndex::find(&mut finder, &self.ntfs, io, comp)
                    .ok_or_else(|| FsError::NotFound(done.clone()))?
                    .map_err(|e| corrupt(&done, e))?;
                entry
                    .to_file(&self.ntfs, io)
                    .map_err(|e| corrupt(&done, e))?
            };
            file = next;
            if file.is_directory() && i + 1 < comps.len() {
                self.dirs
                    .borrow_mut()
                    .insert(done.to_lowercase(), file.file_record_number());
            }
        }
        Ok(file)
    }
}

fn ntfs_time(t: ntfs::NtfsTime) -> Option<Time> {
    Time::from_filetime(t.nt_timestamp())
}

impl FileSystem for NtfsFs {
    fn kind(&self) -> &'static str {
        "ntfs"
    }

    fn case_sensitive(&self) -> bool {
        false
    }

    fn metadata(&self, path: &str) -> Result<Metadata, FsError> {
        let mut io = self.io.borrow_mut();
        let io = &mut *io;
        let file = self.lookup(io, path)?;
        let mut md = Metadata {
            kind: Some(if file.is_directory() {
                FileKind::Dir
            } else {
                FileKind::File
            }),
            file_id: Some(file.file_record_number()),
            ..Metadata::default()
        };
        let si = file.info().map_err(|e| corrupt(path, e))?;
        let attrs = si.file_attributes();
        md.attributes = Some(attrs.bits());
        md.security_id = si.security_id();
        md.owner = md.security_id.and_then(|id| self.owner_of(io, id));
        if attrs.contains(NtfsFileAttributeFlags::REPARSE_POINT) && !file.is_directory() {
            md.kind = Some(FileKind::Symlink);
        }
        let si_times = [
            ("File Created ($SI)", "si_created", si.creation_time()),
            ("File Modified ($SI)", "si_modified", si.modification_time()),
            ("File Accessed ($SI)", "si_accessed", si.access_time()),
            (
                "MFT Entry Modified ($SI)",
                "si_entry_modified",
                si.mft_record_modification_time(),
            ),
        ];
        for (desc, key, t) in si_times {
            if let Some(time) = ntfs_time(t) {
                md.times.push(FileTime { desc, key, time });
            }
        }
        // Prefer the long name's $FILE_NAME; the 8.3 one carries the same times in practice.
        let fname = [
            NtfsFileNamespace::Win32,
            NtfsFileNamespace::Win32AndDos,
            NtfsFileNamespace::Posix,
        ]
        .into_iter()
        .find_map(|ns| file.name(io, Some(ns), None))
        .or_else(|| file.name(io, None, None));
        if let Some(fname) = fname {
            let fname = fname.map_err(|e| corrupt(path, e))?;
            if !path.is_empty() {
                md.name = Some(fname.name().to_string_lossy());
            }
            let fn_times = [
                ("File Created ($FN)", "fn_created", fname.creation_time()),
                (
                    "File Modified ($FN)",
                    "fn_modified",
                    fname.modification_time(),
                ),
                ("File Accessed ($FN)", "fn_accessed", fname.access_time()),
                (
                    "MFT Entry Modified ($FN)",
                    "fn_entry_modified",
                    fname.mft_record_modification_time(),
                ),
            ];
            for (desc, key, t) in fn_times {
                if let Some(time) = ntfs_time(t) {
                    md.times.push(FileTime { desc, key, time });
                }
            }
        }
        if !file.is_directory() {
            if let Some(item) = file.data(io, "") {
                let item = item.map_err(|e| corrupt(path, e))?;
                let attr = item.to_attribute().map_err(|e| corrupt(path, e))?;
                md.size = attr.value_length();
            }
        }
        Ok(md)
    }

    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        let mut io = self.io.borrow_mut();
        let io = &mut *io;
        let dir = self.lookup(io, path)?;
        if !dir.is_directory() {
            return Err(FsError::NotADirectory(path.to_string()));
        }
        let index = dir.directory_index(io).map_err(|e| corrupt(path, e))?;
        let mut entries = index.entries();
        // One entry per name: DOS 8.3 aliases are dropped, hard links in the same folder merge.
        let mut out: BTreeMap<String, FileKind> = BTreeMap::new();
        while let Some(entry) = entries.next(io) {
            let entry = entry.map_err(|e| corrupt(path, e))?;
            let Some(key) = entry.key() else { continue };
            let key = key.map_err(|e| corrupt(path, e))?;
            if key.namespace() == NtfsFileNamespace::Dos {
                continue;
            }
            let name = key.name().to_string_lossy();
            if name == "." {
                continue;
            }
            let attrs = key.file_attributes();
            let kind = if key.is_directory() {
                FileKind::Dir
            } else if attrs.contains(NtfsFileAttributeFlags::REPARSE_POINT) {
                FileKind::Symlink
            } else {
                FileKind::File
            };
            out.insert(name, kind);
        }
        Ok(out
            .into_iter()
            .map(|(name, kind)| DirEntry { name, kind })
            .collect())
    }

    fn read(&self, path: &str, cap: u64) -> Result<Vec<u8>, FsError> {
        self.read_later(path, cap)?.bytes()
    }

    /// Non-resident data is only located (its data runs); resident data is read at once.
    fn read_later(&self, path: &str, cap: u64) -> Result<Later, FsError> {
        let mut io = self.io.borrow_mut();
        let io = &mut *io;
        let file = self.lookup(io, path)?;
        if file.is_directory() {
            return Err(FsError::Corrupt {
                path: path.into(),
                message: "is a directory, not a file".into(),
            });
        }
        self.stream_later(io, &file, path, "", cap)
    }

    fn read_link(&self, path: &str) -> Result<String, FsError> {
        Err(FsError::Unsupported {
            path: path.into(),
            what: "NTFS reparse points are not decoded".into(),
        })
    }
}
