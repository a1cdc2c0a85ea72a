//! The service as a whole: schemas and server capabilities sent to Terraform, schemas
//! refused by the checks, StopProvider, panics, and the RPCs for features the provider
//! does not offer or types it does not declare.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use tfplugin::ProviderService;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::proto::tfplugin6::provider_server::Provider as _;
use tfplugin::schema::{Attribute, AttributeNesting, Block, NestedAttributes, Schema};
use tfvalue::{Type, Value};
use tokio_stream::StreamExt as _;
use tonic::Request;

async fn provider_schema(svc: &ProviderService) -> pb::get_provider_schema::Response {
    svc.get_provider_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn the_provider_schema_carries_types_flags_and_capabilities() {
    let (svc, _) = new_service();
    let resp = provider_schema(&svc).await;

    assert!(resp.diagnostics.is_empty());
    assert_eq!(
        resp.server_capabilities,
        Some(pb::ServerCapabilities {
            plan_destroy: true,
            get_provider_schema_optional: true,
            move_resource_state: true,
            generate_resource_config: true,
        })
    );
    let widget = &resp.resource_schemas[WIDGET];
    assert_eq!(widget.version, 1);
    let block = widget.block.as_ref().unwrap();
    assert_eq!(block.description, "A widget.");
    assert_eq!(block.description_kind, pb::StringKind::Markdown as i32);
    let attr = |name: &str| block.attributes.iter().find(|a| a.name == name).unwrap();
    let secret = attr("secret_wo");
    assert!(secret.write_only && secret.sensitive && secret.optional && !secret.computed);
    assert_eq!(secret.r#type, br#""string""#);
    assert_eq!(attr("tags").r#type, br#"["set","string"]"#);
    let id = attr("id");
    assert!(id.computed && !id.optional && !id.write_only);
    for a in &block.attributes {
        assert!(
            !a.r#type.is_empty() && a.nested_type.is_none(),
            "{}",
            a.name
        );
    }
    assert!(resp.data_source_schemas.contains_key(LOOKUP));
    assert!(resp.provider.is_some());
}

#[tokio::test]
async fn identity_schemas_list_the_identity_attributes() {
    let (svc, _) = new_service();
    let resp = svc
        .get_resource_identity_schemas(Request::new(pb::get_resource_identity_schemas::Request {}))
        .await
        .unwrap()
        .into_inner();
    let identity = &resp.identity_schemas[WIDGET];
    assert_eq!(identity.version, 0);
    assert_eq!(identity.identity_attributes.len(), 1);
    let id = &identity.identity_attributes[0];
    assert_eq!((id.name.as_str(), id.required_for_import), ("id", true));
    assert_eq!(id.r#type, br#""string""#);
}

#[tokio::test]
async fn nested_attributes_are_sent_as_nested_type_only() {
    let schema = Schema::new(
        0,
        Block::new([Attribute::nested_attributes(
            "settings",
            NestedAttributes::new(
                AttributeNesting::List,
                [Attribute::new("key", Type::String).required()],
            ),
        )
        .optional()]),
    );
    let svc = ProviderService::new(Arc::new(OneResource(schema))).unwrap();
    let resp = provider_schema(&svc).await;

    let block = resp.resource_schemas["test_thing"].block.clone().unwrap();
    let settings = &block.attributes[0];
    assert!(settings.r#type.is_empty());
    let nested = settings.nested_type.as_ref().unwrap();
    assert_eq!(nested.nesting, pb::schema::object::NestingMode::List as i32);
    assert_eq!(nested.attributes[0].name, "key");
    assert_eq!(nested.attributes[0].r#type, br#""string""#);
}

#[test]
fn a_bad_schema_fails_the_providers_checks_with_every_problem() {
    let schema = Schema::new(
        -1,
        Block::new([
            Attribute::new("secret", Type::String)
                .computed()
                .write_only(),
            Attribute::new("Name", Type::String).required(),
        ]),
    );
    let err = ProviderService::new(Arc::new(OneResource(schema))).unwrap_err();
    assert_eq!(
        err.0,
        [
            "resource test_thing: schema version -1 is negative; versions start at 0",
            "resource test_thing: secret: a write-only attribute cannot be computed",
            "resource test_thing: Name: name may contain only lowercase letters, digits and underscores",
        ]
    );
    assert!(
        err.to_string()
            .starts_with("the provider's schemas are invalid:\n  - ")
    );
}

fn slow_create() -> pb::apply_resource_change::Request {
    pb::apply_resource_change::Request {
        type_name: WIDGET.into(),
        prior_state: widget_dv(&Value::Null),
        planned_state: widget_dv(&widget(&[("id", Value::Unknown), ("name", s("slow"))])),
        config: widget_dv(&widget(&[("name", s("slow"))])),
        ..Default::default()
    }
}

#[tokio::test]
async fn stop_provider_cancels_in_flight_work_and_the_server_keeps_serving() {
    let (svc, behaviour) = new_service();
    let svc = Arc::new(svc);
    let started = behaviour.slow_started.notified();
    let in_flight = tokio::spawn({
        let svc = svc.clone();
        async move { svc.apply_resource_change(Request::new(slow_create())).await }
    });
    started.await;

    let stop = svc
        .stop_provider(Request::new(pb::stop_provider::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stop.error, "");

    let cancelled = tokio::time::timeout(Duration::from_secs(5), in_flight)
        .await
        .expect("the in-flight apply ends once stopped")
        .unwrap()
        .unwrap()
        .into_inner();
    assert_eq!(errors(&cancelled.diagnostics), ["Create cancelled"]);

    let config = widget(&[("name", s("after"))]);
    let next = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: WIDGET.into(),
            prior_state: widget_dv(&Value::Null),
            planned_state: widget_dv(&widget(&[
                ("id", Value::Unknown),
                ("name", s("after")),
                ("etag", Value::Unknown),
            ])),
            config: widget_dv(&config),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(next.diagnostics.is_empty(), "{:?}", next.diagnostics);
    assert_eq!(decode_widget(&next.new_state).attr("id"), &s("w-1"));
}

#[tokio::test]
async fn a_panicking_resource_gives_an_error_diagnostic_and_the_next_call_works() {
    let (svc, _) = new_service();
    let planned = widget(&[("id", Value::Unknown), ("name", s("panic"))]);
    let resp = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: WIDGET.into(),
            prior_state: widget_dv(&Value::Null),
            planned_state: widget_dv(&planned),
            config: widget_dv(&widget(&[("name", s("panic"))])),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        errors(&resp.diagnostics),
        ["The provider panicked while creating a test_widget"]
    );
    assert!(
        resp.diagnostics[0]
            .detail
            .contains("widget factory exploded")
    );
    assert_eq!(decode_widget(&resp.new_state), Value::Null);

    let schema = provider_schema(&svc).await;
    assert!(schema.resource_schemas.contains_key(WIDGET));
    let read = svc
        .read_resource(Request::new(pb::read_resource::Request {
            type_name: WIDGET.into(),
            current_state: widget_dv(&widget(&[("id", s("w-1")), ("name", s("a"))])),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(read.diagnostics.is_empty());
}

fn single_error_naming(diags: &[pb::Diagnostic], type_name: &str) {
    assert_eq!(errors(diags).len(), 1, "{diags:?}");
    assert!(diags[0].detail.contains(type_name), "{diags:?}");
}

#[tokio::test]
async fn rpcs_for_undeclared_features_answer_with_error_diagnostics() {
    let (svc, _) = new_service();
    let r = svc
        .validate_ephemeral_resource_config(Request::new(
            pb::validate_ephemeral_resource_config::Request {
                type_name: "test_eph".into(),
                config: None,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_eph");
    let r = svc
        .open_ephemeral_resource(Request::new(pb::open_ephemeral_resource::Request {
            type_name: "test_eph".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_eph");
    let r = svc
        .renew_ephemeral_resource(Request::new(pb::renew_ephemeral_resource::Request {
            type_name: "test_eph".into(),
            private: None,
        }))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_eph");
    let r = svc
        .close_ephemeral_resource(Request::new(pb::close_ephemeral_resource::Request {
            type_name: "test_eph".into(),
            private: None,
        }))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_eph");

    let r = svc
        .validate_list_resource_config(Request::new(pb::validate_list_resource_config::Request {
            type_name: "test_list".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_list");
    let events: Vec<_> = svc
        .list_resource(Request::new(pb::list_resource::Request {
            type_name: "test_list".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    assert_eq!(events.len(), 1);
    single_error_naming(&events[0].as_ref().unwrap().diagnostic, "test_list");

    let r = svc
        .validate_action_config(Request::new(pb::validate_action_config::Request {
            type_name: "test_act".into(),
            config: None,
        }))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_act");
    let r = svc
        .plan_action(Request::new(pb::plan_action::Request {
            action_type: "test_act".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_act");
    let events: Vec<_> = svc
        .invoke_action(Request::new(pb::invoke_action::Request {
            action_type: "test_act".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    let Some(pb::invoke_action::event::Type::Completed(done)) =
        events[0].as_ref().unwrap().r#type.clone()
    else {
        panic!("expected a Completed event");
    };
    single_error_naming(&done.diagnostics, "test_act");

    let r = svc
        .validate_state_store_config(Request::new(pb::validate_state_store::Request {
            type_name: "test_store".into(),
            config: None,
        }))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_store");
    let r = svc
        .configure_state_store(Request::new(pb::configure_state_store::Request {
            type_name: "test_store".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_store");
    let r = svc
        .get_states(Request::new(pb::get_states::Request {
            type_name: "test_store".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_store");
    let r = svc
        .lock_state(Request::new(pb::lock_state::Request {
            type_name: "test_store".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_store");
    let r = svc
        .unlock_state(Request::new(pb::unlock_state::Request {
            type_name: "test_store".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_store");
    let r = svc
        .delete_state(Request::new(pb::delete_state::Request {
            type_name: "test_store".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    single_error_naming(&r.diagnostics, "test_store");
    let chunks: Vec<_> = svc
        .read_state_bytes(Request::new(pb::read_state_bytes::Request {
            type_name: "test_store".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    single_error_naming(&chunks[0].as_ref().unwrap().diagnostics, "test_store");
}

#[tokio::test]
async fn a_move_the_target_does_not_take_generate_and_undeclared_functions_are_declined() {
    let (svc, _) = new_service();
    let r = svc
        .move_resource_state(Request::new(pb::move_resource_state::Request {
            source_type_name: "other_widget".into(),
            target_type_name: WIDGET.into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&r.diagnostics), ["Cannot move this resource here"]);
    assert_eq!(r.target_state, None);
    let r = svc
        .generate_resource_config(Request::new(pb::generate_resource_config::Request {
            type_name: WIDGET.into(),
            state: None,
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&r.diagnostics).len(), 1);
    let r = svc
        .get_functions(Request::new(pb::get_functions::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert!(r.functions.is_empty() && r.diagnostics.is_empty());
    let r = svc
        .call_function(Request::new(pb::call_function::Request {
            name: "f".into(),
            arguments: Vec::new(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(r.error.unwrap().text.contains("\"f\""));
}

#[tokio::test]
async fn metadata_lists_the_resource_and_data_source_types() {
    let (svc, _) = new_service();
    let r = svc
        .get_metadata(Request::new(pb::get_metadata::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.resources[0].type_name, WIDGET);
    assert_eq!(r.data_sources[0].type_name, LOOKUP);
    assert!(r.server_capabilities.unwrap().plan_destroy);
}

#[tokio::test]
async fn validation_diagnostics_carry_attribute_paths() {
    let (svc, _) = new_service();
    let r = svc
        .validate_resource_config(Request::new(pb::validate_resource_config::Request {
            type_name: WIDGET.into(),
            config: widget_dv(&widget(&[("name", s("invalid"))])),
            client_capabilities: capabilities(true),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.diagnostics,
        [pb::Diagnostic {
            severity: pb::diagnostic::Severity::Error as i32,
            summary: "Invalid name".into(),
            detail: "The name \"invalid\" is not allowed.".into(),
            attribute: wire_path(&["name"]),
        }]
    );
}

#[tokio::test]
async fn diagnostic_paths_encode_attribute_index_and_key_steps() {
    use pb::attribute_path::step::Selector;
    let (svc, _) = new_service();
    let r = svc
        .validate_resource_config(Request::new(pb::validate_resource_config::Request {
            type_name: WIDGET.into(),
            config: widget_dv(&widget(&[("name", s("deep"))])),
            client_capabilities: capabilities(true),
        }))
        .await
        .unwrap()
        .into_inner();
    let steps = |i: usize| -> Option<Vec<Selector>> {
        r.diagnostics[i].attribute.as_ref().map(|p| {
            p.steps
                .iter()
                .map(|s| s.selector.clone().unwrap())
                .collect()
        })
    };
    assert_eq!(
        steps(0),
        Some(vec![
            Selector::AttributeName("tags".into()),
            Selector::ElementKeyInt(1)
        ])
    );
    assert_eq!(
        steps(1),
        Some(vec![
            Selector::AttributeName("labels".into()),
            Selector::ElementKeyString("k".into()),
            Selector::AttributeName("value".into()),
        ])
    );
    assert_eq!(steps(2), None, "a root path is sent as no path");
}

#[tokio::test]
async fn the_service_the_binary_serves_is_built_at_the_first_request_and_answers_as_checked() {
    let schema = || {
        Schema::new(
            0,
            Block::new([Attribute::new("name", Type::String).required()]),
        )
    };
    let lazy = tfplugin::LazyProviderService::new(Arc::new(OneResource(schema())));
    let checked = ProviderService::new(Arc::new(OneResource(schema()))).unwrap();
    let ask = Request::new(pb::get_provider_schema::Request {});
    let lazily = lazy.get_provider_schema(ask).await.unwrap().into_inner();
    assert_eq!(lazily, provider_schema(&checked).await);
    assert!(lazily.resource_schemas.contains_key("test_thing"));
}
