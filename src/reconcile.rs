//! Cross-source verdicts for Windows tasks: the task XML files, the TaskCache Tree and Tasks
//! keys, the index buckets and the legacy .job files are grouped by task name, and every
//! disagreement that exposes a hidden or tampered task becomes a stable flag on every record of
//! that task (so each of its timeline rows carries it), with the reason in `details.verdicts`.

use crate::collect::windows_taskcache::BUCKETS;
use crate::collect::Facts;
use crate::record::Record;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Adds a flag with its reason to a record (once) and raises its severity.
pub fn flag(rec: &mut Record, id: &str, reason: String) {
    if !rec.flags.iter().any(|f| f == id) {
        rec.flags.push(id.to_string());
    }
    let sev = crate::rules::severity_of(id);
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
                    let how = match tree.get("sd_value_recovered_from").and_then(Value::as_str) {
                        Some(from) if from.starts_with("primary file") => {
                            "SD value removed by a logged transaction (its earlier content is in the primary file)"
                        }
                        Some(_) => "SD value deleted (recovered from free space)",
                        None => "no SD value",
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
        // XML registration Date far from DynamicInfo's registration time (non-Microsoft tasks:
        // Microsoft ships its tasks with their build date).
        for &x in &xml {
            let xml_date = records[x]
                .details
                .get("task")
                .and_then(|t| t.pointer("/registration/date"))
                .and_then(Value::as_str);
            let Some(date) = xml_date.and_then(crate::formats::task_xml::parse_datetime) else {
                continue;
            };
            let xt = match date {
                crate::formats::task_xml::XsdDateTime::Utc(t)
                | crate::formats::task_xml::XsdDateTime::Local(t) => t,
            };
            for &t in &tc {
                let reg = records[t]
                    .details
                    .get("dynamic_info")
                    .and_then(|d| d.get("registered"))
                    .and_then(Value::as_str);
                let Some(reg) = reg.and_then(|r| r.parse::<jiff::Timestamp>().ok()) else {
                    continue;
                };
                let gap = (reg.as_second() - xt.unix_seconds()).abs();
                if gap > 86_400 && !records[x].name.to_lowercase().starts_with("\\microsoft\\") {
                    verdicts.push((
                        "timestomp-hint",
                        format!(
                            "XML Date {xt} is {} days away from the DynamicInfo registration {reg}",
                            gap / 86_400
                        ),
                    ));
                }
            }
        }
        // The logs: deleted and gone, or the XML on disk no longer what was registered.
        let events = of("windows.eventlog");
        let eid = |i: usize| {
            records[i]
                .details
                .get("event_id")
                .and_then(Value::as_u64)
                .unwrap_or(0)
        };
        let on_disk = !xml.is_empty() || !tc.is_empty();
        if facts.tasks_folder_present
            && !on_disk
            && events.iter().any(|&e| matches!(eid(e), 4699 | 141))
        {
            verdicts.push((
                "deleted-task",
                "deleted per the event log; no XML file or TaskCache entry remains".into(),
            ));
        }
        for &e in events.iter().filter(|&&e| eid(e) == 4698) {
            for &x in &xml {
                let (logged, now) = (&records[e].command, &records[x].command);
                if !logged.is_empty() && !same_command(logged, now) {
                    verdicts.push((
                        "task-content-changed",
                        format!("created with `{logged}`, the XML now runs `{now}`"),
                    ));
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
                let from = records[i]
                    .details
                    .get("recovered_from")
                    .and_then(Value::as_str)
                    .unwrap_or("free cell")
                    .to_string();
                flag(
                    &mut records[i],
                    "recovered-deleted",
                    format!("row built from deleted TaskCache keys ({from})"),
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
