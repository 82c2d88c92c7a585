//! Cross-source verdicts for Windows tasks: the task XML files, the TaskCache Tree and Tasks
//! keys, the index buckets and the legacy .job files are grouped by task name, and every
//! disagreement that exposes a hidden or tampered task becomes a stable flag on every record of
//! that task (so each of its timeline rows carries it), with the reason in `details.verdicts`.

use crate::collect::windows_taskcache::BUCKETS;
use crate::collect::Facts;
use crate::record::{Record, Severity};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// A verdict: stable id, severity, and one line on why it matters.
pub struct Verdict {
    /// Stable flag id.
    pub id: &'static str,
    /// Severity when it fires.
    pub severity: Severity,
    /// What it means.
    pub why: &'static str,
}

/// Every verdict reconcile can give.
pub static VERDICTS: &[Verdict] = &[
    Verdict { id: "hidden-sd-missing", severity: Severity::High, why: "TaskCache Tree key of a task has no SD value: the task is hidden from schtasks and the MMC but still runs (Tarrask)" },
    Verdict { id: "hidden-sd-restrictive", severity: Severity::High, why: "TaskCache Tree SD lets neither SYSTEM, Administrators nor ordinary users read the task: it is invisible to every tool while it runs" },
    Verdict { id: "hidden-index", severity: Severity::High, why: "TaskCache Tree Index is 0, missing, out of range, or disagrees with the bucket key the GUID sits in: the task is taken out of enumeration" },
    Verdict { id: "registry-only", severity: Severity::High, why: "TaskCache entry without a task XML file: registered by writing the registry directly (GhostTask) or its file was deleted" },
    Verdict { id: "action-mismatch", severity: Severity::High, why: "The XML actions differ from the TaskCache Actions blob; the service runs the registry's" },
    Verdict { id: "xml-only", severity: Severity::Medium, why: "Task XML file without any TaskCache entry: dropped into the Tasks folder or its registry entries removed" },
    Verdict { id: "hash-mismatch", severity: Severity::Medium, why: "The TaskCache Hash does not match the XML file (edited after registration)" },
    Verdict { id: "at-job", severity: Severity::Medium, why: "Task made by at.exe / AtSvc NetScheduleJobAdd (At<N> name or .job comment), often used for remote execution" },
    Verdict { id: "xml-hidden-setting", severity: Severity::Info, why: "Settings/Hidden (or the hidden job flag) is set: hidden from the default MMC view only" },
    Verdict { id: "cron-hidden-cr", severity: Severity::High, why: "A carriage return in a cron line hides the command from `cat`: what runs differs from what is shown" },
    Verdict { id: "apple-label-impostor", severity: Severity::High, why: "A com.apple.* launchd label outside the SIP-protected Apple folders: malware posing as Apple" },
    Verdict { id: "dot-path", severity: Severity::Medium, why: "The job file or its program is hidden with a leading dot" },
    Verdict { id: "user-writable-path", severity: Severity::Medium, why: "The job runs something from a folder ordinary users can write (or a user's home, for a root job)" },
    Verdict { id: "not-loaded", severity: Severity::Low, why: "The scheduler would not load or run this entry (name, mode, owner, format); still shown because it was planted" },
    Verdict { id: "recovered-deleted", severity: Severity::Info, why: "Built from deleted registry keys recovered from free space" },
];

fn severity_of(id: &str) -> Severity {
    VERDICTS
        .iter()
        .find(|v| v.id == id)
        .map(|v| v.severity)
        .unwrap_or(Severity::Info)
}

/// Adds a flag with its reason to a record (once) and raises its severity.
pub fn flag(rec: &mut Record, id: &str, reason: String) {
    if !rec.flags.iter().any(|f| f == id) {
        rec.flags.push(id.to_string());
    }
    let sev = severity_of(id);
    rec.severity = Some(rec.severity.map_or(sev, |s| s.max(sev)));
    let v = rec
        .details
        .entry("verdicts")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(m) = v {
        m.insert(id.to_string(), json!(reason));
    }
}

fn is_at_name(name: &str) -> bool {
    name.strip_prefix("\\At")
        .or_else(|| name.strip_prefix("\\at"))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn recovered(r: &Record) -> bool {
    r.details
        .get("recovered")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Applies the verdicts to one target's records and resolves user SIDs to names in details.
pub fn reconcile(records: &mut [Record], facts: &Facts) {
    // Group record indices by task name (case-insensitive, as Windows compares them).
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        if r.artifact.starts_with("windows.") {
            groups.entry(r.name.to_lowercase()).or_default().push(i);
        }
    }
    let hash_method = calibrate_hash(records, &groups);
    for idx in groups.values() {
        let of = |a: &str| {
            idx.iter()
                .copied()
                .filter(|&i| records[i].artifact == a)
                .collect::<Vec<_>>()
        };
        let xml = of("windows.task_xml");
        let tc_all = of("windows.taskcache");
        let tc: Vec<usize> = tc_all
            .iter()
            .copied()
            .filter(|&i| !recovered(&records[i]))
            .collect();
        let job = of("windows.task_job");
        let mut verdicts: Vec<(&str, String)> = Vec::new();

        for &i in &tc {
            let d = &records[i].details;
            if let Some(tree) = d.get("tree") {
                let sd_present = tree
                    .get("sd_present")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if !sd_present {
                    let how = if tree
                        .get("sd_value_deleted")
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                    {
                        "SD value deleted (recovered from free space)"
                    } else {
                        "no SD value"
                    };
                    verdicts.push((
                        "hidden-sd-missing",
                        format!("Tree key {}: {how}", tree["key"].as_str().unwrap_or("")),
                    ));
                }
                if sd_present
                    && tree.get("sd_admins_can_read").and_then(Value::as_bool) == Some(false)
                {
                    verdicts.push((
                        "hidden-sd-restrictive",
                        format!(
                            "SD {}",
                            tree.get("sd_summary").and_then(Value::as_str).unwrap_or("")
                        ),
                    ));
                }
                let index = tree.get("index").and_then(Value::as_u64);
                let in_buckets: Vec<&str> = d
                    .get("buckets")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter(|b| !b["deleted"].as_bool().unwrap_or(false))
                            .filter_map(|b| b["bucket"].as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                let expected = index.and_then(|x| {
                    BUCKETS
                        .iter()
                        .find(|(_, n)| *n as u64 == x)
                        .map(|(b, _)| *b)
                });
                match (index, expected) {
                    (None, _) => verdicts.push(("hidden-index", "Index value missing".into())),
                    (Some(0), _) => verdicts.push((
                        "hidden-index",
                        format!("Index is 0 (GUID in bucket {})", in_buckets.join(",")),
                    )),
                    (Some(x), None) => {
                        verdicts.push(("hidden-index", format!("Index {x} is not a bucket (1-4)")))
                    }
                    (Some(x), Some(b)) if !in_buckets.contains(&b) => verdicts.push((
                        "hidden-index",
                        format!(
                            "Index {x} points to {b}, but the GUID is in [{}]",
                            in_buckets.join(",")
                        ),
                    )),
                    _ => {}
                }
            }
        }
        if !tc.is_empty() && xml.is_empty() && facts.tasks_folder_present {
            verdicts.push((
                "registry-only",
                "TaskCache entry present, no XML file in the Tasks folder".into(),
            ));
        }
        if !xml.is_empty() && tc.is_empty() && facts.taskcache_read {
            verdicts.push((
                "xml-only",
                "XML file present, no TaskCache Tree or Tasks entry".into(),
            ));
        }
        for &x in &xml {
            for &t in &tc {
                let (xc, tcmd) = (&records[x].command, &records[t].command);
                if records[t].details.contains_key("actions")
                    && !xc.is_empty()
                    && !same_command(xc, tcmd)
                {
                    verdicts.push((
                        "action-mismatch",
                        format!("XML runs `{xc}`, TaskCache Actions run `{tcmd}`"),
                    ));
                }
                if let Some((method, _)) = &hash_method {
                    let stored = records[t]
                        .details
                        .get("tasks")
                        .and_then(|v| v.get("Hash"))
                        .and_then(Value::as_str);
                    let ours = records[x]
                        .details
                        .get("content_hashes")
                        .and_then(|h| h.get(method.as_str()))
                        .and_then(Value::as_str);
                    if let (Some(s), Some(o)) = (stored, ours) {
                        if s != o {
                            verdicts.push((
                                "hash-mismatch",
                                format!("stored Hash {s} != {method} of the XML {o}"),
                            ));
                        }
                    }
                }
            }
        }
        let name = records[idx[0]].name.clone();
        let atsvc_job = job.iter().any(|&j| {
            records[j]
                .details
                .get("made_by_atsvc")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        });
        if is_at_name(&name) || atsvc_job {
            let why = if atsvc_job {
                "legacy .job made by NetScheduleJobAdd (at.exe / AtSvc)"
            } else {
                "At<N> task name (at.exe / AtSvc)"
            };
            verdicts.push(("at-job", why.into()));
        }
        let hidden_xml = xml.iter().any(|&i| {
            records[i]
                .details
                .get("task")
                .and_then(|t| t.pointer("/settings/hidden"))
                .and_then(Value::as_bool)
                .unwrap_or(false)
        });
        let hidden_job = job.iter().any(|&i| {
            records[i]
                .details
                .get("hidden")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        });
        if hidden_xml || hidden_job {
            verdicts.push((
                "xml-hidden-setting",
                if hidden_xml {
                    "Settings/Hidden is true".into()
                } else {
                    "job flag 0x200 (hidden)".into()
                },
            ));
        }
        let sources = json!({
            "xml": !xml.is_empty(),
            "taskcache": !tc.is_empty(),
            "taskcache_recovered": tc_all.len() > tc.len(),
            "job": !job.is_empty(),
        });
        for &i in idx {
            records[i].details.insert("sources".into(), sources.clone());
            for (id, why) in &verdicts {
                flag(&mut records[i], id, why.clone());
            }
            if recovered(&records[i]) {
                flag(
                    &mut records[i],
                    "recovered-deleted",
                    "row built from deleted TaskCache keys".into(),
                );
            }
            if is_at_name(&records[i].name) || atsvc_job {
                records[i].technique = "T1053.002";
            }
        }
    }
    if let Some((method, n)) = &hash_method {
        for r in records
            .iter_mut()
            .filter(|r| r.artifact == "windows.taskcache")
        {
            r.details.insert(
                "hash_check".into(),
                json!(format!("{method} (calibrated on {n} matching task(s))")),
            );
        }
    }
    for r in records.iter_mut() {
        if let Some(name) = user_name(&r.user, facts) {
            r.details.insert("user_name".into(), json!(name));
        }
    }
}

/// Commands compare equal when they differ only in whitespace runs or letter case (Windows
/// paths and CLSIDs are case-insensitive; COM data is often re-indented).
fn same_command(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// The name of a user SID, from the well-known list or the image's ProfileList.
pub fn user_name(user: &str, facts: &Facts) -> Option<String> {
    if !user.starts_with("S-1-") {
        return None;
    }
    crate::formats::security_descriptor::well_known_sid(user)
        .map(str::to_string)
        .or_else(|| facts.sid_names.get(user).cloned())
}

/// Finds which content hash TaskCache `Hash` values use on this image: the method under which at
/// least one task's stored Hash equals its XML file's. Without such a match nothing is flagged
/// (which bytes Windows hashes is not documented with certainty).
fn calibrate_hash(
    records: &[Record],
    groups: &BTreeMap<String, Vec<usize>>,
) -> Option<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut pairs = 0usize;
    for idx in groups.values() {
        for &x in idx
            .iter()
            .filter(|&&i| records[i].artifact == "windows.task_xml")
        {
            for &t in idx
                .iter()
                .filter(|&&i| records[i].artifact == "windows.taskcache")
            {
                let stored = records[t]
                    .details
                    .get("tasks")
                    .and_then(|v| v.get("Hash"))
                    .and_then(Value::as_str);
                let Some(stored) = stored else { continue };
                pairs += 1;
                if let Some(Value::Object(h)) = records[x].details.get("content_hashes") {
                    for (m, v) in h {
                        if v.as_str() == Some(stored) {
                            *counts.entry(m.clone()).or_default() += 1;
                        }
                    }
                }
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n * 5 >= pairs * 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_comparison_ignores_layout_and_case() {
        assert!(same_command("com:{ABC} \n  <Data/>", "COM:{abc} <Data/>"));
        assert!(!same_command("C:\\a.exe", "C:\\b.exe"));
    }

    #[test]
    fn at_names() {
        assert!(is_at_name("\\At1"));
        assert!(is_at_name("\\At12"));
        assert!(!is_at_name("\\At"));
        assert!(!is_at_name("\\Atlas"));
        assert!(!is_at_name("\\Folder\\At1"));
    }
}
