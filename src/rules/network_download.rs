//! `network-download`: the job fetches something from the network (and maybe runs it).

use super::{AppliedBy, Rule, RuleCtx, RuleInfo};
use crate::record::{Record, Severity};

/// Download in a scheduled job.
pub struct NetworkDownload;

static INFO: RuleInfo = RuleInfo {
    id: "network-download",
    title: "Downloads from the network",
    severity: Severity::Medium,
    technique: "T1105",
    rationale: "curl/wget with a URL, Invoke-WebRequest/iwr/Invoke-RestMethod, DownloadString/DownloadFile/Net.WebClient, Start-BitsTransfer, bitsadmin /transfer, certutil -urlcache: a job that fetches code is how a foothold refreshes itself; piped into a shell or IEX it runs what it fetched (said in the reason).",
    references: &["MITRE ATT&CK T1105", "LOLBAS certutil, bitsadmin"],
    applied_by: AppliedBy::Rule,
};

const TOOLS: [&str; 12] = [
    "invoke-webrequest",
    "iwr ",
    "invoke-restmethod",
    "irm ",
    "downloadstring",
    "downloadfile",
    "net.webclient",
    "start-bitstransfer",
    "bitsadmin /transfer",
    "bitsadmin.exe /transfer",
    "-urlcache",
    "/urlcache",
];

impl Rule for NetworkDownload {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, rec: &Record, _ctx: &RuleCtx<'_>) -> Option<String> {
        let c = format!(
            "{} {}",
            rec.command.to_lowercase(),
            rec.details
                .get("decoded_powershell")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_lowercase()
        );
        let url = c.contains("http://") || c.contains("https://") || c.contains("ftp://");
        let curlish = c
            .split(|ch: char| {
                ch.is_whitespace() || ch == ';' || ch == '&' || ch == '|' || ch == '('
            })
            .any(|t| {
                matches!(
                    t.rsplit(['/', '\\']).next().unwrap_or(t),
                    "curl" | "wget" | "curl.exe" | "wget.exe" | "fetch" | "tftp"
                )
            });
        let tool = TOOLS.iter().find(|t| c.contains(*t));
        if !(curlish && url) && tool.is_none() {
            return None;
        }
        let piped = [
            "| sh",
            "|sh",
            "| bash",
            "|bash",
            "| iex",
            "|iex",
            "iex(",
            "iex (",
            "invoke-expression",
            "| python",
            "| perl",
        ]
        .iter()
        .any(|p| c.contains(p));
        Some(format!(
            "downloads with {}{}",
            tool.map(|t| t.trim()).unwrap_or("curl/wget"),
            if piped {
                " and pipes it into an interpreter"
            } else {
                ""
            }
        ))
    }
}
