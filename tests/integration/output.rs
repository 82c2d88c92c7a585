//! The output contract: CSV header, JSONL lines, formula neutralisation, escaping, atomic files,
//! refusal to overwrite evidence, exit codes.

use crate::common::*;
use std::os::unix::fs::PermissionsExt;

fn write_task(dir: &std::path::Path, name: &str, command: &str, args: &str) {
    let tasks = dir.join("Windows/System32/Tasks");
    std::fs::create_dir_all(&tasks).unwrap();
    let xml = format!(
        "<?xml version=\"1.0\"?><Task xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\"><RegistrationInfo><Date>2020-01-01T00:00:00Z</Date></RegistrationInfo><Actions><Exec><Command>{command}</Command><Arguments>{args}</Arguments></Exec></Actions></Task>"
    );
    std::fs::write(tasks.join(name), xml).unwrap();
}

#[test]
fn clean_scan_exits_zero_and_header_only_when_nothing_found() {
    // A Linux root with no scheduler artifact at all.
    let tmp = tempfile::tempdir().unwrap();
    for d in ["etc", "var/spool", "usr/bin"] {
        std::fs::create_dir_all(tmp.path().join(d)).unwrap();
    }
    let out = scan_csv(s(tmp.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{}\n", COLUMNS.join(",")));
    assert!(
        out.stderr.contains("1 file systems, 1 OS roots, 0 records"),
        "{}",
        out.stderr
    );
}

#[test]
fn formula_injection_and_control_characters() {
    let tmp = tempfile::tempdir().unwrap();
    write_task(
        tmp.path(),
        "Evil",
        "=cmd|' /C calc'!A0",
        "a&#x1b;[31mred&#x0d;hidden",
    );
    let ev = s(tmp.path());
    let out = tasktrail(&["scan", ev, "-o", "-"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = parse_csv(&out.stdout);
    assert_eq!(
        rows[0].get("command"),
        "'=cmd|' /C calc'!A0 a\\x1b[31mred\\rhidden"
    );
    assert!(!out.stdout.contains('\u{1b}'));
    let raw = tasktrail(&["scan", ev, "-o", "-", "--raw-csv"]);
    let rows = parse_csv(&raw.stdout);
    assert_eq!(
        rows[0].get("command"),
        "=cmd|' /C calc'!A0 a\\x1b[31mred\\rhidden"
    );
    // JSONL keeps the exact text (JSON escapes it).
    let j = tasktrail(&["scan", ev, "--format", "jsonl"]);
    let first: serde_json::Value = serde_json::from_str(j.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        first["command"],
        "=cmd|' /C calc'!A0 a\u{1b}[31mred\rhidden"
    );
}

#[test]
fn jsonl_rows_problems_and_summary() {
    let out = tasktrail(&[
        "scan",
        "testdata/images/gpt-disk.img",
        "--format",
        "jsonl",
        "-o",
        "-",
    ]);
    assert_eq!(out.code, 1);
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rows: Vec<_> = lines.iter().filter(|v| v.get("type").is_none()).collect();
    let problems: Vec<_> = lines.iter().filter(|v| v["type"] == "problem").collect();
    let summary: Vec<_> = lines.iter().filter(|v| v["type"] == "summary").collect();
    assert_eq!(rows.len(), 29);
    for r in &rows {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, COLUMNS);
        assert!(r["details"].is_object());
    }
    assert_eq!(problems.len(), 3);
    let levels: Vec<&str> = problems
        .iter()
        .map(|p| p["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "error", "notice"]);
    assert_eq!(
        problems[1]["location"],
        "/Windows/System32/Tasks/Compressed/Packed"
    );
    assert_eq!(problems[2]["volume"], "p3");
    assert_eq!(summary.len(), 2, "one per evidence, then the total");
    assert_eq!(summary[0]["scope"], "evidence");
    assert_eq!(summary[0]["records"], 12);
    assert_eq!(summary[1]["scope"], "total");
    assert_eq!(summary[1]["records"], 12);
    assert_eq!(summary[1]["rows"], 29);
    assert!(summary[1]["bytes_read"].as_u64().unwrap() > 0);
    // The same rows as the CSV, in the same order.
    let csv = parse_csv(&scan_csv("testdata/images/gpt-disk.img").stdout);
    for (j, c) in rows.iter().zip(&csv) {
        assert_eq!(j["datetime"], c.get("datetime"));
        assert_eq!(j["name"], c.get("name"));
        assert_eq!(j["timestamp_desc"], c.get("timestamp_desc"));
    }
}

#[test]
fn timesketch_columns_and_datetimes() {
    let rows = parse_csv(&scan_csv("testdata/images/gpt-disk.img").stdout);
    for r in &rows {
        assert!(!r.get("message").is_empty());
        assert!(!r.get("timestamp_desc").is_empty());
        let dt = r.get("datetime");
        assert!(dt.ends_with('Z'), "{dt}");
        dt.parse::<jiff::Timestamp>()
            .unwrap_or_else(|e| panic!("{dt}: {e}"));
    }
    let mut sorted = rows.clone();
    sorted.sort_by(|a, b| {
        a.get("datetime")
            .parse::<jiff::Timestamp>()
            .unwrap()
            .cmp(&b.get("datetime").parse().unwrap())
    });
    let times = |v: &[Row]| {
        v.iter()
            .map(|r| r.get("datetime").parse::<jiff::Timestamp>().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(times(&rows), times(&sorted), "rows are in time order");
}

#[test]
fn file_output_problems_file_and_refusals() {
    let tmp = tempfile::tempdir().unwrap();
    let out_csv = tmp.path().join("t.csv");
    let probs = tmp.path().join("p.jsonl");
    let out = tasktrail(&[
        "scan",
        "testdata/images/gpt-disk.img",
        "-o",
        s(&out_csv),
        "--problems",
        s(&probs),
        "-q",
    ]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "", "--quiet");
    assert_eq!(
        std::fs::read_to_string(&out_csv).unwrap(),
        scan_csv("testdata/images/gpt-disk.img").stdout
    );
    let p = std::fs::read_to_string(&probs).unwrap();
    assert_eq!(
        p.lines().count(),
        5,
        "3 problems + evidence summary + total summary"
    );
    assert!(p.contains(
        "\"stage\":\"windows.task_xml\",\"location\":\"/Windows/System32/Tasks/Broken\""
    ));
    // No temporary file left beside the output.
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2);

    // Output path that is the evidence: refused, evidence untouched.
    let ev = tmp.path().join("ev.img");
    std::fs::copy(root().join("testdata/images/ntfs.img"), &ev).unwrap();
    let before = std::fs::read(&ev).unwrap();
    let out = tasktrail(&["scan", s(&ev), "-o", s(&ev)]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is (inside) evidence; refusing"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(&ev).unwrap(), before);

    // Output inside a folder evidence: refused.
    let out = tasktrail(&[
        "scan",
        "testdata/trees/windows",
        "-o",
        "testdata/trees/windows/t.csv",
    ]);
    assert_eq!(out.code, 2);
    assert!(!root().join("testdata/trees/windows/t.csv").exists());

    // Unwritable output: fatal.
    let out = tasktrail(&[
        "scan",
        "testdata/images/ntfs.img",
        "-o",
        "/nonexistent-dir/t.csv",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("fatal: cannot write /nonexistent-dir/t.csv"),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_arguments_exit_two_and_help_has_examples() {
    assert_eq!(tasktrail(&["scan"]).code, 2);
    assert_eq!(tasktrail(&["scan", "x", "--format", "xml"]).code, 2);
    assert_eq!(tasktrail(&["frobnicate"]).code, 2);
    let help = tasktrail(&["scan", "--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("Examples:")
            && help
                .stdout
                .contains("tasktrail scan disk.img -o timeline.csv")
    );
    let top = tasktrail(&["--help"]);
    assert!(top.stdout.contains("Examples:") && top.stdout.contains("Exit codes"));
}

#[test]
fn read_only_evidence_is_read_and_left_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let ev = tmp.path().join("ro.img");
    std::fs::copy(root().join("testdata/images/gpt-disk.img"), &ev).unwrap();
    std::fs::set_permissions(&ev, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&ev).unwrap();
    let m1 = std::fs::metadata(&ev).unwrap();
    let out = scan_csv(s(&ev));
    assert_eq!(out.code, 1);
    assert_eq!(parse_csv(&out.stdout).len(), 29);
    let m2 = std::fs::metadata(&ev).unwrap();
    assert_eq!(std::fs::read(&ev).unwrap(), before);
    use std::os::unix::fs::MetadataExt;
    assert_eq!(
        (m1.mtime(), m1.mtime_nsec(), m1.ctime(), m1.ctime_nsec()),
        (m2.mtime(), m2.mtime_nsec(), m2.ctime(), m2.ctime_nsec())
    );
    assert_eq!(m2.permissions().mode() & 0o777, 0o444);
}

#[test]
fn output_to_a_fifo_is_written_in_place_not_replaced() {
    // `-o /dev/null` or a named pipe must stay what it is: the atomic rename used for regular
    // files would replace the device or FIFO with a plain file.
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("timeline.pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = tasktrail(&["scan", "testdata/images/rhel.img", "-o", s(&fifo), "-q"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Checked before joining: were the FIFO replaced, the reader would wait forever.
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    let text = reader.join().unwrap();
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), 7, "{text}");
    assert!(rows.iter().any(|r| r.get("artifact") == "linux.at"));
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left beside it");
}

#[test]
fn output_through_a_symlink_replaces_the_file_it_names() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real.csv");
    std::fs::write(&real, "old").unwrap();
    let link = tmp.path().join("link.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = tasktrail(&["scan", "testdata/images/rhel.img", "-o", s(&link), "-q"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(text.starts_with("datetime,timestamp_desc,"), "{text}");
    assert_eq!(parse_csv(&text).len(), 7);
}
