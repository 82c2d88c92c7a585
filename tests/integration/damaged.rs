//! Damaged and wrong evidence: clear problems, the documented exit code, never a panic, and
//! everything still readable is reported.

use crate::common::*;

fn image(name: &str) -> Vec<u8> {
    std::fs::read(root().join("testdata/images").join(name)).unwrap()
}

#[test]
fn truncated_disk_reports_what_is_left() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("trunc.img");
    // 8 MiB keeps the NTFS partition (1–7 MiB) and cuts the ext4 one (7–11 MiB).
    std::fs::write(&p, &image("gpt-disk.img")[..8 << 20]).unwrap();
    let out = scan_csv(s(&p));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("GPT entry 2 ends at LBA 22527, past the end of the disk (16384 sectors); the image may be truncated"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("[p3] volume: starts at byte 11534336 beyond the end of the image"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked") && !out.stderr.contains("crashed"));
    let rows = parse_csv(&out.stdout);
    assert_eq!(
        rows.iter().filter(|r| r.get("name") == "\\Updater").count(),
        5
    );
}

#[test]
fn truncated_inside_the_ntfs_volume() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("half.img");
    std::fs::write(&p, &image("ntfs.img")[..3 << 20]).unwrap();
    let out = scan_csv(s(&p));
    assert!(out.code == 1, "{}", out.stderr);
    assert!(!out.stderr.contains("crashed"), "{}", out.stderr);
}

#[test]
fn random_bytes_are_not_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("random.bin");
    // A fixed xorshift stream: the same "random" file every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(&p, bytes).unwrap();
    let out = scan_csv(s(&p));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("no NTFS or ext2/3/4 file system found anywhere in this evidence"),
        "{}",
        out.stderr
    );
    assert_eq!(parse_csv(&out.stdout).len(), 0);
}

#[test]
fn empty_file_and_missing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.dd");
    std::fs::write(&empty, b"").unwrap();
    let out = scan_csv(s(&empty));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("evidence is empty (0 bytes)"),
        "{}",
        out.stderr
    );

    let missing = tmp.path().join("nope.E01");
    // The missing evidence is fatal (2) but the good one is still analysed and written.
    let out = tasktrail(&["scan", s(&missing), "testdata/images/ntfs.img", "-o", "-"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("fatal: ") && out.stderr.contains("nope.E01 evidence: cannot open"),
        "{}",
        out.stderr
    );
    assert_eq!(
        parse_csv(&out.stdout)
            .iter()
            .filter(|r| r.get("name") == "\\Updater")
            .count(),
        5
    );
}

/// Finds the MFT record (1024-byte aligned `FILE` record, not a directory) naming `name`.
fn file_record_of(img: &[u8], name: &str) -> usize {
    let utf16: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    (0..img.len())
        .step_by(1024)
        .find(|&off| {
            let rec = &img[off..off + 1024];
            &rec[..4] == b"FILE" && rec[22] & 2 == 0 && rec.windows(utf16.len()).any(|w| w == utf16)
        })
        .expect("record found")
}

#[test]
fn corrupt_mft_record_costs_one_file_only() {
    let mut img = image("ntfs.img");
    let off = file_record_of(&img, "Updater");
    img[off + 510] ^= 0xFF; // breaks the update sequence (fixup) of the record's first sector
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("corrupt.img");
    std::fs::write(&p, &img).unwrap();
    let out = scan_csv(s(&p));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("/Windows/System32/Tasks/Updater: task file not read: corrupt file system structure: Sector corruption"),
        "{}",
        out.stderr
    );
    let rows = parse_csv(&out.stdout);
    // The task still appears (its name is in the folder index) with the reason in details.
    let upd = rows_named(&rows, "\\Updater");
    assert_eq!(upd.len(), 1);
    assert!(upd[0].details()["error"]
        .as_str()
        .unwrap()
        .contains("Update Sequence Number"));
    // Every other task is intact.
    let defrag = rows_named(&rows, "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag");
    assert_eq!(
        defrag[0].get("command"),
        "%windir%\\system32\\defrag.exe -c -h -o -$"
    );
    let mut names: Vec<&str> = rows.iter().map(|r| r.get("name")).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 8);
}

#[test]
fn corrupt_partition_table_falls_back_to_backup() {
    let mut img = image("gpt-disk.img");
    img[512 + 24] ^= 0x01; // primary header: current-LBA field, CRC no longer matches
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("gptbad.img");
    std::fs::write(&p, &img).unwrap();
    let out = scan_csv(s(&p));
    assert!(
        out.stderr
            .contains("primary GPT header unusable (header CRC32 mismatch"),
        "{}",
        out.stderr
    );
    let rows = parse_csv(&out.stdout);
    assert_eq!(
        rows.iter()
            .filter(|r| r.get("name") == "\\Updater" && r.get("volume") == "p1")
            .count(),
        5
    );
}

/// Regression (found by the `scan_image` fuzz target): an ext2 superblock (no 64-bit feature)
/// with garbage in the high half of the block count made ext4-view reserve 25 GB for block
/// group descriptors and abort the process. It must be refused as a problem instead.
#[test]
fn ext2_superblock_with_a_huge_block_count_is_refused() {
    let mut img = image("rhel.img");
    let sb = 1024;
    assert_eq!(img[sb + 0x38..sb + 0x3A], [0x53, 0xEF]);
    assert_eq!(img[sb + 0x60] & 0x80, 0, "the fixture must not be 64-bit");
    img[sb + 0x150..sb + 0x154].copy_from_slice(&0x10u32.to_le_bytes());
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("hugecount.img");
    std::fs::write(&p, &img).unwrap();
    let out = scan_csv(s(&p));
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("block groups"), "{}", out.stderr);
    assert!(!out.stderr.contains("crashed"), "{}", out.stderr);
}
