//! A small provider for driving `ProviderService` through its gRPC trait methods.
//!
//! `test_widget` covers the attribute kinds the server has rules for:
//! `id` computed + use_state_for_unknown, `name` required, `size` optional+computed with
//! a default, `etag` computed (no use_state_for_unknown), `token` sensitive,
//! `secret_wo` write-only (alternative: `token`) with `secret_wo_version`, `tags` a set
//! of strings, `region` requires_replace. Its identity is `{ id }`.
//!
//! Special names steer its behaviour: `invalid` fails validation, `warn` warns,
//! `deep` fails validation at an index, a key and the root,
//! `panic` panics in create, `slow` waits for cancellation in create,
//! `leave_unknown` returns the plan unchanged (with unknowns) from create.
//!
//! [`new_service`] and [`new_thing_service`] answer a [`CheckedService`]: the server, whose
//! answers to `PlanResourceChange`, `ApplyResourceChange`, `ReadResource`,
//! `ImportResourceState`, `UpgradeResourceState` and `MoveResourceState` are checked the
//! way Terraform core checks a provider (`tfplugin::testing::rules`), and whose diagnostics
//! may hold no secret a configuration sent carried. A broken rule fails the test with
//! Terraform's wording. [`CheckedService::unchecked`] is for tests that send what Terraform
//! never sends, on purpose.
#![allow(dead_code, reason = "each test file uses part of the harness")]

use std::any::Any;
use std::collections::BTreeSet;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::testing::rules::{self, Checker, Violation};
use tfplugin::{
    ApplyRequest, Context, DataSource, Diagnostics, Provider, ProviderService, Resource,
    async_trait,
};
use tfvalue::{AttributePath, PathStep, Type, Value, msgpack};
use tokio::sync::Notify;
use tonic::{Request, Response, Status};

pub const WIDGET: &str = "test_widget";
pub const LOOKUP: &str = "test_lookup";

/// What the test resource saw and should do.
#[derive(Default)]
pub struct Behaviour {
    /// `read` reports the object gone.
    pub gone: Mutex<bool>,
    /// The write-only secret the last create or update received.
    pub secret_seen: Mutex<Option<String>>,
    /// Whether `delete` ran.
    pub deleted: Mutex<bool>,
    /// Notified when a `slow` create has started.
    pub slow_started: Notify,
}

pub struct TestProvider {
    pub behaviour: Arc<Behaviour>,
}

pub struct Widget {
    behaviour: Arc<Behaviour>,
}

pub struct Lookup;

pub fn widget_schema() -> Schema {
    Schema::new(
        1,
        Block::new([
            Attribute::new("id", Type::String)
                .computed()
                .use_state_for_unknown(),
            Attribute::new("name", Type::String).required(),
            Attribute::new("size", Type::Number)
                .optional()
                .computed()
                .default(Value::from(3)),
            Attribute::new("etag", Type::String).computed(),
            Attribute::new("token", Type::String).optional().sensitive(),
            Attribute::new("secret_wo", Type::String)
                .optional()
                .sensitive()
                .write_only()
                .write_only_alternative("token"),
            Attribute::new("secret_wo_version", Type::Number).optional(),
            Attribute::new("tags", Type::set(Type::String)).optional(),
            Attribute::new("region", Type::String)
                .optional()
                .requires_replace(),
        ])
        .description("A widget."),
    )
}

pub fn widget_type() -> Type {
    widget_schema().value_type()
}

pub fn identity_type() -> Type {
    Type::object([("id", Type::String)])
}

/// A widget object: the given attributes, every other one null.
pub fn widget(attrs: &[(&str, Value)]) -> Value {
    let Type::Object(types) = widget_type() else {
        unreachable!()
    };
    let mut v = Value::object(types.keys().map(|k| (k.clone(), Value::Null)));
    for (k, val) in attrs {
        assert!(types.contains_key(*k), "no attribute {k}");
        v.set_attr(k, val.clone());
    }
    v
}

pub fn s(v: &str) -> Value {
    Value::from(v)
}

pub fn n(v: i64) -> Value {
    Value::from(v)
}

/// A msgpack `DynamicValue` of `v`.
pub fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(v, ty).expect("encodable"),
        json: Vec::new(),
    })
}

pub fn widget_dv(v: &Value) -> Option<pb::DynamicValue> {
    dv(v, &widget_type())
}

/// Decodes a `DynamicValue` the server sent (it must be msgpack).
pub fn decode(v: &Option<pb::DynamicValue>, ty: &Type) -> Value {
    let v = v.as_ref().expect("a DynamicValue");
    assert!(v.json.is_empty(), "the server answers msgpack only");
    msgpack::decode(&v.msgpack, ty).expect("decodable")
}

pub fn decode_widget(v: &Option<pb::DynamicValue>) -> Value {
    decode(v, &widget_type())
}

pub fn identity_dv(id: &str) -> Option<pb::ResourceIdentityData> {
    Some(pb::ResourceIdentityData {
        identity_data: dv(&Value::object([("id", s(id))]), &identity_type()),
    })
}

pub fn decode_identity(v: &Option<pb::ResourceIdentityData>) -> Value {
    decode(
        &v.as_ref().expect("an identity").identity_data,
        &identity_type(),
    )
}

pub fn capabilities(write_only: bool) -> Option<pb::ClientCapabilities> {
    Some(pb::ClientCapabilities {
        deferral_allowed: false,
        write_only_attributes_allowed: write_only,
    })
}

/// A wire attribute path of attribute names.
pub fn wire_path(names: &[&str]) -> Option<pb::AttributePath> {
    Some(pb::AttributePath {
        steps: names
            .iter()
            .map(|n| pb::attribute_path::Step {
                selector: Some(pb::attribute_path::step::Selector::AttributeName(
                    (*n).to_owned(),
                )),
            })
            .collect(),
    })
}

/// Summaries of the error diagnostics.
pub fn errors(diags: &[pb::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| d.summary.clone())
        .collect()
}

pub fn new_service() -> (CheckedService, Arc<Behaviour>) {
    let behaviour = Arc::new(Behaviour::default());
    let provider = TestProvider {
        behaviour: behaviour.clone(),
    };
    (CheckedService::new(Arc::new(provider)), behaviour)
}

/// The server of `provider`, with Terraform's checks on every answer a resource RPC gives
/// (see the module docs). Every other RPC goes straight to the server (`Deref`).
pub struct CheckedService {
    inner: ProviderService,
    checker: Checker,
    provider_schema: Schema,
    /// Every secret a configuration sent so far carried.
    secrets: Mutex<BTreeSet<String>>,
}

impl Deref for CheckedService {
    type Target = ProviderService;

    fn deref(&self) -> &ProviderService {
        &self.inner
    }
}

/// Fails the test with Terraform's diagnostics.
#[track_caller]
fn fail_on(violations: Vec<Violation>) {
    if !violations.is_empty() {
        panic!(
            "the provider broke Terraform's rules:\n\n{}",
            rules::report(&violations)
        );
    }
}

/// A request or answer value; `None` when it cannot be decoded (a test sending garbage
/// on purpose: nothing to check then).
fn value_of(v: &Option<pb::DynamicValue>, ty: &Type) -> Option<Value> {
    match v {
        None => Some(Value::Null),
        Some(v) if !v.msgpack.is_empty() => msgpack::decode(&v.msgpack, ty).ok(),
        Some(v) if !v.json.is_empty() => tfvalue::json::decode(&v.json, ty).ok(),
        Some(_) => Some(Value::Null),
    }
}

fn has_errors(diags: &[pb::Diagnostic]) -> bool {
    diags
        .iter()
        .any(|d| d.severity == pb::diagnostic::Severity::Error as i32)
}

fn path_of(p: &pb::AttributePath) -> AttributePath {
    AttributePath(
        p.steps
            .iter()
            .filter_map(|s| match &s.selector {
                Some(pb::attribute_path::step::Selector::AttributeName(n)) => {
                    Some(PathStep::Attribute(n.clone()))
                }
                Some(pb::attribute_path::step::Selector::ElementKeyString(k)) => {
                    Some(PathStep::ElementKeyString(k.clone()))
                }
                Some(pb::attribute_path::step::Selector::ElementKeyInt(i)) => {
                    Some(PathStep::ElementKeyInt(*i))
                }
                None => None,
            })
            .collect(),
    )
}

impl CheckedService {
    /// The checked server of `provider` (its schemas must be valid).
    pub fn new(provider: Arc<dyn Provider>) -> CheckedService {
        CheckedService {
            checker: Checker::new("registry.terraform.io/example/test", provider.as_ref()),
            provider_schema: provider.schema(),
            inner: ProviderService::new(provider).expect("valid schemas"),
            secrets: Mutex::new(BTreeSet::new()),
        }
    }

    /// The server without the checks: for a test that sends what Terraform never sends
    /// (a hand-made plan, a state that breaks the schema) to see what the server does.
    pub fn unchecked(&self) -> &ProviderService {
        &self.inner
    }

    fn resource_type(&self, type_name: &str) -> Option<Type> {
        self.checker.schema(type_name).map(Schema::value_type)
    }

    fn learn_secrets(&self, type_name: &str, config: &Option<pb::DynamicValue>) {
        let Some(schema) = self.checker.schema(type_name) else {
            return;
        };
        if let Some(config) = value_of(config, &schema.value_type()) {
            let found = rules::secrets_of(&schema.block, &config);
            self.secrets.lock().unwrap().extend(found);
        }
    }

    #[track_caller]
    fn check_echo(&self, rpc: &str, diags: &[pb::Diagnostic]) {
        let secrets = self.secrets.lock().unwrap().clone();
        fail_on(rules::echoed_secrets(
            rpc,
            rules::wire_diagnostics(diags),
            &secrets,
        ));
    }

    /// `GetProviderSchema`, checked: the wire schema keeps every sensitive mark.
    pub async fn get_provider_schema(
        &self,
        request: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        let response = self.inner.get_provider_schema(request).await?;
        let wire = response.get_ref();
        let missing = pb::Schema::default();
        let mut violations = rules::wire_keeps_sensitive(
            "the provider",
            &self.provider_schema,
            wire.provider.as_ref().unwrap_or(&missing),
        );
        for (type_name, schema) in self.checker.schemas() {
            violations.extend(rules::wire_keeps_sensitive(
                type_name,
                schema,
                wire.resource_schemas.get(type_name).unwrap_or(&missing),
            ));
        }
        fail_on(violations);
        Ok(response)
    }

    pub async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let ty = self.provider_schema.value_type();
        if let Some(config) = value_of(&request.get_ref().config, &ty) {
            let found = rules::secrets_of(&self.provider_schema.block, &config);
            self.secrets.lock().unwrap().extend(found);
        }
        let response = self.inner.configure_provider(request).await?;
        self.check_echo("ConfigureProvider", &response.get_ref().diagnostics);
        Ok(response)
    }

    pub async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let r = request.get_ref();
        self.learn_secrets(&r.type_name, &r.config);
        let response = self.inner.validate_resource_config(request).await?;
        self.check_echo("ValidateResourceConfig", &response.get_ref().diagnostics);
        Ok(response)
    }

    pub async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let r = request.get_ref().clone();
        self.learn_secrets(&r.type_name, &r.config);
        let response = self.inner.plan_resource_change(request).await?;
        let answer = response.get_ref();
        self.check_echo("PlanResourceChange", &answer.diagnostics);
        if let Some(ty) = self.resource_type(&r.type_name)
            && !has_errors(&answer.diagnostics)
            && let (Some(prior), Some(config), Some(planned)) = (
                value_of(&r.prior_state, &ty),
                value_of(&r.config, &ty),
                value_of(&answer.planned_state, &ty),
            )
        {
            let replace: Vec<AttributePath> = answer.requires_replace.iter().map(path_of).collect();
            fail_on(
                self.checker
                    .plan(&r.type_name, &prior, &config, &planned, &replace),
            );
        }
        Ok(response)
    }

    pub async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let r = request.get_ref().clone();
        self.learn_secrets(&r.type_name, &r.config);
        let response = self.inner.apply_resource_change(request).await?;
        let answer = response.get_ref();
        self.check_echo("ApplyResourceChange", &answer.diagnostics);
        if let Some(ty) = self.resource_type(&r.type_name)
            && let (Some(planned), Some(new_state)) = (
                value_of(&r.planned_state, &ty),
                value_of(&answer.new_state, &ty),
            )
        {
            fail_on(self.checker.apply(
                &r.type_name,
                &planned,
                &new_state,
                has_errors(&answer.diagnostics),
            ));
        }
        Ok(response)
    }

    pub async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let type_name = request.get_ref().type_name.clone();
        let response = self.inner.read_resource(request).await?;
        let answer = response.get_ref();
        self.check_echo("ReadResource", &answer.diagnostics);
        self.check_state(
            &type_name,
            &answer.new_state,
            &answer.diagnostics,
            "refresh",
        );
        Ok(response)
    }

    pub async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let type_name = request.get_ref().type_name.clone();
        let response = self.inner.upgrade_resource_state(request).await?;
        let answer = response.get_ref();
        self.check_echo("UpgradeResourceState", &answer.diagnostics);
        self.check_state(
            &type_name,
            &answer.upgraded_state,
            &answer.diagnostics,
            "upgrade",
        );
        Ok(response)
    }

    pub async fn move_resource_state(
        &self,
        request: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let type_name = request.get_ref().target_type_name.clone();
        let response = self.inner.move_resource_state(request).await?;
        let answer = response.get_ref();
        self.check_echo("MoveResourceState", &answer.diagnostics);
        self.check_state(
            &type_name,
            &answer.target_state,
            &answer.diagnostics,
            "move",
        );
        Ok(response)
    }

    pub async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let r = request.get_ref().clone();
        let response = self.inner.import_resource_state(request).await?;
        let answer = response.get_ref();
        self.check_echo("ImportResourceState", &answer.diagnostics);
        if let Some(ty) = self.resource_type(&r.type_name)
            && !has_errors(&answer.diagnostics)
        {
            let states: Option<Vec<Value>> = answer
                .imported_resources
                .iter()
                .map(|i| value_of(&i.state, &ty))
                .collect();
            if let Some(states) = states {
                fail_on(self.checker.import(&r.type_name, &r.id, &states));
            }
        }
        Ok(response)
    }

    #[track_caller]
    fn check_state(
        &self,
        type_name: &str,
        state: &Option<pb::DynamicValue>,
        diags: &[pb::Diagnostic],
        during: &str,
    ) {
        if has_errors(diags) {
            return;
        }
        if let Some(ty) = self.resource_type(type_name)
            && let Some(state) = value_of(state, &ty)
            && !state.is_null()
        {
            fail_on(self.checker.state(type_name, &state, during));
        }
    }
}

#[async_trait]
impl Provider for TestProvider {
    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new([Attribute::new("endpoint", Type::String).optional()]),
        )
    }

    async fn configure(
        &self,
        _ctx: &Context,
        config: &Value,
        _diags: &mut Diagnostics,
    ) -> Option<Arc<dyn Any + Send + Sync>> {
        let endpoint = config.attr("endpoint").as_str().unwrap_or("default");
        Some(Arc::new(endpoint.to_owned()))
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Widget {
            behaviour: self.behaviour.clone(),
        })]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(Lookup)]
    }
}

/// Fills in what the remote side computes: the id (kept if known), the etag.
fn computed(planned: &Value, ctx: &Context, etag: &str) -> Value {
    let mut state = planned.clone();
    if state.attr("id").is_unknown() {
        state.set_attr("id", s("w-1"));
    }
    let endpoint = ctx
        .provider_data::<String>()
        .map_or_else(|| "unconfigured".to_owned(), |e| (*e).clone());
    state.set_attr("etag", Value::from(format!("{endpoint}/{etag}")));
    state
}

#[async_trait]
impl Resource for Widget {
    fn type_name(&self) -> &'static str {
        WIDGET
    }

    fn schema(&self) -> Schema {
        widget_schema()
    }

    fn identity_schema(&self) -> Option<Schema> {
        Some(Schema::new(
            0,
            Block::new([Attribute::new("id", Type::String).required()]),
        ))
    }

    fn validate(&self, _ctx: &Context, config: &Value, diags: &mut Diagnostics) {
        match config.attr("name").as_str() {
            Some("invalid") => diags.error_at(
                AttributePath::attr("name"),
                "Invalid name",
                "The name \"invalid\" is not allowed.",
            ),
            Some("warn") => diags.warning("Odd name", "Are you sure?"),
            Some("deep") => {
                diags.error_at(AttributePath::attr("tags").index(1), "Bad tag", "");
                diags.error_at(
                    AttributePath::attr("labels").key("k").join_attr("value"),
                    "Bad label",
                    "",
                );
                diags.error_at(AttributePath::root(), "Bad widget", "");
            }
            _ => {}
        }
    }

    async fn create(&self, ctx: &Context, req: &ApplyRequest, diags: &mut Diagnostics) -> Value {
        *self.behaviour.secret_seen.lock().unwrap() =
            req.config.attr("secret_wo").as_str().map(str::to_owned);
        match req.planned.attr("name").as_str() {
            Some("panic") => panic!("widget factory exploded"),
            Some("slow") => {
                self.behaviour.slow_started.notify_one();
                ctx.cancelled().cancelled().await;
                diags.error("Create cancelled", "Terraform asked the provider to stop.");
                Value::Null
            }
            Some("leave_unknown") => req.planned.clone(),
            _ => computed(&req.planned, ctx, "1"),
        }
    }

    async fn read(&self, _ctx: &Context, state: &Value, _diags: &mut Diagnostics) -> Value {
        if *self.behaviour.gone.lock().unwrap() {
            return Value::Null;
        }
        let mut state = state.clone();
        // The remote side echoes the secret back; the server must not store it.
        state.set_attr("secret_wo", s("echoed-secret"));
        state
    }

    async fn update(&self, ctx: &Context, req: &ApplyRequest, _diags: &mut Diagnostics) -> Value {
        *self.behaviour.secret_seen.lock().unwrap() =
            req.config.attr("secret_wo").as_str().map(str::to_owned);
        let mut state = computed(&req.planned, ctx, "2");
        state.set_attr("secret_wo", s("echoed-secret"));
        state
    }

    async fn delete(&self, _ctx: &Context, _prior: &Value, _diags: &mut Diagnostics) {
        *self.behaviour.deleted.lock().unwrap() = true;
    }

    async fn import(&self, _ctx: &Context, id: &str, diags: &mut Diagnostics) -> Value {
        if id == "missing" {
            return Value::Null;
        }
        if id.is_empty() {
            diags.error("Empty id", "");
            return Value::Null;
        }
        widget(&[("id", s(id)), ("secret_wo", s("echoed-secret"))])
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        Some(Value::object([("id", state.attr("id").clone())]))
    }

    fn import_id_from_identity(&self, identity: &Value) -> Option<String> {
        identity.attr("id").as_str().map(str::to_owned)
    }
}

#[async_trait]
impl DataSource for Lookup {
    fn type_name(&self) -> &'static str {
        LOOKUP
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new([
                Attribute::new("name", Type::String).required(),
                Attribute::new("value", Type::String).computed(),
            ]),
        )
    }

    async fn read(&self, _ctx: &Context, config: &Value, _diags: &mut Diagnostics) -> Value {
        let mut state = config.clone();
        let name = config.attr("name").as_str().unwrap_or_default();
        state.set_attr("value", Value::from(format!("value-of-{name}")));
        state
    }
}

/// A provider whose one resource, `test_thing`, has the schema it is given and
/// stores what it is planned.
pub struct OneResource(pub Schema);

#[async_trait]
impl Provider for OneResource {
    fn schema(&self) -> Schema {
        Schema::new(0, Block::new([]))
    }
    async fn configure(
        &self,
        _: &Context,
        _: &Value,
        _: &mut Diagnostics,
    ) -> Option<Arc<dyn Any + Send + Sync>> {
        None
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Thing(self.0.clone()))]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
}

struct Thing(Schema);

#[async_trait]
impl Resource for Thing {
    fn type_name(&self) -> &'static str {
        "test_thing"
    }
    fn schema(&self) -> Schema {
        self.0.clone()
    }
    async fn create(&self, _: &Context, req: &ApplyRequest, _: &mut Diagnostics) -> Value {
        req.planned.clone()
    }
    async fn read(&self, _: &Context, state: &Value, _: &mut Diagnostics) -> Value {
        state.clone()
    }
    async fn update(&self, _: &Context, req: &ApplyRequest, _: &mut Diagnostics) -> Value {
        req.planned.clone()
    }
    async fn delete(&self, _: &Context, _: &Value, _: &mut Diagnostics) {}
    async fn import(&self, _: &Context, _: &str, _: &mut Diagnostics) -> Value {
        Value::Null
    }
}

pub fn new_thing_service(schema: Schema) -> CheckedService {
    CheckedService::new(Arc::new(OneResource(schema)))
}
