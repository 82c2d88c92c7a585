//! `windows.taskcache`: the SOFTWARE hive's `Schedule\TaskCache` — Tree (task namespace with
//! `Id`, `Index`, `SD`), Tasks\{GUID} (cached definitions with the Actions, Triggers and
//! DynamicInfo blobs), and the Boot/Logon/Plain/Maintenance buckets. Transaction logs are
//! replayed and deleted keys and values recovered; rows built from them say so.

use super::{display_path, Collector, Ctx, Detached, DetachedJob};
use crate::formats::security_descriptor as sd;
use crate::formats::task_cache;
use crate::fs::resolve;
use crate::record::Record;
use crate::registry::{Hive, RegData, RegKey};
use crate::target::{Layout, Os};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Reads the TaskCache of a Windows target's SOFTWARE hive.
pub struct TaskCacheCollector;

/// Path of TaskCache below the SOFTWARE hive root.
pub const TASKCACHE: &str = "Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache";
const PROFILE_LIST: &str = "Microsoft\\Windows NT\\CurrentVersion\\ProfileList";
const TIME_ZONES: &str = "Microsoft\\Windows NT\\CurrentVersion\\Time Zones";
/// The index buckets, numbered as the `Index` value refers to them.
pub const BUCKETS: [(&str, u32); 4] = [("Boot", 1), ("Logon", 2), ("Plain", 3), ("Maintenance", 4)];

impl Collector for TaskCacheCollector {
    fn id(&self) -> &'static str {
        "windows.taskcache"
    }

    fn os(&self) -> Os {
        Os::Windows
    }

    fn describe(&self) -> &'static str {
        "SOFTWARE hive Schedule\\TaskCache (transaction logs applied, deleted keys recovered): \
         Tree Id/Index/SD, Tasks\\{GUID} values with Actions, Triggers and DynamicInfo decoded, \
         bucket membership, key LastWrite times."
    }

    fn collect(&self, ctx: &mut Ctx<'_>) {
        if let Some(job) = self.collect_detached(ctx) {
            let done = job();
            ctx.absorb(done);
        }
    }

    fn detaches(&self) -> bool {
        true
    }

    /// Reads the hive and its logs here; replaying, parsing and decoding run in the job.
    fn collect_detached(&self, ctx: &mut Ctx<'_>) -> Option<DetachedJob> {
        if ctx.target.layout != Layout::SystemRoot {
            return None;
        }
        let config = resolve(ctx.fs, &ctx.target.root, "Windows/System32/config")?;
        let hive_path = resolve(ctx.fs, &config, "SOFTWARE")?;
        let shown = display_path(&hive_path);
        // Located here, copied by the job: on NTFS the tens of MB of a hive are read on the
        // worker that parses them.
        let primary = match ctx.fs.read_later(&hive_path, ctx.limits.max_hive_size) {
            Ok(b) => b,
            Err(e) => {
                ctx.problem(&shown, format!("SOFTWARE hive not read: {}", e.reason()));
                return None;
            }
        };
        let mut logs = Vec::new();
        for ext in ["LOG1", "LOG2", "LOG"] {
            if let Some(p) = resolve(ctx.fs, &config, &format!("SOFTWARE.{ext}")) {
                match ctx.fs.read_later(&p, ctx.limits.max_hive_size) {
                    Ok(b) if !b.is_empty() => logs.push((format!("SOFTWARE.{ext}"), p, b)),
                    Ok(_) => {}
                    Err(e) => ctx.problem(
                        display_path(&p),
                        format!("transaction log not read: {}", e.reason()),
                    ),
                }
            }
        }
        Some(Box::new(move || {
            let mut out = Detached::default();
            let primary = match primary.bytes() {
                Ok(b) => b,
                Err(e) => {
                    out.problem(&shown, format!("SOFTWARE hive not read: {}", e.reason()));
                    return out;
                }
            };
            let mut read = Vec::new();
            for (name, path, log) in logs {
                match log.bytes() {
                    Ok(b) => read.push((name, b)),
                    Err(e) => out.problem(
                        display_path(&path),
                        format!("transaction log not read: {}", e.reason()),
                    ),
                }
            }
            analyse_hive(&mut out, primary, read, &shown);
            out
        }))
    }
}

/// Replays the logs into the hive, reads ProfileList (SID → user) and turns TaskCache into
/// records.
fn analyse_hive(ctx: &mut Detached, primary: Vec<u8>, logs: Vec<(String, Vec<u8>)>, shown: &str) {
    let mut hive = match Hive::open(primary, logs) {
        Ok(h) => h,
        Err(e) => {
            ctx.problem(shown, e.to_string());
            return;
        }
    };
    let st = hive.state.clone();
    if st.dirty {
        ctx.notice(
            shown,
            format!(
                "hive is dirty (sequence numbers {} and {}); {} transaction log entries applied from {}",
                st.sequence.0,
                st.sequence.1,
                st.log_entries_applied,
                if st.logs.is_empty() {
                    "no log (none found: recent changes may be missing)".to_string()
                } else {
                    st.logs.iter().map(|(n, c)| format!("{n} ({c})")).collect::<Vec<_>>().join(", ")
                }
            ),
        );
    }
    for note in &st.parser_notes {
        if note.contains("recovery failed") {
            ctx.notice(shown, note.clone());
        }
    }
    ctx.facts.time_zones = dynamic_dst(&mut hive);
    match hive.subtree(PROFILE_LIST, 2, 10_000) {
        Ok(Some(pl)) => {
            for k in pl.subkeys.iter().filter(|k| !k.deleted) {
                if let Some(p) = k.string("ProfileImagePath") {
                    let user = p.rsplit(['\\', '/']).next().unwrap_or(p).to_string();
                    ctx.facts.sid_names.entry(k.name.clone()).or_insert(user);
                }
            }
        }
        Ok(None) => {}
        Err(e) => ctx.problem(shown, format!("ProfileList: {e}")),
    }
    let tc = match hive.subtree(TASKCACHE, 40, 500_000) {
        Ok(Some(k)) => k,
        Ok(None) => {
            ctx.notice(shown, "SOFTWARE hive has no Schedule\\TaskCache key");
            return;
        }
        Err(e) => {
            ctx.problem(shown, format!("TaskCache: {e}"));
            return;
        }
    };
    ctx.facts.taskcache_read = true;
    fn count(k: &RegKey) -> u64 {
        1 + k.subkeys.iter().map(count).sum::<u64>()
    }
    ctx.facts.registry_keys += count(&tc);
    let hive_details = serde_json::to_value(&st).unwrap_or(Value::Null);
    let records = build_records(ctx, &tc, shown, hive_details);
    ctx.records.extend(records);
}

/// The per-year rules under `Time Zones\<zone>\Dynamic DST`, by lowercase zone key name.
fn dynamic_dst(hive: &mut Hive) -> BTreeMap<String, crate::formats::windows_tz::DynamicDst> {
    let mut out = BTreeMap::new();
    let Ok(Some(zones)) = hive.subtree(TIME_ZONES, 2, 20_000) else {
        return out;
    };
    for zone in zones.subkeys.iter().filter(|k| !k.deleted) {
        let Some(dynamic) = zone.subkey("Dynamic DST").filter(|k| !k.deleted) else {
            continue;
        };
        let (Some(first), Some(last)) = (dynamic.dword("FirstEntry"), dynamic.dword("LastEntry"))
        else {
            continue;
        };
        let mut rules = crate::formats::windows_tz::DynamicDst::default();
        // One pass over the values (a hostile FirstEntry/LastEntry span costs nothing).
        for v in dynamic.values.iter().filter(|v| !v.deleted) {
            let Ok(year) = v.name.parse::<u32>() else {
                continue;
            };
            let (RegData::Binary(b), Ok(y)) = (&v.data, i16::try_from(year)) else {
                continue;
            };
            if (first..=last).contains(&year) {
                if let Some(z) = crate::formats::windows_tz::from_tzi(&zone.name, b) {
                    rules.years.insert(y, z);
                }
            }
        }
        if !rules.years.is_empty() {
            out.insert(zone.name.to_lowercase(), rules);
        }
    }
    out
}

/// Where a deleted key or value came from, as said in details.
fn recovered_from(before_logs: bool) -> &'static str {
    if before_logs {
        "primary file before transaction-log replay"
    } else {
        "free cell"
    }
}

/// A value's name in details: deleted and earlier versions are told apart from current ones.
fn value_label(v: &crate::registry::RegValue) -> String {
    if v.before_logs {
        format!("{} (before log replay)", v.name)
    } else if v.deleted {
        format!("{} (deleted value)", v.name)
    } else {
        v.name.clone()
    }
}

/// The key's LastWrite time before log replay, when the logs changed it.
fn insert_key_times(t: &mut Map<String, Value>, k: &RegKey) {
    if let Some(p) = k.prior_last_written {
        t.insert(
            "last_written_before_log_replay".into(),
            json!(p.to_string()),
        );
    }
}

/// A task leaf of the Tree: its name and key.
struct Leaf<'a> {
    name: String,
    key: &'a RegKey,
    deleted: bool,
}

fn collect_leaves<'a>(
    key: &'a RegKey,
    prefix: &str,
    parent_deleted: bool,
    out: &mut Vec<Leaf<'a>>,
) {
    for k in &key.subkeys {
        let name = format!("{prefix}\\{}", k.name);
        let deleted = parent_deleted || k.deleted;
        // A task leaf carries Id or Index; a key with neither is a folder (possibly empty).
        let is_task = k.value("Id").is_some() || k.value("Index").is_some();
        if is_task {
            out.push(Leaf {
                name: name.clone(),
                key: k,
                deleted,
            });
        }
        collect_leaves(k, &name, deleted, out);
    }
}

fn data_json(d: &RegData) -> Value {
    match d {
        RegData::Sz(s) => json!(s),
        RegData::MultiSz(v) => json!(v),
        RegData::Dword(x) => json!(x),
        RegData::Qword(x) => json!(x),
        RegData::Binary(b) => json!(crate::formats::bytes::hex(b)),
        RegData::None => Value::Null,
        RegData::Invalid => json!("<invalid>"),
    }
}

fn norm_guid(s: &str) -> String {
    s.trim().trim_end_matches('\0').to_ascii_uppercase()
}

fn build_records(
    ctx: &mut Detached,
    tc: &RegKey,
    hive_path: &str,
    hive_details: Value,
) -> Vec<Record> {
    let mut leaves = Vec::new();
    if let Some(tree) = tc.subkey("Tree") {
        collect_leaves(tree, "", tree.deleted, &mut leaves);
    }
    // GUID -> Tasks keys (allocated first).
    let mut tasks: BTreeMap<String, Vec<&RegKey>> = BTreeMap::new();
    if let Some(t) = tc.subkey("Tasks") {
        for k in &t.subkeys {
            tasks.entry(norm_guid(&k.name)).or_default().push(k);
        }
    }
    // GUID -> buckets it sits in (name, deleted).
    let mut buckets: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    for (b, _) in BUCKETS {
        if let Some(bk) = tc.subkey(b) {
            for k in &bk.subkeys {
                buckets
                    .entry(norm_guid(&k.name))
                    .or_default()
                    .push((b.to_string(), k.deleted || bk.deleted));
            }
        }
    }
    let mut used: std::collections::BTreeSet<(String, bool)> = Default::default();
    let mut out = Vec::new();
    for leaf in &leaves {
        let guid = leaf.key.string("Id").map(norm_guid);
        let task_key = guid.as_ref().and_then(|g| {
            let v = tasks.get(g)?;
            v.iter()
                .find(|k| k.deleted == leaf.deleted)
                .or(v.first())
                .copied()
        });
        if let (Some(g), Some(k)) = (&guid, task_key) {
            used.insert((g.clone(), k.deleted));
        }
        out.push(record(
            ctx,
            hive_path,
            &hive_details,
            Some(leaf),
            guid.as_deref(),
            task_key,
            &buckets,
        ));
    }
    for (g, keys) in &tasks {
        for k in keys {
            if used.contains(&(g.clone(), k.deleted)) {
                continue;
            }
            out.push(record(
                ctx,
                hive_path,
                &hive_details,
                None,
                Some(g),
                Some(k),
                &buckets,
            ));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn record(
    ctx: &mut Detached,
    hive_path: &str,
    hive_details: &Value,
    leaf: Option<&Leaf<'_>>,
    guid: Option<&str>,
    task: Option<&RegKey>,
    buckets: &BTreeMap<String, Vec<(String, bool)>>,
) -> Record {
    let name = leaf
        .map(|l| l.name.clone())
        .or_else(|| task.and_then(|t| t.string("Path")).map(str::to_string))
        .or_else(|| guid.map(|g| format!("\\{g}")))
        .unwrap_or_default();
    let key_path = match (leaf, task) {
        (Some(l), _) => l.key.path.clone(),
        (None, Some(t)) => t.path.clone(),
        _ => String::new(),
    };
    let recovered = leaf.is_some_and(|l| l.deleted) || task.is_some_and(|t| t.deleted);
    // A key a logged transaction removed is still whole in the primary file; one from a free
    // cell may have lost values.
    let before_logs = leaf.is_none_or(|l| !l.deleted || l.key.before_logs)
        && task.is_none_or(|t| !t.deleted || t.before_logs);
    let mut rec = Record {
        artifact: "windows.taskcache",
        name: name.clone(),
        path: format!("{hive_path}!{key_path}"),
        technique: "T1053.005",
        ..Record::default()
    };
    rec.details.insert("hive".into(), hive_details.clone());
    rec.details.insert("recovered".into(), json!(recovered));
    if recovered {
        rec.details
            .insert("recovered_from".into(), json!(recovered_from(before_logs)));
    }
    if let Some(g) = guid {
        rec.details.insert("guid".into(), json!(g));
        let b: Vec<Value> = buckets
            .get(g)
            .map(|v| {
                v.iter()
                    .map(|(n, d)| json!({"bucket": n, "deleted": d}))
                    .collect()
            })
            .unwrap_or_default();
        rec.details.insert("buckets".into(), Value::Array(b));
    }
    if let Some(l) = leaf {
        let mut t = Map::new();
        t.insert("key".into(), json!(l.key.path));
        t.insert("deleted".into(), json!(l.deleted));
        insert_key_times(&mut t, l.key);
        for v in &l.key.values {
            if !v.name.eq_ignore_ascii_case("SD") {
                t.insert(value_label(v), data_json(&v.data));
            }
        }
        t.insert(
            "index".into(),
            l.key
                .dword("Index")
                .map(|i| json!(i))
                .unwrap_or(Value::Null),
        );
        let sd_value = l
            .key
            .values
            .iter()
            .filter(|v| v.name.eq_ignore_ascii_case("SD"))
            .min_by_key(|v| v.deleted);
        t.insert(
            "sd_present".into(),
            json!(sd_value.is_some_and(|v| !v.deleted)),
        );
        if let Some(v) = sd_value {
            if v.deleted {
                t.insert("sd_value_deleted".into(), json!(true));
                t.insert(
                    "sd_value_recovered_from".into(),
                    json!(recovered_from(v.before_logs)),
                );
            }
            if let RegData::Binary(b) = &v.data {
                match sd::parse(b) {
                    Ok(d) => {
                        t.insert("sd_summary".into(), json!(d.summary()));
                        t.insert("sd_admins_can_read".into(), json!(d.admins_can_read()));
                        t.insert("sd".into(), serde_json::to_value(&d).unwrap_or(Value::Null));
                    }
                    Err(e) => {
                        t.insert("sd_error".into(), json!(e.to_string()));
                        t.insert("sd_hex".into(), json!(crate::formats::bytes::hex(b)));
                    }
                }
            }
        }
        rec.details.insert("tree".into(), Value::Object(t));
        if let Some(lw) = l.key.last_written {
            rec.time(lw, "Key Last Written (TaskCache Tree)");
        }
        if let Some(p) = l.key.prior_last_written {
            rec.time(p, "Key Last Written before log replay (TaskCache Tree)");
        }
    }
    let mut enabled = None;
    let mut hidden = None;
    if let Some(k) = task {
        let mut t = Map::new();
        t.insert("key".into(), json!(k.path));
        t.insert("deleted".into(), json!(k.deleted));
        for v in &k.values {
            if ["Actions", "Triggers", "DynamicInfo"]
                .iter()
                .any(|n| v.name.eq_ignore_ascii_case(n))
            {
                continue;
            }
            t.insert(value_label(v), data_json(&v.data));
        }
        insert_key_times(&mut t, k);
        rec.details.insert("tasks".into(), Value::Object(t));
        if let Some(lw) = k.last_written {
            rec.time(lw, "Key Last Written (TaskCache Tasks)");
        }
        if let Some(p) = k.prior_last_written {
            rec.time(p, "Key Last Written before log replay (TaskCache Tasks)");
        }
        if let Some(b) = k.binary("Actions") {
            match task_cache::parse_actions(b) {
                Ok(a) => {
                    if let Some(e) = &a.error {
                        ctx.problem(&rec.path, format!("Actions blob partly decoded: {e}"));
                    }
                    rec.command = a.command();
                    rec.details.insert(
                        "actions".into(),
                        serde_json::to_value(&a).unwrap_or(Value::Null),
                    );
                }
                Err(e) => ctx.problem(&rec.path, format!("Actions blob: {e}")),
            }
        }
        if let Some(b) = k.binary("Triggers") {
            match task_cache::parse_triggers(b) {
                Ok(t) => {
                    if let Some(e) = &t.error {
                        ctx.notice(
                            &rec.path,
                            format!("Triggers blob decoded up to an unknown part: {e}"),
                        );
                    }
                    rec.schedule = t
                        .triggers
                        .iter()
                        .map(|x| x.describe())
                        .collect::<Vec<_>>()
                        .join(" | ");
                    enabled = Some(t.job.enabled());
                    hidden = Some(t.job.hidden());
                    rec.user = t
                        .job
                        .user_sid
                        .clone()
                        .or_else(|| t.job.user_name.clone())
                        .unwrap_or_default();
                    rec.details.insert(
                        "triggers".into(),
                        serde_json::to_value(&t).unwrap_or(Value::Null),
                    );
                }
                Err(e) => ctx.problem(&rec.path, format!("Triggers blob: {e}")),
            }
        }
        if let Some(b) = k.binary("DynamicInfo") {
            match task_cache::parse_dynamic_info(b) {
                Ok(d) => {
                    if let Some(t) = d.registered {
                        rec.time(t, "Task Registered (DynamicInfo)");
                    }
                    if let Some(t) = d.last_run {
                        rec.time(t, "Task Last Run (DynamicInfo)");
                    }
                    if let Some(t) = d.last_completed {
                        rec.time(t, "Task Last Completed (DynamicInfo)");
                    }
                    let mut v = serde_json::to_value(&d).unwrap_or(Value::Null);
                    if let Value::Object(m) = &mut v {
                        m.insert(
                            "last_result".into(),
                            json!(format!("0x{:08x}", d.last_result())),
                        );
                    }
                    rec.details.insert("dynamic_info".into(), v);
                }
                Err(e) => ctx.problem(&rec.path, format!("DynamicInfo: {e}")),
            }
        }
        if let Some(date) = k.string("Date") {
            match crate::formats::task_xml::parse_datetime(date) {
                Some(crate::formats::task_xml::XsdDateTime::Utc(t)) => {
                    rec.time(t, "Task Registered (TaskCache Date)")
                }
                Some(crate::formats::task_xml::XsdDateTime::Local(t)) => {
                    rec.local_time(t, "Task Registered (TaskCache Date)")
                }
                None => {}
            }
        }
    }
    rec.enabled = enabled;
    if let Some(h) = hidden {
        rec.details.insert("hidden_flag".into(), json!(h));
    }
    let mut msg = format!("TaskCache entry {name}");
    if recovered && before_logs {
        msg.push_str(" (removed by a logged transaction; recovered from the primary file)");
    } else if recovered {
        msg.push_str(" (recovered deleted key)");
    }
    if !rec.command.is_empty() {
        msg.push_str(&format!(" runs {}", rec.command));
    }
    if !rec.user.is_empty() {
        msg.push_str(&format!(" as {}", rec.user));
    }
    if !rec.schedule.is_empty() {
        msg.push_str(&format!(" on {}", rec.schedule));
    }
    rec.message = msg;
    rec
}
