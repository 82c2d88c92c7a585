//! The registry layer on the yarp hives: log replay, deleted-key recovery, truncated hives.

use crate::common::*;
use tasktrail::registry::{Hive, RegKey};

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(corpus().join(rel)).unwrap()
}

fn dump(k: &RegKey, depth: usize, out: &mut String) {
    out.push_str(&format!("{}{} del={} lw={:?} vals={:?}\n", "  ".repeat(depth), k.name, k.deleted, k.last_written.map(|t| t.to_string()), k.values.iter().map(|v| (&v.name, v.deleted)).collect::<Vec<_>>()));
    for s in &k.subkeys {
        dump(s, depth + 1, out);
    }
}

#[test]
fn explore() {
    for (h, logs) in [("yarp/DeletedTreeHive", vec![]), ("yarp/NewDirtyHive1/NewDirtyHive", vec!["yarp/NewDirtyHive1/NewDirtyHive.LOG1", "yarp/NewDirtyHive1/NewDirtyHive.LOG2"]), ("yarp/NewDirtyHive1/RecoveredHive_Windows10", vec![]), ("yarp/TruncatedHive", vec![])] {
        let logs = logs.iter().map(|l| (l.to_string(), read(l))).collect();
        match Hive::open(read(h), logs) {
            Ok(mut hive) => {
                let mut out = String::new();
                if let Ok(Some(k)) = hive.subtree("", 6, 1000) { dump(&k, 0, &mut out); }
                eprintln!("== {h} {:?}\n{}", hive.state, out.chars().take(3000).collect::<String>());
            }
            Err(e) => eprintln!("== {h} ERR {e}"),
        }
    }
}
