# The environment's Confluence integration, wherever it was configured.
data "frontegg_confluence_integration" "current" {}

# The tools the MCP gateway offers agents, and the scopes it requests from Atlassian.
output "confluence_tools" {
  value = data.frontegg_confluence_integration.current.tools
}

output "confluence_requested_scopes" {
  value = data.frontegg_confluence_integration.current.requested_scopes
}
