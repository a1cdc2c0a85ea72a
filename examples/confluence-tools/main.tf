# The app grants the default 13 scopes, but the gateway offers agents only the Confluence
# tools that read, picked from Frontegg's catalog: those whose scopes all start with "read:".
# A tool that needs a scope outside `scopes` would be a plan error naming the missing scopes.

variable "atlassian_client_id" {
  description = "Client id of the Atlassian OAuth 2.0 (3LO) app."
  type        = string
}

variable "atlassian_client_secret" {
  description = "Secret of the Atlassian OAuth 2.0 (3LO) app."
  type        = string
  sensitive   = true
}

data "frontegg_integration_catalog" "this" {}

resource "frontegg_confluence_integration" "this" {
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  tools = [
    for t in data.frontegg_integration_catalog.this.apps["confluence"].tools : t.identifier
    if alltrue([for s in (t.scopes == null ? [] : t.scopes) : length(regexall("^read:", s)) > 0])
  ]
}

# Only the scopes these tools need are requested from Atlassian.
output "requested_scopes" {
  value = frontegg_confluence_integration.this.requested_scopes
}
