//! Acceptance: with `TF_LOG=TRACE`, everything Terraform and the provider print (plans,
//! applies, imports, errors, trace logs) holds neither the Frontegg secret nor an
//! Atlassian client secret. Runs only with `TF_ACC`.

mod common;

use common::{ADDR, FRONTEGG_CLIENT_ID, Mode, Scenario, Terraform};

const SECRET_1: &str = "atl-secret-trace-one-6a0f3b";
const SECRET_2: &str = "atl-secret-trace-two-d45e18";
const SECRET_WO: &str = "atl-secret-trace-wo-0b7c92";
const WRONG_FRONTEGG_SECRET: &str = "fe-wrong-secret-trace-5531aa";

fn config(secret_expr: &str, extra: &str) -> String {
    format!(
        "variable \"secret\" {{\n  type      = string\n  sensitive = true\n}}\n\nresource \"frontegg_confluence_integration\" \"this\" {{\n  client_id = \"atl-client-trace\"\n  {secret_expr}\n{extra}}}\n"
    )
}

/// `TF_LOG=TRACE`, and the secret in `TF_VAR_secret` (Terraform logs its command line).
fn traced(secret: &str) -> [(&'static str, &str); 2] {
    [("TF_LOG", "TRACE"), ("TF_VAR_secret", secret)]
}

async fn apply_traced(s: &mut Scenario, secret: &str) {
    let run = s
        .terraform_env(
            &["apply", "-auto-approve", "-input=false", "-no-color"],
            &traced(secret),
        )
        .await;
    run.expect_code(0);
    // The trace really holds the provider's own log lines.
    assert!(
        run.stderr.contains("[TRACE]")
            && run.stderr.contains("provider.terraform-provider-frontegg"),
        "TF_LOG=TRACE output expected"
    );
    let run = s
        .terraform_env(
            &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
            &traced(secret),
        )
        .await;
    assert_eq!(run.code, 0, "plan after apply:\n{}", run.stdout);
}

async fn no_secret_in_output(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    for secret in [SECRET_1, SECRET_2, SECRET_WO, WRONG_FRONTEGG_SECRET] {
        s.secret(secret);
    }

    s.write_main(&config("client_secret = var.secret", ""));
    apply_traced(&mut s, SECRET_1).await;
    // Rotation through client_secret.
    apply_traced(&mut s, SECRET_2).await;
    // Rotation through client_secret_wo.
    if tf.supports_write_only() {
        s.write_main(&config(
            "client_secret_wo = var.secret",
            "  client_secret_wo_version = 1\n",
        ));
        apply_traced(&mut s, SECRET_WO).await;
        assert!(!s.state_file_text().contains(SECRET_WO));
        s.write_main(&config("client_secret = var.secret", ""));
        apply_traced(&mut s, SECRET_2).await;
    }

    // Import, traced.
    let id = s.only_integration()["id"].as_str().expect("id").to_string();
    s.state_rm(ADDR).await;
    s.terraform_env(
        &["import", "-input=false", "-no-color", ADDR, &id],
        &traced(SECRET_2),
    )
    .await
    .expect_code(0);
    apply_traced(&mut s, SECRET_2).await;

    // A wrong Frontegg secret: the sign-in fails, and neither secret is printed.
    let run = s
        .terraform_env(
            &["plan", "-input=false", "-no-color"],
            &[
                ("TF_LOG", "TRACE"),
                ("TF_VAR_secret", SECRET_2),
                ("FRONTEGG_SECRET", WRONG_FRONTEGG_SECRET),
                ("FRONTEGG_CLIENT_ID", FRONTEGG_CLIENT_ID),
            ],
        )
        .await;
    run.expect_code(1);

    s.terraform_env(
        &["destroy", "-auto-approve", "-input=false", "-no-color"],
        &traced(SECRET_2),
    )
    .await
    .expect_code(0);
    assert!(s.integrations().is_empty());
    // finish() scans every recorded output, traces included.
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_logs_and_output_hold_no_secret() {
    for_each_terraform!("trace_logs_and_output_hold_no_secret", |tf| {
        no_secret_in_output(&tf).await
    });
}
