//! Convergence of agents: assigns and unassigns so that exactly the configured agents are
//! assigned. Never touches the integration's other settings.

use std::collections::BTreeSet;

use frontegg_client::{Client, VendorIntegration};
use tfplugin::diag::Diagnostics;
use tfplugin::model::{Change, Maybe};
use tokio_util::sync::CancellationToken;

use super::advice::client_error;
use super::memory::Memory;
use super::model::Integration;
use super::state::state_from;
use super::vendor::Vendor;

/// The agents to assign and to unassign so that exactly the configured ones are assigned
/// (nothing when `agent_ids` is not configured).
fn agent_changes(
    req: &Change<Integration>,
    current: &BTreeSet<String>,
) -> (Vec<String>, Vec<String>) {
    let Some(wanted) = req.config.agent_ids.get() else {
        return (Vec::new(), Vec::new());
    };
    (
        wanted.difference(current).cloned().collect(),
        current.difference(wanted).cloned().collect(),
    )
}

/// The agents assigned now: as Frontegg reports them, else as the prior state knew them.
fn current_agents(req: &Change<Integration>, reported: Option<&[String]>) -> BTreeSet<String> {
    match reported {
        Some(ids) => ids.iter().cloned().collect(),
        None => req
            .prior
            .as_ref()
            .and_then(|p| p.agent_ids.get().cloned())
            .unwrap_or_default(),
    }
}

/// Assigns and unassigns agents of `integration` as configured, then returns the state of
/// the integration as Frontegg holds it (with `known` for what Frontegg does not report). When
/// an agent call fails, or the integration cannot be read back afterwards, `agent_ids` holds
/// what was done: the agents before, with the calls that succeeded applied.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn converge_agents(
    client: &Client,
    req: &Change<Integration>,
    integration: VendorIntegration,
    known: &Integration,
    memory: &mut Memory,
    vendor: &Vendor,
    cancel: &CancellationToken,
    diags: &mut Diagnostics,
) -> Integration {
    let mut done = current_agents(req, integration.agent_ids.as_deref());
    let (assign, unassign) = agent_changes(req, &done);
    if assign.is_empty() && unassign.is_empty() {
        return state_from(&integration, known, vendor, diags);
    }
    let id = integration.id.clone();
    let title = &vendor.title;
    let mut failed = false;
    match client.assign_agents(&id, &assign, cancel).await {
        Err(e) => {
            failed = true;
            client_error(
                diags,
                &format!("Cannot assign agents to the {title} integration"),
                &e,
            );
        }
        Ok(()) => {
            done.extend(assign.iter().cloned());
            match client.unassign_agents(&id, &unassign, cancel).await {
                Err(e) => {
                    failed = true;
                    client_error(
                        diags,
                        &format!("Cannot unassign agents from the {title} integration"),
                        &e,
                    );
                }
                Ok(()) => unassign.iter().for_each(|a| {
                    done.remove(a);
                }),
            }
        }
    }
    let mut known = known.clone();
    known.agent_ids = Maybe::some(done.clone());
    match client.get_integration(&id, cancel).await {
        Ok(Some(current)) => {
            memory.learn(&current);
            return state_from(&current, &known, vendor, diags);
        }
        Ok(None) => diags.error(
            format!("{title} integration is gone"),
            format!(
                "Integration {id} was no longer listed after its agents were changed. Run \
                 terraform apply again to create it."
            ),
        ),
        Err(e) => {
            let what = if failed {
                "the agent calls that succeeded"
            } else {
                "the assigned and unassigned agents"
            };
            diags.warning(
                format!("Cannot read back the {title} integration"),
                format!(
                    "The agents were changed, but integration {id} could not be read back \
                     afterwards, so the state records {what} as Frontegg confirmed them. The \
                     next plan reads it again. Frontegg said: {e}"
                ),
            );
        }
    }
    // Not read back: the answer before the agent calls, with the agents they changed.
    let mut state = state_from(&integration, &known, vendor, diags);
    state.agent_ids = Maybe::some(done);
    state
}
