# Terraform >= 1.8: a Confluence integration managed by frontegg_confluence_integration
# becomes a frontegg_mcp_integration without touching Frontegg. Replace the old resource
# block with this one and run terraform apply: the plan shows the move and no change. The
# grant moves as it is, so state it: the scopes you had set, or, if you had left them unset,
# the 13 recommended scopes the Confluence resource defaulted to (below). Leaving `scopes`
# out here would make the grant unbounded, and the plan would show that change.

variable "atlassian_client_id" {
  description = "Client id of the Atlassian OAuth 2.0 (3LO) app."
  type        = string
}

variable "atlassian_client_secret" {
  description = "Secret of the Atlassian OAuth 2.0 (3LO) app."
  type        = string
  sensitive   = true
}

moved {
  from = frontegg_confluence_integration.this
  to   = frontegg_mcp_integration.confluence
}

resource "frontegg_mcp_integration" "confluence" {
  app           = "confluence"
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  scopes = [
    "delete:page:confluence",
    "read:configuration:confluence",
    "read:content-details:confluence",
    "read:group:confluence",
    "read:hierarchical-content:confluence",
    "read:label:confluence",
    "read:page:confluence",
    "read:space-details:confluence",
    "read:space:confluence",
    "read:user:confluence",
    "write:label:confluence",
    "write:page:confluence",
    "write:space:confluence",
  ]
}
