//! .evtx files and the task XML inside their events.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(scan) = tasktrail::formats::evtx_events::scan(data.to_vec()) {
        for e in &scan.tasks {
            if let Some(x) = e.field("TaskContent") {
                let _ = tasktrail::formats::task_xml::parse_str(&x);
            }
        }
    }
});
