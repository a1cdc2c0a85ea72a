//! Acceptance: `terraform providers schema -json` and `terraform validate` on every
//! Terraform version, with the provider binary (dev_overrides) and served in-process
//! (TF_REATTACH_PROVIDERS). Runs only with `TF_ACC` set.

mod common;

use common::{Mode, RESOURCE_TYPE, Scenario};

async fn schema_and_validate(tf: &common::Terraform, mode: Mode) {
    let mut s = Scenario::start(tf, mode).await;
    let secret = s.secret("atl-schema-secret-0d9f");
    s.write_main(&format!(
        r#"
resource "frontegg_confluence_integration" "this" {{
  client_id     = "atl-client-schema"
  client_secret = "{secret}"
}}

data "frontegg_confluence_integration" "current" {{}}
"#
    ));

    let run = s.terraform(&["validate", "-no-color"]).await;
    run.expect_code(0)
        .expect_output("The configuration is valid");

    let run = s
        .terraform_machine(&["providers", "schema", "-json", "-no-color"])
        .await;
    run.expect_code(0);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("schema JSON");
    let provider = &schema["provider_schemas"][common::PROVIDER_ADDRESS];
    assert!(
        provider.is_object(),
        "no schema for {} in {schema:#}",
        common::PROVIDER_ADDRESS
    );
    for attr in [
        "client_id",
        "secret",
        "region",
        "base_url",
        "environment_id",
    ] {
        assert!(
            provider["provider"]["block"]["attributes"][attr].is_object(),
            "provider attribute {attr} missing"
        );
    }
    assert_eq!(
        provider["provider"]["block"]["attributes"]["secret"]["sensitive"],
        true
    );
    let resource = &provider["resource_schemas"][RESOURCE_TYPE]["block"]["attributes"];
    for attr in [
        "id",
        "name",
        "client_id",
        "client_secret",
        "client_secret_wo",
        "client_secret_wo_version",
        "scopes",
        "tools",
        "requested_scopes",
        "tool_scopes",
        "agent_ids",
        "description",
        "enabled",
        "frontegg_integration_id",
    ] {
        assert!(
            resource[attr].is_object(),
            "resource attribute {attr} missing"
        );
    }
    assert_eq!(resource["client_secret"]["sensitive"], true);
    if tf.supports_write_only() {
        assert_eq!(resource["client_secret_wo"]["write_only"], true);
    }
    if tf.supports_identity() {
        let identity = &provider["resource_identity_schemas"][RESOURCE_TYPE];
        assert!(
            identity["attributes"]["id"].is_object(),
            "identity schema: {identity:#}"
        );
    }
    let data = &provider["data_source_schemas"][RESOURCE_TYPE]["block"]["attributes"];
    for attr in [
        "id",
        "name",
        "client_id",
        "tools",
        "requested_scopes",
        "agent_ids",
        "enabled",
    ] {
        assert!(
            data[attr].is_object(),
            "data source attribute {attr} missing"
        );
    }
    assert!(
        data["client_secret"].is_null(),
        "the data source has no secret"
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_and_validate_dev_overrides() {
    for_each_terraform!("schema_and_validate_dev_overrides", |tf| {
        schema_and_validate(&tf, Mode::DevOverrides).await
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_and_validate_reattach() {
    for_each_terraform!("schema_and_validate_reattach", |tf| {
        schema_and_validate(&tf, Mode::Reattach).await
    });
}
