//! A hive with a transaction log: replay, the primary file parsed alone, and the earlier versions
//! taken from it. Input: a 4-byte little-endian length of the primary file, the primary file,
//! then the log.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let n = u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize;
    let rest = &data[4..];
    let (primary, log) = rest.split_at(n.min(rest.len()));
    let logs = vec![("SOFTWARE.LOG1".to_string(), log.to_vec())];
    if let Ok(mut h) = tasktrail::registry::Hive::open(primary.to_vec(), logs) {
        let _ = h.subtree("", 8, 10_000);
        let _ = h.subtree("Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache", 16, 10_000);
    }
});
