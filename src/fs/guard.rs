//! A wrapper that turns a panic inside a file-system crate into a `Corrupt` error for the one
//! path being read. The NTFS and ext crates index into structures read from evidence, and some
//! damaged index records still make them panic (the mutated-image sweep found one in the ntfs
//! crate's index entries); the rest of the volume must stay readable.

use super::{DirEntry, FileSystem, FsError, Later, Metadata};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Wraps a file system so that every read is isolated from panics of the crate behind it.
pub struct GuardedFs<F: FileSystem>(pub F);

fn guarded<T>(path: &str, f: impl FnOnce() -> Result<T, FsError>) -> Result<T, FsError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let why = crate::problem::panic_message(p.as_ref());
        Err(FsError::Corrupt {
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            message: format!("the file-system reader failed on damaged structures ({why})"),
        })
    })
}

impl<F: FileSystem> FileSystem for GuardedFs<F> {
    fn kind(&self) -> &'static str {
        self.0.kind()
    }
    fn case_sensitive(&self) -> bool {
        self.0.case_sensitive()
    }
    fn metadata(&self, path: &str) -> Result<Metadata, FsError> {
        guarded(path, || self.0.metadata(path))
    }
    fn read_dir(&self, path: &str) -> Result<Vec<DirEntry>, FsError> {
        guarded(path, || self.0.read_dir(path))
    }
    fn read(&self, path: &str, cap: u64) -> Result<Vec<u8>, FsError> {
        guarded(path, || self.0.read(path, cap))
    }
    fn read_link(&self, path: &str) -> Result<String, FsError> {
        guarded(path, || self.0.read_link(path))
    }
    fn read_prefix(&self, path: &str, n: usize) -> Result<Vec<u8>, FsError> {
        guarded(path, || self.0.read_prefix(path, n))
    }
    fn read_later(&self, path: &str, cap: u64) -> Result<Later, FsError> {
        guarded(path, || self.0.read_later(path, cap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Panicky;

    impl FileSystem for Panicky {
        fn kind(&self) -> &'static str {
            "test"
        }
        fn case_sensitive(&self) -> bool {
            true
        }
        fn metadata(&self, _: &str) -> Result<Metadata, FsError> {
            let empty: &[u8] = &[];
            let _ = &empty[8..];
            unreachable!()
        }
        fn read_dir(&self, _: &str) -> Result<Vec<DirEntry>, FsError> {
            Ok(Vec::new())
        }
        fn read(&self, path: &str, _: u64) -> Result<Vec<u8>, FsError> {
            Err(FsError::NotFound(path.into()))
        }
        fn read_link(&self, _: &str) -> Result<String, FsError> {
            panic!("boom")
        }
    }

    #[test]
    fn panics_become_corrupt_errors_for_that_path() {
        let fs = GuardedFs(Panicky);
        let e = fs.metadata("Windows/Tasks").unwrap_err().to_string();
        assert_eq!(
            e,
            "Windows/Tasks: corrupt file system structure: the file-system reader failed on damaged structures (range start index 8 out of range for slice of length 0)"
        );
        assert_eq!(
            fs.read_link("").unwrap_err().to_string(),
            "/: corrupt file system structure: the file-system reader failed on damaged structures (boom)"
        );
        assert!(fs.read_dir("x").unwrap().is_empty());
        assert!(matches!(fs.read("y", 1), Err(FsError::NotFound(p)) if p == "y"));
    }
}
