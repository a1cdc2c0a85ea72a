//! The type names of the two resources that manage an integration, which a `moved` block
//! connects: named here, below both, so that each takes the other's state without importing
//! it. Never holds logic.

/// `frontegg_confluence_integration`: the Confluence integration, with Confluence's defaults.
pub(crate) const CONFLUENCE_INTEGRATION: &str = "frontegg_confluence_integration";
/// `frontegg_mcp_integration`: the integration of any catalog app, named by its `app`.
pub(crate) const MCP_INTEGRATION: &str = "frontegg_mcp_integration";
