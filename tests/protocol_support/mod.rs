//! Shared harness of the protocol tests: the provider served in-process (debug mode) and
//! driven over gRPC the way Terraform drives it, against an in-process Frontegg emulator.
//!
//! Like Terraform, the harness computes `proposed_new_state` itself, carries private state
//! from answer to request, and checks every answer the way Terraform core checks a provider
//! (`tfplugin::testing::rules`): a broken rule fails the test with Terraform's wording and
//! the attribute path, without the test asking.
//!
//! - `plan()` checks the plan (`Provider produced invalid plan`).
//! - `apply()` first re-plans with the same prior state and configuration, as Terraform does
//!   at apply time, and checks that final plan against the plan it is given (`Provider
//!   produced inconsistent final plan`); it applies the final plan with the final plan's
//!   `planned_private` and checks the new state against it (`Provider produced inconsistent
//!   result after apply`, no unknown, write-only attributes null).
//! - After a successful apply with a non-null state, a `ReadResource` must return the state
//!   unchanged and a plan from it with the same configuration must plan no change.
//! - `read()`, `import()`, `upgrade()`, `move_state()` and listings must return wholly known
//!   states with write-only attributes null; an import exactly one resource.
//! - No diagnostic may contain a secret a configuration carried (a sensitive or write-only
//!   attribute's string); the wire schema must keep every sensitive mark.
//!
//! The requests the harness makes on its own (the final plan, the read and plan after an
//! apply) are hidden from `calls()`, `sent()` and `emulator.requests()`. They are skipped
//! while the emulator holds pending faults, a rate limit, or tokens the test just expired,
//! so that they never take what a test set up for its own requests.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Deref, Range};
use std::sync::{Arc, Mutex};

use frontegg_emulator::{
    DEFAULT_CLIENT_ID, DEFAULT_ENVIRONMENT_ID, DEFAULT_SECRET, Emulator, EmulatorConfig,
    LoggedRequest, RateLimit,
};
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_client::ProviderClient;
use tfplugin::schema::Schema;
use tfplugin::testing::rules::{self, Checker, Violation};
use tfplugin::{DebugServer, ServeConfig};
use tfvalue::{AttributePath, PathStep, Type, Value, msgpack};
use tonic::transport::Channel;

/// The provider's source address, as the harness serves it.
pub use terraform_provider_frontegg::PROVIDER_ADDRESS;

pub const TYPE_NAME: &str = "frontegg_confluence_integration";
pub const ENV: &str = DEFAULT_ENVIRONMENT_ID;
pub const ATLASSIAN_CLIENT_ID: &str = "Zx4kQ9bW2mT7rY1pL8vN3cH6dF0sJ5aG";
pub const SECRET_ONE: &str =
    "ATOAsecret-one-0000000000000000000000000000000000000000000000000000ABCDEF01";
pub const SECRET_TWO: &str =
    "ATOAsecret-two-0000000000000000000000000000000000000000000000000000ABCDEF02";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A diagnostic as Terraform receives it, with its attribute path rendered (`scopes`).
#[derive(Clone, Debug)]
pub struct Diag {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub path: Option<String>,
}

pub fn errors(diags: &[Diag]) -> Vec<&Diag> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

pub fn warnings(diags: &[Diag]) -> Vec<&Diag> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect()
}

#[track_caller]
pub fn assert_no_errors(diags: &[Diag]) {
    assert!(errors(diags).is_empty(), "unexpected errors: {diags:#?}");
}

fn diags_from(raw: Vec<pb::Diagnostic>) -> Vec<Diag> {
    raw.into_iter()
        .map(|d| Diag {
            severity: if d.severity == pb::diagnostic::Severity::Warning as i32 {
                Severity::Warning
            } else {
                Severity::Error
            },
            summary: d.summary,
            detail: d.detail,
            path: d.attribute.map(|p| {
                p.steps
                    .iter()
                    .map(|s| match &s.selector {
                        Some(pb::attribute_path::step::Selector::AttributeName(n)) => n.clone(),
                        Some(pb::attribute_path::step::Selector::ElementKeyString(k)) => {
                            format!("[{k:?}]")
                        }
                        Some(pb::attribute_path::step::Selector::ElementKeyInt(i)) => {
                            format!("[{i}]")
                        }
                        None => String::new(),
                    })
                    .collect::<Vec<_>>()
                    .join(".")
            }),
        })
        .collect()
}

fn dynamic(value: &Value, ty: &Type) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: msgpack::encode(value, ty).expect("encode"),
        json: Vec::new(),
    }
}

fn decode(dv: Option<pb::DynamicValue>, ty: &Type) -> Value {
    match dv {
        Some(dv) if !dv.msgpack.is_empty() => msgpack::decode(&dv.msgpack, ty).expect("decode"),
        Some(dv) if !dv.json.is_empty() => tfvalue::json::decode(&dv.json, ty).expect("decode"),
        _ => Value::Null,
    }
}

fn capabilities(write_only: bool) -> Option<pb::ClientCapabilities> {
    Some(pb::ClientCapabilities {
        deferral_allowed: false,
        write_only_attributes_allowed: write_only,
    })
}

pub struct Plan {
    pub planned: Value,
    pub requires_replace: Vec<String>,
    pub diags: Vec<Diag>,
    /// The `planned_private` bytes the provider answered.
    pub planned_private: Vec<u8>,
}

pub struct Applied {
    pub state: Value,
    pub identity: Value,
    pub diags: Vec<Diag>,
}

pub struct Imported {
    pub states: Vec<Value>,
    pub identities: Vec<Value>,
    pub diags: Vec<Diag>,
}

/// What a `ListResource` stream carried.
#[derive(Debug, Default)]
pub struct Listed {
    pub results: Vec<ListedResult>,
    pub diags: Vec<Diag>,
}

/// One result of a listing (`state` is null unless resources were asked for).
#[derive(Debug)]
pub struct ListedResult {
    pub display_name: String,
    pub identity: Value,
    pub state: Value,
}

/// The emulator as the tests see it: every method of [`Emulator`], except that the
/// request log leaves out the requests of the harness's own checks, and that the harness
/// learns when a test sets a rate limit or expires tokens (its checks then stay quiet).
pub struct TestEmulator {
    inner: Emulator,
    hidden: Mutex<Vec<Range<usize>>>,
    rate_limited: Mutex<bool>,
    tokens_expired: Mutex<bool>,
}

impl Deref for TestEmulator {
    type Target = Emulator;

    fn deref(&self) -> &Emulator {
        &self.inner
    }
}

impl TestEmulator {
    fn new(inner: Emulator) -> TestEmulator {
        TestEmulator {
            inner,
            hidden: Mutex::new(Vec::new()),
            rate_limited: Mutex::new(false),
            tokens_expired: Mutex::new(false),
        }
    }

    /// Every API request answered so far, oldest first, but those of the harness's checks.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        let hidden = self.hidden.lock().unwrap();
        self.inner
            .requests()
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !hidden.iter().any(|r| r.contains(i)))
            .map(|(_, r)| r)
            .collect()
    }

    pub fn clear_requests(&self) {
        self.inner.clear_requests();
        self.hidden.lock().unwrap().clear();
    }

    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        *self.rate_limited.lock().unwrap() = limit.is_some();
        self.inner.set_rate_limit(limit);
    }

    /// Invalidates every token issued so far; the harness's own requests wait until a
    /// request of the test has renewed the token.
    pub fn expire_tokens(&self) {
        *self.tokens_expired.lock().unwrap() = true;
        self.inner.expire_tokens();
    }

    /// Length of the emulator's whole request log.
    fn log_len(&self) -> usize {
        self.inner.requests().len()
    }

    fn hide(&self, range: Range<usize>) {
        if !range.is_empty() {
            self.hidden.lock().unwrap().push(range);
        }
    }

    /// Whether the harness may send requests of its own now without taking anything a
    /// test set up for its requests.
    fn quiet(&self) -> bool {
        self.inner.pending_faults() == 0
            && !*self.rate_limited.lock().unwrap()
            && !*self.tokens_expired.lock().unwrap()
    }

    /// A request of the test went out: an expired token has been renewed by now.
    fn test_request_done(&self) {
        *self.tokens_expired.lock().unwrap() = false;
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

fn wire_path(p: &pb::AttributePath) -> AttributePath {
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

/// The key of a resource instance's private state: its type and `id`.
fn instance_key(type_name: &str, state: &Value) -> Option<(String, String)> {
    state
        .attr("id")
        .as_str()
        .map(|id| (type_name.to_owned(), id.to_owned()))
}

/// What one `PlanResourceChange` answered, with the request it answered.
struct PlanCall {
    plan: Plan,
    requires_replace: Vec<AttributePath>,
}

pub struct Harness {
    pub emulator: TestEmulator,
    pub rpc: ProviderClient<Channel>,
    /// Terraform 1.11+ sends `write_only_attributes_allowed`; 1.0.3 does not.
    pub write_only_allowed: bool,
    /// The resource type the harness drives.
    type_name: &'static str,
    /// Its computed attributes: Terraform proposes their prior value when the configuration
    /// leaves them null.
    computed: Vec<String>,
    resource_type: Type,
    /// Its schema version.
    schema_version: i64,
    identity_type: Type,
    data_source_types: BTreeMap<String, Type>,
    /// Every resource type: its value type, schema version, identity type and computed
    /// attributes.
    resource_types: BTreeMap<String, (Type, i64, Type, Vec<String>)>,
    provider_schema: Schema,
    provider_type: Type,
    /// Terraform's checks of the served provider.
    checker: Checker,
    /// Private state per resource instance (type and `id`), as Terraform stores it.
    private: BTreeMap<(String, String), Vec<u8>>,
    /// The latest private state per resource type, for a state without `id`.
    latest_private: BTreeMap<String, Vec<u8>>,
    /// `planned_private` of the latest plan per resource type.
    planned_private: BTreeMap<String, Vec<u8>>,
    /// Every secret a configuration sent so far carried.
    secrets: BTreeSet<String>,
    /// Set by [`Harness::expect_follow_up`]: the next apply may leave a change for the plan
    /// after it, provided it warns.
    follow_up: Option<&'static str>,
    /// The provider configuration of the last `ConfigureProvider`.
    provider_config_in_use: Option<Value>,
    _server: DebugServer,
}

impl Harness {
    /// A provider configured for the emulator's default environment.
    pub async fn start() -> Harness {
        Self::start_with(TYPE_NAME).await
    }

    /// A configured provider, driving the resource type `type_name`.
    pub async fn start_with(type_name: &'static str) -> Harness {
        Self::serving(terraform_provider_frontegg::provider(), type_name).await
    }

    /// `provider` (for example the real provider with a resource wrapped), configured for
    /// the emulator's default environment, driving the resource type `type_name`.
    pub async fn serving(
        provider: Arc<dyn tfplugin::Provider>,
        type_name: &'static str,
    ) -> Harness {
        let mut harness = Self::unconfigured_serving(provider, type_name).await;
        let config = harness.provider_config([]);
        let diags = harness.configure(&config).await;
        assert_no_errors(&diags);
        harness
    }

    /// A provider that has answered `GetProviderSchema` but is not configured yet.
    pub async fn unconfigured() -> Harness {
        Self::unconfigured_with(TYPE_NAME).await
    }

    /// The same, driving the resource type `type_name`.
    pub async fn unconfigured_with(type_name: &'static str) -> Harness {
        Self::unconfigured_serving(terraform_provider_frontegg::provider(), type_name).await
    }

    /// `provider`, not configured yet, driving the resource type `type_name`.
    pub async fn unconfigured_serving(
        provider: Arc<dyn tfplugin::Provider>,
        type_name: &'static str,
    ) -> Harness {
        let emulator = Emulator::start(EmulatorConfig::default())
            .await
            .expect("start emulator");
        let server = tfplugin::serve_debug(
            provider.clone(),
            ServeConfig {
                provider_address: terraform_provider_frontegg::PROVIDER_ADDRESS,
                version: "0.0.0-test",
            },
        )
        .await
        .expect("serve provider");
        let channel = tfplugin::testing::plain_channel(server.addr())
            .await
            .expect("connect");
        let mut rpc = ProviderClient::new(channel);
        let wire = rpc
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .expect("GetProviderSchema")
            .into_inner();
        check_wire_schema(provider.as_ref(), &wire);
        let resource = provider
            .resources()
            .into_iter()
            .find(|r| r.type_name() == type_name)
            .expect("resource");
        let data_source_types = provider
            .data_sources()
            .iter()
            .map(|d| (d.type_name().to_string(), d.schema().value_type()))
            .collect();
        let computed_of = |r: &dyn tfplugin::Resource| -> Vec<String> {
            r.schema()
                .block
                .attributes
                .iter()
                .filter(|a| a.computed)
                .map(|a| a.name.clone())
                .collect()
        };
        let computed = computed_of(resource.as_ref());
        let resource_types = provider
            .resources()
            .iter()
            .map(|r| {
                (
                    r.type_name().to_string(),
                    (
                        r.schema().value_type(),
                        r.schema().version,
                        r.identity_schema().expect("identity").value_type(),
                        computed_of(r.as_ref()),
                    ),
                )
            })
            .collect();
        let provider_schema = provider.schema();
        Harness {
            emulator: TestEmulator::new(emulator),
            rpc,
            write_only_allowed: true,
            type_name,
            computed,
            data_source_types,
            resource_types,
            resource_type: resource.schema().value_type(),
            schema_version: resource.schema().version,
            identity_type: resource.identity_schema().expect("identity").value_type(),
            provider_type: provider_schema.value_type(),
            provider_schema,
            checker: Checker::new(PROVIDER_ADDRESS, provider.as_ref()),
            private: BTreeMap::new(),
            latest_private: BTreeMap::new(),
            planned_private: BTreeMap::new(),
            secrets: BTreeSet::new(),
            follow_up: None,
            provider_config_in_use: None,
            _server: server,
        }
    }

    /// `state`, of the resource type driven now, as Terraform stores it (the JSON a `moved`
    /// block's source state arrives in), and its schema version.
    pub fn stored(&self, state: &Value) -> (serde_json::Value, i64) {
        let json = tfvalue::json::encode(state, &self.resource_type).expect("encode");
        (
            serde_json::from_slice(&json).expect("json"),
            self.schema_version,
        )
    }

    /// From now on, drive the resource type `type_name` (same provider, same emulator).
    pub fn drive(&mut self, type_name: &'static str) {
        let (ty, version, identity, computed) = self.resource_types[type_name].clone();
        self.type_name = type_name;
        self.resource_type = ty;
        self.schema_version = version;
        self.identity_type = identity;
        self.computed = computed;
    }

    /// Provider configuration for the emulator, with `overrides` on top.
    pub fn provider_config<const N: usize>(&self, overrides: [(&str, Value); N]) -> Value {
        let mut attrs: BTreeMap<String, Value> = [
            ("client_id", Value::string(DEFAULT_CLIENT_ID)),
            ("secret", Value::string(DEFAULT_SECRET)),
            ("base_url", Value::string(self.emulator.base_url())),
            ("region", Value::Null),
            ("environment_id", Value::Null),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for (k, v) in overrides {
            attrs.insert(k.to_string(), v);
        }
        Value::object_of(&self.provider_type, attrs)
    }

    /// Remembers the secrets of a provider configuration.
    fn learn_provider_secrets(&mut self, config: &Value) {
        let found = rules::secrets_of(&self.provider_schema.block, config);
        self.secrets.extend(found);
    }

    /// Remembers the secrets of a configuration of the driven resource type.
    fn learn_secrets(&mut self, config: &Value) {
        if let Some(schema) = self.checker.schema(self.type_name) {
            let found = rules::secrets_of(&schema.block, config);
            self.secrets.extend(found);
        }
    }

    /// Fails when a diagnostic holds a secret some configuration carried.
    #[track_caller]
    fn check_echo(&self, rpc: &str, diags: &[pb::Diagnostic]) {
        fail_on(rules::echoed_secrets(
            rpc,
            rules::wire_diagnostics(diags),
            &self.secrets,
        ));
    }

    pub async fn validate_provider(&mut self, config: &Value) -> Vec<Diag> {
        self.learn_provider_secrets(config);
        let response = self
            .rpc
            .validate_provider_config(pb::validate_provider_config::Request {
                config: Some(dynamic(config, &self.provider_type)),
            })
            .await
            .expect("ValidateProviderConfig")
            .into_inner();
        self.check_echo("ValidateProviderConfig", &response.diagnostics);
        diags_from(response.diagnostics)
    }

    pub async fn configure(&mut self, config: &Value) -> Vec<Diag> {
        self.learn_provider_secrets(config);
        let response = self
            .rpc
            .configure_provider(pb::configure_provider::Request {
                terraform_version: "1.15.5".into(),
                config: Some(dynamic(config, &self.provider_type)),
                client_capabilities: capabilities(self.write_only_allowed),
            })
            .await
            .expect("ConfigureProvider")
            .into_inner();
        self.check_echo("ConfigureProvider", &response.diagnostics);
        self.provider_config_in_use = Some(config.clone());
        diags_from(response.diagnostics)
    }

    /// What a new `terraform` command does: the provider is configured again (Terraform starts
    /// a new provider process per run), so it signs in anew and reads Frontegg's catalog
    /// afresh, as it reads it once per process. Tests that change the catalog between two
    /// commands call this between them.
    pub async fn new_run(&mut self) {
        let config = self
            .provider_config_in_use
            .clone()
            .unwrap_or_else(|| self.provider_config([]));
        assert_no_errors(&self.configure(&config).await);
    }

    /// A resource configuration: `client_id` and `client_secret` set (unless overridden),
    /// every other attribute null unless given.
    pub fn config<const N: usize>(&self, attrs: [(&str, Value); N]) -> Value {
        let mut all: BTreeMap<String, Value> = BTreeMap::new();
        all.insert("client_id".into(), Value::string(ATLASSIAN_CLIENT_ID));
        all.insert("client_secret".into(), Value::string(SECRET_ONE));
        for (k, v) in attrs {
            all.insert(k.to_string(), v);
        }
        Value::object_of(&self.resource_type, all)
    }

    pub async fn validate(&mut self, config: &Value) -> Vec<Diag> {
        self.learn_secrets(config);
        let response = self
            .rpc
            .validate_resource_config(pb::validate_resource_config::Request {
                type_name: self.type_name.into(),
                config: Some(dynamic(config, &self.resource_type)),
                client_capabilities: capabilities(self.write_only_allowed),
            })
            .await
            .expect("ValidateResourceConfig")
            .into_inner();
        self.check_echo("ValidateResourceConfig", &response.diagnostics);
        diags_from(response.diagnostics)
    }

    /// `objchange.ProposedNew`: the configuration, with the prior value of every computed
    /// attribute the configuration leaves null.
    fn proposed_new(&self, prior: &Value, config: &Value) -> Value {
        if prior.is_null() {
            return config.clone();
        }
        let mut proposed = config.clone();
        for name in &self.computed {
            if config.attr(name).is_null() {
                proposed.set_attr(name, prior.attr(name).clone());
            }
        }
        proposed
    }

    /// The private state Terraform holds for the instance whose state is `state`.
    fn private_of(&self, state: &Value) -> Vec<u8> {
        if state.is_null() {
            return Vec::new();
        }
        instance_key(self.type_name, state)
            .and_then(|k| self.private.get(&k).cloned())
            .or_else(|| self.latest_private.get(self.type_name).cloned())
            .unwrap_or_default()
    }

    /// Stores `private` as the private state of the instance whose state is `state`
    /// (a null state drops the instance's private state).
    fn store_private(&mut self, state: &Value, prior: &Value, private: Vec<u8>) {
        if state.is_null() {
            if let Some(k) = instance_key(self.type_name, prior) {
                self.private.remove(&k);
            }
            return;
        }
        if let Some(k) = instance_key(self.type_name, state) {
            self.private.insert(k, private.clone());
        }
        self.latest_private
            .insert(self.type_name.to_owned(), private);
    }

    /// The private state the harness holds for the instance whose state is `state` (what
    /// the next plan or read of it sends).
    pub fn private(&self, state: &Value) -> Vec<u8> {
        self.private_of(state)
    }

    /// Replaces the private state held for the instance whose state is `state`, as if the
    /// provider had answered `private` for it.
    pub fn set_private(&mut self, state: &Value, private: &[u8]) {
        self.store_private(state, &Value::Null, private.to_vec());
    }

    /// One `PlanResourceChange`, with its checks; nothing stored.
    async fn plan_rpc(
        &mut self,
        prior: &Value,
        config: &Value,
        prior_private: Vec<u8>,
    ) -> PlanCall {
        let ty = self.resource_type.clone();
        let proposed = self.proposed_new(prior, config);
        let response = self
            .rpc
            .plan_resource_change(pb::plan_resource_change::Request {
                type_name: self.type_name.into(),
                prior_state: Some(dynamic(prior, &ty)),
                proposed_new_state: Some(dynamic(&proposed, &ty)),
                config: Some(dynamic(config, &ty)),
                prior_private,
                provider_meta: None,
                client_capabilities: capabilities(self.write_only_allowed),
                prior_identity: None,
            })
            .await
            .expect("PlanResourceChange")
            .into_inner();
        self.check_echo("PlanResourceChange", &response.diagnostics);
        let requires_replace: Vec<AttributePath> =
            response.requires_replace.iter().map(wire_path).collect();
        let plan = Plan {
            planned: decode(response.planned_state, &ty),
            requires_replace: response
                .requires_replace
                .iter()
                .map(|p| format!("{p:?}"))
                .collect(),
            diags: diags_from(response.diagnostics),
            planned_private: response.planned_private,
        };
        if errors(&plan.diags).is_empty() {
            fail_on(self.checker.plan(
                self.type_name,
                prior,
                config,
                &plan.planned,
                &requires_replace,
            ));
        }
        PlanCall {
            plan,
            requires_replace,
        }
    }

    /// `PlanResourceChange`, checked as Terraform checks a plan.
    pub async fn plan(&mut self, prior: &Value, config: &Value) -> Plan {
        self.learn_secrets(config);
        let private = self.private_of(prior);
        let call = self.plan_rpc(prior, config, private).await;
        self.emulator.test_request_done();
        self.planned_private
            .insert(self.type_name.to_owned(), call.plan.planned_private.clone());
        call.plan
    }

    /// One `ApplyResourceChange`; nothing checked or stored.
    async fn apply_rpc(
        &mut self,
        prior: &Value,
        planned: &Value,
        config: &Value,
        planned_private: Vec<u8>,
    ) -> (Applied, Vec<u8>) {
        let ty = self.resource_type.clone();
        let response = self
            .rpc
            .apply_resource_change(pb::apply_resource_change::Request {
                type_name: self.type_name.into(),
                prior_state: Some(dynamic(prior, &ty)),
                planned_state: Some(dynamic(planned, &ty)),
                config: Some(dynamic(config, &ty)),
                planned_private,
                provider_meta: None,
                planned_identity: None,
            })
            .await
            .expect("ApplyResourceChange")
            .into_inner();
        self.check_echo("ApplyResourceChange", &response.diagnostics);
        self.emulator.test_request_done();
        (
            Applied {
                state: decode(response.new_state, &ty),
                identity: self.identity_value(response.new_identity),
                diags: diags_from(response.diagnostics),
            },
            response.private,
        )
    }

    /// `ApplyResourceChange` as Terraform drives it: re-plans with the same prior state
    /// and configuration first (the final plan, which must be compatible with `planned`;
    /// an error there is answered as the apply's, with the prior state, as Terraform stops
    /// before applying), applies the final plan with its `planned_private`, checks the new
    /// state against it, and, after a success, that a read returns the state unchanged and
    /// that the next plan is empty.
    pub async fn apply(&mut self, prior: &Value, planned: &Value, config: &Value) -> Applied {
        self.learn_secrets(config);
        let mut final_planned = planned.clone();
        let mut private = if planned.is_null() {
            self.private_of(prior)
        } else {
            self.planned_private
                .get(self.type_name)
                .cloned()
                .unwrap_or_default()
        };
        if !planned.is_null() && self.emulator.quiet() {
            let start = self.emulator.log_len();
            let prior_private = self.private_of(prior);
            let replan = self.plan_rpc(prior, config, prior_private).await;
            self.emulator.hide(start..self.emulator.log_len());
            if !errors(&replan.plan.diags).is_empty() {
                // Terraform stops here: the apply never happens, the state stays.
                return Applied {
                    state: prior.clone(),
                    identity: Value::Null,
                    diags: replan.plan.diags,
                };
            }
            fail_on(
                self.checker
                    .final_plan(self.type_name, prior, planned, &replan.plan.planned),
            );
            final_planned = replan.plan.planned;
            private = replan.plan.planned_private;
        }
        let (applied, new_private) = self.apply_rpc(prior, &final_planned, config, private).await;
        let failed = !errors(&applied.diags).is_empty();
        fail_on(
            self.checker
                .apply(self.type_name, &final_planned, &applied.state, failed),
        );
        self.store_private(&applied.state, prior, new_private);
        let follow_up = self.follow_up.take();
        if !failed && !applied.state.is_null() && self.emulator.quiet() {
            match follow_up {
                None => self.check_converged(&applied.state, config).await,
                Some(why) => assert!(
                    !warnings(&applied.diags).is_empty(),
                    "an apply that leaves a change for the next plan ({why}) must warn: {:#?}",
                    applied.diags
                ),
            }
        }
        applied
    }

    /// The next apply may leave a change for the plan after it, for the reason given: only
    /// where Frontegg contradicts itself in a way no plan could foresee, and only with a
    /// warning from that apply (checked) saying what the next plan does. Terraform's own rules
    /// are still checked; the test asserts the follow-up plan itself.
    pub fn expect_follow_up(&mut self, why: &'static str) {
        self.follow_up = Some(why);
    }

    /// After an apply that stored `state`: a read with Frontegg unchanged returns `state`,
    /// and a plan from it with `config` plans no change. The requests are hidden, nothing
    /// the answers carry is kept.
    async fn check_converged(&mut self, state: &Value, config: &Value) {
        let start = self.emulator.log_len();
        let private = self.private_of(state);
        let (read, read_private) = self.read_rpc(state, private).await;
        assert_no_errors(&read.diags);
        let schema = self.checker.schema(self.type_name).expect("schema").clone();
        let address = format!("{}.test", self.type_name);
        let drift = rules::assert_object_compatible(&schema.block, state, &read.state);
        fail_on(
            drift
                .iter()
                .map(|e| Violation {
                    summary: "Provider produced a different object on refresh after apply".into(),
                    detail: format!(
                        "Reading {address} right after it was applied, with Frontegg unchanged, returned a different object: {e}. The next plan would show a change nobody made."
                    ),
                })
                .collect(),
        );
        let next = self.plan_rpc(&read.state, config, read_private).await;
        self.emulator.hide(start..self.emulator.log_len());
        assert_no_errors(&next.plan.diags);
        let mut diff: Vec<String> =
            rules::assert_object_compatible(&schema.block, &read.state, &next.plan.planned)
                .iter()
                .map(ToString::to_string)
                .collect();
        if diff.is_empty() && next.plan.planned != read.state {
            diff.push("the planned value differs from the prior state".into());
        }
        diff.extend(
            next.requires_replace
                .iter()
                .map(|p| format!("{}: requires replacement", rules::format_path(p))),
        );
        if !diff.is_empty() {
            fail_on(vec![Violation {
                summary: "After applying this test step and performing a `terraform refresh`, the plan was not empty.".into(),
                detail: format!(
                    "Planning {address} again with the same configuration right after the apply plans a change: {}.",
                    diff.join("; ")
                ),
            }]);
        }
    }

    /// Plan and apply, as `terraform apply` does; panics on error diagnostics.
    pub async fn apply_config(&mut self, prior: &Value, config: &Value) -> Value {
        let plan = self.plan(prior, config).await;
        assert_no_errors(&plan.diags);
        let applied = self.apply(prior, &plan.planned, config).await;
        assert_no_errors(&applied.diags);
        applied.state
    }

    /// Creates the resource from `config`; panics on error diagnostics.
    pub async fn create(&mut self, config: &Value) -> Value {
        self.apply_config(&Value::Null, config).await
    }

    /// One `ReadResource`, checked; nothing stored.
    async fn read_rpc(&mut self, state: &Value, private: Vec<u8>) -> (Applied, Vec<u8>) {
        let ty = self.resource_type.clone();
        let response = self
            .rpc
            .read_resource(pb::read_resource::Request {
                type_name: self.type_name.into(),
                current_state: Some(dynamic(state, &ty)),
                private,
                provider_meta: None,
                client_capabilities: capabilities(self.write_only_allowed),
                current_identity: None,
            })
            .await
            .expect("ReadResource")
            .into_inner();
        self.check_echo("ReadResource", &response.diagnostics);
        let read = Applied {
            state: decode(response.new_state, &ty),
            identity: self.identity_value(response.new_identity),
            diags: diags_from(response.diagnostics),
        };
        if errors(&read.diags).is_empty() && !read.state.is_null() {
            fail_on(self.checker.state(self.type_name, &read.state, "refresh"));
        }
        (read, response.private)
    }

    pub async fn read(&mut self, state: &Value) -> Applied {
        let private = self.private_of(state);
        let (read, new_private) = self.read_rpc(state, private).await;
        self.emulator.test_request_done();
        if errors(&read.diags).is_empty() {
            self.store_private(&read.state, state, new_private);
        }
        read
    }

    /// `UpgradeResourceState` of a stored state written at `version`.
    pub async fn upgrade(&mut self, version: i64, json: &serde_json::Value) -> Applied {
        let ty = self.resource_type.clone();
        let response = self
            .rpc
            .upgrade_resource_state(pb::upgrade_resource_state::Request {
                type_name: self.type_name.into(),
                version,
                raw_state: Some(pb::RawState {
                    json: serde_json::to_vec(json).expect("json"),
                    flatmap: Default::default(),
                }),
            })
            .await
            .expect("UpgradeResourceState")
            .into_inner();
        self.check_echo("UpgradeResourceState", &response.diagnostics);
        let upgraded = Applied {
            state: decode(response.upgraded_state, &ty),
            identity: Value::Null,
            diags: diags_from(response.diagnostics),
        };
        if errors(&upgraded.diags).is_empty() && !upgraded.state.is_null() {
            fail_on(
                self.checker
                    .state(self.type_name, &upgraded.state, "upgrade"),
            );
        }
        upgraded
    }

    pub async fn destroy(&mut self, prior: &Value) -> Vec<Diag> {
        let applied = self.apply(prior, &Value::Null, &Value::Null).await;
        applied.diags
    }

    async fn import_request(&mut self, id: &str, identity: Option<&Value>) -> Imported {
        let ty = self.resource_type.clone();
        let identity = identity.map(|v| pb::ResourceIdentityData {
            identity_data: Some(dynamic(v, &self.identity_type)),
        });
        let response = self
            .rpc
            .import_resource_state(pb::import_resource_state::Request {
                type_name: self.type_name.into(),
                id: id.into(),
                client_capabilities: capabilities(self.write_only_allowed),
                identity,
            })
            .await
            .expect("ImportResourceState")
            .into_inner();
        self.emulator.test_request_done();
        self.check_echo("ImportResourceState", &response.diagnostics);
        let imported = Imported {
            states: response
                .imported_resources
                .iter()
                .map(|r| decode(r.state.clone(), &ty))
                .collect(),
            identities: response
                .imported_resources
                .iter()
                .map(|r| self.identity_value(r.identity.clone()))
                .collect(),
            diags: diags_from(response.diagnostics),
        };
        if errors(&imported.diags).is_empty() {
            fail_on(self.checker.import(self.type_name, id, &imported.states));
            for (state, r) in imported.states.iter().zip(&response.imported_resources) {
                self.store_private(state, &Value::Null, r.private.clone());
            }
        }
        imported
    }

    pub async fn import(&mut self, id: &str) -> Imported {
        self.import_request(id, None).await
    }

    pub async fn import_by_identity(&mut self, id: &str) -> Imported {
        let identity = Value::object([("id", Value::string(id))]);
        self.import_request("", Some(&identity)).await
    }

    pub async fn read_data_source(&mut self) -> (Value, Vec<Diag>) {
        self.read_data_source_of(TYPE_NAME).await
    }

    /// `ReadDataSource` of the data source `name` with an empty configuration.
    pub async fn read_data_source_of(&mut self, name: &str) -> (Value, Vec<Diag>) {
        let ty = self.data_source_types[name].clone();
        let config = Value::object_of(&ty, Vec::<(String, Value)>::new());
        let response = self
            .rpc
            .read_data_source(pb::read_data_source::Request {
                type_name: name.into(),
                config: Some(dynamic(&config, &ty)),
                provider_meta: None,
                client_capabilities: capabilities(self.write_only_allowed),
            })
            .await
            .expect("ReadDataSource")
            .into_inner();
        (
            decode(response.state, &ty),
            diags_from(response.diagnostics),
        )
    }

    /// `ListResource` of the list resource (an empty `config` block), as `terraform query`
    /// sends it; every event of the stream.
    pub async fn list(&mut self, include_resource: bool) -> Listed {
        let config = Value::object(Vec::<(String, Value)>::new());
        let mut stream = self
            .rpc
            .list_resource(pb::list_resource::Request {
                type_name: TYPE_NAME.into(),
                config: Some(dynamic(&config, &Type::object::<String>([]))),
                include_resource_object: include_resource,
                limit: 100,
            })
            .await
            .expect("ListResource")
            .into_inner();
        let mut listed = Listed::default();
        while let Some(event) = stream.message().await.expect("ListResource event") {
            listed.diags.extend(diags_from(event.diagnostic));
            if event.identity.is_some() {
                let state = decode(event.resource_object.clone(), &self.resource_type);
                if !state.is_null() {
                    fail_on(self.checker.state(TYPE_NAME, &state, "list"));
                }
                listed.results.push(ListedResult {
                    display_name: event.display_name,
                    identity: self.identity_value(event.identity),
                    state: decode(event.resource_object, &self.resource_type),
                });
            }
        }
        listed
    }

    /// `CallFunction` with string arguments: the result, or the error's text and argument.
    pub async fn call_function(
        &mut self,
        name: &str,
        args: &[Value],
    ) -> Result<Value, (String, Option<i64>)> {
        let response = self
            .rpc
            .call_function(pb::call_function::Request {
                name: name.into(),
                arguments: args.iter().map(|a| dynamic(a, &Type::String)).collect(),
            })
            .await
            .expect("CallFunction")
            .into_inner();
        match response.error {
            Some(e) => Err((e.text, e.function_argument)),
            None => Ok(decode(response.result, &Type::String)),
        }
    }

    /// `MoveResourceState` of a `source_type` state (stored JSON at `version`) to the
    /// harness's resource type.
    pub async fn move_state(
        &mut self,
        source_type: &str,
        version: i64,
        json: &serde_json::Value,
    ) -> Applied {
        let ty = self.resource_type.clone();
        let response = self
            .rpc
            .move_resource_state(pb::move_resource_state::Request {
                source_provider_address: terraform_provider_frontegg::PROVIDER_ADDRESS.into(),
                source_type_name: source_type.into(),
                source_schema_version: version,
                source_state: Some(pb::RawState {
                    json: serde_json::to_vec(json).expect("json"),
                    flatmap: Default::default(),
                }),
                target_type_name: self.type_name.into(),
                source_private: Vec::new(),
                source_identity: None,
                source_identity_schema_version: 0,
            })
            .await
            .expect("MoveResourceState")
            .into_inner();
        self.check_echo("MoveResourceState", &response.diagnostics);
        let moved = Applied {
            state: decode(response.target_state, &ty),
            identity: self.identity_value(response.target_identity),
            diags: diags_from(response.diagnostics),
        };
        if errors(&moved.diags).is_empty() && !moved.state.is_null() {
            fail_on(self.checker.state(self.type_name, &moved.state, "move"));
            self.store_private(&moved.state, &Value::Null, response.target_private);
        }
        moved
    }

    fn identity_value(&self, data: Option<pb::ResourceIdentityData>) -> Value {
        decode(data.and_then(|d| d.identity_data), &self.identity_type)
    }

    /// The integrations the emulator holds for the default environment.
    pub fn integrations(&self) -> Vec<serde_json::Value> {
        self.emulator.integrations(ENV)
    }

    /// The paths of every API request the provider sent (method and path).
    pub fn calls(&self) -> Vec<String> {
        self.emulator
            .requests()
            .into_iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }

    /// Request bodies the provider sent with `method` to the vendor-integrations API.
    pub fn sent(&self, method: &str) -> Vec<serde_json::Value> {
        self.emulator
            .requests()
            .into_iter()
            .filter(|r| r.method == method && r.path.contains("vendors-integrations"))
            .filter_map(|r| r.body)
            .collect()
    }
}

/// A set of strings.
pub fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::set(items.into_iter().map(Value::string))
}

/// The strings of a set value, sorted.
pub fn string_elements(value: &Value) -> Vec<String> {
    let mut out: Vec<String> = value
        .elements()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    out.sort();
    out
}

/// Fails when the wire schema drops a sensitive mark the provider's schemas set.
#[track_caller]
fn check_wire_schema(provider: &dyn tfplugin::Provider, wire: &pb::get_provider_schema::Response) {
    let mut violations = Vec::new();
    let missing = pb::Schema::default();
    violations.extend(rules::wire_keeps_sensitive(
        "the provider",
        &provider.schema(),
        wire.provider.as_ref().unwrap_or(&missing),
    ));
    for r in provider.resources() {
        violations.extend(rules::wire_keeps_sensitive(
            r.type_name(),
            &r.schema(),
            wire.resource_schemas.get(r.type_name()).unwrap_or(&missing),
        ));
    }
    for d in provider.data_sources() {
        violations.extend(rules::wire_keeps_sensitive(
            d.type_name(),
            &d.schema(),
            wire.data_source_schemas
                .get(d.type_name())
                .unwrap_or(&missing),
        ));
    }
    fail_on(violations);
}
