//! TaskCache, .job and the cross-check on `testdata/images/scenarios.img` (built by
//! make_scenarios.py): every hiding scenario gets exactly its flags, stock tasks none.

use crate::common::*;
use std::collections::BTreeSet;

const IMG: &str = "testdata/images/scenarios.img";

fn rows() -> Vec<Row> {
    let out = scan_csv(IMG);
    assert_eq!(out.code, 0, "{}", out.stderr);
    parse_csv(&out.stdout)
}

/// Cross-check verdicts: every record of a task carries them.
const VERDICTS: [&str; 10] = [
    "hidden-sd-missing",
    "hidden-sd-restrictive",
    "hidden-index",
    "registry-only",
    "action-mismatch",
    "xml-only",
    "hash-mismatch",
    "at-job",
    "xml-hidden-setting",
    "timestomp-hint",
];

/// The union of the flags on the rows of a task; the cross-check verdicts must be on every row
/// (record-level rules may differ, e.g. when the XML and the registry run different programs).
fn flags_of(rows: &[Row], name: &str) -> BTreeSet<String> {
    let mine = rows_named(rows, name);
    assert!(!mine.is_empty(), "no rows for {name}");
    let sets: Vec<BTreeSet<String>> = mine
        .iter()
        .map(|r| {
            r.get("flags")
                .split(';')
                .filter(|f| !f.is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect();
    let union: BTreeSet<String> = sets.iter().flatten().cloned().collect();
    for v in union.iter().filter(|f| VERDICTS.contains(&f.as_str())) {
        assert!(
            sets.iter().all(|s| s.contains(v)),
            "{name}: verdict {v} on every row"
        );
    }
    union
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn artifacts_of(rows: &[Row], name: &str) -> BTreeSet<String> {
    rows_named(rows, name)
        .iter()
        .map(|r| r.get("artifact").to_string())
        .collect()
}

#[test]
fn each_scenario_gets_exactly_its_flags() {
    let rows = rows();
    let expect: &[(&str, &[&str])] = &[
        (
            "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag",
            &["runs-as-system"],
        ),
        (
            "\\Microsoft\\Windows\\Maps\\MapsToastTask",
            &["xml-hidden-setting"],
        ),
        (
            "\\WinDefenderUpdate",
            &["hidden-sd-missing", "runs-as-system"],
        ),
        ("\\OneDriveSync", &["hidden-index", "user-writable-path"]),
        (
            "\\GhostSvc",
            &["registry-only", "user-writable-path", "runs-as-system"],
        ),
        (
            "\\kXdBqWmZ",
            &[
                "xml-hidden-setting",
                "atexec-pattern",
                "user-writable-path",
                "runs-as-system",
            ],
        ),
        ("\\At1", &["at-job", "user-writable-path", "runs-as-system"]),
        (
            "\\Adobe Acrobat Update Task",
            &["action-mismatch", "timestomp-hint", "user-writable-path"],
        ),
        ("\\Orphan", &["xml-only", "user-writable-path"]),
        (
            "\\Cleanup",
            &["recovered-deleted", "user-writable-path", "runs-as-system"],
        ),
        (
            "\\Microsoft\\Office\\OfficeTelemetry",
            &["hash-mismatch", "runs-as-system"],
        ),
        ("\\Backup", &["user-writable-path"]),
        ("\\SyncTool", &[]),
    ];
    for (name, flags) in expect {
        assert_eq!(flags_of(&rows, name), set(flags), "{name}");
    }
    let mut names: Vec<&str> = rows.iter().map(|r| r.get("name")).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), expect.len(), "{names:?}");
    // Severity follows the strongest flag.
    assert_eq!(rows_named(&rows, "\\GhostSvc")[0].get("severity"), "high");
    assert_eq!(rows_named(&rows, "\\Orphan")[0].get("severity"), "medium");
    assert_eq!(
        rows_named(&rows, "\\Microsoft\\Windows\\Maps\\MapsToastTask")[0].get("severity"),
        "info"
    );
    assert_eq!(
        rows_named(&rows, r"\Microsoft\Windows\Defrag\ScheduledDefrag")[0].get("severity"),
        "info"
    );
    let atexec = rows_named(&rows, r"\kXdBqWmZ")[0].details();
    assert_eq!(
        atexec["verdicts"]["atexec-pattern"],
        r"random 8-letter root task running cmd.exe /C with output to %windir%\Temp\kXdBqWmZ.tmp, hidden, as SYSTEM"
    );
    assert_eq!(rows_named(&rows, r"\kXdBqWmZ")[0].get("severity"), "high");
}

#[test]
fn sources_per_task() {
    let rows = rows();
    let a = |n| artifacts_of(&rows, n);
    assert_eq!(a("\\GhostSvc"), set(&["windows.taskcache"]));
    assert_eq!(a("\\Orphan"), set(&["windows.task_xml"]));
    assert_eq!(
        a("\\At1"),
        set(&["windows.task_job", "windows.task_xml", "windows.taskcache"])
    );
    assert_eq!(a("\\Backup"), set(&["windows.task_job"]));
    let d = rows_named(&rows, "\\At1")[0].details();
    assert_eq!(
        d["sources"],
        serde_json::json!({"xml": true, "taskcache": true, "taskcache_recovered": false, "job": true})
    );
}

#[test]
fn ghost_task_comes_from_the_registry_alone() {
    let rows = rows();
    let tree = row_at(&rows, "\\GhostSvc", "Key Last Written (TaskCache Tree)");
    assert_eq!(tree.get("datetime"), "2023-06-02T08:00:00.1111111Z");
    assert_eq!(tree.get("command"), "C:\\Windows\\Temp\\svc.exe -k netsvcs");
    assert_eq!(tree.get("user"), "S-1-5-18");
    assert_eq!(tree.get("enabled"), "true");
    assert_eq!(
        tree.get("schedule"),
        "Logon of SYSTEM from 2023-06-01T10:15:30.0000000 (local)"
    );
    assert_eq!(
        tree.get("path"),
        "/Windows/System32/config/SOFTWARE!Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree\\GhostSvc"
    );
    assert_eq!(
        row_at(&rows, "\\GhostSvc", "Key Last Written (TaskCache Tasks)").get("datetime"),
        "2023-06-02T08:00:00.2222222Z"
    );
    assert_eq!(
        row_at(&rows, "\\GhostSvc", "Task Registered (DynamicInfo)").get("datetime"),
        "2023-06-01T10:15:30.0000000Z"
    );
    assert_eq!(
        row_at(&rows, "\\GhostSvc", "Task Last Run (DynamicInfo)").get("datetime"),
        "2023-06-02T10:00:00.1234567Z"
    );
    assert_eq!(
        row_at(&rows, "\\GhostSvc", "Task Last Completed (DynamicInfo)").get("datetime"),
        "2023-06-02T10:00:02.7654321Z"
    );
    let d = tree.details();
    assert_eq!(d["user_name"], "SYSTEM");
    assert_eq!(d["guid"], "{C3D4E5F6-3333-4444-5555-666677778888}");
    assert_eq!(
        d["buckets"],
        serde_json::json!([{"bucket": "Plain", "deleted": false}])
    );
    assert_eq!(d["tree"]["index"], 3);
    assert_eq!(d["tree"]["sd_present"], true);
    assert_eq!(
        d["tree"]["sd_summary"],
        "owner Administrators; allow Administrators 0x001f019f; allow SYSTEM 0x001f019f; allow Authenticated Users 0x00120089"
    );
    assert_eq!(d["actions"]["version"], 3);
    assert_eq!(d["actions"]["context"], "Author");
    assert_eq!(d["dynamic_info"]["last_result"], "0x00000000");
    assert_eq!(d["triggers"]["version"], 23);
    assert_eq!(d["triggers"]["padding_is_0x48"], true);
    assert_eq!(d["triggers"]["job"]["principal_id"], "Author");
    assert_eq!(d["triggers"]["job"]["user_sid"], "S-1-5-18");
    assert_eq!(d["triggers"]["triggers"][0]["kind"], "Logon");
    assert_eq!(
        d["verdicts"]["registry-only"],
        "TaskCache entry present, no XML file in the Tasks folder"
    );
    assert_eq!(d["hive"]["dirty"], false);
}

#[test]
fn tarrask_index_mismatch_and_deleted_keys() {
    let rows = rows();
    let t = row_at(
        &rows,
        "\\WinDefenderUpdate",
        "Key Last Written (TaskCache Tree)",
    );
    assert_eq!(
        t.get("datetime"),
        "2023-06-05T20:10:00.4444444Z",
        "the Tree key changed when SD was deleted"
    );
    let d = t.details();
    assert_eq!(d["tree"]["sd_present"], false);
    assert!(d["verdicts"]["hidden-sd-missing"]
        .as_str()
        .unwrap()
        .ends_with("Tree\\WinDefenderUpdate: no SD value"));
    // The XML file's rows carry the verdict too.
    let xml = rows_named(&rows, "\\WinDefenderUpdate")
        .into_iter()
        .find(|r| r.get("artifact") == "windows.task_xml")
        .unwrap();
    assert_eq!(
        xml.get("command"),
        "C:\\ProgramData\\Microsoft\\wdupd.exe /silent"
    );

    let od = rows_named(&rows, "\\OneDriveSync")
        .into_iter()
        .find(|r| r.get("artifact") == "windows.taskcache")
        .unwrap();
    assert_eq!(
        od.details()["verdicts"]["hidden-index"],
        "Index is 0 (GUID in bucket Plain)"
    );
    assert_eq!(
        od.details()["user_name"],
        "bob",
        "SID resolved through ProfileList"
    );

    let ad = rows_named(&rows, "\\Adobe Acrobat Update Task")
        .into_iter()
        .find(|r| r.get("artifact") == "windows.taskcache")
        .unwrap();
    assert_eq!(ad.get("command"), "C:\\Users\\Public\\AdobeARM.exe");
    assert_eq!(
        ad.details()["verdicts"]["action-mismatch"],
        "XML runs `C:\\Program Files (x86)\\Common Files\\Adobe\\ARM\\1.0\\AdobeARM.exe`, TaskCache Actions run `C:\\Users\\Public\\AdobeARM.exe`"
    );

    let cl = row_at(&rows, "\\Cleanup", "Key Last Written (TaskCache Tree)");
    assert_eq!(cl.get("datetime"), "2023-06-01T09:00:00.5555555Z");
    assert_eq!(
        cl.get("command"),
        "C:\\Windows\\Temp\\wipe.exe",
        "Actions read from the recovered value cells"
    );
    let cd = cl.details();
    assert_eq!(cd["recovered"], true);
    assert_eq!(
        cd["buckets"],
        serde_json::json!([{"bucket": "Boot", "deleted": true}])
    );
    assert!(cl.get("message").contains("(recovered deleted key)"));

    let off = rows_named(&rows, "\\Microsoft\\Office\\OfficeTelemetry")
        .into_iter()
        .find(|r| r.get("artifact") == "windows.taskcache")
        .unwrap();
    let od = off.details();
    assert_eq!(
        od["hash_check"],
        "sha256_no_bom (calibrated on 7 matching task(s))"
    );
    assert!(od["verdicts"]["hash-mismatch"]
        .as_str()
        .unwrap()
        .starts_with("stored Hash "));
}

#[test]
fn legacy_jobs() {
    let rows = rows();
    let at = rows_named(&rows, "\\At1")
        .into_iter()
        .find(|r| r.get("artifact") == "windows.task_job")
        .unwrap();
    assert_eq!(at.get("command"), "cmd.exe /c \"C:\\Users\\Public\\a.bat\"");
    assert_eq!(at.get("user"), "SYSTEM");
    assert_eq!(at.get("technique"), "T1053.002");
    assert_eq!(at.get("schedule"), "Once at 2023-06-03 03:00");
    assert_eq!(at.get("path"), "/Windows/Tasks/At1.job");
    let d = at.details();
    assert_eq!(d["job"]["author"], "WORKGROUP\\WIN10-VM$");
    assert_eq!(d["made_by_atsvc"], true);
    assert_eq!(d["status_name"], "has not run");
    let run = row_at(&rows, "\\At1", "Scheduled Run (job trigger) (local time)");
    assert_eq!(run.get("datetime"), "2023-06-03T03:00:00Z");

    let b = row_at(&rows, "\\Backup", "Task Last Run (local time)");
    assert_eq!(b.get("datetime"), "2023-05-31T03:23:30.250Z");
    assert_eq!(b.get("command"), "C:\\backup\\run.cmd /full");
    assert_eq!(
        b.get("schedule"),
        "Weekly every 1 week(s) on Mon,Fri at 23:30 from 2020-01-06"
    );
    assert_eq!(b.get("technique"), "T1053.005");
    assert_eq!(b.get("user"), "");
    let bd = b.details();
    assert_eq!(bd["job"]["exit_code"], 1);
    assert_eq!(bd["job"]["working_directory"], "C:\\backup");
    assert_eq!(bd["job"]["comment"], "nightly backup");
    assert_eq!(bd["status_name"], "ready");
}

#[test]
fn folder_and_image_agree_on_verdicts() {
    let image = rows();
    let out = scan_csv("testdata/trees/scenarios");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let folder = parse_csv(&out.stdout);
    let verdicts = |rows: &[Row]| -> BTreeSet<(String, String, String)> {
        rows.iter()
            .map(|r| {
                (
                    r.get("name").into(),
                    r.get("artifact").into(),
                    r.get("flags").into(),
                )
            })
            .collect()
    };
    assert_eq!(verdicts(&image), verdicts(&folder));
}

#[test]
fn group_policy_pushed_task() {
    let rows = rows();
    let r = row_at(&rows, "\\SyncTool", "GPP Item Changed");
    assert_eq!(r.get("datetime"), "2023-06-06T07:08:09Z");
    assert_eq!(r.get("artifact"), "windows.gpp_task");
    assert_eq!(r.get("command"), "\\\\corp.local\\NETLOGON\\sync.exe /all");
    assert_eq!(r.get("user"), "CORP\\svc_sync");
    assert_eq!(r.get("schedule"), "Immediately when the policy applies");
    assert_eq!(r.get("enabled"), "true");
    let d = r.details();
    assert_eq!(d["cpassword_present"], true);
    assert_eq!(d["gpp_action"], "create");
    assert!(
        !r.get("details").contains("j1Uyj3Vx8TY9"),
        "the cpassword value itself is not copied"
    );
}

#[test]
fn writes_still_in_the_transaction_log_are_replayed_and_what_they_removed_is_kept() {
    // testdata/trees/dirty (make_dirty_hive.py): the primary file holds \Updater with its SD and
    // \Staging whole; SOFTWARE.LOG1 deletes Updater's SD and every Staging key.
    let out = tasktrail(&["scan", "testdata/trees/dirty", "-o", "-"]);
    assert_eq!(out.code, 0, "a notice is not an error: {}", out.stderr);
    assert!(
        out.stderr.contains(
            "hive is dirty (sequence numbers 6 and 5); 1 transaction log entries applied from SOFTWARE.LOG1 (1)"
        ),
        "{}",
        out.stderr
    );
    let rows = parse_csv(&out.stdout);
    let tc = |name: &str| -> Vec<&Row> {
        rows.iter()
            .filter(|r| r.get("name") == name && r.get("artifact") == "windows.taskcache")
            .collect()
    };

    // The SD deletion is in force (Tarrask), and the SD it removed is still decoded.
    let updater = tc("\\Updater");
    let times: Vec<(&str, &str)> = updater
        .iter()
        .map(|r| (r.get("datetime"), r.get("timestamp_desc")))
        .collect();
    assert_eq!(
        times,
        [
            ("2023-10-01T09:00:00.0000000Z", "Task Registered (DynamicInfo)"),
            (
                "2023-10-01T09:00:00.1111111Z",
                "Key Last Written before log replay (TaskCache Tree); Key Last Written (TaskCache Tasks)"
            ),
            ("2023-10-02T10:00:00.2222222Z", "Key Last Written (TaskCache Tree)"),
        ]
    );
    let u = updater[0];
    assert_eq!(
        u.get("command"),
        "C:\\ProgramData\\Updater\\updater.exe --quiet"
    );
    assert!(
        u.get("flags").split(';').any(|f| f == "hidden-sd-missing"),
        "{}",
        u.get("flags")
    );
    assert_eq!(u.get("severity"), "high");
    let d = u.details();
    assert_eq!(d["recovered"], false);
    assert_eq!(d["tree"]["sd_present"], false);
    assert_eq!(
        d["tree"]["sd_value_recovered_from"],
        "primary file before transaction-log replay"
    );
    assert_eq!(
        d["tree"]["sd_summary"],
        "owner Administrators; allow Administrators 0x001f019f; allow SYSTEM 0x001f019f; allow Authenticated Users 0x00120089"
    );
    assert_eq!(
        d["tree"]["last_written_before_log_replay"],
        "2023-10-01T09:00:00.1111111Z"
    );
    assert_eq!(
        d["verdicts"]["hidden-sd-missing"],
        "Tree key Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree\\Updater: SD value removed by a logged transaction (its earlier content is in the primary file)"
    );

    // The task the log deleted is on the timeline from the primary file, with what it ran.
    let staging = tc("\\Staging");
    assert_eq!(staging.len(), 2, "registration and key times");
    let s = staging[0];
    assert!(s.get("message").starts_with(
        "TaskCache entry \\Staging (removed by a logged transaction; recovered from the primary file) runs C:\\Users\\Public\\stage.exe -c beacon"
    ), "{}", s.get("message"));
    assert!(s.get("flags").split(';').any(|f| f == "recovered-deleted"));
    assert!(
        !s.get("flags").contains("registry-only"),
        "recovered rows prove nothing about presence"
    );
    let d = s.details();
    assert_eq!(
        d["recovered_from"],
        "primary file before transaction-log replay"
    );
    assert_eq!(
        d["tree"]["Id (before log replay)"],
        "{5F6E7D8C-DDDD-4EEE-9FFF-0123456789CD}"
    );
    assert_eq!(
        d["verdicts"]["recovered-deleted"],
        "row built from deleted TaskCache keys (primary file before transaction-log replay)"
    );
    assert_eq!(staging[1].get("datetime"), "2023-10-01T09:00:00.1111111Z");
}
