#![forbid(unsafe_code)]
#![warn(missing_docs)]
//! tasktrail: a timeline of scheduled-task and job persistence artifacts (MITRE ATT&CK T1053)
//! from disk images and evidence folders, for DFIR analysts.
//!
//! Data flows one way; each stage knows only the one before it:
//!
//! ```text
//! evidence   open the input: raw image, E01/VMDK/VHD, or a folder      -> ReadAt
//! volume     GPT, MBR (extended/logical) or the whole image             -> Volume
//! fs         NTFS | ext2/3/4 | host folder                               -> dyn FileSystem
//! target     OS roots on a file system, by marker paths                  -> Target
//! collect    one collector per artifact family, pure parsers underneath  -> Records + problems
//! reconcile  Windows cross-source verdicts (XML, TaskCache, .job)         -> flags on Records
//! timeline   one row per distinct timestamp, stable sort                 -> CSV | JSONL
//! ```

pub mod app;
pub mod cli;
pub mod collect;
pub mod evidence;
pub mod formats;
pub mod fs;
pub mod problem;
pub mod reconcile;
pub mod record;
pub mod registry;
pub mod rules;
pub mod target;
pub mod time;
pub mod timeline;
pub mod volume;
