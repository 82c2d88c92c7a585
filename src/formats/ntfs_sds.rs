//! The `$Secure:$SDS` stream of NTFS: every security descriptor of the volume, each under the
//! security id that a file's `$STANDARD_INFORMATION` names. Read to tell who owns a task file.
//!
//! Layout: entries of a 20-byte header (hash u32, security id u32, offset of the entry in the
//! stream u64, entry length u32 including the header) followed by a self-relative security
//! descriptor, each entry starting on a 16-byte boundary. The stream is written in 256 KiB
//! blocks, each followed by a 256 KiB mirror copy; an entry never crosses a block, and the rest
//! of a block after its last entry is zero.

use super::security_descriptor::{self as sd, SecurityDescriptor};
use std::collections::HashMap;

/// Size of a block (and of its mirror) in the stream.
const BLOCK: usize = 256 * 1024;
/// Entry header length.
const HEADER: usize = 20;

/// The descriptors of a `$SDS` stream by security id.
#[derive(Debug, Default)]
pub struct Sds {
    data: Vec<u8>,
    /// security id → (start, length) of its descriptor in `data`.
    entries: HashMap<u32, (usize, usize)>,
    /// Entries skipped because their header did not hold together.
    pub bad_entries: usize,
}

impl Sds {
    /// Indexes the stream. Entries whose header disagrees with where they lie are skipped and
    /// counted; a damaged block ends at the first such entry and the scan resumes at the next
    /// block.
    pub fn parse(data: Vec<u8>) -> Sds {
        let mut entries = HashMap::new();
        let mut bad = 0;
        let mut block = 0;
        while block < data.len() {
            let end = (block + BLOCK).min(data.len());
            let mut pos = block;
            while pos + HEADER <= end {
                let u32_at =
                    |o: usize| u32::from_le_bytes([data[o], data[o + 1], data[o + 2], data[o + 3]]);
                let id = u32_at(pos + 4);
                let offset = u64::from(u32_at(pos + 8)) | (u64::from(u32_at(pos + 12)) << 32);
                let len = u32_at(pos + 16) as usize;
                if len == 0 && id == 0 {
                    break; // the zeroed rest of the block
                }
                if offset != pos as u64 || len < HEADER || pos + len > end {
                    bad += 1;
                    break;
                }
                entries.entry(id).or_insert((pos + HEADER, len - HEADER));
                pos += len.div_ceil(16) * 16;
            }
            // Skip the mirror copy of this block.
            block += 2 * BLOCK;
        }
        Sds {
            data,
            entries,
            bad_entries: bad,
        }
    }

    /// Number of descriptors indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no descriptor was found.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The descriptor stored under `security_id`, decoded.
    pub fn get(&self, security_id: u32) -> Option<Result<SecurityDescriptor, sd::SdError>> {
        let &(start, len) = self.entries.get(&security_id)?;
        Some(sd::parse(&self.data[start..start + len]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A descriptor owned by `owner` (a well-known SID with one sub-authority) with no DACL.
    fn descriptor(owner_rid: u32) -> Vec<u8> {
        let mut d = vec![1, 0, 0x00, 0x80]; // revision, sbz, control: self-relative
        d.extend_from_slice(&20u32.to_le_bytes()); // owner at 20
        d.extend_from_slice(&[0; 12]); // no group, SACL, DACL
        d.extend_from_slice(&[1, 1, 0, 0, 0, 0, 0, 5]); // S-1-5-…
        d.extend_from_slice(&owner_rid.to_le_bytes());
        d
    }

    fn entry(id: u32, at: usize, sd: &[u8]) -> Vec<u8> {
        let len = (HEADER + sd.len()) as u32;
        let mut e = 0u32.to_le_bytes().to_vec();
        e.extend_from_slice(&id.to_le_bytes());
        e.extend_from_slice(&(at as u64).to_le_bytes());
        e.extend_from_slice(&len.to_le_bytes());
        e.extend_from_slice(sd);
        e.resize(e.len().div_ceil(16) * 16, 0);
        e
    }

    #[test]
    fn entries_by_id_across_blocks_mirrors_skipped() {
        let mut s = entry(0x100, 0, &descriptor(18));
        let second = s.len();
        s.extend(entry(0x101, second, &descriptor(19)));
        s.resize(BLOCK, 0);
        // The mirror holds a copy under another id that must not be taken.
        s.extend(entry(0x999, BLOCK, &descriptor(20)));
        s.resize(2 * BLOCK, 0);
        s.extend(entry(0x102, 2 * BLOCK, &descriptor(32)));
        let sds = Sds::parse(s);
        assert_eq!(sds.len(), 3);
        assert_eq!(sds.bad_entries, 0);
        let owner = |id| sds.get(id).unwrap().unwrap().owner.unwrap();
        assert_eq!(owner(0x100), "S-1-5-18");
        assert_eq!(owner(0x101), "S-1-5-19");
        assert_eq!(owner(0x102), "S-1-5-32");
        assert!(sds.get(0x999).is_none());
    }

    #[test]
    fn a_header_that_lies_ends_its_block() {
        let mut s = entry(0x100, 0, &descriptor(18));
        let mut bad = entry(0x101, 4096, &descriptor(19)); // claims another offset
        let at = s.len();
        s.append(&mut bad);
        s.extend(entry(0x102, at + 48, &descriptor(20)));
        let sds = Sds::parse(s);
        assert_eq!(sds.len(), 1);
        assert_eq!(sds.bad_entries, 1);
        // Truncated streams and garbage never panic.
        for n in 0..64 {
            let _ = Sds::parse(vec![0xff; n]);
        }
        let _ = Sds::parse(Vec::new());
    }
}
