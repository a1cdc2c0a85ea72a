//! terraform-provider-frontegg: Frontegg MCP gateway integrations for Terraform.
//!
//! [`provider()`] is the provider that `main` serves; `provider` holds its configuration,
//! resources and data sources.

pub mod provider;

/// The provider's source address. Its host name is in `.invalid`, which RFC 6761 reserves
/// and no DNS ever resolves, so that `terraform init` installs this provider only from a
/// mirror (or `dev_overrides`) and never mistakes it for Frontegg's own `frontegg/frontegg`
/// on the public Registry, a different provider of the same type name.
pub const PROVIDER_ADDRESS: &str = "mirror.invalid/frontegg-mcp/frontegg";

use std::sync::Arc;

/// The Frontegg provider, reporting this crate's version to Frontegg.
pub fn provider() -> Arc<dyn tfplugin::Provider> {
    Arc::new(provider::FronteggProvider::new(env!("CARGO_PKG_VERSION")))
}

#[cfg(test)]
mod tests {
    /// The binary starts without checking its schemas and typed models
    /// (`ProviderService::new_without_checks`, to keep start-up short): this test does, and
    /// fails when a schema breaks Terraform's rules or a model does not fit its schema.
    #[test]
    fn every_schema_follows_terraforms_rules_and_every_model_fits_its_schema() {
        if let Err(problems) = tfplugin::ProviderService::new(super::provider()) {
            panic!("{problems}");
        }
    }
}
