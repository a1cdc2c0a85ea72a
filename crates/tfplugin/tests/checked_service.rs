//! The checks `CheckedService` applies (Terraform core's rules, `tfplugin::testing::rules`)
//! bite: a resource that answers what Terraform refuses fails the test that drives it.

mod common;

use std::any::Any;
use std::sync::Arc;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{ApplyRequest, Context, DataSource, Diagnostics, Provider, Resource, async_trait};
use tfvalue::{Type, Value};
use tonic::Request;

/// A provider whose one resource, `test_liar`, stores another name than it was planned
/// (but `echo`, which it answers with a warning that shows the sensitive token).
struct Liar;

struct LiarResource;

fn liar_schema() -> Schema {
    Schema::new(
        0,
        Block::new([
            Attribute::new("id", Type::String).computed(),
            Attribute::new("name", Type::String).required(),
            Attribute::new("token", Type::String).optional().sensitive(),
        ]),
    )
}

#[async_trait]
impl Provider for Liar {
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
        vec![Arc::new(LiarResource)]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
}

#[async_trait]
impl Resource for LiarResource {
    fn type_name(&self) -> &'static str {
        "test_liar"
    }
    fn schema(&self) -> Schema {
        liar_schema()
    }
    async fn create(&self, _: &Context, req: &ApplyRequest, diags: &mut Diagnostics) -> Value {
        let mut state = req.planned.clone();
        state.set_attr("id", s("l-1"));
        if req.config.attr("name").as_str() == Some("echo") {
            let token = req.config.attr("token").as_str().unwrap_or_default();
            diags.warning("Created", format!("with token {token}"));
        } else {
            state.set_attr("name", s("renamed"));
        }
        state
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

fn liar_dv(v: &Value) -> Option<pb::DynamicValue> {
    dv(v, &liar_schema().value_type())
}

fn liar(id: Value, name: &str) -> Value {
    Value::object([("id", id), ("name", s(name)), ("token", Value::Null)])
}

#[tokio::test]
#[should_panic(
    expected = r#"When applying changes to test_liar.test, provider "provider[\"registry.terraform.io/example/test\"]" produced an unexpected new value: .name: was cty.StringVal("a"), but now cty.StringVal("renamed")."#
)]
async fn a_state_that_differs_from_the_plan_fails_as_an_inconsistent_result() {
    let svc = CheckedService::new(Arc::new(Liar));
    let config = liar(Value::Null, "a");
    let _ = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "test_liar".into(),
            prior_state: liar_dv(&Value::Null),
            planned_state: liar_dv(&liar(Value::Unknown, "a")),
            config: liar_dv(&config),
            ..Default::default()
        }))
        .await;
}

#[tokio::test]
#[should_panic(
    expected = "A diagnostic of ApplyResourceChange (summary \"Created\") holds, in its detail, the value of a sensitive or write-only attribute"
)]
async fn a_diagnostic_that_shows_a_sensitive_value_fails() {
    let svc = CheckedService::new(Arc::new(Liar));
    let mut config = liar(Value::Null, "echo");
    config.set_attr("token", s("token-s3cr3t"));
    let mut planned = config.clone();
    planned.set_attr("id", Value::Unknown);
    let _ = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "test_liar".into(),
            prior_state: liar_dv(&Value::Null),
            planned_state: liar_dv(&planned),
            config: liar_dv(&config),
            ..Default::default()
        }))
        .await;
}

#[tokio::test]
async fn the_same_calls_pass_unchecked() {
    let svc = CheckedService::new(Arc::new(Liar));
    let config = liar(Value::Null, "a");
    let resp = svc
        .unchecked()
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "test_liar".into(),
            prior_state: liar_dv(&Value::Null),
            planned_state: liar_dv(&liar(Value::Unknown, "a")),
            config: liar_dv(&config),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&resp.diagnostics).is_empty());
}
