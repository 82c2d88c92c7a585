//! Pure format parsers: bytes in, typed values out. No file-system knowledge; each is fuzzable.

pub mod anacrontab;
pub mod at_spool;
pub mod bytes;
pub mod crontab;
pub mod evtx_events;
pub mod gpp_tasks;
pub mod job_file;
pub mod launchd;
pub mod ntfs_sds;
pub mod security_descriptor;
pub mod systemd_unit;
pub mod task_cache;
pub mod task_xml;
pub mod text;
pub mod windows_tz;
pub mod xml;

/// Canonical text of a mixed-endian Windows GUID (16 bytes).
pub fn windows_guid(b: &[u8]) -> String {
    crate::volume::guid_string(b)
}
