//! Rules: the generated reference, severity filtering, the fail-on exit code, per-evidence
//! summaries, and the stock baselines (no finding above info on stock Windows 10 tasks and on
//! stock Debian cron lines and timers).

use crate::common::*;

#[test]
fn docs_rules_md_is_generated_from_the_registry() {
    let out = tasktrail(&["rules", "--markdown"]);
    assert_eq!(out.code, 0);
    let doc = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    assert_eq!(
        doc, out.stdout,
        "docs/rules.md is stale: run `tasktrail rules --markdown > docs/rules.md`"
    );
    let list = tasktrail(&["rules"]);
    assert!(list
        .stdout
        .lines()
        .any(|l| l.starts_with("atexec-pattern ") && l.contains("high")));
    assert_eq!(list.stdout.lines().count(), 31);
}

#[test]
fn stock_windows10_tasks_stay_at_info() {
    let tree = corpus().join("DFIRArtifactMuseum/ScheduledTasks/Win10/APTSimulatorVM");
    let rows = parse_csv(&scan_csv(s(&tree)).stdout);
    let loud: std::collections::BTreeSet<(&str, &str)> = rows
        .iter()
        .filter(|r| matches!(r.get("severity"), "low" | "medium" | "high" | "critical"))
        .map(|r| (r.get("name"), r.get("flags")))
        .collect();
    // Only the APTSimulator's mimikatz task stands out.
    assert_eq!(
        loud.into_iter().collect::<Vec<_>>(),
        [("\\GameOver", "user-writable-path")]
    );
    let defrag = rows_named(&rows, "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag")[0].details();
    assert_eq!(defrag["stock"]["matches"], true);
}

#[test]
fn stock_debian_lines_stay_quiet_and_planted_ones_do_not() {
    let rows = parse_csv(&scan_csv("testdata/images/debian.img").stdout);
    for stock in [
        "/etc/crontab:5",
        "/etc/crontab:6",
        "/etc/cron.d/php:2",
        "/etc/anacrontab:6",
        "fstrim.timer",
        "/etc/cron.daily/logrotate",
    ] {
        let r = rows_named(&rows, stock)[0];
        assert!(
            matches!(r.get("severity"), "" | "info"),
            "{stock}: {} {}",
            r.get("severity"),
            r.get("flags")
        );
    }
    let cr = rows_named(&rows, "/var/spool/cron/crontabs/bob:6")[0];
    assert_eq!(cr.get("flags"), "cron-hidden-cr;reverse-shell");
    assert_eq!(cr.get("severity"), "critical");
    let dl = rows_named(&rows, "/var/spool/cron/crontabs/root:2")[0];
    assert_eq!(dl.get("flags"), "network-download;runs-as-root");
    assert_eq!(
        dl.details()["verdicts"]["network-download"],
        "downloads with curl/wget and pipes it into an interpreter"
    );
}

#[test]
fn encoded_powershell_is_decoded_into_details() {
    let rows = parse_csv(&scan_csv("testdata/trees/windows").stdout);
    let u = row_at(&rows, "\\Updater", "Task Registered (XML Date)");
    assert_eq!(
        u.details()["decoded_powershell"],
        "IEX (New-Object Net.WebClient)"
    );
    let flags: Vec<&str> = u.get("flags").split(';').collect();
    assert!(
        flags.contains(&"encoded-powershell") && flags.contains(&"user-writable-path"),
        "{flags:?}"
    );
    assert_eq!(u.get("severity"), "high");
}

#[test]
fn privileged_writable_target_from_ext_modes() {
    // A root cron job running a script its owner (uid 1000) can change, built on the fly.
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    std::fs::create_dir_all(r.join("etc/cron.d")).unwrap();
    std::fs::create_dir_all(r.join("var")).unwrap();
    std::fs::create_dir_all(r.join("opt/tools")).unwrap();
    std::fs::write(
        r.join("etc/cron.d/tools"),
        "*/5 * * * * root /opt/tools/run.sh\n",
    )
    .unwrap();
    std::fs::write(r.join("opt/tools/run.sh"), "#!/bin/sh\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        r.join("opt/tools/run.sh"),
        std::fs::Permissions::from_mode(0o777),
    )
    .unwrap();
    let rows = parse_csv(&scan_csv(s(r)).stdout);
    let row = rows_named(&rows, "/etc/cron.d/tools:1")[0];
    assert!(
        row.get("flags").contains("privileged-writable-target"),
        "{}",
        row.get("flags")
    );
    assert!(row.details()["verdicts"]["privileged-writable-target"]
        .as_str()
        .unwrap()
        .starts_with("/opt/tools/run.sh is "));
}

#[test]
fn min_severity_fail_on_and_summaries() {
    let all = parse_csv(&scan_csv("testdata/images/debian.img").stdout);
    let out = tasktrail(&[
        "scan",
        "testdata/images/debian.img",
        "-o",
        "-",
        "--min-severity",
        "high",
    ]);
    assert_eq!(out.code, 0);
    let high = parse_csv(&out.stdout);
    assert!(!high.is_empty() && high.len() < all.len());
    assert!(high
        .iter()
        .all(|r| matches!(r.get("severity"), "high" | "critical")));

    let fail = tasktrail(&[
        "scan",
        "testdata/images/debian.img",
        "-o",
        "-",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(fail.code, 3, "a critical finding exists");
    let pass = tasktrail(&[
        "scan",
        "testdata/images/rhel.img",
        "testdata/trees/macos",
        "-o",
        "-",
        "--fail-on",
        "critical",
        "-q",
    ]);
    assert_eq!(pass.code, 3, "rhel.img holds a reverse shell");
    let mac = tasktrail(&[
        "scan",
        "testdata/trees/macos",
        "-o",
        "-",
        "--fail-on",
        "critical",
        "-q",
    ]);
    assert_eq!(mac.code, 0);
    // Fatal wins over fail-on.
    assert_eq!(
        tasktrail(&[
            "scan",
            "nope.img",
            "testdata/images/debian.img",
            "-o",
            "-",
            "--fail-on",
            "info",
            "-q"
        ])
        .code,
        2
    );

    let j = tasktrail(&[
        "scan",
        "testdata/images/rhel.img",
        "testdata/trees/macos",
        "--format",
        "jsonl",
        "-q",
    ]);
    let sums: Vec<serde_json::Value> = j
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "summary")
        .collect();
    assert_eq!(sums.len(), 3);
    assert_eq!(sums[0]["scope"], "evidence");
    assert_eq!(sums[0]["evidence"], "testdata/images/rhel.img");
    assert_eq!(
        sums[0]["by_artifact"],
        serde_json::json!({"linux.at": 1, "linux.cron": 5})
    );
    assert_eq!(sums[0]["by_severity"]["critical"], 1);
    assert_eq!(sums[1]["evidence"], "testdata/trees/macos");
    assert_eq!(sums[2]["scope"], "total");
    assert_eq!(sums[2]["records"], 13);
    assert!(fail.stderr.contains("testdata/images/debian.img: 22 records (linux.anacron 3, linux.at 1, linux.cron 14, linux.systemd_timer 4); severity: critical 1, "), "{}", fail.stderr);
}
