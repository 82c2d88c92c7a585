//! Volumes: find the partitions of a disk (GPT, MBR with extended/logical) or take the whole
//! image as one volume.
//!
//! The partition tables are parsed here rather than with a crate: evidence is hostile, and the
//! table is small enough that every count and offset can be checked before it is used.

mod gpt;
mod mbr;

pub use gpt::{crc32, guid_string, parse_gpt, GptPartition};
pub use mbr::{parse_mbr, MbrPartition};

use crate::evidence::ReadAt;

/// How a volume was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// No partition table: the whole image is one volume.
    Whole,
    /// An entry of a GUID partition table.
    Gpt,
    /// A primary or logical entry of an MBR (DOS) partition table.
    Mbr,
}

/// One volume of a disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// The name used in the timeline's `volume` column: `whole`, or `p1`, `p5`, …
    /// (MBR logical partitions are numbered from 5, as Linux does).
    pub name: String,
    /// Byte offset of the volume in the disk.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
    /// How it was found.
    pub scheme: Scheme,
    /// Partition type: GUID for GPT, `0xNN` for MBR, empty for a whole image.
    pub part_type: String,
    /// GPT partition name, when there is one.
    pub label: String,
}

/// The volumes found on a disk, plus what went wrong on the way (each a message).
#[derive(Debug, Default)]
pub struct VolumeScan {
    /// Every volume found, in table order.
    pub volumes: Vec<Volume>,
    /// The partitioning found: `gpt (512-byte sectors)`, `mbr`, or `none`.
    pub scheme: String,
    /// Problems with the partition tables; the volumes listed are still usable.
    pub problems: Vec<String>,
}

/// Looks for a file system at the very start of `disk` (then it has no partition table).
pub fn fs_signature(disk: &dyn ReadAt) -> Option<&'static str> {
    let mut boot = [0u8; 512];
    let n = disk.read_at(0, &mut boot).ok()?;
    if n >= 11 && &boot[3..11] == b"NTFS    " {
        return Some("ntfs");
    }
    let mut magic = [0u8; 2];
    if disk.read_exact_at(1024 + 56, &mut magic).is_ok() && magic == [0x53, 0xEF] {
        return Some("ext");
    }
    if n >= 90
        && (&boot[82..87] == b"FAT32" || &boot[54..59] == b"FAT12" || &boot[54..59] == b"FAT16")
    {
        return Some("fat");
    }
    if n >= 11 && &boot[3..11] == b"EXFAT   " {
        return Some("exfat");
    }
    let mut apfs = [0u8; 4];
    if disk.read_exact_at(32, &mut apfs).is_ok() && &apfs == b"NXSB" {
        return Some("apfs");
    }
    let mut hfs = [0u8; 2];
    if disk.read_exact_at(1024, &mut hfs).is_ok() && (&hfs == b"H+" || &hfs == b"HX") {
        return Some("hfs+");
    }
    None
}

/// Finds the volumes of a disk: a file system at offset 0 means no table; then GPT, then MBR;
/// with nothing recognisable, the whole image is one volume.
pub fn find_volumes(disk: &dyn ReadAt) -> VolumeScan {
    let whole = || Volume {
        name: "whole".into(),
        offset: 0,
        len: disk.len(),
        scheme: Scheme::Whole,
        part_type: String::new(),
        label: String::new(),
    };
    let mut scan = VolumeScan::default();
    if fs_signature(disk).is_some() {
        scan.scheme = "none".into();
        scan.volumes.push(whole());
        return scan;
    }
    match parse_gpt(disk) {
        Ok(Some((sector, parts, warnings))) => {
            scan.scheme = format!("gpt ({sector}-byte sectors)");
            scan.problems.extend(warnings);
            for p in parts {
                scan.volumes.push(Volume {
                    name: format!("p{}", p.number),
                    offset: p.first_lba * sector,
                    len: (p.last_lba - p.first_lba + 1) * sector,
                    scheme: Scheme::Gpt,
                    part_type: p.type_guid,
                    label: p.name,
                });
            }
            return scan;
        }
        Ok(None) => {}
        Err(e) => scan.problems.push(format!("GPT: {e}")),
    }
    match parse_mbr(disk) {
        Ok(Some((parts, warnings))) => {
            scan.scheme = "mbr".into();
            scan.problems.extend(warnings);
            for p in parts {
                if p.part_type == 0xEE {
                    scan.problems
                        .push("MBR holds a GPT protective entry but no valid GPT was found".into());
                    continue;
                }
                scan.volumes.push(Volume {
                    name: format!("p{}", p.number),
                    offset: p.first_lba * 512,
                    len: p.sectors * 512,
                    scheme: Scheme::Mbr,
                    part_type: format!("0x{:02x}", p.part_type),
                    label: String::new(),
                });
            }
            if !scan.volumes.is_empty() {
                return scan;
            }
        }
        Ok(None) => {}
        Err(e) => scan.problems.push(format!("MBR: {e}")),
    }
    scan.scheme = "none".into();
    scan.volumes.push(whole());
    scan
}
