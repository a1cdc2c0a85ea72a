//! What the provider remembers of an integration beside its state, in Terraform's private
//! state of the resource instance: every tool's scopes that Frontegg ever reported (so that a
//! tool switched off, in the portal or by a narrower grant, is still judged by what Frontegg
//! said it needs), the tools Frontegg reported without scopes, and whether the client secret
//! Frontegg holds was ever sent by this configuration (not after an import).
//!
//! Never holds a secret: only tool identifiers, scope names and flags.

use std::collections::BTreeSet;

use frontegg_client::VendorIntegration;
use serde::{Deserialize, Serialize};
use tfplugin::Context;

use super::model::ToolScopes;

/// The private state of an integration resource (JSON).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Memory {
    /// Tool identifier → the scopes Frontegg last reported for it.
    #[serde(default, skip_serializing_if = "ToolScopes::is_empty")]
    pub tool_scopes: ToolScopes,
    /// Tools Frontegg reported enabled but without scopes, and whose scopes it never
    /// reported: enabled once, they cannot be judged any better.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub unscoped: BTreeSet<String>,
    /// The integration was imported: the client secret Frontegg holds was not sent by this
    /// configuration.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret_unsent: bool,
}

impl Memory {
    /// What Terraform handed back (nothing, or bytes this provider did not write: empty).
    pub(crate) fn load(ctx: &Context) -> Memory {
        let bytes = ctx.private();
        if bytes.is_empty() {
            return Memory::default();
        }
        serde_json::from_slice(bytes).unwrap_or_else(|e| {
            log::debug!("private state of another format ignored: {e}");
            Memory::default()
        })
    }

    /// Hands the memory to Terraform with the answer.
    pub(crate) fn save(&self, ctx: &Context) {
        match serde_json::to_vec(self) {
            Ok(bytes) => ctx.set_private(bytes),
            Err(e) => log::warn!("private state not saved: {e}"),
        }
    }

    /// Learns what an answer of Frontegg says about its tools' scopes.
    pub(crate) fn learn(&mut self, answer: &VendorIntegration) {
        for tool in answer.tools.iter().flatten() {
            match &tool.scopes {
                Some(scopes) => {
                    self.tool_scopes
                        .insert(tool.identifier.clone(), scopes.iter().cloned().collect());
                    self.unscoped.remove(&tool.identifier);
                }
                None if !self.tool_scopes.contains_key(&tool.identifier) => {
                    self.unscoped.insert(tool.identifier.clone());
                }
                None => {}
            }
        }
    }

    /// What is known of each tool's scopes: the remembered ones, and for a state written
    /// before the provider remembered anything, the state's own `tool_scopes`.
    pub(crate) fn known_scopes(&self, state_tool_scopes: Option<&ToolScopes>) -> ToolScopes {
        let mut known = state_tool_scopes.cloned().unwrap_or_default();
        known.extend(
            self.tool_scopes
                .iter()
                .map(|(tool, scopes)| (tool.clone(), scopes.clone())),
        );
        known
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(tools: &[(&str, Option<&[&str]>)]) -> VendorIntegration {
        let tools = tools
            .iter()
            .map(|(id, scopes)| {
                serde_json::json!({
                    "identifier": id,
                    "name": id,
                    "scopes": scopes,
                })
            })
            .collect::<Vec<_>>();
        serde_json::from_value(serde_json::json!({"id": "i", "tools": tools})).expect("answer")
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn scopes_are_remembered_after_the_tool_is_no_longer_reported() {
        let mut memory = Memory::default();
        memory.learn(&answer(&[("read", Some(&["r"])), ("write", Some(&["w"]))]));
        memory.learn(&answer(&[("read", Some(&["r", "x"]))]));
        assert_eq!(memory.tool_scopes["read"], set(&["r", "x"]));
        assert_eq!(memory.tool_scopes["write"], set(&["w"]));
    }

    #[test]
    fn tools_reported_without_scopes_are_unscoped_until_their_scopes_are_reported() {
        let mut memory = Memory::default();
        memory.learn(&answer(&[("mystery", None)]));
        assert_eq!(memory.unscoped, set(&["mystery"]));
        memory.learn(&answer(&[("mystery", Some(&["m"]))]));
        assert!(memory.unscoped.is_empty());
        memory.learn(&answer(&[("mystery", None)]));
        assert!(memory.unscoped.is_empty(), "known scopes are kept");
    }

    #[test]
    fn the_state_fills_in_what_an_older_state_did_not_remember() {
        let mut memory = Memory::default();
        memory.learn(&answer(&[("read", Some(&["r2"]))]));
        let state = ToolScopes::from([
            ("read".to_string(), set(&["r"])),
            ("write".to_string(), set(&["w"])),
        ]);
        let known = memory.known_scopes(Some(&state));
        assert_eq!(known["read"], set(&["r2"]));
        assert_eq!(known["write"], set(&["w"]));
    }

    #[test]
    fn round_trips_through_private_state_and_ignores_foreign_bytes() {
        let memory = Memory {
            tool_scopes: ToolScopes::from([("read".to_string(), set(&["r"]))]),
            unscoped: set(&["u"]),
            secret_unsent: true,
        };
        let bytes = serde_json::to_vec(&memory).expect("json");
        assert_eq!(Memory::load(&Context::new().with_private(bytes)), memory);
        assert_eq!(
            Memory::load(&Context::new().with_private(b"\x81\xa1a\x01".to_vec())),
            Memory::default()
        );
    }
}
