//! A whole disk or volume image through every stage (volumes, file systems, collectors,
//! cross-check, rules). A caught panic ("crashed (bug)") counts as a crash.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let r = tasktrail::app::analyse_bytes("fuzz", data.to_vec(), tasktrail::collect::Limits::default());
    for p in &r.problems {
        assert!(!p.message.contains("crashed (bug)"), "{}", p.message);
    }
});
