//! `encoded-powershell`: PowerShell with a base64 `-EncodedCommand`; the decoded script goes in
//! `details.decoded_powershell`.

use super::{AppliedBy, Rule, RuleCtx, RuleInfo};
use crate::record::{Record, Severity};
use serde_json::json;

/// Encoded PowerShell.
pub struct EncodedPowershell;

static INFO: RuleInfo = RuleInfo {
    id: "encoded-powershell",
    title: "PowerShell with an encoded command",
    severity: Severity::High,
    technique: "T1059.001",
    rationale: "powershell/pwsh with -EncodedCommand (or any prefix of it: -e, -ec, -en, -enc, …): the script is base64 of UTF-16LE so it does not show in the task. It is decoded into details.decoded_powershell.",
    references: &["about_PowerShell_exe (-EncodedCommand)", "MITRE ATT&CK T1059.001", "T1027"],
    applied_by: AppliedBy::Rule,
};

fn b64(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let clean: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    if clean.len() < 4 {
        return None;
    }
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    Some(out)
}

/// The decoded script of a PowerShell command line, when it has an encoded command.
pub fn decode(command: &str) -> Option<String> {
    let lower = command.to_lowercase();
    if !lower.contains("powershell") && !lower.contains("pwsh") {
        return None;
    }
    let toks: Vec<&str> = command.split_whitespace().collect();
    let i = toks.iter().position(|t| {
        let t = t.to_lowercase();
        let Some(f) = t.strip_prefix('-').or_else(|| t.strip_prefix('/')) else {
            return false;
        };
        f == "e" || f == "ec" || f.len() >= 2 && "encodedcommand".starts_with(f)
    })?;
    let data = b64(toks.get(i + 1)?.trim_matches(['"', '\'']))?;
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    Some(String::from_utf16_lossy(&units))
}

impl Rule for EncodedPowershell {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, rec: &Record, _ctx: &RuleCtx<'_>) -> Option<String> {
        let d = decode(&rec.command)?;
        Some(format!(
            "decodes to: {}",
            d.chars().take(200).collect::<String>()
        ))
    }

    fn annotate(&self, rec: &mut Record) {
        if let Some(d) = decode(&rec.command) {
            rec.details.insert("decoded_powershell".into(), json!(d));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_prefixes() {
        let c = "C:\\ProgramData\\Updater\\powershell.exe -NoP -W Hidden -Enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA";
        assert_eq!(decode(c).as_deref(), Some("IEX (New-Object Net.WebClient)"));
        assert_eq!(decode("pwsh -e SQBFAFgA").as_deref(), Some("IEX"));
        assert_eq!(
            decode("powershell -EncodedCommand SQBFAFgA").as_deref(),
            Some("IEX")
        );
        assert_eq!(
            decode("powershell -ExecutionPolicy Bypass -File x.ps1"),
            None
        );
        assert_eq!(decode("cmd /c echo -enc SQBFAFgA"), None);
    }
}
