//! TaskCache Actions, DynamicInfo and Triggers blobs.
#![no_main]
use tasktrail::formats::task_cache;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(a) = task_cache::parse_actions(data) {
        let _ = a.command();
    }
    let _ = task_cache::parse_dynamic_info(data);
    if let Ok(t) = task_cache::parse_triggers(data) {
        for x in &t.triggers {
            let _ = x.describe();
        }
    }
});
