//! `linux.cron`: `/etc/crontab`, `/etc/cron.d/*`, the user spools (Debian
//! `/var/spool/cron/crontabs`, RHEL `/var/spool/cron`) and the run-parts folders
//! `/etc/cron.{hourly,daily,weekly,monthly}` — one record per job line (or script), with whether
//! the daemon would load it.

use super::unix::{
    file_record, files_in, owner_mode, path_flags, path_flags_for, CronFlavor, Users,
};
use super::{display_path, Collector, Ctx};
use crate::formats::crontab::{self, CronLine};
use crate::fs::{join, resolve, FileKind};
use crate::record::Record;
use crate::target::Os;
use crate::time::Time;
use serde_json::{json, Map, Value};

/// Reads every crontab of a Linux target.
pub struct CronCollector;

/// Where a crontab sits, which decides its syntax and load rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CronKind {
    /// `/etc/crontab`.
    System,
    /// `/etc/cron.d/*`.
    CronD,
    /// A user's spool file.
    Spool,
}

impl CronKind {
    fn name(self) -> &'static str {
        match self {
            CronKind::System => "system",
            CronKind::CronD => "cron.d",
            CronKind::Spool => "spool",
        }
    }
}

impl Collector for CronCollector {
    fn id(&self) -> &'static str {
        "linux.cron"
    }

    fn os(&self) -> Os {
        Os::Linux
    }

    fn describe(&self) -> &'static str {
        "cron: /etc/crontab, /etc/cron.d, user spools, run-parts folders; one record per job line \
         with line number, macros, environment, user, owner, and whether cron would load it."
    }

    fn collect(&self, ctx: &mut Ctx<'_>) {
        let root = ctx.target.root.clone();
        let users = Users::load(ctx, &root);
        let flavor = CronFlavor::detect(ctx, &root);
        if let Some(f) = resolve(ctx.fs, &root, "etc/crontab") {
            read_crontab(ctx, &users, &f, CronKind::System, flavor, "linux.cron");
        }
        if let Some(d) = resolve(ctx.fs, &root, "etc/cron.d") {
            read_crontab_dir(ctx, &users, &d, CronKind::CronD, flavor, "linux.cron");
        }
        for spool in ["var/spool/cron/crontabs", "var/spool/cron"] {
            if let Some(d) = resolve(ctx.fs, &root, spool) {
                read_crontab_dir(ctx, &users, &d, CronKind::Spool, flavor, "linux.cron");
            }
        }
        for folder in ["cron.hourly", "cron.daily", "cron.weekly", "cron.monthly"] {
            if let Some(d) = resolve(ctx.fs, &root, &format!("etc/{folder}")) {
                for n in files_in(ctx, &d) {
                    run_parts_script(ctx, &users, &d, folder, &n, flavor);
                }
            }
        }
    }
}

/// Why the daemon would not load a crontab file, under each rule set: (debian, cronie).
fn load_reasons(
    rec: &Record,
    kind: CronKind,
    file_name: &str,
    users: &Users,
) -> (Vec<String>, Vec<String>) {
    let (uid, mode) = owner_mode(rec);
    let mut deb = Vec::new();
    let mut cro = Vec::new();
    if kind == CronKind::CronD && !crontab::debian_name_ok(file_name) {
        deb.push(format!("Debian cron ignores cron.d file names with characters other than letters, digits, '_' and '-' ({file_name})"));
    }
    if kind != CronKind::System {
        if let Err(r) = crontab::cronie_name_ok(file_name) {
            cro.push(format!("cronie skips it: {r}"));
        }
    }
    if let Some(m) = mode {
        if !crontab::cronie_mode_ok(m) {
            cro.push(format!(
                "cronie refuses mode {:o} (mode & 07533 must be 0400)",
                m & 0o7777
            ));
        }
    }
    match (kind, uid) {
        (CronKind::System | CronKind::CronD, Some(u)) if u != 0 => {
            cro.push(format!(
                "cronie wants root to own system crontabs (owner uid {u})"
            ));
        }
        (CronKind::Spool, Some(u)) => {
            let named = users
                .names
                .iter()
                .find(|(_, n)| *n == file_name)
                .map(|(id, _)| *id);
            match named {
                None if !users.names.is_empty() => {
                    let r = format!("no account named {file_name}: cron keeps it as an orphan and never runs it");
                    deb.push(r.clone());
                    cro.push(r);
                }
                Some(id) if u != 0 && u != id => {
                    cro.push(format!(
                        "cronie wants the spool file owned by root or {file_name} (owner uid {u})"
                    ));
                }
                _ => {}
            }
        }
        _ => {}
    }
    (deb, cro)
}

fn would_load(rec: &mut Record, flavor: CronFlavor, deb: Vec<String>, cro: Vec<String>) -> bool {
    let applies = match flavor {
        CronFlavor::Debian => deb.clone(),
        CronFlavor::Cronie => cro.clone(),
        CronFlavor::Unknown => Vec::new(),
    };
    rec.details.insert(
        "would_load".into(),
        json!({"flavor": flavor.name(), "loaded": applies.is_empty(), "debian": deb, "cronie": cro}),
    );
    if !applies.is_empty() {
        crate::reconcile::flag(rec, "not-loaded", applies.join("; "));
    }
    applies.is_empty()
}

/// Reads every crontab file of a folder (cron.d or a spool).
pub fn read_crontab_dir(
    ctx: &mut Ctx<'_>,
    users: &Users,
    dir: &str,
    kind: CronKind,
    flavor: CronFlavor,
    artifact: &'static str,
) {
    for n in files_in(ctx, dir) {
        read_crontab(ctx, users, &join(dir, &n), kind, flavor, artifact);
    }
}

/// Reads one crontab file into records (one per job or invalid line).
pub fn read_crontab(
    ctx: &mut Ctx<'_>,
    users: &Users,
    file: &str,
    kind: CronKind,
    flavor: CronFlavor,
    artifact: &'static str,
) {
    let path = display_path(file);
    let file_name = file.rsplit('/').next().unwrap_or(file).to_string();
    let technique = "T1053.003";
    let base = file_record(ctx, users, artifact, technique, file);
    let bytes = match ctx.fs.read(file, ctx.limits.max_file_size) {
        Ok(b) => b,
        Err(e) => {
            let mut rec = base;
            let msg = e.reason();
            ctx.problem(&path, format!("crontab not read: {msg}"));
            rec.name = path.clone();
            rec.message = format!("crontab {path} (content not read: {msg})");
            rec.details.insert("error".into(), json!(msg));
            ctx.records.push(rec);
            return;
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let tab = crontab::parse(&text, kind != CronKind::Spool);
    let (deb, cro) = load_reasons(&base, kind, &file_name, users);
    let spool_user = (kind == CronKind::Spool).then(|| file_name.clone());
    let mut env = Map::new();
    let install_time = tab.debian_header.as_ref().and_then(|h| {
        jiff::fmt::strtime::parse(
            "%a %b %e %H:%M:%S %Y",
            h.installed.split_whitespace().collect::<Vec<_>>().join(" "),
        )
        .ok()
        .and_then(|t| t.to_datetime().ok())
        .and_then(|dt| Time::from_civil(dt, 0))
    });
    let job_lines = tab
        .lines
        .iter()
        .filter(|l| matches!(l, CronLine::Job(_)))
        .count();
    let mut seen_jobs = 0;
    for line in &tab.lines {
        match line {
            CronLine::Env { name, value, .. } => {
                env.insert(name.clone(), json!(value));
            }
            CronLine::Job(j) => {
                seen_jobs += 1;
                let mut rec = base.clone();
                rec.name = format!("{path}:{}", j.line);
                rec.command = j.command.clone();
                rec.schedule = j.schedule.clone();
                rec.user = j
                    .user
                    .clone()
                    .or_else(|| spool_user.clone())
                    .unwrap_or_default();
                rec.enabled = Some(true);
                rec.details.insert("crontab".into(), json!(kind.name()));
                rec.details.insert("line".into(), json!(j.line));
                rec.details
                    .insert("job".into(), serde_json::to_value(j).unwrap_or(Value::Null));
                rec.details
                    .insert("environment".into(), Value::Object(env.clone()));
                if let Some(h) = &tab.debian_header {
                    rec.details.insert(
                        "debian_header".into(),
                        serde_json::to_value(h).unwrap_or(Value::Null),
                    );
                }
                if let Some(t) = install_time {
                    rec.local_time(t, "Crontab Installed (crontab header)");
                }
                let mut loaded = would_load(&mut rec, flavor, deb.clone(), cro.clone());
                if tab.last_line_unterminated
                    && seen_jobs == job_lines
                    && j.line == text.split('\n').count()
                {
                    crate::reconcile::flag(
                        &mut rec,
                        "not-loaded",
                        "the last line has no newline; cron ignores it".into(),
                    );
                    loaded = false;
                }
                if j.has_cr {
                    crate::reconcile::flag(
                        &mut rec,
                        "cron-hidden-cr",
                        format!(
                            "carriage return hides the command: `cat` shows {:?}",
                            j.displayed
                        ),
                    );
                }
                rec.enabled = Some(loaded);
                let privileged =
                    rec.user == "root" || rec.user.is_empty() && kind != CronKind::Spool;
                path_flags(&mut rec, &file_name, privileged);
                rec.message = format!(
                    "cron job {} runs {} as {} on {}{}",
                    rec.name,
                    rec.command,
                    if rec.user.is_empty() { "?" } else { &rec.user },
                    rec.schedule,
                    if loaded { "" } else { " (would not be loaded)" }
                );
                ctx.records.push(rec);
            }
            CronLine::Invalid { line, text, reason } => {
                let mut rec = base.clone();
                rec.name = format!("{path}:{line}");
                rec.command = text.clone();
                rec.enabled = Some(false);
                rec.details.insert("crontab".into(), json!(kind.name()));
                rec.details.insert("line".into(), json!(line));
                rec.details.insert("invalid".into(), json!(reason));
                crate::reconcile::flag(
                    &mut rec,
                    "not-loaded",
                    format!("cron rejects this line: {reason}"),
                );
                rec.message = format!("invalid cron line {}: {reason}", rec.name);
                ctx.records.push(rec);
            }
        }
    }
}

fn run_parts_script(
    ctx: &mut Ctx<'_>,
    users: &Users,
    dir: &str,
    folder: &str,
    name: &str,
    flavor: CronFlavor,
) {
    let file = join(dir, name);
    let mut rec = file_record(ctx, users, "linux.cron", "T1053.003", &file);
    rec.name = display_path(&file);
    rec.user = "root".into();
    let sched = crontab::run_parts_schedule(folder).unwrap_or("");
    rec.schedule = format!("run-parts {folder} ({sched})");
    rec.details.insert("crontab".into(), json!("run-parts"));
    let (_, mode) = owner_mode(&rec);
    let kind = ctx.fs.metadata(&file).ok().and_then(|m| m.kind);
    // The script is what runs: its first line (interpreter) and size go in details; the
    // command is the script itself.
    rec.command = rec.name.clone();
    let mut script_tokens: Vec<String> = Vec::new();
    if let Ok(b) = ctx.fs.read(&file, 1 << 20) {
        let t = String::from_utf8_lossy(&b);
        rec.details
            .insert("interpreter".into(), json!(t.lines().next().unwrap_or("")));
        rec.details.insert(
            "script".into(),
            json!(t.chars().take(4096).collect::<String>()),
        );
        // What the script runs counts for the path flags (the shebang line aside).
        script_tokens = t
            .lines()
            .filter(|l| !l.starts_with("#!"))
            .flat_map(|l| l.split(|c: char| c.is_whitespace() || ";|&'\"=<>".contains(c)))
            .map(str::to_string)
            .collect();
    }
    let mut deb = Vec::new();
    let mut cro = Vec::new();
    if !crontab::debian_name_ok(name) {
        deb.push(format!("run-parts ignores names with characters other than letters, digits, '_' and '-' ({name})"));
    }
    if name.ends_with('~')
        || [".rpmsave", ".rpmorig", ".rpmnew", ".swp", ".cfsaved"]
            .iter()
            .any(|e| name.ends_with(e))
    {
        cro.push(format!("run-parts skips backup names ({name})"));
    }
    if kind != Some(FileKind::Symlink) && mode.is_some_and(|m| m & 0o100 == 0) {
        let r = "run-parts only runs executable files (owner execute bit clear)".to_string();
        deb.push(r.clone());
        cro.push(r);
    }
    let loaded = would_load(&mut rec, flavor, deb, cro);
    path_flags_for(&mut rec, name, true, &script_tokens);
    rec.enabled = Some(loaded);
    rec.message = format!(
        "run-parts script {} runs as root on {}{}",
        rec.name,
        rec.schedule,
        if loaded { "" } else { " (would not be run)" }
    );
    ctx.records.push(rec);
}
