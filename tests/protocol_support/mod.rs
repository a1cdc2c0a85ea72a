//! Shared harness of the protocol tests: the provider served in-process (debug mode) and
//! driven over gRPC the way Terraform drives it, against an in-process Frontegg emulator.
//!
//! Like Terraform, the harness computes `proposed_new_state` itself and checks nothing the
//! provider says: the tests assert on the answers.

#![allow(dead_code)]

use std::collections::BTreeMap;

use frontegg_emulator::{
    DEFAULT_CLIENT_ID, DEFAULT_ENVIRONMENT_ID, DEFAULT_SECRET, Emulator, EmulatorConfig,
};
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_client::ProviderClient;
use tfplugin::{DebugServer, ServeConfig};
use tfvalue::{Type, Value, msgpack};
use tonic::transport::Channel;

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

pub struct Harness {
    pub emulator: Emulator,
    pub rpc: ProviderClient<Channel>,
    /// Terraform 1.11+ sends `write_only_attributes_allowed`; 1.0.3 does not.
    pub write_only_allowed: bool,
    /// The resource type the harness drives.
    type_name: &'static str,
    /// Its computed attributes: Terraform proposes their prior value when the configuration
    /// leaves them null.
    computed: Vec<String>,
    resource_type: Type,
    identity_type: Type,
    data_source_types: BTreeMap<String, Type>,
    /// Every resource type: its value type, identity type and computed attributes.
    resource_types: BTreeMap<String, (Type, Type, Vec<String>)>,
    provider_type: Type,
    _server: DebugServer,
}

impl Harness {
    /// A provider configured for the emulator's default environment.
    pub async fn start() -> Harness {
        Self::start_with(TYPE_NAME).await
    }

    /// A configured provider, driving the resource type `type_name`.
    pub async fn start_with(type_name: &'static str) -> Harness {
        let mut harness = Self::unconfigured_with(type_name).await;
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
        let emulator = Emulator::start(EmulatorConfig::default())
            .await
            .expect("start emulator");
        let server = tfplugin::serve_debug(
            terraform_provider_frontegg::provider(),
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
        rpc.get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .expect("GetProviderSchema");
        let provider = terraform_provider_frontegg::provider();
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
                        r.identity_schema().expect("identity").value_type(),
                        computed_of(r.as_ref()),
                    ),
                )
            })
            .collect();
        Harness {
            emulator,
            rpc,
            write_only_allowed: true,
            type_name,
            computed,
            data_source_types,
            resource_types,
            resource_type: resource.schema().value_type(),
            identity_type: resource.identity_schema().expect("identity").value_type(),
            provider_type: provider.schema().value_type(),
            _server: server,
        }
    }

    /// From now on, drive the resource type `type_name` (same provider, same emulator).
    pub fn drive(&mut self, type_name: &'static str) {
        let (ty, identity, computed) = self.resource_types[type_name].clone();
        self.type_name = type_name;
        self.resource_type = ty;
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

    pub async fn validate_provider(&mut self, config: &Value) -> Vec<Diag> {
        let response = self
            .rpc
            .validate_provider_config(pb::validate_provider_config::Request {
                config: Some(dynamic(config, &self.provider_type)),
            })
            .await
            .expect("ValidateProviderConfig")
            .into_inner();
        diags_from(response.diagnostics)
    }

    pub async fn configure(&mut self, config: &Value) -> Vec<Diag> {
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
        diags_from(response.diagnostics)
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

    pub async fn plan(&mut self, prior: &Value, config: &Value) -> Plan {
        let ty = self.resource_type.clone();
        let proposed = self.proposed_new(prior, config);
        let response = self
            .rpc
            .plan_resource_change(pb::plan_resource_change::Request {
                type_name: self.type_name.into(),
                prior_state: Some(dynamic(prior, &ty)),
                proposed_new_state: Some(dynamic(&proposed, &ty)),
                config: Some(dynamic(config, &ty)),
                prior_private: Vec::new(),
                provider_meta: None,
                client_capabilities: capabilities(self.write_only_allowed),
                prior_identity: None,
            })
            .await
            .expect("PlanResourceChange")
            .into_inner();
        Plan {
            planned: decode(response.planned_state, &ty),
            requires_replace: response
                .requires_replace
                .iter()
                .map(|p| format!("{p:?}"))
                .collect(),
            diags: diags_from(response.diagnostics),
        }
    }

    pub async fn apply(&mut self, prior: &Value, planned: &Value, config: &Value) -> Applied {
        let ty = self.resource_type.clone();
        let response = self
            .rpc
            .apply_resource_change(pb::apply_resource_change::Request {
                type_name: self.type_name.into(),
                prior_state: Some(dynamic(prior, &ty)),
                planned_state: Some(dynamic(planned, &ty)),
                config: Some(dynamic(config, &ty)),
                planned_private: Vec::new(),
                provider_meta: None,
                planned_identity: None,
            })
            .await
            .expect("ApplyResourceChange")
            .into_inner();
        Applied {
            state: decode(response.new_state, &ty),
            identity: self.identity_value(response.new_identity),
            diags: diags_from(response.diagnostics),
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

    pub async fn read(&mut self, state: &Value) -> Applied {
        let ty = self.resource_type.clone();
        let response = self
            .rpc
            .read_resource(pb::read_resource::Request {
                type_name: self.type_name.into(),
                current_state: Some(dynamic(state, &ty)),
                private: Vec::new(),
                provider_meta: None,
                client_capabilities: capabilities(self.write_only_allowed),
                current_identity: None,
            })
            .await
            .expect("ReadResource")
            .into_inner();
        Applied {
            state: decode(response.new_state, &ty),
            identity: self.identity_value(response.new_identity),
            diags: diags_from(response.diagnostics),
        }
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
        Applied {
            state: decode(response.upgraded_state, &ty),
            identity: Value::Null,
            diags: diags_from(response.diagnostics),
        }
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
        Imported {
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
        }
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
        Applied {
            state: decode(response.target_state, &ty),
            identity: self.identity_value(response.target_identity),
            diags: diags_from(response.diagnostics),
        }
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
