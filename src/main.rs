//! terraform-provider-frontegg: the provider binary that Terraform starts.
//!
//! Run by hand it explains itself; `--debug` serves for a debugger or a long-lived
//! session (see `TF_REATTACH_PROVIDERS`).

use std::process::ExitCode;
use std::time::Duration;

use tfplugin::ServeConfig;

fn main() -> ExitCode {
    // One thread is plenty for a provider (RPCs are I/O-bound) and keeps start-up time
    // and memory low; blocking work, if any, goes to tokio's blocking pool.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terraform-provider-frontegg: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(tfplugin::serve(
        terraform_provider_frontegg::provider(),
        ServeConfig {
            provider_address: terraform_provider_frontegg::PROVIDER_ADDRESS,
            version: env!("CARGO_PKG_VERSION"),
        },
    ));
    // Do not wait for lingering blocking tasks (e.g. a DNS lookup) after Shutdown.
    runtime.shutdown_timeout(Duration::from_millis(100));
    code
}
