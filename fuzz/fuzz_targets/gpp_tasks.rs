//! Group Policy Preferences ScheduledTasks.xml.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(items) = tasktrail::formats::gpp_tasks::parse(data) {
        for t in &items {
            let _ = (t.command(), t.schedule(), t.user());
        }
    }
});
