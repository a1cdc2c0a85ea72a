//! Acceptance: configuration errors reach the user through real Terraform, with exit
//! code 1, the provider's message and the attribute, before any call to Frontegg. Runs
//! only with `TF_ACC`.

mod common;

use common::{Mode, Scenario, Terraform};

const SECRET: &str = "atl-secret-validation-5e2c";

struct Case {
    name: &'static str,
    body: String,
    /// Substrings of the (flattened) output.
    messages: &'static [&'static str],
    /// Expected exit code of `terraform plan` (and of `terraform validate`, unless
    /// `validate_code` says otherwise).
    code: i32,
    /// `terraform validate` sees variables as unknown: checks that need their values
    /// wait for the plan.
    validate_code: Option<i32>,
}

/// The resource with `lines`, after a sensitive variable `secret` (the way secrets reach
/// a configuration; a literal would be printed by Terraform's own source snippets).
fn resource(lines: &str) -> String {
    format!(
        "variable \"secret\" {{\n  type      = string\n  sensitive = true\n  default   = \"{SECRET}\"\n}}\n\nresource \"frontegg_confluence_integration\" \"this\" {{\n{lines}}}\n"
    )
}

fn cases(tf: &Terraform) -> Vec<Case> {
    let mut cases = vec![
        Case {
            name: "classic scope",
            body: resource(
                "  client_id     = \"atl-client\"\n  client_secret = var.secret\n  scopes        = [\"read:page:confluence\", \"read:confluence-space.summary\"]\n",
            ),
            messages: &[
                "Classic Confluence scope \"read:confluence-space.summary\"",
                "accepts granular scopes only",
                "read:space:confluence",
                "scopes",
            ],
            code: 1,
            validate_code: None,
        },
        Case {
            name: "Jira scope",
            body: resource(
                "  client_id     = \"atl-client\"\n  client_secret = var.secret\n  scopes        = [\"read:jira-work\"]\n",
            ),
            messages: &["Invalid Confluence scope \"read:jira-work\"", "Jira scope"],
            code: 1,
            validate_code: None,
        },
        Case {
            name: "empty scope set",
            body: resource(
                "  client_id     = \"atl-client\"\n  client_secret = var.secret\n  scopes        = []\n",
            ),
            messages: &["No Confluence scopes"],
            code: 1,
            validate_code: None,
        },
        Case {
            name: "unknown granular scope (warning only)",
            body: resource(
                "  client_id     = \"atl-client\"\n  client_secret = var.secret\n  scopes        = [\"read:page:confluence\", \"read:whiteboard-things:confluence\"]\n",
            ),
            messages: &["Unknown Confluence scope \"read:whiteboard-things:confluence\""],
            code: 0,
            validate_code: None,
        },
        Case {
            name: "empty client id",
            body: resource("  client_id     = \"\"\n  client_secret = var.secret\n"),
            messages: &["Empty client id", "client_id"],
            code: 1,
            validate_code: None,
        },
        Case {
            name: "client id that looks like a secret",
            body: resource(
                "  client_id     = \"ATOA0123456789abcdef\"\n  client_secret = var.secret\n",
            ),
            messages: &["Client id looks like a client secret"],
            code: 1,
            validate_code: None,
        },
        Case {
            name: "no secret",
            body: resource("  client_id = \"atl-client\"\n"),
            messages: &["Missing client secret"],
            code: 1,
            validate_code: None,
        },
    ];
    if tf.supports_write_only() {
        cases.push(Case {
            name: "both secrets",
            body: resource("  client_id        = \"atl-client\"\n  client_secret    = var.secret\n  client_secret_wo = var.secret\n"),
            messages: &["Two client secrets", "not both"],
            code: 1,
            validate_code: Some(0),
        });
    } else {
        cases.push(Case {
            name: "write-only secret on a Terraform without write-only attributes",
            body: resource("  client_id                = \"atl-client\"\n  client_secret_wo         = var.secret\n  client_secret_wo_version = 1\n"),
            messages: &[
                "Write-only attribute not supported by this Terraform version",
                "client_secret",
            ],
            code: 1,
            validate_code: None,
        });
    }
    cases
}

async fn validation_errors(tf: &Terraform) {
    let mut s = Scenario::start(tf, Mode::DevOverrides).await;
    s.secret(SECRET);
    for case in cases(tf) {
        s.write_main(&case.body);
        for args in [
            &["validate", "-no-color"][..],
            &["plan", "-input=false", "-no-color"][..],
        ] {
            let run = s.terraform(args).await;
            let expected = match (args[0], case.validate_code) {
                ("validate", Some(code)) => code,
                _ => case.code,
            };
            assert_eq!(
                run.code,
                expected,
                "{} (Terraform {}): terraform {} exited {}\n{}",
                case.name,
                tf.version,
                args[0],
                run.code,
                run.output()
            );
            if expected == case.code {
                for m in case.messages {
                    run.expect_message(m);
                }
            }
        }
    }
    // Nothing reached Frontegg except what the one valid configuration's plan read.
    assert!(
        s.integrations().is_empty(),
        "validation must create nothing"
    );
    assert!(
        !s.emulator
            .requests()
            .iter()
            .any(|r| r.method != "GET" && r.path != "/auth/vendor"),
        "no write call: {:#?}",
        s.emulator.requests()
    );
    s.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_errors_reach_the_user() {
    for_each_terraform!("validation_errors_reach_the_user", |tf| {
        validation_errors(&tf).await
    });
}
