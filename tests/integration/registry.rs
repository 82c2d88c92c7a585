//! The registry layer on the yarp hives: log replay, deleted-key recovery, truncated hives.

use crate::common::*;
use tasktrail::registry::{Hive, RegKey};

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(corpus().join(rel)).unwrap()
}

/// `path del last-written` lines of a tree, depth-first.
fn lines(k: &RegKey, out: &mut Vec<String>) {
    out.push(format!(
        "{} {} {}",
        k.path,
        k.deleted,
        k.last_written.map(|t| t.to_string()).unwrap_or_default()
    ));
    for s in &k.subkeys {
        lines(s, out);
    }
}

fn tree(hive: &mut Hive) -> Vec<String> {
    let mut out = Vec::new();
    lines(&hive.subtree("", 16, 10_000).unwrap().unwrap(), &mut out);
    out
}

/// yarp's NewDirtyHive with both its logs.
fn dirty_hive() -> Hive {
    let logs = ["LOG1", "LOG2"]
        .iter()
        .map(|e| {
            (
                format!("NewDirtyHive.{e}"),
                read(&format!("yarp/NewDirtyHive1/NewDirtyHive.{e}")),
            )
        })
        .collect();
    Hive::open(read("yarp/NewDirtyHive1/NewDirtyHive"), logs).unwrap()
}

#[test]
fn dirty_hive_is_replayed_from_both_logs() {
    let mut dirty = dirty_hive();
    assert!(dirty.state.dirty);
    assert_eq!(dirty.state.sequence, (3, 2));
    assert_eq!(
        dirty.state.logs,
        [
            ("NewDirtyHive.LOG1".to_string(), 1),
            ("NewDirtyHive.LOG2".to_string(), 3)
        ]
    );
    assert_eq!(dirty.state.log_entries_applied, 4);
    // After replay the allocated keys equal the hive Windows 10 recovered itself.
    let mut reference =
        Hive::open(read("yarp/NewDirtyHive1/RecoveredHive_Windows10"), vec![]).unwrap();
    assert!(!reference.state.dirty);
    let allocated = |v: Vec<String>| {
        v.into_iter()
            .filter(|l| l.contains(" false "))
            .collect::<Vec<_>>()
    };
    let replayed = allocated(tree(&mut dirty));
    assert_eq!(replayed, allocated(tree(&mut reference)));
    assert!(
        replayed.contains(&"Key3\\Key3_3 false 2017-03-04T20:55:37.2216912Z".to_string()),
        "{replayed:?}"
    );
    // Without its logs the dirty hive lacks what the logs added.
    let mut bare = Hive::open(read("yarp/NewDirtyHive1/NewDirtyHive"), vec![]).unwrap();
    assert_ne!(allocated(tree(&mut bare)), replayed);
}

#[test]
fn deleted_keys_are_recovered_with_their_paths() {
    let mut h = Hive::open(read("yarp/DeletedTreeHive"), vec![]).unwrap();
    assert_eq!(h.state.deleted_keys_recovered, 2);
    let t = tree(&mut h);
    assert!(
        t.contains(&"1\\2\\3 true 2017-03-20T21:21:35.3072285Z".to_string()),
        "{t:?}"
    );
    assert!(
        t.contains(&"1\\2\\3\\4\\New Key #1 true 2017-03-20T21:21:30.6594029Z".to_string()),
        "{t:?}"
    );
    let mut w10 = Hive::open(read("yarp/NewDirtyHive1/RecoveredHive_Windows10"), vec![]).unwrap();
    let t = tree(&mut w10);
    // Key2_1's parent cell was reused by Key3_3 after the deletion: the path follows the parent
    // offset as it reads now (documented limit of free-cell recovery).
    assert!(
        t.contains(&"Key3\\Key3_3\\Key2_1 true 2017-03-04T20:52:17.2530727Z".to_string()),
        "{t:?}"
    );
    assert!(
        t.contains(&"Key3\\Key3_3\\Key2_2 true 2017-03-04T20:52:21.9718162Z".to_string()),
        "{t:?}"
    );
}

#[test]
fn truncated_hive_opens_without_panic() {
    let mut h = Hive::open(read("yarp/TruncatedHive"), vec![]).unwrap();
    let t = tree(&mut h);
    assert!(
        t.iter()
            .any(|l| l.starts_with("key_with_many_subkeys false")),
        "{t:?}"
    );
    assert!(Hive::open(vec![0u8; 8192], vec![]).is_err());
    assert!(Hive::open(b"regf".to_vec(), vec![]).is_err());
}

#[test]
fn keys_and_values_removed_by_logged_writes_are_kept_from_the_primary_file() {
    let mut dirty = dirty_hive();
    let root = dirty.subtree("", 16, 10_000).unwrap().unwrap();
    // The root key was written again by a logged transaction: both times are known.
    assert_eq!(
        root.last_written.unwrap().to_string(),
        "2017-03-04T20:54:05.1123376Z"
    );
    assert_eq!(
        root.prior_last_written.unwrap().to_string(),
        "2017-03-04T20:51:50.2686944Z"
    );
    fn before(k: &RegKey, out: &mut Vec<String>) {
        if k.before_logs {
            assert!(k.deleted, "{}", k.path);
            out.push(k.path.clone());
        }
        for s in &k.subkeys {
            before(s, out);
        }
    }
    let mut gone = Vec::new();
    before(&root, &mut gone);
    assert_eq!(gone, ["Key1", "Key2", "Key2\\Key2_1", "Key2\\Key2_2"]);
    // Windows 10's own replay of the same logs has none of them, and the primary file alone has
    // all of them.
    let mut reference =
        Hive::open(read("yarp/NewDirtyHive1/RecoveredHive_Windows10"), vec![]).unwrap();
    let mut bare = Hive::open(read("yarp/NewDirtyHive1/NewDirtyHive"), vec![]).unwrap();
    let (w10, alone) = (tree(&mut reference), tree(&mut bare));
    for path in &gone {
        let allocated = |lines: &[String]| {
            lines
                .iter()
                .any(|l| l.starts_with(&format!("{path} false ")))
        };
        assert!(!allocated(&w10), "{path} in the Windows 10 replay");
        assert!(allocated(&alone), "{path} not in the primary file");
    }
    // Their values come along, flagged the same way.
    let key2 = root.subkeys.iter().find(|k| k.name == "Key2").unwrap();
    let v = key2.value("v").unwrap();
    assert!(v.before_logs && v.deleted);
    assert_eq!(v.data, tasktrail::registry::RegData::Sz("testTEST".into()));
    let key1 = root.subkeys.iter().find(|k| k.name == "Key1").unwrap();
    match &key1.value("").unwrap().data {
        tasktrail::registry::RegData::Sz(s) => {
            assert!(s.chars().all(|c| c == '1'), "{s}");
            assert_eq!(s.len(), 6000);
        }
        other => panic!("{other:?}"),
    }
    // A clean hive has no earlier versions.
    let w10_root = reference.subtree("", 16, 10_000).unwrap().unwrap();
    let mut none = Vec::new();
    before(&w10_root, &mut none);
    assert!(none.is_empty() && w10_root.prior_last_written.is_none());
}
