variable "atlassian_client_id" {
  type = string
}

variable "atlassian_client_secret" {
  type      = string
  sensitive = true
}

# The Atlassian OAuth 2.0 (3LO) app that Frontegg's MCP gateway uses to reach Confluence.
# The app grants the 13 granular scopes of Frontegg's setup guide (the default of `scopes`),
# so every Confluence tool of Frontegg's catalog is enabled.
resource "frontegg_confluence_integration" "this" {
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
}

# What the gateway will ask Atlassian for, and which tool needs which scope.
output "requested_scopes" {
  value = frontegg_confluence_integration.this.requested_scopes
}

output "tool_scopes" {
  value = frontegg_confluence_integration.this.tool_scopes
}
