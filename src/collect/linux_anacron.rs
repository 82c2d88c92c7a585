//! `linux.anacron`: `/etc/anacrontab` jobs and their `/var/spool/anacron/<job>` last-run days.

use super::unix::{file_record, path_flags, Users};
use super::{display_path, Collector, Ctx};
use crate::formats::anacrontab;
use crate::fs::{join, resolve};
use crate::target::Os;
use crate::time::Time;
use serde_json::json;

/// Reads anacron's table and stamps.
pub struct AnacronCollector;

impl Collector for AnacronCollector {
    fn id(&self) -> &'static str {
        "linux.anacron"
    }

    fn os(&self) -> Os {
        Os::Linux
    }

    fn describe(&self) -> &'static str {
        "anacron: /etc/anacrontab jobs (period, delay, id, command) and the last-run day stamps in \
         /var/spool/anacron."
    }

    fn collect(&self, ctx: &mut Ctx<'_>) {
        let root = ctx.target.root.clone();
        let Some(file) = resolve(ctx.fs, &root, "etc/anacrontab") else {
            return;
        };
        let users = Users::load(ctx, &root);
        let path = display_path(&file);
        let base = file_record(ctx, &users, "linux.anacron", "T1053.003", &file);
        let text = match ctx.fs.read(&file, ctx.limits.max_file_size) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                ctx.problem(&path, format!("anacrontab not read: {}", e.reason()));
                return;
            }
        };
        let tab = anacrontab::parse(&text);
        for (line, t) in &tab.invalid {
            ctx.problem(
                format!("{path}:{line}"),
                format!("anacron rejects this line: {t:?}"),
            );
        }
        let spool = resolve(ctx.fs, &root, "var/spool/anacron");
        let env: serde_json::Map<String, serde_json::Value> = tab
            .environment
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        for j in &tab.jobs {
            let mut rec = base.clone();
            rec.name = format!("{path}:{}", j.line);
            rec.command = j.command.clone();
            rec.schedule = format!(
                "every {} day(s) (period {}), delay {} min",
                period_days(&j.period),
                j.period,
                j.delay
            );
            rec.user = "root".into();
            rec.enabled = Some(true);
            rec.details
                .insert("job".into(), serde_json::to_value(j).unwrap_or_default());
            rec.details
                .insert("environment".into(), serde_json::Value::Object(env.clone()));
            if let Some(dir) = &spool {
                let stamp = join(dir, &j.id);
                if let Ok(b) = ctx.fs.read(&stamp, 4096) {
                    match anacrontab::parse_stamp(&String::from_utf8_lossy(&b)) {
                        Some(day) => {
                            rec.details
                                .insert("last_run_day".into(), json!(day.to_string()));
                            if let Some(t) =
                                Time::from_civil(day.to_datetime(jiff::civil::Time::midnight()), 0)
                            {
                                rec.local_time(t, "Task Last Run (anacron stamp, day)");
                            }
                        }
                        None => ctx.problem(display_path(&stamp), "anacron stamp is not YYYYMMDD"),
                    }
                }
            }
            path_flags(&mut rec, "anacrontab", true);
            rec.message = format!(
                "anacron job {} runs {} as root {}",
                j.id, rec.command, rec.schedule
            );
            ctx.records.push(rec);
        }
    }
}

fn period_days(p: &str) -> String {
    match p {
        "@daily" => "1".into(),
        "@weekly" => "7".into(),
        "@monthly" => "~30 (calendar month)".into(),
        "@yearly" | "@annually" => "~365 (calendar year)".into(),
        other => other.to_string(),
    }
}
