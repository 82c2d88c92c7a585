//! Pure format parsers: bytes in, typed values out. No file-system knowledge; each is fuzzable.

pub mod task_xml;
pub mod text;
pub mod xml;
