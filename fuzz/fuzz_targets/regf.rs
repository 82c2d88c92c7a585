//! Registry hives: notatin behind our module, and our own free-cell recovery.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = tasktrail::registry::scan_deleted_keys(data);
    if let Ok(mut h) = tasktrail::registry::Hive::open(data.to_vec(), vec![]) {
        let _ = h.subtree("", 8, 10_000);
        let _ = h.subtree("Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache", 16, 10_000);
    }
});
