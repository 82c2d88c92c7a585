//! GUID partition table (UEFI spec, chapter 5): header at LBA 1, entry array, CRC32s.

use crate::evidence::ReadAt;

/// One used GPT entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GptPartition {
    /// 1-based index in the entry array.
    pub number: u32,
    /// Partition type GUID in its canonical text form.
    pub type_guid: String,
    /// First LBA (inclusive).
    pub first_lba: u64,
    /// Last LBA (inclusive).
    pub last_lba: u64,
    /// The UTF-16 partition name.
    pub name: String,
}

const MAX_ENTRIES: u32 = 1024;

/// Reads a GPT from `disk`, trying 512- then 4096-byte sectors, and the backup header when the
/// primary is damaged. `Ok(None)`: no GPT signature at all. On success: the sector size, the used
/// entries, and warnings (bad CRC, backup used, entries outside the disk).
#[allow(clippy::type_complexity)]
pub fn parse_gpt(
    disk: &dyn ReadAt,
) -> Result<Option<(u64, Vec<GptPartition>, Vec<String>)>, String> {
    let mut last_err = None;
    for sector in [512u64, 4096] {
        let mut sig = [0u8; 8];
        if disk.read_exact_at(sector, &mut sig).is_err() || &sig != b"EFI PART" {
            continue;
        }
        match read_table(disk, sector, sector) {
            Ok((parts, mut warn)) => {
                if parts.is_empty() {
                    warn.push("GPT has no used entries".into());
                }
                return Ok(Some((sector, parts, warn)));
            }
            Err(e) => {
                // Primary damaged: the backup header sits in the disk's last sector.
                let last = disk.len() / sector;
                if last >= 2 {
                    if let Ok((parts, mut warn)) = read_table(disk, sector, (last - 1) * sector) {
                        warn.insert(
                            0,
                            format!("primary GPT header unusable ({e}); backup header used"),
                        );
                        return Ok(Some((sector, parts, warn)));
                    }
                }
                last_err = Some(format!("GPT header at {sector}-byte LBA 1: {e}"));
            }
        }
    }
    match last_err {
        Some(e) => Err(e),
        None => Ok(None),
    }
}

fn u32_at(b: &[u8], o: usize) -> u32 {
    u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
}

fn u64_at(b: &[u8], o: usize) -> u64 {
    u64::from_le_bytes(b[o..o + 8].try_into().expect("8 bytes"))
}

/// Canonical text of a mixed-endian Windows GUID.
pub fn guid_string(b: &[u8]) -> String {
    format!(
        "{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}",
        u32_at(b, 0),
        u16::from_le_bytes([b[4], b[5]]),
        u16::from_le_bytes([b[6], b[7]]),
        b[8],
        b[9],
        b[10],
        b[11],
        b[12],
        b[13],
        b[14],
        b[15]
    )
}

#[allow(clippy::type_complexity)]
fn read_table(
    disk: &dyn ReadAt,
    sector: u64,
    header_at: u64,
) -> Result<(Vec<GptPartition>, Vec<String>), String> {
    let mut warn = Vec::new();
    let mut hdr = vec![0u8; sector as usize];
    disk.read_exact_at(header_at, &mut hdr)
        .map_err(|e| e.to_string())?;
    if &hdr[..8] != b"EFI PART" {
        return Err("signature is not \"EFI PART\"".into());
    }
    let hsize = u32_at(&hdr, 12) as usize;
    if !(92..=sector as usize).contains(&hsize) {
        return Err(format!("header size {hsize} out of range 92..={sector}"));
    }
    let stored = u32_at(&hdr, 16);
    let mut h = hdr[..hsize].to_vec();
    h[16..20].fill(0);
    if crc32(&h) != stored {
        return Err(format!("header CRC32 mismatch (stored {stored:#010x})"));
    }
    let entries_lba = u64_at(&hdr, 72);
    let count = u32_at(&hdr, 80);
    let esize = u32_at(&hdr, 84);
    let entries_crc = u32_at(&hdr, 88);
    if count > MAX_ENTRIES {
        return Err(format!(
            "{count} partition entries claimed (at most {MAX_ENTRIES} accepted)"
        ));
    }
    if !(128..=4096).contains(&esize) || esize % 8 != 0 {
        return Err(format!(
            "partition entry size {esize} is not a multiple of 8 in 128..=4096"
        ));
    }
    let total = count as usize * esize as usize;
    let mut entries = vec![0u8; total];
    let at = entries_lba
        .checked_mul(sector)
        .ok_or_else(|| format!("entry array LBA {entries_lba} overflows"))?;
    disk.read_exact_at(at, &mut entries)
        .map_err(|e| format!("entry array at LBA {entries_lba}: {e}"))?;
    if crc32(&entries) != entries_crc {
        warn.push(format!(
            "GPT entry array CRC32 mismatch (stored {entries_crc:#010x}); entries read anyway"
        ));
    }
    let disk_sectors = disk.len() / sector;
    let mut parts = Vec::new();
    for i in 0..count as usize {
        let e = &entries[i * esize as usize..(i + 1) * esize as usize];
        if e[..16].iter().all(|&b| b == 0) {
            continue;
        }
        let first = u64_at(e, 32);
        let last = u64_at(e, 40);
        if last < first {
            warn.push(format!(
                "GPT entry {} ends (LBA {last}) before it starts (LBA {first}); skipped",
                i + 1
            ));
            continue;
        }
        if last >= disk_sectors {
            warn.push(format!(
                "GPT entry {} ends at LBA {last}, past the end of the disk ({disk_sectors} sectors); the image may be truncated",
                i + 1
            ));
        }
        let units: Vec<u16> = e[56..128]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0)
            .collect();
        parts.push(GptPartition {
            number: i as u32 + 1,
            type_guid: guid_string(&e[..16]),
            first_lba: first,
            last_lba: last,
            name: String::from_utf16_lossy(&units),
        });
    }
    Ok((parts, warn))
}

/// CRC-32 (IEEE 802.3, reflected, as GPT uses it).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_known_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn guid_is_mixed_endian() {
        // Microsoft basic data partition type, as stored on disk.
        let raw = [
            0xA2, 0xA0, 0xD0, 0xEB, 0xE5, 0xB9, 0x33, 0x44, 0x87, 0xC0, 0x68, 0xB6, 0xB7, 0x26,
            0x99, 0xC7,
        ];
        assert_eq!(guid_string(&raw), "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7");
    }
}
