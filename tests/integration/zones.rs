//! Zone-less clock readings turned into UTC with the target's own zone: Windows from the SYSTEM
//! hive's TimeZoneInformation, Linux from /etc/localtime (testdata/trees/zoned, make_zoned.py).

use crate::common::*;

fn rows_with(rows: &[Row], desc: &str) -> Vec<(String, String)> {
    rows.iter()
        .filter(|r| r.get("timestamp_desc") == desc)
        .map(|r| (r.get("datetime").to_string(), r.get("name").to_string()))
        .collect()
}

#[test]
fn local_times_become_utc_with_the_machines_own_zone() {
    let out = tasktrail(&["scan", "testdata/trees/zoned", "-o", "-"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    // US Eastern: daylight time in July (UTC-4), standard time in January (UTC-5); in 2006 the
    // SOFTWARE hive's Dynamic DST rule of that year (daylight time ended on October 29) applies.
    assert_eq!(
        rows_with(&rows, "Task Registered (XML Date)"),
        [
            ("2006-10-30T17:00:00Z".to_string(), "\\Legacy".to_string()),
            ("2023-07-04T13:30:00Z".to_string(), "\\Nightly".to_string())
        ]
    );
    assert_eq!(
        rows_with(&rows, "Scheduled Run (TimeTrigger StartBoundary)"),
        [("2023-01-15T13:00:00Z".to_string(), "\\Nightly".to_string())]
    );
    // Europe/Berlin in summer (UTC+2), through a relative /etc/localtime link.
    assert_eq!(
        rows_with(&rows, "Crontab Installed (crontab header)"),
        [(
            "2023-07-04T07:30:00Z".to_string(),
            "/linux/var/spool/cron/crontabs/bob:4".to_string()
        )]
    );
    assert!(
        !rows
            .iter()
            .any(|r| r.get("timestamp_desc").contains("(local time)")),
        "every local time converted"
    );
    // What was read and how it was converted stays in details.
    let task = rows_named(&rows, "\\Nightly")[0].details();
    let lt = &task["local_times"];
    assert_eq!(lt["zone"], "Eastern Standard Time");
    assert_eq!(
        lt["source"],
        "/win/Windows/System32/config/SYSTEM!ControlSet001\\Control\\TimeZoneInformation; per-year rules 2006-2007 from SOFTWARE Time Zones\\Eastern Standard Time\\Dynamic DST"
    );
    assert_eq!(
        lt["converted"],
        serde_json::json!([
            {"desc": "Task Registered (XML Date)", "local": "2023-07-04T09:30:00", "offset": "UTC-04:00"},
            {"desc": "Scheduled Run (TimeTrigger StartBoundary)", "local": "2023-01-15T08:00:00", "offset": "UTC-05:00"}
        ])
    );
    assert!(out.stderr.contains(
        "3 zone-less times converted to UTC with the target's zone Eastern Standard Time"
    ));
    assert!(out.stderr.contains(
        "1 zone-less times converted to UTC with the target's zone Europe/Berlin (/linux/etc/localtime)"
    ));
}

#[test]
fn an_unreadable_zone_leaves_local_times_marked_and_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let win = tmp.path().join("Windows/System32");
    std::fs::create_dir_all(win.join("config")).unwrap();
    std::fs::create_dir_all(win.join("Tasks")).unwrap();
    std::fs::copy(
        root().join("testdata/trees/zoned/win/Windows/System32/Tasks/Nightly"),
        win.join("Tasks/Nightly"),
    )
    .unwrap();
    std::fs::write(win.join("config/SYSTEM"), vec![0x5a; 8192]).unwrap();
    let out = tasktrail(&["scan", s(tmp.path()), "-o", "-"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "zone-less times left as read (marked local time): /Windows/System32/config/SYSTEM: not a registry hive"
        ),
        "{}",
        out.stderr
    );
    let rows = parse_csv(&out.stdout);
    assert_eq!(
        rows_with(&rows, "Task Registered (XML Date) (local time)"),
        [("2023-07-04T09:30:00Z".to_string(), "\\Nightly".to_string())]
    );
}

#[test]
fn an_assumed_zone_serves_evidence_that_keeps_none() {
    // A collected Tasks folder holds no SYSTEM hive: the analyst names the zone.
    let tasks = "testdata/trees/zoned/win/Windows/System32/Tasks";
    let out = tasktrail(&[
        "scan",
        tasks,
        "--assume-zone",
        "America/New_York",
        "-o",
        "-",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    // The tz database knows 2006's US rule too: October 30 was already standard time.
    assert_eq!(
        rows_with(&rows, "Task Registered (XML Date)"),
        [
            ("2006-10-30T17:00:00Z".to_string(), "\\Legacy".to_string()),
            ("2023-07-04T13:30:00Z".to_string(), "\\Nightly".to_string())
        ]
    );
    let lt = &rows_named(&rows, "\\Legacy")[0].details()["local_times"];
    assert_eq!(lt["source"], "--assume-zone");
    assert_eq!(lt["converted"][0]["offset"], "UTC-05:00");
    assert!(
        out.stderr.contains(
            "3 zone-less times converted to UTC with America/New_York, given by --assume-zone"
        ),
        "{}",
        out.stderr
    );
    // Without it the readings stay marked as local.
    let plain = parse_csv(&tasktrail(&["scan", tasks, "-o", "-"]).stdout);
    assert_eq!(
        rows_with(&plain, "Task Registered (XML Date) (local time)").len(),
        2
    );
    // The evidence's own zone wins over the assumed one.
    let own = tasktrail(&[
        "scan",
        "testdata/trees/zoned",
        "--assume-zone",
        "Asia/Tokyo",
        "-o",
        "-",
    ]);
    assert!(
        rows_with(&parse_csv(&own.stdout), "Task Registered (XML Date)")
            .contains(&("2023-07-04T13:30:00Z".to_string(), "\\Nightly".to_string()))
    );
    // An unknown zone is refused before anything is read.
    let bad = tasktrail(&["scan", tasks, "--assume-zone", "Mars/Olympus"]);
    assert_eq!(bad.code, 2);
    assert!(bad
        .stderr
        .contains("--assume-zone Mars/Olympus: not a known time zone"));
}
