//! The tools of a catalog entry as the provider reasons about them: which tools fit inside
//! the scopes a user's OAuth app grants, which scopes a set of tools needs, and the errors for
//! a tool that is not offered or needs more than the app grants. The catalog itself is always
//! read from Frontegg ([`frontegg_client::Client::catalog_integration`]), never embedded.

use std::collections::BTreeSet;

use frontegg_client::{CatalogIntegration, Tool};
use tfplugin::diag::Diagnostics;
use tfplugin::model::{Maybe, Unknowable};
use tfvalue::AttributePath;

use super::model::{ToolScopes, attr};
use super::vendor::Vendor;

/// What is known of the scopes a tool needs.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Need {
    /// Frontegg reported them for this integration (what the gateway requests), or else the
    /// catalog's record says.
    Known(BTreeSet<String>),
    /// Frontegg reported the tool enabled without its scopes, and nothing else says: it
    /// cannot be judged, so it is not known to exceed any grant.
    Unknowable,
    /// Nothing says yet: the tool is enabled at apply and judged by Frontegg's answer.
    Unseen,
}

/// The tools a catalog entry offers (records with `enabled: false` are not offered), with
/// what is known of the scopes each needs.
pub(crate) struct ToolCatalog {
    tools: Vec<OfferedTool>,
}

struct OfferedTool {
    identifier: String,
    name: Option<String>,
    need: Need,
}

impl ToolCatalog {
    /// The offered tools of `entry`, judged by their records' scopes; `None` when Frontegg
    /// did not report the entry's tools.
    pub(crate) fn of(entry: &CatalogIntegration) -> Option<ToolCatalog> {
        let tools = entry.tools.as_ref()?;
        Some(ToolCatalog {
            tools: tools
                .iter()
                .filter(|t| t.enabled != Some(false))
                .map(|t| OfferedTool {
                    identifier: t.identifier.clone(),
                    name: t.name.clone(),
                    need: match &t.scopes {
                        Some(scopes) => Need::Known(scopes.iter().cloned().collect()),
                        None => Need::Unseen,
                    },
                })
                .collect(),
        })
    }

    /// Judges tools by what Frontegg reported for this integration (`reported`: tool →
    /// scopes, from its answers), ahead of the catalog's records: the gateway requests the
    /// scopes of the integration's tools. `unscoped`: tools Frontegg reported without scopes.
    pub(crate) fn with_reported(
        mut self,
        reported: &ToolScopes,
        unscoped: &BTreeSet<String>,
    ) -> ToolCatalog {
        for tool in &mut self.tools {
            if let Some(scopes) = reported.get(&tool.identifier) {
                tool.need = Need::Known(scopes.clone());
            } else if tool.need == Need::Unseen && unscoped.contains(&tool.identifier) {
                tool.need = Need::Unknowable;
            }
        }
        self
    }

    /// Every offered tool.
    pub(crate) fn offered(&self) -> BTreeSet<String> {
        self.tools.iter().map(|t| t.identifier.clone()).collect()
    }

    fn find(&self, identifier: &str) -> Option<&OfferedTool> {
        self.tools.iter().find(|t| t.identifier == identifier)
    }

    /// Every offered tool that fits inside `granted` (or cannot be judged); `None` when a
    /// tool has never been seen with its scopes, so that the choice is made at apply, from
    /// Frontegg's answer.
    pub(crate) fn fitting(&self, granted: &BTreeSet<String>) -> Option<BTreeSet<String>> {
        let mut fitting = BTreeSet::new();
        for tool in &self.tools {
            let fits = match &tool.need {
                Need::Known(needed) => needed.is_subset(granted),
                Need::Unknowable => true,
                Need::Unseen => return None,
            };
            if fits {
                fitting.insert(tool.identifier.clone());
            }
        }
        Some(fitting)
    }

    /// Every offered tool not known to need scopes outside `granted`: the tools to enable at
    /// apply when the plan could not choose; Frontegg's answer then shows what they need.
    pub(crate) fn not_known_to_exceed(&self, granted: &BTreeSet<String>) -> BTreeSet<String> {
        self.tools
            .iter()
            .filter(|t| match &t.need {
                Need::Known(needed) => needed.is_subset(granted),
                Need::Unknowable | Need::Unseen => true,
            })
            .map(|t| t.identifier.clone())
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
        let path = AttributePath::attr(attr::TOOLS);
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
                need: Need::Known(needed),
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

/// The tools of an answer whose reported scopes are not all inside `granted`, each with the
/// scopes it lacks.
pub(crate) fn exceeding(tools: &[Tool], granted: &BTreeSet<String>) -> ToolScopes {
    tools
        .iter()
        .filter_map(|t| {
            let missing: BTreeSet<String> = t
                .scopes
                .iter()
                .flatten()
                .filter(|s| !granted.contains(*s))
                .cloned()
                .collect();
            (!missing.is_empty()).then(|| (t.identifier.clone(), missing))
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

/// What `scopes` says about the tools that may be enabled.
pub(crate) enum Grant<'a> {
    /// `scopes` is null: every catalog tool.
    Unbounded,
    Scopes(&'a BTreeSet<String>),
    /// Not known until apply.
    Unknown,
}

impl Grant<'_> {
    pub(crate) fn of(scopes: &Maybe<BTreeSet<String>>) -> Grant<'_> {
        match scopes {
            Unknowable::Known(None) => Grant::Unbounded,
            Unknowable::Known(Some(s)) => Grant::Scopes(s),
            Unknowable::Unknown => Grant::Unknown,
        }
    }

    pub(crate) fn scopes(&self) -> Option<&BTreeSet<String>> {
        match self {
            Grant::Scopes(s) => Some(s),
            _ => None,
        }
    }
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
        assert_eq!(c.offered(), set(&["read", "write"]));
    }

    #[test]
    fn tools_never_seen_with_scopes_leave_the_choice_for_after_apply() {
        let c = catalog(vec![tool("read", Some(&["r"])), tool("mystery", None)]);
        assert_eq!(c.fitting(&set(&["r"])), None);
        assert_eq!(c.not_known_to_exceed(&set(&[])), set(&["mystery"]));
        assert_eq!(
            c.not_known_to_exceed(&set(&["r"])),
            set(&["mystery", "read"])
        );
    }

    #[test]
    fn what_frontegg_reported_judges_ahead_of_the_catalog_records() {
        let reported = ToolScopes::from([
            ("mystery".to_string(), set(&["m"])),
            ("read".to_string(), set(&["r", "x"])),
        ]);
        let c = catalog(vec![tool("read", Some(&["r"])), tool("mystery", None)])
            .with_reported(&reported, &BTreeSet::new());
        assert_eq!(c.fitting(&set(&["r", "m"])), Some(set(&["mystery"])));
        assert_eq!(c.fitting(&set(&["r", "x"])), Some(set(&["read"])));
    }

    #[test]
    fn tools_reported_without_scopes_fit_any_grant() {
        let c = catalog(vec![tool("read", Some(&["r"])), tool("mystery", None)])
            .with_reported(&ToolScopes::new(), &set(&["mystery"]));
        assert_eq!(c.fitting(&set(&[])), Some(set(&["mystery"])));
    }

    #[test]
    fn exceeding_names_each_tool_with_the_scopes_it_lacks() {
        let tools: Vec<Tool> = serde_json::from_value(serde_json::json!([
            {"identifier": "read", "scopes": ["r"]},
            {"identifier": "write", "scopes": ["r", "w"]},
            {"identifier": "bare"},
        ]))
        .expect("tools");
        assert_eq!(
            exceeding(&tools, &set(&["r"])),
            ToolScopes::from([("write".to_string(), set(&["w"]))])
        );
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
            &Vendor::for_app("confluence", None, "frontegg_confluence_integration"),
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
