//! `linux.systemd_timer`: system and user timer units, their drop-ins, the service each starts
//! (with its ExecStart), whether they are enabled (a `*.wants` link) or masked, and the last
//! trigger from the `Persistent=` stamp files.

use super::unix::{file_record, path_flags, Users};
use super::{display_path, Collector, Ctx};
use crate::formats::systemd_unit::{exec_start, timer_schedule, Unit};
use crate::fs::{join, resolve, FileKind};
use crate::target::Os;
use serde_json::json;

/// Reads the systemd timers of a Linux target.
pub struct SystemdTimerCollector;

/// System unit folders, highest precedence first.
pub const SYSTEM_DIRS: &[&str] = &[
    "etc/systemd/system",
    "usr/local/lib/systemd/system",
    "usr/lib/systemd/system",
    "lib/systemd/system",
];
/// User unit folders shared by all users, highest precedence first.
pub const USER_DIRS: &[&str] = &["etc/systemd/user", "usr/lib/systemd/user"];

struct Scope {
    /// Unit folders on the file system, highest precedence first.
    dirs: Vec<String>,
    /// Who runs the units: `root`, or the user whose home holds them.
    user: String,
    /// Folder of the stamp files.
    stamps: Option<String>,
    /// Label for details.
    kind: &'static str,
}

impl Collector for SystemdTimerCollector {
    fn id(&self) -> &'static str {
        "linux.systemd_timer"
    }

    fn os(&self) -> Os {
        Os::Linux
    }

    fn describe(&self) -> &'static str {
        "systemd timers (system and user units, drop-ins): schedule, the service and its \
         ExecStart, enabled/masked state, last trigger from stamp files."
    }

    fn collect(&self, ctx: &mut Ctx<'_>) {
        let root = ctx.target.root.clone();
        let users = Users::load(ctx, &root);
        let mut scopes = vec![Scope {
            dirs: SYSTEM_DIRS
                .iter()
                .filter_map(|d| resolve(ctx.fs, &root, d))
                .collect(),
            user: "root".into(),
            stamps: resolve(ctx.fs, &root, "var/lib/systemd/timers"),
            kind: "system",
        }];
        let shared: Vec<String> = USER_DIRS
            .iter()
            .filter_map(|d| resolve(ctx.fs, &root, d))
            .collect();
        for (user, home) in users.existing_homes(ctx, &root) {
            let mut dirs: Vec<String> = resolve(ctx.fs, &home, ".config/systemd/user")
                .into_iter()
                .collect();
            dirs.extend(resolve(ctx.fs, &home, ".local/share/systemd/user"));
            if dirs.is_empty() {
                continue;
            }
            dirs.extend(shared.iter().cloned());
            scopes.push(Scope {
                dirs,
                user,
                stamps: resolve(ctx.fs, &home, ".local/share/systemd/timers"),
                kind: "user",
            });
        }
        if scopes.len() == 1 && !shared.is_empty() {
            scopes.push(Scope {
                dirs: shared,
                user: "(every user)".into(),
                stamps: None,
                kind: "user",
            });
        }
        for scope in &scopes {
            read_scope(ctx, &users, scope);
        }
    }
}

/// The units folder names below `dir` matching `<name>.d` drop-in folders: their `*.conf` files.
fn dropins(ctx: &mut Ctx<'_>, dirs: &[String], unit: &str) -> Vec<String> {
    let mut out = Vec::new();
    for d in dirs.iter().rev() {
        if let Some(dd) = resolve(ctx.fs, d, &format!("{unit}.d")) {
            let mut confs: Vec<String> = ctx
                .fs
                .read_dir(&dd)
                .map(|e| {
                    e.into_iter()
                        .filter(|e| e.name.ends_with(".conf"))
                        .map(|e| join(&dd, &e.name))
                        .collect()
                })
                .unwrap_or_default();
            confs.sort();
            out.extend(confs);
        }
    }
    out
}

fn load_unit(ctx: &mut Ctx<'_>, file: &str, extra: &[String]) -> Option<Unit> {
    let mut u = Unit::default();
    match ctx.fs.read(file, 1 << 20) {
        Ok(b) => u.merge(&String::from_utf8_lossy(&b)),
        Err(e) => {
            ctx.problem(display_path(file), format!("unit not read: {}", e.reason()));
            return None;
        }
    }
    for d in extra {
        if let Ok(b) = ctx.fs.read(d, 1 << 20) {
            u.merge(&String::from_utf8_lossy(&b));
        }
    }
    Some(u)
}

/// Whether `unit` is linked from any `*.wants` folder of the scope; the folders it is in.
fn wanted_by(ctx: &Ctx<'_>, dirs: &[String], unit: &str) -> Vec<String> {
    let mut out = Vec::new();
    for d in dirs {
        let Ok(entries) = ctx.fs.read_dir(d) else {
            continue;
        };
        for e in entries
            .iter()
            .filter(|e| e.kind == FileKind::Dir && e.name.ends_with(".wants"))
        {
            let w = join(d, &e.name);
            if ctx
                .fs
                .read_dir(&w)
                .is_ok_and(|l| l.iter().any(|x| x.name == unit))
            {
                out.push(display_path(&w));
            }
        }
    }
    out
}

fn read_scope(ctx: &mut Ctx<'_>, users: &Users, scope: &Scope) {
    let mut seen: Vec<String> = Vec::new();
    for (i, dir) in scope.dirs.iter().enumerate() {
        let Ok(entries) = ctx.fs.read_dir(dir) else {
            continue;
        };
        for e in entries
            .iter()
            .filter(|e| e.name.ends_with(".timer") && e.kind != FileKind::Dir)
        {
            let file = join(dir, &e.name);
            let effective = !seen.contains(&e.name);
            seen.push(e.name.clone());
            let mut rec = file_record(ctx, users, "linux.systemd_timer", "T1053.006", &file);
            rec.name = e.name.clone();
            rec.user = scope.user.clone();
            let link = if e.kind == FileKind::Symlink {
                ctx.fs.read_link(&file).ok()
            } else {
                None
            };
            let masked = link.as_deref() == Some("/dev/null");
            if let Some(l) = &link {
                rec.details.insert("link_target".into(), json!(l));
            }
            let mut enabled = false;
            if !masked {
                let drop = dropins(ctx, &scope.dirs[i..], &e.name);
                if let Some(unit) = load_unit(ctx, &file, &drop) {
                    rec.schedule = timer_schedule(&unit);
                    let service = unit
                        .last("Timer", "Unit")
                        .map(str::to_string)
                        .unwrap_or_else(|| {
                            e.name.trim_end_matches(".timer").to_string() + ".service"
                        });
                    rec.details.insert("service".into(), json!(service));
                    rec.details.insert(
                        "dropins".into(),
                        json!(drop.iter().map(|d| display_path(d)).collect::<Vec<_>>()),
                    );
                    rec.details.insert(
                        "timer".into(),
                        serde_json::to_value(&unit).unwrap_or_default(),
                    );
                    let sfile = scope.dirs.iter().find_map(|d| resolve(ctx.fs, d, &service));
                    match sfile {
                        Some(sf) => {
                            let sdrop = dropins(ctx, &scope.dirs, &service);
                            if let Some(su) = load_unit(ctx, &sf, &sdrop) {
                                rec.command = exec_start(&su).join(" ; ");
                                if let Some(u) = su.last("Service", "User") {
                                    rec.user = u.to_string();
                                }
                                rec.details
                                    .insert("service_path".into(), json!(display_path(&sf)));
                                rec.details.insert(
                                    "service_unit".into(),
                                    serde_json::to_value(&su).unwrap_or_default(),
                                );
                            }
                        }
                        None => {
                            rec.details.insert("service_missing".into(), json!(true));
                        }
                    }
                    let wants = wanted_by(ctx, &scope.dirs, &e.name);
                    enabled = !wants.is_empty();
                    rec.details.insert("wanted_by".into(), json!(wants));
                }
            }
            rec.enabled = Some(enabled && effective);
            rec.details.insert("scope".into(), json!(scope.kind));
            rec.details.insert("masked".into(), json!(masked));
            rec.details.insert("effective".into(), json!(effective));
            if let Some(st) = &scope.stamps {
                if let Some(stamp) = resolve(ctx.fs, st, &format!("stamp-{}", e.name)) {
                    if let Ok(md) = ctx.fs.metadata(&stamp) {
                        if let Some(t) = md.times.iter().find(|t| t.key == "mtime") {
                            rec.time(t.time, "Timer Last Triggered (stamp mtime)");
                            rec.details
                                .insert("stamp".into(), json!(display_path(&stamp)));
                        }
                    }
                }
            }
            let privileged = scope.user == "root" || rec.user == "root";
            path_flags(&mut rec, &e.name, privileged);
            rec.message = format!(
                "systemd {} timer {} starts {}{} as {} on {}{}",
                scope.kind,
                e.name,
                rec.details
                    .get("service")
                    .and_then(|v| v.as_str())
                    .unwrap_or("?"),
                if rec.command.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", rec.command)
                },
                rec.user,
                if rec.schedule.is_empty() {
                    "?"
                } else {
                    &rec.schedule
                },
                if masked {
                    " [masked]"
                } else if !effective {
                    " [overridden]"
                } else if !enabled {
                    " [not enabled]"
                } else {
                    ""
                }
            );
            ctx.records.push(rec);
        }
    }
}
