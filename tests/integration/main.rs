//! Integration tests: the binary on scripted images and folders, golden timelines, exit codes,
//! damaged evidence, and the real third-party corpus in `../shared/corpus`.

mod batch;
mod common;
mod corpus;
mod damaged;
mod eventlog;
mod evidence;
mod filesystems;
mod output;
mod registry;
mod rules;
mod torture;
mod unix;
mod windows_depth;
mod zones;
