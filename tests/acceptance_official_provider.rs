//! Acceptance: this provider beside Frontegg's official provider in one configuration, as
//! `docs/guides/official-provider.md` shows it. Both are of type `frontegg`, so they get
//! distinct local names, and the resources of the one that is not named `frontegg` say
//! `provider =`. `terraform init` installs both from one filesystem mirror (the only
//! installation method allowed): this provider under its own source address, and, standing
//! for Frontegg's `registry.terraform.io/frontegg/frontegg` (which cannot be downloaded
//! here), this project's binary packaged under that address. Each provider configuration
//! points at an emulator of its own, so the test sees which provider served which resource.
//! Runs only with `TF_ACC`.

mod common;

use std::path::Path;

use common::{Mode, PROVIDER_ADDRESS, Scenario, Terraform};
use frontegg_emulator::Emulator;

/// The address of Frontegg's official provider on the Terraform Registry.
const OFFICIAL_ADDRESS: &str = "registry.terraform.io/frontegg/frontegg";
const VERSION: &str = env!("CARGO_PKG_VERSION");
const SECRET: &str = "atl-two-providers-secret-71c3e0";

/// Terraform's name of this platform (`linux_amd64`).
fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    format!("{}_{arch}", std::env::consts::OS)
}

/// Puts the provider binary into `mirror` under `address`, in Terraform's unpacked layout
/// (`<host>/<namespace>/<type>/<version>/<os>_<arch>/terraform-provider-<type>_v<version>`).
fn package(mirror: &Path, address: &str) {
    let dir = mirror.join(address).join(VERSION).join(platform());
    std::fs::create_dir_all(&dir).expect("mirror dir");
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_terraform-provider-frontegg"),
        dir.join(format!("terraform-provider-frontegg_v{VERSION}")),
    )
    .expect("package the provider");
}

fn configuration(official_url: &str, with_function: bool) -> String {
    let function = if with_function {
        "\noutput \"callback_url\" {\n  value = provider::frontegg-mcp::integration_callback_url(\"your-id.mcp-gw.frontegg.com\")\n}\n"
    } else {
        ""
    };
    format!(
        r#"terraform {{
  required_providers {{
    # Frontegg's official provider (here: a stand-in under its address).
    frontegg = {{
      source = "frontegg/frontegg"
    }}
    # This provider, under another local name.
    frontegg-mcp = {{
      source = "{PROVIDER_ADDRESS}"
    }}
  }}
}}

provider "frontegg" {{
  base_url  = "{official_url}"
  client_id = "{client_id}"
  secret    = "{secret}"
}}

# Credentials from FRONTEGG_* in the environment.
provider "frontegg-mcp" {{}}

# No `provider =`: served by the provider whose local name is `frontegg`.
resource "frontegg_confluence_integration" "official" {{
  client_id     = "atl-client-official"
  client_secret = "{SECRET}"
}}

resource "frontegg_confluence_integration" "mcp" {{
  provider      = frontegg-mcp
  client_id     = "atl-client-mcp"
  client_secret = "{SECRET}"
}}
{function}"#,
        client_id = common::FRONTEGG_CLIENT_ID,
        secret = common::FRONTEGG_SECRET,
    )
}

fn client_ids(emulator_integrations: Vec<serde_json::Value>) -> Vec<String> {
    emulator_integrations
        .iter()
        .filter_map(|i| i["oauthConfigurations"]["clientId"].as_str())
        .map(str::to_string)
        .collect()
}

async fn two_providers(tf: &Terraform) {
    let official = Emulator::start(common::emulator_config())
        .await
        .expect("start the second emulator");
    let mut s = Scenario::start(tf, Mode::FilesystemMirror).await;
    s.secret(SECRET);
    let mirror = s.mirror_dir();
    package(&mirror, OFFICIAL_ADDRESS);
    package(&mirror, PROVIDER_ADDRESS);
    std::fs::write(
        s.cli_config_path(),
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"{OFFICIAL_ADDRESS}\", \"{PROVIDER_ADDRESS}\"]\n  }}\n}}\ndisable_checkpoint = true\n",
            mirror.display()
        ),
    )
    .expect("CLI configuration");
    s.write_file(
        "main.tf",
        &configuration(&official.base_url(), tf.supports_functions()),
    );

    s.init().await.expect_code(0);
    for address in [OFFICIAL_ADDRESS, PROVIDER_ADDRESS] {
        let installed = s.data_dir().join("providers").join(address).join(VERSION);
        assert!(
            installed.exists(),
            "Terraform {}: terraform init did not install {address}",
            tf.version
        );
    }
    let lock = std::fs::read_to_string(s.work_dir().join(".terraform.lock.hcl"))
        .expect("terraform init writes .terraform.lock.hcl");
    for address in [OFFICIAL_ADDRESS, PROVIDER_ADDRESS] {
        assert!(
            lock.contains(&format!("provider \"{address}\"")),
            "Terraform {}: {address} is not in the lock file:\n{lock}",
            tf.version
        );
    }
    s.terraform(&["providers", "-no-color"])
        .await
        .expect_code(0)
        .expect_output(&format!("provider[{PROVIDER_ADDRESS}]"))
        .expect_output(&format!("provider[{OFFICIAL_ADDRESS}]"));

    s.apply().await;
    assert_eq!(
        client_ids(s.integrations()),
        ["atl-client-mcp"],
        "the resource with `provider = frontegg-mcp` is served by this provider"
    );
    assert_eq!(
        client_ids(official.integrations(common::ENV_ID)),
        ["atl-client-official"],
        "the resource without `provider =` is served by the provider named `frontegg`"
    );
    let state = s.state_file();
    let providers: Vec<(String, String)> = state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["name"].as_str().unwrap_or_default().to_string(),
                r["provider"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        providers,
        [
            (
                "mcp".to_string(),
                format!("provider[\"{PROVIDER_ADDRESS}\"]")
            ),
            (
                "official".to_string(),
                format!("provider[\"{OFFICIAL_ADDRESS}\"]")
            ),
        ],
        "Terraform {}: the state's provider of each resource",
        tf.version
    );
    if tf.supports_functions() {
        let url = s.terraform(&["output", "-raw", "callback_url"]).await;
        url.expect_code(0);
        assert_eq!(
            url.stdout.trim(),
            "https://your-id.mcp-gw.frontegg.com/integration-callback"
        );
    }

    s.destroy().await;
    assert!(s.integrations().is_empty());
    assert!(official.integrations(common::ENV_ID).is_empty());
    s.finish().await;
    official.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_providers_of_type_frontegg_install_from_a_mirror_and_serve_their_own_resources() {
    for_each_terraform!(
        "two_providers_of_type_frontegg_install_from_a_mirror_and_serve_their_own_resources",
        |tf| two_providers(&tf).await
    );
}
