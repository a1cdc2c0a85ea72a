variable "atlassian_client_id" {
  type = string
}

variable "atlassian_client_secret" {
  type      = string
  sensitive = true
}

# The Atlassian OAuth 2.0 (3LO) app that Frontegg's MCP gateway uses to reach Confluence,
# with the 13 recommended granular scopes.
resource "frontegg_confluence_integration" "this" {
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
}

# Read-only access, with refresh tokens.
resource "frontegg_confluence_integration" "read_only" {
  name          = "Confluence (read only)"
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  scopes = [
    "read:page:confluence",
    "read:space:confluence",
    "read:content-details:confluence",
    "read:hierarchical-content:confluence",
    "offline_access",
  ]
  enabled = true
}
