# An Atlassian app that grants only read scopes. `tools` is left to the provider: every
# catalog tool whose scopes lie inside `scopes`, so no tool that writes or deletes is enabled.

variable "atlassian_client_id" {
  description = "Client id of the Atlassian OAuth 2.0 (3LO) app."
  type        = string
}

variable "atlassian_client_secret" {
  description = "Secret of the Atlassian OAuth 2.0 (3LO) app."
  type        = string
  sensitive   = true
}

resource "frontegg_confluence_integration" "this" {
  name          = "Confluence (read only)"
  description   = "Agents may read Confluence, never change it."
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  scopes = [
    "read:page:confluence",
    "read:space:confluence",
    "read:space-details:confluence",
    "read:content-details:confluence",
    "read:hierarchical-content:confluence",
    "read:user:confluence",
    "read:group:confluence",
    "read:label:confluence",
    "read:configuration:confluence",
  ]
}

output "enabled_tools" {
  value = frontegg_confluence_integration.this.tools
}
