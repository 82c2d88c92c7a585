//! Real third-party artifacts from `../shared/corpus` (read in place, never copied).

use crate::common::*;
use std::sync::Arc;
use tasktrail::evidence::{RawFile, SharedReader};
use tasktrail::formats::task_xml;
use tasktrail::fs::{ExtFs, FileKind, FileSystem, NtfsFs};
use tasktrail::volume::find_volumes;

fn open(rel: &str) -> SharedReader {
    Arc::new(RawFile::open(&corpus().join(rel)).unwrap())
}

#[test]
fn real_windows10_tasks_tree_parses_completely() {
    let tree = corpus().join("DFIRArtifactMuseum/ScheduledTasks/Win10/APTSimulatorVM");
    let out = scan_csv(s(&tree));
    assert_eq!(
        out.code, 0,
        "every one of the 202 files parses: {}",
        out.stderr
    );
    assert!(out.stderr.contains("202 records"), "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    let game = row_at(
        &rows,
        "\\GameOver",
        "Task Registered (XML Date) (local time)",
    );
    assert_eq!(game.get("datetime"), "2022-03-10T15:59:03Z");
    assert_eq!(
        game.get("command"),
        "C:\\TMP\\mim.exe sekurlsa::LogonPasswords > C:\\TMP\\o.txt"
    );
    assert_eq!(game.get("user"), "DESKTOP-TMKU40H\\TestUser");
    assert_eq!(
        game.get("schedule"),
        "Time at 2022-03-10T15:59:00, repeat every PT5M indefinitely"
    );
    let run = row_at(
        &rows,
        "\\GameOver",
        "Scheduled Run (TimeTrigger StartBoundary) (local time)",
    );
    assert_eq!(run.get("datetime"), "2022-03-10T15:59:00Z");

    // One record per file: count the hidden ones on the XML-Date-or-first row of each task.
    let mut seen = std::collections::BTreeMap::new();
    for r in &rows {
        seen.entry(r.get("name").to_string())
            .or_insert_with(|| r.details());
    }
    assert_eq!(seen.len(), 202);
    let hidden = seen
        .values()
        .filter(|d| d["task"]["settings"]["hidden"] == true)
        .count();
    assert_eq!(
        hidden, 54,
        "MANIFEST: 54 files contain <Hidden>true</Hidden>"
    );
    assert!(seen.values().all(|d| d["encoding"] == "utf-16le-bom"));
    let defrag = &seen["\\Microsoft\\Windows\\Defrag\\ScheduledDefrag"];
    assert_eq!(
        defrag["task"]["actions"][0]["command"],
        "%windir%\\system32\\defrag.exe"
    );
    assert_eq!(defrag["uri_matches_path"], true);
    let onedrive = seen
        .keys()
        .find(|k| k.starts_with("\\OneDrive Standalone Update Task-S-1-5-21-"))
        .expect("OneDrive task");
    let od = rows_named(&rows, onedrive)[0];
    assert!(
        od.get("command").contains("OneDriveStandaloneUpdater.exe"),
        "{}",
        od.get("command")
    );
}

#[test]
fn artemis_win11_mobility_manager() {
    let bytes = std::fs::read(corpus().join("artemis/win11/MobilityManager")).unwrap();
    let p = task_xml::parse_bytes(&bytes).unwrap();
    let t = &p.task;
    assert_eq!(
        t.schema_version, None,
        "built-in Win11 tasks omit Task@version"
    );
    assert_eq!(t.user(), "S-1-5-19");
    assert_eq!(t.actions.len(), 1);
    assert!(
        matches!(&t.actions[0], task_xml::Action::ComHandler { class_id, .. } if class_id == "{C463A0FC-794F-4FDF-9201-01938CEACAFA}")
    );
    assert_eq!(t.triggers[0].kind, "Event");
    assert!(t.triggers[0].fields["Subscription"].contains("<QueryList>"));
}

#[test]
fn dissect_maps_toast_task() {
    let bytes = std::fs::read(corpus().join("dissect.target/MapsToastTask")).unwrap();
    let p = task_xml::parse_bytes(&bytes).unwrap();
    let t = &p.task;
    assert_eq!(
        t.registration.uri.as_deref(),
        Some("\\Microsoft\\Windows\\Maps\\MapsToastTask")
    );
    assert_eq!(t.registration.date.as_deref(), Some("2014-11-05T00:00:00"));
    assert!(t.settings.hidden);
    assert_eq!(t.user(), "S-1-5-4");
    assert!(t.triggers.is_empty());
    assert_eq!(
        t.command(),
        "com:{9885AEF2-BD9F-41E0-B15E-B3141395E803} $(Arg0);$(Arg1);$(Arg2);$(Arg3);$(Arg4);$(Arg5);$(Arg6);$(Arg7)"
    );
}

#[test]
fn colinfinck_testfs1_ntfs() {
    let fs = NtfsFs::open(open("ColinFinck-ntfs/testfs1")).unwrap();
    assert_eq!(fs.read("file-with-12345", 100).unwrap(), b"12345");
    assert_eq!(fs.read("1000-bytes-file", 2000).unwrap().len(), 1000);
    assert_eq!(fs.metadata("empty-file").unwrap().size, 0);
    let subdirs = fs.read_dir("many_subdirs").unwrap();
    assert_eq!(subdirs.len(), 512, "INDEX_ALLOCATION walked");
    assert!(subdirs.iter().all(|e| e.kind == FileKind::Dir));
    // A file system without any OS root: a notice, not an error.
    let out = scan_csv(s(&corpus().join("ColinFinck-ntfs/testfs1")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out
        .stderr
        .contains("no Windows, Linux or macOS root found on this ntfs file system"));
}

#[test]
fn dfvfs_ext2_and_plaso_ext2() {
    let fs = ExtFs::open(open("dfvfs/ext2.raw")).unwrap();
    assert_eq!(fs.read("passwords.txt", 1000).unwrap().len(), 116);
    let names: Vec<(String, FileKind)> = fs
        .read_dir("")
        .unwrap()
        .into_iter()
        .map(|e| (e.name, e.kind))
        .collect();
    assert!(names.contains(&("a_link".into(), FileKind::Symlink)));
    assert!(names.contains(&("a_directory".into(), FileKind::Dir)));

    let fs = ExtFs::open(open("plaso/syslog_image.dd")).unwrap();
    let md = fs.metadata("logs/hidden.zip").unwrap();
    assert_eq!(md.size, 675);
    assert_eq!(fs.metadata("logs").unwrap().uid, Some(151107));
    assert_eq!(fs.metadata("logs/sys.tgz").unwrap().size, 730);
}

#[test]
fn velociraptor_ext4_64bit() {
    let fs = ExtFs::open(open("velociraptor/hierarchy_64.ext4")).unwrap();
    let f = fs.read("directory1/fortune1", 1000).unwrap();
    assert_eq!(f.len(), 48);
    assert!(f.starts_with(b"You love y"));
    let names: Vec<String> = fs
        .read_dir("directory1")
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert!(
        names.contains(&"subdirectory1".to_string())
            && names.contains(&"subdirectory2".to_string())
    );
}

#[test]
fn plaso_mbr_with_extended_partition() {
    let scan = find_volumes(open("plaso/tsk_volume_system.raw").as_ref());
    assert_eq!(scan.scheme, "mbr");
    let v: Vec<(&str, u64, u64, &str)> = scan
        .volumes
        .iter()
        .map(|v| {
            (
                v.name.as_str(),
                v.offset / 512,
                v.len / 512,
                v.part_type.as_str(),
            )
        })
        .collect();
    assert_eq!(v, [("p1", 1, 350, "0x83"), ("p5", 352, 2528, "0x83")]);
}

#[test]
fn quyzi_gpt_disk() {
    let scan = find_volumes(open("Quyzi-gpt/gpt-disk.img").as_ref());
    assert_eq!(scan.scheme, "gpt (512-byte sectors)");
    let v: Vec<(u64, u64)> = scan
        .volumes
        .iter()
        .map(|v| (v.offset / 512, v.len / 512))
        .collect();
    assert_eq!(v, [(34, 1), (35, 4)]);
}

#[test]
fn dissect_gpp_scheduled_tasks() {
    let out = scan_csv(s(&corpus().join("dissect.target")));
    assert_eq!(
        out.code, 0,
        "the GPP file is read by windows.gpp_task, not reported as a bad task: {}",
        out.stderr
    );
    let rows = parse_csv(&out.stdout);
    let r = row_at(&rows, "\\Test2", "GPP Item Changed");
    assert_eq!(r.get("datetime"), "2023-05-02T01:14:42Z");
    assert_eq!(
        r.get("command"),
        "C:\\\\Windows\\\\winhlp32.exe",
        "appName exactly as the file spells it"
    );
    assert_eq!(
        r.get("schedule"),
        "IDLE at 16:00 from 2023-05-01 | LOGON at 16:00 from 2023-05-01"
    );
    assert_eq!(r.get("enabled"), "true");
    assert_eq!(r.details()["gpp_action"], "update");
    assert_eq!(r.details()["cpassword_present"], false);
    assert_eq!(
        rows_named(&rows, "\\MapsToastTask")[0].get("artifact"),
        "windows.task_xml"
    );
}
