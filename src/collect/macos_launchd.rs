//! `macos.launchd`: launch agents and daemons (XML and binary plists, dot-files included) with
//! the disabled-overrides databases applied.

use super::unix::{file_record, files_in, path_flags_for, Users};
use super::{display_path, Collector, Ctx};
use crate::formats::launchd;
use crate::fs::{join, resolve};
use crate::target::Os;
use serde_json::json;
use std::collections::BTreeMap;

/// Reads the launchd jobs of a macOS target.
pub struct LaunchdCollector;

const SYSTEM_DIRS: &[(&str, &str)] = &[
    ("Library/LaunchDaemons", "daemon"),
    ("Library/LaunchAgents", "agent"),
    ("System/Library/LaunchDaemons", "daemon"),
    ("System/Library/LaunchAgents", "agent"),
    ("Library/Apple/System/Library/LaunchDaemons", "daemon"),
    ("Library/Apple/System/Library/LaunchAgents", "agent"),
    ("private/var/root/Library/LaunchAgents", "agent"),
];

impl Collector for LaunchdCollector {
    fn id(&self) -> &'static str {
        "macos.launchd"
    }

    fn os(&self) -> Os {
        Os::Macos
    }

    fn describe(&self) -> &'static str {
        "launchd agents and daemons (system, Apple, per-user; XML and binary plists): label, \
         program and arguments, run conditions, user, and the disabled overrides."
    }

    fn collect(&self, ctx: &mut Ctx<'_>) {
        let root = ctx.target.root.clone();
        let users = Users::load(ctx, &root);
        let overrides = load_overrides(ctx, &root);
        let mut dirs: Vec<(String, &'static str, String)> = Vec::new();
        for (d, kind) in SYSTEM_DIRS {
            if let Some(p) = resolve(ctx.fs, &root, d) {
                let user = if d.starts_with("private/var/root") || *kind == "daemon" {
                    "root"
                } else {
                    "(each user at login)"
                };
                dirs.push((p, kind, user.to_string()));
            }
        }
        if let Some(u) = resolve(ctx.fs, &root, "Users") {
            if let Ok(entries) = ctx.fs.read_dir(&u) {
                for e in entries
                    .into_iter()
                    .filter(|e| e.kind == crate::fs::FileKind::Dir)
                {
                    if let Some(p) = resolve(ctx.fs, &join(&u, &e.name), "Library/LaunchAgents") {
                        dirs.push((p, "agent", e.name.clone()));
                    }
                }
            }
        }
        for (dir, kind, user) in dirs {
            for name in files_in(ctx, &dir) {
                if !name.to_ascii_lowercase().ends_with(".plist") {
                    continue;
                }
                read_plist(ctx, &users, &overrides, &dir, &name, kind, &user);
            }
        }
    }
}

/// label → (disabled, database path).
fn load_overrides(ctx: &mut Ctx<'_>, root: &str) -> BTreeMap<String, (bool, String)> {
    let mut out = BTreeMap::new();
    let mut files = Vec::new();
    if let Some(d) = resolve(ctx.fs, root, "private/var/db/com.apple.xpc.launchd") {
        for n in files_in(ctx, &d) {
            if n.starts_with("disabled") && n.ends_with(".plist") {
                files.push(join(&d, &n));
            }
        }
    }
    if let Some(p) = resolve(
        ctx.fs,
        root,
        "private/var/db/launchd.db/com.apple.launchd/overrides.plist",
    ) {
        files.push(p);
    }
    for f in files {
        match ctx
            .fs
            .read(&f, 16 << 20)
            .map_err(|e| e.reason())
            .and_then(|b| launchd::parse_overrides(&b).map_err(|e| e.to_string()))
        {
            Ok(entries) => {
                for (label, disabled) in entries {
                    out.insert(label, (disabled, display_path(&f)));
                }
            }
            Err(e) => ctx.problem(
                display_path(&f),
                format!("launchd overrides database not read: {e}"),
            ),
        }
    }
    out
}

fn read_plist(
    ctx: &mut Ctx<'_>,
    users: &Users,
    overrides: &BTreeMap<String, (bool, String)>,
    dir: &str,
    name: &str,
    kind: &str,
    default_user: &str,
) {
    let file = join(dir, name);
    let path = display_path(&file);
    let mut rec = file_record(
        ctx,
        users,
        "macos.launchd",
        if kind == "daemon" {
            "T1543.004"
        } else {
            "T1543.001"
        },
        &file,
    );
    rec.name = name.trim_end_matches(".plist").to_string();
    let job = match ctx
        .fs
        .read(&file, ctx.limits.max_file_size)
        .map_err(|e| e.reason())
        .and_then(|b| launchd::parse(&b).map_err(|e| e.to_string()))
    {
        Ok(j) => j,
        Err(e) => {
            ctx.problem(&path, format!("launchd plist not read: {e}"));
            rec.details.insert("error".into(), json!(e));
            rec.message = format!("launchd {kind} {path} could not be read: {e}");
            ctx.records.push(rec);
            return;
        }
    };
    if let Some(l) = &job.label {
        rec.name = l.clone();
    }
    rec.command = job.command();
    rec.schedule = job.schedule();
    rec.user = job
        .user_name
        .clone()
        .filter(|_| kind == "daemon")
        .unwrap_or_else(|| default_user.to_string());
    let override_state = job.label.as_ref().and_then(|l| overrides.get(l));
    let disabled = override_state
        .map(|(d, _)| *d)
        .or(job.disabled)
        .unwrap_or(false);
    rec.enabled = Some(!disabled);
    if let Some((d, db)) = override_state {
        rec.details
            .insert("override".into(), json!({"disabled": d, "database": db}));
    }
    rec.details.insert("kind".into(), json!(kind));
    rec.details.insert(
        "plist".into(),
        serde_json::to_value(&job).unwrap_or_default(),
    );
    let apple_dir =
        path.starts_with("/System/Library/") || path.starts_with("/Library/Apple/System/Library/");
    if let Some(l) = &job.label {
        if l.to_ascii_lowercase().starts_with("com.apple.") && !apple_dir {
            crate::reconcile::flag(
                &mut rec,
                "apple-label-impostor",
                format!(
                    "label {l} claims to be Apple's but the plist is in {}",
                    display_path(dir)
                ),
            );
        }
    }
    let privileged = rec.user == "root";
    let mut args: Vec<String> = job.program.iter().cloned().collect();
    args.extend(job.arguments.iter().cloned());
    path_flags_for(&mut rec, name, privileged, &args);
    rec.message = format!(
        "launchd {kind} {} runs {} as {}{}{}",
        rec.name,
        rec.command,
        rec.user,
        if rec.schedule.is_empty() {
            String::new()
        } else {
            format!(" ({})", rec.schedule)
        },
        if disabled { " [disabled]" } else { "" }
    );
    ctx.records.push(rec);
}
