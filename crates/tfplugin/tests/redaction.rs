//! No configuration or state value in `Debug` output: requests given to resources and the
//! wire messages that carry values may hold sensitive and write-only attributes, and `Debug`
//! output reaches logs and panic messages.

mod common;

use common::*;
use tfplugin::proto::tfplugin6 as pb;
use tfplugin::{ApplyRequest, PlanRequest};
use tfvalue::Value;

const SENSITIVE: &str = "sensitive-token-value";
const WRITE_ONLY: &str = "write-only-secret-value";

fn config() -> Value {
    widget(&[
        ("name", s("a")),
        ("token", s(SENSITIVE)),
        ("secret_wo", s(WRITE_ONLY)),
    ])
}

/// `debug` holds neither secret, as text or as the list of its bytes.
fn assert_no_secret(debug: &str) {
    for secret in [SENSITIVE, WRITE_ONLY] {
        let bytes = format!("{:?}", secret.as_bytes());
        let bytes = bytes.trim_start_matches('[').trim_end_matches(']');
        assert!(!debug.contains(secret), "{secret} in {debug}");
        assert!(!debug.contains(bytes), "{secret} as bytes in {debug}");
    }
}

#[test]
fn plan_and_apply_requests_show_no_values_in_debug() {
    let plan = PlanRequest {
        prior: Value::Null,
        config: config(),
        proposed: config(),
    };
    let apply = ApplyRequest {
        prior: config(),
        planned: config(),
        config: config(),
    };
    let debug = format!("{plan:?} {plan:#?} {apply:?} {apply:#?}");
    assert_no_secret(&debug);
    assert!(debug.contains(r#""secret_wo": String(..)"#), "{debug}");
}

#[test]
fn wire_requests_show_no_values_in_debug() {
    let apply = pb::apply_resource_change::Request {
        type_name: WIDGET.into(),
        prior_state: widget_dv(&Value::Null),
        planned_state: widget_dv(&config()),
        config: widget_dv(&config()),
        ..Default::default()
    };
    let plan = pb::plan_resource_change::Request {
        type_name: WIDGET.into(),
        config: widget_dv(&config()),
        proposed_new_state: widget_dv(&config()),
        ..Default::default()
    };
    let json = tfvalue::json::encode(&config(), &widget_type()).unwrap();
    let upgrade = pb::upgrade_resource_state::Request {
        type_name: WIDGET.into(),
        raw_state: Some(pb::RawState {
            json,
            flatmap: [("token".to_string(), SENSITIVE.to_string())].into(),
        }),
        ..Default::default()
    };
    let debug = format!("{apply:?} {plan:#?} {upgrade:?}");
    assert_no_secret(&debug);
    assert!(debug.contains("DynamicValue { msgpack: <"), "{debug}");
}
