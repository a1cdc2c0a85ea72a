//! terraform-provider-frontegg: Frontegg resources for Terraform and OpenTofu.
//!
//! [`provider()`] is the provider that `main` serves; `provider` holds its configuration,
//! resources and data sources.

pub mod provider;

use std::sync::Arc;

/// The Frontegg provider, reporting this crate's version to Frontegg.
pub fn provider() -> Arc<dyn tfplugin::Provider> {
    Arc::new(provider::FronteggProvider::new(env!("CARGO_PKG_VERSION")))
}
