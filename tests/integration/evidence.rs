//! Every evidence form gives the same task rows: raw GPT, E01, VMDK, VHD, MBR logical, 4K GPT,
//! bare volume, and the same tree as a folder. Exact values are checked on the golden timeline.

use crate::common::*;

const GPT: &str = "testdata/images/gpt-disk.img";

fn gpt_rows() -> Vec<Row> {
    let out = scan_csv(GPT);
    assert_eq!(
        out.code, 1,
        "the Broken and compressed task files are problems: {}",
        out.stderr
    );
    parse_csv(&out.stdout)
}

/// Task rows without evidence and volume columns, in output order.
fn task_rows(rows: &[Row]) -> Vec<Vec<String>> {
    rows.iter()
        .filter(|r| r.get("artifact") == "windows.task_xml")
        .map(|r| r.without(&["evidence", "volume"]))
        .collect()
}

#[test]
fn gpt_disk_matches_golden_and_is_deterministic() {
    let first = scan_csv(GPT);
    let second = scan_csv(GPT);
    assert_eq!(
        first.stdout, second.stdout,
        "same input, byte-identical output"
    );
    golden("gpt-disk.csv", &first.stdout);
    assert!(
        first
            .stderr
            .contains("3 volumes, 2 file systems, 2 OS roots, 12 records"),
        "{}",
        first.stderr
    );
    assert!(first.stderr.contains(
        "notice: testdata/images/gpt-disk.img [p3] fs: no NTFS or ext2/3/4 file system found"
    ));
}

#[test]
fn containers_give_the_raw_disk_rows() {
    let raw = gpt_rows();
    for c in [
        "testdata/images/gpt-disk.E01",
        "testdata/images/gpt-disk.vmdk",
        "testdata/images/gpt-disk.vhd",
    ] {
        let out = scan_csv(c);
        assert_eq!(out.code, 1, "{c}: {}", out.stderr);
        let rows = parse_csv(&out.stdout);
        assert_eq!(rows.len(), raw.len(), "{c}");
        for (a, b) in rows.iter().zip(&raw) {
            assert_eq!(a.get("evidence"), c);
            assert_eq!(a.without(&["evidence"]), b.without(&["evidence"]), "{c}");
        }
    }
}

#[test]
fn mbr_logical_4k_gpt_and_bare_volume_give_the_same_task_rows() {
    let raw = task_rows(&gpt_rows());
    assert_eq!(raw.len(), 25);
    for (img, vol) in [
        ("testdata/images/mbr-disk.img", "p5"),
        ("testdata/images/gpt4k-disk.img", "p1"),
        ("testdata/images/ntfs.img", "whole"),
    ] {
        let out = scan_csv(img);
        assert_eq!(out.code, 1, "{img}: {}", out.stderr);
        let rows = parse_csv(&out.stdout);
        assert!(
            rows.iter()
                .filter(|r| r.get("os") == "windows")
                .all(|r| r.get("volume") == vol),
            "{img} volume column is {vol}"
        );
        assert_eq!(task_rows(&rows), raw, "{img}");
    }
}

#[test]
fn folder_gives_the_same_tasks_as_the_image() {
    let image = gpt_rows();
    let out = scan_csv("testdata/trees/windows");
    assert_eq!(
        out.code, 1,
        "Broken is still a problem in a folder: {}",
        out.stderr
    );
    let folder = parse_csv(&out.stdout);
    assert!(folder
        .iter()
        .all(|r| r.get("volume") == "folder" && r.get("os") == "windows"));
    // Everything but file-system timestamps is the same; the compressed file exists only in
    // the image.
    let not_file_time = |r: &&Row| {
        !r.get("timestamp_desc").starts_with("File ")
            && !r.get("timestamp_desc").starts_with("MFT ")
            && !r.get("timestamp_desc").starts_with("Inode ")
            && r.get("name") != "\\Compressed\\Packed"
    };
    let cols = ["evidence", "volume", "details"];
    let a: Vec<_> = image
        .iter()
        .filter(not_file_time)
        .map(|r| r.without(&cols))
        .collect();
    let b: Vec<_> = folder
        .iter()
        .filter(not_file_time)
        .map(|r| r.without(&cols))
        .collect();
    assert_eq!(a, b);
    let mut names: Vec<&str> = folder.iter().map(|r| r.get("name")).collect();
    names.dedup();
    names.sort();
    names.dedup();
    assert_eq!(
        names,
        [
            "\\Broken",
            "\\Claims UTF-16",
            "\\Legacy\\Mailer",
            "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag",
            "\\Microsoft\\Windows\\Maps\\MapsToastTask",
            "\\Tools\\Event Watcher",
            "\\Updater"
        ]
    );
}

#[test]
fn os_root_found_two_levels_down_in_a_kape_style_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let tasks = tmp.path().join("case7/C%3A/Windows/System32/Tasks");
    std::fs::create_dir_all(&tasks).unwrap();
    std::fs::copy(
        root().join("testdata/trees/windows/Windows/System32/Tasks/Updater"),
        tasks.join("Updater"),
    )
    .unwrap();
    let out = scan_csv(s(&tmp.path().join("case7")));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    let r = row_at(&rows, "\\Updater", "Task Registered (XML Date)");
    assert_eq!(r.get("path"), "/C%3A/Windows/System32/Tasks/Updater");
}

#[test]
fn updater_task_values() {
    let rows = gpt_rows();
    let name = "\\Updater";
    let reg = row_at(&rows, name, "Task Registered (XML Date)");
    assert_eq!(reg.get("datetime"), "2023-06-01T10:15:30.1234567Z");
    assert_eq!(reg.get("volume"), "p1");
    assert_eq!(reg.get("os"), "windows");
    assert_eq!(reg.get("path"), "/Windows/System32/Tasks/Updater");
    assert_eq!(
        reg.get("command"),
        "C:\\ProgramData\\Updater\\powershell.exe -NoP -W Hidden -Enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA"
    );
    assert_eq!(reg.get("user"), "S-1-5-18");
    assert_eq!(reg.get("enabled"), "true");
    assert_eq!(reg.get("technique"), "T1053.005");
    assert_eq!(
        reg.get("schedule"),
        "Logon of any user delay PT30S | Time at 2023-06-01T12:00:00+02:00 until 2024-06-01T12:00:00+02:00 random delay PT1M, repeat every PT15M for P1D"
    );
    // The offset in StartBoundary is honoured: 12:00+02:00 is 10:00Z.
    let run = row_at(&rows, name, "Scheduled Run (TimeTrigger StartBoundary)");
    assert_eq!(run.get("datetime"), "2023-06-01T10:00:00Z");
    // $SI creation was stomped back to 2019; the row keeps 100 ns precision.
    let created = rows_named(&rows, name)
        .into_iter()
        .find(|r| r.get("timestamp_desc").starts_with("File Created ($SI)"))
        .unwrap();
    assert_eq!(created.get("datetime"), "2019-12-07T09:14:26.0000000Z");
    let modified = rows_named(&rows, name)
        .into_iter()
        .find(|r| r.get("timestamp_desc").contains("File Modified ($SI)"))
        .unwrap();
    assert_eq!(modified.get("datetime"), "2023-06-01T10:15:31.9876543Z");
    let d = reg.details();
    assert_eq!(d["encoding"], "utf-16le-bom");
    assert_eq!(d["declared_encoding"], "UTF-16");
    assert_eq!(d["uri_matches_path"], true);
    assert_eq!(d["task"]["settings"]["hidden"], true);
    assert_eq!(d["task"]["principals"][0]["logon_type"], "ServiceAccount");
    assert_eq!(d["task"]["principals"][0]["run_level"], "HighestAvailable");
    assert_eq!(
        d["task"]["actions"][0]["working_directory"],
        "C:\\ProgramData\\Updater"
    );
    assert_eq!(d["task"]["triggers"][1]["repetition"]["interval"], "PT15M");
    assert_eq!(d["file"]["si_created"], "2019-12-07T09:14:26.0000000Z");
    assert_eq!(d["file"]["size"], 3374);
}

#[test]
fn other_task_shapes() {
    let rows = gpt_rows();
    let defrag = rows_named(&rows, "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag")[0];
    assert_eq!(
        defrag.get("command"),
        "%windir%\\system32\\defrag.exe -c -h -o -$"
    );
    assert_eq!(
        defrag.get("schedule"),
        "Calendar every 1 week(s) on Wednesday from 2019-12-07T01:00:00"
    );
    assert_eq!(defrag.get("user"), "S-1-5-18");
    let defrag_created = rows_named(&rows, "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag")
        .into_iter()
        .find(|r| r.get("timestamp_desc").starts_with("File Created ($SI)"))
        .unwrap();
    assert_eq!(
        defrag_created.get("datetime"),
        "2019-12-07T09:14:26.1234567Z"
    );

    let maps = rows_named(&rows, "\\Microsoft\\Windows\\Maps\\MapsToastTask")[0];
    assert_eq!(
        maps.get("command"),
        "com:{9885AEF2-BD9F-41E0-B15E-B3141395E803} $(Arg0);$(Arg1)"
    );
    assert_eq!(maps.get("user"), "S-1-5-4");
    assert_eq!(
        maps.details()["encoding"],
        "utf-16le",
        "UTF-16 without a BOM"
    );
    let maps_reg = row_at(
        &rows,
        "\\Microsoft\\Windows\\Maps\\MapsToastTask",
        "Task Registered (XML Date) (local time)",
    );
    assert_eq!(maps_reg.get("datetime"), "2014-11-05T00:00:00Z");

    let ew = rows_named(&rows, "\\Tools\\Event Watcher")[0];
    assert_eq!(
        ew.get("command"),
        "\"C:\\Program Files\\Watcher\\watch.exe\" /log \"C:\\Logs\\a&b.txt\" /level >3 ; cmd.exe /c echo done"
    );
    assert_eq!(ew.get("enabled"), "false");
    assert_eq!(ew.get("user"), "CORP\\admin");
    assert_eq!(
        ew.get("schedule"),
        "Event <QueryList><Query Id=\"0\" Path=\"Security\"><Select Path=\"Security\">*[System[EventID=4625]]</Select></Query></QueryList> | SessionStateChange RemoteConnect of CORP\\admin | Calendar monthly on day 1,15 of January,July from 2022-01-03T04:00:00"
    );
    let ewd = ew.details();
    assert_eq!(ewd["encoding"], "utf-8-bom");
    assert_eq!(
        ewd["task"]["registration"]["description"],
        "Runs \"watch\" & logs <everything> \u{263A}"
    );

    let mailer = rows_named(&rows, "\\Legacy\\Mailer")[0];
    assert_eq!(
        mailer.get("command"),
        "send-email to=ops@example.org subject=status ; show-message Hello"
    );
    assert_eq!(
        mailer.get("schedule"),
        "Boot delay PT5M | Idle | Registration (disabled) | WnfStateChange 7508BCA3380C960C"
    );
    assert_eq!(mailer.get("user"), "");
    assert_eq!(mailer.details()["encoding"], "utf-8");
    assert!(mailer.details()["task"].get("schema_version").is_none());

    let claims = row_at(
        &rows,
        "\\Claims UTF-16",
        "Task Registered (XML Date) (local time)",
    );
    assert_eq!(claims.get("datetime"), "2021-07-08T09:10:11.5Z");
    assert_eq!(
        claims.get("command"),
        "C:\\Users\\bob\\AppData\\Roaming\\sync.exe"
    );
    assert_eq!(claims.details()["declared_encoding"], "UTF-16");
    assert_eq!(claims.details()["encoding"], "utf-8");

    let broken = rows_named(&rows, "\\Broken");
    assert_eq!(
        broken.len(),
        2,
        "file times still on the timeline: one $SI/$FN group + MFT change"
    );
    assert!(broken[0].details()["error"]
        .as_str()
        .unwrap()
        .starts_with("not well-formed XML"));
    assert_eq!(broken[0].get("command"), "");

    let packed = rows_named(&rows, "\\Compressed\\Packed")[0];
    assert_eq!(
        packed.details()["error"],
        "data is NTFS-compressed (LZNT1); its content is not read"
    );
}
