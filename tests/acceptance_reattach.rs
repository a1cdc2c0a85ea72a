//! Acceptance through `TF_REATTACH_PROVIDERS`: the provider served in this process
//! (`tfplugin::serve_debug`), as terraform-plugin-testing's ProtoV6ProviderFactories do.
//! The one provider process outlives every Terraform command; each command configures it
//! afresh, so tokens expired between commands do not matter. Also the data source. Runs
//! only with `TF_ACC`.

mod common;

use common::{ADDR, ALL_TOOLS, ENV_ID, Mode, Scenario, Terraform, remote_tools};
use frontegg_emulator::fingerprint;
use serde_json::json;

const SECRET_1: &str = "atl-secret-reattach-one-1d2c3b";
const SECRET_2: &str = "atl-secret-reattach-two-9e8f7a";

fn config(secret: &str, extra: &str) -> String {
    format!(
        "variable \"secret\" {{\n  type      = string\n  sensitive = true\n  default   = \"{secret}\"\n}}\n\nresource \"frontegg_confluence_integration\" \"this\" {{\n  name          = \"Confluence (reattach)\"\n  client_id     = \"atl-client-reattach\"\n  client_secret = var.secret\n{extra}}}\n"
    )
}

const DATA_SOURCE: &str = "\ndata \"frontegg_confluence_integration\" \"current\" {\n  depends_on = [frontegg_confluence_integration.this]\n}\n\noutput \"data_id\" {\n  value = data.frontegg_confluence_integration.current.id\n}\n\noutput \"data_client_id\" {\n  value = data.frontegg_confluence_integration.current.client_id\n}\n";

async fn reattached(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::Reattach).await;
    s.secret(SECRET_1);
    s.secret(SECRET_2);

    s.write_main(&format!("{}{DATA_SOURCE}", config(SECRET_1, "")));
    s.apply().await;
    let remote = s.only_integration();
    let id = remote["id"].as_str().expect("id").to_string();
    assert_eq!(remote["name"], "Confluence (reattach)");
    assert_eq!(remote_tools(&remote), ALL_TOOLS);
    assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET_1)));
    let outputs = s
        .terraform(&["output", "-json", "-no-color"])
        .await
        .expect_code(0)
        .stdout
        .clone();
    let outputs: serde_json::Value = serde_json::from_str(&outputs).expect("outputs JSON");
    assert_eq!(outputs["data_id"]["value"], id.as_str());
    assert_eq!(outputs["data_client_id"]["value"], "atl-client-reattach");

    // Every token issued so far stops working; the next command signs in again.
    let sign_ins = |s: &Scenario| {
        s.emulator
            .requests()
            .iter()
            .filter(|r| r.path == "/auth/vendor" && r.status == 200)
            .count()
    };
    let before = sign_ins(&s);
    s.emulator.expire_tokens();
    s.write_main(&format!(
        "{}{DATA_SOURCE}",
        config(SECRET_2, "  enabled = false\n")
    ));
    s.apply().await;
    assert!(sign_ins(&s) > before, "signed in again after the expiry");
    assert_eq!(s.secret_fingerprint(&id), Some(fingerprint(SECRET_2)));
    assert_eq!(s.only_integration()["isActive"], false);

    // Drift, then import by `confluence`.
    assert!(
        s.emulator
            .patch_integration(ENV_ID, &id, json!({ "name": "Renamed elsewhere" }))
    );
    let run = s.plan_code(true).await;
    assert_eq!(run.code, 2, "{}", run.output());
    s.apply().await;
    s.state_rm(ADDR).await;
    s.terraform(&["import", "-input=false", "-no-color", ADDR, "confluence"])
        .await
        .expect_code(0);
    s.apply().await;
    s.assert_state_matches_emulator().await;

    s.destroy().await;
    assert!(s.integrations().is_empty());
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_through_reattach() {
    for_each_terraform!("lifecycle_through_reattach", |tf| reattached(&tf).await);
}
