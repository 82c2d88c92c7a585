//! Event logs from the corpus (read in place): task lifecycles, atexec/smbexec chains, remote
//! creation, disabled security tasks, damaged logs, and logs inside a Windows root.

use crate::common::*;

fn scan_log(rel: &str) -> (RunOut, Vec<Row>) {
    let out = scan_csv(s(&corpus().join(rel)));
    let rows = parse_csv(&out.stdout);
    (out, rows)
}

fn flags(r: &Row) -> Vec<&str> {
    r.get("flags")
        .split(';')
        .filter(|f| !f.is_empty())
        .collect()
}

#[test]
fn atexec_chain_is_short_lived_and_remote() {
    let (out, rows) =
        scan_log("EVTX-to-MITRE-Attack/ID4688_4698_4699_5145_4624_ATexec_global.evtx");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(rows.len(), 2);
    let c = row_at(&rows, "\\bouWFQYO", "Event Logged (4698 Task Created)");
    assert_eq!(c.get("datetime"), "2021-06-10T21:21:26.3837263Z");
    assert_eq!(
        c.get("command"),
        "cmd.exe /C whoami > %windir%\\Temp\\bouWFQYO.tmp 2>&1"
    );
    assert_eq!(c.get("user"), "S-1-5-18");
    assert_eq!(c.get("artifact"), "windows.eventlog");
    assert_eq!(c.get("volume"), "file");
    let f = flags(c);
    for want in ["short-lived-task", "remote-task-creation", "atexec-pattern"] {
        assert!(f.contains(&want), "{want} in {f:?}");
    }
    assert_eq!(c.get("severity"), "high");
    let d = c.details();
    assert!(d["atsvc_pipe"]["target"]
        .as_str()
        .unwrap()
        .contains("atsvc"));
    assert_eq!(d["logon"]["logon_type"], "3");
    assert!(d["actor"].as_str().unwrap().contains('\\'));
    let del = row_at(&rows, "\\bouWFQYO", "Event Logged (4699 Task Deleted)");
    assert!(flags(del).contains(&"short-lived-task"));
    assert_eq!(
        del.details()["verdicts"]["short-lived-task"],
        "deleted 0 s after it was created"
    );
}

#[test]
fn temp_task_and_smbexec_fast_create_delete() {
    let (_, rows) = scan_log("EVTX-ATTACK-SAMPLES/temp_scheduled_task_4698_4699.evtx");
    let c = row_at(&rows, "\\CYAlyNSS", "Event Logged (4698 Task Created)");
    assert_eq!(c.get("datetime"), "2019-03-19T00:02:04.3199452Z");
    assert_eq!(
        c.get("command"),
        "cmd.exe /C tasklist > %windir%\\Temp\\CYAlyNSS.tmp 2>&1"
    );
    assert_eq!(
        c.get("schedule"),
        "Calendar every 1 day(s) from 2015-07-15T20:35:13.2757294"
    );
    assert_eq!(c.details()["actor"], "EXAMPLE\\Administrator");
    assert_eq!(c.details()["logon_id"], "0x17e2d2");
    assert!(flags(c).contains(&"short-lived-task") && flags(c).contains(&"atexec-pattern"));

    let (_, rows) = scan_log("EVTX-to-MITRE-Attack/ID4698-4699_SMBexec_fast_create_delete.evtx");
    let s = row_at(&rows, "\\smbservice", "Event Logged (4698 Task Created)");
    assert_eq!(s.get("command"), "C:\\WINDOWS\\Temp\\MpCmdRun.bat");
    assert!(flags(s).contains(&"short-lived-task"));
}

#[test]
fn updates_disables_and_noise() {
    let (_, rows) = scan_log("EVTX-ATTACK-SAMPLES/remote_task_update_4624_4702_same_logonid.evtx");
    let u = row_at(&rows, "\\LMST", "Event Logged (4702 Task Updated)");
    assert_eq!(
        u.get("command"),
        "cmd.exe /c echo testing > c:\\users\\public\\out.txt"
    );
    assert!(
        flags(u).contains(&"task-content-changed") && flags(u).contains(&"remote-task-creation")
    );

    let (_, rows) = scan_log("SigmaHQ/sec_4701_task_disabled.evtx");
    let d = rows_named(&rows, "\\Microsoft\\Windows\\SystemRestore\\SR")[0];
    assert_eq!(d.get("timestamp_desc"), "Event Logged (4701 Task Disabled)");
    assert_eq!(d.get("enabled"), "false");
    assert_eq!(
        d.get("command"),
        "%windir%\\system32\\srtasks.exe ExecuteScheduledSPPCreation"
    );
    assert!(flags(d).contains(&"security-task-disabled"));
    assert_eq!(d.get("severity"), "high");

    let (_, rows) = scan_log("SigmaHQ/ts_142_task_disabled.evtx");
    let t = &rows[0];
    assert_eq!(t.get("datetime"), "2026-03-11T05:16:41.8157206Z");
    assert_eq!(t.get("name"), "\\Microsoft\\Windows\\SystemRestore\\SR");
    assert_eq!(t.details()["actor"], "System");
    assert_eq!(t.details()["record_id"], 14);
    assert_eq!(t.get("flags"), "security-task-disabled");

    // 55 records, 4 of them task updates: only those become rows.
    let (_, rows) = scan_log("EVTX-ATTACK-SAMPLES/ACL_ForcePwd_SPNAdd_User_Computer_Accounts.evtx");
    assert_eq!(rows.len(), 4);
    assert!(rows
        .iter()
        .all(|r| r.get("timestamp_desc") == "Event Logged (4702 Task Updated)"));
}

#[test]
fn real_server_2012_taskscheduler_log() {
    let (out, rows) = scan_log("DFIRArtifactMuseum/EventLogs/Win2012R2-StolenSzechuan/Microsoft-Windows-TaskScheduler%4Operational.evtx");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(rows.len(), 586, "604 records, 586 of them name a task");
    let count = |id: u64| {
        rows.iter()
            .filter(|r| r.details()["event_id"] == id)
            .count()
    };
    assert_eq!(
        (
            count(100),
            count(102),
            count(129),
            count(200),
            count(140),
            count(106)
        ),
        (95, 69, 80, 95, 56, 1)
    );
    let first = &rows[0];
    assert_eq!(first.get("datetime"), "2020-09-17T17:57:18.9267218Z");
    let p = rows
        .iter()
        .find(|r| r.details()["event_id"] == 129)
        .unwrap();
    assert_eq!(p.get("command"), "taskhost.exe");
    assert!(
        !rows
            .iter()
            .any(|r| matches!(r.get("severity"), "medium" | "high" | "critical")),
        "stock activity stays below medium"
    );
}

#[test]
fn damaged_log_keeps_readable_records() {
    let (out, _) = scan_log("omerbenamram-evtx/sample_with_a_bad_chunk_magic.evtx");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("damaged records or chunks skipped, 301 read"),
        "{}",
        out.stderr
    );
    let (ok, _) = scan_log("omerbenamram-evtx/Application_no_crc32.evtx");
    assert_eq!(ok.code, 0, "{}", ok.stderr);
}

#[test]
fn logs_inside_a_windows_root_and_deleted_task() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    std::fs::create_dir_all(r.join("Windows/System32/Tasks")).unwrap();
    std::fs::create_dir_all(r.join("Windows/System32/winevt/Logs")).unwrap();
    std::fs::copy(
        corpus().join("EVTX-ATTACK-SAMPLES/temp_scheduled_task_4698_4699.evtx"),
        r.join("Windows/System32/winevt/Logs/Security.evtx"),
    )
    .unwrap();
    std::fs::copy(
        corpus().join("SigmaHQ/ts_142_task_disabled.evtx"),
        r.join("Windows/System32/winevt/Logs/Microsoft-Windows-TaskScheduler%4Operational.evtx"),
    )
    .unwrap();
    let out = scan_csv(s(r));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    assert_eq!(rows.len(), 3);
    let c = row_at(&rows, "\\CYAlyNSS", "Event Logged (4698 Task Created)");
    assert!(flags(c).contains(&"deleted-task"), "{:?}", flags(c));
    assert_eq!(c.get("path"), "/Windows/System32/winevt/Logs/Security.evtx");
    assert_eq!(c.get("volume"), "folder");

    // A folder that is only collected logs.
    let out = scan_csv(s(&corpus().join("EVTX-ATTACK-SAMPLES")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    let files: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.get("path")).collect();
    assert_eq!(files.len(), 4, "{files:?}");
}

/// Regression (found by the `event_log` fuzz target): a 4624 logon record whose template no
/// longer names `TargetLogonId` panicked the scan. The record must be read with the field empty,
/// the 4702 beside it still reported, and only the remote-logon link lost.
#[test]
fn logon_record_missing_a_field_is_read() {
    let mut bytes = std::fs::read(
        corpus().join("EVTX-ATTACK-SAMPLES/remote_task_update_4624_4702_same_logonid.evtx"),
    )
    .unwrap();
    let from: Vec<u8> = "TargetLogonId"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let to: Vec<u8> = "TargetLogonIX"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let mut renamed = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if bytes[i..i + from.len()] == from[..] {
            bytes[i..i + from.len()].copy_from_slice(&to);
            renamed += 1;
        }
        i += 1;
    }
    assert!(renamed > 0);
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("Security.evtx");
    std::fs::write(&log, &bytes).unwrap();
    let out = scan_csv(s(&log));
    assert!(out.code <= 1, "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    let u = row_at(&rows, "\\LMST", "Event Logged (4702 Task Updated)");
    assert_eq!(
        u.get("command"),
        "cmd.exe /c echo testing > c:\\users\\public\\out.txt"
    );
    assert!(flags(u).contains(&"task-content-changed"), "{:?}", flags(u));
    assert!(
        !flags(u).contains(&"remote-task-creation"),
        "{:?}",
        flags(u)
    );
}
