//! crontab, anacrontab, at spool names and bodies, systemd units.
#![no_main]
use tasktrail::formats::{anacrontab, at_spool, crontab, systemd_unit};
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = crontab::parse(&text, true);
    let _ = crontab::parse(&text, false);
    let _ = crontab::displayed(&text);
    let _ = anacrontab::parse(&text);
    let _ = anacrontab::parse_stamp(&text);
    let _ = at_spool::parse_name(&text);
    let _ = at_spool::parse_body(&text);
    let u = systemd_unit::Unit::parse(&text);
    let _ = (systemd_unit::timer_schedule(&u), systemd_unit::exec_start(&u));
});
