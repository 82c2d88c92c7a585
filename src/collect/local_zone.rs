//! The target's own time zone, to turn its zone-less clock readings (task XML dates, `.job`
//! times, the TaskCache `Date`, crontab headers, anacron stamps) into UTC instants: Windows from
//! the SYSTEM hive (`TimeZoneInformation` of the current control set), Linux and macOS from
//! `/etc/localtime` (a TZif file, usually a link into the zoneinfo tree). Not a collector: it
//! emits no record, it only tells `app` how to read the others' local times.

use super::Limits;
use crate::formats::windows_tz::{signed, DynamicDst, Transition, WindowsZone};
use crate::fs::{resolve, FileKind, FileSystem};
use crate::registry::Hive;
use crate::target::{Layout, Os, Target};
use crate::time::Time;

/// A time zone found on the target (or given with `--assume-zone`).
#[derive(Debug, Clone)]
pub enum LocalZone {
    /// The Windows rule of the SYSTEM hive.
    Windows {
        /// The rule.
        zone: WindowsZone,
        /// Per-year rules of the same zone (SOFTWARE `Dynamic DST`), when known.
        dynamic: Option<DynamicDst>,
        /// Where it was read (`…/SYSTEM!ControlSet001\Control\TimeZoneInformation`).
        source: String,
    },
    /// A TZif zone.
    Tzif {
        /// The zone.
        zone: jiff::tz::TimeZone,
        /// Its name (`Europe/Berlin`), from the link target or `/etc/timezone`.
        name: String,
        /// Where it was read.
        source: String,
    },
}

impl LocalZone {
    /// The zone named by the analyst (`--assume-zone`), from the tz database.
    pub fn assumed(name: &str) -> Result<LocalZone, String> {
        let zone = jiff::tz::TimeZone::get(name).map_err(|e| e.to_string())?;
        Ok(LocalZone::Tzif {
            zone,
            name: name.to_string(),
            source: "--assume-zone".into(),
        })
    }

    /// The zone's name.
    pub fn name(&self) -> &str {
        match self {
            LocalZone::Windows { zone, .. } => &zone.name,
            LocalZone::Tzif { name, .. } => name,
        }
    }

    /// Where it was read.
    pub fn source(&self) -> &str {
        match self {
            LocalZone::Windows { source, .. } | LocalZone::Tzif { source, .. } => source,
        }
    }

    /// The UTC instant of the local clock reading `local` (held as if it were UTC), and the
    /// offset the zone had then (`UTC-04:00`). `None` when the instant cannot be placed.
    pub fn to_utc(&self, local: Time) -> Option<(Time, String)> {
        let ts = jiff::Timestamp::new(local.unix_seconds(), local.subsec_nanos() as i32).ok()?;
        let civil = ts.to_zoned(jiff::tz::TimeZone::UTC).datetime();
        let digits = local.digits();
        match self {
            LocalZone::Windows { zone, dynamic, .. } => {
                let zone = dynamic
                    .as_ref()
                    .and_then(|d| d.rule_for(civil.year()))
                    .unwrap_or(zone);
                let bias = zone.bias_at(civil);
                let utc = Time::from_unix(
                    local.unix_seconds() + 60 * i64::from(bias),
                    local.subsec_nanos(),
                    digits,
                )?;
                Some((utc, crate::time::offset_text(-60 * bias)))
            }
            LocalZone::Tzif { zone, .. } => {
                let utc = zone.to_ambiguous_timestamp(civil).compatible().ok()?;
                let text = crate::time::offset_text(zone.to_offset(utc).seconds());
                Some((Time::from_timestamp(utc, digits)?, text))
            }
        }
    }
}

/// Turns every zone-less time of `records` into UTC with `zone`. The desc loses its
/// ` (local time)` mark; `details.local_times` keeps the zone, where it was read and each original
/// reading with the offset used. Returns how many times were converted.
pub fn localize(records: &mut [crate::record::Record], zone: &LocalZone) -> usize {
    let mut n = 0;
    for r in records.iter_mut() {
        let mut converted = Vec::new();
        for t in r.times.iter_mut().filter(|t| t.local) {
            let Some((utc, offset)) = zone.to_utc(t.time) else {
                continue;
            };
            let desc = t
                .desc
                .strip_suffix(" (local time)")
                .unwrap_or(&t.desc)
                .to_string();
            let reading = t.time.to_string();
            converted.push(serde_json::json!({
                "desc": desc,
                "local": reading.trim_end_matches('Z'),
                "offset": offset,
            }));
            t.time = utc;
            t.desc = desc;
            t.local = false;
            n += 1;
        }
        if !converted.is_empty() {
            r.details.insert(
                "local_times".into(),
                serde_json::json!({"zone": zone.name(), "source": zone.source(), "converted": converted}),
            );
        }
    }
    n
}

/// A Windows target's SYSTEM hive, located (or read) but not parsed yet.
pub struct PendingZone {
    bytes: crate::fs::Later,
    shown: String,
}

/// The zone read from a SYSTEM hive, before the per-year rules are added.
pub struct SystemZone {
    zone: WindowsZone,
    no_dst: bool,
    source: String,
}

/// Finds the SYSTEM hive of a Windows root and locates its bytes (on NTFS they are copied by
/// whoever parses them, see [`parse_windows`]). `None` when the target has none.
pub fn locate_windows(
    fs: &dyn FileSystem,
    target: &Target,
    limits: Limits,
) -> Option<Result<PendingZone, String>> {
    if target.os != Os::Windows || target.layout != Layout::SystemRoot {
        return None;
    }
    let path = resolve(fs, &target.root, "Windows/System32/config/SYSTEM")?;
    let shown = super::display_path(&path);
    Some(
        fs.read_later(&path, limits.max_hive_size)
            .map(|bytes| PendingZone {
                bytes,
                shown: shown.clone(),
            })
            .map_err(|e| format!("{shown}: SYSTEM hive not read: {}", e.reason())),
    )
}

/// Reads and parses the located SYSTEM hive: `TimeZoneInformation` of the current control set.
/// Needs no file system, so it can run on another thread.
pub fn parse_windows(p: PendingZone) -> Result<SystemZone, String> {
    let shown = p.shown;
    let bytes = p
        .bytes
        .bytes()
        .map_err(|e| format!("{shown}: SYSTEM hive not read: {}", e.reason()))?;
    let mut hive = Hive::open(bytes, Vec::new()).map_err(|e| format!("{shown}: {e}"))?;
    let current = hive
        .subtree("Select", 0, 1)
        .ok()
        .flatten()
        .and_then(|k| k.dword("Current"))
        .unwrap_or(1);
    let key_path = format!("ControlSet{current:03}\\Control\\TimeZoneInformation");
    let key = hive
        .subtree(&key_path, 0, 1)
        .map_err(|e| format!("{shown}: {e}"))?
        .ok_or_else(|| format!("{shown}: no {key_path} key"))?;
    let bias = key
        .dword("Bias")
        .ok_or_else(|| format!("{shown}: {key_path} has no Bias value"))?;
    let no_dst = key.dword("DynamicDaylightTimeDisabled") == Some(1);
    let rule = |name: &str| {
        key.binary(name)
            .and_then(Transition::from_systemtime)
            .filter(|_| !no_dst)
    };
    let name = key
        .string("TimeZoneKeyName")
        .or_else(|| key.string("StandardName"))
        .unwrap_or("unnamed zone")
        .trim_end_matches('\0')
        .to_string();
    let zone = WindowsZone {
        name,
        bias: signed(bias),
        standard_bias: key.dword("StandardBias").map_or(0, signed),
        daylight_bias: key.dword("DaylightBias").map_or(0, signed),
        standard_start: rule("StandardStart"),
        daylight_start: rule("DaylightStart"),
    };
    if !zone.plausible() {
        return Err(format!(
            "{shown}: {key_path} holds implausible biases ({}, {}, {} minutes)",
            zone.bias, zone.standard_bias, zone.daylight_bias
        ));
    }
    Ok(SystemZone {
        zone,
        no_dst,
        source: format!("{shown}!{key_path}"),
    })
}

/// Adds the SOFTWARE hive's per-year rules of the same zone (from `facts`) to a SYSTEM zone.
pub fn finish_windows(found: SystemZone, facts: &super::Facts) -> LocalZone {
    let SystemZone {
        zone,
        no_dst,
        mut source,
    } = found;
    let dynamic = if no_dst {
        None
    } else {
        facts.time_zones.get(&zone.name.to_lowercase()).cloned()
    };
    if let Some(d) = &dynamic {
        if let (Some(first), Some(last)) = (d.years.keys().next(), d.years.keys().next_back()) {
            source.push_str(&format!(
                "; per-year rules {first}-{last} from SOFTWARE Time Zones\\{}\\Dynamic DST",
                zone.name
            ));
        }
    }
    LocalZone::Windows {
        zone,
        dynamic,
        source,
    }
}

/// Finds the zone of a Linux or macOS root in `/etc/localtime`. `Ok(None)` when the target is not
/// such a root or keeps no zone file; `Err` says why one that exists was unusable. (Windows roots:
/// [`locate_windows`], [`parse_windows`], [`finish_windows`].)
pub fn find_unix(fs: &dyn FileSystem, target: &Target) -> Result<Option<LocalZone>, String> {
    if target.os == Os::Windows || target.layout != Layout::SystemRoot {
        return Ok(None);
    }
    let Some(path) = resolve(fs, &target.root, "etc/localtime") else {
        return Ok(None);
    };
    let shown = super::display_path(&path);
    let md = fs.metadata(&path).map_err(|e| format!("{shown}: {e}"))?;
    // Usually a link into the zoneinfo tree: its target names the zone and holds the data.
    let (data_path, name) = if md.kind == Some(FileKind::Symlink) {
        let link = fs
            .read_link(&path)
            .map_err(|e| format!("{shown}: link not read: {e}"))?;
        let within = if link.starts_with('/') {
            crate::fs::join(&target.root, &normalize(&link))
        } else {
            crate::fs::join(&target.root, &normalize(&format!("etc/{link}")))
        };
        let name = link
            .rsplit_once("zoneinfo/")
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| link.clone());
        (within, name)
    } else {
        let name = resolve(fs, &target.root, "etc/timezone")
            .and_then(|p| fs.read(&p, 4096).ok())
            .and_then(|b| {
                String::from_utf8_lossy(&b)
                    .lines()
                    .next()
                    .map(|l| l.trim().to_string())
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "/etc/localtime".to_string());
        (path.clone(), name)
    };
    let data = fs
        .read(&data_path, 1 << 20)
        .map_err(|e| format!("{shown}: zone file not read: {}", e.reason()))?;
    let zone = jiff::tz::TimeZone::tzif(&name, &data)
        .map_err(|e| format!("{shown}: not a TZif zone file: {e}"))?;
    Ok(Some(LocalZone::Tzif {
        zone,
        name,
        source: shown,
    }))
}

/// A link target made relative to the root: `.` and `..` resolved, never above the root.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_stay_inside_the_root() {
        assert_eq!(
            normalize("/usr/share/zoneinfo/Etc/UTC"),
            "usr/share/zoneinfo/Etc/UTC"
        );
        assert_eq!(
            normalize("etc/../usr/share/zoneinfo/Europe/Berlin"),
            "usr/share/zoneinfo/Europe/Berlin"
        );
        assert_eq!(normalize("etc/../../../x"), "x");
    }
}
