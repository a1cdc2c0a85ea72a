//! Private state: what a resource sets with `Context::set_private` travels back to Terraform
//! from every RPC that answers with it (plan, apply, read, import, move), what Terraform sends
//! reaches the resource as `Context::private`, and a resource that sets nothing passes it on.

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use tfplugin::diag::Diagnostics;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{
    ApplyRequest, Context, DataSource, PlanRequest, Provider, ProviderService, Resource,
};
use tfvalue::{Type, Value, msgpack};
use tonic::Request;

/// `test_note`: records in its private state which RPC saw it last, after what it was given.
struct Note;

fn schema() -> Schema {
    Schema::new(
        0,
        Block::new(vec![
            Attribute::new("id", Type::String).computed(),
            Attribute::new("name", Type::String).required(),
        ]),
    )
}

fn ty() -> Type {
    schema().value_type()
}

/// `<rpc>(<what the request carried>)`.
fn stamp(ctx: &Context, rpc: &str) {
    let before = String::from_utf8_lossy(ctx.private()).into_owned();
    ctx.set_private(format!("{rpc}({before})").into_bytes());
}

#[async_trait]
impl Resource for Note {
    fn type_name(&self) -> &'static str {
        "test_note"
    }
    fn schema(&self) -> Schema {
        schema()
    }
    async fn modify_plan(
        &self,
        ctx: &Context,
        req: &PlanRequest,
        _planned: &mut Value,
        _diags: &mut Diagnostics,
    ) {
        // A plan that keeps the prior state passes the private state on untouched.
        if req.prior.is_null() || req.prior.attr("name") != req.config.attr("name") {
            stamp(ctx, "plan");
        }
    }
    async fn create(&self, ctx: &Context, req: &ApplyRequest, _: &mut Diagnostics) -> Value {
        stamp(ctx, "create");
        let mut state = req.planned.clone();
        state.set_attr("id", Value::string("n-1"));
        state
    }
    async fn read(&self, ctx: &Context, state: &Value, _: &mut Diagnostics) -> Value {
        stamp(ctx, "read");
        state.clone()
    }
    async fn update(&self, ctx: &Context, req: &ApplyRequest, _: &mut Diagnostics) -> Value {
        stamp(ctx, "update");
        req.planned.clone()
    }
    async fn delete(&self, ctx: &Context, _: &Value, _: &mut Diagnostics) {
        stamp(ctx, "delete");
    }
    async fn import(&self, ctx: &Context, id: &str, _: &mut Diagnostics) -> Value {
        stamp(ctx, "import");
        Value::object_of(
            &ty(),
            [("id", Value::string(id)), ("name", Value::string("x"))],
        )
    }
}

struct Notes;

#[async_trait]
impl Provider for Notes {
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
        vec![Arc::new(Note)]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
}

fn dv(v: &Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(v, &ty()).expect("encode"),
        json: Vec::new(),
    })
}

fn note(id: Value, name: &str) -> Value {
    Value::object_of(&ty(), [("id", id), ("name", Value::string(name))])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn plan(svc: &ProviderService, prior: &Value, name: &str, private: &[u8]) -> Vec<u8> {
    let config = note(Value::Null, name);
    let proposed = if prior.is_null() {
        config.clone()
    } else {
        note(prior.attr("id").clone(), name)
    };
    let resp = svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "test_note".into(),
            prior_state: dv(prior),
            proposed_new_state: dv(&proposed),
            config: dv(&config),
            prior_private: private.to_vec(),
            ..Default::default()
        }))
        .await
        .expect("plan")
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    resp.planned_private
}

#[tokio::test]
async fn private_state_travels_through_plan_apply_read_and_import() {
    let svc = ProviderService::new(Arc::new(Notes)).expect("valid provider");

    let planned_private = plan(&svc, &Value::Null, "a", b"").await;
    assert_eq!(text(&planned_private), "plan()");

    let created = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "test_note".into(),
            prior_state: dv(&Value::Null),
            planned_state: dv(&note(Value::Unknown, "a")),
            config: dv(&note(Value::Null, "a")),
            planned_private,
            ..Default::default()
        }))
        .await
        .expect("apply")
        .into_inner();
    assert!(created.diagnostics.is_empty(), "{:?}", created.diagnostics);
    assert_eq!(text(&created.private), "create(plan())");

    let read = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: "test_note".into(),
            current_state: dv(&note(Value::string("n-1"), "a")),
            private: created.private.clone(),
            ..Default::default()
        }))
        .await
        .expect("read")
        .into_inner();
    assert_eq!(text(&read.private), "read(create(plan()))");

    // A plan the resource leaves alone hands Terraform's bytes back unchanged.
    let unchanged = plan(&svc, &note(Value::string("n-1"), "a"), "a", &read.private).await;
    assert_eq!(unchanged, read.private);
    let renamed = plan(&svc, &note(Value::string("n-1"), "a"), "b", &read.private).await;
    assert_eq!(text(&renamed), "plan(read(create(plan())))");

    let imported = svc
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: "test_note".into(),
            id: "n-9".into(),
            ..Default::default()
        }))
        .await
        .expect("import")
        .into_inner();
    assert!(
        imported.diagnostics.is_empty(),
        "{:?}",
        imported.diagnostics
    );
    assert_eq!(text(&imported.imported_resources[0].private), "import()");
}
