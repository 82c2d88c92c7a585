//! Self-relative security descriptors.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(sd) = tasktrail::formats::security_descriptor::parse(data) {
        let _ = (sd.summary(), sd.admins_can_read());
    }
});
