//! launchd property lists (XML or binary): the keys that say what runs, as whom and when.

use serde::Serialize;

/// A launchd job definition.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LaunchdJob {
    /// `Label`.
    pub label: Option<String>,
    /// `Program`.
    pub program: Option<String>,
    /// `ProgramArguments`.
    pub arguments: Vec<String>,
    /// `RunAtLoad`.
    pub run_at_load: Option<bool>,
    /// `KeepAlive` (bool, or the dict's keys as `key=value`).
    pub keep_alive: Option<String>,
    /// `StartInterval` seconds.
    pub start_interval: Option<i64>,
    /// `StartCalendarInterval` entries as `Hour=3 Minute=0`.
    pub start_calendar_interval: Vec<String>,
    /// `WatchPaths`.
    pub watch_paths: Vec<String>,
    /// `QueueDirectories`.
    pub queue_directories: Vec<String>,
    /// `UserName`.
    pub user_name: Option<String>,
    /// `GroupName`.
    pub group_name: Option<String>,
    /// `Disabled`.
    pub disabled: Option<bool>,
    /// `LaunchOnlyOnce`.
    pub launch_only_once: Option<bool>,
    /// `WorkingDirectory`.
    pub working_directory: Option<String>,
    /// `BundleProgram`.
    pub bundle_program: Option<String>,
    /// Plist format: `xml` or `binary`.
    pub format: String,
}

impl LaunchdJob {
    /// The command line: `Program` (or the first argument) followed by the arguments, joined
    /// with spaces (launchd passes them without a shell).
    pub fn command(&self) -> String {
        match (&self.program, self.arguments.as_slice()) {
            (Some(p), []) => p.clone(),
            (Some(p), args) => {
                // With Program set, ProgramArguments[0] is argv[0]: dropped when it names the
                // program (the usual form), kept otherwise so no argument is hidden (plaso does
                // the same with its launchd.plist sample).
                let base = p.rsplit('/').next().unwrap_or(p);
                let skip = args.first().is_some_and(|a| a == p || a == base);
                let mut v = vec![p.clone()];
                v.extend(args.iter().skip(usize::from(skip)).cloned());
                v.join(" ")
            }
            (None, args) => args.join(" "),
        }
    }

    /// When it runs: `RunAtLoad | KeepAlive=true | every 3600s | calendar Hour=3 | watch /x`.
    pub fn schedule(&self) -> String {
        let mut p = Vec::new();
        if self.run_at_load == Some(true) {
            p.push("RunAtLoad".to_string());
        }
        if let Some(k) = &self.keep_alive {
            p.push(format!("KeepAlive={k}"));
        }
        if let Some(i) = self.start_interval {
            p.push(format!("every {i}s"));
        }
        for c in &self.start_calendar_interval {
            p.push(format!("calendar {c}"));
        }
        for w in &self.watch_paths {
            p.push(format!("watch {w}"));
        }
        for q in &self.queue_directories {
            p.push(format!("queue {q}"));
        }
        p.join(" | ")
    }
}

/// Why a plist could not be read as a launchd job.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LaunchdError {
    /// Not a property list.
    #[error("not a property list: {0}")]
    Plist(String),
    /// A plist whose root is not a dictionary.
    #[error("plist root is not a dictionary")]
    NotADict,
}

fn text(v: &plist::Value) -> String {
    match v {
        plist::Value::String(s) => s.clone(),
        plist::Value::Boolean(b) => b.to_string(),
        plist::Value::Integer(i) => i.to_string(),
        plist::Value::Real(r) => r.to_string(),
        plist::Value::Dictionary(d) => d
            .iter()
            .map(|(k, v)| format!("{k}={}", text(v)))
            .collect::<Vec<_>>()
            .join(" "),
        plist::Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(","),
        other => format!("{other:?}"),
    }
}

/// Parses a launchd plist (XML or `bplist00`).
pub fn parse(bytes: &[u8]) -> Result<LaunchdJob, LaunchdError> {
    let v = plist::Value::from_reader(std::io::Cursor::new(bytes))
        .map_err(|e| LaunchdError::Plist(e.to_string()))?;
    let d = v.as_dictionary().ok_or(LaunchdError::NotADict)?;
    let s = |k: &str| d.get(k).and_then(|v| v.as_string()).map(str::to_string);
    let b = |k: &str| d.get(k).and_then(|v| v.as_boolean());
    let list = |k: &str| -> Vec<String> {
        match d.get(k) {
            Some(plist::Value::Array(a)) => a.iter().map(text).collect(),
            Some(plist::Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    let calendar = match d.get("StartCalendarInterval") {
        Some(plist::Value::Array(a)) => a.iter().map(text).collect(),
        Some(v @ plist::Value::Dictionary(_)) => vec![text(v)],
        _ => Vec::new(),
    };
    Ok(LaunchdJob {
        label: s("Label"),
        program: s("Program"),
        arguments: list("ProgramArguments"),
        run_at_load: b("RunAtLoad"),
        keep_alive: d.get("KeepAlive").map(text),
        start_interval: d.get("StartInterval").and_then(|v| v.as_signed_integer()),
        start_calendar_interval: calendar,
        watch_paths: list("WatchPaths"),
        queue_directories: list("QueueDirectories"),
        user_name: s("UserName"),
        group_name: s("GroupName"),
        disabled: b("Disabled"),
        launch_only_once: b("LaunchOnlyOnce"),
        working_directory: s("WorkingDirectory"),
        bundle_program: s("BundleProgram"),
        format: if bytes.starts_with(b"bplist") {
            "binary".into()
        } else {
            "xml".into()
        },
    })
}

/// The label → disabled map of a `disabled.plist` / `overrides.plist` database (values are
/// booleans, or `{Disabled: bool}` dictionaries in the old format).
pub fn parse_overrides(bytes: &[u8]) -> Result<Vec<(String, bool)>, LaunchdError> {
    let v = plist::Value::from_reader(std::io::Cursor::new(bytes))
        .map_err(|e| LaunchdError::Plist(e.to_string()))?;
    let d = v.as_dictionary().ok_or(LaunchdError::NotADict)?;
    Ok(d.iter()
        .filter_map(|(k, v)| {
            let disabled = v.as_boolean().or_else(|| {
                v.as_dictionary()
                    .and_then(|x| x.get("Disabled"))
                    .and_then(|x| x.as_boolean())
            })?;
            Some((k.clone(), disabled))
        })
        .collect())
}
