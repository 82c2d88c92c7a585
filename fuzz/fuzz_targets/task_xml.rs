//! Task XML from file bytes and from event text.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = tasktrail::formats::task_xml::parse_bytes(data);
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(t) = tasktrail::formats::task_xml::parse_str(s) {
            let _ = (t.command(), t.schedule(), t.user());
        }
    }
});
