//! launchd plists (XML and binary) and override databases.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(j) = tasktrail::formats::launchd::parse(data) {
        let _ = (j.command(), j.schedule());
    }
    let _ = tasktrail::formats::launchd::parse_overrides(data);
});
