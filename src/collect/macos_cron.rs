//! `macos.cron`: user crontabs in `/usr/lib/cron/tabs` → `/private/var/at/tabs`, `/etc/crontab`,
//! and at jobs in `/usr/lib/cron/jobs` → `/private/var/at/jobs`.

use super::linux_at::read_at_dir;
use super::linux_cron::{read_crontab, read_crontab_dir, CronKind};
use super::unix::{CronFlavor, Users};
use super::{Collector, Ctx};
use crate::fs::{join, resolve, FileKind};
use crate::target::Os;

/// Reads cron and at on a macOS target.
pub struct MacCronCollector;

impl Collector for MacCronCollector {
    fn id(&self) -> &'static str {
        "macos.cron"
    }

    fn os(&self) -> Os {
        Os::Macos
    }

    fn describe(&self) -> &'static str {
        "macOS cron tabs (/private/var/at/tabs, /usr/lib/cron/tabs, /etc/crontab) and at jobs \
         (/private/var/at/jobs)."
    }

    fn collect(&self, ctx: &mut Ctx<'_>) {
        let root = ctx.target.root.clone();
        let users = Users::load(ctx, &root);
        for etc in ["private/etc/crontab", "etc/crontab"] {
            if let Some(f) = resolve(ctx.fs, &root, etc) {
                if ctx.fs.metadata(&f).ok().and_then(|m| m.kind) == Some(FileKind::File) {
                    read_crontab(
                        ctx,
                        &users,
                        &f,
                        CronKind::System,
                        CronFlavor::Unknown,
                        "macos.cron",
                    );
                    break;
                }
            }
        }
        // /usr/lib/cron is a link to /private/var/at on a live system: read each real folder once.
        let usr_lib_cron_link = is_symlink(ctx, &join(&root, "usr/lib/cron"));
        for (tabs, jobs) in [
            ("private/var/at/tabs", "private/var/at/jobs"),
            ("usr/lib/cron/tabs", "usr/lib/cron/jobs"),
        ] {
            let skip = |ctx: &Ctx<'_>, d: &str, rel: &str| {
                is_symlink(ctx, d) || rel.starts_with("usr") && usr_lib_cron_link
            };
            if let Some(d) = resolve(ctx.fs, &root, tabs) {
                if !skip(ctx, &d, tabs) {
                    read_crontab_dir(
                        ctx,
                        &users,
                        &d,
                        CronKind::Spool,
                        CronFlavor::Unknown,
                        "macos.cron",
                    );
                }
            }
            if let Some(d) = resolve(ctx.fs, &root, jobs) {
                if !skip(ctx, &d, jobs) {
                    read_at_dir(ctx, &users, &d, "macos.cron");
                }
            }
        }
    }
}

fn is_symlink(ctx: &Ctx<'_>, p: &str) -> bool {
    ctx.fs.metadata(p).ok().and_then(|m| m.kind) == Some(FileKind::Symlink)
}
