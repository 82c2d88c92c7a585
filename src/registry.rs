//! Registry hives through `notatin`, behind a small owned model: open a hive from bytes read out
//! of the evidence, replay its transaction logs, recover deleted keys and values, and copy one
//! subtree (TaskCache) into plain structs the collectors can walk without touching notatin.

use crate::time::Time;
use notatin::cell_key_node::CellKeyNode;
use notatin::cell_value::CellValue;
use notatin::parser::Parser;
use notatin::parser_builder::ParserBuilder;
use std::io::Cursor;

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
    /// Recovered from free space (deleted).
    pub deleted: bool,
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
    /// Recovered from free space (deleted key).
    pub deleted: bool,
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
            RegData::Binary(b) if b.len() == 4 => Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
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
    /// Whether deleted keys and values were recovered (false when recovery made the hive
    /// unreadable and it was opened again without it).
    pub deleted_recovery: bool,
    /// Messages notatin logged while parsing (warnings about logs, cells, …).
    pub parser_notes: Vec<String>,
}

/// An opened hive.
pub struct Hive {
    parser: Parser,
    /// Consistency and log information.
    pub state: HiveState,
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
    b.get(o..o + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]])).unwrap_or(0)
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
        let build = |recover: bool| -> Result<Parser, String> {
            let mut b = ParserBuilder::from_file(Cursor::new(primary.clone()));
            b.recover_deleted(recover);
            for (_, bytes) in &logs {
                b.with_transaction_log(Cursor::new(bytes.clone()));
            }
            b.build().map_err(|e| e.to_string())
        };
        let parser = match build(true) {
            Ok(p) => {
                state.deleted_recovery = true;
                p
            }
            Err(first) => {
                state.parser_notes.push(format!("deleted-cell recovery failed ({first}); hive read without it"));
                build(false).map_err(RegError::Parse)?
            }
        };
        let logs_text = format!("{:?}", parser.get_parse_logs());
        if logs_text.contains("Warning") || logs_text.contains("Error") {
            state.parser_notes.push(logs_text);
        }
        Ok(Hive { parser, state })
    }

    /// Copies the key at `path` (below the root, `\`-separated) and its subtree, at most
    /// `max_depth` levels and `max_keys` keys. `Ok(None)` when the key does not exist.
    pub fn subtree(&mut self, path: &str, max_depth: usize, max_keys: usize) -> Result<Option<RegKey>, RegError> {
        let key = self
            .parser
            .get_key(path, false)
            .map_err(|e| RegError::Parse(e.to_string()))?;
        let Some(mut key) = key else { return Ok(None) };
        let mut budget = max_keys;
        Ok(Some(copy_key(&mut self.parser, &mut key, max_depth, &mut budget, path)))
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
    }
}

fn key_time(k: &CellKeyNode) -> Option<Time> {
    let dt = k.last_key_written_date_and_time();
    Time::from_unix(dt.timestamp(), dt.timestamp_subsec_nanos(), 7)
}

fn copy_key(parser: &mut Parser, key: &mut CellKeyNode, depth: usize, budget: &mut usize, path: &str) -> RegKey {
    *budget = budget.saturating_sub(1);
    let mut out = RegKey {
        name: key.key_name.clone(),
        path: path.to_string(),
        last_written: key_time(key),
        deleted: key.cell_state.is_deleted(),
        values: key.value_iter().map(|v| convert_value(&v)).collect(),
        subkeys: Vec::new(),
    };
    if depth == 0 || *budget == 0 {
        return out;
    }
    let mut children = key.read_sub_keys(parser);
    children.extend(key.deleted_keys.iter().cloned());
    for mut c in children {
        if *budget == 0 {
            break;
        }
        let p = format!("{path}\\{}", c.key_name);
        let deleted_children: Vec<CellKeyNode> = c.deleted_keys.clone();
        let mut copied = copy_key(parser, &mut c, depth - 1, budget, &p);
        if copied.deleted {
            // A deleted key's own deleted children hang off it in notatin's model.
            for mut dc in deleted_children {
                if !copied.subkeys.iter().any(|k| k.name == dc.key_name) && *budget > 0 {
                    let dp = format!("{p}\\{}", dc.key_name);
                    copied.subkeys.push(copy_key(parser, &mut dc, depth.saturating_sub(2), budget, &dp));
                }
            }
        }
        out.subkeys.push(copied);
    }
    out
}
