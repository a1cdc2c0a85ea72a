//! What a provider implements: a [`Provider`] with its [`Resource`]s, [`DataSource`]s,
//! [`ListResource`]s and [`Function`]s. They describe a [`Schema`] (a [`Signature`] for
//! functions) and work on [`Value`]s; the server (`crate::server`) speaks the protocol
//! and applies Terraform's rules (defaults, unknowns, write-only nulling, replacement,
//! import and upgrade, list results, function arguments) for all of them.

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use tfvalue::Value;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::diag::Diagnostics;
use crate::schema::{Schema, Signature};

/// What Terraform told the provider it supports (`ClientCapabilities`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClientCapabilities {
    /// Terraform 1.11+: write-only attributes may be set.
    pub write_only_attributes_allowed: bool,
    /// The provider may defer an action (experimental builds of Terraform).
    pub deferral_allowed: bool,
}

/// The surroundings of one request: cancellation, what the client supports, the data the
/// provider's `configure` returned, and the resource instance's private state.
#[derive(Clone, Default)]
pub struct Context {
    cancel: CancellationToken,
    capabilities: ClientCapabilities,
    provider_data: Option<Arc<dyn Any + Send + Sync>>,
    private: PrivateState,
}

/// A resource instance's private state: bytes that Terraform stores beside the state, never
/// shows, and hands back with the next plan, apply and read of the same instance (Plan:
/// `prior_private` → `planned_private`; Apply: `planned_private` → `private`; Read: `private`
/// → `private`; Import and Move produce it). The resource chooses their format.
#[derive(Clone, Default)]
struct PrivateState {
    /// What Terraform sent.
    incoming: Arc<Vec<u8>>,
    /// What the resource set (`None`: pass `incoming` on unchanged).
    outgoing: Arc<std::sync::Mutex<Option<Vec<u8>>>>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("cancelled", &self.cancel.is_cancelled())
            .field("capabilities", &self.capabilities)
            .field("provider_data", &self.provider_data.is_some())
            .field("private_bytes", &self.private.incoming.len())
            .finish()
    }
}

impl Context {
    /// A context that is never cancelled, with no capabilities and no provider data
    /// (for tests of a resource outside the server).
    pub fn new() -> Context {
        Context::default()
    }

    /// The same context cancelled by `token`.
    pub fn with_cancellation(mut self, token: CancellationToken) -> Context {
        self.cancel = token;
        self
    }

    /// The same context with `capabilities`.
    pub fn with_capabilities(mut self, capabilities: ClientCapabilities) -> Context {
        self.capabilities = capabilities;
        self
    }

    /// The same context with `data` as the provider data.
    pub fn with_provider_data(mut self, data: Option<Arc<dyn Any + Send + Sync>>) -> Context {
        self.provider_data = data;
        self
    }

    /// Fires when Terraform asks the provider to stop (`StopProvider`, e.g. Ctrl-C):
    /// long work should give up promptly.
    pub fn cancelled(&self) -> &CancellationToken {
        &self.cancel
    }

    /// What [`Provider::configure`] returned, if it was of type `T`. `None` before the
    /// provider is configured (e.g. during validation).
    pub fn provider_data<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.provider_data.clone()?.downcast::<T>().ok()
    }

    /// Whether the client accepts write-only attributes (Terraform 1.11+).
    pub fn write_only_allowed(&self) -> bool {
        self.capabilities.write_only_attributes_allowed
    }

    /// Everything the client said it supports.
    pub fn client_capabilities(&self) -> ClientCapabilities {
        self.capabilities
    }

    /// The same context carrying `bytes` as the private state Terraform sent.
    pub fn with_private(mut self, bytes: Vec<u8>) -> Context {
        self.private = PrivateState {
            incoming: Arc::new(bytes),
            outgoing: Arc::default(),
        };
        self
    }

    /// The private state Terraform sent with this request (empty on create, and for a
    /// state no provider gave private data).
    pub fn private(&self) -> &[u8] {
        &self.private.incoming
    }

    /// Sets the private state to return with the answer (plan, apply, read, import, move);
    /// without a call, the private state Terraform sent is returned unchanged.
    pub fn set_private(&self, bytes: Vec<u8>) {
        *self
            .private
            .outgoing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(bytes);
    }

    /// The private state to answer with: what the resource set, else what Terraform sent.
    pub(crate) fn answer_private(&self) -> Vec<u8> {
        self.private
            .outgoing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
            .unwrap_or_else(|| self.private.incoming.as_ref().clone())
    }
}

/// A Terraform provider: its configuration schema, its resource, data source and list
/// resource types, and its functions.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The schema of the `provider` block.
    fn schema(&self) -> Schema;

    /// Checks the provider configuration (which may hold unknowns: skip those).
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Configures the provider (the configuration may hold unknowns) and returns the
    /// data resources get through [`Context::provider_data`].
    async fn configure(
        &self,
        ctx: &Context,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Arc<dyn Any + Send + Sync>>;

    /// The managed resource types.
    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    /// The data source types.
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>>;

    /// The list resource types (`terraform query`, Terraform 1.14+); each lists a
    /// managed resource type of the same name.
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        Vec::new()
    }

    /// The provider functions (`provider::<name>::<function>(...)`, Terraform 1.8+).
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }

    /// The action types (`action` blocks, Terraform 1.14+).
    fn actions(&self) -> Vec<Arc<dyn crate::action::Action>> {
        Vec::new()
    }
}

/// The values a plan is made from. `Debug` shows no values (see [`Value`]'s `Debug`):
/// the configuration holds sensitive and write-only values.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanRequest {
    /// The state before the change (null on create).
    pub prior: Value,
    /// The configuration (may hold unknowns; holds write-only values).
    pub config: Value,
    /// Terraform's proposal: configuration values plus prior values of computed
    /// attributes left null in configuration (null on destroy).
    pub proposed: Value,
}

/// The values a change is applied from. `Debug` shows no values (see [`Value`]'s
/// `Debug`): the configuration holds sensitive and write-only values.
#[derive(Clone, Debug, PartialEq)]
pub struct ApplyRequest {
    /// The state before the change (null on create).
    pub prior: Value,
    /// The planned state (write-only attributes null; unknowns are for the resource to
    /// fill in).
    pub planned: Value,
    /// The configuration: the only place write-only values are found.
    pub config: Value,
}

/// A managed resource type.
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// The resource type name, e.g. `frontegg_confluence_integration`.
    fn type_name(&self) -> &'static str;

    /// The resource schema.
    fn schema(&self) -> Schema;

    /// The schema of the resource identity, if the resource has one (its attributes
    /// are the identity object's; its version is the identity version).
    fn identity_schema(&self) -> Option<Schema> {
        None
    }

    /// Checks a configuration. Called by `ValidateResourceConfig` (the configuration
    /// may hold unknowns: skip them) and again at plan time on the more known
    /// configuration, where only errors are kept.
    fn validate(&self, _ctx: &Context, _config: &Value, _diags: &mut Diagnostics) {}

    /// The last word on a plan, after the server applied the generic rules. `planned`
    /// is null when the resource is being destroyed (it must stay null).
    async fn modify_plan(
        &self,
        _ctx: &Context,
        _req: &PlanRequest,
        _planned: &mut Value,
        _diags: &mut Diagnostics,
    ) {
    }

    /// Creates the object; returns its state (null = nothing was created). Unknowns
    /// left in the state become errors; write-only values are nulled by the server.
    async fn create(&self, ctx: &Context, req: &ApplyRequest, diags: &mut Diagnostics) -> Value;

    /// Reads the object described by `state`; returns its current state (null = it is
    /// gone, and Terraform drops it from state). Null together with an error keeps the
    /// current state: a failed read never forgets an object.
    async fn read(&self, ctx: &Context, state: &Value, diags: &mut Diagnostics) -> Value;

    /// Updates the object; returns its state (on error: what the remote side holds;
    /// null keeps the prior state).
    async fn update(&self, ctx: &Context, req: &ApplyRequest, diags: &mut Diagnostics) -> Value;

    /// Deletes the object described by `prior` (already gone is success). On error the
    /// prior state is kept.
    async fn delete(&self, ctx: &Context, prior: &Value, diags: &mut Diagnostics);

    /// Starts an import from the user's id: returns a (possibly partial) state, e.g.
    /// only `id` set. Terraform reads the resource next.
    async fn import(&self, ctx: &Context, id: &str, diags: &mut Diagnostics) -> Value;

    /// The identity object of a state, if the resource has an identity.
    fn identity(&self, _state: &Value) -> Option<Value> {
        None
    }

    /// The import id for an identity (for `import { identity = {...} }`).
    fn import_id_from_identity(&self, _identity: &Value) -> Option<String> {
        None
    }

    /// The state of this type for the state of another resource type that a `moved` block
    /// (Terraform 1.8+) moves here; null with an error when this type does not take it.
    /// Write-only values are nulled by the server.
    async fn move_state(
        &self,
        _ctx: &Context,
        source: &MoveSource,
        diags: &mut Diagnostics,
    ) -> Value {
        source.not_accepted(self.type_name(), diags);
        Value::Null
    }

    /// The last word on the configuration generated for `state` (`GenerateResourceConfig`:
    /// `terraform query -generate-config-out`, `plan -generate-config-out`): `config` is
    /// `state` without computed-only attributes, values equal to their default, and
    /// sensitive or write-only values; a resource may also drop values its plan would
    /// derive the same. The provider is configured.
    async fn generate_config(&self, _ctx: &Context, _state: &Value, config: Value) -> Value {
        config
    }

    /// Problems of the resource's typed model against its schema (see
    /// [`crate::model::check`]); [`crate::ProviderService::new`], which the provider's tests
    /// build, refuses any.
    fn check_model(&self) -> Result<(), Vec<String>> {
        Ok(())
    }
}

/// The state a `moved` block moves from another resource type (`MoveResourceState`).
#[derive(Clone, Debug, PartialEq)]
pub struct MoveSource {
    /// The provider of the source type (`registry.terraform.io/frontegg/frontegg`).
    pub provider_address: String,
    /// The source resource type.
    pub type_name: String,
    /// The schema version the source state was written with.
    pub schema_version: i64,
    /// The source state, decoded with the source type's current schema when the source is
    /// a resource type of this provider at that schema version or older; `None` otherwise.
    pub state: Option<Value>,
}

impl MoveSource {
    /// The error for a move that the target type `target` does not take.
    pub fn not_accepted(&self, target: &str, diags: &mut Diagnostics) {
        diags.error(
            "Cannot move this resource here",
            format!(
                "The {target} resource does not take state moved from {} (provider {}). \
                 Remove the `moved` block and import the object as {target} instead.",
                self.type_name, self.provider_address
            ),
        );
    }
}

/// A data source type.
#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    /// The data source type name.
    fn type_name(&self) -> &'static str;

    /// The data source schema.
    fn schema(&self) -> Schema;

    /// Checks a configuration (which may hold unknowns: skip them).
    fn validate(&self, _ctx: &Context, _config: &Value, _diags: &mut Diagnostics) {}

    /// Reads the data described by `config` (wholly known); returns the state.
    async fn read(&self, ctx: &Context, config: &Value, diags: &mut Diagnostics) -> Value;

    /// Problems of the data source's typed model against its schema;
    /// [`crate::ProviderService::new`], which the provider's tests build, refuses any.
    fn check_model(&self) -> Result<(), Vec<String>> {
        Ok(())
    }
}

/// What Terraform asks a list resource for (`ListResource`).
#[derive(Clone, Debug, PartialEq)]
pub struct ListRequest {
    /// The `config` block of the `list` block (wholly known; attributes the user left
    /// out are null).
    pub config: Value,
    /// Whether Terraform wants each object's full state (`include_resource = true`, or
    /// `terraform query -generate-config-out`); otherwise only identities and display
    /// names are sent.
    pub include_resource: bool,
    /// The most results Terraform accepts; [`ListResults::push`] refuses more.
    pub limit: i64,
}

/// One object a list resource found.
#[derive(Clone, Debug, PartialEq)]
pub struct ListResult {
    /// A name for people (`terraform query` prints it beside the identity).
    pub display_name: String,
    /// The object's state, as the managed resource's `read` would return it. The server
    /// derives the identity from it with [`Resource::identity`], nulls write-only
    /// attributes, and sends it when Terraform asked for resources.
    pub state: Value,
}

/// Where a list resource sends what it finds: each result travels to Terraform as it
/// is pushed.
#[derive(Debug)]
pub struct ListResults {
    sender: mpsc::Sender<ListResult>,
    remaining: i64,
}

impl ListResults {
    /// Results sent to `sender`, at most `limit` of them.
    pub(crate) fn new(sender: mpsc::Sender<ListResult>, limit: i64) -> ListResults {
        ListResults {
            sender,
            remaining: limit.max(0),
        }
    }

    /// Sends one result. False when Terraform takes no more (the limit is reached, or it
    /// stopped listening): the list resource should stop looking.
    pub async fn push(&mut self, result: ListResult) -> bool {
        if self.remaining == 0 || self.sender.send(result).await.is_err() {
            return false;
        }
        self.remaining -= 1;
        self.remaining > 0
    }
}

/// A list resource type: finds the existing objects of the managed resource type of the
/// same name, for `terraform query` (Terraform 1.14+). That resource must have an
/// identity: Terraform imports what a query finds by it.
#[async_trait]
pub trait ListResource: Send + Sync + 'static {
    /// The type name: that of the managed resource whose objects it lists.
    fn type_name(&self) -> &'static str;

    /// The schema of the `config` block inside a `list` block.
    fn schema(&self) -> Schema;

    /// Checks a `config` block (which may hold unknowns: skip them).
    fn validate(&self, _ctx: &Context, _config: &Value, _diags: &mut Diagnostics) {}

    /// Finds the objects and pushes each to `results`, stopping when a push returns
    /// false. Errors in `diags` reach Terraform after the results pushed before them.
    async fn list(
        &self,
        ctx: &Context,
        req: &ListRequest,
        results: &mut ListResults,
        diags: &mut Diagnostics,
    );
}

/// Why a function call failed (`FunctionError`): Terraform shows the text, pointing at
/// the argument when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionError {
    /// What is wrong and what to pass instead.
    pub text: String,
    /// The 0-based position of the argument at fault, if one is.
    pub argument: Option<usize>,
}

impl FunctionError {
    /// An error about the argument at position `index` (0-based).
    pub fn argument(index: usize, text: impl Into<String>) -> FunctionError {
        FunctionError {
            text: text.into(),
            argument: Some(index),
        }
    }

    /// An error about the call as a whole.
    pub fn call(text: impl Into<String>) -> FunctionError {
        FunctionError {
            text: text.into(),
            argument: None,
        }
    }
}

/// A provider function, called in configuration as
/// `provider::<provider name>::<name>(...)` (Terraform 1.8+, OpenTofu 1.7+). Terraform
/// calls functions without configuring the provider: a function computes its result
/// from its arguments alone.
pub trait Function: Send + Sync + 'static {
    /// The function name (lowercase letters, digits and underscores).
    fn name(&self) -> &'static str;

    /// Parameters, return type and documentation.
    fn signature(&self) -> Signature;

    /// Computes the result. `args` hold one value per parameter, then one per variadic
    /// argument, each of its parameter's type, null or unknown only where the parameter
    /// allows it.
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError>;
}
