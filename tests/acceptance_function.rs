//! Acceptance: `provider::frontegg::integration_callback_url` with real Terraform (1.8 and
//! later; the newest and the oldest installed): `terraform console` evaluates it for each
//! accepted spelling of the gateway, an output holds it after apply, and an unusable
//! gateway fails with Terraform's argument error carrying the provider's reason.
//! Terraform 1.0.3 rejects the syntax with its own error. Runs only with `TF_ACC`.

mod common;

use common::{Mode, Scenario, Terraform};

const CALLBACK: &str = "https://your-id.mcp-gw.frontegg.com/integration-callback";
const VERSIONS: &[&str] = &["1.15.5", "1.8.4", "1.0.3"];

fn call(gateway: &str) -> String {
    format!("provider::frontegg::integration_callback_url({gateway:?})")
}

async fn function(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.write_main("");

    for gateway in [
        "your-id.mcp-gw.frontegg.com",
        "your-id.mcp-gw.frontegg.com/",
        "https://your-id.mcp-gw.frontegg.com",
        "https://your-id.mcp-gw.frontegg.com/mcp/sse",
    ] {
        let run = s.console(&call(gateway)).await;
        run.expect_code(0);
        assert_eq!(run.stdout.trim(), format!("{CALLBACK:?}"), "{gateway}");
    }

    for (gateway, reason) in [
        (
            "http://your-id.mcp-gw.frontegg.com",
            "the callback must be https",
        ),
        ("https://", "names no host"),
    ] {
        s.console(&call(gateway))
            .await
            .expect_code(1)
            .expect_message("Invalid value for \"gateway\" parameter")
            .expect_message(reason);
    }

    // In configuration: an output, known at plan time, applied without any Frontegg call.
    s.write_main(&format!(
        "output \"callback\" {{\n  value = {}\n}}\n",
        call("https://your-id.mcp-gw.frontegg.com/")
    ));
    s.apply().await;
    let run = s.terraform(&["output", "-raw", "callback"]).await;
    run.expect_code(0);
    assert_eq!(run.stdout.trim(), CALLBACK);
    assert!(
        s.emulator.requests().is_empty(),
        "the function calls nothing"
    );

    // An error in configuration points at the argument.
    s.write_main(&format!(
        "output \"callback\" {{\n  value = {}\n}}\n",
        call("ftp://your-id.mcp-gw.frontegg.com")
    ));
    s.terraform(&["plan", "-input=false", "-no-color"])
        .await
        .expect_code(1)
        .expect_message("Invalid value for \"gateway\" parameter")
        .expect_message("uses ftp://, but the callback must be https");
    s.finish().await;
}

/// Terraform before 1.8 has no provider functions: its own parse error.
async fn no_functions(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.write_main("");
    let run = s.console(&call("your-id.mcp-gw.frontegg.com")).await;
    run.expect_code(1)
        .expect_message("Extra characters after expression");
    assert!(!run.output().contains("plugin"), "{}", run.output());
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn integration_callback_url_in_console_and_configuration() {
    for tf in common::acc_terraforms_of("function", VERSIONS) {
        eprintln!("function: Terraform {}", tf.version);
        if tf.supports_functions() {
            function(&tf).await;
        } else {
            no_functions(&tf).await;
        }
    }
}
