//! MBR (DOS) partition table with the extended-partition chain of EBRs.

use crate::evidence::ReadAt;
use std::collections::HashSet;

/// One MBR partition (primary, or logical inside an extended partition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MbrPartition {
    /// 1–4 for primary entries, 5 and up for logical ones.
    pub number: u32,
    /// The partition type byte.
    pub part_type: u8,
    /// Absolute first sector (512-byte).
    pub first_lba: u64,
    /// Length in sectors.
    pub sectors: u64,
}

const MAX_LOGICAL: usize = 256;

fn is_extended(t: u8) -> bool {
    matches!(t, 0x05 | 0x0F | 0x85)
}

struct Entry {
    status: u8,
    ptype: u8,
    start: u64,
    sectors: u64,
}

fn entries(sector: &[u8]) -> [Entry; 4] {
    std::array::from_fn(|i| {
        let e = &sector[446 + i * 16..446 + (i + 1) * 16];
        Entry {
            status: e[0],
            ptype: e[4],
            start: u32::from_le_bytes([e[8], e[9], e[10], e[11]]) as u64,
            sectors: u32::from_le_bytes([e[12], e[13], e[14], e[15]]) as u64,
        }
    })
}

/// Reads the MBR. `Ok(None)` when sector 0 is not an MBR (no 0x55AA, or entries that cannot be
/// a partition table). On success: every primary and logical partition plus warnings.
#[allow(clippy::type_complexity)]
pub fn parse_mbr(disk: &dyn ReadAt) -> Result<Option<(Vec<MbrPartition>, Vec<String>)>, String> {
    let mut s0 = [0u8; 512];
    if disk.read_exact_at(0, &mut s0).is_err() || s0[510..] != [0x55, 0xAA] {
        return Ok(None);
    }
    let prim = entries(&s0);
    if prim.iter().any(|e| e.status != 0 && e.status != 0x80) || prim.iter().all(|e| e.ptype == 0) {
        return Ok(None);
    }
    let disk_sectors = disk.len() / 512;
    let mut parts = Vec::new();
    let mut warn = Vec::new();
    for (i, e) in prim.iter().enumerate() {
        if e.ptype == 0 || e.sectors == 0 {
            continue;
        }
        if e.start == 0 {
            warn.push(format!("MBR entry {} starts at sector 0; skipped", i + 1));
            continue;
        }
        if e.start + e.sectors > disk_sectors {
            warn.push(format!(
                "MBR entry {} ends at sector {}, past the end of the disk ({disk_sectors} sectors); the image may be truncated",
                i + 1,
                e.start + e.sectors
            ));
        }
        if is_extended(e.ptype) {
            walk_ebr_chain(disk, e.start, &mut parts, &mut warn);
        } else {
            parts.push(MbrPartition {
                number: i as u32 + 1,
                part_type: e.ptype,
                first_lba: e.start,
                sectors: e.sectors,
            });
        }
    }
    parts.sort_by_key(|p| p.number);
    Ok(Some((parts, warn)))
}

/// Follows the EBR chain: each EBR holds one logical partition (relative to that EBR) and a link
/// to the next EBR (relative to the start of the extended partition).
fn walk_ebr_chain(
    disk: &dyn ReadAt,
    ext_start: u64,
    parts: &mut Vec<MbrPartition>,
    warn: &mut Vec<String>,
) {
    let mut seen = HashSet::new();
    let mut ebr = ext_start;
    let mut number = 5;
    while parts.len() < MAX_LOGICAL {
        if !seen.insert(ebr) {
            warn.push(format!("EBR chain loops back to sector {ebr}; stopped"));
            return;
        }
        let mut s = [0u8; 512];
        if let Err(e) = disk.read_exact_at(ebr * 512, &mut s) {
            warn.push(format!("EBR at sector {ebr} unreadable: {e}"));
            return;
        }
        if s[510..] != [0x55, 0xAA] {
            warn.push(format!(
                "EBR at sector {ebr} lacks the 0x55AA signature; chain stopped"
            ));
            return;
        }
        let [first, link, ..] = entries(&s);
        if first.ptype != 0 && first.sectors != 0 {
            parts.push(MbrPartition {
                number,
                part_type: first.ptype,
                first_lba: ebr + first.start,
                sectors: first.sectors,
            });
            number += 1;
        }
        if link.ptype == 0 || link.start == 0 || !is_extended(link.ptype) {
            return;
        }
        ebr = ext_start + link.start;
    }
    warn.push(format!(
        "more than {MAX_LOGICAL} logical partitions; the rest are ignored"
    ));
}
