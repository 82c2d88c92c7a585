//! `linux.at`: at spool jobs (Debian `/var/spool/cron/atjobs`, RHEL `/var/spool/at`); the run
//! time, queue and job number come from the file name. Also used for macOS at jobs.

use super::unix::{file_record, files_in, owner_mode, path_flags, Users};
use super::{display_path, Collector, Ctx};
use crate::formats::at_spool;
use crate::fs::{join, resolve};
use crate::target::Os;
use crate::time::Time;
use serde_json::json;

/// Reads the at spools of a Linux target.
pub struct AtCollector;

impl Collector for AtCollector {
    fn id(&self) -> &'static str {
        "linux.at"
    }

    fn os(&self) -> Os {
        Os::Linux
    }

    fn describe(&self) -> &'static str {
        "at jobs: queue, job number and scheduled run time from the spool file name, uid/gid/mail \
         from the header, and the commands after the environment preamble."
    }

    fn collect(&self, ctx: &mut Ctx<'_>) {
        let root = ctx.target.root.clone();
        let users = Users::load(ctx, &root);
        for dir in ["var/spool/cron/atjobs", "var/spool/at"] {
            if let Some(d) = resolve(ctx.fs, &root, dir) {
                read_at_dir(ctx, &users, &d, "linux.at");
            }
        }
    }
}

/// Reads every job file of an at spool folder.
pub fn read_at_dir(ctx: &mut Ctx<'_>, users: &Users, dir: &str, artifact: &'static str) {
    for name in files_in(ctx, dir) {
        if name == ".SEQ" || name == ".lockfile" {
            continue;
        }
        let file = join(dir, &name);
        let path = display_path(&file);
        let Some(n) = at_spool::parse_name(&name) else {
            ctx.notice(
                &path,
                "file in the at spool whose name is not a job name; not read as a job",
            );
            continue;
        };
        let mut rec = file_record(ctx, users, artifact, "T1053.002", &file);
        rec.name = name.clone();
        if let Some(t) = Time::from_unix(n.run_at, 0, 0) {
            rec.time(t, "Scheduled Run");
            rec.schedule = format!("once at {t} (queue {})", n.queue);
        }
        rec.details
            .insert("queue".into(), json!(n.queue.to_string()));
        rec.details.insert("job_number".into(), json!(n.job));
        let (uid, mode) = owner_mode(&rec);
        match ctx.fs.read(&file, ctx.limits.max_file_size) {
            Ok(b) => {
                let body = at_spool::parse_body(&String::from_utf8_lossy(&b));
                rec.command = body.commands.clone();
                let run_uid = body.uid.or(uid);
                rec.user = run_uid.map(|u| users.name(u)).unwrap_or_default();
                if let (Some(h), Some(o)) = (body.uid, uid) {
                    if h != o {
                        crate::reconcile::flag(
                            &mut rec,
                            "not-loaded",
                            format!(
                                "header uid {h} differs from the file owner {o}: atd refuses it"
                            ),
                        );
                    }
                }
                rec.details
                    .insert("at".into(), serde_json::to_value(&body).unwrap_or_default());
            }
            Err(e) => {
                ctx.problem(&path, format!("at job not read: {}", e.reason()));
                rec.details.insert("error".into(), json!(e.reason()));
            }
        }
        if mode.is_some_and(|m| m & 0o100 == 0) && n.queue != '=' {
            crate::reconcile::flag(
                &mut rec,
                "not-loaded",
                "owner execute bit clear: atd does not run it".into(),
            );
        }
        rec.enabled = Some(!rec.flags.iter().any(|f| f == "not-loaded"));
        crate::reconcile::flag(
            &mut rec,
            "at-job",
            format!("at job {} in queue {}", n.job, n.queue),
        );
        let root_job = rec.user == "root";
        path_flags(&mut rec, &name, root_job);
        rec.message = format!(
            "at job {} (queue {}) runs {} as {} {}",
            n.job,
            n.queue,
            rec.command.replace('\n', "; "),
            if rec.user.is_empty() { "?" } else { &rec.user },
            rec.schedule
        );
        ctx.records.push(rec);
    }
}
