//! Registry hives through `notatin`, behind a small owned model: open a hive from bytes read out
//! of the evidence, replay its transaction logs, recover deleted keys and values, and copy one
//! subtree (TaskCache) into plain structs the collectors can walk without touching notatin.

use crate::time::Time;
use notatin::cell_key_node::CellKeyNode;
use notatin::cell_value::CellValue;
use notatin::parser::Parser;
use notatin::parser_builder::ParserBuilder;

/// A value's data, by registry type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegData {
    /// REG_SZ / REG_EXPAND_SZ.
    Sz(String),
    /// REG_MULTI_SZ.
    MultiSz(Vec<String>),
    /// REG_DWORD.
    Dword(u32),
    /// REG_QWORD.
    Qword(u64),
    /// REG_BINARY and anything else kept as bytes.
    Binary(Vec<u8>),
    /// No data.
    None,
    /// Data notatin could not interpret.
    Invalid,
}

/// One value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegValue {
    /// Value name (`""` for the default value).
    pub name: String,
    /// Its data.
    pub data: RegData,
    /// Not in the hive's current state: recovered from free space, or (with `before_logs`) an
    /// earlier content that a logged transaction removed or replaced.
    pub deleted: bool,
    /// Taken from the primary file as it was before its transaction logs were replayed: the
    /// value was removed or changed by a logged write (`deleted` is then true too).
    pub before_logs: bool,
}

/// One key with its subtree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegKey {
    /// Key name.
    pub name: String,
    /// Path below the hive root, `\`-separated.
    pub path: String,
    /// LastWrite time.
    pub last_written: Option<Time>,
    /// Not in the hive's current state: recovered from free space, or (with `before_logs`) a
    /// key that a logged transaction removed.
    pub deleted: bool,
    /// Taken from the primary file as it was before its transaction logs were replayed (the key
    /// was removed by a logged write).
    pub before_logs: bool,
    /// The key's LastWrite time in the primary file before log replay, when the logs changed it:
    /// the key was written again by a logged transaction.
    pub prior_last_written: Option<Time>,
    /// Values (deleted ones included, flagged).
    pub values: Vec<RegValue>,
    /// Sub-keys (deleted ones included, flagged).
    pub subkeys: Vec<RegKey>,
}

impl RegKey {
    /// A value by name (case-insensitive, allocated values before deleted ones).
    pub fn value(&self, name: &str) -> Option<&RegValue> {
        self.values
            .iter()
            .filter(|v| v.name.eq_ignore_ascii_case(name))
            .min_by_key(|v| v.deleted)
    }

    /// A sub-key by name (case-insensitive, allocated before deleted).
    pub fn subkey(&self, name: &str) -> Option<&RegKey> {
        self.subkeys
            .iter()
            .filter(|k| k.name.eq_ignore_ascii_case(name))
            .min_by_key(|k| k.deleted)
    }

    /// A REG_SZ value's text.
    pub fn string(&self, name: &str) -> Option<&str> {
        match &self.value(name)?.data {
            RegData::Sz(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// A REG_DWORD value.
    pub fn dword(&self, name: &str) -> Option<u32> {
        match &self.value(name)?.data {
            RegData::Dword(d) => Some(*d),
            RegData::Binary(b) if b.len() == 4 => {
                Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            _ => None,
        }
    }

    /// A binary value's bytes.
    pub fn binary(&self, name: &str) -> Option<&[u8]> {
        match &self.value(name)?.data {
            RegData::Binary(b) => Some(b.as_slice()),
            _ => None,
        }
    }
}

/// What is known about a hive's consistency and its transaction logs.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct HiveState {
    /// Primary and secondary sequence numbers of the base block.
    pub sequence: (u32, u32),
    /// True when they differ: the hive was not cleanly written and needs its logs.
    pub dirty: bool,
    /// Each log given: name and the number of log entries newer than the hive.
    pub logs: Vec<(String, usize)>,
    /// Log entries that apply to this hive (in sequence after the hive's secondary number).
    pub log_entries_applied: usize,
    /// Deleted keys recovered from free cells of the primary file.
    pub deleted_keys_recovered: usize,
    /// Messages notatin logged while parsing (warnings about logs, cells, …).
    pub parser_notes: Vec<String>,
}

/// An opened hive.
pub struct Hive {
    parser: Parser,
    /// Consistency and log information.
    pub state: HiveState,
    /// Keys recovered from free cells of the primary file: (path of the parent, key).
    deleted: Vec<(String, RegKey)>,
    /// The primary file parsed alone, when transaction logs changed it: what keys and values
    /// were before the logged writes.
    before: Option<Parser>,
}

/// Why a hive could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum RegError {
    /// The primary file is not a registry hive.
    #[error("not a registry hive (no \"regf\" signature)")]
    NotAHive,
    /// notatin refused it.
    #[error("hive cannot be parsed: {0}")]
    Parse(String),
}

fn u32_at(b: &[u8], o: usize) -> u32 {
    b.get(o..o + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .unwrap_or(0)
}

/// Counts the new-format (`HvLE`) log entries of a transaction log whose sequence numbers follow
/// `after` without gaps. Old-format logs (`DIRT`) count as one entry when newer.
pub fn count_log_entries(log: &[u8], after: u32) -> usize {
    if log.len() < 512 || &log[..4] != b"regf" {
        return 0;
    }
    let mut off = 512;
    let mut expect = None;
    let mut n = 0;
    while off + 40 <= log.len() && &log[off..off + 4] == b"HvLE" {
        let size = u32_at(log, off + 4) as usize;
        let seq = u32_at(log, off + 12);
        if size < 40 || size % 512 != 0 || off + size > log.len() {
            break;
        }
        match expect {
            None if seq >= after => {
                n += 1;
                expect = Some(seq + 1);
            }
            Some(e) if seq == e => {
                n += 1;
                expect = Some(seq + 1);
            }
            Some(_) => break,
            None => {}
        }
        off += size;
    }
    if n == 0 && log.len() >= 1024 && &log[512..516] == b"DIRT" && u32_at(log, 4) >= after {
        n = 1;
    }
    n
}

impl Hive {
    /// Opens a hive from its bytes and its transaction logs (`(name, bytes)`), replaying the logs
    /// and recovering deleted cells. When recovery makes the hive unreadable (seen on truncated
    /// hives), it is opened again without recovery and that is noted.
    pub fn open(primary: Vec<u8>, logs: Vec<(String, Vec<u8>)>) -> Result<Hive, RegError> {
        if primary.len() < 4096 || &primary[..4] != b"regf" {
            return Err(RegError::NotAHive);
        }
        let seq = (u32_at(&primary, 4), u32_at(&primary, 8));
        let mut state = HiveState {
            sequence: seq,
            dirty: seq.0 != seq.1,
            ..HiveState::default()
        };
        for (name, bytes) in &logs {
            let n = count_log_entries(bytes, seq.1);
            state.logs.push((name.clone(), n));
        }
        state.log_entries_applied = state.logs.iter().map(|l| l.1).sum();
        // When logs apply, the primary file alone is what the keys were before the logged writes
        // (held once more in memory while the hive is open).
        let before = if state.log_entries_applied > 0 {
            let mut b = ParserBuilder::from_file(OwnedReader::new(primary.clone()));
            b.recover_deleted(false);
            match b.build() {
                Ok(p) => Some(p),
                Err(e) => {
                    state.parser_notes.push(format!(
                        "the primary file alone (before log replay) cannot be parsed: {e}"
                    ));
                    None
                }
            }
        } else {
            None
        };
        let mut deleted = scan_deleted_keys(&primary);
        // Parents before children, so nested deleted keys attach under their deleted parents.
        deleted.sort_by_key(|(p, k)| (p.matches('\\').count(), p.len(), k.name.clone()));
        state.deleted_keys_recovered = deleted.len();
        let mut b = ParserBuilder::from_file(OwnedReader::new(primary));
        b.recover_deleted(false);
        for (_, bytes) in logs {
            b.with_transaction_log(OwnedReader::new(bytes));
        }
        let parser = b.build().map_err(|e| RegError::Parse(e.to_string()))?;
        let logs_text = format!("{:?}", parser.get_parse_logs());
        if logs_text.contains("Warning") || logs_text.contains("Error") {
            state.parser_notes.push(logs_text);
        }
        Ok(Hive {
            parser,
            state,
            deleted,
            before,
        })
    }

    /// Copies the key at `path` (below the root, `\`-separated) and its subtree, at most
    /// `max_depth` levels and `max_keys` keys. `Ok(None)` when the key does not exist.
    pub fn subtree(
        &mut self,
        path: &str,
        max_depth: usize,
        max_keys: usize,
    ) -> Result<Option<RegKey>, RegError> {
        let key = self
            .parser
            .get_key(path, false)
            .map_err(|e| RegError::Parse(e.to_string()))?;
        let Some(mut key) = key else { return Ok(None) };
        let mut budget = max_keys;
        let mut tree = copy_key(&mut self.parser, &mut key, max_depth, &mut budget, path);
        if let Some(before) = &mut self.before {
            // A failure here only loses the earlier versions, not the current state.
            if let Ok(Some(mut old)) = before.get_key(path, false) {
                let mut budget = max_keys;
                let old = copy_key(before, &mut old, max_depth, &mut budget, path);
                add_prior_versions(&mut tree, &old);
            }
        }
        // Deleted keys whose parent lies in this subtree hang under their nearest existing
        // ancestor, named by the rest of their path.
        let prefix = path.to_lowercase();
        for (parent, k) in &self.deleted {
            let lp = parent.to_lowercase();
            if !prefix.is_empty() && lp != prefix && !lp.starts_with(&format!("{prefix}\\")) {
                continue;
            }
            attach(&mut tree, parent, k.clone());
        }
        Ok(Some(tree))
    }
}

/// A reader over owned bytes whose `read_to_end` into an empty buffer hands the bytes over
/// instead of copying them: notatin reads the whole hive into its own buffer, and a hive of
/// hundreds of MB must not be held twice.
struct OwnedReader {
    data: Vec<u8>,
    pos: u64,
}

impl OwnedReader {
    fn new(data: Vec<u8>) -> Self {
        OwnedReader { data, pos: 0 }
    }
}

impl std::io::Read for OwnedReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = (self.pos as usize).min(self.data.len());
        let n = buf.len().min(self.data.len() - start);
        buf[..n].copy_from_slice(&self.data[start..start + n]);
        self.pos += n as u64;
        Ok(n)
    }

    fn read_to_end(&mut self, buf: &mut Vec<u8>) -> std::io::Result<usize> {
        if buf.is_empty() && self.pos == 0 {
            std::mem::swap(buf, &mut self.data);
            self.pos = buf.len() as u64;
            return Ok(buf.len());
        }
        let start = (self.pos as usize).min(self.data.len());
        buf.extend_from_slice(&self.data[start..]);
        self.pos = self.data.len() as u64;
        Ok(self.data.len() - start)
    }
}

impl std::io::Seek for OwnedReader {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let len = self.data.len() as u64;
        let new = match to {
            std::io::SeekFrom::Start(p) => Some(p),
            std::io::SeekFrom::End(d) => len.checked_add_signed(d),
            std::io::SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = new.ok_or_else(|| std::io::Error::other("seek before the start"))?;
        Ok(self.pos)
    }
}

fn convert_value(v: &notatin::cell_key_value::CellKeyValue) -> RegValue {
    let (content, _) = v.get_content();
    let data = match content {
        CellValue::String(s) => RegData::Sz(s),
        CellValue::MultiString(m) => RegData::MultiSz(m),
        CellValue::U32(d) => RegData::Dword(d),
        CellValue::I32(d) => RegData::Dword(d as u32),
        CellValue::U64(q) => RegData::Qword(q),
        CellValue::I64(q) => RegData::Qword(q as u64),
        CellValue::Binary(b) => RegData::Binary(b),
        CellValue::None => RegData::None,
        CellValue::Error => RegData::Invalid,
    };
    RegValue {
        name: v.detail.value_name().to_string(),
        data,
        deleted: v.cell_state.is_deleted(),
        before_logs: false,
    }
}

fn key_time(k: &CellKeyNode) -> Option<Time> {
    let dt = k.last_key_written_date_and_time();
    Time::from_unix(dt.timestamp(), dt.timestamp_subsec_nanos(), 7)
}

fn copy_key(
    parser: &mut Parser,
    key: &mut CellKeyNode,
    depth: usize,
    budget: &mut usize,
    path: &str,
) -> RegKey {
    *budget = budget.saturating_sub(1);
    let mut out = RegKey {
        name: key.key_name.clone(),
        path: path.to_string(),
        last_written: key_time(key),
        deleted: key.cell_state.is_deleted(),
        before_logs: false,
        prior_last_written: None,
        values: key.value_iter().map(|v| convert_value(&v)).collect(),
        subkeys: Vec::new(),
    };
    if depth == 0 || *budget == 0 {
        return out;
    }
    for mut c in key.read_sub_keys(parser) {
        if *budget == 0 {
            break;
        }
        let p = if path.is_empty() {
            c.key_name.clone()
        } else {
            format!("{path}\\{}", c.key_name)
        };
        out.subkeys
            .push(copy_key(parser, &mut c, depth - 1, budget, &p));
    }
    out
}

/// Adds to `now` (a key after log replay) what `before` (the same key in the primary file alone)
/// held that the logged writes removed or changed: removed keys and values, and the earlier
/// content of changed values, all flagged `deleted` and `before_logs`; and the earlier LastWrite
/// time when it differs.
pub fn add_prior_versions(now: &mut RegKey, before: &RegKey) {
    if before.last_written != now.last_written {
        now.prior_last_written = before.last_written;
    }
    for old in before.values.iter().filter(|v| !v.deleted) {
        let current = now
            .values
            .iter()
            .find(|v| !v.deleted && v.name.eq_ignore_ascii_case(&old.name));
        if current.is_none_or(|v| v.data != old.data) {
            now.values.push(RegValue {
                deleted: true,
                before_logs: true,
                ..old.clone()
            });
        }
    }
    for old in before.subkeys.iter().filter(|k| !k.deleted) {
        match now
            .subkeys
            .iter_mut()
            .find(|k| !k.deleted && k.name.eq_ignore_ascii_case(&old.name))
        {
            Some(k) => add_prior_versions(k, old),
            None => {
                let mut gone = old.clone();
                mark_before_logs(&mut gone);
                now.subkeys.push(gone);
            }
        }
    }
}

fn mark_before_logs(k: &mut RegKey) {
    k.deleted = true;
    k.before_logs = true;
    for v in &mut k.values {
        v.deleted = true;
        v.before_logs = true;
    }
    for s in &mut k.subkeys {
        mark_before_logs(s);
    }
}

/// Puts a recovered key under `parent_path` in `tree`: under the deepest key of the path that
/// exists, with the missing part of the path prefixed to its name.
fn attach(tree: &mut RegKey, parent_path: &str, mut key: RegKey) {
    let rel = parent_path
        .get(tree.path.len()..)
        .unwrap_or("")
        .trim_start_matches('\\');
    let mut node = tree;
    let comps: Vec<&str> = rel.split('\\').filter(|c| !c.is_empty()).collect();
    let mut i = 0;
    while i < comps.len() {
        match node
            .subkeys
            .iter()
            .position(|k| k.name.eq_ignore_ascii_case(comps[i]))
        {
            Some(pos) => {
                node = &mut node.subkeys[pos];
                i += 1;
            }
            None => break,
        }
    }
    if i < comps.len() {
        key.name = format!("{}\\{}", comps[i..].join("\\"), key.name);
    }
    key.path = format!("{}\\{}", node.path, key.name);
    node.subkeys.push(key);
}

// ------------------------------------------------------------------ free-cell recovery

const HBIN_START: usize = 4096;

fn i32_at(b: &[u8], o: usize) -> Option<i32> {
    b.get(o..o + 4)
        .map(|s| i32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    b.get(o..o + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u64_at(b: &[u8], o: usize) -> Option<u64> {
    b.get(o..o + 8)
        .map(|s| u64::from_le_bytes(s.try_into().expect("8 bytes")))
}

/// A key node read straight from the bytes (allocated or free).
struct RawNk {
    name: String,
    parent: u32,
    flags: u16,
    last_written: u64,
    value_count: u32,
    value_list: u32,
}

/// Reads the `nk` record whose cell starts at hive offset `rel` (relative to the first hbin).
fn raw_nk(hive: &[u8], rel: u32) -> Option<RawNk> {
    let c = HBIN_START.checked_add(rel as usize)?;
    let k = c + 4;
    if hive.get(k..k + 2)? != b"nk" {
        return None;
    }
    let flags = u16_at(hive, k + 2)?;
    let name_len = u16_at(hive, k + 72)? as usize;
    let raw = hive.get(k + 76..k + 76 + name_len)?;
    let name = if flags & 0x20 != 0 {
        raw.iter().map(|&b| b as char).collect()
    } else {
        crate::formats::bytes::utf16_lossy(raw)
    };
    Some(RawNk {
        name,
        parent: u32_at(hive, k + 16),
        flags,
        last_written: u64_at(hive, k + 4)?,
        value_count: u32_at(hive, k + 36),
        value_list: u32_at(hive, k + 40),
    })
}

/// The path of the key at `rel` (root excluded), following parent offsets up to the root.
fn raw_path(hive: &[u8], mut rel: u32) -> Option<String> {
    let mut names = Vec::new();
    for _ in 0..64 {
        let nk = raw_nk(hive, rel)?;
        if nk.flags & 0x4 != 0 {
            names.reverse();
            return Some(names.join("\\"));
        }
        names.push(nk.name);
        rel = nk.parent;
    }
    None
}

/// Reads a value record (`vk`) at `rel`, allocated or not; data that is gone gives `Invalid`.
fn raw_vk(hive: &[u8], rel: u32) -> Option<RegValue> {
    let k = HBIN_START.checked_add(rel as usize)? + 4;
    if hive.get(k..k + 2)? != b"vk" {
        return None;
    }
    let name_len = u16_at(hive, k + 2)? as usize;
    let size = u32_at(hive, k + 4);
    let off = u32_at(hive, k + 8);
    let vtype = u32_at(hive, k + 12);
    let flags = u16_at(hive, k + 16)?;
    let raw = hive.get(k + 20..k + 20 + name_len)?;
    let name = if flags & 1 != 0 {
        raw.iter().map(|&b| b as char).collect()
    } else {
        crate::formats::bytes::utf16_lossy(raw)
    };
    let data: Option<Vec<u8>> = if size & 0x8000_0000 != 0 {
        let n = (size & 0x7FFF_FFFF).min(4) as usize;
        Some(off.to_le_bytes()[..n].to_vec())
    } else if size <= 16344 {
        let d = HBIN_START.checked_add(off as usize)? + 4;
        hive.get(d..d + size as usize).map(<[u8]>::to_vec)
    } else {
        None
    };
    let data = match (vtype, data) {
        (_, None) => RegData::Invalid,
        (1 | 2, Some(d)) => RegData::Sz(crate::formats::bytes::utf16_lossy(&d)),
        (4, Some(d)) if d.len() == 4 => {
            RegData::Dword(u32::from_le_bytes([d[0], d[1], d[2], d[3]]))
        }
        (11, Some(d)) if d.len() == 8 => {
            RegData::Qword(u64::from_le_bytes(d[..8].try_into().expect("8 bytes")))
        }
        (_, Some(d)) => RegData::Binary(d),
    };
    Some(RegValue {
        name,
        data,
        deleted: true,
        before_logs: false,
    })
}

/// Scans every hbin of the primary file for free cells holding a key record, and rebuilds each
/// one's path and values. Returns (parent path, key).
pub fn scan_deleted_keys(hive: &[u8]) -> Vec<(String, RegKey)> {
    let mut out = Vec::new();
    let end = HBIN_START
        .saturating_add(u32_at(hive, 40) as usize)
        .min(hive.len());
    let mut hbin = HBIN_START;
    while hbin + 32 <= end && hive.get(hbin..hbin + 4) == Some(b"hbin") {
        let size = u32_at(hive, hbin + 8) as usize;
        if size < 4096 || size % 4096 != 0 {
            break;
        }
        let limit = (hbin + size).min(end);
        let mut cell = hbin + 32;
        while cell + 4 <= limit {
            let Some(sz) = i32_at(hive, cell) else { break };
            let len = sz.unsigned_abs() as usize;
            if len < 8 || len % 8 != 0 {
                break;
            }
            if sz > 0 && hive.get(cell + 4..cell + 6) == Some(b"nk") {
                let rel = (cell - HBIN_START) as u32;
                if let Some(nk) = raw_nk(hive, rel) {
                    if let Some(parent) = raw_path(hive, nk.parent) {
                        let mut values = Vec::new();
                        if nk.value_count > 0 && nk.value_count < 4096 {
                            let list = HBIN_START.saturating_add(nk.value_list as usize) + 4;
                            for i in 0..nk.value_count as usize {
                                if let Some(v) = hive.get(list + 4 * i..list + 4 * i + 4) {
                                    let vo = u32::from_le_bytes([v[0], v[1], v[2], v[3]]);
                                    if let Some(val) = raw_vk(hive, vo) {
                                        values.push(val);
                                    }
                                }
                            }
                        }
                        let path = if parent.is_empty() {
                            nk.name.clone()
                        } else {
                            format!("{parent}\\{}", nk.name)
                        };
                        out.push((
                            parent,
                            RegKey {
                                name: nk.name,
                                path,
                                last_written: Time::from_filetime(nk.last_written),
                                deleted: true,
                                before_logs: false,
                                prior_last_written: None,
                                values,
                                subkeys: Vec::new(),
                            },
                        ));
                    }
                }
            }
            cell += len;
        }
        hbin += size;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(name: &str, data: RegData) -> RegValue {
        RegValue {
            name: name.into(),
            data,
            deleted: false,
            before_logs: false,
        }
    }

    fn key(name: &str, lw: i64, values: Vec<RegValue>, subkeys: Vec<RegKey>) -> RegKey {
        RegKey {
            name: name.into(),
            path: name.into(),
            last_written: Time::from_unix(lw, 0, 7),
            deleted: false,
            before_logs: false,
            prior_last_written: None,
            values,
            subkeys,
        }
    }

    #[test]
    fn prior_versions_keep_what_logged_writes_removed_or_changed() {
        // Before: a Tree task key with SD, Index 3 and Id; after the logs: SD gone, Index 0,
        // Id unchanged, and a sibling key removed.
        let sd = RegData::Binary(vec![1, 0, 4, 0x80]);
        let before = key(
            "Tree",
            100,
            vec![],
            vec![
                key(
                    "Evil",
                    100,
                    vec![
                        value("SD", sd.clone()),
                        value("Index", RegData::Dword(3)),
                        value("Id", RegData::Sz("{G}".into())),
                    ],
                    vec![],
                ),
                key(
                    "Gone",
                    50,
                    vec![value("Id", RegData::Sz("{H}".into()))],
                    vec![],
                ),
            ],
        );
        let mut now = key(
            "Tree",
            100,
            vec![],
            vec![key(
                "Evil",
                200,
                vec![
                    value("Index", RegData::Dword(0)),
                    value("Id", RegData::Sz("{G}".into())),
                ],
                vec![],
            )],
        );
        add_prior_versions(&mut now, &before);
        assert_eq!(now.prior_last_written, None, "unchanged LastWrite");
        let evil = now.subkey("Evil").unwrap();
        assert_eq!(evil.prior_last_written, Time::from_unix(100, 0, 7));
        // Current values still win lookups; the earlier ones follow, flagged.
        assert_eq!(evil.dword("Index"), Some(0));
        let earlier: Vec<(&str, &RegData)> = evil
            .values
            .iter()
            .filter(|v| v.before_logs && v.deleted)
            .map(|v| (v.name.as_str(), &v.data))
            .collect();
        assert_eq!(earlier, [("SD", &sd), ("Index", &RegData::Dword(3))]);
        assert_eq!(evil.values.len(), 4, "Id unchanged: not repeated");
        let gone = now.subkeys.iter().find(|k| k.name == "Gone").unwrap();
        assert!(gone.deleted && gone.before_logs);
        assert!(gone.values.iter().all(|v| v.deleted && v.before_logs));
        // A key recovered from a free cell is not taken for a current one.
        assert!(now.subkey("Evil").is_some_and(|k| !k.deleted));
    }
}
