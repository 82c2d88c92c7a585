//! `reverse-shell`: the job opens an interactive shell to a remote host.

use super::{AppliedBy, Rule, RuleCtx, RuleInfo};
use crate::record::{Record, Severity};

/// Reverse shell one-liner.
pub struct ReverseShell;

static INFO: RuleInfo = RuleInfo {
    id: "reverse-shell",
    title: "Reverse shell",
    severity: Severity::Critical,
    technique: "T1059.004",
    rationale: "/dev/tcp or /dev/udp redirection, nc/ncat -e, bash -i / sh -i with a socket, mkfifo piped into nc, socat exec, python/perl/php/ruby socket one-liners, PowerShell TCPClient: a scheduled callback giving an attacker a shell.",
    references: &["MITRE ATT&CK T1059.004", "PayloadsAllTheThings reverse shell cheat sheet"],
    applied_by: AppliedBy::Rule,
};

impl Rule for ReverseShell {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn check(&self, rec: &Record, _ctx: &RuleCtx<'_>) -> Option<String> {
        let c = rec.command.to_lowercase();
        let has = |s: &str| c.contains(s);
        let why = if has("/dev/tcp/") || has("/dev/udp/") {
            "/dev/tcp redirection"
        } else if (has("nc ") || has("ncat ") || has("netcat ") || has("nc.traditional "))
            && (has(" -e ") || has(" -c "))
        {
            "netcat with -e/-c"
        } else if has("mkfifo") && (has("nc ") || has("ncat ") || has("openssl s_client")) {
            "mkfifo loop into netcat"
        } else if has("socat") && (has("exec:") || has("system:")) {
            "socat exec"
        } else if (has("python") || has("perl") || has("ruby") || has("php"))
            && (has("socket") || has("fsockopen") || has("tcpsocket"))
            && (has("connect") || has("fsockopen") || has("tcpsocket"))
        {
            "scripting-language socket one-liner"
        } else if has("net.sockets.tcpclient") {
            "PowerShell TCPClient"
        } else if (has("bash -i") || has("sh -i")) && (has(">&") || has("0>&1")) {
            "interactive shell with redirected descriptors"
        } else {
            return None;
        };
        Some(why.to_string())
    }
}
