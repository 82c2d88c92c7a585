//! Many evidence in one run: --from-file, --jobs (output independent of it), --out-dir, --stats,
//! and one bad evidence isolated from the others.

use crate::common::*;

const SET: [&str; 6] = [
    "testdata/images/gpt-disk.img",
    "testdata/images/debian.img",
    "testdata/images/rhel.img",
    "testdata/images/scenarios.img",
    "testdata/trees/macos",
    "testdata/images/gpt-disk.E01",
];

#[test]
fn jobs_do_not_change_the_output() {
    let mut a = vec!["scan", "-o", "-", "--jobs", "1", "-q"];
    a.extend(SET);
    let mut b = vec!["scan", "-o", "-", "--jobs", "4", "-q"];
    b.extend(SET);
    let one = tasktrail(&a);
    let four = tasktrail(&b);
    assert_eq!(one.code, 1);
    assert_eq!(one.stdout, four.stdout);
    let rows = parse_csv(&one.stdout);
    let evs: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.get("evidence")).collect();
    assert_eq!(evs.len(), SET.len());
}

/// Rows are rendered in parallel chunks of 256: with the set given four times (over 700
/// rows) the JSONL and CSV must still be byte-identical across --jobs, every row exactly once,
/// and the CSV header written once.
#[test]
fn parallel_rendering_keeps_every_row_once() {
    let many: Vec<&str> = (0..4).flat_map(|_| SET).collect();
    let run = |fmt: &str, jobs: &str| {
        let mut args = vec!["scan", "-o", "-", "--format", fmt, "--jobs", jobs, "-q"];
        args.extend(&many);
        tasktrail(&args)
    };
    let (j1, j3) = (run("jsonl", "1"), run("jsonl", "3"));
    assert_eq!(j1.stdout, j3.stdout);
    let lines: Vec<serde_json::Value> = j1
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let total = lines
        .iter()
        .find(|v| v["type"] == "summary" && v["scope"] == "total")
        .unwrap();
    let rows = lines.iter().filter(|v| v.get("type").is_none()).count();
    assert_eq!(rows as u64, total["rows"].as_u64().unwrap());
    assert!(rows > 2 * 256, "{rows}");
    let (c1, c3) = (run("csv", "1"), run("csv", "3"));
    assert_eq!(c1.stdout, c3.stdout);
    assert_eq!(parse_csv(&c1.stdout).len(), rows);
    assert_eq!(c1.stdout.matches("datetime,timestamp_desc,").count(), 1);
}

#[test]
fn from_file_out_dir_and_isolation() {
    let tmp = tempfile::tempdir().unwrap();
    let list = tmp.path().join("list.txt");
    std::fs::write(
        &list,
        "# evidence of case 7\ntestdata/images/debian.img\n\ntestdata/images/rhel.img\n/nonexistent/lost.E01\ntestdata/trees/macos\n",
    )
    .unwrap();
    let out_dir = tmp.path().join("timelines");
    let out = tasktrail(&[
        "scan",
        "--from-file",
        s(&list),
        "--out-dir",
        s(&out_dir),
        "--jobs",
        "2",
    ]);
    assert_eq!(
        out.code, 2,
        "the missing evidence is fatal, the others are written: {}",
        out.stderr
    );
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "debian.img.csv",
            "lost.E01.csv",
            "macos.csv",
            "rhel.img.csv"
        ]
    );
    let deb = parse_csv(&std::fs::read_to_string(out_dir.join("debian.img.csv")).unwrap());
    assert!(deb
        .iter()
        .all(|r| r.get("evidence") == "testdata/images/debian.img"));
    assert_eq!(
        deb,
        parse_csv(&scan_csv("testdata/images/debian.img").stdout),
        "same rows as a scan of that evidence alone"
    );
    assert_eq!(
        parse_csv(&std::fs::read_to_string(out_dir.join("lost.E01.csv")).unwrap()).len(),
        0
    );
    assert!(
        out.stderr.contains("testdata/images/rhel.img: 6 records"),
        "{}",
        out.stderr
    );
}

#[test]
fn stats_report() {
    let out = tasktrail(&[
        "scan",
        "testdata/images/scenarios.img",
        "-o",
        "-",
        "--stats",
        "-q",
    ]);
    let line = out
        .stderr
        .lines()
        .find(|l| l.starts_with("stats testdata/images/scenarios.img:"))
        .expect("stats line");
    assert!(
        line.contains(" registry keys;")
            && line.contains("windows.taskcache ")
            && line.contains("open "),
        "{line}"
    );
    let keys: u64 = line
        .split(" files (")
        .nth(1)
        .unwrap()
        .split(", ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(keys >= 30, "{line}");
    let run = out
        .stderr
        .lines()
        .find(|l| l.starts_with("stats run: "))
        .expect("run stats line");
    for stage in ["analyse ", "merge ", "write "] {
        assert!(run.contains(stage), "{run}");
    }
    let j = tasktrail(&[
        "scan",
        "testdata/images/scenarios.img",
        "--format",
        "jsonl",
        "-q",
    ]);
    let ev: serde_json::Value = j
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["scope"] == "evidence")
        .unwrap();
    assert!(
        ev["stats"]["bytes_read"].as_u64().unwrap() > 36864,
        "at least the hive was read"
    );
    assert!(ev["stats"]["files_read"].as_u64().unwrap() >= 12);
}
