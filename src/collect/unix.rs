//! What the Unix collectors share: users from `/etc/passwd`, the distribution family, the file
//! owner/mode record base, and the path-based flags (`dot-path`, `user-writable-path`).

use super::{add_file_metadata, display_path, Ctx};
use crate::fs::{find_name, join, resolve, FileKind};
use crate::record::Record;
use serde_json::json;
use std::collections::BTreeMap;

/// Accounts of a Unix target.
#[derive(Debug, Clone, Default)]
pub struct Users {
    /// uid → name.
    pub names: BTreeMap<u32, String>,
    /// name → home folder (as an absolute path on the target).
    pub homes: BTreeMap<String, String>,
}

impl Users {
    /// Reads `etc/passwd` below `root` (and, on macOS, the folders of `/Users`).
    pub fn load(ctx: &mut Ctx<'_>, root: &str) -> Users {
        let mut u = Users::default();
        for p in ["etc/passwd", "private/etc/passwd"] {
            let Some(file) = resolve(ctx.fs, root, p) else {
                continue;
            };
            match ctx.fs.read(&file, 16 << 20) {
                Ok(b) => {
                    for line in String::from_utf8_lossy(&b).lines() {
                        let f: Vec<&str> = line.split(':').collect();
                        if f.len() >= 7 && !line.starts_with('#') {
                            if let Ok(uid) = f[2].parse::<u32>() {
                                u.names.entry(uid).or_insert_with(|| f[0].to_string());
                                u.homes
                                    .entry(f[0].to_string())
                                    .or_insert_with(|| f[5].to_string());
                            }
                        }
                    }
                }
                Err(e) => ctx.problem(
                    display_path(&file),
                    format!("passwd not read: {}", e.reason()),
                ),
            }
            break;
        }
        if let Some(users) = resolve(ctx.fs, root, "Users") {
            if let Ok(entries) = ctx.fs.read_dir(&users) {
                for e in entries
                    .into_iter()
                    .filter(|e| e.kind == FileKind::Dir && e.name != "Shared")
                {
                    u.homes
                        .entry(e.name.clone())
                        .or_insert_with(|| format!("/Users/{}", e.name));
                }
            }
        }
        u
    }

    /// The home folders that exist on the file system: (user, path on the file system).
    pub fn existing_homes(&self, ctx: &Ctx<'_>, root: &str) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (name, home) in &self.homes {
            if home == "/" || home.is_empty() || home.starts_with("/nonexistent") {
                continue;
            }
            if let Some(p) = resolve(ctx.fs, root, home.trim_start_matches('/')) {
                if !out.iter().any(|(_, q)| *q == p) {
                    out.push((name.clone(), p));
                }
            }
        }
        // Homes under /home without a passwd entry (deleted accounts) are still searched.
        if let Some(home) = find_name(ctx.fs, root, "home") {
            let base = join(root, &home.name);
            if let Ok(entries) = ctx.fs.read_dir(&base) {
                for e in entries.into_iter().filter(|e| e.kind == FileKind::Dir) {
                    let p = join(&base, &e.name);
                    if !out.iter().any(|(_, q)| *q == p) {
                        out.push((e.name.clone(), p));
                    }
                }
            }
        }
        out
    }

    /// A uid's name, or the number as text.
    pub fn name(&self, uid: u32) -> String {
        self.names
            .get(&uid)
            .cloned()
            .unwrap_or_else(|| uid.to_string())
    }
}

/// Which cron implementation the distribution ships (decides which files it would load).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CronFlavor {
    /// Debian/Ubuntu Vixie cron.
    Debian,
    /// cronie (RHEL, Fedora, SUSE, Arch, …).
    Cronie,
    /// Unknown: both rule sets are reported, no flag is set.
    Unknown,
}

impl CronFlavor {
    /// From `etc/os-release` (ID, ID_LIKE), then `etc/debian_version` / `etc/redhat-release`.
    pub fn detect(ctx: &Ctx<'_>, root: &str) -> CronFlavor {
        if let Some(p) = resolve(ctx.fs, root, "etc/os-release") {
            if let Ok(b) = ctx.fs.read(&p, 1 << 16) {
                let t = String::from_utf8_lossy(&b).to_lowercase();
                let ids: String = t
                    .lines()
                    .filter(|l| l.starts_with("id=") || l.starts_with("id_like="))
                    .collect::<Vec<_>>()
                    .join(" ");
                if ids.contains("debian") || ids.contains("ubuntu") {
                    return CronFlavor::Debian;
                }
                if [
                    "rhel", "fedora", "centos", "suse", "rocky", "alma", "amzn", "arch",
                ]
                .iter()
                .any(|d| ids.contains(d))
                {
                    return CronFlavor::Cronie;
                }
            }
        }
        if resolve(ctx.fs, root, "etc/debian_version").is_some() {
            CronFlavor::Debian
        } else if resolve(ctx.fs, root, "etc/redhat-release").is_some() {
            CronFlavor::Cronie
        } else {
            CronFlavor::Unknown
        }
    }

    /// Lowercase name for details.
    pub fn name(self) -> &'static str {
        match self {
            CronFlavor::Debian => "debian",
            CronFlavor::Cronie => "cronie",
            CronFlavor::Unknown => "unknown",
        }
    }
}

/// A record for an artifact in `file`, with the file's times, owner and mode.
pub fn file_record(
    ctx: &mut Ctx<'_>,
    users: &Users,
    artifact: &'static str,
    technique: &'static str,
    file: &str,
) -> Record {
    let mut rec = Record {
        artifact,
        path: display_path(file),
        technique,
        ..Record::default()
    };
    if let Some(md) = add_file_metadata(ctx, &mut rec, file) {
        if let Some(uid) = md.uid {
            rec.details.insert("owner".into(), json!(users.name(uid)));
        }
    }
    rec
}

/// The owner uid and mode recorded by [`file_record`].
pub fn owner_mode(rec: &Record) -> (Option<u32>, Option<u32>) {
    let f = rec.details.get("file");
    let uid = f
        .and_then(|f| f.get("uid"))
        .and_then(|v| v.as_u64())
        .map(|v| v as u32);
    let mode = f
        .and_then(|f| f.get("mode"))
        .and_then(|v| v.as_str())
        .and_then(|m| u32::from_str_radix(m, 8).ok());
    (uid, mode)
}

const WRITABLE: [&str; 6] = [
    "/tmp/",
    "/var/tmp/",
    "/dev/shm/",
    "/Users/Shared/",
    "/private/tmp/",
    "/run/user/",
];
const BENIGN_DOT: [&str; 4] = [".local", ".config", ".cache", ".."];

/// Puts the path-based flags on a record: `dot-path` (the artifact file or a program path
/// component is hidden with a leading dot) and `user-writable-path` (the command uses a
/// world-writable folder, or a user's home for a job running as root).
pub fn path_flags(rec: &mut Record, file_name: &str, privileged: bool) {
    let tokens: Vec<String> = rec
        .command
        .split(|c: char| {
            c.is_whitespace()
                || c == ';'
                || c == '|'
                || c == '&'
                || c == '\''
                || c == '"'
                || c == '='
                || c == '>'
                || c == '<'
        })
        .map(str::to_string)
        .collect();
    path_flags_for(rec, file_name, privileged, &tokens);
}

/// [`path_flags`] over an explicit argument list (launchd passes arguments without a shell, so
/// paths with spaces stay whole).
pub fn path_flags_for(rec: &mut Record, file_name: &str, privileged: bool, args: &[String]) {
    let tokens: Vec<&String> = args
        .iter()
        .filter(|t| t.starts_with('/') || t.starts_with("~/"))
        .collect();
    if file_name.starts_with('.') {
        crate::reconcile::flag(
            rec,
            "dot-path",
            format!("the file {file_name} is hidden (leading dot)"),
        );
    } else if let Some(t) = tokens.iter().find(|t| {
        t.split('/')
            .any(|c| c.starts_with('.') && c.len() > 1 && !BENIGN_DOT.contains(&c))
    }) {
        crate::reconcile::flag(rec, "dot-path", format!("{t} has a hidden (dot) component"));
    }
    if let Some(t) = tokens
        .iter()
        .find(|t| WRITABLE.iter().any(|w| t.starts_with(w)))
    {
        crate::reconcile::flag(
            rec,
            "user-writable-path",
            format!("{t} lies in a folder every user can write"),
        );
    } else if privileged {
        if let Some(t) = tokens
            .iter()
            .find(|t| t.starts_with("/home/") || t.starts_with("/Users/") || t.starts_with("~/"))
        {
            crate::reconcile::flag(
                rec,
                "user-writable-path",
                format!("{t} is in a user's home but runs as root"),
            );
        }
    }
}

/// Lists the regular files (and links) of `dir`, sorted; a missing folder gives nothing.
pub fn files_in(ctx: &mut Ctx<'_>, dir: &str) -> Vec<String> {
    match ctx.fs.read_dir(dir) {
        Ok(entries) => entries
            .into_iter()
            .filter(|e| matches!(e.kind, FileKind::File | FileKind::Symlink))
            .map(|e| e.name)
            .collect(),
        Err(crate::fs::FsError::NotFound(_)) => Vec::new(),
        Err(e) => {
            ctx.problem(display_path(dir), e.reason());
            Vec::new()
        }
    }
}
