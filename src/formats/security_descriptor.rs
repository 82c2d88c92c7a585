//! Self-relative security descriptors (MS-DTYP 2.4.6) as stored in TaskCache `Tree\…\SD`: owner,
//! group and the DACL decoded to a summary an analyst can read, with well-known SIDs named.

use super::bytes::Reader;
use serde::Serialize;

/// One access-control entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ace {
    /// `allow`, `deny`, `audit`, or `type-N`.
    pub kind: String,
    /// ACE flags (inheritance bits).
    pub flags: u8,
    /// Access mask.
    pub mask: u32,
    /// The trustee SID.
    pub sid: String,
    /// Its well-known name, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A decoded security descriptor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityDescriptor {
    /// Control flags.
    pub control: u16,
    /// Owner SID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Group SID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// DACL entries; `None` when the descriptor has no DACL (everyone has access).
    pub dacl: Option<Vec<Ace>>,
}

/// Why a descriptor could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("security descriptor: {0}")]
pub struct SdError(pub String);

/// Reads a binary SID at `off` and returns its `S-1-…` text.
pub fn sid_at(data: &[u8], off: usize) -> Result<String, SdError> {
    let mut r = Reader::new(data);
    r.seek(off, "SID").map_err(|e| SdError(e.to_string()))?;
    let err = |e: super::bytes::Truncated| SdError(e.to_string());
    let rev = r.u8("SID revision").map_err(err)?;
    let count = r.u8("SID sub-authority count").map_err(err)?;
    if rev != 1 || count > 15 {
        return Err(SdError(format!(
            "SID at {off}: revision {rev}, {count} sub-authorities"
        )));
    }
    let auth = r.bytes(6, "SID authority").map_err(err)?;
    let authority = auth.iter().fold(0u64, |a, &b| (a << 8) | b as u64);
    let mut s = format!("S-1-{authority}");
    for _ in 0..count {
        s.push_str(&format!("-{}", r.u32("SID sub-authority").map_err(err)?));
    }
    Ok(s)
}

/// The name of a well-known SID (`S-1-5-18` → `SYSTEM`), or of a well-known RID of a domain.
pub fn well_known_sid(sid: &str) -> Option<&'static str> {
    Some(match sid {
        "S-1-0-0" => "NULL",
        "S-1-1-0" => "Everyone",
        "S-1-3-0" => "CREATOR OWNER",
        "S-1-3-1" => "CREATOR GROUP",
        "S-1-5-2" => "NETWORK",
        "S-1-5-4" => "INTERACTIVE",
        "S-1-5-6" => "SERVICE",
        "S-1-5-7" => "ANONYMOUS LOGON",
        "S-1-5-9" => "ENTERPRISE DOMAIN CONTROLLERS",
        "S-1-5-11" => "Authenticated Users",
        "S-1-5-18" => "SYSTEM",
        "S-1-5-19" => "LOCAL SERVICE",
        "S-1-5-20" => "NETWORK SERVICE",
        "S-1-5-32-544" => "Administrators",
        "S-1-5-32-545" => "Users",
        "S-1-5-32-546" => "Guests",
        "S-1-5-32-547" => "Power Users",
        "S-1-5-32-551" => "Backup Operators",
        "S-1-5-32-555" => "Remote Desktop Users",
        "S-1-5-80-0" => "ALL SERVICES",
        "S-1-16-12288" => "High Mandatory Level",
        "S-1-16-16384" => "System Mandatory Level",
        s if s.starts_with("S-1-5-21-") && s.ends_with("-500") => "Administrator (local or domain)",
        s if s.starts_with("S-1-5-21-") && s.ends_with("-512") => "Domain Admins",
        _ => return None,
    })
}

/// Decodes a self-relative descriptor.
pub fn parse(data: &[u8]) -> Result<SecurityDescriptor, SdError> {
    let mut r = Reader::new(data);
    let err = |e: super::bytes::Truncated| SdError(e.to_string());
    let rev = r.u8("revision").map_err(err)?;
    if rev != 1 {
        return Err(SdError(format!("revision {rev}, expected 1")));
    }
    r.skip(1, "sbz1").map_err(err)?;
    let control = r.u16("control").map_err(err)?;
    if control & 0x8000 == 0 {
        return Err(SdError(
            "not self-relative (control flag 0x8000 clear)".into(),
        ));
    }
    let owner_off = r.u32("owner offset").map_err(err)? as usize;
    let group_off = r.u32("group offset").map_err(err)? as usize;
    let _sacl_off = r.u32("SACL offset").map_err(err)?;
    let dacl_off = r.u32("DACL offset").map_err(err)? as usize;
    let owner = (owner_off != 0)
        .then(|| sid_at(data, owner_off))
        .transpose()?;
    let group = (group_off != 0)
        .then(|| sid_at(data, group_off))
        .transpose()?;
    let dacl = if control & 0x4 != 0 && dacl_off != 0 {
        Some(parse_acl(data, dacl_off)?)
    } else {
        None
    };
    Ok(SecurityDescriptor {
        control,
        owner,
        group,
        dacl,
    })
}

fn parse_acl(data: &[u8], off: usize) -> Result<Vec<Ace>, SdError> {
    let mut r = Reader::new(data);
    let err = |e: super::bytes::Truncated| SdError(e.to_string());
    r.seek(off, "ACL").map_err(err)?;
    r.skip(4, "ACL header").map_err(err)?;
    let count = r.u16("ACE count").map_err(err)?;
    r.skip(2, "sbz2").map_err(err)?;
    let mut aces = Vec::new();
    let mut pos = off + 8;
    for i in 0..count {
        let mut a = Reader::new(data);
        a.seek(pos, "ACE").map_err(err)?;
        let t = a.u8("ACE type").map_err(err)?;
        let flags = a.u8("ACE flags").map_err(err)?;
        let size = a.u16("ACE size").map_err(err)? as usize;
        if size < 8 {
            return Err(SdError(format!("ACE {i} has size {size}")));
        }
        let mask = a.u32("ACE mask").map_err(err)?;
        // Object ACEs (5–8) carry flags and up to two GUIDs before the SID.
        let sid_off = if (5..=8).contains(&t) {
            let of = a.u32("object flags").map_err(err)?;
            pos + 12 + if of & 1 != 0 { 16 } else { 0 } + if of & 2 != 0 { 16 } else { 0 }
        } else {
            pos + 8
        };
        let sid = sid_at(data, sid_off)?;
        let kind = match t {
            0 | 5 => "allow".to_string(),
            1 | 6 => "deny".to_string(),
            2 | 7 => "audit".to_string(),
            other => format!("type-{other}"),
        };
        aces.push(Ace {
            kind,
            flags,
            mask,
            name: well_known_sid(&sid).map(str::to_string),
            sid,
        });
        pos += size;
    }
    Ok(aces)
}

impl SecurityDescriptor {
    /// `owner SYSTEM; allow SYSTEM 0x001f019f; deny Everyone 0x00120089` (no DACL: `no DACL (full access)`).
    pub fn summary(&self) -> String {
        let name = |s: &str| {
            well_known_sid(s)
                .map(str::to_string)
                .unwrap_or_else(|| s.to_string())
        };
        let mut parts = Vec::new();
        if let Some(o) = &self.owner {
            parts.push(format!("owner {}", name(o)));
        }
        match &self.dacl {
            None => parts.push("no DACL (full access)".into()),
            Some(aces) if aces.is_empty() => parts.push("empty DACL (no access)".into()),
            Some(aces) => {
                for a in aces {
                    parts.push(format!("{} {} 0x{:08x}", a.kind, name(&a.sid), a.mask));
                }
            }
        }
        parts.join("; ")
    }

    /// True when SYSTEM or Administrators are allowed to read (the task shows in the tools);
    /// false for a DACL that hides the task from everyone who could list it.
    pub fn admins_can_read(&self) -> bool {
        let Some(aces) = &self.dacl else { return true };
        let denied = aces.iter().any(|a| {
            a.kind == "deny"
                && (a.sid == "S-1-1-0" || a.sid == "S-1-5-18" || a.sid == "S-1-5-32-544")
                && a.mask & 0x8000_0001 != 0
        });
        let allowed = aces.iter().any(|a| {
            a.kind == "allow"
                && matches!(
                    a.sid.as_str(),
                    "S-1-5-18" | "S-1-5-32-544" | "S-1-1-0" | "S-1-5-11"
                )
                && a.mask & (0x1 | 0x8000_0000 | 0x1000_0000 | 0x0012_0089) != 0
        });
        allowed && !denied
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn sid_bytes(auth: u8, subs: &[u32]) -> Vec<u8> {
        let mut v = vec![1, subs.len() as u8, 0, 0, 0, 0, 0, auth];
        for s in subs {
            v.extend(s.to_le_bytes());
        }
        v
    }

    /// Owner SYSTEM, DACL: allow SYSTEM full, allow Administrators full, allow LOCAL SERVICE read.
    pub(crate) fn stock_sd() -> Vec<u8> {
        let owner = sid_bytes(5, &[18]);
        let aces: Vec<(u8, u32, Vec<u8>)> = vec![
            (0, 0x001F_01FF, sid_bytes(5, &[18])),
            (0, 0x001F_01FF, sid_bytes(5, &[32, 544])),
            (0, 0x0012_0089, sid_bytes(5, &[19])),
        ];
        let mut acl = Vec::new();
        for (t, mask, sid) in &aces {
            acl.push(*t);
            acl.push(0);
            acl.extend(((8 + sid.len()) as u16).to_le_bytes());
            acl.extend(mask.to_le_bytes());
            acl.extend(sid);
        }
        let mut acl_full = vec![2, 0];
        acl_full.extend(((8 + acl.len()) as u16).to_le_bytes());
        acl_full.extend((aces.len() as u16).to_le_bytes());
        acl_full.extend([0, 0]);
        acl_full.extend(acl);
        let mut sd = vec![1, 0];
        sd.extend((0x8004u16).to_le_bytes());
        let owner_off = 20u32;
        let dacl_off = owner_off + owner.len() as u32;
        sd.extend(owner_off.to_le_bytes());
        sd.extend(0u32.to_le_bytes());
        sd.extend(0u32.to_le_bytes());
        sd.extend(dacl_off.to_le_bytes());
        sd.extend(owner);
        sd.extend(acl_full);
        sd
    }

    #[test]
    fn decodes_owner_and_dacl() {
        let sd = parse(&stock_sd()).unwrap();
        assert_eq!(sd.owner.as_deref(), Some("S-1-5-18"));
        assert_eq!(
            sd.summary(),
            "owner SYSTEM; allow SYSTEM 0x001f01ff; allow Administrators 0x001f01ff; allow LOCAL SERVICE 0x00120089"
        );
        assert!(sd.admins_can_read());
        let b = stock_sd();
        for cut in 0..b.len() {
            let _ = parse(&b[..cut]);
        }
        assert!(parse(&[2, 0, 0, 0]).is_err());
    }

    #[test]
    fn restrictive_dacls_hide_the_task() {
        let mut d = parse(&stock_sd()).unwrap();
        d.dacl = Some(vec![]);
        assert!(!d.admins_can_read(), "empty DACL");
        assert_eq!(d.summary(), "owner SYSTEM; empty DACL (no access)");
        d.dacl = Some(vec![Ace {
            kind: "deny".into(),
            flags: 0,
            mask: 0x001F_01FF,
            sid: "S-1-1-0".into(),
            name: Some("Everyone".into()),
        }]);
        assert!(!d.admins_can_read(), "deny Everyone");
        d.dacl = None;
        assert!(d.admins_can_read(), "no DACL = full access");
    }
}
