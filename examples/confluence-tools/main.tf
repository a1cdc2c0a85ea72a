variable "atlassian_client_id" {
  type = string
}

variable "atlassian_client_secret" {
  type      = string
  sensitive = true
}

# The app grants the default 13 scopes, but the gateway offers agents only these tools.
# A tool that needs a scope outside `scopes` is a plan error naming the missing scopes.
resource "frontegg_confluence_integration" "this" {
  client_id     = var.atlassian_client_id
  client_secret = var.atlassian_client_secret
  tools = [
    "pages:read",
    "pages:tree",
    "spaces:read",
  ]
}

# Only the scopes these tools need are requested from Atlassian.
output "requested_scopes" {
  value = frontegg_confluence_integration.this.requested_scopes
}
