//! Legacy .job files.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(j) = tasktrail::formats::job_file::parse(data) {
        for t in &j.triggers {
            let _ = t.describe();
        }
        let _ = j.command();
    }
});
