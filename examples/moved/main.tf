# Terraform >= 1.8: a Confluence integration managed by frontegg_confluence_integration
# becomes a frontegg_mcp_integration without touching Frontegg. Replace the old resource
# block with this one (copy `scopes` only if you had set it) and run terraform apply: the
# plan shows the move and no change.

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
}
