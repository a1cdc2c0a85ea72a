//! The operations on the environment's vendor integrations, but for the create: list, get,
//! find by catalog id, update, delete, assign and unassign agents. Must never take an
//! integration as gone from one empty list, nor count a failed delete as done.

use std::sync::atomic::AtomicBool;

use reqwest::Method;
use tokio_util::sync::CancellationToken;

use super::Client;
use super::request::{Call, Op};
use crate::api::{
    self, AgentIds, PatchVendorIntegration, VENDOR_INTEGRATIONS_PATH, VendorIntegration,
};
use crate::error::Error;

impl Client {
    /// Every vendor integration of the environment.
    pub async fn list_integrations(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Vec<VendorIntegration>, Error> {
        let op = self.op(cancel);
        self.list_in(&op).await
    }

    async fn list_in(&self, op: &Op<'_>) -> Result<Vec<VendorIntegration>, Error> {
        self.get_list(VENDOR_INTEGRATIONS_PATH, op).await
    }

    /// One vendor integration by id (the API has no GET by id: this lists and picks);
    /// `None` when it does not exist. It is taken as gone only from a complete list that does
    /// not hold it; an empty list, which a struggling server or proxy may answer, is read once
    /// more before the integration counts as gone.
    pub async fn get_integration(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<VendorIntegration>, Error> {
        let op = self.op(cancel);
        let listed = self.list_in(&op).await?;
        if !listed.is_empty() {
            return Ok(listed.into_iter().find(|i| i.id == id));
        }
        log::debug!(
            "Frontegg API GET {VENDOR_INTEGRATIONS_PATH}: an empty list; reading it once more before taking integration {id} as gone"
        );
        Ok(self.list_in(&op).await?.into_iter().find(|i| i.id == id))
    }

    /// The environment's integration of the catalog entry `catalog_id` (the
    /// `fronteggIntegrationId`; an environment holds at most one); `None` when there is none.
    pub async fn find_integration_by_catalog_id(
        &self,
        catalog_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<VendorIntegration>, Error> {
        let op = self.op(cancel);
        self.find_by_catalog_id(catalog_id, &op).await
    }

    /// Changes the fields set in `patch`; [`ErrorKind::NotFound`](crate::ErrorKind::NotFound)
    /// when the integration is gone.
    pub async fn update_integration(
        &self,
        id: &str,
        patch: &PatchVendorIntegration,
        cancel: &CancellationToken,
    ) -> Result<VendorIntegration, Error> {
        let op = self.op(cancel);
        let call = Call {
            method: Method::PATCH,
            path: api::integration_path(id),
            body: Some(self.to_json(patch)?),
            authenticated: true,
            retry_transient: true,
            secrets: patch
                .oauth_configurations
                .iter()
                .map(|o| o.client_secret.expose())
                .collect(),
            finish_when_cancelled: false,
            sent: AtomicBool::new(false),
        };
        let answer = self.execute(&call, &op).await?;
        self.parse(&call, &answer)
    }

    /// Deletes an integration; one that does not exist (404) counts as deleted.
    pub async fn delete_integration(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let op = self.op(cancel);
        let call = Call {
            method: Method::DELETE,
            ..Call::get(api::integration_path(id))
        };
        match self.execute(&call, &op).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => {
                log::debug!("Frontegg API DELETE {}: already gone", call.path);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Lets `agent_ids` use the integration (`agents/assign`); nothing is sent for none.
    pub async fn assign_agents(
        &self,
        id: &str,
        agent_ids: &[String],
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        self.change_agents(id, agent_ids, true, cancel).await
    }

    /// Withdraws `agent_ids` from the integration (`agents/unassign`); nothing is sent for none.
    pub async fn unassign_agents(
        &self,
        id: &str,
        agent_ids: &[String],
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        self.change_agents(id, agent_ids, false, cancel).await
    }

    async fn change_agents(
        &self,
        id: &str,
        agent_ids: &[String],
        assign: bool,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        if agent_ids.is_empty() {
            return Ok(());
        }
        let op = self.op(cancel);
        let call = Call {
            method: Method::POST,
            body: Some(self.to_json(&AgentIds { agent_ids })?),
            // Assigning is idempotent: repeating it after a lost answer changes nothing.
            retry_transient: true,
            ..Call::get(api::agents_path(id, assign))
        };
        self.execute(&call, &op).await.map(|_| ())
    }

    pub(super) async fn find_by_catalog_id(
        &self,
        catalog_id: &str,
        op: &Op<'_>,
    ) -> Result<Option<VendorIntegration>, Error> {
        Ok(self
            .list_in(op)
            .await?
            .into_iter()
            .find(|i| i.frontegg_integration_id.as_deref() == Some(catalog_id)))
    }
}
