//! A provider's service built at its first request: the server is listening, and its
//! handshake line printed, before the provider's schemas are collected and converted.

use std::sync::{Arc, OnceLock};

use tonic::{Request, Response, Status, Streaming};

use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as ProviderRpc;
use crate::resource::Provider;

use super::{InvalidSchemas, ProviderService};

type RpcResult<T> = Result<Response<T>, Status>;

/// Serves [`ProviderService::new_without_checks`] of a provider, built at the first request
/// (every request of a process needs it; none of them needs it before the handshake line).
/// When it cannot be built, every request fails with the problems.
pub struct LazyProviderService {
    provider: Arc<dyn Provider>,
    service: OnceLock<Result<ProviderService, InvalidSchemas>>,
}

impl LazyProviderService {
    /// The service of `provider`, not built yet.
    pub fn new(provider: Arc<dyn Provider>) -> LazyProviderService {
        LazyProviderService {
            provider,
            service: OnceLock::new(),
        }
    }

    /// The service, built now if this is the first request.
    pub fn service(&self) -> Result<&ProviderService, Status> {
        let built = self.service.get_or_init(|| {
            let built = ProviderService::new_without_checks(Arc::clone(&self.provider));
            if let Err(e) = &built {
                log::error!("{e}");
            }
            built
        });
        built
            .as_ref()
            .map_err(|e| Status::failed_precondition(e.to_string()))
    }
}

#[tonic::async_trait]
impl ProviderRpc for LazyProviderService {
    type ListResourceStream = <ProviderService as ProviderRpc>::ListResourceStream;
    type ReadStateBytesStream = <ProviderService as ProviderRpc>::ReadStateBytesStream;
    type InvokeActionStream = <ProviderService as ProviderRpc>::InvokeActionStream;

    async fn get_metadata(
        &self,
        req: Request<pb::get_metadata::Request>,
    ) -> RpcResult<pb::get_metadata::Response> {
        <ProviderService as ProviderRpc>::get_metadata(self.service()?, req).await
    }

    async fn get_provider_schema(
        &self,
        req: Request<pb::get_provider_schema::Request>,
    ) -> RpcResult<pb::get_provider_schema::Response> {
        <ProviderService as ProviderRpc>::get_provider_schema(self.service()?, req).await
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> RpcResult<pb::validate_provider_config::Response> {
        <ProviderService as ProviderRpc>::validate_provider_config(self.service()?, req).await
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> RpcResult<pb::validate_resource_config::Response> {
        <ProviderService as ProviderRpc>::validate_resource_config(self.service()?, req).await
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> RpcResult<pb::validate_data_resource_config::Response> {
        <ProviderService as ProviderRpc>::validate_data_resource_config(self.service()?, req).await
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> RpcResult<pb::upgrade_resource_state::Response> {
        <ProviderService as ProviderRpc>::upgrade_resource_state(self.service()?, req).await
    }

    async fn get_resource_identity_schemas(
        &self,
        req: Request<pb::get_resource_identity_schemas::Request>,
    ) -> RpcResult<pb::get_resource_identity_schemas::Response> {
        <ProviderService as ProviderRpc>::get_resource_identity_schemas(self.service()?, req).await
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> RpcResult<pb::upgrade_resource_identity::Response> {
        <ProviderService as ProviderRpc>::upgrade_resource_identity(self.service()?, req).await
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> RpcResult<pb::configure_provider::Response> {
        <ProviderService as ProviderRpc>::configure_provider(self.service()?, req).await
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> RpcResult<pb::read_resource::Response> {
        <ProviderService as ProviderRpc>::read_resource(self.service()?, req).await
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> RpcResult<pb::plan_resource_change::Response> {
        <ProviderService as ProviderRpc>::plan_resource_change(self.service()?, req).await
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> RpcResult<pb::apply_resource_change::Response> {
        <ProviderService as ProviderRpc>::apply_resource_change(self.service()?, req).await
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> RpcResult<pb::import_resource_state::Response> {
        <ProviderService as ProviderRpc>::import_resource_state(self.service()?, req).await
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> RpcResult<pb::move_resource_state::Response> {
        <ProviderService as ProviderRpc>::move_resource_state(self.service()?, req).await
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> RpcResult<pb::read_data_source::Response> {
        <ProviderService as ProviderRpc>::read_data_source(self.service()?, req).await
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> RpcResult<pb::generate_resource_config::Response> {
        <ProviderService as ProviderRpc>::generate_resource_config(self.service()?, req).await
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> RpcResult<pb::validate_ephemeral_resource_config::Response> {
        <ProviderService as ProviderRpc>::validate_ephemeral_resource_config(self.service()?, req)
            .await
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> RpcResult<pb::open_ephemeral_resource::Response> {
        <ProviderService as ProviderRpc>::open_ephemeral_resource(self.service()?, req).await
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> RpcResult<pb::renew_ephemeral_resource::Response> {
        <ProviderService as ProviderRpc>::renew_ephemeral_resource(self.service()?, req).await
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> RpcResult<pb::close_ephemeral_resource::Response> {
        <ProviderService as ProviderRpc>::close_ephemeral_resource(self.service()?, req).await
    }

    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> RpcResult<Self::ListResourceStream> {
        <ProviderService as ProviderRpc>::list_resource(self.service()?, req).await
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> RpcResult<pb::validate_list_resource_config::Response> {
        <ProviderService as ProviderRpc>::validate_list_resource_config(self.service()?, req).await
    }

    async fn get_functions(
        &self,
        req: Request<pb::get_functions::Request>,
    ) -> RpcResult<pb::get_functions::Response> {
        <ProviderService as ProviderRpc>::get_functions(self.service()?, req).await
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> RpcResult<pb::call_function::Response> {
        <ProviderService as ProviderRpc>::call_function(self.service()?, req).await
    }

    async fn validate_state_store_config(
        &self,
        req: Request<pb::validate_state_store::Request>,
    ) -> RpcResult<pb::validate_state_store::Response> {
        <ProviderService as ProviderRpc>::validate_state_store_config(self.service()?, req).await
    }

    async fn configure_state_store(
        &self,
        req: Request<pb::configure_state_store::Request>,
    ) -> RpcResult<pb::configure_state_store::Response> {
        <ProviderService as ProviderRpc>::configure_state_store(self.service()?, req).await
    }

    async fn read_state_bytes(
        &self,
        req: Request<pb::read_state_bytes::Request>,
    ) -> RpcResult<Self::ReadStateBytesStream> {
        <ProviderService as ProviderRpc>::read_state_bytes(self.service()?, req).await
    }

    async fn write_state_bytes(
        &self,
        req: Request<Streaming<pb::write_state_bytes::RequestChunk>>,
    ) -> RpcResult<pb::write_state_bytes::Response> {
        <ProviderService as ProviderRpc>::write_state_bytes(self.service()?, req).await
    }

    async fn lock_state(
        &self,
        req: Request<pb::lock_state::Request>,
    ) -> RpcResult<pb::lock_state::Response> {
        <ProviderService as ProviderRpc>::lock_state(self.service()?, req).await
    }

    async fn unlock_state(
        &self,
        req: Request<pb::unlock_state::Request>,
    ) -> RpcResult<pb::unlock_state::Response> {
        <ProviderService as ProviderRpc>::unlock_state(self.service()?, req).await
    }

    async fn get_states(
        &self,
        req: Request<pb::get_states::Request>,
    ) -> RpcResult<pb::get_states::Response> {
        <ProviderService as ProviderRpc>::get_states(self.service()?, req).await
    }

    async fn delete_state(
        &self,
        req: Request<pb::delete_state::Request>,
    ) -> RpcResult<pb::delete_state::Response> {
        <ProviderService as ProviderRpc>::delete_state(self.service()?, req).await
    }

    async fn plan_action(
        &self,
        req: Request<pb::plan_action::Request>,
    ) -> RpcResult<pb::plan_action::Response> {
        <ProviderService as ProviderRpc>::plan_action(self.service()?, req).await
    }

    async fn invoke_action(
        &self,
        req: Request<pb::invoke_action::Request>,
    ) -> RpcResult<Self::InvokeActionStream> {
        <ProviderService as ProviderRpc>::invoke_action(self.service()?, req).await
    }

    async fn validate_action_config(
        &self,
        req: Request<pb::validate_action_config::Request>,
    ) -> RpcResult<pb::validate_action_config::Response> {
        <ProviderService as ProviderRpc>::validate_action_config(self.service()?, req).await
    }

    async fn stop_provider(
        &self,
        req: Request<pb::stop_provider::Request>,
    ) -> RpcResult<pb::stop_provider::Response> {
        <ProviderService as ProviderRpc>::stop_provider(self.service()?, req).await
    }
}
