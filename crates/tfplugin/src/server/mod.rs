//! The `tfplugin6.Provider` gRPC service: decodes requests, applies Terraform's rules
//! once for every resource, calls the [`Provider`], [`Resource`], [`DataSource`],
//! [`ListResource`] and [`Function`] code inside a panic guard, and encodes responses.
//!
//! One file per RPC or group of RPCs; `plan_rules.rs` holds the value rules (defaults,
//! unknowns, write-only, replacement).

mod action;
mod apply;
mod call_function;
mod configure;
mod convert;
mod data_source;
mod generate_config;
mod guard;
mod identity;
mod import;
mod lazy;
mod list_resource;
mod move_state;
mod plan;
mod plan_rules;
mod read;
mod schemas;
mod stop;
mod unsupported;
mod upgrade;
mod validate;

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use tfvalue::Type;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status, Streaming};

use crate::action::Action;
use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as ProviderRpc;
use crate::resource::{
    ClientCapabilities, Context, DataSource, Function, ListResource, Provider, Resource,
};
use crate::schema::{Schema, Signature, valid_name};

pub use lazy::LazyProviderService;

/// The provider's schemas broke Terraform's rules, or a typed model does not fit its
/// schema: [`ProviderService::new`] refuses to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidSchemas(pub Vec<String>);

impl fmt::Display for InvalidSchemas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the provider's schemas are invalid:")?;
        for p in &self.0 {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidSchemas {}

/// A resource type with its schemas, validated and converted once.
struct ResourceEntry {
    resource: Arc<dyn Resource>,
    schema: Schema,
    ty: Type,
    identity: Option<(Schema, Type)>,
}

/// A data source type with its schema.
struct DataSourceEntry {
    data_source: Arc<dyn DataSource>,
    schema: Schema,
    ty: Type,
}

/// A list resource type with its `config` schema and the managed resource it lists
/// (shared with the task that streams a listing).
struct ListResourceEntry {
    list: Arc<dyn ListResource>,
    ty: Type,
    resource: Arc<ResourceEntry>,
}

/// A provider function with its signature.
struct FunctionEntry {
    function: Arc<dyn Function>,
    signature: Signature,
}

/// An action type with its schema (shared with the task that runs an invocation).
struct ActionEntry {
    action: Arc<dyn Action>,
    schema: Schema,
    ty: Type,
}

/// What `ConfigureProvider` left for later requests.
#[derive(Default)]
struct Configured {
    data: Option<Arc<dyn Any + Send + Sync>>,
    capabilities: ClientCapabilities,
}

/// The `tfplugin6.Provider` service for one [`Provider`].
pub struct ProviderService {
    provider: Arc<dyn Provider>,
    provider_ty: Type,
    resources: BTreeMap<String, Arc<ResourceEntry>>,
    data_sources: BTreeMap<String, DataSourceEntry>,
    list_resources: BTreeMap<String, Arc<ListResourceEntry>>,
    functions: BTreeMap<String, FunctionEntry>,
    actions: BTreeMap<String, Arc<ActionEntry>>,
    provider_schema: Schema,
    /// The `config` schemas of the list resources.
    list_schemas: BTreeMap<String, Schema>,
    /// The answers of the schema RPCs, converted at the first request of each.
    schema_response: OnceLock<pb::get_provider_schema::Response>,
    identity_response: OnceLock<pb::get_resource_identity_schemas::Response>,
    functions_response: OnceLock<pb::get_functions::Response>,
    /// Cancelled by `StopProvider`, then replaced by a fresh token.
    cancel: Mutex<CancellationToken>,
    configured: RwLock<Configured>,
}

impl fmt::Debug for ProviderService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderService")
            .field("resources", &self.resources.keys().collect::<Vec<_>>())
            .field(
                "data_sources",
                &self.data_sources.keys().collect::<Vec<_>>(),
            )
            .field(
                "list_resources",
                &self.list_resources.keys().collect::<Vec<_>>(),
            )
            .field("functions", &self.functions.keys().collect::<Vec<_>>())
            .field("actions", &self.actions.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Which checks [`ProviderService::build`] makes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Checks {
    /// Every schema against Terraform's rules, every typed model against its schema.
    All,
    /// Only what the service cannot be built without (one entry per name, the resource
    /// a list resource lists).
    Structure,
}

impl ProviderService {
    /// Collects the provider's schemas, checks them against Terraform's rules and every
    /// typed model against its schema ([`Resource::check_model`]), and keeps them for the
    /// requests. Every problem of every schema is reported. A provider's tests build it this
    /// way, so that a schema or model that does not fit fails them; [`crate::serve`] skips
    /// these checks at start-up (see [`ProviderService::new_without_checks`]).
    pub fn new(provider: Arc<dyn Provider>) -> Result<ProviderService, InvalidSchemas> {
        Self::build(provider, Checks::All)
    }

    /// Builds the service as [`ProviderService::new`] does, without checking the schemas
    /// against Terraform's rules or the typed models against their schemas: what a process
    /// does at start-up, on the path to the handshake line, once its tests have made those
    /// checks. Refuses only what the service cannot be built without: a type name declared
    /// twice, a list resource without a resource of its name with an identity.
    pub fn new_without_checks(
        provider: Arc<dyn Provider>,
    ) -> Result<ProviderService, InvalidSchemas> {
        Self::build(provider, Checks::Structure)
    }

    fn build(
        provider: Arc<dyn Provider>,
        checks: Checks,
    ) -> Result<ProviderService, InvalidSchemas> {
        let all = checks == Checks::All;
        let mut problems = Vec::new();
        let mut check = |what: &str, result: Result<(), Vec<String>>| {
            if let Err(ps) = result {
                problems.extend(ps.into_iter().map(|p| format!("{what}: {p}")));
            }
        };
        // A check only `new` makes.
        let full = |f: &dyn Fn() -> Result<(), Vec<String>>| if all { f() } else { Ok(()) };

        let provider_schema = provider.schema();
        check("provider", full(&|| provider_schema.validate()));

        let mut resources = BTreeMap::new();
        for resource in provider.resources() {
            let name = resource.type_name().to_owned();
            let schema = resource.schema();
            check(&format!("resource {name}"), full(&|| schema.validate()));
            check(
                &format!("resource {name}"),
                full(&|| resource.check_model()),
            );
            let identity = resource.identity_schema();
            if let Some(id) = &identity {
                check(
                    &format!("identity of resource {name}"),
                    full(&|| id.validate_identity()),
                );
            }
            let entry = ResourceEntry {
                resource,
                ty: schema.value_type(),
                schema,
                identity: identity.map(|s| {
                    let ty = s.value_type();
                    (s, ty)
                }),
            };
            if resources.insert(name.clone(), Arc::new(entry)).is_some() {
                check(
                    &format!("resource {name}"),
                    Err(vec!["type name declared twice".to_owned()]),
                );
            }
        }

        let mut data_sources = BTreeMap::new();
        for data_source in provider.data_sources() {
            let name = data_source.type_name().to_owned();
            let schema = data_source.schema();
            check(&format!("data source {name}"), full(&|| schema.validate()));
            check(
                &format!("data source {name}"),
                full(&|| data_source.check_model()),
            );
            if all && schema.block.contains_write_only() {
                check(
                    &format!("data source {name}"),
                    Err(vec![
                        "data sources cannot have write-only attributes".to_owned(),
                    ]),
                );
            }
            let entry = DataSourceEntry {
                data_source,
                ty: schema.value_type(),
                schema,
            };
            if data_sources.insert(name.clone(), entry).is_some() {
                check(
                    &format!("data source {name}"),
                    Err(vec!["type name declared twice".to_owned()]),
                );
            }
        }

        let mut list_resources = BTreeMap::new();
        let mut list_schemas = BTreeMap::new();
        for list in provider.list_resources() {
            let name = list.type_name().to_owned();
            let what = format!("list resource {name}");
            let schema = list.schema();
            check(&what, full(&|| schema.validate()));
            if all && schema.block.contains_write_only() {
                check(
                    &what,
                    Err(vec![
                        "list resources cannot have write-only attributes".to_owned(),
                    ]),
                );
            }
            let resource = match resources.get(&name) {
                Some(r) if r.identity.is_some() => Arc::clone(r),
                Some(_) => {
                    check(
                        &what,
                        Err(vec![format!(
                            "the resource {name} has no identity schema; Terraform imports what a query finds by its identity"
                        )]),
                    );
                    continue;
                }
                None => {
                    check(
                        &what,
                        Err(vec![format!(
                            "no resource {name}: a list resource lists the objects of the resource type of its name"
                        )]),
                    );
                    continue;
                }
            };
            let entry = ListResourceEntry {
                list,
                ty: schema.value_type(),
                resource,
            };
            if list_resources
                .insert(name.clone(), Arc::new(entry))
                .is_some()
            {
                check(&what, Err(vec!["type name declared twice".to_owned()]));
            }
            list_schemas.insert(name, schema);
        }

        let mut functions = BTreeMap::new();
        for function in provider.functions() {
            let name = function.name().to_owned();
            let what = format!("function {name:?}");
            if all && (!valid_name(&name) || name.starts_with(|c: char| c.is_ascii_digit())) {
                check(
                    &what,
                    Err(vec![
                        "a function name is lowercase letters, digits and underscores, not starting with a digit".to_owned(),
                    ]),
                );
            }
            let signature = function.signature();
            check(&what, full(&|| signature.validate()));
            let entry = FunctionEntry {
                function,
                signature,
            };
            if functions.insert(name, entry).is_some() {
                check(&what, Err(vec!["name declared twice".to_owned()]));
            }
        }

        let mut actions = BTreeMap::new();
        for action in provider.actions() {
            let name = action.type_name().to_owned();
            let what = format!("action {name}");
            let schema = action.schema();
            check(&what, schema.validate());
            check(&what, action::validate_action_schema(&schema.block));
            let entry = ActionEntry {
                action,
                ty: schema.value_type(),
                schema,
            };
            if actions.insert(name, Arc::new(entry)).is_some() {
                check(&what, Err(vec!["type name declared twice".to_owned()]));
            }
        }

        if !problems.is_empty() {
            return Err(InvalidSchemas(problems));
        }

        Ok(ProviderService {
            provider,
            provider_ty: provider_schema.value_type(),
            resources,
            data_sources,
            list_resources,
            functions,
            actions,
            provider_schema,
            list_schemas,
            schema_response: OnceLock::new(),
            identity_response: OnceLock::new(),
            functions_response: OnceLock::new(),
            cancel: Mutex::new(CancellationToken::new()),
            configured: RwLock::new(Configured::default()),
        })
    }

    /// The context of a request: the current cancellation token, the capabilities the
    /// request carries (else those given at `ConfigureProvider`), the provider data.
    fn context(&self, capabilities: Option<&pb::ClientCapabilities>) -> Context {
        let cancel = self
            .cancel
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let configured = self
            .configured
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let capabilities =
            capabilities.map_or(configured.capabilities, convert::capabilities_from_proto);
        Context::new()
            .with_cancellation(cancel)
            .with_capabilities(capabilities)
            .with_provider_data(configured.data.clone())
    }

    fn resource(&self, type_name: &str, diags: &mut Diagnostics) -> Option<&ResourceEntry> {
        declared(&self.resources, "resource", type_name, diags).map(|e| &**e)
    }

    fn data_source(&self, type_name: &str, diags: &mut Diagnostics) -> Option<&DataSourceEntry> {
        declared(&self.data_sources, "data source", type_name, diags)
    }

    fn list_resource_entry(
        &self,
        type_name: &str,
        diags: &mut Diagnostics,
    ) -> Option<&Arc<ListResourceEntry>> {
        declared(&self.list_resources, "list resource", type_name, diags)
    }
}

/// The entry of the `kind` type `type_name`, or an error saying the provider has none.
fn declared<'a, E>(
    entries: &'a BTreeMap<String, E>,
    kind: &str,
    type_name: &str,
    diags: &mut Diagnostics,
) -> Option<&'a E> {
    let entry = entries.get(type_name);
    if entry.is_none() {
        diags.error(
            format!("Unknown {kind} type"),
            format!(
                "This provider has no {kind} type {type_name:?}. Check the {kind} type name and the provider version."
            ),
        );
    }
    entry
}

type RpcResult<T> = Result<Response<T>, Status>;

fn ok<T>(v: T) -> RpcResult<T> {
    Ok(Response::new(v))
}

#[tonic::async_trait]
impl ProviderRpc for ProviderService {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> RpcResult<pb::get_metadata::Response> {
        ok(self.get_metadata_response())
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> RpcResult<pb::get_provider_schema::Response> {
        log::debug!("GetProviderSchema");
        ok(self.schema_response().clone())
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> RpcResult<pb::validate_provider_config::Response> {
        ok(self.validate_provider_config(req.into_inner()))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> RpcResult<pb::validate_resource_config::Response> {
        ok(self.validate_resource_config(req.into_inner()))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> RpcResult<pb::validate_data_resource_config::Response> {
        ok(self.validate_data_resource_config(req.into_inner()))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> RpcResult<pb::upgrade_resource_state::Response> {
        ok(self.upgrade_resource_state(req.into_inner()))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> RpcResult<pb::get_resource_identity_schemas::Response> {
        log::debug!("GetResourceIdentitySchemas");
        ok(self.identity_response().clone())
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> RpcResult<pb::upgrade_resource_identity::Response> {
        ok(self.upgrade_resource_identity(req.into_inner()))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> RpcResult<pb::configure_provider::Response> {
        ok(self.configure_provider(req.into_inner()).await)
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> RpcResult<pb::read_resource::Response> {
        ok(self.read_resource(req.into_inner()).await)
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> RpcResult<pb::plan_resource_change::Response> {
        ok(self.plan_resource_change(req.into_inner()).await)
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> RpcResult<pb::apply_resource_change::Response> {
        ok(self.apply_resource_change(req.into_inner()).await)
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> RpcResult<pb::import_resource_state::Response> {
        ok(self.import_resource_state(req.into_inner()).await)
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> RpcResult<pb::move_resource_state::Response> {
        ok(self.move_resource_state(req.into_inner()).await)
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> RpcResult<pb::read_data_source::Response> {
        ok(self.read_data_source(req.into_inner()).await)
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> RpcResult<pb::generate_resource_config::Response> {
        ok(self.generate_resource_config(req.into_inner()).await)
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> RpcResult<pb::validate_ephemeral_resource_config::Response> {
        let req = req.into_inner();
        ok(pb::validate_ephemeral_resource_config::Response {
            diagnostics: unsupported::unknown_type("ephemeral resource", &req.type_name),
        })
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> RpcResult<pb::open_ephemeral_resource::Response> {
        let req = req.into_inner();
        ok(pb::open_ephemeral_resource::Response {
            diagnostics: unsupported::unknown_type("ephemeral resource", &req.type_name),
            ..Default::default()
        })
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> RpcResult<pb::renew_ephemeral_resource::Response> {
        let req = req.into_inner();
        ok(pb::renew_ephemeral_resource::Response {
            diagnostics: unsupported::unknown_type("ephemeral resource", &req.type_name),
            ..Default::default()
        })
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> RpcResult<pb::close_ephemeral_resource::Response> {
        let req = req.into_inner();
        ok(pb::close_ephemeral_resource::Response {
            diagnostics: unsupported::unknown_type("ephemeral resource", &req.type_name),
        })
    }

    type ListResourceStream = list_resource::ListResourceStream;

    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> RpcResult<Self::ListResourceStream> {
        ok(self.list_resource(req.into_inner()))
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> RpcResult<pb::validate_list_resource_config::Response> {
        ok(self.validate_list_resource_config(req.into_inner()))
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> RpcResult<pb::get_functions::Response> {
        log::debug!("GetFunctions");
        ok(self.functions_response().clone())
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> RpcResult<pb::call_function::Response> {
        ok(self.call_function(req.into_inner()))
    }

    async fn validate_state_store_config(
        &self,
        req: Request<pb::validate_state_store::Request>,
    ) -> RpcResult<pb::validate_state_store::Response> {
        let req = req.into_inner();
        ok(pb::validate_state_store::Response {
            diagnostics: unsupported::unknown_type("state store", &req.type_name),
        })
    }

    async fn configure_state_store(
        &self,
        req: Request<pb::configure_state_store::Request>,
    ) -> RpcResult<pb::configure_state_store::Response> {
        let req = req.into_inner();
        ok(pb::configure_state_store::Response {
            diagnostics: unsupported::unknown_type("state store", &req.type_name),
            ..Default::default()
        })
    }

    type ReadStateBytesStream = unsupported::OneItemStream<pb::read_state_bytes::Response>;

    async fn read_state_bytes(
        &self,
        req: Request<pb::read_state_bytes::Request>,
    ) -> RpcResult<Self::ReadStateBytesStream> {
        let req = req.into_inner();
        ok(unsupported::one_item(pb::read_state_bytes::Response {
            diagnostics: unsupported::unknown_type("state store", &req.type_name),
            ..Default::default()
        }))
    }

    async fn write_state_bytes(
        &self,
        req: Request<Streaming<pb::write_state_bytes::RequestChunk>>,
    ) -> RpcResult<pb::write_state_bytes::Response> {
        let mut stream = req.into_inner();
        let type_name = match stream.message().await {
            Ok(Some(chunk)) => chunk.meta.map(|m| m.type_name).unwrap_or_default(),
            _ => String::new(),
        };
        ok(pb::write_state_bytes::Response {
            diagnostics: unsupported::unknown_type("state store", &type_name),
        })
    }

    async fn lock_state(
        &self,
        req: Request<pb::lock_state::Request>,
    ) -> RpcResult<pb::lock_state::Response> {
        let req = req.into_inner();
        ok(pb::lock_state::Response {
            diagnostics: unsupported::unknown_type("state store", &req.type_name),
            ..Default::default()
        })
    }

    async fn unlock_state(
        &self,
        req: Request<pb::unlock_state::Request>,
    ) -> RpcResult<pb::unlock_state::Response> {
        let req = req.into_inner();
        ok(pb::unlock_state::Response {
            diagnostics: unsupported::unknown_type("state store", &req.type_name),
        })
    }

    async fn get_states(
        &self,
        req: Request<pb::get_states::Request>,
    ) -> RpcResult<pb::get_states::Response> {
        let req = req.into_inner();
        ok(pb::get_states::Response {
            diagnostics: unsupported::unknown_type("state store", &req.type_name),
            ..Default::default()
        })
    }

    async fn delete_state(
        &self,
        req: Request<pb::delete_state::Request>,
    ) -> RpcResult<pb::delete_state::Response> {
        let req = req.into_inner();
        ok(pb::delete_state::Response {
            diagnostics: unsupported::unknown_type("state store", &req.type_name),
        })
    }

    async fn plan_action(
        &self,
        req: Request<pb::plan_action::Request>,
    ) -> RpcResult<pb::plan_action::Response> {
        ok(self.plan_action(req.into_inner()).await)
    }

    type InvokeActionStream = action::InvokeActionStream;

    async fn invoke_action(
        &self,
        req: Request<pb::invoke_action::Request>,
    ) -> RpcResult<Self::InvokeActionStream> {
        ok(self.invoke_action(req.into_inner()))
    }

    async fn validate_action_config(
        &self,
        req: Request<pb::validate_action_config::Request>,
    ) -> RpcResult<pb::validate_action_config::Response> {
        ok(self.validate_action_config(req.into_inner()))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> RpcResult<pb::stop_provider::Response> {
        ok(self.stop_provider())
    }
}
