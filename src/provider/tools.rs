//! The tools of a catalog entry as the provider reasons about them: which tools fit inside
//! the scopes a user's OAuth app grants, which scopes a set of tools needs, and the errors for
//! a tool that is not offered or needs more than the app grants. The catalog itself is always
//! read from Frontegg ([`frontegg_client::Client::catalog_integration`]), never embedded.

use std::collections::{BTreeMap, BTreeSet};

use frontegg_client::{CatalogIntegration, Tool};
use tfplugin::diag::Diagnostics;
use tfvalue::AttributePath;

use super::integration::Vendor;

/// The scopes each tool needs: tool identifier → scopes.
pub type ToolScopes = BTreeMap<String, BTreeSet<String>>;

/// The tools a catalog entry offers (records with `enabled: false` are not offered).
pub(crate) struct ToolCatalog {
    tools: Vec<OfferedTool>,
}

struct OfferedTool {
    identifier: String,
    name: Option<String>,
    /// `None` when the record does not say.
    scopes: Option<BTreeSet<String>>,
}

impl ToolCatalog {
    /// The offered tools of `entry`; `None` when Frontegg did not report its tools.
    pub(crate) fn of(entry: &CatalogIntegration) -> Option<ToolCatalog> {
        let tools = entry.tools.as_ref()?;
        Some(ToolCatalog {
            tools: tools
                .iter()
                .filter(|t| t.enabled != Some(false))
                .map(|t| OfferedTool {
                    identifier: t.identifier.clone(),
                    name: t.name.clone(),
                    scopes: t.scopes.as_ref().map(|s| s.iter().cloned().collect()),
                })
                .collect(),
        })
    }

    /// Fills in the scopes of tools whose records carry none from what Frontegg reported for
    /// them before (`known`: the scopes of the tools enabled so far).
    pub(crate) fn fill_in_scopes(&mut self, known: &ToolScopes) {
        for tool in &mut self.tools {
            if tool.scopes.is_none() {
                tool.scopes = known.get(&tool.identifier).cloned();
            }
        }
    }

    /// Every offered tool.
    pub(crate) fn offered(&self) -> BTreeSet<String> {
        self.tools.iter().map(|t| t.identifier.clone()).collect()
    }

    fn find(&self, identifier: &str) -> Option<&OfferedTool> {
        self.tools.iter().find(|t| t.identifier == identifier)
    }

    /// Every offered tool whose scopes all lie inside `granted`; `None` when a tool's scopes
    /// are not known (the choice is then made after apply, from Frontegg's answer).
    pub(crate) fn fitting(&self, granted: &BTreeSet<String>) -> Option<BTreeSet<String>> {
        let mut fitting = BTreeSet::new();
        for tool in &self.tools {
            if tool.scopes.as_ref()?.is_subset(granted) {
                fitting.insert(tool.identifier.clone());
            }
        }
        Some(fitting)
    }

    /// Every offered tool whose scopes are not known to lie outside `granted` (the tools to
    /// enable when some records carry no scopes).
    pub(crate) fn not_known_to_exceed(&self, granted: &BTreeSet<String>) -> BTreeSet<String> {
        self.tools
            .iter()
            .filter(|t| t.scopes.as_ref().is_none_or(|s| s.is_subset(granted)))
            .map(|t| t.identifier.clone())
            .collect()
    }

    /// The scopes each of `tools` needs; `None` when one of them has no known scopes.
    pub(crate) fn scopes_of(&self, tools: &BTreeSet<String>) -> Option<ToolScopes> {
        tools
            .iter()
            .map(|t| Some((t.clone(), self.find(t)?.scopes.clone()?)))
            .collect()
    }

    /// Errors at `tools` for identifiers the catalog does not offer and for tools that need
    /// scopes outside `granted` (`None`: the scopes are not known yet).
    pub(crate) fn check(
        &self,
        tools: &BTreeSet<String>,
        granted: Option<&BTreeSet<String>>,
        vendor: &Vendor,
        diags: &mut Diagnostics,
    ) {
        let path = AttributePath::attr("tools");
        let unknown: Vec<&str> = tools
            .iter()
            .filter(|t| self.find(t).is_none())
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            let offered: Vec<&str> = self.tools.iter().map(|t| t.identifier.as_str()).collect();
            diags.error_at(
                path.clone(),
                "Tool not offered by Frontegg",
                format!(
                    "{} {} not offered by Frontegg's {} integration in this \
                     environment. Offered tools: {}.",
                    quoted_list(&unknown),
                    if unknown.len() == 1 { "is" } else { "are" },
                    vendor.title,
                    if offered.is_empty() {
                        "none".to_string()
                    } else {
                        quoted_list(&offered)
                    }
                ),
            );
        }
        let Some(granted) = granted else {
            return;
        };
        for tool in tools {
            let Some(OfferedTool {
                identifier,
                name,
                scopes: Some(needed),
            }) = self.find(tool)
            else {
                continue;
            };
            let missing: Vec<&str> = needed.difference(granted).map(String::as_str).collect();
            if missing.is_empty() {
                continue;
            }
            let named = match name {
                Some(name) => format!("`{identifier}` ({name})"),
                None => format!("`{identifier}`"),
            };
            diags.error_at(
                path.clone(),
                "Tool needs scopes the OAuth app does not grant",
                format!(
                    "Tool {named} needs {}, which `scopes` does not include. Either grant {} to \
                     your {} OAuth app ({}) and add {} to `scopes`, or remove `{identifier}` \
                     from `tools`.",
                    quoted_list(&missing),
                    if missing.len() == 1 { "it" } else { "them" },
                    vendor.title,
                    vendor.console,
                    if missing.len() == 1 { "it" } else { "them" },
                ),
            );
        }
    }
}

/// The scopes each tool of an answer needs; `None` when a tool's scopes are not reported.
pub(crate) fn answer_tool_scopes(tools: &[Tool]) -> Option<ToolScopes> {
    tools
        .iter()
        .map(|t| {
            let scopes = t.scopes.as_ref()?;
            Some((t.identifier.clone(), scopes.iter().cloned().collect()))
        })
        .collect()
}

/// The union of the scopes of every tool: what the gateway requests.
pub(crate) fn union(tool_scopes: &ToolScopes) -> BTreeSet<String> {
    tool_scopes.values().flatten().cloned().collect()
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontegg_client::CatalogTool;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn tool(identifier: &str, scopes: Option<&[&str]>) -> CatalogTool {
        CatalogTool {
            identifier: identifier.into(),
            enabled: Some(true),
            name: Some(format!("{identifier} tool")),
            category: None,
            scopes: scopes.map(|s| s.iter().map(|x| x.to_string()).collect()),
        }
    }

    fn catalog(tools: Vec<CatalogTool>) -> ToolCatalog {
        ToolCatalog::of(&CatalogIntegration {
            id: "c".into(),
            provider: "confluence".into(),
            display_name: None,
            tools: Some(tools),
        })
        .expect("tools")
    }

    #[test]
    fn fitting_tools_are_those_inside_the_grant() {
        let c = catalog(vec![
            tool("read", Some(&["r"])),
            tool("write", Some(&["r", "w"])),
            CatalogTool {
                enabled: Some(false),
                ..tool("off", Some(&["r"]))
            },
        ]);
        assert_eq!(c.fitting(&set(&["r"])), Some(set(&["read"])));
        assert_eq!(c.fitting(&set(&["r", "w"])), Some(set(&["read", "write"])));
        assert_eq!(
            c.scopes_of(&set(&["write"])).map(|m| union(&m)),
            Some(set(&["r", "w"]))
        );
    }

    #[test]
    fn tools_without_scopes_leave_the_choice_for_after_apply() {
        let c = catalog(vec![tool("read", Some(&["r"])), tool("mystery", None)]);
        assert_eq!(c.fitting(&set(&["r"])), None);
        assert_eq!(c.not_known_to_exceed(&set(&[])), set(&["mystery"]));
        assert_eq!(c.scopes_of(&set(&["mystery"])), None);
    }

    #[test]
    fn scopes_reported_before_fill_in_records_without_scopes() {
        let mut c = catalog(vec![tool("read", Some(&["r"])), tool("mystery", None)]);
        c.fill_in_scopes(&ToolScopes::from([("mystery".to_string(), set(&["m"]))]));
        assert_eq!(
            c.fitting(&set(&["r", "m"])),
            Some(set(&["mystery", "read"]))
        );
        assert_eq!(c.fitting(&set(&["r"])), Some(set(&["read"])));
    }

    #[test]
    fn checks_name_unknown_tools_and_missing_scopes_with_both_fixes() {
        let c = catalog(vec![
            tool("read", Some(&["r"])),
            tool("write", Some(&["w"])),
        ]);
        let mut diags = Diagnostics::new();
        c.check(
            &set(&["fly", "write"]),
            Some(&set(&["r"])),
            &Vendor::for_app("confluence", None),
            &mut diags,
        );
        let details: Vec<&str> = diags.iter().map(|d| d.detail.as_str()).collect();
        assert_eq!(details.len(), 2, "{details:?}");
        assert!(
            details[0].contains("`fly` is not offered"),
            "{}",
            details[0]
        );
        assert!(details[0].contains("`read`, `write`"), "{}", details[0]);
        assert!(
            details[1].contains("`write` (write tool) needs `w`"),
            "{}",
            details[1]
        );
        assert!(details[1].contains("add it to `scopes`"), "{}", details[1]);
        assert!(
            details[1].contains("remove `write` from `tools`"),
            "{}",
            details[1]
        );
        assert!(
            diags
                .iter()
                .all(|d| d.path.as_ref().map(ToString::to_string).as_deref() == Some("tools"))
        );
    }
}
